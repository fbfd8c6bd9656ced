import { EPHEMERAL_PORTS, evaluateNacl, type NaclVerdict } from '../../analysis/aws-network.js';
import type { AwsNetworkAcl, AwsSubnet } from '../../inventory/aws.js';
import { defineAwsCheck, type CheckResult } from '../types.js';
import { auditedEndpoints, endpointResource } from './support.js';

export default defineAwsCheck({
  id: 'aws-vpc-endpoint-nacl-blocks-callers',
  title: 'Network ACLs drop traffic between the calling zone and an AI endpoint',
  severity: 'medium',
  service: 'vpc',
  resourceType: 'AWS::EC2::VPCEndpoint',
  rationale:
    "The same timeout that looks like DNS (seed 004 pitfall 2) comes from network ACLs. They are stateless: a call needs TCP 443 out of the caller's subnet and into the endpoint's, and the reply needs the ephemeral ports (32768-60999 on Linux) out of the endpoint's subnet and back into the caller's. cordon evaluates the ACL rules in order for every caller subnet and endpoint subnet pair in different subnets.",
  remediation: {
    text: "Allow TCP 443 from the calling subnets into the endpoint subnets and the ephemeral ports back, in both subnets' network ACLs.",
    snippet: {
      language: 'terraform',
      code: 'resource "aws_network_acl_rule" "endpoint_replies" {\n  network_acl_id = aws_network_acl.endpoints.id\n  rule_number    = 110\n  egress         = true\n  protocol       = "tcp"\n  rule_action    = "allow"\n  cidr_block     = "10.0.2.0/24" # the calling zone\n  from_port      = 32768\n  to_port        = 60999\n}',
    },
  },
  references: [
    'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html',
    'https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html',
  ],
  seeds: ['004: pitfall 2 (traffic to the endpoint blocked; shows up as a timeout that looks like DNS)'],
  requires: ['ec2:vpc-endpoints', 'ec2:subnets', 'ec2:network-acls'],
  run(ctx) {
    const acls = ctx.inventory.networkAcls;
    const aclOf = (s: AwsSubnet): AwsNetworkAcl | undefined =>
      acls.find((a) => a.subnetIds.includes(s.id)) ?? acls.find((a) => a.vpcId === s.vpcId && a.isDefault);
    return auditedEndpoints(ctx, { interfaceOnly: true }).flatMap((e): CheckResult[] => {
      const callers = ctx.zones.callingSubnetsOfVpc(e.vpcId);
      const targets = e.subnetIds.map((id) => ctx.zones.subnet(id)).filter((s): s is AwsSubnet => s !== undefined);
      const pairs = callers.flatMap((c) =>
        targets.filter((t) => t.id !== c.id && c.cidr && t.cidr).map((t) => [c, t] as const),
      );
      if (pairs.length === 0) return [];
      const resource = endpointResource(ctx, e);
      const blocked: string[] = [];
      const unknown: string[] = [];
      for (const [c, t] of pairs) {
        const ca = aclOf(c);
        const ta = aclOf(t);
        if (!ca || !ta) {
          unknown.push(`${c.id} -> ${t.id}`);
          continue;
        }
        const legs: [string, NaclVerdict][] = [
          [`${ca.id} egress 443 to ${t.cidr}`, evaluateNacl(ca, true, t.cidr!, { from: 443, to: 443 })],
          [`${ta.id} ingress 443 from ${c.cidr}`, evaluateNacl(ta, false, c.cidr!, { from: 443, to: 443 })],
          [
            `${ta.id} egress ${EPHEMERAL_PORTS.from}-${EPHEMERAL_PORTS.to} to ${c.cidr}`,
            evaluateNacl(ta, true, c.cidr!, EPHEMERAL_PORTS),
          ],
          [
            `${ca.id} ingress ${EPHEMERAL_PORTS.from}-${EPHEMERAL_PORTS.to} from ${t.cidr}`,
            evaluateNacl(ca, false, t.cidr!, EPHEMERAL_PORTS),
          ],
        ];
        for (const [leg, v] of legs)
          if (v.kind !== 'allow')
            blocked.push(
              `${c.id} -> ${t.id}: ${leg} ${v.kind === 'deny' ? 'denied' : 'partly denied'} by rule ${v.rule === 32767 ? '*' : v.rule}`,
            );
      }
      const evidence = { pairs: pairs.length, blocked, noAclFound: unknown };
      if (blocked.length > 0)
        return [
          {
            status: 'fail',
            resource,
            origin: e.origin,
            message: `network ACLs block calls to ${e.service} endpoint ${e.id}: ${blocked[0]}${blocked.length > 1 ? ` (+${blocked.length - 1} more)` : ''}`,
            evidence,
          },
        ];
      if (unknown.length > 0)
        return [
          {
            status: 'not-assessed',
            resource,
            origin: e.origin,
            message: `no network ACL found for ${unknown.join(', ')}`,
            evidence,
          },
        ];
      return [
        {
          status: 'pass',
          resource,
          origin: e.origin,
          message: `network ACLs pass calls and replies between every calling subnet and ${e.id}`,
          evidence,
        },
      ];
    });
  },
});
