/**
 * Name resolution as part of the path (Azure): from a VNet with callers of an approved AI service, the service's
 * name (<account>.openai.azure.com) CNAMEs into its privatelink zone, and resolves to the private endpoint only when
 * that zone is linked to the VNet (or reached through a DNS private resolver / forwarding rule the snapshot shows;
 * dns-support.ts follows the chain) and holds an A record for the account at the endpoint's address. Otherwise Azure
 * DNS answers with the public address and calls leave by the internet path (or fail). Reported with the chain.
 */
import { fingerprintOf, type Finding } from '../findings/types.js';
import {
  azureIdKey,
  azureInventoryScopes,
  azureScopeKey,
  privateLinkHost,
  AZURE_DATASETS,
  type AzureInventory,
  type AzureVirtualNetwork,
} from '../inventory/azure.js';
import type { ZonePolicy } from '../policy/load.js';
import { APPROVED } from '../checks/azure/support.js';
import {
  endpointAddresses,
  endpointTargets,
  groupZonesOutside,
  resolveZoneFrom,
  writtenBy,
  zonesNamed,
} from '../checks/azure/dns-support.js';
import { AZURE_VERIFY_DATASETS } from './azure.js';
import { DNS_CHECK, type ResolutionStep } from './dns-aws.js';
import type { NetworkModel } from './model.js';
import { partialModelData } from './partial.js';
import { notVerified } from './questions.js';
import { missingReason } from '../checks/azure/engine.js';

/**
 * `asked` collects the scopes (subscription/location) of the VNets whose resolution of an approved name was looked
 * at: only approved private endpoints name the services to look up, so a calling VNet elsewhere is not proven.
 */
export function azureDnsFindings(
  inv: AzureInventory,
  policy: ZonePolicy,
  model: NetworkModel,
  asked?: Set<string>,
): Finding[] {
  const approved = new Map<string, string>();
  for (const z of policy.zones.values())
    if (z.kind === 'service') for (const s of z.services?.azure ?? []) approved.set(s.toLowerCase(), z.name);
  const callers = new Set(
    policy.rules
      .filter((r) => r.action === 'allow' && policy.zones.get(r.to)?.kind === 'service')
      .map((r) => `${r.from}>${r.to}`),
  );
  // Zones per VNet, by the model's network ids (VNet display names) mapped back to the VNets.
  const zonesOf = new Map<string, Set<string>>();
  for (const s of model.subnets.values())
    if (s.zone) zonesOf.set(s.network, (zonesOf.get(s.network) ?? new Set()).add(s.zone));
  const vnetOf = new Map<string, AzureVirtualNetwork>();
  for (const n of model.networks.values()) {
    const v = inv.virtualNetworks.find((x) => azureIdKey(x.id) === azureIdKey(n.ref.resourceId));
    if (v) vnetOf.set(n.id, v);
  }
  const out = new Map<string, Finding>();
  for (const pe of [...inv.privateEndpoints].sort((a, b) => (azureIdKey(a.id) < azureIdKey(b.id) ? -1 : 1))) {
    if (!pe.connections.some((c) => APPROVED(c.status))) continue;
    const ips = endpointAddresses(inv, pe);
    for (const t of endpointTargets(inv, pe)) {
      const host = privateLinkHost(inv, t.targetId);
      for (const zoneName of t.expected?.required ?? []) {
        const serviceZone = approved.get(zoneName);
        if (!serviceZone) continue;
        const publicDomain = zoneName.replace(/^privatelink\./, '');
        const name = `${host}.${publicDomain}`;
        for (const [net, v] of [...vnetOf].sort(([a], [b]) => a.localeCompare(b))) {
          const calling = [...(zonesOf.get(net) ?? [])].filter((z) => callers.has(`${z}>${serviceZone}`)).sort();
          if (calling.length === 0) continue;
          asked?.add(azureScopeKey(v));
          const zones = zonesNamed(inv, zoneName);
          const res = resolveZoneFrom(inv, v, zones, publicDomain);
          const chain: ResolutionStep[] = [{ what: `${name} is a CNAME to ${host}.${zoneName}`, ok: true }];
          let status: 'fail' | 'not-assessed' | undefined;
          // Zones or links not read prove no fall-through to public DNS.
          const zonesUnread =
            res.kind === 'public'
              ? (missingReason(inv, v.subscription, 'network:private-dns-zones', true) ??
                missingReason(inv, v.subscription, 'network:private-dns-zone-links', true))
              : undefined;
          const outside = res.kind === 'public' ? groupZonesOutside(inv, pe, zoneName) : [];
          if (zonesUnread) {
            chain.push({ what: `the private DNS zones or their links are not known: ${zonesUnread}`, ok: 'unknown' });
            status = 'not-assessed';
          } else if (outside.length > 0) {
            chain.push({
              what: `the DNS zone group of ${pe.name} names ${zoneName} at ${outside.join(', ')}, which is not in the inventory (another subscription, or not declared by the code): its links and records are not known`,
              ok: 'unknown',
            });
            status = 'not-assessed';
          } else if (res.kind === 'public') {
            chain.push({ what: res.why, ok: false }, { what: 'Azure DNS answers with the public address', ok: false });
            status = 'fail';
          } else if (res.kind === 'unknown') {
            chain.push({ what: res.why, ok: 'unknown' });
            status = 'not-assessed';
          } else {
            chain.push({ what: `resolved privately: ${res.via}`, ok: true });
            // Only the zone that answers from this VNet counts: a record (a DNS zone group's) in another zone of the
            // same name, not linked here, is never read, and the linked zone answers NXDOMAIN.
            const records = inv.privateDnsARecords.filter(
              (r) =>
                res.zones.some((z) => azureIdKey(z.id) === azureIdKey(r.zoneId)) && r.recordName.toLowerCase() === host,
            );
            const good = records.filter((r) => r.ipv4Addresses.some((ip) => ips.has(ip)) || writtenBy(r, pe));
            // Infrastructure as code before deploy: the record the endpoint's DNS zone group writes when Azure creates
            // the endpoint (src/sources/iac/azure-interfaces.ts zoneGroupRecords), at whatever address Azure gives it.
            const group = good.length > 0 && good.every((r) => writtenBy(r, pe));
            // Records not read (not collected, or not declared by infrastructure as code) prove nothing missing.
            const unread =
              good.length === 0 ? missingReason(inv, v.subscription, 'network:private-dns-a-records', true) : undefined;
            if (group)
              chain.push({
                what: `the DNS zone group of ${pe.name} writes the A record for ${host} into ${zoneName} at the address Azure gives the endpoint`,
                ok: true,
              });
            else if (unread) {
              status = 'not-assessed';
              chain.push({ what: `the A records of ${zoneName} are not known: ${unread}`, ok: 'unknown' });
            } else if (good.length === 0 && records.length > 0 && ips.size === 0) {
              // As the DNS check: an address assigned at deploy proves no record wrong.
              status = 'not-assessed';
              chain.push({
                what: `${zoneName} answers ${records.flatMap((r) => r.ipv4Addresses).join(', ')} for ${host}, and the address Azure gives ${pe.name} at deploy is not known`,
                ok: 'unknown',
              });
            } else if (good.length === 0) {
              status = 'fail';
              chain.push({
                what:
                  records.length > 0
                    ? `${zoneName} answers ${records.flatMap((r) => r.ipv4Addresses).join(', ')} for ${host}, not the endpoint's ${[...ips].join(', ') || '(no address)'}`
                    : `${zoneName}${zones.length > 1 ? ` (the one in ${res.zones.map((z) => z.resourceGroup).join(', ')}, linked here)` : ''} holds no A record for ${host}: the name does not resolve to the endpoint`,
                ok: false,
              });
            }
          }
          if (!status) continue;
          const resource = {
            provider: 'azure' as const,
            account: v.subscription,
            region: v.location,
            type: 'Microsoft.Network/virtualNetworks',
            id: v.id,
          };
          const key = `${azureIdKey(v.id)}|${name}`;
          if (out.has(key)) continue;
          const failed = chain.filter((c) => c.ok !== true).map((c) => c.what);
          out.set(key, {
            checkId: DNS_CHECK.id,
            title: DNS_CHECK.title,
            severity: DNS_CHECK.severity,
            status,
            resource,
            origin: v.origin,
            message:
              status === 'fail'
                ? `${name} from ${net} (zones ${calling.join(', ')}) does not resolve to private endpoint ${pe.name}: ${failed.join('; ')}`
                : `cannot tell how ${name} resolves from ${net} (zones ${calling.join(', ')}): ${failed.join('; ')}`,
            evidence: {
              name,
              vnet: net,
              endpoint: pe.name,
              endpointAddresses: [...ips].sort(),
              callingZones: calling,
              chain: chain.map((c) => ({ step: c.what, ok: c.ok })),
            },
            remediation: {
              text: `Link ${zoneName} to ${net} (or point its DNS at a resolver in a linked VNet) and keep the A record for ${host} at the endpoint's address.`,
            },
            references: ['https://learn.microsoft.com/azure/private-link/private-endpoint-dns'],
            fingerprint: fingerprintOf(DNS_CHECK.id, { ...resource, id: key }),
          });
        }
      }
    }
  }
  return [...out.values()];
}

/**
 * A subscription without a data set the model needs is not verified there, and says so (never a clean pass); one read
 * in part is named with its items and their file:line (partialModelData), as on AWS and Google Cloud.
 */
export function azureMissingData(inv: AzureInventory): Finding[] {
  const out: Finding[] = [];
  const scopes = azureInventoryScopes(inv).filter((sc) => sc.location !== 'global');
  for (const scope of scopes) {
    const missing = AZURE_VERIFY_DATASETS.filter((d) => !(inv.datasets.get(scope.subscription)?.has(d) ?? false));
    if (missing.length === 0) continue;
    const resource = {
      provider: 'azure' as const,
      account: scope.subscription,
      region: scope.location,
      type: 'Microsoft.Resources/subscriptions',
      id: azureScopeKey(scope),
    };
    const commands = missing.map((d) => AZURE_DATASETS[d].command);
    out.push(
      notVerified(resource, azureScopeKey(scope), missing, commands, inv.scopeOrigins.get(azureScopeKey(scope))),
    );
  }
  const keys = new Set(scopes.map(azureScopeKey));
  const inScopes = new Map([...inv.partial].filter(([key]) => keys.has(key)));
  out.push(...partialModelData('azure', inScopes, AZURE_VERIFY_DATASETS, 'Microsoft.Resources/subscriptions'));
  return out;
}
