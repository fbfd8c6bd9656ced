/**
 * Issue 8, flow side: an unreadable folder is skipped with an error naming it and the walk goes on; a header-only
 * flow log is not assessed (both engines); --inventory pointing nowhere is an error, never silently nothing.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../support/cli.js';
import { EXAMPLES, V2_HEADER, bothEngines, log, referencePolicy, tempDir, v2 } from './helpers.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function run(args: string[], cwd: string) {
  const r = await runCli(args, { cwd });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

test('an unreadable folder is skipped with an error naming that folder; the folders after it are still read', () => {
  const t = tempDir({
    'logs/a/a.log': log(v2('10.0.3.30', '203.0.113.9', 50000, 443)),
    'logs/b/b.log': log(v2('10.0.3.31', '203.0.113.9', 50000, 443)),
    'logs/c/c.log': log(v2('10.0.3.32', '203.0.113.9', 50000, 443)),
  });
  chmodSync(t.dir, 0o755);
  chmodSync(path.join(t.dir, 'logs/b'), 0o000);
  const script = path.join(t.dir, 'run.mts');
  // Root reads any folder: the CLI then runs as nobody, for whom b/ is unreadable, as for a user without the right.
  writeFileSync(
    script,
    `import { main } from ${JSON.stringify(path.join(ROOT, 'src/cli/main.ts'))};\nprocess.exitCode = await main(process.argv.slice(2));\n`,
  );
  chmodSync(script, 0o644);
  try {
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        import.meta.resolve('tsx'),
        script,
        'flows',
        '-p',
        path.join(EXAMPLES, 'cordon.yaml'),
        '-f',
        'json',
        'logs',
      ],
      { cwd: t.dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, ...asNobody },
    );
    assert.equal(r.status, 1, r.stderr);
    assert.ok(r.stdout.length > 0, r.stderr);
    const json = JSON.parse(r.stdout) as { files: { file: string; status: string; note: string }[] };
    assert.deepEqual(
      json.files.map((f) => [f.file, f.status, f.note.replace(/:.*/, '')]),
      [
        ['logs/a/a.log', 'read', 'AWS VPC flow log with header'],
        ['logs/b', 'not-assessed', 'cannot read folder'],
        ['logs/c/c.log', 'read', 'AWS VPC flow log with header'],
      ],
    );
    assert.match(r.stderr, /not assessed: logs\/b: cannot read folder: EACCES/);
  } finally {
    chmodSync(path.join(t.dir, 'logs/b'), 0o755);
    t.cleanup();
  }
});

test('a header-only flow log is not assessed (both engines), while a log with records is read', async () => {
  const t = tempDir({ 'empty.log': `${V2_HEADER}\n`, 'one.log': log(v2('10.0.1.10', '10.0.2.20', 50000, 443)) });
  try {
    const r = await bothEngines([t.dir], { policy: referencePolicy(), cwd: t.dir });
    assert.deepEqual(
      r.files.map((f) => [f.file, f.status, f.note]),
      [
        ['empty.log', 'not-assessed', 'no record (header or empty document only)'],
        ['one.log', 'read', 'AWS VPC flow log with header'],
      ],
    );
    assert.ok(r.alerts.some((a) => a.rule.id === 'flow-input-not-assessed' && a.resource === 'empty.log'));
  } finally {
    t.cleanup();
  }
});

test('--inventory pointing nowhere (missing, a file, or a folder with no snapshot data) is a usage error', async () => {
  const t = tempDir({ 'a.log': log(v2('10.0.1.10', '10.0.2.20', 50000, 443)), 'inv/notes.txt': 'nothing\n' });
  try {
    const base = ['flows', '-p', path.join(EXAMPLES, 'cordon.yaml'), 'a.log', '--inventory'];
    for (const [inv, message] of [
      ['missing', /--inventory missing: not a snapshot directory \(ENOENT\)/],
      ['a.log', /--inventory a\.log: not a snapshot directory \(a file\)/],
      ['inv', /--inventory inv: no subnet, VPC or network interface could be read from it/],
    ] as const) {
      const r = await run([...base, inv], t.dir);
      assert.equal(r.code, 2, inv);
      assert.match(r.err, message);
    }
    // A real snapshot is accepted.
    const ok = await run([...base, path.join(ROOT, 'examples/aws/misconfigured')], t.dir);
    assert.notEqual(ok.code, 2, ok.err);
  } finally {
    t.cleanup();
  }
});

test('many small files are read with bounded concurrency (not one after another), and the output stays the same', async () => {
  const fsp = (await import('node:fs/promises')).default;
  const { syncBuiltinESMExports } = await import('node:module');
  const { analyzeFlows, READ_CONCURRENCY } = await import('../../src/flows/analyze.js');
  const { findingsOf } = await import('../../src/flows/report.js');
  const files: Record<string, string> = {};
  for (let k = 0; k < 60; k++)
    files[`f${String(k).padStart(3, '0')}.log`] = log(v2('10.0.3.30', `203.0.113.${k + 1}`, 50000 + k, 443));
  const t = tempDir(files);
  const original = fsp.open;
  let inFlight = 0;
  let maxInFlight = 0;
  try {
    const run = async () => {
      const r = await analyzeFlows([t.dir], { policy: referencePolicy(), cwd: t.dir });
      return { findings: findingsOf(r), files: r.files, matrix: r.matrix };
    };
    const plain = await run();
    // Every open waits 5 ms, as a slow disk or network file system would: reads one after another never overlap.
    fsp.open = async (...args: Parameters<typeof original>) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        await new Promise((res) => setTimeout(res, 5));
        return await original(...args);
      } finally {
        inFlight--;
      }
    };
    syncBuiltinESMExports();
    const slow = await run();
    assert.ok(maxInFlight > 1, `opens in flight at once: ${maxInFlight}`);
    assert.ok(maxInFlight <= READ_CONCURRENCY + 1, `bounded: ${maxInFlight}`);
    assert.deepEqual(slow, plain);
    assert.equal(plain.files.length, 60);
  } finally {
    fsp.open = original;
    syncBuiltinESMExports();
    t.cleanup();
  }
});
