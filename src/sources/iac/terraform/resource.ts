/**
 * The provider-neutral record both Terraform readers (HCL directories and plan JSON) produce and the provider mappers
 * (aws.ts, azure.ts) consume: one resource instance with its address, evaluated values (Unknown where not static),
 * scope and origin.
 */
import type { Value, ValueObject } from './values.js';

export interface TfOrigin {
  kind: 'file';
  file: string;
  line: number;
  column: number;
}

export interface TfResource {
  address: string;
  type: string;
  /** Provider local name: aws, azurerm, azapi, google… */
  provider: string;
  values: ValueObject;
  /** AWS account or Azure subscription: a literal from the provider configuration, else `iac`. */
  account: string;
  /** AWS region (provider's static region, else `iac-region`); for Azure, the resource's own location applies. */
  region: string;
  origin: TfOrigin;
  /** The provider block behind the scope, where one is declared. */
  scopeOrigin?: TfOrigin;
  attrLines: Map<string, number>;
}

/** A taint's account and region when it concerns every scope the tree fills (a file that did not parse). */
export const EVERY_SCOPE = '*';

/** Something that could not be read or expanded: every data set it may feed is partial in its scope. */
export interface TfTaint {
  /** `aws`, `azurerm`…, or `*` when unknown (a module that is not on disk). */
  provider: string;
  /** The resource type when known: only its data set is partial. */
  type?: string;
  address: string;
  account: string;
  region: string;
  origin: TfOrigin;
  reason: string;
}

/** Reads every lazy attribute once and copies the value tree (Unknowns kept as they are). */
export function materialise(v: Value): Value {
  if (Array.isArray(v)) return v.map(materialise);
  if (typeof v === 'object' && v !== null && v.constructor === Object) {
    const out: ValueObject = {};
    for (const k of Object.keys(v)) out[k] = materialise((v as ValueObject)[k]!);
    return out;
  }
  return v;
}
