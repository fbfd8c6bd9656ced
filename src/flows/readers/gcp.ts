/**
 * GCP VPC Flow Logs as exported from Cloud Logging (JSON lines, or the JSON array `gcloud logging read --format=json`
 * prints). There is no allow/deny field: rows are "observed" (action unknown). VM-to-VM flows are reported by both
 * ends when both subnets log; the DEST report is skipped so bytes count once, but only when the same file holds the
 * SRC report of the same connection. The src_instance/src_vpc annotations alone do not prove that: Google adds them
 * for any VM source, and flow logs are enabled per subnet, so a source subnet without flow logs (a sandbox, say)
 * would otherwise lose its only record of the flow. Nor does a SRC report of another connection from that subnet:
 * each end samples on its own (0.5 by default), so the source end may have left this flow out.
 */
import type { FlowBatch, Interner } from '../record.js';
import { DIR_EGRESS, DIR_INGRESS } from '../record.js';
import { forEachJsonRecord, int, obj, str } from './json-docs.js';
import { epochSeconds, portOf, setAddress, startJsonBatch } from './rows.js';
import type { ReadSummary, ReaderSink } from './sink.js';

/**
 * DEST reports held back per file until its logging subnetworks are known (by element ordinal and source subnet, a
 * few bytes each); beyond this they are kept as rows (counted twice, never dropped).
 */
export const MAX_DEFERRED_DEST_REPORTS = 4_000_000;

/** "project/subnetwork" of a vpc annotation ({project_id, subnetwork_name}) or of resource.labels. */
function subnetKey(v: Record<string, unknown> | undefined): string | undefined {
  const project = str(v?.project_id);
  const subnet = str(v?.subnetwork_name);
  return project !== undefined && subnet !== undefined ? `${project}/${subnet}` : undefined;
}

/**
 * A connection's 5-tuple as a 52-bit hash (two 26-bit FNV-1a halves): a few bytes per report where a string key would
 * cost tens; a collision could only skip one DEST report whose twin it is not, about once in 2^52 pairs.
 */
function connectionHash(conn: Record<string, unknown>): number {
  const key = `${str(conn.src_ip) ?? ''}|${str(conn.src_port) ?? ''}|${str(conn.dest_ip) ?? ''}|${str(conn.dest_port) ?? ''}|${str(conn.protocol) ?? ''}`;
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x5bd1e995) >>> 0;
  }
  return (a & 0x3ffffff) * 0x4000000 + (b & 0x3ffffff);
}

export async function readGcp(
  file: string,
  gzip: boolean,
  batch: FlowBatch,
  sink: ReaderSink,
  interner: Interner,
): Promise<ReadSummary> {
  const descs = startJsonBatch(file, 'gcp-vpc', 'gcp', batch);
  let records = 0;
  let duplicatesSkipped = 0;
  // Connections the source end reported in this file (as hashes), and the DEST reports waiting on them.
  const sourceReported = new Set<number>();
  const deferredOrdinals: number[] = [];
  const deferredConnections: number[] = [];

  const addRow = (entry: Record<string, unknown>, payload: Record<string, unknown>, text: string, line: number) => {
    const conn = obj(payload.connection)!;
    const reporter = str(payload.reporter) ?? '';
    if (batch.n === batch.capacity) {
      sink.flush(batch);
      batch.n = 0;
    }
    const r = batch.n;
    batch.clearRow(r);
    if (!setAddress(batch, r, str(conn.src_ip), true) || !setAddress(batch, r, str(conn.dest_ip), false)) {
      sink.malformed(file, line, 'connection.src_ip or dest_ip is not an IP address');
      return;
    }
    const proto = int(conn.protocol);
    const sport = conn.src_port === undefined ? -1 : portOf(str(conn.src_port));
    const dport = conn.dest_port === undefined ? -1 : portOf(str(conn.dest_port));
    const bytes = payload.bytes_sent === undefined ? 0 : int(payload.bytes_sent);
    const packets = payload.packets_sent === undefined ? 0 : int(payload.packets_sent);
    const start = epochSeconds(str(payload.start_time));
    const end = epochSeconds(str(payload.end_time)) ?? start;
    if (
      proto === undefined ||
      proto > 255 ||
      sport === undefined ||
      dport === undefined ||
      bytes === undefined ||
      packets === undefined
    ) {
      sink.malformed(file, line, 'bad protocol, port, bytes_sent or packets_sent');
      return;
    }
    batch.proto[r] = proto;
    batch.srcPort[r] = sport;
    batch.dstPort[r] = dport;
    batch.bytes[r] = bytes;
    batch.packets[r] = packets;
    batch.start[r] = start ?? -1;
    batch.end[r] = end ?? -1;
    batch.dir[r] = reporter.startsWith('SRC') ? DIR_EGRESS : reporter.startsWith('DEST') ? DIR_INGRESS : 0;
    const res = obj(entry.resource);
    const labels = obj(res?.labels) ?? {};
    const inst = obj(reporter.startsWith('DEST') ? payload.dest_instance : payload.src_instance);
    const resource = str(labels.subnetwork_name) ?? str(labels.subnetwork_id) ?? '';
    batch.iface[r] = interner.internString(str(inst?.vm_name) ?? resource);
    batch.line[r] = line;
    batch.raw[r] = text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
    descs[r] = {
      provider: 'gcp',
      account: str(labels.project_id) ?? '',
      region: str(labels.location) ?? '',
      resource: str(inst?.vm_name) ?? resource,
      resourceType: inst ? 'compute.googleapis.com/Instance' : 'compute.googleapis.com/Subnetwork',
    };
    batch.n++;
    records++;
  };

  let ordinal = -1;
  await forEachJsonRecord(
    file,
    gzip,
    ({ value, text, line }) => {
      ordinal++;
      const entry = obj(value);
      const payload = obj(entry?.jsonPayload);
      if (!entry || !payload || !obj(payload.connection)) {
        sink.malformed(file, line, 'not a VPC flow log entry (no jsonPayload.connection)');
        return;
      }
      const reporter = str(payload.reporter) ?? '';
      const connection = connectionHash(obj(payload.connection)!);
      if (reporter === 'SRC') sourceReported.add(connection);
      else if (
        reporter === 'DEST' &&
        obj(payload.src_instance) &&
        subnetKey(obj(payload.src_vpc)) !== undefined &&
        deferredOrdinals.length < MAX_DEFERRED_DEST_REPORTS
      ) {
        deferredOrdinals.push(ordinal);
        deferredConnections.push(connection);
        return;
      }
      addRow(entry, payload, text, line);
    },
    (line, message) => sink.malformed(file, line, message),
  );
  // The held DEST reports whose connection the source end did not report are the only record of their flow: a second
  // pass reads them (only when there are such reports; the usual case, both ends logging, reads the file once).
  const keep = new Set<number>();
  for (let k = 0; k < deferredOrdinals.length; k++) {
    if (sourceReported.has(deferredConnections[k]!)) duplicatesSkipped++;
    else keep.add(deferredOrdinals[k]!);
  }
  if (keep.size > 0) {
    ordinal = -1;
    await forEachJsonRecord(
      file,
      gzip,
      ({ value, text, line }) => {
        if (!keep.has(++ordinal)) return;
        const entry = obj(value)!;
        addRow(entry, obj(entry.jsonPayload)!, text, line);
      },
      () => undefined,
    );
  }
  if (batch.n > 0) sink.flush(batch);
  batch.n = 0;
  return {
    records,
    format: 'gcp-vpc',
    units: { entries: records + duplicatesSkipped, deduplicatedReports: duplicatesSkipped },
  };
}
