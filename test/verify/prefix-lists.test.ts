/**
 * Managed prefix lists in verify: a security group rule or route naming a collected list uses its entries; an
 * AWS-managed list is the service's address space; a list whose entries were not collected stays unknown.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileAws } from '../../src/verify/aws.js';
import { verifyModel } from '../../src/verify/questions.js';
import { Tracer } from '../../src/verify/trace.js';
import type { AwsInventory } from '../../src/inventory/aws.js';
import { eni, inventory, POLICY, sg, subnet, tcp, vpc } from './helpers.js';

const run = (inv: AwsInventory) => verifyModel(compileAws(inv, POLICY), POLICY, { clientPorts: [32768, 60999] });
const cell = (r: ReturnType<typeof run>, from: string, to: string) =>
  r.matrix.find((m) => m.from === from && m.to === to)!;
const scope = { account: '111111111111', region: 'us-east-1', origin: { kind: 'file' as const, file: 'pl.json' } };

function addList(inv: AwsInventory, id: string, cidrs: string[] | undefined, ownerId = '111111111111', name = 'corp') {
  inv.managedPrefixLists.push({ ...scope, id, name, ownerId, ...(cidrs ? { cidrs } : {}) });
}

/** app (10.0.1.0/24) and data (10.0.3.0/24); the database admits 5432 from prefix list pl-1. */
function build(list: string[] | undefined) {
  const inv = inventory();
  vpc(inv, 'vpc-1', '10.0.0.0/16');
  subnet(inv, 'app', 'vpc-1', '10.0.1.0/24', 'app');
  subnet(inv, 'dat', 'vpc-1', '10.0.3.0/24', 'data');
  sg(inv, 'sg-app', 'vpc-1', []);
  sg(inv, 'sg-db', 'vpc-1', [tcp(5432, 5432, [], [], ['pl-1'])]);
  eni(inv, 'eni-app', 'app', '10.0.1.10', ['sg-app']);
  eni(inv, 'eni-db', 'dat', '10.0.3.10', ['sg-db']);
  if (list) addList(inv, 'pl-1', list);
  return inv;
}

describe('verify: managed prefix lists', () => {
  it('a source list that holds the application subnet is lateral movement, witnessed and located at the rule', () => {
    const r = run(build(['10.0.1.0/24', '192.168.0.0/16']));
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, ['tcp/5432']);
    assert.deepEqual(cell(r, 'app', 'data').unknown, []);
    const v = r.findings.filter((f) => f.checkId === 'verify-zone-violation' && f.evidence?.from === 'app');
    assert.equal(v.length, 1);
    assert.match(v[0]!.message, /10\.0\.1\.10 -> 10\.0\.3\.10 tcp\/5432 via sg-db inbound tcp 5432 from pl-1/);
  });
  it('a list without the application subnet keeps it out', () => {
    const r = run(build(['192.168.0.0/16']));
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, []);
    assert.deepEqual(cell(r, 'app', 'data').unknown, []);
  });
  it('a list whose entries were not collected is unknown, never a pass', () => {
    const inv = build(undefined);
    addList(inv, 'pl-1', undefined);
    const r = run(inv);
    assert.deepEqual(cell(r, 'app', 'data').unknown, ['tcp/5432']);
    const model = compileAws(inv, POLICY);
    assert.ok(model.notes.some((n) => /entries of prefix list pl-1 not collected/.test(n)));
  });
  it('a route to a customer list sends its entries where the route points; others follow the rest of the table', () => {
    const inv = build(['192.168.0.0/16']);
    vpc(inv, 'vpc-2', '10.9.0.0/16', 'igw-9');
    // The list names vpc-2's /16 only through the prefix list: without its entries the peering route is unknown.
    addList(inv, 'pl-2', ['10.9.0.0/16']);
    subnet(inv, 'far', 'vpc-2', '10.9.1.0/24', 'data', [['10.0.0.0/16', 'pcx-12']]);
    inv.routeTables
      .find((t) => t.id === 'rtb-app')!
      .routes.push({
        destination: 'pl-2',
        target: { type: 'vpc-peering', id: 'pcx-12' },
        state: 'active',
        pointer: '/rt/app/Routes/9',
      });
    sg(inv, 'sg-far', 'vpc-2', [tcp(5432, 5432, ['10.0.1.0/24'])]);
    eni(inv, 'eni-far', 'far', '10.9.1.10', ['sg-far']);
    const model = compileAws(inv, POLICY);
    const tracer = new Tracer(model, [32768, 60999]);
    const app = model.interfaces.find((i) => i.id === 'eni-app')!;
    const t = tracer.trace(
      { kind: 'interface', iface: app },
      { fam: 0, src: 0x0a00010a, dst: 0x0a09010a, proto: 6, port: 5432 },
      'all',
    );
    assert.equal(t.verdict, 'yes');
    assert.ok(t.hops.some((h) => /pl-2 \(corp\) entry 10\.9\.0\.0\/16 -> pcx-12/.test(h.what)));
    inv.managedPrefixLists.find((l) => l.id === 'pl-2')!.cidrs = undefined;
    const unknownModel = compileAws(inv, POLICY);
    const u = new Tracer(unknownModel, [32768, 60999]).trace(
      { kind: 'interface', iface: unknownModel.interfaces.find((i) => i.id === 'eni-app')! },
      { fam: 0, src: 0x0a00010a, dst: 0x0a09010a, proto: 6, port: 5432 },
      'all',
    );
    assert.equal(u.verdict, 'maybe');
  });
  it('an AWS-managed list is the service’s address space: an S3 address is not the internet behind a gateway endpoint', () => {
    const inv = build(['192.168.0.0/16']);
    addList(inv, 'pl-63a5400a', ['3.5.0.0/19'], 'AWS', 'com.amazonaws.us-east-1.s3');
    inv.vpcEndpoints.push({
      ...scope,
      id: 'vpce-s3',
      vpcId: 'vpc-1',
      serviceName: 'com.amazonaws.us-east-1.s3',
      service: 's3',
      type: 'Gateway',
      privateDnsEnabled: false,
      subnetIds: [],
      groupIds: [],
      routeTableIds: ['rtb-dat'],
      networkInterfaceIds: [],
      tags: {},
    });
    inv.routeTables
      .find((t) => t.id === 'rtb-dat')!
      .routes.push({
        destination: 'pl-63a5400a',
        target: { type: 'vpc-endpoint', id: 'vpce-s3' },
        state: 'active',
        pointer: '/rt/dat/Routes/9',
      });
    const model = compileAws(inv, POLICY);
    const db = model.interfaces.find((i) => i.id === 'eni-db')!;
    const t = new Tracer(model, [32768, 60999]).trace(
      { kind: 'interface', iface: db },
      { fam: 0, src: 0x0a00030a, dst: 0x03050001, proto: 6, port: 443 },
      'exists',
    );
    assert.equal(t.verdict, 'no');
    assert.match(t.hops.at(-1)!.what, /gateway endpoint/);
    assert.ok(!model.notes.some((n) => /gateway endpoint routes/.test(n)));
  });
});
