/**
 * The DuckDB engine (`--engine duckdb`): AWS flow logs in text (plain or gzip) and Parquet are read, split, typed,
 * validated and placed in zones by SQL in an embedded DuckDB (no extensions: IPv4 becomes an integer in SQL and
 * zones are an ASOF join on the same disjoint intervals the JS engine uses). The classified rows then go through the
 * same rule code and matrix as the JS engine, which is what makes both engines give the same alerts. JSON formats
 * (Azure, GCP, Route 53) are read by the JS readers in both engines.
 *
 * DATA_EGRESS_SQL is the data-zone egress rule written in SQL alone; the benchmark runs it and a test checks it finds
 * the same alerts as the rule module.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { readHead } from './input.js';
import { beginFlowRun, type FlowAnalysis, type FlowRunOptions, type FlowRunResult } from './analyze.js';
import { parseIPv6 } from './ip.js';
import { AWS_TGW_DEFAULT, AWS_V2_DEFAULT, KNOWN_FIELDS, columnMap, type ColumnMap } from './readers/aws-fields.js';
import { describeAwsRecord, regionFromPath } from './readers/aws-text.js';
import { readAzure } from './readers/azure.js';
import { readGcp } from './readers/gcp.js';
import { readRoute53 } from './readers/route53.js';
import { DST_V6, FlowBatch, SRC_V6, type BatchSource } from './record.js';
import type { ZoneMap } from './zones.js';

// Loaded lazily: the JS engine never pays for the native module.
type DuckConnection = DuckDBConnection;

export async function openDuckdb(threads = 1): Promise<{ connection: DuckConnection; close: () => void }> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  // No extension may be downloaded: this engine works offline and sends nothing anywhere.
  const instance = await DuckDBInstance.create(':memory:', {
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    threads: String(threads),
  });
  const connection = await instance.connect();
  await connection.run(MACROS);
  return {
    connection,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** IPv4 text → integer (NULL when not IPv4; UTINYINT casts reject octets above 255); a number field → DOUBLE, -1 for "-", NULL when not a number. */
export const MACROS = `
CREATE OR REPLACE MACRO ip4(s) AS (CASE WHEN regexp_full_match(s, '\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}') THEN
  TRY_CAST(split_part(s, '.', 1) AS UTINYINT)::DOUBLE * 16777216 + TRY_CAST(split_part(s, '.', 2) AS UTINYINT)::DOUBLE * 65536
  + TRY_CAST(split_part(s, '.', 3) AS UTINYINT)::DOUBLE * 256 + TRY_CAST(split_part(s, '.', 4) AS UTINYINT)::DOUBLE END);
CREATE OR REPLACE MACRO fnum(s) AS (CASE WHEN s = '-' THEN -1 WHEN regexp_full_match(s, '\\d+') THEN TRY_CAST(s AS DOUBLE) END);
`;

/** SQL text literal. */
function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** Creates the zone interval table (disjoint, sorted) the ASOF joins use. */
export async function loadZoneTable(c: DuckConnection, zones: ZoneMap): Promise<void> {
  await c.run('CREATE OR REPLACE TABLE zint (s DOUBLE, e DOUBLE, v INTEGER)');
  const rows = zones.table.intervals();
  for (let i = 0; i < rows.length; i += 500) {
    const part = rows.slice(i, i + 500).map((r) => `(${r.start}, ${r.end}, ${r.value})`);
    await c.run(`INSERT INTO zint VALUES ${part.join(',')}`);
  }
}

/** One row per record with typed columns, from a text file (columns from the header/LogFormat) or Parquet. */
export function recordsSql(file: string, kind: 'text' | 'parquet', map: ColumnMap): string {
  const n = map.names.length;
  const col = (name: string): string => {
    const k = map.names.indexOf(name);
    if (k < 0) return `'-'`;
    return kind === 'text' ? `f[${k + 1}]` : `coalesce(CAST("${name.replace(/-/g, '_')}" AS VARCHAR), '-')`;
  };
  const source =
    kind === 'text'
      ? `SELECT line, t, string_split(t, ' ') AS f FROM (
           SELECT row_number() OVER () AS line, trim(c, E' \\r') AS t
           FROM read_csv(${lit(file)}, columns={'c': 'VARCHAR'}, delim=E'\\x01', quote='', escape='', header=false,
                         auto_detect=false, strict_mode=false, compression='auto'))
         WHERE t <> '' AND replace(split_part(t, ' ', 1), '_', '-') NOT IN (${[...KNOWN_FIELDS].map(lit).join(', ')})`
      : `SELECT row_number() OVER () AS line, concat_ws(' ', ${map.names.map((x) => `coalesce(CAST("${x.replace(/-/g, '_')}" AS VARCHAR), '-')`).join(', ')}) AS t, *
         FROM read_parquet(${lit(file)})`;
  const nf = kind === 'text' ? 'len(f)' : String(n);
  const ifaceName = map.names.includes('tgw-attachment-id') ? 'tgw-attachment-id' : 'interface-id';
  return `
WITH src AS (${source}),
c AS (
  SELECT line, t, ${nf} AS nf,
    ${col('srcaddr')} AS a_src, ${col('dstaddr')} AS a_dst, ${col('pkt-srcaddr')} AS a_psrc, ${col('pkt-dstaddr')} AS a_pdst,
    ${col('srcport')} AS a_sport, ${col('dstport')} AS a_dport, ${col('protocol')} AS a_proto,
    ${col('packets')} AS a_packets, ${col('bytes')} AS a_bytes, ${col('start')} AS a_start, ${col('end')} AS a_end,
    ${col('action')} AS a_action, ${col('log-status')} AS a_status, ${col('flow-direction')} AS a_dir,
    ${col('traffic-path')} AS a_path, ${col('pkt-dst-aws-service')} AS a_dsvc, ${col(ifaceName)} AS a_iface
  FROM src),
t AS (
  SELECT line, t, nf,
    CASE WHEN a_psrc <> '-' THEN a_psrc ELSE a_src END AS s_txt,
    CASE WHEN a_pdst <> '-' THEN a_pdst ELSE a_dst END AS d_txt,
    fnum(a_sport) AS sport, fnum(a_dport) AS dport, fnum(a_proto) AS proto, fnum(a_packets) AS packets, fnum(a_bytes) AS bytes,
    fnum(a_start) AS st, fnum(a_end) AS en, fnum(a_path) AS path,
    CASE a_action WHEN 'ACCEPT' THEN 1 WHEN 'REJECT' THEN 2 WHEN '-' THEN 0 END AS action,
    CASE a_status WHEN 'OK' THEN 0 WHEN '-' THEN 0 WHEN 'NODATA' THEN 1 WHEN 'SKIPDATA' THEN 2 END AS status,
    CASE WHEN starts_with(a_dir, 'i') THEN 1 WHEN starts_with(a_dir, 'e') THEN 2 ELSE 0 END AS dir,
    a_dsvc IN ('S3', 'DYNAMODB') AS s3, a_iface AS iface
  FROM c),
v AS (
  SELECT *, ip4(s_txt) AS s4, ip4(d_txt) AS d4,
    CASE
      WHEN nf < ${n} THEN 'fewer fields than the format'
      WHEN nf > ${n} THEN 'more fields than the format'
      WHEN sport IS NULL OR dport IS NULL OR proto IS NULL OR packets IS NULL OR bytes IS NULL OR st IS NULL OR en IS NULL OR path IS NULL THEN 'not a number'
      WHEN sport > 65535 OR dport > 65535 THEN 'port out of range'
      WHEN (s_txt <> '-' AND ip4(s_txt) IS NULL AND NOT contains(s_txt, ':')) OR (d_txt <> '-' AND ip4(d_txt) IS NULL AND NOT contains(d_txt, ':')) THEN 'not an IP address'
      WHEN action IS NULL THEN 'action is not ACCEPT, REJECT or -'
      WHEN status IS NULL THEN 'log-status is not OK, NODATA or SKIPDATA'
      WHEN status = 0 AND (s_txt = '-' OR d_txt = '-') THEN 'an OK record without source or destination address'
    END AS bad
  FROM t)
SELECT v.line, v.t, v.bad, v.s4, v.d4,
  CASE WHEN v.s4 IS NULL AND v.s_txt <> '-' THEN v.s_txt END AS s6, CASE WHEN v.d4 IS NULL AND v.d_txt <> '-' THEN v.d_txt END AS d6,
  v.sport, v.dport, v.proto, v.packets, v.bytes,
  CASE WHEN v.st > 1e11 THEN v.st / 1000 ELSE v.st END AS st, CASE WHEN v.en > 1e11 THEN v.en / 1000 ELSE v.en END AS en,
  v.action, v.status, v.dir, v.path, v.s3, v.iface,
  CASE WHEN v.s4 IS NULL THEN -1 WHEN v.s4 <= zs.e THEN zs.v ELSE -2 END AS sz,
  CASE WHEN v.d4 IS NULL THEN -1 WHEN v.d4 <= zd.e THEN zd.v ELSE -2 END AS dz
FROM v
ASOF LEFT JOIN zint zs ON v.s4 >= zs.s
ASOF LEFT JOIN zint zd ON v.d4 >= zd.s
ORDER BY v.line`;
}

/**
 * The data-zone egress rule in SQL over read_csv of an AWS text log (header line present): accepted or rejected
 * flows from a data zone to an address no zone or private range claims, grouped like the rule module's alert keys.
 * `dataZones` and `internet` are zone ids of the ZoneMap loaded with loadZoneTable.
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

/** Columns of an AWS text file from its header, the LogFormat, or the default of its first record. */
export async function textColumns(file: string, logFormat?: string): Promise<ColumnMap | string> {
  const { head } = await readHead(file);
  const first = head.toString('utf8').trimStart().split('\n', 1)[0]!.trim();
  if (/^[a-z]/.test(first)) return columnMap(first);
  if (logFormat !== undefined) return columnMap(logFormat);
  return columnMap((first.split(' ')[1] === 'TransitGateway' ? AWS_TGW_DEFAULT : AWS_V2_DEFAULT).join(' '));
}

async function parquetColumns(c: DuckConnection, file: string): Promise<ColumnMap | string> {
  const r = await c.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${lit(file)})`);
  const names = r.getRowObjectsJS().map((row) => (typeof row.column_name === 'string' ? row.column_name : ''));
  return columnMap(names.join(' '));
}

async function readWithDuckdb(
  c: DuckConnection,
  file: string,
  kind: 'text' | 'parquet',
  map: ColumnMap,
  analysis: FlowAnalysis,
  batch: FlowBatch,
): Promise<number> {
  const zones = analysis.zones;
  const raws: string[] = [];
  const ifaces: string[] = [];
  const pathRegion = regionFromPath(file);
  const source: BatchSource = {
    file,
    format: map.tgw ? 'aws-tgw' : 'aws-vpc',
    provider: 'aws',
    rawLine: (_b, i) => raws[i]!,
    describe: (_b, i) => describeAwsRecord(raws[i]!.split(' '), map.names, pathRegion, ifaces[i] || undefined),
  };
  batch.source = source;
  batch.buf = undefined;
  batch.n = 0;
  let records = 0;
  const result = await c.stream(recordsSql(file, kind, map));
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const cols = chunk.getColumns();
    const [
      line,
      t,
      bad,
      s4,
      d4,
      s6,
      d6,
      sport,
      dport,
      proto,
      packets,
      bytes,
      st,
      en,
      action,
      status,
      dir,
      path,
      s3,
      iface,
      sz,
      dz,
    ] = cols as unknown[][];
    for (let k = 0; k < chunk.rowCount; k++) {
      const lineNo = Number(line![k]);
      if (bad![k] !== null) {
        analysis.malformed(file, lineNo, String(bad![k]));
        continue;
      }
      const r = batch.n;
      batch.clearRow(r);
      // IPv6 stays text and is classified by the same prefix table; an invalid one is malformed as in the JS reader.
      let ok = true;
      for (const [v4, v6, isSrc] of [
        [s4![k], s6![k], true],
        [d4![k], d6![k], false],
      ] as const) {
        if (v4 !== null) {
          if (isSrc) batch.src[r] = v4 as number;
          else batch.dst[r] = v4 as number;
        } else if (v6 !== null) {
          const six = typeof v6 === 'string' ? parseIPv6(v6) : undefined;
          if (six === undefined) ok = false;
          else if (typeof six === 'number') {
            if (isSrc) batch.src[r] = six;
            else batch.dst[r] = six;
          } else if (isSrc) {
            batch.family[r]! |= SRC_V6;
            batch.srcV6[r] = six;
          } else {
            batch.family[r]! |= DST_V6;
            batch.dstV6[r] = six;
          }
        }
      }
      if (!ok) {
        analysis.malformed(file, lineNo, 'not an IP address');
        continue;
      }
      batch.srcPort[r] = sport![k] as number;
      batch.dstPort[r] = dport![k] as number;
      batch.proto[r] = (proto![k] as number) > 255 ? -1 : (proto![k] as number);
      batch.packets[r] = Math.max(0, packets![k] as number);
      batch.bytes[r] = Math.max(0, bytes![k] as number);
      batch.start[r] = st![k] as number;
      batch.end[r] = en![k] as number;
      batch.action[r] = action![k] as number;
      batch.status[r] = status![k] as number;
      batch.dir[r] = dir![k] as number;
      const p = path![k] as number;
      batch.trafficPath[r] = p > 127 ? -1 : p;
      if (p === 7 || (p === 2 && s3![k] === true)) batch.service[r] = 1;
      const ifaceText = String(iface![k]);
      batch.iface[r] = ifaceText === '-' ? -1 : analysis.interner.internString(ifaceText);
      ifaces[r] = ifaceText === '-' ? '' : ifaceText;
      const zsv = sz![k] as number;
      const dzv = dz![k] as number;
      batch.srcZone[r] =
        zsv === -1
          ? batch.family[r]! & SRC_V6
            ? zones.table.lookup6(batch.srcV6[r]!)
            : zones.table.lookup4(batch.src[r]!)
          : zsv === -2
            ? zones.internet
            : zsv;
      batch.dstZone[r] =
        dzv === -1
          ? batch.family[r]! & DST_V6
            ? zones.table.lookup6(batch.dstV6[r]!)
            : zones.table.lookup4(batch.dst[r]!)
          : dzv === -2
            ? zones.internet
            : dzv;
      batch.line[r] = lineNo;
      raws[r] = String(t![k]);
      batch.n++;
      records++;
      if (batch.n === batch.capacity) {
        analysis.flushClassified(batch);
        batch.n = 0;
      }
    }
  }
  if (batch.n > 0) analysis.flushClassified(batch);
  batch.n = 0;
  return records;
}

export async function analyzeFlowsDuckdb(paths: readonly string[], options: FlowRunOptions): Promise<FlowRunResult> {
  const { displayName, analysis, planned, files } = await beginFlowRun(paths, options);
  // One thread: output order and line numbering stay deterministic.
  const db = await openDuckdb(1);
  try {
    await loadZoneTable(db.connection, analysis.zones);
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
      // Records already counted when a read fails midway (a truncated gzip): the file is partly assessed.
      const before = analysis.records + analysis.dnsQueries;
      try {
        let records: number;
        let format: string = p.format;
        if (p.format === 'aws-vpc' || p.format === 'aws-tgw' || p.format === 'parquet') {
          const map =
            p.format === 'parquet'
              ? await parquetColumns(db.connection, p.file)
              : await textColumns(p.file, options.logFormat);
          if (typeof map === 'string') throw new Error(map);
          records = await readWithDuckdb(
            db.connection,
            p.file,
            p.format === 'parquet' ? 'parquet' : 'text',
            map,
            analysis,
            batch,
          );
          format =
            p.format === 'parquet' ? `${map.tgw ? 'aws-tgw' : 'aws-vpc'}-parquet` : map.tgw ? 'aws-tgw' : 'aws-vpc';
        } else if (p.format === 'azure')
          ({ records, format } = await readAzure(p.file, p.gzip, batch, analysis, analysis.interner));
        else if (p.format === 'gcp-vpc')
          ({ records, format } = await readGcp(p.file, p.gzip, batch, analysis, analysis.interner));
        else ({ records, format } = await readRoute53(p.file, p.gzip, analysis));
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
  } finally {
    db.close();
  }
  files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return analysis.finish(files, 'duckdb');
}
