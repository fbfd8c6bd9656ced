/**
 * Where a command's report goes: standard output, or the file named by -o. The file's folder is checked before any
 * work is done (a scan of 3,000 scopes should not end in "cannot write"); the folder is not created, so a mistyped
 * path is an error rather than a new directory somewhere. Reports are streamed with backpressure.
 */
import { createWriteStream } from 'node:fs';
import { access, constants, stat } from 'node:fs/promises';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { writeChunks, type Chunks } from '../reporters/stream.js';
import { UsageError, errorMessage } from '../util/errors.js';
import type { CliIO } from './io.js';

export interface ReportDestination {
  /** Writes the whole report and waits until it is out (flushed to the file, or handed to stdout). */
  write(chunks: Chunks): Promise<void>;
}

/** Checks an -o path now, so that a bad one fails before the work (exit 2) with what is wrong with it. */
export async function reportDestination(io: CliIO, output: string | undefined): Promise<ReportDestination> {
  if (output === undefined) return { write: (chunks) => writeToStdout(io, chunks) };
  const file = path.resolve(io.cwd, output);
  const dir = path.dirname(file);
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new UsageError(`-o ${output}: the folder ${dir} does not exist (create it first)`);
  if (!info.isDirectory()) throw new UsageError(`-o ${output}: ${dir} is not a folder`);
  const existing = await stat(file).catch(() => undefined);
  if (existing?.isDirectory()) throw new UsageError(`-o ${output}: is a folder; name a file`);
  try {
    await access(existing ? file : dir, constants.W_OK);
  } catch {
    throw new UsageError(`-o ${output}: ${existing ? 'the file' : `the folder ${dir}`} is not writable`);
  }
  return {
    async write(chunks) {
      const out = createWriteStream(file);
      try {
        await writeChunks(chunks, out);
        out.end();
        await finished(out);
      } catch (err) {
        out.destroy();
        throw new UsageError(`cannot write the report to ${output}: ${errorMessage(err)}`);
      }
    },
  };
}

/** A reader that goes away early (`cordon ... | head`) ends the report quietly: nobody is left to read it. */
async function writeToStdout(io: CliIO, chunks: Chunks): Promise<void> {
  if (!io.stdoutStream) {
    // Tests capture output through io.stdout; gather it into the same large writes.
    let buf = '';
    for (const c of chunks) {
      buf += c;
      if (buf.length >= 1 << 16) {
        io.stdout(buf);
        buf = '';
      }
    }
    if (buf) io.stdout(buf);
    return;
  }
  try {
    await writeChunks(chunks, io.stdoutStream);
  } catch (err) {
    if (isBrokenPipe(err) || io.stdoutStream.destroyed) return;
    throw new UsageError(`cannot write the report to standard output: ${errorMessage(err)}`);
  }
}

export function isBrokenPipe(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'EPIPE';
}
