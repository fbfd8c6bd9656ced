/** JUnit XML for CI dashboards: a suite per check, a test case per resource; not-assessed findings are skipped. */
import type { ScanReport } from '../scan.js';
import { originText } from './shared.js';
import { chunksToString, joinLines, type Chunks } from './stream.js';

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
  return chunksToString(junitChunks(report));
}

export function junitChunks(report: ScanReport): Chunks {
  return joinLines(junitLines(report), true);
}

type Findings = ScanReport['findings'];

function* junitLines(report: ScanReport): Generator<string> {
  const byCheck = new Map<string, Findings>();
  for (const f of report.findings) {
    const list = byCheck.get(f.checkId);
    if (list) list.push(f);
    else byCheck.set(f.checkId, [f]);
  }
  const suites = [...byCheck.entries()].sort(([a], [b]) => a.localeCompare(b));
  const count = (fs: Findings, pred: (f: Findings[number]) => boolean) => fs.filter(pred).length;
  const isFailure = (f: Findings[number]) => f.status === 'fail' && !f.suppression;
  const isSkipped = (f: Findings[number]) => f.status === 'not-assessed' || f.suppression !== undefined;
  const errors = report.inputErrors;
  // Input errors are test cases in error, so CI dashboards show that the scan did not read everything.
  const inputTests = errors.length > 0 || report.warnings.length > 0 ? errors.length || 1 : 0;
  yield '<?xml version="1.0" encoding="UTF-8"?>';
  yield `<testsuites name="cordon" tests="${report.findings.length + inputTests}" failures="${count(report.findings, isFailure)}"${errors.length > 0 ? ` errors="${errors.length}"` : ''} skipped="${count(report.findings, isSkipped)}">`;
  if (inputTests > 0) yield* inputSuite(report);
  for (const [checkId, fs] of suites) {
    yield `  <testsuite name="${esc(checkId)}" tests="${fs.length}" failures="${count(fs, isFailure)}" skipped="${count(fs, isSkipped)}">`;
    for (const f of fs) {
      const name = esc(`${f.resource.id} (${f.resource.account}/${f.resource.region})`);
      const where = originText(f.origin);
      const body = esc(`${f.message}${where ? `\nat ${where}` : ''}\nremediation: ${f.remediation.text}`);
      if (isFailure(f))
        yield `    <testcase classname="${esc(checkId)}" name="${name}"><failure type="${f.severity}" message="${esc(f.message)}">${body}</failure></testcase>`;
      else if (f.suppression)
        yield `    <testcase classname="${esc(checkId)}" name="${name}"><skipped message="${esc(`suppressed: ${f.suppression.reason}`)}"/></testcase>`;
      else if (f.status === 'not-assessed')
        yield `    <testcase classname="${esc(checkId)}" name="${name}"><skipped message="${esc(f.message)}"/></testcase>`;
      else yield `    <testcase classname="${esc(checkId)}" name="${name}"/>`;
    }
    yield '  </testsuite>';
  }
  yield '</testsuites>';
}

/**
 * The "cordon input" suite: one test case in error per input error (file, position, message); warnings go to the
 * suite's system-err. With only warnings, one passing test case carries them.
 */
function* inputSuite(report: ScanReport): Generator<string> {
  const where = (e: { file: string; line?: number; column?: number }) =>
    `${e.file}${e.line !== undefined ? `:${e.line}${e.column !== undefined ? `:${e.column}` : ''}` : ''}`;
  const errors = report.inputErrors;
  yield `  <testsuite name="cordon input" tests="${errors.length || 1}" failures="0" errors="${errors.length}" skipped="0">`;
  for (const e of errors) {
    const name = esc(where(e));
    const text = esc(`${where(e)}${'pointer' in e && e.pointer ? ` (${e.pointer})` : ''}: ${e.message}`);
    yield `    <testcase classname="cordon input" name="${name}"><error type="input-error" message="${esc(e.message)}">${text}</error></testcase>`;
  }
  if (errors.length === 0) yield '    <testcase classname="cordon input" name="snapshot read"/>';
  if (report.warnings.length > 0) {
    yield `    <system-err>${esc(report.warnings.map((w) => `warning: ${where(w)}: ${w.message}`).join('\n'))}</system-err>`;
  }
  yield '  </testsuite>';
}
