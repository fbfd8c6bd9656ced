/**
 * Interfaces in no zone. A workload interface no zone selector places is never asked about, yet it may be reachable
 * from the internet or a zone and reach another zone: an unverified pivot. So either the policy says what such
 * interfaces may do — a rule naming the reserved zone `unzoned` (policy/any-zone.ts), which `cordon flows` already
 * reads as "private addresses no zone claims" — and they are verified as that zone like any other, or their scope is
 * not verified and the finding lists them by subnet with the placement that missed them. Service endpoints (which
 * only answer, so cannot pivot) in no zone block nothing; with a rule naming `unzoned` they are verified too. An
 * endpoint of a customer-provided service does pivot (PrivateLink, Private Link, PSC: it delivers to the provider's
 * load balancer backends); the compilers make it a load-balancer front end (aws-privatelink.ts, private-services.ts),
 * so its paths are asked about whatever its zone.
 */
import type { Finding } from '../findings/types.js';
import { fingerprintOf } from '../findings/types.js';
import { policyNamesUnzoned, UNZONED_ZONE } from '../policy/any-zone.js';
import type { ZonePolicy } from '../policy/load.js';
import type { Interface, NetworkModel } from './model.js';
import { notVerifiedBecause, VERIFY_CHECKS } from './questions.js';
import { scopeResource, verifiedScope } from './gaps.js';

const LISTED = 5;

/**
 * The policy the zone questions are asked with: with a rule naming `unzoned`, `unzoned` is a network zone (no
 * selector: the interfaces placeUnzoned puts there are its members), and the model's interfaces in no zone are put in
 * it (in place). Without such a rule, the policy and the model unchanged.
 */
export function withUnzonedZone(model: NetworkModel, policy: ZonePolicy): ZonePolicy {
  if (!policyNamesUnzoned(policy.rules)) return policy;
  for (const i of model.interfaces) if (i.zone === undefined) i.zone = UNZONED_ZONE;
  const zones = new Map(policy.zones);
  zones.set(UNZONED_ZONE, {
    name: UNZONED_ZONE,
    kind: 'network',
    cidrs: [],
    subnet_ids: [],
    network_ids: [],
    vpc_ids: [],
    tags: {},
    network_tags: [],
    service_accounts: [],
    parsedCidrs: [],
    position: policy.locate(['rules']),
  });
  return { ...policy, zones };
}

/** Where a zone selector could have placed an interface, in the provider's words. */
function selectors(provider: NetworkModel['provider'], tagKey: string): string {
  const common = `no zone's cidrs, subnet_ids or network_ids select them, and their ${provider === 'gcp' ? 'labels' : 'tags'} (${tagKey}=<zone>, or a zone's tags) name no zone`;
  return provider === 'gcp' ? `${common}, nor do a zone's network_tags or service_accounts match them` : common;
}

/**
 * Per scope with workload interfaces in no zone (and no rule naming `unzoned`): a not-assessed finding listing them
 * by subnet, with counts, and what would place them.
 */
export function unzonedFindings(model: NetworkModel, policy: ZonePolicy): Finding[] {
  if (policyNamesUnzoned(policy.rules)) return [];
  const byScope = new Map<string, Interface[]>();
  for (const i of model.interfaces) {
    if (i.zone !== undefined || i.role !== 'workload') continue;
    const k = verifiedScope(model.provider, i.scope);
    byScope.set(k, [...(byScope.get(k) ?? []), i]);
  }
  const out: Finding[] = [];
  for (const [sc, list] of [...byScope].sort(([a], [b]) => a.localeCompare(b))) {
    const { id, resource } = scopeResource(model.provider, sc);
    const bySubnet = new Map<string, string[]>();
    for (const i of list) bySubnet.set(i.subnet, [...(bySubnet.get(i.subnet) ?? []), i.id]);
    const groups = [...bySubnet]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([subnet, ids]) => {
        const names = [...ids].sort();
        const shown = names.slice(0, LISTED).join(', ') + (names.length > LISTED ? ', …' : '');
        return { subnet, count: names.length, text: `${subnet} (${names.length}: ${shown})`, interfaces: names };
      });
    const reason = `${list.length} workload interface(s) in no zone, not verified: ${groups.map((g) => g.text).join('; ')}; ${selectors(model.provider, policy.document.zone_tag_key)}. Place them in a zone, or add a rule naming "${UNZONED_ZONE}" to verify them as that zone`;
    const f = notVerifiedBecause(resource, id, reason, list[0]!.ref.origin, {
      unzoned: list.length,
      subnets: groups.map((g) => ({ subnet: g.subnet, interfaces: g.count, first: g.interfaces.slice(0, 20) })),
    });
    out.push({ ...f, fingerprint: fingerprintOf(VERIFY_CHECKS.unknown.id, { ...resource, id: `${id}|unzoned` }) });
  }
  return out;
}
