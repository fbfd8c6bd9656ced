/**
 * The flow analysis in SQL (the DuckDB engine), over the classified rows of one batch of files at a time (TEMP TABLE
 * `fr`, made by duckdb.ts; rows ordered by `go`: the file's place in the run, then the row's in the file):
 *
 * - record, NODATA and SKIPDATA counts, malformed lines (count and first samples), the zone-to-zone matrix;
 * - every flow rule's alert groups: rule, severity, key, records, bytes, the first hit (its file line, raw text and
 *   values) and the first MAX_SAMPLES lines, as AlertBook would collect them hit by hit;
 * - the allow rules' use (the "unused allow rules" report), credited as the policy-drift rule does;
 * - large transfers per (window, source, destination) with the rule module's exact tumbling-window semantics, across
 *   files: the sums and the newest window carry from batch to batch in SQL tables;
 * - interface coverage for missing intervals, accumulated across files and judged at the end.
 *
 * JS only turns the result rows into alerts: each rule module's exported text function makes message and evidence
 * from the same plain values as in the JS engine, and AlertBook.addGroup applies the key bound and samples. So both
 * engines give the same alerts; a test compares them, and another proves no rule module sees a row here.
 *
 * Not bounded as in the rule modules: the window sums keep every (window, source, destination) pair that is live
 * (large_transfer.max_pairs does not apply: DuckDB spills to disk instead), so this engine reports no untracked pairs.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Severity } from '../findings/types.js';
import { MAX_SAMPLES, resourceKey, type FlowFacts, type RuleMeta } from './alerts.js';
import type { FlowAnalysis } from './analyze.js';
import { ipv4ToString } from './ip.js';
import { describeAwsRecord, regionFromPath } from './readers/aws-text.js';
import type { RowDescription } from './record.js';
import { DATA_EGRESS, dataEgressText } from './rules/data-zone-egress.js';
import { DNS_RESOLVER, dnsResolverText } from './rules/dns-resolver.js';
import { INFERENCE_EXTERNAL, inferenceExternalText } from './rules/inference-external.js';
import { INTERNET_MANAGEMENT, internetManagementText } from './rules/internet-management.js';
import { LARGE_FLOW, LARGE_PAIR, largeFlowText, largePairText } from './rules/large-transfer.js';
import { policyNamesUnzoned } from '../policy/any-zone.js';
import { driftSeverity, POLICY_DRIFT, policyDriftText } from './rules/policy-drift.js';
import { SANDBOX_ESCAPE, sandboxEscapeText } from './rules/sandbox-escape.js';
import {
  BUCKETS,
  BUCKET_SEC,
  SKIPDATA,
  compareSeriesKeys,
  flowLogSeries,
  reportMissingInterval,
  skipdataText,
} from './rules/visibility-gap.js';

/** One batch's rows in `fr`, and how to reach their raw text and description. */
export interface SqlBatch {
  /** The files' indexes in the run, in reading order. */
  files: number[];
  /** Joins `rw` (raw text `t`; for JSON rows also provider, account, region, rtype, resource) to `fr` by go. */
  rawJoin: string;
  /** Whether `rw` has the description columns (JSON rows) or rows are described from their raw text (AWS). */
  json: boolean;
  /** Per file index: malformed header lines found while reading (AWS text), in line order. */
  headerErrors: Map<number, { line: number; message: string }[]>;
}

/** 2^32: go = file index * FILE_SPAN + order in the file. */
export const FILE_SPAN = 4294967296;

/** The window value before any row: lower than any window number (-1 is "no time"). */
const NO_WINDOW = -1e18;

/** The per-row rules, by the number the SQL gives them. */
const ROW_RULES: RuleMeta[] = [
  DATA_EGRESS,
  LARGE_FLOW,
  INFERENCE_EXTERNAL,
  POLICY_DRIFT,
  SANDBOX_ESCAPE,
  INTERNET_MANAGEMENT,
  DNS_RESOLVER,
  SKIPDATA,
];

function num(v: unknown): number {
  return typeof v === 'bigint' ? Number(v) : (v as number);
}

export class SqlRules {
  private newest = NO_WINDOW;
  /** Every flow file of the run by index: path, display name, the region its S3 key names. */
  private readonly files: { file: string; name: string; pathRegion: string }[] = [];
  /** The column names of every AWS column map read so far, by id (fr.seg; -1 for JSON rows). */
  readonly maps: (readonly string[])[] = [];

  constructor(
    private readonly c: DuckDBConnection,
    private readonly analysis: FlowAnalysis,
  ) {}

  private get ctx() {
    return this.analysis.ctx;
  }

  /** Zone ids where a role mask is set, as a SQL condition on `col`. */
  private inZones(col: string, ...masks: Uint8Array[]): string {
    const ids: number[] = [];
    for (let z = 0; z < this.analysis.zones.names.length; z++) if (masks.some((m) => m[z] === 1)) ids.push(z);
    return ids.length > 0 ? `${col} IN (${ids.join(',')})` : 'false';
  }

  /** Names the files of a batch before it is read. */
  register(files: { fi: number; file: string; name: string }[]): void {
    for (const f of files) this.files[f.fi] = { file: f.file, name: f.name, pathRegion: regionFromPath(f.file) };
  }

  /** A row's description: its columns (JSON), or its raw text read with its column map (AWS, as the JS reader). */
  private describe(row: Record<string, unknown>): RowDescription {
    if (typeof row.provider === 'string')
      return {
        provider: row.provider as RowDescription['provider'],
        account: String(row.account),
        region: String(row.region),
        resourceType: String(row.rtype),
        resource: String(row.resource),
      };
    return describeAwsRecord(String(row.raw).split(' '), this.maps[num(row.seg)]!, this.files[num(row.fi)]!.pathRegion);
  }

  /** The file and line of a row given its go and line. */
  private sample(go: unknown, line: unknown): { file: string; line: number } {
    return { file: this.files[Math.floor(num(go) / FILE_SPAN)]!.name, line: num(line) };
  }

  async init(): Promise<void> {
    const c = this.c;
    await this.loadDecisions();
    await c.run('CREATE OR REPLACE TEMP TABLE lt_state (w DOUBLE, s VARCHAR, d VARCHAR, bytes DOUBLE)');
    await c.run(
      'CREATE OR REPLACE TEMP TABLE gap_first (iface VARCHAR, g DOUBLE, fi INTEGER, line DOUBLE, seg INTEGER, st DOUBLE, raw VARCHAR, provider VARCHAR, account VARCHAR, region VARCHAR, rtype VARCHAR, resource VARCHAR)',
    );
    await c.run(
      'CREATE OR REPLACE TEMP TABLE gap_ranges (iface VARCHAR, fb DOUBLE, tb DOUBLE, n DOUBLE, go DOUBLE, line DOUBLE)',
    );
  }

  /** First ports of the policy's port segments (rule port ranges cut 0..65535; 65536 stands for "no port"). */
  private starts: number[] = [];

  /**
   * The policy's decisions, taken from the JS engine's own decision table (FlowContext.decisionId): dec(key,
   * allowed, deny, id) for every (from zone, to zone, protocol class, port segment), key as decisionKey() computes
   * it; dec_rules(id, r) the deciding rules of each decision.
   */
  private async loadDecisions(): Promise<void> {
    const { ctx, policy } = this.analysis;
    const cuts = new Set<number>([0, 65536]);
    for (const r of policy.rules) {
      cuts.add(r.portRange.low);
      cuts.add(r.portRange.high + 1);
    }
    this.starts = [...cuts].filter((x) => x <= 65536).sort((a, b) => a - b);
    const z = this.analysis.zones.names.length;
    const protoOf = [6, 17, 1, -1];
    const rows: string[] = [];
    const seen = new Set<number>();
    let key = 0;
    for (let from = 0; from < z; from++) {
      for (let to = 0; to < z; to++) {
        for (let pc = 0; pc < 4; pc++) {
          for (const lo of this.starts) {
            const id = ctx.decisionId(from, to, protoOf[pc]!, lo === 65536 ? -1 : lo);
            const d = ctx.decisionById(id);
            seen.add(id);
            rows.push(`(${key++}, ${d.allowed}, ${d.kind === 'explicit-deny'}, ${id})`);
          }
        }
      }
    }
    const c = this.c;
    await c.run('CREATE OR REPLACE TEMP TABLE dec (key INTEGER, allowed BOOLEAN, deny BOOLEAN, id INTEGER)');
    for (let i = 0; i < rows.length; i += 2000)
      await c.run(`INSERT INTO dec VALUES ${rows.slice(i, i + 2000).join(',')}`);
    await c.run('CREATE OR REPLACE TEMP TABLE dec_rules (id INTEGER, r INTEGER)');
    const dr = [...seen].flatMap((id) => ctx.decisionById(id).rules.map((r) => `(${id}, ${r})`));
    if (dr.length > 0) await c.run(`INSERT INTO dec_rules VALUES ${dr.join(',')}`);
  }

  /** The dec key of (from zone, to zone, protocol class, port 0..65536) as SQL. */
  private decisionKey(from: string, to: string, pc: string, port: string): string {
    const z = this.analysis.zones.names.length;
    const n = this.starts.length;
    const segment = `CASE ${this.starts
      .slice(1)
      .map((s, k) => `WHEN ${port} < ${s} THEN ${k}`)
      .join(' ')} ELSE ${n - 1} END`;
    return `((${from} * ${z} + ${to}) * 4 + ${pc}) * ${n} + ${segment}`;
  }

  private async all(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.c.runAndReadAll(sql)).getRowObjectsJS();
  }

  /** Facts of a result row that carries fr's columns (addresses, ports, protocol, action, zones). */
  private facts(r: Record<string, unknown>): FlowFacts {
    const names = this.analysis.zones.names;
    return {
      src: r.s4 !== null ? ipv4ToString(num(r.s4)) : String(r.s6),
      dst: r.d4 !== null ? ipv4ToString(num(r.d4)) : String(r.d6),
      srcPort: num(r.sport),
      dstPort: num(r.dport),
      proto: num(r.proto),
      action: num(r.action),
      srcZone: names[num(r.sz)]!,
      dstZone: names[num(r.dz)]!,
    };
  }

  /** Analyses the rows of one batch (`fr`); returns each file's valid records. */
  async analyzeBatch(f: SqlBatch): Promise<Map<number, { records: number }>> {
    const { analysis, c } = this;
    const ctx = this.ctx;
    const { internet, gateway, unzoned } = analysis.zones;
    const lt = ctx.settings.large_transfer;
    await c.run('CREATE OR REPLACE TEMP TABLE bnames (fi INTEGER, name VARCHAR, series VARCHAR)');
    const series = (fi: number) => flowLogSeries(this.files[fi]!.file, () => this.files[fi]!.name);
    await c.run(
      `INSERT INTO bnames VALUES ${f.files.map((fi) => `(${fi}, ${lit(this.files[fi]!.name)}, ${lit(series(fi))})`).join(', ')}`,
    );

    // Counts, malformed lines, matrix.
    const counts = await this.all(`SELECT fi, count(*) FILTER (WHERE bad IS NULL)::DOUBLE AS records,
        count(*) FILTER (WHERE bad IS NULL AND status = 1)::DOUBLE AS nodata,
        count(*) FILTER (WHERE bad IS NULL AND status = 2)::DOUBLE AS skipdata,
        count(*) FILTER (WHERE bad IS NOT NULL)::DOUBLE AS bad FROM fr GROUP BY fi`);
    const badSamples = await this.all(
      `SELECT fi, line::DOUBLE AS line, bad FROM fr WHERE bad IS NOT NULL ORDER BY go LIMIT 20`,
    );
    const matrix = await this.all(`SELECT sz, dz, action, count(*)::DOUBLE AS n, sum(bytes)::DOUBLE AS b
      FROM fr WHERE bad IS NULL AND status = 0 GROUP BY ALL`);

    // The valid, OK, non-reply rows with the policy's decision for their direction and for the reverse one.
    await c.run(`CREATE OR REPLACE TEMP TABLE x AS
WITH u AS (
  SELECT fi, go, line, s4, d4, s6, d6, sport, dport, proto, bytes, st, en, action, svc, sz, dz, d_ai, d_res, res,
    CASE proto WHEN 6 THEN 0 WHEN 17 THEN 1 WHEN 1 THEN 2 WHEN 58 THEN 2 ELSE 3 END AS pc,
    CASE WHEN dport < 0 OR dport > 65535 THEN 65536 ELSE dport END AS q
  FROM fr WHERE bad IS NULL AND status = 0 AND NOT reply),
v AS (
  SELECT u.*, ${this.decisionKey('sz', 'dz', 'pc', 'q')} AS fk,
    CASE WHEN sport >= 0 THEN ${this.decisionKey('dz', 'sz', 'pc', 'sport')} END AS rk
  FROM u)
SELECT v.* EXCLUDE (pc, q, fk, rk), fw.allowed AS fwd_ok, fw.deny AS fwd_deny, fw.id AS fwd_id,
  coalesce(rv.allowed, false) AS rev_ok, rv.id AS rev_id
FROM v LEFT JOIN dec fw ON fw.key = v.fk LEFT JOIN dec rv ON rv.key = v.rk`);

    const data = (col: string) => this.inZones(col, ctx.isData);
    const sensitive = (col: string) => this.inZones(col, ctx.isData, ctx.isInference, ctx.isSandbox);
    // The unzoned private space is judged only when a rule names it (as the JS engine's isPolicyZone).
    const excluded = policyNamesUnzoned(ctx.policy.rules) ? `${gateway}` : `${unzoned}, ${gateway}`;
    const policyZone = (col: string) => `${col} NOT IN (${excluded})`;
    const mports = ctx.settings.management_ports;
    // One SELECT per rule, as its module decides (see each module for the reasons); key components stay typed.
    const flowKey = 's4 AS ks4, s6 AS ks6, d4 AS kd4, d6 AS kd6';
    const hits = [
      // 0 flow-data-zone-egress
      `SELECT 0 AS r, CASE WHEN action = 2 THEN 'medium' ELSE 'high' END AS sev, go, line, bytes,
         NULL::INTEGER AS kz1, NULL::INTEGER AS kz2, ${flowKey}, dport AS kp, proto AS kpr, NULL::VARCHAR AS kres
       FROM x WHERE ${data('sz')} AND dz = ${internet} AND NOT svc AND NOT rev_ok`,
      // 1 flow-large-transfer
      `SELECT 1, CASE WHEN ${data('sz')} THEN 'high' ELSE 'medium' END, go, line, bytes, NULL, NULL, ${flowKey}, NULL, NULL, NULL
       FROM x WHERE sz <> dz AND action <> 2 AND bytes > 0 AND bytes > ${lt.flow_bytes} AND NOT coalesce(fwd_ok, false) AND NOT rev_ok`,
      // 2 flow-inference-unapproved-endpoint
      `SELECT 2, CASE WHEN action = 2 THEN 'low' ELSE 'high' END, go, line, bytes, NULL, NULL, ${flowKey}, dport, proto, NULL
       FROM x WHERE ${this.inZones('sz', ctx.isInference)} AND dz = ${internet} AND NOT svc AND dport NOT IN (53, 853)
         AND NOT d_ai AND NOT rev_ok`,
      // 3 flow-policy-drift
      `SELECT 3, CASE WHEN fwd_deny OR ${this.inZones('dz', ctx.isData, ctx.isManagement)} OR (sz = ${internet} AND dz <> ${internet})
         THEN 'high' ELSE 'medium' END, go, line, bytes, sz, dz, ${flowKey}, dport, proto, NULL
       FROM x WHERE action <> 2 AND ${policyZone('sz')} AND ${policyZone('dz')} AND NOT fwd_ok AND sz <> dz AND NOT rev_ok
         AND NOT svc AND NOT (sport >= 0 AND sport < 1024 AND dport >= 1024)`,
      // 4 flow-sandbox-escape
      `SELECT 4, CASE WHEN action = 2 THEN 'low' ELSE 'critical' END, go, line, bytes, NULL, NULL, ${flowKey}, dport, proto, NULL
       FROM x WHERE ${this.inZones('sz', ctx.isSandbox)} AND dz <> sz AND NOT rev_ok`,
      // 5 flow-internet-to-management
      `SELECT 5, 'high', go, line, bytes, NULL, NULL, NULL, NULL, d4, d6, dport, proto, NULL
       FROM x WHERE sz = ${internet} AND dz <> ${internet} AND action <> 2 AND NOT rev_ok
         AND (${this.inZones('dz', ctx.isManagement)} OR (dport >= 0 AND proto IN (6, 17) AND dport IN (${mports.length > 0 ? mports.join(',') : '-1'})))`,
      // 6 flow-dns-unapproved-resolver
      `SELECT 6, CASE WHEN action = 2 THEN 'low' WHEN ${sensitive('sz')} THEN 'high' ELSE 'medium' END, go, line, bytes,
         NULL, NULL, ${flowKey}, dport, NULL, NULL
       FROM x WHERE dport IN (53, 853) AND proto IN (6, 17) AND NOT d_res AND sz <> ${internet}`,
      // 7 flow-visibility-skipdata: keyed by the logging resource, else the file
      `SELECT 7, 'medium', go, line, bytes, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
         CASE WHEN res <> '' THEN res ELSE (SELECT name FROM bnames b WHERE b.fi = fr.fi) END
       FROM fr WHERE bad IS NULL AND status = 2`,
    ];
    const groups = await this.all(`
WITH h AS (${hits.map((h) => h.replace(/^\s*SELECT /, "SELECT fi AS kf, coalesce(res, '') AS kr, ")).join('\nUNION ALL\n')}),
g AS (
  SELECT kf, kr, r, sev, kz1, kz2, ks4, ks6, kd4, kd6, kp, kpr, kres, count(*)::DOUBLE AS n, sum(bytes)::DOUBLE AS b,
    min(go) AS first, min_by(go, go, ${MAX_SAMPLES}) AS sample_go, min_by(line, go, ${MAX_SAMPLES}) AS sample_line
  FROM h GROUP BY ALL)
SELECT g.r, g.sev, g.n, g.b, g.kres, g.first, g.sample_go, g.sample_line,
  fr.fi, fr.line::DOUBLE AS line, fr.seg, fr.s4, fr.s6, fr.d4, fr.d6, fr.sport, fr.dport, fr.proto, fr.action, fr.bytes,
  fr.st, fr.en, fr.sz, fr.dz, rw.t AS raw${f.json ? ', rw.provider, rw.account, rw.region, rw.rtype, rw.resource' : ''}
FROM g JOIN fr ON fr.go = g.first ${f.rawJoin}
ORDER BY g.first, g.r`);

    // Allow rules credited as the policy-drift rule credits them: the forward decision, else within different zones
    // the reverse one (a reply).
    const use = await this.all(`SELECT dr.r, count(*)::DOUBLE AS n
FROM x JOIN dec_rules dr ON dr.id = CASE WHEN fwd_ok THEN fwd_id WHEN sz <> dz AND rev_ok THEN rev_id END
WHERE action <> 2 AND ${policyZone('sz')} AND ${policyZone('dz')} GROUP BY dr.r`);

    const crossings = await this.windows(f);
    await this.coverage(f);
    await c.run('DROP TABLE x');

    // Everything was computed: now the results join the analysis.
    const perFile = new Map<number, { records: number }>();
    for (const r of counts) {
      analysis.addRecordCounts(num(r.records), num(r.nodata), num(r.skipdata));
      perFile.set(num(r.fi), { records: num(r.records) });
    }
    // Malformed lines file by file, the first ones with their message (the analysis keeps the first 20 of the run).
    const order = new Map(f.files.map((fi, k) => [fi, k]));
    const malformed = [
      ...[...f.headerErrors].flatMap(([fi, errors]) => errors.map((e) => ({ fi, ...e }))),
      ...badSamples.map((r) => ({ fi: num(r.fi), line: num(r.line), message: String(r.bad) })),
    ]
      .sort((a, b) => order.get(a.fi)! - order.get(b.fi)! || a.line - b.line)
      .slice(0, 20);
    const badOf = new Map(counts.map((r) => [num(r.fi), num(r.bad)]));
    for (const fi of f.files) {
      const file = this.files[fi]!.file;
      const shown = malformed.filter((m) => m.fi === fi);
      for (const m of shown) analysis.malformed(file, m.line, m.message);
      const total = (f.headerErrors.get(fi)?.length ?? 0) + (badOf.get(fi) ?? 0);
      if (total > shown.length) analysis.countMalformed(file, total - shown.length);
    }
    for (const m of matrix) analysis.addMatrixCell(num(m.sz), num(m.dz), num(m.action), num(m.n), num(m.b));
    for (const u of use) ctx.ruleUse[num(u.r)]! += num(u.n);
    for (const g of groups) this.addGroup(g);
    for (const x of crossings) this.addCrossing(x);
    await c.run('DROP TABLE fr');
    return perFile;
  }

  /** One rule's group of hits in a batch: the alert made from its first row, as the rule module would make it. */
  private addGroup(g: Record<string, unknown>): void {
    const ctx = this.ctx;
    const rule = ROW_RULES[num(g.r)]!;
    const facts = num(g.r) === 7 ? undefined : this.facts(g);
    // The alert key as each rule module writes it in its loop (the engines test compares every key).
    const key = (() => {
      const ff = facts!;
      switch (rule) {
        case LARGE_FLOW:
          return `${ff.src}>${ff.dst}`;
        case POLICY_DRIFT:
          return `${num(g.sz)}>${num(g.dz)}|${ff.src}>${ff.dst}:${ff.dstPort}/${ff.proto}`;
        case INTERNET_MANAGEMENT:
          return `${ff.dst}:${ff.dstPort}/${ff.proto}`;
        case DNS_RESOLVER:
          return `${ff.src}>${ff.dst}:${ff.dstPort}`;
        case SKIPDATA:
          return String(g.kres);
        default:
          return `${ff.src}>${ff.dst}:${ff.dstPort}/${ff.proto}`;
      }
    })();
    const desc = this.describe(g);
    const text = () => {
      const ff = facts!;
      switch (rule) {
        case DATA_EGRESS:
          return dataEgressText(ff);
        case LARGE_FLOW:
          return largeFlowText(ff, num(g.bytes), ctx.settings.large_transfer.flow_bytes);
        case INFERENCE_EXTERNAL:
          return inferenceExternalText(ff);
        case POLICY_DRIFT:
          return policyDriftText(ff, ctx.decision(num(g.sz), num(g.dz), ff.proto, ff.dstPort), ctx.policy);
        case SANDBOX_ESCAPE:
          return sandboxEscapeText(ff);
        case INTERNET_MANAGEMENT: {
          const dz = num(g.dz);
          const port = ff.dstPort;
          const mgmtPort = port >= 0 && (ff.proto === 6 || ff.proto === 17) && ctx.managementPort[port] === 1;
          return internetManagementText(ff, ctx.isManagement[dz] === 1, mgmtPort);
        }
        case DNS_RESOLVER:
          return dnsResolverText(ff);
        default:
          return skipdataText(desc.resource, num(g.st), num(g.en));
      }
    };
    const gos = g.sample_go as unknown[];
    const samples = (g.sample_line as unknown[]).map((l, k) => this.sample(gos[k], l));
    // Grouped per file and logging resource (kf, kr): the alert is per provider and resource, its files each cited.
    ctx.alerts.addGroup(
      rule,
      rule === POLICY_DRIFT
        ? driftSeverity(g.sev as Severity, ctx.decision(num(g.sz), num(g.dz), facts!.proto, facts!.dstPort), ctx.policy)
        : (g.sev as Severity),
      resourceKey(key, desc.provider, desc.resource),
      num(g.n),
      num(g.b),
      samples,
      () => ({
        ...text(),
        file: this.files[num(g.fi)]!.name,
        line: num(g.line),
        firstRecord: String(g.raw),
        provider: desc.provider,
        account: desc.account,
        region: desc.region,
        resourceType: desc.resourceType,
        resource: desc.resource,
      }),
    );
  }

  /**
   * flow-large-transfer-window for one batch, continuing the sums of earlier ones (lt_state). As in the rule
   * module: rows are accepted/observed, leave their zone, from a data, inference or sandbox zone to the internet or
   * a gateway endpoint, with bytes; window w = floor((end, else start) / window length), -1 without a time. When a
   * row's window is newer than any before, windows older than it minus one are dropped: a later row of a dropped
   * window starts a fresh sum. So a row's sum is that of its (window, source, destination) since the last such drop
   * of its window ("epoch": the number of advances of the newest window to w + 2 or more). A sum alerts once, on the
   * row that makes it reach pair_bytes (sums only grow: a sum at or above it has alerted). Returns the crossing
   * rows in order.
   */
  private async windows(f: SqlBatch): Promise<Record<string, unknown>[]> {
    const { c, ctx } = this;
    const { internet, gateway } = this.analysis.zones;
    const lt = ctx.settings.large_transfer;
    const sec = lt.window_minutes * 60;
    const n0 = this.newest;
    const key = (a: string) => `CASE WHEN ${a}4 IS NOT NULL THEN ${a}4::BIGINT::VARCHAR ELSE ${a}6 END`;
    await c.run(`CREATE OR REPLACE TEMP TABLE ltx AS
WITH cand AS (
  SELECT go, bytes, ${key('s')} AS s, ${key('d')} AS d, sz,
    CASE WHEN (CASE WHEN en >= 0 THEN en ELSE st END) >= 0 THEN floor((CASE WHEN en >= 0 THEN en ELSE st END) / ${sec}) ELSE -1 END AS w
  FROM x WHERE sz <> dz AND action <> 2 AND bytes > 0 AND dz IN (${internet}, ${gateway})
    AND ${this.inZones('sz', ctx.isData, ctx.isInference, ctx.isSandbox)}),
run AS (SELECT cand.*, greatest(${n0}, max(w) OVER (ORDER BY go ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) AS nmax FROM cand),
adv AS (SELECT DISTINCT nmax AS v FROM run WHERE nmax > ${n0}),
ep AS (SELECT run.*, (SELECT count(*) FROM adv WHERE adv.v <= run.nmax AND adv.v > run.w + 1) AS e FROM run),
g AS (
  SELECT ep.*, CASE WHEN ep.e = 0 THEN coalesce(st.bytes, 0) ELSE 0 END AS base
  FROM ep LEFT JOIN lt_state st ON st.w = ep.w AND st.s = ep.s AND st.d = ep.d)
SELECT g.*, base + sum(bytes) OVER (PARTITION BY w, s, d, e ORDER BY go ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum
FROM g`);
    const top = (await this.all('SELECT max(nmax) AS n, count(*)::DOUBLE AS k FROM ltx'))[0]!;
    if (num(top.k) === 0) {
      await c.run('DROP TABLE ltx');
      return [];
    }
    const p = lt.pair_bytes;
    const crossings = await this.all(`
SELECT ltx.w, ltx.cum, CASE WHEN ${this.inZones('ltx.sz', ctx.isData, ctx.isInference)} THEN 'high' ELSE 'medium' END AS sev,
  fr.fi, fr.line::DOUBLE AS line, fr.seg, fr.s4, fr.s6, fr.d4, fr.d6, fr.sport, fr.dport, fr.proto, fr.action, fr.bytes,
  fr.sz, fr.dz, rw.t AS raw${f.json ? ', rw.provider, rw.account, rw.region, rw.rtype, rw.resource' : ''}
FROM ltx JOIN fr ON fr.go = ltx.go ${f.rawJoin}
WHERE ltx.cum >= ${p} AND ltx.cum - ltx.bytes < ${p}
ORDER BY ltx.go`);
    // The sums alive after this batch: each pair's latest epoch unless a later advance dropped its window, and the
    // earlier batches' sums this batch neither touched nor dropped.
    await c.run(`CREATE OR REPLACE TEMP TABLE lt_next AS
WITH adv AS (SELECT DISTINCT nmax AS v FROM ltx WHERE nmax > ${n0}),
ends AS (SELECT w, s, d, e, max(cum) AS bytes FROM ltx GROUP BY w, s, d, e)
SELECT w, s, d, bytes FROM ends WHERE e = (SELECT count(*) FROM adv WHERE adv.v > ends.w + 1)
UNION ALL
SELECT st.w, st.s, st.d, st.bytes FROM lt_state st
WHERE (SELECT count(*) FROM adv WHERE adv.v > st.w + 1) = 0
  AND NOT EXISTS (SELECT 1 FROM ends WHERE ends.w = st.w AND ends.s = st.s AND ends.d = st.d)`);
    await c.run('DROP TABLE lt_state');
    await c.run('ALTER TABLE lt_next RENAME TO lt_state');
    await c.run('DROP TABLE ltx');
    this.newest = Math.max(n0, num(top.n));
    return crossings;
  }

  private addCrossing(x: Record<string, unknown>): void {
    const ctx = this.ctx;
    const lt = ctx.settings.large_transfer;
    const facts = this.facts(x);
    const w = num(x.w);
    const total = num(x.cum);
    const desc = this.describe(x);
    const line = num(x.line);
    const name = this.files[num(x.fi)]!.name;
    const a = ctx.alerts.addGroup(
      LARGE_PAIR,
      x.sev as Severity,
      resourceKey(`${w}|${facts.src}>${facts.dst}`, desc.provider, desc.resource),
      1,
      num(x.bytes),
      [{ file: name, line }],
      () => ({
        ...largePairText(facts, total, w, lt.window_minutes, lt.pair_bytes),
        file: name,
        line,
        firstRecord: String(x.raw),
        provider: desc.provider,
        account: desc.account,
        region: desc.region,
        resourceType: desc.resourceType,
        resource: desc.resource,
      }),
    );
    // As the rule module: the alert's byte count is the window total at the (latest) crossing.
    if (a) a.bytes = total;
  }

  /**
   * Interface coverage for flow-visibility-missing-interval (AWS VPC rows with an interface and a start time): each
   * interface's first row (the earliest in the run decides its 28-day span and its account and region) and the
   * 5-minute buckets its rows cover, as ranges with counts and the first row of each (a hole's edges cite them).
   */
  private async coverage(f: SqlBatch): Promise<void> {
    const c = this.c;
    await c.run(`CREATE OR REPLACE TEMP TABLE gx AS
SELECT iface, go, line, floor(st / ${BUCKET_SEC}) AS fb,
  floor((CASE WHEN e > st THEN e - 1 ELSE e END) / ${BUCKET_SEC}) AS tb
FROM (SELECT b.series || '|' || fr.iface AS iface, go, fr.line, st, CASE WHEN en >= 0 THEN en ELSE st END AS e
      FROM fr JOIN bnames b ON b.fi = fr.fi WHERE bad IS NULL AND gaps AND fr.iface IS NOT NULL AND st >= 0)`);
    const desc = f.json ? 'rw.provider, rw.account, rw.region, rw.rtype, rw.resource' : 'NULL, NULL, NULL, NULL, NULL';
    await c.run(`INSERT INTO gap_first
SELECT n.iface, fr.go, fr.fi, fr.line, fr.seg, fr.st, rw.t, ${desc}
FROM (SELECT iface, min(go) AS o FROM gx WHERE iface NOT IN (SELECT iface FROM gap_first) GROUP BY iface) n
JOIN fr ON fr.go = n.o ${f.rawJoin}`);
    await c.run(
      'INSERT INTO gap_ranges SELECT iface, fb, tb, count(*)::DOUBLE, min(go), min_by(line, go) FROM gx GROUP BY iface, fb, tb',
    );
    await c.run('DROP TABLE gx');
  }

  /**
   * After the last file: missing intervals per interface, as the rule module finds them in its bitmaps. The first
   * visibility.max_interfaces interfaces (by first row) are tracked; a row of another, or outside its interface's
   * 28-day span, is untracked. A hole's evidence is the first row (input order) ending in the bucket before it and
   * the first starting in the bucket after it: the rows the rule module's edge maps keep.
   */
  async finish(): Promise<void> {
    const ctx = this.ctx;
    const v = ctx.settings.visibility;
    const gapBuckets = Math.ceil((v.gap_minutes * 60) / BUCKET_SEC);
    const ranges = `
WITH f AS (SELECT iface, floor(st / ${BUCKET_SEC}) - ${BUCKETS / 2} AS base, row_number() OVER (ORDER BY g) AS rk FROM gap_first),
r AS (SELECT gr.iface, f.base, f.rk, gr.fb - f.base AS lo, gr.tb - f.base AS hi, sum(gr.n) AS n,
        min(gr.go) AS go, min_by(gr.line, gr.go) AS line
      FROM gap_ranges gr JOIN f ON f.iface = gr.iface GROUP BY gr.iface, f.base, f.rk, gr.fb, gr.tb)`;
    const untracked = (
      await this.all(
        `${ranges} SELECT coalesce(sum(n) FILTER (WHERE rk > ${v.max_interfaces} OR lo < 0 OR hi >= ${BUCKETS}), 0)::DOUBLE AS n FROM r`,
      )
    )[0]!;
    if (num(untracked.n) > 0) this.analysis.addUntracked(SKIPDATA.id, num(untracked.n));
    const gaps = await this.all(`${ranges},
cov AS (SELECT * FROM r WHERE rk <= ${v.max_interfaces} AND lo >= 0 AND hi < ${BUCKETS} AND hi >= lo),
p AS (SELECT cov.*, max(hi) OVER (PARTITION BY iface ORDER BY lo, hi ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev FROM cov),
ends AS (SELECT iface, hi, min(go) AS go, min_by(line, go) AS line FROM cov GROUP BY iface, hi),
starts AS (SELECT iface, lo, min(go) AS go, min_by(line, go) AS line FROM cov GROUP BY iface, lo)
SELECT p.iface, ((p.base + p.prev + 1) * ${BUCKET_SEC})::DOUBLE AS "from", ((p.base + p.lo) * ${BUCKET_SEC})::DOUBLE AS "to",
  gf.fi, gf.line, gf.seg, gf.raw, gf.provider, gf.account, gf.region, gf.rtype, gf.resource,
  e.go AS before_go, e.line AS before_line, s.go AS after_go, s.line AS after_line
FROM p JOIN gap_first gf ON gf.iface = p.iface
JOIN ends e ON e.iface = p.iface AND e.hi = p.prev
JOIN starts s ON s.iface = p.iface AND s.lo = p.lo
WHERE p.prev IS NOT NULL AND p.lo > p.prev + 1 AND p.lo - p.prev - 1 >= ${gapBuckets}`);
    const ordered = gaps.sort(
      (a, b) => compareSeriesKeys(String(a.iface), String(b.iface)) || num(a.from) - num(b.from),
    );
    for (const gp of ordered) {
      const name = String(gp.iface);
      const from = num(gp.from);
      const d = this.describe(gp);
      reportMissingInterval(ctx.alerts, {
        key: name,
        from,
        to: num(gp.to),
        gapMinutes: v.gap_minutes,
        scope: d,
        before: this.sample(gp.before_go, gp.before_line),
        after: this.sample(gp.after_go, gp.after_line),
      });
    }
  }
}

/** SQL text literal. */
export function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}
