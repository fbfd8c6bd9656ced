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
import type { GcpInventory } from './inventory/gcp.js';
import { runGcpChecks } from './checks/gcp/engine.js';
import type { GcpCheck } from './checks/gcp/types.js';
import { gcpAiKpis, type GcpAiKpis } from './checks/gcp/kpis.js';
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
import { emptyAwsInventory, type AwsInventory } from './inventory/aws.js';
import type { CloudFormationOptions } from './sources/iac/cloudformation/load.js';
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
  /** CloudFormation parameter values (`--parameter Key=Value`), for templates in the input. */
  cloudFormation?: CloudFormationOptions;
  /** Terraform input values: --var-file files (relative to cwd) and --var NAME=VALUE. */
  terraform?: { varFiles?: string[]; vars?: string[] };
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
    /** Google Cloud, when the input holds GCP data: AI projects inside an enforced perimeter with private API access. */
    gcpAiProtected?: GcpAiKpis;
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

/** One share over several inputs (a snapshot and IaC, say): the counts add up, the percentage is recomputed. */
function sumShares(shares: { total: number; private: number }[]): {
  total: number;
  private: number;
  percentPrivate: number | null;
} {
  const total = shares.reduce((n, s) => n + s.total, 0);
  const priv = shares.reduce((n, s) => n + s.private, 0);
  return { total, private: priv, percentPrivate: total === 0 ? null : Math.round((1000 * priv) / total) / 10 };
}

function sumGcpKpis(all: GcpAiKpis[]): GcpAiKpis {
  const add = (k: 'total' | 'inEnforcedPerimeter' | 'privateApiAccess' | 'protected') =>
    all.reduce((n, x) => n + x[k], 0);
  const total = add('total');
  const prot = add('protected');
  return {
    total,
    inEnforcedPerimeter: add('inEnforcedPerimeter'),
    privateApiAccess: add('privateApiAccess'),
    protected: prot,
    percentProtected: total === 0 ? null : Math.round((1000 * prot) / total) / 10,
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
 * One reader's result, ready for the provider-neutral rest of the scan: its inventory's own checks, its errors and
 * warnings, and what the summary counts. Snapshot readers and infrastructure-as-code readers each add one.
 */
interface LoadedPart {
  provider: 'aws' | 'azure' | 'gcp';
  errors: InputError[];
  warnings: SnapshotWarning[];
  files: number;
  datasets: Map<string, Set<unknown>>;
  partial: Map<string, Map<string, { file: string }[]>>;
  /** Resources that may carry a zone tag (for the zone tag warnings). */
  tagged: readonly { tags: Record<string, string>; origin: Origin; id: string }[];
  run(checks: readonly Check[]): Finding[];
}

/**
 * Audits a snapshot directory of any provider mix, infrastructure as code included: files are sorted to their reader
 * by content (sources/detect.ts), each reader's inventory is checked by its provider's checks, and the findings make
 * one report. An input with only AWS snapshot files takes exactly the path it always took.
 */
export async function scanSnapshot(opts: ScanOptions): Promise<ScanReport> {
  const abs = path.resolve(opts.cwd, opts.snapshot);
  const input = await partitionSnapshot(abs);
  // Any file for another reader (a provider's snapshot or infrastructure as code).
  const others = Object.entries(input).some(([kind, files]) => kind !== 'aws' && files.length > 0);
  // The AWS reader also walks the tree when every file is another reader's: it reports unreadable folders and links.
  const aws = await loadAwsSnapshot(
    abs,
    others ? { ...opts.snapshotOptions, only: new Set(input.aws.map((f) => path.resolve(f))) } : opts.snapshotOptions,
  );
  const selected = selectChecks(opts.checks, opts.skipChecks);
  const of = <C extends Check>(provider: C['provider']) => selected.filter((c): c is C => c.provider === provider);
  const parts: LoadedPart[] = [];
  const azureInventories: AzureInventory[] = [];
  const azurePart = (inv: AzureInventory, r: Pick<LoadedPart, 'errors' | 'warnings' | 'files'>): LoadedPart => {
    azureInventories.push(inv);
    return {
      ...r,
      provider: 'azure',
      datasets: inv.datasets,
      partial: inv.partial,
      tagged: [...inv.virtualNetworks, ...inv.networkSecurityGroups, ...inv.networkInterfaces, ...inv.privateEndpoints],
      run: (checks) => runAzureChecks(inv, opts.policy, checks as AzureCheck[]),
    };
  };
  const awsInventory = (inventory: AwsInventory, r: Pick<LoadedPart, 'errors' | 'warnings' | 'files'>): LoadedPart => ({
    ...r,
    provider: 'aws',
    datasets: inventory.datasets,
    partial: inventory.partial,
    tagged: [...inventory.vpcs, ...inventory.subnets],
    run: (checks) => runAwsChecks(inventory, opts.policy, checks as AwsCheck[]),
  });
  const gcpInventories: GcpInventory[] = [];
  const gcpPart = (inv: GcpInventory, r: Pick<LoadedPart, 'errors' | 'warnings' | 'files'>): LoadedPart => {
    gcpInventories.push(inv);
    return {
      ...r,
      provider: 'gcp',
      datasets: inv.datasets,
      partial: inv.partial,
      tagged: [],
      run: (checks) => runGcpChecks(inv, opts.policy, checks as GcpCheck[]),
    };
  };
  if (input.aws.length > 0 || !others)
    parts.push(awsInventory(aws.inventory, { errors: aws.errors, warnings: aws.warnings, files: aws.files.length }));
  else if (aws.errors.length > 0 || aws.warnings.length > 0)
    // Only the walk's findings (unreadable folders); with other readers' files, "no .json files" is no error.
    parts.push({
      ...awsInventory(aws.inventory, {
        errors: aws.errors.filter((e) => !/^no \.json files found$/.test(e.message)),
        warnings: aws.warnings,
        files: 0,
      }),
      run: () => [],
    });
  if (input.terraform.length > 0) {
    // Terraform (HCL or plan JSON) fills AWS, Azure and GCP inventories of its own, checked like a snapshot's; the
    // first part carries the tree's errors and warnings.
    const { loadTerraform } = await import('./sources/iac/terraform/load.js');
    const tf = await loadTerraform(abs, input.terraform, { ...opts.terraform, cwd: opts.cwd });
    let report = { errors: tf.errors, warnings: tf.warnings, files: tf.files.length };
    const reported = () => {
      const r = report;
      report = { errors: [], warnings: [], files: 0 };
      return r;
    };
    if (tf.inventory) parts.push(awsInventory(tf.inventory, reported()));
    if (tf.azure) parts.push(azurePart(tf.azure, reported()));
    if (tf.gcp) parts.push(gcpPart(tf.gcp, reported()));
    if (!tf.inventory && !tf.azure && !tf.gcp)
      parts.push({ ...awsInventory(emptyAwsInventory(), reported()), run: () => [] });
  }
  if (input.cloudformation.length > 0) {
    // Templates fill an AWS inventory of their own (scope iac / iac-region), checked like a snapshot's.
    const { loadCloudFormation } = await import('./sources/iac/cloudformation/load.js');
    const cfn = await loadCloudFormation(abs, input.cloudformation, opts.cloudFormation);
    parts.push(awsInventory(cfn.inventory, { errors: cfn.errors, warnings: cfn.warnings, files: cfn.files.length }));
  }
  if (input.azure.length > 0) {
    const azure = await loadAzureSnapshot(abs, input.azure);
    parts.push(
      azurePart(azure.inventory, { errors: azure.errors, warnings: azure.warnings, files: azure.files.length }),
    );
  }
  // ARM templates and Bicep files each fill an Azure inventory of their own; their readers load only when needed.
  for (const r of [
    input.arm.length > 0 ? await (await import('./sources/iac/arm/load.js')).loadArm(abs, input.arm) : undefined,
    input.bicep.length > 0
      ? await (await import('./sources/iac/bicep/load.js')).loadBicep(abs, input.bicep)
      : undefined,
  ])
    if (r) parts.push(azurePart(r.inventory, { errors: r.errors, warnings: r.warnings, files: r.files.length }));
  if (input.gcp.length > 0) {
    const gcp = await loadGcpSnapshot(abs, input.gcp);
    parts.push(gcpPart(gcp.inventory, { errors: gcp.errors, warnings: gcp.warnings, files: gcp.files.length }));
  }
  const root = (await isDirectory(abs)) ? opts.snapshot : path.dirname(opts.snapshot);
  const fix = (file: string) => displayPath(opts.cwd, root, file);
  // Skipped items are named in not-assessed messages: with the same paths as everything else in the report.
  for (const part of parts)
    for (const byDataset of part.partial.values())
      for (const skipped of byDataset.values()) for (const s of skipped) s.file = fix(s.file);
  const providers = new Set(parts.filter((p) => p.files > 0 || p.provider !== 'aws' || !others).map((p) => p.provider));
  const checksOf = { aws: of<AwsCheck>('aws'), azure: of<AzureCheck>('azure'), gcp: of<GcpCheck>('gcp') };
  let findings = parts.flatMap((p) => p.run(checksOf[p.provider]));
  if (parts.length > 1) findings.sort(compareFindings);
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
  const kpis: Summary['kpis'] = {
    customizationJobs: customizationKpis(aws.inventory),
    ...(azureInventories.length > 0 ? { azureAiPrivate: sumShares(azureInventories.map(azureAiKpis)) } : {}),
    ...(gcpInventories.length > 0
      ? { gcpAiProtected: sumGcpKpis(gcpInventories.map((i) => gcpAiKpis(i, opts.policy))) }
      : {}),
  };
  return {
    tool: TOOL,
    policy: opts.policySource,
    findings,
    inputErrors: parts
      .flatMap((p) => p.errors)
      .map((e: InputError) => ({ file: fix(e.file), ...e.position, message: e.message })),
    warnings: [
      ...parts.flatMap((p) => p.warnings),
      ...zoneTagWarnings(
        opts.policy,
        parts.flatMap((p) => p.tagged),
      ),
    ].map((w) => ({ ...w, file: fix(w.file) })),
    suppressions: { expired: sup.expired, unused: sup.unused },
    checks: (['aws', 'azure', 'gcp'] as const).filter((p) => providers.has(p)).flatMap((p): Check[] => checksOf[p]),
    summary: withIncomplete(
      summarise(
        findings,
        parts.reduce((n, p) => n + p.files, 0),
        parts.reduce((n, p) => n + scopesWithData(p.datasets), 0),
        kpis,
      ),
      parts.map((p) => p.partial),
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
