/** Every rule: a case that fires and one that does not, on small AWS logs and the reference policy's zones. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertsOf, log, referencePolicy, runBoth, runOn, v2 } from './helpers.js';
import { parsePolicy } from '../../src/policy/load.js';
import { REFERENCE_POLICY_YAML } from '../../src/policy/reference.js';

// Reference zones: application 10.0.1/24, inference .2, data .3, management .4, sandbox .5; everything else internet.
const APP = '10.0.1.10';
const INF = '10.0.2.20';
const DATA = '10.0.3.30';
const MGMT = '10.0.4.10';
const SBX = '10.0.5.9';
const NET = '203.0.113.66';

test('data-zone egress: accepted is high, rejected is a medium attempt; private and gateway-endpoint destinations do not fire', async () => {
  const r = await runOn({
    'a.log': log(
      v2(DATA, NET, 50000, 443),
      v2(DATA, '203.0.113.67', 50001, 443, 10, 'REJECT'),
      v2(DATA, '172.16.5.5', 50002, 443),
      v2(DATA, INF, 6333, 41000),
    ),
  });
  const a = alertsOf(r, 'flow-data-zone-egress');
  assert.deepEqual(
    a.map((x) => [x.severity, x.talker, x.line]),
    [
      ['high', DATA, 2],
      ['medium', DATA, 3],
    ],
  );
  const quiet = await runOn({
    'b.log':
      'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status traffic-path pkt-dst-aws-service\n' +
      `5 123456789012 eni-1 ${DATA} 52.216.8.10 50000 443 6 10 5000 1763769600 1763769660 ACCEPT OK 7 S3\n`,
  });
  assert.equal(alertsOf(quiet, 'flow-data-zone-egress').length, 0);
  assert.deepEqual(
    quiet.matrix.map((m) => `${m.from}>${m.to}`),
    ['data>(AWS service via gateway endpoint)'],
  );
});

test('data-zone egress: "private" follows the configuration, not RFC 1918', async () => {
  const files = { 'a.log': log(v2(DATA, '172.16.5.5', 50002, 443)) };
  assert.equal(alertsOf(await runOn(files), 'flow-data-zone-egress').length, 0);
  assert.equal(alertsOf(await runOn(files, referencePolicy('  private_cidrs: []')), 'flow-data-zone-egress').length, 1);
  // A VPC on public space declared as private is not the internet.
  const pub = { 'a.log': log(v2(DATA, '100.20.0.9', 50002, 443)) };
  assert.equal(alertsOf(await runOn(pub), 'flow-data-zone-egress').length, 1);
  assert.equal(
    alertsOf(await runOn(pub, referencePolicy("  private_cidrs: ['100.20.0.0/16']")), 'flow-data-zone-egress').length,
    0,
  );
});

test('large transfer (seed 000): more than flow_bytes to a destination the policy does not approve fires; exactly the threshold, an approved destination, or within a zone does not', async () => {
  const MIB100 = 100 * 1024 * 1024;
  const r = await runBoth({
    'a.log': log(
      v2(INF, NET, 50000, 443, MIB100 + 1),
      v2(INF, NET, 50001, 443, MIB100),
      // NET-001 allows application -> inference on 443: a large upload there is the traffic the policy asked for.
      v2(APP, INF, 50003, 443, 5 * MIB100),
      v2(DATA, '10.0.3.31', 50002, 9000, 500_000_000),
    ),
  });
  const a = alertsOf(r, 'flow-large-transfer');
  assert.deepEqual(
    a.map((x) => [x.talker, x.bytes]),
    [[INF, MIB100 + 1]],
  );
});

test('large transfer per pair: the window sum crossing pair_bytes fires once; another window or another pair does not add up', async () => {
  const policy = referencePolicy(
    '  large_transfer:\n    pair_bytes: 1000\n    window_minutes: 60\n    flow_bytes: 1000000',
  );
  const t0 = 1763769600;
  const r = await runOn(
    {
      'a.log': log(
        v2(DATA, NET, 1, 443, 600, 'ACCEPT', 6, t0),
        v2(DATA, NET, 2, 443, 600, 'ACCEPT', 6, t0 + 60),
        v2(DATA, NET, 3, 443, 600, 'ACCEPT', 6, t0 + 120),
      ),
    },
    policy,
  );
  const a = alertsOf(r, 'flow-large-transfer-window');
  assert.equal(a.length, 1);
  assert.equal(a[0]!.line, 3);
  assert.equal(a[0]!.bytes, 1200);
  const split = await runOn(
    {
      'a.log': log(
        v2(DATA, NET, 1, 443, 600, 'ACCEPT', 6, t0 - 60),
        v2(DATA, NET, 2, 443, 600, 'ACCEPT', 6, t0 + 3600),
        v2(DATA, '203.0.113.70', 3, 443, 600, 'ACCEPT', 6, t0 + 3600),
      ),
    },
    policy,
  );
  assert.equal(alertsOf(split, 'flow-large-transfer-window').length, 0);
});

test('large transfer per pair: the state bound is counted, not silent', async () => {
  const policy = referencePolicy('  large_transfer:\n    max_pairs: 1');
  const r = await runOn({ 'a.log': log(v2(DATA, NET, 1, 443), v2(DATA, '203.0.113.70', 2, 443)) }, policy);
  assert.equal(r.stateNotes.length, 1);
  assert.equal(r.stateNotes[0]!.untracked, 1);
});

test('inference to an unapproved external endpoint fires; approved CIDRs and private DNS answers of approved names do not', async () => {
  const r = await runOn({
    'a.log': log(v2(INF, '104.18.33.45', 50000, 443), v2(INF, '104.18.33.46', 50001, 443, 10, 'REJECT')),
  });
  assert.deepEqual(
    alertsOf(r, 'flow-inference-unapproved-endpoint').map((a) => a.severity),
    ['high', 'low'],
  );
  const approved = await runOn(
    { 'a.log': log(v2(INF, '104.18.33.45', 50000, 443)) },
    referencePolicy("  approved_ai_cidrs: ['104.18.0.0/16']"),
  );
  assert.equal(alertsOf(approved, 'flow-inference-unapproved-endpoint').length, 0);
  // Approved endpoints are the service zone: NET-002 allows inference -> external_ai, so no drift either.
  assert.equal(alertsOf(approved, 'flow-policy-drift').length, 0);
  assert.ok(approved.matrix.some((m) => m.from === 'inference' && m.to === 'external_ai'));
  const dns =
    JSON.stringify({
      query_timestamp: '2025-11-22T00:00:00Z',
      query_name: 'bedrock-runtime.us-east-1.amazonaws.com.',
      query_type: 'A',
      rcode: 'NOERROR',
      answers: [{ Rdata: '172.31.0.10', Type: 'A', Class: 'IN' }],
      srcaddr: INF,
      account_id: '1',
      region: 'us-east-1',
      vpc_id: 'vpc-1',
    }) + '\n';
  // The flow file sorts before the DNS file: DNS logs are still read first.
  const learned = await runOn({ 'a-flows.log': log(v2(INF, '172.31.0.10', 50000, 443)), 'z-dns.log': dns });
  assert.deepEqual(
    learned.alerts.map((a) => a.rule.id),
    [],
  );
});

test('policy drift: accepted traffic no allow rule permits fires, naming the deny rule or the default deny; allowed traffic and its replies do not', async () => {
  const r = await runOn({
    'a.log': log(
      v2(APP, DATA, 50300, 5432),
      v2(APP, '10.0.3.31', 50301, 5432, 10, 'REJECT'),
      v2(INF, NET, 50400, 443),
      v2(APP, INF, 50500, 443),
      v2(INF, APP, 443, 50500),
      v2(INF, DATA, 41000, 6333),
      v2(DATA, INF, 6333, 41000),
      v2(APP, '10.0.1.11', 50600, 9999),
    ),
  });
  const a = alertsOf(r, 'flow-policy-drift');
  assert.equal(a.length, 2);
  const db = a.find((x) => x.message.includes('5432'))!;
  assert.match(db.message, /default deny/);
  assert.equal(db.severity, 'high');
  const out = a.find((x) => x.message.includes(NET))!;
  assert.match(out.message, /deny rule NET-012/);
  assert.deepEqual(out.evidence.violatedRules, ['NET-012']);
});

test('unused allow rules: allow rules with no accepted traffic are listed, used ones are not', async () => {
  const r = await runOn({ 'a.log': log(v2(APP, INF, 50500, 443), v2(INF, DATA, 41000, 6333, 10, 'REJECT')) });
  const unused = r.unusedRules.map((u) => u.id);
  assert.ok(!unused.includes('NET-001'));
  assert.ok(unused.includes('NET-003'), 'rejected traffic does not count as use');
  assert.ok(unused.includes('NET-000'));
});

test('sandbox escape: accepted out of the sandbox is critical; replies to allowed calls into the sandbox are not escapes', async () => {
  const r = await runOn({
    'a.log': log(
      v2(SBX, DATA, 50400, 6333),
      v2(SBX, NET, 50401, 443, 10, 'REJECT'),
      v2(SBX, INF, 8443, 45000),
      v2(SBX, '10.0.5.10', 50402, 80),
    ),
  });
  const a = alertsOf(r, 'flow-sandbox-escape');
  assert.deepEqual(
    a.map((x) => x.severity),
    ['critical', 'low'],
  );
});

test('internet to management: accepted SSH from the internet fires; rejected probes and internal admin traffic do not', async () => {
  const r = await runOn({
    'a.log': log(
      v2('45.83.64.1', MGMT, 50500, 22),
      v2('45.83.64.2', APP, 50501, 3389),
      v2('45.83.64.3', MGMT, 50502, 22, 10, 'REJECT'),
      v2(INF, MGMT, 50503, 22),
    ),
  });
  const a = alertsOf(r, 'flow-internet-to-management');
  assert.equal(a.length, 2);
  assert.ok(a.every((x) => x.severity === 'high'));
  assert.deepEqual(a.map((x) => x.line).sort(), [2, 3]);
});

test('DNS to unapproved resolvers: a public resolver fires; approved and provider resolvers do not', async () => {
  const r = await runOn(
    {
      'a.log': log(
        v2(INF, '8.8.8.8', 50600, 53, 100, 'ACCEPT', 17),
        v2(APP, '1.1.1.1', 50601, 853, 100, 'ACCEPT', 6),
        v2(APP, '169.254.169.253', 50602, 53, 100, 'ACCEPT', 17),
        v2(APP, '10.0.4.53', 50603, 53, 100, 'ACCEPT', 17),
      ),
    },
    referencePolicy("  approved_resolvers: ['10.0.4.53/32']"),
  );
  const a = alertsOf(r, 'flow-dns-unapproved-resolver');
  assert.deepEqual(
    a.map((x) => [x.severity, x.talker]),
    [
      ['high', INF],
      ['medium', APP],
    ],
  );
});

function query(name: string, type: string, second: number, src = '10.0.5.9'): string {
  return JSON.stringify({
    query_timestamp: `2025-11-22T00:10:${String(second % 60).padStart(2, '0')}Z`,
    query_name: `${name}.`,
    query_type: type,
    rcode: 'NOERROR',
    answers: [],
    srcaddr: src,
    account_id: '123456789012',
    region: 'us-east-1',
    vpc_id: 'vpc-1',
  });
}

test('DNS tunnelling: many long random TXT subdomains of one domain fire; ordinary lookups do not', async () => {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const label = () =>
    Array.from({ length: 45 }, () => 'abcdefghijklmnopqrstuvwxyz234567'[Math.floor(rand() * 32)]).join('');
  const lines = Array.from({ length: 120 }, (_, k) => query(`${label()}.t.exfil-cdn.net`, 'TXT', k));
  const normal = Array.from({ length: 120 }, (_, k) => query(`host${k % 5}.internal.example.com`, 'A', k, '10.0.1.10'));
  const r = await runOn({ 'dns.log': [...lines, ...normal].join('\n') + '\n' });
  const a = alertsOf(r, 'dns-tunnelling');
  assert.equal(a.length, 1);
  assert.equal(a[0]!.talker, '10.0.5.9');
  assert.equal(a[0]!.evidence.baseDomain, 'exfil-cdn.net');
  assert.ok((a[0]!.evidence.signals as string[]).includes('many-subdomains'));
  assert.equal(a[0]!.line, 1);
});

test('DNS tunnelling: a high TXT share with long labels fires at low volume; the same names as A queries do not', async () => {
  const names = Array.from({ length: 30 }, (_, k) => `${'q'.repeat(28)}${String(k).padStart(12, '0')}.c2.io`);
  // 30 queries over 30 minutes: no rate or subdomain-count signal, only long labels and the TXT share.
  const at = (k: number) => `2025-11-22T00:${String(k).padStart(2, '0')}:00Z`;
  const q = (name: string, type: string, k: number) =>
    JSON.stringify({
      query_timestamp: at(k),
      query_name: `${name}.`,
      query_type: type,
      rcode: 'NOERROR',
      answers: [],
      srcaddr: '10.0.2.20',
      account_id: '1',
      region: 'us-east-1',
      vpc_id: 'vpc-1',
    });
  const txt = await runOn({ 'dns.log': names.map((n, k) => q(n, 'TXT', k)).join('\n') + '\n' });
  const a = alertsOf(txt, 'dns-tunnelling');
  assert.equal(a.length, 1);
  assert.deepEqual(a[0]!.evidence.signals, ['unusual-names', 'txt-null-share']);
  assert.deepEqual(a[0]!.evidence.nameFeatures, ['long-label']);
  const plain = await runOn({ 'dns.log': names.map((n, k) => q(n, 'A', k)).join('\n') + '\n' });
  assert.equal(alertsOf(plain, 'dns-tunnelling').length, 0);
});

test('DNS tunnelling: one long name alone is one signal and does not fire; query volume per source fires on its own', async () => {
  const one = await runOn({
    'dns.log': query('abcdefghij.klmnopqrst.uvwxyzabcd.efghijklmn.opqrstuvwx.example.com', 'A', 1) + '\n',
  });
  assert.ok('abcdefghij.klmnopqrst.uvwxyzabcd.efghijklmn.opqrstuvwx.example.com'.length > 52);
  assert.equal(alertsOf(one, 'dns-tunnelling').length, 0);
  const policy = referencePolicy('  dns:\n    queries_per_minute: 10');
  const many = await runOn(
    { 'dns.log': Array.from({ length: 11 }, (_, k) => query(`h${k}.example.com`, 'A', 5)).join('\n') + '\n' },
    policy,
  );
  assert.equal(alertsOf(many, 'dns-query-volume').length, 1);
  const few = await runOn(
    { 'dns.log': Array.from({ length: 10 }, (_, k) => query(`h${k}.example.com`, 'A', 5)).join('\n') + '\n' },
    policy,
  );
  assert.equal(alertsOf(few, 'dns-query-volume').length, 0);
});

test("visibility: SKIPDATA fires; a hole in an interface's records fires; continuous NODATA/OK records do not", async () => {
  const nodata = (t: number, eni = 'eni-0gap') => `2 123456789012 ${eni} - - - - - - - ${t} ${t + 600} - NODATA`;
  const skip = `2 123456789012 eni-0skip - - - - - - - 1763769600 1763770200 - SKIPDATA`;
  const t0 = 1763769600;
  const r = await runOn({
    'a.log': log(
      skip,
      nodata(t0),
      nodata(t0 + 600),
      nodata(t0 + 3600 * 3),
      nodata(t0, 'eni-0ok'),
      nodata(t0 + 600, 'eni-0ok'),
      nodata(t0 + 1200, 'eni-0ok'),
    ),
  });
  assert.equal(alertsOf(r, 'flow-visibility-skipdata').length, 1);
  const gaps = alertsOf(r, 'flow-visibility-missing-interval');
  assert.equal(gaps.length, 1);
  assert.equal(gaps[0]!.resource, 'eni-0gap');
  assert.match(gaps[0]!.message, /2025-11-22T00:20:00Z to 2025-11-22T03:00:00Z/);
});

test('pkt-srcaddr places NAT-gateway traffic in the zone of the original source', async () => {
  const hdr =
    'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status pkt-srcaddr pkt-dstaddr';
  const r = await runOn({
    'a.log': `${hdr}\n5 123456789012 eni-nat 10.0.0.5 ${NET} 50700 443 6 6 900 1763769600 1763769660 ACCEPT OK ${DATA} ${NET}\n`,
  });
  assert.equal(alertsOf(r, 'flow-data-zone-egress').length, 1);
  assert.ok(r.matrix.some((m) => m.from === 'data' && m.to === 'internet'));
});

test('unreadable and unknown files are not assessed, never a pass; one bad file does not stop the others', async () => {
  const r = await runOn({
    'a.log': log(v2(DATA, NET, 50000, 443)),
    'b.txt': 'hello world\n',
    'c.log.gz': 'not gzip at all',
  });
  assert.equal(alertsOf(r, 'flow-data-zone-egress').length, 1);
  const na = r.files.filter((f) => f.status === 'not-assessed').map((f) => f.file);
  assert.deepEqual(na, ['b.txt', 'c.log.gz']);
  assert.equal(alertsOf(r, 'flow-input-not-assessed').length, 2);
});

test('a truncated gzip file: the records before the break are used, the file is partial and the rest not assessed', async () => {
  const { gzipSync } = await import('node:zlib');
  const { writeFileSync } = await import('node:fs');
  const { tempDir } = await import('./helpers.js');
  const { analyzeFlows } = await import('../../src/flows/analyze.js');
  const lines = Array.from({ length: 20000 }, (_, k) => v2(DATA, `203.0.${(k >> 8) & 255}.${k & 255}`, 40000, 443));
  const gz = gzipSync(log(...lines));
  const t = tempDir({});
  try {
    writeFileSync(`${t.dir}/cut.log.gz`, gz.subarray(0, Math.floor(gz.length / 2)));
    const r = await analyzeFlows([t.dir], { policy: referencePolicy(), cwd: t.dir });
    const f = r.files[0]!;
    assert.equal(f.status, 'partial');
    assert.ok(f.records > 0 && f.records < 20000, String(f.records));
    assert.match(f.note, /read failed after \d+ records/);
    assert.equal(alertsOf(r, 'flow-input-not-assessed').length, 1);
    // Every record read is one egress alert; beyond max_alerts_per_rule (5000) they are counted as overflow.
    const overflow = r.stateNotes.find((n) => n.rule === 'flow-data-zone-egress')?.untracked ?? 0;
    assert.equal(alertsOf(r, 'flow-data-zone-egress').length, 5000);
    assert.equal(5000 + overflow, f.records);
  } finally {
    t.cleanup();
  }
});

test('per-rule severity: a deny rule with severity sets the drift alert severity in both engines; rules without keep the default', async () => {
  const policy = parsePolicy(
    'cordon.yaml',
    REFERENCE_POLICY_YAML.replace(
      /( {2}- id: NET-012\n(?: {4}.*\n)*? {4}action: deny\n)/,
      '$1    severity: critical\n',
    ),
  );
  assert.equal(policy.rules.find((x) => x.id === 'NET-012')?.severity, 'critical');
  const r = await runBoth({ 'a.log': log(v2(INF, NET, 50400, 443), v2(APP, DATA, 50300, 5432)) }, policy);
  const a = alertsOf(r, 'flow-policy-drift');
  assert.equal(a.find((x) => x.message.includes(NET))?.severity, 'critical');
  assert.equal(a.find((x) => x.message.includes('5432'))?.severity, 'high', 'default deny keeps the default');
});

test('rules may name the unzoned private space: traffic to it is judged only then, in both engines', async () => {
  const UNZONED = '10.99.0.7';
  const files = { 'a.log': log(v2(INF, UNZONED, 50410, 443)) };
  const quiet = await runBoth(files);
  assert.equal(alertsOf(quiet, 'flow-policy-drift').length, 0, 'without a rule naming it, unzoned space is not judged');
  const policy = parsePolicy(
    'cordon.yaml',
    REFERENCE_POLICY_YAML.replace(
      '\n# Accepted risks',
      `
  - id: NET-099
    name: Inference reaches no unplanned private address
    from: inference
    to: unzoned
    action: deny
    protocol: any
    severity: high
    justification: every private destination of the inference zone is a planned zone

# Accepted risks`,
    ),
  );
  const a = alertsOf(await runBoth(files, policy), 'flow-policy-drift');
  assert.equal(a.length, 1);
  assert.match(a[0]!.message, /NET-099/);
});

test('a format without a verdict (no action column, like Transit Gateway and GCP) is reported as observed, never as accepted, in both engines', async () => {
  const header = 'version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end log-status';
  const line = (src: string, dst: string, dport: number) =>
    `5 eni-0obs ${src} ${dst} 40000 ${dport} 6 10 5000 1763769600 1763769660 OK`;
  const r = await runBoth({
    'observed.log':
      [header, line('10.0.3.9', '203.0.113.7', 443), line('10.0.5.9', '10.0.3.9', 6333)].join('\n') + '\n',
    'accepted.log': log(v2('10.0.3.8', '203.0.113.8', 40000, 443)),
  });
  const pick = (rule: string) =>
    alertsOf(r, rule)
      .map((a) => [a.message.split(':')[0], (a.evidence as { action: string }).action])
      .sort();
  assert.deepEqual(pick('flow-data-zone-egress'), [
    ['Accepted egress from data zone data', 'ACCEPT'],
    ['Observed (no verdict in the log) egress from data zone data', 'OBSERVED'],
  ]);
  assert.deepEqual(pick('flow-sandbox-escape'), [
    ['Observed (no verdict in the log) connection out of sandbox zone sandbox to zone data', 'OBSERVED'],
  ]);
});

test('a format without the protocol column still names the destination port in messages (ICMP rows do not)', async () => {
  const r = await runBoth({
    'noproto.log':
      [
        'version interface-id srcaddr dstaddr dstport action log-status',
        '5 eni-0c 10.0.3.9 198.51.100.7 443 ACCEPT OK',
      ].join('\n') + '\n',
    'icmp.log': log(v2('10.0.3.8', '198.51.100.8', 0, 0, 84, 'ACCEPT', 1)),
  });
  assert.deepEqual(
    alertsOf(r, 'flow-data-zone-egress')
      .map((a) => a.message.split(': ')[1]!.split(' (')[0])
      .sort(),
    ['10.0.3.8 -> 198.51.100.8/icmp', '10.0.3.9 -> 198.51.100.7:443/-'],
  );
});
