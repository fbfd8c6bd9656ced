/**
 * Scan at organisation scale: snapshots of 1,000 and 3,000 account/region scopes (each a copy of one of the example
 * snapshots with its own account, region and resource ids: VPCs, zone-tagged subnets, route tables, security groups,
 * NACLs, endpoints with policies, ENIs, Bedrock and SageMaker jobs), scanned by `cordon scan` in a child process for
 * the table and the JSON report. Prints wall time and peak RSS of each run and the 3000/1000 ratios: a linear scan
 * keeps the time ratio near 3.
 *
 *   npm run bench:scan [-- --sizes 1000,3000 --formats table,json --regions 4 --cordon-root DIR --runner dist|src]
 *   npm run bench:scan -- --generate DIR --sizes 300    (only write an organisation, to profile by hand)
 *
 * --cordon-root runs another checkout's CLI (to measure a baseline with the same generated data). The child runs the
 * built CLI (dist/, built first) by default, as users run it; --runner src runs the sources through tsx.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const EXAMPLES = path.resolve(here, '../examples/aws');
const POLICY = path.resolve(here, '../examples/cordon.yaml');
const REGION_NAMES = ['eu-central-1', 'eu-west-1', 'us-east-1', 'us-west-2', 'ap-southeast-2', 'ap-northeast-1'];
/** Account ids in the examples, replaced by each scope's own. */
const EXAMPLE_ACCOUNTS = /111122223333|444455556666/g;
/** Resource ids in the examples: each scope gets its own by a scope-unique hex infix after the prefix. */
const RESOURCE_ID = /\b(vpc|subnet|rtb|sg|acl|vpce|eni|igw|nat)-0/g;

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,3000' },
    formats: { type: 'string', default: 'table,json' },
    regions: { type: 'string', default: '4' },
    'cordon-root': { type: 'string' },
    /** dist: the built CLI, as users run it (built first); src: the TypeScript sources through tsx. */
    runner: { type: 'string', default: 'dist' },
    keep: { type: 'boolean', default: false },
    /** Only write the organisation of the first size into this folder (for profiling by hand). */
    generate: { type: 'string' },
  },
  allowPositionals: true,
  strict: false,
});

interface Template {
  /** Path relative to the scope's directory, and its text. */
  files: { name: string; text: string }[];
}

function readTemplate(dir: string): Template {
  const files: Template['files'] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    // Organisation data (SCPs, the organisation) is written once at the root, not per scope.
    if (statSync(full).isFile() && name.endsWith('.json')) files.push({ name, text: readFileSync(full, 'utf8') });
  }
  return { files };
}

/** Writes an organisation of `scopes` scopes: every fourth one a copy of the misconfigured example. */
function generate(root: string, scopes: number, regions: number): { files: number; bytes: number } {
  const good = readTemplate(path.join(EXAMPLES, 'reference'));
  const bad = readTemplate(path.join(EXAMPLES, 'misconfigured'));
  let files = 0;
  let bytes = 0;
  const write = (file: string, text: string) => {
    writeFileSync(file, text);
    files++;
    bytes += text.length;
  };
  mkdirSync(path.join(root, 'organization'), { recursive: true });
  const org = path.join(EXAMPLES, 'reference', 'organization');
  for (const name of readdirSync(org).sort())
    write(path.join(root, 'organization', name), readFileSync(path.join(org, name), 'utf8'));
  for (let i = 0; i < scopes; i++) {
    const account = String(100000000000 + Math.floor(i / regions));
    const region = REGION_NAMES[i % regions]!;
    const infix = i.toString(16).padStart(6, '0');
    const dir = path.join(root, account, region);
    mkdirSync(dir, { recursive: true });
    for (const f of (i % 4 === 3 ? bad : good).files) {
      write(
        path.join(dir, f.name),
        f.text.replace(EXAMPLE_ACCOUNTS, account).replaceAll('us-east-1', region).replace(RESOURCE_ID, `$1-0${infix}`),
      );
    }
  }
  return { files, bytes };
}

interface ChildResult {
  wallMs: number;
  maxRssMb: number;
  cpuS: number;
  exitCode: number;
  stderrTail: string;
  outputBytes: number;
}

/**
 * Child: one `cordon scan`, in-process so resourceUsage() covers exactly it; result on fd 3. Plain JavaScript run
 * without tsx for the built CLI, so the peak RSS is the CLI's own and not the TypeScript loader's.
 */
const CHILD_SCRIPT = `
import { writeFileSync } from 'node:fs';
const { main } = await import(process.env.CORDON_BENCH_ENTRY);
const start = performance.now();
const cpu0 = process.cpuUsage();
const exitCode = await main(process.argv.slice(1));
const c = process.cpuUsage(cpu0);
writeFileSync(3, JSON.stringify({
  wallMs: performance.now() - start,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
  cpuS: (c.user + c.system) / 1e6,
  exitCode,
}) + '\\n');
`;

function runChild(root: string, argv: string[]): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [...(args.runner === 'src' ? ['--import', 'tsx'] : []), '--input-type=module', '-e', CHILD_SCRIPT, '--', ...argv],
      {
        env: {
          ...process.env,
          CORDON_BENCH_ENTRY: pathToFileURL(
            path.join(root, args.runner === 'src' ? 'src/cli/main.ts' : 'dist/cli/main.js'),
          ).href,
          AWS_EC2_METADATA_DISABLED: 'true',
          METADATA_SERVER_DETECTION: 'none',
          NODE_NO_WARNINGS: '1',
        },
        stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let result = '';
    p.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    (p.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => (result += d.toString()));
    p.on('error', reject);
    p.on('close', (code, signal) => {
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      if (!result.trim())
        return resolve({
          wallMs: NaN,
          maxRssMb: NaN,
          cpuS: NaN,
          exitCode: code ?? -1,
          stderrTail: `${signal ?? ''} ${tail}`,
          outputBytes: 0,
        });
      resolve({
        ...(JSON.parse(result) as Omit<ChildResult, 'stderrTail' | 'outputBytes'>),
        stderrTail: tail,
        outputBytes: 0,
      });
    });
  });
}

async function main(): Promise<void> {
  const sizes = String(args.sizes).split(',').map(Number);
  const formats = String(args.formats).split(',');
  const regions = Number(args.regions);
  const root = args['cordon-root'] ? path.resolve(String(args['cordon-root'])) : path.resolve(here, '..');
  if (args.runner !== 'src') {
    // Measure what users run: the compiled CLI, freshly built from this code.
    const built = spawnSync(
      process.execPath,
      [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    if (built.status !== 0) throw new Error(`building ${root} failed`);
  }
  const load0 = loadavg()[0]!;
  const work = mkdtempSync(path.join(tmpdir(), 'cordon-bench-scan-'));
  const lines: string[] = [];
  const results = new Map<string, ChildResult>();
  try {
    for (const size of sizes) {
      const snap = path.join(work, `org-${size}`);
      const g0 = performance.now();
      const gen = generate(snap, size, regions);
      const genS = (performance.now() - g0) / 1000;
      lines.push(
        `${size} scopes: generated ${gen.files} files, ${(gen.bytes / 1e6).toFixed(0)} MB in ${genS.toFixed(1)} s`,
      );
      process.stderr.write(`${lines.at(-1)}\n`);
      for (const format of formats) {
        const out = path.join(work, `report-${size}.${format}`);
        const r = await runChild(root, ['scan', snap, '-p', POLICY, '-f', format, '-o', out, '--fail-on', 'critical']);
        try {
          r.outputBytes = statSync(out).size;
        } catch {
          r.outputBytes = 0;
        }
        rmSync(out, { force: true });
        results.set(`${size}/${format}`, r);
        process.stderr.write(`  ${format}: ${JSON.stringify(r)}\n`);
      }
      if (!args.keep) rmSync(snap, { recursive: true, force: true });
    }
  } finally {
    if (!args.keep) rmSync(work, { recursive: true, force: true });
  }
  const row = (size: number, format: string, r: ChildResult) =>
    `${String(size).padStart(6)} ${format.padEnd(6)} ${(r.wallMs / 1000).toFixed(1).padStart(8)} s ${r.cpuS.toFixed(1).padStart(8)} s ${r.maxRssMb.toFixed(0).padStart(8)} MB ${(r.outputBytes / 1e6).toFixed(1).padStart(9)} MB  exit ${r.exitCode}${Number.isNaN(r.wallMs) || r.outputBytes === 0 ? `  FAILED: ${r.stderrTail}` : ''}`;
  const out = [
    `cordon scan benchmark (${args['cordon-root'] ? `code from ${String(args['cordon-root'])}` : 'this checkout'}, ${args.runner === 'src' ? 'sources through tsx' : 'built CLI (dist/)'}), ${regions} regions per account, policy examples/cordon.yaml`,
    ...lines,
    `${'scopes'.padStart(6)} ${'format'.padEnd(6)} ${'wall'.padStart(10)} ${'CPU'.padStart(10)} ${'peak RSS'.padStart(11)} ${'report'.padStart(12)}`,
    ...[...results].map(([k, r]) => {
      const [size, format] = k.split('/') as [string, string];
      return row(Number(size), format, r);
    }),
  ];
  const [small, large] = [Math.min(...sizes), Math.max(...sizes)];
  if (small !== large)
    for (const format of formats) {
      const a = results.get(`${small}/${format}`);
      const b = results.get(`${large}/${format}`);
      if (a && b)
        out.push(
          `${format}: ${large}/${small} scopes ratio: wall ${(b.wallMs / a.wallMs).toFixed(2)}x, CPU ${(b.cpuS / a.cpuS).toFixed(2)}x, peak RSS ${(b.maxRssMb / a.maxRssMb).toFixed(2)}x (linear = ${(large / small).toFixed(1)}x)`,
        );
    }
  out.push(
    `load average (1 min) before/after: ${load0.toFixed(2)}/${loadavg()[0]!.toFixed(2)} on ${cpus().length} CPUs`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

if (args.generate)
  generate(path.resolve(String(args.generate)), Number(String(args.sizes).split(',')[0]), Number(args.regions));
else await main();
