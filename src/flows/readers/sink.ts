/** What readers feed: full batches of flow rows, DNS queries, and located problems with the input. */
import type { FlowBatch, FlowProvider } from '../record.js';

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
  provider: FlowProvider;
  /** AWS account, Azure subscription or GCP project. */
  account: string;
  region: string;
  /** The network the query came from: a VPC id, a virtual network's id, a GCP VPC network; '' when not logged. */
  network: string;
  /** Its resource type (AWS::EC2::VPC, Microsoft.Network/virtualNetworks, compute.googleapis.com/Network). */
  networkType: string;
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
