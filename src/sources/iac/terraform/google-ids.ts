/**
 * The ids of Terraform google resources before deploy: the relative resource names the GCP snapshot reader produces
 * ("projects/p/global/networks/n"), built statically from the resource's name, project and location, so references
 * between resources (`google_compute_network.vpc.id`, `.self_link`) join like the snapshot's. Project: the resource's
 * `project`, else the provider's, else `iac`; region: `region` (or the zone's region), else the provider's, else
 * `iac-region` (docs/iac.md). Kept apart from google.ts so modules.ts does not load the mapper to expand resources.
 */
import type { ProviderConf } from './modules.js';
import { isUnknown, Unknown, type Value, type ValueObject } from './values.js';

// The same scope values modules.ts uses (IAC_ACCOUNT, IAC_REGION); repeated here to keep the import type-only.
export const IAC_PROJECT = 'iac';
const IAC_REGION = 'iac-region';

const last = (s: string) => s.slice(s.lastIndexOf('/') + 1);
/** "us-central1-a" → "us-central1" (a zone's region). */
const zoneRegion = (z: string) => (/^[a-z]+-[a-z]+\d+-[a-z]$/.test(last(z)) ? last(z).replace(/-[a-z]$/, '') : last(z));

export function googleProject(v: ValueObject, conf: ProviderConf): Value {
  const p = v.project;
  if (typeof p === 'string' || isUnknown(p)) return p;
  return typeof conf.account === 'string' ? conf.account : IAC_PROJECT;
}

export function googleRegion(v: ValueObject, conf: ProviderConf): Value {
  const r = v.region ?? v.location;
  if (isUnknown(r)) return r;
  if (typeof r === 'string') return last(r);
  if (typeof v.zone === 'string') return zoneRegion(v.zone);
  if (isUnknown(v.zone)) return v.zone;
  if (typeof conf.region === 'string') return conf.region;
  if (typeof conf.zone === 'string') return zoneRegion(conf.zone);
  return IAC_REGION;
}

export function googleZone(v: ValueObject, conf: ProviderConf, where: string): Value {
  const z = v.zone ?? v.location;
  if (typeof z === 'string') return last(z);
  if (isUnknown(z)) return z;
  if (typeof conf.zone === 'string') return conf.zone;
  return new Unknown('zone', where, 'no zone argument and no static zone in the provider block');
}

type Path = (v: ValueObject, p: string, conf: ProviderConf, where: string, address: string) => Value;

/** The first Unknown among parts, else the joined path. */
function join(...parts: Value[]): Value {
  for (const x of parts) if (isUnknown(x)) return x;
  const strings = parts.filter((x): x is string => typeof x === 'string');
  return strings.length === parts.length ? strings.join('/') : null;
}

const regional =
  (collection: string): Path =>
  (v, p, conf) =>
    join('projects', p, 'regions', googleRegion(v, conf), collection, v.name ?? null);
const global =
  (collection: string): Path =>
  (v, p) =>
    join('projects', p, 'global', collection, v.name ?? null);

const PATHS: Record<string, Path> = {
  google_compute_network: global('networks'),
  google_compute_subnetwork: regional('subnetworks'),
  google_compute_firewall: global('firewalls'),
  google_compute_route: global('routes'),
  google_compute_router: regional('routers'),
  google_compute_address: regional('addresses'),
  google_compute_global_address: global('addresses'),
  google_compute_forwarding_rule: regional('forwardingRules'),
  google_compute_service_attachment: regional('serviceAttachments'),
  google_compute_global_forwarding_rule: global('forwardingRules'),
  google_compute_backend_service: global('backendServices'),
  google_compute_region_backend_service: regional('backendServices'),
  google_compute_url_map: global('urlMaps'),
  google_compute_region_url_map: regional('urlMaps'),
  google_compute_target_http_proxy: global('targetHttpProxies'),
  google_compute_target_https_proxy: global('targetHttpsProxies'),
  google_compute_region_target_http_proxy: regional('targetHttpProxies'),
  google_compute_region_target_https_proxy: regional('targetHttpsProxies'),
  google_compute_target_tcp_proxy: global('targetTcpProxies'),
  google_compute_region_target_tcp_proxy: regional('targetTcpProxies'),
  google_compute_target_ssl_proxy: global('targetSslProxies'),
  google_compute_target_pool: regional('targetPools'),
  google_compute_instance_group: (v, p, conf, where) =>
    join('projects', p, 'zones', googleZone(v, conf, where), 'instanceGroups', v.name ?? null),
  google_compute_instance: (v, p, conf, where) =>
    join('projects', p, 'zones', googleZone(v, conf, where), 'instances', v.name ?? null),
  google_dns_managed_zone: (v, p) => join('projects', p, 'managedZones', v.name ?? null),
  google_dns_record_set: (v, p) =>
    join('projects', p, 'managedZones', v.managed_zone ?? null, 'rrsets', v.name ?? null, v.type ?? null),
  google_dns_policy: (v, p) => join('projects', p, 'policies', v.name ?? null),
  google_project_service: (v, p) => join('projects', p, 'services', v.service ?? null),
  // An endpoint's name is a number, often drawn at apply (`random_id`): then the Terraform address stands in for it,
  // as for index endpoints — whether the endpoint is public does not depend on it.
  google_vertex_ai_endpoint: (v, p, conf, _where, address) =>
    join(
      'projects',
      p,
      'locations',
      googleRegion(v, conf),
      'endpoints',
      isUnknown(v.name) ? address : (v.name ?? null),
    ),
  // The API names an index endpoint by a number it assigns: the Terraform address stands in for it.
  google_vertex_ai_index_endpoint: (v, p, conf, _where, address) =>
    join('projects', p, 'locations', googleRegion(v, conf), 'indexEndpoints', address),
  google_workbench_instance: (v, p, conf, where) =>
    join('projects', p, 'locations', googleZone(v, conf, where), 'instances', v.name ?? null),
  // Named in full in the code ("accessPolicies/N/servicePerimeters/x", "projects/p/policies/c").
  google_access_context_manager_service_perimeter: (v) => v.name ?? null,
  google_org_policy_policy: (v) => v.name ?? null,
  // The provider's id of a project is "projects/<project_id>"; a folder's is "folders/<number>", assigned on create.
  google_project: (v) => join('projects', v.project_id ?? null),
  google_folder: (_v, _p, _conf, _where, address) => folderStandIn(address),
  google_compute_firewall_policy: (_v, _p, _conf, _where, address) => `locations/global/firewallPolicies/${address}`,
  google_compute_firewall_policy_with_rules: (_v, _p, _conf, _where, address) =>
    `locations/global/firewallPolicies/${address}`,
  google_compute_network_firewall_policy: global('firewallPolicies'),
  google_compute_region_network_firewall_policy: regional('firewallPolicies'),
  google_compute_network_firewall_policy_with_rules: global('firewallPolicies'),
  google_compute_region_network_firewall_policy_with_rules: regional('firewallPolicies'),
};

/**
 * A folder's number is assigned when it is created: the Terraform address stands in for it ("folders/<address>"), so
 * a project or policy placed in a folder the tree declares (`folder_id = google_folder.ai.name`) joins it.
 */
export function folderStandIn(address: string): string {
  return `folders/${address}`;
}

/**
 * A declared project's `number`: not known before deploy, so it stays an Unknown wherever it is used (a service account
 * email built from it matches nothing written literally), except where the API names a project by number and cordon
 * by id — perimeter resources ("projects/<number>") — where the mapper reads it as the project it belongs to.
 */
export class ProjectNumber extends Unknown {
  constructor(
    readonly projectId: string,
    address: string,
    where: string,
  ) {
    super(`${address}.number`, where, 'known only after apply');
  }
}

/**
 * Attributes known only after apply that cordon can still stand in for, because the tree declares what they name:
 * a project's `number` (ProjectNumber) and a folder's `name` / `folder_id` (its stand-in).
 */
export function googleStandIns(type: string, v: ValueObject, address: string, where: string): [string, () => Value][] {
  if (type === 'google_project')
    return [
      [
        'number',
        () =>
          typeof v.project_id === 'string'
            ? new ProjectNumber(v.project_id, address, where)
            : new Unknown(`${address}.number`, where, 'known only after apply'),
      ],
    ];
  // A hierarchical firewall policy's `name` is the number the API assigns: its address stands in (its id is built so).
  if (type === 'google_compute_firewall_policy' || type === 'google_compute_firewall_policy_with_rules')
    return [['name', () => address]];
  if (type === 'google_folder')
    return [
      ['name', () => folderStandIn(address)],
      ['folder_id', () => address],
    ];
  return [];
}

export function isMappedGoogleType(type: string): boolean {
  return type in PATHS;
}

/** The resource's relative name (or the Unknown that stops it being known); undefined for types without one. */
export function googleResourceId(
  type: string,
  v: ValueObject,
  conf: ProviderConf,
  where = '',
  address = '',
): Value | undefined {
  const path = PATHS[type];
  if (!path) return undefined;
  const p = googleProject(v, conf);
  if (isUnknown(p)) return p;
  const id = path(v, p as string, conf, where, address);
  return id === null ? undefined : id;
}

/** Compute resources' self link (what `.self_link` gives); other types have none. */
export function googleSelfLink(type: string, v: ValueObject, conf: ProviderConf, where = ''): Value | undefined {
  if (!type.startsWith('google_compute_')) return undefined;
  const id = googleResourceId(type, v, conf, where, '');
  return typeof id === 'string' ? `https://www.googleapis.com/compute/v1/${id}` : id;
}
