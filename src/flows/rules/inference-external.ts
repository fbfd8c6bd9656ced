/**
 * Inference zone to external endpoints that are not approved AI endpoints. Approved: service zones (private
 * endpoints), flows.approved_ai_cidrs, and addresses that approved AI host names resolved to in DNS query logs read
 * in the same run. Accepted: high; rejected attempt: low.
 */
import { flowTextOf, hitFlow, verdictOf, type AlertText, type FlowFacts, type RuleMeta } from '../alerts.js';
import type { FlowContext } from '../context.js';
import { STATUS_OK, SVC_NONE, type FlowBatch } from '../record.js';
import { FLOWS_DOC, type FlowRuleModule } from './types.js';

export const INFERENCE_EXTERNAL: RuleMeta = {
  id: 'flow-inference-unapproved-endpoint',
  title: 'Inference zone connected to an external endpoint that is not an approved AI endpoint',
  severity: 'high',
  service: 'flows',
  rationale:
    'The inference zone should reach models only through approved endpoints; anything else is an unapproved AI provider, a data leak or command-and-control.',
  remediation: {
    text: 'Route model calls through the approved private endpoints; add the endpoint to flows.approved_ai_cidrs only if it is an approved provider.',
  },
  references: [FLOWS_DOC],
};

export const inferenceExternal: FlowRuleModule = {
  meta: [INFERENCE_EXTERNAL],
  onBatch(b: FlowBatch, ctx: FlowContext): void {
    const internet = ctx.zones.internet;
    for (let i = 0; i < b.n; i++) {
      if (
        ctx.isInference[b.srcZone[i]!] !== 1 ||
        b.dstZone[i] !== internet ||
        b.status[i] !== STATUS_OK ||
        b.reply[i] === 1 ||
        b.service[i] !== SVC_NONE
      )
        continue;
      // DNS is the resolver rule's business; approved AI endpoints were re-zoned to the service zone already.
      const port = b.dstPort[i]!;
      if (port === 53 || port === 853 || ctx.isApprovedAi(b, i) || ctx.isReplyToAllowed(b, i)) continue;
      // Reported outside the loop: a closure over loop variables would allocate a context for every row.
      report(b, i, ctx);
    }
  },
};

function report(b: FlowBatch, i: number, ctx: FlowContext): void {
  hitFlow(
    ctx.alerts,
    INFERENCE_EXTERNAL,
    { rejected: 'low', accepted: 'high' },
    b,
    i,
    ctx.zones.names,
    inferenceExternalText,
  );
}

/** Message and evidence of an inference-to-unapproved-endpoint alert, from plain values (both engines). */
export function inferenceExternalText(f: FlowFacts): AlertText {
  const verdict = verdictOf(f.action);
  return {
    talker: f.src,
    message: `${verdict.word} connection from inference zone ${f.srcZone} to an endpoint that is not an approved AI endpoint: ${flowTextOf(f)}`,
    evidence: { srcZone: f.srcZone, dstZone: f.dstZone, action: verdict.evidence },
  };
}
