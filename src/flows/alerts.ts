/**
 * Alerts: rule hits aggregated by a key (e.g. source, destination, port), so a million matching records are one
 * alert with counts, the first record as evidence and a few more file:line samples. Keys per rule are bounded
 * (flows.max_alerts_per_rule); hits beyond the bound are summed in an overflow count that the summary reports.
 */
import type { Remediation, Severity } from '../findings/types.js';
import { ipv4ToString } from './ip.js';
import { ACTION_REJECT, DST_V6, SRC_V6, type FlowBatch, type FlowProvider } from './record.js';

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
  provider: FlowProvider;
  account: string;
  region: string;
  resourceType: string;
  resource: string;
  evidence: Record<string, unknown>;
}

export const MAX_SAMPLES = 5;

export class AlertBook {
  readonly alerts = new Map<string, Alert>();
  private readonly perRule = new Map<string, number>();
  readonly overflow = new Map<string, { records: number; bytes: number }>();

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
    const a = this.open(rule, severity, key, 1, b.bytes[i]!, () => {
      const d = b.source.describe(b, i);
      const m = make();
      return {
        rule,
        severity,
        key,
        message: m.message,
        talker: m.talker,
        records: 0,
        bytes: 0,
        file: this.displayName(b.source.file),
        line: b.line[i]!,
        firstRecord: b.source.rawLine(b, i),
        samples: [],
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
    if (a.samples.length < MAX_SAMPLES) a.samples.push(`${this.displayName(b.source.file)}:${b.line[i]}`);
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
    samples: readonly string[],
    make: () => Omit<Alert, 'rule' | 'severity' | 'key' | 'records' | 'bytes' | 'samples'>,
  ): Alert | undefined {
    const a = this.open(rule, severity, key, records, bytes, () => ({
      ...make(),
      rule,
      severity,
      key,
      records: 0,
      bytes: 0,
      samples: [],
    }));
    if (a === undefined) return undefined;
    a.records += records;
    a.bytes += bytes;
    for (const s of samples) {
      if (a.samples.length >= MAX_SAMPLES) break;
      a.samples.push(s);
    }
    return a;
  }

  /** A hit that is not one flow row (DNS, gaps, inputs). */
  hit(
    rule: RuleMeta,
    severity: Severity,
    key: string,
    make: () => Omit<Alert, 'rule' | 'severity' | 'key' | 'records' | 'bytes' | 'samples'>,
    bytes = 0,
    sample?: string,
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

export function flowTextOf(f: FlowFacts): string {
  const port = f.dstPort >= 0 && (f.proto === 6 || f.proto === 17) ? `:${f.dstPort}` : '';
  return `${f.src} -> ${f.dst}${port}/${protoName(f.proto)}`;
}
