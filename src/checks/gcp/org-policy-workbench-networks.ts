import { gcpIdKey } from '../../inventory/gcp.js';
import { describeList, effectivePolicy, type ListValues } from './org-policy.js';
import { allAiNetworkIds } from './private-access.js';
import { judgeOrgPolicy } from './ai-project.js';
import { defineGcpCheck } from './types.js';

const CONSTRAINT = 'ainotebooks.restrictVpcNetworks';

/**
 * An allow list passes when every network it names is an AI network (placed in a calling zone): an allow list with
 * the default network restricts nothing that matters. `under:` values allow every network of a folder or project,
 * which cordon does not expand: not assessed.
 */
function judgeNetworks(v: ListValues, aiNetworks: Set<string>): { ok: boolean | 'unknown'; says: string } {
  if (v.denyAll) return { ok: true, says: describeList(v) };
  if (v.allowAll || v.isDefault || v.allowed.length === 0) return { ok: false, says: describeList(v) };
  const subtree = v.allowed.filter((a) => a.startsWith('under:'));
  const other = v.allowed
    .filter((a) => !a.startsWith('under:'))
    .filter((a) => !aiNetworks.has(gcpIdKey(a.replace(/^is:/, ''))));
  if (other.length > 0)
    return {
      ok: false,
      says: `${describeList(v)}, and ${other.join(', ')} ${other.length === 1 ? 'is' : 'are'} not an AI network`,
    };
  if (subtree.length > 0)
    return { ok: 'unknown', says: `${describeList(v)}: cordon does not expand ${subtree.join(', ')} into networks` };
  return { ok: true, says: describeList(v) };
}

export default defineGcpCheck({
  id: 'gcp-org-policy-workbench-networks-not-restricted',
  title:
    'Organization policy does not restrict which VPC networks Workbench instances of an AI project may use (ainotebooks.restrictVpcNetworks)',
  severity: 'medium',
  service: 'org-policy',
  resourceType: 'cloudresourcemanager.googleapis.com/Project',
  rationale:
    'Without ainotebooks.restrictVpcNetworks, a Workbench instance can be placed on any network the creator can use — a default network with a default route, no firewall hardening and no private DNS — outside every control on the AI networks. The list constraint should allow only the AI networks (networks with a subnetwork in a zone that calls Vertex AI); an allow list naming any other network fails, and `under:` values, which cordon does not expand, are not assessed. cordon evaluates the effective policy through the hierarchy (inheritFromParent merges values, denied values win, reset restores the default, which allows every network); conditional rules are not assessed, dry-run policies enforce nothing.',
  remediation: {
    text: 'Allow only the AI networks for Workbench instances in the AI projects.',
    snippet: {
      language: 'hcl',
      code: 'resource "google_org_policy_policy" "workbench_networks" {\n  name   = "projects/PROJECT/policies/ainotebooks.restrictVpcNetworks"\n  parent = "projects/PROJECT"\n  spec {\n    rules {\n      values { allowed_values = ["projects/HOST_PROJECT/global/networks/NETWORK"] }\n    }\n  }\n}',
    },
  },
  references: [
    'https://cloud.google.com/vertex-ai/docs/workbench/instances/manage-access-jupyterlab',
    'https://cloud.google.com/resource-manager/docs/organization-policy/org-policy-constraints',
  ],
  seeds: ['001: VPC-SC + Organization Policy'],
  requires: ['resourcemanager:projects', 'serviceusage:services'],
  looksUp: ['orgpolicy:policies'],
  run(ctx) {
    return judgeOrgPolicy(
      ctx,
      CONSTRAINT,
      () => effectivePolicy(ctx.inventory, ctx.project, CONSTRAINT, 'list'),
      (v) => judgeNetworks(v, allAiNetworkIds(ctx)),
      'Workbench instances can use networks outside the AI zones',
    );
  },
});
