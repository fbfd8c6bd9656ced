/** The comparison both property tests make: one packet, the set evaluator's answer against the hop-by-hop trace. */
import assert from 'node:assert/strict';
import type { SetEvaluator } from '../../src/verify/evaluate.js';
import { unionOf, type ReplyMode } from '../../src/verify/evaluate.js';
import type { Interface } from '../../src/verify/model.js';
import { contains, type Point } from '../../src/verify/packet-set.js';
import type { Tracer } from '../../src/verify/trace.js';
import { type Trace } from '../../src/verify/trace.js';

export interface Case {
  s: Interface;
  d: Interface;
  fromInternet: boolean;
  toInternet: boolean;
  p: Point;
  mode: ReplyMode;
}

/** Asserts that both evaluators give the packet the same verdict; returns the trace. */
export function assertAgreement(ev: SetEvaluator, tracer: Tracer, c: Case): Trace {
  const { s, d, fromInternet, toInternet, p, mode } = c;
  const sets = unionOf(
    fromInternet ? ev.fromInternet([d], mode) : toInternet ? ev.toInternet([s], mode) : ev.zoneToZone([s], [d], mode),
  );
  const fast = contains(sets.yes, p) ? 'yes' : contains(sets.maybe, p) ? 'maybe' : 'no';
  const naive = tracer.trace(fromInternet ? { kind: 'internet' } : { kind: 'interface', iface: s }, p, mode);
  assert.equal(
    fast,
    naive.verdict,
    `${mode} ${fromInternet ? 'internet' : s.id} -> ${toInternet ? 'internet' : d.id} proto ${p.proto} port ${p.port}: ${JSON.stringify(naive.hops.map((h) => `${h.at} ${h.verdict} ${h.what}`))}`,
  );
  return naive;
}
