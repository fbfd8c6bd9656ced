/**
 * The AWS compiler: inventory → provider-neutral network model. Security groups become stateful any-allow filters
 * (group references resolved to the member interfaces' addresses; prefix lists unknown, since cordon does not
 * collect their entries), network ACLs stateless first-match filters in rule-number order, route tables routes with
 * typed targets. Peerings are inferred from route tables: a pcx- id that routes of exactly two VPCs name connects
 * those two (AWS lets only the requester and accepter VPCs route to it); a peering seen from one side only, and
 * transit gateways (whose route tables cordon does not collect), are next hops the model cannot follow.
 */
import type { Origin } from '../findings/types.js';
import {
  scopeKey,
  type AwsDataset,
  type AwsInventory,
  type AwsIpPermission,
  type AwsNetworkAcl,
  type AwsNetworkInterface,
  type AwsRoute,
} from '../inventory/aws.js';
import type { ZonePolicy } from '../policy/load.js';
import { buildAwsZoneIndex } from '../analysis/aws-zones.js';
import { tryParseCidr, type Cidr } from '../util/cidr.js';
import { cidrsIn, deployAddresses, deployLabel } from './deploy-addresses.js';
import type {
  Filter,
  FilterRule,
  Interface,
  NatGateway,
  Network,
  NetworkModel,
  Peering,
  Ref,
  Remote,
  Route,
  RouteTable,
  RouteTarget,
  Subnet,
} from './model.js';

function at(origin: Origin, pointer: string): Origin {
  return origin.kind === 'file' ? { kind: 'file', file: origin.file, pointer } : origin;
}

const PROTOCOL_NUMBERS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };

/** AWS protocol field → inclusive protocol range; "-1" (or "all") is every protocol. */
export function awsProtocol(p: string): [number, number] | undefined {
  if (p === '-1' || p === 'all') return [0, 255];
  const n = PROTOCOL_NUMBERS[p.toLowerCase()] ?? (/^\d+$/.test(p) ? Number(p) : undefined);
  return n === undefined || n > 255 ? undefined : [n, n];
}

function protoText(p: [number, number]): string {
  if (p[0] === 0 && p[1] === 255) return 'all traffic';
  return Object.entries(PROTOCOL_NUMBERS).find(([, n]) => n === p[0])?.[0] ?? `protocol ${p[0]}`;
}

function portsText(proto: [number, number], ports: readonly [number, number]): string {
  if (proto[0] === 0 && proto[1] === 255) return '';
  if (ports[0] === 0 && ports[1] === 65535) return ' all ports';
  return ports[0] === ports[1] ? ` ${ports[0]}` : ` ${ports[0]}-${ports[1]}`;
}

/** Special-purpose IPv4 space (RFC 6890) that is never the internet. */
export const NOT_INTERNET_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/3',
];

export function compileAws(inv: AwsInventory, policy: ZonePolicy): NetworkModel {
  const zones = buildAwsZoneIndex(inv, policy);
  const notes = new Set<string>();
  const key = (x: { account: string; region: string }, id: string) => `${scopeKey(x)}|${id}`;
  const byScope = <T extends { account: string; region: string; id: string }>(list: T[]) =>
    new Map(list.map((x) => [key(x, x.id), x]));
  const sgs = byScope(inv.securityGroups);
  const endpoints = byScope(inv.vpcEndpoints);

  // Service zones: endpoint service name → zone (external_ai: bedrock-runtime, …).
  const serviceZone = new Map<string, string>();
  for (const z of policy.zones.values())
    if (z.kind === 'service') for (const s of z.services?.aws ?? []) serviceZone.set(s, z.name);
  const internetZone = [...policy.zones.values()].find((z) => z.kind === 'internet')?.name;

  // Interfaces declared in infrastructure as code get their address at deploy: stand-ins for every address they may get.
  const atDeploy = standInAddresses(inv, policy, notes);
  const ipsOf = (n: AwsNetworkInterface) => atDeploy.get(n) ?? n.privateIps;
  // Members of each security group (scope-local; references across peered VPCs resolve by id in the same region).
  const members = new Map<string, Cidr[]>();
  for (const n of inv.networkInterfaces)
    for (const g of n.groupIds) {
      const k = `${n.region}|${g}`;
      let list = members.get(k);
      if (!list) members.set(k, (list = []));
      list.push(...hostCidrs(ipsOf(n)), ...hostCidrs(n.ipv6Ips ?? []));
    }
  const eniData = (x: { account: string; region: string }) =>
    inv.datasets.get(scopeKey(x))?.has('ec2:network-interfaces') === true;

  const permissionRule = (
    g: { id: string; account: string; region: string; origin: Origin },
    p: AwsIpPermission,
    direction: 'in' | 'out',
  ): FilterRule | undefined => {
    const proto = awsProtocol(p.protocol);
    if (!proto) {
      notes.add(`${g.id}: rule with protocol ${p.protocol} not understood; treated as unknown`);
    }
    const hasPorts = proto && (proto[0] === 6 || proto[0] === 17) && proto[0] === proto[1];
    const ports: [number, number] =
      hasPorts && p.fromPort !== undefined && p.fromPort >= 0
        ? [p.fromPort, p.toPort !== undefined && p.toPort >= 0 ? p.toPort : p.fromPort]
        : [0, 65535];
    const remotes: Remote[] = [];
    for (const r of [...p.ipv4Ranges, ...p.ipv6Ranges]) {
      const c = tryParseCidr(r.cidr);
      remotes.push(c ? { kind: 'cidr', cidr: c } : { kind: 'unknown', reason: `unparsable CIDR ${r.cidr}` });
    }
    for (const ref of p.groupRefs) {
      const m = members.get(`${g.region}|${ref.groupId}`);
      if (m) remotes.push({ kind: 'members', label: ref.groupId, addresses: m });
      else if (eniData(g) && (sgs.has(key(g, ref.groupId)) || ref.userId === undefined || ref.userId === g.account))
        remotes.push({ kind: 'members', label: ref.groupId, addresses: [] });
      else {
        remotes.push({ kind: 'unknown', reason: `members of ${ref.groupId} not in the inventory` });
        notes.add(
          `security group ${g.id} references ${ref.groupId}, whose members are not in the inventory: that traffic is unknown`,
        );
      }
    }
    for (const pl of p.prefixListIds) {
      remotes.push({ kind: 'unknown', reason: `prefix list ${pl} not collected` });
      notes.add(
        `security group ${g.id} uses prefix list ${pl}; cordon does not collect prefix-list entries, so that traffic is unknown`,
      );
    }
    const remoteText = [
      ...p.ipv4Ranges.map((r) => r.cidr),
      ...p.ipv6Ranges.map((r) => r.cidr),
      ...p.groupRefs.map((r) => r.groupId),
      ...p.prefixListIds,
    ].join(', ');
    const pr = proto ?? [0, 255];
    return {
      action: 'allow',
      proto: pr,
      ports,
      remotes: proto ? remotes : [{ kind: 'unknown', reason: `protocol ${p.protocol}` }],
      ref: {
        label: `${g.id} ${direction === 'in' ? 'inbound' : 'outbound'} ${protoText(pr)}${portsText(pr, ports)} ${direction === 'in' ? 'from' : 'to'} ${remoteText || 'nothing'}`,
        resourceId: g.id,
        origin: at(g.origin, p.pointer),
      },
    };
  };

  // One filter per distinct set of groups and direction: thousands of interfaces share a few hundred sets.
  const sgFilters = new Map<string, Filter>();
  // A group's rules are built once and shared by every filter that includes the group.
  const groupRules = new Map<string, FilterRule[]>();
  const sgFilter = (
    scope: { account: string; region: string },
    groupIds: string[],
    direction: 'in' | 'out',
  ): Filter => {
    const ids = [...new Set(groupIds)].sort();
    const k = `${scopeKey(scope)}|${direction}|${ids.join(',')}`;
    let f = sgFilters.get(k);
    if (f) return f;
    const rules: FilterRule[] = [];
    for (const id of ids) {
      const g = sgs.get(key(scope, id));
      if (!g) {
        rules.push({
          action: 'allow',
          proto: [0, 255],
          ports: [0, 65535],
          remotes: [{ kind: 'unknown', reason: `security group ${id} not in the inventory` }],
          ref: { label: `${id} (not in the inventory)`, resourceId: id },
        });
        notes.add(
          `security group ${id} (${scopeKey(scope)}) is attached to an interface but not in the inventory: its traffic is unknown`,
        );
        continue;
      }
      const gk = `${key(g, g.id)}|${direction}`;
      let own = groupRules.get(gk);
      if (!own) {
        own = (direction === 'in' ? g.ingress : g.egress).flatMap((p) => permissionRule(g, p, direction) ?? []);
        groupRules.set(gk, own);
      }
      rules.push(...own);
    }
    f = {
      id: ids.join('+') || '(no security group)',
      direction,
      order: 'any-allow',
      stateful: true,
      rules,
      defaultRef: {
        label: `${ids.join(', ') || 'no security group'}: no ${direction === 'in' ? 'inbound' : 'outbound'} rule matches`,
        resourceId: ids[0] ?? '',
      },
    };
    sgFilters.set(k, f);
    return f;
  };

  const naclFilter = (acl: AwsNetworkAcl, direction: 'in' | 'out'): Filter => {
    const rules: FilterRule[] = [];
    const entries = acl.entries
      .map((e, i) => ({ e, i }))
      .filter(({ e }) => e.egress === (direction === 'out'))
      .sort((a, b) => a.e.ruleNumber - b.e.ruleNumber);
    for (const { e, i } of entries) {
      const proto = awsProtocol(e.protocol);
      const cidr = tryParseCidr(e.cidr ?? e.ipv6Cidr ?? '');
      const ref: Ref = {
        label: `${acl.id} ${direction === 'in' ? 'inbound' : 'outbound'} rule ${e.ruleNumber === 32767 ? '*' : e.ruleNumber} (${e.action})`,
        resourceId: acl.id,
        origin: at(acl.origin, `${acl.origin.kind === 'file' ? (acl.origin.pointer ?? '') : ''}/Entries/${i}`),
      };
      if (!proto || !cidr) {
        notes.add(`${acl.id} rule ${e.ruleNumber}: protocol or CIDR not understood; treated as unknown`);
        rules.push({
          action: e.action,
          proto: [0, 255],
          ports: [0, 65535],
          remotes: [{ kind: 'unknown', reason: 'unparsable rule' }],
          ref,
        });
        continue;
      }
      const ports: [number, number] =
        e.portRange && (proto[0] === 6 || proto[0] === 17) && proto[0] === proto[1]
          ? [e.portRange.from, e.portRange.to]
          : [0, 65535];
      rules.push({ action: e.action, proto, ports, remotes: [{ kind: 'cidr', cidr }], ref });
    }
    return {
      id: acl.id,
      direction,
      order: 'first-match',
      stateful: false,
      rules,
      defaultRef: {
        label: `${acl.id} ${direction === 'in' ? 'inbound' : 'outbound'}: no rule matches (implicit deny)`,
        resourceId: acl.id,
        origin: acl.origin,
      },
    };
  };

  // Peerings, inferred from the route tables that route to them.
  const pcxVpcs = new Map<string, Set<string>>();
  for (const t of inv.routeTables)
    for (const r of t.routes)
      if (r.target.type === 'vpc-peering')
        pcxVpcs.set(r.target.id, (pcxVpcs.get(r.target.id) ?? new Set()).add(`${scopeKey(t)}|${t.vpcId}`));
  const peerings = new Map<string, Peering>();
  for (const [id, vpcs] of [...pcxVpcs].sort(([a], [b]) => a.localeCompare(b))) {
    const list = [...vpcs].sort();
    if (list.length === 2) {
      const [a, b] = list.map((x) => x.split('|')[1]!) as [string, string];
      peerings.set(id, {
        id,
        networks: [a, b],
        ref: { label: `peering ${id} (${a} <-> ${b}, inferred from route tables)`, resourceId: id },
      });
    } else
      notes.add(
        `peering ${id} is routed to from ${list.length} VPC(s) in the inventory; its other side is not, so paths over it are unknown`,
      );
  }

  const routeTarget = (t: { account: string; region: string }, r: AwsRoute): RouteTarget => {
    if (r.state === 'blackhole') return { kind: 'drop', reason: `blackhole route (its target ${r.target.id} is gone)` };
    switch (r.target.type) {
      case 'local':
        return { kind: 'local' };
      case 'internet-gateway':
        return { kind: 'internet', id: r.target.id, egressOnly: false };
      case 'egress-only-internet-gateway':
        return { kind: 'internet', id: r.target.id, egressOnly: true };
      case 'nat-gateway':
        return { kind: 'nat', id: r.target.id };
      case 'vpc-peering':
        return peerings.has(r.target.id)
          ? { kind: 'peering', id: r.target.id }
          : { kind: 'unknown', id: r.target.id, reason: 'peering whose other side is not in the inventory' };
      case 'vpc-endpoint': {
        const e = endpoints.get(key(t, r.target.id));
        return e?.type === 'Gateway'
          ? { kind: 'service', id: r.target.id }
          : {
              kind: 'unknown',
              id: r.target.id,
              reason: 'gateway load balancer endpoint (an appliance cordon does not model)',
            };
      }
      case 'transit-gateway':
        notes.add(
          `routes to transit gateway ${r.target.id}: cordon does not collect transit gateway route tables, so paths through it are unknown`,
        );
        return { kind: 'unknown', id: r.target.id, reason: 'transit gateway route tables are not in the inventory' };
      default:
        return { kind: 'unknown', id: r.target.id, reason: `${r.target.type} next hop not modelled` };
    }
  };
  const tables = new Map<string, RouteTable>();
  const routeTable = (t: AwsInventory['routeTables'][number]): RouteTable => {
    const k = key(t, t.id);
    let rt = tables.get(k);
    if (rt) return rt;
    const routes: Route[] = t.routes.map((r) => {
      const destination = r.destination.startsWith('pl-') ? undefined : tryParseCidr(r.destination);
      const target = routeTarget(t, r);
      if (destination === undefined && target.kind === 'service')
        notes.add(
          'gateway endpoint routes (S3, DynamoDB) divert only those services’ own addresses: witnesses assume an internet address outside them',
        );
      return {
        ...(destination ? { destination } : {}),
        destinationText: r.destination,
        target,
        ref: {
          label: `${t.id} route ${r.destination} -> ${r.target.id}`,
          resourceId: t.id,
          origin: at(t.origin, r.pointer),
        },
      };
    });
    rt = { id: t.id, routes, ref: { label: t.id, resourceId: t.id, origin: t.origin } };
    tables.set(k, rt);
    return rt;
  };

  const networks = new Map<string, Network>();
  for (const v of inv.vpcs) {
    const igws = inv.internetGateways
      .filter((g) => scopeKey(g) === scopeKey(v) && g.vpcIds.includes(v.id))
      .map((g) => g.id)
      .sort();
    networks.set(v.id, {
      id: v.id,
      scope: scopeKey(v),
      cidrs: [...v.cidrs, ...v.ipv6Cidrs].flatMap((c) => tryParseCidr(c) ?? []),
      internetGateways: igws,
      ref: { label: v.id, resourceId: v.id, origin: v.origin },
    });
  }

  const dataset = (x: { account: string; region: string }, d: AwsDataset) =>
    inv.datasets.get(scopeKey(x))?.has(d) === true;

  const subnets = new Map<string, Subnet>();
  const naclCache = new Map<AwsNetworkAcl, { in: Filter; out: Filter }>();
  for (const s of inv.subnets) {
    const acl =
      inv.networkAcls.find((a) => scopeKey(a) === scopeKey(s) && a.subnetIds.includes(s.id)) ??
      inv.networkAcls.find((a) => scopeKey(a) === scopeKey(s) && a.vpcId === s.vpcId && a.isDefault);
    let filters = acl ? naclCache.get(acl) : undefined;
    if (acl && !filters) {
      filters = { in: naclFilter(acl, 'in'), out: naclFilter(acl, 'out') };
      naclCache.set(acl, filters);
    }
    if (!acl)
      notes.add(
        `no network ACL known for ${s.id}${dataset(s, 'ec2:network-acls') ? '' : ' (ec2:network-acls not in the snapshot)'}: its traffic is unknown`,
      );
    const table = zones.routeTableOfSubnet(s);
    const sameScopeTable = table && scopeKey(table) === scopeKey(s) ? table : undefined;
    if (!sameScopeTable) notes.add(`no route table known for ${s.id}: its routing is unknown`);
    if (!networks.has(s.vpcId)) {
      networks.set(s.vpcId, {
        id: s.vpcId,
        scope: scopeKey(s),
        cidrs: [],
        internetGateways: [],
        ref: { label: s.vpcId, resourceId: s.vpcId },
      });
      notes.add(`VPC ${s.vpcId} not in the inventory: its CIDRs come from its subnets only`);
    }
    const zone = zones.zoneOfSubnet(s.id)?.zone;
    subnets.set(s.id, {
      id: s.id,
      network: s.vpcId,
      scope: scopeKey(s),
      cidrs: [s.cidr, ...s.ipv6Cidrs].flatMap((c) => (c ? (tryParseCidr(c) ?? []) : [])),
      ...(zone ? { zone } : {}),
      ...(filters ? { inbound: filters.in, outbound: filters.out } : {}),
      ...(sameScopeTable ? { routeTable: routeTable(sameScopeTable) } : {}),
      ref: { label: s.id, resourceId: s.id, origin: s.origin },
    });
  }
  for (const n of networks.values())
    if (n.cidrs.length === 0) n.cidrs = [...subnets.values()].filter((s) => s.network === n.id).flatMap((s) => s.cidrs);

  const exclude = [
    ...NOT_INTERNET_V4.map((c) => tryParseCidr(c)!),
    tryParseCidr('2001:db8::/32')!,
    ...[...networks.values()].flatMap((n) => n.cidrs),
    ...[...policy.zones.values()].flatMap((z) => z.parsedCidrs),
  ];
  const internet = { include: [tryParseCidr('0.0.0.0/0')!, tryParseCidr('2000::/3')!], exclude };
  /**
   * A load balancer's interfaces open connections only to its targets, which AWS requires to have private addresses
   * (ELB target IP addresses: VPC, RFC 1918 and RFC 6598 ranges): its groups' outbound rules, behind a first rule
   * that denies the internet. cordon does not read target groups, so every private address stays possible.
   */
  const lbFilters = new Map<Filter, Filter>();
  const loadBalancerOutbound = (f: Filter, n: AwsNetworkInterface): Filter => {
    let lb = lbFilters.get(f);
    if (!lb) {
      const ref: Ref = {
        label: `${n.description ?? n.id}: a load balancer connects only to targets with private addresses`,
        resourceId: n.id,
        origin: n.origin,
      };
      lb = {
        ...f,
        id: `${f.id} (load balancer)`,
        order: 'first-match',
        rules: [
          {
            action: 'deny',
            proto: [0, 255],
            ports: [0, 65535],
            remotes: [{ kind: 'space', label: 'internet', space: internet }],
            ref,
          },
          ...f.rules,
        ],
      };
      lbFilters.set(f, lb);
    }
    return lb;
  };

  const interfaces: Interface[] = [];
  const endpointOfEni = new Map<string, (typeof inv.vpcEndpoints)[number]>();
  for (const e of inv.vpcEndpoints) for (const id of e.networkInterfaceIds) endpointOfEni.set(key(e, id), e);
  for (const n of [...inv.networkInterfaces].sort((a, b) => a.id.localeCompare(b.id))) {
    if (!n.subnetId || n.interfaceType === 'nat_gateway') continue;
    const sub = subnets.get(n.subnetId);
    if (!sub || sub.scope !== scopeKey(n)) continue;
    const vpce =
      endpointOfEni.get(key(n, n.id)) ??
      (n.interfaceType === 'vpc_endpoint'
        ? endpoints.get(key(n, /vpce-[0-9a-f]+/.exec(n.description ?? '')?.[0] ?? ''))
        : undefined);
    const isEndpoint = vpce !== undefined || n.interfaceType === 'vpc_endpoint';
    const zone = isEndpoint ? (vpce ? serviceZone.get(vpce.service) : undefined) : sub.zone;
    const label = vpce ? `${n.id} (${vpce.id}, ${vpce.service})` : n.id;
    interfaces.push({
      id: n.id,
      subnet: sub.id,
      network: sub.network,
      scope: sub.scope,
      ...(zone ? { zone } : {}),
      addresses: [...hostCidrs(ipsOf(n)), ...hostCidrs(n.ipv6Ips ?? [])],
      ...(n.publicIps !== undefined ? { publicIpv4: n.publicIps.length > 0 } : {}),
      inbound: sgFilter(n, n.groupIds, 'in'),
      outbound: /^ELB (app|net)\//.test(n.description ?? '')
        ? loadBalancerOutbound(sgFilter(n, n.groupIds, 'out'), n)
        : sgFilter(n, n.groupIds, 'out'),
      role: isEndpoint ? 'service-endpoint' : 'workload',
      ...(vpce ? { service: vpce.service } : {}),
      ref: {
        label: atDeploy.has(n) ? deployLabel(label) : label,
        resourceId: n.id,
        origin: n.origin,
      },
    });
  }
  if (inv.networkInterfaces.some((n) => n.publicIps === undefined))
    notes.add(
      'public IPv4 addresses of network interfaces are not in the inventory: direct internet paths of interfaces in subnets with an internet-gateway route are unknown',
    );
  for (const e of inv.vpcEndpoints)
    if (e.type === 'Interface' && serviceZone.has(e.service) && e.networkInterfaceIds.length === 0)
      notes.add(
        `interface endpoint ${e.id} (${e.service}) lists no network interfaces: it is not a destination in the matrix`,
      );

  const nats = new Map<string, NatGateway>();
  for (const g of inv.natGateways) {
    if (!g.subnetId) continue;
    nats.set(g.id, {
      id: g.id,
      subnet: g.subnetId,
      public: g.connectivityType === 'public',
      available: g.state === undefined || g.state === 'available',
      ref: { label: g.id, resourceId: g.id, origin: g.origin },
    });
  }

  return {
    provider: 'aws',
    networks,
    subnets,
    interfaces,
    nats,
    peerings,
    internet,
    ...(internetZone ? { internetZone } : {}),
    notes: [...notes].sort(),
  };
}

function hostCidrs(ips: readonly string[]): Cidr[] {
  return ips.flatMap((ip) => tryParseCidr(ip) ?? []);
}

/**
 * Stand-in addresses (deploy-addresses.ts) for the interfaces whose address AWS picks at deploy, cut at every CIDR
 * the security groups, network ACLs, route tables and zones draw; interfaces of a subnet are ranked by id.
 */
function standInAddresses(
  inv: AwsInventory,
  policy: ZonePolicy,
  notes: Set<string>,
): Map<AwsNetworkInterface, string[]> {
  const out = new Map<AwsNetworkInterface, string[]>();
  const pending = inv.networkInterfaces.filter((n) => n.addressAtDeploy && n.privateIps.length === 0 && n.subnetId);
  if (pending.length === 0) return out;
  const boundaries = cidrsIn([
    inv.securityGroups,
    inv.networkAcls,
    inv.routeTables,
    inv.subnets.map((s) => s.cidr),
    [...policy.zones.values()].map((z) => z.parsedCidrs.map((c) => c.text)),
  ]);
  const subnets = new Map(inv.subnets.map((s) => [`${scopeKey(s)}|${s.id}`, s]));
  // Addresses stated by other interfaces of the subnet are not given again.
  const taken = new Map<string, Set<bigint>>();
  for (const n of inv.networkInterfaces)
    for (const c of hostCidrs(n.privateIps)) {
      const k = `${scopeKey(n)}|${n.subnetId}`;
      taken.set(k, (taken.get(k) ?? new Set()).add(c.first));
    }
  const bySubnet = new Map<string, AwsNetworkInterface[]>();
  for (const n of pending) {
    const k = `${scopeKey(n)}|${n.subnetId}`;
    bySubnet.set(k, [...(bySubnet.get(k) ?? []), n]);
  }
  for (const [k, list] of bySubnet) {
    const s = subnets.get(k);
    const cidr = s?.cidr ? tryParseCidr(s.cidr) : undefined;
    list.sort((a, b) => a.id.localeCompare(b.id));
    const plan = cidr ? deployAddresses(cidr, boundaries, list.length, taken.get(k)) : undefined;
    if (!plan) {
      notes.add(
        `${list.map((n) => n.id).join(', ')}: address assigned at deploy in ${k.split('|')[1]}, whose IPv4 CIDR is not known: not verified`,
      );
      continue;
    }
    list.forEach((n, i) => {
      out.set(n, plan[i]!.addresses);
      if (plan[i]!.shared)
        notes.add(
          `${n.id} shares a stand-in address with another interface of ${s!.id}: a rule draws a range there too small for one address each`,
        );
    });
  }
  notes.add(
    'interfaces declared in infrastructure as code get their private address at deploy: each stands for every free address of its subnet (one stand-in address per range a rule, route or zone tells apart)',
  );
  return out;
}
