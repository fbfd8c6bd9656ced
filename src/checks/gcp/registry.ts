/** Every GCP check. A new check is one module in this folder and one line here. */
import aiFirewallOpenToInternet from './ai-firewall-open-to-internet.js';
import aiInstanceExternalIp from './ai-instance-external-ip.js';
import aiNetworkDnsQueryLoggingMissing from './ai-network-dns-query-logging-missing.js';
import aiSubnetCloudNatEgress from './ai-subnet-cloud-nat-egress.js';
import aiSubnetFlowLogsMissing from './ai-subnet-flow-logs-missing.js';
import aiZoneReachableFromDeniedZone from './ai-zone-reachable-from-denied-zone.js';
import vertexEndpointPublic from './vertex-endpoint-public.js';
import workbenchPublicOrOutsideAiNetwork from './workbench-public-or-outside-ai-network.js';
import type { GcpCheck } from './types.js';

export const GCP_CHECKS: readonly GcpCheck[] = [
  aiFirewallOpenToInternet,
  aiInstanceExternalIp,
  aiNetworkDnsQueryLoggingMissing,
  aiSubnetCloudNatEgress,
  aiSubnetFlowLogsMissing,
  aiZoneReachableFromDeniedZone,
  vertexEndpointPublic,
  workbenchPublicOrOutsideAiNetwork,
].sort((a: GcpCheck, b: GcpCheck) => a.id.localeCompare(b.id));
