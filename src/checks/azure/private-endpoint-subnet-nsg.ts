import { azureIdKey, findById } from '../../inventory/azure.js';
import { callingZones } from '../../policy/calling-zones.js';
import { nsgDecision, type PacketClass } from './nsg-support.js';
import { aiTargets, endpointsTo, supportingTargets } from './support.js';
import { defineAzureCheck, type AzureCheckResult } from './types.js';

export default defineAzureCheck({
  id: 'azure-private-endpoint-subnet-nsg',
  title: "Private endpoint's subnet admits sources outside the calling zones (or does not filter it)",
  severity: 'high',
  service: 'network',
  resourceType: 'Microsoft.Network/privateEndpoints',
  rationale:
    "The endpoint of an AI or supporting service should answer only the zones the policy lets reach it. NSGs filter private endpoint traffic only where the subnet applies network policies to private endpoints (privateEndpointNetworkPolicies Enabled or NetworkSecurityGroupEnabled); with Disabled — what seed 001 tells you to set, and the default for older subnets — no NSG filters the endpoint at all (Azure's documentation now says the opposite of the seed). Where NSGs apply, cordon evaluates the subnet's NSG as Azure does (priority order, default rules: AllowVnetInBound admits the whole VNet and peered space) for TCP 443 from every other zone's subnets and from the internet.",
  remediation: {
    text: "Enable network policies for private endpoints on the subnet and allow 443 only from the calling zones' ranges, with an explicit deny after it.",
    snippet: {
      language: 'azurecli',
      code: 'az network vnet subnet update -g RG --vnet-name VNET -n snet-pe --private-endpoint-network-policies Enabled\naz network nsg rule create -g RG --nsg-name nsg-pe -n allow-callers --priority 100 --access Allow --direction Inbound --protocol Tcp --destination-port-ranges 443 --source-address-prefixes <calling-zone-cidrs>\naz network nsg rule create -g RG --nsg-name nsg-pe -n deny-rest --priority 4000 --access Deny --direction Inbound --protocol "*" --source-address-prefixes "*" --destination-port-ranges "*"',
    },
  },
  references: [
    'https://learn.microsoft.com/azure/private-link/disable-private-endpoint-network-policy',
    'https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#default-security-rules',
  ],
  seeds: ['001: NSG on the private endpoint subnet', '002: NSGs restrict traffic between subnets'],
  requires: ['network:private-endpoints', 'network:virtual-networks', 'network:network-security-groups'],
  // Which endpoints are audited: those of AI and supporting services.
  looksUp: [
    'cognitiveservices:accounts',
    'machinelearning:workspaces',
    'search:services',
    'storage:accounts',
    'keyvault:vaults',
    'containerregistry:registries',
  ],
  run(ctx) {
    const calling = callingZones(ctx.policy);
    const audited = new Set(
      [...aiTargets(ctx.inventory), ...supportingTargets(ctx.inventory)].flatMap((t) =>
        endpointsTo(ctx.inventory, t.resource).map((e) => azureIdKey(e.endpoint.id)),
      ),
    );
    // Sources that must not get in: subnets of zones that are not calling zones, and the internet.
    const others = ctx.inventory.subnets
      .map((s) => ({ s, zone: ctx.zones.subnet(s.id)?.zone }))
      .filter((x) => x.zone !== undefined && !calling.has(x.zone))
      .sort((a, b) => (azureIdKey(a.s.id) < azureIdKey(b.s.id) ? -1 : 1));
    const out: AzureCheckResult[] = [];
    for (const pe of [...ctx.own.privateEndpoints].sort((a, b) => (azureIdKey(a.id) < azureIdKey(b.id) ? -1 : 1))) {
      if (!audited.has(azureIdKey(pe.id)) || !pe.subnetId) continue;
      const base = {
        resource: { id: pe.id, type: 'Microsoft.Network/privateEndpoints' },
        location: pe.location,
        origin: pe.origin,
      };
      const subnet = findById(ctx.inventory.subnets, pe.subnetId);
      if (!subnet) {
        out.push({
          ...base,
          status: 'not-assessed',
          message: `private endpoint ${pe.name}: its subnet is not in the snapshot`,
        });
        continue;
      }
      const policies = (subnet.privateEndpointNetworkPolicies ?? 'Disabled').toLowerCase();
      if (policies === 'disabled' || policies === 'routetableenabled') {
        out.push({
          ...base,
          status: 'fail',
          message: `private endpoint ${pe.name}: subnet ${subnet.name} has privateEndpointNetworkPolicies ${subnet.privateEndpointNetworkPolicies ?? 'unset (Disabled)'}, so no NSG filters traffic to the endpoint`,
        });
        continue;
      }
      const nsg = subnet.networkSecurityGroupId
        ? findById(ctx.inventory.networkSecurityGroups, subnet.networkSecurityGroupId)
        : undefined;
      if (subnet.networkSecurityGroupId && !nsg) {
        out.push({
          ...base,
          status: 'not-assessed',
          message: `private endpoint ${pe.name}: NSG ${subnet.networkSecurityGroupId.split('/').pop()} is not in the snapshot`,
        });
        continue;
      }
      if (!nsg) {
        out.push({
          ...base,
          status: 'fail',
          message: `private endpoint ${pe.name}: subnet ${subnet.name} has no NSG, so every source that can route to it gets in`,
        });
        continue;
      }
      const admitted: string[] = [];
      const probe = (source: PacketClass['source'], label: string) => {
        const rule = nsgDecision(nsg, {
          direction: 'Inbound',
          protocol: 'Tcp',
          port: 443,
          source,
          destination: { cidrs: subnet.addressPrefixes },
        });
        if (rule && rule.access.toLowerCase() === 'allow')
          admitted.push(`${label} by rule ${rule.name} (priority ${rule.priority})`);
      };
      probe('internet', 'the internet');
      for (const o of others)
        if (o.s.addressPrefixes.length) probe({ cidrs: o.s.addressPrefixes }, `${o.zone} subnet ${o.s.name}`);
      out.push({
        ...base,
        status: admitted.length ? 'fail' : 'pass',
        message: admitted.length
          ? `private endpoint ${pe.name}: NSG ${nsg.name} admits TCP 443 from ${admitted.join('; ')}`
          : `private endpoint ${pe.name}: NSG ${nsg.name} admits TCP 443 only from the calling zones`,
      });
    }
    return out;
  },
});
