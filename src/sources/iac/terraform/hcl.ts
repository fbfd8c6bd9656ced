/**
 * HCL source → a small expression tree with positions. tree-sitter-hcl (WASM, loaded on first use) gives a concrete
 * syntax tree with a line and column for every block, attribute and sub-expression, including the expressions that
 * hcl2json would flatten to "${…}" strings; one parser therefore serves both values and SARIF positions. The tree is
 * converted at once and freed: WASM memory does not grow with the number of files.
 */
import { createRequire } from 'node:module';
import type { Node as TsNode, Parser as TsParser } from 'web-tree-sitter';

export interface Pos {
  line: number;
  column: number;
}

export type ExprNode =
  | { k: 'lit'; v: string | number | boolean | null }
  | { k: 'tpl'; parts: (string | Expr)[] }
  | { k: 'var'; name: string }
  | { k: 'attr'; obj: Expr; name: string }
  | { k: 'index'; obj: Expr; key: Expr }
  /** `obj[*].a.b` / `obj.*.a`: the accessors after the splat apply to each element. */
  | { k: 'splat'; obj: Expr; each: (Expr & { k: 'attr' | 'index' })[] }
  | { k: 'tuple'; items: Expr[] }
  | { k: 'object'; items: { key: Expr; value: Expr }[] }
  | { k: 'call'; name: string; args: Expr[]; expand: boolean }
  | { k: 'cond'; test: Expr; then: Expr; else: Expr }
  | { k: 'unary'; op: string; operand: Expr }
  | { k: 'binary'; op: string; left: Expr; right: Expr }
  | {
      k: 'for';
      keyVar?: string;
      valVar: string;
      coll: Expr;
      keyExpr?: Expr;
      valExpr: Expr;
      cond?: Expr;
      object: boolean;
      group: boolean;
    }
  /** A placeholder used by the splat accessors for "the element". */
  | { k: 'hole' }
  /** Valid syntax cordon does not evaluate (template directives `%{ if }`…): unknown when evaluated. */
  | { k: 'opaque' };

export type Expr = ExprNode & Pos & { text: string };

export interface Attribute extends Pos {
  name: string;
  expr: Expr;
}

export interface Block extends Pos {
  type: string;
  labels: string[];
  body: Body;
}

export interface Body {
  attrs: Map<string, Attribute>;
  blocks: Block[];
}

export interface HclSyntaxError extends Pos {
  message: string;
}

export interface HclFile {
  body: Body;
  errors: HclSyntaxError[];
}

let parserPromise: Promise<TsParser> | undefined;

/** The tree-sitter parser with the HCL grammar; loaded once, on first use (a snapshot scan never loads it). */
function hclParser(): Promise<TsParser> {
  parserPromise ??= (async () => {
    const { Parser, Language } = await import('web-tree-sitter');
    await Parser.init();
    const require = createRequire(import.meta.url);
    const lang = await Language.load(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-hcl.wasm'));
    const parser = new Parser();
    parser.setLanguage(lang);
    return parser;
  })();
  return parserPromise;
}

const TEXT_LIMIT = 80;

/** Parses one HCL file. Blocks with a syntax error are dropped and reported; the rest of the file is kept. */
export async function parseHcl(source: string): Promise<HclFile> {
  const parser = await hclParser();
  const tree = parser.parse(source);
  if (!tree) return { body: emptyBody(), errors: [{ line: 1, column: 1, message: 'the HCL parser gave no tree' }] };
  try {
    const errors: HclSyntaxError[] = [];
    const root = tree.rootNode;
    const bodyNode = root.namedChildren.find((n) => n?.type === 'body');
    const conv = new Converter(source, errors);
    for (const c of root.namedChildren) if (c && c !== bodyNode && c.type !== 'comment') conv.syntaxErrors(c);
    const body = bodyNode ? conv.body(bodyNode, true) : emptyBody();
    return { body, errors };
  } finally {
    tree.delete();
  }
}

function emptyBody(): Body {
  return { attrs: new Map(), blocks: [] };
}

function posOf(n: TsNode): Pos {
  return { line: n.startPosition.row + 1, column: n.startPosition.column + 1 };
}

class Converter {
  constructor(
    private readonly source: string,
    private readonly errors: HclSyntaxError[],
  ) {}

  /** Records the first ERROR / MISSING node under `n`; true when there was one. */
  syntaxErrors(n: TsNode): boolean {
    if (!n.hasError && !n.isError && !n.isMissing) return false;
    const bad = findBad(n) ?? n;
    const near = bad.text.slice(0, 30).replace(/\s+/g, ' ');
    this.errors.push({
      ...posOf(bad),
      message: bad.isMissing
        ? `syntax error: missing ${JSON.stringify(bad.type)}`
        : `syntax error${near ? ` near ${JSON.stringify(near)}` : ''}`,
    });
    return true;
  }

  body(n: TsNode, topLevel: boolean): Body {
    const body = emptyBody();
    for (const c of n.namedChildren) {
      if (!c) continue;
      if (c.type === 'comment') continue;
      // A broken top-level block is dropped whole (its siblings are kept); nested errors drop their outer block.
      if (topLevel ? this.syntaxErrors(c) : c.hasError || c.isError) {
        if (!topLevel) throw new HclConvertError();
        continue;
      }
      try {
        if (c.type === 'attribute') {
          const name = c.namedChildren[0]!.text;
          const exprNode = c.namedChildren[1];
          if (!exprNode) continue;
          body.attrs.set(name, { name, expr: this.exprOrOpaque(exprNode), ...posOf(c) });
        } else if (c.type === 'block') {
          body.blocks.push(this.block(c));
        }
      } catch (err) {
        if (!(err instanceof HclConvertError)) throw err;
        if (topLevel && !this.syntaxErrors(c)) this.errors.push({ ...posOf(c), message: 'unsupported syntax' });
        else throw err;
      }
    }
    return body;
  }

  /** An attribute's value: valid syntax the converter does not know stays in the tree as an unknown. */
  private exprOrOpaque(n: TsNode): Expr {
    try {
      return this.expr(n);
    } catch (err) {
      if (!(err instanceof HclConvertError)) throw err;
      return this.mk(n, { k: 'opaque' });
    }
  }

  block(n: TsNode): Block {
    const kids = n.namedChildren.filter((c): c is TsNode => c !== null);
    const type = kids[0]!.text;
    const labels: string[] = [];
    let body = emptyBody();
    for (const c of kids.slice(1)) {
      if (c.type === 'string_lit') labels.push(this.stringLit(c));
      else if (c.type === 'identifier') labels.push(c.text);
      else if (c.type === 'body') body = this.body(c, false);
    }
    return { type, labels, body, ...posOf(n) };
  }

  stringLit(n: TsNode): string {
    const parts = this.templateParts(n);
    return parts.map((p) => (typeof p === 'string' ? p : '')).join('');
  }

  private mk(n: TsNode, e: ExprNode): Expr {
    const text = n.text.length > TEXT_LIMIT ? `${n.text.slice(0, TEXT_LIMIT)}…` : n.text;
    return { ...e, ...posOf(n), text };
  }

  /**
   * `test ? then : else`. HCL's conditional is right-associative (`a ? 1 : b ? 2 : 3` is `a ? 1 : (b ? 2 : 3)`, as
   * the terraform-aws-modules VPC module counts its NAT gateways), but tree-sitter-hcl groups it to the left,
   * `(a ? 1 : b) ? 2 : 3`, whose test is a number: every resource counted that way was "not known". An unparenthesized
   * conditional as the test is therefore rotated back: its else branch becomes the test of this one.
   */
  private conditional(n: TsNode, test: TsNode, then: Expr, otherwise: Expr): Expr {
    const inner = test.namedChildren.length === 1 ? test.namedChildren[0] : null;
    if (inner?.type === 'conditional') {
      const [c, x, e] = inner.namedChildren.filter((k): k is TsNode => k?.type === 'expression');
      if (c && x && e)
        return this.conditional(
          n,
          c,
          this.expr(x),
          this.mk(e, { k: 'cond', test: this.expr(e), then, else: otherwise }),
        );
    }
    return this.mk(n, { k: 'cond', test: this.expr(test), then, else: otherwise });
  }

  expr(n: TsNode): Expr {
    switch (n.type) {
      case 'expression':
        return this.sequence(
          n,
          n.namedChildren.filter((c): c is TsNode => c !== null && c.type !== 'comment'),
        );
      case 'literal_value':
        return this.expr(n.namedChildren[0]!);
      case 'numeric_lit':
        return this.mk(n, { k: 'lit', v: Number(n.text) });
      case 'bool_lit':
        return this.mk(n, { k: 'lit', v: n.text === 'true' });
      case 'null_lit':
        return this.mk(n, { k: 'lit', v: null });
      case 'string_lit':
      case 'quoted_template':
      case 'heredoc_template':
        return this.template(n);
      case 'template_expr':
        return this.expr(n.namedChildren[0]!);
      case 'variable_expr':
        return this.mk(n, { k: 'var', name: n.text });
      case 'collection_value':
        return this.expr(n.namedChildren[0]!);
      case 'tuple':
        return this.mk(n, {
          k: 'tuple',
          items: n.namedChildren.filter((c) => c?.type === 'expression').map((c) => this.expr(c)),
        });
      case 'object':
        return this.mk(n, {
          k: 'object',
          items: n.namedChildren
            .filter((c) => c?.type === 'object_elem')
            .map((c) => {
              const [key, value] = c.namedChildren.filter((x) => x?.type === 'expression') as [TsNode, TsNode];
              let k = this.expr(key);
              // A bare identifier as a key is the key's name, not a variable (HCL: `{ Name = "x" }`).
              if (k.k === 'var') k = { ...k, k: 'lit', v: k.name };
              return { key: k, value: this.expr(value) };
            }),
        });
      case 'function_call': {
        const kids = n.namedChildren.filter((c): c is TsNode => c !== null);
        const args = kids.find((c) => c.type === 'function_arguments');
        const argExprs = args?.namedChildren.filter((c) => c?.type === 'expression').map((c) => this.expr(c)) ?? [];
        const expand = args?.children.some((c) => c?.type === 'expand_final' || c?.text === '...') ?? false;
        return this.mk(n, { k: 'call', name: kids[0]!.text, args: argExprs, expand });
      }
      case 'conditional': {
        const [test, a, b] = n.namedChildren.filter((c): c is TsNode => c?.type === 'expression');
        return this.conditional(n, test!, this.expr(a!), this.expr(b!));
      }
      case 'operation':
        return this.expr(n.namedChildren[0]!);
      case 'unary_operation': {
        // Operands are not wrapped in an expression node: a primary followed by its accessors.
        const operand = n.children.filter((c): c is TsNode => c !== null && c.isNamed && c.type !== 'comment');
        return this.mk(n, { k: 'unary', op: n.children[0]!.text, operand: this.sequence(n, operand) });
      }
      case 'binary_operation': {
        // A parenthesized operand comes as `(`, its expression, `)` among the operation's own children
        // (`a && (b || c)`, the terraform-aws-modules VPC's subnet counts): the parentheses are grouping only.
        const kids = n.children.filter(
          (c): c is TsNode => c !== null && c.type !== 'comment' && c.type !== '(' && c.type !== ')',
        );
        const at = kids.findIndex((c) => !c.isNamed);
        if (at <= 0) throw new HclConvertError();
        return this.mk(n, {
          k: 'binary',
          op: kids[at]!.text,
          left: this.sequence(n, kids.slice(0, at)),
          right: this.sequence(n, kids.slice(at + 1)),
        });
      }
      case 'for_expr':
        return this.forExpr(n.namedChildren[0]!);
      case 'parenthesized_expression':
        return this.expr(n.namedChildren.find((c) => c?.type === 'expression')!);
      default:
        throw new HclConvertError();
    }
  }

  /** A primary expression followed by postfix accessors (get_attr, index, splat), as siblings. */
  private sequence(whole: TsNode, nodes: TsNode[]): Expr {
    if (nodes.length === 0) throw new HclConvertError();
    let e = this.expr(nodes[0]!);
    for (const post of nodes.slice(1)) e = this.postfix(whole, e, post);
    return e;
  }

  private forExpr(n: TsNode): Expr {
    const object = n.type === 'for_object_expr';
    const kids = n.namedChildren.filter((c): c is TsNode => c !== null);
    const intro = kids.find((c) => c.type === 'for_intro')!;
    const ids = intro.namedChildren.filter((c) => c?.type === 'identifier').map((c) => c.text);
    const coll = this.expr(intro.namedChildren.find((c) => c?.type === 'expression')!);
    const bodyExprs = kids.filter((c) => c.type === 'expression');
    const condNode = kids.find((c) => c.type === 'for_cond');
    const group = n.children.some((c) => c?.type === 'ellipsis' || c?.text === '...');
    return this.mk(n, {
      k: 'for',
      ...(ids.length === 2 ? { keyVar: ids[0]! } : {}),
      valVar: ids.at(-1)!,
      coll,
      ...(object ? { keyExpr: this.expr(bodyExprs[0]!) } : {}),
      valExpr: this.expr(object ? bodyExprs[1]! : bodyExprs[0]!),
      ...(condNode ? { cond: this.expr(condNode.namedChildren.find((c) => c?.type === 'expression')!) } : {}),
      object,
      group,
    });
  }

  private postfix(whole: TsNode, obj: Expr, post: TsNode): Expr {
    switch (post.type) {
      case 'get_attr':
        return { ...this.mk(whole, { k: 'attr', obj, name: post.namedChildren[0]!.text }), ...posOf(post) };
      case 'index': {
        const inner = post.namedChildren[0]!;
        if (inner.type === 'legacy_index') {
          const key: Expr = this.mk(inner, { k: 'lit', v: Number(inner.text.replace(/^\./, '')) });
          return this.mk(whole, { k: 'index', obj, key });
        }
        const keyNode = inner.namedChildren.find((c) => c?.type === 'expression')!;
        return this.mk(whole, { k: 'index', obj, key: this.expr(keyNode) });
      }
      case 'splat': {
        const s = post.namedChildren[0]!;
        const hole = this.mk(s, { k: 'hole' });
        const each: (Expr & { k: 'attr' | 'index' })[] = [];
        let cur = hole;
        for (const acc of s.namedChildren) {
          if (!acc) continue;
          cur = this.postfix(s, cur, acc);
          each.push(cur as Expr & { k: 'attr' | 'index' });
        }
        return this.mk(whole, { k: 'splat', obj, each: each.length ? [each.at(-1)!] : [] });
      }
      default:
        throw new HclConvertError();
    }
  }

  /** A quoted or heredoc template: literal text is read from the source (tree-sitter drops heredoc whitespace). */
  private template(n: TsNode): Expr {
    let parts: (string | Expr)[];
    try {
      parts = this.templateParts(n);
    } catch (err) {
      if (!(err instanceof HclConvertError)) throw err;
      return this.mk(n, { k: 'opaque' });
    }
    if (parts.length === 0) return this.mk(n, { k: 'lit', v: '' });
    if (parts.length === 1 && typeof parts[0] === 'string') return this.mk(n, { k: 'lit', v: parts[0] });
    return this.mk(n, { k: 'tpl', parts });
  }

  templateParts(n: TsNode): (string | Expr)[] {
    const heredoc = n.type === 'heredoc_template';
    const kids = n.children.filter((c): c is TsNode => c !== null);
    const interps = kids.filter((c) => c.type === 'template_interpolation' || c.type === 'template_directive');
    if (kids.some((c) => c.type === 'template_directive')) throw new HclConvertError();
    let start: number;
    let end: number;
    if (heredoc) {
      const ids = kids.filter((c) => c.type === 'heredoc_identifier');
      const open = ids[0]!;
      const close = ids.at(-1)!;
      if (ids.length < 2) return [];
      start = this.source.indexOf('\n', open.endIndex) + 1;
      end = this.source.lastIndexOf('\n', close.startIndex) + 1;
      if (end < start) end = start;
    } else {
      const open = kids.find((c) => c.type === 'quoted_template_start');
      const close = kids.findLast((c) => c.type === 'quoted_template_end');
      start = open ? open.endIndex : n.startIndex;
      end = close ? close.startIndex : n.endIndex;
    }
    const strip = heredoc && kids.some((c) => c.type === 'heredoc_start' && c.text === '<<-');
    const raw: (string | Expr)[] = [];
    let at = start;
    for (const i of interps) {
      if (i.startIndex > at)
        raw.push(this.source.slice(byteToChar(this.source, at), byteToChar(this.source, i.startIndex)));
      const e = i.namedChildren.find((c) => c?.type === 'expression');
      if (!e) throw new HclConvertError();
      raw.push(this.expr(e));
      at = i.endIndex;
    }
    if (end > at) raw.push(this.source.slice(byteToChar(this.source, at), byteToChar(this.source, end)));
    const literals = raw.map((p) => (typeof p === 'string' ? (heredoc ? heredocText(p) : unescapeQuoted(p)) : p));
    return strip ? dedent(literals) : literals;
  }
}

class HclConvertError extends Error {}

/**
 * tree-sitter's indices are byte offsets of the UTF-8 text given to it; in web-tree-sitter a JS string is parsed as
 * UTF-16, so indices are code units already. Kept as a function so the one place to change is obvious.
 */
function byteToChar(_source: string, i: number): number {
  return i;
}

function findBad(n: TsNode): TsNode | undefined {
  if (n.isError || n.isMissing) return n;
  for (const c of n.children) if (c && (c.hasError || c.isError || c.isMissing)) return findBad(c) ?? c;
  return undefined;
}

function heredocText(s: string): string {
  return s.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
}

function unescapeQuoted(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|\$\$\{|%%\{/g, (m, esc: string | undefined) => {
    if (m === '$${') return '${';
    if (m === '%%{') return '%{';
    switch (esc?.[0]) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case '"':
        return '"';
      case '\\':
        return '\\';
      case 'u':
      case 'U':
        return String.fromCodePoint(parseInt(esc.slice(1), 16));
      default:
        return m;
    }
  });
}

/** `<<-` heredocs: the smallest indentation of the non-empty lines is removed from every line. */
function dedent(parts: (string | Expr)[]): (string | Expr)[] {
  const text = parts.map((p) => (typeof p === 'string' ? p : '\u0000')).join('');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const indent = Math.min(...lines.map((l) => /^[ \t]*/.exec(l)![0].length));
  if (!Number.isFinite(indent) || indent === 0) return parts;
  let atLineStart = true;
  return parts.map((p) => {
    if (typeof p !== 'string') {
      atLineStart = false;
      return p;
    }
    const out = p
      .split('\n')
      .map((l, i) => {
        const start = i > 0 || atLineStart;
        return start ? l.replace(new RegExp(`^[ \\t]{0,${indent}}`), '') : l;
      })
      .join('\n');
    atLineStart = p.endsWith('\n');
    return out;
  });
}
