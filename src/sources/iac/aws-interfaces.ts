/**
 * The network interfaces AWS creates for resources infrastructure as code declares (an instance's, one per subnet of
 * an interface endpoint, a Lambda function's, a load balancer's…), as inventory interfaces in their subnets with
 * their security groups, so `cordon verify` has the sources and destinations a deployment will have. Shared by the
 * Terraform and CloudFormation mappers: they read each resource's own arguments, these helpers build the records.
 * The private address is picked at deploy unless the code states one (`addressAtDeploy`; the verifier stands it for
 * every address of the subnet). Ids are derived from the declaring resource's id, so they are stable:
 * `eni:<id>` for one interface, `eni:<id>:<subnet id>` for one per subnet, `eni:<id>#<n>` for extra interfaces.
 */
import type { AwsInventory, AwsNetworkInterface, AwsSecurityGroup, Scoped } from '../../inventory/aws.js';

/** The id of an interface AWS creates for `owner` (in `subnet`, when it creates one per subnet). */
export function eniId(owner: string, subnet?: string): string {
  return subnet === undefined ? `eni:${owner}` : `eni:${owner}:${subnet}`;
}

export interface DeclaredInterface {
  id: string;
  subnetId: string;
  groupIds: string[];
  /** Literal private addresses the code states; none means AWS picks one at deploy. */
  privateIps?: string[];
  /** Whether it gets a public IPv4 address; undefined when that is decided outside the code. */
  publicIp?: boolean;
  interfaceType: string;
  description: string;
  /** Interfaces AWS manages for a service (endpoints, load balancers, Lambda) are requester-managed. */
  requesterManaged: boolean;
}

/** Adds the interface to the inventory, in its subnet's VPC (when the subnet is declared). */
export function addInterface(inv: AwsInventory, scoped: Scoped, d: DeclaredInterface): AwsNetworkInterface {
  const vpcId = inv.subnets.find(
    (s) => s.id === d.subnetId && s.account === scoped.account && s.region === scoped.region,
  )?.vpcId;
  const n: AwsNetworkInterface = {
    ...scoped,
    id: d.id,
    subnetId: d.subnetId,
    ...(vpcId ? { vpcId } : {}),
    interfaceType: d.interfaceType,
    description: d.description,
    privateIps: d.privateIps ?? [],
    ipv6Ips: [],
    ...(d.publicIp === undefined ? {} : { publicIps: d.publicIp ? ['(assigned at deploy)'] : [] }),
    groupIds: [...new Set(d.groupIds)],
    requesterManaged: d.requesterManaged,
    addressAtDeploy: true,
  };
  inv.networkInterfaces.push(n);
  return n;
}

/**
 * One requester-managed interface per subnet of every interface (and Gateway Load Balancer) endpoint, with the
 * endpoint's groups — or the VPC's default group, which EC2 gives an endpoint created without any — listed in the
 * endpoint as a snapshot lists them (the endpoint checks and the verifier join them by these ids). Run after every
 * endpoint association is mapped.
 */
export function endpointInterfaces(inv: AwsInventory, defaultGroup: (vpcId: string) => string): void {
  for (const e of inv.vpcEndpoints) {
    if (e.type !== 'Interface' && e.type !== 'GatewayLoadBalancer') continue;
    const groups = e.groupIds.length > 0 ? e.groupIds : [defaultGroup(e.vpcId)];
    for (const subnetId of [...new Set(e.subnetIds)]) {
      const n = addInterface(inv, e, {
        id: eniId(e.id, subnetId),
        subnetId,
        groupIds: e.type === 'Interface' ? groups : [],
        publicIp: false,
        interfaceType: e.type === 'Interface' ? 'vpc_endpoint' : 'gateway_load_balancer_endpoint',
        description: `VPC Endpoint Interface ${e.id}`,
        requesterManaged: true,
      });
      e.networkInterfaceIds.push(n.id);
    }
  }
}

/**
 * SageMaker (without groups, the VPC's default one; `idOf` gives the declaring resource's id from the inventory ARN): a notebook instance in a subnet has one interface there with its groups; a Studio domain in VpcOnly
 * mode puts its apps' interfaces in its subnets with the default user settings' groups (in PublicInternetOnly mode
 * the apps run in SageMaker's own network, so the domain adds no workload interface to the code's subnets); a model
 * with a VPC configuration runs its endpoints' containers (and batch transform jobs) in its subnets with its groups,
 * one interface per subnet standing for the instances of every endpoint that serves it.
 */
export function sageMakerInterfaces(
  inv: AwsInventory,
  defaultGroup: (vpcId: string | undefined) => string,
  idOf: (arn: string) => string = (arn) => arn,
): void {
  for (const r of inv.sagemakerResources) {
    const subnets =
      r.kind === 'notebook-instance'
        ? r.subnetIds.slice(0, 1)
        : (r.kind === 'domain' && r.appNetworkAccessType === 'VpcOnly') || r.kind === 'model'
          ? [...new Set(r.subnetIds)]
          : [];
    for (const subnetId of subnets)
      addInterface(inv, r, {
        id: eniId(idOf(r.arn), r.kind === 'notebook-instance' ? undefined : subnetId),
        subnetId,
        groupIds: r.securityGroupIds.length > 0 ? r.securityGroupIds : [defaultGroup(vpcOf(inv, r, subnetId))],
        // A notebook's interface in the customer's subnet has no public address (direct access goes through SageMaker's).
        publicIp: false,
        interfaceType: 'interface',
        description: `SageMaker ${r.kind} ${r.name}`,
        requesterManaged: true,
      });
  }
}

function vpcOf(inv: AwsInventory, x: Scoped, subnetId: string): string | undefined {
  return inv.subnets.find((s) => s.id === subnetId && s.account === x.account && s.region === x.region)?.vpcId;
}

/** What instances launched from a launch template (or launch configuration) get when the launcher does not say. */
export interface LaunchSettings {
  groupIds: string[];
  publicIp?: boolean;
  subnetId?: string;
}

/** A group whose members admit each other on everything and that lets everything out (EKS's cluster group). */
export function selfAndEgressGroup(
  scoped: Scoped,
  id: string,
  name: string,
  vpcId: string | undefined,
): AwsSecurityGroup {
  const all = { ipv4Ranges: [], ipv6Ranges: [], prefixListIds: [], pointer: id };
  return {
    account: scoped.account,
    region: scoped.region,
    origin: scoped.origin,
    id,
    name,
    ...(vpcId ? { vpcId } : {}),
    ingress: [{ protocol: '-1', ...all, groupRefs: [{ groupId: id }] }],
    egress: [
      { protocol: '-1', ...all, ipv4Ranges: [{ cidr: '0.0.0.0/0' }], ipv6Ranges: [{ cidr: '::/0' }], groupRefs: [] },
    ],
    tags: {},
  };
}

/** The group EKS creates for a node group's remote access: SSH from the source groups, or from anywhere without any. */
export function sshGroup(scoped: Scoped, id: string, sources: string[], vpcId: string | undefined): AwsSecurityGroup {
  const base = { protocol: 'tcp', fromPort: 22, toPort: 22, ipv6Ranges: [], prefixListIds: [], pointer: id };
  return {
    account: scoped.account,
    region: scoped.region,
    origin: scoped.origin,
    id,
    name: 'eks-remoteAccess',
    ...(vpcId ? { vpcId } : {}),
    ingress: [
      sources.length > 0
        ? { ...base, ipv4Ranges: [], groupRefs: sources.map((groupId) => ({ groupId })) }
        : { ...base, ipv4Ranges: [{ cidr: '0.0.0.0/0' }], groupRefs: [] },
    ],
    egress: [],
    tags: {},
  };
}

/** Prefixes delegated to a declared interface (EKS prefix mode hands their addresses to pods). */
export interface DelegatedPrefixes {
  /** Literal prefixes the code states. */
  ipv4: string[];
  ipv6: string[];
  /** Prefixes AWS picks from the subnet at deploy. */
  ipv4Count: number;
  ipv6Count: number;
}

/**
 * Gives a declared interface its delegated prefixes. Literal ones are its own addresses (`ipv4Prefixes`,
 * `ipv6Prefixes`, as a snapshot lists them). IPv4 prefixes AWS picks at deploy lie somewhere in the subnet, behind the
 * interface's groups: a second interface `<id>#prefixes` with the same subnet and groups and its address at deploy
 * stands for them, so `cordon verify` gives it a stand-in address in every range of the subnet a rule tells apart
 * (verify/deploy-addresses.ts) whether or not the interface's own address is stated. IPv6 prefixes picked at deploy
 * have no stand-in (stand-ins are IPv4): the reason returned makes the caller mark the interfaces of the scope
 * partial, so the scope is not verified rather than verified without them. Run after the interface's groups are final.
 */
export function delegatePrefixes(inv: AwsInventory, n: AwsNetworkInterface, p: DelegatedPrefixes): string | undefined {
  if (p.ipv4.length > 0) n.ipv4Prefixes = [...new Set(p.ipv4)].sort();
  if (p.ipv6.length > 0) n.ipv6Prefixes = [...new Set(p.ipv6)].sort();
  if (p.ipv4Count > 0)
    inv.networkInterfaces.push({
      account: n.account,
      region: n.region,
      origin: n.origin,
      id: `${n.id}#prefixes`,
      ...(n.subnetId ? { subnetId: n.subnetId } : {}),
      ...(n.vpcId ? { vpcId: n.vpcId } : {}),
      ...(n.interfaceType ? { interfaceType: n.interfaceType } : {}),
      description: `${p.ipv4Count} IPv4 prefix(es) delegated to ${n.description ?? n.id} at deploy (pods' addresses)`,
      privateIps: [],
      ipv6Ips: [],
      // An Elastic IP or a public address maps to the interface's primary private address, not to a pod's.
      publicIps: [],
      groupIds: [...n.groupIds],
      requesterManaged: n.requesterManaged,
      addressAtDeploy: true,
    });
  return p.ipv6Count > 0
    ? `${p.ipv6Count} IPv6 prefix(es) AWS delegates to ${n.id} at deploy: their addresses are not known before deploy, so paths to and from them are not verified`
    : undefined;
}
