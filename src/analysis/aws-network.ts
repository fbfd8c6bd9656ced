/** Security-group, route and endpoint facts that several checks need, computed the same way everywhere. */
import type {
  AwsIpPermission,
  AwsNatGateway,
  AwsNetworkAcl,
  AwsRoute,
  AwsRouteTable,
  AwsSecurityGroup,
  AwsSubnet,
  AwsVpcEndpoint,
} from '../inventory/aws.js';
import { cidrsOverlap, cidrContains, isWholeInternet, tryParseCidr } from '../util/cidr.js';
import type { AwsZoneIndex } from './aws-zones.js';

/** Does the permission admit TCP to this port? "-1" is every protocol; tcp may be given by name or number 6. */
export function permitsTcpPort(p: AwsIpPermission, port: number): boolean {
  if (p.protocol === '-1' || p.protocol === 'all') return true;
  if (p.protocol !== 'tcp' && p.protocol !== '6') return false;
  const from = p.fromPort ?? 0;
  const to = p.toPort ?? 65535;
  return from <= port && port <= to;
}

export interface InternetSource {
  groupId: string;
  cidr: string;
  pointer: string;
}

/** Ingress rules open to 0.0.0.0/0 or ::/0, on any port. */
export function internetOpenIngress(groups: AwsSecurityGroup[]): InternetSource[] {
  const out: InternetSource[] = [];
  for (const g of groups) {
    for (const p of g.ingress) {
      for (const r of [...p.ipv4Ranges, ...p.ipv6Ranges]) {
        const c = tryParseCidr(r.cidr);
        if (c && isWholeInternet(c)) out.push({ groupId: g.id, cidr: r.cidr, pointer: p.pointer });
      }
    }
  }
  return out;
}

export interface Admission {
  subnetId: string;
  /** How the subnet gets in: a CIDR rule, or membership of a referenced group. */
  via: string;
  /** The subnet is wholly covered (every address may connect), not just partly. */
  whole: boolean;
}

export interface AdmissionResult {
  admitted: Map<string, Admission[]>;
  /** Group references cordon could not resolve to subnets (no network-interface data, or another VPC's group). */
  unresolved: string[];
}

/**
 * Which subnets of the VPC can open TCP connections to `port` through these groups? CIDR rules admit the subnets
 * they overlap; a rule referencing a group admits the subnets holding network interfaces in that group.
 */
export function admittedSubnets(
  groups: AwsSecurityGroup[],
  vpcSubnets: AwsSubnet[],
  zones: AwsZoneIndex,
  port: number,
  eniData: boolean,
  allEnis: { subnetId?: string; groupIds: string[]; id: string }[],
): AdmissionResult {
  const admitted = new Map<string, Admission[]>();
  const unresolved: string[] = [];
  const add = (a: Admission) => admitted.set(a.subnetId, [...(admitted.get(a.subnetId) ?? []), a]);
  for (const g of groups) {
    for (const p of g.ingress) {
      if (!permitsTcpPort(p, port)) continue;
      for (const r of [...p.ipv4Ranges, ...p.ipv6Ranges]) {
        const src = tryParseCidr(r.cidr);
        if (!src) continue;
        for (const s of vpcSubnets) {
          for (const sc of [s.cidr, ...s.ipv6Cidrs]
            .flatMap((c) => (c ? [tryParseCidr(c)] : []))
            .filter((c) => c !== undefined)) {
            if (cidrsOverlap(src, sc))
              add({ subnetId: s.id, via: `${g.id} allows ${r.cidr}`, whole: cidrContains(src, sc) });
          }
        }
      }
      for (const ref of p.groupRefs) {
        if (!eniData || (zones.securityGroup(ref.groupId) === undefined && ref.userId !== undefined)) {
          unresolved.push(ref.groupId);
          continue;
        }
        for (const eni of allEnis) {
          if (eni.subnetId && eni.groupIds.includes(ref.groupId) && vpcSubnets.some((s) => s.id === eni.subnetId)) {
            add({ subnetId: eni.subnetId, via: `${g.id} allows members of ${ref.groupId} (${eni.id})`, whole: false });
          }
        }
      }
    }
  }
  return { admitted, unresolved: [...new Set(unresolved)].sort() };
}

export function activeRoutes(t: AwsRouteTable): AwsRoute[] {
  return t.routes.filter((r) => r.state === undefined || r.state === 'active');
}

/**
 * Does the route lead to the internet? Internet and egress-only gateways do; so does a NAT gateway unless it is known
 * to be private (a NAT gateway cordon has no data on counts as public).
 */
export function reachesInternet(r: AwsRoute, nats: ReadonlyMap<string, AwsNatGateway>): boolean {
  if (r.target.type === 'internet-gateway' || r.target.type === 'egress-only-internet-gateway') return true;
  return r.target.type === 'nat-gateway' && nats.get(r.target.id)?.connectivityType !== 'private';
}

export function isDefaultRoute(r: AwsRoute): boolean {
  return r.destination === '0.0.0.0/0' || r.destination === '::/0';
}

export const SUPPORTING_SERVICES =
  /^(s3|sts|logs|secretsmanager|kms|ssm|ssmmessages|ec2messages|monitoring|ecr\.api|ecr\.dkr)(-fips)?$/;

export function endpointAvailable(e: AwsVpcEndpoint): boolean {
  return (e.state ?? '').toLowerCase() === 'available';
}

/** Endpoints for a service in a VPC, matching the base name and its FIPS variant. */
export function endpointsFor(zones: AwsZoneIndex, vpcId: string, service: string): AwsVpcEndpoint[] {
  return zones.endpointsOfVpc(vpcId).filter((e) => e.service === service || e.service === `${service}-fips`);
}

/** Linux's default ephemeral port range (net.ipv4.ip_local_port_range): where replies to callers go. */
export const EPHEMERAL_PORTS = { from: 32768, to: 60999 };

const ordered = new WeakMap<AwsNetworkAcl, { ingress: AwsNetworkAcl['entries']; egress: AwsNetworkAcl['entries'] }>();

/** An ACL's rules per direction in evaluation order, sorted once. */
function orderedEntries(acl: AwsNetworkAcl, egress: boolean): AwsNetworkAcl['entries'] {
  let o = ordered.get(acl);
  if (!o) {
    const sorted = [...acl.entries].sort((a, b) => a.ruleNumber - b.ruleNumber);
    o = { ingress: sorted.filter((x) => !x.egress), egress: sorted.filter((x) => x.egress) };
    ordered.set(acl, o);
  }
  return egress ? o.egress : o.ingress;
}

export type NaclVerdict =
  { kind: 'allow'; rule: number } | { kind: 'deny'; rule: number } | { kind: 'partly-denied'; rule: number };

/**
 * Network ACLs are stateless and first-match by rule number. Evaluates TCP from/to a whole remote CIDR over a port
 * range: a rule that covers the whole query decides it; a deny that covers only part of it, before any covering
 * allow, means some of that traffic is dropped.
 */
export function evaluateNacl(
  acl: AwsNetworkAcl,
  egress: boolean,
  remote: string,
  ports: { from: number; to: number },
): NaclVerdict {
  const q = tryParseCidr(remote);
  let partialDeny: number | undefined;
  for (const e of orderedEntries(acl, egress)) {
    if (e.protocol !== '-1' && e.protocol !== '6' && e.protocol !== 'tcp') continue;
    const c = e.cidr ? tryParseCidr(e.cidr) : e.ipv6Cidr ? tryParseCidr(e.ipv6Cidr) : undefined;
    if (!c || !q || !cidrsOverlap(c, q)) continue;
    const range = e.protocol === '-1' || !e.portRange ? { from: 0, to: 65535 } : e.portRange;
    if (range.to < ports.from || ports.to < range.from) continue;
    const covers = cidrContains(c, q) && range.from <= ports.from && ports.to <= range.to;
    if (covers) {
      if (e.action === 'deny') return { kind: 'deny', rule: e.ruleNumber };
      return partialDeny !== undefined
        ? { kind: 'partly-denied', rule: partialDeny }
        : { kind: 'allow', rule: e.ruleNumber };
    }
    if (e.action === 'deny' && partialDeny === undefined) partialDeny = e.ruleNumber;
  }
  // No rule matched at all: the implicit final deny (rule *).
  return { kind: 'deny', rule: 32767 };
}
