/**
 * Whether VMs of a network have a route to the internet: Cloud NAT and external IPs only reach the internet through a
 * route whose next hop is the default internet gateway. Among the 0.0.0.0/0 routes that apply to a VM (no tags, or
 * one of its network tags) the lowest priority number wins (a default route to an appliance wins over the
 * gateway when its priority is lower); more specific routes to the gateway reach their ranges whatever the default
 * route does. Routes to the gateway for private.googleapis.com / restricted.googleapis.com stay on Google's network
 * and are not internet paths.
 */
import { gcpIdKey, projectOfId, shortName, type GcpInventory, type GcpRoute } from '../../inventory/gcp.js';
import { projectDatasetGap } from './engine.js';
import { perInventory } from './support.js';
import { cidrContains, tryParseCidr } from '../../util/cidr.js';

const GOOGLE_API_VIPS = ['199.36.153.4/30', '199.36.153.8/30', '34.126.0.0/18'].map((c) => tryParseCidr(c)!);
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map((c) => tryParseCidr(c)!);

export const toGateway = (r: GcpRoute) =>
  !!r.nextHopGateway && shortName(r.nextHopGateway) === 'default-internet-gateway';

/** Routes that give a VM with these network tags a path to the internet; [] when none. */
export function internetRoutes(inv: GcpInventory, network: string, tags: readonly string[]): GcpRoute[] {
  const byNetwork = perInventory(inv, 'routes by network', () => {
    const m = new Map<string, GcpRoute[]>();
    for (const r of inv.routes) {
      const list = m.get(gcpIdKey(r.network));
      if (list) list.push(r);
      else m.set(gcpIdKey(r.network), [r]);
    }
    return m;
  });
  const routes = (byNetwork.get(gcpIdKey(network)) ?? []).filter(
    (r) => r.tags.length === 0 || r.tags.some((t) => tags.includes(t)),
  );
  const defaults = routes.filter((r) => r.destRange === '0.0.0.0/0');
  const best = Math.min(...defaults.map((r) => r.priority));
  const out = defaults.filter((r) => r.priority === best && toGateway(r));
  for (const r of routes) {
    if (r.destRange === '0.0.0.0/0' || !toGateway(r)) continue;
    const c = tryParseCidr(r.destRange);
    if (!c || c.family !== 4) continue;
    if (GOOGLE_API_VIPS.some((v) => cidrContains(v, c)) || PRIVATE.some((p) => cidrContains(p, c))) continue;
    out.push(r);
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Why the network's data set `dataset` (its routes, its routers) cannot be trusted to be complete: it lives in the
 * project that owns the network (a Shared VPC host), so the same data set captured for another project says nothing.
 */
export function networkDataGap(
  inv: GcpInventory,
  network: string,
  dataset: 'compute:routes' | 'compute:routers',
): string | undefined {
  const project = projectOfId(network);
  return project === undefined
    ? `the project of network ${gcpIdKey(network)} is unknown, so its ${dataset} cannot be looked up`
    : projectDatasetGap(inv, project, dataset);
}

export function describeRoutes(routes: readonly GcpRoute[]): string {
  return routes.map((r) => `${r.name} (${r.destRange} → default-internet-gateway)`).join(', ');
}
