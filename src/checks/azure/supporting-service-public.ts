import { azureIdKey } from '../../inventory/azure.js';
import { aiTargets, endpointsTo, publicExposure, supportingTargets, targetResource } from './support.js';
import { defineAzureCheck, type AzureCheckResult } from './types.js';

export default defineAzureCheck({
  id: 'azure-supporting-service-public',
  title: 'Storage, Key Vault or Container Registry of an AI workload is public or has no private endpoint',
  severity: 'high',
  service: 'network',
  resourceType: 'Microsoft.Storage/storageAccounts',
  rationale:
    'Seed 002: "Deploy supporting services within the network boundary". Training data and prompt flows sit in Storage, secrets and keys in Key Vault, images in Container Registry; an AI Foundry hub names its own. Left on public endpoints they are the way around a private AI account. cordon audits the hub\'s associated resources and those in a resource group that holds AI resources: each must have public access closed and an approved private endpoint.',
  remediation: {
    text: 'Disable public network access on the resource and give it an approved private endpoint in the AI VNet (with its privatelink DNS zone).',
    snippet: {
      language: 'azurecli',
      code: 'az storage account update --name NAME --resource-group RG --public-network-access Disabled --default-action Deny',
    },
  },
  references: [
    'https://learn.microsoft.com/azure/ai-foundry/how-to/configure-private-link',
    'https://learn.microsoft.com/azure/storage/common/storage-private-endpoints',
  ],
  seeds: ['002: Deploy supporting services within the network boundary'],
  // The AI resources decide which supporting services are audited (those in their resource groups).
  requires: [
    'storage:accounts',
    'keyvault:vaults',
    'containerregistry:registries',
    'machinelearning:workspaces',
    'cognitiveservices:accounts',
    'search:services',
  ],
  looksUp: ['network:private-endpoints'],
  run(ctx) {
    const ai = aiTargets(ctx.own);
    const aiGroups = new Set(ai.map((t) => `${t.resource.subscription}/${t.resource.resourceGroup.toLowerCase()}`));
    const associated = new Set(
      ctx.inventory.mlWorkspaces.flatMap((w) =>
        [w.storageAccount, w.keyVault, w.containerRegistry].filter((x): x is string => !!x).map(azureIdKey),
      ),
    );
    return supportingTargets(ctx.own)
      .filter(
        (t) =>
          associated.has(azureIdKey(t.resource.id)) ||
          aiGroups.has(`${t.resource.subscription}/${t.resource.resourceGroup.toLowerCase()}`),
      )
      .map((t): AzureCheckResult => {
        const e = publicExposure(t.resource);
        const approved = endpointsTo(ctx.inventory, t.resource).filter((x) => x.approved);
        const problems = [
          ...(e.open && !e.unknown ? [`reachable from public networks (${e.how})`] : []),
          ...(approved.length === 0 ? ['no approved private endpoint'] : []),
        ];
        const why = associated.has(azureIdKey(t.resource.id))
          ? 'associated with an AI Foundry hub / ML workspace'
          : 'in a resource group with AI resources';
        return {
          status: problems.length ? 'fail' : e.unknown ? 'not-assessed' : 'pass',
          resource: targetResource(t),
          location: t.resource.location,
          origin: t.resource.origin,
          message: problems.length
            ? `${t.label} (${why}): ${problems.join('; ')}`
            : e.unknown
              ? `${t.label} (${why}): ${e.how}`
              : `${t.label} (${why}) is private (${approved.map((a) => a.endpoint.name).join(', ')})`,
        };
      });
  },
});
