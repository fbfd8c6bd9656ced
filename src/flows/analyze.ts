/**
 * The JavaScript engine: reads every input (DNS query logs first, so approved AI host names resolve to addresses
 * before flows are judged), classifies rows into zones, runs the rules, and keeps the zone-to-zone matrix.
 * Memory is bounded: one batch, two read buffers, and the documented per-rule state bounds.
 */
import path from 'node:path';
import type { AwsInventory } from '../inventory/aws.js';
import type { ZonePolicy } from '../policy/load.js';
import { InputError } from '../util/errors.js';
import { InputErrors } from '../util/located-yaml.js';
import { AlertBook, type Alert } from './alerts.js';
import { FlowContext } from './context.js';
import {
  clearReadAhead,
  expandInputs,
  mapLimit,
  readAheadSmall,
  readHead,
  setReadAhead,
  sniffFormat,
  type FlowFormat,
} from './input.js';

/** Files read (heads while planning, small files ahead while analysing) at once: enough to keep the disk busy. */
export const READ_CONCURRENCY = 16;
import { readAwsText } from './readers/aws-text.js';
import { readAzure } from './readers/azure.js';
import { readCloudWatch } from './readers/cloudwatch.js';
import { readGcp } from './readers/gcp.js';
import { isDnsFormat, readDnsFile } from './readers/dns.js';
import type { DnsQuery, ReadSummary, ReaderSink } from './readers/sink.js';
import {
  ACTION_ACCEPT,
  ACTION_REJECT,
  FlowBatch,
  Interner,
  STATUS_NODATA,
  STATUS_OK,
  STATUS_SKIPDATA,
  SVC_NONE,
} from './record.js';
import { dnsAiLeak } from './rules/dns-ai-leak.js';
import { dataZoneEgress } from './rules/data-zone-egress.js';
import { dnsResolver } from './rules/dns-resolver.js';
import { dnsTunnel } from './rules/dns-tunnel.js';
import { inferenceExternal } from './rules/inference-external.js';
import { internetManagement } from './rules/internet-management.js';
import { largeTransfer } from './rules/large-transfer.js';
import { policyDrift } from './rules/policy-drift.js';
import { sandboxEscape } from './rules/sandbox-escape.js';
import type { DnsRuleModule, FlowRuleModule } from './rules/types.js';
import { visibilityGaps } from './rules/visibility-gap.js';
import { buildZoneMap, type ZoneMap } from './zones.js';
import type { RuleMeta } from './alerts.js';

/** The DuckDB engine's memory bound (DuckDB's own default is 80 % of RAM); past it, its work spills to disk. */
export const DEFAULT_DUCKDB_MEMORY = '1GB';

/** A size DuckDB's memory_limit accepts ("512MB", "2GB", "1.5GiB"). */
export const DUCKDB_SIZE = /^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i;

export interface FlowRunOptions {
  policy: ZonePolicy;
  inventory?: AwsInventory;
  /** LogFormat of headerless AWS records (CloudWatch exports). */
  logFormat?: string;
  cwd: string;
  /** DuckDB engine only: its memory limit (default DEFAULT_DUCKDB_MEMORY); past it, DuckDB spills to disk. */
  duckdbMemoryLimit?: string;
}

export interface FileReport {
  file: string;
  /** A FlowFormat, refined by the reader (azure-nsg, azure-vnet, aws-vpc-parquet). */
  format: string;
  gzip: boolean;
  /** Rows the rules saw (an Azure tuple with received counters is two; a skipped GCP DEST duplicate none). */
  records: number;
  /**
   * What was counted, in the input's own units: `records` (AWS), `tuples` and `directions` (Azure), `entries` and
   * `deduplicatedReports` (GCP), `queries` (DNS). Absent when nothing was read.
   */
  units?: Record<string, number>;
  malformed: number;
  /** read: fully read; partial: read with malformed lines; not-assessed: nothing could be read. */
  status: 'read' | 'partial' | 'not-assessed';
  note: string;
}

export interface MalformedSample {
  file: string;
  line: number;
  message: string;
}

export interface MatrixCell {
  from: string;
  to: string;
  acceptedRecords: number;
  acceptedBytes: number;
  rejectedRecords: number;
  rejectedBytes: number;
  /** Formats without a verdict (TGW, GCP): observed traffic. */
  observedRecords: number;
  observedBytes: number;
}

export interface UnusedRule {
  id: string;
  name: string;
  from: string;
  to: string;
  line: number | undefined;
}

export interface StateNote {
  rule: string;
  untracked: number;
  note: string;
}

export interface FlowRunResult {
  engine: 'js' | 'duckdb';
  files: FileReport[];
  malformedSamples: MalformedSample[];
  malformedTotal: number;
  records: number;
  nodata: number;
  skipdata: number;
  dnsQueries: number;
  matrix: MatrixCell[];
  alerts: Alert[];
  rules: RuleMeta[];
  unusedRules: UnusedRule[];
  stateNotes: StateNote[];
  zones: string[];
}

export const MAX_MALFORMED_SAMPLES = 20;

export function displayNameFor(cwd: string): (file: string) => string {
  return (file: string) => {
    const rel = path.relative(cwd, file);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : file;
  };
}

export function allRuleMeta(): RuleMeta[] {
  const it = new Interner();
  const metas = [
    ...flowRules(it, (f) => f).flatMap((r) => r.meta),
    ...dnsAiLeak((f) => f).meta,
    ...dnsTunnel((f) => f).meta,
    NOT_ASSESSED,
  ];
  return metas.sort((a, b) => a.id.localeCompare(b.id));
}

export const NOT_ASSESSED: RuleMeta = {
  id: 'flow-input-not-assessed',
  title: 'A log file could not be read or recognised',
  severity: 'medium',
  service: 'flows',
  rationale: 'Traffic in a file that was not read is not assessed: it is neither a pass nor a fail.',
  remediation: { text: 'Fix the file (or pass --log-format for headerless AWS records) and run again.' },
  references: ['docs/flows.md'],
};

/**
 * Zone roles written in the flows settings must name zones of the policy: a typo would silently switch a rule off.
 * Each unknown name is a located error. (The defaults may name zones a policy does not have.)
 */
export function validateFlowSettings(policy: ZonePolicy): void {
  const errors: InputError[] = [];
  const flows = policy.document.flows;
  for (const key of ['data_zones', 'inference_zones', 'sandbox_zones', 'management_zones'] as const) {
    flows[key].forEach((name, i) => {
      const zone = policy.zones.get(name);
      // Defaults name the reference zones; a policy without, say, a sandbox zone simply has no sandbox to watch.
      const at = policy.locate(['flows', key, i]);
      if (at.pointer !== `/flows/${key}/${i}`) return;
      if (!zone || zone.kind === 'internet') {
        errors.push(
          new InputError(
            policy.file,
            `flows.${key}: ${zone ? `${name} is the internet zone` : `unknown zone ${JSON.stringify(name)}`} (zones: ${[...policy.zones.keys()].join(', ')})`,
            policy.locate(['flows', key, i]),
          ),
        );
      }
    });
  }
  if (errors.length > 0) throw new InputErrors(errors);
}

function flowRules(interner: Interner, displayName: (f: string) => string): FlowRuleModule[] {
  return [
    dataZoneEgress,
    largeTransfer(),
    inferenceExternal,
    policyDrift,
    sandboxEscape,
    internetManagement,
    dnsResolver,
    visibilityGaps(interner, displayName),
  ];
}

/** Matrix and rules over batches: the part both the JS engine and tests drive directly. */
export class FlowAnalysis implements ReaderSink {
  readonly zones: ZoneMap;
  readonly ctx: FlowContext;
  readonly interner = new Interner();
  readonly rules: FlowRuleModule[];
  readonly dnsRules: DnsRuleModule[];
  private readonly cells: Float64Array;
  private readonly zcount: number;
  readonly malformedSamples: MalformedSample[] = [];
  malformedTotal = 0;
  readonly malformedByFile = new Map<string, number>();
  records = 0;
  nodata = 0;
  skipdata = 0;
  dnsQueries = 0;
  /** Untracked records counted outside the rule modules (the DuckDB engine's SQL), by the module's first rule id. */
  private readonly untrackedElsewhere = new Map<string, number>();

  constructor(
    readonly policy: ZonePolicy,
    readonly displayName: (file: string) => string,
    inventory?: AwsInventory,
  ) {
    const settings = policy.document.flows;
    validateFlowSettings(policy);
    this.zones = buildZoneMap(policy, settings, inventory);
    this.ctx = new FlowContext(policy, settings, this.zones, new AlertBook(settings.max_alerts_per_rule, displayName));
    this.rules = flowRules(this.interner, displayName);
    this.dnsRules = [dnsAiLeak(displayName), dnsTunnel(displayName)];
    this.zcount = this.zones.names.length;
    this.cells = new Float64Array(this.zcount * this.zcount * 6);
  }

  /** A batch from a reader: zones, the matrix, then every rule (the JS engine; the DuckDB engine does this in SQL). */
  flush(b: FlowBatch): void {
    this.zones.classify(b);
    this.ctx.rezoneApprovedAi(b);
    // Gateway-endpoint traffic goes to public AWS addresses but never leaves the AWS network: its own column.
    const { internet, gateway } = this.zones;
    for (let i = 0; i < b.n; i++) if (b.service[i] !== SVC_NONE && b.dstZone[i] === internet) b.dstZone[i] = gateway;
    const { cells, zcount } = this;
    for (let i = 0; i < b.n; i++) {
      const st = b.status[i]!;
      if (st !== STATUS_OK) {
        if (st === STATUS_NODATA) this.nodata++;
        else if (st === STATUS_SKIPDATA) this.skipdata++;
        continue;
      }
      const a = b.action[i]!;
      const k = (b.srcZone[i]! * zcount + b.dstZone[i]!) * 6 + (a === ACTION_ACCEPT ? 0 : a === ACTION_REJECT ? 2 : 4);
      cells[k]!++;
      cells[k + 1]! += b.bytes[i]!;
    }
    this.records += b.n;
    for (const r of this.rules) r.onBatch(b, this.ctx);
  }

  dns(q: DnsQuery): void {
    this.dnsQueries++;
    // Only private answers are endpoint addresses; a public one is the leak (dns-ai-public-answer), never approved.
    if (q.answers.length > 0 && this.ctx.isAiName(q.name)) {
      for (const a of q.answers) if (this.ctx.aiAnswerKind(a) === 'private') this.ctx.learnAiAddress(a);
    }
    for (const r of this.dnsRules) r.onQuery(q, this.ctx);
  }

  malformed(file: string, line: number, message: string): void {
    this.malformedTotal++;
    this.malformedByFile.set(file, (this.malformedByFile.get(file) ?? 0) + 1);
    if (this.malformedSamples.length < MAX_MALFORMED_SAMPLES)
      this.malformedSamples.push({ file: this.displayName(file), line, message });
  }

  notAssessed(file: string, message: string): void {
    const name = this.displayName(file);
    this.ctx.alerts.hit(NOT_ASSESSED, 'medium', name, () => ({
      message: `${name} was not assessed: ${message}`,
      talker: name,
      file: name,
      line: 1,
      firstRecord: '',
      provider: 'aws',
      account: '',
      region: '',
      resourceType: 'File',
      resource: name,
      evidence: { reason: message },
    }));
  }

  // Results counted outside the batch path (the DuckDB engine computes them in SQL and adds them here).

  /** Adds records to a matrix cell; `action` is ACTION_ACCEPT, ACTION_REJECT or anything else for observed. */
  addMatrixCell(from: number, to: number, action: number, records: number, bytes: number): void {
    const k = (from * this.zcount + to) * 6 + (action === ACTION_ACCEPT ? 0 : action === ACTION_REJECT ? 2 : 4);
    this.cells[k]! += records;
    this.cells[k + 1]! += bytes;
  }

  /** Adds record counts: `records` includes the NODATA and SKIPDATA records. */
  addRecordCounts(records: number, nodata: number, skipdata: number): void {
    this.records += records;
    this.nodata += nodata;
    this.skipdata += skipdata;
  }

  /** Counts malformed lines of a file without samples (its first ones went through malformed()). */
  countMalformed(file: string, n: number): void {
    this.malformedTotal += n;
    this.malformedByFile.set(file, (this.malformedByFile.get(file) ?? 0) + n);
  }

  /** Untracked records of the rule module whose first rule id is `ruleId`, counted outside the module. */
  addUntracked(ruleId: string, n: number): void {
    this.untrackedElsewhere.set(ruleId, (this.untrackedElsewhere.get(ruleId) ?? 0) + n);
  }

  finish(files: FileReport[], engine: 'js' | 'duckdb' = 'js'): FlowRunResult {
    for (const r of this.rules) r.finish?.(this.ctx);
    for (const r of this.dnsRules) r.finish?.(this.ctx);
    this.ctx.settleRuleUse();
    const matrix: MatrixCell[] = [];
    const { cells, zcount } = this;
    for (let s = 0; s < zcount; s++) {
      for (let d = 0; d < zcount; d++) {
        const k = (s * zcount + d) * 6;
        if (cells[k] === 0 && cells[k + 2] === 0 && cells[k + 4] === 0) continue;
        matrix.push({
          from: this.zones.names[s]!,
          to: this.zones.names[d]!,
          acceptedRecords: cells[k]!,
          acceptedBytes: cells[k + 1]!,
          rejectedRecords: cells[k + 2]!,
          rejectedBytes: cells[k + 3]!,
          observedRecords: cells[k + 4]!,
          observedBytes: cells[k + 5]!,
        });
      }
    }
    matrix.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
    const unusedRules = this.policy.rules
      .filter((r) => r.action === 'allow' && this.ctx.ruleUse[r.index] === 0)
      .map((r) => ({ id: r.id, name: r.name, from: r.from, to: r.to, line: r.position.line }));
    const stateNotes: StateNote[] = [];
    const rulesMeta = [...this.rules.flatMap((r) => r.meta), ...this.dnsRules.flatMap((r) => r.meta), NOT_ASSESSED];
    for (const r of [...this.rules, ...this.dnsRules]) {
      const n = (r.untracked?.() ?? 0) + (this.untrackedElsewhere.get(r.meta[0]!.id) ?? 0);
      if (n > 0)
        stateNotes.push({
          rule: r.meta.map((m) => m.id).join(', '),
          untracked: n,
          note:
            ('untrackedNote' in r ? r.untrackedNote : undefined) ??
            'state bound reached: these records were not tracked by the windowed part of the rule (raise the bound in flows settings)',
        });
    }
    for (const [rule, o] of [...this.ctx.alerts.overflow].sort(([a], [b]) => a.localeCompare(b))) {
      stateNotes.push({
        rule,
        untracked: o.records,
        note: `more distinct alerts than flows.max_alerts_per_rule; ${o.records} further hits (${o.bytes} bytes) are counted here only`,
      });
    }
    return {
      engine,
      files,
      malformedSamples: this.malformedSamples,
      malformedTotal: this.malformedTotal,
      records: this.records,
      nodata: this.nodata,
      skipdata: this.skipdata,
      dnsQueries: this.dnsQueries,
      matrix,
      alerts: sortAlerts([...this.ctx.alerts.alerts.values()]),
      rules: rulesMeta.sort((a, b) => a.id.localeCompare(b.id)),
      unusedRules,
      stateNotes,
      zones: [...this.zones.names],
    };
  }
}

const SEV_RANK = { critical: 0, high: 1, medium: 2, low: 3, info: 4 } as const;

export function sortAlerts(alerts: Alert[]): Alert[] {
  return alerts.sort(
    (a, b) =>
      SEV_RANK[a.severity] - SEV_RANK[b.severity] ||
      a.rule.id.localeCompare(b.rule.id) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

/**
 * The report of a file read to its end (both engines). A file without a single record (a header-only flow log, an
 * empty records array, only malformed lines) is not assessed: it says nothing about traffic, so it is never a pass.
 */
export function readToEnd(
  analysis: FlowAnalysis,
  p: { file: string; gzip: boolean; note: string },
  name: string,
  format: string,
  records: number,
  units: Record<string, number> = { records },
): FileReport {
  const bad = analysis.malformedByFile.get(p.file) ?? 0;
  let note = p.note;
  if (records === 0) {
    const why = bad > 0 ? `no valid record (${bad} malformed lines)` : 'no record (header or empty document only)';
    analysis.notAssessed(p.file, why);
    if (bad === 0) note = why;
  }
  return {
    file: name,
    format,
    gzip: p.gzip,
    records,
    units,
    malformed: bad,
    status: records === 0 ? 'not-assessed' : bad > 0 ? 'partial' : 'read',
    note,
  };
}

/** Sniffs every file; DNS logs come first in the returned order (their answers feed the approved AI addresses). */
export async function planInputs(paths: readonly string[], cwd: string, logFormat?: string) {
  const { files, errors } = await expandInputs(paths, cwd);
  const planned: { file: string; format: FlowFormat; gzip: boolean; note: string }[] = [];
  const unreadable: { file: string; note: string }[] = errors.map((e) => ({ file: e.file, note: e.message }));
  // Heads are read with bounded concurrency (many small files would otherwise wait on one read after another); the
  // results keep the files' order.
  const sniffed = await mapLimit(files, READ_CONCURRENCY, async (file) => {
    try {
      const { head, gzip } = await readHead(file);
      return { file, ...sniffFormat(head, gzip, logFormat) };
    } catch (err) {
      return { file, error: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}` };
    }
  });
  for (const s of sniffed) {
    if ('error' in s) unreadable.push({ file: s.file, note: s.error! });
    else planned.push({ file: s.file, format: s.format, gzip: s.gzip, note: s.note });
  }
  const rank = (f: FlowFormat) => (isDnsFormat(f) ? 0 : 1);
  planned.sort((a, b) => rank(a.format) - rank(b.format) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { planned, unreadable };
}

/** What both engines do first: plan the inputs, and report the unreadable ones as not assessed. */
export async function beginFlowRun(paths: readonly string[], options: FlowRunOptions) {
  const displayName = displayNameFor(options.cwd);
  const analysis = new FlowAnalysis(options.policy, displayName, options.inventory);
  const { planned, unreadable } = await planInputs(paths, options.cwd, options.logFormat);
  const files: FileReport[] = [];
  for (const u of unreadable) {
    analysis.notAssessed(u.file, u.note);
    files.push({
      file: displayName(u.file),
      format: 'unknown',
      gzip: false,
      records: 0,
      malformed: 0,
      status: 'not-assessed',
      note: u.note,
    });
  }
  return { displayName, analysis, planned, files };
}

/**
 * Reads one sniffed flow or DNS log file into a sink with the reader of its format (the JS engine, and `cordon verify
 * --flows`). Parquet and unknown formats are the caller's to report.
 */
export async function readLogFile(
  p: { file: string; format: FlowFormat; gzip: boolean },
  logFormat: string | undefined,
  batch: FlowBatch,
  sink: ReaderSink,
  interner: Interner,
): Promise<ReadSummary> {
  if (p.format === 'aws-vpc' || p.format === 'aws-tgw')
    return readAwsText(p.file, p.gzip, logFormat !== undefined ? { logFormat } : {}, batch, sink, interner);
  if (p.format === 'aws-cloudwatch')
    return readCloudWatch(p.file, p.gzip, logFormat !== undefined ? { logFormat } : {}, batch, sink, interner);
  if (p.format === 'azure') return readAzure(p.file, p.gzip, batch, sink, interner);
  if (p.format === 'gcp-vpc') return readGcp(p.file, p.gzip, batch, sink, interner);
  if (isDnsFormat(p.format)) return readDnsFile(p.file, p.gzip, p.format, sink);
  throw new Error(`no reader for the ${p.format} format`);
}

export async function analyzeFlows(paths: readonly string[], options: FlowRunOptions): Promise<FlowRunResult> {
  const { displayName, analysis, planned, files } = await beginFlowRun(paths, options);
  const batch = new FlowBatch();
  // Small files are read whole up to READ_CONCURRENCY files ahead, while the current one is parsed; files are still
  // analysed one at a time in the planned order, so the output does not depend on which read finished first.
  const readable = (f: FlowFormat) => f !== 'unknown' && f !== 'parquet';
  const ahead: (Promise<Buffer | undefined> | undefined)[] = [];
  const startRead = (k: number) => {
    const q = planned[k];
    if (q && readable(q.format)) ahead[k] = readAheadSmall(q.file, q.gzip);
  };
  for (let k = 0; k < READ_CONCURRENCY; k++) startRead(k);
  for (let k = 0; k < planned.length; k++) {
    const p = planned[k]!;
    startRead(k + READ_CONCURRENCY);
    const content = await ahead[k];
    ahead[k] = undefined;
    if (content) setReadAhead(p.file, content, p.gzip);
    try {
      await analyzeOne(p);
    } finally {
      clearReadAhead(p.file);
    }
  }
  files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return analysis.finish(files);

  async function analyzeOne(p: (typeof planned)[number]): Promise<void> {
    const name = displayName(p.file);
    if (p.format === 'unknown' || p.format === 'parquet') {
      const note = p.format === 'parquet' ? 'Parquet flow logs are read by --engine duckdb' : p.note;
      analysis.notAssessed(p.file, note);
      files.push({
        file: name,
        format: p.format,
        gzip: p.gzip,
        records: 0,
        malformed: 0,
        status: 'not-assessed',
        note,
      });
      return;
    }
    // Records already counted when a read fails midway (a truncated gzip): the file is partly assessed.
    const before = analysis.records + analysis.dnsQueries;
    try {
      const r = await readLogFile(p, options.logFormat, batch, analysis, analysis.interner);
      files.push(readToEnd(analysis, p, name, r.format, r.records, r.units));
    } catch (err) {
      const bad = analysis.malformedByFile.get(p.file) ?? 0;
      const got = analysis.records + analysis.dnsQueries - before;
      const note = `read failed${got > 0 ? ` after ${got} records` : ''}: ${(err as Error).message}`;
      analysis.notAssessed(p.file, note);
      files.push({
        file: name,
        format: p.format,
        gzip: p.gzip,
        records: got,
        malformed: bad,
        status: got > 0 ? 'partial' : 'not-assessed',
        note,
      });
    }
  }
}
