/**
 * YAML parsing that keeps positions. Used for cordon.yaml; schema errors from zod come back as paths, and this
 * turns a path into the line a person should look at.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import { InputError, InputErrors, type SourcePosition } from './errors.js';

// Kept here too for the modules that import it with the YAML reader.
export { InputErrors };
import { toPointer } from './json-pointer.js';

export interface LocatedYaml {
  file: string;
  value: unknown;
  locate: (path: readonly PropertyKey[]) => SourcePosition;
}

/** Parses one YAML document; syntax errors and duplicate keys are all reported, each with its line. */
export function parseLocatedYaml(file: string, text: string): LocatedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true, strict: true });
  const errors = doc.errors.map((e) => {
    const pos = e.linePos?.[0];
    return new InputError(
      file,
      `invalid YAML: ${e.message.split('\n')[0]}`,
      pos ? { line: pos.line, column: pos.col } : {},
    );
  });
  if (errors.length > 0) throw new InputErrors(errors);
  let value: unknown;
  try {
    // Aliases to anchors that do not exist, and alias bombs, surface only here.
    value = doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (err) {
    const pos = lineCounter.linePos(firstAliasOffset(text));
    throw new InputErrors([
      new InputError(file, `invalid YAML: ${(err as Error).message}`, { line: pos.line, column: pos.col }),
    ]);
  }
  return {
    file,
    value,
    locate: (path) => locateInDocument(doc, lineCounter, path),
  };
}

function locateInDocument(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): SourcePosition {
  let node: unknown = doc.contents;
  let offset: number | undefined = rangeStart(node);
  let found: PropertyKey[] = [];
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) break;
      node = item;
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
    found = [...found, seg];
  }
  const pos = offset === undefined ? { line: 1, col: 1 } : lines.linePos(offset);
  return {
    line: pos.line,
    column: pos.col,
    pointer: toPointer(found.map((s) => (typeof s === 'symbol' ? String(s) : s))),
  };
}

/** Where the first alias (`*name`) starts, for an error that YAML reports without a position. */
function firstAliasOffset(text: string): number {
  const m = /(^|[\s[{,:-])\*/.exec(text);
  return m ? m.index + m[1]!.length : 0;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as YamlNode | undefined)?.range;
  return range ? range[0] : undefined;
}

/** Turns zod issues into located errors, one per issue. */
export function zodIssuesToErrors(
  file: string,
  issues: readonly z.core.$ZodIssue[],
  locate: (path: readonly PropertyKey[]) => SourcePosition,
): InputError[] {
  return issues.map((issue) => {
    let path: readonly PropertyKey[] = issue.path;
    let message = issue.message;
    if (issue.code === 'unrecognized_keys') {
      // Point at the unknown key itself, not at the object holding it.
      path = [...issue.path, issue.keys[0] ?? ''];
      message = `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    } else if (issue.code === 'invalid_type' && issue.input === undefined) {
      message = `missing required key ${JSON.stringify(String(issue.path[issue.path.length - 1] ?? ''))}`;
    }
    const where = issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
    return new InputError(file, `${where}${message}`, locate(path));
  });
}
