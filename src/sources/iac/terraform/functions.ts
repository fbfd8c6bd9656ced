/**
 * The Terraform functions cordon evaluates: pure ones whose result depends only on their arguments. Anything else
 * (timestamp, uuid, file reads outside the module, provider functions) is unknown, never guessed.
 */
import type { Unknown } from './values.js';
import { isObject, isUnknown, text, type Value, type ValueObject } from './values.js';

export class EvalError extends Error {}

type Fn = (args: Value[]) => Value;

const str = (v: Value, fn: string): string => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new EvalError(`${fn}: expected a string`);
};
const num = (v: Value, fn: string): number => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  throw new EvalError(`${fn}: expected a number`);
};
const list = (v: Value, fn: string): Value[] => {
  if (Array.isArray(v)) return v;
  throw new EvalError(`${fn}: expected a list`);
};
const obj = (v: Value, fn: string): ValueObject => {
  if (isObject(v)) return v;
  throw new EvalError(`${fn}: expected a map or object`);
};

/** Equality of plain values (no Unknown inside: callers check first). */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => valuesEqual(x, b[i]!));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && valuesEqual(a[k]!, b[k]!));
  }
  return false;
}

function distinct(xs: Value[]): Value[] {
  const out: Value[] = [];
  for (const x of xs) if (!out.some((y) => valuesEqual(x, y))) out.push(x);
  return out;
}

/** Terraform's format verbs that matter for names and ARNs: %s %d %v %q %%. */
function format(args: Value[]): string {
  const spec = str(args[0]!, 'format');
  let i = 1;
  return spec.replace(/%(%|[-+ 0#]*\d*(?:\.\d+)?[sdvqfbtxX])/g, (m, verb: string) => {
    if (verb === '%') return '%';
    const v = args[i++];
    if (v === undefined) throw new EvalError('format: too few arguments');
    const c = verb.at(-1);
    if (c === 'q') return JSON.stringify(str(v, 'format'));
    if (c === 'd') return String(Math.trunc(num(v, 'format')));
    if (c === 'v' && typeof v !== 'string') return JSON.stringify(v);
    if (c === 's' || c === 'v') return str(v, 'format');
    throw new EvalError(`format: verb ${m} is not evaluated`);
  });
}

function ipv4ToInt(s: string): number {
  const parts = s.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
    throw new EvalError(`invalid IPv4 address ${JSON.stringify(s)}`);
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
}

function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function parseCidr4(s: string, fn: string): { base: number; bits: number } {
  const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(s);
  if (!m) throw new EvalError(`${fn}: only IPv4 prefixes are evaluated, got ${JSON.stringify(s)}`);
  const bits = Number(m[2]);
  if (bits > 32) throw new EvalError(`${fn}: invalid prefix ${s}`);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return { base: (ipv4ToInt(m[1]!) & mask) >>> 0, bits };
}

function cidrsubnet(prefix: string, newbits: number, netnum: number): string {
  const { base, bits } = parseCidr4(prefix, 'cidrsubnet');
  const total = bits + newbits;
  if (total > 32 || newbits < 0) throw new EvalError('cidrsubnet: not enough bits in the prefix');
  if (netnum < 0 || netnum >= 2 ** newbits) throw new EvalError('cidrsubnet: netnum does not fit');
  const addr = (base + netnum * 2 ** (32 - total)) >>> 0;
  return `${intToIpv4(addr)}/${total}`;
}

function cidrhost(prefix: string, hostnum: number): string {
  const { base, bits } = parseCidr4(prefix, 'cidrhost');
  const size = 2 ** (32 - bits);
  const n = hostnum < 0 ? size + hostnum : hostnum;
  if (n < 0 || n >= size) throw new EvalError('cidrhost: host number out of range');
  return intToIpv4((base + n) >>> 0);
}

function flatten(v: Value[]): Value[] {
  return v.flatMap((x) => (Array.isArray(x) ? flatten(x) : [x]));
}

export const FUNCTIONS: Record<string, Fn> = {
  concat: (a) => a.flatMap((x) => list(x, 'concat')),
  merge: (a) => Object.assign({}, ...a.filter((x) => x !== null).map((x) => obj(x, 'merge'))) as ValueObject,
  lookup: (a) => {
    const m = obj(a[0]!, 'lookup');
    const k = str(a[1]!, 'lookup');
    if (k in m) return m[k]!;
    if (a.length > 2) return a[2]!;
    throw new EvalError(`lookup: no key ${JSON.stringify(k)}`);
  },
  element: (a) => {
    const l = list(a[0]!, 'element');
    if (l.length === 0) throw new EvalError('element: empty list');
    return l[((num(a[1]!, 'element') % l.length) + l.length) % l.length]!;
  },
  format: (a) => format(a),
  formatlist: (a) => {
    const n = Math.max(0, ...a.slice(1).map((x) => (Array.isArray(x) ? x.length : 0)));
    return Array.from({ length: n }, (_, i) =>
      format([a[0]!, ...a.slice(1).map((x) => (Array.isArray(x) ? x[i]! : x))]),
    );
  },
  join: (a) =>
    flatten(a.slice(1).map((x) => list(x, 'join')))
      .map((x) => str(x, 'join'))
      .join(str(a[0]!, 'join')),
  split: (a) => str(a[1]!, 'split').split(str(a[0]!, 'split')),
  cidrsubnet: (a) => cidrsubnet(str(a[0]!, 'cidrsubnet'), num(a[1]!, 'cidrsubnet'), num(a[2]!, 'cidrsubnet')),
  cidrhost: (a) => cidrhost(str(a[0]!, 'cidrhost'), num(a[1]!, 'cidrhost')),
  tolist: (a) => [...list(a[0]!, 'tolist')],
  toset: (a) => distinct(list(a[0]!, 'toset')).sort((x, y) => text(x).localeCompare(text(y))),
  tomap: (a) => ({ ...obj(a[0]!, 'tomap') }),
  tostring: (a) => (a[0] === null ? null : str(a[0]!, 'tostring')),
  tonumber: (a) => (a[0] === null ? null : num(a[0]!, 'tonumber')),
  tobool: (a) => {
    if (a[0] === null || typeof a[0] === 'boolean') return a[0]!;
    if (a[0] === 'true' || a[0] === 'false') return a[0] === 'true';
    throw new EvalError('tobool: expected a bool');
  },
  length: (a) => {
    const v = a[0]!;
    if (typeof v === 'string') return [...v].length;
    if (Array.isArray(v)) return v.length;
    return Object.keys(obj(v, 'length')).length;
  },
  keys: (a) => Object.keys(obj(a[0]!, 'keys')).sort(),
  values: (a) => {
    const m = obj(a[0]!, 'values');
    return Object.keys(m)
      .sort()
      .map((k) => m[k]!);
  },
  zipmap: (a) => {
    const ks = list(a[0]!, 'zipmap');
    const vs = list(a[1]!, 'zipmap');
    return Object.fromEntries(ks.map((k, i): [string, Value] => [str(k, 'zipmap'), vs[i] ?? null]));
  },
  flatten: (a) => flatten(list(a[0]!, 'flatten')),
  index: (a) => {
    const i = list(a[0]!, 'index').findIndex((x) => valuesEqual(x, a[1]!));
    if (i < 0) throw new EvalError('index: value not in the list');
    return i;
  },
  distinct: (a) => distinct(list(a[0]!, 'distinct')),
  compact: (a) => list(a[0]!, 'compact').filter((x) => x !== null && x !== ''),
  contains: (a) => list(a[0]!, 'contains').some((x) => valuesEqual(x, a[1]!)),
  coalesce: (a) => {
    const v = a.find((x) => x !== null && x !== '');
    if (v === undefined) throw new EvalError('coalesce: no non-null argument');
    return v;
  },
  coalescelist: (a) => a.find((x) => Array.isArray(x) && x.length > 0) ?? [],
  one: (a) => {
    const l = list(a[0]!, 'one');
    if (l.length > 1) throw new EvalError('one: more than one element');
    return l[0] ?? null;
  },
  range: (a) => {
    const [start, end, step] =
      a.length === 1
        ? [0, num(a[0]!, 'range'), 1]
        : [num(a[0]!, 'range'), num(a[1]!, 'range'), a[2] === undefined ? 1 : num(a[2], 'range')];
    if (step === 0 || Math.abs((end - start) / step) > 10_000) throw new EvalError('range: too many elements');
    const out: number[] = [];
    for (let i = start; step > 0 ? i < end : i > end; i += step) out.push(i);
    return out;
  },
  slice: (a) => list(a[0]!, 'slice').slice(num(a[1]!, 'slice'), num(a[2]!, 'slice')),
  sort: (a) =>
    list(a[0]!, 'sort')
      .map((x) => str(x, 'sort'))
      .sort(),
  reverse: (a) => [...list(a[0]!, 'reverse')].reverse(),
  lower: (a) => str(a[0]!, 'lower').toLowerCase(),
  upper: (a) => str(a[0]!, 'upper').toUpperCase(),
  trimspace: (a) => str(a[0]!, 'trimspace').trim(),
  trimprefix: (a) => {
    const s = str(a[0]!, 'trimprefix');
    const p = str(a[1]!, 'trimprefix');
    return s.startsWith(p) ? s.slice(p.length) : s;
  },
  trimsuffix: (a) => {
    const s = str(a[0]!, 'trimsuffix');
    const p = str(a[1]!, 'trimsuffix');
    return p && s.endsWith(p) ? s.slice(0, -p.length) : s;
  },
  startswith: (a) => str(a[0]!, 'startswith').startsWith(str(a[1]!, 'startswith')),
  endswith: (a) => str(a[0]!, 'endswith').endsWith(str(a[1]!, 'endswith')),
  substr: (a) => {
    const s = [...str(a[0]!, 'substr')];
    const off = num(a[1]!, 'substr');
    const len = num(a[2]!, 'substr');
    return s.slice(off, len < 0 ? undefined : off + len).join('');
  },
  replace: (a) => {
    const s = str(a[0]!, 'replace');
    const what = str(a[1]!, 'replace');
    // Terraform reads /…/ as a regular expression (RE2); only plain substrings are replaced here.
    if (what.length > 1 && what.startsWith('/') && what.endsWith('/'))
      throw new EvalError('replace: regular expressions are not evaluated');
    return s.split(what).join(str(a[2]!, 'replace'));
  },
  min: (a) => Math.min(...a.map((x) => num(x, 'min'))),
  max: (a) => Math.max(...a.map((x) => num(x, 'max'))),
  abs: (a) => Math.abs(num(a[0]!, 'abs')),
  jsonencode: (a) => JSON.stringify(a[0]),
  jsondecode: (a) => {
    try {
      return JSON.parse(str(a[0]!, 'jsondecode')) as Value;
    } catch {
      throw new EvalError('jsondecode: invalid JSON');
    }
  },
};

/** Functions that see their arguments unevaluated-errors: `try` and `can` catch errors of their arguments. */
export const CATCHING = new Set(['try', 'can']);

/** Whether any argument is Unknown: most functions are then unknown too (the first Unknown is returned). */
export function unknownArg(args: Value[]): Unknown | undefined {
  for (const a of args) if (isUnknown(a)) return a;
  return undefined;
}
