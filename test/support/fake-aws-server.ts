/**
 * A local stand-in for the AWS APIs the collector calls, for the real SDK clients pointed at it (endpoint
 * override). It answers the EC2 Query protocol (XML), STS's Query protocol, Organizations' JSON 1.1 protocol and
 * Bedrock's REST-JSON protocol, with pagination, throttling, AccessDenied and regions that are not enabled.
 * The caller is told apart by the access key in the SigV4 Authorization header (base credentials vs. the
 * credentials AssumeRole handed out for an account), the region by the credential scope.
 * Listens on 127.0.0.1 only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ec2Error, ec2Response, escapeXml, queryError, queryResponse } from './fake-aws-xml.js';

type Item = Record<string, unknown>;

export const EC2_LIST_ACTIONS: Record<string, string> = {
  DescribeVpcs: 'Vpcs',
  DescribeSubnets: 'Subnets',
  DescribeRouteTables: 'RouteTables',
  DescribeInternetGateways: 'InternetGateways',
  DescribeNatGateways: 'NatGateways',
  DescribeSecurityGroups: 'SecurityGroups',
  DescribeNetworkAcls: 'NetworkAcls',
  DescribeVpcEndpoints: 'VpcEndpoints',
  DescribeVpcEndpointServiceConfigurations: 'ServiceConfigurations',
  DescribeNetworkInterfaces: 'NetworkInterfaces',
  DescribeFlowLogs: 'FlowLogs',
  DescribeManagedPrefixLists: 'PrefixLists',
  DescribeTransitGatewayVpcAttachments: 'TransitGatewayVpcAttachments',
  DescribeTransitGatewayRouteTables: 'TransitGatewayRouteTables',
};

export interface RegionData {
  /** EC2 lists by their CLI key (Vpcs, Subnets, …). */
  ec2: Record<string, Item[]>;
  /** describe-vpc-attribute outputs ({VpcId, EnableDnsSupport: {Value}} …). */
  vpcAttributes: Item[];
  jobSummaries: Item[];
  /** get-model-customization-job outputs by job ARN. */
  jobDetails: Item[];
  agents: Item[];
  /** SageMaker list items by list key (NotebookInstances, Domains, Models, TrainingJobSummaries, ProcessingJobSummaries). */
  sagemaker: Record<string, Item[]>;
  /** SageMaker describe-* outputs by the same list key. */
  sagemakerDetails: Record<string, Item[]>;
  loadBalancers: Item[];
  /** {LoadBalancerArn, Attributes} documents. */
  lbAttributes: Item[];
  /** describe-listeners items (each names its LoadBalancerArn) and describe-target-groups items. */
  listeners: Item[];
  /** describe-rules items (each RuleArn names its listener). */
  rules: Item[];
  targetGroups: Item[];
  /** {TargetGroupArn, Attributes} and {TargetGroupArn, TargetHealthDescriptions} documents. */
  tgAttributes: Item[];
  targetHealth: Item[];
  /** list-resolver-query-log-config-associations items. */
  queryLogAssociations: Item[];
  /** list-resolver-rules and list-resolver-rule-associations items. */
  resolverRules: Item[];
  resolverRuleAssociations: Item[];
  /** list-profile-associations and list-profile-resource-associations items (the latter of every Profile). */
  profileAssociations: Item[];
  profileResourceAssociations: Item[];
  /** {PrefixListId, Entries} documents (get-managed-prefix-list-entries with the list id). */
  prefixListEntries: Item[];
  /** {TransitGatewayRouteTableId, Associations} and {TransitGatewayRouteTableId, Routes} documents. */
  tgwAssociations: Item[];
  tgwRoutes: Item[];
  /** {VpcId, HostedZoneSummaries} and {HostedZoneId, ResourceRecordSets} documents. */
  hostedZonesByVpc: Item[];
  recordSets: Item[];
}

export interface FakeOrganization {
  /** describe-organization output. */
  describe: Item;
  accounts: { Id: string; Name: string; Status?: string }[];
  /** list-policies --filter SERVICE_CONTROL_POLICY items. */
  policies: Item[];
  /** describe-policy outputs. */
  policyDetails: Item[];
}

export interface FakeWorld {
  callerAccount: string;
  /** account -> region -> data. A region with no entry has no resources. */
  data: Record<string, Record<string, RegionData>>;
  organization?: FakeOrganization;
  /** DescribeRegions (with AllRegions). Requests in a not-opted-in region fail as AWS fails them. */
  regions: { name: string; optIn: 'opt-in-not-required' | 'opted-in' | 'not-opted-in' }[];
}

export interface Fault {
  /** IAM action, e.g. "ec2:DescribeVpcEndpoints" or "sts:AssumeRole". */
  action: string;
  /** The account the call is made in (for sts:AssumeRole: the account of the role). */
  account?: string;
  region?: string;
}

export interface FakeOptions {
  world: FakeWorld;
  /** Items per page for every paginated list (forces the SDK's paginators to follow tokens). */
  pageSize?: number;
  /** Delay before every answer (benchmark only; tests never depend on timing). */
  latencyMs?: number;
  deny?: Fault[];
  /** Each of these answers one throttling error on its first call, then works. */
  throttleOnce?: Fault[];
  /** Services not offered in a region: requests get HTTP 404. */
  notOffered?: { service: 'bedrock' | 'bedrock-agent'; region: string }[];
}

export interface RecordedCall {
  action: string;
  account: string;
  region: string;
}

export interface FakeAws {
  endpoint: string;
  calls: RecordedCall[];
  /** The most requests that were being answered at the same time. */
  inFlight: { now: number; max: number };
  close(): Promise<void>;
}

export const ASSUMED_KEY_PREFIX = 'ASIAFAKE';

const emptyRegion = (): RegionData => ({
  ec2: {},
  vpcAttributes: [],
  jobSummaries: [],
  jobDetails: [],
  agents: [],
  sagemaker: {},
  sagemakerDetails: {},
  loadBalancers: [],
  queryLogAssociations: [],
  resolverRules: [],
  resolverRuleAssociations: [],
  profileAssociations: [],
  profileResourceAssociations: [],
  lbAttributes: [],
  listeners: [],
  rules: [],
  targetGroups: [],
  tgAttributes: [],
  targetHealth: [],
  prefixListEntries: [],
  tgwAssociations: [],
  tgwRoutes: [],
  hostedZonesByVpc: [],
  recordSets: [],
});

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Req {
  account: string;
  region: string;
  service: string;
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
  target?: string;
}

export async function startFakeAws(options: FakeOptions): Promise<FakeAws> {
  const calls: RecordedCall[] = [];
  const throttled = new Set<string>();
  const inFlight = { now: 0, max: 0 };
  const server: Server = createServer((req, res) => {
    inFlight.now++;
    inFlight.max = Math.max(inFlight.max, inFlight.now);
    res.on('close', () => inFlight.now--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const respond = () => handle(options, calls, throttled, req, Buffer.concat(chunks).toString('utf8'), res);
      if (options.latencyMs) setTimeout(respond, options.latencyMs);
      else respond();
    });
  });
  // Keep-alive sockets would hold close() open; the SDK reconnects as needed.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    inFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parseAuth(header: string | undefined, world: FakeWorld): { account: string; region: string; service: string } {
  const m = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(header ?? '');
  if (!m) throw new HttpError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  const [, key, region, service] = m as unknown as [string, string, string, string];
  const account = key.startsWith(ASSUMED_KEY_PREFIX) ? key.slice(ASSUMED_KEY_PREFIX.length) : world.callerAccount;
  return { account, region, service };
}

function handle(
  options: FakeOptions,
  calls: RecordedCall[],
  throttled: Set<string>,
  req: IncomingMessage,
  body: string,
  res: ServerResponse,
): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  let r: Req | undefined;
  try {
    const auth = parseAuth(req.headers.authorization, options.world);
    r = {
      ...auth,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      body,
      target: req.headers['x-amz-target'] as string | undefined,
    };
    if (r.service === 'ec2') return ec2(options, calls, throttled, r, res);
    if (r.service === 'sts') return sts(options, calls, r, res);
    if (r.service === 'sagemaker') return sagemaker(options, calls, throttled, r, res);
    if (r.service === 'elasticloadbalancing') return elbv2(options, calls, throttled, r, res);
    if (r.service === 'organizations') return organizations(options, calls, throttled, r, res);
    if (r.service === 'bedrock') return bedrock(options, calls, throttled, r, res);
    if (r.service === 'route53resolver') return route53resolver(options, calls, throttled, r, res);
    if (r.service === 'route53') return route53(options, calls, throttled, r, res);
    if (r.service === 'route53profiles') return route53profiles(options, calls, throttled, r, res);
    throw new HttpError(400, 'UnknownService', `the fake does not serve ${r.service}`);
  } catch (err) {
    const e = err instanceof HttpError ? err : new HttpError(500, 'InternalFailure', String(err));
    if (r?.service === 'ec2') send(res, e.status, 'text/xml', ec2Error(e.code, e.message));
    else if (r?.service === 'sts' || r?.service === 'elasticloadbalancing' || r?.service === 'route53' || !r)
      send(res, e.status, 'text/xml', queryError(e.code, e.message));
    else if (r.service === 'organizations' || r.service === 'sagemaker' || r.service === 'route53resolver')
      send(res, e.status, 'application/x-amz-json-1.1', JSON.stringify({ __type: e.code, Message: e.message }));
    else
      send(res, e.status, 'application/json', JSON.stringify({ message: e.message }), { 'x-amzn-errortype': e.code });
  }
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': type, 'x-amzn-requestid': 'fake-request-id', ...headers });
  res.end(text);
}

const matches = (f: Fault, action: string, account: string, region: string) =>
  f.action === action &&
  (f.account === undefined || f.account === account) &&
  (f.region === undefined || f.region === region);

/** Records the call, then applies the faults in the order AWS would: region, authorisation, throttling. */
function gate(
  options: FakeOptions,
  calls: RecordedCall[],
  throttled: Set<string>,
  r: Req,
  action: string,
  throttleCode: [number, string],
): void {
  calls.push({ action, account: r.account, region: r.region });
  const region = options.world.regions.find((x) => x.name === r.region);
  if (r.service !== 'organizations' && r.service !== 'sts' && region?.optIn === 'not-opted-in') {
    if (r.service === 'ec2')
      throw new HttpError(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
    throw new HttpError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  if (options.deny?.some((f) => matches(f, action, r.account, r.region))) {
    const code =
      r.service === 'ec2'
        ? 'UnauthorizedOperation'
        : r.service === 'sts' || r.service === 'elasticloadbalancing'
          ? 'AccessDenied'
          : 'AccessDeniedException';
    throw new HttpError(
      403,
      code,
      `You are not authorized to perform this operation. User: arn:aws:sts::${r.account}:assumed-role/cordon/session is not authorized to perform: ${action}`,
    );
  }
  const key = `${action}|${r.account}|${r.region}`;
  if (options.throttleOnce?.some((f) => matches(f, action, r.account, r.region)) && !throttled.has(key)) {
    throttled.add(key);
    throw new HttpError(throttleCode[0], throttleCode[1], 'Rate exceeded');
  }
}

function regionData(options: FakeOptions, r: Req): RegionData {
  return options.world.data[r.account]?.[r.region] ?? emptyRegion();
}

function page<T>(
  items: T[],
  token: string | null | undefined,
  pageSize: number | undefined,
  max?: number,
): { items: T[]; next?: string } {
  const start = token ? Number(token) : 0;
  const size = Math.min(pageSize ?? Infinity, max ?? Infinity);
  const end = Math.min(items.length, start + size);
  return { items: items.slice(start, end), ...(end < items.length ? { next: String(end) } : {}) };
}

function ec2(options: FakeOptions, calls: RecordedCall[], throttled: Set<string>, r: Req, res: ServerResponse): void {
  const form = new URLSearchParams(r.body);
  const action = form.get('Action') ?? '';
  gate(options, calls, throttled, r, `ec2:${action}`, [503, 'RequestLimitExceeded']);
  const data = regionData(options, r);
  const listKey = EC2_LIST_ACTIONS[action];
  if (listKey) {
    const max = form.get('MaxResults');
    const p = page(data.ec2[listKey] ?? [], form.get('NextToken'), options.pageSize, max ? Number(max) : undefined);
    return send(
      res,
      200,
      'text/xml',
      ec2Response(action, { [listKey]: p.items, ...(p.next ? { NextToken: p.next } : {}) }),
    );
  }
  // Per-item calls: the item's id in the request, a paged list (or, for SearchTransitGatewayRoutes, all) in the answer.
  const perItem: Record<string, [string, keyof RegionData, string]> = {
    GetManagedPrefixListEntries: ['PrefixListId', 'prefixListEntries', 'Entries'],
    GetTransitGatewayRouteTableAssociations: ['TransitGatewayRouteTableId', 'tgwAssociations', 'Associations'],
    SearchTransitGatewayRoutes: ['TransitGatewayRouteTableId', 'tgwRoutes', 'Routes'],
  };
  const one = perItem[action];
  if (one) {
    const [idField, docs, key] = one;
    const id = form.get(idField);
    const doc = (data[docs] as Item[]).find((x) => x[idField] === id);
    if (!doc) throw new HttpError(400, `Invalid${idField}.NotFound`, `${idField} '${id}' does not exist`);
    if (action === 'SearchTransitGatewayRoutes') {
      // AWS requires a filter; cordon must ask for both route types or it would miss routes.
      const values = [1, 2, 3].map((i) => form.get(`Filter.1.Value.${i}`)).filter(Boolean);
      if (form.get('Filter.1.Name') !== 'type' || !values.includes('static') || !values.includes('propagated'))
        throw new HttpError(400, 'InvalidParameterValue', 'the fake expects the filter type=static,propagated');
      return send(res, 200, 'text/xml', ec2Response(action, { Routes: doc.Routes, AdditionalRoutesAvailable: false }));
    }
    const max = form.get('MaxResults');
    const p = page(doc[key] as Item[], form.get('NextToken'), options.pageSize, max ? Number(max) : undefined);
    return send(
      res,
      200,
      'text/xml',
      ec2Response(action, { [key]: p.items, ...(p.next ? { NextToken: p.next } : {}) }),
    );
  }
  if (action === 'DescribeVpcAttribute') {
    const vpcId = form.get('VpcId');
    const attribute = form.get('Attribute') ?? '';
    const member = attribute.charAt(0).toUpperCase() + attribute.slice(1);
    const found = data.vpcAttributes.find((a) => a.VpcId === vpcId && member in a);
    if (!found) throw new HttpError(400, 'InvalidVpcID.NotFound', `The vpc ID '${vpcId}' does not exist`);
    return send(res, 200, 'text/xml', ec2Response(action, { VpcId: vpcId, [member]: found[member] }));
  }
  if (action === 'DescribeRegions') {
    const all = form.get('AllRegions') === 'true';
    const regions = options.world.regions
      .filter((x) => all || x.optIn !== 'not-opted-in')
      .map((x) => ({ RegionName: x.name, Endpoint: `ec2.${x.name}.amazonaws.com`, OptInStatus: x.optIn }));
    return send(res, 200, 'text/xml', ec2Response(action, { Regions: regions }));
  }
  throw new HttpError(400, 'InvalidAction', `The action ${action} is not valid for this web service.`);
}

function sts(options: FakeOptions, calls: RecordedCall[], r: Req, res: ServerResponse): void {
  const form = new URLSearchParams(r.body);
  const action = form.get('Action') ?? '';
  if (action === 'GetCallerIdentity') {
    gate(options, calls, new Set(), r, 'sts:GetCallerIdentity', [400, 'Throttling']);
    const arn = `arn:aws:iam::${r.account}:user/auditor`;
    return send(
      res,
      200,
      'text/xml',
      queryResponse(action, { UserId: 'AIDAFAKEUSERID', Account: r.account, Arn: arn }),
    );
  }
  if (action === 'AssumeRole') {
    const roleArn = form.get('RoleArn') ?? '';
    const target = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(roleArn);
    // Authorisation is decided for the role's account, which is where a missing trust policy would deny it.
    gate(options, calls, new Set(), { ...r, account: target?.[1] ?? r.account }, 'sts:AssumeRole', [400, 'Throttling']);
    if (!target) throw new HttpError(400, 'ValidationError', `${roleArn} is not a role ARN`);
    return send(
      res,
      200,
      'text/xml',
      queryResponse(action, {
        Credentials: {
          AccessKeyId: `${ASSUMED_KEY_PREFIX}${target[1]}`,
          SecretAccessKey: 'fake-assumed-secret',
          SessionToken: 'fake-session-token',
          Expiration: '2099-01-01T00:00:00Z',
        },
        AssumedRoleUser: {
          Arn: `arn:aws:sts::${target[1]}:assumed-role/${target[2]}/${form.get('RoleSessionName') ?? ''}`,
          AssumedRoleId: 'AROAFAKE:cordon',
        },
      }),
    );
  }
  throw new HttpError(400, 'InvalidAction', `unknown STS action ${action}`);
}

function organizations(
  options: FakeOptions,
  calls: RecordedCall[],
  throttled: Set<string>,
  r: Req,
  res: ServerResponse,
): void {
  const op = (r.target ?? '').split('.')[1] ?? '';
  gate(options, calls, throttled, r, `organizations:${op}`, [400, 'TooManyRequestsException']);
  const org = options.world.organization;
  if (!org)
    throw new HttpError(400, 'AWSOrganizationsNotInUseException', 'Your account is not a member of an organization.');
  const input = JSON.parse(r.body || '{}') as {
    NextToken?: string;
    MaxResults?: number;
    PolicyId?: string;
    Filter?: string;
  };
  const json = (v: unknown) => send(res, 200, 'application/x-amz-json-1.1', JSON.stringify(v));
  if (op === 'DescribeOrganization') return json(org.describe);
  if (op === 'ListAccounts') {
    const accounts = org.accounts.map((a) => ({
      Arn: `arn:aws:organizations::${options.world.callerAccount}:account/o-fake/${a.Id}`,
      Email: `${a.Id}@example.com`,
      JoinedMethod: 'CREATED',
      JoinedTimestamp: 1700000000,
      Status: 'ACTIVE',
      ...a,
    }));
    const p = page(accounts, input.NextToken, options.pageSize, input.MaxResults);
    return json({ Accounts: p.items, ...(p.next ? { NextToken: p.next } : {}) });
  }
  if (op === 'ListPolicies') {
    if (input.Filter !== 'SERVICE_CONTROL_POLICY')
      throw new HttpError(400, 'InvalidInputException', 'the fake only lists SCPs');
    const p = page(org.policies, input.NextToken, options.pageSize, input.MaxResults);
    return json({ Policies: p.items, ...(p.next ? { NextToken: p.next } : {}) });
  }
  if (op === 'DescribePolicy') {
    const d = org.policyDetails.find(
      (x) => (x.Policy as { PolicySummary: { Id: string } }).PolicySummary.Id === input.PolicyId,
    );
    if (!d) throw new HttpError(400, 'PolicyNotFoundException', `policy ${input.PolicyId} not found`);
    return json(d);
  }
  throw new HttpError(400, 'UnknownOperationException', `unknown operation ${op}`);
}

function bedrock(
  options: FakeOptions,
  calls: RecordedCall[],
  throttled: Set<string>,
  r: Req,
  res: ServerResponse,
): void {
  const service = r.path.startsWith('/agents') ? 'bedrock-agent' : 'bedrock';
  const data = regionData(options, r);
  const json = (v: unknown) => send(res, 200, 'application/json', JSON.stringify(v));
  const notOffered = options.notOffered?.some((n) => n.service === service && n.region === r.region);
  let action: string;
  if (r.method === 'GET' && r.path === '/model-customization-jobs') action = 'bedrock:ListModelCustomizationJobs';
  else if (r.method === 'GET' && r.path.startsWith('/model-customization-jobs/'))
    action = 'bedrock:GetModelCustomizationJob';
  else if (r.method === 'POST' && r.path === '/agents/') action = 'bedrock:ListAgents';
  else throw new HttpError(404, 'UnknownOperationException', `no route for ${r.method} ${r.path}`);
  if (notOffered) {
    calls.push({ action, account: r.account, region: r.region });
    throw new HttpError(404, 'UnknownOperationException', `${service} is not offered in ${r.region}`);
  }
  gate(options, calls, throttled, r, action, [429, 'ThrottlingException']);
  if (action === 'bedrock:ListModelCustomizationJobs') {
    const max = r.query.get('maxResults');
    const p = page(data.jobSummaries, r.query.get('nextToken'), options.pageSize, max ? Number(max) : undefined);
    return json({ modelCustomizationJobSummaries: p.items, ...(p.next ? { nextToken: p.next } : {}) });
  }
  if (action === 'bedrock:GetModelCustomizationJob') {
    const id = decodeURIComponent(r.path.slice('/model-customization-jobs/'.length));
    const d = data.jobDetails.find((j) => j.jobArn === id || j.jobName === id);
    if (!d) throw new HttpError(404, 'ResourceNotFoundException', `job ${id} not found`);
    return json(d);
  }
  const input = JSON.parse(r.body || '{}') as { nextToken?: string; maxResults?: number };
  const p = page(data.agents, input.nextToken, options.pageSize, input.maxResults);
  return json({ agentSummaries: p.items, ...(p.next ? { nextToken: p.next } : {}) });
}

/** SageMaker list operation -> [list key, describe operation, request field naming the resource, summary field]. */
export const SAGEMAKER_OPS: Record<string, [string, string, string, string]> = {
  ListNotebookInstances: [
    'NotebookInstances',
    'DescribeNotebookInstance',
    'NotebookInstanceName',
    'NotebookInstanceName',
  ],
  ListDomains: ['Domains', 'DescribeDomain', 'DomainId', 'DomainId'],
  ListModels: ['Models', 'DescribeModel', 'ModelName', 'ModelName'],
  ListTrainingJobs: ['TrainingJobSummaries', 'DescribeTrainingJob', 'TrainingJobName', 'TrainingJobName'],
  ListProcessingJobs: ['ProcessingJobSummaries', 'DescribeProcessingJob', 'ProcessingJobName', 'ProcessingJobName'],
};

const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

/** JSON 1.1 sends timestamps as epoch seconds; fixtures hold them as the CLI prints them (ISO 8601). */
function epochTimes(v: unknown): unknown {
  if (typeof v === 'string' && ISO_TIME.test(v)) return Date.parse(v) / 1000;
  if (Array.isArray(v)) return v.map(epochTimes);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, epochTimes(x)]));
  return v;
}

function sagemaker(
  options: FakeOptions,
  calls: RecordedCall[],
  throttled: Set<string>,
  r: Req,
  res: ServerResponse,
): void {
  const op = (r.target ?? '').split('.')[1] ?? '';
  gate(options, calls, throttled, r, `sagemaker:${op}`, [400, 'ThrottlingException']);
  const data = regionData(options, r);
  const input = JSON.parse(r.body || '{}') as Record<string, unknown>;
  const json = (v: unknown) => send(res, 200, 'application/x-amz-json-1.1', JSON.stringify(epochTimes(v)));
  const list = SAGEMAKER_OPS[op];
  if (list) {
    const token = typeof input.NextToken === 'string' ? input.NextToken : undefined;
    const max = typeof input.MaxResults === 'number' ? input.MaxResults : undefined;
    const p = page(data.sagemaker[list[0]] ?? [], token, options.pageSize, max);
    return json({ [list[0]]: p.items, ...(p.next ? { NextToken: p.next } : {}) });
  }
  const describe = Object.values(SAGEMAKER_OPS).find((x) => x[1] === op);
  if (describe) {
    const wanted = input[describe[2]];
    const d = (data.sagemakerDetails[describe[0]] ?? []).find((x) => x[describe[3]] === wanted);
    if (!d) throw new HttpError(400, 'ValidationException', `${JSON.stringify(wanted)} does not exist`);
    return json(d);
  }
  throw new HttpError(400, 'UnknownOperationException', `unknown operation ${op}`);
}

/** Route 53 Resolver (JSON 1.1): query logging associations, Resolver rules and rule associations, paged by NextToken. */
const RESOLVER_LISTS: Record<string, [keyof RegionData, string]> = {
  ListResolverQueryLogConfigAssociations: ['queryLogAssociations', 'ResolverQueryLogConfigAssociations'],
  ListResolverRules: ['resolverRules', 'ResolverRules'],
  ListResolverRuleAssociations: ['resolverRuleAssociations', 'ResolverRuleAssociations'],
};

/** Route 53 Profiles (REST-JSON): a region's Profile associations, and one Profile's resources, paged by nextToken. */
function route53profiles(
  options: FakeOptions,
  calls: RecordedCall[],
  throttled: Set<string>,
  r: Req,
  res: ServerResponse,
): void {
  const resources = /^\/profileresourceassociations\/profileid\/([^/]+)$/.exec(r.path);
  const op =
    r.method === 'GET' && r.path === '/profileassociations'
      ? 'ListProfileAssociations'
      : r.method === 'GET' && resources
        ? 'ListProfileResourceAssociations'
        : undefined;
  if (!op) throw new HttpError(404, 'UnknownOperationException', `no route for ${r.method} ${r.path}`);
  gate(options, calls, throttled, r, `route53profiles:${op}`, [429, 'ThrottlingException']);
  const data = regionData(options, r);
  const profileId = resources ? decodeURIComponent(resources[1]!) : undefined;
  const items =
    profileId === undefined
      ? data.profileAssociations
      : data.profileResourceAssociations.filter((i) => i.ProfileId === profileId);
  const max = r.query.get('maxResults');
  const p = page(items, r.query.get('nextToken'), options.pageSize, max ? Number(max) : undefined);
  const key = profileId === undefined ? 'ProfileAssociations' : 'ProfileResourceAssociations';
  send(res, 200, 'application/json', JSON.stringify({ [key]: p.items, ...(p.next ? { NextToken: p.next } : {}) }));
}

function route53resolver(
  options: FakeOptions,
  calls: RecordedCall[],
  throttled: Set<string>,
  r: Req,
  res: ServerResponse,
): void {
  const op = (r.target ?? '').split('.')[1] ?? '';
  gate(options, calls, throttled, r, `route53resolver:${op}`, [400, 'ThrottlingException']);
  const list = RESOLVER_LISTS[op];
  if (!list) throw new HttpError(400, 'UnknownOperationException', `unknown operation ${op}`);
  const input = JSON.parse(r.body || '{}') as Record<string, unknown>;
  const token = typeof input.NextToken === 'string' ? input.NextToken : undefined;
  const max = typeof input.MaxResults === 'number' ? input.MaxResults : undefined;
  const p = page(regionData(options, r)[list[0]] as Item[], token, options.pageSize, max);
  send(
    res,
    200,
    'application/x-amz-json-1.1',
    JSON.stringify({
      [list[1]]: p.items,
      ...(op === 'ListResolverQueryLogConfigAssociations'
        ? { TotalCount: p.items.length, TotalFilteredCount: p.items.length }
        : { MaxResults: max ?? 100 }),
      ...(p.next ? { NextToken: p.next } : {}),
    }),
  );
}

/**
 * Route 53 (REST-XML), a global service: the VPC's region comes from the request (vpcregion), a zone's records
 * from whichever region of the account holds them.
 */
function route53(
  options: FakeOptions,
  calls: RecordedCall[],
  throttled: Set<string>,
  r: Req,
  res: ServerResponse,
): void {
  const byVpc = r.method === 'GET' && r.path === '/2013-04-01/hostedzonesbyvpc';
  const rrset = /^\/2013-04-01\/hostedzone\/([^/]+)\/rrset\/?$/.exec(r.path);
  if (!byVpc && !(r.method === 'GET' && rrset)) throw new HttpError(404, 'UnknownOperation', `no route for ${r.path}`);
  const action = byVpc ? 'route53:ListHostedZonesByVPC' : 'route53:ListResourceRecordSets';
  gate(options, calls, throttled, r, action, [400, 'Throttling']);
  const regions = Object.values(options.world.data[r.account] ?? {});
  const xml = (op: string, body: string) =>
    send(
      res,
      200,
      'text/xml',
      `<?xml version="1.0" encoding="UTF-8"?>\n<${op}Response xmlns="https://route53.amazonaws.com/doc/2013-04-01/">${body}</${op}Response>`,
    );
  if (byVpc) {
    const vpc = r.query.get('vpcid');
    const region = options.world.data[r.account]?.[r.query.get('vpcregion') ?? ''];
    const doc = region?.hostedZonesByVpc.find((d) => d.VpcId === vpc);
    if (!doc) throw new HttpError(400, 'InvalidInput', `VPC ${vpc} not found`);
    const p = page(doc.HostedZoneSummaries as Item[], r.query.get('nexttoken'), options.pageSize);
    return xml(
      'ListHostedZonesByVPC',
      `<HostedZoneSummaries>${p.items.map((z) => `<HostedZoneSummary>${route53Xml(z)}</HostedZoneSummary>`).join('')}</HostedZoneSummaries><MaxItems>100</MaxItems>${p.next ? `<NextToken>${p.next}</NextToken>` : ''}`,
    );
  }
  const zone = decodeURIComponent(rrset![1]!);
  const doc = regions.flatMap((d) => d.recordSets).find((d) => d.HostedZoneId === zone);
  if (!doc) throw new HttpError(404, 'NoSuchHostedZone', `No hosted zone found with ID: ${zone}`);
  // Pages by record name, as Route 53 does: the next page starts at NextRecordName.
  const sets = doc.ResourceRecordSets as Item[];
  const start = r.query.get('name');
  const type = r.query.get('type');
  const from = start ? sets.findIndex((x) => x.Name === start && (!type || x.Type === type)) : 0;
  if (from < 0) throw new HttpError(400, 'InvalidInput', `no record ${start} ${type}`);
  const size = options.pageSize ?? sets.length;
  const items = sets.slice(from, from + size);
  const next = sets[from + size];
  return xml(
    'ListResourceRecordSets',
    `<ResourceRecordSets>${items.map((x) => `<ResourceRecordSet>${route53Xml(x)}</ResourceRecordSet>`).join('')}</ResourceRecordSets><IsTruncated>${next ? 'true' : 'false'}</IsTruncated>${next ? `<NextRecordName>${escapeXml(String(next.Name))}</NextRecordName><NextRecordType>${escapeXml(String(next.Type))}</NextRecordType>` : ''}<MaxItems>${size}</MaxItems>`,
  );
}

/** Route 53's XML: members by their JSON names, list items by the singular element name the API uses. */
function route53Xml(v: unknown): string {
  const ITEM: Record<string, string> = { ResourceRecords: 'ResourceRecord' };
  if (v === null || typeof v !== 'object') return escapeXml(typeof v === 'string' ? v : JSON.stringify(v));
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) =>
      Array.isArray(x)
        ? `<${k}>${x.map((i) => `<${ITEM[k] ?? k}>${route53Xml(i)}</${ITEM[k] ?? k}>`).join('')}</${k}>`
        : `<${k}>${route53Xml(x)}</${k}>`,
    )
    .join('');
}

function elbv2(options: FakeOptions, calls: RecordedCall[], throttled: Set<string>, r: Req, res: ServerResponse): void {
  const form = new URLSearchParams(r.body);
  const action = form.get('Action') ?? '';
  gate(options, calls, throttled, r, `elasticloadbalancing:${action}`, [400, 'Throttling']);
  const data = regionData(options, r);
  const xml = (result: Record<string, unknown>) =>
    send(
      res,
      200,
      'text/xml',
      queryResponse(action, result, 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/'),
    );
  if (action === 'DescribeLoadBalancers') {
    const size = form.get('PageSize');
    const p = page(data.loadBalancers, form.get('Marker'), options.pageSize, size ? Number(size) : undefined);
    return xml({ LoadBalancers: p.items, ...(p.next ? { NextMarker: p.next } : {}) });
  }
  const paged = (items: Item[], key: string) => {
    const size = form.get('PageSize');
    const p = page(items, form.get('Marker'), options.pageSize, size ? Number(size) : undefined);
    return xml({ [key]: p.items, ...(p.next ? { NextMarker: p.next } : {}) });
  };
  if (action === 'DescribeListeners') {
    const arn = form.get('LoadBalancerArn');
    if (!data.loadBalancers.some((x) => x.LoadBalancerArn === arn))
      throw new HttpError(400, 'LoadBalancerNotFound', `${arn} not found`);
    return paged(
      data.listeners.filter((x) => x.LoadBalancerArn === arn),
      'Listeners',
    );
  }
  if (action === 'DescribeTargetGroups') return paged(data.targetGroups, 'TargetGroups');
  if (action === 'DescribeRules') {
    const arn = form.get('ListenerArn') ?? '';
    if (!data.listeners.some((x) => x.ListenerArn === arn))
      throw new HttpError(400, 'ListenerNotFound', `${arn} not found`);
    // A rule's ARN names its listener: listener-rule/… under the listener's path.
    const prefix = `${arn.replace(':listener/', ':listener-rule/')}/`;
    return paged(
      data.rules.filter((x) => String(x.RuleArn).startsWith(prefix)),
      'Rules',
    );
  }
  if (action === 'DescribeTargetGroupAttributes' || action === 'DescribeTargetHealth') {
    const arn = form.get('TargetGroupArn');
    const docs = action === 'DescribeTargetHealth' ? data.targetHealth : data.tgAttributes;
    const d = docs.find((x) => x.TargetGroupArn === arn);
    if (!d) throw new HttpError(400, 'TargetGroupNotFound', `${arn} not found`);
    const { TargetGroupArn: _arn, ...rest } = d;
    return xml(rest);
  }
  if (action === 'DescribeLoadBalancerAttributes') {
    const arn = form.get('LoadBalancerArn');
    const d = data.lbAttributes.find((x) => x.LoadBalancerArn === arn);
    if (!d) throw new HttpError(400, 'LoadBalancerNotFound', `${arn} not found`);
    return xml({ Attributes: d.Attributes });
  }
  throw new HttpError(400, 'InvalidAction', `unknown action ${action}`);
}
