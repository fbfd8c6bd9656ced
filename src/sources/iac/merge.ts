/** Joining an IaC source's inventory with what the snapshot readers read from the same directory. */
import type { AwsInventory } from '../../inventory/aws.js';
import type { AzureInventory } from '../../inventory/azure.js';

/**
 * Appends `from` to `into`: every resource list, and the per-scope maps (data sets, partial and unavailable data
 * sets, scope origins). IaC scopes (account `iac`, or the code's literal ids) rarely collide with a snapshot's; when
 * they do, both sources' items and gaps are kept.
 */
export function mergeInventory<T extends AwsInventory | AzureInventory>(into: T, from: T): void {
  const a = into as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(from as unknown as Record<string, unknown>)) {
    const mine = a[key];
    if (Array.isArray(value) && Array.isArray(mine)) mine.push(...(value as unknown[]));
    else if (value instanceof Map && mine instanceof Map) mergeMap(mine, value);
    else if (mine === undefined) a[key] = value;
  }
}

function mergeMap(into: Map<unknown, unknown>, from: Map<unknown, unknown>): void {
  for (const [k, v] of from) {
    const mine = into.get(k);
    if (mine === undefined) into.set(k, v);
    else if (mine instanceof Set && v instanceof Set) for (const x of v) mine.add(x);
    else if (mine instanceof Map && v instanceof Map) {
      for (const [k2, v2] of v) {
        const m2: unknown = mine.get(k2);
        mine.set(
          k2,
          Array.isArray(m2) && Array.isArray(v2) ? [...(m2 as unknown[]), ...(v2 as unknown[])] : (m2 ?? v2),
        );
      }
    }
  }
}
