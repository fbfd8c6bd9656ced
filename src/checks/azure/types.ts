/**
 * Azure checks: the same shape as AWS checks (metadata plus a pure `run`), over the Azure inventory. An Azure check
 * runs once per subscription. Azure joins resources across subscriptions by design (a spoke's private endpoint and
 * the hub's private DNS zones and VNet links), and resource ids are globally unique, so lookups of related resources
 * may cross subscriptions; a check reports only resources of its own subscription.
 */
import type { AzureZonePlacement } from '../../analysis/azure-zones.js';
import type { AzureDataset, AzureInventory } from '../../inventory/azure.js';
import type { ZonePolicy } from '../../policy/load.js';
import type { CheckMeta, CheckResult } from '../types.js';

export interface AzureCheckContext {
  /** The whole inventory (every subscription): use `own` for the resources this run reports on. */
  inventory: AzureInventory;
  /** Lower-case subscription id. */
  subscription: string;
  /** The inventory's lists restricted to this subscription (built once per subscription). */
  own: AzureInventory;
  policy: ZonePolicy;
  zones: AzureZonePlacement;
}

/** A result about an Azure resource carries the resource's location (the scope's region in findings). */
export type AzureCheckResult = CheckResult & { location?: string };

export interface AzureCheck extends Omit<CheckMeta, 'provider' | 'requires'> {
  provider: 'azure';
  /** Data sets of the subscription's own resources: missing, unavailable or partial there → not assessed. */
  requires: AzureDataset[];
  /**
   * Data sets looked up across subscriptions (private DNS zones and links usually live in a hub subscription):
   * missing everywhere, or unavailable or partial anywhere → not assessed.
   */
  looksUp?: AzureDataset[];
  run(ctx: AzureCheckContext): AzureCheckResult[];
}

export function defineAzureCheck(check: Omit<AzureCheck, 'provider'>): AzureCheck {
  return { provider: 'azure', ...check };
}
