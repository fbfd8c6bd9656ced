/**
 * The collector with the real SDK clients against the local fake AWS server: what it writes, how it pages,
 * retries throttling, and records what it could not read instead of writing empty lists.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collectAws, CollectError, type CollectOptions } from '../../src/sources/aws-live/collect.js';
import { AWS_DATASETS } from '../../src/inventory/aws.js';
import { loadAwsSnapshot } from '../../src/sources/aws-snapshot/load.js';
import { startFakeAws, type FakeAws, type FakeOptions } from '../support/fake-aws-server.js';
import {
  CALLER,
  FAKE_CREDENTIALS,
  FIXTURE,
  MEMBER,
  fixtureWorld,
  readTree,
  readTreeText,
  tempOut,
} from '../support/fake-aws-helpers.js';

async function withFake<T>(
  opts: Omit<FakeOptions, 'world'> & { world?: FakeOptions['world'] },
  fn: (fake: FakeAws) => Promise<T>,
): Promise<T> {
  const fake = await startFakeAws({ world: fixtureWorld(), ...opts });
  try {
    return await fn(fake);
  } finally {
    await fake.close();
  }
}

function options(fake: FakeAws, extra: Partial<CollectOptions> = {}): CollectOptions {
  return {
    out: tempOut(),
    credentials: FAKE_CREDENTIALS,
    endpoint: fake.endpoint,
    env: {},
    homeRegion: 'us-east-1',
    ...extra,
  };
}

describe('collectAws against the fake server', () => {
  it('writes exactly the hand-written snapshot, following every page and retrying throttled calls', async () => {
    await withFake(
      {
        pageSize: 1,
        throttleOnce: [
          { action: 'ec2:DescribeSubnets' },
          { action: 'organizations:ListPolicies' },
          { action: 'bedrock:ListModelCustomizationJobs' },
        ],
      },
      async (fake) => {
        const o = options(fake, { regions: ['us-east-1'], org: true, roleName: 'CordonAudit' });
        const summary = await collectAws(o);
        const got = readTree(o.out);
        const want = readTree(FIXTURE);
        for (const [file, doc] of want) assert.deepEqual(got.get(file), doc, file);
        // The only files the fixture lacks are the organisation directory's manifest.
        assert.deepEqual(
          [...got.keys()].filter((f) => !want.has(f)),
          ['111111111111/organizations/cordon-manifest.json'],
        );
        assert.deepEqual(got.get('111111111111/organizations/cordon-manifest.json'), {
          cordonSnapshot: 1,
          provider: 'aws',
          account: CALLER,
          region: 'global',
          unavailable: [],
        });
        // Every data set the checks can ask for is collected: a new one in AWS_DATASETS needs a collector.
        const collected = new Set([...summary.scopes.flatMap((s) => s.collected), ...summary.organization.collected]);
        assert.deepEqual([...collected].sort(), Object.keys(AWS_DATASETS).sort());
        assert.deepEqual(
          summary.scopes.map((s) => [s.account, s.region, s.unavailable.length]),
          [
            [CALLER, 'us-east-1', 0],
            [MEMBER, 'us-east-1', 0],
          ],
        );
        // Pagination really happened (one item per page), and the throttled calls were retried.
        assert.ok(fake.calls.filter((c) => c.action === 'ec2:DescribeSubnets' && c.account === MEMBER).length >= 2);
        assert.equal(fake.calls.filter((c) => c.action === 'organizations:ListPolicies').length, 3);
        // The member account was read through the assumed role, not the caller's credentials.
        assert.deepEqual(
          fake.calls.filter((c) => c.action === 'sts:AssumeRole').map((c) => c.account),
          [MEMBER],
        );
      },
    );
  });

  it('is deterministic: two collections are byte-identical', async () => {
    await withFake({ pageSize: 2 }, async (fake) => {
      const a = options(fake, { regions: ['us-east-1'], org: true, roleName: 'CordonAudit', concurrency: 4 });
      const b = options(fake, {
        regions: ['us-east-1'],
        org: true,
        roleName: 'CordonAudit',
        concurrency: 1,
        callsPerScope: 1,
      });
      await collectAws(a);
      await collectAws(b);
      assert.deepEqual(readTreeText(a.out), readTreeText(b.out));
      for (const text of readTreeText(a.out).values()) assert.ok(text.endsWith('}\n') || text.endsWith(']\n'));
    });
  });

  it('keeps the number of calls in flight within the concurrency bounds', async () => {
    // One item per page and a little latency give the collector every chance to overlap calls if it would.
    await withFake({ pageSize: 1, latencyMs: 2 }, async (fake) => {
      await collectAws(
        options(fake, {
          regions: ['eu-west-1', 'us-east-1'],
          org: true,
          roleName: 'CordonAudit',
          concurrency: 1,
          callsPerScope: 1,
        }),
      );
      assert.equal(fake.inFlight.max, 1);
      fake.inFlight.max = 0;
      await collectAws(
        options(fake, {
          regions: ['eu-west-1', 'us-east-1'],
          org: true,
          roleName: 'CordonAudit',
          concurrency: 2,
          callsPerScope: 2,
        }),
      );
      assert.ok(fake.inFlight.max <= 4, `max in flight ${fake.inFlight.max}`);
    });
  });

  it('records a denied call as unavailable with the action, and keeps everything else', async () => {
    await withFake(
      { deny: [{ action: 'ec2:DescribeVpcEndpoints', account: MEMBER, region: 'us-east-1' }] },
      async (fake) => {
        const o = options(fake, { regions: ['us-east-1'], org: true, roleName: 'CordonAudit' });
        const summary = await collectAws(o);
        const tree = readTree(o.out);
        const manifest = tree.get(`${MEMBER}/us-east-1/cordon-manifest.json`) as {
          unavailable: { dataset: string; reason: string; action: string }[];
        };
        assert.equal(manifest.unavailable.length, 1);
        assert.equal(manifest.unavailable[0]!.dataset, 'ec2:vpc-endpoints');
        assert.equal(manifest.unavailable[0]!.action, 'ec2:DescribeVpcEndpoints');
        assert.match(manifest.unavailable[0]!.reason, /^UnauthorizedOperation: /);
        assert.equal(
          tree.has(`${MEMBER}/us-east-1/describe-vpc-endpoints.json`),
          false,
          'no empty list written for a denied call',
        );
        assert.equal(tree.has(`${MEMBER}/us-east-1/describe-vpcs.json`), true);
        assert.equal(tree.has(`${CALLER}/us-east-1/describe-vpc-endpoints.json`), true);
        assert.equal(summary.scopes.find((s) => s.account === MEMBER)!.unavailable[0]!.kind, 'denied');
        // The reader turns the manifest into "unavailable" for exactly that scope and data set.
        const loaded = await loadAwsSnapshot(o.out);
        assert.deepEqual(loaded.errors, []);
        assert.deepEqual(
          [...(loaded.inventory.unavailable.get(`${MEMBER}/us-east-1`)?.keys() ?? [])],
          ['ec2:vpc-endpoints'],
        );
        assert.equal(loaded.inventory.datasets.get(`${MEMBER}/us-east-1`)?.has('ec2:vpc-endpoints'), false);
        assert.equal(loaded.inventory.datasets.get(`${CALLER}/us-east-1`)?.has('ec2:vpc-endpoints'), true);
      },
    );
  });

  it('drops resources deleted between the list and the describe call, from both, and keeps the data sets', async () => {
    const world = fixtureWorld();
    const region = world.data[CALLER]!['us-east-1']!;
    region.jobDetails = region.jobDetails.filter((j) => j.jobName !== 'tune-no-vpc');
    region.sagemakerDetails.NotebookInstances = [];
    region.lbAttributes = [];
    await withFake({ world }, async (fake) => {
      const o = options(fake, { regions: ['us-east-1'] });
      const summary = await collectAws(o);
      assert.deepEqual(summary.scopes[0]!.unavailable, []);
      const tree = readTree(o.out);
      const jobs = tree.get(`${CALLER}/us-east-1/list-model-customization-jobs.json`) as {
        modelCustomizationJobSummaries: { jobName: string }[];
      };
      assert.deepEqual(
        jobs.modelCustomizationJobSummaries.map((j) => j.jobName),
        ['tune-in-vpc'],
      );
      assert.deepEqual(
        (tree.get(`${CALLER}/us-east-1/get-model-customization-job.json`) as { jobName: string }[]).map(
          (j) => j.jobName,
        ),
        ['tune-in-vpc'],
      );
      assert.deepEqual(tree.get(`${CALLER}/us-east-1/list-notebook-instances.json`), { NotebookInstances: [] });
      assert.equal(tree.has(`${CALLER}/us-east-1/describe-notebook-instance.json`), false);
      assert.deepEqual(tree.get(`${CALLER}/us-east-1/describe-load-balancers.json`), { LoadBalancers: [] });
      // The reader sees a consistent picture: no notebook, no load balancer, one job with its details.
      const loaded = await loadAwsSnapshot(o.out);
      assert.deepEqual(loaded.errors, []);
      assert.equal(
        loaded.inventory.sagemakerResources.some((r) => r.kind === 'notebook-instance'),
        false,
      );
      assert.deepEqual(
        loaded.inventory.customizationJobs.map((j) => [j.name, j.detail]),
        [['tune-in-vpc', true]],
      );
    });
  });

  it('makes dependent data sets unavailable too: no VPC list, no VPC attributes; no job list, no job details', async () => {
    await withFake(
      {
        deny: [
          { action: 'ec2:DescribeVpcs', account: CALLER },
          { action: 'bedrock:ListModelCustomizationJobs', account: CALLER },
        ],
      },
      async (fake) => {
        const o = options(fake, { regions: ['us-east-1'] });
        const summary = await collectAws(o);
        const u = Object.fromEntries(summary.scopes[0]!.unavailable.map((x) => [x.dataset, x]));
        assert.deepEqual(Object.keys(u).sort(), [
          'bedrock:customization-job-details',
          'bedrock:customization-jobs',
          'ec2:vpc-attributes',
          'ec2:vpcs',
          'route53:hosted-zones-by-vpc',
          'route53:record-sets',
        ]);
        assert.match(u['ec2:vpc-attributes']!.reason, /^needs ec2:vpcs, which is unavailable: UnauthorizedOperation/);
        assert.equal(u['ec2:vpc-attributes']!.action, 'ec2:DescribeVpcs');
        assert.equal(
          fake.calls.some((c) => c.action === 'ec2:DescribeVpcAttribute'),
          false,
        );
      },
    );
  });

  it('reads every enabled region, skips regions the account has not opted into, and reports them', async () => {
    await withFake({}, async (fake) => {
      const o = options(fake);
      const summary = await collectAws(o);
      assert.deepEqual(
        summary.scopes.map((s) => `${s.account}/${s.region}`),
        [`${CALLER}/eu-west-1`, `${CALLER}/us-east-1`],
      );
      assert.deepEqual(summary.skipped, [
        { account: CALLER, region: 'ap-east-1', reason: 'region not enabled for the account' },
      ]);
      // An enabled region with no resources is data ("there are none"), not a gap.
      const eu = readTree(o.out).get(`${CALLER}/eu-west-1/describe-vpcs.json`);
      assert.deepEqual(eu, { Vpcs: [] });
      // ... and complete: with no VPCs and no jobs there are no attributes or job details to read.
      const loaded = await loadAwsSnapshot(o.out);
      assert.deepEqual(
        [...(loaded.inventory.datasets.get(`${CALLER}/eu-west-1`) ?? [])].sort(),
        Object.keys(AWS_DATASETS)
          .filter((d) => !d.startsWith('organizations:'))
          .sort(),
      );
    });
  });

  it('records a region that is not enabled, when asked for explicitly, as unavailable for every regional data set', async () => {
    await withFake({}, async (fake) => {
      const summary = await collectAws(options(fake, { regions: ['ap-east-1'] }));
      const scope = summary.scopes[0]!;
      assert.equal(scope.collected.length, 0);
      assert.ok(scope.unavailable.length >= 11);
      for (const u of scope.unavailable)
        assert.ok(u.kind === 'region-not-enabled' || u.kind === 'dependency', `${u.dataset}: ${u.kind}`);
      assert.match(
        scope.unavailable.find((u) => u.dataset === 'ec2:subnets')!.reason,
        /^AuthFailure: .*region enabled/,
      );
    });
  });

  it('records a service not offered in a region as unavailable there', async () => {
    await withFake({ notOffered: [{ service: 'bedrock-agent', region: 'eu-west-1' }] }, async (fake) => {
      const summary = await collectAws(options(fake, { regions: ['eu-west-1', 'us-east-1'] }));
      const eu = summary.scopes.find((s) => s.region === 'eu-west-1')!;
      assert.deepEqual(
        eu.unavailable.map((u) => [u.dataset, u.kind, u.action]),
        [['bedrock:agents', 'service-not-offered', 'bedrock:ListAgents']],
      );
      assert.equal(summary.scopes.find((s) => s.region === 'us-east-1')!.unavailable.length, 0);
    });
  });

  it('explains SCPs denied outside the management account and still collects the rest', async () => {
    await withFake({ deny: [{ action: 'organizations:ListPolicies' }] }, async (fake) => {
      const o = options(fake, { regions: ['us-east-1'] });
      const summary = await collectAws(o);
      const [scp] = summary.organization.unavailable;
      assert.equal(scp!.dataset, 'organizations:scps');
      assert.equal(scp!.action, 'organizations:ListPolicies');
      assert.match(scp!.reason, /management account or a delegated administrator/);
      assert.deepEqual(summary.organization.collected, ['organizations:organization']);
      const loaded = await loadAwsSnapshot(o.out);
      assert.deepEqual(loaded.errors, []);
      assert.equal(
        loaded.inventory.unavailable.get('*')?.get('organizations:scps')?.action,
        'organizations:ListPolicies',
      );
      assert.ok(loaded.inventory.datasets.get('*')?.has('organizations:organization'));
      // The organisation directory declares no region of its own.
      assert.equal(
        [...loaded.inventory.datasets.keys()].some((k) => k.endsWith('/global')),
        false,
      );
    });
  });

  it('records an account outside any organisation as such', async () => {
    const world = fixtureWorld();
    delete world.organization;
    await withFake({ world }, async (fake) => {
      const summary = await collectAws(options(fake, { regions: ['us-east-1'] }));
      assert.deepEqual(
        summary.organization.unavailable.map((u) => [u.dataset, u.kind]),
        [
          ['organizations:organization', 'not-in-organization'],
          ['organizations:scps', 'not-in-organization'],
        ],
      );
    });
  });

  it('records every regional data set of an account whose role cannot be assumed, naming sts:AssumeRole', async () => {
    await withFake({ deny: [{ action: 'sts:AssumeRole', account: MEMBER }] }, async (fake) => {
      const o = options(fake, { regions: ['us-east-1'], org: true, roleName: 'CordonAudit' });
      const summary = await collectAws(o);
      const member = summary.scopes.find((s) => s.account === MEMBER)!;
      assert.equal(member.collected.length, 0);
      assert.equal(member.unavailable.length, Object.values(AWS_DATASETS).filter((d) => d.level === 'regional').length);
      for (const u of member.unavailable) {
        assert.equal(u.action, 'sts:AssumeRole');
        assert.match(u.reason, /^cannot assume arn:aws:iam::222222222222:role\/CordonAudit: AccessDenied/);
      }
      assert.equal(
        fake.calls.some((c) => c.account === MEMBER && c.action.startsWith('ec2:')),
        false,
      );
      assert.equal(summary.scopes.find((s) => s.account === CALLER)!.unavailable.length, 0);
    });
  });

  it('narrows --org with --accounts and reports accounts that are not in the organisation', async () => {
    await withFake({}, async (fake) => {
      const summary = await collectAws(
        options(fake, {
          regions: ['us-east-1'],
          org: true,
          roleName: 'CordonAudit',
          accounts: [MEMBER, '333333333333'],
        }),
      );
      assert.deepEqual(
        summary.scopes.map((s) => s.account),
        [MEMBER],
      );
      assert.deepEqual(summary.skipped, [{ account: '333333333333', reason: 'not an account of this organisation' }]);
    });
  });

  it('reads listed accounts through the role without asking Organizations for the account list', async () => {
    await withFake({}, async (fake) => {
      const summary = await collectAws(
        options(fake, { regions: ['us-east-1'], roleName: 'CordonAudit', accounts: [MEMBER] }),
      );
      assert.deepEqual(
        summary.scopes.map((s) => [s.account, s.unavailable.length]),
        [[MEMBER, 0]],
      );
      assert.equal(
        fake.calls.some((c) => c.action === 'organizations:ListAccounts'),
        false,
      );
      assert.deepEqual(
        fake.calls.filter((c) => c.action === 'sts:AssumeRole').map((c) => c.account),
        [MEMBER],
      );
      // Calls for the member account were made with the assumed role's credentials.
      assert.ok(fake.calls.some((c) => c.action === 'ec2:DescribeVpcs' && c.account === MEMBER));
      assert.equal(
        fake.calls.some((c) => c.action === 'ec2:DescribeVpcs' && c.account === CALLER),
        false,
      );
    });
  });

  it('honours AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> from the environment it is given', async () => {
    await withFake({}, async (fake) => {
      const other = await startFakeAws({ world: fixtureWorld() });
      try {
        const o = options(fake, {
          regions: ['us-east-1'],
          env: { AWS_ENDPOINT_URL: fake.endpoint, AWS_ENDPOINT_URL_BEDROCK_AGENT: other.endpoint },
        });
        delete o.endpoint;
        const summary = await collectAws(o);
        assert.equal(summary.scopes[0]!.unavailable.length, 0);
        assert.deepEqual(
          other.calls.map((c) => c.action),
          ['bedrock:ListAgents'],
        );
        assert.equal(
          fake.calls.some((c) => c.action === 'bedrock:ListAgents'),
          false,
        );
        assert.ok(fake.calls.some((c) => c.action === 'ec2:DescribeVpcs'));
      } finally {
        await other.close();
      }
    });
  });

  it('refuses a non-empty output directory and bad input with clear messages', async () => {
    await withFake({}, async (fake) => {
      const o = options(fake, { regions: ['us-east-1'] });
      await collectAws(o);
      await assert.rejects(collectAws({ ...o }), /is not empty/);
      await assert.rejects(
        collectAws(options(fake, { regions: ['mars-1'] })),
        (e: unknown) => e instanceof CollectError && /not an AWS region/.test(e.message),
      );
      await assert.rejects(collectAws(options(fake, { org: true })), /need --role-name/);
    });
  });

  it('fails with a clear message when --org cannot list the accounts', async () => {
    await withFake({ deny: [{ action: 'organizations:ListAccounts' }] }, async (fake) => {
      await assert.rejects(
        collectAws(options(fake, { org: true, roleName: 'CordonAudit' })),
        (e: unknown) =>
          e instanceof CollectError &&
          /organizations:ListAccounts\): AccessDeniedException: .*management account or a delegated administrator/.test(
            e.message,
          ),
      );
    });
  });

  it('fails with a clear message when the credentials are not accepted at all', async () => {
    await withFake({ deny: [{ action: 'sts:GetCallerIdentity' }] }, async (fake) => {
      await assert.rejects(
        collectAws(options(fake)),
        (e: unknown) => e instanceof CollectError && /sts:GetCallerIdentity\): AccessDenied/.test(e.message),
      );
    });
  });
});
