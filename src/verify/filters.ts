/**
 * Filters as packet sets (for the set evaluator) and as per-packet decisions (for traces and the naive evaluator).
 * Both read the same FilterRule list. Unknown remotes make a three-valued answer: `yes` holds packets surely
 * allowed, `maybe` those possibly allowed (yes ⊆ maybe); the difference is traffic cordon cannot decide.
 */
import {
  addresses,
  and,
  box,
  cidrBounds,
  diff,
  DST,
  EMPTY,
  exists,
  familyOf,
  FULL,
  not,
  or,
  PORT,
  PROTO,
  SRC,
  swapAddressDim,
  unionAll,
  unionOverAddresses,
  V4,
  type AddressEntry,
  type PacketSet,
  type Point,
} from './packet-set.js';
import { hasPorts, type AddressSpace, type Filter, type FilterRule, type Ref, type Remote } from './model.js';
import type { Cidr } from '../util/cidr.js';

export interface TriSet {
  yes: PacketSet;
  maybe: PacketSet;
}

export const TRI_EMPTY: TriSet = { yes: EMPTY, maybe: EMPTY };
export const TRI_FULL: TriSet = { yes: FULL, maybe: FULL };

export const tri = (s: PacketSet): TriSet => ({ yes: s, maybe: s });
export const triAnd = (a: TriSet, b: TriSet): TriSet => ({ yes: and(a.yes, b.yes), maybe: and(a.maybe, b.maybe) });
export const triOr = (a: TriSet, b: TriSet): TriSet => ({ yes: or(a.yes, b.yes), maybe: or(a.maybe, b.maybe) });
export const triAndSet = (a: TriSet, s: PacketSet): TriSet => ({ yes: and(a.yes, s), maybe: and(a.maybe, s) });
export function triUnion(list: readonly TriSet[]): TriSet {
  if (list.length === 1) return list[0]!;
  const yes = unionAll(list.map((t) => t.yes));
  // Most sides are sure (maybe is yes): one union serves both.
  return list.every((t) => t.yes === t.maybe)
    ? { yes, maybe: yes }
    : { yes, maybe: unionAll(list.map((t) => t.maybe)) };
}

const PORT_PROTOS = or(box({ proto: [6, 6] }), box({ proto: [17, 17] }));

const protoPortCache = new Map<string, PacketSet>();
/** Protocol × port part of a rule: ports constrain only the protocols that have them. */
export function protoPorts(proto: readonly [number, number], ports: readonly [number, number]): PacketSet {
  const key = `${proto[0]}-${proto[1]}/${ports[0]}-${ports[1]}`;
  let s = protoPortCache.get(key);
  if (!s) {
    const p = box({ proto });
    s = ports[0] === 0 && ports[1] === 65535 ? p : and(p, or(box({ port: ports }), diff(FULL, PORT_PROTOS)));
    protoPortCache.set(key, s);
  }
  return s;
}

function spaceSet(sp: AddressSpace, dim: typeof SRC | typeof DST): PacketSet {
  return diff(addresses(dim, sp.include), addresses(dim, sp.exclude));
}

/** The addresses (on `dim`) remotes surely and possibly match; undefined remotes match every address. */
function remotesSets(remotes: readonly Remote[] | undefined, dim: typeof SRC | typeof DST): TriSet {
  if (!remotes) return TRI_FULL;
  const yes: PacketSet[] = [];
  const maybe: PacketSet[] = [];
  for (const r of remotes) {
    if (r.kind === 'unknown') maybe.push(r.within ? spaceSet(r.within, dim) : FULL);
    else if (r.kind === 'space') yes.push(spaceSet(r.space, dim));
    else yes.push(addresses(dim, r.kind === 'cidr' ? [r.cidr] : r.addresses));
  }
  const y = unionAll(yes);
  return { yes: y, maybe: or(y, unionAll(maybe)) };
}

/** The packets a rule surely matches and those it may match. */
export function ruleSets(rule: FilterRule, direction: 'in' | 'out'): TriSet {
  const hit = ruleCache.get(rule);
  if (hit?.direction === direction) return hit.set;
  const remote = direction === 'in' ? SRC : DST;
  const pp = protoPorts(rule.proto, rule.ports);
  const far = remotesSets(rule.remotes, remote);
  const near = remotesSets(rule.locals, remote === SRC ? DST : SRC);
  const set = { yes: and(and(far.yes, near.yes), pp), maybe: and(and(far.maybe, near.maybe), pp) };
  ruleCache.set(rule, { direction, set });
  return set;
}
/** Compilers share rule objects between the filters that include a group: each rule's sets are built once. */
const ruleCache = new WeakMap<FilterRule, { direction: 'in' | 'out'; set: TriSet }>();

const compiled = new WeakMap<Filter, TriSet>();
const runCache = new WeakMap<FilterRule, { length: number; direction: 'in' | 'out'; set: TriSet }>();

/** The union of a run of one resource's rules, cached by its first rule object (compilers reuse them per group). */
function runSets(run: readonly FilterRule[], direction: 'in' | 'out'): TriSet {
  if (run.length === 0) return TRI_EMPTY;
  const hit = runCache.get(run[0]!);
  if (hit && hit.length === run.length && hit.direction === direction) return hit.set;
  const set = plainRunSets(run, direction);
  runCache.set(run[0]!, { length: run.length, direction, set });
  return set;
}

/**
 * A run's union with its plain rules (only address remotes, no local addresses: a security group's) built in one
 * sweep over their ranges (packet-set.ts `unionOverAddresses`) rather than one set per rule merged pairwise; other
 * rules as `ruleSets`.
 */
function plainRunSets(run: readonly FilterRule[], direction: 'in' | 'out'): TriSet {
  const dim = direction === 'in' ? SRC : DST;
  const entries: AddressEntry[] = [];
  const others: TriSet[] = [];
  for (const r of run) {
    const plain = r.locals === undefined && r.remotes?.every((x) => x.kind === 'cidr' || x.kind === 'members');
    if (!plain) {
      others.push(ruleSets(r, direction));
      continue;
    }
    const inner = protoPorts(r.proto, r.ports);
    for (const x of r.remotes)
      if (x.kind === 'cidr') entries.push({ cidr: x.cidr, inner });
      else if (x.kind === 'members') for (const c of x.addresses) entries.push({ cidr: c, inner });
  }
  if (entries.length === 0) return triUnion(others);
  return triOr(tri(unionOverAddresses(dim, entries)), triUnion(others));
}

/** The packets a filter allows (three-valued), cached per filter object. */
export function filterSets(f: Filter): TriSet {
  const hit = compiled.get(f);
  if (hit) return hit;
  let result: TriSet;
  if (f.order === 'any-allow') {
    // Interfaces share groups in many combinations: union each group's rules once (runs of rules from one resource,
    // cached by their first rule object, which compilers reuse per group) and then the groups.
    const runs: FilterRule[][] = [];
    for (const r of f.rules) {
      if (r.action !== 'allow') continue;
      const last = runs[runs.length - 1];
      if (last && last[0]!.ref.resourceId === r.ref.resourceId) last.push(r);
      else runs.push([r]);
    }
    result = triUnion(runs.map((run) => runSets(run, f.direction)));
  } else result = firstMatchAllowed(f, () => true);
  compiled.set(f, result);
  return result;
}

/** What a first-match filter allows by the allow rules `counts` accepts: each rule only where no earlier one decided. */
function firstMatchAllowed(f: Filter, counts: (r: FilterRule) => boolean): TriSet {
  let yes = EMPTY;
  let maybe = EMPTY;
  // Packets no earlier rule may have matched, except counted allows: whichever of those matched, it was allowed.
  let surelyReaches = FULL;
  let mayReach = FULL; // packets no earlier rule surely matched
  for (const r of f.rules) {
    const m = ruleSets(r, f.direction);
    const counted = r.action === 'allow' && counts(r);
    if (counted) {
      yes = or(yes, and(surelyReaches, m.yes));
      maybe = or(maybe, and(mayReach, m.maybe));
    } else surelyReaches = diff(surelyReaches, m.maybe);
    mayReach = diff(mayReach, m.yes);
  }
  return { yes, maybe };
}

const byResource = new WeakMap<Filter, Map<string, TriSet>>();

/**
 * The packets a filter admits by the rules of one resource (a security group of an interface, one firewall rule, an
 * NSG): in first-match order only what no earlier rule decided. A finding names the resource to change; what is
 * left after taking out each named resource's part names the next one.
 */
export function resourceAdmits(f: Filter, resourceId: string): TriSet {
  let m = byResource.get(f);
  if (!m) byResource.set(f, (m = new Map<string, TriSet>()));
  const hit = m.get(resourceId);
  if (hit) return hit;
  let result: TriSet;
  if (f.order === 'any-allow')
    result = runSets(
      f.rules.filter((r) => r.action === 'allow' && r.ref.resourceId === resourceId),
      f.direction,
    );
  else result = firstMatchAllowed(f, (r) => r.ref.resourceId === resourceId);
  m.set(resourceId, result);
  return result;
}

// ---- per packet ----

function inCidr(c: Cidr, fam: number, addr: number | bigint): boolean {
  if (familyOf(c) !== fam) return false;
  const b = cidrBounds(c);
  const lo = b[0];
  const hi = b[1];
  return lo <= addr && addr < hi;
}

export type Tri = 'yes' | 'no' | 'maybe';

function inSpace(sp: AddressSpace, fam: number, addr: number | bigint): boolean {
  return sp.include.some((c) => inCidr(c, fam, addr)) && !sp.exclude.some((c) => inCidr(c, fam, addr));
}

function remotesMatch(remotes: readonly Remote[] | undefined, fam: number, addr: number | bigint): Tri {
  if (!remotes) return 'yes';
  let unknown = false;
  for (const r of remotes) {
    if (r.kind === 'unknown') unknown ||= !r.within || inSpace(r.within, fam, addr);
    else if (
      r.kind === 'space'
        ? inSpace(r.space, fam, addr)
        : (r.kind === 'cidr' ? [r.cidr] : r.addresses).some((c) => inCidr(c, fam, addr))
    )
      return 'yes';
  }
  return unknown ? 'maybe' : 'no';
}

/** Does the rule match the packet? Reads the raw rule, not its compiled set. */
export function ruleMatches(rule: FilterRule, direction: 'in' | 'out', p: Point): Tri {
  if (p.proto < rule.proto[0] || p.proto > rule.proto[1]) return 'no';
  if (hasPorts(p.proto) && (p.port < rule.ports[0] || p.port > rule.ports[1])) return 'no';
  const far = remotesMatch(rule.remotes, p.fam, direction === 'in' ? p.src : p.dst);
  if (far === 'no') return 'no';
  const near = remotesMatch(rule.locals, p.fam, direction === 'in' ? p.dst : p.src);
  if (near === 'no') return 'no';
  return far === 'yes' && near === 'yes' ? 'yes' : 'maybe';
}

export interface FilterDecision {
  verdict: Tri;
  /** The rule that decided (or the default), and rules that might have matched before it. */
  ref: Ref;
  undecidedBy: Ref[];
}

/** The filter's decision on one packet, with the rule that made it. */
export function decidePacket(f: Filter, p: Point): FilterDecision {
  if (f.order === 'any-allow') {
    const maybes: Ref[] = [];
    for (const r of f.rules) {
      if (r.action !== 'allow') continue;
      const m = ruleMatches(r, f.direction, p);
      if (m === 'yes') return { verdict: 'yes', ref: r.ref, undecidedBy: [] };
      if (m === 'maybe') maybes.push(r.ref);
    }
    return maybes.length > 0
      ? { verdict: 'maybe', ref: maybes[0]!, undecidedBy: maybes }
      : { verdict: 'no', ref: f.defaultRef, undecidedBy: [] };
  }
  // Three-valued first match: a rule that may match leaves both outcomes open until one rule surely matches (an allow
  // after rules that may only have allowed it allows it whichever matched).
  let allowPossible = false;
  let denyPossible = false;
  const maybes: Ref[] = [];
  for (const r of f.rules) {
    const m = ruleMatches(r, f.direction, p);
    if (m === 'no') continue;
    if (m === 'maybe') {
      if (r.action === 'allow') allowPossible = true;
      else denyPossible = true;
      maybes.push(r.ref);
      continue;
    }
    if (r.action === 'allow')
      return denyPossible
        ? { verdict: 'maybe', ref: r.ref, undecidedBy: maybes }
        : { verdict: 'yes', ref: r.ref, undecidedBy: [] };
    return { verdict: allowPossible ? 'maybe' : 'no', ref: r.ref, undecidedBy: maybes };
  }
  // Undecided: name the first rule that may have allowed it (the one to resolve), else the default.
  const firstMaybe = f.rules.find((r) => r.action === 'allow' && maybes.includes(r.ref));
  return { verdict: allowPossible ? 'maybe' : 'no', ref: firstMaybe?.ref ?? f.defaultRef, undecidedBy: maybes };
}

/**
 * Other resources of an any-allow filter (an interface's other security groups) that also surely admit the packet:
 * a trace names them, because removing the deciding rule alone would still let the packet in.
 */
export function alsoAdmittedBy(f: Filter, p: Point, decided: Ref): Ref[] {
  if (f.order !== 'any-allow') return [];
  const seen = new Set<string>([decided.resourceId]);
  const out: Ref[] = [];
  for (const r of f.rules) {
    if (r.action !== 'allow' || seen.has(r.ref.resourceId)) continue;
    if (ruleMatches(r, f.direction, p) === 'yes') {
      seen.add(r.ref.resourceId);
      out.push(r.ref);
    }
  }
  return out;
}

/** Helpers for IPv4 tests and tools. */
export const isV4 = (p: Point): boolean => p.fam === V4;

/**
 * Remotes (on `as`) whose replies pass the filter on some (`exists`) or every (`all`) port of the range. Kept per
 * filter set: the load-balancer legs ask it per load balancer and backend, of a few subnets' filters.
 */
export function replyRemotes(
  f: TriSet,
  direction: 'in' | 'out',
  ports: readonly [number, number],
  mode: 'exists' | 'all',
  as: typeof SRC | typeof DST,
): TriSet {
  let m = replyMemo.get(f);
  if (!m) replyMemo.set(f, (m = new Map<string, TriSet>()));
  const k = `${direction}|${ports[0]}-${ports[1]}|${mode}|${as}`;
  const hit = m.get(k);
  if (hit) return hit;
  const q = protoPorts([6, 6], ports);
  const remoteDim = direction === 'in' ? SRC : DST;
  const keep = (s: PacketSet) => exists(s, [remoteDim === SRC ? DST : SRC, PROTO, PORT]);
  const one = (s: PacketSet): PacketSet => {
    const r = mode === 'exists' ? keep(and(s, q)) : not(keep(and(q, not(s))));
    return remoteDim === as ? r : swapAddressDim(r, remoteDim);
  };
  const r = { yes: one(f.yes), maybe: one(f.maybe) };
  m.set(k, r);
  return r;
}
const replyMemo = new WeakMap<TriSet, Map<string, TriSet>>();

/**
 * A stateless filter's decision on the reply of a TCP connection whose forward packet is `p`: the reply swaps the
 * addresses and goes to the client's port, on some (`exists`) or every (`all`) port of `ports`. Filters are constant
 * between the boundaries of their rules' port ranges, so checking each boundary inside the range checks every port.
 * `port` and `ref` name the deciding port and rule (the first that fails when the verdict is not a pass).
 */
export function replyDecision(
  f: Filter,
  p: Point,
  ports: readonly [number, number],
  mode: 'exists' | 'all',
): { verdict: Tri; port: number; ref: Ref } {
  const reply = { ...p, src: p.dst, dst: p.src };
  const candidates = new Set<number>([ports[0]]);
  for (const r of f.rules)
    for (const b of [r.ports[0], r.ports[1] + 1]) if (b >= ports[0] && b <= ports[1]) candidates.add(b);
  const decisions = [...candidates]
    .sort((a, b) => a - b)
    .map((port) => ({ port, d: decidePacket(f, { ...reply, port }) }));
  const pass = (v: Tri) =>
    mode === 'exists'
      ? decisions.some((x) => x.d.verdict === v)
      : decisions.every((x) => x.d.verdict === v || (v === 'maybe' && x.d.verdict === 'yes'));
  const verdict: Tri = pass('yes') ? 'yes' : pass('maybe') ? 'maybe' : 'no';
  const deciding =
    verdict === 'no' || (mode === 'all' && verdict !== 'yes')
      ? decisions.find((x) => x.d.verdict !== 'yes')!
      : (decisions.find((x) => x.d.verdict === 'yes') ?? decisions[0]!);
  return { verdict, port: deciding.port, ref: deciding.d.ref };
}
