/**
 * Reading CloudFormation templates, YAML or JSON, into plain values that keep their positions. YAML short-form
 * intrinsics (`!Ref`, `!Sub`, `!GetAtt A.B`, …) become the long form (`{"Ref": …}`, `{"Fn::Sub": …}`) so one
 * evaluator serves both syntaxes.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { InputError, type SourcePosition } from '../../../util/errors.js';
import { toPointer } from '../../../util/json-pointer.js';
import { LineIndex, parseLocatedJson } from '../../../util/located-json.js';

export interface Template {
  file: string;
  value: unknown;
  /** Position of the key (or item) at a path; falls back to the nearest ancestor that exists. */
  locate(path: readonly (string | number)[]): SourcePosition;
  /** Problems that do not stop reading (an unknown YAML tag). */
  warnings: { message: string; position: SourcePosition }[];
}

/** The short-form tags CloudFormation defines; anything else is not CloudFormation's and is reported. */
const FN_TAGS = new Set([
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'If',
  'Equals',
  'And',
  'Or',
  'Not',
  'Length',
  'ToJsonString',
]);

/** Parses a template file: JSON when it starts with "{", else YAML. Throws a located InputError. */
export function parseTemplate(file: string, text: string): Template {
  const body = text.replace(/^\uFEFF/, '');
  return /^\s*\{/.test(body) ? parseJsonTemplate(file, body) : parseYamlTemplate(file, body);
}

function parseJsonTemplate(file: string, text: string): Template {
  const doc = parseLocatedJson(file, text);
  const warnings = doc.duplicates.map((d) => ({
    message: `duplicate key ${JSON.stringify(d.key)} (first on line ${d.firstLine}); CloudFormation rejects the template`,
    position: d.position,
  }));
  return { file, value: doc.value, locate: (p) => doc.locate(toPointer(p)), warnings };
}

function parseYamlTemplate(file: string, text: string): Template {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  const lines = new LineIndex(text);
  const first = doc.errors[0];
  if (first) {
    const pos = lines.position(first.pos[0]);
    throw new InputError(file, `invalid YAML: ${first.message.split('\n')[0]}`, pos);
  }
  const offsets = new Map<string, number>();
  const warnings: Template['warnings'] = [];
  const value = toValue(doc, doc.contents, [], offsets, warnings, lines, 0);
  return {
    file,
    value,
    locate(path) {
      for (let n = path.length; n >= 0; n--) {
        const pointer = toPointer(path.slice(0, n));
        const at = offsets.get(pointer);
        if (at !== undefined) return { ...lines.position(at), pointer };
      }
      return { line: 1, column: 1, pointer: '' };
    },
    warnings,
  };
}

/** Aliases can nest; CloudFormation templates are shallow, so a deep tree is a mistake (or an alias loop). */
const MAX_DEPTH = 200;

function toValue(
  doc: Document,
  node: Node | null | undefined,
  path: (string | number)[],
  offsets: Map<string, number>,
  warnings: Template['warnings'],
  lines: LineIndex,
  depth: number,
): unknown {
  if (node === null || node === undefined) return null;
  if (depth > MAX_DEPTH) throw new InputError('', 'YAML nested too deeply');
  if (isAlias(node)) return toValue(doc, node.resolve(doc), path, new Map(), warnings, lines, depth + 1);
  let value: unknown;
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      path.push(key);
      if (keyNode?.range) offsets.set(toPointer(path), keyNode.range[0]);
      Object.defineProperty(out, key, {
        value: toValue(doc, pair.value as Node | null, path, offsets, warnings, lines, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      path.pop();
    }
    value = out;
  } else if (isSeq(node)) {
    value = node.items.map((item, i) => {
      path.push(i);
      const n = item as Node | null;
      if (n?.range) offsets.set(toPointer(path), n.range[0]);
      const v = toValue(doc, n, path, offsets, warnings, lines, depth + 1);
      path.pop();
      return v;
    });
  } else if (isScalar(node)) {
    value = node.value;
    if (value instanceof Date) value = node.source;
    if (typeof value === 'bigint') value = Number(value);
  } else value = null;
  const tag = node.tag;
  if (!tag?.startsWith('!') || tag.startsWith('!!')) return value;
  const name = tag.slice(1);
  if (name === 'Ref' || name === 'Condition') return { [name]: scalarText(value) };
  if (name === 'GetAtt' && typeof value === 'string') {
    // "Resource.Attribute" (the attribute may itself hold dots: Outputs.Name, Endpoint.Address).
    const dot = value.indexOf('.');
    return { 'Fn::GetAtt': dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)] };
  }
  if (FN_TAGS.has(name)) return { [`Fn::${name}`]: value };
  warnings.push({
    message: `unknown tag ${tag}: not a CloudFormation intrinsic function; read as a plain value`,
    position: node.range
      ? { ...lines.position(node.range[0]), pointer: toPointer(path) }
      : { pointer: toPointer(path) },
  });
  return value;
}

function scalarText(v: unknown): unknown {
  return typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
}
