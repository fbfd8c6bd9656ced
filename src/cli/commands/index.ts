/**
 * Every command of the CLI. A new command adds one module in this folder and one line here. Modules are imported
 * only when their command runs (or for --help), so `cordon --version` or `cordon policy check` does not pay for the
 * AWS SDK, DuckDB or the check catalog: startup time is a feature.
 */
import type { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../io.js';

export type RegisterCommand = (program: Command, io: CliIO, setExit: (code: number) => void) => void;

/** Command name → its module's register function, in the order `--help` lists them. */
export const COMMANDS: Record<string, () => Promise<RegisterCommand>> = {
  scan: async () => (await import('./scan.js')).registerScan,
  policy: async () => (await import('./policy.js')).registerPolicy,
  checks: async () => (await import('./checks.js')).registerChecks,
  collect: async () => (await import('./collect.js')).registerCollect,
  flows: async () => (await import('./flows.js')).registerFlows,
  probe: async () => (await import('./probe.js')).registerProbe,
  verify: async () => (await import('./verify.js')).registerVerify,
};

/**
 * The commands a command line needs: the one it names, none for a bare --version, and all of them otherwise (help,
 * a mistyped command, which commander answers with the list). The program takes no options before the command
 * name other than --help and --version, so the first word that is not an option is the command.
 */
export async function commandsFor(argv: readonly string[]): Promise<RegisterCommand[]> {
  const first = argv.find((a) => !a.startsWith('-'));
  if (first !== undefined && Object.hasOwn(COMMANDS, first)) return [await COMMANDS[first]!()];
  if (first === undefined && (argv.includes('--version') || argv.includes('-V'))) return [];
  return Promise.all(Object.values(COMMANDS).map((load) => load()));
}
