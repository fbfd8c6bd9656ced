/**
 * Output of `cordon flows`: alerts as Findings (so the shared SARIF reporter renders them), JSON lines, a JSON
 * document, and the one-screen summary: inputs read, the zone-to-zone matrix, top talkers per alert type, allow
 * rules no traffic used, and alerts with the file:line of their evidence. Same input, same bytes.
 */
import { createColors } from 'picocolors';
import { applySuppressions } from '../findings/suppress.js';
import { fingerprintOf, type Finding, type Severity } from '../findings/types.js';
import type { Suppression } from '../policy/schema.js';
import { renderSarif } from '../reporters/sarif.js';
import { TOOL } from '../scan.js';
import type { Alert } from './alerts.js';
import type { FlowRunResult } from './analyze.js';

export function alertToFinding(a: Alert): Finding {
  const resource = {
    provider: a.provider,
    account: a.account,
    region: a.region,
    type: a.resourceType,
    id: a.resource || a.talker || a.file,
  };
  const notAssessed = a.rule.id === 'flow-input-not-assessed';
  return {
    checkId: a.rule.id,
    title: a.rule.title,
    severity: a.severity,
    status: notAssessed ? 'not-assessed' : 'fail',
    resource,
    origin: { kind: 'file', file: a.file, line: a.line },
    message: a.records > 1 ? `${a.message} [${a.records} records, ${a.bytes} bytes]` : a.message,
    evidence: {
      ...a.evidence,
      records: a.records,
      bytes: a.bytes,
      ...(a.firstRecord ? { firstRecord: a.firstRecord } : {}),
      samples: a.samples,
      // Every contributing file with its own counts and first lines (the samples above are the first hits overall).
      files: a.files,
      ...(a.filesNotListed.files > 0 ? { filesNotListed: a.filesNotListed } : {}),
    },
    remediation: a.rule.remediation,
    references: a.rule.references,
    // The alert key (rule, severity, endpoints) identifies it across runs; the ENI alone would merge distinct flows.
    fingerprint: fingerprintOf(a.rule.id, { ...resource, id: `${a.severity}|${a.key}` }),
  };
}

/**
 * The alerts as findings, with cordon.yaml suppressions applied when given (suppressed findings stay in json, jsonl
 * and SARIF, marked, and never fail a run; the table counts them).
 */
export function findingsOf(
  result: FlowRunResult,
  suppress?: { suppressions: readonly Suppression[]; today: string },
): Finding[] {
  const findings = result.alerts.map(alertToFinding);
  return suppress ? applySuppressions(findings, suppress.suppressions, suppress.today).findings : findings;
}

export interface RenderOptions {
  suppress?: { suppressions: readonly Suppression[]; today: string };
}

export function renderFlowsSarif(result: FlowRunResult, opts: RenderOptions = {}): string {
  return renderSarif({
    tool: TOOL,
    rules: result.rules.map((r) => ({ ...r })),
    findings: findingsOf(result, opts.suppress),
  });
}

export function renderFlowsJsonl(result: FlowRunResult, opts: RenderOptions = {}): string {
  return findingsOf(result, opts.suppress)
    .map((f) => JSON.stringify(f) + '\n')
    .join('');
}

export function renderFlowsJson(result: FlowRunResult, opts: RenderOptions = {}): string {
  const { alerts: _alerts, rules: _rules, ...rest } = result;
  return JSON.stringify({ tool: TOOL, ...rest, findings: findingsOf(result, opts.suppress) }, null, 2) + '\n';
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}

function count(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}

/** "12 tuples -> 20 directional rows", "10 entries - 3 de-duplicated DEST reports = 7 rows", "300 records". */
function unitText(m: Map<string, number>, format: string): string {
  const n = (u: string) => m.get(u) ?? 0;
  if (m.has('tuples')) return `${n('tuples')} flow tuples -> ${n('directions')} directional rows`;
  if (m.has('entries'))
    return `${n('entries')} log entries - ${n('deduplicatedReports')} de-duplicated DEST reports = ${n('entries') - n('deduplicatedReports')} rows`;
  if (m.has('queries')) return `${n('queries')} queries`;
  return `${n('records')} ${format === 'parquet' ? 'rows' : 'records'}`;
}

function pad(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === 0 || c === 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
}

export interface TalkerRow {
  rule: string;
  talker: string;
  alerts: number;
  records: number;
  bytes: number;
}

/** Per alert type, the sources with the most bytes (then records) in its alerts. */
export function topTalkers(result: FlowRunResult, limit = 3): TalkerRow[] {
  const by = new Map<string, TalkerRow>();
  for (const a of result.alerts) {
    if (a.rule.id === 'flow-input-not-assessed') continue;
    const k = `${a.rule.id}|${a.talker}`;
    const t = by.get(k) ?? { rule: a.rule.id, talker: a.talker, alerts: 0, records: 0, bytes: 0 };
    t.alerts++;
    t.records += a.records;
    t.bytes += a.bytes;
    by.set(k, t);
  }
  const rows = [...by.values()].sort(
    (a, b) =>
      a.rule.localeCompare(b.rule) || b.bytes - a.bytes || b.records - a.records || a.talker.localeCompare(b.talker),
  );
  const out: TalkerRow[] = [];
  const seen = new Map<string, number>();
  for (const r of rows) {
    const n = seen.get(r.rule) ?? 0;
    if (n < limit) out.push(r);
    seen.set(r.rule, n + 1);
  }
  return out;
}

const SEV_ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

export function renderFlowsTable(
  result: FlowRunResult,
  opts: { color: boolean; maxAlerts?: number } & RenderOptions,
): string {
  const c = createColors(opts.color);
  const out: string[] = [];
  const read = result.files.filter((f) => f.status !== 'not-assessed');
  out.push(
    c.bold(
      `Flows: ${count(result.records)} flow records, ${count(result.dnsQueries)} DNS queries from ${read.length} of ${result.files.length} files (engine ${result.engine})`,
    ),
  );
  const formats = new Map<string, number>();
  for (const f of read) formats.set(f.format, (formats.get(f.format) ?? 0) + 1);
  if (formats.size > 0)
    out.push(
      `  formats: ${[...formats]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k} ×${v}`)
        .join(', ')}`,
    );
  // What was counted per format, in the input's own units, so the numbers reconcile with the input.
  const units = new Map<string, Map<string, number>>();
  for (const f of read) {
    const m = units.get(f.format) ?? new Map<string, number>();
    for (const [u, n] of Object.entries(f.units ?? { records: f.records })) m.set(u, (m.get(u) ?? 0) + n);
    units.set(f.format, m);
  }
  if (units.size > 0)
    out.push(
      `  counted: ${[...units]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([fmt, m]) => `${fmt} ${unitText(m, fmt)}`)
        .join('; ')}`,
    );
  if (result.nodata + result.skipdata > 0)
    out.push(`  NODATA records: ${result.nodata}, SKIPDATA records: ${result.skipdata}`);
  if (result.malformedTotal > 0) {
    out.push(
      c.yellow(`  malformed lines: ${result.malformedTotal} (skipped; first ${result.malformedSamples.length}):`),
    );
    for (const m of result.malformedSamples) out.push(`    ${m.file}:${m.line}: ${m.message}`);
  }
  const na = result.files.filter((f) => f.status === 'not-assessed');
  if (na.length > 0) {
    out.push(c.magenta(`  not assessed (${na.length}):`));
    for (const f of na) out.push(`    ${f.file}: ${f.note}`);
  }
  out.push('');

  out.push(c.bold('Zone matrix (source -> destination)'));
  if (result.matrix.length === 0) out.push('  no flow records');
  else {
    const rows = [['from', 'to', 'accepted', 'bytes', 'rejected', 'bytes', 'no verdict', 'bytes']];
    for (const m of result.matrix) {
      rows.push([
        m.from,
        m.to,
        count(m.acceptedRecords),
        formatBytes(m.acceptedBytes),
        count(m.rejectedRecords),
        formatBytes(m.rejectedBytes),
        count(m.observedRecords),
        formatBytes(m.observedBytes),
      ]);
    }
    for (const line of pad(rows)) out.push(`  ${line}`);
  }
  out.push('');

  const talkers = topTalkers(result);
  if (talkers.length > 0) {
    out.push(c.bold('Top talkers per alert type'));
    const rows = [['alert', 'source', 'alerts', 'records', 'bytes']];
    for (const t of talkers) rows.push([t.rule, t.talker, String(t.alerts), count(t.records), formatBytes(t.bytes)]);
    for (const line of pad(rows)) out.push(`  ${line}`);
    out.push('');
  }

  out.push(c.bold(`Allow rules no traffic used (${result.unusedRules.length}; candidates to remove)`));
  if (result.unusedRules.length === 0) out.push('  none');
  for (const r of result.unusedRules)
    out.push(
      `  ${r.id}  ${r.from} -> ${r.to}  ${r.name}${r.line !== undefined ? c.dim(`  (policy line ${r.line})`) : ''}`,
    );
  out.push('');

  for (const s of result.stateNotes) out.push(c.yellow(`state: ${s.rule}: ${s.untracked} — ${s.note}`));
  if (result.stateNotes.length > 0) out.push('');

  const suppressed = new Set(
    findingsOf(result, opts.suppress)
      .filter((f) => f.suppression)
      .map((f) => f.fingerprint),
  );
  const alerts = result.alerts.filter(
    (a) => a.rule.id !== 'flow-input-not-assessed' && !suppressed.has(alertToFinding(a).fingerprint),
  );
  if (suppressed.size > 0)
    out.push(c.dim(`suppressed by cordon.yaml: ${suppressed.size} alert${suppressed.size === 1 ? '' : 's'}`));
  const bySev = SEV_ORDER.map((s) => [s, alerts.filter((a) => a.severity === s).length] as const).filter(
    ([, n]) => n > 0,
  );
  out.push(
    c.bold(`Alerts (${alerts.length}${bySev.length ? `: ${bySev.map(([s, n]) => `${n} ${s}`).join(', ')}` : ''})`),
  );
  const max = opts.maxAlerts ?? 50;
  const sevColor: Record<Severity, (s: string) => string> = {
    critical: (s) => c.bold(c.red(s)),
    high: c.red,
    medium: c.yellow,
    low: c.cyan,
    info: c.dim,
  };
  for (const a of alerts.slice(0, max)) {
    out.push(`  ${sevColor[a.severity](a.severity.toUpperCase().padEnd(8))} ${a.rule.id}  ${a.message}`);
    out.push(
      c.dim(
        `           ${a.records} record${a.records === 1 ? '' : 's'}, ${formatBytes(a.bytes)}; evidence ${a.file}:${a.line}${a.samples.length > 1 ? ` (also ${a.samples.slice(1).join(', ')})` : ''}`,
      ),
    );
    // More than one file: each one's share, so no contributing file goes uncited (all of them in json/jsonl/sarif).
    if (a.files.length > 1) {
      const shown = a.files.slice(0, 3).map((f) => `${f.file} (${f.records}, lines ${f.lines.join(',')})`);
      const more = a.files.length - shown.length + a.filesNotListed.files;
      out.push(c.dim(`           files: ${shown.join('; ')}${more > 0 ? `; and ${more} more` : ''}`));
    }
  }
  if (alerts.length > max) out.push(c.dim(`  … ${alerts.length - max} more (use --format jsonl or sarif for all)`));
  return out.join('\n') + '\n';
}
