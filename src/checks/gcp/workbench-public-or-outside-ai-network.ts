import { gcpIdKey, shortName } from '../../inventory/gcp.js';
import { aiNetworkKeys } from './firewall-support.js';
import { defineGcpCheck, type GcpCheckResult } from './types.js';

/** The field that turns the public IP off, per kind of notebook. */
const PUBLIC_IP_FIELD = {
  v2: 'gceSetup.disablePublicIp',
  v1: 'noPublicIp',
  runtime: 'virtualMachine.virtualMachineConfig.internalIpOnly',
} as const;

export default defineGcpCheck({
  id: 'gcp-workbench-public-or-outside-ai-network',
  title: 'Vertex AI Workbench instance has a public IP or runs outside the AI networks',
  severity: 'high',
  service: 'notebooks',
  resourceType: 'notebooks.googleapis.com/Instance',
  rationale:
    'Seed 001: notebooks reach Vertex AI through Private Service Connect, and the organization policies ainotebooks.restrictPublicIp and ainotebooks.restrictVpcNetworks keep them there. A Workbench instance (v2, or a legacy v1 user-managed notebook) gets an external IP unless gceSetup.disablePublicIp (v1: noPublicIp) is true — an absent field means a public IP —, and so does a managed notebooks runtime unless virtualMachineConfig.internalIpOnly is true (without a network it runs on a Google-managed network); it then reaches the internet and model data outside every control on the AI networks. A notebook on a network that holds no AI- or data-zone subnetwork (the default network, a sandbox VPC) is outside the PSC endpoint, the private DNS zone and the zone firewall. cordon takes the approved networks from the zone placement: the networks of the subnetworks placed in the calling and data zones (or of a network the policy names for such a zone).',
  remediation: {
    text: 'Recreate the instance with no public IP on a subnetwork of an AI network, and enforce constraints/ainotebooks.restrictPublicIp and constraints/ainotebooks.restrictVpcNetworks.',
    snippet: {
      language: 'shell',
      code: 'gcloud workbench instances create NOTEBOOK --location ZONE --network projects/HOST/global/networks/vpc-ai --subnet projects/HOST/regions/REGION/subnetworks/snet-inference --disable-public-ip',
    },
  },
  references: [
    'https://cloud.google.com/vertex-ai/docs/workbench/instances/create',
    'https://cloud.google.com/vertex-ai/docs/workbench/instances/manage-access-jupyterlab',
    'https://cloud.google.com/vertex-ai/docs/workbench/reference/rest/v2/projects.locations.instances',
  ],
  seeds: ['001: VPC-SC + Organization Policy', '001: Vertex AI behind Private Service Connect'],
  requires: ['notebooks:instances'],
  looksUp: ['compute:networks', 'compute:subnetworks'],
  run(ctx) {
    const approved = aiNetworkKeys(ctx);
    const out: GcpCheckResult[] = [];
    for (const w of [...ctx.own.workbenchInstances].sort((a, b) => gcpIdKey(a.id).localeCompare(gcpIdKey(b.id)))) {
      const what =
        w.apiVersion === 'runtime'
          ? `managed notebooks runtime ${w.name}`
          : `Workbench ${w.apiVersion} instance ${w.name}`;
      const base = {
        resource: { id: w.id, type: 'notebooks.googleapis.com/Instance' },
        region: w.region,
        origin: w.origin,
      };
      const problems: string[] = [];
      const external = w.networkInterfaces.filter((n) => n.hasExternalIp);
      if (w.disablePublicIp !== true || external.length > 0)
        problems.push(
          external.length
            ? 'its network interface has an external IP (access config)'
            : `it gets a public IP (${PUBLIC_IP_FIELD[w.apiVersion]} is ${w.disablePublicIp === false ? 'false' : 'not set'})`,
        );
      const nets = w.networkInterfaces.map((n) => n.network).filter((n): n is string => !!n);
      const outside = nets.filter((n) => !approved.has(gcpIdKey(n)));
      if (nets.length === 0) problems.push("it names no network, so it runs on the project's default network");
      else if (outside.length)
        problems.push(
          `it runs on ${outside.map((n) => shortName(n)).join(', ')}, which holds no AI- or data-zone subnetwork${approved.size ? ` (approved: ${[...approved].sort().map(shortName).join(', ')})` : ''}`,
        );
      out.push(
        problems.length
          ? {
              ...base,
              status: 'fail',
              message: `${what}: ${problems.join('; ')}`,
              evidence: { networks: nets, disablePublicIp: w.disablePublicIp ?? null },
            }
          : {
              ...base,
              status: 'pass',
              message: `${what} has no public IP and runs on ${nets.map((n) => shortName(n)).join(', ')}`,
            },
      );
    }
    return out;
  },
});
