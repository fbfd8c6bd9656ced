/**
 * Elastic Load Balancing v2 data sets of one account and region. describe-load-balancer-attributes does not
 * repeat the load balancer's ARN, so each output is written with it, as the CLI's
 * `--query '{LoadBalancerArn: `ARN`, Attributes: Attributes}'` would print it.
 */
import {
  DescribeLoadBalancerAttributesCommand,
  paginateDescribeLoadBalancers,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Limiter } from './limiter.js';
import { dependent, describeEach, failed, gather, ok, sortById, type DatasetOutcome } from './types.js';

export async function collectLoadBalancers(
  client: ElasticLoadBalancingV2Client,
  limit: Limiter,
): Promise<DatasetOutcome[]> {
  let lbs: Record<string, unknown>[];
  let list: DatasetOutcome;
  try {
    lbs = sortById(
      await limit(() => gather(paginateDescribeLoadBalancers({ client }, {}), 'LoadBalancers')),
      'LoadBalancerArn',
    );
    list = ok('elbv2:load-balancers', { name: 'describe-load-balancers.json', document: { LoadBalancers: lbs } });
  } catch (err) {
    list = failed('elbv2:load-balancers', 'elasticloadbalancing:DescribeLoadBalancers', err);
    return [
      list,
      dependent(
        'elbv2:load-balancer-attributes',
        'elasticloadbalancing:DescribeLoadBalancerAttributes',
        list.unavailable!,
      ),
    ];
  }
  if (lbs.length === 0) return [list, ok('elbv2:load-balancer-attributes')];
  try {
    const d = await describeEach(lbs, limit, async (lb) => {
      const LoadBalancerArn = typeof lb.LoadBalancerArn === 'string' ? lb.LoadBalancerArn : '';
      const r = await client.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn }));
      return { LoadBalancerArn, Attributes: r.Attributes ?? [] };
    });
    // Load balancers deleted since the list call are left out of the list too.
    return [
      ok('elbv2:load-balancers', { name: 'describe-load-balancers.json', document: { LoadBalancers: d.items } }),
      ok(
        'elbv2:load-balancer-attributes',
        ...(d.details.length ? [{ name: 'describe-load-balancer-attributes.json', document: d.details }] : []),
      ),
    ];
  } catch (err) {
    return [list, failed('elbv2:load-balancer-attributes', 'elasticloadbalancing:DescribeLoadBalancerAttributes', err)];
  }
}
