import { gcpIdKey } from '../../inventory/gcp.js';
import { ownAiNetworks, workloads } from './private-access.js';
import { defineGcpCheck, type GcpCheckResult } from './types.js';

export default defineGcpCheck({
  id: 'gcp-ai-subnet-private-google-access-off',
  title: 'AI subnetwork has Private Google Access off',
  severity: 'medium',
  service: 'network',
  resourceType: 'compute.googleapis.com/Subnetwork',
  rationale:
    'A VM without an external IP address reaches Google APIs — through the private.googleapis.com or restricted.googleapis.com VIPs and through Private Service Connect endpoints for Google APIs alike — only from a subnetwork with Private Google Access on. With it off, Vertex AI calls from the AI zone fail, and the usual "fix" is an external IP or Cloud NAT: the public path the private design was meant to remove. Subnetworks whose every VM has an external IP do not use it (their external IPs are reported by the external IP checks).',
  remediation: {
    text: 'Turn Private Google Access on for the AI subnetwork.',
    snippet: {
      language: 'sh',
      code: 'gcloud compute networks subnets update SUBNET --region REGION --project HOST_PROJECT --enable-private-ip-google-access',
    },
  },
  references: [
    'https://cloud.google.com/vpc/docs/private-google-access',
    'https://cloud.google.com/vpc/docs/configure-private-service-connect-apis#before-you-begin',
  ],
  seeds: ['001: GCP Private Service Connect for Vertex AI'],
  requires: ['compute:subnetworks'],
  looksUp: ['compute:instances', 'notebooks:instances'],
  run(ctx) {
    return ownAiNetworks(ctx).flatMap((n) =>
      n.subnetworks.map((s): GcpCheckResult => {
        const base = {
          resource: { id: s.id, type: 'compute.googleapis.com/Subnetwork' },
          region: s.region,
          origin: s.origin,
          remediation: {
            text: 'Turn Private Google Access on for the AI subnetwork.',
            snippet: {
              language: 'sh',
              code: `gcloud compute networks subnets update ${s.name} --region ${s.region} --project ${s.project} --enable-private-ip-google-access`,
            },
          },
        };
        if (s.privateIpGoogleAccess === true)
          return { ...base, status: 'pass', message: `${gcpIdKey(s.id)} has Private Google Access on` };
        // VMs and Workbench instances in the subnetwork, and whether each has an external IPv4 address.
        const vms = workloads(ctx.inventory).bySubnetwork.get(gcpIdKey(s.id)) ?? [];
        const internalOnly = vms.filter((v) => !v.external).map((v) => v.name);
        if (vms.length > 0 && internalOnly.length === 0)
          return {
            ...base,
            status: 'pass',
            message: `${gcpIdKey(s.id)} has Private Google Access off, but every VM in it (${vms.map((v) => v.name).join(', ')}) reaches Google APIs from an external IP, which Private Google Access would not change`,
          };
        return {
          ...base,
          status: 'fail',
          message: `${gcpIdKey(s.id)} is an AI subnetwork with Private Google Access off: ${internalOnly.length ? `${internalOnly.join(', ')} (no external IP) cannot` : 'VMs without external IPs placed there cannot'} reach Vertex AI through Private Service Connect or the Google API VIPs`,
          evidence: { vmsWithoutExternalIp: internalOnly },
        };
      }),
    );
  },
});
