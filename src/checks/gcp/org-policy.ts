/**
 * The effective organization policy of a constraint for a project, evaluated through its ancestors as Org Policy v2
 * documents it (https://cloud.google.com/resource-manager/docs/organization-policy/understanding-hierarchy,
 * https://cloud.google.com/resource-manager/docs/reference/orgpolicy/rest/v2/organizations.policies#PolicySpec):
 * - a node without a policy inherits its parent's effective policy; no policy anywhere: the constraint's default;
 * - `reset: true` restores the constraint's default at that node, ignoring everything above;
 * - boolean constraints: the nearest policy decides (inheritFromParent applies to list constraints only);
 * - list constraints: `inheritFromParent: false` (the default) makes the node a new root — its rules alone; `true`
 *   merges its values with the parent's effective policy, denied values taking precedence. A rule with allowAll or
 *   denyAll decides for its node whatever the parent says;
 * - a rule with a condition (tags) applies only to resources that match it, which cordon cannot tell: the result is
 *   unknown for that project unless a node below replaces it;
 * - `dryRunSpec` is not enforced; it is reported, never counted;
 * - a node whose policies were not read (a folder not captured; before deploy, ancestors the code does not name) leaves
 *   the result unknown, unless a node below it decides on its own (a boolean policy, a list policy that does not
 *   inherit, allowAll/denyAll, reset): what is above cannot change that.
 * Two merges Google's documentation leaves open are reported as unknown rather than guessed: a node inheriting from
 * a parent that denies all while allowing values itself.
 */
import type { GcpInventory, GcpOrgPolicy, GcpOrgPolicyRule } from '../../inventory/gcp.js';
import { projectsById } from './perimeter.js';
import { perInventory } from './support.js';

export type ConstraintKind = 'boolean' | 'list';

/** A list constraint's effective values. `isDefault`: no policy decides, the constraint's default applies. */
export interface ListValues {
  isDefault: boolean;
  allowAll: boolean;
  denyAll: boolean;
  allowed: string[];
  denied: string[];
}

export type Effective<T> =
  | {
      known: true;
      value: T;
      /** The nodes whose policies made the result, nearest first ("projects/p", "folders/1"…). */
      decidedBy: string[];
      /** Nodes with a dry-run policy for the constraint (not enforced). */
      dryRunAt: string[];
    }
  | { known: false; reason: string };

const DEFAULT_LIST: ListValues = { isDefault: true, allowAll: false, denyAll: false, allowed: [], denied: [] };

const sorted = (s: Iterable<string>) => [...new Set(s)].sort();

function describeCondition(node: string, r: GcpOrgPolicyRule): string {
  return `${node} has a rule with condition ${JSON.stringify(r.condition)}, which cordon cannot evaluate (it depends on tags of the resource)`;
}

function localList(rules: readonly GcpOrgPolicyRule[]): ListValues {
  const v: ListValues = { isDefault: false, allowAll: false, denyAll: false, allowed: [], denied: [] };
  for (const r of rules) {
    if (r.allowAll) v.allowAll = true;
    if (r.denyAll) v.denyAll = true;
    v.allowed.push(...r.allowedValues);
    v.denied.push(...r.deniedValues);
  }
  v.allowed = sorted(v.allowed);
  v.denied = sorted(v.denied);
  // denyAll wins over anything the same node allows.
  if (v.denyAll) return { isDefault: false, allowAll: false, denyAll: true, allowed: [], denied: [] };
  return v;
}

/** Parent's effective values merged with a node's own under inheritFromParent; undefined when the docs leave it open. */
function mergeList(parent: ListValues, local: ListValues): ListValues | undefined {
  if (parent.isDefault) return local;
  if (parent.denyAll) return local.allowed.length > 0 ? undefined : parent;
  return {
    isDefault: false,
    allowAll: parent.allowAll,
    denyAll: false,
    allowed: parent.allowAll ? [] : sorted([...parent.allowed, ...local.allowed]),
    denied: sorted([...parent.denied, ...local.denied]),
  };
}

/** The policies of one constraint at each node of the chain (a project policy may name the project by number). */
function policiesAt(
  policies: readonly GcpOrgPolicy[],
  constraint: string,
  node: string,
  aliases: readonly string[],
): GcpOrgPolicy | undefined {
  // Indexed once per policy list: a run evaluates every AI project's chain against the same list.
  const index = perInventory(policies, 'byParentAndConstraint', () => {
    const m = new Map<string, GcpOrgPolicy>();
    for (const p of policies) {
      const k = `${p.parent} ${p.constraint.replace(/^constraints\//, '')}`;
      if (!m.has(k)) m.set(k, p);
    }
    return m;
  });
  for (const n of [node, ...aliases]) {
    const hit = index.get(`${n} ${constraint}`);
    if (hit) return hit;
  }
  return undefined;
}

export interface Chain {
  /** Nodes from the project up: "projects/p", "folders/1", …, "organizations/2". */
  nodes: string[];
  /** Other names of the first node ("projects/<number>"). */
  aliases: string[];
  /** Why the nodes above the last one are not known (GcpProject.ancestorsUnknown). */
  unknownAbove?: string;
}

/**
 * `above`: why the policies above the chain's nodes are not known (unread nodes); the result is then known only when a
 * node of the chain replaces what it inherits.
 */
export function evaluateList(
  policies: readonly GcpOrgPolicy[],
  constraint: string,
  chain: Chain,
  above?: string,
): Effective<ListValues> {
  let value = DEFAULT_LIST;
  let decidedBy: string[] = [];
  let unknown: string | undefined = above;
  const dryRunAt: string[] = [];
  // Top-down: each node either replaces or merges into what is above it.
  for (const node of [...chain.nodes].reverse()) {
    const p = policiesAt(policies, constraint, node, node === chain.nodes[0] ? chain.aliases : []);
    if (!p) continue;
    if (p.dryRunSpec) dryRunAt.unshift(node);
    const spec = p.spec;
    if (!spec) continue;
    if (spec.reset) {
      value = DEFAULT_LIST;
      decidedBy = [node];
      unknown = undefined;
      continue;
    }
    const conditional = spec.rules.find((r) => r.condition);
    const inherit = spec.inheritFromParent === true;
    if (conditional) {
      unknown = describeCondition(node, conditional);
      continue;
    }
    const local = spec.rules.length === 0 ? DEFAULT_LIST : localList(spec.rules);
    if (!inherit) {
      value = local;
      decidedBy = [node];
      unknown = undefined;
      continue;
    }
    if (local.allowAll || local.denyAll) {
      value = local;
      decidedBy = [node];
      unknown = undefined;
      continue;
    }
    if (unknown) continue; // merging values into an unknown parent stays unknown
    const merged = mergeList(value, local);
    if (!merged) {
      unknown = `${node} inherits from a parent that denies all values while allowing ${local.allowed.join(', ')} itself; Google's documentation does not say which wins`;
      continue;
    }
    value = merged;
    decidedBy = [node, ...decidedBy];
  }
  if (unknown) return { known: false, reason: unknown };
  return { known: true, value, decidedBy, dryRunAt };
}

export function evaluateBoolean(
  policies: readonly GcpOrgPolicy[],
  constraint: string,
  chain: Chain,
  above?: string,
): Effective<boolean | 'default'> {
  const dryRunAt: string[] = [];
  let decided: Effective<boolean | 'default'> | undefined;
  chain.nodes.forEach((node, i) => {
    const p = policiesAt(policies, constraint, node, i === 0 ? chain.aliases : []);
    if (!p) return;
    if (p.dryRunSpec) dryRunAt.push(node);
    const spec = p.spec;
    if (decided || !spec || (!spec.reset && spec.rules.length === 0)) return;
    if (spec.reset) {
      decided = { known: true, value: 'default', decidedBy: [node], dryRunAt };
      return;
    }
    const conditional = spec.rules.find((r) => r.condition);
    if (conditional) {
      decided = { known: false, reason: describeCondition(node, conditional) };
      return;
    }
    decided = { known: true, value: spec.rules.some((r) => r.enforce === true), decidedBy: [node], dryRunAt };
  });
  if (decided) return decided;
  return above ? { known: false, reason: above } : { known: true, value: 'default', decidedBy: [], dryRunAt };
}

/** The hierarchy above a project from the project resource's ancestors; undefined when the project was not read. */
export function chainOf(inv: GcpInventory, project: string): Chain | undefined {
  const p = projectsById(inv).get(project);
  if (!p) return undefined;
  return {
    nodes: [`projects/${project}`, ...p.ancestors.filter((a) => a !== `projects/${project}`)],
    aliases: p.projectNumber ? [`projects/${p.projectNumber}`] : [],
    ...(p.ancestorsUnknown ? { unknownAbove: p.ancestorsUnknown } : {}),
  };
}

/**
 * Nodes of the chain whose policies were not read (a node's policies are known when the org policy data set was
 * captured for it: the project id, or "folders/N" / "organizations/N"), with why.
 */
export function unreadNodes(inv: GcpInventory, chain: Chain): string[] {
  return unread(inv, chain).map((u) => u.text);
}

/** The unread nodes with their index in the chain (the unknown ancestors above it: index nodes.length). */
function unread(inv: GcpInventory, chain: Chain): { index: number; text: string }[] {
  const out: { index: number; text: string }[] = [];
  chain.nodes.forEach((node, index) => {
    const keys = node.startsWith('projects/') ? [node.slice('projects/'.length), node, ...chain.aliases] : [node];
    const u = keys.map((k) => inv.unavailable.get(k)?.get('orgpolicy:policies')).find((x) => x);
    if (u) out.push({ index, text: `${node} (${u.reason})` });
    else if (!keys.some((k) => inv.datasets.get(k)?.has('orgpolicy:policies')))
      out.push({ index, text: `${node} (not in the snapshot)` });
  });
  if (chain.unknownAbove)
    out.push({ index: chain.nodes.length, text: `the ancestors above ${chain.nodes.at(-1)} (${chain.unknownAbove})` });
  return out;
}

export type ProjectEffective<T> = Effective<T> & { chain?: Chain };

/** The effective policy of a constraint for a project, or why cordon cannot tell. */
export function effectivePolicy(
  inv: GcpInventory,
  project: string,
  constraint: string,
  kind: 'list',
): Effective<ListValues>;
export function effectivePolicy(
  inv: GcpInventory,
  project: string,
  constraint: string,
  kind: 'boolean',
): Effective<boolean | 'default'>;
export function effectivePolicy(
  inv: GcpInventory,
  project: string,
  constraint: string,
  kind: ConstraintKind,
): Effective<ListValues> | Effective<boolean | 'default'> {
  const chain = chainOf(inv, project);
  if (!chain)
    return {
      known: false,
      reason: `the project's place in the resource hierarchy is unknown (resourcemanager:projects is not in the snapshot for ${project}), so inherited policies cannot be evaluated`,
    };
  // A node below every unread one that decides on its own (a boolean policy, a list policy that does not inherit, a
  // reset) gives the result whatever is above; otherwise the unread nodes leave it unknown.
  const gaps = unread(inv, chain);
  const known = gaps.length ? { ...chain, nodes: chain.nodes.slice(0, gaps[0]!.index) } : chain;
  const above = gaps.length
    ? `organization policies of ${gaps.map((g) => g.text).join(', ')} were not read (gcloud org-policies list for each node; needs orgpolicy.policies.list)`
    : undefined;
  return kind === 'list'
    ? evaluateList(inv.orgPolicies, constraint, known, above)
    : evaluateBoolean(inv.orgPolicies, constraint, known, above);
}

/** A short account of list values for messages. */
export function describeList(v: ListValues): string {
  if (v.isDefault) return "no policy sets it (the constraint's default: every value allowed)";
  if (v.denyAll) return 'every value denied';
  if (v.allowAll) return v.denied.length ? `every value allowed except ${v.denied.join(', ')}` : 'every value allowed';
  if (v.allowed.length === 0)
    return v.denied.length ? `every value allowed except ${v.denied.join(', ')}` : 'every value allowed';
  return `only ${v.allowed.join(', ')} allowed${v.denied.length ? ` (denied: ${v.denied.join(', ')})` : ''}`;
}

/** A dry-run note for messages. */
export function dryRunNote(e: { dryRunAt: string[] }): string {
  return e.dryRunAt.length ? ` (a dry-run policy at ${e.dryRunAt.join(', ')} is not enforced)` : '';
}
