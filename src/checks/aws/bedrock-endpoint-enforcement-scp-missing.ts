import { context } from '../../iam/conditions.js';
import { statementApplies } from '../../iam/evaluate.js';
import { parsePolicyDocument, statementLabel, type Statement } from '../../iam/policy.js';
import { BEDROCK_SERVICE } from '../../analysis/aws-zones.js';
import { defineAwsCheck } from '../types.js';

const ACTIONS = ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'];
const NETWORK_KEYS = [
  'aws:sourcevpce',
  'aws:sourcevpc',
  'aws:vpceorgid',
  'aws:vpceorgpaths',
  'aws:vpceaccount',
  'aws:vpcsourceip',
];

export default defineAwsCheck({
  id: 'aws-bedrock-endpoint-enforcement-scp-missing',
  title: 'No SCP forces Bedrock calls through VPC endpoints',
  severity: 'high',
  service: 'organizations',
  resourceType: 'AWS::Organizations::Policy',
  rationale:
    'Endpoints give a private path; they do not stop anyone from using the public one. Seed 001 ("Enforcing VPC Endpoint Usage") denies bedrock actions unless aws:SourceVpce, aws:SourceVpc or aws:VpceOrgID matches. cordon evaluates each SCP against an InvokeModel request that arrives without any endpoint (those keys absent, as IAM sees a public request) and passes only when a Deny surely applies. SCPs do not apply to the management account.',
  remediation: {
    text: 'Attach an SCP that denies Bedrock runtime actions unless the request comes through your endpoints; exempt calls AWS services make for you.',
    snippet: {
      language: 'json',
      code: JSON.stringify(
        {
          Version: '2012-10-17',
          Statement: [
            {
              Sid: 'DenyBedrockOutsideVpce',
              Effect: 'Deny',
              Action: ['bedrock:InvokeModel', 'bedrock:InvokeModelWithResponseStream'],
              Resource: '*',
              Condition: {
                StringNotEqualsIfExists: { 'aws:SourceVpce': ['vpce-0abc123def456789a', 'vpce-0abc123def456789b'] },
                BoolIfExists: { 'aws:ViaAWSService': 'false' },
              },
            },
          ],
        },
        null,
        2,
      ),
    },
  },
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourcevpce',
    'https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html',
  ],
  seeds: ['001: Enforcing VPC Endpoint Usage with IAM (SCP with aws:sourceVpce)'],
  requires: ['ec2:vpc-endpoints', 'organizations:scps'],
  run(ctx) {
    const usesBedrock =
      ctx.zones.bedrockVpcs(ctx.scope).size > 0 ||
      ctx.inventory.vpcEndpoints.some((e) => BEDROCK_SERVICE.test(e.service));
    if (!usesBedrock) return [];
    const org = ctx.inventory.organization;
    const resource = { id: ctx.scope.account, type: 'AWS::Organizations::Account' };
    if (org?.managementAccountId === ctx.scope.account) {
      return [
        {
          status: 'fail',
          resource,
          origin: org.origin,
          message: `account ${ctx.scope.account} is the organization's management account: SCPs do not apply to it, so nothing forces its Bedrock calls through endpoints; run AI workloads in member accounts`,
        },
      ];
    }
    const scps = ctx.inventory.serviceControlPolicies;
    const withoutContent = scps.filter((s) => s.content === undefined);
    const orgId = ctx.settings.organization_id ?? org?.id;
    const modelArn = `arn:aws:bedrock:${ctx.scope.region}::foundation-model/anthropic.claude-3-haiku-20240307-v1:0`;
    const publicCall = context(
      {
        'aws:PrincipalAccount': ctx.scope.account,
        'aws:RequestedRegion': ctx.scope.region,
        'aws:ViaAWSService': 'false',
        'aws:PrincipalIsAWSService': 'false',
        ...(orgId ? { 'aws:PrincipalOrgID': orgId } : {}),
      },
      NETWORK_KEYS,
    );
    const enforced = new Map<string, { scp: string; statement: string }>();
    let origin;
    for (const scp of scps) {
      if (scp.content === undefined) continue;
      let statements: Statement[];
      try {
        statements = parsePolicyDocument(scp.content).statements;
      } catch {
        continue;
      }
      for (const action of ACTIONS) {
        if (enforced.has(action)) continue;
        const hit = statements.find(
          (s) =>
            s.effect === 'Deny' &&
            statementApplies(s, {
              principal: { account: ctx.scope.account },
              action,
              resource: modelArn,
              context: publicCall,
            }) === true,
        );
        if (hit) {
          enforced.set(action, { scp: `${scp.name || scp.id} (${scp.id})`, statement: statementLabel(hit) });
          origin ??= scp.origin;
        }
      }
    }
    const open = ACTIONS.filter((a) => !enforced.has(a));
    const evidence = {
      enforcedBy: Object.fromEntries(enforced),
      notEnforced: open,
      scpsRead: scps.length - withoutContent.length,
      scpsWithoutContent: withoutContent.map((s) => s.id),
      attachmentVerified: false,
    };
    if (open.length === 0) {
      return [
        {
          status: 'pass',
          resource,
          ...(origin ? { origin } : {}),
          message: `SCP ${[...new Set([...enforced.values()].map((v) => v.scp))].join(', ')} denies Bedrock runtime calls that do not come through a VPC endpoint (attachment to this account is not verified from list-policies data)`,
          evidence,
        },
      ];
    }
    if (withoutContent.length > 0) {
      return [
        {
          status: 'not-assessed',
          resource,
          message: `${withoutContent.length} SCP(s) were listed without content (describe-policy missing): cannot tell whether ${open.join(', ')} is forced through endpoints`,
          evidence,
        },
      ];
    }
    return [
      {
        status: 'fail',
        resource,
        message: `no SCP denies ${open.join(' and ')} from outside a VPC endpoint: account ${ctx.scope.account} can reach Bedrock over the public endpoint`,
        evidence,
      },
    ];
  },
});
