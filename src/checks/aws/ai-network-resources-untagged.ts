import type { Tags } from '../../inventory/aws.js';
import { defineAwsCheck, type CheckResult } from '../types.js';
import { REQUIRED_TAGS } from './snippets.js';

export default defineAwsCheck({
  id: 'aws-ai-network-resources-untagged',
  title: 'AI/ML training network resources lack the mandatory ownership tags',
  severity: 'low',
  service: 'ec2',
  resourceType: 'AWS::EC2::Subnet',
  rationale:
    'Seed 003 ("tagging and ownership"): the VPCs, subnets and security groups used for training must say who owns them, how sensitive their data is and which cost centre pays, so that an exposed path can be traced to an owner. The tag keys are aws.required_tags in cordon.yaml (default Owner, DataSensitivity, CostCenter).',
  remediation: {
    text: 'Tag the training VPC, subnets and security groups with the required keys (an AWS Organizations tag policy can enforce the values).',
    snippet: REQUIRED_TAGS,
  },
  references: ['https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_tag-policies.html'],
  seeds: ['003: Tagging and Ownership (mandatory tagging policy for AI/ML network resources)'],
  requires: ['ec2:vpcs', 'ec2:subnets', 'ec2:security-groups', 'bedrock:customization-jobs'],
  run(ctx) {
    const required = ctx.settings.required_tags;
    const subnetIds = new Set<string>();
    const groupIds = new Set<string>();
    for (const j of ctx.inventory.customizationJobs) {
      j.vpcConfig?.subnetIds.forEach((s) => subnetIds.add(s));
      j.vpcConfig?.securityGroupIds.forEach((g) => groupIds.add(g));
    }
    for (const r of ctx.inventory.sagemakerResources) {
      if (r.kind === 'training-job' || r.kind === 'processing-job') {
        r.subnetIds.forEach((s) => subnetIds.add(s));
        r.securityGroupIds.forEach((g) => groupIds.add(g));
      }
    }
    const vpcIds = new Set(
      [...subnetIds].map((s) => ctx.zones.subnet(s)?.vpcId).filter((v): v is string => v !== undefined),
    );
    const out: CheckResult[] = [];
    const judge = (type: string, id: string, tags: Tags | undefined, origin: CheckResult['origin']) => {
      if (!tags) {
        out.push({
          status: 'not-assessed',
          resource: { id, type },
          message: `${id} is used for training but is not in the snapshot`,
        });
        return;
      }
      const missing = required.filter((k) => !tags[k]);
      out.push(
        missing.length > 0
          ? {
              status: 'fail',
              resource: { id, type },
              ...(origin ? { origin } : {}),
              message: `${id}, used for AI training, lacks tag(s) ${missing.join(', ')}`,
              evidence: { missing, required },
            }
          : {
              status: 'pass',
              resource: { id, type },
              ...(origin ? { origin } : {}),
              message: `${id} carries ${required.join(', ')}`,
              evidence: { required },
            },
      );
    };
    for (const id of [...vpcIds].sort()) judge('AWS::EC2::VPC', id, ctx.zones.vpc(id)?.tags, ctx.zones.vpc(id)?.origin);
    for (const id of [...subnetIds].sort())
      judge('AWS::EC2::Subnet', id, ctx.zones.subnet(id)?.tags, ctx.zones.subnet(id)?.origin);
    for (const id of [...groupIds].sort())
      judge('AWS::EC2::SecurityGroup', id, ctx.zones.securityGroup(id)?.tags, ctx.zones.securityGroup(id)?.origin);
    return out;
  },
});
