/**
 * DNS tunnelling and exfiltration from resolver query logs. Per (source, base domain by the Public Suffix List) it
 * collects independent signals: unusual names (long name, long label or high-entropy label, counted once), many
 * distinct subdomains in a window, TXT or NULL query rates per minute, and the share of TXT/NULL among its queries. A
 * pair with at least flows.dns.min_signals signals is alerted (high). Names matching flows.dns.allowed_names are not
 * judged. Per source, a query rate above flows.dns.queries_per_minute is alerted on its own (medium).
 *
 * State: at most flows.dns.max_keys (source, base domain) pairs plus as many sources; per pair the distinct
 * subdomains of the current window are kept as 32-bit hashes, capped at the threshold + 1. Queries of pairs beyond
 * the bound are counted as untracked. Windows advance with the query time (query logs are time-ordered per file).
 */
import { MAX_SAMPLES, type RuleMeta } from '../alerts.js';
import type { FlowContext } from '../context.js';
import type { DnsQuery } from '../readers/sink.js';
import { getDomain } from 'tldts';
import { globMatch } from '../../util/glob.js';
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

/**
 * Independent signals: a pair alerts when at least flows.dns.min_signals of them fired. The three per-name features
 * (long name, long label, high-entropy label) come together on the same names (a long random label makes a long,
 * high-entropy name), so they are one signal, "unusual-names": one host looking up a handful of long provider names
 * (interface-endpoint names such as vpce-….bedrock-runtime.<region>.vpce.amazonaws.com) is not a tunnel. A tunnel is
 * many distinct names under one base domain, volume of TXT or NULL queries, or their share.
 */
const SIGNALS = ['unusual-names', 'many-subdomains', 'txt-rate', 'null-rate', 'txt-null-share'] as const;
/** The per-name features behind "unusual-names", reported in the evidence. */
const NAME_FEATURES = ['long-name', 'long-label', 'high-entropy-label'] as const;

/**
 * The registrable domain by the Public Suffix List (tldts, ICANN and private sections: names under a private suffix
 * such as github.io or a cloud's per-customer suffix belong to different owners), else the name itself.
 */
export function baseDomain(name: string): string {
  return getDomain(name, { allowPrivateDomains: true, validateHostname: false }) ?? name;
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

/** Names the policy allows (flows.dns.allowed_names): known providers' long names are not judged. */
function allowed(ctx: FlowContext, name: string): boolean {
  const patterns = ctx.settings.dns.allowed_names;
  for (let i = 0; i < patterns.length; i++) if (globMatch(patterns[i]!, name, true)) return true;
  return false;
}

function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

interface PairState {
  /** Queries and their first lines per file (raw path), in the order files were read. */
  perFile: Map<string, { records: number; lines: number[] }>;
  signals: number;
  /** Bits of NAME_FEATURES seen. */
  features: number;
  queries: number;
  file: string;
  line: number;
  samples: string[];
  examples: string[];
  provider: DnsQuery['provider'];
  account: string;
  region: string;
  network: string;
  networkType: string;
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
      // A source is an address in one network of one cloud: the same private address elsewhere is another host.
      const host = `${q.provider}|${q.network}|${q.srcaddr}`;
      let src = sources.get(host);
      if (!src) {
        if (sources.size >= s.max_keys) untracked++;
        else sources.set(host, (src = { minute, count: 0, alerted: false }));
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
            host,
            () => ({
              message: `${q.srcaddr} sent more than ${s.queries_per_minute} DNS queries in the minute starting ${new Date(minute * 60_000).toISOString()}`,
              talker: q.srcaddr,
              file: displayName(q.file),
              line: q.line,
              firstRecord: q.name,
              provider: q.provider,
              account: q.account,
              region: q.region,
              resourceType: q.networkType,
              resource: q.network,
              evidence: {
                queriesPerMinuteThreshold: s.queries_per_minute,
                minute: new Date(minute * 60_000).toISOString(),
              },
            }),
            0,
            { file: displayName(q.file), line: q.line },
          );
        }
      }

      if (allowed(ctx, q.name)) return;
      const base = baseDomain(q.name);
      // The network is part of the key: the same private source address in two networks is two hosts.
      const key = `${host}|${base}`;
      let p = pairs.get(key);
      if (!p) {
        if (pairs.size >= s.max_keys) {
          untracked++;
          return;
        }
        p = {
          perFile: new Map(),
          signals: 0,
          features: 0,
          queries: 0,
          file: displayName(q.file),
          line: q.line,
          samples: [],
          examples: [],
          provider: q.provider,
          account: q.account,
          region: q.region,
          network: q.network,
          networkType: q.networkType,
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
      let pf = p.perFile.get(q.file);
      if (pf === undefined) p.perFile.set(q.file, (pf = { records: 0, lines: [] }));
      pf.records++;
      if (pf.lines.length < MAX_SAMPLES) pf.lines.push(q.line);
      let sig = 0;
      let features = 0;
      const sub = q.name.length > base.length ? q.name.slice(0, q.name.length - base.length - 1) : '';
      if (q.name.length > s.max_name_length) features |= 1 << 0;
      for (const label of sub.split('.')) {
        if (label.length >= s.max_label_length) features |= 1 << 1;
        if (label.length >= s.entropy_min_label && entropy(label) >= s.entropy_bits) features |= 1 << 2;
      }
      if (features !== 0) sig |= 1 << 0;
      p.features |= features;
      const win = Math.floor(q.time / (s.subdomain_window_minutes * 60));
      if (win !== p.window) {
        p.window = win;
        p.subdomains.clear();
      }
      if (sub !== '' && p.subdomains.size <= s.subdomains_per_window) {
        p.subdomains.add(hash32(sub));
        if (p.subdomains.size > p.maxSubdomains) p.maxSubdomains = p.subdomains.size;
        if (p.subdomains.size > s.subdomains_per_window) sig |= 1 << 1;
      }
      if (minute !== p.minute) {
        p.minute = minute;
        p.txt = 0;
        p.nul = 0;
      }
      if (q.type === 'TXT' || q.type === 'NULL') p.txtNull++;
      if (q.type === 'TXT' && ++p.txt > s.txt_per_minute) sig |= 1 << 2;
      if (q.type === 'NULL' && ++p.nul > s.null_per_minute) sig |= 1 << 3;
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
        if (p.queries >= s.share_min_queries && p.txtNull / p.queries >= s.txt_null_share) p.signals |= 1 << 4;
        const names = SIGNALS.filter((_, k) => p.signals & (1 << k));
        if (names.length < s.min_signals) continue;
        const [, , srcaddr, base] = key.split('|') as [string, string, string, string];
        const a = ctx.alerts.hit(DNS_TUNNEL, 'high', key, () => ({
          message: `${srcaddr} queried ${base} in a way that looks like DNS tunnelling: ${names.join(', ')} (${p.queries} queries)`,
          talker: srcaddr,
          file: p.file,
          line: p.line,
          firstRecord: p.examples[0] ?? '',
          provider: p.provider,
          account: p.account,
          region: p.region,
          resourceType: p.networkType,
          resource: p.network,
          evidence: {
            baseDomain: base,
            txtNullShare: Math.round((p.txtNull / p.queries) * 1000) / 1000,
            signals: names,
            nameFeatures: NAME_FEATURES.filter((_, k) => p.features & (1 << k)),
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
          a.files = [...p.perFile].map(([file, f]) => ({
            file: displayName(file),
            records: f.records,
            bytes: 0,
            lines: f.lines,
          }));
        }
      }
    },
  };
}
