import { endpointAvailable } from '../../analysis/aws-network.js';
import { defineAwsCheck } from '../types.js';
import { auditedEndpoints, endpointResource } from './support.js';
import { interfaceEndpoints } from './snippets.js';

export default defineAwsCheck({
  id: 'aws-vpc-endpoint-not-available',
  title: 'AI endpoint is not in the available state',
  severity: 'medium',
  service: 'vpc',
  resourceType: 'AWS::EC2::VPCEndpoint',
  rationale:
    'An endpoint that is pending, pendingAcceptance, failed, rejected or deleting carries no traffic. Clients that fall back to public endpoints do so silently (seed 000: "using public model endpoints as fallback").',
  remediation: {
    text: 'Find why the endpoint is not available (failed creation, rejected connection, deletion in progress) and recreate or accept it.',
    snippet: interfaceEndpoints(['bedrock-runtime']),
  },
  references: ['https://docs.aws.amazon.com/vpc/latest/privatelink/concepts.html#concepts-vpc-endpoints'],
  seeds: ['001: endpoint_state validation', '000: Using public model endpoints as fallback'],
  requires: ['ec2:vpc-endpoints'],
  run(ctx) {
    return auditedEndpoints(ctx, { interfaceOnly: false }).map((e) => ({
      status: endpointAvailable(e) ? 'pass' : 'fail',
      resource: endpointResource(ctx, e),
      origin: e.origin,
      message: endpointAvailable(e)
        ? `${e.service} endpoint ${e.id} is available`
        : `${e.service} endpoint ${e.id} is ${e.state ?? 'in an unknown state'}, not available: it carries no traffic`,
      evidence: { state: e.state ?? null },
    }));
  },
});
