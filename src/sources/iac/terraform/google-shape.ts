/**
 * What the google mappers share: the shapes of Terraform arguments (lists, nested blocks), the rendered asset record
 * and the skipped-resource record (google.ts, google-hierarchy.ts, google-firewall-policies.ts).
 */
import type { GcpDataset } from '../../../inventory/gcp.js';
import type { TfResource } from './resource.js';
import { isObject, type Value, type ValueObject } from './values.js';

export type V = ValueObject;

export const list = (v: Value | undefined): Value[] =>
  Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
export const blocks = (v: Value | undefined): V[] => list(v).filter(isObject);
export const first = (v: Value | undefined): V | undefined => blocks(v)[0];
export const defined = (o: Record<string, Value | undefined>): V =>
  Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined)) as V;

/** Terraform converts numbers to strings for string arguments (`ports = [443]`): so does cordon. */
export const strings = (v: Value | undefined): Value | undefined =>
  Array.isArray(v) ? v.map((x) => (typeof x === 'number' ? String(x) : x)) : v;

/** One declaration rendered as the Cloud Asset Inventory asset it creates; `data` is the asset's REST resource. */
/**
 * A bool argument as Terraform converts it: the strings "true" and "false" (what `lookup(v, "x", "false")` gives, as
 * the terraform-google-modules subnets module writes its flags) are the booleans; anything else is left as it is.
 */
export const bool = (v: Value | undefined): Value | undefined => (v === 'true' ? true : v === 'false' ? false : v);

export interface Doc {
  resource: TfResource;
  asset: V;
  data: V;
}

/** A declaration left out: its data set is partial in its scope, naming the reason. */
export interface Skip {
  r: TfResource;
  dataset: GcpDataset;
  project: string;
  region: string;
  reason: string;
}

/** The asset a REST resource is listed as: `//service/<relative name>`. */
export function assetOf(assetType: string, id: string, data: V, ancestors?: string[]): V {
  const service = assetType.split('/')[0]!;
  return {
    name: `//${service}/${id}`,
    assetType,
    ...(ancestors ? { ancestors } : {}),
    resource: { data },
  };
}

/** The last segment of a reference ("projects/p/global/networks/n" → "n"). */
export const lastSegment = (s: string): string => s.slice(s.lastIndexOf('/') + 1);
