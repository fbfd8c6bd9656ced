/**
 * IAM condition evaluation, following the IAM User Guide's rules:
 * - a key missing from the request makes a condition false, except for negated operators (Not…), where it is true,
 *   for …IfExists operators, where it is true, and for Null, which tests exactly that;
 * - several values for one key are ORed; for negated operators the result is the NOR of the values;
 * - several keys and several operators in one block are ANDed;
 * - ForAnyValue is false and ForAllValues is true when the key is missing or empty.
 * Keys whose value cordon does not know evaluate to `unknown` (see tri.ts).
 */
import ipaddr from 'ipaddr.js';
import { cidrContains, tryParseCidr } from '../util/cidr.js';
import { globMatch } from '../util/glob.js';
import { and, or, type Tri } from './tri.js';

export interface RequestContext {
  /** Known values by lower-case key; multi-valued keys carry several. */
  values: Map<string, string[]>;
  /** Lower-case keys (or patterns with "*") known to be absent from the request. */
  absent: string[];
  /** When true every key that is not in `values` is absent; when false it is unknown. */
  closed: boolean;
}

export function context(
  values: Record<string, string | string[]>,
  absent: string[] = [],
  closed = false,
): RequestContext {
  const map = new Map<string, string[]>();
  for (const [k, v] of Object.entries(values)) map.set(k.toLowerCase(), Array.isArray(v) ? v : [v]);
  return { values: map, absent: absent.map((a) => a.toLowerCase()), closed };
}

type Lookup = { kind: 'present'; values: string[] } | { kind: 'absent' } | { kind: 'unknown' };

function lookup(ctx: RequestContext, key: string): Lookup {
  const k = key.toLowerCase();
  const v = ctx.values.get(k);
  if (v !== undefined) return v.length === 0 ? { kind: 'absent' } : { kind: 'present', values: v };
  if (ctx.closed || ctx.absent.some((a) => globMatch(a, k))) return { kind: 'absent' };
  return { kind: 'unknown' };
}

const NEGATED = new Set([
  'stringnotequals',
  'stringnotequalsignorecase',
  'stringnotlike',
  'arnnotequals',
  'arnnotlike',
  'numericnotequals',
  'datenotequals',
  'notipaddress',
]);

/** Compares one request value with one policy value for the positive form of an operator. */
function compare(base: string, requestValue: string, policyValue: string): boolean | undefined {
  switch (base) {
    case 'stringequals':
    case 'stringnotequals':
      return requestValue === policyValue;
    case 'stringequalsignorecase':
    case 'stringnotequalsignorecase':
      return requestValue.toLowerCase() === policyValue.toLowerCase();
    case 'stringlike':
    case 'stringnotlike':
    case 'arnequals':
    case 'arnlike':
    case 'arnnotequals':
    case 'arnnotlike':
      return globMatch(policyValue, requestValue);
    case 'numericequals':
    case 'numericnotequals':
      return Number(requestValue) === Number(policyValue);
    case 'numericlessthan':
      return Number(requestValue) < Number(policyValue);
    case 'numericlessthanequals':
      return Number(requestValue) <= Number(policyValue);
    case 'numericgreaterthan':
      return Number(requestValue) > Number(policyValue);
    case 'numericgreaterthanequals':
      return Number(requestValue) >= Number(policyValue);
    case 'dateequals':
    case 'datenotequals':
      return Date.parse(requestValue) === Date.parse(policyValue);
    case 'datelessthan':
      return Date.parse(requestValue) < Date.parse(policyValue);
    case 'datelessthanequals':
      return Date.parse(requestValue) <= Date.parse(policyValue);
    case 'dategreaterthan':
      return Date.parse(requestValue) > Date.parse(policyValue);
    case 'dategreaterthanequals':
      return Date.parse(requestValue) >= Date.parse(policyValue);
    case 'bool':
      return requestValue.toLowerCase() === policyValue.toLowerCase();
    case 'binaryequals':
      return requestValue === policyValue;
    case 'ipaddress':
    case 'notipaddress': {
      const net = tryParseCidr(policyValue);
      const ip = ipaddr.isValid(requestValue) ? tryParseCidr(requestValue) : undefined;
      return net !== undefined && ip !== undefined && cidrContains(net, ip);
    }
    default:
      return undefined;
  }
}

/** Evaluates one operator on one key. */
export function evaluateOperator(operator: string, key: string, policyValues: string[], ctx: RequestContext): Tri {
  let op = operator.toLowerCase();
  let set: 'any' | 'all' | undefined;
  if (op.startsWith('forallvalues:')) {
    set = 'all';
    op = op.slice('forallvalues:'.length);
  } else if (op.startsWith('foranyvalue:')) {
    set = 'any';
    op = op.slice('foranyvalue:'.length);
  }
  const ifExists = op.endsWith('ifexists');
  const base = ifExists ? op.slice(0, -'ifexists'.length) : op;
  const found = lookup(ctx, key);

  if (base === 'null') {
    if (found.kind === 'unknown') return 'unknown';
    const wantAbsent = policyValues.some((v) => v.toLowerCase() === 'true');
    const wantPresent = policyValues.some((v) => v.toLowerCase() === 'false');
    const isAbsent = found.kind === 'absent';
    return (wantAbsent && isAbsent) || (wantPresent && !isAbsent);
  }
  if (compare(base, 'x', 'x') === undefined) return 'unknown'; // an operator cordon does not model
  const negated = NEGATED.has(base);

  if (found.kind === 'unknown') return 'unknown';
  // Policy variables (${aws:username}) are request values cordon does not resolve.
  if (policyValues.some((v) => v.includes('${'))) return 'unknown';
  if (found.kind === 'absent') {
    if (set === 'any') return false;
    if (set === 'all') return true;
    if (ifExists) return true;
    return negated;
  }
  const satisfies = (rv: string): boolean => {
    const hit = policyValues.some((pv) => compare(base, rv, pv) === true);
    return negated ? !hit : hit;
  };
  if (set === 'all') return found.values.every(satisfies);
  if (set === 'any') return found.values.some(satisfies);
  // Single-valued key: positive operators OR over values; negated ones NOR over values.
  if (negated) return found.values.every(satisfies);
  return found.values.some(satisfies);
}

export function evaluateConditionBlock(condition: Record<string, Record<string, string[]>>, ctx: RequestContext): Tri {
  const parts: Tri[] = [];
  for (const [op, keys] of Object.entries(condition)) {
    for (const [key, values] of Object.entries(keys)) parts.push(evaluateOperator(op, key, values, ctx));
  }
  return and(parts);
}

/** The keys a condition block tests, lower-cased. */
export function conditionKeys(condition: Record<string, Record<string, string[]>>): string[] {
  return Object.values(condition).flatMap((keys) => Object.keys(keys).map((k) => k.toLowerCase()));
}

export { and, or };
