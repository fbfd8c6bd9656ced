/**
 * The DNS names of the approved AI services, per provider, from the service zone's `services:` lists and the
 * `probe:` section. With a snapshot, an AWS name also carries the private addresses of its interface endpoints, so
 * the DNS test can demand exactly those.
 */
import type { AwsInventory } from '../inventory/aws.js';
import type { ProbeSettings } from './settings.js';

export type ServiceProvider = 'aws' | 'azure' | 'gcp' | 'custom';

export interface ServiceName {
  name: string;
  provider: ServiceProvider;
  /** The policy's service entry it comes from ("bedrock-runtime", "privatelink.openai.azure.com"). */
  service: string;
  /** From a snapshot: the endpoint's private addresses (undefined without a snapshot or without an endpoint). */
  endpointAddresses?: string[];
  /** Endpoints the addresses come from. */
  endpointIds?: string[];
}

/** Why a provider in use contributes no name (reported as a not-assessed DNS test). */
export interface MissingNames {
  provider: ServiceProvider;
  reason: string;
}

/**
 * AWS interface endpoint service "sagemaker.runtime" is served at runtime.sagemaker.<region>.amazonaws.com; every
 * other AI service is <service>.<region>.amazonaws.com (AWS PrivateLink "services that integrate" list).
 */
export function awsServiceHost(service: string, region: string): string {
  const dotted = service.split('.');
  if (dotted.length === 2) return `${dotted[1]}.${dotted[0]}.${region}.amazonaws.com`;
  return `${service}.${region}.amazonaws.com`;
}

/** Azure's private DNS zones are privatelink.<public suffix>; the account is <name>.<public suffix>. */
export function azureSuffix(service: string): string {
  return service.replace(/^privatelink\./, '');
}

export function serviceNames(
  services: { aws: string[]; azure: string[]; gcp: string[] },
  settings: ProbeSettings,
  regions: string[],
  inventory?: AwsInventory,
): { names: ServiceName[]; missing: MissingNames[] } {
  const names: ServiceName[] = [];
  const missing: MissingNames[] = [];
  if (services.aws.length > 0) {
    if (regions.length === 0)
      missing.push({
        provider: 'aws',
        reason: 'no AWS region: set probe.aws_regions in cordon.yaml, pass --region, or give a --snapshot',
      });
    for (const region of regions)
      for (const service of services.aws) {
        const entry: ServiceName = { name: awsServiceHost(service, region), provider: 'aws', service };
        if (inventory) {
          const endpoints = inventory.vpcEndpoints.filter(
            (e) => e.region === region && e.service === service && e.type === 'Interface',
          );
          const enis = new Set(endpoints.flatMap((e) => e.networkInterfaceIds));
          const addrs = inventory.networkInterfaces.filter((n) => enis.has(n.id)).flatMap((n) => n.privateIps);
          // Without an endpoint (or its interfaces) in the snapshot, the zone's CIDRs decide instead.
          if (addrs.length > 0) {
            entry.endpointAddresses = [...new Set(addrs)].sort();
            entry.endpointIds = endpoints.map((e) => e.id).sort();
          }
        }
        names.push(entry);
      }
  }
  if (services.azure.length > 0) {
    if (settings.azure_accounts.length === 0)
      missing.push({
        provider: 'azure',
        reason: 'no Azure resource names: set probe.azure_accounts (the <name> of <name>.openai.azure.com)',
      });
    for (const account of settings.azure_accounts)
      for (const service of services.azure)
        names.push({ name: `${account}.${azureSuffix(service)}`, provider: 'azure', service });
  }
  if (services.gcp.length > 0)
    for (const service of services.gcp) {
      names.push({ name: service, provider: 'gcp', service });
      for (const region of settings.gcp_regions) names.push({ name: `${region}-${service}`, provider: 'gcp', service });
    }
  for (const name of settings.names) names.push({ name: name.replace(/\.$/, ''), provider: 'custom', service: name });
  const seen = new Set<string>();
  return {
    names: names.filter((n) => !seen.has(n.name) && seen.add(n.name)).sort((a, b) => a.name.localeCompare(b.name)),
    missing,
  };
}
