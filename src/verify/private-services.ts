/**
 * A private endpoint of a customer-provided service that cordon cannot follow to its provider side (an AWS endpoint
 * service, Azure Private Link service or Google Cloud service attachment whose provider side was not read; VPC
 * Lattice resources): a load balancer front end at the endpoint's address whose backends are every interface that may
 * stand behind the service, each "maybe", reached through a proxy from addresses cordon does not know (all three
 * translate the consumer's source address). So the zone pairs it may lead to are undecided, naming the endpoint and
 * what is missing, rather than the dead end an endpoint of a cloud provider's own service is.
 */
import type { Cidr } from '../util/cidr.js';
import type { Filter, Interface, LoadBalancer, Ref } from './model.js';

export function unfollowedService(o: {
  id: string;
  address: Cidr;
  clientNetworks: string[];
  frontFilter?: { filter?: Filter; addresses?: Cidr[]; at: string };
  candidates: readonly Interface[];
  /** Why any of them may be a backend: the backend hop of every witness. */
  via: Ref;
  ref: Ref;
}): LoadBalancer {
  return {
    id: o.id,
    reach: 'internal',
    clientNetworks: o.clientNetworks,
    address: o.address,
    // Every port of TCP and UDP (all three relay both); the port and the proxy's addresses are not known.
    proto: [6, 17],
    ports: [[0, 65535]],
    proxySources: [],
    proxyUdp: true,
    ...(o.frontFilter ? { frontFilter: o.frontFilter } : {}),
    backends: o.candidates.map((i) => ({ iface: i.id, sure: false, via: o.via })),
    ref: o.ref,
  };
}
