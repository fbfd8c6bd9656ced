/** Machine-readable report: the whole ScanReport, stable key order, sorted findings. Baselines read this format. */
import type { ScanReport } from '../scan.js';
import { chunksToString, jsonChunks, type Chunks } from './stream.js';

/** Written finding by finding: the report of a large organisation is larger than a string can be. */
export function jsonReportChunks(report: ScanReport): Chunks {
  const out = {
    tool: report.tool,
    policy: report.policy,
    summary: report.summary,
    findings: report.findings,
    inputErrors: report.inputErrors,
    warnings: report.warnings,
    suppressions: report.suppressions,
  };
  return (function* () {
    yield* jsonChunks(out, 2);
    yield '\n';
  })();
}

export function renderJson(report: ScanReport): string {
  return chunksToString(jsonReportChunks(report));
}
