/** Filling batch rows from parsed JSON values (the Azure, GCP readers): addresses from text. */
import { ipv4FromString, parseIPv6 } from '../ip.js';
import { DST_V6, SRC_V6, type FlowBatch, type FlowProvider, type RowDescription } from '../record.js';

/**
 * Points the batch at a JSON reader's source: rows keep their raw record text in batch.raw and their description in
 * the returned array (by row index), filled by the reader.
 */
export function startJsonBatch(
  file: string,
  format: string,
  provider: FlowProvider,
  batch: FlowBatch,
): RowDescription[] {
  const descs: RowDescription[] = [];
  batch.source = {
    file,
    format,
    provider,
    rawLine: (b, i) => b.raw[i] ?? '',
    describe: (_b, i) => descs[i]!,
    resource: (_b, i) => descs[i]!.resource,
  };
  batch.n = 0;
  batch.buf = undefined;
  return descs;
}

/** Stores an address in row r; false when the text is not an IP address. */
export function setAddress(b: FlowBatch, r: number, text: string | undefined, isSrc: boolean): boolean {
  if (text === undefined) return false;
  let v4 = ipv4FromString(text);
  if (v4 < 0) {
    const six = parseIPv6(text);
    if (six === undefined) return false;
    if (typeof six === 'string') {
      if (isSrc) {
        b.family[r]! |= SRC_V6;
        b.srcV6[r] = six;
      } else {
        b.family[r]! |= DST_V6;
        b.dstV6[r] = six;
      }
      return true;
    }
    v4 = six;
  }
  if (isSrc) b.src[r] = v4;
  else b.dst[r] = v4;
  return true;
}

export function portOf(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^\d{1,5}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 65535 ? n : undefined;
}

/** Epoch seconds from seconds, milliseconds or an RFC 3339 string. */
export function epochSeconds(v: string | number | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v === 'number' || /^\d+$/.test(v)) {
    const n = Number(v);
    return n > 1e11 ? n / 1000 : n;
  }
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}
