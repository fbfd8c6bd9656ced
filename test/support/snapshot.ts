/** Builds small in-memory snapshots for check tests. */
import { loadAwsSnapshotFromTexts } from '../../src/sources/aws-snapshot/load.js';
import { runAwsChecks } from '../../src/checks/engine.js';
import type { AwsCheck } from '../../src/checks/types.js';
import { parsePolicy } from '../../src/policy/load.js';
import { REFERENCE_POLICY_YAML } from '../../src/policy/reference.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';

export function manifest(account = ACCOUNT, region = REGION) {
  return { cordonSnapshot: 1, provider: 'aws', account, region };
}

export function runCheck(check: AwsCheck, docs: Record<string, unknown>, policyYaml = REFERENCE_POLICY_YAML) {
  const files = Object.entries({ 'manifest.json': manifest(), ...docs }).map(([name, v]) => ({
    name,
    text: JSON.stringify(v, null, 2),
  }));
  const loaded = loadAwsSnapshotFromTexts(files);
  if (loaded.errors.length > 0) throw new Error(loaded.errors.map((e) => e.format()).join('\n'));
  return runAwsChecks(loaded.inventory, parsePolicy('cordon.yaml', policyYaml), [check]);
}

export const tags = (o: Record<string, string>) => Object.entries(o).map(([Key, Value]) => ({ Key, Value }));
