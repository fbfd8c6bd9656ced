/**
 * Terraform aws resources → the AWS inventory the snapshot and live sources fill, so the same checks run. Ids are
 * Terraform addresses (references between resources resolve to them), account and region come from the provider
 * configuration (docs/iac.md), and what is not known before deploy either makes the item's data set partial (the
 * engine then reports the checks that need it not assessed, naming the expression) or, for an endpoint policy, a
 * policy error that the policy checks report as not assessed.
 */
import {
  dnsName,
  emptyAwsInventory,
  profileResourceType,
  resolverTarget,
  scopeKey,
  type AwsDataset,
  type AwsInventory,
  type AwsLbListener,
  type AwsLbTargetGroup,
  type AwsIpPermission,
  type AwsNaclEntry,
  type AwsRoute,
  type AwsRouteTable,
  type AwsSecurityGroup,
  type RouteTargetType,
  type Scoped,
} from '../../../inventory/aws.js';
import { parseServiceName } from '../../aws-snapshot/names.js';
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
import { IAC_ACCOUNT, IAC_REGION } from './modules.js';
import { IAC_AWS_DATASETS } from '../aws-datasets.js';
import { admissionState } from '../aws-endpoint-services.js';
import { EVERY_SCOPE, type TfResource, type TfTaint } from './resource.js';
import { firstUnknown, isObject, isUnknown, text, type Value, type ValueObject } from './values.js';

/** The regional data sets a Terraform tree declares completely for the scopes it fills (docs/iac.md). */
export const TERRAFORM_AWS_DATASETS: readonly AwsDataset[] = [
  ...IAC_AWS_DATASETS,
  // Terraform declares model customization jobs (aws_bedrock_custom_model); CloudFormation has no such resource.
  'bedrock:customization-jobs',
  'bedrock:customization-job-details',
];

/** Which data set each mapped resource type feeds (an unknown value in it makes that data set partial). */
const DATASET_OF: Record<string, AwsDataset> = {
  aws_vpc: 'ec2:vpcs',
  aws_vpc_ipv4_cidr_block_association: 'ec2:vpcs',
  aws_subnet: 'ec2:subnets',
  aws_route_table: 'ec2:route-tables',
  aws_default_route_table: 'ec2:route-tables',
  aws_route: 'ec2:route-tables',
  aws_route_table_association: 'ec2:route-tables',
  aws_main_route_table_association: 'ec2:route-tables',
  aws_internet_gateway: 'ec2:internet-gateways',
  aws_internet_gateway_attachment: 'ec2:internet-gateways',
  aws_nat_gateway: 'ec2:nat-gateways',
  aws_security_group: 'ec2:security-groups',
  aws_default_security_group: 'ec2:security-groups',
  aws_security_group_rule: 'ec2:security-groups',
  aws_vpc_security_group_ingress_rule: 'ec2:security-groups',
  aws_vpc_security_group_egress_rule: 'ec2:security-groups',
  aws_network_acl: 'ec2:network-acls',
  aws_default_network_acl: 'ec2:network-acls',
  aws_network_acl_rule: 'ec2:network-acls',
  aws_network_acl_association: 'ec2:network-acls',
  aws_vpc_endpoint: 'ec2:vpc-endpoints',
  aws_vpc_endpoint_policy: 'ec2:vpc-endpoints',
  aws_vpc_endpoint_subnet_association: 'ec2:vpc-endpoints',
  aws_vpc_endpoint_security_group_association: 'ec2:vpc-endpoints',
  aws_vpc_endpoint_route_table_association: 'ec2:vpc-endpoints',
  aws_flow_log: 'ec2:flow-logs',
  aws_route53_resolver_query_log_config_association: 'route53resolver:query-log-associations',
  aws_route53_zone: 'route53:hosted-zones-by-vpc',
  aws_route53_zone_association: 'route53:hosted-zones-by-vpc',
  aws_route53_record: 'route53:record-sets',
  aws_route53_resolver_rule: 'route53resolver:resolver-rules',
  aws_route53_resolver_rule_association: 'route53resolver:resolver-rule-associations',
  aws_route53profiles_profile: 'route53profiles:profile-resource-associations',
  aws_route53profiles_association: 'route53profiles:profile-associations',
  aws_route53profiles_resource_association: 'route53profiles:profile-resource-associations',
  aws_bedrock_custom_model: 'bedrock:customization-jobs',
  aws_bedrockagent_agent: 'bedrock:agents',
  aws_sagemaker_notebook_instance: 'sagemaker:notebook-instances',
  aws_sagemaker_domain: 'sagemaker:domains',
  aws_sagemaker_model: 'sagemaker:models',
  aws_lb: 'elbv2:load-balancers',
  aws_alb: 'elbv2:load-balancers',
  aws_vpc_endpoint_service: 'ec2:vpc-endpoint-service-configurations',
  aws_vpc_endpoint_service_allowed_principal: 'ec2:vpc-endpoint-service-configurations',
  aws_vpc_endpoint_connection_accepter: 'ec2:vpc-endpoints',
  aws_lb_listener: 'elbv2:listeners',
  aws_alb_listener: 'elbv2:listeners',
  aws_lb_listener_rule: 'elbv2:listeners',
  aws_alb_listener_rule: 'elbv2:listeners',
  aws_lb_target_group: 'elbv2:target-groups',
  aws_alb_target_group: 'elbv2:target-groups',
  aws_lb_target_group_attachment: 'elbv2:target-health',
  aws_alb_target_group_attachment: 'elbv2:target-health',
  // Resources whose network interfaces AWS creates (aws-interfaces.ts).
  aws_instance: 'ec2:network-interfaces',
  aws_network_interface: 'ec2:network-interfaces',
  aws_network_interface_sg_attachment: 'ec2:network-interfaces',
  aws_eip: 'ec2:network-interfaces',
  aws_lambda_function: 'ec2:network-interfaces',
  aws_ecs_service: 'ec2:network-interfaces',
  aws_efs_mount_target: 'ec2:network-interfaces',
  aws_db_instance: 'ec2:network-interfaces',
  aws_db_subnet_group: 'ec2:network-interfaces',
  aws_opensearch_domain: 'ec2:network-interfaces',
  aws_opensearchserverless_vpc_endpoint: 'ec2:network-interfaces',
  aws_eks_cluster: 'ec2:network-interfaces',
  aws_eks_node_group: 'ec2:network-interfaces',
  aws_eks_fargate_profile: 'ec2:network-interfaces',
  aws_launch_template: 'ec2:network-interfaces',
  aws_launch_configuration: 'ec2:network-interfaces',
  aws_autoscaling_group: 'ec2:network-interfaces',
  aws_batch_compute_environment: 'ec2:network-interfaces',
  aws_elasticache_subnet_group: 'ec2:network-interfaces',
  aws_elasticache_replication_group: 'ec2:network-interfaces',
  aws_elasticache_cluster: 'ec2:network-interfaces',
  aws_elasticache_serverless_cache: 'ec2:network-interfaces',
  aws_rds_cluster: 'ec2:network-interfaces',
  aws_rds_cluster_instance: 'ec2:network-interfaces',
  aws_docdb_subnet_group: 'ec2:network-interfaces',
  aws_docdb_cluster: 'ec2:network-interfaces',
  aws_docdb_cluster_instance: 'ec2:network-interfaces',
  aws_neptune_subnet_group: 'ec2:network-interfaces',
  aws_neptune_cluster: 'ec2:network-interfaces',
  aws_neptune_cluster_instance: 'ec2:network-interfaces',
  aws_redshift_subnet_group: 'ec2:network-interfaces',
  aws_redshift_cluster: 'ec2:network-interfaces',
  aws_redshiftserverless_workgroup: 'ec2:network-interfaces',
  aws_msk_cluster: 'ec2:network-interfaces',
  aws_bedrockagentcore_agent_runtime: 'ec2:network-interfaces',
  aws_bedrockagentcore_code_interpreter: 'ec2:network-interfaces',
  aws_bedrockagentcore_browser: 'ec2:network-interfaces',
};

/** Types mapped into another data set whose unknowns also hide the interfaces AWS creates for them. */
const ALSO_INTERFACES = new Set([
  'aws_vpc_endpoint',
  'aws_vpc_endpoint_subnet_association',
  'aws_vpc_endpoint_security_group_association',
  'aws_sagemaker_notebook_instance',
  'aws_sagemaker_domain',
  'aws_sagemaker_model',
  'aws_lb',
  'aws_alb',
  'aws_subnet',
]);

/**
 * Types with subnet arguments whose interfaces hold nothing a zone rule is about: a transit gateway attachment's and
 * a Network Firewall's interfaces are next hops (routes to them are followed or not assessed where they are), a
 * Client VPN association's and a Route 53 Resolver endpoint's serve clients and DNS, a subnet group or CIDR
 * reservation makes none. Any other unmapped type declared with subnets puts interfaces there that cordon does not
 * see (unmappedInterfaces).
 */
const NO_WORKLOAD_INTERFACES = new Set([
  'aws_ec2_transit_gateway_vpc_attachment',
  'aws_ec2_transit_gateway_vpc_attachment_accepter',
  'aws_networkfirewall_firewall',
  'aws_ec2_client_vpn_network_association',
  'aws_route53_resolver_endpoint',
  'aws_dms_replication_subnet_group',
  'aws_ec2_subnet_cidr_reservation',
  'aws_default_subnet',
  'aws_vpc_ipv6_cidr_block_association',
]);

/** Whether a resource's arguments name subnets (at the top or in one level of blocks: vpc_config, vpc_options…). */
function namesSubnets(v: Value | undefined, depth = 0): boolean {
  if (Array.isArray(v)) return v.some((x) => namesSubnets(x, depth));
  if (!isObject(v) || depth > 2) return false;
  for (const [k, x] of Object.entries(v)) {
    // Prefixed (a DB proxy's vpc_subnet_ids), or a subnet group by name or id (MemoryDB, DAX, a DMS instance: one the
    // code does not declare) places them too.
    if (/^(\w+_)?(subnet_ids|subnet_id|subnets|subnet_mapping|subnet_group_(name|id))$/.test(k)) {
      if (x !== null && x !== undefined && !(Array.isArray(x) && x.length === 0) && x !== '') return true;
    } else if (isObject(x) || Array.isArray(x)) {
      if (namesSubnets(x, depth + 1)) return true;
    }
  }
  return false;
}

export function awsDatasetOf(type: string): AwsDataset | undefined {
  return DATASET_OF[type];
}

/** An unknown value where the item needs a known one: the item's data set becomes partial. */
class NotKnown extends Error {
  constructor(
    readonly what: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

interface Ctx {
  inv: AwsInventory;
  scopes: Set<string>;
  /** `attr`: the attribute whose value is not known, so the item points at its line. */
  taint(r: TfResource, dataset: AwsDataset, reason: string, attr?: string): void;
}

class Reader {
  constructor(
    readonly r: TfResource,
    readonly ctx: Ctx,
    readonly dataset: AwsDataset,
  ) {}

  get v(): ValueObject {
    return this.r.values;
  }

  /** A value the item needs: unknown stops the item (its data set is marked partial). */
  need(attr: string, v: Value | undefined = this.v[attr]): Value | undefined {
    const u = firstUnknown(v);
    if (u) throw new NotKnown(attr, `${this.r.address}.${attr} is not known before deploy: ${u.toString()}`);
    return v;
  }

  /** A value that only refines the item: unknown leaves it out and marks the data set partial. */
  soft(attr: string, v: Value | undefined = this.v[attr]): Value | undefined {
    const u = firstUnknown(v);
    if (!u) return v;
    this.ctx.taint(this.r, this.dataset, `${this.r.address}.${attr} is not known before deploy: ${u.toString()}`, attr);
    return undefined;
  }

  str(attr: string, soft = false): string | undefined {
    const v = soft ? this.soft(attr) : this.need(attr);
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  }

  strs(attr: string, v: Value | undefined = this.v[attr]): string[] {
    const x = this.need(attr, v);
    if (x === null || x === undefined) return [];
    return (Array.isArray(x) ? x : [x]).filter((s): s is string => typeof s === 'string');
  }

  bool(attr: string, dflt: boolean): boolean {
    const v = this.need(attr);
    return typeof v === 'boolean' ? v : v === 'true' ? true : v === 'false' ? false : dflt;
  }

  num(attr: string): number | undefined {
    const v = this.need(attr);
    return typeof v === 'number'
      ? v
      : typeof v === 'string' && v !== '' && !Number.isNaN(Number(v))
        ? Number(v)
        : undefined;
  }

  /**
   * Tags. A value not known before deploy (the examples' `Name = "ex-${basename(path.cwd)}"`, merged into every
   * resource's tags) is kept as its expression in braces, as the CloudFormation reader keeps it: the tag is present,
   * and a zone tag with such a value names no zone, which the scan warns about — the resource is not left out and its
   * data set stays complete. A map whose keys are not known (an unknown variable merged in) still marks it partial.
   */
  tags(): Record<string, string> {
    const t = isObject(this.v.tags) ? this.v.tags : this.soft('tags');
    const out: Record<string, string> = {};
    if (isObject(t))
      for (const [k, x] of Object.entries(t)) {
        const u = firstUnknown(x);
        if (u) out[k] = `{${u.what}}`;
        else if (typeof x === 'string') out[k] = x;
      }
    return out;
  }

  /** A name no check judges (a security group's, a load balancer's): unknown is its expression, nothing partial. */
  label(attr: string): string | undefined {
    const v = this.v[attr];
    const u = firstUnknown(v);
    if (u) return `{${u.what}}`;
    return typeof v === 'string' ? v : undefined;
  }

  blocks(attr: string): ValueObject[] {
    const v = this.need(attr);
    return Array.isArray(v) ? v.filter(isObject) : [];
  }

  scoped(): Scoped {
    return { account: this.r.account, region: this.r.region, origin: this.r.origin };
  }
}

/** "-1" / "all" → "-1", protocol numbers of tcp, udp, icmp → their names, as the EC2 API reports them. */
function protocol(p: Value | undefined): string {
  const s = text(p ?? '-1').toLowerCase();
  return s === 'all' || s === '-1'
    ? '-1'
    : s === '6'
      ? 'tcp'
      : s === '17'
        ? 'udp'
        : s === '1'
          ? 'icmp'
          : s === '58'
            ? 'icmpv6'
            : s;
}

function permission(
  rd: Reader,
  attr: string,
  rule: ValueObject,
  pointer: string,
  groupId: string,
  names: { cidr4: string; cidr6: string; groups: string; prefixes: string; self?: string },
): AwsIpPermission {
  const proto = protocol(rd.need(attr, rule.protocol ?? rule.ip_protocol));
  const num = (v: Value | undefined) =>
    typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : undefined;
  const from = num(rd.need(attr, rule.from_port));
  const to = num(rd.need(attr, rule.to_port));
  const list = (v: Value | undefined) => rd.strs(attr, v ?? null);
  const groups = list(rule[names.groups]).map((g) => ({ groupId: g }));
  if (names.self && rd.need(attr, rule[names.self]) === true) groups.push({ groupId });
  return {
    protocol: proto,
    ...(proto === '-1' || from === undefined ? {} : { fromPort: from }),
    ...(proto === '-1' || to === undefined ? {} : { toPort: to }),
    ipv4Ranges: list(rule[names.cidr4]).map((cidr) => ({ cidr })),
    ipv6Ranges: list(rule[names.cidr6]).map((cidr) => ({ cidr })),
    groupRefs: groups,
    prefixListIds: list(rule[names.prefixes]),
    pointer,
  };
}

const INLINE_SG = {
  cidr4: 'cidr_blocks',
  cidr6: 'ipv6_cidr_blocks',
  groups: 'security_groups',
  prefixes: 'prefix_list_ids',
  self: 'self',
};
const RULE_SG = {
  cidr4: 'cidr_blocks',
  cidr6: 'ipv6_cidr_blocks',
  groups: 'source_security_group_id',
  prefixes: 'prefix_list_ids',
  self: 'self',
};
const VPC_RULE = {
  cidr4: 'cidr_ipv4',
  cidr6: 'cidr_ipv6',
  groups: 'referenced_security_group_id',
  prefixes: 'prefix_list_id',
};

/** The route target's kind, from the referenced resource's type (an address) or the id's prefix (a literal). */
function targetType(id: string, attr: string): RouteTargetType {
  const type = /(?:^|\.)(aws_[a-z0-9_]+)\.[^.]+$/.exec(id.replace(/\[[^\]]*\]$/, ''))?.[1];
  const byType: Record<string, RouteTargetType> = {
    aws_internet_gateway: 'internet-gateway',
    aws_egress_only_internet_gateway: 'egress-only-internet-gateway',
    aws_nat_gateway: 'nat-gateway',
    aws_vpc_endpoint: 'vpc-endpoint',
    aws_ec2_transit_gateway: 'transit-gateway',
    aws_vpc_peering_connection: 'vpc-peering',
    aws_network_interface: 'network-interface',
    aws_instance: 'instance',
    aws_vpn_gateway: 'virtual-private-gateway',
  };
  if (type && byType[type]) return byType[type];
  if (id === 'local') return 'local';
  const prefixes: [string, RouteTargetType][] = [
    ['igw-', 'internet-gateway'],
    ['eigw-', 'egress-only-internet-gateway'],
    ['nat-', 'nat-gateway'],
    ['vpce-', 'vpc-endpoint'],
    ['tgw-', 'transit-gateway'],
    ['pcx-', 'vpc-peering'],
    ['eni-', 'network-interface'],
    ['i-', 'instance'],
    ['vgw-', 'virtual-private-gateway'],
  ];
  for (const [p, t] of prefixes) if (id.startsWith(p)) return t;
  const byAttr: Record<string, RouteTargetType> = {
    nat_gateway_id: 'nat-gateway',
    transit_gateway_id: 'transit-gateway',
    vpc_peering_connection_id: 'vpc-peering',
    network_interface_id: 'network-interface',
    egress_only_gateway_id: 'egress-only-internet-gateway',
    vpc_endpoint_id: 'vpc-endpoint',
    instance_id: 'instance',
  };
  return byAttr[attr] ?? 'other';
}

const TARGETS = [
  'gateway_id',
  'nat_gateway_id',
  'transit_gateway_id',
  'vpc_peering_connection_id',
  'network_interface_id',
  'egress_only_gateway_id',
  'vpc_endpoint_id',
  'instance_id',
  'local_gateway_id',
  'carrier_gateway_id',
  'core_network_arn',
];

function route(rd: Reader, attr: string, r: ValueObject, pointer: string): AwsRoute | undefined {
  const dest = rd.need(
    attr,
    r.cidr_block ??
      r.destination_cidr_block ??
      r.ipv6_cidr_block ??
      r.destination_ipv6_cidr_block ??
      r.destination_prefix_list_id ??
      null,
  );
  for (const t of TARGETS) {
    const id = rd.need(attr, r[t] ?? null);
    if (typeof id === 'string' && id !== '' && typeof dest === 'string' && dest !== '')
      return { destination: dest, target: { type: targetType(id, t), id }, state: 'active', pointer };
  }
  return undefined;
}

/** Maps the aws resources into a new inventory; scopes are those of the resources (plus the given ones). */
export function mapAws(resources: TfResource[], taints: TfTaint[]): AwsInventory {
  const inv = emptyAwsInventory();
  const ctx: Ctx = {
    inv,
    scopes: new Set(),
    taint(r, dataset, reason, attr) {
      const line = attr === undefined ? undefined : r.attrLines.get(attr);
      const sets: AwsDataset[] = [dataset];
      if (ALSO_INTERFACES.has(r.type) && dataset !== 'ec2:network-interfaces') sets.push('ec2:network-interfaces');
      for (const d of sets)
        addPartial(inv, scopeKey(r), d, {
          file: r.origin.file,
          line: line ?? r.origin.line,
          ...(line === undefined ? { column: r.origin.column } : {}),
          pointer: r.address,
          reason: `value not known before deploy: ${reason}`,
        });
    },
  };
  const byType = new Map<string, TfResource[]>();
  for (const r of resources) {
    if (!r.type.startsWith('aws_')) continue;
    const key = scopeKey(r);
    if (!ctx.scopes.has(key)) {
      ctx.scopes.add(key);
      inv.scopeOrigins.set(key, r.scopeOrigin ?? r.origin);
    }
    if (!byType.has(r.type)) byType.set(r.type, []);
    byType.get(r.type)!.push(r);
  }
  // An unmapped type declared with subnets (an MQ broker, a CodeBuild project or MWAA environment in a VPC, a legacy
  // Elasticsearch domain…): its interfaces are sources or destinations cordon does not see, so the scope's interfaces
  // are incomplete, naming it, rather than a zone matrix without them.
  for (const [type, list] of byType)
    if (!(type in DATASET_OF) && !NO_WORKLOAD_INTERFACES.has(type))
      for (const r of list)
        if (namesSubnets(r.values))
          addPartial(inv, scopeKey(r), 'ec2:network-interfaces', {
            file: r.origin.file,
            line: r.origin.line,
            column: r.origin.column,
            pointer: r.address,
            reason: `${r.type} places network interfaces in the code's subnets and is not mapped by cordon, so they are not verified`,
          });
  const each = (types: string[], fn: (rd: Reader) => void) => {
    for (const type of types)
      for (const r of byType.get(type) ?? []) {
        const dataset = DATASET_OF[type]!;
        const rd = new Reader(r, ctx, dataset);
        try {
          fn(rd);
        } catch (err) {
          if (!(err instanceof NotKnown)) throw err;
          ctx.taint(r, dataset, err.detail, err.what);
        }
      }
  };
  const byId = <T extends { id: string }>(list: T[]) => new Map(list.map((x) => [x.id, x]));
  const lbInterfaces: { rd: Reader; subnetIds: string[]; vpcId: string | undefined; type: string; groups: string[] }[] =
    [];

  each(['aws_vpc'], (rd) => {
    const cidr = rd.str('cidr_block', true);
    const v6 = rd.str('ipv6_cidr_block', true);
    inv.vpcs.push({
      ...rd.scoped(),
      id: rd.r.address,
      cidrs: cidr ? [cidr] : [],
      ipv6Cidrs: v6 ? [v6] : [],
      isDefault: false,
      tags: rd.tags(),
    });
    // The provider's defaults: DNS support on, DNS hostnames off.
    inv.vpcAttributes.push({
      ...rd.scoped(),
      vpcId: rd.r.address,
      enableDnsSupport: rd.bool('enable_dns_support', true),
      enableDnsHostnames: rd.bool('enable_dns_hostnames', false),
    });
  });
  const vpcs = byId(inv.vpcs);
  each(['aws_vpc_ipv4_cidr_block_association'], (rd) => {
    const vpc = vpcs.get(rd.str('vpc_id') ?? '');
    const cidr = rd.str('cidr_block', true);
    if (vpc && cidr) vpc.cidrs.push(cidr);
  });
  each(['aws_subnet'], (rd) => {
    const vpcId = rd.str('vpc_id');
    if (!vpcId) return;
    const cidr = rd.str('cidr_block', true);
    const v6 = rd.str('ipv6_cidr_block', true);
    // A zone known only at deploy (data.aws_availability_zones, the usual module pattern) leaves the subnet whole:
    // only what compares zones needs it (availabilityZoneUnknown).
    const azUnknown = firstUnknown(rd.v.availability_zone ?? null) ?? firstUnknown(rd.v.availability_zone_id ?? null);
    const az = azUnknown ? undefined : rd.str('availability_zone', true);
    const azId = azUnknown ? undefined : rd.str('availability_zone_id', true);
    inv.subnets.push({
      ...rd.scoped(),
      id: rd.r.address,
      vpcId,
      ...(cidr ? { cidr } : {}),
      ipv6Cidrs: v6 ? [v6] : [],
      ...(az ? { availabilityZone: az } : {}),
      ...(azId ? { availabilityZoneId: azId } : {}),
      ...(azUnknown
        ? {
            availabilityZoneUnknown: `${rd.r.address}.availability_zone is not known before deploy: ${azUnknown.toString()}`,
          }
        : {}),
      tags: rd.tags(),
    });
  });
  const subnets = byId(inv.subnets);

  each(['aws_internet_gateway'], (rd) => {
    const vpc = rd.str('vpc_id');
    inv.internetGateways.push({ ...rd.scoped(), id: rd.r.address, vpcIds: vpc ? [vpc] : [] });
  });
  const igws = byId(inv.internetGateways);
  each(['aws_internet_gateway_attachment'], (rd) => {
    const igw = igws.get(rd.str('internet_gateway_id') ?? '');
    const vpc = rd.str('vpc_id');
    if (igw && vpc) igw.vpcIds.push(vpc);
  });
  each(['aws_nat_gateway'], (rd) => {
    const subnetId = rd.str('subnet_id');
    const vpcId = subnets.get(subnetId ?? '')?.vpcId;
    inv.natGateways.push({
      ...rd.scoped(),
      id: rd.r.address,
      ...(vpcId ? { vpcId } : {}),
      ...(subnetId ? { subnetId } : {}),
      state: 'available',
      connectivityType: rd.str('connectivity_type') === 'private' ? 'private' : 'public',
    });
  });

  // Route tables: inline routes, separate aws_route resources, associations; each VPC's CIDRs route locally.
  each(['aws_route_table', 'aws_default_route_table'], (rd) => {
    const isDefault = rd.r.type === 'aws_default_route_table';
    const vpcId = isDefault ? defaultOwner(rd.str('default_route_table_id')) : rd.str('vpc_id');
    if (!vpcId) throw new NotKnown('vpc_id', `${rd.r.address}: the VPC of the route table is not known before deploy`);
    const routes = localRoutes(vpcs.get(vpcId), rd.r.address);
    rd.blocks('route').forEach((r, i) => {
      const x = route(rd, 'route', r, `${rd.r.address}.route[${i}]`);
      if (x) routes.push(x);
    });
    inv.routeTables.push({
      ...rd.scoped(),
      id: rd.r.address,
      vpcId,
      routes,
      subnetIds: [],
      main: isDefault,
      tags: rd.tags(),
    });
  });
  const tables = byId(inv.routeTables);
  // A VPC without a declared main route table still has one, with only the local route.
  for (const vpc of inv.vpcs)
    if (!inv.routeTables.some((t) => t.vpcId === vpc.id && t.main)) {
      const t: AwsRouteTable = {
        ...vpc,
        id: `${vpc.id}.main_route_table_id`,
        vpcId: vpc.id,
        routes: localRoutes(vpc, vpc.id),
        subnetIds: [],
        main: true,
        tags: {},
      };
      inv.routeTables.push(t);
      tables.set(t.id, t);
    }
  each(['aws_route'], (rd) => {
    const t = tables.get(rd.str('route_table_id') ?? '');
    const x = route(rd, 'route', rd.v, rd.r.address);
    if (t && x) t.routes.push(x);
  });
  each(['aws_route_table_association'], (rd) => {
    const t = tables.get(rd.str('route_table_id') ?? '');
    const s = rd.str('subnet_id');
    if (t && s) t.subnetIds.push(s);
  });
  each(['aws_main_route_table_association'], (rd) => {
    const t = tables.get(rd.str('route_table_id') ?? '');
    const vpcId = rd.str('vpc_id');
    if (!t) return;
    for (const other of inv.routeTables) if (other.vpcId === vpcId && other.main && other !== t) other.main = false;
    t.main = true;
  });

  // Security groups: inline rules, aws_security_group_rule, and the per-rule vpc_security_group_*_rule resources.
  each(['aws_security_group', 'aws_default_security_group'], (rd) => {
    const id = rd.r.address;
    const perms = (dir: 'ingress' | 'egress'): AwsIpPermission[] =>
      rd.blocks(dir).map((r, i) => permission(rd, dir, r, `${id}.${dir}[${i}]`, id, INLINE_SG));
    inv.securityGroups.push({
      ...rd.scoped(),
      id,
      name: rd.label('name') ?? rd.label('name_prefix') ?? id,
      ...(rd.str('vpc_id') ? { vpcId: rd.str('vpc_id')! } : {}),
      ingress: perms('ingress'),
      // Terraform removes the default allow-all egress rule unless the code declares egress.
      egress: perms('egress'),
      tags: rd.tags(),
    });
  });
  // Every VPC has a default security group (members admit each other, all egress) unless the code manages it; the
  // interfaces AWS creates for resources declared without groups get it.
  for (const vpc of inv.vpcs)
    if (!inv.securityGroups.some((g) => g.vpcId === vpc.id && g.id.includes('aws_default_security_group.'))) {
      const id = `${vpc.id}.default_security_group_id`;
      const pointer = vpc.id;
      const all = { ipv4Ranges: [], ipv6Ranges: [], prefixListIds: [], pointer };
      inv.securityGroups.push({
        ...scopedOf(vpc),
        id,
        name: 'default',
        vpcId: vpc.id,
        ingress: [{ protocol: '-1', ...all, groupRefs: [{ groupId: id }] }],
        egress: [{ protocol: '-1', ...all, ipv4Ranges: [{ cidr: '0.0.0.0/0' }], groupRefs: [] }],
        tags: {},
      });
    }
  // EKS creates a security group for each cluster (its members admit each other; all egress): the control plane's
  // interfaces carry it, and so do the nodes of managed node groups whose launch template names no groups.
  const eksClusters = new Map<string, EksCluster>();
  each(['aws_eks_cluster'], (rd) => {
    const vpc = rd.blocks('vpc_config')[0];
    if (!vpc) throw new NotKnown('vpc_config', `${rd.r.address} has no vpc_config`);
    const subnetIds = rd.strs('vpc_config', vpc.subnet_ids);
    const extra = rd.strs('vpc_config', vpc.security_group_ids);
    const groupId = `${rd.r.address}.cluster_security_group_id`;
    inv.securityGroups.push(
      selfAndEgressGroup(
        rd.scoped(),
        groupId,
        `eks-cluster-sg-${rd.str('name', true) ?? rd.r.address}`,
        subnets.get(subnetIds[0] ?? '')?.vpcId,
      ),
    );
    const c: EksCluster = { rd, subnetIds, groupIds: [groupId, ...extra], clusterGroup: groupId };
    eksClusters.set(rd.r.address, c);
    const name = rd.str('name', true);
    if (name) eksClusters.set(name, c);
  });
  const groups = byId(inv.securityGroups);
  const groupOf = (rd: Reader): AwsSecurityGroup => {
    const g = groups.get(rd.str('security_group_id') ?? '');
    if (!g)
      throw new NotKnown(
        'security_group_id',
        `${rd.r.address}: its security group ${text(rd.v.security_group_id)} is not in the scanned code`,
      );
    return g;
  };
  each(['aws_security_group_rule'], (rd) => {
    const g = groupOf(rd);
    const dir = rd.str('type') === 'egress' ? 'egress' : 'ingress';
    g[dir].push(permission(rd, 'rule', rd.v, rd.r.address, g.id, RULE_SG));
  });
  each(['aws_vpc_security_group_ingress_rule', 'aws_vpc_security_group_egress_rule'], (rd) => {
    const g = groupOf(rd);
    const dir = rd.r.type.endsWith('_egress_rule') ? 'egress' : 'ingress';
    g[dir].push(permission(rd, 'rule', rd.v, rd.r.address, g.id, VPC_RULE));
  });

  // Network ACLs: every VPC has a default ACL that allows everything unless the code manages it.
  each(['aws_network_acl', 'aws_default_network_acl'], (rd) => {
    const isDefault = rd.r.type === 'aws_default_network_acl';
    const vpcId = isDefault ? defaultOwner(rd.str('default_network_acl_id')) : rd.str('vpc_id');
    if (!vpcId) throw new NotKnown('vpc_id', `${rd.r.address}: the VPC of the network ACL is not known before deploy`);
    const entries: AwsNaclEntry[] = [];
    for (const dir of ['ingress', 'egress'] as const)
      for (const e of rd.blocks(dir)) entries.push(naclEntry(rd, dir, e, dir === 'egress'));
    inv.networkAcls.push({
      ...rd.scoped(),
      id: rd.r.address,
      vpcId,
      isDefault,
      entries,
      subnetIds: rd.strs('subnet_ids'),
    });
  });
  for (const vpc of inv.vpcs)
    if (!inv.networkAcls.some((a) => a.vpcId === vpc.id && a.isDefault))
      inv.networkAcls.push({
        ...vpc,
        id: `${vpc.id}.default_network_acl_id`,
        vpcId: vpc.id,
        isDefault: true,
        entries: [false, true].map((egress) => ({
          ruleNumber: 100,
          egress,
          protocol: '-1',
          action: 'allow' as const,
          cidr: '0.0.0.0/0',
        })),
        subnetIds: [],
      });
  for (const acl of inv.networkAcls)
    for (const egress of [false, true])
      acl.entries.push({ ruleNumber: 32767, egress, protocol: '-1', action: 'deny', cidr: '0.0.0.0/0' });
  const acls = byId(inv.networkAcls);
  each(['aws_network_acl_rule'], (rd) => {
    const acl = acls.get(rd.str('network_acl_id') ?? '');
    if (acl) acl.entries.push(naclEntry(rd, 'rule', rd.v, rd.bool('egress', false)));
  });
  each(['aws_network_acl_association'], (rd) => {
    const acl = acls.get(rd.str('network_acl_id') ?? '');
    const s = rd.str('subnet_id');
    if (!acl || !s) return;
    for (const other of inv.networkAcls) other.subnetIds = other.subnetIds.filter((x) => x !== s);
    acl.subnetIds.push(s);
  });

  each(['aws_vpc_endpoint'], (rd) => {
    const vpcId = rd.str('vpc_id');
    const serviceName = rd.str('service_name');
    if (!vpcId || !serviceName) return;
    const p = policyOf(rd, 'policy');
    inv.vpcEndpoints.push({
      ...rd.scoped(),
      id: rd.r.address,
      vpcId,
      serviceName,
      service: serviceOf(serviceName, rd.r.region),
      type: rd.str('vpc_endpoint_type') ?? 'Gateway',
      // Terraform waits until the endpoint is available; a plan that applies leaves it so.
      state: 'available',
      privateDnsEnabled: rd.bool('private_dns_enabled', false),
      ...p,
      subnetIds: rd.strs('subnet_ids'),
      groupIds: rd.strs('security_group_ids'),
      routeTableIds: rd.strs('route_table_ids'),
      networkInterfaceIds: [],
      tags: rd.tags(),
    });
  });
  const endpoints = byId(inv.vpcEndpoints);
  const endpointOf = (rd: Reader) => endpoints.get(rd.str('vpc_endpoint_id') ?? '');
  each(['aws_vpc_endpoint_policy'], (rd) => {
    const e = endpointOf(rd);
    if (!e) return;
    delete e.policy;
    delete e.policyError;
    Object.assign(e, policyOf(rd, 'policy'));
  });
  each(['aws_vpc_endpoint_subnet_association'], (rd) => {
    const s = rd.str('subnet_id');
    if (s) endpointOf(rd)?.subnetIds.push(s);
  });
  each(['aws_vpc_endpoint_security_group_association'], (rd) => {
    const g = rd.str('security_group_id');
    if (g) endpointOf(rd)?.groupIds.push(g);
  });
  each(['aws_vpc_endpoint_route_table_association'], (rd) => {
    const t = rd.str('route_table_id');
    if (t) endpointOf(rd)?.routeTableIds.push(t);
  });

  each(['aws_flow_log'], (rd) => {
    const target = ['vpc_id', 'subnet_id', 'eni_id', 'transit_gateway_id', 'transit_gateway_attachment_id']
      .map((a) => rd.str(a))
      .find((x) => x);
    if (!target) return;
    const format = rd.str('log_format', true);
    const dest = rd.str('log_destination', true) ?? rd.str('log_group_name', true);
    inv.flowLogs.push({
      ...rd.scoped(),
      id: rd.r.address,
      resourceId: target,
      status: 'ACTIVE',
      trafficType: rd.str('traffic_type') ?? 'ALL',
      destinationType: rd.str('log_destination_type') ?? 'cloud-watch-logs',
      ...(dest ? { destination: dest } : {}),
      ...(format ? { logFormat: format } : {}),
    });
  });
  each(['aws_route53_resolver_query_log_config_association'], (rd) => {
    const vpcId = rd.str('resource_id');
    const configId = rd.str('resolver_query_log_config_id');
    if (vpcId && configId)
      inv.resolverQueryLogAssociations.push({ ...rd.scoped(), id: rd.r.address, configId, vpcId, status: 'ACTIVE' });
  });

  mapRoute53(inv, each);

  each(['aws_bedrock_custom_model'], (rd) => {
    const vpc = rd.blocks('vpc_config')[0];
    inv.customizationJobs.push({
      ...rd.scoped(),
      arn: rd.r.address,
      name: rd.str('job_name', true) ?? rd.r.address,
      detail: true,
      ...(vpc
        ? {
            vpcConfig: {
              subnetIds: rd.strs('vpc_config', vpc.subnet_ids),
              securityGroupIds: rd.strs('vpc_config', vpc.security_group_ids),
            },
          }
        : {}),
    });
  });
  each(['aws_bedrockagent_agent'], (rd) => {
    inv.bedrockAgents.push({ ...rd.scoped(), id: rd.r.address, name: rd.str('agent_name', true) ?? rd.r.address });
  });
  const sm = (rd: Reader, kind: 'notebook-instance' | 'domain' | 'model', name: string) => ({
    ...rd.scoped(),
    kind,
    arn: rd.r.address,
    name: rd.str(name, true) ?? rd.r.address,
    detail: true,
  });
  each(['aws_sagemaker_notebook_instance'], (rd) => {
    const subnetId = rd.str('subnet_id');
    const vpcId = subnets.get(subnetId ?? '')?.vpcId;
    inv.sagemakerResources.push({
      ...sm(rd, 'notebook-instance', 'name'),
      ...(vpcId ? { vpcId } : {}),
      subnetIds: subnetId ? [subnetId] : [],
      securityGroupIds: rd.strs('security_groups'),
      directInternetAccess: (rd.str('direct_internet_access') ?? 'Enabled') === 'Enabled',
    });
  });
  each(['aws_sagemaker_domain'], (rd) => {
    const user = rd.blocks('default_user_settings')[0];
    const vpcId = rd.str('vpc_id');
    inv.sagemakerResources.push({
      ...sm(rd, 'domain', 'domain_name'),
      ...(vpcId ? { vpcId } : {}),
      subnetIds: rd.strs('subnet_ids'),
      securityGroupIds: user ? rd.strs('default_user_settings', user.security_groups ?? null) : [],
      appNetworkAccessType: rd.str('app_network_access_type') ?? 'PublicInternetOnly',
    });
  });
  each(['aws_sagemaker_model'], (rd) => {
    const vpc = rd.blocks('vpc_config')[0];
    const subnetIds = vpc ? rd.strs('vpc_config', vpc.subnets) : [];
    const vpcId = subnets.get(subnetIds[0] ?? '')?.vpcId;
    inv.sagemakerResources.push({
      ...sm(rd, 'model', 'name'),
      ...(vpcId ? { vpcId } : {}),
      subnetIds,
      securityGroupIds: vpc ? rd.strs('vpc_config', vpc.security_group_ids) : [],
      networkIsolation: rd.bool('enable_network_isolation', false),
    });
  });
  each(['aws_lb', 'aws_alb'], (rd) => {
    const mapped = rd
      .blocks('subnet_mapping')
      .map((m) => rd.need('subnet_mapping', m.subnet_id))
      .filter((s): s is string => typeof s === 'string');
    const subnetIds = [...rd.strs('subnets'), ...mapped];
    const vpcId = subnets.get(subnetIds[0] ?? '')?.vpcId;
    const type = rd.str('load_balancer_type') ?? 'application';
    const idle = rd.num('idle_timeout');
    inv.loadBalancers.push({
      ...rd.scoped(),
      arn: rd.r.address,
      name: rd.label('name') ?? rd.r.address,
      type,
      scheme: rd.bool('internal', false) ? 'internal' : 'internet-facing',
      ...(vpcId ? { vpcId } : {}),
      subnetIds,
      // The provider's default idle timeout is 60 seconds.
      ...(type === 'application' ? { idleTimeoutSeconds: idle ?? 60 } : {}),
      attributesKnown: true,
      ...(rd.str('enforce_security_group_inbound_rules_on_private_link_traffic', true)
        ? {
            enforceSgOnPrivateLink: rd.str('enforce_security_group_inbound_rules_on_private_link_traffic', true)!,
          }
        : {}),
    });
    lbInterfaces.push({ rd, subnetIds, vpcId, type, groups: rd.strs('security_groups') });
  });
  mapLoadBalancerPaths(inv, byType, each);
  each(['aws_vpc_endpoint_service'], (rd) => {
    // Who may connect (admitConsumers, below): a list not known marks the data set partial here.
    rd.soft('allowed_principals');
    inv.endpointServiceConfigs.push({
      ...rd.scoped(),
      serviceId: rd.r.address,
      // AWS names the service at deploy: the consumers' endpoints refer to it by the address (modules.ts).
      serviceName: rd.r.address,
      networkLoadBalancerArns: rd.strs('network_load_balancer_arns').sort(),
      gatewayLoadBalancerArns: rd.strs('gateway_load_balancer_arns').sort(),
      acceptanceRequired: rd.bool('acceptance_required', false),
      supportedIpAddressTypes: (rd.strs('supported_ip_address_types').length
        ? rd.strs('supported_ip_address_types')
        : ['ipv4']
      ).sort(),
    });
  });
  admitConsumers(inv, byType, each);

  // ---- Network interfaces AWS creates for the declared resources (../aws-interfaces.ts).
  const defaultGroup = (vpcId: string | undefined) =>
    inv.securityGroups.find((g) => g.vpcId === vpcId && g.id.includes('aws_default_security_group.'))?.id ??
    `${vpcId ?? 'unknown-vpc'}.default_security_group_id`;
  const groupsOr = (groups: string[], subnetId: string) =>
    groups.length > 0 ? groups : [defaultGroup(subnets.get(subnetId)?.vpcId)];
  // Public addresses: an Elastic IP names its instance or interface; else the instance's argument or its subnet's.
  const eips = new Set<string>();
  each(['aws_eip'], (rd) => {
    for (const a of ['instance', 'network_interface']) {
      const t = rd.str(a, true);
      if (t) eips.add(t);
    }
  });
  const mapsPublic = new Map<string, boolean | undefined>();
  for (const r of byType.get('aws_subnet') ?? []) {
    const v = r.values.map_public_ip_on_launch;
    mapsPublic.set(r.address, isUnknown(v) ? undefined : v === true || v === 'true');
  }
  const iface = (
    rd: Reader,
    d: Omit<DeclaredInterface, 'interfaceType' | 'requesterManaged'> & Partial<DeclaredInterface>,
  ) =>
    addInterface(inv, rd.scoped(), {
      interfaceType: 'interface',
      requesterManaged: true,
      ...d,
      groupIds: groupsOr(d.groupIds, d.subnetId),
    });
  /** One interface per subnet; `publicIp` may depend on the subnet (instances: as the subnet maps, unless told). */
  const perSubnet = (
    rd: Reader,
    subnetIds: string[],
    groups: string[],
    publicIp: boolean | undefined | ((subnetId: string) => boolean | undefined),
    what: string,
    requesterManaged = true,
  ) => {
    for (const subnetId of [...new Set(subnetIds)])
      iface(rd, {
        id: eniId(rd.r.address, subnetId),
        subnetId,
        groupIds: groups,
        ...publicOf(typeof publicIp === 'function' ? publicIp(subnetId) : publicIp),
        requesterManaged,
        description: `${what}${what.endsWith('/') ? '' : ' '}${rd.r.address}`,
      });
  };
  each(['aws_instance'], (rd) => {
    // Interfaces attached in network_interface blocks are aws_network_interface resources of their own.
    if (rd.blocks('network_interface').length > 0) return;
    const subnetId = rd.str('subnet_id');
    if (!subnetId)
      throw new NotKnown(
        'subnet_id',
        `${rd.r.address} has no subnet_id: AWS launches it in the default VPC, which the code does not declare`,
      );
    const ip = literalIps(rd.v.private_ip)[0];
    // Unknown (a plan's computed value): AWS decides by the subnet when the code does not say; else not known.
    const assoc = rd.v.associate_public_ip_address;
    const pub = isUnknown(assoc) ? undefined : typeof assoc === 'boolean' ? assoc : mapsPublic.get(subnetId);
    const n = iface(rd, {
      id: eniId(rd.r.address),
      subnetId,
      groupIds: rd.strs('vpc_security_group_ids'),
      privateIps: ip ? [ip, ...literalIps(rd.v.secondary_private_ips)] : [],
      ...publicOf(eips.has(rd.r.address) ? true : pub),
      requesterManaged: false,
      description: `instance ${rd.r.address}`,
    });
    // The instance's primary interface: a target group's instance target (its id is the address) is sent to it.
    Object.assign(n, { instanceId: rd.r.address, deviceIndex: 0 });
  });
  each(['aws_network_interface'], (rd) => {
    const subnetId = rd.str('subnet_id');
    if (!subnetId) return;
    const ips = [
      ...new Set([
        ...literalIps(rd.v.private_ips),
        ...literalIps(rd.v.private_ip_list),
        ...literalIps(rd.v.private_ip),
      ]),
    ];
    iface(rd, {
      id: eniId(rd.r.address),
      subnetId,
      groupIds: rd.strs('security_groups'),
      privateIps: ips,
      publicIp: eips.has(rd.r.address),
      requesterManaged: false,
      description: `network interface ${rd.r.address}`,
    });
  });
  const enis = byId(inv.networkInterfaces);
  each(['aws_network_interface_sg_attachment'], (rd) => {
    const n = enis.get(eniId(rd.str('network_interface_id') ?? ''));
    const g = rd.str('security_group_id');
    if (!n || !g) return;
    // The group replaces the VPC default group AWS gave an interface declared without any.
    n.groupIds = [...n.groupIds.filter((x) => !x.endsWith('.default_security_group_id')), g];
  });
  // Delegated prefixes (../aws-interfaces.ts), once the interface's groups are final.
  each(['aws_network_interface'], (rd) => {
    const n = enis.get(eniId(rd.r.address));
    if (!n) return;
    const count = (attr: string) => rd.num(attr) ?? 0;
    const ipv6 = delegatePrefixes(inv, n, {
      ipv4: rd.strs('ipv4_prefixes'),
      ipv6: rd.strs('ipv6_prefixes'),
      ipv4Count: count('ipv4_prefix_count'),
      ipv6Count: count('ipv6_prefix_count'),
    });
    if (ipv6)
      ctx.taint(rd.r, 'ec2:network-interfaces', `${rd.r.address}.ipv6_prefix_count: ${ipv6}`, 'ipv6_prefix_count');
  });
  each(['aws_lambda_function'], (rd) => {
    const vpc = rd.blocks('vpc_config')[0];
    if (!vpc) return;
    perSubnet(
      rd,
      rd.strs('vpc_config', vpc.subnet_ids),
      rd.strs('vpc_config', vpc.security_group_ids),
      false,
      'Lambda function',
    );
  });
  each(['aws_ecs_service'], (rd) => {
    const net = rd.blocks('network_configuration')[0];
    if (!net) return;
    const pub = rd.need('network_configuration', net.assign_public_ip);
    perSubnet(
      rd,
      rd.strs('network_configuration', net.subnets),
      rd.strs('network_configuration', net.security_groups),
      pub === true || pub === 'true',
      'ECS service',
    );
  });
  each(['aws_efs_mount_target'], (rd) => {
    const subnetId = rd.str('subnet_id');
    if (!subnetId) return;
    const ip = literalIps(rd.v.ip_address)[0];
    iface(rd, {
      id: eniId(rd.r.address),
      subnetId,
      groupIds: rd.strs('security_groups'),
      privateIps: ip ? [ip] : [],
      publicIp: false,
      description: `EFS mount target ${rd.r.address}`,
    });
  });
  const dbSubnetGroups = new Map<string, string[]>();
  each(['aws_db_subnet_group'], (rd) => {
    const ids = rd.strs('subnet_ids');
    dbSubnetGroups.set(rd.r.address, ids);
    // A name known only at deploy leaves nothing partial: whatever names the group by it is not known either.
    const name = rd.v.name;
    if (typeof name === 'string' && name) dbSubnetGroups.set(name, ids);
  });
  each(['aws_db_instance'], (rd) => {
    const group = rd.str('db_subnet_group_name');
    if (!group) return;
    const ids = dbSubnetGroups.get(group);
    if (!ids)
      throw new NotKnown(
        'db_subnet_group_name',
        `${rd.r.address}: its DB subnet group ${group} is not in the scanned code`,
      );
    // RDS picks one subnet of the group (two for Multi-AZ) at deploy: an interface in each stands for them.
    perSubnet(rd, ids, rd.strs('vpc_security_group_ids'), rd.bool('publicly_accessible', false), 'RDS instance');
  });
  each(['aws_opensearch_domain'], (rd) => {
    const vpc = rd.blocks('vpc_options')[0];
    if (!vpc) return;
    perSubnet(
      rd,
      rd.strs('vpc_options', vpc.subnet_ids),
      rd.strs('vpc_options', vpc.security_group_ids),
      false,
      'OpenSearch domain',
    );
  });
  // An OpenSearch Serverless (AOSS) VPC endpoint: the vector store of Bedrock knowledge bases and RAG pipelines is
  // reached through its interfaces in these subnets, filtered by its groups (the VPC's default group without any).
  each(['aws_opensearchserverless_vpc_endpoint'], (rd) => {
    perSubnet(rd, rd.strs('subnet_ids'), rd.strs('security_group_ids'), false, 'OpenSearch Serverless VPC endpoint');
  });
  // Subnet groups of the database, cache and warehouse services: the service may place a node in any of their
  // subnets, so an interface in each stands for it. DocumentDB and Neptune subnet groups are RDS DB subnet groups.
  const subnetGroups = new Map<string, string[]>();
  const familyOf: Record<string, string> = {
    aws_db_subnet_group: 'db',
    aws_docdb_subnet_group: 'db',
    aws_neptune_subnet_group: 'db',
    aws_elasticache_subnet_group: 'cache',
    aws_redshift_subnet_group: 'redshift',
  };
  each(
    Object.keys(familyOf).filter((t) => t !== 'aws_db_subnet_group'),
    (rd) => {
      const ids = rd.strs('subnet_ids');
      subnetGroups.set(`${familyOf[rd.r.type]}|${rd.r.address}`, ids);
      const name = rd.v.name; // as for DB subnet groups above
      if (typeof name === 'string' && name) subnetGroups.set(`${familyOf[rd.r.type]}|${name}`, ids);
    },
  );
  for (const [k, ids] of dbSubnetGroups) subnetGroups.set(`db|${k}`, ids);
  /** The subnets of the group `attr` names; none named: the service's default group, in the default VPC. */
  const groupSubnets = (rd: Reader, attr: string, family: string, named = rd.str(attr)): string[] => {
    if (!named)
      throw new NotKnown(
        attr,
        `${rd.r.address} has no ${attr}: AWS places it in the default VPC, which the code does not declare`,
      );
    const ids = subnetGroups.get(`${family}|${named}`);
    if (!ids) throw new NotKnown(attr, `${rd.r.address}: its subnet group ${named} is not in the scanned code`);
    return ids;
  };
  /** Where the code gives no subnet, AWS uses the default VPC's, which the code does not declare. */
  const someSubnets = (rd: Reader, attr: string, ids: string[]): string[] => {
    if (ids.length === 0)
      throw new NotKnown(
        attr,
        `${rd.r.address} names no subnet: AWS uses the default VPC's, which the code does not declare`,
      );
    return ids;
  };

  // Aurora, DocumentDB and Neptune: the cluster holds the groups and the subnet group; its instances have the interfaces.
  const dbClusters = new Map<string, { groupIds: string[]; subnetGroup?: string }>();
  const clusterSubnetAttr = (type: string) =>
    type.startsWith('aws_neptune_') ? 'neptune_subnet_group_name' : 'db_subnet_group_name';
  each(['aws_rds_cluster', 'aws_docdb_cluster', 'aws_neptune_cluster'], (rd) => {
    const attr = clusterSubnetAttr(rd.r.type);
    const subnetGroup = rd.str(attr);
    const c = { groupIds: rd.strs('vpc_security_group_ids'), ...(subnetGroup ? { subnetGroup } : {}) };
    dbClusters.set(rd.r.address, c);
    const ident = rd.str('cluster_identifier', true);
    if (ident) dbClusters.set(ident, c);
    // Aurora Serverless v1 has no instances: the cluster's own interfaces.
    if (rd.r.type === 'aws_rds_cluster' && rd.str('engine_mode') === 'serverless')
      perSubnet(rd, groupSubnets(rd, attr, 'db', subnetGroup), c.groupIds, false, 'RDS cluster');
  });
  each(['aws_rds_cluster_instance', 'aws_docdb_cluster_instance', 'aws_neptune_cluster_instance'], (rd) => {
    const ident = rd.str('cluster_identifier');
    const c = dbClusters.get(ident ?? '');
    if (!c)
      throw new NotKnown(
        'cluster_identifier',
        `${rd.r.address}: its cluster ${ident ?? ''} is not in the scanned code`,
      );
    const attr = clusterSubnetAttr(rd.r.type);
    const ids = groupSubnets(rd, attr, 'db', rd.str(attr) ?? c.subnetGroup);
    perSubnet(rd, ids, c.groupIds, rd.bool('publicly_accessible', false), 'DB cluster instance');
  });

  // ElastiCache: a replication group's nodes (its member clusters are its own), a cluster, a serverless cache.
  each(['aws_elasticache_replication_group'], (rd) => {
    perSubnet(rd, groupSubnets(rd, 'subnet_group_name', 'cache'), rd.strs('security_group_ids'), false, 'ElastiCache');
  });
  each(['aws_elasticache_cluster'], (rd) => {
    // A member of a replication group takes the group's subnets and groups: the group's interfaces stand for it.
    if (rd.str('replication_group_id')) return;
    perSubnet(rd, groupSubnets(rd, 'subnet_group_name', 'cache'), rd.strs('security_group_ids'), false, 'ElastiCache');
  });
  each(['aws_elasticache_serverless_cache'], (rd) => {
    perSubnet(
      rd,
      someSubnets(rd, 'subnet_ids', rd.strs('subnet_ids')),
      rd.strs('security_group_ids'),
      false,
      'ElastiCache',
    );
  });
  each(['aws_redshift_cluster'], (rd) => {
    const pub = rd.need('publicly_accessible');
    perSubnet(
      rd,
      groupSubnets(rd, 'cluster_subnet_group_name', 'redshift'),
      rd.strs('vpc_security_group_ids'),
      // The provider's default changed between major versions: unstated, it is decided outside the code.
      pub === undefined || pub === null ? undefined : pub === true || pub === 'true',
      'Redshift cluster',
    );
  });
  each(['aws_redshiftserverless_workgroup'], (rd) => {
    perSubnet(
      rd,
      someSubnets(rd, 'subnet_ids', rd.strs('subnet_ids')),
      rd.strs('security_group_ids'),
      rd.bool('publicly_accessible', false),
      'Redshift Serverless workgroup',
    );
  });
  each(['aws_msk_cluster'], (rd) => {
    const b = rd.blocks('broker_node_group_info')[0];
    if (!b) throw new NotKnown('broker_node_group_info', `${rd.r.address} has no broker_node_group_info`);
    // Public access (connectivity_info.public_access.type = SERVICE_PROVIDED_EIPS) gives each broker a public address.
    const connectivity = text(rd.need('broker_node_group_info', b.connectivity_info ?? null));
    perSubnet(
      rd,
      rd.strs('broker_node_group_info', b.client_subnets),
      rd.strs('broker_node_group_info', b.security_groups),
      /SERVICE_PROVIDED_EIPS/.test(connectivity),
      'MSK cluster',
    );
  });

  // Bedrock AgentCore runtimes, code interpreters and browsers in VPC mode run the agent's code in the code's subnets.
  each(
    ['aws_bedrockagentcore_agent_runtime', 'aws_bedrockagentcore_code_interpreter', 'aws_bedrockagentcore_browser'],
    (rd) => {
      const net = rd.blocks('network_configuration')[0];
      if (!net || text(rd.need('network_configuration', net.network_mode ?? null)) !== 'VPC') return;
      const conf = rd.need('network_configuration', net.network_mode_config ?? net.vpc_config ?? null);
      const vpc = Array.isArray(conf) && isObject(conf[0]) ? conf[0] : {};
      perSubnet(
        rd,
        someSubnets(rd, 'network_configuration', rd.strs('network_configuration', vpc.subnets ?? null)),
        rd.strs('network_configuration', vpc.security_groups ?? null),
        false,
        'Bedrock AgentCore',
      );
    },
  );

  // EC2 capacity from launch templates: Auto Scaling groups, EKS managed node groups, Batch compute environments.
  const templates = new Map<string, LaunchSettings>();
  each(['aws_launch_template'], (rd) => {
    const ni = rd.blocks('network_interfaces')[0];
    const pub = ni ? rd.need('network_interfaces', ni.associate_public_ip_address ?? null) : undefined;
    const subnetId = ni ? rd.need('network_interfaces', ni.subnet_id ?? null) : undefined;
    const t: LaunchSettings = {
      groupIds: [
        ...rd.strs('vpc_security_group_ids'),
        ...(ni ? rd.strs('network_interfaces', ni.security_groups) : []),
      ],
      ...(typeof pub === 'boolean' || pub === 'true' || pub === 'false'
        ? { publicIp: pub === true || pub === 'true' }
        : {}),
      ...(typeof subnetId === 'string' && subnetId ? { subnetId } : {}),
    };
    templates.set(rd.r.address, t);
    const name = rd.str('name', true);
    if (name) templates.set(name, t);
  });
  each(['aws_launch_configuration'], (rd) => {
    const pub = rd.need('associate_public_ip_address');
    const t: LaunchSettings = {
      groupIds: rd.strs('security_groups'),
      ...(typeof pub === 'boolean' ? { publicIp: pub } : {}),
    };
    templates.set(rd.r.address, t);
    const name = rd.str('name', true);
    if (name) templates.set(name, t);
  });
  /** The launch template a block names (by id or name); one the code does not declare is not known. */
  const templateOf = (rd: Reader, attr: string, spec: ValueObject, idKey: string, nameKey: string): LaunchSettings => {
    const ref = rd.need(attr, spec[idKey] ?? spec[nameKey] ?? null);
    const t = typeof ref === 'string' ? templates.get(ref) : undefined;
    if (!t)
      throw new NotKnown(attr, `${rd.r.address}: its launch template ${text(ref ?? '')} is not in the scanned code`);
    return t;
  };
  /** Instances launched in each subnet: public as the template or else the subnet says. */
  const launched = (rd: Reader, subnetIds: string[], groupIds: string[], t: LaunchSettings | undefined, what: string) =>
    perSubnet(rd, subnetIds, groupIds, (s) => t?.publicIp ?? mapsPublic.get(s), what, false);
  each(['aws_autoscaling_group'], (rd) => {
    const lt = rd.blocks('launch_template')[0];
    const mixed = rd.blocks('mixed_instances_policy')[0];
    const mixedLt = mixed ? rd.need('mixed_instances_policy', mixed.launch_template ?? null) : undefined;
    const spec0 = Array.isArray(mixedLt) && isObject(mixedLt[0]) ? mixedLt[0].launch_template_specification : undefined;
    const spec = Array.isArray(spec0) && isObject(spec0[0]) ? spec0[0] : undefined;
    const lc = rd.str('launch_configuration');
    const t = lt
      ? templateOf(rd, 'launch_template', lt, 'id', 'name')
      : spec
        ? templateOf(rd, 'mixed_instances_policy', spec, 'launch_template_id', 'launch_template_name')
        : lc
          ? templateOf(rd, 'launch_configuration', { lc }, 'lc', 'lc')
          : undefined;
    if (!t) throw new NotKnown('launch_template', `${rd.r.address} names no launch template the code declares`);
    const subnetIds = rd.strs('vpc_zone_identifier');
    launched(
      rd,
      someSubnets(rd, 'vpc_zone_identifier', subnetIds.length > 0 ? subnetIds : t.subnetId ? [t.subnetId] : []),
      t.groupIds,
      t,
      'Auto Scaling group',
    );
  });
  each(['aws_eks_node_group'], (rd) => {
    const lt = rd.blocks('launch_template')[0];
    const t = lt ? templateOf(rd, 'launch_template', lt, 'id', 'name') : undefined;
    const name = rd.str('cluster_name');
    const c = eksClusters.get(name ?? '');
    // Nodes get the launch template's groups; without any, EKS gives them the cluster security group.
    let groupIds = t && t.groupIds.length > 0 ? t.groupIds : [];
    if (groupIds.length === 0) {
      if (!c)
        throw new NotKnown('cluster_name', `${rd.r.address}: its cluster ${name ?? ''} is not in the scanned code`);
      groupIds = [c.clusterGroup];
    }
    // Remote access without source groups opens SSH to the internet (EKS creates a group for it).
    const ra = rd.blocks('remote_access')[0];
    if (ra && !t) {
      const sources = rd.strs('remote_access', ra.source_security_group_ids);
      const id = `${rd.r.address}.remote_access_security_group`;
      inv.securityGroups.push(sshGroup(rd.scoped(), id, sources, subnets.get(rd.strs('subnet_ids')[0] ?? '')?.vpcId));
      groupIds = [...groupIds, id];
    }
    // With the Amazon VPC CNI, pods take addresses of the node's subnet behind the node's groups: the same interface.
    launched(rd, rd.strs('subnet_ids'), groupIds, t, 'EKS node group');
  });
  each(['aws_eks_fargate_profile'], (rd) => {
    const name = rd.str('cluster_name');
    const c = eksClusters.get(name ?? '');
    if (!c) throw new NotKnown('cluster_name', `${rd.r.address}: its cluster ${name ?? ''} is not in the scanned code`);
    // Fargate pods get the cluster security group and no public address.
    perSubnet(rd, rd.strs('subnet_ids'), [c.clusterGroup], false, 'EKS Fargate profile');
  });
  for (const c of new Set(eksClusters.values()))
    // The control plane's cross-account interfaces, in the cluster's subnets.
    perSubnet(c.rd, c.subnetIds, c.groupIds, false, 'Amazon EKS');
  each(['aws_batch_compute_environment'], (rd) => {
    const cr = rd.blocks('compute_resources')[0];
    // Unmanaged: the instances are the code's own (launched elsewhere), no interface of Batch's.
    if (!cr) return;
    const spec = rd.need('compute_resources', cr.launch_template ?? null);
    const lt = Array.isArray(spec) && isObject(spec[0]) ? spec[0] : undefined;
    const t = lt ? templateOf(rd, 'compute_resources', lt, 'launch_template_id', 'launch_template_name') : undefined;
    const own = rd.strs('compute_resources', cr.security_group_ids);
    const groupIds = own.length > 0 ? own : (t?.groupIds ?? []);
    const fargate = /FARGATE/.test(text(rd.need('compute_resources', cr.type ?? null) ?? ''));
    const subnetIds = someSubnets(rd, 'compute_resources', rd.strs('compute_resources', cr.subnets));
    if (fargate) perSubnet(rd, subnetIds, groupIds, false, 'Batch compute environment');
    else launched(rd, subnetIds, groupIds, t, 'Batch compute environment');
  });
  for (const lb of lbInterfaces) {
    // A network load balancer without security groups filters nothing, which an interface of the model cannot say.
    if (lb.type === 'network' && lb.groups.length === 0) {
      ctx.taint(
        lb.rd.r,
        'ec2:network-interfaces',
        `${lb.rd.r.address} is a network load balancer without security groups: its interfaces filter nothing, which cordon does not model`,
      );
      continue;
    }
    if (lb.type === 'gateway') continue;
    const internetFacing = !lb.rd.bool('internal', false);
    // AWS describes a load balancer's interfaces as "ELB app/<name>/<id>" (net/ for a network load balancer).
    perSubnet(lb.rd, lb.subnetIds, lb.groups, internetFacing, `ELB ${lb.type === 'network' ? 'net' : 'app'}/`);
  }
  endpointInterfaces(inv, (vpcId) => defaultGroup(vpcId));
  sageMakerInterfaces(inv, defaultGroup);

  // Organisation-level: SCPs and the organisation, when the code manages them (else not assessed: not in the code).
  for (const r of byType.get('aws_organizations_policy') ?? []) {
    const rd = new Reader(r, ctx, 'organizations:scps');
    try {
      const type = rd.str('type') ?? 'SERVICE_CONTROL_POLICY';
      if (type !== 'SERVICE_CONTROL_POLICY') continue;
      const content = rd.str('content');
      let parsed: unknown;
      let contentError: string | undefined;
      try {
        parsed = content === undefined ? undefined : JSON.parse(content);
      } catch {
        contentError = 'content is not valid JSON';
      }
      inv.serviceControlPolicies.push({
        ...rd.scoped(),
        account: '*',
        region: '*',
        id: r.address,
        name: rd.str('name', true) ?? r.address,
        awsManaged: false,
        ...(parsed !== undefined ? { content: parsed } : {}),
        ...(contentError ? { contentError } : {}),
      });
      markDataset(inv, '*', 'organizations:scps');
    } catch (err) {
      if (!(err instanceof NotKnown)) throw err;
      markDataset(inv, '*', 'organizations:scps');
      addPartial(inv, '*', 'organizations:scps', {
        file: r.origin.file,
        line: r.origin.line,
        column: r.origin.column,
        pointer: r.address,
        reason: `value not known before deploy: ${err.detail}`,
      });
    }
  }
  // aws_organizations_organization is not mapped: its id (o-…) is known only after apply, and the principal checks
  // need the real id (cordon.yaml aws.organization_id gives it).

  for (const key of ctx.scopes) for (const d of TERRAFORM_AWS_DATASETS) markDataset(inv, key, d);
  for (const t of taints) {
    if (t.provider !== 'aws' && t.provider !== '*') continue;
    const every = t.account === EVERY_SCOPE;
    const keys = every ? [...ctx.scopes] : [scopeKey(t)];
    if (keys.length === 0) keys.push(scopeKey({ account: IAC_ACCOUNT, region: IAC_REGION }));
    for (const key of keys) {
      if (!inv.datasets.has(key)) {
        for (const d of TERRAFORM_AWS_DATASETS) markDataset(inv, key, d);
        inv.scopeOrigins.set(key, t.origin);
      }
      const sets = t.type
        ? [DATASET_OF[t.type]].filter((d): d is AwsDataset => d !== undefined)
        : TERRAFORM_AWS_DATASETS;
      for (const d of sets)
        addPartial(inv, key, d, {
          file: t.origin.file,
          line: t.origin.line,
          column: t.origin.column,
          pointer: t.address,
          reason: t.reason,
        });
    }
  }
  return inv;
}

/**
 * Route 53 private hosted zones (a zone with `vpc` blocks, `aws_route53_zone_association`), their records, and
 * Resolver rules with their VPC associations, as the snapshot's data sets: every declared VPC gets its list of zones
 * (empty when none), every private zone its records. Zone ids are the zones' addresses (`zone_id` stands for the
 * address, eval.ts). What the code names but does not declare (a zone id or rule id from another stack or a data
 * source) leaves the data set partial in the VPC's scope with the reason, so the DNS question there is not assessed.
 */
function mapRoute53(inv: AwsInventory, each: (types: string[], fn: (rd: Reader) => void) => void): void {
  const zones = new Map<string, { name: string; scope: Scoped }>();
  const zoneVpcs: { rd: Reader; zoneId: string; vpcId: string }[] = [];
  each(['aws_route53_zone'], (rd) => {
    const name = dnsName(rd.str('name') ?? '');
    zones.set(rd.r.address, { name, scope: rd.scoped() });
    for (const b of rd.blocks('vpc')) {
      const vpcId = rd.need('vpc', b.vpc_id);
      if (typeof vpcId === 'string') zoneVpcs.push({ rd, zoneId: rd.r.address, vpcId });
    }
    if (zoneVpcs.some((z) => z.zoneId === rd.r.address))
      inv.hostedZoneRecords.push({ ...rd.scoped(), zoneId: rd.r.address, records: [] });
  });
  each(['aws_route53_zone_association'], (rd) => {
    const zoneId = rd.str('zone_id');
    const vpcId = rd.str('vpc_id');
    if (zoneId && vpcId) zoneVpcs.push({ rd, zoneId, vpcId });
  });
  const byVpc = new Map<string, AwsInventory['hostedZoneAssociations'][number]>();
  for (const v of inv.vpcs) {
    const a = { ...scopedOf(v), vpcId: v.id, zones: [] };
    byVpc.set(v.id, a);
    inv.hostedZoneAssociations.push(a);
  }
  for (const { rd, zoneId, vpcId } of zoneVpcs) {
    const zone = zones.get(zoneId);
    let a = byVpc.get(vpcId);
    if (!a) {
      a = { ...rd.scoped(), vpcId, zones: [] };
      byVpc.set(vpcId, a);
      inv.hostedZoneAssociations.push(a);
    }
    if (zone) a.zones.push({ id: zoneId, name: zone.name });
    else
      addPartial(inv, scopeKey(a), 'route53:hosted-zones-by-vpc', {
        file: rd.r.origin.file,
        line: rd.r.attrLines.get('zone_id') ?? rd.r.origin.line,
        pointer: rd.r.address,
        reason: `hosted zone ${zoneId} associated with ${vpcId} is not declared in the scanned code: its name and records are not known`,
      });
  }
  const records = new Map(inv.hostedZoneRecords.map((r) => [r.zoneId, r]));
  each(['aws_route53_record'], (rd) => {
    const zoneId = rd.str('zone_id') ?? '';
    const zone = zones.get(zoneId);
    const list = records.get(zoneId);
    if (!zone || !list) return;
    // The provider appends the zone's name to a relative record name.
    const raw = dnsName(rd.str('name') ?? '');
    const name = raw === zone.name || raw.endsWith(`.${zone.name}`) ? raw : raw ? `${raw}.${zone.name}` : zone.name;
    // Read without need(): the alias's zone_id is unknown before deploy and is not used.
    const aliases = rd.v.alias;
    const alias = Array.isArray(aliases) ? aliases.find(isObject) : undefined;
    const target = alias?.name;
    // An alias to an interface endpoint's DNS entry is known only after apply, but the code says which endpoint.
    const endpoint = isUnknown(target)
      ? /^(.*aws_vpc_endpoint\.[^.]+(?:\[[^\]]*\])?)\.dns_entry$/.exec(target.what)?.[1]
      : undefined;
    const aliasName = alias && !endpoint ? rd.need('alias', target) : undefined;
    list.records.push({
      name,
      type: (rd.str('type') ?? '').toUpperCase(),
      values: alias ? [] : rd.strs('records'),
      ...(typeof aliasName === 'string' ? { aliasTarget: dnsName(aliasName) } : {}),
      ...(endpoint ? { aliasEndpointId: endpoint } : {}),
      pointer: rd.r.address,
    });
  });
  each(['aws_route53_resolver_rule'], (rd) => {
    const endpoint = rd.str('resolver_endpoint_id', true);
    const domain = rd.str('domain_name') ?? '';
    inv.resolverRules.push({
      ...rd.scoped(),
      id: rd.r.address,
      domainName: domain === '.' ? '.' : dnsName(domain),
      ruleType: (rd.str('rule_type') ?? '').toUpperCase(),
      status: 'COMPLETE',
      targetIps: rd.blocks('target_ip').flatMap((t) => {
        const ip = rd.need('target_ip', t.ip ?? t.ipv6 ?? null);
        const port = rd.need('target_ip', t.port ?? 53);
        return typeof ip === 'string' ? [resolverTarget(ip, text(port))] : [];
      }),
      ...(endpoint ? { resolverEndpointId: endpoint } : {}),
    });
  });
  each(['aws_route53_resolver_rule_association'], (rd) => {
    const ruleId = rd.str('resolver_rule_id');
    const vpcId = rd.str('vpc_id');
    if (ruleId && vpcId)
      inv.resolverRuleAssociations.push({ ...rd.scoped(), id: rd.r.address, ruleId, vpcId, status: 'COMPLETE' });
  });
  const profiles = new Set<string>();
  each(['aws_route53profiles_profile'], (rd) => profiles.add(rd.r.address));
  each(['aws_route53profiles_association'], (rd) => {
    const profileId = rd.str('profile_id');
    const vpcId = rd.str('resource_id');
    if (!profileId || !vpcId) return;
    const a = { ...rd.scoped(), id: rd.r.address, profileId, vpcId, status: 'COMPLETE' };
    inv.profileAssociations.push(a);
    // A Profile shared from elsewhere carries resources the code does not show: they may decide the VPC's names.
    if (!profiles.has(profileId))
      addPartial(inv, scopeKey(a), 'route53profiles:profile-resource-associations', {
        file: rd.r.origin.file,
        line: rd.r.attrLines.get('profile_id') ?? rd.r.origin.line,
        pointer: rd.r.address,
        reason: `Route 53 Profile ${profileId} associated with ${vpcId} is not declared in the scanned code: its resources are not known`,
      });
  });
  each(['aws_route53profiles_resource_association'], (rd) => {
    const profileId = rd.str('profile_id');
    const given = rd.str('resource_arn');
    if (!profileId || !given) return;
    // A reference to a declared zone or rule stands for it by address (as its id does): give it the ARN AWS would.
    const declared = /(?:^|\.)(aws_route53_zone|aws_route53_resolver_rule)\.[^.[]+(?:\[[^\]]*\])?$/.exec(given);
    const resourceArn = !declared
      ? given
      : declared[1] === 'aws_route53_zone'
        ? `arn:aws:route53:::hostedzone/${given}`
        : `arn:aws:route53resolver:::resolver-rule/${given}`;
    inv.profileResourceAssociations.push({
      ...rd.scoped(),
      id: rd.r.address,
      profileId,
      resourceArn,
      resourceType: profileResourceType(resourceArn),
      status: 'COMPLETE',
    });
  });
}

/** The service part of an endpoint service name; the scope's placeholder region (iac-region) counts as a region. */
function serviceOf(serviceName: string, region: string): string {
  for (const prefix of [`com.amazonaws.${region}.`, `aws.sagemaker.${region}.`])
    if (serviceName.startsWith(prefix)) return serviceName.slice(prefix.length);
  return parseServiceName(serviceName).service;
}

function markDataset(inv: AwsInventory, key: string, d: AwsDataset): void {
  if (!inv.datasets.has(key)) inv.datasets.set(key, new Set());
  inv.datasets.get(key)!.add(d);
}

function addPartial(
  inv: AwsInventory,
  key: string,
  d: AwsDataset,
  item: { file: string; line?: number; column?: number; pointer: string; reason: string },
): void {
  if (!inv.partial.has(key)) inv.partial.set(key, new Map());
  const m = inv.partial.get(key)!;
  if (!m.has(d)) m.set(d, []);
  m.get(d)!.push(item);
}

/** `aws_vpc.main.default_route_table_id` → `aws_vpc.main` (resources.ts resolves these to such strings). */
function defaultOwner(id: string | undefined): string | undefined {
  return id?.replace(
    /\.(default_route_table_id|main_route_table_id|default_network_acl_id|default_security_group_id)$/,
    '',
  );
}

function localRoutes(vpc: { cidrs: string[]; ipv6Cidrs: string[] } | undefined, owner: string): AwsRoute[] {
  return [...(vpc?.cidrs ?? []), ...(vpc?.ipv6Cidrs ?? [])].map((c, i) => ({
    destination: c,
    target: { type: 'local' as const, id: 'local' },
    state: 'active',
    pointer: `${owner}#local[${i}]`,
  }));
}

function naclEntry(rd: Reader, attr: string, e: ValueObject, egress: boolean): AwsNaclEntry {
  const proto = protocol(rd.need(attr, e.protocol));
  const from = rd.need(attr, e.from_port);
  const to = rd.need(attr, e.to_port);
  const action = text(rd.need(attr, e.action ?? e.rule_action)).toLowerCase() === 'deny' ? 'deny' : 'allow';
  const cidr = rd.need(attr, e.cidr_block);
  const v6 = rd.need(attr, e.ipv6_cidr_block);
  return {
    ruleNumber: Number(rd.need(attr, e.rule_no ?? e.rule_number)),
    egress,
    protocol: proto,
    action,
    ...(typeof cidr === 'string' && cidr ? { cidr } : {}),
    ...(typeof v6 === 'string' && v6 ? { ipv6Cidr: v6 } : {}),
    ...(proto !== '-1' && typeof from === 'number' && typeof to === 'number' ? { portRange: { from, to } } : {}),
  };
}

function policyOf(rd: Reader, attr: string): { policy?: unknown; policyError?: string } {
  const v = rd.v[attr];
  if (v === undefined || v === null || v === '') return {};
  if (isUnknown(v)) return { policyError: `value not known before deploy: ${v.toString()}` };
  if (isObject(v)) return { policy: v };
  if (typeof v !== 'string') return { policyError: 'policy is not a JSON string' };
  try {
    return { policy: JSON.parse(v) as unknown };
  } catch {
    return { policyError: `${rd.r.address}.${attr} is not valid JSON` };
  }
}

interface EksCluster {
  rd: Reader;
  subnetIds: string[];
  /** The cluster security group EKS creates, then the additional groups of vpc_config. */
  groupIds: string[];
  clusterGroup: string;
}

/** A public address known to be there (true), known absent (false), or decided outside the code (undefined). */
function publicOf(p: boolean | undefined): { publicIp?: boolean } {
  return p === undefined ? {} : { publicIp: p };
}

function scopedOf(x: Scoped): Scoped {
  return { account: x.account, region: x.region, origin: x.origin };
}

/**
 * Private addresses the code states. An unknown one (a plan's computed value, a variable without a value) is picked
 * at deploy as far as cordon can tell: the verifier then stands it for every address of the subnet, which is sound.
 */
function literalIps(v: Value | undefined): string[] {
  if (isUnknown(v)) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string' && x !== '');
}

/**
 * Listeners, target groups and their registered targets (`aws_lb_target_group_attachment`), as the elbv2 data sets
 * verify follows: ids and ARNs are addresses; a target group's load balancers are those whose listeners or rules
 * forward to it (as AWS fills LoadBalancerArns). Targets an Auto Scaling group or ECS service registers at run time
 * are not known before deploy: such a group's targets stay unread, so verify makes its VPC's instances "maybe"
 * targets (undecided, never absent).
 */
function mapLoadBalancerPaths(
  inv: AwsInventory,
  byType: Map<string, TfResource[]>,
  each: (types: string[], fn: (rd: Reader) => void) => void,
): void {
  const groups = new Map<string, AwsLbTargetGroup>();
  each(['aws_lb_target_group', 'aws_alb_target_group'], (rd) => {
    const preserve = rd.soft('preserve_client_ip');
    const targetType = rd.str('target_type') ?? 'instance';
    const protocol = rd.str('protocol');
    const port = rd.num('port');
    const vpcId = rd.str('vpc_id');
    const g: AwsLbTargetGroup = {
      ...rd.scoped(),
      arn: rd.r.address,
      name: rd.str('name', true) ?? rd.r.address,
      targetType,
      ...(protocol ? { protocol: protocol.toUpperCase() } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(vpcId ? { vpcId } : {}),
      loadBalancerArns: [],
      // The code states what it changes; the rest keep AWS's defaults (preserve_client_ip by target type).
      attributesKnown:
        preserve !== undefined || rd.v.preserve_client_ip === undefined || rd.v.preserve_client_ip === null,
      ...(preserve === true || preserve === 'true' ? { preserveClientIp: true } : {}),
      ...(preserve === false || preserve === 'false' ? { preserveClientIp: false } : {}),
      targets: [],
    };
    groups.set(g.arn, g);
    inv.lbTargetGroups.push(g);
  });
  const forwards = (rd: Reader, attr: string, a: ValueObject): string[] => {
    if (text(rd.need(attr, a.type ?? null) ?? '') !== 'forward') return [];
    const out: string[] = [];
    const one = rd.need(attr, a.target_group_arn ?? null);
    if (typeof one === 'string') out.push(one);
    const fwd = rd.need(attr, a.forward ?? null);
    for (const f of Array.isArray(fwd) ? fwd.filter(isObject) : [])
      for (const t of Array.isArray(f.target_group) ? f.target_group.filter(isObject) : []) {
        const arn = rd.need(attr, t.arn ?? null);
        if (typeof arn === 'string') out.push(arn);
      }
    return out;
  };
  const attachTo = (lbArn: string, tgs: string[]) => {
    for (const arn of tgs) {
      const g = groups.get(arn);
      if (g && !g.loadBalancerArns.includes(lbArn)) g.loadBalancerArns.push(lbArn);
    }
  };
  const byAddress = new Map<string, AwsLbListener>();
  each(['aws_lb_listener', 'aws_alb_listener'], (rd) => {
    const loadBalancerArn = rd.str('load_balancer_arn') ?? '';
    const forwardTo = [
      ...new Set(rd.blocks('default_action').flatMap((a) => forwards(rd, 'default_action', a))),
    ].sort();
    const lb = inv.loadBalancers.find((x) => x.arn === loadBalancerArn);
    const port = rd.num('port');
    const protocol = rd.str('protocol') ?? (lb?.type === 'network' ? undefined : 'HTTP');
    const l: AwsLbListener = {
      ...rd.scoped(),
      arn: rd.r.address,
      loadBalancerArn,
      ...(port !== undefined ? { port } : {}),
      ...(protocol ? { protocol: protocol.toUpperCase() } : {}),
      forwardTo,
      ruleForwardTo: [],
    };
    inv.lbListeners.push(l);
    byAddress.set(l.arn, l);
    attachTo(loadBalancerArn, forwardTo);
  });
  each(['aws_lb_listener_rule', 'aws_alb_listener_rule'], (rd) => {
    const l = byAddress.get(rd.str('listener_arn') ?? '');
    if (!l) return;
    const tgs = rd.blocks('action').flatMap((a) => forwards(rd, 'action', a));
    l.ruleForwardTo = [...new Set([...(l.ruleForwardTo ?? []), ...tgs])].sort();
    attachTo(l.loadBalancerArn, tgs);
  });
  each(['aws_lb_target_group_attachment', 'aws_alb_target_group_attachment'], (rd) => {
    const g = groups.get(rd.str('target_group_arn') ?? '');
    const id = rd.str('target_id');
    const port = rd.num('port');
    if (g?.targets && id) g.targets.push({ id, ...(port !== undefined ? { port } : {}) });
  });
  // Registered at run time by an Auto Scaling group or an ECS service: which targets is not known before deploy. A
  // reference cordon cannot resolve may name any group: every group's targets are then incomplete (partial).
  const dynamic = (r: TfResource, attr: string, arns: Value | undefined) => {
    if (firstUnknown(arns ?? null)) {
      for (const g of groups.values())
        addPartial(inv, scopeKey(g), 'elbv2:target-health', {
          file: r.origin.file,
          line: r.origin.line,
          column: r.origin.column,
          pointer: r.address,
          reason: `${r.address}.${attr} is not known before deploy: the targets it registers may be in any target group`,
        });
      return;
    }
    for (const a of (Array.isArray(arns) ? arns : [arns]).filter((x): x is string => typeof x === 'string'))
      delete groups.get(a)?.targets;
  };
  for (const r of byType.get('aws_autoscaling_group') ?? [])
    dynamic(r, 'target_group_arns', r.values.target_group_arns);
  for (const r of byType.get('aws_autoscaling_attachment') ?? [])
    dynamic(r, 'lb_target_group_arn', r.values.lb_target_group_arn);
  for (const r of byType.get('aws_ecs_service') ?? []) {
    const blocks = r.values.load_balancer;
    if (firstUnknown(blocks ?? null)) dynamic(r, 'load_balancer', blocks);
    else
      for (const b of Array.isArray(blocks) ? blocks.filter(isObject) : [])
        dynamic(r, 'load_balancer', b.target_group_arn);
  }
  for (const g of groups.values()) g.loadBalancerArns.sort();
}

/**
 * The state each consumer endpoint of a declared endpoint service gets at deploy (../aws-endpoint-services.ts): the
 * service's `allowed_principals` and its `aws_vpc_endpoint_service_allowed_principal`s, `acceptance_required`, and an
 * `aws_vpc_endpoint_connection_accepter` or the endpoint's `auto_accept` (same account only) that accepts it.
 */
function admitConsumers(
  inv: AwsInventory,
  byType: ReadonlyMap<string, TfResource[]>,
  each: (types: string[], fn: (rd: Reader) => void) => void,
): void {
  const services = new Map(inv.endpointServiceConfigs.map((c) => [c.serviceId, c]));
  const principals = new Map<string, string[] | undefined>();
  // Services whose list the code sets whole (`allowed_principals`); the allowed-principal resources only add to it.
  const complete = new Set<string>();
  const add = (service: string, ps: string[] | undefined) => {
    if (!services.has(service)) return;
    const was = principals.has(service) ? principals.get(service) : [];
    principals.set(service, was && ps ? [...was, ...ps] : undefined);
  };
  // The service's own list (tainted where it is mapped, above, when not known).
  for (const r of byType.get('aws_vpc_endpoint_service') ?? []) {
    const ps = r.values.allowed_principals;
    if (ps !== undefined && ps !== null) complete.add(r.address);
    const known = Array.isArray(ps) ? ps : ps === undefined || ps === null ? [] : [ps];
    add(r.address, firstUnknown(ps) ? undefined : known.filter((x): x is string => typeof x === 'string'));
  }
  each(['aws_vpc_endpoint_service_allowed_principal'], (rd) => {
    const service = rd.str('vpc_endpoint_service_id');
    const p = rd.str('principal_arn', true);
    if (service) add(service, p === undefined ? undefined : [p]);
  });
  const accepted = new Set<string>();
  each(['aws_vpc_endpoint_connection_accepter'], (rd) => {
    const service = rd.str('vpc_endpoint_service_id');
    const endpoint = rd.str('vpc_endpoint_id');
    if (service && endpoint) accepted.add(`${service}|${endpoint}`);
  });
  const autoAccept = new Set(
    (byType.get('aws_vpc_endpoint') ?? []).filter((r) => r.values.auto_accept === true).map((r) => r.address),
  );
  for (const e of inv.vpcEndpoints) {
    const c = services.get(e.serviceName);
    if (!c || e.type !== 'Interface') continue;
    const state = admissionState({
      consumerAccount: e.account,
      providerAccount: c.account,
      principals: principals.has(c.serviceId) ? principals.get(c.serviceId) : [],
      principalsComplete: complete.has(c.serviceId),
      acceptanceRequired: c.acceptanceRequired ?? false,
      // auto_accept works only for an endpoint in the service owner's account.
      accepted: accepted.has(`${c.serviceId}|${e.id}`) || (autoAccept.has(e.id) && e.account === c.account),
      unknownAccount: IAC_ACCOUNT,
    });
    e.state = state;
  }
}
