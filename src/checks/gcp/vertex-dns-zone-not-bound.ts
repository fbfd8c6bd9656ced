import { gcpIdKey, sameGcpId } from '../../inventory/gcp.js';
import { networkResult, ownAiNetworks } from './private-access.js';
import { describeResolution, unknownResolution, isPrivateAnswer, vertexDns } from './vertex-dns.js';
import { defineGcpCheck, type GcpCheckResult } from './types.js';

export default defineGcpCheck({
  id: 'gcp-vertex-dns-zone-not-bound',
  title:
    'A private zone that resolves Vertex AI privately is not bound to an AI network (peered or Shared VPC networks resolve public IPs)',
  severity: 'high',
  service: 'dns',
  resourceType: 'compute.googleapis.com/Network',
  rationale:
    'A Cloud DNS private zone answers only the networks in its privateVisibilityConfig. VPC Network Peering does not share private zones: a spoke peered with the hub where the googleapis.com zone is bound still resolves Vertex AI to its public addresses unless the zone is bound to the spoke too or the spoke has a DNS peering zone that points at the hub network (seed 001: "Private DNS not linked to peered VNets — spoke VNets resolve public IP", on GCP). Shared VPC service projects resolve through the host network, so the host network must be bound.',
  remediation: {
    text: 'Bind the private zone to the AI network, or create a DNS peering zone for googleapis.com in the AI network that targets the network where the zone is bound.',
    snippet: {
      language: 'hcl',
      code: 'resource "google_dns_managed_zone" "googleapis_peering" {\n  name       = "googleapis-peering"\n  project    = "SPOKE_PROJECT"\n  dns_name   = "googleapis.com."\n  visibility = "private"\n  private_visibility_config {\n    networks { network_url = "SPOKE_NETWORK_ID" }\n  }\n  peering_config {\n    target_network { network_url = "HUB_NETWORK_ID" }\n  }\n}',
    },
  },
  references: [
    'https://cloud.google.com/dns/docs/zones/zones-overview#peering-zones',
    'https://cloud.google.com/vpc/docs/vpc-peering#restrictions',
    'https://cloud.google.com/dns/docs/zones#update-zone-networks',
  ],
  seeds: ['001: Private DNS not linked to peered VNets — spoke VNets resolve public IP'],
  requires: ['compute:subnetworks', 'compute:networks'],
  looksUp: ['dns:managed-zones', 'dns:record-sets', 'dns:policies', 'compute:forwarding-rules', 'compute:addresses'],
  run(ctx) {
    const dns = vertexDns(ctx.inventory);
    return ownAiNetworks(ctx).flatMap((n): GcpCheckResult[] => {
      const names = dns.names(n);
      const base = networkResult(n);
      const unbound = names
        .filter((r) => r.resolution.kind === 'public')
        .map((r) => ({ r, zones: dns.boundElsewhere(n.id, r.name) }))
        .filter((x) => x.zones.length > 0);
      if (unbound.length > 0) {
        const zones = [...new Map(unbound.flatMap((x) => x.zones).map((z) => [z.id, z])).values()];
        const peers = n.network?.peerings ?? [];
        const viaPeering = zones.flatMap((z) =>
          peers
            .filter((p) => z.networks.some((zn) => sameGcpId(zn, p.network)))
            .map(
              (p) =>
                `${gcpIdKey(n.id)} peers with ${gcpIdKey(p.network)} (peering ${p.name}), where ${z.name} is bound, but VPC Network Peering does not share private zones`,
            ),
        );
        return [
          {
            ...base,
            status: 'fail',
            message: `${unbound.map((x) => x.r.name).join(', ')} ${unbound.length === 1 ? 'resolves' : 'resolve'} to public addresses from ${gcpIdKey(n.id)}: ${zones.map((z) => `zone ${z.name} (${z.project}) answers privately but is bound only to ${z.networks.map(gcpIdKey).join(', ') || 'no network'}`).join('; ')}${viaPeering.length ? `; ${viaPeering.join('; ')}` : ''}`,
            evidence: { names: names.map(describeResolution), zones: zones.map((z) => gcpIdKey(z.id)) },
          },
        ];
      }
      if (names.every(isPrivateAnswer))
        return [
          {
            ...base,
            status: 'pass',
            message: `${gcpIdKey(n.id)} is bound to the zone(s) that resolve Vertex AI (${[...new Set(names.flatMap((r) => (r.resolution.kind === 'answer' ? [...r.resolution.zones.map((z) => z.name), ...r.resolution.chain.filter((c) => c.startsWith('response policy '))] : [])))].join(', ')})`,
          },
        ];
      const unassessed = unknownResolution(names, base);
      if (unassessed) return unassessed;
      return []; // no fitting zone anywhere, or a bound zone that answers wrongly: gcp-vertex-dns-not-private
    });
  },
});
