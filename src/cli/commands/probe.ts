/**
 * `cordon probe --zone Z`: the seeds' validation tests, run from a host inside zone Z. The probe layer
 * (src/probe/) is imported only when the command runs, so other commands do not load it.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option } from '@commander-js/extra-typings';
import { SEVERITIES } from '../../findings/types.js';
import type { AwsInventory } from '../../inventory/aws.js';
import { resolvePolicy } from '../../policy/resolve.js';
import { TEST_KINDS } from '../../probe/settings.js';
import { FORMATS } from '../../reporters/index.js';
import { UsageError } from '../../util/errors.js';
import { EXIT_USAGE } from '../io.js';
import { commaList } from '../options.js';
import { exitCodeFor } from './scan.js';
import type { RegisterCommand } from './index.js';

function positiveInt(flag: string) {
  return (v: string) => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`${flag} takes a positive whole number, got ${v}`);
    return Number(v);
  };
}

export const registerProbe: RegisterCommand = (program, io, setExit) => {
  program
    .command('probe')
    .description(
      'run the validation tests from a host inside a zone: DNS leaks, private AI endpoints, no public fallback, lateral movement, egress, agent tool isolation',
    )
    .requiredOption('-z, --zone <zone>', 'the zone this host sits in (a network zone of the policy)')
    .option('-p, --policy <file>', 'zone policy (default: ./cordon.yaml, else the built-in reference model)')
    .option('--snapshot <dir>', 'AWS snapshot: DNS answers must be exactly the interface endpoint addresses')
    .option('--region <regions>', 'AWS regions whose service names are probed (comma-separated)', commaList)
    .option('--plan', 'print the test plan and send nothing')
    .option('--only <kinds>', `only these test kinds (comma-separated): ${TEST_KINDS.join(', ')}`, commaList)
    .option('--skip <kinds>', 'skip these test kinds (comma-separated)', commaList)
    .option(
      '--timeout <ms>',
      'per connection attempt or DNS query (default probe.timeout_ms, 3000)',
      positiveInt('--timeout'),
    )
    .option('--concurrency <n>', 'attempts in flight (default probe.concurrency, 16)', positiveInt('--concurrency'))
    .option(
      '--time-limit <seconds>',
      'the whole run (default probe.time_limit_seconds, 120)',
      positiveInt('--time-limit'),
    )
    .option('--marker <text>', 'the marker HTTP requests carry (default: cordon-probe-<zone>-<random>)', (v) => {
      if (!/^[A-Za-z0-9._-]{1,100}$/.test(v)) throw new UsageError('--marker takes letters, digits, ".", "_" and "-"');
      return v;
    })
    .addOption(new Option('-f, --format <format>', 'report format').choices(FORMATS).default('table' as const))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a failing test is at or above this severity')
        .choices(SEVERITIES)
        .default('high' as const),
    )
    .action(async (opts) => {
      const { policy, source } = await resolvePolicy(opts.policy, io.cwd);
      const { derivePlan } = await import('../../probe/plan.js');
      let inventory: AwsInventory | undefined;
      if (opts.snapshot) {
        const { loadAwsSnapshot } = await import('../../sources/aws-snapshot/load.js');
        const snap = await loadAwsSnapshot(path.resolve(io.cwd, opts.snapshot));
        for (const e of snap.errors) io.stderr(`warning: snapshot: ${e.format()}\n`);
        inventory = snap.inventory;
      }
      const plan = await derivePlan({
        policy,
        policySource: source,
        zone: opts.zone,
        ...(opts.region ? { regions: opts.region } : {}),
        ...(inventory ? { inventory } : {}),
        ...(opts.only ? { only: opts.only } : {}),
        ...(opts.skip ? { skip: opts.skip } : {}),
        bounds: {
          ...(opts.timeout !== undefined ? { timeoutMs: opts.timeout } : {}),
          ...(opts.concurrency !== undefined ? { concurrency: opts.concurrency } : {}),
          ...(opts.timeLimit !== undefined ? { timeLimitSeconds: opts.timeLimit } : {}),
        },
      });
      const report = await import('../../probe/report.js');
      let text: string;
      if (opts.plan) {
        text = opts.format === 'json' ? report.renderPlanJson(plan) : report.renderPlanText(plan);
      } else {
        const { runProbe } = await import('../../probe/run.js');
        const result = await runProbe(plan, {
          policy,
          today: io.today,
          ...(opts.marker ? { marker: opts.marker } : {}),
        });
        if (opts.format !== 'table' || opts.output) io.stderr(`probe marker: ${result.marker}\n`);
        text = report.renderProbe(opts.format, result, { color: !opts.output && io.stdoutIsTTY && !io.env.NO_COLOR });
        if (result.findings.length === 0) {
          io.stderr('error: the plan has no tests (check --only and --skip)\n');
          setExit(EXIT_USAGE);
        } else setExit(exitCodeFor(report.probeScanReport(result), opts.failOn));
      }
      if (opts.output) {
        await writeFile(path.resolve(io.cwd, opts.output), text);
        io.stderr(`wrote ${opts.plan ? 'plan' : opts.format + ' report'} to ${opts.output}\n`);
      } else io.stdout(text);
    });
};
