/**
 * Terraform values as cordon sees them before deploy: plain JSON values, plus `Unknown` for anything that is only
 * known after apply (or that cordon does not evaluate). An Unknown says which expression and where, so a check that
 * needs it is reported not assessed naming it — never guessed.
 */

export class Unknown {
  constructor(
    /** The expression or attribute, e.g. `var.vpc_cidr` or `aws_vpc.main.arn`. */
    readonly what: string,
    /** `file:line` of the expression. */
    readonly where: string,
    /** Why it is unknown, e.g. "variable has no default and no value was given". */
    readonly why: string,
    /** An evaluation error (a missing key, a wrong type) rather than a value not known yet: `try` moves past it. */
    readonly failed = false,
  ) {}

  toString(): string {
    return `${this.what} (${this.where}): ${this.why}`;
  }
}

export type Value = null | string | number | boolean | Unknown | Value[] | ValueObject;
export interface ValueObject {
  [key: string]: Value;
}

export function isUnknown(v: unknown): v is Unknown {
  return v instanceof Unknown;
}

export function isObject(v: Value | undefined): v is ValueObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Unknown);
}

/** The first Unknown anywhere inside a value (depth-first), if any. */
export function firstUnknown(v: Value | undefined): Unknown | undefined {
  if (v instanceof Unknown) return v;
  if (Array.isArray(v)) {
    for (const x of v) {
      const u = firstUnknown(x);
      if (u) return u;
    }
  } else if (isObject(v)) {
    for (const x of Object.values(v)) {
      const u = firstUnknown(x);
      if (u) return u;
    }
  }
  return undefined;
}

/** A scalar as text (keys, messages); collections and unknowns as JSON / their description. */
export function text(v: Value | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Unknown) return v.toString();
  return JSON.stringify(v);
}

/** A value with no Unknown inside, as plain JSON (for endpoint policies and the like). */
export function toJson(v: Value): unknown {
  return v;
}
