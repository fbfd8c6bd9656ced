/**
 * Operator precedence, restored. tree-sitter-bicep 1.1.0 (the only published version) gives member access and
 * indexing the lowest precedence: `!cfg.enabled` arrives as `(!cfg).enabled`, `a && lock.?kind != 'None'` as
 * `((a && lock).kind) != 'None'`, `c ? x : y.z` as `(c ? x : y).z`. Bicep, like every C-family language, binds them
 * tightest. The grammar's tree still holds every operand and operator in source order, so an operator expression is
 * flattened back into that order and parsed again with Bicep's precedence table (learn.microsoft.com, "Bicep
 * operators": `. [] ::`, then unary `! -`, `* / %`, `+ -`, comparisons, equality, `&&`, `||`, `??`, `?:`).
 * Parenthesized expressions, calls, literals, arrays and objects are operands and keep their own trees.
 */
import type { Node } from 'web-tree-sitter';

/** A member or index step after an operand: `.x`, `.?x`, `[i]`, `[?i]`. */
export interface PostfixStep {
  kind: 'member' | 'index';
  /** The property name (member) or the index expression's node (index). */
  name?: string;
  index?: Node;
  safe: boolean;
}

export type OpTree =
  | { k: 'chain'; root: Node; steps: PostfixStep[] }
  | { k: 'binary'; op: string; left: OpTree; right: OpTree; node: Node }
  | { k: 'unary'; op: string; arg: OpTree; node: Node }
  | { k: 'ternary'; cond: OpTree; then: OpTree; else: OpTree };

type Token =
  | { t: 'operand'; node: Node }
  | { t: 'postfix'; step: PostfixStep }
  | { t: 'binary'; op: string; node: Node }
  | { t: 'unary'; op: string; node: Node }
  | { t: '?' }
  | { t: ':' };

const BINARY_PRECEDENCE: Record<string, number> = {
  '??': 1,
  '||': 2,
  '&&': 3,
  '==': 4,
  '!=': 4,
  '=~': 4,
  '!~': 4,
  '<': 5,
  '<=': 5,
  '>': 5,
  '>=': 5,
  '+': 6,
  '-': 6,
  '*': 7,
  '/': 7,
  '%': 7,
};

/** Node types whose tree the grammar may have associated wrongly. */
export const OPERATOR_NODES = new Set([
  'binary_expression',
  'unary_expression',
  'ternary_expression',
  'member_expression',
  'subscript_expression',
]);

const firstNamed = (n: Node): Node | undefined => n.namedChildren.find((c): c is Node => c !== null);

function flatten(n: Node, out: Token[]): boolean {
  switch (n.type) {
    case 'binary_expression': {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      const op = n.childForFieldName('operator')?.text;
      if (!l || !r || !op) return false;
      if (!flatten(l, out)) return false;
      out.push({ t: 'binary', op, node: n });
      return flatten(r, out);
    }
    case 'unary_expression': {
      const op = n.childForFieldName('operator')?.text ?? n.children[0]?.text;
      const arg = n.childForFieldName('argument') ?? firstNamed(n);
      if (!arg || !op) return false;
      out.push({ t: 'unary', op, node: n });
      return flatten(arg, out);
    }
    case 'ternary_expression': {
      const c = n.childForFieldName('condition');
      const a = n.childForFieldName('consequence');
      const b = n.childForFieldName('alternative');
      if (!c || !a || !b) return false;
      if (!flatten(c, out)) return false;
      out.push({ t: '?' });
      if (!flatten(a, out)) return false;
      out.push({ t: ':' });
      return flatten(b, out);
    }
    case 'member_expression': {
      const of = n.childForFieldName('object') ?? firstNamed(n);
      if (!of || !flatten(of, out)) return false;
      const name = n.childForFieldName('property')?.text ?? '';
      out.push({ t: 'postfix', step: { kind: 'member', name, safe: n.children.some((c) => c?.type === '.?') } });
      return true;
    }
    case 'subscript_expression': {
      const of = n.childForFieldName('object') ?? firstNamed(n);
      const index = n.childForFieldName('index') ?? n.namedChildren[1] ?? undefined;
      if (!of || !index || !flatten(of, out)) return false;
      out.push({ t: 'postfix', step: { kind: 'index', index, safe: n.children.some((c) => c?.type === '?') } });
      return true;
    }
    default:
      out.push({ t: 'operand', node: n });
      return true;
  }
}

/** The expression `n` (an operator node) with Bicep's precedence, or undefined when its tree is incomplete. */
export function reassociate(n: Node): OpTree | undefined {
  const tokens: Token[] = [];
  if (!flatten(n, tokens)) return undefined;
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const fail = (): never => {
    throw new Error('incomplete');
  };
  const unary = (): OpTree => {
    const tok = tokens[i++] ?? fail();
    if (tok.t === 'unary') return { k: 'unary', op: tok.op, arg: unary(), node: tok.node };
    if (tok.t !== 'operand') return fail();
    const steps: PostfixStep[] = [];
    for (let p = peek(); p?.t === 'postfix'; p = peek()) {
      steps.push(p.step);
      i++;
    }
    return { k: 'chain', root: tok.node, steps };
  };
  const binary = (min: number): OpTree => {
    let lhs = unary();
    for (let p = peek(); p?.t === 'binary'; p = peek()) {
      const prec = BINARY_PRECEDENCE[p.op] ?? 1;
      if (prec < min) break;
      i++;
      lhs = { k: 'binary', op: p.op, left: lhs, right: binary(prec + 1), node: p.node };
    }
    return lhs;
  };
  const ternary = (): OpTree => {
    const cond = binary(1);
    if (peek()?.t !== '?') return cond;
    i++;
    const then = ternary();
    if (tokens[i++]?.t !== ':') fail();
    return { k: 'ternary', cond, then, else: ternary() };
  };
  try {
    const tree = ternary();
    return i === tokens.length ? tree : undefined;
  } catch {
    return undefined;
  }
}
