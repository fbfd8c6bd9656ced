import { aiTargets, publicExposure, targetResource } from './support.js';
import { defineAzureCheck, type AzureCheckResult } from './types.js';

export default defineAzureCheck({
  id: 'azure-ai-public-network-access',
  title: 'Azure AI resource is reachable from public networks',
  severity: 'high',
  service: 'cognitiveservices',
  resourceType: 'Microsoft.CognitiveServices/accounts',
  rationale:
    'Azure OpenAI, AI Services and Cognitive Services accounts, AI Foundry hubs and projects and AI Search services accept traffic from the internet unless publicNetworkAccess is Disabled or their network ACLs deny by default. Prompts, completions, embeddings and indexed documents then travel over public networks, whatever private endpoints exist (seeds 000, 001, 002). cordon follows the Azure Policy built-ins "Azure AI Services resources should restrict network access" (networkAcls.defaultAction Deny) and "… should disable public network access", and is stricter in one place: a Deny default with IP rules that admit every address (0.0.0.0/0, or ranges that together cover it) is reported as open.',
  remediation: {
    text: 'Set publicNetworkAccess to Disabled (and networkAcls.defaultAction to Deny) and reach the resource through a private endpoint.',
    snippet: {
      language: 'bicep',
      code: "resource openai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  // …\n  properties: {\n    publicNetworkAccess: 'Disabled'\n    networkAcls: { defaultAction: 'Deny' }\n  }\n}",
    },
  },
  references: [
    'https://learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks',
    'https://learn.microsoft.com/azure/ai-foundry/how-to/configure-private-link',
    'https://learn.microsoft.com/azure/search/service-create-private-endpoint',
  ],
  seeds: [
    '000: Azure OpenAI reached over the public endpoint',
    '002: Disable public network access on AI Services and Foundry',
  ],
  requires: ['cognitiveservices:accounts', 'machinelearning:workspaces', 'search:services'],
  run(ctx) {
    return aiTargets(ctx.own).map((t): AzureCheckResult => {
      const e = publicExposure(t.resource);
      return {
        status: e.unknown ? 'not-assessed' : e.open ? 'fail' : 'pass',
        resource: targetResource(t),
        location: t.resource.location,
        origin: t.resource.origin,
        message: e.unknown
          ? `${t.label}: ${e.how}`
          : e.open
            ? `${t.label} accepts traffic from public networks (${e.how})`
            : `${t.label} is closed to public networks (${e.how})`,
        evidence: {
          publicNetworkAccess: t.resource.publicNetworkAccess ?? null,
          networkAcls: t.resource.networkAcls ?? null,
        },
        ...(e.open && !e.unknown
          ? {
              remediation: {
                text: `Disable public network access on ${t.resource.name}.`,
                snippet: {
                  language: 'azurecli',
                  code: `az resource update --ids ${t.resource.id} --set properties.publicNetworkAccess=Disabled properties.networkAcls.defaultAction=Deny`,
                },
              },
            }
          : {}),
      };
    });
  },
});
