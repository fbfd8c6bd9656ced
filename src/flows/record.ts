/**
 * The normalised flow record, stored column-wise in fixed-capacity typed arrays. Readers fill a batch, the zone
 * classifier fills srcZone/dstZone, rules read it, and the batch is reused: memory does not grow with the input.
 * Strings are made only for evidence, from the raw line (rawLine) when an alert needs it.
 */

export const ACTION_UNKNOWN = 0;
export const ACTION_ACCEPT = 1;
export const ACTION_REJECT = 2;

export const STATUS_OK = 0;
export const STATUS_NODATA = 1;
export const STATUS_SKIPDATA = 2;

export const DIR_UNKNOWN = 0;
export const DIR_INGRESS = 1;
export const DIR_EGRESS = 2;

/** Bits of `family`: the address is IPv6 (kept as text in srcV6/dstV6). */
export const SRC_V6 = 1;
export const DST_V6 = 2;

/** traffic-path 7 (gateway endpoint) and 2 with an S3/DynamoDB destination: AWS network, public addresses. */
export const SVC_NONE = 0;
export const SVC_GATEWAY_ENDPOINT = 1;

export type FlowProvider = 'aws' | 'azure' | 'gcp';

export interface RowDescription {
  provider: FlowProvider;
  account: string;
  region: string;
  /** The logging resource: ENI, TGW attachment, NSG, VNet flow log, GCP subnetwork. */
  resource: string;
  resourceType: string;
}

export interface BatchSource {
  file: string;
  format: string;
  provider: FlowProvider;
  /** The raw text of row i, for evidence. Valid only while the batch is being processed. */
  rawLine(batch: FlowBatch, i: number): string;
  describe(batch: FlowBatch, i: number): RowDescription;
  /** describe(batch, i).resource, without building the description (called for every alert hit). */
  resource(batch: FlowBatch, i: number): string;
}

export const BATCH_CAPACITY = 16_384;

export class FlowBatch {
  n = 0;
  readonly capacity: number;
  source!: BatchSource;
  family: Uint8Array;
  src: Uint32Array;
  dst: Uint32Array;
  srcV6: (string | undefined)[];
  dstV6: (string | undefined)[];
  srcPort: Int32Array;
  dstPort: Int32Array;
  proto: Int16Array;
  packets: Float64Array;
  bytes: Float64Array;
  /** Seconds since the epoch (milliseconds in the input are divided), -1 unknown. */
  start: Float64Array;
  end: Float64Array;
  action: Uint8Array;
  status: Uint8Array;
  dir: Uint8Array;
  trafficPath: Int8Array;
  service: Uint8Array;
  /** 1 when the row is the reply direction of a connection as the format itself says (Azure "received" counters). */
  reply: Uint8Array;
  /** Interned id of the logging interface (see Interner), -1 unknown. */
  iface: Int32Array;
  line: Float64Array;
  /** For readers of text: where row i is in `buf`. */
  buf: Buffer | undefined;
  lineStart: Int32Array;
  lineEnd: Int32Array;
  /** For readers of JSON: the raw record of row i. */
  raw: string[];
  /** Reader-specific per-row context (e.g. index of the JSON document a tuple came from). */
  ctx: Int32Array;
  srcZone: Uint8Array;
  dstZone: Uint8Array;

  constructor(capacity = BATCH_CAPACITY) {
    this.capacity = capacity;
    this.family = new Uint8Array(capacity);
    this.src = new Uint32Array(capacity);
    this.dst = new Uint32Array(capacity);
    this.srcV6 = new Array<string | undefined>(capacity);
    this.dstV6 = new Array<string | undefined>(capacity);
    this.srcPort = new Int32Array(capacity);
    this.dstPort = new Int32Array(capacity);
    this.proto = new Int16Array(capacity);
    this.packets = new Float64Array(capacity);
    this.bytes = new Float64Array(capacity);
    this.start = new Float64Array(capacity);
    this.end = new Float64Array(capacity);
    this.action = new Uint8Array(capacity);
    this.status = new Uint8Array(capacity);
    this.dir = new Uint8Array(capacity);
    this.trafficPath = new Int8Array(capacity);
    this.service = new Uint8Array(capacity);
    this.reply = new Uint8Array(capacity);
    this.iface = new Int32Array(capacity);
    this.line = new Float64Array(capacity);
    this.buf = undefined;
    this.lineStart = new Int32Array(capacity);
    this.lineEnd = new Int32Array(capacity);
    this.raw = [];
    this.ctx = new Int32Array(capacity);
    this.srcZone = new Uint8Array(capacity);
    this.dstZone = new Uint8Array(capacity);
  }

  /** Resets row i to "unknown" everywhere; readers then set what their format has. */
  clearRow(i: number): void {
    this.family[i] = 0;
    this.src[i] = 0;
    this.dst[i] = 0;
    this.srcPort[i] = -1;
    this.dstPort[i] = -1;
    this.proto[i] = -1;
    this.packets[i] = 0;
    this.bytes[i] = 0;
    this.start[i] = -1;
    this.end[i] = -1;
    this.action[i] = ACTION_UNKNOWN;
    this.status[i] = STATUS_OK;
    this.dir[i] = DIR_UNKNOWN;
    this.trafficPath[i] = -1;
    this.service[i] = SVC_NONE;
    this.reply[i] = 0;
    this.iface[i] = -1;
    this.ctx[i] = 0;
  }
}

/**
 * Interns identifiers (ENI ids, NSG ids) to small integers without making a string per record: two independent
 * 32-bit hashes of the bytes identify an id, the string is made once per distinct id. A collision of both hashes
 * would merge two interfaces in the gap report only; at 62 bits it is negligible below millions of ids.
 */
interface InternEntry {
  h: number;
  id: number;
  next: InternEntry | undefined;
}

export class Interner {
  // Keyed by 30 bits of the first hash (a small integer, so lookups allocate nothing); the second hash and the
  // remaining bits tell entries with the same key apart.
  private readonly ids = new Map<number, InternEntry>();
  readonly names: string[] = [];

  internBytes(buf: Buffer, s: number, e: number): number {
    // Four bytes per step: the multiply chain is a quarter as long as byte-at-a-time hashing (ids are ~21 bytes).
    let h1 = 0x811c9dc5 ^ (e - s);
    let h2 = 0x01000193;
    let i = s;
    for (; i + 4 <= e; i += 4) {
      const w = buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24);
      h1 = Math.imul(h1 ^ w, 0x01000193);
      h2 = Math.imul(h2 + w, 0x5bd1e995) ^ (h2 >>> 15);
    }
    for (; i < e; i++) {
      const c = buf[i]!;
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 + c, 0x5bd1e995) ^ (h2 >>> 15);
    }
    h1 ^= h1 >>> 16;
    const key = h1 & 0x3fffffff;
    const check = (h2 ^ (h1 >>> 30)) | 0;
    const first = this.ids.get(key);
    for (let entry = first; entry !== undefined; entry = entry.next) if (entry.h === check) return entry.id;
    const id = this.names.length;
    this.names.push(buf.toString('latin1', s, e));
    this.ids.set(key, { h: check, id, next: first });
    return id;
  }

  internString(text: string): number {
    return this.internBytes(Buffer.from(text, 'latin1'), 0, text.length);
  }
}
