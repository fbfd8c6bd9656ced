/** Helpers of the checks that report on an AI project as a whole (perimeters, organization policies). */
import { aiProjects } from './support.js';
import { projectsById } from './perimeter.js';
import type { GcpCheckContext } from './types.js';
import type { GcpZonePlacement } from '../../analysis/gcp-zones.js';

/** The result base for a finding about the project itself. */
export function projectResult(ctx: GcpCheckContext) {
  const p = projectsById(ctx.inventory).get(ctx.project);
  return {
    resource: { id: `projects/${ctx.project}`, type: 'cloudresourcemanager.googleapis.com/Project' },
    region: 'global',
    ...(p ? { origin: p.origin } : {}),
  };
}

/** AI projects per run (keyed by the run's zone placement): computed once, not once per project. */
const cache = new WeakMap<GcpZonePlacement, Set<string>>();

/** True when the check's project is an AI project. */
export function isAiProject(ctx: GcpCheckContext): boolean {
  let set = cache.get(ctx.zones);
  if (!set) {
    set = new Set(aiProjects(ctx.inventory, ctx.zones, ctx.policy));
    cache.set(ctx.zones, set);
  }
  return set.has(ctx.project);
}
