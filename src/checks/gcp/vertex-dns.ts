/**
 * How an AI network resolves the Vertex AI names, shared by the DNS and VPC-SC checks and the KPI: the answer for
 * each name and what the addresses point at (a Google APIs PSC endpoint, a VIP, or something else). Built once per
 * inventory (the engine runs every check once per project over the same inventory: per-project rebuilding would
 * make the run quadratic in the number of projects).
 */
import { gcpIdKey, sameGcpId, type GcpInventory, type GcpManagedZone } from '../../inventory/gcp.js';
import { dnsResolver, isPrivateZone, vertexNames, type Resolution, type Resolver } from './dns-resolution.js';
import {
  allGoogleApisEndpointIps,
  classifyAddress,
  type AddressKind,
  type GoogleApisEndpoint,
} from './private-access.js';
import { perInventory } from './support.js';
import type { GcpCheckResult } from './types.js';

export interface NameResolution {
  name: string;
  resolution: Resolution;
  /** For answers: each address and what it is. */
  kinds: { address: string; kind: AddressKind }[];
}

export const PRIVATE_KINDS: ReadonlySet<AddressKind> = new Set([
  'psc-vpc-sc',
  'psc-all-apis',
  'restricted-vip',
  'private-vip',
]);

export function isPrivateAnswer(r: NameResolution): boolean {
  return r.resolution.kind === 'answer' && r.kinds.length > 0 && r.kinds.every((k) => PRIVATE_KINDS.has(k.kind));
}

export interface VertexDns {
  /** The Vertex AI names (global and the given regions') as resolved from a network. */
  names(network: { id: string; regions: readonly string[] }): NameResolution[];
  /**
   * Private zones not bound to the network that would answer the name privately if they were (resolution replayed
   * with the zone bound): what "bind the zone" would fix.
   */
  boundElsewhere(networkId: string, name: string): GcpManagedZone[];
}

const within = (name: string, domain: string) => name === domain || name.endsWith(`.${domain}`);

function build(inv: GcpInventory): VertexDns {
  const resolver: Resolver = dnsResolver(inv);
  const endpoints: Map<string, GoogleApisEndpoint> = allGoogleApisEndpointIps(inv);
  const answerable = inv.managedZones
    .filter((z) => isPrivateZone(z) && z.forwardingTargets.length === 0 && !z.peeringTargetNetwork)
    .sort((a, b) => a.id.localeCompare(b.id));
  const classify = (name: string, resolution: Resolution): NameResolution => ({
    name,
    resolution,
    kinds:
      resolution.kind === 'answer'
        ? resolution.addresses.map((address) => ({ address, kind: classifyAddress(address, endpoints) }))
        : [],
  });
  const memo = new Map<string, NameResolution[]>();
  return {
    names(n) {
      const key = `${gcpIdKey(n.id)} ${n.regions.join(',')}`;
      let hit = memo.get(key);
      if (!hit) {
        hit = vertexNames(n.regions).map((name) => classify(name, resolver.resolve(n.id, name)));
        memo.set(key, hit);
      }
      return hit;
    },
    boundElsewhere(networkId, name) {
      return answerable.filter(
        (z) =>
          within(name, z.dnsName.endsWith('.') ? z.dnsName : `${z.dnsName}.`) &&
          !z.networks.some((x) => sameGcpId(x, networkId)) &&
          isPrivateAnswer(classify(name, resolver.resolve(networkId, name, z))),
      );
    },
  };
}

export function vertexDns(inv: GcpInventory): VertexDns {
  return perInventory(inv, 'vertexDns', () => build(inv));
}

export function describeResolution(r: NameResolution): string {
  const res = r.resolution;
  if (res.kind !== 'answer')
    return `${r.name} ${res.kind === 'public' ? 'resolves publicly' : res.kind === 'nxdomain' ? 'does not resolve' : 'is unknown'}: ${res.why}`;
  // An answer from a response policy rule comes from no zone: the chain names the rule.
  const via = [...res.chain, ...(res.zones.length ? [`zone ${res.zones.at(-1)!.name}`] : [])].join(', ');
  return `${r.name} → ${r.kinds.map((k) => `${k.address} (${k.kind})`).join(', ')} via ${via}`;
}

/** A not-assessed result when a name's resolution cannot be followed (forwarding zones, server policies…). */
export function unknownResolution(
  names: readonly NameResolution[],
  base: Omit<GcpCheckResult, 'status' | 'message'>,
  evidence?: Record<string, unknown>,
): GcpCheckResult[] | undefined {
  const unknown = names.filter((r) => r.resolution.kind === 'unknown');
  if (unknown.length === 0) return undefined;
  return [
    {
      ...base,
      status: 'not-assessed',
      message: `${base.resource.id}: ${unknown.map(describeResolution).join('; ')}`,
      ...(evidence ? { evidence } : {}),
    },
  ];
}
