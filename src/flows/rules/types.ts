/** The shape of a flow rule and of a DNS rule. Rules are stateless per row except where their module documents a bounded window state. */
import type { RuleMeta } from '../alerts.js';
import type { FlowContext } from '../context.js';
import type { FlowBatch } from '../record.js';
import type { DnsQuery } from '../readers/sink.js';

export interface FlowRuleModule {
  meta: RuleMeta[];
  /** Called for each batch after zone classification. Returns nothing; hits go to ctx.alerts. */
  onBatch(b: FlowBatch, ctx: FlowContext): void;
  finish?(ctx: FlowContext): void;
  /** State bound reached: how many keys could not be tracked (reported as partial assessment). */
  untracked?(): number;
  /** What the untracked count means for this rule, when the generic "state bound reached" would mislead. */
  untrackedNote?: string;
}

export interface DnsRuleModule {
  meta: RuleMeta[];
  onQuery(q: DnsQuery, ctx: FlowContext): void;
  finish?(ctx: FlowContext): void;
  untracked?(): number;
}

export const FLOWS_DOC = 'docs/flows.md';
