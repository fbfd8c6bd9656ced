/**
 * The ARM template expression language ("[resourceId('Microsoft.Network/virtualNetworks', parameters('name'))]"):
 * a parser to a small syntax tree and the values expressions evaluate to. A value that cannot be known before deploy
 * is an `Unknown` that carries its canonical text (the expression with every known part filled in), so the same
 * unknown name renders the same resource id wherever it is used, and the cause naming the first unknown input.
 */

export type Expr =
  | { k: 'lit'; v: string | number | boolean | null }
  | { k: 'call'; name: string; args: Expr[] }
  | { k: 'prop'; of: Expr; name: string }
  | { k: 'index'; of: Expr; index: Expr };

/** A value known only at deploy time. `text` renders it; `cause` says why it is unknown and where. */
export class Unknown {
  constructor(
    readonly text: string,
    readonly cause: string,
    /**
     * The string as far as it is known, unknown parts as "[expression]" (a concat of known and unknown parts): a
     * name `concat(vnet, '/', guid(…))` keeps its known segments, so a child resource still has its parent.
     */
    readonly partial?: string,
  ) {}
}

/**
 * How an unknown string appears in a resource name or id: its known parts, the rest as "[expression]". A slash inside
 * the expression (`uniqueString(resourceGroup().id)` renders the group's id) is shown as "∕" (U+2215), so the id
 * keeps its segments and parses like any other.
 */
export function renderUnknownName(u: Unknown): string {
  return u.partial ?? `[${u.text.replace(/\//g, '\u2215')}]`;
}

export type Value = null | boolean | number | string | Unknown | Value[] | { [key: string]: Value };
export type ObjectValue = { [key: string]: Value };

export class ExpressionError extends Error {
  constructor(
    message: string,
    /** Character offset in the expression text (after the opening bracket). */
    readonly offset?: number,
  ) {
    super(message);
  }
}

/** A JSON string is an expression when it is bracketed; "[[" escapes a literal leading bracket. */
export function isExpression(s: string): boolean {
  return s.length >= 2 && s.startsWith('[') && s.endsWith(']') && !s.startsWith('[[');
}

/** The literal a "[[…]" string stands for. */
export function unescapeLiteral(s: string): string {
  return s.startsWith('[[') ? s.slice(1) : s;
}

/** Parses the text inside the brackets. */
export function parseExpression(src: string): Expr {
  let i = 0;
  const ws = () => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  const fail = (what: string): never => {
    throw new ExpressionError(`${what} at character ${i + 1} of the expression`, i);
  };
  const expect = (c: string) => {
    ws();
    if (src[i] !== c) fail(`expected "${c}"`);
    i++;
  };
  const ident = (): string => {
    const m = /^[A-Za-z_$][A-Za-z0-9_$]*/.exec(src.slice(i));
    if (!m) return fail('expected a name');
    i += m[0].length;
    return m[0];
  };
  const primary = (): Expr => {
    ws();
    const c = src[i];
    if (c === undefined) return fail('unexpected end');
    if (c === "'") {
      let out = '';
      i++;
      for (;;) {
        if (i >= src.length) fail('unterminated string');
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            out += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        out += src[i++];
      }
      return { k: 'lit', v: out };
    }
    const num = /^-?\d+(\.\d+)?/.exec(src.slice(i));
    if (num) {
      i += num[0].length;
      return { k: 'lit', v: Number(num[0]) };
    }
    let name = ident();
    ws();
    // A user-defined function's namespace: ns.fn(…)
    const ns = /^\.\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(/.exec(src.slice(i));
    if (ns) {
      name = `${name}.${ns[1]}`;
      i += ns[0].length - 1;
      ws();
    }
    if (src[i] !== '(') {
      const lower = name.toLowerCase();
      if (lower === 'true' || lower === 'false') return { k: 'lit', v: lower === 'true' };
      if (lower === 'null') return { k: 'lit', v: null };
      return fail(`expected "(" after ${name}`);
    }
    i++;
    const args: Expr[] = [];
    ws();
    if (src[i] === ')') i++;
    else {
      for (;;) {
        args.push(postfix());
        ws();
        if (src[i] === ',') {
          i++;
          continue;
        }
        expect(')');
        break;
      }
    }
    return { k: 'call', name, args };
  };
  const postfix = (): Expr => {
    let e = primary();
    for (;;) {
      ws();
      if (src[i] === '.') {
        i++;
        ws();
        e = { k: 'prop', of: e, name: ident() };
      } else if (src[i] === '[') {
        i++;
        const index = postfix();
        expect(']');
        e = { k: 'index', of: e, index };
      } else return e;
    }
  };
  const e = postfix();
  ws();
  if (i < src.length) fail('unexpected text');
  return e;
}

/** Canonical text of a value inside an expression (for Unknown texts and resource ids built from them). */
export function renderValue(v: Value): string {
  if (v instanceof Unknown) return v.text;
  if (typeof v === 'string') return `'${v.replace(/'/g, "''")}'`;
  if (v === null || typeof v !== 'object') return String(v);
  return JSON.stringify(v, (_k, x: unknown) => (x instanceof Unknown ? `[${x.text}]` : x));
}

/** ARM expression text of an expression tree (what goes between the brackets). */
export function renderExpr(e: Expr): string {
  switch (e.k) {
    case 'lit':
      return renderValue(e.v);
    case 'call':
      return `${e.name}(${e.args.map(renderExpr).join(', ')})`;
    case 'prop':
      return `${renderExpr(e.of)}.${e.name}`;
    case 'index':
      return `${renderExpr(e.of)}[${renderExpr(e.index)}]`;
  }
}

/** The first Unknown anywhere inside a value. */
export function findUnknown(v: Value): Unknown | undefined {
  if (v instanceof Unknown) return v;
  if (Array.isArray(v)) {
    for (const x of v) {
      const u = findUnknown(x);
      if (u) return u;
    }
  } else if (v !== null && typeof v === 'object') {
    for (const x of Object.values(v)) {
      const u = findUnknown(x);
      if (u) return u;
    }
  }
  return undefined;
}

export function isObjectValue(v: Value): v is ObjectValue {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Unknown);
}

/** ARM property names are case-insensitive. */
export function getProperty(o: ObjectValue, name: string): Value | undefined {
  if (Object.prototype.hasOwnProperty.call(o, name)) return o[name];
  const lower = name.toLowerCase();
  for (const k of Object.keys(o)) if (k.toLowerCase() === lower) return o[k];
  return undefined;
}
