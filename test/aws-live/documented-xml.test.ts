/**
 * The EC2 responses the fake server generates are checked against the SDK by the round-trip test; this test feeds
 * the collector a DescribeVpcEndpoints response written by hand in the layout of the EC2 API reference example
 * (lowerCamel elements, <item> lists, a second page through <nextToken>), and checks that what the collector
 * writes is read back by the snapshot reader with every field the checks use.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { EC2Client } from '@aws-sdk/client-ec2';
import { collectEc2 } from '../../src/sources/aws-live/ec2.js';
import { createLimiter } from '../../src/sources/aws-live/limiter.js';
import { writeScope } from '../../src/sources/aws-live/writer.js';
import { loadAwsSnapshot } from '../../src/sources/aws-snapshot/load.js';
import { EC2_LIST_ACTIONS } from '../support/fake-aws-server.js';
import { ec2Response } from '../support/fake-aws-xml.js';
import { FAKE_CREDENTIALS, tempOut } from '../support/fake-aws-helpers.js';

const PAGE_1 = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeVpcEndpointsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>2c5f1a0e-0000-4000-8000-00000000abcd</requestId>
  <vpcEndpointSet>
    <item>
      <vpcEndpointId>vpce-0gw11111</vpcEndpointId>
      <vpcEndpointType>Gateway</vpcEndpointType>
      <vpcId>vpc-0abc1234</vpcId>
      <serviceName>com.amazonaws.us-east-1.s3</serviceName>
      <state>available</state>
      <policyDocument>{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}</policyDocument>
      <routeTableIdSet><item>rtb-0aaa1111</item></routeTableIdSet>
      <subnetIdSet/>
      <groupSet/>
      <privateDnsEnabled>false</privateDnsEnabled>
      <requesterManaged>false</requesterManaged>
      <networkInterfaceIdSet/>
      <dnsEntrySet/>
      <creationTimestamp>2024-02-01T10:00:00.000Z</creationTimestamp>
      <tagSet><item><key>Name</key><value>s3-gateway</value></item></tagSet>
      <ownerId>123456789012</ownerId>
    </item>
  </vpcEndpointSet>
  <nextToken>page-2</nextToken>
</DescribeVpcEndpointsResponse>`;

const PAGE_2 = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeVpcEndpointsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
  <requestId>2c5f1a0e-0000-4000-8000-00000000abce</requestId>
  <vpcEndpointSet>
    <item>
      <vpcEndpointId>vpce-0if22222</vpcEndpointId>
      <vpcEndpointType>Interface</vpcEndpointType>
      <vpcId>vpc-0abc1234</vpcId>
      <serviceName>com.amazonaws.us-east-1.bedrock-runtime</serviceName>
      <state>available</state>
      <policyDocument>{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"bedrock:InvokeModel","Resource":"*"}]}</policyDocument>
      <routeTableIdSet/>
      <subnetIdSet><item>subnet-0aaa1111</item><item>subnet-0bbb2222</item></subnetIdSet>
      <groupSet><item><groupName>endpoints</groupName><groupId>sg-0ccc3333</groupId></item></groupSet>
      <privateDnsEnabled>true</privateDnsEnabled>
      <requesterManaged>false</requesterManaged>
      <networkInterfaceIdSet><item>eni-0ddd4444</item><item>eni-0eee5555</item></networkInterfaceIdSet>
      <dnsEntrySet>
        <item><dnsName>vpce-0if22222-abcd.bedrock-runtime.us-east-1.vpce.amazonaws.com</dnsName><hostedZoneId>Z7HUB22UULQXV</hostedZoneId></item>
      </dnsEntrySet>
      <creationTimestamp>2024-02-01T10:05:00.000Z</creationTimestamp>
      <tagSet/>
      <ownerId>123456789012</ownerId>
    </item>
  </vpcEndpointSet>
</DescribeVpcEndpointsResponse>`;

describe('a DescribeVpcEndpoints response in the documented layout', () => {
  it('is collected over both pages and read back with every field', async () => {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        const action = form.get('Action') ?? '';
        res.writeHead(200, { 'content-type': 'text/xml' });
        if (action === 'DescribeVpcEndpoints') res.end(form.get('NextToken') === 'page-2' ? PAGE_2 : PAGE_1);
        else res.end(ec2Response(action, { [EC2_LIST_ACTIONS[action] ?? 'Unknown']: [] }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const out = tempOut();
    try {
      const client = new EC2Client({ region: 'us-east-1', endpoint, credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
      const outcomes = await collectEc2(client, createLimiter(2));
      assert.deepEqual(
        outcomes.filter((o) => o.unavailable),
        [],
      );
      await writeScope(out, { account: '123456789012', region: 'us-east-1', dir: '123456789012/us-east-1', outcomes });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const loaded = await loadAwsSnapshot(out);
    assert.deepEqual(loaded.errors, []);
    const eps = loaded.inventory.vpcEndpoints.map(({ origin: _o, ...e }) => e);
    assert.deepEqual(eps, [
      {
        id: 'vpce-0gw11111',
        vpcId: 'vpc-0abc1234',
        serviceName: 'com.amazonaws.us-east-1.s3',
        service: 's3',
        type: 'Gateway',
        state: 'available',
        privateDnsEnabled: false,
        policy: { Version: '2008-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' }] },
        subnetIds: [],
        groupIds: [],
        routeTableIds: ['rtb-0aaa1111'],
        networkInterfaceIds: [],
        tags: { Name: 's3-gateway' },
        account: '123456789012',
        region: 'us-east-1',
      },
      {
        id: 'vpce-0if22222',
        vpcId: 'vpc-0abc1234',
        serviceName: 'com.amazonaws.us-east-1.bedrock-runtime',
        service: 'bedrock-runtime',
        type: 'Interface',
        state: 'available',
        privateDnsEnabled: true,
        policy: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 'bedrock:InvokeModel', Resource: '*' }],
        },
        subnetIds: ['subnet-0aaa1111', 'subnet-0bbb2222'],
        groupIds: ['sg-0ccc3333'],
        routeTableIds: [],
        networkInterfaceIds: ['eni-0ddd4444', 'eni-0eee5555'],
        tags: {},
        account: '123456789012',
        region: 'us-east-1',
      },
    ]);
    // Empty describe outputs are data: the region has no VPCs, subnets … (and so no VPC attributes to read).
    assert.ok(loaded.inventory.datasets.get('123456789012/us-east-1')?.has('ec2:vpc-attributes'));
  });
});
