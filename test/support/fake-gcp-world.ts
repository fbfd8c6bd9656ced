/**
 * The fake GCP server's world from a hand-written example snapshot: Cloud Asset Inventory assets as they are,
 * gcloud-shaped resources (Compute, Vertex AI, Workbench, Service Usage, projects) turned into the assets the Asset
 * API would return for them (asset type, ancestors of their project, resource.data), Org Policy v2 policies, record
 * sets from their managedZones/<zone> folders, and access-policy assets. Collecting from a fake serving this world
 * must give a snapshot that scans like the example.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { jsonFiles } from './files.js';
import type { Asset, FakeGcpOptions, Json } from './fake-gcp-server.js';

const COMPUTE_KINDS: Record<string, string> = {
  'compute#network': 'Network',
  'compute#subnetwork': 'Subnetwork',
  'compute#firewall': 'Firewall',
  'compute#firewallPolicy': 'FirewallPolicy',
  'compute#route': 'Route',
  'compute#router': 'Router',
  'compute#address': 'Address',
  'compute#forwardingRule': 'ForwardingRule',
  'compute#instance': 'Instance',
  'compute#backendService': 'BackendService',
  'compute#urlMap': 'UrlMap',
  'compute#targetHttpProxy': 'TargetHttpProxy',
  'compute#targetHttpsProxy': 'TargetHttpsProxy',
  'compute#targetTcpProxy': 'TargetTcpProxy',
  'compute#targetSslProxy': 'TargetSslProxy',
  'compute#targetPool': 'TargetPool',
  'compute#instanceGroup': 'InstanceGroup',
  'compute#networkEndpointGroup': 'NetworkEndpointGroup',
};
const DNS_KINDS: Record<string, string> = {
  'dns#managedZone': 'ManagedZone',
  'dns#policy': 'Policy',
};
const NAMED: [RegExp, string][] = [
  [/\/locations\/[^/]+\/endpoints\//, 'aiplatform.googleapis.com/Endpoint'],
  [/\/locations\/[^/]+\/indexEndpoints\//, 'aiplatform.googleapis.com/IndexEndpoint'],
  [/\/locations\/[^/]+\/instances\//, 'notebooks.googleapis.com/Instance'],
  [/^projects\/[^/]+\/services\//, 'serviceusage.googleapis.com/Service'],
];
const SERVICE_OF: Record<string, string> = {
  'aiplatform.googleapis.com/Endpoint': 'aiplatform',
  'aiplatform.googleapis.com/IndexEndpoint': 'aiplatform',
  'notebooks.googleapis.com/Instance': 'notebooks',
  'serviceusage.googleapis.com/Service': 'serviceusage',
};

const isAsset = (v: unknown): v is Asset =>
  !!v &&
  typeof v === 'object' &&
  typeof (v as Asset).assetType === 'string' &&
  String((v as Asset).name).startsWith('//');

function itemsOf(doc: unknown): unknown[] {
  if (Array.isArray(doc)) return doc;
  if (doc && typeof doc === 'object') {
    const d = doc as Json;
    for (const k of ['assets', 'items', 'rrsets', 'policies', 'managedZones', 'servicePerimeters', 'services'])
      if (Array.isArray(d[k])) return d[k] as unknown[];
    if ('cordonSnapshot' in d) return [];
    return [d];
  }
  return [];
}

export function gcpWorldFromExample(
  dir: string,
): Pick<FakeGcpOptions, 'assets' | 'accessPolicyAssets' | 'orgPolicies' | 'recordSets'> {
  const assets: Asset[] = [];
  const accessPolicyAssets: Asset[] = [];
  const orgPolicies: Json[] = [];
  const recordSets: Record<string, Json[]> = {};
  /** gcloud resources waiting for their project's number and ancestors. */
  const pending: { raw: Json; project: string; assetType: string; name: string; location?: string }[] = [];
  const projects = new Map<string, { number: string; ancestors: string[] }>();
  /** gcloud perimeters: they name no organization; the Asset API puts them under the projects' one. */
  const perimeters: Json[] = [];
  const addProject = (id: string, number: string, ancestors: string[]) => projects.set(id, { number, ancestors });

  for (const file of jsonFiles(dir)) {
    const rel = path.relative(dir, file).split(path.sep);
    const folderProject = rel[0] === 'projects' ? rel[1] : undefined;
    const zone = rel[2] === 'managedZones' ? rel[3] : undefined;
    const doc = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (rel.at(-1) === 'ancestors.json' && folderProject) continue; // read with project.json below
    for (const item of itemsOf(doc)) {
      if (isAsset(item)) {
        if (item.servicePerimeter) accessPolicyAssets.push(item);
        else assets.push(item);
        if (item.assetType === 'cloudresourcemanager.googleapis.com/Project') {
          const d = (item.resource as Json).data as Json;
          addProject(String(d.projectId), String(d.projectNumber), (item.ancestors ?? []).slice(1));
        }
        continue;
      }
      const raw = item as Json;
      const name = typeof raw.name === 'string' ? raw.name : '';
      if (zone && folderProject && raw.kind === 'dns#resourceRecordSet') {
        (recordSets[`${folderProject}/${zone}`] ??= []).push(raw);
        continue;
      }
      if (/^accessPolicies\/[^/]+\/servicePerimeters\//.test(name)) {
        perimeters.push(raw);
        continue;
      }
      if (/^(projects|folders|organizations)\/[^/]+\/policies\//.test(name)) {
        orgPolicies.push(raw);
        continue;
      }
      if (typeof raw.projectId === 'string') {
        // A gcloud project: its ancestors from ancestors.json beside it (gcloud projects get-ancestors).
        const beside = path.join(path.dirname(file), 'ancestors.json');
        const chain = (() => {
          try {
            return JSON.parse(readFileSync(beside, 'utf8')) as { id: string; type: string }[];
          } catch {
            return [];
          }
        })()
          .filter((a) => a.type !== 'project')
          .map((a) => `${a.type === 'organization' ? 'organizations' : 'folders'}/${a.id}`);
        const number = String(raw.projectNumber);
        addProject(raw.projectId, number, chain);
        assets.push({
          name: `//cloudresourcemanager.googleapis.com/projects/${number}`,
          assetType: 'cloudresourcemanager.googleapis.com/Project',
          ancestors: [`projects/${number}`, ...chain],
          resource: { version: 'v1', discoveryName: 'Project', data: raw, location: 'global' },
        });
        continue;
      }
      const kind = typeof raw.kind === 'string' ? raw.kind : '';
      const self = typeof raw.selfLink === 'string' ? raw.selfLink : '';
      if (COMPUTE_KINDS[kind]) {
        const rel2 = self.replace(/^https:\/\/(www|compute)\.googleapis\.com\/compute\/v1\//, '');
        let type = COMPUTE_KINDS[kind];
        if ((type === 'Address' || type === 'ForwardingRule') && /\/global\//.test(rel2)) type = `Global${type}`;
        if (type === 'BackendService' && /\/regions\//.test(rel2)) type = 'RegionBackendService';
        const project = /^projects\/([^/]+)/.exec(rel2)?.[1] ?? folderProject ?? 'unknown';
        pending.push({
          raw,
          project,
          assetType: `compute.googleapis.com/${type}`,
          name: `//compute.googleapis.com/${rel2}`,
        });
        continue;
      }
      if (DNS_KINDS[kind] && folderProject) {
        pending.push({
          raw,
          project: folderProject,
          assetType: `dns.googleapis.com/${DNS_KINDS[kind]}`,
          name: `//dns.googleapis.com/projects/${folderProject}/${kind === 'dns#policy' ? 'policies' : 'managedZones'}/${name}`,
        });
        continue;
      }
      const named = NAMED.find(([re]) => re.test(name));
      if (named) {
        const project = /^projects\/([^/]+)/.exec(name)![1]!;
        const location = /\/locations\/([^/]+)\//.exec(name)?.[1];
        pending.push({
          raw,
          project,
          assetType: named[1],
          name: `//${SERVICE_OF[named[1]]}.googleapis.com/${name}`,
          ...(location ? { location } : {}),
        });
      }
    }
  }
  const byNumber = new Map([...projects].map(([id, p]) => [p.number, id]));
  for (const p of pending) {
    const id = byNumber.get(p.project) ?? p.project;
    const info = projects.get(id);
    if (!info) throw new Error(`the example names project ${p.project}, which it does not describe`);
    assets.push({
      name: p.name,
      assetType: p.assetType,
      ancestors: [`projects/${info.number}`, ...info.ancestors],
      resource: {
        version: 'v1',
        discoveryName: p.assetType.split('/')[1],
        parent: `//cloudresourcemanager.googleapis.com/projects/${info.number}`,
        data: p.raw,
        location: p.location ?? 'global',
      },
    });
  }
  const orgs = [
    ...new Set([...projects.values()].flatMap((p) => p.ancestors.filter((a) => a.startsWith('organizations/')))),
  ];
  if (perimeters.length > 0 && orgs.length !== 1)
    throw new Error(`gcloud perimeters need exactly one organization in the example, found ${orgs.length}`);
  for (const raw of perimeters)
    accessPolicyAssets.push({
      name: `//accesscontextmanager.googleapis.com/${String(raw.name)}`,
      assetType: 'accesscontextmanager.googleapis.com/ServicePerimeter',
      ancestors: orgs,
      servicePerimeter: raw,
    });
  return { assets, accessPolicyAssets, orgPolicies, recordSets };
}
