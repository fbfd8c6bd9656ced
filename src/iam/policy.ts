/** IAM policy documents, normalised: Statement may be an object or an array, elements may be strings or arrays. */

export interface Statement {
  index: number;
  sid?: string;
  effect: 'Allow' | 'Deny';
  /** undefined means the element is absent (identity policies and SCPs have no Principal). */
  principal?: PrincipalSpec;
  notPrincipal?: PrincipalSpec;
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  /** operator -> key -> values */
  condition: Record<string, Record<string, string[]>>;
}

/** "*" or { AWS: [...], Service: [...], Federated: [...], CanonicalUser: [...] }. */
export type PrincipalSpec = '*' | Record<string, string[]>;

export interface PolicyDocument {
  statements: Statement[];
}

export class PolicyShapeError extends Error {}

function strings(v: unknown, what: string): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v;
  // Numbers and booleans appear in conditions ("aws:SecureTransport": false); IAM compares them as strings.
  if (Array.isArray(v) && v.every((x) => ['string', 'number', 'boolean'].includes(typeof x))) return v.map(String);
  if (typeof v === 'number' || typeof v === 'boolean') return [String(v)];
  throw new PolicyShapeError(`${what} must be a string or a list of strings`);
}

function principal(v: unknown, what: string): PrincipalSpec {
  if (v === '*') return '*';
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new PolicyShapeError(`${what} must be "*" or an object`);
  const out: Record<string, string[]> = {};
  for (const [k, val] of Object.entries(v)) out[k] = strings(val, `${what}.${k}`);
  return out;
}

export function parsePolicyDocument(doc: unknown): PolicyDocument {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
    throw new PolicyShapeError('a policy must be a JSON object');
  const raw = (doc as Record<string, unknown>).Statement;
  if (raw === undefined) throw new PolicyShapeError('a policy needs a Statement');
  const list = Array.isArray(raw) ? raw : [raw];
  return {
    statements: list.map((s: unknown, index) => {
      if (s === null || typeof s !== 'object') throw new PolicyShapeError(`Statement ${index} must be an object`);
      const st = s as Record<string, unknown>;
      if (st.Effect !== 'Allow' && st.Effect !== 'Deny')
        throw new PolicyShapeError(`Statement ${index}: Effect must be Allow or Deny`);
      const condition: Statement['condition'] = {};
      if (st.Condition !== undefined) {
        if (st.Condition === null || typeof st.Condition !== 'object')
          throw new PolicyShapeError(`Statement ${index}: Condition must be an object`);
        for (const [op, block] of Object.entries(st.Condition as Record<string, unknown>)) {
          if (block === null || typeof block !== 'object')
            throw new PolicyShapeError(`Statement ${index}: Condition.${op} must be an object`);
          condition[op] = {};
          for (const [key, values] of Object.entries(block as Record<string, unknown>))
            condition[op][key] = strings(values, `Condition.${op}.${key}`);
        }
      }
      return {
        index,
        ...(typeof st.Sid === 'string' ? { sid: st.Sid } : {}),
        effect: st.Effect,
        ...(st.Principal !== undefined ? { principal: principal(st.Principal, 'Principal') } : {}),
        ...(st.NotPrincipal !== undefined ? { notPrincipal: principal(st.NotPrincipal, 'NotPrincipal') } : {}),
        ...(st.Action !== undefined ? { action: strings(st.Action, 'Action') } : {}),
        ...(st.NotAction !== undefined ? { notAction: strings(st.NotAction, 'NotAction') } : {}),
        ...(st.Resource !== undefined ? { resource: strings(st.Resource, 'Resource') } : {}),
        ...(st.NotResource !== undefined ? { notResource: strings(st.NotResource, 'NotResource') } : {}),
        condition,
      };
    }),
  };
}

export function statementLabel(s: Statement): string {
  return s.sid ? `statement ${s.index} (${s.sid})` : `statement ${s.index}`;
}
