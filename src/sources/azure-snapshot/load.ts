/**
 * Reads an Azure snapshot: a directory tree of JSON files, each recognised by content (recognise.ts): Resource Graph
 * query output, ARM list results, bare arrays of ARM resources, or single resources, in any mix. Subscription,
 * resource group and location come from the data (resource ids, subscriptionId, location; child resources take their
 * parent's location; private DNS zones and their children are global). No manifest is needed; an optional one
 * ({"cordonSnapshot": 1, "provider": "azure", …}) declares data sets read completely (so an empty result counts as
 * "none") and those a collector could not read.
 * A bad file or item gives a located error and is skipped (and recorded in `partial`); everything else is still read.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import type { Origin } from '../../findings/types.js';
import {
  AZURE_DATASETS,
  azureDatasetOfType,
  azureIdKey,
  azureScopeKey,
  emptyAzureInventory,
  normaliseLocation,
  parseAzureId,
  type AzureDataset,
  type AzureInventory,
  type AzureNetworkAcls,
  type AzurePrivateEndpointConnection,
  type AzureScoped,
  type AzureSecurityRule,
  type SkippedItem,
} from '../../inventory/azure.js';
import { InputError } from '../../util/errors.js';
import { toPointer } from '../../util/json-pointer.js';
import { parseLocatedJson, type LocatedJson } from '../../util/located-json.js';
import { recogniseAzureDocument } from './recognise.js';
import * as S from './shapes.js';

export interface AzureSnapshotWarning {
  file: string;
  message: string;
  line?: number;
}

export interface AzureSnapshotResult {
  inventory: AzureInventory;
  /** Files that could not be read or recognised, and items with a bad shape: each located. */
  errors: InputError[];
  warnings: AzureSnapshotWarning[];
  /** Every file read and what it was recognised as. */
  files: { file: string; recognisedAs: string[] }[];
}

type ListKey = Exclude<keyof AzureInventory, 'datasets' | 'unavailable' | 'partial' | 'scopeOrigins'>;

interface Draft {
  list: ListKey;
  dataset: AzureDataset;
  value: AzureScoped & Record<string, unknown>;
  /** Set when the item has no location of its own and takes its parent's. */
  parentId?: string;
}

interface PendingSkip {
  dataset: AzureDataset;
  subscription: string;
  /** "*": every location of the subscription (the item's own location cannot be told). */
  location?: string;
  parentId?: string;
  item: SkippedItem;
}

interface State {
  root: string;
  drafts: Draft[];
  skips: PendingSkip[];
  /** Data sets a manifest declares complete, per subscription. */
  declared: { subscription: string; dataset: AzureDataset }[];
  result: AzureSnapshotResult;
}

function newState(root: string): State {
  return {
    root,
    drafts: [],
    skips: [],
    declared: [],
    result: { inventory: emptyAzureInventory(), errors: [], warnings: [], files: [] },
  };
}

/**
 * Reads the snapshot under `root`; `files` (absolute paths) restricts it to these files of the tree, when another
 * provider's reader takes the rest and reports the tree's unreadable folders.
 */
export async function loadAzureSnapshot(root: string, files?: readonly string[]): Promise<AzureSnapshotResult> {
  const state = newState(root);
  const result = state.result;
  try {
    if (files === undefined) {
      const unreadable: { dir: string; code: string }[] = [];
      files = await listJsonFiles(root, unreadable);
      for (const u of unreadable)
        result.errors.push(new InputError(rel(state, u.dir), `cannot read folder: ${u.code}; skipped`));
    }
    if ((await stat(root)).isFile()) state.root = path.dirname(root);
  } catch (err) {
    result.errors.push(
      new InputError(root, `cannot read snapshot: ${(err as NodeJS.ErrnoException).code ?? String(err)}`),
    );
    return result;
  }
  if (files.length === 0) result.errors.push(new InputError(root, 'no .json files found'));
  for (const file of [...files].sort()) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      result.errors.push(
        new InputError(rel(state, file), `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`),
      );
      continue;
    }
    readDocumentFile(state, rel(state, file), text);
  }
  finish(state);
  return result;
}

/** Reads documents given as text (tests, and callers that already hold the files). */
export function loadAzureSnapshotFromTexts(files: { name: string; text: string }[]): AzureSnapshotResult {
  const state = newState('');
  for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name))) readDocumentFile(state, f.name, f.text);
  finish(state);
  return state.result;
}

async function listJsonFiles(root: string, unreadable: { dir: string; code: string }[] = []): Promise<string[]> {
  const info = await stat(root);
  if (info.isFile()) return [root];
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      // The root failing is "cannot read snapshot"; a folder below it is skipped (the caller names it).
      if (dir === root) throw err;
      unreadable.push({ dir, code: (err as NodeJS.ErrnoException).code ?? String(err) });
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && e.name.toLowerCase().endsWith('.json')) out.push(full);
    }
  };
  await walk(root);
  return out;
}

function rel(state: State, file: string): string {
  if (!state.root) return file;
  const r = path.relative(path.resolve(state.root), path.resolve(file));
  return r === '' ? path.basename(file) : r.split(path.sep).join('/');
}

interface FileContext {
  state: State;
  doc: LocatedJson;
  /** Data sets this file gave items for (a skipped item of unknown type is charged to them). */
  datasets: Set<AzureDataset>;
  /** Scopes this file gave items for (a truncated file makes its data sets partial there). */
  subscriptions: Set<string>;
  untyped: { pointer: string; reason: string }[];
  ignoredTypes: Set<string>;
}

function readDocumentFile(state: State, file: string, text: string): void {
  let doc: LocatedJson;
  try {
    doc = parseLocatedJson(file, text);
  } catch (err) {
    state.result.errors.push(err instanceof InputError ? err : new InputError(file, String(err)));
    return;
  }
  const kind = recogniseAzureDocument(doc.value);
  const ctx: FileContext = {
    state,
    doc,
    datasets: new Set(),
    subscriptions: new Set(),
    untyped: [],
    ignoredTypes: new Set(),
  };
  let items: { raw: unknown; pointer: string }[] = [];
  let truncated: string | undefined;
  const v = doc.value as Record<string, unknown>;
  switch (kind) {
    case undefined:
      state.result.errors.push(
        new InputError(
          file,
          'not a recognised Azure document (expected Resource Graph output, an ARM list result, an array of ARM resources or one resource); see docs/azure-snapshots.md',
          doc.locate(''),
        ),
      );
      state.result.files.push({ file, recognisedAs: [] });
      return;
    case 'cordon-manifest':
      readManifest(ctx, v);
      state.result.files.push({ file, recognisedAs: [kind] });
      return;
    case 'resource-graph': {
      items = (v.data as unknown[]).map((raw, i) => ({ raw, pointer: `/data/${i}` }));
      const skip = v.skip_token ?? v.$skipToken;
      const total = typeof v.total_records === 'number' ? v.total_records : v.totalRecords;
      if (typeof skip === 'string' && skip !== '') truncated = '/skip_token';
      else if (typeof total === 'number' && total > items.length) truncated = '/total_records';
      else if (v.resultTruncated === true || v.resultTruncated === 'true') truncated = '/resultTruncated';
      break;
    }
    case 'arm-list':
      items = (v.value as unknown[]).map((raw, i) => ({ raw, pointer: `/value/${i}` }));
      if (typeof v.nextLink === 'string' && v.nextLink !== '') truncated = '/nextLink';
      break;
    case 'arm-array':
      items = (doc.value as unknown[]).map((raw, i) => ({ raw, pointer: `/${i}` }));
      break;
    case 'arm-resource':
      items = [{ raw: doc.value, pointer: '' }];
      break;
  }
  if (items.length === 0 && !truncated) {
    state.result.warnings.push({
      file,
      message:
        'empty result: an empty list does not say which resource type or subscription it covers, so it proves nothing is missing only with a manifest that declares the data set (docs/azure-snapshots.md)',
    });
  }
  for (const { raw, pointer } of items) readItem(ctx, raw, pointer);
  // Items whose type could not be told are charged to the data sets the rest of the file holds.
  for (const u of ctx.untyped) {
    for (const dataset of ctx.datasets)
      for (const subscription of ctx.subscriptions)
        state.skips.push({
          dataset,
          subscription,
          location: '*',
          item: { file, ...lineOf(doc, u.pointer), pointer: u.pointer, reason: u.reason },
        });
  }
  if (truncated) {
    const reason = 'one page of a longer list: the rest is missing (follow the skip token / nextLink when collecting)';
    state.result.warnings.push({ file, message: reason, ...lineOf(doc, truncated) });
    for (const dataset of ctx.datasets)
      for (const subscription of ctx.subscriptions)
        state.skips.push({
          dataset,
          subscription,
          location: '*',
          item: { file, ...lineOf(doc, truncated), pointer: truncated, reason },
        });
  }
  if (ctx.ignoredTypes.size > 0) {
    state.result.warnings.push({
      file,
      message: `resource types cordon does not read were ignored: ${[...ctx.ignoredTypes].sort().join(', ')}`,
    });
  }
  state.result.files.push({
    file,
    recognisedAs: [kind, ...[...ctx.datasets].sort()],
  });
}

function lineOf(doc: LocatedJson, pointer: string): { line?: number } {
  const l = doc.locate(pointer).line;
  return l === undefined ? {} : { line: l };
}

function originOf(doc: LocatedJson, pointer: string): Origin {
  const pos = doc.locate(pointer);
  return {
    kind: 'file',
    file: doc.file,
    ...(pos.line !== undefined ? { line: pos.line, column: pos.column } : {}),
    pointer,
  };
}

/** The lower-case type of a raw item: its `type`, else the type its id spells, else a content hint. */
function typeOf(raw: Record<string, unknown>): string | undefined {
  if (typeof raw.type === 'string' && raw.type.includes('/')) return raw.type.toLowerCase();
  if (typeof raw.id === 'string') {
    const t = parseAzureId(raw.id).type;
    // The REST specs' own zone group example has a privateLinkServices parent; the content says what it is.
    if (t && !t.endsWith('/privatednszonegroups')) return t;
  }
  const p = raw.properties;
  if (p !== null && typeof p === 'object' && 'privateDnsZoneConfigs' in p)
    return 'microsoft.network/privateendpoints/privatednszonegroups';
  return typeof raw.id === 'string' ? parseAzureId(raw.id).type : undefined;
}

interface ItemContext extends FileContext {
  pointer: string;
  dataset: AzureDataset;
  env: S.ResourceEnvelope;
  subscription: string;
  resourceGroup: string;
  location?: string;
}

function readItem(ctx: FileContext, raw: unknown, pointer: string): void {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const reason = 'expected an ARM resource (a JSON object); item skipped';
    ctx.state.result.errors.push(new InputError(ctx.doc.file, reason, ctx.doc.locate(pointer)));
    ctx.untyped.push({ pointer, reason });
    return;
  }
  const r = raw as Record<string, unknown>;
  const type = typeOf(r);
  const dataset = type ? azureDatasetOfType(type) : undefined;
  if (!type) {
    const reason = 'item has neither a resource type nor a resource id; item skipped';
    ctx.state.result.errors.push(new InputError(ctx.doc.file, reason, ctx.doc.locate(pointer)));
    ctx.untyped.push({ pointer, reason });
    return;
  }
  const reader = type ? READERS[type] : undefined;
  if (!dataset || !reader) {
    ctx.ignoredTypes.add(type);
    return;
  }
  const hintId = typeof r.id === 'string' ? parseAzureId(r.id) : undefined;
  const subscription =
    (typeof r.subscriptionId === 'string' ? r.subscriptionId.toLowerCase() : undefined) ??
    hintId?.subscription ??
    'unknown';
  ctx.datasets.add(dataset);
  ctx.subscriptions.add(subscription);
  const skip = (reasonPointer: string, reason: string): void => {
    ctx.state.skips.push({
      dataset,
      subscription,
      ...(typeof r.location === 'string' ? { location: normaliseLocation(r.location) } : {}),
      ...(hintId?.parentId ? { parentId: hintId.parentId } : {}),
      item: { file: ctx.doc.file, ...lineOf(ctx.doc, reasonPointer), pointer, reason },
    });
  };
  const env = parse(ctx, S.resourceShape, r, pointer, skip);
  if (!env) return;
  const item: ItemContext = {
    ...ctx,
    pointer,
    dataset,
    env,
    subscription,
    resourceGroup: env.resourceGroup ?? hintId?.resourceGroup ?? '',
    ...(normaliseLocation(env.location) ? { location: normaliseLocation(env.location)! } : {}),
  };
  reader(item, (shape, value, at) => parse(ctx, shape, value, at, skip));
}

type Parser = <T extends z.ZodType>(shape: T, value: unknown, pointer: string) => z.output<T> | undefined;

function parse<T extends z.ZodType>(
  ctx: FileContext,
  shape: T,
  raw: unknown,
  pointer: string,
  skip: (pointer: string, reason: string) => void,
): z.output<T> | undefined {
  const r = shape.safeParse(raw);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 3);
  for (const issue of issues) {
    const p = pointer + toPointer(issue.path.map((s) => (typeof s === 'symbol' ? String(s) : s)));
    const what =
      issue.code === 'invalid_type' && issue.input === undefined
        ? `missing required field ${String(issue.path[issue.path.length - 1])}`
        : issue.message;
    ctx.state.result.errors.push(new InputError(ctx.doc.file, `${what}; item skipped`, ctx.doc.locate(p)));
  }
  const first = issues[0];
  skip(pointer, first ? first.message : 'bad shape');
  return undefined;
}

/** Adds an inventory item. `parentId` makes it take the parent's location when it has none of its own. */
function add(
  it: ItemContext,
  list: ListKey,
  fields: Record<string, unknown>,
  opts: {
    id?: string;
    name?: string;
    pointer?: string;
    parentId?: string;
    location?: string;
    dataset?: AzureDataset;
  } = {},
): void {
  const id = opts.id ?? it.env.id;
  const parsed = parseAzureId(id);
  const location = opts.location ?? (opts.parentId ? undefined : it.location);
  it.state.drafts.push({
    list,
    dataset: opts.dataset ?? it.dataset,
    value: {
      subscription: parsed.subscription ?? it.subscription,
      location: location ?? '',
      resourceGroup: parsed.resourceGroup ?? it.resourceGroup,
      origin: originOf(it.doc, opts.pointer ?? it.pointer),
      id,
      name: opts.name ?? (opts.id ? parsed.names.at(-1) : it.env.name) ?? parsed.names.at(-1) ?? id,
      ...fields,
    },
    ...(location === undefined && (opts.parentId ?? parsed.parentId)
      ? { parentId: opts.parentId ?? parsed.parentId }
      : {}),
  });
}

function connections(
  list: z.output<typeof S.privateEndpointConnections>,
  base: string,
): AzurePrivateEndpointConnection[] {
  return list.map((c, i) => ({
    ...(c.id ? { id: c.id } : {}),
    ...(c.properties.privateEndpoint ? { privateEndpointId: c.properties.privateEndpoint } : {}),
    ...(c.properties.privateLinkServiceConnectionState
      ? { status: c.properties.privateLinkServiceConnectionState }
      : {}),
    pointer: `${base}/properties/privateEndpointConnections/${i}`,
  }));
}

function acls(a: z.output<typeof S.networkAcls>): AzureNetworkAcls | undefined {
  if (!a) return undefined;
  return {
    ...(a.defaultAction ? { defaultAction: a.defaultAction } : {}),
    ipRules: a.ipRules,
    virtualNetworkRules: a.virtualNetworkRules,
    ...(a.bypass ? { bypass: a.bypass } : {}),
  };
}

/** Drops undefined fields so inventory objects compare and serialise cleanly. */
function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function target(
  it: ItemContext,
  p: { publicNetworkAccess?: string; privateEndpointConnections: z.output<typeof S.privateEndpointConnections> },
  networkAcls: z.output<typeof S.networkAcls>,
) {
  return defined({
    tags: it.env.tags,
    publicNetworkAccess: p.publicNetworkAccess,
    networkAcls: acls(networkAcls),
    privateEndpointConnections: connections(p.privateEndpointConnections, it.pointer),
  });
}

function securityRules(list: unknown[], base: string, isDefault: boolean, parse: Parser): AzureSecurityRule[] {
  const out: AzureSecurityRule[] = [];
  list.forEach((raw, i) => {
    const pointer = `${base}/${i}`;
    const r = parse(S.securityRuleShape, raw, pointer);
    if (!r) return;
    const p = r.properties;
    const merge = (one: string | undefined, many: string[]) =>
      many.length > 0 ? many : one !== undefined ? [one] : [];
    out.push({
      name: r.name ?? (r.id ? (parseAzureId(r.id).names.at(-1) ?? '') : ''),
      priority: p.priority,
      direction: p.direction,
      access: p.access,
      protocol: p.protocol,
      sources: merge(p.sourceAddressPrefix, p.sourceAddressPrefixes),
      sourcePorts: merge(p.sourcePortRange, p.sourcePortRanges),
      destinations: merge(p.destinationAddressPrefix, p.destinationAddressPrefixes),
      destinationPorts: merge(p.destinationPortRange, p.destinationPortRanges),
      sourceApplicationSecurityGroupIds: p.sourceApplicationSecurityGroups,
      destinationApplicationSecurityGroupIds: p.destinationApplicationSecurityGroups,
      isDefault,
      pointer,
    });
  });
  return out;
}

function addSubnet(
  it: ItemContext,
  s: z.output<typeof S.embeddedSubnet>,
  pointer: string,
  vnetId: string,
  location?: string,
): void {
  const p = s.properties;
  add(
    it,
    'subnets',
    defined({
      vnetId,
      addressPrefixes: p.addressPrefixes.length > 0 ? p.addressPrefixes : p.addressPrefix ? [p.addressPrefix] : [],
      networkSecurityGroupId: p.networkSecurityGroup,
      routeTableId: p.routeTable,
      natGatewayId: p.natGateway,
      privateEndpointNetworkPolicies: p.privateEndpointNetworkPolicies,
      defaultOutboundAccess: p.defaultOutboundAccess,
      delegations: p.delegations,
    }),
    {
      id: s.id,
      ...(s.name ? { name: s.name } : {}),
      pointer,
      parentId: vnetId,
      ...(location ? { location } : {}),
      dataset: 'network:virtual-networks',
    },
  );
}

function addPeering(
  it: ItemContext,
  s: z.output<typeof S.embeddedPeering>,
  pointer: string,
  vnetId: string,
  location?: string,
): void {
  const p = s.properties;
  add(
    it,
    'vnetPeerings',
    defined({
      vnetId,
      remoteVirtualNetworkId: p.remoteVirtualNetwork,
      remoteAddressPrefixes: p.remoteAddressSpace,
      allowVirtualNetworkAccess: p.allowVirtualNetworkAccess,
      allowForwardedTraffic: p.allowForwardedTraffic,
      allowGatewayTransit: p.allowGatewayTransit,
      useRemoteGateways: p.useRemoteGateways,
      peeringState: p.peeringState,
    }),
    {
      id: s.id,
      ...(s.name ? { name: s.name } : {}),
      pointer,
      parentId: vnetId,
      ...(location ? { location } : {}),
      dataset: 'network:virtual-networks',
    },
  );
}

function parentOf(it: ItemContext): string {
  return parseAzureId(it.env.id).parentId ?? '';
}

type Reader = (it: ItemContext, parse: Parser) => void;

/** One reader per resource type (lower-case), each turning a resource into inventory items. */
const READERS: Record<string, Reader> = {
  'microsoft.cognitiveservices/accounts'(it, parse) {
    const p = parse(S.cognitiveProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    add(it, 'cognitiveAccounts', {
      ...target(it, p, p.networkAcls),
      kind: it.env.kind ?? '',
      ...defined({
        sku: it.env.sku?.name,
        disableLocalAuth: p.disableLocalAuth,
        customSubDomainName: p.customSubDomainName,
        endpoint: p.endpoint,
        restrictOutboundNetworkAccess: p.restrictOutboundNetworkAccess,
      }),
      allowedFqdnList: p.allowedFqdnList,
    });
  },
  'microsoft.machinelearningservices/workspaces'(it, parse) {
    const p = parse(S.mlProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    const mn = p.managedNetwork;
    add(it, 'mlWorkspaces', {
      ...target(it, p, p.networkAcls),
      kind: it.env.kind ?? 'Default',
      ...defined({
        managedNetwork: mn
          ? defined({
              isolationMode: mn.isolationMode,
              outboundRules: Object.entries(mn.outboundRules)
                .sort(([a], [b]) => a.localeCompare(b))
                .map(([name, r]) =>
                  defined({
                    name,
                    type: r.type,
                    destination:
                      typeof r.destination === 'string'
                        ? r.destination
                        : (r.destination?.serviceResourceId ?? r.destination?.serviceTag),
                    subresourceTarget: typeof r.destination === 'object' ? r.destination.subresourceTarget : undefined,
                    category: r.category,
                    status: r.status,
                    pointer: `${it.pointer}/properties/managedNetwork/outboundRules/${name.replace(/~/g, '~0').replace(/\//g, '~1')}`,
                  }),
                ),
            })
          : undefined,
        storageAccount: p.storageAccount,
        keyVault: p.keyVault,
        containerRegistry: p.containerRegistry,
        applicationInsights: p.applicationInsights,
        hubResourceId: p.hubResourceId,
        allowPublicAccessWhenBehindVnet: p.allowPublicAccessWhenBehindVnet,
      }),
    });
  },
  'microsoft.search/searchservices'(it, parse) {
    const p = parse(S.searchProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    const rules = p.networkRuleSet;
    add(it, 'searchServices', {
      ...target(
        it,
        p,
        rules
          ? { ipRules: rules.ipRules, virtualNetworkRules: [], bypass: rules.bypass, defaultAction: undefined }
          : undefined,
      ),
      ...defined({ sku: it.env.sku?.name, disableLocalAuth: p.disableLocalAuth }),
    });
  },
  'microsoft.storage/storageaccounts'(it, parse) {
    const p = parse(S.storageProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    add(it, 'storageAccounts', {
      ...target(it, p, p.networkAcls),
      ...defined({
        kind: it.env.kind,
        allowBlobPublicAccess: p.allowBlobPublicAccess,
        allowSharedKeyAccess: p.allowSharedKeyAccess,
      }),
    });
  },
  'microsoft.keyvault/vaults'(it, parse) {
    const p = parse(S.keyVaultProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    add(it, 'keyVaults', {
      ...target(it, p, p.networkAcls),
      ...defined({ enableRbacAuthorization: p.enableRbacAuthorization }),
    });
  },
  'microsoft.containerregistry/registries'(it, parse) {
    const p = parse(S.registryProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    add(it, 'containerRegistries', {
      ...target(it, p, p.networkRuleSet),
      ...defined({ sku: it.env.sku?.name, adminUserEnabled: p.adminUserEnabled }),
    });
  },
  'microsoft.network/virtualnetworks'(it, parse) {
    const p = parse(S.vnetProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    const subnetIds: string[] = [];
    p.subnets.forEach((raw, i) => {
      const at = `${it.pointer}/properties/subnets/${i}`;
      const s = parse(S.embeddedSubnet, raw, at);
      if (!s) return;
      subnetIds.push(s.id);
      addSubnet(it, s, at, it.env.id, it.location);
    });
    const peeringIds: string[] = [];
    p.virtualNetworkPeerings.forEach((raw, i) => {
      const at = `${it.pointer}/properties/virtualNetworkPeerings/${i}`;
      const s = parse(S.embeddedPeering, raw, at);
      if (!s) return;
      peeringIds.push(s.id);
      addPeering(it, s, at, it.env.id, it.location);
    });
    add(it, 'virtualNetworks', {
      tags: it.env.tags,
      addressPrefixes: p.addressSpace,
      dnsServers: p.dhcpOptions,
      subnetIds,
      peeringIds,
    });
  },
  'microsoft.network/virtualnetworks/subnets'(it, parse) {
    const s = parse(S.embeddedSubnet, it.env, it.pointer);
    if (s) addSubnet(it, s, it.pointer, parentOf(it));
  },
  'microsoft.network/virtualnetworks/virtualnetworkpeerings'(it, parse) {
    const s = parse(S.embeddedPeering, it.env, it.pointer);
    if (s) addPeering(it, s, it.pointer, parentOf(it));
  },
  'microsoft.network/networksecuritygroups'(it, parse) {
    const p = parse(S.nsgProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    add(it, 'networkSecurityGroups', {
      tags: it.env.tags,
      securityRules: securityRules(p.securityRules, `${it.pointer}/properties/securityRules`, false, parse),
      defaultSecurityRules: securityRules(
        p.defaultSecurityRules,
        `${it.pointer}/properties/defaultSecurityRules`,
        true,
        parse,
      ),
      subnetIds: p.subnets,
      networkInterfaceIds: p.networkInterfaces,
    });
  },
  'microsoft.network/routetables'(it, parse) {
    const p = parse(S.routeTableProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    const routes = p.routes.flatMap((raw, i) => {
      const at = `${it.pointer}/properties/routes/${i}`;
      const r = parse(S.routeShape, raw, at);
      if (!r) return [];
      return [
        defined({
          name: r.name ?? '',
          addressPrefix: r.properties.addressPrefix,
          nextHopType: r.properties.nextHopType,
          nextHopIpAddress: r.properties.nextHopIpAddress,
          pointer: at,
        }),
      ];
    });
    add(it, 'routeTables', {
      tags: it.env.tags,
      routes,
      subnetIds: p.subnets,
      ...defined({ disableBgpRoutePropagation: p.disableBgpRoutePropagation }),
    });
  },
  'microsoft.network/privateendpoints'(it, parse) {
    const p = parse(S.privateEndpointProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    const conns = (list: typeof p.privateLinkServiceConnections, key: string, manual: boolean) =>
      list.map((c, i) =>
        defined({
          name: c.name,
          privateLinkServiceId: c.properties.privateLinkServiceId,
          groupIds: c.properties.groupIds,
          status: c.properties.privateLinkServiceConnectionState,
          manual,
          pointer: `${it.pointer}/properties/${key}/${i}`,
        }),
      );
    add(it, 'privateEndpoints', {
      tags: it.env.tags,
      ...defined({ subnetId: p.subnet }),
      connections: [
        ...conns(p.privateLinkServiceConnections, 'privateLinkServiceConnections', false),
        ...conns(p.manualPrivateLinkServiceConnections, 'manualPrivateLinkServiceConnections', true),
      ],
      customDnsConfigs: p.customDnsConfigs.map((c) => defined({ fqdn: c.fqdn, ipAddresses: c.ipAddresses })),
      networkInterfaceIds: p.networkInterfaces,
      ipConfigurations: p.ipConfigurations.map((c) =>
        defined({
          groupId: c.properties.groupId,
          memberName: c.properties.memberName,
          privateIpAddress: c.properties.privateIPAddress,
        }),
      ),
    });
  },
  'microsoft.network/privateendpoints/privatednszonegroups'(it, parse) {
    const p = parse(S.zoneGroupProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    const pe = parentOf(it);
    add(
      it,
      'privateDnsZoneGroups',
      {
        privateEndpointId: pe,
        zoneConfigs: p.privateDnsZoneConfigs.map((c, i) =>
          defined({
            name: c.name,
            privateDnsZoneId: c.properties.privateDnsZoneId,
            recordSets: c.properties.recordSets.map((r) =>
              defined({
                recordType: r.recordType,
                recordSetName: r.recordSetName,
                fqdn: r.fqdn,
                ipAddresses: r.ipAddresses,
              }),
            ),
            pointer: `${it.pointer}/properties/privateDnsZoneConfigs/${i}`,
          }),
        ),
      },
      { parentId: pe },
    );
  },
  'microsoft.network/privatednszones'(it, parse) {
    const p = parse(S.privateZoneProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    add(
      it,
      'privateDnsZones',
      {
        tags: it.env.tags,
        zoneName: (it.env.name ?? parseAzureId(it.env.id).names.at(-1) ?? '').toLowerCase(),
        ...defined({
          numberOfRecordSets: p.numberOfRecordSets,
          numberOfVirtualNetworkLinks: p.numberOfVirtualNetworkLinks,
        }),
      },
      { location: 'global' },
    );
  },
  'microsoft.network/privatednszones/virtualnetworklinks'(it, parse) {
    const p = parse(S.zoneLinkProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    const zoneId = parentOf(it);
    add(
      it,
      'privateDnsZoneLinks',
      {
        tags: it.env.tags,
        zoneId,
        zoneName: (parseAzureId(zoneId).names.at(-1) ?? '').toLowerCase(),
        ...defined({
          virtualNetworkId: p.virtualNetwork,
          registrationEnabled: p.registrationEnabled,
          virtualNetworkLinkState: p.virtualNetworkLinkState,
          resolutionPolicy: p.resolutionPolicy,
        }),
      },
      { location: 'global' },
    );
  },
  'microsoft.network/privatednszones/a'(it, parse) {
    const p = parse(S.aRecordProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    const zoneId = parentOf(it);
    add(
      it,
      'privateDnsARecords',
      {
        zoneId,
        zoneName: (parseAzureId(zoneId).names.at(-1) ?? '').toLowerCase(),
        recordName: (it.env.name ?? parseAzureId(it.env.id).names.at(-1) ?? '').toLowerCase(),
        ipv4Addresses: p.aRecords.map((a) => a.ipv4Address),
        ...defined({ fqdn: p.fqdn, ttl: p.ttl }),
      },
      { location: 'global' },
    );
  },
  'microsoft.network/dnsresolvers'(it, parse) {
    const p = parse(S.resolverProps, it.env.properties, `${it.pointer}/properties`);
    if (p) add(it, 'dnsResolvers', { tags: it.env.tags, ...defined({ virtualNetworkId: p.virtualNetwork }) });
  },
  'microsoft.network/dnsresolvers/inboundendpoints'(it, parse) {
    const p = parse(S.inboundEndpointProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    add(
      it,
      'dnsResolverInboundEndpoints',
      {
        tags: it.env.tags,
        resolverId: parentOf(it),
        ipConfigurations: p.ipConfigurations.map((c) =>
          defined({ privateIpAddress: c.privateIpAddress, subnetId: c.subnet }),
        ),
      },
      it.location ? {} : { parentId: parentOf(it) },
    );
  },
  'microsoft.network/dnsresolvers/outboundendpoints'(it, parse) {
    const p = parse(S.outboundEndpointProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    add(
      it,
      'dnsResolverOutboundEndpoints',
      { tags: it.env.tags, resolverId: parentOf(it), ...defined({ subnetId: p.subnet }) },
      it.location ? {} : { parentId: parentOf(it) },
    );
  },
  'microsoft.network/dnsforwardingrulesets'(it, parse) {
    const p = parse(S.rulesetProps, it.env.properties, `${it.pointer}/properties`);
    if (p) add(it, 'dnsForwardingRulesets', { tags: it.env.tags, outboundEndpointIds: p.dnsResolverOutboundEndpoints });
  },
  'microsoft.network/dnsforwardingrulesets/forwardingrules'(it, parse) {
    const p = parse(S.forwardingRuleProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    const ruleset = parentOf(it);
    add(
      it,
      'dnsForwardingRules',
      {
        rulesetId: ruleset,
        domainName: p.domainName.toLowerCase(),
        targetDnsServers: p.targetDnsServers.map((t) => ({ ipAddress: t.ipAddress, port: t.port ?? 53 })),
        ...defined({ state: p.forwardingRuleState }),
      },
      { parentId: ruleset },
    );
  },
  'microsoft.network/dnsforwardingrulesets/virtualnetworklinks'(it, parse) {
    const p = parse(S.rulesetLinkProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    const ruleset = parentOf(it);
    add(
      it,
      'dnsForwardingRulesetLinks',
      { rulesetId: ruleset, ...defined({ virtualNetworkId: p.virtualNetwork }) },
      { parentId: ruleset },
    );
  },
  'microsoft.network/azurefirewalls'(it, parse) {
    const p = parse(S.firewallProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    const classic = (cols: typeof p.applicationRuleCollections, kind: 'application' | 'network', key: string) =>
      cols.flatMap((c, ci) =>
        c.properties.rules.map((r, ri) =>
          defined({
            collection: c.name ?? '',
            kind,
            action: c.properties.action,
            name: r.name ?? '',
            sourceAddresses: r.sourceAddresses,
            destinationAddresses: r.destinationAddresses,
            targetFqdns: [...r.targetFqdns, ...r.destinationFqdns],
            fqdnTags: r.fqdnTags,
            destinationPorts: r.destinationPorts,
            protocols: r.protocols,
            pointer: `${it.pointer}/properties/${key}/${ci}/properties/rules/${ri}`,
          }),
        ),
      );
    add(it, 'firewalls', {
      tags: it.env.tags,
      ...defined({
        skuTier: p.sku?.tier,
        firewallPolicyId: p.firewallPolicy,
        hubPrivateIpAddress: p.hubIPAddresses?.privateIPAddress,
      }),
      ipConfigurations: p.ipConfigurations.map((c) =>
        defined({
          privateIpAddress: c.properties.privateIPAddress,
          subnetId: c.properties.subnet,
          publicIpAddressId: c.properties.publicIPAddress,
        }),
      ),
      classicRules: [
        ...classic(p.applicationRuleCollections, 'application', 'applicationRuleCollections'),
        ...classic(p.networkRuleCollections, 'network', 'networkRuleCollections'),
      ],
    });
  },
  'microsoft.network/firewallpolicies'(it, parse) {
    const p = parse(S.firewallPolicyProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    add(it, 'firewallPolicies', {
      tags: it.env.tags,
      ruleCollectionGroupIds: p.ruleCollectionGroups,
      ...defined({ basePolicyId: p.basePolicy, threatIntelMode: p.threatIntelMode }),
    });
  },
  'microsoft.network/firewallpolicies/rulecollectiongroups'(it, parse) {
    const p = parse(S.ruleCollectionGroupProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    const policy = parentOf(it);
    const rules = p.ruleCollections.flatMap((c, ci) =>
      c.rules.map((r, ri) =>
        defined({
          collection: c.name ?? '',
          collectionPriority: c.priority,
          action: c.action ?? (c.ruleCollectionType === 'FirewallPolicyNatRuleCollection' ? 'Dnat' : undefined),
          name: r.name ?? '',
          ruleType: r.ruleType,
          sourceAddresses: r.sourceAddresses,
          sourceIpGroups: r.sourceIpGroups,
          destinationAddresses: r.destinationAddresses,
          destinationFqdns: r.destinationFqdns,
          targetFqdns: r.targetFqdns,
          fqdnTags: r.fqdnTags,
          webCategories: r.webCategories,
          destinationPorts: r.destinationPorts,
          protocols: r.ruleType === 'ApplicationRule' ? r.protocols : r.ipProtocols,
          pointer: `${it.pointer}/properties/ruleCollections/${ci}/rules/${ri}`,
        }),
      ),
    );
    add(
      it,
      'firewallRuleCollectionGroups',
      { policyId: policy, ...defined({ priority: p.priority }), rules },
      { parentId: policy },
    );
  },
  'microsoft.network/bastionhosts'(it, parse) {
    const p = parse(S.bastionProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    const subnetIds = p.ipConfigurations.flatMap((c) => (c.properties.subnet ? [c.properties.subnet] : []));
    // Developer-SKU hosts name a virtual network instead of an AzureBastionSubnet.
    const vnet = p.virtualNetwork ?? (subnetIds[0] ? parseAzureId(subnetIds[0]).parentId : undefined);
    add(it, 'bastionHosts', {
      tags: it.env.tags,
      subnetIds,
      ...defined({ sku: it.env.sku?.name, virtualNetworkId: vnet }),
    });
  },
  'microsoft.network/publicipaddresses'(it, parse) {
    const p = parse(S.publicIpProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    add(it, 'publicIpAddresses', {
      tags: it.env.tags,
      ...defined({ ipAddress: p.ipAddress, ipConfigurationId: p.ipConfiguration, sku: it.env.sku?.name }),
    });
  },
  'microsoft.network/networkinterfaces'(it, parse) {
    const p = parse(S.nicProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    add(it, 'networkInterfaces', {
      tags: it.env.tags,
      ipConfigurations: p.ipConfigurations.map((c, i) =>
        defined({
          privateIpAddress: c.properties.privateIPAddress,
          subnetId: c.properties.subnet,
          publicIpAddressId: c.properties.publicIPAddress,
          pointer: `${it.pointer}/properties/ipConfigurations/${i}`,
        }),
      ),
      ...defined({
        networkSecurityGroupId: p.networkSecurityGroup,
        virtualMachineId: p.virtualMachine,
        privateEndpointId: p.privateEndpoint,
      }),
    });
  },
  'microsoft.compute/virtualmachines'(it, parse) {
    const p = parse(S.vmProps, it.env.properties, `${it.pointer}/properties`);
    if (!p) return;
    add(it, 'virtualMachines', {
      tags: it.env.tags,
      networkInterfaceIds: p.networkProfile,
      ...defined({ osType: p.storageProfile?.osDisk?.osType }),
    });
  },
};

function readManifest(ctx: FileContext, v: Record<string, unknown>): void {
  const r = S.azureManifestShape.safeParse(v);
  if (!r.success) {
    for (const issue of r.error.issues.slice(0, 3)) {
      const p = toPointer(issue.path.map((s) => (typeof s === 'symbol' ? String(s) : s)));
      ctx.state.result.errors.push(
        new InputError(ctx.doc.file, `bad Azure manifest: ${issue.message}`, ctx.doc.locate(p)),
      );
    }
    return;
  }
  const known = (d: string, at: string): d is AzureDataset => {
    if (d in AZURE_DATASETS) return true;
    ctx.state.result.errors.push(
      new InputError(
        ctx.doc.file,
        `unknown data set ${JSON.stringify(d)} (known: ${Object.keys(AZURE_DATASETS).join(', ')})`,
        ctx.doc.locate(at),
      ),
    );
    return false;
  };
  const m = r.data;
  m.datasets.forEach((d, i) => {
    if (!known(d, `/datasets/${i}`)) return;
    for (const s of m.subscriptions) ctx.state.declared.push({ subscription: s.toLowerCase(), dataset: d });
  });
  m.unavailable.forEach((u, i) => {
    if (!known(u.dataset, `/unavailable/${i}/dataset`)) return;
    const inv = ctx.state.result.inventory;
    const sub = u.subscription.toLowerCase();
    const map = inv.unavailable.get(sub) ?? new Map<AzureDataset, { reason: string; permission?: string }>();
    map.set(u.dataset, { reason: u.reason, ...(u.permission ? { permission: u.permission } : {}) });
    inv.unavailable.set(sub, map);
  });
}

/** Second pass: locations from parents, de-duplication, data set presence, partial data and scope origins. */
function finish(state: State): void {
  const inv = state.result.inventory;
  const locationById = new Map<string, string>();
  for (const d of state.drafts) if (d.value.location) locationById.set(azureIdKey(d.value.id), d.value.location);
  const locate = (parentId: string | undefined): string | undefined => {
    for (let id = parentId, depth = 0; id && depth < 4; depth++) {
      const l = locationById.get(azureIdKey(id));
      if (l) return l;
      id = parseAzureId(id).parentId;
    }
    return undefined;
  };
  const unresolved = new Set<string>();
  const seen = new Set<string>();
  for (const d of state.drafts) {
    if (!d.value.location) {
      const l = locate(d.parentId);
      if (l) d.value.location = l;
      else {
        d.value.location = 'unknown';
        const o = d.value.origin;
        if (o.kind === 'file' && !unresolved.has(o.file)) {
          unresolved.add(o.file);
          state.result.warnings.push({
            file: o.file,
            message: `cannot tell the location of ${d.value.id}: its parent (${d.parentId ?? 'none'}) is not in the snapshot`,
            ...(o.line ? { line: o.line } : {}),
          });
        }
      }
    }
    if (d.value.subscription === 'unknown' && d.value.origin.kind === 'file') {
      state.result.warnings.push({
        file: d.value.origin.file,
        message: `cannot tell the subscription of ${d.value.id}`,
      });
    }
    // The same resource may come from a Resource Graph file and an ARM list file: the first (in file order) wins.
    const key = `${d.list}\u0000${azureIdKey(d.value.id)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    (inv[d.list] as unknown[]).push(d.value);
    markDataset(inv, d.value.subscription, d.dataset);
    const scope = azureScopeKey(d.value);
    if (!inv.scopeOrigins.has(scope) && d.value.origin.kind === 'file')
      inv.scopeOrigins.set(scope, { kind: 'file', file: d.value.origin.file, line: 1, column: 1 });
  }
  for (const { subscription, dataset } of state.declared) markDataset(inv, subscription, dataset);
  // Locations per subscription, for skips that cover "every location" (computed once: linear in the input).
  const locationsOf = new Map<string, string[]>();
  for (const k of inv.scopeOrigins.keys()) {
    const i = k.indexOf('/');
    const list = locationsOf.get(k.slice(0, i)) ?? [];
    list.push(k.slice(i + 1));
    locationsOf.set(k.slice(0, i), list);
  }
  for (const s of state.skips) {
    markDataset(inv, s.subscription, s.dataset);
    const locations =
      s.location === '*'
        ? [...(locationsOf.get(s.subscription) ?? [])]
        : [s.location ?? locate(s.parentId) ?? 'unknown'];
    if (locations.length === 0) locations.push('unknown');
    for (const location of locations) {
      const key = azureScopeKey({ subscription: s.subscription, location });
      const byDataset = inv.partial.get(key) ?? new Map<AzureDataset, SkippedItem[]>();
      const list = byDataset.get(s.dataset) ?? [];
      list.push(s.item);
      byDataset.set(s.dataset, list);
      inv.partial.set(key, byDataset);
    }
  }
  // Outputs are deterministic whatever order files were read in.
  for (const k of Object.keys(inv) as (keyof AzureInventory)[]) {
    const v = inv[k];
    if (Array.isArray(v)) (v as AzureScoped[]).sort((a, b) => azureIdKey(a.id).localeCompare(azureIdKey(b.id)));
  }
}

function markDataset(inv: AzureInventory, subscription: string, dataset: AzureDataset): void {
  const set = inv.datasets.get(subscription) ?? new Set<AzureDataset>();
  set.add(dataset);
  inv.datasets.set(subscription, set);
}
