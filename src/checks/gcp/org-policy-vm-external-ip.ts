import { describeList, effectivePolicy } from './org-policy.js';
import { judgeOrgPolicy } from './ai-project.js';
import { defineGcpCheck } from './types.js';

const CONSTRAINT = 'compute.vmExternalIpAccess';

export default defineGcpCheck({
  id: 'gcp-org-policy-vm-external-ip-not-denied',
  title: 'Organization policy does not deny external IPs on VMs of an AI project (compute.vmExternalIpAccess)',
  severity: 'medium',
  service: 'org-policy',
  resourceType: 'cloudresourcemanager.googleapis.com/Project',
  rationale:
    'Firewall rules and routes say where traffic may go today; the organization policy compute.vmExternalIpAccess decides whether anyone can give a VM in the AI project a public address tomorrow. Seed 001 names "VPC-SC + Organization Policy" as the enforcement on GCP. cordon evaluates the effective policy through the project\'s folders and organization (inheritFromParent, reset, allowAll/denyAll, values); it must deny all values for AI projects. A rule with a tag condition cannot be evaluated (not assessed); a dry-run policy enforces nothing.',
  remediation: {
    text: 'Deny external IPs for every VM in the AI projects (or on their folder).',
    snippet: {
      language: 'hcl',
      code: 'resource "google_org_policy_policy" "no_external_ip" {\n  name   = "projects/PROJECT/policies/compute.vmExternalIpAccess"\n  parent = "projects/PROJECT"\n  spec {\n    rules { deny_all = "TRUE" }\n  }\n}',
    },
  },
  references: [
    'https://cloud.google.com/compute/docs/ip-addresses/configure-static-external-ip-address#disableexternalip',
    'https://cloud.google.com/resource-manager/docs/organization-policy/understanding-hierarchy',
  ],
  seeds: ['001: VPC-SC + Organization Policy'],
  requires: ['resourcemanager:projects', 'serviceusage:services'],
  looksUp: ['orgpolicy:policies'],
  run(ctx) {
    return judgeOrgPolicy(
      ctx,
      CONSTRAINT,
      () => effectivePolicy(ctx.inventory, ctx.project, CONSTRAINT, 'list'),
      (v) => ({ ok: v.denyAll, says: v.denyAll ? 'every VM external IP denied' : describeList(v) }),
      'it should deny all',
    );
  },
});
