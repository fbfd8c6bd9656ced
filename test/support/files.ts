/** Every .json file under a directory, sorted, as paths (fixtures and examples read by tests). */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export function jsonFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => {
      const full = path.join(dir, n);
      return statSync(full).isDirectory() ? jsonFiles(full) : n.endsWith('.json') ? [full] : [];
    });
}
