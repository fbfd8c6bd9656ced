/** Report formats. Every format is deterministic: the same findings give the same bytes. */
import type { ScanReport } from '../scan.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import { renderSarif } from './sarif.js';
import { renderTable } from './table.js';

export const FORMATS = ['table', 'json', 'sarif', 'junit', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];

export function renderReport(format: Format, report: ScanReport, opts: { color: boolean; verbose?: boolean }): string {
  switch (format) {
    case 'table':
      return renderTable(report, opts);
    case 'json':
      return renderJson(report);
    case 'sarif':
      return renderSarif({ tool: report.tool, rules: report.checks, findings: report.findings });
    case 'junit':
      return renderJunit(report);
    case 'markdown':
      return renderMarkdown(report);
  }
}
