/** Helpers of the checks that report on an AI project as a whole (perimeters, organization policies). */
import { aiProjects } from './support.js';
import type { GcpCheckContext } from './types.js';

/** The result base for a finding about the project itself. */
export function projectResult(ctx: GcpCheckContext) {
  const p = ctx.inventory.projects.find((x) => x.projectId === ctx.project);
  return {
    resource: { id: `projects/${ctx.project}`, type: 'cloudresourcemanager.googleapis.com/Project' },
    region: 'global',
    ...(p ? { origin: p.origin } : {}),
  };
}

/** True when the check's project is an AI project. */
export function isAiProject(ctx: GcpCheckContext): boolean {
  return aiProjects(ctx.inventory, ctx.zones, ctx.policy).includes(ctx.project);
}
