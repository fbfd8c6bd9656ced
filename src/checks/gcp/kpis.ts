/**
 * The GCP summary KPI: the share of AI projects that are inside an enforced VPC Service Controls perimeter restricting
 * Vertex AI and reach it privately (every AI network their workloads use has a PSC endpoint or VIP route and resolves
 * the Vertex AI names to it).
 */
import type { GcpInventory } from '../../inventory/gcp.js';
import type { ZonePolicy } from '../../policy/load.js';
import { perimetersOf, unrestricted } from './perimeter.js';
import { hasPrivateApiPath, networkApiAccess, projectsOnNetwork, type AiNetwork } from './private-access.js';
import { aiNetworkIds, aiProjects, aiSubnetworks, placeGcp } from './support.js';
import { isPrivateAnswer, vertexDns } from './vertex-dns.js';
import { sameGcpId } from '../../inventory/gcp.js';

export interface GcpAiKpis {
  /** AI projects. */
  total: number;
  /** In an enforced regular perimeter whose status restricts aiplatform.googleapis.com. */
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
    const perimeter = perimetersOf(inv, p).enforced.some(
      (x) => unrestricted(x.status, ['aiplatform.googleapis.com']).length === 0,
    );
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
