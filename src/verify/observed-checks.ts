/**
 * Metadata of the observed layer's findings (`cordon verify --flows`), apart from observed.ts so the report's rule
 * list does not load the flow-log readers.
 */
import type { Severity } from '../findings/types.js';

export const OBSERVED_CHECKS = {
  againstPolicy: {
    id: 'verify-observed-against-policy',
    title: 'Flow logs show accepted traffic the zone policy denies',
    severity: 'high' as Severity,
    rationale:
      'The flow logs hold accepted connections between two zones on a protocol/port the zone policy does not allow: the violation is not only possible, it happened. The evidence cites the first record (file and line) of each class.',
    remediation: {
      text: 'Find the workload behind the first record, stop the traffic by narrowing the rule that admits it (cordon verify names it for violations of the configuration), or allow it in cordon.yaml with a justification if it is intended.',
    },
  },
  notPermitted: {
    id: 'verify-observed-not-permitted',
    title: 'Flow logs show accepted traffic the modelled configuration does not permit',
    severity: 'high' as Severity,
    rationale:
      "Traffic was accepted between two zones on a class the configuration, as cordon modelled it from the snapshot, permits for no pair of their interfaces: the model or the inventory misses something (a rule, an interface, a route, a peering, an address outside the zone's CIDRs). The configuration layer of this cell is not a proof until the gap is explained.",
    remediation: {
      text: 'Look up the interfaces of the first record in the snapshot: collect the missing resources or data sets, or report the case if the snapshot is complete (the model is wrong).',
    },
  },
} as const;

export const PERMITTED_NEVER_OBSERVED_NOTE =
  'permitted but never observed: candidates to tighten, only meaningful when the logs cover the network for a representative period';
