/**
 * What a name resolves to from inside a VPC network, following Cloud DNS as documented
 * (https://cloud.google.com/dns/docs/zones/zones-overview#name-resolution-order,
 * https://cloud.google.com/dns/docs/zones/zones-overview#peering-zones):
 * - an outbound server policy (alternative name servers) on the network sends every query elsewhere: unknown;
 * - the rules of the response policies bound to the network come next, before any private zone: the rule with the
 *   longest matching dnsName answers with its local data (A records; a CNAME is followed), or, with behavior
 *   bypassResponsePolicy, lets the query go on; a bound policy whose rules were not captured leaves it unknown;
 * - among the private zones authorised for the network (privateVisibilityConfig), the most specific dnsName that
 *   contains the name answers; forwarding zones and Service Directory zones are followed no further (unknown);
 *   a DNS peering zone resolves in its target network (one hop: peering is not transitive);
 * - no such zone: Google's public DNS answers (public addresses of Google APIs);
 * - inside the zone: the record at the name, else the closest wildcard (`*.googleapis.com.`) when no record sits
 *   between the two, else NXDOMAIN (a private zone never falls back to public DNS); CNAMEs are followed from the same
 *   network.
 * VPC Network Peering shares no private zones: a spoke resolves through its own bindings only (seed 001's "spoke
 * resolves public IP").
 */
import {
  gcpIdKey,
  hasGcpDataset,
  type GcpDnsPolicy,
  type GcpDnsResponsePolicy,
  type GcpDnsResponsePolicyRule,
  type GcpInventory,
  type GcpManagedZone,
  type GcpRecordSet,
} from '../../inventory/gcp.js';

export type Resolution =
  | { kind: 'answer'; addresses: string[]; zones: GcpManagedZone[]; chain: string[] }
  | { kind: 'public'; why: string }
  | { kind: 'nxdomain'; zone: GcpManagedZone; why: string }
  | { kind: 'unknown'; why: string };

const fqdn = (n: string) => (n.endsWith('.') ? n.toLowerCase() : `${n.toLowerCase()}.`);
const within = (name: string, domain: string) => name === domain || name.endsWith(`.${domain}`);

export function isPrivateZone(z: GcpManagedZone): boolean {
  return z.visibility.toLowerCase() === 'private';
}

/** Private zones (any kind) per network they are authorised for, and DNS server policies per network. */
function bindings(inv: GcpInventory) {
  const zones = new Map<string, GcpManagedZone[]>();
  for (const z of inv.managedZones)
    if (isPrivateZone(z))
      for (const n of new Set(z.networks.map(gcpIdKey))) {
        const list = zones.get(n) ?? [];
        list.push(z);
        zones.set(n, list);
      }
  const policies = new Map<string, GcpDnsPolicy>();
  for (const p of [...inv.dnsPolicies].sort((a, b) => a.id.localeCompare(b.id)))
    if (p.alternativeNameServers.length > 0)
      for (const n of p.networks) if (!policies.has(gcpIdKey(n))) policies.set(gcpIdKey(n), p);
  const responsePolicies = new Map<string, GcpDnsResponsePolicy[]>();
  for (const p of [...inv.dnsResponsePolicies].sort((a, b) => a.id.localeCompare(b.id)))
    for (const n of new Set(p.networks.map(gcpIdKey))) responsePolicies.set(n, [...(responsePolicies.get(n) ?? []), p]);
  const rules = new Map<string, GcpDnsResponsePolicyRule[]>();
  for (const r of inv.dnsResponsePolicyRules)
    rules.set(gcpIdKey(r.policy), [...(rules.get(gcpIdKey(r.policy)) ?? []), r]);
  return { zones, policies, responsePolicies, rules };
}

/** A rule's dnsName covers a name: the name itself, or below it for a wildcard ("*.googleapis.com."). */
function ruleCovers(dnsName: string, name: string): boolean {
  const d = fqdn(dnsName);
  return d.startsWith('*.') ? name.endsWith(d.slice(1)) : name === d;
}

/** The zone that answers a name among the given zones: the longest dnsName containing it. */
export function answeringZone(zones: readonly GcpManagedZone[], name: string): GcpManagedZone | undefined {
  const n = fqdn(name);
  return zones
    .filter((z) => within(n, fqdn(z.dnsName)))
    .sort((a, b) => fqdn(b.dnsName).length - fqdn(a.dnsName).length || a.id.localeCompare(b.id))[0];
}

function recordsOf(inv: GcpInventory): Map<string, GcpRecordSet[]> {
  const m = new Map<string, GcpRecordSet[]>();
  for (const r of inv.recordSets) {
    const k = gcpIdKey(r.zone);
    const list = m.get(k) ?? [];
    list.push(r);
    m.set(k, list);
  }
  return m;
}

type Lookup = { kind: 'records'; records: GcpRecordSet[] } | { kind: 'nxdomain' };

/** Records for a name in a zone, with wildcard matching at the closest encloser. */
function lookupInZone(records: readonly GcpRecordSet[], zone: GcpManagedZone, name: string): Lookup {
  const n = fqdn(name);
  const at = (x: string) => records.filter((r) => fqdn(r.dnsName) === x && (r.type === 'A' || r.type === 'CNAME'));
  const exact = at(n);
  if (exact.length > 0) return { kind: 'records', records: exact };
  const apex = fqdn(zone.dnsName);
  let parent = n;
  while (parent !== apex && parent.includes('.')) {
    parent = parent.slice(parent.indexOf('.') + 1);
    const wild = at(`*.${parent}`);
    if (wild.length > 0) return { kind: 'records', records: wild };
    // A node that exists between the name and a wildcard above stops the wildcard (RFC 4592 closest encloser).
    if (parent !== apex && records.some((r) => fqdn(r.dnsName) === parent)) break;
    if (!within(parent, apex)) break;
  }
  return { kind: 'nxdomain' };
}

const shortPolicy = (id: string) => id.slice(id.lastIndexOf('/') + 1);

export interface Resolver {
  /** `assumeBound`: resolve as if this zone were bound to the network too (what binding it would change). */
  resolve(networkId: string, name: string, assumeBound?: GcpManagedZone): Resolution;
}

const MAX_CNAMES = 8;

/** A resolver over the inventory (record sets indexed once). */
export function dnsResolver(inv: GcpInventory): Resolver {
  const byZone = recordsOf(inv);
  const bound = bindings(inv);
  let extra: { zone: GcpManagedZone; network: string } | undefined;
  const zonesOf = (networkId: string) => {
    const list = bound.zones.get(gcpIdKey(networkId)) ?? [];
    return extra && extra.network === gcpIdKey(networkId) ? [...list, extra.zone] : list;
  };
  /** The response policy rule that answers a name from a network (longest dnsName), or why that is not known. */
  const responsePolicyRule = (
    networkId: string,
    name: string,
  ): { rule: GcpDnsResponsePolicyRule } | { unknown: string } | undefined => {
    const n = fqdn(name);
    const candidates: GcpDnsResponsePolicyRule[] = [];
    for (const p of bound.responsePolicies.get(gcpIdKey(networkId)) ?? []) {
      if (!hasGcpDataset(inv, p.project, 'dns:response-policy-rules'))
        return {
          unknown: `response policy ${p.name} is bound to ${gcpIdKey(networkId)} and its rules are not in the snapshot (gcloud dns response-policies rules list --response-policy ${p.name})`,
        };
      candidates.push(...(bound.rules.get(gcpIdKey(p.id)) ?? []).filter((r) => ruleCovers(r.dnsName, n)));
    }
    const rule = candidates.sort(
      (a, b) => fqdn(b.dnsName).length - fqdn(a.dnsName).length || a.id.localeCompare(b.id),
    )[0];
    return rule ? { rule } : undefined;
  };
  const resolve = (
    networkId: string,
    name: string,
    hops: number,
    chain: string[],
    seen: GcpManagedZone[],
  ): Resolution => {
    const policy = bound.policies.get(gcpIdKey(networkId));
    if (policy)
      return {
        kind: 'unknown',
        why: `DNS server policy ${policy.name} sends queries from ${gcpIdKey(networkId)} to ${policy.alternativeNameServers.join(', ')}, which cordon cannot follow`,
      };
    const rp = responsePolicyRule(networkId, name);
    if (rp && 'unknown' in rp) return { kind: 'unknown', why: rp.unknown };
    if (rp && rp.rule.behavior !== 'bypassResponsePolicy') {
      const via = `response policy ${shortPolicy(rp.rule.policy)} rule ${rp.rule.name}`;
      const data = rp.rule.localData.filter((d) => ruleCovers(d.name, fqdn(name)));
      const a = data.filter((d) => d.type === 'A').flatMap((d) => d.rrdatas);
      if (a.length > 0)
        return { kind: 'answer', addresses: [...new Set(a)].sort(), zones: seen, chain: [...chain, via] };
      const target = data.find((d) => d.type === 'CNAME')?.rrdatas[0];
      if (!target) return { kind: 'unknown', why: `${via} matches ${fqdn(name)} but holds no A or CNAME data for it` };
      if (chain.length >= MAX_CNAMES)
        return { kind: 'unknown', why: `CNAME chain longer than ${MAX_CNAMES} at ${fqdn(name)}` };
      return resolve(networkId, target, hops, [...chain, `${via}: ${fqdn(name)} CNAME ${fqdn(target)}`], seen);
    }
    const zone = answeringZone(zonesOf(networkId), name);
    if (!zone)
      return {
        kind: 'public',
        why: `no private zone containing ${fqdn(name)} is bound to ${gcpIdKey(networkId)}, so Cloud DNS answers from public DNS`,
      };
    if (zone.forwardingTargets.length > 0)
      return {
        kind: 'unknown',
        why: `forwarding zone ${zone.name} sends ${fqdn(name)} to ${zone.forwardingTargets.join(', ')}, which cordon cannot follow`,
      };
    if (zone.serviceDirectoryNamespace)
      return { kind: 'unknown', why: `zone ${zone.name} is a Service Directory zone, which cordon does not read` };
    if (zone.peeringTargetNetwork) {
      if (hops > 0)
        return {
          kind: 'unknown',
          why: `peering zone ${zone.name} leads to another peering zone (Cloud DNS peering is not transitive)`,
        };
      return resolve(
        zone.peeringTargetNetwork,
        name,
        hops + 1,
        [...chain, `peering zone ${zone.name} → ${gcpIdKey(zone.peeringTargetNetwork)}`],
        seen,
      );
    }
    const found = lookupInZone(byZone.get(gcpIdKey(zone.id)) ?? [], zone, name);
    if (found.kind === 'nxdomain')
      return {
        kind: 'nxdomain',
        zone,
        why: `zone ${zone.name} (${zone.dnsName}) has no record for ${fqdn(name)}, so the name does not resolve (a private zone never falls back to public DNS)`,
      };
    const a = found.records.filter((r) => r.type === 'A').flatMap((r) => r.rrdatas);
    const used = [...seen, zone];
    if (a.length > 0) return { kind: 'answer', addresses: [...new Set(a)].sort(), zones: used, chain };
    const target = found.records.find((r) => r.type === 'CNAME')?.rrdatas[0];
    if (!target) return { kind: 'nxdomain', zone, why: `zone ${zone.name} has an empty CNAME for ${fqdn(name)}` };
    if (chain.length >= MAX_CNAMES)
      return { kind: 'unknown', why: `CNAME chain longer than ${MAX_CNAMES} at ${fqdn(name)}` };
    const next = resolve(networkId, target, hops, [...chain, `${fqdn(name)} CNAME ${fqdn(target)}`], used);
    // A CNAME out of every private zone ends in public DNS: that is where the name resolves.
    return next;
  };
  return {
    resolve(networkId, name, assumeBound) {
      extra = assumeBound ? { zone: assumeBound, network: gcpIdKey(networkId) } : undefined;
      try {
        return resolve(networkId, name, 0, [], []);
      } finally {
        extra = undefined;
      }
    },
  };
}

/** The Vertex AI names a network's callers use: the global name and one per region they sit in. */
export function vertexNames(regions: readonly string[]): string[] {
  return ['aiplatform.googleapis.com.', ...[...new Set(regions)].sort().map((r) => `${r}-aiplatform.googleapis.com.`)];
}
