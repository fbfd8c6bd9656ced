/**
 * The per-flow rules written in SQL alone (data-zone egress, inference to unapproved endpoints, sandbox escape,
 * internet to management, DNS to unapproved resolvers, policy drift), over the typed, zone-classified rows the DuckDB engine reads.
 * They mirror the rule modules, including reply detection against the policy (exported as port segments), and give
 * alert groups (rule, severity, key, records, bytes, first line). A test checks they agree with the rule modules, so
 * the SQL and the JS say the same thing about the same data.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { FlowContext } from './context.js';
import { recordsSql } from './duckdb.js';
import type { ColumnMap } from './readers/aws-fields.js';

export interface SqlAlertGroup {
  rule: string;
  severity: string;
  key: string;
  records: number;
  bytes: number;
  line: number;
}

async function insertRows(c: DuckDBConnection, table: string, columns: string, rows: string[]): Promise<void> {
  await c.run(`CREATE OR REPLACE TEMP TABLE ${table} (${columns})`);
  for (let i = 0; i < rows.length; i += 1000)
    await c.run(`INSERT INTO ${table} VALUES ${rows.slice(i, i + 1000).join(',')}`);
}

/** Loads the policy decisions, zone roles and approved address sets the SQL rules need. */
export async function loadRuleTables(c: DuckDBConnection, ctx: FlowContext): Promise<void> {
  await insertRows(
    c,
    'dec',
    'f INTEGER, t INTEGER, pc INTEGER, lo INTEGER, hi INTEGER, allowed BOOLEAN, explicit_deny BOOLEAN',
    ctx
      .decisionSegments()
      .map((d) => `(${d.from}, ${d.to}, ${d.pc}, ${d.lo}, ${d.hi}, ${d.allowed}, ${d.explicitDeny})`),
  );
  const roles: string[] = [];
  for (let z = 0; z < ctx.zones.names.length; z++) {
    roles.push(
      `(${z}, ${ctx.isData[z] === 1}, ${ctx.isInference[z] === 1}, ${ctx.isSandbox[z] === 1}, ${ctx.isManagement[z] === 1})`,
    );
  }
  await insertRows(c, 'roles', 'z INTEGER, data BOOLEAN, inf BOOLEAN, sbx BOOLEAN, mgmt BOOLEAN', roles);
  const intervals = (t: { intervals(): { start: number; end: number; value: number }[] }) =>
    t
      .intervals()
      .filter((x) => x.value === 1)
      .map((x) => `(${x.start}, ${x.end})`);
  await insertRows(c, 'ai', 's DOUBLE, e DOUBLE', intervals(ctx.approvedAi));
  await insertRows(c, 'resolvers', 's DOUBLE, e DOUBLE', intervals(ctx.approvedResolvers));
  await insertRows(
    c,
    'mports',
    'p INTEGER',
    ctx.settings.management_ports.map((p) => `(${p})`),
  );
  await insertRows(
    c,
    'policy_zones',
    'z INTEGER',
    [...ctx.isPolicyZone.keys()].filter((z) => ctx.isPolicyZone[z] === 1).map((z) => `(${z})`),
  );
}

/** The SQL rules over one AWS text or Parquet file; IPv4 rows only (IPv6 rows are left to the rule modules). */
export function perFlowRulesSql(
  file: string,
  kind: 'text' | 'parquet',
  map: ColumnMap,
  internet: number,
  aiZone: number,
): string {
  // Back to dotted text with integer shifts (DOUBLE division would round).
  const addr = (x: string) =>
    `((${x})::BIGINT >> 24)::VARCHAR || '.' || (((${x})::BIGINT >> 16) & 255)::VARCHAR || '.' || (((${x})::BIGINT >> 8) & 255)::VARCHAR || '.' || ((${x})::BIGINT & 255)::VARCHAR`;
  return `
WITH r0 AS (${recordsSql(file, kind, map)}),
r AS (
  SELECT line, s4, d4, sport::INTEGER AS sport, dport::INTEGER AS dport, proto::INTEGER AS proto, greatest(bytes, 0) AS bytes, action,
    CASE WHEN sz = -2 THEN ${internet} ELSE sz END AS sz, CASE WHEN dz = -2 THEN ${internet} ELSE dz END AS dz,
    (path = 7 OR (path = 2 AND s3)) AS svc,
    CASE proto WHEN 6 THEN 0 WHEN 17 THEN 1 WHEN 1 THEN 2 WHEN 58 THEN 2 ELSE 3 END AS pc
  FROM r0 WHERE bad IS NULL AND status = 0 AND s4 IS NOT NULL AND d4 IS NOT NULL),
-- Approved AI endpoints belong to the service zone: re-zone as the engine does (CIDRs from settings).
z AS (
  SELECT r.* REPLACE (
    CASE WHEN ${aiZone} >= 0 AND r.sz = ${internet} AND EXISTS (SELECT 1 FROM ai WHERE r.s4 BETWEEN ai.s AND ai.e) THEN ${aiZone} ELSE r.sz END AS sz,
    CASE WHEN ${aiZone} >= 0 AND r.dz = ${internet} AND EXISTS (SELECT 1 FROM ai WHERE r.d4 BETWEEN ai.s AND ai.e) THEN ${aiZone} ELSE r.dz END AS dz)
  FROM r),
x AS (
  SELECT z.*, ${addr('s4')} AS src, ${addr('d4')} AS dst,
    (sport >= 0 AND EXISTS (SELECT 1 FROM dec WHERE dec.f = z.dz AND dec.t = z.sz AND dec.pc = z.pc AND z.sport BETWEEN dec.lo AND dec.hi AND dec.allowed)) AS reply_ok,
    (SELECT any_value(dec.allowed) FROM dec WHERE dec.f = z.sz AND dec.t = z.dz AND dec.pc = z.pc AND (CASE WHEN z.dport < 0 THEN 65536 ELSE z.dport END) BETWEEN dec.lo AND dec.hi) AS fwd_ok,
    (SELECT any_value(dec.explicit_deny) FROM dec WHERE dec.f = z.sz AND dec.t = z.dz AND dec.pc = z.pc AND (CASE WHEN z.dport < 0 THEN 65536 ELSE z.dport END) BETWEEN dec.lo AND dec.hi) AS fwd_deny,
    z.sz IN (SELECT z FROM policy_zones) AND z.dz IN (SELECT z FROM policy_zones) AS both_policy,
    rs.data AS s_data, rs.inf AS s_inf, rs.sbx AS s_sbx, rd.mgmt AS d_mgmt, rd.data AS d_data,
    EXISTS (SELECT 1 FROM resolvers WHERE z.d4 BETWEEN resolvers.s AND resolvers.e) AS approved_resolver,
    dport IN (SELECT p FROM mports) AS mport
  FROM z LEFT JOIN roles rs ON rs.z = z.sz LEFT JOIN roles rd ON rd.z = z.dz),
hits AS (
  SELECT 'flow-data-zone-egress' AS rule, CASE WHEN action = 2 THEN 'medium' ELSE 'high' END AS severity,
    src || '>' || dst || ':' || dport || '/' || proto AS key, line, bytes
  FROM x WHERE s_data AND dz = ${internet} AND NOT svc AND NOT reply_ok
  UNION ALL
  SELECT 'flow-inference-unapproved-endpoint', CASE WHEN action = 2 THEN 'low' ELSE 'high' END,
    src || '>' || dst || ':' || dport || '/' || proto, line, bytes
  FROM x WHERE s_inf AND dz = ${internet} AND NOT svc AND dport NOT IN (53, 853) AND NOT reply_ok
  UNION ALL
  SELECT 'flow-sandbox-escape', CASE WHEN action = 2 THEN 'low' ELSE 'critical' END,
    src || '>' || dst || ':' || dport || '/' || proto, line, bytes
  FROM x WHERE s_sbx AND dz <> sz AND NOT reply_ok
  UNION ALL
  SELECT 'flow-internet-to-management', 'high', dst || ':' || dport || '/' || proto, line, bytes
  FROM x WHERE sz = ${internet} AND dz <> ${internet} AND action <> 2 AND (coalesce(d_mgmt, false) OR (proto IN (6, 17) AND mport)) AND NOT reply_ok
  UNION ALL
  SELECT 'flow-dns-unapproved-resolver',
    CASE WHEN action = 2 THEN 'low' WHEN s_data OR s_inf OR s_sbx THEN 'high' ELSE 'medium' END,
    src || '>' || dst || ':' || dport, line, bytes
  FROM x WHERE dport IN (53, 853) AND proto IN (6, 17) AND NOT approved_resolver AND sz <> ${internet}
  UNION ALL
  SELECT 'flow-policy-drift',
    CASE WHEN fwd_deny OR coalesce(d_data, false) OR coalesce(d_mgmt, false) OR (sz = ${internet} AND dz <> ${internet}) THEN 'high' ELSE 'medium' END,
    sz || '>' || dz || '|' || src || '>' || dst || ':' || dport || '/' || proto, line, bytes
  FROM x WHERE action <> 2 AND both_policy AND sz <> dz AND NOT fwd_ok AND NOT reply_ok AND NOT svc
    AND NOT (sport >= 0 AND sport < 1024 AND dport >= 1024))
SELECT rule, severity, key, count(*)::DOUBLE AS records, sum(bytes)::DOUBLE AS bytes, min(line)::DOUBLE AS line
FROM hits GROUP BY ALL ORDER BY ALL`;
}

export async function runPerFlowRulesSql(
  c: DuckDBConnection,
  ctx: FlowContext,
  file: string,
  kind: 'text' | 'parquet',
  map: ColumnMap,
): Promise<SqlAlertGroup[]> {
  await loadRuleTables(c, ctx);
  const r = await c.runAndReadAll(perFlowRulesSql(file, kind, map, ctx.zones.internet, ctx.aiZone));
  return r.getRowObjectsJS().map((row) => ({
    rule: String(row.rule as string),
    severity: String(row.severity as string),
    key: String(row.key as string),
    records: Number(row.records),
    bytes: Number(row.bytes),
    line: Number(row.line),
  }));
}
