/**
 * Streaming JSON with positions, for files too large to hold whole (a 200 MB describe-network-interfaces.json as a
 * string, a syntax tree and a value takes gigabytes). Text arrives in chunks and is tokenised by jsonc-parser's
 * scanner (the same one `located-json.ts` parses with, so lines and columns count the same way: UTF-16 code units,
 * CR, LF and CRLF as line breaks); a small grammar on top checks the structure and tells a handler what opens,
 * closes and holds which value, by path. The handlers below build only what is asked for:
 *
 * - `readOutline`: the document(s) with the arrays that hold items replaced by empty stubs (their lengths kept), for
 *   recognising what a file is; it also finds syntax errors and duplicate keys anywhere, before any item is used.
 * - `readValues`: the values at chosen paths (each item of a list, or a whole small document), one at a time, each
 *   with its own position tree, so memory is bounded by the largest item rather than by the file.
 */
import { createScanner, printParseErrorCode } from 'jsonc-parser';
import { InputError, type SourcePosition } from './errors.js';
import { parsePointer, toPointer } from './json-pointer.js';
import type { DuplicateKey } from './located-json.js';

type Segment = string | number;

// jsonc-parser's enums are ambient const enums, which isolated modules cannot read: their values, as it defines them.
const T = {
  OpenBrace: 1,
  CloseBrace: 2,
  OpenBracket: 3,
  CloseBracket: 4,
  Comma: 5,
  Colon: 6,
  Null: 7,
  True: 8,
  False: 9,
  String: 10,
  Number: 11,
  LineComment: 12,
  BlockComment: 13,
  LineBreak: 14,
  Trivia: 15,
  Unknown: 16,
  EOF: 17,
} as const;
const E = {
  InvalidSymbol: 1,
  InvalidNumberFormat: 2,
  PropertyNameExpected: 3,
  ValueExpected: 4,
  ColonExpected: 5,
  CommaExpected: 6,
  CloseBraceExpected: 7,
  CloseBracketExpected: 8,
  EndOfFileExpected: 9,
  InvalidCommentToken: 10,
  InvalidCharacter: 16,
} as const;
/** jsonc-parser's scan errors (index) as its parse error codes, as parseTree reports them. */
const SCAN_ERRORS = [0, 11, 12, 13, 14, 15, 16];

/** Where a value is: its anchor (the property key for a property value, as in located-json) and its children. */
export interface PosNode {
  line: number;
  column: number;
  kids?: Map<string, PosNode> | PosNode[];
}

/** Position of `pointer` under `node` (whose own pointer is `at`), falling back to the nearest existing ancestor. */
export function locateIn(node: PosNode, at: string, pointer: string): SourcePosition {
  const rest = parsePointer(pointer).slice(parsePointer(at).length);
  const found: string[] = [];
  let cur = node;
  for (const seg of rest) {
    // As in located-json (jsonc-parser's findNodeAtLocation), a numeric segment only indexes arrays.
    const numeric = /^\d+$/.test(seg);
    const next: PosNode | undefined =
      cur.kids instanceof Map
        ? numeric
          ? undefined
          : cur.kids.get(seg)
        : numeric
          ? cur.kids?.[Number(seg)]
          : undefined;
    if (!next) break;
    found.push(seg);
    cur = next;
  }
  return { line: cur.line, column: cur.column, pointer: at + toPointer(found) };
}

interface Handler {
  /** A container opens at `path` (the parser's current path); line/column are its anchor. */
  open(kind: 'object' | 'array', path: Segment[], line: number, column: number): void;
  scalar(value: unknown, path: Segment[], line: number, column: number): void;
  /** The innermost container closes; `count` is how many values it held. */
  close(count: number): void;
  duplicate?(object: Segment[], key: string, line: number, column: number, firstLine: number): void;
}

interface Frame {
  kind: 'object' | 'array';
  count: number;
  /** Object keys seen, with the line of their first occurrence (only when duplicates are looked for). */
  keys?: Map<string, number>;
}

const enum Expect {
  Value,
  KeyOrEnd,
  Key,
  Colon,
  CommaOrEnd,
  Done,
}

/**
 * A copy of a string that does not point into the text it was cut from. V8 cuts substrings of 13 characters or
 * more as slices of their parent, so one resource id kept in the inventory would keep the whole text chunk (or the
 * whole file) it came from alive. Concatenating and slicing makes V8 flatten into a fresh string.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (s + ' ').slice(0, -1);
}

/** The JSON grammar over jsonc-parser's tokens, strict (no comments, no trailing commas) like located-json. */
class Grammar {
  private readonly stack: Frame[] = [];
  private readonly path: Segment[] = [];
  private expect = Expect.Value;
  private keyLine = 0;
  private keyColumn = 0;
  private pendingKey: string | undefined;

  constructor(
    private readonly file: string,
    private readonly h: Handler,
  ) {}

  private fail(code: number, line: number, column: number): never {
    const what = printParseErrorCode(code)
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toLowerCase();
    throw new InputError(this.file, `invalid JSON: ${what}`, { line, column });
  }

  token(kind: number, text: string, error: number, line: number, column: number): void {
    if (error !== 0) this.fail(SCAN_ERRORS[error] ?? E.InvalidCharacter, line, column);
    switch (kind) {
      case T.LineComment:
      case T.BlockComment:
        return this.fail(E.InvalidCommentToken, line, column);
      case T.Unknown:
        return this.fail(E.InvalidSymbol, line, column);
    }
    switch (this.expect) {
      case Expect.Value:
        return this.value(kind, text, line, column);
      case Expect.KeyOrEnd:
        if (kind === T.CloseBrace) return this.close();
        // A comma before any property: jsonc-parser (whole-file parsing) reports a missing value there.
        if (kind === T.Comma) return this.fail(E.ValueExpected, line, column);
        return this.key(kind, text, line, column);
      case Expect.Key:
        return this.key(kind, text, line, column);
      case Expect.Colon:
        if (kind !== T.Colon) this.fail(E.ColonExpected, line, column);
        this.expect = Expect.Value;
        return;
      case Expect.CommaOrEnd: {
        const top = this.stack[this.stack.length - 1]!;
        if (kind === T.Comma) {
          this.expect = top.kind === 'object' ? Expect.Key : Expect.Value;
          return;
        }
        if (top.kind === 'object' && kind === T.CloseBrace) return this.close();
        if (top.kind === 'array' && kind === T.CloseBracket) return this.close();
        return this.fail(E.CommaExpected, line, column);
      }
      case Expect.Done:
        return this.fail(E.EndOfFileExpected, line, column);
    }
  }

  /** End of text: there must have been a value, and every container must be closed. */
  end(line: number, column: number): void {
    if (this.expect === Expect.Value && this.stack.length === 0) this.fail(E.ValueExpected, line, column);
    const top = this.stack[this.stack.length - 1];
    if (top) this.fail(top.kind === 'object' ? E.CloseBraceExpected : E.CloseBracketExpected, line, column);
  }

  private key(kind: number, text: string, line: number, column: number): void {
    if (kind !== T.String) this.fail(E.PropertyNameExpected, line, column);
    const top = this.stack[this.stack.length - 1]!;
    if (top.keys) {
      const first = top.keys.get(text);
      if (first !== undefined) this.h.duplicate?.([...this.path], text, line, column, first);
      else top.keys.set(text, line);
    }
    this.pendingKey = text;
    this.keyLine = line;
    this.keyColumn = column;
    this.expect = Expect.Colon;
  }

  private value(kind: number, text: string, line: number, column: number): void {
    const parent = this.stack[this.stack.length - 1];
    let anchorLine = line;
    let anchorColumn = column;
    if (parent?.kind === 'object') {
      this.path.push(this.pendingKey!);
      anchorLine = this.keyLine;
      anchorColumn = this.keyColumn;
    } else if (parent) {
      if (kind === T.CloseBracket && parent.count === 0) return this.close();
      this.path.push(parent.count);
    }
    if (parent) parent.count++;
    switch (kind) {
      case T.OpenBrace:
      case T.OpenBracket: {
        const k = kind === T.OpenBrace ? 'object' : 'array';
        this.stack.push({ kind: k, count: 0, ...(k === 'object' && this.h.duplicate ? { keys: new Map() } : {}) });
        this.h.open(k, this.path, anchorLine, anchorColumn);
        this.expect = k === 'object' ? Expect.KeyOrEnd : Expect.Value;
        return;
      }
      case T.String:
        this.h.scalar(detach(text), this.path, anchorLine, anchorColumn);
        break;
      case T.Number: {
        let n: unknown;
        try {
          n = JSON.parse(text);
        } catch {
          n = undefined;
        }
        if (typeof n !== 'number') this.fail(E.InvalidNumberFormat, line, column);
        this.h.scalar(n, this.path, anchorLine, anchorColumn);
        break;
      }
      case T.True:
        this.h.scalar(true, this.path, anchorLine, anchorColumn);
        break;
      case T.False:
        this.h.scalar(false, this.path, anchorLine, anchorColumn);
        break;
      case T.Null:
        this.h.scalar(null, this.path, anchorLine, anchorColumn);
        break;
      default:
        this.fail(E.ValueExpected, line, column);
    }
    this.afterValue();
  }

  private close(): void {
    const frame = this.stack.pop()!;
    this.h.close(frame.count);
    this.afterValue();
  }

  private afterValue(): void {
    if (this.stack.length === 0) {
      this.expect = Expect.Done;
      return;
    }
    this.path.pop();
    this.expect = Expect.CommaOrEnd;
  }
}

/**
 * Feeds text chunks through the scanner. A token that touches the end of the text may continue in the next chunk
 * (a number, a word, a string, a CR before LF), so it is carried over and scanned again with what follows; lines and
 * columns are made absolute from where the carried text started.
 */
async function scan(chunks: AsyncIterable<string>, g: Grammar): Promise<void> {
  let text = '';
  let baseLine = 0;
  let baseColumn = 0;
  const run = (final: boolean) => {
    const s = createScanner(text, false);
    for (;;) {
      // A plain number: the scanner's SyntaxKind is an ambient const enum (see T).
      const kind: number = s.scan();
      const line = s.getTokenStartLine();
      const col = s.getTokenStartCharacter();
      const absLine = baseLine + line;
      const absCol = line === 0 ? baseColumn + col : col;
      if (kind === T.EOF || (!final && s.getTokenOffset() + s.getTokenLength() >= text.length)) {
        text = text.slice(s.getTokenOffset());
        baseLine = absLine;
        baseColumn = absCol;
        if (final) g.end(absLine + 1, absCol + 1);
        return;
      }
      if (kind === T.Trivia || kind === T.LineBreak) continue;
      g.token(kind, s.getTokenValue(), s.getTokenError(), absLine + 1, absCol + 1);
    }
  };
  let carried = 0;
  for await (const chunk of chunks) {
    text += chunk;
    // A token longer than a chunk (a huge string) is rescanned only as its text doubles, not once per chunk.
    if (text.length - carried < carried) continue;
    run(false);
    carried = text.length;
  }
  run(true);
}

function attach(parent: Built | undefined, path: Segment[], value: unknown, pos: PosNode): void {
  if (!parent) return;
  const key = path[path.length - 1]!;
  if (Array.isArray(parent.value)) {
    parent.value.push(value);
    (parent.pos.kids as PosNode[]).push(pos);
  } else {
    const k = String(key);
    // defineProperty for "__proto__": the key stays data instead of replacing the prototype (assignment is faster).
    if (k === '__proto__')
      Object.defineProperty(parent.value, k, { value, enumerable: true, writable: true, configurable: true });
    else parent.value[k] = value;
    (parent.pos.kids as Map<string, PosNode>).set(String(key), pos);
  }
}

interface Built {
  value: Record<string, unknown> | unknown[];
  pos: PosNode;
  /** Set on the root of a region that is handed out when it closes. */
  emit?: string;
  /** Set on a stub: the array's pointer, whose length is recorded when it closes. */
  stub?: string;
}

export interface Outline {
  value: unknown;
  pos: PosNode;
  /** Length of each array left out of the outline, by pointer (of the last one, when a key repeats). */
  stubs: Map<string, number>;
  /** How many arrays were left out at each pointer: more than one when a key repeats (JSON keeps the last). */
  stubOccurrences: Map<string, number>;
  duplicates: DuplicateKey[];
}

/**
 * Reads a whole document, leaving out the contents of arrays for which `isStub(path)` holds. Throws a located
 * InputError for the first syntax error.
 */
export async function readOutline(
  file: string,
  chunks: AsyncIterable<string>,
  isStub: (path: Segment[]) => boolean,
): Promise<Outline> {
  const stack: (Built | null)[] = [];
  const stubs = new Map<string, number>();
  const stubOccurrences = new Map<string, number>();
  const duplicates: DuplicateKey[] = [];
  let root: { value: unknown; pos: PosNode } | undefined;
  const place = (path: Segment[], value: unknown, pos: PosNode) => {
    if (stack.length === 0) root = { value, pos };
    else attach(stack[stack.length - 1]!, path, value, pos);
  };
  const handler: Handler = {
    open(kind, path, line, column) {
      const parent = stack[stack.length - 1];
      if (parent === null) return void stack.push(null);
      if (kind === 'array' && isStub(path)) {
        const pos: PosNode = { line, column };
        const pointer = toPointer(path);
        place(path, [], pos);
        stubOccurrences.set(pointer, (stubOccurrences.get(pointer) ?? 0) + 1);
        stack.push({ value: [], pos, stub: pointer });
        stack.push(null);
        return;
      }
      const built: Built =
        kind === 'object'
          ? { value: {}, pos: { line, column, kids: new Map() } }
          : { value: [], pos: { line, column, kids: [] } };
      place(path, built.value, built.pos);
      stack.push(built);
    },
    scalar(value, path, line, column) {
      if (stack[stack.length - 1] === null) return;
      place(path, value, { line, column });
    },
    close(count) {
      stack.pop();
      const top = stack[stack.length - 1];
      // A stub is two frames: the placeholder and the skipped array itself.
      if (top?.stub !== undefined) {
        stubs.set(top.stub, count);
        stack.pop();
      }
    },
    duplicate(object, key, line, column, firstLine) {
      duplicates.push({
        object: toPointer(object),
        key,
        position: { line, column, pointer: toPointer([...object, key]) },
        firstLine,
      });
    },
  };
  const g = new Grammar(file, handler);
  await scan(chunks, g);
  if (!root) throw new InputError(file, 'invalid JSON: empty document', { line: 1, column: 1 });
  return { value: root.value, pos: root.pos, stubs, stubOccurrences, duplicates };
}

/**
 * Hands out, one at a time and in file order, the values at the paths where `wanted(path, occurrence)` holds
 * (nothing below a wanted value is asked about), each with its pointer and position tree. `occurrence` counts the
 * containers opened so far at the parent's pointer (2 for the items of the second of two "Vpcs" lists). The file
 * must already have passed `readOutline`.
 */
export async function readValues(
  file: string,
  chunks: AsyncIterable<string>,
  wanted: (path: Segment[], occurrence: number) => boolean,
  onValue: (pointer: string, value: unknown, pos: PosNode) => void,
): Promise<void> {
  // null: a container outside any wanted value (not built).
  const stack: (Built | null)[] = [];
  // Only containers outside wanted values are counted: documents and the lists in them, a handful per file.
  const opened = new Map<string, number>();
  const occurrence = (path: Segment[]) => opened.get(toPointer(path.slice(0, -1))) ?? 0;
  const handler: Handler = {
    open(kind, path, line, column) {
      const parent = stack[stack.length - 1];
      const inside = parent !== undefined && parent !== null;
      if (!inside && !wanted(path, occurrence(path))) {
        const p = toPointer(path);
        opened.set(p, (opened.get(p) ?? 0) + 1);
        return void stack.push(null);
      }
      const built: Built =
        kind === 'object'
          ? { value: {}, pos: { line, column, kids: new Map() } }
          : { value: [], pos: { line, column, kids: [] } };
      if (inside) attach(parent, path, built.value, built.pos);
      else built.emit = toPointer(path);
      stack.push(built);
    },
    scalar(value, path, line, column) {
      const parent = stack[stack.length - 1];
      if (parent) attach(parent, path, value, { line, column });
      else if (wanted(path, occurrence(path))) onValue(toPointer(path), value, { line, column });
    },
    close() {
      const done = stack.pop();
      if (done?.emit !== undefined) onValue(done.emit, done.value, done.pos);
    },
  };
  await scan(chunks, new Grammar(file, handler));
}
