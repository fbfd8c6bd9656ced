/** Both engines give the same alerts, matrix and malformed counts on the same data; the SQL-only egress rule agrees. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { generate } from '../../bench/flows.js';
import { analyzeFlows, type FlowRunResult } from '../../src/flows/analyze.js';
import { analyzeFlowsDuckdb, dataEgressSql, loadZoneTable, openDuckdb } from '../../src/flows/duckdb.js';
import { findingsOf } from '../../src/flows/report.js';
import { buildZoneMap } from '../../src/flows/zones.js';
import { EXAMPLES, log, referencePolicy, tempDir, v2 } from './helpers.js';

function comparable(r: FlowRunResult) {
  // The raw evidence text differs only in how it was read (bytes vs SQL); everything else must match.
  return {
    findings: findingsOf(r).map((f) => ({ ...f, evidence: { ...f.evidence, firstRecord: undefined } })),
    matrix: r.matrix,
    records: r.records,
    nodata: r.nodata,
    skipdata: r.skipdata,
    malformed: r.malformedTotal,
    malformedLines: r.malformedSamples.map((m) => `${m.file}:${m.line}`),
    unused: r.unusedRules,
    files: r.files.map((f) => ({ ...f, format: f.format.replace('-parquet', '') })),
  };
}

test('JS and DuckDB engines: same alerts on the example directory (AWS gzip + plain with a malformed line, Azure, GCP, DNS)', async () => {
  const policy = (await import('../../src/policy/load.js')).loadPolicyFile(path.join(EXAMPLES, 'cordon.yaml'));
  const p = await policy;
  const opts = { policy: p, cwd: EXAMPLES };
  const js = await analyzeFlows([path.join(EXAMPLES, 'logs')], opts);
  const duck = await analyzeFlowsDuckdb([path.join(EXAMPLES, 'logs')], opts);
  assert.ok(js.alerts.length > 10);
  assert.deepEqual(comparable(duck), comparable(js));
  assert.equal(duck.engine, 'duckdb');
});

test('JS and DuckDB engines: same alerts on 20 000 generated records with IPv6, junk lines and a custom header', async () => {
  const policy = referencePolicy("  approved_ai_cidrs: ['52.119.0.0/16']\n  large_transfer:\n    pair_bytes: 5000000");
  const t = tempDir({
    'odd.log':
      'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status pkt-srcaddr flow-direction traffic-path\n' +
      '5 1 eni-1 10.0.0.5 203.0.113.9 1 443 6 1 900 1763769600 1763769660 ACCEPT OK 10.0.3.31 egress 8\n' +
      '5 1 eni-1 2001:db8::1 2001:db8::2 1 443 6 1 900 1763769600 1763769660 ACCEPT OK - ingress -\n' +
      '5 1 eni-1 10.0.3.3 8.8.8.8 1 53 17 1 90 1763769600 1763769660 ACCEPT OK - egress 8\n' +
      'garbage line\n' +
      '5 1 eni-1 10.0.3.3 8.8.8.8 1 53 17 1 90 1763769600 1763769660 ACCEPT\n',
    'small.log': log(v2('10.0.3.30', '203.0.113.66', 50000, 443), v2('10.0.5.9', '10.0.3.30', 1, 6333)),
  });
  try {
    await generate(path.join(t.dir, 'gen.log'), 20_000, false);
    const opts = { policy, cwd: t.dir };
    const js = await analyzeFlows([t.dir], opts);
    const duck = await analyzeFlowsDuckdb([t.dir], opts);
    assert.ok(js.records > 19_000);
    assert.equal(js.malformedTotal, 2);
    assert.deepEqual(comparable(duck), comparable(js));
  } finally {
    t.cleanup();
  }
});

test('the data-egress rule written in SQL alone finds the same (source, destination, port) groups as the rule module', async () => {
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
    const jsKeys = js.alerts
      .filter((a) => a.rule.id === 'flow-data-zone-egress')
      .map((a) => `${a.key}|${a.severity === 'high' ? 'ACCEPT' : 'REJECT'}`)
      .sort();
    assert.ok(jsKeys.length > 0);
    assert.deepEqual(sqlKeys, jsKeys);
  } finally {
    db.close();
    t.cleanup();
  }
});

test('DuckDB engine reads Parquet flow logs (columns named as in AWS Parquet delivery)', async () => {
  const policy = referencePolicy();
  const t = tempDir({
    'src.log': log(v2('10.0.3.30', '203.0.113.66', 50000, 443), v2('10.0.1.10', '10.0.2.20', 50001, 443)),
  });
  const db = await openDuckdb(1);
  try {
    const pq = path.join(t.dir, 'flows.parquet');
    await db.connection.run(
      `COPY (SELECT * FROM read_csv('${path.join(t.dir, 'src.log')}', delim=' ', header=true, nullstr='-', auto_detect=false,
        columns={'version':'INTEGER','account_id':'VARCHAR','interface_id':'VARCHAR','srcaddr':'VARCHAR','dstaddr':'VARCHAR','srcport':'INTEGER','dstport':'INTEGER','protocol':'INTEGER','packets':'BIGINT','bytes':'BIGINT','start':'BIGINT','end':'BIGINT','action':'VARCHAR','log_status':'VARCHAR'}))
       TO '${pq}' (FORMAT parquet)`,
    );
    const duck = await analyzeFlowsDuckdb([pq], { policy, cwd: t.dir });
    assert.equal(duck.records, 2);
    assert.equal(duck.files[0]!.format, 'aws-vpc-parquet');
    const egress = duck.alerts.filter((a) => a.rule.id === 'flow-data-zone-egress');
    assert.equal(egress.length, 1);
    assert.equal(egress[0]!.line, 1);
    // The JS engine does not read Parquet: not assessed, never a pass.
    const js = await analyzeFlows([pq], { policy, cwd: t.dir });
    assert.equal(js.files[0]!.status, 'not-assessed');
  } finally {
    db.close();
    t.cleanup();
  }
});

test('the per-flow rules written in SQL alone give the same alert groups as the rule modules', async () => {
  const { runPerFlowRulesSql } = await import('../../src/flows/duckdb-rules.js');
  const { textColumns } = await import('../../src/flows/duckdb.js');
  const { FlowAnalysis } = await import('../../src/flows/analyze.js');
  const policy = referencePolicy("  approved_ai_cidrs: ['52.119.0.0/16']\n  approved_resolvers: ['10.0.4.53/32']");
  const t = tempDir({});
  const db = await openDuckdb(1);
  try {
    const file = path.join(t.dir, 'gen.log');
    await generate(file, 30_000, false);
    // A few rows the generator does not make: a resolver, management from the internet, rejected attempts.
    const extra = [
      v2('10.0.1.10', '10.0.4.53', 1, 53, 10, 'ACCEPT', 17),
      v2('45.1.2.3', '10.0.1.10', 2, 22),
      v2('10.0.5.9', '203.0.113.5', 3, 443, 10, 'REJECT'),
      v2('10.0.2.20', '52.119.1.1', 4, 443),
    ];
    (await import('node:fs')).appendFileSync(file, extra.join('\n') + '\n');
    const js = await analyzeFlows([file], { policy, cwd: t.dir });
    const ids = [
      'flow-data-zone-egress',
      'flow-inference-unapproved-endpoint',
      'flow-sandbox-escape',
      'flow-internet-to-management',
      'flow-dns-unapproved-resolver',
      'flow-policy-drift',
    ];
    const jsGroups = js.alerts
      .filter((a) => ids.includes(a.rule.id))
      .map((a) => `${a.rule.id}|${a.severity}|${a.key}|${a.records}|${a.bytes}|${a.line}`)
      .sort();
    const analysis = new FlowAnalysis(policy, (f) => f);
    await loadZoneTable(db.connection, analysis.zones);
    const map = await textColumns(file);
    assert.ok(typeof map !== 'string');
    const sql = (await runPerFlowRulesSql(db.connection, analysis.ctx, file, 'text', map))
      .map((g) => `${g.rule}|${g.severity}|${g.key}|${g.records}|${g.bytes}|${g.line}`)
      .sort();
    assert.ok(jsGroups.length > 20);
    for (const id of ids)
      assert.ok(
        jsGroups.some((g) => g.startsWith(id)),
        `${id} has alerts in the data`,
      );
    assert.deepEqual(sql, jsGroups);
  } finally {
    db.close();
    t.cleanup();
  }
});
