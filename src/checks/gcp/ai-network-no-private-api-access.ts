import { gcpIdKey } from '../../inventory/gcp.js';
import {
  hasPrivateApiPath,
  networkApiAccess,
  networkResult,
  ownAiNetworks,
  PRIVATE_VIP,
  RESTRICTED_VIP,
} from './private-access.js';
import { defineGcpCheck, type GcpCheckResult } from './types.js';

export default defineGcpCheck({
  id: 'gcp-ai-network-no-private-api-access',
  title:
    'AI network has no private path to Vertex AI (no Private Service Connect endpoint, no route to the Google API VIPs)',
  severity: 'high',
  service: 'network',
  resourceType: 'compute.googleapis.com/Network',
  rationale:
    'Vertex AI is a Google API: without a Private Service Connect endpoint for Google APIs (a global forwarding rule to the all-apis or vpc-sc bundle on an internal PRIVATE_SERVICE_CONNECT address in the network) or a route that sends private.googleapis.com (199.36.153.8/30) or restricted.googleapis.com (199.36.153.4/30) to the default internet gateway, callers in the network reach aiplatform.googleapis.com only at its public addresses — through external IPs or Cloud NAT, outside any private path VPC Service Controls and DNS can pin. A route that only tagged instances get, or a more specific route that sends a VIP to an appliance, does not count. Seed 001 sets Vertex AI up behind Private Service Connect.',
  remediation: {
    text: 'Create a Private Service Connect endpoint for Google APIs in the network (the vpc-sc bundle when the project is in a VPC Service Controls perimeter), then point DNS for googleapis.com at it (see gcp-vertex-dns-not-private).',
    snippet: {
      language: 'hcl',
      code: 'resource "google_compute_global_address" "psc_apis" {\n  name         = "psc-googleapis"\n  project      = "HOST_PROJECT"\n  purpose      = "PRIVATE_SERVICE_CONNECT"\n  address_type = "INTERNAL"\n  address      = "10.255.255.254"\n  network      = "NETWORK_ID"\n}\n\nresource "google_compute_global_forwarding_rule" "psc_apis" {\n  name                  = "pscgoogleapis"\n  project               = "HOST_PROJECT"\n  target                = "vpc-sc" # or "all-apis" outside a perimeter\n  network               = "NETWORK_ID"\n  ip_address            = google_compute_global_address.psc_apis.id\n  load_balancing_scheme = ""\n}',
    },
  },
  references: [
    'https://cloud.google.com/vpc/docs/configure-private-service-connect-apis',
    'https://cloud.google.com/vpc/docs/configure-private-google-access#config-routing',
    'https://cloud.google.com/vertex-ai/docs/general/vpc-psc-i-setup',
  ],
  seeds: ['001: GCP Private Service Connect for Vertex AI (forwarding rule to the Google API bundle)'],
  requires: ['compute:subnetworks', 'compute:routes', 'compute:forwarding-rules', 'compute:addresses'],
  run(ctx) {
    return ownAiNetworks(ctx).map((n): GcpCheckResult => {
      const a = networkApiAccess(ctx.inventory, n.id);
      const base = networkResult(n);
      const evidence = {
        pscEndpoints: a.psc.endpoints.map((e) => `${e.rule.name} → ${e.bundle} at ${e.ip}`),
        unusableEndpoints: a.psc.unusable,
        privateVipRoute: a.private.route ? gcpIdKey(a.private.route.id) : null,
        restrictedVipRoute: a.restricted.route ? gcpIdKey(a.restricted.route.id) : null,
        aiSubnetworks: n.subnetworks.map((s) => gcpIdKey(s.id)),
      };
      if (hasPrivateApiPath(a)) {
        const via = [
          ...a.psc.endpoints.map((e) => `PSC endpoint ${e.rule.name} (${e.bundle}, ${e.ip})`),
          ...[a.restricted, a.private].filter((v) => v.reachable).map((v) => `route ${v.route!.name} for ${v.vip}`),
        ];
        return {
          ...base,
          status: 'pass',
          message: `${n.id} reaches Google APIs privately through ${via.join(', ')}`,
          evidence,
        };
      }
      if (a.psc.unresolved.length > 0)
        return {
          ...base,
          status: 'not-assessed',
          message: `${n.id}: cannot tell whether these forwarding rules are Private Service Connect endpoints: ${a.psc.unresolved.join('; ')}`,
          evidence,
        };
      const vipWhy = [a.private, a.restricted].map((v) =>
        v.route
          ? `${v.vip} goes to ${v.route.nextHopGateway ?? v.route.nextHopIp ?? v.route.nextHopInstance ?? v.route.nextHopIlb ?? v.route.nextHopVpnTunnel ?? v.route.nextHopPeering ?? 'another next hop'} (route ${v.route.name}), not the default internet gateway`
          : `no route covers ${v.vip}`,
      );
      const tagged = [a.private, a.restricted].flatMap((v) =>
        v.taggedOnly.map((r) => `${r.name} (${v.vip}, tags ${r.tags.join(', ')})`),
      );
      return {
        ...base,
        status: 'fail',
        message: `${n.id} has no Private Service Connect endpoint for Google APIs${a.psc.unusable.length ? ` that carries traffic (${a.psc.unusable.join('; ')})` : ''} and no route to the Google API VIPs (${vipWhy.join('; ')})${tagged.length ? `; only tagged instances get ${tagged.join(', ')}` : ''}: its AI workloads reach Vertex AI only at its public addresses (through external IPs or Cloud NAT), or not at all`,
        evidence: { ...evidence, vips: [PRIVATE_VIP, RESTRICTED_VIP] },
      };
    });
  },
});
