/**
 * The GCP summary KPI: the share of AI projects that are inside an enforced VPC Service Controls perimeter restricting
 * Vertex AI and reach it privately (every AI network their workloads use has a PSC endpoint or VIP route and resolves
 * the Vertex AI names to it).
 */
import type { GcpInventory } from '../../inventory/gcp.js';
import type { ZonePolicy } from '../../policy/load.js';
import { perimeterOpenings, perimetersOf, projectsById, unrestricted } from './perimeter.js';
import { hasPrivateApiPath, networkApiAccess, projectsOnNetwork, type AiNetwork } from './private-access.js';
import { aiNetworkIds, aiProjects, aiSubnetworks, placeGcp } from './support.js';
import { isPrivateAnswer, vertexDns } from './vertex-dns.js';
import { sameGcpId } from '../../inventory/gcp.js';

const VERTEX = 'aiplatform.googleapis.com';

export interface GcpAiKpis {
  /** AI projects. */
  total: number;
  /**
   * In an enforced regular perimeter whose status restricts aiplatform.googleapis.com, with no access level or
   * ingress/egress policy of its perimeters opening it.
   */
  inEnforcedPerimeter: number;
  /** Every AI network the project uses reaches Vertex AI privately (path and DNS); a project on no AI network does not. */
  privateApiAccess: number;
  /** Both. */
  protected: number;
  percentProtected: number | null;
}

export function gcpAiKpis(inv: GcpInventory, policy: ZonePolicy): GcpAiKpis {
  const zones = placeGcp(inv, policy);
  const projects = aiProjects(inv, zones, policy);
  const subnets = aiSubnetworks(inv.subnetworks, zones, policy);
  const dns = vertexDns(inv);
  const networks = aiNetworkIds(inv, zones, policy).map((id) => {
    const own = subnets.filter((s) => sameGcpId(s.network, id));
    const n: AiNetwork = { id, subnetworks: own, regions: [...new Set(own.map((s) => s.region))].sort() };
    return {
      users: new Set(projectsOnNetwork(inv, n)),
      private: hasPrivateApiPath(networkApiAccess(inv, id)) && dns.names(n).every(isPrivateAnswer),
    };
  });
  let inPerimeter = 0;
  let privateAccess = 0;
  let both = 0;
  for (const p of projects) {
    const enforced = perimetersOf(inv, p).enforced;
    const number = projectsById(inv).get(p)?.projectNumber;
    const refs = [`projects/${p}`, ...(number ? [`projects/${number}`] : [])];
    // A perimeter whose access levels or ingress/egress policies open Vertex AI (or may: unknown) protects nothing.
    const perimeter =
      enforced.some((x) => unrestricted(x.status, [VERTEX]).length === 0) &&
      enforced.every((x) => {
        const o = perimeterOpenings(inv, x, refs, [VERTEX]);
        return o.open.length === 0 && o.unknown.length === 0;
      });
    const used = networks.filter((n) => n.users.has(p));
    const priv = used.length > 0 && used.every((n) => n.private);
    if (perimeter) inPerimeter++;
    if (priv) privateAccess++;
    if (perimeter && priv) both++;
  }
  return {
    total: projects.length,
    inEnforcedPerimeter: inPerimeter,
    privateApiAccess: privateAccess,
    protected: both,
    percentProtected: projects.length === 0 ? null : Math.round((1000 * both) / projects.length) / 10,
  };
}
