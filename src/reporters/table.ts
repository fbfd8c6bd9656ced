/** The default terminal report: failing findings grouped by severity, then what could not be assessed, then a summary. */
import { createColors } from 'picocolors';
import { SEVERITIES, type Severity } from '../findings/types.js';
import type { ScanReport } from '../scan.js';
import { originText, SEVERITY_LABEL } from './shared.js';

export function renderTable(report: ScanReport, opts: { color: boolean; verbose?: boolean }): string {
  const c = createColors(opts.color);
  const sevColor: Record<Severity, (s: string) => string> = {
    critical: (s) => c.bold(c.red(s)),
    high: c.red,
    medium: c.yellow,
    low: c.cyan,
    info: c.dim,
  };
  const out: string[] = [];
  for (const sev of SEVERITIES) {
    const fs = report.findings.filter((f) => f.status === 'fail' && !f.suppression && f.severity === sev);
    if (fs.length === 0) continue;
    out.push(sevColor[sev](`${SEVERITY_LABEL[sev]} (${fs.length})`));
    const width = Math.min(48, Math.max(...fs.map((f) => f.checkId.length)));
    for (const f of fs) {
      out.push(
        `  ${sevColor[sev]('✗')} ${f.checkId.padEnd(width)}  ${c.bold(f.resource.id)} ${c.dim(`${f.resource.account}/${f.resource.region}`)}`,
      );
      out.push(`      ${f.message}`);
      const where = originText(f.origin);
      if (where) out.push(c.dim(`      at ${where}`));
    }
    out.push('');
  }
  const na = report.findings.filter((f) => f.status === 'not-assessed');
  if (na.length > 0) {
    out.push(c.magenta(`NOT ASSESSED (${na.length})`));
    for (const f of na) out.push(`  ? ${f.checkId}  ${f.resource.id}: ${f.message}`);
    out.push('');
  }
  const sup = report.findings.filter((f) => f.suppression);
  if (sup.length > 0 && opts.verbose) {
    out.push(c.dim(`SUPPRESSED (${sup.length})`));
    for (const f of sup) out.push(c.dim(`  - ${f.checkId}  ${f.resource.id}: ${f.suppression!.reason}`));
    out.push('');
  }
  if (report.inputErrors.length > 0) {
    out.push(c.red(`INPUT ERRORS (${report.inputErrors.length}) — these files or items were skipped`));
    for (const e of report.inputErrors)
      out.push(`  ${e.file}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}`);
    out.push('');
  }
  if (report.warnings.length > 0) {
    out.push(c.yellow(`WARNINGS (${report.warnings.length})`));
    for (const w of report.warnings) out.push(`  ${w.file}${w.line !== undefined ? `:${w.line}` : ''}: ${w.message}`);
    out.push('');
  }
  for (const s of report.suppressions.expired)
    out.push(
      c.yellow(`suppression of ${s.check} (${s.resource}) expired on ${s.expires}: its findings are reported again`),
    );
  for (const s of report.suppressions.unused)
    out.push(
      c.dim(`suppression of ${s.check} (${s.resource}) matched no failing finding: remove it if the risk is gone`),
    );
  const s = report.summary;
  const k = s.kpis.customizationJobs;
  if (k.total > 0) {
    out.push(
      `Customization jobs: ${k.percentWithVpc === null ? 'VPC protection unknown' : `${k.percentWithVpc}% with VPC protection`} (${k.withVpc} of ${k.withVpc + k.withoutVpc}), ${k.withoutVpc} non-compliant${k.unknown ? `, ${k.unknown} without details` : ''}`,
    );
  }
  const bySev = SEVERITIES.filter((x) => s.failBySeverity[x] > 0)
    .map((x) => `${s.failBySeverity[x]} ${x}`)
    .join(', ');
  out.push(
    `${c.bold('Summary:')} ${s.byStatus.fail - s.suppressed} failing${bySev ? ` (${bySev})` : ''}, ${s.byStatus.pass} passing, ${s.byStatus['not-assessed']} not assessed, ${s.suppressed} suppressed — ${report.checks.length} checks over ${s.files} files; policy: ${report.policy}`,
  );
  return out.join('\n') + '\n';
}
