/** Security-group lookups for endpoint checks. */
import type { AwsSecurityGroup, AwsVpcEndpoint } from '../../inventory/aws.js';
import type { AwsCheckContext } from '../types.js';

export function endpointGroups(
  ctx: AwsCheckContext,
  e: AwsVpcEndpoint,
): { groups: AwsSecurityGroup[]; missing: string[] } {
  const groups: AwsSecurityGroup[] = [];
  const missing: string[] = [];
  for (const id of e.groupIds) {
    const g = ctx.zones.securityGroup(id);
    if (g) groups.push(g);
    else missing.push(id);
  }
  return { groups, missing };
}
