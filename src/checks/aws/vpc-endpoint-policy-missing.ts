import { defineAwsCheck, type CheckResult } from '../types.js';
import { endpointPolicy } from './policy-support.js';
import { auditedEndpoints, endpointResource } from './support.js';

export default defineAwsCheck({
  id: 'aws-vpc-endpoint-policy-missing',
  title: 'AI endpoint has no endpoint policy (default full access)',
  severity: 'high',
  service: 'vpc',
  resourceType: 'AWS::EC2::VPCEndpoint',
  rationale:
    "Without a policy, an endpoint uses the default one: any principal, any action, any resource. Credentials from any account, including an attacker's, can then use your private path to the AI service, which is the classic exfiltration route past a network perimeter.",
  remediation: {
    text: 'Attach an endpoint policy that allows only the actions your workloads need, for principals of your organization (aws:PrincipalOrgID) or accounts.',
    snippet: {
      language: 'json',
      code: JSON.stringify(
        {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'OrgPrincipalsOnly',
              Effect: 'Allow',
              Principal: '*',
              Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
              Resource: ['arn:aws:bedrock:*::foundation-model/anthropic.claude-*'],
              Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorgid' } },
            },
          ],
        },
        null,
        2,
      ),
    },
  },
  references: [
    'https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sts_vpc_endpoint_policies.html',
  ],
  seeds: ['001: Overly permissive endpoint policy (no policy at all)'],
  requires: ['ec2:vpc-endpoints'],
  run(ctx) {
    return auditedEndpoints(ctx, { interfaceOnly: false }).map((e): CheckResult => {
      const p = endpointPolicy(e);
      const resource = endpointResource(ctx, e);
      if (p.kind === 'invalid')
        return {
          status: 'not-assessed',
          resource,
          origin: e.origin,
          message: `endpoint ${e.id} policy cannot be read: ${p.error}`,
        };
      if (p.kind === 'none')
        return {
          status: 'fail',
          resource,
          origin: e.origin,
          message: `${e.service} endpoint ${e.id} has no policy: the default allows every principal and action`,
          evidence: { policy: null },
        };
      if (p.fullAccess)
        return {
          status: 'fail',
          resource,
          origin: e.origin,
          message: `${e.service} endpoint ${e.id} has the default full-access policy (Allow * on * for *)`,
          evidence: { policy: e.policy },
        };
      return {
        status: 'pass',
        resource,
        origin: e.origin,
        message: `${e.service} endpoint ${e.id} has a custom policy`,
        evidence: { statements: p.doc.statements.length },
      };
    });
  },
});
