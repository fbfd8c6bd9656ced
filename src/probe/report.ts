/**
 * Output of `cordon probe`: the plan (--plan) as text or JSON, and results through the shared reporters (JUnit,
 * SARIF, JSON, Markdown) plus a table that lists every test with its outcome, since a probe run is read test by test.
 */
import { createColors } from 'picocolors';
import type { Status } from '../findings/types.js';
import type { Format } from '../reporters/index.js';
import { renderJunit } from '../reporters/junit.js';
import { renderMarkdown } from '../reporters/markdown.js';
import { renderSarif } from '../reporters/sarif.js';
import { summarise, TOOL, type ScanReport } from '../scan.js';
import { KINDS } from './kinds.js';
import { TEST_KINDS, type ProbePlan } from './plan.js';
import type { ProbeResult } from './run.js';

export function renderPlanText(plan: ProbePlan): string {
  const out = [
    `Probe plan for zone ${plan.zone} (policy: ${plan.policy})`,
    `  resolvers: ${plan.resolvers.map((r) => `${r.id} (${r.source})`).join(', ')}`,
    ...plan.resolverNotes.map((n) => `  note: ${n}`),
    `  AWS regions: ${plan.regions.join(', ') || 'none'}`,
    `  bounds: ${plan.bounds.timeoutMs} ms per attempt, ${plan.bounds.concurrency} in flight, ${plan.bounds.timeLimitSeconds} s in all`,
    '',
  ];
  for (const kind of TEST_KINDS) {
    const tests = plan.tests.filter((t) => t.kind === kind);
    if (tests.length === 0) continue;
    out.push(`${kind} (${KINDS[kind].id}, ${tests.length}): ${KINDS[kind].title}`);
    for (const t of tests) {
      out.push(`  ${t.target}`);
      out.push(t.unassessed ? `      not assessed: ${t.unassessed}` : `      expect: ${t.expect}`);
      out.push(`      why: ${t.why}`);
    }
    out.push('');
  }
  out.push(
    `${plan.tests.length} tests; nothing was sent. Sent when run: DNS queries, TCP handshakes, TLS ClientHellos, one marked HTTP request per egress or tool-isolation test.`,
  );
  return out.join('\n') + '\n';
}

export function renderPlanJson(plan: ProbePlan): string {
  return JSON.stringify({ tool: TOOL, plan }, null, 2) + '\n';
}

export function probeScanReport(result: ProbeResult): ScanReport {
  return {
    tool: TOOL,
    policy: result.plan.policy,
    findings: result.findings,
    inputErrors: [],
    warnings: [],
    suppressions: result.suppressions,
    checks: [],
    summary: summarise(result.findings, 0, 1),
  };
}

const MARK: Record<Status, string> = { pass: 'PASS', fail: 'FAIL', 'not-assessed': 'N/A ' };

export function renderProbeTable(result: ProbeResult, opts: { color: boolean }): string {
  const c = createColors(opts.color);
  const paint: Record<Status, (s: string) => string> = { pass: c.green, fail: c.red, 'not-assessed': c.magenta };
  const out = [
    c.bold(`Probe from zone ${result.plan.zone} (policy: ${result.plan.policy})`),
    `  marker: ${result.marker}  (search flow, DNS and proxy logs for it)`,
    '',
  ];
  for (const kind of TEST_KINDS) {
    const fs = result.findings
      .filter((f) => f.checkId === KINDS[kind].id)
      .sort((a, b) => a.resource.id.localeCompare(b.resource.id));
    if (fs.length === 0) continue;
    out.push(c.bold(`${kind}: ${KINDS[kind].title}`));
    for (const f of fs) {
      const status = f.suppression ? c.dim('SUPP') : paint[f.status](MARK[f.status]);
      out.push(`  ${status}  ${f.resource.id}`);
      out.push(c.dim(`        ${f.message}`));
    }
    out.push('');
  }
  const s = summarise(result.findings, 0, 1);
  out.push(
    `${c.bold('Summary:')} ${s.byStatus.fail - s.suppressed} failing, ${s.byStatus.pass} passing, ${s.byStatus['not-assessed']} not assessed, ${s.suppressed} suppressed${result.timedOut ? c.yellow(' — the time limit cut the run short') : ''}`,
  );
  return out.join('\n') + '\n';
}

/** The scan report's JSON shape (baselines read its findings) with the zone, marker and plan bounds added. */
export function renderProbeJson(result: ProbeResult): string {
  const report = probeScanReport(result);
  const out = {
    tool: report.tool,
    policy: report.policy,
    zone: result.plan.zone,
    marker: result.marker,
    resolvers: result.plan.resolvers,
    bounds: result.plan.bounds,
    timedOut: result.timedOut,
    summary: report.summary,
    findings: report.findings,
    suppressions: report.suppressions,
  };
  return JSON.stringify(out, null, 2) + '\n';
}

export function renderProbe(format: Format, result: ProbeResult, opts: { color: boolean }): string {
  switch (format) {
    case 'table':
      return renderProbeTable(result, opts);
    case 'json':
      return renderProbeJson(result);
    case 'sarif':
      return renderSarif({
        tool: TOOL,
        rules: TEST_KINDS.map((k) => KINDS[k]),
        findings: result.findings,
      });
    case 'junit':
      return renderJunit(probeScanReport(result));
    case 'markdown':
      return renderMarkdown(probeScanReport(result));
  }
}
