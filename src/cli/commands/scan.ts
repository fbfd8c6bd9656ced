/** `cordon scan PATH`: audit a snapshot against the catalog and the zone policy. */
import path from 'node:path';
import { Option } from '@commander-js/extra-typings';
import { loadBaseline } from '../../findings/suppress.js';
import { SEVERITIES, severityRank, type Severity } from '../../findings/types.js';
import { resolvePolicy } from '../../policy/resolve.js';
import { FORMATS, reportChunks } from '../../reporters/index.js';
import { scanAwsSnapshot, type ScanReport } from '../../scan.js';
import { UsageError } from '../../util/errors.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../io.js';
import { reportDestination } from '../output.js';
import { addScanAwsFlags, snapshotForScan } from './collect.js';
import { commaList } from '../options.js';
import type { RegisterCommand } from './index.js';

export function exitCodeFor(report: ScanReport, failOn: Severity): number {
  const threshold = severityRank(failOn);
  const failing = report.findings.some(
    (f) => f.status === 'fail' && !f.suppression && severityRank(f.severity) >= threshold,
  );
  return failing ? EXIT_FINDINGS : EXIT_OK;
}

export const registerScan: RegisterCommand = (program, io, setExit) => {
  program
    .command('scan')
    .description('audit an AWS snapshot (a directory of AWS CLI JSON output) for AI network-isolation gaps')
    .argument(
      '[path]',
      'snapshot directory or file (docs/snapshots.md lists the commands that make one); or --aws to collect one now',
    )
    .option('-p, --policy <file>', 'zone policy (default: ./cordon.yaml, else the built-in reference model)')
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
    .action(async (pathArg, opts) => {
      const { policy, source } = await resolvePolicy(opts.policy, io.cwd);
      const baseline = opts.baseline ? await loadBaseline(path.resolve(io.cwd, opts.baseline)) : undefined;
      const destination = await reportDestination(io, opts.output);
      // --aws collects now (docs/collect.md) into a temporary snapshot that is scanned like any other.
      const collected = await snapshotForScan(pathArg, opts, io);
      const target = collected.path;
      const report = await scanAwsSnapshot({
        snapshot: target,
        policy,
        policySource: source,
        cwd: io.cwd,
        today: io.today,
        ...(opts.checks ? { checks: opts.checks } : {}),
        ...(opts.skipChecks ? { skipChecks: opts.skipChecks } : {}),
        ...(baseline ? { baseline } : {}),
      }).finally(collected.cleanup);
      if (report.checks.length === 0) throw new UsageError(`no check matches --checks ${opts.checks?.join(',') ?? ''}`);
      await destination.write(
        reportChunks(opts.format, report, {
          color: !opts.output && io.stdoutIsTTY && !io.env.NO_COLOR,
          verbose: opts.verbose === true,
        }),
      );
      if (opts.output) io.stderr(`wrote ${opts.format} report to ${opts.output}\n`);
      // Unreadable inputs are reported as errors (exit 2) only when nothing at all could be read.
      if (report.summary.files === 0 || (report.inputErrors.length > 0 && report.findings.length === 0)) {
        if (opts.format !== 'table')
          for (const e of report.inputErrors)
            io.stderr(`error: ${e.file}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}\n`);
        setExit(EXIT_USAGE);
        return;
      }
      if (opts.format !== 'table' && report.inputErrors.length > 0) {
        for (const e of report.inputErrors)
          io.stderr(`warning: skipped ${e.file}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}\n`);
      }
      setExit(exitCodeFor(report, opts.failOn));
    });
  addScanAwsFlags(program.commands.find((c) => c.name() === 'scan')!);
};
