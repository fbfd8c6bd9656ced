/**
 * Name resolution as part of the path (AWS): from a VPC, an approved AI service name
 * (bedrock-runtime.<region>.amazonaws.com) resolves to the interface endpoint only when the endpoint has private DNS
 * enabled and the VPC has both enableDnsSupport and enableDnsHostnames; otherwise the Route 53 Resolver answers with
 * the public service addresses. A VPC that can reach the endpoint by IP but resolves the name publicly still sends
 * its calls over the internet path (or fails), so this is reported with the chain that explains it. A private hosted
 * zone associated with the VPC for the name (or a parent domain) decides instead (see hostedZoneAnswer), and before
 * either, a Route 53 Resolver rule associated with the VPC may send the query elsewhere (see resolverRuleDecision).
 * Rules and zones a Route 53 Profile associated with the VPC carries count as associated with it (dns-aws-profiles).
 */
import { fingerprintOf, type Finding } from '../findings/types.js';
import {
  AWS_DATASETS,
  scopeKey,
  type AwsInventory,
  type AwsResolverRule,
  type AwsResourceRecord,
  type AwsVpcEndpoint,
} from '../inventory/aws.js';
import type { ZonePolicy } from '../policy/load.js';
import type { NetworkModel } from './model.js';
import type { ProfileContribution } from './dns-aws-profiles.js';
import { VERIFY_CHECKS } from './checks.js';
import { groupBy } from './evaluate.js';
import { notRead, resolverIndex, resolverRuleDecision } from './dns-aws-resolver-rules.js';
import { profileContribution, profileIndex } from './dns-aws-profiles.js';

export const DNS_CHECK = VERIFY_CHECKS.dns;

/**
 * Hosted-zone associations by scope and VPC, record sets by zone, interface endpoints by region and service, and the
 * interfaces by id: made once per inventory. Every VPC of an organisation asks for each approved
 * service, and scans of the whole lists per question grew with VPCs × associations (or × interfaces).
 */
const route53Indexes = new WeakMap<
  AwsInventory,
  {
    associations: Map<string, AwsInventory['hostedZoneAssociations'][number]>;
    records: Map<string, AwsInventory['hostedZoneRecords'][number]>;
    interfaceEndpoints: Map<string, AwsVpcEndpoint[]>;
    interfacesById: Map<string, AwsInventory['networkInterfaces']>;
  }
>();
function route53Index(inv: AwsInventory) {
  let x = route53Indexes.get(inv);
  if (x) return x;
  // The first of each key, as `find` took it.
  const associations = new Map<string, AwsInventory['hostedZoneAssociations'][number]>();
  for (const a of inv.hostedZoneAssociations) {
    const k = `${scopeKey(a)}|${a.vpcId}`;
    if (!associations.has(k)) associations.set(k, a);
  }
  const records = new Map<string, AwsInventory['hostedZoneRecords'][number]>();
  for (const r of inv.hostedZoneRecords) if (!records.has(r.zoneId)) records.set(r.zoneId, r);
  const interfaceEndpoints = new Map<string, AwsVpcEndpoint[]>();
  for (const e of inv.vpcEndpoints)
    if (e.type === 'Interface') {
      const k = `${e.region}|${e.service}`;
      (interfaceEndpoints.get(k) ?? interfaceEndpoints.set(k, []).get(k)!).push(e);
    }
  const interfacesById = new Map<string, AwsInventory['networkInterfaces']>();
  for (const n of inv.networkInterfaces) (interfacesById.get(n.id) ?? interfacesById.set(n.id, []).get(n.id)!).push(n);
  route53Indexes.set(inv, (x = { associations, records, interfaceEndpoints, interfacesById }));
  return x;
}

export interface ResolutionStep {
  what: string;
  ok: boolean | 'unknown';
}

/**
 * The scopes where awsDnsFindings asks how approved names resolve: those with an interface endpoint of an approved
 * service (elsewhere it asks nothing, so nothing there is proven to resolve privately).
 */
export function awsDnsScopes(inv: AwsInventory, policy: ZonePolicy): Set<string> {
  const approved = new Set(
    [...policy.zones.values()].flatMap((z) => (z.kind === 'service' ? (z.services?.aws ?? []) : [])),
  );
  return new Set(
    inv.vpcEndpoints.filter((e) => e.type === 'Interface' && approved.has(e.service)).map((e) => scopeKey(e)),
  );
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
  const interfaceEndpoints = inv.vpcEndpoints.filter((e) => e.type === 'Interface');
  const endpointsByScope = groupBy(interfaceEndpoints, (e) => scopeKey(e));
  const endpointsByVpc = groupBy(interfaceEndpoints, (e) => `${scopeKey(e)}|${e.vpcId}`);
  const attributesByVpc = groupBy(inv.vpcAttributes, (a) => `${scopeKey(a)}|${a.vpcId}`);
  const resolver = resolverIndex(inv);
  const profiles = profileIndex(inv);
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
      const privateDns = endpoint?.privateDnsEnabled === true;
      const profile = profileContribution(profiles, vpc);
      const direct = route53Index(inv).associations.get(`${scope}|${vpc.id}`)?.zones;
      const zones = direct && [...direct, ...profile.zones];
      const rule = resolverRuleDecision(resolver, vpc, name, privateDns, zones, profile);
      chain.push(...profile.unknown, ...rule.steps);
      if (rule.kind === 'forward') {
        out.push(forwardedFinding(vpc, name, service, calling, rule.rule, chain, endpoint));
        continue;
      }
      const phz = hostedZoneAnswer(inv, vpc, name, service, privateDns, profile);
      if (phz.kind === 'unknown' || phz.kind === 'zone') chain.push(...phz.steps);
      if (phz.kind !== 'zone') {
        if (!endpoint) chain.push({ what: `no ${service} interface endpoint in ${vpc.id}`, ok: false });
        else
          chain.push({
            what: `${endpoint.id} privateDnsEnabled=${endpoint.privateDnsEnabled}`,
            ok: endpoint.privateDnsEnabled,
          });
      }
      chain.push({ what: `${vpc.id} enableDnsSupport=${support ?? 'not collected'}`, ok: support ?? 'unknown' });
      chain.push({ what: `${vpc.id} enableDnsHostnames=${hostnames ?? 'not collected'}`, ok: hostnames ?? 'unknown' });
      // Hosted zones, Resolver rules or a Profile cordon could not read may override everything else: nothing is
      // proven then.
      const failed =
        phz.kind === 'unknown' || rule.kind === 'unknown' || profile.unknown.length > 0
          ? []
          : chain.filter((c) => c.ok === false);
      const unknown = chain.filter((c) => c.ok === 'unknown');
      if (failed.length === 0 && unknown.length === 0) continue;
      const status = failed.length > 0 ? 'fail' : 'not-assessed';
      out.push(
        dnsFinding({
          vpc,
          name,
          service,
          calling,
          endpoint,
          status,
          message:
            status === 'fail'
              ? `${name} from ${vpc.id} (zones ${calling.join(', ')}) ${phz.kind === 'zone' ? `resolves wrongly through private hosted zone ${phz.zone}` : 'falls through to public DNS'}: ${failed.map((c) => c.what).join('; ')}`
              : `cannot tell how ${name} resolves from ${vpc.id}: ${unknown.map((c) => c.what).join('; ')}`,
          chain,
          outcome:
            status !== 'fail'
              ? 'unknown'
              : phz.kind === 'zone'
                ? `Route 53 Resolver answers from ${phz.zone}, not with the endpoint`
                : 'Route 53 Resolver answers with the public service addresses',
          references: [PRIVATE_DNS_REFERENCE],
        }),
      );
    }
  }
  return out;
}

const RESOLVER_RULES_REFERENCE =
  'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-overview-forward-vpc-to-network-domain-name-matches.html';

/**
 * A Resolver forwarding rule decides the name: the answer comes from resolvers cordon does not see, so the result is
 * not assessed (never a pass), with the rule and where it sends the query.
 */
function forwardedFinding(
  vpc: DnsFindingParts['vpc'],
  name: string,
  service: string,
  calling: string[],
  rule: AwsResolverRule,
  chain: ResolutionStep[],
  endpoint: AwsVpcEndpoint | undefined,
): Finding {
  return dnsFinding({
    vpc,
    name,
    service,
    calling,
    endpoint,
    status: 'not-assessed',
    message: `cannot tell how ${name} resolves from ${vpc.id} (zones ${calling.join(', ')}): Resolver rule ${rule.id} forwards ${rule.domainName} to ${rule.targetIps.join(', ') || 'no target address'}, and only those resolvers know whether they answer with the ${service} endpoint's addresses (they do if they send the name back to a Resolver inbound endpoint in a VPC that resolves it privately); ${rule.domainName === name ? `without that rule's association with ${vpc.id}, the VPC resolves it itself` : `a SYSTEM rule for ${name} associated with ${vpc.id} keeps it in the VPC`}`,
    chain,
    outcome: `the resolvers at ${rule.targetIps.join(', ') || '(none)'} answer, which cordon cannot follow`,
    references: [RESOLVER_RULES_REFERENCE, PRIVATE_DNS_REFERENCE],
  });
}

const PRIVATE_DNS_REFERENCE =
  'https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#interface-endpoint-private-dns';

interface DnsFindingParts {
  vpc: { id: string; account: string; region: string; origin: Finding['origin'] };
  name: string;
  service: string;
  calling: string[];
  endpoint: AwsVpcEndpoint | undefined;
  status: 'fail' | 'not-assessed';
  message: string;
  chain: ResolutionStep[];
  /** The last step: what Resolver answers in the end. */
  outcome: string;
  references: string[];
}

function dnsFinding(p: DnsFindingParts): Finding {
  const resource = {
    provider: 'aws' as const,
    account: p.vpc.account,
    region: p.vpc.region,
    type: p.endpoint ? 'AWS::EC2::VPCEndpoint' : 'AWS::EC2::VPC',
    id: p.endpoint?.id ?? p.vpc.id,
  };
  return {
    checkId: DNS_CHECK.id,
    title: DNS_CHECK.title,
    severity: DNS_CHECK.severity,
    status: p.status,
    resource,
    origin: p.endpoint?.origin ?? p.vpc.origin,
    message: p.message,
    evidence: {
      name: p.name,
      vpc: p.vpc.id,
      callingZones: p.calling,
      chain: [...p.chain.map((c) => ({ step: c.what, ok: c.ok })), { step: p.outcome, ok: p.status !== 'fail' }],
    },
    remediation: DNS_CHECK.remediation,
    references: p.references,
    fingerprint: fingerprintOf(DNS_CHECK.id, { ...resource, id: `${p.vpc.id}|${p.service}` }),
  };
}

type HostedZoneAnswer =
  | { kind: 'none' }
  | { kind: 'unknown'; steps: ResolutionStep[] }
  | { kind: 'zone'; zone: string; steps: ResolutionStep[] };

/**
 * What the VPC's private hosted zones say about a service name. Route 53 Resolver answers from the most specific
 * private hosted zone associated with the VPC whose name is the name or a parent of it; the interface endpoint's
 * private DNS is itself such a zone for the exact name, so a customer zone for a parent domain yields to it. A
 * deciding zone without a record for the name answers NXDOMAIN (Resolver does not fall back to public DNS for a name
 * inside a private zone's namespace); a record must lead to an interface endpoint of the service (an alias or CNAME
 * to its vpce DNS name, or A records with its addresses).
 */
function hostedZoneAnswer(
  inv: AwsInventory,
  vpc: { id: string; account: string; region: string },
  name: string,
  service: string,
  endpointPrivateDns: boolean,
  profile: ProfileContribution,
): HostedZoneAnswer {
  const scope = scopeKey(vpc);
  // Associations that could not all be read (a bad item, a zone the code names but does not declare) hide zones.
  if (inv.partial.get(scope)?.has('route53:hosted-zones-by-vpc'))
    return {
      kind: 'unknown',
      steps: [
        {
          what: `private hosted zones associated with ${vpc.id} ${notRead(inv, scope, 'route53:hosted-zones-by-vpc', AWS_DATASETS['route53:hosted-zones-by-vpc'].command)}`,
          ok: 'unknown',
        },
      ],
    };
  const assoc = route53Index(inv).associations.get(`${scope}|${vpc.id}`);
  if (!assoc)
    return {
      kind: 'unknown',
      steps: [
        {
          what: `private hosted zones associated with ${vpc.id} not collected (route53:hosted-zones-by-vpc)`,
          ok: 'unknown',
        },
      ],
    };
  // For the same name, a zone associated with the VPC directly takes precedence over its Profile's.
  const zone = [
    ...assoc.zones.map((z) => ({ ...z, viaProfile: false })),
    ...profile.zones.map((z) => ({ ...z, viaProfile: true })),
  ]
    .filter((z) => name === z.name || name.endsWith(`.${z.name}`))
    .sort(
      (a, b) =>
        b.name.length - a.name.length || Number(a.viaProfile) - Number(b.viaProfile) || a.id.localeCompare(b.id),
    )[0];
  if (!zone || (zone.name !== name && endpointPrivateDns)) return { kind: 'none' };
  const label = `${zone.name} (${zone.id})`;
  const steps: ResolutionStep[] = [
    {
      what: `private hosted zone ${label} is associated with ${vpc.id}${zone.viaProfile ? ` through Route 53 Profile ${profile.profileId}` : ''}`,
      ok: true,
    },
  ];
  const records = route53Index(inv).records.get(zone.id);
  if (records && inv.partial.get(scope)?.has('route53:record-sets')) {
    steps.push({
      what: `records of ${label} ${notRead(inv, scope, 'route53:record-sets', AWS_DATASETS['route53:record-sets'].command)}`,
      ok: 'unknown',
    });
    return { kind: 'unknown', steps };
  }
  if (!records) {
    steps.push({ what: `records of ${label} not collected (route53:record-sets)`, ok: 'unknown' });
    return { kind: 'unknown', steps };
  }
  const wildcard = `*.${name.slice(name.indexOf('.') + 1)}`;
  const usable = (n: string) => records.records.filter((r) => r.name === n && ['A', 'AAAA', 'CNAME'].includes(r.type));
  const found = usable(name).length > 0 ? usable(name) : usable(wildcard);
  if (found.length === 0) {
    steps.push({ what: `${label} has no record for ${name}: Resolver answers NXDOMAIN`, ok: false });
    return { kind: 'zone', zone: label, steps };
  }
  for (const r of found) steps.push(recordStep(inv, vpc, r, service));
  return { kind: 'zone', zone: label, steps };
}

/** Whether one record leads to an interface endpoint of the service. */
function recordStep(
  inv: AwsInventory,
  vpc: { account: string; region: string },
  r: AwsResourceRecord,
  service: string,
): ResolutionStep {
  const endpoints = route53Index(inv).interfaceEndpoints.get(`${vpc.region}|${service}`) ?? [];
  if (r.aliasEndpointId !== undefined) {
    const what = `${r.name} alias -> ${r.aliasEndpointId}`;
    return endpoints.some((e) => e.id === r.aliasEndpointId)
      ? { what, ok: true }
      : { what: `${what}: not a ${service} interface endpoint in ${vpc.region}`, ok: false };
  }
  const target = r.aliasTarget ?? (r.type === 'CNAME' ? r.values[0]?.replace(/\.$/, '').toLowerCase() : undefined);
  const what = `${r.name} ${r.aliasTarget ? 'alias' : r.type} -> ${target ?? r.values.join(', ')}`;
  if (target !== undefined) {
    const id = /^(?:\*\.)?(vpce-[0-9a-f]+)-[0-9a-z]+(?:-[a-z0-9-]+)?\.([a-z0-9.-]+)\.vpce\.amazonaws\.com$/.exec(
      target,
    );
    if (!id || !id[2]!.startsWith(`${service}.`)) return { what: `${what}: not a ${service} endpoint`, ok: false };
    const e = endpoints.find((x) => x.id === id[1]);
    return e
      ? { what: `${what} (${e.id})`, ok: true }
      : { what: `${what}: endpoint ${id[1]} not in the inventory`, ok: 'unknown' };
  }
  const { interfacesById } = route53Index(inv);
  const ips = new Set(
    endpoints
      .flatMap((e) => [...new Set(e.networkInterfaceIds)].flatMap((id) => interfacesById.get(id) ?? []))
      .flatMap((n) => [...n.privateIps, ...(n.ipv6Ips ?? [])]),
  );
  const stray = r.values.filter((v) => !ips.has(v));
  return stray.length === 0 && r.values.length > 0
    ? { what: `${what} (addresses of a ${service} endpoint)`, ok: true }
    : { what: `${what}: ${stray.join(', ')} is not an address of a ${service} endpoint`, ok: false };
}
