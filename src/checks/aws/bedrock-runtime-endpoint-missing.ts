import { endpointAvailable, endpointsFor } from '../../analysis/aws-network.js';
import { defineAwsCheck, type AwsCheckContext, type CheckResult } from '../types.js';
import { interfaceEndpointTerraform } from './support.js';
import { interfaceEndpoints } from './snippets.js';

/** Shared by the runtime and control-plane checks: one finding per VPC that uses Bedrock. */
export function bedrockEndpointResults(ctx: AwsCheckContext, service: string, what: string): CheckResult[] {
  const out: CheckResult[] = [];
  for (const [vpcId, reasons] of ctx.zones.bedrockVpcs(ctx.scope)) {
    const vpc = ctx.zones.vpc(vpcId);
    const found = endpointsFor(ctx.zones, vpcId, service).filter((e) => e.type === 'Interface');
    const resource = {
      id: vpcId,
      type: 'AWS::EC2::VPC',
      arn: `arn:aws:ec2:${ctx.scope.region}:${ctx.scope.account}:vpc/${vpcId}`,
    };
    const origin = vpc?.origin;
    const evidence = { whyThisVpc: reasons, endpoints: found.map((e) => ({ id: e.id, state: e.state ?? 'unknown' })) };
    if (found.length === 0) {
      const callers = ctx.zones.callingSubnetsOfVpc(vpcId).map((s) => s.id);
      out.push({
        status: 'fail',
        resource,
        ...(origin ? { origin } : {}),
        message: `VPC ${vpcId} uses Bedrock but has no com.amazonaws.${ctx.scope.region}.${service} interface endpoint: ${what} go over the public endpoint`,
        evidence,
        remediation: {
          text: `Create an interface endpoint for ${service} with private DNS in the calling zone's subnets.`,
          snippet: {
            language: 'terraform',
            code: interfaceEndpointTerraform(ctx.scope.region, vpcId, [service], callers),
          },
        },
      });
    } else {
      out.push({
        status: 'pass',
        resource,
        ...(origin ? { origin } : {}),
        message: `VPC ${vpcId} has a ${service} interface endpoint (${found.map((e) => e.id).join(', ')})${found.some(endpointAvailable) ? '' : ', not yet available'}`,
        evidence,
      });
    }
  }
  return out;
}

export default defineAwsCheck({
  id: 'aws-bedrock-runtime-endpoint-missing',
  title: 'VPC using Bedrock has no bedrock-runtime interface endpoint',
  severity: 'high',
  service: 'bedrock',
  resourceType: 'AWS::EC2::VPC',
  rationale:
    'Without a bedrock-runtime interface endpoint, InvokeModel and Converse calls leave the VPC through a NAT or internet gateway to the public Bedrock endpoint: prompts and responses cross the internet path and network controls cannot confine them.',
  remediation: {
    text: 'Create a com.amazonaws.<region>.bedrock-runtime interface endpoint with private DNS in the subnets of the zone that calls Bedrock.',
    snippet: interfaceEndpoints(['bedrock-runtime']),
  },
  references: ['https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-interface-endpoints.html'],
  seeds: ['000: Inference to cloud AI via VPC endpoint (NET-002)', '004: bedrock-runtime endpoint'],
  requires: ['ec2:vpcs', 'ec2:subnets', 'ec2:vpc-endpoints'],
  run: (ctx) => bedrockEndpointResults(ctx, 'bedrock-runtime', 'model invocations'),
});
