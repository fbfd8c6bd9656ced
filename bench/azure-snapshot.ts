/**
 * Reading an Azure snapshot at scale: the reference example copied for N subscriptions (each file holds every
 * subscription's rows, as one tenant-wide Resource Graph query would), read by the Azure snapshot reader and, as the
 * baseline in the same run, by plain JSON.parse of the same files (the floor any reader pays). Reports wall time,
 * CPU time, items per second and peak RSS of each (each in its own child process), and the reader/baseline ratios.
 *
 *   npm run bench:azure [-- --subscriptions 300]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadAzureSnapshot } from '../src/sources/azure-snapshot/load.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const EXAMPLE = path.resolve(here, '../examples/azure/reference');
const EXAMPLE_SUB = '11111111-1111-1111-1111-111111111111';

const { values: args } = parseArgs({
  options: {
    subscriptions: { type: 'string', default: '300' },
    child: { type: 'string' },
    dir: { type: 'string' },
  },
});

function jsonFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Each example file with its rows repeated once per subscription (the subscription id rewritten). */
function generate(dir: string, subscriptions: number): void {
  for (const file of jsonFiles(EXAMPLE)) {
    const text = readFileSync(file, 'utf8');
    const doc = JSON.parse(text) as unknown;
    const rowsOf = (d: unknown): unknown[] =>
      Array.isArray(d) ? d : ((d as { data?: unknown[]; value?: unknown[] }).data ?? (d as { value: unknown[] }).value);
    const rows: unknown[] = [];
    for (let i = 0; i < subscriptions; i++) {
      const sub = `${String(i).padStart(8, '0')}-1111-1111-1111-111111111111`;
      rows.push(...rowsOf(JSON.parse(JSON.stringify(doc).split(EXAMPLE_SUB).join(sub))));
    }
    const out = Array.isArray(doc)
      ? rows
      : 'data' in (doc as object)
        ? { count: rows.length, data: rows, skip_token: null, total_records: rows.length }
        : { value: rows };
    const target = path.join(dir, path.relative(EXAMPLE, file));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, JSON.stringify(out, null, 1));
  }
}

interface ChildResult {
  wallMs: number;
  cpuS: number;
  items: number;
  maxRssMb: number;
}

async function child(mode: string, dir: string): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let items = 0;
  if (mode === 'cordon') {
    const r = await loadAzureSnapshot(dir);
    if (r.errors.length > 0) throw new Error(r.errors[0]!.format());
    for (const v of Object.values(r.inventory)) if (Array.isArray(v)) items += v.length;
  } else {
    for (const f of jsonFiles(dir)) {
      const d = JSON.parse(await readFile(f, 'utf8')) as unknown;
      items += (Array.isArray(d) ? d : ((d as { data?: unknown[] }).data ?? (d as { value: unknown[] }).value)).length;
    }
  }
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const result: ChildResult = {
    wallMs,
    cpuS: (cpu.user + cpu.system) / 1e6,
    items,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

function run(mode: string, dir: string): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', mode, '--dir', dir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    p.stdout.on('data', (c: Buffer) => (out += c.toString()));
    p.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as ChildResult)
        : reject(new Error(`${mode} exited ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const n = Number(args.subscriptions);
  const dir = mkdtempSync(path.join(tmpdir(), 'cordon-bench-azure-'));
  try {
    generate(dir, n);
    const bytes = jsonFiles(dir).reduce((a, f) => a + statSync(f).size, 0);
    console.log(
      `Azure snapshot: ${n} subscriptions, ${(bytes / 1e6).toFixed(1)} MB in ${jsonFiles(dir).length} files; host ${cpus().length} CPUs, load ${loadavg()[0]!.toFixed(1)}`,
    );
    const base = await run('json-parse', dir);
    const cordon = await run('cordon', dir);
    const row = (name: string, r: ChildResult) =>
      `${name.padEnd(12)} ${(r.wallMs / 1000).toFixed(2).padStart(8)} s wall ${r.cpuS.toFixed(2).padStart(8)} s CPU ${String(Math.round((r.items / r.wallMs) * 1000)).padStart(9)} items/s ${r.maxRssMb.toFixed(0).padStart(6)} MB peak RSS`;
    console.log(row('JSON.parse', base));
    console.log(row('cordon', cordon) + `  (${cordon.items} inventory items from ${base.items} rows)`);
    console.log(
      `ratio cordon/JSON.parse: wall ${(cordon.wallMs / base.wallMs).toFixed(1)}x, CPU ${(cordon.cpuS / base.cpuS).toFixed(1)}x, peak RSS ${(cordon.maxRssMb / base.maxRssMb).toFixed(1)}x`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (args.child) await child(args.child, args.dir!);
else await main();
