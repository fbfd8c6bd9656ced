/**
 * JSON parsing that keeps positions, so findings and errors can point at a line.
 * jsonc-parser gives a syntax tree with offsets; we keep the tree and convert offsets to line/column lazily.
 */
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Origin } from '../findings/types.js';
import { InputError, type SourcePosition } from './errors.js';
import { parsePointer, toPointer } from './json-pointer.js';
import { detach } from './json-stream.js';

export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  /** 1-based line and column of a character offset. */
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

/** A key that occurs twice in one object: JSON.parse (and so most tools) silently keep the last value. */
export interface DuplicateKey {
  /** Pointer of the object holding the key. */
  object: string;
  key: string;
  /** Where the later occurrence is (its value is the one kept). */
  position: SourcePosition;
  firstLine: number;
}

export interface LocatedJson {
  file: string;
  value: unknown;
  duplicates: DuplicateKey[];
  /** Position of the value at a JSON pointer; falls back to the nearest existing ancestor. */
  locate(pointer: string): SourcePosition;
}

/**
 * Parses strict JSON (comments and trailing commas are rejected, as the AWS CLI never writes them), or with `jsonc`
 * the JSON with comments that ARM templates allow.
 */
export function parseLocatedJson(file: string, text: string, options: { jsonc?: boolean } = {}): LocatedJson {
  const errors: ParseError[] = [];
  const jsonc = options.jsonc === true;
  const root = parseTree(text, errors, { allowTrailingComma: jsonc, disallowComments: !jsonc });
  const lines = new LineIndex(text);
  if (errors.length > 0 || root === undefined) {
    const first = errors[0];
    const pos = first ? lines.position(first.offset) : { line: 1, column: 1 };
    const what = first ? describeParseError(first.error) : 'empty document';
    throw new InputError(file, `invalid JSON: ${what}`, pos);
  }
  const duplicates: DuplicateKey[] = [];
  const value = nodeValue(root, [], (object, key, first, again) =>
    duplicates.push({
      object: toPointer(object),
      key,
      position: { ...lines.position(again.offset), pointer: toPointer([...object, key]) },
      firstLine: lines.position(first.offset).line,
    }),
  );
  // In file order, as the streaming reader finds them (values are built children first).
  duplicates.sort((a, b) => a.position.line! - b.position.line! || a.position.column! - b.position.column!);
  return {
    file,
    value,
    duplicates,
    locate(pointer: string): SourcePosition {
      const segments = parsePointer(pointer).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
      for (let n = segments.length; n >= 0; n--) {
        const node = findNodeAtLocation(root, segments.slice(0, n));
        if (node) {
          // For a property value, point at the property key: that is the line a person reads.
          const anchor = node.parent?.type === 'property' ? node.parent : node;
          return { ...lines.position(anchor.offset), pointer: toPointer(segments.slice(0, n)) };
        }
      }
      return { line: 1, column: 1, pointer };
    },
  };
}

function describeParseError(code: number): string {
  const name = printParseErrorCode(code);
  // ValueExpected -> "value expected"
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

type OnDuplicate = (object: (string | number)[], key: string, first: Node, again: Node) => void;

/**
 * Builds the plain value from the tree, like JSON.parse (the last of duplicate keys wins), reporting duplicates.
 * `at` is the path of `node`, one shared stack pushed and popped on the way down.
 */
function nodeValue(node: Node, at: (string | number)[], onDuplicate: OnDuplicate): unknown {
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = node.children ?? [];
      let count = 0;
      for (const prop of props) {
        const [k, v] = prop.children ?? [];
        if (!k || !v) continue;
        count++;
        const key = String(k.value);
        at.push(key);
        // defineProperty, not assignment: a "__proto__" key stays data instead of replacing the prototype.
        Object.defineProperty(out, key, {
          value: nodeValue(v, at, onDuplicate),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        at.pop();
      }
      // Fewer keys than properties: some key repeats. Only then are they compared.
      if (Object.keys(out).length < count) {
        const seen = new Map<string, Node>();
        for (const prop of props) {
          const k = prop.children?.[0];
          if (!k || !prop.children?.[1]) continue;
          const first = seen.get(String(k.value));
          if (first) onDuplicate(at, String(k.value), first, prop);
          else seen.set(String(k.value), prop);
        }
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map((c, i) => {
        at.push(i);
        const v = nodeValue(c, at, onDuplicate);
        at.pop();
        return v;
      });
    default:
      return typeof node.value === 'string' ? detach(node.value) : (node.value as unknown);
  }
}

/** The origin of the value at `pointer`: its file, line and column, and the pointer. */
export function originOf(doc: Pick<LocatedJson, 'file' | 'locate'>, pointer: string): Origin {
  const pos = doc.locate(pointer);
  return {
    kind: 'file',
    file: doc.file,
    ...(pos.line !== undefined ? { line: pos.line, column: pos.column } : {}),
    pointer,
  };
}

/** The line of the value at `pointer`, when known. */
export function lineOf(doc: Pick<LocatedJson, 'locate'>, pointer: string): { line?: number } {
  const l = doc.locate(pointer).line;
  return l === undefined ? {} : { line: l };
}
