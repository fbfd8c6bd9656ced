import { defineAwsCheck } from '../types.js';
import { auditedEndpoints, endpointResource } from './support.js';
import { endpointGroups } from './sg-support.js';
import { ENDPOINT_SECURITY_GROUP } from './snippets.js';

export default defineAwsCheck({
  id: 'aws-vpc-endpoint-security-group-missing',
  title: 'AI interface endpoint has no security group, or one cordon cannot see',
  severity: 'medium',
  service: 'vpc',
  resourceType: 'AWS::EC2::VPCEndpoint',
  rationale:
    'The security groups on an interface endpoint decide which sources may reach it. An endpoint with none listed falls back to the VPC default group, whose rules nobody reviewed for this purpose; a group missing from the data cannot be audited.',
  remediation: {
    text: "Attach a dedicated security group that admits TCP 443 from the calling zone's subnets only.",
    snippet: ENDPOINT_SECURITY_GROUP,
  },
  references: [
    'https://docs.aws.amazon.com/vpc/latest/privatelink/interface-endpoints.html#add-remove-security-groups',
  ],
  seeds: ['001: security_groups_attached validation'],
  requires: ['ec2:vpc-endpoints', 'ec2:security-groups'],
  run(ctx) {
    return auditedEndpoints(ctx, { interfaceOnly: true }).map((e) => {
      const { groups, missing } = endpointGroups(ctx, e);
      if (e.groupIds.length === 0) {
        return {
          status: 'fail' as const,
          resource: endpointResource(ctx, e),
          origin: e.origin,
          message: `${e.service} endpoint ${e.id} has no security group attached`,
          evidence: { groups: [] },
        };
      }
      if (missing.length > 0) {
        return {
          status: 'not-assessed' as const,
          resource: endpointResource(ctx, e),
          origin: e.origin,
          message: `security group(s) ${missing.join(', ')} of endpoint ${e.id} are not in the snapshot`,
          evidence: { missing },
        };
      }
      return {
        status: 'pass' as const,
        resource: endpointResource(ctx, e),
        origin: e.origin,
        message: `${e.service} endpoint ${e.id} has security group(s) ${groups.map((g) => g.id).join(', ')}`,
        evidence: { groups: groups.map((g) => g.id) },
      };
    });
  },
});
