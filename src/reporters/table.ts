/** The default terminal report: failing findings grouped by severity, then what could not be assessed, then a summary. */
import { createColors } from 'picocolors';
import { SEVERITIES, type Severity } from '../findings/types.js';
import type { ScanReport } from '../scan.js';
import { originText, SEVERITY_LABEL } from './shared.js';
import { chunksToString, joinLines, type Chunks } from './stream.js';

export interface TableOptions {
  color: boolean;
  verbose?: boolean;
}

export function renderTable(report: ScanReport, opts: TableOptions): string {
  return chunksToString(tableChunks(report, opts));
}

export function tableChunks(report: ScanReport, opts: TableOptions): Chunks {
  return joinLines(tableLines(report, opts), true);
}

function* tableLines(report: ScanReport, opts: TableOptions): Generator<string> {
  const c = createColors(opts.color);
  const sevColor: Record<Severity, (s: string) => string> = {
    critical: (s) => c.bold(c.red(s)),
    high: c.red,
    medium: c.yellow,
    low: c.cyan,
    info: c.dim,
  };
  for (const sev of SEVERITIES) {
    const fs = report.findings.filter((f) => f.status === 'fail' && !f.suppression && f.severity === sev);
    if (fs.length === 0) continue;
    yield sevColor[sev](`${SEVERITY_LABEL[sev]} (${fs.length})`);
    // (A loop, not Math.max(...): an organisation can have more findings than a call has room for arguments.)
    const width = Math.min(
      48,
      fs.reduce((w, f) => Math.max(w, f.checkId.length), 0),
    );
    for (const f of fs) {
      yield `  ${sevColor[sev]('✗')} ${f.checkId.padEnd(width)}  ${c.bold(f.resource.id)} ${c.dim(`${f.resource.account}/${f.resource.region}`)}`;
      yield `      ${f.message}`;
      const where = originText(f.origin);
      if (where) yield c.dim(`      at ${where}`);
    }
    yield '';
  }
  const na = report.findings.filter((f) => f.status === 'not-assessed');
  if (na.length > 0) {
    yield c.magenta(`NOT ASSESSED (${na.length})`);
    for (const f of na) yield `  ? ${f.checkId}  ${f.resource.id}: ${f.message}`;
    yield '';
  }
  const sup = report.findings.filter((f) => f.suppression);
  if (sup.length > 0 && opts.verbose) {
    yield c.dim(`SUPPRESSED (${sup.length})`);
    for (const f of sup) yield c.dim(`  - ${f.checkId}  ${f.resource.id}: ${f.suppression!.reason}`);
    yield '';
  }
  if (report.inputErrors.length > 0) {
    yield c.red(`INPUT ERRORS (${report.inputErrors.length}) — these files or items were skipped`);
    for (const e of report.inputErrors) yield `  ${e.file}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}`;
    yield '';
  }
  if (report.warnings.length > 0) {
    yield c.yellow(`WARNINGS (${report.warnings.length})`);
    for (const w of report.warnings) yield `  ${w.file}${w.line !== undefined ? `:${w.line}` : ''}: ${w.message}`;
    yield '';
  }
  for (const s of report.suppressions.expired)
    yield c.yellow(
      `suppression of ${s.check} (${s.resource}) expired on ${s.expires}: its findings are reported again`,
    );
  for (const s of report.suppressions.unused)
    yield c.dim(`suppression of ${s.check} (${s.resource}) matched no failing finding: remove it if the risk is gone`);
  const s = report.summary;
  const k = s.kpis.customizationJobs;
  if (k.total > 0) {
    yield `Customization jobs: ${k.percentWithVpc === null ? 'VPC protection unknown' : `${k.percentWithVpc}% with VPC protection`} (${k.withVpc} of ${k.withVpc + k.withoutVpc}), ${k.withoutVpc} non-compliant${k.unknown ? `, ${k.unknown} without details` : ''}`;
  }
  const az = s.kpis.azureAiPrivate;
  if (az && az.total > 0)
    yield `Azure AI resources: ${az.percentPrivate === null ? 'share private unknown' : `${az.percentPrivate}% private`} (${az.private} of ${az.total - az.unknown} with public access off and an approved private endpoint${az.unknown ? `; ${az.unknown} not known: their data was read only in part` : ''})`;
  const g = s.kpis.gcpAiProtected;
  if (g && g.total > 0)
    yield `GCP AI projects: ${g.percentProtected}% protected (${g.protected} of ${g.total} inside an enforced VPC Service Controls perimeter with private Vertex AI access; ${g.inEnforcedPerimeter} in a perimeter, ${g.privateApiAccess} private)`;
  const bySev = SEVERITIES.filter((x) => s.failBySeverity[x] > 0)
    .map((x) => `${s.failBySeverity[x]} ${x}`)
    .join(', ');
  yield `${c.bold('Summary:')} ${s.byStatus.fail - s.suppressed} failing${bySev ? ` (${bySev})` : ''}, ${s.byStatus.pass} passing, ${s.byStatus['not-assessed']} not assessed, ${s.suppressed} suppressed — ${report.checks.length} checks over ${s.files} files; policy: ${report.policy}`;
}
