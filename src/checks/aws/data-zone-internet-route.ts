import { scopeKey } from '../../inventory/aws.js';
import { defineAwsCheck } from '../types.js';
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
    const natKnown = ctx.inventory.datasets.get(scopeKey(ctx.scope))?.has('ec2:nat-gateways') ?? false;
    const nats = new Map(ctx.inventory.natGateways.map((n) => [n.id, n]));
    return zoneRouteResults(
      ctx,
      'data',
      (r) => {
        if (r.target.type === 'internet-gateway' || r.target.type === 'egress-only-internet-gateway')
          return `${r.destination} -> ${r.target.id}`;
        if (r.target.type === 'nat-gateway') {
          const nat = nats.get(r.target.id);
          // A private NAT gateway reaches other networks, not the internet; unknown NATs count as public.
          if (nat?.connectivityType === 'private') return undefined;
          return `${r.destination} -> ${r.target.id}${natKnown ? '' : ' (NAT type unknown: describe-nat-gateways not in snapshot)'}`;
        }
        return undefined;
      },
      (s, hits) => `data-zone subnet ${s.id} routes to the internet: ${hits.join('; ')}`,
    );
  },
});
