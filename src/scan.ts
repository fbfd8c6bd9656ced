/**
 * Library entry point for audits: snapshot -> inventory -> checks -> findings (+ suppressions and baseline).
 * The CLI's `scan` command is a thin wrapper over this.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CHECKS } from './checks/registry.js';
import { runAwsChecks } from './checks/engine.js';
import { runAzureChecks } from './checks/azure/engine.js';
import { aiTargets, endpointsTo, publicExposure } from './checks/azure/support.js';
import type { AwsCheck, Check } from './checks/types.js';
import type { AzureCheck } from './checks/azure/types.js';
import type { AzureInventory } from './inventory/azure.js';
import { runGcpChecks } from './checks/gcp/engine.js';
import type { GcpCheck } from './checks/gcp/types.js';
import { loadAzureSnapshot } from './sources/azure-snapshot/load.js';
import { loadGcpSnapshot } from './sources/gcp-snapshot/load.js';
import { partitionSnapshot } from './sources/detect.js';
import { applySuppressions, subtractBaseline } from './findings/suppress.js';
import {
  compareFindings,
  SEVERITIES,
  type Finding,
  type Origin,
  type Severity,
  type Status,
} from './findings/types.js';
import type { ZonePolicy } from './policy/load.js';
import type { Suppression } from './policy/schema.js';
import { loadAwsSnapshot, type SnapshotOptions, type SnapshotWarning } from './sources/aws-snapshot/load.js';
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
  /** Reader settings: the size limit for one file (maxFileBytes), when to stream, a file system to read through. */
  snapshotOptions?: SnapshotOptions;
}

export interface ScanReport {
  tool: typeof TOOL;
  policy: string;
  findings: Finding[];
  inputErrors: { file: string; line?: number; column?: number; pointer?: string; message: string }[];
  warnings: SnapshotWarning[];
  suppressions: { expired: Suppression[]; unused: Suppression[] };
  checks: Check[];
  summary: Summary;
}

export interface Summary {
  byStatus: Record<Status, number>;
  /** Failing, unsuppressed findings per severity. */
  failBySeverity: Record<Severity, number>;
  suppressed: number;
  files: number;
  /** Account/region scopes with data: 0 means nothing was assessed. */
  scopes: number;
  /** Data sets that were read only in part (skipped items, lists cut short by a NextToken or nextLink), when any. */
  incomplete?: number;
  /** Seed 003's KPIs: share of Bedrock customization jobs with VPC protection, and the non-compliant count. */
  kpis: {
    customizationJobs: {
      total: number;
      withVpc: number;
      withoutVpc: number;
      unknown: number;
      percentWithVpc: number | null;
    };
    /** Azure, when the input holds Azure data: AI resources that are private (public access off, approved endpoint). */
    azureAiPrivate?: { total: number; private: number; percentPrivate: number | null };
  };
}

/** The share of Azure AI resources that are private: public network access closed and an approved private endpoint. */
export function azureAiKpis(inv: AzureInventory): NonNullable<Summary['kpis']['azureAiPrivate']> {
  const targets = aiTargets(inv);
  const priv = targets.filter(
    (t) => !publicExposure(t.resource).open && endpointsTo(inv, t.resource).some((e) => e.approved),
  ).length;
  return {
    total: targets.length,
    private: priv,
    percentPrivate: targets.length === 0 ? null : Math.round((1000 * priv) / targets.length) / 10,
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

export function selectChecks(include: string[] | undefined, exclude: string[] | undefined): Check[] {
  return CHECKS.filter(
    (c) => (!include?.length || include.some((p) => globMatch(p, c.id))) && !exclude?.some((p) => globMatch(p, c.id)),
  );
}

/** Patterns of --checks / --skip-checks that name no check: a typo there must not go unnoticed. */
export function unmatchedCheckPatterns(patterns: readonly string[] | undefined): string[] {
  return (patterns ?? []).filter((p) => !CHECKS.some((c) => globMatch(p, c.id)));
}

export function summarise(
  findings: Finding[],
  files: number,
  scopes: number,
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
  return { byStatus, failBySeverity, suppressed, files, scopes, kpis };
}

/**
 * Scopes (account/region, subscription) where at least one data set was read. A scope declared by a manifest whose
 * every data set was unreadable gets its checks, all not assessed, but covers nothing.
 */
function scopesWithData(datasets: Map<string, Set<unknown>>): number {
  return [...datasets].filter(([key, read]) => key !== '*' && read.size > 0).length;
}

/** Paths in findings: relative to the working directory, with forward slashes (stable across machines). */
function displayPath(cwd: string, snapshot: string, rel: string): string {
  const abs = path.resolve(cwd, snapshot, rel);
  const fromCwd = path.relative(cwd, abs);
  return (fromCwd.startsWith('..') ? abs : fromCwd).split(path.sep).join('/');
}

/**
 * Audits a snapshot directory of any provider mix: files are sorted to the AWS or Azure reader by content
 * (sources/detect.ts), each provider's checks run on its inventory, and the findings make one report. An input with
 * no Azure file takes exactly the AWS path it always took.
 */
export async function scanSnapshot(opts: ScanOptions): Promise<ScanReport> {
  const abs = path.resolve(opts.cwd, opts.snapshot);
  const parts = await partitionSnapshot(abs);
  const withAzure = parts.azure.length > 0;
  const withGcp = parts.gcp.length > 0;
  const withAws = parts.aws.length > 0 || (!withAzure && !withGcp);
  // The AWS reader also walks the tree when all files are another provider's: it reports unreadable folders and links.
  const loaded = await loadAwsSnapshot(
    abs,
    withAzure || withGcp
      ? { ...opts.snapshotOptions, only: new Set(parts.aws.map((f) => path.resolve(f))) }
      : opts.snapshotOptions,
  );
  const azure = withAzure ? await loadAzureSnapshot(abs, parts.azure) : undefined;
  const gcp = withGcp ? await loadGcpSnapshot(abs, parts.gcp) : undefined;
  const root = (await isDirectory(abs)) ? opts.snapshot : path.dirname(opts.snapshot);
  const fix = (file: string) => displayPath(opts.cwd, root, file);
  const selected = selectChecks(opts.checks, opts.skipChecks);
  const awsChecks = withAws ? selected.filter((c): c is AwsCheck => c.provider === 'aws') : [];
  const azureChecks = withAzure ? selected.filter((c): c is AzureCheck => c.provider === 'azure') : [];
  const gcpChecks = withGcp ? selected.filter((c): c is GcpCheck => c.provider === 'gcp') : [];
  // Skipped items are named in not-assessed messages: with the same paths as everything else in the report.
  for (const inv of [loaded.inventory, azure?.inventory, gcp?.inventory])
    for (const byDataset of inv?.partial.values() ?? [])
      for (const skipped of byDataset.values()) for (const s of skipped) s.file = fix(s.file);
  let findings = runAwsChecks(loaded.inventory, opts.policy, awsChecks);
  if (azure) findings = [...findings, ...runAzureChecks(azure.inventory, opts.policy, azureChecks)];
  if (gcp) findings = [...findings, ...runGcpChecks(gcp.inventory, opts.policy, gcpChecks)];
  if (azure || gcp) findings.sort(compareFindings);
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
  const errors = [...loaded.errors, ...(azure?.errors ?? []), ...(gcp?.errors ?? [])];
  const kpis: Summary['kpis'] = {
    customizationJobs: customizationKpis(loaded.inventory),
    ...(azure ? { azureAiPrivate: azureAiKpis(azure.inventory) } : {}),
  };
  return {
    tool: TOOL,
    policy: opts.policySource,
    findings,
    inputErrors: errors.map((e: InputError) => ({ file: fix(e.file), ...e.position, message: e.message })),
    warnings: [
      ...loaded.warnings,
      ...(azure?.warnings ?? []),
      ...(gcp?.warnings ?? []),
      ...zoneTagWarnings(opts.policy, [
        ...loaded.inventory.vpcs,
        ...loaded.inventory.subnets,
        ...(azure
          ? [
              ...azure.inventory.virtualNetworks,
              ...azure.inventory.networkSecurityGroups,
              ...azure.inventory.networkInterfaces,
              ...azure.inventory.privateEndpoints,
            ]
          : []),
      ]),
    ].map((w) => ({ ...w, file: fix(w.file) })),
    suppressions: { expired: sup.expired, unused: sup.unused },
    checks: [...awsChecks, ...azureChecks, ...gcpChecks],
    summary: withIncomplete(
      summarise(
        findings,
        loaded.files.length + (azure?.files.length ?? 0) + (gcp?.files.length ?? 0),
        scopesWithData(loaded.inventory.datasets) +
          (azure ? scopesWithData(azure.inventory.datasets) : 0) +
          (gcp ? scopesWithData(gcp.inventory.datasets) : 0),
        kpis,
      ),
      [loaded.inventory.partial, azure?.inventory.partial, gcp?.inventory.partial],
    ),
  };
}

/** Counts the (scope, data set) pairs read only in part; the field appears only when there are any. */
function withIncomplete(summary: Summary, partials: (Map<string, Map<string, unknown>> | undefined)[]): Summary {
  const n = partials.reduce((sum, p) => sum + [...(p?.values() ?? [])].reduce((k, m) => k + m.size, 0), 0);
  return n > 0 ? { ...summary, incomplete: n } : summary;
}

/**
 * Zone tags that place nothing: a value that differs from a zone name only in case ("Inference"), or names no zone
 * at all (a typo). Either would silently leave the resource unzoned, and its checks would judge it as such.
 */
export function zoneTagWarnings(
  policy: ZonePolicy,
  tagged: readonly { tags: Record<string, string>; origin: Origin; id: string }[],
): SnapshotWarning[] {
  const key = policy.document.zone_tag_key;
  const names = [...policy.zones.keys()];
  const out: SnapshotWarning[] = [];
  for (const r of tagged) {
    const value = r.tags[key];
    if (value === undefined || policy.zones.has(value) || r.origin.kind !== 'file') continue;
    const near = names.find((n) => n.toLowerCase() === value.trim().toLowerCase());
    out.push({
      file: r.origin.file,
      ...(r.origin.line !== undefined ? { line: r.origin.line } : {}),
      message: near
        ? `${r.id}: tag ${key}=${JSON.stringify(value)} differs from zone ${JSON.stringify(near)} only in case or spaces; zone names are exact, so it places the resource in no zone`
        : `${r.id}: tag ${key}=${JSON.stringify(value)} names no zone of the policy (zones: ${names.join(', ')}); it places the resource in no zone`,
    });
  }
  return out;
}

/** The AWS-era name of scanSnapshot, kept for library users. */
export const scanAwsSnapshot = scanSnapshot;

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}
