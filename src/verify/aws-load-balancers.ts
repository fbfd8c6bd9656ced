/**
 * AWS Elastic Load Balancing (v2) → model.ts `LoadBalancer` front ends, one per listener and protocol (and, for an
 * internal load balancer, per node address). A listener's default actions forward to target groups; a target group
 * holds instances (ELB sends to the instance's primary network interface: device index 0), IP addresses (the
 * interface holding the address, in the group's VPC or a peered one) or Lambda functions / an Application Load
 * Balancer. What the target's security group sees (Elastic Load Balancing user guides):
 * - Application Load Balancer: a proxy. It connects from its own nodes — the private addresses of its network
 *   interfaces ("ELB app/NAME/ID") in its subnets — to the target's port, over TCP.
 * - Network Load Balancer: with client IP preservation (target group attribute preserve_client_ip.enabled; on by
 *   default for instance targets and for ip targets over UDP, TCP_UDP, QUIC and TCP_QUIC, where it cannot be turned
 *   off; off by default for ip targets over TCP and TLS) the client's own packet, its destination port rewritten to
 *   the target's; without it, a connection from the load balancer's private addresses like a proxy. An IPv6 client
 *   of an IPv4 target is seen as the load balancer's address: cordon still models the client's packet (a superset of
 *   the sources the target may see). The load balancer's security groups, if it has any, filter clients first.
 * - Gateway Load Balancers are not front ends: route tables send traffic to their endpoints, which the route
 *   compiler treats as a next hop it does not follow.
 * Every registered target is a configured path whatever its health: an unhealthy target gets traffic when every
 * target of its group fails its checks (ELB fails open), an "unused" one as soon as its Availability Zone is
 * enabled, a draining one until deregistration completes — none of which changes a security group, ACL or route.
 * A listener reaches the target groups its default actions and its rules (describe-rules: Application Load Balancers)
 * forward to; rule conditions (host, path, source address) are not read, so every rule's groups count (a superset).
 * What cannot be followed (listeners, rules, target groups, their attributes or registered targets not read, so that
 * an attached target group may be forwarded to by rules cordon did not see; an instance whose interface is not in
 * the inventory) makes the interfaces it may reach "maybe" backends, never absent. The target subnet's network ACL
 * is asked inbound (load-balancers.ts); the load balancer's own subnet's ACL, the replies' ACL legs and the front
 * end's own routes are not (a superset of what reaches the target, never a silent pass); an
 * internet-facing load balancer none of whose subnets routes to an internet gateway has no internet front end.
 * Internal front ends are reached from their VPC, peered VPCs and VPCs attached to a transit gateway the VPC is
 * attached to (by the load balancer's private addresses; their routes are not checked, again a superset).
 */
import {
  scopeKey,
  type AwsDataset,
  type AwsInventory,
  type AwsLbListener,
  type AwsLoadBalancer,
  type AwsNetworkInterface,
} from '../inventory/aws.js';
import { CidrIndex, cidrContains, tryParseCidr, type Cidr } from '../util/cidr.js';
import { arnScope, compilePrivateLink } from './aws-privatelink.js';
import type {
  Filter,
  Interface,
  LoadBalancer,
  LoadBalancerBackend,
  Peering,
  Ref,
  Subnet,
  TransitGateway,
} from './model.js';

export interface AwsLbContext {
  inv: AwsInventory;
  /** Each model interface with the inventory interface it came from. */
  interfaces: readonly { iface: Interface; eni: AwsNetworkInterface }[];
  subnets: ReadonlyMap<string, Subnet>;
  peerings: ReadonlyMap<string, Peering>;
  transitGateways: ReadonlyMap<string, TransitGateway>;
  /** The stateful filter of these security groups (aws.ts builds and shares them). */
  sgFilter: (scope: { account: string; region: string }, groupIds: string[], direction: 'in' | 'out') => Filter;
  notes: Set<string>;
}

const PROTO: Record<string, number[]> = {
  HTTP: [6],
  HTTPS: [6],
  TCP: [6],
  TLS: [6],
  UDP: [17],
  QUIC: [17],
  TCP_UDP: [6, 17],
  TCP_QUIC: [6, 17],
};
const PROTO_NAME: Record<number, string> = { 6: 'tcp', 17: 'udp' };
const ALWAYS_PRESERVED = new Set(['UDP', 'TCP_UDP', 'QUIC', 'TCP_QUIC']);

/** How a target group's targets see a client: its own address (passthrough) or the load balancer's (proxy). */
type Delivery = 'passthrough' | 'proxy';

export interface Reached {
  delivery: Delivery;
  backends: LoadBalancerBackend[];
  /** Proxy sources other than this load balancer's own nodes (an NLB forwarding to an ALB: the ALB's nodes). */
  via?: AwsLoadBalancer;
}

export function compileAwsLoadBalancers(ctx: AwsLbContext): LoadBalancer[] {
  const { inv, notes } = ctx;
  const key = (x: { account: string; region: string }, id: string) => `${scopeKey(x)}|${id}`;
  const complete = (x: { account: string; region: string }, d: AwsDataset) =>
    inv.datasets.get(scopeKey(x))?.has(d) === true && inv.partial.get(scopeKey(x))?.has(d) !== true;
  const listeners = new Map<string, AwsLbListener[]>();
  for (const l of inv.lbListeners) {
    const k = key(l, l.loadBalancerArn);
    push(listeners, k, l);
  }
  const groups = new Map(inv.lbTargetGroups.map((g) => [key(g, g.arn), g]));
  const lbByArn = new Map(inv.loadBalancers.map((lb) => [key(lb, lb.arn), lb]));
  const nodesOf = new Map<string, { iface: Interface; eni: AwsNetworkInterface }[]>();
  const byInstance = new Map<string, { iface: Interface; eni: AwsNetworkInterface }[]>();
  const byAddress = new Map<string, Interface[]>();
  const delegated = new CidrIndex<{ scope: string; iface: Interface }>();
  const isNode = (i: Interface, eni: AwsNetworkInterface) =>
    i.role === 'workload' && /^ELB (app|net|gwy)\//.test(eni.description ?? '');
  /** Workload interfaces (not load balancer nodes) by scope and by scope and VPC: who may stand behind what is not read. */
  const workloads = new Map<string, Interface[]>();
  // The interfaces are indexed on the first question about them: most networks have no load balancer or PrivateLink
  // service, and indexing 20,000 interfaces for none was ~50 ms of a 0.8 s compilation.
  let indexed = false;
  const index = () => {
    if (indexed) return;
    indexed = true;
    for (const x of ctx.interfaces) {
      if (x.iface.role === 'workload' && !isNode(x.iface, x.eni))
        for (const k of [x.iface.scope, `${x.iface.scope}|${x.iface.network}`]) push(workloads, k, x.iface);
      const m = /^ELB ((?:app|net)\/.+)$/.exec(x.eni.description ?? '');
      if (m) push(nodesOf, key(x.eni, m[1]!), x);
      if (x.eni.instanceId) {
        const k = key(x.eni, x.eni.instanceId);
        push(byInstance, k, x);
      }
      for (const a of x.iface.addresses) {
        if (a.first !== a.last) {
          delegated.add(a, { scope: key(x.eni, ''), iface: x.iface });
          continue;
        }
        const k = key(x.eni, `${a.family}|${a.first}`);
        push(byAddress, k, x.iface);
      }
    }
  };
  /** Interfaces holding an address of a scope: their own, or a prefix delegated to them (pods registered by IP). */
  const holding = (scope: { account: string; region: string }, a: Cidr): Interface[] => {
    index();
    return [
      ...(byAddress.get(key(scope, `${a.family}|${a.first}`)) ?? []),
      ...delegated
        .at(a.family, a.first)
        .filter((e) => e.scope === key(scope, ''))
        .map((e) => e.iface),
    ];
  };
  /** Every workload interface of a VPC may be a backend: what cordon cannot follow. */
  const anyIn = (
    scope: { account: string; region: string },
    vpcId: string | undefined,
    port: number | undefined,
    via: Ref,
  ) => {
    index();
    return (workloads.get(vpcId ? `${scopeKey(scope)}|${vpcId}` : scopeKey(scope)) ?? []).map(
      (i): LoadBalancerBackend => ({
        iface: i.id,
        sure: false,
        ...(port !== undefined ? { port } : {}),
        via,
      }),
    );
  };
  // Terraform names a load balancer by its address, and its interfaces "ELB net/<address>" (sources/iac).
  const suffixOf = (lb: AwsLoadBalancer) =>
    /:loadbalancer\/(.+)$/.exec(lb.arn)?.[1] ??
    `${lb.type === 'network' ? 'net' : lb.type === 'gateway' ? 'gwy' : 'app'}/${lb.arn}`;
  const nodes = (lb: AwsLoadBalancer) => {
    index();
    return nodesOf.get(key(lb, suffixOf(lb))) ?? [];
  };
  const kindName = (lb: AwsLoadBalancer) =>
    lb.type === 'network' ? 'Network Load Balancer' : 'Application Load Balancer';

  /** A load balancer's security groups: its own list, else its interfaces' (the same groups); undefined: not known. */
  const groupsOf = (lb: AwsLoadBalancer): string[] | undefined => {
    const n = nodes(lb);
    return lb.securityGroupIds ?? (n.length ? [...new Set(n.flatMap((x) => x.eni.groupIds))].sort() : undefined);
  };

  /** Where a load balancer connects from as a proxy: its nodes' IPv4 addresses, else (undecided) its subnets. */
  const proxyFrom = (lb: AwsLoadBalancer): { cidrs: Cidr[]; known: boolean } => {
    const own = nodes(lb).flatMap((n) => n.iface.addresses.filter((c) => c.family === 4));
    if (own.length > 0) return { cidrs: own, known: true };
    notes.add(
      `${kindName(lb)} ${lb.name}: its network interfaces are not in the inventory, so any address of its subnets stands for the addresses it connects to targets from (paths through it are not decided)`,
    );
    return {
      cidrs: lb.subnetIds.flatMap((id) => ctx.subnets.get(id)?.cidrs.filter((c) => c.family === 4) ?? []),
      known: false,
    };
  };

  /** The backends of one target group, with how its targets see clients. */
  const groupReach = (lb: AwsLoadBalancer, arn: string, sure: boolean, why: string, depth: number): Reached[] => {
    const g = groups.get(key(lb, arn));
    const name = g?.name || /targetgroup\/([^/]+)/.exec(arn)?.[1] || arn;
    const ref = (what: string, known: boolean): Ref => ({
      label: `target group ${name}${why}: ${what}${known ? '' : ' (cannot tell)'}`,
      resourceId: arn,
      ...(g?.origin ? { origin: g.origin } : {}),
    });
    const unknown = (what: string) =>
      notes.add(`${kindName(lb)} ${lb.name}: ${what}, so paths through it are not decided`);
    if (!g) {
      unknown(
        `target group ${name} is not in the inventory${complete(lb, 'elbv2:target-groups') ? '' : ' (elbv2:target-groups not read)'}`,
      );
      const via = ref('not read: any instance of the VPC may be a target', false);
      const backends = anyIn(lb, lb.vpcId, undefined, via);
      return lb.type === 'network'
        ? [
            { delivery: 'passthrough', backends },
            { delivery: 'proxy', backends },
          ]
        : [{ delivery: 'proxy', backends }];
    }
    const type = g.targetType ?? 'instance';
    const protocol = (g.protocol ?? '').toUpperCase();
    let delivery: Delivery[] = ['proxy'];
    let deliverySure = true;
    if (lb.type === 'network') {
      const byDefault = type === 'instance' || ALWAYS_PRESERVED.has(protocol);
      const preserve = ALWAYS_PRESERVED.has(protocol) ? true : (g.preserveClientIp ?? byDefault);
      if (!g.attributesKnown && !ALWAYS_PRESERVED.has(protocol)) {
        unknown(
          `whether target group ${g.name} preserves client addresses is not known (its attributes were not read)`,
        );
        delivery = ['passthrough', 'proxy'];
        deliverySure = false;
      } else delivery = [preserve ? 'passthrough' : 'proxy'];
    }
    if (type === 'lambda') {
      notes.add(
        `target group ${g.name} holds Lambda functions: the load balancer invokes them through the Lambda service, not over the network, so it is no path to an interface`,
      );
      return [];
    }
    if (type === 'alb') {
      // An NLB forwarding to an Application Load Balancer: the ALB's listener on the group's port proxies on to
      // its own targets. Followed once (maybe: the ALB's security groups see the NLB, which cordon does not model).
      const out: Reached[] = [];
      for (const t of g.targets ?? []) {
        const alb = lbByArn.get(key(g, t.id));
        const port = t.port ?? g.port;
        const ls = alb
          ? (listeners.get(key(alb, alb.arn)) ?? []).filter((l) => port === undefined || l.port === port)
          : [];
        if (!alb || depth > 0 || ls.length === 0) {
          unknown(`target group ${g.name} forwards to an Application Load Balancer cordon cannot follow (${t.id})`);
          out.push({
            delivery: 'proxy',
            backends: anyIn(g, g.vpcId ?? lb.vpcId, undefined, ref(`Application Load Balancer ${t.id}`, false)),
          });
          continue;
        }
        for (const l of ls)
          for (const r of listenerReach(alb, l, depth + 1))
            out.push({
              delivery: 'proxy',
              via: alb,
              backends: r.backends.map((b) => ({
                ...b,
                sure: false,
                via: {
                  ...b.via,
                  label: `target group ${g.name}: Application Load Balancer ${alb.name} port ${l.port ?? '?'} → ${b.via.label}`,
                },
              })),
            });
      }
      if (!g.targets) {
        unknown(`the targets of target group ${g.name} were not read`);
        out.push({
          delivery: 'proxy',
          backends: anyIn(g, g.vpcId ?? lb.vpcId, undefined, ref('targets not read', false)),
        });
      }
      return out;
    }
    let backends: LoadBalancerBackend[];
    if (!g.targets) {
      unknown(`the targets of target group ${g.name} were not read (elbv2:target-health)`);
      backends = anyIn(
        g,
        g.vpcId ?? lb.vpcId,
        g.port,
        ref('targets not read: any instance of the VPC may be one', false),
      );
    } else {
      backends = [];
      if (!complete(g, 'elbv2:target-health')) {
        // Some registrations were not read (a skipped output, a reference not known before deploy): any instance of
        // the VPC may be one more target.
        unknown(`the targets of target group ${g.name} may not all be known (elbv2:target-health is incomplete)`);
        backends.push(...anyIn(g, g.vpcId ?? lb.vpcId, g.port, ref('more targets may be registered', false)));
      }
      for (const t of [...g.targets].sort((a, b) => a.id.localeCompare(b.id) || (a.port ?? 0) - (b.port ?? 0))) {
        const port = t.port ?? g.port;
        const what = `${t.id}${port !== undefined ? ` port ${port}` : ''}${t.state ? ` (${t.state})` : ''}`;
        let iface: Interface | undefined;
        if (type === 'ip') {
          const a = tryParseCidr(t.id);
          const found = a ? holding(g, a) : [];
          iface = found.find((i) => i.network === (g.vpcId ?? lb.vpcId)) ?? found[0];
          if (!iface) {
            notes.add(
              `target group ${g.name}: IP target ${t.id} is held by no interface of the model (outside the VPCs read, or on premises): not followed`,
            );
            continue;
          }
        } else {
          index();
          const list = byInstance.get(key(g, t.id)) ?? [];
          // ELB sends to the primary private address of the instance's primary interface (device index 0).
          iface = (
            list.find((x) => x.eni.deviceIndex === 0 && (x.eni.networkCardIndex ?? 0) === 0) ??
            (list.length === 1 ? list[0] : undefined)
          )?.iface;
          if (!iface) {
            unknown(
              `the primary network interface of instance ${t.id} (target group ${g.name}) is not in the inventory`,
            );
            backends.push(
              ...anyIn(
                g,
                g.vpcId ?? lb.vpcId,
                port,
                ref(`instance ${t.id}, whose interface is not known: may be this one`, false),
              ),
            );
            continue;
          }
        }
        backends.push({
          iface: iface.id,
          sure: sure && deliverySure,
          ...(port !== undefined ? { port } : {}),
          via: ref(what, sure && deliverySure),
        });
      }
    }
    if (!sure || !deliverySure) backends = backends.map((b) => ({ ...b, sure: false }));
    return delivery.map((d) => ({ delivery: d, backends }));
  };

  /** Target groups by the load balancers they are attached to (LoadBalancerArns). */
  const attachedTo = new Map<string, string[]>();
  for (const g of inv.lbTargetGroups) for (const a of g.loadBalancerArns) push(attachedTo, key(g, a), g.arn);

  /** What one listener reaches: the target groups its default actions and its rules forward to. */
  const listenerReach = (lb: AwsLoadBalancer, l: AwsLbListener, depth: number): Reached[] => {
    const byRule = new Set(l.ruleForwardTo ?? []);
    const out = [...new Set([...l.forwardTo, ...byRule])]
      .sort()
      .flatMap((arn) => groupReach(lb, arn, true, l.forwardTo.includes(arn) ? '' : ' (by a listener rule)', depth));
    // An Application Load Balancer listener whose rules were not read: a target group attached to the load balancer
    // that no action read names is forwarded to by some rule, of which listener cordon cannot tell.
    if (lb.type !== 'network' && l.ruleForwardTo === undefined) {
      const named = new Set(
        (listeners.get(key(lb, lb.arn)) ?? []).flatMap((x) => [...x.forwardTo, ...(x.ruleForwardTo ?? [])]),
      );
      for (const arn of attachedTo.get(key(lb, lb.arn)) ?? [])
        if (!named.has(arn))
          out.push(...groupReach(lb, arn, false, ' (a listener rule may forward to it; rules not read)', depth));
    }
    return out;
  };

  const out: LoadBalancer[] = [];
  for (const lb of [...inv.loadBalancers].sort((a, b) => key(a, a.arn).localeCompare(key(b, b.arn)))) {
    if (lb.type === 'gateway') {
      notes.add(
        `Gateway Load Balancer ${lb.name} is not a front end: route tables send traffic to its endpoints, a next hop cordon does not follow`,
      );
      continue;
    }
    const external = lb.scheme !== 'internal';
    const lbNodes = nodes(lb);
    if (external) {
      const subs = lb.subnetIds.map((id) => ctx.subnets.get(id));
      const noGateway =
        subs.length > 0 &&
        subs.every(
          (s) =>
            s?.routeTable !== undefined &&
            !s.routeTable.routes.some(
              (r) => (r.target.kind === 'internet' && !r.target.egressOnly) || r.target.kind === 'unknown',
            ),
        );
      if (noGateway) {
        notes.add(
          `internet-facing ${kindName(lb)} ${lb.name}: none of its subnets routes to an internet gateway, so the internet cannot reach it`,
        );
        continue;
      }
    }
    const sgIds = groupsOf(lb);
    if (sgIds === undefined && lb.type !== 'network')
      notes.add(
        `${kindName(lb)} ${lb.name}: its security groups are not in the inventory, so its clients are taken as unfiltered`,
      );
    const frontFilter = sgIds?.length ? ctx.sgFilter(lb, sgIds, 'in') : undefined;

    // Who may connect: the internet, or the VPC and what reaches it by private address.
    let clientNetworks: string[] | undefined;
    let addresses: { cidr?: Cidr; known: boolean }[] = [{ known: true }];
    if (!external) {
      clientNetworks = privateClients(ctx, lb.vpcId ?? '');
      const own = lbNodes.flatMap((n) => n.iface.addresses).map((cidr) => ({ cidr, known: true }));
      addresses = own.length
        ? own
        : lb.subnetIds.flatMap((id) => (ctx.subnets.get(id)?.cidrs ?? []).map((cidr) => ({ cidr, known: false })));
      if (!own.length)
        notes.add(
          `internal ${kindName(lb)} ${lb.name}: its network interfaces are not in the inventory, so any address of its subnets stands for its own (paths through it are not decided)`,
        );
    }

    const ls: (AwsLbListener & { unread?: true })[] = [...(listeners.get(key(lb, lb.arn)) ?? [])].sort((a, b) =>
      a.arn.localeCompare(b.arn),
    );
    const lbRef = (what: string): Ref => ({
      label: `${what} of ${kindName(lb)} ${lb.name}`,
      resourceId: lb.arn,
      origin: lb.origin,
    });
    if (!complete(lb, 'elbv2:listeners')) {
      // Listeners not read, or not all of them: any port may lead to any target of its VPC.
      notes.add(
        `${kindName(lb)} ${lb.name}: its listeners were not ${ls.length ? 'all ' : ''}read (elbv2:listeners), so paths through it are not decided`,
      );
      ls.push({
        account: lb.account,
        region: lb.region,
        origin: lb.origin,
        arn: lb.arn,
        loadBalancerArn: lb.arn,
        forwardTo: [],
        unread: true,
      });
    }
    for (const l of ls) {
      const listenersKnown = !l.unread;
      const protos = PROTO[(l.protocol ?? '').toUpperCase()] ?? (lb.type === 'network' ? [6, 17] : [6]);
      if ((l.protocol ?? '').toUpperCase() === 'GENEVE') continue;
      const reached: Reached[] = listenersKnown
        ? listenerReach(lb, l, 0)
        : (lb.type === 'network' ? (['passthrough', 'proxy'] as const) : (['proxy'] as const)).map((delivery) => ({
            delivery,
            backends: anyIn(
              lb,
              lb.vpcId,
              undefined,
              lbRef('listeners not read: any instance of the VPC may be a target (cannot tell)'),
            ),
          }));
      const ports: [number, number][] = listenersKnown && l.port !== undefined ? [[l.port, l.port]] : [[0, 65535]];
      const listenerText = listenersKnown ? `listener ${l.protocol ?? '?'}:${l.port ?? '?'}` : 'listeners not read';
      for (const proto of protos) {
        // One front end per way of delivery (and per proxy): backends of a kind share the source the target sees.
        const kinds = new Map<string, { r: Reached; backends: LoadBalancerBackend[] }>();
        for (const r of reached) {
          const k = `${r.delivery}|${r.via?.arn ?? ''}`;
          const e = kinds.get(k) ?? kinds.set(k, { r, backends: [] }).get(k)!;
          e.backends.push(...r.backends);
        }
        for (const [, { r, backends }] of [...kinds].sort(([a], [b]) => a.localeCompare(b))) {
          if (backends.length === 0) continue;
          const proxy = r.delivery === 'proxy' ? proxyFrom(r.via ?? lb) : undefined;
          if (proxy && proto !== 6) continue; // a proxy connects to its targets over TCP
          const seen = new Set<string>();
          const unique = backends
            .map((b) => (proxy && !proxy.known ? { ...b, sure: false } : b))
            .filter((b) => {
              const bk = `${b.iface}|${b.port}|${b.sure}|${b.via.label}`;
              return !seen.has(bk) && seen.add(bk);
            });
          for (const a of addresses) {
            const addrText = a.cidr ? ` ${a.cidr.text}` : '';
            // An internal front end per node address: that node's subnet; else every subnet of the load balancer.
            const nodeSubnets = a.cidr
              ? lb.subnetIds.filter((id) => ctx.subnets.get(id)?.cidrs.some((c) => cidrContains(c, a.cidr!)))
              : [];
            const frontSubnets = nodeSubnets.length ? nodeSubnets : lb.subnetIds.filter((id) => ctx.subnets.has(id));
            out.push({
              id: `${lb.name} ${listenerText} ${PROTO_NAME[proto]}${r.delivery === 'proxy' ? ' proxy' : ''}${r.via ? ` via ${r.via.name}` : ''}${addrText}`,
              reach: external ? 'external' : 'internal',
              ...(clientNetworks ? { clientNetworks } : {}),
              ...(a.cidr ? { address: a.cidr } : {}),
              proto: [proto, proto],
              ports,
              ...(proxy ? { proxySources: proxy.cidrs } : { toBackendPort: true }),
              ...(frontSubnets.length ? { frontSubnets } : {}),
              ...(frontFilter ? { frontFilter: { filter: frontFilter, at: `${kindName(lb)} ${lb.name}` } } : {}),
              backends: a.known ? unique : unique.map((b) => ({ ...b, sure: false })),
              ref: lbRef(`${listenerText}${r.delivery === 'passthrough' ? ' (client address preserved)' : ''}`),
            });
          }
        }
      }
    }
  }
  out.push(
    ...compilePrivateLink(ctx, {
      // Infrastructure as code names a load balancer by its address, in the declaring scope.
      loadBalancer: (from, arn) => lbByArn.get(key(arnScope(arn) ?? from, arn)),
      listeners: (lb) => ({
        list: [...(listeners.get(key(lb, lb.arn)) ?? [])].sort((a, b) => a.arn.localeCompare(b.arn)),
        complete: complete(lb, 'elbv2:listeners'),
      }),
      reach: (lb, l) => listenerReach(lb, l, 0),
      proxyFrom,
      groupsOf,
      anyIn,
      workloads: (scope) => {
        index();
        return workloads.get(scope) ?? [];
      },
      complete,
    }),
  );
  return out;
}

/**
 * The networks that reach a private address of this VPC: itself, peered VPCs and VPCs attached to a transit gateway
 * it is attached to (their routes are not checked: a superset).
 */
export function privateClients(ctx: Pick<AwsLbContext, 'peerings' | 'transitGateways'>, vpc: string): string[] {
  const nets = new Set<string>([vpc]);
  for (const p of ctx.peerings.values()) if (p.networks.includes(vpc)) for (const n of p.networks) nets.add(n);
  for (const t of ctx.transitGateways.values()) {
    const attached = [...t.attachments.values()];
    if (attached.some((a) => a.network === vpc)) for (const a of attached) nets.add(a.network);
  }
  return [...nets].sort();
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
