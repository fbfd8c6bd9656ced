import { context } from '../../iam/conditions.js';
import { evaluate } from '../../iam/evaluate.js';
import { defineAwsCheck, type CheckResult } from '../types.js';
import { endpointPolicy } from './policy-support.js';
import { endpointResource } from './support.js';

const ACTIONS = ['s3:PutObject', 's3:GetObject'];

export default defineAwsCheck({
  id: 'aws-s3-endpoint-policy-allows-foreign-buckets',
  title: 'S3 endpoint policy of an AI VPC lets workloads reach buckets outside your organization',
  severity: 'high',
  service: 's3',
  resourceType: 'AWS::EC2::VPCEndpoint',
  rationale:
    "An S3 endpoint carries all S3 traffic of the VPC, to any bucket in the region. Unless its policy limits the resources (aws:ResourceOrgID, aws:ResourceAccount, s3:ResourceAccount, or named bucket ARNs), a compromised workload can copy training data or model weights to an attacker's bucket through your private path: the data-perimeter resource boundary. cordon asks whether PutObject or GetObject on a bucket in a foreign organization would be allowed.",
  remediation: {
    text: "Limit the endpoint policy to your organization's buckets (plus any AWS-owned buckets your services need, such as Amazon Linux repositories).",
    snippet: {
      language: 'json',
      code: JSON.stringify(
        {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'OrgBucketsOnly',
              Effect: 'Allow',
              Principal: '*',
              Action: 's3:*',
              Resource: '*',
              Condition: {
                StringEquals: { 'aws:ResourceOrgID': 'o-exampleorgid', 'aws:PrincipalOrgID': 'o-exampleorgid' },
              },
            },
          ],
        },
        null,
        2,
      ),
    },
  },
  references: [
    'https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html#edit-vpc-endpoint-policy-s3',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid',
  ],
  seeds: ['003: restrict data access to your S3 data through the VPC endpoint', '000: Data exfiltration prevention'],
  requires: ['ec2:vpc-endpoints', 'ec2:subnets'],
  run(ctx) {
    const ai = ctx.zones.aiVpcs(ctx.scope);
    const ours = ctx.settings.organization_id ?? ctx.inventory.organization?.id;
    return ctx.inventory.vpcEndpoints
      .filter((e) => /^s3(-fips)?$/.test(e.service) && ai.has(e.vpcId))
      .sort((a, b) => a.id.localeCompare(b.id))
      .flatMap((e): CheckResult[] => {
        const p = endpointPolicy(e);
        if (p.kind !== 'parsed' || p.fullAccess) return []; // reported by aws-vpc-endpoint-policy-missing
        const ctxValues = {
          'aws:ResourceOrgID': 'o-cordonprobe00',
          'aws:ResourceAccount': '999999999999',
          's3:ResourceAccount': '999999999999',
          'aws:PrincipalAccount': ctx.scope.account,
          ...(ours ? { 'aws:PrincipalOrgID': ours } : {}),
        };
        const allowed = ACTIONS.filter(
          (action) =>
            evaluate(p.doc, {
              principal: { account: ctx.scope.account },
              action,
              resource: 'arn:aws:s3:::cordon-probe-foreign-bucket/probe.bin',
              context: context(ctxValues, ['aws:resourceorgpaths']),
            }).allowed !== false,
        );
        const resource = endpointResource(ctx, e);
        return allowed.length > 0
          ? [
              {
                status: 'fail',
                resource,
                origin: e.origin,
                message: `S3 endpoint ${e.id} allows ${allowed.join(' and ')} on buckets outside your organization: an exfiltration path through the private network`,
                evidence: { allowedOnForeignBucket: allowed },
              },
            ]
          : [
              {
                status: 'pass',
                resource,
                origin: e.origin,
                message: `S3 endpoint ${e.id} policy confines S3 access to your organization's resources`,
                evidence: { allowedOnForeignBucket: [] },
              },
            ];
      });
  },
});
