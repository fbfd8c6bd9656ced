/**
 * GCP checks: the same shape as AWS and Azure checks (metadata plus a pure `run`), over the GCP inventory. A GCP check
 * runs once per project. GCP joins resources across projects by design (a Shared VPC host's network used by service
 * projects, a DNS zone in a hub project bound to a spoke's network, perimeters and org policies above the projects),
 * so lookups may cross projects; a check reports only resources of its own project.
 */
import type { GcpZonePlacement } from '../../analysis/gcp-zones.js';
import type { GcpDataset, GcpInventory } from '../../inventory/gcp.js';
import type { ZonePolicy } from '../../policy/load.js';
import type { CheckMeta, CheckResult } from '../types.js';

export interface GcpCheckContext {
  /** The whole inventory (every project and the hierarchy): use `own` for the resources this run reports on. */
  inventory: GcpInventory;
  /** Project id. */
  project: string;
  /** The inventory's project lists restricted to this project; hierarchy-level lists are shared. */
  own: GcpInventory;
  policy: ZonePolicy;
  zones: GcpZonePlacement;
}

/** A result about a GCP resource carries the resource's region ("global" for global resources). */
export type GcpCheckResult = CheckResult & { region?: string };

export interface GcpCheck extends Omit<CheckMeta, 'provider' | 'requires'> {
  provider: 'gcp';
  /** Data sets of the project's own resources: missing, unavailable or partial there → not assessed. */
  requires: GcpDataset[];
  /**
   * Data sets looked up across projects or in the hierarchy (DNS zones of a hub project, perimeters, org policies,
   * hierarchical firewall policies): missing everywhere, or unavailable or partial anywhere → not assessed.
   */
  looksUp?: GcpDataset[];
  run(ctx: GcpCheckContext): GcpCheckResult[];
}

export function defineGcpCheck(check: Omit<GcpCheck, 'provider'>): GcpCheck {
  return { provider: 'gcp', ...check };
}
