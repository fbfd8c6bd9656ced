/**
 * Which policy a command uses: --policy FILE, else ./cordon.yaml, else the scanned directory's cordon.yaml, else the
 * built-in reference model by tags only.
 */
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

/**
 * `scanned`: the directory a command reads (`cordon scan DIR`), whose own cordon.yaml is used when the working
 * directory has none — the zone policy kept beside the infrastructure code or snapshot it describes.
 */
export async function resolvePolicy(
  explicit: string | undefined,
  cwd: string,
  scanned?: string,
): Promise<ResolvedPolicy> {
  if (explicit)
    return {
      policy: await loadPolicyFile(path.resolve(cwd, explicit)).then((p) => ({ ...p, file: explicit })),
      source: explicit,
    };
  const candidates = ['cordon.yaml', ...(scanned ? [path.join(scanned, 'cordon.yaml')] : [])];
  for (const name of candidates) {
    const file = path.resolve(cwd, name);
    try {
      await access(file);
    } catch (err) {
      // A scanned path that is a file has no policy beside it (ENOTDIR).
      if (['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) continue;
      throw err;
    }
    return { policy: { ...(await loadPolicyFile(file)), file: name }, source: name };
  }
  return {
    policy: builtinPolicy(),
    source: 'built-in reference policy (zones by SecurityZone tag; no cordon.yaml found)',
  };
}
