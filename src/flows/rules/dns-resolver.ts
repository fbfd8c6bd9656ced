/**
 * DNS to resolvers that are not approved: flows to port 53 or 853 (DNS over TLS) whose destination is not in
 * flows.approved_resolvers. The platforms' own resolvers never appear in flow logs (AWS does not log Amazon DNS
 * traffic) and are approved anyway, so any such flow is DNS that bypasses the resolver and its query logging.
 */
import {
  dstText,
  flowTextOf,
  rowFacts,
  srcText,
  verdictOf,
  type AlertText,
  type FlowFacts,
  type RuleMeta,
} from '../alerts.js';
import type { FlowContext } from '../context.js';
import { ACTION_REJECT, STATUS_OK, type FlowBatch } from '../record.js';
import { FLOWS_DOC, type FlowRuleModule } from './types.js';

export const DNS_RESOLVER: RuleMeta = {
  id: 'flow-dns-unapproved-resolver',
  title: 'DNS sent to a resolver that is not approved',
  severity: 'medium',
  service: 'flows',
  rationale:
    'DNS to an outside resolver skips Resolver query logging and DNS Firewall, and is the usual carrier of DNS tunnelling.',
  remediation: {
    text: 'Block ports 53 and 853 egress except to approved resolvers; list your own resolvers in flows.approved_resolvers.',
  },
  references: [FLOWS_DOC],
};

export const dnsResolver: FlowRuleModule = {
  meta: [DNS_RESOLVER],
  onBatch(b: FlowBatch, ctx: FlowContext): void {
    for (let i = 0; i < b.n; i++) {
      const port = b.dstPort[i]!;
      if (
        (port !== 53 && port !== 853) ||
        (b.proto[i] !== 6 && b.proto[i] !== 17) ||
        b.status[i] !== STATUS_OK ||
        b.reply[i] === 1
      )
        continue;
      if (ctx.isApprovedResolver(b, i)) continue;
      const sz = b.srcZone[i]!;
      // Queries arriving from the internet at a resolver of yours are not a bypass by your workloads.
      if (sz === ctx.zones.internet) continue;
      // Reported outside the loop: a closure over loop variables would allocate a context for every row.
      report(b, i, ctx, sz, port);
    }
  },
};

function report(b: FlowBatch, i: number, ctx: FlowContext, sz: number, port: number): void {
  const rejected = b.action[i] === ACTION_REJECT;
  const sensitive = ctx.isData[sz] === 1 || ctx.isInference[sz] === 1 || ctx.isSandbox[sz] === 1;
  ctx.alerts.hitRow(
    DNS_RESOLVER,
    rejected ? 'low' : sensitive ? 'high' : 'medium',
    `${srcText(b, i)}>${dstText(b, i)}:${port}`,
    b,
    i,
    () => dnsResolverText(rowFacts(b, i, ctx.zones.names)),
  );
}

/** Message and evidence of an unapproved-resolver alert, from plain values (both engines). */
export function dnsResolverText(f: FlowFacts): AlertText {
  const verdict = verdictOf(f.action);
  return {
    talker: f.src,
    message: `${verdict.word} DNS from zone ${f.srcZone} to resolver ${f.dst} (zone ${f.dstZone}), which is not approved: ${flowTextOf(f)}`,
    evidence: { srcZone: f.srcZone, dstZone: f.dstZone, action: verdict.evidence },
  };
}
