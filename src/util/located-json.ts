/**
 * JSON parsing that keeps positions, so findings and errors can point at a line.
 * jsonc-parser gives a syntax tree with offsets; we keep the tree and convert offsets to line/column lazily.
 */
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { InputError, type SourcePosition } from './errors.js';
import { parsePointer, toPointer } from './json-pointer.js';

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

export interface LocatedJson {
  file: string;
  value: unknown;
  /** Position of the value at a JSON pointer; falls back to the nearest existing ancestor. */
  locate(pointer: string): SourcePosition;
}

/** Parses strict JSON (comments and trailing commas are rejected, as the AWS CLI never writes them). */
export function parseLocatedJson(file: string, text: string): LocatedJson {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const lines = new LineIndex(text);
  if (errors.length > 0 || root === undefined) {
    const first = errors[0];
    const pos = first ? lines.position(first.offset) : { line: 1, column: 1 };
    const what = first ? describeParseError(first.error) : 'empty document';
    throw new InputError(file, `invalid JSON: ${what}`, pos);
  }
  return {
    file,
    value: nodeValue(root),
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

/** Builds the plain value from the tree, like JSON.parse. */
function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        // defineProperty, not assignment: a "__proto__" key stays data instead of replacing the prototype.
        if (k && v)
          Object.defineProperty(out, String(k.value), {
            value: nodeValue(v),
            enumerable: true,
            writable: true,
            configurable: true,
          });
      }
      return out;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    default:
      return node.value as unknown;
  }
}
