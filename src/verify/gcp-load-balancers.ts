/**
 * GCP load balancers → model.ts `LoadBalancer` front ends. A forwarding rule leads to backend services (its
 * `backendService`, or its target proxy's URL map or service), or to a target pool's instances; backend services
 * lead to instance groups and network endpoint groups, and those to instances. What the backend VM sees as the
 * source decides its firewall (Google's "Firewall rules" page of Cloud Load Balancing, and each load balancer's
 * overview):
 * - global external Application / proxy Network load balancers (EXTERNAL classic and EXTERNAL_MANAGED, global) connect
 *   from the Google Front End ranges 35.191.0.0/16 and 130.211.0.0/22 ("GFE proxy ranges: same as health check
 *   ranges" for instance group and GCE_VM_IP_PORT backends);
 * - Envoy-based regional ones (regional EXTERNAL_MANAGED, INTERNAL_MANAGED) connect from the region's proxy-only
 *   subnet (purpose REGIONAL_MANAGED_PROXY) of the network; cross-region internal ones (global INTERNAL_MANAGED) from
 *   the network's GLOBAL_MANAGED_PROXY subnets;
 * - passthrough Network Load Balancers (external with a backend service or target pool, INTERNAL) deliver the
 *   client's packet unchanged, to the forwarding rule's port ("Load-balanced packets are sent to the backend VMs with
 *   their source and destination IP addresses, protocol, and, if applicable, ports, unchanged"; responses by direct
 *   server return).
 * Health-check probes come from the same Google ranges but are not user traffic: they are not a path.
 * Internal load balancers are reached from their own network and peered networks, from the forwarding rule's region
 * unless global access is on (a global internal forwarding rule serves every region).
 * What cannot be followed — a backend service, proxy or URL map not in the inventory, an instance group whose members
 * were not listed, a network endpoint group whose endpoints were not — makes the instances it may hold "maybe"
 * backends (unknown, never absent); a Cloud Armor policy on a backend service can only narrow who gets through, so
 * its paths are at most "maybe". Serverless, internet, hybrid and PSC endpoint groups are not VMs of the model.
 */
import {
  gcpIdKey,
  gcpScopeKey,
  shortName,
  type GcpBackendService,
  type GcpForwardingRule,
  type GcpInventory,
} from '../inventory/gcp.js';
import { tryParseCidr, type Cidr } from '../util/cidr.js';
import type { LoadBalancer, LoadBalancerBackend, Ref } from './model.js';

const GFE_RANGES = ['35.191.0.0/16', '130.211.0.0/22'].map((t) => tryParseCidr(t)!);

const PROTOCOLS: Record<string, number> = { TCP: 6, UDP: 17, ESP: 50, AH: 51, ICMP: 1, SCTP: 132 };

/** A workload interface the compiler made, with what the load-balancer compiler matches it by. */
export interface LbInterface {
  id: string;
  network: string;
  /** The network's relative name (gcpIdKey). */
  networkKey: string;
  instanceKey: string;
  instanceName: string;
  zone: string;
  nicIndex: number;
  addresses: Cidr[];
}

function portRanges(r: GcpForwardingRule, proto: string): [number, number][] {
  if (r.allPorts || proto === 'L3_DEFAULT') return [[0, 65535]];
  const parse = (t: string): [number, number] | undefined => {
    const m = /^(\d+)(?:-(\d+))?$/.exec(t.trim());
    return m ? [Number(m[1]), Number(m[2] ?? m[1])] : undefined;
  };
  const list = [...(r.portRange ? [r.portRange] : []), ...r.ports]
    .map(parse)
    .filter((x): x is [number, number] => x !== undefined);
  return list.length ? list : [[0, 65535]];
}

export function compileGcpLoadBalancers(
  inv: GcpInventory,
  interfaces: readonly LbInterface[],
  netName: (key: string) => string | undefined,
  peersOf: (key: string) => string[],
  notes: Set<string>,
): LoadBalancer[] {
  const services = new Map(inv.backendServices.map((b) => [gcpIdKey(b.id), b]));
  const maps = new Map(inv.urlMaps.map((m) => [gcpIdKey(m.id), m]));
  const proxies = new Map(inv.targetProxies.map((p) => [gcpIdKey(p.id), p]));
  const pools = new Map(inv.targetPools.map((p) => [gcpIdKey(p.id), p]));
  const groups = new Map(inv.instanceGroups.map((g) => [gcpIdKey(g.id), g]));
  const negs = new Map(inv.networkEndpointGroups.map((g) => [gcpIdKey(g.id), g]));
  const byInstance = new Map<string, LbInterface[]>();
  for (const i of interfaces) {
    const l = byInstance.get(i.instanceKey);
    if (l) l.push(i);
    else byInstance.set(i.instanceKey, [i]);
  }
  // Looked up per forwarding rule of an organisation: by id, the first listed (as a search of the list found it),
  // and the proxy-only subnetworks apart, rather than a pass over every subnetwork and address per rule.
  const firstByKey = <T extends { id: string }>(list: readonly T[]) => {
    const m = new Map<string, { item: T; at: number }>();
    list.forEach((item, at) => {
      const k = gcpIdKey(item.id);
      if (!m.has(k)) m.set(k, { item, at });
    });
    return m;
  };
  const subnetworkByKey = firstByKey(inv.subnetworks);
  const addressByKey = firstByKey(inv.addresses);
  const serviceByKey = firstByKey(inv.backendServices);
  const PROXY_PURPOSES = new Set(['GLOBAL_MANAGED_PROXY', 'REGIONAL_MANAGED_PROXY', 'INTERNAL_HTTPS_LOAD_BALANCER']);
  const proxyOnly = inv.subnetworks.filter((s) => PROXY_PURPOSES.has((s.purpose ?? '').toUpperCase()));
  const out: LoadBalancer[] = [];

  for (const r of [...inv.forwardingRules].sort((a, b) => gcpIdKey(a.id).localeCompare(gcpIdKey(b.id)))) {
    const scheme = (r.loadBalancingScheme ?? '').toUpperCase();
    if (scheme === '' || scheme === 'INTERNAL_SELF_MANAGED') continue; // PSC endpoints, Traffic Director: gcp.ts notes
    const external = scheme.startsWith('EXTERNAL');
    const targetKey = r.target ? gcpIdKey(r.target) : undefined;
    const collection = targetKey ? /\/(target[A-Za-z]+|backendServices)\/[^/]+$/.exec(targetKey)?.[1] : undefined;
    const proxy = !!collection && /^target(Http|Https|Grpc|Tcp|Ssl)Prox(y|ies)$/.test(collection);
    const proto = (r.IPProtocol ?? 'TCP').toUpperCase();
    const protoNumber = proto === 'L3_DEFAULT' ? undefined : (PROTOCOLS[proto] ?? Number(proto));
    const fr: Ref = {
      label: `forwarding rule ${r.name} (${scheme} ${proto} ${portRanges(r, proto)
        .map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`))
        .join(',')})`,
      resourceId: r.id,
      resourceType: 'compute.googleapis.com/ForwardingRule',
      scope: gcpScopeKey(r),
      ...(r.origin ? { origin: r.origin } : {}),
    };
    const unknownNote = (why: string) =>
      notes.add(`load balancer forwarding rule ${r.name}: ${why}, so paths through it are not decided`);

    // ---- backend services (or a target pool's instances)
    const frNetKey = r.network ? gcpIdKey(r.network) : undefined;
    const backends: LoadBalancerBackend[] = [];
    /** Every interface (of a network, when given) may be a backend: what cordon cannot follow. */
    const anyOf = (via: Ref, netKey?: string, zone?: string) => {
      for (const i of interfaces)
        if ((!netKey || i.networkKey === netKey) && (!zone || i.zone === zone))
          backends.push({ iface: i.id, sure: false, via });
    };
    const pick = (instanceKey: string, netKey: string | undefined): LbInterface | undefined => {
      const list = byInstance.get(instanceKey) ?? [];
      return (netKey ? list.find((i) => i.networkKey === netKey) : undefined) ?? list.find((i) => i.nicIndex === 0);
    };
    const viaService = (bs: GcpBackendService) => {
      const armor = bs.securityPolicy ? `, Cloud Armor policy ${shortName(bs.securityPolicy)}` : '';
      const sure = !bs.securityPolicy;
      const netKey = bs.network ? gcpIdKey(bs.network) : frNetKey;
      for (const b of bs.backends) {
        const ref = (what: string, known: boolean): Ref => ({
          label: `backend service ${bs.name}${armor}: ${what}${known ? '' : ' (cannot tell)'}`,
          resourceId: bs.id,
          resourceType: 'compute.googleapis.com/BackendService',
          scope: gcpScopeKey(bs),
          ...(bs.origin ? { origin: bs.origin } : {}),
        });
        const gk = gcpIdKey(b.group);
        if (gk.includes('/instanceGroups/')) {
          const g = groups.get(gk);
          if (!g) {
            unknownNote(`instance group ${shortName(gk)} of backend service ${bs.name} is not in the inventory`);
            anyOf(ref(`instance group ${shortName(gk)} not read: any instance may be a backend`, false), netKey);
            continue;
          }
          const named = g.namedPorts.find((p) => p.name === (bs.portName ?? 'http'))?.port;
          const port = named ?? (bs.portName ? undefined : bs.port);
          if (!g.members) {
            unknownNote(`the members of instance group ${g.name} were not listed`);
            anyOf(
              ref(`instance group ${g.name}, whose members were not listed: may hold this instance`, false),
              g.network ? gcpIdKey(g.network) : netKey,
              g.zone,
            );
            continue;
          }
          for (const m of g.members) {
            const i = pick(m, g.network ? gcpIdKey(g.network) : netKey);
            if (!i) continue;
            backends.push({
              iface: i.id,
              sure,
              ...(port !== undefined ? { port } : {}),
              via: ref(
                `instance group ${g.name} holds ${i.instanceName}${port !== undefined ? `, port ${port}` : ''}`,
                sure,
              ),
            });
          }
        } else if (gk.includes('/networkEndpointGroups/')) {
          const n = negs.get(gk);
          const type = (n?.networkEndpointType ?? '').toUpperCase();
          if (n && type && !type.startsWith('GCE_VM_IP')) {
            notes.add(
              `network endpoint group ${n.name} (${type}) behind load balancer forwarding rule ${r.name}: its endpoints are not VMs of the model (serverless, internet, hybrid or Private Service Connect)`,
            );
            continue;
          }
          if (!n || !n.endpoints) {
            unknownNote(`the endpoints of network endpoint group ${shortName(gk)} were not listed`);
            anyOf(ref(`network endpoint group ${shortName(gk)}, endpoints not listed`, false), netKey, n?.zone);
            continue;
          }
          for (const e of n.endpoints) {
            const key = e.instance?.includes('/')
              ? gcpIdKey(e.instance)
              : [...byInstance.keys()].find(
                  (k) => k.endsWith(`/instances/${e.instance ?? ''}`) && (!n.zone || k.includes(`/zones/${n.zone}/`)),
                );
            const ip = e.ipAddress ? tryParseCidr(e.ipAddress) : undefined;
            const i =
              (key ? pick(key, n.network ? gcpIdKey(n.network) : netKey) : undefined) ??
              (ip ? interfaces.find((x) => x.addresses.some((a) => a.first === ip.first)) : undefined);
            if (!i) continue;
            backends.push({
              iface: i.id,
              sure,
              ...(e.port !== undefined ? { port: e.port } : {}),
              via: ref(`network endpoint group ${n.name} holds ${i.instanceName}${e.port ? `:${e.port}` : ''}`, sure),
            });
          }
        }
        // Backend buckets (Cloud Storage) are not VMs: no path to a zone.
      }
    };
    const serviceKeys: string[] = [];
    if (r.backendService) serviceKeys.push(gcpIdKey(r.backendService));
    else if (proxy) {
      const p = proxies.get(targetKey!);
      if (!p) unknownNote(`target proxy ${shortName(targetKey!)} is not in the inventory`);
      else if (p.service) serviceKeys.push(gcpIdKey(p.service));
      else if (p.urlMap) {
        const m = maps.get(gcpIdKey(p.urlMap));
        if (!m) unknownNote(`URL map ${shortName(p.urlMap)} is not in the inventory`);
        else serviceKeys.push(...m.services.filter((s) => s.includes('/backendServices/')));
      }
      if (!p || (!p.service && (!p.urlMap || !maps.has(gcpIdKey(p.urlMap)))))
        anyOf({ label: `${fr.label}: its backends are not known`, resourceId: r.id }, frNetKey);
    } else if (collection === 'targetPools') {
      const pool = pools.get(targetKey!);
      if (!pool) {
        unknownNote(`target pool ${shortName(targetKey!)} is not in the inventory`);
        anyOf({ label: `${fr.label}: its target pool is not known`, resourceId: r.id });
      } else
        for (const m of pool.instances) {
          const i = pick(m, undefined);
          if (i)
            backends.push({
              iface: i.id,
              sure: true,
              via: {
                label: `target pool ${pool.name} holds ${i.instanceName}`,
                resourceId: pool.id,
                resourceType: 'compute.googleapis.com/TargetPool',
                scope: gcpScopeKey(pool),
                ...(pool.origin ? { origin: pool.origin } : {}),
              },
            });
        }
    } else {
      // A target cordon does not follow (a target instance, a VPN gateway…): any instance may be behind it.
      notes.add(
        `${external ? 'external' : 'internal'} load balancer forwarding rule ${r.name} is not modelled (target ${targetKey ? shortName(targetKey) : 'none'}): paths through it are not decided`,
      );
      anyOf(
        { label: `${fr.label}: its target is not modelled, any instance may be behind it`, resourceId: r.id },
        frNetKey,
      );
    }
    for (const k of serviceKeys) {
      const bs = services.get(k);
      if (bs) viaService(bs);
      else {
        unknownNote(`backend service ${shortName(k)} is not in the inventory (another project's, or not read)`);
        anyOf({ label: `backend service ${shortName(k)} not read: any instance may be a backend`, resourceId: k });
      }
    }

    // ---- who connects to the backends
    let proxySources: Cidr[] | undefined;
    if (proxy) {
      const global = r.region === 'global';
      // Classic load balancers (EXTERNAL) run on the GFEs in either tier, regional Standard-tier ones too.
      if (external && (global || scheme === 'EXTERNAL')) proxySources = GFE_RANGES;
      else {
        const purpose = global ? 'GLOBAL_MANAGED_PROXY' : 'REGIONAL_MANAGED_PROXY';
        // The first of the rule's backend services in inventory order.
        const first = serviceKeys.flatMap((k) => serviceByKey.get(k) ?? []).sort((a, b) => a.at - b.at)[0]?.item;
        const netKey = frNetKey ?? first?.network;
        proxySources = proxyOnly
          .filter(
            (s) =>
              ((s.purpose ?? '').toUpperCase() === purpose ||
                (purpose === 'REGIONAL_MANAGED_PROXY' &&
                  (s.purpose ?? '').toUpperCase() === 'INTERNAL_HTTPS_LOAD_BALANCER')) &&
              (!netKey || gcpIdKey(s.network) === gcpIdKey(netKey)) &&
              (global || s.region === r.region),
          )
          .flatMap((s) => tryParseCidr(s.ipCidrRange ?? '') ?? []);
        if (proxySources.length === 0)
          notes.add(
            `load balancer forwarding rule ${r.name}: no ${purpose} proxy-only subnet in the inventory, so what its backends admit from the proxy is not decided`,
          );
      }
    }

    // ---- the front end
    let address = r.IPAddress ? tryParseCidr(r.IPAddress) : undefined;
    if (r.IPAddress && !address) {
      const a = addressByKey.get(gcpIdKey(r.IPAddress))?.item;
      address = a?.address ? tryParseCidr(a.address) : undefined;
    }
    let clientNetworks: string[] | undefined;
    if (!external) {
      const key = frNetKey ?? (r.subnetwork ? subnetworkByKey.get(gcpIdKey(r.subnetwork))?.item.network : undefined);
      const own = key ? netName(gcpIdKey(key)) : undefined;
      clientNetworks = own ? [own, ...peersOf(gcpIdKey(key!))] : [];
      if (!address) {
        // The address is assigned at creation from the subnetwork: any address of it stands for it, undecided.
        const sub = r.subnetwork ? subnetworkByKey.get(gcpIdKey(r.subnetwork))?.item : undefined;
        address = sub?.ipCidrRange ? tryParseCidr(sub.ipCidrRange) : undefined;
        for (const b of backends) b.sure = false;
        unknownNote('its internal address is not known');
      }
    }
    const seen = new Set<string>();
    out.push({
      id: `forwarding rule ${r.name}`,
      reach: external ? 'external' : 'internal',
      ...(clientNetworks ? { clientNetworks } : {}),
      ...(!external && !r.allowGlobalAccess && r.region !== 'global' ? { clientRegion: r.region } : {}),
      ...(address ? { address } : {}),
      proto: protoNumber === undefined || Number.isNaN(protoNumber) ? [0, 255] : [protoNumber, protoNumber],
      ports: portRanges(r, proto),
      ...(proxySources ? { proxySources } : {}),
      backends: backends.filter((b) => {
        const k = `${b.iface}|${b.port}|${b.sure}|${b.via.label}`;
        return !seen.has(k) && seen.add(k);
      }),
      ref: fr,
    });
  }
  return out;
}
