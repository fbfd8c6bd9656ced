/** What readers feed: full batches of flow rows, DNS queries, and located problems with the input. */
import type { FlowBatch } from '../record.js';

export interface DnsQuery {
  file: string;
  line: number;
  /** Seconds since the epoch. */
  time: number;
  srcaddr: string;
  /** Lower case, without the trailing dot. */
  name: string;
  type: string;
  rcode: string;
  /** Addresses in A/AAAA answers. */
  answers: string[];
  account: string;
  region: string;
  vpcId: string;
  /** The record's text, for evidence. */
  raw: string;
}

/**
 * What a reader read from a file. `records` is the rows the rules saw; `units` says what was counted in the input's
 * own terms (AWS records, Azure tuples and the directions they became, GCP entries and the DEST duplicates skipped,
 * DNS queries), so the numbers reconcile with the input.
 */
export interface ReadSummary {
  records: number;
  format: string;
  units: Record<string, number>;
}

export interface ReaderSink {
  /** Called with a full (or final) batch; the batch is reused after the call returns. */
  flush(batch: FlowBatch): void;
  dns(query: DnsQuery): void;
  malformed(file: string, line: number, message: string): void;
}
