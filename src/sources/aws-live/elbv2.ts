/**
 * Elastic Load Balancing v2 data sets of one account and region: load balancers and their attributes, each load
 * balancer's listeners, target groups with their attributes and registered targets (what `cordon verify` follows
 * from a front end to the interfaces behind it). describe-load-balancer-attributes, describe-target-group-attributes
 * and describe-target-health do not repeat the ARN they were asked about, so each output is written with it, as the
 * CLI's `--query '{LoadBalancerArn: `ARN`, Attributes: Attributes}'` (and the like) would print it.
 */
import {
  DescribeLoadBalancerAttributesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetHealthCommand,
  paginateDescribeListeners,
  paginateDescribeLoadBalancers,
  paginateDescribeRules,
  paginateDescribeTargetGroups,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsDataset } from '../../inventory/aws.js';
import type { Limiter } from './limiter.js';
import { dependent, describeEach, failed, gather, ok, sortById, type DatasetOutcome } from './types.js';

type Item = Record<string, unknown>;
const arnOf = (x: Item, field: string) => (typeof x[field] === 'string' ? x[field] : '');

export async function collectLoadBalancers(
  client: ElasticLoadBalancingV2Client,
  limit: Limiter,
): Promise<DatasetOutcome[]> {
  const [lbs, groups] = await Promise.all([loadBalancers(client, limit), targetGroups(client, limit)]);
  return [...lbs, ...groups];
}

async function loadBalancers(client: ElasticLoadBalancingV2Client, limit: Limiter): Promise<DatasetOutcome[]> {
  let lbs: Item[];
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
      dependent('elbv2:listeners', 'elasticloadbalancing:DescribeListeners', list.unavailable!),
      dependent('elbv2:listener-rules', 'elasticloadbalancing:DescribeRules', list.unavailable!),
    ];
  }
  if (lbs.length === 0)
    return [list, ok('elbv2:load-balancer-attributes'), ok('elbv2:listeners'), ok('elbv2:listener-rules')];
  const [attributes, listeners] = await Promise.all([
    perItem(lbs, limit, 'LoadBalancerArn', 'elbv2:load-balancer-attributes', async (LoadBalancerArn) => {
      const r = await client.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn }));
      return [{ LoadBalancerArn, Attributes: r.Attributes ?? [] }];
    }),
    perItem(lbs, limit, 'LoadBalancerArn', 'elbv2:listeners', (LoadBalancerArn) =>
      gather(paginateDescribeListeners({ client }, { LoadBalancerArn }), 'Listeners'),
    ),
  ]);
  // Load balancers deleted since the list call are left out of the list too (only what both reads kept).
  const kept = stillThere([attributes, listeners]);
  const outcomes: DatasetOutcome[] = [
    ok('elbv2:load-balancers', {
      name: 'describe-load-balancers.json',
      document: { LoadBalancers: lbs.filter((lb) => kept(arnOf(lb, 'LoadBalancerArn'))) },
    }),
  ];
  outcomes.push(
    attributes.failed ??
      ok(
        'elbv2:load-balancer-attributes',
        ...(attributes.details.length
          ? [{ name: 'describe-load-balancer-attributes.json', document: attributes.details }]
          : []),
      ),
  );
  if (listeners.failed) {
    outcomes.push(
      listeners.failed,
      dependent('elbv2:listener-rules', 'elasticloadbalancing:DescribeRules', listeners.failed.unavailable!),
    );
    return outcomes;
  }
  // Rules forward to more target groups than the default actions; only Application Load Balancers have any.
  const all = sortById(listeners.details, 'ListenerArn');
  const alb = all.filter((l) => arnOf(l, 'ListenerArn').includes(':listener/app/'));
  const rules = await perItem(alb, limit, 'ListenerArn', 'elbv2:listener-rules', (ListenerArn) =>
    gather(paginateDescribeRules({ client }, { ListenerArn }), 'Rules'),
  );
  // A listener deleted since it was listed is left out of the listeners too.
  const keptListener = stillThere([rules]);
  outcomes.push(
    ok('elbv2:listeners', {
      name: 'describe-listeners.json',
      document: {
        Listeners: all.filter((l) => !alb.includes(l) || keptListener(arnOf(l, 'ListenerArn'))),
      },
    }),
    rules.failed ??
      ok('elbv2:listener-rules', {
        name: 'describe-rules.json',
        document: { Rules: sortById(rules.details, 'RuleArn') },
      }),
  );
  return outcomes;
}

async function targetGroups(client: ElasticLoadBalancingV2Client, limit: Limiter): Promise<DatasetOutcome[]> {
  let groups: Item[];
  try {
    groups = sortById(
      await limit(() => gather(paginateDescribeTargetGroups({ client }, {}), 'TargetGroups')),
      'TargetGroupArn',
    );
  } catch (err) {
    const list = failed('elbv2:target-groups', 'elasticloadbalancing:DescribeTargetGroups', err);
    return [
      list,
      dependent(
        'elbv2:target-group-attributes',
        'elasticloadbalancing:DescribeTargetGroupAttributes',
        list.unavailable!,
      ),
      dependent('elbv2:target-health', 'elasticloadbalancing:DescribeTargetHealth', list.unavailable!),
    ];
  }
  const list = (items: Item[]) =>
    ok('elbv2:target-groups', { name: 'describe-target-groups.json', document: { TargetGroups: items } });
  if (groups.length === 0) return [list([]), ok('elbv2:target-group-attributes'), ok('elbv2:target-health')];
  const [attributes, health] = await Promise.all([
    perItem(groups, limit, 'TargetGroupArn', 'elbv2:target-group-attributes', async (TargetGroupArn) => {
      const r = await client.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn }));
      return [{ TargetGroupArn, Attributes: r.Attributes ?? [] }];
    }),
    perItem(groups, limit, 'TargetGroupArn', 'elbv2:target-health', async (TargetGroupArn) => {
      const r = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn }));
      return [{ TargetGroupArn, TargetHealthDescriptions: r.TargetHealthDescriptions ?? [] }];
    }),
  ]);
  const kept = stillThere([attributes, health]);
  return [
    list(groups.filter((g) => kept(arnOf(g, 'TargetGroupArn')))),
    attributes.failed ??
      ok('elbv2:target-group-attributes', {
        name: 'describe-target-group-attributes.json',
        document: attributes.details,
      }),
    health.failed ?? ok('elbv2:target-health', { name: 'describe-target-health.json', document: health.details }),
  ];
}

const ACTIONS: Partial<Record<AwsDataset, string>> = {
  'elbv2:load-balancer-attributes': 'elasticloadbalancing:DescribeLoadBalancerAttributes',
  'elbv2:listeners': 'elasticloadbalancing:DescribeListeners',
  'elbv2:listener-rules': 'elasticloadbalancing:DescribeRules',
  'elbv2:target-group-attributes': 'elasticloadbalancing:DescribeTargetGroupAttributes',
  'elbv2:target-health': 'elasticloadbalancing:DescribeTargetHealth',
};

/**
 * One call (or paginated list) per item: the outputs in the items' order, the ARNs of the items still there (an item
 * deleted since the list call is dropped), or the data set unavailable when any call fails otherwise.
 */
async function perItem(
  items: Item[],
  limit: Limiter,
  field: string,
  dataset: AwsDataset,
  read: (arn: string) => Promise<Item[]>,
): Promise<{ details: Item[]; kept?: Set<string>; failed?: DatasetOutcome }> {
  try {
    const d = await describeEach(items, limit, (item) => read(arnOf(item, field)));
    return { details: d.details.flat(), kept: new Set(d.items.map((x) => arnOf(x, field))) };
  } catch (err) {
    return { details: [], failed: failed(dataset, ACTIONS[dataset]!, err) };
  }
}

/** Whether an item is still there for every per-item read that succeeded. */
function stillThere(reads: { kept?: Set<string> }[]): (arn: string) => boolean {
  const sets = reads.flatMap((r) => (r.kept ? [r.kept] : []));
  return (arn) => sets.every((s) => s.has(arn));
}
