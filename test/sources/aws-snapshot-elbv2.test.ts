/**
 * The load-balancer data sets `cordon verify` follows, read from the AWS CLI's output: describe-listeners,
 * describe-target-groups, and the per-group outputs the documented commands wrap with the group's ARN
 * (describe-target-group-attributes, describe-target-health), plus the load balancer's security groups and an
 * interface's instance attachment. Bad items are located errors that leave their data set partial.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadAwsSnapshotFromTexts } from '../../src/sources/aws-snapshot/load.js';

const ACCOUNT = '111111111111';
const SCOPE = `${ACCOUNT}/us-east-1`;
const ARN = `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}`;
const LB = `${ARN}:loadbalancer/net/edge/1`;
const TG = `${ARN}:targetgroup/db/1`;
const TG2 = `${ARN}:targetgroup/web/2`;

const file = (name: string, doc: unknown) => ({
  name: `${ACCOUNT}/us-east-1/${name}`,
  text: JSON.stringify(doc, null, 2),
});
const manifest = file('cordon-manifest.json', {
  cordonSnapshot: 1,
  provider: 'aws',
  account: ACCOUNT,
  region: 'us-east-1',
  unavailable: [],
});

const lbs = file('describe-load-balancers.json', {
  LoadBalancers: [
    {
      LoadBalancerArn: LB,
      LoadBalancerName: 'edge',
      Type: 'network',
      Scheme: 'internet-facing',
      VpcId: 'vpc-1',
      AvailabilityZones: [{ ZoneName: 'us-east-1a', SubnetId: 'subnet-1' }],
      SecurityGroups: ['sg-lb'],
    },
  ],
});
const listeners = file('describe-listeners.json', {
  Listeners: [
    {
      ListenerArn: `${ARN}:listener/net/edge/1/a`,
      LoadBalancerArn: LB,
      Port: 5432,
      Protocol: 'TCP',
      DefaultActions: [
        { Type: 'forward', TargetGroupArn: TG },
        {
          Type: 'forward',
          ForwardConfig: { TargetGroups: [{ TargetGroupArn: TG2, Weight: 1 }, { TargetGroupArn: TG }] },
        },
      ],
    },
    {
      ListenerArn: `${ARN}:listener/net/edge/1/b`,
      LoadBalancerArn: LB,
      Port: 80,
      Protocol: 'TCP',
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
    },
  ],
});
const groups = file('describe-target-groups.json', {
  TargetGroups: [
    {
      TargetGroupArn: TG,
      TargetGroupName: 'db',
      Protocol: 'TCP',
      Port: 5432,
      VpcId: 'vpc-1',
      TargetType: 'ip',
      LoadBalancerArns: [LB],
    },
    { TargetGroupArn: TG2, TargetGroupName: 'web', Protocol: 'TCP', Port: 80, VpcId: 'vpc-1', LoadBalancerArns: [LB] },
  ],
});
const attributes = file('describe-target-group-attributes.json', [
  { TargetGroupArn: TG, Attributes: [{ Key: 'preserve_client_ip.enabled', Value: 'true' }] },
  { TargetGroupArn: TG2, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '300' }] },
]);
const health = file('describe-target-health.json', [
  {
    TargetGroupArn: TG,
    TargetHealthDescriptions: [
      {
        Target: { Id: '10.0.3.10', Port: 5432, AvailabilityZone: 'us-east-1a' },
        HealthCheckPort: '5432',
        TargetHealth: { State: 'unhealthy', Reason: 'Target.FailedHealthChecks' },
      },
    ],
  },
]);

const rules = file('describe-rules.json', {
  Rules: [
    {
      RuleArn: `${ARN}:listener-rule/net/edge/1/a/r1`,
      Priority: '1',
      Conditions: [{ Field: 'path-pattern', Values: ['/admin/*'] }],
      Actions: [{ Type: 'forward', TargetGroupArn: TG2 }],
      IsDefault: false,
    },
    {
      RuleArn: `${ARN}:listener-rule/net/edge/1/a/default`,
      Priority: 'default',
      Conditions: [],
      Actions: [{ Type: 'forward', TargetGroupArn: TG }],
      IsDefault: true,
    },
  ],
});

describe('AWS snapshot: load balancer listeners, target groups and targets', () => {
  it('joins describe-rules to the listener its rule ARNs name; a listener without rules read has none known', () => {
    const { inventory: inv, errors } = loadAwsSnapshotFromTexts([manifest, lbs, listeners, rules]);
    assert.deepEqual(errors, []);
    assert.deepEqual(
      inv.lbListeners.map((l) => [l.port, l.ruleForwardTo]),
      [
        [5432, [TG, TG2]],
        [80, undefined],
      ],
    );
    assert.ok(inv.datasets.get(SCOPE)!.has('elbv2:listener-rules'));
  });

  it('reads what verify follows, merging the wrapped per-group outputs into their groups', () => {
    const eni = file('describe-network-interfaces.json', {
      NetworkInterfaces: [
        {
          NetworkInterfaceId: 'eni-1',
          SubnetId: 'subnet-1',
          VpcId: 'vpc-1',
          AvailabilityZone: 'us-east-1a',
          PrivateIpAddress: '10.0.3.10',
          Attachment: { InstanceId: 'i-1', DeviceIndex: 0, NetworkCardIndex: 0, Status: 'attached' },
          Groups: [],
        },
      ],
    });
    const { inventory: inv, errors } = loadAwsSnapshotFromTexts([
      manifest,
      lbs,
      listeners,
      groups,
      attributes,
      health,
      eni,
    ]);
    assert.deepEqual(errors, []);
    assert.deepEqual(inv.loadBalancers[0]!.securityGroupIds, ['sg-lb']);
    assert.deepEqual(
      inv.lbListeners.map((l) => [l.port, l.protocol, l.forwardTo]),
      [
        [5432, 'TCP', [TG, TG2]],
        [80, 'TCP', []],
      ],
    );
    const [db, web] = inv.lbTargetGroups;
    assert.equal(db!.targetType, 'ip');
    assert.equal(db!.preserveClientIp, true);
    assert.deepEqual(db!.targets, [
      { id: '10.0.3.10', port: 5432, availabilityZone: 'us-east-1a', state: 'unhealthy' },
    ]);
    // Attributes read without the attribute: the default applies; targets not read: undefined, never [].
    assert.equal(web!.attributesKnown, true);
    assert.equal(web!.preserveClientIp, undefined);
    assert.equal(web!.targets, undefined);
    assert.equal(web!.targetType, undefined);
    const n = inv.networkInterfaces[0]!;
    assert.deepEqual([n.instanceId, n.deviceIndex, n.networkCardIndex], ['i-1', 0, 0]);
    const sets = inv.datasets.get(SCOPE)!;
    for (const d of ['elbv2:listeners', 'elbv2:target-groups', 'elbv2:target-group-attributes', 'elbv2:target-health'])
      assert.ok(sets.has(d as never), d);
  });

  it('counts the per-item data sets complete only where their list is empty', () => {
    const empty = loadAwsSnapshotFromTexts([
      manifest,
      file('describe-load-balancers.json', { LoadBalancers: [] }),
      file('describe-target-groups.json', { TargetGroups: [] }),
    ]).inventory.datasets.get(SCOPE)!;
    for (const d of ['elbv2:listeners', 'elbv2:target-group-attributes', 'elbv2:target-health'])
      assert.ok(empty.has(d as never), d);
    const withItems = loadAwsSnapshotFromTexts([manifest, lbs, groups]).inventory.datasets.get(SCOPE)!;
    for (const d of ['elbv2:listeners', 'elbv2:target-group-attributes', 'elbv2:target-health'])
      assert.equal(withItems.has(d as never), false, d);
  });

  it('a bad item is a located error and leaves its data set partial', () => {
    const bad = file('describe-target-health.json', [
      { TargetGroupArn: TG, TargetHealthDescriptions: [{ Target: { Port: 5432 } }] },
    ]);
    const { inventory: inv, errors } = loadAwsSnapshotFromTexts([manifest, lbs, groups, bad]);
    assert.equal(errors.length, 1);
    assert.match(errors[0]!.message, /missing required field Id/);
    assert.equal(errors[0]!.position.pointer, '/0/TargetHealthDescriptions/0/Target');
    assert.equal(errors[0]!.file, `${ACCOUNT}/us-east-1/describe-target-health.json`);
    assert.ok(errors[0]!.position.line !== undefined && errors[0]!.position.line > 1);
    assert.equal(inv.lbTargetGroups.find((g) => g.arn === TG)!.targets, undefined);
    assert.ok(inv.partial.get(SCOPE)?.has('elbv2:target-health'));
  });
});
