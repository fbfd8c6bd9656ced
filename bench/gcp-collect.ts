/**
 * GCP collection at scale against the local fake Google server (127.0.0.1 only, TLS, injected latency): an
 * organization of N copies of examples/gcp/reference's two projects, collected with cordon's default concurrency, the
 * same at 3N (cost must grow linearly: about 3x), and a sequential baseline (one call at a time) at N, in the same
 * run. Reports wall time, API calls, CPU and peak memory of each collection (each in a child process, so its peak RSS
 * is its own), and checks the concurrent and sequential snapshots are byte-identical.
 *
 *   npm run bench:gcp-collect [-- --projects 100 --latency-ms 10 --concurrency 8]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { collectGcp } from '../src/sources/gcp-live/collect.js';
import { startFakeGcp, writeUserCredential, type FakeGcpOptions } from '../test/support/fake-gcp-server.js';
import { gcpWorldFromExample } from '../test/support/fake-gcp-world.js';
import { treeHash } from '../test/support/files.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const EXAMPLE = path.resolve(here, '../examples/gcp/reference');
const ORG = '123456789012';
const USER = { clientId: 'bench.apps.example', clientSecret: 'fake-secret', refreshToken: 'fake-refresh' };

const { values: args } = parseArgs({
  options: {
    projects: { type: 'string', default: '100' },
    'latency-ms': { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '8' },
    child: { type: 'string' },
    endpoint: { type: 'string' },
    ca: { type: 'string' },
    out: { type: 'string' },
  },
});

interface ChildResult {
  wallMs: number;
  apiCalls: number;
  projects: number;
  unavailable: number;
  maxRssMb: number;
  cpuS: number;
}

async function child(concurrency: number): Promise<void> {
  const endpoint = args.endpoint!;
  if (!/^https:\/\/127\.0\.0\.1:\d+$/.test(endpoint)) throw new Error('the benchmark only talks to the local fake');
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  const s = await collectGcp({
    out: args.out!,
    organization: ORG,
    endpoint,
    ca: readFileSync(args.ca!, 'utf8'),
    env: process.env,
    concurrency,
  });
  const result: ChildResult = {
    wallMs: performance.now() - start,
    apiCalls: s.apiCalls,
    projects: s.projects.length,
    unavailable: [...s.projects, ...s.hierarchy].reduce((n, x) => n + x.unavailable.length, 0),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    cpuS: ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpu0)),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/** `copies` copies of the example's projects, each pair with its own ids and numbers, under one organization. */
function benchWorld(copies: number): FakeGcpOptions {
  const base = gcpWorldFromExample(EXAMPLE);
  const template = JSON.stringify({ assets: base.assets, orgPolicies: base.orgPolicies, recordSets: base.recordSets });
  const world: FakeGcpOptions = {
    assets: [],
    accessPolicyAssets: base.accessPolicyAssets ?? [],
    orgPolicies: [],
    recordSets: {},
    user: USER,
  };
  for (let i = 0; i < copies; i++) {
    const copy = JSON.parse(
      template
        .replaceAll('100000000001', String(200000000001 + 10 * i))
        .replaceAll('100000000002', String(200000000002 + 10 * i))
        .replaceAll('ai-net-host', `ai-net-host-${i}`)
        .replaceAll('ai-workloads', `ai-workloads-${i}`),
    ) as Pick<FakeGcpOptions, 'assets' | 'orgPolicies' | 'recordSets'>;
    world.assets.push(...copy.assets);
    // Policies of the organization are one set, whatever the number of projects.
    world.orgPolicies!.push(
      ...(copy.orgPolicies ?? []).filter((p) => i === 0 || !String(p.name).startsWith('organizations/')),
    );
    Object.assign(world.recordSets!, copy.recordSets);
  }
  return world;
}

async function main(): Promise<void> {
  const copies = Number(args.projects) / 2;
  const latencyMs = Number(args['latency-ms']);
  const concurrency = Number(args.concurrency);
  const load0 = loadavg()[0]!;
  const work = mkdtempSync(path.join(tmpdir(), 'cordon-bench-gcp-'));
  const credentials = writeUserCredential(work, USER);
  const runs: { name: string; copies: number; concurrency: number }[] = [
    { name: `concurrent (${concurrency} calls), ${copies * 2} projects`, copies, concurrency },
    { name: `concurrent (${concurrency} calls), ${copies * 6} projects`, copies: copies * 3, concurrency },
    { name: `sequential baseline (1 call), ${copies * 2} projects`, copies, concurrency: 1 },
  ];
  const results: (ChildResult & { name: string; serverCalls: number; tree: ReturnType<typeof treeHash> })[] = [];
  for (const run of runs) {
    const fake = await startFakeGcp({ ...benchWorld(run.copies), latencyMs });
    const ca = path.join(work, 'ca.pem');
    writeFileSync(ca, fake.ca);
    const out = path.join(work, `out-${results.length}`);
    const r = await runChild(run.concurrency, fake.endpoint, ca, out, credentials);
    results.push({ ...r, name: run.name, serverCalls: fake.calls.length, tree: treeHash(out) });
    await fake.close();
  }
  rmSync(work, { recursive: true, force: true });
  const [small, large, seq] = results as [(typeof results)[0], (typeof results)[0], (typeof results)[0]];
  const line = (r: (typeof results)[0]) =>
    `${r.name.padEnd(42)} ${(r.wallMs / 1000).toFixed(2).padStart(8)} s ${String(r.apiCalls).padStart(9)} ${r.cpuS.toFixed(2).padStart(8)} s ${r.maxRssMb.toFixed(0).padStart(8)} MB`;
  process.stdout.write(
    [
      `cordon collect gcp benchmark: one organization, ${latencyMs} ms injected latency per call, fake Google APIs on 127.0.0.1 (TLS)`,
      `${'run'.padEnd(42)} ${'wall'.padStart(10)} ${'API calls'.padStart(9)} ${'CPU'.padStart(10)} ${'peak RSS'.padStart(11)}`,
      ...results.map(line),
      `3x the projects: ${(large.apiCalls / small.apiCalls).toFixed(2)}x the calls, ${(large.wallMs / small.wallMs).toFixed(2)}x the wall time, ${(large.cpuS / small.cpuS).toFixed(2)}x the CPU`,
      `concurrency speed-up over the sequential baseline: ${(seq.wallMs / small.wallMs).toFixed(1)}x; snapshots identical: ${small.tree.sha256 === seq.tree.sha256 ? 'yes' : 'NO'} (${small.tree.files} files); unavailable data sets: ${results.map((r) => r.unavailable).join('/')}`,
      `load average (1 min) before/after: ${load0.toFixed(2)}/${loadavg()[0]!.toFixed(2)} on ${cpus().length} CPUs`,
    ].join('\n') + '\n',
  );
  if (small.tree.sha256 !== seq.tree.sha256 || results.some((r) => r.unavailable > 0)) process.exitCode = 1;
}

function runChild(
  concurrency: number,
  endpoint: string,
  ca: string,
  out: string,
  credentials: string,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        fileURLToPath(import.meta.url),
        '--child',
        String(concurrency),
        '--endpoint',
        endpoint,
        '--ca',
        ca,
        '--out',
        out,
      ],
      {
        env: {
          ...process.env,
          METADATA_SERVER_DETECTION: 'none',
          GOOGLE_APPLICATION_CREDENTIALS: credentials,
          NODE_NO_WARNINGS: '1',
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let stdout = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`collection exited with ${code}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult);
    });
  });
}

if (args.child) await child(Number(args.child));
else await main();
