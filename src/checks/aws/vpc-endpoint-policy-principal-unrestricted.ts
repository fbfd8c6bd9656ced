import { grantsTo } from '../../iam/evaluate.js';
import { statementLabel } from '../../iam/policy.js';
import { defineAwsCheck, type CheckResult } from '../types.js';
import { endpointPolicy, orgIdsInPolicy, outsiderProbes } from './policy-support.js';
import { auditedEndpoints, endpointResource } from './support.js';

export default defineAwsCheck({
  id: 'aws-vpc-endpoint-policy-principal-unrestricted',
  title: 'AI endpoint policy lets principals outside your organization or accounts use the endpoint',
  severity: 'high',
  service: 'vpc',
  resourceType: 'AWS::EC2::VPCEndpoint',
  rationale:
    'An endpoint policy is a boundary: `Principal: *` is fine only with a condition that pins callers to your organization (aws:PrincipalOrgID, aws:PrincipalOrgPaths), accounts (aws:PrincipalAccount) or principals (aws:PrincipalArn), or with a Deny that removes outsiders. cordon evaluates the conditions as IAM does (negated operators, missing keys, IfExists, ForAnyValue/ForAllValues) against probe principals outside your organization, so a policy scoped by aws:PrincipalOrgID passes (Prowler reports it failing) and a StringEqualsIfExists or StringNotEquals that lets outsiders in fails.',
  remediation: {
    text: 'Add a condition on aws:PrincipalOrgID (or aws:PrincipalAccount) with positive operators (StringEquals), not IfExists or negated ones, to every Allow statement with Principal "*".',
    snippet: { language: 'json', code: '"Condition": { "StringEquals": { "aws:PrincipalOrgID": "o-exampleorgid" } }' },
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html',
    'https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html',
  ],
  seeds: [
    '001: Overly permissive endpoint policy (any identity in VPC can access the service)',
    '001: Endpoint policy should restrict to organization principals',
  ],
  requires: ['ec2:vpc-endpoints'],
  run(ctx) {
    const ours = ctx.settings.organization_id ?? ctx.inventory.organization?.id;
    const trusted = [...ctx.settings.trusted_accounts, ctx.scope.account];
    return auditedEndpoints(ctx, { interfaceOnly: false }).flatMap((e): CheckResult[] => {
      const p = endpointPolicy(e);
      if (p.kind !== 'parsed' || p.fullAccess) return []; // reported by aws-vpc-endpoint-policy-missing
      const resource = endpointResource(ctx, e);
      const foreignOrgs = orgIdsInPolicy(p.doc).filter((o) => ours !== undefined && o !== ours);
      const leaks = outsiderProbes(trusted, foreignOrgs, p.doc, ours).flatMap((probe) =>
        grantsTo(p.doc, probe.name, probe.principal, probe.ctx),
      );
      // Explicit principal lists: accounts outside the trusted set, when the user told cordon which are trusted.
      const untrusted =
        ctx.settings.trusted_accounts.length === 0
          ? []
          : p.doc.statements
              .filter((s) => s.effect === 'Allow' && typeof s.principal === 'object')
              .flatMap((s) =>
                (typeof s.principal === 'object' ? (s.principal.AWS ?? []) : [])
                  .map((a) => /(\d{12})/.exec(a)?.[1])
                  .filter((a): a is string => a !== undefined && !trusted.includes(a)),
              );
      if (leaks.length > 0 || untrusted.length > 0) {
        const first = leaks[0];
        return [
          {
            status: 'fail',
            resource,
            origin: e.origin,
            message: first
              ? `${e.service} endpoint ${e.id}: ${statementLabel(first.statement)} grants access to a ${first.probe}${first.certainty === 'unknown' ? ' (its remaining conditions test only values the caller controls)' : ''}`
              : `${e.service} endpoint ${e.id} names untrusted account(s) ${[...new Set(untrusted)].join(', ')} as principals`,
            evidence: {
              grants: leaks.map((l) => ({
                statement: statementLabel(l.statement),
                probe: l.probe,
                certain: l.certainty === true,
              })),
              untrustedAccounts: [...new Set(untrusted)],
              ourOrganization: ours ?? null,
            },
          },
        ];
      }
      return [
        {
          status: 'pass',
          resource,
          origin: e.origin,
          message: `${e.service} endpoint ${e.id}: no statement grants access to principals outside ${ours ?? 'the organization'} or the trusted accounts`,
          evidence: { probes: outsiderProbes(trusted, foreignOrgs, p.doc, ours).map((x) => x.name) },
        },
      ];
    });
  },
});
