import { aiTargets, endpointsTo, networkOwner, targetResource } from './support.js';
import { defineAzureCheck, type AzureCheckResult } from './types.js';

export default defineAzureCheck({
  id: 'azure-ai-private-endpoint-missing',
  title: 'Azure AI resource has no approved private endpoint',
  severity: 'high',
  service: 'network',
  resourceType: 'Microsoft.CognitiveServices/accounts',
  rationale:
    'Without an approved private endpoint connection, callers in the VNet can only reach the AI resource over its public endpoint (or not at all once public access is off). Only the Approved state carries traffic: a connection that is Pending, Rejected or Disconnected is as good as none, and an approval that never happened is a common cause of "it works from my laptop but not from the VNet".',
  remediation: {
    text: 'Create a private endpoint for the resource in the AI VNet (sub-resource "account" for AI accounts, "amlworkspace" for Foundry hubs, "searchService" for AI Search) and approve the connection.',
    snippet: {
      language: 'bicep',
      code: "resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {\n  name: 'pe-openai'\n  location: location\n  properties: {\n    subnet: { id: peSubnetId }\n    privateLinkServiceConnections: [\n      { name: 'openai', properties: { privateLinkServiceId: openai.id, groupIds: [ 'account' ] } }\n    ]\n  }\n}",
    },
  },
  references: [
    'https://learn.microsoft.com/azure/private-link/private-endpoint-overview',
    'https://learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks#use-private-endpoints',
  ],
  seeds: ['001: Private Link setup for Azure OpenAI', '002: Private endpoints for every AI service'],
  requires: ['cognitiveservices:accounts', 'machinelearning:workspaces', 'search:services'],
  looksUp: ['network:private-endpoints'],
  run(ctx) {
    return aiTargets(ctx.own).map((t): AzureCheckResult => {
      const all = endpointsTo(ctx.inventory, t.resource);
      const approved = all.filter((x) => x.approved);
      // Connections the target lists (an endpoint in a subscription that was not collected still shows here).
      const owner = networkOwner(ctx.inventory, t.resource);
      const via = owner === t.resource ? '' : ` (through its hub ${owner.name})`;
      const listed = owner.privateEndpointConnections.filter(
        (c) =>
          !all.some((a) => c.privateEndpointId && a.endpoint.id.toLowerCase() === c.privateEndpointId.toLowerCase()),
      );
      const listedApproved = owner.privateEndpointConnections.filter(
        (c) => (c.status ?? '').toLowerCase() === 'approved',
      );
      const base = { resource: targetResource(t), location: t.resource.location, origin: t.resource.origin };
      if (approved.length > 0 || listedApproved.length > 0)
        return {
          ...base,
          status: 'pass',
          message: `${t.label} has an approved private endpoint${via} (${[...approved.map((a) => a.endpoint.name), ...listedApproved.map((c) => c.privateEndpointId?.split('/').pop() ?? '?')].filter((v, i, a) => a.indexOf(v) === i).join(', ')})`,
        };
      const states = [
        ...all.map(
          (a) =>
            `${a.endpoint.name}: ${owner.privateEndpointConnections.find((c) => c.privateEndpointId?.toLowerCase() === a.endpoint.id.toLowerCase())?.status ?? 'not approved'}`,
        ),
        ...listed.map((c) => `${c.privateEndpointId?.split('/').pop() ?? c.id ?? '?'}: ${c.status ?? 'no state'}`),
      ];
      return {
        ...base,
        status: 'fail',
        message:
          states.length === 0
            ? `${t.label} has no private endpoint: callers can reach it only over its public endpoint`
            : `${t.label} has no approved private endpoint connection (${states.join('; ')})`,
        evidence: { connections: states },
      };
    });
  },
});
