import { azureIdKey, filterById, type AzureFlowLog } from '../../inventory/azure.js';
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
    // Every flow log by target, enabled or not: a subnet's own flow log takes precedence over its VNet's, so a
    // disabled one on the subnet switches logging off there even when the VNet's is on (Microsoft's VNet flow log
    // documentation, "precedence").
    const byTarget = new Map<string, AzureFlowLog>();
    for (const f of ctx.inventory.flowLogs) {
      if (!f.targetResourceId) continue;
      const k = azureIdKey(f.targetResourceId);
      const seen = byTarget.get(k);
      if (!seen || (seen.enabled === false && f.enabled !== false)) byTarget.set(k, f);
    }
    const on = (id: string | undefined) =>
      id ? byTarget.get(azureIdKey(id))?.enabled !== false && byTarget.has(azureIdKey(id)) : false;
    const aiEndpointSubnets = new Set(
      aiTargets(ctx.inventory).flatMap((t) =>
        endpointsTo(ctx.inventory, t.resource).flatMap((e) =>
          e.endpoint.subnetId ? [azureIdKey(e.endpoint.subnetId)] : [],
        ),
      ),
    );
    const out: AzureCheckResult[] = [];
    for (const vnet of [...ctx.own.virtualNetworks].sort((a, b) => (azureIdKey(a.id) < azureIdKey(b.id) ? -1 : 1))) {
      const subnets = filterById(ctx.inventory.subnets, 'vnetId', vnet.id);
      const relevant = subnets.filter(
        (s) => calling.has(ctx.zones.subnet(s.id)?.zone ?? '') || aiEndpointSubnets.has(azureIdKey(s.id)),
      );
      if (relevant.length === 0) continue;
      const base = {
        resource: { id: vnet.id, type: 'Microsoft.Network/virtualNetworks' },
        location: vnet.location,
        origin: vnet.origin,
      };
      const onVnet = on(vnet.id) ? byTarget.get(azureIdKey(vnet.id)) : undefined;
      /** How a subnet is logged: its own flow log decides when it has one, else the VNet's, else its NSG's. */
      const coverage = (sub: (typeof relevant)[number]): 'subnet' | 'vnet' | 'nsg' | 'off-on-subnet' | 'none' => {
        const own = byTarget.get(azureIdKey(sub.id));
        if (own) return own.enabled === false ? 'off-on-subnet' : 'subnet';
        if (onVnet) return 'vnet';
        return on(sub.networkSecurityGroupId) ? 'nsg' : 'none';
      };
      const uncovered = relevant.filter((sub) => ['none', 'off-on-subnet'].includes(coverage(sub)));
      const switchedOff = relevant.filter((sub) => coverage(sub) === 'off-on-subnet');
      const legacy = relevant.filter((sub) => coverage(sub) === 'nsg');
      if (onVnet && uncovered.length === 0) {
        out.push({
          ...base,
          status: 'pass',
          origin: onVnet.origin,
          message: `VNet ${vnet.name} has VNet flow log ${onVnet.name}`,
        });
        continue;
      }
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
              ...(switchedOff.length > 0 ? { origin: byTarget.get(azureIdKey(switchedOff[0]!.id))!.origin } : {}),
              message: `VNet ${vnet.name} hosts AI workloads but ${uncovered.map((s) => s.name).join(', ')} ${uncovered.length === 1 ? 'is' : 'are'} covered by no enabled flow log (VNet, subnet or NSG)${switchedOff.length > 0 ? ` — ${switchedOff.map((s) => s.name).join(', ')} ${switchedOff.length === 1 ? 'has its own flow log, disabled, which' : 'have their own flow logs, disabled, which'} takes precedence over the VNet's` : ''}: traffic between zones is not recorded`,
              evidence: { subnets: uncovered.map((s) => s.id) },
            },
      );
    }
    return out;
  },
});
