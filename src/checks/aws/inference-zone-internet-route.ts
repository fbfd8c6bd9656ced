import { isDefaultRoute } from '../../analysis/aws-network.js';
import { defineAwsCheck } from '../types.js';
import { zoneRouteResults } from './zone-routing-support.js';
import { REMOVE_INTERNET_ROUTE } from './snippets.js';

export default defineAwsCheck({
  id: 'aws-inference-zone-internet-route',
  title: 'Inference-zone subnet has a default route to an internet gateway',
  severity: 'high',
  service: 'vpc',
  resourceType: 'AWS::EC2::Subnet',
  rationale:
    'NET-012: the inference zone talks only to approved endpoints over private links. A default route to an internet gateway makes the subnet public: the model proxy can reach arbitrary hosts, and a prompt-injected agent can exfiltrate by plain HTTP.',
  remediation: {
    text: 'Move the inference zone to private subnets whose route tables have no 0.0.0.0/0 or ::/0 route to an internet gateway.',
    snippet: REMOVE_INTERNET_ROUTE,
  },
  references: ['https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html'],
  seeds: ['000: NET-012 Block inference internet egress'],
  requires: ['ec2:subnets', 'ec2:route-tables'],
  run(ctx) {
    return zoneRouteResults(
      ctx,
      'inference',
      (r) =>
        isDefaultRoute(r) && (r.target.type === 'internet-gateway' || r.target.type === 'egress-only-internet-gateway')
          ? `${r.destination} -> ${r.target.id}`
          : undefined,
      (s, hits) => `inference-zone subnet ${s.id} has a default route to an internet gateway: ${hits.join('; ')}`,
    );
  },
});
