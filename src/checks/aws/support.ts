/** Helpers shared by the AWS checks. */
import { AI_SERVICES } from '../../analysis/aws-zones.js';
import { SUPPORTING_SERVICES } from '../../analysis/aws-network.js';
import { scopeKey, type AwsDataset, type AwsVpcEndpoint } from '../../inventory/aws.js';
import type { AwsCheckContext } from '../types.js';

/**
 * Endpoints cordon audits: those of AI services anywhere, and those of supporting services (S3, STS, logs, secrets,
 * KMS, SSM, ECR) in VPCs that host AI workloads.
 */
export function auditedEndpoints(ctx: AwsCheckContext, opts: { interfaceOnly: boolean }): AwsVpcEndpoint[] {
  const ai = ctx.zones.aiVpcs(ctx.scope);
  return ctx.inventory.vpcEndpoints
    .filter((e) => !opts.interfaceOnly || e.type === 'Interface')
    .filter((e) => AI_SERVICES.test(e.service) || (SUPPORTING_SERVICES.test(e.service) && ai.has(e.vpcId)))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Whether a regional data set was captured, complete (no item skipped), for the check's scope. */
export function hasDataset(ctx: AwsCheckContext, dataset: AwsDataset): boolean {
  const key = scopeKey(ctx.scope);
  if (ctx.inventory.partial.get(key)?.has(dataset)) return false;
  return ctx.inventory.datasets.get(key)?.has(dataset) ?? false;
}

export function endpointArn(ctx: AwsCheckContext, e: AwsVpcEndpoint): string {
  return `arn:aws:ec2:${ctx.scope.region}:${ctx.scope.account}:vpc-endpoint/${e.id}`;
}

export function endpointResource(ctx: AwsCheckContext, e: AwsVpcEndpoint) {
  return { id: e.id, arn: endpointArn(ctx, e), type: 'AWS::EC2::VPCEndpoint' };
}

/** Terraform for interface endpoints that close a gap, filled in with the VPC's own ids. */
export function interfaceEndpointTerraform(
  region: string,
  vpcId: string,
  services: string[],
  subnetIds: string[],
): string {
  const subnets =
    subnetIds.length > 0 ? subnetIds.map((s) => `"${s}"`).join(', ') : '/* subnets of the calling zone, one per AZ */';
  return services
    .map(
      (svc) => `resource "aws_vpc_endpoint" "${svc.replace(/[^a-z0-9]/g, '_')}" {
  vpc_id              = "${vpcId}"
  service_name        = "com.amazonaws.${region}.${svc}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [${subnets}]
  security_group_ids  = [aws_security_group.ai_endpoints.id] # TCP 443 from the calling zone's subnets only
  policy              = data.aws_iam_policy_document.ai_endpoint.json # restrict to your organization
}`,
    )
    .join('\n\n');
}
