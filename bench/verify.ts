/**
 * `npm run bench:verify`: a deterministic large AWS network (20,000 interfaces, 100,000 security-group rules, 2,000
 * subnets in 40 VPCs with peerings and transit-gateway routes) → the full zone matrix with witnesses, timed, with the
 * process's peak RSS; then a straightforward per-pair evaluator (one hop-by-hop trace per interface pair and port)
 * on a random subset in the same run, extrapolated to every pair the matrix covers, for the speed ratio.
 */
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { compileAws } from '../src/verify/aws.js';
import { verifyModel } from '../src/verify/questions.js';
import { Tracer } from '../src/verify/trace.js';
import { AWS_DATASETS, emptyAwsInventory, type AwsDataset, type AwsIpPermission } from '../src/inventory/aws.js';
import { parsePolicy } from '../src/policy/load.js';
import { REFERENCE_POLICY_YAML } from '../src/policy/reference.js';
import { resetPacketSets, type Point } from '../src/verify/packet-set.js';

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}
const r = rng(11);
const pickOne = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

// --scale F shrinks the network (F=0.1: 2,000 interfaces, 10,000 rules, 200 subnets); 1 is the issue's size.
const scaleArg = process.argv.indexOf('--scale');
const SCALE = scaleArg > 0 ? Number(process.argv[scaleArg + 1]) : 1;
const VPCS = Math.max(4, Math.round(40 * SCALE));
const SUBNETS = Math.round((2000 * SCALE) / 10) * 10 || 40;
const ENIS = Math.round(20000 * SCALE);
const SGS = Math.round(2000 * SCALE);
const RULES_PER_SG = 50;
const ZONES = ['application', 'inference', 'data', 'management', 'sandbox'];
// --profile realistic: security groups belong to a tier (a zone) and admit what the reference policy allows into it
// (other tiers' groups by reference, their subnets' ranges, on the policy's ports), with some drift; adversarial (the
// default): every rule admits a random /24 of the organisation, 8 % the whole internet, so almost every group admits
// almost every zone — the worst case for the size of the answer.
const profileArg = process.argv.indexOf('--profile');
const PROFILE = profileArg > 0 ? process.argv[profileArg + 1]! : 'adversarial';
if (PROFILE !== 'adversarial' && PROFILE !== 'realistic') throw new Error(`--profile: adversarial or realistic`);
/** Per zone (tier): the zone the reference policy lets in, and on which ports (internet: 0.0.0.0/0). */
const ALLOWED_INTO: Record<string, { from: string; ports: [number, number] }[]> = {
  application: [{ from: 'internet', ports: [443, 443] }],
  inference: [{ from: 'application', ports: [443, 443] }],
  data: [{ from: 'inference', ports: [6333, 6334] }],
  management: [{ from: 'inference', ports: [443, 443] }],
  sandbox: [{ from: 'inference', ports: [8443, 8443] }],
};
const account = '123456789012';
const region = 'us-east-1';
const scope = { account, region };
const origin = (pointer: string) => ({ kind: 'file' as const, file: 'bench.json', pointer });

const inv = emptyAwsInventory();
inv.datasets.set(`${account}/${region}`, new Set(Object.keys(AWS_DATASETS) as AwsDataset[]));
for (let v = 0; v < VPCS; v++) {
  inv.vpcs.push({
    ...scope,
    origin: origin(`/v/${v}`),
    id: `vpc-${v}`,
    cidrs: [`10.${v}.0.0/16`],
    ipv6Cidrs: [],
    isDefault: false,
    tags: {},
  });
  if (v % 4 === 0)
    inv.internetGateways.push({ ...scope, origin: origin(`/igw/${v}`), id: `igw-${v}`, vpcIds: [`vpc-${v}`] });
  inv.natGateways.push({
    ...scope,
    origin: origin(`/nat/${v}`),
    id: `nat-${v}`,
    subnetId: `subnet-${v}-0`,
    vpcId: `vpc-${v}`,
    state: 'available',
    connectivityType: 'public',
  });
}
const perVpc = SUBNETS / VPCS;
// One transit gateway, hub and spoke: every VPC is attached through its first two subnets (one per Availability
// Zone); the spokes' route table reaches the two shared-services VPCs (0 and 1) and blackholes the rest of 10/8, the
// shared table reaches every VPC.
const tgwRoute = (destination: string, to: number | undefined, i: number, table: string) => ({
  destination,
  type: to === undefined ? 'static' : 'propagated',
  state: to === undefined ? 'blackhole' : 'active',
  attachments: to === undefined ? [] : [{ id: `tgw-attach-${to}`, resourceId: `vpc-${to}`, resourceType: 'vpc' }],
  pointer: `/tgw/${table}/Routes/${i}`,
  origin: origin(`/tgw/${table}`),
});
for (let v = 0; v < VPCS; v++)
  inv.transitGatewayAttachments.push({
    ...scope,
    origin: origin(`/tgw-attach/${v}`),
    id: `tgw-attach-${v}`,
    transitGatewayId: 'tgw-1',
    vpcId: `vpc-${v}`,
    state: 'available',
    subnetIds: [`subnet-${v}-0`, `subnet-${v}-1`],
  });
const association = (v: number) => ({
  attachmentId: `tgw-attach-${v}`,
  resourceId: `vpc-${v}`,
  resourceType: 'vpc',
  state: 'associated',
});
const everyVpc = Array.from({ length: VPCS }, (_, v) => v);
inv.transitGatewayRouteTables.push(
  {
    ...scope,
    origin: origin('/tgw/spokes'),
    id: 'tgw-rtb-spokes',
    transitGatewayId: 'tgw-1',
    state: 'available',
    associations: everyVpc.filter((v) => v > 1).map(association),
    routes: [
      tgwRoute('10.0.0.0/16', 0, 0, 'spokes'),
      tgwRoute('10.1.0.0/16', 1, 1, 'spokes'),
      tgwRoute('10.0.0.0/8', undefined, 2, 'spokes'),
    ],
  },
  {
    ...scope,
    origin: origin('/tgw/shared'),
    id: 'tgw-rtb-shared',
    transitGatewayId: 'tgw-1',
    state: 'available',
    associations: everyVpc.filter((v) => v <= 1).map(association),
    routes: everyVpc.map((v, i) => tgwRoute(`10.${v}.0.0/16`, v, i, 'shared')),
  },
);
for (let v = 0; v < VPCS; v++) {
  for (let s = 0; s < perVpc; s++) {
    const id = `subnet-${v}-${s}`;
    inv.subnets.push({
      ...scope,
      origin: origin(`/s/${id}`),
      id,
      vpcId: `vpc-${v}`,
      cidr: `10.${v}.${s}.0/24`,
      ipv6Cidrs: [],
      tags: { SecurityZone: ZONES[s % ZONES.length]! },
      availabilityZone: `${region}${s % 2 === 0 ? 'a' : 'b'}`,
    });
    const routes = [
      { destination: `10.${v}.0.0/16`, target: { type: 'local' as const, id: 'local' }, state: 'active', pointer: '' },
    ];
    const peer = (v + 1) % VPCS;
    routes.push({
      destination: `10.${peer}.0.0/16`,
      target: { type: 'vpc-peering' as never, id: `pcx-${Math.min(v, peer)}-${Math.max(v, peer)}` },
      state: 'active',
      pointer: '',
    });
    const prev = (v + VPCS - 1) % VPCS;
    routes.push({
      destination: `10.${prev}.0.0/16`,
      target: { type: 'vpc-peering' as never, id: `pcx-${Math.min(v, prev)}-${Math.max(v, prev)}` },
      state: 'active',
      pointer: '',
    });
    const def = s === 0 && v % 4 === 0 ? 'igw' : pickOne(['nat', 'tgw', 'none', 'igw']);
    if (def === 'igw' && v % 4 === 0)
      routes.push({
        destination: '0.0.0.0/0',
        target: { type: 'internet-gateway' as never, id: `igw-${v}` },
        state: 'active',
        pointer: '',
      });
    if (def === 'nat')
      routes.push({
        destination: '0.0.0.0/0',
        target: { type: 'nat-gateway' as never, id: `nat-${v}` },
        state: 'active',
        pointer: '',
      });
    if (def === 'tgw')
      routes.push({
        destination: '0.0.0.0/0',
        target: { type: 'transit-gateway' as never, id: 'tgw-1' },
        state: 'active',
        pointer: '',
      });
    routes.forEach((x, i) => (x.pointer = `/rt/${id}/Routes/${i}`));
    inv.routeTables.push({
      ...scope,
      origin: origin(`/rt/${id}`),
      id: `rtb-${id}`,
      vpcId: `vpc-${v}`,
      main: false,
      subnetIds: [id],
      tags: {},
      routes,
    });
  }
  // One ACL per 10 subnets: allow the VPC and the internet, deny a random range, replies on ephemeral ports.
  for (let a = 0; a < perVpc / 10; a++) {
    const ids = Array.from({ length: 10 }, (_, k) => `subnet-${v}-${a * 10 + k}`);
    const e = (
      ruleNumber: number,
      egress: boolean,
      action: 'allow' | 'deny',
      cidr: string,
      protocol = '-1',
      portRange?: { from: number; to: number },
    ) => ({ ruleNumber, egress, action, cidr, protocol, ...(portRange ? { portRange } : {}) });
    inv.networkAcls.push({
      ...scope,
      origin: origin(`/acl/${v}-${a}`),
      id: `acl-${v}-${a}`,
      vpcId: `vpc-${v}`,
      isDefault: false,
      subnetIds: ids,
      entries: [
        e(50, false, 'deny', `10.${(v + 7) % VPCS}.0.0/16`),
        e(100, false, 'allow', '10.0.0.0/8', '6', { from: 0, to: 65535 }),
        e(110, false, 'allow', '0.0.0.0/0', '6', { from: 1024, to: 65535 }),
        e(32767, false, 'deny', '0.0.0.0/0'),
        e(100, true, 'allow', '10.0.0.0/8'),
        e(110, true, 'allow', '0.0.0.0/0', '6', { from: 443, to: 443 }),
        e(120, true, 'allow', '0.0.0.0/0', '6', { from: 1024, to: 65535 }),
        e(32767, true, 'deny', '0.0.0.0/0'),
      ],
    });
  }
}
const PORTS = [22, 80, 443, 5432, 6333, 8443, 3306, 9200];
/** The tier (zone index) of a security group under the realistic profile; ENIs take groups of their subnet's tier. */
const tierOf = (g: number) => Math.floor(g / VPCS) % ZONES.length;
const tcp = (from: number, to: number, remote: { cidr?: string; group?: string }): AwsIpPermission => ({
  protocol: 'tcp',
  fromPort: from,
  toPort: to,
  ipv4Ranges: remote.cidr ? [{ cidr: remote.cidr }] : [],
  ipv6Ranges: [],
  groupRefs: remote.group ? [{ groupId: remote.group }] : [],
  prefixListIds: [],
  pointer: '',
});
/**
 * A realistic rule of group g (tier z in VPC v): mostly what the policy allows into z — a group of the allowed tier
 * by reference, or one of that tier's subnets in this or a peered VPC, on the allowed ports —, then the usual drift:
 * the VPC's range on a database or SSH port, an administrator's /32, rarely the internet on SSH.
 */
function realisticIngress(g: number): AwsIpPermission {
  const v = g % VPCS;
  const z = ZONES[tierOf(g)]!;
  const allowed = ALLOWED_INTO[z]![0]!;
  const x = r();
  const zoneIdx = ZONES.indexOf(allowed.from);
  if (x < 0.9 && allowed.from === 'internet') return tcp(443, 443, { cidr: '0.0.0.0/0' });
  if (x < 0.45) {
    // A group of the allowed tier in the same VPC.
    const peerGroup = v + VPCS * (zoneIdx + ZONES.length * Math.floor(r() * (SGS / VPCS / ZONES.length)));
    return tcp(allowed.ports[0], allowed.ports[1], { group: `sg-${peerGroup}` });
  }
  if (x < 0.9) {
    // A subnet of the allowed tier, in this VPC or a neighbour.
    const w = r() < 0.7 ? v : (v + 1) % VPCS;
    const s = zoneIdx + ZONES.length * Math.floor(r() * (perVpc / ZONES.length));
    return tcp(allowed.ports[0], allowed.ports[1], { cidr: `10.${w}.${s}.0/24` });
  }
  if (x < 0.96) return tcp(pickOne([5432, 3306, 22]), 0, { cidr: `10.${v}.0.0/16` });
  if (x < 0.995) return tcp(22, 22, { cidr: `10.${v}.${Math.floor(r() * perVpc)}.${Math.floor(r() * 256)}/32` });
  return tcp(22, 22, { cidr: '0.0.0.0/0' });
}
for (let g = 0; g < SGS; g++) {
  const v = g % VPCS;
  const perm = (k: number): AwsIpPermission => {
    const x = r();
    const remote =
      x < 0.08
        ? '0.0.0.0/0'
        : x < 0.15
          ? `198.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}/32`
          : `10.${Math.floor(r() * VPCS)}.${Math.floor(r() * perVpc)}.0/24`;
    const y = r();
    const [from, to] = y < 0.6 ? [pickOne(PORTS), 0] : y < 0.8 ? [1000 + Math.floor(r() * 5000), 0] : [-1, -1];
    return {
      protocol: from === -1 ? '-1' : 'tcp',
      ...(from === -1
        ? {}
        : { fromPort: from, toPort: to === 0 ? (y < 0.6 ? from : from + Math.floor(r() * 100)) : to }),
      ipv4Ranges: [{ cidr: remote }],
      ipv6Ranges: [],
      groupRefs: k % 25 === 0 ? [{ groupId: `sg-${(g + 1) % SGS}` }] : [],
      prefixListIds: [],
      pointer: '',
    };
  };
  const realistic = PROFILE === 'realistic';
  // Realistic egress: AWS's default (everything to 0.0.0.0/0) for most groups, else HTTPS out and the VPC.
  const egress = realistic
    ? r() < 0.7
      ? [
          {
            protocol: '-1',
            ipv4Ranges: [{ cidr: '0.0.0.0/0' }],
            ipv6Ranges: [],
            groupRefs: [],
            prefixListIds: [],
            pointer: '',
          },
        ]
      : [tcp(443, 443, { cidr: '0.0.0.0/0' }), ...PORTS.slice(0, 4).map((p) => tcp(p, p, { cidr: '10.0.0.0/8' }))]
    : undefined;
  // Adversarial: ingress drawn before egress (the generator's order since the first version).
  const ingress = Array.from({ length: RULES_PER_SG - (egress?.length ?? 5) }, (_, k) =>
    realistic ? realisticIngress(g) : perm(k),
  );
  const egressRules = egress ?? Array.from({ length: 5 }, (_, k) => perm(k + 1));
  inv.securityGroups.push({
    ...scope,
    origin: origin(`/sg/${g}`),
    id: `sg-${g}`,
    name: `sg-${g}`,
    vpcId: `vpc-${v}`,
    tags: {},
    ingress: ingress.map((p, i) => ({ ...p, pointer: `/sg/${g}/IpPermissions/${i}` })),
    egress: egressRules.map((p, i) => ({ ...p, pointer: `/sg/${g}/IpPermissionsEgress/${i}` })),
  });
}
for (let n = 0; n < ENIS; n++) {
  const v = n % VPCS;
  const s = Math.floor(n / VPCS) % perVpc;
  const tier = s % ZONES.length;
  const groups = Array.from({ length: 1 + Math.floor(r() * 3) }, () =>
    PROFILE === 'realistic'
      ? `sg-${v + VPCS * (tier + ZONES.length * Math.floor(r() * (SGS / VPCS / ZONES.length)))}`
      : `sg-${v + VPCS * Math.floor(r() * (SGS / VPCS))}`,
  );
  inv.networkInterfaces.push({
    ...scope,
    origin: origin(`/eni/${n}`),
    id: `eni-${n}`,
    subnetId: `subnet-${v}-${s}`,
    vpcId: `vpc-${v}`,
    privateIps: [`10.${v}.${s}.${10 + Math.floor(n / SUBNETS)}`],
    groupIds: groups,
    requesterManaged: false,
    publicIps: r() < 0.05 ? ['198.51.100.1'] : [],
  });
}
// --unread-lbs N: N internet-facing Application Load Balancers in every VPC, in its first two subnets, in a scope whose
// listeners were not read (elbv2:listeners missing), so any instance of the VPC may be behind each on any port — the
// degraded case where the work grows with load balancers × interfaces.
const lbArg = process.argv.indexOf('--unread-lbs');
const UNREAD_LBS = lbArg > 0 ? Number(process.argv[lbArg + 1]) : 0;
if (UNREAD_LBS > 0) {
  inv.datasets.get(`${account}/${region}`)!.delete('elbv2:listeners');
  for (let v = 0; v < VPCS; v++)
    for (let k = 0; k < UNREAD_LBS; k++)
      inv.loadBalancers.push({
        ...scope,
        origin: origin(`/lb/${v}/${k}`),
        arn: `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/app/lb-${v}-${k}/${v}${k}`,
        name: `lb-${v}-${k}`,
        type: 'application',
        scheme: 'internet-facing',
        vpcId: `vpc-${v}`,
        subnetIds: [`subnet-${v}-0`, `subnet-${v}-1`],
        attributesKnown: true,
        securityGroupIds: [`sg-lb-${v}`],
      });
  // Their security group admits the internet on 8443, a port the subnets' network ACLs let in (replies on ephemeral
  // ports): paths exist, undecided because which instances stand behind each load balancer is not read.
  for (let v = 0; v < VPCS; v++)
    inv.securityGroups.push({
      ...scope,
      origin: origin(`/sg-lb/${v}`),
      id: `sg-lb-${v}`,
      name: `sg-lb-${v}`,
      vpcId: `vpc-${v}`,
      tags: {},
      ingress: [{ ...tcp(8443, 8443, { cidr: '0.0.0.0/0' }), pointer: `/sg-lb/${v}/IpPermissions/0` }],
      egress: [
        {
          protocol: '-1',
          ipv4Ranges: [{ cidr: '0.0.0.0/0' }],
          ipv6Ranges: [],
          groupRefs: [],
          prefixListIds: [],
          pointer: `/sg-lb/${v}/IpPermissionsEgress/0`,
        },
      ],
    });
}
const policy = parsePolicy('reference', REFERENCE_POLICY_YAML.replace(/^ {4}cidrs: \[.*\]\n/gm, ''));
const ruleCount = inv.securityGroups.reduce((a, g) => a + g.ingress.length + g.egress.length, 0);

// Peak RSS from the kernel (getrusage's maxrss): a timer sampling process.memoryUsage() never runs while the
// synchronous verification holds the event loop, so it only ever saw the memory before and after.
const rssBefore = process.memoryUsage().rss;
// --repeat N runs the compilation and the matrix N times (each from empty packet-set tables) and reports the fastest:
// on a shared machine one run measures the neighbours as much as the code. Later runs find the code compiled by the
// JIT, so this is for comparing changes; a cold single run is what a user's `cordon verify` costs.
const repeatArg = process.argv.indexOf('--repeat');
const REPEAT = repeatArg > 0 ? Math.max(1, Number(process.argv[repeatArg + 1])) : 1;
const runOnce = () => {
  resetPacketSets();
  // CPU time besides wall time: the development machine is shared, and CPU time is the steadier figure.
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const model = compileAws(inv, policy);
  const t1 = performance.now();
  const cpuCompile = process.cpuUsage(cpu0);
  const result = verifyModel(model, policy, { clientPorts: [32768, 60999] });
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  return { model, result, t0, t1, t2, cpuCompile, cpu };
};
let run = runOnce();
for (let i = 1; i < REPEAT; i++) {
  const next = runOnce();
  if (next.t2 - next.t0 < run.t2 - run.t0) run = next;
}
const { model, result, t0, t1, t2, cpuCompile, cpu } = run;
const peak = process.resourceUsage().maxRSS * 1024;

// --dump FILE writes the matrix and findings, to check that a change to the evaluator leaves the answers alone.
const dumpArg = process.argv.indexOf('--dump');
if (dumpArg > 0)
  writeFileSync(
    process.argv[dumpArg + 1]!,
    JSON.stringify({ matrix: result.matrix, findings: result.findings }, null, 1),
  );

// Baseline: one trace per (source, destination) interface pair and port, on a random subset.
const tracer = new Tracer(model, [32768, 60999]);
const ifaces = model.interfaces;
const SAMPLE = 3000;
const tb0 = performance.now();
const cb0 = process.cpuUsage();
let reached = 0;
for (let i = 0; i < SAMPLE; i++) {
  const s = pickOne(ifaces);
  const d = pickOne(ifaces);
  for (const port of PORTS) {
    const p: Point = { fam: 0, src: Number(s.addresses[0]!.first), dst: Number(d.addresses[0]!.first), proto: 6, port };
    if (tracer.trace({ kind: 'interface', iface: s }, p, 'exists').verdict !== 'no') reached++;
  }
}
const tb1 = performance.now();
const cbs = process.cpuUsage(cb0);
// CPU time on both sides of the ratio: on a shared machine wall time measures the neighbours as much as the code.
const secs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
const perPair = secs(cbs) / SAMPLE;
const pairs = ifaces.length * ifaces.length;
const projected = perPair * pairs;
const full = secs(cpu);

console.log(
  `network (${PROFILE}): ${ifaces.length} interfaces,${UNREAD_LBS ? ` ${UNREAD_LBS * VPCS} load balancers whose listeners were not read,` : ''} ${ruleCount} security-group rules, ${model.subnets.size} subnets, ${model.networks.size} VPCs, ${model.peerings.size} peerings, a hub-and-spoke transit gateway (spokes reach two shared VPCs)`,
);
console.log(
  `${REPEAT > 1 ? `fastest of ${REPEAT} runs: ` : ''}compile model: ${((t1 - t0) / 1000).toFixed(2)} s wall, ${secs(cpuCompile).toFixed(2)} s CPU; full zone matrix with witnesses: ${((t2 - t1) / 1000).toFixed(2)} s wall, ${(full - secs(cpuCompile)).toFixed(2)} s CPU; total ${((t2 - t0) / 1000).toFixed(2)} s wall, ${full.toFixed(2)} s CPU`,
);
// Members are what findings group (one per network pair and destination group, or per source): the work per
// member is the part of the run that grows with networks × destinations when every network may reach every other.
const members = result.findings.reduce((n, f) => n + Number(f.evidence?.['groupedWitnesses'] ?? 0), 0);
console.log(
  `findings: ${result.findings.length} grouping ${members} members (${result.matrix.filter((m) => m.violations > 0).length} zone pairs with violations); peak RSS ${(peak / 1048576).toFixed(0)} MB${REPEAT > 1 ? ' over all runs (a cold single run is the figure to quote)' : ''} (${(rssBefore / 1048576).toFixed(0)} MB before compiling: the generated inventory and tooling)`,
);
console.log(
  `baseline per-pair evaluator: ${SAMPLE} pairs x ${PORTS.length} ports in ${secs(cbs).toFixed(2)} s CPU, ${((tb1 - tb0) / 1000).toFixed(2)} s wall (${reached} reachable) = ${(perPair * 1e6).toFixed(0)} µs CPU per pair; all ${pairs.toExponential(2)} pairs (still only ${PORTS.length} ports each) would take ${projected.toFixed(0)} s CPU`,
);
console.log(
  `speed ratio (projected per-pair CPU / set evaluator CPU, compile included): ${(projected / full).toFixed(0)}x`,
);
