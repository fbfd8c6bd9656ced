/**
 * Kleene three-valued logic. cordon asks questions such as "can a principal outside the organisation use this
 * endpoint?" without knowing every request value; a condition on a value the caller controls is `unknown`, and the
 * answer stays sound: an Allow that may match counts as a possible grant, a Deny counts only when it surely matches.
 */
export type Tri = true | false | 'unknown';

export function and(values: Iterable<Tri>): Tri {
  let unknown = false;
  for (const v of values) {
    if (v === false) return false;
    if (v === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : true;
}

export function or(values: Iterable<Tri>): Tri {
  let unknown = false;
  for (const v of values) {
    if (v === true) return true;
    if (v === 'unknown') unknown = true;
  }
  return unknown ? 'unknown' : false;
}

export function not(v: Tri): Tri {
  return v === 'unknown' ? 'unknown' : !v;
}
