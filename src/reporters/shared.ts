import type { Finding, Origin, Severity } from '../findings/types.js';

export function originText(o: Origin | undefined): string {
  if (!o) return '';
  if (o.kind === 'live') return `live: ${o.api}`;
  return o.line !== undefined ? `${o.file}:${o.line}` : o.file;
}

export function resourceText(f: Finding): string {
  const r = f.resource;
  return `${r.id} (${r.account}/${r.region})`;
}

export const SEVERITY_LABEL: Record<Severity, string> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  info: 'INFO',
};

/** Failing findings first by severity; passes are counted, not listed, in human formats. */
export function failing(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.status === 'fail');
}
