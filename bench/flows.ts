/**
 * `npm run bench:flows [-- --records N]`: generates a deterministic synthetic AWS VPC flow log (default format with
 * header, a mix of zones, actions, sizes, NODATA/SKIPDATA) in a temp directory, then measures in separate child
 * processes (so peak RSS is per run): cordon's JS engine on plain text at N/4 and N records and on gzip at N, and
 * DuckDB (read_csv, 1 thread, one scan) doing the same zone classification, matrix and data-egress rule in SQL. Prints records per
 * second, peak RSS and the ratio, and checks that both find the same data-egress alerts. Deletes its files.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { createGzip } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

/** xorshift32: same seed, same file, on every machine. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

export async function generate(file: string, records: number, gzip: boolean): Promise<void> {
  const rand = rng(20261122);
  const raw = createWriteStream(file, { highWaterMark: 1 << 20 });
  const gz = gzip ? createGzip({ level: 1 }) : undefined;
  const out = gz ?? raw;
  if (gz) gz.pipe(raw);
  const enis = Array.from({ length: 256 }, (_, i) => `eni-0${(0x1a2b3c4d + i * 7919).toString(16).padStart(16, '0')}`);
  const host = (zone: number) => `10.0.${zone}.${1 + Math.floor(rand() * 250)}`;
  const external = () =>
    `${[54, 3, 104, 142, 198, 203][Math.floor(rand() * 6)]}.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 254)}`;
  const bedrock = () => `52.119.${Math.floor(rand() * 256)}.${1 + Math.floor(rand() * 254)}`;
  const APP = 1,
    INF = 2,
    DATA = 3,
    MGMT = 4,
    SBX = 5;
  // Traffic model: what the reference policy allows (and the replies), intra-zone chatter, rejected internet
  // probes, idle intervals, and a thin layer of violations so every rule has something to find.
  const mix: [number, () => [string, string, number, number]][] = [
    [0.22, () => [external(), host(APP), 443, 6]],
    [0.18, () => [host(APP), host(INF), 443, 6]],
    [0.14, () => [host(INF), host(DATA), 6333, 6]],
    [0.05, () => [host(INF), host(MGMT), 443, 6]],
    [0.08, () => [host(INF), bedrock(), 443, 6]],
    [0.04, () => [host(INF), host(SBX), 8443, 6]],
    [0.12, () => [host(1 + Math.floor(rand() * 5)), '', 0, 6]], // intra-zone, filled below
    [0.1, () => [external(), host(1 + Math.floor(rand() * 5)), [22, 3389, 445, 23, 8080][Math.floor(rand() * 5)]!, 6]], // probes, rejected
    [0.0004, () => [host(DATA), external(), 443, 6]],
    [0.0002, () => [host(SBX), host(DATA), 6333, 6]],
    [0.0002, () => [host(APP), host(DATA), 5432, 6]],
    [0.0002, () => [host(INF), external(), 443, 6]],
    [0.0001, () => [host(INF), '8.8.8.8', 53, 17]],
  ];
  const total = mix.reduce((a, [w]) => a + w, 0);
  let t = 1763769600;
  let buf = HEADER + '\n';
  for (let i = 0; i < records; i++) {
    if (i % 1000 === 0) t += 1;
    const eni = enis[Math.floor(rand() * enis.length)]!;
    const r = rand();
    let line: string;
    if (r < 0.01) line = `2 123456789012 ${eni} - - - - - - - ${t} ${t + 60} - NODATA`;
    else if (r < 0.0101) line = `2 123456789012 ${eni} - - - - - - - ${t} ${t + 60} - SKIPDATA`;
    else {
      let pick = rand() * total;
      let k = 0;
      while (k < mix.length - 1 && pick >= mix[k]![0]) pick -= mix[k++]![0];
      const picked = mix[k]![1]();
      let [src, dst, dport] = picked;
      const proto = picked[3];
      if (dst === '') dst = `${src.slice(0, src.lastIndexOf('.'))}.${1 + Math.floor(rand() * 250)}`;
      if (dport === 0) dport = [443, 8080, 9090, 6379][Math.floor(rand() * 4)]!;
      let sport = 1024 + Math.floor(rand() * 64000);
      const probe = k === 7;
      // Half of the allowed flows are logged as the reply direction, as a second record of the same connection.
      if (!probe && k < 7 && rand() < 0.5) {
        [src, dst] = [dst, src];
        [sport, dport] = [dport, sport];
      }
      const packets = 1 + Math.floor(rand() * 200);
      // Mostly small flows, a tail of large ones, rarely a 100 MB+ transfer.
      const bytes =
        rand() < 0.00001 ? 150_000_000 + Math.floor(rand() * 1e9) : Math.floor(packets * (40 + rand() * 1400));
      const action = probe || rand() < 0.02 ? 'REJECT' : 'ACCEPT';
      line = `2 123456789012 ${eni} ${src} ${dst} ${sport} ${dport} ${proto} ${packets} ${bytes} ${t} ${t + 60} ${action} OK`;
    }
    buf += line + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
  }
  out.write(buf);
  out.end();
  await once(raw, 'finish');
}

const SMALL_FILES = 10_000;

interface ChildResult {
  records: number;
  seconds: number;
  /** CPU seconds of the whole process (all threads, so gzip inflate on the thread pool counts). */
  cpuSeconds: number;
  peakRssMb: number;
  dataEgressAlerts: number;
}

async function child(mode: string, file: string): Promise<void> {
  const { parsePolicy } = await import('../src/policy/load.js');
  const { REFERENCE_POLICY_YAML } = await import('../src/policy/reference.js');
  // The reference policy with the Bedrock range of the synthetic data approved.
  const policy = parsePolicy('reference', `${REFERENCE_POLICY_YAML}\nflows:\n  approved_ai_cidrs: [52.119.0.0/16]\n`);
  const { analyzeFlows } = await import('../src/flows/analyze.js');
  const duck = await import('../src/flows/duckdb.js');
  const { buildZoneMap } = await import('../src/flows/zones.js');
  // Module loading (tsx compiles on first import) is not part of the measured work.
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const cpu = () => {
    const u = process.cpuUsage(c0);
    return (u.user + u.system) / 1e6;
  };
  let result: ChildResult;
  if (mode === 'js' || mode.startsWith('engine:')) {
    // engine:<limit>: the whole --engine duckdb analysis under that memory limit (its peak RSS against the docs).
    const r = mode.startsWith('engine:')
      ? await duck.analyzeFlowsDuckdb([file], {
          policy,
          cwd: path.dirname(file),
          duckdbMemoryLimit: mode.slice('engine:'.length),
        })
      : await analyzeFlows([file], { policy, cwd: path.dirname(file) });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    // Records include NODATA/SKIPDATA rows: every line is parsed.
    result = {
      records: r.records,
      seconds,
      cpuSeconds: cpu(),
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      // cordon keeps alerts of different logging interfaces apart; the SQL groups by flow: count distinct flows.
      dataEgressAlerts: new Set(
        r.alerts
          .filter((a) => a.rule.id === 'flow-data-zone-egress')
          .map((a) => `${a.key.slice(0, a.key.lastIndexOf('|'))}|${a.severity}`),
      ).size,
    };
  } else {
    const { openDuckdb } = duck;
    const zones = buildZoneMap(policy, policy.document.flows, undefined);
    const db = await openDuckdb(1);
    const dataZones = policy.document.flows.data_zones.map((z) => zones.zoneId(z)!).filter((z) => z !== undefined);
    // The same work as cordon's pass, written as DuckDB is fastest at it (measured: a temp table plus ASOF joins was
    // 4x slower): one scan of read_csv; IPv4 to an integer by splitting and casting the octets; zones as a CASE over
    // the same disjoint intervals the JS engine uses (few here: a CASE beats an ASOF join); the matrix, the
    // data-egress groups and the record count as grouping sets of one aggregation.
    const zoneOf = (x: string) =>
      `CASE ${zones.table
        .intervals()
        .map((i) => `WHEN ${x} BETWEEN ${i.start} AND ${i.end} THEN ${i.value}`)
        .join(' ')} ELSE ${zones.internet} END`;
    const egress = `sz IN (${dataZones.join(',') || '-1'}) AND dz = ${zones.internet}`;
    const rows = await db.connection.runAndReadAll(`
      WITH r AS (
        SELECT srcaddr, dstaddr, dstport, protocol, action, bytes, log_status = 'OK' AS ok,
          list_reduce(TRY_CAST(string_split(srcaddr, '.') AS UTINYINT[])::UBIGINT[], (a, b) -> a * 256 + b) AS s4,
          list_reduce(TRY_CAST(string_split(dstaddr, '.') AS UTINYINT[])::UBIGINT[], (a, b) -> a * 256 + b) AS d4
        FROM read_csv('${file}', delim=' ', header=true, nullstr='-', auto_detect=false, compression='auto',
          columns={'version':'INTEGER','account_id':'VARCHAR','interface_id':'VARCHAR','srcaddr':'VARCHAR','dstaddr':'VARCHAR','srcport':'INTEGER','dstport':'INTEGER','protocol':'INTEGER','packets':'BIGINT','bytes':'BIGINT','start':'BIGINT','end':'BIGINT','action':'VARCHAR','log_status':'VARCHAR'})),
      z AS (SELECT *, CASE WHEN ok THEN ${zoneOf('s4')} END AS sz, CASE WHEN ok THEN ${zoneOf('d4')} END AS dz FROM r),
      e AS (SELECT *, CASE WHEN ${egress} THEN srcaddr END AS e_src, CASE WHEN ${egress} THEN dstaddr END AS e_dst,
              CASE WHEN ${egress} THEN dstport END AS e_port, CASE WHEN ${egress} THEN protocol END AS e_proto FROM z)
      SELECT GROUPING(sz, dz, e_src, e_dst, e_port, e_proto, action) AS g, sz, dz, e_src, action, count(*)::DOUBLE AS n, sum(bytes)::DOUBLE AS b
      FROM e GROUP BY GROUPING SETS ((sz, dz, action), (e_src, e_dst, e_port, e_proto, action), ())`);
    const all = rows.getRowObjectsJS();
    // Grouping bit masks (sz, dz, e_src, e_dst, e_port, e_proto, action; 1 = not grouped): () is 127, the egress set 96.
    const records = Number(all.find((r) => Number(r.g) === 127)!.n);
    const egressGroups = all.filter((r) => Number(r.g) === 96 && r.e_src !== null).length;
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    db.close();
    result = {
      records,
      seconds,
      cpuSeconds: cpu(),
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      dataEgressAlerts: egressGroups,
    };
  }
  process.stdout.write(JSON.stringify(result) + '\n');
}

function runChild(mode: string, file: string): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', mode, file], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (r.status !== 0) throw new Error(`${mode} run failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

async function mainBench(): Promise<void> {
  const args = process.argv.slice(2);
  const at = args.indexOf('--records');
  const records = at >= 0 ? Number(args[at + 1]) : 3_000_000;
  if (!Number.isInteger(records) || records < 1000) throw new Error('--records takes an integer >= 1000');
  const dir = mkdtempSync(path.join(tmpdir(), 'cordon-bench-flows-'));
  try {
    const small = path.join(dir, 'small.log');
    const plain = path.join(dir, 'flows.log');
    const gz = path.join(dir, 'flows.log.gz');
    const smallN = Math.max(1000, Math.floor(records / 4));
    process.stdout.write(`generating ${records} + ${smallN} synthetic records in ${dir} ...\n`);
    await generate(small, smallN, false);
    await generate(plain, records, false);
    await generate(gz, records, true);
    // Many small files (issue 8: reading them one after another left the process idle): 10 000 files of 10 records.
    const many = path.join(dir, 'many');
    mkdirSync(many);
    for (let k = 0; k < SMALL_FILES; k++)
      await generate(path.join(many, `f${String(k).padStart(5, '0')}.log`), 10, false);
    const mb = (f: string) => (statSync(f).size / 1e6).toFixed(0);
    const rows: [string, ChildResult, string][] = [];
    rows.push(['cordon js, plain, N/4', runChild('js', small), `${mb(small)} MB`]);
    rows.push(['cordon js, plain, N', runChild('js', plain), `${mb(plain)} MB`]);
    rows.push(['cordon js, gzip, N', runChild('js', gz), `${mb(gz)} MB gz`]);
    rows.push(['cordon js, 10 000 small files', runChild('js', many), `${SMALL_FILES} files`]);
    rows.push(['duckdb 1 thread, plain, N', runChild('duckdb', plain), `${mb(plain)} MB`]);
    rows.push(['duckdb 1 thread, gzip, N', runChild('duckdb', gz), `${mb(gz)} MB gz`]);
    process.stdout.write(
      `\n${'run'.padEnd(28)} ${'input'.padStart(10)} ${'records'.padStart(10)} ${'seconds'.padStart(8)} ${'records/s'.padStart(11)} ${'cpu s'.padStart(7)} ${'rec/cpu-s'.padStart(11)} ${'peak RSS'.padStart(9)} ${'egress alerts'.padStart(13)}\n`,
    );
    for (const [name, r, input] of rows) {
      process.stdout.write(
        `${name.padEnd(28)} ${input.padStart(10)} ${String(r.records).padStart(10)} ${r.seconds.toFixed(2).padStart(8)} ${(r.records / r.seconds / 1e6).toFixed(2).padStart(9)} M ${r.cpuSeconds.toFixed(2).padStart(7)} ${(r.records / r.cpuSeconds / 1e6).toFixed(2).padStart(9)} M ${r.peakRssMb.toFixed(0).padStart(6)} MB ${String(r.dataEgressAlerts).padStart(13)}\n`,
      );
    }
    const js = rows[1]![1];
    const jsgz = rows[2]![1];
    const duck = rows[4]![1];
    const duckgz = rows[5]![1];
    const rate = (r: ChildResult) => r.records / r.seconds;
    // Wall-clock rates depend on what else runs on the machine: say so.
    process.stdout.write(
      `\nmachine: ${cpus().length} cores, load average (1/5/15 min) ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' / ')}, node ${process.version}\n`,
    );
    process.stdout.write(
      `\nratio cordon/duckdb (plain): ${(rate(js) / rate(duck)).toFixed(2)}x; (gzip): ${(rate(jsgz) / rate(duckgz)).toFixed(2)}x\n`,
    );
    // Per CPU second too: on a shared host a run can lose the CPU for a while, which skews the wall-clock ratio.
    const perCpu = (r: ChildResult) => r.records / r.cpuSeconds;
    process.stdout.write(
      `ratio per CPU second (plain): ${(perCpu(js) / perCpu(duck)).toFixed(2)}x; (gzip): ${(perCpu(jsgz) / perCpu(duckgz)).toFixed(2)}x\n`,
    );
    process.stdout.write(
      `peak RSS N/4 -> N: ${rows[0]![1].peakRssMb.toFixed(0)} MB -> ${js.peakRssMb.toFixed(0)} MB\n`,
    );
    process.stdout.write(
      `goals: >= 1.5 M rec/s plain ${rate(js) >= 1.5e6 ? 'met' : 'NOT met'}, >= 1 M rec/s gzip ${rate(jsgz) >= 1e6 ? 'met' : 'NOT met'}, >= duckdb 1 thread ${rate(js) >= rate(duck) ? 'met' : 'NOT met'}\n`,
    );
    const same = js.dataEgressAlerts === duck.dataEgressAlerts;
    process.stdout.write(
      `data-egress alerts: cordon ${js.dataEgressAlerts}, duckdb ${duck.dataEgressAlerts} (${same ? 'same' : 'DIFFERENT'})\n`,
    );
    if (!same) process.exitCode = 1;
    // --engine-memory: the --engine duckdb analysis (every rule in SQL) under its default and a 500 MB limit.
    if (args.includes('--engine-memory')) {
      for (const limit of ['1GB', '500MB']) {
        const r = runChild(`engine:${limit}`, plain);
        // DuckDB's GB and MB are powers of ten; peak RSS is in MiB.
        const mbLimit = (limit === '1GB' ? 1e9 : 5e8) / 2 ** 20;
        process.stdout.write(
          `--engine duckdb, memory limit ${limit}: ${r.seconds.toFixed(1)} s, ${r.cpuSeconds.toFixed(1)} CPU s, peak RSS ${r.peakRssMb.toFixed(0)} MB (limit + ${(r.peakRssMb - mbLimit).toFixed(0)} MB)\n`,
        );
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain && process.argv[2] === '--child') await child(process.argv[3]!, process.argv[4]!);
else if (isMain) await mainBench();
