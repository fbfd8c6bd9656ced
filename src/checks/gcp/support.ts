/** Lookups the GCP checks share: per-project views, zone placement, AI projects and networks. */
import { placeGcpResources, type GcpZonePlacement, type GcpZoneSelector } from '../../analysis/gcp-zones.js';
import { gcpIdKey, type GcpInventory, type GcpSubnetwork } from '../../inventory/gcp.js';
import { callingZones } from '../../policy/calling-zones.js';
import type { ZonePolicy } from '../../policy/load.js';

type ListKey = {
  [K in keyof GcpInventory]-?: GcpInventory[K] extends readonly { project: string }[] ? K : never;
}[keyof GcpInventory];

/** Lists above the projects: every project view shares them whole. */
const HIERARCHY_LISTS = new Set<keyof GcpInventory>([
  'hierarchicalFirewallPolicies',
  'servicePerimeters',
  'accessLevels',
  'orgPolicies',
]);

function projectListKeys(inv: GcpInventory): ListKey[] {
  return (Object.keys(inv) as (keyof GcpInventory)[]).filter(
    (k): k is ListKey => Array.isArray(inv[k]) && !HIERARCHY_LISTS.has(k),
  );
}

/**
 * A view whose project-level lists are empty and whose every other part (hierarchy-level lists, data-set,
 * unavailable and partial maps, origins) is shared, so a part added to the inventory later is shared by default.
 */
export function emptyProjectView(inv: GcpInventory): GcpInventory {
  const view = { ...inv };
  for (const k of projectListKeys(inv)) (view[k] as unknown[]) = [];
  return view;
}

/** Every project-level list split by project in one pass; hierarchy lists and maps are shared. */
export function inventoryByProject(inv: GcpInventory): Map<string, GcpInventory> {
  const views = new Map<string, GcpInventory>();
  for (const key of projectListKeys(inv)) {
    for (const item of inv[key] as readonly { project: string }[]) {
      let view = views.get(item.project);
      if (!view) {
        view = emptyProjectView(inv);
        views.set(item.project, view);
      }
      (view[key] as unknown[]).push(item);
    }
  }
  return views;
}

/** The policy's zone selectors in the form GCP zone placement takes. */
export function gcpSelectors(policy: ZonePolicy): GcpZoneSelector[] {
  return [...policy.zones.values()]
    .filter((z) => z.kind === 'network')
    .map((z) => ({
      zone: z.name,
      subnetIds: z.subnet_ids,
      networkIds: z.vpc_ids,
      cidrs: z.cidrs,
      labels: z.tags,
      networkTags: z.network_tags,
      serviceAccounts: z.service_accounts,
    }));
}

/**
 * Zone placement of an inventory under a policy, built once: the checks' engine and the summary KPI share it (and
 * every index cached per placement).
 */
export function placeGcp(inv: GcpInventory, policy: ZonePolicy): GcpZonePlacement {
  const byPolicy = perInventory(inv, 'zones', () => new WeakMap<ZonePolicy, GcpZonePlacement>());
  let zones = byPolicy.get(policy);
  if (!zones) byPolicy.set(policy, (zones = buildPlacement(inv, policy)));
  return zones;
}

function buildPlacement(inv: GcpInventory, policy: ZonePolicy): GcpZonePlacement {
  return placeGcpResources(
    {
      subnetworks: inv.subnetworks,
      networks: inv.networks,
      instances: inv.instances,
      workbenchInstances: inv.workbenchInstances,
      forwardingRules: inv.forwardingRules,
    },
    gcpSelectors(policy),
    { zoneTagKey: policy.document.zone_tag_key },
  );
}

/** The Google APIs AI workloads use: the policy's approved services, always with Vertex AI. */
export function approvedServices(policy: ZonePolicy): string[] {
  return [...new Set(['aiplatform.googleapis.com', ...policy.document.gcp.approved_services])].sort();
}

/**
 * Subnetworks that must reach Vertex AI privately: those placed in a zone the policy lets call a service zone on 443.
 */
export function aiSubnetworks(
  subnets: readonly GcpSubnetwork[],
  zones: GcpZonePlacement,
  policy: ZonePolicy,
): GcpSubnetwork[] {
  const calling = callingZones(policy);
  return subnets.filter((s) => {
    const m = zones.subnetwork(s.id);
    return m !== undefined && calling.has(m.zone);
  });
}

/** Ids (relative names) of the networks that hold an AI subnetwork, sorted. */
export function aiNetworkIds(inv: GcpInventory, zones: GcpZonePlacement, policy: ZonePolicy): string[] {
  return [...new Set(aiSubnetworks(inv.subnetworks, zones, policy).map((s) => gcpIdKey(s.network)))].sort();
}

/**
 * AI projects: projects that hold Vertex AI resources or Workbench instances, use the Vertex AI API, or hold an AI
 * subnetwork. Sorted project ids.
 */
export function aiProjects(inv: GcpInventory, zones: GcpZonePlacement, policy: ZonePolicy): string[] {
  const out = new Set<string>();
  for (const r of [...inv.vertexEndpoints, ...inv.vertexIndexEndpoints, ...inv.workbenchInstances]) out.add(r.project);
  for (const s of inv.enabledServices)
    if (s.service === 'aiplatform.googleapis.com' || s.service === 'notebooks.googleapis.com') out.add(s.project);
  for (const s of aiSubnetworks(inv.subnetworks, zones, policy)) out.add(s.project);
  return [...out].sort();
}

const perInventoryCache = new WeakMap<object, Map<string, unknown>>();

/**
 * A value computed once per owner object (the inventory, the zone placement) and name: checks run once per project
 * over the same inventory, and an index rebuilt in every run makes the catalog quadratic in the number of projects.
 */
export function perInventory<T>(owner: object, name: string, build: () => T): T {
  let m = perInventoryCache.get(owner);
  if (!m) perInventoryCache.set(owner, (m = new Map<string, unknown>()));
  if (!m.has(name)) m.set(name, build());
  return m.get(name) as T;
}
