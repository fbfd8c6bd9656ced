/**
 * The load-balancer paths' data sets through the real ELBv2 SDK client against the fake server on 127.0.0.1:
 * listeners per load balancer and target groups followed page by page, the per-group outputs written with the
 * group's ARN, a denied call recorded as unavailable (its data set only) and read back so, and a group deleted
 * between the list and the describe call dropped from both.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectAws } from '../../src/sources/aws-live/collect.js';
import { loadAwsSnapshot } from '../../src/sources/aws-snapshot/load.js';
import { startFakeAws, type FakeOptions } from '../support/fake-aws-server.js';
import { CALLER, FAKE_CREDENTIALS, fixtureWorld, readTree, tempOut } from '../support/fake-aws-helpers.js';

const ARN = `arn:aws:elasticloadbalancing:us-east-1:${CALLER}`;
const LB = `${ARN}:loadbalancer/app/inference-gw/50dc6c495c0c9188`;
const TG_A = `${ARN}:targetgroup/a/1`;
const TG_B = `${ARN}:targetgroup/b/2`;

/** The fixture world with two more listeners on its load balancer and two more target groups. */
function world() {
  const w = fixtureWorld();
  const region = w.data[CALLER]!['us-east-1']!;
  for (const [i, tg] of [TG_A, TG_B].entries()) {
    region.listeners.push({
      ListenerArn: `${ARN}:listener/app/inference-gw/50dc6c495c0c9188/${i}`,
      LoadBalancerArn: LB,
      Port: 8000 + i,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: tg }],
    });
    region.targetGroups.push({
      TargetGroupArn: tg,
      TargetGroupName: i ? 'b' : 'a',
      Protocol: 'HTTP',
      Port: 8000 + i,
      VpcId: 'vpc-0a11',
      TargetType: 'ip',
      LoadBalancerArns: [LB],
    });
    region.tgAttributes.push({ TargetGroupArn: tg, Attributes: [{ Key: 'stickiness.enabled', Value: 'false' }] });
    region.targetHealth.push({
      TargetGroupArn: tg,
      TargetHealthDescriptions: [
        { Target: { Id: `10.1.1.${20 + i}`, Port: 8000 + i }, TargetHealth: { State: 'initial' } },
      ],
    });
  }
  return w;
}

async function collect(opts: Omit<FakeOptions, 'world'> & { world: FakeOptions['world'] }) {
  const fake = await startFakeAws(opts);
  const out = tempOut();
  try {
    const summary = await collectAws({
      out,
      credentials: FAKE_CREDENTIALS,
      endpoint: fake.endpoint,
      env: {},
      homeRegion: 'us-east-1',
      regions: ['us-east-1'],
    });
    return { summary, out, tree: readTree(out), calls: fake.calls };
  } finally {
    await fake.close();
  }
}

const file = (name: string) => `${CALLER}/us-east-1/${name}`;

describe('collect aws: load balancer listeners, target groups and targets', () => {
  it('follows every page and writes each per-group output with its group’s ARN', async () => {
    const { summary, out, tree, calls } = await collect({ world: world(), pageSize: 1 });
    assert.deepEqual(summary.scopes.find((s) => s.account === CALLER)!.unavailable, []);
    const listeners = tree.get(file('describe-listeners.json')) as { Listeners: { Port: number }[] };
    assert.deepEqual(
      listeners.Listeners.map((l) => l.Port),
      [8000, 8001, 443], // by ListenerArn
    );
    const groups = tree.get(file('describe-target-groups.json')) as { TargetGroups: { TargetGroupArn: string }[] };
    assert.equal(groups.TargetGroups.length, 3);
    assert.ok(calls.filter((c) => c.action === 'elasticloadbalancing:DescribeListeners').length >= 3, 'paged');
    assert.ok(calls.filter((c) => c.action === 'elasticloadbalancing:DescribeTargetGroups').length >= 3, 'paged');
    const health = tree.get(file('describe-target-health.json')) as { TargetGroupArn: string }[];
    assert.deepEqual(
      health.map((h) => h.TargetGroupArn),
      groups.TargetGroups.map((g) => g.TargetGroupArn),
    );
    const attributes = tree.get(file('describe-target-group-attributes.json')) as { TargetGroupArn: string }[];
    assert.equal(attributes.length, 3);
    // Read back: every target group carries its attributes and targets.
    const { inventory: inv, errors } = await loadAwsSnapshot(out);
    assert.deepEqual(errors, []);
    assert.ok(inv.lbTargetGroups.every((g) => g.attributesKnown && g.targets?.length === 1));
    assert.deepEqual(
      inv.lbListeners.map((l) => l.forwardTo.length),
      [1, 1, 1],
    );
  });

  it('records a denied DescribeTargetHealth as that data set unavailable, and reads the rest', async () => {
    const { summary, out, tree } = await collect({
      world: world(),
      deny: [{ action: 'elasticloadbalancing:DescribeTargetHealth' }],
    });
    const scope = summary.scopes.find((s) => s.account === CALLER)!;
    assert.deepEqual(
      scope.unavailable.map((u) => [u.dataset, u.action]),
      [['elbv2:target-health', 'elasticloadbalancing:DescribeTargetHealth']],
    );
    assert.equal(tree.has(file('describe-target-health.json')), false);
    assert.equal(tree.has(file('describe-target-group-attributes.json')), true);
    const { inventory: inv, errors } = await loadAwsSnapshot(out);
    assert.deepEqual(errors, []);
    assert.ok(inv.unavailable.get(`${CALLER}/us-east-1`)?.has('elbv2:target-health'));
    assert.equal(inv.datasets.get(`${CALLER}/us-east-1`)?.has('elbv2:target-health'), false);
    assert.ok(inv.lbTargetGroups.every((g) => g.targets === undefined && g.attributesKnown));
  });

  it('a denied DescribeTargetGroups makes its per-group data sets unavailable too', async () => {
    const { summary } = await collect({
      world: world(),
      deny: [{ action: 'elasticloadbalancing:DescribeTargetGroups' }],
    });
    const scope = summary.scopes.find((s) => s.account === CALLER)!;
    assert.deepEqual(
      scope.unavailable.map((u) => [u.dataset, u.kind]),
      [
        ['elbv2:target-group-attributes', 'dependency'],
        ['elbv2:target-groups', 'denied'],
        ['elbv2:target-health', 'dependency'],
      ],
    );
    assert.ok(scope.collected.includes('elbv2:listeners'));
  });

  it('drops a target group deleted between the list and the describe call from both', async () => {
    const w = world();
    const region = w.data[CALLER]!['us-east-1']!;
    region.targetHealth = region.targetHealth.filter((h) => h.TargetGroupArn !== TG_B);
    const { summary, out } = await collect({ world: w });
    assert.deepEqual(summary.scopes.find((s) => s.account === CALLER)!.unavailable, []);
    const { inventory: inv, errors } = await loadAwsSnapshot(out);
    assert.deepEqual(errors, []);
    assert.deepEqual(inv.lbTargetGroups.map((g) => g.name).sort(), ['a', 'inference-api']);
    assert.ok(inv.lbTargetGroups.every((g) => g.targets !== undefined));
  });
});
