/** `cordon verify SNAPSHOT`: prove the zone policy against the configured network, with a witness for every gap. */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Option } from '@commander-js/extra-typings';
import { createColors } from 'picocolors';
import { SEVERITIES, severityRank, type Finding } from '../../findings/types.js';
import { resolvePolicy } from '../../policy/resolve.js';
import { renderSarif } from '../../reporters/sarif.js';
import { originText, SEVERITY_LABEL } from '../../reporters/shared.js';
import { TOOL } from '../../scan.js';
import { ALL_VERIFY_CHECKS, VERIFY_CHECKS } from '../../verify/checks.js';
import { OBSERVED_CHECKS } from '../../verify/observed-checks.js';
import { verifySnapshot, type VerifyReport } from '../../verify/run.js';
import { observedCellText, renderObserved } from './verify-observed.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../io.js';
import { iacInputs, keyValue, repeatable } from '../options.js';
import { UsageError } from '../../util/errors.js';
import type { RegisterCommand } from './index.js';

export const VERIFY_FORMATS = ['table', 'json', 'sarif'] as const;

// The observed layer's two checks exist only with --flows (scan reads no logs), so they are not in the catalogue.
const RULES = [
  ...ALL_VERIFY_CHECKS,
  ...Object.values(OBSERVED_CHECKS).map((c) => ({
    ...c,
    references: [...ALL_VERIFY_CHECKS[0]!.references],
    service: 'network',
  })),
];

export function renderVerifyTable(r: VerifyReport, color: boolean): string {
  const c = createColors(color);
  const out: string[] = [];
  out.push(
    c.bold(
      `Zone matrix (policy allows | configuration permits | cordon cannot decide${r.observed ? ' | observed in the flow logs' : ''})`,
    ),
  );
  const cells = r.matrix.filter(
    (m) =>
      m.policyAllows.length +
        m.configurationPermits.length +
        m.unknown.length +
        m.violations +
        m.brokenIntent +
        m.notAssessed >
      0,
  );
  // With several clouds (or several inventories of one: Terraform beside CloudFormation) each row says which.
  const several = new Set(r.matrix.map((m) => `${m.provider}|${m.source ?? ''}`)).size > 1;
  const pair = (m: (typeof cells)[number]) =>
    `${several ? `[${m.provider}${m.source ? ` ${m.source}` : ''}] ` : ''}${m.from} -> ${m.to}`;
  const w = Math.max(10, ...cells.map((m) => pair(m).length));
  for (const m of cells) {
    const flag =
      m.violations > 0
        ? c.red('VIOLATION')
        : m.brokenIntent > 0
          ? c.yellow('BROKEN')
          : m.unknown.length > 0 || m.notAssessed > 0
            ? c.magenta('UNKNOWN')
            : // A flow the policy allows between zones one of which has no interface here was never shown to work.
              m.policyAllows.length > 0 && (m.sources === 0 || m.destinations === 0 || m.notJudged !== undefined)
              ? c.magenta('EMPTY')
              : c.green('ok');
    out.push(
      `  ${pair(m).padEnd(w)}  ${flag.padEnd(color ? 19 : 9)}  policy: ${m.policyAllows.join(', ') || 'deny'} | config: ${m.configurationPermits.join(', ') || 'nothing'}${m.unknown.length ? ` | unknown: ${m.unknown.join(', ')}` : ''}${r.observed ? ` | observed: ${observedCellText(r.observed, m)}` : ''}`,
    );
  }
  const empty = r.matrix.filter((m) => m.sources === 0 || m.destinations === 0);
  const unjudged = [
    ...new Set(r.matrix.flatMap((m) => (m.notJudged && m.policyAllows.length > 0 ? [m.notJudged] : []))),
  ].sort();
  for (const why of unjudged) out.push(c.dim(`  EMPTY: ${why}`));
  const emptyZones = [
    ...new Set(empty.flatMap((m) => [m.sources === 0 ? m.from : '', m.destinations === 0 ? m.to : ''])),
  ]
    .filter(Boolean)
    .sort();
  if (emptyZones.length)
    out.push(c.dim(`  zones with no interfaces in the inventory (nothing to verify there): ${emptyZones.join(', ')}`));
  out.push('');
  if (r.observed) out.push(...renderObserved(r.observed, c));
  for (const sev of SEVERITIES) {
    const fs = r.findings.filter((f) => f.status === 'fail' && !f.suppression && f.severity === sev);
    if (fs.length === 0) continue;
    out.push(`${SEVERITY_LABEL[sev]} (${fs.length})`);
    for (const f of fs) {
      out.push(`  ✗ ${f.checkId}  ${c.bold(f.resource.id)} ${c.dim(`${f.resource.account}/${f.resource.region}`)}`);
      out.push(`      ${f.message}`);
      const where = originText(f.origin);
      if (where)
        out.push(
          c.dim(`      at ${where}${f.origin?.kind === 'file' && f.origin.pointer ? ` ${f.origin.pointer}` : ''}`),
        );
      const path = (f.evidence as { witness?: { path?: { at: string; verdict: string; what: string }[] } } | undefined)
        ?.witness?.path;
      for (const h of path ?? [])
        out.push(c.dim(`        ${h.verdict === 'yes' ? '→' : h.verdict === 'no' ? '✗' : '?'} ${h.at}: ${h.what}`));
      // The finding's own fix, when it comes with commands (verify/remediation.ts); the words are in --format json.
      const fix = f.remediation.snippet;
      if (fix) {
        out.push(`      fix (${fix.language}):`);
        for (const line of fix.code.replace(/\n$/, '').split('\n')) out.push(`        ${line}`);
      }
    }
    out.push('');
  }
  const na = r.findings.filter((f) => f.status === 'not-assessed');
  if (na.length) {
    out.push(c.magenta(`NOT ASSESSED: cordon cannot decide (${na.length})`));
    for (const f of na) out.push(`  ? ${f.checkId}  ${f.resource.id}: ${f.message}`);
    out.push('');
  }
  if (r.notes.length) {
    out.push(c.dim('Notes'));
    for (const n of r.notes) out.push(c.dim(`  - ${n}`));
    out.push('');
  }
  for (const e of r.inputErrors)
    out.push(c.red(`input error: ${e.file}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}`));
  const failing = r.findings.filter((f) => f.status === 'fail' && !f.suppression).length;
  out.push(
    `${c.bold('Summary:')} ${failing} failing, ${na.length} not assessed — ${r.stats.interfaces} interfaces, ${r.stats.subnets} subnets, ${r.stats.networks} networks, ${r.stats.pairs} zone pairs; policy: ${r.policy}`,
  );
  return out.join('\n') + '\n';
}

export function renderVerifyJson(r: VerifyReport): string {
  return (
    JSON.stringify(
      {
        tool: TOOL,
        policy: r.policy,
        zones: r.zones,
        stats: r.stats,
        matrix: r.observed ? withObserved(r) : r.matrix,
        findings: r.findings,
        notes: r.notes,
        inputErrors: r.inputErrors,
        ...(r.observed ? { observed: observedSummary(r.observed) } : {}),
      },
      null,
      2,
    ) + '\n'
  );
}

/** The matrix with each cell's observed layer beside its policy and configuration layers. */
function withObserved(r: VerifyReport): unknown[] {
  const byKey = new Map(r.observed!.cells.map((o) => [`${o.provider}|${o.from}|${o.to}`, o]));
  return r.matrix.map((m) => {
    const o = byKey.get(`${m.provider}|${m.from}|${m.to}`);
    if (!o) return { ...m, observed: null };
    const { provider: _p, from: _f, to: _t, ...rest } = o;
    return { ...m, observed: rest };
  });
}

/** The observed layer's run-wide part (cells are in the matrix, findings with the others). */
function observedSummary(o: NonNullable<VerifyReport['observed']>): Record<string, unknown> {
  const { cells: _cells, findings: _findings, inputErrors: _errors, ...rest } = o;
  return rest;
}

export const registerVerify: RegisterCommand = (program, io, setExit) => {
  program
    .command('verify')
    .description(
      'prove the zone policy against the configured network (a snapshot or infrastructure as code): zone matrix, violations and broken intent with witnesses',
    )
    .argument('<path>', 'snapshot directory or file, or infrastructure as code (docs/snapshots.md, docs/iac.md)')
    .option(
      '--flows <logs...>',
      'flow logs (files, directories, globs; every format cordon flows reads, gzip too): adds the observed layer',
    )
    .option('--log-format <format>', 'with --flows: LogFormat of headerless AWS flow records (CloudWatch exports)')
    .option('-p, --policy <file>', 'zone policy (default: ./cordon.yaml, else the built-in reference model)')
    .addOption(new Option('-f, --format <format>', 'report format').choices(VERIFY_FORMATS).default('table' as const))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a failing finding is at or above this severity')
        .choices(SEVERITIES)
        .default('high' as const),
    )
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
    .option(
      '--allow-partial',
      'accept data sets read only in part (a value known only at deploy, a listing cut short): the exit code follows the findings, and those scopes stay not verified',
    )
    .action(async (pathArg, opts) => {
      if (opts.logFormat !== undefined && !opts.flows) throw new UsageError('--log-format is read only with --flows');
      const { policy, source } = await resolvePolicy(opts.policy, io.cwd, pathArg);
      const report = await verifySnapshot({
        snapshot: pathArg,
        policy,
        policySource: source,
        cwd: io.cwd,
        today: io.today,
        ...iacInputs(opts),
        ...(opts.flows
          ? { flows: { paths: opts.flows, ...(opts.logFormat !== undefined ? { logFormat: opts.logFormat } : {}) } }
          : {}),
      });
      const text =
        opts.format === 'json'
          ? renderVerifyJson(report)
          : opts.format === 'sarif'
            ? renderSarif({ tool: TOOL, rules: RULES, findings: report.findings })
            : renderVerifyTable(report, !opts.output && io.stdoutIsTTY && !io.env.NO_COLOR);
      if (opts.output) {
        await writeFile(path.resolve(io.cwd, opts.output), text);
        io.stderr(`wrote ${opts.format} report to ${opts.output}\n`);
      } else io.stdout(text);
      if (opts.format !== 'table')
        for (const e of report.inputErrors)
          io.stderr(`error: ${e.file}${e.line !== undefined ? `:${e.line}` : ''}: ${e.message}\n`);
      // Degraded input never looks like a clean proof.
      if (report.files === 0 || report.scopes === 0 || report.inputErrors.length > 0 || report.stats.interfaces === 0) {
        io.stderr(
          `error: ${report.scopes === 0 ? 'the input holds no account/region scope with data' : report.inputErrors.length > 0 ? `${report.inputErrors.length} input error(s): the verification is partial` : 'no network interfaces in the inventory: nothing to verify'}\n`,
        );
        setExit(EXIT_USAGE);
        return;
      }
      // As `cordon scan` exits 2 on data sets read in part: a scope whose network was read in part was not verified,
      // and a gate that passed there would pass on a guess.
      const partial = partialScopes(report.findings);
      if (partial.length > 0 && opts.allowPartial !== true) {
        io.stderr(
          `error: ${partial.length} scope(s) not verified, their network data read only in part (${partial.join(', ')}; see the not-assessed findings); --allow-partial judges by the findings alone\n`,
        );
        setExit(EXIT_USAGE);
        return;
      }
      const threshold = severityRank(opts.failOn);
      setExit(
        report.findings.some((f) => f.status === 'fail' && !f.suppression && severityRank(f.severity) >= threshold)
          ? EXIT_FINDINGS
          : EXIT_OK,
      );
    });
};

/** The scopes with a verify-not-assessed finding for data read in part (verify/partial.ts: evidence.incomplete). */
function partialScopes(findings: readonly Finding[]): string[] {
  const out = new Set<string>();
  for (const f of findings) {
    const ev = f.evidence as { incomplete?: unknown } | undefined;
    if (f.checkId === VERIFY_CHECKS.unknown.id && !f.suppression && Array.isArray(ev?.incomplete))
      out.add(`${f.resource.account}/${f.resource.region}`);
  }
  return [...out].sort();
}
