/**
 * VPC Service Controls membership of a project, from Access Context Manager v1 service perimeters
 * (https://cloud.google.com/access-context-manager/docs/reference/rest/v1/accessPolicies.servicePerimeters):
 * `status` is the enforced configuration; `spec` is the dry-run one when `useExplicitDryRunSpec` is true (dry-run
 * violations are only logged). Bridge perimeters restrict nothing. Perimeter resources name projects by number;
 * the source rewrites them to ids where it knows the project (resolveProjectRefs).
 */
import {
  GCP_DATASETS,
  gcpIdKey,
  type GcpAccessLevel,
  type GcpAccessLevelCondition,
  type GcpEnabledService,
  type GcpInventory,
  type GcpPerimeterConfig,
  type GcpPerimeterRule,
  type GcpProject,
  type GcpServicePerimeter,
} from '../../inventory/gcp.js';
import type { ZonePolicy } from '../../policy/load.js';
import { coversWholeInternet } from '../../util/cidr.js';
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

/** Whether an access level is met by a request from any origin: 'open', 'closed' or why it is not known. */
export type LevelVerdict = { open: true; why: string } | { open: false; unknown?: string };

function conditionOpen(
  c: GcpAccessLevelCondition,
  level: (name: string, seen: Set<string>) => LevelVerdict,
  seen: Set<string>,
): LevelVerdict {
  // Device policies, members, regions and VPC network sources narrow who meets a condition: not open.
  if (c.devicePolicy || c.members.length || c.regions.length || c.vpcNetworkSources) return { open: false };
  if (c.expression !== undefined)
    return { open: false, unknown: `a condition requires the CEL expression ${JSON.stringify(c.expression)}` };
  const required = c.requiredAccessLevels.map((r) => level(r, seen));
  const unknown = required.find((v) => !v.open && v.unknown);
  if (unknown) return unknown;
  if (required.some((v) => !v.open)) return { open: false };
  // 0.0.0.0/0, or ranges that together hold every address (its halves): any origin.
  const whole = coversWholeInternet(c.ipSubnetworks);
  // A negated range is every address but that range: the internet, less a corner.
  if (c.negate)
    return c.ipSubnetworks.length && !whole && !required.length
      ? { open: true, why: `a negated condition admits every address outside ${c.ipSubnetworks.join(', ')}` }
      : { open: false };
  if (c.ipSubnetworks.length && !whole) return { open: false };
  return {
    open: true,
    why: whole ? `ipSubnetworks ${c.ipSubnetworks.join(', ')}` : 'a condition with no restriction',
  };
}

/** Access levels by id with their verdicts, once per inventory. */
function levelJudge(inv: GcpInventory): (name: string) => LevelVerdict {
  return perInventory(inv, 'accessLevelJudge', () => {
    const byId = new Map(inv.accessLevels.map((l) => [gcpIdKey(l.id), l]));
    const memo = new Map<string, LevelVerdict>();
    // A level met again through the levels it requires counts as closed there (a cycle is cut), so a verdict reached
    // with a cut below it depends on the walk: on the levels of its own requirement cycle the walk has passed (only
    // those both lead to it and are reached from it), and it is remembered by them. (Remembered by the level alone,
    // one judged on the way to another kept that walk's cut: closed, it passed a perimeter that lists it. Not
    // remembered at all, levels that require each other were walked along every path: 11 levels, 30 s.)
    const cycles = requirementCycles(byId);
    const judge = (name: string, seen: Set<string>): LevelVerdict => {
      const id = gcpIdKey(name);
      if (seen.has(id)) return { open: false };
      const cycle = cycles.get(id);
      const k = cycle
        ? `${id}|${[...seen]
            .filter((x) => cycle.has(x))
            .sort()
            .join('|')}`
        : id;
      const known = memo.get(k);
      if (known) return known;
      const l = byId.get(id);
      let v: LevelVerdict;
      if (!l)
        v = {
          open: false,
          unknown: `access level ${id} is not in the snapshot (${GCP_DATASETS['accesscontextmanager:access-levels'].command})`,
        };
      else if (!l.basic)
        v = { open: false, unknown: `access level ${id} is a custom (CEL) level, which cordon does not evaluate` };
      else {
        const next = new Set([...seen, id]);
        const each = l.basic.conditions.map((c) => conditionOpen(c, judge, next));
        const or = l.basic.combiningFunction.toUpperCase() === 'OR';
        const open = or ? each.find((x) => x.open) : each.length && each.every((x) => x.open) ? each[0] : undefined;
        const unknown = each.find((x) => !x.open && x.unknown);
        v = open?.open
          ? { open: true, why: `access level ${l.name} admits requests from any origin (${open.why})` }
          : unknown && !unknown.open && (or || !each.some((x) => !x.open && !x.unknown))
            ? { open: false, unknown: `access level ${l.name}: ${unknown.unknown}` }
            : { open: false };
      }
      memo.set(k, v);
      return v;
    };
    return (name: string) => judge(name, new Set());
  });
}

/**
 * The levels on a requirement cycle, each with the levels of its cycle (its strongly connected component, Tarjan's
 * algorithm over every condition's required levels); a level on no cycle is absent.
 */
function requirementCycles(byId: Map<string, GcpAccessLevel>): Map<string, Set<string>> {
  const next = (id: string) =>
    (byId.get(id)?.basic?.conditions ?? []).flatMap((c) => c.requiredAccessLevels.map(gcpIdKey));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out = new Map<string, Set<string>>();
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = new Set<string>();
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.add(w);
    } while (w !== v);
    if (component.size > 1 || next(v).includes(v)) for (const x of component) out.set(x, component);
  };
  for (const id of byId.keys()) if (!index.has(id)) visit(id);
  return out;
}

/** What one ingress or egress policy opens for a service, in words, or why that is not known. */
function opening(
  rule: GcpPerimeterRule,
  direction: 'ingress' | 'egress',
  projectRefs: readonly string[],
  service: string,
  level: (name: string) => LevelVerdict,
): LevelVerdict {
  // A policy naming its identities is a deliberate, scoped exception; one open to a whole identity type is not.
  if (!rule.identityType || !ANY_IDENTITY.has(rule.identityType)) return { open: false };
  // Ingress reaches resources inside (this project, or "*"); egress resources outside ("*": any project, so data
  // can be copied anywhere).
  const reaches =
    direction === 'ingress'
      ? rule.resources.some((r) => r === '*' || projectRefs.includes(r))
      : rule.resources.includes('*');
  if (!reaches) return { open: false };
  // Ingress from where: accessLevel "*" is any origin, the internet included; so is a level any origin meets.
  let from = 'anywhere';
  if (direction === 'ingress') {
    const sources = rule.sourceAccessLevels.map((a) =>
      a === '*' ? ({ open: true, why: 'any origin (accessLevel "*")' } as const) : level(a),
    );
    const open = sources.find((v) => v.open);
    if (!open?.open) {
      const unknown = sources.find((v) => !v.open && v.unknown);
      return unknown && !unknown.open && unknown.unknown
        ? { open: false, unknown: `the ingress policy at ${rule.pointer}: ${unknown.unknown}` }
        : { open: false };
    }
    from = open.why;
  }
  const ops = rule.operations.filter((o) => o.serviceName === '*' || o.serviceName === service);
  if (ops.length === 0)
    // Roles stand for the operations of their permissions, on any service: cordon does not expand them.
    return rule.roles.length
      ? {
          open: false,
          unknown: `the ${direction} policy at ${rule.pointer} grants ${rule.identityType} the roles ${rule.roles.join(', ')}, which cordon does not expand into operations`,
        }
      : { open: false };
  const methods = ops.some((o) => o.methods.length === 0 || o.methods.includes('*'))
    ? 'every method'
    : [...new Set(ops.flatMap((o) => o.methods))].sort().join(', ');
  return direction === 'ingress'
    ? {
        open: true,
        why: `its ingress policy at ${rule.pointer} admits ${rule.identityType} from ${from} to ${service} (${methods})`,
      }
    : {
        open: true,
        why: `its egress policy at ${rule.pointer} lets ${rule.identityType} call ${service} (${methods}) on any project outside the perimeter`,
      };
}

/**
 * Where a perimeter's enforced configuration undoes what it restricts for a project: an access level of the
 * perimeter that any origin meets (it admits every identity), an ingress policy that admits a whole identity type
 * from any origin, or an egress policy that lets one call any project outside (Access Context Manager v1
 * AccessLevel, IngressPolicy, EgressPolicy). `unknown` says what cordon could not judge (a level not in the
 * snapshot, a custom CEL level, a policy without its from or to part).
 */
export function perimeterOpenings(
  inv: GcpInventory,
  p: GcpServicePerimeter,
  projectRefs: readonly string[],
  services: readonly string[],
): { open: string[]; unknown: string[] } {
  const open: string[] = [];
  const unknown: string[] = [];
  const level = levelJudge(inv);
  const restricted = new Set(p.status?.restrictedServices ?? []);
  const judged = services.filter((s) => restricted.has(s) || restricted.has('*'));
  if (judged.length === 0) return { open, unknown };
  for (const a of p.status?.accessLevels ?? []) {
    const v = level(a);
    if (v.open) open.push(`its ${v.why}, and the perimeter admits any identity meeting it`);
    else if (v.unknown) unknown.push(v.unknown);
  }
  for (const [direction, rules] of [
    ['ingress', p.status?.ingress ?? []],
    ['egress', p.status?.egress ?? []],
  ] as const)
    for (const rule of rules) {
      if (rule.incomplete) {
        unknown.push(`the ${direction} policy at ${rule.pointer} lacks its ${direction}From or ${direction}To part`);
        continue;
      }
      for (const s of judged) {
        const v = opening(rule, direction, projectRefs, s, level);
        if (v.open) open.push(v.why);
        else if (v.unknown) unknown.push(v.unknown);
      }
    }
  return { open, unknown: [...new Set(unknown)] };
}
