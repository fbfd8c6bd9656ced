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
  GcpPerimeterRule,
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

const ANY_IDENTITY = new Set(['ANY_IDENTITY', 'ANY_USER_ACCOUNT', 'ANY_SERVICE_ACCOUNT']);

/** What one ingress or egress policy opens for a service, in words; undefined when it does not. */
function opening(
  rule: GcpPerimeterRule,
  direction: 'ingress' | 'egress',
  projectRefs: readonly string[],
  service: string,
): string | undefined {
  // A policy naming its identities is a deliberate, scoped exception; one open to a whole identity type is not.
  if (!rule.identityType || !ANY_IDENTITY.has(rule.identityType)) return undefined;
  const ops = rule.operations.filter((o) => o.serviceName === '*' || o.serviceName === service);
  if (ops.length === 0) return undefined;
  const methods = ops.some((o) => o.methods.length === 0 || o.methods.includes('*'))
    ? 'every method'
    : [...new Set(ops.flatMap((o) => o.methods))].sort().join(', ');
  if (direction === 'ingress') {
    // accessLevel "*" admits requests from any origin, the internet included.
    if (!rule.sourceAccessLevels.includes('*')) return undefined;
    if (!rule.resources.some((r) => r === '*' || projectRefs.includes(r))) return undefined;
    return `its ingress policy at ${rule.pointer} admits ${rule.identityType} from any origin (accessLevel "*") to ${service} (${methods})`;
  }
  // egressTo resources "*": every project outside the perimeter, so data can be copied anywhere.
  if (!rule.resources.includes('*')) return undefined;
  return `its egress policy at ${rule.pointer} lets ${rule.identityType} call ${service} (${methods}) on any project outside the perimeter`;
}

/**
 * Where a perimeter's enforced ingress and egress policies undo what it restricts for a project: requests from any
 * origin by any identity in, or calls by any identity to any project outside (Access Context Manager v1
 * IngressPolicy / EgressPolicy). Access levels the perimeter names are not judged (they are not in the snapshot).
 * `unknown` lists the policies whose content cordon does not have.
 */
export function perimeterOpenings(
  p: GcpServicePerimeter,
  projectRefs: readonly string[],
  services: readonly string[],
): { open: string[]; unknown: string[] } {
  const open: string[] = [];
  const unknown: string[] = [];
  const restricted = new Set(p.status?.restrictedServices ?? []);
  const judged = services.filter((s) => restricted.has(s) || restricted.has('*'));
  for (const [direction, rules] of [
    ['ingress', p.status?.ingress ?? []],
    ['egress', p.status?.egress ?? []],
  ] as const)
    for (const rule of rules) {
      if (rule.incomplete) {
        unknown.push(`the ${direction} policy at ${rule.pointer}`);
        continue;
      }
      for (const s of judged) {
        const why = opening(rule, direction, projectRefs, s);
        if (why) open.push(why);
      }
    }
  return { open, unknown };
}
