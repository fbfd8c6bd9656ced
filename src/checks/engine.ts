/**
 * Runs checks over an inventory. A check runs once per scope (account/region); when a data set it requires is
 * missing there, the engine reports it not assessed with the reason (the collector's error and the IAM action, or
 * the CLI command that would produce the data) — missing data is never a pass.
 */
import { datasetAbsent } from '../inventory/input-kind.js';
import {
  AWS_DATASETS,
  emptyScopeView,
  inventoryByScope,
  inventoryScopes,
  scopeKey,
  type AwsDataset,
  type AwsInventory,
  type ScopeKey,
} from '../inventory/aws.js';
import type { ZonePolicy } from '../policy/load.js';
import { awsZoneRules, buildAwsZoneIndex } from '../analysis/aws-zones.js';
import { compareFindings, fingerprintOf, type Finding, type Origin, type ResourceRef } from '../findings/types.js';
import { formatLocated } from '../util/errors.js';
import type { AwsCheck, Check, CheckResult } from './types.js';

/** Skipped items named one by one before the rest are counted. */
const SKIPPED_LISTED = 3;

function missingReason(inv: AwsInventory, scope: ScopeKey, dataset: AwsDataset): string | undefined {
  const key = AWS_DATASETS[dataset].level === 'organization' ? '*' : scopeKey(scope);
  // Incomplete beats present: judging the items that were read as if they were all would turn a skip into a pass.
  const skipped = inv.partial.get(key)?.get(dataset);
  if (skipped?.length) {
    const listed = skipped.slice(0, SKIPPED_LISTED).map((s) => formatLocated(s.file, s, s.reason));
    const more = skipped.length - listed.length;
    return `${dataset} is incomplete, ${skipped.length === 1 ? 'an item' : `${skipped.length} items`} could not be read: ${listed.join('; ')}${more > 0 ? `; and ${more} more` : ''}`;
  }
  if (inv.datasets.get(key)?.has(dataset)) return undefined;
  const u = inv.unavailable.get(key)?.get(dataset);
  if (u) return `${dataset} could not be collected: ${u.reason}${u.action ? ` (needs ${u.action})` : ''}`;
  return datasetAbsent(dataset, inv.iac, '', AWS_DATASETS[dataset].command);
}

export function toFinding(check: AwsCheck, scope: ScopeKey, r: CheckResult, fallbackOrigin?: Origin): Finding {
  const resource = {
    provider: 'aws' as const,
    account: scope.account,
    region: scope.region,
    type: r.resource.type ?? check.resourceType,
    id: r.resource.id,
    ...(r.resource.arn ? { arn: r.resource.arn } : {}),
  };
  return findingOf(check, resource, r, fingerprintOf(check.id, resource), fallbackOrigin);
}

/** A check result as a provider-neutral finding about `resource`. */
export function findingOf(
  check: Pick<Check, 'id' | 'title' | 'severity' | 'remediation' | 'references'>,
  resource: ResourceRef,
  r: CheckResult,
  fingerprint: string,
  fallbackOrigin?: Origin,
): Finding {
  return {
    checkId: check.id,
    title: check.title,
    severity: check.severity,
    status: r.status,
    resource,
    ...(r.origin ? { origin: r.origin } : fallbackOrigin ? { origin: fallbackOrigin } : {}),
    message: r.message,
    ...(r.evidence ? { evidence: r.evidence } : {}),
    remediation: r.remediation ?? check.remediation,
    references: check.references,
    fingerprint,
  };
}

/**
 * Scope by scope: the inventory is split into per-scope views once, and each scope's zone index is built from its
 * own view and dropped when the scope is done, so the work per scope does not grow with the organisation and no
 * lookup crosses into another account or region.
 */
export function runAwsChecks(inv: AwsInventory, policy: ZonePolicy, checks: readonly AwsCheck[]): Finding[] {
  const rules = awsZoneRules(policy);
  const views = inventoryByScope(inv);
  const findings: Finding[] = [];
  for (const scope of inventoryScopes(inv)) {
    const view = views.get(scopeKey(scope)) ?? emptyScopeView(inv);
    const zones = buildAwsZoneIndex(view, rules);
    for (const check of checks) {
      const level = check.requires.every((d) => AWS_DATASETS[d].level === 'organization') ? '*' : scopeKey(scope);
      const fallback = inv.scopeOrigins.get(level) ?? inv.scopeOrigins.get(scopeKey(scope));
      const reasons = check.requires
        .map((d) => missingReason(inv, scope, d))
        .filter((r): r is string => r !== undefined);
      if (reasons.length > 0) {
        findings.push(
          toFinding(
            check,
            scope,
            {
              status: 'not-assessed',
              resource: { id: `${scope.account}/${scope.region}`, type: 'AWS::Region' },
              message: `not assessed: ${reasons.join('; ')}`,
              evidence: { missing: reasons },
            },
            fallback,
          ),
        );
        continue;
      }
      for (const r of check.run({ inventory: view, scope, policy, zones, settings: policy.document.aws }))
        findings.push(toFinding(check, scope, r, fallback));
    }
  }
  return findings.sort(compareFindings);
}
