import { endpointsFor } from '../../analysis/aws-network.js';
import { defineAwsCheck, type CheckResult } from '../types.js';
import { hasDataset, interfaceEndpointTerraform } from './support.js';
import { interfaceEndpoints } from './snippets.js';

const AGENT_SERVICES = ['bedrock-agent', 'bedrock-agent-runtime'];

export default defineAwsCheck({
  id: 'aws-bedrock-agent-endpoints-missing',
  title: 'Bedrock Agents in use but bedrock-agent / bedrock-agent-runtime endpoints missing',
  severity: 'medium',
  service: 'bedrock',
  resourceType: 'AWS::EC2::VPC',
  rationale:
    'Agents and knowledge bases are called through bedrock-agent-runtime (InvokeAgent, Retrieve) and managed through bedrock-agent. Where agents are used, both need interface endpoints, or agent traffic leaves the VPC even when model calls do not.',
  remediation: {
    text: 'Create com.amazonaws.<region>.bedrock-agent and bedrock-agent-runtime interface endpoints with private DNS.',
    snippet: interfaceEndpoints(['bedrock-agent', 'bedrock-agent-runtime']),
  },
  references: ['https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-interface-endpoints.html'],
  seeds: ['004: Bedrock endpoint family (bedrock-agent, bedrock-agent-runtime)'],
  requires: ['ec2:vpcs', 'ec2:subnets', 'ec2:vpc-endpoints'],
  run(ctx) {
    const out: CheckResult[] = [];
    const agents = ctx.inventory.bedrockAgents;
    const agentsKnown = hasDataset(ctx, 'bedrock:agents');
    for (const [vpcId, reasons] of ctx.zones.bedrockVpcs(ctx.scope)) {
      const have = AGENT_SERVICES.filter((s) => endpointsFor(ctx.zones, vpcId, s).length > 0);
      const resource = { id: vpcId, type: 'AWS::EC2::VPC' };
      const origin = ctx.zones.vpc(vpcId)?.origin;
      const used = agents.length > 0 || have.length > 0;
      if (!used && !agentsKnown) {
        out.push({
          status: 'not-assessed',
          resource,
          message: `cannot tell whether Bedrock Agents are used in ${ctx.scope.region}: bedrock:agents is not in the snapshot (aws bedrock-agent list-agents)`,
          evidence: { whyThisVpc: reasons },
        });
        continue;
      }
      if (!used) {
        out.push({
          status: 'pass',
          resource,
          ...(origin ? { origin } : {}),
          message: `no Bedrock Agents in ${ctx.scope.region} and no agent endpoints: nothing to cover`,
          evidence: { agents: 0 },
        });
        continue;
      }
      const missing = AGENT_SERVICES.filter((s) => !have.includes(s));
      const evidence = { agents: agents.map((a) => a.name || a.id), agentEndpoints: have };
      if (missing.length === 0) {
        out.push({
          status: 'pass',
          resource,
          ...(origin ? { origin } : {}),
          message: `VPC ${vpcId} has bedrock-agent and bedrock-agent-runtime endpoints`,
          evidence,
        });
      } else {
        out.push({
          status: 'fail',
          resource,
          ...(origin ? { origin } : {}),
          message: `Bedrock Agents are used (${agents.length} agent(s)${have.length ? `, endpoint for ${have.join(', ')}` : ''}) but VPC ${vpcId} has no ${missing.join(' or ')} interface endpoint`,
          evidence,
          remediation: {
            text: `Create interface endpoints for ${missing.join(' and ')}.`,
            snippet: { language: 'terraform', code: interfaceEndpointTerraform(ctx.scope.region, vpcId, missing, []) },
          },
        });
      }
    }
    return out;
  },
});
