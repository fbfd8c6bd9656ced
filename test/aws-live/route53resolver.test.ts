/**
 * The Route 53 Resolver calls are made without the SDK (see src/sources/aws-live/route53resolver.ts): their signing,
 * paging, throttling retry and denied-call handling are proved against the fake server, and what they write is read
 * back by the snapshot reader.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { collectAws } from '../../src/sources/aws-live/collect.js';
import { loadAwsSnapshot, loadAwsSnapshotFromTexts } from '../../src/sources/aws-snapshot/load.js';
import type { InputError } from '../../src/util/errors.js';
import { startFakeAws } from '../support/fake-aws-server.js';
import { CALLER, FAKE_CREDENTIALS, fixtureWorld, tempOut } from '../support/fake-aws-helpers.js';

const ACTION = 'route53resolver:ListResolverQueryLogConfigAssociations';

/** One collection of us-east-1 against the fake server (and the member accounts with `org`). */
function collect(endpoint: string, out = tempOut(), org = false) {
  return collectAws({
    out,
    endpoint,
    credentials: FAKE_CREDENTIALS,
    env: {},
    homeRegion: 'us-east-1',
    regions: ['us-east-1'],
    ...(org ? { org: true, roleName: 'CordonAudit' } : {}),
  });
}

describe('route53resolver query logging associations', () => {
  it('pages, retries a throttled call and writes the CLI shape', async () => {
    const world = fixtureWorld();
    const region = world.data[CALLER]!['us-east-1']!;
    region.queryLogAssociations = [
      ...region.queryLogAssociations,
      { Id: 'rqlca-0a12', ResolverQueryLogConfigId: 'rqlc-0a11', ResourceId: 'vpc-other', Status: 'FAILED' },
    ];
    const fake = await startFakeAws({ world, pageSize: 1, throttleOnce: [{ action: ACTION }] });
    try {
      const out = tempOut();
      const summary = await collect(fake.endpoint, out);
      const calls = fake.calls.filter((c) => c.action === ACTION && c.account === CALLER);
      assert.equal(calls.length, 3, 'two pages and one throttled retry');
      const written = JSON.parse(
        readFileSync(path.join(out, CALLER, 'us-east-1', 'list-resolver-query-log-config-associations.json'), 'utf8'),
      ) as { ResolverQueryLogConfigAssociations: { Id: string }[] };
      assert.deepEqual(
        written.ResolverQueryLogConfigAssociations.map((a) => a.Id),
        ['rqlca-0a11', 'rqlca-0a12'],
      );
      assert.ok(summary.scopes.every((s) => s.collected.includes('route53resolver:query-log-associations')));
    } finally {
      await fake.close();
    }
  });

  it('a denied call makes the data set unavailable and names the action', async () => {
    const fake = await startFakeAws({ world: fixtureWorld(), deny: [{ action: ACTION }] });
    try {
      const summary = await collect(fake.endpoint);
      const u = summary.scopes[0]!.unavailable.find((x) => x.dataset === 'route53resolver:query-log-associations');
      assert.equal(u?.action, ACTION);
      assert.match(u?.reason ?? '', /AccessDenied|not authorized/);
    } finally {
      await fake.close();
    }
  });
});

describe('route53resolver rules and their VPC associations', () => {
  const RULES = 'route53resolver:ListResolverRules';
  const ASSOCIATIONS = 'route53resolver:ListResolverRuleAssociations';

  it('pages both lists, writes the CLI files, and the reader gives each scope its rules (a shared one included)', async () => {
    const fake = await startFakeAws({ world: fixtureWorld(), pageSize: 1, throttleOnce: [{ action: RULES }] });
    try {
      const out = tempOut();
      const summary = await collect(fake.endpoint, out, true);
      const calls = (action: string) => fake.calls.filter((c) => c.action === action && c.account === CALLER);
      assert.equal(calls(RULES).length, 3, 'two pages and one throttled retry');
      assert.equal(calls(ASSOCIATIONS).length, 2, 'two pages');
      const written = JSON.parse(
        readFileSync(path.join(out, CALLER, 'us-east-1', 'list-resolver-rules.json'), 'utf8'),
      ) as { ResolverRules: { Id: string }[] };
      assert.deepEqual(
        written.ResolverRules.map((r) => r.Id),
        ['rslvr-autodefined-rr-internet-resolver', 'rslvr-rr-0a11'],
      );
      for (const s of summary.scopes)
        for (const d of ['route53resolver:resolver-rules', 'route53resolver:resolver-rule-associations'] as const)
          assert.ok(s.collected.includes(d), `${s.account} ${d}`);
      const { inventory, errors } = await loadAwsSnapshot(out);
      assert.deepEqual(errors, []);
      const forward = inventory.resolverRules.find((r) => r.id === 'rslvr-rr-0a11' && r.account === CALLER);
      assert.deepEqual(
        forward && {
          domainName: forward.domainName,
          ruleType: forward.ruleType,
          targetIps: forward.targetIps,
          resolverEndpointId: forward.resolverEndpointId,
        },
        {
          domainName: 'corp.example.com',
          ruleType: 'FORWARD',
          targetIps: ['10.20.0.2:53'],
          resolverEndpointId: 'rslvr-out-0a11',
        },
      );
      // The rule shared with the member account stays in that account's scope, not its owner's.
      const shared = inventory.resolverRules.filter((r) => r.shareStatus === 'SHARED_WITH_ME').map((r) => r.account);
      assert.deepEqual(shared, ['222222222222']);
      assert.deepEqual(inventory.resolverRuleAssociations.map((a) => `${a.account} ${a.vpcId} ${a.ruleId}`).sort(), [
        '111111111111 vpc-0a11 rslvr-autodefined-rr-internet-resolver',
        '111111111111 vpc-0a11 rslvr-rr-0a11',
        '222222222222 vpc-0b22 rslvr-rr-0a11',
      ]);
    } finally {
      await fake.close();
    }
  });

  it('a denied ListResolverRules makes only that data set unavailable and names the action', async () => {
    const fake = await startFakeAws({ world: fixtureWorld(), deny: [{ action: RULES }] });
    try {
      const summary = await collect(fake.endpoint);
      const scope = summary.scopes[0]!;
      const u = scope.unavailable.find((x) => x.dataset === 'route53resolver:resolver-rules');
      assert.equal(u?.action, RULES);
      assert.ok(scope.collected.includes('route53resolver:resolver-rule-associations'));
    } finally {
      await fake.close();
    }
  });
});

describe('snapshot reader: a bad Resolver rule', () => {
  it('is a located error, the other rules are read, and the data set is marked incomplete for the scope', () => {
    const r = loadAwsSnapshotFromTexts([
      {
        name: 's/cordon-manifest.json',
        text: JSON.stringify({ cordonSnapshot: 1, provider: 'aws', account: '111111111111', region: 'us-east-1' }),
      },
      {
        name: 's/list-resolver-rules.json',
        text: JSON.stringify({
          ResolverRules: [
            {
              Id: 'rslvr-rr-1',
              DomainName: 'Corp.Example.com.',
              RuleType: 'FORWARD',
              TargetIps: [{ Ipv6: 'fd00::53' }],
            },
            { Id: 'rslvr-rr-2', RuleType: 'FORWARD' },
          ],
        }),
      },
    ]);
    assert.deepEqual(
      r.inventory.resolverRules.map((x) => [x.id, x.domainName, x.targetIps]),
      [['rslvr-rr-1', 'corp.example.com', ['[fd00::53]:53']]],
    );
    const e = r.errors[0] as InputError;
    assert.deepEqual([e.file, e.position.pointer], ['s/list-resolver-rules.json', '/ResolverRules/1']);
    assert.match(e.message, /DomainName/);
    assert.ok(r.inventory.partial.get('111111111111/us-east-1')?.has('route53resolver:resolver-rules'));
  });
});
