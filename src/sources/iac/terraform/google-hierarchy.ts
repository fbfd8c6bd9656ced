/**
 * Terraform google resources above the networks — projects, folders, enabled services, VPC Service Controls
 * perimeters and organization policies — rendered as the Cloud Asset Inventory assets they create (google.ts reads
 * them with the snapshot reader). What a tree cannot know before deploy (docs/iac.md, "google"):
 * - A project's ancestors are known when it names a literal `org_id`, or a folder the tree declares whose parents are
 *   known; otherwise they are unknown above what is known, and only a policy on a node below decides (org-policy.ts).
 * - The organization policies of a node are those the tree declares, for the projects it declares and the folders and
 *   organizations it declares policies on; any other node is not read.
 * - Enabled services are those the tree enables, for the projects it declares; services enabled in a project the tree
 *   does not declare make the data set partial there (APIs are often enabled outside the code).
 * - A project's number is known only after apply: `google_project.x.number` stands in as its id (google-ids.ts).
 */
import type { GcpDataset } from '../../../inventory/gcp.js';
import { folderStandIn, ProjectNumber } from './google-ids.js';
import { assetOf, blocks, defined, first, type Doc, type Skip, type V } from './google-shape.js';
import type { TfResource } from './resource.js';
import { firstUnknown, isUnknown, text, type Value } from './values.js';

/** Where a project sits: its ancestors nearest first, and why the chain stops short when it does. */
interface Place {
  ancestors: string[];
  unknownAbove?: string;
}

export interface HierarchyResult {
  docs: Doc[];
  skipped: Skip[];
  /** Projects the tree declares (google_project), by project id. */
  declaredProjects: Map<string, TfResource>;
  /** Declared projects whose ancestors are not all known, with why. */
  unknownAncestors: Map<string, string>;
  /** Folders the tree declares, by their stand-in node ("folders/<address>"): their policies are the tree's. */
  declaredFolders: string[];
}

const HIERARCHY_TYPES = new Set([
  'google_project',
  'google_folder',
  'google_project_service',
  'google_access_context_manager_access_policy',
  'google_access_context_manager_service_perimeter',
  'google_access_context_manager_service_perimeters',
  'google_access_context_manager_service_perimeter_resource',
  'google_access_context_manager_service_perimeter_dry_run_resource',
  'google_access_context_manager_service_perimeter_ingress_policy',
  'google_access_context_manager_service_perimeter_egress_policy',
  'google_access_context_manager_service_perimeter_dry_run_ingress_policy',
  'google_access_context_manager_service_perimeter_dry_run_egress_policy',
  'google_org_policy_policy',
  'google_project_organization_policy',
  'google_folder_organization_policy',
  'google_organization_policy',
]);

export function isHierarchyType(type: string): boolean {
  return HIERARCHY_TYPES.has(type);
}

const unknownReason = (u: { toString(): string }) => `value not known before deploy: ${u.toString()}`;

/** "TRUE" / "FALSE" as the org policy resource writes booleans (true / false accepted too). */
function flag(v: Value | undefined): Value | undefined {
  if (v === undefined || v === null || isUnknown(v)) return v ?? undefined;
  if (typeof v === 'boolean') return v;
  return text(v).toUpperCase() === 'TRUE';
}

function orgPolicySpec(s: V | undefined): V | undefined {
  if (!s) return undefined;
  return defined({
    rules: blocks(s.rules).map((r) => {
      const values = first(r.values);
      const condition = first(r.condition);
      return defined({
        allowAll: flag(r.allow_all),
        denyAll: flag(r.deny_all),
        enforce: flag(r.enforce),
        values: values
          ? defined({ allowedValues: values.allowed_values, deniedValues: values.denied_values })
          : undefined,
        condition: condition ? defined({ expression: condition.expression }) : undefined,
      });
    }),
    inheritFromParent: s.inherit_from_parent,
    reset: s.reset,
  });
}

/** A legacy (v1) organization policy resource in the v2 shape the reader reads. */
function legacySpec(v: V): V {
  const bool = first(v.boolean_policy);
  const listPolicy = first(v.list_policy);
  const restore = first(v.restore_policy);
  if (restore && restore.default !== false) return { reset: true, rules: [] };
  const rules: V[] = [];
  if (bool) rules.push({ enforce: bool.enforced ?? false });
  if (listPolicy) {
    const allow = first(listPolicy.allow);
    const deny = first(listPolicy.deny);
    if (allow?.all === true) rules.push({ allowAll: true });
    else if (deny?.all === true) rules.push({ denyAll: true });
    else
      rules.push(
        defined({
          values: defined({ allowedValues: allow?.values, deniedValues: deny?.values }),
        }),
      );
  }
  return defined({ rules, inheritFromParent: listPolicy?.inherit_from_parent });
}

/** "folders/1", "1" or a folder stand-in as a node name. */
function folderNode(v: Value | undefined): Value | undefined {
  if (typeof v !== 'string') return v;
  return v.startsWith('folders/') ? v : `folders/${v}`;
}

/** Perimeter resources name projects by number: a declared project's number (ProjectNumber) is that project. */
const perimeterResource = (x: Value): Value => (x instanceof ProjectNumber ? `projects/${x.projectId}` : x);
const perimeterResources = (v: Value | undefined): Value | undefined =>
  Array.isArray(v) ? v.map(perimeterResource) : v;

function perimeterConfig(c: V | undefined): V | undefined {
  if (!c) return undefined;
  const vpc = first(c.vpc_accessible_services);
  return defined({
    resources: perimeterResources(c.resources),
    restrictedServices: c.restricted_services,
    accessLevels: c.access_levels,
    vpcAccessibleServices: vpc
      ? defined({ enableRestriction: vpc.enable_restriction, allowedServices: vpc.allowed_services })
      : undefined,
    ingressPolicies: blocks(c.ingress_policies).map(ingressPolicy),
    egressPolicies: blocks(c.egress_policies).map(egressPolicy),
  });
}

/** A source or destination of a perimeter policy, as the REST API writes it (projects by number → by id). */
const operations = (v: V | undefined) =>
  blocks(v?.operations).map((o) =>
    defined({
      serviceName: o.service_name,
      methodSelectors: blocks(o.method_selectors).map((m) => defined({ method: m.method, permission: m.permission })),
    }),
  );

/**
 * An ingress policy block (`ingress_from` / `ingress_to`, in a perimeter's `ingress_policies` or its own
 * `..._ingress_policy` resource) as the REST perimeter holds it, for the perimeter check (who may come in, to what).
 */
function ingressPolicy(b: V): V {
  const from = first(b.ingress_from);
  const to = first(b.ingress_to);
  return defined({
    title: b.title,
    ingressFrom: from
      ? defined({
          identityType: from.identity_type,
          identities: from.identities,
          sources: blocks(from.sources).map((x) =>
            defined({
              accessLevel: x.access_level,
              resource: x.resource === undefined ? undefined : perimeterResource(x.resource),
            }),
          ),
        })
      : undefined,
    ingressTo: to
      ? defined({ resources: perimeterResources(to.resources), roles: to.roles, operations: operations(to) })
      : undefined,
  });
}

/** An egress policy block (`egress_from` / `egress_to`) as the REST perimeter holds it. */
function egressPolicy(b: V): V {
  const from = first(b.egress_from);
  const to = first(b.egress_to);
  return defined({
    title: b.title,
    egressFrom: from
      ? defined({
          identityType: from.identity_type,
          identities: from.identities,
          sources: blocks(from.sources).map((x) => defined({ accessLevel: x.access_level })),
          sourceRestriction: from.source_restriction,
        })
      : undefined,
    egressTo: to
      ? defined({
          resources: perimeterResources(to.resources),
          externalResources: to.external_resources,
          roles: to.roles,
          operations: operations(to),
        })
      : undefined,
  });
}

/** The REST perimeter; a name not known before deploy (the access policy's number) gets a stand-in id. */
function perimeter(v: V, address: string): V {
  return defined({
    name: typeof v.name === 'string' ? v.name : `accessPolicies/iac/servicePerimeters/${address}`,
    title: v.title,
    perimeterType: v.perimeter_type ?? 'PERIMETER_TYPE_REGULAR',
    status: perimeterConfig(first(v.status)),
    spec: perimeterConfig(first(v.spec)),
    useExplicitDryRunSpec: v.use_explicit_dry_run_spec ?? false,
  });
}

const PERIMETER_ASSET = 'accesscontextmanager.googleapis.com/ServicePerimeter';
const PERIMETERS: GcpDataset = 'accesscontextmanager:service-perimeters';
const ORG_POLICIES: GcpDataset = 'orgpolicy:policies';

/** Resources that add to a perimeter declared elsewhere: which configuration and which list they change. */
const PERIMETER_PARTS: Record<
  string,
  { config: 'status' | 'spec'; field: 'resources' | 'ingressPolicies' | 'egressPolicies' }
> = {
  google_access_context_manager_service_perimeter_resource: { config: 'status', field: 'resources' },
  google_access_context_manager_service_perimeter_dry_run_resource: { config: 'spec', field: 'resources' },
  google_access_context_manager_service_perimeter_ingress_policy: { config: 'status', field: 'ingressPolicies' },
  google_access_context_manager_service_perimeter_egress_policy: { config: 'status', field: 'egressPolicies' },
  google_access_context_manager_service_perimeter_dry_run_ingress_policy: {
    config: 'spec',
    field: 'ingressPolicies',
  },
  google_access_context_manager_service_perimeter_dry_run_egress_policy: { config: 'spec', field: 'egressPolicies' },
};

export function renderHierarchy(google: readonly TfResource[], projectOf: (r: TfResource) => string): HierarchyResult {
  const out: HierarchyResult = {
    docs: [],
    skipped: [],
    declaredProjects: new Map(),
    unknownAncestors: new Map(),
    declaredFolders: [],
  };
  const mine = google.filter((r) => HIERARCHY_TYPES.has(r.type));
  const skip = (r: TfResource, dataset: GcpDataset, project: string, reason: string) =>
    out.skipped.push({ r, dataset, project, region: 'global', reason });
  const folders = new Map(
    mine.filter((r) => r.type === 'google_folder').map((r) => [folderStandIn(r.address), r] as const),
  );
  out.declaredFolders = [...folders.keys()];

  // A node's ancestors: literal organizations, declared folders followed up, anything else unknown.
  const placeOf = (parent: Value | undefined, what: string, seen = new Set<string>()): Place => {
    if (parent === undefined || parent === null) return { ancestors: [], unknownAbove: `${what} names no parent` };
    if (isUnknown(parent)) return { ancestors: [], unknownAbove: unknownReason(parent) };
    const node = text(parent);
    if (/^organizations\/[^/]+$/.test(node)) return { ancestors: [node] };
    const folder = folders.get(node);
    if (!folder || seen.has(node))
      return {
        ancestors: [node],
        unknownAbove: `the parents of ${node} are not known before deploy (it is not a folder the scanned code declares)`,
      };
    seen.add(node);
    const above = placeOf(folder.values.parent, folder.address, seen);
    return {
      ancestors: [node, ...above.ancestors],
      ...(above.unknownAbove ? { unknownAbove: above.unknownAbove } : {}),
    };
  };

  for (const r of mine.filter((x) => x.type === 'google_project')) {
    const v = r.values;
    const id = v.project_id;
    if (typeof id !== 'string') {
      skip(
        r,
        'resourcemanager:projects',
        projectOf(r),
        isUnknown(id) ? unknownReason(id) : `${r.address} has no project_id`,
      );
      continue;
    }
    const parent =
      typeof v.org_id === 'string' || typeof v.org_id === 'number'
        ? `organizations/${v.org_id}`
        : v.folder_id !== undefined && v.folder_id !== null
          ? folderNode(v.folder_id)
          : (v.org_id ?? undefined);
    const place = placeOf(parent, r.address);
    const data = defined({ projectId: id, name: v.name, labels: v.labels, lifecycleState: 'ACTIVE' });
    const unknown = firstUnknown(data);
    if (unknown) {
      skip(r, 'resourcemanager:projects', id, unknownReason(unknown));
      continue;
    }
    out.declaredProjects.set(id, r);
    if (place.unknownAbove) out.unknownAncestors.set(id, place.unknownAbove);
    out.docs.push({
      resource: r,
      data,
      asset: assetOf('cloudresourcemanager.googleapis.com/Project', `projects/${id}`, data, [
        `projects/${id}`,
        ...place.ancestors,
      ]),
    });
  }

  for (const r of mine.filter((x) => x.type === 'google_project_service')) {
    const project = projectOf(r);
    const service = r.values.service;
    if (typeof service !== 'string') {
      skip(r, 'serviceusage:services', project, unknownReason(firstUnknown(service) ?? `${r.address}.service`));
      continue;
    }
    if (!out.declaredProjects.has(project)) {
      skip(
        r,
        'serviceusage:services',
        project,
        `project ${project} is not declared in the scanned code, so the APIs enabled in it outside the code are not known`,
      );
      continue;
    }
    const id = `projects/${project}/services/${service}`;
    const data = { name: id, parent: `projects/${project}`, state: 'ENABLED', config: { name: service } };
    out.docs.push({ resource: r, data, asset: assetOf('serviceusage.googleapis.com/Service', id, data) });
  }

  // Perimeters: one per resource, or one per block of the authoritative _perimeters resource.
  const perimeters: Doc[] = [];
  for (const r of mine) {
    const list =
      r.type === 'google_access_context_manager_service_perimeter'
        ? [{ v: r.values, address: r.address }]
        : r.type === 'google_access_context_manager_service_perimeters'
          ? blocks(r.values.service_perimeters).map((v, i) => ({ v, address: `${r.address}[${i}]` }))
          : [];
    for (const { v, address } of list) {
      const data = perimeter(v, address);
      perimeters.push({ resource: r, data, asset: assetOf(PERIMETER_ASSET, text(data.name), data) });
    }
  }
  for (const r of mine) {
    const part = PERIMETER_PARTS[r.type];
    if (!part) continue;
    const name = r.values.perimeter_name ?? r.values.perimeter;
    const target = perimeters.find((p) => typeof name === 'string' && p.data.name === name);
    const value =
      part.field === 'resources'
        ? perimeterResource(r.values.resource ?? null)
        : part.field === 'ingressPolicies'
          ? ingressPolicy(r.values)
          : egressPolicy(r.values);
    const unknown = firstUnknown(name) ?? firstUnknown(value);
    if (unknown || !target) {
      skip(
        r,
        PERIMETERS,
        projectOf(r),
        unknown ? unknownReason(unknown) : `its perimeter ${text(name)} is not declared in the scanned code`,
      );
      continue;
    }
    const config = (target.data[part.config] as V | undefined) ?? {};
    target.data[part.config] = config;
    config[part.field] = [...((config[part.field] as Value[] | undefined) ?? []), value!];
  }
  for (const p of perimeters) {
    const unknown = firstUnknown(p.data);
    if (unknown) skip(p.resource, PERIMETERS, projectOf(p.resource), unknownReason(unknown));
    else out.docs.push(p);
  }

  // Organization policies, v2 and the legacy v1 resources.
  for (const r of mine) {
    const v = r.values;
    let data: V | undefined;
    if (r.type === 'google_org_policy_policy')
      data = defined({
        name: v.name,
        spec: orgPolicySpec(first(v.spec)),
        dryRunSpec: orgPolicySpec(first(v.dry_run_spec)),
      });
    else if (r.type.endsWith('organization_policy')) {
      const parent =
        r.type === 'google_project_organization_policy'
          ? `projects/${projectOf(r)}`
          : r.type === 'google_folder_organization_policy'
            ? folderNode(v.folder)
            : isUnknown(v.org_id)
              ? v.org_id
              : `organizations/${text(v.org_id)}`;
      const constraint = typeof v.constraint === 'string' ? v.constraint.replace(/^constraints\//, '') : v.constraint;
      data = {
        name: isUnknown(parent)
          ? parent
          : isUnknown(constraint)
            ? constraint
            : `${text(parent)}/policies/${text(constraint)}`,
        spec: legacySpec(v),
      };
    } else continue;
    const unknown = firstUnknown(data);
    if (unknown || typeof data.name !== 'string') {
      skip(r, ORG_POLICIES, projectOf(r), unknown ? unknownReason(unknown) : `${r.address} has no name`);
      continue;
    }
    out.docs.push({ resource: r, data, asset: assetOf('orgpolicy.googleapis.com/Policy', data.name, data) });
  }
  return out;
}
