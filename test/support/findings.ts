import type { Finding } from '../../src/findings/types.js';

/**
 * Findings without the paths that say where an input was read from (origins, and the file and JSON pointer of each
 * hop of a verify witness), to compare the same data read from two places.
 */
export function withoutPaths(fs: readonly Finding[]): Omit<Finding, 'origin'>[] {
  return fs.map(({ origin: _o, ...f }) => {
    const ev = f.evidence as { witness?: { path?: { file?: string; pointer?: string }[] } } | undefined;
    for (const h of ev?.witness?.path ?? []) {
      delete h.file;
      delete h.pointer;
    }
    return f;
  });
}
