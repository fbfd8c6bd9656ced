import { azureIdKey } from '../../inventory/azure.js';
import { endpointAddresses, endpointTargets, recordsTo, resolveZoneFrom, zonesNamed } from './dns-support.js';
import { aiTargets, callerVnets, endpointsTo, networkOwner, targetResource } from './support.js';
import { defineAzureCheck, type AzureCheckResult } from './types.js';

/** VNets a finding's evidence lists (with the totals); its message names the first few. */
const MAX_LISTED = 100;
const IN_MESSAGE = 5;
const some = (items: readonly string[]) =>
  items.length <= IN_MESSAGE
    ? items.join('; ')
    : `${items.slice(0, IN_MESSAGE).join('; ')}; and ${items.length - IN_MESSAGE} more VNets`;

export default defineAzureCheck({
  id: 'azure-private-dns-zone-not-linked',
  title: "Callers' VNet resolves an AI service to its public address (privatelink zone not linked)",
  severity: 'high',
  service: 'network',
  resourceType: 'Microsoft.CognitiveServices/accounts',
  rationale:
    'A privatelink zone answers only for the VNets it is linked to. Seed 001: "Private DNS not linked to peered VNets — spoke VNets resolve public IP". cordon follows resolution from every VNet that hosts callers of the service (a subnet in a zone the policy allows to reach external_ai on 443), across subscriptions and peerings: a link of the zone holding the endpoint\'s record, custom DNS servers that are inbound endpoints of a DNS private resolver in a linked VNet, or a forwarding rule to such an endpoint count as private. Custom DNS servers or forwarding targets cordon cannot follow make the check not assessed, never a pass.',
  remediation: {
    text: 'Link the privatelink zone to every VNet that hosts callers, or point those VNets at a DNS private resolver whose VNet is linked.',
    snippet: {
      language: 'bicep',
      code: "resource link 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {\n  parent: openaiZone\n  name: 'link-spoke'\n  location: 'global'\n  properties: { virtualNetwork: { id: spokeVnet.id }, registrationEnabled: false }\n}",
    },
  },
  references: [
    'https://learn.microsoft.com/azure/private-link/private-endpoint-dns-integration',
    'https://learn.microsoft.com/azure/dns/private-dns-virtual-network-links',
    'https://learn.microsoft.com/azure/dns/dns-private-resolver-overview',
  ],
  seeds: [
    '001: Private DNS not linked to peered VNets — spoke VNets resolve public IP',
    '000: Azure Private DNS zone and VNet links',
  ],
  requires: ['cognitiveservices:accounts', 'machinelearning:workspaces', 'search:services'],
  looksUp: [
    'network:private-endpoints',
    'network:private-dns-zones',
    'network:private-dns-zone-links',
    'network:private-dns-a-records',
    'network:virtual-networks',
    'network:dns-resolvers',
    'network:dns-forwarding-rules',
    'network:dns-forwarding-ruleset-links',
  ],
  run(ctx) {
    const callers = callerVnets(ctx);
    // How a VNet resolves a privatelink zone is the same for every account whose record the same zones hold: asked
    // once per VNet, zone name and zones. (Keyed by the name alone, an account whose record sits in another zone of
    // that name — a team's own, linked nowhere — took the answer of the first account asked.) By zones, then by
    // VNet object: every calling VNet of an organisation is asked for every account, and a key built per pair was
    // most of the check's time.
    const resolved = new Map<string, Map<object, ReturnType<typeof resolveZoneFrom>>>();
    const resolverFor = (zoneName: string, zones: Parameters<typeof resolveZoneFrom>[2]) => {
      const k = `${zoneName}|${zones.map((z) => azureIdKey(z.id)).join(' ')}`;
      let byVnet = resolved.get(k);
      if (!byVnet) resolved.set(k, (byVnet = new Map<object, ReturnType<typeof resolveZoneFrom>>()));
      const domain = zoneName.replace(/^privatelink\./, '');
      return (vnet: (typeof callers)[number]['vnet']) => {
        let r = byVnet.get(vnet);
        if (!r) byVnet.set(vnet, (r = resolveZoneFrom(ctx.inventory, vnet, zones, domain)));
        return r;
      };
    };
    return aiTargets(ctx.own).flatMap((t): AzureCheckResult[] => {
      const pes = endpointsTo(ctx.inventory, t.resource).filter((p) => p.approved);
      if (pes.length === 0) return []; // reported by azure-ai-private-endpoint-missing
      const base = { resource: targetResource(t), location: t.resource.location, origin: t.resource.origin };
      if (callers.length === 0)
        return [
          {
            ...base,
            status: 'not-assessed',
            message: `${t.label}: no VNet hosts a subnet of a calling zone, so there is no caller to resolve from (check the zone selectors)`,
          },
        ];
      // The zones that must resolve: the required ones, narrowed to zones holding the endpoint's record when any does.
      // Per zone name, the zones holding a record of any of the account's endpoints (a caller answered by either
      // reaches the account privately), else every zone of the name. (The last endpoint's alone once decided: a
      // caller answered with another endpoint's record failed.)
      const holdingByName = new Map<string, Set<ReturnType<typeof zonesNamed>[number]>>();
      const unmapped: string[] = [];
      // A hub-based project is served by its hub's endpoints, whose connections name the hub.
      const served = azureIdKey(networkOwner(ctx.inventory, t.resource).id);
      for (const { endpoint } of pes) {
        const ips = endpointAddresses(ctx.inventory, endpoint);
        for (const target of endpointTargets(ctx.inventory, endpoint))
          if (azureIdKey(target.targetId) === served) {
            if (!target.expected) unmapped.push(`${endpoint.name} (sub-resource ${target.groupId || '(none)'})`);
            for (const zoneName of target.expected?.required ?? []) {
              const holding = holdingByName.get(zoneName) ?? holdingByName.set(zoneName, new Set()).get(zoneName)!;
              for (const z of zonesNamed(ctx.inventory, zoneName))
                if (recordsTo(ctx.inventory, z, ips, endpoint).length > 0) holding.add(z);
            }
          }
      }
      const needed = new Map(
        [...holdingByName].map(([zoneName, holding]) => {
          const all = zonesNamed(ctx.inventory, zoneName);
          // In inventory order, as the zones of the name are listed.
          return [zoneName, holding.size ? all.filter((z) => holding.has(z)) : all] as const;
        }),
      );
      // No zone to follow means nothing was checked: not a pass.
      if (needed.size === 0)
        return [
          {
            ...base,
            status: 'not-assessed',
            message: `${t.label}: cordon knows no private DNS zone for ${unmapped.join(', ') || 'its endpoints'}`,
          },
        ];
      const publicly: string[] = [];
      const unknown: string[] = [];
      const privately: string[] = [];
      const resolvers = [...needed]
        .sort()
        .map(([zoneName, zones]) => [zoneName, resolverFor(zoneName, zones)] as const);
      for (const { vnet } of callers)
        for (const [zoneName, resolve] of resolvers) {
          const r = resolve(vnet);
          if (r.kind === 'public') publicly.push(`${vnet.name}: ${zoneName} — ${r.why}`);
          else if (r.kind === 'unknown') unknown.push(`${vnet.name}: ${zoneName} — ${r.why}`);
          else privately.push(`${vnet.name}: ${zoneName} — ${r.via}`);
        }
      // Bounded: an account of an organisation is called from every calling VNet of it (thousands of landing zones).
      const evidence = {
        callerVnets: callers.slice(0, MAX_LISTED).map((c) => c.vnet.id),
        callerVnetsTotal: callers.length,
        publicly: publicly.slice(0, MAX_LISTED),
        unknown: unknown.slice(0, MAX_LISTED),
        privately: privately.slice(0, MAX_LISTED),
        ...(Math.max(publicly.length, unknown.length, privately.length) > MAX_LISTED
          ? { totals: { publicly: publicly.length, unknown: unknown.length, privately: privately.length } }
          : {}),
      };
      if (publicly.length > 0)
        return [
          {
            ...base,
            status: 'fail',
            message: `${t.label} resolves to its public address from ${some(publicly)}`,
            evidence,
          },
        ];
      if (unknown.length > 0)
        return [{ ...base, status: 'not-assessed', message: `${t.label}: resolution from ${some(unknown)}`, evidence }];
      return [
        {
          ...base,
          status: 'pass',
          message: `${t.label} resolves privately from every caller VNet (${callers.length})`,
          evidence,
        },
      ];
    });
  },
});
