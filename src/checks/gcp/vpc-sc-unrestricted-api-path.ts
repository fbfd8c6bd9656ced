import { gcpIdKey } from '../../inventory/gcp.js';
import { perimetersOf } from './perimeter.js';
import { googleApisEndpoints, networkResult, ownAiNetworks, projectsOnNetwork } from './private-access.js';
import { describeResolution, unknownResolution, vertexDns } from './vertex-dns.js';
import { defineGcpCheck, type GcpCheckResult } from './types.js';

export default defineGcpCheck({
  id: 'gcp-vpc-sc-unrestricted-api-path',
  title:
    'Network of a VPC Service Controls perimeter reaches Google APIs through all-apis or private.googleapis.com instead of vpc-sc or restricted.googleapis.com',
  severity: 'medium',
  service: 'vpc-sc',
  resourceType: 'compute.googleapis.com/Network',
  rationale:
    'Inside a VPC Service Controls perimeter, Google APIs should be reached through the restricted path: a Private Service Connect endpoint for the vpc-sc bundle, or restricted.googleapis.com (199.36.153.4/30). The all-apis bundle and private.googleapis.com (199.36.153.8/30) also serve APIs that VPC Service Controls does not support, so a workload in the perimeter can still send data to a service — or a project — that the perimeter cannot stop. Google recommends the restricted VIP for perimeter networks.',
  remediation: {
    text: 'Point the googleapis.com zone at a vpc-sc PSC endpoint or at restricted.googleapis.com (199.36.153.4/30) instead of all-apis / private.googleapis.com.',
    snippet: {
      language: 'hcl',
      code: 'resource "google_compute_global_forwarding_rule" "psc_apis" {\n  name                  = "pscvpcsc"\n  project               = "HOST_PROJECT"\n  target                = "vpc-sc"\n  network               = "NETWORK_ID"\n  ip_address            = google_compute_global_address.psc_apis.id\n  load_balancing_scheme = ""\n}',
    },
  },
  references: [
    'https://cloud.google.com/vpc-service-controls/docs/set-up-private-connectivity',
    'https://cloud.google.com/vpc/docs/configure-private-service-connect-apis#supported-apis',
  ],
  seeds: ['001: PSC target "all-apis" or "vpc-sc" for VPC-SC compatible bundle'],
  requires: ['compute:subnetworks', 'compute:forwarding-rules', 'compute:addresses'],
  looksUp: ['accesscontextmanager:service-perimeters', 'dns:managed-zones', 'dns:record-sets', 'dns:policies'],
  run(ctx) {
    const dns = vertexDns(ctx.inventory);
    return ownAiNetworks(ctx).flatMap((n): GcpCheckResult[] => {
      const perimeterProjects = projectsOnNetwork(ctx.inventory, n).filter(
        (p) => perimetersOf(ctx.inventory, p).enforced.length > 0,
      );
      if (perimeterProjects.length === 0) return []; // no perimeter: gcp-vertex-project-outside-perimeter
      const base = networkResult(n);
      const names = dns.names(n);
      const answered = names.filter((r) => r.resolution.kind === 'answer');
      const open = answered.filter((r) => r.kinds.some((k) => k.kind === 'psc-all-apis' || k.kind === 'private-vip'));
      const allApis = googleApisEndpoints(ctx.inventory, n.id).endpoints.filter((e) => e.bundle === 'all-apis');
      const evidence = {
        perimeterProjects,
        names: names.map(describeResolution),
        allApisEndpoints: allApis.map((e) => e.rule.name),
      };
      if (open.length > 0)
        return [
          {
            ...base,
            status: 'fail',
            message: `${gcpIdKey(n.id)} is used by ${perimeterProjects.join(', ')} (in an enforced perimeter) but resolves Google APIs to the unrestricted path: ${open.map(describeResolution).join('; ')}`,
            evidence,
          },
        ];
      const unassessed = unknownResolution(names, base, evidence);
      if (unassessed) return unassessed;
      if (answered.length === 0) return []; // resolves publicly: gcp-vertex-dns-not-private
      return [
        {
          ...base,
          status: 'pass',
          message: `${gcpIdKey(n.id)} resolves Vertex AI to the restricted path (${[...new Set(answered.flatMap((r) => r.kinds.map((k) => k.kind)))].join(', ')})${allApis.length ? `; all-apis endpoint(s) ${allApis.map((e) => e.rule.name).join(', ')} exist but DNS does not send Vertex AI there` : ''}`,
          evidence,
        },
      ];
    });
  },
});
