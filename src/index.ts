/**
 * cordon as a library. The CLI is a thin layer over these: load a policy, read a snapshot, run checks, render.
 */
export {
  scanSnapshot,
  scanAwsSnapshot,
  selectChecks,
  summarise,
  TOOL,
  type ScanOptions,
  type ScanReport,
  type Summary,
} from './scan.js';
export { AWS_CHECKS, CHECKS, findCheck } from './checks/registry.js';
export { AZURE_CHECKS } from './checks/azure/registry.js';
export { runAzureChecks } from './checks/azure/engine.js';
export { defineAzureCheck, type AzureCheck, type AzureCheckContext } from './checks/azure/types.js';
export { GCP_CHECKS } from './checks/gcp/registry.js';
export { runGcpChecks } from './checks/gcp/engine.js';
export { defineGcpCheck, type GcpCheck, type GcpCheckContext } from './checks/gcp/types.js';
export { runAwsChecks } from './checks/engine.js';
export {
  defineAwsCheck,
  type AwsCheck,
  type AwsCheckContext,
  type Check,
  type CheckMeta,
  type CheckResult,
} from './checks/types.js';
export { renderChecksMarkdown } from './checks/docs.js';
export {
  loadAwsSnapshot,
  loadAwsSnapshotFromTexts,
  type SnapshotOptions,
  type SnapshotResult,
} from './sources/aws-snapshot/load.js';
export {
  collectAws,
  CollectError,
  type CollectOptions,
  type CollectSummary,
  type ScopeSummary,
} from './sources/aws-live/collect.js';
export { AWS_DATASETS, emptyAwsInventory, type AwsInventory, type AwsDataset } from './inventory/aws.js';
export { AZURE_DATASETS, azureIdKey, type AzureInventory, type AzureDataset } from './inventory/azure.js';
export {
  loadAzureSnapshot,
  loadAzureSnapshotFromTexts,
  type AzureSnapshotResult,
} from './sources/azure-snapshot/load.js';
export { GCP_DATASETS, gcpIdKey, type GcpInventory, type GcpDataset } from './inventory/gcp.js';
export { loadGcpSnapshot, loadGcpSnapshotFromTexts, type GcpSnapshotResult } from './sources/gcp-snapshot/load.js';
export { placeGcpResources, type GcpZonePlacement, type GcpZoneSelector } from './analysis/gcp-zones.js';
export { placeAzureResources, type AzureZonePlacement, type AzureZoneSelector } from './analysis/azure-zones.js';
export { collectAzure, type AzureCollectOptions, type AzureCollectSummary } from './sources/azure-live/collect.js';
export { collectGcp, type GcpCollectOptions, type GcpCollectSummary } from './sources/gcp-live/collect.js';
export { detectProvider, partitionSnapshot, type SnapshotProvider } from './sources/detect.js';
export { buildAwsZoneIndex, type AwsZoneIndex } from './analysis/aws-zones.js';
export { parsePolicy, loadPolicyFile, type ZonePolicy, type CompiledRule, type CompiledZone } from './policy/load.js';
export { resolvePolicy, builtinPolicy } from './policy/resolve.js';
export { decide, type Decision, type FlowQuery } from './policy/evaluate.js';
export { lintPolicy, GUARDRAILS, type LintProblem } from './policy/lint.js';
export { REFERENCE_POLICY_YAML } from './policy/reference.js';
export { policySchema, policyJsonSchema, type PolicyDocument } from './policy/schema.js';
export { parsePolicyDocument, type PolicyDocument as IamPolicyDocument } from './iam/policy.js';
export { evaluate as evaluateIamPolicy, grantsTo, statementApplies } from './iam/evaluate.js';
export { context as requestContext, evaluateOperator } from './iam/conditions.js';
export { applySuppressions, loadBaseline, subtractBaseline } from './findings/suppress.js';
export {
  SEVERITIES,
  compareFindings,
  type Finding,
  type Severity,
  type Status,
  type ResourceRef,
  type Origin,
} from './findings/types.js';
export { renderReport, FORMATS, type Format } from './reporters/index.js';
export { toSarif } from './reporters/sarif.js';
export { derivePlan, TEST_KINDS, type PlannedTest, type ProbePlan, type TestKind } from './probe/plan.js';
export { runProbe, type ProbeResult } from './probe/run.js';
export { renderPlanText, renderProbe } from './probe/report.js';
export { InputError, UsageError } from './util/errors.js';
export { main } from './cli/main.js';
