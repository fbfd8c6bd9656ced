/**
 * Zone-to-zone decisions: default deny, and an explicit deny beats any allow whatever the rule order (the seed's
 * validate_traffic_flow semantics, without its protocol bug where a "tcp" rule matched UDP and an "https" query
 * never matched a "tcp" rule).
 */
import { ANY_ZONE } from './any-zone.js';
import type { CompiledRule, ZonePolicy } from './load.js';
import { portsMatter, protocolCovers, wireProtocol, type WireProtocol } from './ports.js';
import type { Protocol } from './schema.js';

export interface FlowQuery {
  from: string;
  to: string;
  protocol: Protocol;
  /** Destination port; required for tcp, udp and https, ignored for icmp. */
  port?: number;
}

export type DecisionKind = 'allow' | 'explicit-deny' | 'default-deny';

export interface Decision {
  query: FlowQuery;
  allowed: boolean;
  kind: DecisionKind;
  /** The rules that decided: the matching denies for explicit-deny, the matching allows for allow. */
  decidingRules: CompiledRule[];
  /** Every rule that matched the query, in file order. */
  matchingRules: CompiledRule[];
  reason: string;
}

export function ruleMatches(
  rule: CompiledRule,
  from: string,
  to: string,
  wire: WireProtocol,
  port: number | undefined,
): boolean {
  if ((rule.from !== from && rule.from !== ANY_ZONE) || (rule.to !== to && rule.to !== ANY_ZONE)) return false;
  if (!protocolCovers(rule.wire, wire)) return false;
  // A query for "any" protocol is matched only by rules that cover every protocol and port.
  if (wire === 'any') return rule.portRange.low === 0 && rule.portRange.high === 65535;
  if (!portsMatter(wire) || !portsMatter(rule.wire)) return true;
  if (port === undefined) return false;
  return rule.portRange.low <= port && port <= rule.portRange.high;
}

export function decide(policy: ZonePolicy, query: FlowQuery): Decision {
  const wire = wireProtocol(query.protocol);
  const port = query.protocol === 'https' && query.port === undefined ? 443 : query.port;
  const matching = policy.rules.filter((r) => ruleMatches(r, query.from, query.to, wire, port));
  const denies = matching.filter((r) => r.action === 'deny');
  const allows = matching.filter((r) => r.action === 'allow');
  const q = { ...query, ...(port === undefined ? {} : { port }) };
  if (denies.length > 0) {
    return {
      query: q,
      allowed: false,
      kind: 'explicit-deny',
      decidingRules: denies,
      matchingRules: matching,
      reason: `explicitly denied by ${denies.map((r) => r.id).join(', ')}${allows.length > 0 ? ` (overrides allow ${allows.map((r) => r.id).join(', ')})` : ''}`,
    };
  }
  if (allows.length > 0) {
    return {
      query: q,
      allowed: true,
      kind: 'allow',
      decidingRules: allows,
      matchingRules: matching,
      reason: `allowed by ${allows.map((r) => r.id).join(', ')}`,
    };
  }
  return {
    query: q,
    allowed: false,
    kind: 'default-deny',
    decidingRules: [],
    matchingRules: [],
    reason: 'no rule allows this flow: default deny',
  };
}
