/**
 * Derives the test plan of `cordon probe --zone Z` from the policy: what Z must reach (allow rules) and what it must
 * not (explicit or default deny), the AI service names and the resolvers to ask. The plan is plain data: `--plan`
 * prints it and the runner executes it; nothing here sends a packet. Tests the plan cannot fill in (no hosts listed
 * for a forbidden zone, no region) are planned as not assessed with the reason, so a thin cordon.yaml never passes.
 */
import { readFile } from 'node:fs/promises';
import ipaddr from 'ipaddr.js';
import type { AwsInventory } from '../inventory/aws.js';
import { decide } from '../policy/evaluate.js';
import type { ZonePolicy } from '../policy/load.js';
import { InputError, UsageError } from '../util/errors.js';
import { serviceNames, type ServiceName } from './names.js';

import { TEST_KINDS, type ProbeSettings, type TestKind } from './settings.js';

export { TEST_KINDS, type TestKind };

/** One resolver the DNS test asks: the system's (getaddrinfo, as applications do) or one nameserver directly. */
export interface ResolverRef {
  /** "system" or the nameserver as address[:port]. */
  id: string;
  /** Where it was configured: "getaddrinfo", "/etc/resolv.conf", "probe.resolvers". */
  source: string;
}

export interface PlannedTest {
  kind: TestKind;
  /** Unique within the plan; the finding's resource id. */
  target: string;
  /** What passing means, in words. */
  expect: string;
  /** The policy decision or setting the expectation comes from. */
  why: string;
  ruleIds: string[];
  /** Set when the test cannot run; it is reported not assessed with this reason. */
  unassessed?: string;
  /** Where in cordon.yaml the expectation is written (finding origin). */
  policyPath: (string | number)[];
  name?: ServiceName;
  /** Addresses the DNS answers may contain (service zone CIDRs); empty: any private address. */
  allowedCidrs?: string[];
  resolver?: ResolverRef;
  host?: string;
  port?: number;
  /** TLS server name for ai-reach and public-fallback. */
  sni?: string;
  /** For HTTP tests: the URL requested once, with the marker. */
  url?: string;
  /** For lateral/reach: the zone of the host. */
  zone?: string;
}

export interface ProbePlan {
  zone: string;
  policy: string;
  resolvers: ResolverRef[];
  /** Problems reading resolver configuration (reported with the DNS tests). */
  resolverNotes: string[];
  regions: string[];
  tests: PlannedTest[];
  bounds: { timeoutMs: number; concurrency: number; timeLimitSeconds: number };
}

export interface PlanOptions {
  policy: ZonePolicy;
  policySource: string;
  zone: string;
  regions?: string[];
  inventory?: AwsInventory;
  only?: string[];
  skip?: string[];
  /** Overrides of the probe: bounds from the command line. */
  bounds?: Partial<ProbePlan['bounds']>;
}

/** Nameserver lines of a resolv.conf; glibc ignores anything after the third, cordon asks them all. */
export function parseResolvConf(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (!m) continue;
    const addr = m[1]!.replace(/%.*$/, ''); // a scoped IPv6 zone index is not a node resolver address
    if (ipaddr.isValid(addr)) out.push(addr);
  }
  return out;
}

export async function readResolvers(settings: ProbeSettings): Promise<{ resolvers: ResolverRef[]; notes: string[] }> {
  const resolvers: ResolverRef[] = [{ id: 'system', source: 'getaddrinfo' }];
  const notes: string[] = [];
  try {
    const text = await readFile(settings.resolv_conf, 'utf8');
    const servers = parseResolvConf(text);
    if (servers.length === 0) notes.push(`${settings.resolv_conf} lists no nameserver`);
    for (const s of servers) resolvers.push({ id: s, source: settings.resolv_conf });
  } catch (err) {
    notes.push(`cannot read ${settings.resolv_conf}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  for (const s of settings.resolvers) resolvers.push({ id: s, source: 'probe.resolvers' });
  const seen = new Set<string>();
  return { resolvers: resolvers.filter((r) => !seen.has(r.id) && seen.add(r.id)), notes };
}

function selected(kind: TestKind, only: string[] | undefined, skip: string[] | undefined): boolean {
  return (!only?.length || only.includes(kind)) && !skip?.includes(kind);
}

export async function derivePlan(opts: PlanOptions): Promise<ProbePlan> {
  const { policy, zone } = opts;
  const settings = policy.document.probe;
  for (const k of [...(opts.only ?? []), ...(opts.skip ?? [])])
    if (!(TEST_KINDS as readonly string[]).includes(k))
      throw new UsageError(`unknown test kind ${JSON.stringify(k)}; kinds are ${TEST_KINDS.join(', ')}`);
  const here = policy.zones.get(zone);
  if (!here)
    throw new UsageError(
      `zone ${JSON.stringify(zone)} is not in ${opts.policySource}; zones are ${[...policy.zones.keys()].join(', ')}`,
    );
  if (here.kind !== 'network')
    throw new UsageError(`zone ${zone} is of kind ${here.kind}: probe runs on a host inside a network zone`);
  for (const hostZone of Object.keys(settings.hosts))
    if (!policy.zones.has(hostZone))
      throw new InputError(
        policy.file,
        `probe.hosts names zone ${hostZone}, which the policy does not define`,
        policy.locate(['probe', 'hosts', hostZone]),
      );

  const regions = [
    ...new Set([
      ...settings.aws_regions,
      ...(opts.regions ?? []),
      ...(opts.inventory?.vpcEndpoints.map((e) => e.region) ?? []),
    ]),
  ].sort();
  const { resolvers, notes } = await readResolvers(settings);
  const tests: PlannedTest[] = [];
  const add = (t: PlannedTest) => {
    if (selected(t.kind, opts.only, opts.skip)) tests.push(t);
  };

  // AI services: every service zone's names; DNS everywhere, reach or blocked as the policy decides.
  for (const svc of [...policy.zones.values()].filter((z) => z.kind === 'service')) {
    const services = svc.services ?? { aws: [], azure: [], gcp: [] };
    const { names, missing } = serviceNames(services, settings, regions, opts.inventory);
    const d = decide(policy, { from: zone, to: svc.name, protocol: 'https', port: 443 });
    const ruleIds = d.decidingRules.map((r) => r.id);
    const why = `${zone} -> ${svc.name} https/443: ${d.reason}`;
    const rulePath = d.decidingRules[0] ? ['rules', d.decidingRules[0].index] : ['zones', svc.name];
    for (const m of missing) {
      add({
        kind: 'dns',
        target: `${m.provider} names of ${svc.name}`,
        expect: 'answers only inside the service zone',
        why: `zone ${svc.name} lists ${m.provider} services`,
        ruleIds: [],
        unassessed: m.reason,
        policyPath: ['zones', svc.name, 'services', m.provider],
      });
    }
    for (const name of names) {
      for (const resolver of resolvers)
        add({
          kind: 'dns',
          target: `${name.name} @ ${resolver.id}`,
          expect:
            name.endpointAddresses !== undefined
              ? `A/AAAA answers are exactly the endpoint addresses (${name.endpointAddresses.join(', ') || 'none in the snapshot'})`
              : svc.cidrs.length > 0
                ? `A/AAAA answers lie in zone ${svc.name} (${svc.cidrs.join(', ')})`
                : 'A/AAAA answers are private addresses (a public answer is a DNS leak)',
          why: `${name.service} is an approved ${name.provider} service of zone ${svc.name}`,
          ruleIds: [],
          policyPath: ['zones', svc.name, 'services'],
          name,
          allowedCidrs: svc.cidrs,
          resolver,
        });
      if (d.allowed)
        add({
          kind: 'ai-reach',
          target: `${name.name}:443`,
          expect: 'TCP and a TLS handshake with this server name succeed on every address the system resolver gives',
          why,
          ruleIds,
          policyPath: rulePath,
          name,
          port: 443,
          sni: name.name,
        });
      else
        add({
          kind: 'ai-blocked',
          target: `${name.name}:443`,
          expect: `no TCP connection to any address of the name (${zone} must not call AI services directly)`,
          why,
          ruleIds,
          policyPath: rulePath,
          name,
          port: 443,
        });
    }
    // No public fallback: whether or not the zone may use the private endpoint, the public one must be closed.
    if (settings.public_addresses.length === 0)
      add({
        kind: 'public-fallback',
        target: `public addresses of ${svc.name}`,
        expect: 'no TCP connection',
        why: 'a public fallback bypasses the private endpoint',
        ruleIds: [],
        unassessed:
          'no public addresses given: list a public-view answer of the service names in probe.public_addresses',
        policyPath: ['probe'],
      });
    for (const [i, address] of settings.public_addresses.entries())
      add({
        kind: 'public-fallback',
        target: `${address}:443`,
        expect: 'no TCP connection (the public endpoint must not be a fallback)',
        why: `probe.public_addresses lists ${address} as a public address of the AI services`,
        ruleIds: [],
        policyPath: ['probe', 'public_addresses', i],
        host: address,
        port: 443,
        ...(names[0] ? { sni: names[0].name } : {}),
      });
  }

  // Hosts per zone: allowed ports must connect, forbidden ones must not.
  const listed = new Set<string>();
  for (const [hostZone, hosts] of Object.entries(settings.hosts)) {
    if (hostZone === zone) continue;
    const internet = policy.zones.get(hostZone)!.kind === 'internet';
    for (const [i, h] of hosts.entries())
      for (const port of h.ports) {
        listed.add(hostZone);
        const d = decide(policy, { from: zone, to: hostZone, protocol: 'tcp', port });
        const base = {
          target: `${h.address}:${port}`,
          why: `${zone} -> ${hostZone} tcp/${port}: ${d.reason}`,
          ruleIds: d.decidingRules.map((r) => r.id),
          policyPath: ['probe', 'hosts', hostZone, i] as (string | number)[],
          host: h.address,
          port,
          zone: hostZone,
        };
        if (d.allowed) add({ kind: 'reach', expect: 'a TCP connection', ...base });
        else
          add({
            kind: internet ? 'egress' : 'lateral',
            expect: 'no TCP connection (refused or timed out)',
            ...base,
          });
      }
  }
  for (const other of [...policy.zones.values()].filter((z) => z.kind === 'network' && z.name !== zone)) {
    if (listed.has(other.name)) continue;
    const allows = policy.rules.some((r) => r.from === zone && r.to === other.name && r.action === 'allow');
    if (allows)
      add({
        kind: 'reach',
        target: `hosts of ${other.name}`,
        expect: 'a TCP connection on the allowed ports',
        why: `rules allow ${zone} -> ${other.name}`,
        ruleIds: [],
        unassessed: `no hosts listed for zone ${other.name}: add them to probe.hosts.${other.name}`,
        policyPath: ['zones', other.name],
      });
    else
      add({
        kind: 'lateral',
        target: `hosts of ${other.name}`,
        expect: 'no TCP connection',
        why: `no rule allows ${zone} -> ${other.name}: default deny`,
        ruleIds: [],
        unassessed: `no hosts listed for zone ${other.name}: add them to probe.hosts.${other.name}`,
        policyPath: ['zones', other.name],
      });
  }

  // Egress: canaries get one marked HTTP request each, where the policy denies the port to the internet.
  const internetZone = [...policy.zones.values()].find((z) => z.kind === 'internet');
  if (internetZone) {
    if (settings.canaries.length === 0)
      add({
        kind: 'egress',
        target: 'canary',
        expect: 'no connection and no HTTP response',
        why: 'exfiltration simulation',
        ruleIds: [],
        unassessed: 'no canary URL: add one you control to probe.canaries',
        policyPath: ['probe'],
      });
    for (const [i, url] of settings.canaries.entries()) {
      const u = new URL(url);
      const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
      const d = decide(policy, { from: zone, to: internetZone.name, protocol: 'tcp', port });
      add({
        kind: 'egress',
        target: url,
        expect: 'no TCP connection and no HTTP response to one request carrying the run marker',
        why: `${zone} -> ${internetZone.name} tcp/${port}: ${d.reason}`,
        ruleIds: d.decidingRules.map((r) => r.id),
        policyPath: ['probe', 'canaries', i],
        url,
        ...(d.allowed ? { unassessed: `the policy allows this egress (${d.reason}); nothing to prove` } : {}),
      });
    }
  }

  // Agent tool isolation: an HTTP request as a tool call would make, to internal, metadata and link-local addresses.
  if (settings.tool_zones.includes(zone)) {
    const toolTest = (target: string, url: string, why: string, policyPath: (string | number)[]) =>
      add({
        kind: 'tool-isolation',
        target,
        expect: 'the HTTP request fails (no TCP connection)',
        why,
        ruleIds: [],
        policyPath,
        url,
      });
    toolTest(
      `metadata ${settings.metadata_address}`,
      `http://${bracket(settings.metadata_address)}/latest/meta-data/`,
      'instance metadata hands out credentials to any local process',
      ['probe', 'metadata_address'],
    );
    for (const [i, a] of settings.link_local.entries())
      toolTest(`link-local ${a}`, `http://${bracket(a)}/`, 'link-local services (task credentials)', [
        'probe',
        'link_local',
        i,
      ]);
    let internal = 0;
    for (const [hostZone, hosts] of Object.entries(settings.hosts)) {
      if (hostZone === zone || policy.zones.get(hostZone)!.kind !== 'network') continue;
      for (const [i, h] of hosts.entries()) {
        // A port the policy lets this zone use is not a tool-isolation failure; take the first it forbids.
        const port = h.ports.find(
          (p) => !decide(policy, { from: zone, to: hostZone, protocol: 'tcp', port: p }).allowed,
        );
        if (port === undefined) continue;
        internal++;
        toolTest(
          `internal ${h.address}:${port}`,
          `http://${bracket(h.address)}:${port}/`,
          `a tool call must not reach zone ${hostZone}`,
          ['probe', 'hosts', hostZone, i],
        );
      }
    }
    if (internal === 0)
      add({
        kind: 'tool-isolation',
        target: 'internal addresses',
        expect: 'the HTTP request fails',
        why: 'a tool call must not reach other zones',
        ruleIds: [],
        unassessed: 'no hosts of other network zones in probe.hosts',
        policyPath: ['probe'],
      });
  }

  return {
    zone,
    policy: opts.policySource,
    resolvers,
    resolverNotes: selected('dns', opts.only, opts.skip) ? notes : [],
    regions,
    tests,
    bounds: {
      timeoutMs: opts.bounds?.timeoutMs ?? settings.timeout_ms,
      concurrency: opts.bounds?.concurrency ?? settings.concurrency,
      timeLimitSeconds: opts.bounds?.timeLimitSeconds ?? settings.time_limit_seconds,
    },
  };
}

function bracket(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}
