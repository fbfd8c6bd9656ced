/** Every GCP check. A new check is one module in this folder and one line here. */
import type { GcpCheck } from './types.js';

export const GCP_CHECKS: readonly GcpCheck[] = [].sort((a: GcpCheck, b: GcpCheck) => a.id.localeCompare(b.id));
