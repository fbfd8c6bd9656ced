/**
 * The AWS inventory: typed, normalised resources with their origin. Sources (snapshot files today, live collection
 * later) fill it; checks read it. Field names follow the AWS API in camelCase.
 */
import type { IacLanguage } from './input-kind.js';
import type { Origin } from '../findings/types.js';

/**
 * Infrastructure as code: the availability zones `Fn::GetAZs` and `data.aws_availability_zones` list, as placeholders
 * `<region>-az<n>` (`-of-<source>` when the list excludes zones: another list's n-th is another zone). Distinct
 * indices are distinct zones, but which zone name each is the account decides at deploy (ap-northeast-1 lists a, c,
 * d to new accounts; us-west-1 a and c, or b and c; a list may exclude zones), so a placeholder is never a literal name.
 */
export function azPlaceholders(region: string, source?: string): string[] {
  return [1, 2, 3, 4, 5, 6].map((n) => `${region}-az${n}${source ? `-of-${source}` : ''}`);
}

const AZ_PLACEHOLDER = /^(?:iac-region|[a-z]{2}(?:-[a-z]+)+-\d+)-az\d+(-of-.+)?$/;
const AZ_ID = /^[a-z]+\d+(?:-[a-z]+\d+)?-az\d+$/;

/**
 * How a zone is named: a literal name (us-east-1a), a zone id (use1-az1) or a placeholder of one list. Zones named
 * two ways cannot be compared: us-east-1a may or may not be use1-az1, or the first zone of a list.
 */
export function azNaming(zone: string): string {
  const p = AZ_PLACEHOLDER.exec(zone);
  if (p) return `placeholder${p[1] ?? ''}`;
  return AZ_ID.test(zone) ? 'id' : 'name';
}

export interface Scoped {
  account: string;
  region: string;
  origin: Origin;
}

export type Tags = Record<string, string>;

export interface AwsVpc extends Scoped {
  id: string;
  cidrs: string[];
  ipv6Cidrs: string[];
  isDefault: boolean;
  tags: Tags;
}

export interface AwsVpcAttributes extends Scoped {
  vpcId: string;
  enableDnsSupport?: boolean;
  enableDnsHostnames?: boolean;
}

export interface AwsSubnet extends Scoped {
  id: string;
  vpcId: string;
  cidr?: string;
  ipv6Cidrs: string[];
  availabilityZone?: string;
  availabilityZoneId?: string;
  /**
   * Infrastructure as code: why the zone is not known before deploy (an expression over
   * data.aws_availability_zones, !GetAZs). Only what compares zones needs it, so the subnet is otherwise read whole.
   */
  availabilityZoneUnknown?: string;
  tags: Tags;
}

export type RouteTargetType =
  | 'local'
  | 'internet-gateway'
  | 'egress-only-internet-gateway'
  | 'nat-gateway'
  | 'vpc-endpoint'
  | 'transit-gateway'
  | 'vpc-peering'
  | 'network-interface'
  | 'instance'
  | 'virtual-private-gateway'
  | 'other';

export interface AwsRoute {
  /** CIDR or prefix-list id. */
  destination: string;
  target: { type: RouteTargetType; id: string };
  state?: string;
  pointer: string;
}

export interface AwsRouteTable extends Scoped {
  id: string;
  vpcId: string;
  routes: AwsRoute[];
  subnetIds: string[];
  main: boolean;
  tags: Tags;
}

export interface AwsInternetGateway extends Scoped {
  id: string;
  vpcIds: string[];
}

export interface AwsNatGateway extends Scoped {
  id: string;
  vpcId?: string;
  subnetId?: string;
  state?: string;
  connectivityType: 'public' | 'private';
}

export interface AwsIpPermission {
  /** "-1" (all), "tcp", "udp", "icmp", "icmpv6" or a protocol number. */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  ipv4Ranges: { cidr: string; description?: string }[];
  ipv6Ranges: { cidr: string; description?: string }[];
  /**
   * Referenced security groups. `groupId` is empty where the output names the group only by `groupName` (the EC2
   * API's default-VPC form): the compiler resolves the name in the rule's own account and VPC, or leaves it unknown.
   */
  groupRefs: { groupId: string; userId?: string; groupName?: string }[];
  prefixListIds: string[];
  pointer: string;
}

export interface AwsSecurityGroup extends Scoped {
  id: string;
  name: string;
  vpcId?: string;
  ingress: AwsIpPermission[];
  egress: AwsIpPermission[];
  tags: Tags;
}

export interface AwsNaclEntry {
  ruleNumber: number;
  egress: boolean;
  protocol: string;
  action: 'allow' | 'deny';
  cidr?: string;
  ipv6Cidr?: string;
  portRange?: { from: number; to: number };
}

export interface AwsNetworkAcl extends Scoped {
  id: string;
  vpcId: string;
  isDefault: boolean;
  entries: AwsNaclEntry[];
  subnetIds: string[];
}

/** Interface, Gateway, GatewayLoadBalancer, Resource, ServiceNetwork (kept open: AWS adds types). */
export type EndpointType = string;

export interface AwsVpcEndpoint extends Scoped {
  id: string;
  vpcId: string;
  serviceName: string;
  /** The service part of an AWS service name: "bedrock-runtime" for com.amazonaws.us-east-1.bedrock-runtime. */
  service: string;
  type: EndpointType;
  state?: string;
  privateDnsEnabled: boolean;
  /** Parsed endpoint policy, undefined when the endpoint has none. */
  policy?: unknown;
  policyError?: string;
  subnetIds: string[];
  groupIds: string[];
  routeTableIds: string[];
  networkInterfaceIds: string[];
  tags: Tags;
}

export interface AwsNetworkInterface extends Scoped {
  id: string;
  subnetId?: string;
  vpcId?: string;
  availabilityZone?: string;
  interfaceType?: string;
  description?: string;
  privateIps: string[];
  /** IPv6 addresses (Ipv6Addresses); undefined when the source does not read them. */
  ipv6Ips?: string[];
  /**
   * Prefixes delegated to the interface (Ipv4Prefixes, Ipv6Prefixes: EKS prefix mode hands their addresses to pods):
   * every address in them is the interface's, behind its security groups.
   */
  ipv4Prefixes?: string[];
  ipv6Prefixes?: string[];
  /**
   * Public IPv4 addresses (Association.PublicIp, an Elastic IP or an auto-assigned one); undefined when the source
   * does not read them, which `cordon verify` reports as unknown rather than guessing.
   */
  publicIps?: string[];
  groupIds: string[];
  requesterManaged: boolean;
  /** The instance it is attached to and its place there (Attachment): ELB sends to an instance's primary interface. */
  instanceId?: string;
  deviceIndex?: number;
  networkCardIndex?: number;
  /**
   * True for an interface infrastructure as code declares or makes AWS create (an instance's, an interface endpoint's
   * in each of its subnets…): its private address is picked at deploy, so privateIps holds only a literal one, and
   * `cordon verify` stands it for any free address of its subnet (src/verify/deploy-addresses.ts).
   */
  addressAtDeploy?: boolean;
}

export interface AwsCustomizationJob extends Scoped {
  arn: string;
  name: string;
  status?: string;
  /** Known only from get-model-customization-job; list-model-customization-jobs does not return it. */
  detail: boolean;
  vpcConfig?: { subnetIds: string[]; securityGroupIds: string[] };
}

export interface AwsBedrockAgent extends Scoped {
  id: string;
  name: string;
  status?: string;
}

export interface AwsServiceControlPolicy extends Scoped {
  id: string;
  arn?: string;
  name: string;
  awsManaged: boolean;
  /** Parsed policy content; undefined when only list-policies was captured. */
  content?: unknown;
  contentError?: string;
}

export type SageMakerKind = 'notebook-instance' | 'domain' | 'model' | 'training-job' | 'processing-job';

/** SageMaker resources with network settings. `detail` is false when only a list call was captured. */
export interface AwsSageMakerResource extends Scoped {
  kind: SageMakerKind;
  arn: string;
  name: string;
  detail: boolean;
  status?: string;
  vpcId?: string;
  subnetIds: string[];
  securityGroupIds: string[];
  /** Models, training and processing jobs. */
  networkIsolation?: boolean;
  /** Notebook instances: "Enabled" gives the notebook its own internet path. */
  directInternetAccess?: boolean;
  /** Domains: PublicInternetOnly or VpcOnly. */
  appNetworkAccessType?: string;
}

export interface AwsLoadBalancer extends Scoped {
  arn: string;
  name: string;
  /** application, network or gateway */
  type: string;
  scheme?: string;
  vpcId?: string;
  subnetIds: string[];
  /** idle_timeout.timeout_seconds, when describe-load-balancer-attributes was captured. */
  idleTimeoutSeconds?: number;
  attributesKnown: boolean;
  /** SecurityGroups; undefined when the output has no such field (a Network Load Balancer may have none: []). */
  securityGroupIds?: string[];
  /**
   * EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic ("on" or "off") of a Network Load Balancer with security
   * groups; undefined when the output does not say (the documented default is "on").
   */
  enforceSgOnPrivateLink?: string;
}

/**
 * A VPC endpoint service this account provides (describe-vpc-endpoint-service-configurations): AWS PrivateLink
 * delivers the connections of every consumer interface endpoint of `serviceName` to its load balancers' targets.
 */
export interface AwsVpcEndpointServiceConfig extends Scoped {
  serviceId: string;
  serviceName: string;
  /** ServiceState: Pending, Available, Deleting, Deleted, Failed. */
  state?: string;
  networkLoadBalancerArns: string[];
  gatewayLoadBalancerArns: string[];
  acceptanceRequired?: boolean;
  /** SupportedIpAddressTypes: ipv4, ipv6. */
  supportedIpAddressTypes: string[];
}

/** A listener (describe-listeners): the port and protocol clients connect to and where its default actions forward. */
export interface AwsLbListener extends Scoped {
  arn: string;
  loadBalancerArn: string;
  port?: number;
  /** HTTP, HTTPS, TCP, TLS, UDP, TCP_UDP, QUIC, TCP_QUIC, GENEVE. */
  protocol?: string;
  /** Target groups its default actions forward to (TargetGroupArn, ForwardConfig.TargetGroups), sorted. */
  forwardTo: string[];
  /** Target groups its other rules forward to (describe-rules), sorted; undefined when its rules were not read. */
  ruleForwardTo?: string[];
}

/** A target group (describe-target-groups), with its attributes and registered targets when those were read. */
export interface AwsLbTargetGroup extends Scoped {
  arn: string;
  name: string;
  /** instance (the API's default), ip, lambda or alb. */
  targetType?: string;
  protocol?: string;
  port?: number;
  vpcId?: string;
  loadBalancerArns: string[];
  /** preserve_client_ip.enabled (describe-target-group-attributes); undefined when it was not read or not listed. */
  preserveClientIp?: boolean;
  attributesKnown: boolean;
  /** Registered targets (describe-target-health); undefined when it was not read. */
  targets?: AwsLbTarget[];
}

export interface AwsLbTarget {
  /** An instance id, an IP address, a Lambda function ARN or an Application Load Balancer ARN (by target type). */
  id: string;
  port?: number;
  availabilityZone?: string;
  /** TargetHealth.State: initial, healthy, unhealthy, unhealthy.draining, unused, draining, unavailable. */
  state?: string;
}

/** A VPC flow log (describe-flow-logs): what it captures and whether it delivers. */
export interface AwsFlowLog extends Scoped {
  id: string;
  /** vpc-…, subnet-…, eni-…, tgw-… or tgw-attach-…: what the log is attached to. */
  resourceId: string;
  /** ACTIVE when the log is set up (AWS's only documented value). */
  status?: string;
  /** ALL, ACCEPT or REJECT. */
  trafficType?: string;
  /** SUCCESS, or FAILED when AWS cannot deliver to the destination (a deleted bucket, a missing role). */
  deliverStatus?: string;
  destinationType?: string;
  destination?: string;
  /** The ${field} format; undefined means the default (version 2) format. */
  logFormat?: string;
}

/** A Route 53 Resolver query logging configuration associated with a VPC. */
export interface AwsResolverQueryLogAssociation extends Scoped {
  id: string;
  configId: string;
  vpcId: string;
  /** CREATING, ACTIVE, ACTION_NEEDED, DELETING or FAILED. */
  status?: string;
  error?: string;
}

/**
 * A Route 53 Resolver rule the account can use (list-resolver-rules): its own, shared with it through RAM, and the
 * autodefined "Internet Resolver" (domain ".", RECURSIVE). A rule acts on a VPC only through an association.
 */
export interface AwsResolverRule extends Scoped {
  id: string;
  /** Lower case, no trailing dot; the root is ".". */
  domainName: string;
  /** FORWARD, SYSTEM, RECURSIVE or DELEGATE. */
  ruleType: string;
  /** COMPLETE, DELETING, UPDATING or FAILED. */
  status?: string;
  name?: string;
  /** Where a FORWARD rule sends queries: "address:port" (IPv4 or IPv6). */
  targetIps: string[];
  resolverEndpointId?: string;
  /** An account id, or "Route 53 Resolver" for autodefined rules. */
  ownerId?: string;
  /** NOT_SHARED, SHARED_WITH_ME or SHARED_BY_ME. */
  shareStatus?: string;
}

/** A DNS name as Route 53 prints it ("Example.com.", "\\052.example.com.") in the inventory's form: lower case, no dot. */
export function dnsName(name: string): string {
  return name.replace(/\\052/g, '*').replace(/\.$/, '').toLowerCase();
}

/** A Resolver rule's target as the inventory keeps it: "address:port", an IPv6 address in brackets. */
export function resolverTarget(ip: string, port: number | string | undefined): string {
  return `${ip.includes(':') ? `[${ip}]` : ip}:${port ?? 53}`;
}

/** A Resolver rule associated with a VPC (list-resolver-rule-associations). */
export interface AwsResolverRuleAssociation extends Scoped {
  id: string;
  ruleId: string;
  vpcId: string;
  /** CREATING, COMPLETE, DELETING, FAILED or OVERRIDDEN. */
  status?: string;
}

/**
 * A Route 53 Profile associated with a VPC (route53profiles list-profile-associations). A VPC has at most one Profile;
 * the Profile's resources (Resolver rules, private hosted zones, ...) then apply to the VPC as if associated directly.
 */
export interface AwsProfileAssociation extends Scoped {
  id: string;
  profileId: string;
  vpcId: string;
  /** COMPLETE, DELETING, UPDATING, CREATING, DELETED or FAILED. */
  status?: string;
  name?: string;
}

/** A resource a Route 53 Profile carries (route53profiles list-profile-resource-associations --profile-id). */
export interface AwsProfileResourceAssociation extends Scoped {
  id: string;
  profileId: string;
  resourceArn: string;
  /** PRIVATE_HOSTED_ZONE, RESOLVER_RULE, FIREWALL_RULE_GROUP, RESOLVER_QUERY_LOGGING_CONFIG, INTERFACE_VPC_ENDPOINT... */
  resourceType: string;
  status?: string;
  name?: string;
}

/** The ResourceType AWS gives a Profile's resource, from its ARN (infrastructure as code names only the ARN). */
export function profileResourceType(arn: string): string {
  const resource = /:([^:]*)$/.exec(arn)?.[1] ?? '';
  return resource.startsWith('resolver-rule/')
    ? 'RESOLVER_RULE'
    : resource.startsWith('hostedzone/')
      ? 'PRIVATE_HOSTED_ZONE'
      : 'OTHER';
}

/**
 * A managed prefix list (describe-managed-prefix-lists) with its entries (get-managed-prefix-list-entries). AWS-managed
 * lists (owner "AWS", names such as com.amazonaws.us-east-1.s3) are a cloud service's addresses.
 */
export interface AwsManagedPrefixList extends Scoped {
  id: string;
  name?: string;
  /** IPv4 or IPv6. */
  addressFamily?: string;
  ownerId?: string;
  state?: string;
  /** The entries' CIDRs; undefined when get-managed-prefix-list-entries was not captured for the list. */
  cidrs?: string[];
}

/** A transit gateway VPC attachment (describe-transit-gateway-vpc-attachments): one subnet per Availability Zone. */
export interface AwsTransitGatewayVpcAttachment extends Scoped {
  id: string;
  transitGatewayId: string;
  vpcId: string;
  vpcOwnerId?: string;
  /** available, pending, deleted, … */
  state?: string;
  subnetIds: string[];
  applianceModeSupport?: boolean;
}

export interface AwsTransitGatewayRoute {
  /** CIDR or prefix-list id. */
  destination: string;
  /** static or propagated. */
  type?: string;
  /** active or blackhole. */
  state?: string;
  /** Attachments the route forwards to (several for ECMP over VPN). */
  attachments: { id: string; resourceId?: string; resourceType?: string }[];
  pointer: string;
  origin: Origin;
}

/**
 * A transit gateway route table (describe-transit-gateway-route-tables) with its associations
 * (get-transit-gateway-route-table-associations) and routes (search-transit-gateway-routes, static and propagated).
 * `associations` and `routes` are undefined when those outputs were not captured; `routesTruncated` when AWS said
 * more routes were available than it returned.
 */
export interface AwsTransitGatewayRouteTable extends Scoped {
  id: string;
  transitGatewayId: string;
  state?: string;
  associations?: { attachmentId: string; resourceId?: string; resourceType?: string; state?: string }[];
  routes?: AwsTransitGatewayRoute[];
  routesTruncated?: boolean;
}

/**
 * The Route 53 private hosted zones associated with one VPC (list-hosted-zones-by-vpc, with the VPC id added by
 * --query). Zone names keep no trailing dot and are lower case.
 */
export interface AwsHostedZoneAssociation extends Scoped {
  vpcId: string;
  zones: { id: string; name: string; owner?: string }[];
}

export interface AwsResourceRecord {
  /** Lower case, no trailing dot; a wildcard keeps its "*." label. */
  name: string;
  type: string;
  values: string[];
  /** An alias record's target DNS name (lower case, no trailing dot). */
  aliasTarget?: string;
  /**
   * The interface endpoint an alias record points at, when the source names it rather than its DNS name
   * (infrastructure as code: a reference to the endpoint's DNS entry, known only after apply).
   */
  aliasEndpointId?: string;
  pointer: string;
}

/** The record sets of one hosted zone (list-resource-record-sets, with the zone id added by --query). */
export interface AwsHostedZoneRecords extends Scoped {
  zoneId: string;
  records: AwsResourceRecord[];
}

/**
 * The data sets a snapshot can hold. Checks declare which they need; when one is missing for a scope the check is
 * not assessed there, with the command that would produce it.
 */
export const AWS_DATASETS = {
  'ec2:vpcs': { level: 'regional', command: 'aws ec2 describe-vpcs' },
  'ec2:vpc-attributes': {
    level: 'regional',
    command: 'aws ec2 describe-vpc-attribute --vpc-id VPC --attribute enableDnsSupport (and enableDnsHostnames)',
  },
  'ec2:subnets': { level: 'regional', command: 'aws ec2 describe-subnets' },
  'ec2:route-tables': { level: 'regional', command: 'aws ec2 describe-route-tables' },
  'ec2:internet-gateways': { level: 'regional', command: 'aws ec2 describe-internet-gateways' },
  'ec2:nat-gateways': { level: 'regional', command: 'aws ec2 describe-nat-gateways' },
  'ec2:security-groups': { level: 'regional', command: 'aws ec2 describe-security-groups' },
  'ec2:network-acls': { level: 'regional', command: 'aws ec2 describe-network-acls' },
  'ec2:vpc-endpoints': { level: 'regional', command: 'aws ec2 describe-vpc-endpoints' },
  'ec2:network-interfaces': { level: 'regional', command: 'aws ec2 describe-network-interfaces' },
  'ec2:flow-logs': { level: 'regional', command: 'aws ec2 describe-flow-logs' },
  'ec2:managed-prefix-lists': {
    level: 'regional',
    command:
      "aws ec2 describe-managed-prefix-lists, then get-managed-prefix-list-entries --prefix-list-id PL --query '{PrefixListId: `PL`, Entries: Entries}'",
  },
  'ec2:transit-gateway-vpc-attachments': {
    level: 'regional',
    command: 'aws ec2 describe-transit-gateway-vpc-attachments',
  },
  'ec2:transit-gateway-route-tables': {
    level: 'regional',
    command:
      'aws ec2 describe-transit-gateway-route-tables, then per table get-transit-gateway-route-table-associations and search-transit-gateway-routes --filters Name=type,Values=static,propagated, each with --query adding TransitGatewayRouteTableId',
  },
  'route53:hosted-zones-by-vpc': {
    level: 'regional',
    command:
      "aws route53 list-hosted-zones-by-vpc --vpc-id VPC --vpc-region REGION --query '{VpcId: `VPC`, HostedZoneSummaries: HostedZoneSummaries}'",
  },
  'route53:record-sets': {
    level: 'regional',
    command:
      "aws route53 list-resource-record-sets --hosted-zone-id ZONE --query '{HostedZoneId: `ZONE`, ResourceRecordSets: ResourceRecordSets}' (zones associated with the scope's VPCs)",
  },
  'route53resolver:query-log-associations': {
    level: 'regional',
    command: 'aws route53resolver list-resolver-query-log-config-associations',
  },
  'route53resolver:resolver-rules': { level: 'regional', command: 'aws route53resolver list-resolver-rules' },
  'route53resolver:resolver-rule-associations': {
    level: 'regional',
    command: 'aws route53resolver list-resolver-rule-associations',
  },
  'route53profiles:profile-associations': {
    level: 'regional',
    command: 'aws route53profiles list-profile-associations',
  },
  'route53profiles:profile-resource-associations': {
    level: 'regional',
    command:
      'aws route53profiles list-profile-resource-associations --profile-id PROFILE (for each Profile in list-profile-associations)',
  },
  'bedrock:customization-jobs': { level: 'regional', command: 'aws bedrock list-model-customization-jobs' },
  'bedrock:customization-job-details': {
    level: 'regional',
    command: 'aws bedrock get-model-customization-job --job-identifier ARN',
  },
  'bedrock:agents': { level: 'regional', command: 'aws bedrock-agent list-agents' },
  'sagemaker:notebook-instances': {
    level: 'regional',
    command: 'aws sagemaker list-notebook-instances, then describe-notebook-instance --notebook-instance-name NAME',
  },
  'sagemaker:domains': {
    level: 'regional',
    command: 'aws sagemaker list-domains, then describe-domain --domain-id ID',
  },
  'sagemaker:models': {
    level: 'regional',
    command: 'aws sagemaker list-models, then describe-model --model-name NAME',
  },
  'sagemaker:training-jobs': {
    level: 'regional',
    command: 'aws sagemaker list-training-jobs, then describe-training-job --training-job-name NAME',
  },
  'sagemaker:processing-jobs': {
    level: 'regional',
    command: 'aws sagemaker list-processing-jobs, then describe-processing-job --processing-job-name NAME',
  },
  'ec2:vpc-endpoint-service-configurations': {
    level: 'regional',
    command: 'aws ec2 describe-vpc-endpoint-service-configurations',
  },
  'elbv2:load-balancers': { level: 'regional', command: 'aws elbv2 describe-load-balancers' },
  'elbv2:load-balancer-attributes': {
    level: 'regional',
    command:
      "aws elbv2 describe-load-balancer-attributes --load-balancer-arn ARN --query '{LoadBalancerArn: `ARN`, Attributes: Attributes}'",
  },
  'elbv2:listeners': {
    level: 'regional',
    command: 'aws elbv2 describe-listeners --load-balancer-arn ARN (for each load balancer)',
  },
  'elbv2:listener-rules': {
    level: 'regional',
    command: 'aws elbv2 describe-rules --listener-arn ARN (for each listener of an Application Load Balancer)',
  },
  'elbv2:target-groups': { level: 'regional', command: 'aws elbv2 describe-target-groups' },
  'elbv2:target-group-attributes': {
    level: 'regional',
    command:
      "aws elbv2 describe-target-group-attributes --target-group-arn ARN --query '{TargetGroupArn: `ARN`, Attributes: Attributes}'",
  },
  'elbv2:target-health': {
    level: 'regional',
    command:
      "aws elbv2 describe-target-health --target-group-arn ARN --query '{TargetGroupArn: `ARN`, TargetHealthDescriptions: TargetHealthDescriptions}'",
  },
  'organizations:scps': {
    level: 'organization',
    command: 'aws organizations list-policies --filter SERVICE_CONTROL_POLICY, then describe-policy --policy-id ID',
  },
  'organizations:organization': { level: 'organization', command: 'aws organizations describe-organization' },
} as const;

export type AwsDataset = keyof typeof AWS_DATASETS;

export interface ScopeKey {
  account: string;
  region: string;
}

export function scopeKey(s: ScopeKey): string {
  return `${s.account}/${s.region}`;
}

/** An item (or the rest of a list) that was in the snapshot but could not be read: where, and why. */
export interface SkippedItem {
  file: string;
  line?: number;
  column?: number;
  pointer: string;
  reason: string;
}

export interface AwsInventory {
  /** Set when infrastructure as code filled the inventory (the words of not-assessed messages). */
  iac?: IacLanguage;
  vpcs: AwsVpc[];
  vpcAttributes: AwsVpcAttributes[];
  subnets: AwsSubnet[];
  routeTables: AwsRouteTable[];
  internetGateways: AwsInternetGateway[];
  natGateways: AwsNatGateway[];
  securityGroups: AwsSecurityGroup[];
  networkAcls: AwsNetworkAcl[];
  vpcEndpoints: AwsVpcEndpoint[];
  networkInterfaces: AwsNetworkInterface[];
  flowLogs: AwsFlowLog[];
  resolverQueryLogAssociations: AwsResolverQueryLogAssociation[];
  resolverRules: AwsResolverRule[];
  resolverRuleAssociations: AwsResolverRuleAssociation[];
  profileAssociations: AwsProfileAssociation[];
  profileResourceAssociations: AwsProfileResourceAssociation[];
  customizationJobs: AwsCustomizationJob[];
  bedrockAgents: AwsBedrockAgent[];
  serviceControlPolicies: AwsServiceControlPolicy[];
  sagemakerResources: AwsSageMakerResource[];
  loadBalancers: AwsLoadBalancer[];
  lbListeners: AwsLbListener[];
  lbTargetGroups: AwsLbTargetGroup[];
  endpointServiceConfigs: AwsVpcEndpointServiceConfig[];
  managedPrefixLists: AwsManagedPrefixList[];
  transitGatewayAttachments: AwsTransitGatewayVpcAttachment[];
  transitGatewayRouteTables: AwsTransitGatewayRouteTable[];
  hostedZoneAssociations: AwsHostedZoneAssociation[];
  hostedZoneRecords: AwsHostedZoneRecords[];
  organization?: { id: string; managementAccountId?: string; origin: Origin };
  /** Which data sets are present, per scope ("account/region"; organisation-level sets under "*"). */
  datasets: Map<string, Set<AwsDataset>>;
  /** Data sets a collector tried and could not read, with the reason and the IAM action that was missing. */
  unavailable: Map<string, Map<AwsDataset, { reason: string; action?: string }>>;
  /**
   * Where a scope's data came from (its manifest, else its first data file): the location of findings about the
   * scope as a whole, since code-scanning tools need a file for every result.
   */
  scopeOrigins: Map<string, Origin>;
  /**
   * Data sets present but incomplete in a scope: items that were skipped (bad shape, duplicate keys) or lists cut
   * short (NextToken). Checks that require such a data set are not assessed there, never judged on the rest.
   */
  partial: Map<string, Map<AwsDataset, SkippedItem[]>>;
}

export function emptyAwsInventory(): AwsInventory {
  return {
    vpcs: [],
    vpcAttributes: [],
    subnets: [],
    routeTables: [],
    internetGateways: [],
    natGateways: [],
    securityGroups: [],
    networkAcls: [],
    vpcEndpoints: [],
    networkInterfaces: [],
    flowLogs: [],
    resolverQueryLogAssociations: [],
    resolverRules: [],
    resolverRuleAssociations: [],
    profileAssociations: [],
    profileResourceAssociations: [],
    customizationJobs: [],
    bedrockAgents: [],
    serviceControlPolicies: [],
    sagemakerResources: [],
    loadBalancers: [],
    lbListeners: [],
    lbTargetGroups: [],
    endpointServiceConfigs: [],
    managedPrefixLists: [],
    transitGatewayAttachments: [],
    transitGatewayRouteTables: [],
    hostedZoneAssociations: [],
    hostedZoneRecords: [],
    datasets: new Map(),
    unavailable: new Map(),
    scopeOrigins: new Map(),
    partial: new Map(),
  };
}

/** All scopes with any regional data, sorted. */
export function inventoryScopes(inv: AwsInventory): ScopeKey[] {
  return [...inv.datasets.keys()]
    .filter((k) => k !== '*')
    .sort()
    .map((k) => {
      const [account, region] = k.split('/') as [string, string];
      return { account, region };
    });
}

/** The inventory's lists of resources that belong to one account/region. */
export const SCOPED_LISTS = [
  'vpcs',
  'vpcAttributes',
  'subnets',
  'routeTables',
  'internetGateways',
  'natGateways',
  'securityGroups',
  'networkAcls',
  'vpcEndpoints',
  'networkInterfaces',
  'flowLogs',
  'resolverQueryLogAssociations',
  'resolverRules',
  'resolverRuleAssociations',
  'profileAssociations',
  'profileResourceAssociations',
  'customizationJobs',
  'bedrockAgents',
  'sagemakerResources',
  'loadBalancers',
  'lbListeners',
  'lbTargetGroups',
  'endpointServiceConfigs',
  'managedPrefixLists',
  'transitGatewayAttachments',
  'transitGatewayRouteTables',
  'hostedZoneAssociations',
  'hostedZoneRecords',
] as const satisfies readonly (keyof AwsInventory)[];

type ResourceList = { [K in keyof AwsInventory]-?: AwsInventory[K] extends Scoped[] ? K : never }[keyof AwsInventory];
// A new resource list must be split by scope (or be declared organisation-wide here): else checks would not see it.
type UnsplitList = Exclude<ResourceList, (typeof SCOPED_LISTS)[number] | 'serviceControlPolicies'>;
const everyListSplit: [UnsplitList] extends [never] ? true : false = true;
void everyListSplit;

/**
 * Splits the inventory into one view per scope ("account/region"), in one pass over each list. A view has the
 * scope's own resources in every scoped list and shares the organisation-level data (SCPs, the organisation, the
 * data-set maps) with the whole inventory. Checks and the zone index read a view, so a lookup by id (a VPC's
 * endpoints, a subnet) never finds another account's resource that happens to have the same id, and the work per
 * scope does not grow with the size of the organisation.
 */
export function inventoryByScope(inv: AwsInventory): Map<string, AwsInventory> {
  const views = new Map<string, AwsInventory>();
  const viewOf = (key: string): AwsInventory => {
    let v = views.get(key);
    if (!v) {
      v = { ...emptyAwsInventory(), ...sharedParts(inv) };
      views.set(key, v);
    }
    return v;
  };
  for (const key of inv.datasets.keys()) if (key !== '*') viewOf(key);
  for (const list of SCOPED_LISTS)
    for (const item of inv[list] as Scoped[]) (viewOf(scopeKey(item))[list] as Scoped[]).push(item);
  return views;
}

/** An empty view of a scope: its lists are empty, organisation-level data is shared. */
export function emptyScopeView(inv: AwsInventory): AwsInventory {
  return { ...emptyAwsInventory(), ...sharedParts(inv) };
}

function sharedParts(inv: AwsInventory): Partial<AwsInventory> {
  // Everything that is not a scoped list is shared (SCPs, the organisation, the data-set, partial and unavailable
  // maps, origins): a map added later is shared without anyone remembering to list it here — forgetting `partial`
  // once turned skipped items back into passes.
  const scoped = new Set<string>(SCOPED_LISTS);
  return Object.fromEntries(Object.entries(inv).filter(([k]) => !scoped.has(k)));
}
