import { AWS_V2_DEFAULT } from '../../flows/readers/aws-fields.js';
import type { AwsFlowLog } from '../../inventory/aws.js';
import { defineAwsCheck, type CheckResult } from '../types.js';

/**
 * Fields `cordon flows` needs from a VPC flow log: the 5-tuple, action, volume and time, the interface for visibility
 * gaps, the original packet addresses (behind a NAT gateway or a load balancer srcaddr/dstaddr are the
 * intermediary's) and the direction of the flow.
 */
export const MONITOR_FIELDS = [
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'bytes',
  'start',
  'end',
  'action',
  'pkt-srcaddr',
  'pkt-dstaddr',
  'flow-direction',
] as const;

const FORMAT = MONITOR_FIELDS.map((f) => `\${${f}}`).join(' ');

/** What keeps a flow log from feeding the monitor; empty when it does. */
export function flowLogProblems(log: AwsFlowLog): string[] {
  const problems: string[] = [];
  if (log.status !== undefined && log.status !== 'ACTIVE') problems.push(`status ${log.status}`);
  if (log.deliverStatus === 'FAILED') problems.push('delivery FAILED (the destination or its permissions are broken)');
  if (log.trafficType !== undefined && log.trafficType !== 'ALL')
    problems.push(
      `captures only ${log.trafficType} traffic (ALL is needed: ${log.trafficType === 'ACCEPT' ? 'rejected attempts' : 'accepted flows'} go unseen)`,
    );
  const fields = log.logFormat
    ? [...log.logFormat.matchAll(/\$\{([a-z0-9-]+)\}/g)].map((m) => m[1]!)
    : (AWS_V2_DEFAULT as readonly string[]);
  const missing = MONITOR_FIELDS.filter((f) => !fields.includes(f));
  if (missing.length > 0)
    problems.push(`${log.logFormat ? 'its log format' : 'the default log format'} lacks ${missing.join(', ')}`);
  return problems;
}

export default defineAwsCheck({
  id: 'aws-ai-vpc-flow-logs-missing',
  title: 'VPC hosting AI workloads has no flow log that can feed the flow monitor',
  severity: 'medium',
  service: 'vpc',
  resourceType: 'AWS::EC2::VPC',
  rationale:
    'Seed 000 asks for all traffic between zones to be captured by VPC flow logs, so that traffic breaking the zone intent is seen (cordon flows). A VPC with AI workloads needs an active flow log on the VPC (or on every one of its subnets) that records ALL traffic, delivers successfully, and carries the fields the monitor needs: without pkt-srcaddr/pkt-dstaddr a flow through a NAT gateway shows the gateway, not the workload, and without flow-direction ingress and egress cannot be told apart.',
  remediation: {
    text: 'Create a VPC-level flow log with traffic type ALL and a custom format that includes the monitor fields.',
    snippet: {
      language: 'terraform',
      code: `resource "aws_flow_log" "ai" {\n  vpc_id          = "vpc-…"\n  traffic_type    = "ALL"\n  log_destination = aws_s3_bucket.flow_logs.arn\n  log_destination_type = "s3"\n  log_format      = "${FORMAT.replace(/\$/g, '$$$$')}"\n}`,
    },
  },
  references: [
    'https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html',
    'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_FlowLog.html',
  ],
  seeds: ['000: Monitoring — capture all traffic between zones with VPC flow logs'],
  requires: ['ec2:vpcs', 'ec2:subnets', 'ec2:vpc-endpoints', 'ec2:flow-logs'],
  run(ctx) {
    const logs = ctx.inventory.flowLogs;
    const byResource = new Map<string, AwsFlowLog[]>();
    for (const l of logs) byResource.set(l.resourceId, [...(byResource.get(l.resourceId) ?? []), l]);
    const good = (id: string) => (byResource.get(id) ?? []).find((l) => flowLogProblems(l).length === 0);
    return [...ctx.zones.aiVpcs(ctx.scope)].map(([vpcId, reasons]): CheckResult => {
      const resource = { id: vpcId, type: 'AWS::EC2::VPC' };
      const subnets = ctx.zones.subnetsOfVpc(vpcId).map((s) => s.id);
      const vpcLog = good(vpcId);
      const uncovered = subnets.filter((s) => !good(s));
      if (vpcLog || (subnets.length > 0 && uncovered.length === 0)) {
        const via = vpcLog ? `flow log ${vpcLog.id} on the VPC` : `subnet flow logs on all ${subnets.length} subnets`;
        return {
          status: 'pass',
          resource,
          ...(vpcLog ? { origin: vpcLog.origin } : {}),
          message: `VPC ${vpcId} is covered by ${via} (ALL traffic, monitor fields present)`,
          evidence: { whyThisVpc: reasons },
        };
      }
      const candidates = [...(byResource.get(vpcId) ?? []), ...subnets.flatMap((s) => byResource.get(s) ?? [])];
      const problems = candidates.map((l) => `${l.id} on ${l.resourceId}: ${flowLogProblems(l).join('; ')}`);
      const origin = candidates[0]?.origin ?? ctx.zones.vpc(vpcId)?.origin;
      return {
        status: 'fail',
        resource,
        ...(origin ? { origin } : {}),
        message:
          candidates.length === 0
            ? `VPC ${vpcId} hosts AI workloads but has no flow log on the VPC or its subnets: traffic between zones is not recorded`
            : `VPC ${vpcId} has no flow log that can feed the monitor: ${problems.join(' | ')}`,
        evidence: {
          whyThisVpc: reasons,
          ...(uncovered.length > 0 && uncovered.length < subnets.length ? { subnetsWithoutUsableLog: uncovered } : {}),
          ...(problems.length > 0 ? { flowLogs: problems } : {}),
        },
        remediation: {
          text: 'Create a VPC-level flow log with traffic type ALL and the monitor fields.',
          snippet: {
            language: 'terraform',
            code: `resource "aws_flow_log" "${vpcId.replace(/-/g, '_')}" {\n  vpc_id               = "${vpcId}"\n  traffic_type         = "ALL"\n  log_destination_type = "s3"\n  log_destination      = aws_s3_bucket.flow_logs.arn\n  log_format           = "${FORMAT.replace(/\$/g, '$$$$')}"\n}`,
          },
        },
      };
    });
  },
});
