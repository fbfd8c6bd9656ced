/** `cordon checks list|show`: the catalog, from the checks' own metadata. */
import { Option } from '@commander-js/extra-typings';
import { CHECKS, findCheck } from '../../checks/registry.js';
import { UsageError } from '../../util/errors.js';
import { EXIT_OK } from '../io.js';
import type { RegisterCommand } from './index.js';

export const registerChecks: RegisterCommand = (program, io, setExit) => {
  const checks = program.command('checks').description('list and explain the checks');
  checks
    .command('list')
    .description('every check with its severity')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['text', 'json'] as const).default('text' as const),
    )
    .action((opts) => {
      if (opts.format === 'json') {
        io.stdout(
          JSON.stringify(
            CHECKS.map((c) => Object.fromEntries(Object.entries(c).filter(([k]) => k !== 'run'))),
            null,
            2,
          ) + '\n',
        );
      } else {
        const w = Math.max(...CHECKS.map((c) => c.id.length));
        for (const c of CHECKS) io.stdout(`${c.id.padEnd(w)}  ${c.severity.padEnd(8)}  ${c.title}\n`);
        io.stdout(`${CHECKS.length} checks\n`);
      }
      setExit(EXIT_OK);
    });
  checks
    .command('show')
    .description('metadata, rationale and remediation of one check')
    .argument('<id>', 'check id')
    .action((id) => {
      const c = findCheck(id);
      if (!c) throw new UsageError(`no check ${JSON.stringify(id)}; see cordon checks list`);
      io.stdout(
        [
          `${c.id} (${c.severity}, ${c.provider}/${c.service}, ${c.resourceType})`,
          c.title,
          '',
          c.rationale,
          '',
          `Remediation: ${c.remediation.text}`,
          ...(c.remediation.snippet ? ['', c.remediation.snippet.code] : []),
          '',
          `Seed coverage: ${c.seeds.join('; ')}`,
          `Needs: ${c.requires.join(', ')}`,
          `References: ${c.references.join(' ')}`,
        ].join('\n') + '\n',
      );
      setExit(EXIT_OK);
    });
};
