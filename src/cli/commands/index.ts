/** Every command of the CLI. A new command adds one module in this folder and one line here. */
import type { Command } from '@commander-js/extra-typings';
import type { CliIO } from '../io.js';
import { registerChecks } from './checks.js';
import { registerCollect } from './collect.js';
import { registerFlows } from './flows.js';
import { registerPolicy } from './policy.js';
import { registerProbe } from './probe.js';
import { registerScan } from './scan.js';

export type RegisterCommand = (program: Command, io: CliIO, setExit: (code: number) => void) => void;

export const COMMANDS: RegisterCommand[] = [
  registerScan,
  registerPolicy,
  registerChecks,
  registerCollect,
  registerFlows,
  registerProbe,
];
