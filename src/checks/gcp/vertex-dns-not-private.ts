import { gcpIdKey } from '../../inventory/gcp.js';
import { networkResult, ownAiNetworks } from './private-access.js';
import { describeResolution, unknownResolution, isPrivateAnswer, vertexDns } from './vertex-dns.js';
import { defineGcpCheck, type GcpCheckResult } from './types.js';

export default defineGcpCheck({
  id: 'gcp-vertex-dns-not-private',
  title: 'AI network resolves Vertex AI to public addresses (no private zone for aiplatform.googleapis.com)',
  severity: 'high',
  service: 'dns',
  resourceType: 'compute.googleapis.com/Network',
  rationale:
    "A Private Service Connect endpoint or a route to the Google API VIPs carries only what DNS sends there. Callers resolve aiplatform.googleapis.com and the regional REGION-aiplatform.googleapis.com names; without a Cloud DNS private zone bound to their network that answers them with the endpoint's address or the private/restricted VIP range (a googleapis.com zone with a `*` CNAME or A record, or aiplatform zones), they get Google's public addresses. cordon follows Cloud DNS resolution from the network: the most specific bound private zone, wildcards, CNAMEs, DNS peering zones; a zone that answers with another address, or has no record for the name (NXDOMAIN, no fallback), fails too. Forwarding zones and DNS server policies cordon cannot follow make the result not assessed. Seed 001: \"DNS not resolving to private IP — some clients use public IP despite PE existing\". Seed 001's own records are a trap this check catches: a googleapis.com. zone holding only aiplatform.googleapis.com and *.aiplatform.googleapis.com leaves the regional names (us-central1-aiplatform.googleapis.com is not under aiplatform.googleapis.com) without a record, so they, and every other Google API, stop resolving; the zone needs a `*.googleapis.com.` record.",
  remediation: {
    text: 'Create a private googleapis.com zone bound to the AI network, with the PSC endpoint (or the VIP range) as the A record of a name every Google API name points at by CNAME.',
    snippet: {
      language: 'hcl',
      code: 'resource "google_dns_managed_zone" "googleapis" {\n  name       = "googleapis"\n  project    = "HOST_PROJECT"\n  dns_name   = "googleapis.com."\n  visibility = "private"\n  private_visibility_config {\n    networks { network_url = "NETWORK_ID" }\n  }\n}\n\nresource "google_dns_record_set" "apis_a" {\n  managed_zone = google_dns_managed_zone.googleapis.name\n  project      = "HOST_PROJECT"\n  name         = "restricted.googleapis.com." # or the PSC endpoint\'s name\n  type         = "A"\n  ttl          = 300\n  rrdatas      = ["199.36.153.4", "199.36.153.5", "199.36.153.6", "199.36.153.7"]\n}\n\nresource "google_dns_record_set" "apis_wildcard" {\n  managed_zone = google_dns_managed_zone.googleapis.name\n  project      = "HOST_PROJECT"\n  name         = "*.googleapis.com."\n  type         = "CNAME"\n  ttl          = 300\n  rrdatas      = ["restricted.googleapis.com."]\n}',
    },
  },
  references: [
    'https://cloud.google.com/vpc/docs/configure-private-service-connect-apis#configure-p-dns',
    'https://cloud.google.com/vpc/docs/configure-private-google-access#config-domain',
    'https://cloud.google.com/dns/docs/zones/zones-overview#name-resolution-order',
  ],
  seeds: ['001: Cloud DNS private zone for googleapis.com', '001: DNS not resolving to private IP'],
  requires: ['compute:subnetworks'],
  looksUp: ['dns:managed-zones', 'dns:record-sets', 'dns:policies', 'compute:forwarding-rules', 'compute:addresses'],
  run(ctx) {
    const dns = vertexDns(ctx.inventory);
    return ownAiNetworks(ctx).flatMap((n): GcpCheckResult[] => {
      const names = dns.names(n);
      const base = networkResult(n);
      const evidence = { names: names.map(describeResolution) };
      // Names that resolve publicly while a fitting zone exists elsewhere are gcp-vertex-dns-zone-not-bound's.
      const bad = names.filter(
        (r) =>
          !isPrivateAnswer(r) &&
          r.resolution.kind !== 'unknown' &&
          !(r.resolution.kind === 'public' && dns.boundElsewhere(n.id, r.name).length > 0),
      );
      if (bad.length > 0)
        return [
          {
            ...base,
            status: 'fail',
            message: `${gcpIdKey(n.id)} does not resolve Vertex AI privately: ${bad.map(describeResolution).join('; ')}`,
            evidence,
          },
        ];
      const unassessed = unknownResolution(names, base, evidence);
      if (unassessed) return unassessed;
      if (names.every(isPrivateAnswer))
        return [
          {
            ...base,
            status: 'pass',
            message: `${gcpIdKey(n.id)} resolves ${names.map((r) => r.name).join(', ')} to private addresses`,
            evidence,
          },
        ];
      return [];
    });
  },
});
