import { defineAwsCheck } from '../types.js';
import { auditedEndpoints, endpointResource } from './support.js';

export default defineAwsCheck({
  id: 'aws-vpc-endpoint-private-dns-disabled',
  title: 'AI interface endpoint has private DNS disabled',
  severity: 'high',
  service: 'vpc',
  resourceType: 'AWS::EC2::VPCEndpoint',
  rationale:
    'With private DNS off, the service hostname (bedrock-runtime.<region>.amazonaws.com) still resolves to public addresses, so SDKs keep using the public endpoint and the interface endpoint carries nothing.',
  remediation: {
    text: 'Enable private DNS on the endpoint (the VPC needs enableDnsSupport and enableDnsHostnames).',
    snippet: { language: 'shell', code: 'aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-… --private-dns-enabled' },
  },
  references: [
    'https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#interface-endpoint-private-dns',
  ],
  seeds: ['000: Forgetting about DNS', '001: DNS not resolving to private IP'],
  requires: ['ec2:vpc-endpoints'],
  run(ctx) {
    return auditedEndpoints(ctx, { interfaceOnly: true }).map((e) => ({
      status: e.privateDnsEnabled ? 'pass' : 'fail',
      resource: endpointResource(ctx, e),
      origin: e.origin,
      message: e.privateDnsEnabled
        ? `${e.service} endpoint ${e.id} has private DNS enabled`
        : `${e.service} endpoint ${e.id} has private DNS disabled: ${e.service}.${ctx.scope.region}.amazonaws.com still resolves to public addresses`,
      evidence: { service: e.serviceName, privateDnsEnabled: e.privateDnsEnabled },
      ...(e.privateDnsEnabled
        ? {}
        : {
            remediation: {
              text: 'Enable private DNS on the endpoint.',
              snippet: {
                language: 'shell',
                code: `aws ec2 modify-vpc-endpoint --region ${ctx.scope.region} --vpc-endpoint-id ${e.id} --private-dns-enabled`,
              },
            },
          }),
    }));
  },
});
