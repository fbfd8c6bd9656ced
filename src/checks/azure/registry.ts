/** Every Azure check. A new check is one module in this folder and one line here. */
import aiLocalAuthEnabled from './ai-local-auth-enabled.js';
import aiPrivateEndpointMissing from './ai-private-endpoint-missing.js';
import aiPublicAccessAfterPrivateEndpoint from './ai-public-access-after-private-endpoint.js';
import aiPublicNetworkAccess from './ai-public-network-access.js';
import aiSubnetInternetEgress from './ai-subnet-internet-egress.js';
import mlManagedNetworkNotIsolated from './ml-managed-network-not-isolated.js';
import supportingServicePublic from './supporting-service-public.js';
import callerNsgBlocksEndpoint from './caller-nsg-blocks-endpoint.js';
import firewallAllowsAnyDestination from './firewall-allows-any-destination.js';
import privateDnsZoneNotLinked from './private-dns-zone-not-linked.js';
import privateEndpointSubnetNsg from './private-endpoint-subnet-nsg.js';
import vmPublicIp from './vm-public-ip.js';
import vnetDnsQueryLoggingMissing from './vnet-dns-query-logging-missing.js';
import vnetFlowLogsMissing from './vnet-flow-logs-missing.js';
import privateEndpointDnsMisconfigured from './private-endpoint-dns-misconfigured.js';
import type { AzureCheck } from './types.js';

export const AZURE_CHECKS: readonly AzureCheck[] = [
  aiLocalAuthEnabled,
  aiPrivateEndpointMissing,
  aiPublicAccessAfterPrivateEndpoint,
  aiPublicNetworkAccess,
  aiSubnetInternetEgress,
  mlManagedNetworkNotIsolated,
  supportingServicePublic,
  callerNsgBlocksEndpoint,
  firewallAllowsAnyDestination,
  privateDnsZoneNotLinked,
  privateEndpointSubnetNsg,
  vmPublicIp,
  vnetFlowLogsMissing,
  vnetDnsQueryLoggingMissing,
  privateEndpointDnsMisconfigured,
].sort((a, b) => a.id.localeCompare(b.id));
