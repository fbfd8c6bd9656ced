/**
 * `data "aws_iam_policy_document"`: a pure data source (the provider builds JSON from the blocks, no API call), so
 * cordon builds the same document and endpoint policies written this way are evaluated like literal JSON ones.
 */
import type { Evaluator, EvalValue, Scope } from './eval.js';
import type { Body } from './hcl.js';
import { defineBody, type Located } from './modules.js';
import { firstUnknown, isObject, text, Unknown, type Value, type ValueObject } from './values.js';

export function policyDocumentJson(
  ev: Evaluator,
  body: Body,
  scope: Scope,
  decl: Located,
  _scopeWith: (extra: Map<string, EvalValue>) => Scope,
): Value {
  for (const merged of ['source_policy_documents', 'override_policy_documents', 'source_json', 'override_json'])
    if (body.attrs.has(merged))
      return new Unknown(
        `${merged}`,
        `${decl.file}:${body.attrs.get(merged)!.line}`,
        'merged policy documents are not evaluated',
      );
  const values: ValueObject = {};
  defineBody(ev, values, body, scope, `data.policy@${decl.file}:${decl.line}`, undefined, new Set());
  const statements = (values.statement ?? []) as Value;
  const u = firstUnknown(statements) ?? firstUnknown(values.version ?? null);
  if (u) return u;
  const list = (v: Value | undefined): string[] | undefined =>
    Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : undefined;
  const principals = (blocks: Value | undefined): unknown => {
    if (!Array.isArray(blocks) || blocks.length === 0) return undefined;
    const out: Record<string, string[]> = {};
    for (const b of blocks) {
      if (!isObject(b)) continue;
      const type = text(b.type);
      const ids = list(b.identifiers) ?? [];
      if (type === '*' && ids.length === 1 && ids[0] === '*') return '*';
      (out[type] ??= []).push(...ids);
    }
    return out;
  };
  const doc = {
    Version: typeof values.version === 'string' ? values.version : '2012-10-17',
    ...(typeof values.policy_id === 'string' ? { Id: values.policy_id } : {}),
    Statement: (statements as Value[]).filter(isObject).map((s) => {
      const st: Record<string, unknown> = {};
      if (typeof s.sid === 'string' && s.sid) st.Sid = s.sid;
      st.Effect = typeof s.effect === 'string' ? s.effect : 'Allow';
      const p = principals(s.principals);
      if (p !== undefined) st.Principal = p;
      const np = principals(s.not_principals);
      if (np !== undefined) st.NotPrincipal = np;
      if (list(s.actions)) st.Action = list(s.actions);
      if (list(s.not_actions)) st.NotAction = list(s.not_actions);
      if (list(s.resources)) st.Resource = list(s.resources);
      if (list(s.not_resources)) st.NotResource = list(s.not_resources);
      if (Array.isArray(s.condition) && s.condition.length > 0) {
        const cond: Record<string, Record<string, string[]>> = {};
        for (const c of s.condition)
          if (isObject(c)) (cond[text(c.test)] ??= {})[text(c.variable)] = list(c.values) ?? [];
        st.Condition = cond;
      }
      return st;
    }),
  };
  return JSON.stringify(doc);
}
