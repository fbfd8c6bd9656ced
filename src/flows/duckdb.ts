/**
 * The DuckDB engine (`--engine duckdb`): the flow analysis as SQL in an embedded DuckDB (one thread, nothing
 * downloaded). This module reads: AWS flow logs in text (plain or gzip) and Parquet are split, typed, validated and
 * placed in zones by SQL into one table of rows per file (`fr`); Azure and GCP JSON are parsed by the JS readers and
 * their rows appended to a table that the same zone SQL turns into `fr`. duckdb-rules.ts then computes the matrix,
 * the counts and every flow rule over `fr` in SQL, and turns the SQL result rows into alerts. Route 53 query logs are
 * read by the JS reader in both engines (they feed the DNS rules and the approved AI addresses learned from answers).
 *
 * IPv6 texts are parsed, normalised and looked up (zone, approved AI endpoint, approved resolver) in JS, once per
 * distinct address of a file, into a dictionary table the SQL joins: DuckDB's inet extension is not available
 * offline and no extension is ever installed.
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import { beginFlowRun, type FlowAnalysis, type FlowRunOptions, type FlowRunResult } from './analyze.js';
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
  type ColumnMap,
} from './readers/aws-fields.js';
import { describeAwsRecord, regionFromPath } from './readers/aws-text.js';
import { readAzure } from './readers/azure.js';
import { readGcp } from './readers/gcp.js';
import { readRoute53 } from './readers/route53.js';
import type { ReaderSink } from './readers/sink.js';
import { DST_V6, FlowBatch, SRC_V6, type RowDescription } from './record.js';
import { SqlRules, type SqlFile } from './duckdb-rules.js';
import type { ZoneMap } from './zones.js';

// Loaded lazily: the JS engine never pays for the native module.
type DuckConnection = DuckDBConnection;

export async function openDuckdb(threads = 1): Promise<{ connection: DuckConnection; close: () => void }> {
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

/** SQL text literal. */
function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

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
    const ai = ctx.approvedAi.lookup4(s) === 1 || ctx.learnedAi4.has(s);
    const code = zones.table.lookup4(s) * 4 + (ai ? 2 : 0) + (ctx.approvedResolvers.lookup4(s) === 1 ? 1 : 0);
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
    const ai = ctx.approvedAi.lookup6(six) === 1 || ctx.learnedAi6.has(six);
    const res = ctx.approvedResolvers.lookup6(six) === 1;
    return `(${lit(tok)}, true, NULL, ${lit(six)}, ${zones.table.lookup6(six)}, ${ai}, ${res})`;
  });
  await insertRows(c, 'v6', rows);
}

/**
 * The zone SQL both kinds of input share: typed rows → the classified rows of TEMP TABLE fr. IPv4 ends take the
 * address table's code, IPv6 ends the dictionary's zone and flags; then approved AI endpoints reached over public
 * addresses go to the first service zone (as FlowContext.rezoneApprovedAi) and gateway-endpoint traffic to public
 * AWS addresses to its own column (as FlowAnalysis.flushClassified).
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
SELECT ord, line, seg, gaps, bad, s4, d4, s6, d6, sport, dport, proto, bytes, st, en, action, status, svc, reply,
  iface, res, d_ai, d_res, sz, CASE WHEN svc AND dz1 = ${internet} THEN ${gateway} ELSE dz1 END AS dz
FROM r`;
}

// ---------------------------------------------------------------------------------------------------------------
// AWS text and Parquet

/** A run of lines read with one column map (a header line switches the map, as in the JS reader). */
interface Segment {
  lo: number;
  hi: number;
  map: ColumnMap;
  /** Header lines inside the run whose column map was invalid (they are malformed, and skipped). */
  skip: number[];
  /** Parquet: the file's own column names, in the order of map.names. */
  columns?: string[];
  /** A further condition on the run's lines (SQL). */
  only?: string;
}

const MSG = {
  fewer: 'fewer fields than the format',
  more: 'more fields than the format',
  empty: 'empty field (two spaces in a row)',
  number: 'not a number',
  address: 'not an IP address',
  action: 'action is not ACCEPT, REJECT or -',
  status: 'log-status is not OK, NODATA or SKIPDATA',
  noAddress: 'an OK record without source or destination address',
  port: 'port out of range',
} as const;

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

/** Reads an AWS text file into TEMP TABLE lines (line, t): every line numbered, trimmed as the JS reader trims, blank lines dropped. */
async function loadLines(c: DuckConnection, file: string, gzip: boolean): Promise<void> {
  await c.run(`
CREATE OR REPLACE TEMP TABLE lines AS
SELECT line, t FROM (
  SELECT row_number() OVER () AS line,
    CASE WHEN starts_with(c, ' ') OR ends_with(c, ' ') OR ends_with(c, E'\\r') THEN rtrim(ltrim(c, ' '), E' \\r') ELSE c END AS t
  FROM read_csv(${lit(file)}, columns={'c': 'VARCHAR'}, delim=E'\\x01', quote='', escape='', header=false,
                auto_detect=false, strict_mode=false, compression=${gzip ? "'gzip'" : "'none'"}))
WHERE t <> ''`);
}

/**
 * The runs of lines and their column maps: header lines (a known field name first) switch the map or, when invalid,
 * are malformed; before any header the LogFormat (--log-format) or the default of the first record's kind applies.
 */
async function textSegments(
  c: DuckConnection,
  logFormat: string | undefined,
): Promise<{ segments: Segment[]; headerErrors: { line: number; message: string }[]; last?: ColumnMap }> {
  const fixed = logFormat !== undefined ? columnMap(logFormat) : undefined;
  if (typeof fixed === 'string') throw new Error(`--log-format: ${fixed}`);
  // Header lines start with a lower-case letter and a known field name (as in the JS reader).
  const headers = (
    (
      await c.runAndReadAll(`SELECT line::DOUBLE AS line, t FROM lines WHERE t >= 'a' AND t < '{' ORDER BY line`)
    ).getRowObjectsJS() as { line: number; t: string }[]
  ).filter((r) => KNOWN_FIELDS.has(r.t.slice(0, r.t.indexOf(' ') >>> 0).replace(/_/g, '-')));
  const firstData = (
    (
      await c.runAndReadAll(
        `SELECT line::DOUBLE AS line, t FROM lines${headers.length ? ` WHERE line NOT IN (${headers.map((h) => h.line).join(',')})` : ''} ORDER BY line LIMIT 1`,
      )
    ).getRowObjectsJS() as { line: number; t: string }[]
  )[0];
  const segments: Segment[] = [];
  const headerErrors: { line: number; message: string }[] = [];
  let map: ColumnMap | undefined;
  let last: ColumnMap | undefined;
  let lo = 1;
  let skip: number[] = [];
  const close = (hi: number) => {
    // Only runs with a data line need a map; before any header the first record decides the default.
    if (firstData && firstData.line >= lo && firstData.line <= hi && map === undefined) {
      map =
        fixed ??
        (columnMap(
          firstData.t.split(' ')[1] === 'TransitGateway' ? AWS_TGW_DEFAULT.join(' ') : AWS_V2_DEFAULT.join(' '),
        ) as ColumnMap);
      last = map;
    }
    if (map !== undefined && hi >= lo) segments.push({ lo, hi, map, skip });
  };
  for (const r of headers) {
    const m = columnMap(r.t);
    if (typeof m === 'string') {
      headerErrors.push({ line: r.line, message: `header: ${m}` });
      skip.push(r.line);
      continue;
    }
    close(r.line - 1);
    map = m;
    last = m;
    lo = r.line + 1;
    skip = [];
  }
  close(Number.MAX_SAFE_INTEGER);
  return { segments, headerErrors, ...(last ? { last } : {}) };
}

/** The one segment of a Parquet file: its columns as AWS names them (`_` for `-`). */
async function parquetSegment(c: DuckConnection, file: string): Promise<Segment> {
  const r = await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${lit(file)})`);
  const columns = r.getRowObjectsJS().map((row) => (typeof row.column_name === 'string' ? row.column_name : ''));
  const map = columnMap(columns.join(' '));
  if (typeof map === 'string') throw new Error(map);
  await c.run(
    `CREATE OR REPLACE TEMP TABLE pq AS SELECT row_number() OVER () AS "__cordon_line", * FROM read_parquet(${lit(file)})`,
  );
  return { lo: 1, hi: Number.MAX_SAFE_INTEGER, map, skip: [], columns };
}

/** Token k (0-based) of a segment's rows as text: a field of the line, or a Parquet column cast to text ('-' for NULL). */
function tokenOf(seg: Segment, kind: 'text' | 'parquet', k: number): string {
  return kind === 'text' ? `f[${k + 1}]` : `coalesce(CAST(${ident(seg.columns![k]!)} AS VARCHAR), '-')`;
}

/** Address tokens of a segment that may be IPv6 (they contain ':'): the texts the IPv6 dictionary needs. */
function v6TokensSql(segs: Segment[], kind: 'text' | 'parquet'): string {
  const parts = segs.map((seg) => {
    const ks = [F_SRC, F_DST, F_PKTSRC, F_PKTDST].map((id) => seg.map.ids.indexOf(id)).filter((k) => k >= 0);
    const list = `[${ks.map((k) => tokenOf(seg, kind, k)).join(', ')}]`;
    return kind === 'text'
      ? `SELECT unnest(${list}) AS tok FROM (SELECT string_split(t, ' ') AS f FROM lines WHERE line BETWEEN ${seg.lo} AND ${seg.hi}${seg.only ? ` AND ${seg.only}` : ''} AND contains(t, ':'))`
      : `SELECT unnest(${list}) AS tok FROM pq`;
  });
  return `SELECT DISTINCT tok FROM (${parts.join(' UNION ALL ')}) WHERE contains(tok, ':') ORDER BY tok`;
}

/**
 * One segment's rows typed and validated as parseAwsRecord does: the first problem in column order is the line's
 * message (an empty field, a number that is not one or a port above 65535, an address that is neither IPv4, "-" nor
 * valid IPv6, an action or log-status not known), then a field count that differs from the format, then an OK
 * record without both addresses. pkt-srcaddr/pkt-dstaddr win over srcaddr/dstaddr when not "-"; a plain address
 * after its pkt- column is not read when the pkt- value was.
 */
function segmentSql(seg: Segment, index: number, kind: 'text' | 'parquet', dict: boolean): string {
  const { names, ids } = seg.map;
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

  // A: the tokens. B: each token's value, computed once (numbers, IPv4, action, log-status, the IPv6 dictionary).
  const tokens = Array.from({ length: n }, (_, k) => `${tokenOf(seg, kind, k)} AS ${col(k)}`).join(', ');
  const source =
    kind === 'text'
      ? `SELECT line, len(f) AS nf, ${tokens} FROM (SELECT line, string_split(t, ' ') AS f FROM lines
           WHERE line BETWEEN ${seg.lo} AND ${seg.hi}${seg.skip.length ? ` AND line NOT IN (${seg.skip.join(',')})` : ''}${seg.only ? ` AND ${seg.only}` : ''})`
      : `SELECT "__cordon_line" AS line, ${n} AS nf, ${tokens} FROM pq`;
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
    const present = kind === 'text' ? `nf >= ${k + 1} AND ` : '';
    if (kind === 'text') checks.push(`WHEN ${present}${x} = '' THEN '${MSG.empty}'`);
    if (isNumber(id)) {
      checks.push(`WHEN ${present}${val(k)} IS NULL THEN '${MSG.number}'`);
      if (id === F_SRCPORT || id === F_DSTPORT) checks.push(`WHEN ${present}${val(k)} > 65535 THEN '${MSG.port}'`);
    } else if (ADDRESS[id] !== undefined) {
      const a = ADDRESS[id];
      // A plain address after its pkt- column is not read when the pkt- value was (not "-").
      const pk = id === F_SRC ? at(F_PKTSRC) : id === F_DST ? at(F_PKTDST) : -1;
      const skipped = pk >= 0 && pk < k ? `${col(pk)} <> '-' OR ` : '';
      checks.push(
        `WHEN ${present}NOT (${skipped}${x} = '-' OR n_${a} IS NOT NULL OR coalesce(ok_${a}, false)) THEN '${MSG.address}'`,
      );
    } else if (id === F_ACTION) checks.push(`WHEN ${present}${val(k)} IS NULL THEN '${MSG.action}'`);
    else if (id === F_STATUS) checks.push(`WHEN ${present}${val(k)} IS NULL THEN '${MSG.status}'`);
  }
  if (kind === 'text') {
    checks.push(`WHEN nf < ${n} THEN '${MSG.fewer}'`);
    checks.push(`WHEN nf > ${n} THEN '${MSG.more}'`);
  }
  const none = (plain: string, pkt: string) =>
    `(${end(plain, pkt, 'v4')}) IS NULL AND (${end(plain, pkt, 'v6')}) IS NULL`;
  checks.push(`WHEN ${status} = 0 AND (${none('src', 'psrc')} OR ${none('dst', 'pdst')}) THEN '${MSG.noAddress}'`);

  const path = valueOr(F_PATH, '-1');
  const svcCol = at(F_DSTSVC) >= 0 ? col(at(F_DSTSVC)) : undefined;
  const s3 = svcCol ? `(${svcCol} = 'S3' OR (strlen(${svcCol}) = 8 AND starts_with(${svcCol}, 'DY')))` : 'false';
  const time = (id: number) =>
    at(id) >= 0 ? `CASE WHEN ${val(at(id))} > 1e11 THEN ${val(at(id))} / 1000 ELSE ${val(at(id))} END` : '-1';
  const iface = at(F_IFACE) >= 0 ? `CASE WHEN ${col(at(F_IFACE))} <> '-' THEN ${col(at(F_IFACE))} END` : 'NULL';
  // The logging resource as describeAwsRecord names it (the SKIPDATA alert's key).
  const res = `CASE WHEN ${byName('tgw-attachment-id')} <> '-' THEN ${byName('tgw-attachment-id')} WHEN ${byName('interface-id')} <> '-' THEN ${byName('interface-id')} ELSE '' END`;
  return `
SELECT line AS ord, line, ${index} AS seg, ${!seg.map.tgw} AS gaps,
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

/** Describes a row of an AWS file for evidence, as the JS reader does (the tokens of its raw line). */
function awsDescriber(file: string, segments: Segment[]) {
  const pathRegion = regionFromPath(file);
  return (raw: string, seg: number): RowDescription =>
    describeAwsRecord(raw.split(' '), segments[seg]!.map.names, pathRegion);
}

/**
 * Reads an AWS text or Parquet file into `fr` (and `lines` or `pq` for raw text). Returns what the rules need to
 * describe rows, and the file's format and header problems.
 */
async function readAws(
  c: DuckConnection,
  analysis: FlowAnalysis,
  file: string,
  kind: 'text' | 'parquet',
  gzip: boolean,
  logFormat: string | undefined,
  addr: AddressTable,
): Promise<{
  format: string;
  headerErrors: { line: number; message: string }[];
  rawJoin: string;
  describe: (raw: string, seg: number) => RowDescription;
  error?: Error;
}> {
  let segments: Segment[];
  let headerErrors: { line: number; message: string }[] = [];
  let format: string;
  let rawJoin: string;
  let error: Error | undefined;
  if (kind === 'text') {
    const integrity = gzip ? gzipIntegrity(file) : undefined;
    await loadLines(c, file, gzip);
    const broken = await integrity;
    if (broken?.error) {
      error = broken.error;
      await c.run(`DELETE FROM lines WHERE line > ${broken.completeLines}`);
    }
    const s = await textSegments(c, logFormat);
    segments = s.segments;
    headerErrors = s.headerErrors;
    format = s.last?.tgw ? 'aws-tgw' : 'aws-vpc';
    rawJoin = 'LEFT JOIN lines rw ON rw.line = fr.ord';
  } else {
    const seg = await parquetSegment(c, file);
    segments = [seg];
    format = `${seg.map.tgw ? 'aws-tgw' : 'aws-vpc'}-parquet`;
    rawJoin = `LEFT JOIN (SELECT "__cordon_line" AS line, concat_ws(' ', ${seg.columns!.map((_, k) => tokenOf(seg, 'parquet', k)).join(', ')}) AS t FROM pq) rw ON rw.line = fr.ord`;
  }
  const tokens = segments.length > 0 ? await tokensOf(c, v6TokensSql(segments, kind)) : [];
  if (tokens.length > 0) await loadV6Dictionary(c, analysis, tokens);
  const typed =
    segments.length > 0
      ? segments.map((seg, i) => segmentSql(seg, i, kind, tokens.length > 0)).join('\nUNION ALL\n')
      : EMPTY_TYPED;
  await c.run(classifySql(typed, analysis, addr));
  if (kind === 'text') await retryTransitGateway(c, analysis, segments, tokens, addr);
  return { format, headerErrors, rawJoin, describe: awsDescriber(file, segments), ...(error ? { error } : {}) };
}

/**
 * CloudWatch log groups can mix VPC and Transit Gateway records ("6 TransitGateway …"): as the JS reader does, a line
 * of a VPC run with too few or too many fields whose second field is TransitGateway is read again with the TGW
 * default format (as a run of its own, so its evidence is described with the TGW field names).
 */
async function retryTransitGateway(
  c: DuckConnection,
  analysis: FlowAnalysis,
  segments: Segment[],
  tokens: string[],
  addr: AddressTable,
): Promise<void> {
  const vpc = segments.flatMap((seg, i) => (seg.map.tgw ? [] : [i]));
  if (vpc.length === 0) return;
  await c.run(`CREATE OR REPLACE TEMP TABLE retry AS
SELECT fr.line FROM fr JOIN lines l ON l.line = fr.line
WHERE fr.bad IN ('${MSG.fewer}', '${MSG.more}') AND fr.seg IN (${vpc.join(',')})
  AND contains(l.t, ' TransitGateway') AND string_split(l.t, ' ')[2] = 'TransitGateway'`);
  const n = await c.runAndReadAll('SELECT count(*)::DOUBLE AS n FROM retry');
  if (n.getRowObjectsJS()[0]!.n === 0) return;
  const tgw: Segment = {
    lo: 1,
    hi: Number.MAX_SAFE_INTEGER,
    map: columnMap(AWS_TGW_DEFAULT.join(' ')) as ColumnMap,
    skip: [],
    only: 'line IN (SELECT line FROM retry)',
  };
  segments.push(tgw);
  const more = await tokensOf(c, v6TokensSql([tgw], 'text'));
  const all = [...new Set([...tokens, ...more])];
  if (more.some((t) => !tokens.includes(t))) await loadV6Dictionary(c, analysis, all);
  await c.run('DELETE FROM fr WHERE line IN (SELECT line FROM retry)');
  await c.run(classifySql(segmentSql(tgw, segments.length - 1, 'text', all.length > 0), analysis, addr, true));
}

/** A typed row set with no rows (a text file with no data line). */
const EMPTY_TYPED = `SELECT NULL::BIGINT AS ord, NULL::BIGINT AS line, 0 AS seg, false AS gaps, NULL::VARCHAR AS bad,
  NULL::DOUBLE AS s4, NULL::DOUBLE AS d4, NULL::VARCHAR AS s6, NULL::VARCHAR AS d6, NULL::INTEGER AS s6z,
  NULL::BOOLEAN AS s6ai, NULL::INTEGER AS d6z, NULL::BOOLEAN AS d6ai, NULL::BOOLEAN AS d6res, NULL::INTEGER AS sport,
  NULL::INTEGER AS dport, NULL::INTEGER AS proto, NULL::DOUBLE AS bytes, NULL::DOUBLE AS st, NULL::DOUBLE AS en,
  NULL::TINYINT AS action, NULL::TINYINT AS status, NULL::BOOLEAN AS svc, NULL::BOOLEAN AS reply,
  NULL::VARCHAR AS iface, NULL::VARCHAR AS res WHERE false`;

// ---------------------------------------------------------------------------------------------------------------
// Azure and GCP JSON: read by the JS readers, rows appended to DuckDB

const JROWS = `CREATE OR REPLACE TEMP TABLE jrows (ord BIGINT, line BIGINT, t VARCHAR, s4 DOUBLE, d4 DOUBLE, s6 VARCHAR,
  d6 VARCHAR, sport INTEGER, dport INTEGER, proto INTEGER, bytes DOUBLE, st DOUBLE, en DOUBLE, action TINYINT,
  status TINYINT, svc BOOLEAN, reply BOOLEAN, provider VARCHAR, account VARCHAR, region VARCHAR, rtype VARCHAR,
  resource VARCHAR)`;

/** A sink that appends every flushed batch row (typed by the reader, with its raw text and description) to jrows. */
function appendingSink(appender: DuckDBAppender, analysis: FlowAnalysis): ReaderSink & { rows: number } {
  const sink = {
    rows: 0,
    flush(b: FlowBatch): void {
      for (let i = 0; i < b.n; i++) {
        const d = b.source.describe(b, i);
        appender.appendBigInt(BigInt(sink.rows++));
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
function jsonTypedSql(dict: boolean): string {
  const v = (side: 's' | 'd', field: string) => (dict ? `v_${side}.${field}` : 'NULL');
  return `
SELECT j.ord, j.line, 0 AS seg, false AS gaps, NULL::VARCHAR AS bad, j.s4, j.d4, j.s6, j.d6,
  ${v('s', 'zone')}::INTEGER AS s6z, ${v('s', 'ai')}::BOOLEAN AS s6ai, ${v('d', 'zone')}::INTEGER AS d6z,
  ${v('d', 'ai')}::BOOLEAN AS d6ai, ${v('d', 'res')}::BOOLEAN AS d6res,
  j.sport, j.dport, j.proto, j.bytes, j.st, j.en, j.action, j.status, j.svc, j.reply, NULL::VARCHAR AS iface, j.resource AS res
FROM jrows j${dict ? ' LEFT JOIN v6 v_s ON v_s.tok = j.s6 LEFT JOIN v6 v_d ON v_d.tok = j.d6' : ''}`;
}

async function readJson(
  c: DuckConnection,
  analysis: FlowAnalysis,
  file: string,
  format: 'azure' | 'gcp-vpc',
  gzip: boolean,
  batch: FlowBatch,
  addr: AddressTable,
): Promise<{ records: number; format: string; rows: number; error?: Error }> {
  await c.run(JROWS);
  const appender = await c.createAppender('jrows');
  const sink = appendingSink(appender, analysis);
  let result: { records: number; format: string } = { records: 0, format };
  let error: Error | undefined;
  try {
    result =
      format === 'azure'
        ? await readAzure(file, gzip, batch, sink, analysis.interner)
        : await readGcp(file, gzip, batch, sink, analysis.interner);
  } catch (err) {
    // As in the JS engine, the rows of the batches flushed before the failure are analysed.
    error = err as Error;
  } finally {
    appender.closeSync();
  }
  const tokens = await tokensOf(
    c,
    'SELECT DISTINCT tok FROM (SELECT s6 AS tok FROM jrows UNION ALL SELECT d6 FROM jrows) WHERE tok IS NOT NULL ORDER BY tok',
  );
  if (tokens.length > 0) await loadV6Dictionary(c, analysis, tokens);
  await c.run(classifySql(jsonTypedSql(tokens.length > 0), analysis, addr));
  return { ...result, rows: sink.rows, ...(error ? { error } : {}) };
}

const JSON_RAW_JOIN = 'LEFT JOIN jrows rw ON rw.ord = fr.ord';

function jsonDescribe(row: Record<string, unknown>): RowDescription {
  return {
    provider: row.provider as RowDescription['provider'],
    account: String(row.account),
    region: String(row.region),
    resourceType: String(row.rtype),
    resource: String(row.resource),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The engine

export async function analyzeFlowsDuckdb(paths: readonly string[], options: FlowRunOptions): Promise<FlowRunResult> {
  const { displayName, analysis, planned, files } = await beginFlowRun(paths, options);
  // One thread: line numbering and the order of rows stay deterministic.
  const db = await openDuckdb(1);
  const c = db.connection;
  try {
    const rules = new SqlRules(c, analysis);
    await rules.init();
    let addresses: AddressTable | undefined;
    let index = 0;
    const batch = new FlowBatch();
    for (const p of planned) {
      const name = displayName(p.file);
      if (p.format === 'unknown') {
        analysis.notAssessed(p.file, p.note);
        files.push({
          file: name,
          format: p.format,
          gzip: p.gzip,
          records: 0,
          malformed: 0,
          status: 'not-assessed',
          note: p.note,
        });
        continue;
      }
      const before = analysis.records + analysis.dnsQueries;
      try {
        let records: number;
        let format: string = p.format;
        let failure: Error | undefined;
        if (p.format === 'route53-dns') ({ records, format } = await readRoute53(p.file, p.gzip, analysis));
        else {
          // DNS logs come first: the approved AI addresses they taught are complete before any flow is placed.
          addresses ??= await loadAddressTable(c, analysis);
          const base = { index: index++, file: p.file, name };
          if (p.format === 'aws-vpc' || p.format === 'aws-tgw' || p.format === 'parquet') {
            const kind = p.format === 'parquet' ? 'parquet' : 'text';
            const r = await readAws(c, analysis, p.file, kind, p.gzip, options.logFormat, addresses);
            format = r.format;
            const f: SqlFile = {
              ...base,
              rawJoin: r.rawJoin,
              json: false,
              describe: (row) => r.describe(String(row.raw), Number(row.seg)),
              headerErrors: r.headerErrors,
            };
            records = await rules.analyzeFile(f);
            failure = r.error;
          } else {
            const r = await readJson(c, analysis, p.file, p.format, p.gzip, batch, addresses);
            format = r.format;
            records = r.records;
            failure = r.error;
            await rules.analyzeFile({
              ...base,
              rawJoin: JSON_RAW_JOIN,
              json: true,
              describe: jsonDescribe,
              headerErrors: [],
            });
          }
        }
        if (failure) throw failure;
        const bad = analysis.malformedByFile.get(p.file) ?? 0;
        files.push({
          file: name,
          format,
          gzip: p.gzip,
          records,
          malformed: bad,
          status: bad > 0 ? (records > 0 ? 'partial' : 'not-assessed') : 'read',
          note: p.note,
        });
        if (bad > 0 && records === 0) analysis.notAssessed(p.file, `no valid record (${bad} malformed lines)`);
      } catch (err) {
        const got = analysis.records + analysis.dnsQueries - before;
        const note = `read failed${got > 0 ? ` after ${got} records` : ''}: ${(err as Error).message.split('\n')[0]}`;
        analysis.notAssessed(p.file, note);
        files.push({
          file: name,
          format: p.format,
          gzip: p.gzip,
          records: got,
          malformed: analysis.malformedByFile.get(p.file) ?? 0,
          status: got > 0 ? 'partial' : 'not-assessed',
          note,
        });
      }
    }
    await rules.finish();
  } finally {
    db.close();
  }
  files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return analysis.finish(files, 'duckdb');
}
