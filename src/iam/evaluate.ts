/**
 * Statement matching and the questions cordon asks of endpoint policies and SCPs. Endpoint policies bound access
 * (both the endpoint policy and the caller's own policies must allow a request); an endpoint with no policy uses
 * the default full-access one.
 */
import { globMatch } from '../util/glob.js';
import { evaluateConditionBlock, type RequestContext } from './conditions.js';
import type { PolicyDocument, PrincipalSpec, Statement } from './policy.js';
import { and, or, type Tri } from './tri.js';

export interface PrincipalProbe {
  /** 12-digit account of the caller; undefined for anonymous callers. */
  account?: string;
  arn?: string;
  anonymous?: boolean;
}

export interface Request {
  principal: PrincipalProbe;
  action: string;
  resource: string;
  context: RequestContext;
}

function principalListMatches(spec: PrincipalSpec, p: PrincipalProbe): boolean {
  if (spec === '*') return true;
  const aws = spec.AWS ?? [];
  if (aws.includes('*')) return true;
  if (p.anonymous || !p.account) return false;
  return aws.some((entry) => {
    if (/^\d{12}$/.test(entry)) return entry === p.account;
    const m = /^arn:aws[\w-]*:iam::(\d{12}):root$/.exec(entry);
    if (m) return m[1] === p.account;
    return p.arn !== undefined && entry === p.arn;
  });
}

export function principalMatches(s: Statement, p: PrincipalProbe): boolean {
  if (s.principal !== undefined) return principalListMatches(s.principal, p);
  if (s.notPrincipal !== undefined) return !principalListMatches(s.notPrincipal, p);
  return true; // identity policies and SCPs apply to their own principals
}

export function actionMatches(s: Statement, action: string): boolean {
  if (s.action) return s.action.some((a) => globMatch(a, action, true));
  if (s.notAction) return !s.notAction.some((a) => globMatch(a, action, true));
  return false;
}

export function resourceMatches(s: Statement, resource: string): boolean {
  if (s.resource) return s.resource.some((r) => globMatch(r, resource));
  if (s.notResource) return !s.notResource.some((r) => globMatch(r, resource));
  return true; // SCPs may omit Resource only for Deny with NotResource; treat absence as all
}

/** Does this statement apply to the request? Principal, action and resource are concrete; conditions may be unknown. */
export function statementApplies(s: Statement, r: Request): Tri {
  if (!principalMatches(s, r.principal) || !actionMatches(s, r.action) || !resourceMatches(s, r.resource)) return false;
  return evaluateConditionBlock(s.condition, r.context);
}

export interface Verdict {
  /** true: surely allowed; false: surely not; unknown: depends on request values cordon does not know. */
  allowed: Tri;
  allowingStatements: Statement[];
  denyingStatements: Statement[];
}

/** Explicit deny beats allow; without an allow the request is implicitly denied. */
export function evaluate(policy: PolicyDocument, r: Request): Verdict {
  const allows = policy.statements.filter((s) => s.effect === 'Allow').map((s) => [s, statementApplies(s, r)] as const);
  const denies = policy.statements.filter((s) => s.effect === 'Deny').map((s) => [s, statementApplies(s, r)] as const);
  const denied = or(denies.map(([, t]) => t));
  const allowed = or(allows.map(([, t]) => t));
  const notDenied: Tri = denied === 'unknown' ? 'unknown' : !denied;
  return {
    allowed: and([allowed, notDenied]),
    allowingStatements: allows.filter(([, t]) => t !== false).map(([s]) => s),
    denyingStatements: denies.filter(([, t]) => t !== false).map(([s]) => s),
  };
}

/**
 * Does `outer` match everything `inner` matches? Both are IAM patterns; `inner`'s wildcards are treated as literal
 * text, which is exact when `outer` is "*" or a prefix pattern ("bedrock:*") and conservative otherwise.
 */
export function patternCovers(outer: string, inner: string, caseInsensitive: boolean): boolean {
  return globMatch(outer, inner, caseInsensitive);
}

/** Patterns of actions a statement grants; NotAction grants nearly everything, which only "*" covers. */
function actionPatterns(s: Statement): string[] {
  return s.action ?? ['*'];
}

function resourcePatterns(s: Statement): string[] {
  return s.resource ?? ['*'];
}

/** Does a Deny statement cover every action and resource an Allow statement grants? */
export function denyCovers(deny: Statement, allow: Statement): boolean {
  const actionsCovered = actionPatterns(allow).every((a) =>
    deny.action
      ? deny.action.some((d) => patternCovers(d, a, true))
      : deny.notAction
        ? !deny.notAction.some((n) => patternCovers(n, a, true) || patternCovers(a, n, true))
        : false,
  );
  const resourcesCovered = resourcePatterns(allow).every((r) =>
    deny.resource
      ? deny.resource.some((d) => patternCovers(d, r, false))
      : deny.notResource
        ? !deny.notResource.some((n) => patternCovers(n, r, false) || patternCovers(r, n, false))
        : true,
  );
  return actionsCovered && resourcesCovered;
}

export interface Grant {
  statement: Statement;
  probe: string;
  /** true when the grant surely applies; unknown when it depends on request values the caller may control. */
  certainty: Tri;
}

/**
 * Which Allow statements can grant something to the probed principal, for some action and resource, without a
 * Deny that surely removes it? Used for "can a principal outside the organisation use this endpoint?".
 */
export function grantsTo(
  policy: PolicyDocument,
  probeName: string,
  principal: PrincipalProbe,
  ctx: RequestContext,
): Grant[] {
  const out: Grant[] = [];
  for (const allow of policy.statements.filter((s) => s.effect === 'Allow')) {
    if (!principalMatches(allow, principal)) continue;
    const cond = evaluateConditionBlock(allow.condition, ctx);
    if (cond === false) continue;
    const neutralised = policy.statements.some(
      (d) =>
        d.effect === 'Deny' &&
        principalMatches(d, principal) &&
        evaluateConditionBlock(d.condition, ctx) === true &&
        denyCovers(d, allow),
    );
    if (!neutralised) out.push({ statement: allow, probe: probeName, certainty: cond });
  }
  return out;
}
