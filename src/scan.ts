/**
 * Library entry point for audits: snapshot -> inventory -> checks -> findings (+ suppressions and baseline).
 * The CLI's `scan` command is a thin wrapper over this.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { CHECKS } from './checks/registry.js';
import { runAwsChecks } from './checks/engine.js';
import { markDeployTimeZoneTags } from './analysis/aws-zones.js';
import { markAzureDeployTimeZoneTags } from './analysis/azure-zones.js';
import { runAzureChecks } from './checks/azure/engine.js';
import { aiTargets, endpointsTo, publicExposure } from './checks/azure/support.js';
import type { AwsCheck, Check } from './checks/types.js';
import { ALL_VERIFY_CHECKS, type VerifyCheck } from './verify/checks.js';
import type { AzureCheck } from './checks/azure/types.js';
import { azureDatasetOfType, hasAzureDataset, type AzureInventory } from './inventory/azure.js';
import type { GcpInventory } from './inventory/gcp.js';
import { runGcpChecks } from './checks/gcp/engine.js';
import type { GcpCheck } from './checks/gcp/types.js';
import { gcpAiKpis, type GcpAiKpis } from './checks/gcp/kpis.js';
import { loadInput, type InputOptions } from './sources/load-input.js';
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
import type { SnapshotWarning } from './sources/aws-snapshot/load.js';
import type { AwsInventory } from './inventory/aws.js';
import { globMatch } from './util/glob.js';
import type { InputError } from './util/errors.js';

export const TOOL = { name: 'cordon', version: '0.1.0', informationUri: 'https://github.com/cordon-dev/cordon' };

export interface ScanOptions extends InputOptions {
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
    azureAiPrivate?: { total: number; private: number; unknown: number; percentPrivate: number | null };
    /** Google Cloud, when the input holds GCP data: AI projects inside an enforced perimeter with private API access. */
    gcpAiProtected?: GcpAiKpis;
  };
}

/**
 * The share of Azure AI resources that are private: public network access closed and an approved private endpoint.
 * A resource not shown private while its own data set or the private endpoints (which may sit in any subscription)
 * were read only in part is unknown and left out of the share, as the checks report it not assessed.
 */
export function azureAiKpis(inv: AzureInventory): NonNullable<Summary['kpis']['azureAiPrivate']> {
  const targets = aiTargets(inv);
  const endpointsPartial = [...inv.partial.values()].some((m) => m.has('network:private-endpoints'));
  let priv = 0;
  let unknown = 0;
  for (const t of targets) {
    const exposure = publicExposure(t.resource);
    if (!exposure.open && endpointsTo(inv, t.resource).some((e) => e.approved)) priv++;
    else if (
      exposure.unknown ||
      endpointsPartial ||
      !hasAzureDataset(inv, t.resource, 'network:private-endpoints') ||
      !hasAzureDataset(inv, t.resource, azureDatasetOfType(t.type)!)
    )
      unknown++;
  }
  const known = targets.length - unknown;
  return {
    total: targets.length,
    private: priv,
    unknown,
    percentPrivate: known === 0 ? null : Math.round((1000 * priv) / known) / 10,
  };
}

/** One share over several inputs (a snapshot and IaC, say): the counts add up, the percentage is recomputed. */
function sumShares(shares: { total: number; private: number; unknown: number }[]): {
  total: number;
  private: number;
  unknown: number;
  percentPrivate: number | null;
} {
  const total = shares.reduce((n, s) => n + s.total, 0);
  const priv = shares.reduce((n, s) => n + s.private, 0);
  const unknown = shares.reduce((n, s) => n + s.unknown, 0);
  const known = total - unknown;
  return { total, private: priv, unknown, percentPrivate: known === 0 ? null : Math.round((1000 * priv) / known) / 10 };
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
  const { parts: loaded, others, awsSnapshot } = await loadInput(abs, opts);
  const selected = selectChecks(opts.checks, opts.skipChecks);
  const of = <C extends Check>(provider: C['provider']) => selected.filter((c): c is C => c.provider === provider);
  const azureInventories: AzureInventory[] = [];
  const gcpInventories: GcpInventory[] = [];
  const parts: LoadedPart[] = loaded.map((l): LoadedPart => {
    const r = { errors: l.errors, warnings: l.warnings, files: l.files, datasets: l.inventory.datasets };
    switch (l.provider) {
      case 'aws': {
        const inventory = l.inventory;
        markDeployTimeZoneTags(inventory, opts.policy);
        return {
          ...r,
          provider: 'aws',
          partial: inventory.partial,
          tagged: [...inventory.vpcs, ...inventory.subnets],
          run: l.walkOnly ? () => [] : (checks) => runAwsChecks(inventory, opts.policy, checks as AwsCheck[]),
        };
      }
      case 'azure': {
        const inv = l.inventory;
        markAzureDeployTimeZoneTags(inv, opts.policy);
        azureInventories.push(inv);
        return {
          ...r,
          provider: 'azure',
          partial: inv.partial,
          tagged: [
            ...inv.virtualNetworks,
            ...inv.networkSecurityGroups,
            ...inv.networkInterfaces,
            ...inv.privateEndpoints,
          ],
          run: (checks) => runAzureChecks(inv, opts.policy, checks as AzureCheck[]),
        };
      }
      case 'gcp': {
        const inv = l.inventory;
        gcpInventories.push(inv);
        return {
          ...r,
          provider: 'gcp',
          partial: inv.partial,
          tagged: [],
          run: (checks) => runGcpChecks(inv, opts.policy, checks as GcpCheck[]),
        };
      }
    }
  });
  const root = (await isDirectory(abs)) ? opts.snapshot : path.dirname(opts.snapshot);
  const fix = (file: string) => displayPath(opts.cwd, root, file);
  // Skipped items are named in not-assessed messages: with the same paths as everything else in the report.
  // One skipped item may be charged to several data sets and locations (the same object): rewrite it once.
  const fixed = new Set<object>();
  for (const part of parts)
    for (const byDataset of part.partial.values())
      for (const skipped of byDataset.values())
        for (const s of skipped) {
          if (fixed.has(s)) continue;
          fixed.add(s);
          s.file = fix(s.file);
        }
  const providers = new Set(parts.filter((p) => p.files > 0 || p.provider !== 'aws' || !others).map((p) => p.provider));
  const checksOf = { aws: of<AwsCheck>('aws'), azure: of<AzureCheck>('azure'), gcp: of<GcpCheck>('gcp') };
  // Selecting some verify checks keeps what the verification could not decide (verify-not-assessed) unless that is
  // skipped by name: a scope whose data is missing must not show neither a pass nor a gap.
  const verifyChecks = selected.filter((c): c is VerifyCheck => c.provider === 'all');
  const undecided = ALL_VERIFY_CHECKS.find((c) => c.id === 'verify-not-assessed')!;
  if (
    verifyChecks.length > 0 &&
    !verifyChecks.includes(undecided) &&
    !opts.skipChecks?.some((p) => globMatch(p, undecided.id))
  )
    verifyChecks.push(undecided);
  const withVerify = (cs: Check[]) => [...cs, ...verifyChecks];
  let findings = parts.flatMap((p) => p.run(checksOf[p.provider]));
  // The zone verification (`cordon verify`) as checks over the same inventories; loaded only when selected.
  if (verifyChecks.length > 0) {
    const { verifyInventory, verifyPasses, relocateWitness } = await import('./verify/run.js');
    const ids = new Set(verifyChecks.map((c) => c.id));
    for (const l of loaded) {
      if (l.walkOnly) continue;
      const v = verifyInventory(l, opts.policy);
      for (const f of [...v.result.findings, ...v.extra, ...verifyPasses(v, ids)])
        if (ids.has(f.checkId)) findings.push(relocateWitness(f, fix));
    }
  }
  if (parts.length > 1 || verifyChecks.length > 0) findings.sort(compareFindings);
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
    customizationJobs: customizationKpis(awsSnapshot),
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
    checks: withVerify(
      (['aws', 'azure', 'gcp'] as const).filter((p) => providers.has(p)).flatMap((p): Check[] => checksOf[p]),
    ),
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
