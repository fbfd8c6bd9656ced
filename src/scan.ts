/**
 * Library entry point for audits: snapshot -> inventory -> checks -> findings (+ suppressions and baseline).
 * The CLI's `scan` command is a thin wrapper over this.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { AWS_CHECKS } from './checks/registry.js';
import { runAwsChecks } from './checks/engine.js';
import type { AwsCheck } from './checks/types.js';
import { applySuppressions, subtractBaseline } from './findings/suppress.js';
import { SEVERITIES, type Finding, type Origin, type Severity, type Status } from './findings/types.js';
import type { ZonePolicy } from './policy/load.js';
import type { Suppression } from './policy/schema.js';
import { loadAwsSnapshot, type SnapshotWarning } from './sources/aws-snapshot/load.js';
import type { AwsInventory } from './inventory/aws.js';
import { globMatch } from './util/glob.js';
import type { InputError } from './util/errors.js';

export const TOOL = { name: 'cordon', version: '0.1.0', informationUri: 'https://github.com/cordon-dev/cordon' };

export interface ScanOptions {
  /** Snapshot directory (or one file), as the user named it: paths in the report are relative to the working directory. */
  snapshot: string;
  policy: ZonePolicy;
  policySource: string;
  cwd: string;
  /** YYYY-MM-DD, for suppression expiry. */
  today: string;
  /** Check ids or patterns to run (default all). */
  checks?: string[];
  skipChecks?: string[];
  baseline?: Set<string>;
}

export interface ScanReport {
  tool: typeof TOOL;
  policy: string;
  findings: Finding[];
  inputErrors: { file: string; line?: number; column?: number; pointer?: string; message: string }[];
  warnings: SnapshotWarning[];
  suppressions: { expired: Suppression[]; unused: Suppression[] };
  checks: AwsCheck[];
  summary: Summary;
}

export interface Summary {
  byStatus: Record<Status, number>;
  /** Failing, unsuppressed findings per severity. */
  failBySeverity: Record<Severity, number>;
  suppressed: number;
  files: number;
  /** Seed 003's KPIs: share of Bedrock customization jobs with VPC protection, and the non-compliant count. */
  kpis: {
    customizationJobs: {
      total: number;
      withVpc: number;
      withoutVpc: number;
      unknown: number;
      percentWithVpc: number | null;
    };
  };
}

/** Jobs seen only in list output have unknown VPC settings and are left out of the share. */
export function customizationKpis(inv: AwsInventory): Summary['kpis']['customizationJobs'] {
  const known = inv.customizationJobs.filter((j) => j.detail);
  const withVpc = known.filter((j) => (j.vpcConfig?.subnetIds.length ?? 0) > 0).length;
  return {
    total: inv.customizationJobs.length,
    withVpc,
    withoutVpc: known.length - withVpc,
    unknown: inv.customizationJobs.length - known.length,
    percentWithVpc: known.length === 0 ? null : Math.round((1000 * withVpc) / known.length) / 10,
  };
}

export function selectChecks(include: string[] | undefined, exclude: string[] | undefined): AwsCheck[] {
  return AWS_CHECKS.filter(
    (c) => (!include?.length || include.some((p) => globMatch(p, c.id))) && !exclude?.some((p) => globMatch(p, c.id)),
  );
}

export function summarise(
  findings: Finding[],
  files: number,
  kpis: Summary['kpis'] = {
    customizationJobs: { total: 0, withVpc: 0, withoutVpc: 0, unknown: 0, percentWithVpc: null },
  },
): Summary {
  const byStatus: Record<Status, number> = { fail: 0, pass: 0, 'not-assessed': 0 };
  const failBySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  let suppressed = 0;
  for (const f of findings) {
    byStatus[f.status]++;
    if (f.status === 'fail') {
      if (f.suppression) suppressed++;
      else failBySeverity[f.severity]++;
    }
  }
  return { byStatus, failBySeverity, suppressed, files, kpis };
}

/** Paths in findings: relative to the working directory, with forward slashes (stable across machines). */
function displayPath(cwd: string, snapshot: string, rel: string): string {
  const abs = path.resolve(cwd, snapshot, rel);
  const fromCwd = path.relative(cwd, abs);
  return (fromCwd.startsWith('..') ? abs : fromCwd).split(path.sep).join('/');
}

export async function scanAwsSnapshot(opts: ScanOptions): Promise<ScanReport> {
  const loaded = await loadAwsSnapshot(path.resolve(opts.cwd, opts.snapshot));
  const root = (await isDirectory(path.resolve(opts.cwd, opts.snapshot))) ? opts.snapshot : path.dirname(opts.snapshot);
  const fix = (file: string) => displayPath(opts.cwd, root, file);
  const checks = selectChecks(opts.checks, opts.skipChecks);
  let findings = runAwsChecks(loaded.inventory, opts.policy, checks);
  // Findings about one item share its origin object: rewrite each origin once, in place (the findings are new
  // objects), so an organisation's hundreds of thousands of findings are not copied.
  const displayed = new Map<Origin, Origin>();
  for (const f of findings) {
    if (f.origin?.kind !== 'file') continue;
    let o = displayed.get(f.origin);
    if (!o) {
      o = { ...f.origin, file: fix(f.origin.file) };
      displayed.set(f.origin, o);
    }
    f.origin = o;
  }
  const sup = applySuppressions(findings, opts.policy.document.suppressions, opts.today);
  findings = sup.findings;
  if (opts.baseline) findings = subtractBaseline(findings, opts.baseline);
  return {
    tool: TOOL,
    policy: opts.policySource,
    findings,
    inputErrors: loaded.errors.map((e: InputError) => ({ file: fix(e.file), ...e.position, message: e.message })),
    warnings: loaded.warnings.map((w) => ({ ...w, file: fix(w.file) })),
    suppressions: { expired: sup.expired, unused: sup.unused },
    checks,
    summary: summarise(findings, loaded.files.length, { customizationJobs: customizationKpis(loaded.inventory) }),
  };
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}
