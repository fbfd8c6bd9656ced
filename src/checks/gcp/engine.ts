/**
 * Runs GCP checks: once per project, with zone placement computed once for the whole inventory (GCP joins resources
 * across projects: Shared VPC, hub DNS zones, perimeters and org policies above the projects). A data set a check
 * requires that is missing, unavailable or partial in the project — or, for data sets it looks up, anywhere — makes
 * the check not assessed there, naming the command or the permission that would supply it: missing data is never a
 * pass.
 */
import { datasetAbsent } from '../../inventory/input-kind.js';
import { compareFindings, fingerprintOf, type Finding, type Origin } from '../../findings/types.js';
import { findingOf } from '../engine.js';
import { GCP_DATASETS, gcpIdKey, type GcpDataset, type GcpInventory } from '../../inventory/gcp.js';
import type { ZonePolicy } from '../../policy/load.js';
import { formatLocated } from '../../util/errors.js';
import { emptyProjectView, inventoryByProject, perInventory, placeGcp } from './support.js';
import type { GcpCheck, GcpCheckResult } from './types.js';

const LISTED = 3;

/** Partial-map keys are "project/region" for project data and the node itself ("organizations/1") otherwise. */
function inProject(key: string, project: string | undefined): boolean {
  return project === undefined || key.startsWith(`${project}/`);
}

function partialIn(inv: GcpInventory, project: string | undefined, dataset: GcpDataset): string | undefined {
  const skipped = [...inv.partial.entries()]
    .filter(([key]) => inProject(key, project))
    .flatMap(([, m]) => m.get(dataset) ?? []);
  if (skipped.length === 0) return undefined;
  const listed = skipped.slice(0, LISTED).map((s) => formatLocated(s.file, s, s.reason));
  const more = skipped.length - listed.length;
  return `${dataset} is incomplete: ${listed.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

function unavailableIn(inv: GcpInventory, project: string | undefined, dataset: GcpDataset): string | undefined {
  for (const [scope, m] of [...inv.unavailable.entries()].sort()) {
    if (project !== undefined && scope !== project) continue;
    const u = m.get(dataset);
    if (u)
      return `${dataset} could not be collected${project === undefined ? ` in ${scope}` : ''}: ${u.reason} (needs ${u.permission ?? GCP_DATASETS[dataset].permission})`;
  }
  return undefined;
}

/** Data sets present in any project or hierarchy node, once per inventory (per call it made runs quadratic). */
function anywhereSets(inv: GcpInventory): Set<GcpDataset> {
  return perInventory(inv, 'datasetsAnywhere', () => new Set([...inv.datasets.values()].flatMap((x) => [...x])));
}

function missingReason(inv: GcpInventory, project: string, dataset: GcpDataset, anywhere: boolean): string | undefined {
  const scope = anywhere ? undefined : project;
  const why = partialIn(inv, scope, dataset) ?? unavailableIn(inv, scope, dataset);
  if (why) return why;
  const present = anywhere ? anywhereSets(inv).has(dataset) : inv.datasets.get(project)?.has(dataset);
  if (present) return undefined;
  const info = GCP_DATASETS[dataset];
  return datasetAbsent(
    dataset,
    inv.iac,
    anywhere ? '' : ` for project ${project}`,
    `${info.command}; needs ${info.permission}`,
  );
}

/**
 * Why a project's data set cannot be relied on (missing, unavailable or partial there), or undefined. For the data
 * a check reads from the project that owns a network (a Shared VPC host's routes, routers and firewall rules): the
 * same data set captured for another project says nothing about this one.
 */
export function projectDatasetGap(inv: GcpInventory, project: string, dataset: GcpDataset): string | undefined {
  return missingReason(inv, project, dataset, false);
}

/**
 * Why a hierarchy-level data set (organization / folder resources) cannot be relied on: unread everywhere, or
 * unavailable or partial somewhere; undefined when read.
 */
export function hierarchyDatasetGap(inv: GcpInventory, dataset: GcpDataset): string | undefined {
  return missingReason(inv, '', dataset, true);
}

export function gcpFinding(check: GcpCheck, project: string, r: GcpCheckResult, fallback?: Origin): Finding {
  const resource = {
    provider: 'gcp' as const,
    account: project,
    region: r.region ?? 'global',
    type: r.resource.type ?? check.resourceType,
    id: gcpIdKey(r.resource.id),
  };
  return findingOf(check, resource, r, fingerprintOf(check.id, resource), fallback);
}

/** Projects with any project-level data or any declared project data set, sorted. */
export function gcpProjects(inv: GcpInventory): string[] {
  // Hierarchy nodes ("organizations/1", "accessPolicies/2", "projects/3" for a project's org policies) have a slash.
  const isProject = (k: string) => !k.includes('/');
  return [...new Set([...inv.datasets.keys(), ...inv.unavailable.keys()].filter(isProject))].sort();
}

export function runGcpChecks(inv: GcpInventory, policy: ZonePolicy, checks: readonly GcpCheck[]): Finding[] {
  const zones = placeGcp(inv, policy);
  const views = inventoryByProject(inv);
  const findings: Finding[] = [];
  for (const project of gcpProjects(inv)) {
    const own = views.get(project) ?? emptyProjectView(inv);
    const fallback = [...inv.scopeOrigins.entries()].find(([k]) => k.startsWith(`${project}/`))?.[1];
    for (const check of checks) {
      const reasons = [
        ...check.requires.map((d) => missingReason(inv, project, d, GCP_DATASETS[d].level === 'hierarchy')),
        ...(check.looksUp ?? []).map((d) => missingReason(inv, project, d, true)),
      ].filter((x): x is string => x !== undefined);
      if (reasons.length > 0) {
        findings.push(
          gcpFinding(
            check,
            project,
            {
              status: 'not-assessed',
              resource: { id: `projects/${project}`, type: 'cloudresourcemanager.googleapis.com/Project' },
              message: `not assessed: ${reasons.join('; ')}`,
              evidence: { missing: reasons },
            },
            fallback,
          ),
        );
        continue;
      }
      for (const r of check.run({ inventory: inv, project, own, policy, zones }))
        findings.push(gcpFinding(check, project, r, fallback));
    }
  }
  return findings.sort(compareFindings);
}
