/**
 * Visibility gaps: records with log-status SKIPDATA (AWS dropped records), and missing intervals: an AWS VPC
 * interface writes a record every aggregation interval (NODATA when idle), so a hole longer than
 * flows.visibility.gap_minutes between its records means lost or undelivered logs.
 *
 * State: per interface a bitmap of 5-minute buckets over 28 days from its first record (1 KiB), for at most
 * flows.visibility.max_interfaces interfaces; records outside that span or beyond the bound are counted as untracked.
 * For evidence, each edge of a covered run (a covered bucket next to an uncovered one) keeps the file and line of the
 * first record read that ends (or starts) there: two small maps per interface, two entries per run of coverage. An
 * edge stops being one only when its neighbour is covered, which never comes undone, so at the end the edges of every
 * hole are the records on either side of it: the first record read ending in the bucket before the hole, and the
 * first starting in the bucket after it (the DuckDB engine takes the same rows: the smallest input order).
 */
import { MAX_SAMPLES, tallyFile, type AlertBody, type AlertBook, type AlertText, type RuleMeta } from '../alerts.js';
import type { FlowContext } from '../context.js';
import { STATUS_SKIPDATA, type FlowBatch, type Interner } from '../record.js';
import { FLOWS_DOC, type FlowRuleModule } from './types.js';

export const SKIPDATA: RuleMeta = {
  id: 'flow-visibility-skipdata',
  title: 'Flow log records were skipped (SKIPDATA)',
  severity: 'medium',
  service: 'flows',
  rationale:
    'SKIPDATA means AWS dropped flow records in that interval (capacity or internal error): traffic happened that no rule can see.',
  remediation: {
    text: 'Treat the interval as unmonitored; if frequent, use a 1-minute aggregation interval or fewer custom fields, and check delivery errors.',
  },
  references: [FLOWS_DOC],
};

export const MISSING_INTERVAL: RuleMeta = {
  id: 'flow-visibility-missing-interval',
  title: 'An interface has no flow records for a period',
  severity: 'medium',
  service: 'flows',
  rationale:
    'AWS writes a record (NODATA when idle) for every aggregation interval of an interface with a flow log; a hole means logs were lost, not delivered, or the flow log was stopped.',
  remediation: {
    text: 'Check the flow log status, its delivery errors and the S3 prefix for the missing period; the period is not assessed.',
  },
  references: [FLOWS_DOC],
};

/** Coverage is kept in 5-minute buckets, over 28 days from an interface's first record (the DuckDB engine too). */
export const BUCKET_SEC = 300;
export const BUCKETS = 8064;
const WORDS = Math.ceil(BUCKETS / 32);

/** Where a record was read (display name and line). */
export interface RecordAt {
  file: string;
  line: number;
}

interface IfaceTrack {
  base: number;
  bits: Uint32Array;
  /** Per covered bucket whose next bucket is not covered: the first record read that ends in it. */
  endAt: Map<number, RecordAt>;
  /** Per covered bucket whose previous bucket is not covered: the first record read that starts in it. */
  startAt: Map<number, RecordAt>;
  account: string;
  region: string;
}

function covered(t: IfaceTrack, k: number): boolean {
  return k >= 0 && k < BUCKETS && (t.bits[k >>> 5]! & (1 << (k & 31))) !== 0;
}

/**
 * After a record covering buckets from..to set at least one new bit: buckets that now have covered neighbours are no
 * longer edges, and the record becomes the evidence of its own edges when they have none yet.
 */
function markEdges(t: IfaceTrack, from: number, to: number, file: string, line: number): void {
  if (t.endAt.size > 0) for (let k = from - 1; k < to; k++) t.endAt.delete(k);
  if (t.startAt.size > 0) for (let k = from + 1; k <= to + 1; k++) t.startAt.delete(k);
  if (!covered(t, to + 1) && !t.endAt.has(to)) t.endAt.set(to, { file, line });
  if (!covered(t, from - 1) && !t.startAt.has(from)) t.startAt.set(from, { file, line });
}

/** An S3 delivery object key: {account}_vpcflowlogs_{region}_{flow-log-id}_{YYYYMMDDTHHmmZ}_{hash}.log[.gz]. */
const S3_OBJECT = /(?:^|[/\\])(\d{12})_vpcflowlogs_([a-z0-9-]+)_(fl-[0-9a-z]+)_\d{8}T\d{4}Z_[0-9a-z]+\.log(?:\.gz)?$/i;

/**
 * The flow log a file belongs to, for gaps: the objects AWS delivers to S3 for one flow log (account, region, flow-log
 * id in the key) are one series, so a hole between them is a real gap; any other file (a CloudWatch export, a copy) is a
 * series of its own, so the hour between two exports is not taken for lost records.
 */
export function flowLogSeries(file: string, displayName: (f: string) => string): string {
  const m = S3_OBJECT.exec(file);
  return m ? `${m[1]}/${m[2]}/${m[3]}` : displayName(file);
}

/** Sorts coverage keys "series|interface" by series, then interface (both engines). */
export function compareSeriesKeys(a: string, b: string): number {
  const i = a.lastIndexOf('|');
  const j = b.lastIndexOf('|');
  return a.slice(0, i).localeCompare(b.slice(0, j)) || a.slice(i + 1).localeCompare(b.slice(j + 1));
}

export function visibilityGaps(interner: Interner, displayName: (f: string) => string): FlowRuleModule {
  // Per flow log series, interned interface ids are dense small integers: an array beats a Map on the hot path.
  const bySeries = new Map<string, (IfaceTrack | undefined)[]>();
  let lastSource: unknown;
  let tracks: (IfaceTrack | undefined)[] = [];
  let fileName = '';
  let tracked = 0;
  let untracked = 0;
  return {
    meta: [SKIPDATA, MISSING_INTERVAL],
    untracked: () => untracked,
    untrackedNote:
      'these records were not checked for missing intervals: their interface was beyond flows.visibility.max_interfaces, or they lie more than 14 days from its first record (coverage spans 28 days; check longer periods in separate runs)',
    onBatch(b: FlowBatch, ctx: FlowContext): void {
      const gapsApply = b.source.format === 'aws-vpc';
      if (gapsApply && b.source !== lastSource) {
        lastSource = b.source;
        fileName = displayName(b.source.file);
        const series = flowLogSeries(b.source.file, displayName);
        let t = bySeries.get(series);
        if (!t) bySeries.set(series, (t = []));
        tracks = t;
      }
      // Records of one aggregation interval share start and end: divide only when they change.
      let lastS = -1;
      let lastSBucket = 0;
      let lastE = -1;
      let lastEBucket = 0;
      for (let i = 0; i < b.n; i++) {
        // Reported outside the loop: a closure over loop variables would allocate a context for every row.
        if (b.status[i] === STATUS_SKIPDATA) reportSkip(b, i, ctx, displayName);
        if (!gapsApply) continue;
        const id = b.iface[i]!;
        const s = b.start[i]!;
        const e = b.end[i]! >= 0 ? b.end[i]! : s;
        if (id < 0 || s < 0) continue;
        let t = tracks[id];
        if (!t) {
          if (tracked >= ctx.settings.visibility.max_interfaces) {
            untracked++;
            continue;
          }
          const d = b.source.describe(b, i);
          t = {
            base: Math.floor(s / BUCKET_SEC) - BUCKETS / 2,
            bits: new Uint32Array(WORDS),
            endAt: new Map(),
            startAt: new Map(),
            account: d.account,
            region: d.region,
          };
          tracks[id] = t;
          tracked++;
        }
        if (s !== lastS) {
          lastS = s;
          lastSBucket = Math.floor(s / BUCKET_SEC);
        }
        // The end is exclusive: a record ending at 00:20 covers up to, not into, the 00:20 bucket.
        const last = e > s ? e - 1 : e;
        if (last !== lastE) {
          lastE = last;
          lastEBucket = Math.floor(last / BUCKET_SEC);
        }
        const from = lastSBucket - t.base;
        const to = lastEBucket - t.base;
        if (from < 0 || to >= BUCKETS) {
          untracked++;
          continue;
        }
        let fresh = false;
        for (let k = from; k <= to; k++) {
          const m = 1 << (k & 31);
          if ((t.bits[k >>> 5]! & m) === 0) {
            t.bits[k >>> 5]! |= m;
            fresh = true;
          }
        }
        // A record that covers nothing new cannot be an edge's first record (see the header).
        if (fresh) markEdges(t, from, to, fileName, b.line[i]!);
      }
    },
    finish(ctx: FlowContext): void {
      const gapBuckets = Math.ceil((ctx.settings.visibility.gap_minutes * 60) / BUCKET_SEC);
      const all = [...bySeries].flatMap(([series, list]) =>
        list.flatMap((t, id) => (t ? [[`${series}|${interner.names[id]!}`, id, t] as const] : [])),
      );
      for (const [key, , t] of all.sort((a, b) => compareSeriesKeys(a[0], b[0]))) {
        let prev = -1;
        for (let k = 0; k < BUCKETS; k++) {
          if (!(t.bits[k >>> 5]! & (1 << (k & 31)))) continue;
          if (prev >= 0 && k - prev - 1 >= gapBuckets) {
            reportMissingInterval(ctx.alerts, {
              key,
              from: (t.base + prev + 1) * BUCKET_SEC,
              to: (t.base + k) * BUCKET_SEC,
              gapMinutes: ctx.settings.visibility.gap_minutes,
              scope: t,
              before: t.endAt.get(prev)!,
              after: t.startAt.get(k)!,
            });
          }
          prev = k;
        }
      }
    },
  };
}

function iso(sec: number): string {
  return sec >= 0 ? new Date(sec * 1000).toISOString().replace('.000Z', 'Z') : 'unknown';
}

function reportSkip(b: FlowBatch, i: number, ctx: FlowContext, displayName: (f: string) => string): void {
  const d = b.source.describe(b, i);
  ctx.alerts.hitRow(SKIPDATA, 'medium', d.resource || displayName(b.source.file), b, i, () =>
    skipdataText(d.resource, b.start[i]!, b.end[i]!),
  );
}

/** Message and evidence of a SKIPDATA alert, from plain values (both engines); times in epoch seconds, -1 unknown. */
export function skipdataText(resource: string, start: number, end: number): AlertText {
  return {
    talker: resource,
    message: `Flow log records were skipped for ${resource || 'an interface'} between ${iso(start)} and ${iso(end)}: traffic in that interval is not assessed`,
    evidence: { start: iso(start), end: iso(end) },
  };
}

/** A hole in an interface's coverage: from..to (epoch seconds) in the flow log series of `key` ("series|interface"). */
export interface MissingInterval {
  key: string;
  from: number;
  to: number;
  gapMinutes: number;
  /** The account and region of the interface's first record. */
  scope: { account: string; region: string };
  /** The last record before the hole and the first one after it. */
  before: RecordAt;
  after: RecordAt;
}

/**
 * A missing-interval alert (both engines), located at the last record before the hole and citing the first one after
 * it, each in its own file's evidence.
 */
export function reportMissingInterval(book: AlertBook, g: MissingInterval): void {
  const a = book.hit(MISSING_INTERVAL, 'medium', `${g.key}|${g.from}`, () => missingIntervalAlert(g), 0, g.before);
  if (a === undefined) return;
  a.records++;
  if (a.samples.length < MAX_SAMPLES) a.samples.push(`${g.after.file}:${g.after.line}`);
  tallyFile(a, g.after.file, 1, 0, [g.after.line]);
}

function missingIntervalAlert({ key, from, to, gapMinutes, scope, before, after }: MissingInterval): AlertBody {
  const name = key.slice(key.lastIndexOf('|') + 1);
  const flowLog = key.slice(0, key.lastIndexOf('|'));
  return {
    message: `No flow records for interface ${name} in flow log ${flowLog} from ${iso(from)} to ${iso(to)} (${Math.round((to - from) / 60)} minutes, between ${before.file}:${before.line} and ${after.file}:${after.line}): that period is not assessed`,
    talker: name,
    file: before.file,
    line: before.line,
    firstRecord: '',
    provider: 'aws',
    account: scope.account,
    region: scope.region,
    resourceType: 'AWS::EC2::NetworkInterface',
    resource: name,
    evidence: {
      flowLog,
      missingFrom: iso(from),
      missingTo: iso(to),
      gapMinutes,
      lastRecordBefore: `${before.file}:${before.line}`,
      firstRecordAfter: `${after.file}:${after.line}`,
    },
  };
}
