/**
 * AWS load balancers in `cordon verify`, each trap with a configuration that trips it and one that does not: what
 * source a target's security group sees (the client through a Network Load Balancer preserving client addresses,
 * the load balancer's own addresses through an Application Load Balancer or an NLB that does not), the load
 * balancer's security groups in front, who may reach an internal front end, and what cordon did not read being
 * undecided rather than absent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AwsInventory, AwsLbTarget } from '../../src/inventory/aws.js';
import { compileAws } from '../../src/verify/aws.js';
import { verifyModel, VERIFY_CHECKS } from '../../src/verify/questions.js';
import { eni, inventory, POLICY, sg, subnet, tcp, testPolicy, vpc } from './helpers.js';

const scope = { account: '111111111111', region: 'us-east-1' };
const origin = (pointer: string) => ({ kind: 'file' as const, file: 'inv.json', pointer });
const ARN = 'arn:aws:elasticloadbalancing:us-east-1:111111111111';

const run = (inv: AwsInventory) => verifyModel(compileAws(inv, POLICY), POLICY, { clientPorts: [32768, 60999] });
type Result = ReturnType<typeof run>;
const cell = (r: Result, from: string, to: string) => r.matrix.find((m) => m.from === from && m.to === to)!;
const findings = (r: Result, id: string, from: string, to: string) =>
  r.findings.filter((f) => f.checkId === id && f.evidence?.from === from && f.evidence?.to === to);
const violations = (r: Result, from: string, to: string) => findings(r, VERIFY_CHECKS.violation.id, from, to);
const witness = (f: { evidence?: unknown }) =>
  (f.evidence as { witness: { packet: string; path: { at: string; what: string }[] } }).witness;
const hops = (f: { evidence?: unknown }) => witness(f).path.map((h) => `${h.at}: ${h.what}`);

/**
 * One VPC (10.0.0.0/16, igw-1): a public subnet (10.0.0.0/24, app zone, routed to the internet gateway) holding the
 * load balancers' nodes, an app subnet (10.0.1.0/24) with eni-app, an inference subnet (10.0.2.0/24) with instance
 * i-inf (eni-inf, 10.0.2.10) and a data subnet (10.0.3.0/24) with instance i-db (eni-db, 10.0.3.10).
 */
function world(groups: { db?: Parameters<typeof sg>[3]; inf?: Parameters<typeof sg>[3] } = {}): AwsInventory {
  const inv = inventory();
  vpc(inv, 'vpc-1', '10.0.0.0/16', 'igw-1');
  subnet(inv, 'pub', 'vpc-1', '10.0.0.0/24', 'app', [['0.0.0.0/0', 'igw-1']]);
  subnet(inv, 'app', 'vpc-1', '10.0.1.0/24', 'app');
  subnet(inv, 'inf', 'vpc-1', '10.0.2.0/24', 'inference');
  subnet(inv, 'dat', 'vpc-1', '10.0.3.0/24', 'data');
  sg(inv, 'sg-app', 'vpc-1', []);
  sg(inv, 'sg-inf', 'vpc-1', groups.inf ?? []);
  sg(inv, 'sg-db', 'vpc-1', groups.db ?? []);
  eni(inv, 'eni-app', 'app', '10.0.1.10', ['sg-app']);
  eni(inv, 'eni-inf', 'inf', '10.0.2.10', ['sg-inf']);
  eni(inv, 'eni-db', 'dat', '10.0.3.10', ['sg-db']);
  attach(inv, 'eni-inf', 'i-inf');
  attach(inv, 'eni-db', 'i-db');
  return inv;
}

function attach(inv: AwsInventory, eniId: string, instanceId: string, deviceIndex = 0): void {
  Object.assign(
    inv.networkInterfaces.find((n) => n.id === eniId)!,
    { instanceId, deviceIndex },
  );
}

interface LbSpec {
  name: string;
  type: 'network' | 'application';
  scheme?: 'internet-facing' | 'internal';
  subnet?: string;
  /** The node's address (its interface, "ELB net/NAME/1"); undefined: the interface is not in the inventory. */
  node?: string;
  securityGroups?: string[];
  listener?: { protocol: string; port: number };
  /** The group is forwarded to by a listener rule (not the default action), its rules read or not. */
  byRule?: 'read' | 'not read';
  group: {
    targetType?: 'instance' | 'ip';
    protocol: string;
    port: number;
    preserveClientIp?: boolean;
    /** undefined: describe-target-health was not read. */
    targets?: AwsLbTarget[];
  };
}

function loadBalancer(inv: AwsInventory, spec: LbSpec): void {
  const short = spec.type === 'network' ? 'net' : 'app';
  const arn = `${ARN}:loadbalancer/${short}/${spec.name}/1`;
  const tg = `${ARN}:targetgroup/${spec.name}-tg/1`;
  const subnetId = spec.subnet ?? 'pub';
  inv.loadBalancers.push({
    ...scope,
    origin: origin(`/lb/${spec.name}`),
    arn,
    name: spec.name,
    type: spec.type,
    scheme: spec.scheme ?? 'internet-facing',
    vpcId: 'vpc-1',
    subnetIds: [subnetId],
    attributesKnown: true,
    securityGroupIds: spec.securityGroups ?? [],
  });
  if (spec.node) eni(inv, `eni-${spec.name}`, subnetId, spec.node, spec.securityGroups ?? []);
  const n = inv.networkInterfaces.find((x) => x.id === `eni-${spec.name}`);
  if (n) n.description = `ELB ${short}/${spec.name}/1`;
  const listener = spec.listener ?? { protocol: spec.type === 'network' ? 'TCP' : 'HTTPS', port: 443 };
  inv.lbListeners.push({
    ...scope,
    origin: origin(`/listener/${spec.name}`),
    arn: `${ARN}:listener/${short}/${spec.name}/1/1`,
    loadBalancerArn: arn,
    ...listener,
    forwardTo: spec.byRule ? [] : [tg],
    ...(spec.byRule === 'read' ? { ruleForwardTo: [tg] } : {}),
  });
  inv.lbTargetGroups.push({
    ...scope,
    origin: origin(`/tg/${spec.name}`),
    arn: tg,
    name: `${spec.name}-tg`,
    targetType: spec.group.targetType ?? 'instance',
    protocol: spec.group.protocol,
    port: spec.group.port,
    vpcId: 'vpc-1',
    loadBalancerArns: [arn],
    attributesKnown: true,
    ...(spec.group.preserveClientIp !== undefined ? { preserveClientIp: spec.group.preserveClientIp } : {}),
    ...(spec.group.targets ? { targets: spec.group.targets } : {}),
  });
}

const nlbToDb = (over: Partial<LbSpec['group']> = {}): LbSpec => ({
  name: 'edge',
  type: 'network',
  node: '10.0.0.50',
  listener: { protocol: 'TCP', port: 5432 },
  group: { protocol: 'TCP', port: 5432, targets: [{ id: 'i-db', port: 5432, state: 'healthy' }], ...over },
});

/** An internet-facing ALB (node 10.0.0.60, group sg-alb) on HTTPS:443 forwarding to i-inf on 8080 (unhealthy). */
function albToInference(albIngress: Parameters<typeof sg>[3], infIngress: Parameters<typeof sg>[3]): Result {
  const inv = world({ inf: infIngress });
  sg(inv, 'sg-alb', 'vpc-1', albIngress);
  loadBalancer(inv, {
    name: 'web',
    type: 'application',
    node: '10.0.0.60',
    securityGroups: ['sg-alb'],
    group: { protocol: 'HTTP', port: 8080, targets: [{ id: 'i-inf', port: 8080, state: 'unhealthy' }] },
  });
  return run(inv);
}

describe('verify (AWS): load balancers', () => {
  it('an internet-facing NLB preserving client addresses exposes a target open to 0.0.0.0/0 with no public address', () => {
    const open = { db: [tcp(5432, 5432, ['0.0.0.0/0'])] };
    // Without the load balancer the data instance (no public address, no internet route) is not reachable.
    assert.deepEqual(cell(run(world(open)), 'internet', 'data').configurationPermits, []);
    const inv = world(open);
    loadBalancer(inv, nlbToDb());
    const r = run(inv);
    assert.deepEqual(cell(r, 'internet', 'data').configurationPermits, ['tcp/5432']);
    const v = violations(r, 'internet', 'data');
    assert.equal(v.length, 1);
    assert.equal(v[0]!.resource.id, 'sg-db');
    // Located at the target's security group, as an AWS resource (the load-balancer path's last hop).
    assert.equal(v[0]!.resource.type, 'AWS::EC2::SecurityGroup');
    assert.match(witness(v[0]!).packet, /^\S+ -> 10\.0\.3\.10 tcp\/5432$/);
    const h = hops(v[0]!);
    assert.ok(
      h.some((x) => /listener TCP:5432 \(client address preserved\) of Network Load Balancer edge/.test(x)),
      h.join('\n'),
    );
    assert.ok(
      h.some((x) => /target group edge-tg: i-db port 5432 \(healthy\)/.test(x)),
      h.join('\n'),
    );
    assert.ok(
      h.some((x) => /inbound allowed by sg-db inbound tcp 5432 from 0\.0\.0\.0\/0/.test(x)),
      h.join('\n'),
    );
    // A target admitting only the inference subnet is not reachable from the internet through it.
    const closed = world({ db: [tcp(5432, 5432, ['10.0.2.0/24'])] });
    loadBalancer(closed, nlbToDb());
    assert.deepEqual(cell(run(closed), 'internet', 'data').configurationPermits, []);
    assert.equal(violations(run(closed), 'internet', 'data').length, 0);
  });

  it('the NLB rewrites the port to the target port: the target must admit that port, not the listener port', () => {
    const inv = world({ db: [tcp(443, 443, ['0.0.0.0/0'])] });
    loadBalancer(inv, { ...nlbToDb(), listener: { protocol: 'TCP', port: 443 } });
    // Target port 5432 (the group's): the rule on 443 does not admit it.
    assert.deepEqual(cell(run(inv), 'internet', 'data').configurationPermits, []);
    const open = world({ db: [tcp(5432, 5432, ['0.0.0.0/0'])] });
    loadBalancer(open, { ...nlbToDb(), listener: { protocol: 'TCP', port: 443 } });
    assert.deepEqual(cell(run(open), 'internet', 'data').configurationPermits, ['tcp/443']);
  });

  it('without client IP preservation the target sees the NLB’s private address: admitting the VPC opens it', () => {
    const vpcWide = { db: [tcp(5432, 5432, ['10.0.0.0/16'])] };
    // ip targets over TCP: preservation off by default.
    const off = world(vpcWide);
    loadBalancer(off, nlbToDb({ targetType: 'ip', targets: [{ id: '10.0.3.10', port: 5432 }] }));
    const r = run(off);
    assert.deepEqual(cell(r, 'internet', 'data').configurationPermits, ['tcp/5432']);
    const v = violations(r, 'internet', 'data');
    assert.equal(v.length, 1);
    assert.ok(
      hops(v[0]!).some((x) => /inbound from the proxy \(10\.0\.0\.50\/32\) to port 5432: allowed by sg-db/.test(x)),
      hops(v[0]!).join('\n'),
    );
    // The same rule with preservation on (turned on for the ip group): the client's own address is not in the VPC.
    const on = world(vpcWide);
    loadBalancer(on, nlbToDb({ targetType: 'ip', preserveClientIp: true, targets: [{ id: '10.0.3.10', port: 5432 }] }));
    assert.deepEqual(cell(run(on), 'internet', 'data').configurationPermits, []);
    // Instance targets preserve by default.
    const instance = world(vpcWide);
    loadBalancer(instance, nlbToDb());
    assert.deepEqual(cell(run(instance), 'internet', 'data').configurationPermits, []);
  });

  it('an IP target in a prefix delegated to an interface (an EKS pod) is that interface: the internet reaches it through the NLB', () => {
    const vpcWide = { db: [tcp(5432, 5432, ['10.0.0.0/16'])] };
    const build = (delegated: boolean) => {
      const inv = world(vpcWide);
      if (delegated) inv.networkInterfaces.find((n) => n.id === 'eni-db')!.ipv4Prefixes = ['10.0.3.32/28'];
      loadBalancer(inv, nlbToDb({ targetType: 'ip', targets: [{ id: '10.0.3.40', port: 5432 }] }));
      return run(inv);
    };
    // Without the prefix the pod's address is no interface's: the target is not followed (a note, no path).
    assert.deepEqual(cell(build(false), 'internet', 'data').configurationPermits, []);
    const r = build(true);
    assert.deepEqual(cell(r, 'internet', 'data').configurationPermits, ['tcp/5432']);
    const v = violations(r, 'internet', 'data');
    assert.equal(v.length, 1);
    // The path is written to the interface (its addresses, the pods' among them), as for any target it holds.
    assert.match(witness(v[0]!).packet, /-> 10\.0\.3\.\d+ tcp\/5432/);
  });

  it('an ALB proxies from its nodes: a target admitting the ALB’s group is reachable from the internet, its front end filtered by the ALB’s group', () => {
    const alb = albToInference;
    const r = alb([tcp(443, 443, ['0.0.0.0/0'])], [tcp(8080, 8080, [], ['sg-alb'])]);
    assert.deepEqual(cell(r, 'internet', 'inference').configurationPermits, ['tcp/443']);
    const v = violations(r, 'internet', 'inference');
    assert.equal(v.length, 1);
    const h = hops(v[0]!);
    assert.ok(
      h.some((x) => /inbound allowed by sg-alb inbound tcp 443 from 0\.0\.0\.0\/0/.test(x)),
      h.join('\n'),
    );
    assert.ok(
      h.some((x) => /listener HTTPS:443 of Application Load Balancer web/.test(x)),
      h.join('\n'),
    );
    assert.ok(
      h.some((x) => /target group web-tg: i-inf port 8080 \(unhealthy\)/.test(x)),
      h.join('\n'),
    );
    // The target admits nothing from the ALB (only the app subnet): not reachable through it.
    assert.deepEqual(
      cell(alb([tcp(443, 443, ['0.0.0.0/0'])], [tcp(8080, 8080, ['10.0.1.0/24'])]), 'internet', 'inference')
        .configurationPermits,
      [],
    );
    // The client's address at the target does nothing for a proxy.
    assert.deepEqual(
      cell(alb([tcp(443, 443, ['0.0.0.0/0'])], [tcp(8080, 8080, ['0.0.0.0/0'])]), 'internet', 'inference')
        .configurationPermits,
      ['tcp/443'],
    );
    // The ALB's own group admits only an office range: the rest of the internet is stopped at the front end.
    const office = alb([tcp(443, 443, ['81.2.69.0/24'])], [tcp(8080, 8080, [], ['sg-alb'])]);
    const ov = violations(office, 'internet', 'inference');
    assert.equal(ov.length, 1);
    assert.match(witness(ov[0]!).packet, /^81\.2\.69\.\d+ -> 10\.0\.2\.10 tcp\/443$/);
    assert.deepEqual(
      cell(alb([], [tcp(8080, 8080, [], ['sg-alb'])]), 'internet', 'inference').configurationPermits,
      [],
    );
  });

  it('an internal load balancer carries its clients’ traffic to its targets: a zone its group admits reaches them', () => {
    const internal = (frontFrom: string) => {
      const inv = world({ db: [tcp(5432, 5432, [], ['sg-svc'])] });
      sg(inv, 'sg-svc', 'vpc-1', [tcp(443, 443, [frontFrom])]);
      loadBalancer(inv, {
        name: 'svc',
        type: 'application',
        scheme: 'internal',
        subnet: 'inf',
        node: '10.0.2.60',
        securityGroups: ['sg-svc'],
        group: { protocol: 'HTTP', port: 5432, targets: [{ id: 'i-db', port: 5432 }] },
      });
      return run(inv);
    };
    const r = internal('10.0.0.0/16');
    // app → data is denied by the policy: the internal load balancer makes it a violation.
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, ['tcp/443']);
    const v = violations(r, 'app', 'data');
    assert.equal(v.length, 1);
    assert.ok(
      hops(v[0]!).some((x) => /internal front end 10\.0\.2\.60\/32 of listener HTTPS:443/.test(x)),
      hops(v[0]!).join('\n'),
    );
    // Its group admits only the inference subnet: the app zone does not get through.
    assert.deepEqual(cell(internal('10.0.2.0/24'), 'app', 'data').configurationPermits, []);
    assert.equal(violations(internal('10.0.2.0/24'), 'app', 'data').length, 0);
  });

  it('targets not read make the VPC’s instances maybe-backends: not assessed, never a pass', () => {
    const unread = world({ db: [tcp(5432, 5432, ['0.0.0.0/0'])] });
    loadBalancer(unread, nlbToDb({ targets: undefined }));
    const r = run(unread);
    assert.deepEqual(cell(r, 'internet', 'data').configurationPermits, []);
    assert.deepEqual(cell(r, 'internet', 'data').unknown, ['tcp/5432']);
    assert.ok(findings(r, VERIFY_CHECKS.unknown.id, 'internet', 'data').length > 0);
    assert.ok(
      r.notes.some((n) => /the targets of target group edge-tg were not read/.test(n)),
      r.notes.join('\n'),
    );
    // Read, with no target registered: nothing behind it, nothing undecided.
    const none = world({ db: [tcp(5432, 5432, ['0.0.0.0/0'])] });
    loadBalancer(none, nlbToDb({ targets: [] }));
    const n = run(none);
    assert.deepEqual(cell(n, 'internet', 'data').unknown, []);
    assert.equal(findings(n, VERIFY_CHECKS.unknown.id, 'internet', 'data').length, 0);
  });

  it('listeners not read (the data set missing) leave every instance of the VPC undecided', () => {
    const inv = world({ db: [tcp(5432, 5432, ['0.0.0.0/0'])] });
    loadBalancer(inv, nlbToDb());
    inv.lbListeners = [];
    inv.datasets.get('111111111111/us-east-1')!.delete('elbv2:listeners');
    const r = run(inv);
    // Any port of the front end may lead to the target's 5432 (the port it rewrites to is not known either).
    assert.deepEqual(cell(r, 'internet', 'data').unknown, ['tcp all ports']);
    assert.ok(findings(r, VERIFY_CHECKS.unknown.id, 'internet', 'data').length > 0);
    // Read and empty: the load balancer has no listener, so no path.
    const empty = world({ db: [tcp(5432, 5432, ['0.0.0.0/0'])] });
    loadBalancer(empty, nlbToDb());
    empty.lbListeners = [];
    assert.deepEqual(cell(run(empty), 'internet', 'data').unknown, []);
  });

  it('an instance target is its primary interface (device index 0), not a secondary one', () => {
    const inv = world({ db: [tcp(5432, 5432, ['0.0.0.0/0'])] });
    // i-db's primary interface is a second one in the app subnet that admits nothing; eni-db is its device 1.
    eni(inv, 'eni-db0', 'app', '10.0.1.20', ['sg-app']);
    attach(inv, 'eni-db', 'i-db', 1);
    attach(inv, 'eni-db0', 'i-db', 0);
    loadBalancer(inv, nlbToDb());
    assert.deepEqual(cell(run(inv), 'internet', 'data').configurationPermits, []);
    assert.deepEqual(cell(run(inv), 'internet', 'app').configurationPermits, []);
  });

  it('a target group an ALB rule forwards to: a path when the rules were read, undecided when they were not', () => {
    const alb = (byRule: 'read' | 'not read') => {
      const inv = world({ inf: [tcp(8080, 8080, [], ['sg-alb'])] });
      sg(inv, 'sg-alb', 'vpc-1', [tcp(443, 443, ['0.0.0.0/0'])]);
      loadBalancer(inv, {
        name: 'web',
        type: 'application',
        node: '10.0.0.60',
        securityGroups: ['sg-alb'],
        byRule,
        group: { protocol: 'HTTP', port: 8080, targets: [{ id: 'i-inf', port: 8080 }] },
      });
      return run(inv);
    };
    const read = alb('read');
    assert.deepEqual(cell(read, 'internet', 'inference').configurationPermits, ['tcp/443']);
    const v = violations(read, 'internet', 'inference');
    assert.equal(v.length, 1);
    assert.ok(
      hops(v[0]!).some((x) => /target group web-tg \(by a listener rule\): i-inf port 8080/.test(x)),
      hops(v[0]!).join('\n'),
    );
    // Rules not read: the group is attached to the load balancer, so some rule forwards to it — undecided.
    const unread = alb('not read');
    assert.deepEqual(cell(unread, 'internet', 'inference').configurationPermits, []);
    assert.deepEqual(cell(unread, 'internet', 'inference').unknown, ['tcp/443']);
    assert.ok(findings(unread, VERIFY_CHECKS.unknown.id, 'internet', 'inference').length > 0);
  });
});

describe('verify (AWS): load balancers and IPv6 clients', () => {
  const v6 = albToInference;
  const ipv6Only = { ...tcp(443, 443), ipv6Ranges: [{ cidr: '::/0' }] };

  it('an ALB whose group admits only IPv6 clients may carry the internet to an IPv4 target: undecided, not absent', () => {
    // The target sees the ALB, whatever the client's family; cordon does not read whether the ALB is dual-stack.
    const r = v6([ipv6Only], [tcp(8080, 8080, [], ['sg-alb'])]);
    const c = cell(r, 'internet', 'inference');
    assert.deepEqual(c.configurationPermits, []);
    assert.deepEqual(c.unknown, ['tcp/443']);
    const u = findings(r, VERIFY_CHECKS.unknown.id, 'internet', 'inference');
    assert.ok(u.length > 0);
    assert.ok(
      hops(u[0]!).some((x) => /an IPv6 client may be admitted on this port/.test(x)),
      hops(u[0]!).join('\n'),
    );
    // The target does not admit the ALB: no path, whatever the clients.
    const closed = cell(v6([ipv6Only], [tcp(8080, 8080, ['10.0.1.0/24'])]), 'internet', 'inference');
    assert.deepEqual([...closed.configurationPermits, ...closed.unknown], []);
    // The group admits no client at all: nothing undecided.
    const none = cell(v6([], [tcp(8080, 8080, [], ['sg-alb'])]), 'internet', 'inference');
    assert.deepEqual([...none.configurationPermits, ...none.unknown], []);
  });
});

describe('verify (AWS): load balancers and network ACLs', () => {
  it('the target subnet’s network ACL sees the client’s packet an NLB preserves: denying it closes the path', () => {
    const withAcl = (deny: boolean) => {
      const inv = world({ db: [tcp(5432, 5432, ['0.0.0.0/0'])] });
      if (deny)
        inv.networkAcls
          .find((a) => a.subnetIds.includes('dat'))!
          .entries.unshift({
            ruleNumber: 50,
            protocol: '6',
            action: 'deny',
            cidr: '0.0.0.0/0',
            egress: false,
            portRange: { from: 5432, to: 5432 },
          });
      loadBalancer(inv, nlbToDb());
      return cell(run(inv), 'internet', 'data');
    };
    assert.deepEqual(withAcl(false).configurationPermits, ['tcp/5432']);
    const denied = withAcl(true);
    assert.deepEqual([...denied.configurationPermits, ...denied.unknown], []);
  });
});

/** The test policy with the internet allowed into the inference zone on TCP 443 (so a path that fails is broken). */
const INTERNET_443 = testPolicy(
  'aws: [bedrock-runtime]',
  '  - { id: R9, name: internet to inference, from: internet, to: inference, action: allow, protocol: tcp, ports: 443, justification: x }',
);
const runWith = (inv: AwsInventory) =>
  verifyModel(compileAws(inv, INTERNET_443), INTERNET_443, { clientPorts: [32768, 60999] });
const brokenIntoInference = (r: Result) => findings(r, VERIFY_CHECKS.broken.id, 'internet', 'inference');
/** The allowed internet -> inference path is broken: one finding, whose witness has a hop matching `hop`. */
function brokenWith(r: Result, hop: RegExp): Result['findings'][number] {
  assert.deepEqual(cell(r, 'internet', 'inference').configurationPermits, []);
  const b = brokenIntoInference(r);
  assert.equal(b.length, 1);
  const h = hops(b[0]!);
  assert.ok(
    h.some((x) => hop.test(x)),
    h.join('\n'),
  );
  return b[0]!;
}
type AclEntry = AwsInventory['networkAcls'][number]['entries'][number];
const setAcl = (inv: AwsInventory, subnetId: string, entries: AclEntry[]) =>
  Object.assign(
    inv.networkAcls.find((a) => a.subnetIds.includes(subnetId))!,
    { entries },
  );

/** An internet-facing NLB (node 10.0.0.50) on TCP:443 to i-inf:443 preserving client addresses; `edit` then. */
function nlbToInference(edit: (inv: AwsInventory) => void): Result {
  const inv = world({ inf: [tcp(443, 443, ['0.0.0.0/0'])] });
  loadBalancer(inv, {
    name: 'edge',
    type: 'network',
    node: '10.0.0.50',
    listener: { protocol: 'TCP', port: 443 },
    group: { protocol: 'TCP', port: 443, targets: [{ id: 'i-inf', port: 443, state: 'healthy' }] },
  });
  edit(inv);
  return runWith(inv);
}

/** An internet-facing ALB (node 10.0.0.60, group sg-alb open on 443) to i-inf:8080, which admits sg-alb; `edit` then. */
function albToInferenceThen(edit: (inv: AwsInventory) => void): Result {
  const inv = world({ inf: [tcp(8080, 8080, [], ['sg-alb'])] });
  sg(inv, 'sg-alb', 'vpc-1', [tcp(443, 443, ['0.0.0.0/0'])]);
  loadBalancer(inv, {
    name: 'web',
    type: 'application',
    node: '10.0.0.60',
    securityGroups: ['sg-alb'],
    group: { protocol: 'HTTP', port: 8080, targets: [{ id: 'i-inf', port: 8080, state: 'healthy' }] },
  });
  edit(inv);
  return runWith(inv);
}

/**
 * The reply of a connection through a load balancer leaves the target's subnet through its network ACL's outbound
 * rules (stateless): to the client's own address and port when an NLB preserves it, to the ALB node's address and
 * ephemeral port when the load balancer proxies (AWS's load balancer documentation lists these rules for target
 * subnets). An ACL that drops those replies breaks the flow; before, only the request's inbound leg was asked, so
 * an allowed internet → inference path through an NLB passed while no reply could ever leave.
 */
describe('verify (AWS): load balancers and the reply leg of the target subnet’s network ACL', () => {
  /** The inference subnet's ACL: everything in, out only to `out` on TCP 1024-65535. */
  const infAcl = (out: string) => (inv: AwsInventory) =>
    setAcl(inv, 'inf', [
      { ruleNumber: 100, protocol: '-1', action: 'allow', cidr: '0.0.0.0/0', egress: false },
      {
        ruleNumber: 100,
        protocol: '6',
        action: 'allow',
        cidr: out,
        egress: true,
        portRange: { from: 1024, to: 65535 },
      },
    ]);
  const broken = brokenIntoInference;

  it('an NLB preserving client addresses: an ACL that lets no reply out to the internet breaks the allowed flow', () => {
    const nlb = (out: string) => nlbToInference(infAcl(out));
    // Replies only to the VPC: the internet client never gets an answer.
    brokenWith(
      nlb('10.0.0.0/16'),
      /^inf: reply \(outbound, client ports 32768-60999\) dropped at port 32768 by acl-inf/,
    );
    // Replies to the internet's ephemeral ports: the flow works.
    const ok = nlb('0.0.0.0/0');
    assert.deepEqual(cell(ok, 'internet', 'inference').configurationPermits, ['tcp/443']);
    assert.equal(broken(ok).length, 0);
  });

  it('an ALB: the target subnet’s ACL must let the reply out to the ALB node’s address', () => {
    const alb = (out: string) => albToInferenceThen(infAcl(out));
    // Replies only to the app subnet, not the public subnet holding the ALB's node.
    const f = brokenWith(
      alb('10.0.1.0/24'),
      /inbound from the proxy \(10\.0\.0\.60\/32\) to port 8080 \(reply to port 1024\): dropped by acl-inf/,
    );
    // The fix opens the ALB's address on the ephemeral ports its replies go to, not the inference zone's ranges.
    const fix = f.remediation.snippet?.code ?? '';
    assert.match(
      fix,
      /create-network-acl-entry .*--egress --protocol 6 --port-range From=1024,To=65535 --cidr-block 10\.0\.0\.60\/32/,
    );
    assert.doesNotMatch(fix, /10\.0\.2\.0\/24/);
    const ok = alb('10.0.0.0/24');
    assert.deepEqual(cell(ok, 'internet', 'inference').configurationPermits, ['tcp/443']);
    assert.equal(broken(ok).length, 0);
  });
});

/**
 * The load balancer's own subnet's network ACL (AWS's load balancer ACL recommendations): the client's packet in on
 * the listener port and the reply out to its ephemeral ports; the packet out to a target in another subnet on the
 * target port and the target's reply in. A public subnet whose ACL lets the internet's packets in but no reply out
 * broke the allowed flow without a word; one that does not let the listener port in closed a path cordon reported.
 */
describe('verify (AWS): load balancers and their own subnet’s network ACL', () => {
  type Entry = AclEntry;
  const all = (egress: boolean): Entry => ({
    ruleNumber: 200,
    protocol: '-1',
    action: 'allow',
    cidr: '0.0.0.0/0',
    egress,
  });
  const pubAcl = (inv: AwsInventory, entries: Entry[]) => setAcl(inv, 'pub', entries);
  const nlb = (entries: Entry[]) => nlbToInference((inv) => pubAcl(inv, entries));
  const broken = brokenIntoInference;

  it('a public subnet ACL that drops the replies to the internet breaks the NLB’s allowed flow', () => {
    const ok = nlb([all(false), all(true)]);
    assert.deepEqual(cell(ok, 'internet', 'inference').configurationPermits, ['tcp/443']);
    assert.equal(broken(ok).length, 0);
    // Outbound only to the VPC: the target is reached, the internet client never hears back.
    brokenWith(
      nlb([all(false), { ...all(true), cidr: '10.0.0.0/16' }]),
      /^pub: reply \(outbound, client ports 32768-60999\) dropped at port 32768 by acl-pub outbound: no rule matches .*\(load balancer node's subnet\)$/,
    );
  });

  it('a public subnet ACL that does not let the listener port in closes the NLB’s path (no violation)', () => {
    const data = world({ db: [tcp(5432, 5432, ['0.0.0.0/0'])] });
    loadBalancer(data, nlbToDb());
    pubAcl(data, [{ ...all(false), cidr: '10.0.0.0/16' }, all(true)]);
    assert.deepEqual(cell(run(data), 'internet', 'data').configurationPermits, []);
    assert.equal(violations(run(data), 'internet', 'data').length, 0);
    // Open to the internet: the violation is there, located at the target's group.
    const open = world({ db: [tcp(5432, 5432, ['0.0.0.0/0'])] });
    loadBalancer(open, nlbToDb());
    pubAcl(open, [all(false), all(true)]);
    const v = violations(run(open), 'internet', 'data');
    assert.equal(v.length, 1);
    assert.equal(v[0]!.resource.id, 'sg-db');
  });

  it('an ALB’s subnet ACL must let it reach the target subnet and the target’s replies back in', () => {
    const alb = (entries: Entry[]) => albToInferenceThen((inv) => pubAcl(inv, entries));
    assert.equal(broken(alb([all(false), all(true)])).length, 0);
    // Inbound from the internet on 443 only: the target's replies (to the ALB's ephemeral ports) never get back in.
    const r = alb([
      {
        ruleNumber: 100,
        protocol: '6',
        action: 'allow',
        cidr: '0.0.0.0/0',
        egress: false,
        portRange: { from: 443, to: 443 },
      },
      all(true),
    ]);
    assert.equal(broken(r).length, 1);
    assert.deepEqual(cell(r, 'internet', 'inference').configurationPermits, []);
    // The fix lets the target subnet's replies in on the ephemeral ports.
    assert.match(
      broken(r)[0]!.remediation.snippet?.code ?? '',
      /acl-pub .*--ingress --protocol 6 --port-range From=1024,To=65535 --cidr-block 10\.0\.2\.0\/24/,
    );
  });
});

describe('verify (AWS): a client in the load balancer node’s own subnet', () => {
  it('does not cross that subnet’s network ACL on its way to the node', () => {
    // An ip target over TCP: the NLB does not preserve the client's address, and the target admits only the node.
    const inv = world({ db: [tcp(5432, 5432, ['10.0.1.60/32'])] });
    loadBalancer(inv, {
      name: 'svc',
      type: 'network',
      scheme: 'internal',
      subnet: 'app',
      node: '10.0.1.60',
      listener: { protocol: 'TCP', port: 5432 },
      group: { targetType: 'ip', protocol: 'TCP', port: 5432, targets: [{ id: '10.0.3.10', port: 5432 }] },
    });
    // The app subnet's ACL keeps its own range out on the database port: traffic inside the subnet never meets it.
    setAcl(inv, 'app', [
      {
        ruleNumber: 50,
        protocol: '6',
        action: 'deny',
        cidr: '10.0.1.0/24',
        egress: false,
        portRange: { from: 5432, to: 5432 },
      },
      { ruleNumber: 100, protocol: '-1', action: 'allow', cidr: '0.0.0.0/0', egress: false },
      { ruleNumber: 100, protocol: '-1', action: 'allow', cidr: '0.0.0.0/0', egress: true },
    ]);
    const r = run(inv);
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, ['tcp/5432']);
    assert.equal(violations(r, 'app', 'data').length, 1);
  });
});

describe('verify (AWS): load balancers to one target, merged per network', () => {
  it('two ALBs reaching one target through different groups: each group is a violation (merging their paths kept only the first)', () => {
    // web1 (HTTPS:443, sg-alb1) to i-inf:8080 admitted by sg-inf-1; web2 (HTTPS:8443, sg-alb2) to i-inf:9090
    // admitted by sg-inf-2. Revoking the first group's rule leaves the second path: both must be findings.
    const inv = world();
    sg(inv, 'sg-inf-1', 'vpc-1', [tcp(8080, 8080, [], ['sg-alb1'])]);
    sg(inv, 'sg-inf-2', 'vpc-1', [tcp(9090, 9090, [], ['sg-alb2'])]);
    inv.networkInterfaces.find((n) => n.id === 'eni-inf')!.groupIds = ['sg-inf-1', 'sg-inf-2'];
    sg(inv, 'sg-alb1', 'vpc-1', [tcp(443, 443, ['0.0.0.0/0'])]);
    sg(inv, 'sg-alb2', 'vpc-1', [tcp(8443, 8443, ['0.0.0.0/0'])]);
    for (const [name, node, port, tgPort] of [
      ['web1', '10.0.0.61', 443, 8080],
      ['web2', '10.0.0.62', 8443, 9090],
    ] as const)
      loadBalancer(inv, {
        name,
        type: 'application',
        node,
        securityGroups: [name === 'web1' ? 'sg-alb1' : 'sg-alb2'],
        listener: { protocol: 'HTTPS', port },
        group: { protocol: 'HTTP', port: tgPort, targets: [{ id: 'i-inf', port: tgPort }] },
      });
    const r = run(inv);
    assert.deepEqual(cell(r, 'internet', 'inference').configurationPermits, ['tcp/443', 'tcp/8443']);
    const v = violations(r, 'internet', 'inference');
    assert.deepEqual(
      v.map((f) => f.resource.id).sort(),
      ['sg-inf-1', 'sg-inf-2'],
      v.map((f) => `${f.resource.id}: ${f.message}`).join('\n'),
    );
  });
});

describe('verify (AWS): an internal load balancer’s client and the reply into its own subnet', () => {
  /**
   * app → inference on 443 (allowed) only through the internal ALB svc (node 10.0.2.70 in the inference subnet, group
   * sg-svc admitting the app subnet) to i-inf:8080, whose group admits only sg-svc. The app subnet's network ACL
   * lets in TCP 443 and `ephemeralFrom` on 1024-65535: the ALB's reply comes back to the client's ephemeral port
   * through it, as a direct path's reply does.
   */
  const viaInternalAlb = (ephemeralFrom: string) => {
    const inv = world({ inf: [tcp(8080, 8080, [], ['sg-svc'])] });
    sg(inv, 'sg-svc', 'vpc-1', [tcp(443, 443, ['10.0.1.0/24'])]);
    loadBalancer(inv, {
      name: 'svc',
      type: 'application',
      scheme: 'internal',
      subnet: 'inf',
      node: '10.0.2.70',
      securityGroups: ['sg-svc'],
      group: { protocol: 'HTTP', port: 8080, targets: [{ id: 'i-inf', port: 8080, state: 'healthy' }] },
    });
    setAcl(inv, 'app', [
      {
        ruleNumber: 100,
        protocol: '6',
        action: 'allow',
        cidr: '0.0.0.0/0',
        egress: false,
        portRange: { from: 443, to: 443 },
      },
      {
        ruleNumber: 110,
        protocol: '6',
        action: 'allow',
        cidr: ephemeralFrom,
        egress: false,
        portRange: { from: 1024, to: 65535 },
      },
      { ruleNumber: 100, protocol: '-1', action: 'allow', cidr: '0.0.0.0/0', egress: true },
    ]);
    return run(inv);
  };
  const brokenAppToInference = (r: Result) => findings(r, VERIFY_CHECKS.broken.id, 'app', 'inference');

  it('an ACL that lets no reply in from the load balancer breaks the allowed flow (it passed: the client side asked only the request)', () => {
    const ok = viaInternalAlb('10.0.2.0/24');
    assert.deepEqual(cell(ok, 'app', 'inference').configurationPermits, ['tcp/443']);
    assert.equal(brokenAppToInference(ok).length, 0);
    // Ephemeral ports open only to the data subnet, not to the ALB's node: no answer reaches the client.
    const r = viaInternalAlb('10.0.3.0/24');
    assert.deepEqual(cell(r, 'app', 'inference').configurationPermits, []);
    const b = brokenAppToInference(r);
    assert.equal(b.length, 1);
    assert.ok(
      hops(b[0]!).some((x) =>
        /^app: reply \(inbound, client ports 32768-60999\) dropped at port 32768 by acl-app/.test(x),
      ),
      hops(b[0]!).join('\n'),
    );
  });
});
