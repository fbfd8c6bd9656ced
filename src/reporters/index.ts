/**
 * Report formats. Every format is deterministic (the same findings give the same bytes) and is produced as a
 * sequence of chunks, written to its destination as it is made (stream.ts).
 */
import type { ScanReport } from '../scan.js';
import { jsonReportChunks } from './json.js';
import { junitChunks } from './junit.js';
import { markdownChunks } from './markdown.js';
import { sarifChunks } from './sarif.js';
import { chunksToString, type Chunks } from './stream.js';
import { tableChunks } from './table.js';

export const FORMATS = ['table', 'json', 'sarif', 'junit', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

export interface ReportOptions {
  color: boolean;
  verbose?: boolean;
}

export function reportChunks(format: Format, report: ScanReport, opts: ReportOptions): Chunks {
  switch (format) {
    case 'table':
      return tableChunks(report, opts);
    case 'json':
      return jsonReportChunks(report);
    case 'sarif':
      return sarifChunks({
        tool: report.tool,
        rules: report.checks,
        findings: report.findings,
        inputErrors: report.inputErrors,
        warnings: report.warnings,
        suppressions: report.suppressions,
      });
    case 'junit':
      return junitChunks(report);
    case 'markdown':
      return markdownChunks(report);
  }
}

/** The whole report as one string: for small reports and tests; the CLI streams reportChunks instead. */
export function renderReport(format: Format, report: ScanReport, opts: ReportOptions): string {
  return chunksToString(reportChunks(format, report, opts));
}
