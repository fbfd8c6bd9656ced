import { aiTargets, endpointsTo, publicExposure, targetResource } from './support.js';
import { defineAzureCheck, type AzureCheckResult } from './types.js';

export default defineAzureCheck({
  id: 'azure-ai-public-access-after-private-endpoint',
  title: 'Azure AI resource keeps public access after a private endpoint was created',
  severity: 'high',
  service: 'cognitiveservices',
  resourceType: 'Microsoft.CognitiveServices/accounts',
  rationale:
    'Seed 001 lists this first among Azure misconfigurations: a private endpoint is added, but publicNetworkAccess stays Enabled, so the resource is still reachable from the internet and any client whose DNS falls through to public resolution keeps using the public path without anyone noticing. A private endpoint only isolates a resource when public access is turned off.',
  remediation: {
    text: 'With the private endpoint approved and DNS in place, set publicNetworkAccess to Disabled.',
    snippet: {
      language: 'azurecli',
      code: 'az cognitiveservices account update --name NAME --resource-group RG --custom-domain NAME --public-network-access Disabled',
    },
  },
  references: ['https://learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks'],
  seeds: ['001: Public access left enabled after creating the private endpoint'],
  requires: ['cognitiveservices:accounts', 'machinelearning:workspaces', 'search:services'],
  looksUp: ['network:private-endpoints'],
  run(ctx) {
    return aiTargets(ctx.own).flatMap((t): AzureCheckResult[] => {
      const withPe =
        endpointsTo(ctx.inventory, t.resource).length > 0 || t.resource.privateEndpointConnections.length > 0;
      if (!withPe) return []; // reported by azure-ai-private-endpoint-missing
      const e = publicExposure(t.resource);
      return [
        {
          status: e.unknown ? 'not-assessed' : e.open ? 'fail' : 'pass',
          resource: targetResource(t),
          location: t.resource.location,
          origin: t.resource.origin,
          message: e.unknown
            ? `${t.label} has a private endpoint; ${e.how}`
            : e.open
              ? `${t.label} has a private endpoint but is still reachable publicly (${e.how})`
              : `${t.label} has a private endpoint and public access is closed`,
        },
      ];
    });
  },
});
