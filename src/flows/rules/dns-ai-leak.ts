/**
 * DNS leak of an AI service name (seeds 000 and 001: the first validation test is that the AI service name resolves
 * to the private endpoint, not a public address). From resolver query logs: a query for an approved AI name
 * (flows.approved_ai_domains) answered with an address outside every zone and the configured private ranges, and not
 * in flows.approved_ai_cidrs. Such an answer is never learned as an approved endpoint (FlowAnalysis.dns), so traffic
 * that follows it is still judged as traffic to an unapproved endpoint.
 *
 * One alert per (provider, network, name, answer): the same leak seen by many hosts is one misconfiguration (private
 * DNS off on the endpoint, or the private zone not linked to the network), and each cloud's network is its own
 * resource (a suppression of one never hides another's). State: none beyond the alert book.
 */
import type { RuleMeta } from '../alerts.js';
import type { FlowContext } from '../context.js';
import type { DnsQuery } from '../readers/sink.js';
import { FLOWS_DOC, type DnsRuleModule } from './types.js';

export const DNS_AI_LEAK: RuleMeta = {
  id: 'dns-ai-public-answer',
  title: 'An AI service name resolved to a public address (DNS leak)',
  severity: 'high',
  service: 'dns',
  rationale:
    'Callers reach an AI service through its private endpoint only if its name resolves to the endpoint. A public answer sends prompts and data to the public endpoint over the internet path, whatever the endpoint and its policy say.',
  remediation: {
    text: 'AWS: enable private DNS on the interface endpoint (PrivateDnsEnabled) and DNS support and hostnames on the VPC; Azure: link the privatelink zone (e.g. privatelink.openai.azure.com) to the virtual network; GCP: a private zone for the API domain (private.googleapis.com or a Private Service Connect endpoint).',
  },
  references: [FLOWS_DOC],
};

/** The text of a leak alert (one function, so every engine says the same). */
export function dnsLeakText(q: Pick<DnsQuery, 'name' | 'srcaddr' | 'network'>, answer: string) {
  const where = q.network === '' ? '' : ` in ${q.network}`;
  return {
    message: `${q.name} resolved to public address ${answer} for ${q.srcaddr}${where}: not a private endpoint address (outside the zones and flows.private_cidrs), so AI traffic to this name leaves through the public endpoint`,
    talker: q.srcaddr,
    evidence: { name: q.name, answer, firstSource: q.srcaddr },
  };
}

export function dnsAiLeak(displayName: (f: string) => string): DnsRuleModule {
  return {
    meta: [DNS_AI_LEAK],
    onQuery(q: DnsQuery, ctx: FlowContext): void {
      if (q.answers.length === 0 || !ctx.isAiName(q.name)) return;
      for (const answer of q.answers) {
        if (ctx.aiAnswerKind(answer) !== 'public') continue;
        const file = displayName(q.file);
        ctx.alerts.hit(
          DNS_AI_LEAK,
          'high',
          `${q.provider}|${q.network}|${q.name}|${answer}`,
          () => ({
            ...dnsLeakText(q, answer),
            file,
            line: q.line,
            firstRecord: q.raw,
            provider: q.provider,
            account: q.account,
            region: q.region,
            resourceType: q.networkType,
            resource: q.network,
          }),
          0,
          { file, line: q.line },
        );
      }
    },
  };
}
