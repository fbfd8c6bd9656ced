/** Every GCP check. A new check is one module in this folder and one line here. */
import aiNetworkNoPrivateApiAccess from './ai-network-no-private-api-access.js';
import aiSubnetPrivateGoogleAccessOff from './ai-subnet-private-google-access-off.js';
import googleapisDnsZonePublic from './googleapis-dns-zone-public.js';
import orgPolicyVmExternalIp from './org-policy-vm-external-ip.js';
import orgPolicyWorkbenchNetworks from './org-policy-workbench-networks.js';
import orgPolicyWorkbenchPublicIp from './org-policy-workbench-public-ip.js';
import vertexDnsNotPrivate from './vertex-dns-not-private.js';
import vertexDnsZoneNotBound from './vertex-dns-zone-not-bound.js';
import vertexProjectOutsidePerimeter from './vertex-project-outside-perimeter.js';
import vpcScDryRunOnly from './vpc-sc-dry-run-only.js';
import vpcScUnrestrictedApiPath from './vpc-sc-unrestricted-api-path.js';
import type { GcpCheck } from './types.js';

export const GCP_CHECKS: readonly GcpCheck[] = [
  aiNetworkNoPrivateApiAccess,
  aiSubnetPrivateGoogleAccessOff,
  googleapisDnsZonePublic,
  orgPolicyVmExternalIp,
  orgPolicyWorkbenchNetworks,
  orgPolicyWorkbenchPublicIp,
  vertexDnsNotPrivate,
  vertexDnsZoneNotBound,
  vertexProjectOutsidePerimeter,
  vpcScDryRunOnly,
  vpcScUnrestrictedApiPath,
].sort((a: GcpCheck, b: GcpCheck) => a.id.localeCompare(b.id));
