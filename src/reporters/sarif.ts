/**
 * SARIF 2.1.0, shaped for GitHub code scanning: one rule per check with security-severity, results for failing
 * (kind fail) and not-assessed (kind open, level note) findings, partial fingerprints for de-duplication, and
 * suppressions recorded as external suppressions. Passing findings are left out: code scanning shows every result.
 */
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { CheckMeta } from '../checks/types.js';
import type { Finding, Severity } from '../findings/types.js';

const LEVEL: Record<Severity, Result.level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

export interface SarifInput {
  tool: { name: string; version: string; informationUri: string };
  rules: Pick<CheckMeta, 'id' | 'title' | 'severity' | 'rationale' | 'remediation' | 'references' | 'service'>[];
  findings: Finding[];
}

export function toSarif(input: SarifInput): Log {
  const rules = [...input.rules].sort((a, b) => a.id.localeCompare(b.id));
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const descriptors: ReportingDescriptor[] = rules.map((r) => ({
    id: r.id,
    name: r.id.replace(/(^|-)([a-z0-9])/g, (_m, _d: string, c: string) => c.toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.rationale },
    ...(r.references[0] ? { helpUri: r.references[0] } : {}),
    help: {
      text: `${r.rationale}\n\nRemediation: ${r.remediation.text}`,
      markdown: `${r.rationale}\n\n**Remediation:** ${r.remediation.text}${r.remediation.snippet ? `\n\n\`\`\`${r.remediation.snippet.language}\n${r.remediation.snippet.code}\n\`\`\`` : ''}`,
    },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: {
      tags: ['security', 'network-isolation', r.service],
      'security-severity': SECURITY_SEVERITY[r.severity],
      precision: 'high',
    },
  }));
  const results: Result[] = input.findings
    .filter((f) => f.status !== 'pass')
    .map((f) => {
      const o = f.origin;
      const physical =
        o?.kind === 'file'
          ? {
              artifactLocation: { uri: encodeURI(o.file) },
              ...(o.line !== undefined
                ? { region: { startLine: o.line, ...(o.column !== undefined ? { startColumn: o.column } : {}) } }
                : {}),
            }
          : undefined;
      const result: Result = {
        ruleId: f.checkId,
        ...(index.has(f.checkId) ? { ruleIndex: index.get(f.checkId)! } : {}),
        kind: f.status === 'fail' ? 'fail' : 'open',
        level: f.status === 'fail' ? LEVEL[f.severity] : 'note',
        message: { text: f.message },
        locations: [
          {
            ...(physical ? { physicalLocation: physical } : {}),
            logicalLocations: [
              {
                name: f.resource.id,
                fullyQualifiedName:
                  f.resource.arn ??
                  `${f.resource.provider}:${f.resource.account}:${f.resource.region}:${f.resource.id}`,
                kind: 'resource',
              },
            ],
          },
        ],
        partialFingerprints: { 'cordonFinding/v1': f.fingerprint },
        properties: {
          severity: f.severity,
          status: f.status,
          resource: f.resource,
          ...(f.evidence ? { evidence: f.evidence } : {}),
        },
        ...(f.suppression
          ? {
              suppressions: [
                { kind: 'external' as const, status: 'accepted' as const, justification: f.suppression.reason },
              ],
            }
          : {}),
      };
      return result;
    });
  return {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: input.tool.name,
            version: input.tool.version,
            semanticVersion: input.tool.version,
            informationUri: input.tool.informationUri,
            rules: descriptors,
          },
        },
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
}

export function renderSarif(input: SarifInput): string {
  return JSON.stringify(toSarif(input), null, 2) + '\n';
}
