// npm run bench:startup — how long commands take to start, against `node -e 0` measured in the same run, and the
// bundled CLI (bin/cordon.js) against the plain tsc output (dist/cli/main.js). Runs are interleaved so load on a
// shared host hits every case alike; the median of N runs is reported. Needs `npm run build` first.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
if (!existsSync(path.join(root, 'dist/cli-bundle/main.js'))) {
  console.error('run `npm run build` first');
  process.exit(2);
}
const runs = Number(process.env.RUNS ?? 21);
// The unbundled CLI, for the ratio bundled/unbundled.
const plain = path.join(mkdtempSync(path.join(tmpdir(), 'cordon-startup-')), 'plain.mjs');
writeFileSync(
  plain,
  `import { main } from ${JSON.stringify(path.join(root, 'dist/cli/main.js'))};\nprocess.exitCode = await main(process.argv.slice(2));\n`,
);
const commands = {
  '--version': ['--version'],
  'checks list': ['checks', 'list'],
  'policy check': [
    'policy',
    'check',
    '--from',
    'application',
    '--to',
    'external_ai',
    '--port',
    '443',
    '-p',
    'examples/cordon.yaml',
  ],
  'scan --help': ['scan', '--help'],
};
const cases = { 'node -e 0': ['-e', '0'] };
for (const [name, args] of Object.entries(commands)) {
  cases[name] = ['bin/cordon.js', ...args];
  cases[`${name} (unbundled)`] = [plain, ...args];
}
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
const rss = {};
for (let i = 0; i < runs; i++) {
  for (const [name, argv] of Object.entries(cases)) {
    const t = process.hrtime.bigint();
    const r = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...argv], { cwd: root, encoding: 'utf8' });
    times[name].push(Number(process.hrtime.bigint() - t) / 1e6);
    rss[name] = Number(r.stderr.trim().split('\n').at(-1));
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const base = median(times['node -e 0']);
console.log(`startup, median of ${runs} interleaved runs (wall ms; ratio to node -e 0; peak RSS)`);
for (const name of Object.keys(cases)) {
  const m = median(times[name]);
  console.log(
    `  ${name.padEnd(28)} ${m.toFixed(0).padStart(5)} ms  ${(m / base).toFixed(2).padStart(5)}x  ${(rss[name] / 1024).toFixed(0).padStart(4)} MB`,
  );
}
for (const name of Object.keys(commands))
  console.log(
    `  bundled/unbundled ${name.padEnd(18)} ${(median(times[name]) / median(times[`${name} (unbundled)`])).toFixed(2)}`,
  );
