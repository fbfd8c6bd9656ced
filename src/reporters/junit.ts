/** JUnit XML for CI dashboards: a suite per check, a test case per resource; not-assessed findings are skipped. */
import type { ScanReport } from '../scan.js';
import { originText } from './shared.js';

function esc(s: string): string {
  // XML 1.0 forbids most control characters even escaped; drop them.
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

export function renderJunit(report: ScanReport): string {
  const byCheck = new Map<string, typeof report.findings>();
  for (const f of report.findings) byCheck.set(f.checkId, [...(byCheck.get(f.checkId) ?? []), f]);
  const suites = [...byCheck.entries()].sort(([a], [b]) => a.localeCompare(b));
  const count = (fs: typeof report.findings, pred: (f: (typeof fs)[number]) => boolean) => fs.filter(pred).length;
  const isFailure = (f: (typeof report.findings)[number]) => f.status === 'fail' && !f.suppression;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cordon" tests="${report.findings.length}" failures="${count(report.findings, isFailure)}" skipped="${count(report.findings, (f) => f.status === 'not-assessed' || f.suppression !== undefined)}">`,
  ];
  for (const [checkId, fs] of suites) {
    lines.push(
      `  <testsuite name="${esc(checkId)}" tests="${fs.length}" failures="${count(fs, isFailure)}" skipped="${count(fs, (f) => f.status === 'not-assessed' || f.suppression !== undefined)}">`,
    );
    for (const f of fs) {
      const name = esc(`${f.resource.id} (${f.resource.account}/${f.resource.region})`);
      const where = originText(f.origin);
      const body = esc(`${f.message}${where ? `\nat ${where}` : ''}\nremediation: ${f.remediation.text}`);
      if (isFailure(f))
        lines.push(
          `    <testcase classname="${esc(checkId)}" name="${name}"><failure type="${f.severity}" message="${esc(f.message)}">${body}</failure></testcase>`,
        );
      else if (f.suppression)
        lines.push(
          `    <testcase classname="${esc(checkId)}" name="${name}"><skipped message="${esc(`suppressed: ${f.suppression.reason}`)}"/></testcase>`,
        );
      else if (f.status === 'not-assessed')
        lines.push(
          `    <testcase classname="${esc(checkId)}" name="${name}"><skipped message="${esc(f.message)}"/></testcase>`,
        );
      else lines.push(`    <testcase classname="${esc(checkId)}" name="${name}"/>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return lines.join('\n') + '\n';
}
