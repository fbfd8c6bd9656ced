/**
 * Telling a Google Cloud snapshot document by content. Three families:
 * - Cloud Asset Inventory: `gcloud asset list --format=json` (an array of assets: name "//service.googleapis.com/…",
 *   assetType, ancestors, resource.data / servicePerimeter / orgPolicy), the REST `assets.list` response
 *   ({assets, nextPageToken}), and `gcloud asset export` output (JSON lines, one asset per line — read by the loader);
 * - REST resources as gcloud `--format=json` prints them (an array, or one resource from `describe`), told by `kind`
 *   ("compute#network", "dns#managedZone", …) or by the shape of `name` where the API has no kind (Vertex AI,
 *   Workbench, Access Context Manager, Org Policy v2, Service Usage, Resource Manager);
 * - REST list responses ({kind: "compute#networkList", items, nextPageToken}, aggregated lists, {managedZones},
 *   {rrsets}, {endpoints}, {servicePerimeters}, {accessLevels}, {policies}, {services}…).
 * Plus cordon's own manifest ({"cordonSnapshot": 1, "provider": "gcp"}).
 */

export type GcpDocumentKind =
  | 'cordon-manifest'
  | 'asset-array'
  | 'asset-list-response'
  | 'asset'
  | 'resource-array'
  | 'resource'
  | 'list-response'
  | 'aggregated-list'
  | 'ancestors';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

export function isAsset(v: unknown): boolean {
  return isObject(v) && typeof v.assetType === 'string' && typeof v.name === 'string' && v.name.startsWith('//');
}

const NAME_PATTERNS = [
  /^accessPolicies\/[^/]+\/(servicePerimeters|accessLevels)\/[^/]+$/,
  /^(projects|folders|organizations)\/[^/]+\/policies\/[^/]+$/,
  /^projects\/[^/]+\/locations\/[^/]+\/(endpoints|indexEndpoints|instances|runtimes)\/[^/]+$/,
  /^projects\/[^/]+\/services\/[^/]+$/,
];

/** A REST resource cordon can read: a known `kind`, or a name of a kind-less API, or a project. */
export function isGcpResource(v: unknown): boolean {
  if (!isObject(v)) return false;
  if (typeof v.kind === 'string' && /^(compute|dns)#/.test(v.kind)) return true;
  if (typeof v.name === 'string' && NAME_PATTERNS.some((p) => p.test(v.name as string))) return true;
  return typeof v.projectId === 'string' && ('projectNumber' in v || 'lifecycleState' in v || 'state' in v);
}

/** Keys that hold the items of a REST list response, by API. */
export const LIST_KEYS = [
  'items',
  'assets',
  'managedZones',
  'rrsets',
  'responsePolicies',
  'responsePolicyRules',
  'policies',
  'endpoints',
  'indexEndpoints',
  'instances',
  'runtimes',
  'servicePerimeters',
  'accessLevels',
  'services',
  'projects',
  'firewallPolicies',
] as const;

/** `gcloud projects get-ancestors P --format=json`: [{id, type: "project"}, {id, type: "folder"}, …]. */
export function isAncestorList(value: unknown): boolean {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(
      (x) => isObject(x) && typeof x.id === 'string' && /^(project|folder|organization)$/.test(String(x.type)),
    ) &&
    (value[0] as Json).type === 'project'
  );
}

export function recogniseGcpDocument(value: unknown): GcpDocumentKind | undefined {
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    if (isAncestorList(value)) return 'ancestors';
    if (value.some(isAsset)) return 'asset-array';
    if (value.some(isGcpResource)) return 'resource-array';
    return undefined;
  }
  if (!isObject(value)) return undefined;
  if ('cordonSnapshot' in value) return value.provider === 'gcp' ? 'cordon-manifest' : undefined;
  if (isAsset(value)) return 'asset';
  if (Array.isArray(value.assets)) return 'asset-list-response';
  if (typeof value.kind === 'string' && /^compute#.*AggregatedList$/.test(value.kind)) return 'aggregated-list';
  if (typeof value.kind === 'string' && /^(compute|dns)#.*(List|ListResponse)$/.test(value.kind))
    return 'list-response';
  if (isGcpResource(value)) return 'resource';
  const listKey = LIST_KEYS.find((k) => Array.isArray(value[k]));
  if (listKey && (value[listKey] as unknown[]).some((x) => isGcpResource(x) || isAsset(x))) return 'list-response';
  return undefined;
}

const HEAD_ASSET = /"assetType"\s*:\s*"[a-z0-9-]+\.googleapis\.com\//;
const HEAD_KIND = /"kind"\s*:\s*"(compute|dns)#/;
const HEAD_SELF_LINK = /"(selfLink|network|networkUrl)"\s*:\s*"https:\/\/(www|compute|dns)\.googleapis\.com\//;
const HEAD_NAME =
  /"name"\s*:\s*"(accessPolicies\/[^"/]+\/(servicePerimeters|accessLevels)\/|(projects|folders|organizations)\/[^"/]+\/policies\/|projects\/[^"/]+\/locations\/[^"/]+\/(endpoints|indexEndpoints|instances|runtimes)\/|projects\/[^"/]+\/services\/[a-z0-9.-]+\.googleapis\.com")/;

const HEAD_PROJECT = /"projectNumber"\s*:/;
const HEAD_PROJECT_ID = /"projectId"\s*:/;
const HEAD_ANCESTOR = /^\s*\[\s*\{\s*"id"\s*:\s*"[^"]*"\s*,\s*"type"\s*:\s*"project"/;

/** True when the head of a file (its first KiB) looks like Google Cloud data. */
export function looksLikeGcp(head: string): boolean {
  return (
    HEAD_ASSET.test(head) ||
    HEAD_KIND.test(head) ||
    HEAD_SELF_LINK.test(head) ||
    HEAD_NAME.test(head) ||
    (HEAD_PROJECT.test(head) && HEAD_PROJECT_ID.test(head)) ||
    HEAD_ANCESTOR.test(head)
  );
}
