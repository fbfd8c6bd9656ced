import { azureIdKey, privateLinkHost, filterById, type AzurePrivateDnsZone } from '../../inventory/azure.js';
import { endpointAddresses, endpointTargets, groupZonesOutside, recordsTo, zonesNamed } from './dns-support.js';
import { defineAzureCheck, type AzureCheckResult } from './types.js';

export default defineAzureCheck({
  id: 'azure-private-endpoint-dns-misconfigured',
  title: 'Private endpoint has no working private DNS record',
  severity: 'high',
  service: 'network',
  resourceType: 'Microsoft.Network/privateEndpoints',
  rationale:
    "A private endpoint only carries traffic when the service name resolves to its private address. Azure does that through a DNS zone group that writes the endpoint's A record into the privatelink zone Microsoft assigns to the service (privatelink.openai.azure.com for Azure OpenAI, privatelink.cognitiveservices.azure.com and privatelink.services.ai.azure.com for AI Services, privatelink.api.azureml.ms and privatelink.notebooks.azure.net for Foundry hubs, …). Without a zone group, with one pointing at a zone that does not fit the service, or with an A record missing or pointing elsewhere, clients resolve the public address (seeds 000, 001, 004).",
  remediation: {
    text: 'Add a DNS zone group to the endpoint that points at the privatelink zone(s) of its service, so Azure writes and maintains the A records.',
    snippet: {
      language: 'bicep',
      code: "resource zoneGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {\n  parent: pe\n  name: 'default'\n  properties: {\n    privateDnsZoneConfigs: [\n      { name: 'openai', properties: { privateDnsZoneId: openaiZone.id } }\n    ]\n  }\n}",
    },
  },
  references: [
    'https://learn.microsoft.com/azure/private-link/private-endpoint-dns',
    'https://learn.microsoft.com/azure/private-link/private-endpoint-dns-integration',
  ],
  seeds: ['001: Private DNS zone missing or wrong for the private endpoint', '000: Forgetting about DNS'],
  requires: ['network:private-endpoints', 'network:private-dns-zone-groups'],
  looksUp: ['network:private-dns-zones', 'network:private-dns-a-records', 'cognitiveservices:accounts'],
  run(ctx) {
    const out: AzureCheckResult[] = [];
    for (const pe of [...ctx.own.privateEndpoints].sort((a, b) => (azureIdKey(a.id) < azureIdKey(b.id) ? -1 : 1))) {
      const base = {
        resource: { id: pe.id, type: 'Microsoft.Network/privateEndpoints' },
        location: pe.location,
        origin: pe.origin,
      };
      const targets = endpointTargets(ctx.inventory, pe);
      const unknown = targets.filter((t) => !t.expected);
      if (targets.length === 0) continue; // no connection to judge
      if (unknown.length === targets.length) {
        out.push({
          ...base,
          status: 'not-assessed',
          message: `private endpoint ${pe.name}: cordon has no private DNS zone for ${unknown.map((t) => `${t.type} sub-resource ${t.groupId || '(none)'}`).join(', ')}`,
        });
        continue;
      }
      const ips = endpointAddresses(ctx.inventory, pe);
      const groups = filterById(ctx.inventory.privateDnsZoneGroups, 'privateEndpointId', pe.id);
      const groupZoneIds = new Set(groups.flatMap((g) => g.zoneConfigs.map((c) => azureIdKey(c.privateDnsZoneId))));
      const problems: string[] = [];
      const undecided: string[] = [];
      const fine: string[] = [];
      for (const t of targets) {
        if (!t.expected) continue;
        for (const zoneName of t.expected.required) {
          const zones = zonesNamed(ctx.inventory, zoneName);
          const inGroup = zones.filter((z) => groupZoneIds.has(azureIdKey(z.id)));
          const withRecord = (list: AzurePrivateDnsZone[]) =>
            list.filter((z) => recordsTo(ctx.inventory, z, ips, pe).length > 0);
          const outside = inGroup.length === 0 ? groupZonesOutside(ctx.inventory, pe, zoneName) : [];
          if (outside.length > 0) {
            undecided.push(
              `its DNS zone group names ${zoneName} at ${outside.join(', ')}, which is not in the inventory (another subscription, or not declared by the code), so its record cannot be verified`,
            );
          } else if (groups.length > 0 && inGroup.length === 0) {
            const pointed = groups.flatMap((g) =>
              g.zoneConfigs.map((c) => c.privateDnsZoneId.split('/').pop() ?? c.privateDnsZoneId),
            );
            problems.push(`its DNS zone group points at ${pointed.join(', ') || 'no zone'}, not ${zoneName}`);
          } else if (withRecord(inGroup.length ? inGroup : zones).length > 0) {
            fine.push(
              ips.size === 0
                ? `${zoneName} gets its A record from its DNS zone group at deploy`
                : `${zoneName} has an A record to ${[...ips].join(', ')}${groups.length === 0 ? ' (managed outside a zone group)' : ''}`,
            );
          } else if (zones.length === 0) {
            problems.push(
              `no private DNS zone ${zoneName} exists${groups.length === 0 ? ' and it has no DNS zone group' : ''}`,
            );
          } else if (ips.size === 0) {
            // An address cordon cannot tell (assigned at deploy) proves no record wrong, but no record for the name
            // at all is wrong whatever the address.
            const host = privateLinkHost(ctx.inventory, t.targetId);
            const named = zones.some((z) =>
              filterById(ctx.inventory.privateDnsARecords, 'zoneId', z.id).some(
                (r) => r.recordName.toLowerCase() === host,
              ),
            );
            if (named)
              undecided.push(`cordon cannot tell its private address, so the ${zoneName} record cannot be verified`);
            else
              problems.push(
                `${zoneName} holds no A record for ${host}${groups.length === 0 ? ' and it has no DNS zone group to write one' : ''}`,
              );
          } else {
            problems.push(
              `${zoneName} has no A record pointing at its address ${[...ips].join(', ')}${groups.length === 0 ? ' (and it has no DNS zone group)' : ''}`,
            );
          }
        }
      }
      out.push({
        ...base,
        status: problems.length > 0 ? 'fail' : undecided.length > 0 ? 'not-assessed' : 'pass',
        message:
          problems.length > 0
            ? `private endpoint ${pe.name} does not resolve privately: ${problems.join('; ')}`
            : undecided.length > 0
              ? `private endpoint ${pe.name}: ${undecided.join('; ')}`
              : `private endpoint ${pe.name} resolves privately: ${fine.join('; ')}`,
        evidence: { addresses: [...ips].sort(), zoneGroups: groups.map((g) => g.id) },
      });
    }
    return out;
  },
});
