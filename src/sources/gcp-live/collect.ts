/**
 * `cordon collect gcp`: reads projects (listed, a folder's, an organization's) read-only and writes the snapshot the
 * GCP snapshot source reads, so that live and offline audits share one path:
 *
 * - Cloud Asset API v1 `assets.list` (contentType RESOURCE) per scope given, for every asset type of the project-level
 *   data sets in GCP_DATASETS, paged; written per project as `gcloud asset list --format=json` prints it.
 * - What the Asset API does not hold, read directly: Cloud DNS record sets of private zones (DNS v1; no asset type),
 *   organization policies (Org Policy v2 `policies.list` on every project, folder and organization: the ORG_POLICY
 *   content type returns the v1 format, which cannot express v2 rules or dry-run specs), hierarchical firewall
 *   policies of every folder and organization above the projects (Compute v1; a project-scoped asset list does not
 *   reach them), and VPC Service Controls perimeters through the ACCESS_POLICY content type of each organization.
 * - A manifest per project and per folder/organization naming the data sets read completely and those that could not
 *   be read, with the reason and the permission (or the API to enable).
 *
 * A denied project or a disabled API is unavailable data for the data sets it covers, never a pass and never an abort;
 * only credentials that do not work or an endpoint that cannot be reached stop the run.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import path from 'node:path';
import { GCP_DATASETS, type GcpDataset } from '../../inventory/gcp.js';
import { createLimiter } from '../aws-live/limiter.js';
import { CollectError } from '../aws-live/errors.js';
import { MANIFEST_FILE, prepareOutDir, stableJson } from '../aws-live/writer.js';
import { gcpAuthClient, GcpCredentialSetupError } from './credentials.js';
import { classifyGcpError, GcpRest, type GcpAuthClient, type GcpFailure } from './rest.js';

type Json = Record<string, unknown>;

const ALL = Object.keys(GCP_DATASETS) as GcpDataset[];
/** Read directly, not through the Asset API's RESOURCE content. */
const RECORD_SETS: GcpDataset = 'dns:record-sets';
/** routers.getRouterStatus per router (no asset type): the routes Cloud Routers learned. */
const ROUTER_STATUS: GcpDataset = 'compute:router-status';
/** Read from Cloud DNS directly (responsePolicies.list, responsePolicyRules.list), like record sets. */
const RESPONSE_POLICIES: GcpDataset = 'dns:response-policies';
const RESPONSE_POLICY_RULES: GcpDataset = 'dns:response-policy-rules';
/** Project data sets not read through the Asset API. */
const DIRECT: readonly GcpDataset[] = [RECORD_SETS, ROUTER_STATUS, RESPONSE_POLICIES, RESPONSE_POLICY_RULES];
const HIERARCHY: GcpDataset[] = ALL.filter((d) => GCP_DATASETS[d].level === 'hierarchy');
/** Data sets the RESOURCE asset list fills, and the asset types to ask for. */
export const ASSET_DATASETS = ALL.filter((d) => GCP_DATASETS[d].level === 'project' && !DIRECT.includes(d));
export const ASSET_TYPES = [...new Set(ASSET_DATASETS.flatMap((d) => [...GCP_DATASETS[d].assetTypes]))].sort();
const PERIMETER_TYPE = 'accesscontextmanager.googleapis.com/ServicePerimeter';
/** Listed with the perimeters (the same ACCESS_POLICY content): the access levels perimeters admit requests by. */
const ACCESS_LEVEL_TYPE = 'accesscontextmanager.googleapis.com/AccessLevel';
const PAGE_SIZE = '1000';

/**
 * Every IAM permission the collector's calls need (docs/gcp-role.json lists exactly these; a test checks), with the
 * call it is for. The Asset API needs no per-service permission: listing assets under a parent needs only its own.
 */
export const GCP_PERMISSIONS = {
  assets: 'cloudasset.assets.listResource',
  accessPolicy: 'cloudasset.assets.listAccessPolicy',
  /** The Asset API is billed to a quota project; the caller must be allowed to use it there. */
  quota: 'serviceusage.services.use',
  recordSets: GCP_DATASETS['dns:record-sets'].permission,
  orgPolicies: GCP_DATASETS['orgpolicy:policies'].permission,
  firewallPoliciesList: GCP_DATASETS['compute:hierarchical-firewall-policies'].permission,
  firewallPoliciesGet: 'compute.firewallPolicies.get',
  /** instanceGroups.listInstances / regionInstanceGroups.listInstances. */
  groupMembers: 'compute.instanceGroups.list',
  /** networkEndpointGroups.listNetworkEndpoints. */
  negEndpoints: 'compute.networkEndpointGroups.list',
  routerStatus: GCP_DATASETS['compute:router-status'].permission,
  responsePolicies: GCP_DATASETS[RESPONSE_POLICIES].permission,
  responsePolicyRules: GCP_DATASETS[RESPONSE_POLICY_RULES].permission,
} as const;
export const GCP_COLLECT_PERMISSIONS: readonly string[] = [...new Set(Object.values(GCP_PERMISSIONS))].sort();

export interface GcpCollectOptions {
  out: string;
  /** Organization number ("123" or "organizations/123"). */
  organization?: string;
  /** Folder numbers. */
  folders?: string[];
  /** Project ids (or numbers). */
  projects?: string[];
  /** Send every call, token calls included, here (an emulator). */
  endpoint?: string;
  /** PEM certificates to trust. */
  ca?: string;
  /** Injected client (library users, tests). */
  client?: GcpAuthClient;
  env?: NodeJS.ProcessEnv;
  /** Calls in flight at once. */
  concurrency?: number;
  maxRetries?: number;
  /** Base of the backoff when an answer gives no Retry-After. */
  backoffMs?: number;
}

export interface GcpUnavailable {
  /** Project id, or "organizations/N" / "folders/N". */
  scope: string;
  dataset: GcpDataset;
  reason: string;
  permission: string;
}

export interface GcpScopeSummary {
  scope: string;
  collected: GcpDataset[];
  unavailable: GcpUnavailable[];
}

export interface GcpCollectSummary {
  projects: GcpScopeSummary[];
  /** Folders and organizations above the projects (hierarchy-level data sets). */
  hierarchy: GcpScopeSummary[];
  /** Scopes asked for that could not be listed at all (their projects are unknown). */
  skipped: { scope: string; reason: string }[];
  resources: number;
  apiCalls: number;
}

interface Outcome {
  items: Json[];
  failure?: { reason: string; permission: string };
}

interface ProjectState {
  id: string;
  number?: string;
  /** Folders and organization above it, nearest first. */
  ancestors: string[];
  assets: Json[];
  assetFailure?: { reason: string; permission: string };
  recordSets: Map<string, Json[]>;
  recordSetFailure?: { reason: string; permission: string };
  /** Cloud DNS response policies, and the rules of each by policy name. */
  responsePolicies: Json[];
  responsePolicyRules: Map<string, Json[]>;
  responsePolicyFailure?: { reason: string; permission: string };
  /** Instance group members or NEG endpoints that could not be listed (those groups keep unknown members). */
  memberFailures: Map<GcpDataset, { reason: string; permission: string }>;
  /** routers.getRouterStatus answers, each with the router it is for (`router`: its relative name). */
  routerStatuses: Json[];
  /** Routers whose status could not be read (their learned routes stay unknown). */
  routerStatusFailures: { router: string; reason: string; permission: string }[];
  orgPolicies?: Outcome;
  /** Its project asset was read (so its ancestors are known). */
  described?: boolean;
}

interface NodeState {
  node: string;
  orgPolicies?: Outcome;
  firewallPolicies?: Outcome;
  perimeters?: Outcome;
}

export async function collectGcp(o: GcpCollectOptions): Promise<GcpCollectSummary> {
  const parents = scopesToRead(o);
  const agent = o.ca ? new Agent({ ca: o.ca, keepAlive: true }) : undefined;
  let client: GcpAuthClient;
  try {
    client =
      o.client ??
      (await gcpAuthClient({
        env: o.env ?? process.env,
        ...(o.endpoint ? { endpoint: o.endpoint } : {}),
        ...(agent ? { agent } : {}),
      }));
  } catch (err) {
    if (err instanceof GcpCredentialSetupError) throw new CollectError(err.message);
    throw new CollectError(`no Google Cloud credentials: ${(err as Error).message}`);
  }
  await prepareOutDir(o.out);
  const rest = new GcpRest({
    client,
    limit: createLimiter(o.concurrency ?? 8),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(agent ? { agent } : {}),
    ...(o.maxRetries !== undefined ? { maxRetries: o.maxRetries } : {}),
    ...(o.backoffMs !== undefined ? { backoffMs: o.backoffMs } : {}),
  });
  try {
    return await collectWith(rest, o, parents);
  } finally {
    agent?.destroy();
  }
}

function scopesToRead(o: GcpCollectOptions): string[] {
  const parents: string[] = [];
  if (o.organization) {
    const n = o.organization.replace(/^organizations\//, '');
    if (!/^\d+$/.test(n)) throw new CollectError(`${JSON.stringify(o.organization)} is not an organization number`);
    parents.push(`organizations/${n}`);
  }
  for (const f of o.folders ?? []) {
    const n = f.replace(/^folders\//, '');
    if (!/^\d+$/.test(n)) throw new CollectError(`${JSON.stringify(f)} is not a folder number`);
    parents.push(`folders/${n}`);
  }
  for (const p of o.projects ?? []) {
    const id = p.replace(/^projects\//, '');
    // Project ids: 6-30 lower-case letters, digits, hyphens (numbers are accepted too).
    if (!/^([a-z][a-z0-9-]{4,28}[a-z0-9]|\d+)$/.test(id))
      throw new CollectError(`${JSON.stringify(p)} is not a project id`);
    parents.push(`projects/${id}`);
  }
  if (parents.length === 0)
    throw new CollectError('say what to read: --projects, --folders or --organization (or several of them)');
  return [...new Set(parents)];
}

/** Stops the run: nothing else can work with these. */
function fatal(f: GcpFailure): boolean {
  return f.kind === 'credentials' || f.kind === 'unreachable';
}

function failureOf(err: unknown, permission: string): { reason: string; permission: string } {
  const f = classifyGcpError(err);
  if (fatal(f)) throw new CollectError(f.reason);
  return { reason: f.reason, permission: f.permission ?? permission };
}

async function attempt(run: () => Promise<Json[]>, permission: string): Promise<Outcome> {
  try {
    return { items: await run() };
  } catch (err) {
    return { items: [], failure: failureOf(err, permission) };
  }
}

async function collectWith(rest: GcpRest, o: GcpCollectOptions, parents: string[]): Promise<GcpCollectSummary> {
  const skipped: GcpCollectSummary['skipped'] = [];
  const projects = new Map<string, ProjectState>();
  const byNumber = new Map<string, string>();
  const failedProjects: { id: string; failure: { reason: string; permission: string } }[] = [];
  const assetsByParent = await Promise.all(
    parents.map(async (parent) => ({
      parent,
      outcome: await attempt(
        () =>
          rest.list(
            rest.url('cloudasset', `/v1/${parent}/assets`, {
              contentType: 'RESOURCE',
              assetTypes: ASSET_TYPES,
              pageSize: PAGE_SIZE,
            }),
            'assets',
          ),
        GCP_PERMISSIONS.assets,
      ),
    })),
  );

  // Projects first (their numbers name the others' ancestors), then every asset under its project.
  const seen = new Set<string>();
  const all: Json[] = [];
  const inactive = new Set<string>();
  /** Organizations and folders whose assets could not be listed: their projects are unknown. */
  const unlisted: { scope: string; reason: string; permission: string }[] = [];
  for (const { parent, outcome } of assetsByParent) {
    if (outcome.failure) {
      if (parent.startsWith('projects/'))
        failedProjects.push({ id: parent.slice('projects/'.length), failure: outcome.failure });
      else unlisted.push({ scope: parent, ...outcome.failure });
      continue;
    }
    for (const a of outcome.items)
      if (typeof a.name === 'string' && !seen.has(a.name)) {
        seen.add(a.name);
        all.push(a);
      }
  }
  for (const a of all) {
    if (a.assetType !== 'cloudresourcemanager.googleapis.com/Project') continue;
    const data = ((a.resource as Json | undefined)?.data ?? {}) as Json;
    const id = typeof data.projectId === 'string' ? data.projectId : undefined;
    if (!id) continue;
    const number =
      (typeof data.projectNumber === 'string' || typeof data.projectNumber === 'number'
        ? String(data.projectNumber)
        : undefined) ?? /projects\/(\d+)$/.exec(String(a.name))?.[1];
    const ancestors = (Array.isArray(a.ancestors) ? (a.ancestors as unknown[]) : [])
      .map(String)
      .filter((x) => !x.startsWith('projects/'));
    // A project pending deletion is shut down and its APIs refuse calls: skipped and said so, as Azure's disabled
    // subscriptions are (v1 lifecycleState, v3 state).
    const state = data.lifecycleState ?? data.state;
    if (state === 'DELETE_REQUESTED' || state === 'DELETE_IN_PROGRESS') {
      skipped.push({ scope: `projects/${id}`, reason: `project is ${String(state)}` });
      if (number) byNumber.set(number, id);
      inactive.add(id);
      continue;
    }
    projects.set(id, { ...newProject(id), ...(number ? { number } : {}), ancestors, described: true });
    if (number) byNumber.set(number, id);
  }
  const projectOf = (a: Json): string | undefined => {
    const first = Array.isArray(a.ancestors) ? String(a.ancestors[0] ?? '') : '';
    const m = /^projects\/(.+)$/.exec(first);
    return m ? (byNumber.get(m[1]!) ?? m[1]) : undefined;
  };
  for (const a of all) {
    // Assets not in a project (hierarchical firewall policies) are read per folder and organization below.
    const id = projectOf(a);
    if (!id || inactive.has(id)) continue;
    let p = projects.get(id);
    if (!p) projects.set(id, (p = newProject(id)));
    p.assets.push(a);
  }
  // A project asked for whose asset list answered without a single asset — not even the project itself, which every
  // project has — was not read: unavailable data, never a project that silently drops out of the snapshot.
  for (const parent of parents) {
    const m = /^projects\/(.+)$/.exec(parent);
    const id = m?.[1];
    if (!id || inactive.has(id) || inactive.has(byNumber.get(id) ?? '')) continue;
    if (projects.has(id) || projects.has(byNumber.get(id) ?? '') || failedProjects.some((f) => f.id === id)) continue;
    failedProjects.push({
      id,
      failure: {
        reason: 'the Cloud Asset API listed no asset of the project, not even the project itself',
        permission: GCP_PERMISSIONS.assets,
      },
    });
  }
  for (const { id, failure } of failedProjects) {
    if (inactive.has(id) || inactive.has(byNumber.get(id) ?? '')) continue;
    const known = projects.get(id) ?? [...projects.values()].find((p) => p.number === id);
    if (known && known.assets.length > 0) continue; // also read through a folder or the organization
    const p = known ?? newProject(id);
    p.assetFailure = failure;
    projects.set(p.id, p);
  }

  const nodes = new Map<string, NodeState>();
  for (const p of projects.values()) for (const n of p.ancestors) if (!nodes.has(n)) nodes.set(n, { node: n });
  for (const parent of parents)
    if (!parent.startsWith('projects/') && !nodes.has(parent) && !unlisted.some((s) => s.scope === parent))
      nodes.set(parent, { node: parent });

  await Promise.all([
    ...[...projects.values()].map(async (p) => {
      p.orgPolicies = await orgPolicies(rest, `projects/${p.id}`);
      await recordSets(rest, p);
      await responsePolicies(rest, p);
      await groupMembers(rest, p);
      await routerStatuses(rest, p);
    }),
    ...[...nodes.values()].map(async (n) => {
      n.orgPolicies = await orgPolicies(rest, n.node);
      n.firewallPolicies = await firewallPolicies(rest, n.node);
      if (n.node.startsWith('organizations/')) n.perimeters = await perimeters(rest, n.node);
    }),
  ]);

  for (const u of unlisted) skipped.push({ scope: u.scope, reason: `${u.reason} (needs ${u.permission})` });
  skipped.sort((a, b) => cmp(a.scope, b.scope));
  const summary: GcpCollectSummary = { projects: [], hierarchy: [], skipped, resources: 0, apiCalls: 0 };
  for (const n of [...nodes.values()].sort((a, b) => cmp(a.node, b.node))) {
    summary.resources +=
      (n.orgPolicies?.items.length ?? 0) + (n.firewallPolicies?.items.length ?? 0) + (n.perimeters?.items.length ?? 0);
    summary.hierarchy.push(await writeNode(o.out, n));
  }
  for (const p of [...projects.values()].sort((a, b) => cmp(a.id, b.id))) {
    summary.resources +=
      p.assets.length +
      [...p.recordSets.values()].reduce((s, l) => s + l.length, 0) +
      (p.orgPolicies?.items.length ?? 0);
    summary.projects.push(await writeProject(o.out, p, nodes));
  }
  // An organization or folder that could not be listed at all is in the snapshot as unavailable data (beside the
  // manifest of what was read there directly when it is also above a listed project): checks that look up
  // hierarchy data are then not assessed, rather than passing without its projects.
  for (const u of unlisted) {
    const dir = path.join(o.out, u.scope);
    await mkdir(dir, { recursive: true });
    const unavailable = ALL.map((dataset) => ({ scope: u.scope, dataset, reason: u.reason, permission: u.permission }));
    await writeFile(
      path.join(dir, 'cordon-manifest-unlisted.json'),
      manifest({ hierarchy: [u.scope], datasets: [], unavailable }),
    );
  }
  summary.apiCalls = rest.calls;
  return summary;
}

function newProject(id: string): ProjectState {
  return {
    id,
    ancestors: [],
    assets: [],
    recordSets: new Map(),
    responsePolicies: [],
    responsePolicyRules: new Map(),
    memberFailures: new Map(),
    routerStatuses: [],
    routerStatusFailures: [],
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function orgPolicies(rest: GcpRest, parent: string): Promise<Outcome> {
  return attempt(
    () => rest.list(rest.url('orgpolicy', `/v2/${parent}/policies`), 'policies'),
    GCP_PERMISSIONS.orgPolicies,
  );
}

/** Hierarchical firewall policies of a folder or organization, each read whole (its rules and associations). */
function firewallPolicies(rest: GcpRest, node: string): Promise<Outcome> {
  return attempt(async () => {
    const listed = await rest.list(
      rest.url('compute', '/compute/v1/locations/global/firewallPolicies', { parentId: node }),
      'items',
    );
    const out: Json[] = [];
    for (const item of listed) {
      try {
        out.push(
          await rest.get(rest.url('compute', `/compute/v1/locations/global/firewallPolicies/${String(item.name)}`)),
        );
      } catch (err) {
        // Deleted between the list and the read: gone, not a failure.
        if (classifyGcpError(err).kind !== 'not-found') throw err;
      }
    }
    return out;
  }, GCP_PERMISSIONS.firewallPoliciesList);
}

function perimeters(rest: GcpRest, org: string): Promise<Outcome> {
  return attempt(
    () =>
      rest.list(
        rest.url('cloudasset', `/v1/${org}/assets`, {
          contentType: 'ACCESS_POLICY',
          assetTypes: [PERIMETER_TYPE, ACCESS_LEVEL_TYPE],
          pageSize: PAGE_SIZE,
        }),
        'assets',
      ),
    GCP_PERMISSIONS.accessPolicy,
  );
}

/** Record sets of each private zone (public zones answer the internet, not the networks cordon audits). */
async function recordSets(rest: GcpRest, p: ProjectState): Promise<void> {
  if (p.assetFailure) return;
  const zones = p.assets
    .filter((a) => a.assetType === 'dns.googleapis.com/ManagedZone')
    .map((a) => ((a.resource as Json | undefined)?.data ?? {}) as Json)
    .filter((z) => z.visibility === 'private' && typeof z.name === 'string')
    .map((z) => z.name as string)
    .sort();
  try {
    for (const zone of zones) {
      try {
        p.recordSets.set(
          zone,
          await rest.list(
            rest.url('dns', `/dns/v1/projects/${p.id}/managedZones/${encodeURIComponent(zone)}/rrsets`),
            'rrsets',
          ),
        );
      } catch (err) {
        if (classifyGcpError(err).kind !== 'not-found') throw err;
      }
    }
  } catch (err) {
    p.recordSetFailure = failureOf(err, GCP_PERMISSIONS.recordSets);
  }
}

/**
 * Cloud DNS response policies and their rules (a rule answering a Google API name with a public address overrides the
 * private zones of the networks it is bound to). Not asked of the Asset API: whether it lists them is not documented
 * clearly enough to risk the whole asset list on an asset type it may refuse.
 */
async function responsePolicies(rest: GcpRest, p: ProjectState): Promise<void> {
  let permission: string = GCP_PERMISSIONS.responsePolicies;
  try {
    const policies = await rest.list(rest.url('dns', `/dns/v1/projects/${p.id}/responsePolicies`), 'responsePolicies');
    permission = GCP_PERMISSIONS.responsePolicyRules;
    for (const rp of policies) {
      const name = typeof rp.responsePolicyName === 'string' ? rp.responsePolicyName : undefined;
      if (!name) continue;
      p.responsePolicyRules.set(
        name,
        await rest.list(
          rest.url('dns', `/dns/v1/projects/${p.id}/responsePolicies/${encodeURIComponent(name)}/rules`),
          'responsePolicyRules',
        ),
      );
    }
    p.responsePolicies = policies;
  } catch (err) {
    p.responsePolicyFailure = failureOf(err, permission);
  }
}

/**
 * Load-balancer backends: an instance group asset does not list its instances, nor a zonal VM network endpoint group
 * its endpoints. Compute's listInstances / listNetworkEndpoints answer them; they are added to the asset's data as
 * `members` / `endpoints` (docs/gcp-snapshots.md). A group whose list fails keeps unknown members, and its data set is
 * reported unavailable with the permission.
 */
async function groupMembers(rest: GcpRest, p: ProjectState): Promise<void> {
  if (p.assetFailure) return;
  const kinds: [string, GcpDataset, string, string, (d: Json) => boolean][] = [
    ['compute.googleapis.com/InstanceGroup', 'compute:instance-groups', 'listInstances', 'members', () => true],
    [
      'compute.googleapis.com/NetworkEndpointGroup',
      'compute:network-endpoint-groups',
      'listNetworkEndpoints',
      'endpoints',
      (d) => typeof d.networkEndpointType === 'string' && d.networkEndpointType.startsWith('GCE_VM_IP'),
    ],
  ];
  for (const [type, dataset, verb, key, wanted] of kinds) {
    const permission =
      dataset === 'compute:instance-groups' ? GCP_PERMISSIONS.groupMembers : GCP_PERMISSIONS.negEndpoints;
    for (const a of p.assets) {
      const d = (a.resource as Json | undefined)?.data as Json | undefined;
      const rel = String(a.name).replace(/^\/\/compute\.googleapis\.com\//, '');
      if (a.assetType !== type || !d || !wanted(d) || p.memberFailures.has(dataset)) continue;
      // Regional and global endpoint groups are serverless, internet or PSC ones: not VMs.
      if (dataset === 'compute:network-endpoint-groups' && !rel.includes('/zones/')) continue;
      try {
        const body = dataset === 'compute:instance-groups' ? { instanceState: 'ALL' } : {};
        d[key] = await rest.list(rest.url('compute', `/compute/v1/${rel}/${verb}`), 'items', body);
      } catch (err) {
        if (classifyGcpError(err).kind !== 'not-found') p.memberFailures.set(dataset, failureOf(err, permission));
      }
    }
  }
}

/**
 * The routes Cloud Routers learned (BGP, custom learned routes) are in no asset: routers.getRouterStatus answers them,
 * per router with a BGP peer or an interface linked to a VPN tunnel or VLAN attachment. Each answer is written with
 * the router it is for (`router`); a router whose status cannot be read is listed as unavailable data, and the model
 * keeps its routes unknown.
 */
async function routerStatuses(rest: GcpRest, p: ProjectState): Promise<void> {
  if (p.assetFailure) return;
  for (const a of p.assets) {
    const d = (a.resource as Json | undefined)?.data as Json | undefined;
    if (a.assetType !== 'compute.googleapis.com/Router' || !d) continue;
    const peers = Array.isArray(d.bgpPeers) ? d.bgpPeers : [];
    const links = (Array.isArray(d.interfaces) ? (d.interfaces as Json[]) : []).filter(
      (i) => i && (i.linkedVpnTunnel || i.linkedInterconnectAttachment),
    );
    if (peers.length + links.length === 0) continue;
    const rel = String(a.name).replace(/^\/\/compute\.googleapis\.com\//, '');
    try {
      p.routerStatuses.push({
        router: rel,
        ...(await rest.get(rest.url('compute', `/compute/v1/${rel}/getRouterStatus`))),
      });
    } catch (err) {
      // Deleted between the list and the read: gone, not a failure.
      if (classifyGcpError(err).kind !== 'not-found')
        p.routerStatusFailures.push({ router: rel, ...failureOf(err, GCP_PERMISSIONS.routerStatus) });
    }
  }
}

function manifest(m: {
  projects?: string[];
  hierarchy?: string[];
  datasets: GcpDataset[];
  unavailable: GcpUnavailable[];
}): string {
  return stableJson({ cordonSnapshot: 1, provider: 'gcp', ...m });
}

async function writeNode(out: string, n: NodeState): Promise<GcpScopeSummary> {
  const dir = path.join(out, n.node);
  await mkdir(dir, { recursive: true });
  const unavailable: GcpUnavailable[] = [];
  const collected: GcpDataset[] = [];
  const files: [GcpDataset, Outcome | undefined, string, (items: Json[]) => unknown][] = [
    ['orgpolicy:policies', n.orgPolicies, 'org-policies.json', (items) => ({ policies: sortBy(items, 'name') })],
    [
      'compute:hierarchical-firewall-policies',
      n.firewallPolicies,
      'firewall-policies.json',
      (items) => ({ kind: 'compute#firewallPolicyList', items: sortBy(items, 'name') }),
    ],
    [
      'accesscontextmanager:service-perimeters',
      n.perimeters,
      'access-policy-assets.json',
      (items) => sortBy(items, 'name'),
    ],
  ];
  for (const [dataset, outcome, file, shape] of files) {
    if (!outcome) continue;
    // One access-policy list holds the perimeters and the access levels.
    const datasets: GcpDataset[] =
      dataset === 'accesscontextmanager:service-perimeters'
        ? [dataset, 'accesscontextmanager:access-levels']
        : [dataset];
    if (outcome.failure) {
      for (const d of datasets) unavailable.push({ scope: n.node, dataset: d, ...outcome.failure });
      continue;
    }
    collected.push(...datasets);
    // An empty list is declared by the manifest; written, it would only be an "empty result" warning.
    if (outcome.items.length > 0) await writeFile(path.join(dir, file), stableJson(shape(outcome.items)));
  }
  collected.sort();
  await writeFile(path.join(dir, MANIFEST_FILE), manifest({ hierarchy: [n.node], datasets: collected, unavailable }));
  return { scope: n.node, collected, unavailable };
}

async function writeProject(out: string, p: ProjectState, nodes: Map<string, NodeState>): Promise<GcpScopeSummary> {
  const dir = path.join(out, 'projects', p.id);
  await mkdir(dir, { recursive: true });
  const unavailable = new Map<GcpDataset, GcpUnavailable>();
  const fail = (dataset: GcpDataset, f: { reason: string; permission: string }) =>
    unavailable.set(dataset, { scope: p.id, dataset, ...f });
  if (p.assetFailure) {
    for (const d of ASSET_DATASETS) fail(d, p.assetFailure);
    fail(RECORD_SETS, {
      ...p.assetFailure,
      reason: `needs dns:managed-zones, which is unavailable: ${p.assetFailure.reason}`,
    });
    fail(ROUTER_STATUS, {
      ...p.assetFailure,
      reason: `needs compute:routers, which is unavailable: ${p.assetFailure.reason}`,
    });
  } else {
    // As `gcloud asset list --content-type=resource --format=json` prints them, in name order.
    if (p.assets.length > 0) await writeFile(path.join(dir, 'cloud-assets.json'), stableJson(sortBy(p.assets, 'name')));
    for (const [dataset, f] of p.memberFailures) fail(dataset, f);
    if (p.routerStatusFailures.length > 0) {
      const [first] = p.routerStatusFailures;
      const names = p.routerStatusFailures.map((f) => f.router.replace(/^projects\/[^/]+\//, '')).sort();
      fail(ROUTER_STATUS, {
        reason: `routers.getRouterStatus of ${names.join(', ')}: ${first!.reason}`,
        permission: first!.permission,
      });
    }
    // Written even when some routers failed: the statuses read are known, the others stay unknown.
    if (p.routerStatuses.length > 0)
      await writeFile(path.join(dir, 'router-status.json'), stableJson(sortBy(p.routerStatuses, 'router')));
    if (p.recordSetFailure) fail(RECORD_SETS, p.recordSetFailure);
    else
      for (const [zone, items] of p.recordSets)
        if (items.length > 0) {
          // The reader takes the zone of gcloud record sets from this folder name.
          const zoneDir = path.join(dir, 'managedZones', zone);
          await mkdir(zoneDir, { recursive: true });
          await writeFile(
            path.join(zoneDir, 'record-sets.json'),
            stableJson({ kind: 'dns#resourceRecordSetsListResponse', rrsets: sortRecordSets(items) }),
          );
        }
  }
  if (p.responsePolicyFailure) {
    fail(RESPONSE_POLICIES, p.responsePolicyFailure);
    fail(RESPONSE_POLICY_RULES, p.responsePolicyFailure);
  } else {
    if (p.responsePolicies.length > 0)
      await writeFile(
        path.join(dir, 'response-policies.json'),
        stableJson({ responsePolicies: sortBy(p.responsePolicies, 'responsePolicyName') }),
      );
    // The reader takes the policy of gcloud rules from this folder name.
    for (const [policy, rules] of p.responsePolicyRules)
      if (rules.length > 0) {
        const policyDir = path.join(dir, 'responsePolicies', policy);
        await mkdir(policyDir, { recursive: true });
        await writeFile(
          path.join(policyDir, 'rules.json'),
          stableJson({ responsePolicyRules: sortBy(rules, 'ruleName') }),
        );
      }
  }
  if (p.orgPolicies?.failure) fail('orgpolicy:policies', p.orgPolicies.failure);
  // Without its project asset the project's folders and organization are unknown: their data cannot be complete.
  if (!p.described) {
    const why = p.assetFailure?.reason ?? 'the asset list returned no project asset for it';
    for (const d of HIERARCHY)
      if (!unavailable.has(d))
        fail(d, {
          reason: `the folders and organization above the project are unknown: ${why}`,
          permission: p.assetFailure?.permission ?? GCP_PERMISSIONS.assets,
        });
  } else if (p.orgPolicies && p.orgPolicies.items.length > 0)
    await writeFile(path.join(dir, 'org-policies.json'), stableJson({ policies: sortBy(p.orgPolicies.items, 'name') }));
  // Hierarchy-level data sets are complete for the project when every folder and organization above it was read.
  for (const dataset of HIERARCHY) {
    if (unavailable.has(dataset)) continue;
    for (const a of p.ancestors) {
      const n = nodes.get(a);
      const o =
        dataset === 'orgpolicy:policies'
          ? n?.orgPolicies
          : dataset === 'compute:hierarchical-firewall-policies'
            ? n?.firewallPolicies
            : a.startsWith('organizations/')
              ? n?.perimeters
              : undefined;
      if (o?.failure) {
        fail(dataset, { reason: `in ${a}: ${o.failure.reason}`, permission: o.failure.permission });
        break;
      }
    }
  }
  const collected = ALL.filter((d) => !unavailable.has(d)).sort();
  const list = [...unavailable.values()].sort((a, b) => cmp(a.dataset, b.dataset));
  await writeFile(
    path.join(dir, MANIFEST_FILE),
    manifest({ projects: [p.id], datasets: collected, unavailable: list }),
  );
  return { scope: p.id, collected, unavailable: list };
}

function sortBy(items: Json[], key: string): Json[] {
  return [...items].sort((a, b) => cmp(String(a[key]), String(b[key])));
}

function sortRecordSets(items: Json[]): Json[] {
  return [...items].sort((a, b) => cmp(`${String(a.name)} ${String(a.type)}`, `${String(b.name)} ${String(b.type)}`));
}
