/**
 * Azure private endpoints to a customer's Private Link service (Microsoft.Network/privateLinkServices) → model.ts
 * `LoadBalancer` front ends. Unlike a private endpoint of Azure OpenAI or Storage, which only answers, one of a
 * Private Link service delivers the consumer's connections to the backend pool of the Standard Load Balancer the
 * service fronts, in another VNet and often another subscription, with the source translated to the service's NAT
 * addresses (TCP and UDP). A service in the inventory is followed to the rules on its front-end IP configurations
 * (`followed`). One that is not makes any workload of the service's subscription a "maybe" backend (a Standard Load
 * Balancer's backend pool holds NICs or addresses of its own VNet, which lies in one subscription), naming the
 * endpoint and the service, never a dead end; a subscription with no interface in the model leads outside it (said
 * in the notes). Connections rejected or disconnected carry nothing; pending ones are "maybe".
 */
import { azureIdKey, parseAzureId, type AzureInventory } from '../inventory/azure.js';
import type { Cidr } from '../util/cidr.js';
import { tryParseCidr } from '../util/cidr.js';
import { RULE_FRONTEND } from './azure-load-balancers.js';
import type { Interface, LoadBalancer, LoadBalancerBackend, Ref, Subnet } from './model.js';
import { unfollowedService } from './private-services.js';
import { NO_FILTER } from './questions.js';

const PLS_TYPE = 'microsoft.network/privatelinkservices';
const GONE = new Set(['rejected', 'disconnected']);

export interface AzurePrivateLinkContext {
  inv: AzureInventory;
  /** The compiled load-balancer rules (azure-load-balancers.ts), whose front ends a service names. */
  loadBalancers: readonly LoadBalancer[];
  /** The model subnet of an Azure subnet id (its address ranges: a NAT address assigned at deploy lies there). */
  subnetCidrs: (subnetId: string) => Cidr[];
  interfaces: readonly Interface[];
  nicInterface: ReadonlyMap<string, Interface>;
  reachableNetworks: (network: string) => string[];
  subnets: ReadonlyMap<string, Subnet>;
  notes: Set<string>;
}

export function compileAzurePrivateLink(ctx: AzurePrivateLinkContext): LoadBalancer[] {
  const { inv, notes } = ctx;
  /** Workload interfaces by subscription (lower case): who may stand behind a service of that subscription. */
  const bySubscription = new Map<string, Interface[]>();
  for (const i of ctx.interfaces)
    if (i.role === 'workload') {
      const k = (i.scope.split('/')[0] ?? '').toLowerCase();
      bySubscription.set(k, [...(bySubscription.get(k) ?? []), i]);
    }
  const services = new Map(inv.privateLinkServices.map((s) => [azureIdKey(s.id), s]));
  const rulesAt = new Map<string, LoadBalancer[]>();
  for (const lb of ctx.loadBalancers) {
    const f = RULE_FRONTEND.get(lb);
    if (f) rulesAt.set(f, [...(rulesAt.get(f) ?? []), lb]);
  }
  const out: LoadBalancer[] = [];
  for (const pe of [...inv.privateEndpoints].sort((a, b) => azureIdKey(a.id).localeCompare(azureIdKey(b.id)))) {
    const connected = pe.connections.filter(
      (c) =>
        c.privateLinkServiceId &&
        (parseAzureId(c.privateLinkServiceId).type ?? '').toLowerCase() === PLS_TYPE &&
        !GONE.has((c.status ?? '').toLowerCase()),
    );
    if (connected.length === 0) continue;
    const nics = pe.networkInterfaceIds.flatMap((id) => ctx.nicInterface.get(azureIdKey(id)) ?? []);
    const what = `private endpoint ${pe.name}`;
    if (nics.length === 0) {
      notes.add(`${what}: its network interface is not in the model, so nothing reaches it`);
      continue;
    }
    for (const c of connected) {
      const serviceId = c.privateLinkServiceId!;
      const service = serviceId.split('/').pop() ?? serviceId;
      const pls = services.get(azureIdKey(serviceId));
      if (pls) {
        out.push(...followed(ctx, pls, rulesAt, nics, what, pe.id, pe.origin, (c.status ?? '').toLowerCase()));
        continue;
      }
      const subscription = (parseAzureId(serviceId).subscription ?? '').toLowerCase();
      const candidates = bySubscription.get(subscription) ?? [];
      if (candidates.length === 0) {
        notes.add(
          `${what} connects to Private Link service ${service}, whose subscription has no interface in the inventory: its backends are outside the model`,
        );
        continue;
      }
      const via: Ref = {
        label: `${what} → Private Link service ${service}: the service is not in the inventory (network:private-link-services), so any interface of its subscription may be a backend (cannot tell)`,
        resourceId: serviceId,
        origin: pe.origin,
      };
      notes.add(
        `${what} connects to Private Link service ${service} (a customer's load balancer behind it): what it leads to is not decided`,
      );
      for (const nic of nics) {
        const inbound = ctx.subnets.get(nic.subnet)?.inbound;
        for (const address of nic.addresses)
          out.push(
            unfollowedService({
              id: `${pe.name} ${address.text} ${service}`,
              address,
              clientNetworks: ctx.reachableNetworks(nic.network),
              // The endpoint's subnet NSG, where network policies apply it to private endpoints.
              ...(inbound ? { frontFilter: { filter: inbound, addresses: [address], at: `${what} subnet` } } : {}),
              candidates,
              via,
              ref: { label: `${what} of Private Link service ${service}`, resourceId: pe.id, origin: pe.origin },
            }),
          );
      }
    }
  }
  return out;
}

/**
 * A private endpoint of a Private Link service in the inventory: the rules on the service's load balancer front
 * ends carry its connections to their backends, from the service's NAT addresses (a proxy), on each rule's backend
 * port; the client connects to the endpoint on the rule's front-end port.
 */
function followed(
  ctx: AzurePrivateLinkContext,
  pls: AzureInventory['privateLinkServices'][number],
  rulesAt: ReadonlyMap<string, LoadBalancer[]>,
  nics: readonly Interface[],
  what: string,
  peId: string,
  origin: Ref['origin'],
  status: string,
): LoadBalancer[] {
  const out: LoadBalancer[] = [];
  const nat = pls.natIpConfigurations.map((c) => ({
    cidr: c.privateIpAddress ? tryParseCidr(c.privateIpAddress) : undefined,
    subnet: c.subnetId,
  }));
  // A NAT address assigned at deploy: Azure picks one of its subnet's addresses, so a backend surely admits the
  // service's connection only when it admits every address of the subnet (LoadBalancer.proxySourcesPicked).
  // The service connects from each of its NAT addresses: a stated one is one of them whatever Azure picks for the rest.
  const natKnown = nat.length > 0 && nat.every((n) => n.cidr);
  const picked = nat.flatMap((n) => (!n.cidr && n.subnet ? [ctx.subnetCidrs(n.subnet)] : []));
  const proxySources = [...nat.flatMap((n) => (n.cidr ? [n.cidr] : [])), ...picked.flat()];
  if (!natKnown)
    ctx.notes.add(
      `Private Link service ${pls.name}: its NAT addresses are not all known, so it connects from one address of their subnets, which Azure picks at deploy (a backend that admits only some of them: not decided)`,
    );
  const rules = pls.loadBalancerFrontendIpConfigurationIds.flatMap((f) => rulesAt.get(azureIdKey(f)) ?? []);
  if (rules.length === 0)
    ctx.notes.add(`Private Link service ${pls.name}: no load-balancing rule of the model is on its front ends`);
  for (const rule of rules) {
    // The backend port a proxy connects to: a rule's one backend port (HA ports keep the client's: not one port).
    const [from, to] = rule.ports[0] ?? [0, 65535];
    const port = from === to ? from : undefined;
    const backends = rule.backends.map((b): LoadBalancerBackend => ({
      ...b,
      sure: b.sure && status !== 'pending' && !(rule.frontendPorts && rule.frontendPorts[0] !== rule.frontendPorts[1]),
      ...(port !== undefined ? { port } : {}),
      via: { ...b.via, label: `Private Link service ${pls.name} → ${b.via.label}` },
    }));
    for (const nic of nics) {
      const filter = ctx.subnets.get(nic.subnet)?.inbound;
      // No NSG applies to the endpoint (none on the subnet, or its network policies off): nothing to locate there.
      const inbound = filter?.rules.every((r) => r.ref.label.endsWith(NO_FILTER)) ? undefined : filter;
      for (const address of nic.addresses)
        out.push({
          id: `${what} ${address.text} → ${rule.id}`,
          reach: 'internal',
          clientNetworks: ctx.reachableNetworks(nic.network),
          address,
          proto: rule.proto,
          // The client sends to the rule's front-end port; a range maps each port to a backend (not told apart).
          ports: [rule.frontendPorts ?? rule.ports[0] ?? [0, 65535]],
          proxySources,
          ...(picked.length > 0 ? { proxySourcesPicked: picked } : {}),
          proxyUdp: true,
          // Findings are located there when it exists: the backend sees the service's NAT address, not the client.
          ...(inbound ? { frontFilter: { filter: inbound, addresses: [address], at: `${what} subnet` } } : {}),
          // At the endpoint subnet's NSG rule that admitted the client, else at the endpoint: the backends see the
          // service's NAT addresses, whichever consumer connected.
          locateAtFront: true,
          backends,
          ref: {
            label: `${what} of Private Link service ${pls.name} → ${rule.ref.label}`,
            resourceId: peId,
            ...(origin ? { origin } : {}),
            fix: {
              kind: 'private-service-endpoint',
              endpoint: what,
              service: `Private Link service ${pls.name}`,
              acceptance: 'its visibility and auto-approval lists, or the connection’s approval',
            },
          },
        });
    }
  }
  return out;
}
