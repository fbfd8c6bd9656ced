/**
 * Organisation-level data sets, read once from the caller's account. Organizations answers describe-organization
 * to any member account, but service control policies only to the management account or a delegated
 * administrator; from anywhere else the SCP data set is recorded as unavailable with that explanation.
 */
import {
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  paginateListAccounts,
  paginateListPolicies,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import type { Limiter } from './limiter.js';
import { cliShape, failed, gather, ok, sortById, type DatasetOutcome } from './types.js';

const SCP_HINT =
  'service control policies are readable only from the management account or a delegated administrator for AWS Organizations';

export async function collectOrganization(client: OrganizationsClient, limit: Limiter): Promise<DatasetOutcome[]> {
  const out: DatasetOutcome[] = [];
  try {
    const org = cliShape(await limit(() => client.send(new DescribeOrganizationCommand({}))));
    out.push(ok('organizations:organization', { name: 'describe-organization.json', document: org }));
  } catch (err) {
    out.push(failed('organizations:organization', 'organizations:DescribeOrganization', err));
  }
  out.push(await collectScps(client, limit));
  return out;
}

async function collectScps(client: OrganizationsClient, limit: Limiter): Promise<DatasetOutcome> {
  let action = 'organizations:ListPolicies';
  try {
    const policies = sortById(
      await limit(() => gather(paginateListPolicies({ client }, { Filter: 'SERVICE_CONTROL_POLICY' }), 'Policies')),
      'Id',
    );
    action = 'organizations:DescribePolicy';
    const described = await Promise.all(
      policies.map((p) =>
        limit(async () => cliShape(await client.send(new DescribePolicyCommand({ PolicyId: String(p.Id) })))),
      ),
    );
    const byId = (d: { Policy?: { PolicySummary?: { Id?: string } } }) => d.Policy?.PolicySummary?.Id ?? '';
    described.sort((a, b) => (byId(a) < byId(b) ? -1 : byId(a) > byId(b) ? 1 : 0));
    const files = [{ name: 'list-policies.json', document: { Policies: policies } }];
    if (described.length > 0) files.push({ name: 'describe-policy.json', document: described as never });
    return ok('organizations:scps', ...files);
  } catch (err) {
    const o = failed('organizations:scps', action, err);
    if (o.unavailable?.kind === 'denied') o.unavailable.reason += ` (${SCP_HINT})`;
    return o;
  }
}

export interface OrgAccount {
  id: string;
  name: string;
  active: boolean;
}

export async function listOrganizationAccounts(client: OrganizationsClient): Promise<OrgAccount[]> {
  const accounts = await gather(paginateListAccounts({ client }, {}), 'Accounts');
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return sortById(accounts, 'Id').map((a) => ({
    id: text(a.Id) ?? '',
    name: text(a.Name) ?? '',
    // Newer responses carry State (ACTIVE, SUSPENDED, PENDING_CLOSURE…); older ones only Status.
    active: (text(a.State) ?? text(a.Status) ?? 'ACTIVE') === 'ACTIVE',
  }));
}
