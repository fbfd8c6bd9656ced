import { activeRoutes, endpointAvailable, isDefaultRoute, reachesInternet } from '../../analysis/aws-network.js';
import { defineAwsCheck, type CheckResult } from '../types.js';
import { interfaceEndpoints } from './snippets.js';

const MANAGEMENT_SERVICES = ['secretsmanager', 'logs', 'monitoring', 'ssm', 'kms'];
const AI_ZONES = ['inference', 'data', 'management', 'sandbox'];

export default defineAwsCheck({
  id: 'aws-management-plane-over-internet',
  title: 'AI-zone subnet reaches Secrets Manager, CloudWatch, SSM or KMS over the internet',
  severity: 'high',
  service: 'vpc',
  resourceType: 'AWS::EC2::Subnet',
  rationale:
    'Seed 000 ("ignoring the management plane"): securing inference and data while secrets, logs, monitoring and keys travel over the internet leaves a back door. For each subnet of an AI zone that has a default route to an internet, egress-only or public NAT gateway, every management service without a usable interface endpoint (available, private DNS on) in the VPC is reached over that internet path.',
  remediation: {
    text: 'Create interface endpoints with private DNS for secretsmanager, logs, monitoring, ssm and kms, then remove the internet route if nothing else needs it.',
    snippet: interfaceEndpoints(['secretsmanager', 'logs', 'monitoring', 'ssm', 'kms']),
  },
  references: ['https://docs.aws.amazon.com/vpc/latest/privatelink/aws-services-privatelink-support.html'],
  seeds: ['000: Ignoring the management plane'],
  requires: ['ec2:subnets', 'ec2:route-tables', 'ec2:vpc-endpoints'],
  run(ctx) {
    const zones = new Set([...AI_ZONES, ...ctx.zones.callingZones].filter((z) => z !== 'application'));
    const nats = new Map(ctx.inventory.natGateways.map((n) => [n.id, n]));
    const out: CheckResult[] = [];
    for (const s of ctx.inventory.subnets.sort((a, b) => a.id.localeCompare(b.id))) {
      const zone = ctx.zones.zoneOfSubnet(s.id)?.zone;
      if (!zone || !zones.has(zone)) continue;
      const resource = { id: s.id, type: 'AWS::EC2::Subnet' };
      const table = ctx.zones.routeTableOfSubnet(s);
      if (!table) {
        out.push({
          status: 'not-assessed',
          resource,
          origin: s.origin,
          message: `no route table found for ${zone}-zone subnet ${s.id}`,
        });
        continue;
      }
      const internet = activeRoutes(table).find((r) => isDefaultRoute(r) && reachesInternet(r, nats));
      const usable = (svc: string) =>
        ctx.zones
          .endpointsOfVpc(s.vpcId)
          .some(
            (e) =>
              (e.service === svc || e.service === `${svc}-fips`) &&
              e.type === 'Interface' &&
              e.privateDnsEnabled &&
              endpointAvailable(e),
          );
      const overInternet = MANAGEMENT_SERVICES.filter((svc) => !usable(svc));
      const evidence = {
        zone,
        routeTable: table.id,
        internetRoute: internet ? `${internet.destination} -> ${internet.target.id}` : null,
        withoutUsableEndpoint: overInternet,
      };
      if (internet && overInternet.length > 0) {
        out.push({
          status: 'fail',
          resource,
          origin: table.origin.kind === 'file' ? { ...table.origin, pointer: internet.pointer } : table.origin,
          message: `${zone}-zone subnet ${s.id} reaches ${overInternet.join(', ')} over the internet (${internet.destination} -> ${internet.target.id}; no usable interface endpoint)`,
          evidence,
        });
      } else {
        out.push({
          status: 'pass',
          resource,
          origin: s.origin,
          message: internet
            ? `${zone}-zone subnet ${s.id} reaches every management service through endpoints`
            : `${zone}-zone subnet ${s.id} has no internet route: management calls cannot go over the internet`,
          evidence,
        });
      }
    }
    return out;
  },
});
