/**
 * The Route 53 Profiles calls are made without the SDK (REST-JSON through the SDK's signer, see
 * src/sources/aws-live/route53profiles.ts): their signing, paging, throttling retry and denied-call handling are
 * proved against the fake server, and what they write is read back by the snapshot reader.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { collectAws } from '../../src/sources/aws-live/collect.js';
import { loadAwsSnapshot } from '../../src/sources/aws-snapshot/load.js';
import { startFakeAws } from '../support/fake-aws-server.js';
import { CALLER, FAKE_CREDENTIALS, fixtureWorld, tempOut } from '../support/fake-aws-helpers.js';

const ASSOCIATIONS = 'route53profiles:ListProfileAssociations';
const RESOURCES = 'route53profiles:ListProfileResourceAssociations';

function collect(endpoint: string, out = tempOut()) {
  return collectAws({
    out,
    endpoint,
    credentials: FAKE_CREDENTIALS,
    env: {},
    homeRegion: 'us-east-1',
    regions: ['us-east-1'],
  });
}

/** The fixture world with two VPCs on one Profile, which carries a forwarding rule and a private hosted zone. */
function worldWithProfile() {
  const world = fixtureWorld();
  const region = world.data[CALLER]!['us-east-1']!;
  region.profileAssociations = [
    { Id: 'rpassoc-0a12', ProfileId: 'rp-0a11', ResourceId: 'vpc-0a12', Name: 'b', Status: 'COMPLETE' },
    { Id: 'rpassoc-0a11', ProfileId: 'rp-0a11', ResourceId: 'vpc-0a11', Name: 'a', Status: 'COMPLETE' },
  ];
  region.profileResourceAssociations = [
    {
      Id: 'rpr-0a12',
      ProfileId: 'rp-0a11',
      ResourceArn: 'arn:aws:route53:::hostedzone/Z0A11',
      ResourceType: 'PRIVATE_HOSTED_ZONE',
      Status: 'COMPLETE',
    },
    {
      Id: 'rpr-0a11',
      ProfileId: 'rp-0a11',
      ResourceArn: `arn:aws:route53resolver:us-east-1:${CALLER}:resolver-rule/rslvr-rr-0a11`,
      ResourceType: 'RESOLVER_RULE',
      Status: 'COMPLETE',
    },
    {
      Id: 'rpr-0b99',
      ProfileId: 'rp-other',
      ResourceArn: `arn:aws:route53resolver:us-east-1:${CALLER}:resolver-rule/rslvr-rr-0b99`,
      ResourceType: 'RESOLVER_RULE',
      Status: 'COMPLETE',
    },
  ];
  return world;
}

describe('route53profiles: Profile associations and the resources of the associated Profiles', () => {
  it('pages both lists by nextToken, retries a throttled call, asks only for associated Profiles, and the reader reads the files back', async () => {
    const fake = await startFakeAws({ world: worldWithProfile(), pageSize: 1, throttleOnce: [{ action: RESOURCES }] });
    try {
      const out = tempOut();
      const summary = await collect(fake.endpoint, out);
      const calls = (action: string) => fake.calls.filter((c) => c.action === action && c.account === CALLER);
      assert.equal(calls(ASSOCIATIONS).length, 2, 'two pages');
      assert.equal(calls(RESOURCES).length, 3, "two pages of rp-0a11's resources and one throttled retry");
      const written = JSON.parse(
        readFileSync(path.join(out, CALLER, 'us-east-1', 'list-profile-resource-associations.json'), 'utf8'),
      ) as { ProfileResourceAssociations: { Id: string }[] };
      assert.deepEqual(
        written.ProfileResourceAssociations.map((a) => a.Id),
        ['rpr-0a11', 'rpr-0a12'],
        "sorted, and rp-other's resources not asked for",
      );
      const scope = summary.scopes[0]!;
      for (const d of [
        'route53profiles:profile-associations',
        'route53profiles:profile-resource-associations',
      ] as const)
        assert.ok(scope.collected.includes(d), d);
      const { inventory, errors } = await loadAwsSnapshot(out);
      assert.deepEqual(errors, []);
      assert.deepEqual(
        inventory.profileAssociations.map((a) => `${a.account} ${a.region} ${a.vpcId} ${a.profileId}`),
        [`${CALLER} us-east-1 vpc-0a11 rp-0a11`, `${CALLER} us-east-1 vpc-0a12 rp-0a11`],
      );
      assert.deepEqual(
        inventory.profileResourceAssociations.map((a) => `${a.profileId} ${a.resourceType} ${a.resourceArn}`),
        [
          `rp-0a11 RESOLVER_RULE arn:aws:route53resolver:us-east-1:${CALLER}:resolver-rule/rslvr-rr-0a11`,
          'rp-0a11 PRIVATE_HOSTED_ZONE arn:aws:route53:::hostedzone/Z0A11',
        ],
      );
    } finally {
      await fake.close();
    }
  });

  it('a denied ListProfileAssociations makes both data sets unavailable and names the action', async () => {
    const fake = await startFakeAws({ world: worldWithProfile(), deny: [{ action: ASSOCIATIONS }] });
    try {
      const scope = (await collect(fake.endpoint)).scopes[0]!;
      const u = scope.unavailable.find((x) => x.dataset === 'route53profiles:profile-associations');
      assert.equal(u?.action, ASSOCIATIONS);
      assert.match(u?.reason ?? '', /AccessDenied|not authorized/);
      const r = scope.unavailable.find((x) => x.dataset === 'route53profiles:profile-resource-associations');
      assert.equal(r?.action, ASSOCIATIONS);
      assert.ok(fake.calls.every((c) => c.action !== RESOURCES));
    } finally {
      await fake.close();
    }
  });

  it('a denied ListProfileResourceAssociations leaves the associations collected and names its action', async () => {
    const fake = await startFakeAws({ world: worldWithProfile(), deny: [{ action: RESOURCES }] });
    try {
      const scope = (await collect(fake.endpoint)).scopes[0]!;
      assert.ok(scope.collected.includes('route53profiles:profile-associations'));
      const u = scope.unavailable.find((x) => x.dataset === 'route53profiles:profile-resource-associations');
      assert.equal(u?.action, RESOURCES);
      assert.match(u?.reason ?? '', /AccessDenied|not authorized/);
    } finally {
      await fake.close();
    }
  });

  it('with no Profile associated, both data sets are collected (empty) and no resources are asked for', async () => {
    const world = fixtureWorld();
    world.data[CALLER]!['us-east-1']!.profileAssociations = [];
    const fake = await startFakeAws({ world });
    try {
      const out = tempOut();
      const scope = (await collect(fake.endpoint, out)).scopes[0]!;
      assert.ok(scope.collected.includes('route53profiles:profile-resource-associations'));
      assert.ok(fake.calls.every((c) => c.action !== RESOURCES));
      const { inventory } = await loadAwsSnapshot(out);
      assert.deepEqual(inventory.profileAssociations, []);
      assert.ok(inventory.datasets.get(`${CALLER}/us-east-1`)?.has('route53profiles:profile-associations'));
    } finally {
      await fake.close();
    }
  });
});
