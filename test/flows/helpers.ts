/** Shared helpers for the flow tests: a temp directory of logs and a run of the JS engine over it. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeFlows, type FlowRunResult } from '../../src/flows/analyze.js';
import { analyzeFlowsDuckdb } from '../../src/flows/duckdb.js';
import { findingsOf } from '../../src/flows/report.js';
import { parsePolicy, type ZonePolicy } from '../../src/policy/load.js';
import { REFERENCE_POLICY_YAML } from '../../src/policy/reference.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/flows');
export const EXAMPLES = path.resolve(import.meta.dirname, '../../examples/flows');

export function referencePolicy(flowsYaml = ''): ZonePolicy {
  return parsePolicy('cordon.yaml', `${REFERENCE_POLICY_YAML}${flowsYaml ? `\nflows:\n${flowsYaml}\n` : ''}`);
}

export function tempDir(
  files: Record<string, string | Buffer>,
  gzip: string[] = [],
): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cordon-flows-test-'));
  for (const [name, content] of Object.entries(files)) {
    const full = path.join(dir, name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, gzip.includes(name) ? gzipSync(content) : content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `fn` on a temporary directory holding `files`, removed afterwards. */
export async function withTempDir<T>(files: Record<string, string>, fn: (dir: string) => Promise<T>): Promise<T> {
  const t = tempDir(files);
  try {
    return await fn(t.dir);
  } finally {
    t.cleanup();
  }
}

export async function runOn(
  files: Record<string, string>,
  policy = referencePolicy(),
  extra: { logFormat?: string } = {},
): Promise<FlowRunResult> {
  return withTempDir(files, (dir) => analyzeFlows([dir], { policy, cwd: dir, ...extra }));
}

export const V2_HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

/** One default-format record. */
export function v2(
  src: string,
  dst: string,
  sport: number,
  dport: number,
  bytes = 1000,
  action = 'ACCEPT',
  proto = 6,
  start = 1763769600,
  eni = 'eni-0aaaaaaaaaaaaaaaa',
): string {
  return `2 123456789012 ${eni} ${src} ${dst} ${sport} ${dport} ${proto} 10 ${bytes} ${start} ${start + 60} ${action} OK`;
}

export function log(...lines: string[]): string {
  return [V2_HEADER, ...lines].join('\n') + '\n';
}

export function alertsOf(r: FlowRunResult, rule: string) {
  return r.alerts.filter((a) => a.rule.id === rule);
}

/** Everything a report shows, including each finding's raw first record and samples. */
export function comparable(r: FlowRunResult) {
  return {
    findings: findingsOf(r),
    matrix: r.matrix,
    records: r.records,
    nodata: r.nodata,
    skipdata: r.skipdata,
    dnsQueries: r.dnsQueries,
    malformedTotal: r.malformedTotal,
    malformedSamples: r.malformedSamples,
    unusedRules: r.unusedRules,
    stateNotes: r.stateNotes,
    // The DuckDB engine names Parquet input as such; the JS engine does not read Parquet.
    files: r.files.map((f) => ({ ...f, format: f.format.replace('-parquet', '') })),
  };
}

export function countByRule(r: FlowRunResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of r.alerts) out[a.rule.id] = (out[a.rule.id] ?? 0) + 1;
  return out;
}

/** Runs both engines, proves they give the same report, and returns the JS engine's result. */
export async function bothEngines(paths: string[], opts: Parameters<typeof analyzeFlows>[1]) {
  const js = await analyzeFlows(paths, opts);
  const duck = await analyzeFlowsDuckdb(paths, opts);
  assert.equal(js.engine, 'js');
  assert.equal(duck.engine, 'duckdb');
  assert.deepEqual(comparable(duck), comparable(js));
  return js;
}

/** bothEngines over files written to a temporary directory. */
export async function runBoth(
  files: Record<string, string>,
  policy = referencePolicy(),
  extra: { logFormat?: string } = {},
): Promise<FlowRunResult> {
  return withTempDir(files, (dir) => bothEngines([dir], { policy, cwd: dir, ...extra }));
}

/** What a test DNS record says: the query name, its A/AAAA (or other) answers as [type, data], the source. */
export interface DnsRecordSpec {
  name: string;
  answers?: [string, string][];
  src: string;
  type?: string;
  time?: string;
}

/** One Route 53 Resolver query log record as the documentation shows it (resolver-query-logs-example-json). */
export function r53(q: DnsRecordSpec & { vpc?: string }): string {
  return JSON.stringify({
    version: '1.100000',
    account_id: '111122223333',
    region: 'us-east-1',
    vpc_id: q.vpc ?? 'vpc-0a1b2c3d4e5f67890',
    query_timestamp: q.time ?? '2025-11-22T00:00:10Z',
    query_name: `${q.name}.`,
    query_type: q.type ?? 'A',
    query_class: 'IN',
    rcode: 'NOERROR',
    answers: (q.answers ?? []).map(([Type, Rdata]) => ({ Rdata, Type, Class: 'IN' })),
    srcaddr: q.src,
    srcport: '50938',
    transport: 'UDP',
    srcids: { instance: 'i-0inference0example' },
  });
}

/**
 * One Azure DNS security policy query log record as a diagnostic setting writes it to a storage account (category
 * DnsResponse, the DNSQueryLogs fields in `properties`).
 */
export function azDns(q: DnsRecordSpec): string {
  const sub = '00000000-0000-0000-0000-000000000000';
  return JSON.stringify({
    time: q.time ?? '2025-11-22T00:00:10.0000000Z',
    resourceId: `/SUBSCRIPTIONS/${sub}/RESOURCEGROUPS/AI/PROVIDERS/MICROSOFT.NETWORK/DNSRESOLVERPOLICIES/AI-DNS-POLICY`,
    category: 'DnsResponse',
    operationName: 'RESPONSE_SUCCESS',
    properties: {
      version: '1',
      sub_id: sub,
      region: 'eastus',
      vnet_id: `/subscriptions/${sub}/resourceGroups/ai/providers/Microsoft.Network/virtualNetworks/ai-vnet`,
      query_name: `${q.name}.`,
      query_type: q.type ?? 'A',
      query_class: 'IN',
      response_code: 0,
      srcipaddr: q.src,
      srcport: 53012,
      transport: 'UDP',
      resolution_path: 'PublicDnsResolution',
      resolverpolicy_rule_action: 'None',
      answer: (q.answers ?? []).map(([Type, RData]) => ({ Type, Class: 'IN', TTL: 10, RData })),
    },
  });
}

/** One Cloud DNS query log entry (Cloud Logging LogEntry, resource.type dns_query) as a log sink writes it. */
export function gcpDns(q: DnsRecordSpec): string {
  return JSON.stringify({
    insertId: `q${q.src}${q.name.length}`,
    jsonPayload: {
      authAnswer: false,
      protocol: 'UDP',
      queryName: `${q.name}.`,
      queryType: q.type ?? 'A',
      rdata: (q.answers ?? []).map(([t, d]) => `${q.name}.\t300\tIN\t${t.toLowerCase()}\t${d}`).join('\n'),
      responseCode: 'NOERROR',
      sourceIP: q.src,
      sourceNetwork: 'ai-vpc',
      vmInstanceName: '5126498717125427000.inference-vm-1',
      vmProjectId: 'ai-project',
      vmZoneName: 'us-central1-a',
    },
    logName: 'projects/ai-project/logs/dns.googleapis.com%2Fdns_queries',
    resource: {
      labels: { location: 'us-central1', project_id: 'ai-project', source_network: 'ai-vpc', target_type: 'external' },
      type: 'dns_query',
    },
    severity: 'INFO',
    timestamp: q.time ?? '2025-11-22T00:00:10.000Z',
  });
}
