/**
 * Models of Terraform Registry modules, read when a call's module is not on disk (a checkout without
 * `.terraform/modules`): cordon's own restatement of what the module deploys, as a directory of .tf files taking the
 * module's own inputs (models/<name>/), which the evaluator reads as if it were the downloaded module.
 *
 * A model is read only when every version the call's `version` constraint admits lies in the range the model was
 * checked against, and only when the call passes no input the model does not declare: a model that silently ignored an
 * input changing the network (enable_ipv6, a VPN gateway) would be a silent pass. Anything else stays unread, as a
 * module not on disk always was.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Value } from './values.js';

type Version = [number, number, number];

export interface RegistryModel {
  /** NAMESPACE/NAME/PROVIDER as the public registry names it. */
  source: string;
  /** The directory under models/. */
  dir: string;
  /** The first version the model states. */
  since: Version;
  /**
   * The versions below which the model is read (exclusive). The model follows the module's source in every release
   * from `since` to the last one checked; later minor releases of the same major are read too, on the module's own
   * semantic versioning (a changed default or deployed resource is a new major: release tooling enforces it), and
   * because an input those releases add is not declared by the model, so a call passing it is not read.
   */
  before: Version;
  /**
   * Inputs the model does not state but reads at the module's default (which deploys nothing more): a call passing one
   * with any other value, or one not known before deploy, is not read. Samples often say `enable_vpn_gateway = false`.
   */
  onlyDefault?: Record<string, boolean>;
  /** Why a call admitting `lowest` (the oldest version its constraint allows) cannot be read, given its inputs. */
  refuse?: (inputs: ReadonlyMap<string, Value>, lowest: Version) => string | undefined;
}

const lengthOf = (v: Value | undefined): number | undefined =>
  v === undefined || v === null ? 0 : Array.isArray(v) ? v.length : undefined;

/**
 * terraform-aws-modules/vpc/aws, checked against every release from 5.0.0 to 6.6.0 (January 2026): the resources
 * the modelled inputs deploy are the same in all, but for 5.0.0–5.1.1, which counted intra subnets among the subnets
 * that decide how many NAT gateways and private route tables there are (without one per zone or a single one).
 */
const VPC: RegistryModel = {
  source: 'terraform-aws-modules/vpc/aws',
  dir: 'terraform-aws-modules-vpc',
  since: [5, 0, 0],
  before: [7, 0, 0],
  // The defaults of every release 5.0.0-6.6.0 (the create_multiple_* and create_private_nat_gateway_route inputs came
  // in 5.8 and 5.15 with the behaviour of earlier releases as their default).
  onlyDefault: {
    enable_ipv6: false,
    enable_vpn_gateway: false,
    enable_dhcp_options: false,
    reuse_nat_ips: false,
    manage_default_vpc: false,
    create_egress_only_igw: true,
    create_multiple_public_route_tables: false,
    create_multiple_intra_route_tables: false,
    create_private_nat_gateway_route: true,
    putin_khuylo: true,
  },
  refuse: (inputs, lowest) => {
    if (compare(lowest, [5, 1, 2]) >= 0 || !inputs.has('intra_subnets')) return undefined;
    const lengths = [
      'private_subnets',
      'public_subnets',
      'database_subnets',
      'elasticache_subnets',
      'intra_subnets',
    ].map((n) => lengthOf(inputs.get(n)));
    if (lengths.some((n) => n === undefined))
      return 'versions before 5.1.2 count intra subnets for NAT gateways, and how many subnets the call gives is not known';
    const intra = lengths.pop()!;
    return intra > Math.max(...(lengths as number[]))
      ? 'versions before 5.1.2 (which the version constraint admits) create a NAT gateway and a private route table per intra subnet, later ones do not'
      : undefined;
  },
};

export const REGISTRY_MODELS: readonly RegistryModel[] = [VPC];

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/**
 * The versions a Terraform version constraint admits, as the lowest and the exclusive upper bound, or why it cannot
 * be read (a prerelease, `~>` of a major alone, whose meaning differs between Terraform releases).
 */
export function constraintRange(constraint: string): { lowest: Version; below?: Version } | string {
  let lowest: Version = [0, 0, 0];
  let lowExclusive = false;
  let below: Version | undefined;
  let upTo: Version | undefined;
  const raise = (x: Version, exclusive: boolean) => {
    const c = compare(x, lowest);
    if (c > 0) [lowest, lowExclusive] = [x, exclusive];
    else if (c === 0) lowExclusive ||= exclusive;
  };
  const cap = (x: Version) => {
    if (!below || compare(x, below) < 0) below = x;
  };
  const capInclusive = (x: Version) => {
    if (!upTo || compare(x, upTo) < 0) upTo = x;
  };
  for (const part of constraint.split(',')) {
    const m = /^\s*(=|!=|>=|<=|>|<|~>)?\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?\s*$/.exec(part);
    if (!m) return `cannot read the version constraint ${JSON.stringify(constraint)}`;
    const op = m[1] ?? '=';
    const v: Version = [Number(m[2]), Number(m[3] ?? 0), Number(m[4] ?? 0)];
    switch (op) {
      case '=':
        raise(v, false);
        capInclusive(v);
        break;
      case '!=':
        break; // takes versions out: the range stays what the rest says
      case '>=':
        raise(v, false);
        break;
      case '>':
        raise(v, true);
        break;
      case '<':
        cap(v);
        break;
      case '<=':
        capInclusive(v);
        break;
      case '~>':
        if (m[3] === undefined)
          return `cannot read the version constraint ${JSON.stringify(constraint)} (~> of a major)`;
        raise(v, false);
        cap(m[4] === undefined ? [v[0] + 1, 0, 0] : [v[0], v[1] + 1, 0]);
        break;
    }
  }
  // An inclusive bound is below its next patch release.
  if (upTo) cap([upTo[0], upTo[1], upTo[2] + 1]);
  // `> 5.1.2`: the lowest admitted release is after it; its next patch is a safe stand-in for the model's range.
  if (lowExclusive) lowest = [lowest[0], lowest[1], lowest[2] + 1];
  return below ? { lowest, below } : { lowest };
}

/** The model for a registry source and version constraint, or why there is none. */
export function registryModel(
  source: string,
  version: Value | undefined,
): { model: RegistryModel; lowest: Version } | string | undefined {
  const bare = source.replace(/^registry\.terraform\.io\//i, '').toLowerCase();
  const model = REGISTRY_MODELS.find((m) => m.source === bare);
  if (!model) return undefined;
  const range = `${model.since.join('.')} and below ${model.before.join('.')}`;
  if (version === undefined)
    return `cordon's model of it follows versions ${range}, and the call names no version (the latest may be later)`;
  if (typeof version !== 'string') return `cordon's model of it needs a literal version constraint`;
  const r = constraintRange(version);
  if (typeof r === 'string') return r;
  if (compare(r.lowest, model.since) < 0 || !r.below || compare(r.below, model.before) > 0)
    return `cordon's model of it follows versions ${range}, and the constraint ${JSON.stringify(version)} admits others`;
  return { model, lowest: r.lowest };
}

/** Why a call passing these inputs is not read through the model, if it is not. */
export function modelRefusal(
  found: { model: RegistryModel; lowest: Version },
  declared: ReadonlySet<string>,
  inputs: ReadonlyMap<string, Value>,
): string | undefined {
  const fixed = found.model.onlyDefault ?? {};
  const unknown = [...inputs.keys()].filter((n) => !declared.has(n) && !(n in fixed)).sort();
  if (unknown.length > 0) return `cordon's model of it does not read the input(s) ${unknown.join(', ')}`;
  // A bool input converts "true"/"false" as Terraform does.
  const changed = Object.entries(fixed)
    .filter(([n, d]) => inputs.has(n) && inputs.get(n) !== d && inputs.get(n) !== String(d))
    .map(([n, d]) => `${n} (read only at its default, ${d})`);
  if (changed.length > 0) return `cordon's model of it does not read ${changed.join(', ')}`;
  const why = found.model.refuse?.(inputs, found.lowest);
  return why === undefined ? undefined : `cordon's model of it cannot be read: ${why}`;
}

/**
 * Where a model's .tf files are: beside this file under src/ (tsx), else under the package's own src/ folder (the
 * built CLI, dist/cli-bundle/ or dist/sources/…, which the package ships with them: package.json "files").
 */
export function modelDir(dir: string): string | undefined {
  let at = path.dirname(fileURLToPath(import.meta.url));
  const own = path.join(at, 'models', dir);
  if (existsSync(path.join(own, 'main.tf'))) return own;
  for (;;) {
    const candidate = path.join(at, 'src', 'sources', 'iac', 'terraform', 'models', dir);
    if (existsSync(path.join(candidate, 'main.tf'))) return candidate;
    const up = path.dirname(at);
    if (up === at) return undefined;
    at = up;
  }
}
