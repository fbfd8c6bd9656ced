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
import type { GcpCollectOptions, GcpCollectSummary } from '../../sources/gcp-live/collect.js';
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

/** The flags Azure and GCP collection share: concurrency, an emulator endpoint and the certificate it uses. */
async function liveOptionsFrom(
  flags: { concurrency?: string; endpointUrl?: string; caFile?: string },
  out: string,
  io: CliIO,
): Promise<{ out: string; env: NodeJS.ProcessEnv; concurrency: number; endpoint?: string; ca?: string }> {
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
    ...(flags.endpointUrl ? { endpoint: flags.endpointUrl } : {}),
    ...(ca ? { ca } : {}),
  };
}

async function azureOptionsFrom(flags: AzureCollectFlags, out: string, io: CliIO) {
  return {
    ...(await liveOptionsFrom(flags, out, io)),
    ...(flags.tenant ? { tenant: flags.tenant } : {}),
    ...(flags.subscriptions ? { subscriptions: flags.subscriptions } : {}),
    ...(flags.managementGroup ? { managementGroup: flags.managementGroup } : {}),
    ...(flags.authorityHost ? { authorityHost: flags.authorityHost } : {}),
  };
}

export interface GcpCollectFlags {
  organization?: string;
  folders?: string[];
  projects?: string[];
  endpointUrl?: string;
  caFile?: string;
  concurrency?: string;
}

/** Adds the GCP collection flags to a command; read them back as GcpCollectFlags. */
export function addGcpCollectFlags(cmd: Optionable, shared = true): void {
  cmd.option('--organization <number>', 'read every project of this organization (and its folders and policies)');
  cmd.option('--folders <numbers>', 'read every project under these folders (comma-separated)', commaList);
  cmd.option('--projects <ids>', 'read these projects (comma-separated project ids)', commaList);
  if (shared) {
    cmd.option(
      '--endpoint-url <url>',
      'send every call, token calls included, to this endpoint (an emulator or test double); credentials then come only from GOOGLE_APPLICATION_CREDENTIALS',
    );
    cmd.option('--concurrency <n>', 'API calls in flight at once (default 8)');
    cmd.option('--ca-file <pem>', "certificates to trust (an emulator's self-signed certificate)");
  }
}

async function gcpOptionsFrom(flags: GcpCollectFlags, out: string, io: CliIO): Promise<GcpCollectOptions> {
  if (!flags.organization && !flags.folders && !flags.projects)
    throw new UsageError('say what to read: --projects, --folders or --organization');
  if (flags.organization && !/^(organizations\/)?\d+$/.test(flags.organization))
    throw new UsageError(`--organization ${JSON.stringify(flags.organization)} is not an organization number`);
  for (const f of flags.folders ?? [])
    if (!/^(folders\/)?\d+$/.test(f)) throw new UsageError(`${JSON.stringify(f)} is not a folder number`);
  return {
    ...(await liveOptionsFrom(flags, out, io)),
    ...(flags.organization ? { organization: flags.organization } : {}),
    ...(flags.folders ? { folders: flags.folders } : {}),
    ...(flags.projects ? { projects: flags.projects } : {}),
  };
}

/** What was collected from Google Cloud and what not, one line per problem. */
export function formatGcpSummary(s: GcpCollectSummary, out?: string): string {
  const partial = s.projects.filter((x) => x.unavailable.length > 0);
  const lines = [
    `collected ${s.projects.length} project(s) and ${s.hierarchy.length} folder(s)/organization(s)${out ? ` into ${out}` : ''}: ${s.projects.length - partial.length} complete, ${partial.length} with unavailable data sets; ${s.resources} resources, ${s.apiCalls} API calls`,
  ];
  for (const scope of [...s.hierarchy, ...s.projects])
    for (const u of scope.unavailable)
      lines.push(`  unavailable ${scope.scope} ${u.dataset}: ${u.reason} (needs ${u.permission})`);
  for (const k of s.skipped) lines.push(`  skipped ${k.scope}: ${k.reason}`);
  return `${lines.join('\n')}\n`;
}

async function collectGcp(options: GcpCollectOptions): Promise<GcpCollectSummary> {
  return (await import('../../sources/gcp-live/collect.js')).collectGcp(options);
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
    '--gcp',
    'collect from Google Cloud now (read-only, the flags of `cordon collect gcp`) and scan that instead of a PATH',
  );
  cmd.option(
    '--save-snapshot <dir>',
    'with --aws, --azure or --gcp: keep the collected snapshot in this (new or empty) directory',
  );
  addCollectFlags(cmd);
  addAzureCollectFlags(cmd, false);
  addGcpCollectFlags(cmd, false);
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
  const flags = opts as CollectFlags &
    AzureCollectFlags &
    GcpCollectFlags & { aws?: boolean; azure?: boolean; gcp?: boolean; saveSnapshot?: string };
  if ([flags.aws, flags.azure, flags.gcp].filter(Boolean).length > 1)
    throw new UsageError('collect one cloud at a time: --aws, --azure or --gcp');
  if (flags.azure || flags.gcp) return liveSnapshotForScan(pathArg, flags, io, flags.gcp ? 'gcp' : 'azure');
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
  const stray = [...AZURE_ONLY, ...GCP_ONLY, 'caFile'].find((k) => (flags as Record<string, unknown>)[k] !== undefined);
  if (stray)
    throw new UsageError(
      `--${flagName(stray)} needs ${(AZURE_ONLY as readonly string[]).includes(stray) ? '--azure' : (GCP_ONLY as readonly string[]).includes(stray) ? '--gcp' : '--azure or --gcp'}`,
    );
  if (!flags.aws) {
    if (!pathArg) throw new UsageError('give a snapshot PATH, or --aws, --azure or --gcp to collect one now');
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

const AZURE_ONLY = ['tenant', 'subscriptions', 'managementGroup', 'authorityHost'] as const;
const GCP_ONLY = ['organization', 'folders', 'projects'] as const;
const AWS_ONLY = ['profile', 'region', 'regions', 'org', 'roleName', 'accounts'] as const;
const flagName = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** `scan --azure` / `scan --gcp`: collect into a temporary (or --save-snapshot) directory, then scan it. */
async function liveSnapshotForScan(
  pathArg: string | undefined,
  flags: AzureCollectFlags & GcpCollectFlags & CollectFlags & { saveSnapshot?: string },
  io: CliIO,
  cloud: 'azure' | 'gcp',
): Promise<{ path: string; cleanup: () => Promise<void> }> {
  if (pathArg) throw new UsageError(`give a snapshot PATH or --${cloud}, not both`);
  const foreign: readonly (readonly string[])[] = cloud === 'azure' ? [AWS_ONLY, GCP_ONLY] : [AWS_ONLY, AZURE_ONLY];
  const stray = foreign.flat().find((k) => (flags as Record<string, unknown>)[k] !== undefined);
  if (stray) throw new UsageError(`--${flagName(stray)} does not go with --${cloud}`);
  const keep = flags.saveSnapshot ? path.resolve(io.cwd, flags.saveSnapshot) : undefined;
  const dir = keep ?? (await mkdtemp(path.join(tmpdir(), `cordon-${cloud}-`)));
  const out = keep ? dir : path.join(dir, 'snapshot');
  const where = keep ? flags.saveSnapshot : undefined;
  try {
    io.stderr(
      cloud === 'azure'
        ? formatAzureSummary(await collectAzure(await azureOptionsFrom(flags, out, io)), where)
        : formatGcpSummary(await collectGcp(await gcpOptionsFrom(flags, out, io)), where),
    );
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
  /** Runs a collection: its summary on stderr; a CollectError is a usage error, and so is collecting nothing. */
  const run = async (collectNow: () => Promise<{ text: string; scopes: number }>) => {
    try {
      const { text, scopes } = await collectNow();
      io.stderr(text);
      // Nothing collected is not a success: a scan of it would assess nothing.
      setExit(scopes === 0 ? EXIT_USAGE : EXIT_OK);
    } catch (err) {
      if (!(err instanceof CollectError)) throw err;
      io.stderr(`error: ${errorMessage(err)}\n`);
      setExit(EXIT_USAGE);
    }
  };
  azure.action(async (opts) => {
    const options = await azureOptionsFrom(opts as typeof opts & AzureCollectFlags, path.resolve(io.cwd, opts.out), io);
    await run(async () => {
      const summary = await collectAzure(options);
      return { text: formatAzureSummary(summary, opts.out), scopes: summary.subscriptions.length };
    });
  });
  const gcp = collect
    .command('gcp')
    .description(
      'collect a Google Cloud snapshot (read-only): Cloud Asset Inventory resources, private DNS records, VPC Service Controls perimeters, organization and hierarchical firewall policies, per project',
    )
    .requiredOption('--out <dir>', 'snapshot directory to write (new or empty)');
  addGcpCollectFlags(gcp);
  gcp.action(async (opts) => {
    const options = await gcpOptionsFrom(opts as typeof opts & GcpCollectFlags, path.resolve(io.cwd, opts.out), io);
    await run(async () => {
      const summary = await collectGcp(options);
      return { text: formatGcpSummary(summary, opts.out), scopes: summary.projects.length };
    });
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
