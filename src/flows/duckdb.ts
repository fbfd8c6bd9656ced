/**
 * The DuckDB engine (`--engine duckdb`): the flow analysis as SQL in an embedded DuckDB (one thread, nothing
 * downloaded). This module reads, a batch at a time, into one table of typed, zoned rows (`fr`): AWS flow logs in
 * text (plain or gzip; consecutive files are read together by one read_csv, so many small files cost little more
 * than one) and Parquet are split, typed, validated and placed in zones by SQL; Azure and GCP JSON are parsed by the
 * JS readers and their rows appended to a table the same zone SQL turns into `fr`. duckdb-rules.ts then computes the
 * matrix, the counts and every flow rule over `fr` in SQL, and turns the SQL result rows into alerts. Route 53 query
 * logs are read by the JS reader in both engines (they feed the DNS rules and the approved AI addresses learned from
 * answers).
 *
 * IPv6 texts are parsed, normalised and looked up (zone, approved AI endpoint, approved resolver) in JS, once per
 * distinct address of a batch, into a dictionary table the SQL joins: DuckDB's inet extension is not available
 * offline and no extension is ever installed.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import {
  beginFlowRun,
  DEFAULT_DUCKDB_MEMORY,
  DUCKDB_SIZE,
  type FlowAnalysis,
  type FlowRunOptions,
  type FlowRunResult,
  readToEnd,
} from './analyze.js';
import { parseIPv6 } from './ip.js';
import {
  AWS_TGW_DEFAULT,
  AWS_V2_DEFAULT,
  KNOWN_FIELDS,
  columnMap,
  F_ACTION,
  F_BYTES,
  F_DST,
  F_DSTPORT,
  F_DSTSVC,
  F_END,
  F_IFACE,
  F_PATH,
  F_PKTDST,
  F_PKTSRC,
  F_PROTO,
  F_SRC,
  F_SRCPORT,
  F_START,
  F_STATUS,
  unknownFieldsNote,
  type ColumnMap,
} from './readers/aws-fields.js';
import { MALFORMED } from './readers/aws-text.js';
import { readAzure } from './readers/azure.js';
import { readCloudWatch } from './readers/cloudwatch.js';
import { readGcp } from './readers/gcp.js';
import { isDnsFormat, readDnsFile } from './readers/dns.js';
import type { ReadSummary, ReaderSink } from './readers/sink.js';
import { DST_V6, FlowBatch, SRC_V6 } from './record.js';
import { FILE_SPAN, lit, SqlRules } from './duckdb-rules.js';
import type { ZoneMap } from './zones.js';

// Loaded lazily: the JS engine never pays for the native module.
type DuckConnection = DuckDBConnection;

export async function openDuckdb(
  threads = 1,
  memoryLimit = DEFAULT_DUCKDB_MEMORY,
): Promise<{ connection: DuckConnection; close: () => void }> {
  if (!DUCKDB_SIZE.test(memoryLimit)) throw new Error(`not a memory size: ${memoryLimit}`);
  const { DuckDBInstance } = await import('@duckdb/node-api');
  // Larger-than-memory work spills to a private temporary directory (DuckDB's default is ./.tmp in the working
  // directory), removed on close.
  const spill = mkdtempSync(path.join(tmpdir(), 'cordon-duckdb-'));
  // No extension may be downloaded: this engine works offline and sends nothing anywhere.
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    threads: String(threads),
    temp_directory: spill,
    memory_limit: memoryLimit,
  });
  const connection = await instance.connect();
  await connection.run(MACROS);
  return {
    connection,
    close: () => {
      connection.closeSync();
      instance.closeSync();
      rmSync(spill, { recursive: true, force: true });
    },
  };
}

/**
 * ip4: IPv4 text → integer (NULL unless dotted IPv4 with up to three digits and at most 255 per octet, as the JS
 * parser reads it); fnum: a number field → DOUBLE (digits only), -1 for "-", NULL when not a number.
 */
export const MACROS = `
CREATE OR REPLACE MACRO ip4(s) AS (CASE WHEN regexp_full_match(s, '\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}')
  THEN list_reduce(TRY_CAST(string_split(s, '.') AS UTINYINT[])::DOUBLE[], (a, b) -> a * 256 + b) END);
CREATE OR REPLACE MACRO fnum(s) AS (CASE WHEN s = '-' THEN -1 WHEN regexp_full_match(s, '[0-9]+') THEN TRY_CAST(s AS DOUBLE) END);
`;

/** SQL identifier. */
function ident(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

/** Runs INSERTs of literal rows in chunks. */
async function insertRows(c: DuckConnection, table: string, rows: string[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000)
    await c.run(`INSERT INTO ${table} VALUES ${rows.slice(i, i + 1000).join(',')}`);
}

/** Creates the zone interval table (disjoint, sorted) of the ZoneMap (used by dataEgressSql). */
export async function loadZoneTable(c: DuckConnection, zones: ZoneMap): Promise<void> {
  await c.run('CREATE OR REPLACE TABLE zint (s DOUBLE, e DOUBLE, v INTEGER)');
  await insertRows(
    c,
    'zint',
    zones.table.intervals().map((r) => `(${r.start}, ${r.end}, ${r.value})`),
  );
}

/**
 * The data-zone egress rule in SQL over read_csv of an AWS text log (header line present): accepted or rejected
 * flows from a data zone to an address no zone or private range claims, grouped like the rule module's alert keys.
 * `dataZones` and `internet` are zone ids of the ZoneMap loaded with loadZoneTable. (A small standalone query; the
 * engine itself uses duckdb-rules.ts.)
 */
export function dataEgressSql(file: string, dataZones: number[], internet: number, nativeCsv = true): string {
  const from = nativeCsv
    ? `read_csv(${lit(file)}, delim=' ', header=true, nullstr='-', auto_detect=false, compression='auto',
         columns={'version':'INTEGER','account_id':'VARCHAR','interface_id':'VARCHAR','srcaddr':'VARCHAR','dstaddr':'VARCHAR',
                  'srcport':'INTEGER','dstport':'INTEGER','protocol':'INTEGER','packets':'BIGINT','bytes':'BIGINT',
                  'start':'BIGINT','end':'BIGINT','action':'VARCHAR','log_status':'VARCHAR'})`
    : file;
  return `
WITH r AS (SELECT srcaddr, dstaddr, dstport, protocol, bytes, action, ip4(srcaddr) AS s4, ip4(dstaddr) AS d4
           FROM ${from} WHERE log_status = 'OK' OR log_status IS NULL),
z AS (SELECT r.*, CASE WHEN r.s4 <= zs.e THEN zs.v ELSE ${internet} END AS sz, CASE WHEN r.d4 <= zd.e THEN zd.v ELSE ${internet} END AS dz
      FROM r ASOF LEFT JOIN zint zs ON r.s4 >= zs.s ASOF LEFT JOIN zint zd ON r.d4 >= zd.s)
SELECT srcaddr, dstaddr, dstport, protocol, action, count(*) AS records, sum(bytes) AS bytes
FROM z WHERE sz IN (${dataZones.join(',') || '-1'}) AND dz = ${internet}
GROUP BY ALL ORDER BY ALL`;
}

/**
 * Every IPv4 address's zone and approved flags as disjoint intervals covering 0..2^32-1, each with one code:
 * zone * 4 + 2 (an approved AI endpoint) + 1 (an approved resolver). Built with the JS engine's own lookups (the zone
 * table; flows.approved_ai_cidrs and the approved AI addresses learned from DNS answers so far; the approved
 * resolvers), evaluated once per interval where none of them changes. Also loaded as TEMP TABLE addr (s, e, code).
 */
export interface AddressTable {
  starts: number[];
  codes: number[];
}

export async function loadAddressTable(c: DuckConnection, analysis: FlowAnalysis): Promise<AddressTable> {
  const { zones, ctx } = analysis;
  const cuts = new Set<number>([0]);
  const add = (list: { start: number; end: number }[]) => {
    for (const r of list) {
      cuts.add(r.start);
      if (r.end < 4294967295) cuts.add(r.end + 1);
    }
  };
  add(zones.table.intervals());
  add(ctx.approvedAi.intervals());
  add(ctx.approvedResolvers.intervals());
  for (const ip of ctx.learnedAi4) {
    cuts.add(ip);
    if (ip < 4294967295) cuts.add(ip + 1);
  }
  const table: AddressTable = { starts: [], codes: [] };
  for (const s of [...cuts].sort((a, b) => a - b)) {
    const learned = ctx.learnedAi4.has(s);
    const ai = ctx.approvedAi.lookup4(s) === 1 || learned;
    // A learned (private) endpoint address is the service zone wherever it is, as FlowContext.rezoneApprovedAi.
    const zone = learned && ctx.aiZone >= 0 ? ctx.aiZone : zones.table.lookup4(s);
    const code = zone * 4 + (ai ? 2 : 0) + (ctx.approvedResolvers.lookup4(s) === 1 ? 1 : 0);
    if (table.codes[table.codes.length - 1] === code) continue;
    table.starts.push(s);
    table.codes.push(code);
  }
  await c.run('CREATE OR REPLACE TEMP TABLE addr (s DOUBLE, code INTEGER)');
  await insertRows(
    c,
    'addr',
    table.starts.map((s, i) => `(${s}, ${table.codes[i]})`),
  );
  return table;
}

/** Intervals up to which the address code is a CASE (a binary search); beyond, an ASOF join on addr. */
const CASE_INTERVALS = 512;

/** The address code of IPv4 value x (not NULL) as a binary search over the interval starts. */
function codeCase(x: string, t: AddressTable, lo = 0, hi = t.starts.length - 1): string {
  if (lo === hi) return String(t.codes[lo]);
  const mid = (lo + hi + 1) >> 1;
  return `CASE WHEN ${x} < ${t.starts[mid]} THEN ${codeCase(x, t, lo, mid - 1)} ELSE ${codeCase(x, t, mid, hi)} END`;
}

/** The `tok` column of a query's rows. */
async function tokensOf(c: DuckConnection, sql: string): Promise<string[]> {
  return (await c.runAndReadAll(sql)).getRowObjectsJS().map((r) => (typeof r.tok === 'string' ? r.tok : ''));
}

/** Creates the IPv6 dictionary `v6` (token → valid, IPv4 of a mapped address, normalised text, zone, flags). */
async function loadV6Dictionary(c: DuckConnection, analysis: FlowAnalysis, tokens: string[]): Promise<void> {
  const { zones, ctx } = analysis;
  await c.run(
    'CREATE OR REPLACE TEMP TABLE v6 (tok VARCHAR, ok BOOLEAN, v4 DOUBLE, norm VARCHAR, zone INTEGER, ai BOOLEAN, res BOOLEAN)',
  );
  const rows = tokens.map((tok) => {
    const six = parseIPv6(tok);
    if (six === undefined) return `(${lit(tok)}, false, NULL, NULL, NULL, NULL, NULL)`;
    if (typeof six === 'number') return `(${lit(tok)}, true, ${six}, NULL, NULL, NULL, NULL)`;
    const learned = ctx.learnedAi6.has(six);
    const ai = ctx.approvedAi.lookup6(six) === 1 || learned;
    const res = ctx.approvedResolvers.lookup6(six) === 1;
    const zone = learned && ctx.aiZone >= 0 ? ctx.aiZone : zones.table.lookup6(six);
    return `(${lit(tok)}, true, NULL, ${lit(six)}, ${zone}, ${ai}, ${res})`;
  });
  await insertRows(c, 'v6', rows);
}

/**
 * The zone SQL all inputs share: typed rows → the classified rows of TEMP TABLE fr. IPv4 ends take the address
 * table's code, IPv6 ends the dictionary's zone and flags; then approved AI endpoints reached over public addresses go
 * to the first service zone (as FlowContext.rezoneApprovedAi) and gateway-endpoint traffic to public AWS addresses to
 * its own column (as FlowAnalysis.flush).
 */
function classifySql(typed: string, analysis: FlowAnalysis, addr: AddressTable, insert = false): string {
  const { internet, gateway } = analysis.zones;
  const ai = analysis.ctx.aiZone;
  const asof = addr.starts.length > CASE_INTERVALS;
  const code = (x: string, alias: string) => (asof ? `${alias}.code` : codeCase(`p.${x}`, addr));
  const rezone = (z: string, flag: string) =>
    ai >= 0 ? `CASE WHEN ${z} = ${internet} AND ${flag} THEN ${ai} ELSE ${z} END` : z;
  return `
${insert ? 'INSERT INTO fr' : 'CREATE OR REPLACE TEMP TABLE fr AS'}
WITH p AS (${typed}),
k AS (
  SELECT p.*, CASE WHEN p.s4 IS NOT NULL THEN ${code('s4', 'a1')} END AS sc, CASE WHEN p.d4 IS NOT NULL THEN ${code('d4', 'a2')} END AS dc
  FROM p${asof ? ' ASOF LEFT JOIN addr a1 ON p.s4 >= a1.s ASOF LEFT JOIN addr a2 ON p.d4 >= a2.s' : ''}),
z AS (
  SELECT k.*,
    CASE WHEN s4 IS NOT NULL THEN sc >> 2 ELSE s6z END AS sz0,
    CASE WHEN s4 IS NOT NULL THEN (sc & 2) <> 0 ELSE coalesce(s6ai, false) END AS s_ai,
    CASE WHEN d4 IS NOT NULL THEN dc >> 2 ELSE d6z END AS dz0,
    CASE WHEN d4 IS NOT NULL THEN (dc & 2) <> 0 ELSE coalesce(d6ai, false) END AS d_ai,
    CASE WHEN d4 IS NOT NULL THEN (dc & 1) <> 0 ELSE coalesce(d6res, false) END AS d_res
  FROM k),
r AS (SELECT z.*, ${rezone('sz0', 's_ai')} AS sz, ${rezone('dz0', 'd_ai')} AS dz1 FROM z)
SELECT fi, ord, go, line, seg, gaps, bad, s4, d4, s6, d6, sport, dport, proto, bytes, st, en, action, status, svc, reply,
  iface, res, d_ai, d_res, sz, CASE WHEN svc AND dz1 = ${internet} THEN ${gateway} ELSE dz1 END AS dz
FROM r`;
}

/** A row's place in the whole run: its file's index, then its order in the file (`go` in the SQL). */
const GO = (fi: string, ord: string) => `${fi}::DOUBLE * ${FILE_SPAN} + ${ord}`;

// ---------------------------------------------------------------------------------------------------------------
// AWS text and Parquet

/**
 * DuckDB reads a truncated gzip file up to the break without an error. So gzip input is also inflated here (on
 * libuv's thread pool, while DuckDB reads it): a failure is reported as the JS engine reports it, and as there, only
 * the lines completed before the break are used.
 */
async function gzipIntegrity(file: string): Promise<{ error?: Error; completeLines: number }> {
  let completeLines = 0;
  try {
    await pipeline(
      createReadStream(file),
      createGunzip({ chunkSize: 1 << 20 }),
      async (chunks: AsyncIterable<Buffer>) => {
        for await (const chunk of chunks)
          for (let p = chunk.indexOf(10); p >= 0; p = chunk.indexOf(10, p + 1)) completeLines++;
      },
    );
    return { completeLines };
  } catch (err) {
    return { error: err as Error, completeLines };
  }
}

/** An AWS text file of a batch: its index in the run (fi) and path. */
interface TextFile {
  fi: number;
  file: string;
}

/**
 * The column maps of a batch's lines, as the JS reader chooses them: header lines (a known field name first) switch
 * the map or, when invalid, are malformed; before any header, the LogFormat (--log-format) or the default of the
 * first record's kind. Returns per file its runs (first line, last line, map) and malformed header lines.
 */
async function textRuns(
  c: DuckConnection,
  files: TextFile[],
  logFormat: string | undefined,
): Promise<{
  runs: { fi: number; lo: number; hi: number; map: ColumnMap }[];
  headerErrors: Map<number, { line: number; message: string }[]>;
  last: Map<number, ColumnMap>;
}> {
  const fixed = logFormat !== undefined ? columnMap(logFormat) : undefined;
  if (typeof fixed === 'string') throw new Error(`--log-format: ${fixed}`);
  const rows = (
    await c.runAndReadAll(`SELECT fi, line::DOUBLE AS line, t FROM lines WHERE t >= 'a' AND t < '{' ORDER BY fi, line`)
  ).getRowObjectsJS() as { fi: number; line: number; t: string }[];
  const headers = rows.filter((r) => KNOWN_FIELDS.has(r.t.slice(0, r.t.indexOf(' ') >>> 0).replace(/_/g, '-')));
  await c.run('CREATE OR REPLACE TEMP TABLE hdrs (fi INTEGER, line BIGINT)');
  await insertRows(
    c,
    'hdrs',
    headers.map((h) => `(${h.fi}, ${h.line})`),
  );
  const firsts = new Map(
    (
      (
        await c.runAndReadAll(`SELECT fi, min(line)::DOUBLE AS line, arg_min(t, line) AS t FROM lines l
          WHERE NOT EXISTS (SELECT 1 FROM hdrs h WHERE h.fi = l.fi AND h.line = l.line) GROUP BY fi`)
      ).getRowObjectsJS() as { fi: number; line: number; t: string }[]
    ).map((r) => [r.fi, r]),
  );
  const runs: { fi: number; lo: number; hi: number; map: ColumnMap }[] = [];
  const headerErrors = new Map<number, { line: number; message: string }[]>();
  const last = new Map<number, ColumnMap>();
  for (const { fi } of files) {
    const firstData = firsts.get(fi);
    const errors: { line: number; message: string }[] = [];
    let map: ColumnMap | undefined;
    let lo = 1;
    const close = (hi: number) => {
      // Before any header, the first record decides the default (as in the JS reader).
      if (firstData && firstData.line >= lo && firstData.line <= hi && map === undefined) {
        map =
          fixed ??
          (columnMap(
            firstData.t.split(' ')[1] === 'TransitGateway' ? AWS_TGW_DEFAULT.join(' ') : AWS_V2_DEFAULT.join(' '),
          ) as ColumnMap);
        last.set(fi, map);
      }
      if (map !== undefined && hi >= lo) runs.push({ fi, lo, hi, map });
    };
    for (const h of headers) {
      if (h.fi !== fi) continue;
      const m = columnMap(h.t, { allowUnknown: true });
      if (typeof m === 'string') {
        errors.push({ line: h.line, message: `header: ${m}` });
        continue;
      }
      if (m.unknown.length > 0) errors.push({ line: h.line, message: unknownFieldsNote(m.unknown) });
      close(h.line - 1);
      map = m;
      last.set(fi, m);
      lo = h.line + 1;
    }
    close(Number.MAX_SAFE_INTEGER);
    headerErrors.set(fi, errors);
  }
  return { runs, headerErrors, last };
}

/**
 * Creates TEMP TABLE segs (fi, lo, hi, seg, grp) for runs: each run gets a column-map id of the whole run (seg, kept
 * in `maps` to describe rows later), and runs with the same columns share a group (one typed SELECT per group).
 */
async function loadSegs(
  c: DuckConnection,
  maps: (readonly string[])[],
  runs: { fi: number; lo: number; hi: number; map: ColumnMap }[],
  groups: ColumnMap[],
  table = 'segs',
  create = true,
): Promise<void> {
  const rows = runs.map((r) => {
    maps.push(r.map.names);
    let grp = groups.findIndex((g) => g.names.join(' ') === r.map.names.join(' '));
    if (grp < 0) grp = groups.push(r.map) - 1;
    return `(${r.fi}, ${r.lo}, ${r.hi}, ${maps.length - 1}, ${grp})`;
  });
  if (create)
    await c.run(`CREATE OR REPLACE TEMP TABLE ${table} (fi INTEGER, lo BIGINT, hi BIGINT, seg INTEGER, grp INTEGER)`);
  await insertRows(c, table, rows);
}

/** The rows of one group of runs: fi, line, seg, nf (field count) and the tokens c1..cn. */
function textSource(grp: number, n: number, exclude: boolean, where = ''): string {
  const tokens = Array.from({ length: n }, (_, k) => `f[${k + 1}] AS c${k + 1}`).join(', ');
  return `SELECT fi, line, seg, len(f) AS nf, ${tokens} FROM (
    SELECT l.fi, l.line, s.seg, string_split(l.t, ' ') AS f FROM lines l JOIN segs s ON s.fi = l.fi AND l.line BETWEEN s.lo AND s.hi
    WHERE s.grp = ${grp}${exclude ? ' AND NOT EXISTS (SELECT 1 FROM hdrs h WHERE h.fi = l.fi AND h.line = l.line)' : ''}${where})`;
}

/** Address tokens of a source that may be IPv6 (they contain ':'): the texts the IPv6 dictionary needs. */
function v6TokensSql(map: ColumnMap, source: string): string {
  const ks = [F_SRC, F_DST, F_PKTSRC, F_PKTDST].map((id) => map.ids.indexOf(id)).filter((k) => k >= 0);
  return `SELECT DISTINCT tok FROM (SELECT unnest([${ks.map((k) => `c${k + 1}`).join(', ')}]) AS tok FROM (${source}))
    WHERE contains(tok, ':') ORDER BY tok`;
}

/**
 * Rows of one column map typed and validated as parseAwsRecord does: the first problem in column order is the line's
 * message (an empty field, a number that is not one or a port above 65535, an address that is neither IPv4, "-" nor
 * valid IPv6, an action or log-status not known), then a field count that differs from the format, then an OK
 * record without both addresses. pkt-srcaddr/pkt-dstaddr win over srcaddr/dstaddr when not "-"; a plain address
 * after its pkt- column is not read when the pkt- value was. `source` gives fi, line, seg, nf and tokens c1..cn.
 */
function typedSql(map: ColumnMap, source: string, text: boolean, dict: boolean): string {
  const { names, ids } = map;
  const n = names.length;
  const at = (id: number) => ids.indexOf(id);
  const col = (k: number) => `c${k + 1}`;
  const val = (k: number) => `v${k + 1}`;
  const byName = (name: string) => (names.indexOf(name) >= 0 ? col(names.indexOf(name)) : `'-'`);
  const isNumber = (id: number) => (id >= F_SRCPORT && id <= F_END) || id === F_PATH;
  const ADDRESS: Record<number, 'src' | 'dst' | 'psrc' | 'pdst'> = {
    [F_SRC]: 'src',
    [F_DST]: 'dst',
    [F_PKTSRC]: 'psrc',
    [F_PKTDST]: 'pdst',
  };
  const addrs = Object.entries(ADDRESS)
    .map(([id, a]) => ({ k: at(Number(id)), a }))
    .filter((x) => x.k >= 0);
  const has = (a: string) => addrs.some((x) => x.a === a);
  const tk = (a: string) => (has(a) ? col(addrs.find((x) => x.a === a)!.k) : `'-'`);

  // Each token's value, computed once (numbers, IPv4, action, log-status, the IPv6 dictionary).
  const values: string[] = [];
  for (let k = 0; k < n; k++) {
    const id = ids[k]!;
    const x = col(k);
    if (isNumber(id)) values.push(`fnum(${x}) AS ${val(k)}`);
    else if (id === F_ACTION)
      values.push(
        `CASE WHEN strlen(${x}) = 6 AND starts_with(${x}, 'A') THEN 1 WHEN strlen(${x}) = 6 AND starts_with(${x}, 'R') THEN 2 WHEN ${x} = '-' THEN 0 END AS ${val(k)}`,
      );
    else if (id === F_STATUS)
      values.push(
        `CASE WHEN strlen(${x}) = 2 AND starts_with(${x}, 'O') THEN 0 WHEN strlen(${x}) = 6 AND starts_with(${x}, 'N') THEN 1 WHEN strlen(${x}) = 8 AND starts_with(${x}, 'S') THEN 2 WHEN ${x} = '-' THEN 0 END AS ${val(k)}`,
      );
  }
  for (const { k, a } of addrs) values.push(`ip4(${col(k)}) AS n_${a}`);
  const dcol = (a: string, field: string) => (dict && has(a) ? `v_${a}.${field}` : 'NULL');
  for (const a of ['src', 'dst', 'psrc', 'pdst'])
    values.push(
      `${dcol(a, 'ok')} AS ok_${a}, ${dcol(a, 'v4')} AS m_${a}, ${dcol(a, 'norm')} AS x_${a}, ${dcol(a, 'zone')} AS z_${a}, ${dcol(a, 'ai')} AS i_${a}, ${dcol(a, 'res')} AS r_${a}`,
    );
  const joins = dict ? addrs.map(({ k, a }) => `LEFT JOIN v6 v_${a} ON v_${a}.tok = A.${col(k)}`).join(' ') : '';
  const B = `SELECT A.*, ${values.join(', ')} FROM (${source}) A ${joins}`;

  // The effective address of one end: the pkt- value unless "-", else the plain one unless "-".
  const end = (plain: string, pkt: string, what: 'v4' | 'v6' | 'zone' | 'ai' | 'res') => {
    const pick = (a: string) => {
      if (!has(a)) return 'NULL';
      if (what === 'v4') return `coalesce(n_${a}, m_${a})`;
      if (what === 'v6') return `CASE WHEN n_${a} IS NULL THEN x_${a} END`;
      return `${what === 'zone' ? 'z' : what === 'ai' ? 'i' : 'r'}_${a}`;
    };
    return `CASE WHEN ${tk(pkt)} <> '-' THEN ${pick(pkt)} WHEN ${tk(plain)} <> '-' THEN ${pick(plain)} END`;
  };
  const valueOr = (id: number, absent: string) => (at(id) >= 0 ? val(at(id)) : absent);
  const status = valueOr(F_STATUS, '0');

  // The line's message: the first problem in column order, as parseAwsRecord finds it.
  const checks: string[] = [];
  for (let k = 0; k < n; k++) {
    const x = col(k);
    const id = ids[k]!;
    const present = text ? `nf >= ${k + 1} AND ` : '';
    if (text) checks.push(`WHEN ${present}${x} = '' THEN '${MALFORMED.empty}'`);
    if (isNumber(id)) {
      checks.push(`WHEN ${present}${val(k)} IS NULL THEN '${MALFORMED.number}'`);
      if (id === F_SRCPORT || id === F_DSTPORT)
        checks.push(`WHEN ${present}${val(k)} > 65535 THEN '${MALFORMED.port}'`);
    } else if (ADDRESS[id] !== undefined) {
      const a = ADDRESS[id];
      // A plain address after its pkt- column is not read when the pkt- value was (not "-").
      const pk = id === F_SRC ? at(F_PKTSRC) : id === F_DST ? at(F_PKTDST) : -1;
      const skipped = pk >= 0 && pk < k ? `${col(pk)} <> '-' OR ` : '';
      checks.push(
        `WHEN ${present}NOT (${skipped}${x} = '-' OR n_${a} IS NOT NULL OR coalesce(ok_${a}, false)) THEN '${MALFORMED.address}'`,
      );
    } else if (id === F_ACTION) checks.push(`WHEN ${present}${val(k)} IS NULL THEN '${MALFORMED.action}'`);
    else if (id === F_STATUS) checks.push(`WHEN ${present}${val(k)} IS NULL THEN '${MALFORMED.status}'`);
  }
  if (text) {
    checks.push(`WHEN nf < ${n} THEN '${MALFORMED.fewer}'`);
    checks.push(`WHEN nf > ${n} THEN '${MALFORMED.more}'`);
  }
  const none = (plain: string, pkt: string) =>
    `(${end(plain, pkt, 'v4')}) IS NULL AND (${end(plain, pkt, 'v6')}) IS NULL`;
  checks.push(
    `WHEN ${status} = 0 AND (${none('src', 'psrc')} OR ${none('dst', 'pdst')}) THEN '${MALFORMED.noAddress}'`,
  );

  const path = valueOr(F_PATH, '-1');
  const svcCol = at(F_DSTSVC) >= 0 ? col(at(F_DSTSVC)) : undefined;
  const s3 = svcCol ? `(${svcCol} = 'S3' OR (strlen(${svcCol}) = 8 AND starts_with(${svcCol}, 'DY')))` : 'false';
  const time = (id: number) =>
    at(id) >= 0 ? `CASE WHEN ${val(at(id))} > 1e11 THEN ${val(at(id))} / 1000 ELSE ${val(at(id))} END` : '-1';
  const iface = at(F_IFACE) >= 0 ? `CASE WHEN ${col(at(F_IFACE))} <> '-' THEN ${col(at(F_IFACE))} END` : 'NULL';
  // The logging resource as describeAwsRecord names it (the SKIPDATA alert's key).
  const res = `CASE WHEN ${byName('tgw-attachment-id')} <> '-' THEN ${byName('tgw-attachment-id')} WHEN ${byName('interface-id')} <> '-' THEN ${byName('interface-id')} ELSE '' END`;
  return `
SELECT fi, line AS ord, ${GO('fi', 'line')} AS go, line, seg, ${!map.tgw} AS gaps,
  CASE ${checks.join(' ')} END AS bad,
  (${end('src', 'psrc', 'v4')})::DOUBLE AS s4, (${end('dst', 'pdst', 'v4')})::DOUBLE AS d4,
  (${end('src', 'psrc', 'v6')})::VARCHAR AS s6, (${end('dst', 'pdst', 'v6')})::VARCHAR AS d6,
  (${end('src', 'psrc', 'zone')})::INTEGER AS s6z, (${end('src', 'psrc', 'ai')})::BOOLEAN AS s6ai,
  (${end('dst', 'pdst', 'zone')})::INTEGER AS d6z, (${end('dst', 'pdst', 'ai')})::BOOLEAN AS d6ai,
  (${end('dst', 'pdst', 'res')})::BOOLEAN AS d6res,
  TRY_CAST(${valueOr(F_SRCPORT, '-1')} AS INTEGER) AS sport, TRY_CAST(${valueOr(F_DSTPORT, '-1')} AS INTEGER) AS dport,
  TRY_CAST(CASE WHEN ${valueOr(F_PROTO, '-1')} > 255 THEN -1 ELSE ${valueOr(F_PROTO, '-1')} END AS INTEGER) AS proto,
  greatest(${valueOr(F_BYTES, '0')}, 0)::DOUBLE AS bytes, (${time(F_START)})::DOUBLE AS st, (${time(F_END)})::DOUBLE AS en,
  (${valueOr(F_ACTION, '0')})::TINYINT AS action, (${status})::TINYINT AS status,
  (${path} = 7 OR (${path} = 2 AND ${s3})) AS svc, false AS reply,
  ${iface} AS iface, ${res} AS res
FROM (${B})`;
}

/** A typed row set with no rows (a batch without data lines). */
const EMPTY_TYPED = `SELECT NULL::INTEGER AS fi, NULL::BIGINT AS ord, NULL::DOUBLE AS go, NULL::BIGINT AS line, 0 AS seg,
  false AS gaps, NULL::VARCHAR AS bad, NULL::DOUBLE AS s4, NULL::DOUBLE AS d4, NULL::VARCHAR AS s6, NULL::VARCHAR AS d6,
  NULL::INTEGER AS s6z, NULL::BOOLEAN AS s6ai, NULL::INTEGER AS d6z, NULL::BOOLEAN AS d6ai, NULL::BOOLEAN AS d6res,
  NULL::INTEGER AS sport, NULL::INTEGER AS dport, NULL::INTEGER AS proto, NULL::DOUBLE AS bytes, NULL::DOUBLE AS st,
  NULL::DOUBLE AS en, NULL::TINYINT AS action, NULL::TINYINT AS status, NULL::BOOLEAN AS svc, NULL::BOOLEAN AS reply,
  NULL::VARCHAR AS iface, NULL::VARCHAR AS res WHERE false`;

/** What reading a batch gives the rules and the engine. */
export interface ReadResult {
  /** SQL joining `rw` (raw text t; for JSON rows also provider, account, region, rtype, resource) to `fr` by go. */
  rawJoin: string;
  json: boolean;
  /** Per file index: malformed header lines (AWS text), in line order. */
  headerErrors: Map<number, { line: number; message: string }[]>;
  /** Per file index: the format to report. */
  formats: Map<number, string>;
  /** Per file index: a read that failed after some lines (a truncated gzip file; JSON readers). */
  errors: Map<number, Error>;
}

/**
 * Reads AWS text files (all plain or all gzip) into TEMP TABLE lines (fi, line, go, t; every line numbered per
 * file, trimmed as the JS reader trims, blank lines dropped) and their typed, classified rows into fr. Many small
 * files are read by one read_csv: the per-query cost is paid once per batch, not per file.
 */
async function readAwsText(
  c: DuckConnection,
  analysis: FlowAnalysis,
  maps: (readonly string[])[],
  files: TextFile[],
  gzip: boolean,
  logFormat: string | undefined,
  addr: AddressTable,
): Promise<ReadResult> {
  await c.run('CREATE OR REPLACE TEMP TABLE bfiles (path VARCHAR, fi INTEGER)');
  await insertRows(
    c,
    'bfiles',
    files.map((f) => `(${lit(f.file)}, ${f.fi})`),
  );
  // Inflated in JS as well, one file after the other, while DuckDB reads: only to find truncated files.
  const integrity = gzip
    ? (async () => {
        const out = new Map<number, { error?: Error; completeLines: number }>();
        for (const f of files) out.set(f.fi, await gzipIntegrity(f.file));
        return out;
      })()
    : undefined;
  const csv = `read_csv([${files.map((f) => lit(f.file)).join(', ')}], columns={'c': 'VARCHAR'}, delim=E'\\x01', quote='',
    escape='', header=false, auto_detect=false, strict_mode=false, compression=${gzip ? "'gzip'" : "'none'"}, filename=true)`;
  // Rows come in file order (one thread); a line's number is its row number within its file.
  const numbered =
    files.length === 1
      ? `SELECT ${files[0]!.fi} AS fi, row_number() OVER () AS line, c FROM ${csv}`
      : `SELECT b.fi, r.rn - min(r.rn) OVER (PARTITION BY r.filename) + 1 AS line, r.c
         FROM (SELECT row_number() OVER () AS rn, filename, c FROM ${csv}) r JOIN bfiles b ON b.path = r.filename`;
  await c.run(`
CREATE OR REPLACE TEMP TABLE lines AS
SELECT fi, line, ${GO('fi', 'line')} AS go, t FROM (
  SELECT fi, line,
    CASE WHEN starts_with(c, ' ') OR ends_with(c, ' ') OR ends_with(c, E'\\r') THEN rtrim(ltrim(c, ' '), E' \\r') ELSE c END AS t
  FROM (${numbered}))
WHERE t <> ''`);
  const errors = new Map<number, Error>();
  for (const [fi, r] of (await integrity) ?? []) {
    if (!r.error) continue;
    errors.set(fi, r.error);
    await c.run(`DELETE FROM lines WHERE fi = ${fi} AND line > ${r.completeLines}`);
  }
  const { runs, headerErrors, last } = await textRuns(c, files, logFormat);
  const groups: ColumnMap[] = [];
  await loadSegs(c, maps, runs, groups);
  const exclude = [...headerErrors.values()].some((e) => e.length > 0);
  const sources = groups.map((g, grp) => textSource(grp, g.names.length, exclude));
  const tokens = new Set<string>();
  for (const [grp, g] of groups.entries()) {
    const withColon = textSource(grp, g.names.length, exclude, " AND contains(l.t, ':')");
    for (const t of await tokensOf(c, v6TokensSql(g, withColon))) tokens.add(t);
  }
  if (tokens.size > 0) await loadV6Dictionary(c, analysis, [...tokens]);
  const typed =
    groups.length > 0
      ? groups.map((g, grp) => typedSql(g, sources[grp]!, true, tokens.size > 0)).join('\nUNION ALL\n')
      : EMPTY_TYPED;
  await c.run(classifySql(typed, analysis, addr));
  await retryTransitGateway(c, analysis, maps, groups, tokens, addr);
  const formats = new Map(files.map((f) => [f.fi, last.get(f.fi)?.tgw ? 'aws-tgw' : 'aws-vpc']));
  return { rawJoin: 'LEFT JOIN lines rw ON rw.go = fr.go', json: false, headerErrors, formats, errors };
}

/**
 * CloudWatch log groups can mix VPC and Transit Gateway records ("6 TransitGateway …"): as the JS reader does, a line
 * of a VPC run that is malformed and whose second field is TransitGateway is read again with the TGW default format
 * (as a run of its own, so its evidence is described with the TGW field names).
 */
async function retryTransitGateway(
  c: DuckConnection,
  analysis: FlowAnalysis,
  maps: (readonly string[])[],
  groups: ColumnMap[],
  tokens: Set<string>,
  addr: AddressTable,
): Promise<void> {
  const vpc = groups.flatMap((g, grp) => (g.tgw ? [] : [grp]));
  if (vpc.length === 0) return;
  await c.run(`CREATE OR REPLACE TEMP TABLE retry AS
SELECT fr.fi, fr.line FROM fr JOIN lines l ON l.go = fr.go JOIN segs s ON s.seg = fr.seg
WHERE fr.bad IS NOT NULL AND s.grp IN (${vpc.join(',')})
  AND contains(l.t, ' TransitGateway') AND string_split(l.t, ' ')[2] = 'TransitGateway'`);
  const lines = (
    await c.runAndReadAll('SELECT fi, line::DOUBLE AS line FROM retry ORDER BY fi, line')
  ).getRowObjectsJS();
  if (lines.length === 0) return;
  const tgw = columnMap(AWS_TGW_DEFAULT.join(' ')) as ColumnMap;
  const grp = groups.length;
  await loadSegs(
    c,
    maps,
    lines.map((r) => ({ fi: Number(r.fi), lo: Number(r.line), hi: Number(r.line), map: tgw })),
    groups,
    'segs',
    false,
  );
  const source = textSource(grp, tgw.names.length, false);
  const more = await tokensOf(c, v6TokensSql(tgw, textSource(grp, tgw.names.length, false, " AND contains(l.t, ':')")));
  if (more.some((t) => !tokens.has(t))) {
    for (const t of more) tokens.add(t);
    await loadV6Dictionary(c, analysis, [...tokens]);
  }
  await c.run(`DELETE FROM fr WHERE go IN (SELECT ${GO('fi', 'line')} FROM retry)`);
  await c.run(classifySql(typedSql(tgw, source, true, tokens.size > 0), analysis, addr, true));
}

/** Reads one Parquet file (columns as AWS names them, `_` for `-`) into TEMP TABLE pq and its rows into fr. */
async function readParquet(
  c: DuckConnection,
  analysis: FlowAnalysis,
  maps: (readonly string[])[],
  fi: number,
  file: string,
  addr: AddressTable,
): Promise<ReadResult> {
  const r = await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${lit(file)})`);
  const columns = r.getRowObjectsJS().map((row) => (typeof row.column_name === 'string' ? row.column_name : ''));
  const map = columnMap(columns.join(' '), { allowUnknown: true });
  if (typeof map === 'string') throw new Error(map);
  await c.run(
    `CREATE OR REPLACE TEMP TABLE pq AS SELECT row_number() OVER () AS "__cordon_line", * FROM read_parquet(${lit(file)})`,
  );
  maps.push(map.names);
  const tokens = columns.map((name) => `coalesce(CAST(${ident(name)} AS VARCHAR), '-')`);
  const source = `SELECT ${fi} AS fi, "__cordon_line" AS line, ${maps.length - 1} AS seg, ${columns.length} AS nf,
    ${tokens.map((t, k) => `${t} AS c${k + 1}`).join(', ')} FROM pq`;
  const v6 = await tokensOf(c, v6TokensSql(map, source));
  if (v6.length > 0) await loadV6Dictionary(c, analysis, v6);
  await c.run(classifySql(typedSql(map, source, false, v6.length > 0), analysis, addr));
  return {
    rawJoin: `LEFT JOIN (SELECT ${GO(String(fi), '"__cordon_line"')} AS go, concat_ws(' ', ${tokens.join(', ')}) AS t FROM pq) rw ON rw.go = fr.go`,
    json: false,
    headerErrors: new Map([[fi, []]]),
    formats: new Map([[fi, `${map.tgw ? 'aws-tgw' : 'aws-vpc'}-parquet`]]),
    errors: new Map(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Azure and GCP JSON: read by the JS readers, rows appended to DuckDB

const JROWS = `CREATE OR REPLACE TEMP TABLE jrows (ord BIGINT, go DOUBLE, line BIGINT, t VARCHAR, s4 DOUBLE, d4 DOUBLE,
  s6 VARCHAR, d6 VARCHAR, sport INTEGER, dport INTEGER, proto INTEGER, bytes DOUBLE, st DOUBLE, en DOUBLE,
  action TINYINT, status TINYINT, svc BOOLEAN, reply BOOLEAN, provider VARCHAR, account VARCHAR, region VARCHAR,
  rtype VARCHAR, resource VARCHAR)`;

/** A sink that appends every flushed batch row (typed by the reader, with its raw text and description) to jrows. */
function appendingSink(appender: DuckDBAppender, analysis: FlowAnalysis, fi: number): ReaderSink & { rows: number } {
  const sink = {
    rows: 0,
    flush(b: FlowBatch): void {
      for (let i = 0; i < b.n; i++) {
        const d = b.source.describe(b, i);
        const ord = sink.rows++;
        appender.appendBigInt(BigInt(ord));
        appender.appendDouble(fi * 4294967296 + ord);
        appender.appendBigInt(BigInt(b.line[i]!));
        appender.appendVarchar(b.source.rawLine(b, i));
        const f = b.family[i]!;
        if (f & SRC_V6) appender.appendNull();
        else appender.appendDouble(b.src[i]!);
        if (f & DST_V6) appender.appendNull();
        else appender.appendDouble(b.dst[i]!);
        if (f & SRC_V6) appender.appendVarchar(b.srcV6[i]!);
        else appender.appendNull();
        if (f & DST_V6) appender.appendVarchar(b.dstV6[i]!);
        else appender.appendNull();
        appender.appendInteger(b.srcPort[i]!);
        appender.appendInteger(b.dstPort[i]!);
        appender.appendInteger(b.proto[i]!);
        appender.appendDouble(b.bytes[i]!);
        appender.appendDouble(b.start[i]!);
        appender.appendDouble(b.end[i]!);
        appender.appendTinyInt(b.action[i]!);
        appender.appendTinyInt(b.status[i]!);
        appender.appendBoolean(b.service[i] !== 0);
        appender.appendBoolean(b.reply[i] === 1);
        appender.appendVarchar(d.provider);
        appender.appendVarchar(d.account);
        appender.appendVarchar(d.region);
        appender.appendVarchar(d.resourceType);
        appender.appendVarchar(d.resource);
        appender.endRow();
      }
    },
    dns: analysis.dns.bind(analysis),
    malformed: analysis.malformed.bind(analysis),
  };
  return sink;
}

/** The typed rows of jrows (JSON readers already validated and normalised them). */
function jsonTypedSql(fi: number, dict: boolean): string {
  const v = (side: 's' | 'd', field: string) => (dict ? `v_${side}.${field}` : 'NULL');
  return `
SELECT ${fi} AS fi, j.ord, j.go, j.line, -1 AS seg, false AS gaps, NULL::VARCHAR AS bad, j.s4, j.d4, j.s6, j.d6,
  ${v('s', 'zone')}::INTEGER AS s6z, ${v('s', 'ai')}::BOOLEAN AS s6ai, ${v('d', 'zone')}::INTEGER AS d6z,
  ${v('d', 'ai')}::BOOLEAN AS d6ai, ${v('d', 'res')}::BOOLEAN AS d6res,
  j.sport, j.dport, j.proto, j.bytes, j.st, j.en, j.action, j.status, j.svc, j.reply, NULL::VARCHAR AS iface, j.resource AS res
FROM jrows j${dict ? ' LEFT JOIN v6 v_s ON v_s.tok = j.s6 LEFT JOIN v6 v_d ON v_d.tok = j.d6' : ''}`;
}

/**
 * Reads an Azure, GCP or CloudWatch Logs JSON file with the JS reader; its rows go to jrows and, classified, to fr.
 */
async function readJson(
  c: DuckConnection,
  analysis: FlowAnalysis,
  fi: number,
  file: string,
  format: 'azure' | 'gcp-vpc' | 'aws-cloudwatch',
  logFormat: string | undefined,
  gzip: boolean,
  batch: FlowBatch,
  addr: AddressTable,
): Promise<ReadResult & { records: number; units: Record<string, number> }> {
  await c.run(JROWS);
  const appender = await c.createAppender('jrows');
  const sink = appendingSink(appender, analysis, fi);
  let result: ReadSummary = { records: 0, format, units: {} };
  const errors = new Map<number, Error>();
  try {
    result =
      format === 'azure'
        ? await readAzure(file, gzip, batch, sink, analysis.interner)
        : format === 'gcp-vpc'
          ? await readGcp(file, gzip, batch, sink, analysis.interner)
          : await readCloudWatch(
              file,
              gzip,
              logFormat !== undefined ? { logFormat } : {},
              batch,
              sink,
              analysis.interner,
            );
  } catch (err) {
    // As in the JS engine, the rows of the batches flushed before the failure are analysed.
    errors.set(fi, err as Error);
  } finally {
    appender.closeSync();
  }
  const tokens = await tokensOf(
    c,
    'SELECT DISTINCT tok FROM (SELECT s6 AS tok FROM jrows UNION ALL SELECT d6 FROM jrows) WHERE tok IS NOT NULL ORDER BY tok',
  );
  if (tokens.length > 0) await loadV6Dictionary(c, analysis, tokens);
  await c.run(classifySql(jsonTypedSql(fi, tokens.length > 0), analysis, addr));
  return {
    rawJoin: 'LEFT JOIN jrows rw ON rw.go = fr.go',
    json: true,
    headerErrors: new Map([[fi, []]]),
    formats: new Map([[fi, result.format]]),
    errors,
    records: result.records,
    units: result.units,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The engine

/** At most this many AWS text files, and this many bytes of them (gzip counted five times), are read as one batch. */
const BATCH_FILES = 2000;
const BATCH_BYTES = 128 * 1024 * 1024;

export async function analyzeFlowsDuckdb(paths: readonly string[], options: FlowRunOptions): Promise<FlowRunResult> {
  const { displayName, analysis, planned, files } = await beginFlowRun(paths, options);
  // One thread: line numbering and the order of rows stay deterministic.
  const db = await openDuckdb(1, options.duckdbMemoryLimit);
  const c = db.connection;
  try {
    const rules = new SqlRules(c, analysis);
    await rules.init();
    let addresses: AddressTable | undefined;
    const batch = new FlowBatch();
    type Planned = (typeof planned)[number];
    const report = (
      p: Planned,
      records: number,
      format: string,
      error: Error | undefined,
      bad: number,
      units?: Record<string, number>,
    ) => {
      const name = displayName(p.file);
      if (error) {
        const note = `read failed${records > 0 ? ` after ${records} records` : ''}: ${error.message.split('\n')[0]}`;
        analysis.notAssessed(p.file, note);
        files.push({
          file: name,
          format: p.format,
          gzip: p.gzip,
          records,
          malformed: bad,
          status: records > 0 ? 'partial' : 'not-assessed',
          note,
        });
        return;
      }
      files.push(readToEnd(analysis, p, name, format, records, units));
    };
    /** Reads a batch (AWS text files, or one Parquet or JSON file) and runs the SQL analysis over it. */
    const analyse = async (group: { p: Planned; fi: number }[]) => {
      const first = group[0]!.p;
      rules.register(group.map(({ p, fi }) => ({ fi, file: p.file, name: displayName(p.file) })));
      let read: ReadResult & { records?: number; units?: Record<string, number> };
      if (first.format === 'parquet')
        read = await readParquet(c, analysis, rules.maps, group[0]!.fi, first.file, addresses!);
      else if (first.format === 'azure' || first.format === 'gcp-vpc' || first.format === 'aws-cloudwatch')
        read = await readJson(
          c,
          analysis,
          group[0]!.fi,
          first.file,
          first.format,
          options.logFormat,
          first.gzip,
          batch,
          addresses!,
        );
      else
        read = await readAwsText(
          c,
          analysis,
          rules.maps,
          group.map(({ p, fi }) => ({ fi, file: p.file })),
          first.gzip,
          options.logFormat,
          addresses!,
        );
      const counts = await rules.analyzeBatch({ files: group.map((g) => g.fi), ...read });
      for (const { p, fi } of group) {
        // A reader's own count (JSON: rows of records), else the rows analysed (also after a failed read).
        const n = counts.get(fi)?.records ?? 0;
        const error = read.errors.get(fi);
        const bad = analysis.malformedByFile.get(p.file) ?? 0;
        report(p, error ? n : (read.records ?? n), read.formats.get(fi) ?? p.format, error, bad, read.units);
      }
    };
    /** A batch's read failed (an input DuckDB cannot read): each file alone, so only the bad one is lost. */
    const analyseEach = async (group: { p: Planned; fi: number }[]) => {
      for (const g of group) {
        try {
          await analyse([g]);
        } catch (err) {
          report(g.p, 0, g.p.format, err as Error, analysis.malformedByFile.get(g.p.file) ?? 0);
        }
      }
    };
    let pending: { p: Planned; fi: number }[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      const group = pending;
      pending = [];
      pendingBytes = 0;
      if (group.length === 0) return;
      if (group.length === 1) return analyseEach(group);
      try {
        await analyse(group);
      } catch {
        await analyseEach(group);
      }
    };
    let fi = 0;
    for (const p of planned) {
      if (p.format === 'unknown') {
        await flush();
        analysis.notAssessed(p.file, p.note);
        files.push({
          file: displayName(p.file),
          format: p.format,
          gzip: p.gzip,
          records: 0,
          malformed: 0,
          status: 'not-assessed',
          note: p.note,
        });
        continue;
      }
      if (isDnsFormat(p.format)) {
        // Read by the JS reader in both engines; they come first, so the learned addresses are complete below.
        const before = analysis.dnsQueries;
        try {
          const r = await readDnsFile(p.file, p.gzip, p.format, analysis);
          report(p, r.records, r.format, undefined, analysis.malformedByFile.get(p.file) ?? 0, r.units);
        } catch (err) {
          const got = analysis.dnsQueries - before;
          report(p, got, p.format, err as Error, analysis.malformedByFile.get(p.file) ?? 0);
        }
        continue;
      }
      addresses ??= await loadAddressTable(c, analysis);
      const text = p.format === 'aws-vpc' || p.format === 'aws-tgw';
      const size = text
        ? (await stat(p.file).then(
            (st) => st.size,
            () => 0,
          )) * (p.gzip ? 5 : 1)
        : 0;
      const joins =
        text &&
        pending.length > 0 &&
        pending[0]!.p.gzip === p.gzip &&
        pending.length < BATCH_FILES &&
        pendingBytes + size <= BATCH_BYTES;
      if (!joins) await flush();
      pending.push({ p, fi: fi++ });
      pendingBytes += size;
      if (!text) await flush();
    }
    await flush();
    await rules.finish();
  } finally {
    db.close();
  }
  files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return analysis.finish(files, 'duckdb');
}
