/** A small AWS inventory builder for verify tests: one scope, resources written tersely. */
import {
  AWS_DATASETS,
  emptyAwsInventory,
  type AwsDataset,
  type AwsInventory,
  type AwsIpPermission,
  type AwsNaclEntry,
} from '../../src/inventory/aws.js';
import { parsePolicy, type ZonePolicy } from '../../src/policy/load.js';

const scope = { account: '111111111111', region: 'us-east-1' };
const origin = (pointer: string) => ({ kind: 'file' as const, file: 'inv.json', pointer });

export function inventory(): AwsInventory {
  const inv = emptyAwsInventory();
  inv.datasets.set(`${scope.account}/${scope.region}`, new Set(Object.keys(AWS_DATASETS) as AwsDataset[]));
  return inv;
}

export function vpc(inv: AwsInventory, id: string, cidr: string, igw?: string): void {
  inv.vpcs.push({
    ...scope,
    origin: origin(`/vpcs/${id}`),
    id,
    cidrs: [cidr],
    ipv6Cidrs: [],
    isDefault: false,
    tags: {},
  });
  if (igw) inv.internetGateways.push({ ...scope, origin: origin(`/igw/${igw}`), id: igw, vpcIds: [id] });
  inv.vpcAttributes.push({
    ...scope,
    origin: origin(`/attr/${id}`),
    vpcId: id,
    enableDnsSupport: true,
    enableDnsHostnames: true,
  });
  // No private hosted zones unless a test associates one.
  inv.hostedZoneAssociations.push({ ...scope, origin: origin(`/phz/${id}`), vpcId: id, zones: [] });
}

export function subnet(
  inv: AwsInventory,
  id: string,
  vpcId: string,
  cidr: string,
  zone: string,
  routes: [string, string][] = [],
  acl?: { in: Omit<AwsNaclEntry, 'egress'>[]; out: Omit<AwsNaclEntry, 'egress'>[] },
): void {
  inv.subnets.push({
    ...scope,
    origin: origin(`/subnets/${id}`),
    id,
    vpcId,
    cidr,
    ipv6Cidrs: [],
    tags: { SecurityZone: zone },
  });
  const vpcCidr = inv.vpcs.find((v) => v.id === vpcId)!.cidrs[0]!;
  inv.routeTables.push({
    ...scope,
    origin: origin(`/rt/${id}`),
    id: `rtb-${id}`,
    vpcId,
    main: false,
    subnetIds: [id],
    tags: {},
    routes: [['local', vpcCidr] as [string, string], ...routes.map(([d, t]) => [t, d] as [string, string])].map(
      ([t, d], i) => ({
        destination: d,
        target: {
          type:
            t === 'local'
              ? 'local'
              : t.startsWith('igw-')
                ? 'internet-gateway'
                : t.startsWith('nat-')
                  ? 'nat-gateway'
                  : t.startsWith('pcx-')
                    ? 'vpc-peering'
                    : t.startsWith('tgw-')
                      ? 'transit-gateway'
                      : 'other',
          id: t,
        },
        state: t.startsWith('blackhole') ? 'blackhole' : 'active',
        pointer: `/rt/${id}/Routes/${i}`,
      }),
    ),
  });
  const entries = acl ?? {
    in: [{ ruleNumber: 100, protocol: '-1', action: 'allow', cidr: '0.0.0.0/0' }],
    out: [{ ruleNumber: 100, protocol: '-1', action: 'allow', cidr: '0.0.0.0/0' }],
  };
  inv.networkAcls.push({
    ...scope,
    origin: origin(`/acl/${id}`),
    id: `acl-${id}`,
    vpcId,
    isDefault: false,
    subnetIds: [id],
    entries: [...entries.in.map((e) => ({ ...e, egress: false })), ...entries.out.map((e) => ({ ...e, egress: true }))],
  });
}

export const tcp = (
  from: number,
  to: number,
  cidrs: string[] = [],
  groups: string[] = [],
  prefixLists: string[] = [],
): AwsIpPermission => ({
  protocol: 'tcp',
  fromPort: from,
  toPort: to,
  ipv4Ranges: cidrs.map((cidr) => ({ cidr })),
  ipv6Ranges: [],
  groupRefs: groups.map((groupId) => ({ groupId })),
  prefixListIds: prefixLists,
  pointer: '',
});
export const all = (cidr = '0.0.0.0/0'): AwsIpPermission => ({
  protocol: '-1',
  ipv4Ranges: [{ cidr }],
  ipv6Ranges: [],
  groupRefs: [],
  prefixListIds: [],
  pointer: '',
});

export function sg(
  inv: AwsInventory,
  id: string,
  vpcId: string,
  ingress: AwsIpPermission[],
  egress: AwsIpPermission[] = [all()],
): void {
  inv.securityGroups.push({
    ...scope,
    origin: origin(`/sg/${id}`),
    id,
    name: id,
    vpcId,
    tags: {},
    ingress: ingress.map((p, i) => ({ ...p, pointer: `/sg/${id}/IpPermissions/${i}` })),
    egress: egress.map((p, i) => ({ ...p, pointer: `/sg/${id}/IpPermissionsEgress/${i}` })),
  });
}

export function eni(
  inv: AwsInventory,
  id: string,
  subnetId: string,
  ip: string,
  groups: string[],
  extra: { publicIps?: string[]; interfaceType?: string } = {},
): void {
  const s = inv.subnets.find((x) => x.id === subnetId)!;
  inv.networkInterfaces.push({
    ...scope,
    origin: origin(`/eni/${id}`),
    id,
    subnetId,
    vpcId: s.vpcId,
    privateIps: [ip],
    groupIds: groups,
    requesterManaged: false,
    publicIps: extra.publicIps ?? [],
    ...(extra.interfaceType ? { interfaceType: extra.interfaceType } : {}),
  });
}

/** A bedrock-runtime interface endpoint in `subnetId` with one network interface (already added with eni()). */
export function bedrockEndpoint(
  inv: AwsInventory,
  id: string,
  vpcId: string,
  subnetId: string,
  eniId: string,
  group: string,
  privateDnsEnabled: boolean,
): void {
  inv.vpcEndpoints.push({
    ...scope,
    origin: origin(`/vpce/${id}`),
    id,
    vpcId,
    serviceName: 'com.amazonaws.us-east-1.bedrock-runtime',
    service: 'bedrock-runtime',
    type: 'Interface',
    state: 'available',
    privateDnsEnabled,
    subnetIds: [subnetId],
    groupIds: [group],
    routeTableIds: [],
    networkInterfaceIds: [eniId],
    tags: {},
  });
}

/**
 * The DNS tests' network: the inference subnet (10.0.2.0/24) of vpc-1 calls Bedrock through interface endpoint
 * `endpointId` (its interface eni-vpce at 10.0.2.20), with private DNS as given.
 */
export function bedrockCaller(privateDns: boolean, endpointId = 'vpce-0abc'): AwsInventory {
  const inv = inventory();
  vpc(inv, 'vpc-1', '10.0.0.0/16');
  subnet(inv, 'inf', 'vpc-1', '10.0.2.0/24', 'inference');
  sg(inv, 'sg-inf', 'vpc-1', []);
  sg(inv, 'sg-vpce', 'vpc-1', [tcp(443, 443, ['10.0.2.0/24'])]);
  eni(inv, 'eni-inf', 'inf', '10.0.2.10', ['sg-inf']);
  eni(inv, 'eni-vpce', 'inf', '10.0.2.20', ['sg-vpce'], { interfaceType: 'vpc_endpoint' });
  bedrockEndpoint(inv, endpointId, 'vpc-1', 'inf', 'eni-vpce', 'sg-vpce', privateDns);
  return inv;
}

export function nat(inv: AwsInventory, id: string, subnetId: string): void {
  const s = inv.subnets.find((x) => x.id === subnetId)!;
  inv.natGateways.push({
    ...scope,
    origin: origin(`/nat/${id}`),
    id,
    subnetId,
    vpcId: s.vpcId,
    state: 'available',
    connectivityType: 'public',
  });
}

/** The test policy: app → inference → data, inference → the AI service zone (whose services are given), internet. */
export function testPolicy(services: string, extraRules = ''): ZonePolicy {
  return parsePolicy(
    'test.yaml',
    `version: 1
zones:
  app: {}
  inference: {}
  data: {}
  external_ai: { kind: service, services: { ${services} } }
  internet: { kind: internet }
rules:
  - { id: R1, name: app to inference, from: app, to: inference, action: allow, protocol: tcp, ports: 443, justification: x }
  - { id: R2, name: inference to data, from: inference, to: data, action: allow, protocol: tcp, ports: 6333, justification: x }
  - { id: R3, name: inference to ai, from: inference, to: external_ai, action: allow, protocol: https, justification: x }
${extraRules}`,
  );
}

export const POLICY: ZonePolicy = testPolicy('aws: [bedrock-runtime]');

/** One VPC (10.0/16) with an app interface (eni-a, 10.0.1.10) and an inference one (eni-b) open to it on 443. */
export function appToInference(sgFrom = '10.0.1.0/24'): AwsInventory {
  const inv = inventory();
  vpc(inv, 'vpc-1', '10.0.0.0/16');
  subnet(inv, 'a', 'vpc-1', '10.0.1.0/24', 'app');
  subnet(inv, 'b', 'vpc-1', '10.0.2.0/24', 'inference');
  sg(inv, 'sg-a', 'vpc-1', []);
  sg(inv, 'sg-b', 'vpc-1', [tcp(443, 443, [sgFrom])]);
  eni(inv, 'eni-a', 'a', '10.0.1.10', ['sg-a']);
  eni(inv, 'eni-b', 'b', '10.0.2.10', ['sg-b']);
  return inv;
}
