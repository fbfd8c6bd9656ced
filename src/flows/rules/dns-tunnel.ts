/**
 * DNS tunnelling and exfiltration from resolver query logs. Per (source, base domain) it collects signals: a long
 * query name, a long label, a high-entropy label, many distinct subdomains in a window, TXT or NULL query rates per
 * minute, and the share of TXT/NULL among its queries. A pair with at least flows.dns.min_signals different signals is alerted (high). Per source, a query
 * rate above flows.dns.queries_per_minute is alerted on its own (medium).
 *
 * State: at most flows.dns.max_keys (source, base domain) pairs plus as many sources; per pair the distinct
 * subdomains of the current window are kept as 32-bit hashes, capped at the threshold + 1. Queries of pairs beyond
 * the bound are counted as untracked. Windows advance with the query time (query logs are time-ordered per file).
 */
import type { RuleMeta } from '../alerts.js';
import type { FlowContext } from '../context.js';
import type { DnsQuery } from '../readers/sink.js';
import { FLOWS_DOC, type DnsRuleModule } from './types.js';

export const DNS_TUNNEL: RuleMeta = {
  id: 'dns-tunnelling',
  title: 'DNS queries look like tunnelling or exfiltration',
  severity: 'high',
  service: 'dns',
  rationale:
    'Data can leave through DNS: encoded in long, random-looking labels of many unique subdomains of one domain, often with TXT or NULL records (SANS: names over 52 characters; SigmaHQ: over 50 TXT/NULL queries a minute).',
  remediation: {
    text: 'Block the base domain in DNS Firewall, find the process on the source address, and check what it sent.',
  },
  references: [FLOWS_DOC],
};

export const DNS_VOLUME: RuleMeta = {
  id: 'dns-query-volume',
  title: 'A source sent an unusual number of DNS queries per minute',
  severity: 'medium',
  service: 'dns',
  rationale: 'More than 1000 queries a minute from one host (SigmaHQ) is tunnelling, a DGA, or a misbehaving client.',
  remediation: {
    text: 'Identify the process on the source; if it is not a resolver or proxy, treat it as compromised.',
  },
  references: [FLOWS_DOC],
};

const SIGNALS = [
  'long-name',
  'long-label',
  'high-entropy-label',
  'many-subdomains',
  'txt-rate',
  'null-rate',
  'txt-null-share',
] as const;

/** Second-level public suffixes common enough to matter; without them "co.uk" would be a base domain. */
const TWO_PART_SUFFIXES = new Set([
  'co.uk',
  'org.uk',
  'ac.uk',
  'gov.uk',
  'com.au',
  'net.au',
  'org.au',
  'co.jp',
  'ne.jp',
  'or.jp',
  'co.nz',
  'com.br',
  'com.cn',
  'com.mx',
  'co.in',
  'co.za',
  'com.sg',
  'com.tr',
  'co.kr',
  'com.hk',
  'com.tw',
  'com.ar',
  'co.il',
]);

/** eTLD+1 by a small rule: last two labels, or three under a known two-part suffix. */
export function baseDomain(name: string): string {
  const labels = name.split('.');
  if (labels.length <= 2) return name;
  const two = labels.slice(-2).join('.');
  return TWO_PART_SUFFIXES.has(two) && labels.length >= 3 ? labels.slice(-3).join('.') : two;
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) counts.set(s.charCodeAt(i), (counts.get(s.charCodeAt(i)) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

interface PairState {
  signals: number;
  queries: number;
  file: string;
  line: number;
  samples: string[];
  examples: string[];
  account: string;
  region: string;
  vpcId: string;
  window: number;
  subdomains: Set<number>;
  maxSubdomains: number;
  minute: number;
  txt: number;
  nul: number;
  maxTxt: number;
  maxNull: number;
  /** TXT and NULL queries over the whole run. */
  txtNull: number;
}

interface SourceState {
  minute: number;
  count: number;
  alerted: boolean;
}

export function dnsTunnel(displayName: (f: string) => string): DnsRuleModule {
  const pairs = new Map<string, PairState>();
  const sources = new Map<string, SourceState>();
  let untracked = 0;
  return {
    meta: [DNS_TUNNEL, DNS_VOLUME],
    untracked: () => untracked,
    onQuery(q: DnsQuery, ctx: FlowContext): void {
      const s = ctx.settings.dns;
      const minute = Math.floor(q.time / 60);
      let src = sources.get(q.srcaddr);
      if (!src) {
        if (sources.size >= s.max_keys) untracked++;
        else sources.set(q.srcaddr, (src = { minute, count: 0, alerted: false }));
      }
      if (src) {
        if (src.minute !== minute) {
          src.minute = minute;
          src.count = 0;
        }
        if (++src.count > s.queries_per_minute && !src.alerted) {
          src.alerted = true;
          ctx.alerts.hit(
            DNS_VOLUME,
            'medium',
            q.srcaddr,
            () => ({
              message: `${q.srcaddr} sent more than ${s.queries_per_minute} DNS queries in the minute starting ${new Date(minute * 60_000).toISOString()}`,
              talker: q.srcaddr,
              file: displayName(q.file),
              line: q.line,
              firstRecord: q.name,
              provider: 'aws',
              account: q.account,
              region: q.region,
              resourceType: 'AWS::EC2::VPC',
              resource: q.vpcId,
              evidence: {
                queriesPerMinuteThreshold: s.queries_per_minute,
                minute: new Date(minute * 60_000).toISOString(),
              },
            }),
            0,
            `${displayName(q.file)}:${q.line}`,
          );
        }
      }

      const base = baseDomain(q.name);
      const key = `${q.srcaddr}|${base}`;
      let p = pairs.get(key);
      if (!p) {
        if (pairs.size >= s.max_keys) {
          untracked++;
          return;
        }
        p = {
          signals: 0,
          queries: 0,
          file: displayName(q.file),
          line: q.line,
          samples: [],
          examples: [],
          account: q.account,
          region: q.region,
          vpcId: q.vpcId,
          window: -1,
          subdomains: new Set(),
          maxSubdomains: 0,
          minute: -1,
          txt: 0,
          nul: 0,
          maxTxt: 0,
          maxNull: 0,
          txtNull: 0,
        };
        pairs.set(key, p);
      }
      p.queries++;
      let sig = 0;
      const sub = q.name.length > base.length ? q.name.slice(0, q.name.length - base.length - 1) : '';
      if (q.name.length > s.max_name_length) sig |= 1 << 0;
      for (const label of sub.split('.')) {
        if (label.length >= s.max_label_length) sig |= 1 << 1;
        if (label.length >= s.entropy_min_label && entropy(label) >= s.entropy_bits) sig |= 1 << 2;
      }
      const win = Math.floor(q.time / (s.subdomain_window_minutes * 60));
      if (win !== p.window) {
        p.window = win;
        p.subdomains.clear();
      }
      if (sub !== '' && p.subdomains.size <= s.subdomains_per_window) {
        p.subdomains.add(hash32(sub));
        if (p.subdomains.size > p.maxSubdomains) p.maxSubdomains = p.subdomains.size;
        if (p.subdomains.size > s.subdomains_per_window) sig |= 1 << 3;
      }
      if (minute !== p.minute) {
        p.minute = minute;
        p.txt = 0;
        p.nul = 0;
      }
      if (q.type === 'TXT' || q.type === 'NULL') p.txtNull++;
      if (q.type === 'TXT' && ++p.txt > s.txt_per_minute) sig |= 1 << 4;
      if (q.type === 'NULL' && ++p.nul > s.null_per_minute) sig |= 1 << 5;
      p.maxTxt = Math.max(p.maxTxt, p.txt);
      p.maxNull = Math.max(p.maxNull, p.nul);
      if (sig !== 0 && p.samples.length < 5 && (sig & ~p.signals) !== 0) {
        p.samples.push(`${displayName(q.file)}:${q.line}`);
        if (p.examples.length < 3) p.examples.push(q.name);
        if (p.samples.length === 1) {
          p.file = displayName(q.file);
          p.line = q.line;
        }
      }
      p.signals |= sig;
    },
    finish(ctx: FlowContext): void {
      const s = ctx.settings.dns;
      for (const [key, p] of [...pairs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        // Tunnels carry data in TXT/NULL answers: a high share of them for one domain is a signal of its own.
        if (p.queries >= s.share_min_queries && p.txtNull / p.queries >= s.txt_null_share) p.signals |= 1 << 6;
        const names = SIGNALS.filter((_, k) => p.signals & (1 << k));
        if (names.length < s.min_signals) continue;
        const [srcaddr, base] = key.split('|') as [string, string];
        const a = ctx.alerts.hit(DNS_TUNNEL, 'high', key, () => ({
          message: `${srcaddr} queried ${base} in a way that looks like DNS tunnelling: ${names.join(', ')} (${p.queries} queries)`,
          talker: srcaddr,
          file: p.file,
          line: p.line,
          firstRecord: p.examples[0] ?? '',
          provider: 'aws',
          account: p.account,
          region: p.region,
          resourceType: 'AWS::EC2::VPC',
          resource: p.vpcId,
          evidence: {
            baseDomain: base,
            txtNullShare: Math.round((p.txtNull / p.queries) * 1000) / 1000,
            signals: names,
            queries: p.queries,
            exampleNames: p.examples,
            maxSubdomainsPerWindow: p.maxSubdomains,
            maxTxtPerMinute: p.maxTxt,
            maxNullPerMinute: p.maxNull,
          },
        }));
        if (a) {
          a.records = p.queries;
          a.samples = p.samples;
        }
      }
    },
  };
}
