import { admittedSubnets } from '../../analysis/aws-network.js';
import { defineAwsCheck, type CheckResult } from '../types.js';
import { auditedEndpoints, endpointResource, hasDataset } from './support.js';
import { endpointGroups } from './sg-support.js';
import { ENDPOINT_SECURITY_GROUP } from './snippets.js';

export default defineAwsCheck({
  id: 'aws-vpc-endpoint-security-group-blocks-callers',
  title: "AI endpoint security group does not admit TCP 443 from the calling zone's subnets",
  severity: 'medium',
  service: 'vpc',
  resourceType: 'AWS::EC2::VPCEndpoint',
  rationale:
    'Seed 004 pitfall 2: without TCP 443 inbound from the callers, requests to the endpoint time out, which looks like a DNS problem; teams then turn private DNS off or add a NAT route, and traffic goes public.',
  remediation: {
    text: "Add an ingress rule for TCP 443 from each calling subnet CIDR (or from the callers' security group).",
    snippet: ENDPOINT_SECURITY_GROUP,
  },
  references: [
    'https://docs.aws.amazon.com/vpc/latest/privatelink/interface-endpoints.html#add-remove-security-groups',
  ],
  seeds: ['004: pitfall 2 (no inbound 443 shows up as a timeout that looks like DNS)'],
  requires: ['ec2:vpc-endpoints', 'ec2:security-groups', 'ec2:subnets'],
  run(ctx) {
    const enis = ctx.inventory.networkInterfaces;
    return auditedEndpoints(ctx, { interfaceOnly: true }).flatMap((e): CheckResult[] => {
      const { groups, missing } = endpointGroups(ctx, e);
      if (missing.length > 0) return [];
      const callers = ctx.zones.callingSubnetsOfVpc(e.vpcId);
      if (callers.length === 0) {
        return [
          {
            status: 'not-assessed' as const,
            resource: endpointResource(ctx, e),
            origin: e.origin,
            message: `no subnet of ${e.vpcId} is in a zone the policy allows to call AI services (${[...ctx.zones.callingZones].join(', ') || 'none'}); tag subnets or add zone selectors`,
            evidence: { callingZones: [...ctx.zones.callingZones].sort() },
          },
        ];
      }
      const { admitted, unresolved } = admittedSubnets(
        groups,
        callers,
        ctx.zones,
        443,
        hasDataset(ctx, 'ec2:network-interfaces'),
        enis,
      );
      // A subnet reached through a group reference counts when its callers carry that group; a CIDR must cover it whole.
      const blocked = callers
        .filter((s) => !(admitted.get(s.id) ?? []).some((a) => a.whole || a.via.includes('members of')))
        .map((s) => s.id)
        .sort();
      const evidence = {
        callingSubnets: callers.map((s) => s.id).sort(),
        blocked,
        unresolvedGroupReferences: unresolved,
      };
      if (blocked.length > 0 && unresolved.length > 0) {
        return [
          {
            status: 'not-assessed' as const,
            resource: endpointResource(ctx, e),
            origin: e.origin,
            message: `cannot tell whether ${blocked.join(', ')} can reach ${e.id}: rules reference ${unresolved.join(', ')}, whose members are unknown (add describe-network-interfaces)`,
            evidence,
          },
        ];
      }
      if (blocked.length > 0) {
        return [
          {
            status: 'fail' as const,
            resource: endpointResource(ctx, e),
            origin: e.origin,
            message: `${e.service} endpoint ${e.id} does not admit TCP 443 from calling subnet(s) ${blocked.join(', ')}: their calls will time out`,
            evidence,
          },
        ];
      }
      return [
        {
          status: 'pass' as const,
          resource: endpointResource(ctx, e),
          origin: e.origin,
          message: `${e.service} endpoint ${e.id} admits TCP 443 from every calling subnet`,
          evidence,
        },
      ];
    });
  },
});
