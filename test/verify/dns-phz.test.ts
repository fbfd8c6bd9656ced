/**
 * Route 53 private hosted zones in name resolution: a zone associated with the calling VPC for the service name (or
 * a parent domain) decides how the name resolves; each case has a configuration that trips it and one that does not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileAws } from '../../src/verify/aws.js';
import { awsDnsFindings } from '../../src/verify/dns-aws.js';
import type { AwsInventory, AwsResourceRecord } from '../../src/inventory/aws.js';
import { bedrockCaller, POLICY } from './helpers.js';

const scope = { account: '111111111111', region: 'us-east-1' };
const NAME = 'bedrock-runtime.us-east-1.amazonaws.com';

const build = (privateDns: boolean) => bedrockCaller(privateDns);

function associate(inv: AwsInventory, zone: string, records: Omit<AwsResourceRecord, 'pointer'>[] | undefined): void {
  inv.hostedZoneAssociations[0]!.zones.push({ id: 'Z1', name: zone });
  if (records)
    inv.hostedZoneRecords.push({
      ...scope,
      origin: { kind: 'file', file: 'rr.json' },
      zoneId: 'Z1',
      records: records.map((r, i) => ({ ...r, pointer: `/ResourceRecordSets/${i}` })),
    });
}

const dns = (inv: AwsInventory) => awsDnsFindings(inv, POLICY, compileAws(inv, POLICY));

describe('verify: private hosted zones decide name resolution', () => {
  it('a zone for the name with an alias to the endpoint resolves privately even without the endpoint’s private DNS', () => {
    const inv = build(false);
    associate(inv, NAME, [
      {
        name: NAME,
        type: 'A',
        values: [],
        aliasTarget: `vpce-0abc-1x2y3z.${NAME.replace('.amazonaws.com', '')}.vpce.amazonaws.com`,
      },
    ]);
    assert.deepEqual(dns(inv), []);
  });

  it('A records with the endpoint’s addresses resolve to it; any other address resolves wrongly, with the chain', () => {
    const ok = build(false);
    associate(ok, NAME, [{ name: NAME, type: 'A', values: ['10.0.2.20'] }]);
    assert.deepEqual(dns(ok), []);
    const wrong = build(true);
    associate(wrong, NAME, [{ name: NAME, type: 'A', values: ['10.9.9.9'] }]);
    const f = dns(wrong);
    assert.equal(f.length, 1);
    assert.equal(f[0]!.status, 'fail');
    assert.match(
      f[0]!.message,
      /resolves wrongly through private hosted zone bedrock-runtime\.us-east-1\.amazonaws\.com \(Z1\)/,
    );
    assert.match(f[0]!.message, /10\.9\.9\.9 is not an address of a bedrock-runtime endpoint/);
  });

  it('a zone for a parent domain without the record shadows the name: NXDOMAIN, even though the endpoint exists', () => {
    const inv = build(false);
    associate(inv, 'us-east-1.amazonaws.com', [
      { name: 'sts.us-east-1.amazonaws.com', type: 'CNAME', values: ['x.example'] },
    ]);
    const f = dns(inv);
    assert.equal(f[0]!.status, 'fail');
    assert.match(
      f[0]!.message,
      /has no record for bedrock-runtime\.us-east-1\.amazonaws\.com: Resolver answers NXDOMAIN/,
    );
  });

  it('a parent-domain zone yields to the endpoint’s private DNS, which is more specific', () => {
    const inv = build(true);
    associate(inv, 'us-east-1.amazonaws.com', []);
    assert.deepEqual(dns(inv), []);
  });

  it('a CNAME to something that is not the service’s endpoint resolves wrongly', () => {
    const inv = build(true);
    associate(inv, NAME, [{ name: NAME, type: 'CNAME', values: ['proxy.corp.example.'] }]);
    assert.match(dns(inv)[0]!.message, /CNAME -> proxy\.corp\.example: not a bedrock-runtime endpoint/);
  });

  it('hosted zones or their records not collected: not assessed, never a pass', () => {
    const noAssoc = build(true);
    noAssoc.hostedZoneAssociations = [];
    const a = dns(noAssoc);
    assert.equal(a[0]!.status, 'not-assessed');
    assert.match(a[0]!.message, /private hosted zones associated with vpc-1 not collected/);
    const noRecords = build(true);
    associate(noRecords, NAME, undefined);
    assert.match(
      dns(noRecords)[0]!.message,
      /records of bedrock-runtime\.us-east-1\.amazonaws\.com \(Z1\) not collected/,
    );
  });

  it('associations or records only partly read (a skipped item): not assessed with the reason, never judged on the rest', () => {
    const skipped = { file: 'phz.json', line: 3, pointer: '/0', reason: 'missing required field VpcId; item skipped' };
    const zones = build(true);
    zones.partial.set('111111111111/us-east-1', new Map([['route53:hosted-zones-by-vpc', [skipped]]]));
    const z = dns(zones);
    assert.equal(z[0]!.status, 'not-assessed');
    assert.match(
      z[0]!.message,
      /private hosted zones associated with vpc-1 not completely read \(route53:hosted-zones-by-vpc: phz\.json:3 \/0: missing required field VpcId/,
    );
    const records = build(false);
    associate(records, NAME, [{ name: NAME, type: 'A', values: ['10.0.2.20'] }]);
    assert.deepEqual(dns(records), [], 'complete records: the A record resolves to the endpoint');
    records.partial.set('111111111111/us-east-1', new Map([['route53:record-sets', [skipped]]]));
    assert.equal(dns(records)[0]!.status, 'not-assessed');
  });
});
