/**
 * Large transfers leaving a zone: one flow record of more than flows.large_transfer.flow_bytes (seed 000: 100 MiB) to
 * a destination the policy does not approve,
 * and the sum from one source in a data, inference or sandbox zone to one non-private destination within a tumbling
 * window (default 1 GiB in 8 h).
 *
 * State: a map of (window, source, destination) → bytes, at most max_pairs keys. Windows older than the newest seen
 * minus one are dropped (logs arrive roughly in time order; a late record opens a fresh sum). New pairs beyond the
 * bound are counted as untracked and reported, never silently dropped.
 */
import { dstText, flowTextOf, rowFacts, srcText, type AlertText, type FlowFacts, type RuleMeta } from '../alerts.js';
import type { FlowContext } from '../context.js';
import { ACTION_REJECT, DST_V6, SRC_V6, STATUS_OK, type FlowBatch } from '../record.js';
import { FLOWS_DOC, type FlowRuleModule } from './types.js';

export const LARGE_FLOW: RuleMeta = {
  id: 'flow-large-transfer',
  title: 'Single flow moved a large amount of data out of its zone',
  severity: 'medium',
  service: 'flows',
  rationale:
    'A model (a 7B model in fp16 is about 14 GB) or a data set leaves in large flows; seed 000 alerts at 100 MB per flow.',
  remediation: {
    text: 'Check what the source sent; if it is not an expected backup or sync, block the destination and rotate credentials used by the source.',
  },
  references: [FLOWS_DOC],
};

export const LARGE_PAIR: RuleMeta = {
  id: 'flow-large-transfer-window',
  title: 'One source sent a large total to one destination within the window',
  severity: 'high',
  service: 'flows',
  rationale:
    'Exfiltration is often split into many moderate flows; the per-pair sum over a window catches it (Elastic hunt: 1 GiB in 8 hours).',
  remediation: { text: 'Confirm the transfer is expected; otherwise isolate the source and block the destination.' },
  references: [FLOWS_DOC],
};

interface PairState {
  bytes: number;
  alerted: boolean;
}

export function largeTransfer(): FlowRuleModule {
  // window → src → dst → state (IPv4 as numbers: no string per record); IPv6 pairs keyed by text.
  const windows = new Map<number, Map<number | string, Map<number | string, PairState>>>();
  let keys = 0;
  let untracked = 0;
  let newestWindow = -Infinity;
  const drop = (w: number) => {
    const m = windows.get(w);
    if (!m) return;
    for (const inner of m.values()) keys -= inner.size;
    windows.delete(w);
  };
  return {
    meta: [LARGE_FLOW, LARGE_PAIR],
    untracked: () => untracked,
    onBatch(b: FlowBatch, ctx: FlowContext): void {
      const lt = ctx.settings.large_transfer;
      const windowSec = lt.window_minutes * 60;
      for (let i = 0; i < b.n; i++) {
        const sz = b.srcZone[i]!;
        if (sz === b.dstZone[i] || b.status[i] !== STATUS_OK || b.reply[i] === 1 || b.action[i] === ACTION_REJECT)
          continue;
        const bytes = b.bytes[i]!;
        if (bytes <= 0) continue;
        // Seed 000: more than the threshold (`>`), to a destination the policy does not approve (an allowed call, or
        // the reply of one, is the traffic the policy asked for). Reported outside the loop: a closure over loop
        // variables would allocate a context for every row.
        if (bytes > lt.flow_bytes && !approved(b, i, ctx)) reportFlow(b, i, ctx, sz, bytes);
        // The windowed sum watches exfiltration: sources in data, inference or sandbox zones to destinations outside
        // the private space (keeping every pair of a busy VPC would cost memory for no finding).
        // Gateway-endpoint destinations (S3, DynamoDB) count too: a bucket outside the organisation is reachable there.
        const dz = b.dstZone[i]!;
        if (
          (dz !== ctx.zones.internet && dz !== ctx.zones.gateway) ||
          (ctx.isData[sz] !== 1 && ctx.isInference[sz] !== 1 && ctx.isSandbox[sz] !== 1)
        )
          continue;
        const t = b.end[i]! >= 0 ? b.end[i]! : b.start[i]!;
        const w = t >= 0 ? Math.floor(t / windowSec) : -1;
        if (w > newestWindow) {
          newestWindow = w;
          for (const old of [...windows.keys()]) if (old < w - 1) drop(old);
        }
        let bySrc = windows.get(w);
        if (!bySrc) windows.set(w, (bySrc = new Map<number | string, Map<number | string, PairState>>()));
        // IPv4 keys as int32 (a bijection of the uint32): small integers, so Map lookups box nothing.
        const sk = b.family[i]! & SRC_V6 ? b.srcV6[i]! : b.src[i]! | 0;
        const dk = b.family[i]! & DST_V6 ? b.dstV6[i]! : b.dst[i]! | 0;
        let byDst = bySrc.get(sk);
        if (!byDst) bySrc.set(sk, (byDst = new Map<number | string, PairState>()));
        let st = byDst.get(dk);
        if (!st) {
          if (keys >= lt.max_pairs) {
            untracked++;
            continue;
          }
          keys++;
          byDst.set(dk, (st = { bytes: 0, alerted: false }));
        }
        st.bytes += bytes;
        if (!st.alerted && st.bytes >= lt.pair_bytes) {
          st.alerted = true;
          reportPair(b, i, ctx, sz, w, st.bytes);
        }
      }
    },
  };
}

/** The policy allows the row's direction, or it is the reply of a connection the policy allows. */
function approved(b: FlowBatch, i: number, ctx: FlowContext): boolean {
  return (
    ctx.isAllowedId(ctx.decisionId(b.srcZone[i]!, b.dstZone[i]!, b.proto[i]!, b.dstPort[i]!)) ||
    ctx.isReplyToAllowed(b, i)
  );
}

function reportFlow(b: FlowBatch, i: number, ctx: FlowContext, sz: number, bytes: number): void {
  const lt = ctx.settings.large_transfer;
  ctx.alerts.hitRow(
    LARGE_FLOW,
    ctx.isData[sz] === 1 ? 'high' : 'medium',
    `${srcText(b, i)}>${dstText(b, i)}`,
    b,
    i,
    () => largeFlowText(rowFacts(b, i, ctx.zones.names), bytes, lt.flow_bytes),
  );
}

function reportPair(b: FlowBatch, i: number, ctx: FlowContext, sz: number, w: number, total: number): void {
  const lt = ctx.settings.large_transfer;
  const a = ctx.alerts.hitRow(
    LARGE_PAIR,
    ctx.isData[sz] === 1 || ctx.isInference[sz] === 1 ? 'high' : 'medium',
    `${w}|${srcText(b, i)}>${dstText(b, i)}`,
    b,
    i,
    () => largePairText(rowFacts(b, i, ctx.zones.names), total, w, lt.window_minutes, lt.pair_bytes),
  );
  // The alert's byte count is the window total at the crossing, not just this record.
  if (a) a.bytes = total;
}

/** Message and evidence of a single large flow, from plain values (both engines). */
export function largeFlowText(f: FlowFacts, bytes: number, thresholdBytes: number): AlertText {
  return {
    talker: f.src,
    message: `Flow of ${bytes} bytes from zone ${f.srcZone} to zone ${f.dstZone}: ${flowTextOf(f)} (threshold ${thresholdBytes})`,
    evidence: { srcZone: f.srcZone, dstZone: f.dstZone, thresholdBytes },
  };
}

/**
 * Message and evidence of a pair crossing the window threshold, from plain values (both engines): `total` is the
 * window's sum at the crossing, `window` the tumbling window's number (epoch seconds / window length; -1 unknown).
 */
export function largePairText(
  f: FlowFacts,
  total: number,
  window: number,
  windowMinutes: number,
  thresholdBytes: number,
): AlertText {
  const start = window >= 0 ? new Date(window * windowMinutes * 60 * 1000).toISOString() : 'unknown';
  return {
    talker: f.src,
    message: `${f.src} (zone ${f.srcZone}) sent at least ${total} bytes to ${f.dst} (zone ${f.dstZone}) within a ${windowMinutes}-minute window starting ${start} (threshold ${thresholdBytes})`,
    evidence: {
      srcZone: f.srcZone,
      dstZone: f.dstZone,
      windowMinutes,
      bytesWhenCrossed: total,
      thresholdBytes,
    },
  };
}
