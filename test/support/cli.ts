/** Runs the CLI in-process with captured output. */
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  args: string[],
  opts: { cwd?: string; today?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    stdoutIsTTY: false,
    stderrIsTTY: false,
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env ?? {},
    today: opts.today ?? '2026-11-22',
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
