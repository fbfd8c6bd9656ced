/**
 * Streamed reports (issue 8, point 3): every format is written chunk by chunk to stdout or the -o file, with the
 * same bytes the one-string reporters produced. test/fixtures/reports/ holds the reports of the examples as the
 * one-string reporters wrote them (before streaming); the streamed ones must match them byte for byte.
 *
 * When a change to the examples or to a report is intended, rewrite them from the code whose output is the reference:
 *   for ex in reference misconfigured; do for f in table json sarif junit markdown; do
 *     node bin/cordon.js scan examples/aws/$ex -p examples/cordon.yaml -f $f > test/fixtures/reports/$ex.$f; done; done
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { FORMATS } from '../../src/reporters/index.js';
import { JsonSequence, jsonChunks, writeChunks } from '../../src/reporters/stream.js';
import { runCli } from '../support/cli.js';

const EXAMPLES = ['reference', 'misconfigured'] as const;
const scanArgs = (example: string, format: string) => [
  'scan',
  `examples/aws/${example}`,
  '-p',
  'examples/cordon.yaml',
  '-f',
  format,
];
const golden = (example: string, format: string) =>
  readFile(path.join('test/fixtures/reports', `${example}.${format}`), 'utf8');

/** Runs the CLI with a real stream as stdout whose reader is slow: writes must wait for 'drain'. */
async function runWithSlowStdout(args: string[]): Promise<{ code: number; stdout: string; drains: number }> {
  const stream = new PassThrough({ highWaterMark: 1024 });
  let drains = 0;
  stream.on('drain', () => drains++);
  const parts: Buffer[] = [];
  const reading = (async () => {
    for await (const chunk of stream) {
      parts.push(chunk as Buffer);
      await new Promise((r) => setImmediate(r));
    }
  })();
  const io: CliIO = {
    stdout: (t) => stream.write(t),
    stdoutStream: stream,
    stderr: () => {},
    stdoutIsTTY: false,
    stderrIsTTY: false,
    cwd: process.cwd(),
    env: {},
    today: '2026-11-22',
  };
  const code = await main(args, io);
  stream.end();
  await reading;
  return { code, stdout: Buffer.concat(parts).toString('utf8'), drains };
}

describe('streamed reports', () => {
  for (const example of EXAMPLES) {
    for (const format of FORMATS) {
      it(`${example} ${format}: stdout, a slow stdout stream and -o all give the pre-streaming bytes`, async () => {
        const want = await golden(example, format);
        const captured = await runCli(scanArgs(example, format));
        assert.equal(captured.stdout, want);
        const slow = await runWithSlowStdout(scanArgs(example, format));
        assert.equal(slow.stdout, want);
        if (want.length > 64 * 1024) assert.ok(slow.drains > 0, 'the writer waited for the reader');
        const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-stream-'));
        try {
          const file = path.join(dir, `report.${format}`);
          const r = await runCli([...scanArgs(example, format), '-o', file]);
          assert.equal(r.code, captured.code);
          assert.equal(await readFile(file, 'utf8'), want);
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
    }
  }

  it('jsonChunks gives the bytes of JSON.stringify(value, null, 2) at every depth', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 5 }), (value, depth) => {
        assert.equal([...jsonChunks(value, depth)].join(''), JSON.stringify(value, null, 2));
      }),
      { numRuns: 300 },
    );
    const withUndefined = { a: undefined, b: [undefined, 1], c: { d: undefined }, e: [] as unknown[], f: {} };
    assert.equal([...jsonChunks(withUndefined, 3)].join(''), JSON.stringify(withUndefined, null, 2));
  });

  it('a JsonSequence is written item by item as the array it stands for', () => {
    let made = 0;
    function* items() {
      for (let i = 0; i < 3; i++) {
        made++;
        yield { i, tags: ['x'] };
      }
    }
    const chunks = jsonChunks({ a: 1, list: new JsonSequence(items()) }, 2)[Symbol.iterator]();
    const first = chunks.next().value as string;
    assert.equal(made, 0, 'nothing is made before it is needed');
    const text = first + [...{ [Symbol.iterator]: () => chunks }].join('');
    assert.equal(text, JSON.stringify({ a: 1, list: [0, 1, 2].map((i) => ({ i, tags: ['x'] })) }, null, 2));
    assert.equal([...jsonChunks(new JsonSequence([]))].join(''), '[]');
  });

  it('writeChunks rejects when the stream fails instead of hanging', async () => {
    const stream = new PassThrough({ highWaterMark: 16 });
    const big = Array.from({ length: 100 }, () => 'x'.repeat(70_000));
    const writing = writeChunks(big, stream);
    stream.destroy(new Error('disk on fire'));
    await assert.rejects(writing, /disk on fire|closed/);
  });

  it('-o into a missing folder is a clear error before the scan, exit 2', async () => {
    // The snapshot does not exist either: the error must be about -o, so it came first.
    const r = await runCli(['scan', 'no/such/snapshot', '-o', 'no/such/folder/report.json', '-f', 'json']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: -o no\/such\/folder\/report\.json: the folder .*no\/such\/folder does not exist/);
    assert.doesNotMatch(r.stderr, /internal error/);
    const flows = await runCli(['flows', 'no/such/logs', '-o', 'no/such/folder/alerts.json']);
    assert.equal(flows.code, 2);
    assert.match(flows.stderr, /-o no\/such\/folder\/alerts\.json: the folder .* does not exist/);
  });

  it('a reader that closes the pipe early (| head -1) ends the output quietly', async () => {
    for (const args of [['checks', 'list'], scanArgs('misconfigured', 'json')]) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', '--input-type=module', '-e', MAIN_SCRIPT, '--', ...args],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Like head -1: read the first chunk, then close the pipe.
      child.stdout.once('data', () => child.stdout.destroy());
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(stderr, '', `${args.join(' ')}: nothing on stderr`);
      assert.notEqual(code, 2, `${args.join(' ')}: not an error exit`);
    }
  });
});

const MAIN_SCRIPT = `
const { main } = await import(${JSON.stringify(path.resolve('src/cli/main.ts'))});
process.exitCode = await main(process.argv.slice(1));
`;
