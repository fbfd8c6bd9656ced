/**
 * NSG evaluation for one class of packets, the way Azure does it: custom and default rules together, lowest priority
 * number first, the first rule that matches decides. Service tags: "Internet" is every address outside the virtual
 * network space, "VirtualNetwork" the VNet's and peered VNets' space, "*" everything. Application security groups
 * cannot be resolved from the inventory, and a prefix may cover only some of the packet class's addresses (half a
 * subnet, one of its prefixes): such a rule counts as matching when it would allow (so an allow is never missed) and
 * as not matching when it would deny (so a deny is never assumed).
 */
import type { AzureNetworkSecurityGroup, AzureSecurityRule } from '../../inventory/azure.js';
import { cidrContains, cidrsOverlap, tryParseCidr } from '../../util/cidr.js';

export interface PacketClass {
  direction: 'Inbound' | 'Outbound';
  protocol: 'Tcp' | 'Udp';
  port: number;
  /** What the source and destination are: a CIDR of ours, or the internet. */
  source: { cidrs: string[] } | 'internet';
  destination: { cidrs: string[] } | 'internet';
}

function portMatches(ports: string[], port: number): boolean {
  return ports.some((p) => {
    if (p === '*') return true;
    const m = /^(\d+)(?:-(\d+))?$/.exec(p.trim());
    return !!m && port >= Number(m[1]) && port <= Number(m[2] ?? m[1]);
  });
}

/** 'all' when the prefixes cover every address of the side, 'some' when they cover only part of it. */
function addressMatches(prefixes: string[], side: PacketClass['source']): 'all' | 'some' | false {
  let some = false;
  for (const p of prefixes) {
    const v = p.trim();
    if (v === '*' || v.toLowerCase() === 'any') return 'all';
    if (side === 'internet') {
      if (v.toLowerCase() === 'internet' || v === '0.0.0.0/0') return 'all';
      continue;
    }
    if (v.toLowerCase() === 'virtualnetwork') return 'all';
    const outer = tryParseCidr(v);
    if (!outer) continue;
    const inner = side.cidrs.map((c) => tryParseCidr(c));
    if (inner.every((c) => c !== undefined && cidrContains(outer, c))) return 'all';
    if (inner.some((c) => c !== undefined && cidrsOverlap(outer, c))) some = true;
  }
  return some ? 'some' : false;
}

function matches(r: AzureSecurityRule, pkt: PacketClass): boolean | 'partly' {
  if (r.direction.toLowerCase() !== pkt.direction.toLowerCase()) return false;
  if (r.protocol !== '*' && r.protocol.toLowerCase() !== pkt.protocol.toLowerCase()) return false;
  if (!portMatches(r.destinationPorts, pkt.port)) return false;
  const asg = r.sourceApplicationSecurityGroupIds.length > 0 || r.destinationApplicationSecurityGroupIds.length > 0;
  const src = r.sourceApplicationSecurityGroupIds.length > 0 || addressMatches(r.sources, pkt.source);
  const dst = r.destinationApplicationSecurityGroupIds.length > 0 || addressMatches(r.destinations, pkt.destination);
  if (!src || !dst) return false;
  return asg || src === 'some' || dst === 'some' ? 'partly' : true;
}

const defaultRule = (
  name: string,
  priority: number,
  direction: 'Inbound' | 'Outbound',
  access: 'Allow' | 'Deny',
  source: string,
  destination: string,
): AzureSecurityRule => ({
  name,
  priority,
  direction,
  access,
  protocol: '*',
  sources: [source],
  sourcePorts: ['*'],
  destinations: [destination],
  destinationPorts: ['*'],
  sourceApplicationSecurityGroupIds: [],
  destinationApplicationSecurityGroupIds: [],
  isDefault: true,
  pointer: '', // not in the snapshot
});

/**
 * Every NSG has these (Microsoft's default security rules); a source that lists NSGs without them (an export, a
 * template) must not make the VNet-wide allows disappear.
 */
export const DEFAULT_RULES: AzureSecurityRule[] = [
  defaultRule('AllowVnetInBound', 65000, 'Inbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'),
  defaultRule('AllowAzureLoadBalancerInBound', 65001, 'Inbound', 'Allow', 'AzureLoadBalancer', '*'),
  defaultRule('DenyAllInBound', 65500, 'Inbound', 'Deny', '*', '*'),
  defaultRule('AllowVnetOutBound', 65000, 'Outbound', 'Allow', 'VirtualNetwork', 'VirtualNetwork'),
  defaultRule('AllowInternetOutBound', 65001, 'Outbound', 'Allow', '*', 'Internet'),
  defaultRule('DenyAllOutBound', 65500, 'Outbound', 'Deny', '*', '*'),
];

/** The deciding rule for the packet class, or undefined when no rule matches (cannot happen with default rules). */
export function nsgDecision(nsg: AzureNetworkSecurityGroup, pkt: PacketClass): AzureSecurityRule | undefined {
  const defaults = nsg.defaultSecurityRules.length > 0 ? nsg.defaultSecurityRules : DEFAULT_RULES;
  const rules = [...nsg.securityRules, ...defaults].sort((a, b) => a.priority - b.priority);
  for (const r of rules) {
    const m = matches(r, pkt);
    if (m === true) return r;
    if (m === 'partly' && r.access.toLowerCase() === 'allow') return r;
  }
  return undefined;
}
