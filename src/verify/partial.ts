/**
 * Scopes where data the model needs is incomplete — a value infrastructure as code leaves unknown until deploy (an
 * instance's subnet from a variable without a default), a listing cut short: the model may lack an interface, a rule
 * or a route there, so a clean matrix would be a guess. One not-assessed finding per scope names the data sets and
 * the first items with their file:line; verify/run.ts adds these beside the zone questions' findings, as it adds the
 * scopes that miss a data set.
 */
import { fingerprintOf, type Finding, type Provider } from '../findings/types.js';
import type { SkippedItem } from '../inventory/aws.js';
import { VERIFY_CHECKS } from './questions.js';

const LISTED = 3;

export function partialModelData<D extends string>(
  provider: Provider,
  partial: ReadonlyMap<string, ReadonlyMap<D, readonly SkippedItem[]>>,
  needed: readonly D[],
  resourceType: string,
): Finding[] {
  const out: Finding[] = [];
  for (const [scope, sets] of [...partial].sort(([a], [b]) => a.localeCompare(b))) {
    const incomplete = needed.filter((d) => (sets.get(d)?.length ?? 0) > 0);
    if (incomplete.length === 0) continue;
    const items = [
      ...new Map(incomplete.flatMap((d) => sets.get(d)!).map((i) => [`${i.file}|${i.line}|${i.reason}`, i])).values(),
    ];
    const at = (i: SkippedItem) => `${i.file}${i.line !== undefined ? `:${i.line}` : ''}`;
    const listed = items.slice(0, LISTED).map((i) => `${i.reason} (${at(i)})`);
    if (items.length > LISTED) listed.push(`and ${items.length - LISTED} more`);
    const [account = '', region = ''] = scope.split('/');
    const resource = { provider, account, region, type: resourceType, id: scope };
    const first = items[0]!;
    out.push({
      checkId: VERIFY_CHECKS.unknown.id,
      title: VERIFY_CHECKS.unknown.title,
      severity: VERIFY_CHECKS.unknown.severity,
      status: 'not-assessed',
      resource,
      origin: {
        kind: 'file',
        file: first.file,
        ...(first.line !== undefined ? { line: first.line } : {}),
        ...(first.column !== undefined ? { column: first.column } : {}),
      },
      message: `zone reachability in ${scope} is not verified: ${incomplete.join(', ')} incomplete: ${listed.join('; ')}`,
      evidence: {
        incomplete,
        items: items.slice(0, 20).map((i) => ({ file: i.file, line: i.line, reason: i.reason })),
      },
      remediation: VERIFY_CHECKS.unknown.remediation,
      references: [],
      fingerprint: fingerprintOf(VERIFY_CHECKS.unknown.id, { ...resource, id: `${scope}|partial-data` }),
    });
  }
  return out;
}
