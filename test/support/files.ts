/** Every .json file under a directory, sorted, as paths (fixtures and examples read by tests). */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const full = path.join(dir, n);
      return statSync(full).isDirectory() ? jsonFiles(full) : n.endsWith('.json') ? [full] : [];
    });
}

/** Every file under a directory, sorted, with its path relative to the directory ("/"-separated) and its text. */
export function namedFiles(dir: string, base = dir): { name: string; text: string }[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const full = path.join(dir, n);
      if (statSync(full).isDirectory()) return namedFiles(full, base);
      return [{ name: path.relative(base, full).split(path.sep).join('/'), text: readFileSync(full, 'utf8') }];
    });
}

/** Number of files and one hash over every file's path and bytes under a directory (snapshots compared byte for byte). */
export function treeHash(root: string): { files: number; sha256: string } {
  const h = createHash('sha256');
  let files = 0;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        files++;
        h.update(path.relative(root, full)).update('\0').update(readFileSync(full)).update('\0');
      }
    }
  };
  walk(root);
  return { files, sha256: h.digest('hex') };
}

/** A value without its `origin` and `pointer` fields, at any depth (two snapshots' files differ, their data not). */
export function withoutOrigins(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutOrigins);
  if (!v || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .filter(([k]) => k !== 'origin' && k !== 'pointer')
      .map(([k, x]) => [k, withoutOrigins(x)]),
  );
}
