/**
 * SARIF 2.1.0, shaped for GitHub code scanning: one rule per check with security-severity, results for failing
 * (kind fail) and not-assessed (kind open, level note) findings, partial fingerprints for de-duplication, and
 * suppressions recorded as external suppressions. Passing findings are left out: code scanning shows every result.
 */
import type { Invocation, Log, Notification, ReportingDescriptor, Result } from 'sarif';
import type { CheckMeta } from '../checks/types.js';
import type { Finding, Severity } from '../findings/types.js';
import type { Suppression } from '../policy/schema.js';
import { chunksToString, JsonSequence, jsonChunks, type Chunks } from './stream.js';

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
  /** Files or items that could not be read: the results are incomplete (SARIF 2.1.0 appendix I). */
  inputErrors?: { file: string; line?: number; column?: number; pointer?: string; message: string }[];
  warnings?: { file: string; line?: number; message: string }[];
  /** Policy entries worth a look: expired and unused suppressions. */
  suppressions?: { expired: Suppression[]; unused: Suppression[] };
}

export function toSarif(input: SarifInput): Log {
  return sarifLog(input, sarifResults(input));
}

/** The log written result by result: an organisation's SARIF is larger than a string can be. */
export function sarifChunks(input: SarifInput): Chunks {
  const log = sarifLog(input, new JsonSequence(sarifResultsLazy(input)) as unknown as Result[]);
  return (function* () {
    // Opened down to runs[0].results (log, runs, run, results), where the results sequence is written one by one.
    yield* jsonChunks(log, 4);
    yield '\n';
  })();
}

export function renderSarif(input: SarifInput): string {
  return chunksToString(sarifChunks(input));
}

function sortedRules(input: SarifInput) {
  return [...input.rules].sort((a, b) => a.id.localeCompare(b.id));
}

function sarifResults(input: SarifInput): Result[] {
  return [...sarifResultsLazy(input)];
}

function* sarifResultsLazy(input: SarifInput): Generator<Result> {
  const index = new Map(sortedRules(input).map((r, i) => [r.id, i]));
  for (const f of input.findings) if (f.status !== 'pass') yield sarifResult(f, index);
}

function sarifResult(f: Finding, index: ReadonlyMap<string, number>): Result {
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
              f.resource.arn ?? `${f.resource.provider}:${f.resource.account}:${f.resource.region}:${f.resource.id}`,
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
      // The finding's own fix (commands with its ids: verify findings, some checks); the rule's help has the generic
      // one. SARIF's `fixes` describe file edits, which a CLI command is not.
      ...(f.remediation.snippet ? { remediation: f.remediation } : {}),
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
}

/**
 * Input errors and warnings as tool execution notifications, expired and unused suppressions as configuration
 * notifications. An input error means results may be missing, so the invocation is not marked successful. Left out
 * when there is nothing to say (the report of a clean read stays as it was).
 */
function sarifInvocations(input: SarifInput): Invocation[] | undefined {
  const located = (file: string, line?: number, column?: number) => [
    {
      physicalLocation: {
        artifactLocation: { uri: encodeURI(file) },
        ...(line !== undefined
          ? { region: { startLine: line, ...(column !== undefined ? { startColumn: column } : {}) } }
          : {}),
      },
    },
  ];
  const execution: Notification[] = [
    ...(input.inputErrors ?? []).map((e): Notification => ({
      level: 'error',
      message: { text: `${e.message} (this input was skipped)` },
      locations: located(e.file, e.line, e.column),
      descriptor: { id: 'input-error' },
      ...(e.pointer ? { properties: { pointer: e.pointer } } : {}),
    })),
    ...(input.warnings ?? []).map((w): Notification => ({
      level: 'warning',
      message: { text: w.message },
      locations: located(w.file, w.line),
      descriptor: { id: 'input-warning' },
    })),
  ];
  const configuration: Notification[] = [
    ...(input.suppressions?.expired ?? []).map((x): Notification => ({
      level: 'warning',
      message: {
        text: `suppression of ${x.check} (${x.resource}) expired on ${x.expires}: its findings are reported again`,
      },
      descriptor: { id: 'suppression-expired' },
    })),
    ...(input.suppressions?.unused ?? []).map((x): Notification => ({
      level: 'note',
      message: {
        text: `suppression of ${x.check} (${x.resource}) matched no failing finding: remove it if the risk is gone`,
      },
      descriptor: { id: 'suppression-unused' },
    })),
  ];
  if (execution.length === 0 && configuration.length === 0) return undefined;
  return [
    {
      executionSuccessful: (input.inputErrors ?? []).length === 0,
      ...(execution.length > 0 ? { toolExecutionNotifications: execution } : {}),
      ...(configuration.length > 0 ? { toolConfigurationNotifications: configuration } : {}),
    },
  ];
}

function sarifLog(input: SarifInput, results: Result[]): Log {
  const rules = sortedRules(input);
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
  const invocations = sarifInvocations(input);
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
        ...(invocations ? { invocations } : {}),
        results,
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
}
