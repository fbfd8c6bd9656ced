/** Shared set-up for tests against the fake AWS server: static fake credentials and a temporary output directory. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeWorld } from './fake-aws-server.js';
import { worldFromSnapshot } from './fake-aws-world.js';

export const FAKE_CREDENTIALS = {
  accessKeyId: 'AKIAFAKEFAKEFAKEFAKE',
  secretAccessKey: 'fake-secret-key-for-tests-only',
};
export const CALLER = '111111111111';
export const MEMBER = '222222222222';
export const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/aws-live/snapshot');

export const REGIONS: FakeWorld['regions'] = [
  { name: 'ap-east-1', optIn: 'not-opted-in' },
  { name: 'eu-west-1', optIn: 'opt-in-not-required' },
  { name: 'us-east-1', optIn: 'opt-in-not-required' },
];

export function fixtureWorld(): FakeWorld {
  return worldFromSnapshot(FIXTURE, CALLER, REGIONS);
}

const temps: string[] = [];
// Snapshots written by a test file are removed when its process exits.
process.on('exit', () => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

/** A path for a new snapshot directory (not created), inside a fresh temporary directory. */
export function tempOut(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cordon-aws-live-'));
  temps.push(dir);
  return path.join(dir, 'snapshot');
}

/** Every file under a directory, relative path -> parsed JSON. */
export function readTree(root: string): Map<string, unknown> {
  const out = new Map<string, unknown>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(path.relative(root, full).split(path.sep).join('/'), JSON.parse(readFileSync(full, 'utf8')));
    }
  };
  walk(root);
  return out;
}

/** Every file under a directory, relative path -> exact bytes as text. */
export function readTreeText(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out.set(path.relative(root, full), readFileSync(full, 'utf8'));
    }
  };
  walk(root);
  return out;
}
