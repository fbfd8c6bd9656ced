/** Markdown for pull-request comments and wikis. */
import { SEVERITIES } from '../findings/types.js';
import type { ScanReport } from '../scan.js';
import { originText, SEVERITY_LABEL } from './shared.js';
import { chunksToString, joinLines, type Chunks } from './stream.js';

/** Fixes listed in full: a pull-request comment has a size limit. */
const MAX_FIXES = 25;

function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

export function renderMarkdown(report: ScanReport): string {
  return chunksToString(markdownChunks(report));
}

export function markdownChunks(report: ScanReport): Chunks {
  return joinLines(markdownLines(report), false);
}

function* markdownLines(report: ScanReport): Generator<string> {
  const s = report.summary;
  yield* ['# cordon network-isolation report', '', `Policy: ${report.policy}`, '', '| status | count |', '|---|---|'];
  yield* [
    `| fail | ${s.byStatus.fail - s.suppressed} |`,
    `| suppressed | ${s.suppressed} |`,
    `| not assessed | ${s.byStatus['not-assessed']} |`,
    `| pass | ${s.byStatus.pass} |`,
    '',
  ];
  const az = s.kpis.azureAiPrivate;
  if (az && az.total > 0)
    yield* [
      '| Azure AI KPI | value |',
      '|---|---|',
      `| private AI resources | ${az.percentPrivate === null ? 'unknown' : `${az.percentPrivate}%`} (${az.private} of ${az.total - az.unknown}) |`,
      ...(az.unknown ? [`| not known (data read in part) | ${az.unknown} |`] : []),
      '',
    ];
  const g = s.kpis.gcpAiProtected;
  if (g && g.total > 0)
    yield* [
      '| GCP AI KPI | value |',
      '|---|---|',
      `| AI projects in an enforced perimeter with private Vertex AI access | ${g.percentProtected}% (${g.protected} of ${g.total}) |`,
      `| in an enforced perimeter | ${g.inEnforcedPerimeter} |`,
      `| private API access | ${g.privateApiAccess} |`,
      '',
    ];
  const k = s.kpis.customizationJobs;
  if (k.total > 0) {
    yield* [
      '| Bedrock customization KPI | value |',
      '|---|---|',
      `| jobs with VPC protection | ${k.percentWithVpc === null ? 'unknown' : `${k.percentWithVpc}%`} (${k.withVpc} of ${k.withVpc + k.withoutVpc}) |`,
      `| non-compliant jobs | ${k.withoutVpc} |`,
      ...(k.unknown ? [`| jobs without details | ${k.unknown} |`] : []),
      '',
    ];
  }
  for (const sev of SEVERITIES) {
    const fs = report.findings.filter((f) => f.status === 'fail' && !f.suppression && f.severity === sev);
    if (fs.length === 0) continue;
    yield* [
      `## ${SEVERITY_LABEL[sev]} (${fs.length})`,
      '',
      '| check | resource | finding | where |',
      '|---|---|---|---|',
    ];
    for (const f of fs)
      yield* [
        `| \`${f.checkId}\` | \`${cell(f.resource.id)}\` ${f.resource.account}/${f.resource.region} | ${cell(f.message)} | ${cell(originText(f.origin))} |`,
      ];
    yield* [''];
  }
  // The fixes of failing findings that come with commands or code, folded so the comment stays readable; the
  // rest of them (past MAX_FIXES) are in the JSON report.
  const fixable = report.findings.filter((f) => f.status === 'fail' && !f.suppression && f.remediation.snippet);
  if (fixable.length > 0) {
    yield* [`## Fixes (${fixable.length})`, ''];
    for (const f of fixable.slice(0, MAX_FIXES)) {
      const snippet = f.remediation.snippet!;
      const fence = snippet.code.includes('```') ? '~~~~' : '```';
      yield* [
        `<details><summary><code>${f.checkId}</code> <code>${html(f.resource.id)}</code>: ${html(f.remediation.text)}</summary>`,
        '',
        `${fence}${snippet.language}`,
        ...snippet.code.replace(/\n$/, '').split('\n'),
        fence,
        '',
        '</details>',
        '',
      ];
    }
    if (fixable.length > MAX_FIXES)
      yield* [`${fixable.length - MAX_FIXES} more fixes are in the JSON report (\`--format json\`).`, ''];
  }
  const na = report.findings.filter((f) => f.status === 'not-assessed');
  if (na.length > 0) {
    yield* [`## Not assessed (${na.length})`, '', '| check | resource | why |', '|---|---|---|'];
    for (const f of na) yield* [`| \`${f.checkId}\` | \`${cell(f.resource.id)}\` | ${cell(f.message)} |`];
    yield* [''];
  }
  if (report.inputErrors.length > 0) {
    yield* [`## Input errors (${report.inputErrors.length})`, ''];
    for (const e of report.inputErrors)
      yield* [`- \`${e.file}${e.line !== undefined ? `:${e.line}` : ''}\` ${cell(e.message)}`];
    yield* [''];
  }
}
