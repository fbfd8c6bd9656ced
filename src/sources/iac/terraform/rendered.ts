/**
 * The azurerm/azapi and google mappers render each declaration as the cloud resource it creates (one JSON array,
 * item i from declaration i) and let that provider's snapshot reader read it. What the reader locates in the
 * rendered document — items, skipped items, errors — is moved back to the declaration's file and line here.
 */
import { InputError } from '../../../util/errors.js';
import type { TfResource } from './resource.js';

type Located = { origin: { kind: string; pointer?: string } };

interface RenderedInventory {
  scopeOrigins: Map<string, unknown>;
  partial: Map<string, Map<string, { pointer: string; file: string; line?: number }[]>>;
}

/** The declaration a rendered pointer ("/3/…") came from. */
function indexOf(pointer: string | undefined): number {
  return Number(/^\/(\d+)/.exec(pointer ?? '')?.[1]);
}

/** Rewrites the inventory's origins in place and returns the errors located at their declarations. */
export function pointBackAtDeclarations(
  inv: RenderedInventory & object,
  declarations: readonly Pick<TfResource, 'origin' | 'address'>[],
  errors: readonly InputError[],
): InputError[] {
  // A rendered item points at its declaration's line, with the Terraform address as its pointer (as the aws mapper's
  // origins do), so a finding names the declaration while its resource id stays the cloud id the checks join on.
  const origins = declarations.map((d) => ({ ...d.origin, pointer: d.address }));
  const at = (pointer: string | undefined) => {
    const i = indexOf(pointer);
    return Number.isInteger(i) ? origins[i] : undefined;
  };
  for (const v of Object.values(inv))
    if (Array.isArray(v))
      for (const item of v as Located[]) {
        const o = at(item.origin.pointer);
        if (o) item.origin = o;
      }
  if (origins[0]) for (const key of inv.scopeOrigins.keys()) inv.scopeOrigins.set(key, origins[0]);
  for (const byDataset of inv.partial.values())
    for (const items of byDataset.values())
      for (const s of items) {
        const o = at(s.pointer);
        if (o) Object.assign(s, { file: o.file, line: o.line });
      }
  return errors.map((e) => {
    const i = indexOf(e.position.pointer);
    const o = Number.isInteger(i) ? origins[i] : undefined;
    return o
      ? new InputError(o.file, `${declarations[i]!.address}: ${e.message}`, { line: o.line, column: o.column })
      : e;
  });
}
