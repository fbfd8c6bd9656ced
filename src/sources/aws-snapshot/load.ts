/**
 * Reads a snapshot: a directory tree of JSON files exactly as the AWS CLI prints them (docs/snapshots.md lists the
 * commands). Files are recognised by their content, never their name. Account and region come from the data
 * (owner ids, ARNs, availability zones, service names, links between resources) or from a manifest file
 * ({"cordonSnapshot": 1, "provider": "aws", "account": …, "region": …}) that covers its directory and those below.
 * A bad file or item gives a located error and is skipped; everything else is still read.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import type { Origin } from '../../findings/types.js';
import {
  AWS_DATASETS,
  emptyAwsInventory,
  scopeKey,
  type AwsDataset,
  type AwsInventory,
  type AwsIpPermission,
  type AwsSageMakerResource,
  type SageMakerKind,
  type RouteTargetType,
  type Scoped,
} from '../../inventory/aws.js';
import { InputError } from '../../util/errors.js';
import { toPointer } from '../../util/json-pointer.js';
import { parseLocatedJson, type LocatedJson } from '../../util/located-json.js';
import { parseArn, parseServiceName, regionOfAvailabilityZone } from './names.js';
import * as S from './shapes.js';

export interface SnapshotWarning {
  file: string;
  message: string;
  line?: number;
}

export interface SnapshotResult {
  inventory: AwsInventory;
  /** Files that could not be read or recognised, and items with a bad shape: each located. */
  errors: InputError[];
  warnings: SnapshotWarning[];
  /** Every file read and what it was recognised as. */
  files: { file: string; recognisedAs: string[] }[];
}

type ListKey = Exclude<keyof AwsInventory, 'organization' | 'datasets' | 'unavailable'>;

interface Hint {
  account?: string;
  region?: string;
  vpcId?: string;
  subnetId?: string;
}

interface Draft {
  list: ListKey;
  dataset: AwsDataset;
  value: Scoped & Record<string, unknown>;
  hint: Hint;
  dir: string;
}

interface Manifest {
  file: string;
  account: string;
  region: string;
  unavailable: { dataset: string; reason: string; action?: string }[];
}

interface State {
  root: string;
  drafts: Draft[];
  /** Data sets seen in a file with no items (an empty describe output is data: "there are none"). */
  emptyDatasets: { dir: string; dataset: AwsDataset; file: string }[];
  manifests: Map<string, Manifest>;
  /** idle_timeout.timeout_seconds per load balancer ARN, merged into load balancers at the end. */
  lbAttributes: Map<string, { idle: number | undefined; dir: string }>;
  /** Data sets seen through documents that add no inventory item of their own (load balancer attributes). */
  markers: { dataset: AwsDataset; hint: Hint; dir: string }[];
  result: SnapshotResult;
}

export async function loadAwsSnapshot(root: string): Promise<SnapshotResult> {
  const result: SnapshotResult = { inventory: emptyAwsInventory(), errors: [], warnings: [], files: [] };
  const state: State = {
    root,
    drafts: [],
    emptyDatasets: [],
    manifests: new Map(),
    lbAttributes: new Map(),
    markers: [],
    result,
  };
  let files: string[];
  try {
    files = await listJsonFiles(root);
    // Paths in reports are relative to the snapshot directory (or to the directory of a single file).
    if ((await stat(root)).isFile()) state.root = path.dirname(root);
  } catch (err) {
    result.errors.push(
      new InputError(root, `cannot read snapshot: ${(err as NodeJS.ErrnoException).code ?? String(err)}`),
    );
    return result;
  }
  if (files.length === 0) result.errors.push(new InputError(root, 'no .json files found'));
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      result.errors.push(
        new InputError(rel(state, file), `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`),
      );
      continue;
    }
    readDocumentFile(state, file, text);
  }
  resolveScopes(state);
  return result;
}

/** Reads one file's text into the state; exported for tests that feed documents without a directory. */
export function loadAwsSnapshotFromTexts(files: { name: string; text: string }[]): SnapshotResult {
  const result: SnapshotResult = { inventory: emptyAwsInventory(), errors: [], warnings: [], files: [] };
  const state: State = {
    root: '',
    drafts: [],
    emptyDatasets: [],
    manifests: new Map(),
    lbAttributes: new Map(),
    markers: [],
    result,
  };
  for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name))) readDocumentFile(state, f.name, f.text);
  resolveScopes(state);
  return result;
}

async function listJsonFiles(root: string): Promise<string[]> {
  const info = await stat(root);
  if (info.isFile()) return [root];
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
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

function readDocumentFile(state: State, absFile: string, text: string): void {
  const file = rel(state, absFile);
  const dir = path.dirname(file);
  let doc: LocatedJson;
  try {
    doc = parseLocatedJson(file, text);
  } catch (err) {
    state.result.errors.push(err instanceof InputError ? err : new InputError(file, String(err)));
    return;
  }
  const recognised: string[] = [];
  // A file may hold one CLI output or an array of them (several describe-vpc-attribute calls, say).
  const docs: [unknown, string][] =
    Array.isArray(doc.value) && doc.value.every((d) => d !== null && typeof d === 'object' && !Array.isArray(d))
      ? doc.value.map((d, i) => [d, `/${i}`])
      : [[doc.value, '']];
  for (const [value, base] of docs) {
    const kind = recognise(state, doc, dir, value, base);
    if (kind) recognised.push(kind);
  }
  state.result.files.push({ file, recognisedAs: recognised });
}

/** Dispatches one document by its content. Returns what it was, or undefined after recording an error. */
function recognise(state: State, doc: LocatedJson, dir: string, value: unknown, base: string): string | undefined {
  const file = doc.file;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    state.result.errors.push(
      new InputError(file, 'not a recognised AWS CLI output: expected a JSON object', doc.locate(base)),
    );
    return undefined;
  }
  const v = value as Record<string, unknown>;
  const ctx: ItemContext = { state, doc, dir, base };
  if ('cordonSnapshot' in v) return readManifest(ctx, v);
  if (typeof v.NextToken === 'string') {
    state.result.warnings.push({
      file,
      message: 'output has a NextToken: it is one page of a longer list, and the rest is missing',
      ...lineOf(doc, base + '/NextToken'),
    });
  }
  // Single outputs with distinctive fields go first: describe-notebook-instance, for one, has a SecurityGroups
  // list (of ids) that would otherwise pass for describe-security-groups.
  const sm = SAGEMAKER_DETAIL.find((d) => d.test(v));
  if (sm) {
    const item = parseItem(ctx, sm.shape, v, base);
    if (item) addSageMaker(ctx, sm.kind, sm.normalise(item as never), base, true);
    return sm.command;
  }
  for (const r of LIST_RECOGNISERS) {
    if (Array.isArray(v[r.key])) {
      readList(ctx, r, v[r.key] as unknown[]);
      return r.key;
    }
  }
  if (typeof v.VpcId === 'string' && ('EnableDnsSupport' in v || 'EnableDnsHostnames' in v)) {
    const item = parseItem(ctx, S.vpcAttributeShape, v, base);
    if (item) {
      addDraft(
        ctx,
        'vpcAttributes',
        'ec2:vpc-attributes',
        base,
        {
          vpcId: item.VpcId,
          enableDnsSupport: item.EnableDnsSupport?.Value,
          enableDnsHostnames: item.EnableDnsHostnames?.Value,
        },
        { vpcId: item.VpcId },
      );
    }
    return 'describe-vpc-attribute';
  }
  if (typeof v.jobArn === 'string') {
    const item = parseItem(ctx, S.customizationJobShape, v, base);
    if (item) addJob(ctx, item, base, true);
    return 'get-model-customization-job';
  }
  if (v.Policy !== null && typeof v.Policy === 'object' && 'PolicySummary' in v.Policy) {
    const item = parseItem(ctx, S.describePolicyShape, v, base);
    if (item) {
      const summary = item.Policy.PolicySummary;
      if (summary.Type !== undefined && summary.Type !== 'SERVICE_CONTROL_POLICY') {
        state.result.warnings.push({
          file,
          message: `policy ${summary.Id} is a ${summary.Type}, not a service control policy: ignored`,
          ...lineOf(doc, base),
        });
      } else {
        let content: unknown;
        let contentError: string | undefined;
        try {
          content = JSON.parse(item.Policy.Content ?? 'null');
        } catch (err) {
          contentError = `policy content is not valid JSON: ${(err as Error).message}`;
        }
        addScp(ctx, summary, base + '/Policy', content, contentError);
      }
    }
    return 'describe-policy';
  }
  if (typeof v.LoadBalancerArn === 'string' && Array.isArray(v.Attributes)) {
    const item = parseItem(ctx, S.loadBalancerAttributesShape, v, base);
    if (item) {
      const idle = item.Attributes.find((a) => a.Key === 'idle_timeout.timeout_seconds');
      state.lbAttributes.set(item.LoadBalancerArn, { idle: idle ? Number(idle.Value) : undefined, dir });
      const arn = parseArn(item.LoadBalancerArn);
      addDraftMarker(ctx, 'elbv2:load-balancer-attributes', { account: arn?.account, region: arn?.region });
    }
    return 'describe-load-balancer-attributes';
  }
  if (v.Organization !== null && typeof v.Organization === 'object') {
    const item = parseItem(ctx, S.organizationShape, v, base);
    if (item) {
      state.result.inventory.organization = {
        id: item.Organization.Id,
        ...(item.Organization.MasterAccountId ? { managementAccountId: item.Organization.MasterAccountId } : {}),
        origin: originOf(doc, base + '/Organization'),
      };
      markDataset(state, '*', 'organizations:organization');
    }
    return 'describe-organization';
  }
  const keys = Object.keys(v).slice(0, 6).join(', ');
  state.result.errors.push(
    new InputError(
      file,
      `not a recognised AWS CLI output (top-level keys: ${keys || 'none'}); see docs/snapshots.md for the commands cordon reads`,
      doc.locate(base),
    ),
  );
  return undefined;
}

interface ItemContext {
  state: State;
  doc: LocatedJson;
  dir: string;
  base: string;
}

interface ListRecogniser {
  key: string;
  dataset: AwsDataset;
  read(ctx: ItemContext, raw: unknown, pointer: string): void;
}

function parseItem<T extends z.ZodType>(
  ctx: ItemContext,
  shape: T,
  raw: unknown,
  pointer: string,
): z.output<T> | undefined {
  const r = shape.safeParse(raw);
  if (r.success) return r.data;
  for (const issue of r.error.issues.slice(0, 3)) {
    const p = pointer + toPointer(issue.path.map((s) => (typeof s === 'symbol' ? String(s) : s)));
    const what =
      issue.code === 'invalid_type' && issue.input === undefined
        ? `missing required field ${String(issue.path[issue.path.length - 1])}`
        : issue.message;
    ctx.state.result.errors.push(new InputError(ctx.doc.file, `${what}; item skipped`, ctx.doc.locate(p)));
  }
  return undefined;
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

function lineOf(doc: LocatedJson, pointer: string): { line?: number } {
  const l = doc.locate(pointer).line;
  return l === undefined ? {} : { line: l };
}

function addDraft(
  ctx: ItemContext,
  list: ListKey,
  dataset: AwsDataset,
  pointer: string,
  value: Record<string, unknown>,
  hint: Hint,
): void {
  ctx.state.drafts.push({
    list,
    dataset,
    value: { ...value, account: '', region: '', origin: originOf(ctx.doc, pointer) },
    hint,
    dir: ctx.dir,
  });
}

function readList(ctx: ItemContext, r: ListRecogniser, items: unknown[]): void {
  if (items.length === 0) ctx.state.emptyDatasets.push({ dir: ctx.dir, dataset: r.dataset, file: ctx.doc.file });
  items.forEach((raw, i) => r.read(ctx, raw, `${ctx.base}/${r.key}/${i}`));
}

function ownerHint(owner: string | undefined): Hint {
  return owner && /^\d{12}$/.test(owner) ? { account: owner } : {};
}

function permissions(list: z.output<typeof S.securityGroupShape>['IpPermissions'], pointer: string): AwsIpPermission[] {
  return list.map((p, i) => ({
    protocol: p.IpProtocol.toLowerCase(),
    ...(p.FromPort !== undefined ? { fromPort: p.FromPort } : {}),
    ...(p.ToPort !== undefined ? { toPort: p.ToPort } : {}),
    ipv4Ranges: p.IpRanges.map((x) => ({ cidr: x.CidrIp, ...(x.Description ? { description: x.Description } : {}) })),
    ipv6Ranges: p.Ipv6Ranges.map((x) => ({
      cidr: x.CidrIpv6,
      ...(x.Description ? { description: x.Description } : {}),
    })),
    groupRefs: p.UserIdGroupPairs.filter((g) => g.GroupId).map((g) => ({
      groupId: g.GroupId!,
      ...(g.UserId ? { userId: g.UserId } : {}),
    })),
    prefixListIds: p.PrefixListIds.map((x) => x.PrefixListId),
    pointer: `${pointer}/${i}`,
  }));
}

function routeTarget(r: z.output<typeof S.routeShape>): { type: RouteTargetType; id: string } {
  if (r.NatGatewayId) return { type: 'nat-gateway', id: r.NatGatewayId };
  if (r.EgressOnlyInternetGatewayId) return { type: 'egress-only-internet-gateway', id: r.EgressOnlyInternetGatewayId };
  if (r.TransitGatewayId) return { type: 'transit-gateway', id: r.TransitGatewayId };
  if (r.VpcPeeringConnectionId) return { type: 'vpc-peering', id: r.VpcPeeringConnectionId };
  if (r.InstanceId) return { type: 'instance', id: r.InstanceId };
  if (r.NetworkInterfaceId) return { type: 'network-interface', id: r.NetworkInterfaceId };
  const g = r.GatewayId;
  if (g === 'local') return { type: 'local', id: 'local' };
  if (g?.startsWith('igw-')) return { type: 'internet-gateway', id: g };
  if (g?.startsWith('vgw-')) return { type: 'virtual-private-gateway', id: g };
  if (g?.startsWith('vpce-')) return { type: 'vpc-endpoint', id: g };
  return { type: 'other', id: g ?? r.LocalGatewayId ?? r.CarrierGatewayId ?? r.CoreNetworkArn ?? 'unknown' };
}

const SAGEMAKER_DATASET: Record<SageMakerKind, AwsDataset> = {
  'notebook-instance': 'sagemaker:notebook-instances',
  domain: 'sagemaker:domains',
  model: 'sagemaker:models',
  'training-job': 'sagemaker:training-jobs',
  'processing-job': 'sagemaker:processing-jobs',
};

const LIST_RECOGNISERS: ListRecogniser[] = [
  {
    key: 'Vpcs',
    dataset: 'ec2:vpcs',
    read(ctx, raw, p) {
      const v = parseItem(ctx, S.vpcShape, raw, p);
      if (!v) return;
      const assoc = (v.CidrBlockAssociationSet ?? [])
        .filter((a) => !a.CidrBlockState?.State || a.CidrBlockState.State === 'associated')
        .map((a) => a.CidrBlock);
      const cidrs = [...new Set([...(v.CidrBlock ? [v.CidrBlock] : []), ...assoc])];
      addDraft(
        ctx,
        'vpcs',
        'ec2:vpcs',
        p,
        {
          id: v.VpcId,
          cidrs,
          ipv6Cidrs: (v.Ipv6CidrBlockAssociationSet ?? []).flatMap((a) => (a.Ipv6CidrBlock ? [a.Ipv6CidrBlock] : [])),
          isDefault: v.IsDefault ?? false,
          tags: S.tagMap(v.Tags),
        },
        { ...ownerHint(v.OwnerId), vpcId: v.VpcId },
      );
    },
  },
  {
    key: 'Subnets',
    dataset: 'ec2:subnets',
    read(ctx, raw, p) {
      const s = parseItem(ctx, S.subnetShape, raw, p);
      if (!s) return;
      const arn = parseArn(s.SubnetArn);
      addDraft(
        ctx,
        'subnets',
        'ec2:subnets',
        p,
        {
          id: s.SubnetId,
          vpcId: s.VpcId,
          ...(s.CidrBlock ? { cidr: s.CidrBlock } : {}),
          ipv6Cidrs: (s.Ipv6CidrBlockAssociationSet ?? []).flatMap((a) => (a.Ipv6CidrBlock ? [a.Ipv6CidrBlock] : [])),
          ...(s.AvailabilityZone ? { availabilityZone: s.AvailabilityZone } : {}),
          ...(s.AvailabilityZoneId ? { availabilityZoneId: s.AvailabilityZoneId } : {}),
          tags: S.tagMap(s.Tags),
        },
        {
          ...ownerHint(s.OwnerId ?? arn?.account),
          region: regionOfAvailabilityZone(s.AvailabilityZone) ?? arn?.region,
          vpcId: s.VpcId,
        },
      );
    },
  },
  {
    key: 'RouteTables',
    dataset: 'ec2:route-tables',
    read(ctx, raw, p) {
      const t = parseItem(ctx, S.routeTableShape, raw, p);
      if (!t) return;
      addDraft(
        ctx,
        'routeTables',
        'ec2:route-tables',
        p,
        {
          id: t.RouteTableId,
          vpcId: t.VpcId,
          routes: t.Routes.map((r, i) => ({
            destination: r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId ?? 'unknown',
            target: routeTarget(r),
            ...(r.State ? { state: r.State } : {}),
            pointer: `${p}/Routes/${i}`,
          })),
          subnetIds: t.Associations.flatMap((a) => (a.SubnetId ? [a.SubnetId] : [])),
          main: t.Associations.some((a) => a.Main === true),
          tags: S.tagMap(t.Tags),
        },
        { ...ownerHint(t.OwnerId), vpcId: t.VpcId },
      );
    },
  },
  {
    key: 'InternetGateways',
    dataset: 'ec2:internet-gateways',
    read(ctx, raw, p) {
      const g = parseItem(ctx, S.internetGatewayShape, raw, p);
      if (!g) return;
      const vpcIds = g.Attachments.filter((a) => !a.State || ['attached', 'available'].includes(a.State)).map(
        (a) => a.VpcId,
      );
      addDraft(
        ctx,
        'internetGateways',
        'ec2:internet-gateways',
        p,
        { id: g.InternetGatewayId, vpcIds },
        { ...ownerHint(g.OwnerId), ...(vpcIds[0] ? { vpcId: vpcIds[0] } : {}) },
      );
    },
  },
  {
    key: 'NatGateways',
    dataset: 'ec2:nat-gateways',
    read(ctx, raw, p) {
      const n = parseItem(ctx, S.natGatewayShape, raw, p);
      if (!n) return;
      addDraft(
        ctx,
        'natGateways',
        'ec2:nat-gateways',
        p,
        {
          id: n.NatGatewayId,
          ...(n.VpcId ? { vpcId: n.VpcId } : {}),
          ...(n.SubnetId ? { subnetId: n.SubnetId } : {}),
          ...(n.State ? { state: n.State } : {}),
          connectivityType: n.ConnectivityType === 'private' ? 'private' : 'public',
        },
        { ...(n.VpcId ? { vpcId: n.VpcId } : {}), ...(n.SubnetId ? { subnetId: n.SubnetId } : {}) },
      );
    },
  },
  {
    key: 'SecurityGroups',
    dataset: 'ec2:security-groups',
    read(ctx, raw, p) {
      const g = parseItem(ctx, S.securityGroupShape, raw, p);
      if (!g) return;
      addDraft(
        ctx,
        'securityGroups',
        'ec2:security-groups',
        p,
        {
          id: g.GroupId,
          name: g.GroupName,
          ...(g.VpcId ? { vpcId: g.VpcId } : {}),
          ingress: permissions(g.IpPermissions, `${p}/IpPermissions`),
          egress: permissions(g.IpPermissionsEgress, `${p}/IpPermissionsEgress`),
          tags: S.tagMap(g.Tags),
        },
        { ...ownerHint(g.OwnerId), ...(g.VpcId ? { vpcId: g.VpcId } : {}) },
      );
    },
  },
  {
    key: 'NetworkAcls',
    dataset: 'ec2:network-acls',
    read(ctx, raw, p) {
      const a = parseItem(ctx, S.networkAclShape, raw, p);
      if (!a) return;
      addDraft(
        ctx,
        'networkAcls',
        'ec2:network-acls',
        p,
        {
          id: a.NetworkAclId,
          vpcId: a.VpcId,
          isDefault: a.IsDefault,
          entries: a.Entries.map((e) => ({
            ruleNumber: e.RuleNumber,
            egress: e.Egress,
            protocol: e.Protocol,
            action: e.RuleAction,
            ...(e.CidrBlock ? { cidr: e.CidrBlock } : {}),
            ...(e.Ipv6CidrBlock ? { ipv6Cidr: e.Ipv6CidrBlock } : {}),
            ...(e.PortRange ? { portRange: { from: e.PortRange.From, to: e.PortRange.To } } : {}),
          })),
          subnetIds: a.Associations.map((x) => x.SubnetId),
        },
        { ...ownerHint(a.OwnerId), vpcId: a.VpcId },
      );
    },
  },
  {
    key: 'VpcEndpoints',
    dataset: 'ec2:vpc-endpoints',
    read(ctx, raw, p) {
      const e = parseItem(ctx, S.vpcEndpointShape, raw, p);
      if (!e) return;
      const svc = parseServiceName(e.ServiceName);
      let policy: unknown;
      let policyError: string | undefined;
      if (e.PolicyDocument !== undefined && e.PolicyDocument.trim() !== '') {
        try {
          policy = JSON.parse(e.PolicyDocument);
        } catch (err) {
          policyError = `PolicyDocument is not valid JSON: ${(err as Error).message}`;
        }
      }
      addDraft(
        ctx,
        'vpcEndpoints',
        'ec2:vpc-endpoints',
        p,
        {
          id: e.VpcEndpointId,
          vpcId: e.VpcId,
          serviceName: e.ServiceName,
          service: svc.service,
          type: e.VpcEndpointType,
          ...(e.State ? { state: e.State } : {}),
          privateDnsEnabled: e.PrivateDnsEnabled,
          ...(policy !== undefined ? { policy } : {}),
          ...(policyError ? { policyError } : {}),
          subnetIds: e.SubnetIds,
          groupIds: e.Groups.map((g) => g.GroupId),
          routeTableIds: e.RouteTableIds,
          networkInterfaceIds: e.NetworkInterfaceIds,
          tags: S.tagMap(e.Tags),
        },
        { ...ownerHint(e.OwnerId), ...(svc.region ? { region: svc.region } : {}), vpcId: e.VpcId },
      );
    },
  },
  {
    key: 'NetworkInterfaces',
    dataset: 'ec2:network-interfaces',
    read(ctx, raw, p) {
      const n = parseItem(ctx, S.networkInterfaceShape, raw, p);
      if (!n) return;
      const ips = [
        ...new Set([
          ...(n.PrivateIpAddress ? [n.PrivateIpAddress] : []),
          ...n.PrivateIpAddresses.map((x) => x.PrivateIpAddress),
        ]),
      ];
      addDraft(
        ctx,
        'networkInterfaces',
        'ec2:network-interfaces',
        p,
        {
          id: n.NetworkInterfaceId,
          ...(n.SubnetId ? { subnetId: n.SubnetId } : {}),
          ...(n.VpcId ? { vpcId: n.VpcId } : {}),
          ...(n.AvailabilityZone ? { availabilityZone: n.AvailabilityZone } : {}),
          ...(n.InterfaceType ? { interfaceType: n.InterfaceType } : {}),
          ...(n.Description ? { description: n.Description } : {}),
          privateIps: ips,
          groupIds: n.Groups.map((g) => g.GroupId),
          requesterManaged: n.RequesterManaged,
        },
        {
          ...ownerHint(n.OwnerId),
          region: regionOfAvailabilityZone(n.AvailabilityZone),
          ...(n.VpcId ? { vpcId: n.VpcId } : {}),
        },
      );
    },
  },
  {
    key: 'modelCustomizationJobSummaries',
    dataset: 'bedrock:customization-jobs',
    read(ctx, raw, p) {
      const j = parseItem(ctx, S.customizationJobSummaryShape, raw, p);
      if (j) addJob(ctx, j, p, false);
    },
  },
  {
    key: 'agentSummaries',
    dataset: 'bedrock:agents',
    read(ctx, raw, p) {
      const a = parseItem(ctx, S.agentSummaryShape, raw, p);
      if (!a) return;
      addDraft(
        ctx,
        'bedrockAgents',
        'bedrock:agents',
        p,
        { id: a.agentId, name: a.agentName, ...(a.agentStatus ? { status: a.agentStatus } : {}) },
        {},
      );
    },
  },
  ...(
    [
      [
        'NotebookInstances',
        'notebook-instance',
        S.notebookSummaryShape,
        (x: z.output<typeof S.notebookSummaryShape>) => ({
          arn: x.NotebookInstanceArn,
          name: x.NotebookInstanceName,
          status: x.NotebookInstanceStatus,
        }),
      ],
      [
        'Domains',
        'domain',
        S.domainSummaryShape,
        (x: z.output<typeof S.domainSummaryShape>) => ({
          arn: x.DomainArn,
          name: x.DomainName || x.DomainId,
          status: x.Status,
        }),
      ],
      [
        'Models',
        'model',
        S.modelSummaryShape,
        (x: z.output<typeof S.modelSummaryShape>) => ({ arn: x.ModelArn, name: x.ModelName }),
      ],
      [
        'TrainingJobSummaries',
        'training-job',
        S.trainingJobSummaryShape,
        (x: z.output<typeof S.trainingJobSummaryShape>) => ({
          arn: x.TrainingJobArn,
          name: x.TrainingJobName,
          status: x.TrainingJobStatus,
        }),
      ],
      [
        'ProcessingJobSummaries',
        'processing-job',
        S.processingJobSummaryShape,
        (x: z.output<typeof S.processingJobSummaryShape>) => ({
          arn: x.ProcessingJobArn,
          name: x.ProcessingJobName,
          status: x.ProcessingJobStatus,
        }),
      ],
    ] as const
  ).map(([key, kind, shape, normalise]): ListRecogniser => ({
    key,
    dataset: SAGEMAKER_DATASET[kind],
    read(ctx, raw, p) {
      const item = parseItem(ctx, shape, raw, p);
      if (item) addSageMaker(ctx, kind, { ...normalise(item as never), subnetIds: [], securityGroupIds: [] }, p, false);
    },
  })),
  {
    key: 'LoadBalancers',
    dataset: 'elbv2:load-balancers',
    read(ctx, raw, p) {
      const lb = parseItem(ctx, S.loadBalancerShape, raw, p);
      if (!lb) return;
      const arn = parseArn(lb.LoadBalancerArn);
      addDraft(
        ctx,
        'loadBalancers',
        'elbv2:load-balancers',
        p,
        {
          arn: lb.LoadBalancerArn,
          name: lb.LoadBalancerName,
          type: lb.Type,
          ...(lb.Scheme ? { scheme: lb.Scheme } : {}),
          ...(lb.VpcId ? { vpcId: lb.VpcId } : {}),
          subnetIds: lb.AvailabilityZones.flatMap((a) => (a.SubnetId ? [a.SubnetId] : [])),
          attributesKnown: false,
        },
        {
          ...(arn?.account ? { account: arn.account } : {}),
          ...(arn?.region ? { region: arn.region } : {}),
          ...(lb.VpcId ? { vpcId: lb.VpcId } : {}),
        },
      );
    },
  },
  {
    key: 'Policies',
    dataset: 'organizations:scps',
    read(ctx, raw, p) {
      const s = parseItem(ctx, S.policySummaryShape, raw, p);
      if (!s) return;
      if (s.Type !== undefined && s.Type !== 'SERVICE_CONTROL_POLICY') return;
      addScp(ctx, s, p, undefined, undefined);
    },
  },
];

/** SageMaker's VpcConfig ({Subnets, SecurityGroupIds}) in inventory terms. */
function smVpc(v: { Subnets: string[]; SecurityGroupIds: string[] } | undefined): {
  subnetIds: string[];
  securityGroupIds: string[];
} {
  return { subnetIds: v?.Subnets ?? [], securityGroupIds: v?.SecurityGroupIds ?? [] };
}

type SageMakerFields = Omit<AwsSageMakerResource, keyof Scoped | 'kind' | 'detail'>;

/** describe-* outputs of SageMaker, told apart by the fields only the detail call returns. */
const SAGEMAKER_DETAIL: {
  kind: SageMakerKind;
  command: string;
  test: (v: Record<string, unknown>) => boolean;
  shape: z.ZodType;
  normalise: (x: never) => SageMakerFields;
}[] = [
  {
    kind: 'notebook-instance',
    command: 'describe-notebook-instance',
    test: (v) => typeof v.NotebookInstanceArn === 'string' && 'DirectInternetAccess' in v,
    shape: S.notebookShape,
    normalise: (x: z.output<typeof S.notebookShape>) => ({
      arn: x.NotebookInstanceArn,
      name: x.NotebookInstanceName,
      status: x.NotebookInstanceStatus,
      subnetIds: x.SubnetId ? [x.SubnetId] : [],
      securityGroupIds: x.SecurityGroups,
      directInternetAccess: x.DirectInternetAccess === 'Enabled',
    }),
  },
  {
    kind: 'domain',
    command: 'describe-domain',
    test: (v) => typeof v.DomainArn === 'string' && typeof v.DomainId === 'string',
    shape: S.domainShape,
    normalise: (x: z.output<typeof S.domainShape>) => ({
      arn: x.DomainArn,
      name: x.DomainName || x.DomainId,
      status: x.Status,
      vpcId: x.VpcId,
      subnetIds: x.SubnetIds,
      securityGroupIds: [],
      appNetworkAccessType: x.AppNetworkAccessType,
    }),
  },
  {
    kind: 'model',
    command: 'describe-model',
    test: (v) =>
      typeof v.ModelArn === 'string' &&
      typeof v.ModelName === 'string' &&
      ('PrimaryContainer' in v || 'Containers' in v || 'EnableNetworkIsolation' in v || 'ExecutionRoleArn' in v),
    shape: S.modelShape,
    normalise: (x: z.output<typeof S.modelShape>) => ({
      arn: x.ModelArn,
      name: x.ModelName,
      ...smVpc(x.VpcConfig),
      networkIsolation: x.EnableNetworkIsolation,
    }),
  },
  {
    kind: 'training-job',
    command: 'describe-training-job',
    test: (v) =>
      typeof v.TrainingJobArn === 'string' &&
      ('AlgorithmSpecification' in v || 'EnableNetworkIsolation' in v || 'ResourceConfig' in v),
    shape: S.trainingJobShape,
    normalise: (x: z.output<typeof S.trainingJobShape>) => ({
      arn: x.TrainingJobArn,
      name: x.TrainingJobName,
      status: x.TrainingJobStatus,
      ...smVpc(x.VpcConfig),
      networkIsolation: x.EnableNetworkIsolation,
    }),
  },
  {
    kind: 'processing-job',
    command: 'describe-processing-job',
    test: (v) =>
      typeof v.ProcessingJobArn === 'string' &&
      ('ProcessingResources' in v || 'NetworkConfig' in v || 'AppSpecification' in v),
    shape: S.processingJobShape,
    normalise: (x: z.output<typeof S.processingJobShape>) => ({
      arn: x.ProcessingJobArn,
      name: x.ProcessingJobName,
      status: x.ProcessingJobStatus,
      ...smVpc(x.NetworkConfig?.VpcConfig),
      networkIsolation: x.NetworkConfig?.EnableNetworkIsolation ?? false,
    }),
  },
];

function addSageMaker(
  ctx: ItemContext,
  kind: SageMakerKind,
  fields: SageMakerFields,
  p: string,
  detail: boolean,
): void {
  const arn = parseArn(fields.arn);
  const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  addDraft(
    ctx,
    'sagemakerResources',
    SAGEMAKER_DATASET[kind],
    p,
    { kind, detail, ...clean },
    {
      ...(arn?.account ? { account: arn.account } : {}),
      ...(arn?.region ? { region: arn.region } : {}),
      ...(fields.vpcId ? { vpcId: fields.vpcId } : {}),
      ...(fields.subnetIds[0] ? { subnetId: fields.subnetIds[0] } : {}),
    },
  );
}

/** A document that adds no inventory item but proves a data set was captured for a scope. */
function addDraftMarker(ctx: ItemContext, dataset: AwsDataset, hint: { account?: string; region?: string }): void {
  ctx.state.markers.push({
    dataset,
    hint: { ...(hint.account ? { account: hint.account } : {}), ...(hint.region ? { region: hint.region } : {}) },
    dir: ctx.dir,
  });
}

function addJob(ctx: ItemContext, j: z.output<typeof S.customizationJobShape>, p: string, detail: boolean): void {
  const arn = parseArn(j.jobArn);
  const vpc = j.vpcConfig ?? undefined;
  addDraft(
    ctx,
    'customizationJobs',
    detail ? 'bedrock:customization-job-details' : 'bedrock:customization-jobs',
    p,
    {
      arn: j.jobArn,
      name: j.jobName,
      ...(j.status ? { status: j.status } : {}),
      detail,
      ...(vpc ? { vpcConfig: { subnetIds: vpc.subnetIds, securityGroupIds: vpc.securityGroupIds } } : {}),
    },
    { ...(arn?.account ? { account: arn.account } : {}), ...(arn?.region ? { region: arn.region } : {}) },
  );
}

function addScp(
  ctx: ItemContext,
  s: z.output<typeof S.policySummaryShape>,
  p: string,
  content: unknown,
  contentError: string | undefined,
): void {
  const arn = parseArn(s.Arn);
  addDraft(
    ctx,
    'serviceControlPolicies',
    'organizations:scps',
    p,
    {
      id: s.Id,
      ...(s.Arn ? { arn: s.Arn } : {}),
      name: s.Name,
      awsManaged: s.AwsManaged,
      ...(content !== undefined && content !== null ? { content } : {}),
      ...(contentError ? { contentError } : {}),
    },
    { ...(arn && /^\d{12}$/.test(arn.account) ? { account: arn.account } : {}), region: 'global' },
  );
}

function readManifest(ctx: ItemContext, v: Record<string, unknown>): string | undefined {
  const m = parseItem(ctx, S.manifestShape, v, ctx.base);
  if (!m) return undefined;
  ctx.state.manifests.set(ctx.dir, {
    file: ctx.doc.file,
    account: m.account,
    region: m.region,
    unavailable: m.unavailable,
  });
  for (const u of m.unavailable) {
    if (!(u.dataset in AWS_DATASETS)) {
      ctx.state.result.errors.push(
        new InputError(
          ctx.doc.file,
          `unknown data set ${JSON.stringify(u.dataset)} (known: ${Object.keys(AWS_DATASETS).join(', ')})`,
          ctx.doc.locate('/unavailable'),
        ),
      );
      continue;
    }
    const dataset = u.dataset as AwsDataset;
    if (m.region === 'global' && AWS_DATASETS[dataset].level !== 'organization') {
      ctx.state.result.errors.push(
        new InputError(
          ctx.doc.file,
          `${u.dataset} is a regional data set; a "global" manifest can only list organisation-level ones`,
          ctx.doc.locate('/unavailable'),
        ),
      );
      continue;
    }
    const key = AWS_DATASETS[dataset].level === 'organization' ? '*' : scopeKey(m);
    const map =
      ctx.state.result.inventory.unavailable.get(key) ?? new Map<AwsDataset, { reason: string; action?: string }>();
    map.set(dataset, { reason: u.reason, ...(u.action ? { action: u.action } : {}) });
    ctx.state.result.inventory.unavailable.set(key, map);
  }
  return 'cordon manifest';
}

function markDataset(state: State, key: string, dataset: AwsDataset): void {
  const set = state.result.inventory.datasets.get(key) ?? new Set();
  set.add(dataset);
  state.result.inventory.datasets.set(key, set);
}

function manifestFor(state: State, dir: string): Manifest | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const m = state.manifests.get(d);
    if (m) return m;
    if (d === '.' || d === path.dirname(d)) return undefined;
  }
}

/**
 * Second pass: give every item an account and region. Order: the manifest covering its directory, then what the
 * item says itself, then what the resources it links to say (a VPC's region from its subnets), then the single
 * scope of its directory.
 */
function resolveScopes(state: State): void {
  const inv = state.result.inventory;
  const vpcScope = new Map<string, Hint>();
  const subnetVpc = new Map<string, string>();
  const dirScopes = new Map<string, Set<string>>();
  const remember = (map: Map<string, Hint>, id: string, h: Hint) => {
    const cur = map.get(id) ?? {};
    map.set(id, { account: cur.account ?? h.account, region: cur.region ?? h.region });
  };
  for (const d of state.drafts) {
    const m = manifestFor(state, d.dir);
    const own: Hint = { account: m?.account ?? d.hint.account, region: m?.region ?? d.hint.region };
    if (d.list === 'subnets') subnetVpc.set(String(d.value.id), String(d.value.vpcId));
    if (d.hint.vpcId && (own.account || own.region)) remember(vpcScope, d.hint.vpcId, own);
  }
  for (const d of state.drafts) {
    const m = manifestFor(state, d.dir);
    const vpcId = d.hint.vpcId ?? (d.hint.subnetId ? subnetVpc.get(d.hint.subnetId) : undefined);
    const linked = vpcId ? vpcScope.get(vpcId) : undefined;
    d.value.account = m?.account ?? d.hint.account ?? linked?.account ?? '';
    d.value.region = m?.region ?? d.hint.region ?? linked?.region ?? '';
    if (d.value.account && d.value.region) {
      const set = dirScopes.get(d.dir) ?? new Set();
      set.add(scopeKey(d.value));
      dirScopes.set(d.dir, set);
    }
  }
  const unresolvedFiles = new Set<string>();
  for (const d of state.drafts) {
    if (!d.value.account || !d.value.region) {
      const only = dirScopes.get(d.dir);
      if (only?.size === 1) {
        const [account, region] = [...only][0]!.split('/') as [string, string];
        d.value.account ||= account;
        d.value.region ||= region;
      }
    }
    if (!d.value.account || !d.value.region) {
      const o = d.value.origin;
      if (o.kind === 'file' && !unresolvedFiles.has(o.file)) {
        unresolvedFiles.add(o.file);
        state.result.warnings.push({
          file: o.file,
          message: `cannot tell the ${d.value.account ? 'region' : 'account'} of this data; add a manifest (docs/snapshots.md)`,
          ...(o.line ? { line: o.line } : {}),
        });
      }
      d.value.account ||= 'unknown';
      d.value.region ||= 'unknown';
    }
    const level = AWS_DATASETS[d.dataset].level;
    markDataset(state, level === 'organization' ? '*' : scopeKey(d.value), d.dataset);
    if (d.dataset === 'bedrock:customization-job-details')
      markDataset(state, scopeKey(d.value), 'bedrock:customization-jobs');
    (inv[d.list] as unknown[]).push(d.value);
  }
  for (const e of state.emptyDatasets) {
    if (AWS_DATASETS[e.dataset].level === 'organization') {
      markDataset(state, '*', e.dataset);
      continue;
    }
    const m = manifestFor(state, e.dir);
    const only = dirScopes.get(e.dir);
    const key = m ? scopeKey(m) : only?.size === 1 ? [...only][0]! : undefined;
    if (key) markDataset(state, key, e.dataset);
    else
      state.result.warnings.push({
        file: e.file,
        message:
          'empty output whose account and region cannot be told; add a manifest (docs/snapshots.md) so "none found" counts',
      });
  }
  // Per-item data sets are complete when their list is known to be empty: no VPCs, no VPC attributes to read;
  // no jobs, no job details. (A collector cannot write an empty "array of describe-vpc-attribute outputs".)
  // (Scopes that have items are collected once, not searched for in every scope.)
  const scopesOf = (list: { account: string; region: string }[]) => new Set(list.map(scopeKey));
  const [withVpcs, withJobs, withLbs] = [inv.vpcs, inv.customizationJobs, inv.loadBalancers].map(scopesOf) as [
    Set<string>,
    Set<string>,
    Set<string>,
  ];
  for (const [key, sets] of inv.datasets) {
    if (key === '*') continue;
    if (sets.has('ec2:vpcs') && !withVpcs.has(key)) sets.add('ec2:vpc-attributes');
    if (sets.has('bedrock:customization-jobs') && !withJobs.has(key)) sets.add('bedrock:customization-job-details');
    if (sets.has('elbv2:load-balancers') && !withLbs.has(key)) sets.add('elbv2:load-balancer-attributes');
  }
  // A scope's location: its manifest when it has one, else the first file that gave it data.
  for (const m of [...state.manifests.values()].sort((x, y) => x.file.localeCompare(y.file))) {
    const key = m.region === 'global' ? '*' : scopeKey(m);
    if (!inv.scopeOrigins.has(key)) inv.scopeOrigins.set(key, { kind: 'file', file: m.file, line: 1, column: 1 });
  }
  for (const d of state.drafts) {
    const level = AWS_DATASETS[d.dataset].level;
    const key = level === 'organization' ? '*' : scopeKey(d.value);
    if (!inv.scopeOrigins.has(key) && d.value.origin.kind === 'file')
      inv.scopeOrigins.set(key, { kind: 'file', file: d.value.origin.file, line: 1, column: 1 });
  }
  // Manifests also declare scopes that may hold no data at all yet.
  for (const m of state.manifests.values())
    if (m.region !== 'global' && !inv.datasets.has(scopeKey(m))) inv.datasets.set(scopeKey(m), new Set());
  for (const mk of state.markers) {
    const m = manifestFor(state, mk.dir);
    const account = m?.account ?? mk.hint.account;
    const region = m?.region ?? mk.hint.region;
    if (account && region) markDataset(state, `${account}/${region}`, mk.dataset);
  }
  for (const lb of inv.loadBalancers) {
    const a = state.lbAttributes.get(lb.arn);
    if (a) {
      lb.attributesKnown = true;
      if (a.idle !== undefined && Number.isFinite(a.idle)) lb.idleTimeoutSeconds = a.idle;
    }
  }
  const smDetailed = new Set(inv.sagemakerResources.filter((r) => r.detail).map((r) => r.arn));
  inv.sagemakerResources = inv.sagemakerResources.filter((r) => r.detail || !smDetailed.has(r.arn));
  // Job details supersede list summaries of the same job.
  const detailed = new Set(inv.customizationJobs.filter((j) => j.detail).map((j) => j.arn));
  inv.customizationJobs = inv.customizationJobs.filter((j) => j.detail || !detailed.has(j.arn));
  // Likewise describe-policy (with content) supersedes the list-policies entry.
  const withContent = new Set(
    inv.serviceControlPolicies.filter((p) => p.content !== undefined || p.contentError).map((p) => p.id),
  );
  inv.serviceControlPolicies = inv.serviceControlPolicies.filter(
    (p) => p.content !== undefined || p.contentError !== undefined || !withContent.has(p.id),
  );
}
