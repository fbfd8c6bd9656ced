/**
 * The set evaluator against the per-packet evaluator on random Azure-shaped networks (a hub with a firewall and two
 * spokes; NSGs on subnets and NICs with service tags and priorities; user routes to the firewall, an unknown
 * appliance, None or the internet; peering flags; public IPs and private subnets; a virtual network gateway in the
 * hub, used by spokes through useRemoteGateways, with route tables that do or do not propagate its routes; a public
 * or internal load balancer, with port translation and Floating IP, or an application gateway in the hub) and random
 * packets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compileAzure } from '../../src/verify/azure.js';
import { SetEvaluator, type ReplyMode } from '../../src/verify/evaluate.js';
import { contains, type Point } from '../../src/verify/packet-set.js';
import { decidePacket } from '../../src/verify/filters.js';
import { NO_FILTER, policySet, verifyModel } from '../../src/verify/questions.js';
import {
  agreeWithOnPremises,
  assertAgreement,
  assertEveryOnPremisesOutcome,
  assertFindingFor,
  zonePacket,
} from './agreement.js';
import { Tracer } from '../../src/verify/trace.js';
import {
  applicationGateway,
  AZURE_POLICY,
  azureInventory,
  firewall,
  loadBalancer,
  nic,
  nsg,
  peer,
  routeTable,
  rule,
  subnet,
  vnet,
} from './azure-helpers.js';

const PORTS = [22, 443, 6333, 40000];
const prefix = fc.constantFrom(
  '*',
  'VirtualNetwork',
  'Internet',
  '10.1.0.0/16',
  '10.2.1.0/24',
  '10.0.0.0/8',
  'AzureCloud',
);
const nsgRule = fc.record({
  priority: fc.integer({ min: 100, max: 4000 }),
  inbound: fc.boolean(),
  allow: fc.constantFrom(true, true, false),
  protocol: fc.constantFrom('*', 'Tcp', 'Udp'),
  src: prefix,
  dst: prefix,
  ports: fc.constantFrom('*', '443', '6333', '1024-65535', '22-443'),
});
const world = fc.record({
  nsgs: fc.array(fc.array(nsgRule, { maxLength: 4 }), { minLength: 3, maxLength: 3 }),
  subnets: fc.array(
    fc.record({
      // -1: no NSG (common on NICs, and it lets more packets reach the later hops).
      nsg: fc.constantFrom(-1, -1, 0, 1, 2),
      nicNsg: fc.constantFrom(-1, -1, -1, 0, 1, 2),
      // The firewall route is the common case of a hub-and-spoke network, and the one with the most hops.
      route: fc.constantFrom(
        'none',
        'firewall',
        'firewall',
        'firewall',
        'firewall',
        'firewall',
        'blackhole',
        'appliance',
        'internet',
        'inside',
      ),
      /** A route table turns gateway route propagation off. */
      noGatewayRoutes: fc.boolean(),
      publicIp: fc.boolean(),
      outbound: fc.constantFrom<boolean | undefined>(true, false, undefined),
    }),
    { minLength: 4, maxLength: 4 },
  ),
  /** none; a gateway in the hub; the hub's gateway used by spoke1 too; by both spokes. */
  gateway: fc.constantFrom('none', 'none', 'hub', 'spoke1', 'spokes'),
  /** The firewall has a public address (forced tunnelling gives it none: its internet traffic leaves by the gateway). */
  firewallPublic: fc.constantFrom(true, true, true, false),
  forwarded: fc.tuple(fc.boolean(), fc.boolean()),
  access: fc.tuple(fc.boolean(), fc.boolean()),
  fwRules: fc.array(
    fc.record({
      src: fc.constantFrom('10.1.0.0/16', '10.2.0.0/16', '*', '*'),
      dst: fc.constantFrom('10.1.0.0/16', '10.2.0.0/16', '*', '*', '8.8.8.8'),
      port: fc.constantFrom('443', '6333', '*', '*'),
      protocol: fc.constantFrom('TCP', 'UDP', 'Any', 'Any'),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  lb: fc.record({
    kind: fc.constantFrom('none', 'public', 'internal', 'gateway'),
    members: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 2 }),
    frontendPort: fc.constantFrom(443, 6333),
    backendPort: fc.constantFrom(443, 6333, 22),
    floating: fc.boolean(),
    /** The gateway subnet's NSG (-1: none). */
    gatewayNsg: fc.constantFrom(-1, 0, 1, 2),
  }),
  packets: fc.array(
    fc.record({
      src: fc.nat(),
      dst: fc.nat(),
      /** Spoke to spoke (through the hub, if anything) are the longest paths: drawn more often than chance would. */
      // lb: to a backend of the load balancer or gateway, on its port, from where its clients are.
      kind: fc.constantFrom('any', 'cross', 'cross', 'cross', 'toInternet', 'fromInternet', 'lb', 'lb'),
      proto: fc.constantFrom(6, 17, 1),
      port: fc.constantFrom(...PORTS),
    }),
    { minLength: 5, maxLength: 12 },
  ),
});
type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

// hub 10.0/16 (firewall 10.0.0.4, subnet h1), spoke1 10.1/16 (s1, s2), spoke2 10.2/16 (s3).
const PLACES: [string, string, string][] = [
  ['hub', 'h1', '10.0.1.0/24'],
  ['spoke1', 's1', '10.1.1.0/24'],
  ['spoke1', 's2', '10.1.2.0/24'],
  ['spoke2', 's3', '10.2.1.0/24'],
];

export function build(w: World) {
  const inv = azureInventory();
  vnet(inv, 'hub', '10.0.0.0/16');
  vnet(inv, 'spoke1', '10.1.0.0/16');
  vnet(inv, 'spoke2', '10.2.0.0/16');
  subnet(inv, 'hub', 'AzureFirewallSubnet', '10.0.0.0/26');
  w.nsgs.forEach((rules, i) =>
    nsg(
      inv,
      `nsg${i}`,
      rules.map((r, k) =>
        rule(
          `r${k}`,
          r.priority + k,
          r.inbound ? 'Inbound' : 'Outbound',
          r.allow ? 'Allow' : 'Deny',
          r.protocol,
          [r.src],
          [r.dst],
          [r.ports],
        ),
      ),
    ),
  );
  w.subnets.forEach((s, i) => {
    const [v, name, cidr] = PLACES[i]!;
    const hop: Record<string, [string, string, string?][]> = {
      none: [],
      firewall: [['0.0.0.0/0', 'VirtualAppliance', '10.0.0.4']],
      blackhole: [['10.2.0.0/16', 'None']],
      appliance: [['10.1.0.0/16', 'VirtualAppliance', '10.0.1.99']],
      internet: [['0.0.0.0/0', 'Internet']],
      // Inside spoke1's space: a gateway route cannot take it.
      inside: [['10.1.2.0/24', 'None']],
    };
    if (s.route !== 'none') routeTable(inv, `rt${i}`, hop[s.route]!, { disableBgpRoutePropagation: s.noGatewayRoutes });
    subnet(inv, v, name, cidr, {
      ...(s.nsg >= 0 ? { nsg: `nsg${s.nsg}` } : {}),
      ...(s.route !== 'none' ? { routeTable: `rt${i}` } : {}),
      ...(s.outbound !== undefined ? { defaultOutboundAccess: s.outbound } : {}),
    });
    nic(inv, `nic${i}`, v, name, cidr.replace('0/24', '4'), {
      ...(s.nicNsg >= 0 ? { nsg: `nsg${s.nicNsg}` } : {}),
      publicIp: s.publicIp,
      zone: ['app', 'inference', 'data'][i % 3]!,
    });
  });
  if (w.gateway !== 'none') subnet(inv, 'hub', 'GatewaySubnet', '10.0.255.0/27');
  const remote = (spoke: boolean): [boolean, boolean] => [false, spoke];
  peer(inv, 'hub', 'spoke1', {
    forwarded: [true, w.forwarded[0]],
    access: [true, w.access[0]],
    remoteGateways: remote(w.gateway === 'spoke1' || w.gateway === 'spokes'),
  });
  peer(inv, 'hub', 'spoke2', {
    forwarded: [true, w.forwarded[1]],
    access: [w.access[1], true],
    remoteGateways: remote(w.gateway === 'spokes'),
  });
  firewall(
    inv,
    'hub',
    '10.0.0.4',
    w.fwRules.map((r, i) => [`f${i}`, r.src, r.dst, r.port, r.protocol]),
  );
  if (!w.firewallPublic) delete inv.firewalls[0]!.ipConfigurations[0]!.publicIpAddressId;
  const nics = w.lb.members.map((i) => `nic${i}`);
  const lbRule = {
    name: 'r',
    frontendPort: w.lb.frontendPort,
    backendPort: w.lb.backendPort,
    floatingIp: w.lb.floating,
  };
  if (w.lb.kind === 'public') loadBalancer(inv, 'lb', { publicAddress: '20.50.1.2' }, nics, [lbRule]);
  if (w.lb.kind === 'internal') {
    subnet(inv, 'spoke1', 'lbs', '10.1.9.0/24');
    loadBalancer(inv, 'lb', { private: ['spoke1', 'lbs', '10.1.9.5'] }, nics, [lbRule]);
  }
  if (w.lb.kind === 'gateway') {
    subnet(inv, 'hub', 'agw', '10.0.2.0/24', w.lb.gatewayNsg >= 0 ? { nsg: `nsg${w.lb.gatewayNsg}` } : {});
    const backends = nics.map((n) => ({ nic: n }));
    applicationGateway(
      inv,
      'agw',
      ['hub', 'agw'],
      { publicAddress: '20.50.1.9' },
      w.lb.frontendPort,
      backends,
      w.lb.backendPort,
    );
  }
  return inv;
}

const INTERNET = [0x08080808, 0x01010101];

export const seen = new Map<string, number>();

describe('verify (Azure): set evaluator agrees with the per-packet evaluator', () => {
  it('on random hub-and-spoke networks and packets, in both reply modes', () => {
    fc.assert(
      fc.property(world, (w) => {
        const model = compileAzure(build(w), AZURE_POLICY);
        const ev = new SetEvaluator(model, { clientPorts: [32768, 60999] });
        const tracer = new Tracer(model, [32768, 60999]);
        const ifaces = model.interfaces;
        for (const pk of w.packets) {
          const spoke1 = ifaces.filter((i) => i.network === 'spoke1');
          const spoke2 = ifaces.filter((i) => i.network === 'spoke2');
          const [from, to] =
            pk.kind === 'cross' ? (pk.src % 2 ? [spoke1, spoke2] : [spoke2, spoke1]) : [ifaces, ifaces];
          const lb = pk.kind === 'lb' && w.lb.kind !== 'none';
          const backends = ifaces.filter((i) => w.lb.members.some((m) => i.id === `nic${m}`));
          const clients = ifaces.filter((i) => i.network !== 'spoke2');
          const s = lb && w.lb.kind === 'internal' ? clients[pk.src % clients.length]! : from[pk.src % from.length]!;
          const d = lb ? backends[pk.dst % backends.length]! : to[pk.dst % to.length]!;
          const lbPort = w.lb.kind === 'gateway' ? w.lb.frontendPort : w.lb.backendPort;
          const fromInternet = pk.kind === 'fromInternet' || (lb && w.lb.kind !== 'internal');
          const toInternet = pk.kind === 'toInternet';
          if (!fromInternet && !toInternet && s === d) continue;
          for (const mode of ['exists', 'all'] as ReplyMode[]) {
            const p: Point = {
              fam: 0,
              src: fromInternet ? INTERNET[pk.src % 2]! : Number(s.addresses[0]!.first),
              dst: toInternet ? INTERNET[pk.dst % 2]! : Number(d.addresses[0]!.first),
              proto: lb ? 6 : pk.proto,
              port: lb ? lbPort : pk.proto === 1 ? 0 : pk.port,
            };
            const naive = assertAgreement(ev, tracer, { s, d, fromInternet, toInternet, p, mode });
            const gateway = naive.hops.some((h) => /virtual network gateway|gateway of hub/.test(h.what));
            const kind = `${naive.verdict}${naive.hops.some((h) => h.at === 'fw') ? ' via firewall' : ''}${gateway ? ' by a gateway route' : ''}`;
            seen.set(kind, (seen.get(kind) ?? 0) + 1);
            const lbHop = naive.hops.find((h) => /^(load balancer lb|application gateway agw) /.test(h.at));
            if (lbHop) {
              const k = `${lbHop.at.startsWith('application') ? 'gateway' : 'lb'} ${naive.verdict}`;
              seen.set(k, (seen.get(k) ?? 0) + 1);
            }
          }
        }
      }),
      {
        numRuns: 200,
        seed: 7,
      },
    );
    // The random networks must exercise every outcome, through the firewall too, or the agreement proves little.
    for (const k of [
      'yes',
      'no',
      'maybe',
      'yes via firewall',
      'no via firewall',
      'maybe by a gateway route',
      'lb yes',
      'lb no',
      'gateway yes',
      'gateway no',
    ])
      assert.equal((seen.get(k) ?? 0) > 0, true, `no packet came out "${k}": ${JSON.stringify([...seen])}`);
  });
});

describe('verify (Azure): set evaluator agrees with the per-packet evaluator, outside zones', () => {
  it('from and to an on-premises zone (192.168.0.0/16) behind the gateway, the firewall or appliances', () => {
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(world, (w) => {
        const model = compileAzure(build(w), AZURE_POLICY);
        agreeWithOnPremises(model, w.packets, outcomes);
      }),
      { numRuns: 150, seed: 17 },
    );
    assertEveryOnPremisesOutcome(outcomes);
  });
});

/**
 * The questions against the tracer on Azure networks (first-match NSGs, the firewall): a packet the trace permits
 * and the policy denies is a violation (or, undecided, a violation or an unknown) located at the NSG that decided it
 * at the destination (the NIC's, or the subnet's where the NIC has none), naming the scopes of both ends.
 */
describe('verify (Azure): the questions report what the trace permits', () => {
  it('violations located at the deciding NSG, with both ends’ scopes', () => {
    let checked = 0;
    fc.assert(
      fc.property(world, (w) => {
        const model = compileAzure(build(w), AZURE_POLICY);
        for (const i of model.interfaces) (i as { scope: string }).scope = `sub-${i.network}/r1`;
        const tracer = new Tracer(model, [32768, 60999]);
        const r = verifyModel(model, AZURE_POLICY, { clientPorts: [32768, 60999] });
        const ifaces = model.interfaces;
        for (const pk of w.packets) {
          const z = zonePacket(ifaces, pk);
          if (!z) continue;
          const { s, d, p } = z;
          const t = tracer.trace({ kind: 'interface', iface: s }, p, 'exists');
          if (t.verdict === 'no' || contains(policySet(AZURE_POLICY, s.zone!, d.zone!), p)) continue;
          const own = decidePacket(d.inbound, p).ref;
          const sub = model.subnets.get(d.subnet)!;
          const at = own.label.endsWith(NO_FILTER) && sub.inbound ? decidePacket(sub.inbound, p).ref : own;
          checked++;
          const c = { verdict: t.verdict, from: s.zone!, to: d.zone!, scopes: [s.scope, d.scope] };
          assertFindingFor(
            r,
            { ...c, resourceIds: new Set([at.resourceId]) },
            `${s.id} -> ${d.id} ${p.proto}/${p.port}`,
          );
        }
      }),
      { numRuns: 150, seed: 8 },
    );
    assert.ok(checked > 20, `only ${checked} violating packets checked`);
  });
});
