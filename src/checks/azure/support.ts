/** Lookups the Azure checks share: per-subscription views, AI and supporting targets, callers' networks. */
import { placeAzureResources, type AzureZonePlacement, type AzureZoneSelector } from '../../analysis/azure-zones.js';
import { coversWholeInternet } from '../../util/cidr.js';
import {
  azureIdKey,
  type AzureInventory,
  type AzurePrivateEndpoint,
  type AzurePrivateLinkTarget,
  type AzureSubnet,
  type AzureVirtualNetwork,
} from '../../inventory/azure.js';
import { callingZones } from '../../policy/calling-zones.js';
import type { ZonePolicy } from '../../policy/load.js';
import type { AzureCheckContext } from './types.js';

type ListKey = {
  [K in keyof AzureInventory]-?: AzureInventory[K] extends readonly { subscription: string }[] ? K : never;
}[keyof AzureInventory];

/**
 * A view with every resource list empty and every other part (data-set, unavailable and partial maps, origins)
 * shared, so a map added to the inventory later is shared without being listed here.
 */
export function emptySubscriptionView(inv: AzureInventory): AzureInventory {
  return Object.fromEntries(
    Object.entries(inv).map(([k, v]) => [k, Array.isArray(v) ? [] : v]),
  ) as unknown as AzureInventory;
}

/** Every list of the inventory split by subscription in one pass; maps (datasets, …) are shared. */
export function inventoryBySubscription(inv: AzureInventory): Map<string, AzureInventory> {
  const views = new Map<string, AzureInventory>();
  for (const key of Object.keys(inv) as (keyof AzureInventory)[]) {
    const list = inv[key];
    if (!Array.isArray(list)) continue;
    for (const item of list as { subscription: string }[]) {
      let view = views.get(item.subscription);
      if (!view) {
        view = emptySubscriptionView(inv);
        views.set(item.subscription, view);
      }
      (view[key as ListKey] as unknown[]).push(item);
    }
  }
  return views;
}

/** The policy's zone selectors in the form zone placement takes (subnet ids, VNet ids, CIDRs, tags). */
export function azureSelectors(policy: ZonePolicy): AzureZoneSelector[] {
  return [...policy.zones.values()]
    .filter((z) => z.kind === 'network')
    .map((z) => ({
      zone: z.name,
      subnetIds: z.subnet_ids,
      vnetIds: z.vpc_ids,
      cidrs: z.cidrs,
      tags: z.tags,
    }));
}

export function placeAzure(inv: AzureInventory, policy: ZonePolicy): AzureZonePlacement {
  return placeAzureResources(
    {
      subnets: inv.subnets,
      virtualNetworks: inv.virtualNetworks,
      networkSecurityGroups: inv.networkSecurityGroups,
      networkInterfaces: inv.networkInterfaces,
      privateEndpoints: inv.privateEndpoints,
    },
    azureSelectors(policy),
    { zoneTagKey: policy.document.zone_tag_key },
  );
}

export interface AiTarget {
  resource: AzurePrivateLinkTarget;
  /** Lower-case ARM type. */
  type: string;
  kind?: string;
  label: string;
}

/** AI resources: Cognitive Services / AI Services / OpenAI accounts, AI Foundry hubs and projects, AI Search. */
export function aiTargets(inv: AzureInventory): AiTarget[] {
  return [
    ...inv.cognitiveAccounts.map((a) => ({
      resource: a,
      type: 'microsoft.cognitiveservices/accounts',
      kind: a.kind,
      label: `${a.kind} account ${a.name}`,
    })),
    ...inv.mlWorkspaces.map((w) => ({
      resource: w,
      type: 'microsoft.machinelearningservices/workspaces',
      kind: w.kind,
      label: `${w.kind === 'Hub' ? 'AI Foundry hub' : w.kind === 'Project' ? 'AI Foundry project' : 'Azure ML workspace'} ${w.name}`,
    })),
    ...inv.searchServices.map((s) => ({
      resource: s,
      type: 'microsoft.search/searchservices',
      label: `AI Search service ${s.name}`,
    })),
  ].sort((a, b) => (azureIdKey(a.resource.id) < azureIdKey(b.resource.id) ? -1 : 1));
}

/** Supporting services of an AI workload (seed 002): storage, key vaults, container registries. */
export function supportingTargets(inv: AzureInventory): AiTarget[] {
  return [
    ...inv.storageAccounts.map((s) => ({
      resource: s,
      type: 'microsoft.storage/storageaccounts',
      label: `storage account ${s.name}`,
    })),
    ...inv.keyVaults.map((k) => ({ resource: k, type: 'microsoft.keyvault/vaults', label: `key vault ${k.name}` })),
    ...inv.containerRegistries.map((r) => ({
      resource: r,
      type: 'microsoft.containerregistry/registries',
      label: `container registry ${r.name}`,
    })),
  ].sort((a, b) => (azureIdKey(a.resource.id) < azureIdKey(b.resource.id) ? -1 : 1));
}

/** Connection states that make a private endpoint usable; Pending, Rejected and Disconnected do not. */
export const APPROVED = (status: string | undefined) => (status ?? '').toLowerCase() === 'approved';

/**
 * The resource whose private endpoints serve a target: a hub-based AI Foundry project has none of its own and is
 * reached through its hub's endpoints (Microsoft: projects inherit the hub's network configuration).
 */
export function networkOwner(inv: AzureInventory, t: AzurePrivateLinkTarget): AzurePrivateLinkTarget {
  const hubId = (t as { kind?: string; hubResourceId?: string }).hubResourceId;
  if ((t as { kind?: string }).kind?.toLowerCase() !== 'project' || !hubId) return t;
  return inv.mlWorkspaces.find((w) => azureIdKey(w.id) === azureIdKey(hubId)) ?? t;
}

/** Private endpoints (any subscription) whose connection targets the resource, with the connection's state. */
export function endpointsTo(
  inv: AzureInventory,
  served: AzurePrivateLinkTarget,
): { endpoint: AzurePrivateEndpoint; approved: boolean; groupIds: string[] }[] {
  const target = networkOwner(inv, served);
  const out: { endpoint: AzurePrivateEndpoint; approved: boolean; groupIds: string[] }[] = [];
  for (const { pe, c } of connectionsTo(inv).get(azureIdKey(target.id)) ?? []) {
    // The target's own view of the connection is authoritative where it has one.
    const own = target.privateEndpointConnections.find(
      (x) => x.privateEndpointId && azureIdKey(x.privateEndpointId) === azureIdKey(pe.id),
    );
    out.push({ endpoint: pe, approved: APPROVED(own?.status ?? c.status), groupIds: c.groupIds });
  }
  return out.sort((a, b) => (azureIdKey(a.endpoint.id) < azureIdKey(b.endpoint.id) ? -1 : 1));
}

type Connection = AzurePrivateEndpoint['connections'][number];
/**
 * Private endpoint connections by the id of what they connect to, once per inventory: every subscription's checks ask
 * for every AI resource's endpoints, and a scan of every endpoint per question grew with their product.
 */
const connectionIndexes = new WeakMap<AzureInventory, Map<string, { pe: AzurePrivateEndpoint; c: Connection }[]>>();
function connectionsTo(inv: AzureInventory): Map<string, { pe: AzurePrivateEndpoint; c: Connection }[]> {
  let m = connectionIndexes.get(inv);
  if (!m) {
    m = new Map();
    for (const pe of inv.privateEndpoints)
      for (const c of pe.connections) {
        if (!c.privateLinkServiceId) continue;
        const k = azureIdKey(c.privateLinkServiceId);
        (m.get(k) ?? m.set(k, []).get(k)!).push({ pe, c });
      }
    connectionIndexes.set(inv, m);
  }
  return m;
}

/**
 * Public network access as Azure evaluates it: an explicit Disabled wins; otherwise the network ACLs decide.
 * SecuredByPerimeter hands the decision to a network security perimeter's access rules, which cordon does not read:
 * `unknown` (and `open`, so a caller that forgets to look never passes it).
 */
export function publicExposure(t: AzurePrivateLinkTarget): { open: boolean; how: string; unknown?: true } {
  const pna = (t.publicNetworkAccess ?? '').toLowerCase();
  if (pna === 'disabled') return { open: false, how: 'publicNetworkAccess Disabled' };
  if (pna === 'securedbyperimeter')
    return {
      open: true,
      unknown: true,
      how: `publicNetworkAccess ${t.publicNetworkAccess}: the network security perimeter's access rules decide, and cordon does not read them`,
    };
  const acl = t.networkAcls;
  // AI Search has no default action: its IP rules are an allow list that blocks every other public address, and
  // with none the service is open (Microsoft.Search networkRuleSet.ipRules, applied while publicNetworkAccess is on).
  const search = /\/providers\/microsoft\.search\/searchservices\//i.test(t.id);
  const action = search ? (acl?.ipRules.length ? 'deny' : '') : (acl?.defaultAction ?? '').toLowerCase();
  if (action === 'deny') {
    // "Selected networks": only the listed IP ranges and subnets get in. cordon is stricter than Azure Policy here
    // when a rule admits the whole internet.
    // Ranges that together hold every address (0.0.0.0/0, or its halves) admit the whole internet too.
    if (coversWholeInternet(acl!.ipRules))
      return {
        open: true,
        how: `${search ? 'IP rules' : 'network ACLs deny by default but'} admit ${acl!.ipRules.join(', ')}, every address`,
      };
    return {
      open: false,
      how: search
        ? `publicNetworkAccess ${t.publicNetworkAccess ?? 'unset'}, IP rules admit only ${acl!.ipRules.join(', ')}`
        : `publicNetworkAccess ${t.publicNetworkAccess ?? 'unset'}, network ACLs deny by default${acl!.ipRules.length ? ` (allowing ${acl!.ipRules.join(', ')})` : ''}`,
    };
  }
  return {
    open: true,
    how: `publicNetworkAccess ${t.publicNetworkAccess ?? 'unset (Enabled)'}${acl ? `, network ACLs default ${acl.defaultAction ?? 'unset (Allow)'}` : ', no network ACLs'}`,
  };
}

/** VNets (any subscription) with a subnet in a calling zone: the networks that must resolve AI names privately. */
export function callerVnets(ctx: AzureCheckContext): { vnet: AzureVirtualNetwork; subnets: AzureSubnet[] }[] {
  const calling = callingZones(ctx.policy);
  const byVnet = new Map<string, AzureSubnet[]>();
  for (const s of ctx.inventory.subnets) {
    const zone = ctx.zones.subnet(s.id)?.zone;
    if (zone && calling.has(zone)) byVnet.set(azureIdKey(s.vnetId), [...(byVnet.get(azureIdKey(s.vnetId)) ?? []), s]);
  }
  return ctx.inventory.virtualNetworks
    .filter((v) => byVnet.has(azureIdKey(v.id)))
    .map((v) => ({ vnet: v, subnets: byVnet.get(azureIdKey(v.id))! }))
    .sort((a, b) => (azureIdKey(a.vnet.id) < azureIdKey(b.vnet.id) ? -1 : 1));
}

export function targetResource(t: AiTarget) {
  return { id: t.resource.id, type: t.type };
}

/**
 * The scope's own virtual networks that host AI workloads (sorted by id), each with its subnets that matter: subnets
 * in a zone that calls AI services, and subnets holding private endpoints to an AI service. The VNets whose traffic
 * and DNS queries the flow monitor needs (seed 000: capture traffic between zones, log every DNS query).
 */
export function aiVirtualNetworks(ctx: AzureCheckContext): { vnet: AzureVirtualNetwork; subnets: AzureSubnet[] }[] {
  const calling = callingZones(ctx.policy);
  const { aiEndpointSubnets, subnetsOf } = networkIndex(ctx.inventory);
  return [...ctx.own.virtualNetworks]
    .sort((a, b) => (azureIdKey(a.id) < azureIdKey(b.id) ? -1 : 1))
    .map((vnet) => ({
      vnet,
      subnets: (subnetsOf.get(azureIdKey(vnet.id)) ?? []).filter(
        (s) => calling.has(ctx.zones.subnet(s.id)?.zone ?? '') || aiEndpointSubnets.has(azureIdKey(s.id)),
      ),
    }))
    .filter((v) => v.subnets.length > 0);
}

/** The subnets holding AI private endpoints, and the subnets of each VNet, once per inventory (asked per subscription). */
const networkIndexes = new WeakMap<
  AzureInventory,
  { aiEndpointSubnets: Set<string>; subnetsOf: Map<string, AzureSubnet[]> }
>();
function networkIndex(inv: AzureInventory) {
  let x = networkIndexes.get(inv);
  if (!x) {
    const aiEndpointSubnets = new Set(
      aiTargets(inv).flatMap((t) =>
        endpointsTo(inv, t.resource).flatMap((e) => (e.endpoint.subnetId ? [azureIdKey(e.endpoint.subnetId)] : [])),
      ),
    );
    const subnetsOf = new Map<string, AzureSubnet[]>();
    for (const s of inv.subnets) {
      const k = azureIdKey(s.vnetId);
      (subnetsOf.get(k) ?? subnetsOf.set(k, []).get(k)!).push(s);
    }
    networkIndexes.set(inv, (x = { aiEndpointSubnets, subnetsOf }));
  }
  return x;
}
