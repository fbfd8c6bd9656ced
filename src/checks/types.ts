/**
 * A check is declarative metadata plus a pure function over the inventory (the typescript-eslint rule shape:
 * docs/checks.md is generated from the metadata, and every check proves a failing and a passing case in tests).
 */
import type { AwsSettings } from '../policy/schema.js';
import type { ZonePolicy } from '../policy/load.js';
import type { Origin, Remediation, Severity, Status } from '../findings/types.js';
import type { AwsDataset, AwsInventory, ScopeKey } from '../inventory/aws.js';
import type { AwsZoneIndex } from '../analysis/aws-zones.js';
import type { AzureCheck } from './azure/types.js';
import type { GcpCheck } from './gcp/types.js';
import type { VerifyCheck } from '../verify/checks.js';

export interface CheckMeta {
  /** Stable id, never reused: provider-service-what. */
  id: string;
  title: string;
  severity: Severity;
  provider: 'aws' | 'azure' | 'gcp';
  service: string;
  /** CloudFormation-style resource type the findings are about. */
  resourceType: string;
  /** Why it matters, in a paragraph. */
  rationale: string;
  remediation: Remediation;
  references: string[];
  /** The seed misconfiguration(s) this check covers ("001: No endpoint for management API"). */
  seeds: string[];
  /** Data sets the check cannot do without: when one is missing for a scope, the check is not assessed there. */
  requires: AwsDataset[];
}

export interface CheckResult {
  status: Status;
  resource: { id: string; arn?: string; type?: string };
  message: string;
  origin?: Origin;
  evidence?: Record<string, unknown>;
  /** A snippet filled in with this resource's ids, replacing the generic one. */
  remediation?: Remediation;
}

export interface AwsCheckContext {
  /**
   * The scope's view of the inventory: its lists hold only this account/region's resources; organisation-level data
   * (SCPs, the organisation, the data-set maps) is shared. `zones` is built from the same view.
   */
  inventory: AwsInventory;
  scope: ScopeKey;
  policy: ZonePolicy;
  zones: AwsZoneIndex;
  settings: AwsSettings;
}

export interface AwsCheck extends CheckMeta {
  provider: 'aws';
  run(ctx: AwsCheckContext): CheckResult[];
}

export function defineAwsCheck(check: Omit<AwsCheck, 'provider'>): AwsCheck {
  return { provider: 'aws', ...check };
}

/** A check of any provider, or of the network model (zone verification): what reporters, the catalog and selection work with. */
export type Check = AwsCheck | AzureCheck | GcpCheck | VerifyCheck;
