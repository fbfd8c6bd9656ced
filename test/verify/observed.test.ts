/**
 * `cordon verify --flows`: the observed layer. A small AWS snapshot (test/fixtures/verify-flows/aws: application,
 * inference and data in one VPC with flow logs, the sandbox in a VPC without) and its VPC flow log; the Azure example
 * snapshot with a VNet flow log; degraded input (bad lines, gzip, logs of a cloud the snapshot lacks).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { runCli } from '../support/cli.js';
import { resolvePolicy } from '../../src/policy/resolve.js';
import { verifySnapshot } from '../../src/verify/run.js';

const FIX = 'test/fixtures/verify-flows/aws';
const SNAPSHOT = `${FIX}/snapshot`;
const POLICY = `${FIX}/cordon.yaml`;
const LOG = `${FIX}/logs/vpc-ai-prod.log`;

interface Cls {
  class: string;
  records: number;
  replies: number;
  policy: string;
  configuration: string;
  first: { file: string; line: number; record: string };
}
interface Cell {
  provider: string;
  from: string;
  to: string;
  configurationPermits: string[];
  observed: {
    coverage: string;
    networksWithoutLogs: string[];
    records: number;
    replies: number;
    classes: Cls[];
    againstPolicy: string[];
    notPermitted: string[];
    permittedNeverObserved: string[];
  } | null;
}
interface Json {
  matrix: Cell[];
  findings: {
    checkId: string;
    severity: string;
    status: string;
    resource: { id: string; account: string; region: string };
    origin?: { file: string; line?: number };
    evidence: Record<string, unknown>;
  }[];
  inputErrors: { file: string; line?: number; message: string }[];
  observed: {
    status: string;
    reasons: string[];
    totals: Record<string, number>;
    unplaced: { provider: string; records: number; files: string[] }[];
    outside: { from: string; to: string; records: number; classes: string[]; first: { line: number } }[];
    unknownResources: { provider: string; resource: string; records: number }[];
    files: { file: string; status: string; records: number; malformed: number }[];
    note: string;
  };
}

const verify = async (snapshot: string, policy: string, logs: string[]) => {
  const r = await runCli(['verify', snapshot, '-p', policy, '--format', 'json', '--flows', ...logs]);
  return { ...r, json: JSON.parse(r.stdout) as Json };
};
const cell = (j: Json, from: string, to: string) => j.matrix.find((m) => m.from === from && m.to === to)!;
const observedFindings = (j: Json) => j.findings.filter((f) => f.checkId.startsWith('verify-observed-'));

let tmp: string;
before(async () => {
  tmp = await mkdtemp(path.join(tmpdir(), 'cordon-verify-flows-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('cordon verify --flows (AWS VPC flow logs)', () => {
  it('puts the observed layer beside policy and configuration, with the three highlights', async () => {
    const { code, json: j } = await verify(SNAPSHOT, POLICY, [LOG]);
    assert.equal(code, 1);
    // Observed against policy: application -> data on 6333 (the configuration permits it too: the violation, live).
    const ad = cell(j, 'application', 'data').observed!;
    assert.deepEqual(ad.againstPolicy, ['tcp/6333']);
    assert.deepEqual(ad.notPermitted, []);
    assert.equal(ad.coverage, 'full');
    // Logged at both interfaces: two requests, and their two replies counted for this connection, not data -> app.
    assert.deepEqual(
      ad.classes.map((c) => [c.class, c.records, c.replies, c.policy, c.configuration]),
      [['tcp/6333', 2, 2, 'denies', 'permits']],
    );
    assert.deepEqual(ad.classes[0]!.first, {
      file: LOG,
      line: 2,
      record:
        '2 111122223333 eni-0a00000000000app1 10.0.1.10 10.0.3.10 49152 6333 6 10 840 1700000000 1700000060 ACCEPT OK',
    });
    assert.equal(cell(j, 'data', 'application').observed!.classes.length, 0);
    // Observed but not permitted: inference -> data on 6334 (the policy allows it; the security group does not).
    const id = cell(j, 'inference', 'data').observed!;
    assert.deepEqual(id.notPermitted, ['tcp/6334']);
    assert.deepEqual(id.againstPolicy, []);
    assert.deepEqual(id.permittedNeverObserved, []);
    // Permitted but never observed, in a cell whose networks are logged.
    assert.deepEqual(cell(j, 'application', 'inference').observed!.permittedNeverObserved, ['tcp/443']);
    // The sandbox VPC has no flow logs: its cells are not observed, never clean, never a tightening candidate.
    const si = cell(j, 'sandbox', 'internet').observed!;
    assert.equal(si.coverage, 'none');
    assert.deepEqual(si.networksWithoutLogs, ['vpc-0b0000000000000bb']);
    assert.deepEqual(si.permittedNeverObserved, []);
    assert.equal(j.observed.status, 'partial');
    assert.ok(j.observed.reasons.some((r) => r.includes('vpc-0b0000000000000bb')));
    assert.equal(j.observed.totals.rejected, 1);
    assert.equal(j.observed.totals.nodata, 1);
    // Traffic the matrix has no cell for is listed, not dropped; so is a logging interface the snapshot lacks.
    assert.deepEqual(
      j.observed.outside.map((o) => [o.from, o.to, o.records, o.classes, o.first.line]),
      [
        ['application', '(private, no zone)', 2, ['tcp/443'], 12],
        ['application', 'application', 1, ['tcp/8080'], 11],
      ],
    );
    assert.deepEqual(j.observed.unknownResources, [{ provider: 'aws', resource: 'eni-0fffffffffffffff9', records: 2 }]);

    const against = observedFindings(j).filter((f) => f.checkId === 'verify-observed-against-policy');
    assert.equal(against.length, 1);
    assert.equal(against[0]!.severity, 'high');
    assert.deepEqual(against[0]!.origin, { kind: 'file', file: LOG, line: 2 });
    assert.deepEqual(
      [against[0]!.resource.id, against[0]!.resource.account, against[0]!.resource.region],
      ['application->data', '111122223333', 'us-east-1'],
    );
    const blind = observedFindings(j).filter((f) => f.checkId === 'verify-observed-not-permitted');
    assert.equal(blind.length, 1);
    assert.equal(blind[0]!.origin?.line, 7);
    assert.equal(blind[0]!.resource.id, 'inference->data');
  });

  it('reports nothing observed against the layers when the logs hold only allowed, permitted traffic (exit 0)', async () => {
    const dir = path.join(tmp, 'clean');
    await mkdir(dir, { recursive: true });
    const lines = (await readFile(LOG, 'utf8')).split('\n');
    // Header, inference -> data 6333; the snapshot's own violations are suppressed so only the observed layer counts.
    await writeFile(path.join(dir, 'clean.log'), [lines[0], lines[5], ''].join('\n'));
    const policy = path.join(dir, 'cordon.yaml');
    await writeFile(
      policy,
      (await readFile(POLICY, 'utf8')) +
        `suppressions:
  - check: verify-zone-violation
    resource: '*'
    reason: the fixture's configuration violations are not under test here
  - check: verify-broken-intent
    resource: '*'
    reason: not under test here
`,
    );
    const { code, json: j } = await verify(SNAPSHOT, policy, [path.join(dir, 'clean.log')]);
    assert.deepEqual(observedFindings(j), []);
    assert.deepEqual(
      cell(j, 'inference', 'data').observed!.classes.map((c) => c.class),
      ['tcp/6333'],
    );
    assert.equal(code, 0);
  });

  it('a reply alone counts for the connection it answers, not for a connection the other way', async () => {
    const dir = path.join(tmp, 'reply');
    await mkdir(dir, { recursive: true });
    const lines = (await readFile(LOG, 'utf8')).split('\n');
    await writeFile(path.join(dir, 'reply.log'), [lines[0], lines[2], ''].join('\n'));
    const { json: j } = await verify(SNAPSHOT, POLICY, [path.join(dir, 'reply.log')]);
    const ad = cell(j, 'application', 'data').observed!;
    assert.deepEqual(
      ad.classes.map((c) => [c.class, c.records, c.replies]),
      [['tcp/6333', 0, 1]],
    );
    assert.equal(cell(j, 'data', 'application').observed!.classes.length, 0);
  });

  it('a bad line is an input error at its file and line; the rest (gzip too) is counted, the layer partial', async () => {
    const dir = path.join(tmp, 'bad');
    await mkdir(dir, { recursive: true });
    const text = await readFile(LOG, 'utf8');
    const lines = text.split('\n');
    await writeFile(path.join(dir, 'a.log.gz'), gzipSync(text));
    await writeFile(
      path.join(dir, 'b.log'),
      [
        lines[0],
        lines[5],
        '2 111122223333 eni-0a0000000000data1 10.0.3.10 not-an-address 1 2 6 1 1 1 2 ACCEPT OK',
        lines[6],
        '',
      ].join('\n'),
    );
    await writeFile(path.join(dir, 'c.log'), 'this is not a flow log\n');
    const { code, json: j, stderr } = await verify(SNAPSHOT, POLICY, [dir]);
    assert.equal(code, 2);
    const bad = j.inputErrors.find((e) => e.file.endsWith('b.log'))!;
    assert.equal(bad.line, 3);
    assert.ok(j.inputErrors.some((e) => e.file.endsWith('c.log') && /not read/.test(e.message)));
    assert.match(stderr, /b\.log:3/);
    assert.equal(j.observed.status, 'partial');
    assert.ok(j.observed.reasons.some((r) => /input error/.test(r)));
    // The gzip file's records (6333 once, 6334 with its reply) and b.log's two good lines (6333, 6334).
    const id = cell(j, 'inference', 'data').observed!;
    assert.deepEqual(
      id.classes.map((c) => [c.class, c.records, c.replies]),
      [
        ['tcp/6333', 2, 0],
        ['tcp/6334', 2, 1],
      ],
    );
    assert.deepEqual(
      j.observed.files.map((f) => [path.basename(f.file), f.status, f.records, f.malformed]),
      [
        ['a.log.gz', 'read', 12, 0],
        ['b.log', 'partial', 2, 1],
        ['c.log', 'not-assessed', 0, 0],
      ],
    );
  });

  it('logs of a cloud the snapshot lacks are reported, not dropped; the AWS cells are then not observed', async () => {
    const azure = 'test/fixtures/verify-flows/azure/vnet-ai-flowlog.json';
    const gcp = 'test/fixtures/flows/gcp-vpc-doc.jsonl';
    const { json: j } = await verify(SNAPSHOT, POLICY, [azure, gcp]);
    assert.deepEqual(
      j.observed.unplaced.map((u) => [u.provider, u.files]),
      [
        ['azure', [azure]],
        ['gcp', [gcp]],
      ],
    );
    assert.ok(j.observed.unplaced[0]!.records > 0);
    assert.ok(j.observed.reasons.some((r) => /azure record\(s\) not placed/.test(r)));
    for (const m of j.matrix) {
      assert.notEqual(m.observed!.coverage, 'full', `${m.from} -> ${m.to}`);
      assert.deepEqual(m.observed!.permittedNeverObserved, []);
    }
    assert.deepEqual(observedFindings(j), []);
  });

  it('--log-format without --flows is a usage error, not silently ignored', async () => {
    const r = await runCli(['verify', SNAPSHOT, '-p', POLICY, '--log-format', '${version} ${srcaddr}']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--log-format is read only with --flows/);
  });

  it('is deterministic: the same input gives byte-identical JSON and table output', async () => {
    const a = await runCli(['verify', SNAPSHOT, '-p', POLICY, '--format', 'json', '--flows', `${FIX}/logs`]);
    const b = await runCli(['verify', SNAPSHOT, '-p', POLICY, '--format', 'json', '--flows', `${FIX}/logs`]);
    assert.equal(a.stdout, b.stdout);
    const t = await runCli(['verify', SNAPSHOT, '-p', POLICY, '--flows', `${FIX}/logs`]);
    assert.match(t.stdout, /application -> data .*observed: tcp\/6333 ×4 \[against policy\]/);
    assert.match(t.stdout, /permitted but never observed: candidates to tighten, only meaningful when the logs cover/);
    assert.match(t.stdout, /sandbox -> internet .*not observed \(no logs for vpc-0b0000000000000bb\)/);
    const s = await runCli(['verify', SNAPSHOT, '-p', POLICY, '--format', 'sarif', '--flows', `${FIX}/logs`]);
    const log = JSON.parse(s.stdout) as {
      runs: {
        results: { ruleId: string; locations: { physicalLocation?: { artifactLocation: { uri: string } } }[] }[];
      }[];
    };
    const r = log.runs[0]!.results.find((x) => x.ruleId === 'verify-observed-against-policy')!;
    assert.equal(r.locations[0]!.physicalLocation?.artifactLocation.uri, LOG);
  });
});

describe('verifySnapshot with flows: bounded classes', () => {
  it('past the exact-class bound, ports fold per cell and verdict: no highlight is lost', async () => {
    const cwd = process.cwd();
    const { policy, source } = await resolvePolicy(POLICY, cwd);
    const r = await verifySnapshot({
      snapshot: SNAPSHOT,
      policy,
      policySource: source,
      cwd,
      today: '2026-11-22',
      flows: { paths: [LOG], maxExactClasses: 1 },
    });
    const o = r.observed!;
    const get = (from: string, to: string) => o.cells.find((c) => c.from === from && c.to === to)!;
    // The first class read stays exact; every later one is folded with its verdict.
    assert.deepEqual(get('application', 'data').againstPolicy, ['tcp/6333']);
    assert.deepEqual(get('inference', 'data').notPermitted, ['tcp/6334 (ports beyond the per-run class limit)']);
    assert.deepEqual(
      get('inference', 'data').classes.map((c) => [c.class, c.records, c.replies, c.policy, c.configuration]),
      [
        ['tcp/6333 (ports beyond the per-run class limit)', 1, 0, 'allows', 'permits'],
        ['tcp/6334 (ports beyond the per-run class limit)', 1, 1, 'allows', 'blocks'],
      ],
    );
    assert.ok(r.findings.some((f) => f.checkId === 'verify-observed-not-permitted'));
  });
});

describe('cordon verify --flows (Azure VNet flow logs)', () => {
  it('places VNet flow tuples in the Azure model zones; received counters are replies, not reverse connections', async () => {
    const dir = path.join(tmp, 'azure');
    await mkdir(dir, { recursive: true });
    await copyFile('test/fixtures/verify-flows/azure/vnet-ai-flowlog.json', path.join(dir, 'vnet-ai.json'));
    const { code, json: j } = await verify('examples/azure/misconfigured', 'examples/cordon.yaml', [dir]);
    assert.equal(code, 1);
    const im = cell(j, 'inference', 'management').observed!;
    assert.deepEqual(
      im.classes.map((c) => [c.class, c.records, c.replies, c.policy, c.configuration]),
      [
        ['tcp/22', 1, 1, 'denies', 'permits'],
        ['tcp/443', 1, 1, 'allows', 'permits'],
      ],
    );
    assert.deepEqual(im.againstPolicy, ['tcp/22']);
    assert.equal(cell(j, 'management', 'inference').observed!.classes.length, 0);
    // management -> inference is permitted and its destination network is logged: a candidate to tighten.
    assert.deepEqual(cell(j, 'management', 'inference').observed!.permittedNeverObserved, ['any']);
    const internet = observedFindings(j).find((f) => (f.evidence as { to: string }).to === 'internet')!;
    assert.equal(internet.checkId, 'verify-observed-against-policy');
    assert.equal(internet.severity, 'critical');
    assert.equal(internet.resource.account, '22222222-2222-2222-2222-222222222222');
    assert.equal(internet.origin?.line, 22);
    // vnet-hub has no flow log: internet -> management is not observed.
    assert.equal(cell(j, 'internet', 'management').observed!.coverage, 'none');
  });
});
