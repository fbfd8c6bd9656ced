/** Transit gateway resources for verify tests, in the inventory's shapes (one scope, as helpers.ts). */
import type { AwsInventory } from '../../src/inventory/aws.js';
import { all, eni, sg, subnet, vpc } from './helpers.js';

const scope = { account: '111111111111', region: 'us-east-1' };
const origin = (pointer: string) => ({ kind: 'file' as const, file: 'tgw.json', pointer });

export interface TgwSpec {
  id: string;
  /** state defaults to available; appliance sets ApplianceModeSupport. */
  attachments: { id: string; vpc: string; subnets: string[]; state?: string; appliance?: boolean }[];
  /**
   * Per table: the attachments associated with it and routes [destination, attachment id or 'blackhole'] (an id
   * starting with vpn- stands for a VPN attachment).
   */
  tables: { id: string; associations: string[]; routes: [string, string][] }[];
}

export function addTgw(inv: AwsInventory, spec: TgwSpec): void {
  for (const a of spec.attachments)
    inv.transitGatewayAttachments.push({
      ...scope,
      origin: origin(`/att/${a.id}`),
      id: a.id,
      transitGatewayId: spec.id,
      vpcId: a.vpc,
      state: a.state ?? 'available',
      subnetIds: a.subnets,
      ...(a.appliance !== undefined ? { applianceModeSupport: a.appliance } : {}),
    });
  for (const t of spec.tables)
    inv.transitGatewayRouteTables.push({
      ...scope,
      origin: origin(`/tgw-rtb/${t.id}`),
      id: t.id,
      transitGatewayId: spec.id,
      associations: t.associations.map((attachmentId) => ({ attachmentId, state: 'associated' })),
      routes: t.routes.map(([destination, to], i) => ({
        destination,
        state: to === 'blackhole' ? 'blackhole' : 'active',
        // An id starting with vpn- is a Site-to-Site VPN attachment (no VPC of the model behind it).
        attachments:
          to === 'blackhole'
            ? []
            : [to.startsWith('vpn-') ? { id: to, resourceType: 'vpn', resourceId: 'vpn-0abc' } : { id: to }],
        pointer: `/tgw-rtb/${t.id}/Routes/${i}`,
        origin: origin(`/tgw-rtb/${t.id}/Routes/${i}`),
      })),
    });
}

/** Puts subnets in an Availability Zone (transit gateway attachments are per zone). */
export function inZone(inv: AwsInventory, zone: string, ...subnets: string[]): void {
  for (const s of inv.subnets) if (subnets.includes(s.id)) s.availabilityZone = zone;
}

/**
 * A spoke VPC 10.<n>/16 of zone `zone`: a workload subnet w<x> (10.<n>.1/24, eni-<x> at .10, open to 10/8) and the
 * attachment subnet t<x> (10.<n>.9.0/28), both in use1-az1 and routing 10/8 to tgw-1.
 */
export function spoke(inv: AwsInventory, x: string, vpcId: string, zone: string, n: number): void {
  vpc(inv, vpcId, `10.${n}.0.0/16`);
  subnet(inv, `w${x}`, vpcId, `10.${n}.1.0/24`, zone, [['10.0.0.0/8', 'tgw-1']]);
  subnet(inv, `t${x}`, vpcId, `10.${n}.9.0/28`, zone, [['10.0.0.0/8', 'tgw-1']]);
  inZone(inv, 'use1-az1', `w${x}`, `t${x}`);
  sg(inv, `sg-${x}`, vpcId, [all('10.0.0.0/8')]);
  eni(inv, `eni-${x}`, `w${x}`, `10.${n}.1.10`, [`sg-${x}`]);
}
