/**
 * The fast path of the AWS text reader, compiled per column layout. A generic loop that dispatches on each column's
 * kind costs about a third of the parse time; a function generated for the file's exact layout (straight-line code,
 * one block per column) does not. This is the technique ajv and fast-json-stringify use for schemas.
 *
 * A generated parser clears row r itself (only what its layout may leave unset) and takes the record starting at p
 * (a non-space byte). It accepts only the common case: fields
 * separated by single spaces, numbers as digits or "-", addresses as dotted IPv4 or "-", and "\n" right after the
 * last field. Fields end at the first byte <= 32, so neither the line's end nor a bounds check per byte is needed
 * (every chunk ends with "\n"). It returns the position of that "\n", or -1 for anything else (IPv6, a trailing "\r"
 * or space, a wrong field count, junk): the caller then parses the line with parseAwsRecord, whose result defines
 * the semantics. A property test checks both agree on every line the fast path accepts.
 */
import {
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
} from './aws-fields.js';
import {
  ACTION_ACCEPT,
  ACTION_REJECT,
  DIR_EGRESS,
  DIR_INGRESS,
  STATUS_NODATA,
  STATUS_OK,
  STATUS_SKIPDATA,
  SVC_GATEWAY_ENDPOINT,
  type FlowBatch,
  type Interner,
} from '../record.js';

export type FastParser = (buf: Buffer, p: number, b: FlowBatch, r: number, interner: Interner) => number;

/** Digits or "-" (-1) into v; an empty field fails. (Written so that reading past the buffer, undefined, stops.) */
const NUMBER = `v = 0;
    if (ch === 45) { v = -1; ch = buf[++p]; }
    else { for (;;) { const d = ch - 48; if ((d >>> 0) > 9) break; v = v * 10 + d; ch = buf[++p] | 0; } }`;

/** Dotted IPv4 into v4, or "-" (dash = true); anything else fails. */
const ADDRESS = `dash = ch === 45;
    if (dash) ch = buf[++p];
    else {
      let value = 0, part = 0, digits = 0, dots = 0;
      for (;;) {
        const d = ch - 48;
        if (d >= 0 && d <= 9) { part = part * 10 + d; digits++; }
        else if (ch === 46 && digits > 0 && digits <= 3 && part <= 255) { value = value * 256 + part; part = 0; digits = 0; dots++; }
        else break;
        ch = buf[++p];
      }
      if (dots !== 3 || digits === 0 || digits > 3 || part > 255) return -1;
      v4 = value * 256 + part;
    }`;

const SCAN = 'while (ch > 32) ch = buf[++p];';

/** The code of one column: reads the field at p (first byte in ch) and stores what the record keeps. */
function columnCode(id: number): string {
  switch (id) {
    case F_SKIP:
      return SCAN;
    case F_SRCPORT:
      return `${NUMBER}\n    if (v > 65535) return -1; b.srcPort[r] = v;`;
    case F_DSTPORT:
      return `${NUMBER}\n    if (v > 65535) return -1; b.dstPort[r] = v;`;
    case F_PROTO:
      return `${NUMBER}\n    b.proto[r] = v > 255 ? -1 : v;`;
    case F_PACKETS:
      return `${NUMBER}\n    b.packets[r] = v < 0 ? 0 : v;`;
    case F_BYTES:
      return `${NUMBER}\n    b.bytes[r] = v < 0 ? 0 : v;`;
    // Millisecond timestamps appear in some deliveries: anything past year 5138 in seconds is milliseconds.
    case F_START:
      return `${NUMBER}\n    b.start[r] = v > 1e11 ? v / 1000 : v;`;
    case F_END:
      return `${NUMBER}\n    b.end[r] = v > 1e11 ? v / 1000 : v;`;
    case F_PATH:
      return `${NUMBER}\n    pathVal = v > 127 ? -1 : v; b.trafficPath[r] = pathVal;`;
    // pkt-srcaddr/pkt-dstaddr (the original packet addresses) win over srcaddr/dstaddr whatever the column order;
    // a "-" falls back to the plain address.
    case F_SRC:
      return `${ADDRESS}\n    if (!dash && !srcFromPkt) { b.src[r] = v4; haveSrc = true; }`;
    case F_DST:
      return `${ADDRESS}\n    if (!dash && !dstFromPkt) { b.dst[r] = v4; haveDst = true; }`;
    case F_PKTSRC:
      return `${ADDRESS}\n    if (!dash) { b.src[r] = v4; haveSrc = true; srcFromPkt = true; }`;
    case F_PKTDST:
      return `${ADDRESS}\n    if (!dash) { b.dst[r] = v4; haveDst = true; dstFromPkt = true; }`;
    case F_ACTION:
      return `${SCAN}
    if (p - ts === 6 && buf[ts] === 65) b.action[r] = ${ACTION_ACCEPT};
    else if (p - ts === 6 && buf[ts] === 82) b.action[r] = ${ACTION_REJECT};
    else if (!(p - ts === 1 && buf[ts] === 45)) return -1;`;
    case F_STATUS:
      return `${SCAN}
    if (p - ts === 2 && buf[ts] === 79) b.status[r] = ${STATUS_OK};
    else if (p - ts === 6 && buf[ts] === 78) b.status[r] = ${STATUS_NODATA};
    else if (p - ts === 8 && buf[ts] === 83) b.status[r] = ${STATUS_SKIPDATA};
    else if (!(p - ts === 1 && buf[ts] === 45)) return -1;`;
    case F_DIR:
      return `${SCAN}
    if (buf[ts] === 105) b.dir[r] = ${DIR_INGRESS};
    else if (buf[ts] === 101) b.dir[r] = ${DIR_EGRESS};`;
    case F_DSTSVC:
      return `${SCAN}
    s3 = (p - ts === 2 && buf[ts] === 83 && buf[ts + 1] === 51) || (p - ts === 8 && buf[ts] === 68 && buf[ts + 1] === 89);`;
    case F_IFACE:
      return `${SCAN}
    if (!(p - ts === 1 && buf[ts] === 45)) b.iface[r] = interner.internBytes(buf, ts, p);`;
    default:
      throw new Error(`no fast-path code for column kind ${id}`);
  }
}

/** The source of the parser for a column layout (exported for tests and for reading what runs). */
export function fastParserSource(cols: Uint8Array): string {
  const last = cols.length - 1;
  const blocks = [...cols].map((id, c) => {
    // An empty field, a tab or "\r", or a missing or extra field: the slow path says which.
    const next = c < last ? 'if (ch !== 32) return -1;\n    ch = buf[++p];' : 'if (ch !== 10) return -1;';
    return `  // column ${c}\n  ts = p;\n  {\n    ${columnCode(id)}\n  }\n  if (p === ts) return -1;\n  ${next.replace('\n', '\n  ')}`;
  });
  // The row starts as FlowBatch.clearRow leaves it, but only columns this layout may leave unset are written.
  const always = new Set([F_SRCPORT, F_DSTPORT, F_PROTO, F_PACKETS, F_BYTES, F_START, F_END, F_PATH]);
  const present = new Set(cols);
  const clear = [
    'b.family[r] = 0; b.src[r] = 0; b.dst[r] = 0; b.action[r] = 0; b.status[r] = 0; b.dir[r] = 0;',
    'b.service[r] = 0; b.reply[r] = 0; b.iface[r] = -1; b.ctx[r] = 0;',
    ...[...always].filter((id) => !present.has(id)).map((id) => `b.${CLEARED[id]![0]}[r] = ${CLEARED[id]![1]};`),
  ].join(' ');
  return `"use strict";
  ${clear}
  let ch = buf[p], ts = p, v = 0, v4 = 0, dash = false;
  let haveSrc = false, haveDst = false, srcFromPkt = false, dstFromPkt = false, pathVal = -1, s3 = false;
${blocks.join('\n')}
  if (b.status[r] === ${STATUS_OK} && (!haveSrc || !haveDst)) return -1;
  // Gateway endpoints (path 7), or the IGW/gateway path to S3 or DynamoDB: public AWS addresses, not the internet.
  if (pathVal === 7 || (pathVal === 2 && s3)) b.service[r] = ${SVC_GATEWAY_ENDPOINT};
  return p;`;
}

/** Numeric columns and the value clearRow gives them when the layout lacks the field. */
const CLEARED: Record<number, [string, number]> = {
  [F_SRCPORT]: ['srcPort', -1],
  [F_DSTPORT]: ['dstPort', -1],
  [F_PROTO]: ['proto', -1],
  [F_PACKETS]: ['packets', 0],
  [F_BYTES]: ['bytes', 0],
  [F_START]: ['start', -1],
  [F_END]: ['end', -1],
  [F_PATH]: ['trafficPath', -1],
};

const compiled = new Map<string, FastParser>();

/** The parser for a layout; one function per distinct layout, so files of the same layout share its optimised code. */
export function fastParser(cols: Uint8Array): FastParser {
  const key = cols.join(',');
  let f = compiled.get(key);
  if (f === undefined) {
    // The source is built only from the fixed templates above and column kinds (small integers), never from input.
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    f = new Function('buf', 'p', 'b', 'r', 'interner', fastParserSource(cols)) as FastParser;
    compiled.set(key, f);
  }
  return f;
}
