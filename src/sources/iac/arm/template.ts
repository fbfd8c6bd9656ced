/**
 * Evaluates an ARM template statically into the resources it deploys, each shaped like the ARM REST body the Azure
 * snapshot reader normalises ({id, type, name, location, tags, kind, sku, properties}), with the JSON pointer of its
 * declaration. What is resolved: parameters (given values, then defaults), variables (with `copy`), the template
 * functions of functions.ts, resource and property `copy` loops, `condition`, child resources (type and name
 * composed with the parent's), languageVersion 2.0 symbolic resources (`existing` ones are outside the code) and
 * nested deployments (inline templates with inner or outer expression scope, and local `templateLink.relativePath`
 * files). A value Azure only knows at deploy time stays an Unknown: property values that are unknown are dropped from
 * the resource and reported, and a resource whose existence or count is unknown is reported instead of emitted.
 */
import type { SourcePosition } from '../../../util/errors.js';
import {
  ExpressionError,
  getProperty,
  isExpression,
  isObjectValue,
  parseExpression,
  renderUnknownName,
  renderValue,
  unescapeLiteral,
  Unknown,
  type Expr,
  type ObjectValue,
  type Value,
} from './expression.js';
import {
  declaredOnly,
  evaluate,
  providerPath,
  type DeploymentLevel,
  type DeploymentScope,
  type EvalContext,
} from './functions.js';

/** One parsed source file: its plain value and positions (a template, a linked template, or a Bicep translation). */
export interface SourceDoc {
  file: string;
  value: unknown;
  /** The position of the value at a JSON pointer of `value` (the nearest ancestor's when it has none). */
  locate(pointer: string): SourcePosition;
}

/** "file:line" of a pointer, for the causes of unknowns. */
export function whereOf(doc: SourceDoc, pointer: string): string {
  const { line } = doc.locate(pointer);
  return line === undefined ? doc.file : `${doc.file}:${line}`;
}

export interface EmittedResource {
  raw: Record<string, unknown>;
  doc: SourceDoc;
  /** Where the resource is declared in `doc`. */
  pointer: string;
  /** Property values dropped because they are known only at deploy time (pointer relative to the resource). */
  unknowns: { pointer: string; cause: string }[];
}

/** The type of an exclusion that may hide resources of any type: a linked template that was not read. */
export const ANY_TYPE = '*';

/** A resource whose existence, count or properties cannot be known before deploy (or that lives outside the code). */
export interface ExcludedResource {
  type: string;
  subscription: string;
  location?: string;
  doc: SourceDoc;
  pointer: string;
  reason: string;
  /** An `existing` resource's id: when the scanned code declares that resource too, nothing is missing. */
  existingId?: string;
}

export interface TemplateProblem {
  doc: SourceDoc;
  pointer: string;
  message: string;
}

export interface TemplateOutcome {
  resources: EmittedResource[];
  excluded: ExcludedResource[];
  errors: TemplateProblem[];
  warnings: TemplateProblem[];
}

/** A deployment linking a template by URI: where the call is, and the parameters it passes (by name). */
export interface LinkCall {
  at: SourcePosition;
  parameters: string[];
}

export interface TemplateInput {
  doc: SourceDoc;
  /** Pointer of the template inside `doc` ('' for a template file). */
  base?: string;
  /** Parameter values given from outside (a parameters file, a module call), by name. */
  parameters?: Map<string, Value>;
  scope?: DeploymentScope;
  /**
   * Loads a linked template (templateLink.relativePath) relative to the file that links it, or, with `uri`, one a
   * templateLink.uri names (a Bicep registry module from the local module cache); a string says why it cannot.
   */
  loadLinked?: (from: string, target: string, kind?: 'uri', call?: LinkCall) => SourceDoc | string | undefined;
}

/** The scope value of IaC: before deploy the subscription, resource group and location are not known. */
export const IAC_SCOPE_VALUE = 'iac';

export function levelOfSchema(schema: unknown): DeploymentLevel | undefined {
  if (typeof schema !== 'string') return undefined;
  const s = schema.toLowerCase();
  if (s.includes('subscriptiondeploymenttemplate')) return 'subscription';
  if (s.includes('managementgroupdeploymenttemplate')) return 'managementGroup';
  if (s.includes('tenantdeploymenttemplate')) return 'tenant';
  if (s.includes('deploymenttemplate')) return 'resourceGroup';
  return undefined;
}

class Located extends Error {
  constructor(
    readonly pointer: string,
    message: string,
  ) {
    super(message);
  }
}

const parsedCache = new Map<string, Expr>();

function parseCached(text: string, pointer: string): Expr {
  let e = parsedCache.get(text);
  if (!e) {
    try {
      e = parseExpression(text.slice(1, -1));
    } catch (err) {
      throw new Located(pointer, `bad template expression ${text}: ${(err as Error).message}`);
    }
    if (parsedCache.size > 50_000) parsedCache.clear();
    parsedCache.set(text, e);
  }
  return e;
}

const esc = (s: string | number) => String(s).replace(/~/g, '~0').replace(/\//g, '~1');

interface Loop {
  name: string;
  index: number;
}

/** Parameters and variables of one template, with the scope its functions answer for. */
class Frame {
  private readonly varCache = new Map<string, Value>();
  private readonly evaluating = new Set<string>();
  private readonly params = new Map<string, { pointer: string; value?: Value; def?: unknown }>();
  private readonly vars = new Map<string, { pointer: string; raw: unknown; copy?: unknown }>();

  /** A variable as written (not evaluated) with its pointer: a nested deployment's template held in a variable. */
  rawVariable(name: string): { pointer: string; raw: unknown } | undefined {
    return this.vars.get(name.toLowerCase());
  }
  private readonly symbols = new Map<string, { raw: unknown; pointer: string }>();
  /** The nested deployments of a template without symbolic names, for `reference(resourceId(deployments, n))`. */
  private readonly deploymentList: { raw: Record<string, unknown>; pointer: string }[] = [];
  private deploymentIds?: Map<string, { raw: Record<string, unknown>; pointer: string }>;

  constructor(
    readonly doc: SourceDoc,
    readonly base: string,
    template: Record<string, unknown>,
    given: Map<string, Value>,
    readonly scope: DeploymentScope,
    /** Where the template's resources land (for the ids of its symbolic resources). */
    private readonly target: Target,
    /** Loads linked templates, for the outputs of the modules this template deploys. */
    readonly loadLinked?: TemplateInput['loadLinked'],
    readonly depth = 0,
    /**
     * The properties of the resources this deployment has declared so far, by lowercased id (embedded children, a
     * VNet's subnets, under theirs): an `existing` reference to one of them reads what the code declares, as a
     * module declaring a VNet and the next one reading its subnet's prefix through `existing` (the baseline
     * architectures' firewall rules) mean. Shared by every frame of one deployment; a resource declared later, or
     * by another top-level deployment, stays unknown.
     */
    readonly declared = new Map<string, Value>(),
  ) {
    const res = template.resources;
    if (isRecord(res))
      for (const [k, r] of Object.entries(res)) this.symbols.set(k, { raw: r, pointer: `${base}/resources/${esc(k)}` });
    if (Array.isArray(res))
      res.forEach((r, i) => {
        if (isRecord(r) && typeof r.type === 'string' && r.type.toLowerCase() === 'microsoft.resources/deployments')
          this.deploymentList.push({ raw: r, pointer: `${base}/resources/${i}` });
      });
    const params = isRecord(template.parameters) ? template.parameters : {};
    for (const [name, def] of Object.entries(params)) {
      const value = findCaseless(given, name);
      this.params.set(name.toLowerCase(), {
        pointer: `${base}/parameters/${esc(name)}`,
        ...(value !== undefined ? { value } : {}),
        ...(isRecord(def) && 'defaultValue' in def ? { def: def.defaultValue } : {}),
      });
    }
    const vars = isRecord(template.variables) ? template.variables : {};
    for (const [name, raw] of Object.entries(vars)) {
      if (name === 'copy' && Array.isArray(raw)) {
        raw.forEach((loop, i) => {
          if (isRecord(loop) && typeof loop.name === 'string')
            this.vars.set(loop.name.toLowerCase(), { pointer: `${base}/variables/copy/${i}`, raw: loop, copy: loop });
        });
      } else this.vars.set(name.toLowerCase(), { pointer: `${base}/variables/${esc(name)}`, raw });
    }
  }

  parameter(name: string, at: string): Value {
    const p = this.params.get(name.toLowerCase());
    if (!p) throw new Located(at, `parameters('${name}'): the template declares no parameter ${name}`);
    // A null given to a parameter with a default takes the default, as ARM does: Azure Verified Modules pass
    // `settings.?changeFeedEnabled` on to `param changeFeedEnabled bool = false` (a template that relied on null
    // there would fail to deploy, so the default is what a deployment has).
    if (p.value !== undefined && !(p.value === null && 'def' in p)) return p.value;
    if ('def' in p) {
      const key = `param:${name.toLowerCase()}`;
      const cached = this.varCache.get(key);
      if (cached !== undefined) return cached;
      const v = this.guard(key, p.pointer, () => this.value(p.def, `${p.pointer}/defaultValue`, []));
      this.varCache.set(key, v);
      return v;
    }
    return new Unknown(
      `parameters('${name}')`,
      `parameters('${name}') has no default and no value was given (${whereOf(this.doc, p.pointer)})`,
    );
  }

  variable(name: string, at: string): Value {
    const key = `var:${name.toLowerCase()}`;
    const cached = this.varCache.get(key);
    if (cached !== undefined) return cached;
    const v = this.vars.get(name.toLowerCase());
    if (!v) throw new Located(at, `variables('${name}'): the template declares no variable ${name}`);
    const value = this.guard(key, v.pointer, () =>
      v.copy ? this.copyArray(v.copy, v.pointer, []) : this.value(v.raw, v.pointer, []),
    );
    this.varCache.set(key, value);
    return value;
  }

  private guard(key: string, pointer: string, f: () => Value): Value {
    if (this.evaluating.has(key)) throw new Located(pointer, `${key.replace(':', ' ')} refers to itself`);
    this.evaluating.add(key);
    try {
      return f();
    } finally {
      this.evaluating.delete(key);
    }
  }

  context(pointer: string, loops: Loop[]): EvalContext {
    const doc = this.doc;
    return {
      scope: this.scope,
      parameter: (n) => this.parameter(n, pointer),
      variable: (n) => this.variable(n, pointer),
      copyIndex: (loop) => {
        const l =
          loop === undefined ? loops.at(-1) : loops.findLast((x) => x.name.toLowerCase() === loop.toLowerCase());
        return l?.index;
      },
      // Positions are looked up only when an unknown or an error needs one (most values need none).
      get where() {
        return whereOf(doc, pointer);
      },
      symbolic: (name, what) => this.symbolic(name, what, pointer),
    };
  }

  /** `reference('sym')` / `resourceInfo('sym')` of a languageVersion 2.0 symbolic resource (see functions.ts). */
  private symbolic(name: string, what: 'reference' | 'resourceInfo', at: string): Value | undefined {
    if (
      what === 'reference' &&
      !this.symbols.has(name) &&
      /\/providers\/microsoft\.resources\/deployments\//i.test(name)
    ) {
      const dep = this.deploymentById(name);
      return dep && !isRecord(dep.raw.copy)
        ? this.guard(`ref:${name}`, dep.pointer, () => this.moduleOutputs(name, dep.raw, dep.pointer, at))
        : undefined;
    }
    const sym = this.symbols.get(name);
    if (!sym || !isRecord(sym.raw) || isRecord(sym.raw.copy)) return undefined;
    const raw = sym.raw;
    const type = stringOf(this.value(raw.type, `${sym.pointer}/type`, []), `${sym.pointer}/type`, 'type');
    if (what === 'reference' && type.toLowerCase() === 'microsoft.resources/deployments')
      return this.guard(`ref:${name}`, sym.pointer, () => this.moduleOutputs(name, raw, sym.pointer, at));
    const nameValue = this.value(raw.name, `${sym.pointer}/name`, []);
    const resName = stringOf(nameValue, `${sym.pointer}/name`, 'name');
    // A child whose name is known only at deploy (compiled AVM modules' format('{0}/{1}', …)): its id is unknown too.
    if (nameValue instanceof Unknown && resName.split('/').length !== type.split('/').length - 1)
      return new Unknown(`${what}('${name}')`, `the name of ${name} is not known before deploy: ${nameValue.cause}`);
    const id = resourceIdOf(this, raw, sym.pointer, [], this.target, type, resName);
    if (what === 'resourceInfo')
      return { id, name: resName, type, apiVersion: typeof raw.apiVersion === 'string' ? raw.apiVersion : '' };
    if (raw.existing === true) {
      const found = this.declared.get(id.toLowerCase());
      if (found !== undefined) return declaredOnly(found);
      return new Unknown(
        `reference('${name}')`,
        `${name} is an existing resource, declared outside the scanned code (${whereOf(this.doc, at)})`,
      );
    }
    const props = this.guard(`ref:${name}`, sym.pointer, () =>
      this.value(raw.properties ?? {}, `${sym.pointer}/properties`, []),
    );
    // Embedded children (a VNet's subnets) have the ids Azure gives them.
    if (isObjectValue(props))
      for (const [key, list] of Object.entries(props))
        if (Array.isArray(list))
          for (const child of list)
            if (isObjectValue(child) && typeof child.name === 'string' && child.id === undefined)
              child.id = `${id}/${key}/${child.name}`;
    return declaredOnly(props);
  }

  /**
   * `reference('module')` of a nested deployment (a Bicep module): its `outputs`, each evaluated in the deployment's
   * own frame (the parameters the call passes), so a name or id a module hands to the next one is known before deploy
   * when the code spells it. An output that cannot be evaluated is unknown, naming why.
   */
  private moduleOutputs(name: string, raw: Record<string, unknown>, pointer: string, at: string): Value {
    const unknown = (why: string) =>
      new Unknown(`reference('${name}')`, `the outputs of module ${name} ${why} (${whereOf(this.doc, at)})`);
    if (isRecord(raw.copy)) return unknown('are per instance of its loop');
    if ('condition' in raw) {
      const c = this.value(raw.condition, `${pointer}/condition`, []);
      if (c instanceof Unknown) return unknown(`depend on its condition ${c.text}: ${c.cause}`);
      if (c === false || c === 'false' || c === 'False') return unknown('do not exist: its condition is false');
    }
    const child = deploymentFrame(this, raw, pointer, this.target, [], name);
    if (typeof child === 'string') return unknown(child);
    const outputs = isRecord(child.template.outputs) ? child.template.outputs : {};
    const values: ObjectValue = {};
    for (const [key, out] of Object.entries(outputs)) {
      const here = `${child.base}/outputs/${esc(key)}`;
      let v: Value;
      try {
        // An output loop (Bicep's `output ids array = [for …]`): copyIndex() is its index.
        v = !isRecord(out)
          ? null
          : isRecord(out.copy)
            ? child.frame.copyArray({ ...out.copy, name: '' }, `${here}/copy`, [])
            : child.frame.value(out.value, `${here}/value`, []);
      } catch (err) {
        if (!(err instanceof Located)) throw err;
        v = new Unknown(
          `reference('${name}').outputs.${key}`,
          `${err.message} (${whereOf(child.frame.doc, err.pointer)})`,
        );
      }
      values[key] = { value: v };
    }
    return declaredOnly({ outputs: values });
  }

  /**
   * A nested deployment of this template by resource id (what `bicep build` writes without symbolic names:
   * `reference(resourceId('Microsoft.Resources/deployments', name)).outputs.x.value`). Ids are compared as rendered,
   * so a name known only at deploy meets the same expression.
   */
  private deploymentById(id: string): { raw: Record<string, unknown>; pointer: string } | undefined {
    if (!this.deploymentIds) {
      this.deploymentIds = new Map();
      for (const d of this.deploymentList) {
        try {
          const name = stringOf(this.value(d.raw.name, `${d.pointer}/name`, []), `${d.pointer}/name`, 'name');
          const depId = resourceIdOf(this, d.raw, d.pointer, [], this.target, 'Microsoft.Resources/deployments', name);
          this.deploymentIds.set(depId.toLowerCase(), d);
        } catch (err) {
          if (!(err instanceof Located)) throw err;
        }
      }
    }
    return this.deploymentIds.get(id.toLowerCase());
  }

  /** Evaluates a JSON value of the template: expressions in strings, property `copy` loops in objects. */
  value(raw: unknown, pointer: string, loops: Loop[]): Value {
    if (typeof raw === 'string') {
      if (!isExpression(raw)) return unescapeLiteral(raw);
      const expr = parseCached(raw, pointer);
      try {
        return evaluate(expr, this.context(pointer, loops));
      } catch (err) {
        if (err instanceof Located) throw err;
        if (err instanceof ExpressionError) throw new Located(pointer, `${raw}: ${err.message}`);
        throw err;
      }
    }
    if (Array.isArray(raw)) return raw.map((x, i) => this.value(x, `${pointer}/${i}`, loops));
    if (isRecord(raw)) {
      const out: ObjectValue = {};
      for (const [k, v] of Object.entries(raw)) {
        if (k === 'copy' && Array.isArray(v) && v.every((l) => isRecord(l) && 'input' in l)) {
          v.forEach((loop, i) => {
            out[String((loop as Record<string, unknown>).name)] = this.copyArray(loop, `${pointer}/copy/${i}`, loops);
          });
          continue;
        }
        out[this.key(k, pointer, loops)] = this.value(v, `${pointer}/${esc(k)}`, loops);
      }
      return out;
    }
    return (raw ?? null) as Value;
  }

  /** A property name, which may be an expression (`"[format('{0}', …)]": {}`, a user-assigned identity's id). */
  private key(k: string, pointer: string, loops: Loop[]): string {
    if (!isExpression(k)) return k;
    const v = this.value(k, pointer, loops);
    if (v instanceof Unknown) return renderUnknownName(v);
    if (typeof v !== 'string') throw new Located(pointer, `a property name must be a string, got ${renderValue(v)}`);
    return v;
  }

  /** A property or variable copy loop: {name, count, input} gives an array of `count` inputs. */
  private copyArray(loop: unknown, pointer: string, loops: Loop[]): Value {
    if (!isRecord(loop) || typeof loop.name !== 'string') throw new Located(pointer, 'copy needs a name');
    const count = this.value(loop.count, `${pointer}/count`, loops);
    if (count instanceof Unknown) return new Unknown(`copy ${loop.name}`, count.cause);
    if (typeof count !== 'number' || count < 0 || count > 800)
      throw new Located(`${pointer}/count`, `copy count must be an integer from 0 to 800, got ${renderValue(count)}`);
    return Array.from({ length: count }, (_, index) =>
      this.value(loop.input, `${pointer}/input`, [...loops, { name: loop.name as string, index }]),
    );
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function findCaseless<T>(m: Map<string, T>, name: string): T | undefined {
  if (m.has(name)) return m.get(name);
  for (const [k, v] of m) if (k.toLowerCase() === name.toLowerCase()) return v;
  return undefined;
}

/** Where resources of a (nested) deployment land, which may differ from the scope its functions answer for. */
interface Target {
  level: DeploymentLevel;
  subscriptionId: string;
  resourceGroup: string;
}

interface Walk {
  out: TemplateOutcome;
  loadLinked: TemplateInput['loadLinked'];
  depth: number;
}

/** Evaluates a template. Errors are collected per resource; one bad resource does not stop the others. */
export function evaluateTemplate(input: TemplateInput): TemplateOutcome {
  const out: TemplateOutcome = { resources: [], excluded: [], errors: [], warnings: [] };
  const template = input.base ? pointerGet(input.doc.value, input.base) : input.doc.value;
  if (!isRecord(template)) {
    out.errors.push({ doc: input.doc, pointer: input.base ?? '', message: 'a template must be a JSON object' });
    return out;
  }
  const level = levelOfSchema(template.$schema) ?? 'resourceGroup';
  const scope = input.scope ?? {
    level,
    subscriptionId: IAC_SCOPE_VALUE,
    resourceGroup: IAC_SCOPE_VALUE,
    location: IAC_SCOPE_VALUE,
  };
  const target: Target = {
    level: scope.level,
    subscriptionId: scope.subscriptionId,
    resourceGroup: scope.resourceGroup,
  };
  const frame = new Frame(
    input.doc,
    input.base ?? '',
    template,
    input.parameters ?? new Map<string, Value>(),
    scope,
    target,
    input.loadLinked,
  );
  walkTemplate({ out, loadLinked: input.loadLinked, depth: 0 }, frame, template, input.base ?? '', target);
  return out;
}

/** The variables of a template evaluated on their own (the values of a .bicepparam file, translated). */
export function evaluateVariables(doc: SourceDoc): { values: Map<string, Value>; errors: TemplateProblem[] } {
  const template = isRecord(doc.value) ? doc.value : {};
  const scope: DeploymentScope = {
    level: 'resourceGroup',
    subscriptionId: IAC_SCOPE_VALUE,
    resourceGroup: IAC_SCOPE_VALUE,
    location: IAC_SCOPE_VALUE,
  };
  const frame = new Frame(doc, '', template, new Map(), scope, scope);
  const values = new Map<string, Value>();
  const errors: TemplateProblem[] = [];
  for (const name of Object.keys(isRecord(template.variables) ? template.variables : {})) {
    try {
      values.set(name, frame.variable(name, `/variables/${esc(name)}`));
    } catch (err) {
      if (!(err instanceof Located)) throw err;
      errors.push({ doc, pointer: err.pointer, message: err.message });
    }
  }
  return { values, errors };
}

function pointerGet(v: unknown, pointer: string): unknown {
  let cur = v;
  for (const seg of pointer.split('/').slice(1)) {
    const key = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) cur = cur[Number(key)];
    else if (isRecord(cur)) cur = cur[key];
    else return undefined;
  }
  return cur;
}

function walkTemplate(
  w: Walk,
  frame: Frame,
  template: Record<string, unknown>,
  base: string,
  target: Target,
  uncertain?: string,
): void {
  const res = template.resources;
  const entries: [unknown, string][] = Array.isArray(res)
    ? res.map((r, i) => [r, `${base}/resources/${i}`])
    : isRecord(res)
      ? Object.entries(res).map(([k, r]) => [r, `${base}/resources/${esc(k)}`])
      : [];
  if (res !== undefined && !Array.isArray(res) && !isRecord(res))
    w.out.errors.push({
      doc: frame.doc,
      pointer: `${base}/resources`,
      message: 'resources must be an array or an object',
    });
  for (const [raw, pointer] of entries) walkResource(w, frame, raw, pointer, target, [], undefined, uncertain);
}

interface Parent {
  type: string;
  name: string;
}

function walkResource(
  w: Walk,
  frame: Frame,
  raw: unknown,
  pointer: string,
  target: Target,
  loops: Loop[],
  parent: Parent | undefined,
  uncertain: string | undefined,
): void {
  if (!isRecord(raw)) {
    w.out.errors.push({ doc: frame.doc, pointer, message: 'a resource must be a JSON object; skipped' });
    return;
  }
  try {
    const copy = raw.copy;
    if (isRecord(copy)) {
      const name = typeof copy.name === 'string' ? copy.name : 'copy';
      const count = frame.value(copy.count, `${pointer}/copy/count`, loops);
      if (count instanceof Unknown) {
        // The instances cannot be listed: charge the resource (and what a deployment holds) as not known.
        const why = `copy count ${count.text} is not known before deploy: ${count.cause}`;
        emitOne(w, frame, raw, pointer, target, [...loops, { name, index: 0 }], parent, why);
        return;
      }
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 0 || count > 800)
        throw new Located(
          `${pointer}/copy/count`,
          `copy count must be an integer from 0 to 800, got ${renderValue(count)}`,
        );
      for (let index = 0; index < count; index++)
        emitOne(w, frame, raw, pointer, target, [...loops, { name, index }], parent, uncertain);
      return;
    }
    emitOne(w, frame, raw, pointer, target, loops, parent, uncertain);
  } catch (err) {
    if (!(err instanceof Located)) throw err;
    w.out.errors.push({ doc: frame.doc, pointer: err.pointer, message: `${err.message}; resource skipped` });
    excludeUnreadable(w, frame, raw, pointer, target, parent, err.message);
  }
}

/** A resource that could not be evaluated still makes its data set incomplete (its type is usually literal). */
function excludeUnreadable(
  w: Walk,
  frame: Frame,
  raw: Record<string, unknown>,
  pointer: string,
  target: Target,
  parent: Parent | undefined,
  why: string,
): void {
  if (typeof raw.type !== 'string' || isExpression(raw.type)) return;
  w.out.excluded.push({
    type: fullType(raw.type, parent),
    subscription: target.subscriptionId,
    doc: frame.doc,
    pointer,
    reason: `the resource could not be evaluated: ${why}`,
  });
}

function fullType(type: string, parent: Parent | undefined): string {
  if (!parent || /^[^/]+\.[^/]+\//.test(type)) return type;
  return `${parent.type}/${type}`;
}

function stringOf(v: Value, pointer: string, what: string): string {
  if (v instanceof Unknown) return renderUnknownName(v);
  if (typeof v !== 'string') throw new Located(pointer, `${what} must be a string, got ${renderValue(v)}`);
  return v;
}

function emitOne(
  w: Walk,
  frame: Frame,
  raw: Record<string, unknown>,
  pointer: string,
  target: Target,
  loops: Loop[],
  parent: Parent | undefined,
  uncertain: string | undefined,
): void {
  let type = fullType(stringOf(frame.value(raw.type, `${pointer}/type`, loops), `${pointer}/type`, 'type'), parent);
  let why = uncertain;
  if ('condition' in raw) {
    const c = frame.value(raw.condition, `${pointer}/condition`, loops);
    if (c === false || c === 'false' || c === 'False') return;
    if (c instanceof Unknown) why ??= `condition ${c.text} is not known before deploy: ${c.cause}`;
    else if (c !== true && c !== 'true' && c !== 'True')
      throw new Located(`${pointer}/condition`, `condition must be a boolean, got ${renderValue(c)}`);
  }
  const nameValue = frame.value(raw.name, `${pointer}/name`, loops);
  let name = stringOf(nameValue, `${pointer}/name`, 'name');
  if (parent && name.split('/').length < type.split('/').length - 1) name = `${parent.name}/${name}`;
  // A child's name computed from values known only at deploy (`format('{0}/{1}', parameters('vault'), 'key')`, as
  // every compiled Azure Verified Module writes it) is one unknown, not a malformed name: the resource is not known.
  if (
    nameValue instanceof Unknown &&
    !/\/providers\//i.test(type) &&
    name.split('/').length !== type.split('/').length - 1
  )
    why ??= `its name ${nameValue.text} is not known before deploy: ${nameValue.cause}`;
  // An extension resource written under its parent: type "Microsoft.Network/x/providers/diagnosticSettings", name
  // "parent/Microsoft.Insights/setting" (Microsoft's template reference) is a Microsoft.Insights/diagnosticSettings
  // resource scoped to the parent.
  let extensionScope: string | undefined;
  const ext = /^(.+?)\/providers\/([^/]+)$/i.exec(type);
  const segments = name.split('/');
  if (ext && segments.length >= 3) {
    extensionScope = resourceIdOf(frame, {}, pointer, loops, target, ext[1]!, segments.slice(0, -2).join('/'));
    type = `${segments.at(-2)!}/${ext[2]!}`;
    name = segments.at(-1)!;
  }
  const location = frame.value(raw.location, `${pointer}/location`, loops);
  const loc = typeof location === 'string' ? location : undefined;
  if (raw.existing === true) {
    let existingId: string | undefined;
    try {
      existingId = resourceIdOf(frame, raw, pointer, loops, target, type, name);
    } catch (err) {
      if (!(err instanceof Located)) throw err;
    }
    w.out.excluded.push({
      type,
      subscription: target.subscriptionId,
      ...(loc ? { location: loc } : {}),
      ...(existingId ? { existingId } : {}),
      doc: frame.doc,
      pointer,
      reason: `${type} ${name} is an existing resource, declared outside the scanned code: its properties are not known`,
    });
    return;
  }
  if (type.toLowerCase() === 'microsoft.resources/deployments') {
    nestedDeployment(w, frame, raw, pointer, target, loops, name, why);
    return;
  }
  if (why) {
    w.out.excluded.push({
      type,
      subscription: target.subscriptionId,
      ...(loc ? { location: loc } : {}),
      doc: frame.doc,
      pointer,
      reason: why,
    });
  } else if (type.toLowerCase() !== 'microsoft.resources/resourcegroups') {
    const id = extensionScope
      ? `${extensionScope}${providerPath(type, [name])}`
      : resourceIdOf(frame, raw, pointer, loops, target, type, name);
    const body: ObjectValue = { id, type, name: name.split('/').at(-1)! };
    for (const key of ['location', 'tags', 'kind', 'sku', 'properties'] as const) {
      if (key in raw) body[key] = key === 'location' ? location : frame.value(raw[key], `${pointer}/${key}`, loops);
    }
    const unknowns: EmittedResource['unknowns'] = [];
    // Where the name itself means something (a DNS zone, a record, a subnet), an unknown name is an unknown value.
    if (nameValue instanceof Unknown && NAME_MATTERS.has(type.toLowerCase()))
      unknowns.push({ pointer: '/name', cause: `the name ${nameValue.text}: ${nameValue.cause}` });
    declare(frame.declared, id, body.properties);
    const clean = stripUnknowns(body, '', unknowns) as Record<string, unknown>;
    w.out.resources.push({ raw: clean, doc: frame.doc, pointer, unknowns });
  }
  // Child resources declared inside this one.
  if (Array.isArray(raw.resources))
    raw.resources.forEach((child, i) =>
      walkResource(w, frame, child, `${pointer}/resources/${i}`, target, loops, { type, name }, uncertain),
    );
}

/** Records a declared resource's properties, and those of its embedded children under the ids Azure gives them. */
function declare(declared: Map<string, Value>, id: string, props: Value | undefined): void {
  if (props === undefined || !isObjectValue(props)) return;
  declared.set(id.toLowerCase(), props);
  for (const [key, list] of Object.entries(props))
    if (Array.isArray(list))
      for (const child of list)
        if (isObjectValue(child) && typeof child.name === 'string' && child.properties !== undefined)
          declared.set(`${id}/${key}/${child.name}`.toLowerCase(), child.properties);
}

function resourceIdOf(
  frame: Frame,
  raw: Record<string, unknown>,
  pointer: string,
  loops: Loop[],
  target: Target,
  type: string,
  name: string,
): string {
  let path: string;
  try {
    path = providerPath(type, [name]);
  } catch (err) {
    throw new Located(`${pointer}/name`, (err as Error).message);
  }
  if ('scope' in raw) {
    // An extension resource (diagnostic settings, locks, role assignments) on another resource.
    // Bicep writes `scope: resourceGroup()` (the object); ARM, the id.
    const v = frame.value(raw.scope, `${pointer}/scope`, loops);
    const scopeId = isObjectValue(v) && getProperty(v, 'id') !== undefined ? getProperty(v, 'id')! : v;
    const scope = stringOf(scopeId, `${pointer}/scope`, 'scope');
    return `${scope.replace(/\/+$/, '')}${path}`;
  }
  if (target.level === 'resourceGroup')
    return `/subscriptions/${target.subscriptionId}/resourceGroups/${target.resourceGroup}${path}`;
  if (target.level === 'subscription') return `/subscriptions/${target.subscriptionId}${path}`;
  return path;
}

/** Removes values known only at deploy time, recording where they were and why. */
function stripUnknowns(v: Value, pointer: string, out: EmittedResource['unknowns']): Value | undefined {
  if (v instanceof Unknown) {
    out.push({ pointer, cause: v.cause });
    return undefined;
  }
  if (Array.isArray(v)) {
    const kept: Value[] = [];
    v.forEach((x, i) => {
      const c = stripUnknowns(x, `${pointer}/${i}`, out);
      if (c !== undefined) kept.push(c);
    });
    return kept;
  }
  if (isObjectValue(v)) {
    const o: ObjectValue = {};
    for (const [k, x] of Object.entries(v)) {
      const c = stripUnknowns(x, `${pointer}/${esc(k)}`, out);
      if (c !== undefined) o[k] = c;
    }
    return o;
  }
  return v;
}

const MAX_DEPTH = 16;

/** Types whose checks compare the name itself (zone names, record names, special subnet names). */
const NAME_MATTERS = new Set([
  'microsoft.network/privatednszones',
  'microsoft.network/privatednszones/a',
  'microsoft.network/virtualnetworks/subnets',
]);

/** The frame a nested deployment's template is evaluated in, or why it cannot be read. */
interface DeploymentFrame {
  frame: Frame;
  template: Record<string, unknown>;
  base: string;
  /** Where its resources land. */
  inner: Target;
}

function deploymentFrame(
  frame: Frame,
  raw: Record<string, unknown>,
  pointer: string,
  target: Target,
  loops: Loop[],
  name: string,
): DeploymentFrame | string {
  if (frame.depth >= MAX_DEPTH) throw new Located(pointer, `nested deployments deeper than ${MAX_DEPTH} levels`);
  const props = isRecord(raw.properties) ? raw.properties : {};
  const at = (k: string) => `${pointer}/${k}`;
  const rg = 'resourceGroup' in raw ? frame.value(raw.resourceGroup, at('resourceGroup'), loops) : undefined;
  const sub = 'subscriptionId' in raw ? frame.value(raw.subscriptionId, at('subscriptionId'), loops) : undefined;
  const inner: Target = {
    level: rg !== undefined ? 'resourceGroup' : target.level,
    subscriptionId:
      sub !== undefined ? stringOf(sub, at('subscriptionId'), 'subscriptionId').toLowerCase() : target.subscriptionId,
    resourceGroup: rg !== undefined ? stringOf(rg, at('resourceGroup'), 'resourceGroup') : target.resourceGroup,
  };
  if (sub !== undefined && rg === undefined && target.level !== 'resourceGroup') inner.level = 'subscription';
  const options = isRecord(props.expressionEvaluationOptions) ? props.expressionEvaluationOptions : {};
  const scopeOpt = frame.value(options.scope, `${pointer}/properties/expressionEvaluationOptions/scope`, loops);
  const link = isRecord(props.templateLink) ? props.templateLink : undefined;
  let doc = frame.doc;
  let base = `${pointer}/properties/template`;
  let template: unknown = props.template;
  if (link) {
    const rel = frame.value(link.relativePath, `${pointer}/properties/templateLink/relativePath`, loops);
    let loaded: SourceDoc | string;
    if (typeof rel !== 'string') {
      const uri = frame.value(link.uri ?? link.id, `${pointer}/properties/templateLink`, loops);
      const call = {
        at: frame.doc.locate(pointer),
        parameters: isRecord(props.parameters) ? Object.keys(props.parameters) : [],
      };
      const remote = typeof uri === 'string' ? frame.loadLinked?.(frame.doc.file, uri, 'uri', call) : undefined;
      if (remote === undefined || typeof remote === 'string')
        return `links a template that is not a local file (${renderValue(uri)})${remote ? `: ${remote}` : ''}`;
      loaded = remote;
    } else loaded = frame.loadLinked?.(frame.doc.file, rel) ?? 'linked templates cannot be read here';
    if (typeof loaded === 'string') return loaded;
    doc = loaded;
    base = '';
    template = loaded.value;
  }
  // `"template": "[variables('$fxv#0')]"`: bicep build puts a template several module calls share (AVM's
  // resource-role-assignment) in a variable; its expressions are the nested template's, so it is read as written.
  const held = typeof template === 'string' ? /^\[\s*variables\('([^']+)'\)\s*\]$/.exec(template) : null;
  if (held && !link) {
    const v = frame.rawVariable(held[1]!);
    if (v && isRecord(v.raw)) {
      template = v.raw;
      base = v.pointer;
    }
  }
  if (!isRecord(template)) {
    throw new Located(`${pointer}/properties`, `deployment ${name} has neither an inline template nor a templateLink`);
  }
  const innerScope = link !== undefined || (typeof scopeOpt === 'string' && scopeOpt.toLowerCase() === 'inner');
  if (!innerScope) {
    // Outer scope: the nested template's expressions are the parent's (its parameters, variables and scope
    // functions); only where the resources land changes.
    return { frame, template, base, inner };
  }
  const given = new Map<string, Value>();
  const params = frame.value(props.parameters ?? {}, `${pointer}/properties/parameters`, loops);
  if (isObjectValue(params))
    for (const [k, v] of Object.entries(params)) {
      if (isObjectValue(v) && getProperty(v, 'value') !== undefined) given.set(k, getProperty(v, 'value')!);
      else if (isObjectValue(v) && getProperty(v, 'reference') !== undefined)
        given.set(
          k,
          new Unknown(
            `parameters('${k}')`,
            `parameter ${k} is a Key Vault reference (${whereOf(frame.doc, `${pointer}/properties/parameters`)})`,
          ),
        );
    }
  const location = frame.value(raw.location, `${pointer}/location`, loops);
  const scope: DeploymentScope = {
    level: inner.level,
    subscriptionId: inner.subscriptionId,
    resourceGroup: inner.resourceGroup,
    location: typeof location === 'string' ? location : frame.scope.location,
  };
  const innerFrame = new Frame(
    doc,
    base,
    template,
    given,
    scope,
    inner,
    frame.loadLinked,
    frame.depth + 1,
    frame.declared,
  );
  return { frame: innerFrame, template, base, inner };
}

function nestedDeployment(
  w: Walk,
  frame: Frame,
  raw: Record<string, unknown>,
  pointer: string,
  target: Target,
  loops: Loop[],
  name: string,
  uncertain: string | undefined,
): void {
  if (w.depth >= MAX_DEPTH) throw new Located(pointer, `nested deployments deeper than ${MAX_DEPTH} levels`);
  const child = deploymentFrame(frame, raw, pointer, target, loops, name);
  if (typeof child === 'string') {
    const link = isRecord(raw.properties) && isRecord(raw.properties.templateLink);
    const remote = link && /^links a template that is not a local file/.test(child);
    if (remote)
      w.out.warnings.push({
        doc: frame.doc,
        pointer: `${pointer}/properties/templateLink`,
        message: `deployment ${name} ${child}: its resources are not read`,
      });
    else
      w.out.errors.push({
        doc: frame.doc,
        pointer: `${pointer}/properties/templateLink/relativePath`,
        message: `deployment ${name}: ${child}`,
      });
    // Whatever the unread template declares (a private endpoint, a VM with a public address, an NSG rule) is unseen:
    // every data set of the deployment's subscription is incomplete, so nothing passes, or fails, for its absence.
    w.out.excluded.push({
      type: ANY_TYPE,
      subscription: target.subscriptionId,
      doc: frame.doc,
      pointer: remote ? `${pointer}/properties/templateLink` : pointer,
      reason: `deployment ${name} ${remote ? child : `: ${child}`}: the resources it declares are not known`,
    });
    return;
  }
  walkTemplate({ ...w, depth: w.depth + 1 }, child.frame, child.template, child.base, child.inner, uncertain);
}
