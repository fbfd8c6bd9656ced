/**
 * Reads a Google Cloud snapshot: a directory tree of JSON files (and JSON-lines files, as `gcloud asset export`
 * writes them), each recognised by content (recognise.ts): Cloud Asset Inventory assets, REST resources as gcloud
 * `--format=json` prints them, and REST list responses, in any mix. Project and region come from the data: self links
 * and asset names ("projects/<id>/regions/<r>/…"), `region` / `zone` fields, Vertex AI names ("locations/<r>"), asset
 * ancestors. Cloud DNS resources name neither their project nor (record sets) their zone; for those gcloud outputs the
 * file's path must: a folder "projects/<id>" and, for record sets, a folder "managedZones/<zone>" (docs/gcp-snapshots.md).
 * An optional manifest ({"cordonSnapshot": 1, "provider": "gcp", …}) declares data sets read completely and those a
 * collector could not read. A bad file or item gives a located error and is skipped (and recorded in `partial`);
 * everything else is still read.
 */
import {
  GCP_DATASETS,
  emptyGcpInventory,
  gcpIdKey,
  gcpScopeKey,
  regionOfZone,
  resolveProjectRefs,
  shortName,
  type GcpDataset,
  type GcpFirewallPolicyRule,
  type GcpInventory,
  type GcpOrgPolicy,
  type GcpOrgPolicyRule,
  type GcpPerimeterConfig,
  type GcpPerimeterRule,
  type GcpProtocolPorts,
  type GcpSkippedItem,
} from '../../inventory/gcp.js';
import type { Origin } from '../../findings/types.js';
import { InputError } from '../../util/errors.js';
import { parseLocatedJson, type LocatedJson } from '../../util/located-json.js';
import { readSnapshotFiles } from '../../util/snapshot-files.js';
import { Fields, type FieldProblem } from './fields.js';
import { LIST_KEYS, isAsset, isGcpResource, recogniseGcpDocument } from './recognise.js';

export interface GcpSnapshotWarning {
  file: string;
  message: string;
  line?: number;
}

export interface GcpSnapshotResult {
  inventory: GcpInventory;
  errors: InputError[];
  warnings: GcpSnapshotWarning[];
  files: { file: string; recognisedAs: string[] }[];
}

type Json = Record<string, unknown>;
type ListKey = Exclude<keyof GcpInventory, 'iac' | 'datasets' | 'unavailable' | 'partial' | 'scopeOrigins'>;

interface Draft {
  list: ListKey;
  dataset: GcpDataset;
  /** Project id or number, or a hierarchy node ("organizations/1", "accessPolicies/2") for hierarchy data. */
  scope: string;
  region: string;
  value: { id: string; origin: Origin; project?: string } & Record<string, unknown>;
}

interface PendingSkip {
  dataset: GcpDataset;
  scope: string;
  region: string;
  item: GcpSkippedItem;
}

interface State {
  drafts: Draft[];
  skips: PendingSkip[];
  declared: { scope: string; dataset: GcpDataset }[];
  /** From `gcloud projects get-ancestors`: project id → ancestors nearest first (the project excluded). */
  ancestors: Map<string, string[]>;
  /** Files that held assets without resource content (warned once each). */
  namesOnly: Set<string>;
  result: GcpSnapshotResult;
}

function newState(): State {
  return {
    drafts: [],
    skips: [],
    declared: [],
    ancestors: new Map(),
    namesOnly: new Set(),
    result: { inventory: emptyGcpInventory(), errors: [], warnings: [], files: [] },
  };
}

export async function loadGcpSnapshot(root: string, files?: readonly string[]): Promise<GcpSnapshotResult> {
  const state = newState();
  await readSnapshotFiles(root, state.result.errors, (file, text) => readDocumentFile(state, file, text), files);
  finish(state);
  return state.result;
}

export function loadGcpSnapshotFromTexts(files: { name: string; text: string }[]): GcpSnapshotResult {
  const state = newState();
  for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name))) readDocumentFile(state, f.name, f.text);
  finish(state);
  return state.result;
}

// ---------------------------------------------------------------------------------------------------------------
// Files

/** Project and DNS zone named by the file's path (for gcloud DNS outputs, which name neither). */
interface PathHints {
  project?: string;
  managedZone?: string;
  /** gcloud dns response-policies rules list names no policy: a "responsePolicies/<name>" folder does. */
  responsePolicy?: string;
  /** gcloud compute routers get-status names no router: "regions/<r>/routers/<name>" folders do. */
  region?: string;
  router?: string;
  /** An asset's resource.location (the zone of a zonal resource whose data names none). */
  location?: string;
}

function pathHints(file: string): PathHints {
  const folders = file.split('/').slice(0, -1);
  const out: PathHints = {};
  for (let i = 0; i + 1 < folders.length; i++) {
    if (folders[i] === 'projects') out.project = folders[i + 1];
    if (folders[i] === 'managedZones') out.managedZone = folders[i + 1];
    if (folders[i] === 'responsePolicies') out.responsePolicy = folders[i + 1];
    if (folders[i] === 'regions') out.region = folders[i + 1];
    if (folders[i] === 'routers') out.router = folders[i + 1];
  }
  return out;
}

/** A JSON-lines document: one located JSON value per non-empty line. */
function jsonLines(file: string, text: string, errors: InputError[]): { doc: LocatedJson; line: number }[] {
  const out: { doc: LocatedJson; line: number }[] = [];
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    if (l.trim() === '') return;
    try {
      const inner = parseLocatedJson(file, l);
      out.push({
        line: i + 1,
        doc: {
          ...inner,
          locate: (p) => {
            const pos = inner.locate(p);
            return { ...pos, line: (pos.line ?? 1) + i };
          },
        },
      });
    } catch (err) {
      const e = err instanceof InputError ? err : new InputError(file, String(err));
      errors.push(new InputError(file, `${e.message.replace(/ \(line \d+.*$/, '')}; line skipped`, { line: i + 1 }));
    }
  });
  return out;
}

function readDocumentFile(state: State, file: string, text: string): void {
  let doc: LocatedJson;
  try {
    doc = parseLocatedJson(file, text);
  } catch (err) {
    // `gcloud asset export` writes one asset per line.
    const nonEmpty = text.split('\n').filter((l) => l.trim() !== '');
    if (nonEmpty.length > 1 && nonEmpty[0]!.trimStart().startsWith('{')) {
      const errorsBefore = state.result.errors.length;
      const docs = jsonLines(file, text, state.result.errors);
      const bad = state.result.errors.slice(errorsBefore);
      const hints = pathHints(file);
      const datasets = new Set<GcpDataset>();
      const scopes = new Set<string>();
      for (const { doc: d } of docs) {
        const before = state.drafts.length;
        readItem(state, d, d.value, '', hints, datasets);
        for (let i = before; i < state.drafts.length; i++) scopes.add(state.drafts[i]!.scope);
      }
      // A line that does not parse names no data set or project: every data set the file holds may miss an item
      // (an export cut short loses its last asset), so each is partial in each project of the file.
      if (bad.length > 0)
        markFilePartial(state, datasets, scopes, {
          file,
          ...(bad[0]!.position.line ? { line: bad[0]!.position.line } : {}),
          pointer: '',
          reason: `${bad.length} line(s) of the file could not be read`,
        });
      state.result.files.push({ file, recognisedAs: ['asset-lines', ...[...datasets].sort()] });
      return;
    }
    state.result.errors.push(err instanceof InputError ? err : new InputError(file, String(err)));
    return;
  }
  const kind = recogniseGcpDocument(doc.value);
  const hints = pathHints(file);
  const v = doc.value as Json;
  let items: { raw: unknown; pointer: string }[] = [];
  let truncated: string | undefined;
  switch (kind) {
    case undefined:
      state.result.errors.push(
        new InputError(
          file,
          'not a recognised Google Cloud document (expected Cloud Asset Inventory assets, gcloud --format=json output of a supported resource, or a REST list response); see docs/gcp-snapshots.md',
          doc.locate(''),
        ),
      );
      state.result.files.push({ file, recognisedAs: [] });
      return;
    case 'cordon-manifest':
      readManifest(state, doc);
      state.result.files.push({ file, recognisedAs: [kind] });
      return;
    case 'ancestors': {
      const list = doc.value as { id: string; type: string }[];
      const plural = (t: string) => (t === 'organization' ? 'organizations' : t === 'folder' ? 'folders' : 'projects');
      state.ancestors.set(
        list[0]!.id,
        list.slice(1).map((a) => `${plural(a.type)}/${a.id}`),
      );
      state.result.files.push({ file, recognisedAs: [kind] });
      return;
    }
    case 'asset-array':
    case 'resource-array':
      items = (doc.value as unknown[]).map((raw, i) => ({ raw, pointer: `/${i}` }));
      break;
    case 'asset':
    case 'resource':
      items = [{ raw: doc.value, pointer: '' }];
      break;
    case 'asset-list-response':
    case 'list-response': {
      const key = kind === 'asset-list-response' ? 'assets' : LIST_KEYS.find((k) => Array.isArray(v[k]));
      if (key) items = (v[key] as unknown[]).map((raw, i) => ({ raw, pointer: `/${key}/${i}` }));
      if (typeof v.nextPageToken === 'string' && v.nextPageToken !== '') truncated = '/nextPageToken';
      break;
    }
    case 'aggregated-list': {
      // {items: {"regions/us-central1": {subnetworks: [...]}, …}}
      const groups = (v.items ?? {}) as Json;
      for (const g of Object.keys(groups).sort()) {
        const group = groups[g] as Json | null;
        if (!group || typeof group !== 'object') continue;
        for (const k of Object.keys(group))
          if (Array.isArray(group[k]))
            (group[k] as unknown[]).forEach((raw, i) =>
              items.push({ raw, pointer: `/items/${escape(g)}/${escape(k)}/${i}` }),
            );
      }
      if (typeof v.nextPageToken === 'string' && v.nextPageToken !== '') truncated = '/nextPageToken';
      break;
    }
  }
  const datasets = new Set<GcpDataset>();
  const scopes = new Set<string>();
  for (const { raw, pointer } of items) {
    const before = state.drafts.length;
    readItem(state, doc, raw, pointer, hints, datasets);
    for (let i = before; i < state.drafts.length; i++) scopes.add(state.drafts[i]!.scope);
  }
  if (items.length === 0 && !truncated)
    state.result.warnings.push({
      file,
      message:
        'empty result: an empty list does not say which resource type or project it covers, so it proves nothing is missing only with a manifest that declares the data set (docs/gcp-snapshots.md)',
    });
  if (truncated) {
    const reason = 'one page of a longer list: the rest is missing (follow nextPageToken when collecting)';
    const line = doc.locate(truncated).line;
    state.result.warnings.push({ file, message: reason, ...(line ? { line } : {}) });
    markFilePartial(state, datasets, scopes, { file, ...(line ? { line } : {}), pointer: truncated, reason });
  }
  state.result.files.push({ file, recognisedAs: [kind, ...[...datasets].sort()] });
}

/** Every data set a file holds is partial in every project of the file (a page of a list, a line that did not parse). */
function markFilePartial(state: State, datasets: Set<GcpDataset>, scopes: Set<string>, item: GcpSkippedItem): void {
  for (const dataset of datasets) for (const scope of scopes) state.skips.push({ dataset, scope, region: '*', item });
}

function escape(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

// ---------------------------------------------------------------------------------------------------------------
// Items

interface ItemContext {
  state: State;
  doc: LocatedJson;
  /** Pointer of the asset or resource in the file. */
  pointer: string;
  hints: PathHints;
  /** From the asset: its full name and ancestors. */
  assetName?: string;
  ancestors: string[];
  datasets: Set<GcpDataset>;
}

type Handler = (it: ItemContext, f: Fields) => void;

function originAt(it: ItemContext, pointer: string): Origin {
  const pos = it.doc.locate(pointer);
  return {
    kind: 'file',
    file: it.doc.file,
    ...(pos.line !== undefined ? { line: pos.line, column: pos.column } : {}),
    pointer,
  };
}

function error(it: ItemContext, pointer: string, message: string): void {
  it.state.result.errors.push(new InputError(it.doc.file, message, it.doc.locate(pointer)));
}

/** The handler and data set for a REST resource, by kind or by the shape of its name. */
function handlerFor(raw: Json, assetType?: string): { dataset: GcpDataset; handler: Handler } | undefined {
  const kind = typeof raw.kind === 'string' ? raw.kind : undefined;
  if (kind && KIND_HANDLERS[kind]) return KIND_HANDLERS[kind];
  if (assetType && ASSET_HANDLERS[assetType]) return ASSET_HANDLERS[assetType];
  const name = typeof raw.name === 'string' ? raw.name : '';
  if (/^accessPolicies\/[^/]+\/servicePerimeters\//.test(name))
    return { dataset: 'accesscontextmanager:service-perimeters', handler: readPerimeter };
  if (/^accessPolicies\/[^/]+\/accessLevels\//.test(name))
    return { dataset: 'accesscontextmanager:access-levels', handler: readAccessLevel };
  if (/^(projects|folders|organizations)\/[^/]+\/policies\//.test(name))
    return { dataset: 'orgpolicy:policies', handler: readOrgPolicyV2 };
  if (/\/locations\/[^/]+\/endpoints\//.test(name))
    return { dataset: 'aiplatform:endpoints', handler: readVertexEndpoint };
  if (/\/locations\/[^/]+\/indexEndpoints\//.test(name))
    return { dataset: 'aiplatform:index-endpoints', handler: readIndexEndpoint };
  if (/\/locations\/[^/]+\/instances\//.test(name)) return { dataset: 'notebooks:instances', handler: readWorkbench };
  if (/\/locations\/[^/]+\/runtimes\//.test(name)) return { dataset: 'notebooks:instances', handler: readRuntime };
  if (/^projects\/[^/]+\/services\//.test(name)) return { dataset: 'serviceusage:services', handler: readService };
  if (typeof raw.projectId === 'string') return { dataset: 'resourcemanager:projects', handler: readProject };
  return undefined;
}

function readItem(
  state: State,
  doc: LocatedJson,
  raw: unknown,
  pointer: string,
  hints: PathHints,
  datasets: Set<GcpDataset>,
): void {
  const base: ItemContext = { state, doc, pointer, hints, ancestors: [], datasets };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    error(base, pointer, 'expected a Google Cloud asset or resource (a JSON object); item skipped');
    return;
  }
  const r = raw as Json;
  if (isAsset(r)) {
    readAsset(base, r);
    return;
  }
  if (!isGcpResource(r)) {
    error(base, pointer, 'not a Google Cloud resource cordon reads (no known kind, name or projectId); item skipped');
    return;
  }
  const h = handlerFor(r);
  if (!h) return;
  runHandler(base, h.dataset, h.handler, r, pointer);
}

function runHandler(it: ItemContext, dataset: GcpDataset, handler: Handler, raw: Json, pointer: string): void {
  const problems: FieldProblem[] = [];
  const f = new Fields(raw, pointer, problems);
  const before = it.state.drafts.length;
  handler(it, f);
  if (problems.length === 0) {
    it.datasets.add(dataset);
    return;
  }
  // A bad field: the item is dropped and its data set is partial where it would have been.
  const added = it.state.drafts.splice(before);
  for (const p of problems.slice(0, 3)) error(it, p.pointer, `${p.message}; item skipped`);
  const first = problems[0]!;
  const line = it.doc.locate(first.pointer).line;
  const where = added[0] ?? guessScope(it, raw);
  it.datasets.add(dataset);
  it.state.skips.push({
    dataset,
    scope: where.scope,
    region: where.region,
    item: { file: it.doc.file, ...(line ? { line } : {}), pointer, reason: first.message },
  });
}

/** Where a bad item would have gone, for its skip record. */
function guessScope(it: ItemContext, raw: Json): { scope: string; region: string } {
  const ref = [raw.selfLink, raw.name, it.assetName].find((x): x is string => typeof x === 'string') ?? '';
  const k = gcpIdKey(ref);
  const project = /^projects\/([^/]+)/.exec(k)?.[1] ?? it.hints.project ?? ancestorProject(it) ?? 'unknown';
  return { scope: project, region: regionOfRef(k) ?? '*' };
}

function ancestorProject(it: ItemContext): string | undefined {
  const a = it.ancestors.find((x) => x.startsWith('projects/'));
  return a?.slice('projects/'.length);
}

function regionOfRef(k: string): string | undefined {
  const m = /\/(regions|zones|locations)\/([^/]+)/.exec(k);
  if (!m) return /\/global\//.test(k) ? 'global' : undefined;
  return m[1] === 'regions' ? m[2] : m[2] === 'global' ? 'global' : regionOfZone(m[2]!);
}

// ---------------------------------------------------------------------------------------------------------------
// Assets

function readAsset(it: ItemContext, r: Json): void {
  const f = new Fields(r, it.pointer, []);
  const name = r.name as string;
  const assetType = r.assetType as string;
  const ancestors = f.strs('ancestors');
  const ctx: ItemContext = { ...it, assetName: name, ancestors };
  // ACCESS_POLICY content: the perimeter is in servicePerimeter.
  if (r.servicePerimeter && typeof r.servicePerimeter === 'object') {
    runHandler(
      ctx,
      'accesscontextmanager:service-perimeters',
      readPerimeter,
      r.servicePerimeter as Json,
      `${it.pointer}/servicePerimeter`,
    );
    return;
  }
  // ACCESS_POLICY content: an access level is in accessLevel.
  if (r.accessLevel && typeof r.accessLevel === 'object') {
    runHandler(
      ctx,
      'accesscontextmanager:access-levels',
      readAccessLevel,
      r.accessLevel as Json,
      `${it.pointer}/accessLevel`,
    );
    return;
  }
  // ORG_POLICY content: v1 policies of a project, folder or organization.
  if (Array.isArray(r.orgPolicy)) {
    const parent = gcpIdKey(name).replace(/^(projects|folders|organizations)\/([^/]+).*$/, '$1/$2');
    (r.orgPolicy as unknown[]).forEach((p, i) => {
      const at = `${it.pointer}/orgPolicy/${i}`;
      if (p === null || typeof p !== 'object') {
        error(ctx, at, 'expected an org policy object; item skipped');
        return;
      }
      runHandler(ctx, 'orgpolicy:policies', (c, pf) => readOrgPolicyV1(c, pf, parent), p as Json, at);
    });
  }
  const resource = r.resource as Json | undefined;
  const data = resource && typeof resource === 'object' ? (resource.data as Json | undefined) : undefined;
  if (!data || typeof data !== 'object') {
    // `gcloud asset list` without --content-type lists names only: say so once per file rather than read nothing.
    if (ASSET_HANDLERS[assetType] && !Array.isArray(r.orgPolicy) && !it.state.namesOnly.has(it.doc.file)) {
      it.state.namesOnly.add(it.doc.file);
      const line = it.doc.locate(it.pointer).line;
      it.state.result.warnings.push({
        file: it.doc.file,
        message: `asset ${name} has no resource content, so nothing about it was read: list assets with --content-type=resource (docs/gcp-snapshots.md)`,
        ...(line ? { line } : {}),
      });
    }
    return;
  }
  const h = handlerFor(data, assetType);
  if (!h) return;
  const location = typeof resource!.location === 'string' ? resource!.location : undefined;
  const dataCtx: ItemContext = location ? { ...ctx, hints: { ...ctx.hints, location } } : ctx;
  runHandler(dataCtx, h.dataset, h.handler, data, `${it.pointer}/resource/data`);
}

// ---------------------------------------------------------------------------------------------------------------
// Adding items

/** The item's relative name: the asset name, else the self link, else one built from the parts. */
function idOf(it: ItemContext, f: Fields, build: () => string): string {
  if (it.assetName) return gcpIdKey(it.assetName);
  const self = f.str('selfLink');
  if (self) return gcpIdKey(self);
  return build();
}

function projectOf(it: ItemContext, id: string): string {
  return /^projects\/([^/]+)/.exec(id)?.[1] ?? it.hints.project ?? ancestorProject(it) ?? 'unknown';
}

function add(
  it: ItemContext,
  f: Fields,
  list: ListKey,
  dataset: GcpDataset,
  value: Json & { id: string },
  where: { scope: string; region: string },
): void {
  it.state.drafts.push({
    list,
    dataset,
    scope: where.scope,
    region: where.region,
    value: { ...value, origin: originAt(it, f.pointer) },
  });
}

/** For project resources: project and region from the id, fields first. */
function addProjectItem(
  it: ItemContext,
  f: Fields,
  list: ListKey,
  dataset: GcpDataset,
  id: string,
  fields: Json,
  region?: string,
): void {
  const project = projectOf(it, id);
  const r = region ?? regionOfRef(id) ?? 'global';
  add(
    it,
    f,
    list,
    dataset,
    { project, region: r, id, name: f.str('name') ?? shortName(id), ...fields },
    { scope: project, region: r },
  );
}

function regionField(f: Fields): string | undefined {
  const r = f.str('region');
  if (r) return shortName(r);
  const z = f.str('zone');
  return z ? regionOfZone(z) : undefined;
}

function protocolPorts(list: Fields[], protocolKey: string): GcpProtocolPorts[] {
  return list.map((p) => ({ protocol: (p.str(protocolKey) ?? 'all').toLowerCase(), ports: p.strs('ports') }));
}

// ---------------------------------------------------------------------------------------------------------------
// Compute Engine v1

const readNetwork: Handler = (it, f) => {
  const name = f.need('name');
  const id = idOf(it, f, () => `projects/${it.hints.project ?? 'unknown'}/global/networks/${name}`);
  addProjectItem(
    it,
    f,
    'networks',
    'compute:networks',
    id,
    {
      autoCreateSubnetworks: f.bool('autoCreateSubnetworks'),
      subnetworks: f.strs('subnetworks').map(gcpIdKey),
      peerings: f.objs('peerings').map((p) => ({
        name: p.need('name'),
        network: gcpIdKey(p.need('network')),
        state: p.str('state'),
        exportCustomRoutes: p.bool('exportCustomRoutes'),
        importCustomRoutes: p.bool('importCustomRoutes'),
        exchangeSubnetRoutes: p.bool('exchangeSubnetRoutes'),
        pointer: p.pointer,
      })),
      routingMode: f.obj('routingConfig')?.str('routingMode'),
      networkFirewallPolicyEnforcementOrder: f.str('networkFirewallPolicyEnforcementOrder'),
    },
    'global',
  );
};

const readSubnetwork: Handler = (it, f) => {
  const name = f.need('name');
  const region = regionField(f);
  const id = idOf(
    it,
    f,
    () => `projects/${it.hints.project ?? 'unknown'}/regions/${region ?? 'unknown'}/subnetworks/${name}`,
  );
  const log = f.obj('logConfig');
  addProjectItem(
    it,
    f,
    'subnetworks',
    'compute:subnetworks',
    id,
    {
      network: gcpIdKey(f.need('network')),
      ipCidrRange: f.str('ipCidrRange'),
      secondaryIpRanges: f
        .objs('secondaryIpRanges')
        .map((s) => ({ rangeName: s.str('rangeName') ?? '', ipCidrRange: s.need('ipCidrRange') })),
      ipv6CidrRange: f.str('ipv6CidrRange') ?? f.str('internalIpv6Prefix'),
      externalIpv6Prefix: f.str('externalIpv6Prefix'),
      privateIpGoogleAccess: f.bool('privateIpGoogleAccess'),
      purpose: f.str('purpose'),
      stackType: f.str('stackType'),
      ...(log
        ? {
            logConfig: {
              enable: log.bool('enable'),
              aggregationInterval: log.str('aggregationInterval'),
              flowSampling: log.num('flowSampling'),
              metadata: log.str('metadata'),
              ...(log.has('metadataFields') ? { metadataFields: log.strs('metadataFields') } : {}),
              filterExpr: log.str('filterExpr'),
            },
          }
        : {}),
    },
    region,
  );
};

const readFirewall: Handler = (it, f) => {
  const name = f.need('name');
  const id = idOf(it, f, () => `projects/${it.hints.project ?? 'unknown'}/global/firewalls/${name}`);
  addProjectItem(
    it,
    f,
    'firewalls',
    'compute:firewalls',
    id,
    {
      network: gcpIdKey(f.need('network')),
      direction: f.str('direction') ?? 'INGRESS',
      priority: f.num('priority') ?? 1000,
      sourceRanges: f.strs('sourceRanges'),
      destinationRanges: f.strs('destinationRanges'),
      sourceTags: f.strs('sourceTags'),
      targetTags: f.strs('targetTags'),
      sourceServiceAccounts: f.strs('sourceServiceAccounts'),
      targetServiceAccounts: f.strs('targetServiceAccounts'),
      allowed: protocolPorts(f.objs('allowed'), 'IPProtocol'),
      denied: protocolPorts(f.objs('denied'), 'IPProtocol'),
      disabled: f.bool('disabled') ?? false,
      logEnabled: f.obj('logConfig')?.bool('enable'),
    },
    'global',
  );
};

/** `{ [key]: value }` when the value says something (a string, a non-empty list), else nothing. */
function optional<K extends string, V extends string | string[]>(key: K, v: V | undefined): { [k in K]?: V } {
  return v === undefined || v.length === 0 ? {} : ({ [key]: v } as { [k in K]?: V });
}

function firewallPolicyRules(f: Fields): GcpFirewallPolicyRule[] {
  return f.objs('rules').map((r) => {
    const m = r.obj('match');
    const tagNames = (list: Fields[]) => list.map((t) => t.need('name'));
    return {
      priority: r.num('priority') ?? 0,
      direction: r.str('direction') ?? 'INGRESS',
      action: r.need('action'),
      srcIpRanges: m?.strs('srcIpRanges') ?? [],
      destIpRanges: m?.strs('destIpRanges') ?? [],
      srcFqdns: m?.strs('srcFqdns') ?? [],
      destFqdns: m?.strs('destFqdns') ?? [],
      srcRegionCodes: m?.strs('srcRegionCodes') ?? [],
      destRegionCodes: m?.strs('destRegionCodes') ?? [],
      srcAddressGroups: m?.strs('srcAddressGroups') ?? [],
      destAddressGroups: m?.strs('destAddressGroups') ?? [],
      srcThreatIntelligences: m?.strs('srcThreatIntelligences') ?? [],
      destThreatIntelligences: m?.strs('destThreatIntelligences') ?? [],
      srcSecureTags: m ? tagNames(m.objs('srcSecureTags')) : [],
      layer4Configs: m ? protocolPorts(m.objs('layer4Configs'), 'ipProtocol') : [],
      targetResources: r.strs('targetResources').map(gcpIdKey),
      targetServiceAccounts: r.strs('targetServiceAccounts'),
      targetSecureTags: tagNames(r.objs('targetSecureTags')),
      ...optional('targetType', r.str('targetType')),
      ...optional('targetForwardingRules', r.strs('targetForwardingRules')),
      ...optional('srcNetworkType', m?.str('srcNetworkContext') ?? m?.str('srcNetworkType')),
      ...optional('srcNetworks', m?.strs('srcNetworks')),
      ...optional('destNetworkType', m?.str('destNetworkContext') ?? m?.str('destNetworkType')),
      disabled: r.bool('disabled') ?? false,
      enableLogging: r.bool('enableLogging'),
      description: r.str('description'),
      ruleName: r.str('ruleName'),
      pointer: r.pointer,
    };
  });
}

const readFirewallPolicy: Handler = (it, f) => {
  const name = f.need('name');
  const parent = f.str('parent');
  const self = f.str('selfLink') ?? it.assetName ?? '';
  const region = f.str('region') ? shortName(f.str('region')!) : undefined;
  const hierarchical =
    (parent !== undefined && /^(organizations|folders)\//.test(parent)) ||
    /\/locations\/global\/firewallPolicies\//.test(self);
  const fields = {
    displayName: f.str('displayName') ?? f.str('shortName'),
    associations: f
      .objs('associations')
      .map((a) => ({ name: a.str('name'), attachmentTarget: gcpIdKey(a.need('attachmentTarget')) })),
    rules: firewallPolicyRules(f),
  };
  if (hierarchical) {
    const id = `locations/global/firewallPolicies/${name}`;
    const scope = parent ?? it.ancestors.find((a) => !a.startsWith('projects/')) ?? 'organizations/unknown';
    add(
      it,
      f,
      'hierarchicalFirewallPolicies',
      'compute:hierarchical-firewall-policies',
      {
        project: scope,
        region: 'global',
        id,
        name,
        kind: 'hierarchical',
        parent: scope,
        ...fields,
      },
      { scope, region: 'global' },
    );
    return;
  }
  const id = idOf(it, f, () =>
    region
      ? `projects/${it.hints.project ?? 'unknown'}/regions/${region}/firewallPolicies/${name}`
      : `projects/${it.hints.project ?? 'unknown'}/global/firewallPolicies/${name}`,
  );
  addProjectItem(
    it,
    f,
    'firewallPolicies',
    'compute:network-firewall-policies',
    id,
    {
      kind: region ? 'regional' : 'network',
      ...fields,
    },
    region ?? 'global',
  );
};

const readRoute: Handler = (it, f) => {
  const name = f.need('name');
  const id = idOf(it, f, () => `projects/${it.hints.project ?? 'unknown'}/global/routes/${name}`);
  const ref = (k: string) => {
    const v = f.str(k);
    return v === undefined ? undefined : k === 'nextHopIp' ? v : gcpIdKey(v);
  };
  addProjectItem(
    it,
    f,
    'routes',
    'compute:routes',
    id,
    {
      network: gcpIdKey(f.need('network')),
      destRange: f.need('destRange'),
      priority: f.num('priority') ?? 1000,
      tags: f.strs('tags'),
      nextHopGateway: ref('nextHopGateway'),
      nextHopIp: ref('nextHopIp'),
      nextHopInstance: ref('nextHopInstance'),
      nextHopIlb: ref('nextHopIlb'),
      nextHopVpnTunnel: ref('nextHopVpnTunnel'),
      nextHopPeering: f.str('nextHopPeering'),
      nextHopNetwork: ref('nextHopNetwork'),
      nextHopHub: f.str('nextHopHub'),
      routeType: f.str('routeType'),
    },
    'global',
  );
};

const readRouter: Handler = (it, f) => {
  const name = f.need('name');
  const region = regionField(f);
  const id = idOf(
    it,
    f,
    () => `projects/${it.hints.project ?? 'unknown'}/regions/${region ?? 'unknown'}/routers/${name}`,
  );
  addProjectItem(
    it,
    f,
    'routers',
    'compute:routers',
    id,
    {
      network: gcpIdKey(f.need('network')),
      nats: f.objs('nats').map((n) => ({
        name: n.need('name'),
        sourceSubnetworkIpRangesToNat: n.str('sourceSubnetworkIpRangesToNat'),
        subnetworks: n
          .objs('subnetworks')
          .map((s) => ({ name: gcpIdKey(s.need('name')), sourceIpRangesToNat: s.strs('sourceIpRangesToNat') })),
        natIpAllocateOption: n.str('natIpAllocateOption'),
        type: n.str('type'),
        logEnabled: n.obj('logConfig')?.bool('enable'),
        pointer: n.pointer,
      })),
      bgpPeers: f
        .objs('bgpPeers')
        .map((b) => ({ name: b.str('name') ?? b.pointer, enable: b.str('enable'), pointer: b.pointer })),
      interfaces: f.objs('interfaces').map((i) => ({
        name: i.str('name') ?? i.pointer,
        linkedVpnTunnel: i.str('linkedVpnTunnel'),
        linkedInterconnectAttachment: i.str('linkedInterconnectAttachment'),
        pointer: i.pointer,
      })),
    },
    region,
  );
};

/**
 * A routers.getRouterStatus answer (RouterStatusResponse: {kind, result}). The answer names no router, so the item
 * must: a `router` field (self link or relative name, as `cordon collect gcp` writes it), or — for gcloud's output
 * saved as one file — the folders "projects/<id>/regions/<region>/routers/<router>" of its path.
 */
const readRouterStatus: Handler = (it, f) => {
  const result = f.obj('result');
  const named = f.str('router');
  const network = result?.str('network');
  const project = it.hints.project ?? (network ? /^projects\/([^/]+)/.exec(gcpIdKey(network))?.[1] : undefined);
  const id = named
    ? gcpIdKey(named)
    : f.pointer === '' && it.hints.region && it.hints.router && project
      ? `projects/${project}/regions/${it.hints.region}/routers/${it.hints.router}`
      : undefined;
  if (!id || !/^projects\/[^/]+\/regions\/[^/]+\/routers\/[^/]+$/.test(id)) {
    error(
      it,
      f.pointer,
      'a router status names no router: add "router" (its self link) or keep gcloud compute routers get-status output under projects/<id>/regions/<region>/routers/<router>/ (docs/gcp-snapshots.md); item skipped',
    );
    return;
  }
  if (!result) {
    error(it, f.pointer, 'a router status without "result"; item skipped');
    return;
  }
  const routes = (['bestRoutes', 'bestRoutesForRouter'] as const).flatMap((list) =>
    result.objs(list).map((r) => {
      const ref = (k: string) => r.str(k);
      return {
        destRange: r.need('destRange'),
        priority: r.num('priority') ?? 1000,
        nextHopIp: ref('nextHopIp'),
        nextHopVpnTunnel: ref('nextHopVpnTunnel'),
        nextHopInterconnectAttachment: ref('nextHopInterconnectAttachment'),
        nextHopHub: ref('nextHopHub'),
        nextHopInstance: ref('nextHopInstance'),
        routeType: r.str('routeType'),
        routeStatus: r.str('routeStatus'),
        list,
        pointer: r.pointer,
      };
    }),
  );
  addProjectItem(it, f, 'routerStatuses', 'compute:router-status', id, {
    name: shortName(id),
    network: network ? gcpIdKey(network) : undefined,
    routes,
    peers: result.objs('bgpPeerStatus').map((b) => ({
      name: b.str('name') ?? b.pointer,
      status: b.str('status'),
      pointer: b.pointer,
    })),
  });
};

const readAddress: Handler = (it, f) => {
  const name = f.need('name');
  const region = regionField(f);
  const id = idOf(it, f, () =>
    region
      ? `projects/${it.hints.project ?? 'unknown'}/regions/${region}/addresses/${name}`
      : `projects/${it.hints.project ?? 'unknown'}/global/addresses/${name}`,
  );
  const opt = (k: string) => (f.str(k) ? gcpIdKey(f.str(k)!) : undefined);
  addProjectItem(
    it,
    f,
    'addresses',
    'compute:addresses',
    id,
    {
      labels: f.labels('labels'),
      address: f.str('address'),
      addressType: f.str('addressType') ?? 'EXTERNAL',
      purpose: f.str('purpose'),
      network: opt('network'),
      subnetwork: opt('subnetwork'),
      status: f.str('status'),
      users: f.strs('users').map(gcpIdKey),
      ipVersion: f.str('ipVersion'),
      prefixLength: f.num('prefixLength'),
    },
    region ?? 'global',
  );
};

const readServiceAttachment: Handler = (it, f) => {
  const name = f.need('name');
  const region = regionField(f) ?? 'unknown';
  const id = idOf(
    it,
    f,
    () => `projects/${it.hints.project ?? 'unknown'}/regions/${region}/serviceAttachments/${name}`,
  );
  const target = f.str('targetService');
  addProjectItem(
    it,
    f,
    'serviceAttachments',
    'compute:service-attachments',
    id,
    {
      targetService: target ? gcpIdKey(target) : undefined,
      natSubnets: f.strs('natSubnets').map(gcpIdKey),
      connectionPreference: f.str('connectionPreference'),
    },
    region,
  );
};

const readForwardingRule: Handler = (it, f) => {
  const name = f.need('name');
  const region = regionField(f);
  const id = idOf(it, f, () =>
    region
      ? `projects/${it.hints.project ?? 'unknown'}/regions/${region}/forwardingRules/${name}`
      : `projects/${it.hints.project ?? 'unknown'}/global/forwardingRules/${name}`,
  );
  const opt = (k: string) => (f.str(k) ? gcpIdKey(f.str(k)!) : undefined);
  const target = f.str('target');
  addProjectItem(
    it,
    f,
    'forwardingRules',
    'compute:forwarding-rules',
    id,
    {
      labels: f.labels('labels'),
      IPAddress: f.str('IPAddress'),
      IPProtocol: f.str('IPProtocol'),
      loadBalancingScheme: f.str('loadBalancingScheme'),
      // "all-apis" / "vpc-sc" stay as written; other targets are references.
      target: target === undefined ? undefined : /^(all-apis|vpc-sc)$/.test(target) ? target : gcpIdKey(target),
      network: opt('network'),
      subnetwork: opt('subnetwork'),
      backendService: opt('backendService'),
      allowGlobalAccess: f.bool('allowGlobalAccess'),
      pscConnectionStatus: f.str('pscConnectionStatus'),
      allowPscGlobalAccess: f.bool('allowPscGlobalAccess'),
      portRange: f.str('portRange'),
      ports: f.strs('ports'),
      allPorts: f.bool('allPorts'),
    },
    region ?? 'global',
  );
};

/** A regional or global compute resource's id: the asset name or self link, else built from the parts. */
function computeId(it: ItemContext, f: Fields, collection: string, name: string): string {
  const zone = f.str('zone') ? shortName(f.str('zone')!) : undefined;
  const region = f.str('region') ? shortName(f.str('region')!) : undefined;
  const project = it.hints.project ?? 'unknown';
  return idOf(it, f, () =>
    zone
      ? `projects/${project}/zones/${zone}/${collection}/${name}`
      : region
        ? `projects/${project}/regions/${region}/${collection}/${name}`
        : `projects/${project}/global/${collection}/${name}`,
  );
}

/** A load-balancer resource: named by its asset name or self link, else from its zone or region, else global. */
function addLbItem(it: ItemContext, f: Fields, list: ListKey, dataset: GcpDataset, collection: string, fields: Json) {
  addProjectItem(
    it,
    f,
    list,
    dataset,
    computeId(it, f, collection, f.need('name')),
    fields,
    regionField(f) ?? 'global',
  );
}

const optRef = (f: Fields, k: string) => (f.str(k) ? gcpIdKey(f.str(k)!) : undefined);

const readBackendService: Handler = (it, f) => {
  addLbItem(it, f, 'backendServices', 'compute:backend-services', 'backendServices', {
    loadBalancingScheme: f.str('loadBalancingScheme'),
    protocol: f.str('protocol'),
    portName: f.str('portName'),
    port: f.num('port'),
    network: optRef(f, 'network'),
    securityPolicy: optRef(f, 'securityPolicy'),
    backends: f.objs('backends').flatMap((b) => {
      const g = b.str('group');
      return g ? [{ group: gcpIdKey(g), pointer: b.pointer }] : [];
    }),
  });
};

/** Every service a URL map can send a request to (Compute API UrlMap: services, path matchers, route rules). */
function urlMapServices(f: Fields): string[] {
  const out: string[] = [];
  const add = (v: string | undefined) => {
    if (v) out.push(gcpIdKey(v));
  };
  const weighted = (a: Fields | undefined) => {
    for (const w of a?.objs('weightedBackendServices') ?? []) add(w.str('backendService'));
  };
  add(f.str('defaultService'));
  weighted(f.obj('defaultRouteAction'));
  for (const m of f.objs('pathMatchers')) {
    add(m.str('defaultService'));
    weighted(m.obj('defaultRouteAction'));
    for (const r of m.objs('pathRules')) {
      add(r.str('service'));
      weighted(r.obj('routeAction'));
    }
    for (const r of m.objs('routeRules')) {
      add(r.str('service'));
      weighted(r.obj('routeAction'));
    }
  }
  return [...new Set(out)].sort();
}

const readUrlMap: Handler = (it, f) => {
  addLbItem(it, f, 'urlMaps', 'compute:url-maps', 'urlMaps', { services: urlMapServices(f) });
};

const PROXY_COLLECTIONS: Record<string, string> = {
  targetHttpProxy: 'targetHttpProxies',
  targetHttpsProxy: 'targetHttpsProxies',
  targetGrpcProxy: 'targetGrpcProxies',
  targetTcpProxy: 'targetTcpProxies',
  targetSslProxy: 'targetSslProxies',
};

/** Target proxies carry their kind in `kind` (gcloud) or the asset type (CAI): the reader is made per kind. */
const readTargetProxy =
  (proxyKind: string): Handler =>
  (it, f) =>
    addLbItem(it, f, 'targetProxies', 'compute:target-proxies', PROXY_COLLECTIONS[proxyKind]!, {
      proxyKind,
      urlMap: optRef(f, 'urlMap'),
      service: optRef(f, 'service'),
    });

const readTargetPool: Handler = (it, f) => {
  addLbItem(it, f, 'targetPools', 'compute:target-pools', 'targetPools', {
    instances: f.strs('instances').map(gcpIdKey),
  });
};

/**
 * Members are not part of the group resource: a capture adds what instanceGroups.listInstances returned (its items,
 * {instance, status}) as `members` (docs/snapshots.md); a group without it (a Cloud Asset Inventory export) has
 * unknown members.
 */
const readInstanceGroup: Handler = (it, f) => {
  const members = f.has('members') ? f.objs('members').map((m) => gcpIdKey(m.need('instance'))) : undefined;
  addLbItem(it, f, 'instanceGroups', 'compute:instance-groups', 'instanceGroups', {
    zone: f.str('zone') ? shortName(f.str('zone')!) : undefined,
    network: optRef(f, 'network'),
    subnetwork: optRef(f, 'subnetwork'),
    namedPorts: f.objs('namedPorts').map((p) => ({ name: p.need('name'), port: p.num('port') ?? 0 })),
    size: f.num('size'),
    ...(members ? { members } : {}),
  });
};

/** Endpoints, like group members, come from listNetworkEndpoints: a capture adds its items as `endpoints`. */
const readNetworkEndpointGroup: Handler = (it, f) => {
  const endpoints = f.has('endpoints')
    ? f.objs('endpoints').map((e) => {
        const ep = e.obj('networkEndpoint') ?? e;
        const instance = ep.str('instance');
        return {
          ...(instance ? { instance: instance.includes('/') ? gcpIdKey(instance) : instance } : {}),
          ...(ep.str('ipAddress') ? { ipAddress: ep.str('ipAddress') } : {}),
          ...(ep.num('port') !== undefined ? { port: ep.num('port') } : {}),
        };
      })
    : undefined;
  addLbItem(it, f, 'networkEndpointGroups', 'compute:network-endpoint-groups', 'networkEndpointGroups', {
    networkEndpointType: f.str('networkEndpointType'),
    zone: f.str('zone') ? shortName(f.str('zone')!) : undefined,
    network: optRef(f, 'network'),
    subnetwork: optRef(f, 'subnetwork'),
    size: f.num('size'),
    ...(endpoints ? { endpoints } : {}),
  });
};

const readInstance: Handler = (it, f) => {
  const name = f.need('name');
  const zone = f.str('zone') ? shortName(f.str('zone')!) : (it.hints.location ?? 'unknown');
  const id = idOf(it, f, () => `projects/${it.hints.project ?? 'unknown'}/zones/${zone}/instances/${name}`);
  const instanceZone = /\/zones\/([^/]+)\//.exec(id)?.[1] ?? zone;
  addProjectItem(
    it,
    f,
    'instances',
    'compute:instances',
    id,
    {
      labels: f.labels('labels'),
      zone: instanceZone,
      status: f.str('status'),
      networkInterfaces: f.objs('networkInterfaces').map((n) => ({
        name: n.str('name'),
        network: n.str('network') ? gcpIdKey(n.str('network')!) : undefined,
        subnetwork: n.str('subnetwork') ? gcpIdKey(n.str('subnetwork')!) : undefined,
        networkIP: n.str('networkIP'),
        ipv6Address: n.str('ipv6Address'),
        accessConfigs: n
          .objs('accessConfigs')
          .map((a) => ({ type: a.str('type'), natIP: a.str('natIP'), externalIpv6: a.str('externalIpv6') })),
        ipv6AccessConfigs: n
          .objs('ipv6AccessConfigs')
          .map((a) => ({ type: a.str('type'), natIP: a.str('natIP'), externalIpv6: a.str('externalIpv6') })),
        aliasIpRanges: n.objs('aliasIpRanges').map((a) => a.need('ipCidrRange')),
        pointer: n.pointer,
      })),
      tags: f.obj('tags')?.strs('items') ?? [],
      serviceAccounts: f.objs('serviceAccounts').map((s) => s.need('email')),
      canIpForward: f.bool('canIpForward'),
    },
    regionOfZone(instanceZone),
  );
};

// ---------------------------------------------------------------------------------------------------------------
// Cloud DNS v1 (no self links: the asset name, else the file's path, names the project)

function dnsProject(it: ItemContext): string {
  if (it.assetName) return /^projects\/([^/]+)/.exec(gcpIdKey(it.assetName))?.[1] ?? 'unknown';
  return it.hints.project ?? ancestorProject(it) ?? 'unknown';
}

const readManagedZone: Handler = (it, f) => {
  const name = f.need('name');
  const project = dnsProject(it);
  const id = it.assetName ? gcpIdKey(it.assetName) : `projects/${project}/managedZones/${name}`;
  const pvc = f.obj('privateVisibilityConfig');
  const fwd = f.obj('forwardingConfig');
  add(
    it,
    f,
    'managedZones',
    'dns:managed-zones',
    {
      project,
      region: 'global',
      id,
      name,
      labels: f.labels('labels'),
      dnsName: f.need('dnsName'),
      visibility: (f.str('visibility') ?? 'public').toLowerCase(),
      networks: pvc?.objs('networks').map((n) => gcpIdKey(n.need('networkUrl'))) ?? [],
      gkeClusters: pvc?.objs('gkeClusters').map((c) => c.need('gkeClusterName')) ?? [],
      forwardingTargets:
        fwd
          ?.objs('targetNameServers')
          .map((t) => t.str('ipv4Address') ?? t.str('ipv6Address') ?? t.str('domainName') ?? '') ?? [],
      peeringTargetNetwork: (() => {
        const u = f.obj('peeringConfig')?.obj('targetNetwork')?.str('networkUrl');
        return u ? gcpIdKey(u) : undefined;
      })(),
      serviceDirectoryNamespace: f.obj('serviceDirectoryConfig')?.obj('namespace')?.str('namespaceUrl'),
      cloudLoggingEnabled: f.obj('cloudLoggingConfig')?.bool('enableLogging'),
    },
    { scope: project, region: 'global' },
  );
};

/**
 * The parent of a Cloud DNS item whose output does not name it (a record set's zone, a rule's response policy): from
 * the asset name, else from the folder the gcloud output sits in. Without either the item cannot be placed: a located
 * error, and its data set incomplete in the project.
 */
function dnsParent(
  it: ItemContext,
  f: Fields,
  project: string,
  collection: 'managedZones' | 'responsePolicies',
  folder: string | undefined,
  dataset: GcpDataset,
  words: { item: string; parent: string; output: string; reason: string },
): string | undefined {
  const fromAsset = it.assetName
    ? new RegExp(`^(projects/[^/]+/${collection}/[^/]+)`).exec(gcpIdKey(it.assetName))?.[1]
    : undefined;
  const parent = fromAsset ?? (folder ? `projects/${project}/${collection}/${folder}` : undefined);
  if (parent) return parent;
  error(
    it,
    f.pointer,
    `${words.item} names no ${words.parent}: keep ${words.output} output under a folder ${collection}/<${collection === 'managedZones' ? 'zone' : 'policy'}> (docs/gcp-snapshots.md); item skipped`,
  );
  it.state.skips.push({
    dataset,
    scope: project,
    region: 'global',
    item: { file: it.doc.file, pointer: f.pointer, reason: words.reason },
  });
  return undefined;
}

const readRecordSet: Handler = (it, f) => {
  const name = f.need('name');
  const type = f.need('type');
  const project = dnsProject(it);
  // Asset names: //dns.googleapis.com/projects/p/managedZones/z/rrsets/<name>/<type>.
  const zone = dnsParent(it, f, project, 'managedZones', it.hints.managedZone, 'dns:record-sets', {
    item: 'a record set',
    parent: 'managed zone',
    output: 'gcloud dns record-sets',
    reason: 'record set without a zone',
  });
  if (!zone) return;
  add(
    it,
    f,
    'recordSets',
    'dns:record-sets',
    {
      project,
      region: 'global',
      id: `${zone}/rrsets/${name}/${type}`,
      name,
      zone,
      dnsName: name,
      type,
      ttl: f.num('ttl'),
      rrdatas: f.strs('rrdatas'),
    },
    { scope: project, region: 'global' },
  );
};

const readDnsPolicy: Handler = (it, f) => {
  const name = f.need('name');
  const project = dnsProject(it);
  const id = it.assetName ? gcpIdKey(it.assetName) : `projects/${project}/policies/${name}`;
  add(
    it,
    f,
    'dnsPolicies',
    'dns:policies',
    {
      project,
      region: 'global',
      id,
      name,
      networks: f.objs('networks').map((n) => gcpIdKey(n.need('networkUrl'))),
      enableLogging: f.bool('enableLogging'),
      enableInboundForwarding: f.bool('enableInboundForwarding'),
      alternativeNameServers:
        f
          .obj('alternativeNameServerConfig')
          ?.objs('targetNameServers')
          .map((t) => t.str('ipv4Address') ?? t.str('ipv6Address') ?? '') ?? [],
    },
    { scope: project, region: 'global' },
  );
};

const readResponsePolicy: Handler = (it, f) => {
  const name = f.need('responsePolicyName');
  const project = dnsProject(it);
  const id = it.assetName ? gcpIdKey(it.assetName) : `projects/${project}/responsePolicies/${name}`;
  add(
    it,
    f,
    'dnsResponsePolicies',
    'dns:response-policies',
    {
      project,
      region: 'global',
      id,
      name,
      networks: f.objs('networks').map((n) => gcpIdKey(n.need('networkUrl'))),
    },
    { scope: project, region: 'global' },
  );
};

const readResponsePolicyRule: Handler = (it, f) => {
  const name = f.need('ruleName');
  const project = dnsProject(it);
  // Asset names: //dns.googleapis.com/projects/p/responsePolicies/rp/rules/<rule>.
  const policy = dnsParent(it, f, project, 'responsePolicies', it.hints.responsePolicy, 'dns:response-policy-rules', {
    item: 'a response policy rule',
    parent: 'response policy',
    output: 'gcloud dns response-policies rules',
    reason: 'response policy rule without a policy',
  });
  if (!policy) return;
  add(
    it,
    f,
    'dnsResponsePolicyRules',
    'dns:response-policy-rules',
    {
      project,
      region: 'global',
      id: `${policy}/rules/${name}`,
      name,
      policy,
      dnsName: f.need('dnsName'),
      ...(f.str('behavior') ? { behavior: f.str('behavior') } : {}),
      localData: (f.obj('localData')?.objs('localDatas') ?? []).map((d) => ({
        name: d.need('name'),
        type: d.need('type'),
        rrdatas: d.strs('rrdatas'),
      })),
    },
    { scope: project, region: 'global' },
  );
};

// ---------------------------------------------------------------------------------------------------------------
// Access Context Manager v1, Org Policy v2 (and v1 from asset ORG_POLICY content)

function perimeterConfig(c: Fields | undefined): GcpPerimeterConfig | undefined {
  if (!c) return undefined;
  const vpc = c.obj('vpcAccessibleServices');
  return {
    resources: c.strs('resources'),
    restrictedServices: c.strs('restrictedServices'),
    accessLevels: c.strs('accessLevels'),
    ...(vpc
      ? {
          vpcAccessibleServices: {
            enableRestriction: vpc.bool('enableRestriction'),
            allowedServices: vpc.strs('allowedServices'),
          },
        }
      : {}),
    ingressPolicies: c.objs('ingressPolicies').length,
    egressPolicies: c.objs('egressPolicies').length,
    ingress: c.objs('ingressPolicies').map((r) => perimeterRule(r, 'ingressFrom', 'ingressTo')),
    egress: c.objs('egressPolicies').map((r) => perimeterRule(r, 'egressFrom', 'egressTo')),
    pointer: c.pointer,
  };
}

function perimeterRule(r: Fields, fromKey: string, toKey: string): GcpPerimeterRule {
  const from = r.obj(fromKey);
  const to = r.obj(toKey);
  const sources = from?.objs('sources') ?? [];
  return {
    ...(from?.str('identityType') ? { identityType: from.str('identityType') } : {}),
    identities: from?.strs('identities') ?? [],
    sourceAccessLevels: sources.flatMap((x) => x.str('accessLevel') ?? []),
    sourceResources: sources.flatMap((x) => x.str('resource') ?? []),
    resources: to?.strs('resources') ?? [],
    operations: (to?.objs('operations') ?? []).map((o) => ({
      serviceName: o.str('serviceName') ?? '',
      methods: o.objs('methodSelectors').flatMap((m) => m.str('method') ?? m.str('permission') ?? []),
    })),
    roles: to?.strs('roles') ?? [],
    incomplete: !from || !to,
    pointer: r.pointer,
  };
}

const readPerimeter: Handler = (it, f) => {
  const name = gcpIdKey(f.need('name'));
  const policy = /^(accessPolicies\/[^/]+)/.exec(name)?.[1] ?? 'accessPolicies/unknown';
  const scope = it.ancestors.find((a) => a.startsWith('organizations/')) ?? policy;
  const status = perimeterConfig(f.obj('status'));
  const spec = perimeterConfig(f.obj('spec'));
  add(
    it,
    f,
    'servicePerimeters',
    'accesscontextmanager:service-perimeters',
    {
      id: name,
      name: shortName(name),
      title: f.str('title'),
      perimeterType: f.str('perimeterType') ?? 'PERIMETER_TYPE_REGULAR',
      ...(status ? { status } : {}),
      ...(spec ? { spec } : {}),
      useExplicitDryRunSpec: f.bool('useExplicitDryRunSpec') ?? false,
    },
    { scope, region: 'global' },
  );
};

const readAccessLevel: Handler = (it, f) => {
  const name = gcpIdKey(f.need('name'));
  const policy = /^(accessPolicies\/[^/]+)/.exec(name)?.[1] ?? 'accessPolicies/unknown';
  const scope = it.ancestors.find((a) => a.startsWith('organizations/')) ?? policy;
  const basic = f.obj('basic');
  const custom = f.obj('custom')?.obj('expr')?.str('expression');
  add(
    it,
    f,
    'accessLevels',
    'accesscontextmanager:access-levels',
    {
      id: name,
      name: shortName(name),
      title: f.str('title'),
      ...(basic
        ? {
            basic: {
              combiningFunction: basic.str('combiningFunction') ?? 'AND',
              conditions: basic.objs('conditions').map((c) => ({
                ipSubnetworks: c.strs('ipSubnetworks'),
                requiredAccessLevels: c.strs('requiredAccessLevels').map(gcpIdKey),
                members: c.strs('members'),
                regions: c.strs('regions'),
                negate: c.bool('negate') ?? false,
                devicePolicy: c.has('devicePolicy'),
                vpcNetworkSources: c.objs('vpcNetworkSources').length,
                ...(c.obj('expr') ? { expression: c.obj('expr')!.str('expression') ?? '' } : {}),
              })),
            },
          }
        : {}),
      ...(custom !== undefined ? { customExpression: custom } : {}),
    },
    { scope, region: 'global' },
  );
};

function v2Spec(s: Fields | undefined): GcpOrgPolicy['spec'] {
  if (!s) return undefined;
  return {
    rules: s.objs('rules').map((r): GcpOrgPolicyRule => {
      const values = r.obj('values');
      const cond = r.obj('condition')?.str('expression');
      return {
        allowAll: r.bool('allowAll'),
        denyAll: r.bool('denyAll'),
        enforce: r.bool('enforce'),
        allowedValues: values?.strs('allowedValues') ?? [],
        deniedValues: values?.strs('deniedValues') ?? [],
        ...(cond ? { condition: cond } : {}),
      };
    }),
    inheritFromParent: s.bool('inheritFromParent'),
    reset: s.bool('reset'),
  };
}

function addOrgPolicy(
  it: ItemContext,
  f: Fields,
  parent: string,
  constraint: string,
  fields: Partial<GcpOrgPolicy>,
): void {
  const scope = parent;
  add(
    it,
    f,
    'orgPolicies',
    'orgpolicy:policies',
    {
      id: `${parent}/policies/${constraint}`,
      parent,
      constraint,
      ...fields,
    },
    { scope, region: 'global' },
  );
}

const readOrgPolicyV2: Handler = (it, f) => {
  const name = gcpIdKey(f.need('name'));
  const m = /^((?:projects|folders|organizations)\/[^/]+)\/policies\/(.+)$/.exec(name);
  if (!m) {
    error(it, f.pointer, `org policy name ${JSON.stringify(name)} is not <parent>/policies/<constraint>; item skipped`);
    return;
  }
  const spec = v2Spec(f.obj('spec'));
  const dryRunSpec = v2Spec(f.obj('dryRunSpec'));
  addOrgPolicy(it, f, m[1]!, m[2]!.replace(/^constraints\//, ''), {
    ...(spec ? { spec } : {}),
    ...(dryRunSpec ? { dryRunSpec } : {}),
  });
};

/** A v1 org policy (asset ORG_POLICY content) in the v2 model: listPolicy / booleanPolicy / restoreDefault. */
function readOrgPolicyV1(it: ItemContext, f: Fields, parent: string): void {
  const constraint = f.need('constraint').replace(/^constraints\//, '');
  const list = f.obj('listPolicy');
  const bool = f.obj('booleanPolicy');
  const rules: GcpOrgPolicyRule[] = [];
  let inheritFromParent: boolean | undefined;
  if (list) {
    const all = list.str('allValues');
    inheritFromParent = list.bool('inheritFromParent');
    if (all === 'ALLOW') rules.push({ allowAll: true, allowedValues: [], deniedValues: [] });
    else if (all === 'DENY') rules.push({ denyAll: true, allowedValues: [], deniedValues: [] });
    else rules.push({ allowedValues: list.strs('allowedValues'), deniedValues: list.strs('deniedValues') });
  }
  if (bool) rules.push({ enforce: bool.bool('enforced') ?? false, allowedValues: [], deniedValues: [] });
  const reset = f.obj('restoreDefault') !== undefined;
  addOrgPolicy(it, f, parent, constraint, {
    spec: { rules, ...(inheritFromParent !== undefined ? { inheritFromParent } : {}), ...(reset ? { reset } : {}) },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Vertex AI v1, Notebooks v2 / v1, Service Usage, Resource Manager

function locationOf(name: string): string {
  return /\/locations\/([^/]+)/.exec(name)?.[1] ?? 'global';
}

function pscConfig(f: Fields) {
  const c = f.obj('privateServiceConnectConfig');
  if (c)
    return {
      privateServiceConnectConfig: {
        enablePrivateServiceConnect: c.bool('enablePrivateServiceConnect'),
        projectAllowlist: c.strs('projectAllowlist'),
      },
    };
  // The deprecated top-level field (Vertex AI v1 Endpoint and IndexEndpoint) says the same.
  return f.bool('enablePrivateServiceConnect') === true
    ? { privateServiceConnectConfig: { enablePrivateServiceConnect: true, projectAllowlist: [] } }
    : {};
}

const readVertexEndpoint: Handler = (it, f) => {
  const id = gcpIdKey(f.need('name'));
  addProjectItem(
    it,
    f,
    'vertexEndpoints',
    'aiplatform:endpoints',
    id,
    {
      name: shortName(id),
      labels: f.labels('labels'),
      displayName: f.str('displayName'),
      network: f.str('network') ? gcpIdKey(f.str('network')!) : undefined,
      ...pscConfig(f),
      dedicatedEndpointEnabled: f.bool('dedicatedEndpointEnabled'),
    },
    locationOf(id),
  );
};

const readIndexEndpoint: Handler = (it, f) => {
  const id = gcpIdKey(f.need('name'));
  addProjectItem(
    it,
    f,
    'vertexIndexEndpoints',
    'aiplatform:index-endpoints',
    id,
    {
      name: shortName(id),
      labels: f.labels('labels'),
      displayName: f.str('displayName'),
      publicEndpointEnabled: f.bool('publicEndpointEnabled'),
      publicEndpointDomainName: f.str('publicEndpointDomainName') || undefined,
      network: f.str('network') ? gcpIdKey(f.str('network')!) : undefined,
      ...pscConfig(f),
    },
    locationOf(id),
  );
};

const readWorkbench: Handler = (it, f) => {
  const id = gcpIdKey(f.need('name'));
  const zone = locationOf(id);
  const gce = f.obj('gceSetup');
  const ref = (v: string | undefined) => (v ? gcpIdKey(v) : undefined);
  const fields = gce
    ? {
        apiVersion: 'v2',
        disablePublicIp: gce.bool('disablePublicIp'),
        networkInterfaces: gce.objs('networkInterfaces').map((n) => ({
          network: ref(n.str('network')),
          subnet: ref(n.str('subnet')),
          hasExternalIp: n.objs('accessConfigs').length > 0,
          pointer: n.pointer,
        })),
        tags: gce.strs('tags'),
        serviceAccounts: gce.objs('serviceAccounts').map((s) => s.need('email')),
      }
    : {
        // Legacy user-managed notebooks (notebooks v1): network fields at the top.
        apiVersion: 'v1',
        disablePublicIp: f.bool('noPublicIp'),
        networkInterfaces:
          f.has('network') || f.has('subnet')
            ? [
                {
                  network: ref(f.str('network')),
                  subnet: ref(f.str('subnet')),
                  hasExternalIp: f.bool('noPublicIp') !== true,
                  pointer: f.pointer,
                },
              ]
            : [],
        tags: f.strs('tags'),
        serviceAccounts: f.str('serviceAccount') ? [f.str('serviceAccount')!] : [],
      };
  addProjectItem(
    it,
    f,
    'workbenchInstances',
    'notebooks:instances',
    id,
    {
      name: shortName(id),
      labels: f.labels('labels'),
      zone,
      state: f.str('state'),
      ...fields,
    },
    regionOfZone(zone),
  );
};

/**
 * A managed notebooks runtime (Notebooks v1 Runtime), judged like a Workbench instance: its VM has an external IP
 * unless virtualMachineConfig.internalIpOnly is true, and with neither network nor subnet it runs on a
 * Google-managed network, outside every AI network.
 */
const readRuntime: Handler = (it, f) => {
  const id = gcpIdKey(f.need('name'));
  const region = locationOf(id);
  const vm = f.obj('virtualMachine')?.obj('virtualMachineConfig');
  const ref = (v: string | undefined) => (v ? gcpIdKey(v) : undefined);
  const internalOnly = vm?.bool('internalIpOnly');
  addProjectItem(
    it,
    f,
    'workbenchInstances',
    'notebooks:instances',
    id,
    {
      name: shortName(id),
      labels: f.labels('labels'),
      zone: vm?.str('zone') ? shortName(vm.str('zone')!) : region,
      state: f.str('state'),
      apiVersion: 'runtime',
      disablePublicIp: internalOnly,
      networkInterfaces:
        vm && (vm.has('network') || vm.has('subnet'))
          ? [
              {
                network: ref(vm.str('network')),
                subnet: ref(vm.str('subnet')),
                hasExternalIp: internalOnly !== true,
                pointer: vm.pointer,
              },
            ]
          : [],
      tags: vm?.strs('tags') ?? [],
      serviceAccounts: [],
    },
    region,
  );
};

const readService: Handler = (it, f) => {
  const id = gcpIdKey(f.need('name'));
  const state = f.str('state');
  if (state !== undefined && state !== 'ENABLED') return;
  addProjectItem(
    it,
    f,
    'enabledServices',
    'serviceusage:services',
    id,
    {
      name: shortName(id),
      service: f.obj('config')?.str('name') ?? shortName(id),
      state,
    },
    'global',
  );
};

const readProject: Handler = (it, f) => {
  const projectId = f.need('projectId');
  const number = f.str('projectNumber') ?? /^projects\/(\d+)$/.exec(f.str('name') ?? '')?.[1];
  const parent = f.obj('parent');
  // v3: parent "folders/1"; v1: {type: "folder", id: "1"}; assets: ancestors.
  const v3Parent = typeof f.raw.parent === 'string' ? f.raw.parent : undefined;
  const v1Parent = parent
    ? `${parent.str('type') === 'organization' ? 'organizations' : 'folders'}/${parent.str('id') ?? ''}`
    : undefined;
  const ancestors =
    it.ancestors.length > 0
      ? it.ancestors.filter((a) => !a.startsWith('projects/'))
      : [v3Parent ?? v1Parent].filter((x): x is string => !!x);
  add(
    it,
    f,
    'projects',
    'resourcemanager:projects',
    {
      project: projectId,
      region: 'global',
      id: `projects/${projectId}`,
      name: projectId,
      labels: f.labels('labels'),
      projectId,
      ...(number ? { projectNumber: number } : {}),
      ancestors,
      state: f.str('lifecycleState') ?? f.str('state'),
      xpnProjectStatus: f.str('xpnProjectStatus'),
    },
    { scope: projectId, region: 'global' },
  );
};

const KIND_HANDLERS: Record<string, { dataset: GcpDataset; handler: Handler }> = {
  'compute#network': { dataset: 'compute:networks', handler: readNetwork },
  'compute#subnetwork': { dataset: 'compute:subnetworks', handler: readSubnetwork },
  'compute#firewall': { dataset: 'compute:firewalls', handler: readFirewall },
  'compute#firewallPolicy': { dataset: 'compute:network-firewall-policies', handler: readFirewallPolicy },
  'compute#route': { dataset: 'compute:routes', handler: readRoute },
  'compute#router': { dataset: 'compute:routers', handler: readRouter },
  'compute#routerStatusResponse': { dataset: 'compute:router-status', handler: readRouterStatus },
  'compute#address': { dataset: 'compute:addresses', handler: readAddress },
  'compute#forwardingRule': { dataset: 'compute:forwarding-rules', handler: readForwardingRule },
  'compute#serviceAttachment': { dataset: 'compute:service-attachments', handler: readServiceAttachment },
  'compute#instance': { dataset: 'compute:instances', handler: readInstance },
  'compute#backendService': { dataset: 'compute:backend-services', handler: readBackendService },
  'compute#urlMap': { dataset: 'compute:url-maps', handler: readUrlMap },
  'compute#targetHttpProxy': { dataset: 'compute:target-proxies', handler: readTargetProxy('targetHttpProxy') },
  'compute#targetHttpsProxy': { dataset: 'compute:target-proxies', handler: readTargetProxy('targetHttpsProxy') },
  'compute#targetGrpcProxy': { dataset: 'compute:target-proxies', handler: readTargetProxy('targetGrpcProxy') },
  'compute#targetTcpProxy': { dataset: 'compute:target-proxies', handler: readTargetProxy('targetTcpProxy') },
  'compute#targetSslProxy': { dataset: 'compute:target-proxies', handler: readTargetProxy('targetSslProxy') },
  'compute#targetPool': { dataset: 'compute:target-pools', handler: readTargetPool },
  'compute#instanceGroup': { dataset: 'compute:instance-groups', handler: readInstanceGroup },
  'compute#networkEndpointGroup': { dataset: 'compute:network-endpoint-groups', handler: readNetworkEndpointGroup },
  'dns#managedZone': { dataset: 'dns:managed-zones', handler: readManagedZone },
  'dns#resourceRecordSet': { dataset: 'dns:record-sets', handler: readRecordSet },
  'dns#policy': { dataset: 'dns:policies', handler: readDnsPolicy },
  'dns#responsePolicy': { dataset: 'dns:response-policies', handler: readResponsePolicy },
  'dns#responsePolicyRule': { dataset: 'dns:response-policy-rules', handler: readResponsePolicyRule },
};

const ASSET_HANDLERS: Record<string, { dataset: GcpDataset; handler: Handler }> = {
  'compute.googleapis.com/Network': KIND_HANDLERS['compute#network']!,
  'compute.googleapis.com/Subnetwork': KIND_HANDLERS['compute#subnetwork']!,
  'compute.googleapis.com/Firewall': KIND_HANDLERS['compute#firewall']!,
  'compute.googleapis.com/FirewallPolicy': KIND_HANDLERS['compute#firewallPolicy']!,
  'compute.googleapis.com/Route': KIND_HANDLERS['compute#route']!,
  'compute.googleapis.com/Router': KIND_HANDLERS['compute#router']!,
  'compute.googleapis.com/Address': KIND_HANDLERS['compute#address']!,
  'compute.googleapis.com/GlobalAddress': KIND_HANDLERS['compute#address']!,
  'compute.googleapis.com/ForwardingRule': KIND_HANDLERS['compute#forwardingRule']!,
  'compute.googleapis.com/GlobalForwardingRule': KIND_HANDLERS['compute#forwardingRule']!,
  'compute.googleapis.com/ServiceAttachment': KIND_HANDLERS['compute#serviceAttachment']!,
  'compute.googleapis.com/Instance': KIND_HANDLERS['compute#instance']!,
  'compute.googleapis.com/BackendService': KIND_HANDLERS['compute#backendService']!,
  'compute.googleapis.com/RegionBackendService': KIND_HANDLERS['compute#backendService']!,
  'compute.googleapis.com/UrlMap': KIND_HANDLERS['compute#urlMap']!,
  'compute.googleapis.com/TargetHttpProxy': KIND_HANDLERS['compute#targetHttpProxy']!,
  'compute.googleapis.com/TargetHttpsProxy': KIND_HANDLERS['compute#targetHttpsProxy']!,
  'compute.googleapis.com/TargetTcpProxy': KIND_HANDLERS['compute#targetTcpProxy']!,
  'compute.googleapis.com/TargetSslProxy': KIND_HANDLERS['compute#targetSslProxy']!,
  'compute.googleapis.com/TargetPool': KIND_HANDLERS['compute#targetPool']!,
  'compute.googleapis.com/InstanceGroup': KIND_HANDLERS['compute#instanceGroup']!,
  'compute.googleapis.com/NetworkEndpointGroup': KIND_HANDLERS['compute#networkEndpointGroup']!,
  'dns.googleapis.com/ManagedZone': KIND_HANDLERS['dns#managedZone']!,
  'dns.googleapis.com/ResourceRecordSet': KIND_HANDLERS['dns#resourceRecordSet']!,
  'dns.googleapis.com/Policy': KIND_HANDLERS['dns#policy']!,
  'dns.googleapis.com/ResponsePolicy': KIND_HANDLERS['dns#responsePolicy']!,
  'dns.googleapis.com/ResponsePolicyRule': KIND_HANDLERS['dns#responsePolicyRule']!,
  'cloudresourcemanager.googleapis.com/Project': { dataset: 'resourcemanager:projects', handler: readProject },
  'serviceusage.googleapis.com/Service': { dataset: 'serviceusage:services', handler: readService },
  'aiplatform.googleapis.com/Endpoint': { dataset: 'aiplatform:endpoints', handler: readVertexEndpoint },
  'aiplatform.googleapis.com/IndexEndpoint': { dataset: 'aiplatform:index-endpoints', handler: readIndexEndpoint },
  'notebooks.googleapis.com/Instance': { dataset: 'notebooks:instances', handler: readWorkbench },
  'notebooks.googleapis.com/Runtime': { dataset: 'notebooks:instances', handler: readRuntime },
  'orgpolicy.googleapis.com/Policy': { dataset: 'orgpolicy:policies', handler: readOrgPolicyV2 },
};

// ---------------------------------------------------------------------------------------------------------------
// Manifest and the second pass

function readManifest(state: State, doc: LocatedJson): void {
  const v = doc.value as Json;
  const problems: FieldProblem[] = [];
  const f = new Fields(v, '', problems);
  const it: ItemContext = { state, doc, pointer: '', hints: {}, ancestors: [], datasets: new Set() };
  const known = (d: string, at: string): d is GcpDataset => {
    if (d in GCP_DATASETS) return true;
    error(it, at, `unknown data set ${JSON.stringify(d)} (known: ${Object.keys(GCP_DATASETS).join(', ')})`);
    return false;
  };
  const scopes = [...f.strs('projects'), ...f.strs('hierarchy')];
  f.strs('datasets').forEach((d, i) => {
    if (known(d, `/datasets/${i}`)) for (const s of scopes) state.declared.push({ scope: s, dataset: d });
  });
  for (const u of f.objs('unavailable')) {
    const d = u.need('dataset');
    const scope = u.need('scope');
    const reason = u.need('reason');
    if (!known(d, `${u.pointer}/dataset`)) continue;
    const inv = state.result.inventory;
    const m = inv.unavailable.get(scope) ?? new Map<GcpDataset, { reason: string; permission?: string }>();
    const permission = u.str('permission');
    m.set(d, { reason, ...(permission ? { permission } : {}) });
    inv.unavailable.set(scope, m);
  }
  for (const p of problems) error(it, p.pointer, `bad GCP manifest: ${p.message}`);
}

function markDataset(inv: GcpInventory, scope: string, dataset: GcpDataset): void {
  const s = inv.datasets.get(scope) ?? new Set<GcpDataset>();
  s.add(dataset);
  inv.datasets.set(scope, s);
}

/** Second pass: project numbers to ids, de-duplication, data set presence, partial data and scope origins. */
function finish(state: State): void {
  const inv = state.result.inventory;
  const byNumber = new Map<string, string>();
  for (const d of state.drafts)
    if (d.list === 'projects') {
      const n = (d.value as { projectNumber?: string }).projectNumber;
      if (n) byNumber.set(n, d.scope);
    }
  const fixScope = (s: string) => byNumber.get(s) ?? s;
  // Ids that name the project by number (Vertex AI, Service Usage, asset names) take its id, as compute self links do.
  const fixId = (id: string) => {
    const m = /^projects\/(\d+)(\/.*)?$/.exec(id);
    const pid = m ? byNumber.get(m[1]!) : undefined;
    return pid ? `projects/${pid}${m![2] ?? ''}` : id;
  };
  const seen = new Set<string>();
  const unknownProject = new Set<string>();
  for (const d of state.drafts) {
    d.scope = fixScope(d.scope);
    d.value.id = fixId(d.value.id);
    if (typeof d.value.project === 'string' && !/^(organizations|folders)\//.test(d.value.project))
      d.value.project = d.scope;
    const key = `${d.list}\u0000${gcpIdKey(d.value.id)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const o = d.value.origin;
    if (d.scope === 'unknown' && o.kind === 'file' && !unknownProject.has(o.file)) {
      unknownProject.add(o.file);
      state.result.warnings.push({
        file: o.file,
        message: `cannot tell the project of ${d.value.id} (and maybe others in this file): keep gcloud output that names no project under a folder projects/<id> (docs/gcp-snapshots.md)`,
        ...(o.line ? { line: o.line } : {}),
      });
    }
    (inv[d.list] as unknown[]).push(d.value);
    markDataset(inv, d.scope, d.dataset);
    const scope =
      GCP_DATASETS[d.dataset].level === 'project' ? gcpScopeKey({ project: d.scope, region: d.region }) : d.scope;
    if (!inv.scopeOrigins.has(scope) && o.kind === 'file')
      inv.scopeOrigins.set(scope, { kind: 'file', file: o.file, line: 1, column: 1 });
  }
  for (const { scope, dataset } of state.declared) markDataset(inv, fixScope(scope), dataset);
  // get-ancestors output names the whole chain; a project resource names only its parent.
  for (const p of inv.projects) {
    const chain =
      state.ancestors.get(p.projectId) ?? (p.projectNumber ? state.ancestors.get(p.projectNumber) : undefined);
    if (chain && chain.length > p.ancestors.length) p.ancestors = chain;
  }
  for (const s of state.skips) {
    const scope = fixScope(s.scope);
    const key =
      GCP_DATASETS[s.dataset].level === 'project' ? `${scope}/${s.region === '*' ? 'global' : s.region}` : scope;
    const m = inv.partial.get(key) ?? new Map<GcpDataset, GcpSkippedItem[]>();
    const list = m.get(s.dataset) ?? [];
    list.push(s.item);
    m.set(s.dataset, list);
    inv.partial.set(key, m);
    // A skipped item still says the data set was meant to be there.
    markDataset(inv, scope, s.dataset);
  }
  resolveProjectRefs(inv);
  for (const list of Object.values(inv))
    if (Array.isArray(list)) (list as { id: string }[]).sort((a, b) => a.id.localeCompare(b.id));
}
