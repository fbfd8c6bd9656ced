import { targetResource, aiTargets } from './support.js';
import { defineAzureCheck, type AzureCheckResult } from './types.js';

export default defineAzureCheck({
  id: 'azure-ai-local-auth-enabled',
  title: 'Azure AI account or search service accepts API keys (local authentication)',
  severity: 'medium',
  service: 'cognitiveservices',
  resourceType: 'Microsoft.CognitiveServices/accounts',
  rationale:
    'Seed 001 relies on Entra ID RBAC for Azure OpenAI: access follows identities and can be scoped, logged and revoked. While local (key-based) authentication is on, anyone holding a key can call the resource, from anywhere public access allows, and keys leak into code and logs. Azure Policy "Azure AI Services resources should have key access disabled" asks for disableLocalAuth true; AI Search likewise.',
  remediation: {
    text: 'Set disableLocalAuth to true and grant callers "Cognitive Services OpenAI User" (or the service\'s data-plane role) on the resource.',
    snippet: {
      language: 'bicep',
      code: "resource openai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  // …\n  properties: { disableLocalAuth: true }\n}",
    },
  },
  references: ['https://learn.microsoft.com/azure/ai-services/disable-local-auth'],
  seeds: ['001: Entra ID RBAC instead of API keys'],
  requires: ['cognitiveservices:accounts', 'search:services'],
  run(ctx) {
    return aiTargets(ctx.own)
      .filter((t) => t.type !== 'microsoft.machinelearningservices/workspaces')
      .map((t): AzureCheckResult => {
        const disabled = (t.resource as { disableLocalAuth?: boolean }).disableLocalAuth === true;
        return {
          status: disabled ? 'pass' : 'fail',
          resource: targetResource(t),
          location: t.resource.location,
          origin: t.resource.origin,
          message: disabled
            ? `${t.label} accepts Entra ID tokens only`
            : `${t.label} accepts API keys (disableLocalAuth is not true)`,
        };
      });
  },
});
