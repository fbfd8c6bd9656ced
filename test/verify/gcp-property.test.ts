/**
 * Random GCP-shaped networks (two peered networks, instances with random tags, service accounts and external IPs;
 * VPC firewall rules with priorities, ties, source/target tags and ranges; a hierarchical policy with goto_next;
 * default, tagged and appliance routes; a Cloud Router whose learned routes are unread or take 8.8.8.0/24 or the
 * default route (above or below the static one); Cloud NAT; a proxy, passthrough or internal load balancer whose group members
 * may not be listed, maybe behind Cloud Armor) and random packets:
 * - the set evaluator agrees with the per-packet evaluator on the compiled model;
 * - each interface's compiled first-match filter decides every packet as checks/gcp/firewall-eval.ts does on the raw
 *   configuration (the compiler against the evaluator it reuses; the model may only be less certain, never opposite).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compileGcp } from '../../src/verify/gcp.js';
import { SetEvaluator, type ReplyMode } from '../../src/verify/evaluate.js';
import { decidePacket } from '../../src/verify/filters.js';
import { contains, type Point } from '../../src/verify/packet-set.js';
import { policySet, verifyModel } from '../../src/verify/questions.js';
import { Tracer } from '../../src/verify/trace.js';
import { decidingRule, firewallSetup } from '../../src/checks/gcp/firewall-eval.js';
import { addressSetOf } from '../../src/checks/gcp/address-set.js';
import type { GcpInventory } from '../../src/inventory/gcp.js';
import { firewall, firewallPolicy, network, policyRule, PROJECT, subnetwork } from '../support/gcp-build.js';
import {
  agreeWithOnPremises,
  assertAgreement,
  assertEveryOnPremisesOutcome,
  assertFindingFor,
  zonePacket,
} from './agreement.js';
import { GCP_POLICY, gcpWorld, loadBalancer, route, router, vm } from './gcp-helpers.js';

const TAGS = ['app', 'inference', 'data', 'web'];
const RANGES = [
  '0.0.0.0/0',
  '10.0.0.0/8',
  '10.1.1.0/24',
  '10.1.2.0/24',
  '10.2.0.0/16',
  '8.8.8.0/24',
  '10.1.3.10/32',
  '35.191.0.0/16',
];
const PORTS = [22, 443, 6333, 40000];
const fwRule = fc.record({
  ingress: fc.boolean(),
  priority: fc.constantFrom(100, 500, 1000, 1000),
  allow: fc.constantFrom(true, true, false),
  proto: fc.constantFrom('tcp', 'udp', 'all'),
  ports: fc.constantFrom<string[]>([], ['443'], ['22', '6333'], ['1024-65535']),
  ranges: fc.subarray(RANGES, { maxLength: 2 }),
  sourceTags: fc.subarray(TAGS, { maxLength: 1 }),
  targetTags: fc.subarray(TAGS, { maxLength: 1 }),
});
const hierRule = fc.record({
  action: fc.constantFrom('goto_next', 'goto_next', 'allow', 'deny'),
  ingress: fc.boolean(),
  ranges: fc.subarray(RANGES, { minLength: 1, maxLength: 2 }),
  proto: fc.constantFrom('tcp', 'all'),
});
const world = fc.record({
  vms: fc.array(
    fc.record({ tags: fc.subarray(TAGS, { maxLength: 2 }), external: fc.boolean(), sa: fc.constantFrom('a', 'b') }),
    { minLength: 4, maxLength: 4 },
  ),
  rules: fc.array(fwRule, { maxLength: 6 }),
  hier: fc.array(hierRule, { maxLength: 3 }),
  route: fc.constantFrom('none', 'default', 'default', 'tagged', 'appliance'),
  nat: fc.boolean(),
  /** A Cloud Router with a BGP session: its status unread, or the prefix (and priority) it learned. */
  learned: fc.constantFrom('none', 'none', 'unread', '8.8.8.0/24 100', '0.0.0.0/0 100', '0.0.0.0/0 5000'),
  lb: fc.record({
    kind: fc.constantFrom('none', 'proxy', 'passthrough', 'internal'),
    members: fc.subarray([0, 1, 2, 3], { minLength: 1 }),
    listed: fc.constantFrom(true, true, false),
    armor: fc.constantFrom(false, false, true),
  }),
  packets: fc.array(
    fc.record({
      src: fc.nat(),
      dst: fc.nat(),
      kind: fc.constantFrom('any', 'any', 'toInternet', 'fromInternet'),
      proto: fc.constantFrom(6, 17, 1),
      port: fc.constantFrom(...PORTS),
      remote: fc.constantFrom('10.1.1.10', '10.1.2.10', '10.1.3.10', '10.2.1.10', '8.8.8.8', '1.1.1.1'),
    }),
    { minLength: 5, maxLength: 12 },
  ),
});
type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

const PLACES: [string, string, string, string][] = [
  ['vpc-ai', 'app', '10.1.1.0/24', '10.1.1.10'],
  ['vpc-ai', 'inference', '10.1.2.0/24', '10.1.2.10'],
  ['vpc-ai', 'data', '10.1.3.0/24', '10.1.3.10'],
  ['vpc-b', 'data', '10.2.1.0/24', '10.2.1.10'],
];

function build(w: World): GcpInventory {
  const lb =
    w.lb.kind === 'none'
      ? {}
      : loadBalancer({
          kind: w.lb.kind,
          port: 443,
          backendPort: 8443,
          armor: w.lb.armor,
          ...(w.lb.listed ? { members: w.lb.members.map((i) => `vm-${i}`) } : {}),
        });
  const peer = (to: string) => ({
    name: `to-${to}`,
    network: `projects/${PROJECT}/global/networks/${to}`,
    state: 'ACTIVE',
    pointer: '/peerings/0',
  });
  return gcpWorld({
    networks: [network('vpc-ai', { peerings: [peer('vpc-b')] }), network('vpc-b', { peerings: [peer('vpc-ai')] })],
    subnetworks: [
      subnetwork('snet-app', '10.1.1.0/24'),
      subnetwork('snet-inference', '10.1.2.0/24'),
      subnetwork('snet-data', '10.1.3.0/24'),
      subnetwork('vpc-b-snet-data', '10.2.1.0/24', { network: `projects/${PROJECT}/global/networks/vpc-b` }),
      subnetwork('snet-lb', '10.1.9.0/24'),
    ],
    instances: w.vms.map((v, i) => {
      const [net, zone, , ip] = PLACES[i]!;
      return vm(`vm-${i}`, ip, zone, {
        net,
        tags: v.tags,
        external: v.external,
        serviceAccounts: [`${v.sa}@x.iam.gserviceaccount.com`],
      });
    }),
    firewalls: ['vpc-ai', 'vpc-b'].flatMap((net) =>
      w.rules.map((r, i) =>
        firewall(`${net}-r${i}`, {
          network: `projects/${PROJECT}/global/networks/${net}`,
          direction: r.ingress ? 'INGRESS' : 'EGRESS',
          priority: r.priority,
          ...(r.ingress ? { sourceRanges: r.ranges, sourceTags: r.sourceTags } : { destinationRanges: r.ranges }),
          targetTags: r.targetTags,
          [r.allow ? 'allowed' : 'denied']: [{ protocol: r.proto, ports: r.proto === 'all' ? [] : r.ports }],
        }),
      ),
    ),
    hierarchicalFirewallPolicies: w.hier.length
      ? [
          firewallPolicy(
            'org',
            'hierarchical',
            'organizations/1',
            w.hier.map((h, i) =>
              policyRule({
                priority: 10 + i,
                action: h.action,
                direction: h.ingress ? 'INGRESS' : 'EGRESS',
                ...(h.ingress ? { srcIpRanges: h.ranges } : { destIpRanges: h.ranges }),
                layer4Configs: [{ protocol: h.proto, ports: [] }],
              }),
            ),
          ),
        ]
      : [],
    routes:
      w.route === 'none'
        ? []
        : w.route === 'default'
          ? [route('default', '0.0.0.0/0')]
          : w.route === 'tagged'
            ? [route('default', '0.0.0.0/0', { tags: ['web'] })]
            : [
                route('default', '0.0.0.0/0'),
                route('via-vm', '8.8.8.0/24', { nextHopGateway: undefined, nextHopIp: '10.1.1.99' }),
              ],
    routers: [...(w.nat ? [router('rtr', {})] : []), ...(w.learned === 'none' ? [] : [BGP_ROUTER])],
    routerStatuses:
      w.learned === 'none' || w.learned === 'unread'
        ? []
        : [
            {
              project: PROJECT,
              region: BGP_ROUTER.region,
              origin: { kind: 'file', file: 'status.json' },
              id: BGP_ROUTER.id,
              name: BGP_ROUTER.name,
              peers: [{ name: 'onprem', status: 'UP', pointer: '/result/bgpPeerStatus/0' }],
              routes: [
                {
                  destRange: w.learned.split(' ')[0]!,
                  priority: Number(w.learned.split(' ')[1]),
                  nextHopVpnTunnel: 'ha-tunnel-0',
                  list: 'bestRoutes',
                  pointer: '/result/bestRoutes/0',
                },
              ],
            },
          ],
    ...lb,
  });
}

const BGP_ROUTER = { ...router('cr-vpn', {}), nats: [], bgpPeers: [{ name: 'onprem', pointer: '/bgpPeers/0' }] };

const INTERNET = [0x08080808, 0x01010101];
const ipNumber = (ip: string) => ip.split('.').reduce((a, o) => a * 256 + Number(o), 0);
const PROTO_NAME: Record<number, string> = { 6: 'tcp', 17: 'udp', 1: 'icmp' };

describe('verify (GCP): the compiled model agrees with itself and with the firewall evaluator', () => {
  it('set evaluator = per-packet evaluator; compiled filters = firewall-eval, on random networks', () => {
    const seen = new Map<string, number>();
    const count = (k: string) => seen.set(k, (seen.get(k) ?? 0) + 1);
    fc.assert(
      fc.property(world, (w) => {
        const inv = build(w);
        const model = compileGcp(inv, GCP_POLICY);
        const ev = new SetEvaluator(model, { clientPorts: [32768, 60999] });
        const tracer = new Tracer(model, [32768, 60999]);
        const ifaces = model.interfaces.filter((i) => i.role === 'workload');
        for (const pk of w.packets) {
          const s = ifaces[pk.src % ifaces.length]!;
          const d = ifaces[pk.dst % ifaces.length]!;
          const fromInternet = pk.kind === 'fromInternet';
          const toInternet = pk.kind === 'toInternet';
          const port = pk.proto === 1 ? 0 : pk.port;
          if (fromInternet || toInternet || s !== d)
            for (const mode of ['exists', 'all'] as ReplyMode[]) {
              const p: Point = {
                fam: 0,
                src: fromInternet ? INTERNET[pk.src % 2]! : Number(s.addresses[0]!.first),
                dst: toInternet ? INTERNET[pk.dst % 2]! : Number(d.addresses[0]!.first),
                proto: pk.proto,
                port,
              };
              const t = assertAgreement(ev, tracer, { s, d, fromInternet, toInternet, p, mode });
              count(`path ${t.verdict}`);
              if (t.hops.some((h) => h.at === 'forwarding rule lb-fr')) count(`lb ${t.verdict}`);
            }
          // The compiled filter of s against firewall-eval, in both directions, with a remote address.
          const inst = inv.instances.find((x) => x.name === s.id)!;
          const net = inv.networks.find((n) => n.name === s.network)!;
          const setup = firewallSetup(inv, net, 'us-central1');
          const ip = inst.networkInterfaces[0]!.networkIP!;
          for (const inbound of [true, false]) {
            const f = inbound ? s.inbound : s.outbound;
            const here = ipNumber(ip);
            const there = ipNumber(pk.remote);
            const model_ = decidePacket(f, {
              fam: 0,
              src: inbound ? there : here,
              dst: inbound ? here : there,
              proto: pk.proto,
              port,
            }).verdict;
            const truth = decidingRule(setup, {
              direction: inbound ? 'INGRESS' : 'EGRESS',
              protocol: PROTO_NAME[pk.proto]!,
              ...(pk.proto === 1 ? {} : { port }),
              target: {
                network: net.id,
                region: 'us-central1',
                tags: inst.tags,
                serviceAccounts: inst.serviceAccounts,
                addresses: addressSetOf([ip]).set,
                instance: inst.id,
              },
              remote: addressSetOf([pk.remote]).set,
              remoteInstances: inv.instances.map((x) => ({
                network: x.networkInterfaces[0]!.network!,
                ip: x.networkInterfaces[0]!.networkIP!,
                tags: x.tags,
                serviceAccounts: x.serviceAccounts,
              })),
            });
            const expected = 'action' in truth ? (truth.action === 'allow' ? 'yes' : 'no') : 'maybe';
            // The model is as sure as the evaluator or less (a source tag no instance carries is unknown there, empty
            // in firewall-eval), never of the opposite opinion.
            if (model_ !== 'maybe' || expected === 'maybe')
              assert.equal(
                model_,
                expected,
                `${s.id} ${inbound ? 'from' : 'to'} ${pk.remote} ${PROTO_NAME[pk.proto]}/${port}: ${JSON.stringify(truth)} vs ${JSON.stringify(f.rules.map((r) => [r.action, r.proto, r.ports, r.ref.label]))}`,
              );
            count(`filter ${expected}${f.rules.some((r) => /goto_next/.test(r.ref.label)) ? ' goto' : ''}`);
          }
        }
      }),
      { numRuns: 600, seed: 11 },
    );
    for (const k of [
      'lb yes',
      'lb no',
      'lb maybe',
      'path yes',
      'path no',
      'path maybe',
      'filter yes',
      'filter no',
      'filter yes goto',
      'filter no goto',
    ])
      assert.equal((seen.get(k) ?? 0) > 0, true, `no case came out "${k}": ${JSON.stringify([...seen])}`);
  });
});

describe('verify (GCP): both evaluators agree from and to a zone outside every network', () => {
  it('an on-premises zone (192.168.0.0/16) behind learned routes, appliances and unread routers', () => {
    const outcomes = new Map<string, number>();
    fc.assert(
      fc.property(world, (w) => {
        const model = compileGcp(build(w), GCP_POLICY);
        agreeWithOnPremises(model, w.packets, outcomes);
      }),
      { numRuns: 200, seed: 13 },
    );
    assertEveryOnPremisesOutcome(outcomes);
  });
});

/**
 * The questions against the tracer on GCP networks (first-match lists whose rules come from many firewall rules and
 * policies, peeled per deciding resource): a packet the trace permits and the policy denies is a violation (or,
 * undecided, a violation or an unknown) located at the rule that decided it at the destination, naming both ends'
 * scopes.
 */
describe('verify (GCP): the questions report what the trace permits', () => {
  it('violations located at the deciding firewall rule, with both ends’ scopes', () => {
    let checked = 0;
    fc.assert(
      fc.property(world, (w) => {
        const model = compileGcp(build(w), GCP_POLICY);
        for (const i of model.interfaces) (i as { scope: string }).scope = `proj-${i.network}/r1`;
        const tracer = new Tracer(model, [32768, 60999]);
        const r = verifyModel(model, GCP_POLICY, { clientPorts: [32768, 60999] });
        const ifaces = model.interfaces;
        for (const pk of w.packets) {
          const z = zonePacket(ifaces, pk);
          if (!z) continue;
          const { s, d, p } = z;
          const t = tracer.trace({ kind: 'interface', iface: s }, p, 'exists');
          if (t.verdict === 'no' || contains(policySet(GCP_POLICY, s.zone!, d.zone!), p)) continue;
          // An undecided packet a deny stops after a rule that may allow it: that rule is the one to resolve.
          const decided = decidePacket(d.inbound, p);
          const mayAllow = d.inbound.rules.find((x) => x.action === 'allow' && decided.undecidedBy.includes(x.ref));
          const denied = d.inbound.rules.find((x) => x.ref === decided.ref)?.action !== 'allow';
          const at = decided.verdict === 'maybe' && denied && mayAllow ? mayAllow.ref : decided.ref;
          checked++;
          const c = { verdict: t.verdict, from: s.zone!, to: d.zone!, scopes: [s.scope, d.scope] };
          assertFindingFor(
            r,
            { ...c, resourceIds: new Set([at.resourceId]) },
            `${s.id} -> ${d.id} ${p.proto}/${p.port}`,
          );
        }
      }),
      { numRuns: 150, seed: 12 },
    );
    assert.ok(checked > 20, `only ${checked} violating packets checked`);
  });
});
