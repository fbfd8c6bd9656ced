/** `cordon policy init|check|lint|schema`: the zone policy as code. */
import { writeFile, access } from 'node:fs/promises';
import path from 'node:path';
import { Option } from '@commander-js/extra-typings';
import { decide } from '../../policy/evaluate.js';
import { lintPolicy } from '../../policy/lint.js';
import { formatPorts, portsMatter, wireProtocol } from '../../policy/ports.js';
import { REFERENCE_POLICY_YAML } from '../../policy/reference.js';
import { resolvePolicy } from '../../policy/resolve.js';
import { PROTOCOLS, policyJsonSchema } from '../../policy/schema.js';
import { formatLocated, UsageError } from '../../util/errors.js';
import { EXIT_FINDINGS, EXIT_OK } from '../io.js';
import type { RegisterCommand } from './index.js';

export const registerPolicy: RegisterCommand = (program, io, setExit) => {
  const policy = program.command('policy').description('write, query and lint the zone policy (cordon.yaml)');

  policy
    .command('init')
    .description('write the reference zone policy (seed 000, done right) to cordon.yaml')
    .option('-o, --output <file>', 'where to write it', 'cordon.yaml')
    .option('--force', 'overwrite an existing file')
    .action(async (opts) => {
      const target = path.resolve(io.cwd, opts.output);
      if (!opts.force) {
        const exists = await access(target).then(
          () => true,
          () => false,
        );
        if (exists) throw new UsageError(`${opts.output} exists; use --force to overwrite`);
      }
      await writeFile(target, REFERENCE_POLICY_YAML);
      io.stdout(
        `wrote ${opts.output}: 7 zones, ${REFERENCE_POLICY_YAML.match(/^ {2}- id:/gm)?.length ?? 0} rules. Edit the CIDRs, then run cordon policy lint.\n`,
      );
      setExit(EXIT_OK);
    });

  policy
    .command('check')
    .description('decide whether traffic from one zone to another is allowed, and by which rule')
    .requiredOption('--from <zone>', 'source zone')
    .requiredOption('--to <zone>', 'destination zone')
    .option('--port <port>', 'destination port (tcp, udp; https defaults to 443)')
    .addOption(
      new Option('--protocol <protocol>', 'tcp, udp, icmp, https (TCP semantics) or any')
        .choices(PROTOCOLS)
        .default('tcp' as const),
    )
    .option('-p, --policy <file>', 'zone policy (default: ./cordon.yaml, else the built-in reference)')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['text', 'json'] as const).default('text' as const),
    )
    .action(async (opts) => {
      const { policy: p, source } = await resolvePolicy(opts.policy, io.cwd);
      for (const z of [opts.from, opts.to])
        if (!p.zones.has(z))
          throw new UsageError(
            `unknown zone ${JSON.stringify(z)} (zones in ${source}: ${[...p.zones.keys()].join(', ')})`,
          );
      let port: number | undefined;
      if (opts.port !== undefined) {
        if (!/^\d{1,5}$/.test(opts.port) || Number(opts.port) > 65535)
          throw new UsageError(`--port must be 0-65535, got ${opts.port}`);
        port = Number(opts.port);
      }
      const wire = wireProtocol(opts.protocol);
      if (portsMatter(wire) && port === undefined && opts.protocol !== 'https')
        throw new UsageError(`--port is required for ${opts.protocol}`);
      const d = decide(p, {
        from: opts.from,
        to: opts.to,
        protocol: opts.protocol,
        ...(port !== undefined ? { port } : {}),
      });
      if (opts.format === 'json') {
        io.stdout(
          JSON.stringify(
            {
              query: d.query,
              allowed: d.allowed,
              decision: d.kind,
              reason: d.reason,
              rules: d.decidingRules.map((r) => ({
                id: r.id,
                name: r.name,
                action: r.action,
                protocol: r.protocol,
                ports: formatPorts(r.portRange),
                data_classification: r.data_classification ?? null,
                justification: r.justification,
                line: r.position.line,
              })),
              policy: source,
            },
            null,
            2,
          ) + '\n',
        );
      } else {
        const q = `${opts.from} -> ${opts.to} ${opts.protocol}${d.query.port !== undefined ? `/${d.query.port}` : ''}`;
        io.stdout(`${d.allowed ? 'ALLOW' : 'DENY'} ${q}: ${d.reason}\n`);
        for (const r of d.decidingRules)
          io.stdout(
            `  ${r.id} ${r.name} (${r.action} ${r.protocol} ${formatPorts(r.portRange)}) at ${source}:${r.position.line ?? '?'}\n    ${r.justification}\n`,
          );
      }
      // The decision is the answer, not an error: exit 0 for allow, 1 for deny, so scripts can branch on it.
      setExit(d.allowed ? EXIT_OK : EXIT_FINDINGS);
    });

  policy
    .command('lint')
    .description('find overlapping zones, shadowed or conflicting rules, unknown zones and guardrail breaks')
    .option('-p, --policy <file>', 'zone policy (default: ./cordon.yaml)')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['text', 'json'] as const).default('text' as const),
    )
    .option('--strict', 'warnings fail the lint too')
    .action(async (opts) => {
      const { policy: p, source } = await resolvePolicy(opts.policy, io.cwd);
      const problems = lintPolicy(p);
      if (opts.format === 'json') io.stdout(JSON.stringify({ policy: source, problems }, null, 2) + '\n');
      else {
        for (const pr of problems)
          io.stdout(`${formatLocated(source, pr.position, `${pr.level} ${pr.code}: ${pr.message}`)}\n`);
        const n = (l: string) => problems.filter((x) => x.level === l).length;
        io.stdout(`${n('error')} error(s), ${n('warning')} warning(s), ${n('info')} note(s) in ${source}\n`);
      }
      const failing = problems.some((x) => x.level === 'error' || (opts.strict === true && x.level === 'warning'));
      setExit(failing ? EXIT_FINDINGS : EXIT_OK);
    });

  policy
    .command('schema')
    .description('print the JSON Schema of cordon.yaml (for editor completion)')
    .action(() => {
      io.stdout(JSON.stringify(policyJsonSchema(), null, 2) + '\n');
      setExit(EXIT_OK);
    });
};
