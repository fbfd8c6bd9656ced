/**
 * The providers' API references write public addresses with the documentation blocks (RFC 5737 203.0.113.0/24,
 * 198.51.100.0/24, 192.0.2.0/24; RFC 3849 2001:db8::/32): EC2's examples admit "CidrIp": "203.0.113.0/24" on SSH,
 * Google's firewall examples take sources from them. cordon took them out of the internet as special-purpose space,
 * so a rule admitting them was never asked about: an instance open to them passed. They stand for the internet now.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileAws } from '../../src/verify/aws.js';
import { verifyModel, VERIFY_CHECKS } from '../../src/verify/questions.js';
import { firewall } from '../support/gcp-build.js';
import { cell as gcpCell, gcpWorld, route, runGcp, violations as gcpViolations } from './gcp-helpers.js';
import { eni, inventory, POLICY, sg, subnet, tcp, vpc } from './helpers.js';

const ipv6 = (cidr: string) => ({ ...tcp(22, 22), ipv6Ranges: [{ cidr }] });

function awsWorld(rule: ReturnType<typeof tcp>) {
  const inv = inventory();
  vpc(inv, 'vpc-1', '10.0.0.0/16', 'igw-1');
  subnet(inv, 'pub', 'vpc-1', '10.0.0.0/24', 'app', [
    ['0.0.0.0/0', 'igw-1'],
    ['::/0', 'igw-1'],
  ]);
  sg(inv, 'sg-web', 'vpc-1', [rule]);
  eni(inv, 'eni-web', 'pub', '10.0.0.10', ['sg-web'], { publicIps: ['198.51.100.7'] });
  return verifyModel(compileAws(inv, POLICY), POLICY, { clientPorts: [32768, 60999] });
}
const awsCell = (r: ReturnType<typeof awsWorld>) => r.matrix.find((m) => m.from === 'internet' && m.to === 'app')!;
const awsViolations = (r: ReturnType<typeof awsWorld>) =>
  r.findings.filter(
    (f) => f.checkId === VERIFY_CHECKS.violation.id && f.evidence?.from === 'internet' && f.evidence?.to === 'app',
  );

describe('verify: documentation address ranges are internet addresses', () => {
  it('AWS: a security group admitting 203.0.113.0/24 on SSH opens the instance to the internet', () => {
    for (const range of ['203.0.113.0/24', '198.51.100.0/24', '192.0.2.0/24']) {
      const r = awsWorld(tcp(22, 22, [range]));
      assert.deepEqual(awsCell(r).configurationPermits, ['tcp/22'], range);
      assert.equal(awsViolations(r).length, 1, range);
    }
    // A private range stays out of the internet.
    assert.deepEqual(awsCell(awsWorld(tcp(22, 22, ['192.168.0.0/16']))).configurationPermits, []);
  });

  it('AWS: an IPv6 rule naming 2001:db8::/32 reaches an IPv6 instance from the internet', () => {
    const inv = inventory();
    vpc(inv, 'vpc-1', '10.0.0.0/16', 'igw-1');
    const open = [
      { ruleNumber: 100, protocol: '-1', action: 'allow' as const, cidr: '0.0.0.0/0' },
      { ruleNumber: 101, protocol: '-1', action: 'allow' as const, ipv6Cidr: '::/0' },
    ];
    subnet(inv, 'pub', 'vpc-1', '10.0.0.0/24', 'app', [['::/0', 'igw-1']], { in: open, out: open });
    sg(inv, 'sg-web', 'vpc-1', [ipv6('2001:db8::/32')]);
    eni(inv, 'eni-web', 'pub', '10.0.0.10', ['sg-web']);
    inv.networkInterfaces[0]!.ipv6Ips = ['2600:1f18:aaaa:bb00::10'];
    const r = verifyModel(compileAws(inv, POLICY), POLICY, { clientPorts: [32768, 60999] });
    assert.deepEqual(awsCell(r).configurationPermits, ['tcp/22']);
  });

  it('Google Cloud: a firewall rule from 203.0.113.0/24 opens an instance with an external address', () => {
    const rule = (range: string) =>
      firewall('allow-office-ssh', {
        direction: 'INGRESS',
        sourceRanges: [range],
        allowed: [{ protocol: 'tcp', ports: ['22'] }],
      });
    const world = (range: string) =>
      runGcp(
        gcpWorld({ firewalls: [rule(range)], routes: [route('default-internet', '0.0.0.0/0')] }, { externalDb: true }),
      );
    assert.equal(gcpViolations(world('203.0.113.0/24'), 'internet', 'data').length, 1);
    assert.deepEqual(gcpCell(world('192.168.0.0/16'), 'internet', 'data').configurationPermits, []);
  });
});
