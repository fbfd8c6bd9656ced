/**
 * Azure private endpoints to a customer's Private Link service (Microsoft.Network/privateLinkServices) → model.ts
 * `LoadBalancer` front ends. Unlike a private endpoint of Azure OpenAI or Storage, which only answers, one of a
 * Private Link service delivers the consumer's connections to the backend pool of the Standard Load Balancer the
 * service fronts, in another VNet and often another subscription, with the source translated to the service's NAT
 * addresses. cordon does not read Private Link services or follow them to their load balancer's frontend IP
 * configuration yet, so a zone that may reach such an endpoint may reach any workload of the service's subscription
 * (a Standard Load Balancer's backend pool holds NICs or addresses of its own VNet, which lies in one subscription):
 * those paths are "maybe", naming the endpoint and the service, never a dead end. Connections rejected or
 * disconnected carry nothing; pending ones are "maybe" like the rest. A service whose subscription has no
 * interface in the model leads outside it (said in the notes).
 */
import { azureIdKey, parseAzureId, type AzureInventory } from '../inventory/azure.js';
import type { Interface, LoadBalancer, Ref, Subnet } from './model.js';
import { unfollowedService } from './private-services.js';

const PLS_TYPE = 'microsoft.network/privatelinkservices';
const GONE = new Set(['rejected', 'disconnected']);

export interface AzurePrivateLinkContext {
  inv: AzureInventory;
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
  const out: LoadBalancer[] = [];
  for (const pe of [...inv.privateEndpoints].sort((a, b) => azureIdKey(a.id).localeCompare(azureIdKey(b.id)))) {
    const services = pe.connections.filter(
      (c) =>
        c.privateLinkServiceId &&
        (parseAzureId(c.privateLinkServiceId).type ?? '').toLowerCase() === PLS_TYPE &&
        !GONE.has((c.status ?? '').toLowerCase()),
    );
    if (services.length === 0) continue;
    const nics = pe.networkInterfaceIds.flatMap((id) => ctx.nicInterface.get(azureIdKey(id)) ?? []);
    const what = `private endpoint ${pe.name}`;
    if (nics.length === 0) {
      notes.add(`${what}: its network interface is not in the model, so nothing reaches it`);
      continue;
    }
    for (const c of services) {
      const serviceId = c.privateLinkServiceId!;
      const service = serviceId.split('/').pop() ?? serviceId;
      const subscription = (parseAzureId(serviceId).subscription ?? '').toLowerCase();
      const candidates = bySubscription.get(subscription) ?? [];
      if (candidates.length === 0) {
        notes.add(
          `${what} connects to Private Link service ${service}, whose subscription has no interface in the inventory: its backends are outside the model`,
        );
        continue;
      }
      const via: Ref = {
        label: `${what} → Private Link service ${service}: cordon does not follow a Private Link service to its load balancer's backend pool, so any interface of its subscription may be a backend (cannot tell)`,
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
