/**
 * Terraform google resources → the GCP inventory. Each resource is rendered as the Cloud Asset Inventory asset it
 * creates (asset name from its relative name, google-ids.ts; resource.data = the REST resource, google arguments
 * translated to REST fields with the API's defaults) and the GCP snapshot reader reads those assets, so the mapping,
 * joins by relative name and checks are the snapshot's own. Origins are then pointed back at the .tf declarations. A
 * resource with a value not known before deploy is left out and its data set marked partial, naming the value.
 */
import {
  GCP_DATASETS,
  gcpScopeKey,
  type GcpDataset,
  type GcpInventory,
  type GcpSkippedItem,
} from '../../../inventory/gcp.js';
import { loadGcpSnapshotFromTexts } from '../../gcp-snapshot/load.js';
import type { InputError } from '../../../util/errors.js';
import type { SnapshotWarning } from '../../aws-snapshot/load.js';
import { addPeerings, isFirewallPolicyPart, renderFirewallPolicies } from './google-firewall-policies.js';
import { isHierarchyType, renderHierarchy } from './google-hierarchy.js';
import { IAC_PROJECT } from './google-ids.js';
import { assetOf, blocks, bool, defined, first, list, strings, type Doc, type Skip, type V } from './google-shape.js';
import { pointBackAtDeclarations } from './rendered.js';
import { EVERY_SCOPE, type TfResource, type TfTaint } from './resource.js';
import { firstUnknown, isUnknown, text, type Value } from './values.js';

interface Ctx {
  project: string;
  region: string;
}

/** A network or subnetwork argument: an id / self link as written, or a bare name made into the relative name. */
function ref(v: Value | undefined, collection: 'networks' | 'subnetworks', c: Ctx): Value | undefined {
  if (typeof v !== 'string' || v.includes('/')) return v;
  return collection === 'networks'
    ? `projects/${c.project}/global/networks/${v}`
    : `projects/${c.project}/regions/${c.region}/subnetworks/${v}`;
}

function protocolPorts(b: V): V {
  return defined({ IPProtocol: b.protocol, ports: strings(b.ports) });
}

/** Where the API fills a default the provider leaves out (firewall ranges), cordon fills the same default. */
function firewall(v: V, c: Ctx): V {
  const direction = v.direction ?? 'INGRESS';
  const none = (...xs: (Value | undefined)[]) => xs.every((x) => list(x).length === 0);
  return defined({
    network: ref(v.network, 'networks', c),
    direction,
    priority: v.priority ?? 1000,
    // Ingress without any source, or egress without destination: the API applies the rule to 0.0.0.0/0.
    sourceRanges:
      direction === 'INGRESS' && none(v.source_ranges, v.source_tags, v.source_service_accounts)
        ? ['0.0.0.0/0']
        : v.source_ranges,
    destinationRanges: direction === 'EGRESS' && none(v.destination_ranges) ? ['0.0.0.0/0'] : v.destination_ranges,
    sourceTags: v.source_tags,
    targetTags: v.target_tags,
    sourceServiceAccounts: v.source_service_accounts,
    targetServiceAccounts: v.target_service_accounts,
    allowed: blocks(v.allow).map(protocolPorts),
    denied: blocks(v.deny).map(protocolPorts),
    disabled: bool(v.disabled) ?? false,
    ...(first(v.log_config) ? { logConfig: { enable: true } } : {}),
  });
}

function subnetwork(v: V, c: Ctx): V {
  const log = first(v.log_config);
  return defined({
    network: ref(v.network, 'networks', c),
    region: c.region,
    ipCidrRange: v.ip_cidr_range,
    secondaryIpRanges: blocks(v.secondary_ip_range).map((s) => ({
      rangeName: s.range_name ?? null,
      ipCidrRange: s.ip_cidr_range ?? null,
    })),
    privateIpGoogleAccess: bool(v.private_ip_google_access) ?? false,
    purpose: v.purpose,
    stackType: v.stack_type,
    // A log_config block turns flow logs on, with the provider's defaults for what it leaves out.
    ...(log
      ? {
          logConfig: defined({
            enable: true,
            aggregationInterval: log.aggregation_interval ?? 'INTERVAL_5_SEC',
            flowSampling: log.flow_sampling ?? 0.5,
            metadata: log.metadata ?? 'INCLUDE_ALL_METADATA',
            metadataFields: log.metadata_fields,
            filterExpr: log.filter_expr,
          }),
        }
      : {}),
  });
}

const nextHopGateway = (g: Value | undefined, c: Ctx): Value | undefined =>
  g === 'default-internet-gateway' ? `projects/${c.project}/global/gateways/default-internet-gateway` : g;

function instance(v: V, c: Ctx, zone: string): V {
  return defined({
    zone: `projects/${c.project}/zones/${zone}`,
    status: v.desired_status ?? 'RUNNING',
    labels: v.labels,
    networkInterfaces: blocks(v.network_interface).map((n, i) =>
      defined({
        name: `nic${i}`,
        network: ref(n.network, 'networks', c),
        subnetwork: ref(n.subnetwork, 'subnetworks', c),
        networkIP: n.network_ip,
        accessConfigs: blocks(n.access_config).map((a) => defined({ type: 'ONE_TO_ONE_NAT', natIP: a.nat_ip })),
        ipv6AccessConfigs: blocks(n.ipv6_access_config).map(() => ({ type: 'DIRECT_IPV6' })),
        aliasIpRanges: blocks(n.alias_ip_range).map((a) => ({ ipCidrRange: a.ip_cidr_range ?? null })),
      }),
    ),
    tags: { items: list(v.tags) },
    serviceAccounts: blocks(v.service_account).map((s) => ({ email: s.email ?? 'default' })),
    canIpForward: bool(v.can_ip_forward) ?? false,
  });
}

// ---- Load balancers (the REST fields gcp-load-balancers.ts follows; the provider's defaults where it has them)

function backendService(v: V, c: Ctx, regional: boolean): V {
  return defined({
    ...(regional ? { region: c.region } : {}),
    // google_compute_backend_service defaults to EXTERNAL, google_compute_region_backend_service to INTERNAL.
    loadBalancingScheme: v.load_balancing_scheme ?? (regional ? 'INTERNAL' : 'EXTERNAL'),
    protocol: v.protocol,
    portName: v.port_name ?? (regional ? undefined : 'http'),
    network: ref(v.network, 'networks', c),
    securityPolicy: v.security_policy,
    backends: blocks(v.backend).map((b) => defined({ group: b.group })),
  });
}

function urlMap(v: V, c: Ctx, regional: boolean): V {
  const route = (a: V | undefined) =>
    a
      ? {
          weightedBackendServices: blocks(a.weighted_backend_services).map((w) =>
            defined({ backendService: w.backend_service }),
          ),
        }
      : undefined;
  return defined({
    ...(regional ? { region: c.region } : {}),
    defaultService: v.default_service,
    defaultRouteAction: route(first(v.default_route_action)),
    pathMatchers: blocks(v.path_matcher).map((m) =>
      defined({
        name: m.name,
        defaultService: m.default_service,
        defaultRouteAction: route(first(m.default_route_action)),
        pathRules: blocks(m.path_rule).map((r) =>
          defined({ service: r.service, routeAction: route(first(r.route_action)) }),
        ),
        routeRules: blocks(m.route_rules).map((r) =>
          defined({ service: r.service, routeAction: route(first(r.route_action)) }),
        ),
      }),
    ),
  });
}

/** Target pool and instance group members: ids or self links, or "zone/name" (the provider's short form). */
function instanceRefs(v: Value | undefined, c: Ctx, zone?: string): Value[] {
  return list(v).map((x) =>
    typeof x !== 'string' || x.includes('/projects/') || x.startsWith('projects/')
      ? x
      : x.includes('/')
        ? `projects/${c.project}/zones/${x.split('/')[0]}/instances/${x.split('/')[1]}`
        : `projects/${c.project}/zones/${zone ?? 'unknown'}/instances/${x}`,
  );
}

const proxy = (service: boolean) => (v: V, c: Ctx, id: string) =>
  defined({
    ...(/\/regions\//.test(id) ? { region: c.region } : {}),
    ...(service ? { service: v.backend_service } : { urlMap: v.url_map }),
  });

function managedZone(v: V): V {
  const pvc = first(v.private_visibility_config);
  const fwd = first(v.forwarding_config);
  const peer = first(first(v.peering_config)?.target_network);
  const logging = first(v.cloud_logging_config);
  return defined({
    dnsName: v.dns_name,
    visibility: v.visibility ?? 'public',
    labels: v.labels,
    privateVisibilityConfig: pvc
      ? { networks: blocks(pvc.networks).map((n) => ({ networkUrl: n.network_url ?? null })) }
      : undefined,
    forwardingConfig: fwd
      ? { targetNameServers: blocks(fwd.target_name_servers).map((t) => ({ ipv4Address: t.ipv4_address ?? null })) }
      : undefined,
    peeringConfig: peer ? { targetNetwork: { networkUrl: peer.network_url ?? null } } : undefined,
    cloudLoggingConfig: logging ? { enableLogging: logging.enable_logging ?? false } : undefined,
  });
}

interface Kind {
  assetType: string;
  dataset: GcpDataset;
  kind?: string;
  data: (v: V, c: Ctx, id: string) => V;
}

const compute = (collection: string, data: Kind['data'], dataset: GcpDataset, assetType: string): Kind => ({
  assetType: `compute.googleapis.com/${assetType}`,
  dataset,
  kind: `compute#${collection}`,
  data,
});

const KINDS: Record<string, Kind> = {
  google_compute_network: compute(
    'network',
    (v) => ({
      autoCreateSubnetworks: bool(v.auto_create_subnetworks) ?? true,
      routingConfig: { routingMode: v.routing_mode ?? 'REGIONAL' },
      networkFirewallPolicyEnforcementOrder: v.network_firewall_policy_enforcement_order ?? 'AFTER_CLASSIC_FIREWALL',
      subnetworks: [],
      peerings: [],
    }),
    'compute:networks',
    'Network',
  ),
  google_compute_subnetwork: compute('subnetwork', subnetwork, 'compute:subnetworks', 'Subnetwork'),
  google_compute_firewall: compute('firewall', firewall, 'compute:firewalls', 'Firewall'),
  google_compute_route: compute(
    'route',
    (v, c) =>
      defined({
        network: ref(v.network, 'networks', c),
        destRange: v.dest_range,
        priority: v.priority ?? 1000,
        tags: v.tags,
        nextHopGateway: nextHopGateway(v.next_hop_gateway, c),
        nextHopIp: v.next_hop_ip,
        nextHopInstance: v.next_hop_instance,
        nextHopIlb: v.next_hop_ilb,
        nextHopVpnTunnel: v.next_hop_vpn_tunnel,
        routeType: 'STATIC',
      }),
    'compute:routes',
    'Route',
  ),
  google_compute_router: compute(
    'router',
    (v, c) =>
      defined({ region: c.region, network: ref(v.network, 'networks', c), nats: [], bgpPeers: [], interfaces: [] }),
    'compute:routers',
    'Router',
  ),
  google_compute_address: compute(
    'address',
    (v, c) =>
      defined({
        region: c.region,
        address: v.address,
        addressType: v.address_type ?? 'EXTERNAL',
        purpose: v.purpose,
        network: ref(v.network, 'networks', c),
        subnetwork: ref(v.subnetwork, 'subnetworks', c),
        labels: v.labels,
      }),
    'compute:addresses',
    'Address',
  ),
  google_compute_global_address: compute(
    'address',
    (v, c) =>
      defined({
        address: v.address,
        addressType: v.address_type ?? 'EXTERNAL',
        purpose: v.purpose,
        network: ref(v.network, 'networks', c),
        prefixLength: v.prefix_length,
        ipVersion: v.ip_version,
        labels: v.labels,
      }),
    'compute:addresses',
    'GlobalAddress',
  ),
  google_compute_global_forwarding_rule: compute(
    'forwardingRule',
    (v, c) =>
      defined({
        IPAddress: v.ip_address,
        IPProtocol: v.ip_protocol,
        loadBalancingScheme: v.load_balancing_scheme ?? 'EXTERNAL',
        target: v.target,
        network: ref(v.network, 'networks', c),
        portRange: v.port_range,
        labels: v.labels,
      }),
    'compute:forwarding-rules',
    'GlobalForwardingRule',
  ),
  google_compute_forwarding_rule: compute(
    'forwardingRule',
    (v, c) =>
      defined({
        region: c.region,
        IPAddress: v.ip_address,
        IPProtocol: v.ip_protocol,
        loadBalancingScheme: v.load_balancing_scheme ?? 'EXTERNAL',
        target: v.target,
        backendService: v.backend_service,
        network: ref(v.network, 'networks', c),
        subnetwork: ref(v.subnetwork, 'subnetworks', c),
        allowGlobalAccess: bool(v.allow_global_access),
        allowPscGlobalAccess: v.allow_psc_global_access,
        portRange: v.port_range,
        ports: v.ports,
        allPorts: v.all_ports,
        labels: v.labels,
      }),
    'compute:forwarding-rules',
    'ForwardingRule',
  ),
  // A Private Service Connect producer: its consumers' endpoints reach the target's backends from the NAT subnets.
  google_compute_service_attachment: compute(
    'serviceAttachment',
    (v, c) =>
      defined({
        region: c.region,
        targetService: v.target_service,
        natSubnets: list(v.nat_subnets).map((s) => ref(s, 'subnetworks', c) ?? null),
        connectionPreference: v.connection_preference,
        consumerAcceptLists: blocks(v.consumer_accept_lists).map((a) =>
          defined({
            projectIdOrNum: a.project_id_or_num,
            networkUrl: a.network_url,
            connectionLimit: a.connection_limit,
          }),
        ),
        consumerRejectLists: v.consumer_reject_lists,
        enableProxyProtocol: v.enable_proxy_protocol,
        domainNames: v.domain_names,
      }),
    'compute:service-attachments',
    'ServiceAttachment',
  ),
  google_compute_backend_service: compute(
    'backendService',
    (v, c) => backendService(v, c, false),
    'compute:backend-services',
    'BackendService',
  ),
  google_compute_region_backend_service: compute(
    'backendService',
    (v, c) => backendService(v, c, true),
    'compute:backend-services',
    'RegionBackendService',
  ),
  google_compute_url_map: compute('urlMap', (v, c) => urlMap(v, c, false), 'compute:url-maps', 'UrlMap'),
  google_compute_region_url_map: compute('urlMap', (v, c) => urlMap(v, c, true), 'compute:url-maps', 'UrlMap'),
  google_compute_target_http_proxy: compute(
    'targetHttpProxy',
    proxy(false),
    'compute:target-proxies',
    'TargetHttpProxy',
  ),
  google_compute_target_https_proxy: compute(
    'targetHttpsProxy',
    proxy(false),
    'compute:target-proxies',
    'TargetHttpsProxy',
  ),
  google_compute_region_target_http_proxy: compute(
    'targetHttpProxy',
    proxy(false),
    'compute:target-proxies',
    'TargetHttpProxy',
  ),
  google_compute_region_target_https_proxy: compute(
    'targetHttpsProxy',
    proxy(false),
    'compute:target-proxies',
    'TargetHttpsProxy',
  ),
  google_compute_target_tcp_proxy: compute('targetTcpProxy', proxy(true), 'compute:target-proxies', 'TargetTcpProxy'),
  google_compute_region_target_tcp_proxy: compute(
    'targetTcpProxy',
    proxy(true),
    'compute:target-proxies',
    'TargetTcpProxy',
  ),
  google_compute_target_ssl_proxy: compute('targetSslProxy', proxy(true), 'compute:target-proxies', 'TargetSslProxy'),
  google_compute_target_pool: compute(
    'targetPool',
    (v, c) => defined({ region: c.region, instances: instanceRefs(v.instances, c) }),
    'compute:target-pools',
    'TargetPool',
  ),
  // An unmanaged group lists its instances in the code: its members are known. A managed group's are not (the
  // manager creates them): google_compute_instance_group_manager is not mapped, so a backend naming its group finds
  // no group and the path through it is undecided.
  google_compute_instance_group: compute(
    'instanceGroup',
    (v, c, id) => {
      const zone = /\/zones\/([^/]+)\//.exec(id)?.[1];
      return defined({
        zone: zone ? `projects/${c.project}/zones/${zone}` : undefined,
        network: ref(v.network, 'networks', c),
        namedPorts: blocks(v.named_port).map((p) => defined({ name: p.name, port: p.port })),
        members: instanceRefs(v.instances, c, zone).map((i) => ({ instance: i })),
      });
    },
    'compute:instance-groups',
    'InstanceGroup',
  ),
  google_compute_instance: compute(
    'instance',
    (v, c, id) => instance(v, c, /\/zones\/([^/]+)\//.exec(id)?.[1] ?? 'unknown'),
    'compute:instances',
    'Instance',
  ),
  google_dns_managed_zone: {
    assetType: 'dns.googleapis.com/ManagedZone',
    dataset: 'dns:managed-zones',
    kind: 'dns#managedZone',
    data: managedZone,
  },
  google_dns_record_set: {
    assetType: 'dns.googleapis.com/ResourceRecordSet',
    dataset: 'dns:record-sets',
    kind: 'dns#resourceRecordSet',
    data: (v) => defined({ type: v.type, ttl: v.ttl, rrdatas: v.rrdatas }),
  },
  google_dns_policy: {
    assetType: 'dns.googleapis.com/Policy',
    dataset: 'dns:policies',
    kind: 'dns#policy',
    data: (v) =>
      defined({
        networks: blocks(v.networks).map((n) => ({ networkUrl: n.network_url ?? null })),
        enableLogging: bool(v.enable_logging) ?? false,
        enableInboundForwarding: bool(v.enable_inbound_forwarding) ?? false,
        alternativeNameServerConfig: first(v.alternative_name_server_config)
          ? {
              targetNameServers: blocks(first(v.alternative_name_server_config)!.target_name_servers).map((t) => ({
                ipv4Address: t.ipv4_address ?? null,
              })),
            }
          : undefined,
      }),
  },
};

function pscConfig(v: V): V | undefined {
  const c = first(v.private_service_connect_config);
  return c
    ? defined({ enablePrivateServiceConnect: c.enable_private_service_connect, projectAllowlist: c.project_allowlist })
    : undefined;
}

/** A Vertex AI or Workbench resource: the REST name is its relative name; the rest per type. */
const named = (assetType: string, dataset: GcpDataset, data: Kind['data']): Kind => ({
  assetType,
  dataset,
  data: (v, c, id) => ({ ...data(v, c, id), name: id }),
});

Object.assign(KINDS, {
  google_vertex_ai_endpoint: named('aiplatform.googleapis.com/Endpoint', 'aiplatform:endpoints', (v) =>
    defined({
      displayName: v.display_name,
      labels: v.labels,
      network: v.network,
      privateServiceConnectConfig: pscConfig(v),
      dedicatedEndpointEnabled: v.dedicated_endpoint_enabled,
    }),
  ),
  google_vertex_ai_index_endpoint: named('aiplatform.googleapis.com/IndexEndpoint', 'aiplatform:index-endpoints', (v) =>
    defined({
      displayName: v.display_name,
      labels: v.labels,
      network: v.network,
      publicEndpointEnabled: bool(v.public_endpoint_enabled) ?? false,
      privateServiceConnectConfig: pscConfig(v),
    }),
  ),
  google_workbench_instance: named('notebooks.googleapis.com/Instance', 'notebooks:instances', (v, c) => {
    const gce = first(v.gce_setup) ?? {};
    return defined({
      labels: v.labels,
      gceSetup: defined({
        disablePublicIp: bool(gce.disable_public_ip) ?? false,
        networkInterfaces: blocks(gce.network_interfaces).map((n) =>
          defined({
            network: ref(n.network, 'networks', c),
            subnet: ref(n.subnet, 'subnetworks', c),
            accessConfigs: blocks(n.access_configs).map((a) => defined({ externalIp: a.external_ip })),
          }),
        ),
        tags: gce.tags,
        serviceAccounts: blocks(gce.service_accounts).map((s) => ({ email: s.email ?? 'default' })),
      }),
    });
  }),
} satisfies Record<string, Kind>);

/** google types that change no data set cordon reads. */
const NO_NETWORK_DATA =
  /^google_(.*_iam_(member|binding|policy|audit_config)|service_account(_key)?|kms_(key_ring|crypto_key)|storage_bucket(_object)?|secret_manager_secret(_version)?|logging_project_sink|monitoring_alert_policy)$/;

/**
 * Types that change a data set cordon marks present but that are not mapped (yet): declaring one makes the data set
 * partial in its project, naming it, so a rule or peering cordon did not read never reads as a pass.
 */
/** Resources that add to a router: where they go in the router's document, and what they add. */
const ROUTER_PARTS: Record<string, { list: 'nats' | 'bgpPeers' | 'interfaces'; item: (r: TfResource) => V }> = {
  google_compute_router_nat: { list: 'nats', item: (r) => natOf(r.values) },
  // A BGP session: the routes it learns are dynamic routes, which compute:routes does not list (verify/gcp.ts).
  google_compute_router_peer: {
    list: 'bgpPeers',
    item: (r) => defined({ name: r.values.name, enable: r.values.enable === false ? 'FALSE' : undefined }),
  },
  google_compute_router_interface: {
    list: 'interfaces',
    item: (r) =>
      defined({
        name: r.values.name,
        linkedVpnTunnel: r.values.vpn_tunnel,
        linkedInterconnectAttachment: r.values.interconnect_attachment,
      }),
  },
};
/** A VPN tunnel or Interconnect attachment that names a Cloud Router: dynamic routing over it. */
const ROUTER_LINK = {
  list: 'interfaces' as const,
  item: (r: TfResource): V =>
    defined({
      name: `${r.type} ${text(r.values.name)}`,
      [r.type === 'google_compute_vpn_tunnel' ? 'linkedVpnTunnel' : 'linkedInterconnectAttachment']: r.address,
    }),
};
function linksRouter(r: TfResource): boolean {
  return (
    (r.type === 'google_compute_vpn_tunnel' || r.type === 'google_compute_interconnect_attachment') &&
    r.values.router !== undefined &&
    r.values.router !== null
  );
}

const UNMAPPED_FEEDS: Record<string, GcpDataset> = {
  google_compute_network_peering_routes_config: 'compute:networks',
  google_compute_shared_vpc_service_project: 'compute:networks',
  // Private services access: a peering (servicenetworking-googleapis-com) to Google's producer network, where
  // Cloud SQL and Vertex AI endpoints peered this way live — a peering to a network the code does not declare.
  google_service_networking_connection: 'compute:networks',
  google_dns_response_policy: 'dns:policies',
  google_dns_response_policy_rule: 'dns:policies',
  google_compute_instance_group_manager: 'compute:instance-groups',
  google_compute_region_instance_group_manager: 'compute:instance-groups',
  google_compute_region_instance_group: 'compute:instance-groups',
  google_compute_network_endpoint_group: 'compute:network-endpoint-groups',
  google_compute_region_network_endpoint_group: 'compute:network-endpoint-groups',
  google_compute_global_network_endpoint_group: 'compute:network-endpoint-groups',
};

/**
 * The GCP data sets a Terraform tree declares completely for every project it fills (docs/iac.md); the rest stay
 * absent (not assessed) unless the tree declares them (TERRAFORM_GCP_DECLARED_DATASETS).
 */
export const TERRAFORM_GCP_DATASETS = new Set<GcpDataset>([
  ...Object.values(KINDS).map((k) => k.dataset),
  'compute:network-firewall-policies',
]);

/**
 * Data sets present only where the tree declares them: projects and their enabled services for the projects it
 * declares (google_project), perimeters when it declares one, organization policies for the projects it declares
 * and the nodes it sets policies on (google-hierarchy.ts).
 */
export const TERRAFORM_GCP_DECLARED_DATASETS = new Set<GcpDataset>([
  'resourcemanager:projects',
  'serviceusage:services',
  'accesscontextmanager:service-perimeters',
  'orgpolicy:policies',
]);

/** Router NATs are their own Terraform resource; the API lists them inside the router. */
function natOf(v: V): V {
  return defined({
    name: v.name,
    sourceSubnetworkIpRangesToNat: v.source_subnetwork_ip_ranges_to_nat,
    subnetworks: blocks(v.subnetwork).map((s) => ({
      name: s.name ?? null,
      sourceIpRangesToNat: s.source_ip_ranges_to_nat ?? ['ALL_IP_RANGES'],
    })),
    natIpAllocateOption: v.nat_ip_allocate_option,
    type: v.type ?? 'PUBLIC',
    logConfig: { enable: first(v.log_config)?.enable ?? false },
  });
}

/**
 * Google Cloud gives every new VPC network a default route (0.0.0.0/0 to the default internet gateway, priority 1000)
 * unless `delete_default_routes_on_create = true`; the code declares no resource for it. Left out, a network with
 * Cloud NAT or external addresses had no path to the internet in the model, and a zone the policy keeps off the
 * internet verified clean. The route is named after its network (the API names it default-route-<hex>) and points at
 * the network's declaration, where the fix is made. An unknown flag leaves the routes partial.
 */
function defaultInternetRoutes(networks: Iterable<Doc>): { docs: Doc[]; skipped: Skip[] } {
  const docs: Doc[] = [];
  const skipped: Skip[] = [];
  for (const net of networks) {
    const flag = bool(net.resource.values.delete_default_routes_on_create);
    const { selfLink, name: netName } = net.data;
    if (flag === true || typeof selfLink !== 'string' || typeof netName !== 'string') continue;
    const netId = selfLink.replace(/^https:\/\/www\.googleapis\.com\/compute\/v1\//, '');
    const project = netId.split('/')[1]!;
    if (isUnknown(flag)) {
      skipped.push({
        r: net.resource,
        dataset: 'compute:routes',
        project,
        region: 'global',
        reason: `whether the network keeps its default internet route is not known before deploy: ${flag.toString()}`,
      });
      continue;
    }
    const name = `default-route-${netName}`;
    const id = `projects/${project}/global/routes/${name}`;
    const data: V = {
      kind: 'compute#route',
      name,
      description: 'Default route to the Internet.',
      network: selfLink,
      destRange: '0.0.0.0/0',
      priority: 1000,
      nextHopGateway: nextHopGateway('default-internet-gateway', { project, region: 'global' })!,
      selfLink: `https://www.googleapis.com/compute/v1/${id}`,
    };
    docs.push({ resource: net.resource, data, asset: assetOf('compute.googleapis.com/Route', id, data) });
  }
  return { docs, skipped };
}

/** The hierarchy node hierarchy-level data sets are kept under (a Terraform tree does not know the organization). */
const IAC_ORGANIZATION = 'organizations/iac';

const regionOfId = (id: string): string => {
  const m = /\/(regions|zones|locations)\/([^/]+)\//.exec(id);
  if (!m) return 'global';
  return m[1] === 'zones' || /-[a-z]$/.test(m[2]!) ? m[2]!.replace(/-[a-z]$/, '') : m[2]!;
};

export function mapGoogle(
  resources: TfResource[],
  taints: TfTaint[],
): { inventory: GcpInventory; errors: InputError[]; warnings: SnapshotWarning[] } {
  const google = resources.filter((r) => r.provider === 'google');
  const docs: Doc[] = [];
  const skipped: Skip[] = [];
  const projects = new Set<string>();
  const byId = new Map<string, Doc>();
  const unmapped = new Map<string, TfResource>();
  const projectOf = (r: TfResource): string =>
    typeof r.values.project === 'string' ? r.values.project : r.account || IAC_PROJECT;
  for (const r of google) {
    const k = KINDS[r.type];
    const feeds = UNMAPPED_FEEDS[r.type];
    if (feeds) {
      // A resource without a project of its own (a service networking connection) is in its network's project.
      const network = typeof r.values.network === 'string' ? /projects\/([^/]+)\//.exec(r.values.network) : null;
      const project = typeof r.values.project !== 'string' && network ? network[1]! : projectOf(r);
      projects.add(project);
      skipped.push({
        r,
        dataset: feeds,
        project,
        region: 'global',
        reason: `${r.type} is not mapped to the GCP inventory, so what it changes is not known`,
      });
      continue;
    }
    if (!k) {
      const elsewhere =
        r.type === 'google_compute_network_peering' || ROUTER_PARTS[r.type] !== undefined || linksRouter(r);
      if (!elsewhere && !isHierarchyType(r.type) && !isFirewallPolicyPart(r.type) && !unmapped.has(r.type))
        unmapped.set(r.type, r);
      continue;
    }
    const project = projectOf(r);
    projects.add(project);
    const id = r.values.id;
    const name = r.values.name;
    const u = isUnknown(id) ? id : isUnknown(name) && k.kind ? name : undefined;
    if (u || typeof id !== 'string') {
      skipped.push({
        r,
        dataset: k.dataset,
        project,
        region: 'global',
        reason: `value not known before deploy: ${u ? u.toString() : `${r.address}.id`}`,
      });
      continue;
    }
    const c: Ctx = { project, region: regionOfId(id) };
    const data: V = { ...(k.kind ? { kind: k.kind } : {}), name: name ?? null, ...k.data(r.values, c, id) };
    if (k.kind?.startsWith('compute#')) data.selfLink = `https://www.googleapis.com/compute/v1/${id}`;
    const unknown = firstUnknown(data);
    if (unknown) {
      skipped.push({
        r,
        dataset: k.dataset,
        project,
        region: c.region,
        reason: `value not known before deploy: ${unknown.toString()}`,
      });
      continue;
    }
    const d = { resource: r, asset: assetOf(k.assetType, id, data), data };
    docs.push(d);
    byId.set(id, d);
  }
  const bare = (x: Value | undefined) =>
    typeof x === 'string' ? x.replace(/^https:\/\/www\.googleapis\.com\/compute\/v1\//, '') : '';
  // The network lists its subnetworks; the router lists its NATs.
  for (const d of docs)
    if (d.resource.type === 'google_compute_subnetwork' && typeof d.data.network === 'string') {
      const net = byId.get(bare(d.data.network));
      if (net) (net.data.subnetworks as Value[]).push(d.data.selfLink!);
    }
  // An interface given only its subnetwork is on the subnetwork's network (the API fills it in).
  for (const d of docs)
    if (d.resource.type === 'google_compute_instance')
      for (const n of blocks(d.data.networkInterfaces))
        if (n.network === undefined) {
          const network = byId.get(bare(n.subnetwork))?.data.network;
          if (network !== undefined) n.network = network;
        }
  settlePscEndpoints(docs, byId, projectOf, bare);
  // NATs, BGP peers and interfaces (and VPN tunnels or Interconnect attachments naming a router) join their router.
  for (const r of google) {
    const part = ROUTER_PARTS[r.type] ?? (linksRouter(r) ? ROUTER_LINK : undefined);
    if (!part) continue;
    const project = projectOf(r);
    const region = typeof r.values.region === 'string' ? r.values.region : r.region;
    const router = byId.get(`projects/${project}/regions/${region}/routers/${text(r.values.router).split('/').at(-1)}`);
    const item = part.item(r);
    const unknown = firstUnknown(item) ?? (isUnknown(r.values.router) ? r.values.router : undefined);
    if (unknown || !router) {
      skipped.push({
        r,
        dataset: 'compute:routers',
        project,
        region,
        reason: unknown
          ? `value not known before deploy: ${unknown.toString()}`
          : `its router ${text(r.values.router)} is not declared in the scanned code`,
      });
      continue;
    }
    (router.data[part.list] as Value[]).push(item);
  }
  const regionOfResource = (r: TfResource) =>
    typeof r.values.region === 'string' ? r.values.region.slice(r.values.region.lastIndexOf('/') + 1) : r.region;
  const firewallPolicies = renderFirewallPolicies(google, projectOf, regionOfResource);
  const networks = new Map(
    docs.filter((d) => d.resource.type === 'google_compute_network').map((d) => [bare(d.data.selfLink), d]),
  );
  skipped.push(...firewallPolicies.skipped, ...addPeerings(google, networks, projectOf));
  const defaults = defaultInternetRoutes(networks.values());
  docs.push(...defaults.docs);
  skipped.push(...defaults.skipped);
  const hierarchy = renderHierarchy(google, projectOf);
  skipped.push(...hierarchy.skipped);
  docs.push(...firewallPolicies.docs, ...hierarchy.docs);
  for (const p of hierarchy.declaredProjects.keys()) projects.add(p);
  for (const s of skipped) if (GCP_DATASETS[s.dataset].level === 'project') projects.add(s.project);
  const manifest = {
    cordonSnapshot: 1,
    provider: 'gcp',
    projects: [...projects].sort(),
    datasets: (Object.keys(GCP_DATASETS) as GcpDataset[]).filter((d) => TERRAFORM_GCP_DATASETS.has(d)),
  };
  const read = loadGcpSnapshotFromTexts([
    { name: 'terraform-manifest.json', text: JSON.stringify(manifest) },
    // With nothing rendered (every resource left out as not known) there is no document: an empty list says nothing
    // and the snapshot reader rejects it, which would name a file that does not exist.
    ...(docs.length > 0 ? [{ name: 'terraform.json', text: JSON.stringify(docs.map((d) => d.asset)) }] : []),
  ]);
  const inv = read.inventory;
  const errors = pointBackAtDeclarations(
    inv,
    docs.map((d) => d.resource),
    read.errors,
  );
  // Hierarchical firewall policies: the tree declares the ones it manages (none, in a project's tree) under one
  // stand-in organization, since the real ancestors are not known before deploy (docs/iac.md).
  inv.datasets.set(IAC_ORGANIZATION, new Set(['compute:hierarchical-firewall-policies']));
  // A declared project: its enabled services and its own organization policies are those the tree declares.
  // So are a declared folder's policies.
  const declare = (scope: string, ...datasets: GcpDataset[]) => {
    const sets = inv.datasets.get(scope) ?? new Set<GcpDataset>();
    for (const d of datasets) sets.add(d);
    inv.datasets.set(scope, sets);
  };
  for (const project of hierarchy.declaredProjects.keys())
    declare(project, 'serviceusage:services', 'orgpolicy:policies');
  for (const folder of hierarchy.declaredFolders) declare(folder, 'orgpolicy:policies');
  for (const p of inv.projects) {
    const why = hierarchy.unknownAncestors.get(p.projectId);
    if (why) p.ancestorsUnknown = why;
  }
  const addSkip = (project: string, region: string, dataset: GcpDataset, item: GcpSkippedItem) => {
    const key = GCP_DATASETS[dataset].level === 'hierarchy' ? IAC_ORGANIZATION : gcpScopeKey({ project, region });
    const m = inv.partial.get(key) ?? new Map<GcpDataset, GcpSkippedItem[]>();
    m.set(dataset, [...(m.get(dataset) ?? []), item]);
    inv.partial.set(key, m);
    const scope = GCP_DATASETS[dataset].level === 'hierarchy' ? IAC_ORGANIZATION : project;
    const sets = inv.datasets.get(scope) ?? new Set<GcpDataset>();
    sets.add(dataset);
    inv.datasets.set(scope, sets);
  };
  for (const s of skipped)
    addSkip(s.project, s.region, s.dataset, {
      file: s.r.origin.file,
      line: s.r.origin.line,
      pointer: s.r.address,
      reason: s.reason,
    });
  for (const t of taints) {
    if (t.provider !== 'google' && t.provider !== '*') continue;
    // A resource of a type that changes no data set cordon reads (IAM grants, service accounts, keys, buckets): its
    // unknown count hides nothing (the blueprint's KMS grant to a service agent made every network data set partial).
    if (t.type !== undefined && NO_NETWORK_DATA.test(t.type)) continue;
    const targets = t.account === EVERY_SCOPE || t.provider === '*' ? [...projects] : [t.account];
    for (const project of targets.length ? targets : [IAC_PROJECT])
      for (const d of [...TERRAFORM_GCP_DATASETS, ...TERRAFORM_GCP_DECLARED_DATASETS])
        addSkip(project, 'global', d, {
          file: t.origin.file,
          line: t.origin.line,
          pointer: t.address,
          reason: t.reason,
        });
  }
  // Types without a mapping: said once each, so their absence from the report is not read as a pass.
  const warnings: SnapshotWarning[] = [...unmapped.values()]
    .sort((a, b) => a.type.localeCompare(b.type))
    .map((r) => ({
      file: r.origin.file,
      line: r.origin.line,
      message: `${r.type} (${r.address}…) is not mapped to the GCP inventory; no check ran on it`,
    }));
  return { inventory: inv, errors, warnings };
}

/**
 * A Private Service Connect endpoint (a forwarding rule whose target is a service attachment the tree declares) as
 * the API reports it after deploy: its IP address (an address resource the rule names is read as the address it holds;
 * one Google picks stays the name, so verify leaves the endpoint a gap) and `pscConnectionStatus` from the attachment's
 * connection preference: ACCEPT_AUTOMATIC accepts every consumer; ACCEPT_MANUAL accepts a consumer project (id or
 * number) or network in `consumer_accept_lists`, rejects one in `consumer_reject_lists`, and leaves the rest PENDING
 * (verify: "cannot decide"). A preference not known before deploy leaves the attachment out (its data set is partial,
so the scope is not verified); any other value is taken as accepting, the side that never passes silently.
 */
function settlePscEndpoints(
  docs: readonly Doc[],
  byId: ReadonlyMap<string, Doc>,
  projectOf: (r: TfResource) => string,
  bare: (x: Value | undefined) => string,
): void {
  for (const d of docs) {
    if (d.resource.type !== 'google_compute_forwarding_rule') continue;
    const attachment = byId.get(bare(d.data.target));
    if (attachment?.resource.type !== 'google_compute_service_attachment') continue;
    const address = byId.get(bare(d.data.IPAddress));
    if (address?.resource.type === 'google_compute_address' && typeof address.data.address === 'string')
      d.data.IPAddress = address.data.address;
    // The asset holds this same data object: what is set here is what the snapshot reader reads.
    const a = attachment.data;
    const project = projectOf(d.resource);
    const network = bare(d.data.network);
    // A list entry names a project (id or number, "projects/x") or a network (its URL or relative name).
    const namesConsumer = (x: Value | undefined) =>
      list(x).some((s) =>
        /\/networks\//.test(bare(s)) ? network !== '' && bare(s) === network : bare(s).split('/').at(-1) === project,
      );
    const accepted = blocks(a.consumerAcceptLists).some(
      (l) => namesConsumer(l.projectIdOrNum) || namesConsumer(l.networkUrl),
    );
    d.data.pscConnectionStatus =
      a.connectionPreference === 'ACCEPT_MANUAL'
        ? namesConsumer(a.consumerRejectLists)
          ? 'REJECTED'
          : accepted
            ? 'ACCEPTED'
            : 'PENDING'
        : 'ACCEPTED';
  }
}
