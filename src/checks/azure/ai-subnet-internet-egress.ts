import { azureIdKey, findById, type AzureSubnet } from '../../inventory/azure.js';
import { callingZones } from '../../policy/calling-zones.js';
import { cidrContains, tryParseCidr } from '../../util/cidr.js';
import { nsgDecision } from './nsg-support.js';
import { defineAzureCheck, type AzureCheckContext, type AzureCheckResult } from './types.js';

export default defineAzureCheck({
  id: 'azure-ai-subnet-internet-egress',
  title: 'Subnet of an AI zone can reach the internet directly',
  severity: 'high',
  service: 'network',
  resourceType: 'Microsoft.Network/virtualNetworks/subnets',
  rationale:
    'Seed 002: "Restrict outbound traffic to approved destinations" with Azure Firewall. A subnet whose hosts call AI services (a zone the policy allows to reach external_ai) must send internet-bound traffic to a firewall or NVA (a 0.0.0.0/0 user-defined route with next hop VirtualAppliance) or drop it (next hop None). Otherwise the system route sends it straight out through default outbound access, a NAT gateway or a public IP — unless the NSG denies it. cordon evaluates the subnet\'s NSG as Azure does (priority order, default rules, the Internet service tag) for TCP 443 to an internet address: default rules allow it (AllowInternetOutBound).',
  remediation: {
    text: "Route 0.0.0.0/0 from the subnet to Azure Firewall (next hop VirtualAppliance, the firewall's private IP) and allow only approved FQDNs there; or deny outbound Internet in the subnet NSG.",
    snippet: {
      language: 'bicep',
      code: "resource rt 'Microsoft.Network/routeTables@2024-05-01' = {\n  name: 'rt-ai-egress'\n  location: location\n  properties: {\n    disableBgpRoutePropagation: true\n    routes: [ { name: 'default-to-firewall', properties: { addressPrefix: '0.0.0.0/0', nextHopType: 'VirtualAppliance', nextHopIpAddress: firewallPrivateIp } } ]\n  }\n}",
    },
  },
  references: [
    'https://learn.microsoft.com/azure/virtual-network/virtual-networks-udr-overview',
    'https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview#default-security-rules',
    'https://learn.microsoft.com/azure/virtual-network/ip-services/default-outbound-access',
  ],
  seeds: ['002: Restrict outbound traffic to approved destinations', '002: Deploy Azure Firewall'],
  requires: ['network:virtual-networks', 'network:network-security-groups', 'network:route-tables'],
  run(ctx) {
    const calling = callingZones(ctx.policy);
    const out: AzureCheckResult[] = [];
    const subnets = [...ctx.own.subnets].sort((a, b) => (azureIdKey(a.id) < azureIdKey(b.id) ? -1 : 1));
    for (const s of subnets) {
      const zone = ctx.zones.subnet(s.id)?.zone;
      if (!zone || !calling.has(zone)) continue;
      out.push(judge(ctx, s, zone));
    }
    return out;
  },
});

function judge(ctx: AzureCheckContext, s: AzureSubnet, zone: string): AzureCheckResult {
  const base = {
    resource: { id: s.id, type: 'Microsoft.Network/virtualNetworks/subnets' },
    location: s.location,
    origin: s.origin,
  };
  const rt = s.routeTableId ? findById(ctx.inventory.routeTables, s.routeTableId) : undefined;
  const def = rt?.routes.find((r) => r.addressPrefix === '0.0.0.0/0' || r.addressPrefix.toLowerCase() === 'internet');
  const hop = def?.nextHopType.toLowerCase();
  if (s.routeTableId && !rt)
    return {
      ...base,
      status: 'not-assessed',
      message: `subnet ${s.name} (${zone}) uses route table ${s.routeTableId.split('/').pop()}, which is not in the snapshot`,
    };
  const nsg = s.networkSecurityGroupId
    ? findById(ctx.inventory.networkSecurityGroups, s.networkSecurityGroupId)
    : undefined;
  if (s.networkSecurityGroupId && !nsg)
    return {
      ...base,
      status: 'not-assessed',
      message: `subnet ${s.name} (${zone}) uses NSG ${s.networkSecurityGroupId.split('/').pop()}, which is not in the snapshot`,
    };
  // More specific routes straight to the Internet win over a 0.0.0.0/0 to the firewall (longest prefix match): a
  // service tag such as AzureCloud reaches every tenant's public endpoints, other tenants' AI accounts included.
  const leaks = (rt?.routes ?? []).filter(
    (r) => r !== def && r.nextHopType.toLowerCase() === 'internet' && !isPrivatePrefix(r.addressPrefix),
  );
  // A 0.0.0.0/0 to the virtual network gateway is forced tunnelling: egress is decided on-premises, not here.
  const controlled = hop === 'virtualappliance' || hop === 'none' || hop === 'virtualnetworkgateway';
  const where =
    hop === 'none'
      ? 'nowhere (next hop None)'
      : hop === 'virtualnetworkgateway'
        ? 'the virtual network gateway (forced tunnelling: egress is decided on-premises)'
        : `a firewall/NVA at ${def?.nextHopIpAddress ?? '?'}`;
  if (controlled && leaks.length === 0)
    return {
      ...base,
      status: 'pass',
      message: `subnet ${s.name} (${zone}) sends internet-bound traffic to ${where} (route ${def!.name} in ${rt!.name})`,
      origin: def!.origin ?? (rt!.origin.kind === 'file' ? { ...rt!.origin, pointer: def!.pointer } : rt!.origin),
    };
  // Egress is more than HTTPS: web, QUIC and DNS to the internet are exfiltration paths too.
  const classes = [
    { protocol: 'Tcp' as const, port: 443 },
    { protocol: 'Tcp' as const, port: 80 },
    { protocol: 'Udp' as const, port: 443 },
    { protocol: 'Udp' as const, port: 53 },
  ];
  const decisions = classes.map((c) => ({
    c,
    rule: nsg
      ? nsgDecision(nsg, { direction: 'Outbound', ...c, source: { cidrs: s.addressPrefixes }, destination: 'internet' })
      : undefined,
  }));
  const open = decisions.filter((d) => !nsg || !d.rule || d.rule.access.toLowerCase() !== 'deny');
  if (nsg && open.length === 0)
    return {
      ...base,
      status: 'pass',
      message: `subnet ${s.name} (${zone}) has ${leaks.length ? `routes straight to the Internet (${leaks.map((r) => `${r.name} ${r.addressPrefix}`).join(', ')})` : 'no firewall route'}, but NSG ${nsg.name} denies outbound internet (${[...new Set(decisions.map((d) => `${d.rule!.name} (${d.rule!.priority})`))].join(', ')})`,
    };
  const path = leaks.length
    ? `route(s) ${leaks.map((r) => `${r.name} (${r.addressPrefix})`).join(', ')} send traffic straight to the Internet, ahead of the firewall route by longest prefix`
    : hop === 'internet'
      ? `route ${def!.name} sends 0.0.0.0/0 to the Internet`
      : s.natGatewayId
        ? 'the system route sends 0.0.0.0/0 out through its NAT gateway'
        : s.defaultOutboundAccess === false
          ? undefined
          : 'the system route sends 0.0.0.0/0 out through default outbound access';
  if (!path)
    return {
      ...base,
      status: 'pass',
      message: `subnet ${s.name} (${zone}) is a private subnet (default outbound access off, no NAT gateway, no internet route)`,
    };
  const rule = open[0]?.rule;
  const allowedBy = nsg
    ? `NSG ${nsg.name} allows ${open.map((d) => `${d.c.protocol.toUpperCase()} ${d.c.port}`).join(', ')} (rule ${rule?.name ?? '?'}, priority ${rule?.priority ?? '?'})`
    : 'no NSG filters it';
  return {
    ...base,
    status: 'fail',
    message: `subnet ${s.name} (${zone}) can reach the internet directly: ${path}, and ${allowedBy}`,
    evidence: {
      routeTable: rt?.id ?? null,
      nsg: nsg?.id ?? null,
      decidingRule: rule ? `${rule.name} (${rule.priority})` : null,
    },
  };
}

const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10'].map((c) => tryParseCidr(c)!);

/** A route prefix inside private address space (a service tag or public prefix is not). */
function isPrivatePrefix(prefix: string): boolean {
  const c = tryParseCidr(prefix);
  return c !== undefined && PRIVATE.some((p) => cidrContains(p, c));
}
