/**
 * Packet sets: an interval decision diagram over the header dimensions cordon's filters look at, in a fixed order —
 * address family, destination address, source address, protocol, destination port. Each node splits one dimension
 * into half-open intervals with a child per interval; nodes are hash-consed, so equal sets are the same object and
 * union/intersection/difference are memoised by node ids. This is the research note's box algebra (reachability.md
 * §6.2) with sharing: the 2,000 security groups of a large account become a few thousand shared sub-diagrams.
 *
 * IPv4 addresses are numbers (exact up to 2^53), IPv6 addresses bigints; the family dimension keeps them apart, and
 * half-open intervals mean the set operations only compare bounds, so one code path serves both.
 */
import type { Cidr } from '../util/cidr.js';

export const FAM = 0;
// Destination before source: a destination's admitted sources are its security groups' remotes, shared by every
// interface with the same groups, so the diagram stays the size of the interfaces plus the rules (measured: source
// first made the zone aggregates grow with sources × destinations).
export const DST = 1;
export const SRC = 2;
export const PROTO = 3;
export const PORT = 4;
const TERMINAL = 5;

export type Bound = number | bigint;

export interface PacketSet {
  readonly id: number;
  /** The dimension this node splits; TERMINAL for the empty and full sets. */
  readonly dim: number;
  /** Interior cut points, ascending: child i covers [cuts[i-1], cuts[i]). */
  readonly cuts: readonly Bound[];
  readonly kids: readonly PacketSet[];
}

export const EMPTY: PacketSet = { id: 0, dim: TERMINAL, cuts: [], kids: [] };
export const FULL: PacketSet = { id: 1, dim: TERMINAL, cuts: [], kids: [] };

export const V4 = 0;
export const V6 = 1;
export type Family = typeof V4 | typeof V6;

const V4_END = 2 ** 32;
const V6_END = 1n << 128n;

/** The end (exclusive) of a dimension's domain for a family. */
function domainEnd(dim: number, fam: Family): Bound {
  if (dim === FAM) return 2;
  if (dim === PROTO) return 256;
  if (dim === PORT) return 65536;
  return fam === V4 ? V4_END : V6_END;
}
function domainStart(dim: number, fam: Family): Bound {
  return (dim === SRC || dim === DST) && fam === V6 ? 0n : 0;
}

let nextId = 2;
// Hash-consing table: numeric hash → node (or bucket of nodes on collision). String keys were the first version;
// building one per mk() call made garbage collection most of the run time on large networks.
const unique = new Map<number, PacketSet | PacketSet[]>();
let uniqueCount = 0;
const memo = [new Map<number, PacketSet>(), new Map<number, PacketSet>(), new Map<number, PacketSet>()];
const existsMemo = new Map<number, Map<number, PacketSet>>();

/**
 * Forget every cached node and result. Sets built before stay valid (membership never depends on sharing; only the
 * `===` shortcuts and the merging of equal neighbours get less effective), and nodes nothing else holds can be
 * collected: without this the table keeps every intermediate node of a run alive.
 */
export function resetPacketSets(): void {
  unique.clear();
  uniqueCount = 0;
  for (const m of memo) m.clear();
  existsMemo.clear();
}

/** Drop memoised operation results once they pass `limit` entries (nodes stay shared; only caches go). */
export function trimOperationCache(limit = 500_000): void {
  for (const m of [...memo, ...existsMemo.values()]) if (m.size > limit) m.clear();
}

export function nodeCount(): number {
  return uniqueCount;
}

function hashBound(c: Bound): number {
  if (typeof c === 'number') return (c | 0) ^ ((c / 4294967296) | 0);
  return Number(c & 0xffffffffn) ^ Number((c >> 96n) & 0xffffffffn) ^ 0x5bd1e995;
}

function sameNode(n: PacketSet, dim: number, cuts: readonly Bound[], kids: readonly PacketSet[]): boolean {
  if (n.dim !== dim || n.kids.length !== kids.length) return false;
  for (let i = 0; i < kids.length; i++) if (n.kids[i] !== kids[i]) return false;
  for (let i = 0; i < cuts.length; i++) {
    const a = n.cuts[i]!;
    const b = cuts[i]!;
    if (a !== b || typeof a !== typeof b) return false;
  }
  return true;
}

function mk(dim: number, cuts: Bound[], kids: PacketSet[]): PacketSet {
  if (kids.length === 1) return kids[0]!;
  let h = Math.imul(dim + 1, 0x9e3779b1);
  for (const c of cuts) h = Math.imul(h ^ hashBound(c), 0x85ebca6b) + 0x27d4eb2f;
  for (const k of kids) h = Math.imul(h ^ k.id, 0xc2b2ae35) + 0x165667b1;
  h >>>= 0;
  const slot = unique.get(h);
  if (slot !== undefined) {
    if (!Array.isArray(slot)) {
      if (sameNode(slot, dim, cuts, kids)) return slot;
    } else for (const n of slot) if (sameNode(n, dim, cuts, kids)) return n;
  }
  const node: PacketSet = { id: nextId++, dim, cuts, kids };
  uniqueCount++;
  if (slot === undefined) unique.set(h, node);
  else if (Array.isArray(slot)) slot.push(node);
  else unique.set(h, [slot, node]);
  return node;
}

const AND = 0;
const OR = 1;
const DIFF = 2;

function terminalCase(op: number, a: PacketSet, b: PacketSet): PacketSet | undefined {
  if (op === AND) {
    if (a === EMPTY || b === EMPTY) return EMPTY;
    if (a === FULL || a === b) return b;
    if (b === FULL) return a;
  } else if (op === OR) {
    if (a === FULL || b === FULL) return FULL;
    if (a === EMPTY || a === b) return b;
    if (b === EMPTY) return a;
  } else {
    if (a === EMPTY || b === FULL || a === b) return EMPTY;
    if (b === EMPTY) return a;
  }
  return undefined;
}

const NO_CUTS: readonly Bound[] = [];

function apply(op: number, a: PacketSet, b: PacketSet): PacketSet {
  const t = terminalCase(op, a, b);
  if (t) return t;
  // Commutative operations share one cache entry for (a, b) and (b, a).
  if (op !== DIFF && a.id > b.id) [a, b] = [b, a];
  const key = a.id * 94906265 + b.id;
  const cache = memo[op]!;
  const hit = cache.get(key);
  if (hit) return hit;
  const dim = Math.min(a.dim, b.dim);
  const ac = a.dim === dim ? a.cuts : NO_CUTS;
  const ak = a.dim === dim ? a.kids : [a];
  const bc = b.dim === dim ? b.cuts : NO_CUTS;
  const bk = b.dim === dim ? b.kids : [b];
  const cuts: Bound[] = [];
  const kids: PacketSet[] = [apply(op, ak[0]!, bk[0]!)];
  let i = 0;
  let j = 0;
  while (i < ac.length || j < bc.length) {
    let cut: Bound;
    if (j >= bc.length || (i < ac.length && ac[i]! < bc[j]!)) cut = ac[i++]!;
    else if (i >= ac.length || bc[j]! < ac[i]!) cut = bc[j++]!;
    else {
      cut = ac[i++]!;
      j++;
    }
    const k = apply(op, ak[i]!, bk[j]!);
    if (k !== kids[kids.length - 1]) {
      cuts.push(cut);
      kids.push(k);
    }
  }
  const r = mk(dim, cuts, kids);
  cache.set(key, r);
  return r;
}

export const and = (a: PacketSet, b: PacketSet): PacketSet => apply(AND, a, b);
export const or = (a: PacketSet, b: PacketSet): PacketSet => apply(OR, a, b);
export const diff = (a: PacketSet, b: PacketSet): PacketSet => apply(DIFF, a, b);
export const not = (a: PacketSet): PacketSet => apply(DIFF, FULL, a);

/** Union of many sets by balanced pairwise merging: O(n log n) merges of similar-sized operands. */
export function unionAll(sets: readonly PacketSet[]): PacketSet {
  if (sets.length === 0) return EMPTY;
  let layer = [...sets];
  while (layer.length > 1) {
    const next: PacketSet[] = [];
    for (let i = 0; i < layer.length; i += 2)
      next.push(i + 1 < layer.length ? or(layer[i]!, layer[i + 1]!) : layer[i]!);
    layer = next;
  }
  return layer[0]!;
}

/** A one-dimensional interval [lo, hi) on `dim` with `inside` within it and EMPTY outside. */
function interval(dim: number, fam: Family, lo: Bound, hi: Bound, inside: PacketSet): PacketSet {
  if (inside === EMPTY || !(lo < hi)) return EMPTY;
  const cuts: Bound[] = [];
  const kids: PacketSet[] = [];
  if (domainStart(dim, fam) < lo) {
    kids.push(EMPTY);
    cuts.push(lo);
  }
  kids.push(inside);
  if (hi < domainEnd(dim, fam)) {
    cuts.push(hi);
    kids.push(EMPTY);
  }
  return mk(dim, cuts, kids);
}

/** An inclusive range [lo, hi]; undefined means the whole dimension. */
export type Range = readonly [number, number];

export interface BoxSpec {
  fam?: Family;
  src?: Cidr;
  dst?: Cidr;
  proto?: Range;
  port?: Range;
}

/** Half-open bounds of a CIDR in the family's representation. */
export function cidrBounds(c: Cidr): [Bound, Bound] {
  return c.family === 4 ? [Number(c.first), Number(c.last) + 1] : [c.first, c.last + 1n];
}

export function familyOf(c: Cidr): Family {
  return c.family === 4 ? V4 : V6;
}

/** The product of the given constraints; an unconstrained dimension is whole. */
export function box(spec: BoxSpec): PacketSet {
  const fams: Family[] = spec.fam !== undefined ? [spec.fam] : [V4, V6];
  const parts: PacketSet[] = [];
  for (const fam of fams) {
    if (spec.src && familyOf(spec.src) !== fam) continue;
    if (spec.dst && familyOf(spec.dst) !== fam) continue;
    let s: PacketSet = FULL;
    if (spec.port) s = interval(PORT, fam, spec.port[0], spec.port[1] + 1, s);
    if (spec.proto) s = interval(PROTO, fam, spec.proto[0], spec.proto[1] + 1, s);
    if (spec.src) s = interval(SRC, fam, ...cidrBounds(spec.src), s);
    if (spec.dst) s = interval(DST, fam, ...cidrBounds(spec.dst), s);
    parts.push(fams.length === 2 || spec.fam !== undefined ? interval(FAM, fam, fam, fam + 1, s) : s);
  }
  return unionAll(parts);
}

/** Addresses as a set on one dimension (SRC or DST): the union of the CIDRs. */
export function addresses(dim: typeof SRC | typeof DST, cidrs: readonly Cidr[]): PacketSet {
  return unionAll(cidrs.map((c) => box(dim === SRC ? { src: c } : { dst: c })));
}

/** Index of the child of `n` whose interval holds `v` (binary search over the cuts). */
function childIndex(n: PacketSet, v: Bound): number {
  let lo = 0;
  let hi = n.cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v < n.cuts[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * `a` restricted to one CIDR on an address dimension: the same as `and(a, addresses(dim, [c]))`, but found by binary
 * search when `a` splits FAM and then `dim` first (the zone aggregates do) and the CIDR lies within one interval, so
 * slicing a zone's set per interface costs O(log n) each instead of a pass over the whole set.
 */
export function restrictAddress(a: PacketSet, dim: typeof SRC | typeof DST, c: Cidr): PacketSet {
  const fam = familyOf(c);
  const [lo, hi] = cidrBounds(c);
  const slow = () => and(a, box(dim === SRC ? { src: c } : { dst: c }));
  let n = a;
  if (n.dim === FAM) n = n.kids[childIndex(n, fam)]!;
  if (n === EMPTY) return EMPTY;
  let kid: PacketSet;
  if (n.dim === dim) {
    const i = childIndex(n, lo);
    if (i !== childIndex(n, typeof hi === 'bigint' ? hi - 1n : hi - 1)) return slow();
    kid = n.kids[i]!;
  } else if (n.dim > dim) kid = n;
  else return slow();
  if (kid === EMPTY) return EMPTY;
  return interval(FAM, fam, fam, fam + 1, interval(dim, fam, lo, hi, kid));
}

/** Existentially quantify dimensions away: the set of packets that agree with some member on the other dimensions. */
export function exists(a: PacketSet, dims: readonly number[]): PacketSet {
  const mask = dims.reduce((m, d) => m | (1 << d), 0);
  // Memoised across calls (per set of dimensions) like the other operations: slices of one zone set share their
  // sub-diagrams, so quantifying each slice separately would redo the shared part every time.
  let cache = existsMemo.get(mask);
  if (!cache) existsMemo.set(mask, (cache = new Map<number, PacketSet>()));
  return existsMasked(a, mask, cache);
}
function existsMasked(a: PacketSet, mask: number, cache: Map<number, PacketSet>): PacketSet {
  if (a.dim === TERMINAL) return a;
  const hit = cache.get(a.id);
  if (hit) return hit;
  const kids = a.kids.map((k) => existsMasked(k, mask, cache));
  let r: PacketSet;
  if (mask & (1 << a.dim)) r = unionAll(kids);
  else {
    const cuts: Bound[] = [];
    const out: PacketSet[] = [kids[0]!];
    for (let i = 1; i < kids.length; i++)
      if (kids[i] !== out[out.length - 1]) {
        cuts.push(a.cuts[i - 1]!);
        out.push(kids[i]!);
      }
    r = mk(a.dim, cuts, out);
  }
  cache.set(a.id, r);
  return r;
}

/**
 * Moves a set that constrains only FAM and one address dimension to the other address dimension (a return packet's
 * destination is the forward packet's source).
 */
export function swapAddressDim(a: PacketSet, from: typeof SRC | typeof DST): PacketSet {
  const to = from === SRC ? DST : SRC;
  const go = (n: PacketSet): PacketSet => {
    if (n.dim === TERMINAL) return n;
    if (n.dim !== FAM && n.dim !== from) throw new Error(`swapAddressDim: set constrains dimension ${n.dim}`);
    return mk(n.dim === from ? to : n.dim, [...n.cuts], n.kids.map(go));
  };
  return go(a);
}

export interface Point {
  fam: Family;
  src: Bound;
  dst: Bound;
  proto: number;
  port: number;
}

/** Is the point in the set? */
export function contains(a: PacketSet, p: Point): boolean {
  let n = a;
  while (n.dim !== TERMINAL) {
    const v =
      n.dim === FAM ? p.fam : n.dim === SRC ? p.src : n.dim === DST ? p.dst : n.dim === PROTO ? p.proto : p.port;
    let i = 0;
    while (i < n.cuts.length && !(v < n.cuts[i]!)) i++;
    n = n.kids[i]!;
  }
  return n === FULL;
}

/** Preferred values when a witness is picked: TCP, then the lowest port of the first interval. */
const PREFERRED_PROTO = [6, 17, 1, 58];

/** A member of the set (undefined when empty), preferring TCP and, per dimension, the first non-empty interval. */
export function pick(a: PacketSet): Point | undefined {
  if (a === EMPTY) return undefined;
  const point: Point = { fam: V4, src: 0, dst: 0, proto: 6, port: 0 };
  const chosen = new Set<number>();
  let n = a;
  while (n.dim !== TERMINAL) {
    let idx = -1;
    if (n.dim === PROTO) {
      for (const want of PREFERRED_PROTO) {
        const i = indexOf(n, want);
        if (n.kids[i] !== EMPTY) {
          idx = i;
          point.proto = want;
          break;
        }
      }
    }
    if (idx < 0) {
      idx = n.kids.findIndex((k) => k !== EMPTY);
      const lo = idx === 0 ? domainStart(n.dim, point.fam) : n.cuts[idx - 1]!;
      set(point, n.dim, lo);
    }
    chosen.add(n.dim);
    n = n.kids[idx]!;
  }
  if (!chosen.has(SRC)) point.src = domainStart(SRC, point.fam);
  if (!chosen.has(DST)) point.dst = domainStart(DST, point.fam);
  if (!chosen.has(PORT)) point.port = point.proto === 6 || point.proto === 17 ? 443 : 0;
  return point;
}
function indexOf(n: PacketSet, v: number): number {
  let i = 0;
  while (i < n.cuts.length && !(v < (n.cuts[i] as number))) i++;
  return i;
}
function set(p: Point, dim: number, v: Bound): void {
  if (dim === FAM) p.fam = v as Family;
  else if (dim === SRC) p.src = v;
  else if (dim === DST) p.dst = v;
  else if (dim === PROTO) p.proto = v as number;
  else p.port = v as number;
}

export interface ProtoPortBox {
  proto: [number, number];
  port: [number, number];
}

/** The protocol × port boxes of a set that constrains at most FAM, PROTO and PORT (after `exists`), merged per family. */
export function protoPortBoxes(a: PacketSet, limit = 50): ProtoPortBox[] {
  const flat = exists(a, [FAM, SRC, DST]);
  const out: ProtoPortBox[] = [];
  const walk = (n: PacketSet, proto: [number, number], port: [number, number]) => {
    if (out.length >= limit || n === EMPTY) return;
    if (n === FULL) {
      out.push({ proto, port });
      return;
    }
    for (let i = 0; i < n.kids.length; i++) {
      const lo = i === 0 ? 0 : Number(n.cuts[i - 1]);
      const hi = i === n.cuts.length ? Number(domainEnd(n.dim, V4)) - 1 : Number(n.cuts[i]) - 1;
      if (n.dim === PROTO) walk(n.kids[i]!, [lo, hi], port);
      else walk(n.kids[i]!, proto, [lo, hi]);
    }
  };
  walk(flat, [0, 255], [0, 65535]);
  return out;
}

/** Number of intervals on the top address dimension of a set: a size measure for benchmarks and tests. */
export function size(a: PacketSet): number {
  const seen = new Set<number>();
  const go = (n: PacketSet): number => {
    if (n.dim === TERMINAL || seen.has(n.id)) return 0;
    seen.add(n.id);
    return 1 + n.kids.reduce((s, k) => s + go(k), 0);
  };
  return go(a);
}
