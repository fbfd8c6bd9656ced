/**
 * Reads CloudFormation templates (YAML or JSON) into the AWS inventory the snapshot and live sources fill, so every
 * AWS check, zone placement and `cordon verify` run on a template before it is deployed. Resource ids are logical ids
 * (`Network.Vpc` inside a nested stack Network); references between resources resolve to them. Scope: account `iac`,
 * region `iac-region` (a template is region-agnostic; AWS::Region and AWS::AccountId resolve to the same values).
 * A value that cannot be known before deploy makes the data set of its resource partial, naming the expression, so
 * checks that need it are not assessed. See docs/iac.md, "CloudFormation".
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  AWS_DATASETS,
  dnsName,
  emptyAwsInventory,
  profileResourceType,
  resolverTarget,
  scopeKey,
  type AwsDataset,
  type AwsInventory,
  type AwsIpPermission,
  type AwsNaclEntry,
  type AwsNetworkInterface,
  type AwsRoute,
  type AwsRouteTable,
  type AwsSageMakerResource,
  type RouteTargetType,
  type Scoped,
  type SkippedItem,
} from '../../../inventory/aws.js';
import type { Origin } from '../../../findings/types.js';
import { InputError, type SourcePosition } from '../../../util/errors.js';
import { toPointer } from '../../../util/json-pointer.js';
import type { SnapshotResult } from '../../aws-snapshot/load.js';
import { parseServiceName } from '../../aws-snapshot/names.js';
import {
  condition,
  evaluate,
  firstUnknown,
  idOf,
  unknown,
  Unknown,
  type ResourceDecl,
  type Scope,
  type Stack,
} from './evaluate.js';
import { parseTemplate, type Template } from './parse.js';
import { IAC_AWS_DATASETS } from '../aws-datasets.js';
import {
  addInterface,
  delegatePrefixes,
  endpointInterfaces,
  eniId,
  sageMakerInterfaces,
  selfAndEgressGroup,
  sshGroup,
  type DeclaredInterface,
  type LaunchSettings,
} from '../aws-interfaces.js';
import { admissionState } from '../aws-endpoint-services.js';

export const IAC_SCOPE: Scope = { account: 'iac', region: 'iac-region' };

export interface CloudFormationOptions {
  /** Parameter values for the top-level templates (`--parameter Key=Value`); they win over defaults. */
  parameters?: Record<string, string>;
}

/** The data sets a template can declare: present (so "no flow log declared" fails) once any template is read. */
export const CLOUDFORMATION_DATASETS: readonly AwsDataset[] = IAC_AWS_DATASETS;

/** Data sets a template cannot declare, and why: their checks are not assessed with this reason. */
const NOT_DECLARED: Partial<Record<AwsDataset, string>> = {
  'bedrock:customization-jobs':
    'Bedrock model customization jobs are API calls, not CloudFormation resources; scan the deployed account',
  'bedrock:customization-job-details':
    'Bedrock model customization jobs are API calls, not CloudFormation resources; scan the deployed account',
  'sagemaker:training-jobs':
    'SageMaker training jobs are API calls, not CloudFormation resources; scan the deployed account',
  'sagemaker:processing-jobs':
    'SageMaker processing jobs are API calls, not CloudFormation resources; scan the deployed account',
  'organizations:scps':
    "SCPs are the organization's, not one stack's (a template's AWS::Organizations::Policy is one of many); scan the management account",
  'organizations:organization': "the organization is not one stack's; scan the management account",
};

const SAM = 'AWS::Serverless-2016-10-31';
const LANGUAGE_EXTENSIONS = 'AWS::LanguageExtensions';

interface State {
  result: SnapshotResult;
  inv: AwsInventory;
  key: string;
  parameters: Record<string, string>;
  usedParameters: Set<string>;
  /** Inventory ids already taken, with where: two top-level templates declaring the same logical id collide. */
  taken: Map<string, string>;
  /** Route tables, groups, ACLs by id, for the resources that attach to them. */
  tables: Map<string, AwsRouteTable>;
  groups: Map<string, AwsInventory['securityGroups'][number]>;
  acls: Map<string, AwsInventory['networkAcls'][number]>;
  gateways: Map<string, AwsInventory['internetGateways'][number]>;
  vpcs: Map<string, AwsInventory['vpcs'][number]>;
  /** Resource type of every declared id (route targets are typed by what they point at). */
  types: Map<string, string>;
  /** Query-logging configurations by id, to tell an association to a declared configuration. */
  queryLogConfigs: Set<string>;
  /** Private hosted zones by id (their names, lower case without the dot) and the VPCs they are associated with. */
  zones: Map<string, string>;
  zoneVpcs: { zoneId: string; vpcId: string; origin: Origin }[];
  /** Subnets that give instances a public address (MapPublicIpOnLaunch), DB subnet groups' subnets, EIP targets. */
  mapsPublic: Map<string, boolean | undefined>;
  dbSubnetGroups: Map<string, string[]>;
  /** Subnet groups of the cache and warehouse services (`cache|<id or name>`, `redshift|…`). */
  subnetGroups: Map<string, string[]>;
  /** Aurora, DocumentDB and Neptune clusters by id and name: their instances take the groups and subnet group. */
  dbClusters: Map<string, { groupIds: string[]; subnetGroup?: string }>;
  /** EKS clusters by id and name: the security group EKS creates for each. */
  eksClusters: Map<string, string>;
  /** Launch templates and launch configurations by id and name. */
  launchTemplates: Map<string, LaunchSettings>;
  eips: Set<string>;
  templates: Map<string, Template>;
}

function newState(opts: CloudFormationOptions): State {
  const inv = emptyAwsInventory();
  return {
    result: { inventory: inv, errors: [], warnings: [], files: [] },
    inv,
    key: scopeKey(IAC_SCOPE),
    parameters: opts.parameters ?? {},
    usedParameters: new Set(),
    taken: new Map(),
    tables: new Map(),
    groups: new Map(),
    acls: new Map(),
    gateways: new Map(),
    vpcs: new Map(),
    types: new Map(),
    queryLogConfigs: new Set(),
    zones: new Map(),
    zoneVpcs: [],
    mapsPublic: new Map(),
    dbSubnetGroups: new Map(),
    subnetGroups: new Map(),
    dbClusters: new Map(),
    eksClusters: new Map(),
    launchTemplates: new Map(),
    eips: new Set(),
    templates: new Map(),
  };
}

/** Reads the templates `files` (absolute paths) under `root`; nested stacks' local templates are followed. */
export async function loadCloudFormation(
  root: string,
  files: readonly string[],
  opts: CloudFormationOptions = {},
): Promise<SnapshotResult> {
  const base = files.length === 1 && path.resolve(files[0]!) === path.resolve(root) ? path.dirname(root) : root;
  const texts: { name: string; text: string }[] = [];
  const state = newState(opts);
  for (const f of [...files].sort()) {
    const name = relName(base, f);
    try {
      texts.push({ name, text: await readFile(f, 'utf8') });
    } catch (err) {
      fileFailed(
        state,
        new InputError(name, `cannot read file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`),
      );
    }
  }
  // Nested templates may sit outside the detected files (a name the detector does not read): read them on demand.
  const extra = async (name: string): Promise<string | undefined> => {
    try {
      return await readFile(path.resolve(base, name), 'utf8');
    } catch {
      return undefined;
    }
  };
  const wanted = new Set<string>();
  for (const t of texts) parseInto(state, t.name, t.text);
  for (const name of nestedNames(state)) if (!state.templates.has(name)) wanted.add(name);
  for (const name of [...wanted].sort()) {
    const text = await extra(name);
    if (text !== undefined) parseInto(state, name, text);
  }
  run(state);
  return state.result;
}

/** Reads templates given as text (tests, and callers that already hold the files). */
export function loadCloudFormationFromTexts(
  files: { name: string; text: string }[],
  opts: CloudFormationOptions = {},
): SnapshotResult {
  const state = newState(opts);
  for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name))) parseInto(state, f.name, f.text);
  run(state);
  return state.result;
}

function relName(base: string, file: string): string {
  const r = path.relative(path.resolve(base), path.resolve(file));
  return r === '' ? path.basename(file) : r.split(path.sep).join('/');
}

function parseInto(state: State, name: string, text: string): void {
  let t: Template;
  try {
    t = parseTemplate(name, text);
  } catch (err) {
    fileFailed(state, err instanceof InputError ? err : new InputError(name, String(err)));
    state.result.files.push({ file: name, recognisedAs: [] });
    return;
  }
  for (const w of t.warnings) state.result.warnings.push({ file: name, message: w.message, ...lineOnly(w.position) });
  const v = t.value as Record<string, unknown> | null;
  if (!v || typeof v !== 'object' || Array.isArray(v) || !isMapping(v.Resources)) {
    // Its head looked like a template (a Serverless Framework file nests one under "resources:"): not ours, said.
    state.result.warnings.push({
      file: name,
      message: 'not read: not a CloudFormation template (no top-level Resources mapping)',
      ...lineOnly(t.locate([])),
    });
    state.result.files.push({ file: name, recognisedAs: [] });
    return;
  }
  state.templates.set(name, t);
  state.result.files.push({ file: name, recognisedAs: ['cloudformation-template'] });
}

function lineOnly(p: SourcePosition): { line?: number } {
  return p.line !== undefined ? { line: p.line } : {};
}

/** A template that could not be read may declare anything: every data set it could fill is incomplete. */
function fileFailed(state: State, error: InputError): void {
  state.result.errors.push(error);
  taintAll(state, {
    file: error.file,
    ...error.position,
    pointer: error.position.pointer ?? '',
    reason: error.message,
  });
}

function taintAll(state: State, item: SkippedItem): void {
  for (const d of CLOUDFORMATION_DATASETS) taint(state, d, item);
}

function taint(state: State, dataset: AwsDataset, item: SkippedItem): void {
  let byDataset = state.inv.partial.get(state.key);
  if (!byDataset) state.inv.partial.set(state.key, (byDataset = new Map<AwsDataset, SkippedItem[]>()));
  const list = byDataset.get(dataset);
  if (list) list.push(item);
  else byDataset.set(dataset, [item]);
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Local template paths of nested stacks (relative to the parent template's folder), as template names. */
function nestedNames(state: State): string[] {
  const out: string[] = [];
  for (const [name, t] of state.templates) {
    const resources = (t.value as { Resources: Record<string, unknown> }).Resources;
    for (const r of Object.values(resources)) {
      if (!isMapping(r) || r.Type !== 'AWS::CloudFormation::Stack') continue;
      const url = (r.Properties as Record<string, unknown> | undefined)?.TemplateURL;
      const local = typeof url === 'string' ? localTemplate(name, url) : undefined;
      if (local) out.push(local);
    }
  }
  return out;
}

/** A TemplateURL that names a local file (before `aws cloudformation package` uploads it), as a template name. */
function localTemplate(parent: string, url: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return undefined;
  return path.posix.normalize(path.posix.join(path.posix.dirname(parent), url.replace(/\\/g, '/')));
}

function run(state: State): void {
  const inv = state.inv;
  if (state.templates.size === 0 && state.result.errors.length === 0) return;
  inv.datasets.set(state.key, new Set(CLOUDFORMATION_DATASETS));
  for (const [dataset, reason] of Object.entries(NOT_DECLARED) as [AwsDataset, string][]) {
    const key = AWS_DATASETS[dataset].level === 'organization' ? '*' : state.key;
    let m = inv.unavailable.get(key);
    if (!m) inv.unavailable.set(key, (m = new Map<AwsDataset, { reason: string }>()));
    m.set(dataset, { reason });
  }
  const nested = new Set(nestedNames(state));
  const first = [...state.templates.keys()].sort()[0];
  if (first) inv.scopeOrigins.set(state.key, { kind: 'file', file: first, line: 1, column: 1 });
  else
    inv.scopeOrigins.set(state.key, {
      kind: 'file',
      file: state.result.errors[0]!.file,
      line: state.result.errors[0]!.position.line ?? 1,
    });
  const tops = [...state.templates.keys()].sort().filter((name) => !nested.has(name));
  const qualified = collidingTemplates(state, tops);
  const stacks = tops.map((name) =>
    instantiate(state, state.templates.get(name)!, qualified.has(name) ? `${name}:` : '', topParameters(state), []),
  );
  mapStacks(state, stacks);
  for (const k of Object.keys(state.parameters))
    if (!state.usedParameters.has(k))
      state.result.warnings.push({
        file: first ?? '.',
        message: `--parameter ${k}: no template declares a parameter of that name`,
      });
  finish(state);
}

/**
 * Top-level templates declaring a logical id another top-level template declares too: separate stacks (a repository's
 * alternative deployments, or a network stack beside a workload stack), so their resources are qualified by the
 * template's name (`network.yaml:AppSecurityGroup`). Unqualified, two `AppSecurityGroup`s were one inventory id and one
 * stack's instances were judged by the other's rules.
 */
function collidingTemplates(state: State, tops: readonly string[]): Set<string> {
  const owners = new Map<string, string[]>();
  for (const name of tops) {
    const resources = (state.templates.get(name)!.value as Record<string, unknown>).Resources;
    for (const id of Object.keys(isMapping(resources) ? resources : {}))
      (owners.get(id) ?? owners.set(id, []).get(id)!).push(name);
  }
  return new Set([...owners.values()].filter((names) => names.length > 1).flat());
}

function topParameters(state: State): Map<string, unknown> {
  return new Map(Object.entries(state.parameters));
}

const MAX_NESTING = 10;

/** A stack of a template: parameters resolved, resources listed; nested stacks are instantiated as they are mapped. */
function instantiate(
  state: State,
  template: Template,
  prefix: string,
  given: Map<string, unknown>,
  chain: string[],
): Stack {
  const v = template.value as Record<string, unknown>;
  const resources = new Map<string, ResourceDecl>();
  for (const [logicalId, r] of Object.entries(v.Resources as Record<string, unknown>)) {
    if (!isMapping(r) || typeof r.Type !== 'string') {
      const why = logicalId.startsWith('Fn::ForEach::')
        ? `${logicalId}: Fn::ForEach (AWS::LanguageExtensions) is not expanded by cordon; the resources it makes are not read`
        : `resource ${logicalId} has no Type`;
      state.result.errors.push(new InputError(template.file, why, template.locate(['Resources', logicalId])));
      taintAll(state, skipped(template, ['Resources', logicalId], why));
      continue;
    }
    resources.set(logicalId, {
      logicalId,
      type: r.Type,
      properties: isMapping(r.Properties) ? r.Properties : {},
      ...(typeof r.Condition === 'string' ? { condition: r.Condition } : {}),
    });
  }
  const children = new Map<string, Stack>();
  const stack: Stack = {
    template,
    prefix,
    scope: IAC_SCOPE,
    parameters: new Map(),
    mappings: isMapping(v.Mappings) ? v.Mappings : {},
    conditionDecls: isMapping(v.Conditions) ? v.Conditions : {},
    conditions: new Map(),
    resources,
    getAtt: (s, id, attr, at) => attribute(s, children, id, attr, at),
  };
  const params = isMapping(v.Parameters) ? v.Parameters : {};
  for (const [name, decl] of Object.entries(params)) {
    const d = isMapping(decl) ? decl : {};
    const type = typeof d.Type === 'string' ? d.Type : 'String';
    const at = ['Parameters', name];
    let value: unknown;
    if (type.startsWith('AWS::SSM::Parameter::Value<'))
      value = unknown(
        stack,
        at,
        `!Ref ${name}`,
        'read from Systems Manager Parameter Store when the stack is deployed',
      );
    else if (given.has(name)) {
      value = given.get(name);
      if (prefix === '') state.usedParameters.add(name);
      const allowed = Array.isArray(d.AllowedValues) ? d.AllowedValues.map(String) : undefined;
      if (allowed && typeof value === 'string' && !allowed.includes(value)) {
        // CloudFormation would refuse the deploy; judging the template on that value would judge nothing real.
        const reason = `parameter ${name}: ${JSON.stringify(value)} is not one of its AllowedValues (${allowed.join(', ')})`;
        state.result.errors.push(new InputError(template.file, reason, template.locate(at)));
        value = unknown(stack, at, `!Ref ${name}`, reason);
      }
    } else if (d.Default !== undefined) value = d.Default;
    else
      value = unknown(
        stack,
        at,
        `!Ref ${name}`,
        prefix === ''
          ? `parameter without a default; give one with --parameter ${name}=VALUE`
          : 'parameter without a default, and the parent stack passes none',
      );
    if (typeof value === 'string' && (type.startsWith('List<') || type === 'CommaDelimitedList'))
      value = value.split(',').map((x) => x.trim());
    else if (typeof value === 'number' || typeof value === 'boolean') value = String(value);
    stack.parameters.set(name, value);
  }
  const transforms = ([] as unknown[]).concat(v.Transform ?? []);
  for (const tr of transforms) {
    if (tr === LANGUAGE_EXTENSIONS) continue;
    const at = ['Transform'];
    if (tr === SAM)
      state.result.warnings.push({
        file: template.file,
        message: `the ${SAM} (SAM) transform is not supported: AWS::Serverless::* resources are not read; the other resources are`,
        ...lineOnly(template.locate(at)),
      });
    else {
      const reason = `transform ${typeof tr === 'string' ? tr : JSON.stringify(tr)} rewrites the template when deployed; cordon cannot see its result`;
      state.result.warnings.push({ file: template.file, message: reason, ...lineOnly(template.locate(at)) });
      taintAll(state, skipped(template, at, reason));
    }
  }
  // Nested stacks are instantiated eagerly so their outputs are there for GetAtt.
  for (const r of resources.values()) {
    if (r.type !== 'AWS::CloudFormation::Stack') continue;
    const at = ['Resources', r.logicalId];
    const url = evaluate(stack, r.properties.TemplateURL, [...at, 'Properties', 'TemplateURL']);
    const local = typeof url === 'string' ? localTemplate(template.file, url) : undefined;
    const child = local ? state.templates.get(local) : undefined;
    const why =
      url instanceof Unknown
        ? url.reason
        : !local
          ? `nested stack ${idOf(stack, r.logicalId)}: template ${String(url)} is not a local file, not read`
          : !child
            ? `nested stack ${idOf(stack, r.logicalId)}: template ${local} not found or not readable`
            : [...chain, template.file].includes(local) || chain.length >= MAX_NESTING
              ? `nested stack ${idOf(stack, r.logicalId)}: template ${local} nests itself`
              : undefined;
    if (why || !child) {
      // Its resources are unseen: every data set they could fill is incomplete.
      state.result.warnings.push({ file: template.file, message: why!, ...lineOnly(template.locate(at)) });
      taintAll(state, skipped(template, at, why!));
      continue;
    }
    const passed = evaluate(stack, r.properties.Parameters ?? {}, [...at, 'Properties', 'Parameters']);
    const childStack = instantiate(
      state,
      child,
      `${idOf(stack, r.logicalId)}.`,
      new Map(isMapping(passed) ? Object.entries(passed) : []),
      [...chain, template.file],
    );
    children.set(r.logicalId, childStack);
  }
  (stack as Stack & { children: Map<string, Stack> }).children = children;
  return stack;
}

function skipped(template: Template, at: (string | number)[], reason: string): SkippedItem {
  const pos = template.locate(at);
  return {
    file: template.file,
    ...(pos.line !== undefined ? { line: pos.line } : {}),
    ...(pos.column !== undefined ? { column: pos.column } : {}),
    pointer: toPointer(at),
    reason,
  };
}

const resolving = new Set<string>();

/** GetAtt values known before deploy: ids, and attributes that echo a property. */
function attribute(
  stack: Stack,
  children: Map<string, Stack>,
  logicalId: string,
  attr: string,
  at: readonly (string | number)[],
): unknown {
  const r = stack.resources.get(logicalId)!;
  const id = idOf(stack, logicalId);
  const key = `${stack.template.file}|${id}.${attr}`;
  if (resolving.has(key)) return unknown(stack, at, `!GetAtt ${logicalId}.${attr}`, 'the attribute refers to itself');
  resolving.add(key);
  try {
    const prop = (name: string) => evaluate(stack, r.properties[name], ['Resources', logicalId, 'Properties', name]);
    switch (`${r.type}.${attr}`) {
      case 'AWS::EC2::VPC.VpcId':
      case 'AWS::EC2::Subnet.SubnetId':
      case 'AWS::EC2::SecurityGroup.GroupId':
      case 'AWS::EC2::RouteTable.RouteTableId':
      case 'AWS::EC2::NetworkAcl.Id':
      case 'AWS::EC2::InternetGateway.InternetGatewayId':
      case 'AWS::EC2::VPCEndpoint.Id':
      case 'AWS::Route53Resolver::ResolverQueryLoggingConfig.Id':
      case 'AWS::Route53::HostedZone.Id':
      case 'AWS::Route53Resolver::ResolverRule.ResolverRuleId':
      case 'AWS::Route53Profiles::Profile.Id':
        return id;
      // A rule's ARN names its id: a Route 53 Profile's resources find the rule by it.
      case 'AWS::Route53Resolver::ResolverRule.Arn':
        return `arn:aws:route53resolver:::resolver-rule/${id}`;
      case 'AWS::EC2::VPC.CidrBlock':
      case 'AWS::EC2::Subnet.CidrBlock':
        return prop('CidrBlock');
      case 'AWS::EC2::VPC.DefaultNetworkAcl':
        return `${id}.DefaultNetworkAcl`;
      case 'AWS::EC2::VPC.DefaultSecurityGroup':
        return `${id}.DefaultSecurityGroup`;
      case 'AWS::EKS::Cluster.ClusterSecurityGroupId':
        return `${id}.ClusterSecurityGroupId`;
      case 'AWS::EC2::LaunchTemplate.LaunchTemplateId':
        return id;
      case 'AWS::EC2::Subnet.VpcId':
      case 'AWS::EC2::SecurityGroup.VpcId':
        return prop('VpcId');
      case 'AWS::EC2::Subnet.AvailabilityZone':
        return prop('AvailabilityZone');
      case 'AWS::S3::Bucket.Arn': {
        // A bucket's ARN is its name's: known when the name is (endpoint policies often name the stack's buckets).
        const name = r.properties.BucketName === undefined ? id : prop('BucketName');
        return typeof name === 'string' ? `arn:aws:s3:::${name}` : name;
      }
    }
    if (r.type === 'AWS::CloudFormation::Stack' && attr.startsWith('Outputs.')) {
      const child = children.get(logicalId);
      if (!child) return undefined;
      const name = attr.slice('Outputs.'.length);
      const outputs = (child.template.value as { Outputs?: Record<string, { Value?: unknown }> }).Outputs;
      if (!isMapping(outputs?.[name])) return undefined;
      return evaluate(child, outputs[name].Value, ['Outputs', name, 'Value']);
    }
    return undefined;
  } finally {
    resolving.delete(key);
  }
}

/** What one resource's mapping reads: values with their unknowns collected for the resource's data sets. */
class Reader {
  readonly unknowns: Unknown[] = [];
  readonly props: Record<string, unknown>;

  constructor(
    readonly stack: Stack,
    readonly decl: ResourceDecl,
  ) {
    this.props = evaluate(stack, decl.properties, ['Resources', decl.logicalId, 'Properties']) as Record<
      string,
      unknown
    >;
  }

  get id(): string {
    return idOf(this.stack, this.decl.logicalId);
  }

  get origin(): Origin {
    const pos = this.stack.template.locate(['Resources', this.decl.logicalId]);
    return {
      kind: 'file',
      file: this.stack.template.file,
      ...(pos.line !== undefined ? { line: pos.line } : {}),
      ...(pos.column !== undefined ? { column: pos.column } : {}),
      pointer: toPointer(['Resources', this.decl.logicalId]),
    };
  }

  pointer(...rest: (string | number)[]): string {
    return toPointer(['Resources', this.decl.logicalId, 'Properties', ...rest]);
  }

  private known(v: unknown): unknown {
    const u = firstUnknown(v);
    if (u) {
      this.unknowns.push(u);
      return undefined;
    }
    return v;
  }

  /**
   * A value no check judges (a name, a description, a log destination): an unknown one is shown as its expression
   * and does not make the data set incomplete (`!Sub ${AWS::StackName}-sg` as a group name is common and harmless).
   */
  text(v: unknown): string | undefined {
    const u = firstUnknown(v);
    if (u) return `{${u.expr}}`;
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
  }

  str(v: unknown): string | undefined {
    const k = this.known(v);
    return typeof k === 'string' ? k : typeof k === 'number' || typeof k === 'boolean' ? String(k) : undefined;
  }

  num(v: unknown): number | undefined {
    const s = this.str(v);
    const n = s === undefined || s.trim() === '' ? NaN : Number(s);
    return Number.isFinite(n) ? n : undefined;
  }

  bool(v: unknown, dflt: boolean): boolean {
    const s = this.str(v);
    return s === undefined ? dflt : s.toLowerCase() === 'true';
  }

  strs(v: unknown): string[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      const s = this.str(v);
      return s === undefined ? [] : [s];
    }
    return v.flatMap((x) => {
      const s = this.str(x);
      return s === undefined ? [] : [s];
    });
  }

  /** The mappings of a list; an unknown list or item (an `!If` on an unknown condition) is recorded. */
  list(v: unknown): Record<string, unknown>[] {
    if (v instanceof Unknown) this.unknowns.push(v);
    if (!Array.isArray(v)) return [];
    for (const x of v) if (x instanceof Unknown) this.unknowns.push(x);
    return v.filter(isMapping);
  }

  /** Tags: an unknown value is kept as its expression (presence counts; a zone tag of it names no zone, a warning). */
  tags(): Record<string, string> {
    const out: Record<string, string> = {};
    const list = this.props.Tags;
    if (list instanceof Unknown) {
      this.unknowns.push(list);
      return out;
    }
    if (!Array.isArray(list)) return out;
    for (const t of list) {
      if (t instanceof Unknown) this.unknowns.push(t);
      if (!isMapping(t) || typeof t.Key !== 'string') continue;
      const u = firstUnknown(t.Value);
      out[t.Key] = u ? `{${u.expr}}` : String(t.Value);
    }
    return out;
  }
}

function scoped(r: Reader): Scoped {
  return { account: IAC_SCOPE.account, region: IAC_SCOPE.region, origin: r.origin };
}

type Mapper = (state: State, r: Reader) => void;

/** The data sets each mapped type fills (a resource whose existence or values are unknown makes them partial). */
const DATASETS_OF: Record<string, AwsDataset[]> = {
  'AWS::EC2::VPC': ['ec2:vpcs', 'ec2:vpc-attributes', 'ec2:route-tables', 'ec2:network-acls', 'ec2:security-groups'],
  'AWS::EC2::VPCCidrBlock': ['ec2:vpcs'],
  'AWS::EC2::Subnet': ['ec2:subnets', 'ec2:network-interfaces'],
  'AWS::EC2::RouteTable': ['ec2:route-tables'],
  'AWS::EC2::Route': ['ec2:route-tables'],
  'AWS::EC2::SubnetRouteTableAssociation': ['ec2:route-tables'],
  'AWS::EC2::InternetGateway': ['ec2:internet-gateways'],
  'AWS::EC2::VPCGatewayAttachment': ['ec2:internet-gateways'],
  'AWS::EC2::NatGateway': ['ec2:nat-gateways'],
  'AWS::EC2::SecurityGroup': ['ec2:security-groups'],
  'AWS::EC2::SecurityGroupIngress': ['ec2:security-groups'],
  'AWS::EC2::SecurityGroupEgress': ['ec2:security-groups'],
  'AWS::EC2::NetworkAcl': ['ec2:network-acls'],
  'AWS::EC2::NetworkAclEntry': ['ec2:network-acls'],
  'AWS::EC2::SubnetNetworkAclAssociation': ['ec2:network-acls'],
  'AWS::EC2::VPCEndpoint': ['ec2:vpc-endpoints', 'ec2:network-interfaces'],
  'AWS::EC2::VPCEndpointService': ['ec2:vpc-endpoint-service-configurations'],
  'AWS::EC2::VPCEndpointServicePermissions': ['ec2:vpc-endpoint-service-configurations'],
  'AWS::EC2::FlowLog': ['ec2:flow-logs'],
  'AWS::Route53Resolver::ResolverQueryLoggingConfig': ['route53resolver:query-log-associations'],
  'AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation': ['route53resolver:query-log-associations'],
  'AWS::Route53::HostedZone': ['route53:hosted-zones-by-vpc', 'route53:record-sets'],
  'AWS::Route53::RecordSet': ['route53:record-sets'],
  'AWS::Route53::RecordSetGroup': ['route53:record-sets'],
  'AWS::Route53Resolver::ResolverRule': ['route53resolver:resolver-rules'],
  'AWS::Route53Resolver::ResolverRuleAssociation': ['route53resolver:resolver-rule-associations'],
  'AWS::Route53Profiles::ProfileAssociation': ['route53profiles:profile-associations'],
  'AWS::Route53Profiles::ProfileResourceAssociation': ['route53profiles:profile-resource-associations'],
  'AWS::SageMaker::NotebookInstance': ['sagemaker:notebook-instances', 'ec2:network-interfaces'],
  'AWS::SageMaker::Domain': ['sagemaker:domains', 'ec2:network-interfaces'],
  'AWS::SageMaker::Model': ['sagemaker:models', 'ec2:network-interfaces'],
  'AWS::Bedrock::Agent': ['bedrock:agents'],
  'AWS::ElasticLoadBalancingV2::Listener': ['elbv2:listeners'],
  'AWS::ElasticLoadBalancingV2::ListenerRule': ['elbv2:listeners'],
  'AWS::ElasticLoadBalancingV2::TargetGroup': [
    'elbv2:target-groups',
    'elbv2:target-group-attributes',
    'elbv2:target-health',
  ],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': [
    'elbv2:load-balancers',
    'elbv2:load-balancer-attributes',
    'ec2:network-interfaces',
  ],
  // Resources whose network interfaces AWS creates (../aws-interfaces.ts).
  'AWS::EC2::Instance': ['ec2:network-interfaces'],
  'AWS::EC2::NetworkInterface': ['ec2:network-interfaces'],
  'AWS::EC2::EIP': ['ec2:network-interfaces'],
  'AWS::Lambda::Function': ['ec2:network-interfaces'],
  'AWS::ECS::Service': ['ec2:network-interfaces'],
  'AWS::EFS::MountTarget': ['ec2:network-interfaces'],
  'AWS::RDS::DBSubnetGroup': ['ec2:network-interfaces'],
  'AWS::RDS::DBInstance': ['ec2:network-interfaces'],
  'AWS::OpenSearchService::Domain': ['ec2:network-interfaces'],
  'AWS::OpenSearchServerless::VpcEndpoint': ['ec2:network-interfaces'],
  'AWS::EKS::Cluster': ['ec2:network-interfaces', 'ec2:security-groups'],
  'AWS::EKS::Nodegroup': ['ec2:network-interfaces'],
  'AWS::EKS::FargateProfile': ['ec2:network-interfaces'],
  'AWS::EC2::LaunchTemplate': ['ec2:network-interfaces'],
  'AWS::AutoScaling::LaunchConfiguration': ['ec2:network-interfaces'],
  'AWS::AutoScaling::AutoScalingGroup': ['ec2:network-interfaces'],
  'AWS::Batch::ComputeEnvironment': ['ec2:network-interfaces'],
  'AWS::ElastiCache::SubnetGroup': ['ec2:network-interfaces'],
  'AWS::ElastiCache::CacheCluster': ['ec2:network-interfaces'],
  'AWS::ElastiCache::ReplicationGroup': ['ec2:network-interfaces'],
  'AWS::ElastiCache::ServerlessCache': ['ec2:network-interfaces'],
  'AWS::RDS::DBCluster': ['ec2:network-interfaces'],
  'AWS::DocDB::DBSubnetGroup': ['ec2:network-interfaces'],
  'AWS::DocDB::DBCluster': ['ec2:network-interfaces'],
  'AWS::DocDB::DBInstance': ['ec2:network-interfaces'],
  'AWS::Neptune::DBSubnetGroup': ['ec2:network-interfaces'],
  'AWS::Neptune::DBCluster': ['ec2:network-interfaces'],
  'AWS::Neptune::DBInstance': ['ec2:network-interfaces'],
  'AWS::Redshift::ClusterSubnetGroup': ['ec2:network-interfaces'],
  'AWS::Redshift::Cluster': ['ec2:network-interfaces'],
  'AWS::RedshiftServerless::Workgroup': ['ec2:network-interfaces'],
  'AWS::MSK::Cluster': ['ec2:network-interfaces'],
  'AWS::BedrockAgentCore::Runtime': ['ec2:network-interfaces'],
  'AWS::BedrockAgentCore::CodeInterpreterCustom': ['ec2:network-interfaces'],
  'AWS::BedrockAgentCore::BrowserCustom': ['ec2:network-interfaces'],
};

interface Live {
  stack: Stack;
  decl: ResourceDecl;
  /** The resource exists only if this unknown condition holds (its own, or its nested stack's). */
  cond?: { name: string; unknown: Unknown };
}

/** The resources that exist, in every stack and nested stack: a condition that is false removes a resource. */
function collect(state: State, stack: Stack, inherited: Live['cond'], out: Live[]): void {
  for (const decl of stack.resources.values()) {
    state.types.set(idOf(stack, decl.logicalId), decl.type);
    let cond = inherited;
    if (decl.condition !== undefined) {
      const c = condition(stack, decl.condition, ['Resources', decl.logicalId, 'Condition']);
      if (c === false) continue;
      if (c instanceof Unknown) cond ??= { name: decl.condition, unknown: c };
    }
    if (decl.type === 'AWS::CloudFormation::Stack') {
      const child = (stack as Stack & { children: Map<string, Stack> }).children.get(decl.logicalId);
      if (child) collect(state, child, cond, out);
      continue;
    }
    out.push({ stack, decl, ...(cond ? { cond } : {}) });
  }
}

/** Types mapped first, in this order: the resources others attach to (routes to tables, rules to groups). */
const ORDER: Record<string, number> = {
  'AWS::EC2::VPC': 0,
  'AWS::EC2::Subnet': 1,
  'AWS::EC2::RouteTable': 1,
  'AWS::EC2::InternetGateway': 1,
  'AWS::EC2::SecurityGroup': 1,
  'AWS::EC2::NetworkAcl': 1,
  'AWS::Route53Resolver::ResolverQueryLoggingConfig': 1,
  'AWS::Route53::HostedZone': 1,
  'AWS::RDS::DBSubnetGroup': 1,
  'AWS::DocDB::DBSubnetGroup': 1,
  'AWS::Neptune::DBSubnetGroup': 1,
  'AWS::ElastiCache::SubnetGroup': 1,
  'AWS::Redshift::ClusterSubnetGroup': 1,
  'AWS::EC2::LaunchTemplate': 1,
  'AWS::AutoScaling::LaunchConfiguration': 1,
  // After the subnet groups and groups they use, before the instances, node groups and rules that use them.
  'AWS::EKS::Cluster': 1.5,
  'AWS::RDS::DBCluster': 1.5,
  'AWS::DocDB::DBCluster': 1.5,
  'AWS::Neptune::DBCluster': 1.5,
};

/**
 * Types with subnet properties whose interfaces hold nothing a zone rule is about (next hops, client VPN, DNS resolver
 * endpoints, subnet groups): left alone by the unmapped-type guard in mapOne.
 */
const NO_WORKLOAD_INTERFACES = new Set([
  'AWS::EC2::TransitGatewayAttachment',
  'AWS::EC2::TransitGatewayVpcAttachment',
  'AWS::NetworkFirewall::Firewall',
  'AWS::EC2::ClientVpnTargetNetworkAssociation',
  'AWS::Route53Resolver::ResolverEndpoint',
  'AWS::DMS::ReplicationSubnetGroup',
  'AWS::EC2::SubnetCidrBlock',
  'AWS::EC2::SubnetNetworkAclAssociation',
  'AWS::EC2::SubnetRouteTableAssociation',
  'AWS::EC2::NatGateway',
  'AWS::CloudFormation::Stack',
]);

/** Whether a resource's properties name subnets (at the top or in blocks: VpcConfig, VPCOptions, NetworkConfiguration…). */
function namesSubnets(v: unknown, depth = 0): boolean {
  if (Array.isArray(v)) return v.some((x) => namesSubnets(x, depth));
  if (!isMapping(v) || depth > 2) return false;
  for (const [k, x] of Object.entries(v)) {
    // A subnet group by name or id (MemoryDB, DAX, a DMS instance) places them too, and EMR names its Ec2SubnetId(s).
    if (/^(SubnetIds|SubnetId|Subnets|SubnetMappings|Ec2SubnetIds?|\w*SubnetGroup(Name|Identifier|Id)?)$/.test(k)) {
      if (x !== null && x !== undefined && x !== '' && !(Array.isArray(x) && x.length === 0)) return true;
    } else if (typeof x === 'object' && x !== null && !/^(Fn::|Ref$)/.test(k) && namesSubnets(x, depth + 1))
      return true;
  }
  return false;
}

function mapStacks(state: State, stacks: Stack[]): void {
  const live: Live[] = [];
  for (const stack of stacks) collect(state, stack, undefined, live);
  const rank = (x: Live) => ORDER[x.decl.type] ?? 2;
  // A stable sort: declaration order within a rank.
  for (const x of live.map((x, i) => ({ x, i })).sort((a, b) => rank(a.x) - rank(b.x) || a.i - b.i)) mapOne(state, x.x);
}

function mapOne(state: State, { stack, decl, cond }: Live): void {
  const id = idOf(stack, decl.logicalId);
  const before = state.taken.get(id);
  if (before !== undefined)
    state.result.warnings.push({
      file: stack.template.file,
      message: `logical id ${id} is also declared in ${before}: separate stacks, one inventory id; references to it are ambiguous`,
      ...lineOnly(stack.template.locate(['Resources', decl.logicalId])),
    });
  state.taken.set(id, stack.template.file);
  const mapper = MAPPERS[decl.type];
  if (!mapper) {
    // An unmapped type declared with subnets (an Amazon MQ broker, a CodeBuild project or MWAA environment in a VPC…)
    // puts interfaces there that cordon does not see: the interfaces are incomplete, naming it.
    if (!NO_WORKLOAD_INTERFACES.has(decl.type) && namesSubnets(decl.properties))
      taint(state, 'ec2:network-interfaces', {
        file: stack.template.file,
        ...lineOnly(stack.template.locate(['Resources', decl.logicalId])),
        pointer: toPointer(['Resources', decl.logicalId]),
        reason: `${id}: ${decl.type} places network interfaces in the template's subnets and is not mapped by cordon, so they are not verified`,
      });
    return;
  }
  const r = new Reader(stack, decl);
  mapper(state, r);
  const datasets = DATASETS_OF[decl.type] ?? [];
  const reasons = [
    ...(cond
      ? [{ u: cond.unknown, text: `${id} exists only if condition ${cond.name} holds: ${cond.unknown.reason}` }]
      : []),
    ...r.unknowns.map((u) => ({ u, text: `${id}: ${u.reason}` })),
  ];
  for (const { u, text } of reasons)
    for (const d of datasets)
      taint(state, d, { file: u.file, line: u.line, pointer: toPointer(['Resources', decl.logicalId]), reason: text });
}

function permission(r: Reader, rule: Record<string, unknown>, pointer: string, egress: boolean): AwsIpPermission {
  const protocol = normaliseProtocol(r.str(rule.IpProtocol) ?? '-1');
  const all = protocol === '-1';
  const from = all ? undefined : r.num(rule.FromPort);
  const to = all ? undefined : r.num(rule.ToPort);
  const cidr = r.str(rule.CidrIp);
  const cidr6 = r.str(rule.CidrIpv6);
  const group = r.str(
    egress ? rule.DestinationSecurityGroupId : (rule.SourceSecurityGroupId ?? rule.SourceSecurityGroupName),
  );
  const owner = r.str(rule.SourceSecurityGroupOwnerId);
  const prefixList = r.str(egress ? rule.DestinationPrefixListId : rule.SourcePrefixListId);
  const description = r.text(rule.Description);
  return {
    protocol,
    ...(from !== undefined && from !== -1 ? { fromPort: from } : {}),
    ...(to !== undefined && to !== -1 ? { toPort: to } : {}),
    ipv4Ranges: cidr ? [{ cidr, ...(description ? { description } : {}) }] : [],
    ipv6Ranges: cidr6 ? [{ cidr: cidr6, ...(description ? { description } : {}) }] : [],
    groupRefs: group ? [{ groupId: group, ...(owner ? { userId: owner } : {}) }] : [],
    prefixListIds: prefixList ? [prefixList] : [],
    pointer,
  };
}

const PROTOCOL_NAMES: Record<string, string> = { '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };

function normaliseProtocol(p: string): string {
  const lower = p.toLowerCase();
  return PROTOCOL_NAMES[lower] ?? lower;
}

/** "com.amazonaws.<region>.bedrock-runtime": the region may be the IaC scope's placeholder, which is not region-shaped. */
function serviceOf(serviceName: string): string {
  for (const prefix of [`com.amazonaws.${IAC_SCOPE.region}.`, `aws.sagemaker.${IAC_SCOPE.region}.`])
    if (serviceName.startsWith(prefix)) return serviceName.slice(prefix.length);
  return parseServiceName(serviceName).service;
}

function routeTargetType(state: State, id: string, property: string): RouteTargetType {
  switch (property) {
    case 'NatGatewayId':
      return 'nat-gateway';
    case 'EgressOnlyInternetGatewayId':
      return 'egress-only-internet-gateway';
    case 'TransitGatewayId':
      return 'transit-gateway';
    case 'VpcPeeringConnectionId':
      return 'vpc-peering';
    case 'InstanceId':
      return 'instance';
    case 'NetworkInterfaceId':
      return 'network-interface';
    case 'VpcEndpointId':
      return 'vpc-endpoint';
    case 'GatewayId': {
      const type = state.types.get(id);
      if (type === 'AWS::EC2::InternetGateway' || id.startsWith('igw-')) return 'internet-gateway';
      if (type === 'AWS::EC2::VPNGateway' || id.startsWith('vgw-')) return 'virtual-private-gateway';
      if (id.startsWith('vpce-')) return 'vpc-endpoint';
      return 'other';
    }
    default:
      return 'other';
  }
}

const ROUTE_TARGETS = [
  'GatewayId',
  'NatGatewayId',
  'EgressOnlyInternetGatewayId',
  'TransitGatewayId',
  'VpcPeeringConnectionId',
  'InstanceId',
  'NetworkInterfaceId',
  'VpcEndpointId',
  'CarrierGatewayId',
  'LocalGatewayId',
  'CoreNetworkArn',
];

function sageMaker(
  r: Reader,
  kind: AwsSageMakerResource['kind'],
  fields: Partial<AwsSageMakerResource>,
): AwsSageMakerResource {
  return {
    ...scoped(r),
    kind,
    arn: `arn:aws:sagemaker:${IAC_SCOPE.region}:${IAC_SCOPE.account}:${kind}/${r.id}`,
    name: r.id,
    detail: true,
    subnetIds: [],
    securityGroupIds: [],
    ...fields,
  };
}

function attachmentMissing(state: State, r: Reader, what: string, target: string | undefined): void {
  if (target === undefined) return; // unknown: recorded as such
  state.result.warnings.push({
    file: r.stack.template.file,
    message: `${r.id} attaches to ${what} ${target}, which the scanned templates do not declare; not read`,
    ...lineOnly(r.stack.template.locate(['Resources', r.decl.logicalId])),
  });
}

/** A separate ingress or egress resource: the rule joins the group it names (the trap of rules declared apart). */
function attachRule(state: State, r: Reader, egress: boolean): void {
  const groupId = r.str(r.props.GroupId);
  const g = groupId ? state.groups.get(groupId) : undefined;
  const rule = permission(r, r.props, toPointer(['Resources', r.decl.logicalId]), egress);
  if (!g) return attachmentMissing(state, r, 'security group', groupId);
  (egress ? g.egress : g.ingress).push(rule);
}

/** A subnet association: the subnet joins the route table or network ACL it names. */
function associate(
  state: State,
  r: Reader,
  what: string,
  owners: Map<string, { subnetIds: string[] }>,
  ownerProperty: string,
): void {
  const ownerId = r.str(r.props[ownerProperty]);
  const subnetId = r.str(r.props.SubnetId);
  const owner = ownerId ? owners.get(ownerId) : undefined;
  if (!owner) return attachmentMissing(state, r, what, ownerId);
  if (subnetId) owner.subnetIds.push(subnetId);
}

const MAPPERS: Record<string, Mapper> = {
  'AWS::EC2::VPC'(state, r) {
    const cidr = r.str(r.props.CidrBlock);
    if (r.props.CidrBlock === undefined && r.props.Ipv4IpamPoolId !== undefined)
      r.unknowns.push(
        unknown(
          r.stack,
          ['Resources', r.decl.logicalId, 'Properties', 'Ipv4IpamPoolId'],
          'Ipv4IpamPoolId',
          'the CIDR is allocated from an IPAM pool when deployed',
        ),
      );
    const vpc = { ...scoped(r), id: r.id, cidrs: cidr ? [cidr] : [], ipv6Cidrs: [], isDefault: false, tags: r.tags() };
    state.inv.vpcs.push(vpc);
    state.vpcs.set(r.id, vpc);
    state.inv.vpcAttributes.push({
      ...scoped(r),
      vpcId: r.id,
      enableDnsSupport: r.bool(r.props.EnableDnsSupport, true),
      enableDnsHostnames: r.bool(r.props.EnableDnsHostnames, false),
    });
  },
  'AWS::EC2::VPCCidrBlock'(state, r) {
    const vpcId = r.str(r.props.VpcId);
    const vpc = vpcId ? state.vpcs.get(vpcId) : undefined;
    const cidr = r.str(r.props.CidrBlock);
    if (!vpc) return attachmentMissing(state, r, 'VPC', vpcId);
    if (cidr) vpc.cidrs.push(cidr);
    else if (r.props.Ipv6CidrBlock !== undefined) {
      const c6 = r.str(r.props.Ipv6CidrBlock);
      if (c6) vpc.ipv6Cidrs.push(c6);
    }
  },
  'AWS::EC2::Subnet'(state, r) {
    const vpcId = r.str(r.props.VpcId) ?? `${r.id}.unknown-vpc`;
    const cidr = r.str(r.props.CidrBlock);
    // A zone known only at deploy (!Select [0, !GetAZs '']) leaves the subnet whole: only what compares zones needs it.
    const azUnknown = firstUnknown(r.props.AvailabilityZone) ?? firstUnknown(r.props.AvailabilityZoneId);
    const az = azUnknown ? undefined : r.str(r.props.AvailabilityZone);
    const azId = azUnknown ? undefined : r.str(r.props.AvailabilityZoneId);
    const v6 = r.str(r.props.Ipv6CidrBlock);
    state.mapsPublic.set(
      r.id,
      firstUnknown(r.props.MapPublicIpOnLaunch) ? undefined : r.bool(r.props.MapPublicIpOnLaunch, false),
    );
    state.inv.subnets.push({
      ...scoped(r),
      id: r.id,
      vpcId,
      ...(cidr ? { cidr } : {}),
      ipv6Cidrs: v6 ? [v6] : [],
      ...(az ? { availabilityZone: az } : {}),
      ...(azId ? { availabilityZoneId: azId } : {}),
      ...(azUnknown
        ? { availabilityZoneUnknown: `AvailabilityZone is not known before deploy: ${azUnknown.expr}` }
        : {}),
      tags: r.tags(),
    });
  },
  'AWS::EC2::RouteTable'(state, r) {
    const vpcId = r.str(r.props.VpcId) ?? `${r.id}.unknown-vpc`;
    const table: AwsRouteTable = {
      ...scoped(r),
      id: r.id,
      vpcId,
      routes: [],
      subnetIds: [],
      main: false,
      tags: r.tags(),
    };
    state.inv.routeTables.push(table);
    state.tables.set(r.id, table);
  },
  'AWS::EC2::Route'(state, r) {
    const tableId = r.str(r.props.RouteTableId);
    const table = tableId ? state.tables.get(tableId) : undefined;
    const destination =
      r.str(r.props.DestinationCidrBlock ?? r.props.DestinationIpv6CidrBlock ?? r.props.DestinationPrefixListId) ??
      'unknown';
    const property = ROUTE_TARGETS.find((p) => r.props[p] !== undefined);
    const targetId = property ? r.str(r.props[property]) : undefined;
    if (!table) return attachmentMissing(state, r, 'route table', tableId);
    const route: AwsRoute = {
      destination,
      target: {
        type: targetId && property ? routeTargetType(state, targetId, property) : 'other',
        id: targetId ?? 'unknown',
      },
      pointer: toPointer(['Resources', r.decl.logicalId]),
    };
    table.routes.push(route);
  },
  'AWS::EC2::SubnetRouteTableAssociation'(state, r) {
    associate(state, r, 'route table', state.tables, 'RouteTableId');
  },
  'AWS::EC2::InternetGateway'(state, r) {
    const g = { ...scoped(r), id: r.id, vpcIds: [] as string[] };
    state.inv.internetGateways.push(g);
    state.gateways.set(r.id, g);
  },
  'AWS::EC2::VPCGatewayAttachment'(state, r) {
    if (r.props.InternetGatewayId === undefined) return; // a VPN gateway: not an internet path
    const gwId = r.str(r.props.InternetGatewayId);
    const vpcId = r.str(r.props.VpcId);
    const g = gwId ? state.gateways.get(gwId) : undefined;
    if (!g) return attachmentMissing(state, r, 'internet gateway', gwId);
    if (vpcId) g.vpcIds.push(vpcId);
  },
  'AWS::EC2::NatGateway'(state, r) {
    const subnetId = r.str(r.props.SubnetId);
    const vpcId = subnetId ? state.inv.subnets.find((s) => s.id === subnetId)?.vpcId : undefined;
    state.inv.natGateways.push({
      ...scoped(r),
      id: r.id,
      ...(vpcId ? { vpcId } : {}),
      ...(subnetId ? { subnetId } : {}),
      connectivityType: r.str(r.props.ConnectivityType) === 'private' ? 'private' : 'public',
    });
  },
  'AWS::EC2::SecurityGroup'(state, r) {
    const vpcId = r.str(r.props.VpcId);
    const ingress = r
      .list(r.props.SecurityGroupIngress)
      .map((rule, i) => permission(r, rule, r.pointer('SecurityGroupIngress', i), false));
    const declared = r
      .list(r.props.SecurityGroupEgress)
      .map((rule, i) => permission(r, rule, r.pointer('SecurityGroupEgress', i), true));
    // Without an egress rule (SecurityGroupEgress absent or empty), EC2 keeps a VPC group's default rule: all traffic
    // to 0.0.0.0/0.
    const egress = declared.length > 0 ? declared : [defaultEgress(toPointer(['Resources', r.decl.logicalId]))];
    const g = {
      ...scoped(r),
      id: r.id,
      name: r.text(r.props.GroupName) ?? r.id,
      ...(vpcId ? { vpcId } : {}),
      ingress,
      egress,
      tags: r.tags(),
    };
    state.inv.securityGroups.push(g);
    state.groups.set(r.id, g);
  },
  'AWS::EC2::SecurityGroupIngress'(state, r) {
    attachRule(state, r, false);
  },
  'AWS::EC2::SecurityGroupEgress'(state, r) {
    attachRule(state, r, true);
  },
  'AWS::EC2::NetworkAcl'(state, r) {
    const vpcId = r.str(r.props.VpcId) ?? `${r.id}.unknown-vpc`;
    // A custom ACL denies everything its entries do not allow (rule *, shown by EC2 as 32767).
    const acl = { ...scoped(r), id: r.id, vpcId, isDefault: false, entries: implicitDeny(), subnetIds: [] as string[] };
    state.inv.networkAcls.push(acl);
    state.acls.set(r.id, acl);
  },
  'AWS::EC2::NetworkAclEntry'(state, r) {
    const aclId = r.str(r.props.NetworkAclId);
    const acl = aclId ? state.acls.get(aclId) : undefined;
    const ruleNumber = r.num(r.props.RuleNumber);
    const protocol = r.str(r.props.Protocol) ?? '-1';
    const action = (r.str(r.props.RuleAction) ?? 'deny').toLowerCase() === 'allow' ? 'allow' : 'deny';
    const cidr = r.str(r.props.CidrBlock);
    const ipv6Cidr = r.str(r.props.Ipv6CidrBlock);
    const range = isMapping(r.props.PortRange) ? r.props.PortRange : undefined;
    const from = range ? r.num(range.From) : undefined;
    const to = range ? r.num(range.To) : undefined;
    if (!acl) return attachmentMissing(state, r, 'network ACL', aclId);
    if (ruleNumber === undefined) return;
    const entry: AwsNaclEntry = {
      ruleNumber,
      egress: r.bool(r.props.Egress, false),
      protocol: normaliseAclProtocol(protocol),
      action,
      ...(cidr ? { cidr } : {}),
      ...(ipv6Cidr ? { ipv6Cidr } : {}),
      ...(from !== undefined && to !== undefined ? { portRange: { from, to } } : {}),
    };
    acl.entries.push(entry);
  },
  'AWS::EC2::SubnetNetworkAclAssociation'(state, r) {
    associate(state, r, 'network ACL', state.acls, 'NetworkAclId');
  },
  'AWS::EC2::VPCEndpoint'(state, r) {
    const vpcId = r.str(r.props.VpcId) ?? `${r.id}.unknown-vpc`;
    const serviceName = r.str(r.props.ServiceName) ?? 'unknown';
    const type = r.str(r.props.VpcEndpointType) ?? 'Gateway';
    const doc = r.props.PolicyDocument;
    let policy: unknown;
    let policyError: string | undefined;
    if (typeof doc === 'string') {
      try {
        policy = JSON.parse(doc);
      } catch (err) {
        policyError = `PolicyDocument is not valid JSON: ${(err as Error).message}`;
      }
    } else if (doc !== undefined && !firstUnknown(doc)) policy = doc;
    else if (doc !== undefined) r.unknowns.push(firstUnknown(doc)!);
    const groupIds = r.strs(r.props.SecurityGroupIds);
    state.inv.vpcEndpoints.push({
      ...scoped(r),
      id: r.id,
      vpcId,
      serviceName,
      service: serviceOf(serviceName),
      type,
      // AWS services accept their endpoints at once; the stack completes only when the endpoint is available.
      ...(serviceName.startsWith('com.amazonaws.') ? { state: 'available' } : {}),
      privateDnsEnabled: r.bool(r.props.PrivateDnsEnabled, false),
      ...(policy !== undefined ? { policy } : {}),
      ...(policyError ? { policyError } : {}),
      subnetIds: r.strs(r.props.SubnetIds),
      // An interface endpoint created without groups gets the VPC's default security group.
      groupIds:
        type === 'Interface' && groupIds.length === 0 && r.props.SecurityGroupIds === undefined
          ? [`${vpcId}.DefaultSecurityGroup`]
          : groupIds,
      routeTableIds: r.strs(r.props.RouteTableIds),
      networkInterfaceIds: [],
      tags: r.tags(),
    });
  },
  'AWS::EC2::VPCEndpointService'(state, r) {
    state.inv.endpointServiceConfigs.push({
      ...scoped(r),
      serviceId: r.id,
      // AWS names the service at deploy (com.amazonaws.vpce.REGION.vpce-svc-…); a consumer in the template writes it
      // as !Sub 'com.amazonaws.vpce.${AWS::Region}.${Service}', which gives this name.
      serviceName: `com.amazonaws.vpce.${IAC_SCOPE.region}.${r.id}`,
      networkLoadBalancerArns: r.strs(r.props.NetworkLoadBalancerArns).sort(),
      gatewayLoadBalancerArns: r.strs(r.props.GatewayLoadBalancerArns).sort(),
      acceptanceRequired: r.bool(r.props.AcceptanceRequired, false),
      supportedIpAddressTypes: (r.strs(r.props.SupportedIpAddressTypes).length
        ? r.strs(r.props.SupportedIpAddressTypes)
        : ['ipv4']
      ).sort(),
    });
  },
  'AWS::EC2::VPCEndpointServicePermissions'(state, r) {
    const service = r.str(r.props.ServiceId);
    const before = r.unknowns.length;
    const principals = r.strs(r.props.AllowedPrincipals);
    if (!service) return;
    const all = PERMISSIONS.get(state) ?? PERMISSIONS.set(state, new Map()).get(state)!;
    const was = all.has(service) ? all.get(service) : [];
    all.set(service, was && r.unknowns.length === before ? [...was, ...principals] : undefined);
  },
  'AWS::EC2::FlowLog'(state, r) {
    const resourceId = r.str(r.props.ResourceId) ?? `${r.id}.unknown-resource`;
    const destinationType = r.str(r.props.LogDestinationType) ?? 'cloud-watch-logs';
    const destination = r.text(r.props.LogDestination ?? r.props.LogGroupName);
    const logFormat = r.str(r.props.LogFormat);
    state.inv.flowLogs.push({
      ...scoped(r),
      id: r.id,
      resourceId,
      trafficType: r.str(r.props.TrafficType) ?? 'ALL',
      destinationType,
      ...(destination ? { destination } : {}),
      ...(logFormat ? { logFormat } : {}),
    });
  },
  'AWS::Route53Resolver::ResolverQueryLoggingConfig'(state, r) {
    state.queryLogConfigs.add(r.id);
  },
  'AWS::Route53Resolver::ResolverQueryLoggingConfigAssociation'(state, r) {
    const configId = r.str(r.props.ResolverQueryLogConfigId) ?? 'unknown';
    const vpcId = r.str(r.props.ResourceId) ?? `${r.id}.unknown-vpc`;
    state.inv.resolverQueryLogAssociations.push({ ...scoped(r), id: r.id, configId, vpcId });
  },
  'AWS::Route53::HostedZone'(state, r) {
    const vpcs = r.list(r.props.VPCs);
    // A zone without VPCs is public: it answers no VPC's queries.
    if (vpcs.length === 0) return;
    const name = dnsName(r.str(r.props.Name) ?? '');
    state.zones.set(r.id, name);
    state.inv.hostedZoneRecords.push({ ...scoped(r), zoneId: r.id, records: [] });
    for (const v of vpcs) {
      const vpcId = r.str(v.VPCId);
      if (vpcId) state.zoneVpcs.push({ zoneId: r.id, vpcId, origin: r.origin });
    }
  },
  'AWS::Route53::RecordSet'(state, r) {
    addRecords(state, r, r.props, [r.props]);
  },
  'AWS::Route53::RecordSetGroup'(state, r) {
    addRecords(state, r, r.props, r.list(r.props.RecordSets));
  },
  'AWS::Route53Resolver::ResolverRule'(state, r) {
    const domain = r.str(r.props.DomainName) ?? '';
    const endpoint = r.str(r.props.ResolverEndpointId);
    state.inv.resolverRules.push({
      ...scoped(r),
      id: r.id,
      domainName: domain === '.' ? '.' : dnsName(domain),
      ruleType: (r.str(r.props.RuleType) ?? '').toUpperCase(),
      status: 'COMPLETE',
      targetIps: r.list(r.props.TargetIps).flatMap((t) => {
        const ip = r.str(t.Ip ?? t.Ipv6);
        return ip ? [resolverTarget(ip, r.str(t.Port))] : [];
      }),
      ...(endpoint ? { resolverEndpointId: endpoint } : {}),
    });
  },
  'AWS::Route53Resolver::ResolverRuleAssociation'(state, r) {
    const ruleId = r.str(r.props.ResolverRuleId);
    const vpcId = r.str(r.props.VPCId);
    if (ruleId && vpcId)
      state.inv.resolverRuleAssociations.push({ ...scoped(r), id: r.id, ruleId, vpcId, status: 'COMPLETE' });
  },
  'AWS::Route53Profiles::ProfileAssociation'(state, r) {
    const profileId = r.str(r.props.ProfileId);
    const vpcId = r.str(r.props.ResourceId);
    if (profileId && vpcId)
      state.inv.profileAssociations.push({ ...scoped(r), id: r.id, profileId, vpcId, status: 'COMPLETE' });
  },
  'AWS::Route53Profiles::ProfileResourceAssociation'(state, r) {
    const profileId = r.str(r.props.ProfileId);
    const resourceArn = r.str(r.props.ResourceArn);
    if (!profileId || !resourceArn) return;
    state.inv.profileResourceAssociations.push({
      ...scoped(r),
      id: r.id,
      profileId,
      resourceArn,
      resourceType: profileResourceType(resourceArn),
      status: 'COMPLETE',
    });
  },
  'AWS::SageMaker::NotebookInstance'(state, r) {
    const subnet = r.str(r.props.SubnetId);
    state.inv.sagemakerResources.push(
      sageMaker(r, 'notebook-instance', {
        subnetIds: subnet ? [subnet] : [],
        securityGroupIds: r.strs(r.props.SecurityGroupIds),
        // DirectInternetAccess defaults to Enabled.
        directInternetAccess: (r.str(r.props.DirectInternetAccess) ?? 'Enabled') === 'Enabled',
      }),
    );
  },
  'AWS::SageMaker::Domain'(state, r) {
    const vpcId = r.str(r.props.VpcId);
    const settings = isMapping(r.props.DefaultUserSettings) ? r.props.DefaultUserSettings : {};
    state.inv.sagemakerResources.push(
      sageMaker(r, 'domain', {
        ...(vpcId ? { vpcId } : {}),
        subnetIds: r.strs(r.props.SubnetIds),
        securityGroupIds: r.strs(settings.SecurityGroups),
        appNetworkAccessType: r.str(r.props.AppNetworkAccessType) ?? 'PublicInternetOnly',
      }),
    );
  },
  'AWS::SageMaker::Model'(state, r) {
    const vpc = isMapping(r.props.VpcConfig) ? r.props.VpcConfig : undefined;
    state.inv.sagemakerResources.push(
      sageMaker(r, 'model', {
        subnetIds: r.strs(vpc?.Subnets),
        securityGroupIds: r.strs(vpc?.SecurityGroupIds),
        networkIsolation: r.bool(r.props.EnableNetworkIsolation, false),
      }),
    );
  },
  'AWS::Bedrock::Agent'(state, r) {
    state.inv.bedrockAgents.push({ ...scoped(r), id: r.id, name: r.text(r.props.AgentName) ?? r.id });
  },
  'AWS::ElasticLoadBalancingV2::LoadBalancer'(state, r) {
    const mappings = r.list(r.props.SubnetMappings).map((m) => r.str(m.SubnetId));
    const subnetIds = [...r.strs(r.props.Subnets), ...mappings.filter((s): s is string => s !== undefined)];
    const vpcId = subnetIds.map((s) => state.inv.subnets.find((x) => x.id === s)?.vpcId).find((v) => v !== undefined);
    const type = r.str(r.props.Type) ?? 'application';
    let idle: number | undefined;
    for (const a of r.list(r.props.LoadBalancerAttributes))
      if (r.str(a.Key) === 'idle_timeout.timeout_seconds') idle = r.num(a.Value);
    state.inv.loadBalancers.push({
      ...scoped(r),
      arn: `arn:aws:elasticloadbalancing:${IAC_SCOPE.region}:${IAC_SCOPE.account}:loadbalancer/${type === 'network' ? 'net' : type === 'gateway' ? 'gwy' : 'app'}/${r.id}`,
      name: r.id,
      type,
      scheme: r.str(r.props.Scheme) ?? 'internet-facing',
      ...(vpcId ? { vpcId } : {}),
      subnetIds,
      ...(idle !== undefined ? { idleTimeoutSeconds: idle } : {}),
      // The template states every attribute it changes; the rest keep AWS's defaults.
      attributesKnown: true,
      ...(r.str(r.props.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic)
        ? { enforceSgOnPrivateLink: r.str(r.props.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic)! }
        : {}),
    });
    const groups = r.strs(r.props.SecurityGroups);
    // A network load balancer without security groups filters nothing, which an interface of the model cannot say.
    if (type === 'network' && groups.length === 0)
      taint(state, 'ec2:network-interfaces', {
        ...skipped(r.stack.template, ['Resources', r.decl.logicalId], ''),
        reason: `${r.id} is a network load balancer without security groups: its interfaces filter nothing, which cordon does not model`,
      });
    else if (type !== 'gateway')
      // AWS describes a load balancer's interfaces as "ELB app/<name>/<id>" (net/ for a network load balancer).
      perSubnet(
        state,
        r,
        subnetIds,
        groups,
        (r.str(r.props.Scheme) ?? 'internet-facing') === 'internet-facing',
        `ELB ${type === 'network' ? 'net' : 'app'}/`,
      );
  },
  'AWS::ElasticLoadBalancingV2::TargetGroup'(state, r) {
    const preserve = r
      .list(r.props.TargetGroupAttributes)
      .find((a) => r.str(a.Key) === 'preserve_client_ip.enabled')?.Value;
    const type = r.str(r.props.TargetType);
    const protocol = r.str(r.props.Protocol);
    const port = r.num(r.props.Port);
    const vpcId = r.str(r.props.VpcId);
    state.inv.lbTargetGroups.push({
      ...scoped(r),
      arn: r.id,
      name: r.id,
      ...(type ? { targetType: type } : {}),
      ...(protocol ? { protocol } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(vpcId ? { vpcId } : {}),
      loadBalancerArns: [],
      // The template states every attribute it changes; the rest keep AWS's defaults.
      attributesKnown: true,
      ...(preserve !== undefined ? { preserveClientIp: r.bool(preserve, false) } : {}),
      targets: r.list(r.props.Targets).flatMap((t) => {
        const id = r.str(t.Id);
        const p = r.num(t.Port);
        return id ? [{ id, ...(p !== undefined ? { port: p } : {}) }] : [];
      }),
    });
  },
  'AWS::ElasticLoadBalancingV2::Listener'(state, r) {
    const port = r.num(r.props.Port);
    const protocol = r.str(r.props.Protocol);
    state.inv.lbListeners.push({
      ...scoped(r),
      arn: r.id,
      // The load balancer's logical id (Ref); finish() turns it into the load balancer's inventory ARN.
      loadBalancerArn: r.str(r.props.LoadBalancerArn) ?? '',
      ...(port !== undefined ? { port } : {}),
      ...(protocol ? { protocol } : {}),
      forwardTo: [...new Set(forwardTargets(r, r.props.DefaultActions))].sort(),
      ruleForwardTo: [],
    });
  },
  'AWS::ElasticLoadBalancingV2::ListenerRule'(state, r) {
    const listener = r.str(r.props.ListenerArn);
    if (listener) ruleForwards(state).push({ listener, groups: forwardTargets(r, r.props.Actions) });
  },
  'AWS::EC2::Instance'(state, r) {
    const listed = r.list(r.props.NetworkInterfaces);
    if (listed.length === 0) {
      const subnetId = r.str(r.props.SubnetId);
      if (subnetId === undefined) {
        if (r.props.SubnetId === undefined)
          taint(state, 'ec2:network-interfaces', {
            ...skipped(r.stack.template, ['Resources', r.decl.logicalId], ''),
            reason: `${r.id} has no SubnetId: AWS launches it in the default VPC, which the template does not declare`,
          });
        return;
      }
      const ip = r.str(r.props.PrivateIpAddress);
      const n = iface(state, r, {
        id: eniId(r.id),
        subnetId,
        groupIds: r.strs(r.props.SecurityGroupIds),
        privateIps: ip ? [ip] : [],
        publicIp: state.mapsPublic.get(subnetId),
        requesterManaged: false,
        description: `instance ${r.id}`,
      });
      // The instance's primary interface: a target group's instance target (Ref: the logical id) is sent to it.
      Object.assign(n, { instanceId: r.id, deviceIndex: 0 });
      return;
    }
    // Interfaces given by NetworkInterfaceId are AWS::EC2::NetworkInterface resources of their own.
    listed.forEach((n, i) => {
      const subnetId = r.str(n.SubnetId);
      if (!subnetId) return;
      const ip = r.str(n.PrivateIpAddress);
      const assoc = n.AssociatePublicIpAddress === undefined ? undefined : r.bool(n.AssociatePublicIpAddress, false);
      const eni = iface(state, r, {
        id: i === 0 ? eniId(r.id) : `${eniId(r.id)}#${i}`,
        subnetId,
        groupIds: r.strs(n.GroupSet),
        privateIps: ip ? [ip] : [],
        publicIp: assoc ?? state.mapsPublic.get(subnetId),
        requesterManaged: false,
        description: `instance ${r.id}`,
      });
      Object.assign(eni, { instanceId: r.id, deviceIndex: r.num(n.DeviceIndex) ?? i });
    });
  },
  'AWS::EC2::NetworkInterface'(state, r) {
    const subnetId = r.str(r.props.SubnetId);
    if (!subnetId) return;
    const ips = [
      ...(r.str(r.props.PrivateIpAddress) ? [r.str(r.props.PrivateIpAddress)!] : []),
      ...r.list(r.props.PrivateIpAddresses).flatMap((a) => r.str(a.PrivateIpAddress) ?? []),
    ];
    const n = iface(state, r, {
      id: eniId(r.id),
      subnetId,
      groupIds: r.strs(r.props.GroupSet),
      privateIps: [...new Set(ips)],
      publicIp: false,
      requesterManaged: false,
      description: `network interface ${r.id}`,
    });
    // Delegated prefixes (../aws-interfaces.ts): a template sets an interface's groups only here.
    const ipv6 = delegatePrefixes(state.inv, n, {
      ipv4: r.list(r.props.Ipv4Prefixes).flatMap((p) => r.str(p.Ipv4Prefix) ?? []),
      ipv6: r.list(r.props.Ipv6Prefixes).flatMap((p) => r.str(p.Ipv6Prefix) ?? []),
      ipv4Count: r.num(r.props.Ipv4PrefixCount) ?? 0,
      ipv6Count: r.num(r.props.Ipv6PrefixCount) ?? 0,
    });
    if (ipv6)
      taint(state, 'ec2:network-interfaces', {
        ...skipped(r.stack.template, ['Resources', r.decl.logicalId, 'Properties', 'Ipv6PrefixCount'], ''),
        reason: `${r.id}: ${ipv6}`,
      });
  },
  'AWS::EC2::EIP'(state, r) {
    for (const t of [r.str(r.props.InstanceId), r.str(r.props.NetworkInterfaceId)]) if (t) state.eips.add(eniId(t));
  },
  'AWS::Lambda::Function'(state, r) {
    const vpc = isMapping(r.props.VpcConfig) ? r.props.VpcConfig : undefined;
    if (vpc) perSubnet(state, r, r.strs(vpc.SubnetIds), r.strs(vpc.SecurityGroupIds), false, 'Lambda function');
  },
  'AWS::ECS::Service'(state, r) {
    for (const b of r.list(r.props.LoadBalancers)) registersTargets(state, r, b.TargetGroupArn);
    const net = isMapping(r.props.NetworkConfiguration) ? r.props.NetworkConfiguration : undefined;
    const c = net && isMapping(net.AwsvpcConfiguration) ? net.AwsvpcConfiguration : undefined;
    if (c)
      perSubnet(
        state,
        r,
        r.strs(c.Subnets),
        r.strs(c.SecurityGroups),
        (r.str(c.AssignPublicIp) ?? 'DISABLED') === 'ENABLED',
        'ECS service',
      );
  },
  'AWS::EFS::MountTarget'(state, r) {
    const subnetId = r.str(r.props.SubnetId);
    if (!subnetId) return;
    const ip = r.str(r.props.IpAddress);
    iface(state, r, {
      id: eniId(r.id),
      subnetId,
      groupIds: r.strs(r.props.SecurityGroups),
      privateIps: ip ? [ip] : [],
      publicIp: false,
      description: `EFS mount target ${r.id}`,
    });
  },
  'AWS::RDS::DBSubnetGroup'(state, r) {
    state.dbSubnetGroups.set(r.id, r.strs(r.props.SubnetIds));
    const name = r.str(r.props.DBSubnetGroupName);
    if (name) state.dbSubnetGroups.set(name, r.strs(r.props.SubnetIds));
  },
  'AWS::RDS::DBInstance'(state, r) {
    if (r.props.DBClusterIdentifier !== undefined) return clusterInstance(state, r, 'DB cluster instance');
    const group = r.str(r.props.DBSubnetGroupName);
    if (!group) return;
    const ids = state.dbSubnetGroups.get(group);
    if (!ids) return void missing(state, r, 'DB subnet group', group);
    // RDS picks one subnet of the group (two for Multi-AZ) at deploy: an interface in each stands for them.
    perSubnet(
      state,
      r,
      ids,
      r.strs(r.props.VPCSecurityGroups),
      r.bool(r.props.PubliclyAccessible, false),
      'RDS instance',
    );
  },
  'AWS::OpenSearchService::Domain'(state, r) {
    const vpc = isMapping(r.props.VPCOptions) ? r.props.VPCOptions : undefined;
    if (vpc) perSubnet(state, r, r.strs(vpc.SubnetIds), r.strs(vpc.SecurityGroupIds), false, 'OpenSearch domain');
  },
  // The vector store of Bedrock knowledge bases and RAG pipelines, reached through these interfaces.
  'AWS::OpenSearchServerless::VpcEndpoint'(state, r) {
    perSubnet(
      state,
      r,
      r.strs(r.props.SubnetIds),
      r.strs(r.props.SecurityGroupIds),
      false,
      'OpenSearch Serverless VPC endpoint',
    );
  },
  'AWS::DocDB::DBSubnetGroup'(state, r) {
    dbSubnetGroup(state, r);
  },
  'AWS::Neptune::DBSubnetGroup'(state, r) {
    dbSubnetGroup(state, r);
  },
  'AWS::RDS::DBCluster'(state, r) {
    const c = dbCluster(state, r);
    // Aurora Serverless v1 has no instances: the cluster's own interfaces.
    if (c && r.str(r.props.EngineMode) === 'serverless') {
      const ids = groupSubnets(state, r, state.dbSubnetGroups, c.subnetGroup, 'DB subnet group');
      if (ids) perSubnet(state, r, ids, c.groupIds, false, 'RDS cluster');
    }
  },
  'AWS::DocDB::DBCluster'(state, r) {
    dbCluster(state, r);
  },
  'AWS::Neptune::DBCluster'(state, r) {
    dbCluster(state, r);
  },
  'AWS::DocDB::DBInstance'(state, r) {
    clusterInstance(state, r, 'DocumentDB instance');
  },
  'AWS::Neptune::DBInstance'(state, r) {
    clusterInstance(state, r, 'Neptune instance');
  },
  'AWS::ElastiCache::SubnetGroup'(state, r) {
    namedSubnetGroup(state, r, 'cache', r.props.CacheSubnetGroupName);
  },
  'AWS::Redshift::ClusterSubnetGroup'(state, r) {
    namedSubnetGroup(state, r, 'redshift', undefined);
  },
  'AWS::ElastiCache::CacheCluster'(state, r) {
    const ids = familySubnets(state, r, 'cache', r.props.CacheSubnetGroupName, 'CacheSubnetGroupName');
    if (ids) perSubnet(state, r, ids, r.strs(r.props.VpcSecurityGroupIds), false, 'ElastiCache');
  },
  'AWS::ElastiCache::ReplicationGroup'(state, r) {
    const ids = familySubnets(state, r, 'cache', r.props.CacheSubnetGroupName, 'CacheSubnetGroupName');
    if (ids) perSubnet(state, r, ids, r.strs(r.props.SecurityGroupIds), false, 'ElastiCache');
  },
  'AWS::ElastiCache::ServerlessCache'(state, r) {
    const ids = someSubnets(state, r, r.strs(r.props.SubnetIds), 'SubnetIds');
    if (ids) perSubnet(state, r, ids, r.strs(r.props.SecurityGroupIds), false, 'ElastiCache');
  },
  'AWS::Redshift::Cluster'(state, r) {
    const ids = familySubnets(state, r, 'redshift', r.props.ClusterSubnetGroupName, 'ClusterSubnetGroupName');
    // Unstated, AWS decides (the default has changed over time): not known from the template.
    const pub = r.props.PubliclyAccessible === undefined ? undefined : r.bool(r.props.PubliclyAccessible, false);
    if (ids) perSubnet(state, r, ids, r.strs(r.props.VpcSecurityGroupIds), pub, 'Redshift cluster');
  },
  'AWS::RedshiftServerless::Workgroup'(state, r) {
    const ids = someSubnets(state, r, r.strs(r.props.SubnetIds), 'SubnetIds');
    const pub = r.bool(r.props.PubliclyAccessible, false);
    if (ids) perSubnet(state, r, ids, r.strs(r.props.SecurityGroupIds), pub, 'Redshift Serverless workgroup');
  },
  'AWS::MSK::Cluster'(state, r) {
    const b = isMapping(r.props.BrokerNodeGroupInfo) ? r.props.BrokerNodeGroupInfo : {};
    const conn = isMapping(b.ConnectivityInfo) ? b.ConnectivityInfo : {};
    const access = isMapping(conn.PublicAccess) ? conn.PublicAccess : {};
    const pub = r.str(access.Type) === 'SERVICE_PROVIDED_EIPS';
    perSubnet(state, r, r.strs(b.ClientSubnets), r.strs(b.SecurityGroups), pub, 'MSK cluster');
  },
  'AWS::BedrockAgentCore::Runtime'(state, r) {
    agentCore(state, r);
  },
  'AWS::BedrockAgentCore::CodeInterpreterCustom'(state, r) {
    agentCore(state, r);
  },
  'AWS::BedrockAgentCore::BrowserCustom'(state, r) {
    agentCore(state, r);
  },
  'AWS::EKS::Cluster'(state, r) {
    const vpc = isMapping(r.props.ResourcesVpcConfig) ? r.props.ResourcesVpcConfig : {};
    const subnetIds = r.strs(vpc.SubnetIds);
    const groupId = `${r.id}.ClusterSecurityGroupId`;
    const vpcId = state.inv.subnets.find((x) => x.id === subnetIds[0])?.vpcId;
    const g = selfAndEgressGroup(scoped(r), groupId, `eks-cluster-sg-${r.text(r.props.Name) ?? r.id}`, vpcId);
    state.inv.securityGroups.push(g);
    state.groups.set(groupId, g);
    state.eksClusters.set(r.id, groupId);
    const name = r.str(r.props.Name);
    if (name) state.eksClusters.set(name, groupId);
    // The control plane's cross-account interfaces carry the cluster group and the additional ones.
    perSubnet(state, r, subnetIds, [groupId, ...r.strs(vpc.SecurityGroupIds)], false, 'Amazon EKS');
  },
  'AWS::EKS::Nodegroup'(state, r) {
    const lt = isMapping(r.props.LaunchTemplate) ? r.props.LaunchTemplate : undefined;
    const t = lt ? launchTemplateOf(state, r, lt.Id ?? lt.Name) : undefined;
    if (lt && !t) return;
    let groupIds = t?.groupIds ?? [];
    // Nodes get the launch template's groups; without any, EKS gives them the cluster security group.
    if (groupIds.length === 0) {
      const cluster = eksCluster(state, r);
      if (!cluster) return;
      groupIds = [cluster];
    }
    const subnetIds = r.strs(r.props.Subnets);
    // Remote access without source groups opens SSH to the internet (EKS creates a group for it).
    const ra = isMapping(r.props.RemoteAccess) ? r.props.RemoteAccess : undefined;
    if (ra) {
      const id = `${r.id}.RemoteAccessSecurityGroup`;
      const vpcId = state.inv.subnets.find((x) => x.id === subnetIds[0])?.vpcId;
      state.inv.securityGroups.push(sshGroup(scoped(r), id, r.strs(ra.SourceSecurityGroups), vpcId));
      groupIds = [...groupIds, id];
    }
    launched(state, r, subnetIds, groupIds, t, 'EKS node group');
  },
  'AWS::EKS::FargateProfile'(state, r) {
    const cluster = eksCluster(state, r);
    // Fargate pods get the cluster security group and no public address.
    if (cluster) perSubnet(state, r, r.strs(r.props.Subnets), [cluster], false, 'EKS Fargate profile');
  },
  'AWS::EC2::LaunchTemplate'(state, r) {
    const d = isMapping(r.props.LaunchTemplateData) ? r.props.LaunchTemplateData : {};
    const ni = r.list(d.NetworkInterfaces)[0];
    const subnetId = ni ? r.str(ni.SubnetId) : undefined;
    const t: LaunchSettings = {
      groupIds: [...r.strs(d.SecurityGroupIds), ...(ni ? r.strs(ni.Groups) : [])],
      ...(ni?.AssociatePublicIpAddress !== undefined ? { publicIp: r.bool(ni.AssociatePublicIpAddress, false) } : {}),
      ...(subnetId ? { subnetId } : {}),
    };
    state.launchTemplates.set(r.id, t);
    const name = r.str(r.props.LaunchTemplateName);
    if (name) state.launchTemplates.set(name, t);
  },
  'AWS::AutoScaling::LaunchConfiguration'(state, r) {
    const t: LaunchSettings = {
      groupIds: r.strs(r.props.SecurityGroups),
      ...(r.props.AssociatePublicIpAddress !== undefined
        ? { publicIp: r.bool(r.props.AssociatePublicIpAddress, false) }
        : {}),
    };
    state.launchTemplates.set(r.id, t);
    const name = r.str(r.props.LaunchConfigurationName);
    if (name) state.launchTemplates.set(name, t);
  },
  'AWS::AutoScaling::AutoScalingGroup'(state, r) {
    registersTargets(state, r, r.props.TargetGroupARNs);
    const lt = isMapping(r.props.LaunchTemplate) ? r.props.LaunchTemplate : undefined;
    const mixed = isMapping(r.props.MixedInstancesPolicy) ? r.props.MixedInstancesPolicy : {};
    const mlt = isMapping(mixed.LaunchTemplate) ? mixed.LaunchTemplate : {};
    const spec = isMapping(mlt.LaunchTemplateSpecification) ? mlt.LaunchTemplateSpecification : undefined;
    const which = lt ?? spec;
    const ref = which
      ? (which.LaunchTemplateId ?? which.LaunchTemplateName)
      : (r.props.LaunchConfigurationName ?? r.props.InstanceId);
    const t = launchTemplateOf(state, r, ref);
    if (!t) return;
    const listed = r.strs(r.props.VPCZoneIdentifier);
    const ids = someSubnets(state, r, listed.length > 0 ? listed : t.subnetId ? [t.subnetId] : [], 'VPCZoneIdentifier');
    if (ids) launched(state, r, ids, t.groupIds, t, 'Auto Scaling group');
  },
  'AWS::Batch::ComputeEnvironment'(state, r) {
    // Unmanaged: the instances are the account's own (launched elsewhere), no interface of Batch's.
    if (!isMapping(r.props.ComputeResources)) return;
    const c = r.props.ComputeResources;
    const lt = isMapping(c.LaunchTemplate) ? c.LaunchTemplate : undefined;
    const t = lt ? launchTemplateOf(state, r, lt.LaunchTemplateId ?? lt.LaunchTemplateName) : undefined;
    if (lt && !t) return;
    const own = r.strs(c.SecurityGroupIds);
    const groupIds = own.length > 0 ? own : (t?.groupIds ?? []);
    const ids = someSubnets(state, r, r.strs(c.Subnets), 'ComputeResources');
    if (!ids) return;
    if (/FARGATE/.test(r.str(c.Type) ?? '')) perSubnet(state, r, ids, groupIds, false, 'Batch compute environment');
    else launched(state, r, ids, groupIds, t, 'Batch compute environment');
  },
};

/** Something the resource needs and the template does not give: its interfaces are not known (the data set is partial). */
function notKnown(state: State, r: Reader, reason: string): undefined {
  taint(state, 'ec2:network-interfaces', {
    ...skipped(r.stack.template, ['Resources', r.decl.logicalId], ''),
    reason: `${r.id}: ${reason}`,
  });
  return undefined;
}

/** Where the template gives no subnet, AWS uses the default VPC's, which the template does not declare. */
/** A resource it needs is not in the scanned templates: warned, and its interfaces are not known. */
function missing(state: State, r: Reader, what: string, name: string): undefined {
  attachmentMissing(state, r, what, name);
  return notKnown(state, r, `${what} ${name} is not in the scanned templates`);
}

function someSubnets(state: State, r: Reader, ids: string[], property: string): string[] | undefined {
  if (ids.length > 0) return ids;
  return notKnown(
    state,
    r,
    `no subnet in ${property}: AWS uses the default VPC's, which the template does not declare`,
  );
}

/** Bedrock AgentCore in VPC mode runs the agent's code (a runtime, code interpreter, browser) in the subnets. */
function agentCore(state: State, r: Reader): void {
  const net = isMapping(r.props.NetworkConfiguration) ? r.props.NetworkConfiguration : {};
  if (r.str(net.NetworkMode) !== 'VPC') return;
  const c = net.NetworkModeConfig ?? net.VpcConfig;
  const vpc = isMapping(c) ? c : {};
  const ids = someSubnets(state, r, r.strs(vpc.Subnets), 'NetworkConfiguration');
  if (ids) perSubnet(state, r, ids, r.strs(vpc.SecurityGroups), false, 'Bedrock AgentCore');
}

function dbSubnetGroup(state: State, r: Reader): void {
  const ids = r.strs(r.props.SubnetIds);
  state.dbSubnetGroups.set(r.id, ids);
  const name = r.str(r.props.DBSubnetGroupName);
  if (name) state.dbSubnetGroups.set(name, ids);
}

function namedSubnetGroup(state: State, r: Reader, family: string, name: unknown): void {
  const ids = r.strs(r.props.SubnetIds);
  state.subnetGroups.set(`${family}|${r.id}`, ids);
  const n = name === undefined ? undefined : r.str(name);
  if (n) state.subnetGroups.set(`${family}|${n}`, ids);
}

/** The subnets of a named group; none named: the service's default group, in the default VPC. */
function groupSubnets(
  state: State,
  r: Reader,
  groups: Map<string, string[]>,
  name: string | undefined,
  what: string,
): string[] | undefined {
  if (name === undefined)
    return notKnown(state, r, `no ${what}: AWS places it in the default VPC, which the template does not declare`);
  const ids = groups.get(name);
  if (!ids) missing(state, r, what, name);
  return ids;
}

function familySubnets(state: State, r: Reader, family: string, v: unknown, property: string): string[] | undefined {
  if (v !== undefined && r.str(v) === undefined) return undefined; // unknown: recorded as such
  const name = v === undefined ? undefined : r.str(v);
  if (name === undefined)
    return notKnown(state, r, `no ${property}: AWS places it in the default VPC, which the template does not declare`);
  const ids = state.subnetGroups.get(`${family}|${name}`);
  if (!ids) missing(state, r, 'subnet group', name);
  return ids;
}

function dbCluster(state: State, r: Reader): { groupIds: string[]; subnetGroup?: string } {
  const subnetGroup = r.str(r.props.DBSubnetGroupName);
  const c = { groupIds: r.strs(r.props.VpcSecurityGroupIds), ...(subnetGroup ? { subnetGroup } : {}) };
  state.dbClusters.set(r.id, c);
  const ident = r.str(r.props.DBClusterIdentifier);
  if (ident) state.dbClusters.set(ident, c);
  return c;
}

/** An instance of an Aurora, DocumentDB or Neptune cluster: the cluster's groups, in its (or the cluster's) subnet group. */
function clusterInstance(state: State, r: Reader, what: string): void {
  const ident = r.str(r.props.DBClusterIdentifier);
  if (ident === undefined) return;
  const c = state.dbClusters.get(ident);
  if (!c) return void missing(state, r, 'DB cluster', ident);
  const own = r.str(r.props.DBSubnetGroupName);
  const ids = groupSubnets(state, r, state.dbSubnetGroups, own ?? c.subnetGroup, 'DB subnet group');
  if (ids) perSubnet(state, r, ids, c.groupIds, r.bool(r.props.PubliclyAccessible, false), what);
}

function eksCluster(state: State, r: Reader): string | undefined {
  const name = r.str(r.props.ClusterName);
  if (name === undefined) return undefined;
  const g = state.eksClusters.get(name);
  if (!g) missing(state, r, 'EKS cluster', name);
  return g;
}

function launchTemplateOf(state: State, r: Reader, ref: unknown): LaunchSettings | undefined {
  const name = r.str(ref);
  if (name === undefined)
    return ref === undefined ? notKnown(state, r, 'names no launch template or launch configuration') : undefined;
  const t = state.launchTemplates.get(name);
  if (!t) missing(state, r, 'launch template', name);
  return t;
}

/** Instances launched in each subnet: public as the template or else the subnet says. */
function launched(
  state: State,
  r: Reader,
  subnetIds: string[],
  groupIds: string[],
  t: LaunchSettings | undefined,
  what: string,
): void {
  perSubnet(state, r, subnetIds, groupIds, (s) => t?.publicIp ?? state.mapsPublic.get(s), what, false);
}

/** An interface AWS creates for the resource; without groups, the VPC's default security group (as EC2 gives it). */
function iface(
  state: State,
  r: Reader,
  d: Omit<DeclaredInterface, 'interfaceType' | 'requesterManaged'> & Partial<DeclaredInterface>,
): AwsNetworkInterface {
  const vpcId = state.inv.subnets.find((s) => s.id === d.subnetId)?.vpcId;
  return addInterface(state.inv, scoped(r), {
    interfaceType: 'interface',
    requesterManaged: true,
    ...d,
    groupIds: d.groupIds.length > 0 ? d.groupIds : [`${vpcId ?? 'unknown-vpc'}.DefaultSecurityGroup`],
  });
}

/** One interface per subnet; `publicIp` may depend on the subnet (instances: as the subnet maps, unless told). */
function perSubnet(
  state: State,
  r: Reader,
  subnetIds: string[],
  groups: string[],
  publicIp: boolean | undefined | ((subnetId: string) => boolean | undefined),
  what: string,
  requesterManaged = true,
): void {
  for (const subnetId of [...new Set(subnetIds)])
    iface(state, r, {
      id: eniId(r.id, subnetId),
      subnetId,
      groupIds: groups,
      publicIp: typeof publicIp === 'function' ? publicIp(subnetId) : publicIp,
      requesterManaged,
      description: `${what}${what.endsWith('/') ? '' : ' '}${r.id}`,
    });
}

function defaultEgress(pointer: string): AwsIpPermission {
  return {
    protocol: '-1',
    ipv4Ranges: [{ cidr: '0.0.0.0/0' }],
    ipv6Ranges: [],
    groupRefs: [],
    prefixListIds: [],
    pointer,
  };
}

function implicitDeny(): AwsNaclEntry[] {
  return [false, true].flatMap((egress) => [
    { ruleNumber: 32767, egress, protocol: '-1', action: 'deny' as const, cidr: '0.0.0.0/0' },
    { ruleNumber: 32767, egress, protocol: '-1', action: 'deny' as const, ipv6Cidr: '::/0' },
  ]);
}

const ACL_PROTOCOLS: Record<string, string> = { tcp: '6', udp: '17', icmp: '1', icmpv6: '58', all: '-1' };

function normaliseAclProtocol(p: string): string {
  return ACL_PROTOCOLS[p.toLowerCase()] ?? p;
}

function localRoutes(vpc: AwsInventory['vpcs'][number] | undefined, pointer: string): AwsRoute[] {
  return [...(vpc?.cidrs ?? []), ...(vpc?.ipv6Cidrs ?? [])].map((c) => ({
    destination: c,
    target: { type: 'local', id: 'local' },
    pointer,
  }));
}

/**
 * What EC2 creates with every VPC and the template cannot name: the main route table (only the local route: a
 * template cannot add routes to it), the default network ACL (allows all) for subnets with no ACL of their own, and
 * the default security group (for interface endpoints declared without groups).
 */
function finish(state: State): void {
  const inv = state.inv;
  linkLoadBalancerPaths(state);
  admitConsumers(state);
  endpointInterfaces(inv, (vpcId) => `${vpcId}.DefaultSecurityGroup`);
  // The inventory ARN ends in the logical id (sageMaker() below).
  sageMakerInterfaces(
    inv,
    (vpcId) => `${vpcId ?? 'unknown-vpc'}.DefaultSecurityGroup`,
    (arn) => arn.slice(arn.indexOf('/') + 1),
  );
  for (const n of inv.networkInterfaces) if (state.eips.has(n.id)) n.publicIps = ['(assigned at deploy)'];
  // The local route of each VPC CIDR (VPCCidrBlock resources add theirs) comes first in every table.
  for (const t of inv.routeTables) {
    const vpc = state.vpcs.get(t.vpcId);
    t.routes.unshift(...localRoutes(vpc, (t.origin as { pointer?: string }).pointer ?? ''));
    t.subnetIds.sort();
  }
  // A gateway endpoint adds a route to its service's prefix list in each of its tables.
  for (const e of inv.vpcEndpoints)
    if (e.type === 'Gateway')
      for (const id of e.routeTableIds)
        state.tables.get(id)?.routes.push({
          destination: `pl-(${e.serviceName})`,
          target: { type: 'vpc-endpoint', id: e.id },
          pointer: (e.origin as { pointer?: string }).pointer ?? '',
        });
  // A Profile shared from elsewhere carries resources the templates do not show: they may decide the VPC's names.
  for (const a of inv.profileAssociations)
    if (state.types.get(a.profileId) !== 'AWS::Route53Profiles::Profile') {
      const o = a.origin.kind === 'file' ? a.origin : undefined;
      taint(state, 'route53profiles:profile-resource-associations', {
        file: o?.file ?? '',
        ...(o?.line ? { line: o.line } : {}),
        pointer: o?.pointer ?? '',
        reason: `Route 53 Profile ${a.profileId} associated with ${a.vpcId} is not declared in the scanned templates: its resources are not known`,
      });
    }
  // Every declared VPC's private hosted zones (none unless a template associates one).
  const zonesOf = new Map(
    inv.vpcs.map((v) => [v.id, { ...scopedOf(v), vpcId: v.id, zones: [] as { id: string; name: string }[] }]),
  );
  for (const z of state.zoneVpcs) {
    let a = zonesOf.get(z.vpcId);
    if (!a) zonesOf.set(z.vpcId, (a = { ...IAC_SCOPE, origin: z.origin, vpcId: z.vpcId, zones: [] }));
    a.zones.push({ id: z.zoneId, name: state.zones.get(z.zoneId)! });
  }
  inv.hostedZoneAssociations.push(...zonesOf.values());
  for (const vpc of inv.vpcs) {
    const subnets = inv.subnets.filter((s) => s.vpcId === vpc.id).map((s) => s.id);
    const pointer = (vpc.origin as { pointer?: string }).pointer ?? '';
    inv.routeTables.push({
      ...scopedOf(vpc),
      id: `${vpc.id}.MainRouteTable`,
      vpcId: vpc.id,
      routes: localRoutes(vpc, pointer),
      subnetIds: [],
      main: true,
      tags: {},
    });
    const associated = new Set(inv.networkAcls.filter((a) => a.vpcId === vpc.id).flatMap((a) => a.subnetIds));
    inv.networkAcls.push({
      ...scopedOf(vpc),
      id: `${vpc.id}.DefaultNetworkAcl`,
      vpcId: vpc.id,
      isDefault: true,
      entries: [
        ...[false, true].flatMap((egress) => [
          { ruleNumber: 100, egress, protocol: '-1', action: 'allow' as const, cidr: '0.0.0.0/0' },
        ]),
        ...implicitDeny(),
      ],
      subnetIds: subnets.filter((s) => !associated.has(s)),
    });
    const defaultGroup = `${vpc.id}.DefaultSecurityGroup`;
    inv.securityGroups.push({
      ...scopedOf(vpc),
      id: defaultGroup,
      name: 'default',
      vpcId: vpc.id,
      ingress: [
        {
          protocol: '-1',
          ipv4Ranges: [],
          ipv6Ranges: [],
          groupRefs: [{ groupId: defaultGroup }],
          prefixListIds: [],
          pointer,
        },
      ],
      egress: [defaultEgress(pointer)],
      tags: {},
    });
  }
}

/**
 * Record sets of a private hosted zone the templates declare (by HostedZoneId or HostedZoneName); records of other
 * zones answer no declared VPC. An alias to `!GetAtt Endpoint.DnsEntries` names the interface endpoint.
 */
function addRecords(state: State, r: Reader, owner: Record<string, unknown>, sets: Record<string, unknown>[]): void {
  const byName = (n: string | undefined) =>
    n === undefined ? undefined : [...state.zones].find(([, name]) => name === dnsName(n))?.[0];
  const zoneOf = (x: Record<string, unknown>) =>
    x.HostedZoneId !== undefined ? r.str(x.HostedZoneId) : byName(r.str(x.HostedZoneName));
  for (const [i, set] of sets.entries()) {
    const zoneId = zoneOf(set) ?? zoneOf(owner);
    const zone = zoneId === undefined ? undefined : state.zones.get(zoneId);
    const list = state.inv.hostedZoneRecords.find((z) => z.zoneId === zoneId);
    if (zone === undefined || !list) continue;
    const alias = isMapping(set.AliasTarget) ? set.AliasTarget : undefined;
    const u = alias ? firstUnknown(alias.DNSName) : undefined;
    const endpoint = u ? /(?:^|[\s[])!?(?:GetAtt )?([A-Za-z0-9]+)\.DnsEntries\b/.exec(u.expr)?.[1] : undefined;
    const endpointId = endpoint && state.types.get(endpoint) === 'AWS::EC2::VPCEndpoint' ? endpoint : undefined;
    const target = alias && !endpointId ? r.str(alias.DNSName) : undefined;
    list.records.push({
      name: dnsName(r.str(set.Name) ?? ''),
      type: (r.str(set.Type) ?? '').toUpperCase(),
      values: alias ? [] : r.strs(set.ResourceRecords),
      ...(target ? { aliasTarget: dnsName(target) } : {}),
      ...(endpointId ? { aliasEndpointId: endpointId } : {}),
      pointer: sets.length === 1 && set === owner ? r.pointer() : r.pointer('RecordSets', i),
    });
  }
}

function scopedOf(x: Scoped): Scoped {
  return { account: x.account, region: x.region, origin: x.origin };
}

/** Target groups a listener's or rule's forward actions name (TargetGroupArn, ForwardConfig.TargetGroups). */
function forwardTargets(r: Reader, actions: unknown): string[] {
  return r.list(actions).flatMap((a) => {
    if (r.str(a.Type) !== 'forward') return [];
    const cfg = isMapping(a.ForwardConfig) ? a.ForwardConfig : {};
    return [a.TargetGroupArn, ...r.list(cfg.TargetGroups).map((t) => t.TargetGroupArn)].flatMap((x) =>
      x === undefined ? [] : (r.str(x) ?? []),
    );
  });
}

const RULES = new WeakMap<State, { listener: string; groups: string[] }[]>();
const DYNAMIC = new WeakMap<State, Set<string>>();
const ruleForwards = (state: State) => RULES.get(state) ?? RULES.set(state, []).get(state)!;

/**
 * An Auto Scaling group or ECS service registers its instances or tasks at run time: the group's targets are not
 * known before deploy (verify makes the VPC's instances "maybe" targets). An unknown reference may name any group.
 */
function registersTargets(state: State, r: Reader, arns: unknown): void {
  if (arns === undefined) return;
  const before = r.unknowns.length;
  const ids = r.strs(arns);
  if (r.unknowns.length > before)
    taint(state, 'elbv2:target-health', {
      ...skipped(r.stack.template, ['Resources', r.decl.logicalId], ''),
      reason: `${r.id} registers targets in a target group not known before deploy`,
    });
  const set = DYNAMIC.get(state) ?? DYNAMIC.set(state, new Set()).get(state)!;
  for (const id of ids) set.add(id);
}

/** AllowedPrincipals per endpoint service (VPCEndpointServicePermissions); undefined: a value not known before deploy. */
const PERMISSIONS = new WeakMap<State, Map<string, string[] | undefined>>();

/**
 * The state each consumer endpoint of a declared endpoint service gets at deploy (../aws-endpoint-services.ts).
 * CloudFormation has no resource that accepts a connection, so with AcceptanceRequired it stays pendingAcceptance.
 */
function admitConsumers(state: State): void {
  const services = new Map(state.inv.endpointServiceConfigs.map((c) => [c.serviceName, c]));
  const permissions = PERMISSIONS.get(state);
  for (const e of state.inv.vpcEndpoints) {
    const c = services.get(e.serviceName);
    if (!c || e.type !== 'Interface') continue;
    e.state = admissionState({
      consumerAccount: e.account,
      providerAccount: c.account,
      principals: permissions?.has(c.serviceId) ? permissions.get(c.serviceId) : [],
      // A permissions resource sets the service's whole list; without one the template does not manage it.
      principalsComplete: permissions?.has(c.serviceId) ?? false,
      acceptanceRequired: c.acceptanceRequired ?? false,
      accepted: false,
      unknownAccount: IAC_SCOPE.account,
    });
  }
}

/**
 * Listeners and endpoint services to their load balancers' inventory ARNs; target groups to the load balancers that
 * forward to them.
 */
function linkLoadBalancerPaths(state: State): void {
  const inv = state.inv;
  const lbArn = new Map(inv.loadBalancers.map((lb) => [lb.name, lb.arn]));
  const groups = new Map(inv.lbTargetGroups.map((g) => [g.arn, g]));
  const attach = (lb: string, tgs: string[]) => {
    for (const arn of tgs) {
      const g = groups.get(arn);
      if (g && !g.loadBalancerArns.includes(lb)) g.loadBalancerArns.push(lb);
    }
  };
  const byId = new Map(inv.lbListeners.map((l) => [l.arn, l]));
  for (const l of inv.lbListeners) {
    l.loadBalancerArn = lbArn.get(l.loadBalancerArn) ?? l.loadBalancerArn;
    attach(l.loadBalancerArn, l.forwardTo);
  }
  // An endpoint service names its load balancers by Ref (their logical ids) too.
  for (const c of inv.endpointServiceConfigs) {
    c.networkLoadBalancerArns = c.networkLoadBalancerArns.map((a) => lbArn.get(a) ?? a).sort();
    c.gatewayLoadBalancerArns = c.gatewayLoadBalancerArns.map((a) => lbArn.get(a) ?? a).sort();
  }
  for (const r of RULES.get(state) ?? []) {
    const l = byId.get(r.listener);
    if (!l) continue;
    l.ruleForwardTo = [...new Set([...(l.ruleForwardTo ?? []), ...r.groups])].sort();
    attach(l.loadBalancerArn, r.groups);
  }
  for (const id of DYNAMIC.get(state) ?? []) delete groups.get(id)?.targets;
  for (const g of groups.values()) g.loadBalancerArns.sort();
}
