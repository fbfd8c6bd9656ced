import { context } from '../../iam/conditions.js';
import { statementApplies } from '../../iam/evaluate.js';
import { parsePolicyDocument, statementLabel } from '../../iam/policy.js';
import { defineAwsCheck } from '../types.js';

export default defineAwsCheck({
  id: 'aws-bedrock-customization-creation-unrestricted',
  title: 'No SCP guards who may create Bedrock model customization jobs',
  severity: 'medium',
  service: 'organizations',
  resourceType: 'AWS::Organizations::Account',
  rationale:
    "Seed 003 asks for an SCP that denies CreateModelCustomizationJob without a VPC configuration. Bedrock documents no condition key for the job's vpcConfig (the Service Authorization Reference lists only aws:RequestTag/${TagKey}, aws:ResourceTag/${TagKey} and aws:TagKeys for that action), so such an SCP cannot be written. What an SCP can do is restrict creation to the pipeline role that always sets vpcConfig (aws:PrincipalArn), or require tags your pipeline sets. This check passes when some SCP surely denies CreateModelCustomizationJob to an arbitrary principal of the account; jobs without a VPC are found by aws-bedrock-customization-job-without-vpc.",
  remediation: {
    text: 'Deny bedrock:CreateModelCustomizationJob except for the approved pipeline role, whose IaC template always sets vpcConfig.',
    snippet: {
      language: 'json',
      code: JSON.stringify(
        {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'CustomizationOnlyThroughPipeline',
              Effect: 'Deny',
              Action: 'bedrock:CreateModelCustomizationJob',
              Resource: '*',
              Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ml-customization-pipeline' } },
            },
          ],
        },
        null,
        2,
      ),
    },
  },
  references: [
    'https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonbedrock.html',
    'https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-model-customization.html',
  ],
  seeds: ['003: Policy enforcement (SCP denying customization jobs without VPC configuration)'],
  requires: ['organizations:scps', 'bedrock:customization-jobs'],
  run(ctx) {
    const jobs = ctx.inventory.customizationJobs;
    if (jobs.length === 0 && ctx.zones.bedrockVpcs(ctx.scope).size === 0) return [];
    const resource = { id: ctx.scope.account, type: 'AWS::Organizations::Account' };
    const probe = context(
      {
        'aws:PrincipalAccount': ctx.scope.account,
        'aws:PrincipalArn': `arn:aws:iam::${ctx.scope.account}:role/cordon-probe-developer`,
        'aws:PrincipalIsAWSService': 'false',
        'aws:ViaAWSService': 'false',
      },
      ['aws:requesttag/*', 'aws:tagkeys'],
    );
    for (const scp of ctx.inventory.serviceControlPolicies) {
      if (scp.content === undefined) continue;
      try {
        const hit = parsePolicyDocument(scp.content).statements.find(
          (s) =>
            s.effect === 'Deny' &&
            statementApplies(s, {
              principal: { account: ctx.scope.account },
              action: 'bedrock:CreateModelCustomizationJob',
              resource: `arn:aws:bedrock:${ctx.scope.region}:${ctx.scope.account}:model-customization-job/probe`,
              context: probe,
            }) === true,
        );
        if (hit)
          return [
            {
              status: 'pass',
              resource,
              origin: scp.origin,
              message: `SCP ${scp.name || scp.id} (${statementLabel(hit)}) denies CreateModelCustomizationJob to principals other than the ones it exempts`,
              evidence: { scp: scp.id },
            },
          ];
      } catch {
        continue;
      }
    }
    if (ctx.inventory.serviceControlPolicies.some((s) => s.content === undefined)) {
      return [
        {
          status: 'not-assessed',
          resource,
          message: 'some SCPs were listed without content (describe-policy missing)',
        },
      ];
    }
    return [
      {
        status: 'fail',
        resource,
        message: `any principal of account ${ctx.scope.account} allowed by IAM can create Bedrock customization jobs, with or without a VPC; no SCP restricts it (${jobs.length} job(s) in ${ctx.scope.region})`,
        evidence: { jobs: jobs.length },
      },
    ];
  },
});
