/**
 * The provider-neutral network model `cordon verify` asks its questions of (Batfish's split between a model and the
 * questions). A provider compiler (aws.ts, azure.ts, gcp.ts) turns its inventory into these components:
 * interfaces with stateful filters, subnets with stateless filters and route tables, NAT gateways, peerings, and the
 * internet. Rules keep their raw match (protocol, port range, remote addresses) next to a reference to the rule they
 * came from, so the set evaluator and the per-packet evaluator read the same facts and every hop can name its rule.
 */
import type { Origin } from '../findings/types.js';
import { cidrContains, tryParseCidr, type Cidr } from '../util/cidr.js';
import type { AwsIpPermission } from '../inventory/aws.js';
import type { IacLanguage } from '../inventory/input-kind.js';

/** Where a rule, route or resource came from: a label for people and the file/JSON pointer for SARIF. */
export interface Ref {
  /** e.g. "sg-0abc ingress tcp 6333-6334 from 10.1.0.0/16" or "acl-0abc egress rule 100". */
  label: string;
  resourceId: string;
  origin?: Origin;
  /**
   * The resource's type and "account/region" when the resource id alone does not give them (GCP: a Shared VPC host
   * project's firewall rule applied to a service project's instance); findings use them for their resource.
   */
  resourceType?: string;
  scope?: string;
  /** What the rule or route is, in the provider's terms, for the fix a finding located at it proposes. */
  fix?: FixTarget;
}

/**
 * A rule, route or filter as the provider's API names it (verify/remediation.ts turns it into the command that
 * changes it). Compilers set it where they build the Ref; a Ref without one gets a fix in words only.
 */
export type FixTarget =
  | { kind: 'aws-sg-rule'; groupId: string; direction: 'in' | 'out'; permission: AwsIpPermission }
  /** No rule of the interface's security groups matched. */
  | { kind: 'aws-sg-none'; groupIds: string[]; direction: 'in' | 'out' }
  | { kind: 'aws-nacl-entry'; aclId: string; ruleNumber: number; egress: boolean; action: 'allow' | 'deny' }
  | { kind: 'aws-nacl-none'; aclId: string; egress: boolean }
  | { kind: 'aws-route'; routeTableId: string; destination: string }
  | {
      kind: 'azure-nsg-rule';
      nsgId: string;
      name: string;
      priority: number;
      direction: 'in' | 'out';
      access: 'allow' | 'deny';
      /** The remote side's prefixes and service tags (sources of an inbound rule, destinations of an outbound one). */
      remotes: string[];
      /** The near side's prefixes and service tags (undefined when it names application security groups). */
      locals?: string[];
      /** One of Azure's default rules (AllowVnetInBound…), which cannot be changed, only overridden. */
      builtIn: boolean;
    }
  | { kind: 'azure-nsg-none'; nsgId: string; direction: 'in' | 'out' }
  | { kind: 'azure-route'; routeTableId: string; name: string; prefix: string }
  /** A system route of a subnet (to the internet, a peering…): overridden by a user route on the subnet. */
  | { kind: 'azure-system-route'; subnetId: string; routeTableId?: string; prefix: string }
  | {
      kind: 'gcp-firewall-rule';
      /** vpc: a VPC firewall rule (`name`); policy: a firewall policy's rule (`policy`, `priority`); implied. */
      layer: 'vpc' | 'policy' | 'implied';
      id: string;
      name: string;
      priority: number;
      direction: 'in' | 'out';
      action: 'allow' | 'deny' | 'goto_next';
      /** The remote side when the rule names only address ranges. */
      remoteRanges?: string[];
    }
  | {
      kind: 'gcp-route';
      id: string;
      name: string;
      /** The route's network (name), where routes replacing it go. */
      network?: string;
      /**
       * Google API ranges (private.googleapis.com, restricted.googleapis.com) this route alone carries Private Google
       * Access to, with no Private Service Connect endpoint for Google APIs in the network: deleting it cuts them.
       */
      apiVips?: string[];
    }
  /**
   * A consumer's endpoint of a private service (Azure Private Link service, Google Cloud service attachment): its
   * connections reach the service's backends from the service's own addresses, so the fix is at the consumer's end
   * or the producer's acceptance, not at the backend's rule.
   */
  | { kind: 'private-service-endpoint'; endpoint: string; service: string; acceptance: string };

/**
 * The origin of a rule inside a resource: the resource's file and line (readers locate items, not every field) with
 * the rule's JSON pointer, so SARIF annotates the resource's line and the pointer names the rule.
 */
export function originAt(origin: Origin, pointer: string | undefined): Origin {
  // An origin that names a declaration (a Terraform address, not a JSON pointer) is already as precise as it gets: a
  // pointer into the JSON the IaC reader rendered would mean nothing in the user's code.
  if (origin.kind !== 'file' || !pointer || (origin.pointer && !origin.pointer.startsWith('/'))) return origin;
  return { kind: 'file', file: origin.file, ...(origin.line !== undefined ? { line: origin.line } : {}), pointer };
}

/** An address space given as ranges minus ranges (the internet; an Azure service tag such as Internet). */
export interface AddressSpace {
  include: Cidr[];
  exclude: Cidr[];
}

/**
 * What a rule's remote side may be. `unknown` means the addresses could not be resolved (a prefix list, an Azure
 * service tag cordon has no ranges for); `within`, when given, bounds them (AzureCloud is public space, say).
 */
export type Remote =
  | { kind: 'cidr'; cidr: Cidr }
  | { kind: 'members'; label: string; addresses: Cidr[] }
  | { kind: 'space'; label: string; space: AddressSpace }
  | { kind: 'unknown'; reason: string; within?: AddressSpace };

export interface FilterRule {
  action: 'allow' | 'deny';
  /** Inclusive protocol-number range: [0, 255] is every protocol. */
  proto: readonly [number, number];
  /** Inclusive destination-port range; ignored for protocols without ports. */
  ports: readonly [number, number];
  /** The remote end: source for an inbound filter, destination for an outbound one. Any of them matches. */
  remotes: Remote[];
  /**
   * The near end (destination of an inbound packet, source of an outbound one), for filters whose rules name both
   * ends (Azure NSG and firewall rules); undefined matches any address.
   */
  locals?: Remote[];
  ref: Ref;
}

/**
 * A packet filter on one direction. `first-match` filters (network ACLs, NSGs, firewall policies) take the first
 * rule that matches; `any-allow` filters (AWS security groups) allow what any rule allows. Both deny by default.
 */
export interface Filter {
  id: string;
  direction: 'in' | 'out';
  order: 'first-match' | 'any-allow';
  /** Stateful filters let replies through; stateless ones see the reply as a packet of its own. */
  stateful: boolean;
  rules: FilterRule[];
  defaultRef: Ref;
}

export type RouteTarget =
  | { kind: 'local' }
  | { kind: 'internet'; id: string; egressOnly: boolean }
  | { kind: 'nat'; id: string }
  | { kind: 'peering'; id: string }
  /** A gateway endpoint: traffic to the service's prefix list goes to the cloud service, not the internet. */
  | { kind: 'service'; id: string }
  | { kind: 'drop'; reason: string }
  /** A firewall the model holds (Azure Firewall): its filter decides, then its own subnet's routes forward. */
  | { kind: 'firewall'; id: string }
  /** A transit gateway the model holds (its route tables were collected): see tgw.ts. */
  | { kind: 'transit-gateway'; id: string }
  /** In a transit gateway route table: the attachment (to a network of the model) the packet is sent to. */
  | { kind: 'attachment'; id: string }
  /** A next hop cordon does not model (transit gateway without its route tables, appliances, VPN). */
  | { kind: 'unknown'; id: string; reason: string };

export interface Route {
  /** A CIDR, or undefined when the destination is a prefix list whose addresses are not known. */
  destination?: Cidr;
  destinationText: string;
  target: RouteTarget;
  /**
   * True when no route cordon cannot place (a destination it cannot read, dynamic routes it has not seen) can take
   * these addresses, as for local routes: Google Cloud installs no custom route inside a peering subnet route.
   */
  pinned?: boolean;
  ref: Ref;
}

export interface RouteTable {
  id: string;
  routes: Route[];
  ref: Ref;
}

export interface Network {
  id: string;
  scope: string;
  cidrs: Cidr[];
  /** Internet gateways attached to the network. */
  internetGateways: string[];
  ref: Ref;
}

export interface Subnet {
  id: string;
  network: string;
  scope: string;
  cidrs: Cidr[];
  zone?: string;
  /**
   * Filters at the subnet boundary (AWS network ACLs: stateless; Azure NSGs: stateful); undefined when they could not
   * be read (then paths are unknown).
   */
  inbound?: Filter;
  outbound?: Filter;
  routeTable?: RouteTable;
  /**
   * True when the subnet's filters also see traffic between two addresses of the subnet (Azure NSGs); AWS network
   * ACLs only see traffic that crosses the subnet boundary.
   */
  filtersIntraSubnet?: boolean;
  /** The Availability Zone (AWS: its zone id when known, else its name): transit gateway attachments are per zone. */
  availabilityZone?: string;
  ref: Ref;
}

export interface Interface {
  id: string;
  subnet: string;
  network: string;
  scope: string;
  zone?: string;
  /**
   * Private addresses: host CIDRs, and wider ones for prefixes delegated to the interface (AWS prefix delegation),
   * every address of which is the interface's.
   */
  addresses: Cidr[];
  /** True when it has a public IPv4 address, undefined when the inventory does not say. */
  publicIpv4?: boolean;
  /**
   * Whether an IPv4 packet routed to the internet gets a public source address (Azure: a public IP on the NIC, the
   * subnet's NAT gateway, or default outbound access), with what provides it; absent means `publicIpv4` decides
   * (AWS: only the interface's own public address counts).
   */
  internetEgress?: { can: boolean | undefined; via: Ref };
  inbound: Filter;
  outbound: Filter;
  /** Workloads start connections; service endpoints only answer. */
  role: 'workload' | 'service-endpoint';
  /** For service endpoints: the cloud service it fronts. */
  service?: string;
  ref: Ref;
}

export interface NatGateway {
  id: string;
  subnet: string;
  /** Public NAT gateways reach the internet through an internet gateway route in their own subnet. */
  public: boolean;
  available: boolean;
  /**
   * In a state that may still forward or soon will (AWS: pending, deleting): paths through it are unknown, never
   * absent — a snapshot taken while the gateway is created must not pass.
   */
  undecided?: boolean;
  ref: Ref;
}

/** A non-transitive connection between two networks (AWS VPC peering, Azure VNet peering). */
export interface Peering {
  id: string;
  networks: [string, string];
  /**
   * Per network (same order): whether it accepts traffic forwarded over the peering that did not start in the other
   * network (Azure allowForwardedTraffic, needed behind a hub firewall); absent means no forwarding is modelled.
   */
  acceptsForwarded?: [boolean, boolean];
  ref: Ref;
}

/** A firewall packets are routed through (Azure Firewall): stateful, first-match over both ends of the packet. */
export interface Firewall {
  id: string;
  /** The subnet it sits in; its route table forwards what the filter admits. */
  subnet: string;
  filter: Filter;
  /** True when it has a public address to translate internet-bound traffic to. */
  publicEgress: boolean;
  ref: Ref;
}

/** A transit gateway's attachment to a network of the model (AWS: a VPC attachment in state available). */
export interface TransitGatewayAttachment {
  id: string;
  network: string;
  /** Subnets the attachment has an interface in, at most one per Availability Zone. */
  subnets: string[];
  /** The transit gateway route table it is associated with; undefined: none, so the gateway drops what it sends. */
  routeTable?: RouteTable;
  /**
   * Appliance mode (ApplianceModeSupport): the gateway carries each flow through one attachment subnet picked by flow
   * hash, whatever the zones, both ways; off, it keeps traffic in the zone it came from.
   */
  applianceMode?: boolean;
  /** Why cordon cannot tell whether it forwards now (AWS state pending, deleting, …): paths through it are unknown. */
  undecided?: string;
  ref: Ref;
}

/** A transit gateway whose attachments and route tables (with associations and routes) are all in the inventory. */
export interface TransitGateway {
  id: string;
  attachments: Map<string, TransitGatewayAttachment>;
  ref: Ref;
}

/**
 * A backend a load balancer delivers to: one interface, through a backend service (and the group or pool holding
 * the interface). `sure` is false where membership is not known (a group whose members were not read): the
 * interface may or may not be a backend, so paths to it through the load balancer are at most "maybe".
 */
export interface LoadBalancerBackend {
  iface: string;
  /** Proxy load balancers: the port the proxy connects to; undefined when it cannot be told (then "maybe"). */
  port?: number;
  sure: boolean;
  via: Ref;
}

/**
 * A load balancer front end with no interface in the network (GCP forwarding rules): clients reach it on its
 * protocol and ports, and it delivers each connection to a backend interface. A passthrough load balancer delivers
 * the client's own packet (the backend's inbound filter sees the client's address and the front end's port); a
 * proxy opens a new connection from `proxySources` to the backend's port. Replies return on the provider's own path
 * (direct server return, or back to the proxy), not by the backend subnet's routes.
 */
export interface LoadBalancer {
  id: string;
  /** external: from the internet; internal: from interfaces of `clientNetworks` (in `clientRegion` when set). */
  reach: 'external' | 'internal';
  clientNetworks?: string[];
  clientRegion?: string;
  /** The front end's address: an internal client's outbound filter sees it as the destination. */
  address?: Cidr;
  proto: readonly [number, number];
  /** The ports packets reach the backend on (a passthrough front end that translates ports: the backend's). */
  ports: readonly (readonly [number, number])[];
  /**
   * Set when the front end translates the port (Azure load-balancing and inbound NAT rules: frontendPort →
   * backendPort): the ports an internal client sends to, whose outbound filters see them; `ports` is then the one
   * backend port. A range (a pool's inbound NAT rule) maps each port to one backend the model cannot tell.
   */
  frontendPorts?: readonly [number, number];
  /** The backend receives the packet addressed to the front end's `address` (Azure Floating IP): its filters see it. */
  floatingIp?: boolean;
  /**
   * A filter the client's packet passes at the front end: Azure Application Gateway, the NSG of its subnet, seen with
   * a destination among `addresses` (the gateway's instances, which one unknown); AWS, the load balancer's security
   * groups, whose rules name only the client's side (`addresses` undefined: evaluated with the destination left
   * free). `filter` undefined: not read. `at` names the hop.
   */
  frontFilter?: { filter?: Filter; addresses?: Cidr[]; at: string };
  /**
   * A second filter the client's packet passes after `frontFilter`, whose rules name only the client (destination
   * free): AWS PrivateLink, the provider Network Load Balancer's security groups, which see the consumer client's
   * private address. `filter` undefined: not read.
   */
  providerFilter?: { filter?: Filter; at: string };
  /**
   * Findings about paths through it are located at the `frontFilter` rule that admitted the client, not at the
   * backend's: AWS PrivateLink, whose target sees the provider NLB's addresses in the target's own zone (narrowing its
   * rule would change nothing), while the endpoint's security group sees the consumer's client. Without a front
   * filter (a Google Cloud PSC endpoint, an Azure private endpoint in a subnet without an NSG), at the endpoint.
   */
  locateAtFront?: boolean;
  proxySources?: Cidr[];
  /**
   * Addresses Azure picks at deploy (an Azure Private Link service's NAT addresses left to Azure), each as the ranges
   * it is picked from (also in `proxySources`): the proxy's connection from one surely passes a filter only when every
   * address of its ranges would, and may when some would. The service connects from each of its NAT addresses, so
   * one known address or one picked address surely admitted is enough. The rest of `proxySources` are proxy addresses
   * (the nodes of a load balancer, a NAT address the code states).
   */
  proxySourcesPicked?: Cidr[][];
  /**
   * The proxy relays UDP as well as TCP, translating the source of both (AWS PrivateLink, Azure Private Link, Google
   * Cloud Private Service Connect); otherwise a proxy connects to its backends over TCP only.
   */
  proxyUdp?: boolean;
  /**
   * A passthrough front end that delivers the client's packet to each backend's own `port` rather than the front
   * end's (AWS Network Load Balancers with client IP preservation): the backend's filter sees the client's address
   * and that port; an unknown port leaves the path "maybe".
   */
  toBackendPort?: boolean;
  /**
   * Subnets of the model the front end's nodes sit in (AWS: the load balancer's subnets, or the one holding an
   * internal front end's node address). Their stateless filters see the client's packet and the reply to it, and the
   * packet to a backend outside the subnet and its reply; a client may be sent to any node (DNS), so a path needs
   * some node (`exists`) or every node (`all`). Undefined: the front end sits in no subnet of the model.
   */
  frontSubnets?: string[];
  backends: LoadBalancerBackend[];
  ref: Ref;
}

export interface NetworkModel {
  provider: 'aws' | 'azure' | 'gcp';
  networks: Map<string, Network>;
  subnets: Map<string, Subnet>;
  interfaces: Interface[];
  nats: Map<string, NatGateway>;
  peerings: Map<string, Peering>;
  firewalls?: Map<string, Firewall>;
  transitGateways?: Map<string, TransitGateway>;
  /** Load balancer front ends (GCP, Azure, AWS): the interfaces they deliver to are reached through them too. */
  loadBalancers?: LoadBalancer[];
  /** The internet: these public ranges minus the excluded ones (networks, zones, special-purpose space). */
  internet: { include: Cidr[]; exclude: Cidr[] };
  /** The policy zone that stands for the internet, if the policy has one. */
  internetZone?: string;
  /** Things the model assumed or could not resolve, said once each in the report. */
  notes: string[];
  /** Set when the inventory came from infrastructure as code: fixes are edits of the code, not commands. */
  iac?: IacLanguage;
  /**
   * Interfaces left out because their address is assigned at deploy and no stand-in could be given (their subnet's
   * range is not known): their scope is not verified, never verified without them.
   */
  unplaced?: { account: string; region: string; id: string; origin?: Origin }[];
  /**
   * What the compiler knows it does not model and cannot confine to some paths (made unknown in the model instead,
   * where it can): each scope it names is not verified there (a verify-not-assessed finding, never a pass).
   */
  gaps?: ModelGap[];
}

/** Something the model leaves out that may change the verdicts of whole scopes (see NetworkModel.gaps). */
export interface ModelGap {
  /** The scopes (`account/region`, as Interface.scope) whose verdicts it may change. */
  scopes: string[];
  /** What it concerns: instances, networks, destinations (named in the finding, sorted). */
  subjects: string[];
  /** Why it is not modelled, in words that say what cordon did not read or does not model. */
  reason: string;
  origin?: Origin;
}

export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

/** Ports mean something only for TCP and UDP; other protocols carry port 0 in cordon's packets. */
export function hasPorts(proto: number): boolean {
  return proto === PROTO_TCP || proto === PROTO_UDP;
}

/** Ports a client picks for its side of a connection: any unprivileged one (an attacker binds whichever it likes). */
export const ANY_EPHEMERAL: readonly [number, number] = [1024, 65535];
/** Ports a NAT gateway uses towards the internet. */
export const NAT_PORTS: readonly [number, number] = [1024, 65535];

/**
 * Special-purpose IPv4 space (RFC 6890) that is never the internet. The documentation blocks (RFC 5737 192.0.2.0/24,
 * 198.51.100.0/24, 203.0.113.0/24; RFC 3849 2001:db8::/32) are not in it: the providers' API references write public
 * addresses with them ("CidrIp": "203.0.113.0/24" for an office's range), so a rule naming them stands for the
 * internet; left out of it, a security group open to 203.0.113.0/24 on SSH was never asked about. No real packet comes
 * from them, so counting them adds no path a real network has.
 */
export const NOT_INTERNET_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '224.0.0.0/3',
];

/** Special-purpose IPv6 space that is never the internet: unique local, link-local (documentation: see above). */
export const NOT_INTERNET_V6 = ['fc00::/7', 'fe80::/10'];
/** Both, parsed once. */
export const NOT_INTERNET: readonly Cidr[] = [...NOT_INTERNET_V4, ...NOT_INTERNET_V6].map((c) => tryParseCidr(c)!);

/** Whether a range lies in the internet's space (inside no private, shared or special-purpose block). */
export function inInternetSpace(c: Cidr): boolean {
  return !NOT_INTERNET.some((n) => cidrContains(n, c));
}
