/** Which policy a command uses: --policy FILE, else ./cordon.yaml, else the built-in reference model by tags only. */
import { access } from 'node:fs/promises';
import path from 'node:path';
import { loadPolicyFile, parsePolicy, type ZonePolicy } from './load.js';
import { REFERENCE_POLICY_YAML } from './reference.js';

export interface ResolvedPolicy {
  policy: ZonePolicy;
  /** The file it came from, or a description of the built-in one. */
  source: string;
}

/**
 * Without a policy file cordon cannot know your CIDRs, so the built-in model keeps the reference zones and rules but
 * drops the seed's example CIDRs: subnets are placed in zones only by their SecurityZone tag.
 */
export function builtinPolicy(): ZonePolicy {
  const withoutCidrs = REFERENCE_POLICY_YAML.replace(/^ {4}cidrs: \[.*\]\n/gm, '');
  return parsePolicy('<built-in reference policy>', withoutCidrs);
}

export async function resolvePolicy(explicit: string | undefined, cwd: string): Promise<ResolvedPolicy> {
  if (explicit)
    return {
      policy: await loadPolicyFile(path.resolve(cwd, explicit)).then((p) => ({ ...p, file: explicit })),
      source: explicit,
    };
  const local = path.join(cwd, 'cordon.yaml');
  try {
    await access(local);
    return { policy: { ...(await loadPolicyFile(local)), file: 'cordon.yaml' }, source: 'cordon.yaml' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return {
    policy: builtinPolicy(),
    source: 'built-in reference policy (zones by SecurityZone tag; no cordon.yaml found)',
  };
}
