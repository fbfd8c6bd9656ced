/**
 * The Route 53 Resolver call is made without the SDK (see src/sources/aws-live/route53resolver.ts): its signing,
 * paging, throttling retry and denied-call handling are proved against the fake server.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { collectAws } from '../../src/sources/aws-live/collect.js';
import { startFakeAws } from '../support/fake-aws-server.js';
import { CALLER, FAKE_CREDENTIALS, fixtureWorld, tempOut } from '../support/fake-aws-helpers.js';

const ACTION = 'route53resolver:ListResolverQueryLogConfigAssociations';

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
      const summary = await collectAws({
        out,
        endpoint: fake.endpoint,
        credentials: FAKE_CREDENTIALS,
        env: {},
        homeRegion: 'us-east-1',
        regions: ['us-east-1'],
      });
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
      const summary = await collectAws({
        out: tempOut(),
        endpoint: fake.endpoint,
        credentials: FAKE_CREDENTIALS,
        env: {},
        homeRegion: 'us-east-1',
        regions: ['us-east-1'],
      });
      const u = summary.scopes[0]!.unavailable.find((x) => x.dataset === 'route53resolver:query-log-associations');
      assert.equal(u?.action, ACTION);
      assert.match(u?.reason ?? '', /AccessDenied|not authorized/);
    } finally {
      await fake.close();
    }
  });
});
