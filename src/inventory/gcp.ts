/**
 * The Google Cloud inventory: typed, normalised resources with their origin, filled by the GCP snapshot source and the
 * live collector. Field names follow the REST resources of the APIs named in docs/gcp-snapshots.md (Compute Engine v1,
 * Cloud DNS v1, Access Context Manager v1, Org Policy v2, Vertex AI v1, Notebooks v2, Resource Manager v3, Service
 * Usage v1), camelCase as the JSON representation writes them.
 *
 * Normalisation:
 * - Resource ids are relative resource names without the API host or version ("projects/p/global/networks/n",
 *   "projects/p/regions/r/subnetworks/s", "projects/p/managedZones/z"): `gcpIdKey` turns a self link
 *   (https://www.googleapis.com/compute/v1/…), a Cloud Asset name (//compute.googleapis.com/…) or a relative name into
 *   that form, so references compare with `sameGcpId`.
 * - Projects are named by project id. APIs that name a project by number (VPC-SC perimeter resources, Vertex AI's
 *   `network`, asset ancestors) are rewritten to the id by the source when the project is known (`resolveProjectRefs`).
 * - Region is the resource's region, "global" for global resources; zonal resources (instances, Workbench) carry their
 *   zone and the region it belongs to.
 */
import type { IacLanguage } from './input-kind.js';
import type { Origin } from '../findings/types.js';

export type Labels = Record<string, string>;

export interface GcpScoped {
  /** Project id (not number) where known; the number when the data never names the id. */
  project: string;
  /** Region, or "global". */
  region: string;
  origin: Origin;
  /** Relative resource name: compare with gcpIdKey / sameGcpId. */
  id: string;
  name: string;
}

export interface GcpLabelled extends GcpScoped {
  labels: Labels;
}

// ---------------------------------------------------------------------------------------------------------------
// Resource ids

const ID_PREFIXES = [
  /^https?:\/\/(?:www|compute)\.googleapis\.com\/compute\/(?:v1|beta|alpha)\//,
  /^https?:\/\/dns\.googleapis\.com\/dns\/(?:v1|v1beta2)\//,
  /^https?:\/\/[a-z0-9-]+\.googleapis\.com\/(?:v\d[a-z0-9]*\/)?/,
  /^\/\/[a-z0-9-]+\.googleapis\.com\//,
];

// Checks compare the same few thousand references many times over; the regex work is memoised (bounded).
const idKeys = new Map<string, string>();

/** The one way cordon compares GCP resource references: the relative name, without host, version or slashes. */
export function gcpIdKey(ref: string): string {
  const hit = idKeys.get(ref);
  if (hit !== undefined) return hit;
  let s = ref.trim();
  for (const re of ID_PREFIXES) s = s.replace(re, '');
  s = s.replace(/^\/+|\/+$/g, '');
  if (idKeys.size > 200_000) idKeys.clear();
  idKeys.set(ref, s);
  return s;
}

export function sameGcpId(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && gcpIdKey(a) === gcpIdKey(b);
}

/** The project segment of a relative name ("projects/p/…" → "p"). */
export function projectOfId(ref: string): string | undefined {
  const m = /^projects\/([^/]+)/.exec(gcpIdKey(ref));
  return m?.[1];
}

/** The last segment of a reference (a resource's short name). */
export function shortName(ref: string): string {
  const k = gcpIdKey(ref);
  return k.slice(k.lastIndexOf('/') + 1);
}

/** "us-central1-a" → "us-central1". */
export function regionOfZone(zone: string): string {
  const z = shortName(zone);
  return /^[a-z]+-[a-z]+\d+-[a-z]$/.test(z) ? z.slice(0, z.lastIndexOf('-')) : z;
}

// ---------------------------------------------------------------------------------------------------------------
// Projects and the resource hierarchy

export interface GcpProject extends GcpLabelled {
  projectId: string;
  projectNumber?: string;
  /** Parent chain nearest first: "folders/123", "organizations/456" (the project itself excluded). */
  ancestors: string[];
  /**
   * Set when the chain stops short of the organization because what is above is not known (IaC before deploy: no
   * literal org_id): why. Policies above are then unknown; only a node below that decides gives a result.
   */
  ancestorsUnknown?: string;
  /** ACTIVE, DELETE_REQUESTED… as written. */
  state?: string;
  /** Shared VPC: HOST when the project is a host project (compute project resource, xpnProjectStatus). */
  xpnProjectStatus?: string;
}

/** An enabled API of a project (serviceusage.googleapis.com/Service with state ENABLED). */
export interface GcpEnabledService extends GcpScoped {
  /** e.g. "aiplatform.googleapis.com". */
  service: string;
  state?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// VPC networks

export interface GcpNetworkPeering {
  name: string;
  /** Id of the peer network. */
  network: string;
  /** ACTIVE / INACTIVE. */
  state?: string;
  exportCustomRoutes?: boolean;
  importCustomRoutes?: boolean;
  exchangeSubnetRoutes?: boolean;
  pointer: string;
}

export interface GcpNetwork extends GcpScoped {
  autoCreateSubnetworks?: boolean;
  /** Ids of the network's subnetworks as the network lists them. */
  subnetworks: string[];
  peerings: GcpNetworkPeering[];
  /** REGIONAL / GLOBAL. */
  routingMode?: string;
  /** AFTER_CLASSIC_FIREWALL (default) / BEFORE_CLASSIC_FIREWALL. */
  networkFirewallPolicyEnforcementOrder?: string;
}

/**
 * Whether a subnetwork holds VMs: purpose PRIVATE (the default) or its legacy name PRIVATE_RFC_1918 ("regular user
 * created or automatically created subnet", Compute Engine v1), or PEER_MIGRATION (a VM subnetwork in transit between
 * peered networks). Proxy-only, PSC producer and private NAT subnetworks hold no VMs.
 */
export function holdsVms(s: { purpose?: string }): boolean {
  return !s.purpose || ['PRIVATE', 'PRIVATE_RFC_1918', 'PEER_MIGRATION'].includes(s.purpose);
}

export interface GcpSubnetworkLogConfig {
  enable?: boolean;
  aggregationInterval?: string;
  flowSampling?: number;
  /** INCLUDE_ALL_METADATA, EXCLUDE_ALL_METADATA, CUSTOM_METADATA. */
  metadata?: string;
  /** With CUSTOM_METADATA: the metadata fields kept ("src_instance", "dest_vpc", …). */
  metadataFields?: string[];
  filterExpr?: string;
}

export interface GcpSubnetwork extends GcpScoped {
  network: string;
  ipCidrRange?: string;
  secondaryIpRanges: { rangeName: string; ipCidrRange: string }[];
  /** IPv6 internal or external range where the subnet is dual-stack. */
  ipv6CidrRange?: string;
  externalIpv6Prefix?: string;
  privateIpGoogleAccess?: boolean;
  /** PRIVATE (default), PRIVATE_SERVICE_CONNECT, REGIONAL_MANAGED_PROXY, … */
  purpose?: string;
  stackType?: string;
  /** Absent: flow logs off (the API omits logConfig when never configured). */
  logConfig?: GcpSubnetworkLogConfig;
}

/** One entry of a VPC firewall rule's allowed / denied list. */
export interface GcpProtocolPorts {
  /** "tcp", "udp", "icmp", "all", or a protocol number, as written. */
  protocol: string;
  /** "443", "8000-8080"; empty means every port. */
  ports: string[];
}

export interface GcpFirewallRule extends GcpScoped {
  network: string;
  /** INGRESS / EGRESS (INGRESS when omitted). */
  direction: string;
  /** 0 … 65535, lower wins; 1000 when omitted. */
  priority: number;
  sourceRanges: string[];
  destinationRanges: string[];
  sourceTags: string[];
  targetTags: string[];
  sourceServiceAccounts: string[];
  targetServiceAccounts: string[];
  allowed: GcpProtocolPorts[];
  denied: GcpProtocolPorts[];
  disabled: boolean;
  logEnabled?: boolean;
}

export interface GcpFirewallPolicyRule {
  priority: number;
  /** INGRESS / EGRESS. */
  direction: string;
  /** allow, deny, goto_next, apply_security_profile_group. */
  action: string;
  srcIpRanges: string[];
  destIpRanges: string[];
  srcFqdns: string[];
  destFqdns: string[];
  srcRegionCodes: string[];
  destRegionCodes: string[];
  srcAddressGroups: string[];
  destAddressGroups: string[];
  srcThreatIntelligences: string[];
  destThreatIntelligences: string[];
  srcSecureTags: string[];
  layer4Configs: GcpProtocolPorts[];
  /** Network / instance targets (self links); empty means every instance the policy applies to. */
  targetResources: string[];
  targetServiceAccounts: string[];
  targetSecureTags: string[];
  /**
   * INSTANCES (the default) or INTERNAL_MANAGED_LB: a rule for internal managed load balancers' front ends does not
   * filter VM network interfaces. `targetForwardingRules` narrows such a rule to some forwarding rules.
   */
  targetType?: string;
  targetForwardingRules?: string[];
  /**
   * The network context (`srcNetworkType`, renamed `srcNetworkContext`: INTERNET, NON_INTERNET, VPC_NETWORKS,
   * INTRA_VPC) a packet must also be in, with `srcNetworks` for VPC_NETWORKS; `destNetworkType` for egress rules.
   */
  srcNetworkType?: string;
  srcNetworks?: string[];
  destNetworkType?: string;
  disabled: boolean;
  enableLogging?: boolean;
  description?: string;
  ruleName?: string;
  pointer: string;
}

export interface GcpFirewallPolicy extends GcpScoped {
  /**
   * hierarchical: attached to an organization or folder (firewallPolicies/123, parent organizations/… or folders/…);
   * network: a global network firewall policy; regional: a regional network firewall policy.
   */
  kind: 'hierarchical' | 'network' | 'regional';
  /** For hierarchical policies: "organizations/N" or "folders/N". */
  parent?: string;
  displayName?: string;
  /** Where the policy is attached: networks (network policies), organizations / folders (hierarchical). */
  associations: { name?: string; attachmentTarget: string }[];
  rules: GcpFirewallPolicyRule[];
}

export interface GcpRoute extends GcpScoped {
  network: string;
  destRange: string;
  /** 1000 when omitted; lower wins among equally specific routes. */
  priority: number;
  /** Network tags the route applies to; empty: every instance. */
  tags: string[];
  nextHopGateway?: string;
  nextHopIp?: string;
  nextHopInstance?: string;
  nextHopIlb?: string;
  nextHopVpnTunnel?: string;
  nextHopPeering?: string;
  nextHopNetwork?: string;
  nextHopHub?: string;
  /** SUBNET, STATIC, BGP, TRANSIT. */
  routeType?: string;
}

export interface GcpCloudNat {
  name: string;
  /** ALL_SUBNETWORKS_ALL_IP_RANGES, ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES, LIST_OF_SUBNETWORKS. */
  sourceSubnetworkIpRangesToNat?: string;
  subnetworks: { name: string; sourceIpRangesToNat: string[] }[];
  natIpAllocateOption?: string;
  /** PUBLIC (default) or PRIVATE (inter-VPC NAT). */
  type?: string;
  logEnabled?: boolean;
  pointer: string;
}

export interface GcpRouter extends GcpScoped {
  network: string;
  nats: GcpCloudNat[];
  /**
   * BGP sessions (`bgpPeers`; `enable` FALSE turns one off) and interfaces linked to a VPN tunnel or an Interconnect
   * attachment: the routes they learn are dynamic routes, which compute:routes does not list. Undefined: not read.
   */
  bgpPeers?: { name: string; enable?: string; pointer: string }[];
  interfaces?: { name: string; linkedVpnTunnel?: string; linkedInterconnectAttachment?: string; pointer: string }[];
}

/**
 * A route a Cloud Router reports in routers.getRouterStatus (RouterStatus.bestRoutes: the dynamic routes programmed
 * in the router's region; bestRoutesForRouter: the best routes the router itself learned). Dynamic routes have
 * routeType BGP; the next hop leaves Google Cloud (a VPN tunnel, a VLAN attachment, a router appliance's address).
 */
export interface GcpLearnedRoute {
  destRange: string;
  /** As reported; in other regions of a GLOBAL network Google adds a region-to-region cost to it (never subtracts). */
  priority: number;
  nextHopIp?: string;
  nextHopVpnTunnel?: string;
  nextHopInterconnectAttachment?: string;
  nextHopHub?: string;
  nextHopInstance?: string;
  /** BGP, TRANSIT, STATIC, SUBNET. */
  routeType?: string;
  /** ACTIVE, DROPPED (over the dynamic route limit), INACTIVE, PENDING. */
  routeStatus?: string;
  /** Which list of the status it came from. */
  list: 'bestRoutes' | 'bestRoutesForRouter';
  pointer: string;
}

/**
 * What routers.getRouterStatus answered for one Cloud Router (RouterStatusResponse.result): `id` is the router's id
 * (the status names no router itself; the snapshot says which, docs/gcp-snapshots.md).
 */
export interface GcpRouterStatus extends GcpScoped {
  /** The network as the status names it, if it does. */
  network?: string;
  routes: GcpLearnedRoute[];
  /**
   * The BGP sessions (RouterStatus.bgpPeerStatus): `status` UP, DOWN or UNKNOWN. A session not UP has withdrawn what
   * it learned (custom learned routes too), which comes back when it is up again.
   */
  peers: { name: string; status?: string; pointer: string }[];
}

export interface GcpAddress extends GcpLabelled {
  address?: string;
  /** INTERNAL / EXTERNAL. */
  addressType?: string;
  /** GCE_ENDPOINT, PRIVATE_SERVICE_CONNECT, VPC_PEERING, SHARED_LOADBALANCER_VIP, … */
  purpose?: string;
  network?: string;
  subnetwork?: string;
  status?: string;
  users: string[];
  ipVersion?: string;
  prefixLength?: number;
}

/**
 * A Private Service Connect service attachment (Compute API `serviceAttachments`): a producer's internal load balancer
 * forwarding rule (`targetService`) published to consumers' PSC endpoints, whose connections reach its backends from
 * the NAT subnets' addresses.
 */
export interface GcpServiceAttachment extends GcpScoped {
  targetService?: string;
  natSubnets: string[];
  /** ACCEPT_AUTOMATIC or ACCEPT_MANUAL. */
  connectionPreference?: string;
}

export interface GcpForwardingRule extends GcpLabelled {
  /** The address (an IP or an address resource's id) as written. */
  IPAddress?: string;
  IPProtocol?: string;
  /** EXTERNAL, EXTERNAL_MANAGED, INTERNAL, INTERNAL_MANAGED, INTERNAL_SELF_MANAGED; empty for PSC endpoints. */
  loadBalancingScheme?: string;
  /**
   * For Private Service Connect endpoints: "all-apis" / "vpc-sc" (Google APIs bundles) or a service attachment's id;
   * otherwise a target proxy / pool / instance id.
   */
  target?: string;
  network?: string;
  subnetwork?: string;
  /** Passthrough Network Load Balancers with a backend service (instead of a target pool or instance). */
  backendService?: string;
  /** Internal load balancers: clients in every region of the network, not only the forwarding rule's. */
  allowGlobalAccess?: boolean;
  pscConnectionStatus?: string;
  allowPscGlobalAccess?: boolean;
  portRange?: string;
  ports: string[];
  allPorts?: boolean;
}

/**
 * A backend service (global or regional; Compute API `backendServices` / `regionBackendServices`): what a load
 * balancer delivers to. Backends name instance groups or network endpoint groups.
 */
export interface GcpBackendService extends GcpScoped {
  /** EXTERNAL, EXTERNAL_MANAGED, INTERNAL, INTERNAL_MANAGED, INTERNAL_SELF_MANAGED. */
  loadBalancingScheme?: string;
  /** HTTP, HTTPS, HTTP2, H2C, TCP, SSL, UDP, GRPC, UNSPECIFIED. */
  protocol?: string;
  /** The instance groups' named port the load balancer connects to (proxy load balancers). */
  portName?: string;
  /** Deprecated fixed backend port; when set without a named port, the port used. */
  port?: number;
  /** For internal passthrough load balancers: the network of the backends. */
  network?: string;
  /** A Cloud Armor policy: it can only narrow who reaches the backends, never widen. */
  securityPolicy?: string;
  backends: { group: string; pointer: string }[];
}

/** A URL map: the backend services an Application Load Balancer's proxy sends requests to. */
export interface GcpUrlMap extends GcpScoped {
  /**
   * Every backend service (or backend bucket) the map can send a request to: defaultService, the path matchers'
   * default services, path rules, route rules and weighted backend services of route actions.
   */
  services: string[];
}

/** A target proxy: an Application (HTTP/HTTPS/gRPC) proxy with its URL map, or a proxy Network LB (TCP/SSL). */
export interface GcpTargetProxy extends GcpScoped {
  /** targetHttpProxy, targetHttpsProxy, targetGrpcProxy, targetTcpProxy, targetSslProxy (the API's kind). */
  proxyKind: string;
  urlMap?: string;
  /** TCP and SSL proxies: the backend service. */
  service?: string;
}

/** A target pool (the legacy external passthrough Network Load Balancer): its instances are listed on it. */
export interface GcpTargetPool extends GcpScoped {
  instances: string[];
}

/**
 * An instance group (zonal or regional, managed or unmanaged). The group resource does not list its members:
 * `members` holds what instanceGroups.listInstances (regionInstanceGroups.listInstances) returned, and is undefined
 * when that was not read: then the group's members are unknown, never none.
 */
export interface GcpInstanceGroup extends GcpScoped {
  zone?: string;
  network?: string;
  subnetwork?: string;
  namedPorts: { name: string; port: number }[];
  size?: number;
  members?: string[];
}

/**
 * A network endpoint group. GCE_VM_IP / GCE_VM_IP_PORT endpoints are VM interfaces; SERVERLESS (Cloud Run, App
 * Engine, Cloud Functions), INTERNET_IP_PORT / INTERNET_FQDN_PORT (outside Google Cloud), NON_GCP_PRIVATE_IP_PORT
 * (hybrid) and PRIVATE_SERVICE_CONNECT are not VMs of the model. `endpoints` is what listNetworkEndpoints returned
 * (undefined: not read).
 */
export interface GcpNetworkEndpointGroup extends GcpScoped {
  networkEndpointType?: string;
  zone?: string;
  network?: string;
  subnetwork?: string;
  size?: number;
  endpoints?: { instance?: string; ipAddress?: string; port?: number }[];
}

export interface GcpAccessConfig {
  /** ONE_TO_ONE_NAT, DIRECT_IPV6. */
  type?: string;
  natIP?: string;
  externalIpv6?: string;
}

export interface GcpInstanceNetworkInterface {
  name?: string;
  network?: string;
  subnetwork?: string;
  networkIP?: string;
  ipv6Address?: string;
  /** An entry here (even without natIP: an ephemeral address) gives the interface an external IPv4 address. */
  accessConfigs: GcpAccessConfig[];
  ipv6AccessConfigs: GcpAccessConfig[];
  aliasIpRanges: string[];
  pointer: string;
}

export interface GcpInstance extends GcpLabelled {
  /** The zone ("us-central1-a"); region holds the region. */
  zone: string;
  status?: string;
  networkInterfaces: GcpInstanceNetworkInterface[];
  /** Network tags (tags.items). */
  tags: string[];
  serviceAccounts: string[];
  canIpForward?: boolean;
}

// ---------------------------------------------------------------------------------------------------------------
// Cloud DNS

export interface GcpManagedZone extends GcpLabelled {
  /** With the trailing dot, as the API writes it: "googleapis.com.". */
  dnsName: string;
  /** public / private. Public when omitted. */
  visibility: string;
  /** Networks a private zone is bound to (privateVisibilityConfig.networks[].networkUrl). */
  networks: string[];
  gkeClusters: string[];
  /** Forwarding zones: target name servers. */
  forwardingTargets: string[];
  /** Peering zones: the network whose resolution order answers. */
  peeringTargetNetwork?: string;
  /** Service Directory namespace zones, response policy zones etc. are kept as written. */
  serviceDirectoryNamespace?: string;
  cloudLoggingEnabled?: boolean;
}

export interface GcpRecordSet extends GcpScoped {
  /** The managed zone's id. */
  zone: string;
  /** Fully qualified with the trailing dot ("aiplatform.googleapis.com."). */
  dnsName: string;
  type: string;
  ttl?: number;
  rrdatas: string[];
}

export interface GcpDnsPolicy extends GcpScoped {
  networks: string[];
  enableLogging?: boolean;
  enableInboundForwarding?: boolean;
  alternativeNameServers: string[];
}

/**
 * A Cloud DNS response policy (`gcloud dns response-policies list`): its rules answer the networks it is bound to
 * before any private zone (https://cloud.google.com/dns/docs/vpc-name-res-order).
 */
export interface GcpDnsResponsePolicy extends GcpScoped {
  networks: string[];
}

/** A response policy rule (`gcloud dns response-policies rules list --response-policy P`). */
export interface GcpDnsResponsePolicyRule extends GcpScoped {
  /** The policy's id, "projects/<p>/responsePolicies/<name>". */
  policy: string;
  dnsName: string;
  /** "bypassResponsePolicy" sends matching queries on to the private zones and public DNS. */
  behavior?: string;
  localData: { name: string; type: string; rrdatas: string[] }[];
}

// ---------------------------------------------------------------------------------------------------------------
// VPC Service Controls and organization policies

export interface GcpPerimeterConfig {
  /** "projects/<number>" as the API writes them, rewritten to "projects/<id>" where the project is known. */
  resources: string[];
  restrictedServices: string[];
  accessLevels: string[];
  vpcAccessibleServices?: { enableRestriction?: boolean; allowedServices: string[] };
  ingressPolicies: number;
  egressPolicies: number;
  /** The ingress and egress policies, as far as cordon judges what they open (perimeter.ts). */
  ingress: GcpPerimeterRule[];
  egress: GcpPerimeterRule[];
  pointer: string;
}

/**
 * An ingress or egress policy of a perimeter (Access Context Manager v1 IngressPolicy / EgressPolicy): who
 * (ingressFrom / egressFrom), from where (ingress sources), to what (ingressTo / egressTo resources and operations).
 */
export interface GcpPerimeterRule {
  /** ANY_IDENTITY, ANY_USER_ACCOUNT or ANY_SERVICE_ACCOUNT; undefined when the policy lists identities. */
  identityType?: string;
  identities: string[];
  /** Ingress sources: access levels ("*" admits requests from any origin) and resources (projects, VPC networks). */
  sourceAccessLevels: string[];
  sourceResources: string[];
  /** Resources the policy reaches (ingress: inside the perimeter; egress: outside it); "*" is every resource. */
  resources: string[];
  /** Services ("*": every service) with their method or permission selectors ("*" or none: every method). */
  operations: { serviceName: string; methods: string[] }[];
  /** IAM roles granted instead of operations (ingressTo / egressTo roles): what they allow is not read. */
  roles: string[];
  /** The policy lacks its from or to part, so what it opens is not known. */
  incomplete: boolean;
  pointer: string;
}

/**
 * An access level (Access Context Manager v1 AccessLevel). A perimeter's accessLevels admit any identity whose
 * request meets one of them; an ingress policy's sources name them too.
 */
export interface GcpAccessLevel {
  origin: Origin;
  /** "accessPolicies/N/accessLevels/L". */
  id: string;
  name: string;
  title?: string;
  /** A basic level's conditions and how they combine (AND unless OR); a custom level is a CEL expression. */
  basic?: { combiningFunction: string; conditions: GcpAccessLevelCondition[] };
  customExpression?: string;
}

export interface GcpAccessLevelCondition {
  ipSubnetworks: string[];
  requiredAccessLevels: string[];
  members: string[];
  regions: string[];
  negate: boolean;
  /** Restrictions cordon does not evaluate but that narrow who meets the condition. */
  devicePolicy: boolean;
  vpcNetworkSources: number;
  /** A CEL expression the condition also requires (Condition.expr), which cordon does not evaluate. */
  expression?: string;
}

export interface GcpServicePerimeter {
  origin: Origin;
  /** "accessPolicies/N/servicePerimeters/P". */
  id: string;
  name: string;
  title?: string;
  /** PERIMETER_TYPE_REGULAR (default) / PERIMETER_TYPE_BRIDGE. */
  perimeterType: string;
  /** Enforced configuration. */
  status?: GcpPerimeterConfig;
  /** Dry-run configuration (meaningful when useExplicitDryRunSpec is true). */
  spec?: GcpPerimeterConfig;
  useExplicitDryRunSpec: boolean;
}

export interface GcpOrgPolicyRule {
  allowAll?: boolean;
  denyAll?: boolean;
  enforce?: boolean;
  allowedValues: string[];
  deniedValues: string[];
  /** A CEL condition makes the rule conditional (cordon then cannot tell whether it applies). */
  condition?: string;
}

export interface GcpOrgPolicy {
  origin: Origin;
  /** "projects/<id>/policies/<constraint>", "folders/N/policies/…", "organizations/N/policies/…". */
  id: string;
  /** "projects/<id>", "folders/N" or "organizations/N". */
  parent: string;
  /** Without the "constraints/" prefix: "compute.vmExternalIpAccess". */
  constraint: string;
  spec?: { rules: GcpOrgPolicyRule[]; inheritFromParent?: boolean; reset?: boolean };
  dryRunSpec?: { rules: GcpOrgPolicyRule[]; inheritFromParent?: boolean; reset?: boolean };
}

// ---------------------------------------------------------------------------------------------------------------
// Vertex AI and Workbench

export interface GcpPrivateServiceConnectConfig {
  enablePrivateServiceConnect?: boolean;
  projectAllowlist: string[];
}

export interface GcpVertexEndpoint extends GcpLabelled {
  displayName?: string;
  /** VPC-peered private endpoint: the consumer network. */
  network?: string;
  privateServiceConnectConfig?: GcpPrivateServiceConnectConfig;
  dedicatedEndpointEnabled?: boolean;
}

export interface GcpVertexIndexEndpoint extends GcpLabelled {
  displayName?: string;
  publicEndpointEnabled?: boolean;
  /** Output only, set when the index endpoint serves publicly (publicEndpointEnabled). */
  publicEndpointDomainName?: string;
  network?: string;
  privateServiceConnectConfig?: GcpPrivateServiceConnectConfig;
}

export interface GcpWorkbenchInstance extends GcpLabelled {
  /** The zone from the name ("projects/p/locations/us-central1-a/instances/i"). */
  zone: string;
  state?: string;
  /** gceSetup.disablePublicIp (v2) or noPublicIp (v1). */
  disablePublicIp?: boolean;
  networkInterfaces: { network?: string; subnet?: string; hasExternalIp: boolean; pointer: string }[];
  tags: string[];
  serviceAccounts: string[];
  /**
   * "v2" (notebooks.googleapis.com/v2 Instance), "v1" (legacy user-managed notebook) or "runtime" (a managed
   * notebooks runtime, Notebooks v1 Runtime: disablePublicIp is its virtualMachineConfig.internalIpOnly).
   */
  apiVersion: 'v1' | 'v2' | 'runtime';
}

// ---------------------------------------------------------------------------------------------------------------
// Data sets

export interface GcpDatasetInfo {
  /** Cloud Asset Inventory asset types that fill the data set. */
  assetTypes: readonly string[];
  /** The gcloud command that captures it in the gcloud shape. */
  command: string;
  /** The IAM permission that reading it needs. */
  permission: string;
  /** Where presence is tracked: per project, or per organization / folder (hierarchy-level resources). */
  level: 'project' | 'hierarchy';
}

export const GCP_DATASETS = {
  'resourcemanager:projects': {
    assetTypes: ['cloudresourcemanager.googleapis.com/Project'],
    command: 'gcloud projects describe PROJECT --format=json',
    permission: 'resourcemanager.projects.get',
    level: 'project',
  },
  'serviceusage:services': {
    assetTypes: ['serviceusage.googleapis.com/Service'],
    command: 'gcloud services list --enabled --project PROJECT --format=json',
    permission: 'serviceusage.services.list',
    level: 'project',
  },
  'compute:networks': {
    assetTypes: ['compute.googleapis.com/Network'],
    command: 'gcloud compute networks list --project PROJECT --format=json',
    permission: 'compute.networks.list',
    level: 'project',
  },
  'compute:subnetworks': {
    assetTypes: ['compute.googleapis.com/Subnetwork'],
    command: 'gcloud compute networks subnets list --project PROJECT --format=json',
    permission: 'compute.subnetworks.list',
    level: 'project',
  },
  'compute:firewalls': {
    assetTypes: ['compute.googleapis.com/Firewall'],
    command: 'gcloud compute firewall-rules list --project PROJECT --format=json',
    permission: 'compute.firewalls.list',
    level: 'project',
  },
  'compute:network-firewall-policies': {
    assetTypes: ['compute.googleapis.com/FirewallPolicy'],
    command:
      'gcloud compute network-firewall-policies list --project PROJECT --format=json (then describe each, global and --region)',
    permission: 'compute.firewallPolicies.list',
    level: 'project',
  },
  'compute:hierarchical-firewall-policies': {
    assetTypes: ['compute.googleapis.com/FirewallPolicy'],
    command:
      'gcloud compute firewall-policies list --organization ORG --format=json (and --folder FOLDER; then describe each)',
    permission: 'compute.firewallPolicies.list',
    level: 'hierarchy',
  },
  'compute:routes': {
    assetTypes: ['compute.googleapis.com/Route'],
    command: 'gcloud compute routes list --project PROJECT --format=json',
    permission: 'compute.routes.list',
    level: 'project',
  },
  'compute:routers': {
    assetTypes: ['compute.googleapis.com/Router'],
    command: 'gcloud compute routers list --project PROJECT --format=json',
    permission: 'compute.routers.list',
    level: 'project',
  },
  'compute:router-status': {
    // Not an asset: routers.getRouterStatus, read per router that has a BGP session or a linked tunnel/attachment.
    assetTypes: [],
    command:
      'gcloud compute routers get-status ROUTER --region REGION --project PROJECT --format=json (for each router with a BGP peer or an interface linked to a VPN tunnel or VLAN attachment; saved under projects/PROJECT/regions/REGION/routers/ROUTER/)',
    permission: 'compute.routers.get',
    level: 'project',
  },
  'compute:addresses': {
    assetTypes: ['compute.googleapis.com/Address', 'compute.googleapis.com/GlobalAddress'],
    command: 'gcloud compute addresses list --project PROJECT --format=json (lists regional and global addresses)',
    permission: 'compute.addresses.list',
    level: 'project',
  },
  'compute:forwarding-rules': {
    assetTypes: ['compute.googleapis.com/ForwardingRule', 'compute.googleapis.com/GlobalForwardingRule'],
    command: 'gcloud compute forwarding-rules list --project PROJECT --format=json (lists regional and global rules)',
    permission: 'compute.forwardingRules.list',
    level: 'project',
  },
  'compute:service-attachments': {
    assetTypes: ['compute.googleapis.com/ServiceAttachment'],
    command: 'gcloud compute service-attachments list --project PROJECT --format=json',
    permission: 'compute.serviceAttachments.list',
    level: 'project',
  },
  'compute:backend-services': {
    assetTypes: ['compute.googleapis.com/BackendService', 'compute.googleapis.com/RegionBackendService'],
    command:
      'gcloud compute backend-services list --project PROJECT --format=json (lists global and regional backend services)',
    permission: 'compute.backendServices.list',
    level: 'project',
  },
  'compute:url-maps': {
    assetTypes: ['compute.googleapis.com/UrlMap'],
    command: 'gcloud compute url-maps list --project PROJECT --format=json (global and regional)',
    permission: 'compute.urlMaps.list',
    level: 'project',
  },
  'compute:target-proxies': {
    assetTypes: [
      'compute.googleapis.com/TargetHttpProxy',
      'compute.googleapis.com/TargetHttpsProxy',
      'compute.googleapis.com/TargetTcpProxy',
      'compute.googleapis.com/TargetSslProxy',
    ],
    command:
      'gcloud compute target-http-proxies list, target-https-proxies list, target-tcp-proxies list, target-ssl-proxies list --project PROJECT --format=json',
    permission:
      'compute.targetHttpProxies.list, compute.targetHttpsProxies.list, compute.targetTcpProxies.list, compute.targetSslProxies.list',
    level: 'project',
  },
  'compute:target-pools': {
    assetTypes: ['compute.googleapis.com/TargetPool'],
    command: 'gcloud compute target-pools list --project PROJECT --format=json',
    permission: 'compute.targetPools.list',
    level: 'project',
  },
  'compute:instance-groups': {
    assetTypes: ['compute.googleapis.com/InstanceGroup'],
    command:
      'gcloud compute instance-groups list --project PROJECT --format=json, then list-instances for each group (members under "members", docs/snapshots.md)',
    permission: 'compute.instanceGroups.list, compute.instanceGroups.get',
    level: 'project',
  },
  'compute:network-endpoint-groups': {
    assetTypes: ['compute.googleapis.com/NetworkEndpointGroup'],
    command:
      'gcloud compute network-endpoint-groups list --project PROJECT --format=json, then list-network-endpoints for each (endpoints under "endpoints", docs/snapshots.md)',
    permission: 'compute.networkEndpointGroups.list',
    level: 'project',
  },
  'compute:instances': {
    assetTypes: ['compute.googleapis.com/Instance'],
    command: 'gcloud compute instances list --project PROJECT --format=json',
    permission: 'compute.instances.list',
    level: 'project',
  },
  'dns:managed-zones': {
    assetTypes: ['dns.googleapis.com/ManagedZone'],
    command: 'gcloud dns managed-zones list --project PROJECT --format=json',
    permission: 'dns.managedZones.list',
    level: 'project',
  },
  'dns:record-sets': {
    assetTypes: ['dns.googleapis.com/ResourceRecordSet'],
    command: 'gcloud dns record-sets list --zone ZONE --project PROJECT --format=json (for each private zone)',
    permission: 'dns.resourceRecordSets.list',
    level: 'project',
  },
  'dns:policies': {
    assetTypes: ['dns.googleapis.com/Policy'],
    command: 'gcloud dns policies list --project PROJECT --format=json',
    permission: 'dns.policies.list',
    level: 'project',
  },
  // Response policies and their rules: read from gcloud output (and Cloud Asset Inventory files when given); not
  // requested from the Asset API by `cordon collect gcp`, whose RESOURCE list names no types it has not been tested on.
  'dns:response-policies': {
    assetTypes: [],
    command: 'gcloud dns response-policies list --project PROJECT --format=json (under a folder projects/<project-id>)',
    permission: 'dns.responsePolicies.list',
    level: 'project',
  },
  'dns:response-policy-rules': {
    assetTypes: [],
    command:
      'gcloud dns response-policies rules list --response-policy POLICY --project PROJECT --format=json (under a folder projects/<project-id>/responsePolicies/<policy>)',
    permission: 'dns.responsePolicyRules.list',
    level: 'project',
  },
  'accesscontextmanager:service-perimeters': {
    assetTypes: ['accesscontextmanager.googleapis.com/ServicePerimeter'],
    command: 'gcloud access-context-manager perimeters list --policy POLICY --format=json',
    permission: 'accesscontextmanager.servicePerimeters.list',
    level: 'hierarchy',
  },
  'accesscontextmanager:access-levels': {
    assetTypes: ['accesscontextmanager.googleapis.com/AccessLevel'],
    command: 'gcloud access-context-manager levels list --policy POLICY --format=json',
    permission: 'accesscontextmanager.accessLevels.list',
    level: 'hierarchy',
  },
  'orgpolicy:policies': {
    assetTypes: ['orgpolicy.googleapis.com/Policy'],
    command:
      'gcloud org-policies list --project PROJECT --format=json (and --folder / --organization for every ancestor; then describe each)',
    permission: 'orgpolicy.policies.list',
    level: 'hierarchy',
  },
  'aiplatform:endpoints': {
    assetTypes: ['aiplatform.googleapis.com/Endpoint'],
    command: 'gcloud ai endpoints list --region REGION --project PROJECT --format=json',
    permission: 'aiplatform.endpoints.list',
    level: 'project',
  },
  'aiplatform:index-endpoints': {
    assetTypes: ['aiplatform.googleapis.com/IndexEndpoint'],
    command: 'gcloud ai index-endpoints list --region REGION --project PROJECT --format=json',
    permission: 'aiplatform.indexEndpoints.list',
    level: 'project',
  },
  'notebooks:instances': {
    assetTypes: ['notebooks.googleapis.com/Instance', 'notebooks.googleapis.com/Runtime'],
    command:
      'gcloud workbench instances list --location ZONE --project PROJECT --format=json (managed notebooks: gcloud notebooks runtimes list --location REGION)',
    permission: 'notebooks.instances.list',
    level: 'project',
  },
} as const satisfies Record<string, GcpDatasetInfo>;

export type GcpDataset = keyof typeof GCP_DATASETS;

/** An item a reader skipped (bad shape): the data set it belongs to is partial in its scope. */
export interface GcpSkippedItem {
  file: string;
  line?: number;
  pointer: string;
  reason: string;
}

export interface GcpInventory {
  /** Set when infrastructure as code filled the inventory (the words of not-assessed messages). */
  iac?: IacLanguage;
  projects: GcpProject[];
  enabledServices: GcpEnabledService[];
  networks: GcpNetwork[];
  subnetworks: GcpSubnetwork[];
  firewalls: GcpFirewallRule[];
  /** Network (global and regional) firewall policies; hierarchical ones are in hierarchicalFirewallPolicies. */
  firewallPolicies: GcpFirewallPolicy[];
  routes: GcpRoute[];
  routers: GcpRouter[];
  /** routers.getRouterStatus answers, one per router read (the learned routes). */
  routerStatuses: GcpRouterStatus[];
  addresses: GcpAddress[];
  forwardingRules: GcpForwardingRule[];
  serviceAttachments: GcpServiceAttachment[];
  backendServices: GcpBackendService[];
  urlMaps: GcpUrlMap[];
  targetProxies: GcpTargetProxy[];
  targetPools: GcpTargetPool[];
  instanceGroups: GcpInstanceGroup[];
  networkEndpointGroups: GcpNetworkEndpointGroup[];
  instances: GcpInstance[];
  managedZones: GcpManagedZone[];
  recordSets: GcpRecordSet[];
  dnsPolicies: GcpDnsPolicy[];
  dnsResponsePolicies: GcpDnsResponsePolicy[];
  dnsResponsePolicyRules: GcpDnsResponsePolicyRule[];
  vertexEndpoints: GcpVertexEndpoint[];
  vertexIndexEndpoints: GcpVertexIndexEndpoint[];
  workbenchInstances: GcpWorkbenchInstance[];
  // Hierarchy-level resources: not in any project (no `project` field), shared by every project view.
  hierarchicalFirewallPolicies: GcpFirewallPolicy[];
  servicePerimeters: GcpServicePerimeter[];
  accessLevels: GcpAccessLevel[];
  orgPolicies: GcpOrgPolicy[];
  /**
   * Which data sets are present, per project id for project-level data sets and per "organizations/N" /
   * "folders/N" for hierarchy-level ones. Use `hasGcpDataset`.
   */
  datasets: Map<string, Set<GcpDataset>>;
  /** Data sets a collector tried and could not read, per project (or hierarchy node), with reason and permission. */
  unavailable: Map<string, Map<GcpDataset, { reason: string; permission?: string }>>;
  /** Skipped items and lists cut short, per scope ("project/region" or the hierarchy node), per data set. */
  partial: Map<string, Map<GcpDataset, GcpSkippedItem[]>>;
  /** The first file that gave a scope ("project/region") data: where findings about the scope as a whole point. */
  scopeOrigins: Map<string, Origin>;
}

export function emptyGcpInventory(): GcpInventory {
  return {
    projects: [],
    enabledServices: [],
    networks: [],
    subnetworks: [],
    firewalls: [],
    firewallPolicies: [],
    routes: [],
    routers: [],
    routerStatuses: [],
    addresses: [],
    forwardingRules: [],
    serviceAttachments: [],
    backendServices: [],
    urlMaps: [],
    targetProxies: [],
    targetPools: [],
    instanceGroups: [],
    networkEndpointGroups: [],
    instances: [],
    managedZones: [],
    recordSets: [],
    dnsPolicies: [],
    dnsResponsePolicies: [],
    dnsResponsePolicyRules: [],
    vertexEndpoints: [],
    vertexIndexEndpoints: [],
    workbenchInstances: [],
    hierarchicalFirewallPolicies: [],
    servicePerimeters: [],
    accessLevels: [],
    orgPolicies: [],
    datasets: new Map(),
    unavailable: new Map(),
    partial: new Map(),
    scopeOrigins: new Map(),
  };
}

export interface GcpScopeKey {
  project: string;
  region: string;
}

export function gcpScopeKey(s: GcpScopeKey): string {
  return `${s.project}/${s.region}`;
}

/** True when the data set was captured for the project and nothing in it was skipped in the project. */
export function hasGcpDataset(inv: GcpInventory, project: string, dataset: GcpDataset): boolean {
  if (!(inv.datasets.get(project)?.has(dataset) ?? false)) return false;
  for (const [key, m] of inv.partial) if (key.startsWith(`${project}/`) && m.has(dataset)) return false;
  return true;
}

/** A lookup by id that compares GCP references by their relative name. */
export function indexByGcpId<T extends { id: string }>(items: readonly T[]): Map<string, T> {
  const m = new Map<string, T>();
  for (const it of items) if (!m.has(gcpIdKey(it.id))) m.set(gcpIdKey(it.id), it);
  return m;
}

/**
 * Rewrites "projects/<number>" to "projects/<id>" where the inventory knows the project, in place, for the fields
 * that APIs write with numbers (perimeter resources, Vertex AI networks, Workbench networks, org policy parents).
 * Sources call it once after reading everything.
 */
export function resolveProjectRefs(inv: GcpInventory): void {
  const byNumber = new Map(
    inv.projects.filter((p) => p.projectNumber).map((p) => [p.projectNumber!, p.projectId] as const),
  );
  if (byNumber.size === 0) return;
  const fix = (ref: string | undefined): string | undefined => {
    if (ref === undefined) return undefined;
    const k = gcpIdKey(ref);
    const m = /^projects\/(\d+)(\/.*)?$/.exec(k);
    const id = m ? byNumber.get(m[1]!) : undefined;
    return id ? `projects/${id}${m![2] ?? ''}` : k;
  };
  const fixProject = (p: string) => byNumber.get(p) ?? p;
  for (const per of inv.servicePerimeters)
    for (const c of [per.status, per.spec]) if (c) c.resources = c.resources.map((r) => fix(r)!);
  for (const e of [...inv.vertexEndpoints, ...inv.vertexIndexEndpoints]) e.network = fix(e.network);
  for (const w of inv.workbenchInstances)
    for (const n of w.networkInterfaces) {
      n.network = fix(n.network);
      n.subnet = fix(n.subnet);
    }
  for (const o of inv.orgPolicies) o.parent = fix(o.parent)!;
  for (const list of Object.values(inv))
    if (Array.isArray(list))
      for (const item of list as { project?: string }[]) if (item.project) item.project = fixProject(item.project);
}
