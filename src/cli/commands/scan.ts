/** `cordon scan PATH`: audit a snapshot against the catalog and the zone policy. */
import path from 'node:path';
import { Option } from '@commander-js/extra-typings';
import { loadBaseline } from '../../findings/suppress.js';
import { SEVERITIES, severityRank, type Severity } from '../../findings/types.js';
import { resolvePolicy } from '../../policy/resolve.js';
import { FORMATS, reportChunks } from '../../reporters/index.js';
import { scanSnapshot, unmatchedCheckPatterns, type ScanReport } from '../../scan.js';
import { UsageError } from '../../util/errors.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../io.js';
import { reportDestination } from '../output.js';
import { addScanAwsFlags, snapshotForScan } from './collect.js';
import { commaList, iacInputs, keyValue, repeatable } from '../options.js';
import type { RegisterCommand } from './index.js';

export interface ExitPolicy {
  failOn: Severity;
  /** Judge by the findings even when some input could not be read. */
  allowPartial?: boolean;
  /** A check at or above failOn that could not be assessed fails the run too. */
  failOnNotAssessed?: boolean;
}

/**
 * Why the run cannot pass as it stands, or undefined. A gate is judged by its worst case: input that could not be
 * read (a truncated file, a skipped item) or input that covered nothing (a collection of zero scopes) must not
 * look like a clean result, so both are input errors unless the user accepts partial input explicitly.
 */
export function degradedInput(report: ScanReport, policy: ExitPolicy): string | undefined {
  if (report.summary.files === 0) return 'no input file could be read';
  if (report.summary.scopes === 0)
    return 'the input holds no account/region scope with data, so nothing was assessed (check the snapshot path or the collection scope)';
  if (report.inputErrors.length > 0 && !policy.allowPartial)
    return `${report.inputErrors.length} input error(s): the report is partial (see above); --allow-partial judges by the findings alone`;
  // Lists cut short (a NextToken or nextLink with no next page) are warnings, not errors, but the data is just as partial.
  if ((report.summary.incomplete ?? 0) > 0 && !policy.allowPartial)
    return `${report.summary.incomplete} data set(s) were read only in part (see the warnings and the not-assessed checks); --allow-partial judges by the findings alone`;
  return undefined;
}

export function exitCodeFor(report: ScanReport, policy: ExitPolicy | Severity): number {
  const p = typeof policy === 'string' ? { failOn: policy } : policy;
  if (typeof policy !== 'string' && degradedInput(report, p)) return EXIT_USAGE;
  const threshold = severityRank(p.failOn);
  const failing = report.findings.some(
    (f) =>
      !f.suppression &&
      severityRank(f.severity) >= threshold &&
      (f.status === 'fail' || (p.failOnNotAssessed === true && f.status === 'not-assessed')),
  );
  return failing ? EXIT_FINDINGS : EXIT_OK;
}

export const registerScan: RegisterCommand = (program, io, setExit) => {
  program
    .command('scan')
    .description(
      'audit a snapshot (AWS CLI JSON output, Azure Resource Graph / ARM JSON, or both in one directory) for AI network-isolation gaps',
    )
    .argument(
      '[path]',
      'snapshot directory or file (docs/snapshots.md and docs/azure-snapshots.md list the commands that make one), CloudFormation templates among them too (docs/iac.md); or --aws / --azure to collect one now',
    )
    .option(
      '-p, --policy <file>',
      "zone policy (default: ./cordon.yaml, else the scanned directory's cordon.yaml, else the built-in reference model)",
    )
    .addOption(new Option('-f, --format <format>', 'report format').choices(FORMATS).default('table' as const))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a failing finding is at or above this severity')
        .choices(SEVERITIES)
        .default('high' as const),
    )
    .option('--baseline <file>', 'an earlier --format json report: report only failing findings that are new')
    .option('--checks <ids>', 'only these checks (comma-separated ids or patterns with *)', commaList)
    .option('--skip-checks <ids>', 'skip these checks (comma-separated ids or patterns with *)', commaList)
    .option('-v, --verbose', 'also list suppressed findings in the table')
    .option(
      '--allow-partial',
      'exit by the findings even when some input could not be read (default: input errors exit 2; they are reported either way)',
    )
    .option('--fail-on-not-assessed', 'exit 1 also when a check at or above --fail-on could not be assessed')
    .option(
      '--parameter <key=value>',
      'a parameter value for the CloudFormation, ARM and Bicep templates in the input (repeatable; wins over parameter files and defaults)',
      keyValue,
    )
    .option(
      '--var-file <file>',
      'Terraform: a variables file for the root modules (repeatable)',
      repeatable,
      [] as string[],
    )
    .option('--var <name=value>', 'Terraform: a root module variable (repeatable)', repeatable, [] as string[])
    .action(async (pathArg, opts) => {
      for (const [flag, patterns] of [
        ['--checks', opts.checks],
        ['--skip-checks', opts.skipChecks],
      ] as const) {
        const unmatched = unmatchedCheckPatterns(patterns);
        if (unmatched.length > 0)
          throw new UsageError(
            `${flag} ${unmatched.map((p) => JSON.stringify(p)).join(', ')} matches no check (cordon checks list)`,
          );
      }
      const { policy, source } = await resolvePolicy(opts.policy, io.cwd, pathArg);
      const baseline = opts.baseline ? await loadBaseline(path.resolve(io.cwd, opts.baseline)) : undefined;
      const destination = await reportDestination(io, opts.output);
      // --aws collects now (docs/collect.md) into a temporary snapshot that is scanned like any other.
      const collected = await snapshotForScan(pathArg, opts, io);
      const target = collected.path;
      const report = await scanSnapshot({
        snapshot: target,
        policy,
        policySource: source,
        cwd: io.cwd,
        today: io.today,
        ...(opts.checks ? { checks: opts.checks } : {}),
        ...(opts.skipChecks ? { skipChecks: opts.skipChecks } : {}),
        ...(baseline ? { baseline } : {}),
        ...iacInputs(opts),
      }).finally(collected.cleanup);
      if (report.checks.length === 0)
        throw new UsageError(
          opts.checks?.length
            ? `no check matches --checks ${opts.checks.join(',')}`
            : 'no check to run: cordon has none for the providers in this input',
        );
      await destination.write(
        reportChunks(opts.format, report, {
          color: !opts.output && io.stdoutIsTTY && !io.env.NO_COLOR,
          verbose: opts.verbose === true,
        }),
      );
      if (opts.output) io.stderr(`wrote ${opts.format} report to ${opts.output}\n`);
      const policyForExit: ExitPolicy = {
        failOn: opts.failOn,
        allowPartial: opts.allowPartial === true,
        failOnNotAssessed: opts.failOnNotAssessed === true,
      };
      const degraded = degradedInput(report, policyForExit);
      // The table lists input errors itself; other formats go to files or pipes, so say them on stderr too.
      if (opts.format !== 'table')
        for (const e of report.inputErrors)
          io.stderr(
            `${degraded ? 'error' : 'warning'}: ${e.file}${e.line !== undefined ? `:${e.line}` : ''}${e.pointer ? ` (at ${e.pointer})` : ''}: ${e.message}\n`,
          );
      if (degraded) io.stderr(`error: ${degraded}\n`);
      setExit(exitCodeFor(report, policyForExit));
    });
  addScanAwsFlags(program.commands.find((c) => c.name() === 'scan')!);
};
