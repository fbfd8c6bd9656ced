/** `cordon flows PATH...`: observed traffic (flow logs and DNS query logs) against the zone policy. */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Option } from '@commander-js/extra-typings';
import { SEVERITIES, severityRank } from '../../findings/types.js';
import { analyzeFlows, DUCKDB_SIZE, type FlowRunResult } from '../../flows/analyze.js';
import { columnMap } from '../../flows/readers/aws-fields.js';
import {
  findingsOf,
  renderFlowsJson,
  renderFlowsJsonl,
  renderFlowsSarif,
  renderFlowsTable,
  type RenderOptions,
} from '../../flows/report.js';
import type { AwsInventory } from '../../inventory/aws.js';
import { resolvePolicy } from '../../policy/resolve.js';
import { loadAwsSnapshot } from '../../sources/aws-snapshot/load.js';
import { UsageError } from '../../util/errors.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../io.js';
import { reportDestination } from '../output.js';
import type { RegisterCommand } from './index.js';

export const FLOW_FORMATS = ['table', 'json', 'jsonl', 'sarif'] as const;
export const ENGINES = ['js', 'duckdb'] as const;

export function flowsExitCode(
  result: FlowRunResult,
  failOn: (typeof SEVERITIES)[number],
  suppress?: RenderOptions['suppress'],
): number {
  const threshold = severityRank(failOn);
  return findingsOf(result, suppress).some(
    (f) => f.status === 'fail' && !f.suppression && severityRank(f.severity) >= threshold,
  )
    ? EXIT_FINDINGS
    : EXIT_OK;
}

export const registerFlows: RegisterCommand = (program, io, setExit) => {
  program
    .command('flows')
    .description(
      'check flow logs (AWS VPC/TGW, Azure NSG/VNet, GCP) and DNS query logs (Route 53 Resolver, Azure DNS security policy, Cloud DNS) against the zone policy',
    )
    .argument('<paths...>', 'files, directories or globs; plain or gzip; formats are detected from content')
    .option('-p, --policy <file>', 'zone policy (default: ./cordon.yaml, else the built-in reference model)')
    .option('--inventory <dir>', 'AWS snapshot directory: subnet, VPC and endpoint addresses extend the zones')
    .option(
      '--log-format <format>',
      'LogFormat of headerless AWS records, e.g. "${version} ${srcaddr} ..." (CloudWatch exports)',
    )
    .addOption(new Option('-f, --format <format>', 'output format').choices(FLOW_FORMATS).default('table' as const))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when an alert is at or above this severity')
        .choices(SEVERITIES)
        .default('high' as const),
    )
    .addOption(
      new Option('--engine <engine>', 'js (streaming, default) or duckdb (embedded SQL; also reads Parquet)')
        .choices(ENGINES)
        .default('js' as const),
    )
    .option(
      '--duckdb-memory <size>',
      'memory limit of --engine duckdb, e.g. 512MB or 4GB (default 1GB); past it, work spills to a temporary directory',
      (v) => {
        if (!DUCKDB_SIZE.test(v)) throw new UsageError(`--duckdb-memory takes a size such as 512MB or 4GB, got ${v}`);
        return v;
      },
    )
    .option('--max-alerts <n>', 'alerts listed in the table (all are in json, jsonl and sarif)', (v) => {
      if (!/^\d+$/.test(v)) throw new UsageError(`--max-alerts takes a number, got ${v}`);
      return Number(v);
    })
    .action(async (paths, opts) => {
      if (opts.logFormat !== undefined) {
        const map = columnMap(opts.logFormat);
        if (typeof map === 'string') throw new UsageError(`--log-format: ${map}`);
      }
      const { policy, source } = await resolvePolicy(opts.policy, io.cwd);
      const destination = await reportDestination(io, opts.output);
      let inventory: AwsInventory | undefined;
      if (opts.inventory) {
        const dir = path.resolve(io.cwd, opts.inventory);
        const st = await stat(dir).catch((err: NodeJS.ErrnoException) => err.code ?? 'unreadable');
        if (typeof st === 'string' || !st.isDirectory())
          throw new UsageError(
            `--inventory ${opts.inventory}: not a snapshot directory (${typeof st === 'string' ? st : 'a file'})`,
          );
        const snap = await loadAwsSnapshot(dir);
        for (const e of snap.errors) io.stderr(`warning: inventory: ${e.format()}\n`);
        inventory = snap.inventory;
        // An inventory that gave no address at all would silently change nothing: the zones would be the policy's.
        if (inventory.subnets.length === 0 && inventory.vpcs.length === 0 && inventory.networkInterfaces.length === 0)
          throw new UsageError(
            `--inventory ${opts.inventory}: no subnet, VPC or network interface could be read from it (see docs/snapshots.md)`,
          );
      }
      const zoned = [...policy.zones.values()].some((z) => z.cidrs.length > 0);
      if (!zoned && !inventory) {
        io.stderr(
          `warning: the policy (${source}) gives no zone a CIDR and no --inventory was given: every address is "internet" or "(private, no zone)"\n`,
        );
      }
      const options = {
        policy,
        cwd: io.cwd,
        ...(inventory ? { inventory } : {}),
        ...(opts.logFormat !== undefined ? { logFormat: opts.logFormat } : {}),
        ...(opts.duckdbMemory !== undefined ? { duckdbMemoryLimit: opts.duckdbMemory } : {}),
      };
      let result: FlowRunResult;
      if (opts.engine === 'duckdb') {
        const { analyzeFlowsDuckdb } = await import('../../flows/duckdb.js');
        result = await analyzeFlowsDuckdb(paths, options);
      } else {
        result = await analyzeFlows(paths, options);
      }
      const suppress = { suppressions: policy.document.suppressions, today: io.today };
      let text: string;
      switch (opts.format) {
        case 'json':
          text = renderFlowsJson(result, { suppress });
          break;
        case 'jsonl':
          text = renderFlowsJsonl(result, { suppress });
          break;
        case 'sarif':
          text = renderFlowsSarif(result, { suppress });
          break;
        default:
          text = renderFlowsTable(result, {
            suppress,
            color: !opts.output && io.stdoutIsTTY && !io.env.NO_COLOR,
            ...(opts.maxAlerts !== undefined ? { maxAlerts: opts.maxAlerts } : {}),
          });
      }
      await destination.write([text]);
      if (opts.output) io.stderr(`wrote ${opts.format} report to ${opts.output}\n`);
      if (opts.format !== 'table') {
        for (const f of result.files.filter((x) => x.status === 'not-assessed'))
          io.stderr(`warning: not assessed: ${f.file}: ${f.note}\n`);
        if (result.malformedTotal > 0) {
          io.stderr(`warning: ${result.malformedTotal} malformed lines skipped, e.g.\n`);
          for (const m of result.malformedSamples.slice(0, 5)) io.stderr(`  ${m.file}:${m.line}: ${m.message}\n`);
        }
      }
      // Nothing readable at all is an input error, not a clean bill of health.
      if (result.files.length === 0 || result.files.every((f) => f.status === 'not-assessed')) {
        io.stderr('error: no flow or DNS log could be read\n');
        setExit(EXIT_USAGE);
        return;
      }
      setExit(flowsExitCode(result, opts.failOn, suppress));
    });
};
