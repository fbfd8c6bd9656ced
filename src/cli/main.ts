/**
 * The `cordon` command line: a thin layer over the library. Each command lives in commands/ and registers itself
 * on the program; this file owns exit codes and turns input errors into located one-line messages.
 */
import { Command, CommanderError } from '@commander-js/extra-typings';
import { InputError, InputErrors, UsageError, errorMessage } from '../util/errors.js';
import { commandsFor, type RegisterCommand } from './commands/index.js';
import { EXIT_USAGE, processIO, type CliIO } from './io.js';

export const VERSION = '0.1.0';

export function buildProgram(
  io: CliIO,
  setExit: (code: number) => void,
  commands: readonly RegisterCommand[],
): Command {
  const program = new Command()
    .name('cordon')
    .description('Prove that cloud AI workloads are network-isolated: audit, verify zone intent, watch flows, fix.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError('(run with --help for usage)');
  for (const register of commands) register(program, io, setExit);
  return program;
}

/** Runs the CLI and returns the exit code. Never throws for user errors. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let code = 0;
  try {
    const program = buildProgram(
      io,
      (c) => {
        code = c;
      },
      await commandsFor(argv),
    );
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; everything else from commander is a usage error.
      return err.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    if (err instanceof InputErrors) {
      for (const e of err.errors) io.stderr(`error: ${e.format()}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof InputError) {
      io.stderr(`error: ${err.format()}\n`);
      return EXIT_USAGE;
    }
    if (err instanceof UsageError) {
      io.stderr(`error: ${err.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(
      `internal error: ${errorMessage(err)}\n${io.env.CORDON_DEBUG ? String((err as Error).stack) + '\n' : 'set CORDON_DEBUG=1 for a stack trace\n'}`,
    );
    return EXIT_USAGE;
  }
}
