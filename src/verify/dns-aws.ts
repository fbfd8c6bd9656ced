/**
 * Name resolution as part of the path (AWS): from a VPC, an approved AI service name
 * (bedrock-runtime.<region>.amazonaws.com) resolves to the interface endpoint only when the endpoint has private DNS
 * enabled and the VPC has both enableDnsSupport and enableDnsHostnames; otherwise the Route 53 Resolver answers with
 * the public service addresses. A VPC that can reach the endpoint by IP but resolves the name publicly still sends
 * its calls over the internet path (or fails), so this is reported with the chain that explains it.
 */
import { fingerprintOf, type Finding } from '../findings/types.js';
import { scopeKey, type AwsInventory, type AwsVpcEndpoint } from '../inventory/aws.js';
import type { ZonePolicy } from '../policy/load.js';
import type { NetworkModel } from './model.js';
import { VERIFY_CHECKS } from './checks.js';

export const DNS_CHECK = VERIFY_CHECKS.dns;

export interface ResolutionStep {
  what: string;
  ok: boolean | 'unknown';
}

export function awsDnsFindings(inv: AwsInventory, policy: ZonePolicy, model: NetworkModel): Finding[] {
  const approved = new Map<string, string>();
  for (const z of policy.zones.values())
    if (z.kind === 'service') for (const s of z.services?.aws ?? []) approved.set(s, z.name);
  // Zones allowed to call a service zone (on any port): their VPCs must resolve the names privately.
  const callers = new Set(
    policy.rules
      .filter((r) => r.action === 'allow' && policy.zones.get(r.to)?.kind === 'service')
      .map((r) => `${r.from}>${r.to}`),
  );
  const out: Finding[] = [];
  const vpcZones = new Map<string, Set<string>>();
  for (const s of model.subnets.values())
    if (s.zone) vpcZones.set(s.network, (vpcZones.get(s.network) ?? new Set()).add(s.zone));
  // Interface endpoints and VPC attributes by scope and VPC, once (an organisation has thousands of VPCs).
  const group = <T>(items: readonly T[], k: (x: T) => string) => {
    const m = new Map<string, T[]>();
    for (const x of items) m.set(k(x), [...(m.get(k(x)) ?? []), x]);
    return m;
  };
  const interfaceEndpoints = inv.vpcEndpoints.filter((e) => e.type === 'Interface');
  const endpointsByScope = group(interfaceEndpoints, (e) => scopeKey(e));
  const endpointsByVpc = group(interfaceEndpoints, (e) => `${scopeKey(e)}|${e.vpcId}`);
  const attributesByVpc = group(inv.vpcAttributes, (a) => `${scopeKey(a)}|${a.vpcId}`);
  for (const vpc of [...inv.vpcs].sort((a, b) => a.id.localeCompare(b.id))) {
    const zonesHere = vpcZones.get(vpc.id) ?? new Set<string>();
    const scope = scopeKey(vpc);
    const endpointsHere = endpointsByVpc.get(`${scope}|${vpc.id}`) ?? [];
    const inScope = endpointsByScope.get(scope) ?? [];
    for (const [service, zone] of [...approved].sort()) {
      const calling = [...zonesHere].filter((z) => callers.has(`${z}>${zone}`)).sort();
      if (calling.length === 0) continue;
      // Services the scope uses somewhere (an endpoint exists), so a VPC without one is a real gap, not noise.
      if (!inScope.some((e) => e.service === service)) continue;
      const attrs = attributesByVpc.get(`${scope}|${vpc.id}`) ?? [];
      const support = attrs.find((a) => a.enableDnsSupport !== undefined)?.enableDnsSupport;
      const hostnames = attrs.find((a) => a.enableDnsHostnames !== undefined)?.enableDnsHostnames;
      const endpoint: AwsVpcEndpoint | undefined = endpointsHere.find((e) => e.service === service);
      const name = `${service}.${vpc.region}.amazonaws.com`;
      const chain: ResolutionStep[] = [];
      if (!endpoint) chain.push({ what: `no ${service} interface endpoint in ${vpc.id}`, ok: false });
      else
        chain.push({
          what: `${endpoint.id} privateDnsEnabled=${endpoint.privateDnsEnabled}`,
          ok: endpoint.privateDnsEnabled,
        });
      chain.push({ what: `${vpc.id} enableDnsSupport=${support ?? 'not collected'}`, ok: support ?? 'unknown' });
      chain.push({ what: `${vpc.id} enableDnsHostnames=${hostnames ?? 'not collected'}`, ok: hostnames ?? 'unknown' });
      const failed = chain.filter((c) => c.ok === false);
      const unknown = chain.filter((c) => c.ok === 'unknown');
      if (failed.length === 0 && unknown.length === 0) continue;
      const resource = {
        provider: 'aws' as const,
        account: vpc.account,
        region: vpc.region,
        type: endpoint ? 'AWS::EC2::VPCEndpoint' : 'AWS::EC2::VPC',
        id: endpoint?.id ?? vpc.id,
      };
      const status = failed.length > 0 ? 'fail' : 'not-assessed';
      out.push({
        checkId: DNS_CHECK.id,
        title: DNS_CHECK.title,
        severity: DNS_CHECK.severity,
        status,
        resource,
        origin: endpoint?.origin ?? vpc.origin,
        message:
          status === 'fail'
            ? `${name} from ${vpc.id} (zones ${calling.join(', ')}) falls through to public DNS: ${failed.map((c) => c.what).join('; ')}`
            : `cannot tell how ${name} resolves from ${vpc.id}: ${unknown.map((c) => c.what).join('; ')}`,
        evidence: {
          name,
          vpc: vpc.id,
          callingZones: calling,
          chain: [
            ...chain.map((c) => ({ step: c.what, ok: c.ok })),
            {
              step: status === 'fail' ? 'Route 53 Resolver answers with the public service addresses' : 'unknown',
              ok: status !== 'fail',
            },
          ],
        },
        remediation: DNS_CHECK.remediation,
        references: [
          'https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#interface-endpoint-private-dns',
        ],
        fingerprint: fingerprintOf(DNS_CHECK.id, { ...resource, id: `${vpc.id}|${service}` }),
      });
    }
  }
  return out;
}
