/**
 * Reports are produced as a sequence of text chunks and written to their destination as they are made, so a report
 * of any size needs neither one giant string (V8 caps a string at about 512 MB) nor a copy of itself in memory.
 */
import type { Writable } from 'node:stream';

/** A report as the pieces of text it is made of, in order. */
export type Chunks = Iterable<string>;

/** An array in a JSON document whose items are produced one at a time while it is written. */
export class JsonSequence {
  constructor(readonly items: Iterable<unknown>) {}
}

/**
 * The bytes of JSON.stringify(value, null, 2) in pieces. Objects and arrays are opened item by item down to
 * `depth` levels (and JsonSequence at any level); below that, each value is stringified whole and re-indented,
 * which gives the same text because JSON strings never hold a raw newline.
 */
export function* jsonChunks(value: unknown, depth = 2, indent = ''): Generator<string> {
  if (value instanceof JsonSequence) {
    yield* arrayChunks(value.items, depth, indent);
    return;
  }
  if (depth <= 0 || value === null || typeof value !== 'object' || hasToJson(value)) {
    const text = JSON.stringify(value, null, 2);
    yield indent ? text.replaceAll('\n', `\n${indent}`) : text;
    return;
  }
  if (Array.isArray(value)) {
    yield* arrayChunks(value, depth, indent);
    return;
  }
  const inner = `${indent}  `;
  let first = true;
  for (const [k, v] of Object.entries(value)) {
    // As JSON.stringify: properties whose value has no JSON form are left out.
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    yield `${first ? '{' : ','}\n${inner}${JSON.stringify(k)}: `;
    first = false;
    yield* jsonChunks(v, depth - 1, inner);
  }
  yield first ? '{}' : `\n${indent}}`;
}

function* arrayChunks(items: Iterable<unknown>, depth: number, indent: string): Generator<string> {
  const inner = `${indent}  `;
  let first = true;
  for (const item of items) {
    yield `${first ? '[' : ','}\n${inner}`;
    first = false;
    // As JSON.stringify: an item with no JSON form is null.
    if (item === undefined || typeof item === 'function' || typeof item === 'symbol') yield 'null';
    else yield* jsonChunks(item, depth - 1, inner);
  }
  yield first ? '[]' : `\n${indent}]`;
}

function hasToJson(v: object): boolean {
  return typeof (v as { toJSON?: unknown }).toJSON === 'function';
}

/** Lines joined with "\n", and a final "\n" when `trailingNewline`: the text of lines.join('\n') (+ '\n'). */
export function* joinLines(lines: Iterable<string>, trailingNewline: boolean): Generator<string> {
  let first = true;
  for (const line of lines) {
    yield first ? line : `\n${line}`;
    first = false;
  }
  if (trailingNewline) yield '\n';
}

export function chunksToString(chunks: Chunks): string {
  let out = '';
  for (const c of chunks) out += c;
  return out;
}

/** Chunks are gathered into writes of about this size: fewer syscalls, bounded memory. */
const WRITE_SIZE = 64 * 1024;

/**
 * Writes chunks to a stream, waiting for 'drain' whenever the stream's buffer is full (backpressure), so memory
 * stays bounded however large the report and however slow the reader. Rejects if the stream fails.
 */
export async function writeChunks(chunks: Chunks, out: Writable): Promise<void> {
  let failure: Error | undefined;
  const onError = (err: Error) => (failure ??= err);
  out.on('error', onError);
  try {
    let buf = '';
    const flush = async () => {
      if (failure) throw failure;
      if (out.destroyed) throw new Error('the output was closed before the report was written');
      const ok = out.write(buf);
      buf = '';
      if (!ok) await waitForDrain(out, () => failure);
    };
    for (const c of chunks) {
      buf += c;
      if (buf.length >= WRITE_SIZE) await flush();
    }
    if (buf) await flush();
    if (failure) throw failure;
  } finally {
    out.off('error', onError);
  }
}

function waitForDrain(out: Writable, failed: () => Error | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      out.off('drain', done);
      out.off('error', done);
      out.off('close', done);
      const err = failed();
      if (err) reject(err);
      else resolve();
    };
    out.on('drain', done);
    out.on('error', done);
    out.on('close', done);
  });
}
