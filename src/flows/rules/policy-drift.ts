/**
 * Policy drift: an accepted (or, for formats without a verdict, observed) flow between two different zones of the
 * policy that no allow rule permits, naming the deny rule or the default deny it violates. Replies are recognised by
 * the reverse direction being allowed. Traffic inside one zone is not governed by zone rules. Also credits allow
 * rules with the traffic they permitted, for the "unused allow rules" report.
 */
import { flowKey, flowTextOf, rowFacts, type AlertText, type FlowFacts, type RuleMeta } from '../alerts.js';
import type { CachedDecision, FlowContext } from '../context.js';
import type { ZonePolicy } from '../../policy/load.js';
import { severityRank, type Severity } from '../../findings/types.js';
import { ACTION_ACCEPT, ACTION_REJECT, STATUS_OK, SVC_NONE, type FlowBatch } from '../record.js';
import { FLOWS_DOC, type FlowRuleModule } from './types.js';

export const POLICY_DRIFT: RuleMeta = {
  id: 'flow-policy-drift',
  title: 'Accepted traffic between zones that no allow rule permits',
  severity: 'medium',
  service: 'flows',
  rationale:
    'Configuration drifts: a security group or NSG rule added later lets through traffic the zone policy denies. Flow logs show what actually crossed (seed 000: "alert on any traffic flow that does not match an explicit allow policy").',
  remediation: {
    text: 'Remove the network rule that admits this traffic, or add an allow rule with a justification to cordon.yaml if it is intended.',
  },
  references: [FLOWS_DOC],
};

export const policyDrift: FlowRuleModule = {
  meta: [POLICY_DRIFT],
  onBatch(b: FlowBatch, ctx: FlowContext): void {
    // Locals, not property reads per row: the alert call below would otherwise force reloads.
    const { n, srcZone, dstZone, status, reply, action } = b;
    const isPolicyZone = ctx.isPolicyZone;
    for (let i = 0; i < n; i++) {
      const sz = srcZone[i]!;
      const dz = dstZone[i]!;
      if (status[i] !== STATUS_OK || reply[i] === 1 || action[i] === ACTION_REJECT) continue;
      if (isPolicyZone[sz] !== 1 || isPolicyZone[dz] !== 1) continue;
      const id = ctx.decisionId(sz, dz, b.proto[i]!, b.dstPort[i]!);
      if (ctx.isAllowedId(id)) {
        ctx.credit(id);
        continue;
      }
      // Inside one zone, zone rules do not apply (unless the policy has a rule for it, credited above).
      if (sz === dz) continue;
      const sp = b.srcPort[i]!;
      if (sp >= 0) {
        const rev = ctx.decisionId(dz, sz, b.proto[i]!, sp);
        if (ctx.isAllowedId(rev)) {
          ctx.credit(rev);
          continue;
        }
      }
      // Gateway-endpoint traffic (S3/DynamoDB) goes to public AWS addresses without leaving the AWS network.
      if (b.service[i] !== SVC_NONE) continue;
      // From a service port to an ephemeral port: the reply of a connection the other way, which is judged (and
      // alerted) on its own record; alerting the reply too would double every violation.
      if (sp >= 0 && sp < 1024 && b.dstPort[i]! >= 1024) continue;
      // Reported outside the loop: a closure over loop variables would allocate a context for every row.
      report(b, i, ctx, sz, dz, id);
    }
  },
};

function report(b: FlowBatch, i: number, ctx: FlowContext, sz: number, dz: number, id: number): void {
  const internet = ctx.zones.internet;
  const d = ctx.decisionById(id);
  const severe =
    d.kind === 'explicit-deny' ||
    ctx.isData[dz] === 1 ||
    ctx.isManagement[dz] === 1 ||
    (sz === internet && dz !== internet);
  const severity = driftSeverity(severe ? 'high' : 'medium', d, ctx.policy);
  ctx.alerts.hitRow(POLICY_DRIFT, severity, `${sz}>${dz}|${flowKey(b, i)}`, b, i, () =>
    policyDriftText(rowFacts(b, i, ctx.zones.names), d, ctx.policy),
  );
}

/**
 * The severity of a drift alert: the highest `severity` set on the deny rules it breaks, else the monitor's default
 * (both engines call this, so their alerts agree).
 */
export function driftSeverity(base: Severity, d: Pick<CachedDecision, 'kind' | 'rules'>, policy: ZonePolicy): Severity {
  if (d.kind !== 'explicit-deny') return base;
  const set = d.rules.map((r) => policy.rules[r]?.severity).filter((x): x is Severity => x !== undefined);
  if (set.length === 0) return base;
  return set.reduce((a, x) => (severityRank(x) > severityRank(a) ? x : a));
}

/**
 * Message and evidence of a policy-drift alert, from plain values (both engines): `d` is the policy's decision for
 * the row's direction (the deny rules or the default deny it violates).
 */
export function policyDriftText(
  f: FlowFacts,
  d: Pick<CachedDecision, 'kind' | 'rules'>,
  policy: ZonePolicy,
): AlertText {
  const ruleIds = d.rules.map((r) => policy.rules[r]!.id);
  const violated = d.kind === 'explicit-deny' ? `deny rule ${ruleIds.join(', ')}` : 'the default deny';
  return {
    talker: f.src,
    message: `${f.srcZone} -> ${f.dstZone} traffic ${flowTextOf(f)} was ${f.action === ACTION_ACCEPT ? 'accepted' : 'observed'} but violates ${violated} of ${policy.file}`,
    evidence: {
      srcZone: f.srcZone,
      dstZone: f.dstZone,
      decision: d.kind,
      violatedRules: ruleIds,
      ruleLines: d.rules.map((r) => policy.rules[r]!.position.line ?? null),
    },
  };
}
