/** Every .json file under a directory, sorted, as paths (fixtures and examples read by tests). */
import { readdirSync, readFileSync, statSync } from 'node:fs';
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
