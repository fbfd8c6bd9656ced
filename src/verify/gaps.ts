/**
 * What the model leaves out for whole scopes (NetworkModel.gaps, and interfaces left without an address) as
 * verify-not-assessed findings, one per scope naming every gap: such a scope is not verified, never verified without
 * what is missing (a pass there would be a guess).
 */
import { fingerprintOf, type Finding } from '../findings/types.js';
import type { ModelGap, NetworkModel } from './model.js';
import { notVerifiedBecause, VERIFY_CHECKS } from './questions.js';

/** The scope a verdict is given for: account/region, or a Google Cloud project whatever its region. */
export function verifiedScope(provider: NetworkModel['provider'], scope: string): string {
  return provider === 'gcp' ? `${scope.split('/')[0]}/global` : scope;
}

/** The finding resource (and its id) that stands for a verified scope. */
export function scopeResource(
  provider: NetworkModel['provider'],
  scope: string,
): { id: string; resource: Finding['resource'] } {
  const [account = '', region = ''] = scope.split('/');
  const gcp = provider === 'gcp';
  const id = gcp ? `projects/${account}` : `${account}/${region}`;
  return {
    id,
    resource: { provider, account, region, type: gcp ? 'cloudresourcemanager.googleapis.com/Project' : 'scope', id },
  };
}

/**
 * What the compiler left out of the model for whole scopes (model.gaps) and interfaces it had to leave out (an address
 * assigned at deploy in a subnet whose range is not known): each such scope is not verified rather than verified
 * without them, one finding per scope naming every gap.
 */
export function gapFindings(model: NetworkModel): Finding[] {
  const gaps: ModelGap[] = [...(model.gaps ?? [])];
  const unplaced = new Map<string, NonNullable<NetworkModel['unplaced']>>();
  for (const u of model.unplaced ?? []) {
    const k = `${u.account}/${u.region}`;
    unplaced.set(k, [...(unplaced.get(k) ?? []), u]);
  }
  for (const [k, list] of unplaced)
    gaps.push({
      scopes: [k],
      subjects: list.map((u) => u.id),
      reason: `instance(s) get their internal address at deploy in a subnetwork whose range is not known`,
      ...(list[0]!.origin ? { origin: list[0]!.origin } : {}),
    });
  // Per scope (a Google Cloud project, whatever the region), one gap per reason with the subjects of all of them.
  const byScope = new Map<string, Map<string, ModelGap>>();
  for (const g of gaps)
    for (const sc of new Set(g.scopes.map((x) => verifiedScope(model.provider, x)))) {
      const reasons = byScope.get(sc) ?? new Map<string, ModelGap>();
      const had = reasons.get(g.reason);
      reasons.set(g.reason, had ? { ...had, subjects: [...had.subjects, ...g.subjects] } : g);
      byScope.set(sc, reasons);
    }
  return [...byScope]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([sc, reasons]) => {
      const { id, resource } = scopeResource(model.provider, sc);
      const sorted = [...reasons.values()].sort((a, b) => a.reason.localeCompare(b.reason));
      const text = (g: ModelGap) => {
        const names = [...new Set(g.subjects)].sort();
        const shown = names.length > 5 ? [...names.slice(0, 5), `and ${names.length - 5} more`] : names;
        return names.length ? `${names.length} ${g.reason} (${shown.join(', ')})` : g.reason;
      };
      const evidence = {
        gaps: sorted.map((g) => ({ reason: g.reason, subjects: [...new Set(g.subjects)].sort().slice(0, 50) })),
      };
      const f = notVerifiedBecause(
        resource,
        id,
        sorted.map(text).join('; '),
        sorted.find((g) => g.origin)?.origin,
        evidence,
      );
      return { ...f, fingerprint: fingerprintOf(VERIFY_CHECKS.unknown.id, { ...resource, id: `${id}|model-gaps` }) };
    });
}
