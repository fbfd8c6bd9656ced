/** Endpoint-policy helpers: parse once, and the principal probes that ask "who outside can use this endpoint?". */
import { context, type RequestContext } from '../../iam/conditions.js';
import type { PrincipalProbe } from '../../iam/evaluate.js';
import { parsePolicyDocument, PolicyShapeError, type PolicyDocument, type Statement } from '../../iam/policy.js';
import { globMatch } from '../../util/glob.js';
import type { AwsVpcEndpoint } from '../../inventory/aws.js';

export type ParsedEndpointPolicy =
  { kind: 'none' } | { kind: 'invalid'; error: string } | { kind: 'parsed'; doc: PolicyDocument; fullAccess: boolean };

export function endpointPolicy(e: AwsVpcEndpoint): ParsedEndpointPolicy {
  if (e.policyError) return { kind: 'invalid', error: e.policyError };
  if (e.policy === undefined) return { kind: 'none' };
  try {
    const doc = parsePolicyDocument(e.policy);
    return { kind: 'parsed', doc, fullAccess: isFullAccess(doc) };
  } catch (err) {
    return { kind: 'invalid', error: err instanceof PolicyShapeError ? err.message : String(err) };
  }
}

/** The default endpoint policy (or an equivalent): Allow * to * on * with no condition and no deny. */
function isFullAccess(doc: PolicyDocument): boolean {
  const everything = (v: string[] | undefined) => v?.includes('*') ?? false;
  return (
    doc.statements.some(
      (s) =>
        s.effect === 'Allow' &&
        (s.principal === '*' || (typeof s.principal === 'object' && everything(s.principal.AWS))) &&
        everything(s.action) &&
        everything(s.resource) &&
        Object.keys(s.condition).length === 0,
    ) && !doc.statements.some((s) => s.effect === 'Deny')
  );
}

export interface Probe {
  name: string;
  principal: PrincipalProbe;
  ctx: RequestContext;
}

const IDENTITY_KEYS = [
  'aws:principalorgid',
  'aws:principalorgpaths',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:principaltype',
  'aws:principalisawsservice',
  'aws:userid',
  'aws:username',
  'aws:principaltag/*',
  'aws:principalservicename',
  'aws:principalservicenameslist',
];

/** Every string a policy document holds: probe values must match none of them by accident. */
function policyStrings(doc: PolicyDocument): string[] {
  const out = new Set<string>();
  const add = (v: string[] | undefined) => v?.forEach((x) => out.add(x));
  const addPrincipal = (p: Statement['principal']) => {
    if (p && p !== '*') Object.values(p).forEach(add);
  };
  for (const s of doc.statements) {
    addPrincipal(s.principal);
    addPrincipal(s.notPrincipal);
    add(s.resource);
    add(s.notResource);
    for (const keys of Object.values(s.condition)) Object.values(keys).forEach(add);
  }
  return [...out];
}

/**
 * Whether a policy string singles the value out: equal to it, containing it (an ARN naming the account), or a
 * wildcard pattern with some literal text that matches it ("9999*"). Patterns that are nearly all wildcard ("*",
 * "1*") match any candidate; the probes that instantiate such patterns deal with them.
 */
function touches(policyValue: string, value: string): boolean {
  const v = policyValue.toLowerCase();
  const c = value.toLowerCase();
  if (v.includes(c)) return true;
  return /[*?]/.test(v) && v.replace(/[*?]/g, '').length >= 3 && globMatch(v, c);
}

/** The first candidate no policy string touches. The sequence is fixed, so reports stay deterministic. */
function fresh(candidates: (i: number) => string, avoid: string[]): string {
  for (let i = 0; i < 1000; i++) {
    const c = candidates(i);
    if (!avoid.some((v) => touches(v, c))) return c;
  }
  return candidates(0);
}

// Twelve-digit account ids spread over the whole range (a multiplicative sequence), so no prefix or suffix pattern
// a policy author writes ("9999*", "*0000") catches every candidate.
const accountCandidate = (i: number) =>
  i === 0 ? '999999999999' : String((i * 618_033_988_749 + 271_828_182_845) % 1e12).padStart(12, '7');

/**
 * Values that a wildcard condition on an identity key admits: a policy that allows `aws:PrincipalAccount` "1*" admits
 * outsiders whose account starts with 1, whatever the trusted list says. Each pattern is instantiated with probe text.
 */
function patternInstances(doc: PolicyDocument, key: string, fill: (pattern: string) => string): string[] {
  const out = new Set<string>();
  for (const s of doc.statements)
    for (const [op, keys] of Object.entries(s.condition)) {
      if (!/like/i.test(op) || /not/i.test(op)) continue;
      for (const [k, values] of Object.entries(keys))
        if (k.toLowerCase() === key) values.filter((v) => /[*?]/.test(v)).forEach((v) => out.add(fill(v)));
    }
  return [...out].sort();
}

function fillAccount(pattern: string): string {
  const fixed = pattern.replace(/\*/g, '').length;
  const digits = Math.max(0, 12 - fixed);
  return pattern.replace(/\?/g, '7').replace(/\*/, '7'.repeat(digits)).replace(/\*/g, '');
}

/** An ARN pattern instantiated: a wildcard account field becomes the probe account, other wildcards probe text. */
function fillArn(pattern: string, account: string): string {
  const parts = pattern.split(':');
  if (parts.length < 6) return pattern;
  const acct = parts[4]!;
  if (/[*?]/.test(acct)) parts[4] = acct === '*' ? account : fillAccount(acct);
  return parts.map((x, i) => (i === 4 ? x : x.replace(/\*/g, 'cordonprobe').replace(/\?/g, 'x'))).join(':');
}

/**
 * Callers that must not be able to use an endpoint: a principal in a foreign organisation, one in no organisation,
 * per foreign organisation id the policy names a principal of that organisation, and principals that the policy's own
 * wildcard conditions on the account or organisation admit. Probe identities are chosen per policy so that no
 * literal in it matches them by accident (a fixed probe account would make "every account except 999999999999"
 * look restrictive). Identity keys are fully known for a probe; every other key stays unknown (the caller may
 * control it).
 */
export function outsiderProbes(
  trustedAccounts: string[],
  foreignOrgIds: string[],
  doc: PolicyDocument,
  ourOrg?: string,
): Probe[] {
  const avoid = [...policyStrings(doc), ...trustedAccounts];
  const account = fresh(accountCandidate, avoid);
  const role = fresh((i) => (i === 0 ? 'cordon-outside-probe' : `cordon-outside-probe-${i}`), avoid);
  const org = fresh((i) => `o-cordonprobe${String(i).padStart(2, '0')}`, [...avoid, ...(ourOrg ? [ourOrg] : [])]);
  const principal = (acct: string, orgId?: string, arn = `arn:aws:iam::${acct}:role/${role}`): Probe => {
    const who = arn.endsWith(`:role/${role}`) ? acct : arn;
    const base = {
      'aws:PrincipalAccount': acct,
      'aws:PrincipalArn': arn,
      'aws:PrincipalType': 'AssumedRole',
      'aws:PrincipalIsAWSService': 'false',
      'aws:userid': `AROAPROBE:${role}`,
    };
    return orgId === undefined
      ? {
          name: `principal ${who} in no organization`,
          principal: { account: acct, arn },
          ctx: context(base, IDENTITY_KEYS),
        }
      : {
          name: `principal ${who} of organization ${orgId}`,
          principal: { account: acct, arn },
          ctx: context(
            { ...base, 'aws:PrincipalOrgID': orgId, 'aws:PrincipalOrgPaths': `${orgId}/r-prb0/` },
            IDENTITY_KEYS,
          ),
        };
  };
  const patternAccounts = patternInstances(doc, 'aws:principalaccount', fillAccount).filter(
    (a) => /^\d{12}$/.test(a) && !trustedAccounts.includes(a),
  );
  const patternOrgs = patternInstances(doc, 'aws:principalorgid', (p) =>
    p.replace(/\*/g, 'cordonprobe').replace(/\?/g, 'x'),
  ).filter((o) => o !== ourOrg);
  // "arn:aws:iam::*:role/Admin" admits a role of that name in any account, and anyone can create one.
  const patternArns = patternInstances(doc, 'aws:principalarn', (p) => fillArn(p, account)).filter((a) => {
    const acct = a.split(':')[4];
    return acct !== undefined && /^\d{12}$/.test(acct) && !trustedAccounts.includes(acct);
  });
  return [
    principal(account, org),
    principal(account),
    ...foreignOrgIds.map((o) => principal(account, o)),
    ...patternAccounts.map((a) => principal(a, org)),
    ...patternOrgs.map((o) => principal(account, o)),
    ...patternArns.map((a) => principal(a.split(':')[4]!, org, a)),
  ];
}

/** Organisation ids an endpoint policy compares aws:PrincipalOrgID with. */
export function orgIdsInPolicy(doc: PolicyDocument): string[] {
  const ids = new Set<string>();
  for (const s of doc.statements) {
    for (const keys of Object.values(s.condition)) {
      for (const [k, values] of Object.entries(keys))
        if (k.toLowerCase() === 'aws:principalorgid') values.forEach((v) => ids.add(v));
    }
  }
  return [...ids].filter((v) => /^o-[a-z0-9]+$/.test(v)).sort();
}
