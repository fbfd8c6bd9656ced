/**
 * The AWS CLI's JSON output shapes, as far as cordon reads them. Objects are loose (extra fields are fine, AWS adds
 * fields over time); what a check relies on is required, so a truncated or hand-edited file gives a located error.
 */
import { z } from 'zod';

const tags = z.array(z.looseObject({ Key: z.string(), Value: z.string().default('') })).optional();

export const vpcShape = z.looseObject({
  VpcId: z.string(),
  OwnerId: z.string().optional(),
  CidrBlock: z.string().optional(),
  CidrBlockAssociationSet: z
    .array(
      z.looseObject({
        CidrBlock: z.string(),
        CidrBlockState: z.looseObject({ State: z.string().optional() }).optional(),
      }),
    )
    .optional(),
  Ipv6CidrBlockAssociationSet: z.array(z.looseObject({ Ipv6CidrBlock: z.string().optional() })).optional(),
  IsDefault: z.boolean().optional(),
  Tags: tags,
});

export const vpcAttributeShape = z.looseObject({
  VpcId: z.string(),
  EnableDnsSupport: z.looseObject({ Value: z.boolean() }).optional(),
  EnableDnsHostnames: z.looseObject({ Value: z.boolean() }).optional(),
});

export const subnetShape = z.looseObject({
  SubnetId: z.string(),
  VpcId: z.string(),
  OwnerId: z.string().optional(),
  CidrBlock: z.string().optional(),
  Ipv6CidrBlockAssociationSet: z.array(z.looseObject({ Ipv6CidrBlock: z.string().optional() })).optional(),
  AvailabilityZone: z.string().optional(),
  AvailabilityZoneId: z.string().optional(),
  SubnetArn: z.string().optional(),
  Tags: tags,
});

export const routeShape = z.looseObject({
  DestinationCidrBlock: z.string().optional(),
  DestinationIpv6CidrBlock: z.string().optional(),
  DestinationPrefixListId: z.string().optional(),
  GatewayId: z.string().optional(),
  NatGatewayId: z.string().optional(),
  TransitGatewayId: z.string().optional(),
  VpcPeeringConnectionId: z.string().optional(),
  NetworkInterfaceId: z.string().optional(),
  InstanceId: z.string().optional(),
  EgressOnlyInternetGatewayId: z.string().optional(),
  LocalGatewayId: z.string().optional(),
  CarrierGatewayId: z.string().optional(),
  CoreNetworkArn: z.string().optional(),
  State: z.string().optional(),
});

export const routeTableShape = z.looseObject({
  RouteTableId: z.string(),
  VpcId: z.string(),
  OwnerId: z.string().optional(),
  Routes: z.array(routeShape).default([]),
  Associations: z
    .array(
      z.looseObject({
        Main: z.boolean().optional(),
        SubnetId: z.string().optional(),
        GatewayId: z.string().optional(),
      }),
    )
    .default([]),
  Tags: tags,
});

export const internetGatewayShape = z.looseObject({
  InternetGatewayId: z.string(),
  OwnerId: z.string().optional(),
  Attachments: z.array(z.looseObject({ VpcId: z.string(), State: z.string().optional() })).default([]),
});

export const flowLogShape = z.looseObject({
  FlowLogId: z.string(),
  ResourceId: z.string(),
  FlowLogStatus: z.string().optional(),
  TrafficType: z.string().optional(),
  DeliverLogsStatus: z.string().optional(),
  LogDestinationType: z.string().optional(),
  LogDestination: z.string().optional(),
  LogGroupName: z.string().optional(),
  LogFormat: z.string().optional(),
});

export const resolverQueryLogAssociationShape = z.looseObject({
  Id: z.string(),
  ResolverQueryLogConfigId: z.string(),
  ResourceId: z.string(),
  Status: z.string().optional(),
  Error: z.string().optional(),
  ErrorMessage: z.string().optional(),
});

export const resolverRuleShape = z.looseObject({
  Id: z.string(),
  Arn: z.string().optional(),
  DomainName: z.string(),
  RuleType: z.string(),
  Status: z.string().optional(),
  Name: z.string().optional(),
  TargetIps: z
    .array(z.looseObject({ Ip: z.string().optional(), Ipv6: z.string().optional(), Port: z.number().optional() }))
    .optional(),
  ResolverEndpointId: z.string().optional(),
  OwnerId: z.string().optional(),
  ShareStatus: z.string().optional(),
});

export const resolverRuleAssociationShape = z.looseObject({
  Id: z.string(),
  ResolverRuleId: z.string(),
  VPCId: z.string(),
  Status: z.string().optional(),
});

export const profileAssociationShape = z.looseObject({
  Id: z.string(),
  ProfileId: z.string(),
  /** The VPC's id (the API reference calls it the VPC's ARN; the service returns the id). */
  ResourceId: z.string(),
  Status: z.string().optional(),
  Name: z.string().optional(),
  OwnerId: z.string().optional(),
});

export const profileResourceAssociationShape = z.looseObject({
  Id: z.string(),
  ProfileId: z.string(),
  ResourceArn: z.string(),
  ResourceType: z.string(),
  Status: z.string().optional(),
  Name: z.string().optional(),
  OwnerId: z.string().optional(),
});

export const natGatewayShape = z.looseObject({
  NatGatewayId: z.string(),
  VpcId: z.string().optional(),
  SubnetId: z.string().optional(),
  State: z.string().optional(),
  ConnectivityType: z.string().optional(),
});

const ipPermission = z.looseObject({
  IpProtocol: z.string(),
  FromPort: z.number().optional(),
  ToPort: z.number().optional(),
  IpRanges: z.array(z.looseObject({ CidrIp: z.string(), Description: z.string().optional() })).default([]),
  Ipv6Ranges: z.array(z.looseObject({ CidrIpv6: z.string(), Description: z.string().optional() })).default([]),
  UserIdGroupPairs: z
    .array(
      z.looseObject({
        GroupId: z.string().optional(),
        UserId: z.string().optional(),
        GroupName: z.string().optional(),
      }),
    )
    .default([]),
  PrefixListIds: z.array(z.looseObject({ PrefixListId: z.string() })).default([]),
});

export const securityGroupShape = z.looseObject({
  GroupId: z.string(),
  GroupName: z.string().default(''),
  OwnerId: z.string().optional(),
  VpcId: z.string().optional(),
  IpPermissions: z.array(ipPermission).default([]),
  IpPermissionsEgress: z.array(ipPermission).default([]),
  Tags: tags,
});

export const networkAclShape = z.looseObject({
  NetworkAclId: z.string(),
  VpcId: z.string(),
  OwnerId: z.string().optional(),
  IsDefault: z.boolean().default(false),
  Entries: z
    .array(
      z.looseObject({
        RuleNumber: z.number(),
        Protocol: z.string(),
        RuleAction: z.enum(['allow', 'deny']),
        Egress: z.boolean(),
        CidrBlock: z.string().optional(),
        Ipv6CidrBlock: z.string().optional(),
        PortRange: z.looseObject({ From: z.number(), To: z.number() }).optional(),
      }),
    )
    .default([]),
  Associations: z.array(z.looseObject({ SubnetId: z.string() })).default([]),
});

export const vpcEndpointShape = z.looseObject({
  VpcEndpointId: z.string(),
  VpcEndpointType: z.string().default('Interface'),
  VpcId: z.string(),
  ServiceName: z.string(),
  State: z.string().optional(),
  PolicyDocument: z.string().optional(),
  RouteTableIds: z.array(z.string()).default([]),
  SubnetIds: z.array(z.string()).default([]),
  Groups: z.array(z.looseObject({ GroupId: z.string() })).default([]),
  PrivateDnsEnabled: z.boolean().default(false),
  NetworkInterfaceIds: z.array(z.string()).default([]),
  OwnerId: z.string().optional(),
  Tags: tags,
});

export const networkInterfaceShape = z.looseObject({
  NetworkInterfaceId: z.string(),
  SubnetId: z.string().optional(),
  VpcId: z.string().optional(),
  AvailabilityZone: z.string().optional(),
  InterfaceType: z.string().optional(),
  Description: z.string().optional(),
  OwnerId: z.string().optional(),
  PrivateIpAddress: z.string().optional(),
  PrivateIpAddresses: z
    .array(
      z.looseObject({
        PrivateIpAddress: z.string(),
        Association: z.looseObject({ PublicIp: z.string().optional() }).optional(),
      }),
    )
    .default([]),
  /** The primary address's public IP (an Elastic IP or an auto-assigned one). */
  Association: z.looseObject({ PublicIp: z.string().optional() }).optional(),
  Ipv6Addresses: z.array(z.looseObject({ Ipv6Address: z.string() })).default([]),
  /** Delegated prefixes (prefix delegation: EKS pods take their addresses from them). */
  Ipv4Prefixes: z.array(z.looseObject({ Ipv4Prefix: z.string() })).default([]),
  Ipv6Prefixes: z.array(z.looseObject({ Ipv6Prefix: z.string() })).default([]),
  Groups: z.array(z.looseObject({ GroupId: z.string() })).default([]),
  RequesterManaged: z.boolean().default(false),
  Attachment: z
    .looseObject({
      InstanceId: z.string().optional(),
      DeviceIndex: z.number().int().optional(),
      NetworkCardIndex: z.number().int().optional(),
    })
    .optional(),
});

const vpcConfig = z.looseObject({
  subnetIds: z.array(z.string()).default([]),
  securityGroupIds: z.array(z.string()).default([]),
});

export const customizationJobSummaryShape = z.looseObject({
  jobArn: z.string(),
  jobName: z.string().default(''),
  status: z.string().optional(),
});

export const customizationJobShape = z.looseObject({
  jobArn: z.string(),
  jobName: z.string().default(''),
  status: z.string().optional(),
  vpcConfig: vpcConfig.nullable().optional(),
});

export const agentSummaryShape = z.looseObject({
  agentId: z.string(),
  agentName: z.string().default(''),
  agentStatus: z.string().optional(),
});

export const policySummaryShape = z.looseObject({
  Id: z.string(),
  Arn: z.string().optional(),
  Name: z.string().default(''),
  Type: z.string().optional(),
  AwsManaged: z.boolean().default(false),
});

export const describePolicyShape = z.looseObject({
  Policy: z.looseObject({ PolicySummary: policySummaryShape, Content: z.string().optional() }),
});

export const organizationShape = z.looseObject({
  Organization: z.looseObject({ Id: z.string(), MasterAccountId: z.string().optional(), Arn: z.string().optional() }),
});

const smVpcConfig = z.looseObject({
  SecurityGroupIds: z.array(z.string()).default([]),
  Subnets: z.array(z.string()).default([]),
});

export const notebookSummaryShape = z.looseObject({
  NotebookInstanceName: z.string(),
  NotebookInstanceArn: z.string(),
  NotebookInstanceStatus: z.string().optional(),
});
export const notebookShape = notebookSummaryShape.extend({
  DirectInternetAccess: z.enum(['Enabled', 'Disabled']),
  SubnetId: z.string().optional(),
  SecurityGroups: z.array(z.string()).default([]),
});
export const domainSummaryShape = z.looseObject({
  DomainId: z.string(),
  DomainArn: z.string(),
  DomainName: z.string().default(''),
  Status: z.string().optional(),
});
export const domainShape = domainSummaryShape.extend({
  AppNetworkAccessType: z.string().default('PublicInternetOnly'),
  VpcId: z.string().optional(),
  SubnetIds: z.array(z.string()).default([]),
});
export const modelSummaryShape = z.looseObject({ ModelName: z.string(), ModelArn: z.string() });
export const modelShape = modelSummaryShape.extend({
  EnableNetworkIsolation: z.boolean().default(false),
  VpcConfig: smVpcConfig.optional(),
});
export const trainingJobSummaryShape = z.looseObject({
  TrainingJobName: z.string(),
  TrainingJobArn: z.string(),
  TrainingJobStatus: z.string().optional(),
});
export const trainingJobShape = trainingJobSummaryShape.extend({
  EnableNetworkIsolation: z.boolean().default(false),
  VpcConfig: smVpcConfig.optional(),
});
export const processingJobSummaryShape = z.looseObject({
  ProcessingJobName: z.string(),
  ProcessingJobArn: z.string(),
  ProcessingJobStatus: z.string().optional(),
});
export const processingJobShape = processingJobSummaryShape.extend({
  NetworkConfig: z
    .looseObject({ EnableNetworkIsolation: z.boolean().default(false), VpcConfig: smVpcConfig.optional() })
    .optional(),
});

export const loadBalancerShape = z.looseObject({
  LoadBalancerArn: z.string(),
  LoadBalancerName: z.string().default(''),
  Type: z.string().default('application'),
  Scheme: z.string().optional(),
  VpcId: z.string().optional(),
  AvailabilityZones: z
    .array(z.looseObject({ SubnetId: z.string().optional(), ZoneName: z.string().optional() }))
    .default([]),
  SecurityGroups: z.array(z.string()).optional(),
  EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic: z.string().optional(),
});
/** describe-vpc-endpoint-service-configurations: ServiceConfigurations[]. */
export const endpointServiceConfigShape = z.looseObject({
  ServiceId: z.string(),
  ServiceName: z.string(),
  ServiceState: z.string().optional(),
  AcceptanceRequired: z.boolean().optional(),
  NetworkLoadBalancerArns: z.array(z.string()).default([]),
  GatewayLoadBalancerArns: z.array(z.string()).default([]),
  SupportedIpAddressTypes: z.array(z.string()).default([]),
});
const lbAction = z.looseObject({
  Type: z.string(),
  TargetGroupArn: z.string().optional(),
  ForwardConfig: z
    .looseObject({ TargetGroups: z.array(z.looseObject({ TargetGroupArn: z.string() })).default([]) })
    .optional(),
});
export const lbListenerShape = z.looseObject({
  ListenerArn: z.string(),
  LoadBalancerArn: z.string(),
  Port: z.number().int().optional(),
  Protocol: z.string().optional(),
  DefaultActions: z.array(lbAction).default([]),
});
/** describe-rules: a rule's ARN names its listener (listener-rule/app/NAME/LB/LISTENER/RULE). */
export const lbRuleShape = z.looseObject({
  RuleArn: z.string(),
  Actions: z.array(lbAction).default([]),
});
export const lbTargetGroupShape = z.looseObject({
  TargetGroupArn: z.string(),
  TargetGroupName: z.string().default(''),
  Protocol: z.string().optional(),
  Port: z.number().int().optional(),
  VpcId: z.string().optional(),
  TargetType: z.string().optional(),
  LoadBalancerArns: z.array(z.string()).default([]),
});
/** describe-target-group-attributes and describe-target-health print no ARN; the documented commands add it. */
export const lbTargetGroupAttributesShape = z.looseObject({
  TargetGroupArn: z.string(),
  Attributes: z.array(z.looseObject({ Key: z.string(), Value: z.string() })),
});
export const lbTargetHealthShape = z.looseObject({
  TargetGroupArn: z.string(),
  TargetHealthDescriptions: z.array(
    z.looseObject({
      Target: z.looseObject({
        Id: z.string(),
        Port: z.number().int().optional(),
        AvailabilityZone: z.string().optional(),
      }),
      TargetHealth: z.looseObject({ State: z.string().optional() }).optional(),
    }),
  ),
});
/** describe-load-balancer-attributes prints no ARN; the documented command adds it with --query. */
export const loadBalancerAttributesShape = z.looseObject({
  LoadBalancerArn: z.string(),
  Attributes: z.array(z.looseObject({ Key: z.string(), Value: z.string() })),
});

/** cordon's own small manifest: account and region for the files of a directory, and what a collector could not read. */
export const manifestShape = z.strictObject({
  cordonSnapshot: z.literal(1),
  provider: z.literal('aws'),
  account: z.string().regex(/^\d{12}$/, 'account ids are 12 digits'),
  // "global" marks a directory of organisation-level files (Organizations has no region of its own).
  region: z.string().regex(/^([a-z]{2}(-[a-z]+)+-\d+|global)$/, 'not an AWS region name (or "global")'),
  unavailable: z
    .array(z.strictObject({ dataset: z.string(), reason: z.string(), action: z.string().optional() }))
    .default([]),
});

export function tagMap(list: { Key: string; Value: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list ?? []) out[t.Key] = t.Value;
  return out;
}

/** describe-managed-prefix-lists items; describe-prefix-lists (the older call) prints the AWS-managed ones with Cidrs. */
export const managedPrefixListShape = z.looseObject({
  PrefixListId: z.string(),
  PrefixListName: z.string().optional(),
  AddressFamily: z.string().optional(),
  State: z.string().optional(),
  PrefixListArn: z.string().optional(),
  OwnerId: z.string().optional(),
  Cidrs: z.array(z.string()).optional(),
});

/** get-managed-prefix-list-entries prints no list id; the documented command adds it with --query. */
export const prefixListEntriesShape = z.looseObject({
  PrefixListId: z.string(),
  Entries: z.array(z.looseObject({ Cidr: z.string(), Description: z.string().optional() })),
});

export const transitGatewayVpcAttachmentShape = z.looseObject({
  TransitGatewayAttachmentId: z.string(),
  TransitGatewayId: z.string(),
  VpcId: z.string(),
  VpcOwnerId: z.string().optional(),
  State: z.string().optional(),
  SubnetIds: z.array(z.string()).default([]),
  Options: z.looseObject({ ApplianceModeSupport: z.string().optional() }).optional(),
});

export const transitGatewayRouteTableShape = z.looseObject({
  TransitGatewayRouteTableId: z.string(),
  TransitGatewayId: z.string(),
  State: z.string().optional(),
});

/** get-transit-gateway-route-table-associations, with the table id added by --query (the output has none). */
export const transitGatewayAssociationsShape = z.looseObject({
  TransitGatewayRouteTableId: z.string(),
  Associations: z.array(
    z.looseObject({
      TransitGatewayAttachmentId: z.string(),
      ResourceId: z.string().optional(),
      ResourceType: z.string().optional(),
      State: z.string().optional(),
    }),
  ),
});

/** search-transit-gateway-routes, with the table id added by --query (the output has none). */
export const transitGatewayRoutesShape = z.looseObject({
  TransitGatewayRouteTableId: z.string(),
  Routes: z.array(
    z.looseObject({
      DestinationCidrBlock: z.string().optional(),
      PrefixListId: z.string().optional(),
      Type: z.string().optional(),
      State: z.string().optional(),
      TransitGatewayAttachments: z
        .array(
          z.looseObject({
            TransitGatewayAttachmentId: z.string(),
            ResourceId: z.string().optional(),
            ResourceType: z.string().optional(),
          }),
        )
        .default([]),
    }),
  ),
  AdditionalRoutesAvailable: z.boolean().optional(),
});

/** list-hosted-zones-by-vpc, with the VPC id added by --query (the output names no VPC). */
export const hostedZonesByVpcShape = z.looseObject({
  VpcId: z.string(),
  HostedZoneSummaries: z.array(
    z.looseObject({
      HostedZoneId: z.string(),
      Name: z.string(),
      Owner: z.looseObject({ OwningAccount: z.string().optional(), OwningService: z.string().optional() }).optional(),
    }),
  ),
});

/** list-resource-record-sets, with the zone id added by --query (the output names no zone). */
export const recordSetsShape = z.looseObject({
  HostedZoneId: z.string(),
  ResourceRecordSets: z.array(
    z.looseObject({
      Name: z.string(),
      Type: z.string(),
      ResourceRecords: z.array(z.looseObject({ Value: z.string() })).default([]),
      AliasTarget: z.looseObject({ DNSName: z.string() }).optional(),
    }),
  ),
});
