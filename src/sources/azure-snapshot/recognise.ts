/**
 * Tells Azure snapshot documents apart by content (never by file name), so `cordon scan DIR` can route each file to
 * the right provider's reader.
 */

export type AzureDocumentKind =
  /** `az graph query -q … -o json`: {count, data: [rows], skip_token, total_records}; the REST API's totalRecords too. */
  | 'resource-graph'
  /** An ARM list result {value: [...], nextLink} as the REST API and `az rest` return it. */
  | 'arm-list'
  /** A bare array of ARM resources (most `az … list -o json` commands). */
  | 'arm-array'
  /** One ARM resource (`az … show -o json`). */
  | 'arm-resource'
  /** cordon's optional Azure manifest ({"cordonSnapshot": 1, "provider": "azure", …}). */
  | 'cordon-manifest';

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** An ARM resource: an id under /subscriptions/, or a Microsoft.* type. */
export function looksLikeArmResource(v: unknown): boolean {
  if (!isObject(v)) return false;
  if (typeof v.id === 'string' && /^\/subscriptions\//i.test(v.id)) return true;
  return typeof v.type === 'string' && /^microsoft\.[a-z]+\/./i.test(v.type);
}

const GRAPH_KEYS = ['count', 'total_records', 'skip_token', 'totalRecords', 'resultTruncated', '$skipToken'];

/** What kind of Azure document a parsed JSON value is, or undefined when it is not Azure data. */
export function recogniseAzureDocument(value: unknown): AzureDocumentKind | undefined {
  if (Array.isArray(value)) return value.some(looksLikeArmResource) ? 'arm-array' : undefined;
  if (!isObject(value)) return undefined;
  if ('cordonSnapshot' in value) return value.provider === 'azure' ? 'cordon-manifest' : undefined;
  if (Array.isArray(value.data) && GRAPH_KEYS.some((k) => k in value)) return 'resource-graph';
  if (Array.isArray(value.value)) {
    const items = value.value as unknown[];
    if (items.length === 0 || 'nextLink' in value || items.some(looksLikeArmResource)) return 'arm-list';
    return undefined;
  }
  return looksLikeArmResource(value) ? 'arm-resource' : undefined;
}

/** True when the document is Azure data cordon reads (for provider detection). */
export function isAzureDocument(value: unknown): boolean {
  return recogniseAzureDocument(value) !== undefined;
}
