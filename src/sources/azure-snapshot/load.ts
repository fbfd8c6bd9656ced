/**
 * Reads an Azure snapshot: a directory tree of JSON files, each recognised by content (recognise.ts): Resource Graph
 * query output, ARM list results, bare arrays of ARM resources, or single resources, in any mix. Subscription,
 * resource group and location come from the data (resource ids, subscriptionId, location; child resources take their
 * parent's location; private DNS zones and their children are global). No manifest is needed; an optional one
 * ({"cordonSnapshot": 1, "provider": "azure", …}) declares data sets read completely (so an empty result counts as
 * "none") and those a collector could not read.
 * A bad file or item gives a located error and is skipped (and recorded in `partial`); everything else is still read.
 */
import type { z } from 'zod';
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
  type AzureNetworkSecurityGroup,
  type AzurePrivateEndpointConnection,
  type AzureRoute,
  type AzureRouteTable,
  type AzureScoped,
  type AzureSecurityRule,
  type SkippedItem,
} from '../../inventory/azure.js';
import type { Origin } from '../../findings/types.js';
import { InputError } from '../../util/errors.js';
import { toPointer } from '../../util/json-pointer.js';
import { parseLocatedJson, type LocatedJson, lineOf, originOf } from '../../util/located-json.js';
import { readSnapshotFiles } from '../../util/snapshot-files.js';
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

type ListKey = Exclude<keyof AzureInventory, 'iac' | 'datasets' | 'unavailable' | 'partial' | 'scopeOrigins'>;

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

/** A route or security rule read as a resource of its own, merged into its table or group once all files are read. */
interface ChildRule {
  list: 'routeTables' | 'networkSecurityGroups';
  parentId: string;
  value: AzureRoute | AzureSecurityRule;
  subscription: string;
  dataset: AzureDataset;
  origin: Origin;
}

interface State {
  drafts: Draft[];
  /** Load balancer pools and rules read as resources of their own, by their load balancer's id. */
  lbParts: {
    lb: string;
    list: 'backendAddressPools' | 'rules';
    value: Record<string, unknown>;
    skip: PendingSkip;
  }[];
  childRules: ChildRule[];
  skips: PendingSkip[];
  /** Data sets a manifest declares complete, per subscription. */
  declared: { subscription: string; dataset: AzureDataset }[];
  result: AzureSnapshotResult;
}

function newState(): State {
  return {
    drafts: [],
    lbParts: [],
    childRules: [],
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
  const state = newState();
  await readSnapshotFiles(root, state.result.errors, (file, text) => readDocumentFile(state, file, text), files);
  finish(state);
  return state.result;
}

/** Reads documents given as text (tests, and callers that already hold the files). */
export function loadAzureSnapshotFromTexts(files: { name: string; text: string }[]): AzureSnapshotResult {
  const state = newState();
  for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name))) readDocumentFile(state, f.name, f.text);
  finish(state);
  return state.result;
}

interface FileContext {
  state: State;
  /** Where the items come from: a snapshot file, or (for IaC) a template whose pointers place the declarations. */
  doc: Pick<LocatedJson, 'file' | 'locate'>;
  /** Data sets this file gave items for (a skipped item of unknown type is charged to them). */
  datasets: Set<AzureDataset>;
  /** Scopes this file gave items for (a truncated file makes its data sets partial there). */
  subscriptions: Set<string>;
  untyped: { pointer: string; reason: string }[];
  ignoredTypes: Set<string>;
}

function fileContext(state: State, doc: Pick<LocatedJson, 'file' | 'locate'>): FileContext {
  return { state, doc, datasets: new Set(), subscriptions: new Set(), untyped: [], ignoredTypes: new Set() };
}

/** A skipped item to charge to a data set in a subscription (one location, or "*" for every location of it). */
export type AzureSkip = PendingSkip;

/**
 * The snapshot reader's normaliser for ARM-shaped resources from another source (ARM templates and Bicep): each
 * resource is read as if it were an ARM REST body, with origins from the caller's `locate`, so both sources share
 * one mapping to the inventory.
 */
export interface AzureResourceReader {
  /** Reads the resources of one source file; `pointer` places each one through `doc.locate`. */
  readFile(
    doc: Pick<LocatedJson, 'file' | 'locate'>,
    items: readonly { raw: unknown; pointer: string; unknowns?: readonly { pointer: string; cause: string }[] }[],
  ): { ignoredTypes: string[]; datasets: AzureDataset[] };
  /** Marks data sets incomplete in a scope (values not known before deploy, resources outside the code). */
  skip(skip: AzureSkip): void;
  /** Declares a data set complete for a subscription: an empty list then means "none". */
  declare(subscription: string, dataset: AzureDataset): void;
  result: AzureSnapshotResult;
  finish(): AzureSnapshotResult;
}

export function azureResourceReader(): AzureResourceReader {
  const state = newState();
  return {
    readFile(doc, items) {
      const ctx = fileContext(state, doc);
      for (const { raw, pointer, unknowns } of items) readItem(ctx, raw, pointer, unknowns);
      return { ignoredTypes: [...ctx.ignoredTypes].sort(), datasets: [...ctx.datasets].sort() };
    },
    skip: (s) => state.skips.push(s),
    declare: (subscription, dataset) => state.declared.push({ subscription, dataset }),
    result: state.result,
    finish() {
      finish(state);
      return state.result;
    },
  };
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
  const ctx = fileContext(state, doc);
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

/**
 * `unknowns` (IaC): values of the item known only at deploy, left out of it (pointers relative to the item). A field
 * missing because of one is not an input error: the item is skipped with that cause, as its data set is incomplete.
 */
function readItem(
  ctx: FileContext,
  raw: unknown,
  pointer: string,
  unknowns: readonly { pointer: string; cause: string }[] = [],
): void {
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
  const unknownAt = (p: string): string | undefined =>
    unknowns.find((u) => {
      const abs = pointer + u.pointer;
      return p === abs || p.startsWith(`${abs}/`) || abs.startsWith(`${p}/`);
    })?.cause;
  const env = parse(ctx, S.resourceShape, r, pointer, skip, unknownAt);
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
  reader(item, (shape, value, at) => parse(ctx, shape, value, at, skip, unknownAt));
}

type Parser = <T extends z.ZodType>(shape: T, value: unknown, pointer: string) => z.output<T> | undefined;

function parse<T extends z.ZodType>(
  ctx: FileContext,
  shape: T,
  raw: unknown,
  pointer: string,
  skip: (pointer: string, reason: string) => void,
  unknownAt: (pointer: string) => string | undefined = () => undefined,
): z.output<T> | undefined {
  const r = shape.safeParse(raw);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 3);
  const at = (issue: z.core.$ZodIssue) =>
    pointer + toPointer(issue.path.map((s) => (typeof s === 'symbol' ? String(s) : s)));
  const causes = issues.map((i) => unknownAt(at(i)));
  if (causes.every((c) => c !== undefined)) {
    skip(pointer, `value not known before deploy: ${causes[0]!}`);
    return undefined;
  }
  for (const issue of issues.filter((_, i) => causes[i] === undefined)) {
    const p = at(issue);
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
/** A load-balancing or inbound NAT rule as both shapes read it. */
interface LbRuleShape {
  id?: string | undefined;
  name?: string | undefined;
  properties: {
    protocol?: string | undefined;
    frontendIPConfiguration?: string | undefined;
    frontendPort?: number | undefined;
    frontendPortRangeStart?: number | undefined;
    frontendPortRangeEnd?: number | undefined;
    backendPort?: number | undefined;
    enableFloatingIP?: boolean | undefined;
    backendAddressPool?: string | undefined;
    backendAddressPools?: string[] | undefined;
    backendIPConfiguration?: string | undefined;
  };
}

/** A child of a load balancer or gateway: its id, or the one ARM gives it (`<parent id>/<collection>/<name>`). */
const childId = (it: ItemContext, c: { id?: string | undefined; name?: string | undefined }, collection: string) =>
  c.id ?? `${it.env.id}/${collection}/${c.name ?? ''}`;

interface FrontendShape {
  id?: string | undefined;
  name?: string | undefined;
  properties: {
    privateIPAddress?: string | undefined;
    subnet?: string | undefined;
    publicIPAddress?: string | undefined;
  };
}

/** A front-end IP configuration (load balancer, application gateway). */
function frontend(it: ItemContext, c: FrontendShape): Record<string, unknown> {
  return defined({
    id: childId(it, c, 'frontendIPConfigurations'),
    name: c.name ?? '',
    privateIpAddress: c.properties.privateIPAddress,
    subnetId: c.properties.subnet,
    publicIpAddressId: c.properties.publicIPAddress,
  });
}

/** A load balancer's backend pool, nested or a child resource. */
function lbPool(
  id: string,
  c: { name?: string | undefined; properties: z.output<typeof S.lbPoolProps> },
  pointer: string,
) {
  return {
    id,
    name: c.name ?? '',
    backendIpConfigurationIds: c.properties.backendIPConfigurations,
    addresses: c.properties.loadBalancerBackendAddresses.map((a) =>
      defined({
        name: a.name,
        ipAddress: a.properties.ipAddress,
        virtualNetworkId: a.properties.virtualNetwork,
        subnetId: a.properties.subnet,
        frontendIpConfigurationId: a.properties.loadBalancerFrontendIPConfiguration,
        nicIpConfigurationId: a.properties.networkInterfaceIPConfiguration,
      }),
    ),
    pointer,
  };
}

/** A load-balancing or inbound NAT rule, nested or a child resource. */
function lbRule(kind: 'load-balancing' | 'inbound-nat', id: string, c: LbRuleShape, pointer: string) {
  const q = c.properties;
  return defined({
    kind,
    id,
    name: c.name ?? '',
    protocol: q.protocol,
    frontendIpConfigurationId: q.frontendIPConfiguration,
    frontendPort: q.frontendPort,
    frontendPortRangeStart: q.frontendPortRangeStart,
    frontendPortRangeEnd: q.frontendPortRangeEnd,
    backendPort: q.backendPort,
    enableFloatingIp: q.enableFloatingIP,
    backendAddressPoolIds: [
      ...new Set([...(q.backendAddressPool ? [q.backendAddressPool] : []), ...(q.backendAddressPools ?? [])]),
    ],
    backendIpConfigurationId: q.backendIPConfiguration,
    pointer,
  });
}

/** A pool or rule read as a resource of its own, kept until its load balancer is read (finish). */
function lbPart(it: ItemContext, list: 'backendAddressPools' | 'rules', value: Record<string, unknown>): void {
  it.state.lbParts.push({
    lb: parseAzureId(it.env.id).parentId ?? '',
    list,
    value,
    skip: {
      dataset: 'network:load-balancers',
      subscription: it.subscription,
      location: '*',
      item: { file: it.doc.file, ...lineOf(it.doc, it.pointer), pointer: it.pointer, reason: '' },
    },
  });
}

/** A list that is left out when empty (optional inventory fields). */
const nonEmpty = <T>(l: T[]): T[] | undefined => (l.length > 0 ? l : undefined);

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
  return list.flatMap((raw, i) => securityRule(raw, `${base}/${i}`, isDefault, parse) ?? []);
}

function securityRule(raw: unknown, pointer: string, isDefault: boolean, parse: Parser): AzureSecurityRule | undefined {
  const r = parse(S.securityRuleShape, raw, pointer);
  if (!r) return undefined;
  const p = r.properties;
  const merge = (one: string | undefined, many: string[]) => (many.length > 0 ? many : one !== undefined ? [one] : []);
  return {
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
  };
}

function route(raw: unknown, pointer: string, parse: Parser): AzureRoute | undefined {
  const r = parse(S.routeShape, raw, pointer);
  return r === undefined
    ? undefined
    : (defined({
        name: r.name ?? '',
        addressPrefix: r.properties.addressPrefix,
        nextHopType: r.properties.nextHopType,
        nextHopIpAddress: r.properties.nextHopIpAddress,
        pointer,
      }) as unknown as AzureRoute);
}

/** A route or security rule written as a resource of its own: kept for its parent (see `ChildRule`). */
function childRule(it: ItemContext, list: ChildRule['list'], value: AzureRoute | AzureSecurityRule | undefined): void {
  if (!value) return;
  it.state.childRules.push({
    list,
    parentId: parentOf(it),
    value: { ...value, origin: originOf(it.doc, it.pointer) },
    subscription: it.subscription,
    dataset: it.dataset,
    origin: originOf(it.doc, it.pointer),
  });
}

/** A subnet or peering, embedded in its VNet or listed on its own: it takes the VNet's location. */
function addVnetChild(
  it: ItemContext,
  list: 'subnets' | 'vnetPeerings',
  child: { id: string; name?: string | undefined },
  fields: Record<string, unknown>,
  at: { pointer: string; vnetId: string; location?: string | undefined },
): void {
  add(it, list, defined({ vnetId: at.vnetId, ...fields }), {
    id: child.id,
    ...(child.name ? { name: child.name } : {}),
    pointer: at.pointer,
    parentId: at.vnetId,
    ...(at.location ? { location: at.location } : {}),
    dataset: 'network:virtual-networks',
  });
}

function addSubnet(
  it: ItemContext,
  s: z.output<typeof S.embeddedSubnet>,
  at: Parameters<typeof addVnetChild>[4],
): void {
  const p = s.properties;
  addVnetChild(
    it,
    'subnets',
    s,
    {
      addressPrefixes: p.addressPrefixes.length > 0 ? p.addressPrefixes : p.addressPrefix ? [p.addressPrefix] : [],
      networkSecurityGroupId: p.networkSecurityGroup,
      routeTableId: p.routeTable,
      natGatewayId: p.natGateway,
      privateEndpointNetworkPolicies: p.privateEndpointNetworkPolicies,
      defaultOutboundAccess: p.defaultOutboundAccess,
      delegations: p.delegations,
    },
    at,
  );
}

function addPeering(
  it: ItemContext,
  s: z.output<typeof S.embeddedPeering>,
  at: Parameters<typeof addVnetChild>[4],
): void {
  const p = s.properties;
  addVnetChild(
    it,
    'vnetPeerings',
    s,
    {
      remoteVirtualNetworkId: p.remoteVirtualNetwork,
      remoteAddressPrefixes: p.remoteAddressSpace,
      allowVirtualNetworkAccess: p.allowVirtualNetworkAccess,
      allowForwardedTraffic: p.allowForwardedTraffic,
      allowGatewayTransit: p.allowGatewayTransit,
      useRemoteGateways: p.useRemoteGateways,
      peeringState: p.peeringState,
    },
    at,
  );
}

function parentOf(it: ItemContext): string {
  return parseAzureId(it.env.id).parentId ?? '';
}

type Reader = (it: ItemContext, parse: Parser) => void;

/** Where an item's location comes from: its own `location`, "global", or its parent resource. */
type Placement = 'own' | 'global' | 'parent';

/**
 * A reader for one resource type: the list it fills, the shape of its `properties`, the inventory fields, and where
 * its location comes from. `fields` may add child items (a VNet's subnets) through `parse`.
 */
function reader<T extends z.ZodType>(
  list: ListKey,
  props: T,
  fields: (it: ItemContext, p: z.output<T>, parse: Parser) => Record<string, unknown>,
  placement: Placement = 'own',
): Reader {
  return (it, parse) => {
    const p = parse(props, it.env.properties, `${it.pointer}/properties`);
    if (p === undefined) return;
    const parentId = parentOf(it);
    const where =
      placement === 'global' ? { location: 'global' } : placement === 'parent' || !it.location ? { parentId } : {};
    add(it, list, defined(fields(it, p, parse)), where);
  };
}

/** A child of a private DNS zone: the zone's id and (lower-case) name. */
function zoneOf(it: ItemContext): { zoneId: string; zoneName: string } {
  const zoneId = parentOf(it);
  return { zoneId, zoneName: (parseAzureId(zoneId).names.at(-1) ?? '').toLowerCase() };
}

function nameOf(it: ItemContext): string {
  return it.env.name ?? parseAzureId(it.env.id).names.at(-1) ?? '';
}

type ClassicCollections = z.output<typeof S.firewallProps>['applicationRuleCollections'];

function classicRules(cols: ClassicCollections, kind: 'application' | 'network', base: string) {
  return cols.flatMap((c, ci) =>
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
        pointer: `${base}/${ci}/properties/rules/${ri}`,
      }),
    ),
  );
}

function managedNetwork(it: ItemContext, mn: z.output<typeof S.mlProps>['managedNetwork']) {
  if (!mn) return undefined;
  const base = `${it.pointer}/properties/managedNetwork/outboundRules/`;
  return defined({
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
          addressPrefixes:
            typeof r.destination === 'object' && r.destination.addressPrefixes.length
              ? r.destination.addressPrefixes
              : undefined,
          action: typeof r.destination === 'object' ? r.destination.action : undefined,
          category: r.category,
          status: r.status,
          pointer: base + toPointer([name]).slice(1),
        }),
      ),
  });
}

/** One reader per resource type (lower-case), each turning a resource into inventory items. */
const READERS: Record<string, Reader> = {
  'microsoft.cognitiveservices/accounts': reader('cognitiveAccounts', S.cognitiveProps, (it, p) => ({
    ...target(it, p, p.networkAcls),
    kind: it.env.kind ?? '',
    sku: it.env.sku?.name,
    disableLocalAuth: p.disableLocalAuth,
    customSubDomainName: p.customSubDomainName,
    endpoint: p.endpoint,
    restrictOutboundNetworkAccess: p.restrictOutboundNetworkAccess,
    allowedFqdnList: p.allowedFqdnList,
  })),
  'microsoft.machinelearningservices/workspaces': reader('mlWorkspaces', S.mlProps, (it, p) => ({
    ...target(it, p, p.networkAcls),
    kind: it.env.kind ?? 'Default',
    managedNetwork: managedNetwork(it, p.managedNetwork),
    storageAccount: p.storageAccount,
    keyVault: p.keyVault,
    containerRegistry: p.containerRegistry,
    applicationInsights: p.applicationInsights,
    hubResourceId: p.hubResourceId,
    allowPublicAccessWhenBehindVnet: p.allowPublicAccessWhenBehindVnet,
  })),
  'microsoft.search/searchservices': reader('searchServices', S.searchProps, (it, p) => ({
    // Search has IP rules but no default action: the rules are an allow list (checks/azure/support.ts, publicExposure).
    ...target(
      it,
      p,
      p.networkRuleSet && {
        ipRules: p.networkRuleSet.ipRules,
        virtualNetworkRules: [],
        bypass: p.networkRuleSet.bypass,
        defaultAction: undefined,
      },
    ),
    sku: it.env.sku?.name,
    disableLocalAuth: p.disableLocalAuth,
  })),
  'microsoft.storage/storageaccounts': reader('storageAccounts', S.storageProps, (it, p) => ({
    ...target(it, p, p.networkAcls),
    kind: it.env.kind,
    allowBlobPublicAccess: p.allowBlobPublicAccess,
    allowSharedKeyAccess: p.allowSharedKeyAccess,
  })),
  'microsoft.keyvault/vaults': reader('keyVaults', S.keyVaultProps, (it, p) => ({
    ...target(it, p, p.networkAcls),
    enableRbacAuthorization: p.enableRbacAuthorization,
  })),
  'microsoft.containerregistry/registries': reader('containerRegistries', S.registryProps, (it, p) => ({
    ...target(it, p, p.networkRuleSet),
    sku: it.env.sku?.name,
    adminUserEnabled: p.adminUserEnabled,
  })),
  'microsoft.network/virtualnetworks': reader('virtualNetworks', S.vnetProps, (it, p, parse) => {
    const children = <T extends z.ZodType>(
      raws: unknown[],
      key: string,
      shape: T,
      addChild: (c: z.output<T>, at: string) => void,
    ) =>
      raws.flatMap((raw, i) => {
        const at = `${it.pointer}/properties/${key}/${i}`;
        const c = parse(shape, raw, at);
        if (c === undefined) return [];
        addChild(c, at);
        return [(c as { id: string }).id];
      });
    return {
      tags: it.env.tags,
      addressPrefixes: p.addressSpace,
      dnsServers: p.dhcpOptions,
      subnetIds: children(p.subnets, 'subnets', S.embeddedSubnet, (s, pointer) =>
        addSubnet(it, s, { pointer, vnetId: it.env.id, location: it.location }),
      ),
      peeringIds: children(p.virtualNetworkPeerings, 'virtualNetworkPeerings', S.embeddedPeering, (s, pointer) =>
        addPeering(it, s, { pointer, vnetId: it.env.id, location: it.location }),
      ),
    };
  }),
  'microsoft.network/virtualnetworks/subnets'(it, parse) {
    const s = parse(S.embeddedSubnet, it.env, it.pointer);
    if (s) addSubnet(it, s, { pointer: it.pointer, vnetId: parentOf(it) });
  },
  'microsoft.network/virtualnetworks/virtualnetworkpeerings'(it, parse) {
    const s = parse(S.embeddedPeering, it.env, it.pointer);
    if (s) addPeering(it, s, { pointer: it.pointer, vnetId: parentOf(it) });
  },
  'microsoft.network/networksecuritygroups': reader('networkSecurityGroups', S.nsgProps, (it, p, parse) => ({
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
  })),
  'microsoft.network/routetables': reader('routeTables', S.routeTableProps, (it, p, parse) => ({
    tags: it.env.tags,
    routes: p.routes.flatMap((raw, i) => route(raw, `${it.pointer}/properties/routes/${i}`, parse) ?? []),
    subnetIds: p.subnets,
    disableBgpRoutePropagation: p.disableBgpRoutePropagation,
  })),
  'microsoft.network/routetables/routes'(it, parse) {
    childRule(it, 'routeTables', route({ name: it.env.name, properties: it.env.properties }, it.pointer, parse));
  },
  'microsoft.network/networksecuritygroups/securityrules'(it, parse) {
    const raw = { id: it.env.id, name: it.env.name, properties: it.env.properties };
    childRule(it, 'networkSecurityGroups', securityRule(raw, it.pointer, false, parse));
  },
  'microsoft.network/privatelinkservices': reader('privateLinkServices', S.privateLinkServiceProps, (it, p) => ({
    tags: it.env.tags,
    loadBalancerFrontendIpConfigurationIds: p.loadBalancerFrontendIpConfigurations,
    natIpConfigurations: p.ipConfigurations.map((c) =>
      defined({ privateIpAddress: c.properties.privateIPAddress, subnetId: c.properties.subnet }),
    ),
  })),
  'microsoft.network/privateendpoints': reader('privateEndpoints', S.privateEndpointProps, (it, p) => {
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
    return {
      tags: it.env.tags,
      subnetId: p.subnet,
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
    };
  }),
  'microsoft.network/privateendpoints/privatednszonegroups': reader(
    'privateDnsZoneGroups',
    S.zoneGroupProps,
    (it, p) => ({
      privateEndpointId: parentOf(it),
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
    }),
    'parent',
  ),
  'microsoft.network/privatednszones': reader(
    'privateDnsZones',
    S.privateZoneProps,
    (it, p) => ({
      tags: it.env.tags,
      zoneName: nameOf(it).toLowerCase(),
      numberOfRecordSets: p.numberOfRecordSets,
      numberOfVirtualNetworkLinks: p.numberOfVirtualNetworkLinks,
    }),
    'global',
  ),
  'microsoft.network/privatednszones/virtualnetworklinks': reader(
    'privateDnsZoneLinks',
    S.zoneLinkProps,
    (it, p) => ({
      tags: it.env.tags,
      ...zoneOf(it),
      virtualNetworkId: p.virtualNetwork,
      registrationEnabled: p.registrationEnabled,
      virtualNetworkLinkState: p.virtualNetworkLinkState,
      resolutionPolicy: p.resolutionPolicy,
    }),
    'global',
  ),
  'microsoft.network/privatednszones/a': reader(
    'privateDnsARecords',
    S.aRecordProps,
    (it, p) => ({
      ...zoneOf(it),
      recordName: nameOf(it).toLowerCase(),
      ipv4Addresses: p.aRecords.map((a) => a.ipv4Address),
      fqdn: p.fqdn,
      ttl: p.ttl,
    }),
    'global',
  ),
  'microsoft.network/dnsresolvers': reader('dnsResolvers', S.resolverProps, (it, p) => ({
    tags: it.env.tags,
    virtualNetworkId: p.virtualNetwork,
  })),
  'microsoft.network/dnsresolvers/inboundendpoints': reader(
    'dnsResolverInboundEndpoints',
    S.inboundEndpointProps,
    (it, p) => ({
      tags: it.env.tags,
      resolverId: parentOf(it),
      ipConfigurations: p.ipConfigurations.map((c) =>
        defined({ privateIpAddress: c.privateIpAddress, subnetId: c.subnet }),
      ),
    }),
  ),
  'microsoft.network/dnsresolvers/outboundendpoints': reader(
    'dnsResolverOutboundEndpoints',
    S.outboundEndpointProps,
    (it, p) => ({ tags: it.env.tags, resolverId: parentOf(it), subnetId: p.subnet }),
  ),
  'microsoft.network/dnsforwardingrulesets': reader('dnsForwardingRulesets', S.rulesetProps, (it, p) => ({
    tags: it.env.tags,
    outboundEndpointIds: p.dnsResolverOutboundEndpoints,
  })),
  'microsoft.network/dnsforwardingrulesets/forwardingrules': reader(
    'dnsForwardingRules',
    S.forwardingRuleProps,
    (it, p) => ({
      rulesetId: parentOf(it),
      domainName: p.domainName.toLowerCase(),
      targetDnsServers: p.targetDnsServers.map((t) => ({ ipAddress: t.ipAddress, port: t.port ?? 53 })),
      state: p.forwardingRuleState,
    }),
    'parent',
  ),
  'microsoft.network/dnsforwardingrulesets/virtualnetworklinks': reader(
    'dnsForwardingRulesetLinks',
    S.rulesetLinkProps,
    (it, p) => ({ rulesetId: parentOf(it), virtualNetworkId: p.virtualNetwork }),
    'parent',
  ),
  'microsoft.network/dnsresolverpolicies': reader('dnsSecurityPolicies', S.dnsSecurityPolicyProps, (it) => ({
    tags: it.env.tags,
  })),
  'microsoft.network/dnsresolverpolicies/virtualnetworklinks': reader(
    'dnsSecurityPolicyLinks',
    S.dnsSecurityPolicyLinkProps,
    (it, p) => ({ policyId: parentOf(it), virtualNetworkId: p.virtualNetwork }),
  ),
  // An extension resource: its id is the resource it is on + /providers/microsoft.insights/diagnosticSettings/NAME, and
  // it takes that resource's location. The CLI prints it flat, ARM under properties.
  'microsoft.insights/diagnosticsettings': (it, parse) => {
    const raw = it.env.properties.logs !== undefined ? it.env.properties : it.env;
    const at = raw === it.env ? it.pointer : `${it.pointer}/properties`;
    const p = parse(S.diagnosticSettingProps, raw, at);
    if (p === undefined) return;
    const resourceId = it.env.id.replace(/\/providers\/microsoft\.insights\/diagnosticsettings\/[^/]+\/?$/i, '');
    add(
      it,
      'diagnosticSettings',
      {
        resourceId,
        logs: p.logs.map((l) => defined({ category: l.category, categoryGroup: l.categoryGroup, enabled: l.enabled })),
        destinations: [p.workspaceId, p.storageAccountId, p.eventHubAuthorizationRuleId, p.marketplacePartnerId].filter(
          (d): d is string => d !== undefined && d !== '',
        ),
      },
      { parentId: resourceId },
    );
  },
  'microsoft.network/azurefirewalls': reader('firewalls', S.firewallProps, (it, p) => ({
    tags: it.env.tags,
    skuTier: p.sku?.tier,
    firewallPolicyId: p.firewallPolicy,
    hubPrivateIpAddress: p.hubIPAddresses?.privateIPAddress,
    ipConfigurations: p.ipConfigurations.map((c) =>
      defined({
        privateIpAddress: c.properties.privateIPAddress,
        subnetId: c.properties.subnet,
        publicIpAddressId: c.properties.publicIPAddress,
      }),
    ),
    classicRules: [
      ...classicRules(
        p.applicationRuleCollections,
        'application',
        `${it.pointer}/properties/applicationRuleCollections`,
      ),
      ...classicRules(p.networkRuleCollections, 'network', `${it.pointer}/properties/networkRuleCollections`),
    ],
  })),
  'microsoft.network/firewallpolicies': reader('firewallPolicies', S.firewallPolicyProps, (it, p) => ({
    tags: it.env.tags,
    ruleCollectionGroupIds: p.ruleCollectionGroups,
    basePolicyId: p.basePolicy,
    threatIntelMode: p.threatIntelMode,
  })),
  'microsoft.network/firewallpolicies/rulecollectiongroups': reader(
    'firewallRuleCollectionGroups',
    S.ruleCollectionGroupProps,
    (it, p) => ({
      policyId: parentOf(it),
      priority: p.priority,
      rules: p.ruleCollections.flatMap((c, ci) =>
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
            destinationIpGroups: r.destinationIpGroups,
            destinationFqdns: r.destinationFqdns,
            targetFqdns: r.targetFqdns,
            fqdnTags: r.fqdnTags,
            webCategories: r.webCategories,
            destinationPorts: r.destinationPorts,
            // Application rules name protocol:port pairs; network rules IP protocols.
            protocols: r.ruleType === 'ApplicationRule' ? r.protocols : r.ipProtocols,
            pointer: `${it.pointer}/properties/ruleCollections/${ci}/rules/${ri}`,
          }),
        ),
      ),
    }),
    'parent',
  ),
  'microsoft.network/bastionhosts': reader('bastionHosts', S.bastionProps, (it, p) => {
    const subnetIds = p.ipConfigurations.flatMap((c) => (c.properties.subnet ? [c.properties.subnet] : []));
    // Developer-SKU hosts name a virtual network instead of an AzureBastionSubnet.
    const vnet = p.virtualNetwork ?? (subnetIds[0] ? parseAzureId(subnetIds[0]).parentId : undefined);
    return { tags: it.env.tags, subnetIds, sku: it.env.sku?.name, virtualNetworkId: vnet };
  }),
  'microsoft.network/networkwatchers/flowlogs': reader('flowLogs', S.flowLogProps, (it, p) => ({
    tags: it.env.tags,
    targetResourceId: p.targetResourceId ?? '',
    enabled: p.enabled,
    formatVersion: p.format?.version,
    storageId: p.storageId,
    trafficAnalytics: p.flowAnalyticsConfiguration?.networkWatcherFlowAnalyticsConfiguration?.enabled,
  })),
  'microsoft.network/publicipaddresses': reader('publicIpAddresses', S.publicIpProps, (it, p) => ({
    tags: it.env.tags,
    ipAddress: p.ipAddress,
    ipConfigurationId: p.ipConfiguration,
    sku: it.env.sku?.name,
  })),
  'microsoft.network/networkinterfaces': reader('networkInterfaces', S.nicProps, (it, p) => ({
    tags: it.env.tags,
    ipConfigurations: p.ipConfigurations.map((c, i) =>
      defined({
        privateIpAddress: c.properties.privateIPAddress,
        subnetId: c.properties.subnet,
        publicIpAddressId: c.properties.publicIPAddress,
        applicationSecurityGroupIds: c.properties.applicationSecurityGroups,
        loadBalancerBackendAddressPoolIds: nonEmpty(c.properties.loadBalancerBackendAddressPools),
        loadBalancerInboundNatRuleIds: nonEmpty(c.properties.loadBalancerInboundNatRules),
        applicationGatewayBackendAddressPoolIds: nonEmpty(c.properties.applicationGatewayBackendAddressPools),
        pointer: `${it.pointer}/properties/ipConfigurations/${i}`,
      }),
    ),
    networkSecurityGroupId: p.networkSecurityGroup,
    virtualMachineId: p.virtualMachine,
    privateEndpointId: p.privateEndpoint,
  })),
  'microsoft.network/loadbalancers': reader('loadBalancers', S.loadBalancerProps, (it, p) => {
    const base = `${it.pointer}/properties`;
    const idOf = (c: { id?: string; name?: string }, collection: string) => childId(it, c, collection);
    return {
      tags: it.env.tags,
      sku: it.env.sku?.name,
      skuTier: it.env.sku?.tier,
      frontendIpConfigurations: p.frontendIPConfigurations.map((c, i) => ({
        ...frontend(it, c),
        ...defined({ publicIpPrefixId: c.properties.publicIPPrefix }),
        pointer: `${base}/frontendIPConfigurations/${i}`,
      })),
      backendAddressPools: p.backendAddressPools.map((c, i) =>
        lbPool(idOf(c, 'backendAddressPools'), c, `${base}/backendAddressPools/${i}`),
      ),
      rules: [
        ...p.loadBalancingRules.map((c, i) =>
          lbRule('load-balancing', idOf(c, 'loadBalancingRules'), c, `${base}/loadBalancingRules/${i}`),
        ),
        ...p.inboundNatRules.map((c, i) =>
          lbRule('inbound-nat', idOf(c, 'inboundNatRules'), c, `${base}/inboundNatRules/${i}`),
        ),
      ],
      inboundNatPoolNames: p.inboundNatPools.map((x) => x.name ?? ''),
    };
  }),
  // Pools and rules declared as resources of their own (templates; ARM child GETs): folded into their load balancer
  // when the snapshot is finished. Their pointers are in another document: the load balancer's origin stands.
  'microsoft.network/loadbalancers/backendaddresspools': (it, parse) => {
    const p = parse(S.lbPoolProps, it.env.properties, `${it.pointer}/properties`);
    if (p) lbPart(it, 'backendAddressPools', lbPool(it.env.id, { name: nameOf(it), properties: p }, ''));
  },
  'microsoft.network/loadbalancers/loadbalancingrules': (it, parse) => {
    const p = parse(S.lbRuleProps, it.env.properties, `${it.pointer}/properties`);
    if (p) lbPart(it, 'rules', lbRule('load-balancing', it.env.id, { name: nameOf(it), properties: p }, ''));
  },
  'microsoft.network/loadbalancers/inboundnatrules': (it, parse) => {
    const p = parse(S.lbNatRuleProps, it.env.properties, `${it.pointer}/properties`);
    if (p) lbPart(it, 'rules', lbRule('inbound-nat', it.env.id, { name: nameOf(it), properties: p }, ''));
  },
  'microsoft.network/applicationgateways': reader('applicationGateways', S.applicationGatewayProps, (it, p) => {
    const base = `${it.pointer}/properties`;
    const idOf = (c: { id?: string; name?: string }, collection: string) => childId(it, c, collection);
    const maps = new Map(p.urlPathMaps.map((m) => [azureIdKey(idOf(m, 'urlPathMaps')), m]));
    const listener = (collection: string) => (c: (typeof p.httpListeners)[number], i: number) =>
      defined({
        id: idOf(c, collection),
        name: c.name ?? '',
        frontendIpConfigurationId: c.properties.frontendIPConfiguration,
        frontendPortId: c.properties.frontendPort,
        protocol: c.properties.protocol,
        pointer: `${base}/${collection}/${i}`,
      });
    const settings = (collection: string) => (c: (typeof p.backendHttpSettingsCollection)[number]) =>
      defined({
        id: idOf(c, collection),
        name: c.name ?? '',
        port: c.properties.port,
        protocol: c.properties.protocol,
      });
    return {
      tags: it.env.tags,
      skuTier: p.sku?.tier ?? it.env.sku?.tier,
      subnetIds: p.gatewayIPConfigurations.flatMap((c) => (c.properties.subnet ? [c.properties.subnet] : [])),
      frontendIpConfigurations: p.frontendIPConfigurations.map((c) => frontend(it, c)),
      frontendPorts: p.frontendPorts.map((c) => defined({ id: idOf(c, 'frontendPorts'), port: c.properties.port })),
      listeners: [...p.httpListeners.map(listener('httpListeners')), ...p.listeners.map(listener('listeners'))],
      backendAddressPools: p.backendAddressPools.map((c) => ({
        id: idOf(c, 'backendAddressPools'),
        name: c.name ?? '',
        backendIpConfigurationIds: c.properties.backendIPConfigurations,
        addresses: c.properties.backendAddresses.map((a) => defined({ ipAddress: a.ipAddress, fqdn: a.fqdn })),
      })),
      backendSettings: [
        ...p.backendHttpSettingsCollection.map(settings('backendHttpSettingsCollection')),
        ...p.backendSettingsCollection.map(settings('backendSettingsCollection')),
      ],
      routingRules: [
        ...p.requestRoutingRules.map((c, i) => {
          const r = c.properties;
          const map = r.urlPathMap ? maps.get(azureIdKey(r.urlPathMap)) : undefined;
          const targets = map
            ? [
                {
                  poolId: map.properties.defaultBackendAddressPool,
                  settingsId: map.properties.defaultBackendHttpSettings,
                },
                ...map.properties.pathRules.map((x) => ({
                  poolId: x.properties.backendAddressPool,
                  settingsId: x.properties.backendHttpSettings,
                })),
              ]
            : [{ poolId: r.backendAddressPool, settingsId: r.backendHttpSettings }];
          return defined({
            id: idOf(c, 'requestRoutingRules'),
            name: c.name ?? '',
            listenerId: r.httpListener,
            targets: targets.filter((t) => t.poolId !== undefined).map((t) => defined(t)),
            unresolved:
              r.urlPathMap && !map ? `URL path map ${r.urlPathMap.split('/').pop()} is not in the resource` : undefined,
            pointer: `${base}/requestRoutingRules/${i}`,
          });
        }),
        ...p.routingRules.map((c, i) =>
          defined({
            id: idOf(c, 'routingRules'),
            name: c.name ?? '',
            listenerId: c.properties.listener,
            targets: c.properties.backendAddressPool
              ? [defined({ poolId: c.properties.backendAddressPool, settingsId: c.properties.backendSettings })]
              : [],
            pointer: `${base}/routingRules/${i}`,
          }),
        ),
      ],
    };
  }),
  'microsoft.compute/virtualmachines': reader('virtualMachines', S.vmProps, (it, p) => ({
    tags: it.env.tags,
    networkInterfaceIds: p.networkProfile,
    osType: p.storageProfile?.osDisk?.osType,
  })),
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
/**
 * Routes and security rules read as resources of their own join their table's or group's list (one already there by
 * name — the same rule listed embedded and on its own — is not added twice). One whose parent was not read is a
 * rule cordon cannot place: the parent's data set is incomplete in the subscription, so nothing passes without it.
 */
function mergeChildRules(state: State): void {
  const inv = state.result.inventory;
  const parents = new Map<string, AzureRouteTable | AzureNetworkSecurityGroup>();
  for (const t of inv.routeTables) parents.set(azureIdKey(t.id), t);
  for (const g of inv.networkSecurityGroups) parents.set(azureIdKey(g.id), g);
  for (const c of state.childRules) {
    const parent = parents.get(azureIdKey(c.parentId));
    if (!parent) {
      const o = c.origin;
      state.skips.push({
        dataset: c.dataset,
        subscription: c.subscription,
        location: '*',
        item: {
          file: o.kind === 'file' ? o.file : 'live',
          ...(o.kind === 'file' && o.line !== undefined ? { line: o.line } : {}),
          pointer: o.kind === 'file' ? (o.pointer ?? '') : '',
          reason: `${c.value.name} belongs to ${c.parentId}, which is not in the snapshot`,
        },
      });
      continue;
    }
    const list = ('routes' in parent ? parent.routes : parent.securityRules) as { name: string }[];
    if (!list.some((x) => x.name.toLowerCase() === c.value.name.toLowerCase())) list.push(c.value);
  }
}

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
  // Child pools and rules join their load balancer; without it they are a part of a load balancer not read.
  // The first draft of a load balancer is the one kept (below).
  const lbs = new Map<string, Draft>();
  for (const d of state.drafts)
    if (d.list === 'loadBalancers' && !lbs.has(azureIdKey(d.value.id))) lbs.set(azureIdKey(d.value.id), d);
  for (const part of state.lbParts) {
    const lb = lbs.get(azureIdKey(part.lb));
    const list = lb ? (lb.value as unknown as Record<string, Record<string, unknown>[]>)[part.list] : undefined;
    if (!list) {
      const reason = `${String(part.value.id)}: its load balancer is not in the snapshot`;
      state.skips.push({ ...part.skip, item: { ...part.skip.item, reason } });
    } else if (!list.some((x) => azureIdKey(String(x.id)) === azureIdKey(String(part.value.id)))) list.push(part.value);
  }
  const unresolved = new Set<string>();
  const noSubscription = new Set<string>();
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
    const o = d.value.origin;
    if (d.value.subscription === 'unknown' && o.kind === 'file' && !noSubscription.has(o.file)) {
      noSubscription.add(o.file);
      state.result.warnings.push({
        file: o.file,
        message: `cannot tell the subscription of ${d.value.id} (and maybe others in this file): its id has none and the row no subscriptionId`,
        ...(o.line ? { line: o.line } : {}),
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
  mergeChildRules(state);
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
