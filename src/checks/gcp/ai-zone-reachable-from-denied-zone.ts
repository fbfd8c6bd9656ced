import { gcpIdKey, indexByGcpId, projectOfId, type GcpInventory } from '../../inventory/gcp.js';
import { decide } from '../../policy/evaluate.js';
import type { ZonePolicy } from '../../policy/load.js';
import type { GcpZonePlacement } from '../../analysis/gcp-zones.js';
import { addressSetOf, type AddressSet } from './address-set.js';
import type { RemoteInstance } from './firewall-eval.js';
import { FIREWALL_DATASETS, FirewallView, firewallSubjects, reachableFrom } from './firewall-support.js';
import { projectDatasetGap } from './engine.js';
import { perInventory } from './support.js';
import { defineGcpCheck, type GcpCheckContext, type GcpCheckResult } from './types.js';

export default defineGcpCheck({
  id: 'gcp-ai-zone-reachable-from-denied-zone',
  title: 'Firewall lets a zone reach an AI or data zone on ports the zone policy denies',
  severity: 'medium',
  service: 'compute',
  resourceType: 'compute.googleapis.com/Subnetwork',
  rationale:
    "Seed 000's zone table allows only named flows into the inference and data zones (application → inference on 443, inference → data on the vector database ports) and denies the rest. On Google Cloud the default network's default-allow-internal rule, or any broad internal allow, lets every subnetwork reach every other on every port. cordon evaluates the firewall (hierarchical policies, VPC rules and network firewall policies in Google's order, with the implied deny-ingress rule) for traffic from each other zone — its CIDRs, the subnetworks placed in it on the same or a peered network, and its instances for rules on source tags — into each AI and data zone subnetwork, on every protocol and port range, and reports what the firewall admits that `decide` in the zone policy does not allow. Routing is not judged: a zone on a network with no path at all is still reported when the firewall admits it.",
  remediation: {
    text: "Replace broad internal allows (default-allow-internal, 10.0.0.0/8 on all ports) with rules that admit only the zone policy's flows: the calling zone's ranges or network tags, on the policy's ports, to the target zone's tags.",
    snippet: {
      language: 'shell',
      code: 'gcloud compute firewall-rules delete default-allow-internal\ngcloud compute firewall-rules create allow-app-to-inference --network NETWORK --direction INGRESS --action ALLOW --rules tcp:443 --source-ranges APP_CIDR --target-tags inference --priority 1000',
    },
  },
  references: [
    'https://cloud.google.com/firewall/docs/firewalls#more_rules_default_vpc',
    'https://cloud.google.com/firewall/docs/firewall-policies-rule-eval-order',
  ],
  seeds: ['000: zone-to-zone flow table (NET-001 … NET-013)'],
  requires: ['compute:subnetworks', 'compute:instances'],
  looksUp: [...FIREWALL_DATASETS],
  run(ctx) {
    const view = FirewallView.of(ctx);
    // Shared by every project's run: the placement object lives as long as the run over the inventory.
    const decisions = perInventory(ctx.zones, 'zone decisions', () => new Map<string, ReturnType<typeof decide>>());
    const sides = perInventory(ctx.zones, 'zone sides', () => new Map<string, ReturnType<typeof zoneSide>>());
    const sources = [...ctx.policy.zones.values()].filter((z) => z.kind === 'network').map((z) => z.name);
    const out: GcpCheckResult[] = [];
    for (const s of firewallSubjects(ctx)) {
      if (s.kind === 'instance') continue; // zone-to-zone reachability is judged per subnetwork
      const what = `subnetwork ${s.name} (${s.zone})`;
      const base = {
        resource: { id: s.id, type: 'compute.googleapis.com/Subnetwork' },
        region: s.region,
        origin: s.origin,
      };
      if (!view.setup(s.target.network, s.region)) {
        out.push({ ...base, status: 'not-assessed', message: `${what}: its network is not in the snapshot` });
        continue;
      }
      const violations: string[] = [];
      const unresolved = new Set<string>();
      const evidence: Record<string, unknown>[] = [];
      for (const from of sources) {
        if (from === s.zone) continue;
        const sideKey = `${from}|${gcpIdKey(s.target.network)}`;
        let side = sides.get(sideKey);
        if (!side) sides.set(sideKey, (side = zoneSide(ctx.inventory, ctx.zones, ctx.policy, from, s.target.network)));
        const { addresses, instances, gaps } = side;
        for (const g of gaps) unresolved.add(g);
        const allowed = (protocol: string, port: number | undefined) => {
          const p = protocol === 'tcp' || protocol === 'udp' || protocol === 'icmp' ? protocol : 'any';
          const key = `${from}>${s.zone}|${p}|${port ?? ''}`;
          let d = decisions.get(key);
          if (!d)
            decisions.set(
              key,
              (d = decide(ctx.policy, { from, to: s.zone, protocol: p, ...(port === undefined ? {} : { port }) })),
            );
          return d;
        };
        // Zones are the same for every subnetwork of the network: the question is cached per source and target zone.
        const r = reachableFrom(
          view,
          s,
          `${from}>${s.zone}`,
          addresses,
          instances,
          policyPorts(ctx),
          (p, port) => !allowed(p, port).allowed,
        )!;
        for (const u of r.unresolved) unresolved.add(u);
        // Adjacent port segments with the same firewall rule and the same policy reason read as one range.
        const merged: { protocol: string; ports?: [number, number]; rule: string; why: string }[] = [];
        for (const o of r.open) {
          const why = allowed(o.protocol, o.ports?.[0]).reason;
          const last = merged[merged.length - 1];
          if (
            last?.ports &&
            o.ports &&
            last.protocol === o.protocol &&
            last.rule === o.rule.label &&
            last.why === why &&
            last.ports[1] + 1 === o.ports[0]
          )
            last.ports = [last.ports[0], o.ports[1]];
          else
            merged.push({
              protocol: o.protocol,
              ...(o.ports ? { ports: [...o.ports] as [number, number] } : {}),
              rule: o.rule.label,
              why,
            });
        }
        for (const m of merged) {
          const ports = m.ports ? ` ${m.ports[0] === m.ports[1] ? m.ports[0] : `${m.ports[0]}-${m.ports[1]}`}` : '';
          violations.push(`from ${from} on ${m.protocol}${ports} (firewall: ${m.rule}; policy: ${m.why})`);
          evidence.push({ from, protocol: m.protocol, ports: m.ports ?? null, rule: m.rule, policy: m.why });
        }
      }
      if (violations.length)
        out.push({
          ...base,
          status: 'fail',
          message: `${what} is reachable where the zone policy does not allow it: ${violations.slice(0, 6).join('; ')}${violations.length > 6 ? `; and ${violations.length - 6} more` : ''}`,
          evidence: { flows: evidence },
        });
      else if (unresolved.size)
        out.push({
          ...base,
          status: 'not-assessed',
          message: `${what}: what other zones can reach cannot be judged: ${[...unresolved].sort().join('; ')}`,
        });
      else
        out.push({
          ...base,
          status: 'pass',
          message: `${what}: the firewall admits no flow from another zone that the zone policy denies`,
        });
    }
    return out;
  },
});

/** The policy's port boundaries: where the zone policy's answer may change. */
function policyPorts(ctx: GcpCheckContext): number[] {
  return perInventory(ctx.zones, 'policy ports', () => [
    ...new Set(ctx.policy.rules.flatMap((r) => [r.portRange.low, r.portRange.high + 1])),
  ]);
}

interface ZoneMembers {
  /** Per network key: the CIDRs of the zone's subnetworks there. */
  subnetCidrs: Map<string, string[]>;
  instances: RemoteInstance[];
}

/** Every zone's subnetwork ranges per network and its instances, placed once per run. */
function zoneMembers(inv: GcpInventory, zones: GcpZonePlacement): Map<string, ZoneMembers> {
  return perInventory(zones, 'zone members', () => {
    const out = new Map<string, ZoneMembers>();
    const of = (zone: string) => {
      let m = out.get(zone);
      if (!m) out.set(zone, (m = { subnetCidrs: new Map(), instances: [] }));
      return m;
    };
    for (const sn of inv.subnetworks) {
      const zone = zones.subnetwork(sn.id)?.zone;
      if (!zone) continue;
      const m = of(zone);
      const k = gcpIdKey(sn.network);
      const list = m.subnetCidrs.get(k) ?? [];
      if (sn.ipCidrRange) list.push(sn.ipCidrRange);
      list.push(...sn.secondaryIpRanges.map((r) => r.ipCidrRange));
      m.subnetCidrs.set(k, list);
    }
    for (const vm of inv.instances) {
      const zone = zones.instance(vm.id)?.zone;
      if (!zone) continue;
      for (const nic of vm.networkInterfaces)
        if (nic.network && nic.networkIP)
          of(zone).instances.push({
            network: nic.network,
            ip: nic.networkIP,
            tags: vm.tags,
            serviceAccounts: vm.serviceAccounts,
          });
    }
    return out;
  });
}

/** A zone's addresses as seen from `network`: its CIDRs, its subnetworks there or on peered networks, its instances. */
function zoneSide(
  inv: GcpInventory,
  zones: GcpZonePlacement,
  policy: ZonePolicy,
  zone: string,
  network: string,
): { addresses: AddressSet; instances: RemoteInstance[]; gaps: string[] } {
  const net = perInventory(inv, 'networks by id', () => indexByGcpId(inv.networks)).get(gcpIdKey(network));
  const reachable = new Set([
    gcpIdKey(network),
    ...(net?.peerings ?? []).filter((p) => (p.state ?? 'ACTIVE') === 'ACTIVE').map((p) => gcpIdKey(p.network)),
  ]);
  const members = zoneMembers(inv, zones).get(zone);
  const cidrs = [...(policy.zones.get(zone)?.cidrs ?? [])];
  for (const k of reachable) cidrs.push(...(members?.subnetCidrs.get(k) ?? []));
  const instances = (members?.instances ?? []).filter((i) => reachable.has(gcpIdKey(i.network)));
  cidrs.push(...instances.map((i) => i.ip));
  // A peered network's subnetworks live in its own project: not captured there, the zone's addresses on it are unknown.
  const gaps = [...reachable]
    .map((k) => {
      const project = projectOfId(k);
      return project === undefined ? undefined : projectDatasetGap(inv, project, 'compute:subnetworks');
    })
    .filter((x): x is string => x !== undefined)
    .sort();
  return { addresses: addressSetOf(cidrs).set, instances, gaps };
}
