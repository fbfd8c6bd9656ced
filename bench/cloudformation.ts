/**
 * Scanning CloudFormation at scale: the misconfigured example's template copied N times with renamed logical ids
 * (about 70 resources each, ten copies per JSON template file), scanned with every AWS check by scanSnapshot and, as
 * the baseline in the same run, read with plain JSON.parse (the floor any reader pays). Each run is a child process;
 * wall time, CPU time and peak RSS are printed with the ratio between the two sizes (linear cost gives about 3x).
 *
 *   npm run bench:cfn [-- --copies 100]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parseTemplate } from '../src/sources/iac/cloudformation/parse.js';
import { scanSnapshot } from '../src/scan.js';
import { parsePolicy } from '../src/policy/load.js';
import { REFERENCE_POLICY_YAML } from '../src/policy/reference.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const EXAMPLE = path.resolve(here, '../examples/cloudformation/aws-misconfigured/ai-prod.yaml');
const PER_FILE = 10;

const { values: args } = parseArgs({
  options: { copies: { type: 'string', default: '100' }, child: { type: 'string' }, dir: { type: 'string' } },
});

/** The template with every logical id suffixed, references included (the example's Subs name no resource). */
function copy(value: Record<string, unknown>, suffix: string): Record<string, unknown> {
  const ids = new Set(Object.keys(value.Resources as object));
  const rename = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rename);
    if (v === null || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    if (typeof o.Ref === 'string' && ids.has(o.Ref)) return { Ref: `${o.Ref}${suffix}` };
    if (Array.isArray(o['Fn::GetAtt']) && ids.has(o['Fn::GetAtt'][0] as string)) {
      const [res, attr] = o['Fn::GetAtt'] as [string, string];
      return { 'Fn::GetAtt': [`${res}${suffix}`, attr] };
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, rename(x)]));
  };
  const resources = Object.entries(value.Resources as Record<string, Record<string, unknown>>).map(([id, r]) => [
    `${id}${suffix}`,
    { ...(rename(r) as object), ...(typeof r.Condition === 'string' ? { Condition: r.Condition } : {}) },
  ]);
  return Object.fromEntries(resources) as Record<string, unknown>;
}

function generate(dir: string, copies: number): number {
  const t = parseTemplate('ai-prod.yaml', readFileSync(EXAMPLE, 'utf8')).value as Record<string, unknown>;
  let resources = 0;
  for (let f = 0; f * PER_FILE < copies; f++) {
    const all: Record<string, unknown> = {};
    for (let i = f * PER_FILE; i < Math.min(copies, (f + 1) * PER_FILE); i++) Object.assign(all, copy(t, `C${i}`));
    resources += Object.keys(all).length;
    const doc = { ...t, Resources: all };
    writeFileSync(path.join(dir, `stack-${String(f).padStart(4, '0')}.json`), JSON.stringify(doc, null, 2));
  }
  return resources;
}

async function child(kind: string, dir: string): Promise<void> {
  const start = process.cpuUsage();
  const t0 = performance.now();
  if (kind === 'baseline') {
    for (const f of readdirSync(dir).sort()) JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
  } else {
    const report = await scanSnapshot({
      snapshot: dir,
      policy: parsePolicy('cordon.yaml', REFERENCE_POLICY_YAML),
      policySource: 'reference',
      cwd: dir,
      today: '2026-01-01',
    });
    if (report.inputErrors.length > 0) throw new Error(report.inputErrors[0]!.message);
  }
  const cpu = process.cpuUsage(start);
  process.stdout.write(
    JSON.stringify({
      wall: performance.now() - t0,
      cpu: (cpu.user + cpu.system) / 1000,
      rss: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

function measure(kind: string, dir: string): Promise<{ wall: number; cpu: number; rss: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--child', kind, '--dir', dir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out) as never) : reject(new Error(`child exited ${code}`)),
    );
  });
}

if (args.child) await child(args.child, args.dir!);
else {
  const large = Number(args.copies);
  const small = Math.max(1, Math.round(large / 3));
  console.log(`CloudFormation scan, load average ${loadavg()[0]!.toFixed(1)}`);
  const rows: Record<string, { wall: number; cpu: number; rss: number }> = {};
  for (const copies of [small, large]) {
    const dir = mkdtempSync(path.join(tmpdir(), 'cordon-bench-cfn-'));
    try {
      const resources = generate(dir, copies);
      for (const kind of ['baseline', 'scan']) {
        const m = await measure(kind, dir);
        rows[`${kind} ${copies}`] = m;
        console.log(
          `  ${kind.padEnd(8)} ${String(copies).padStart(5)} copies, ${String(resources).padStart(6)} resources: wall ${m.wall.toFixed(0).padStart(6)} ms, CPU ${m.cpu.toFixed(0).padStart(6)} ms, peak RSS ${m.rss.toFixed(0)} MB`,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const ratio = (kind: string) => (rows[`${kind} ${large}`]!.cpu / rows[`${kind} ${small}`]!.cpu).toFixed(2);
  console.log(
    `  CPU ratio ${large}/${small} copies (${(large / small).toFixed(1)}x input): scan ${ratio('scan')}x, baseline ${ratio('baseline')}x`,
  );
  console.log(
    `  scan/baseline CPU at ${large} copies: ${(rows[`scan ${large}`]!.cpu / rows[`baseline ${large}`]!.cpu).toFixed(1)}x`,
  );
}
