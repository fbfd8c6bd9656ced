/** Every check cordon ships. A new check is one module under checks/<provider>/ and one line here. */
import { AZURE_CHECKS } from './azure/registry.js';
import { GCP_CHECKS } from './gcp/registry.js';
import { ALL_VERIFY_CHECKS } from '../verify/checks.js';
import type { AwsCheck, Check } from './types.js';
import aiSupportingEndpointsMissing from './aws/ai-supporting-endpoints-missing.js';
import aiVpcDnsQueryLoggingMissing from './aws/ai-vpc-dns-query-logging-missing.js';
import aiVpcFlowLogsMissing from './aws/ai-vpc-flow-logs-missing.js';
import bedrockAgentEndpointsMissing from './aws/bedrock-agent-endpoints-missing.js';
import bedrockControlPlaneEndpointMissing from './aws/bedrock-control-plane-endpoint-missing.js';
import bedrockCustomizationJobInternetRoute from './aws/bedrock-customization-job-internet-route.js';
import bedrockCustomizationJobNoS3Endpoint from './aws/bedrock-customization-job-no-s3-endpoint.js';
import bedrockCustomizationJobWithoutVpc from './aws/bedrock-customization-job-without-vpc.js';
import bedrockEndpointAzCoverage from './aws/bedrock-endpoint-az-coverage.js';
import bedrockEndpointEnforcementScpMissing from './aws/bedrock-endpoint-enforcement-scp-missing.js';
import bedrockEndpointPolicyAllModels from './aws/bedrock-endpoint-policy-all-models.js';
import bedrockRuntimeEndpointMissing from './aws/bedrock-runtime-endpoint-missing.js';
import dataZoneInternetRoute from './aws/data-zone-internet-route.js';
import inferenceZoneInternetRoute from './aws/inference-zone-internet-route.js';
import s3EndpointMissing from './aws/s3-endpoint-missing.js';
import vpcDnsResolutionDisabled from './aws/vpc-dns-resolution-disabled.js';
import vpcEndpointNaclBlocksCallers from './aws/vpc-endpoint-nacl-blocks-callers.js';
import vpcEndpointNotAvailable from './aws/vpc-endpoint-not-available.js';
import vpcEndpointPolicyMissing from './aws/vpc-endpoint-policy-missing.js';
import vpcEndpointPolicyPrincipalUnrestricted from './aws/vpc-endpoint-policy-principal-unrestricted.js';
import vpcEndpointPrivateDnsDisabled from './aws/vpc-endpoint-private-dns-disabled.js';
import vpcEndpointSecurityGroupAdmitsOtherZones from './aws/vpc-endpoint-security-group-admits-other-zones.js';
import vpcEndpointSecurityGroupBlocksCallers from './aws/vpc-endpoint-security-group-blocks-callers.js';
import vpcEndpointSecurityGroupMissing from './aws/vpc-endpoint-security-group-missing.js';
import vpcEndpointSecurityGroupOpenToInternet from './aws/vpc-endpoint-security-group-open-to-internet.js';
import sagemakerNotebookDirectInternet from './aws/sagemaker-notebook-direct-internet.js';
import sagemakerNotebookOutsideVpc from './aws/sagemaker-notebook-outside-vpc.js';
import sagemakerDomainPublicInternet from './aws/sagemaker-domain-public-internet.js';
import sagemakerModelNetworkIsolationDisabled from './aws/sagemaker-model-network-isolation-disabled.js';
import sagemakerModelWithoutVpc from './aws/sagemaker-model-without-vpc.js';
import sagemakerTrainingJobNetworkIsolationDisabled from './aws/sagemaker-training-job-network-isolation-disabled.js';
import sagemakerTrainingJobWithoutVpc from './aws/sagemaker-training-job-without-vpc.js';
import sagemakerProcessingJobNetworkIsolationDisabled from './aws/sagemaker-processing-job-network-isolation-disabled.js';
import sagemakerProcessingJobWithoutVpc from './aws/sagemaker-processing-job-without-vpc.js';
import sagemakerEndpointsMissing from './aws/sagemaker-endpoints-missing.js';
import elbIdleTimeoutTooShort from './aws/elb-idle-timeout-too-short.js';
import bedrockCustomizationCreationUnrestricted from './aws/bedrock-customization-creation-unrestricted.js';
import aiNetworkResourcesUntagged from './aws/ai-network-resources-untagged.js';
import managementPlaneOverInternet from './aws/management-plane-over-internet.js';
import s3EndpointPolicyAllowsForeignBuckets from './aws/s3-endpoint-policy-allows-foreign-buckets.js';

export const AWS_CHECKS: readonly AwsCheck[] = [
  bedrockRuntimeEndpointMissing,
  bedrockControlPlaneEndpointMissing,
  bedrockAgentEndpointsMissing,
  vpcEndpointPrivateDnsDisabled,
  vpcDnsResolutionDisabled,
  vpcEndpointNotAvailable,
  vpcEndpointNaclBlocksCallers,
  vpcEndpointSecurityGroupMissing,
  vpcEndpointSecurityGroupOpenToInternet,
  vpcEndpointSecurityGroupAdmitsOtherZones,
  vpcEndpointSecurityGroupBlocksCallers,
  vpcEndpointPolicyMissing,
  vpcEndpointPolicyPrincipalUnrestricted,
  bedrockEndpointPolicyAllModels,
  bedrockEndpointEnforcementScpMissing,
  bedrockEndpointAzCoverage,
  s3EndpointMissing,
  aiSupportingEndpointsMissing,
  bedrockCustomizationJobWithoutVpc,
  bedrockCustomizationJobInternetRoute,
  bedrockCustomizationJobNoS3Endpoint,
  dataZoneInternetRoute,
  inferenceZoneInternetRoute,
  sagemakerNotebookDirectInternet,
  sagemakerNotebookOutsideVpc,
  sagemakerDomainPublicInternet,
  sagemakerModelNetworkIsolationDisabled,
  sagemakerModelWithoutVpc,
  sagemakerTrainingJobNetworkIsolationDisabled,
  sagemakerTrainingJobWithoutVpc,
  sagemakerProcessingJobNetworkIsolationDisabled,
  sagemakerProcessingJobWithoutVpc,
  sagemakerEndpointsMissing,
  elbIdleTimeoutTooShort,
  bedrockCustomizationCreationUnrestricted,
  aiNetworkResourcesUntagged,
  aiVpcFlowLogsMissing,
  aiVpcDnsQueryLoggingMissing,
  managementPlaneOverInternet,
  s3EndpointPolicyAllowsForeignBuckets,
]
  .slice()
  .sort((a, b) => a.id.localeCompare(b.id));

/** Every check of every provider, sorted by id. */
export const CHECKS: readonly Check[] = [...AWS_CHECKS, ...AZURE_CHECKS, ...GCP_CHECKS, ...ALL_VERIFY_CHECKS].sort(
  (a, b) => a.id.localeCompare(b.id),
);

export function findCheck(id: string): Check | undefined {
  return CHECKS.find((c) => c.id === id);
}
