/**
 * The AWS compiler: inventory → provider-neutral network model. Security groups become stateful any-allow filters
 * (group references resolved to the member interfaces' addresses; prefix lists to their collected entries — an
 * AWS-managed list such as com.amazonaws.us-east-1.s3 as that service's address space — and unknown when the entries
 * are not in the inventory), network ACLs stateless first-match filters in rule-number order, route tables routes
 * with typed targets (a route to a prefix list is one route per entry). Peerings are inferred from route tables: a pcx- id that routes of exactly two VPCs name connects
 * those two (AWS lets only the requester and accepter VPCs route to it); a peering seen from one side only is a next
 * hop the model cannot follow. A transit gateway is modelled (tgw.ts) when its VPC attachments and every route table
 * of it, with associations and routes, are complete in the inventory; otherwise routes to it are unknown, with why.
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
  type AwsSecurityGroup,
  type AwsTransitGatewayRouteTable,
} from '../inventory/aws.js';
import type { ZonePolicy } from '../policy/load.js';
import { buildAwsZoneIndex } from '../analysis/aws-zones.js';
import { tryParseCidr, type Cidr } from '../util/cidr.js';
import { compileAwsLoadBalancers } from './aws-load-balancers.js';
import { cidrsIn, deployLabel, planStandIns } from './deploy-addresses.js';
import type {
  Filter,
  FilterRule,
  Interface,
  ModelGap,
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
  TransitGateway,
  TransitGatewayAttachment,
} from './model.js';
import { NOT_INTERNET_V4, NOT_INTERNET_V6, originAt } from './model.js';

const at = originAt;

const PROTOCOL_NUMBERS: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };

/** AWS protocol field → inclusive protocol range; "-1" (or "all") is every protocol. */
export function awsProtocol(p: string): [number, number] | undefined {
  if (p === '-1' || p === 'all') return [0, 255];
  const n = PROTOCOL_NUMBERS[p.toLowerCase()] ?? (/^\d+$/.test(p) ? Number(p) : undefined);
  return n === undefined || n > 255 ? undefined : [n, n];
}

/** The destination ports a permission matches: its range for TCP and UDP, every port otherwise (EC2 uses -1). */
export function permissionPorts(
  proto: readonly [number, number] | undefined,
  p: { fromPort?: number; toPort?: number },
): [number, number] {
  const ported = proto && (proto[0] === 6 || proto[0] === 17) && proto[0] === proto[1];
  return ported && p.fromPort !== undefined && p.fromPort >= 0
    ? [p.fromPort, p.toPort !== undefined && p.toPort >= 0 ? p.toPort : p.fromPort]
    : [0, 65535];
}

const PROTOCOL_NAMES = new Map(Object.entries(PROTOCOL_NUMBERS).map(([name, n]) => [n, name]));

const sharedRanges = new Map<number, readonly [number, number]>();
/** One tuple per protocol or port range (both fit in 16 bits), shared by every rule that has it. */
function sharedRange(lo: number, hi: number): readonly [number, number] {
  const k = lo * 65536 + hi;
  let t = sharedRanges.get(k);
  if (!t) sharedRanges.set(k, (t = [lo, hi]));
  return t;
}

/** permissionPorts as a shared tuple, without the new pair per rule. */
function sharedPorts(
  proto: readonly [number, number] | undefined,
  p: { fromPort?: number; toPort?: number },
): readonly [number, number] {
  const ported = proto && (proto[0] === 6 || proto[0] === 17) && proto[0] === proto[1];
  return ported && p.fromPort !== undefined && p.fromPort >= 0
    ? sharedRange(p.fromPort, p.toPort !== undefined && p.toPort >= 0 ? p.toPort : p.fromPort)
    : sharedRange(0, 65535);
}

const sharedProtocols = new Map<string, readonly [number, number] | undefined>();
/** awsProtocol as a shared tuple: a few protocol texts repeat over every rule. */
function sharedProtocol(text: string): readonly [number, number] | undefined {
  let t = sharedProtocols.get(text);
  if (t === undefined && !sharedProtocols.has(text)) {
    const p = awsProtocol(text);
    t = p && sharedRange(p[0], p[1]);
    sharedProtocols.set(text, t);
  }
  return t;
}

function protoText(p: readonly [number, number]): string {
  if (p[0] === 0 && p[1] === 255) return 'all traffic';
  return PROTOCOL_NAMES.get(p[0]) ?? `protocol ${p[0]}`;
}

function portsText(proto: readonly [number, number], ports: readonly [number, number]): string {
  if (proto[0] === 0 && proto[1] === 255) return '';
  if (ports[0] === 0 && ports[1] === 65535) return ' all ports';
  return ports[0] === ports[1] ? ` ${ports[0]}` : ` ${ports[0]}-${ports[1]}`;
}

/** The ids sorted (code-unit order, as Array.prototype.sort) and once each, in a new list. */
function sortedUnique(ids: readonly string[]): string[] {
  const out: string[] = [];
  for (const id of ids) {
    let i = out.length;
    while (i > 0 && out[i - 1]! > id) i--;
    if (i > 0 && out[i - 1] === id) continue;
    out.splice(i, 0, id);
  }
  return out;
}

export function compileAws(inv: AwsInventory, policy: ZonePolicy): NetworkModel {
  const zones = buildAwsZoneIndex(inv, policy);
  const notes = new Set<string>();
  const gaps: ModelGap[] = [];
  const key = (x: { account: string; region: string }, id: string) => `${scopeKey(x)}|${id}`;
  const byScope = <T extends { account: string; region: string; id: string }>(list: T[]) =>
    new Map(list.map((x) => [key(x, x.id), x]));
  const sgs = byScope(inv.securityGroups);
  /** Security groups by scope, VPC and name: a rule may name a group of its VPC by name only. */
  const groupByName = new Map(inv.securityGroups.map((x) => [`${key(x, x.vpcId ?? '')}|${x.name}`, x.id]));
  const endpoints = byScope(inv.vpcEndpoints);
  const prefixLists = byScope(inv.managedPrefixLists);
  const dataset = (x: { account: string; region: string }, d: AwsDataset) =>
    inv.datasets.get(scopeKey(x))?.has(d) === true;

  /**
   * A prefix list's addresses, or why they are unknown. AWS-managed lists (owner AWS, com.amazonaws.<region>.<service>)
   * are a cloud service's addresses; customer-managed ones are whatever the customer put in them.
   */
  const resolvePrefixList = (
    x: { account: string; region: string },
    id: string,
  ): { cidrs: Cidr[]; label: string; awsManaged: boolean } | { unknown: string } => {
    const l = prefixLists.get(key(x, id));
    if (!l)
      return {
        unknown: dataset(x, 'ec2:managed-prefix-lists')
          ? `prefix list ${id} is not in the inventory`
          : `prefix list ${id}: ec2:managed-prefix-lists not in the snapshot`,
      };
    if (!l.cidrs) return { unknown: `entries of prefix list ${id} not collected` };
    const cidrs = l.cidrs.map((c) => tryParseCidr(c));
    if (cidrs.some((c) => c === undefined)) return { unknown: `prefix list ${id} has an entry that is not a CIDR` };
    return {
      cidrs: cidrs as Cidr[],
      label: l.name ? `${id} (${l.name})` : id,
      awsManaged: l.ownerId === 'AWS' || (l.name?.startsWith('com.amazonaws.') ?? false),
    };
  };

  /**
   * A transit gateway route table's routes: blackholes drop; a route to one attachment of a network the model holds
   * goes there (filled in once attachments are known, so looked up lazily by id); anything else (VPN, Direct Connect,
   * peering, ECMP over several attachments, a VPC not in the inventory) is a next hop cordon does not follow.
   */
  const tgwRoutes = (
    t: AwsTransitGatewayRouteTable,
    tgwId: string,
    attachments: Map<string, TransitGatewayAttachment>,
  ): Route[] => {
    const cidrRoutes: Route[] = [];
    const listRoutes: Route[] = [];
    const propagatedRoutes: Route[] = [];
    for (const r of t.routes ?? []) {
      const only = r.attachments.length === 1 ? r.attachments[0]!.id : undefined;
      const target: RouteTarget =
        r.state === 'blackhole'
          ? { kind: 'drop', reason: `blackhole route in ${t.id}` }
          : only && attachments.has(only)
            ? { kind: 'attachment', id: only }
            : {
                kind: 'unknown',
                id: only ?? tgwId,
                reason: only
                  ? outsideModel(r.attachments[0]!)
                  : r.attachments.length > 1
                    ? `ECMP over ${r.attachments.map((a) => a.id).join(', ')}: leads outside the model`
                    : 'no attachment',
              };
      const ref: Ref = {
        label: `${t.id} route ${r.destination} -> ${r.state === 'blackhole' ? 'blackhole' : r.attachments.map((a) => a.id).join(', ') || 'nothing'}`,
        resourceId: t.id,
        origin: r.origin,
      };
      if (r.destination.startsWith('pl-')) {
        const list = resolvePrefixList(t, r.destination);
        if ('cidrs' in list) {
          for (const destination of list.cidrs)
            listRoutes.push({ destination, destinationText: `${list.label} entry ${destination.text}`, target, ref });
          continue;
        }
        notes.add(`transit gateway route table ${t.id} routes ${list.unknown}: destinations it may cover are unknown`);
      }
      const destination = r.destination.startsWith('pl-') ? undefined : tryParseCidr(r.destination);
      (r.type === 'propagated' ? propagatedRoutes : cidrRoutes).push({
        ...(destination ? { destination } : {}),
        destinationText: r.destination,
        target,
        ref,
      });
    }
    // For one destination CIDR AWS prefers a static route, then a prefix-list route, then a propagated one ("Route
    // evaluation order"); both evaluators keep the first of equally long matches.
    return [...cidrRoutes, ...listRoutes, ...propagatedRoutes];
  };

  // Service zones: endpoint service name → zone (external_ai: bedrock-runtime, …).
  const serviceZone = new Map<string, string>();
  for (const z of policy.zones.values())
    if (z.kind === 'service') for (const s of z.services?.aws ?? []) serviceZone.set(s, z.name);
  const internetZone = [...policy.zones.values()].find((z) => z.kind === 'internet')?.name;

  // Interfaces declared in infrastructure as code get their address at deploy: stand-ins for every address they may get.
  const atDeploy = standInAddresses(inv, policy, notes, gaps);
  const ipsOf = (n: AwsNetworkInterface) => atDeploy.get(n) ?? n.privateIps;
  // Members of each security group (scope-local; references across peered VPCs resolve by id in the same region), by
  // region then group id: a "region|group" key built per interface and group, and again per rule naming a group, was
  // 85,000 strings to build and hash on the benchmark's 20,000 interfaces.
  const members = new Map<string, Map<string, Cidr[]>>();
  const membersIn = (region: string): Map<string, Cidr[]> => {
    let m = members.get(region);
    if (!m) members.set(region, (m = new Map<string, Cidr[]>()));
    return m;
  };
  // Rules repeat the same ranges by the thousand (0.0.0.0/0, the VPC's): each text parsed once, one object shared.
  const parsedRanges = new Map<string, Cidr | undefined>();
  const parseRange = (text: string): Cidr | undefined => {
    let c = parsedRanges.get(text);
    if (c === undefined && !parsedRanges.has(text)) parsedRanges.set(text, (c = tryParseCidr(text)));
    return c;
  };
  // An interface's addresses, parsed once (they are its model addresses too, and each of its groups lists them).
  const ownAddresses = new Map<AwsNetworkInterface, Cidr[]>();
  const scratchAddresses: Cidr[] = [];
  const addressesOf = (n: AwsNetworkInterface): Cidr[] => {
    let a = ownAddresses.get(n);
    if (!a) {
      // Gathered on a scratch list and copied at their number (the interfaces keep them).
      const out = scratchAddresses;
      out.length = 0;
      for (const ip of ipsOf(n)) {
        const c = tryParseCidr(ip);
        if (c) out.push(c);
      }
      for (const ip of n.ipv6Ips ?? []) {
        const c = tryParseCidr(ip);
        if (c) out.push(c);
      }
      // Delegated prefixes: their addresses (pods') are the interface's, filtered by its groups.
      for (const x of n.ipv4Prefixes ?? []) {
        const c = parseRange(x);
        if (c) out.push(c);
      }
      for (const x of n.ipv6Prefixes ?? []) {
        const c = parseRange(x);
        if (c) out.push(c);
      }
      ownAddresses.set(n, (a = out.slice()));
    }
    return a;
  };
  for (const n of inv.networkInterfaces) {
    if (n.groupIds.length === 0) continue;
    const inRegion = membersIn(n.region);
    const own = addressesOf(n);
    for (const g of n.groupIds) {
      let list = inRegion.get(g);
      if (!list) inRegion.set(g, (list = []));
      for (const c of own) list.push(c);
    }
  }
  const eniData = (x: { account: string; region: string }) =>
    inv.datasets.get(scopeKey(x))?.has('ec2:network-interfaces') === true;

  // Rules share what repeats across 100,000 of them: a range's remote, a referenced group's, protocol and port tuples.
  const cidrRemotes = new Map<Cidr, Remote>();
  const cidrRemote = (c: Cidr): Remote => {
    let r = cidrRemotes.get(c);
    if (!r) cidrRemotes.set(c, (r = { kind: 'cidr', cidr: c }));
    return r;
  };
  const memberRemotes = new Map<Cidr[], Remote>();
  // Scratch lists, reused by every rule: a rule keeps only what is copied out of them (on 100,000 rules, the per-rule
  // arrays of ranges, texts and label pieces were about half of the ~180 MB building the rules allocated).
  const scratchRemotes: Remote[] = [];
  const scratchTexts: string[] = [];
  const labelParts: string[] = ['', '', '', '', '', ''];
  const permissionRule = (
    g: { id: string; account: string; region: string; origin: Origin; vpcId?: string },
    p: AwsIpPermission,
    direction: 'in' | 'out',
  ): FilterRule => {
    const proto = sharedProtocol(p.protocol);
    if (!proto) {
      notes.add(`${g.id}: rule with protocol ${p.protocol} not understood; treated as unknown`);
    }
    const ports = sharedPorts(proto, p);
    // Gathered on a scratch list and copied at their number: a list grown by push keeps room for 17.
    const remotes = scratchRemotes;
    remotes.length = 0;
    // The remote side as the label writes it: the ranges, groups and prefix lists the permission names, in that order.
    const texts = scratchTexts;
    texts.length = 0;
    for (const r of p.ipv4Ranges) {
      const c = parseRange(r.cidr);
      remotes.push(c ? cidrRemote(c) : { kind: 'unknown', reason: `unparsable CIDR ${r.cidr}` });
      texts.push(r.cidr);
    }
    for (const r of p.ipv6Ranges) {
      const c = parseRange(r.cidr);
      remotes.push(c ? cidrRemote(c) : { kind: 'unknown', reason: `unparsable CIDR ${r.cidr}` });
      texts.push(r.cidr);
    }
    for (const named of p.groupRefs) {
      texts.push(named.groupId || (named.groupName ?? ''));
      const ref = named.groupId
        ? named
        : { ...named, groupId: groupByName.get(`${key(g, g.vpcId ?? '')}|${named.groupName}`) };
      if (!ref.groupId) {
        remotes.push({
          kind: 'unknown',
          reason: `security group named ${named.groupName ?? '(no name)'} not in the inventory`,
        });
        notes.add(
          `security group ${g.id} references a group by name (${named.groupName ?? 'no name'}) that no group of its VPC has: that traffic is unknown`,
        );
        continue;
      }
      const m = members.get(g.region)?.get(ref.groupId);
      if (m) {
        // One remote per member list: the list is the group's in its region.
        let r = memberRemotes.get(m);
        if (!r) memberRemotes.set(m, (r = { kind: 'members', label: ref.groupId, addresses: m }));
        remotes.push(r);
      } else if (eniData(g) && (sgs.has(key(g, ref.groupId)) || ref.userId === undefined || ref.userId === g.account))
        remotes.push({ kind: 'members', label: ref.groupId, addresses: [] });
      else {
        remotes.push({ kind: 'unknown', reason: `members of ${ref.groupId} not in the inventory` });
        notes.add(
          `security group ${g.id} references ${ref.groupId}, whose members are not in the inventory: that traffic is unknown`,
        );
      }
    }
    for (const pl of p.prefixListIds) {
      texts.push(pl);
      const r = resolvePrefixList(g, pl);
      if ('cidrs' in r)
        remotes.push(
          r.awsManaged
            ? { kind: 'space', label: r.label, space: { include: r.cidrs, exclude: [] } }
            : { kind: 'members', label: r.label, addresses: r.cidrs },
        );
      else {
        remotes.push({ kind: 'unknown', reason: r.unknown });
        notes.add(`security group ${g.id} uses prefix list ${pl} (${r.unknown}): that traffic is unknown`);
      }
    }
    const remoteText = texts.length === 1 ? texts[0]! : texts.join(', ');
    const pr = proto ?? sharedRange(0, 255);
    // Joined, not a template: a template's pieces stay a chain of eight string objects per label, and a large
    // account's 100,000 labels were a million objects for the collector to copy.
    labelParts[0] = g.id;
    labelParts[1] = direction === 'in' ? ' inbound ' : ' outbound ';
    labelParts[2] = protoText(pr);
    labelParts[3] = portsText(pr, ports);
    labelParts[4] = direction === 'in' ? ' from ' : ' to ';
    labelParts[5] = remoteText || 'nothing';
    return {
      action: 'allow',
      proto: pr,
      ports,
      remotes: proto ? remotes.slice() : [{ kind: 'unknown', reason: `protocol ${p.protocol}` }],
      ref: {
        label: labelParts.join(''),
        resourceId: g.id,
        origin: at(g.origin, p.pointer),
        fix: { kind: 'aws-sg-rule', groupId: g.id, direction, permission: p },
      },
    };
  };

  // One filter per distinct set of groups and direction: thousands of interfaces share a few hundred sets. Found by
  // walking a tree keyed by account, region, direction and each group id, with the ids the inventory already holds:
  // a key string built per call (scope, direction, sorted ids joined) was ~40,000 strings to build and hash for
  // 20,000 interfaces, each after a Set, its iterator and a sort.
  interface FilterNode {
    filter?: Filter;
    next?: Map<string, FilterNode>;
  }
  const filterTree: FilterNode = {};
  const child = (node: FilterNode, k: string): FilterNode => {
    let next = node.next?.get(k);
    if (!next) (node.next ??= new Map()).set(k, (next = {}));
    return next;
  };
  // Security groups by scope, then id (the scope's map found once per filter built, not once per group).
  const sgsOfScope = new Map<string, Map<string, AwsSecurityGroup>>();
  for (const x of inv.securityGroups) {
    const k = scopeKey(x);
    let m = sgsOfScope.get(k);
    if (!m) sgsOfScope.set(k, (m = new Map<string, AwsSecurityGroup>()));
    m.set(x.id, x);
  }
  // A group's rules are built once and shared by every filter that includes the group.
  const groupRules = { in: new Map<object, FilterRule[]>(), out: new Map<object, FilterRule[]>() };
  const sgFilter = (
    scope: { account: string; region: string },
    groupIds: string[],
    direction: 'in' | 'out',
  ): Filter => {
    // The ids sorted, once each. An interface has a handful (at most 16): sorted by insertion, in code-unit order
    // as Array.prototype.sort would, and not copied at all when already so (a single group, say).
    let ids = groupIds;
    for (let i = 1; i < groupIds.length; i++)
      if (!(groupIds[i - 1]! < groupIds[i]!)) {
        ids = sortedUnique(groupIds);
        break;
      }
    let node = child(child(child(filterTree, scope.account), scope.region), direction);
    for (const id of ids) node = child(node, id);
    if (node.filter) return node.filter;
    if (ids === groupIds) ids = groupIds.slice(); // the filter keeps its own list
    const scopeGroups = sgsOfScope.get(scopeKey(scope));
    const parts: FilterRule[][] = [];
    for (const id of ids) {
      const g = scopeGroups?.get(id);
      if (!g) {
        parts.push([
          {
            action: 'allow',
            proto: [0, 255],
            ports: [0, 65535],
            remotes: [{ kind: 'unknown', reason: `security group ${id} not in the inventory` }],
            ref: { label: `${id} (not in the inventory)`, resourceId: id },
          },
        ]);
        notes.add(
          `security group ${id} (${scopeKey(scope)}) is attached to an interface but not in the inventory: its traffic is unknown`,
        );
        continue;
      }
      let own = groupRules[direction].get(g);
      if (!own) {
        own = (direction === 'in' ? g.ingress : g.egress).map((p) => permissionRule(g, p, direction));
        groupRules[direction].set(g, own);
      }
      parts.push(own);
    }
    // A single group's filter shares its rule list; several are copied into one list of their exact length (pushed
    // one by one, a list keeps up to half again as much room: 12,000 filters of 100 rules in a large account).
    const rules = parts.length === 1 ? parts[0]! : ([] as FilterRule[]).concat(...parts);
    const f: Filter = {
      id: ids.join('+') || '(no security group)',
      direction,
      order: 'any-allow',
      stateful: true,
      rules,
      defaultRef: {
        label: `${ids.join(', ') || 'no security group'}: no ${direction === 'in' ? 'inbound' : 'outbound'} rule matches`,
        resourceId: ids[0] ?? '',
        ...(ids.length > 0 ? { fix: { kind: 'aws-sg-none', groupIds: ids, direction } } : {}),
      },
    };
    node.filter = f;
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
      // The default entries: 32767 for IPv4 and, as describe-network-acls lists it, 32768 for IPv6 ("*" in the
      // console). A fix in front of the IPv6 one takes the numbers in front of 32767, as for the IPv4 one.
      const star = e.ruleNumber >= 32767;
      const ref: Ref = {
        label: `${acl.id} ${direction === 'in' ? 'inbound' : 'outbound'} rule ${star ? '*' : e.ruleNumber} (${e.action})`,
        resourceId: acl.id,
        origin: at(acl.origin, `${acl.origin.kind === 'file' ? (acl.origin.pointer ?? '') : ''}/Entries/${i}`),
        fix: {
          kind: 'aws-nacl-entry',
          aclId: acl.id,
          ruleNumber: Math.min(e.ruleNumber, 32767),
          egress: e.egress,
          action: e.action,
        },
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
        fix: { kind: 'aws-nacl-none', aclId: acl.id, egress: direction === 'out' },
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

  // Transit gateways whose attachments and route tables (with associations and routes) are complete in the inventory.
  const tgwTables = new Map<string, AwsTransitGatewayRouteTable[]>();
  for (const t of inv.transitGatewayRouteTables) {
    const k = `${t.region}|${t.transitGatewayId}`;
    tgwTables.set(k, [...(tgwTables.get(k) ?? []), t]);
  }
  const complete = (x: { account: string; region: string }, d: AwsDataset) =>
    dataset(x, d) && inv.partial.get(scopeKey(x))?.has(d) !== true;
  const tgwUnknown = (x: { account: string; region: string }, id: string): string | undefined => {
    const tables = tgwTables.get(`${x.region}|${id}`) ?? [];
    if (tables.length === 0)
      return complete(x, 'ec2:transit-gateway-route-tables')
        ? 'its route tables are not in the inventory (a transit gateway shared from another account: collect that account)'
        : 'ec2:transit-gateway-route-tables is not in the snapshot';
    for (const t of tables) {
      if (!complete(t, 'ec2:transit-gateway-route-tables') || !complete(t, 'ec2:transit-gateway-vpc-attachments'))
        return `the transit gateway data of ${scopeKey(t)} is incomplete`;
      if (!t.associations) return `the associations of ${t.id} were not collected`;
      if (!t.routes) return `the routes of ${t.id} were not collected`;
      if (t.routesTruncated) return `${t.id} has more routes than were returned (AdditionalRoutesAvailable)`;
    }
    return undefined;
  };

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
      case 'transit-gateway': {
        const why = tgwUnknown(t, r.target.id);
        if (!why) return { kind: 'transit-gateway', id: r.target.id };
        notes.add(`routes to transit gateway ${r.target.id}: ${why}, so paths through it are unknown`);
        return { kind: 'unknown', id: r.target.id, reason: why };
      }
      default:
        return { kind: 'unknown', id: r.target.id, reason: `${r.target.type} next hop not modelled` };
    }
  };
  const tables = new Map<string, RouteTable>();
  const routeTable = (t: AwsInventory['routeTables'][number]): RouteTable => {
    const k = key(t, t.id);
    let rt = tables.get(k);
    if (rt) return rt;
    // A route to a prefix list is a route to each of its entries. They come after the CIDR routes: on an identical
    // destination AWS prefers the CIDR route, and both evaluators keep the first of equally long matches.
    const cidrRoutes: Route[] = [];
    const listRoutes: Route[] = [];
    for (const r of t.routes) {
      const target = routeTarget(t, r);
      const ref = {
        label: `${t.id} route ${r.destination} -> ${r.target.id}`,
        resourceId: t.id,
        fix: { kind: 'aws-route' as const, routeTableId: t.id, destination: r.destination },
        origin: at(t.origin, r.pointer),
      };
      if (!r.destination.startsWith('pl-')) {
        const destination = tryParseCidr(r.destination);
        cidrRoutes.push({ ...(destination ? { destination } : {}), destinationText: r.destination, target, ref });
        continue;
      }
      const list = resolvePrefixList(t, r.destination);
      if ('cidrs' in list) {
        for (const destination of list.cidrs)
          listRoutes.push({ destination, destinationText: `${list.label} entry ${destination.text}`, target, ref });
        continue;
      }
      if (target.kind === 'service')
        notes.add(
          `gateway endpoint routes to prefix lists whose entries are unknown (${list.unknown}) divert only those services’ own addresses: witnesses assume an internet address outside them`,
        );
      else notes.add(`route table ${t.id} routes ${list.unknown}: destinations it may cover are unknown`);
      cidrRoutes.push({ destinationText: r.destination, target, ref });
    }
    const routes = [...cidrRoutes, ...listRoutes];
    rt = { id: t.id, routes, ref: { label: t.id, resourceId: t.id, origin: t.origin } };
    tables.set(k, rt);
    return rt;
  };

  // Lookups by (scope, id), built once: an organisation has thousands of VPCs, subnets and ACLs.
  const igwsOf = new Map<string, string[]>();
  for (const g of inv.internetGateways)
    for (const vpcId of g.vpcIds) {
      const k = key(g, vpcId);
      igwsOf.set(k, [...(igwsOf.get(k) ?? []), g.id]);
    }
  const aclOfSubnet = new Map<string, AwsNetworkAcl>();
  const defaultAcl = new Map<string, AwsNetworkAcl>();
  for (const a of inv.networkAcls) {
    for (const id of a.subnetIds) if (!aclOfSubnet.has(key(a, id))) aclOfSubnet.set(key(a, id), a);
    if (a.isDefault && !defaultAcl.has(key(a, a.vpcId))) defaultAcl.set(key(a, a.vpcId), a);
  }
  const networks = new Map<string, Network>();
  for (const v of inv.vpcs) {
    const igws = [...(igwsOf.get(key(v, v.id)) ?? [])].sort();
    networks.set(v.id, {
      id: v.id,
      scope: scopeKey(v),
      cidrs: [...v.cidrs, ...v.ipv6Cidrs].flatMap((c) => tryParseCidr(c) ?? []),
      internetGateways: igws,
      ref: { label: v.id, resourceId: v.id, origin: v.origin },
    });
  }

  const subnets = new Map<string, Subnet>();
  const naclCache = new Map<AwsNetworkAcl, { in: Filter; out: Filter }>();
  for (const s of inv.subnets) {
    const acl = aclOfSubnet.get(key(s, s.id)) ?? defaultAcl.get(key(s, s.vpcId));
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
      ...(s.availabilityZoneId || s.availabilityZone
        ? { availabilityZone: s.availabilityZoneId ?? s.availabilityZone }
        : {}),
      ref: { label: s.id, resourceId: s.id, origin: s.origin },
    });
  }
  const subnetCidrs = new Map<string, Cidr[]>();
  for (const s of subnets.values()) subnetCidrs.set(s.network, [...(subnetCidrs.get(s.network) ?? []), ...s.cidrs]);
  for (const n of networks.values()) if (n.cidrs.length === 0) n.cidrs = subnetCidrs.get(n.id) ?? [];

  const transitGateways = new Map<string, TransitGateway>();
  for (const [k, tables] of [...tgwTables].sort(([a], [b]) => a.localeCompare(b))) {
    const id = k.slice(k.indexOf('|') + 1);
    if (tgwUnknown(tables[0]!, id) || transitGateways.has(id)) continue;
    const attachments = new Map<string, TransitGatewayAttachment>();
    const tableOf = new Map<string, AwsTransitGatewayRouteTable>();
    for (const t of tables)
      for (const a of t.associations ?? [])
        if (a.state === undefined || a.state === 'associated') tableOf.set(a.attachmentId, t);
    const compiled = new Map<AwsTransitGatewayRouteTable, RouteTable>();
    const tableModel = (t: AwsTransitGatewayRouteTable): RouteTable => {
      let rt = compiled.get(t);
      if (!rt) {
        rt = {
          id: t.id,
          routes: tgwRoutes(t, id, attachments),
          ref: { label: t.id, resourceId: t.id, origin: t.origin },
        };
        compiled.set(t, rt);
      }
      return rt;
    };
    for (const a of inv.transitGatewayAttachments) {
      if (a.transitGatewayId !== id || a.region !== tables[0]!.region) continue;
      const forwards = attachmentForwards(a.state);
      if (forwards === false) continue;
      if (!networks.has(a.vpcId) || attachments.has(a.id)) continue;
      attachments.set(a.id, {
        id: a.id,
        network: a.vpcId,
        subnets: [...a.subnetIds].sort(),
        ...(a.applianceModeSupport ? { applianceMode: true } : {}),
        ...(forwards === undefined
          ? { undecided: `${a.id} is in state ${a.state}: whether it forwards now is not known` }
          : {}),
        ref: { label: `${a.id} (${a.vpcId})`, resourceId: a.id, origin: a.origin },
      });
    }
    for (const a of attachments.values()) {
      const t = tableOf.get(a.id);
      if (t) a.routeTable = tableModel(t);
    }
    transitGateways.set(id, { id, attachments, ref: { label: id, resourceId: id } });
  }

  const exclude = [
    ...NOT_INTERNET_V4.map((c) => tryParseCidr(c)!),
    ...NOT_INTERNET_V6.map((c) => tryParseCidr(c)!),
    ...[...networks.values()].flatMap((n) => n.cidrs),
    ...[...policy.zones.values()].flatMap((z) => z.parsedCidrs),
  ];
  const internet = { include: [tryParseCidr('0.0.0.0/0')!, tryParseCidr('2000::/3')!], exclude };
  /**
   * A load balancer's interfaces open connections only to its targets, which AWS requires to have private addresses
   * (ELB target IP addresses: VPC, RFC 1918 and RFC 6598 ranges): its groups' outbound rules, behind a first rule
   * that denies the internet. Its own connections stay possible to every private address its groups allow (a target
   * registered later needs no network change); what it forwards for clients is aws-load-balancers.ts's.
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
  const enis: { iface: Interface; eni: AwsNetworkInterface }[] = [];
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
    const iface: Interface = {
      id: n.id,
      subnet: sub.id,
      network: sub.network,
      scope: sub.scope,
      ...(zone ? { zone } : {}),
      addresses: addressesOf(n),
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
    };
    interfaces.push(iface);
    enis.push({ iface, eni: n });
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
      // NAT gateway states (EC2 API NatGateway.State): pending, failed, available, deleting, deleted.
      ...(g.state === 'pending' || g.state === 'deleting' ? { undecided: true } : {}),
      ref: {
        label: `${g.id}${g.state === 'pending' || g.state === 'deleting' ? ` (${g.state})` : ''}`,
        resourceId: g.id,
        origin: g.origin,
      },
    });
  }

  const loadBalancers = compileAwsLoadBalancers({
    inv,
    interfaces: enis,
    subnets,
    peerings,
    transitGateways,
    sgFilter,
    notes,
  });

  return {
    provider: 'aws',
    networks,
    subnets,
    interfaces,
    nats,
    peerings,
    internet,
    ...(loadBalancers.length > 0 ? { loadBalancers } : {}),
    ...(transitGateways.size > 0 ? { transitGateways } : {}),
    ...(internetZone ? { internetZone } : {}),
    notes: [...notes].sort(),
    ...(inv.iac ? { iac: inv.iac } : {}),
    ...(gaps.length > 0 ? { gaps } : {}),
  };
}

/**
 * Whether a transit gateway attachment in this state forwards traffic (describe-transit-gateway-vpc-attachments
 * State): available and modifying (a change to an attachment in use, such as adding a subnet or appliance mode) do;
 * deleted, failed and rejected do not; the others (pending, pendingAcceptance, initiating, initiatingRequest,
 * rollingBack, deleting, failing, rejecting) are on their way in or out: undefined, unknown rather than absent.
 */
export function attachmentForwards(state: string | undefined): boolean | undefined {
  if (state === undefined || state === 'available' || state === 'modifying') return true;
  if (state === 'deleted' || state === 'failed' || state === 'rejected') return false;
  return undefined;
}

/** Why a transit gateway route to an attachment cordon holds no network for leads outside the model. */
function outsideModel(a: { id: string; resourceId?: string; resourceType?: string }): string {
  const what: Record<string, string> = {
    vpn: 'a Site-to-Site VPN attachment',
    'direct-connect-gateway': 'a Direct Connect gateway attachment',
    peering: 'a transit gateway peering attachment',
    connect: 'a Connect (SD-WAN) attachment',
    'tgw-peering': 'a transit gateway peering attachment',
    vpc: 'a VPC attachment whose VPC is not in the inventory',
  };
  const kind = a.resourceType ? (what[a.resourceType] ?? `a ${a.resourceType} attachment`) : 'an attachment';
  return `${a.id}${a.resourceId ? ` (${a.resourceId})` : ''} is ${kind}: it leads outside the model`;
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
  gaps: ModelGap[],
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
  const plan = planStandIns(
    pending.map((n) => ({ item: n, id: n.id, subnet: `${scopeKey(n)}|${n.subnetId}` })),
    (k) => {
      const cidr = subnets.get(k)?.cidr;
      return cidr ? tryParseCidr(cidr) : undefined;
    },
    boundaries,
    taken,
  );
  for (const { subnet, items } of plan.unplaced) {
    notes.add(
      `${items.map((n) => n.id).join(', ')}: address assigned at deploy in ${subnet.split('|')[1]}, whose IPv4 CIDR is not known: not verified`,
    );
    // Left out of the model, so their scope is not verified (a pass without them would be a guess).
    gaps.push({
      scopes: [subnet.split('|')[0]!],
      subjects: items.map((n) => n.id),
      reason: `interface(s) get their private address at deploy in ${subnet.split('|')[1]}, whose IPv4 CIDR is not known`,
      ...(items[0]!.origin ? { origin: items[0]!.origin } : {}),
    });
  }
  for (const { subnet, item } of plan.shared)
    notes.add(
      `${item.id} shares a stand-in address with another interface of ${subnet.split('|')[1]}: a rule draws a range there too small for one address each`,
    );
  for (const [n, a] of plan.addresses) out.set(n, a);
  notes.add(
    'interfaces declared in infrastructure as code get their private address at deploy: each stands for every free address of its subnet (one stand-in address per range a rule, route or zone tells apart)',
  );
  return out;
}
