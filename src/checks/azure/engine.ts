/**
 * Runs Azure checks: once per subscription, with zone placement computed once for the whole inventory (Azure joins
 * resources across subscriptions). A data set a check requires that is missing, unavailable or partial in the
 * subscription — or, for data sets it looks up, anywhere — makes the check not assessed there, with the command or
 * the permission that would supply it: missing data is never a pass.
 */
import { datasetAbsent } from '../../inventory/input-kind.js';
import { compareFindings, fingerprintOf, type Finding, type Origin } from '../../findings/types.js';
import { findingOf } from '../engine.js';
import { AZURE_DATASETS, azureIdKey, type AzureDataset, type AzureInventory } from '../../inventory/azure.js';
import type { ZonePolicy } from '../../policy/load.js';
import { formatLocated } from '../../util/errors.js';
import { emptySubscriptionView, inventoryBySubscription, placeAzure } from './support.js';
import type { AzureCheck, AzureCheckResult } from './types.js';

const LISTED = 3;

function partialIn(inv: AzureInventory, subscription: string | undefined, dataset: AzureDataset): string | undefined {
  const skipped = [...inv.partial.entries()]
    .filter(([key]) => subscription === undefined || key.startsWith(`${subscription}/`))
    .flatMap(([, m]) => m.get(dataset) ?? []);
  if (skipped.length === 0) return undefined;
  const listed = skipped.slice(0, LISTED).map((s) => formatLocated(s.file, s, s.reason));
  const more = skipped.length - listed.length;
  return `${dataset} is incomplete: ${listed.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
}

function unavailableIn(
  inv: AzureInventory,
  subscription: string | undefined,
  dataset: AzureDataset,
): string | undefined {
  for (const [sub, m] of [...inv.unavailable.entries()].sort()) {
    if (subscription !== undefined && sub !== subscription) continue;
    const u = m.get(dataset);
    if (u)
      return `${dataset} could not be collected${subscription === undefined ? ` in subscription ${sub}` : ''}: ${u.reason} (needs ${u.permission ?? AZURE_DATASETS[dataset].permission})`;
  }
  return undefined;
}

/** Why a data set cannot be relied on (in the subscription, or `anywhere`), or undefined when it can. */
export function missingReason(
  inv: AzureInventory,
  subscription: string,
  dataset: AzureDataset,
  anywhere: boolean,
): string | undefined {
  const sub = anywhere ? undefined : subscription;
  const why = partialIn(inv, sub, dataset) ?? unavailableIn(inv, sub, dataset);
  if (why) return why;
  const present = anywhere
    ? [...inv.datasets.values()].some((s) => s.has(dataset))
    : inv.datasets.get(subscription)?.has(dataset);
  if (present) return undefined;
  const info = AZURE_DATASETS[dataset];
  return datasetAbsent(
    dataset,
    inv.iac,
    anywhere ? '' : ` for subscription ${subscription}`,
    `${info.command}; needs ${info.permission}`,
  );
}

export function azureFinding(check: AzureCheck, subscription: string, r: AzureCheckResult, fallback?: Origin): Finding {
  const resource = {
    provider: 'azure' as const,
    account: subscription,
    region: r.location ?? 'global',
    type: r.resource.type ?? check.resourceType,
    id: r.resource.id,
  };
  // Azure ids are case-insensitive: the fingerprint uses one spelling so baselines survive a change of source.
  return findingOf(check, resource, r, fingerprintOf(check.id, { ...resource, id: azureIdKey(resource.id) }), fallback);
}

/** Subscriptions with any data or any declared data set, sorted. */
export function azureSubscriptions(inv: AzureInventory): string[] {
  return [...new Set([...inv.datasets.keys(), ...inv.unavailable.keys()])].sort();
}

export function runAzureChecks(inv: AzureInventory, policy: ZonePolicy, checks: readonly AzureCheck[]): Finding[] {
  const zones = placeAzure(inv, policy);
  const views = inventoryBySubscription(inv);
  const findings: Finding[] = [];
  for (const subscription of azureSubscriptions(inv)) {
    const own = views.get(subscription) ?? emptySubscriptionView(inv);
    const fallback = [...inv.scopeOrigins.entries()].find(([k]) => k.startsWith(`${subscription}/`))?.[1];
    for (const check of checks) {
      const reasons = [
        ...check.requires.map((d) => missingReason(inv, subscription, d, false)),
        ...(check.looksUp ?? []).map((d) => missingReason(inv, subscription, d, true)),
      ].filter((x): x is string => x !== undefined);
      if (reasons.length > 0) {
        findings.push(
          azureFinding(
            check,
            subscription,
            {
              status: 'not-assessed',
              resource: { id: `/subscriptions/${subscription}`, type: 'Microsoft.Resources/subscriptions' },
              message: `not assessed: ${reasons.join('; ')}`,
              evidence: { missing: reasons },
            },
            fallback,
          ),
        );
        continue;
      }
      for (const r of check.run({ inventory: inv, subscription, own, policy, zones }))
        findings.push(azureFinding(check, subscription, r, fallback));
    }
  }
  return findings.sort(compareFindings);
}
