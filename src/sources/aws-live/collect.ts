/**
 * Live AWS collection: finds the accounts and regions to read, reads each account/region scope with bounded
 * concurrency, and writes the snapshot `cordon scan` reads. Only Describe/List/Get calls (plus
 * sts:GetCallerIdentity and sts:AssumeRole) are made. Nothing a single call does wrong aborts the run: the data
 * set it feeds is recorded as unavailable with the reason and the IAM action, so checks report "not assessed"
 * instead of reading an empty list as "there are none".
 */
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { AWS_DATASETS, type AwsDataset } from '../../inventory/aws.js';
import { isRegion } from '../aws-snapshot/names.js';
import { collectAgents, collectCustomizationJobs } from './bedrock.js';
import {
  closeSocketPools,
  createSocketPools,
  organizationsClient,
  regionClients,
  stsClient,
  type ClientSettings,
  type Credentials,
} from './clients.js';
import { collectEc2 } from './ec2.js';
import { collectLoadBalancers } from './elbv2.js';
import { collectHostedZones } from './route53.js';
import { collectSageMaker } from './sagemaker.js';
import { CollectError, classifyError, type Failure } from './errors.js';

export { CollectError };
import { credentialChain } from './credentials.js';
import { createLimiter } from './limiter.js';
import { collectProfiles } from './route53profiles.js';
import { collectResolver } from './route53resolver.js';
import { collectOrganization, listOrganizationAccounts } from './organizations.js';
import type { DatasetOutcome, Unavailable } from './types.js';
import { prepareOutDir, writeScope } from './writer.js';

export interface CollectOptions {
  /** Snapshot directory; must be new or empty. */
  out: string;
  profile?: string;
  /** Regions to read; undefined means every region enabled in each account. */
  regions?: string[];
  /** List the accounts of the organisation and read each through --role-name. */
  org?: boolean;
  roleName?: string;
  /** Narrow --org to these accounts, or (without --org) read these accounts through --role-name. */
  accounts?: string[];
  /** Account/region scopes read at once. */
  concurrency?: number;
  /** Calls in flight within one scope. */
  callsPerScope?: number;
  /** Injected credentials (tests, library users); otherwise the SDK's default chain for --profile. */
  credentials?: Credentials;
  /** One endpoint for every service (--endpoint-url). */
  endpoint?: string;
  /** Where AWS_ENDPOINT_URL*, AWS_REGION and AWS_DEFAULT_REGION are read from. */
  env?: NodeJS.ProcessEnv;
  /** The region for the first calls (identity, region list, organisation); default from the environment/profile. */
  homeRegion?: string;
  maxAttempts?: number;
  onProgress?: (p: { done: number; total: number; account: string; region: string }) => void;
}

export interface ScopeSummary {
  account: string;
  region: string;
  collected: AwsDataset[];
  unavailable: Unavailable[];
}

export interface CollectSummary {
  callerAccount: string;
  callerArn: string;
  scopes: ScopeSummary[];
  organization: ScopeSummary;
  /** Accounts or regions deliberately not read, and why (regions not enabled, suspended accounts…). */
  skipped: { account: string; region?: string; reason: string }[];
  apiCalls: number;
}

const REGIONAL = (Object.keys(AWS_DATASETS) as AwsDataset[]).filter((d) => AWS_DATASETS[d].level === 'regional');
const ORG_HOME: Record<string, string> = {
  aws: 'us-east-1',
  'aws-us-gov': 'us-gov-west-1',
  'aws-cn': 'cn-northwest-1',
};

interface AccountPlan {
  id: string;
  /** Credentials for the account, or why there are none (AssumeRole failed). */
  credentials: Promise<{ credentials: Credentials } | { failure: Failure; action: string }>;
  regions: Promise<{ regions: string[]; skipped: string[] } | { failure: Failure }>;
}

export async function collectAws(options: CollectOptions): Promise<CollectSummary> {
  const env = options.env ?? process.env;
  const agents = createSocketPools(Math.max(4, (options.concurrency ?? 8) * (options.callsPerScope ?? 4)));
  const settings: ClientSettings = {
    credentials:
      options.credentials ??
      credentialChain({
        env,
        ...(options.profile ? { profile: options.profile } : {}),
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      }),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    env,
    maxAttempts: options.maxAttempts ?? 8,
    counter: { calls: 0 },
    agents,
  };
  try {
    return await run(options, settings, env);
  } finally {
    closeSocketPools(agents);
  }
}

async function run(options: CollectOptions, settings: ClientSettings, env: NodeJS.ProcessEnv): Promise<CollectSummary> {
  if ((options.org || options.accounts?.length) && !options.roleName)
    throw new CollectError('--org and --accounts need --role-name: the role cordon assumes in each account');
  for (const r of options.regions ?? [])
    if (!isRegion(r)) throw new CollectError(`${JSON.stringify(r)} is not an AWS region name`);
  await prepareOutDir(options.out);

  const home =
    options.homeRegion ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? (await profileRegion(settings)) ?? 'us-east-1';
  const identity = await callerIdentity(home, settings);
  const partition = identity.arn.split(':')[1] ?? 'aws';
  const orgRegion = ORG_HOME[partition] ?? home;
  const skipped: CollectSummary['skipped'] = [];
  const orgLimit = createLimiter(options.callsPerScope ?? 4);

  // Organisation-level data comes from the caller's account, whatever the account list is.
  const orgOutcomes = await collectOrganization(
    organizationsClient(orgRegion, settings, settings.credentials),
    orgLimit,
  );
  await writeScope(options.out, {
    account: identity.account,
    region: 'global',
    dir: `${identity.account}/organizations`,
    outcomes: orgOutcomes,
  });

  const accountIds = await accountList(options, settings, orgRegion, identity.account, skipped);
  // Account set-up (AssumeRole, DescribeRegions) is bounded like the scopes, so 500 accounts are not assumed at once.
  const accountLimit = createLimiter(options.concurrency ?? 8);
  const callerRegions = accountLimit(() => regionList(options, home, settings, settings.credentials));
  const plans: AccountPlan[] = accountIds.map((id) => {
    const credentials =
      id === identity.account
        ? Promise.resolve({ credentials: settings.credentials })
        : accountLimit(() => assumeRole(id, options.roleName!, partition, home, settings));
    const regions =
      id === identity.account
        ? callerRegions
        : credentials.then(async (c) => {
            if (!('credentials' in c)) return callerRegions;
            const own = await accountLimit(() => regionList(options, home, settings, c.credentials));
            // A member account that may not list its regions is read in the caller's regions instead.
            return 'regions' in own ? own : callerRegions;
          });
    return { id, credentials, regions };
  });

  const scopeLimit = createLimiter(options.concurrency ?? 8);
  const scopes: ScopeSummary[] = [];
  const tasks: { account: AccountPlan; region: string }[] = [];
  for (const plan of plans) {
    const r = await plan.regions;
    if ('failure' in r) {
      throw new CollectError(
        `cannot list the enabled regions of ${plan.id}: ${r.failure.reason} (needs ec2:DescribeRegions); pass --region or --regions`,
      );
    }
    for (const region of r.skipped)
      skipped.push({ account: plan.id, region, reason: 'region not enabled for the account' });
    for (const region of r.regions) tasks.push({ account: plan, region });
  }
  let done = 0;
  await Promise.all(
    tasks.map((t) =>
      scopeLimit(async () => {
        const outcomes = await collectScope(t.account, t.region, settings, options.callsPerScope ?? 4);
        await writeScope(options.out, {
          account: t.account.id,
          region: t.region,
          dir: `${t.account.id}/${t.region}`,
          outcomes,
        });
        scopes.push(summarise(t.account.id, t.region, outcomes));
        options.onProgress?.({ done: ++done, total: tasks.length, account: t.account.id, region: t.region });
      }),
    ),
  );
  scopes.sort((a, b) => (`${a.account}/${a.region}` < `${b.account}/${b.region}` ? -1 : 1));
  return {
    callerAccount: identity.account,
    callerArn: identity.arn,
    scopes,
    organization: summarise(identity.account, 'global', orgOutcomes),
    skipped: skipped.sort((a, b) => (`${a.account}/${a.region ?? ''}` < `${b.account}/${b.region ?? ''}` ? -1 : 1)),
    apiCalls: settings.counter.calls,
  };
}

function summarise(account: string, region: string, outcomes: DatasetOutcome[]): ScopeSummary {
  return {
    account,
    region,
    collected: outcomes
      .filter((o) => !o.unavailable)
      .map((o) => o.dataset)
      .sort(),
    unavailable: outcomes
      .flatMap((o) => (o.unavailable ? [o.unavailable] : []))
      .sort((a, b) => (a.dataset < b.dataset ? -1 : 1)),
  };
}

async function collectScope(
  plan: AccountPlan,
  region: string,
  settings: ClientSettings,
  callsPerScope: number,
): Promise<DatasetOutcome[]> {
  const c = await plan.credentials;
  if (!('credentials' in c)) {
    // No way into the account: every regional data set is unavailable, for the same reason.
    return REGIONAL.map((dataset) => ({
      dataset,
      files: [],
      unavailable: { dataset, reason: c.failure.reason, action: c.action, kind: c.failure.kind },
    }));
  }
  const clients = regionClients(region, settings, c.credentials);
  const limit = createLimiter(callsPerScope);
  const [ec2, jobs, agents, sagemaker, elbv2, resolver, profiles] = await Promise.all([
    collectEc2(clients.ec2, limit, (outcome, vpcs) =>
      collectHostedZones(clients.route53, region, limit, outcome, vpcs),
    ),
    collectCustomizationJobs(clients.bedrock, limit),
    collectAgents(clients.bedrockAgent, limit),
    collectSageMaker(clients.sagemaker, limit),
    collectLoadBalancers(clients.elbv2, limit),
    collectResolver(region, settings, c.credentials, limit),
    collectProfiles(region, settings, c.credentials, limit),
  ]);
  return [...ec2, ...jobs, agents, ...sagemaker, ...elbv2, ...resolver, ...profiles];
}

async function profileRegion(settings: ClientSettings): Promise<string | undefined> {
  if (!settings.profile) return undefined;
  try {
    // A client built without a region resolves it from the profile, as the AWS CLI does.
    return await stsClient(undefined, settings, settings.credentials).config.region();
  } catch {
    return undefined;
  }
}

async function callerIdentity(region: string, settings: ClientSettings): Promise<{ account: string; arn: string }> {
  try {
    const id = await stsClient(region, settings, settings.credentials).send(new GetCallerIdentityCommand({}));
    if (!id.Account || !id.Arn) throw new Error('GetCallerIdentity returned no account');
    return { account: id.Account, arn: id.Arn };
  } catch (err) {
    throw new CollectError(
      `cannot establish who the credentials belong to (sts:GetCallerIdentity): ${classifyError(err).reason}`,
    );
  }
}

async function accountList(
  options: CollectOptions,
  settings: ClientSettings,
  orgRegion: string,
  caller: string,
  skipped: CollectSummary['skipped'],
): Promise<string[]> {
  const wanted = options.accounts?.length ? [...new Set(options.accounts)].sort() : undefined;
  for (const a of wanted ?? [])
    if (!/^\d{12}$/.test(a)) throw new CollectError(`${JSON.stringify(a)} is not an AWS account id (12 digits)`);
  if (!options.org) return wanted ?? [caller];
  let accounts;
  try {
    accounts = await listOrganizationAccounts(organizationsClient(orgRegion, settings, settings.credentials));
  } catch (err) {
    throw new CollectError(
      `--org: cannot list the organisation's accounts (organizations:ListAccounts): ${classifyError(err).reason}. Run from the management account or a delegated administrator, or list accounts with --accounts`,
    );
  }
  const ids: string[] = [];
  for (const a of accounts) {
    if (wanted && !wanted.includes(a.id)) continue;
    if (!a.active) skipped.push({ account: a.id, reason: 'account is not active (suspended or closing)' });
    else ids.push(a.id);
  }
  for (const w of wanted ?? [])
    if (!accounts.some((a) => a.id === w)) skipped.push({ account: w, reason: 'not an account of this organisation' });
  return ids;
}

async function assumeRole(
  account: string,
  roleName: string,
  partition: string,
  region: string,
  settings: ClientSettings,
): Promise<{ credentials: Credentials } | { failure: Failure; action: string }> {
  const roleArn = `arn:${partition}:iam::${account}:role/${roleName.replace(/^\/+/, '')}`;
  const sts = stsClient(region, settings, settings.credentials);
  const assume = async () => {
    const r = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'cordon-collect', DurationSeconds: 3600 }),
    );
    const c = r.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  };
  try {
    let current = await assume();
    // Long collections outlive the session: renew five minutes before it expires. The SDK caches until then.
    const provider = async () => {
      if (current.expiration && current.expiration.getTime() - Date.now() < 5 * 60_000) current = await assume();
      return current;
    };
    return { credentials: provider };
  } catch (err) {
    const f = classifyError(err);
    return { failure: { kind: f.kind, reason: `cannot assume ${roleArn}: ${f.reason}` }, action: 'sts:AssumeRole' };
  }
}

function regionList(
  options: CollectOptions,
  home: string,
  settings: ClientSettings,
  credentials: Credentials,
): Promise<{ regions: string[]; skipped: string[] } | { failure: Failure }> {
  if (options.regions?.length) return Promise.resolve({ regions: [...new Set(options.regions)].sort(), skipped: [] });
  return (async () => {
    try {
      const { ec2 } = regionClients(home, settings, credentials);
      const r = await ec2.send(new DescribeRegionsCommand({ AllRegions: true }));
      const all = (r.Regions ?? []).filter((x) => x.RegionName);
      const enabled = all
        .filter((x) => x.OptInStatus !== 'not-opted-in')
        .map((x) => x.RegionName!)
        .sort();
      const notEnabled = all
        .filter((x) => x.OptInStatus === 'not-opted-in')
        .map((x) => x.RegionName!)
        .sort();
      return { regions: enabled, skipped: notEnabled };
    } catch (err) {
      return { failure: classifyError(err) };
    }
  })();
}
