import { describeList, effectivePolicy } from './org-policy.js';
import { judgeOrgPolicy } from './ai-project.js';
import { defineGcpCheck } from './types.js';

const CONSTRAINT = 'ainotebooks.restrictVpcNetworks';

export default defineGcpCheck({
  id: 'gcp-org-policy-workbench-networks-not-restricted',
  title:
    'Organization policy does not restrict which VPC networks Workbench instances of an AI project may use (ainotebooks.restrictVpcNetworks)',
  severity: 'medium',
  service: 'org-policy',
  resourceType: 'cloudresourcemanager.googleapis.com/Project',
  rationale:
    'Without ainotebooks.restrictVpcNetworks, a Workbench instance can be placed on any network the creator can use — a default network with a default route, no firewall hardening and no private DNS — outside every control on the AI networks. The list constraint should allow only the approved AI networks. cordon evaluates the effective policy through the hierarchy (inheritFromParent merges values, denied values win, reset restores the default, which allows every network); conditional rules are not assessed, dry-run policies enforce nothing.',
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
      (v) => ({ ok: v.denyAll || (!v.allowAll && !v.isDefault && v.allowed.length > 0), says: describeList(v) }),
      'Workbench instances can use any network',
    );
  },
});
