/**
 * The transit gateway traps: the attachment's associated route table decides (not the destination's), blackhole
 * routes drop, the reply needs a route back in the other attachment's table, attachment-subnet network ACLs follow
 * AWS's documented rules, and a transit gateway without its route tables stays unknown.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileAws } from '../../src/verify/aws.js';
import { verifyModel } from '../../src/verify/questions.js';
import { Tracer } from '../../src/verify/trace.js';
import type { AwsInventory } from '../../src/inventory/aws.js';
import { all, eni, inventory, POLICY, sg, subnet, vpc } from './helpers.js';
import { addTgw, inZone, type TgwSpec } from './tgw-helpers.js';

const run = (inv: AwsInventory) => verifyModel(compileAws(inv, POLICY), POLICY, { clientPorts: [32768, 60999] });
const cell = (r: ReturnType<typeof run>, from: string, to: string) =>
  r.matrix.find((m) => m.from === from && m.to === to)!;

/** app in VPC A (10.1/16), data in B (10.2/16), inference in C (10.3/16); each subnet routes 10/8 to tgw-1. */
function network(tables: TgwSpec['tables'], opts: { attachSubnetAcl?: boolean } = {}) {
  const inv = inventory();
  const spokes: [string, string, string][] = [
    ['a', 'vpc-a', 'app'],
    ['b', 'vpc-b', 'data'],
    ['c', 'vpc-c', 'inference'],
  ];
  spokes.forEach(([x, v, zone], i) => {
    vpc(inv, v, `10.${i + 1}.0.0/16`);
    subnet(inv, `w${x}`, v, `10.${i + 1}.1.0/24`, zone, [['10.0.0.0/8', 'tgw-1']]);
    // The attachment's own subnet; with attachSubnetAcl, C's admits only A's addresses as sources.
    subnet(
      inv,
      `t${x}`,
      v,
      `10.${i + 1}.9.0/28`,
      zone,
      [['10.0.0.0/8', 'tgw-1']],
      opts.attachSubnetAcl && x === 'c'
        ? {
            in: [{ ruleNumber: 100, protocol: '-1', action: 'allow', cidr: '10.1.0.0/16' }],
            out: [{ ruleNumber: 100, protocol: '-1', action: 'allow', cidr: '0.0.0.0/0' }],
          }
        : undefined,
    );
    inZone(inv, 'use1-az1', `w${x}`, `t${x}`);
    sg(inv, `sg-${x}`, v, [all('10.0.0.0/8')]);
    eni(inv, `eni-${x}`, `w${x}`, `10.${i + 1}.1.10`, [`sg-${x}`]);
  });
  addTgw(inv, {
    id: 'tgw-1',
    attachments: ['a', 'b', 'c'].map((x) => ({ id: `att-${x}`, vpc: `vpc-${x}`, subnets: [`t${x}`] })),
    tables,
  });
  return inv;
}

const segmented: TgwSpec['tables'] = [
  // A's table reaches C only; B's and C's tables route back to A.
  { id: 'rt-a', associations: ['att-a'], routes: [['10.3.0.0/16', 'att-c']] },
  { id: 'rt-bc', associations: ['att-b', 'att-c'], routes: [['10.1.0.0/16', 'att-a']] },
];

function trace(inv: AwsInventory, from: string, dst: number, port = 443) {
  const model = compileAws(inv, POLICY);
  const src = model.interfaces.find((i) => i.id === from)!;
  return new Tracer(model, [32768, 60999]).trace(
    { kind: 'interface', iface: src },
    { fam: 0, src: Number(src.addresses[0]!.first), dst, proto: 6, port },
    'all',
  );
}

describe('verify: transit gateways', () => {
  it('the source attachment’s associated route table decides: A reaches C but not B', () => {
    const r = run(network(segmented));
    assert.deepEqual(cell(r, 'app', 'inference').configurationPermits, ['any']);
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, []);
    assert.deepEqual(cell(r, 'app', 'data').unknown, []);
    const t = trace(network(segmented), 'eni-a', 0x0a02010a);
    assert.equal(t.verdict, 'no');
    assert.match(t.hops.at(-1)!.what, /no route in the transit gateway route table/);
    const ok = trace(network(segmented), 'eni-a', 0x0a03010a);
    assert.equal(ok.verdict, 'yes');
    assert.ok(ok.hops.some((h) => /routed by 10\.3\.0\.0\/16 -> att-c/.test(h.what)));
  });

  it('associating A with a table that routes to B is lateral movement, witnessed through the transit gateway', () => {
    const open: TgwSpec['tables'] = [
      {
        id: 'rt-a',
        associations: ['att-a'],
        routes: [
          ['10.0.0.0/8', 'att-b'],
          ['10.3.0.0/16', 'att-c'],
        ],
      },
      { id: 'rt-bc', associations: ['att-b', 'att-c'], routes: [['10.1.0.0/16', 'att-a']] },
    ];
    const r = run(network(open));
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, ['any']);
    const v = r.findings.filter((f) => f.checkId === 'verify-zone-violation' && f.evidence?.to === 'data');
    assert.ok(v.length > 0);
  });

  it('a blackhole route drops what a wider route would carry', () => {
    const tables: TgwSpec['tables'] = [
      {
        id: 'rt-a',
        associations: ['att-a'],
        routes: [
          ['10.0.0.0/8', 'att-c'],
          ['10.3.1.0/24', 'blackhole'],
        ],
      },
      { id: 'rt-bc', associations: ['att-b', 'att-c'], routes: [['10.1.0.0/16', 'att-a']] },
    ];
    const t = trace(network(tables), 'eni-a', 0x0a03010a);
    assert.equal(t.verdict, 'no');
    assert.match(t.hops.at(-1)!.what, /blackhole route in rt-a/);
    assert.deepEqual(cell(run(network(tables)), 'app', 'inference').configurationPermits, []);
  });

  it('a missing return route in the other attachment’s table breaks the allowed flow', () => {
    const tables: TgwSpec['tables'] = [
      { id: 'rt-a', associations: ['att-a'], routes: [['10.3.0.0/16', 'att-c']] },
      { id: 'rt-bc', associations: ['att-b', 'att-c'], routes: [['10.2.0.0/16', 'att-b']] },
    ];
    const r = run(network(tables));
    // TCP needs the reply; other protocols count when the forward packet arrives.
    assert.deepEqual(cell(r, 'app', 'inference').configurationPermits, ['proto 0-5', 'proto 7-255']);
    const broken = r.findings.filter((f) => f.checkId === 'verify-broken-intent' && f.evidence?.to === 'inference');
    assert.equal(broken.length, 1);
    assert.match(broken[0]!.message, /does not send the reply back to att-a/);
  });

  it('the attachment subnet’s inbound ACL sees traffic into the gateway, replies included', () => {
    // C's attachment subnet tc admits only A's addresses. C -> A enters the gateway through tc: dropped there.
    const t = trace(network(segmented, { attachSubnetAcl: true }), 'eni-c', 0x0a01010a);
    assert.equal(t.verdict, 'no');
    assert.ok(t.hops.some((h) => h.at === 'tc' && /^inbound dropped/.test(h.what)));
    // A -> C leaves the gateway through tc (its outbound rules, not its inbound ones), but the TCP reply enters the
    // gateway through tc with C's address as source: dropped. Non-TCP traffic gets through.
    const r = run(network(segmented, { attachSubnetAcl: true }));
    assert.deepEqual(cell(r, 'app', 'inference').configurationPermits, ['proto 0-5', 'proto 7-255']);
    const back = trace(network(segmented, { attachSubnetAcl: true }), 'eni-a', 0x0a03010a);
    assert.ok(back.hops.some((h) => h.at === 'tc' && /^reply \(inbound/.test(h.what) && h.verdict === 'no'));
  });

  it('without its route tables a transit gateway is unknown, never a pass', () => {
    const inv = network(segmented);
    inv.transitGatewayRouteTables = [];
    const r = run(inv);
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, []);
    assert.notDeepEqual(cell(r, 'app', 'data').unknown, []);
    assert.ok(
      compileAws(inv, POLICY).notes.some((n) =>
        /transit gateway tgw-1: its route tables are not in the inventory/.test(n),
      ),
    );
  });

  it('a source in a zone without an attachment subnet cannot reach the gateway', () => {
    const inv = network(segmented);
    inZone(inv, 'use1-az2', 'wa');
    const t = trace(inv, 'eni-a', 0x0a03010a);
    assert.equal(t.verdict, 'no');
    assert.match(t.hops.at(-1)!.what, /att-a has no subnet in use1-az2/);
  });

  it('zones named two ways do not tell: a literal zone and a placeholder of the code’s zone list may be one zone', () => {
    // Infrastructure as code: the attachment subnet's zone is data.aws_availability_zones' first (us-east-1-az1,
    // which the account names at deploy), the workload's is written us-east-1c — possibly the same zone.
    const inv = network(segmented);
    inZone(inv, 'us-east-1-az1', 'ta');
    inZone(inv, 'us-east-1c', 'wa');
    const t = trace(inv, 'eni-a', 0x0a03010a);
    assert.equal(t.verdict, 'maybe');
    assert.ok(
      t.hops.some((h) => /which subnet of att-a serves wa's zone/.test(h.what)),
      JSON.stringify(t.hops.map((h) => h.what)),
    );
    // Two placeholders of one list are two zones: the packet cannot enter.
    inZone(inv, 'us-east-1-az2', 'wa');
    assert.equal(trace(inv, 'eni-a', 0x0a03010a).verdict, 'no');
  });
});
