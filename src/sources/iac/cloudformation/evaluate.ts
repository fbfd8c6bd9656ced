/**
 * Static evaluation of CloudFormation intrinsic functions. A value is plain JSON, with `Unknown` where the template
 * cannot say before deploy (a parameter without a default, Fn::ImportValue, a runtime attribute): the Unknown names
 * the expression and where it is, so the checks that need it are reported not assessed with that reason.
 * Ref and the id-like GetAtt attributes of a resource give its inventory id (the logical id), so references between
 * resources join in the inventory as they do between ids in a snapshot.
 */
import { azPlaceholders } from '../../../inventory/aws.js';
import type { SourcePosition } from '../../../util/errors.js';
import type { Template } from './parse.js';

export class Unknown {
  constructor(
    /** The expression, as written in short form: `!Ref VpcId`, `!ImportValue shared-vpc`. */
    readonly expr: string,
    /** Why it cannot be known before deploy. */
    readonly why: string,
    readonly file: string,
    readonly line: number,
  ) {}

  get reason(): string {
    return `value not known before deploy: ${this.expr} (${this.file}:${this.line}): ${this.why}`;
  }
}

/** AWS::NoValue: the property is removed. */
export const NO_VALUE = Symbol('AWS::NoValue');

export interface Scope {
  account: string;
  region: string;
}

/** Placeholder availability zones for Fn::GetAZs: distinct names for distinct indices, as in any region. */
export function availabilityZones(region: string): string[] {
  return azPlaceholders(region);
}

export interface ResourceDecl {
  logicalId: string;
  type: string;
  properties: Record<string, unknown>;
  condition?: string;
}

/** One instance of a template: the top-level stack, or a nested stack with its parent's parameters. */
export interface Stack {
  template: Template;
  /** Prefix of inventory ids: "" at top level, "Network." for a nested stack Network. */
  prefix: string;
  scope: Scope;
  parameters: Map<string, unknown>;
  mappings: Record<string, unknown>;
  conditionDecls: Record<string, unknown>;
  conditions: Map<string, boolean | Unknown | 'evaluating'>;
  resources: Map<string, ResourceDecl>;
  /** GetAtt of a resource of this stack; undefined when the attribute is not known before deploy. */
  getAtt(stack: Stack, logicalId: string, attribute: string, at: readonly (string | number)[]): unknown;
}

export function idOf(stack: Stack, logicalId: string): string {
  return `${stack.prefix}${logicalId}`;
}

export function unknown(stack: Stack, at: readonly (string | number)[], expr: string, why: string): Unknown {
  const pos: SourcePosition = stack.template.locate(at);
  return new Unknown(expr, why, stack.template.file, pos.line ?? 1);
}

function short(v: unknown): string {
  if (typeof v === 'string') return v;
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** The first Unknown in a value (a Join of an unknown names what is unknown, not the Join). */
export function firstUnknown(v: unknown, depth = 0): Unknown | undefined {
  if (v instanceof Unknown) return v;
  if (depth > 50 || v === null || typeof v !== 'object') return undefined;
  for (const x of Array.isArray(v) ? v : Object.values(v)) {
    const u = firstUnknown(x, depth + 1);
    if (u) return u;
  }
  return undefined;
}

const PSEUDO = new Set([
  'AWS::AccountId',
  'AWS::Region',
  'AWS::Partition',
  'AWS::URLSuffix',
  'AWS::StackName',
  'AWS::StackId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
]);

function pseudo(stack: Stack, name: string, at: readonly (string | number)[]): unknown {
  switch (name) {
    case 'AWS::AccountId':
      return stack.scope.account;
    case 'AWS::Region':
      return stack.scope.region;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::NoValue':
      return NO_VALUE;
    default:
      return unknown(stack, at, `!Ref ${name}`, 'chosen when the stack is deployed');
  }
}

/** Ref: a parameter's value, a pseudo parameter, or a resource's id. */
export function ref(stack: Stack, name: unknown, at: readonly (string | number)[]): unknown {
  if (typeof name !== 'string') return unknown(stack, at, `!Ref ${short(name)}`, 'Ref takes a name');
  if (PSEUDO.has(name)) return pseudo(stack, name, at);
  if (stack.parameters.has(name)) return stack.parameters.get(name);
  if (stack.resources.has(name)) return idOf(stack, name);
  return unknown(stack, at, `!Ref ${name}`, 'no parameter or resource of that name in the template');
}

function fnGetAtt(stack: Stack, args: unknown, at: readonly (string | number)[]): unknown {
  let parts = args;
  if (typeof parts === 'string') {
    const dot = parts.indexOf('.');
    parts = dot < 0 ? [parts] : [parts.slice(0, dot), parts.slice(dot + 1)];
  }
  if (!Array.isArray(parts) || parts.length !== 2)
    return unknown(stack, at, `!GetAtt ${short(args)}`, 'GetAtt takes [resource, attribute]');
  const [res, attrRaw] = parts as [unknown, unknown];
  const attr = evaluate(stack, attrRaw, at);
  if (attr instanceof Unknown) return attr;
  const expr = `!GetAtt ${String(res)}.${String(attr)}`;
  if (typeof res !== 'string' || typeof attr !== 'string') return unknown(stack, at, expr, 'GetAtt takes names');
  if (!stack.resources.has(res)) return unknown(stack, at, expr, 'no resource of that name in the template');
  const v = stack.getAtt(stack, res, attr, at);
  return v === undefined ? unknown(stack, at, expr, 'an attribute AWS assigns when the resource is created') : v;
}

/** ${Name}, ${Resource.Attribute}, ${!Literal}. */
function fnSub(stack: Stack, args: unknown, at: readonly (string | number)[]): unknown {
  let text: unknown = args;
  let vars: Record<string, unknown> = {};
  if (Array.isArray(args)) {
    text = args[0];
    const v = evaluate(stack, args[1] ?? {}, at);
    if (v && typeof v === 'object' && !Array.isArray(v)) vars = v as Record<string, unknown>;
  }
  if (typeof text !== 'string') return unknown(stack, at, `!Sub ${short(args)}`, 'Sub takes a string');
  let bad: Unknown | undefined;
  const out = text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    const key = name.trim();
    let v: unknown;
    if (key in vars) v = vars[key];
    else if (!key.includes('.') || PSEUDO.has(key)) v = ref(stack, key, at);
    else v = fnGetAtt(stack, key, at);
    const u = firstUnknown(v);
    if (u) {
      bad ??= u;
      return whole;
    }
    return Array.isArray(v) ? v.join(',') : String(v);
  });
  return bad ?? out;
}

function fnFindInMap(stack: Stack, args: unknown, at: readonly (string | number)[]): unknown {
  if (!Array.isArray(args) || args.length < 3)
    return unknown(stack, at, `!FindInMap ${short(args)}`, 'FindInMap takes [map, key, key]');
  const [m, k1, k2, opts] = args.map<unknown>((a: unknown) => evaluate(stack, a, at));
  const u = firstUnknown([m, k1, k2]);
  if (u) return u;
  const table = stack.mappings[String(m)] as Record<string, Record<string, unknown>> | undefined;
  const v = table?.[String(k1)]?.[String(k2)];
  if (v !== undefined) return v;
  const fallback = (opts as { DefaultValue?: unknown } | undefined)?.DefaultValue;
  if (fallback !== undefined) return fallback;
  return unknown(stack, at, `!FindInMap [${String(m)}, ${String(k1)}, ${String(k2)}]`, 'no such entry in Mappings');
}

function fnSelect(stack: Stack, args: unknown, at: readonly (string | number)[]): unknown {
  if (!Array.isArray(args) || args.length !== 2)
    return unknown(stack, at, `!Select ${short(args)}`, 'Select takes [index, list]');
  const index = evaluate(stack, args[0], at);
  const list = evaluate(stack, args[1], at);
  if (index instanceof Unknown) return index;
  if (list instanceof Unknown) return list;
  const i = Number(index);
  if (!Array.isArray(list) || !Number.isInteger(i) || i < 0 || i >= list.length)
    return unknown(stack, at, `!Select ${short(args)}`, 'index out of range of the list');
  return list[i] as unknown;
}

function fnJoin(stack: Stack, args: unknown, at: readonly (string | number)[]): unknown {
  if (!Array.isArray(args) || args.length !== 2)
    return unknown(stack, at, `!Join ${short(args)}`, 'Join takes [delimiter, list]');
  const delim = evaluate(stack, args[0], at);
  const list = evaluate(stack, args[1], at);
  const u = firstUnknown([delim, list]);
  if (u) return u;
  if (!Array.isArray(list)) return unknown(stack, at, `!Join ${short(args)}`, 'Join takes a list');
  return list.map(String).join(String(delim));
}

function fnSplit(stack: Stack, args: unknown, at: readonly (string | number)[]): unknown {
  if (!Array.isArray(args) || args.length !== 2)
    return unknown(stack, at, `!Split ${short(args)}`, 'Split takes [delimiter, string]');
  const delim = evaluate(stack, args[0], at);
  const text = evaluate(stack, args[1], at);
  const u = firstUnknown([delim, text]);
  if (u) return u;
  return String(text).split(String(delim));
}

/** Fn::Cidr for IPv4: `count` consecutive blocks with `bits` host bits, from the start of `block`. */
function fnCidr(stack: Stack, args: unknown, at: readonly (string | number)[]): unknown {
  const bad = () => unknown(stack, at, `!Cidr ${short(args)}`, 'Cidr takes [IPv4 block, count, host bits]');
  if (!Array.isArray(args) || args.length !== 3) return bad();
  const [block, count, bits] = args.map<unknown>((a: unknown) => evaluate(stack, a, at));
  const u = firstUnknown([block, count, bits]);
  if (u) return u;
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(String(block));
  const n = Number(count);
  const host = Number(bits);
  if (!m || !Number.isInteger(n) || !Number.isInteger(host) || n < 1 || host < 0 || host > 32) return bad();
  const base = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
  const prefix = Number(m[5]);
  if (32 - host < prefix || n > 2 ** (32 - host - prefix)) return bad();
  const size = 2 ** host;
  const start = Math.floor(base / 2 ** (32 - prefix)) * 2 ** (32 - prefix);
  const ip = (x: number) => [24, 16, 8, 0].map((s) => Math.floor(x / 2 ** s) % 256).join('.');
  return Array.from({ length: n }, (_, i) => `${ip(start + i * size)}/${32 - host}`);
}

/** A condition by name: true, false, or Unknown (it depends on a value not known before deploy). */
export function condition(stack: Stack, name: string, at: readonly (string | number)[]): boolean | Unknown {
  const known = stack.conditions.get(name);
  if (known === 'evaluating')
    return unknown(stack, ['Conditions', name], `!Condition ${name}`, 'the condition refers to itself');
  if (known !== undefined) return known;
  if (!(name in stack.conditionDecls))
    return unknown(stack, at, `!Condition ${name}`, 'no condition of that name in the template');
  stack.conditions.set(name, 'evaluating');
  const v = conditionValue(stack, stack.conditionDecls[name], ['Conditions', name]);
  stack.conditions.set(name, v);
  return v;
}

function conditionValue(stack: Stack, expr: unknown, at: readonly (string | number)[]): boolean | Unknown {
  const v = evaluate(stack, expr, at);
  if (v instanceof Unknown || typeof v === 'boolean') return v;
  if (v === 'true' || v === 'false') return v === 'true';
  return unknown(stack, at, short(expr), 'a condition must be Fn::Equals, And, Or, Not or Condition');
}

function fnEquals(stack: Stack, args: unknown, at: readonly (string | number)[]): boolean | Unknown {
  if (!Array.isArray(args) || args.length !== 2)
    return unknown(stack, at, `!Equals ${short(args)}`, 'Equals takes two values');
  const [a, b] = args.map<unknown>((x: unknown) => evaluate(stack, x, at));
  const u = firstUnknown([a, b]);
  if (u) return u;
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

function normalise(v: unknown): unknown {
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
}

/** And/Or: a known deciding operand wins over an unknown one (false for And, true for Or). */
function fnLogic(stack: Stack, args: unknown, at: readonly (string | number)[], and: boolean): boolean | Unknown {
  if (!Array.isArray(args)) return unknown(stack, at, short(args), 'And/Or take a list');
  let pending: Unknown | undefined;
  for (const a of args) {
    const v = conditionValue(stack, a, at);
    if (v instanceof Unknown) pending ??= v;
    else if (v !== and) return v;
  }
  return pending ?? and;
}

/** Evaluates a value: intrinsic functions are applied, AWS::NoValue removes the property. */
export function evaluate(stack: Stack, v: unknown, at: readonly (string | number)[], depth = 0): unknown {
  if (depth > 100) return unknown(stack, at, '…', 'expression nested too deeply');
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v) {
      const e = evaluate(stack, x, at, depth + 1);
      if (e !== NO_VALUE) out.push(e);
    }
    return out;
  }
  if (v === null || typeof v !== 'object' || v instanceof Unknown) return v;
  const keys = Object.keys(v);
  const o = v as Record<string, unknown>;
  if (keys.length === 1) {
    const k = keys[0]!;
    const arg = o[k];
    switch (k) {
      case 'Ref':
        return ref(stack, evaluate(stack, arg, at, depth + 1), at);
      case 'Condition':
        // A property map whose only key is "Condition" (an IAM fragment) is data, not the condition function.
        if (typeof arg === 'string') return condition(stack, arg, at);
        break;
      case 'Fn::GetAtt':
        return fnGetAtt(stack, arg, at);
      case 'Fn::Sub':
        return fnSub(stack, arg, at);
      case 'Fn::Join':
        return fnJoin(stack, arg, at);
      case 'Fn::Select':
        return fnSelect(stack, arg, at);
      case 'Fn::Split':
        return fnSplit(stack, arg, at);
      case 'Fn::FindInMap':
        return fnFindInMap(stack, arg, at);
      case 'Fn::GetAZs':
        return availabilityZones(stack.scope.region);
      case 'Fn::Cidr':
        return fnCidr(stack, arg, at);
      case 'Fn::Base64': {
        const s = evaluate(stack, arg, at, depth + 1);
        return firstUnknown(s) ?? Buffer.from(String(s)).toString('base64');
      }
      case 'Fn::ImportValue': {
        const name = evaluate(stack, arg, at, depth + 1);
        return unknown(
          stack,
          at,
          `!ImportValue ${short(name instanceof Unknown ? arg : name)}`,
          "another stack's export, known only when deployed",
        );
      }
      case 'Fn::If': {
        if (!Array.isArray(arg) || arg.length !== 3 || typeof arg[0] !== 'string')
          return unknown(stack, at, `!If ${short(arg)}`, 'If takes [condition, then, else]');
        const c = condition(stack, arg[0], at);
        if (c instanceof Unknown) return c;
        return evaluate(stack, c ? arg[1] : arg[2], at, depth + 1);
      }
      case 'Fn::Equals':
        return fnEquals(stack, arg, at);
      case 'Fn::And':
        return fnLogic(stack, arg, at, true);
      case 'Fn::Or':
        return fnLogic(stack, arg, at, false);
      case 'Fn::Not': {
        const x = conditionValue(stack, Array.isArray(arg) ? arg[0] : arg, at);
        return x instanceof Unknown ? x : !x;
      }
      case 'Fn::Length': {
        const x = evaluate(stack, arg, at, depth + 1);
        return x instanceof Unknown
          ? x
          : Array.isArray(x)
            ? x.length
            : unknown(stack, at, short(v), 'Length of a list');
      }
      case 'Fn::ToJsonString': {
        const x = evaluate(stack, arg, at, depth + 1);
        return firstUnknown(x) ?? JSON.stringify(x);
      }
      default:
        if (k.startsWith('Fn::'))
          return unknown(stack, at, `${k} ${short(arg)}`, 'a function cordon does not evaluate before deploy');
    }
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const e = evaluate(stack, o[k], [...at, k], depth + 1);
    if (e !== NO_VALUE)
      Object.defineProperty(out, k, { value: e, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
