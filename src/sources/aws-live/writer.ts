/**
 * Writes a snapshot in the layout `cordon scan` reads: one directory per account and region (and one for the
 * organisation), each with CLI-shaped JSON files and a manifest naming its scope and what could not be read.
 * Output is byte-for-byte reproducible: sorted items, 2-space JSON, trailing newline, no timestamps.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CollectError } from './errors.js';
import type { DatasetOutcome } from './types.js';

export const MANIFEST_FILE = 'cordon-manifest.json';

export function stableJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

export interface ScopeWrite {
  account: string;
  /** An AWS region, or "global" for the organisation directory. */
  region: string;
  /** Directory relative to the snapshot root. */
  dir: string;
  outcomes: DatasetOutcome[];
}

export async function writeScope(root: string, scope: ScopeWrite): Promise<void> {
  const dir = path.join(root, scope.dir);
  await mkdir(dir, { recursive: true });
  const files = scope.outcomes.flatMap((o) => o.files).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const f of files) await writeFile(path.join(dir, f.name), stableJson(f.document));
  const unavailable = scope.outcomes
    .flatMap((o) => (o.unavailable ? [o.unavailable] : []))
    .sort((a, b) => (a.dataset < b.dataset ? -1 : 1))
    .map((u) => ({ dataset: u.dataset, reason: u.reason, ...(u.action ? { action: u.action } : {}) }));
  await writeFile(
    path.join(dir, MANIFEST_FILE),
    stableJson({ cordonSnapshot: 1, provider: 'aws', account: scope.account, region: scope.region, unavailable }),
  );
}

/** The output directory must be new or empty: files left from another collection would be read as current data. */
export async function prepareOutDir(root: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      await mkdir(root, { recursive: true });
      return;
    }
    throw new CollectError(
      `cannot use ${root} as the output directory: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  if (entries.length > 0)
    throw new CollectError(
      `${root} is not empty; collect into a new or empty directory so no stale files are scanned with the new ones`,
    );
}
