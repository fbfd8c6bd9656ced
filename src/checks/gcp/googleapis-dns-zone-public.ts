import { gcpIdKey } from '../../inventory/gcp.js';
import { isPrivateZone } from './dns-resolution.js';
import { defineGcpCheck, type GcpCheckResult } from './types.js';

/** googleapis.com and the names under it (aiplatform.googleapis.com., p.googleapis.com., …). */
const GOOGLEAPIS = /(^|\.)googleapis\.com\.?$/i;

export default defineGcpCheck({
  id: 'gcp-googleapis-dns-zone-public',
  title: 'A googleapis.com or aiplatform DNS zone has public visibility',
  severity: 'medium',
  service: 'dns',
  resourceType: 'dns.googleapis.com/ManagedZone',
  rationale:
    'Zones that override Google API names only work as private zones bound to the calling networks. A public Cloud DNS zone named googleapis.com (or aiplatform.googleapis.com) is never delegated to, so no VM uses it: it is a private zone created with the wrong visibility, and the networks it was meant for still resolve Vertex AI to public addresses. It also publishes the internal endpoint addresses on Cloud DNS name servers.',
  remediation: {
    text: 'Recreate the zone with private visibility bound to the AI networks (visibility cannot be changed in place), copy its records, and delete the public zone.',
    snippet: {
      language: 'sh',
      code: 'gcloud dns managed-zones create googleapis --project HOST_PROJECT --dns-name googleapis.com. --visibility private --networks NETWORK --description "Google APIs through PSC"\ngcloud dns managed-zones delete PUBLIC_ZONE --project PROJECT',
    },
  },
  references: [
    'https://cloud.google.com/dns/docs/zones/zones-overview',
    'https://cloud.google.com/vpc/docs/configure-private-service-connect-apis#configure-p-dns',
  ],
  seeds: ['001: Cloud DNS private zone for googleapis.com (visibility private)'],
  requires: ['dns:managed-zones'],
  run(ctx) {
    return ctx.own.managedZones
      .filter((z) => GOOGLEAPIS.test(z.dnsName))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map((z): GcpCheckResult => {
        const base = {
          resource: { id: z.id, type: 'dns.googleapis.com/ManagedZone' },
          region: 'global',
          origin: z.origin,
        };
        return isPrivateZone(z)
          ? { ...base, status: 'pass', message: `zone ${z.name} (${z.dnsName}) is private` }
          : {
              ...base,
              status: 'fail',
              message: `zone ${gcpIdKey(z.id)} (${z.dnsName}) has ${z.visibility} visibility: no VPC network resolves through it, and it publishes the records it holds`,
            };
      });
  },
});
