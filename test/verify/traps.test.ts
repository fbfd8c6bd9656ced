/** The semantic traps of network verification, each with a configuration that trips it and one that does not. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileAws } from '../../src/verify/aws.js';
import { awsDnsFindings } from '../../src/verify/dns-aws.js';
import { verifyModel } from '../../src/verify/questions.js';
import type { AwsInventory, AwsNaclEntry } from '../../src/inventory/aws.js';
import { all, appToInference, bedrockCaller, eni, inventory, nat, POLICY, sg, subnet, tcp, vpc } from './helpers.js';

const run = (inv: AwsInventory) => verifyModel(compileAws(inv, POLICY), POLICY, { clientPorts: [32768, 60999] });
const cell = (r: ReturnType<typeof run>, from: string, to: string) =>
  r.matrix.find((m) => m.from === from && m.to === to)!;
const findings = (r: ReturnType<typeof run>, id: string, from: string, to: string) =>
  r.findings.filter((f) => f.checkId === id && f.evidence?.from === from && f.evidence?.to === to);

/** inference (10.0.2.0/24) and data (10.0.3.0/24) in one VPC; the data subnet's ACL is the variable. */
function twoTier(dataAclOut: Omit<AwsNaclEntry, 'egress'>[]) {
  const inv = inventory();
  vpc(inv, 'vpc-1', '10.0.0.0/16');
  subnet(inv, 'inf', 'vpc-1', '10.0.2.0/24', 'inference');
  subnet(inv, 'dat', 'vpc-1', '10.0.3.0/24', 'data', [], {
    in: [{ ruleNumber: 100, protocol: '6', action: 'allow', cidr: '10.0.0.0/16', portRange: { from: 6333, to: 6333 } }],
    out: dataAclOut,
  });
  sg(inv, 'sg-inf', 'vpc-1', []);
  sg(inv, 'sg-db', 'vpc-1', [tcp(6333, 6333, ['10.0.2.0/24'])]);
  eni(inv, 'eni-inf', 'inf', '10.0.2.10', ['sg-inf']);
  eni(inv, 'eni-db', 'dat', '10.0.3.10', ['sg-db']);
  return inv;
}

describe('verify: network ACL return traffic', () => {
  it('an ACL that lets the request in but not the reply out breaks the allowed flow, naming the ACL rule', () => {
    // Outbound only to port 443: no client port (1024-65535) gets a reply.
    const r = run(
      twoTier([
        { ruleNumber: 100, protocol: '6', action: 'allow', cidr: '10.0.0.0/16', portRange: { from: 443, to: 443 } },
      ]),
    );
    const broken = findings(r, 'verify-broken-intent', 'inference', 'data');
    assert.equal(broken.length, 1);
    assert.equal(broken[0]!.resource.id, 'acl-dat');
    assert.match(broken[0]!.message, /reply \(outbound, client ports 32768-60999\) dropped/);
    assert.deepEqual(cell(r, 'inference', 'data').configurationPermits, []);
  });
  it('replies on the ephemeral ports make it work', () => {
    const r = run(
      twoTier([
        { ruleNumber: 100, protocol: '6', action: 'allow', cidr: '10.0.0.0/16', portRange: { from: 1024, to: 65535 } },
      ]),
    );
    assert.equal(findings(r, 'verify-broken-intent', 'inference', 'data').length, 0);
    assert.deepEqual(cell(r, 'inference', 'data').configurationPermits, ['tcp/6333']);
  });
  it('replies allowed only above 49152 still break a Linux client (32768-60999) but let an attacker through', () => {
    const r = run(
      twoTier([
        { ruleNumber: 100, protocol: '6', action: 'allow', cidr: '10.0.0.0/16', portRange: { from: 49152, to: 65535 } },
      ]),
    );
    assert.equal(findings(r, 'verify-broken-intent', 'inference', 'data').length, 1);
    assert.deepEqual(cell(r, 'inference', 'data').configurationPermits, ['tcp/6333']);
  });
});

describe('verify: security-group-referenced sources', () => {
  const build = (appInGroup: boolean) => {
    const inv = inventory();
    vpc(inv, 'vpc-1', '10.0.0.0/16');
    subnet(inv, 'app', 'vpc-1', '10.0.1.0/24', 'app');
    subnet(inv, 'inf', 'vpc-1', '10.0.2.0/24', 'inference');
    subnet(inv, 'dat', 'vpc-1', '10.0.3.0/24', 'data');
    sg(inv, 'sg-app', 'vpc-1', []);
    sg(inv, 'sg-inf', 'vpc-1', []);
    sg(inv, 'sg-db', 'vpc-1', [tcp(6333, 6333, [], ['sg-inf'])]);
    eni(inv, 'eni-app', 'app', '10.0.1.10', appInGroup ? ['sg-app', 'sg-inf'] : ['sg-app']);
    eni(inv, 'eni-inf', 'inf', '10.0.2.10', ['sg-inf']);
    eni(inv, 'eni-db', 'dat', '10.0.3.10', ['sg-db']);
    return inv;
  };
  it('members of the referenced group get in; others do not', () => {
    const r = run(build(false));
    assert.deepEqual(cell(r, 'inference', 'data').configurationPermits, ['tcp/6333']);
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, []);
    assert.equal(findings(r, 'verify-zone-violation', 'app', 'data').length, 0);
  });
  it('an application interface that joins the group is lateral movement, located at the referencing rule', () => {
    const r = run(build(true));
    const v = findings(r, 'verify-zone-violation', 'app', 'data');
    assert.equal(v.length, 1);
    assert.equal(v[0]!.resource.id, 'sg-db');
    assert.deepEqual(v[0]!.origin, { kind: 'file', file: 'inv.json', pointer: '/sg/sg-db/IpPermissions/0' });
    assert.match(v[0]!.message, /10\.0\.1\.10 -> 10\.0\.3\.10 tcp\/6333/);
  });
  it('a prefix-list source is unknown, never silently permitted or denied', () => {
    const inv = build(false);
    inv.securityGroups
      .find((g) => g.id === 'sg-db')!
      .ingress.push({ ...tcp(5432, 5432, [], [], ['pl-123']), pointer: '/x' });
    const r = run(inv);
    assert.deepEqual(cell(r, 'app', 'data').unknown, ['tcp/5432']);
    assert.equal(findings(r, 'verify-not-assessed', 'app', 'data').length, 1);
  });
});

describe('verify: peering is not transitive', () => {
  const build = () => {
    const inv = inventory();
    vpc(inv, 'vpc-a', '10.1.0.0/16');
    vpc(inv, 'vpc-b', '10.2.0.0/16');
    vpc(inv, 'vpc-c', '10.3.0.0/16');
    subnet(inv, 'a', 'vpc-a', '10.1.1.0/24', 'app', [
      ['10.2.0.0/16', 'pcx-ab'],
      ['10.3.0.0/16', 'pcx-ab'],
    ]);
    subnet(inv, 'b', 'vpc-b', '10.2.1.0/24', 'inference', [
      ['10.1.0.0/16', 'pcx-ab'],
      ['10.3.0.0/16', 'pcx-bc'],
    ]);
    subnet(inv, 'c', 'vpc-c', '10.3.1.0/24', 'data', [
      ['10.2.0.0/16', 'pcx-bc'],
      ['10.1.0.0/16', 'pcx-bc'],
    ]);
    sg(inv, 'sg-open-b', 'vpc-b', [all()]);
    sg(inv, 'sg-open-c', 'vpc-c', [all()]);
    sg(inv, 'sg-a', 'vpc-a', []);
    eni(inv, 'eni-a', 'a', '10.1.1.10', ['sg-a']);
    eni(inv, 'eni-b', 'b', '10.2.1.10', ['sg-open-b']);
    eni(inv, 'eni-c', 'c', '10.3.1.10', ['sg-open-c']);
    return inv;
  };
  it('A reaches its peer B but not C through B, even with routes to C pointing at the A-B peering', () => {
    const r = run(build());
    assert.deepEqual(cell(r, 'app', 'inference').configurationPermits, ['any']);
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, []);
    assert.deepEqual(cell(r, 'inference', 'data').configurationPermits, ['any']);
  });
  it('a reply needs a route back over the same peering', () => {
    const inv = build();
    inv.routeTables.find((t) => t.id === 'rtb-b')!.routes = inv.routeTables
      .find((t) => t.id === 'rtb-b')!
      .routes.filter((x) => x.destination !== '10.1.0.0/16');
    const r = run(inv);
    assert.ok(!cell(r, 'app', 'inference').configurationPermits.some((c) => c === 'any' || c.startsWith('tcp')));
  });
});

describe('verify: a NAT gateway needs an internet-gateway route in its own subnet', () => {
  const build = (natSubnetHasIgw: boolean) => {
    const inv = inventory();
    vpc(inv, 'vpc-1', '10.0.0.0/16', 'igw-1');
    subnet(inv, 'pub', 'vpc-1', '10.0.0.0/24', 'app', natSubnetHasIgw ? [['0.0.0.0/0', 'igw-1']] : []);
    subnet(inv, 'dat', 'vpc-1', '10.0.3.0/24', 'data', [['0.0.0.0/0', 'nat-1']]);
    nat(inv, 'nat-1', 'pub');
    sg(inv, 'sg-db', 'vpc-1', []);
    eni(inv, 'eni-db', 'dat', '10.0.3.10', ['sg-db']);
    return inv;
  };
  it('without it the data zone does not reach the internet', () => {
    const r = run(build(false));
    assert.deepEqual(cell(r, 'data', 'internet').configurationPermits, []);
    assert.equal(findings(r, 'verify-zone-violation', 'data', 'internet').length, 0);
  });
  it('with it the data zone reaches the internet through NAT, located at the data subnet route', () => {
    const r = run(build(true));
    const v = findings(r, 'verify-zone-violation', 'data', 'internet');
    assert.equal(v.length, 1);
    assert.equal(v[0]!.severity, 'critical');
    assert.equal(v[0]!.resource.id, 'rtb-dat');
    assert.match(JSON.stringify(v[0]!.evidence), /NAT gateway/);
  });
  it('a NAT subnet that forwards to a transit gateway (central egress) may reach the internet: cannot decide, never clean', () => {
    for (const priv of [false, true]) {
      const inv = build(false);
      const t = inv.routeTables.find((x) => x.id === 'rtb-pub')!;
      t.routes.push({
        destination: '0.0.0.0/0',
        target: { type: 'transit-gateway', id: 'tgw-egress' },
        state: 'active',
        pointer: '/rt/pub/Routes/9',
      });
      if (priv) inv.natGateways.find((n) => n.id === 'nat-1')!.connectivityType = 'private';
      const r = run(inv);
      const m = cell(r, 'data', 'internet');
      assert.deepEqual(m.configurationPermits, [], `private NAT: ${priv}`);
      assert.deepEqual(m.unknown, ['any'], `private NAT: ${priv}`);
      assert.ok(findings(r, 'verify-not-assessed', 'data', 'internet').length > 0);
    }
  });
  it('a NAT gateway still being created (pending) or deleted may forward: cannot decide, never clean', () => {
    for (const [state, unknown] of [
      ['pending', ['any']],
      ['deleting', ['any']],
      ['failed', []],
    ] as const) {
      const inv = build(true);
      inv.natGateways.find((n) => n.id === 'nat-1')!.state = state;
      const r = run(inv);
      assert.deepEqual(cell(r, 'data', 'internet').configurationPermits, [], state);
      assert.deepEqual(cell(r, 'data', 'internet').unknown, unknown, state);
    }
  });
  it('a private NAT gateway whose subnet routes to the internet gateway does not reach the internet', () => {
    const inv = build(true);
    inv.natGateways.find((n) => n.id === 'nat-1')!.connectivityType = 'private';
    const r = run(inv);
    assert.deepEqual(cell(r, 'data', 'internet').configurationPermits, []);
    assert.deepEqual(cell(r, 'data', 'internet').unknown, []);
  });
  it('a blackhole route drops what a wider route would carry', () => {
    const inv = build(true);
    inv.routeTables
      .find((t) => t.id === 'rtb-dat')!
      .routes.push({
        destination: '8.0.0.0/8',
        target: { type: 'nat-gateway', id: 'nat-gone' },
        state: 'blackhole',
        pointer: '/bh',
      });
    const r = run(inv);
    const m = r.matrix.find((x) => x.from === 'data' && x.to === 'internet')!;
    assert.deepEqual(m.configurationPermits, ['any']);
    const ev = compileAws(inv, POLICY);
    assert.ok(ev.subnets.get('dat')!.routeTable!.routes.some((x) => x.target.kind === 'drop'));
  });
});

describe('verify: an endpoint reachable by IP but not by name', () => {
  const build = (privateDns: boolean) => bedrockCaller(privateDns, 'vpce-1');
  it('the packet path works, but without private DNS the name resolves publicly: reported with the chain', () => {
    const inv = build(false);
    const model = compileAws(inv, POLICY);
    const r = verifyModel(model, POLICY, { clientPorts: [32768, 60999] });
    assert.deepEqual(cell(r, 'inference', 'external_ai').configurationPermits, ['tcp/443']);
    const dns = awsDnsFindings(inv, POLICY, model);
    assert.equal(dns.length, 1);
    assert.equal(dns[0]!.status, 'fail');
    assert.match(
      dns[0]!.message,
      /bedrock-runtime\.us-east-1\.amazonaws\.com from vpc-1 .* falls through to public DNS: vpce-1 privateDnsEnabled=false/,
    );
  });
  it('with private DNS and both VPC attributes it resolves to the endpoint', () => {
    const inv = build(true);
    assert.deepEqual(awsDnsFindings(inv, POLICY, compileAws(inv, POLICY)), []);
    inv.vpcAttributes[0]!.enableDnsHostnames = false;
    assert.match(awsDnsFindings(inv, POLICY, compileAws(inv, POLICY))[0]!.message, /enableDnsHostnames=false/);
  });
});

describe('verify: every security group that lets a violation in is named', () => {
  /** app (10.0.5.0/24) → data (10.0.3.0/24): the database interface has two groups, the variable is what each admits. */
  function twoGroups(a: string[], b: string[]) {
    const inv = inventory();
    vpc(inv, 'vpc-1', '10.0.0.0/16');
    subnet(inv, 'sbx', 'vpc-1', '10.0.5.0/24', 'app');
    subnet(inv, 'dat', 'vpc-1', '10.0.3.0/24', 'data');
    sg(inv, 'sg-sbx', 'vpc-1', []);
    sg(inv, 'sg-a', 'vpc-1', [tcp(5432, 5432, a)]);
    sg(inv, 'sg-b', 'vpc-1', [tcp(5432, 5432, b)]);
    eni(inv, 'eni-sbx', 'sbx', '10.0.5.10', ['sg-sbx']);
    eni(inv, 'eni-db', 'dat', '10.0.3.10', ['sg-a', 'sg-b']);
    return inv;
  }
  it('two groups admitting the same packets are two findings: removing either rule alone leaves the other', () => {
    const r = run(twoGroups(['10.0.5.0/24'], ['10.0.0.0/16']));
    const v = findings(r, 'verify-zone-violation', 'app', 'data');
    assert.deepEqual(v.map((f) => f.resource.id).sort(), ['sg-a', 'sg-b']);
    for (const f of v) assert.deepEqual(f.evidence?.classes, ['tcp/5432']);
    // Each witness's destination hop is a rule of the group the finding names.
    for (const f of v) {
      const hops = (f.evidence?.witness as { path: { at: string; what: string }[] }).path;
      assert.ok(
        hops.some((h) => h.what.includes(f.resource.id)),
        JSON.stringify(hops),
      );
    }
  });
  it('a group admitting only other sources is not named', () => {
    const r = run(twoGroups(['10.0.5.0/24'], ['10.0.9.0/24']));
    const v = findings(r, 'verify-zone-violation', 'app', 'data');
    assert.deepEqual(
      v.map((f) => f.resource.id),
      ['sg-a'],
    );
  });
});

describe('verify (AWS): a security group referenced by name only', () => {
  // The EC2 API's UserIdGroupPair names a default-VPC group by GroupName; the reader used to drop a pair without a
  // GroupId, so the rule admitted nothing.
  const named = (groupName: string) => ({ ...tcp(443, 443), groupRefs: [{ groupId: '', groupName }] });
  it('resolves the name in its VPC, or leaves the traffic unknown', () => {
    const inv = appToInference();
    inv.securityGroups.find((g) => g.id === 'sg-b')!.ingress = [
      { ...named('sg-a'), pointer: '/sg/sg-b/IpPermissions/0' },
    ];
    const r = verifyModel(compileAws(inv, POLICY), POLICY, { clientPorts: [32768, 60999] });
    assert.deepEqual(r.matrix.find((m) => m.from === 'app' && m.to === 'inference')!.configurationPermits, ['tcp/443']);
    const unknownName = appToInference();
    unknownName.securityGroups.find((g) => g.id === 'sg-b')!.ingress = [
      { ...named('web-servers'), pointer: '/sg/sg-b/IpPermissions/0' },
    ];
    const u = verifyModel(compileAws(unknownName, POLICY), POLICY, { clientPorts: [32768, 60999] });
    const c = u.matrix.find((m) => m.from === 'app' && m.to === 'inference')!;
    assert.deepEqual([c.configurationPermits, c.unknown], [[], ['tcp/443']]);
  });
});

describe('verify (AWS): the IPv6 default entry of a network ACL', () => {
  it('is "*" (rule 32768 in describe-network-acls), and a fix in front of it takes a number an entry may have', () => {
    const inv = inventory();
    vpc(inv, 'vpc-1', '10.0.0.0/16', 'igw-1');
    const entry = (ruleNumber: number, action: 'allow' | 'deny', v6: boolean) => ({
      ruleNumber,
      protocol: '-1',
      action,
      ...(v6 ? { ipv6Cidr: '::/0' } : { cidr: '0.0.0.0/0' }),
    });
    const list = [entry(100, 'allow', false), entry(32767, 'deny', false), entry(32768, 'deny', true)];
    subnet(inv, 'pub', 'vpc-1', '10.0.0.0/24', 'app', [], { in: list, out: list });
    const rules = compileAws(inv, POLICY).subnets.get('pub')!.outbound!.rules;
    assert.deepEqual(
      rules.map((r) => [r.ref.label, r.ref.fix?.kind === 'aws-nacl-entry' ? r.ref.fix.ruleNumber : undefined]),
      [
        ['acl-pub outbound rule 100 (allow)', 100],
        ['acl-pub outbound rule * (deny)', 32767],
        ['acl-pub outbound rule * (deny)', 32767],
      ],
    );
  });
});
