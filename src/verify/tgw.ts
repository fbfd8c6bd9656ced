/**
 * Transit gateways, shared by both evaluators so they cannot drift apart. A packet a subnet routes to a transit
 * gateway enters it through the source network's attachment, in the attachment subnet of the source subnet's
 * Availability Zone (resources in a zone without one cannot reach the gateway); the attachment's associated route
 * table decides by longest prefix (a blackhole route drops, no route drops); the gateway delivers through the
 * destination attachment's subnet in the same zone (appliance mode off keeps traffic in its zone), or its only
 * subnet. Destinations outside the destination network's own addresses (forwarded on by that network's routes, as
 * in centralised egress or inspection), attachments that are no network of the model, ECMP, and zones cordon cannot
 * tell are unknown, never assumed.
 *
 * Network ACLs, from AWS's "Network ACLs for transit gateways" (docs.aws.amazon.com/vpc/latest/tgw/tgw-nacls.html):
 * traffic from instances to the gateway is evaluated by the instance subnet's outbound rules and the attachment
 * subnet's inbound rules (both, even when they are the same subnet); traffic from the gateway to instances by the
 * attachment subnet's outbound rules and the instance subnet's inbound rules, and by none when the instances are in
 * the attachment subnet. A TCP reply takes the forward path's attachment subnets back (symmetric), leaving the
 * destination network by its subnet's route to the same gateway and routed by the destination attachment's table
 * back to the source attachment.
 */
import { azNaming } from '../inventory/aws.js';
import type { Filter, NetworkModel, Route, Subnet, TransitGateway, TransitGatewayAttachment } from './model.js';

export function attachmentOf(tgw: TransitGateway, network: string): TransitGatewayAttachment | undefined {
  for (const a of tgw.attachments.values()) if (a.network === network) return a;
  return undefined;
}

/**
 * The attachment subnet in a zone: where packets from a subnet of that zone enter the gateway (`fallback` false), or
 * leave it towards the attachment's network (`fallback` true: another zone's subnet when it is the only one).
 * undefined: none (the packet cannot enter); 'unknown': the zones do not tell.
 */
export function attachmentSubnet(
  model: NetworkModel,
  att: TransitGatewayAttachment,
  zone: string | undefined,
  fallback: boolean,
): Subnet | 'unknown' | undefined {
  const subnets = att.subnets.map((id) => model.subnets.get(id));
  if (subnets.some((s) => s === undefined || s.availabilityZone === undefined)) {
    if (fallback && subnets.length === 1 && subnets[0]) return subnets[0];
    return 'unknown';
  }
  const known = subnets as Subnet[];
  const same = zone === undefined ? undefined : known.find((s) => s.availabilityZone === zone);
  if (same) return same;
  // Zones named two ways (a literal name, a zone id, a placeholder of an infrastructure-as-code zone list) do not
  // tell: us-east-1c may be the list's second zone, so "no subnet in that zone" would drop a packet that enters.
  if (!fallback && zone !== undefined && known.some((s) => azNaming(s.availabilityZone!) !== azNaming(zone)))
    return 'unknown';
  if (zone === undefined) return fallback && known.length === 1 ? known[0] : 'unknown';
  if (!fallback) return undefined;
  return known.length === 1 ? known[0] : known.length === 0 ? undefined : 'unknown';
}

/** Where a source subnet's packets enter a transit gateway, or why they do not. */
export type TgwEntry =
  | { kind: 'enter'; att: TransitGatewayAttachment; subnet: Subnet }
  | { kind: 'drop'; why: string }
  | { kind: 'unknown'; why: string };

export function tgwEntry(model: NetworkModel, tgw: TransitGateway, from: Subnet): TgwEntry {
  const att = attachmentOf(tgw, from.network);
  if (!att) return { kind: 'drop', why: `${from.network} has no available attachment to ${tgw.id}` };
  if (att.undecided) return { kind: 'unknown', why: att.undecided };
  const sa = attachmentSubnet(model, att, from.availabilityZone, false);
  if (sa === 'unknown') return { kind: 'unknown', why: `which subnet of ${att.id} serves ${from.id}'s zone` };
  if (!sa)
    return {
      kind: 'drop',
      why: `${att.id} has no subnet in ${from.availabilityZone ?? 'the source zone'}: ${from.id} cannot reach ${tgw.id}`,
    };
  // Forward traffic from an attachment subnet skips its ACLs; a reply coming back through another zone's subnet does not.
  if (sa.id === from.id && att.subnets.length > 1)
    return { kind: 'unknown', why: `${from.id} is one of ${att.id}'s subnets: a reply may return through another` };
  if (!att.routeTable) return { kind: 'drop', why: `${att.id} is associated with no route table` };
  return { kind: 'enter', att, subnet: sa };
}

/** What a transit gateway route means for a packet that entered through `entry`, towards network addresses. */
export type TgwExit =
  { kind: 'deliver'; att: TransitGatewayAttachment; subnet: Subnet } | { kind: 'unknown'; why: string };

/** The exit for a route to an attachment; the caller checks the destination is the network's own address. */
export function tgwExit(
  model: NetworkModel,
  tgw: TransitGateway,
  entry: { att: TransitGatewayAttachment; subnet: Subnet },
  route: Route,
): TgwExit {
  if (route.target.kind !== 'attachment') return { kind: 'unknown', why: 'next hop not modelled' };
  const att = tgw.attachments.get(route.target.id);
  if (!att || att.network === entry.att.network)
    return { kind: 'unknown', why: `${route.target.id} is not another network's attachment` };
  if (att.undecided) return { kind: 'unknown', why: att.undecided };
  // Which attachment subnets a flow and its reply cross depends on flow hashing (appliance mode) or on the zone the
  // reply starts in: sound only where every subnet of both attachments has the same network ACLs.
  if (att.applianceMode && !sameAcls(model, att))
    return {
      kind: 'unknown',
      why: `appliance mode: ${att.id} carries each flow through a subnet picked by flow hash, and their network ACLs differ`,
    };
  for (const a of [entry.att, att])
    if (!sameAcls(model, a))
      return {
        kind: 'unknown',
        why: `the reply may cross another Availability Zone's subnet of ${a.id}, whose network ACLs differ`,
      };
  const sb = attachmentSubnet(model, att, entry.subnet.availabilityZone, true);
  if (!sb || sb === 'unknown')
    return { kind: 'unknown', why: `which subnet of ${att.id} the gateway delivers through` };
  return { kind: 'deliver', att, subnet: sb };
}

/** True when every subnet of the attachment has the same network ACLs (then which one carries a packet is moot). */
function sameAcls(model: NetworkModel, att: TransitGatewayAttachment): boolean {
  const keys = att.subnets.map((id) => {
    const s = model.subnets.get(id);
    return s ? `${aclKey(s.inbound)}|${aclKey(s.outbound)}` : undefined;
  });
  return keys.every((k) => k !== undefined && k === keys[0]);
}

const aclKeys = new WeakMap<Filter, string>();
/** A filter's decisions (not where its rules came from): two subnets with one ACL, or equal ACLs, have equal keys. */
function aclKey(f: Filter | undefined): string {
  if (!f) return 'unknown';
  let k = aclKeys.get(f);
  if (k === undefined) {
    k = JSON.stringify(
      [f.order, f.stateful, f.rules.map((r) => [r.action, r.proto, r.ports, r.remotes, r.locals])],
      (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
    );
    aclKeys.set(f, k);
  }
  return k;
}
