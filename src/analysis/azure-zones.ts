/**
 * Zone placement on Azure, as a pure function of the inventory and a list of zone selectors. Azure subnets carry no
 * tags, so a subnet is placed by (first match wins, as for AWS in aws-zones.ts):
 *   1. its subnet id,
 *   2. a selector's tags, all present on the subnet's NSG, else on its VNet,
 *   3. the zone tag (SecurityZone=<zone> by default) on its NSG, else on its VNet,
 *   4. its VNet id,
 *   5. CIDR: every address prefix of the subnet inside one of the zone's CIDRs.
 * NICs and private endpoints may carry their own tags (selector tags or the zone tag, on the NIC, its NSG, or the
 * private endpoint), which win over their subnet's placement; otherwise they are where their subnet is.
 * Ids compare case-insensitively. The policy language will map its zone selectors onto AzureZoneSelector.
 */
import { deployTimeZoneTags, firstMatchingTier } from './zone-tiers.js';
import type { ZonePolicy } from '../policy/load.js';
import {
  azureIdKey,
  azureScopeKey,
  type AzureDataset,
  type AzureInventory,
  type AzureNetworkInterface,
  type AzureNetworkSecurityGroup,
  type AzurePrivateEndpoint,
  type AzureSubnet,
  type AzureTagged,
  type AzureVirtualNetwork,
  type SkippedItem,
  type Tags,
} from '../inventory/azure.js';
import { cidrContains, tryParseCidr, type Cidr } from '../util/cidr.js';

export interface AzureZoneSelector {
  zone: string;
  subnetIds?: readonly string[];
  vnetIds?: readonly string[];
  cidrs?: readonly string[];
  /** All of these tags (on the VNet, the NSG, or a NIC / private endpoint) place a resource in the zone. */
  tags?: Readonly<Tags>;
}

export type AzureZoneVia =
  'subnet-id' | 'tags' | 'zone-tag' | 'vnet-id' | 'cidr' | 'resource-tags' | 'resource-zone-tag' | 'subnet';

export interface AzureZoneMembership {
  zone: string;
  via: AzureZoneVia;
  /** Where the deciding fact was found: the subnet, VNet, NSG, NIC or private endpoint id. */
  evidence: string;
  /** Other zones that claim it at the same precedence (a policy problem worth showing). */
  alsoClaimedBy: string[];
}

export interface AzureZoneInput {
  subnets: readonly AzureSubnet[];
  virtualNetworks: readonly AzureVirtualNetwork[];
  networkSecurityGroups: readonly AzureNetworkSecurityGroup[];
  networkInterfaces?: readonly AzureNetworkInterface[];
  privateEndpoints?: readonly AzurePrivateEndpoint[];
}

export interface AzureZonePlacement {
  /** By subnet id (any case). */
  subnet(id: string): AzureZoneMembership | undefined;
  networkInterface(id: string): AzureZoneMembership | undefined;
  privateEndpoint(id: string): AzureZoneMembership | undefined;
}

function tagsMatch(want: Readonly<Tags> | undefined, have: Tags | undefined): boolean {
  const keys = Object.keys(want ?? {});
  return keys.length > 0 && have !== undefined && keys.every((k) => have[k] === want![k]);
}

export function placeAzureResources(
  input: AzureZoneInput,
  selectors: readonly AzureZoneSelector[],
  options: { zoneTagKey?: string } = {},
): AzureZonePlacement {
  const tagKey = options.zoneTagKey ?? 'SecurityZone';
  const index = <T extends { id: string }>(list: readonly T[] | undefined) =>
    new Map((list ?? []).map((x) => [azureIdKey(x.id), x]));
  const subnets = index(input.subnets);
  const vnets = index(input.virtualNetworks);
  const nsgs = index(input.networkSecurityGroups);
  const nics = index(input.networkInterfaces);
  const pes = index(input.privateEndpoints);
  const zoneNames = new Set(selectors.map((s) => s.zone));
  const prepared = selectors.map((s) => ({
    ...s,
    subnetKeys: new Set((s.subnetIds ?? []).map(azureIdKey)),
    vnetKeys: new Set((s.vnetIds ?? []).map(azureIdKey)),
    parsed: (s.cidrs ?? []).map((c) => tryParseCidr(c)).filter((c): c is Cidr => c !== undefined),
  }));

  const first = (
    tiers: [AzureZoneVia, (s: (typeof prepared)[number]) => string | undefined][],
  ): AzureZoneMembership | undefined => firstMatchingTier(prepared, tiers);
  /** The zone tag names a zone only when the policy has that zone. */
  const zoneTag = (tags: Tags | undefined, zone: string) => tags?.[tagKey] === zone && zoneNames.has(zone);

  const memo = new Map<string, AzureZoneMembership | undefined>();
  const subnet = (id: string): AzureZoneMembership | undefined => {
    const key = azureIdKey(id);
    if (memo.has(key)) return memo.get(key);
    const s = subnets.get(key);
    let result: AzureZoneMembership | undefined;
    if (s) {
      const vnet = vnets.get(azureIdKey(s.vnetId));
      const nsg = s.networkSecurityGroupId ? nsgs.get(azureIdKey(s.networkSecurityGroupId)) : undefined;
      const prefixes = s.addressPrefixes.map((p) => tryParseCidr(p)).filter((p): p is Cidr => p !== undefined);
      // An unparsable prefix keeps the subnet out of CIDR placement rather than placing it by the rest.
      const parsedAll = prefixes.length > 0 && prefixes.length === s.addressPrefixes.length;
      result = first([
        ['subnet-id', (z) => (z.subnetKeys.has(key) ? s.id : undefined)],
        // The NSG is more specific than the VNet (several subnets share a VNet), so it is asked first.
        ['tags', (z) => (tagsMatch(z.tags, nsg?.tags) ? nsg!.id : undefined)],
        ['tags', (z) => (tagsMatch(z.tags, vnet?.tags) ? vnet!.id : undefined)],
        ['zone-tag', (z) => (zoneTag(nsg?.tags, z.zone) ? nsg!.id : undefined)],
        ['zone-tag', (z) => (zoneTag(vnet?.tags, z.zone) ? vnet!.id : undefined)],
        ['vnet-id', (z) => (z.vnetKeys.has(azureIdKey(s.vnetId)) ? s.vnetId : undefined)],
        [
          'cidr',
          (z) =>
            parsedAll && prefixes.every((p) => z.parsed.some((c) => cidrContains(c, p)))
              ? s.addressPrefixes.join(', ')
              : undefined,
        ],
      ]);
    }
    memo.set(key, result);
    return result;
  };

  /** A NIC or private endpoint: its own tags first, then its subnet's zone. */
  const byOwnTagsThenSubnet = (
    ownId: string,
    ownTags: Tags[],
    subnetId: string | undefined,
  ): AzureZoneMembership | undefined => {
    const own = first([
      ['resource-tags', (z) => (ownTags.some((t) => tagsMatch(z.tags, t)) ? ownId : undefined)],
      ['resource-zone-tag', (z) => (ownTags.some((t) => zoneTag(t, z.zone)) ? ownId : undefined)],
    ]);
    if (own) return own;
    const viaSubnet = subnetId ? subnet(subnetId) : undefined;
    return viaSubnet ? { ...viaSubnet, via: 'subnet', evidence: subnetId! } : undefined;
  };

  return {
    subnet,
    networkInterface(id) {
      const nic = nics.get(azureIdKey(id));
      if (!nic) return undefined;
      const nsg = nic.networkSecurityGroupId ? nsgs.get(azureIdKey(nic.networkSecurityGroupId)) : undefined;
      const subnetId = nic.ipConfigurations.find((c) => c.subnetId)?.subnetId;
      return byOwnTagsThenSubnet(nic.id, [nic.tags, ...(nsg ? [nsg.tags] : [])], subnetId);
    },
    privateEndpoint(id) {
      const pe = pes.get(azureIdKey(id));
      if (!pe) return undefined;
      return byOwnTagsThenSubnet(pe.id, [pe.tags], pe.subnetId);
    },
  };
}

/**
 * Azure resources of infrastructure as code whose zone a tag decides but whose tag value is known only at deploy
 * (`SecurityZone = var.zone` on a VNet, an NSG, a NIC or a private endpoint): where they are is not known, so their
 * data set is incomplete in their scope and the zone checks and verification there are not assessed. Placed in no zone
 * instead, an AI subnet with a direct route to the internet passed azure-ai-subnet-internet-egress. A VNet's or NSG's
 * tags do not matter when every subnet under them is placed by its id (the first tier); a NIC's and a private
 * endpoint's own tags always do (they win over their subnet's zone).
 */
export function markAzureDeployTimeZoneTags(inv: AzureInventory, policy: ZonePolicy): void {
  if (!inv.iac) return;
  const zones = [...policy.zones.values()].filter((z) => z.kind === 'network');
  const deployTime = deployTimeZoneTags(policy);
  const byId = new Set(zones.flatMap((z) => z.subnet_ids.map(azureIdKey)));
  const notById = inv.subnets.filter((s) => !byId.has(azureIdKey(s.id)));
  const governing = new Set([
    ...notById.map((s) => azureIdKey(s.vnetId)),
    ...notById.flatMap((s) => (s.networkSecurityGroupId ? [azureIdKey(s.networkSecurityGroupId)] : [])),
    // A NIC's own NSG's tags place the NIC.
    ...inv.networkInterfaces.flatMap((n) => (n.networkSecurityGroupId ? [azureIdKey(n.networkSecurityGroupId)] : [])),
  ]);
  const mark = (r: AzureTagged, dataset: AzureDataset, own: boolean) => {
    if (r.origin.kind !== 'file' || (!own && !governing.has(azureIdKey(r.id)))) return;
    const unknown = deployTime(r.tags);
    if (unknown.length === 0) return;
    const key = azureScopeKey(r);
    let m = inv.partial.get(key);
    if (!m) inv.partial.set(key, (m = new Map<AzureDataset, SkippedItem[]>()));
    const list = m.get(dataset) ?? [];
    m.set(dataset, list);
    list.push({
      file: r.origin.file,
      ...(r.origin.line !== undefined ? { line: r.origin.line } : {}),
      pointer: r.origin.pointer ?? '',
      reason: `${r.name}: ${unknown.join(', ')} known only at deploy, so which zone it puts its subnets or interfaces in is not known`,
    });
  };
  for (const v of inv.virtualNetworks) mark(v, 'network:virtual-networks', false);
  for (const n of inv.networkSecurityGroups) mark(n, 'network:network-security-groups', false);
  for (const n of inv.networkInterfaces) mark(n, 'network:network-interfaces', true);
  for (const p of inv.privateEndpoints) mark(p, 'network:private-endpoints', true);
}
