/** Helpers of the checks that report on an AI project as a whole (perimeters, organization policies). */
import { aiProjects, perInventory } from './support.js';
import { projectsById } from './perimeter.js';
import type { GcpCheckContext, GcpCheckResult } from './types.js';
import { dryRunNote, type Effective } from './org-policy.js';

/** The result base for a finding about the project itself. */
export function projectResult(ctx: GcpCheckContext) {
  const p = projectsById(ctx.inventory).get(ctx.project);
  return {
    resource: { id: `projects/${ctx.project}`, type: 'cloudresourcemanager.googleapis.com/Project' },
    region: 'global',
    ...(p ? { origin: p.origin } : {}),
  };
}

/** True when the check's project is an AI project. */
export function isAiProject(ctx: GcpCheckContext): boolean {
  // Once per run (keyed by the run's zone placement), not once per project.
  return perInventory(ctx.zones, 'aiProjects', () => new Set(aiProjects(ctx.inventory, ctx.zones, ctx.policy))).has(
    ctx.project,
  );
}

/**
 * The run of an organization policy check: for an AI project, the constraint's effective policy judged (`ok` passes,
 * 'unknown' is not assessed; `says` describes the value), not assessed when it cannot be evaluated. `failNote` says
 * what a failure allows.
 */
export function judgeOrgPolicy<T>(
  ctx: GcpCheckContext,
  constraint: string,
  evaluate: () => Effective<T>,
  judge: (value: T) => { ok: boolean | 'unknown'; says: string },
  failNote: string,
): GcpCheckResult[] {
  if (!isAiProject(ctx)) return [];
  const base = projectResult(ctx);
  const e = evaluate();
  if (!e.known) return [{ ...base, status: 'not-assessed', message: `${constraint} for ${ctx.project}: ${e.reason}` }];
  const { ok, says } = judge(e.value);
  const where = e.decidedBy.length ? ` (set at ${e.decidedBy.join(', ')})` : '';
  if (ok === 'unknown')
    return [{ ...base, status: 'not-assessed', message: `${constraint} for ${ctx.project}: ${says}${where}` }];
  return [
    {
      ...base,
      status: ok ? 'pass' : 'fail',
      message: ok
        ? `${constraint} for ${ctx.project}: ${says}${where}`
        : `${constraint} for AI project ${ctx.project}: ${says}${where}${dryRunNote(e)}; ${failNote}`,
      evidence: { effective: e.value, decidedBy: e.decidedBy, dryRunAt: e.dryRunAt },
    },
  ];
}
