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
/** Names a finding about several of them lists in its message (all are in its evidence). */
const MAX_NAMES_LISTED = 5;
/** Names its evidence lists (with their total). */
const MAX_NAMES_IN_EVIDENCE = 100;

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
  const byKey = new Map(inv.virtualNetworks.map((x) => [azureIdKey(x.id), x]));
  const vnetOf = new Map<string, AzureVirtualNetwork>();
  for (const n of model.networks.values()) {
    const v = byKey.get(azureIdKey(n.ref.resourceId));
    if (v) vnetOf.set(n.id, v);
  }
  const vnets = [...vnetOf].sort(([a], [b]) => a.localeCompare(b));
  // Resolution depends on the VNet and the privatelink zone, not on the account: asked once per pair (every VNet of
  // an organisation times every account asked it again, which grew with their product).
  const zonesMemo = new Map<string, ReturnType<typeof zonesNamed>>();
  const resolved = new Map<string, ReturnType<typeof resolveZoneFrom>>();
  const resolve = (v: AzureVirtualNetwork, zoneName: string, publicDomain: string) => {
    const k = `${azureIdKey(v.id)}|${zoneName}`;
    let r = resolved.get(k);
    if (!r) {
      let zones = zonesMemo.get(zoneName);
      if (!zones) zonesMemo.set(zoneName, (zones = zonesNamed(inv, zoneName)));
      resolved.set(k, (r = resolveZoneFrom(inv, v, zones, publicDomain)));
    }
    return { res: r, zones: zonesMemo.get(zoneName)! };
  };
  const recordsByName = new Map<string, typeof inv.privateDnsARecords>();
  for (const r of inv.privateDnsARecords) {
    const k = `${azureIdKey(r.zoneId)}|${r.recordName.toLowerCase()}`;
    (recordsByName.get(k) ?? recordsByName.set(k, []).get(k)!).push(r);
  }
  /**
   * Findings by VNet: a reason that holds for the privatelink zone from the VNet (not linked, not read, named outside
   * the inventory) is one finding listing the names it affects; a record of one account, one finding per name.
   */
  const out = new Map<
    string,
    Omit<Finding, 'message' | 'evidence'> & { names: NameRef[]; seen: Set<string>; head: Entry }
  >();
  /** A name a finding covers, with its endpoint. */
  interface NameRef {
    name: string;
    endpoint: string;
    endpointAddresses: string[];
    /** Zones the endpoint's DNS zone group names that the inventory does not hold. */
    outsideZones: string[];
  }
  /** The first name of a finding, with how it resolves from the VNet (the same for every name it covers). */
  interface Entry extends NameRef {
    net: string;
    calling: string[];
    failed: string[];
    chain: ResolutionStep[];
  }
  const emit = (
    key: string,
    status: 'fail' | 'not-assessed',
    v: AzureVirtualNetwork,
    zoneName: string,
    host: string,
    e: Entry,
    refs: readonly NameRef[] = [e],
  ) => {
    let hit = out.get(key);
    if (!hit) {
      const resource = {
        provider: 'azure' as const,
        account: v.subscription,
        region: v.location,
        type: 'Microsoft.Network/virtualNetworks',
        id: v.id,
      };
      out.set(
        key,
        (hit = {
          checkId: DNS_CHECK.id,
          title: DNS_CHECK.title,
          severity: DNS_CHECK.severity,
          status,
          resource,
          origin: v.origin,
          remediation: {
            text: `Link ${zoneName} to ${e.net} (or point its DNS at a resolver in a linked VNet) and keep the A record for ${host} at the endpoint's address.`,
          },
          references: ['https://learn.microsoft.com/azure/private-link/private-endpoint-dns'],
          fingerprint: fingerprintOf(DNS_CHECK.id, { ...resource, id: key }),
          names: [],
          seen: new Set(),
          head: e,
        }),
      );
    }
    for (const r of refs)
      if (!hit.seen.has(r.name)) {
        hit.seen.add(r.name);
        hit.names.push(r);
      }
  };
  // The approved names per privatelink zone (endpoints by id): how a VNet resolves a zone is asked once per VNet and
  // zone, and a reason the zone has from the VNet covers all of its names at once — only an account's own record is
  // looked at per name.
  interface Named {
    pe: (typeof inv.privateEndpoints)[number];
    host: string;
    name: string;
    ips: Set<string>;
    /** Zones this endpoint's DNS zone group names for the zone that the inventory does not hold (made when asked). */
    outside?: string[];
  }
  const byZone = new Map<string, Named[]>();
  for (const pe of [...inv.privateEndpoints].sort((a, b) => (azureIdKey(a.id) < azureIdKey(b.id) ? -1 : 1))) {
    if (!pe.connections.some((c) => APPROVED(c.status))) continue;
    const ips = endpointAddresses(inv, pe);
    for (const t of endpointTargets(inv, pe)) {
      const host = privateLinkHost(inv, t.targetId);
      for (const zoneName of t.expected?.required ?? []) {
        if (!approved.has(zoneName)) continue;
        const name = `${host}.${zoneName.replace(/^privatelink\./, '')}`;
        (byZone.get(zoneName) ?? byZone.set(zoneName, []).get(zoneName)!).push({ pe, host, name, ips });
      }
    }
  }
  const outsideOf = (n: Named, zoneName: string) => (n.outside ??= groupZonesOutside(inv, n.pe, zoneName));
  const ref = (n: Named, outsideZones: string[] = []) => ({
    name: n.name,
    endpoint: n.pe.name,
    endpointAddresses: [...n.ips].sort(),
    outsideZones,
  });
  for (const [net, v] of vnets) {
    for (const [zoneName, list] of byZone) {
      const serviceZone = approved.get(zoneName)!;
      const calling = [...(zonesOf.get(net) ?? [])].filter((z) => callers.has(`${z}>${serviceZone}`)).sort();
      if (calling.length === 0) continue;
      asked?.add(azureScopeKey(v));
      const publicDomain = zoneName.replace(/^privatelink\./, '');
      const { res, zones } = resolve(v, zoneName, publicDomain);
      const cname = (n: Named): ResolutionStep => ({ what: `${n.name} is a CNAME to ${n.host}.${zoneName}`, ok: true });
      /** One finding for the names a reason the zone has from this VNet covers. */
      const group = (status: 'fail' | 'not-assessed', names: Named[], steps: ResolutionStep[], outside = false) => {
        if (names.length === 0) return;
        const head = names[0]!;
        const chain = [cname(head), ...steps];
        const failed = steps.filter((c) => c.ok !== true).map((c) => c.what);
        const refs = names.map((n) => ref(n, outside ? outsideOf(n, zoneName) : []));
        const key = `${azureIdKey(v.id)}|${zoneName}|${status}|${failed.join('|')}`;
        emit(key, status, v, zoneName, head.host, { ...refs[0]!, net, calling, failed, chain }, refs);
      };
      if (res.kind === 'public') {
        // Zones or links not read prove no fall-through to public DNS.
        const zonesUnread =
          missingReason(inv, v.subscription, 'network:private-dns-zones', true) ??
          missingReason(inv, v.subscription, 'network:private-dns-zone-links', true);
        if (zonesUnread) {
          group('not-assessed', list, [
            { what: `the private DNS zones or their links are not known: ${zonesUnread}`, ok: 'unknown' },
          ]);
          continue;
        }
        // The zones' ids go to the evidence: hub zones differ per landing zone, and the reason is the same.
        group(
          'not-assessed',
          list.filter((n) => outsideOf(n, zoneName).length > 0),
          [
            {
              what: `the endpoints' DNS zone groups name ${zoneName} in a zone that is not in the inventory (another subscription, or not declared by the code): its links and records are not known`,
              ok: 'unknown',
            },
          ],
          true,
        );
        group(
          'fail',
          list.filter((n) => outsideOf(n, zoneName).length === 0),
          [
            { what: res.why, ok: false },
            { what: 'Azure DNS answers with the public address', ok: false },
          ],
        );
        continue;
      }
      if (res.kind === 'unknown') {
        group('not-assessed', list, [{ what: res.why, ok: 'unknown' }]);
        continue;
      }
      for (const n of list) {
        const { pe, host, name, ips } = n;
        const chain: ResolutionStep[] = [cname(n), { what: `resolved privately: ${res.via}`, ok: true }];
        let status: 'fail' | 'not-assessed' | undefined;
        // Only the zone that answers from this VNet counts: a record (a DNS zone group's) in another zone of the same
        // name, not linked here, is never read, and the linked zone answers NXDOMAIN.
        const records = res.zones.flatMap((z) => recordsByName.get(`${azureIdKey(z.id)}|${host}`) ?? []);
        const good = records.filter((r) => r.ipv4Addresses.some((ip) => ips.has(ip)) || writtenBy(r, pe));
        // Infrastructure as code before deploy: the record the endpoint's DNS zone group writes when Azure creates the
        // endpoint (src/sources/iac/azure-interfaces.ts zoneGroupRecords), at whatever address Azure gives it.
        const written = good.length > 0 && good.every((r) => writtenBy(r, pe));
        // Records not read (not collected, or not declared by infrastructure as code) prove nothing missing.
        const unread =
          good.length === 0 ? missingReason(inv, v.subscription, 'network:private-dns-a-records', true) : undefined;
        if (written)
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
        if (!status) continue;
        const failed = chain.filter((c) => c.ok !== true).map((c) => c.what);
        emit(`${azureIdKey(v.id)}|${name}`, status, v, zoneName, host, { ...ref(n), net, calling, failed, chain });
      }
    }
  }
  return [...out.values()].map(({ names, seen: _seen, head, ...f }) => {
    const one = names.length === 1;
    const listed = names.slice(0, MAX_NAMES_LISTED).map((e) => e.name);
    const what = one
      ? names[0]!.name
      : `${names.length} names (${listed.join(', ')}${names.length > listed.length ? `, and ${names.length - listed.length} more` : ''})`;
    const message =
      f.status === 'fail'
        ? one
          ? `${what} from ${head.net} (zones ${head.calling.join(', ')}) does not resolve to private endpoint ${head.endpoint}: ${head.failed.join('; ')}`
          : `${what} from ${head.net} (zones ${head.calling.join(', ')}) do not resolve to their private endpoints: ${head.failed.join('; ')}`
        : `cannot tell how ${what} resolve${one ? 's' : ''} from ${head.net} (zones ${head.calling.join(', ')}): ${head.failed.join('; ')}`;
    // One name keeps its own fingerprint (vnet|name), as before names were grouped.
    const fingerprint = one
      ? fingerprintOf(DNS_CHECK.id, { ...f.resource, id: `${azureIdKey(f.resource.id)}|${names[0]!.name}` })
      : f.fingerprint;
    return {
      ...f,
      fingerprint,
      message,
      evidence: {
        name: names[0]!.name,
        // Every name up to a bound, and how many there are: an organisation's landing zones may give thousands.
        ...(one ? {} : { names: names.slice(0, MAX_NAMES_IN_EVIDENCE).map((e) => e.name), namesTotal: names.length }),
        vnet: head.net,
        endpoint: head.endpoint,
        ...(one ? {} : { endpoints: [...new Set(names.slice(0, MAX_NAMES_IN_EVIDENCE).map((e) => e.endpoint))] }),
        endpointAddresses: head.endpointAddresses,
        ...(names.some((e) => e.outsideZones.length > 0)
          ? { zonesNotInInventory: [...new Set(names.flatMap((e) => e.outsideZones))].sort() }
          : {}),
        callingZones: head.calling,
        chain: head.chain.map((c) => ({ step: c.what, ok: c.ok })),
      },
    };
  });
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
