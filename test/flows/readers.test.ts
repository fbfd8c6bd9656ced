/** Every reader on records shaped exactly like the provider documentation's examples. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readAwsText } from '../../src/flows/readers/aws-text.js';
import { readAzure } from '../../src/flows/readers/azure.js';
import { readGcp } from '../../src/flows/readers/gcp.js';
import { readDnsFile } from '../../src/flows/readers/dns.js';
import type { DnsQuery, ReaderSink } from '../../src/flows/readers/sink.js';
import { ipv4ToString } from '../../src/flows/ip.js';
import {
  ACTION_ACCEPT,
  ACTION_REJECT,
  DIR_EGRESS,
  DIR_INGRESS,
  FlowBatch,
  Interner,
  SRC_V6,
  STATUS_NODATA,
  STATUS_SKIPDATA,
  SVC_GATEWAY_ENDPOINT,
} from '../../src/flows/record.js';
import { readHead, sniffFormat } from '../../src/flows/input.js';
import { FIXTURES, tempDir } from './helpers.js';

interface Row {
  resource: string;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  proto: number;
  bytes: number;
  start: number;
  end: number;
  action: number;
  status: number;
  dir: number;
  service: number;
  reply: number;
  line: number;
  raw: string;
  iface: string;
}

function collector(interner: Interner) {
  const rows: Row[] = [];
  const dns: DnsQuery[] = [];
  const bad: { line: number; message: string }[] = [];
  const sink: ReaderSink = {
    flush(b: FlowBatch) {
      for (let i = 0; i < b.n; i++) {
        rows.push({
          src: b.family[i]! & SRC_V6 ? b.srcV6[i]! : ipv4ToString(b.src[i]!),
          dst: b.family[i]! & 2 ? b.dstV6[i]! : ipv4ToString(b.dst[i]!),
          sport: b.srcPort[i]!,
          dport: b.dstPort[i]!,
          proto: b.proto[i]!,
          bytes: b.bytes[i]!,
          start: b.start[i]!,
          end: b.end[i]!,
          action: b.action[i]!,
          status: b.status[i]!,
          dir: b.dir[i]!,
          service: b.service[i]!,
          reply: b.reply[i]!,
          line: b.line[i]!,
          raw: b.source.rawLine(b, i),
          iface: b.iface[i]! >= 0 ? interner.names[b.iface[i]!]! : '',
          resource: b.source.describe(b, i).resource,
        });
      }
    },
    dns: (q) => dns.push(q),
    malformed: (_f, line, message) => bad.push({ line, message }),
  };
  return { rows, dns, bad, sink };
}

async function readAws(file: string, logFormat?: string) {
  const interner = new Interner();
  const c = collector(interner);
  const r = await readAwsText(
    file,
    file.endsWith('.gz'),
    logFormat ? { logFormat } : {},
    new FlowBatch(),
    c.sink,
    interner,
  );
  return { ...c, ...r };
}

test('AWS default format: the documentation examples (accept, reject, NODATA, SKIPDATA, ICMP, IPv6)', async () => {
  const r = await readAws(path.join(FIXTURES, 'aws-v2-doc.log'));
  assert.equal(r.bad.length, 0);
  assert.equal(r.records, 7);
  assert.deepEqual(
    r.rows.map((x) => [x.src, x.dst, x.dport, x.action, x.status]),
    [
      ['172.31.16.139', '172.31.16.21', 22, ACTION_ACCEPT, 0],
      ['172.31.9.69', '172.31.9.12', 3389, ACTION_REJECT, 0],
      ['0.0.0.0', '0.0.0.0', -1, 0, STATUS_NODATA],
      ['0.0.0.0', '0.0.0.0', -1, 0, STATUS_SKIPDATA],
      ['203.0.113.12', '172.31.16.139', 0, ACTION_ACCEPT, 0],
      ['172.31.16.139', '203.0.113.12', 0, ACTION_REJECT, 0],
      ['2001:db8:1234:a100:8d6e:3477:df66:f105', '2001:db8:1234:a102:3304:8879:34cf:4071', 22, ACTION_ACCEPT, 0],
    ],
  );
  assert.equal(r.rows[0]!.bytes, 4249);
  assert.equal(r.rows[0]!.start, 1418530010);
  assert.equal(r.rows[4]!.proto, 1);
  assert.equal(r.rows[3]!.iface, 'eni-11111111aaaaaaaaa');
  assert.equal(r.rows[1]!.line, 2);
  assert.equal(r.rows[1]!.raw, readFileSync(path.join(FIXTURES, 'aws-v2-doc.log'), 'utf8').split('\n')[1]);
});

test('AWS custom format from the S3 header: pkt-srcaddr/pkt-dstaddr win, flow-direction, gateway endpoint path', async () => {
  const r = await readAws(path.join(FIXTURES, 'aws-v5-header.log'));
  assert.equal(r.bad.length, 0);
  assert.equal(r.format, 'aws-vpc');
  // Row 1: data host to S3 through the gateway endpoint (traffic-path 7).
  assert.equal(r.rows[0]!.dst, '52.94.133.131');
  assert.equal(r.rows[0]!.service, SVC_GATEWAY_ENDPOINT);
  assert.equal(r.rows[0]!.dir, DIR_EGRESS);
  // Row 2: an ENI behind a load balancer: the original client address is the source.
  assert.equal(r.rows[1]!.src, '198.51.100.77');
  assert.equal(r.rows[1]!.dir, DIR_INGRESS);
  assert.equal(r.rows[1]!.line, 3);
});

test('AWS CloudWatch export: columns from --log-format, millisecond timestamps', async () => {
  const fmt =
    '${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${bytes} ${start} ${end} ${action} ${log-status} ${interface-id} ${flow-direction}';
  const r = await readAws(path.join(FIXTURES, 'aws-cloudwatch-custom.log'), fmt);
  assert.equal(r.bad.length, 0);
  assert.equal(r.rows.length, 2);
  assert.equal(r.rows[0]!.start, 1700000100);
  assert.equal(r.rows[0]!.bytes, 1200000);
  assert.equal(r.rows[1]!.action, ACTION_REJECT);
  assert.equal(r.rows[0]!.iface, 'eni-0c0c0c0c0c0c0c0c0');
  // Without the format the 12-field lines are not guessed.
  const { head } = await readHead(path.join(FIXTURES, 'aws-cloudwatch-custom.log'));
  assert.equal(sniffFormat(head, false).format, 'unknown');
  assert.equal(sniffFormat(head, false, fmt).format, 'aws-vpc');
});

test('AWS Transit Gateway default format (all v2-v6 fields, no action)', async () => {
  const file = path.join(FIXTURES, 'aws-tgw-default.log');
  const { head } = await readHead(file);
  assert.equal(sniffFormat(head, false).format, 'aws-tgw');
  const r = await readAws(file);
  assert.equal(r.bad.length, 0);
  assert.equal(r.format, 'aws-tgw');
  assert.deepEqual(
    [r.rows[0]!.src, r.rows[0]!.dst, r.rows[0]!.dport, r.rows[0]!.action],
    ['10.0.5.7', '10.0.3.12', 5432, 0],
  );
  // The attachment is the resource in evidence; it is not an interface whose log intervals are tracked.
  assert.equal(r.rows[0]!.resource, 'tgw-attach-0a1b2c3d4e5f6g7h8');
  assert.equal(r.rows[0]!.iface, '');
});

test('AWS records are described with the layout they were read with: a header switch mid-file, TGW lines in a VPC export', async () => {
  const t = tempDir({
    'switch.log': [
      'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
      '2 111122223333 eni-0aaa 10.0.3.7 203.0.113.9 40000 443 6 1 90 1763769600 1763769660 ACCEPT OK',
      'version srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status account-id interface-id',
      '2 10.0.3.8 203.0.113.9 40000 443 6 1 90 1763769600 1763769660 ACCEPT OK 444455556666 eni-0bbb',
      '',
    ].join('\n'),
    'mixed.log': [
      '2 111122223333 eni-0aaa 10.0.3.7 203.0.113.9 40000 443 6 1 90 1763769600 1763769660 ACCEPT OK',
      readFileSync(path.join(FIXTURES, 'aws-tgw-default.log'), 'utf8')
        .split('\n')
        .find((l) => / TransitGateway /.test(l))!,
      '',
    ].join('\n'),
  });
  try {
    const s = await readAws(path.join(t.dir, 'switch.log'));
    assert.deepEqual(s.bad, []);
    assert.deepEqual(
      s.rows.map((x) => [x.line, x.resource, x.iface]),
      [
        [2, 'eni-0aaa', 'eni-0aaa'],
        [4, 'eni-0bbb', 'eni-0bbb'],
      ],
    );
    const m = await readAws(path.join(t.dir, 'mixed.log'));
    assert.deepEqual(m.bad, []);
    assert.deepEqual(
      m.rows.map((x) => [x.line, x.resource, x.iface]),
      [
        [1, 'eni-0aaa', 'eni-0aaa'],
        [2, 'tgw-attach-0a1b2c3d4e5f6g7h8', ''],
      ],
    );
  } finally {
    t.cleanup();
  }
});

test('AWS gzip input gives the same rows as plain', async () => {
  const text = readFileSync(path.join(FIXTURES, 'aws-v2-doc.log'), 'utf8');
  const t = tempDir({ 'x.log.gz': text }, ['x.log.gz']);
  try {
    const r = await readAws(path.join(t.dir, 'x.log.gz'));
    const plain = await readAws(path.join(FIXTURES, 'aws-v2-doc.log'));
    assert.deepEqual(r.rows, plain.rows);
  } finally {
    t.cleanup();
  }
});

test('AWS malformed lines are counted with their line and the rest is read', async () => {
  const t = tempDir({
    'bad.log': [
      '2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 1418530070 ACCEPT OK',
      '2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 1418530070 ACCEPT',
      '2 123456789010 eni-1 10.0.0.999 10.0.0.2 1 2 6 1 1 1418530010 1418530070 ACCEPT OK',
      '2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 99999 6 1 1 1418530010 1418530070 ACCEPT OK',
      '2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 1418530070 MAYBE OK',
      '2 123456789010 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1418530010 1418530070 ACCEPT OK',
    ].join('\n'),
  });
  try {
    const r = await readAws(path.join(t.dir, 'bad.log'));
    assert.equal(r.records, 2);
    assert.deepEqual(
      r.bad.map((b) => b.line),
      [2, 3, 4, 5],
    );
    assert.match(r.bad[0]!.message, /fewer fields/);
    assert.match(r.bad[1]!.message, /not an IP/);
    assert.match(r.bad[2]!.message, /port out of range/);
    assert.match(r.bad[3]!.message, /action/);
  } finally {
    t.cleanup();
  }
});

test('Azure NSG flow log version 2 (documentation example): decisions, T/U protocols, both directions', async () => {
  const interner = new Interner();
  const c = collector(interner);
  const r = await readAzure(path.join(FIXTURES, 'azure-nsg-v2-doc.json'), false, new FlowBatch(), c.sink, interner);
  assert.equal(c.bad.length, 0);
  assert.equal(r.format, 'azure-nsg');
  // 7 tuples; the 3 "E"/"C" outbound tuples with received counters add a reply row each.
  assert.equal(r.records, 10);
  const first = c.rows[0]!;
  assert.deepEqual(
    [first.src, first.dst, first.dport, first.proto, first.action, first.dir],
    ['94.102.49.190', '10.5.16.4', 443, 17, ACTION_REJECT, DIR_INGRESS],
  );
  const cont = c.rows.find((x) => x.raw.startsWith('1542110379,10.5.16.4,13.67.143.115'))!;
  assert.equal(cont.bytes, 16978);
  const reply = c.rows.find((x) => x.src === '13.67.143.115')!;
  assert.deepEqual([reply.bytes, reply.reply, reply.dport, reply.sport], [14008, 1, 44931, 443]);
  assert.equal(first.start, 1542110402);
});

test('Azure VNet flow log (documentation example, pretty-printed): millisecond times, state D is a deny, tuple lines', async () => {
  const interner = new Interner();
  const c = collector(interner);
  const r = await readAzure(path.join(FIXTURES, 'azure-vnet-doc.json'), false, new FlowBatch(), c.sink, interner);
  assert.equal(c.bad.length, 0);
  assert.equal(r.format, 'azure-vnet');
  const b = c.rows[0]!;
  assert.equal(b.start, 1663146003.599);
  assert.equal(b.action, ACTION_ACCEPT);
  const denied = c.rows.find((x) => x.src === '101.33.218.153')!;
  assert.equal(denied.action, ACTION_REJECT);
  const text = readFileSync(path.join(FIXTURES, 'azure-vnet-doc.json'), 'utf8').split('\n');
  assert.ok(text[denied.line - 1]!.includes('101.33.218.153'), 'the line number points at the tuple');
  assert.equal(interner.names[0], '112233445566');
});

test('GCP VPC Flow Logs: string int64 counters, RFC 3339 times, the DEST copy of a VM-to-VM flow is skipped only when SRC also reports', async () => {
  const interner = new Interner();
  const c = collector(interner);
  const r = await readGcp(path.join(FIXTURES, 'gcp-vpc-doc.jsonl'), false, new FlowBatch(), c.sink, interner);
  assert.equal(c.bad.length, 0);
  assert.equal(r.records, 2);
  assert.deepEqual(
    [c.rows[0]!.src, c.rows[0]!.dst, c.rows[0]!.dport, c.rows[0]!.bytes, c.rows[0]!.action],
    ['35.235.241.20', '10.128.0.22', 22, 1776, 0],
  );
  assert.equal(c.rows[0]!.start, Date.parse('2024-01-10T12:00:00.001Z') / 1000);
  assert.equal(c.rows[1]!.dir, DIR_EGRESS);
});

function gcpReport(
  reporter: 'SRC' | 'DEST',
  src: [ip: string, vm: string, subnet: string],
  dst: [ip: string, vm: string, subnet: string],
  port: number,
): string {
  const vm = (v: string) => ({ project_id: 'ai-prj', region: 'us-central1', vm_name: v, zone: 'us-central1-a' });
  const vpc = (s: string) => ({ project_id: 'ai-prj', subnetwork_name: s, vpc_name: 'ai-vpc' });
  return JSON.stringify({
    jsonPayload: {
      bytes_sent: '5200',
      connection: { dest_ip: dst[0], dest_port: port, protocol: 6, src_ip: src[0], src_port: 41000 },
      src_instance: vm(src[1]),
      src_vpc: vpc(src[2]),
      dest_instance: vm(dst[1]),
      dest_vpc: vpc(dst[2]),
      start_time: '2025-11-22T00:00:00.101234567Z',
      end_time: '2025-11-22T00:00:05.512345678Z',
      packets_sent: '40',
      reporter,
    },
    logName: 'projects/ai-prj/logs/compute.googleapis.com%2Fvpc_flows',
    resource: {
      labels: {
        location: 'us-central1-a',
        project_id: 'ai-prj',
        subnetwork_id: '1',
        subnetwork_name: reporter === 'SRC' ? src[2] : dst[2],
      },
      type: 'gce_subnetwork',
    },
    timestamp: '2025-11-22T00:00:10Z',
  });
}

const SANDBOX: [string, string, string] = ['10.0.5.9', 'runner', 'sandbox'];
const DATA: [string, string, string] = ['10.0.3.7', 'qdrant-0', 'data'];
const INFERENCE: [string, string, string] = ['10.0.2.4', 'proxy', 'inference'];

/** Reads GCP flow log entries given as JSON lines: the rows (with their file lines) and the units. */
async function readGcpLines(lines: string[]) {
  const t = tempDir({ 'flows.jsonl': lines.join('\n') + '\n' });
  try {
    const interner = new Interner();
    const c = collector(interner);
    const r = await readGcp(path.join(t.dir, 'flows.jsonl'), false, new FlowBatch(), c.sink, interner);
    assert.equal(c.bad.length, 0);
    return { rows: c.rows.map((x) => [x.src, x.dst, x.dport, x.dir, x.line, x.resource]).sort(), units: r.units };
  } finally {
    t.cleanup();
  }
}

test("GCP VPC Flow Logs: a DEST report is kept when the source VM's subnetwork has no flow logs (annotations alone do not prove a SRC copy exists)", async () => {
  const r = await readGcpLines([
    // The sandbox subnet does not log: the data VM's DEST report is the only record of this flow.
    gcpReport('DEST', SANDBOX, DATA, 6333),
    // The inference subnet logs (its SRC report is in the file, after the DEST copy): the copy is skipped.
    gcpReport('DEST', INFERENCE, DATA, 6334),
    gcpReport('SRC', INFERENCE, DATA, 6334),
  ]);
  assert.deepEqual(r.rows, [
    ['10.0.2.4', '10.0.3.7', 6334, DIR_EGRESS, 3, 'proxy'],
    ['10.0.5.9', '10.0.3.7', 6333, DIR_INGRESS, 1, 'qdrant-0'],
  ]);
  assert.deepEqual(r.units, { entries: 3, deduplicatedReports: 1 });
});

test('GCP VPC Flow Logs: a DEST report is skipped only when the source end reported the same connection — flow logs sample each end on its own (default 0.5), so a logging subnet may lack the SRC copy of a flow', async () => {
  const r = await readGcpLines([
    // The inference subnet logs (a SRC report of port 6334 is here), but its copy of the flow to 6333 was not
    // sampled: the data VM's DEST report is that flow's only record.
    gcpReport('DEST', INFERENCE, DATA, 6333),
    gcpReport('DEST', INFERENCE, DATA, 6334),
    gcpReport('SRC', INFERENCE, DATA, 6334),
  ]);
  assert.deepEqual(r.rows, [
    ['10.0.2.4', '10.0.3.7', 6333, DIR_INGRESS, 1, 'qdrant-0'],
    ['10.0.2.4', '10.0.3.7', 6334, DIR_EGRESS, 3, 'proxy'],
  ]);
  assert.deepEqual(r.units, { entries: 3, deduplicatedReports: 1 });
});

test('Route 53 Resolver query log (documentation example): trailing dot removed, A answers kept', async () => {
  const c = collector(new Interner());
  const r = await readDnsFile(path.join(FIXTURES, 'route53-doc.jsonl'), false, 'route53-dns', c.sink);
  assert.equal(r.records, 3);
  assert.deepEqual(c.dns[0]!.name, 's3.amazonaws.com');
  assert.deepEqual(c.dns[0]!.answers, ['52.216.0.1']);
  assert.equal(c.dns[2]!.rcode, 'NXDOMAIN');
  assert.equal(c.dns[1]!.time, Date.parse('2020-11-05T20:17:11Z') / 1000);
  assert.deepEqual(
    [c.dns[0]!.provider, c.dns[0]!.network, c.dns[0]!.networkType],
    ['aws', 'vpc-00000000000000000', 'AWS::EC2::VPC'],
  );
});

const AZ_SUB = '00000000-0000-0000-0000-000000000000';
const AZ_VNET = `/subscriptions/${AZ_SUB}/resourceGroups/ai/providers/Microsoft.Network/virtualNetworks/ai-vnet`;

test('Azure DNS security policy query logs: resource logs from a storage account and DNSQueryLogs rows from Log Analytics', async () => {
  const c = collector(new Interner());
  const r = await readDnsFile(path.join(FIXTURES, 'azure-dns-storage.jsonl'), false, 'azure-dns', c.sink);
  assert.deepEqual([r.records, r.format, r.units, c.bad.length], [3, 'azure-dns', { queries: 3 }, 0]);
  const q = c.dns[0]!;
  // The CNAME to the privatelink zone is followed by the resolver: the A answer is the endpoint's address.
  assert.deepEqual(
    [q.name, q.type, q.srcaddr, q.answers, q.provider, q.account, q.region, q.network, q.networkType, q.line],
    [
      'ai-foundry.openai.azure.com',
      'A',
      '10.1.2.4',
      ['10.1.3.5'],
      'azure',
      AZ_SUB,
      'eastus',
      AZ_VNET,
      'Microsoft.Network/virtualNetworks',
      1,
    ],
  );
  assert.equal(q.time, Date.parse('2025-11-22T00:00:10.123Z') / 1000);
  assert.deepEqual([c.dns[2]!.rcode, c.dns[2]!.answers], ['3', []]);

  const la = collector(new Interner());
  const r2 = await readDnsFile(path.join(FIXTURES, 'azure-dns-loganalytics.json'), false, 'azure-dns', la.sink);
  assert.equal(r2.records, 1);
  // Answer is a dynamic column, exported as JSON text.
  assert.deepEqual(
    [la.dns[0]!.answers, la.dns[0]!.network, la.dns[0]!.account, la.dns[0]!.line],
    [['20.42.6.200'], AZ_VNET, AZ_SUB, 2],
  );
});

test('Cloud DNS query logs: gcloud logging read JSON array and a Cloud Storage sink (JSON lines) give the same queries', async () => {
  const a = collector(new Interner());
  const b = collector(new Interner());
  const r = await readDnsFile(path.join(FIXTURES, 'gcp-dns-gcloud.json'), false, 'gcp-dns', a.sink);
  await readDnsFile(path.join(FIXTURES, 'gcp-dns-sink.jsonl'), false, 'gcp-dns', b.sink);
  assert.deepEqual([r.records, r.format, a.bad.length], [3, 'gcp-dns', 0]);
  const strip = (qs: typeof a.dns) => qs.map(({ line: _l, raw: _r, file: _f, ...q }) => q);
  assert.deepEqual(strip(a.dns), strip(b.dns));
  const q = a.dns[0]!;
  assert.deepEqual(
    [q.name, q.srcaddr, q.answers, q.provider, q.account, q.region, q.network, q.networkType],
    [
      'us-central1-aiplatform.googleapis.com',
      '10.128.0.22',
      ['142.250.1.95', '142.250.1.96'],
      'gcp',
      'ai-project',
      'us-central1',
      'ai-vpc',
      'compute.googleapis.com/Network',
    ],
  );
  assert.deepEqual(a.dns[1]!.answers, ['2607:f8b0:4001:c00::cf']);
  assert.deepEqual([a.dns[2]!.rcode, a.dns[2]!.answers], ['NXDOMAIN', []]);
  assert.deepEqual(
    [a.dns.map((x) => x.line), b.dns.map((x) => x.line)],
    [
      [2, 35, 68],
      [1, 2, 3],
    ],
  );
});

test('formats are recognised from content, not names', async () => {
  const expect: Record<string, string> = {
    'aws-v2-doc.log': 'aws-vpc',
    'aws-v5-header.log': 'aws-vpc',
    'aws-tgw-default.log': 'aws-tgw',
    'azure-nsg-v2-doc.json': 'azure',
    'azure-vnet-doc.json': 'azure',
    'gcp-vpc-doc.jsonl': 'gcp-vpc',
    'route53-doc.jsonl': 'route53-dns',
    'azure-dns-storage.jsonl': 'azure-dns',
    'azure-dns-loganalytics.json': 'azure-dns',
    'gcp-dns-gcloud.json': 'gcp-dns',
    'gcp-dns-sink.jsonl': 'gcp-dns',
    'aws-cloudwatch-filter-log-events.json': 'aws-cloudwatch',
    'aws-cloudwatch-export-000000': 'aws-cloudwatch',
    'route53-cloudwatch-export-000000': 'route53-dns',
  };
  for (const [file, format] of Object.entries(expect)) {
    const { head, gzip } = await readHead(path.join(FIXTURES, file));
    assert.equal(sniffFormat(head, gzip).format, format, file);
  }
});

test('AWS layout whose first field is an id (lowercase): records read, and a second header mid-file switches the layout', async () => {
  const t = tempDir({
    'concat.log': [
      'interface-id srcaddr dstaddr dstport action log-status',
      'eni-0a1b2c3d 10.0.3.7 203.0.113.9 443 ACCEPT OK',
      'eni-0a1b2c3d 10.0.3.8 203.0.113.9 443 REJECT OK',
      'version srcaddr dstaddr srcport dstport protocol bytes action log-status',
      '5 10.0.3.9 198.51.100.1 40000 22 6 900 ACCEPT OK',
      '',
    ].join('\n'),
  });
  try {
    const r = await readAws(path.join(t.dir, 'concat.log'));
    assert.deepEqual(r.bad, []);
    assert.deepEqual(
      r.rows.map((x) => [x.line, x.iface, x.src, x.dst, x.dport, x.action]),
      [
        [2, 'eni-0a1b2c3d', '10.0.3.7', '203.0.113.9', 443, ACTION_ACCEPT],
        [3, 'eni-0a1b2c3d', '10.0.3.8', '203.0.113.9', 443, ACTION_REJECT],
        [5, '', '10.0.3.9', '198.51.100.1', 22, ACTION_ACCEPT],
      ],
    );
  } finally {
    t.cleanup();
  }
});

test('plain files: a line longer than the read buffer, and records on both sides of buffer edges, are read in order', async () => {
  const record = (k: number) =>
    `2 123456789012 eni-0a1b 10.0.3.${k % 250} 203.0.113.9 40000 443 6 1 ${k} 1763769600 1763769660 ACCEPT OK`;
  // 60 000 records (about 5.5 MB, past one 4 MiB buffer), a 9 MB junk line, and a last record without a newline.
  const head = Array.from({ length: 60_000 }, (_, k) => record(k));
  const t = tempDir({
    'edges.log': [...head, 'x'.repeat(9_000_000), record(60_000)].join('\n'),
  });
  try {
    const r = await readAws(path.join(t.dir, 'edges.log'));
    assert.equal(r.rows.length, 60_001);
    assert.deepEqual(
      r.rows.map((x, k) => x.line - k),
      r.rows.map((_, k) => (k < 60_000 ? 1 : 2)),
    );
    assert.equal(r.rows[60_000]!.bytes, 60_000);
    assert.deepEqual(r.bad, [{ line: 60_001, message: 'fewer fields than the format' }]);
  } finally {
    t.cleanup();
  }
});
