/** `cordon flows` end to end, in-process: the mixed example directory, exit codes, formats, determinism. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { EXAMPLES, log, tempDir, v2 } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function run(args: string[], cwd = ROOT): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIO = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    cwd,
    env: { NO_COLOR: '1' },
    today: '2026-01-01',
  };
  const code = await main(args, io);
  return { code, out, err };
}

const POLICY = ['-p', 'examples/flows/cordon.yaml'];

test('mixed directory (AWS, Azure, GCP flow logs; Route 53, Azure and Cloud DNS logs): matrix, alerts with file:line, exit 1 at the default --fail-on high', async () => {
  const r = await run(['flows', ...POLICY, 'examples/flows/logs']);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /formats: aws-vpc ×2, azure-dns ×1, azure-vnet ×1, gcp-dns ×1, gcp-vpc ×1, route53-dns ×1/);
  assert.match(r.out, /Zone matrix/);
  assert.match(r.out, /data\s+internet\s+\d+/);
  assert.match(r.out, /Top talkers per alert type/);
  // The example's DNS log answers bedrock-runtime with a public address: a DNS leak, so NET-002 carries no traffic.
  assert.match(r.out, /Allow rules no traffic used \(2; candidates to remove\)\n {2}NET-002.*\n {2}NET-005/);
  assert.match(r.out, /HIGH {5}dns-ai-public-answer/);
  assert.match(r.out, /CRITICAL flow-sandbox-escape/);
  assert.match(
    r.out,
    /evidence examples\/flows\/logs\/aws\/123456789012_vpcflowlogs_us-east-1_fl-0example_20251122T0000Z_0a1b2c3d\.log\.gz:\d+/,
  );
  assert.match(r.out, /HIGH {5}dns-tunnelling/);
  assert.match(r.out, /malformed lines: 1 .*\n.*cloudwatch-export-default-format\.log:2: not a number/);
  assert.equal(path.isAbsolute(EXAMPLES), true);
});

test('--fail-on: exit 0 when nothing is at or above it, 1 when something is', async () => {
  const t = tempDir({ 'a.log': log(v2('10.0.3.30', '203.0.113.67', 50000, 443, 10, 'REJECT')) });
  try {
    const policy = ['-p', path.join(EXAMPLES, 'cordon.yaml')];
    // A rejected data egress attempt is medium.
    assert.equal((await run(['flows', ...policy, t.dir], t.dir)).code, 0);
    assert.equal((await run(['flows', ...policy, '--fail-on', 'medium', t.dir], t.dir)).code, 1);
  } finally {
    t.cleanup();
  }
});

test('same input, byte-identical output in every format', async () => {
  for (const format of ['table', 'json', 'jsonl', 'sarif']) {
    const a = await run(['flows', ...POLICY, '-f', format, 'examples/flows/logs']);
    const b = await run(['flows', ...POLICY, '-f', format, 'examples/flows/logs']);
    assert.equal(a.out, b.out, format);
    assert.ok(a.out.length > 100);
  }
});

test('jsonl is one finding per line; sarif has results with file and line; json has the matrix', async () => {
  const jsonl = await run(['flows', ...POLICY, '-f', 'jsonl', 'examples/flows/logs']);
  const lines = jsonl.out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { checkId: string; origin: { file: string; line: number } });
  assert.ok(lines.length > 10);
  assert.ok(lines.every((f) => f.origin.file.startsWith('examples/flows/logs/') && f.origin.line >= 1));
  const sarif = JSON.parse((await run(['flows', ...POLICY, '-f', 'sarif', 'examples/flows/logs'])).out) as {
    runs: {
      results: { ruleId: string; locations: { physicalLocation: { region: { startLine: number } } }[] }[];
      tool: { driver: { rules: { id: string }[] } };
    }[];
  };
  const results = sarif.runs[0]!.results;
  assert.ok(results.some((x) => x.ruleId === 'flow-policy-drift'));
  assert.ok(results.every((x) => x.locations[0]!.physicalLocation.region.startLine >= 1));
  assert.ok(sarif.runs[0]!.tool.driver.rules.some((r) => r.id === 'dns-tunnelling'));
  const json = JSON.parse((await run(['flows', ...POLICY, '-f', 'json', 'examples/flows/logs'])).out) as {
    matrix: { from: string; to: string }[];
    unusedRules: { id: string }[];
  };
  // The public answer for bedrock-runtime is a leak, never learned: the calls to it stay internet traffic.
  assert.ok(json.matrix.some((m) => m.from === 'inference' && m.to === 'internet'));
  assert.ok(!json.matrix.some((m) => m.from === 'inference' && m.to === 'external_ai'));
  assert.deepEqual(
    json.unusedRules.map((u) => u.id),
    ['NET-002', 'NET-005'],
  );
});

test('--engine duckdb prints the same alerts as the default engine', async () => {
  const js = await run(['flows', ...POLICY, '-f', 'jsonl', 'examples/flows/logs']);
  const duck = await run(['flows', ...POLICY, '-f', 'jsonl', '--engine', 'duckdb', 'examples/flows/logs']);
  const strip = (s: string) =>
    s
      .trim()
      .split('\n')
      .map((l) => {
        const f = JSON.parse(l) as { evidence: Record<string, unknown> };
        delete f.evidence.firstRecord;
        return JSON.stringify(f);
      });
  assert.deepEqual(strip(duck.out), strip(js.out));
  assert.equal(duck.code, js.code);
});

test('--duckdb-memory: a small limit gives the same alerts; a value that is not a size is a usage error', async () => {
  const args = ['flows', ...POLICY, '-f', 'jsonl', '--engine', 'duckdb', 'examples/flows/logs'];
  const base = await run(args);
  const small = await run([...args, '--duckdb-memory', '64MB']);
  assert.equal(small.out, base.out);
  assert.equal(small.code, base.code);
  const bad = await run([...args, '--duckdb-memory', 'lots']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /--duckdb-memory takes a size such as 512MB or 4GB, got lots/);
});

test('nothing readable: exit 2 with a clear message, no stack trace', async () => {
  const t = tempDir({ 'notes.txt': 'not a log\n' });
  try {
    const r = await run(
      ['flows', '-p', path.join(EXAMPLES, 'cordon.yaml'), t.dir, path.join(t.dir, 'missing.log')],
      t.dir,
    );
    assert.equal(r.code, 2);
    assert.match(r.out, /not assessed \(2\)/);
    assert.match(r.err, /no flow or DNS log could be read/);
    assert.doesNotMatch(r.err + r.out, /at .*\.ts:\d+/);
  } finally {
    t.cleanup();
  }
});

test('a bad cordon.yaml flows section is a located input error (exit 2)', async () => {
  const t = tempDir({
    'cordon.yaml':
      'version: 1\nzones:\n  data:\n    cidrs: [10.0.3.0/24]\nflows:\n  large_transfer:\n    flow_bytes: -5\n',
    'a.log': log(v2('10.0.3.30', '203.0.113.67', 50000, 443)),
  });
  try {
    const r = await run(['flows', 'a.log'], t.dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /cordon\.yaml:7/);
  } finally {
    t.cleanup();
  }
});

test('--inventory: subnets by SecurityZone tag, Bedrock endpoint interfaces as the service zone, VPC space as private', async () => {
  const t = tempDir({
    'a.log': log(
      v2('10.0.3.30', '203.0.113.66', 50000, 443),
      v2('10.0.2.20', '10.0.2.11', 50001, 443),
      v2('10.0.1.10', '10.0.9.9', 50002, 443),
    ),
  });
  try {
    const inventory = path.join(ROOT, 'examples/aws/reference');
    const r = await run(['flows', '--inventory', inventory, '-f', 'json', t.dir], t.dir);
    const json = JSON.parse(r.out) as {
      matrix: { from: string; to: string }[];
      findings: { checkId: string }[];
      unusedRules: { id: string }[];
    };
    const pairs = json.matrix.map((m) => `${m.from}>${m.to}`);
    assert.deepEqual(pairs, ['application>(private, no zone)', 'data>internet', 'inference>external_ai']);
    assert.ok(json.findings.some((f) => f.checkId === 'flow-data-zone-egress'));
    assert.ok(!json.unusedRules.some((u) => u.id === 'NET-002'), 'the endpoint traffic used NET-002');
    // Without the inventory the built-in policy has no CIDRs: everything private is "(private, no zone)".
    const bare = await run(['flows', '-f', 'json', t.dir], t.dir);
    assert.match(bare.err, /gives no zone a CIDR and no --inventory was given/);
    assert.ok(
      !(JSON.parse(bare.out) as { findings: { checkId: string }[] }).findings.some(
        (f) => f.checkId === 'flow-data-zone-egress',
      ),
    );
  } finally {
    t.cleanup();
  }
});

test('a --log-format with an unknown field is a usage error naming the field', async () => {
  const r = await run([
    'flows',
    ...POLICY,
    '--log-format',
    '${version} ${srcaddr} ${dstaddr} ${colour}',
    'examples/flows/logs',
  ]);
  assert.equal(r.code, 2);
  assert.match(r.err, /--log-format: unknown flow log field colour/);
});

test('suppressions in cordon.yaml apply to flow alerts: marked in jsonl, left out of the table, never failing the run', async () => {
  const policyText = (await import('node:fs'))
    .readFileSync(path.join(EXAMPLES, 'cordon.yaml'), 'utf8')
    .replace(
      'suppressions: []',
      'suppressions:\n  - check: flow-data-zone-egress\n    reason: accepted while the vendor sync is migrated to PrivateLink',
    );
  const t = tempDir({ 'cordon.yaml': policyText, 'a.log': log(v2('10.0.3.30', '203.0.113.66', 50000, 443)) });
  try {
    const table = await run(['flows', '--fail-on', 'critical', 'a.log'], t.dir);
    assert.match(table.out, /suppressed by cordon\.yaml: 1 alert/);
    assert.doesNotMatch(table.out, /HIGH {5}flow-data-zone-egress/);
    const jsonl = await run(['flows', '-f', 'jsonl', 'a.log'], t.dir);
    const egress = jsonl.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { checkId: string; suppression?: { reason: string } })
      .find((f) => f.checkId === 'flow-data-zone-egress')!;
    assert.match(egress.suppression!.reason, /vendor sync/);
    // The drift alert for the same flow (NET-011) is not suppressed and still fails the run.
    assert.equal(jsonl.code, 1);
  } finally {
    t.cleanup();
  }
});

test('globs select files across directories; a pattern that matches nothing is reported, not fatal', async () => {
  const r = await run([
    'flows',
    ...POLICY,
    '-f',
    'json',
    'examples/flows/logs/**/*.jsonl',
    'examples/flows/nothing-*.log',
  ]);
  const json = JSON.parse(r.out) as { files: { file: string; status: string; note: string }[] };
  assert.deepEqual(
    json.files.map((f) => [f.file, f.status]),
    [
      ['examples/flows/nothing-*.log', 'not-assessed'],
      ['examples/flows/logs/gcp/vpc_flows.jsonl', 'read'],
    ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1)),
  );
  assert.equal(r.code, 1);
});

test('a zone role naming no zone of the policy is a located input error (a typo must not switch a rule off)', async () => {
  const t = tempDir({
    'cordon.yaml': 'version: 1\nzones:\n  data:\n    cidrs: [10.0.3.0/24]\nflows:\n  data_zones: [data, datta]\n',
    'a.log': log(v2('10.0.3.30', '203.0.113.67', 50000, 443)),
  });
  try {
    const r = await run(['flows', 'a.log'], t.dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /cordon\.yaml:6:\d+: flows\.data_zones: unknown zone "datta"/);
  } finally {
    t.cleanup();
  }
});

test('default zone roles may name zones the policy lacks: no error, the rule has nothing to watch', async () => {
  const t = tempDir({
    'cordon.yaml': 'version: 1\nzones:\n  data:\n    cidrs: [10.0.3.0/24]\n',
    'a.log': log(v2('10.0.3.30', '203.0.113.67', 50000, 443)),
  });
  try {
    const r = await run(['flows', 'a.log'], t.dir);
    assert.equal(r.code, 1, r.err);
    assert.match(r.out, /flow-data-zone-egress/);
  } finally {
    t.cleanup();
  }
});
