/** Provider-neutral findings: what checks and analyses produce and reporters render. */

export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s); // critical=5 … info=1
}

export type Status = 'fail' | 'pass' | 'not-assessed';

export type Provider = 'aws' | 'azure' | 'gcp' | 'policy';

export interface ResourceRef {
  provider: Provider;
  account: string;
  region: string;
  /** e.g. AWS::EC2::VPCEndpoint */
  type: string;
  id: string;
  arn?: string;
}

/** Where the evidence came from: a file position, or a live API call. */
export type Origin =
  { kind: 'file'; file: string; line?: number; column?: number; pointer?: string } | { kind: 'live'; api: string };

export interface Remediation {
  text: string;
  /** An infrastructure-as-code snippet that closes the gap, with its language. */
  snippet?: { language: string; code: string };
}

export interface Finding {
  checkId: string;
  title: string;
  severity: Severity;
  status: Status;
  resource: ResourceRef;
  origin?: Origin;
  message: string;
  /** Why cordon concluded what it did: facts it read, in a small JSON-able shape. */
  evidence?: Record<string, unknown>;
  remediation: Remediation;
  references: string[];
  /** Stable identity of the finding across runs (check + resource), used by baselines and SARIF. */
  fingerprint: string;
  /** Set when a suppression in cordon.yaml covers it; suppressed findings never fail a run. */
  suppression?: { reason: string; expires?: string };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    statusOrder(a.status) - statusOrder(b.status) ||
    a.checkId.localeCompare(b.checkId) ||
    a.resource.account.localeCompare(b.resource.account) ||
    a.resource.region.localeCompare(b.resource.region) ||
    a.resource.id.localeCompare(b.resource.id) ||
    a.message.localeCompare(b.message)
  );
}

function statusOrder(s: Status): number {
  return s === 'fail' ? 0 : s === 'not-assessed' ? 1 : 2;
}

export function fingerprintOf(checkId: string, r: ResourceRef): string {
  return [checkId, r.provider, r.account, r.region, r.arn ?? r.id].join('|');
}
