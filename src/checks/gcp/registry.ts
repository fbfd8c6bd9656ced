/** Every GCP check. A new check is one module in this folder and one line here. */
import aiFirewallOpenToInternet from './ai-firewall-open-to-internet.js';
import aiInstanceExternalIp from './ai-instance-external-ip.js';
import aiNetworkDnsQueryLoggingMissing from './ai-network-dns-query-logging-missing.js';
import aiNetworkNoPrivateApiAccess from './ai-network-no-private-api-access.js';
import aiSubnetCloudNatEgress from './ai-subnet-cloud-nat-egress.js';
import aiSubnetFlowLogsMissing from './ai-subnet-flow-logs-missing.js';
import aiSubnetPrivateGoogleAccessOff from './ai-subnet-private-google-access-off.js';
import aiZoneReachableFromDeniedZone from './ai-zone-reachable-from-denied-zone.js';
import googleapisDnsZonePublic from './googleapis-dns-zone-public.js';
import orgPolicyVmExternalIp from './org-policy-vm-external-ip.js';
import orgPolicyWorkbenchNetworks from './org-policy-workbench-networks.js';
import orgPolicyWorkbenchPublicIp from './org-policy-workbench-public-ip.js';
import vertexDnsNotPrivate from './vertex-dns-not-private.js';
import vertexDnsZoneNotBound from './vertex-dns-zone-not-bound.js';
import vertexEndpointPublic from './vertex-endpoint-public.js';
import vertexProjectOutsidePerimeter from './vertex-project-outside-perimeter.js';
import vpcScDryRunOnly from './vpc-sc-dry-run-only.js';
import vpcScUnrestrictedApiPath from './vpc-sc-unrestricted-api-path.js';
import workbenchPublicOrOutsideAiNetwork from './workbench-public-or-outside-ai-network.js';
import type { GcpCheck } from './types.js';

export const GCP_CHECKS: readonly GcpCheck[] = [
  aiFirewallOpenToInternet,
  aiInstanceExternalIp,
  aiNetworkDnsQueryLoggingMissing,
  aiNetworkNoPrivateApiAccess,
  aiSubnetCloudNatEgress,
  aiSubnetFlowLogsMissing,
  aiSubnetPrivateGoogleAccessOff,
  aiZoneReachableFromDeniedZone,
  googleapisDnsZonePublic,
  orgPolicyVmExternalIp,
  orgPolicyWorkbenchNetworks,
  orgPolicyWorkbenchPublicIp,
  vertexDnsNotPrivate,
  vertexDnsZoneNotBound,
  vertexEndpointPublic,
  vertexProjectOutsidePerimeter,
  vpcScDryRunOnly,
  vpcScUnrestrictedApiPath,
  workbenchPublicOrOutsideAiNetwork,
].sort((a: GcpCheck, b: GcpCheck) => a.id.localeCompare(b.id));
