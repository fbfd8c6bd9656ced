/**
 * Route tables: longest-prefix match, as a partition of destination addresses by target (for the set evaluator) and
 * as a lookup of one address (for traces). A route to a prefix list cordon cannot resolve leaves every destination
 * outside the local route undecided; gateway-endpoint routes only divert a cloud service's own addresses, which
 * cordon assumes are never the internet addresses it picks as witnesses (said once in the report's notes).
 */
import { box, cidrBounds, diff, EMPTY, familyOf, or, type PacketSet, type Point } from './packet-set.js';
import type { Route, RouteTable, RouteTarget } from './model.js';

export interface RouteAtoms {
  /** Destination sets (DST dimension) per target key: "local", "internet:<id>", "nat:<id>", "peering:<id>". */
  byTarget: Map<string, { route: Route; set: PacketSet }[]>;
  /** Destinations whose next hop cordon cannot tell. */
  unknown: PacketSet;
  unknownRoutes: Route[];
}

/**
 * Next hops a packet for the internet may still be forwarded through that cordon does not follow there (a transit
 * gateway to a central egress network, a chained NAT gateway or firewall, an unknown route): behind a NAT gateway
 * they leave the answer unknown, in both evaluators.
 */
export function forwardsOnward(t: RouteTarget): boolean {
  return (
    t.kind === 'transit-gateway' ||
    t.kind === 'nat' ||
    t.kind === 'firewall' ||
    t.kind === 'unknown' ||
    t.kind === 'attachment'
  );
}

export function targetKey(r: Route): string {
  const t = r.target;
  switch (t.kind) {
    case 'local':
      return 'local';
    case 'internet':
      return t.egressOnly ? `eigw:${t.id}` : `internet:${t.id}`;
    case 'nat':
      return `nat:${t.id}`;
    case 'peering':
      return `peering:${t.id}`;
    case 'service':
      return `service:${t.id}`;
    case 'firewall':
      return `firewall:${t.id}`;
    case 'transit-gateway':
      return `tgw:${t.id}`;
    case 'attachment':
      return `attach:${t.id}`;
    case 'drop':
      return 'drop';
    case 'unknown':
      return 'unknown';
  }
}

/** Prefix-list routes to anything but a gateway endpoint make the table's non-local answers unknown. */
function unresolvable(t: RouteTable): Route[] {
  return t.routes.filter((r) => r.destination === undefined && r.target.kind !== 'service');
}

/** Routes no route of unknown destination can override: local ones, and those the compiler pins (model.ts). */
const pinned = (r: Route): boolean => r.target.kind === 'local' || r.pinned === true;

const cache = new WeakMap<RouteTable, RouteAtoms>();

export function routeAtoms(t: RouteTable | undefined): RouteAtoms {
  if (!t) return { byTarget: new Map(), unknown: box({}), unknownRoutes: [] };
  const hit = cache.get(t);
  if (hit) return hit;
  const known = t.routes
    .filter((r) => r.destination !== undefined)
    .sort((a, b) => b.destination!.prefix - a.destination!.prefix);
  const opaque = unresolvable(t);
  const byTarget = new Map<string, { route: Route; set: PacketSet }[]>();
  let covered = EMPTY;
  let unknown = EMPTY;
  const unknownRoutes: Route[] = [...opaque];
  for (const r of known) {
    const d = box({ dst: r.destination! });
    const atom = diff(d, covered);
    covered = or(covered, d);
    if (atom === EMPTY) continue;
    const key = opaque.length > 0 && !pinned(r) ? 'unknown' : targetKey(r);
    if (key === 'unknown') {
      unknown = or(unknown, atom);
      if (!unknownRoutes.includes(r)) unknownRoutes.push(r);
      continue;
    }
    byTarget.set(key, [...(byTarget.get(key) ?? []), { route: r, set: atom }]);
  }
  if (opaque.length > 0) unknown = or(unknown, diff(box({}), covered));
  const result = { byTarget, unknown, unknownRoutes };
  cache.set(t, result);
  return result;
}

export function atomsOf(a: RouteAtoms, key: string): PacketSet {
  return (a.byTarget.get(key) ?? []).reduce((s, x) => or(s, x.set), EMPTY);
}

/** Why lookupRoute answers 'unknown' for this packet, for the witness (the route that leaves it undecided). */
export function unknownRouteReason(t: RouteTable | undefined, p: Point, dstOf: 'dst' | 'src' = 'dst'): string {
  if (!t) return 'no route table known';
  const r = unknownRoute(t, p, dstOf);
  const why = r?.target.kind === 'unknown' ? r.target.reason : 'destination not resolved';
  return r ? `${r.destinationText}: ${why}` : why;
}

/** The route that makes a lookup unknown (unknownRouteReason), where there is one: the rule a finding points at. */
export function unknownRoute(t: RouteTable | undefined, p: Point, dstOf: 'dst' | 'src' = 'dst'): Route | undefined {
  if (!t) return undefined;
  const best = longestMatch(t, p, dstOf);
  const opaque = unresolvable(t)[0];
  return opaque && !(best && pinned(best)) ? opaque : best;
}

function longestMatch(t: RouteTable, p: Point, dstOf: 'dst' | 'src'): Route | undefined {
  const addr = dstOf === 'dst' ? p.dst : p.src;
  let best: Route | undefined;
  for (const r of t.routes) {
    const c = r.destination;
    if (!c || familyOf(c) !== p.fam) continue;
    const b = cidrBounds(c);
    const lo = b[0];
    const hi = b[1];
    if (lo <= addr && addr < hi && (!best || c.prefix > best.destination!.prefix)) best = r;
  }
  return best;
}

/** The route a destination address takes, 'unknown' when a prefix list may decide it, or undefined (no route). */
export function lookupRoute(
  t: RouteTable | undefined,
  p: Point,
  dstOf: 'dst' | 'src' = 'dst',
): Route | 'unknown' | undefined {
  if (!t) return 'unknown';
  const best = longestMatch(t, p, dstOf);
  if (unresolvable(t).length > 0 && !(best && pinned(best))) return 'unknown';
  if (best?.target.kind === 'unknown') return 'unknown';
  return best;
}
