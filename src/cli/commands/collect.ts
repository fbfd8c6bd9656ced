/**
 * `cordon collect aws --out DIR`: read an AWS estate through the SDK and write the snapshot `cordon scan DIR`
 * reads. The collection flags are shared with `cordon scan --aws`, which collects into a temporary directory and
 * scans it in one go.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import type { CollectOptions, CollectSummary } from '../../sources/aws-live/collect.js';
import type { AzureCollectSummary } from '../../sources/azure-live/collect.js';
import { CollectError } from '../../sources/aws-live/errors.js';
import { isRegion } from '../../sources/aws-snapshot/names.js';
import { UsageError, errorMessage } from '../../util/errors.js';
import { EXIT_OK, EXIT_USAGE, type CliIO } from '../io.js';
import { commaList } from '../options.js';
import type { RegisterCommand } from './index.js';

export interface CollectFlags {
  profile?: string;
  region?: string;
  regions?: string[];
  org?: boolean;
  roleName?: string;
  accounts?: string[];
  concurrency?: string;
  endpointUrl?: string;
}

/** The part of a commander command the collection flags need; untyped so commander's inferred types stay small. */
interface Optionable {
  option(flags: string, description: string, parseOrDefault?: unknown, defaultValue?: unknown): unknown;
}

/** Adds the AWS collection flags (AWS CLI conventions) to a command; read them back as CollectFlags. */
export function addCollectFlags(cmd: Optionable): void {
  cmd.option(
    '--profile <name>',
    'named profile from ~/.aws/config (SSO, role assumption, web identity and process credentials work as in the AWS CLI)',
  );
  cmd.option('--region <region>', 'read only this region');
  cmd.option(
    '--regions <regions>',
    'read these regions (comma-separated; default: every region enabled in each account)',
    commaList,
  );
  cmd.option(
    '--org',
    'read every active account of the organisation (run from the management account or a delegated administrator)',
  );
  cmd.option(
    '--role-name <name>',
    'role to assume in each account for --org or --accounts (e.g. OrganizationAccountAccessRole)',
  );
  cmd.option(
    '--accounts <ids>',
    'only these accounts (comma-separated); without --org, read them through --role-name',
    commaList,
  );
  cmd.option('--concurrency <n>', 'account/region scopes read at once (default 8)');
  cmd.option(
    '--endpoint-url <url>',
    'send every API call to this endpoint (an emulator or test double); AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> work too',
  );
}

export function collectOptionsFrom(flags: CollectFlags, out: string, io: CliIO): CollectOptions {
  if (flags.region && flags.regions) throw new UsageError('use --region or --regions, not both');
  const regions = flags.region ? [flags.region] : flags.regions;
  for (const r of regions ?? [])
    if (!isRegion(r)) throw new UsageError(`${JSON.stringify(r)} is not an AWS region name (like eu-west-1)`);
  if ((flags.org || flags.accounts) && !flags.roleName)
    throw new UsageError('--org and --accounts need --role-name: the role cordon assumes in each account');
  if (flags.roleName && !flags.org && !flags.accounts)
    throw new UsageError('--role-name is used with --org or --accounts');
  for (const a of flags.accounts ?? [])
    if (!/^\d{12}$/.test(a)) throw new UsageError(`${JSON.stringify(a)} is not an AWS account id (12 digits)`);
  const concurrency = Number(flags.concurrency ?? '8');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)
    throw new UsageError('--concurrency must be a whole number from 1 to 256');
  if (flags.endpointUrl && !/^https?:\/\/[^\s/]+/.test(flags.endpointUrl))
    throw new UsageError(`--endpoint-url ${JSON.stringify(flags.endpointUrl)} is not an http(s) URL`);
  const progress = io.stderrIsTTY;
  return {
    out,
    env: io.env,
    concurrency,
    ...(flags.profile ? { profile: flags.profile } : {}),
    ...(regions ? { regions } : {}),
    // As in the AWS CLI, --region is also where the account-level calls (identity, region list) go.
    ...(flags.region ? { homeRegion: flags.region } : {}),
    ...(flags.org ? { org: true } : {}),
    ...(flags.roleName ? { roleName: flags.roleName } : {}),
    ...(flags.accounts ? { accounts: flags.accounts } : {}),
    ...(flags.endpointUrl ? { endpoint: flags.endpointUrl } : {}),
    ...(progress
      ? {
          onProgress: (p) =>
            io.stderr(
              `\r\x1b[Kcollecting: ${p.done}/${p.total} account-regions (last ${p.account}/${p.region})${p.done === p.total ? '\n' : ''}`,
            ),
        }
      : {}),
  };
}

/** What was collected, skipped and why: one line per problem, so a CI log shows the missing IAM actions. */
export function formatCollectSummary(s: CollectSummary, out?: string): string {
  const lines: string[] = [];
  const accounts = new Set(s.scopes.map((x) => x.account));
  const partial = s.scopes.filter((x) => x.unavailable.length > 0);
  lines.push(
    `collected ${s.scopes.length} account-region scope(s) in ${accounts.size} account(s) as ${s.callerArn}${out ? ` into ${out}` : ''}: ` +
      `${s.scopes.length - partial.length} complete, ${partial.length} with unavailable data sets; ${s.apiCalls} API calls`,
  );
  for (const scope of [...s.scopes, s.organization]) {
    for (const u of scope.unavailable) {
      lines.push(
        `  unavailable ${scope.account}/${scope.region} ${u.dataset}: ${u.reason}${u.action ? ` (needs ${u.action})` : ''}`,
      );
    }
  }
  for (const k of s.skipped) lines.push(`  skipped ${k.account}${k.region ? `/${k.region}` : ''}: ${k.reason}`);
  return `${lines.join('\n')}\n`;
}

export interface AzureCollectFlags {
  tenant?: string;
  subscriptions?: string[];
  managementGroup?: string;
  endpointUrl?: string;
  authorityHost?: string;
  caFile?: string;
  concurrency?: string;
}

/** Adds the Azure collection flags to a command; read them back as AzureCollectFlags. */
export function addAzureCollectFlags(cmd: Optionable, shared = true): void {
  cmd.option(`--tenant <id>`, "Entra ID tenant (default: the credential's)");
  cmd.option(`--subscriptions <ids>`, 'read these subscriptions (comma-separated)', commaList);
  cmd.option(
    `--management-group <id>`,
    'read every subscription under this management group (the tenant root group: the whole tenant)',
  );
  if (shared) {
    cmd.option(
      '--endpoint-url <url>',
      'send every call, credential calls included, to this ARM/Resource Graph endpoint (an emulator or test double)',
    );
    cmd.option('--concurrency <n>', 'ARM calls in flight at once (default 8)');
  }
  cmd.option(`--authority-host <url>`, 'with --endpoint-url: where tokens come from (default: the endpoint)');
  cmd.option(`--ca-file <pem>`, "certificates to trust (an emulator's self-signed certificate)");
}

async function azureOptionsFrom(flags: AzureCollectFlags, out: string, io: CliIO) {
  const concurrency = Number(flags.concurrency ?? '8');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256)
    throw new UsageError('--concurrency must be a whole number from 1 to 256');
  if (flags.endpointUrl && !/^https?:\/\/[^\s/]+/.test(flags.endpointUrl))
    throw new UsageError(`--endpoint-url ${JSON.stringify(flags.endpointUrl)} is not an http(s) URL`);
  let ca: string | undefined;
  if (flags.caFile) {
    try {
      ca = await readFile(path.resolve(io.cwd, flags.caFile), 'utf8');
    } catch (err) {
      throw new UsageError(`--ca-file ${flags.caFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  return {
    out,
    env: io.env,
    concurrency,
    ...(flags.tenant ? { tenant: flags.tenant } : {}),
    ...(flags.subscriptions ? { subscriptions: flags.subscriptions } : {}),
    ...(flags.managementGroup ? { managementGroup: flags.managementGroup } : {}),
    ...(flags.endpointUrl ? { endpoint: flags.endpointUrl } : {}),
    ...(flags.authorityHost ? { authorityHost: flags.authorityHost } : {}),
    ...(ca ? { ca } : {}),
  };
}

/** What was collected from Azure and what not, one line per problem. */
export function formatAzureSummary(s: AzureCollectSummary, out?: string): string {
  const partial = s.subscriptions.filter((x) => x.unavailable.length > 0);
  const lines = [
    `collected ${s.subscriptions.length} subscription(s)${out ? ` into ${out}` : ''}: ${s.subscriptions.length - partial.length} complete, ${partial.length} with unavailable data sets; ${s.resources} resources, ${s.apiCalls} API calls`,
  ];
  for (const sub of s.subscriptions)
    for (const u of sub.unavailable)
      lines.push(`  unavailable ${sub.id} ${u.dataset}: ${u.reason} (needs ${u.permission})`);
  for (const k of s.skipped) lines.push(`  skipped ${k.subscription}: ${k.reason}`);
  return `${lines.join('\n')}\n`;
}

async function collectAzure(options: Awaited<ReturnType<typeof azureOptionsFrom>>): Promise<AzureCollectSummary> {
  return (await import('../../sources/azure-live/collect.js')).collectAzure(options);
}

/** The collector and the AWS SDK load only when a command collects. */
async function collectAws(options: CollectOptions): Promise<CollectSummary> {
  return (await import('../../sources/aws-live/collect.js')).collectAws(options);
}

/** `cordon scan --aws` / `--azure`: the collection flags plus --aws, --azure and --save-snapshot. */
export function addScanAwsFlags(cmd: Optionable): void {
  cmd.option(
    '--aws',
    'collect from AWS now (read-only, the flags of `cordon collect aws`) and scan that instead of a PATH',
  );
  cmd.option(
    '--azure',
    'collect from Azure now (read-only, the flags of `cordon collect azure`) and scan that instead of a PATH',
  );
  cmd.option(
    '--save-snapshot <dir>',
    'with --aws or --azure: keep the collected snapshot in this (new or empty) directory',
  );
  addCollectFlags(cmd);
  addAzureCollectFlags(cmd, false);
}

/**
 * The snapshot `scan` reads: PATH as given, or with --aws a fresh collection (summary on stderr) in a temporary
 * directory that cleanup() removes once the snapshot is loaded.
 */
export async function snapshotForScan(
  pathArg: string | undefined,
  opts: object,
  io: CliIO,
): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const flags = opts as CollectFlags & AzureCollectFlags & { aws?: boolean; azure?: boolean; saveSnapshot?: string };
  if (flags.aws && flags.azure) throw new UsageError('collect one cloud at a time: --aws or --azure');
  if (flags.azure) return azureSnapshotForScan(pathArg, flags, io);
  const collecting = [
    'profile',
    'region',
    'regions',
    'org',
    'roleName',
    'accounts',
    'endpointUrl',
    'saveSnapshot',
  ].filter((k) => (flags as Record<string, unknown>)[k] !== undefined);
  const azureStray = AZURE_ONLY.find((k) => (flags as Record<string, unknown>)[k] !== undefined);
  if (azureStray) throw new UsageError(`--${azureStray.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --azure`);
  if (!flags.aws) {
    if (!pathArg) throw new UsageError('give a snapshot PATH, or --aws or --azure to collect one now');
    if (collecting.length)
      throw new UsageError(`--${collecting[0]!.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} needs --aws`);
    return { path: pathArg, cleanup: async () => {} };
  }
  if (pathArg) throw new UsageError('give a snapshot PATH or --aws, not both');
  const keep = flags.saveSnapshot ? path.resolve(io.cwd, flags.saveSnapshot) : undefined;
  const dir = keep ?? (await mkdtemp(path.join(tmpdir(), 'cordon-aws-')));
  const options = collectOptionsFrom(flags, keep ? dir : path.join(dir, 'snapshot'), io);
  try {
    const summary = await collectAws(options);
    io.stderr(formatCollectSummary(summary, keep ? flags.saveSnapshot : undefined));
  } catch (err) {
    if (!keep) await rm(dir, { recursive: true, force: true });
    throw err instanceof CollectError ? new UsageError(err.message) : err;
  }
  return { path: options.out, cleanup: async () => (keep ? undefined : rm(dir, { recursive: true, force: true })) };
}

const AZURE_ONLY = ['tenant', 'subscriptions', 'managementGroup', 'authorityHost', 'caFile'] as const;
const AWS_ONLY = ['profile', 'region', 'regions', 'org', 'roleName', 'accounts'] as const;

async function azureSnapshotForScan(
  pathArg: string | undefined,
  flags: AzureCollectFlags & CollectFlags & { saveSnapshot?: string },
  io: CliIO,
): Promise<{ path: string; cleanup: () => Promise<void> }> {
  if (pathArg) throw new UsageError('give a snapshot PATH or --azure, not both');
  const stray = AWS_ONLY.find((k) => (flags as Record<string, unknown>)[k] !== undefined);
  if (stray)
    throw new UsageError(
      `--${stray.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is an AWS flag; it does not go with --azure`,
    );
  const keep = flags.saveSnapshot ? path.resolve(io.cwd, flags.saveSnapshot) : undefined;
  const dir = keep ?? (await mkdtemp(path.join(tmpdir(), 'cordon-azure-')));
  const out = keep ? dir : path.join(dir, 'snapshot');
  try {
    const summary = await collectAzure(await azureOptionsFrom(flags, out, io));
    io.stderr(formatAzureSummary(summary, keep ? flags.saveSnapshot : undefined));
  } catch (err) {
    if (!keep) await rm(dir, { recursive: true, force: true });
    throw err instanceof CollectError ? new UsageError(err.message) : err;
  }
  return { path: out, cleanup: async () => (keep ? undefined : rm(dir, { recursive: true, force: true })) };
}

export const registerCollect: RegisterCommand = (program, io, setExit) => {
  const collect = program
    .command('collect')
    .description('read a cloud estate through its APIs (read-only) and write a snapshot for `cordon scan`');
  const aws = collect
    .command('aws')
    .description(
      'collect an AWS snapshot (read-only): VPC networking, VPC endpoints, Bedrock, SageMaker, load balancers and SCPs, per account and region',
    )
    .requiredOption('--out <dir>', 'snapshot directory to write (new or empty)');
  addCollectFlags(aws);
  const azure = collect
    .command('azure')
    .description(
      'collect an Azure snapshot (read-only): AI accounts, Foundry hubs, search, storage, key vaults, registries, networking and private DNS, per subscription',
    )
    .requiredOption('--out <dir>', 'snapshot directory to write (new or empty)');
  addAzureCollectFlags(azure);
  azure.action(async (opts) => {
    const flags = opts as typeof opts & AzureCollectFlags;
    const options = await azureOptionsFrom(flags, path.resolve(io.cwd, opts.out), io);
    let summary: AzureCollectSummary;
    try {
      summary = await collectAzure(options);
    } catch (err) {
      if (!(err instanceof CollectError)) throw err;
      io.stderr(`error: ${errorMessage(err)}\n`);
      setExit(EXIT_USAGE);
      return;
    }
    io.stderr(formatAzureSummary(summary, opts.out));
    // Nothing collected is not a success: a scan of it would assess nothing.
    setExit(summary.subscriptions.length === 0 ? EXIT_USAGE : EXIT_OK);
  });
  aws.action(async (opts) => {
    const flags = opts as typeof opts & CollectFlags;
    const options = collectOptionsFrom(flags, path.resolve(io.cwd, opts.out), io);
    let summary: CollectSummary;
    try {
      summary = await collectAws(options);
    } catch (err) {
      if (!(err instanceof CollectError)) throw err;
      io.stderr(`error: ${errorMessage(err)}\n`);
      setExit(EXIT_USAGE);
      return;
    }
    io.stderr(formatCollectSummary(summary, opts.out));
    setExit(EXIT_OK);
  });
};
