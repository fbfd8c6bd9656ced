/**
 * Route 53 Resolver rules in name resolution: a rule associated with the calling VPC for the service name (or a
 * parent domain) decides before private hosted zones and the endpoint's private DNS, the most specific domain first;
 * each case has a configuration that trips it and one that does not, on helper inventories and through `cordon
 * verify` and `cordon scan` on a copy of the reference snapshot.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AwsInventory, AwsResolverRule } from '../../src/inventory/aws.js';
import { compileAws } from '../../src/verify/aws.js';
import { awsDnsFindings } from '../../src/verify/dns-aws.js';
import { runCli } from '../support/cli.js';
import { bedrockCaller, POLICY } from './helpers.js';

const scope = { account: '111111111111', region: 'us-east-1' };
const NAME = 'bedrock-runtime.us-east-1.amazonaws.com';
const origin = { kind: 'file' as const, file: 'rules.json' };

const build = (privateDns: boolean) => bedrockCaller(privateDns);

function rule(
  inv: AwsInventory,
  id: string,
  domainName: string,
  ruleType: string,
  opts: { associate?: string | false; status?: string } = {},
): void {
  const r: AwsResolverRule = {
    ...scope,
    origin,
    id,
    domainName,
    ruleType,
    targetIps: ruleType === 'FORWARD' ? ['192.168.10.53:53'] : [],
    ...(ruleType === 'FORWARD' ? { resolverEndpointId: 'rslvr-out-1' } : {}),
  };
  inv.resolverRules.push(r);
  if (opts.associate !== false)
    inv.resolverRuleAssociations.push({
      ...scope,
      origin,
      id: `assoc-${id}`,
      ruleId: id,
      vpcId: opts.associate ?? 'vpc-1',
      ...(opts.status ? { status: opts.status } : {}),
    });
}

const dns = (inv: AwsInventory) => awsDnsFindings(inv, POLICY, compileAws(inv, POLICY));

describe('verify: Route 53 Resolver rules decide name resolution', () => {
  it('a FORWARD rule for the exact name overrides the endpoint’s private DNS: not assessed, with the rule in the chain', () => {
    const inv = build(true);
    rule(inv, 'rslvr-rr-fwd', NAME, 'FORWARD');
    const f = dns(inv);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.status, 'not-assessed');
    assert.match(
      f[0]!.message,
      /Resolver rule rslvr-rr-fwd forwards bedrock-runtime\.us-east-1\.amazonaws\.com to 192\.168\.10\.53:53/,
    );
    const chain = (f[0]!.evidence as { chain: { step: string }[] }).chain.map((c) => c.step);
    assert.match(chain[0]!, /rslvr-rr-fwd \(FORWARD bedrock-runtime\.us-east-1\.amazonaws\.com\).*through rslvr-out-1/);
    assert.match(chain.at(-1)!, /192\.168\.10\.53:53 answer, which cordon cannot follow/);
  });

  it('the same rule not associated with the VPC, or with a failed association, changes nothing', () => {
    const other = build(true);
    rule(other, 'rslvr-rr-fwd', NAME, 'FORWARD', { associate: 'vpc-2' });
    assert.deepEqual(dns(other), []);
    const failed = build(true);
    rule(failed, 'rslvr-rr-fwd', NAME, 'FORWARD', { status: 'FAILED' });
    assert.deepEqual(dns(failed), []);
  });

  it('a FORWARD rule for a parent domain yields to the endpoint’s private DNS (an autodefined rule, more specific)', () => {
    const inv = build(true);
    rule(inv, 'rslvr-rr-aws', 'amazonaws.com', 'FORWARD');
    assert.deepEqual(dns(inv), []);
  });

  it('a FORWARD rule for a parent domain decides when the endpoint has no private DNS and no zone is more specific', () => {
    const inv = build(false);
    rule(inv, 'rslvr-rr-aws', 'amazonaws.com', 'FORWARD');
    const f = dns(inv);
    assert.equal(f[0]!.status, 'not-assessed');
    assert.match(f[0]!.message, /rslvr-rr-aws forwards amazonaws\.com/);
    // A private hosted zone for the name, more specific than the rule, takes it back and answers (here: wrongly).
    const zoned = build(false);
    rule(zoned, 'rslvr-rr-aws', 'amazonaws.com', 'FORWARD');
    zoned.hostedZoneAssociations[0]!.zones.push({ id: 'Z1', name: NAME });
    zoned.hostedZoneRecords.push({ ...scope, origin, zoneId: 'Z1', records: [] });
    const z = dns(zoned);
    assert.equal(z[0]!.status, 'fail');
    assert.match(z[0]!.message, /private hosted zone bedrock-runtime\.us-east-1\.amazonaws\.com \(Z1\)/);
  });

  it('a SYSTEM rule under a forwarded parent makes Resolver answer itself again; a more specific FORWARD beats it', () => {
    const forwarded = build(true);
    rule(forwarded, 'rslvr-rr-all', '.', 'FORWARD');
    // "." is less specific than the endpoint's own zone for the name: that zone still answers.
    assert.deepEqual(dns(forwarded), []);
    const deeper = build(false);
    rule(deeper, 'rslvr-rr-aws', 'amazonaws.com', 'FORWARD');
    rule(deeper, 'rslvr-rr-sys', 'us-east-1.amazonaws.com', 'SYSTEM');
    // Resolver answers itself again, and the endpoint without private DNS now fails as it would without rules.
    const f = dns(deeper);
    assert.equal(f[0]!.status, 'fail');
    assert.match(f[0]!.message, /privateDnsEnabled=false/);
    // A more specific FORWARD rule beats a SYSTEM rule for its parent.
    const beaten = build(true);
    rule(beaten, 'rslvr-rr-sys', 'amazonaws.com', 'SYSTEM');
    rule(beaten, 'rslvr-rr-exact', NAME, 'FORWARD');
    assert.equal(dns(beaten)[0]!.status, 'not-assessed');
  });

  it('rules or their associations not read: not assessed, never a pass, and it hides no failure as a pass', () => {
    const noAssociations = build(true);
    noAssociations.datasets.get('111111111111/us-east-1')!.delete('route53resolver:resolver-rule-associations');
    const a = dns(noAssociations);
    assert.equal(a[0]!.status, 'not-assessed');
    assert.match(a[0]!.message, /Resolver rules associated with vpc-1 not collected/);
    const denied = build(true);
    denied.datasets.get('111111111111/us-east-1')!.delete('route53resolver:resolver-rule-associations');
    denied.unavailable.set(
      '111111111111/us-east-1',
      new Map([
        [
          'route53resolver:resolver-rule-associations',
          { reason: 'AccessDeniedException', action: 'route53resolver:ListResolverRuleAssociations' },
        ],
      ]),
    );
    assert.match(
      dns(denied)[0]!.message,
      /could not be read \(route53resolver:resolver-rule-associations: AccessDeniedException; needs route53resolver:ListResolverRuleAssociations\)/,
    );
    const partial = build(true);
    partial.partial.set('111111111111/us-east-1', new Map([['route53resolver:resolver-rule-associations', []]]));
    assert.match(dns(partial)[0]!.message, /not completely read/);
    const noRules = build(true);
    rule(noRules, 'rslvr-rr-x', 'example.com', 'FORWARD');
    noRules.resolverRules = [];
    noRules.datasets.get('111111111111/us-east-1')!.delete('route53resolver:resolver-rules');
    assert.match(
      dns(noRules)[0]!.message,
      /rslvr-rr-x associated with vpc-1 not collected \(route53resolver:resolver-rules/,
    );
    // The autodefined Internet Resolver is known without reading the rules.
    const internet = build(true);
    rule(internet, 'rslvr-autodefined-rr-internet-resolver', '.', 'RECURSIVE');
    internet.resolverRules = [];
    internet.datasets.get('111111111111/us-east-1')!.delete('route53resolver:resolver-rules');
    assert.deepEqual(dns(internet), []);
  });
});

/** Through the CLI, on a copy of the reference snapshot (which verifies clean) with rules written into it. */
describe('verify and scan: Resolver rules on a snapshot', () => {
  let dir = '';
  const VPC = 'vpc-0a1b2c3d4e5f60001';
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cordon-resolver-'));
    await cp('examples/aws/reference', dir, { recursive: true });
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  async function withRules(rules: { id: string; domain: string; type: string }[]): Promise<void> {
    const file = path.join(dir, 'list-resolver-rules.json');
    const doc = JSON.parse(await readFile('examples/aws/reference/list-resolver-rules.json', 'utf8')) as {
      ResolverRules: unknown[];
    };
    const assocs = JSON.parse(
      await readFile('examples/aws/reference/list-resolver-rule-associations.json', 'utf8'),
    ) as { ResolverRuleAssociations: unknown[] };
    for (const r of rules) {
      doc.ResolverRules.push({
        Id: r.id,
        Arn: `arn:aws:route53resolver:us-east-1:111122223333:resolver-rule/${r.id}`,
        DomainName: `${r.domain}.`,
        Status: 'COMPLETE',
        RuleType: r.type,
        ...(r.type === 'FORWARD'
          ? { TargetIps: [{ Ip: '192.168.10.53', Port: 53 }], ResolverEndpointId: 'rslvr-out-0a1b2c3d4e5f6001' }
          : {}),
        OwnerId: '111122223333',
        ShareStatus: 'NOT_SHARED',
      });
      assocs.ResolverRuleAssociations.push({
        Id: `rslvr-rrassoc-${r.id}`,
        ResolverRuleId: r.id,
        VPCId: VPC,
        Status: 'COMPLETE',
      });
    }
    await writeFile(file, JSON.stringify(doc));
    await writeFile(path.join(dir, 'list-resolver-rule-associations.json'), JSON.stringify(assocs));
  }

  const dnsOf = (stdout: string) =>
    (JSON.parse(stdout) as { findings: { checkId: string; status: string; message: string }[] }).findings.filter(
      (f) => f.checkId === 'verify-ai-name-public-dns',
    );

  it('a FORWARD rule for the service name itself: not assessed in verify and in scan, never a pass', async () => {
    await withRules([{ id: 'rslvr-rr-bedrock', domain: 'bedrock-runtime.us-east-1.amazonaws.com', type: 'FORWARD' }]);
    const v = await runCli(['verify', dir, '-p', 'examples/cordon.yaml', '--format', 'json']);
    const vd = dnsOf(v.stdout);
    assert.equal(vd.length, 1, JSON.stringify(vd));
    assert.equal(vd[0]!.status, 'not-assessed');
    assert.match(
      vd[0]!.message,
      /rslvr-rr-bedrock forwards bedrock-runtime\.us-east-1\.amazonaws\.com to 192\.168\.10\.53:53/,
    );
    const s = await runCli(['scan', dir, '-p', 'examples/cordon.yaml', '--format', 'json']);
    assert.deepEqual(
      dnsOf(s.stdout).map((f) => f.status),
      ['not-assessed'],
    );
  });

  it('a FORWARD rule for amazonaws.com yields to the endpoints’ private DNS: clean verify, scan passes', async () => {
    await withRules([{ id: 'rslvr-rr-aws', domain: 'amazonaws.com', type: 'FORWARD' }]);
    const v = await runCli(['verify', dir, '-p', 'examples/cordon.yaml', '--format', 'json']);
    assert.deepEqual(dnsOf(v.stdout), []);
    assert.equal(v.code, 0, v.stderr);
    const s = await runCli(['scan', dir, '-p', 'examples/cordon.yaml', '--format', 'json']);
    assert.deepEqual(
      dnsOf(s.stdout).map((f) => f.status),
      ['pass'],
    );
  });

  it('without list-resolver-rule-associations the DNS question is not assessed, never a pass', async () => {
    await withRules([]);
    await rm(path.join(dir, 'list-resolver-rule-associations.json'));
    const s = await runCli(['scan', dir, '-p', 'examples/cordon.yaml', '--format', 'json']);
    const sd = dnsOf(s.stdout);
    assert.ok(sd.length > 0 && sd.every((f) => f.status === 'not-assessed'), JSON.stringify(sd));
    assert.ok(sd.some((f) => /Resolver rules associated with vpc-0a1b2c3d4e5f60001 not collected/.test(f.message)));
  });
});
