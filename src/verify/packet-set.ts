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
/**
 * The hash-consing table: open addressing over a typed array of hashes and an array of nodes (a Map from hash to node
 * or bucket allocated a bucket per collision and rehashed its own storage as it grew).
 */
class NodeTable {
  hashes = new Int32Array(1 << 16);
  nodes: (PacketSet | undefined)[] = new Array<PacketSet | undefined>(1 << 16);
  size = 0;

  // mkRange probes `hashes` and `nodes` itself (linear probing; a hash is never 0, which marks a free slot): a
  // lookup method taking a comparison closure allocated one per call.
  insert(slot: number, h: number, n: PacketSet): void {
    this.hashes[slot] = h;
    this.nodes[slot] = n;
    if (++this.size * 2 > this.hashes.length) this.grow();
  }

  clear(): void {
    this.hashes = new Int32Array(1 << 16);
    this.nodes = new Array<PacketSet | undefined>(1 << 16);
    this.size = 0;
  }

  private grow(): void {
    const { hashes, nodes } = this;
    const n = hashes.length * 2;
    this.hashes = new Int32Array(n);
    this.nodes = new Array<PacketSet | undefined>(n);
    const mask = n - 1;
    for (let i = 0; i < hashes.length; i++) {
      const h = hashes[i]!;
      if (h === 0) continue;
      let j = h & mask;
      while (this.hashes[j] !== 0) j = (j + 1) & mask;
      this.hashes[j] = h;
      this.nodes[j] = nodes[i];
    }
  }
}
const unique = new NodeTable();
/**
 * Results of a binary operation keyed by the operands' ids, in an open-addressing table over typed arrays: a Map
 * keyed by `a.id * K + b.id` boxed every key outside the small-integer range, and those boxes were a large part of
 * the garbage the collector spent its time on.
 */
class PairMemo {
  private keysA = new Int32Array(1024);
  private keysB = new Int32Array(1024);
  private vals: (PacketSet | undefined)[] = new Array<PacketSet | undefined>(1024);
  size = 0;

  private slot(a: number, b: number): number {
    const mask = this.keysA.length - 1;
    let h = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b)) & mask;
    // Ids start at 1 for stored operands (EMPTY, id 0, never reaches the table), so 0 marks a free slot.
    while (this.keysA[h] !== 0 && (this.keysA[h] !== a || this.keysB[h] !== b)) h = (h + 1) & mask;
    return h;
  }

  get(a: number, b: number): PacketSet | undefined {
    const h = this.slot(a, b);
    return this.keysA[h] === 0 ? undefined : this.vals[h];
  }

  set(a: number, b: number, v: PacketSet): void {
    if ((this.size + 1) * 2 > this.keysA.length) this.grow();
    const h = this.slot(a, b);
    if (this.keysA[h] === 0) this.size++;
    this.keysA[h] = a;
    this.keysB[h] = b;
    this.vals[h] = v;
  }

  clear(): void {
    // A fresh small table: keeping the last pair's (refilled) cost a gigabyte of peak memory at 20,000 interfaces
    // for no measurable time.
    this.keysA = new Int32Array(1024);
    this.keysB = new Int32Array(1024);
    this.vals = new Array<PacketSet | undefined>(1024);
    this.size = 0;
  }

  private grow(): void {
    const { keysA, keysB, vals } = this;
    const n = keysA.length * 2;
    this.keysA = new Int32Array(n);
    this.keysB = new Int32Array(n);
    this.vals = new Array<PacketSet | undefined>(n);
    for (let i = 0; i < keysA.length; i++)
      if (keysA[i] !== 0) {
        const h = this.slot(keysA[i]!, keysB[i]!);
        this.keysA[h] = keysA[i]!;
        this.keysB[h] = keysB[i]!;
        this.vals[h] = vals[i];
      }
  }
}

const memo = [new PairMemo(), new PairMemo(), new PairMemo()];
// Scratch stacks for the cuts and children `apply` is building: each call works above the entries of the calls
// that are building around it and drops its own before it returns.
const scratchCuts: Bound[] = [];
const scratchKids: PacketSet[] = [];
let cutsTop = 0;
let kidsTop = 0;
const existsMemo = new Map<number, Map<number, PacketSet>>();
/** Results of andExists per quantified dimension (SRC, DST), keyed by the operands' ids. */
const andExistsMemo = [new PairMemo(), new PairMemo()];
/** Per node id: a segment tree over its children's union, for unions of a run of children (rangeUnion). */
const rangeTrees = new Map<number, PacketSet[]>();

/**
 * Forget every cached node and result. Sets built before stay valid (membership never depends on sharing; only the
 * `===` shortcuts and the merging of equal neighbours get less effective), and nodes nothing else holds can be
 * collected: without this the table keeps every intermediate node of a run alive.
 */
export function resetPacketSets(): void {
  unique.clear();
  for (const m of memo) m.clear();
  existsMemo.clear();
  for (const m of andExistsMemo) m.clear();
  rangeTrees.clear();
  scratchCuts.length = 0;
  scratchKids.length = 0;
}

/**
 * Nodes and memoised results a run may keep before `resetPacketSetsIfLarge` forgets them: enough for the work of
 * several zone pairs, so one pair's operations on the sides the evaluator keeps across pairs find the results of the
 * last (resetting after every pair measured 10–16 % slower on the benchmark at 8,000 interfaces and no smaller at its
 * peak; at 20,000 the adversarial peak is about 9 % higher with the budget).
 */
const KEEP_NODES = 500_000;
const KEEP_RESULTS = 1_000_000;

/** `resetPacketSets` once the tables hold more than a few pairs' worth of work, so memory stays bounded. */
export function resetPacketSetsIfLarge(): void {
  const results = memo.reduce((n, m) => n + m.size, 0) + andExistsMemo.reduce((n, m) => n + m.size, 0);
  if (unique.size > KEEP_NODES || results > KEEP_RESULTS) resetPacketSets();
}

function hashBound(c: Bound): number {
  if (typeof c === 'number') return (c | 0) ^ ((c / 4294967296) | 0);
  return Number(c & 0xffffffffn) ^ Number((c >> 96n) & 0xffffffffn) ^ 0x5bd1e995;
}

function sameNode(
  n: PacketSet,
  dim: number,
  cuts: readonly Bound[],
  c0: number,
  kids: readonly PacketSet[],
  k0: number,
  len: number,
): boolean {
  if (n.dim !== dim || n.kids.length !== len) return false;
  for (let i = 0; i < len; i++) if (n.kids[i] !== kids[k0 + i]) return false;
  for (let i = 0; i < len - 1; i++) {
    const a = n.cuts[i]!;
    const b = cuts[c0 + i]!;
    if (a !== b || typeof a !== typeof b) return false;
  }
  return true;
}

function mk(dim: number, cuts: Bound[], kids: PacketSet[]): PacketSet {
  return mkRange(dim, cuts, 0, kids, 0, kids.length, true);
}

/**
 * The node for `kids[k0 .. k0+len)` split at `cuts[c0 .. c0+len-1)`. `owned` says the arrays are exactly the node's
 * and may be kept; otherwise (the scratch stacks `apply` builds in) they are copied, and only when the node is new:
 * most results already exist, and building throwaway arrays for them was much of the collector's work.
 */
function mkRange(
  dim: number,
  cuts: Bound[],
  c0: number,
  kids: PacketSet[],
  k0: number,
  len: number,
  owned: boolean,
): PacketSet {
  if (len === 1) return kids[k0]!;
  let h = Math.imul(dim + 1, 0x9e3779b1);
  for (let i = 0; i < len - 1; i++) h = Math.imul(h ^ hashBound(cuts[c0 + i]!), 0x85ebca6b) + 0x27d4eb2f;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ kids[k0 + i]!.id, 0xc2b2ae35) + 0x165667b1;
  // Kept within V8's small-integer range, and never 0 (the table's free mark).
  h = h & 0x3fffffff || 1;
  const { hashes, nodes } = unique;
  const mask = hashes.length - 1;
  let slot = h & mask;
  for (let x = hashes[slot]!; x !== 0; x = hashes[slot]!) {
    if (x === h) {
      const n = nodes[slot]!;
      if (sameNode(n, dim, cuts, c0, kids, k0, len)) return n;
    }
    slot = (slot + 1) & mask;
  }
  const node: PacketSet = owned
    ? { id: nextId++, dim, cuts, kids }
    : { id: nextId++, dim, cuts: cuts.slice(c0, c0 + len - 1), kids: kids.slice(k0, k0 + len) };
  unique.insert(slot, h, node);
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
  const cache = memo[op]!;
  const hit = cache.get(a.id, b.id);
  if (hit) return hit;
  const dim = Math.min(a.dim, b.dim);
  const aSplits = a.dim === dim;
  const bSplits = b.dim === dim;
  const ac = aSplits ? a.cuts : NO_CUTS;
  const bc = bSplits ? b.cuts : NO_CUTS;
  const c0 = cutsTop;
  const k0 = kidsTop;
  const first = apply(op, aSplits ? a.kids[0]! : a, bSplits ? b.kids[0]! : b);
  scratchKids[kidsTop++] = first;
  let last = first;
  let i = 0;
  let j = 0;
  while (i < ac.length || j < bc.length) {
    // Galloping: where one operand is empty, an intersection (or a difference from an empty minuend) stays empty
    // up to that operand's next cut, so the other operand's cuts before it are skipped by binary search. A wide set
    // intersected with a sparse one (a zone's sources with one network's destinations, one subnet's addresses)
    // costs the sparse one's intervals times a logarithm, not the wide one's size.
    if (op !== OR) {
      if ((aSplits ? a.kids[i]! : a) === EMPTY) j = i < ac.length ? lowerBound(bc, j, ac[i]!) : bc.length;
      else if (op === AND && (bSplits ? b.kids[j]! : b) === EMPTY)
        i = j < bc.length ? lowerBound(ac, i, bc[j]!) : ac.length;
      if (i >= ac.length && j >= bc.length) break;
    }
    let cut: Bound;
    if (j >= bc.length || (i < ac.length && ac[i]! < bc[j]!)) cut = ac[i++]!;
    else if (i >= ac.length || bc[j]! < ac[i]!) cut = bc[j++]!;
    else {
      cut = ac[i++]!;
      j++;
    }
    const k = apply(op, aSplits ? a.kids[i]! : a, bSplits ? b.kids[j]! : b);
    if (k !== last) {
      scratchCuts[cutsTop++] = cut;
      scratchKids[kidsTop++] = k;
      last = k;
    }
  }
  const r = mkRange(dim, scratchCuts, c0, scratchKids, k0, kidsTop - k0, false);
  cutsTop = c0;
  kidsTop = k0;
  cache.set(a.id, b.id, r);
  return r;
}

/** The first index at or after `from` whose cut is not below `v` (cuts ascend). */
function lowerBound(cuts: readonly Bound[], from: number, v: Bound): number {
  let lo = from;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cuts[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export const and = (a: PacketSet, b: PacketSet): PacketSet => apply(AND, a, b);
export const or = (a: PacketSet, b: PacketSet): PacketSet => apply(OR, a, b);
export const diff = (a: PacketSet, b: PacketSet): PacketSet => apply(DIFF, a, b);
export const not = (a: PacketSet): PacketSet => apply(DIFF, FULL, a);

/** Union of many sets by balanced pairwise merging: O(n log n) merges of similar-sized operands. */
export function unionAll(sets: readonly PacketSet[]): PacketSet {
  const n = sets.length;
  if (n <= 2) return n === 0 ? EMPTY : n === 1 ? sets[0]! : or(sets[0]!, sets[1]!);
  // Layers merged in place in one copy (`or` never calls back here): a new array per layer was garbage.
  const layer = sets.slice();
  for (let len = n; len > 1; len = (len + 1) >> 1)
    for (let i = 0; i < len; i += 2) layer[i >> 1] = i + 1 < len ? or(layer[i]!, layer[i + 1]!) : layer[i]!;
  return layer[0]!;
}

/** A one-dimensional interval [lo, hi) on `dim` with `inside` within it and EMPTY outside. */
function interval(dim: number, fam: Family, lo: Bound, hi: Bound, inside: PacketSet): PacketSet {
  if (inside === EMPTY || !(lo < hi)) return EMPTY;
  // Built on the scratch stacks: most intervals asked for already exist, and arrays made for them were garbage.
  const c0 = cutsTop;
  const k0 = kidsTop;
  if (domainStart(dim, fam) < lo) {
    scratchKids[kidsTop++] = EMPTY;
    scratchCuts[cutsTop++] = lo;
  }
  scratchKids[kidsTop++] = inside;
  if (hi < domainEnd(dim, fam)) {
    scratchCuts[cutsTop++] = hi;
    scratchKids[kidsTop++] = EMPTY;
  }
  const r = mkRange(dim, scratchCuts, c0, scratchKids, k0, kidsTop - k0, false);
  cutsTop = c0;
  kidsTop = k0;
  return r;
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

const boundsCache = new WeakMap<Cidr, readonly [Bound, Bound]>();
/**
 * Half-open bounds of a CIDR in the family's representation, computed once per CIDR object: the per-packet
 * evaluator asks for them for every rule it reads, and converting bigints each time was most of its cost.
 */
export function cidrBounds(c: Cidr): readonly [Bound, Bound] {
  let b = boundsCache.get(c);
  if (!b) {
    b = c.family === 4 ? [Number(c.first), Number(c.last) + 1] : [c.first, c.last + 1n];
    boundsCache.set(c, b);
  }
  return b;
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
    // Indexed, not spread: spreading a tuple goes through the iterator protocol, and boxes are made by the million.
    if (spec.src) {
      const b = cidrBounds(spec.src);
      s = interval(SRC, fam, b[0], b[1], s);
    }
    if (spec.dst) {
      const b = cidrBounds(spec.dst);
      s = interval(DST, fam, b[0], b[1], s);
    }
    parts.push(fams.length === 2 || spec.fam !== undefined ? interval(FAM, fam, fam, fam + 1, s) : s);
  }
  return unionAll(parts);
}

/** Addresses as a set on one dimension (SRC or DST): the union of the CIDRs. */
export function addresses(dim: typeof SRC | typeof DST, cidrs: readonly Cidr[]): PacketSet {
  if (cidrs.length === 1) {
    // box() for one range, without its spec, family list and union: asked for by the hundred thousand.
    const fam = familyOf(cidrs[0]!);
    const b = cidrBounds(cidrs[0]!);
    return interval(FAM, fam, fam, fam + 1, interval(dim, fam, b[0], b[1], FULL));
  }
  return unionOverAddresses(
    dim,
    cidrs.map((c) => ({ cidr: c, inner: FULL })),
  );
}

/** An address range (a CIDR) on one dimension, times a set over the dimensions after it. */
export interface AddressEntry {
  cidr: Cidr;
  inner: PacketSet;
}

/**
 * The union of `cidr × inner` over the entries, on `dim` (SRC or DST), where no inner set splits `dim` or a dimension
 * before it: one sorted sweep over the ranges' ends per family, instead of merging one box per entry pairwise. A
 * security group of fifty rules, or a group referenced by its members' addresses, becomes one node per family; the
 * pairwise unions made a node (and garbage) per step.
 */
export function unionOverAddresses(dim: typeof SRC | typeof DST, entries: readonly AddressEntry[]): PacketSet {
  if (entries.length === 0) return EMPTY;
  // An inner set split by family first (a filter's) contributes its part of the range's family.
  const byFam: AddressEntry[][] = [[], []];
  for (const e of entries) {
    const fam = familyOf(e.cidr);
    const inner = e.inner.dim === FAM ? e.inner.kids[childIndex(e.inner, fam)]! : e.inner;
    if (inner.dim <= dim)
      return unionAll(entries.map((x) => and(box(dim === SRC ? { src: x.cidr } : { dst: x.cidr }), x.inner)));
    byFam[fam]!.push(inner === e.inner ? e : { cidr: e.cidr, inner });
  }
  const parts: PacketSet[] = [];
  for (const fam of [V4, V6] as const) {
    const node = sweep(dim, fam, byFam[fam]!);
    if (node !== EMPTY) parts.push(interval(FAM, fam, fam, fam + 1, node));
  }
  return parts.length === 2 ? or(parts[0]!, parts[1]!) : (parts[0] ?? EMPTY);
}

/**
 * One family's node of `unionOverAddresses`: CIDRs are nested or disjoint, so sorted by start (and the wider first
 * at one start) the ranges covering a position form a chain, kept as a stack of running unions: each range costs one
 * union with the range around it. A sweep over start and end events re-united every range still open at each event,
 * and allocated an event object per end.
 */
function sweep(dim: number, fam: Family, entries: readonly AddressEntry[]): PacketSet {
  const n = entries.length;
  if (n === 0) return EMPTY;
  const los: Bound[] = new Array<Bound>(n);
  const his: Bound[] = new Array<Bound>(n);
  let order: ArrayLike<number>;
  if (fam === V4 && n < 1 << 15) {
    // IPv4: (start, prefix, index) packed exactly into one double (2^32 × 2^6 × 2^15 = 2^53), sorted natively; a
    // comparator called from the sort was most of the sweep. By start, the wider range first at one start.
    const keys = new Float64Array(n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const c = entries[i]!.cidr;
      const b = cidrBounds(c);
      los[i] = b[0];
      his[i] = b[1];
      if (entries[i]!.inner !== EMPTY) keys[k++] = ((b[0] as number) * 64 + (c.prefix & 63)) * 32768 + i;
    }
    const sorted = keys.subarray(0, k).sort();
    const idx = new Uint16Array(k);
    for (let j = 0; j < k; j++) idx[j] = sorted[j]! % 32768;
    order = idx;
  } else {
    const list: number[] = [];
    for (let i = 0; i < n; i++) {
      const b = cidrBounds(entries[i]!.cidr);
      los[i] = b[0];
      his[i] = b[1];
      if (entries[i]!.inner !== EMPTY) list.push(i);
    }
    list.sort((x, y) => {
      const a = los[x]!;
      const b = los[y]!;
      if (a !== b) return a < b ? -1 : 1;
      const c = his[x]!;
      const d = his[y]!;
      return c === d ? 0 : c > d ? -1 : 1;
    });
    order = list;
  }
  const out = new Segments(dim, fam);
  const stackHi: Bound[] = [];
  const stackSet: PacketSet[] = [];
  let pos = domainStart(dim, fam);
  // Closes the innermost open range: its running union up to its end.
  const pop = () => {
    const end = stackHi.pop()!;
    const set = stackSet.pop()!;
    if (pos < end) {
      out.push(set, end);
      pos = end;
    }
  };
  for (let j = 0; j < order.length; j++) {
    const i = order[j]!;
    const lo = los[i]!;
    const hi = his[i]!;
    while (stackHi.length > 0 && stackHi[stackHi.length - 1]! <= lo) pop();
    const top = stackSet.length > 0 ? stackSet[stackSet.length - 1]! : EMPTY;
    // Ranges that overlap without nesting are not CIDRs: never made by the parser, but not assumed either.
    if (stackHi.length > 0 && stackHi[stackHi.length - 1]! < hi) return sweepEvents(dim, fam, entries);
    if (pos < lo) {
      out.push(top, lo);
      pos = lo;
    }
    stackHi.push(hi);
    stackSet.push(or(top, entries[i]!.inner));
  }
  while (stackHi.length > 0) pop();
  return out.node(pos, EMPTY);
}

/** `sweep` for ranges in any arrangement: at each range end, the union of the entries covering what follows. */
function sweepEvents(dim: number, fam: Family, entries: readonly AddressEntry[]): PacketSet {
  const events: { at: Bound; add: boolean; inner: PacketSet }[] = [];
  for (const e of entries) {
    const b = cidrBounds(e.cidr);
    if (e.inner === EMPTY) continue;
    events.push({ at: b[0], add: true, inner: e.inner }, { at: b[1], add: false, inner: e.inner });
  }
  events.sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
  const out = new Segments(dim, fam);
  // The inner sets covering the current position, counted.
  const active = new Map<PacketSet, number>();
  let pos = domainStart(dim, fam);
  let current: PacketSet = EMPTY;
  for (let i = 0; i < events.length;) {
    const at = events[i]!.at;
    if (pos < at) out.push(current, at);
    pos = at;
    for (; i < events.length && events[i]!.at === at; i++) {
      const ev = events[i]!;
      const k = (active.get(ev.inner) ?? 0) + (ev.add ? 1 : -1);
      if (k === 0) active.delete(ev.inner);
      else active.set(ev.inner, k);
    }
    current = EMPTY;
    for (const s of active.keys()) current = or(current, s);
  }
  return out.node(pos, current);
}

/**
 * A node on one dimension built left to right: each child up to where it ends, equal neighbours merged (the
 * canonical form `apply` makes, so hash-consing finds the same node).
 */
class Segments {
  private readonly kids: PacketSet[] = [];
  private readonly ends: Bound[] = [];
  constructor(
    private readonly dim: number,
    private readonly fam: Family,
  ) {}

  push(k: PacketSet, end: Bound): void {
    const { kids, ends } = this;
    if (kids.length > 0 && kids[kids.length - 1] === k) ends[ends.length - 1] = end;
    else {
      kids.push(k);
      ends.push(end);
    }
  }

  /** The node, with `rest` from `pos` to the end of the domain. */
  node(pos: Bound, rest: PacketSet): PacketSet {
    const end = domainEnd(this.dim, this.fam);
    if (pos < end) this.push(rest, end);
    return this.kids.length === 1 ? this.kids[0]! : mk(this.dim, this.ends.slice(0, -1), this.kids);
  }
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
  const b = cidrBounds(c);
  const lo = b[0];
  const hi = b[1];
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

/**
 * `a` restricted to several addresses (ranges) on one dimension: `unionAll` of `restrictAddress` per range, built as
 * one node per family in a single pass when each range falls inside one child of `a`'s node on that dimension (the
 * usual case: a destination group's interface addresses), instead of merging the slices pairwise.
 */
export function restrictAddresses(a: PacketSet, dim: typeof SRC | typeof DST, cidrs: readonly Cidr[]): PacketSet {
  if (cidrs.length <= 1) return cidrs.length ? restrictAddress(a, dim, cidrs[0]!) : EMPTY;
  const parts: PacketSet[] = [];
  for (const fam of [V4, V6] as const) {
    const bounds = cidrs
      .filter((c) => familyOf(c) === fam)
      .map(cidrBounds)
      .sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
    if (bounds.length === 0) continue;
    let n = a;
    if (n.dim === FAM) n = n.kids[childIndex(n, fam)]!;
    if (n === EMPTY) continue;
    const slow = () =>
      and(
        a,
        addresses(
          dim,
          cidrs.filter((c) => familyOf(c) === fam),
        ),
      );
    if (n.dim < dim) {
      parts.push(slow());
      continue;
    }
    const out = new Segments(dim, fam);
    let pos = domainStart(dim, fam);
    let fast = true;
    for (const [lo0, hi] of bounds) {
      const lo = lo0 < pos ? pos : lo0;
      if (!(lo < hi)) continue;
      let kid = n;
      if (n.dim === dim) {
        const i = childIndex(n, lo);
        if (i !== childIndex(n, typeof hi === 'bigint' ? hi - 1n : hi - 1)) {
          fast = false;
          break;
        }
        kid = n.kids[i]!;
      }
      if (pos < lo) out.push(EMPTY, lo);
      out.push(kid, hi);
      pos = hi;
    }
    if (!fast) {
      parts.push(slow());
      continue;
    }
    const node = out.node(pos, EMPTY);
    parts.push(node === EMPTY ? EMPTY : interval(FAM, fam, fam, fam + 1, node));
  }
  return unionAll(parts);
}

/**
 * The same set as a node of the current hash-consing table (after `resetPacketSets`, sets built before are valid but
 * no longer shared with new ones, so equal neighbours would not be merged and a union could come out split).
 */
export function rebuild(a: PacketSet, done = new Map<number, PacketSet>()): PacketSet {
  if (a.dim === TERMINAL) return a;
  const hit = done.get(a.id);
  if (hit) return hit;
  const cuts: Bound[] = [];
  const kids: PacketSet[] = [rebuild(a.kids[0]!, done)];
  for (let i = 1; i < a.kids.length; i++) {
    const k = rebuild(a.kids[i]!, done);
    if (k === kids[kids.length - 1]) continue;
    cuts.push(a.cuts[i - 1]!);
    kids.push(k);
  }
  const r = mk(a.dim, cuts, kids);
  done.set(a.id, r);
  return r;
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
 * The union of children i..j (inclusive) of a node, from a segment tree over its children built on first use: a
 * question about a range of addresses then costs a logarithm of the children instead of a pass over them.
 */
function rangeUnion(n: PacketSet, i: number, j: number): PacketSet {
  const k = n.kids.length;
  if (i === j) return n.kids[i]!;
  let tree = rangeTrees.get(n.id);
  if (!tree) {
    tree = new Array<PacketSet>(2 * k);
    for (let x = 0; x < k; x++) tree[k + x] = n.kids[x]!;
    for (let x = k - 1; x >= 1; x--) tree[x] = or(tree[2 * x]!, tree[2 * x + 1]!);
    rangeTrees.set(n.id, tree);
  }
  let r = EMPTY;
  for (let lo = i + k, hi = j + k + 1; lo < hi; lo >>= 1, hi >>= 1) {
    if (lo & 1) r = or(r, tree[lo++]!);
    if (hi & 1) r = or(r, tree[--hi]!);
  }
  return r;
}

/**
 * `exists(and(a, b), [dim])` for dim SRC or DST, without building the intersection: at the quantified dimension, for
 * each interval of the operand with fewer intervals, its child meets the union of the other operand's children over
 * that interval (rangeUnion). A zone's sources (one interval per source address) against a destination's admitted
 * sources (a few ranges) so costs the ranges times a logarithm, where the intersection itself is as large as the
 * relation between every source and destination.
 */
export function andExists(a: PacketSet, b: PacketSet, dim: typeof SRC | typeof DST): PacketSet {
  if (a === EMPTY || b === EMPTY) return EMPTY;
  const q = dim === SRC ? 0 : 1;
  if (a.id > b.id) [a, b] = [b, a];
  const cache = andExistsMemo[q]!;
  const hit = cache.get(a.id, b.id);
  if (hit) return hit;
  let r: PacketSet;
  const top = Math.min(a.dim, b.dim);
  if (top > dim) r = and(a, b);
  else if (top === dim) {
    if (a.dim !== dim) r = and(a, exists(b, [dim]));
    else if (b.dim !== dim) r = and(exists(a, [dim]), b);
    else {
      // Walk the operand with fewer intervals; the other answers with the union over each interval.
      const [few, many] = a.kids.length <= b.kids.length ? [a, b] : [b, a];
      const parts: PacketSet[] = [];
      for (let x = 0; x < few.kids.length; x++) {
        const kid = few.kids[x]!;
        if (kid === EMPTY) continue;
        const i = x === 0 ? 0 : childIndex(many, few.cuts[x - 1]!);
        const j = x === few.cuts.length ? many.kids.length - 1 : childIndexBefore(many, few.cuts[x]!);
        const other = rangeUnion(many, i, j);
        if (other !== EMPTY) parts.push(and(kid, other));
      }
      r = unionAll(parts);
    }
  } else {
    // Above the quantified dimension: split like an intersection, skipping where either side is empty.
    const aSplits = a.dim === top;
    const bSplits = b.dim === top;
    const ac = aSplits ? a.cuts : NO_CUTS;
    const bc = bSplits ? b.cuts : NO_CUTS;
    // Built on the scratch stacks as in `apply` (recursive calls work above this call's entries): most results
    // exist already, and arrays made for them were garbage.
    const c0 = cutsTop;
    const k0 = kidsTop;
    let i = 0;
    let j = 0;
    let lo: Bound | undefined;
    for (;;) {
      const ka = aSplits ? a.kids[i]! : a;
      const kb = bSplits ? b.kids[j]! : b;
      const k = ka === EMPTY || kb === EMPTY ? EMPTY : andExists(ka, kb, dim);
      if (kidsTop === k0) scratchKids[kidsTop++] = k;
      else if (k !== scratchKids[kidsTop - 1]) {
        scratchCuts[cutsTop++] = lo!;
        scratchKids[kidsTop++] = k;
      }
      if (i >= ac.length && j >= bc.length) break;
      // Galloping as in `apply`: an empty side stays empty up to its next cut (to the end after its last one).
      if (ka === EMPTY) {
        if (i >= ac.length) break;
        j = lowerBound(bc, j, ac[i]!);
      } else if (kb === EMPTY) {
        if (j >= bc.length) break;
        i = lowerBound(ac, i, bc[j]!);
      }
      if (j >= bc.length || (i < ac.length && ac[i]! < bc[j]!)) lo = ac[i++]!;
      else if (i >= ac.length || bc[j]! < ac[i]!) lo = bc[j++]!;
      else {
        lo = ac[i++]!;
        j++;
      }
    }
    r = mkRange(top, scratchCuts, c0, scratchKids, k0, kidsTop - k0, false);
    cutsTop = c0;
    kidsTop = k0;
  }
  cache.set(a.id, b.id, r);
  return r;
}

/** Index of the child whose interval holds the value just below `v` (the last child starting before `v`). */
function childIndexBefore(n: PacketSet, v: Bound): number {
  return lowerBound(n.cuts, 0, v);
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
/**
 * A member of `and(a, b)` (undefined when they do not meet), found without building the intersection: a depth-first
 * walk over both diagrams' intervals that stops at the first point in both, with pairs already found disjoint
 * remembered. For a witness source among a zone's sources (a wide set) admitted by one destination (a narrow one).
 */
export function pickAnd(a: PacketSet, b: PacketSet): Point | undefined {
  if (a === EMPTY || b === EMPTY) return undefined;
  const point: Point = { fam: V4, src: 0, dst: 0, proto: 6, port: 0 };
  const chosen = new Set<number>();
  const disjoint = new Set<string>();
  const go = (x: PacketSet, y: PacketSet): boolean => {
    if (x === EMPTY || y === EMPTY) return false;
    if (x === FULL && y === FULL) return true;
    const key = x.id < y.id ? `${x.id},${y.id}` : `${y.id},${x.id}`;
    if (disjoint.has(key)) return false;
    const dim = Math.min(x.dim, y.dim);
    const at = (n: PacketSet, v: Bound) => (n.dim === dim ? n.kids[childIndex(n, v)]! : n);
    chosen.add(dim);
    if (dim === PROTO)
      for (const want of PREFERRED_PROTO) {
        point.proto = want;
        if (go(at(x, want), at(y, want))) return true;
      }
    // The node with fewer intervals leads; the other's children are found by binary search inside each interval.
    const [n, w] = x.dim !== dim ? [y, x] : y.dim !== dim || x.kids.length <= y.kids.length ? [x, y] : [y, x];
    for (let i = 0; i < n.kids.length; i++) {
      const kn = n.kids[i]!;
      if (kn === EMPTY) continue;
      const lo = i === 0 ? domainStart(dim, point.fam) : n.cuts[i - 1]!;
      const hi = i === n.cuts.length ? domainEnd(dim, point.fam) : n.cuts[i]!;
      if (w.dim !== dim) {
        set(point, dim, lo);
        if (go(kn, w)) return true;
        continue;
      }
      for (let j = childIndex(w, lo); j < w.kids.length; j++) {
        const start = j === 0 ? domainStart(dim, point.fam) : w.cuts[j - 1]!;
        if (!(start < hi)) break;
        const kw = w.kids[j]!;
        if (kw === EMPTY) continue;
        set(point, dim, start > lo ? start : lo);
        if (go(kn, kw)) return true;
      }
    }
    chosen.delete(dim);
    disjoint.add(key);
    return false;
  };
  if (!go(a, b)) return undefined;
  if (!chosen.has(SRC)) point.src = domainStart(SRC, point.fam);
  if (!chosen.has(DST)) point.dst = domainStart(DST, point.fam);
  if (!chosen.has(PROTO)) point.proto = 6;
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
