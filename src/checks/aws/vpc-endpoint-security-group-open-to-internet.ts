import { internetOpenIngress } from '../../analysis/aws-network.js';
import { defineAwsCheck, type CheckResult } from '../types.js';
import { auditedEndpoints, endpointResource } from './support.js';
import { endpointGroups } from './sg-support.js';
import { ENDPOINT_SECURITY_GROUP } from './snippets.js';

export default defineAwsCheck({
  id: 'aws-vpc-endpoint-security-group-open-to-internet',
  title: 'AI endpoint security group admits 0.0.0.0/0 or ::/0',
  severity: 'high',
  service: 'vpc',
  resourceType: 'AWS::EC2::VPCEndpoint',
  rationale:
    'An endpoint group open to every address admits any source that can route to the VPC: peered VPCs, on-premises networks over VPN or Direct Connect, and every subnet of every zone. Zone segmentation around the AI service is gone.',
  remediation: {
    text: "Replace the 0.0.0.0/0 (::/0) rule with TCP 443 from the calling zone's subnet CIDRs or its security group.",
    snippet: ENDPOINT_SECURITY_GROUP,
  },
  references: [
    'https://docs.aws.amazon.com/vpc/latest/privatelink/interface-endpoints.html#add-remove-security-groups',
  ],
  seeds: ['001: Security group allows 0.0.0.0/0'],
  requires: ['ec2:vpc-endpoints', 'ec2:security-groups'],
  run(ctx) {
    return auditedEndpoints(ctx, { interfaceOnly: true }).flatMap((e): CheckResult[] => {
      const { groups, missing } = endpointGroups(ctx, e);
      const open = internetOpenIngress(groups);
      if (open.length > 0) {
        const first = ctx.zones.securityGroup(open[0]!.groupId)!;
        const origin = first.origin.kind === 'file' ? { ...first.origin, pointer: open[0]!.pointer } : first.origin;
        return [
          {
            status: 'fail' as const,
            resource: endpointResource(ctx, e),
            origin,
            message: `${e.service} endpoint ${e.id} admits ${[...new Set(open.map((o) => o.cidr))].join(' and ')} through ${[...new Set(open.map((o) => o.groupId))].join(', ')}`,
            evidence: { openRules: open.map(({ groupId, cidr }) => ({ groupId, cidr })) },
          },
        ];
      }
      if (e.groupIds.length === 0) return [];
      if (missing.length > 0)
        return [
          {
            status: 'not-assessed' as const,
            resource: endpointResource(ctx, e),
            origin: e.origin,
            message: `security group(s) ${missing.join(', ')} of endpoint ${e.id} are not in the snapshot`,
            evidence: { missing },
          },
        ];
      return [
        {
          status: 'pass' as const,
          resource: endpointResource(ctx, e),
          origin: e.origin,
          message: `no rule of ${groups.map((g) => g.id).join(', ')} admits the whole internet`,
          evidence: { groups: groups.map((g) => g.id) },
        },
      ];
    });
  },
});
