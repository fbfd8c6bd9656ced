/**
 * Data-zone egress: a flow from a data zone to an address that is not private by configuration (no zone, not in
 * flows.private_cidrs). Accepted is high; rejected is an attempt (medium). Gateway-endpoint traffic (traffic-path 7,
 * or S3/DynamoDB over path 2) stays on the AWS network and is left to the large-transfer rule; replies to a
 * connection the policy allows inwards are not egress.
 */
import { flowTextOf, hitFlow, verdictOf, type AlertText, type FlowFacts, type RuleMeta } from '../alerts.js';
import type { FlowContext } from '../context.js';
import { STATUS_OK, SVC_NONE, type FlowBatch } from '../record.js';
import { FLOWS_DOC, type FlowRuleModule } from './types.js';

export const DATA_EGRESS: RuleMeta = {
  id: 'flow-data-zone-egress',
  title: 'Data zone sent traffic to a non-private destination',
  severity: 'high',
  service: 'flows',
  rationale:
    'The data zone holds training data, embeddings and documents; any flow from it to an address outside the configured private space is a path for exfiltration (seed 000: "alert on data-zone egress").',
  remediation: {
    text: 'Find the process on the source address, block the destination in the security group/NACL/NSG, and route data-zone egress only to private endpoints.',
  },
  references: [FLOWS_DOC],
};

export const dataZoneEgress: FlowRuleModule = {
  meta: [DATA_EGRESS],
  onBatch(b: FlowBatch, ctx: FlowContext): void {
    const internet = ctx.zones.internet;
    for (let i = 0; i < b.n; i++) {
      if (
        ctx.isData[b.srcZone[i]!] !== 1 ||
        b.dstZone[i] !== internet ||
        b.status[i] !== STATUS_OK ||
        b.reply[i] === 1 ||
        b.service[i] !== SVC_NONE
      )
        continue;
      // Reported outside the loop: a closure over loop variables would allocate a context for every row.
      if (!ctx.isReplyToAllowed(b, i)) report(b, i, ctx);
    }
  },
};

function report(b: FlowBatch, i: number, ctx: FlowContext): void {
  hitFlow(ctx.alerts, DATA_EGRESS, { rejected: 'medium', accepted: 'high' }, b, i, ctx.zones.names, dataEgressText);
}

/** Message and evidence of a data-zone egress alert, from plain values (both engines). */
export function dataEgressText(f: FlowFacts): AlertText {
  const verdict = verdictOf(f.action);
  return {
    talker: f.src,
    message: `${verdict.word} egress from data zone ${f.srcZone}: ${flowTextOf(f)} (destination is not private by configuration)`,
    evidence: { srcZone: f.srcZone, dstZone: f.dstZone, action: verdict.evidence },
  };
}
