import { defineAwsCheck, type CheckResult } from '../types.js';

export default defineAwsCheck({
  id: 'aws-ai-vpc-dns-query-logging-missing',
  title: 'VPC hosting AI workloads does not log its DNS queries',
  severity: 'medium',
  service: 'route53resolver',
  resourceType: 'AWS::EC2::VPC',
  rationale:
    'Seed 000 asks for every DNS query to be logged: resolver query logs show whether AI service names resolve to the private endpoint or leak to public addresses, and carry the signals of DNS tunnelling. On AWS that is a Route 53 Resolver query logging configuration associated with the VPC and ACTIVE; an association in FAILED or ACTION_NEEDED state logs nothing.',
  remediation: {
    text: 'Associate a Route 53 Resolver query logging configuration with the VPC.',
    snippet: {
      language: 'terraform',
      code: 'resource "aws_route53_resolver_query_log_config_association" "ai" {\n  resolver_query_log_config_id = aws_route53_resolver_query_log_config.dns.id\n  resource_id                  = "vpc-…"\n}',
    },
  },
  references: [
    'https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resolver-query-logs.html',
    'https://docs.aws.amazon.com/Route53/latest/APIReference/API_route53resolver_ResolverQueryLogConfigAssociation.html',
  ],
  seeds: ['000: Monitoring — log all DNS queries'],
  requires: ['ec2:vpcs', 'ec2:subnets', 'ec2:vpc-endpoints', 'route53resolver:query-log-associations'],
  run(ctx) {
    const associations = ctx.inventory.resolverQueryLogAssociations;
    return [...ctx.zones.aiVpcs(ctx.scope)].map(([vpcId, reasons]): CheckResult => {
      const resource = { id: vpcId, type: 'AWS::EC2::VPC' };
      const mine = associations.filter((a) => a.vpcId === vpcId);
      const active = mine.find((a) => a.status === undefined || a.status === 'ACTIVE');
      // CREATING logs nothing yet and may still end FAILED: not a pass until it is ACTIVE.
      const creating = mine.find((a) => a.status === 'CREATING');
      if (active)
        return {
          status: 'pass',
          resource,
          origin: active.origin,
          message: `VPC ${vpcId} logs DNS queries through ${active.configId} (association ${active.id}${active.status ? `, ${active.status}` : ''})`,
          evidence: { whyThisVpc: reasons },
        };
      if (creating)
        return {
          status: 'not-assessed',
          resource,
          origin: creating.origin,
          message: `VPC ${vpcId}'s query logging association ${creating.id} is still CREATING: logging is not confirmed until it is ACTIVE (collect again)`,
          evidence: { whyThisVpc: reasons },
        };
      const origin = mine[0]?.origin ?? ctx.zones.vpc(vpcId)?.origin;
      return {
        status: 'fail',
        resource,
        ...(origin ? { origin } : {}),
        message:
          mine.length === 0
            ? `VPC ${vpcId} hosts AI workloads but no Resolver query logging is associated with it: DNS leaks and tunnelling go unseen`
            : `VPC ${vpcId}'s query logging association(s) log nothing: ${mine.map((a) => `${a.id} ${a.status ?? ''}${a.error ? ` (${a.error})` : ''}`).join(', ')}`,
        evidence: { whyThisVpc: reasons },
        remediation: {
          text: 'Associate a Route 53 Resolver query logging configuration with the VPC.',
          snippet: {
            language: 'terraform',
            code: `resource "aws_route53_resolver_query_log_config_association" "${vpcId.replace(/-/g, '_')}" {\n  resolver_query_log_config_id = aws_route53_resolver_query_log_config.dns.id\n  resource_id                  = "${vpcId}"\n}`,
          },
        },
      };
    });
  },
});
