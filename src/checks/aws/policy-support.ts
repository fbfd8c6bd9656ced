/** Endpoint-policy helpers: parse once, and the principal probes that ask "who outside can use this endpoint?". */
import { context, type RequestContext } from '../../iam/conditions.js';
import type { PrincipalProbe } from '../../iam/evaluate.js';
import { parsePolicyDocument, PolicyShapeError, type PolicyDocument } from '../../iam/policy.js';
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

const PROBE_ACCOUNT = '999999999999';
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

/**
 * Callers that must not be able to use an endpoint: a principal in a foreign organisation, one in no organisation,
 * and, per foreign organisation id the policy names, a principal of that organisation. Identity keys are fully known
 * for a probe; every other key stays unknown (the caller may control it).
 */
export function outsiderProbes(trustedAccounts: string[], foreignOrgIds: string[]): Probe[] {
  const account = trustedAccounts.includes(PROBE_ACCOUNT) ? '999999999998' : PROBE_ACCOUNT;
  const arn = `arn:aws:iam::${account}:role/cordon-outside-probe`;
  const base = {
    'aws:PrincipalAccount': account,
    'aws:PrincipalArn': arn,
    'aws:PrincipalType': 'AssumedRole',
    'aws:PrincipalIsAWSService': 'false',
    'aws:userid': `AROAPROBE:cordon`,
  };
  const inOrg = (org: string): Probe => ({
    name: `principal ${account} of organization ${org}`,
    principal: { account, arn },
    ctx: context({ ...base, 'aws:PrincipalOrgID': org, 'aws:PrincipalOrgPaths': `${org}/r-prb0/` }, IDENTITY_KEYS),
  });
  return [
    inOrg('o-cordonprobe00'),
    { name: `principal ${account} in no organization`, principal: { account, arn }, ctx: context(base, IDENTITY_KEYS) },
    ...foreignOrgIds.map(inOrg),
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
