/**
 * Collection at scale against the local fake AWS server (127.0.0.1 only, injected latency): an organisation of 50
 * accounts x 4 regions, collected with cordon's default concurrency and with a sequential baseline (one scope, one
 * call at a time) in the same run. Reports wall time, API calls and peak memory of each, and checks both wrote
 * byte-identical snapshots. Each collection runs in a child process so its peak RSS is its own.
 *
 *   npm run bench:collect [-- --accounts 50 --regions 4 --latency-ms 10 --concurrency 8]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { collectAws } from '../src/sources/aws-live/collect.js';
import { startFakeAws, type FakeWorld, type RegionData } from '../test/support/fake-aws-server.js';
import { worldFromSnapshot } from '../test/support/fake-aws-world.js';
import { treeHash } from '../test/support/files.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE = path.resolve(here, '../test/fixtures/aws-live/snapshot');
const CREDENTIALS = { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey: 'fake-secret-key-for-benchmarks' };
const REGION_NAMES = [
  'eu-central-1',
  'eu-west-1',
  'us-east-1',
  'us-west-2',
  'ap-southeast-2',
  'ap-northeast-1',
  'sa-east-1',
  'ca-central-1',
];

const { values: args } = parseArgs({
  options: {
    accounts: { type: 'string', default: '50' },
    regions: { type: 'string', default: '4' },
    'latency-ms': { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    child: { type: 'string' },
    endpoint: { type: 'string' },
    out: { type: 'string' },
  },
});

interface ChildResult {
  wallMs: number;
  apiCalls: number;
  scopes: number;
  unavailable: number;
  maxRssMb: number;
  /** Peak RSS before collecting: Node, tsx and the SDK clients loaded. */
  loadRssMb: number;
  /** CPU seconds (user + system) the collecting process used. */
  cpuS: number;
}

/** Child: one collection, result as a JSON line on stdout. */
async function child(mode: string): Promise<void> {
  const endpoint = args.endpoint!;
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(endpoint))
    throw new Error('the benchmark only talks to the local fake server');
  const loadRssMb = process.resourceUsage().maxRSS / 1024;
  const sequential = mode === 'sequential';
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const s = await collectAws({
    out: args.out!,
    credentials: CREDENTIALS,
    endpoint,
    env: {},
    homeRegion: 'us-east-1',
    org: true,
    roleName: 'CordonAudit',
    concurrency: sequential ? 1 : Number(args.concurrency),
    callsPerScope: sequential ? 1 : 4,
  });
  const wallMs = performance.now() - start;
  const result: ChildResult = {
    wallMs,
    apiCalls: s.apiCalls,
    scopes: s.scopes.length,
    unavailable: s.scopes.reduce((n, x) => n + x.unavailable.length, 0),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    loadRssMb,
    cpuS: ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpu0)),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** 50 copies of the fixture's main account, each with its data in every benchmark region. */
function benchWorld(accounts: number, regions: number): FakeWorld {
  const fixture = worldFromSnapshot(FIXTURE, '111111111111', []);
  const template = JSON.stringify(fixture.data['111111111111']!['us-east-1']);
  const names = REGION_NAMES.slice(0, regions);
  const ids = Array.from({ length: accounts }, (_, i) => String(100000000000 + i));
  const data: FakeWorld['data'] = {};
  for (const id of ids) {
    data[id] = {};
    for (const r of names)
      data[id][r] = JSON.parse(template.replaceAll('111111111111', id).replaceAll('us-east-1', r)) as RegionData;
  }
  return {
    callerAccount: ids[0]!,
    data,
    organization: { ...fixture.organization!, accounts: ids.map((Id) => ({ Id, Name: `bench-${Id}` })) },
    regions: names.map((name) => ({ name, optIn: 'opt-in-not-required' as const })),
  };
}

async function main(): Promise<void> {
  const accounts = Number(args.accounts);
  const regions = Number(args.regions);
  const latencyMs = Number(args['latency-ms']);
  const load0 = loadavg()[0]!;
  const fake = await startFakeAws({ world: benchWorld(accounts, regions), latencyMs });
  const work = mkdtempSync(path.join(tmpdir(), 'cordon-bench-collect-'));
  const results: Record<string, ChildResult & { serverCalls: number; tree: { files: number; sha256: string } }> = {};
  for (const mode of ['concurrent', 'sequential']) {
    const before = fake.calls.length;
    const out = path.join(work, mode);
    const r = await runChild(mode, fake.endpoint, out);
    results[mode] = { ...r, serverCalls: fake.calls.length - before, tree: treeHash(out) };
  }
  await fake.close();
  rmSync(work, { recursive: true, force: true });
  const c = results.concurrent!;
  const s = results.sequential!;
  const line = (name: string, r: typeof c) =>
    `${name.padEnd(34)} ${(r.wallMs / 1000).toFixed(2).padStart(8)} s ${String(r.apiCalls).padStart(8)} ${String(r.serverCalls).padStart(12)} ${r.maxRssMb.toFixed(0).padStart(10)} MB ${r.loadRssMb.toFixed(0).padStart(13)} MB ${r.cpuS.toFixed(1).padStart(9)} s`;
  const out = [
    `cordon collect benchmark: ${accounts} accounts x ${regions} regions = ${c.scopes} scopes, ${latencyMs} ms injected latency per call, fake AWS on 127.0.0.1`,
    `${'mode'.padEnd(34)} ${'wall'.padStart(10)} ${'API calls'.padStart(8)} ${'server reqs'.padStart(12)} ${'peak RSS'.padStart(13)} ${'RSS at start'.padStart(16)} ${'CPU'.padStart(11)}`,
    line(`concurrent (${args.concurrency} scopes x 4 calls)`, c),
    line('sequential baseline (1 x 1)', s),
    `speed-up: ${(s.wallMs / c.wallMs).toFixed(1)}x; snapshots identical: ${c.tree.sha256 === s.tree.sha256 ? 'yes' : 'NO'} (${c.tree.files} files); unavailable data sets: ${c.unavailable}/${s.unavailable}`,
    `load average (1 min) before/after: ${load0.toFixed(2)}/${loadavg()[0]!.toFixed(2)} on ${cpus().length} CPUs (the fake server runs in this process, the collector in a child)`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  if (c.tree.sha256 !== s.tree.sha256 || c.unavailable || s.unavailable) process.exitCode = 1;
}

function runChild(mode: string, endpoint: string, out: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--child',
        mode,
        '--endpoint',
        endpoint,
        '--out',
        out,
        '--concurrency',
        String(args.concurrency),
      ],
      {
        env: {
          ...process.env,
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
          AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
          NODE_NO_WARNINGS: '1',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let stdout = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${mode} collection exited with ${code}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult);
    });
  });
}

if (args.child) await child(args.child);
else await main();
