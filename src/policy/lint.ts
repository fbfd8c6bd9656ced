/**
 * `cordon policy lint`: problems a policy can have that the schema cannot see. Rules are compared as sets of
 * (protocol, port) for a zone pair; because deny always beats allow, an allow inside a deny never takes effect.
 */
import { cidrContains, cidrsOverlap } from '../util/cidr.js';
import type { SourcePosition } from '../util/errors.js';
import type { CompiledRule, ZonePolicy } from './load.js';
import { formatPorts, portsMatter, protocolCovers, protocolsOverlap } from './ports.js';

export type LintLevel = 'error' | 'warning' | 'info';

export interface LintProblem {
  level: LintLevel;
  code: string;
  message: string;
  position: SourcePosition;
}

/** The reference guardrails of seed 000: allows that must never exist, whatever else the policy says. */
export const GUARDRAILS: { from: string; to: string; why: string }[] = [
  {
    from: 'sandbox',
    to: '*',
    why: 'the sandbox runs agent-generated code and has no egress: it only receives the payload and returns results',
  },
  {
    from: 'internet',
    to: 'data',
    why: 'the data zone holds training data and embeddings and is never reachable from the internet',
  },
  { from: 'data', to: 'internet', why: 'the data zone has no internet access (NET-011)' },
  {
    from: 'inference',
    to: 'internet',
    why: 'the inference zone reaches only approved endpoints over private links (NET-012)',
  },
  { from: 'internet', to: 'management', why: 'the management plane is reachable only from VPN or bastion' },
  { from: 'internet', to: 'inference', why: 'only the application zone faces users; inference sits behind it' },
  {
    from: 'application',
    to: 'external_ai',
    why: 'model calls go through the inference proxy, never straight from the application (NET-010)',
  },
];

function covers(a: CompiledRule, b: CompiledRule): boolean {
  if (a.from !== b.from || a.to !== b.to || !protocolCovers(a.wire, b.wire)) return false;
  if (!portsMatter(b.wire) && b.wire !== 'any') return true;
  return a.portRange.low <= b.portRange.low && b.portRange.high <= a.portRange.high;
}

function overlaps(a: CompiledRule, b: CompiledRule): boolean {
  if (a.from !== b.from || a.to !== b.to || !protocolsOverlap(a.wire, b.wire)) return false;
  if (a.wire === 'icmp' || b.wire === 'icmp') return true;
  return a.portRange.low <= b.portRange.high && b.portRange.low <= a.portRange.high;
}

function describe(r: CompiledRule): string {
  return `${r.id} (${r.action} ${r.from} -> ${r.to} ${r.protocol}${portsMatter(r.wire) || r.wire === 'any' ? ` ${formatPorts(r.portRange)}` : ''})`;
}

export function lintPolicy(policy: ZonePolicy): LintProblem[] {
  const problems: LintProblem[] = [];
  const zones = [...policy.zones.values()];

  for (let i = 0; i < zones.length; i++) {
    for (let j = i + 1; j < zones.length; j++) {
      for (const a of zones[i]!.parsedCidrs) {
        for (const b of zones[j]!.parsedCidrs) {
          if (!cidrsOverlap(a, b)) continue;
          // One range inside the other is a nested zone (the seed's endpoint addresses inside the inference subnet):
          // the most specific range wins, as in flows and zone placement. Equal ranges have no single zone.
          const nested = a.prefix !== b.prefix && (cidrContains(a, b) || cidrContains(b, a));
          const [outer, inner] = a.prefix < b.prefix ? [zones[i]!, zones[j]!] : [zones[j]!, zones[i]!];
          problems.push(
            nested
              ? {
                  level: 'info',
                  code: 'zone-cidr-nested',
                  message: `zone ${inner.name} (${a.prefix < b.prefix ? b.text : a.text}) sits inside zone ${outer.name} (${a.prefix < b.prefix ? a.text : b.text}): the most specific range wins, so those addresses are ${inner.name}`,
                  position: zones[j]!.position,
                }
              : {
                  level: 'error',
                  code: 'zone-cidr-overlap',
                  message: `zones ${zones[i]!.name} (${a.text}) and ${zones[j]!.name} (${b.text}) overlap: an address in both has no single zone`,
                  position: zones[j]!.position,
                },
          );
        }
      }
    }
  }

  for (const z of zones) {
    if (
      z.kind === 'service' &&
      (z.services === undefined || z.services.aws.length + z.services.azure.length + z.services.gcp.length === 0)
    ) {
      problems.push({
        level: 'warning',
        code: 'service-zone-empty',
        message: `service zone ${z.name} lists no approved AI service endpoints`,
        position: z.position,
      });
    }
    if (!policy.rules.some((r) => r.from === z.name || r.to === z.name)) {
      problems.push({
        level: 'info',
        code: 'zone-unused',
        message: `zone ${z.name} appears in no rule: all its traffic is denied by default`,
        position: z.position,
      });
    }
  }

  const rules = policy.rules;
  for (const b of rules) {
    for (const a of rules) {
      if (a === b) continue;
      if (a.action === 'deny' && b.action === 'allow') {
        if (covers(a, b)) {
          problems.push({
            level: 'error',
            code: 'rule-never-applies',
            message: `allow ${describe(b)} never takes effect: deny ${describe(a)} covers it, and deny beats allow`,
            position: b.position,
          });
        } else if (overlaps(a, b)) {
          problems.push({
            level: 'warning',
            code: 'rule-partially-overridden',
            message: `allow ${describe(b)} is partly overridden by deny ${describe(a)}`,
            position: b.position,
          });
        }
      } else if (a.action === b.action && covers(a, b)) {
        // Identical rules: report only the later one. Strictly broader rules shadow wherever they stand.
        const identical = covers(b, a);
        if (!identical || a.index < b.index) {
          problems.push({
            level: 'warning',
            code: 'rule-redundant',
            message: `${describe(b)} is redundant: ${identical ? 'earlier' : 'broader'} rule ${describe(a)} already matches all of it`,
            position: b.position,
          });
        }
      }
    }
    if (b.action === 'allow') {
      for (const g of GUARDRAILS) {
        if (b.from === g.from && (g.to === '*' || b.to === g.to) && policy.zones.has(b.from)) {
          problems.push({
            level: 'error',
            code: 'guardrail',
            message: `allow ${describe(b)} breaks a reference guardrail: ${g.why}`,
            position: b.position,
          });
        }
      }
      if (portsMatter(b.wire) || b.wire === 'any') {
        if (b.portRange.low === 0 && b.portRange.high === 65535) {
          problems.push({
            level: 'warning',
            code: 'allow-all-ports',
            message: `allow ${describe(b)} opens every port; name the ports the flow needs`,
            position: b.position,
          });
        }
      }
    }
  }
  return problems.sort(
    (x, y) =>
      (x.position.line ?? 0) - (y.position.line ?? 0) ||
      x.code.localeCompare(y.code) ||
      x.message.localeCompare(y.message),
  );
}
