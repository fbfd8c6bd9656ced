/**
 * Issue 14 (flow monitor fidelity on real mixed inputs): each point has a case that fires and one that stays silent,
 * built from documentation-shaped records, and every case runs through both engines (runBoth proves they agree).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertsOf, azDns, gcpDns, log, r53, referencePolicy, runBoth, v2 } from './helpers.js';

const INF = '10.0.2.20';
const BEDROCK = 'bedrock-runtime.us-east-1.amazonaws.com';

test('DNS leak: an approved AI name answered with a public address fires; a private endpoint answer does not', async () => {
  const leak = await runBoth({
    'dns.log': r53({ name: BEDROCK, answers: [['A', '52.119.200.10']], src: INF }) + '\n',
  });
  const a = alertsOf(leak, 'dns-ai-public-answer');
  assert.equal(a.length, 1);
  assert.equal(a[0]!.severity, 'high');
  assert.equal(a[0]!.resource, 'vpc-0a1b2c3d4e5f67890');
  assert.match(a[0]!.message, /bedrock-runtime\.us-east-1\.amazonaws\.com resolved to public address 52\.119\.200\.10/);
  assert.deepEqual([a[0]!.file, a[0]!.line], ['dns.log', 1]);

  const quiet = await runBoth({
    'dns.log':
      [
        r53({ name: BEDROCK, answers: [['A', '10.0.2.50']], src: INF }),
        // Not an AI name: a public answer is ordinary.
        r53({ name: 's3.us-east-1.amazonaws.com', answers: [['A', '52.216.8.10']], src: INF }),
      ].join('\n') + '\n',
  });
  assert.equal(alertsOf(quiet, 'dns-ai-public-answer').length, 0);
  // An answer inside flows.approved_ai_cidrs is an approved public endpoint, not a leak.
  const approved = await runBoth(
    { 'dns.log': r53({ name: BEDROCK, answers: [['A', '52.119.200.10']], src: INF }) + '\n' },
    referencePolicy("  approved_ai_cidrs: ['52.119.0.0/16']"),
  );
  assert.equal(alertsOf(approved, 'dns-ai-public-answer').length, 0);
});

test('DNS leak never whitelists its own destination: only private answers are learned as the AI endpoint', async () => {
  // The flow file sorts before the DNS file: DNS logs are read first all the same.
  const leak = await runBoth({
    'a-flows.log': log(v2(INF, '52.119.200.10', 50000, 443)),
    'z-dns.log': r53({ name: BEDROCK, answers: [['A', '52.119.200.10']], src: INF }) + '\n',
  });
  assert.equal(alertsOf(leak, 'flow-inference-unapproved-endpoint').length, 1);
  assert.ok(leak.matrix.some((m) => m.from === 'inference' && m.to === 'internet'));

  // The private endpoint address sits inside the inference subnet: the learned /32 is the service zone (most specific
  // wins), so the flow is inference -> external_ai, which NET-002 allows.
  const priv = await runBoth({
    'a-flows.log': log(v2(INF, '10.0.2.50', 50000, 443)),
    'z-dns.log': r53({ name: BEDROCK, answers: [['A', '10.0.2.50']], src: INF }) + '\n',
  });
  assert.deepEqual(
    priv.alerts.map((x) => x.rule.id),
    [],
  );
  assert.ok(priv.matrix.some((m) => m.from === 'inference' && m.to === 'external_ai'));
});

/** n pseudo-random hex characters (xorshift32), deterministic per seed. */
function hex(seed: number, n = 17): string {
  let x = (seed + 1) * 2654435761;
  let out = '';
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += '0123456789abcdef'[(x >>> 8) & 15];
  }
  return out;
}

test('DNS tunnelling: long interface-endpoint names from one host do not fire; many distinct random names under one registrable domain do', async () => {
  // A handful of documentation-shaped interface-endpoint names: long and hex-labelled, all three per-name features.
  const vpce = [0, 1, 2, 3, 4].map(
    (k) => `vpce-0${hex(k)}-${hex(k + 9, 8)}.bedrock-runtime.us-east-1.vpce.amazonaws.com`,
  );
  assert.ok(vpce.every((n) => n.length > 52));
  const quiet = await runBoth({
    'dns.log': vpce.map((name, k) => r53({ name, src: INF, answers: [['A', `10.0.2.${50 + k}`]] })).join('\n') + '\n',
  });
  assert.equal(alertsOf(quiet, 'dns-tunnelling').length, 0);

  // A tunnel under a private-section public suffix (github.io): the base domain is the owner's, not github.io.
  const tunnel = Array.from({ length: 120 }, (_, k) =>
    r53({
      name: `${hex(k, 24)}${hex(k + 500, 24)}.attacker.github.io`,
      src: '10.0.5.9',
      time: `2025-11-22T00:10:${String(k % 60).padStart(2, '0')}Z`,
    }),
  );
  const other = r53({ name: 'docs.someone-else.github.io', src: '10.0.5.9' });
  const loud = await runBoth({ 'dns.log': [...tunnel, other].join('\n') + '\n' });
  const a = alertsOf(loud, 'dns-tunnelling');
  assert.equal(a.length, 1);
  assert.equal(a[0]!.evidence.baseDomain, 'attacker.github.io');
  assert.deepEqual(a[0]!.evidence.signals, ['unusual-names', 'many-subdomains']);
  assert.deepEqual(a[0]!.evidence.nameFeatures, ['long-name', 'long-label', 'high-entropy-label']);

  // The policy can allow a known name pattern: the same queries are then not judged.
  const allowed = await runBoth(
    { 'dns.log': [...tunnel, other].join('\n') + '\n' },
    referencePolicy("  dns:\n    allowed_names: ['*.attacker.github.io']"),
  );
  assert.equal(alertsOf(allowed, 'dns-tunnelling').length, 0);
});

const AZ_VNET =
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ai/providers/Microsoft.Network/virtualNetworks/ai-vnet';
const OPENAI = 'contoso-ai.openai.azure.com';
const VERTEX = 'us-central1-aiplatform.googleapis.com';

test('DNS rules on Azure DNS security policy and Cloud DNS query logs: a public answer for an AI name is a leak of that cloud and network; a private one is learned as the endpoint', async () => {
  const leak = await runBoth({
    'azure/PT1H.json':
      azDns({
        name: OPENAI,
        src: INF,
        answers: [
          ['CNAME', `${OPENAI}.privatelink.openai.azure.com.`],
          ['A', '20.42.6.200'],
        ],
      }) + '\n',
    'gcp/dns.json': `[\n${gcpDns({ name: VERTEX, src: INF, answers: [['A', '142.250.1.95']] })}\n]\n`,
  });
  const a = alertsOf(leak, 'dns-ai-public-answer');
  assert.deepEqual(
    a.map((x) => [x.provider, x.resourceType, x.resource, x.account, x.file, x.line, x.evidence.answer]).sort(),
    [
      [
        'azure',
        'Microsoft.Network/virtualNetworks',
        AZ_VNET,
        '00000000-0000-0000-0000-000000000000',
        'azure/PT1H.json',
        1,
        '20.42.6.200',
      ],
      ['gcp', 'compute.googleapis.com/Network', 'ai-vpc', 'ai-project', 'gcp/dns.json', 2, '142.250.1.95'],
    ],
  );

  // Private answers (the private endpoints) are learned: a later flow to them is inference -> external_ai, allowed.
  const priv = await runBoth({
    'a-flows.log': log(v2(INF, '10.0.2.51', 50000, 443), v2(INF, '10.0.2.52', 50001, 443)),
    'z-azure.jsonl': azDns({ name: OPENAI, src: INF, answers: [['A', '10.0.2.51']] }) + '\n',
    'z-gcp.jsonl': gcpDns({ name: VERTEX, src: INF, answers: [['A', '10.0.2.52']] }) + '\n',
  });
  assert.deepEqual(
    priv.alerts.map((x) => x.rule.id),
    [],
  );
  assert.ok(priv.matrix.some((m) => m.from === 'inference' && m.to === 'external_ai' && m.acceptedRecords === 2));
});

test('DNS tunnelling and query volume on Azure and Cloud DNS logs: the same source address in two clouds gives one alert per cloud, each citing its own file', async () => {
  const names = Array.from({ length: 120 }, (_, k) => `${hex(k, 24)}${hex(k + 500, 24)}.attacker.github.io`);
  const time = (k: number) => `2025-11-22T00:10:${String(k % 60).padStart(2, '0')}Z`;
  const r = await runBoth({
    'azure.jsonl': names.map((name, k) => azDns({ name, src: '10.0.5.9', time: time(k) })).join('\n') + '\n',
    'gcp.jsonl': names.map((name, k) => gcpDns({ name, src: '10.0.5.9', time: time(k) })).join('\n') + '\n',
  });
  const t = alertsOf(r, 'dns-tunnelling');
  assert.deepEqual(t.map((x) => [x.provider, x.resource, x.records, x.files.map((f) => [f.file, f.records])]).sort(), [
    ['azure', AZ_VNET, 120, [['azure.jsonl', 120]]],
    ['gcp', 'ai-vpc', 120, [['gcp.jsonl', 120]]],
  ]);
  // Quiet: a handful of long provider names from one host, in either cloud's log.
  const quiet = await runBoth({
    'azure.jsonl':
      [0, 1, 2].map((k) => azDns({ name: `${hex(k, 40)}.privatelink.openai.azure.com`, src: INF })).join('\n') + '\n',
    'gcp.jsonl': [0, 1, 2].map((k) => gcpDns({ name: `${hex(k, 40)}.${VERTEX}`, src: INF })).join('\n') + '\n',
  });
  assert.equal(alertsOf(quiet, 'dns-tunnelling').length, 0);
});

/** An Azure VNet flow log v4 blob (Network Watcher documentation shape) with the given flow tuples. */
function azureVnet(tuples: string[]): string {
  return JSON.stringify(
    {
      records: [
        {
          time: '2025-11-22T00:01:00.0000000Z',
          flowLogVersion: 4,
          flowLogGUID: '66aa66aa-bb77-cc88-dd99-00ee00ee00ee',
          macAddress: '112233445566',
          category: 'FlowLogFlowEvent',
          flowLogResourceID:
            '/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_EASTUS/FLOWLOGS/VNETFLOWLOG',
          targetResourceID:
            '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ai/providers/Microsoft.Network/virtualNetworks/ai-vnet',
          operationName: 'FlowLogFlowEvent',
          flowRecords: {
            flows: [
              {
                aclID: '00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
                flowGroups: [{ rule: 'DefaultRule_AllowInternetOutBound', flowTuples: tuples }],
              },
            ],
          },
        },
      ],
    },
    null,
    2,
  );
}

/** A GCP VPC Flow Logs entry (Cloud Logging documentation shape) reported by the source VM. */
function gcpFlow(src: string, dst: string, sport: number, dport: number, bytes: number): string {
  return JSON.stringify({
    insertId: `id${sport}`,
    jsonPayload: {
      bytes_sent: String(bytes),
      connection: { dest_ip: dst, dest_port: dport, protocol: 6, src_ip: src, src_port: sport },
      end_time: '2025-11-22T00:01:05Z',
      packets_sent: '40',
      reporter: 'SRC',
      src_instance: { project_id: 'ai-project', region: 'us-central1', vm_name: 'data-vm-1', zone: 'us-central1-a' },
      src_vpc: { project_id: 'ai-project', subnetwork_name: 'data', vpc_name: 'ai' },
      start_time: '2025-11-22T00:01:00Z',
    },
    logName: 'projects/ai-project/logs/compute.googleapis.com%2Fvpc_flows',
    resource: {
      labels: {
        location: 'us-central1-a',
        project_id: 'ai-project',
        subnetwork_id: '1234567890',
        subnetwork_name: 'data',
      },
      type: 'gce_subnetwork',
    },
    timestamp: '2025-11-22T00:01:10Z',
  });
}

test('mixed directory: one flow seen by AWS (two files), Azure and GCP gives one alert per provider and resource, citing every file and line; a suppression of the AWS interface hides only its alert', async () => {
  const DATA = '10.0.3.30';
  const OUT = '203.0.113.17';
  const t0 = 1763769660;
  const files = {
    'aws/a.log': log(v2(DATA, OUT, 50000, 443, 700, 'ACCEPT', 6, t0), v2(DATA, OUT, 50001, 443, 800, 'ACCEPT', 6, t0)),
    'aws/b.log': log(v2('10.0.1.10', '10.0.2.20', 50002, 443), v2(DATA, OUT, 50003, 443, 900, 'ACCEPT', 6, t0 + 60)),
    'azure/PT1H.json': azureVnet([`${t0}000,${DATA},${OUT},22730,443,6,O,E,NX,3,705,4,4569`]),
    'gcp/vpc_flows.jsonl': `${gcpFlow(DATA, OUT, 51544, 443, 52000)}\n`,
  };
  const r = await runBoth(files);
  const egress = alertsOf(r, 'flow-data-zone-egress').filter((a) => a.severity === 'high');
  assert.deepEqual(
    egress.map((a) => [a.provider, a.resource, a.files.map((f) => [f.file, f.records, f.lines])]).sort(),
    [
      [
        'aws',
        'eni-0aaaaaaaaaaaaaaaa',
        [
          ['aws/a.log', 2, [2, 3]],
          ['aws/b.log', 1, [3]],
        ],
      ],
      [
        'azure',
        '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ai/providers/Microsoft.Network/virtualNetworks/ai-vnet',
        [['azure/PT1H.json', 1, [20]]], // the flow tuple's own line
      ],
      ['gcp', 'data-vm-1', [['gcp/vpc_flows.jsonl', 1, [1]]]],
    ],
  );
  // The finding carries the per-file evidence too (json, jsonl and SARIF are made from it).
  const { findingsOf } = await import('../../src/flows/report.js');
  const suppress = {
    suppressions: [{ check: 'flow-data-zone-egress', resource: 'eni-0aaaaaaaaaaaaaaaa', reason: 'vendor sync' }],
    today: '2026-01-01',
  };
  const findings = findingsOf(r, suppress).filter(
    (f) => f.checkId === 'flow-data-zone-egress' && f.severity === 'high',
  );
  assert.deepEqual(findings.map((f) => [f.resource.provider, f.suppression !== undefined]).sort(), [
    ['aws', true],
    ['azure', false],
    ['gcp', false],
  ]);
  assert.ok(findings.every((f) => Array.isArray(f.evidence?.files) && (f.evidence?.files as unknown[]).length > 0));
});

/** An Azure NSG flow log v2 blob (Network Watcher documentation shape) with the given flow tuples. */
function azureNsg(tuples: string[]): string {
  return JSON.stringify({
    records: [
      {
        time: '2025-11-22T00:01:00.0000000Z',
        systemId: 'a0fca5ce-022c-47b1-9735-89943b42f2fa',
        category: 'NetworkSecurityGroupFlowEvent',
        resourceId:
          '/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/AI/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/DATA-NSG',
        operationName: 'NetworkSecurityGroupFlowEvents',
        properties: {
          Version: 2,
          flows: [{ rule: 'DefaultRule_AllowInternetOutBound', flows: [{ mac: '000D3AF87856', flowTuples: tuples }] }],
        },
      },
    ],
  });
}

test('mixed directory of every format (AWS v2 and custom, Azure NSG and VNet, GCP, Route 53, Azure and Cloud DNS): alerts per provider and resource cite every contributing file and line', async () => {
  const DATA = '10.0.3.30';
  const OUT = '203.0.113.17';
  const t0 = 1763769660;
  const eni = 'eni-0aaaaaaaaaaaaaaaa';
  const custom = [
    'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id pkt-srcaddr pkt-dstaddr flow-direction traffic-path',
    `5 123456789012 ${eni} 10.0.1.10 10.0.2.20 50100 443 6 10 900 ${t0} ${t0 + 60} ACCEPT OK vpc-0a subnet-0app 10.0.1.10 10.0.2.20 egress 1`,
    `5 123456789012 ${eni} ${DATA} ${OUT} 50101 443 6 10 900 ${t0} ${t0 + 60} ACCEPT OK vpc-0a subnet-0data ${DATA} ${OUT} egress 8`,
  ].join('\n');
  const files = {
    'aws/v2.log': log(v2(DATA, OUT, 50000, 443, 700, 'ACCEPT', 6, t0)),
    'aws/custom.log': custom + '\n',
    'azure/nsg/PT1H.json': azureNsg([`${t0},${DATA},${OUT},22731,443,T,O,A,B,,,,`]),
    'azure/vnet/PT1H.json': azureVnet([`${t0}000,${DATA},${OUT},22730,443,6,O,E,NX,3,705,4,4569`]),
    'gcp/vpc_flows.jsonl': `${gcpFlow(DATA, OUT, 51544, 443, 52000)}\n`,
    'dns/route53.jsonl': r53({ name: BEDROCK, answers: [['A', '52.119.200.10']], src: INF }) + '\n',
    'dns/azure.jsonl':
      [
        azDns({ name: 'example.com', src: INF }),
        azDns({ name: OPENAI, src: INF, answers: [['A', '20.42.6.200']] }),
      ].join('\n') + '\n',
    'dns/gcp.json': `[\n${gcpDns({ name: VERTEX, src: INF, answers: [['A', '142.250.1.95']] })}\n]\n`,
  };
  const r = await runBoth(files);
  assert.deepEqual(
    r.files.map((f) => [f.file, f.format, f.status]),
    [
      ['aws/custom.log', 'aws-vpc', 'read'],
      ['aws/v2.log', 'aws-vpc', 'read'],
      ['azure/nsg/PT1H.json', 'azure-nsg', 'read'],
      ['azure/vnet/PT1H.json', 'azure-vnet', 'read'],
      ['dns/azure.jsonl', 'azure-dns', 'read'],
      ['dns/gcp.json', 'gcp-dns', 'read'],
      ['dns/route53.jsonl', 'route53-dns', 'read'],
      ['gcp/vpc_flows.jsonl', 'gcp-vpc', 'read'],
    ],
  );
  const cite = (rule: string) =>
    alertsOf(r, rule)
      .filter((a) => a.severity === 'high')
      .map((a) => [a.provider, a.resource, a.files.map((f) => `${f.file}:${f.lines.join(',')}`)])
      .sort();
  assert.deepEqual(cite('flow-data-zone-egress'), [
    ['aws', eni, ['aws/custom.log:3', 'aws/v2.log:2']],
    [
      'azure',
      '/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/AI/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/DATA-NSG',
      ['azure/nsg/PT1H.json:1'],
    ],
    [
      'azure',
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/ai/providers/Microsoft.Network/virtualNetworks/ai-vnet',
      ['azure/vnet/PT1H.json:20'],
    ],
    ['gcp', 'data-vm-1', ['gcp/vpc_flows.jsonl:1']],
  ]);
  assert.deepEqual(cite('dns-ai-public-answer'), [
    ['aws', 'vpc-0a1b2c3d4e5f67890', ['dns/route53.jsonl:1']],
    ['azure', AZ_VNET, ['dns/azure.jsonl:2']],
    ['gcp', 'ai-vpc', ['dns/gcp.json:2']],
  ]);
});

test('counting units: each file says what was counted (AWS records, Azure tuples and directions, GCP entries and de-duplicated DEST reports, DNS queries), in both engines and the table', async () => {
  const DATA = '10.0.3.30';
  const OUT = '203.0.113.17';
  const dest = JSON.parse(gcpFlow(DATA, '10.0.2.20', 40000, 443, 1000)) as { jsonPayload: Record<string, unknown> };
  // The destination VM's report of the same flow: the source VM (which has flow logs) reports it too.
  dest.jsonPayload.reporter = 'DEST';
  dest.jsonPayload.dest_instance = {
    project_id: 'ai-project',
    region: 'us-central1',
    vm_name: 'inf-vm-1',
    zone: 'us-central1-a',
  };
  const files = {
    'aws.log': log(v2(DATA, OUT, 50000, 443), v2('10.0.1.10', '10.0.2.20', 50001, 443)),
    // One tuple with received counters (two directions), one without (one direction).
    'azure.json': azureVnet([
      `1763769660000,${DATA},${OUT},22730,443,6,O,E,NX,3,705,4,4569`,
      `1763769661000,10.0.1.10,10.0.2.20,22731,443,6,O,B,NX,0,0,0,0`,
    ]),
    'gcp.jsonl': [gcpFlow(DATA, '10.0.2.20', 40000, 443, 1000), JSON.stringify(dest)].join('\n') + '\n',
    'dns.log': r53({ name: 'example.com', src: DATA, answers: [['A', '93.184.215.14']] }) + '\n',
  };
  const r = await runBoth(files);
  assert.deepEqual(
    r.files.map((f) => [f.file, f.records, f.units]),
    [
      ['aws.log', 2, { records: 2 }],
      ['azure.json', 3, { tuples: 2, directions: 3 }],
      ['dns.log', 1, { queries: 1 }],
      ['gcp.jsonl', 1, { entries: 2, deduplicatedReports: 1 }],
    ],
  );
  assert.equal(r.records, 2 + 3 + 1);
  const { renderFlowsTable } = await import('../../src/flows/report.js');
  assert.match(
    renderFlowsTable(r, { color: false }),
    /counted: aws-vpc 2 records; azure-vnet 2 flow tuples -> 3 directional rows; gcp-vpc 2 log entries - 1 de-duplicated DEST reports = 1 rows; route53-dns 1 queries/,
  );
});

test('visibility gaps per flow log: an hour between two separate exports is not a missing interval; an hour missing inside one S3 flow log series is', async () => {
  const T0 = 1763769600; // 2025-11-22T00:00:00Z
  const eni = 'eni-0aaaaaaaaaaaaaaaa';
  // One record (NODATA when idle) per 5-minute interval, as AWS writes for an interface with a flow log.
  const hour = (from: number) =>
    log(
      ...Array.from({ length: 12 }, (_, k) =>
        k % 2 === 0
          ? v2('10.0.1.10', '10.0.2.20', 50000 + k, 443, 1000, 'ACCEPT', 6, from + k * 300, eni)
          : `2 123456789012 ${eni} - - - - - - - ${from + k * 300} ${from + k * 300 + 300} - NODATA`,
      ),
    );
  const exports = await runBoth({
    'export-00h.log': hour(T0),
    'export-02h.log': hour(T0 + 7200),
  });
  assert.equal(alertsOf(exports, 'flow-visibility-missing-interval').length, 0);

  const key = (t: string) =>
    `AWSLogs/123456789012/vpcflowlogs/us-east-1/2025/11/22/123456789012_vpcflowlogs_us-east-1_fl-0123456789abcdef0_20251122T${t}Z_a1b2c3d4.log`;
  const s3 = await runBoth({ [key('0000')]: hour(T0), [key('0200')]: hour(T0 + 7200) });
  const gaps = alertsOf(s3, 'flow-visibility-missing-interval');
  assert.equal(gaps.length, 1);
  assert.equal(gaps[0]!.resource, eni);
  // The records on either side of the hole are cited: the last of the first hour's object (line 13: header + 12
  // records), the first of the next object, each in its own file's evidence.
  const before = `${key('0000')}:13`;
  const after = `${key('0200')}:2`;
  assert.deepEqual(gaps[0]!.evidence, {
    flowLog: '123456789012/us-east-1/fl-0123456789abcdef0',
    missingFrom: '2025-11-22T01:00:00Z',
    missingTo: '2025-11-22T02:00:00Z',
    gapMinutes: 30,
    lastRecordBefore: before,
    firstRecordAfter: after,
  });
  assert.deepEqual([gaps[0]!.file, gaps[0]!.line], [key('0000'), 13]);
  assert.deepEqual(
    gaps[0]!.files.map((f) => [f.file, f.lines]),
    [
      [key('0000'), [13]],
      [key('0200'), [2]],
    ],
  );

  // Objects delivered out of time order, records out of order inside them, and a late record that lands inside the
  // first hour (it must not become an edge): the edges are still the last record of the first hour and the first of
  // the third, wherever they were read.
  const shuffled = (from: number, order: number[]) =>
    log(
      ...order.map((k) =>
        v2('10.0.1.10', '10.0.2.20', 50000 + k, 443, 1000, 'ACCEPT', 6, from + k * 300, eni).replace(
          ` ${from + k * 300 + 60} `,
          ` ${from + k * 300 + 300} `,
        ),
      ),
    );
  const mixed = await runBoth({
    [key('0000')]: shuffled(T0 + 7200, [3, 0, 2, 1]), // 02:00-02:20, first record (02:00) on line 3
    [key('0100')]: shuffled(T0, [11, 5, 0, 7]), // 00:00-01:00 with holes inside; 00:55 on line 2
    [key('0200')]: shuffled(T0, [1, 2, 3, 4, 6, 8, 9, 10]), // fills the first hour's holes
  });
  const g = alertsOf(mixed, 'flow-visibility-missing-interval');
  assert.equal(g.length, 1);
  assert.equal(g[0]!.evidence.missingFrom, '2025-11-22T01:00:00Z');
  assert.equal(g[0]!.evidence.lastRecordBefore, `${key('0100')}:2`);
  assert.equal(g[0]!.evidence.firstRecordAfter, `${key('0000')}:3`);
});
