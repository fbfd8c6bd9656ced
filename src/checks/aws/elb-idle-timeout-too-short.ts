import { defineAwsCheck, type CheckResult } from '../types.js';

export default defineAwsCheck({
  id: 'aws-elb-idle-timeout-too-short',
  title: 'Application load balancer in front of AI workloads closes idle connections too early for streaming',
  severity: 'medium',
  service: 'elasticloadbalancing',
  resourceType: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
  rationale:
    'Seed 000 ("not accounting for model API streaming"): streamed responses (server-sent events) pause between tokens and long generations; an ALB idle timeout under 300 seconds (the default is 60) cuts them off, and teams then route around the proxy. The threshold is aws.min_idle_timeout_seconds in cordon.yaml. NAT gateways have a fixed 350-second idle timeout and are not checked.',
  remediation: {
    text: 'Raise idle_timeout.timeout_seconds to at least 300 on load balancers that serve model responses.',
    snippet: { language: 'terraform', code: 'resource "aws_lb" "inference" {\n  # …\n  idle_timeout = 300\n}' },
  },
  references: [
    'https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#connection-idle-timeout',
  ],
  seeds: ['000: Not accounting for model API streaming (idle timeout at least 300 seconds)'],
  requires: ['elbv2:load-balancers', 'ec2:subnets', 'ec2:vpc-endpoints'],
  run(ctx) {
    const min = ctx.settings.min_idle_timeout_seconds;
    const ai = ctx.zones.aiVpcs(ctx.scope);
    return ctx.inventory.loadBalancers
      .filter((lb) => lb.type === 'application' && lb.vpcId !== undefined && ai.has(lb.vpcId))
      .sort((a, b) => a.arn.localeCompare(b.arn))
      .map((lb): CheckResult => {
        const resource = { id: lb.name || lb.arn, arn: lb.arn, type: 'AWS::ElasticLoadBalancingV2::LoadBalancer' };
        if (!lb.attributesKnown)
          return {
            status: 'not-assessed',
            resource,
            origin: lb.origin,
            message: `attributes of ${lb.name} are not in the snapshot (describe-load-balancer-attributes)`,
          };
        const idle = lb.idleTimeoutSeconds ?? 60;
        const evidence = { idleTimeoutSeconds: idle, minimum: min, vpcId: lb.vpcId };
        return idle < min
          ? {
              status: 'fail',
              resource,
              origin: lb.origin,
              message: `load balancer ${lb.name} closes idle connections after ${idle} s (under ${min} s): streamed model responses get cut off`,
              evidence,
              remediation: {
                text: 'Raise the idle timeout.',
                snippet: {
                  language: 'shell',
                  code: `aws elbv2 modify-load-balancer-attributes --load-balancer-arn ${lb.arn} --attributes Key=idle_timeout.timeout_seconds,Value=${min}`,
                },
              },
            }
          : {
              status: 'pass',
              resource,
              origin: lb.origin,
              message: `load balancer ${lb.name} idle timeout is ${idle} s`,
              evidence,
            };
      });
  },
});
