/**
 * The CLI end to end against the fake server: `cordon collect aws` writes a snapshot that `cordon scan` turns into
 * the same findings as the hand-written one; `cordon scan --aws` collects and scans in one go, turning a denied
 * call into not-assessed findings that name the action while the rest of the scan completes.
 * Credentials come from the environment scripts/run-tests.mjs sets (static fake keys, metadata disabled).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { before, describe, it } from 'node:test';
import type { Finding } from '../../src/findings/types.js';
import { severityRank, type Severity } from '../../src/findings/types.js';
import { startFakeAws, type FakeOptions } from '../support/fake-aws-server.js';
import { CALLER, FIXTURE, MEMBER, fixtureWorld, tempOut } from '../support/fake-aws-helpers.js';
import { runCli } from '../support/cli.js';
import { withoutPaths } from '../support/findings.js';
import { main } from '../../src/cli/main.js';

before(() => {
  // Network safety: the SDK's default chain must find the fake keys in the environment and never probe metadata.
  assert.match(process.env.AWS_ACCESS_KEY_ID ?? '', /^AKIAFAKE/);
  assert.equal(process.env.AWS_EC2_METADATA_DISABLED, 'true');
});

async function withFake<T>(opts: Omit<FakeOptions, 'world'>, fn: (endpoint: string) => Promise<T>): Promise<T> {
  const fake = await startFakeAws({ world: fixtureWorld(), ...opts });
  try {
    return await fn(fake.endpoint);
  } finally {
    await fake.close();
  }
}

/** What a finding says, without where the evidence file lives (the two snapshots sit in different places). */
const comparable = withoutPaths;

function findingsOf(stdout: string): Finding[] {
  return (JSON.parse(stdout) as { findings: Finding[] }).findings;
}

const COLLECT = ['--region', 'us-east-1', '--org', '--role-name', 'CordonAudit'];

describe('cordon collect aws + cordon scan', () => {
  it('collects a snapshot that scans to the same findings as the hand-written one', async () => {
    await withFake({ pageSize: 1 }, async (endpoint) => {
      const out = tempOut();
      const c = await runCli(['collect', 'aws', '--out', out, '--endpoint-url', endpoint, ...COLLECT]);
      assert.equal(c.code, 0, c.stderr);
      assert.match(
        c.stderr,
        /collected 2 account-region scope\(s\) in 2 account\(s\) as arn:aws:iam::111111111111:user\/auditor into .*: 2 complete, 0 with unavailable data sets; \d+ API calls/,
      );
      const fromLive = await runCli(['scan', out, '--format', 'json', '--fail-on', 'critical']);
      const fromHand = await runCli(['scan', FIXTURE, '--format', 'json', '--fail-on', 'critical']);
      assert.equal(fromLive.code, fromHand.code);
      const live = findingsOf(fromLive.stdout);
      const hand = findingsOf(fromHand.stdout);
      assert.ok(hand.length > 10, 'the fixture exercises the catalog');
      assert.ok(hand.some((f) => f.status === 'fail') && hand.some((f) => f.status === 'pass'));
      assert.deepEqual(comparable(live), comparable(hand));
      // Neither snapshot leaves anything unassessed for lack of data.
      assert.deepEqual(
        hand.filter(
          (f) => f.status === 'not-assessed' && /could not be collected|is not in the snapshot/.test(f.message),
        ),
        [],
      );
    });
  });

  it('scan --aws: a denied call in one region gives not-assessed findings naming the action; the rest completes and --fail-on decides the exit code', async () => {
    await withFake(
      { deny: [{ action: 'ec2:DescribeVpcEndpoints', account: MEMBER, region: 'us-east-1' }] },
      async (endpoint) => {
        const runs = new Map<string, { code: number; findings: Finding[]; stderr: string }>();
        for (const failOn of ['critical', 'info']) {
          const r = await runCli([
            'scan',
            '--aws',
            '--endpoint-url',
            endpoint,
            ...COLLECT,
            '--format',
            'json',
            '--fail-on',
            failOn,
          ]);
          runs.set(failOn, { code: r.code, findings: findingsOf(r.stdout), stderr: r.stderr });
        }
        const { findings, stderr } = runs.get('info')!;
        assert.match(
          stderr,
          /unavailable 222222222222\/us-east-1 ec2:vpc-endpoints: UnauthorizedOperation: .* \(needs ec2:DescribeVpcEndpoints\)/,
        );
        const notAssessed = findings.filter((f) => f.status === 'not-assessed' && f.resource.account === MEMBER);
        assert.ok(notAssessed.length > 0);
        for (const f of notAssessed)
          assert.match(
            f.message,
            /ec2:vpc-endpoints could not be collected: UnauthorizedOperation.*\(needs ec2:DescribeVpcEndpoints\)/,
          );
        // The caller's account was fully assessed.
        assert.equal(
          findings.some(
            (f) =>
              f.resource.account === CALLER && f.status === 'not-assessed' && /could not be collected/.test(f.message),
          ),
          false,
        );
        assert.ok(findings.some((f) => f.resource.account === CALLER && f.status !== 'not-assessed'));
        // Exit codes follow --fail-on over the findings that were assessed.
        for (const [failOn, run] of runs) {
          const rank = severityRank(failOn as Severity);
          const failing = run.findings.some(
            (f) => f.status === 'fail' && !f.suppression && severityRank(f.severity) >= rank,
          );
          assert.equal(run.code, failing ? 1 : 0, `--fail-on ${failOn}`);
        }
        assert.equal(runs.get('info')!.code, 1);
      },
    );
  });

  it('scan --aws removes its temporary snapshot once it is scanned', async () => {
    // mkdtemp names: "cordon-aws-" and six characters (other tests use "cordon-aws-live-…", which this does not match).
    const temps = () => new Set(readdirSync(tmpdir()).filter((n) => /^cordon-aws-[A-Za-z0-9]{6}$/.test(n)));
    const before = temps();
    await withFake({}, async (endpoint) => {
      const r = await runCli([
        'scan',
        '--aws',
        '--endpoint-url',
        endpoint,
        '--region',
        'us-east-1',
        '--format',
        'json',
      ]);
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      assert.ok(findingsOf(r.stdout).length > 0);
    });
    assert.deepEqual(
      [...temps()].filter((n) => !before.has(n)),
      [],
    );
  });

  it('scan --aws --save-snapshot keeps the collected snapshot', async () => {
    await withFake({}, async (endpoint) => {
      const keep = tempOut();
      const r = await runCli([
        'scan',
        '--aws',
        '--endpoint-url',
        endpoint,
        '--region',
        'us-east-1',
        '--save-snapshot',
        keep,
        '--format',
        'json',
        '--fail-on',
        'critical',
      ]);
      assert.ok(r.code === 0 || r.code === 1, r.stderr);
      const again = await runCli(['scan', keep, '--format', 'json', '--fail-on', 'critical']);
      assert.deepEqual(comparable(findingsOf(again.stdout)), comparable(findingsOf(r.stdout)));
    });
  });

  it('sends the account-level calls to --region, as the AWS CLI does', async () => {
    const fake = await startFakeAws({ world: fixtureWorld() });
    try {
      const r = await runCli([
        'collect',
        'aws',
        '--out',
        tempOut(),
        '--endpoint-url',
        fake.endpoint,
        '--region',
        'eu-west-1',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(
        fake.calls.filter((c) => c.action === 'sts:GetCallerIdentity').map((c) => c.region),
        ['eu-west-1'],
      );
      assert.equal(
        fake.calls.some((c) => c.region === 'us-east-1' && c.action.startsWith('ec2:')),
        false,
      );
    } finally {
      await fake.close();
    }
  });

  it('shows progress on stderr only when stderr is a terminal', async () => {
    await withFake({}, async (endpoint) => {
      let stderr = '';
      const io = {
        stdout: () => {},
        stderr: (t: string) => (stderr += t),
        stdoutIsTTY: false,
        stderrIsTTY: true,
        cwd: process.cwd(),
        env: {},
        today: '2026-11-22',
      };
      const code = await main(
        ['collect', 'aws', '--out', tempOut(), '--endpoint-url', endpoint, '--regions', 'eu-west-1,us-east-1'],
        io,
      );
      assert.equal(code, 0);
      assert.match(stderr, /collecting: 1\/2 account-regions/);
      assert.match(stderr, /collecting: 2\/2 account-regions .*\n/);
      const plain = await runCli([
        'collect',
        'aws',
        '--out',
        tempOut(),
        '--endpoint-url',
        endpoint,
        '--regions',
        'eu-west-1,us-east-1',
      ]);
      assert.doesNotMatch(plain.stderr, /collecting:/);
    });
  });

  it('rejects bad flags with one-line messages and exit code 2', async () => {
    const cases: [string[], RegExp][] = [
      [['collect', 'aws', '--out', tempOut(), '--region', 'mars-1'], /"mars-1" is not an AWS region name/],
      [['collect', 'aws', '--out', tempOut(), '--org'], /--org and --accounts need --role-name/],
      [
        ['collect', 'aws', '--out', tempOut(), '--region', 'us-east-1', '--regions', 'eu-west-1'],
        /--region or --regions, not both/,
      ],
      [
        ['collect', 'aws', '--out', tempOut(), '--accounts', '12345', '--role-name', 'R'],
        /"12345" is not an AWS account id/,
      ],
      [['collect', 'aws', '--out', tempOut(), '--concurrency', '0'], /--concurrency must be a whole number/],
      [['scan', FIXTURE, '--aws'], /PATH or --aws, not both/],
      [['scan'], /give a snapshot PATH, or --aws/],
      [['scan', FIXTURE, '--region', 'us-east-1'], /--region needs --aws/],
    ];
    for (const [args, message] of cases) {
      const r = await runCli(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('refuses to write into a non-empty directory', async () => {
    const out = tempOut();
    mkdirSync(out, { recursive: true });
    writeFileSync(`${out}/old.json`, '{}');
    const r = await runCli([
      'collect',
      'aws',
      '--out',
      out,
      '--endpoint-url',
      'http://127.0.0.1:9',
      '--region',
      'us-east-1',
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: .* is not empty; collect into a new or empty directory/);
  });
});
