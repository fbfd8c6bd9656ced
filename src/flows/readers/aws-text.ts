/**
 * AWS VPC and Transit Gateway flow logs in text form (S3 delivery with its header line, or CloudWatch exports with
 * the LogFormat given by --log-format). Records go through the parser compiled for their column layout
 * (aws-fast.ts); headers, the first record and whatever that parser refuses go through parseAwsRecord. Nothing is
 * allocated per record except for IPv6.
 */
import { ipv4FromBytes, parseIPv6 } from '../ip.js';
import {
  ACTION_ACCEPT,
  ACTION_REJECT,
  DIR_EGRESS,
  DIR_INGRESS,
  DST_V6,
  SRC_V6,
  STATUS_NODATA,
  STATUS_OK,
  STATUS_SKIPDATA,
  SVC_GATEWAY_ENDPOINT,
  type BatchSource,
  type FlowBatch,
  type Interner,
} from '../record.js';
import { streamLines } from '../input.js';
import {
  AWS_TGW_DEFAULT,
  AWS_V2_DEFAULT,
  KNOWN_FIELDS,
  columnMap,
  unknownFieldsNote,
  F_ACTION,
  F_BYTES,
  F_DIR,
  F_DST,
  F_DSTPORT,
  F_DSTSVC,
  F_END,
  F_IFACE,
  F_PACKETS,
  F_PATH,
  F_PKTDST,
  F_PKTSRC,
  F_PROTO,
  F_SKIP,
  F_SRC,
  F_SRCPORT,
  F_START,
  F_STATUS,
  type ColumnMap,
} from './aws-fields.js';
import type { ReadSummary, ReaderSink } from './sink.js';
import { fastParser, type FastParser } from './aws-fast.js';

/** What is wrong with a malformed record, in the words both engines report. */
export const MALFORMED = {
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

/** parseAwsRecord's error codes (1 to 9) to messages. */
const ERRORS = [
  '',
  MALFORMED.fewer,
  MALFORMED.more,
  MALFORMED.empty,
  MALFORMED.number,
  MALFORMED.address,
  MALFORMED.action,
  MALFORMED.status,
  MALFORMED.noAddress,
  MALFORMED.port,
] as const;

function setV4(b: FlowBatch, r: number, isSrc: boolean, v4: number): 0 {
  if (isSrc) {
    b.src[r] = v4;
    b.family[r]! &= ~SRC_V6;
  } else {
    b.dst[r] = v4;
    b.family[r]! &= ~DST_V6;
  }
  return 0;
}

/** 0 when an address was stored, 1 for "-", 2 when invalid. IPv6 goes to the text side table. */
function addr(buf: Buffer, s: number, e: number, b: FlowBatch, r: number, isSrc: boolean): number {
  const v4 = ipv4FromBytes(buf, s, e);
  if (v4 >= 0) return setV4(b, r, isSrc, v4);
  if (e - s === 1 && buf[s] === 45) return 1;
  const six = parseIPv6(buf.toString('latin1', s, e));
  if (six === undefined) return 2;
  // IPv4-mapped IPv6: classify as the IPv4 address.
  if (typeof six === 'number') return setV4(b, r, isSrc, six);
  if (isSrc) {
    b.family[r]! |= SRC_V6;
    b.srcV6[r] = six;
  } else {
    b.family[r]! |= DST_V6;
    b.dstV6[r] = six;
  }
  return 0;
}

/**
 * The resource an AWS flow record is about (the logging interface, or the TGW attachment), its account and region,
 * from the record's tokens and the column names; shared by both engines. `interfaceId` overrides the token when the
 * caller already has it.
 */
export function describeAwsRecord(
  tokens: string[],
  names: readonly string[],
  pathRegion: string,
  interfaceId?: string,
) {
  const get = (name: string) => {
    const k = names.indexOf(name);
    const v = k >= 0 ? tokens[k] : undefined;
    return v === undefined || v === '-' ? '' : v;
  };
  const tgw = get('tgw-attachment-id');
  return {
    provider: 'aws' as const,
    account: get('account-id'),
    region: get('region') || pathRegion,
    resource: tgw || interfaceId || get('interface-id'),
    resourceType: tgw ? 'AWS::EC2::TransitGatewayAttachment' : 'AWS::EC2::NetworkInterface',
  };
}

/**
 * Parses the record buf[s, e) into row r; returns 0 or an index into ERRORS. The general parser: every line the
 * compiled fast path (aws-fast.ts) refuses comes here, and its result defines what the fast path must store.
 */
export function parseAwsRecord(
  buf: Buffer,
  s: number,
  e: number,
  cols: Uint8Array,
  b: FlowBatch,
  r: number,
  interner: Interner,
): number {
  let p = s;
  const nc = cols.length;
  let haveSrc = false;
  let haveDst = false;
  let srcFromPkt = false;
  let dstFromPkt = false;
  let pathVal = -1;
  let s3 = false;
  for (let c = 0; c < nc; c++) {
    if (p > e) return 1;
    const ts = p;
    const id = cols[c]!;
    if ((id >= F_SRCPORT && id <= F_END) || id === F_PATH) {
      let v = 0;
      let digitsOnly = true;
      while (p < e) {
        const ch = buf[p]!;
        if (ch === 32) break;
        const d = ch - 48;
        if (d < 0 || d > 9) digitsOnly = false;
        else v = v * 10 + d;
        p++;
      }
      const te = p;
      p++;
      if (te === ts) return 3;
      if (!digitsOnly) {
        if (te - ts === 1 && buf[ts] === 45) v = -1;
        else return 4;
      }
      switch (id) {
        case F_SRCPORT:
          if (v > 65535) return 9;
          b.srcPort[r] = v;
          break;
        case F_DSTPORT:
          if (v > 65535) return 9;
          b.dstPort[r] = v;
          break;
        case F_PROTO:
          b.proto[r] = v > 255 ? -1 : v;
          break;
        case F_PACKETS:
          b.packets[r] = v < 0 ? 0 : v;
          break;
        case F_BYTES:
          b.bytes[r] = v < 0 ? 0 : v;
          break;
        case F_START:
          // Millisecond timestamps appear in some deliveries: anything past year 5138 in seconds is milliseconds.
          b.start[r] = v > 1e11 ? v / 1000 : v;
          break;
        case F_END:
          b.end[r] = v > 1e11 ? v / 1000 : v;
          break;
        default:
          pathVal = v > 127 ? -1 : v;
          b.trafficPath[r] = pathVal;
      }
      continue;
    }
    if (id === F_SRC || id === F_DST || id === F_PKTSRC || id === F_PKTDST) {
      const isSrc = id === F_SRC || id === F_PKTSRC;
      const isPkt = id === F_PKTSRC || id === F_PKTDST;
      // pkt-srcaddr/pkt-dstaddr (the original packet addresses) win over srcaddr/dstaddr whatever the column order;
      // a "-" falls back to the plain address.
      const skip = !isPkt && (isSrc ? srcFromPkt : dstFromPkt);
      while (p < e && buf[p] !== 32) p++;
      const te = p;
      p++;
      if (te === ts) return 3;
      if (skip) continue;
      const k = addr(buf, ts, te, b, r, isSrc);
      if (k === 2) return 5;
      if (k === 0) {
        if (isSrc) haveSrc = true;
        else haveDst = true;
        if (isPkt && isSrc) srcFromPkt = true;
        if (isPkt && !isSrc) dstFromPkt = true;
      }
      continue;
    }
    if (id === F_SKIP) {
      // Skipped fields (account ids, ARNs, tags) can be long: memchr finds their end.
      const sp = buf.indexOf(32, p);
      p = sp < 0 || sp > e ? e : sp;
      if (p === ts) return 3;
      p++;
      continue;
    }
    while (p < e && buf[p] !== 32) p++;
    const te = p;
    p++;
    if (te === ts) return 3;
    switch (id) {
      case F_ACTION: {
        const c0 = buf[ts];
        if (c0 === 65 && te - ts === 6) b.action[r] = ACTION_ACCEPT;
        else if (c0 === 82 && te - ts === 6) b.action[r] = ACTION_REJECT;
        else if (!(c0 === 45 && te - ts === 1)) return 6;
        break;
      }
      case F_STATUS: {
        const c0 = buf[ts];
        if (c0 === 79 && te - ts === 2) b.status[r] = STATUS_OK;
        else if (c0 === 78 && te - ts === 6) b.status[r] = STATUS_NODATA;
        else if (c0 === 83 && te - ts === 8) b.status[r] = STATUS_SKIPDATA;
        else if (!(c0 === 45 && te - ts === 1)) return 7;
        break;
      }
      case F_DIR: {
        const c0 = buf[ts];
        if (c0 === 105) b.dir[r] = DIR_INGRESS;
        else if (c0 === 101) b.dir[r] = DIR_EGRESS;
        break;
      }
      case F_DSTSVC: {
        const len = te - ts;
        s3 = (len === 2 && buf[ts] === 83 && buf[ts + 1] === 51) || (len === 8 && buf[ts] === 68 && buf[ts + 1] === 89);
        break;
      }
      case F_IFACE: {
        if (!(te - ts === 1 && buf[ts] === 45)) b.iface[r] = interner.internBytes(buf, ts, te);
        break;
      }
    }
  }
  if (p <= e) return 2;
  if (b.status[r] === STATUS_OK && (!haveSrc || !haveDst)) return 8;
  // Gateway endpoints (path 7), or the IGW/gateway path to S3 or DynamoDB: public AWS addresses, not the internet.
  if (pathVal === 7 || (pathVal === 2 && s3)) b.service[r] = SVC_GATEWAY_ENDPOINT;
  return 0;
}

export interface AwsTextOptions {
  logFormat?: string;
}

const REGION_IN_PATH = /(?:vpcflowlogs|aws-region=)[/_]?([a-z]{2}(?:-[a-z]+)+-\d)/;

export function regionFromPath(file: string): string {
  return REGION_IN_PATH.exec(file)?.[1] ?? '';
}

/**
 * Per-file reading state; the chunk loop is a method so every file shares one optimised copy of it. Records taken
 * out of a wrapper (CloudWatch events, cloudwatch.ts) pass `lineMap`, the file line of each record line, and a
 * format suffix.
 */
export class AwsTextReader {
  map: ColumnMap | undefined;
  fast: FastParser | undefined;
  tgwMap: ColumnMap | undefined;
  lineNo = 0;
  records = 0;
  format = 'aws-vpc';
  readonly fixed: ColumnMap | undefined;
  readonly source: BatchSource;

  constructor(
    readonly file: string,
    options: AwsTextOptions,
    readonly batch: FlowBatch,
    readonly sink: ReaderSink,
    readonly interner: Interner,
    readonly lineMap?: readonly number[],
    readonly formatSuffix = '',
  ) {
    this.format = `aws-vpc${formatSuffix}`;
    const fixed = options.logFormat !== undefined ? columnMap(options.logFormat) : undefined;
    if (typeof fixed === 'string') throw new Error(`--log-format: ${fixed}`);
    this.fixed = fixed;
    const pathRegion = regionFromPath(file);
    const source: BatchSource = {
      file,
      format: this.format,
      provider: 'aws',
      rawLine: (b, i) => b.buf!.toString('utf8', b.lineStart[i], b.lineEnd[i]),
      // ctx 1 marks a Transit Gateway line of a mixed CloudWatch export, read with the TGW default layout.
      describe: (b, i) =>
        describeAwsRecord(
          source.rawLine(b, i).split(' '),
          (b.ctx[i] === 1 && this.tgwMap ? this.tgwMap : this.map!).names,
          pathRegion,
        ),
      // A VPC record's resource is its interface, already interned; only TGW lines need the description.
      resource: (b, i) => {
        if (b.ctx[i] === 1 || this.map!.tgw) return source.describe(b, i).resource;
        const id = b.iface[i]!;
        return id >= 0 ? this.interner.names[id]! : '';
      },
    };
    this.source = source;
  }

  private useMap(m: ColumnMap): void {
    this.map = m;
    this.fast = fastParser(m.ids);
    this.format = `${m.tgw ? 'aws-tgw' : 'aws-vpc'}${this.formatSuffix}`;
  }

  /** The file line of the line being read. */
  private fileLine(): number {
    return this.lineMap === undefined ? this.lineNo : this.lineMap[this.lineNo - 1]!;
  }

  /** Whole lines buf[start, end), the last ending with "\n". */
  lines(buf: Buffer, start: number, end: number): void {
    const batch = this.batch;
    const interner = this.interner;
    const lineMap = this.lineMap;
    batch.buf = buf;
    batch.n = 0;
    let p = start;
    while (p < end) {
      this.lineNo++;
      const c0 = buf[p]!;
      // Records take the fast path once the format is known; it refuses what it does not handle, header lines
      // included (every layout has srcaddr and dstaddr, and an address column refuses a word).
      const fast = this.fast;
      if (fast !== undefined && c0 > 32) {
        const r = batch.n;
        const q = fast(buf, p, batch, r, interner);
        if (q >= 0) {
          batch.line[r] = lineMap === undefined ? this.lineNo : lineMap[this.lineNo - 1]!;
          batch.lineStart[r] = p;
          batch.lineEnd[r] = q;
          this.records++;
          p = q + 1;
          if (++batch.n === batch.capacity) {
            this.sink.flush(batch);
            batch.n = 0;
          }
          continue;
        }
      }
      p = this.slowLine(buf, p, end);
    }
    if (batch.n > 0) {
      this.sink.flush(batch);
      batch.n = 0;
    }
  }

  /** One line by the general path (headers, the first record, anything the fast path refused); returns the next line's start. */
  private slowLine(buf: Buffer, p: number, end: number): number {
    const batch = this.batch;
    const file = this.file;
    let nl = buf.indexOf(10, p);
    if (nl < 0 || nl >= end) nl = end;
    let le = nl;
    while (le > p && (buf[le - 1] === 13 || buf[le - 1] === 32)) le--;
    let ls = p;
    while (ls < le && buf[ls] === 32) ls++;
    const next = nl + 1;
    if (le <= ls) return next;
    const c0 = buf[ls]!;
    // A header: the first line of an S3 file, or again where files were concatenated.
    if (c0 >= 97 && c0 <= 122) {
      let sp = buf.indexOf(32, ls);
      if (sp < 0 || sp > le) sp = le;
      if (KNOWN_FIELDS.has(buf.toString('latin1', ls, sp).replace(/_/g, '-'))) {
        const m = columnMap(buf.toString('latin1', ls, le), { allowUnknown: true });
        if (typeof m === 'string') this.sink.malformed(file, this.fileLine(), `header: ${m}`);
        else {
          if (m.unknown.length > 0) this.sink.malformed(file, this.fileLine(), unknownFieldsNote(m.unknown));
          // Rows read so far are described (evidence) with the map they were read with: hand them over first.
          if (batch.n > 0) {
            this.sink.flush(batch);
            batch.n = 0;
          }
          this.useMap(m);
          this.source.format = this.format;
        }
        return next;
      }
    }
    if (this.map === undefined) {
      if (this.fixed) this.useMap(this.fixed);
      else {
        const second = buf.toString('latin1', ls, Math.min(le, ls + 40)).split(' ')[1];
        this.useMap(columnMap((second === 'TransitGateway' ? AWS_TGW_DEFAULT : AWS_V2_DEFAULT).join(' ')) as ColumnMap);
      }
      this.source.format = this.format;
    }
    const r = batch.n;
    batch.clearRow(r);
    let err = parseAwsRecord(buf, ls, le, this.map!.ids, batch, r, this.interner);
    if (err !== 0) {
      // CloudWatch groups can mix VPC and TGW records ("6 TransitGateway …"): retry with the TGW default. (Under a
      // VPC layout such a line fails early, at an address column, before its field count is seen.)
      const second = buf.toString('latin1', ls, Math.min(le, ls + 40)).split(' ')[1];
      if (second === 'TransitGateway' && !this.map!.tgw) {
        this.tgwMap ??= columnMap(AWS_TGW_DEFAULT.join(' ')) as ColumnMap;
        batch.clearRow(r);
        err = parseAwsRecord(buf, ls, le, this.tgwMap.ids, batch, r, this.interner);
        batch.ctx[r] = 1;
      }
    }
    if (err !== 0) {
      this.sink.malformed(file, this.fileLine(), ERRORS[err]!);
      return next;
    }
    batch.line[r] = this.fileLine();
    batch.lineStart[r] = ls;
    batch.lineEnd[r] = le;
    this.records++;
    if (++batch.n === batch.capacity) {
      this.sink.flush(batch);
      batch.n = 0;
    }
    return next;
  }
}

export async function readAwsText(
  file: string,
  gzip: boolean,
  options: AwsTextOptions,
  batch: FlowBatch,
  sink: ReaderSink,
  interner: Interner,
): Promise<ReadSummary> {
  const reader = new AwsTextReader(file, options, batch, sink, interner);
  batch.source = reader.source;
  await streamLines(file, gzip, (buf, start, end) => reader.lines(buf, start, end));
  return { records: reader.records, format: reader.format, units: { records: reader.records } };
}
