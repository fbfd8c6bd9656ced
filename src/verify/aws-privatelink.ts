/**
 * AWS PrivateLink to customer-provided endpoint services → model.ts `LoadBalancer` front ends. An interface endpoint
 * whose service is an endpoint service (com.amazonaws.vpce.<region>.vpce-svc-…, a partner's or another account's) is
 * no dead end like an AWS service's endpoint: PrivateLink hands each connection to the provider's Network Load
 * Balancer, in another VPC and often another account, which delivers it to its targets. So a zone that reaches the
 * endpoint reaches those targets (a sandbox on 6333 reaches the vector database behind the provider's NLB).
 *
 * Modelled as a load balancer front end per endpoint network interface address: internal, reached from the consumer
 * VPC and what reaches its private addresses (peered and transit-gateway-attached VPCs, as for an internal ELB), the
 * endpoint's security groups filtering the client's packet at that address (`frontFilter`), then the provider NLB's
 * security groups (`providerFilter`) unless its EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic is "off" (the
 * API's documented default is "on"; with it on, "the source of the traffic is the private IP address of the client,
 * not the endpoint interface": Elastic Load Balancing, Network Load Balancers, "Security groups", Considerations).
 * The NLB's listeners and target groups are followed as in aws-load-balancers.ts, but the target always sees a proxy:
 * "Client IP preservation has no effect on inbound traffic from AWS PrivateLink. The source IP of the AWS PrivateLink
 * traffic is always the private IP address of the Network Load Balancer" (Elastic Load Balancing, Network Load
 * Balancers, "Edit target group attributes", Client IP preservation), so `proxySources` = the NLB's node addresses and
 * the target's filter is asked for them on the target group's port. UDP listeners are followed as well (the proxy
 * relays UDP too: `proxyUdp`), a superset should the service not carry them.
 *
 * What cannot be followed is never a dead end: an endpoint service no configuration of the inventory describes
 * (describe-vpc-endpoint-service-configurations not read where the provider may be) makes every workload interface
 * of the scopes that lack the data set a "maybe" target on every TCP port, naming the endpoint, the service and the
 * missing data; a service whose NLB, listeners or targets were not read is "maybe" over what may stand behind it.
 * A service every scope of the inventory reports no configuration for is provided outside the inventory: its
 * targets are no interfaces of the model (said in the notes). Endpoints that are rejected, deleted, failed or
 * expired carry nothing; pending ones make their paths "maybe".
 */
import {
  scopeKey,
  type AwsDataset,
  type AwsLbListener,
  type AwsLoadBalancer,
  type AwsVpcEndpointServiceConfig,
} from '../inventory/aws.js';
import { parseArn } from '../sources/aws-snapshot/names.js';
import type { Cidr } from '../util/cidr.js';
import { privateClients, type AwsLbContext, type Reached } from './aws-load-balancers.js';
import type { Interface, LoadBalancer, LoadBalancerBackend, Ref } from './model.js';
import { unfollowedService } from './private-services.js';

type Scope = { account: string; region: string };

/** What aws-load-balancers.ts resolves for its own front ends, lent to the PrivateLink ones. */
export interface LbResolvers {
  /** A load balancer by ARN (or, from infrastructure as code, by address in the scope `from`). */
  loadBalancer: (from: Scope, arn: string) => AwsLoadBalancer | undefined;
  listeners: (lb: AwsLoadBalancer) => { list: AwsLbListener[]; complete: boolean };
  reach: (lb: AwsLoadBalancer, l: AwsLbListener) => Reached[];
  proxyFrom: (lb: AwsLoadBalancer) => { cidrs: Cidr[]; known: boolean };
  groupsOf: (lb: AwsLoadBalancer) => string[] | undefined;
  anyIn: (scope: Scope, vpcId: string | undefined, port: number | undefined, via: Ref) => LoadBalancerBackend[];
  /** Workload interfaces (not load balancer nodes) of a scope ("account/region"). */
  workloads: (scope: string) => Interface[];
  complete: (scope: Scope, d: AwsDataset) => boolean;
}

const SERVICE_DATASET: AwsDataset = 'ec2:vpc-endpoint-service-configurations';
/** The protocols a listener relays (unread listeners: either). */
const PROTOCOLS: Record<string, number[]> = {
  TCP: [6],
  TLS: [6],
  UDP: [17],
  TCP_UDP: [6, 17],
  QUIC: [17],
  TCP_QUIC: [6, 17],
};

/** An endpoint service's name (as opposed to an AWS service's, com.amazonaws.<region>.<service>). */
export function isEndpointServiceName(name: string): boolean {
  return /^com\.amazonaws\.vpce\.[a-z0-9-]+\.vpce-svc-[0-9a-z]+$/i.test(name);
}

/**
 * VPC endpoint types (VpcEndpointType) that lead to VPC Lattice resource configurations or service networks — a
 * database in another VPC, say — which cordon does not read: undecided over every workload.
 */
const LATTICE = new Set(['Resource', 'ServiceNetwork']);
/** Endpoint states (VpcEndpoint.State) that carry no traffic now and never will. */
const GONE = new Set(['rejected', 'deleted', 'failed', 'expired']);
/** Service states (ServiceConfiguration.ServiceState) in which it delivers nothing. */
const SERVICE_GONE = new Set(['deleted', 'failed']);

export function compilePrivateLink(ctx: AwsLbContext, r: LbResolvers): LoadBalancer[] {
  const { inv, notes } = ctx;
  const configs = new Map<string, AwsVpcEndpointServiceConfig[]>();
  for (const c of inv.endpointServiceConfigs) {
    const k = c.serviceName.toLowerCase();
    configs.set(k, [...(configs.get(k) ?? []), c]);
  }
  // An endpoint service's name, or (infrastructure as code, where AWS picks the name at deploy) a configuration's.
  const consumers = inv.vpcEndpoints
    .filter(
      (e) =>
        LATTICE.has(e.type) ||
        (e.type === 'Interface' && (isEndpointServiceName(e.serviceName) || configs.has(e.serviceName.toLowerCase()))),
    )
    .sort((a, b) => `${scopeKey(a)}|${a.id}`.localeCompare(`${scopeKey(b)}|${b.id}`));
  if (consumers.length === 0) return [];
  const byEni = new Map(ctx.interfaces.map((x) => [`${scopeKey(x.eni)}|${x.eni.id}`, x]));
  const scopes = [...inv.datasets.keys()].filter((k) => k !== '*').sort();
  /** Scopes where the provider of an unknown service may be: its configurations were not (all) read there. */
  const unread = scopes.filter((k) => {
    const [account, region] = k.split('/') as [string, string];
    return !r.complete({ account, region }, SERVICE_DATASET);
  });

  const out: LoadBalancer[] = [];
  for (const e of consumers) {
    const state = (e.state ?? '').toLowerCase();
    if (GONE.has(state)) continue;
    const pending = state !== '' && state !== 'available';
    const what = LATTICE.has(e.type)
      ? `${e.type} endpoint ${e.id}${e.serviceName ? ` (${e.serviceName})` : ''}`
      : `interface endpoint ${e.id} of endpoint service ${e.serviceName}`;
    const ref: Ref = { label: what, resourceId: e.id, origin: e.origin };
    // The front end: each address of the endpoint's network interfaces, else (not read) any address of its subnets.
    const enis = e.networkInterfaceIds.flatMap((id) => byEni.get(`${scopeKey(e)}|${id}`) ?? []);
    const fronts: { address: Cidr; known: boolean }[] = enis.length
      ? enis.flatMap((x) => x.iface.addresses.map((address) => ({ address, known: true })))
      : e.subnetIds.flatMap((id) => (ctx.subnets.get(id)?.cidrs ?? []).map((address) => ({ address, known: false })));
    if (fronts.length === 0) {
      notes.add(`${what}: neither its network interfaces nor its subnets are in the inventory, so nothing reaches it`);
      continue;
    }
    if (!enis.length)
      notes.add(
        `${what}: its network interfaces are not in the inventory, so any address of its subnets stands for its own (paths through it are not decided)`,
      );
    const endpointFilter = ctx.sgFilter(e, e.groupIds, 'in');
    const clientNetworks = privateClients(ctx, e.vpcId);
    const front = (
      id: string,
      label: string,
      f: Omit<LoadBalancer, 'id' | 'reach' | 'clientNetworks' | 'address' | 'ref'>,
    ): void => {
      for (const { address, known } of fronts)
        out.push({
          ...f,
          id: `${e.id} ${address.text}${id}`,
          reach: 'internal',
          clientNetworks,
          address,
          frontFilter: { filter: endpointFilter, addresses: [address], at: `interface endpoint ${e.id}` },
          locateAtFront: true,
          backends: known && !pending ? f.backends : f.backends.map((b) => ({ ...b, sure: false })),
          ref: { ...ref, label: `${what}${label}` },
        });
    };

    if (LATTICE.has(e.type)) {
      const candidates = scopes.flatMap((k) => r.workloads(k));
      const via: Ref = {
        label: `${what}: a VPC Lattice resource or service network endpoint, whose resource configurations and services cordon does not read, so this interface may be behind it (cannot tell)`,
        resourceId: e.id,
        origin: e.origin,
      };
      notes.add(`${what}: VPC Lattice resources behind it are not read, so what it leads to is not decided`);
      if (candidates.length)
        for (const { address } of fronts)
          out.push(
            unfollowedService({
              id: `${e.id} ${address.text}`,
              address,
              clientNetworks,
              frontFilter: { filter: endpointFilter, addresses: [address], at: `${e.type} endpoint ${e.id}` },
              candidates,
              via,
              ref: { ...ref, label: what },
            }),
          );
      continue;
    }
    const provided = (configs.get(e.serviceName.toLowerCase()) ?? []).filter(
      (c) => !SERVICE_GONE.has((c.state ?? '').toLowerCase()),
    );
    if (provided.length === 0) {
      if (unread.length === 0) {
        notes.add(
          `${what}: no account of the inventory provides the service (describe-vpc-endpoint-service-configurations read everywhere), so its targets are outside the model`,
        );
        continue;
      }
      // The provider may be any account and region whose configurations were not read: any of their workloads
      // may be a target, on any port, behind a proxy cordon does not know.
      const shown = unread.slice(0, 3).join(', ') + (unread.length > 3 ? `, … (${unread.length} scopes)` : '');
      const via: Ref = {
        label: `${what}: its provider side is not in the inventory (${SERVICE_DATASET} not read in ${shown}: aws ec2 describe-vpc-endpoint-service-configurations in the provider's account), so this interface may be a target of the provider's load balancer (cannot tell)`,
        resourceId: e.id,
        origin: e.origin,
      };
      const candidates = unread.flatMap((k) => r.workloads(k));
      notes.add(
        `${what}: the service's provider side is not in the inventory (${SERVICE_DATASET} not read in ${shown}), so what it leads to is not decided`,
      );
      if (candidates.length)
        for (const { address, known } of fronts)
          out.push(
            unfollowedService({
              id: `${e.id} ${address.text}`,
              address,
              clientNetworks,
              frontFilter: { filter: endpointFilter, addresses: [address], at: `interface endpoint ${e.id}` },
              candidates,
              via,
              ref: { ...ref, label: `${what} (provider not read)${known ? '' : ' (address not known)'}` },
            }),
          );
      continue;
    }
    for (const c of provided) {
      if (c.networkLoadBalancerArns.length === 0)
        notes.add(
          `${what}: service ${c.serviceId} has no Network Load Balancer (${c.gatewayLoadBalancerArns.length ? 'Gateway Load Balancers are reached through route tables, not interface endpoints' : 'nothing to deliver to'})`,
        );
      for (const arn of c.networkLoadBalancerArns) {
        const nlb = r.loadBalancer(c, arn);
        const viaService = `${c.serviceId} → Network Load Balancer ${nlb?.name ?? arn}`;
        if (!nlb) {
          const scope = arnScope(arn) ?? c;
          const why = scope && r.complete(scope, 'elbv2:load-balancers') ? 'not in the inventory' : 'not read';
          notes.add(`${what}: its Network Load Balancer ${arn} is ${why}, so what it leads to is not decided`);
          const via: Ref = {
            label: `${what} → ${viaService}: the load balancer is ${why}, so any instance of its account may be a target (cannot tell)`,
            resourceId: arn,
            origin: c.origin,
          };
          const backends = scope ? r.anyIn(scope, undefined, undefined, via) : [];
          if (backends.length)
            front(` ${arn}`, ` → ${viaService}`, {
              proto: [6, 17],
              ports: [[0, 65535]],
              proxySources: [],
              proxyUdp: true,
              backends,
            });
          continue;
        }
        // The NLB's security groups see the consumer's client unless the load balancer exempts PrivateLink traffic.
        const enforced = (nlb.enforceSgOnPrivateLink ?? 'on').toLowerCase() !== 'off';
        const groups = r.groupsOf(nlb);
        const providerFilter =
          enforced && groups?.length !== 0
            ? {
                ...(groups ? { filter: ctx.sgFilter(nlb, groups, 'in') } : {}),
                at: `Network Load Balancer ${nlb.name} (PrivateLink traffic)`,
              }
            : undefined;
        const { list, complete } = r.listeners(nlb);
        const listeners: (AwsLbListener | undefined)[] = [...list];
        if (!complete) {
          notes.add(
            `${what}: the listeners of Network Load Balancer ${nlb.name} were not ${list.length ? 'all ' : ''}read, so paths through it are not decided`,
          );
          listeners.push(undefined);
        }
        for (const l of listeners) {
          const protocol = (l?.protocol ?? 'TCP_UDP').toUpperCase();
          const protos = PROTOCOLS[protocol];
          if (!protos) continue; // GENEVE: a Gateway Load Balancer's
          const ports: [number, number][] = l?.port !== undefined ? [[l.port, l.port]] : [[0, 65535]];
          const listenerText = l ? `listener ${l.protocol ?? '?'}:${l.port ?? '?'}` : 'listeners not read';
          const reached: Reached[] = l
            ? r.reach(nlb, l)
            : [
                {
                  delivery: 'proxy',
                  backends: r.anyIn(nlb, nlb.vpcId, undefined, {
                    label: `${viaService}: listeners not read, any instance of its VPC may be a target (cannot tell)`,
                    resourceId: nlb.arn,
                    origin: nlb.origin,
                  }),
                },
              ];
          // One front end per proxy (the NLB's nodes, or an ALB's behind it): every target sees a proxy.
          const byProxy = new Map<string, { via?: AwsLoadBalancer; backends: LoadBalancerBackend[] }>();
          for (const x of reached) {
            const k = x.via?.arn ?? '';
            const g = byProxy.get(k) ?? byProxy.set(k, { ...(x.via ? { via: x.via } : {}), backends: [] }).get(k)!;
            g.backends.push(...x.backends);
          }
          for (const [k, g] of [...byProxy].sort(([a], [b]) => a.localeCompare(b))) {
            const proxy = r.proxyFrom(g.via ?? nlb);
            const seen = new Set<string>();
            const backends = g.backends
              .map((b) => ({
                ...b,
                sure: b.sure && proxy.known,
                via: { ...b.via, label: `${viaService} ${listenerText} → ${b.via.label}` },
              }))
              .filter((b) => {
                const bk = `${b.iface}|${b.port}|${b.sure}|${b.via.label}`;
                return !seen.has(bk) && seen.add(bk);
              });
            if (backends.length === 0) continue;
            for (const proto of protos)
              front(
                ` ${nlb.name} ${listenerText} ${proto === 17 ? 'udp' : 'tcp'}${k ? ` via ${g.via!.name}` : ''}`,
                ` → ${viaService} ${listenerText}`,
                {
                  proto: [proto, proto],
                  ports,
                  proxySources: proxy.cidrs,
                  proxyUdp: true,
                  ...(providerFilter ? { providerFilter } : {}),
                  backends,
                },
              );
          }
        }
      }
    }
  }
  return out;
}

/** The account and region an ARN names. */
export function arnScope(arn: string): Scope | undefined {
  const a = parseArn(arn);
  return a?.account && a.region ? { account: a.account, region: a.region } : undefined;
}
