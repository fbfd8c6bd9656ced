/** Packet-set algebra against a brute-force membership check, over IPv4 and IPv6 together. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  and,
  andExists,
  box,
  pickAnd,
  contains,
  diff,
  exists,
  not,
  or,
  pick,
  rebuild,
  resetPacketSets,
  unionAll,
  unionOverAddresses,
  DST,
  EMPTY,
  SRC,
  V4,
  V6,
  type PacketSet,
  type Point,
} from '../../src/verify/packet-set.js';
import { parseCidr } from '../../src/util/cidr.js';

const CIDRS = [
  '0.0.0.0/0',
  '10.0.0.0/8',
  '10.0.1.0/24',
  '10.0.1.7/32',
  '8.8.8.0/24',
  '::/0',
  '2001:db8::/32',
  '2001:db8:0:1::/64',
  '2001:db8::5/128',
  'fd00::/8',
];
interface Spec {
  src?: string;
  dst?: string;
  proto?: [number, number];
  port?: [number, number];
}
const spec = fc.record(
  {
    src: fc.constantFrom(...CIDRS),
    dst: fc.constantFrom(...CIDRS),
    proto: fc.constantFrom<[number, number]>([6, 6], [17, 17], [0, 255], [1, 1]),
    port: fc.constantFrom<[number, number]>([443, 443], [0, 65535], [1024, 65535], [6333, 6334]),
  },
  { requiredKeys: [] },
);
type Expr = { op: 'box'; spec: Spec } | { op: 'and' | 'or' | 'diff'; a: Expr; b: Expr } | { op: 'not'; a: Expr };
const expr: fc.Arbitrary<Expr> = fc.letrec<{ e: Expr }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    spec.map((s) => ({ op: 'box' as const, spec: s })),
    fc.record({ op: fc.constantFrom<'and' | 'or' | 'diff'>('and', 'or', 'diff'), a: tie('e'), b: tie('e') }),
    fc.record({ op: fc.constant<'not'>('not'), a: tie('e') }),
  ),
})).e;

const inCidr = (text: string, fam: number, a: number | bigint) => {
  const c = parseCidr(text);
  return (c.family === 4 ? V4 : V6) === fam && c.first <= BigInt(a) && BigInt(a) <= c.last;
};
function build(e: Expr): PacketSet {
  switch (e.op) {
    case 'box': {
      const s = e.spec;
      const src = s.src ? parseCidr(s.src) : undefined;
      const dst = s.dst ? parseCidr(s.dst) : undefined;
      const pp = { ...(s.proto ? { proto: s.proto } : {}), ...(s.port ? { port: s.port } : {}) };
      if (src && dst && src.family !== dst.family)
        return box({ src, dst: parseCidr(src.family === 4 ? '0.0.0.0/32' : '::/128'), ...pp });
      return box({
        ...(src ? { src } : {}),
        ...(dst ? { dst } : {}),
        ...(s.proto ? { proto: s.proto } : {}),
        ...(s.port ? { port: s.port } : {}),
      });
    }
    case 'not':
      return not(build(e.a));
    default:
      return { and, or, diff }[e.op](build(e.a), build(e.b));
  }
}
function member(e: Expr, p: Point): boolean {
  switch (e.op) {
    case 'box': {
      const s = e.spec;
      if (s.src && s.dst && parseCidr(s.src).family !== parseCidr(s.dst).family)
        return (
          inCidr(s.src, p.fam, p.src) &&
          inCidr(s.src.includes(':') ? '::/128' : '0.0.0.0/32', p.fam, p.dst) &&
          (!s.proto || (p.proto >= s.proto[0] && p.proto <= s.proto[1])) &&
          (!s.port || (p.port >= s.port[0] && p.port <= s.port[1]))
        );
      return (
        (!s.src || inCidr(s.src, p.fam, p.src)) &&
        (!s.dst || inCidr(s.dst, p.fam, p.dst)) &&
        (!s.proto || (p.proto >= s.proto[0] && p.proto <= s.proto[1])) &&
        (!s.port || (p.port >= s.port[0] && p.port <= s.port[1]))
      );
    }
    case 'not':
      return !member(e.a, p);
    case 'and':
      return member(e.a, p) && member(e.b, p);
    case 'or':
      return member(e.a, p) || member(e.b, p);
    case 'diff':
      return member(e.a, p) && !member(e.b, p);
  }
}
const V4_ADDR = [0, 0x0a000001, 0x0a000107, 0x0a000108, 0x08080808, 0xffffffff];
const V6_ADDR = [
  0n,
  0x20010db8000000000000000000000005n,
  0x20010db8000000010000000000000001n,
  0xfd000000000000000000000000000001n,
  (1n << 128n) - 1n,
];
const point = fc.oneof(
  fc.record({
    fam: fc.constant<0>(0),
    src: fc.constantFrom(...V4_ADDR),
    dst: fc.constantFrom(...V4_ADDR),
    proto: fc.constantFrom(1, 6, 17, 50),
    port: fc.constantFrom(0, 443, 1023, 1024, 6334, 65535),
  }),
  fc.record({
    fam: fc.constant<1>(1),
    src: fc.constantFrom(...V6_ADDR),
    dst: fc.constantFrom(...V6_ADDR),
    proto: fc.constantFrom(1, 6, 17, 50),
    port: fc.constantFrom(0, 443, 1023, 1024, 6334, 65535),
  }),
) as fc.Arbitrary<Point>;

describe('packet sets', () => {
  it('union, intersection, difference and complement agree with brute-force membership (IPv4 and IPv6)', () => {
    fc.assert(
      fc.property(expr, fc.array(point, { minLength: 10, maxLength: 10 }), (e, points) => {
        const s = build(e);
        for (const p of points)
          assert.equal(
            contains(s, p),
            member(e, p),
            JSON.stringify({ p: { ...p, src: String(p.src), dst: String(p.dst) } }),
          );
        const w = pick(s);
        if (w) assert.ok(member(e, w), 'a picked witness is a member');
        else assert.ok(points.every((p) => !member(e, p)));
      }),
      { numRuns: 300, seed: 7 },
    );
  });
  it('andExists(a, b, dim) is exists(and(a, b), [dim]) without the intersection (hash-consed: the same object)', () => {
    fc.assert(
      fc.property(expr, expr, fc.constantFrom<typeof SRC | typeof DST>(SRC, DST), (x, y, dim) => {
        const a = build(x);
        const b = build(y);
        assert.equal(andExists(a, b, dim), exists(and(a, b), [dim]));
        // pickAnd: a member of both without the intersection, exactly when they meet.
        const p = pickAnd(a, b);
        if (and(a, b) === EMPTY) assert.equal(p, undefined);
        else {
          assert.ok(
            p && member(x, p) && member(y, p),
            JSON.stringify(p, (_, v: unknown) => (typeof v === 'bigint' ? String(v) : v)),
          );
        }
      }),
      { numRuns: 400, seed: 11 },
    );
    // Many sources (one per address) against a few admitted ranges: the segment-tree path.
    const hosts = Array.from({ length: 300 }, (_, i) =>
      box({ src: parseCidr(`10.0.${i >> 4}.${(i & 15) * 4}/32`), dst: parseCidr('10.9.0.0/16'), port: [i % 7, i % 7] }),
    );
    const sources = unionAll(hosts);
    const admitted = or(
      box({ src: parseCidr('10.0.3.0/24'), port: [0, 3] }),
      box({ src: parseCidr('10.0.7.16/28'), port: [4, 65535] }),
    );
    assert.equal(andExists(sources, admitted, SRC), exists(and(sources, admitted), [SRC]));
    assert.equal(andExists(sources, admitted, DST), exists(and(sources, admitted), [DST]));
    const p = pickAnd(sources, admitted)!;
    assert.ok(contains(sources, p) && contains(admitted, p));
  });
  it('unionOverAddresses is the pairwise union of range × inner set (the same object), nested and repeated ranges, both families', () => {
    // Inner sets: over the dimensions after the range's (protocol × port, or source addresses under a destination
    // range), split by family first (a filter's), or splitting the range's own dimension (the pairwise fallback).
    const inners = fc.constantFrom(
      box({ proto: [6, 6], port: [443, 443] }),
      box({ proto: [17, 17] }),
      or(box({ proto: [6, 6], port: [0, 1023] }), box({ proto: [1, 1] })),
      box({ src: parseCidr('10.0.1.0/24'), proto: [6, 6] }),
      box({ src: parseCidr('2001:db8::/32'), port: [6333, 6334] }),
      box({ dst: parseCidr('10.0.0.0/8'), port: [22, 22] }),
      EMPTY,
    );
    fc.assert(
      fc.property(
        fc.constantFrom<typeof SRC | typeof DST>(SRC, DST),
        fc.array(fc.record({ cidr: fc.constantFrom(...CIDRS), inner: inners }), { maxLength: 12 }),
        (dim, raw) => {
          const entries = raw.map((e) => ({ cidr: parseCidr(e.cidr), inner: e.inner }));
          const pairwise = unionAll(
            entries.map((e) => and(box(dim === SRC ? { src: e.cidr } : { dst: e.cidr }), e.inner)),
          );
          assert.equal(unionOverAddresses(dim, entries), pairwise);
        },
      ),
      { numRuns: 400, seed: 13 },
    );
  });
  it('unionOverAddresses is the pairwise union for ranges that overlap without nesting (not CIDRs: the general sweep)', () => {
    // The parser only makes CIDRs (nested or disjoint); ranges crossing each other take the general path.
    const range = (first: number, last: number) => ({
      text: `${first}-${last}`,
      family: 4 as const,
      first: BigInt(first),
      last: BigInt(last),
      prefix: 0,
    });
    const inners = [box({ proto: [6, 6], port: [443, 443] }), box({ proto: [17, 17] }), box({ proto: [1, 1] })];
    fc.assert(
      fc.property(fc.array(fc.record({ a: fc.nat(40), b: fc.nat(40), k: fc.nat(2) }), { maxLength: 8 }), (raw) => {
        const entries = raw.map((e) => ({ cidr: range(Math.min(e.a, e.b), Math.max(e.a, e.b)), inner: inners[e.k]! }));
        const pairwise = unionAll(entries.map((e) => and(box({ dst: e.cidr }), e.inner)));
        assert.equal(unionOverAddresses(DST, entries), pairwise);
      }),
      { numRuns: 300, seed: 5 },
    );
  });
  it('equal sets are the same object (hash-consing), and exists() projects', () => {
    const a = or(box({ dst: parseCidr('10.0.0.0/25') }), box({ dst: parseCidr('10.0.0.128/25') }));
    assert.equal(a, box({ dst: parseCidr('10.0.0.0/24') }));
    const b = and(box({ src: parseCidr('10.0.1.0/24'), proto: [6, 6] }), box({ dst: parseCidr('2001:db8::/32') }));
    assert.equal(b, box({ proto: [0, -1] }), 'IPv4 source and IPv6 destination never meet');
    assert.equal(
      exists(box({ src: parseCidr('10.0.1.0/24'), dst: parseCidr('10.0.2.0/24'), port: [443, 443] }), [SRC, DST]),
      and(box({ fam: V4 }), box({ port: [443, 443] })),
    );
  });
  it('a wide set intersected with a sparse one, or subtracted from it, is the set built point by point', () => {
    // Thousands of destination hosts with their own ports against a few subnets: the operations skip the wide set's
    // cuts where the other operand is empty, and must still give the canonical (hash-consed) answer.
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 4095 }), fc.constantFrom(22, 80, 443)), {
          minLength: 1,
          maxLength: 300,
        }),
        fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 4 }),
        (hosts, subnets) => {
          const host = (h: number) => parseCidr(`10.0.${h >> 8}.${h & 255}/32`);
          const wide = unionAll(hosts.map(([h, port]) => box({ dst: host(h), port: [port, port] })));
          const sparse = unionAll(subnets.map((n) => box({ dst: parseCidr(`10.0.${n >> 4}.${(n & 15) << 4}/28`) })));
          const inSparse = (h: number) => subnets.some((n) => h >> 8 === n >> 4 && (h & 255) >> 4 === (n & 15));
          const inside = hosts.filter(([h]) => inSparse(h));
          const outside = hosts.filter(([h]) => !inSparse(h));
          assert.equal(
            and(wide, sparse),
            unionAll(inside.map(([h, port]) => box({ dst: host(h), port: [port, port] }))),
          );
          assert.equal(and(sparse, wide), and(wide, sparse));
          assert.equal(
            diff(wide, sparse),
            unionAll(outside.map(([h, port]) => box({ dst: host(h), port: [port, port] }))),
          );
        },
      ),
      { numRuns: 100, seed: 11 },
    );
  });
  it('sets built before a reset are rebuilt into the current table, so equal sets are one object again', () => {
    const tcp80 = () => box({ dst: parseCidr('10.0.0.0/25'), proto: [6, 6], port: [80, 80] });
    const before = tcp80();
    resetPacketSets();
    assert.notEqual(before, tcp80(), 'a reset forgets shared nodes');
    assert.equal(rebuild(before), tcp80());
    const upper = box({ dst: parseCidr('10.0.0.128/25'), proto: [6, 6], port: [80, 80] });
    assert.equal(or(rebuild(before), upper), box({ dst: parseCidr('10.0.0.0/24'), proto: [6, 6], port: [80, 80] }));
  });
});
