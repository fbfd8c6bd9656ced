import { gcpIdKey, sameGcpId, type GcpCloudNat, type GcpRouter, type GcpSubnetwork } from '../../inventory/gcp.js';
import {
  describeOpen,
  FIREWALL_DATASETS,
  FirewallView,
  firewallSubjects,
  internetExposure,
} from './firewall-support.js';
import { describeRoutes, internetRoutes, networkDataGap } from './internet-route.js';
import { perInventory } from './support.js';
import { defineGcpCheck, type GcpCheckContext, type GcpCheckResult } from './types.js';

/** Whether a Cloud NAT gateway translates the subnetwork's addresses (its primary range at least). */
export function natServes(nat: GcpCloudNat, s: GcpSubnetwork): boolean {
  const mode = nat.sourceSubnetworkIpRangesToNat ?? 'ALL_SUBNETWORKS_ALL_IP_RANGES';
  if (mode === 'ALL_SUBNETWORKS_ALL_IP_RANGES' || mode === 'ALL_SUBNETWORKS_ALL_PRIMARY_IP_RANGES') return true;
  return nat.subnetworks.some((x) => sameGcpId(x.name, s.id) || x.name === s.name);
}

/** The network tags of each instance, by the key of every subnetwork it has an interface in; once per run. */
function vmTags(ctx: GcpCheckContext): Map<string, string[][]> {
  return perInventory(ctx.inventory, 'instance tags by subnetwork', () => {
    // Distinct tag sets only: a thousand VMs of one template ask the routes one question.
    const m = new Map<string, Map<string, string[]>>();
    for (const vm of ctx.inventory.instances)
      if (vm.tags.length)
        for (const n of vm.networkInterfaces) {
          if (!n.subnetwork) continue;
          const k = gcpIdKey(n.subnetwork);
          const sets = m.get(k) ?? new Map<string, string[]>();
          sets.set([...vm.tags].sort().join(','), [...vm.tags]);
          m.set(k, sets);
        }
    return new Map([...m].map(([k, sets]) => [k, [...sets.values()]]));
  });
}

export default defineGcpCheck({
  id: 'gcp-ai-subnet-cloud-nat-egress',
  title: 'Cloud NAT gives an AI or data zone subnetwork a path to the internet',
  severity: 'high',
  service: 'compute',
  resourceType: 'compute.googleapis.com/Subnetwork',
  rationale:
    "Seed 001 keeps Vertex AI traffic on Private Service Connect; seed 000 gives the inference and data zones no internet egress (NET-011, NET-012). A Cloud NAT gateway on the subnetwork's region and network that translates the subnetwork (ALL_SUBNETWORKS_* or the subnetwork listed) lets its VMs without external IPs reach any internet address — as long as a route to the default internet gateway applies to them (Cloud NAT uses that route, and the network's auto-created default route is one) and the firewall allows the egress (the implied rule does). cordon fails the subnetwork when all three hold, and says which one closes the path when one does not. A private (inter-VPC) NAT does not reach the internet and is not counted.",
  remediation: {
    text: 'Remove the subnetwork from the Cloud NAT gateway (LIST_OF_SUBNETWORKS without it), or deny egress to 0.0.0.0/0 in the firewall and reach Google APIs through Private Service Connect or private.googleapis.com.',
    snippet: {
      language: 'shell',
      code: 'gcloud compute routers nats update NAT --router ROUTER --region REGION --nat-custom-subnet-ip-ranges APP_SUBNET',
    },
  },
  references: [
    'https://cloud.google.com/nat/docs/overview',
    'https://cloud.google.com/nat/docs/nat-product-interactions#NATwithRoutes',
    'https://cloud.google.com/vpc/docs/routes#routeselection',
  ],
  seeds: ['000: NET-012 Block inference internet egress', '001: Vertex AI behind Private Service Connect'],
  requires: ['compute:subnetworks'],
  looksUp: [...FIREWALL_DATASETS, 'compute:routers', 'compute:routes'],
  run(ctx) {
    const view = FirewallView.of(ctx);
    const out: GcpCheckResult[] = [];
    for (const s of firewallSubjects(ctx)) {
      if (s.kind !== 'subnetwork' || !s.subnetwork) continue;
      const sn = s.subnetwork;
      const what = `subnetwork ${s.name} (${s.zone})`;
      const base = {
        resource: { id: s.id, type: 'compute.googleapis.com/Subnetwork' },
        region: s.region,
        origin: s.origin,
      };
      const serving = ctx.inventory.routers
        .filter((r: GcpRouter) => sameGcpId(r.network, sn.network) && r.region === sn.region)
        .flatMap((r) =>
          r.nats.filter((n) => (n.type ?? 'PUBLIC') !== 'PRIVATE' && natServes(n, sn)).map((n) => ({ r, n })),
        );
      const routersGap = networkDataGap(ctx.inventory, sn.network, 'compute:routers');
      if (serving.length === 0 && routersGap) {
        out.push({
          ...base,
          status: 'not-assessed',
          message: `${what}: whether Cloud NAT serves it cannot be judged: ${routersGap}`,
        });
        continue;
      }
      if (serving.length === 0) {
        out.push({ ...base, status: 'pass', message: `${what}: no Cloud NAT gateway translates it` });
        continue;
      }
      const nat = `Cloud NAT ${serving.map(({ r, n }) => `${n.name} on router ${r.name}`).join(', ')}`;
      const origin =
        serving[0]!.r.origin.kind === 'file'
          ? { ...serving[0]!.r.origin, pointer: serving[0]!.n.pointer }
          : serving[0]!.r.origin;
      // Routes for network tags apply to the VMs that carry them: the subnetwork's VMs (any project: Shared VPC).
      const tagSets = [[], ...(vmTags(ctx).get(gcpIdKey(sn.id)) ?? [])];
      const routes = [
        ...new Map(
          tagSets.flatMap((tags) => internetRoutes(ctx.inventory, sn.network, tags)).map((r) => [r.id, r] as const),
        ).values(),
      ].sort((a, b) => a.id.localeCompare(b.id));
      const routesGap = routes.length === 0 ? networkDataGap(ctx.inventory, sn.network, 'compute:routes') : undefined;
      if (routesGap) {
        out.push({
          ...base,
          status: 'not-assessed',
          message: `${what}: ${nat} translates it; whether a route to the internet applies cannot be judged: ${routesGap}`,
        });
        continue;
      }
      if (routes.length === 0) {
        out.push({
          ...base,
          status: 'pass',
          message: `${what}: ${nat} translates it, but no route to the default internet gateway applies to its VMs`,
        });
        continue;
      }
      const egress = internetExposure(view, s, 'EGRESS');
      if (!egress || (egress.open.length === 0 && egress.unresolved.length > 0)) {
        out.push({
          ...base,
          status: 'not-assessed',
          message: `${what}: ${nat} translates it and ${describeRoutes(routes)} reach the internet; whether the firewall lets it out cannot be judged: ${egress ? egress.unresolved.join('; ') : `network ${gcpIdKey(sn.network)} is not in the snapshot`}`,
        });
        continue;
      }
      out.push(
        egress.open.length
          ? {
              ...base,
              status: 'fail',
              origin,
              message: `${what} reaches the internet through ${nat}: route ${describeRoutes(routes)}, and the firewall allows ${describeOpen(egress.open, 'EGRESS')}`,
              evidence: { nat: serving.map(({ r, n }) => `${r.name}/${n.name}`), routes: routes.map((r) => r.name) },
            }
          : {
              ...base,
              status: 'pass',
              message: `${what}: ${nat} translates it, but the firewall denies egress to the internet (${egress.closedBy.map((r) => r.label).join(', ')})`,
            },
      );
    }
    return out;
  },
});
