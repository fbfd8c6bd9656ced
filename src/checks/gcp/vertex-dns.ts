/**
 * How an AI network resolves the Vertex AI names, shared by the DNS checks: the answer for each name and what the
 * addresses point at (a Google APIs PSC endpoint, a VIP, or something else).
 */
import { dnsResolver, vertexNames, type Resolution } from './dns-resolution.js';
import { allGoogleApisEndpointIps, classifyAddress, type AddressKind } from './private-access.js';
import type { AiNetwork } from './private-access.js';
import type { GcpInventory } from '../../inventory/gcp.js';

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

/** Resolves the Vertex AI names of a network; build once per check run with `vertexDns(inv)`. */
export function vertexDns(inv: GcpInventory): (n: AiNetwork) => NameResolution[] {
  const resolver = dnsResolver(inv);
  const endpoints = allGoogleApisEndpointIps(inv);
  return (n) =>
    vertexNames(n.regions).map((name) => {
      const resolution = resolver.resolve(n.id, name);
      const kinds =
        resolution.kind === 'answer'
          ? resolution.addresses.map((address) => ({ address, kind: classifyAddress(address, endpoints) }))
          : [];
      return { name, resolution, kinds };
    });
}

export function describeResolution(r: NameResolution): string {
  const res = r.resolution;
  if (res.kind !== 'answer')
    return `${r.name} ${res.kind === 'public' ? 'resolves publicly' : res.kind === 'nxdomain' ? 'does not resolve' : 'is unknown'}: ${res.why}`;
  const via = [...res.chain, `zone ${res.zones.at(-1)?.name ?? '?'}`].join(', ');
  return `${r.name} → ${r.kinds.map((k) => `${k.address} (${k.kind})`).join(', ')} via ${via}`;
}
