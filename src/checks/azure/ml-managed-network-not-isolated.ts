import { azureIdKey } from '../../inventory/azure.js';
import { coversWholeInternet } from '../../util/cidr.js';
import { globMatch } from '../../util/glob.js';
import { defineAzureCheck, type AzureCheckResult } from './types.js';

export default defineAzureCheck({
  id: 'azure-ml-managed-network-not-isolated',
  title: 'AI Foundry hub or Azure ML workspace lets its managed network reach the internet',
  severity: 'high',
  service: 'machinelearningservices',
  resourceType: 'Microsoft.MachineLearningServices/workspaces',
  rationale:
    "Compute in an AI Foundry hub or Azure ML workspace runs in a Microsoft-managed network whose isolation mode decides its egress: Disabled (no managed network: compute egress is whatever its own VNet allows), AllowInternetOutbound (any destination), or AllowOnlyApprovedOutbound (only the outbound rules you approve: private endpoints, service tags, FQDNs). Seed 002 asks for egress restricted to approved destinations; training data and prompts leave through an open managed network. Projects inherit their hub's managed network and are judged through it. A service tag rule to the Internet tag, or whose address prefixes (which replace the tag) are 0.0.0.0/0, approves every destination and fails too, as does an FQDN rule to `*`. Other outbound FQDN rules are listed in the evidence for review.",
  remediation: {
    text: 'Set the managed network isolation mode to AllowOnlyApprovedOutbound and add outbound rules only for what the workload needs.',
    snippet: {
      language: 'bicep',
      code: "resource hub 'Microsoft.MachineLearningServices/workspaces@2024-10-01' = {\n  // …\n  properties: {\n    managedNetwork: { isolationMode: 'AllowOnlyApprovedOutbound' }\n  }\n}",
    },
  },
  references: [
    'https://learn.microsoft.com/azure/ai-foundry/how-to/configure-managed-network',
    'https://learn.microsoft.com/azure/machine-learning/how-to-managed-network',
  ],
  seeds: ['002: Restrict outbound traffic to approved destinations (AI Foundry managed network)'],
  requires: ['machinelearning:workspaces'],
  run(ctx) {
    return ctx.own.mlWorkspaces
      .filter((w) => w.kind.toLowerCase() !== 'project')
      .sort((a, b) => (azureIdKey(a.id) < azureIdKey(b.id) ? -1 : 1))
      .map((w): AzureCheckResult => {
        const mode = w.managedNetwork?.isolationMode ?? 'Disabled';
        const fqdns = (w.managedNetwork?.outboundRules ?? [])
          .filter((r) => r.type.toLowerCase() === 'fqdn')
          .map((r) => r.destination ?? r.name);
        const approved = ctx.policy.document.azure.approved_fqdns;
        // With an approved list in cordon.yaml, an FQDN rule outside it is an opening the policy did not agree to.
        const unapproved = approved.length
          ? fqdns.filter((f) => f !== undefined && !approved.some((a) => globMatch(a, f, true)))
          : [];
        const isolated = mode.toLowerCase() === 'allowonlyapprovedoutbound';
        // A service tag rule to the Internet tag, or whose address prefixes (which replace the tag) cover every
        // address, approves the whole internet; so does an FQDN rule to `*`.
        const internet = (w.managedNetwork?.outboundRules ?? []).filter((r) =>
          r.type.toLowerCase() === 'fqdn'
            ? (r.destination ?? '').trim() === '*'
            : r.type.toLowerCase() === 'servicetag' &&
              (r.action ?? 'Allow').toLowerCase() !== 'deny' &&
              (r.addressPrefixes
                ? r.addressPrefixes.some((p) => /^(\*|internet)$/i.test(p.trim())) ||
                  coversWholeInternet(r.addressPrefixes)
                : (r.destination ?? '').toLowerCase() === 'internet'),
        );
        const ok = isolated && unapproved.length === 0 && internet.length === 0;
        const label = `${w.kind === 'Hub' ? 'AI Foundry hub' : 'Azure ML workspace'} ${w.name}`;
        return {
          status: ok ? 'pass' : 'fail',
          resource: { id: w.id, type: 'Microsoft.MachineLearningServices/workspaces' },
          location: w.location,
          origin: w.origin,
          message: ok
            ? `${label}'s managed network allows only approved outbound (${w.managedNetwork?.outboundRules.length ?? 0} rule(s))`
            : !isolated
              ? `${label}'s managed network isolation mode is ${mode}: its compute can reach ${mode.toLowerCase() === 'disabled' ? 'whatever its own network allows' : 'any internet destination'}`
              : internet.length
                ? `${label}'s managed network allows only approved outbound, but its outbound rule(s) ${internet.map((r) => `${r.name} (${r.addressPrefixes?.join(', ') ?? r.destination})`).join(', ')} approve the whole internet`
                : `${label}'s managed network allows FQDNs outside azure.approved_fqdns: ${unapproved.join(', ')}`,
          evidence: { isolationMode: mode, fqdnRules: fqdns },
        };
      });
  },
});
