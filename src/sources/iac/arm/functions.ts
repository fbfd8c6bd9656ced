/**
 * Static evaluation of ARM template functions (learn.microsoft.com/azure/azure-resource-manager/templates/
 * template-functions). Functions whose result is fixed by the template and its parameters are computed; those Azure
 * computes at deploy time (reference(), list*(), uniqueString(), guid(), newGuid(), utcNow(), …) give
 * an Unknown naming the call. Deployment scope functions (subscription(), resourceGroup()) answer with the IaC scope
 * values: subscription "iac" and resource group "iac" unless the template states literal ones (docs/iac.md);
 * environment() the public cloud's.
 */
import {
  ExpressionError,
  findUnknown,
  getProperty,
  isObjectValue,
  renderExpr,
  renderUnknownName,
  renderValue,
  Unknown,
  type Expr,
  type ObjectValue,
  type Value,
} from './expression.js';

export type DeploymentLevel = 'resourceGroup' | 'subscription' | 'managementGroup' | 'tenant';

export interface DeploymentScope {
  level: DeploymentLevel;
  subscriptionId: string;
  /** The resource group's name (resource-group deployments). */
  resourceGroup: string;
  location: string;
}

export interface EvalContext {
  scope: DeploymentScope;
  parameter(name: string): Value;
  variable(name: string): Value;
  /** The current index of a copy loop (the innermost one when `loop` is not given). */
  copyIndex(loop: string | undefined): number | undefined;
  /** "file:line" of the expression, for the causes of unknowns. */
  where: string;
  /**
   * A languageVersion 2.0 symbolic resource of the template: `reference('vnet')` (its declared properties, as a
   * declared-only view) or `resourceInfo('vnet')` (id, name, type, apiVersion); undefined when `name` is no symbol.
   */
  symbolic?(name: string, what: 'reference' | 'resourceInfo'): Value | undefined;
}

const DEPLOY_TIME: Record<string, string> = {
  reference: 'a runtime property of a deployed resource',
  newguid: 'a new GUID at every deployment',
  utcnow: 'the deployment time',
  uniquestring:
    'a hash Azure computes at deploy time (Microsoft does not document the algorithm, so cordon does not guess it)',
  guid: 'a GUID Azure derives at deploy time (its algorithm is not documented)',
  deployment: 'the deployment object',
  tenant: 'the tenant of the deployment',
  managementgroup: 'the management group of the deployment',
  pickzones: 'the availability zones of the region',
  providers: 'a resource provider lookup',
  listkeys: 'secrets of a deployed resource',
  managementgroupresourceid: 'the management group of the deployment',
};

/**
 * environment(): the public cloud's values as Microsoft documents them (template and Bicep function references).
 * cordon's Azure analysis is for the public cloud — its private DNS zone names are the `core.windows.net` ones — so a
 * template's `environment().suffixes.storage` is evaluated in the same cloud its zones are judged against (docs/iac.md).
 */
const AZURE_CLOUD: ObjectValue = {
  name: 'AzureCloud',
  gallery: 'https://gallery.azure.com/',
  graph: 'https://graph.windows.net/',
  portal: 'https://portal.azure.com',
  graphAudience: 'https://graph.windows.net/',
  activeDirectoryDataLake: 'https://datalake.azure.net/',
  batch: 'https://batch.core.windows.net/',
  media: 'https://rest.media.azure.net',
  sqlManagement: 'https://management.core.windows.net:8443/',
  vmImageAliasDoc:
    'https://raw.githubusercontent.com/Azure/azure-rest-api-specs/master/arm-compute/quickstart-templates/aliases.json',
  resourceManager: 'https://management.azure.com/',
  authentication: {
    loginEndpoint: 'https://login.microsoftonline.com/',
    audiences: ['https://management.core.windows.net/', 'https://management.azure.com/'],
    tenant: 'common',
    identityProvider: 'AAD',
  },
  suffixes: {
    acrLoginServer: '.azurecr.io',
    azureDatalakeAnalyticsCatalogAndJob: 'azuredatalakeanalytics.net',
    azureDatalakeStoreFileSystem: 'azuredatalakestore.net',
    azureFrontDoorEndpointSuffix: 'azurefd.net',
    keyvaultDns: '.vault.azure.net',
    sqlServerHostname: '.database.windows.net',
    storage: 'core.windows.net',
  },
};

const unknownCall = (name: string, args: Value[], cause: string): Unknown =>
  new Unknown(`${name}(${args.map(renderValue).join(', ')})`, cause);

/** Evaluates an expression; `text` is its source, for error messages. */
export function evaluate(e: Expr, ctx: EvalContext): Value {
  switch (e.k) {
    case 'lit':
      return e.v;
    case 'prop': {
      const of = evaluate(e.of, ctx);
      if (of instanceof Unknown) return new Unknown(`${of.text}.${e.name}`, of.cause);
      if (!isObjectValue(of)) throw new ExpressionError(`cannot read property ${e.name} of ${describe(of)}`);
      const v = getProperty(of, e.name);
      if (v === undefined) return missing(of, e.name, renderExpr(e), ctx);
      return v;
    }
    case 'index': {
      const of = evaluate(e.of, ctx);
      const ix = evaluate(e.index, ctx);
      if (of instanceof Unknown || ix instanceof Unknown) {
        const u = of instanceof Unknown ? of : (ix as Unknown);
        return new Unknown(`${renderValue(of)}[${renderValue(ix)}]`, u.cause);
      }
      if (Array.isArray(of) && typeof ix === 'number') {
        if (ix < 0 || ix >= of.length)
          throw new ExpressionError(`index ${ix} is outside the array (length ${of.length})`);
        return of[ix]!;
      }
      if (isObjectValue(of) && typeof ix === 'string') {
        const v = getProperty(of, ix);
        if (v === undefined) return missing(of, ix, renderExpr(e), ctx);
        return v;
      }
      throw new ExpressionError(`cannot index ${describe(of)} with ${describe(ix)}`);
    }
    case 'call':
      return call(e, ctx);
  }
}

/**
 * A property the object does not have: an error, except in a declared-only view of a resource (`reference('vnet')`),
 * where it is a runtime property Azure fills in at deploy time.
 */
function missing(of: ObjectValue, name: string, text: string, ctx: EvalContext): Value {
  if (DECLARED_ONLY.has(of))
    return new Unknown(text, `${text} is a runtime property, known only after deploy (${ctx.where})`);
  throw new ExpressionError(`the object has no property ${name}`);
}

/** Objects that hold only what a template declares about a resource (every nested object of such a view too). */
export const DECLARED_ONLY = new WeakSet<object>();

export function declaredOnly(v: Value): Value {
  if (Array.isArray(v)) v.forEach(declaredOnly);
  else if (isObjectValue(v)) {
    DECLARED_ONLY.add(v);
    Object.values(v).forEach(declaredOnly);
  }
  return v;
}

function describe(v: Value): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `the ${typeof v} ${renderValue(v)}`;
}

/** Functions that look at their arguments one at a time (only the branch taken is evaluated, as ARM does). */
function lazyCall(name: string, args: Expr[], ctx: EvalContext): Value | undefined {
  switch (name) {
    case 'if': {
      arity(name, args, 3, 3);
      const c = evaluate(args[0]!, ctx);
      if (c instanceof Unknown) {
        const a = evaluate(args[1]!, ctx);
        const b = evaluate(args[2]!, ctx);
        return deepEqual(a, b) === true ? a : unknownCall('if', [c, a, b], c.cause);
      }
      return evaluate(args[truthy(c, name) ? 1 : 2]!, ctx);
    }
    case 'and':
    case 'or': {
      let unknown: Unknown | undefined;
      for (const a of args) {
        const v = evaluate(a, ctx);
        if (v instanceof Unknown) unknown ??= v;
        else if (truthy(v, name) === (name === 'or')) return name === 'or';
      }
      return unknown ? new Unknown(`${name}(…)`, unknown.cause) : name === 'and';
    }
    case 'coalesce': {
      for (const a of args) {
        const v = evaluate(a, ctx);
        if (v instanceof Unknown) return v;
        if (v !== null) return v;
      }
      return null;
    }
    default:
      return undefined;
  }
}

function call(e: Extract<Expr, { k: 'call' }>, ctx: EvalContext): Value {
  const name = e.name.toLowerCase();
  const lazy = lazyCall(name, e.args, ctx);
  if (lazy !== undefined) return lazy;
  const args = e.args.map((a) => evaluate(a, ctx));
  // What the Bicep translation could not express: an unknown with its text and cause.
  if (name === 'cordonunknown' && typeof args[0] === 'string' && typeof args[1] === 'string')
    return new Unknown(args[0], args[1]);
  if (
    (name === 'reference' || name === 'resourceinfo') &&
    typeof args[0] === 'string' &&
    (args.length === 1 || name === 'reference')
  ) {
    const v = ctx.symbolic?.(args[0], name === 'reference' ? 'reference' : 'resourceInfo');
    if (v !== undefined && !(name === 'reference' && args[2] === 'Full')) return v;
  }
  const because =
    DEPLOY_TIME[name] ?? (name.startsWith('list') ? 'a secret or runtime list of a deployed resource' : undefined);
  if (because !== undefined) return unknownCall(e.name, args, `${e.name}() is ${because} (${ctx.where})`);
  if (name.includes('.'))
    return unknownCall(e.name, args, `user-defined function ${e.name} is not evaluated (${ctx.where})`);
  // Scope functions and those that take names, not values.
  switch (name) {
    case 'parameters':
      return ctx.parameter(str(args, 0, name));
    case 'variables':
      return ctx.variable(str(args, 0, name));
    case 'copyindex': {
      const loop = typeof args[0] === 'string' ? args[0] : undefined;
      const offset = typeof args[0] === 'number' ? args[0] : typeof args[1] === 'number' ? args[1] : 0;
      const i = ctx.copyIndex(loop);
      if (i === undefined) throw new ExpressionError(`copyIndex(${loop ? `'${loop}'` : ''}) outside a copy loop`);
      return i + offset;
    }
    case 'subscription':
      return {
        id: `/subscriptions/${ctx.scope.subscriptionId}`,
        subscriptionId: ctx.scope.subscriptionId,
        displayName: ctx.scope.subscriptionId,
        tenantId: new Unknown('subscription().tenantId', `the tenant is known only at deploy time (${ctx.where})`),
      };
    case 'environment':
      return AZURE_CLOUD;
    case 'resourcegroup':
      return {
        id: `/subscriptions/${ctx.scope.subscriptionId}/resourceGroups/${ctx.scope.resourceGroup}`,
        name: ctx.scope.resourceGroup,
        type: 'Microsoft.Resources/resourceGroups',
        location: ctx.scope.location,
        tags: {},
        properties: { provisioningState: 'Succeeded' },
      };
  }
  const unknown = args.find((a): a is Unknown => a instanceof Unknown);
  if (
    unknown &&
    name === 'concat' &&
    args.every((a) => a instanceof Unknown || typeof a === 'string' || typeof a === 'number')
  )
    return new Unknown(
      `${e.name}(${args.map(renderValue).join(', ')})`,
      unknown.cause,
      args.map((a) => (a instanceof Unknown ? renderUnknownName(a) : String(a))).join(''),
    );
  if (unknown && !ID_FUNCTIONS.has(name)) return unknownCall(e.name, args, unknown.cause);
  const fn = PURE[name];
  if (!fn) return unknownCall(e.name, args, `function ${e.name}() is not evaluated before deploy (${ctx.where})`);
  return fn(args, ctx, e.name);
}

function arity(name: string, args: readonly unknown[], min: number, max = Infinity): void {
  if (args.length < min || args.length > max)
    throw new ExpressionError(
      `${name}() takes ${min === max ? min : max === Infinity ? `at least ${min}` : `${min} to ${max}`} argument(s), got ${args.length}`,
    );
}

function str(args: Value[], i: number, fn: string): string {
  const v = args[i];
  if (typeof v !== 'string')
    throw new ExpressionError(`${fn}(): argument ${i + 1} must be a string, got ${describe(v ?? null)}`);
  return v;
}

function num(args: Value[], i: number, fn: string): number {
  const v = args[i];
  if (typeof v !== 'number')
    throw new ExpressionError(`${fn}(): argument ${i + 1} must be an integer, got ${describe(v ?? null)}`);
  return v;
}

function truthy(v: Value, fn: string): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v)) return v.toLowerCase() === 'true';
  throw new ExpressionError(`${fn}() expects a boolean, got ${describe(v)}`);
}

/** Deep equality, case-sensitive for strings (ARM's equals); undefined when an unknown decides it. */
function deepEqual(a: Value, b: Value): boolean | undefined {
  if (a instanceof Unknown || b instanceof Unknown)
    return a instanceof Unknown && b instanceof Unknown && a.text === b.text ? true : undefined;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    let out: boolean | undefined = true;
    for (let i = 0; i < a.length; i++) {
      const r = deepEqual(a[i]!, b[i]!);
      if (r === false) return false;
      if (r === undefined) out = undefined;
    }
    return out;
  }
  if (isObjectValue(a) || isObjectValue(b)) {
    if (!isObjectValue(a) || !isObjectValue(b)) return false;
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    if (ka.join('\u0000') !== kb.join('\u0000')) return false;
    let out: boolean | undefined = true;
    for (const k of ka) {
      const r = deepEqual(a[k]!, b[k]!);
      if (r === false) return false;
      if (r === undefined) out = undefined;
    }
    return out;
  }
  return a === b;
}

const equalsOrUnknown = (a: Value, b: Value, fn: string): Value => {
  const r = deepEqual(a, b);
  if (r !== undefined) return r;
  const u = findUnknown(a) ?? findUnknown(b)!;
  return unknownCall(fn, [a, b], u.cause);
};

/** Resource id functions render unknown name segments as "[expression]" so references still meet their resource. */
const ID_FUNCTIONS = new Set(['resourceid', 'subscriptionresourceid', 'tenantresourceid', 'extensionresourceid']);

function segment(v: Value): string {
  if (v instanceof Unknown) return renderUnknownName(v);
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  throw new ExpressionError(`a resource id segment must be a string, got ${describe(v)}`);
}

/** "/providers/NS/t1/n1/t2/n2" from a type with n segments and n names (names may also hold "a/b"). */
export function providerPath(type: string, names: string[]): string {
  const parts = type.split('/');
  const flat = names.flatMap((n) => n.split('/'));
  if (parts.length < 2 || flat.length !== parts.length - 1)
    throw new ExpressionError(
      `resource type ${type} needs ${Math.max(parts.length - 1, 1)} name segment(s), got ${flat.length} (${flat.join('/')})`,
    );
  let out = `/providers/${parts[0]}`;
  for (let i = 1; i < parts.length; i++) out += `/${parts[i]}/${flat[i - 1]}`;
  return out;
}

function resourceIdArgs(args: Value[], fn: string): { before: string[]; type: string; names: string[] } {
  const segs = args.map(segment);
  const t = segs.findIndex((s) => /^[^/[]+\.[^/]+\/./.test(s));
  if (t < 0) throw new ExpressionError(`${fn}(): no resource type (Namespace/type) among the arguments`);
  return { before: segs.slice(0, t), type: segs[t]!, names: segs.slice(t + 1) };
}

type Pure = (args: Value[], ctx: EvalContext, name: string) => Value;

const asArray = (v: Value, fn: string): Value[] => {
  if (!Array.isArray(v)) throw new ExpressionError(`${fn}() expects an array, got ${describe(v)}`);
  return v;
};

/** .NET composite formatting as format() uses it: {0}, {1,-5}, {0:N2} (format specifiers are ignored), {{ }}. */
function netFormat(fmt: string, values: Value[]): string {
  return fmt.replace(/\{\{|\}\}|\{(\d+)(,[-\d]+)?(:[^}]*)?\}/g, (m, i?: string) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const v = values[Number(i)];
    if (v === undefined) throw new ExpressionError(`format(): no argument {${i}}`);
    return toText(v);
  });
}

function toText(v: Value): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return v ? String(v) : String(v);
  if (v === null) return '';
  return JSON.stringify(v);
}

const PURE: Record<string, Pure> = {
  resourceid(args, ctx, fn) {
    const { before, type, names } = resourceIdArgs(args, fn);
    const path = providerPath(type, names);
    const [sub, rg] =
      before.length >= 2
        ? [before[0]!, before[1]!]
        : before.length === 1
          ? [ctx.scope.subscriptionId, before[0]!]
          : [ctx.scope.subscriptionId, ctx.scope.level === 'resourceGroup' ? ctx.scope.resourceGroup : undefined];
    return rg === undefined ? `/subscriptions/${sub}${path}` : `/subscriptions/${sub}/resourceGroups/${rg}${path}`;
  },
  subscriptionresourceid(args, ctx, fn) {
    const { before, type, names } = resourceIdArgs(args, fn);
    return `/subscriptions/${before[0] ?? ctx.scope.subscriptionId}${providerPath(type, names)}`;
  },
  tenantresourceid(args, _ctx, fn) {
    const { type, names } = resourceIdArgs(args, fn);
    return providerPath(type, names);
  },
  extensionresourceid(args, _ctx, fn) {
    const [base, ...rest] = args.map(segment);
    const { type, names } = resourceIdArgs(rest, fn);
    return `${base}${providerPath(type, names)}`;
  },
  concat(args) {
    if (args.length > 0 && args.every((a) => Array.isArray(a))) return (args as Value[][]).flat();
    return args.map(toText).join('');
  },
  format(args, _c, fn) {
    return netFormat(str(args, 0, fn), args.slice(1));
  },
  equals: (args, _c, fn) => (arity(fn, args, 2, 2), equalsOrUnknown(args[0]!, args[1]!, fn)),
  not: (args, _c, fn) => (arity(fn, args, 1, 1), !truthy(args[0]!, fn)),
  bool: (args, _c, fn) => (typeof args[0] === 'number' ? args[0] !== 0 : truthy(args[0] ?? null, fn)),
  true: () => true,
  false: () => false,
  null: () => null,
  tolower: (args, _c, fn) => str(args, 0, fn).toLowerCase(),
  toupper: (args, _c, fn) => str(args, 0, fn).toUpperCase(),
  trim: (args, _c, fn) => str(args, 0, fn).trim(),
  replace: (args, _c, fn) =>
    str(args, 0, fn)
      .split(str(args, 1, fn))
      .join(str(args, 2, fn)),
  split(args, _c, fn) {
    const s = str(args, 0, fn);
    const d = args[1];
    const delims = Array.isArray(d) ? d.map(toText) : [str(args, 1, fn)];
    let parts = [s];
    for (const del of delims) parts = parts.flatMap((p) => p.split(del));
    return parts;
  },
  string: (args) => toText(args[0] ?? null),
  int(args, _c, fn) {
    const v = args[0];
    const n =
      typeof v === 'number' ? Math.trunc(v) : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
    if (Number.isNaN(n)) throw new ExpressionError(`${fn}(): cannot convert ${describe(v ?? null)} to an integer`);
    return n;
  },
  json(args, _c, fn) {
    try {
      return JSON.parse(str(args, 0, fn)) as Value;
    } catch {
      throw new ExpressionError(`${fn}(): not valid JSON`);
    }
  },
  length(args, _c, fn) {
    const v = args[0] ?? null;
    if (typeof v === 'string' || Array.isArray(v)) return v.length;
    if (isObjectValue(v)) return Object.keys(v).length;
    throw new ExpressionError(`${fn}() expects a string, array or object, got ${describe(v)}`);
  },
  empty(args) {
    const v = args[0] ?? null;
    if (v === null) return true;
    if (typeof v === 'string' || Array.isArray(v)) return v.length === 0;
    return isObjectValue(v) ? Object.keys(v).length === 0 : false;
  },
  contains(args, _c, fn) {
    const [c, x] = [args[0] ?? null, args[1] ?? null];
    if (typeof c === 'string') return c.includes(toText(x));
    if (Array.isArray(c)) {
      let unknown = false;
      for (const item of c) {
        const r = deepEqual(item, x);
        if (r === true) return true;
        if (r === undefined) unknown = true;
      }
      return unknown ? unknownCall(fn, [c, x], findUnknown(c)!.cause) : false;
    }
    if (isObjectValue(c)) return getProperty(c, toText(x)) !== undefined;
    throw new ExpressionError(`${fn}() expects a string, array or object, got ${describe(c)}`);
  },
  union(args, _c, fn) {
    if (args.every(Array.isArray)) {
      const out: Value[] = [];
      for (const a of args as Value[][]) for (const x of a) if (!out.some((y) => deepEqual(x, y) === true)) out.push(x);
      return out;
    }
    if (args.every(isObjectValue)) {
      const out: ObjectValue = {};
      for (const a of args) Object.assign(out, a);
      return out;
    }
    throw new ExpressionError(`${fn}() expects all arrays or all objects`);
  },
  intersection(args, _c, fn) {
    if (args.every((a): a is Value[] => Array.isArray(a))) {
      const [first, ...rest] = args;
      return (first ?? []).filter((x) => rest.every((r) => r.some((y) => deepEqual(x, y) === true)));
    }
    if (args.every(isObjectValue)) {
      const [first, ...rest] = args;
      return Object.fromEntries(
        Object.entries(first ?? {}).filter(([k, v]) => rest.every((r) => k in r && deepEqual(r[k]!, v) === true)),
      );
    }
    throw new ExpressionError(`${fn}() expects all arrays or all objects`);
  },
  createarray: (args) => [...args],
  array: (args) => (Array.isArray(args[0]) ? args[0] : [args[0] ?? null]),
  createobject(args, _c, fn) {
    if (args.length % 2 !== 0) throw new ExpressionError(`${fn}() takes key/value pairs`);
    const out: ObjectValue = {};
    for (let i = 0; i < args.length; i += 2) out[str(args, i, fn)] = args[i + 1]!;
    return out;
  },
  first(args, _c, fn) {
    const v = args[0] ?? null;
    if (typeof v === 'string') return v.slice(0, 1);
    return asArray(v, fn)[0] ?? null;
  },
  last(args, _c, fn) {
    const v = args[0] ?? null;
    if (typeof v === 'string') return v.slice(-1);
    return asArray(v, fn).at(-1) ?? null;
  },
  take(args, _c, fn) {
    const v = args[0] ?? null;
    const n = Math.max(0, num(args, 1, fn));
    return typeof v === 'string' ? v.slice(0, n) : asArray(v, fn).slice(0, n);
  },
  skip(args, _c, fn) {
    const v = args[0] ?? null;
    const n = Math.max(0, num(args, 1, fn));
    return typeof v === 'string' ? v.slice(n) : asArray(v, fn).slice(n);
  },
  join: (args, _c, fn) =>
    asArray(args[0] ?? null, fn)
      .map(toText)
      .join(str(args, 1, fn)),
  range(args, _c, fn) {
    const start = num(args, 0, fn);
    const count = num(args, 1, fn);
    if (count < 0 || count > 10000) throw new ExpressionError(`${fn}(): count ${count} is outside 0..10000`);
    return Array.from({ length: count }, (_, i) => start + i);
  },
  substring(args, _c, fn) {
    const s = str(args, 0, fn);
    const start = num(args, 1, fn);
    const len = args.length > 2 ? num(args, 2, fn) : s.length - start;
    if (start < 0 || len < 0 || start + len > s.length) throw new ExpressionError(`${fn}(): range outside the string`);
    return s.slice(start, start + len);
  },
  startswith: (args, _c, fn) =>
    str(args, 0, fn)
      .toLowerCase()
      .startsWith(str(args, 1, fn).toLowerCase()),
  endswith: (args, _c, fn) =>
    str(args, 0, fn)
      .toLowerCase()
      .endsWith(str(args, 1, fn).toLowerCase()),
  indexof: (args, _c, fn) =>
    str(args, 0, fn)
      .toLowerCase()
      .indexOf(str(args, 1, fn).toLowerCase()),
  lastindexof: (args, _c, fn) =>
    str(args, 0, fn)
      .toLowerCase()
      .lastIndexOf(str(args, 1, fn).toLowerCase()),
  padleft(args, _c, fn) {
    const s = toText(args[0] ?? null);
    return s.padStart(num(args, 1, fn), args.length > 2 ? str(args, 2, fn) : ' ');
  },
  add: (args, _c, fn) => num(args, 0, fn) + num(args, 1, fn),
  sub: (args, _c, fn) => num(args, 0, fn) - num(args, 1, fn),
  mul: (args, _c, fn) => num(args, 0, fn) * num(args, 1, fn),
  div(args, _c, fn) {
    if (num(args, 1, fn) === 0) throw new ExpressionError(`${fn}(): division by zero`);
    return Math.trunc(num(args, 0, fn) / num(args, 1, fn));
  },
  mod(args, _c, fn) {
    if (num(args, 1, fn) === 0) throw new ExpressionError(`${fn}(): division by zero`);
    return num(args, 0, fn) % num(args, 1, fn);
  },
  min: (args, _c, fn) => Math.min(...(Array.isArray(args[0]) ? args[0] : args).map((_, i, a) => num(a, i, fn))),
  max: (args, _c, fn) => Math.max(...(Array.isArray(args[0]) ? args[0] : args).map((_, i, a) => num(a, i, fn))),
  greater: (args, _c, fn) => compare(args, fn) > 0,
  less: (args, _c, fn) => compare(args, fn) < 0,
  greaterorequals: (args, _c, fn) => compare(args, fn) >= 0,
  lessorequals: (args, _c, fn) => compare(args, fn) <= 0,
  /**
   * `tryGet(value, key, …)`: each key or index in turn, null as soon as one is missing (what Bicep's `.?` and `[?i]`
   * compile to, in every Azure Verified Module). A key missing from a declared-only view is a runtime property.
   */
  tryget(args, ctx, fn) {
    arity(fn, args, 2);
    let cur: Value = args[0]!;
    for (const key of args.slice(1)) {
      if (cur === null) return null;
      if (Array.isArray(cur) && typeof key === 'number') cur = key >= 0 && key < cur.length ? cur[key]! : null;
      else if (isObjectValue(cur) && typeof key === 'string') {
        const v = getProperty(cur, key);
        if (v === undefined && DECLARED_ONLY.has(cur))
          return new Unknown(
            `${fn}(…, '${key}')`,
            `${key} is a runtime property, known only after deploy (${ctx.where})`,
          );
        cur = v ?? null;
      } else if (cur instanceof Unknown) return cur;
      else throw new ExpressionError(`${fn}() cannot look up ${describe(key)} in ${describe(cur)}`);
    }
    return cur;
  },
  items(args, _c, fn) {
    const o = args[0] ?? null;
    if (!isObjectValue(o)) throw new ExpressionError(`${fn}() expects an object`);
    return Object.keys(o)
      .sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()))
      .map((key) => ({ key, value: o[key]! }));
  },
};

function compare(args: Value[], fn: string): number {
  const [a, b] = args;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new ExpressionError(`${fn}() compares two integers or two strings`);
}
