/** Markdown for pull-request comments and wikis. */
import { SEVERITIES } from '../findings/types.js';
import type { ScanReport } from '../scan.js';
import { originText, SEVERITY_LABEL } from './shared.js';

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderMarkdown(report: ScanReport): string {
  const s = report.summary;
  const out = [
    '# cordon network-isolation report',
    '',
    `Policy: ${report.policy}`,
    '',
    '| status | count |',
    '|---|---|',
  ];
  out.push(
    `| fail | ${s.byStatus.fail - s.suppressed} |`,
    `| suppressed | ${s.suppressed} |`,
    `| not assessed | ${s.byStatus['not-assessed']} |`,
    `| pass | ${s.byStatus.pass} |`,
    '',
  );
  const k = s.kpis.customizationJobs;
  if (k.total > 0) {
    out.push(
      '| Bedrock customization KPI | value |',
      '|---|---|',
      `| jobs with VPC protection | ${k.percentWithVpc === null ? 'unknown' : `${k.percentWithVpc}%`} (${k.withVpc} of ${k.withVpc + k.withoutVpc}) |`,
      `| non-compliant jobs | ${k.withoutVpc} |`,
      ...(k.unknown ? [`| jobs without details | ${k.unknown} |`] : []),
      '',
    );
  }
  for (const sev of SEVERITIES) {
    const fs = report.findings.filter((f) => f.status === 'fail' && !f.suppression && f.severity === sev);
    if (fs.length === 0) continue;
    out.push(
      `## ${SEVERITY_LABEL[sev]} (${fs.length})`,
      '',
      '| check | resource | finding | where |',
      '|---|---|---|---|',
    );
    for (const f of fs)
      out.push(
        `| \`${f.checkId}\` | \`${cell(f.resource.id)}\` ${f.resource.account}/${f.resource.region} | ${cell(f.message)} | ${cell(originText(f.origin))} |`,
      );
    out.push('');
  }
  const na = report.findings.filter((f) => f.status === 'not-assessed');
  if (na.length > 0) {
    out.push(`## Not assessed (${na.length})`, '', '| check | resource | why |', '|---|---|---|');
    for (const f of na) out.push(`| \`${f.checkId}\` | \`${cell(f.resource.id)}\` | ${cell(f.message)} |`);
    out.push('');
  }
  if (report.inputErrors.length > 0) {
    out.push(`## Input errors (${report.inputErrors.length})`, '');
    for (const e of report.inputErrors)
      out.push(`- \`${e.file}${e.line !== undefined ? `:${e.line}` : ''}\` ${cell(e.message)}`);
    out.push('');
  }
  return out.join('\n');
}
