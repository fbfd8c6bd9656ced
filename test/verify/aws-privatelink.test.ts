/**
 * AWS PrivateLink to customer-provided endpoint services in `cordon verify`: a consumer interface endpoint of an
 * endpoint service is a path to the provider Network Load Balancer's targets, never a dead end. Each trap has a
 * configuration that trips it and one that does not: the endpoint's and the NLB's security groups in front, the
 * target seeing the NLB's address (PrivateLink always translates the source), and a provider side cordon did not
 * read being undecided, not absent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AwsInventory } from '../../src/inventory/aws.js';
import { compileAws } from '../../src/verify/aws.js';
import { verifyModel, VERIFY_CHECKS } from '../../src/verify/questions.js';
import { bedrockEndpoint, eni, inventory, POLICY, sg, subnet, tcp, vpc } from './helpers.js';

const scope = { account: '111111111111', region: 'us-east-1' };
const origin = (pointer: string) => ({ kind: 'file' as const, file: 'inv.json', pointer });
const ARN = 'arn:aws:elasticloadbalancing:us-east-1:111111111111';
const SERVICE = 'com.amazonaws.vpce.us-east-1.vpce-svc-0vector';
const NLB = `${ARN}:loadbalancer/net/vector/1`;

const run = (inv: AwsInventory) => verifyModel(compileAws(inv, POLICY), POLICY, { clientPorts: [32768, 60999] });
type Result = ReturnType<typeof run>;
const cell = (r: Result, from: string, to: string) => r.matrix.find((m) => m.from === from && m.to === to)!;
const findings = (r: Result, id: string, from: string, to: string) =>
  r.findings.filter((f) => f.checkId === id && f.evidence?.from === from && f.evidence?.to === to);
const violations = (r: Result, from: string, to: string) => findings(r, VERIFY_CHECKS.violation.id, from, to);
const unknowns = (r: Result, from: string, to: string) => findings(r, VERIFY_CHECKS.unknown.id, from, to);
const hops = (f: { evidence?: unknown }) =>
  (f.evidence as { witness: { path: { at: string; what: string }[] } }).witness.path.map((h) => `${h.at}: ${h.what}`);

interface Spec {
  /** The consumer endpoint's security group ingress (default: 6333 from the app VPC). */
  endpointIngress?: Parameters<typeof sg>[3];
  /** The target's security group ingress (default: 6333 from the NLB's subnet). */
  dbIngress?: Parameters<typeof sg>[3];
  /** The NLB's security groups' ingress; undefined: the NLB has no security group. */
  nlbIngress?: Parameters<typeof sg>[3];
  enforce?: 'on' | 'off';
  /** The endpoint's state (default available). */
  state?: string;
  /** false: no service configuration (the provider side is not in the inventory). */
  provided?: boolean;
}

/**
 * The consumer: vpc-app (10.1.0.0/16), an app subnet (10.1.1.0/24) with eni-app and the endpoint vpce-vector (its
 * interface eni-vpce at 10.1.1.50). The provider: vpc-data (10.2.0.0/16, not peered), the NLB "vector" (node
 * 10.2.0.50 in subnet nlb, 10.2.0.0/24) on TCP 6333 → instance i-db (eni-db, 10.2.3.10 in the data subnet), and the
 * endpoint service's configuration naming the NLB.
 */
function world(spec: Spec = {}): AwsInventory {
  const inv = inventory();
  vpc(inv, 'vpc-app', '10.1.0.0/16');
  vpc(inv, 'vpc-data', '10.2.0.0/16');
  subnet(inv, 'app', 'vpc-app', '10.1.1.0/24', 'app');
  subnet(inv, 'nlb', 'vpc-data', '10.2.0.0/24', 'data');
  subnet(inv, 'dat', 'vpc-data', '10.2.3.0/24', 'data');
  sg(inv, 'sg-app', 'vpc-app', []);
  sg(inv, 'sg-vpce', 'vpc-app', spec.endpointIngress ?? [tcp(6333, 6333, ['10.1.0.0/16'])]);
  sg(inv, 'sg-db', 'vpc-data', spec.dbIngress ?? [tcp(6333, 6333, ['10.2.0.0/24'])]);
  eni(inv, 'eni-app', 'app', '10.1.1.10', ['sg-app']);
  eni(inv, 'eni-vpce', 'app', '10.1.1.50', ['sg-vpce'], { interfaceType: 'vpc_endpoint' });
  eni(inv, 'eni-db', 'dat', '10.2.3.10', ['sg-db']);
  Object.assign(
    inv.networkInterfaces.find((n) => n.id === 'eni-db')!,
    { instanceId: 'i-db', deviceIndex: 0 },
  );
  inv.vpcEndpoints.push({
    ...scope,
    origin: origin('/vpce/vpce-vector'),
    id: 'vpce-vector',
    vpcId: 'vpc-app',
    serviceName: SERVICE,
    service: 'vpce-svc-0vector',
    type: 'Interface',
    state: spec.state ?? 'available',
    privateDnsEnabled: false,
    subnetIds: ['app'],
    groupIds: ['sg-vpce'],
    routeTableIds: [],
    networkInterfaceIds: ['eni-vpce'],
    tags: {},
  });
  const nlbGroups = spec.nlbIngress ? ['sg-nlb'] : [];
  if (spec.nlbIngress) sg(inv, 'sg-nlb', 'vpc-data', spec.nlbIngress);
  eni(inv, 'eni-nlb', 'nlb', '10.2.0.50', nlbGroups);
  inv.networkInterfaces.find((n) => n.id === 'eni-nlb')!.description = 'ELB net/vector/1';
  inv.loadBalancers.push({
    ...scope,
    origin: origin('/lb/vector'),
    arn: NLB,
    name: 'vector',
    type: 'network',
    scheme: 'internal',
    vpcId: 'vpc-data',
    subnetIds: ['nlb'],
    attributesKnown: true,
    securityGroupIds: nlbGroups,
    ...(spec.enforce ? { enforceSgOnPrivateLink: spec.enforce } : {}),
  });
  inv.lbListeners.push({
    ...scope,
    origin: origin('/listener/vector'),
    arn: `${ARN}:listener/net/vector/1/1`,
    loadBalancerArn: NLB,
    protocol: 'TCP',
    port: 6333,
    forwardTo: [`${ARN}:targetgroup/vector-tg/1`],
  });
  inv.lbTargetGroups.push({
    ...scope,
    origin: origin('/tg/vector'),
    arn: `${ARN}:targetgroup/vector-tg/1`,
    name: 'vector-tg',
    targetType: 'instance',
    protocol: 'TCP',
    port: 6333,
    vpcId: 'vpc-data',
    loadBalancerArns: [NLB],
    attributesKnown: true,
    // Client IP preservation on: PrivateLink traffic still arrives from the NLB's address.
    preserveClientIp: true,
    targets: [{ id: 'i-db', port: 6333, state: 'healthy' }],
  });
  if (spec.provided !== false)
    inv.endpointServiceConfigs.push({
      ...scope,
      origin: origin('/svc/vector'),
      serviceId: 'vpce-svc-0vector',
      serviceName: SERVICE,
      state: 'Available',
      networkLoadBalancerArns: [NLB],
      gatewayLoadBalancerArns: [],
      acceptanceRequired: true,
      supportedIpAddressTypes: ['ipv4'],
    });
  return inv;
}

describe('verify (AWS): PrivateLink to customer endpoint services', () => {
  it('a zone reaching a consumer endpoint reaches the provider NLB’s targets: a violation with the hop through both', () => {
    const r = run(world());
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, ['tcp/6333']);
    const v = violations(r, 'app', 'data');
    assert.equal(v.length, 1);
    // Located at the endpoint's group, which sees the consumer: the target's rule admits the NLB, in its own zone.
    assert.equal(v[0]!.resource.id, 'sg-vpce');
    const fix = v[0]!.remediation?.snippet?.code ?? '';
    assert.match(fix, /revoke-security-group-ingress --region us-east-1 --group-id sg-vpce/);
    assert.match(fix, /"CidrIp":"10\.1\.0\.0\/16"/);
    assert.doesNotMatch(fix, /sg-db/);
    const h = hops(v[0]!);
    const want = [
      /internal front end 10\.1\.1\.50\/32 of interface endpoint vpce-vector of endpoint service com\.amazonaws\.vpce\.us-east-1\.vpce-svc-0vector → vpce-svc-0vector → Network Load Balancer vector listener TCP:6333/,
      /interface endpoint vpce-vector: inbound at the front end allowed by sg-vpce/,
      /Network Load Balancer vector listener TCP:6333 → target group vector-tg: i-db port 6333/,
      /inbound from the proxy \(10\.2\.0\.50\/32\) to port 6333: allowed by sg-db/,
    ];
    for (const w of want)
      assert.ok(
        h.some((x) => w.test(x)),
        `${w}\n${h.join('\n')}`,
      );
  });

  it('an AWS service’s endpoint (bedrock-runtime) stays a dead end', () => {
    const inv = world();
    inv.vpcEndpoints = [];
    bedrockEndpoint(inv, 'vpce-br', 'vpc-app', 'app', 'eni-vpce', 'sg-vpce', true);
    const r = run(inv);
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, []);
    assert.deepEqual(cell(r, 'app', 'data').unknown, []);
    assert.equal(violations(r, 'app', 'data').length + unknowns(r, 'app', 'data').length, 0);
  });

  it('the endpoint’s security group filters the consumer: admitting another range closes the path', () => {
    const r = run(world({ endpointIngress: [tcp(6333, 6333, ['10.9.0.0/16'])] }));
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, []);
    assert.equal(violations(r, 'app', 'data').length, 0);
  });

  it('the target sees the NLB’s private address, even with client IP preservation on', () => {
    // A target admitting only the consumer's range is not reachable through PrivateLink…
    const consumerOnly = run(world({ dbIngress: [tcp(6333, 6333, ['10.1.0.0/16'])] }));
    assert.deepEqual(cell(consumerOnly, 'app', 'data').configurationPermits, []);
    // …one admitting its own VPC (the NLB's nodes are in it) is.
    const vpcWide = run(world({ dbIngress: [tcp(6333, 6333, ['10.2.0.0/16'])] }));
    assert.deepEqual(cell(vpcWide, 'app', 'data').configurationPermits, ['tcp/6333']);
  });

  it('the NLB’s security groups see the consumer’s client address unless PrivateLink traffic is exempt', () => {
    const closed = { nlbIngress: [tcp(6333, 6333, ['10.2.0.0/16'])] };
    // Enforced (the documented default, and "on"): the consumer's 10.1/16 is not admitted.
    assert.deepEqual(cell(run(world(closed)), 'app', 'data').configurationPermits, []);
    assert.deepEqual(cell(run(world({ ...closed, enforce: 'on' })), 'app', 'data').configurationPermits, []);
    // "off": the NLB's groups do not apply to PrivateLink traffic.
    const off = run(world({ ...closed, enforce: 'off' }));
    assert.deepEqual(cell(off, 'app', 'data').configurationPermits, ['tcp/6333']);
    // Enforced with a rule for the consumer: through, and the hop names the NLB's group.
    const open = run(world({ nlbIngress: [tcp(6333, 6333, ['10.1.1.0/24'])] }));
    assert.deepEqual(cell(open, 'app', 'data').configurationPermits, ['tcp/6333']);
    const h = hops(violations(open, 'app', 'data')[0]!);
    assert.ok(
      h.some((x) => /^Network Load Balancer vector \(PrivateLink traffic\): inbound allowed by sg-nlb/.test(x)),
      h.join('\n'),
    );
  });

  it('a provider side not in the inventory is not assessed, naming the endpoint, the service and the data set', () => {
    const inv = world({ provided: false });
    inv.datasets.get('111111111111/us-east-1')!.delete('ec2:vpc-endpoint-service-configurations');
    const r = run(inv);
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, []);
    // Every port may lead somewhere; the endpoint's group admits the consumer on 6333 only.
    assert.deepEqual(cell(r, 'app', 'data').unknown, ['tcp/6333']);
    const u = unknowns(r, 'app', 'data');
    assert.ok(u.length > 0);
    assert.match(
      u[0]!.message,
      /interface endpoint vpce-vector of endpoint service com\.amazonaws\.vpce\.us-east-1\.vpce-svc-0vector: its provider side is not in the inventory \(ec2:vpc-endpoint-service-configurations not read in 111111111111\/us-east-1/,
    );
    assert.equal(u[0]!.status, 'not-assessed');
    // Read everywhere and no account provides it: the targets are outside the model (a note, no path).
    const outside = run(world({ provided: false }));
    assert.deepEqual(cell(outside, 'app', 'data').unknown, []);
    assert.equal(unknowns(outside, 'app', 'data').length, 0);
    assert.ok(outside.notes.some((n) => /no account of the inventory provides the service/.test(n)));
  });

  it('a zone that cannot reach the endpoint is not held up by an unknown provider', () => {
    const inv = world({ provided: false, endpointIngress: [tcp(6333, 6333, ['10.9.0.0/16'])] });
    inv.datasets.get('111111111111/us-east-1')!.delete('ec2:vpc-endpoint-service-configurations');
    const r = run(inv);
    assert.deepEqual(cell(r, 'app', 'data').unknown, []);
    assert.equal(unknowns(r, 'app', 'data').length, 0);
  });

  it('a rejected endpoint carries nothing; a pending one is undecided', () => {
    assert.deepEqual(cell(run(world({ state: 'rejected' })), 'app', 'data').configurationPermits, []);
    assert.deepEqual(cell(run(world({ state: 'rejected' })), 'app', 'data').unknown, []);
    const pending = run(world({ state: 'pendingAcceptance' }));
    assert.deepEqual(pending.matrix.find((m) => m.from === 'app' && m.to === 'data')!.unknown, ['tcp/6333']);
  });

  it('a VPC Lattice resource endpoint (resources not read) is undecided over every workload, not a dead end', () => {
    const inv = world({ provided: false });
    Object.assign(inv.vpcEndpoints[0]!, { type: 'Resource', serviceName: '' });
    const r = run(inv);
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, []);
    assert.deepEqual(cell(r, 'app', 'data').unknown, ['tcp/6333']);
    assert.match(unknowns(r, 'app', 'data')[0]!.message, /Resource endpoint vpce-vector: a VPC Lattice resource/);
  });

  it('listeners of the provider NLB not read: any instance of its VPC may be a target', () => {
    const inv = world();
    inv.lbListeners = [];
    inv.datasets.get('111111111111/us-east-1')!.delete('elbv2:listeners');
    const r = run(inv);
    assert.deepEqual(cell(r, 'app', 'data').configurationPermits, []);
    assert.deepEqual(cell(r, 'app', 'data').unknown, ['tcp/6333']);
  });
});
