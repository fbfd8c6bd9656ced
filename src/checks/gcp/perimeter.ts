/**
 * VPC Service Controls membership of a project, from Access Context Manager v1 service perimeters
 * (https://cloud.google.com/access-context-manager/docs/reference/rest/v1/accessPolicies.servicePerimeters):
 * `status` is the enforced configuration; `spec` is the dry-run one when `useExplicitDryRunSpec` is true (dry-run
 * violations are only logged). Bridge perimeters restrict nothing. Perimeter resources name projects by number;
 * the source rewrites them to ids where it knows the project (resolveProjectRefs).
 */
import type {
  GcpEnabledService,
  GcpInventory,
  GcpPerimeterConfig,
  GcpProject,
  GcpServicePerimeter,
} from '../../inventory/gcp.js';
import type { ZonePolicy } from '../../policy/load.js';
import { approvedServices, perInventory } from './support.js';

/**
 * Data services a perimeter must also restrict when the project has them enabled: the stores AI workloads read
 * training data, embeddings and prompts from (each is a VPC Service Controls supported service).
 */
export const DATA_SERVICES = [
  'alloydb.googleapis.com',
  'bigquery.googleapis.com',
  'bigtable.googleapis.com',
  'datastore.googleapis.com',
  'firestore.googleapis.com',
  'notebooks.googleapis.com',
  'spanner.googleapis.com',
  'sqladmin.googleapis.com',
  'storage.googleapis.com',
] as const;

const isRegular = (p: GcpServicePerimeter) => p.perimeterType !== 'PERIMETER_TYPE_BRIDGE';

export interface ProjectPerimeters {
  /** Regular perimeters whose enforced configuration holds the project. */
  enforced: GcpServicePerimeter[];
  /** Regular perimeters whose explicit dry-run configuration holds the project. */
  dryRun: GcpServicePerimeter[];
  /** Project numbers perimeters name that cordon could not map to a project id (may be this project). */
  unresolved: string[];
}

/** Projects by id, indexed once per inventory. */
export function projectsById(inv: GcpInventory): Map<string, GcpProject> {
  return perInventory(inv.projects, 'projectsById', () => new Map(inv.projects.map((p) => [p.projectId, p])));
}

interface PerimeterFacts {
  /** Regular perimeters by the resources of their enforced (status) and explicit dry-run (spec) configurations. */
  byStatus: Map<string, GcpServicePerimeter[]>;
  bySpec: Map<string, GcpServicePerimeter[]>;
  unknownNumbers: string[];
}

function by(
  perimeters: readonly GcpServicePerimeter[],
  config: (p: GcpServicePerimeter) => GcpPerimeterConfig | undefined,
) {
  const m = new Map<string, GcpServicePerimeter[]>();
  for (const p of perimeters)
    for (const r of new Set(config(p)?.resources ?? [])) {
      const list = m.get(r);
      if (list) list.push(p);
      else m.set(r, [p]);
    }
  return m;
}

/** Regular perimeters and the project numbers they name that no project in the inventory has, once per inventory. */
function perimeterFacts(inv: GcpInventory): PerimeterFacts {
  return perInventory(inv, 'perimeterFacts', () => {
    const known = new Set(inv.projects.flatMap((p) => (p.projectNumber ? [`projects/${p.projectNumber}`] : [])));
    const regular = inv.servicePerimeters.filter(isRegular).sort((a, b) => a.id.localeCompare(b.id));
    const unknownNumbers = [
      ...new Set(
        regular
          .flatMap((p) => [...(p.status?.resources ?? []), ...(p.spec?.resources ?? [])])
          .filter((r) => /^projects\/\d+$/.test(r) && !known.has(r)),
      ),
    ].sort();
    return {
      byStatus: by(regular, (p) => p.status),
      bySpec: by(
        regular.filter((p) => p.useExplicitDryRunSpec),
        (p) => p.spec,
      ),
      unknownNumbers,
    };
  });
}

export function perimetersOf(inv: GcpInventory, project: string): ProjectPerimeters {
  const number = projectsById(inv).get(project)?.projectNumber;
  const refs = [`projects/${project}`, ...(number ? [`projects/${number}`] : [])];
  const { byStatus, bySpec, unknownNumbers } = perimeterFacts(inv);
  const unresolved = number ? [] : unknownNumbers;
  const of = (m: Map<string, GcpServicePerimeter[]>) =>
    [...new Set(refs.flatMap((r) => m.get(r) ?? []))].sort((a, b) => a.id.localeCompare(b.id));
  return {
    enforced: of(byStatus),
    dryRun: of(bySpec),
    unresolved,
  };
}

/** The services an AI project's perimeter must restrict: approved services plus the data services it has enabled (pass the project's own services). */
export function requiredServices(projectServices: readonly GcpEnabledService[], policy: ZonePolicy): string[] {
  const data = new Set<string>(DATA_SERVICES);
  const enabled = projectServices
    .filter((s) => data.has(s.service) && (s.state ?? 'ENABLED') === 'ENABLED')
    .map((s) => s.service);
  return [...new Set([...approvedServices(policy), ...enabled])].sort();
}

/** Required services a configuration does not restrict. */
export function unrestricted(config: GcpPerimeterConfig | undefined, required: readonly string[]): string[] {
  const restricted = new Set(config?.restrictedServices ?? []);
  if (restricted.has('*')) return [];
  return required.filter((s) => !restricted.has(s));
}
