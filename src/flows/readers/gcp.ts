/**
 * GCP VPC Flow Logs as exported from Cloud Logging (JSON lines, or the JSON array `gcloud logging read --format=json`
 * prints). There is no allow/deny field: rows are "observed" (action unknown). VM-to-VM flows are reported by both
 * ends; the DEST report of a flow whose source is also a VM in a logged VPC is skipped so bytes count once.
 */
import type { FlowBatch, Interner } from '../record.js';
import { DIR_EGRESS, DIR_INGRESS } from '../record.js';
import { forEachJsonRecord, int, obj, str } from './json-docs.js';
import { epochSeconds, portOf, setAddress, startJsonBatch } from './rows.js';
import type { ReadSummary, ReaderSink } from './sink.js';

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
  await forEachJsonRecord(
    file,
    gzip,
    ({ value, text, line }) => {
      const entry = obj(value);
      const payload = obj(entry?.jsonPayload);
      const conn = obj(payload?.connection);
      if (!entry || !payload || !conn) {
        sink.malformed(file, line, 'not a VPC flow log entry (no jsonPayload.connection)');
        return;
      }
      const reporter = str(payload.reporter) ?? '';
      if (reporter === 'DEST' && obj(payload.src_instance) !== undefined && obj(payload.src_vpc) !== undefined) {
        duplicatesSkipped++;
        return;
      }
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
    },
    (line, message) => sink.malformed(file, line, message),
  );
  if (batch.n > 0) sink.flush(batch);
  batch.n = 0;
  // A DEST report of a flow whose source VM also reports it is skipped: bytes count once.
  return {
    records,
    format: 'gcp-vpc',
    units: { entries: records + duplicatesSkipped, deduplicatedReports: duplicatesSkipped },
  };
}
