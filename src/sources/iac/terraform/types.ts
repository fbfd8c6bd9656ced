/**
 * A variable's value converted to its declared type, as Terraform does before a module sees it: the attributes an
 * object type marks `optional(type, default)` and the value leaves out are the default (else null), at every depth —
 * through `map(…)`, `list(…)`, `set(…)` and `tuple([…])`. Modules written for Terraform 1.3+ (Google's Cloud
 * Foundation Fabric, Azure Verified Modules, aws-ia) read `var.x.some_optional != null` everywhere; without the
 * conversion each such read was "no attribute or key" and every resource counted on it was not known.
 * Only the shape is converted (no string/number coercion): a value of another shape is kept as it is.
 */
import type { Expr } from './hcl.js';
import { isObject, isUnknown, type Value, type ValueObject } from './values.js';

/** An object type attribute's name: a bare identifier or a string. */
function attrName(key: Expr): string | undefined {
  if (key.k === 'lit' && typeof key.v === 'string') return key.v;
  if (key.k === 'var') return key.name;
  if (key.k === 'tpl' && key.parts.every((p) => typeof p === 'string')) return key.parts.join('');
  return undefined;
}

export function conformToType(v: Value, type: Expr, evalDefault: (e: Expr) => Value): Value {
  if (v === null || isUnknown(v) || type.k !== 'call') return v;
  const [arg] = type.args;
  if (!arg) return v;
  switch (type.name) {
    case 'object': {
      if (!isObject(v) || arg.k !== 'object') return v;
      const out: ValueObject = { ...v };
      for (const { key, value: at } of arg.items) {
        const name = attrName(key);
        if (name === undefined) continue;
        const given = Object.prototype.hasOwnProperty.call(v, name) ? v[name] : undefined;
        if (at.k === 'call' && at.name === 'optional') {
          const [inner, dflt] = at.args;
          const value = given === undefined || given === null ? (dflt ? evalDefault(dflt) : null) : given;
          out[name] = inner ? conformToType(value, inner, evalDefault) : value;
        } else if (given !== undefined) out[name] = conformToType(given, at, evalDefault);
      }
      return out;
    }
    case 'map':
      if (!isObject(v)) return v;
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, conformToType(x, arg, evalDefault)]));
    case 'list':
    case 'set':
      return Array.isArray(v) ? v.map((x) => conformToType(x, arg, evalDefault)) : v;
    case 'tuple':
      return Array.isArray(v) && arg.k === 'tuple'
        ? v.map((x, i) => (arg.items[i] ? conformToType(x, arg.items[i], evalDefault) : x))
        : v;
    default:
      return v;
  }
}
