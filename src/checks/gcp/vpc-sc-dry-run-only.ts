import { perimetersOf } from './perimeter.js';
import { isAiProject, projectResult } from './ai-project.js';
import { defineGcpCheck } from './types.js';

export default defineGcpCheck({
  id: 'gcp-vpc-sc-dry-run-only',
  title: 'AI project is in a VPC Service Controls perimeter only in dry-run',
  severity: 'high',
  service: 'vpc-sc',
  resourceType: 'cloudresourcemanager.googleapis.com/Project',
  rationale:
    "A perimeter's dry-run configuration (spec, with useExplicitDryRunSpec) only logs what it would have denied; nothing is blocked. A project that appears in a perimeter's dry-run configuration but in no enforced one looks protected in the console and in reviews and is not: the issue's \"perimeters that are configured but only in dry-run\". Dry-run is a step before enforcement, not a control.",
  remediation: {
    text: 'Review the dry-run violations in the audit logs, then enforce the dry-run configuration.',
    snippet: {
      language: 'sh',
      code: 'gcloud access-context-manager perimeters dry-run enforce PERIMETER --policy POLICY',
    },
  },
  references: [
    'https://cloud.google.com/vpc-service-controls/docs/dry-run-mode',
    'https://cloud.google.com/vpc-service-controls/docs/manage-dry-run-configurations',
  ],
  seeds: ['001: VPC-SC + Organization Policy (enforcement)'],
  requires: ['serviceusage:services'],
  looksUp: ['accesscontextmanager:service-perimeters'],
  run(ctx) {
    if (!isAiProject(ctx)) return [];
    const m = perimetersOf(ctx.inventory, ctx.project);
    const base = projectResult(ctx);
    if (m.enforced.length > 0)
      return [
        {
          ...base,
          status: 'pass',
          message: `AI project ${ctx.project} is in the enforced configuration of ${m.enforced.map((p) => p.name).join(', ')}`,
        },
      ];
    if (m.dryRun.length > 0)
      return [
        {
          ...base,
          status: 'fail',
          message: `AI project ${ctx.project} is only in the dry-run configuration of ${m.dryRun.map((p) => p.name).join(', ')}: violations are logged, not blocked`,
          evidence: { dryRunIn: m.dryRun.map((p) => p.id) },
        },
      ];
    return []; // in no perimeter at all: gcp-vertex-project-outside-perimeter
  },
});
