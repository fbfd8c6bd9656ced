/**
 * Static evaluation of HCL expressions: literals, templates, operators, conditionals, for-expressions, splats,
 * references (through a `Scope` the module layer provides) and the pure functions of functions.ts. Whatever is not
 * static becomes an `Unknown` naming the expression and its file:line; errors Terraform would report at plan time
 * (a missing key, a wrong type) are unknown too, because cordon judges what the code would deploy, not whether it plans.
 */
import type { Expr } from './hcl.js';
import { CATCHING, EvalError, FUNCTIONS, unknownArg, valuesEqual } from './functions.js';
import { firstUnknown, isObject, isUnknown, text, Unknown, type Value, type ValueObject } from './values.js';

/** An object whose attributes are computed on demand (a resource type, a module's outputs, `data`). */
export class Lazy {
  constructor(
    readonly describe: string,
    readonly get: (name: string) => Value | Lazy,
  ) {}
}

export type EvalValue = Value | Lazy;

export interface Scope {
  /** The file the expressions come from, relative to the scanned root. */
  file: string;
  /** A root name: `var`, `local`, `module`, `data`, a resource type, `each`, `count`, a for-expression variable. */
  lookup(name: string, at: Expr): EvalValue | undefined;
}

/** Functions whose result keeps the structure of their arguments: an unknown element stays one element. */
const STRUCTURAL = new Set([
  'concat',
  'merge',
  'tolist',
  'flatten',
  'length',
  'element',
  'lookup',
  'values',
  'one',
  'slice',
  'reverse',
  'coalescelist',
  'tomap',
  'jsonencode',
]);

export class Evaluator {
  /** Stack depth guard: deeply nested or self-referencing expressions end as unknown, not as a stack overflow. */
  private depth = 0;

  unknown(e: Expr, scope: Scope, why: string): Unknown {
    return new Unknown(e.text, `${scope.file}:${e.line}`, why);
  }

  /** Evaluates to a plain value (a Lazy left at the end is unknown: a whole resource type or `data` is no value). */
  value(e: Expr, scope: Scope): Value {
    const v = this.eval(e, scope);
    return v instanceof Lazy ? this.unknown(e, scope, `${v.describe} is not a value`) : v;
  }

  eval(e: Expr, scope: Scope): EvalValue {
    if (++this.depth > 200) {
      this.depth--;
      return this.unknown(e, scope, 'expression nested too deeply');
    }
    try {
      return this.evalInner(e, scope);
    } catch (err) {
      if (err instanceof EvalError) return new Unknown(e.text, `${scope.file}:${e.line}`, err.message, true);
      throw err;
    } finally {
      this.depth--;
    }
  }

  private evalInner(e: Expr, scope: Scope): EvalValue {
    switch (e.k) {
      case 'lit':
        return e.v;
      case 'tpl': {
        let out = '';
        for (const p of e.parts) {
          if (typeof p === 'string') {
            out += p;
            continue;
          }
          const v = this.value(p, scope);
          if (isUnknown(v)) return v;
          if (v === null) throw new EvalError('template: a null value cannot be interpolated');
          if (typeof v === 'object') throw new EvalError('template: a collection cannot be interpolated');
          out += String(v);
        }
        return out;
      }
      case 'var': {
        const v = scope.lookup(e.name, e);
        if (v === undefined) return this.unknown(e, scope, `unknown name ${e.name}`);
        return v;
      }
      case 'attr': {
        const o = this.eval(e.obj, scope);
        return this.getAttr(o, e.name, e, scope);
      }
      case 'index': {
        const o = this.eval(e.obj, scope);
        const k = this.value(e.key, scope);
        if (isUnknown(k)) return k;
        if (o instanceof Lazy) return o.get(text(k));
        if (isUnknown(o)) return o;
        if (Array.isArray(o)) {
          const i = typeof k === 'number' ? k : Number(k);
          if (!Number.isInteger(i) || i < 0 || i >= o.length) throw new EvalError(`index ${text(k)} out of range`);
          return o[i]!;
        }
        if (isObject(o)) {
          const key = text(k);
          if (!(key in o)) return this.missing(o, key, e, scope);
          return o[key]!;
        }
        throw new EvalError('index of a value that is not a collection');
      }
      case 'splat': {
        const o = this.eval(e.obj, scope);
        if (isUnknown(o)) return o;
        const v = o instanceof Lazy ? this.value(e.obj, scope) : o;
        if (isUnknown(v)) return v;
        const items = v === null ? [] : Array.isArray(v) ? v : [v];
        const chain = e.each[0];
        if (!chain) return items;
        return items.map((item) => this.value(chain, holeScope(scope, item)));
      }
      case 'opaque':
        return this.unknown(e, scope, 'this kind of expression is not evaluated before deploy');
      case 'hole': {
        const v = scope.lookup('\u0000hole', e);
        return v === undefined ? this.unknown(e, scope, 'splat outside a splat') : v;
      }
      case 'tuple':
        return e.items.map((x) => this.value(x, scope));
      case 'object': {
        const out: ValueObject = {};
        for (const { key, value } of e.items) {
          const k = this.value(key, scope);
          if (isUnknown(k)) return k;
          if (typeof k === 'object') throw new EvalError('an object key must be a string');
          out[String(k)] = this.value(value, scope);
        }
        return out;
      }
      case 'call':
        return this.call(e, scope);
      case 'cond': {
        const t = this.value(e.test, scope);
        if (isUnknown(t)) return t;
        if (typeof t !== 'boolean') throw new EvalError('condition is not a bool');
        return this.eval(t ? e.then : e.else, scope);
      }
      case 'unary': {
        const v = this.value(e.operand, scope);
        if (isUnknown(v)) return v;
        if (e.op === '!') {
          if (typeof v !== 'boolean') throw new EvalError('! of a value that is not a bool');
          return !v;
        }
        if (typeof v !== 'number') throw new EvalError('- of a value that is not a number');
        return -v;
      }
      case 'binary':
        return this.binary(e, scope);
      case 'for':
        return this.forExpr(e, scope);
    }
  }

  private missing(o: ValueObject, key: string, e: Expr, scope: Scope): Value {
    const owner = INSTANCE.get(o);
    // A resource attribute the code does not set: computed by the provider at apply time.
    // The VPC's default route table, ACL and security group exist without being declared: their ids are named so.
    if (
      owner &&
      /^(default_route_table_id|main_route_table_id|default_network_acl_id|default_security_group_id)$/.test(key)
    )
      return `${owner}.${key}`;
    // A Route 53 zone's zone_id is its id, which the address stands for (records and associations find their zone).
    if (owner && key === 'zone_id' && /(?:^|\.)aws_route53_zone\.[^.[]+(?:\[[^\]]*\])?$/.test(owner)) return owner;
    if (owner) return new Unknown(`${owner}.${key}`, `${scope.file}:${e.line}`, 'known only after apply');
    throw new EvalError(`no attribute or key ${JSON.stringify(key)}`);
  }

  getAttr(o: EvalValue, name: string, e: Expr, scope: Scope): EvalValue {
    if (o instanceof Lazy) return o.get(name);
    if (isUnknown(o)) return o;
    if (isObject(o)) {
      if (!(name in o)) return this.missing(o, name, e, scope);
      return o[name]!;
    }
    if (Array.isArray(o)) throw new EvalError(`attribute ${name} of a list (use an index or [*])`);
    throw new EvalError(`attribute ${name} of a value that is not an object`);
  }

  private call(e: Expr & { k: 'call' }, scope: Scope): Value {
    const name = e.name.replace(/^provider::[^:]+::/, '\u0000');
    if (CATCHING.has(name)) {
      for (const a of e.args) {
        const v = this.value(a, scope);
        if (isUnknown(v) && v.failed) continue;
        return name === 'can' ? (isUnknown(v) ? v : true) : v;
      }
      if (name === 'can') return false;
      throw new EvalError(`${name}: no argument could be evaluated`);
    }
    const fn = FUNCTIONS[name];
    if (!fn && PATH_FUNCTIONS.has(name)) {
      // A file function rejects a null path with an error, so `try()` takes its fallback (Cloud Foundation Fabric's
      // `try(fileset(try(pathexpand(var.factories_config.x), null), "*.yaml"), [])` when no factory folder is set).
      const path = e.args[0] ? this.value(e.args[0], scope) : null;
      if (path === null) throw new EvalError(`${e.name}: the path is null`);
      // pathexpand changes only a path that starts with the home directory.
      if (name === 'pathexpand' && typeof path === 'string' && !path.startsWith('~')) return path;
    }
    if (!fn) return this.unknown(e, scope, `function ${e.name} is not evaluated before deploy`);
    let args = e.args.map((a) => this.value(a, scope));
    if (e.expand && args.length > 0) {
      const last = args.at(-1)!;
      if (isUnknown(last)) return last;
      if (!Array.isArray(last)) throw new EvalError(`${name}: expanded argument is not a list`);
      args = [...args.slice(0, -1), ...last];
    }
    const u = STRUCTURAL.has(name) ? unknownArg(args) : firstUnknown(args);
    if (u) return u;
    return fn(args);
  }

  private binary(e: Expr & { k: 'binary' }, scope: Scope): Value {
    const l = this.value(e.left, scope);
    // && and || short-circuit on known values, as Terraform 1.x does not: a known false && unknown is still false.
    if (e.op === '&&' && l === false) return false;
    if (e.op === '||' && l === true) return true;
    const r = this.value(e.right, scope);
    if (e.op === '==' || e.op === '!=') {
      const u = firstUnknown(l) ?? firstUnknown(r);
      if (u) return u;
      const eq = valuesEqual(l, r);
      return e.op === '==' ? eq : !eq;
    }
    if (isUnknown(l)) return l;
    if (isUnknown(r)) return r;
    if (e.op === '&&' || e.op === '||') {
      if (typeof l !== 'boolean' || typeof r !== 'boolean') throw new EvalError(`${e.op} of values that are not bools`);
      return e.op === '&&' ? l && r : l || r;
    }
    const a = typeof l === 'string' && l.trim() !== '' ? Number(l) : l;
    const b = typeof r === 'string' && r.trim() !== '' ? Number(r) : r;
    if (typeof a !== 'number' || typeof b !== 'number' || Number.isNaN(a) || Number.isNaN(b))
      throw new EvalError(`${e.op} of values that are not numbers`);
    switch (e.op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        if (b === 0) throw new EvalError('division by zero');
        return a / b;
      case '%':
        if (b === 0) throw new EvalError('division by zero');
        return a % b;
      case '<':
        return a < b;
      case '<=':
        return a <= b;
      case '>':
        return a > b;
      case '>=':
        return a >= b;
      default:
        throw new EvalError(`operator ${e.op} is not evaluated`);
    }
  }

  private forExpr(e: Expr & { k: 'for' }, scope: Scope): Value {
    const coll = this.value(e.coll, scope);
    if (isUnknown(coll)) return coll;
    let entries: [Value, Value][];
    if (Array.isArray(coll)) entries = coll.map((v, i) => [i, v]);
    else if (isObject(coll))
      entries = Object.keys(coll)
        .sort()
        .map((k) => [k, coll[k]!]);
    else throw new EvalError('for: the collection is not a list, set or map');
    const outList: Value[] = [];
    const outObj: ValueObject = {};
    for (const [k, v] of entries) {
      const vars = new Map<string, Value>([[e.valVar, v]]);
      if (e.keyVar) vars.set(e.keyVar, k);
      const inner = withVars(scope, vars);
      if (e.cond) {
        const c = this.value(e.cond, inner);
        if (isUnknown(c)) return c;
        if (c === false) continue;
        if (c !== true) throw new EvalError('for: the condition is not a bool');
      }
      const val = this.value(e.valExpr, inner);
      if (!e.object) {
        outList.push(val);
        continue;
      }
      const key = this.value(e.keyExpr!, inner);
      if (isUnknown(key)) return key;
      const ks = text(key);
      if (e.group) ((outObj[ks] ??= []) as Value[]).push(val);
      else {
        if (ks in outObj) throw new EvalError(`for: duplicate key ${JSON.stringify(ks)}`);
        outObj[ks] = val;
      }
    }
    return e.object ? outObj : outList;
  }
}

/** Marks a resource instance's attribute object: a missing attribute is then "known only after apply". */
export const INSTANCE = new WeakMap<object, string>();

/** Functions of the file system: not evaluated, but a null path is an error in Terraform. */
const PATH_FUNCTIONS = new Set([
  'pathexpand',
  'fileset',
  'file',
  'filebase64',
  'fileexists',
  'templatefile',
  'abspath',
  'filemd5',
  'filesha256',
]);

export function withVars(scope: Scope, vars: Map<string, EvalValue>): Scope {
  return {
    file: scope.file,
    lookup: (name, at) => (vars.has(name) ? vars.get(name) : scope.lookup(name, at)),
  };
}

function holeScope(scope: Scope, item: Value): Scope {
  return withVars(scope, new Map([['\u0000hole', item]]));
}
