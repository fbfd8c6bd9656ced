/**
 * Zone membership of AWS resources and the lookups checks share: which zone a subnet is in (and why), which route
 * table governs it, and which VPCs host AI workloads. Built once per scan from the inventory and the zone policy.
 */
import { callingZones as callingZonesOf } from '../policy/calling-zones.js';
import type { CompiledZone, ZonePolicy } from '../policy/load.js';
import { cidrContains, tryParseCidr } from '../util/cidr.js';
import { deployTimeZoneTags } from './zone-tiers.js';
import {
  scopeKey,
  type AwsDataset,
  type AwsInventory,
  type AwsNetworkInterface,
  type AwsRouteTable,
  type AwsSecurityGroup,
  type AwsSubnet,
  type AwsVpc,
  type AwsVpcEndpoint,
  type ScopeKey,
  type SkippedItem,
} from '../inventory/aws.js';

export type ZoneVia = 'subnet-id' | 'tags' | 'zone-tag' | 'vpc-id' | 'cidr';

export interface ZoneMembership {
  zone: string;
  via: ZoneVia;
  /** Other zones that claim the subnet at the same precedence (a policy problem worth showing). */
  alsoClaimedBy: string[];
}

/** Bedrock and SageMaker endpoint services: an endpoint for one of them marks its VPC as hosting AI workloads. */
export const AI_SERVICES =
  /^(bedrock(-runtime|-agent|-agent-runtime|-mantle)?|sagemaker\.(api|runtime|featurestore-runtime|metrics)|runtime\.sagemaker)(-fips)?$/;

export const BEDROCK_SERVICE = /^bedrock(-runtime|-agent|-agent-runtime|-mantle)?(-fips)?$/;

export interface AwsZoneIndex {
  zoneOfSubnet(subnetId: string): ZoneMembership | undefined;
  subnet(id: string): AwsSubnet | undefined;
  vpc(id: string): AwsVpc | undefined;
  securityGroup(id: string): AwsSecurityGroup | undefined;
  networkInterface(id: string): AwsNetworkInterface | undefined;
  subnetsOfVpc(vpcId: string): AwsSubnet[];
  /** Subnets of the VPC that are in a calling zone. */
  callingSubnetsOfVpc(vpcId: string): AwsSubnet[];
  endpointsOfVpc(vpcId: string): AwsVpcEndpoint[];
  /** The explicitly associated route table, else the VPC's main one. */
  routeTableOfSubnet(subnet: AwsSubnet): AwsRouteTable | undefined;
  /** Zones the policy allows to reach the AI service zone(s) over TCP 443: the callers of AI endpoints. */
  callingZones: Set<string>;
  /** VPCs in a scope that host AI workloads, with the reasons cordon believes so. */
  aiVpcs(scope: ScopeKey): Map<string, string[]>;
  /** VPCs in a scope where Bedrock specifically is in use or expected. */
  bedrockVpcs(scope: ScopeKey): Map<string, string[]>;
  /** VPCs in a scope where SageMaker runs (notebooks, domains, models, jobs) or has an endpoint. */
  sagemakerVpcs(scope: ScopeKey): Map<string, string[]>;
}

function tagsMatch(want: Record<string, string>, have: Record<string, string>): boolean {
  const keys = Object.keys(want);
  return keys.length > 0 && keys.every((k) => have[k] === want[k]);
}

/** What the zone index takes from the policy: computed once per scan, shared by every scope's index. */
export interface AwsZoneRules {
  policy: ZonePolicy;
  networkZones: CompiledZone[];
  callingZones: Set<string>;
  bedrockExpected: boolean;
}

export function awsZoneRules(policy: ZonePolicy): AwsZoneRules {
  const networkZones = [...policy.zones.values()].filter((z) => z.kind === 'network');
  const serviceZones = [...policy.zones.values()].filter((z) => z.kind === 'service');
  const callingZones = callingZonesOf(policy);
  const bedrockExpected = serviceZones.some((z) => (z.services?.aws ?? []).some((s) => BEDROCK_SERVICE.test(s)));
  return { policy, networkZones, callingZones, bedrockExpected };
}

/**
 * Builds the index over an inventory. The check engine gives it one scope's view (inventoryByScope), so every
 * lookup by id stays within that account/region; given a whole inventory, ids are looked up organisation-wide.
 */
export function buildAwsZoneIndex(inv: AwsInventory, policyOrRules: ZonePolicy | AwsZoneRules): AwsZoneIndex {
  const rules = 'networkZones' in policyOrRules ? policyOrRules : awsZoneRules(policyOrRules);
  const { policy, callingZones, bedrockExpected } = rules;
  const byId = <T extends { id: string }>(list: T[]) => new Map(list.map((x) => [x.id, x]));
  const subnets = byId(inv.subnets);
  const vpcs = byId(inv.vpcs);
  const sgs = byId(inv.securityGroups);
  const enis = byId(inv.networkInterfaces);
  const group = <T>(list: T[], key: (x: T) => string) => {
    const m = new Map<string, T[]>();
    for (const x of list) {
      const bucket = m.get(key(x));
      if (bucket) bucket.push(x);
      else m.set(key(x), [x]);
    }
    return m;
  };
  const subnetsByVpc = group(inv.subnets, (s) => s.vpcId);
  const endpointsByVpc = group(inv.vpcEndpoints, (e) => e.vpcId);
  const explicitTable = new Map<string, AwsRouteTable>();
  const mainTable = new Map<string, AwsRouteTable>();
  for (const t of inv.routeTables) {
    for (const s of t.subnetIds) explicitTable.set(s, t);
    if (t.main) mainTable.set(t.vpcId, t);
  }

  const zones = rules.networkZones;
  const tagKey = policy.document.zone_tag_key;
  const membership = new Map<string, ZoneMembership | undefined>();
  const zoneOfSubnet = (id: string): ZoneMembership | undefined => {
    if (membership.has(id)) return membership.get(id);
    const s = subnets.get(id);
    let result: ZoneMembership | undefined;
    if (s) {
      const cidr = s.cidr ? tryParseCidr(s.cidr) : undefined;
      const tiers: [ZoneVia, (z: (typeof zones)[number]) => boolean][] = [
        ['subnet-id', (z) => z.subnet_ids.includes(s.id)],
        ['tags', (z) => tagsMatch(z.tags, s.tags)],
        ['zone-tag', (z) => s.tags[tagKey] === z.name],
        ['vpc-id', (z) => z.vpc_ids.includes(s.vpcId)],
        ['cidr', (z) => cidr !== undefined && z.parsedCidrs.some((c) => cidrContains(c, cidr))],
      ];
      for (const [via, test] of tiers) {
        const hits = zones.filter(test).map((z) => z.name);
        if (hits.length > 0) {
          result = { zone: hits[0]!, via, alsoClaimedBy: hits.slice(1) };
          break;
        }
      }
    }
    membership.set(id, result);
    return result;
  };

  const inScope = (scope: ScopeKey) => (x: { account: string; region: string }) => scopeKey(x) === scopeKey(scope);
  // Checks ask for the same scope's AI VPCs many times; compute each answer once.
  const memo = new Map<string, Map<string, string[]>>();
  const collect = (scope: ScopeKey, bedrockOnly: boolean): Map<string, string[]> => {
    const key = `${bedrockOnly ? 'b' : 'a'}|${scopeKey(scope)}`;
    const hit = memo.get(key);
    if (hit) return hit;
    const result = collectUncached(scope, bedrockOnly);
    memo.set(key, result);
    return result;
  };
  const collectUncached = (scope: ScopeKey, bedrockOnly: boolean): Map<string, string[]> => {
    const out = new Map<string, string[]>();
    const add = (vpcId: string, why: string) => out.set(vpcId, [...(out.get(vpcId) ?? []), why]);
    for (const s of inv.subnets.filter(inScope(scope))) {
      const m = zoneOfSubnet(s.id);
      if (m && callingZones.has(m.zone) && (!bedrockOnly || bedrockExpected)) {
        add(s.vpcId, `subnet ${s.id} is in zone ${m.zone}, which the policy allows to call AI services`);
      }
    }
    for (const e of inv.vpcEndpoints.filter(inScope(scope))) {
      if ((bedrockOnly ? BEDROCK_SERVICE : AI_SERVICES).test(e.service))
        add(e.vpcId, `it has a ${e.service} endpoint (${e.id})`);
    }
    if (!bedrockOnly) {
      for (const r of inv.sagemakerResources.filter(inScope(scope))) {
        const vpcId = r.vpcId ?? r.subnetIds.map((id) => subnets.get(id)?.vpcId).find((v) => v !== undefined);
        if (vpcId) add(vpcId, `SageMaker ${r.kind} ${r.name} runs in it`);
      }
    }
    for (const j of inv.customizationJobs.filter(inScope(scope))) {
      const vpcId = j.vpcConfig?.subnetIds.map((id) => subnets.get(id)?.vpcId).find((v) => v !== undefined);
      if (vpcId) add(vpcId, `Bedrock customization job ${j.name || j.arn} runs in it`);
    }
    for (const [k, v] of out) out.set(k, [...new Set(v)].sort());
    return new Map([...out].sort(([a], [b]) => a.localeCompare(b)));
  };

  return {
    zoneOfSubnet,
    subnet: (id) => subnets.get(id),
    vpc: (id) => vpcs.get(id),
    securityGroup: (id) => sgs.get(id),
    networkInterface: (id) => enis.get(id),
    subnetsOfVpc: (id) => subnetsByVpc.get(id) ?? [],
    callingSubnetsOfVpc: (id) =>
      (subnetsByVpc.get(id) ?? []).filter((s) => callingZones.has(zoneOfSubnet(s.id)?.zone ?? '')),
    endpointsOfVpc: (id) => endpointsByVpc.get(id) ?? [],
    routeTableOfSubnet: (s) => explicitTable.get(s.id) ?? mainTable.get(s.vpcId),
    callingZones,
    aiVpcs: (scope) => collect(scope, false),
    bedrockVpcs: (scope) => collect(scope, true),
    sagemakerVpcs: (scope) => {
      const out = new Map<string, string[]>();
      for (const [vpcId, reasons] of collect(scope, false)) {
        const mine = reasons.filter((r) => r.startsWith('SageMaker ') || /sagemaker/.test(r));
        if (mine.length > 0) out.set(vpcId, mine);
      }
      return out;
    },
  };
}

/**
 * Subnets of infrastructure as code whose zone a tag decides but whose tag value is known only at deploy
 * (`SecurityZone = var.zone`): which zone they are in is not known, so the subnets data set of their scope is
 * incomplete and the zone checks and verification there are not assessed. Placed in no zone instead, a data subnet
 * with a route to the internet passed every zone check. A subnet a selector before the tags places (by id) is known.
 */
export function markDeployTimeZoneTags(inv: AwsInventory, policy: ZonePolicy): void {
  if (!inv.iac) return;
  const zones = [...policy.zones.values()].filter((z) => z.kind === 'network');
  const deployTime = deployTimeZoneTags(policy);
  for (const s of inv.subnets) {
    if (zones.some((z) => z.subnet_ids.includes(s.id))) continue;
    const unknown = deployTime(s.tags);
    if (unknown.length === 0 || s.origin.kind !== 'file') continue;
    const key = scopeKey(s);
    let m = inv.partial.get(key);
    if (!m) inv.partial.set(key, (m = new Map<AwsDataset, SkippedItem[]>()));
    const list = m.get('ec2:subnets') ?? [];
    m.set('ec2:subnets', list);
    list.push({
      file: s.origin.file,
      ...(s.origin.line !== undefined ? { line: s.origin.line } : {}),
      pointer: s.origin.pointer ?? '',
      reason: `${s.id}: ${unknown.join(', ')} known only at deploy, so which zone the subnet is in is not known`,
    });
  }
}
