/** Private DNS for private endpoints: which zones an endpoint needs, and whether callers' VNets resolve them. */
import { expectedPrivateDnsZones, type ExpectedZones } from '../../analysis/azure-private-dns.js';
import {
  azureIdKey,
  filterById,
  findById,
  inListOrder,
  parseAzureId,
  type AzureInventory,
  type AzurePrivateDnsARecordSet,
  type AzurePrivateDnsZone,
  type AzurePrivateEndpoint,
  type AzureVirtualNetwork,
} from '../../inventory/azure.js';

export interface EndpointTarget {
  /** Lower-case ARM type of the target resource. */
  type: string;
  targetId: string;
  groupId: string;
  kind?: string;
  expected?: ExpectedZones;
}

/** What each connection of a private endpoint targets, with the zones Microsoft's table gives for it. */
export function endpointTargets(inv: AzureInventory, pe: AzurePrivateEndpoint): EndpointTarget[] {
  const out: EndpointTarget[] = [];
  for (const c of pe.connections) {
    if (!c.privateLinkServiceId) continue;
    const type = parseAzureId(c.privateLinkServiceId).type ?? '';
    const kind = findById(inv.cognitiveAccounts, c.privateLinkServiceId)?.kind;
    for (const groupId of c.groupIds.length ? c.groupIds : ['']) {
      const expected = expectedPrivateDnsZones({
        resourceType: type,
        groupId,
        ...(kind ? { kind } : {}),
        location: pe.location,
      });
      out.push({
        type,
        targetId: c.privateLinkServiceId,
        groupId,
        ...(kind ? { kind } : {}),
        ...(expected ? { expected } : {}),
      });
    }
  }
  return out;
}

/** The endpoint's private addresses: custom DNS configs, IP configurations and its NICs. */
export function endpointAddresses(inv: AzureInventory, pe: AzurePrivateEndpoint): Set<string> {
  const ips = new Set<string>();
  for (const c of pe.customDnsConfigs) c.ipAddresses.forEach((ip) => ips.add(ip));
  for (const c of pe.ipConfigurations) if (c.privateIpAddress) ips.add(c.privateIpAddress);
  // Its NICs, by the endpoint's list or the NIC's own reference, in inventory order (the addresses' order).
  const nics = inv.networkInterfaces;
  const mine = new Set([
    ...pe.networkInterfaceIds.flatMap((id) => filterById(nics, 'id', id)),
    ...filterById(nics, 'privateEndpointId', pe.id),
  ]);
  for (const n of inListOrder(nics, mine))
    for (const c of n.ipConfigurations) if (c.privateIpAddress) ips.add(c.privateIpAddress);
  return ips;
}

const trim = (z: string) => z.toLowerCase().replace(/\.$/, '');

/**
 * The zones of this name that the endpoint's DNS zone groups name but the inventory does not hold (a hub
 * subscription's zone, the landing-zone pattern, or one the code references without declaring): their records and
 * links are not known, which proves nothing wrong.
 */
export function groupZonesOutside(inv: AzureInventory, pe: AzurePrivateEndpoint, name: string): string[] {
  const { held, byEndpoint } = zoneGroupIndex(inv);
  return (byEndpoint.get(azureIdKey(pe.id)) ?? [])
    .flatMap((g) => g.zoneConfigs.map((c) => c.privateDnsZoneId))
    .filter((id) => !held.has(azureIdKey(id)) && trim(parseAzureId(id).names.at(-1) ?? '') === trim(name));
}

/** The zones an inventory holds and its DNS zone groups by endpoint, made once per inventory (asked per endpoint). */
const zoneGroupIndexes = new WeakMap<
  AzureInventory,
  { held: Set<string>; byEndpoint: Map<string, AzureInventory['privateDnsZoneGroups']> }
>();
function zoneGroupIndex(inv: AzureInventory) {
  let x = zoneGroupIndexes.get(inv);
  if (!x) {
    const byEndpoint = new Map<string, AzureInventory['privateDnsZoneGroups']>();
    for (const g of inv.privateDnsZoneGroups) {
      const k = azureIdKey(g.privateEndpointId);
      (byEndpoint.get(k) ?? byEndpoint.set(k, []).get(k)!).push(g);
    }
    zoneGroupIndexes.set(inv, (x = { held: new Set(inv.privateDnsZones.map((z) => azureIdKey(z.id))), byEndpoint }));
  }
  return x;
}

/** Zones (any subscription) with this name. */
export function zonesNamed(inv: AzureInventory, name: string): AzurePrivateDnsZone[] {
  return dnsIndex(inv).zonesByName.get(trim(name)) ?? [];
}

/** A records of a zone that point at one of the addresses. */
export function recordsTo(
  inv: AzureInventory,
  zone: AzurePrivateDnsZone,
  ips: Set<string>,
  /** Also the records this endpoint's DNS zone group writes at deploy (infrastructure as code). */
  pe?: AzurePrivateEndpoint,
): AzurePrivateDnsARecordSet[] {
  return filterById(inv.privateDnsARecords, 'zoneId', zone.id).filter(
    (r) => r.ipv4Addresses.some((ip) => ips.has(ip)) || writtenBy(r, pe),
  );
}

/** Whether the record is the one the endpoint's DNS zone group writes at deploy (infrastructure as code). */
export function writtenBy(r: AzurePrivateDnsARecordSet, pe: AzurePrivateEndpoint | undefined): boolean {
  return pe !== undefined && r.privateEndpointId !== undefined && azureIdKey(r.privateEndpointId) === azureIdKey(pe.id);
}

export type Resolution =
  /** `zones`: the zones that answer (the one linked to the VNet, or to the resolver's VNet); a record in another zone of the same name is never read. */
  | { kind: 'private'; via: string; zones: AzurePrivateDnsZone[] }
  | { kind: 'public'; why: string }
  | { kind: 'unknown'; why: string };

/**
 * How a VNet resolves names in a privatelink zone: through a link of one of the zones (Azure-provided DNS), through
 * custom DNS servers that are inbound endpoints of a DNS private resolver in a VNet linked to the zone, or not at all
 * (public DNS answers). Custom DNS servers cordon cannot follow make the answer unknown, never private.
 */
export function resolveZoneFrom(
  inv: AzureInventory,
  vnet: AzureVirtualNetwork,
  zones: AzurePrivateDnsZone[],
  publicDomain: string,
): Resolution {
  /** Keys of the VNets a zone's links name. */
  const linkedVnets = (z: AzurePrivateDnsZone) =>
    filterById(inv.privateDnsZoneLinks, 'zoneId', z.id).flatMap((l) =>
      l.virtualNetworkId ? [azureIdKey(l.virtualNetworkId)] : [],
    );
  const linked = new Set(zones.flatMap(linkedVnets));
  // The zones linked to any of these VNets: those that answer a query resolved there.
  const linkedTo = (vnets: Set<string>) => zones.filter((z) => linkedVnets(z).some((v) => vnets.has(v)));
  const zoneLabel = zones.map((z) => z.zoneName || z.name).join(', ');
  if (vnet.dnsServers.length > 0 && !vnet.dnsServers.every((s) => s === '168.63.129.16')) {
    // Custom DNS servers: followed when they are inbound endpoints of a DNS private resolver, which answers with
    // the zones linked to its own VNet.
    const unknown: string[] = [];
    const unlinked: string[] = [];
    for (const server of vnet.dnsServers) {
      const resolverVnet = inboundResolverVnet(inv, server);
      if (resolverVnet === undefined) unknown.push(server);
      else if (!linked.has(azureIdKey(resolverVnet)))
        unlinked.push(`${server} (resolver in ${resolverVnet.split('/').pop()})`);
    }
    if (unlinked.length > 0)
      return {
        kind: 'public',
        why: `its DNS server(s) ${unlinked.join(', ')} resolve through a VNet that ${zoneLabel || 'no privatelink zone'} is not linked to`,
      };
    if (unknown.length === 0)
      return {
        kind: 'private',
        via: `custom DNS ${vnet.dnsServers.join(', ')}: DNS private resolver inbound endpoint(s) in a VNet linked to ${zoneLabel}`,
        zones: linkedTo(new Set(vnet.dnsServers.map((s) => azureIdKey(inboundResolverVnet(inv, s)!)))),
      };
    return {
      kind: 'unknown',
      why: `uses custom DNS server(s) ${unknown.join(', ')} that cordon cannot follow (not the inbound endpoint of a DNS private resolver in the snapshot)`,
    };
  }
  // Azure-provided DNS. A forwarding ruleset linked to the VNet with a rule for the service's domain takes the
  // query elsewhere before private zones are consulted.
  // One id per ruleset (a VNet may be linked to one twice).
  const rulesets = new Map(
    filterById(inv.dnsForwardingRulesetLinks, 'virtualNetworkId', vnet.id).map((l) => [azureIdKey(l.rulesetId), l]),
  );
  const names = [trim(publicDomain), ...zones.map((z) => trim(z.zoneName || z.name))];
  // "." is the wildcard rule (every name). Every matching rule is weighed, not the first found: the CNAME chain
  // (name.<domain> → name.privatelink.<domain>) may hit a different rule at each step.
  const covers = (d: string, domain: string) => domain === '' || d === domain || d.endsWith(`.${domain}`);
  // The rules of those rulesets, in inventory order.
  const matching = inListOrder(
    inv.dnsForwardingRules,
    [...rulesets.values()].flatMap((l) => filterById(inv.dnsForwardingRules, 'rulesetId', l.rulesetId)),
  ).filter(
    (r) => (r.state ?? 'Enabled').toLowerCase() === 'enabled' && names.some((d) => covers(d, trim(r.domainName))),
  );
  const unfollowed = matching.find(
    (r) => !r.targetDnsServers.every((t) => inboundInLinkedVnet(inv, t.ipAddress, linked)),
  );
  if (unfollowed)
    return {
      kind: 'unknown',
      why: `a DNS forwarding rule for ${unfollowed.domainName} sends the query to ${unfollowed.targetDnsServers.map((t) => t.ipAddress).join(', ')}, which cordon cannot follow`,
    };
  const rule = matching[0];
  if (rule)
    return {
      kind: 'private',
      via: `forwarding rule for ${rule.domainName} to resolver inbound endpoint(s) in a VNet linked to ${zoneLabel}`,
      zones: linkedTo(
        new Set(
          matching.flatMap((r) => r.targetDnsServers.map((t) => azureIdKey(inboundResolverVnet(inv, t.ipAddress)!))),
        ),
      ),
    };
  if (zones.length === 0) return { kind: 'public', why: 'no private DNS zone holds the record' };
  if (linked.has(azureIdKey(vnet.id))) {
    const answering = linkedTo(new Set([azureIdKey(vnet.id)]));
    return {
      kind: 'private',
      via: `${answering.map((z) => z.zoneName || z.name).join(', ')} is linked to the VNet`,
      zones: answering,
    };
  }
  return {
    kind: 'public',
    why: `${zoneLabel} is not linked to the VNet, so Azure DNS answers with the public address`,
  };
}

/** Whether an address is an inbound endpoint of a DNS private resolver whose VNet is one of `linked`. */
/** The VNet of the DNS private resolver whose inbound endpoint has this address, if any. */
function inboundResolverVnet(inv: AzureInventory, ip: string): string | undefined {
  return dnsIndex(inv).resolverVnetOf.get(ip);
}

/**
 * Resolver inbound endpoints by address and zones by name, made once per inventory: every calling VNet of an
 * organisation is resolved for every privatelink zone an account needs (lookups by id go through findById /
 * filterById).
 */
const dnsIndexes = new WeakMap<
  AzureInventory,
  {
    /** Inbound endpoint address → its resolver's VNet (the first endpoint and resolver listed, as a scan found). */
    resolverVnetOf: Map<string, string | undefined>;
    /** Zones by trimmed name, in inventory order. */
    zonesByName: Map<string, AzurePrivateDnsZone[]>;
  }
>();
function dnsIndex(inv: AzureInventory) {
  let x = dnsIndexes.get(inv);
  if (x) return x;
  const resolverVnetOf = new Map<string, string | undefined>();
  for (const e of inv.dnsResolverInboundEndpoints)
    for (const c of e.ipConfigurations)
      if (c.privateIpAddress && !resolverVnetOf.has(c.privateIpAddress))
        resolverVnetOf.set(c.privateIpAddress, findById(inv.dnsResolvers, e.resolverId)?.virtualNetworkId);
  const zonesByName = new Map<string, AzurePrivateDnsZone[]>();
  for (const z of inv.privateDnsZones) {
    const k = trim(z.zoneName || z.name);
    (zonesByName.get(k) ?? zonesByName.set(k, []).get(k)!).push(z);
  }
  dnsIndexes.set(inv, (x = { resolverVnetOf, zonesByName }));
  return x;
}

function inboundInLinkedVnet(inv: AzureInventory, ip: string, linked: Set<string>): boolean {
  const vnet = inboundResolverVnet(inv, ip);
  return vnet !== undefined && linked.has(azureIdKey(vnet));
}
