/**
 * Route 53 Profiles in name resolution: the Resolver rules and private hosted zones a Profile associated with the
 * calling VPC carries act as if associated with the VPC directly (a direct one wins for the same domain); Profile
 * data not read makes the answer not assessed. Each case has a configuration that trips it and one that does not, on
 * helper inventories and through `cordon verify` and `cordon scan` on a copy of the reference snapshot.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AwsInventory } from '../../src/inventory/aws.js';
import { compileAws } from '../../src/verify/aws.js';
import { awsDnsFindings } from '../../src/verify/dns-aws.js';
import { runCli } from '../support/cli.js';
import { bedrockCaller, POLICY } from './helpers.js';

const scope = { account: '111111111111', region: 'us-east-1' };
const SCOPE = '111111111111/us-east-1';
const NAME = 'bedrock-runtime.us-east-1.amazonaws.com';
const origin = { kind: 'file' as const, file: 'profiles.json' };
const dns = (inv: AwsInventory) => awsDnsFindings(inv, POLICY, compileAws(inv, POLICY));
const chainOf = (f: { evidence?: unknown }) => (f.evidence as { chain: { step: string }[] }).chain.map((c) => c.step);

/** Associates Profile rp-1 with vpc-1 and gives it the listed resources. */
function profile(inv: AwsInventory, resources: { arn: string; type: string }[], vpcId = 'vpc-1'): void {
  inv.profileAssociations.push({ ...scope, origin, id: 'rpassoc-1', profileId: 'rp-1', vpcId, status: 'COMPLETE' });
  resources.forEach((r, i) =>
    inv.profileResourceAssociations.push({
      ...scope,
      origin,
      id: `rpr-${i}`,
      profileId: 'rp-1',
      resourceArn: r.arn,
      resourceType: r.type,
      status: 'COMPLETE',
    }),
  );
}

function forwardRule(
  inv: AwsInventory,
  id: string,
  domainName: string,
  ruleType = 'FORWARD',
  account = '222222222222',
) {
  inv.resolverRules.push({
    account,
    region: 'us-east-1',
    origin,
    id,
    domainName,
    ruleType,
    targetIps: ruleType === 'FORWARD' ? ['192.168.10.53:53'] : [],
  });
  return { arn: `arn:aws:route53resolver:us-east-1:${account}:resolver-rule/${id}`, type: 'RESOLVER_RULE' };
}

function zone(inv: AwsInventory, id: string, name: string, records: AwsInventory['hostedZoneRecords'][0]['records']) {
  inv.hostedZoneRecords.push({
    ...scope,
    origin,
    zoneId: id,
    records: [{ name, type: 'SOA', values: ['ns-1.awsdns-01.org.'], pointer: '/0' }, ...records],
  });
  return { arn: `arn:aws:route53:::hostedzone/${id}`, type: 'PRIVATE_HOSTED_ZONE' };
}

describe('verify: Route 53 Profiles carry Resolver rules and private hosted zones to the VPC', () => {
  it('a Profile’s FORWARD rule for amazonaws.com decides when the endpoint has no private DNS: not assessed, with the Profile in the chain', () => {
    const inv = bedrockCaller(false);
    // The rule is the Profile owner's (another account, found by its ARN), not listed in the VPC's account.
    profile(inv, [forwardRule(inv, 'rslvr-rr-aws', 'amazonaws.com')]);
    const f = dns(inv);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.status, 'not-assessed');
    assert.match(f[0]!.message, /rslvr-rr-aws forwards amazonaws\.com to 192\.168\.10\.53:53/);
    assert.match(chainOf(f[0]!)[0]!, /rslvr-rr-aws \(FORWARD amazonaws\.com\), carried by Route 53 Profile rp-1,/);
    // Without the Profile, the same VPC fails plainly (no private DNS): the Profile changed the answer.
    const plain = bedrockCaller(false);
    forwardRule(plain, 'rslvr-rr-aws', 'amazonaws.com');
    assert.equal(dns(plain)[0]!.status, 'fail');
  });

  it('a Profile’s FORWARD rule for the exact name overrides the endpoint’s private DNS; a direct SYSTEM rule for the same name wins over it', () => {
    const inv = bedrockCaller(true);
    profile(inv, [forwardRule(inv, 'rslvr-rr-exact', NAME)]);
    assert.equal(dns(inv)[0]!.status, 'not-assessed');
    const direct = bedrockCaller(true);
    profile(direct, [forwardRule(direct, 'rslvr-rr-exact', NAME)]);
    forwardRule(direct, 'rslvr-rr-sys', NAME, 'SYSTEM', scope.account);
    direct.resolverRuleAssociations.push({ ...scope, origin, id: 'a-sys', ruleId: 'rslvr-rr-sys', vpcId: 'vpc-1' });
    assert.deepEqual(dns(direct), []);
  });

  it('a Profile’s rule that is in no rule list read: not assessed, naming the rule and the Profile', () => {
    const inv = bedrockCaller(true);
    profile(inv, [
      { arn: 'arn:aws:route53resolver:us-east-1:333333333333:resolver-rule/rslvr-rr-gone', type: 'RESOLVER_RULE' },
    ]);
    const f = dns(inv);
    assert.equal(f[0]!.status, 'not-assessed');
    assert.match(f[0]!.message, /rslvr-rr-gone \(carried by Route 53 Profile rp-1\)/);
  });

  it('a Profile’s private hosted zone for the name without a record: fail (NXDOMAIN), as a direct zone would', () => {
    const inv = bedrockCaller(true);
    profile(inv, [zone(inv, 'ZPROF', NAME, [])]);
    const f = dns(inv);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.status, 'fail');
    assert.match(f[0]!.message, /private hosted zone bedrock-runtime\.us-east-1\.amazonaws\.com \(ZPROF\)/);
    assert.ok(chainOf(f[0]!).some((s) => /associated with vpc-1 through Route 53 Profile rp-1/.test(s)));
    // The same zone with an alias to the endpoint answers correctly: no finding.
    const good = bedrockCaller(true);
    profile(good, [
      zone(good, 'ZPROF', NAME, [{ name: NAME, type: 'A', values: [], aliasEndpointId: 'vpce-0abc', pointer: '/1' }]),
    ]);
    assert.deepEqual(dns(good), []);
  });

  it('a direct zone for the same name takes precedence over the Profile’s', () => {
    const inv = bedrockCaller(true);
    profile(inv, [zone(inv, 'ZPROF', NAME, [])]);
    inv.hostedZoneAssociations[0]!.zones.push({ id: 'ZDIRECT', name: NAME });
    inv.hostedZoneRecords.push({
      ...scope,
      origin,
      zoneId: 'ZDIRECT',
      records: [{ name: NAME, type: 'A', values: [], aliasEndpointId: 'vpce-0abc', pointer: '/0' }],
    });
    assert.deepEqual(dns(inv), []);
  });

  it('a Profile’s zone whose name was not collected: not assessed, never a pass', () => {
    const inv = bedrockCaller(true);
    profile(inv, [{ arn: 'arn:aws:route53:::hostedzone/ZUNKNOWN', type: 'PRIVATE_HOSTED_ZONE' }]);
    const f = dns(inv);
    assert.equal(f[0]!.status, 'not-assessed');
    assert.match(
      f[0]!.message,
      /private hosted zone ZUNKNOWN carried by Route 53 Profile rp-1 .*its name is not collected/,
    );
  });

  it('a Profile associated with another VPC, a failed association, or a DNS Firewall rule group changes nothing', () => {
    const other = bedrockCaller(true);
    profile(other, [forwardRule(other, 'rslvr-rr-exact', NAME)], 'vpc-2');
    assert.deepEqual(dns(other), []);
    const failed = bedrockCaller(true);
    profile(failed, [forwardRule(failed, 'rslvr-rr-exact', NAME)]);
    failed.profileAssociations[0]!.status = 'FAILED';
    assert.deepEqual(dns(failed), []);
  });

  it('Profile data not read: not assessed, and it hides no failure as a pass', () => {
    const missing = bedrockCaller(true);
    missing.datasets.get(SCOPE)!.delete('route53profiles:profile-associations');
    const f = dns(missing);
    assert.equal(f[0]!.status, 'not-assessed');
    assert.match(
      f[0]!.message,
      /Route 53 Profile associated with vpc-1 not collected \(route53profiles:profile-associations/,
    );
    // A failing VPC (no private DNS) is not reported as a fail either: a Profile zone could answer for it.
    const failing = bedrockCaller(false);
    failing.datasets.get(SCOPE)!.delete('route53profiles:profile-associations');
    assert.equal(dns(failing)[0]!.status, 'not-assessed');
    const denied = bedrockCaller(true);
    profile(denied, []);
    denied.datasets.get(SCOPE)!.delete('route53profiles:profile-resource-associations');
    denied.unavailable.set(
      SCOPE,
      new Map([
        [
          'route53profiles:profile-resource-associations',
          {
            dataset: 'route53profiles:profile-resource-associations',
            reason: 'AccessDeniedException',
            action: 'route53profiles:ListProfileResourceAssociations',
          },
        ],
      ]),
    );
    assert.match(
      dns(denied)[0]!.message,
      /resources of Route 53 Profile rp-1 \(associated with vpc-1\) could not be read .*needs route53profiles:ListProfileResourceAssociations/,
    );
    // With no Profile associated, the resources are not needed: the answer is unchanged.
    const none = bedrockCaller(true);
    none.datasets.get(SCOPE)!.delete('route53profiles:profile-resource-associations');
    assert.deepEqual(dns(none), []);
  });
});

/** Through the CLI, on a copy of the reference snapshot (which verifies clean) with a Profile written into it. */
describe('verify and scan: Route 53 Profiles on a snapshot', () => {
  let dir = '';
  const VPC = 'vpc-0a1b2c3d4e5f60001';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cordon-profiles-'));
    await cp('examples/aws/reference', dir, { recursive: true });
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const dnsOf = (stdout: string) =>
    (JSON.parse(stdout) as { findings: { checkId: string; status: string; message: string }[] }).findings.filter(
      (f) => f.checkId === 'verify-ai-name-public-dns',
    );
  const run = async (cmd: 'verify' | 'scan') => runCli([cmd, dir, '-p', 'examples/cordon.yaml', '--format', 'json']);

  async function withProfile(resources: Record<string, unknown>[], rules: Record<string, unknown>[] = []) {
    await writeFile(
      path.join(dir, 'list-profile-associations.json'),
      JSON.stringify({
        ProfileAssociations: [{ Id: 'rpassoc-0a1', ProfileId: 'rp-0a1', ResourceId: VPC, Status: 'COMPLETE' }],
      }),
    );
    await writeFile(
      path.join(dir, 'list-profile-resource-associations.json'),
      JSON.stringify({
        ProfileResourceAssociations: resources.map((r) => ({ ProfileId: 'rp-0a1', Status: 'COMPLETE', ...r })),
      }),
    );
    const doc = JSON.parse(await readFile('examples/aws/reference/list-resolver-rules.json', 'utf8')) as {
      ResolverRules: unknown[];
    };
    await writeFile(
      path.join(dir, 'list-resolver-rules.json'),
      JSON.stringify({ ResolverRules: [...doc.ResolverRules, ...rules] }),
    );
  }

  it('the reference snapshot with no Profile associated verifies as before (clean, scan passes)', async () => {
    const v = await run('verify');
    assert.deepEqual(dnsOf(v.stdout), []);
    assert.equal(v.code, 0, v.stderr);
    assert.deepEqual(
      dnsOf((await run('scan')).stdout).map((f) => f.status),
      ['pass'],
    );
  });

  it('a Profile’s FORWARD rule for the service name: not assessed in verify and in scan', async () => {
    await withProfile(
      [
        {
          Id: 'rpr-0a1',
          ResourceArn: 'arn:aws:route53resolver:us-east-1:111122223333:resolver-rule/rslvr-rr-prof',
          ResourceType: 'RESOLVER_RULE',
        },
      ],
      [
        {
          Id: 'rslvr-rr-prof',
          Arn: 'arn:aws:route53resolver:us-east-1:111122223333:resolver-rule/rslvr-rr-prof',
          DomainName: 'bedrock-runtime.us-east-1.amazonaws.com.',
          Status: 'COMPLETE',
          RuleType: 'FORWARD',
          TargetIps: [{ Ip: '192.168.10.53', Port: 53 }],
          OwnerId: '111122223333',
          ShareStatus: 'NOT_SHARED',
        },
      ],
    );
    const vd = dnsOf((await run('verify')).stdout);
    assert.equal(vd.length, 1, JSON.stringify(vd));
    assert.equal(vd[0]!.status, 'not-assessed');
    assert.match(vd[0]!.message, /rslvr-rr-prof forwards bedrock-runtime\.us-east-1\.amazonaws\.com/);
    assert.deepEqual(
      dnsOf((await run('scan')).stdout).map((f) => f.status),
      ['not-assessed'],
    );
  });

  it('a Profile’s private hosted zone whose name was not collected: not assessed; without list-profile-associations: not assessed', async () => {
    await withProfile([
      { Id: 'rpr-0a2', ResourceArn: 'arn:aws:route53:::hostedzone/Z0PROFILE', ResourceType: 'PRIVATE_HOSTED_ZONE' },
    ]);
    const vd = dnsOf((await run('verify')).stdout);
    assert.ok(vd.length > 0 && vd.every((f) => f.status === 'not-assessed'), JSON.stringify(vd));
    await rm(path.join(dir, 'list-profile-associations.json'));
    await rm(path.join(dir, 'list-profile-resource-associations.json'));
    const sd = dnsOf((await run('scan')).stdout);
    assert.ok(sd.length > 0 && sd.every((f) => f.status === 'not-assessed'), JSON.stringify(sd));
    assert.ok(sd.some((f) => /Route 53 Profile associated with vpc-0a1b2c3d4e5f60001 not collected/.test(f.message)));
  });
});
