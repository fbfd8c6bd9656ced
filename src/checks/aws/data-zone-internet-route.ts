import { reachesInternet } from '../../analysis/aws-network.js';
import { defineAwsCheck } from '../types.js';
import { hasDataset } from './support.js';
import { zoneRouteResults } from './zone-routing-support.js';
import { REMOVE_INTERNET_ROUTE } from './snippets.js';

export default defineAwsCheck({
  id: 'aws-data-zone-internet-route',
  title: 'Data-zone subnet has a route to an internet or NAT gateway',
  severity: 'critical',
  service: 'vpc',
  resourceType: 'AWS::EC2::Subnet',
  rationale:
    'NET-011: the data zone holds training data, embeddings and documents and has no internet access. Any route from its subnets to an internet gateway, egress-only internet gateway or public NAT gateway is a path for exfiltration, whatever the security groups say today.',
  remediation: {
    text: "Remove internet and NAT routes from the data zone's route tables; reach AWS services through endpoints.",
    snippet: REMOVE_INTERNET_ROUTE,
  },
  references: ['https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html'],
  seeds: ['000: NET-011 Block data zone internet'],
  requires: ['ec2:subnets', 'ec2:route-tables'],
  run(ctx) {
    const natKnown = hasDataset(ctx, 'ec2:nat-gateways');
    const nats = new Map(ctx.inventory.natGateways.map((n) => [n.id, n]));
    return zoneRouteResults(
      ctx,
      'data',
      (r) =>
        reachesInternet(r, nats)
          ? `${r.destination} -> ${r.target.id}${r.target.type === 'nat-gateway' && !natKnown ? ' (NAT type unknown: describe-nat-gateways not in snapshot)' : ''}`
          : undefined,
      (s, hits) => `data-zone subnet ${s.id} routes to the internet: ${hits.join('; ')}`,
    );
  },
});
