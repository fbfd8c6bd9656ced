/**
 * Sandbox escape: a flow from a sandbox zone (agent code execution) to any other zone or the internet. Replies to
 * connections the policy allows into the sandbox are not escapes. Accepted: critical; rejected attempt: low.
 */
import { flowTextOf, hitFlow, verdictOf, type AlertText, type FlowFacts, type RuleMeta } from '../alerts.js';
import type { FlowContext } from '../context.js';
import { STATUS_OK, type FlowBatch } from '../record.js';
import { FLOWS_DOC, type FlowRuleModule } from './types.js';

export const SANDBOX_ESCAPE: RuleMeta = {
  id: 'flow-sandbox-escape',
  title: 'Sandbox zone opened a connection to another zone or the internet',
  severity: 'critical',
  service: 'flows',
  rationale:
    'Code written by an agent runs in the sandbox; it must only answer the caller. A connection out is lateral movement or exfiltration (seed 000, micro-segmentation for agent tool calls).',
  remediation: {
    text: 'Stop the sandbox task, inspect the code it ran, and make the sandbox security group/NSG deny all egress except replies.',
  },
  references: [FLOWS_DOC],
};

export const sandboxEscape: FlowRuleModule = {
  meta: [SANDBOX_ESCAPE],
  onBatch(b: FlowBatch, ctx: FlowContext): void {
    for (let i = 0; i < b.n; i++) {
      const sz = b.srcZone[i]!;
      if (ctx.isSandbox[sz] !== 1 || b.dstZone[i] === sz || b.status[i] !== STATUS_OK || b.reply[i] === 1) continue;
      // Reported outside the loop: a closure over loop variables would allocate a context for every row.
      if (!ctx.isReplyToAllowed(b, i)) report(b, i, ctx);
    }
  },
};

function report(b: FlowBatch, i: number, ctx: FlowContext): void {
  hitFlow(
    ctx.alerts,
    SANDBOX_ESCAPE,
    { rejected: 'low', accepted: 'critical' },
    b,
    i,
    ctx.zones.names,
    sandboxEscapeText,
  );
}

/** Message and evidence of a sandbox-escape alert, from plain values (both engines). */
export function sandboxEscapeText(f: FlowFacts): AlertText {
  const verdict = verdictOf(f.action);
  return {
    talker: f.src,
    message: `${verdict.word} connection out of sandbox zone ${f.srcZone} to zone ${f.dstZone}: ${flowTextOf(f)}`,
    evidence: { srcZone: f.srcZone, dstZone: f.dstZone, action: verdict.evidence },
  };
}
