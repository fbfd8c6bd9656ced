/**
 * The snapshot reader on the routing data sets whose second outputs name no item (prefix-list entries, transit
 * gateway associations and routes): they are merged into their item; a missing or truncated one stays visible.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadAwsSnapshotFromTexts } from '../../src/sources/aws-snapshot/load.js';
import type { InputError } from '../../src/util/errors.js';

const DIR = 'test/fixtures/aws-live/snapshot/111111111111/us-east-1';
const fixture = (name: string) => ({ name: `s/${name}`, text: readFileSync(path.join(DIR, name), 'utf8') });
const manifest = {
  name: 's/cordon-manifest.json',
  text: JSON.stringify({ cordonSnapshot: 1, provider: 'aws', account: '111111111111', region: 'us-east-1' }),
};

describe('AWS snapshot reader: prefix lists and transit gateways', () => {
  it('merges entries, associations and routes into their items, and marks the data sets', () => {
    const r = loadAwsSnapshotFromTexts([
      manifest,
      fixture('describe-managed-prefix-lists.json'),
      fixture('get-managed-prefix-list-entries.json'),
      fixture('describe-transit-gateway-vpc-attachments.json'),
      fixture('describe-transit-gateway-route-tables.json'),
      fixture('get-transit-gateway-route-table-associations.json'),
      fixture('search-transit-gateway-routes.json'),
    ]);
    assert.deepEqual(r.errors, []);
    const inv = r.inventory;
    const corp = inv.managedPrefixLists.find((l) => l.id === 'pl-0a11corp')!;
    assert.deepEqual(corp.cidrs, ['192.168.10.0/24', '192.168.20.0/24']);
    assert.equal(inv.managedPrefixLists.find((l) => l.id === 'pl-63a5400a')!.ownerId, 'AWS');
    const att = inv.transitGatewayAttachments[0]!;
    assert.deepEqual(
      [att.id, att.transitGatewayId, att.vpcId, att.subnetIds, att.applianceModeSupport],
      ['tgw-attach-0a11', 'tgw-0a11', 'vpc-0a11', ['subnet-0a11a'], false],
    );
    const t = inv.transitGatewayRouteTables[0]!;
    assert.deepEqual(
      t.associations?.map((a) => a.attachmentId),
      ['tgw-attach-0a11'],
    );
    assert.deepEqual(
      t.routes?.map((x) => [x.destination, x.state, x.attachments.map((a) => a.id)]),
      [
        ['10.1.0.0/16', 'active', ['tgw-attach-0a11']],
        ['10.99.0.0/16', 'blackhole', []],
      ],
    );
    assert.equal(t.routes?.[1]?.origin.kind === 'file' && t.routes[1].origin.pointer, '/0/Routes/1');
    const sets = inv.datasets.get('111111111111/us-east-1')!;
    for (const d of [
      'ec2:managed-prefix-lists',
      'ec2:transit-gateway-vpc-attachments',
      'ec2:transit-gateway-route-tables',
    ] as const)
      assert.ok(sets.has(d), d);
  });

  it('leaves entries and routes undefined when their outputs are missing, and says when routes were cut short', () => {
    const r = loadAwsSnapshotFromTexts([
      manifest,
      fixture('describe-managed-prefix-lists.json'),
      fixture('describe-transit-gateway-route-tables.json'),
      {
        name: 's/routes.json',
        text: JSON.stringify({
          TransitGatewayRouteTableId: 'tgw-rtb-0a11',
          Routes: [],
          AdditionalRoutesAvailable: true,
        }),
      },
    ]);
    assert.deepEqual(r.errors, []);
    assert.equal(r.inventory.managedPrefixLists[0]!.cidrs, undefined);
    const t = r.inventory.transitGatewayRouteTables[0]!;
    assert.equal(t.associations, undefined);
    assert.equal(t.routesTruncated, true);
  });

  it('reads describe-prefix-lists (AWS-managed lists with their CIDRs) and reports a bad entry with its position', () => {
    const r = loadAwsSnapshotFromTexts([
      manifest,
      {
        name: 's/pl.json',
        text: JSON.stringify({
          PrefixLists: [{ PrefixListId: 'pl-1', PrefixListName: 'com.amazonaws.us-east-1.s3', Cidrs: ['3.5.0.0/19'] }],
        }),
      },
      { name: 's/bad.json', text: JSON.stringify({ PrefixListId: 'pl-2', Entries: [{ Description: 'no cidr' }] }) },
    ]);
    assert.deepEqual(r.inventory.managedPrefixLists[0]!.cidrs, ['3.5.0.0/19']);
    assert.equal(r.errors.length, 1);
    const e = r.errors[0] as InputError;
    assert.deepEqual(
      [e.file, e.position.pointer, e.message],
      ['s/bad.json', '/Entries/0', 'missing required field Cidr; item skipped'],
    );
    assert.ok(r.inventory.partial.get('111111111111/us-east-1')?.has('ec2:managed-prefix-lists'));
  });

  it('reads hosted zones per VPC and record sets: names lower case without the trailing dot, wildcards unescaped', () => {
    const r = loadAwsSnapshotFromTexts([
      manifest,
      {
        name: 's/phz.json',
        text: JSON.stringify([
          {
            VpcId: 'vpc-1',
            HostedZoneSummaries: [
              {
                HostedZoneId: 'Z0ABC',
                Name: 'Bedrock-Runtime.us-east-1.amazonaws.com.',
                Owner: { OwningAccount: '111111111111' },
              },
            ],
          },
        ]),
      },
      {
        name: 's/rr.json',
        text: JSON.stringify({
          HostedZoneId: '/hostedzone/Z0ABC',
          ResourceRecordSets: [
            {
              Name: '\\052.bedrock-runtime.us-east-1.amazonaws.com.',
              Type: 'A',
              AliasTarget: {
                HostedZoneId: 'Z7',
                DNSName: 'vpce-0a-b.bedrock-runtime.us-east-1.vpce.amazonaws.com.',
                EvaluateTargetHealth: false,
              },
            },
            {
              Name: 'bedrock-runtime.us-east-1.amazonaws.com.',
              Type: 'A',
              TTL: 60,
              ResourceRecords: [{ Value: '10.0.2.20' }],
            },
          ],
        }),
      },
    ]);
    assert.deepEqual(r.errors, []);
    const inv = r.inventory;
    assert.deepEqual(inv.hostedZoneAssociations[0]!.zones, [
      { id: 'Z0ABC', name: 'bedrock-runtime.us-east-1.amazonaws.com', owner: '111111111111' },
    ]);
    assert.equal(inv.hostedZoneRecords[0]!.zoneId, 'Z0ABC');
    assert.deepEqual(
      inv.hostedZoneRecords[0]!.records.map((x) => [x.name, x.type, x.values, x.aliasTarget]),
      [
        [
          '*.bedrock-runtime.us-east-1.amazonaws.com',
          'A',
          [],
          'vpce-0a-b.bedrock-runtime.us-east-1.vpce.amazonaws.com',
        ],
        ['bedrock-runtime.us-east-1.amazonaws.com', 'A', ['10.0.2.20'], undefined],
      ],
    );
    const sets = inv.datasets.get('111111111111/us-east-1')!;
    assert.ok(sets.has('route53:hosted-zones-by-vpc') && sets.has('route53:record-sets'));
  });
});
