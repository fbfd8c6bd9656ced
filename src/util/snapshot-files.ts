/**
 * Reading a snapshot directory: every .json file below a root (or the root itself when it is a file), in a stable
 * order, each named relative to the root with "/" separators so reports are the same on every OS. Unreadable files
 * become located errors and the rest is still read.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from './errors.js';

async function listJsonFiles(root: string, errors: InputError[], base: string): Promise<string[]> {
  const info = await stat(root);
  if (info.isFile()) return [root];
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      // The root failing is "cannot read snapshot"; a folder below it is skipped and named, and the walk goes on.
      if (dir === root) throw err;
      errors.push(new InputError(relative(base, dir), `cannot read folder: ${errorCode(err)}; skipped`));
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && e.name.toLowerCase().endsWith('.json')) out.push(full);
    }
  };
  await walk(root);
  return out;
}

function relative(base: string, file: string): string {
  const r = path.relative(path.resolve(base), path.resolve(file));
  return r === '' ? path.basename(file) : r.split(path.sep).join('/');
}

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}

/**
 * Calls `onFile` with each file's root-relative name and text, in order. Paths are relative to the snapshot directory
 * (or to the directory of a single file).
 */
export async function readSnapshotFiles(
  root: string,
  errors: InputError[],
  onFile: (file: string, text: string) => void,
  /** Only these files (absolute paths), when another reader takes the rest of the tree and reports its folders. */
  only?: readonly string[],
): Promise<void> {
  let files: string[];
  let base: string;
  try {
    base = (await stat(root)).isFile() ? path.dirname(root) : root;
    files = only ? [...only].sort() : await listJsonFiles(root, errors, base);
  } catch (err) {
    errors.push(new InputError(root, `cannot read snapshot: ${errorCode(err)}`));
    return;
  }
  if (files.length === 0) errors.push(new InputError(root, 'no .json files found'));
  for (const file of files) {
    const name = relative(base, file);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      errors.push(new InputError(name, `cannot read: ${errorCode(err)}`));
      continue;
    }
    onFile(name, text);
  }
}
