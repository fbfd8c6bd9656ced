import { context } from '../../iam/conditions.js';
import { actionMatches, evaluate } from '../../iam/evaluate.js';
import { globMatch } from '../../util/glob.js';
import { defineAwsCheck, type CheckResult } from '../types.js';
import { endpointPolicy } from './policy-support.js';
import { auditedEndpoints, endpointResource } from './support.js';

const INVOKE = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];

/** Model ids a policy's InvokeModel statements name, as probes: "meta.*" -> "meta.cordon-probe". */
function modelPatterns(resources: string[]): string[] {
  return resources.flatMap((r) => {
    if (r === '*') return ['*'];
    const m = /foundation-model\/(.+)$/.exec(r);
    return m ? [m[1]!] : [];
  });
}

export default defineAwsCheck({
  id: 'aws-bedrock-endpoint-policy-all-models',
  title: 'bedrock-runtime endpoint policy allows invoking any model',
  severity: 'medium',
  service: 'bedrock',
  resourceType: 'AWS::EC2::VPCEndpoint',
  rationale:
    'Seed 000/001 restrict the runtime endpoint to approved models by resource ARN. A policy whose InvokeModel statements cover every foundation model lets any workload in the VPC use models the organisation has not reviewed. Note: the seed\'s DenyUnapprovedModels statement conditions on "bedrock:ModelId", which is not a condition key in the Bedrock service authorization reference; IAM treats the missing key as absent, so StringNotLike is true and that Deny blocks every InvokeModel call. Restrict models through Resource ARNs instead.',
  remediation: {
    text: 'List approved foundation-model ARNs in Resource (and set aws.approved_models in cordon.yaml so cordon can compare).',
    snippet: {
      language: 'json',
      code: '"Resource": ["arn:aws:bedrock:*::foundation-model/anthropic.claude-*", "arn:aws:bedrock:*::foundation-model/amazon.titan-*"]',
    },
  },
  references: [
    'https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-interface-endpoints.html',
    'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html',
  ],
  seeds: [
    '000: create_endpoint_policy (approved models only)',
    '001: generate_restrictive_endpoint_policy (allowed_model_arns)',
  ],
  requires: ['ec2:vpc-endpoints'],
  run(ctx) {
    const approved = ctx.settings.approved_models;
    return auditedEndpoints(ctx, { interfaceOnly: true })
      .filter((e) => /^bedrock-runtime(-fips)?$/.test(e.service))
      .flatMap((e): CheckResult[] => {
        const p = endpointPolicy(e);
        if (p.kind !== 'parsed' || p.fullAccess) return [];
        const resource = endpointResource(ctx, e);
        // A trusted caller with every other request value unknown: identity conditions are assumed satisfied.
        const probe = (modelId: string) =>
          INVOKE.some(
            (action) =>
              evaluate(p.doc, {
                principal: { account: ctx.scope.account },
                action,
                resource: `arn:aws:bedrock:${ctx.scope.region}::foundation-model/${modelId}`,
                context: context({}),
              }).allowed !== false,
          );
        const anyModel = probe('cordon-probe.unreviewed-model-v1:0');
        const named = [
          ...new Set(
            p.doc.statements
              .filter((s) => s.effect === 'Allow' && INVOKE.some((a) => actionMatches(s, a)))
              .flatMap((s) => modelPatterns(s.resource ?? ['*'])),
          ),
        ].sort();
        const unapproved =
          approved.length === 0
            ? []
            : named
                .filter((m) => m !== '*' && !approved.some((a) => globMatch(a, m)))
                .filter((m) => probe(m.replace(/\*/g, 'cordon-probe')));
        const evidence = { allowedModelPatterns: named, approvedModels: approved, unapproved };
        if (anyModel)
          return [
            {
              status: 'fail',
              resource,
              origin: e.origin,
              message: `bedrock-runtime endpoint ${e.id} allows InvokeModel on any foundation model`,
              evidence,
            },
          ];
        if (unapproved.length > 0)
          return [
            {
              status: 'fail',
              resource,
              origin: e.origin,
              message: `bedrock-runtime endpoint ${e.id} allows models outside aws.approved_models: ${unapproved.join(', ')}`,
              evidence,
            },
          ];
        return [
          {
            status: 'pass',
            resource,
            origin: e.origin,
            message: `bedrock-runtime endpoint ${e.id} allows only ${named.length ? named.join(', ') : 'no model invocation'}`,
            evidence,
          },
        ];
      });
  },
});
