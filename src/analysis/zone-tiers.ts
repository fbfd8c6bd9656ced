import type { ZonePolicy } from '../policy/load.js';

/**
 * Zone placement's one rule, shared by the providers: ask the tiers of evidence in order (an id, then tags, then a
 * CIDR, …); the first tier where any zone's selector matches decides, and the other zones that match at that same
 * tier are kept as `alsoClaimedBy` (a policy problem worth showing).
 */
export interface TierMembership<Via extends string> {
  zone: string;
  via: Via;
  /** The deciding fact: a resource id, a tag, an address range. */
  evidence: string;
  alsoClaimedBy: string[];
}

export function firstMatchingTier<S extends { zone: string }, Via extends string>(
  selectors: readonly S[],
  tiers: readonly (readonly [Via, (s: S) => string | undefined])[],
): TierMembership<Via> | undefined {
  for (const [via, test] of tiers) {
    const hits: { zone: string; evidence: string }[] = [];
    for (const s of selectors) {
      const evidence = test(s);
      if (evidence !== undefined && !hits.some((h) => h.zone === s.zone)) hits.push({ zone: s.zone, evidence });
    }
    if (hits.length > 0)
      return { zone: hits[0]!.zone, via, evidence: hits[0]!.evidence, alsoClaimedBy: hits.slice(1).map((h) => h.zone) };
  }
  return undefined;
}

/**
 * A tag or label value known only at deploy, as the IaC readers keep it: its expression in braces (`{var.zone}`).
 * A resource whose zone such a value decides is in no known zone: its data set is incomplete, never zone-less.
 */
const DEPLOY_TIME_VALUE = /^\{[\s\S]+\}$/;

/**
 * The tags zone placement reads (the policy's zone tag and the network zones' tag selectors) that a resource holds
 * with a value known only at deploy, written `tag K = {expr}`: empty when its zone is decided.
 */
export function deployTimeZoneTags(policy: ZonePolicy): (tags: Readonly<Record<string, string>>) => string[] {
  const zones = [...policy.zones.values()].filter((z) => z.kind === 'network');
  const keys = [...new Set([policy.document.zone_tag_key, ...zones.flatMap((z) => Object.keys(z.tags))])];
  return (tags) => keys.filter((k) => DEPLOY_TIME_VALUE.test(tags[k] ?? '')).map((k) => `tag ${k} = ${tags[k]!}`);
}
