/**
 * Both engines give the same findings, matrix, counts, malformed lines, unused allow rules and state notes on the same
 * data, and the DuckDB engine computes its rules in SQL (no batch ever reaches the rule modules).
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { mock, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { generate } from '../../bench/flows.js';
import { FlowAnalysis, analyzeFlows, type FlowRunResult } from '../../src/flows/analyze.js';
import { analyzeFlowsDuckdb, dataEgressSql, loadZoneTable, openDuckdb } from '../../src/flows/duckdb.js';
import { findingsOf } from '../../src/flows/report.js';
import { dataZoneEgress } from '../../src/flows/rules/data-zone-egress.js';
import { dnsResolver } from '../../src/flows/rules/dns-resolver.js';
import { inferenceExternal } from '../../src/flows/rules/inference-external.js';
import { internetManagement } from '../../src/flows/rules/internet-management.js';
import { policyDrift } from '../../src/flows/rules/policy-drift.js';
import { sandboxEscape } from '../../src/flows/rules/sandbox-escape.js';
import { buildZoneMap } from '../../src/flows/zones.js';
import { parsePolicy } from '../../src/policy/load.js';
import { REFERENCE_POLICY_YAML } from '../../src/policy/reference.js';
import {
  EXAMPLES,
  FIXTURES,
  V2_HEADER,
  alertsOf,
  bothEngines,
  comparable,
  countByRule,
  r53,
  referencePolicy,
  runBoth,
  tempDir,
} from './helpers.js';

test('JS and DuckDB engines: same results on the example directory (AWS gzip + plain with a malformed line, Azure, GCP, DNS)', async () => {
  const { loadPolicyFile } = await import('../../src/policy/load.js');
  const policy = await loadPolicyFile(path.join(EXAMPLES, 'cordon.yaml'));
  const js = await bothEngines([path.join(EXAMPLES, 'logs')], { policy, cwd: EXAMPLES });
  assert.ok(js.alerts.length > 10);
  assert.ok(js.malformedTotal > 0);
});

const T = 1763769600; // 2025-11-22T00:00:00Z, a multiple of the 10-minute window below

/** A default-format record with a given start (end = start + 60), bytes and interface. */
function rec(
  src: string,
  dst: string,
  sport: number,
  dport: number,
  bytes: number,
  start: number | '-',
  eni = 'eni-0crafted000000001',
  action = 'ACCEPT',
  proto = 6,
): string {
  const end = start === '-' ? '-' : start + 60;
  return `2 123456789012 ${eni} ${src} ${dst} ${sport} ${dport} ${proto} 10 ${bytes} ${start} ${end} ${action} OK`;
}

const V5_HEADER =
  'version pkt-srcaddr srcaddr pkt-dstaddr dstaddr srcport dstport protocol packets bytes start end action log-status interface-id account-id traffic-path pkt-dst-aws-service';

/**
 * Generated traffic plus crafted files (in the order both engines read them: DNS first, then by name):
 * - large transfers per (window, source, destination) over 10-minute windows: sums crossing the threshold on a later
 *   row, across files (a gzip file continues the sums of the plain one before it), a newer window dropping older
 *   ones so a late row starts a fresh sum and alerts again under the same key, rows without a time;
 * - interfaces with a missing interval, one with a record past its 28-day span (untracked), SKIPDATA;
 * - IPv6 (normalised, IPv4-mapped, invalid, to approved AI CIDRs and addresses learned from DNS answers);
 * - header lines switching the column map mid-file (pkt- addresses before plain ones, traffic-path 7), an invalid
 *   header, and every kind of malformed line, where several problems on one line give the first in column order;
 * - the example Azure and GCP files, so JSON rows share the alert book, the matrix and the window sums.
 */
function craftedDir(mixedCloudWatch = false): { dir: string; cleanup: () => void } {
  const data = '10.0.3.9';
  const inf = '10.0.2.9';
  const sbx = '10.0.5.9';
  const out = '198.51.100.7';
  // The window rows come a day after everything else, so their windows are the newest when they are read.
  const TW = T + 86400;
  const w1 = [
    V2_HEADER,
    rec(data, out, 40000, 443, 3000, TW),
    rec(data, out, 40001, 443, 3000, TW + 60), // window 0 crosses 5000 here
    rec(data, out, 40002, 443, 3000, TW + 120),
    rec(inf, out, 40003, 443, 2000, TW + 700), // window 1, carried into w2.log.gz
    rec(data, out, 40004, 443, 4000, TW + 1300), // window 2: window 0 is dropped
    rec(data, out, 40005, 443, 4000, TW + 100), // late row of window 0: a fresh sum
    rec(data, out, 40006, 443, 4000, TW + 110), // crosses again: same alert, records 2
    rec(data, out, 40007, 443, 2000, TW + 1310), // window 2 crosses
    rec(sbx, '203.0.113.77', 40008, 443, 4000, TW + 1320),
    rec(data, out, 40009, 443, 1000, TW + 130, 'eni-0crafted000000001', 'REJECT'), // rejected: not summed
  ];
  const w2 = [
    V2_HEADER,
    rec(inf, out, 40010, 443, 4000, TW + 710), // 2000 carried + 4000: crosses in this file
    rec(sbx, '203.0.113.77', 40011, 443, 2000, TW + 1330), // carried 4000 + 2000
    rec(data, out, 40012, 443, 100, TW + 3000), // window 5: everything older than 4 dropped
    rec(inf, out, 40013, 443, 5000, TW + 720), // late: fresh sum, crosses alone
    rec(data, out, 40014, 443, 6000, '-'), // no time: window -1
  ];
  const gaps = [
    V2_HEADER,
    rec('10.0.1.20', '10.0.2.20', 40100, 443, 500, T, 'eni-0gap0000000000001'),
    rec('10.0.1.20', '10.0.2.20', 40101, 443, 500, T + 300, 'eni-0gap0000000000001'),
    `2 123456789012 eni-0gap0000000000001 - - - - - - - ${T + 600} ${T + 900} - NODATA`,
    rec('10.0.1.20', '10.0.2.20', 40102, 443, 500, T + 3600, 'eni-0gap0000000000001'), // 45 minutes missing
    rec('10.0.1.21', '10.0.2.20', 40103, 443, 500, T, 'eni-0gap0000000000002'),
    rec('10.0.1.21', '10.0.2.20', 40104, 443, 500, T + 40 * 86400, 'eni-0gap0000000000002'), // past 28 days: untracked
    `2 123456789012 eni-0gap0000000000003 - - - - - - - ${T} ${T + 60} - SKIPDATA`,
    `2 123456789012 - - - - - - - - ${T} ${T + 60} - SKIPDATA`, // no interface: keyed by the file
  ];
  const v6 = [
    V2_HEADER,
    rec('fd00::1', '2001:DB8::9', 40200, 53, 90, T, 'eni-0v6', 'ACCEPT', 17), // unzoned private to a resolver, upper case
    rec('::ffff:10.0.3.5', '203.0.113.9', 40201, 443, 700, T), // IPv4-mapped source in the data zone
    rec(data, '2001:db8::77', 40202, 443, 800, T), // data zone to an IPv6 internet address
    rec(inf, '2001:db8:a1::5', 40203, 443, 900, T), // approved AI CIDR: the service zone, allowed by NET-002
    rec(inf, '2600:1f18::1', 40204, 443, 900, T), // a public DNS AAAA answer: a leak, not learned
    rec(inf, '52.94.1.1', 40205, 443, 900, T), // a public DNS A answer: a leak, not learned
    rec(inf, '10.0.2.50', 40210, 443, 900, T), // learned private endpoint inside the inference subnet
    rec('10.0.1.10', 'fd00::50', 40211, 443, 900, T), // learned private IPv6 endpoint: application to external_ai
    rec(inf, '2600:1f18::2', 40206, 443, 900, T), // not learned: inference to an unapproved endpoint
    rec('zz::1', data, 40207, 443, 900, T), // not an address
    rec('fe80::1%eth0', data, 40208, 22, 900, T), // zone index: valid, internet source to a management port
    rec('2001:db8::5', '2001:db8::6', 40209, 443, 900, T), // internet to internet
    rec('10.0.1.5', '10.0.4.5', 9999, 50000, 900, T), // a reply: credits T-REPLY
    rec('10.0.5.20', '10.0.5.21', 7000, 50001, 900, T), // a reply inside one zone: credits nothing
    rec('10.0.3.9', '10.0.1.10', 443, 50002, 900, T), // from a service port: a reply, not drift
    rec('198.51.100.20', '10.0.2.30', 50003, 8080, 900, T), // drift from the internet: high
    rec(inf, '10.0.4.53', 50004, 53, 90, T, 'eni-0crafted000000001', 'ACCEPT', 17), // an approved resolver
    rec(inf, 'fd00:ec2::253', 50005, 53, 90, T, 'eni-0crafted000000001', 'ACCEPT', 17), // the AWS resolver (IPv6)
    rec(inf, '10.0.4.54', 50006, 53, 90, T, 'eni-0crafted000000001', 'ACCEPT', 17), // not approved
  ];
  const headers = [
    V2_HEADER,
    rec('10.0.1.10', '10.0.2.20', 40300, 443, 100, T, 'eni-0hdr'),
    'garbage line',
    `2 123456789012 eni-0hdr 10.0.1.999 10.0.2.20 x 443 6 10 100 ${T} ${T + 60} ACCEPT OK`, // address before port
    `2 123456789012 eni-0hdr 10.0.1.10  10.0.2.20 40301 443 6 10 100 ${T} ${T + 60} ACCEPT OK`,
    `${rec('10.0.1.10', '10.0.2.20', 40302, 443, 100, T)} extra`,
    rec('10.0.1.10', '10.0.2.20', 70000, 443, 100, T),
    `2 123456789012 eni-0hdr 10.0.1.10 10.0.2.20 40303 443 6 10 100 ${T} ${T + 60} ACCEPTED OK`,
    `2 123456789012 eni-0hdr 10.0.1.10 10.0.2.20 40304 443 6 10 100 ${T} ${T + 60} AXXXXX OK`, // read as ACCEPT
    `2 123456789012 eni-0hdr 10.0.1.10 10.0.2.20 40305 443 6 10 100 ${T} ${T + 60} ACCEPT FOO`,
    `2 123456789012 eni-0hdr - 10.0.2.20 40306 443 6 10 100 ${T} ${T + 60} ACCEPT OK`,
    `2 123456789012 eni-0hdr 10.0.1.10 10.0.2.20 40307 443 6 10 100 ${T}000 ${T + 60}000 ACCEPT OK`, // milliseconds
    'version foo-bar srcaddr dstaddr',
    '',
    '   ',
    V5_HEADER,
    `5 10.0.3.9 not-an-ip 52.95.1.1 10.0.9.9 40400 443 6 10 9000 ${T} ${T + 60} ACCEPT OK eni-0hdr5 123456789012 7 S3`,
    `5 - not-an-ip 52.95.1.1 10.0.9.9 40401 443 6 10 9000 ${T} ${T + 60} ACCEPT OK eni-0hdr5 123456789012 7 S3`,
    `   5 10.0.3.9 10.0.3.9 - 203.0.113.5 40402 443 6 10 9000 ${T} ${T + 60} ACCEPT OK eni-0hdr5 123456789012 1 -`,
    `5 10.0.3.9 10.0.3.9 52.95.1.2 52.95.1.2 40403 443 6 10 9000 ${T} ${T + 60} ACCEPT OK eni-0hdr5 123456789012 2 DYNAMODB`,
  ];
  const dns = [
    { name: 'bedrock-runtime.us-east-1.amazonaws.com.', type: 'A', answer: '52.94.1.1' },
    { name: 'bedrock-runtime.us-east-1.amazonaws.com.', type: 'AAAA', answer: '2600:1f18::1' },
    { name: 'example.com.', type: 'A', answer: '2600:1f18::2' },
    { name: 'bedrock-runtime.us-east-1.amazonaws.com.', type: 'A', answer: '10.0.2.50' },
    { name: 'bedrock-runtime.us-east-1.amazonaws.com.', type: 'AAAA', answer: 'fd00::50' },
  ].map((q, i) =>
    JSON.stringify({
      version: '1.100000',
      account_id: '123456789012',
      region: 'us-east-1',
      vpc_id: 'vpc-0ai',
      query_timestamp: `2025-11-22T00:00:0${i}Z`,
      query_name: q.name,
      query_type: q.type,
      rcode: 'NOERROR',
      answers: [{ Rdata: q.answer, Type: q.type, Class: 'IN' }],
      srcaddr: inf,
    }),
  );
  const t = tempDir(
    {
      'w1.log': w1.join('\n') + '\n',
      'w2.log.gz': w2.join('\n') + '\n',
      'gaps.log': gaps.join('\n') + '\n',
      'v6.log': v6.join('\n') + '\n',
      'headers.log': headers.join('\r\n') + '\r\n',
      'zz-resolver.jsonl': dns.join('\n') + '\n',
    },
    ['w2.log.gz'],
  );
  if (mixedCloudWatch) {
    // A CloudWatch export (no header; CLOUDWATCH_FORMAT) mixing VPC and Transit Gateway records: a malformed line
    // whose second field is TransitGateway (here: more fields than the format) is read with the TGW default.
    const tgw = (src: string, dst: string, fields = 36) =>
      `6 TransitGateway 123456789010 tgw-0a1b2c3d4e5f6g7h8 tgw-attach-0a1b2c3d4e5f6g7h8 123456789010 123456789010 vpc-abcdefab012345678 vpc-fedcba98765432101 subnet-aaaaaaaa012345678 subnet-bbbbbbbb012345678 eni-1111aaaa2222bbbb3 eni-3333cccc4444dddd5 use2-az2 use2-az2 tgw-attach-fedcba9876543210 ${src} ${dst} 55022 443 6 9 1066 ${T} ${T + 60} OK IPv4 0 0 0 0 3 us-east-2 egress - -`
        .split(' ')
        .slice(0, fields)
        .join(' ');
    const vpc = (src: string, dst: string) =>
      `2 123456789012 eni-0cw vpc-1 subnet-1 i-1 0 IPv4 use1-az1 - - - us-east-1 - - - ${src} ${dst} 40500 443 6 10 100 ${T} ${T + 60} OK`;
    writeFileSync(
      path.join(t.dir, 'cloudwatch.log'),
      [
        vpc('10.0.1.10', '10.0.2.20'),
        tgw('10.0.1.10', '10.0.2.20'),
        tgw('10.0.1.11', '10.0.2.21', 30), // too few fields for the TGW format as well
        vpc('10.0.1.12', '10.0.2.22'),
      ].join('\n') + '\n',
    );
  }
  copyFileSync(path.join(EXAMPLES, 'logs/azure/PT1H.json'), path.join(t.dir, 'azure.json'));
  copyFileSync(path.join(EXAMPLES, 'logs/gcp/vpc_flows.jsonl'), path.join(t.dir, 'gcp.jsonl'));
  return t;
}

/**
 * The reference policy with two more allow rules (credited only through the reverse direction of a reply, and one
 * inside a zone that a reply must not credit), and flows settings with thresholds low enough for the windowed rules.
 */
function craftedPolicy(extra?: string[]) {
  const rules = `
  - id: T-REPLY
    name: Management to application, seen only as replies
    from: management
    to: application
    action: allow
    protocol: tcp
    ports: 9999
    justification: test
  - id: T-SELF
    name: Inside the sandbox, seen only as replies
    from: sandbox
    to: sandbox
    action: allow
    protocol: tcp
    ports: 7000
    justification: test
`;
  const yaml = REFERENCE_POLICY_YAML.replace('\n# Accepted risks', `${rules}\n# Accepted risks`);
  return parsePolicy('cordon.yaml', `${yaml}\nflows:\n${craftedSettings(extra)}\n`);
}

/** The LogFormat of the headerless CloudWatch export (--log-format). */
const CLOUDWATCH_FORMAT =
  'version account-id interface-id vpc-id subnet-id instance-id tcp-flags type az-id sublocation-type sublocation-id pkt-src-aws-service region ecs-cluster-arn ecs-cluster-name ecs-container-instance-arn srcaddr dstaddr srcport dstport protocol packets bytes start end log-status';

/** flows settings for the crafted data: low thresholds so the windowed rules fire. */
function craftedSettings(extra: string[] = ['  visibility: { gap_minutes: 30 }']): string {
  return [
    "  approved_ai_cidrs: ['52.119.0.0/16', '2001:db8:a1::/48']",
    "  approved_ai_domains: ['bedrock*.*.amazonaws.com']",
    "  approved_resolvers: ['10.0.4.53/32']",
    '  large_transfer: { flow_bytes: 200000, pair_bytes: 5000, window_minutes: 10 }',
    ...extra,
  ].join('\n');
}

test('JS and DuckDB engines: same results on generated and crafted data (windows across files and late rows, gaps, IPv6, learned AI addresses, header switches, mixed VPC/TGW lines, malformed lines, Azure and GCP rows)', async () => {
  const t = craftedDir(true);
  try {
    await generate(path.join(t.dir, 'gen.log'), 20_000, false);
    const js = await bothEngines([t.dir], { policy: craftedPolicy(), cwd: t.dir, logFormat: CLOUDWATCH_FORMAT });
    const n = countByRule(js);
    // Every rule has something to compare, the windowed ones included.
    for (const id of [
      'flow-data-zone-egress',
      'flow-large-transfer',
      'flow-large-transfer-window',
      'flow-inference-unapproved-endpoint',
      'flow-policy-drift',
      'flow-sandbox-escape',
      'flow-internet-to-management',
      'flow-dns-unapproved-resolver',
      'flow-visibility-skipdata',
      'flow-visibility-missing-interval',
    ])
      assert.ok((n[id] ?? 0) > 0, `${id} fired`);
    // Keys name the logging interface too (all these rows come from eni-0crafted000000001).
    const window = (key: string) =>
      js.alerts.find((a) => a.rule.id === 'flow-large-transfer-window' && a.key === `${key}|aws:eni-0crafted000000001`);
    const w0 = (T + 86400) / 600;
    // Window 0 alerted, was dropped by window 2, and a late row's fresh sum alerted again under the same key.
    assert.deepEqual(
      { records: window(`${w0}|10.0.3.9>198.51.100.7`)?.records, bytes: window(`${w0}|10.0.3.9>198.51.100.7`)?.bytes },
      { records: 2, bytes: 8000 },
    );
    // A sum carried from w1.log into w2.log.gz, and one without a time.
    assert.equal(window(`${w0 + 1}|10.0.2.9>198.51.100.7`)?.records, 2);
    assert.equal(window(`${w0 + 1}|10.0.2.9>198.51.100.7`)?.samples[0], 'w2.log.gz:2');
    assert.ok(window('-1|10.0.3.9>198.51.100.7'));
    assert.ok(js.stateNotes.some((s) => s.rule.includes('flow-visibility-missing-interval') && s.untracked === 1));
    assert.ok(js.malformedSamples.some((m) => m.message === 'port out of range'));
    assert.ok(js.alerts.some((a) => a.key.includes('2001:db8::9')));
    const unused = js.unusedRules.map((u) => u.id);
    assert.ok(unused.includes('T-SELF') && !unused.includes('T-REPLY'));
    assert.deepEqual(
      js.files.filter((f) => f.file === 'cloudwatch.log').map((f) => [f.records, f.malformed]),
      [[3, 1]],
    );
  } finally {
    t.cleanup();
  }
});

test('JS and DuckDB engines: a CloudWatch export in the default format mixing VPC and Transit Gateway lines', async () => {
  const tgw = readFileSync(path.join(FIXTURES, 'aws-tgw-default.log'), 'utf8').split('\n')[0]!;
  const t = tempDir({
    'cw.log': [
      rec('10.0.1.10', '10.0.2.20', 40000, 443, 900, T),
      tgw, // sandbox to data: an alert whose evidence names the TGW attachment
      tgw.replace('10.0.5.7 10.0.3.12', '10.0.1.7 10.0.2.12').replace(' 5432 ', ' 443 '),
      tgw.split(' ').slice(0, 30).join(' '), // too short for either format
      rec('10.0.5.9', '10.0.3.9', 40001, 6333, 900, T),
    ].join('\n'),
  });
  try {
    const js = await bothEngines([t.dir], { policy: craftedPolicy(), cwd: t.dir });
    assert.deepEqual([js.files[0]!.records, js.files[0]!.malformed], [4, 1]);
    assert.ok(js.alerts.some((a) => a.resource === 'tgw-attach-0a1b2c3d4e5f6g7h8'));
  } finally {
    t.cleanup();
  }
});

test('JS and DuckDB engines: a policy without a service zone keeps approved AI addresses in the internet zone, and the inference rule still spares them', async () => {
  const policy = parsePolicy(
    'cordon.yaml',
    `version: 1
zones:
  inference: { cidrs: [10.0.2.0/24] }
  internet: { kind: internet }
rules: []
flows:
  approved_ai_cidrs: [52.119.0.0/16, '2001:db8:a1::/48']
`,
  );
  const t = tempDir({
    'f.log': [
      V2_HEADER,
      rec('10.0.2.9', '52.119.1.1', 40000, 443, 900, T),
      rec('10.0.2.9', '2001:db8:a1::1', 40001, 443, 900, T),
      rec('10.0.2.9', '52.120.1.1', 40002, 443, 900, T),
    ].join('\n'),
  });
  try {
    const js = await bothEngines([t.dir], { policy, cwd: t.dir });
    assert.deepEqual(
      js.alerts.filter((a) => a.rule.id === 'flow-inference-unapproved-endpoint').map((a) => a.key),
      ['10.0.2.9>52.120.1.1:443/6|aws:eni-0crafted000000001'],
    );
  } finally {
    t.cleanup();
  }
});

test('JS and DuckDB engines: same state notes and alerts under tight bounds (max_alerts_per_rule overflow, visibility.max_interfaces)', async () => {
  const t = craftedDir();
  try {
    await generate(path.join(t.dir, 'gen.log'), 20_000, false);
    const policy = craftedPolicy([
      '  max_alerts_per_rule: 3',
      '  visibility: { gap_minutes: 30, max_interfaces: 100 }',
    ]);
    const js = await bothEngines([t.dir], { policy, cwd: t.dir });
    assert.ok(js.stateNotes.some((s) => s.note.includes('max_alerts_per_rule') && s.rule === 'flow-policy-drift'));
    assert.ok(js.stateNotes.some((s) => s.rule.includes('flow-visibility-skipdata') && s.untracked > 1000));
  } finally {
    t.cleanup();
  }
});

test('JS and DuckDB engines: truncated gzip files (AWS text, GCP JSON) give the same results and failed-read notes', async () => {
  const t = tempDir({});
  try {
    const plain = path.join(t.dir, 'gen.tmp');
    await generate(plain, 5_000, false);
    const gz = gzipSync(readFileSync(plain));
    rmSync(plain);
    writeFileSync(path.join(t.dir, 'cut.log.gz'), gz.subarray(0, Math.floor(gz.length * 0.6)));
    // And JSON, read by the JS readers in both engines (the GCP reader reads nothing of a broken file).
    const gcp = gzipSync(readFileSync(path.join(EXAMPLES, 'logs/gcp/vpc_flows.jsonl'), 'utf8').repeat(3000));
    writeFileSync(path.join(t.dir, 'gcp.jsonl.gz'), gcp.subarray(0, Math.floor(gcp.length * 0.6)));
    const js = await bothEngines([t.dir], { policy: craftedPolicy(), cwd: t.dir });
    assert.deepEqual(
      js.files.map((f) => [f.file, f.status, f.note.replace(/ \d+ /, ' N ')]),
      [
        ['cut.log.gz', 'partial', 'read failed after N records: unexpected end of file'],
        ['gcp.jsonl.gz', 'not-assessed', 'read failed: unexpected end of file'],
      ],
    );
    assert.ok(js.records > 1000 && js.records < 5000);
  } finally {
    t.cleanup();
  }
});

test('DuckDB engine: AWS files read together in one batch; a file DuckDB cannot read (not UTF-8) fails alone', async () => {
  const policy = craftedPolicy();
  const good = (n: number) =>
    [
      V2_HEADER,
      rec('10.0.3.9', `203.0.113.${n}`, 40000 + n, 443, 900, T),
      rec('10.0.5.9', '10.0.3.9', 40100 + n, 6333, 900, T),
    ].join('\n') + '\n';
  const t = tempDir({ 'a.log': good(1), 'c.log': good(3) });
  const only = tempDir({ 'a.log': good(1), 'c.log': good(3) });
  try {
    writeFileSync(path.join(t.dir, 'b.log'), Buffer.concat([Buffer.from(good(2)), Buffer.from([0xff, 0xfe, 0x0a])]));
    const duck = await analyzeFlowsDuckdb([t.dir], { policy, cwd: t.dir });
    assert.deepEqual(
      duck.files.map((f) => [f.file, f.status, f.records]),
      [
        ['a.log', 'read', 2],
        ['b.log', 'not-assessed', 0],
        ['c.log', 'read', 2],
      ],
    );
    assert.match(duck.files[1]!.note, /^read failed: /);
    // The other files give what they give alone, in either engine.
    const alone = await analyzeFlows([only.dir], { policy, cwd: only.dir });
    const rules = (r: FlowRunResult) =>
      findingsOf(r).filter((f) => f.checkId !== 'flow-input-not-assessed' && !f.checkId.startsWith('flow-visibility'));
    assert.deepEqual(rules(duck), rules(alone));
    assert.ok(rules(alone).length >= 4);
  } finally {
    t.cleanup();
    only.cleanup();
  }
});

test('DuckDB engine reads Parquet (written by DuckDB from a generated log): the same results as the JS engine on that log', async () => {
  const policy = craftedPolicy();
  // Same file name in two directories: the text log (for the JS engine) and the Parquet file (formats are detected
  // by content), so file names, lines and raw records compare as they are.
  const text = tempDir({});
  const pq = tempDir({});
  const db = await openDuckdb(1);
  try {
    const gen = path.join(text.dir, 'gen.tmp');
    await generate(gen, 20_000, false);
    // Without the header line, record n is line n in both files.
    const body = readFileSync(gen, 'utf8').split('\n').slice(1).join('\n');
    writeFileSync(path.join(text.dir, 'flows.log'), body);
    rmSync(gen);
    await db.connection.run(
      `COPY (SELECT * FROM read_csv('${path.join(text.dir, 'flows.log')}', delim=' ', header=false, nullstr='-', auto_detect=false,
        columns={'version':'INTEGER','account_id':'VARCHAR','interface_id':'VARCHAR','srcaddr':'VARCHAR','dstaddr':'VARCHAR','srcport':'INTEGER','dstport':'INTEGER','protocol':'INTEGER','packets':'BIGINT','bytes':'BIGINT','start':'BIGINT','end':'BIGINT','action':'VARCHAR','log_status':'VARCHAR'}))
       TO '${path.join(pq.dir, 'flows.log')}' (FORMAT parquet)`,
    );
    const js = await analyzeFlows([text.dir], { policy, cwd: text.dir });
    const duck = await analyzeFlowsDuckdb([pq.dir], { policy, cwd: pq.dir });
    assert.equal(duck.files[0]!.format, 'aws-vpc-parquet');
    assert.equal(duck.records, 20_000);
    assert.ok(countByRule(duck)['flow-large-transfer-window']! > 0);
    // Only the sniffer's note on the format differs.
    const withoutNotes = (r: FlowRunResult) => ({ ...comparable(r), files: r.files.map((f) => f.records) });
    assert.deepEqual(withoutNotes(duck), withoutNotes(js));
    assert.equal(duck.files[0]!.note, 'Parquet');
    // The JS engine does not read Parquet: not assessed, never a pass.
    const jsOnParquet = await analyzeFlows([pq.dir], { policy, cwd: pq.dir });
    assert.equal(jsOnParquet.files[0]!.status, 'not-assessed');
  } finally {
    db.close();
    text.cleanup();
    pq.cleanup();
  }
});

test('the DuckDB engine computes its rules in SQL: no batch reaches FlowAnalysis.flush or a rule module', async () => {
  const t = craftedDir();
  const spies = [
    mock.method(FlowAnalysis.prototype, 'flush'),
    ...[dataZoneEgress, dnsResolver, inferenceExternal, internetManagement, policyDrift, sandboxEscape].map((m) =>
      mock.method(m, 'onBatch'),
    ),
  ];
  try {
    const policy = craftedPolicy();
    const duck = await analyzeFlowsDuckdb([t.dir], { policy, cwd: t.dir });
    assert.ok(duck.alerts.length > 20);
    for (const s of spies) assert.equal(s.mock.callCount(), 0);
    // The spies see the JS engine's batches: the check above is not vacuous.
    await analyzeFlows([t.dir], { policy, cwd: t.dir });
    for (const s of spies) assert.ok(s.mock.callCount() > 0);
  } finally {
    for (const s of spies) s.mock.restore();
    t.cleanup();
  }
});

test('the data-egress rule written in SQL alone (dataEgressSql) finds the same (source, destination, port) groups as the rule module', async () => {
  const policy = referencePolicy();
  const t = tempDir({});
  const db = await openDuckdb(1);
  try {
    const file = path.join(t.dir, 'gen.log');
    await generate(file, 20_000, false);
    const js = await analyzeFlows([file], { policy, cwd: t.dir });
    const zones = buildZoneMap(policy, policy.document.flows);
    await loadZoneTable(db.connection, zones);
    const rows = (
      await db.connection.runAndReadAll(dataEgressSql(file, [zones.zoneId('data')!], zones.internet))
    ).getRowObjectsJS();
    const sqlKeys = rows
      .map((r) =>
        [r.srcaddr, '>', r.dstaddr, ':', r.dstport, '/', r.protocol, '|', r.action]
          .map((x) => (typeof x === 'string' || typeof x === 'number' ? String(x) : '?'))
          .join(''),
      )
      .sort();
    // The rule module's alerts are per flow and logging interface (key "flow|provider:resource"); the SQL's per flow.
    const jsKeys = [
      ...new Set(
        js.alerts
          .filter((a) => a.rule.id === 'flow-data-zone-egress')
          .map((a) => `${a.key.slice(0, a.key.lastIndexOf('|'))}|${a.severity === 'high' ? 'ACCEPT' : 'REJECT'}`),
      ),
    ].sort();
    assert.ok(jsKeys.length > 0);
    assert.deepEqual(sqlKeys, jsKeys);
  } finally {
    db.close();
    t.cleanup();
  }
});

test('the DuckDB engine runs under a memory limit (1 GB unless --duckdb-memory says otherwise)', async () => {
  const limit = async (size?: string) => {
    const db = await openDuckdb(1, size);
    try {
      const r = await db.connection.runAndReadAll("SELECT current_setting('memory_limit') AS m");
      const m = r.getRowObjectsJS()[0]!.m;
      assert.equal(typeof m, 'string');
      return m as string;
    } finally {
      db.close();
    }
  };
  // DuckDB reports the limit in binary units.
  assert.equal(await limit(), '953.6 MiB');
  assert.equal(await limit('64MB'), '61.0 MiB');
  await assert.rejects(limit('lots'), /not a memory size: lots/);
});

test('JS and DuckDB engines: CloudWatch Logs as the AWS CLI, export tasks and subscriptions give it back (filter-log-events JSON, export-task lines with their time prefix, Firehose-delivered gzip members with a control message, Resolver queries), every record located at its file line', async () => {
  const t = tempDir(
    {
      'events.json': readFileSync(path.join(FIXTURES, 'aws-cloudwatch-filter-log-events.json'), 'utf8'),
      'export/000000.gz': readFileSync(path.join(FIXTURES, 'aws-cloudwatch-export-000000'), 'utf8'),
      'dns/000000': readFileSync(path.join(FIXTURES, 'route53-cloudwatch-export-000000'), 'utf8'),
      // Resolver queries sent to CloudWatch and on through a subscription: the queries are the events' messages.
      'dns/firehose-r53': gzipSync(
        '{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1763769600000,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}' +
          JSON.stringify({
            messageType: 'DATA_MESSAGE',
            owner: '123456789012',
            logGroup: 'resolver-query-logs',
            logStream: 'vpc-0a1b2c3d4e5f67890_0',
            subscriptionFilters: ['to-firehose'],
            logEvents: ['52.94.1.8', '10.0.2.200'].map((answer, k) => ({
              id: String(k),
              timestamp: 1763769720000,
              message: r53({
                name: 'bedrock-runtime.us-east-1.amazonaws.com',
                src: '10.0.2.16',
                answers: [['A', answer]],
              }),
            })),
          }),
      ),
      // Firehose keeps each subscription payload a gzip member of its own: one object per member, no separator.
      'firehose/vpc-flows-1-2025-11-22-00-01-00-abcd': Buffer.concat(
        readFileSync(path.join(FIXTURES, 'aws-cloudwatch-subscription.json'), 'utf8')
          .split(/(?=\{"messageType")/)
          .map((o) => gzipSync(o)),
      ),
    },
    ['export/000000.gz'],
  );
  try {
    const r = await bothEngines([t.dir], { policy: referencePolicy(), cwd: t.dir });
    assert.deepEqual(
      r.files.map((f) => [f.file, f.format, f.records, f.malformed, f.status]),
      [
        ['dns/000000', 'route53-dns', 1, 0, 'read'],
        ['dns/firehose-r53', 'route53-dns', 2, 0, 'read'],
        ['events.json', 'aws-vpc-cloudwatch', 3, 1, 'partial'],
        ['export/000000.gz', 'aws-vpc-cloudwatch', 3, 0, 'read'],
        ['firehose/vpc-flows-1-2025-11-22-00-01-00-abcd', 'aws-vpc-cloudwatch', 2, 1, 'partial'],
      ],
    );
    // The fourth event's message is on line 27 of the pretty-printed output.
    assert.deepEqual(r.malformedSamples, [
      { file: 'events.json', line: 27, message: 'fewer fields than the format' },
      { file: 'firehose/vpc-flows-1-2025-11-22-00-01-00-abcd', line: 1, message: 'fewer fields than the format' },
    ]);
    assert.deepEqual([r.nodata, r.skipdata, r.dnsQueries], [1, 1, 3]);
    const at = (rule: string) =>
      alertsOf(r, rule)
        .map((a) => `${a.severity} ${a.file}:${a.line}`)
        .sort();
    assert.deepEqual(at('flow-data-zone-egress'), [
      'high events.json:6',
      'high firehose/vpc-flows-1-2025-11-22-00-01-00-abcd:1',
      'medium events.json:13',
    ]);
    assert.deepEqual(at('flow-sandbox-escape'), [
      'critical export/000000.gz:3',
      'critical firehose/vpc-flows-1-2025-11-22-00-01-00-abcd:1',
    ]);
    assert.deepEqual(at('flow-visibility-skipdata'), ['medium events.json:20']);
    assert.deepEqual(at('dns-ai-public-answer'), ['high dns/000000:1', 'high dns/firehose-r53:1']);
    // A search result is not a complete series: no missing-interval alert between its events.
    assert.deepEqual(at('flow-visibility-missing-interval'), []);
  } finally {
    t.cleanup();
  }
});

test('JS and DuckDB engines: an S3 header with a field cordon does not know (one AWS added since) skips that column and reads the rest, reported at the header line; before, the file was refused and its records misread by the default layout', async () => {
  // A 14-column layout whose 13th column is new: the default layout would take it for the action.
  const header =
    'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end flow-hint log-status';
  const t = tempDir({
    '123456789012_vpcflowlogs_us-east-1_fl-0abc_20251122T0000Z_fe1.log': [
      header,
      '2 123456789012 eni-0a 10.0.3.9 198.51.100.7 40000 443 6 4 5000 1763769600 1763769660 ACCEPT OK',
      '2 123456789012 eni-0a 10.0.3.9 198.51.100.8 40000 443 6 4 5000 1763769600 1763769660 - OK',
    ].join('\n'),
  });
  try {
    const r = await bothEngines([t.dir], { policy: referencePolicy(), cwd: t.dir });
    assert.deepEqual(
      r.files.map((f) => [f.records, f.malformed, f.status]),
      [[2, 1, 'partial']],
    );
    assert.match(r.malformedSamples[0]!.message, /^header: unknown flow log field flow-hint .*skipped/);
    assert.equal(r.malformedSamples[0]!.line, 1);
    // No action column: both records are observed, not accepted (the default layout read ACCEPT as the action).
    assert.deepEqual(
      alertsOf(r, 'flow-data-zone-egress').map((a) => (a.evidence as { action: string }).action),
      ['OBSERVED', 'OBSERVED'],
    );
  } finally {
    t.cleanup();
  }
});

test('JS and DuckDB engines: a custom format with pkt-srcaddr/pkt-dstaddr but not srcaddr/dstaddr is read (AWS lets a format pick any fields); it was refused as lacking srcaddr', async () => {
  const r = await runBoth({
    'pkt.log': [
      'version interface-id pkt-srcaddr pkt-dstaddr srcport dstport protocol bytes start end action log-status',
      '5 eni-0a 10.0.3.9 198.51.100.7 40000 443 6 5000 1763769600 1763769660 ACCEPT OK',
      '5 eni-0a - - - - - - 1763769600 1763769660 - NODATA',
    ].join('\n'),
  });
  assert.deepEqual(
    r.files.map((f) => [f.records, f.malformed, f.status]),
    [[2, 0, 'read']],
  );
  assert.deepEqual(
    alertsOf(r, 'flow-data-zone-egress').map((a) => [a.severity, a.line]),
    [['high', 2]],
  );
});

test("JS and DuckDB engines: records too far from their interface's first record for the coverage map are reported as not checked for missing intervals, not as a settings bound to raise", async () => {
  const day = 86_400;
  const r = await runBoth({
    'a.log': [
      V2_HEADER,
      ...[0, 1, 20].map(
        (d) =>
          `2 123456789012 eni-0far 10.0.3.9 10.0.3.10 40000 6333 6 1 100 ${1763769600 + d * day} ${1763769660 + d * day} ACCEPT OK`,
      ),
    ].join('\n'),
  });
  assert.deepEqual(
    r.stateNotes.map((n) => [n.rule, n.untracked, n.note.split(':')[0]]),
    [
      [
        'flow-visibility-skipdata, flow-visibility-missing-interval',
        1,
        'these records were not checked for missing intervals',
      ],
    ],
  );
});

test('JS and DuckDB engines: CloudWatch Logs output cut short (a nextToken, or NextToken from --max-items) is partial, at the token’s line — the events after that page were not read, and the file read as complete', async () => {
  const event = (n: number) => ({
    logStreamName: 'eni-0a1b2c3d4e5f60001-all',
    timestamp: 1763769660000,
    message: `2 123456789012 eni-0a1b2c3d4e5f60001 10.0.1.${n} 10.0.2.9 40000 443 6 4 5000 1763769600 1763769660 ACCEPT OK`,
  });
  const t = tempDir({
    'page.json': JSON.stringify(
      { events: [event(5)], searchedLogStreams: [], nextToken: 'Bxkq6kVGFtq2y_MoigeqscPOdhXVbhiVtLoAmXb5jCo' },
      null,
      4,
    ),
    'items.json': JSON.stringify({ events: [event(6)], NextToken: 'eyJuZXh0VG9rZW4iOiBudWxsfQ==' }, null, 4),
    'whole.json': JSON.stringify(
      { events: [event(7), { ...event(8), message: 'nextToken' }], searchedLogStreams: [] },
      null,
      4,
    ),
  });
  try {
    const r = await bothEngines([t.dir], { policy: referencePolicy(), cwd: t.dir });
    assert.deepEqual(
      r.files.map((f) => [f.file, f.records, f.malformed, f.status]),
      [
        ['items.json', 1, 1, 'partial'],
        ['page.json', 1, 1, 'partial'],
        ['whole.json', 1, 1, 'partial'],
      ],
    );
    assert.deepEqual(r.malformedSamples.map((m) => `${m.file}:${m.line}: ${m.message}`).sort(), [
      'items.json:9: the output has a NextToken: the events after this page were not read (page through it, or leave out --max-items)',
      'page.json:10: the output has a nextToken: the events after this page were not read (page through it, or leave out --max-items)',
      'whole.json:11: fewer fields than the format',
    ]);
  } finally {
    t.cleanup();
  }
});
