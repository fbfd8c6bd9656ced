import { defineAwsCheck, type CheckResult } from '../types.js';

export default defineAwsCheck({
  id: 'aws-vpc-dns-resolution-disabled',
  title: 'VPC hosting AI workloads has DNS support or DNS hostnames disabled',
  severity: 'high',
  service: 'vpc',
  resourceType: 'AWS::EC2::VPC',
  rationale:
    'Private DNS for interface endpoints only works when the VPC has both enableDnsSupport and enableDnsHostnames. With either off, service hostnames resolve to public addresses and traffic bypasses the endpoints.',
  remediation: {
    text: 'Turn on both VPC DNS attributes.',
    snippet: {
      language: 'terraform',
      code: 'resource "aws_vpc" "ai" {\n  # …\n  enable_dns_support   = true\n  enable_dns_hostnames = true\n}',
    },
  },
  references: ['https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html#vpc-dns-support'],
  seeds: ['004: pitfall 1 (enableDnsSupport and enableDnsHostnames must be on)', '000: Forgetting about DNS'],
  requires: ['ec2:vpcs', 'ec2:subnets', 'ec2:vpc-endpoints', 'ec2:vpc-attributes'],
  run(ctx) {
    const out: CheckResult[] = [];
    const attrs = ctx.inventory.vpcAttributes;
    for (const [vpcId, reasons] of ctx.zones.aiVpcs(ctx.scope)) {
      const mine = attrs.filter((a) => a.vpcId === vpcId);
      const support = mine.find((a) => a.enableDnsSupport !== undefined);
      const hostnames = mine.find((a) => a.enableDnsHostnames !== undefined);
      const resource = { id: vpcId, type: 'AWS::EC2::VPC' };
      if (!support || !hostnames) {
        const lacking = [!support && 'enableDnsSupport', !hostnames && 'enableDnsHostnames']
          .filter(Boolean)
          .join(' and ');
        out.push({
          status: 'not-assessed',
          resource,
          message: `no describe-vpc-attribute output for ${lacking} of ${vpcId}`,
          evidence: { whyThisVpc: reasons },
        });
        continue;
      }
      const off = [
        support.enableDnsSupport === false && 'enableDnsSupport',
        hostnames.enableDnsHostnames === false && 'enableDnsHostnames',
      ].filter((x): x is string => typeof x === 'string');
      const origin = (off.includes('enableDnsSupport') ? support : off.length > 0 ? hostnames : support).origin;
      out.push({
        status: off.length > 0 ? 'fail' : 'pass',
        resource,
        origin,
        message:
          off.length > 0
            ? `VPC ${vpcId} has ${off.join(' and ')} off: endpoint private DNS cannot work, service names resolve to public addresses`
            : `VPC ${vpcId} has DNS support and DNS hostnames on`,
        evidence: {
          enableDnsSupport: support.enableDnsSupport,
          enableDnsHostnames: hostnames.enableDnsHostnames,
          whyThisVpc: reasons,
        },
        ...(off.length > 0
          ? {
              remediation: {
                text: 'Turn the attributes on.',
                snippet: {
                  language: 'shell',
                  code: off
                    .map(
                      (a) =>
                        `aws ec2 modify-vpc-attribute --region ${ctx.scope.region} --vpc-id ${vpcId} --${a.replace(/[A-Z]/g, (c) => '-' + c.toLowerCase())} '{"Value":true}'`,
                    )
                    .join('\n'),
                },
              },
            }
          : {}),
      });
    }
    return out;
  },
});
