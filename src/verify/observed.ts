/**
 * The observed layer of `cordon verify --flows`: flow logs read with `cordon flows`' readers (streamed, one reused
 * batch), both ends placed in zones the way `cordon flows` places them (flows/zones.ts: cordon.yaml CIDRs, then the
 * inventory), and accepted traffic counted per (provider, from zone, to zone) × protocol/port, next to what the policy
 * allows and the configuration permits for that cell. Highlights: observed against policy (a violation seen live),
 * observed but not permitted (a blind spot of the model or the inventory), permitted but never observed (candidates
 * to tighten, only where the logs cover the cell's networks).
 *
 * Direction. Flow logs record each direction of a connection (AWS: per interface; GCP: per reporter). A row counts
 * for the connection it belongs to: the reply of src→dst is dst→src on the row's source port. A row is a reply when
 * the format says so (Azure "received" counters; Azure tuples are otherwise per connection, in the initiator's
 * direction); else, when exactly one of the two directions is explained (allowed by the policy, or permitted or
 * undecided by the configuration), that one is the connection; else the lower port is the service port (clients
 * pick ephemeral ports, 1024 and above, usually 32768+), which includes `cordon flows`' "below 1024 to 1024+" rule.
 *
 * Verdicts. Only accepted rows are judged (AWS/Azure ACCEPT; GCP reports by the destination, which Google logs after
 * its ingress firewall rules). Rows without a verdict (Transit Gateway, GCP source reports, which Google samples before
 * egress rules) are counted, never judged: a packet seen leaving may have been dropped later.
 */
import type { AwsInventory } from '../inventory/aws.js';
import type { ZonePolicy } from '../policy/load.js';
import { fingerprintOf, type Finding, type Severity } from '../findings/types.js';
import { displayNameFor, planInputs, readLogFile } from '../flows/analyze.js';
import { isDnsFormat } from '../flows/readers/dns.js';
import type { ReaderSink } from '../flows/readers/sink.js';
import {
  ACTION_ACCEPT,
  ACTION_REJECT,
  DIR_INGRESS,
  DST_V6,
  FlowBatch,
  Interner,
  SRC_V6,
  STATUS_NODATA,
  STATUS_OK,
  STATUS_SKIPDATA,
  SVC_NONE,
  type FlowProvider,
} from '../flows/record.js';
import { buildZoneMap, PrefixTable } from '../flows/zones.js';
import { tryParseCidr } from '../util/cidr.js';
import type { NetworkModel } from './model.js';
import { protoPortBoxes, type ProtoPortBox } from './packet-set.js';
import { cellKey, classText, policySet, type CellClasses, type MatrixCell, type VerifyResult } from './questions.js';
import { OBSERVED_CHECKS, PERMITTED_NEVER_OBSERVED_NOTE } from './observed-checks.js';

export interface ObservedNetwork {
  model: NetworkModel;
  /** AWS only: the inventory `cordon flows --inventory` reads, so both commands place addresses alike. */
  awsInventory?: AwsInventory;
}

export interface ObservedInputs {
  paths: readonly string[];
  /** LogFormat of headerless AWS records (CloudWatch exports), as `cordon flows --log-format`. */
  logFormat?: string;
  policy: ZonePolicy;
  cwd: string;
  /** Distinct exact classes kept (default MAX_EXACT_CLASSES); tests lower it to exercise folding. */
  maxExactClasses?: number;
}

export interface RecordRef {
  file: string;
  line: number;
  record: string;
}

export interface ObservedClass {
  /** e.g. tcp/5432, icmp, "tcp/1024-65535 (ports beyond the per-run limit)". */
  class: string;
  /** Accepted rows in the connection's direction. */
  records: number;
  /** Accepted rows taken as replies of this connection (the other direction). */
  replies: number;
  /** Rows without an accept/reject verdict (counted, not judged). */
  withoutVerdict: number;
  bytes: number;
  packets: number;
  policy: 'allows' | 'denies';
  configuration: 'permits' | 'undecided' | 'blocks';
  first: RecordRef;
}

export type Coverage = 'full' | 'partial' | 'none' | 'no-interfaces';

export interface ObservedCell {
  provider: string;
  from: string;
  to: string;
  /** Whether the logs cover the networks of the cell's interfaces (either side's networks all logged is full). */
  coverage: Coverage;
  /** Networks of the cell's interfaces with no record in the logs. */
  networksWithoutLogs: string[];
  records: number;
  replies: number;
  withoutVerdict: number;
  bytes: number;
  packets: number;
  classes: ObservedClass[];
  /** Classes listed in `classes` beyond MAX_CLASSES_LISTED (counted above, not listed). */
  classesNotListed: number;
  againstPolicy: string[];
  notPermitted: string[];
  /** Configured classes with no accepted record; empty unless coverage is full. */
  permittedNeverObserved: string[];
}

/** Observed traffic the matrix has no cell for (inside one zone, pseudo-zones, from a service zone). */
export interface OutsideCell {
  provider: string;
  from: string;
  to: string;
  records: number;
  replies: number;
  withoutVerdict: number;
  bytes: number;
  classes: string[];
  first: RecordRef;
}

export interface ObservedFile {
  file: string;
  format: string;
  records: number;
  malformed: number;
  status: 'read' | 'partial' | 'not-assessed' | 'not-used';
  note: string;
}

export interface ObservedLayer {
  /** partial when input errors, SKIPDATA records or unplaced records leave traffic uncounted. */
  status: 'complete' | 'partial';
  reasons: string[];
  files: ObservedFile[];
  totals: {
    rows: number;
    accepted: number;
    replies: number;
    rejected: number;
    withoutVerdict: number;
    nodata: number;
    skipdata: number;
  };
  networks: { provider: string; network: string; logged: boolean }[];
  cells: ObservedCell[];
  outside: OutsideCell[];
  /** Records of a provider the snapshot has no network of: read, not placed. */
  unplaced: { provider: string; records: number; files: string[] }[];
  /** Logging resources (interfaces, attachments, NSGs) the snapshot does not hold. */
  unknownResources: { provider: string; resource: string; records: number }[];
  unknownResourcesNotListed: number;
  findings: Finding[];
  inputErrors: { file: string; line?: number; message: string }[];
  note: string;
}

export const MAX_CLASSES_LISTED = 200;
/** Distinct (cell, protocol, port) classes kept exactly; beyond, ports fold into one class per cell and verdict. */
export const MAX_EXACT_CLASSES = 200_000;
const MAX_INPUT_ERRORS = 200;
const MAX_UNKNOWN_RESOURCES = 50;
const MAX_RECORD_TEXT = 500;

interface Agg {
  cell: number;
  proto: number;
  /** Destination port of the connection; 0 for protocols without ports; -1 not logged; -2 folded. */
  port: number;
  lo: number;
  hi: number;
  records: number;
  replies: number;
  withoutVerdict: number;
  bytes: number;
  packets: number;
  first: RecordRef & { account: string; region: string; resource: string; resourceType: string };
  /** The first record is a reply or unverdicted: a later accepted request replaces it as evidence. */
  weakFirst: boolean;
  /** Folded classes are judged when they are made (their ports differ). */
  verdict?: Verdict;
}

interface Side {
  index: number;
  provider: FlowProvider;
  model: NetworkModel;
  table: PrefixTable;
  /** Logging resource id (lower case) → indices into `networks`. */
  resources: Map<string, number[]>;
  networks: string[];
  /** "account/region" of each network. */
  scopes: string[];
  /** Per zone, the networks (indices) of its interfaces: all of them, and those of its workloads (sources). */
  zoneNetworks: { all: Map<string, number[]>; workloads: Map<string, number[]> };
  covered: Uint8Array;
  /** Interned logging resource → its networks, or its key in unknownResources; resolved once per resource. */
  byIface: Map<number, number[] | string>;
}

const PORTLESS = (proto: number) => proto !== 6 && proto !== 17;

function inBoxes(boxes: readonly ProtoPortBox[], proto: number, port: number, every: boolean): boolean {
  if (port === -1) {
    // Port not logged: the policy allows it only if it allows every port, the configuration if it permits any.
    return boxes.some(
      (b) => b.proto[0] <= proto && proto <= b.proto[1] && (!every || (b.port[0] === 0 && b.port[1] === 65535)),
    );
  }
  return boxes.some((b) => b.proto[0] <= proto && proto <= b.proto[1] && b.port[0] <= port && port <= b.port[1]);
}

/**
 * The observed layer of a verification: `runs` are the per-provider results of `verifyModel` with the model (and,
 * for AWS, the inventory) each was asked of.
 */
export function observeRuns(
  inputs: ObservedInputs,
  runs: readonly { result: VerifyResult; model?: NetworkModel; awsInventory?: AwsInventory }[],
): Promise<ObservedLayer> {
  const classes = new Map<string, CellClasses>(runs.flatMap((r) => [...(r.result.cellClasses ?? [])]));
  const networks = runs.flatMap((r) =>
    r.model ? [{ model: r.model, ...(r.awsInventory ? { awsInventory: r.awsInventory } : {}) }] : [],
  );
  return observeFlows(
    inputs,
    networks,
    runs.flatMap((r) => r.result.matrix),
    classes,
  );
}

/**
 * Reads the logs and returns the observed layer. `networks` are the snapshot's compiled models (one per provider),
 * `matrix` and `cellClasses` the configuration and policy layers `verifyModel` produced.
 */
export async function observeFlows(
  inputs: ObservedInputs,
  networks: readonly ObservedNetwork[],
  matrix: readonly MatrixCell[],
  cellClasses: ReadonlyMap<string, CellClasses>,
): Promise<ObservedLayer> {
  const { policy } = inputs;
  const display = displayNameFor(inputs.cwd);
  const base = buildZoneMap(policy, policy.document.flows);
  const names = base.names;
  const Z = names.length;
  const sides = new Map<FlowProvider, Side>();
  for (const n of networks) {
    if (sides.has(n.model.provider)) continue;
    sides.set(n.model.provider, buildSide(sides.size, n, policy));
  }
  const sideList = [...sides.values()];
  const cellOf = (side: number, from: number, to: number) => (side * Z + from) * Z + to;

  // Policy and configuration classes by (side, from, to): the matrix's cells, and the policy alone elsewhere.
  const layerCache = new Map<number, CellClasses | undefined>();
  const layers = (cell: number): CellClasses | undefined => {
    if (layerCache.has(cell)) return layerCache.get(cell);
    const side = sideList[Math.floor(cell / (Z * Z))]!;
    const from = names[Math.floor(cell / Z) % Z]!;
    const to = names[cell % Z]!;
    let l = cellClasses.get(cellKey(side.provider, from, to));
    if (!l && policy.zones.has(from) && policy.zones.has(to))
      l = { policy: protoPortBoxes(policySet(policy, from, to), Infinity), permitted: [], undecided: [] };
    layerCache.set(cell, l);
    return l;
  };
  // Per (cell, protocol): one byte per port, 0 not yet asked, 1 not explained, 2 explained (64 KiB per pair seen).
  const explainedMemo = new Map<number, Uint8Array>();
  const explains = (cell: number, proto: number, port: number): boolean => {
    const k = cell * 256 + proto;
    let ports = explainedMemo.get(k);
    if (!ports) explainedMemo.set(k, (ports = new Uint8Array(65536)));
    let v = ports[port]!;
    if (v === 0) {
      const l = layers(cell);
      v =
        l !== undefined &&
        (inBoxes(l.policy, proto, port, true) ||
          inBoxes(l.permitted, proto, port, false) ||
          inBoxes(l.undecided, proto, port, false))
          ? 2
          : 1;
      ports[port] = v;
    }
    return v === 2;
  };

  const aggs = new Map<number, Agg>();
  let exact = 0;
  const maxExact = inputs.maxExactClasses ?? MAX_EXACT_CLASSES;
  const totals = { rows: 0, accepted: 0, replies: 0, rejected: 0, withoutVerdict: 0, nodata: 0, skipdata: 0 };
  const unplaced = new Map<string, { records: number; files: Set<string> }>();
  const unknownResources = new Map<string, number>();
  const inputErrors: ObservedLayer['inputErrors'] = [];
  let errorsNotListed = 0;
  const malformedByFile = new Map<string, number>();
  const error = (file: string, message: string, line?: number) => {
    if (inputErrors.length < MAX_INPUT_ERRORS)
      inputErrors.push({ file: display(file), ...(line !== undefined ? { line } : {}), message });
    else errorsNotListed++;
  };

  const networksOf = (side: Side, b: FlowBatch, i: number): number[] | null => {
    const iface = b.iface[i]!;
    let nets = iface >= 0 ? side.byIface.get(iface) : undefined;
    if (nets === undefined) {
      const resource = b.source.resource(b, i);
      // A resource the snapshot lacks is remembered by its key, so each of its rows is counted.
      nets = side.resources.get(resource.toLowerCase()) ?? `${side.provider}|${resource}`;
      if (iface >= 0) side.byIface.set(iface, nets);
    }
    if (typeof nets !== 'string') return nets;
    unknownResources.set(nets, (unknownResources.get(nets) ?? 0) + 1);
    return null;
  };

  /** A row as evidence: where it is, its text, and the account, region and resource that logged it. */
  const evidence = (b: FlowBatch, i: number): Agg['first'] => {
    const d = b.source.describe(b, i);
    const raw = b.source.rawLine(b, i);
    return {
      file: display(b.source.file),
      line: b.line[i]!,
      record: raw.length > MAX_RECORD_TEXT ? `${raw.slice(0, MAX_RECORD_TEXT)}…` : raw,
      account: d.account,
      region: d.region,
      resource: d.resource,
      resourceType: d.resourceType,
    };
  };

  const sink: ReaderSink = {
    flush(b: FlowBatch): void {
      const side = sides.get(b.source.provider);
      if (!side) {
        const u = unplaced.get(b.source.provider) ?? { records: 0, files: new Set<string>() };
        u.records += b.n;
        u.files.add(display(b.source.file));
        unplaced.set(b.source.provider, u);
        totals.rows += b.n;
        return;
      }
      const { table, covered } = side;
      const gcp = side.provider === 'gcp';
      const azure = side.provider === 'azure';
      for (let i = 0; i < b.n; i++) {
        totals.rows++;
        const nets = networksOf(side, b, i);
        if (nets !== null) for (const n of nets) covered[n] = 1;
        const st = b.status[i]!;
        if (st !== STATUS_OK) {
          if (st === STATUS_NODATA) totals.nodata++;
          else if (st === STATUS_SKIPDATA) totals.skipdata++;
          continue;
        }
        const action = b.action[i]!;
        if (action === ACTION_REJECT) {
          totals.rejected++;
          continue;
        }
        const accepted = action === ACTION_ACCEPT || (gcp && b.dir[i] === DIR_INGRESS);
        const f = b.family[i]!;
        let sz = f & SRC_V6 ? table.lookup6(b.srcV6[i]!) : table.lookup4(b.src[i]!);
        let dz = f & DST_V6 ? table.lookup6(b.dstV6[i]!) : table.lookup4(b.dst[i]!);
        // Gateway-endpoint traffic (S3, DynamoDB) goes to public AWS addresses without leaving the AWS network.
        if (b.service[i] !== SVC_NONE && dz === base.internet) dz = base.gateway;
        const proto = b.proto[i]! < 0 ? 0 : b.proto[i]!;
        const sp = b.srcPort[i]!;
        const dp = b.dstPort[i]!;
        let reply = b.reply[i] === 1;
        if (!reply && !azure && !PORTLESS(proto) && sp >= 0 && dp >= 0) {
          const fwd = explains(cellOf(side.index, sz, dz), proto, dp);
          const rev = explains(cellOf(side.index, dz, sz), proto, sp);
          reply = fwd !== rev ? rev : sp < dp;
        }
        const connPort = PORTLESS(proto) ? 0 : reply ? sp : dp;
        let port = connPort;
        if (reply) [sz, dz] = [dz, sz];
        const cell = cellOf(side.index, sz, dz);
        let key = (cell * 256 + proto) * 65538 + (port + 1);
        let a = aggs.get(key);
        let verdict: Verdict | undefined;
        if (!a && exact >= maxExact) {
          // Folded: one class per cell, protocol and verdict, so no verdict is lost past the bound.
          verdict = judge(layers(cell), proto, connPort);
          key = -((cell * 256 + proto) * 8 + verdict.code) - 1;
          a = aggs.get(key);
          if (a) {
            a.lo = Math.min(a.lo, connPort);
            a.hi = Math.max(a.hi, connPort);
          }
          port = -2;
        }
        if (!a) {
          if (port !== -2) exact++;
          a = {
            cell,
            proto,
            port,
            lo: connPort,
            hi: connPort,
            records: 0,
            replies: 0,
            withoutVerdict: 0,
            bytes: 0,
            packets: 0,
            first: evidence(b, i),
            weakFirst: reply || !accepted,
            ...(verdict ? { verdict } : {}),
          };
          aggs.set(key, a);
        } else if (a.weakFirst && accepted && !reply) {
          a.first = evidence(b, i);
          a.weakFirst = false;
        }
        a.bytes += b.bytes[i]!;
        a.packets += b.packets[i]!;
        if (!accepted) {
          a.withoutVerdict++;
          totals.withoutVerdict++;
        } else if (reply) {
          a.replies++;
          totals.replies++;
          totals.accepted++;
        } else {
          a.records++;
          totals.accepted++;
        }
      }
    },
    dns(): void {
      // DNS queries are not flows; DNS files are reported as not used before they are read.
    },
    malformed(file: string, line: number, message: string): void {
      malformedByFile.set(file, (malformedByFile.get(file) ?? 0) + 1);
      error(file, message, line);
    },
  };

  // ---- read every file, in sorted order, with one batch
  const files: ObservedFile[] = [];
  const { planned, unreadable } = await planInputs(inputs.paths, inputs.cwd, inputs.logFormat);
  for (const u of unreadable) {
    error(u.file, u.note);
    files.push({
      file: display(u.file),
      format: 'unknown',
      records: 0,
      malformed: 0,
      status: 'not-assessed',
      note: u.note,
    });
  }
  const batch = new FlowBatch();
  const interner = new Interner();
  for (const p of planned) {
    const name = display(p.file);
    if (isDnsFormat(p.format)) {
      files.push({
        file: name,
        format: p.format,
        records: 0,
        malformed: 0,
        status: 'not-used',
        note: 'a DNS query log, not a flow log',
      });
      continue;
    }
    if (p.format === 'unknown' || p.format === 'parquet') {
      const note = p.format === 'parquet' ? 'Parquet flow logs are read by cordon flows --engine duckdb only' : p.note;
      error(p.file, `not read: ${note}`);
      files.push({ file: name, format: p.format, records: 0, malformed: 0, status: 'not-assessed', note });
      continue;
    }
    const before = totals.rows;
    try {
      const r = await readLogFile(p, inputs.logFormat, batch, sink, interner);
      const bad = malformedByFile.get(p.file) ?? 0;
      if (r.records === 0) error(p.file, bad > 0 ? `no valid record (${bad} malformed lines)` : 'no flow record');
      files.push({
        file: name,
        format: r.format,
        records: r.records,
        malformed: bad,
        status: r.records === 0 ? 'not-assessed' : bad > 0 ? 'partial' : 'read',
        note: p.note,
      });
    } catch (err) {
      const got = totals.rows - before;
      const note = `read failed${got > 0 ? ` after ${got} records` : ''}: ${(err as Error).message}`;
      error(p.file, note);
      files.push({
        file: name,
        format: p.format,
        records: got,
        malformed: malformedByFile.get(p.file) ?? 0,
        status: got > 0 ? 'partial' : 'not-assessed',
        note,
      });
    }
  }
  if (errorsNotListed > 0)
    inputErrors.push({ file: '(flow logs)', message: `${errorsNotListed} further input errors not listed` });

  return summarise();

  function summarise(): ObservedLayer {
    const byCell = new Map<number, Agg[]>();
    for (const a of aggs.values()) {
      const list = byCell.get(a.cell);
      if (list) list.push(a);
      else byCell.set(a.cell, [a]);
    }
    const order = (x: Agg, y: Agg) => x.proto - y.proto || x.port - y.port || x.lo - y.lo;
    const zoneId = (n: string) => base.zoneId(n) ?? -1;
    const cells: ObservedCell[] = [];
    const findings: Finding[] = [];
    const inMatrix = new Set<number>();
    for (const m of matrix) {
      const side = sides.get(m.provider);
      const from = zoneId(m.from);
      const to = zoneId(m.to);
      if (!side || from < 0 || to < 0) continue;
      const cell = cellOf(side.index, from, to);
      inMatrix.add(cell);
      const l = layers(cell);
      const list = (byCell.get(cell) ?? []).sort(order);
      const classes = list.map((a) => observedClass(a, l));
      const { coverage, without } = coverageOf(side, m);
      const judged = classes.filter((c) => c.records + c.replies > 0);
      const againstPolicy = judged.filter((c) => c.policy === 'denies');
      const notPermitted = judged.filter((c) => c.configuration === 'blocks');
      const never =
        coverage === 'full'
          ? (l?.permitted ?? []).filter((bx) => !list.some((a) => a.records + a.replies > 0 && aggIn(a, bx)))
          : [];
      const sum = (k: 'records' | 'replies' | 'withoutVerdict' | 'bytes' | 'packets') =>
        list.reduce((s, a) => s + a[k], 0);
      cells.push({
        provider: m.provider,
        from: m.from,
        to: m.to,
        coverage,
        networksWithoutLogs: without,
        records: sum('records'),
        replies: sum('replies'),
        withoutVerdict: sum('withoutVerdict'),
        bytes: sum('bytes'),
        packets: sum('packets'),
        classes: classes.slice(0, MAX_CLASSES_LISTED),
        classesNotListed: Math.max(0, classes.length - MAX_CLASSES_LISTED),
        againstPolicy: againstPolicy.map((c) => c.class),
        notPermitted: notPermitted.map((c) => c.class),
        permittedNeverObserved: never.map(classText),
      });
      const internet = side.model.internetZone;
      if (againstPolicy.length > 0)
        findings.push(finding(OBSERVED_CHECKS.againstPolicy, m, againstPolicy, list, internet, 'policy denies', side));
      if (notPermitted.length > 0)
        findings.push(
          finding(OBSERVED_CHECKS.notPermitted, m, notPermitted, list, internet, 'configuration permits none', side),
        );
    }
    const outside: OutsideCell[] = [];
    for (const [cell, list] of byCell) {
      if (inMatrix.has(cell)) continue;
      list.sort(order);
      const side = sideList[Math.floor(cell / (Z * Z))]!;
      outside.push({
        provider: side.provider,
        from: names[Math.floor(cell / Z) % Z]!,
        to: names[cell % Z]!,
        records: list.reduce((s, a) => s + a.records, 0),
        replies: list.reduce((s, a) => s + a.replies, 0),
        withoutVerdict: list.reduce((s, a) => s + a.withoutVerdict, 0),
        bytes: list.reduce((s, a) => s + a.bytes, 0),
        classes: list.slice(0, 20).map(aggText),
        first: recordRef(list[0]!.first),
      });
    }
    outside.sort((a, b) => cmp(a.provider, b.provider) || cmp(a.from, b.from) || cmp(a.to, b.to));
    const nets = sideList
      .flatMap((s) => s.networks.map((n, k) => ({ provider: s.provider, network: n, logged: s.covered[k] === 1 })))
      .sort((a, b) => cmp(a.provider, b.provider) || cmp(a.network, b.network));
    const unknown = [...unknownResources]
      .map(([k, records]) => {
        const [provider, ...rest] = k.split('|');
        return { provider: provider!, resource: rest.join('|'), records };
      })
      .sort((a, b) => b.records - a.records || cmp(a.provider, b.provider) || cmp(a.resource, b.resource));
    const reasons: string[] = [];
    if (inputErrors.length > 0)
      reasons.push(`${inputErrors.length} input error(s) in the flow logs: their traffic is not counted`);
    if (totals.skipdata > 0)
      reasons.push(`${totals.skipdata} SKIPDATA record(s): AWS dropped flow records in those intervals`);
    const unplacedList = [...unplaced]
      .map(([provider, u]) => ({ provider, records: u.records, files: [...u.files].sort() }))
      .sort((a, b) => cmp(a.provider, b.provider));
    for (const u of unplacedList)
      reasons.push(
        `${u.records} ${u.provider} record(s) not placed: cordon verify has no ${u.provider} network model of this snapshot`,
      );
    const unlogged = nets.filter((n) => !n.logged);
    if (unlogged.length > 0)
      reasons.push(
        `no flow record from ${unlogged.length} network(s) of the snapshot: their cells are not observed (${unlogged
          .slice(0, 10)
          .map((n) => n.network)
          .join(', ')}${unlogged.length > 10 ? ', …' : ''})`,
      );
    return {
      status: reasons.length > 0 ? 'partial' : 'complete',
      reasons,
      files: files.sort((a, b) => cmp(a.file, b.file)),
      totals,
      networks: nets,
      cells,
      outside,
      unplaced: unplacedList,
      unknownResources: unknown.slice(0, MAX_UNKNOWN_RESOURCES),
      unknownResourcesNotListed: Math.max(0, unknown.length - MAX_UNKNOWN_RESOURCES),
      findings,
      inputErrors,
      note: PERMITTED_NEVER_OBSERVED_NOTE,
    };
  }

  function coverageOf(side: Side, m: MatrixCell): { coverage: Coverage; without: string[] } {
    if (m.sources === 0 || m.destinations === 0) return { coverage: 'no-interfaces', without: [] };
    const netsOf = (zone: string, workloadsOnly: boolean) =>
      (workloadsOnly ? side.zoneNetworks.workloads : side.zoneNetworks.all).get(zone) ?? [];
    const src = netsOf(m.from, true);
    const dst = netsOf(m.to, false);
    const all = (l: number[]) => l.length > 0 && l.every((k) => side.covered[k] === 1);
    const without = [...new Set([...src, ...dst])]
      .filter((k) => side.covered[k] !== 1)
      .map((k) => side.networks[k]!)
      .sort();
    const any = [...src, ...dst].some((k) => side.covered[k] === 1);
    return { coverage: all(src) || all(dst) ? 'full' : any ? 'partial' : 'none', without };
  }

  function observedClass(a: Agg, l: CellClasses | undefined): ObservedClass {
    const v = a.verdict ?? judge(l, a.proto, a.port);
    return {
      class: aggText(a),
      records: a.records,
      replies: a.replies,
      withoutVerdict: a.withoutVerdict,
      bytes: a.bytes,
      packets: a.packets,
      policy: v.policy,
      configuration: v.configuration,
      first: recordRef(a.first),
    };
  }

  function finding(
    meta: (typeof OBSERVED_CHECKS)[keyof typeof OBSERVED_CHECKS],
    m: MatrixCell,
    classes: ObservedClass[],
    list: Agg[],
    internet: string | undefined,
    why: string,
    side: Side,
  ): Finding {
    const first = list.find((a) => aggText(a) === classes[0]!.class)!.first;
    // Records without an account or region field (AWS default format): the scope of the network that logged it.
    const net = side.resources.get(first.resource.toLowerCase())?.[0];
    const [account, region] = (net !== undefined ? side.scopes[net]! : '/').split('/');
    const pair = `${m.from} -> ${m.to}`;
    const shown = classes.slice(0, 12).map((c) => `${c.class} (${c.records + c.replies} record(s))`);
    const resource = {
      provider: side.provider,
      account: first.account || account || '',
      region: first.region || region || '',
      type: 'cordon::ZonePair',
      id: `${m.from}->${m.to}`,
    };
    const severity: Severity =
      meta.id === OBSERVED_CHECKS.againstPolicy.id && (m.from === internet || m.to === internet)
        ? 'critical'
        : meta.severity;
    return {
      checkId: meta.id,
      title: meta.title,
      severity,
      status: 'fail',
      resource,
      origin: { kind: 'file', file: first.file, line: first.line },
      message: `${pair}: accepted traffic on ${shown.join(', ')}${classes.length > 12 ? `, and ${classes.length - 12} more class(es)` : ''} (${why}); first record ${first.file}:${first.line} logged by ${first.resource || '?'}: ${first.record}`,
      evidence: {
        from: m.from,
        to: m.to,
        classes: classes.slice(0, 50).map((c) => ({
          class: c.class,
          records: c.records,
          replies: c.replies,
          bytes: c.bytes,
          policy: c.policy,
          configuration: c.configuration,
          first: c.first,
        })),
        classCount: classes.length,
        loggedBy: first.resource,
      },
      remediation: meta.remediation,
      references: ['docs/architecture.md#verification-cordon-verify'],
      fingerprint: fingerprintOf(meta.id, resource),
    };
  }
}

function buildSide(index: number, n: ObservedNetwork, policy: ZonePolicy): Side {
  const settings = policy.document.flows;
  // flows/zones.ts placement (cordon.yaml, then the AWS inventory), then the model's own subnets and interfaces
  // (Azure and GCP, which `cordon flows` has no inventory for), networks as private space of no zone, then
  // flows.private_cidrs: identical CIDRs keep the first, nested ones the longest prefix.
  const zmap = buildZoneMap(policy, settings, n.awsInventory);
  const entries: { cidr: NonNullable<ReturnType<typeof tryParseCidr>>; value: number; order: number }[] = [];
  const add = (text: string, zone: number | undefined) => {
    const cidr = tryParseCidr(text);
    if (cidr && zone !== undefined) entries.push({ cidr, value: zone, order: entries.length });
  };
  const privateCidrs = zmap.sources.filter((s) => s.via === 'flows.private_cidrs');
  for (const s of zmap.sources) if (s.via !== 'flows.private_cidrs') add(s.cidr, zmap.zoneId(s.zone));
  const m = n.model;
  for (const i of m.interfaces) if (i.zone) for (const c of i.addresses) add(c.text, zmap.zoneId(i.zone));
  for (const s of m.subnets.values()) if (s.zone) for (const c of s.cidrs) add(c.text, zmap.zoneId(s.zone));
  for (const net of m.networks.values()) for (const c of net.cidrs) add(c.text, zmap.unzoned);
  for (const s of privateCidrs) add(s.cidr, zmap.unzoned);
  const table = new PrefixTable(entries, zmap.internet);

  const networks = [...m.networks.keys()].sort();
  const netIndex = new Map(networks.map((k, i) => [k, i]));
  const resources = new Map<string, number[]>();
  const put = (id: string | undefined, network: string) => {
    const k = netIndex.get(network);
    if (!id || k === undefined) return;
    const key = id.toLowerCase();
    const list = resources.get(key);
    if (!list) resources.set(key, [k]);
    else if (!list.includes(k)) list.push(k);
  };
  for (const net of m.networks.values()) {
    put(net.id, net.id);
    put(net.ref.resourceId, net.id);
  }
  for (const s of m.subnets.values()) {
    put(s.id, s.network);
    put(s.ref.resourceId, s.network);
    // Azure NSG flow logs name the NSG: it covers every network it is attached in.
    put(s.inbound?.defaultRef.resourceId, s.network);
  }
  for (const i of m.interfaces) {
    put(i.id, i.network);
    put(i.ref.resourceId, i.network);
    if (m.provider === 'azure') put(i.inbound.defaultRef.resourceId, i.network);
  }
  // Interfaces the model leaves out (NAT gateways, load balancers) still log for their VPC.
  for (const e of n.awsInventory?.networkInterfaces ?? []) if (e.vpcId) put(e.id, e.vpcId);
  const sets = { all: new Map<string, Set<number>>(), workloads: new Map<string, Set<number>>() };
  for (const i of m.interfaces) {
    const k = netIndex.get(i.network);
    if (!i.zone || k === undefined) continue;
    for (const map of i.role === 'workload' ? [sets.all, sets.workloads] : [sets.all]) {
      const set = map.get(i.zone) ?? new Set<number>();
      map.set(i.zone, set.add(k));
    }
  }
  const lists = (map: Map<string, Set<number>>) => new Map([...map].map(([z, set]) => [z, [...set]]));
  const zoneNetworks = { all: lists(sets.all), workloads: lists(sets.workloads) };
  return {
    index,
    zoneNetworks,
    provider: m.provider,
    model: m,
    table,
    resources,
    networks,
    scopes: networks.map((k) => m.networks.get(k)!.scope),
    covered: new Uint8Array(networks.length),
    byIface: new Map(),
  };
}

interface Verdict {
  policy: 'allows' | 'denies';
  configuration: 'permits' | 'undecided' | 'blocks';
  code: number;
}

function judge(l: CellClasses | undefined, proto: number, port: number): Verdict {
  const policy = l !== undefined && inBoxes(l.policy, proto, port, true) ? 'allows' : 'denies';
  const configuration =
    l === undefined
      ? 'undecided'
      : inBoxes(l.permitted, proto, port, false)
        ? 'permits'
        : inBoxes(l.undecided, proto, port, false)
          ? 'undecided'
          : 'blocks';
  const code =
    (policy === 'allows' ? 0 : 4) + (configuration === 'permits' ? 0 : configuration === 'undecided' ? 1 : 2);
  return { policy, configuration, code };
}

function aggIn(a: Agg, bx: ProtoPortBox): boolean {
  return a.proto >= bx.proto[0] && a.proto <= bx.proto[1] && a.hi >= bx.port[0] && a.lo <= bx.port[1];
}

function aggText(a: Agg): string {
  const names: Record<number, string> = { 6: 'tcp', 17: 'udp', 1: 'icmp', 58: 'icmpv6' };
  const proto = names[a.proto] ?? `proto ${a.proto}`;
  if (PORTLESS(a.proto)) return proto;
  if (a.port === -1) return `${proto} (port not logged)`;
  if (a.port === -2)
    return `${proto}/${a.lo === a.hi ? a.lo : `${a.lo}-${a.hi}`} (ports beyond the per-run class limit)`;
  return `${proto}/${a.port}`;
}

function recordRef(r: RecordRef): RecordRef {
  return { file: r.file, line: r.line, record: r.record };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
