/**
 * Alerts: rule hits aggregated by a key (e.g. source, destination, port), so a million matching records are one
 * alert with counts, the first record as evidence and a few more file:line samples. Keys per rule are bounded
 * (flows.max_alerts_per_rule); hits beyond the bound are summed in an overflow count that the summary reports.
 */
import type { Remediation, Severity } from '../findings/types.js';
import { ipv4ToString } from './ip.js';
import { ACTION_ACCEPT, ACTION_REJECT, DST_V6, SRC_V6, type FlowBatch, type FlowProvider } from './record.js';

export interface RuleMeta {
  id: string;
  title: string;
  severity: Severity;
  service: string;
  rationale: string;
  remediation: Remediation;
  references: string[];
}

export interface Alert {
  rule: RuleMeta;
  severity: Severity;
  key: string;
  message: string;
  /** The address alerts are grouped by in "top talkers". */
  talker: string;
  records: number;
  bytes: number;
  file: string;
  line: number;
  firstRecord: string;
  samples: string[];
  /** Every file that contributed (up to MAX_FILES_PER_ALERT, in the order of their first hit): counts and first lines. */
  files: FileEvidence[];
  /** Hits in files beyond MAX_FILES_PER_ALERT: counted, not listed. */
  filesNotListed: { files: number; records: number; bytes: number };
  provider: FlowProvider;
  account: string;
  region: string;
  resourceType: string;
  resource: string;
  evidence: Record<string, unknown>;
}

/** One file's part of an alert. */
export interface FileEvidence {
  file: string;
  records: number;
  bytes: number;
  /** The first MAX_SAMPLES lines of its hits. */
  lines: number[];
}

export const MAX_SAMPLES = 5;
export const MAX_FILES_PER_ALERT = 1000;

/** The fields an alert's maker gives; the book fills in the counts, samples and files. */
export type AlertBody = Omit<
  Alert,
  'rule' | 'severity' | 'key' | 'records' | 'bytes' | 'samples' | 'files' | 'filesNotListed'
>;

/**
 * The alert key of a flow-row hit: the rule's key plus the provider and the logging resource, so hits of different
 * providers or resources (an AWS interface, an Azure NSG, a GCP VM) are never one alert and a suppression of one
 * resource cannot hide another's events.
 */
export function resourceKey(key: string, provider: string, resource: string): string {
  return `${key}|${provider}:${resource}`;
}

/** Adds hits of one file to an alert's per-file evidence. */
export function tallyFile(a: Alert, file: string, records: number, bytes: number, lines: readonly number[]): void {
  let f = a.files.length > 0 ? a.files[a.files.length - 1] : undefined;
  if (f === undefined || f.file !== file) {
    f = a.files.find((x) => x.file === file);
    if (f === undefined) {
      if (a.files.length >= MAX_FILES_PER_ALERT) {
        // Counted once per file switch, so "files" is an upper bound when hits of unlisted files interleave.
        a.filesNotListed.files++;
        a.filesNotListed.records += records;
        a.filesNotListed.bytes += bytes;
        return;
      }
      f = { file, records: 0, bytes: 0, lines: [] };
      a.files.push(f);
    }
  }
  f.records += records;
  f.bytes += bytes;
  for (const l of lines) {
    if (f.lines.length >= MAX_SAMPLES) break;
    f.lines.push(l);
  }
}

export class AlertBook {
  readonly alerts = new Map<string, Alert>();
  private readonly perRule = new Map<string, number>();
  readonly overflow = new Map<string, { records: number; bytes: number }>();

  /** The display name of the last batch source seen by hitRow (path.relative per hit would cost). */
  private lastSource: unknown;
  private lastName = '';

  constructor(
    private readonly maxPerRule: number,
    private readonly displayName: (file: string) => string,
  ) {}

  /**
   * The alert of a key, made by `create` on its first hit; undefined when the rule is over its key bound (the hits
   * then go to the rule's overflow count).
   */
  private open(
    rule: RuleMeta,
    severity: Severity,
    key: string,
    records: number,
    bytes: number,
    create: () => Alert,
  ): Alert | undefined {
    const fullKey = `${rule.id}|${severity}|${key}`;
    let a = this.alerts.get(fullKey);
    if (a === undefined) {
      const n = this.perRule.get(rule.id) ?? 0;
      if (n >= this.maxPerRule) {
        const o = this.overflow.get(rule.id) ?? { records: 0, bytes: 0 };
        o.records += records;
        o.bytes += bytes;
        this.overflow.set(rule.id, o);
        return undefined;
      }
      this.perRule.set(rule.id, n + 1);
      a = create();
      this.alerts.set(fullKey, a);
    }
    return a;
  }

  /**
   * Counts a hit. `make` runs only for the first hit of a key, so message and evidence strings are built once.
   * Returns the alert (undefined when the rule is over its key bound).
   */
  hitRow(
    rule: RuleMeta,
    severity: Severity,
    key: string,
    b: FlowBatch,
    i: number,
    make: () => { message: string; talker: string; evidence: Record<string, unknown> },
  ): Alert | undefined {
    const src = b.source;
    if (src !== this.lastSource) {
      this.lastSource = src;
      this.lastName = this.displayName(src.file);
    }
    const name = this.lastName;
    const a = this.open(rule, severity, resourceKey(key, src.provider, src.resource(b, i)), 1, b.bytes[i]!, () => {
      const d = src.describe(b, i);
      const m = make();
      return {
        rule,
        severity,
        key: resourceKey(key, src.provider, src.resource(b, i)),
        message: m.message,
        talker: m.talker,
        records: 0,
        bytes: 0,
        file: name,
        line: b.line[i]!,
        firstRecord: src.rawLine(b, i),
        samples: [],
        files: [],
        filesNotListed: { files: 0, records: 0, bytes: 0 },
        provider: d.provider,
        account: d.account,
        region: d.region,
        resourceType: d.resourceType,
        resource: d.resource,
        evidence: m.evidence,
      };
    });
    if (a === undefined) return undefined;
    a.records++;
    a.bytes += b.bytes[i]!;
    if (a.samples.length < MAX_SAMPLES) a.samples.push(`${name}:${b.line[i]}`);
    tallyFile(a, name, 1, b.bytes[i]!, [b.line[i]!]);
    return a;
  }

  /**
   * Hits counted elsewhere (the DuckDB engine's SQL), as if hitRow had been called `records` times in input order for
   * rows of this key: the first of them makes the alert (or, over the key bound, all go to the overflow count), and
   * `samples` (their first file:line references) fill the samples up to MAX_SAMPLES.
   */
  addGroup(
    rule: RuleMeta,
    severity: Severity,
    key: string,
    records: number,
    bytes: number,
    samples: readonly { file: string; line: number }[],
    make: () => AlertBody,
  ): Alert | undefined {
    const a = this.open(rule, severity, key, records, bytes, () => ({
      ...make(),
      rule,
      severity,
      key,
      records: 0,
      bytes: 0,
      samples: [],
      files: [],
      filesNotListed: { files: 0, records: 0, bytes: 0 },
    }));
    if (a === undefined) return undefined;
    a.records += records;
    a.bytes += bytes;
    for (const s of samples) {
      if (a.samples.length >= MAX_SAMPLES) break;
      a.samples.push(`${s.file}:${s.line}`);
    }
    // A group's hits are of one file (the DuckDB engine groups per file), or of the file of its one sample.
    if (samples.length > 0)
      tallyFile(
        a,
        samples[0]!.file,
        records,
        bytes,
        samples.map((s) => s.line),
      );
    return a;
  }

  /** A hit that is not one flow row (DNS, gaps, inputs). */
  hit(
    rule: RuleMeta,
    severity: Severity,
    key: string,
    make: () => AlertBody,
    bytes = 0,
    sample?: { file: string; line: number },
  ): Alert | undefined {
    return this.addGroup(rule, severity, key, 1, bytes, sample === undefined ? [] : [sample], make);
  }
}

export const PROTO_NAMES: Record<number, string> = {
  1: 'icmp',
  6: 'tcp',
  17: 'udp',
  58: 'icmpv6',
  47: 'gre',
  50: 'esp',
};

export function protoName(p: number): string {
  return p < 0 ? '-' : (PROTO_NAMES[p] ?? String(p));
}

export function srcText(b: FlowBatch, i: number): string {
  return b.family[i]! & SRC_V6 ? b.srcV6[i]! : ipv4ToString(b.src[i]!);
}

export function dstText(b: FlowBatch, i: number): string {
  return b.family[i]! & DST_V6 ? b.dstV6[i]! : ipv4ToString(b.dst[i]!);
}

/**
 * The plain values of one flow row that alert messages and evidence are made of. Both engines build them (the JS
 * engine from a batch row, the DuckDB engine from a SQL result row) and pass them to the rules' text functions, so
 * messages and evidence are the same bytes whichever engine found the hit.
 */
export interface FlowFacts {
  /** Address texts as srcText/dstText give them (dotted IPv4, normalised IPv6). */
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  proto: number;
  /** ACTION_UNKNOWN (observed), ACTION_ACCEPT or ACTION_REJECT. */
  action: number;
  srcZone: string;
  dstZone: string;
}

/** What a rule's text function gives: the alert's message, its "top talker" address and its evidence. */
export interface AlertText {
  message: string;
  talker: string;
  evidence: Record<string, unknown>;
}

export function rowFacts(b: FlowBatch, i: number, zoneNames: readonly string[]): FlowFacts {
  return {
    src: srcText(b, i),
    dst: dstText(b, i),
    srcPort: b.srcPort[i]!,
    dstPort: b.dstPort[i]!,
    proto: b.proto[i]!,
    action: b.action[i]!,
    srcZone: zoneNames[b.srcZone[i]!]!,
    dstZone: zoneNames[b.dstZone[i]!]!,
  };
}

/** "10.0.3.7 -> 203.0.113.9:443/tcp" */
/** The alert key of a flow: "source>destination:port/protocol". */
export function flowKey(b: FlowBatch, i: number): string {
  return `${srcText(b, i)}>${dstText(b, i)}:${b.dstPort[i]}/${b.proto[i]}`;
}

/**
 * A hit keyed by the flow (source > destination : port / protocol) whose severity says whether it was only an
 * attempt (rejected) or got through: the shape of the egress, inference and sandbox rules.
 */
export function hitFlow(
  book: AlertBook,
  rule: RuleMeta,
  severity: { rejected: Severity; accepted: Severity },
  b: FlowBatch,
  i: number,
  zoneNames: readonly string[],
  text: (f: FlowFacts) => AlertText,
): void {
  book.hitRow(rule, b.action[i] === ACTION_REJECT ? severity.rejected : severity.accepted, flowKey(b, i), b, i, () =>
    text(rowFacts(b, i, zoneNames)),
  );
}

/**
 * How a row's verdict reads in a message and in evidence. Formats without one (Transit Gateway, GCP, which samples
 * egress before the firewall) give observed rows: they are judged like accepted ones but must not be reported as
 * accepted.
 */
export function verdictOf(action: number): { word: string; evidence: 'ACCEPT' | 'REJECT' | 'OBSERVED' } {
  if (action === ACTION_REJECT) return { word: 'Attempted (rejected)', evidence: 'REJECT' };
  if (action === ACTION_ACCEPT) return { word: 'Accepted', evidence: 'ACCEPT' };
  return { word: 'Observed (no verdict in the log)', evidence: 'OBSERVED' };
}

export function flowTextOf(f: FlowFacts): string {
  // ICMP and other port-less protocols log port 0; a format without the protocol column still has a meaningful port.
  const port = f.dstPort >= 0 && (f.proto === 6 || f.proto === 17 || f.proto < 0) ? `:${f.dstPort}` : '';
  return `${f.src} -> ${f.dst}${port}/${protoName(f.proto)}`;
}
