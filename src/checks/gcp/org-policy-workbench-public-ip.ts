import { effectivePolicy } from './org-policy.js';
import { judgeOrgPolicy } from './ai-project.js';
import { defineGcpCheck } from './types.js';

const CONSTRAINT = 'ainotebooks.restrictPublicIp';

export default defineGcpCheck({
  id: 'gcp-org-policy-workbench-public-ip-not-enforced',
  title:
    'Organization policy does not forbid public IPs on Vertex AI Workbench instances of an AI project (ainotebooks.restrictPublicIp)',
  severity: 'medium',
  service: 'org-policy',
  resourceType: 'cloudresourcemanager.googleapis.com/Project',
  rationale:
    'Workbench instances are created with a public IP unless the creator opts out. The boolean constraint ainotebooks.restrictPublicIp, enforced, makes a private instance the only kind that can be created in the AI project. cordon evaluates the effective policy through the hierarchy (the nearest policy decides; reset restores the default, which does not enforce); conditional rules are not assessed, dry-run policies enforce nothing.',
  remediation: {
    text: 'Enforce ainotebooks.restrictPublicIp on the AI projects or their folder.',
    snippet: {
      language: 'hcl',
      code: 'resource "google_org_policy_policy" "workbench_no_public_ip" {\n  name   = "projects/PROJECT/policies/ainotebooks.restrictPublicIp"\n  parent = "projects/PROJECT"\n  spec {\n    rules { enforce = "TRUE" }\n  }\n}',
    },
  },
  references: [
    'https://cloud.google.com/vertex-ai/docs/workbench/instances/manage-access-jupyterlab#restrict-public-ip',
    'https://cloud.google.com/resource-manager/docs/organization-policy/org-policy-constraints',
  ],
  seeds: ['001: VPC-SC + Organization Policy'],
  requires: ['resourcemanager:projects', 'serviceusage:services'],
  looksUp: ['orgpolicy:policies'],
  run(ctx) {
    return judgeOrgPolicy(
      ctx,
      CONSTRAINT,
      () => effectivePolicy(ctx.inventory, ctx.project, CONSTRAINT, 'boolean'),
      (v) => ({
        ok: v === true,
        says: v === true ? 'enforced' : v === 'default' ? 'the default (not enforced)' : 'not enforced',
      }),
      'Workbench instances can be created with public IPs',
    );
  },
});
