/** The comparison both property tests make: one packet, the set evaluator's answer against the hop-by-hop trace. */
import assert from 'node:assert/strict';
import { SetEvaluator, unionOf, type ReplyMode } from '../../src/verify/evaluate.js';
import { addresses, contains, DST, SRC, type PacketSet, type Point } from '../../src/verify/packet-set.js';
import type { Interface, NetworkModel } from '../../src/verify/model.js';
import { tryParseCidr } from '../../src/util/cidr.js';
import { findingScopes, VERIFY_CHECKS, type VerifyResult } from '../../src/verify/questions.js';
import { Tracer, type Trace } from '../../src/verify/trace.js';

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

/** A packet between the first addresses of two interfaces in different zones, the source a workload. */
export function zonePacket(
  ifaces: readonly Interface[],
  pk: { src: number; dst: number; proto: number; port: number },
): { s: Interface; d: Interface; p: Point } | undefined {
  const s = ifaces[pk.src % ifaces.length]!;
  const d = ifaces[pk.dst % ifaces.length]!;
  if (!s.zone || !d.zone || s.zone === d.zone || s.role !== 'workload') return undefined;
  const p: Point = {
    fam: 0,
    src: Number(s.addresses[0]!.first),
    dst: Number(d.addresses[0]!.first),
    proto: pk.proto,
    port: pk.proto === 1 ? 0 : pk.port,
  };
  return { s, d, p };
}

/**
 * Asserts the questions reported a packet the trace permits and the policy denies: a violation (or, where the trace
 * cannot decide, a violation or a not-assessed finding) of the zone pair, at one of `resourceIds` when given, whose
 * scopes (findingScopes) include every one of `scopes`.
 */
export function assertFindingFor(
  r: VerifyResult,
  c: { verdict: 'yes' | 'maybe'; from: string; to: string; resourceIds?: ReadonlySet<string>; scopes: string[] },
  what: string,
): void {
  const kinds =
    c.verdict === 'yes' ? [VERIFY_CHECKS.violation.id] : [VERIFY_CHECKS.violation.id, VERIFY_CHECKS.unknown.id];
  assert.ok(
    r.findings.some(
      (f) =>
        kinds.includes(f.checkId) &&
        f.evidence?.from === c.from &&
        f.evidence?.to === c.to &&
        (!c.resourceIds || c.resourceIds.has(f.resource.id)) &&
        c.scopes.every((sc) => findingScopes.get(f)?.includes(sc) === true),
    ),
    `a finding${c.resourceIds ? ` at ${[...c.resourceIds].join(', ')}` : ''} naming ${c.scopes.join(', ')} for ${what} (${c.verdict}): ${JSON.stringify(r.findings.map((f) => [f.checkId, f.resource.id, findingScopes.get(f), f.message]))}`,
  );
}

/** A packet between an interface and an address of an outside zone (`out`: from the interface). */
export interface OutsideCase {
  i: Interface;
  out: boolean;
  /** The zone's address at the other end. */
  other: number;
  proto: number;
  port: number;
}

/**
 * Asserts that both evaluators give a packet to or from an outside zone (evaluate.ts fromOutside / toOutside, the
 * tracer's `outside` source) the same verdict in both reply modes; returns the verdicts.
 */
export function assertOutsideAgreement(
  ev: SetEvaluator,
  tracer: Tracer,
  zone: { name: string; src: PacketSet; dst: PacketSet },
  c: OutsideCase,
): Trace['verdict'][] {
  const own = Number(c.i.addresses[0]!.first);
  const p: Point = {
    fam: 0,
    src: c.out ? own : c.other,
    dst: c.out ? c.other : own,
    proto: c.proto,
    port: c.proto === 1 ? 0 : c.port,
  };
  return (['exists', 'all'] as ReplyMode[]).map((mode) => {
    const sets = unionOf(
      c.out ? ev.toOutside([c.i], mode, zone.name, zone.dst) : ev.fromOutside([c.i], mode, zone.name, zone.src),
    );
    const fast = contains(sets.yes, p) ? 'yes' : contains(sets.maybe, p) ? 'maybe' : 'no';
    const t = tracer.trace(
      c.out ? { kind: 'interface', iface: c.i } : { kind: 'outside', zone: zone.name, network: c.i.network },
      p,
      mode,
    );
    const what = `${mode} ${c.out ? `${c.i.id} -> ${zone.name}` : `${zone.name} -> ${c.i.id}`} ${p.proto}/${p.port}`;
    assert.equal(fast, t.verdict, `${what}: ${JSON.stringify(t.hops.map((h) => `${h.at} ${h.verdict} ${h.what}`))}`);
    return t.verdict;
  });
}

const ONPREM_ZONE = '192.168.0.0/16';

/**
 * Both evaluators on packets between a model's interfaces and an on-premises zone (192.168.0.0/16): `src` picks the
 * interface, `dst` the direction (even: from the interface) and the zone's address. Counts verdicts per direction in
 * `outcomes` ("out maybe", "in no"…), so a caller can require that the random networks exercised every outcome.
 */
export function agreeWithOnPremises(
  model: NetworkModel,
  packets: readonly { src: number; dst: number; proto: number; port: number }[],
  outcomes: Map<string, number>,
): void {
  const cidrs = [tryParseCidr(ONPREM_ZONE)!];
  const ev = new SetEvaluator(model, { clientPorts: [32768, 60999] });
  const tracer = new Tracer(model, [32768, 60999], [{ name: 'onprem', cidrs }]);
  const zone = { name: 'onprem', src: addresses(SRC, cidrs), dst: addresses(DST, cidrs) };
  const ifaces = model.interfaces.filter((i) => i.role === 'workload');
  for (const pk of packets) {
    const i = ifaces[pk.src % ifaces.length]!;
    const out = pk.dst % 2 === 0;
    const c = { i, out, other: 0xc0a80000 + (pk.dst % 65536), proto: pk.proto, port: pk.port };
    for (const v of assertOutsideAgreement(ev, tracer, zone, c)) {
      const k = `${out ? 'out' : 'in'} ${v}`;
      outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    }
  }
}

/** The random networks must exercise every outcome both ways, or the agreement proves little. */
export function assertEveryOnPremisesOutcome(outcomes: ReadonlyMap<string, number>): void {
  for (const k of ['out maybe', 'out no', 'in maybe', 'in no'])
    assert.ok((outcomes.get(k) ?? 0) > 0, `no packet came out "${k}": ${JSON.stringify([...outcomes])}`);
}
