import { activeRoutes } from '../../analysis/aws-network.js';
import type { AwsRoute, AwsSubnet } from '../../inventory/aws.js';
import type { AwsCheckContext, CheckResult } from '../types.js';

/** One result per subnet of a zone: fail with the offending routes, pass, or not assessed without a route table. */
export function zoneRouteResults(
  ctx: AwsCheckContext,
  zone: string,
  offending: (r: AwsRoute) => string | undefined,
  describe: (s: AwsSubnet, hits: string[]) => string,
): CheckResult[] {
  const out: CheckResult[] = [];
  for (const s of ctx.inventory.subnets.sort((a, b) => a.id.localeCompare(b.id))) {
    const m = ctx.zones.zoneOfSubnet(s.id);
    if (m?.zone !== zone) continue;
    const resource = {
      id: s.id,
      type: 'AWS::EC2::Subnet',
      arn: `arn:aws:ec2:${ctx.scope.region}:${ctx.scope.account}:subnet/${s.id}`,
    };
    const table = ctx.zones.routeTableOfSubnet(s);
    if (!table) {
      out.push({
        status: 'not-assessed',
        resource,
        origin: s.origin,
        message: `no route table found for ${zone}-zone subnet ${s.id} (neither an explicit association nor a main table of ${s.vpcId})`,
      });
      continue;
    }
    const hits: { text: string; pointer: string }[] = [];
    for (const r of activeRoutes(table)) {
      const why = offending(r);
      if (why) hits.push({ text: why, pointer: r.pointer });
    }
    const evidence = { zone, zoneVia: m.via, routeTable: table.id, offendingRoutes: hits.map((h) => h.text) };
    if (hits.length > 0) {
      out.push({
        status: 'fail',
        resource,
        origin: table.origin.kind === 'file' ? { ...table.origin, pointer: hits[0]!.pointer } : table.origin,
        message: describe(
          s,
          hits.map((h) => h.text),
        ),
        evidence,
      });
    } else {
      out.push({
        status: 'pass',
        resource,
        origin: s.origin,
        message: `${zone}-zone subnet ${s.id} (route table ${table.id}) has no such route`,
        evidence,
      });
    }
  }
  return out;
}
