/**
 * `cordon verify` of a tree of files (infrastructure as code or a snapshot, detected by content as the CLI does) with
 * the example policy, and what the report says of one zone pair: the matrix cell, the violations with the hops of
 * their witnesses, and every not-assessed message.
 */
import { readFile } from 'node:fs/promises';
import { parsePolicy } from '../../src/policy/load.js';
import { VERIFY_CHECKS } from '../../src/verify/questions.js';
import { verifySnapshot } from '../../src/verify/run.js';
import { tmpTrees } from './tmp-tree.js';

const policy = parsePolicy('examples/cordon.yaml', await readFile('examples/cordon.yaml', 'utf8'));

export function zonePairVerifier(prefix: string) {
  const tree = tmpTrees(prefix);
  return async (files: Record<string, string>, from = 'sandbox', to = 'data') => {
    const r = await verifySnapshot({
      snapshot: tree(files),
      policy,
      policySource: 'examples/cordon.yaml',
      cwd: process.cwd(),
      today: '2026-12-05',
    });
    const violations = r.findings.filter(
      (f) => f.checkId === VERIFY_CHECKS.violation.id && f.evidence?.from === from && f.evidence?.to === to,
    );
    return {
      inputErrors: r.inputErrors,
      cell: r.matrix.find((m) => m.from === from && m.to === to)!,
      violations,
      hops: violations.flatMap((f) =>
        (f.evidence as { witness: { path: { what: string }[] } }).witness.path.map((h) => h.what),
      ),
      notAssessed: r.findings.filter((f) => f.status === 'not-assessed').map((f) => f.message),
    };
  };
}
