import {
  azureIdKey,
  type AzureInventory,
  type AzureNetworkSecurityGroup,
  type AzureSubnet,
} from '../../inventory/azure.js';
import { callingZones } from '../../policy/calling-zones.js';
import { endpointAddresses } from './dns-support.js';
import { nsgDecision } from './nsg-support.js';
import { aiTargets, endpointsTo } from './support.js';
import { defineAzureCheck, type AzureCheckResult } from './types.js';

/**
 * NSGs by id, the approved AI endpoints with their addresses, subnets and NSGs, and the subnets that hold endpoints:
 * the same for every subscription's run, so made once per inventory (made per run, an organisation's scan grew with
 * subscriptions × its whole inventory).
 */
const setups = new WeakMap<AzureInventory, ReturnType<typeof makeSetup>>();
function endpointSetup(inv: AzureInventory) {
  let x = setups.get(inv);
  if (!x) setups.set(inv, (x = makeSetup(inv)));
  return x;
}
function makeSetup(inv: AzureInventory) {
  // By id, once: every calling subnet of an organisation is judged against every endpoint, so a scan of the lists
  // per pair grew with their product.
  const nsgs = new Map(inv.networkSecurityGroups.map((n) => [azureIdKey(n.id), n]));
  const subnetsById = new Map(inv.subnets.map((x) => [azureIdKey(x.id), x]));
  const nsgOf = (s: AzureSubnet): AzureNetworkSecurityGroup | undefined =>
    s.networkSecurityGroupId ? nsgs.get(azureIdKey(s.networkSecurityGroupId)) : undefined;
  const unique = new Map(
    aiTargets(inv)
      .flatMap((t) => endpointsTo(inv, t.resource).filter((e) => e.approved))
      .map((e) => [azureIdKey(e.endpoint.id), e.endpoint] as const)
      .reverse(),
  );
  const endpoints = [...unique]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([, pe]) => {
      const ips = [...endpointAddresses(inv, pe)];
      const peSubnet = pe.subnetId ? subnetsById.get(azureIdKey(pe.subnetId)) : undefined;
      const policies = (peSubnet?.privateEndpointNetworkPolicies ?? 'Disabled').toLowerCase();
      const filtered = policies === 'enabled' || policies === 'networksecuritygroupenabled';
      return { pe, ips, peSubnet, filtered, peNsg: peSubnet && filtered ? nsgOf(peSubnet) : undefined };
    });
  // Subnets that hold private endpoints serve the calls; they are not callers.
  const endpointSubnets = new Set(inv.privateEndpoints.flatMap((p) => (p.subnetId ? [azureIdKey(p.subnetId)] : [])));
  return { nsgOf, endpoints, endpointSubnets };
}

export default defineAzureCheck({
  id: 'azure-caller-nsg-blocks-endpoint',
  title: "NSGs block the calling zone's HTTPS to the AI private endpoint",
  severity: 'medium',
  service: 'network',
  resourceType: 'Microsoft.Network/virtualNetworks/subnets',
  rationale:
    "The policy lets the calling zones reach the AI services on 443; if the callers' subnet NSG denies that outbound, or the endpoint subnet's NSG (where network policies apply) denies it inbound, calls time out — the failure seed 004 warns looks like a DNS problem. cordon evaluates both NSGs as Azure does (priority order, default rules) for TCP 443 from each calling-zone subnet to each approved AI private endpoint's address.",
  remediation: {
    text: "Allow TCP 443 from the calling subnets to the private endpoint subnet, outbound on the callers' NSG and inbound on the endpoint subnet's NSG, at a priority ahead of any deny.",
    snippet: {
      language: 'azurecli',
      code: 'az network nsg rule create -g RG --nsg-name nsg-inference -n allow-pe-https --priority 100 --direction Outbound --access Allow --protocol Tcp --destination-port-ranges 443 --destination-address-prefixes <endpoint-subnet-cidr>',
    },
  },
  references: ['https://learn.microsoft.com/azure/virtual-network/network-security-group-how-it-works'],
  seeds: ['004: NSG/firewall blocking 443 looks like a DNS failure', '002: NSGs restrict traffic between subnets'],
  requires: ['network:virtual-networks', 'network:network-security-groups'],
  looksUp: ['network:private-endpoints', 'cognitiveservices:accounts', 'machinelearning:workspaces', 'search:services'],
  run(ctx) {
    const calling = callingZones(ctx.policy);
    const { nsgOf, endpoints, endpointSubnets } = endpointSetup(ctx.inventory);
    const out: AzureCheckResult[] = [];
    for (const s of [...ctx.own.subnets].sort((a, b) => (azureIdKey(a.id) < azureIdKey(b.id) ? -1 : 1))) {
      const zone = ctx.zones.subnet(s.id)?.zone;
      if (!zone || !calling.has(zone) || endpoints.length === 0 || endpointSubnets.has(azureIdKey(s.id))) continue;
      const callerNsg = nsgOf(s);
      const blocked: string[] = [];
      // An NSG or subnet named but not in the snapshot, or an endpoint without a known address, is not judged open.
      const unknown: string[] = [];
      if (s.networkSecurityGroupId && !callerNsg)
        unknown.push(`its NSG ${s.networkSecurityGroupId.split('/').pop()} is not in the snapshot`);
      for (const { pe, ips, peSubnet, filtered, peNsg } of endpoints) {
        if (ips.length === 0) {
          unknown.push(`${pe.name}: cordon cannot tell its private address`);
          continue;
        }
        const dest = { cidrs: ips.map((ip) => `${ip}/32`) };
        const out443 =
          callerNsg &&
          nsgDecision(callerNsg, {
            direction: 'Outbound',
            protocol: 'Tcp',
            port: 443,
            source: { cidrs: s.addressPrefixes },
            destination: dest,
          });
        if (out443 && out443.access.toLowerCase() === 'deny')
          blocked.push(
            `${pe.name}: ${callerNsg.name} denies it outbound (rule ${out443.name}, priority ${out443.priority})`,
          );
        if (pe.subnetId && !peSubnet) unknown.push(`${pe.name}: its subnet is not in the snapshot`);
        else if (peSubnet?.networkSecurityGroupId && filtered && !peNsg)
          unknown.push(`${pe.name}: NSG ${peSubnet.networkSecurityGroupId.split('/').pop()} is not in the snapshot`);
        const in443 =
          peNsg &&
          nsgDecision(peNsg, {
            direction: 'Inbound',
            protocol: 'Tcp',
            port: 443,
            source: { cidrs: s.addressPrefixes },
            destination: dest,
          });
        if (in443 && in443.access.toLowerCase() === 'deny')
          blocked.push(`${pe.name}: ${peNsg.name} denies it inbound (rule ${in443.name}, priority ${in443.priority})`);
      }
      out.push({
        status: blocked.length ? 'fail' : unknown.length ? 'not-assessed' : 'pass',
        resource: { id: s.id, type: 'Microsoft.Network/virtualNetworks/subnets' },
        location: s.location,
        origin: s.origin,
        message: blocked.length
          ? `subnet ${s.name} (${zone}) cannot open HTTPS to AI private endpoints: ${blocked.join('; ')}`
          : unknown.length
            ? `subnet ${s.name} (${zone}): HTTPS to the AI private endpoints cannot be judged: ${unknown.join('; ')}`
            : `subnet ${s.name} (${zone}) can open HTTPS to the AI private endpoints (${endpoints.length})`,
      });
    }
    return out;
  },
});
