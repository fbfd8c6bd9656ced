/**
 * DNS test: one approved AI service name at one resolver, A and AAAA. Passing needs every answer to be an address
 * the policy expects (the snapshot's endpoint addresses, else the service zone's CIDRs, else any private address);
 * a public answer is a DNS leak; a resolver that does not answer leaves the test not assessed.
 */
import { parseCidr } from '../../util/cidr.js';
import { answered, askNameserver, askSystem, classifyAddress, type DnsAnswer } from '../dns.js';
import type { PlannedTest } from '../plan.js';
import type { RunContext, TestOutcome } from './context.js';

interface Verdict {
  address: string;
  class: string;
  ok: boolean;
  why: string;
}

function inCidrs(address: string, cidrs: string[]): boolean {
  const a = parseCidr(address);
  return cidrs.some((c) => {
    const n = parseCidr(c);
    return n.family === a.family && n.first <= a.first && a.last <= n.last;
  });
}

export function judgeAddress(address: string, test: PlannedTest): Verdict {
  const cls = classifyAddress(address);
  const endpoint = test.name?.endpointAddresses;
  if (endpoint && endpoint.length > 0) {
    if (endpoint.includes(address)) return { address, class: cls, ok: true, why: 'an address of the endpoint' };
    return {
      address,
      class: cls,
      ok: false,
      why:
        cls === 'public'
          ? 'a public address: DNS leak'
          : `not an address of ${test.name?.endpointIds?.join(', ') ?? 'the endpoint'}`,
    };
  }
  const cidrs = test.allowedCidrs ?? [];
  if (cidrs.length > 0 && inCidrs(address, cidrs)) return { address, class: cls, ok: true, why: 'in the service zone' };
  if (cls === 'public') return { address, class: cls, ok: false, why: 'a public address: DNS leak' };
  if (cidrs.length > 0)
    return { address, class: cls, ok: false, why: `outside the service zone (${cidrs.join(', ')})` };
  if (cls === 'private') return { address, class: cls, ok: true, why: 'a private address' };
  return { address, class: cls, ok: false, why: `a ${cls} address, not a private endpoint` };
}

export async function runDns(test: PlannedTest, ctx: RunContext): Promise<TestOutcome> {
  const name = test.name!.name;
  const resolver = test.resolver!;
  const t = ctx.prober.timeoutMs;
  const answer: DnsAnswer =
    resolver.id === 'system'
      ? await askSystem(name, t, ctx.prober.limiter)
      : await askNameserver(name, resolver.id, t, ctx.prober.limiter);
  const server = resolver.id.replace(/^\[?([^\]]+?)\]?(:\d+)?$/, '$1');
  const hop = resolver.id === 'system' ? undefined : ctx.prober.routeTo(server);
  const verdicts = [...answer.a.addresses, ...answer.aaaa.addresses].map((a) => judgeAddress(a, test));
  const evidence: Record<string, unknown> = {
    name,
    resolver: resolver.id,
    resolverSource: resolver.source,
    ...(hop ? { resolverRoute: hop } : {}),
    A: answer.a.addresses,
    AAAA: answer.aaaa.addresses,
    ...(answer.a.code ? { aCode: answer.a.code } : {}),
    ...(answer.aaaa.code ? { aaaaCode: answer.aaaa.code } : {}),
    verdicts,
    ...(test.name?.endpointAddresses ? { endpointAddresses: test.name.endpointAddresses } : {}),
  };
  const at = `${name} at resolver ${resolver.id}${resolver.id === 'system' ? ' (getaddrinfo)' : ` (${resolver.source})`}`;
  const bad = verdicts.filter((v) => !v.ok);
  if (bad.length > 0)
    return {
      status: 'fail',
      message: `${at} answered ${bad.map((v) => `${v.address} (${v.why})`).join(', ')}`,
      evidence,
    };
  if (!answered(answer.a) || !answered(answer.aaaa)) {
    const failed = [
      ...(answered(answer.a) ? [] : [`A: ${answer.a.code}`]),
      ...(answered(answer.aaaa) ? [] : [`AAAA: ${answer.aaaa.code}`]),
    ];
    return {
      status: 'not-assessed',
      message: `${at} gave no answer (${failed.join(', ')}); a resolver that cannot be asked cannot be cleared`,
      evidence,
    };
  }
  if (verdicts.length === 0)
    return {
      status: 'fail',
      message: `${at} has no A or AAAA record (${answer.a.code ?? ''}): clients using this resolver cannot reach the private endpoint`,
      evidence,
    };
  return {
    status: 'pass',
    message: `${at} answered only ${verdicts.map((v) => `${v.address} (${v.why})`).join(', ')}`,
    evidence,
  };
}
