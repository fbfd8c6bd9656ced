import type { AwsCustomizationJob } from '../../inventory/aws.js';
import type { AwsCheckContext, CheckResult } from '../types.js';

export function jobResource(j: AwsCustomizationJob): CheckResult['resource'] {
  return { id: j.name || j.arn, arn: j.arn, type: 'AWS::Bedrock::ModelCustomizationJob' };
}

/** Jobs with a VPC configuration whose subnets cordon can see; the rest come back as not-assessed results. */
export function jobsInVpc(ctx: AwsCheckContext): {
  jobs: { job: AwsCustomizationJob; vpcId: string }[];
  unknown: CheckResult[];
} {
  const jobs: { job: AwsCustomizationJob; vpcId: string }[] = [];
  const unknown: CheckResult[] = [];
  for (const j of ctx.inventory.customizationJobs.sort((a, b) => a.arn.localeCompare(b.arn))) {
    if (!j.detail || !j.vpcConfig || j.vpcConfig.subnetIds.length === 0) continue;
    const subnets = j.vpcConfig.subnetIds.map((id) => ctx.zones.subnet(id));
    const vpcId = subnets.find((s) => s !== undefined)?.vpcId;
    if (!vpcId || subnets.some((s) => s === undefined)) {
      unknown.push({
        status: 'not-assessed',
        resource: jobResource(j),
        origin: j.origin,
        message: `subnet(s) ${j.vpcConfig.subnetIds.filter((_, i) => !subnets[i]).join(', ')} of job ${j.name} are not in the snapshot`,
      });
      continue;
    }
    jobs.push({ job: j, vpcId });
  }
  return { jobs, unknown };
}
