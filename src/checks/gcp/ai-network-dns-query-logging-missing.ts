import { gcpIdKey, sameGcpId } from '../../inventory/gcp.js';
import { aiNetworkKeys } from './firewall-support.js';
import { defineGcpCheck, type GcpCheckResult } from './types.js';

export default defineGcpCheck({
  id: 'gcp-ai-network-dns-query-logging-missing',
  title: 'VPC network hosting AI workloads has no Cloud DNS query logging',
  severity: 'medium',
  service: 'dns',
  resourceType: 'compute.googleapis.com/Network',
  rationale:
    "Seed 000 asks for every DNS query to be logged: a DNS leak (aiplatform.googleapis.com answered with a public address) and DNS tunnelling show only in query logs, which `cordon flows` reads. Cloud DNS logs the queries its resolver answers for a VPC network — whatever answers them: private, forwarding and peering zones, alternative name servers or public DNS — only when a DNS server policy with enableLogging is bound to the network (the records belong to the network's project, the host project for Shared VPC). A managed zone's cloudLoggingConfig does not replace it: it logs queries that reach a public zone from the internet, not the VPC's own queries. A network gets one server policy, so cordon looks for it among every policy in the snapshot.",
  remediation: {
    text: 'Bind a DNS server policy with logging enabled to the network (or turn logging on in the policy already bound to it).',
    snippet: {
      language: 'shell',
      code: 'gcloud dns policies create dns-logging --networks NETWORK --enable-logging --description "Query logging for the AI network"',
    },
  },
  references: ['https://cloud.google.com/dns/docs/monitoring', 'https://cloud.google.com/dns/docs/policies-overview'],
  seeds: ['000: Monitoring — log every DNS query'],
  requires: ['compute:networks'],
  looksUp: ['compute:subnetworks', 'dns:policies'],
  run(ctx) {
    const aiNetworks = aiNetworkKeys(ctx);
    const out: GcpCheckResult[] = [];
    for (const n of [...ctx.own.networks].sort((a, b) => gcpIdKey(a.id).localeCompare(gcpIdKey(b.id)))) {
      if (!aiNetworks.has(gcpIdKey(n.id))) continue;
      const base = {
        resource: { id: n.id, type: 'compute.googleapis.com/Network' },
        region: 'global',
        origin: n.origin,
      };
      const bound = ctx.inventory.dnsPolicies.filter((p) => p.networks.some((x) => sameGcpId(x, n.id)));
      const logging = bound.find((p) => p.enableLogging === true);
      out.push(
        logging
          ? {
              ...base,
              status: 'pass',
              origin: logging.origin,
              message: `network ${n.name}: DNS server policy ${logging.name} logs its queries`,
            }
          : {
              ...base,
              status: 'fail',
              message: `network ${n.name} hosts AI workloads but ${bound.length ? `its DNS server policy ${bound.map((p) => p.name).join(', ')} has logging off` : 'no DNS server policy is bound to it'}: DNS queries are not logged`,
            },
      );
    }
    return out;
  },
});
