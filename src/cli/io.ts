import type { Writable } from 'node:stream';

/** What a command may touch: injected so tests run the CLI in-process and read its output. */
export interface CliIO {
  stdout: (text: string) => void;
  /** The stream behind stdout, when there is one: large reports are written to it with backpressure. */
  stdoutStream?: Writable;
  stderr: (text: string) => void;
  /** Whether stdout is a terminal: colour and progress only then. */
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Today's date (YYYY-MM-DD) for suppression expiry; injected so tests are reproducible. */
  today: string;
}

let stdoutClosed = false;
let stdoutWatched = false;

/**
 * A reader that closes the pipe early (`cordon checks list | head -1`) is normal: further output is dropped
 * quietly instead of ending in an EPIPE stack trace. Any other stdout failure is one line on stderr and exit 2.
 */
function watchStdout(): void {
  if (stdoutWatched) return;
  stdoutWatched = true;
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') {
      stdoutClosed = true;
      return;
    }
    process.stderr.write(`error: cannot write to standard output: ${err.code ?? err.message}\n`);
    process.exit(2);
  });
}

export function processIO(): CliIO {
  watchStdout();
  return {
    stdout: (t) => {
      if (!stdoutClosed) process.stdout.write(t);
    },
    stdoutStream: process.stdout,
    stderr: (t) => process.stderr.write(t),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    cwd: process.cwd(),
    env: process.env,
    today: new Date().toISOString().slice(0, 10),
  };
}

/** Exit codes: 0 nothing at or above --fail-on failed; 1 something did; 2 usage or input errors. */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
