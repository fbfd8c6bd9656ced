/**
 * Azure NSG flow logs (version 1 and 2) and VNet flow logs (flowLogVersion 4). Each flowTuple becomes one row in the
 * src→dst direction with the "sent" counters, plus a reverse row with the "received" counters when there are any, so
 * every row means "bytes from src to dst" as in AWS. NSG decision A/D and VNet state D give accept/reject.
 */
import {
  ACTION_ACCEPT,
  ACTION_REJECT,
  DIR_EGRESS,
  DIR_INGRESS,
  type FlowBatch,
  type Interner,
  type RowDescription,
} from '../record.js';
import { forEachJsonRecord, obj, str } from './json-docs.js';
import { epochSeconds, portOf, setAddress, startJsonBatch } from './rows.js';
import type { ReadSummary, ReaderSink } from './sink.js';

const SUBSCRIPTION = /\/subscriptions\/([^/]+)/i;
const WATCHER_REGION = /NETWORKWATCHER_([A-Z0-9]+)/i;

interface TupleContext {
  kind: 'nsg' | 'vnet';
  version: number;
  rule: string;
  mac: string;
  desc: RowDescription;
}

export async function readAzure(
  file: string,
  gzip: boolean,
  batch: FlowBatch,
  sink: ReaderSink,
  interner: Interner,
): Promise<ReadSummary> {
  const descs = startJsonBatch(file, 'azure', 'azure', batch);
  let records = 0;
  let tuples = 0;
  let sawNsg = false;
  let sawVnet = false;
  const flush = () => {
    if (batch.n > 0) sink.flush(batch);
    batch.n = 0;
  };

  const addTuple = (tuple: string, line: number, t: TupleContext): string | undefined => {
    const f = tuple.split(',');
    const want = t.kind === 'vnet' ? 13 : t.version >= 2 ? 13 : 8;
    if (f.length !== want) return `flowTuple has ${f.length} fields, expected ${want}: ${tuple}`;
    const time = epochSeconds(f[0]);
    if (time === undefined) return `bad timestamp in flowTuple ${tuple}`;
    const sport = portOf(f[3]);
    const dport = portOf(f[4]);
    if (sport === undefined || dport === undefined) return `bad port in flowTuple ${tuple}`;
    let proto: number;
    if (t.kind === 'nsg') proto = f[5] === 'T' ? 6 : f[5] === 'U' ? 17 : -2;
    else proto = /^\d{1,3}$/.test(f[5]!) ? Number(f[5]) : -2;
    if (proto === -2) return `bad protocol in flowTuple ${tuple}`;
    const dir = f[6] === 'I' ? DIR_INGRESS : f[6] === 'O' ? DIR_EGRESS : -1;
    if (dir < 0) return `bad direction in flowTuple ${tuple}`;
    let action: number;
    if (t.kind === 'nsg') action = f[7] === 'A' ? ACTION_ACCEPT : f[7] === 'D' ? ACTION_REJECT : -1;
    else action = f[7] === 'D' ? ACTION_REJECT : /^[BCE]$/.test(f[7]!) ? ACTION_ACCEPT : -1;
    if (action < 0) return `bad decision/state in flowTuple ${tuple}`;
    const counters = want === 13 ? (t.kind === 'vnet' ? f.slice(9, 13) : f.slice(9, 13)) : [];
    const nums = counters.map((c) => (c === '' ? 0 : /^\d+$/.test(c) ? Number(c) : NaN));
    if (nums.some(Number.isNaN)) return `bad counter in flowTuple ${tuple}`;
    const [pktOut = 0, bytesOut = 0, pktIn = 0, bytesIn = 0] = nums;
    const iface = interner.internString(t.mac || t.desc.resource);
    const raw = `${tuple} (${t.kind === 'nsg' ? 'NSG' : 'VNet'} rule ${t.rule}${t.mac ? `, MAC ${t.mac}` : ''})`;
    const put = (reverse: boolean): boolean => {
      if (batch.n === batch.capacity) flush();
      const r = batch.n;
      batch.clearRow(r);
      if (!setAddress(batch, r, reverse ? f[2] : f[1], true) || !setAddress(batch, r, reverse ? f[1] : f[2], false))
        return false;
      batch.srcPort[r] = reverse ? dport : sport;
      batch.dstPort[r] = reverse ? sport : dport;
      batch.proto[r] = proto;
      batch.packets[r] = reverse ? pktIn : pktOut;
      batch.bytes[r] = reverse ? bytesIn : bytesOut;
      batch.start[r] = time;
      batch.end[r] = time;
      batch.action[r] = action;
      batch.dir[r] = reverse ? (dir === DIR_INGRESS ? DIR_EGRESS : DIR_INGRESS) : dir;
      batch.iface[r] = iface;
      batch.line[r] = line;
      batch.reply[r] = reverse ? 1 : 0;
      batch.raw[r] = reverse ? `${raw} [received direction]` : raw;
      descs[r] = t.desc;
      batch.n++;
      records++;
      return true;
    };
    if (!put(false)) return `bad IP address in flowTuple ${tuple}`;
    tuples++;
    if (bytesIn > 0 || pktIn > 0) put(true);
    return undefined;
  };

  await forEachJsonRecord(
    file,
    gzip,
    ({ value, text, line }) => {
      const record = obj(value);
      // A JSON-lines file may carry whole {"records": […]} documents per line.
      const list = record && Array.isArray(record.records) ? (record.records as unknown[]) : [value];
      for (const item of list) {
        const rec = obj(item);
        if (!rec) {
          sink.malformed(file, line, 'record is not a JSON object');
          continue;
        }
        const resourceId = str(rec.resourceId) ?? str(rec.flowLogResourceID) ?? str(rec.targetResourceID) ?? '';
        const desc: RowDescription = {
          provider: 'azure',
          account: SUBSCRIPTION.exec(resourceId)?.[1]?.toLowerCase() ?? '',
          region: WATCHER_REGION.exec(str(rec.flowLogResourceID) ?? '')?.[1]?.toLowerCase() ?? '',
          resource: str(rec.targetResourceID) ?? resourceId,
          resourceType:
            rec.flowRecords !== undefined ? 'Microsoft.Network/flowLogs' : 'Microsoft.Network/networkSecurityGroups',
        };
        const tuples: { tuple: string; ctx: TupleContext }[] = [];
        const props = obj(rec.properties);
        const flowRecords = obj(rec.flowRecords);
        if (props && Array.isArray(props.flows)) {
          sawNsg = true;
          const version = typeof props.Version === 'number' ? props.Version : 2;
          for (const ruleFlow of props.flows as unknown[]) {
            const rf = obj(ruleFlow);
            for (const inner of Array.isArray(rf?.flows) ? (rf.flows as unknown[]) : []) {
              const fl = obj(inner);
              for (const tuple of Array.isArray(fl?.flowTuples) ? (fl.flowTuples as unknown[]) : []) {
                if (typeof tuple === 'string')
                  tuples.push({
                    tuple,
                    ctx: { kind: 'nsg', version, rule: str(rf!.rule) ?? '?', mac: str(fl!.mac) ?? '', desc },
                  });
              }
            }
          }
        } else if (flowRecords && Array.isArray(flowRecords.flows)) {
          sawVnet = true;
          const mac = str(rec.macAddress) ?? '';
          for (const aclFlow of flowRecords.flows as unknown[]) {
            const af = obj(aclFlow);
            for (const group of Array.isArray(af?.flowGroups) ? (af.flowGroups as unknown[]) : []) {
              const g = obj(group);
              for (const tuple of Array.isArray(g?.flowTuples) ? (g.flowTuples as unknown[]) : []) {
                if (typeof tuple === 'string')
                  tuples.push({ tuple, ctx: { kind: 'vnet', version: 4, rule: str(g!.rule) ?? '?', mac, desc } });
              }
            }
          }
        } else {
          sink.malformed(file, line, 'record has neither properties.flows (NSG) nor flowRecords.flows (VNet)');
          continue;
        }
        // Line of each tuple inside a pretty-printed record, for evidence.
        let pos = 0;
        let tupleLine = line;
        for (const { tuple, ctx } of tuples) {
          const at = text.indexOf(tuple, pos);
          if (at >= 0) {
            for (let i = pos; i < at; i++) if (text.charCodeAt(i) === 10) tupleLine++;
            pos = at;
          }
          const err = addTuple(tuple, tupleLine, ctx);
          if (err) sink.malformed(file, tupleLine, err);
        }
      }
    },
    (line, message) => sink.malformed(file, line, message),
  );
  flush();
  return {
    records,
    format: sawVnet && !sawNsg ? 'azure-vnet' : sawNsg && !sawVnet ? 'azure-nsg' : 'azure',
    // A tuple with received counters is two rows (one per direction); the second only counts in the matrix.
    units: { tuples, directions: records },
  };
}
