/** Machine-readable report: the whole ScanReport, stable key order, sorted findings. Baselines read this format. */
import type { ScanReport } from '../scan.js';

export function renderJson(report: ScanReport): string {
  const out = {
    tool: report.tool,
    policy: report.policy,
    summary: report.summary,
    findings: report.findings,
    inputErrors: report.inputErrors,
    warnings: report.warnings,
    suppressions: report.suppressions,
  };
  return JSON.stringify(out, null, 2) + '\n';
}
