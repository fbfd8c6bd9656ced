#!/usr/bin/env node
// Runs every test/**/*.test.ts with node:test through tsx. Node 20's --test does not expand globs, so we list files.
// Usage: node scripts/run-tests.mjs [substring filter...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const filters = process.argv.slice(2);
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== 'fixtures' && name !== 'node_modules') walk(full);
    } else if (name.endsWith('.test.ts')) files.push(path.relative(root, full));
  }
};
walk(path.join(root, 'test'));
const selected = filters.length ? files.filter((f) => filters.some((x) => f.includes(x))) : files;
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Network safety: never let an SDK credential chain reach a metadata address.
const env = {
  ...process.env,
  AWS_EC2_METADATA_DISABLED: 'true',
  METADATA_SERVER_DETECTION: 'none',
  AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
  AWS_SECRET_ACCESS_KEY: 'fake-secret-key-for-tests-only',
  AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
  NO_COLOR: '1',
};
// Property tests take one seed per run (test/support/property-seed.ts): reproducible in CI.
const r = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--import', './test/support/property-seed.ts', '--test', '--test-concurrency=2', ...selected],
  {
    cwd: root,
    stdio: 'inherit',
    env,
  },
);
process.exit(r.status ?? 1);
