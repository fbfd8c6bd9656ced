import { isAiProject, projectResult } from './ai-project.js';
import { perimeterOpenings, perimetersOf, projectsById, requiredServices, unrestricted } from './perimeter.js';
import { defineGcpCheck } from './types.js';

export default defineGcpCheck({
  id: 'gcp-vertex-project-outside-perimeter',
  title:
    'AI project is not inside an enforced VPC Service Controls perimeter that restricts Vertex AI and its data services',
  severity: 'high',
  service: 'vpc-sc',
  resourceType: 'cloudresourcemanager.googleapis.com/Project',
  rationale:
    'Private networking keeps traffic off the internet; VPC Service Controls keeps data inside the organization: with the AI project in an enforced regular perimeter that restricts aiplatform.googleapis.com, a stolen credential cannot call Vertex AI from outside, and models, prompts and datasets cannot be copied to a project outside. The perimeter must restrict every approved service (policy gcp.approved_services) and the data services the project has enabled (Cloud Storage, BigQuery, …), or data leaves through them. Only the enforced configuration (status) counts; bridge perimeters restrict nothing. Its ingress and egress policies count too: one that admits a whole identity type (ANY_IDENTITY, ANY_USER_ACCOUNT, ANY_SERVICE_ACCOUNT) from any origin (source accessLevel "*") to the project, or lets one call a restricted service on any project outside (egressTo resources "*"), undoes the perimeter for that service. Access levels are not judged. Seed 001: "VPC-SC perimeter + IAM" as the GCP policy layer.',
  remediation: {
    text: 'Add the project to an enforced regular perimeter and restrict aiplatform.googleapis.com and its data services there.',
    snippet: {
      language: 'hcl',
      code: 'resource "google_access_context_manager_service_perimeter" "ai" {\n  parent = "accessPolicies/POLICY"\n  name   = "accessPolicies/POLICY/servicePerimeters/ai"\n  title  = "ai"\n  status {\n    resources           = ["projects/PROJECT_NUMBER"]\n    restricted_services = ["aiplatform.googleapis.com", "storage.googleapis.com", "bigquery.googleapis.com"]\n  }\n}',
    },
  },
  references: [
    'https://cloud.google.com/vpc-service-controls/docs/overview',
    'https://cloud.google.com/vertex-ai/docs/general/vpc-service-controls',
    'https://cloud.google.com/access-context-manager/docs/reference/rest/v1/accessPolicies.servicePerimeters',
  ],
  seeds: ['001: VPC-SC perimeter + IAM', '000: aiplatform.googleapis.com as an approved AI endpoint'],
  requires: ['serviceusage:services'],
  looksUp: ['accesscontextmanager:service-perimeters'],
  run(ctx) {
    if (!isAiProject(ctx)) return [];
    const base = projectResult(ctx);
    const m = perimetersOf(ctx.inventory, ctx.project);
    const required = requiredServices(ctx.own.enabledServices, ctx.policy);
    const evidence = {
      enforcedIn: m.enforced.map((p) => p.id),
      dryRunIn: m.dryRun.map((p) => p.id),
      requiredServices: required,
    };
    if (m.enforced.length === 0) {
      if (m.unresolved.length > 0)
        return [
          {
            ...base,
            status: 'not-assessed',
            message: `${ctx.project}: perimeters name ${m.unresolved.join(', ')}, and cordon does not know this project's number (add gcloud projects describe ${ctx.project} to the snapshot)`,
            evidence,
          },
        ];
      return [
        {
          ...base,
          status: 'fail',
          message: `AI project ${ctx.project} is in no enforced VPC Service Controls perimeter${m.dryRun.length ? ` (only in the dry-run configuration of ${m.dryRun.map((p) => p.name).join(', ')})` : ''}: Vertex AI and its data can be reached with a valid credential from anywhere`,
          evidence,
        },
      ];
    }
    const gaps = m.enforced.map((p) => ({ p, missing: unrestricted(p.status, required) }));
    const open = gaps.filter((g) => g.missing.length > 0);
    if (open.length > 0)
      return [
        {
          ...base,
          status: 'fail',
          message: `AI project ${ctx.project} is in enforced perimeter ${open.map((g) => `${g.p.name}, which does not restrict ${g.missing.join(', ')}`).join('; ')}`,
          evidence: { ...evidence, unrestricted: open.flatMap((g) => g.missing) },
        },
      ];
    // A perimeter that restricts the services but lets any identity in from anywhere, or out to any project, keeps
    // nothing in: its ingress and egress policies are part of the enforced configuration.
    const number = projectsById(ctx.inventory).get(ctx.project)?.projectNumber;
    const refs = [`projects/${ctx.project}`, ...(number ? [`projects/${number}`] : [])];
    const holes = m.enforced.map((p) => ({ p, ...perimeterOpenings(ctx.inventory, p, refs, required) }));
    const opened = holes.filter((h) => h.open.length > 0);
    if (opened.length > 0)
      return [
        {
          ...base,
          status: 'fail',
          message: `AI project ${ctx.project} is in enforced perimeter ${opened.map((h) => `${h.p.name}, but ${h.open.join('; ')}`).join('; ')}`,
          evidence: { ...evidence, openedBy: opened.flatMap((h) => h.open) },
        },
      ];
    const unknown = holes.filter((h) => h.unknown.length > 0);
    if (unknown.length > 0)
      return [
        {
          ...base,
          status: 'not-assessed',
          message: `AI project ${ctx.project} is in enforced perimeter ${unknown.map((h) => `${h.p.name}, but cordon cannot tell whom it admits: ${h.unknown.join('; ')}`).join('; ')}`,
          evidence,
        },
      ];
    return [
      {
        ...base,
        status: 'pass',
        message: `AI project ${ctx.project} is in enforced perimeter ${m.enforced.map((p) => p.name).join(', ')}, which restricts ${required.join(', ')}`,
        evidence,
      },
    ];
  },
});
