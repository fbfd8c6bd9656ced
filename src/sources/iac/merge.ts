/** Joining an IaC source's inventory with what the snapshot readers read from the same directory. */
import { SCOPED_LISTS, type AwsDataset, type AwsInventory, type SkippedItem } from '../../inventory/aws.js';

/** Appends `from` to `into`: resource lists, SCPs, and the per-scope maps (IaC scopes never collide with accounts). */
export function mergeAwsInventory(into: AwsInventory, from: AwsInventory): void {
  for (const list of SCOPED_LISTS) (into[list] as unknown[]).push(...(from[list] as unknown[]));
  into.serviceControlPolicies.push(...from.serviceControlPolicies);
  if (from.organization && !into.organization) into.organization = from.organization;
  for (const [key, sets] of from.datasets) {
    const mine = into.datasets.get(key);
    if (mine) for (const d of sets) mine.add(d);
    else into.datasets.set(key, new Set(sets));
  }
  for (const [key, m] of from.partial) {
    const mine: Map<AwsDataset, SkippedItem[]> = into.partial.get(key) ?? new Map<AwsDataset, SkippedItem[]>();
    for (const [d, items] of m) mine.set(d, [...(mine.get(d) ?? []), ...items]);
    into.partial.set(key, mine);
  }
  for (const [key, m] of from.unavailable)
    into.unavailable.set(key, new Map([...(into.unavailable.get(key) ?? []), ...m]));
  for (const [key, o] of from.scopeOrigins) if (!into.scopeOrigins.has(key)) into.scopeOrigins.set(key, o);
}
