/**
 * GCP VPC Flow Logs as exported from Cloud Logging (JSON lines, or the JSON array `gcloud logging read --format=json`
 * prints). There is no allow/deny field: rows are "observed" (action unknown). VM-to-VM flows are reported by both
 * ends when both subnets log; the DEST report is skipped so bytes count once, but only when the same file holds a
 * report from the source's subnetwork. The src_instance/src_vpc annotations alone do not prove that: Google adds them
 * for any VM source, and flow logs are enabled per subnet, so a source subnet without flow logs (a sandbox, say)
 * would otherwise lose its only record of the flow.
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
  // Subnetworks that reported a flow in this file (they have flow logs), and the DEST reports waiting on them.
  const loggingSubnets = new Set<string>();
  const deferredOrdinals: number[] = [];
  const deferredSubnets: number[] = [];
  const subnetIds = new Map<string, number>();
  const subnetNames: string[] = [];

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
      const own = reporter === 'SRC' ? payload.src_vpc : reporter === 'DEST' ? payload.dest_vpc : undefined;
      for (const k of [subnetKey(obj(obj(entry.resource)?.labels)), subnetKey(obj(own))])
        if (k !== undefined) loggingSubnets.add(k);
      const sourceSubnet =
        reporter === 'DEST' && obj(payload.src_instance) ? subnetKey(obj(payload.src_vpc)) : undefined;
      if (sourceSubnet !== undefined && deferredOrdinals.length < MAX_DEFERRED_DEST_REPORTS) {
        let id = subnetIds.get(sourceSubnet);
        if (id === undefined) subnetIds.set(sourceSubnet, (id = subnetNames.push(sourceSubnet) - 1));
        deferredOrdinals.push(ordinal);
        deferredSubnets.push(id);
        return;
      }
      addRow(entry, payload, text, line);
    },
    (line, message) => sink.malformed(file, line, message),
  );
  // The held DEST reports whose source subnetwork reported nothing are the only record of their flow: a second pass
  // reads them (only when there are such reports; the usual case, both ends logging, reads the file once).
  const keep = new Set<number>();
  for (let k = 0; k < deferredOrdinals.length; k++) {
    if (loggingSubnets.has(subnetNames[deferredSubnets[k]!]!)) duplicatesSkipped++;
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
