import {
  azureIdKey,
  filterById,
  type AzureDiagnosticSetting,
  type AzureDnsSecurityPolicy,
} from '../../inventory/azure.js';
import { aiVirtualNetworks } from './support.js';
import { defineAzureCheck, type AzureCheckResult } from './types.js';

/** The DNS security policy's query log category (table DNSQueryLogs); the allLogs category group includes it. */
const QUERY_LOG_CATEGORY = 'dnsresponse';

/** True when the setting sends the policy's query logs somewhere. */
function logsQueries(s: AzureDiagnosticSetting): boolean {
  return (
    s.destinations.length > 0 &&
    s.logs.some(
      (l) =>
        l.enabled && (l.category?.toLowerCase() === QUERY_LOG_CATEGORY || l.categoryGroup?.toLowerCase() === 'alllogs'),
    )
  );
}

export default defineAzureCheck({
  id: 'azure-ai-vnet-dns-query-logging-missing',
  title: 'VNet hosting AI workloads does not log its DNS queries',
  severity: 'medium',
  service: 'dns',
  resourceType: 'Microsoft.Network/virtualNetworks',
  rationale:
    'Seed 000 asks for every DNS query to be logged: query logs show whether AI service names resolve to the private endpoint or leak to public addresses, and carry the signals of DNS tunnelling (`cordon flows` reads them). Azure-provided DNS logs nothing by itself; queries from a virtual network are logged when a DNS security policy (Microsoft.Network/dnsResolverPolicies) is linked to it and a diagnostic setting on the policy sends its DnsResponse log category (table DNSQueryLogs) to a workspace, storage account or event hub.',
  remediation: {
    text: 'Create a DNS security policy in the VNet\'s region, link it to the VNet, and add a diagnostic setting on the policy that sends the "DnsResponse" category (or allLogs) to a Log Analytics workspace or storage account.',
    snippet: {
      language: 'azurecli',
      code: 'az dns-resolver policy create --name dnspol-ai --resource-group RG --location LOCATION\naz dns-resolver policy vnet-link create --name link-ai --policy-name dnspol-ai --resource-group RG --virtual-network "{id:VNET_ID}" --location LOCATION\naz monitor diagnostic-settings create --name dns-query-logs --resource POLICY_ID --workspace WORKSPACE_ID --logs \'[{"category":"DnsResponse","enabled":true}]\'',
    },
  },
  references: [
    'https://learn.microsoft.com/azure/dns/dns-security-policy',
    'https://learn.microsoft.com/azure/azure-monitor/reference/tables/dnsquerylogs',
  ],
  seeds: ['000: Monitoring — log all DNS queries'],
  requires: [
    'network:virtual-networks',
    'network:dns-security-policies',
    'network:dns-security-policy-links',
    'monitor:dns-policy-diagnostic-settings',
  ],
  looksUp: ['network:private-endpoints'],
  run(ctx) {
    const inv = ctx.inventory;
    const policies = new Map<string, AzureDnsSecurityPolicy>(inv.dnsSecurityPolicies.map((p) => [azureIdKey(p.id), p]));
    const out: AzureCheckResult[] = [];
    for (const { vnet } of aiVirtualNetworks(ctx)) {
      const base = {
        resource: { id: vnet.id, type: 'Microsoft.Network/virtualNetworks' },
        location: vnet.location,
        origin: vnet.origin,
      };
      const linked = filterById(inv.dnsSecurityPolicyLinks, 'virtualNetworkId', vnet.id)
        .map((l) => l.policyId)
        .sort();
      if (linked.length === 0) {
        out.push({
          ...base,
          status: 'fail',
          message: `VNet ${vnet.name} hosts AI workloads but no DNS security policy is linked to it: its DNS queries are not logged`,
        });
        continue;
      }
      // One lookup per linked policy (by its own id: the index normalises it as the scan compared it).
      const logging = [...new Map(linked.map((p) => [azureIdKey(p), p])).values()]
        .flatMap((p) => filterById(inv.diagnosticSettings, 'resourceId', p))
        .filter(logsQueries)
        .sort((a, b) => (azureIdKey(a.id) < azureIdKey(b.id) ? -1 : 1))[0];
      if (logging) {
        out.push({
          ...base,
          status: 'pass',
          origin: logging.origin,
          message: `VNet ${vnet.name} logs DNS queries: DNS security policy ${policies.get(azureIdKey(logging.resourceId))?.name ?? logging.resourceId} sends them through diagnostic setting ${logging.name}`,
          evidence: { policy: logging.resourceId, destinations: logging.destinations },
        });
        continue;
      }
      out.push({
        ...base,
        status: 'fail',
        message: `VNet ${vnet.name} hosts AI workloads and is linked to DNS security policy ${linked.map((p) => policies.get(azureIdKey(p))?.name ?? p).join(', ')}, but no diagnostic setting on it sends the DnsResponse log category anywhere: its DNS queries are not logged`,
        evidence: { policies: linked },
      });
    }
    return out;
  },
});
