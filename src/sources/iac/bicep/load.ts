import type { AzureSnapshotResult } from '../../azure-snapshot/load.js';
import { azureResourceReader } from '../../azure-snapshot/load.js';

export async function loadBicep(_root: string, _files: readonly string[]): Promise<AzureSnapshotResult> {
  return Promise.resolve(azureResourceReader().finish());
}
