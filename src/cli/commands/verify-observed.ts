/** Table output of the observed layer of `cordon verify --flows` (types only from verify/observed.ts: no readers). */
import type { createColors } from 'picocolors';
import type { ObservedCell, ObservedLayer } from '../../verify/observed.js';
import type { MatrixCell } from '../../verify/questions.js';

type Colors = ReturnType<typeof createColors>;

const key = (c: { provider: string; from: string; to: string }) => `${c.provider}|${c.from}|${c.to}`;

function cellOf(o: ObservedLayer, m: MatrixCell): ObservedCell | undefined {
  return o.cells.find((x) => key(x) === key(m));
}

/** The observed part of a matrix row: classes with their record counts, or why there are none. */
export function observedCellText(o: ObservedLayer, m: MatrixCell): string {
  const cell = cellOf(o, m);
  if (!cell || cell.coverage === 'no-interfaces') return '-';
  const seen = cell.classes.filter((k) => k.records + k.replies + k.withoutVerdict > 0);
  if (seen.length === 0) {
    if (cell.coverage === 'none') return `not observed (no logs for ${cell.networksWithoutLogs.join(', ')})`;
    if (cell.coverage === 'partial') return `nothing (no logs for ${cell.networksWithoutLogs.join(', ')})`;
    return 'nothing';
  }
  const shown = seen
    .slice(0, 6)
    .map((k) => {
      const marks = [
        k.records + k.replies > 0 && k.policy === 'denies' ? 'against policy' : '',
        k.records + k.replies > 0 && k.configuration === 'blocks' ? 'not permitted' : '',
        k.records + k.replies === 0 ? 'no verdict' : '',
      ].filter(Boolean);
      return `${k.class} ×${k.records + k.replies + k.withoutVerdict}${marks.length ? ` [${marks.join(', ')}]` : ''}`;
    })
    .join(', ');
  const more = seen.length + cell.classesNotListed - Math.min(6, seen.length);
  const partly = cell.coverage === 'full' ? '' : ` (partly logged: no logs for ${cell.networksWithoutLogs.join(', ')})`;
  return `${shown}${more > 0 ? `, +${more} more` : ''}${partly}`;
}

/** The highlights and the layer's input state, after the matrix. */
export function renderObserved(o: ObservedLayer, c: Colors): string[] {
  const out: string[] = [];
  const pair = (x: { provider: string; from: string; to: string }) => `[${x.provider}] ${x.from} -> ${x.to}`;
  const read = o.files.filter((f) => f.status === 'read' || f.status === 'partial');
  out.push(
    c.bold(
      `Observed layer (${read.length} of ${o.files.length} file(s) read, ${o.totals.accepted} accepted record(s), ${o.totals.replies} of them replies; ${o.totals.rejected} rejected, ${o.totals.withoutVerdict} without a verdict): ${o.status}`,
    ),
  );
  for (const r of o.reasons) out.push(c.yellow(`  partial: ${r}`));
  const list = (title: string, pick: (x: ObservedCell) => string[], first: boolean) => {
    const cells = o.cells.filter((x) => pick(x).length > 0);
    if (cells.length === 0) return;
    out.push(`  ${title}`);
    for (const x of cells) {
      const firstClass = x.classes.find((k) => k.class === pick(x)[0]);
      out.push(
        `    ${pair(x)}: ${pick(x).slice(0, 12).join(', ')}${pick(x).length > 12 ? ', …' : ''}${first && firstClass ? c.dim(` — first ${firstClass.first.file}:${firstClass.first.line}`) : ''}`,
      );
    }
  };
  list(c.red('observed against policy (violations seen live):'), (x) => x.againstPolicy, true);
  list(
    c.red('observed but not permitted by the configuration (blind spot in the model or the inventory):'),
    (x) => x.notPermitted,
    true,
  );
  list(c.cyan(`${o.note}:`), (x) => x.permittedNeverObserved, false);
  const unobserved = o.cells.filter((x) => x.coverage === 'none' && x.records + x.replies + x.withoutVerdict === 0);
  if (unobserved.length > 0)
    out.push(c.magenta(`  not observed (no flow logs for their networks): ${unobserved.map(pair).join(', ')}`));
  for (const x of o.outside)
    out.push(
      c.dim(
        `  outside the zone matrix: ${pair(x)}: ${x.records + x.replies} accepted, ${x.withoutVerdict} without verdict (${x.classes.slice(0, 6).join(', ')}); first ${x.first.file}:${x.first.line}`,
      ),
    );
  for (const u of o.unplaced)
    out.push(
      c.yellow(
        `  ${u.records} ${u.provider} record(s) not placed, cordon verify has no ${u.provider} network model of this snapshot: ${u.files.join(', ')}`,
      ),
    );
  if (o.unknownResources.length > 0)
    out.push(
      c.dim(
        `  logged by resources not in the snapshot: ${o.unknownResources
          .slice(0, 5)
          .map((u) => `${u.resource || '?'} (${u.records})`)
          .join(', ')}${o.unknownResources.length + o.unknownResourcesNotListed > 5 ? ', …' : ''}`,
      ),
    );
  out.push('');
  return out;
}
