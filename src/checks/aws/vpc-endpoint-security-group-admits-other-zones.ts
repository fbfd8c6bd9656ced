import { admittedSubnets } from '../../analysis/aws-network.js';
import { defineAwsCheck, type CheckResult } from '../types.js';
import { auditedEndpoints, endpointResource, hasDataset } from './support.js';
import { endpointGroups } from './sg-support.js';
import { ENDPOINT_SECURITY_GROUP } from './snippets.js';

export default defineAwsCheck({
  id: 'aws-vpc-endpoint-security-group-admits-other-zones',
  title: 'AI endpoint security group admits subnets outside the calling zone (e.g. the whole VPC CIDR)',
  severity: 'medium',
  service: 'vpc',
  resourceType: 'AWS::EC2::VPCEndpoint',
  rationale:
    'Seed 000: a group that allows the whole VPC CIDR (10.0.0.0/16) to the endpoint defeats zone segmentation: the application, data and sandbox zones can call the AI service directly, bypassing the inference proxy (NET-010). Only subnets of zones the policy allows to reach external_ai should get in.',
  remediation: {
    text: 'Narrow the ingress rules to TCP 443 from the subnets (or security group) of the zones the policy allows to call AI services.',
    snippet: ENDPOINT_SECURITY_GROUP,
  },
  references: [
    'https://docs.aws.amazon.com/vpc/latest/privatelink/interface-endpoints.html#add-remove-security-groups',
  ],
  seeds: [
    '000: Over-broad security groups',
    '000: Application should never directly access cloud AI endpoints (NET-010)',
  ],
  requires: ['ec2:vpc-endpoints', 'ec2:security-groups', 'ec2:subnets'],
  run(ctx) {
    const enis = ctx.inventory.networkInterfaces;
    return auditedEndpoints(ctx, { interfaceOnly: true }).flatMap((e): CheckResult[] => {
      const { groups, missing } = endpointGroups(ctx, e);
      if (e.groupIds.length === 0 || missing.length > 0) return [];
      const subnets = ctx.zones.subnetsOfVpc(e.vpcId);
      const { admitted, unresolved } = admittedSubnets(
        groups,
        subnets,
        ctx.zones,
        443,
        hasDataset(ctx, 'ec2:network-interfaces'),
        enis,
      );
      const outsiders = [...admitted.keys()]
        .sort()
        .map((id) => ({
          subnet: id,
          zone: ctx.zones.zoneOfSubnet(id)?.zone ?? null,
          via: admitted.get(id)!.map((a) => a.via),
        }))
        .filter((x) => x.zone === null || !ctx.zones.callingZones.has(x.zone))
        // 0.0.0.0/0 is reported by aws-vpc-endpoint-security-group-open-to-internet.
        .filter((x) => !x.via.every((v) => / allows (0\.0\.0\.0|::)\/0$/.test(v)));
      const evidence = {
        callingZones: [...ctx.zones.callingZones].sort(),
        admittedOutsideCallingZones: outsiders,
        unresolvedGroupReferences: unresolved,
      };
      if (outsiders.length > 0) {
        const names = outsiders.map((o) => `${o.subnet} (${o.zone ?? 'no zone'})`).join(', ');
        return [
          {
            status: 'fail' as const,
            resource: endpointResource(ctx, e),
            origin: e.origin,
            message: `${e.service} endpoint ${e.id} admits TCP 443 from subnets outside the calling zone(s) ${[...ctx.zones.callingZones].join(', ') || '(none)'}: ${names}`,
            evidence,
          },
        ];
      }
      if (unresolved.length > 0) {
        return [
          {
            status: 'not-assessed' as const,
            resource: endpointResource(ctx, e),
            origin: e.origin,
            // Infrastructure as code declares members by their resources; a snapshot lists them in the interfaces.
            message: `rules reference security group(s) ${unresolved.join(', ')} whose members cordon cannot place (${ctx.inventory.iac ? `no resource the ${ctx.inventory.iac} code declares, of a type cordon maps, is in them` : 'add describe-network-interfaces'})`,
            evidence,
          },
        ];
      }
      return [
        {
          status: 'pass' as const,
          resource: endpointResource(ctx, e),
          origin: e.origin,
          message: `${e.service} endpoint ${e.id} admits only subnets of the calling zone(s)`,
          evidence,
        },
      ];
    });
  },
});
