/**
 * NSG evaluation for one class of packets, the way Azure does it: custom and default rules together, lowest priority
 * number first, the first rule that matches decides. Service tags: "Internet" is every address outside the virtual
 * network space, "VirtualNetwork" the VNet's and peered VNets' space, "*" everything. Application security groups
 * cannot be resolved from the inventory: an ASG rule counts as matching when it would allow (so an allow is never
 * missed) and as not matching when it would deny (so a deny is never assumed).
 */
import type { AzureNetworkSecurityGroup, AzureSecurityRule } from '../../inventory/azure.js';
import { cidrContains, tryParseCidr } from '../../util/cidr.js';

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

function addressMatches(prefixes: string[], side: PacketClass['source']): boolean {
  return prefixes.some((p) => {
    const v = p.trim();
    if (v === '*' || v.toLowerCase() === 'any') return true;
    if (side === 'internet') return v.toLowerCase() === 'internet' || v === '0.0.0.0/0';
    if (v.toLowerCase() === 'virtualnetwork') return true;
    const outer = tryParseCidr(v);
    return (
      outer !== undefined &&
      side.cidrs.every((c) => {
        const inner = tryParseCidr(c);
        return inner !== undefined && cidrContains(outer, inner);
      })
    );
  });
}

function matches(r: AzureSecurityRule, pkt: PacketClass): boolean | 'asg' {
  if (r.direction.toLowerCase() !== pkt.direction.toLowerCase()) return false;
  if (r.protocol !== '*' && r.protocol.toLowerCase() !== pkt.protocol.toLowerCase()) return false;
  if (!portMatches(r.destinationPorts, pkt.port)) return false;
  const asg = r.sourceApplicationSecurityGroupIds.length > 0 || r.destinationApplicationSecurityGroupIds.length > 0;
  const src = r.sourceApplicationSecurityGroupIds.length > 0 || addressMatches(r.sources, pkt.source);
  const dst = r.destinationApplicationSecurityGroupIds.length > 0 || addressMatches(r.destinations, pkt.destination);
  if (!src || !dst) return false;
  return asg ? 'asg' : true;
}

/** The deciding rule for the packet class, or undefined when no rule matches (cannot happen with default rules). */
export function nsgDecision(nsg: AzureNetworkSecurityGroup, pkt: PacketClass): AzureSecurityRule | undefined {
  const rules = [...nsg.securityRules, ...nsg.defaultSecurityRules].sort((a, b) => a.priority - b.priority);
  for (const r of rules) {
    const m = matches(r, pkt);
    if (m === true) return r;
    if (m === 'asg' && r.access.toLowerCase() === 'allow') return r;
  }
  return undefined;
}
