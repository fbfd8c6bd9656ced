/**
 * The set evaluator against the per-packet evaluator on random small AWS networks and random packets: for every
 * packet, membership in the computed sets (surely / maybe / not permitted) must equal the hop-by-hop verdict.
 */
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compileAws } from '../../src/verify/aws.js';
import { SetEvaluator, type ReplyMode } from '../../src/verify/evaluate.js';
import { addresses, contains, diff, DST, SRC, type Point } from '../../src/verify/packet-set.js';
import { tryParseCidr } from '../../src/util/cidr.js';
import { policySet, verifyModel, VERIFY_CHECKS } from '../../src/verify/questions.js';
import type { Interface } from '../../src/verify/model.js';
import assert from 'node:assert/strict';
import { assertAgreement, assertFindingFor, assertOutsideAgreement, zonePacket } from './agreement.js';
import { Tracer } from '../../src/verify/trace.js';
import type { AwsIpPermission, AwsNaclEntry } from '../../src/inventory/aws.js';
import { eni, inventory, nat, POLICY, sg, subnet, vpc } from './helpers.js';
import { addTgw, inZone } from './tgw-helpers.js';

const ZONES = ['app', 'inference', 'data'];
const PORTS = [22, 443, 1024, 6333, 40000, 65535];
const protoArb = fc.constantFrom('-1', '6', '17', '1');
const portRange = fc.constantFrom<[number, number]>(
  [443, 443],
  [0, 65535],
  [1024, 65535],
  [6333, 6334],
  [32768, 60999],
  [22, 443],
);

const world = fc.record({
  vpcs: fc.array(
    fc.record({
      igw: fc.boolean(),
      subnets: fc.array(
        fc.record({
          zone: fc.constantFrom(...ZONES),
          def: fc.constantFrom('none', 'igw', 'nat', 'tgw', 'pcx', 'blackhole'),
          enis: fc.integer({ min: 1, max: 2 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    }),
    { minLength: 2, maxLength: 3 },
  ),
  /** The NAT gateways' state: available, transitional (may forward: unknown) or gone. */
  natState: fc.constantFrom('available', 'available', 'pending', 'deleting', 'failed'),
  naclRules: fc.array(
    fc.record({
      n: fc.integer({ min: 1, max: 200 }),
      egress: fc.boolean(),
      protocol: protoArb,
      allow: fc.boolean(),
      cidr: fc.constantFrom('0.0.0.0/0', '10.0.0.0/8', '10.1.0.0/16', '10.2.1.0/24', '8.0.0.0/8'),
      ports: portRange,
    }),
    { maxLength: 10 },
  ),
  sgRules: fc.array(
    fc.record({
      egress: fc.boolean(),
      protocol: protoArb,
      ports: portRange,
      remote: fc.constantFrom('0.0.0.0/0', '10.0.0.0/8', '10.1.1.0/24', '10.2.0.0/16', 'group', 'pl'),
    }),
    { maxLength: 12 },
  ),
  // A transit gateway (tgw-1, which 'tgw' subnets route to): attachments per VPC (subnets as a bit mask, the table
  // it is associated with or none), routes per table, and each subnet's Availability Zone.
  tgw: fc.record({
    collected: fc.constantFrom(true, true, false),
    /** Whether the VPCs also peer (their peering routes are more specific than the gateway's). */
    peered: fc.boolean(),
    attachments: fc.array(
      fc.record({
        on: fc.constantFrom(true, true, false),
        subnets: fc.integer({ min: 1, max: 7 }),
        table: fc.constantFrom(0, 0, 1, -1),
        // States that forward, that may (unknown) and that do not; appliance mode (ApplianceModeSupport).
        state: fc.constantFrom('available', 'available', 'available', 'modifying', 'pending', 'deleting', 'deleted'),
        appliance: fc.boolean(),
      }),
      { minLength: 3, maxLength: 3 },
    ),
    // Per table and VPC: its /16 to its own attachment, to another one, a blackhole, or no route; then a few more.
    perVpc: fc.array(fc.constantFrom('own', 'own', 'own', 'other', 'blackhole', 'none'), {
      minLength: 6,
      maxLength: 6,
    }),
    routes: fc.array(
      fc.record({
        table: fc.constantFrom(0, 1),
        dest: fc.constantFrom('10.0.0.0/8', '0.0.0.0/0', '10.2.1.0/24', '10.3.0.0/16'),
        to: fc.constantFrom<number | 'blackhole' | 'vpn'>(0, 1, 2, 'blackhole', 'vpn'),
      }),
      { maxLength: 3 },
    ),
    azs: fc.array(fc.constantFrom('az1', 'az1', 'az2'), { minLength: 9, maxLength: 9 }),
  }),
  publics: fc.array(fc.constantFrom<'yes' | 'no' | 'unknown'>('yes', 'no', 'unknown'), {
    minLength: 12,
    maxLength: 12,
  }),
  packets: fc.array(
    fc.record({
      src: fc.nat(),
      dst: fc.nat(),
      internetDst: fc.boolean(),
      fromInternet: fc.boolean(),
      proto: fc.constantFrom(6, 17, 1),
      port: fc.constantFrom(...PORTS),
    }),
    { minLength: 5, maxLength: 15 },
  ),
});

type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

/** `overlap`: the third VPC reuses the first one's addresses (AWS allows it for VPCs that are not peered). */
function build(w: World, overlap = false) {
  const inv = inventory();
  const octet = (vi: number) => (overlap && vi === 2 ? 1 : vi + 1);
  w.vpcs.forEach((v, vi) => vpc(inv, `vpc-${vi + 1}`, `10.${octet(vi)}.0.0/16`, v.igw ? `igw-${vi + 1}` : undefined));
  let eniCount = 0;
  let rule = 0;
  w.vpcs.forEach((v, vi) => {
    v.subnets.forEach((s, si) => {
      const id = `s${vi + 1}${si + 1}`;
      const routes: [string, string][] = [];
      const peer = vi === 0 ? 2 : 1;
      if (w.tgw.peered)
        routes.push([`10.${octet(peer - 1)}.0.0/16`, `pcx-${Math.min(vi + 1, peer)}${Math.max(vi + 1, peer)}`]);
      if (s.def === 'igw') routes.push(['0.0.0.0/0', `igw-${vi + 1}`]);
      if (s.def === 'nat') routes.push(['0.0.0.0/0', `nat-${vi + 1}`]);
      if (s.def === 'tgw') routes.push(['0.0.0.0/0', 'tgw-1']);
      // Attached VPCs reach the other VPCs (but their peer, more specific) through the transit gateway.
      if (w.tgw.attachments[vi]!.on && (si + vi) % 3 !== 2) routes.push(['10.0.0.0/8', 'tgw-1']);
      if (s.def === 'pcx') routes.push(['0.0.0.0/0', `pcx-${Math.min(vi + 1, peer)}${Math.max(vi + 1, peer)}`]);
      if (s.def === 'blackhole') routes.push(['8.0.0.0/8', 'blackhole-x'], ['0.0.0.0/0', `igw-${vi + 1}`]);
      const entries = (egress: boolean): Omit<AwsNaclEntry, 'egress'>[] =>
        w.naclRules
          .filter((r, i) => r.egress === egress && (i + vi + si) % 2 === 0)
          .map((r) => ({
            ruleNumber: r.n + (rule++ % 7) * 1000,
            protocol: r.protocol,
            action: r.allow ? ('allow' as const) : ('deny' as const),
            cidr: r.cidr,
            ...(r.protocol === '6' || r.protocol === '17' ? { portRange: { from: r.ports[0], to: r.ports[1] } } : {}),
          }))
          .concat([
            {
              ruleNumber: 30000,
              protocol: '-1',
              action: (vi + si) % 3 === 0 ? ('deny' as const) : ('allow' as const),
              cidr: '0.0.0.0/0',
            },
          ]);
      subnet(inv, id, `vpc-${vi + 1}`, `10.${octet(vi)}.${si + 1}.0/24`, s.zone, routes, {
        in: entries(false),
        out: entries(true),
      });
      for (let k = 0; k < s.enis; k++) {
        const n = eniCount++;
        const perm = (r: (typeof w.sgRules)[number]): AwsIpPermission => ({
          protocol: r.protocol,
          ...(r.protocol === '6' || r.protocol === '17' ? { fromPort: r.ports[0], toPort: r.ports[1] } : {}),
          ipv4Ranges: r.remote.includes('/') ? [{ cidr: r.remote }] : [],
          ipv6Ranges: [],
          groupRefs: r.remote === 'group' ? [{ groupId: `sg-${(n + 1) % 4}` }] : [],
          prefixListIds: r.remote === 'pl' ? ['pl-1'] : [],
          pointer: '',
        });
        const mine = w.sgRules.filter((_, i) => (i + n) % 3 !== 0);
        sg(
          inv,
          `sg-${n}`,
          `vpc-${vi + 1}`,
          mine.filter((r) => !r.egress).map(perm),
          mine.filter((r) => r.egress).map(perm),
        );
        const pub = w.publics[n % 12];
        eni(
          inv,
          `eni-${n}`,
          id,
          `10.${octet(vi)}.${si + 1}.${10 + k}`,
          [`sg-${n}`],
          pub === 'yes' ? { publicIps: ['203.0.113.9'] } : {},
        );
        if (pub === 'unknown') delete inv.networkInterfaces[inv.networkInterfaces.length - 1]!.publicIps;
      }
    });
    nat(inv, `nat-${vi + 1}`, `s${vi + 1}${(vi % v.subnets.length) + 1}`);
    inv.natGateways[inv.natGateways.length - 1]!.state = w.natState;
    v.subnets.forEach((_, si) => inZone(inv, w.tgw.azs[vi * 3 + si]!, `s${vi + 1}${si + 1}`));
  });
  if (w.tgw.collected) {
    const attached = w.vpcs.flatMap((v, vi) => {
      const a = w.tgw.attachments[vi]!;
      if (!a.on) return [];
      const picked = v.subnets.map((_, si) => `s${vi + 1}${si + 1}`).filter((_, si) => (a.subnets >> si) & 1);
      return [
        {
          id: `att-${vi}`,
          vpc: `vpc-${vi + 1}`,
          subnets: picked.length ? picked : [`s${vi + 1}1`],
          table: a.table,
          state: a.state,
          appliance: a.appliance,
        },
      ];
    });
    addTgw(inv, {
      id: 'tgw-1',
      attachments: attached,
      tables: [0, 1].map((ti) => ({
        id: `tgw-rtb-${ti}`,
        associations: attached.filter((a) => a.table === ti).map((a) => a.id),
        routes: [
          ...[0, 1, 2].flatMap((vi): [string, string][] => {
            const how = w.tgw.perVpc[ti * 3 + vi]!;
            const to = how === 'own' ? `att-${vi}` : how === 'other' ? `att-${(vi + 1) % 3}` : how;
            return how === 'none' ? [] : [[`10.${octet(vi)}.0.0/16`, to]];
          }),
          ...w.tgw.routes
            .filter((r) => r.table === ti)
            .map((r): [string, string] => [
              r.dest,
              r.to === 'blackhole' ? 'blackhole' : r.to === 'vpn' ? 'vpn-att-9' : `att-${r.to}`,
            ]),
        ],
      })),
    });
  }
  return inv;
}

const INTERNET = [0x08080808, 0x01010101, 0x08000001];

function agree(arb: fc.Arbitrary<World>, numRuns: number, seed: number): void {
  fc.assert(
    fc.property(arb, (w) => {
      const model = compileAws(build(w), POLICY);
      const ev = new SetEvaluator(model, { clientPorts: [32768, 60999] });
      const tracer = new Tracer(model, [32768, 60999]);
      const ifaces = model.interfaces;
      for (const pk of w.packets) {
        const s = ifaces[pk.src % ifaces.length]!;
        const d = ifaces[pk.dst % ifaces.length]!;
        if (!pk.fromInternet && !pk.internetDst && s === d) continue;
        for (const mode of ['exists', 'all'] as ReplyMode[]) {
          const fromInternet = pk.fromInternet;
          const toInternet = !fromInternet && pk.internetDst;
          const p: Point = {
            fam: 0,
            src: fromInternet ? INTERNET[pk.src % 3]! : Number(s.addresses[0]!.first),
            dst: toInternet ? INTERNET[pk.dst % 3]! : Number(d.addresses[0]!.first),
            proto: pk.proto,
            port: pk.proto === 1 ? 0 : pk.port,
          };
          assertAgreement(ev, tracer, { s, d, fromInternet, toInternet, p, mode });
        }
      }
    }),
    { numRuns, seed },
  );
}

/** Three VPCs, all attached to a collected transit gateway, no peering: most packets cross the gateway. */
const tgwWorld = world
  .filter((w) => w.vpcs.length === 3)
  .map((w) => ({
    ...w,
    tgw: {
      ...w.tgw,
      collected: true,
      peered: false,
      attachments: w.tgw.attachments.map((a) => ({ ...a, on: true })),
    },
    packets: w.packets.map((p) => ({ ...p, fromInternet: false, internetDst: p.internetDst && p.src % 4 === 0 })),
  }));

/** The world's packets between interfaces of different zones (agreement.ts zonePacket). */
function zonePackets(w: World, ifaces: readonly Interface[]): { s: Interface; d: Interface; p: Point }[] {
  return w.packets.flatMap((pk) => zonePacket(ifaces, pk) ?? []);
}

/**
 * Whole zones at once, as `verify` asks: a contribution gathers every source network behind one next hop, so a packet
 * of one source must be in the union of the contributions naming its network exactly when its trace passes.
 */
function agreeZones(arb: fc.Arbitrary<World>, numRuns: number, seed: number, overlap = false): void {
  fc.assert(
    fc.property(arb, (w) => {
      const model = compileAws(build(w, overlap), POLICY);
      const ev = new SetEvaluator(model, { clientPorts: [32768, 60999] });
      const tracer = new Tracer(model, [32768, 60999]);
      for (const { s, d, p } of zonePackets(w, model.interfaces)) {
        const sources = model.interfaces.filter((i) => i.zone === s.zone && i.role === 'workload');
        const dests = model.interfaces.filter((i) => i.zone === d.zone);
        for (const mode of ['exists', 'all'] as ReplyMode[]) {
          const cs = ev
            .zoneToZone(sources, dests, mode, { from: s.zone!, to: d.zone! })
            .filter((c) => c.froms.includes(s.network) && c.to === d.network);
          const fast = cs.some((c) => contains(c.set.yes, p))
            ? 'yes'
            : cs.some((c) => contains(c.set.maybe, p))
              ? 'maybe'
              : 'no';
          const t = tracer.trace({ kind: 'interface', iface: s }, p, mode);
          // Two networks with the same addresses: the packet may reach another interface than the one asked about.
          if (t.destination !== undefined && t.destination !== d.id) continue;
          assert.equal(fast, t.verdict, `${mode} ${s.id} -> ${d.id} ${p.proto}/${p.port}: ${JSON.stringify(t.hops)}`);
        }
      }
    }),
    { numRuns, seed },
  );
}

/**
 * The questions against the tracer: a packet the trace permits is in its cell, and one the policy denies is a
 * violation (or, when the trace cannot decide, a violation or an unknown) located at the destination's security
 * group; every violation's witness passes every hop.
 */
function findingsCover(arb: fc.Arbitrary<World>, numRuns: number, seed: number, overlap = false): void {
  fc.assert(
    fc.property(arb, (w) => coverFindings(w, build(w, overlap))),
    { numRuns, seed },
  );
}

function coverFindings(w: World, inv: ReturnType<typeof build>): void {
  const model = compileAws(inv, POLICY);
  // Each network's interfaces in an account of their own: a finding must name the scopes of both ends.
  for (const i of model.interfaces) (i as { scope: string }).scope = `acct-${i.network}/r1`;
  const tracer = new Tracer(model, [32768, 60999]);
  const r = verifyModel(model, POLICY, { clientPorts: [32768, 60999] });
  for (const f of r.findings) {
    const path = (f.evidence?.witness as { path: { verdict: string }[] } | undefined)?.path ?? [];
    if (f.checkId === VERIFY_CHECKS.violation.id)
      assert.ok(
        path.every((h) => h.verdict === 'yes'),
        `a violation's witness passes: ${f.message} ${JSON.stringify(path)}`,
      );
    if (f.checkId === VERIFY_CHECKS.unknown.id && f.evidence?.witness)
      assert.ok(
        path.every((h) => h.verdict !== 'no') && path.some((h) => h.verdict === 'maybe'),
        `an unknown's witness is undecided: ${f.message} ${JSON.stringify(path)}`,
      );
  }
  for (const { s, d, p } of zonePackets(w, model.interfaces)) {
    const t = tracer.trace({ kind: 'interface', iface: s }, p, 'exists');
    if (t.destination !== undefined && t.destination !== d.id) continue;
    if (t.verdict === 'no') continue;
    const cell = r.cellClasses!.get(`aws|${s.zone}|${d.zone}`)!;
    const inBox = (b: { proto: [number, number]; port: [number, number] }) =>
      b.proto[0] <= p.proto && p.proto <= b.proto[1] && b.port[0] <= p.port && p.port <= b.port[1];
    const where = `${s.id} -> ${d.id} ${p.proto}/${p.port} (${t.verdict})`;
    if (t.verdict === 'yes') assert.ok(cell.permitted.some(inBox), `permitted in the cell: ${where}`);
    else assert.ok([...cell.permitted, ...cell.undecided].some(inBox), `permitted or undecided: ${where}`);
    if (contains(policySet(POLICY, s.zone!, d.zone!), p)) continue;
    const groups = new Set(d.inbound.rules.map((x) => x.ref.resourceId));
    const c = { verdict: t.verdict, from: s.zone!, to: d.zone!, scopes: [s.scope, d.scope] };
    assertFindingFor(r, { ...c, resourceIds: groups }, where);
  }
  // To and from the internet: a packet the trace permits is a violation (the policy allows no internet traffic)
  // naming the interface's scope.
  const ifaces = model.interfaces;
  for (const pk of w.packets) {
    const s = ifaces[pk.src % ifaces.length]!;
    if (!s.zone) continue;
    const out = !pk.fromInternet;
    if (out && s.role !== 'workload') continue;
    const other = INTERNET[pk.dst % 3]!;
    const own = Number(s.addresses[0]!.first);
    const p: Point = {
      fam: 0,
      src: out ? own : other,
      dst: out ? other : own,
      proto: pk.proto,
      port: pk.proto === 1 ? 0 : pk.port,
    };
    const t = tracer.trace(
      out ? { kind: 'interface', iface: s } : { kind: 'internet', network: s.network },
      p,
      'exists',
    );
    if (t.verdict === 'no' || (!out && t.destination !== s.id)) continue;
    const [from, to] = out ? [s.zone, 'internet'] : ['internet', s.zone];
    if (contains(policySet(POLICY, from, to), p)) continue;
    assertFindingFor(r, { verdict: t.verdict, from, to, scopes: [s.scope] }, `${s.id} ${p.proto}/${p.port}`);
  }
}

/**
 * Networks whose filters mostly let packets through (every subnet and interface gets the leading allow rules), so
 * the zone questions see violations rather than an all-blocked world.
 */
const open = <T extends World>(w: T): T => {
  const naclAllow = (egress: boolean) => ({
    n: 1,
    egress,
    protocol: '-1',
    allow: true,
    cidr: '0.0.0.0/0',
    ports: [0, 65535] as [number, number],
  });
  const sgAllow = (egress: boolean, protocol: string) => ({
    egress,
    protocol,
    ports: [0, 65535] as [number, number],
    remote: egress ? '0.0.0.0/0' : '10.0.0.0/8',
  });
  return {
    ...w,
    naclRules: [naclAllow(false), naclAllow(false), naclAllow(true), naclAllow(true), ...w.naclRules],
    sgRules: [
      ...[0, 1, 2].flatMap(() => [sgAllow(true, '-1'), sgAllow(false, w.vpcs.length === 3 ? '-1' : '6')]),
      ...w.sgRules,
    ],
  };
};

/**
 * A zone of private addresses outside every network (on-premises, 192.168.0.0/16): which subnets route it (or
 * everything) to a virtual private gateway, security-group and ACL rules naming it, and packets from and to it.
 */
const ONPREM = '192.168.0.0/16';
const ONPREM_ADDRS = [0xc0a80105, 0xc0a8c807];
const outsideWorld = fc.record({
  w: world,
  vgwMask: fc.integer({ min: 0, max: 511 }),
  vgwDefault: fc.boolean(),
  /** A range nested in the zone that is not its own (a network inside it, a more specific zone): 192.168.200.0/24. */
  excludeSecond: fc.boolean(),
  sgRules: fc.array(fc.record({ egress: fc.boolean(), protocol: protoArb, ports: portRange, every: fc.boolean() }), {
    maxLength: 4,
  }),
  naclRules: fc.array(
    fc.record({ n: fc.integer({ min: 1, max: 200 }), egress: fc.boolean(), allow: fc.boolean(), protocol: protoArb }),
    { maxLength: 4 },
  ),
  packets: fc.array(
    fc.record({
      iface: fc.nat(),
      addr: fc.nat(),
      out: fc.boolean(),
      proto: fc.constantFrom(6, 17, 1),
      port: fc.constantFrom(...PORTS),
    }),
    { minLength: 4, maxLength: 12 },
  ),
});

function buildOutside(x: typeof outsideWorld extends fc.Arbitrary<infer T> ? T : never) {
  const inv = build(x.w);
  inv.routeTables.forEach((t, i) => {
    if (!((x.vgwMask >> i) & 1)) return;
    const dest = x.vgwDefault && !t.routes.some((r) => r.destination === '0.0.0.0/0') ? '0.0.0.0/0' : ONPREM;
    t.routes.push({
      destination: dest,
      target: { type: 'virtual-private-gateway', id: 'vgw-1' },
      state: 'active',
      pointer: '',
    });
  });
  inv.securityGroups.forEach((g, i) =>
    x.sgRules
      .filter((r) => r.every || i % 2 === 0)
      .forEach((r) =>
        (r.egress ? g.egress : g.ingress).push({
          protocol: r.protocol,
          ...(r.protocol === '6' || r.protocol === '17' ? { fromPort: r.ports[0], toPort: r.ports[1] } : {}),
          ipv4Ranges: [{ cidr: ONPREM }],
          ipv6Ranges: [],
          groupRefs: [],
          prefixListIds: [],
          pointer: '',
        }),
      ),
  );
  inv.networkAcls.forEach((a) =>
    a.entries.push(
      ...x.naclRules.map((r) => ({
        ruleNumber: r.n,
        egress: r.egress,
        protocol: r.protocol,
        action: r.allow ? ('allow' as const) : ('deny' as const),
        cidr: ONPREM,
        ...(r.protocol === '6' || r.protocol === '17' ? { portRange: { from: 0, to: 65535 } } : {}),
      })),
    ),
  );
  return inv;
}

/** Packets from and to the outside zone: the set evaluator (fromOutside, toOutside) against the trace. */
function agreeOutside(numRuns: number, seed: number): void {
  fc.assert(
    fc.property(outsideWorld, (x) => {
      const model = compileAws(buildOutside(x), POLICY);
      const ev = new SetEvaluator(model, { clientPorts: [32768, 60999] });
      const zone = {
        name: 'onprem',
        cidrs: [tryParseCidr(ONPREM)!],
        exclude: x.excludeSecond ? [tryParseCidr('192.168.200.0/24')!] : [],
      };
      const space = (dim: typeof SRC | typeof DST) => diff(addresses(dim, zone.cidrs), addresses(dim, zone.exclude));
      const tracer = new Tracer(model, [32768, 60999], [zone]);
      const ifaces = model.interfaces;
      const z = { name: 'onprem', src: space(SRC), dst: space(DST) };
      for (const pk of x.packets) {
        const i = ifaces[pk.iface % ifaces.length]!;
        if (pk.out && i.role !== 'workload') continue;
        assertOutsideAgreement(ev, tracer, z, {
          i,
          out: pk.out,
          other: ONPREM_ADDRS[pk.addr % 2]!,
          proto: pk.proto,
          port: pk.port,
        });
      }
    }),
    { numRuns, seed },
  );
}

/**
 * A load balancer in the first VPC (its node in the first subnet at 10.1.1.50): Network or Application, internet-facing
 * or internal, its security group a draw of the world's rules (or none), one listener, one target group whose
 * targets are instances (every interface is instance i-N on device 0) or IP addresses of some interfaces, client IP
 * preservation on, off or not read, targets read or not.
 */
const lbArb = fc.record({
  type: fc.constantFrom('network', 'application'),
  scheme: fc.constantFrom('internet-facing', 'internal'),
  node: fc.constantFrom(true, true, false),
  sg: fc.constantFrom('none', 'all', 'some'),
  listener: fc.record({
    protocol: fc.constantFrom('TCP', 'UDP', 'TCP_UDP', 'HTTPS'),
    port: fc.constantFrom(...PORTS),
  }),
  /** The group is the default action's, a rule's (rules read), or a rule's whose rules were not read. */
  via: fc.constantFrom('default', 'default', 'rule', 'rules not read'),
  /**
   * A consumer interface endpoint (in the last VPC's first subnet, at .60) of an endpoint service the load balancer
   * provides (a Network Load Balancer only): its group a draw of the world's, the NLB's groups applied to PrivateLink
   * traffic or not, the service's configuration read or not (then the provider side is unknown).
   */
  privateLink: fc.option(
    fc.record({
      sg: fc.constantFrom('first', 'second'),
      enforce: fc.constantFrom<'on' | 'off' | undefined>('on', 'off', undefined),
      provided: fc.constantFrom(true, true, false),
    }),
    { freq: 2 },
  ),
  group: fc.record({
    targetType: fc.constantFrom('instance', 'ip'),
    protocol: fc.constantFrom('TCP', 'UDP', 'TLS', 'HTTP'),
    port: fc.constantFrom(...PORTS),
    preserve: fc.constantFrom<boolean | undefined>(true, false, undefined),
    targets: fc.option(
      fc.array(fc.record({ eni: fc.nat(), port: fc.option(fc.constantFrom(...PORTS)) }), { maxLength: 3 }),
      {
        freq: 4,
      },
    ),
  }),
});

function buildWithLb(w: World, lb: typeof lbArb extends fc.Arbitrary<infer T> ? T : never) {
  const inv = build(w);
  const where = { account: '111111111111', region: 'us-east-1' };
  const at = { kind: 'file' as const, file: 'inv.json', pointer: '/lb' };
  const short = lb.type === 'network' ? 'net' : 'app';
  const arn = `arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/${short}/lb/1`;
  const tg = 'arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/tg/1';
  const workloads = inv.networkInterfaces.filter((n) => /^eni-\d+$/.test(n.id));
  workloads.forEach((n) => Object.assign(n, { instanceId: `i-${n.id.slice(4)}`, deviceIndex: 0 }));
  const groups = lb.sg === 'none' ? [] : ['sg-lb'];
  if (lb.sg !== 'none') {
    const g = inv.securityGroups.find((x) => x.id === (lb.sg === 'all' ? 'sg-0' : 'sg-1')) ?? inv.securityGroups[0]!;
    inv.securityGroups.push({ ...g, id: 'sg-lb', name: 'sg-lb', egress: g.egress, ingress: g.ingress });
  }
  if (lb.node) {
    inv.networkInterfaces.push({
      ...where,
      origin: at,
      id: 'eni-lb',
      subnetId: 's11',
      vpcId: 'vpc-1',
      privateIps: ['10.1.1.50'],
      groupIds: groups,
      requesterManaged: true,
      publicIps: [],
      description: `ELB ${short}/lb/1`,
    });
  }
  inv.loadBalancers.push({
    ...where,
    origin: at,
    arn,
    name: 'lb',
    type: lb.type,
    scheme: lb.scheme,
    vpcId: 'vpc-1',
    subnetIds: ['s11'],
    attributesKnown: true,
    securityGroupIds: groups,
  });
  inv.lbListeners.push({
    ...where,
    origin: at,
    arn: `${arn}/listener`,
    loadBalancerArn: arn,
    ...lb.listener,
    forwardTo: lb.via === 'default' ? [tg] : [],
    ...(lb.via === 'rule' ? { ruleForwardTo: [tg] } : {}),
  });
  inv.lbTargetGroups.push({
    ...where,
    origin: at,
    arn: tg,
    name: 'tg',
    targetType: lb.group.targetType,
    protocol: lb.group.protocol,
    port: lb.group.port,
    vpcId: 'vpc-1',
    loadBalancerArns: [arn],
    attributesKnown: lb.group.preserve !== undefined,
    ...(lb.group.preserve !== undefined ? { preserveClientIp: lb.group.preserve } : {}),
    ...(lb.group.targets
      ? {
          targets: lb.group.targets.map((t) => {
            const n = workloads[t.eni % workloads.length]!;
            return {
              id: lb.group.targetType === 'ip' ? n.privateIps[0]! : n.instanceId!,
              ...(t.port !== null ? { port: t.port } : {}),
            };
          }),
        }
      : {}),
  });
  const pl = lb.privateLink;
  if (pl && lb.type === 'network') {
    const vi = w.vpcs.length;
    const subnetId = `s${vi}1`;
    const sgs = inv.securityGroups.filter((g) => g.vpcId === `vpc-${vi}` && g.id !== 'sg-lb');
    const group = (pl.sg === 'first' ? sgs[0] : sgs[1]) ?? sgs[0];
    const service = 'com.amazonaws.vpce.us-east-1.vpce-svc-0prop';
    inv.networkInterfaces.push({
      ...where,
      origin: at,
      id: 'eni-vpce',
      subnetId,
      vpcId: `vpc-${vi}`,
      privateIps: [`10.${vi}.1.60`],
      groupIds: group ? [group.id] : [],
      requesterManaged: true,
      publicIps: [],
      interfaceType: 'vpc_endpoint',
    });
    inv.vpcEndpoints.push({
      ...where,
      origin: at,
      id: 'vpce-prop',
      vpcId: `vpc-${vi}`,
      serviceName: service,
      service: 'vpce-svc-0prop',
      type: 'Interface',
      state: 'available',
      privateDnsEnabled: false,
      subnetIds: [subnetId],
      groupIds: group ? [group.id] : [],
      routeTableIds: [],
      networkInterfaceIds: ['eni-vpce'],
      tags: {},
    });
    if (pl.enforce) inv.loadBalancers[0]!.enforceSgOnPrivateLink = pl.enforce;
    if (pl.provided)
      inv.endpointServiceConfigs.push({
        ...where,
        origin: at,
        serviceId: 'vpce-svc-0prop',
        serviceName: service,
        networkLoadBalancerArns: [arn],
        gatewayLoadBalancerArns: [],
        supportedIpAddressTypes: ['ipv4'],
      });
    else inv.datasets.get('111111111111/us-east-1')!.delete('ec2:vpc-endpoint-service-configurations');
  }
  return inv;
}

/** The load balancer's paths: packets to its targets from the internet and from interfaces, counted by verdict. */
function agreeLoadBalancers(numRuns: number, seed: number): void {
  const seen = new Map<string, number>();
  fc.assert(
    fc.property(world.map(open), lbArb, (w, lb) => {
      const model = compileAws(buildWithLb(w, lb), POLICY);
      const ev = new SetEvaluator(model, { clientPorts: [32768, 60999] });
      const tracer = new Tracer(model, [32768, 60999]);
      const ifaces = model.interfaces;
      const backends = [...new Set((model.loadBalancers ?? []).flatMap((l) => l.backends.map((b) => b.iface)))];
      for (const pk of w.packets) {
        // Mostly packets to a backend, on the listener's port.
        const d =
          backends.length && pk.dst % 4 !== 0
            ? ifaces.find((i) => i.id === backends[pk.dst % backends.length])!
            : ifaces[pk.dst % ifaces.length]!;
        const s = ifaces[pk.src % ifaces.length]!;
        const fromInternet = pk.fromInternet;
        if (!fromInternet && s === d) continue;
        const port = pk.proto === 1 ? 0 : pk.src % 3 === 0 ? pk.port : lb.listener.port;
        for (const mode of ['exists', 'all'] as ReplyMode[]) {
          const p: Point = {
            fam: 0,
            src: fromInternet ? INTERNET[pk.src % 3]! : Number(s.addresses[0]!.first),
            dst: Number(d.addresses[0]!.first),
            proto: pk.proto,
            port,
          };
          const t = assertAgreement(ev, tracer, { s, d, fromInternet, toInternet: false, p, mode });
          if (t.hops.some((h) => / front end /.test(h.what))) seen.set(t.verdict, (seen.get(t.verdict) ?? 0) + 1);
          if (t.hops.some((h) => /endpoint service/.test(h.what)))
            seen.set(`privatelink ${t.verdict}`, (seen.get(`privatelink ${t.verdict}`) ?? 0) + 1);
        }
      }
    }),
    { numRuns, seed },
  );
  // The draw must exercise load-balancer paths of every verdict, or the agreement says little.
  for (const v of ['yes', 'no', 'maybe']) assert.ok((seen.get(v) ?? 0) > 0, `load-balancer paths with verdict ${v}`);
  // A blocked PrivateLink path is rarely the one shown (the tracer shows the first of equally bad paths).
  for (const v of ['yes', 'maybe'])
    assert.ok((seen.get(`privatelink ${v}`) ?? 0) > 0, `PrivateLink paths with verdict ${v}: ${[...seen].join(', ')}`);
}

describe('verify: set evaluator agrees with the per-packet evaluator', () => {
  it('through load balancers (NLB passthrough to the target port, proxies, front-end groups, what is not read)', () =>
    agreeLoadBalancers(150, 31));
  it('the questions report what the trace permits through load balancers', () =>
    fc.assert(
      fc.property(world.map(open), lbArb, (w, lb) => coverFindings(w, buildWithLb(w, lb))),
      { numRuns: 80, seed: 32 },
    ));
  it('whole zones at once (several source networks behind one next hop)', () => agreeZones(world.map(open), 80, 21));
  it('whole zones at once through a transit gateway', () => agreeZones(tgwWorld.map(open), 80, 22));
  it('the questions report what the trace permits (cells, violations located at the admitting group)', () =>
    findingsCover(world.map(open), 80, 23));
  it('the questions through a transit gateway', () => findingsCover(tgwWorld.map(open), 80, 24));
  const overlapping = tgwWorld.map((w) => open({ ...w, tgw: { ...w.tgw, peered: false } }));
  it('whole zones at once, two source networks with the same addresses behind one transit gateway', () =>
    agreeZones(overlapping, 80, 25, true));
  it('the questions, two networks with the same addresses behind one transit gateway', () =>
    findingsCover(overlapping, 80, 26, true));
  it('on random networks and packets, in both reply modes', () => agree(world, 150, 11));
  it('from and to a zone outside every network (on-premises behind a gateway)', () => agreeOutside(150, 27));
  it('on random transit gateway topologies (associations, blackholes, zones, return routes)', () =>
    agree(tgwWorld, 100, 12));
});
