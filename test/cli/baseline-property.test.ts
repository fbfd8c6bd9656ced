import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { loadBaseline } from '../../src/findings/suppress.js';
import { InputError } from '../../src/util/errors.js';

describe('baseline reader', () => {
  it('never crashes on arbitrary input: a set of fingerprints or a located InputError (property)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-baseline-'));
    const file = path.join(dir, 'base.json');
    const inputs = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.array(fc.jsonValue()).map((findings) => JSON.stringify({ findings })),
      fc
        .array(
          fc.record({
            fingerprint: fc.oneof(fc.string(), fc.integer()),
            status: fc.constantFrom('fail', 'pass', 'not-assessed'),
          }),
        )
        .map((findings) => JSON.stringify({ findings }, null, 2)),
    );
    await fc.assert(
      fc.asyncProperty(inputs, async (text) => {
        await writeFile(file, text);
        try {
          const set = await loadBaseline(file);
          assert.ok(set instanceof Set);
        } catch (err) {
          assert.ok(err instanceof InputError, `unexpected ${String(err)}`);
          assert.equal(err.file, file);
          assert.ok(err.position.line !== undefined && err.position.line >= 1, err.format());
        }
      }),
      { numRuns: 200 },
    );
  });
});
