/** EC2 network data sets of one account and region: describe-* outputs, each gathered over all pages. */
import {
  DescribeVpcAttributeCommand,
  paginateDescribeFlowLogs,
  paginateDescribeInternetGateways,
  paginateDescribeNatGateways,
  paginateDescribeNetworkAcls,
  paginateDescribeNetworkInterfaces,
  paginateDescribeRouteTables,
  paginateDescribeSecurityGroups,
  paginateDescribeSubnets,
  paginateDescribeVpcEndpoints,
  paginateDescribeVpcEndpointServiceConfigurations,
  paginateDescribeVpcs,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import type { AwsDataset } from '../../inventory/aws.js';
import {
  collectPrefixLists,
  collectTransitGatewayAttachments,
  collectTransitGatewayRouteTables,
} from './ec2-routing.js';
import type { Limiter } from './limiter.js';
import { cliShape, dependent, failed, gather, ok, sortById, type DatasetOutcome } from './types.js';

type Paginate = (config: { client: EC2Client }, input: Record<string, never>) => AsyncIterable<object>;

interface Ec2List {
  dataset: AwsDataset;
  file: string;
  /** The list member of the CLI output, and the id its items are sorted by. */
  key: string;
  id: string;
  action: string;
  paginate: Paginate;
}

export const EC2_LISTS: Ec2List[] = [
  {
    dataset: 'ec2:vpcs',
    file: 'describe-vpcs.json',
    key: 'Vpcs',
    id: 'VpcId',
    action: 'ec2:DescribeVpcs',
    paginate: paginateDescribeVpcs as Paginate,
  },
  {
    dataset: 'ec2:subnets',
    file: 'describe-subnets.json',
    key: 'Subnets',
    id: 'SubnetId',
    action: 'ec2:DescribeSubnets',
    paginate: paginateDescribeSubnets as Paginate,
  },
  {
    dataset: 'ec2:route-tables',
    file: 'describe-route-tables.json',
    key: 'RouteTables',
    id: 'RouteTableId',
    action: 'ec2:DescribeRouteTables',
    paginate: paginateDescribeRouteTables as Paginate,
  },
  {
    dataset: 'ec2:internet-gateways',
    file: 'describe-internet-gateways.json',
    key: 'InternetGateways',
    id: 'InternetGatewayId',
    action: 'ec2:DescribeInternetGateways',
    paginate: paginateDescribeInternetGateways as Paginate,
  },
  {
    dataset: 'ec2:nat-gateways',
    file: 'describe-nat-gateways.json',
    key: 'NatGateways',
    id: 'NatGatewayId',
    action: 'ec2:DescribeNatGateways',
    paginate: paginateDescribeNatGateways as Paginate,
  },
  {
    dataset: 'ec2:security-groups',
    file: 'describe-security-groups.json',
    key: 'SecurityGroups',
    id: 'GroupId',
    action: 'ec2:DescribeSecurityGroups',
    paginate: paginateDescribeSecurityGroups as Paginate,
  },
  {
    dataset: 'ec2:network-acls',
    file: 'describe-network-acls.json',
    key: 'NetworkAcls',
    id: 'NetworkAclId',
    action: 'ec2:DescribeNetworkAcls',
    paginate: paginateDescribeNetworkAcls as Paginate,
  },
  {
    dataset: 'ec2:vpc-endpoints',
    file: 'describe-vpc-endpoints.json',
    key: 'VpcEndpoints',
    id: 'VpcEndpointId',
    action: 'ec2:DescribeVpcEndpoints',
    paginate: paginateDescribeVpcEndpoints as Paginate,
  },
  {
    // The endpoint services this account provides: where PrivateLink takes consumers' connections (verify).
    dataset: 'ec2:vpc-endpoint-service-configurations',
    file: 'describe-vpc-endpoint-service-configurations.json',
    key: 'ServiceConfigurations',
    id: 'ServiceId',
    action: 'ec2:DescribeVpcEndpointServiceConfigurations',
    paginate: paginateDescribeVpcEndpointServiceConfigurations as Paginate,
  },
  {
    dataset: 'ec2:network-interfaces',
    file: 'describe-network-interfaces.json',
    key: 'NetworkInterfaces',
    id: 'NetworkInterfaceId',
    action: 'ec2:DescribeNetworkInterfaces',
    paginate: paginateDescribeNetworkInterfaces as Paginate,
  },
  {
    dataset: 'ec2:flow-logs',
    file: 'describe-flow-logs.json',
    key: 'FlowLogs',
    id: 'FlowLogId',
    action: 'ec2:DescribeFlowLogs',
    paginate: paginateDescribeFlowLogs as Paginate,
  },
];

const VPC_ATTRIBUTES = ['enableDnsSupport', 'enableDnsHostnames'] as const;

async function collectList(
  client: EC2Client,
  l: Ec2List,
): Promise<{ outcome: DatasetOutcome; items?: Record<string, unknown>[] }> {
  try {
    const items = sortById(await gather(l.paginate({ client }, {}), l.key), l.id);
    return { outcome: ok(l.dataset, { name: l.file, document: { [l.key]: items } }), items };
  } catch (err) {
    return { outcome: failed(l.dataset, l.action, err) };
  }
}

export async function collectEc2(
  client: EC2Client,
  limit: Limiter,
  /** Called with the VPC list's outcome and items, for data sets read per VPC by other services. */
  onVpcs?: (outcome: DatasetOutcome, items: Record<string, unknown>[] | undefined) => Promise<DatasetOutcome[]>,
): Promise<DatasetOutcome[]> {
  const results = await Promise.all(EC2_LISTS.map((l) => limit(() => collectList(client, l))));
  const outcomes = results.map((r) => r.outcome);
  const vpcs = results[0]!;
  const [attributes, prefixLists, attachments, tgwTables, perVpc] = await Promise.all([
    collectVpcAttributes(client, limit, vpcs.outcome, vpcs.items),
    collectPrefixLists(client, limit),
    collectTransitGatewayAttachments(client, limit),
    collectTransitGatewayRouteTables(client, limit),
    onVpcs ? onVpcs(vpcs.outcome, vpcs.items) : Promise.resolve([]),
  ]);
  outcomes.push(attributes, prefixLists, attachments, tgwTables, ...perVpc);
  return outcomes;
}

/** describe-vpc-attribute takes one VPC and one attribute per call; the file holds every output, sorted. */
async function collectVpcAttributes(
  client: EC2Client,
  limit: Limiter,
  vpcOutcome: DatasetOutcome,
  vpcs: Record<string, unknown>[] | undefined,
): Promise<DatasetOutcome> {
  const action = 'ec2:DescribeVpcAttribute';
  if (!vpcs) return dependent('ec2:vpc-attributes', action, vpcOutcome.unavailable!);
  // No VPCs, no attributes: an empty array file would carry no data set the reader could recognise.
  if (vpcs.length === 0) return ok('ec2:vpc-attributes');
  try {
    const calls = vpcs.flatMap((v) => VPC_ATTRIBUTES.map((Attribute) => ({ VpcId: String(v.VpcId), Attribute })));
    const outputs = await Promise.all(
      calls.map((input) => limit(async () => cliShape(await client.send(new DescribeVpcAttributeCommand(input))))),
    );
    const order = (o: { VpcId?: string }, i: number) => `${o.VpcId ?? ''}/${VPC_ATTRIBUTES[i % 2]}`;
    const documents = outputs
      .map((o, i) => ({ o, k: order(o, i) }))
      .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
      .map((x) => x.o);
    return ok('ec2:vpc-attributes', { name: 'describe-vpc-attribute.json', document: documents });
  } catch (err) {
    // A partial set of attributes would read as "DNS support is off" for the VPCs that failed: all or nothing.
    return failed('ec2:vpc-attributes', action, err);
  }
}
