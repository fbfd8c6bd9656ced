import { azureIdKey, type AzureFlowLog } from '../../inventory/azure.js';
import { callingZones } from '../../policy/calling-zones.js';
import { aiTargets, endpointsTo } from './support.js';
import { defineAzureCheck, type AzureCheckResult } from './types.js';

export default defineAzureCheck({
  id: 'azure-ai-vnet-flow-logs-missing',
  title: 'VNet hosting AI workloads has no flow log that can feed the flow monitor',
  severity: 'medium',
  service: 'network',
  resourceType: 'Microsoft.Network/virtualNetworks',
  rationale:
    "Seed 000 asks for all traffic between zones to be captured, so that `cordon flows` can show traffic that breaks the zone intent. On Azure that is a Network Watcher VNet flow log, enabled, on the VNet (or on each subnet that hosts AI callers or private endpoints). NSG flow logs on the subnets' NSGs are accepted too, but Microsoft is retiring them (no new ones since June 2025, gone after September 2027) and they miss traffic no NSG sees, such as traffic to private endpoints without network policies.",
  remediation: {
    text: 'Enable a VNet flow log on the VNet (format version 2) to a storage account, and send it to cordon flows.',
    snippet: {
      language: 'azurecli',
      code: 'az network watcher flow-log create --location LOCATION --name fl-vnet-ai --vnet vnet-ai --resource-group RG --storage-account STORAGE_ID --format JSON --log-version 2',
    },
  },
  references: [
    'https://learn.microsoft.com/azure/network-watcher/vnet-flow-logs-overview',
    'https://learn.microsoft.com/azure/network-watcher/nsg-flow-logs-overview',
  ],
  seeds: ['000: Monitoring — capture all traffic between zones with VNet flow logs'],
  requires: ['network:virtual-networks'],
  looksUp: ['network:flow-logs', 'network:private-endpoints'],
  run(ctx) {
    const calling = callingZones(ctx.policy);
    const enabled = new Map<string, AzureFlowLog>();
    for (const f of ctx.inventory.flowLogs)
      if (f.enabled !== false && f.targetResourceId) enabled.set(azureIdKey(f.targetResourceId), f);
    const aiEndpointSubnets = new Set(
      aiTargets(ctx.inventory).flatMap((t) =>
        endpointsTo(ctx.inventory, t.resource).flatMap((e) =>
          e.endpoint.subnetId ? [azureIdKey(e.endpoint.subnetId)] : [],
        ),
      ),
    );
    const out: AzureCheckResult[] = [];
    for (const vnet of [...ctx.own.virtualNetworks].sort((a, b) => (azureIdKey(a.id) < azureIdKey(b.id) ? -1 : 1))) {
      const subnets = ctx.inventory.subnets.filter((s) => azureIdKey(s.vnetId) === azureIdKey(vnet.id));
      const relevant = subnets.filter(
        (s) => calling.has(ctx.zones.subnet(s.id)?.zone ?? '') || aiEndpointSubnets.has(azureIdKey(s.id)),
      );
      if (relevant.length === 0) continue;
      const base = {
        resource: { id: vnet.id, type: 'Microsoft.Network/virtualNetworks' },
        location: vnet.location,
        origin: vnet.origin,
      };
      const onVnet = enabled.get(azureIdKey(vnet.id));
      if (onVnet) {
        out.push({
          ...base,
          status: 'pass',
          origin: onVnet.origin,
          message: `VNet ${vnet.name} has VNet flow log ${onVnet.name}`,
        });
        continue;
      }
      const uncovered = relevant.filter(
        (s) =>
          !enabled.has(azureIdKey(s.id)) &&
          !(s.networkSecurityGroupId && enabled.has(azureIdKey(s.networkSecurityGroupId))),
      );
      const legacy = relevant.filter(
        (s) =>
          !enabled.has(azureIdKey(s.id)) &&
          s.networkSecurityGroupId &&
          enabled.has(azureIdKey(s.networkSecurityGroupId)),
      );
      out.push(
        uncovered.length === 0
          ? {
              ...base,
              status: 'pass',
              message: `VNet ${vnet.name}: every AI subnet is covered by a flow log${legacy.length ? ` (${legacy.map((s) => s.name).join(', ')} only by NSG flow logs, which Microsoft is retiring)` : ''}`,
            }
          : {
              ...base,
              status: 'fail',
              message: `VNet ${vnet.name} hosts AI workloads but ${uncovered.map((s) => s.name).join(', ')} ${uncovered.length === 1 ? 'is' : 'are'} covered by no enabled flow log (VNet, subnet or NSG): traffic between zones is not recorded`,
              evidence: { subnets: uncovered.map((s) => s.id) },
            },
      );
    }
    return out;
  },
});
