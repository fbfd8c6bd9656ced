/**
 * Cloud NGFW evaluation as Google documents it ("Evaluation order for firewall policies and rules", "VPC firewall
 * rules"): one class of packets in — direction, protocol, port, the VM side (network, region, network tags, service
 * accounts, its addresses) and a set of remote addresses — and the deciding rule out.
 *
 * Order: hierarchical firewall policies from the organization down to the folder nearest the project; then, per the
 * network's networkFirewallPolicyEnforcementOrder, VPC firewall rules before (AFTER_CLASSIC_FIREWALL, the default) or
 * after (BEFORE_CLASSIC_FIREWALL) the global and then the regional network firewall policy; then the implied rules
 * (allow every egress, deny every ingress). Regional system firewall policies are Google-managed and not in the
 * inventory. In a policy the lowest priority number that matches decides: allow and deny stop evaluation, goto_next
 * (and no match) move on to the next policy. VPC firewall rules: the lowest priority number wins and at equal
 * priority deny beats allow; no match moves on. Disabled rules are ignored. apply_security_profile_group allows
 * (after inspection), so it counts as allow.
 *
 * A rule may single out part of the remote addresses (10.0.1.0/24 of a 10.0.0.0/16 zone): evaluation forks, one
 * branch with the addresses the rule takes, one with the rest, so every outcome says exactly which addresses it holds.
 * What cordon cannot resolve — secure tags (no tag bindings in the inventory), FQDNs, geolocations, address groups,
 * threat-intelligence lists, a rule filtering on part of the VM's own addresses — forks too, and the outcome carries
 * the assumption it rests on, so a caller can say "not assessed" instead of guessing.
 */
import type { Origin } from '../../findings/types.js';
import {
  gcpIdKey,
  sameGcpId,
  shortName,
  type GcpFirewallPolicy,
  type GcpFirewallRule,
  type GcpInventory,
  type GcpNetwork,
  type GcpProject,
  type GcpProtocolPorts,
} from '../../inventory/gcp.js';
import { hierarchyDatasetGap, projectDatasetGap } from './engine.js';
import {
  addressSetOf,
  INTERNET_V4,
  INTERNET_V6,
  intersect,
  isEmpty,
  subtract,
  union,
  type AddressSet,
} from './address-set.js';

export type FirewallDirection = 'INGRESS' | 'EGRESS';
export type FirewallLayer = 'hierarchical' | 'vpc' | 'global-policy' | 'regional-policy' | 'implied';

export interface FirewallRuleRef {
  layer: FirewallLayer;
  /** "fw-allow-egress" for a VPC rule, "policy-name rule 1000" for a policy rule, "implied allow egress". */
  label: string;
  /** The VPC rule's or the policy's id. */
  id: string;
  priority: number;
  action: 'allow' | 'deny' | 'goto_next';
  origin?: Origin;
}

/** The VM side of a packet: for an ingress packet the destination, for an egress packet the source. */
export interface FirewallTarget {
  network: string;
  region: string;
  /** Network tags; [] for "a VM in the subnetwork with no tags". */
  tags: readonly string[];
  /** Service account e-mails; [] when not known (a rule targeting service accounts then does not apply). */
  serviceAccounts: readonly string[];
  /** The VM's own addresses (its IP, or the subnetwork's ranges for any VM in it). */
  addresses: AddressSet;
  /** Instance id, for hierarchical rules that target instances. */
  instance?: string;
}

/** A VM on the remote side, for VPC rules that name sources by network tag or service account. */
export interface RemoteInstance {
  network: string;
  ip: string;
  tags: readonly string[];
  serviceAccounts: readonly string[];
}

export interface PacketClass {
  direction: FirewallDirection;
  /** "tcp", "udp", "icmp", "sctp", … (protocol numbers are read as their names). */
  protocol: string;
  /** Destination port; undefined for protocols without ports. */
  port?: number;
  target: FirewallTarget;
  /** The far side: the source for ingress, the destination for egress. */
  remote: AddressSet;
  remoteInstances?: readonly RemoteInstance[];
}

export interface FirewallAssumption {
  rule: FirewallRuleRef;
  applies: boolean;
  /** target: whether the rule applies to the VM at all (secure tags); remote: which remote addresses it covers. */
  side: 'target' | 'remote';
  /** What cordon could not resolve. */
  why: string;
}

export interface FirewallOutcome {
  action: 'allow' | 'deny';
  rule: FirewallRuleRef;
  /** The remote addresses this outcome is about. */
  remote: AddressSet;
  /** Unresolvable facts the outcome rests on; empty means the outcome is certain for `remote`. */
  assumptions: FirewallAssumption[];
  /**
   * True on the branches where every rule that singles out part of the remote side was passed over: the outcome for
   * a remote address no rule names. Several main outcomes differ only in whether a rule cordon cannot match to the
   * VM (secure tags) applies.
   */
  main: boolean;
}

export interface FirewallEvaluation {
  outcomes: FirewallOutcome[];
  /** True when evaluation stopped forking (too many unresolvable rules): treat as not assessable. */
  truncated: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Compiled rules

interface L4 {
  protocol: string;
  ports: [number, number][];
}

interface Remote {
  /** undefined: the rule names no remote side, so it matches every address. */
  ranges?: AddressSet;
  sourceTags: string[];
  sourceServiceAccounts: string[];
  /** Sources/destinations cordon cannot turn into addresses. */
  unresolved: string[];
  /**
   * A condition the packet must meet as well, which its addresses do not decide (a firewall policy rule's network
   * context: whether the packet came through the internet, from which VPC network): the rule may or may not match.
   */
  context?: string;
}

export interface CompiledFirewallRule {
  ref: FirewallRuleRef;
  direction: FirewallDirection;
  l4: L4[];
  remote: Remote;
  /** Filter on the VM's own address (destination ranges of ingress, source ranges of egress). */
  local?: AddressSet;
  targetTags: string[];
  targetServiceAccounts: string[];
  targetResources: string[];
  targetSecureTags: string[];
}

export interface FirewallStage {
  layer: Exclude<FirewallLayer, 'implied'>;
  label: string;
  rules: CompiledFirewallRule[];
}

const PROTOCOL_NUMBERS: Record<string, string> = {
  '1': 'icmp',
  '6': 'tcp',
  '17': 'udp',
  '132': 'sctp',
  '58': 'ipv6-icmp',
};

export function protocolName(p: string): string {
  const v = p.trim().toLowerCase();
  return PROTOCOL_NUMBERS[v] ?? v;
}

function compileL4(list: readonly GcpProtocolPorts[]): L4[] {
  return list.map((e) => ({
    protocol: protocolName(e.protocol),
    ports: e.ports.flatMap((p) => {
      const m = /^(\d+)(?:-(\d+))?$/.exec(p.trim());
      return m ? [[Number(m[1]), Number(m[2] ?? m[1])] as [number, number]] : [];
    }),
  }));
}

const set = (cidrs: readonly string[]) => addressSetOf(cidrs).set;

function compileVpcRule(r: GcpFirewallRule): CompiledFirewallRule[] {
  const direction: FirewallDirection = r.direction.toUpperCase() === 'EGRESS' ? 'EGRESS' : 'INGRESS';
  const base = {
    direction,
    targetTags: r.targetTags,
    targetServiceAccounts: r.targetServiceAccounts,
    targetResources: [],
    targetSecureTags: [],
  };
  let remote: Remote;
  let local: AddressSet | undefined;
  if (direction === 'INGRESS') {
    const none = r.sourceRanges.length === 0 && r.sourceTags.length === 0 && r.sourceServiceAccounts.length === 0;
    // "If you don't specify a source, Google Cloud uses 0.0.0.0/0" (VPC firewall rules, ingress sources).
    remote = {
      ranges: set(none ? ['0.0.0.0/0'] : r.sourceRanges),
      sourceTags: r.sourceTags,
      sourceServiceAccounts: r.sourceServiceAccounts,
      unresolved: [],
    };
    local = r.destinationRanges.length ? set(r.destinationRanges) : undefined;
  } else {
    remote = {
      ranges: set(r.destinationRanges.length ? r.destinationRanges : ['0.0.0.0/0']),
      sourceTags: [],
      sourceServiceAccounts: [],
      unresolved: [],
    };
    local = r.sourceRanges.length ? set(r.sourceRanges) : undefined;
  }
  const rule = (action: 'allow' | 'deny', l4: GcpProtocolPorts[]): CompiledFirewallRule => ({
    ...base,
    ref: { layer: 'vpc', label: r.name, id: r.id, priority: r.priority, action, origin: r.origin },
    l4: compileL4(l4),
    remote,
    ...(local ? { local } : {}),
  });
  const out: CompiledFirewallRule[] = [];
  if (r.denied.length) out.push(rule('deny', r.denied));
  if (r.allowed.length) out.push(rule('allow', r.allowed));
  return out;
}

const EVERY_ADDRESS = addressSetOf(['0.0.0.0/0', '::/0']).set;
const PUBLIC = union(INTERNET_V4, INTERNET_V6);
const NOT_PUBLIC = subtract(EVERY_ADDRESS, PUBLIC);
/**
 * Public sources of Google's own that reach VMs without the internet: Google Front Ends and health checks (with the
 * legacy network load balancer checks), IAP TCP forwarding, Cloud DNS forwarding.
 */
export const GOOGLE_SOURCE_RANGES = [
  '35.191.0.0/16',
  '130.211.0.0/22',
  '209.85.152.0/22',
  '209.85.204.0/22',
  '35.235.240.0/20',
  '35.199.192.0/19',
] as const;
const GOOGLE_SOURCES = addressSetOf(GOOGLE_SOURCE_RANGES).set;

/** Every subnetwork range of the inventory (public ones are used privately) and Google's own sources. */
const notInternetSources = new WeakMap<GcpInventory, AddressSet>();
function internalSources(inv: GcpInventory): AddressSet {
  let set = notInternetSources.get(inv);
  if (!set) {
    const ranges = inv.subnetworks.flatMap((s) => [
      ...(s.ipCidrRange ? [s.ipCidrRange] : []),
      ...s.secondaryIpRanges.map((r) => r.ipCidrRange),
      ...(s.ipv6CidrRange ? [s.ipv6CidrRange] : []),
    ]);
    set = union(addressSetOf(ranges).set, GOOGLE_SOURCES);
    notInternetSources.set(inv, set);
  }
  return set;
}

/**
 * A rule with a network context (Google, "Understand network contexts": the context and at least one other source
 * or destination parameter must both match) split by what its addresses decide. A packet from or to private space is
 * never in the internet context (internet ingress is routed to an external address by Maglev, internet egress by the
 * default internet gateway) and always in the non-internet one; an ingress packet from any other public address that
 * is neither a subnetwork's of the inventory nor one of Google's own sources (`internal`) came from the internet.
 * What is left — those public sources, public destinations of egress (Google APIs are non-internet), which VPC
 * network a packet came from — depends on the path: there the rule may or may not match (`context`). Before, the
 * context was not read and a deny of the internet's traffic denied every source.
 */
function withNetworkContext(
  rule: CompiledFirewallRule,
  context: string,
  networks: readonly string[],
  internal: AddressSet,
): CompiledFirewallRule[] {
  const ranges = rule.remote.ranges ?? EVERY_ADDRESS;
  const sure = (set: AddressSet): CompiledFirewallRule => ({ ...rule, remote: { ...rule.remote, ranges: set } });
  const unsure = (set: AddressSet, what: string): CompiledFirewallRule => ({
    ...rule,
    remote: { ...rule.remote, ranges: set, context: what },
  });
  const publicPart = intersect(ranges, PUBLIC);
  // Ingress only: on egress a public destination may be a Google API (non-internet), which cordon cannot tell.
  const internet = rule.direction === 'INGRESS' ? subtract(publicPart, internal) : [];
  const undecided = subtract(publicPart, internet);
  if (context === 'INTERNET')
    return [sure(internet), unsure(undecided, 'the internet network context')].filter(
      (r) => !isEmpty(r.remote.ranges!) || r.remote.unresolved.length > 0,
    );
  if (context === 'NON_INTERNET')
    return [sure(intersect(ranges, NOT_PUBLIC)), unsure(undecided, 'the non-internet network context')].filter(
      (r) => !isEmpty(r.remote.ranges!) || r.remote.unresolved.length > 0,
    );
  const which = networks.length ? ` (${networks.map(shortName).join(', ')})` : '';
  return [unsure(ranges, `the network context ${context}${which}`)];
}

/** A rule for internal managed load balancers' front ends (or some forwarding rules) filters no VM interface. */
const forLoadBalancers = (r: GcpFirewallPolicy['rules'][number]) =>
  (r.targetType !== undefined && r.targetType.toUpperCase() === 'INTERNAL_MANAGED_LB') ||
  (r.targetForwardingRules?.length ?? 0) > 0;

function compilePolicyRules(
  p: GcpFirewallPolicy,
  layer: FirewallStage['layer'],
  internal: AddressSet,
): CompiledFirewallRule[] {
  const name = p.displayName ?? p.name;
  return p.rules
    .filter((r) => !r.disabled && !forLoadBalancers(r))
    .flatMap((r) => {
      const direction: FirewallDirection = r.direction.toUpperCase() === 'EGRESS' ? 'EGRESS' : 'INGRESS';
      const ingress = direction === 'INGRESS';
      const ranges = ingress ? r.srcIpRanges : r.destIpRanges;
      const unresolved = [
        ...(ingress ? r.srcFqdns : r.destFqdns).map((f) => `FQDN ${f}`),
        ...(ingress ? r.srcRegionCodes : r.destRegionCodes).map((c) => `region code ${c}`),
        ...(ingress ? r.srcAddressGroups : r.destAddressGroups).map((g) => `address group ${shortName(g)}`),
        ...(ingress ? r.srcThreatIntelligences : r.destThreatIntelligences).map((t) => `threat list ${t}`),
        ...(ingress ? r.srcSecureTags : []).map((t) => `source secure tag ${t}`),
      ];
      const localRanges = ingress ? r.destIpRanges : r.srcIpRanges;
      const action = r.action.toLowerCase();
      const ref: FirewallRuleRef = {
        layer,
        label: `${name} rule ${r.priority}${r.ruleName ? ` (${r.ruleName})` : ''}`,
        id: p.id,
        priority: r.priority,
        action: action === 'deny' ? 'deny' : action === 'goto_next' ? 'goto_next' : 'allow',
        origin: p.origin.kind === 'file' ? { ...p.origin, pointer: r.pointer } : p.origin,
      };
      const compiled: CompiledFirewallRule = {
        ref,
        direction,
        l4: compileL4(r.layer4Configs.length ? r.layer4Configs : [{ protocol: 'all', ports: [] }]),
        remote: {
          // A rule that names no remote side at all matches every address.
          ...(ranges.length || unresolved.length ? { ranges: set(ranges) } : {}),
          sourceTags: [],
          sourceServiceAccounts: [],
          unresolved,
        },
        ...(localRanges.length ? { local: set(localRanges) } : {}),
        targetTags: [],
        targetServiceAccounts: r.targetServiceAccounts,
        targetResources: r.targetResources,
        targetSecureTags: r.targetSecureTags,
      };
      const context = (ingress ? r.srcNetworkType : r.destNetworkType)?.toUpperCase();
      return context && context !== 'UNSPECIFIED'
        ? withNetworkContext(compiled, context, ingress ? (r.srcNetworks ?? []) : [], internal)
        : [compiled];
    });
}

const byPriority = (a: CompiledFirewallRule, b: CompiledFirewallRule) =>
  a.ref.priority - b.ref.priority || actionRank(a) - actionRank(b) || a.ref.label.localeCompare(b.ref.label);
// At equal priority a deny VPC rule beats an allow (policy priorities are unique, so this only orders VPC rules).
const actionRank = (r: CompiledFirewallRule) => (r.ref.action === 'deny' ? 0 : 1);

// ---------------------------------------------------------------------------------------------------------------
// Which rules apply to a network

export interface FirewallSetup {
  stages: FirewallStage[];
  /** Why the stages may be incomplete (unknown ancestors with hierarchical policies present, …): not assessable. */
  unknown: string[];
}

/**
 * The stages that apply to VMs of `network` in `region`, for a network in `project`. Hierarchical policies attach to
 * the project's ancestors (organization first, then folders down to the nearest).
 */
interface FirewallIndex {
  projects: Map<string, GcpProject>;
  /** VPC firewall rules by network key. */
  firewalls: Map<string, GcpFirewallRule[]>;
  /** Firewall policies (hierarchical and network) by the key of what they are attached to. */
  attached: Map<string, GcpFirewallPolicy[]>;
}

const indexes = new WeakMap<GcpInventory, FirewallIndex>();

/** Lookups built once per inventory, so that a setup per network costs what that network has, not the inventory. */
function firewallIndex(inv: GcpInventory): FirewallIndex {
  let ix = indexes.get(inv);
  if (ix) return ix;
  const push = <T>(m: Map<string, T[]>, k: string, v: T) => {
    const list = m.get(k);
    if (list) list.push(v);
    else m.set(k, [v]);
  };
  ix = { projects: new Map(inv.projects.map((p) => [p.projectId, p])), firewalls: new Map(), attached: new Map() };
  for (const f of inv.firewalls) if (!f.disabled) push(ix.firewalls, gcpIdKey(f.network), f);
  for (const p of [...inv.hierarchicalFirewallPolicies, ...inv.firewallPolicies])
    for (const target of new Set(p.associations.map((a) => gcpIdKey(a.attachmentTarget)))) push(ix.attached, target, p);
  indexes.set(inv, ix);
  return ix;
}

export function firewallSetup(inv: GcpInventory, network: GcpNetwork, region: string): FirewallSetup {
  const unknown: string[] = [];
  const stages: FirewallStage[] = [];
  const ix = firewallIndex(inv);
  const project = ix.projects.get(network.project);
  const attachedTo = (target: string) => ix.attached.get(gcpIdKey(target)) ?? [];
  // The network's rules and policies live in its own project (a Shared VPC host): captured elsewhere, they say nothing.
  for (const d of ['compute:firewalls', 'compute:network-firewall-policies'] as const) {
    const gap = projectDatasetGap(inv, network.project, d);
    if (gap) unknown.push(gap);
  }
  // Hierarchical policies are evaluated before the network's own rules: unread, an organization's or folder's allow
  // or deny may decide any packet, so no policies in the snapshot proves nothing.
  const hierarchyGap = hierarchyDatasetGap(inv, 'compute:hierarchical-firewall-policies');
  if (hierarchyGap) unknown.push(hierarchyGap);
  if (inv.hierarchicalFirewallPolicies.length > 0) {
    if (!project)
      unknown.push(
        `the ancestors of project ${network.project} are not in the snapshot, so cordon cannot tell which hierarchical firewall policies apply (gcloud projects get-ancestors ${network.project})`,
      );
    else if (project.ancestorsUnknown)
      unknown.push(
        `the ancestors of project ${network.project} are not known (${project.ancestorsUnknown}), so the hierarchical firewall policies that apply are unknown`,
      );
    else if (
      project.ancestors.length > 0 &&
      !project.ancestors[project.ancestors.length - 1]!.startsWith('organizations/')
    )
      // A folder always belongs to an organization: a chain that stops at a folder (`gcloud projects describe` names
      // only the parent) leaves out the policies of the nodes above it.
      unknown.push(
        `the ancestors of project ${network.project} are known only up to ${project.ancestors[project.ancestors.length - 1]}, so the hierarchical firewall policies above it are unknown (gcloud projects get-ancestors ${network.project} --format=json)`,
      );
    else
      for (const node of [...project.ancestors].reverse())
        for (const p of attachedTo(node)
          .filter((x) => x.kind === 'hierarchical')
          .sort(byId))
          stages.push({
            layer: 'hierarchical',
            label: `hierarchical policy ${p.displayName ?? p.name} on ${node}`,
            rules: compilePolicyRules(p, 'hierarchical', internalSources(inv)).sort(byPriority),
          });
  }
  const vpc: FirewallStage = {
    layer: 'vpc',
    label: 'VPC firewall rules',
    rules: (ix.firewalls.get(gcpIdKey(network.id)) ?? []).flatMap(compileVpcRule).sort(byPriority),
  };
  const policies = (kind: 'network' | 'regional'): FirewallStage[] =>
    attachedTo(network.id)
      .filter((p) => p.kind === kind && (kind === 'network' || p.region === region))
      .sort(byId)
      .map((p) => {
        const layer = kind === 'network' ? ('global-policy' as const) : ('regional-policy' as const);
        return {
          layer,
          label: `${kind === 'network' ? 'global' : 'regional'} network firewall policy ${p.name}`,
          rules: compilePolicyRules(p, layer, internalSources(inv)).sort(byPriority),
        };
      });
  const networkPolicies = [...policies('network'), ...policies('regional')];
  if (network.networkFirewallPolicyEnforcementOrder === 'BEFORE_CLASSIC_FIREWALL') stages.push(...networkPolicies, vpc);
  else stages.push(vpc, ...networkPolicies);
  return { stages, unknown };
}

const byId = (a: { id: string }, b: { id: string }) => gcpIdKey(a.id).localeCompare(gcpIdKey(b.id));

export const IMPLIED_EGRESS: FirewallRuleRef = {
  layer: 'implied',
  label: 'implied allow egress rule (priority 65535)',
  id: 'implied-allow-egress',
  priority: 65535,
  action: 'allow',
};
export const IMPLIED_INGRESS: FirewallRuleRef = {
  layer: 'implied',
  label: 'implied deny ingress rule (priority 65535)',
  id: 'implied-deny-ingress',
  priority: 65535,
  action: 'deny',
};

// ---------------------------------------------------------------------------------------------------------------
// Matching and evaluation

type Match =
  | { kind: 'no' }
  | { kind: 'all' }
  /** Exactly these remote addresses. */
  | { kind: 'some'; addresses: AddressSet }
  /** Cordon cannot tell (for which addresses, or whether the rule targets the VM at all). */
  | { kind: 'unknown'; side: 'target' | 'remote'; why: string; addresses: AddressSet };

function l4Matches(l4: readonly L4[], protocol: string, port: number | undefined): boolean {
  return l4.some(
    (e) =>
      (e.protocol === 'all' || e.protocol === protocol) &&
      (e.ports.length === 0 || (port !== undefined && e.ports.some(([lo, hi]) => lo <= port && port <= hi))),
  );
}

/** True when the rule's targets (network tags, service accounts, target resources) leave the VM out. */
function targetExcluded(rule: CompiledFirewallRule, t: FirewallTarget): boolean {
  if (rule.targetTags.length && !rule.targetTags.some((x) => t.tags.includes(x))) return true;
  if (
    rule.targetServiceAccounts.length &&
    !rule.targetServiceAccounts.some((x) => t.serviceAccounts.some((s) => s.toLowerCase() === x.toLowerCase()))
  )
    return true;
  return (
    rule.targetResources.length > 0 &&
    !rule.targetResources.some((r) => sameGcpId(r, t.network) || (t.instance !== undefined && sameGcpId(r, t.instance)))
  );
}

/**
 * The setup restricted to the rules of one direction that may apply to the VM: evaluation and port segmentation then
 * look only at those (the answer is the same; the work is not).
 */
export function narrowSetup(setup: FirewallSetup, target: FirewallTarget, direction: FirewallDirection): FirewallSetup {
  return {
    stages: setup.stages.map((s) => ({
      ...s,
      rules: s.rules.filter((r) => r.direction === direction && !targetExcluded(r, target)),
    })),
    unknown: setup.unknown,
  };
}

/** What of the VM side the setup's rules look at beyond tags and service accounts: its addresses, its instance id. */
const sensitivity = new WeakMap<FirewallSetup, { addresses: boolean; instance: boolean }>();

export function targetSensitivity(setup: FirewallSetup): { addresses: boolean; instance: boolean } {
  let v = sensitivity.get(setup);
  if (!v) {
    const rules = setup.stages.flatMap((s) => s.rules);
    v = {
      addresses: rules.some((r) => r.local !== undefined),
      instance: rules.some((r) => r.targetResources.some((x) => x.includes('/instances/'))),
    };
    sensitivity.set(setup, v);
  }
  return v;
}

function match(rule: CompiledFirewallRule, pkt: PacketClass, remote: AddressSet): Match {
  if (rule.direction !== pkt.direction) return { kind: 'no' };
  if (!l4Matches(rule.l4, pkt.protocol, pkt.port)) return { kind: 'no' };
  const t = pkt.target;
  if (targetExcluded(rule, t)) return { kind: 'no' };
  const unsure: string[] = [];
  const unsureTarget = rule.targetSecureTags.length > 0 || rule.local !== undefined;
  if (rule.targetSecureTags.length)
    unsure.push(`targets secure tags ${rule.targetSecureTags.join(', ')} (cordon cannot read tag bindings)`);
  if (rule.local) {
    const mine = intersect(t.addresses, rule.local);
    if (isEmpty(mine)) return { kind: 'no' };
    if (subtract(t.addresses, rule.local).length > 0) unsure.push("filters on part of the VM side's addresses");
  }
  // Remote side: the union of ranges, source tags / service accounts (as the IPs of the VMs that carry them, in the
  // same network), and what cordon cannot resolve.
  let addresses: AddressSet;
  if (rule.remote.ranges === undefined) addresses = remote;
  else if (rule.remote.sourceTags.length === 0 && rule.remote.sourceServiceAccounts.length === 0)
    addresses = intersect(remote, rule.remote.ranges);
  else {
    const fromTags = (pkt.remoteInstances ?? [])
      .filter(
        (i) =>
          sameGcpId(i.network, t.network) &&
          (rule.remote.sourceTags.some((x) => i.tags.includes(x)) ||
            rule.remote.sourceServiceAccounts.some((x) =>
              i.serviceAccounts.some((s) => s.toLowerCase() === x.toLowerCase()),
            )),
      )
      .map((i) => i.ip);
    addresses = intersect(remote, union(rule.remote.ranges, addressSetOf(fromTags).set));
  }
  if (isEmpty(addresses) && rule.remote.unresolved.length === 0) return { kind: 'no' };
  if (rule.remote.unresolved.length) unsure.push(`matches ${rule.remote.unresolved.join(', ')}`);
  if (rule.remote.context) unsure.push(`matches only in ${rule.remote.context}, which the addresses do not decide`);
  if (unsure.length)
    return { kind: 'unknown', side: unsureTarget ? 'target' : 'remote', why: unsure.join('; '), addresses };
  return subtract(remote, addresses).length === 0 ? { kind: 'all' } : { kind: 'some', addresses };
}

const MAX_OUTCOMES = 512;

interface Branch {
  remote: AddressSet;
  assumptions: FirewallAssumption[];
  main: boolean;
}

/** Every outcome for the packet class (see the module comment); `setup` from firewallSetup. */
export function evaluateFirewall(setup: FirewallSetup, pkt: PacketClass): FirewallEvaluation {
  const outcomes: FirewallOutcome[] = [];
  let truncated = false;
  const implied = pkt.direction === 'EGRESS' ? IMPLIED_EGRESS : IMPLIED_INGRESS;
  const leaf = (rule: FirewallRuleRef, b: Branch, action: 'allow' | 'deny') => {
    if (outcomes.length >= MAX_OUTCOMES) truncated = true;
    else outcomes.push({ action, rule, remote: b.remote, assumptions: b.assumptions, main: b.main });
  };
  const walk = (stage: number, start: number, b: Branch): void => {
    if (truncated) return;
    if (stage >= setup.stages.length) return leaf(implied, b, implied.action as 'allow' | 'deny');
    const rules = setup.stages[stage]!.rules;
    let branch = b;
    for (let i = start; i < rules.length; i++) {
      const rule = rules[i]!;
      const m = match(rule, pkt, branch.remote);
      if (m.kind === 'no') continue;
      const apply = (taken: Branch) =>
        rule.ref.action === 'goto_next' ? walk(stage + 1, 0, taken) : leaf(rule.ref, taken, rule.ref.action);
      if (m.kind === 'all') return apply(branch);
      if (m.kind === 'some') {
        apply({ ...branch, remote: m.addresses, main: false });
        branch = { ...branch, remote: subtract(branch.remote, m.addresses) };
        if (isEmpty(branch.remote)) return;
        continue;
      }
      // Unknown: follow both branches, each carrying its assumption. A rule whose only unknown is the VM side keeps
      // the branch "main" when it covers every remote address of the branch.
      const { side, why } = m;
      const narrowed = isEmpty(m.addresses) || subtract(branch.remote, m.addresses).length > 0;
      apply({
        remote: isEmpty(m.addresses) ? branch.remote : m.addresses,
        assumptions: [...branch.assumptions, { rule: rule.ref, applies: true, side, why }],
        main: branch.main && side === 'target' && !narrowed && rule.remote.unresolved.length === 0,
      });
      branch = { ...branch, assumptions: [...branch.assumptions, { rule: rule.ref, applies: false, side, why }] };
    }
    walk(stage + 1, 0, branch);
  };
  if (!isEmpty(pkt.remote)) walk(0, 0, { remote: pkt.remote, assumptions: [], main: true });
  return { outcomes, truncated };
}

/**
 * The deciding rule for one concrete packet (a single remote address): the verify helper's question. Undefined
 * `rule` with `unresolved` reasons when the answer rests on facts cordon cannot read.
 */
export function decidingRule(
  setup: FirewallSetup,
  pkt: PacketClass,
): { action: 'allow' | 'deny'; rule: FirewallRuleRef } | { unresolved: string[] } {
  if (setup.unknown.length) return { unresolved: setup.unknown };
  const ev = evaluateFirewall(setup, pkt);
  if (ev.truncated) return { unresolved: ['too many rules cordon cannot resolve'] };
  // Every branch agrees: the branch where no unresolvable rule applies names the rule.
  const main = ev.outcomes.find((o) => o.assumptions.every((a) => !a.applies));
  if (main && ev.outcomes.every((o) => o.action === main.action)) return { action: main.action, rule: main.rule };
  return { unresolved: unresolvedReasons(ev.outcomes) };
}

/** The unresolvable rules behind a set of outcomes, once each. */
export function unresolvedReasons(outcomes: readonly FirewallOutcome[]): string[] {
  return [...new Set(outcomes.flatMap((o) => o.assumptions.map((a) => `${a.rule.label} ${a.why}`)))].sort();
}

/**
 * Port classes worth evaluating for a protocol: the boundaries of every rule's port ranges cut 0–65535 into
 * segments, and the decision is the same at every port of a segment. Returns each segment's first and last port.
 */
export function portSegments(
  setup: FirewallSetup,
  protocol: string,
  extra: readonly number[] = [],
): [number, number][] {
  const cuts = new Set<number>([0, ...extra]);
  for (const s of setup.stages)
    for (const r of s.rules)
      for (const e of r.l4)
        if (e.protocol === protocol || e.protocol === 'all')
          for (const [lo, hi] of e.ports) {
            cuts.add(lo);
            if (hi < 65535) cuts.add(hi + 1);
          }
  const sorted = [...cuts].filter((c) => c >= 0 && c <= 65535).sort((a, b) => a - b);
  return sorted.map((lo, i) => [lo, (sorted[i + 1] ?? 65536) - 1]);
}

/** Protocols to evaluate: tcp, udp, icmp and every other protocol a rule names. */
export function protocolsOf(setup: FirewallSetup): string[] {
  const out = new Set(['tcp', 'udp', 'icmp']);
  for (const s of setup.stages)
    for (const r of s.rules) for (const e of r.l4) if (e.protocol !== 'all') out.add(e.protocol);
  return [...out].sort();
}

export const PORTED = new Set(['tcp', 'udp', 'sctp']);
