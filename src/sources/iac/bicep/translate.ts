/**
 * Translates one Bicep file (its tree-sitter-bicep syntax tree) into the ARM JSON template `bicep build` would give
 * for the parts cordon reads, with the source position of every value, so the ARM evaluator does the rest (one
 * semantics for both). Mapped: `targetScope`, `param` (defaults; nullable parameters default to null), `var`,
 * `resource` (type@apiVersion, `parent`, nested child resources, `existing`, `scope` of existing resources, `if`
 * conditions, `for` loops), `module` (local files become linked templates with their parameters; registry modules
 * links by URI, read from the module cache: registry.ts), string interpolation, operators and the function calls ARM knows. Symbolic references
 * become what they stand for: `vnet.id` the resource id, `vnet.name` its name, `vnet.properties.x` the value the file
 * declares (a declared embedded child's `id` included), anything else (runtime properties, module outputs, lambdas)
 * an unknown naming the expression and its line.
 */
import type { Node } from 'web-tree-sitter';
import { reassociate, type OpTree } from './precedence.js';
import { SPREAD_KEY } from './mask.js';
import type { SourcePosition } from '../../../util/errors.js';
import { renderExpr, Unknown, type Expr, type Value } from '../arm/expression.js';

export interface BicepTranslation {
  template: Record<string, unknown>;
  /** Position of each JSON value built from the source, by JSON pointer into `template`. */
  positions: Map<string, SourcePosition>;
  /** Local module paths as written (relative to this file). */
  modules: string[];
  errors: { position: SourcePosition; message: string }[];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const esc = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');
const lit = (v: string | number | boolean | null): Expr => ({ k: 'lit', v });
const call = (name: string, ...args: Expr[]): Expr => ({ k: 'call', name, args });

/**
 * The names an import binds: `import * as ns` binds the namespace (exported undefined: every variable);
 * `import { a, b as c }` binds a and c to the exported a and b. Nodes are compared by position, not identity.
 */
function importBindings(d: Node): { bound: string; exported?: string }[] {
  const ids = named(d).filter((c) => c.type === 'identifier');
  if (d.children.some((c) => c?.text === '*')) return ids[0] ? [{ bound: ids[0].text }] : [];
  const out: { bound: string; exported?: string }[] = [];
  for (let i = 0; i < ids.length; i++) {
    const name = ids[i]!;
    const at = d.children.findIndex((c) => c?.startIndex === name.startIndex);
    const alias = d.children[at + 1]?.text === 'as' ? ids[++i] : undefined;
    out.push({ bound: (alias ?? name).text, exported: name.text });
  }
  return out;
}

/** An evaluated value as an expression: literals, arrays and objects built, unknowns still unknown. */
function valueExpr(v: Value): Expr {
  if (v instanceof Unknown) return call('cordonUnknown', lit(v.text), lit(v.cause));
  if (Array.isArray(v)) return call('createArray', ...v.map(valueExpr));
  if (v !== null && typeof v === 'object')
    return call('createObject', ...Object.entries(v).flatMap(([k, x]) => [lit(k), valueExpr(x)]));
  return lit(v);
}

/** A JSON value for an expression: literals stay literal (a bracketed literal string is escaped). */
function jsonOf(e: Expr): Json {
  if (e.k === 'lit') {
    if (typeof e.v === 'string' && e.v.startsWith('[') && e.v.endsWith(']')) return `[${e.v}`;
    return e.v;
  }
  return `[${renderExpr(e)}]`;
}

interface Symbol {
  kind: 'param' | 'var' | 'resource' | 'module';
  node: Node;
  /** resource: type without api version, body object, parent symbol name, existing flag, loop. */
  type?: string;
  body?: Node;
  parent?: string;
  /** `parent: pes[i]`: the instance of a loop parent, by its index expression. */
  parentIndex?: Node;
  existing?: boolean;
  loop?: { item?: string; index?: string; collection: Node };
  /** Where an existing resource lives: resourceGroup('rg') / resourceGroup('sub', 'rg'). */
  scopeArgs?: Node[];
}

/** An object property that stands for a spread (`...x`, masked as the key SPREAD_KEY). */
function isSpread(p: Node): boolean {
  const k = p.namedChildren[0];
  return k?.type === 'identifier' && k.text === SPREAD_KEY;
}

/** A step of a member chain: `.x`, `[i]`, or their safe forms `.?x`, `[?i]`. */
type Step = string | Expr | { safe: string | Expr };
const isSafe = (p: Step): p is { safe: string | Expr } => typeof p === 'object' && 'safe' in p;

const BINARY: Record<string, string> = {
  '==': 'equals',
  '&&': 'and',
  '||': 'or',
  '<': 'less',
  '>': 'greater',
  '<=': 'lessOrEquals',
  '>=': 'greaterOrEquals',
  '+': 'add',
  '-': 'sub',
  '*': 'mul',
  '/': 'div',
  '%': 'mod',
  '??': 'coalesce',
};

const pos = (n: Node): SourcePosition => ({ line: n.startPosition.row + 1, column: n.startPosition.column + 1 });

function named(n: Node): Node[] {
  return n.namedChildren.filter(
    (c): c is Node => c !== null && c.type !== 'comment' && c.type !== 'diagnostic_comment',
  );
}

function firstNamed(n: Node, type: string): Node | undefined {
  return named(n).find((c) => c.type === type);
}

/** The value node of `key: value` in an object node. */
function property(obj: Node | undefined, key: string): Node | undefined {
  if (!obj || obj.type !== 'object') return undefined;
  for (const p of named(obj)) {
    if (p.type !== 'object_property') continue;
    const [k, v] = named(p);
    if (k && v && keyOf(k) === key) return v;
  }
  return undefined;
}

function keyOf(k: Node): string | undefined {
  if (k.type === 'identifier' || k.type === 'compatible_identifier') return k.text;
  if (k.type === 'string' && !named(k).some((c) => c.type === 'interpolation')) return stringLiteral(k);
  return undefined;
}

const ESCAPES: Record<string, string> = { "\\'": "'", '\\\\': '\\', '\\n': '\n', '\\r': '\r', '\\t': '\t', '\\$': '$' };

function decodeEscape(t: string): string {
  const u = /^\\u\{([0-9a-fA-F]+)\}$/.exec(t);
  if (u) return String.fromCodePoint(parseInt(u[1]!, 16));
  return ESCAPES[t] ?? t.slice(1);
}

/** The text of a string without interpolation. */
function stringLiteral(n: Node): string {
  return named(n)
    .map((c) => (c.type === 'escape_sequence' ? decodeEscape(c.text) : c.text))
    .join('');
}

/** A one-argument call `f(x)` that tree-sitter-bicep 1.1 reads, in a single-line array, as `f` and `(x)`. */
interface SplitCall {
  call: Node;
  args: Node;
}

/**
 * The items of an array. tree-sitter-bicep 1.1 predates comma-separated single-line arrays (`[ toLower(a), b ]`) and
 * parses `toLower(a)` there as two items, an identifier and a parenthesized expression on the same line with no comma
 * between them — which no valid array has — so such a pair is read back as the call it is.
 */
function arrayItems(n: Node): (Node | SplitCall)[] {
  const items = named(n);
  const out: (Node | SplitCall)[] = [];
  for (let i = 0; i < items.length; i++) {
    const a = items[i]!;
    const b = items[i + 1];
    if (
      a.type === 'identifier' &&
      b?.type === 'parenthesized_expression' &&
      a.endIndex === b.startIndex &&
      a.endPosition.row === b.startPosition.row
    ) {
      out.push({ call: a, args: b });
      i++;
    } else out.push(a);
  }
  return out;
}

export class BicepTranslator {
  private readonly symbols = new Map<string, Symbol>();
  /** The keys of the resources whose bodies are being translated, outermost first (see `resolve`). */
  private readonly scopes: string[] = [];
  private readonly positions = new Map<string, SourcePosition>();
  private readonly errors: BicepTranslation['errors'] = [];
  private readonly modules: string[] = [];
  private level: 'resourceGroup' | 'subscription' | 'managementGroup' | 'tenant' = 'resourceGroup';

  constructor(
    private readonly root: Node,
    private readonly file: string,
    /** The text of a file `loadJsonContent` / `loadTextContent` names (relative to this file), if it can be read. */
    private readonly content: (relative: string) => string | undefined = () => undefined,
    /**
     * The variables of a Bicep file an `import` statement names (relative to this file), evaluated: what its
     * `@export()` variables hold at compile time. Undefined when the file cannot be read.
     */
    private readonly imported: (relative: string) => Map<string, Value> | undefined = () => undefined,
  ) {}

  private where(n: Node): string {
    return `${this.file}:${n.startPosition.row + 1}`;
  }

  private unknown(n: Node, cause: string): Expr {
    const text = n.text.length > 120 ? `${n.text.slice(0, 117)}...` : n.text;
    return call('cordonUnknown', lit(text.replace(/\s+/g, ' ')), lit(`${cause} (${this.where(n)})`));
  }

  translate(): BicepTranslation {
    this.collectErrors(this.root);
    const decls = named(this.root);
    for (const d of decls) this.declare(d, undefined);
    const parameters: Record<string, Json> = {};
    const variables: Record<string, Json> = {};
    const resources: Record<string, Json> = {};
    const outputs: Record<string, Json> = {};
    for (const d of decls) {
      if (d.hasError) {
        this.unreadable(d, resources);
        continue;
      }
      try {
        switch (d.type) {
          case 'target_scope_assignment': {
            const s = firstNamed(d, 'string');
            const v = s ? stringLiteral(s) : '';
            if (v === 'subscription' || v === 'managementGroup' || v === 'tenant' || v === 'resourceGroup')
              this.level = v;
            break;
          }
          case 'parameter_declaration': {
            const [id, type, def] = named(d);
            if (!id) break;
            const at = `/parameters/${esc(id.text)}`;
            this.positions.set(at, pos(d));
            const nullable = type?.descendantsOfType('nullable_type').length ?? 0;
            parameters[id.text] = {
              type: type?.text ?? 'object',
              ...(def
                ? { defaultValue: this.json(def, new Map(), `${at}/defaultValue`) }
                : nullable
                  ? { defaultValue: null }
                  : {}),
            };
            break;
          }
          case 'import_functionality': {
            // Compile-time imports (`import * as ns from 'f.bicep'`, `import { a, b as c } from 'f.bicep'`): `bicep
            // build` inlines the exported variables, so they are variables of this template.
            const from = firstNamed(d, 'string');
            const values = from ? this.imported(stringLiteral(from)) : undefined;
            const missing = `${from?.text ?? 'a file'} cannot be read, so what it exports is not known`;
            for (const { bound, exported } of importBindings(d)) {
              const at = `/variables/${esc(bound)}`;
              this.positions.set(at, pos(d));
              // A namespace is every variable of the file; a name is one of them.
              const v = exported === undefined ? values && Object.fromEntries(values) : values?.get(exported);
              const why = values ? `${from?.text ?? 'the file'} exports no variable ${exported} cordon read` : missing;
              variables[bound] = jsonOf(v === undefined ? this.unknown(d, why) : valueExpr(v));
            }
            break;
          }
          case 'variable_declaration': {
            const [id, value] = named(d);
            if (!id || !value) break;
            const at = `/variables/${esc(id.text)}`;
            this.positions.set(at, pos(d));
            variables[id.text] = this.json(value, new Map(), at);
            break;
          }
          case 'resource_declaration':
          case 'module_declaration':
            this.resource(d, resources);
            break;
          case 'output_declaration': {
            const [id, type, value] = named(d);
            if (!id || !value) break;
            const at = `/outputs/${esc(id.text)}`;
            this.positions.set(at, pos(d));
            outputs[id.text] = { type: type?.text ?? 'object', value: this.json(value, new Map(), `${at}/value`) };
            break;
          }
        }
      } catch (err) {
        this.errors.push({ position: pos(d), message: `${(err as Error).message}; declaration skipped` });
        // What it would deploy is not known: charged as such, never left out unseen.
        this.unreadable(d, resources, 'could not be read');
      }
    }
    const schema = {
      resourceGroup: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
      subscription: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
      managementGroup: 'https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#',
      tenant: 'https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#',
    }[this.level];
    this.positions.set('', { line: 1, column: 1 });
    return {
      template: {
        $schema: schema,
        languageVersion: '2.0',
        contentVersion: '1.0.0.0',
        parameters,
        variables,
        resources,
        outputs,
      },
      positions: this.positions,
      modules: this.modules,
      errors: this.errors,
    };
  }

  /**
   * A resource or module declaration with a syntax error is not read, but what it declares is not known either: its
   * type (when the type string survived) is charged as not known, like a resource whose condition is unknown.
   */
  private unreadable(d: Node, out: Record<string, Json>, why = 'has a syntax error'): void {
    if (d.type !== 'resource_declaration' && d.type !== 'module_declaration') return;
    const [id] = named(d);
    const typeNode = firstNamed(d, 'string');
    if (!id || id.type !== 'identifier' || !typeNode) return;
    const at = `/resources/${esc(id.text)}`;
    const condition = jsonOf(this.unknown(d, `declaration ${id.text} ${why}, so what it deploys is not known`));
    if (d.type === 'module_declaration') {
      // A local module: its resources are charged as not known through the deployment's unknown condition.
      const path = stringLiteral(typeNode);
      if (path === '' || /^(br|ts)[:/]/i.test(path)) return;
      if (!this.modules.includes(path)) this.modules.push(path);
      this.positions.set(at, pos(d));
      out[id.text] = {
        type: 'Microsoft.Resources/deployments',
        name: id.text,
        condition,
        properties: {
          mode: 'Incremental',
          expressionEvaluationOptions: { scope: 'inner' },
          templateLink: { relativePath: path },
          parameters: {},
        },
      };
      return;
    }
    const type = stringLiteral(typeNode).split('@')[0];
    if (!type || !/^[^/]+\.[^/]+\/./.test(type)) return;
    this.positions.set(at, pos(d));
    out[id.text] = { type, name: id.text, condition };
  }

  private collectErrors(n: Node): void {
    if (!n.hasError && !n.isMissing) return;
    if (n.isError || n.isMissing) {
      const near = n.text.length > 40 ? `${n.text.slice(0, 40)}…` : n.text;
      this.errors.push({
        position: pos(n),
        message: n.isMissing ? `syntax error: missing ${n.type}` : `syntax error near ${JSON.stringify(near)}`,
      });
      if (this.errors.length >= 20) return;
      return;
    }
    for (const c of n.children) if (c && this.errors.length < 20) this.collectErrors(c);
  }

  /**
   * The symbol a bare name means where it is written: a nested resource is visible by its bare name only inside its
   * parent's body (innermost first), so two parents' children of one name (`resource link 'virtualNetworkLinks'` in
   * every private DNS zone of a file) stay apart.
   */
  private resolve(name: string): string {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const key = `${this.scopes[i]}::${name}`;
      if (this.symbols.has(key)) return key;
    }
    return name;
  }

  /** Records a declaration's symbol (nested resources under `parent::name`, the key Bicep's accessor writes). */
  private declare(d: Node, parentKey: string | undefined): void {
    if (d.type === 'import_functionality') {
      // The names an import binds are variables of this template (translate()).
      for (const { bound } of importBindings(d)) this.symbols.set(bound, { kind: 'var', node: d });
      return;
    }
    const [id] = named(d);
    if (!id || id.type !== 'identifier') return;
    switch (d.type) {
      case 'parameter_declaration':
        this.symbols.set(id.text, { kind: 'param', node: d });
        return;
      case 'variable_declaration':
        this.symbols.set(id.text, { kind: 'var', node: d });
        return;
      case 'module_declaration':
        this.symbols.set(id.text, { kind: 'module', node: d });
        return;
      case 'resource_declaration': {
        const typeNode = firstNamed(d, 'string');
        let type = typeNode ? stringLiteral(typeNode).split('@')[0]! : '';
        const parentSym = parentKey ? this.symbols.get(parentKey) : undefined;
        if (parentSym?.type && !/^[^/]+\.[^/]+\//.test(type)) type = `${parentSym.type}/${type}`;
        const { body, loop } = this.bodyOf(d);
        const parentProp = property(body, 'parent');
        const sym: Symbol = {
          kind: 'resource',
          node: d,
          type,
          ...(body ? { body } : {}),
          existing: d.children.some((c) => c?.type === 'existing'),
          ...(loop ? { loop } : {}),
        };
        if (parentKey) sym.parent = parentKey;
        else if (parentProp?.type === 'identifier') sym.parent = parentProp.text;
        // `parent: account::blobServices` (a nested existing resource, how AVM child modules name their parent)
        else if (parentProp?.type === 'resource_expression') {
          const name = this.symbolName(parentProp);
          if (name !== undefined) sym.parent = name;
        }
        // `parent: pes[i]` (a child per instance of a loop resource, the usual DNS zone group of each endpoint).
        else if (parentProp?.type === 'subscript_expression') {
          const [of, index] = named(parentProp);
          if (of?.type === 'identifier' && index) {
            sym.parent = of.text;
            sym.parentIndex = index;
          }
        }
        const scope = property(body, 'scope');
        if (scope?.type === 'call_expression') {
          const fn = this.functionName(scope);
          if (fn === 'resourcegroup') sym.scopeArgs = this.argNodes(scope);
        }
        const key = parentKey ? `${parentKey}::${id.text}` : id.text;
        this.symbols.set(key, sym);
        if (body)
          for (const p of named(body))
            if (p.type === 'object_property') {
              const nested = named(p).find((c) => c.type === 'resource_declaration');
              if (nested) this.declare(nested, key);
            }
        return;
      }
    }
  }

  private bodyOf(d: Node): { body?: Node; condition?: Node; loop?: Symbol['loop'] } {
    let value = named(d).at(-1);
    let loop: Symbol['loop'];
    let condition: Node | undefined;
    if (value?.type === 'for_statement') {
      const params = firstNamed(value, 'for_loop_parameters');
      const item = params ? firstNamed(params, 'loop_variable')?.text : value.childForFieldName('initializer')?.text;
      const index = params ? firstNamed(params, 'loop_enumerator')?.text : undefined;
      const parts = named(value).filter((c) => c.type !== 'for_loop_parameters');
      const collection = params ? parts[0] : parts[1];
      const body = value.childForFieldName('body') ?? parts.at(-1);
      if (collection) loop = { ...(item ? { item } : {}), ...(index ? { index } : {}), collection };
      value = body ?? undefined;
    }
    if (value?.type === 'if_statement') {
      const [cond, body] = named(value);
      condition = cond;
      value = body;
    }
    return {
      ...(value?.type === 'object' ? { body: value } : {}),
      ...(condition ? { condition } : {}),
      ...(loop ? { loop } : {}),
    };
  }

  private functionName(n: Node): string {
    const f = n.childForFieldName('function') ?? named(n)[0];
    if (!f) return '';
    const name = f.type === 'member_expression' ? (f.childForFieldName('property')?.text ?? '') : f.text;
    return name.toLowerCase();
  }

  private argNodes(n: Node): Node[] {
    const args = n.childForFieldName('arguments') ?? firstNamed(n, 'arguments');
    return args ? named(args) : [];
  }

  /** The name of a resource as an expression, with its parents' names ("vnet/subnet"). */
  private names(symName: string, env: Map<string, Expr>, depth = 0): Expr[] {
    const sym = this.symbols.get(symName);
    if (!sym || depth > 8) return [];
    const nameNode = property(sym.body, 'name');
    const own = nameNode ? this.expr(nameNode, env) : lit(symName);
    if (!sym.parent) return [own];
    // A loop parent's instance: its name in its own loop's environment at that index.
    const parent = this.symbols.get(sym.parent);
    const parentEnv =
      sym.parentIndex && parent?.loop ? this.loopEnv(parent, this.expr(sym.parentIndex, env), env) : env;
    return [...this.names(sym.parent, parentEnv, depth + 1), own];
  }

  private joinNames(parts: Expr[]): Expr {
    if (parts.every((p) => p.k === 'lit')) return lit(parts.map((p) => String((p as { v: unknown }).v)).join('/'));
    return parts.length === 1 ? parts[0]! : call('concat', ...parts.flatMap((p, i) => (i === 0 ? [p] : [lit('/'), p])));
  }

  private idOf(symName: string, env: Map<string, Expr>): Expr {
    const sym = this.symbols.get(symName)!;
    const names = this.names(symName, env);
    const scope = (sym.scopeArgs ?? []).map((a) => this.expr(a, env));
    if (this.level === 'subscription' && scope.length === 0)
      return call('subscriptionResourceId', lit(sym.type!), ...names);
    return call('resourceId', ...scope, lit(sym.type!), ...names);
  }

  /** Environment of a loop resource seen at one index (`vnets[i].id`). */
  private loopEnv(sym: Symbol, index: Expr, env: Map<string, Expr>): Map<string, Expr> {
    const out = new Map(env);
    if (!sym.loop) return out;
    const coll = this.expr(sym.loop.collection, env);
    if (sym.loop.item) out.set(sym.loop.item, { k: 'index', of: coll, index });
    if (sym.loop.index) out.set(sym.loop.index, index);
    return out;
  }

  /** `sym.a.b[0].c` on a resource symbol. */
  private resourceMember(symName: string, path: (string | Expr)[], env: Map<string, Expr>, whole: Node): Expr {
    const sym = this.symbols.get(symName)!;
    let rest = path;
    let symEnv = env;
    if (sym.loop) {
      const first = rest[0];
      if (first === undefined || typeof first === 'string')
        return this.unknown(whole, `a loop resource used without an index`);
      symEnv = this.loopEnv(sym, first, env);
      rest = rest.slice(1);
    }
    const [head, ...tail] = rest;
    const apply = (e: Expr, more: (string | Expr)[]): Expr =>
      more.reduce<Expr>(
        (acc, p) => (typeof p === 'string' ? { k: 'prop', of: acc, name: p } : { k: 'index', of: acc, index: p }),
        e,
      );
    if (head === 'id') return apply(this.idOf(symName, symEnv), tail);
    if (head === 'name') return apply(this.joinNames(this.names(symName, symEnv).slice(-1)), tail);
    if (head === 'type') return apply(lit(sym.type!), tail);
    // An existing resource's properties are what the deployment declares for it (arm/template.ts `declared`), read
    // as ARM's reference() reads them; elsewhere they stay unknown, naming the reference.
    if (sym.existing)
      return head === 'properties' && !sym.loop
        ? apply(call('reference', lit(symName)), tail)
        : this.unknown(
            whole,
            `${typeof head === 'string' ? head : 'a property'} of ${symName}, an existing resource, is known only after deploy`,
          );
    if (typeof head === 'string') {
      // The declared value, walked as far as the file spells it.
      let node = property(sym.body, head);
      let i = 0;
      let parentPath: Node | undefined;
      let collection: string | undefined = head;
      while (node && i < tail.length) {
        const p = tail[i]!;
        if (typeof p === 'string') {
          if (node.type !== 'object') break;
          const next = property(node, p);
          if (!next) break;
          collection = p;
          node = next;
        } else {
          if (node.type !== 'array' || p.k !== 'lit' || typeof p.v !== 'number') break;
          const item = named(node)[p.v];
          if (!item) break;
          parentPath = node;
          node = item;
        }
        i++;
      }
      if (node && i === tail.length) return this.expr(node, symEnv);
      // A declared embedded child (a VNet's subnet): Azure gives it <parent id>/<collection>/<name>.
      if (node?.type === 'object' && parentPath && tail[i] === 'id' && i === tail.length - 1) {
        const childName = property(node, 'name');
        if (childName && collection)
          return call('concat', this.idOf(symName, symEnv), lit(`/${collection}/`), this.expr(childName, symEnv));
      }
    }
    return this.unknown(
      whole,
      `${symName}.${path.map((p) => (typeof p === 'string' ? p : '[…]')).join('.')} is known only after deploy`,
    );
  }

  /**
   * `mod.outputs.x…` as ARM writes it, `reference('mod').outputs.x.value…`: the ARM reader evaluates the module's
   * outputs with the parameters the call passes. A module in a loop (`mods[i].outputs.x`) stays unknown.
   */
  private moduleOutput(symName: string, path: (string | Expr)[], whole: Node): Expr {
    const sym = this.symbols.get(symName)!;
    const [head, key, ...rest] = path;
    if (this.bodyOf(sym.node).loop || head !== 'outputs' || typeof key !== 'string')
      return this.unknown(
        whole,
        `${whole.text.split('.')[0]}: only a module's outputs are known before deploy, and not per instance of a loop`,
      );
    let e: Expr = { k: 'prop', of: { k: 'prop', of: call('reference', lit(symName)), name: 'outputs' }, name: key };
    e = { k: 'prop', of: e, name: 'value' };
    for (const p of rest) e = typeof p === 'string' ? { k: 'prop', of: e, name: p } : { k: 'index', of: e, index: p };
    return e;
  }

  /** The symbol an identifier or a nested-resource accessor (`vnet::subnet`) names. */
  private symbolName(n: Node): string | undefined {
    if (n.type === 'identifier') return this.resolve(n.text);
    if (n.type !== 'resource_expression') return undefined;
    const parent = n.childForFieldName('object');
    const child = n.childForFieldName('resource');
    const parentName = parent ? this.symbolName(parent) : undefined;
    return parentName !== undefined && child ? `${parentName}::${child.text}` : undefined;
  }

  /** An array item, or a call the grammar split in two (see `arrayItems`). */
  private item(c: Node | SplitCall, env: Map<string, Expr>): Expr {
    if (!('call' in c)) return this.expr(c, env);
    const inner = named(c.args)[0];
    return call(c.call.text, ...(inner ? [this.expr(inner, env)] : []));
  }

  /** A member or index chain on an operand (`reassociate` has taken operators apart). */
  private member(root: Node, path: Step[], env: Map<string, Expr>, n: Node): Expr {
    const rootName = this.symbolName(root);
    if (rootName !== undefined && !env.has(rootName)) {
      // What a resource or module declares is read by name; a safe step there reads what the strict one reads.
      const plain = path.map((p) => (isSafe(p) ? p.safe : p));
      const sym = this.symbols.get(rootName);
      if (sym?.kind === 'resource') return this.resourceMember(rootName, plain, env, n);
      if (sym?.kind === 'module') return this.moduleOutput(rootName, plain, n);
    }
    let e = this.expr(root, env);
    for (let i = 0; i < path.length; i++) {
      const p = path[i]!;
      if (isSafe(p)) {
        // `a.?x.y` short-circuits: once a safe step gives null the rest of the chain is null (tryGet's keys).
        const keys = path.slice(i).map((q) => {
          const k = isSafe(q) ? q.safe : q;
          return typeof k === 'string' ? lit(k) : k;
        });
        return call('tryGet', e, ...keys);
      }
      e = typeof p === 'string' ? { k: 'prop', of: e, name: p } : { k: 'index', of: e, index: p };
    }
    return e;
  }

  /** An operator expression with Bicep's precedence (see `precedence.ts`). */
  private opTree(t: OpTree, env: Map<string, Expr>, whole: Node): Expr {
    switch (t.k) {
      case 'chain': {
        if (t.steps.length === 0) return this.expr(t.root, env);
        const path: Step[] = t.steps.map((st) => {
          const key = st.kind === 'member' ? (st.name ?? '') : this.expr(st.index!, env);
          return st.safe ? { safe: key } : key;
        });
        return this.member(t.root, path, env, whole);
      }
      case 'unary': {
        const arg = this.opTree(t.arg, env, whole);
        if (t.op === '!') return call('not', arg);
        if (t.op === '-') return call('sub', lit(0), arg);
        return this.unknown(t.node, `operator ${t.op} is not evaluated`);
      }
      case 'ternary':
        return call(
          'if',
          this.opTree(t.cond, env, whole),
          this.opTree(t.then, env, whole),
          this.opTree(t.else, env, whole),
        );
      case 'binary': {
        const [a, b] = [this.opTree(t.left, env, whole), this.opTree(t.right, env, whole)];
        if (t.op === '!=') return call('not', call('equals', a, b));
        if (t.op === '=~') return call('equals', call('toLower', a), call('toLower', b));
        if (t.op === '!~') return call('not', call('equals', call('toLower', a), call('toLower', b)));
        const fn = BINARY[t.op];
        return fn ? call(fn, a, b) : this.unknown(t.node, `operator ${t.op} is not evaluated`);
      }
    }
  }

  /** A Bicep expression as an ARM expression tree. */
  expr(n: Node, env: Map<string, Expr>): Expr {
    switch (n.type) {
      case 'string': {
        const parts: Expr[] = [];
        let text = '';
        for (const c of named(n)) {
          if (c.type === 'interpolation') {
            if (text) parts.push(lit(text));
            text = '';
            const inner = named(c)[0];
            parts.push(inner ? this.expr(inner, env) : lit(''));
          } else text += c.type === 'escape_sequence' ? decodeEscape(c.text) : c.text;
        }
        if (text || parts.length === 0) parts.push(lit(text));
        return parts.length === 1 && parts[0]!.k === 'lit' ? parts[0]! : call('concat', ...parts);
      }
      case 'number':
        return lit(Number(n.text));
      case 'boolean':
        return lit(n.text === 'true');
      case 'null':
        return lit(null);
      case 'parenthesized_expression':
        return this.expr(named(n)[0]!, env);
      case 'identifier': {
        const bound = env.get(n.text);
        if (bound) return bound;
        const sym = this.symbols.get(this.resolve(n.text));
        if (sym?.kind === 'param') return call('parameters', lit(n.text));
        if (sym?.kind === 'var') return call('variables', lit(n.text));
        if (sym) return this.unknown(n, `${sym.kind} ${n.text} used as a value`);
        throw new Error(`${this.where(n)}: unknown name ${n.text}`);
      }
      case 'member_expression':
      case 'subscript_expression':
      case 'binary_expression':
      case 'unary_expression':
      case 'ternary_expression': {
        const tree = reassociate(n);
        return tree ? this.opTree(tree, env, n) : this.unknown(n, 'an incomplete expression');
      }
      case 'call_expression': {
        const name = this.functionName(n);
        const args = this.argNodes(n).map((a) => this.expr(a, env));
        if (name === 'any') return args[0] ?? lit(null);
        // Compile-time functions: `bicep build` inlines the file, so its content is known before deploy.
        if (name === 'loadjsoncontent' || name === 'loadtextcontent') {
          const [pathArg, ...rest] = args;
          const text = pathArg?.k === 'lit' && typeof pathArg.v === 'string' ? this.content(pathArg.v) : undefined;
          if (text !== undefined && rest.length === 0)
            return name === 'loadtextcontent' ? lit(text) : call('json', lit(text));
          return this.unknown(
            n,
            `${name === 'loadtextcontent' ? 'loadTextContent' : 'loadJsonContent'}() of a file cordon cannot read, or with a path or encoding argument`,
          );
        }
        if (name === 'resourcegroup' && args.length > 0)
          return this.unknown(n, 'a resource group other than the deployment scope');
        const f = n.childForFieldName('function') ?? named(n)[0];
        const original =
          f?.type === 'member_expression' ? (f.childForFieldName('property')?.text ?? name) : (f?.text ?? name);
        return call(original, ...args);
      }
      case 'array':
        return call('createArray', ...arrayItems(n).map((c) => this.item(c, env)));
      case 'object': {
        // Spreads (`...x`, masked as the key SPREAD_KEY) cut the object into parts united in order.
        const parts: Expr[] = [];
        let args: Expr[] = [];
        for (const p of named(n)) {
          if (p.type !== 'object_property') continue;
          const [k, v] = named(p);
          const key = k ? keyOf(k) : undefined;
          if (key === undefined || !v) return this.unknown(n, 'an object with a computed key');
          if (key === SPREAD_KEY && k?.type === 'identifier') {
            if (args.length > 0) parts.push(call('createObject', ...args));
            args = [];
            parts.push(this.expr(v, env));
          } else args.push(lit(key), this.expr(v, env));
        }
        if (parts.length === 0) return call('createObject', ...args);
        if (args.length > 0) parts.push(call('createObject', ...args));
        return parts.length === 1 ? call('union', call('createObject'), parts[0]!) : call('union', ...parts);
      }
      default:
        return this.unknown(n, `${n.type.replace(/_/g, ' ')} is not evaluated before deploy`);
    }
  }

  /** A value as template JSON: objects and arrays stay JSON (so positions and property loops map), the rest expressions. */
  json(n: Node, env: Map<string, Expr>, at: string): Json {
    this.positions.set(at, pos(n));
    // An object with a spread is one expression (the union of its parts).
    if (n.type === 'object' && named(n).some((p) => p.type === 'object_property' && isSpread(p)))
      return jsonOf(this.expr(n, env));
    if (n.type === 'object') {
      const out: Record<string, Json> = {};
      const copies: Json[] = [];
      for (const p of named(n)) {
        if (p.type !== 'object_property') continue;
        const [k, v] = named(p);
        if (!k || !v || v.type === 'resource_declaration') continue;
        // A computed key (`'${identity.id}': {}`) is an expression key, as `bicep build` writes it.
        const key = keyOf(k) ?? jsonOf(this.expr(k, env));
        if (typeof key !== 'string') throw new Error(`${this.where(p)}: an object key must be a string`);
        const here = `${at}/${esc(key)}`;
        this.positions.set(here, pos(p));
        if (v.type === 'for_statement') {
          const loop = this.propertyLoop(v, key, env, here);
          if (loop) {
            copies.push(loop);
            continue;
          }
        }
        out[key] = this.json(v, env, here);
      }
      if (copies.length > 0) out.copy = copies;
      return out;
    }
    if (n.type === 'array')
      return arrayItems(n).map((c, i) =>
        'call' in c
          ? (this.positions.set(`${at}/${i}`, pos(c.call)), jsonOf(this.item(c, env)))
          : this.json(c, env, `${at}/${i}`),
      );
    return jsonOf(this.expr(n, env));
  }

  /** `[for x in xs: {…}]` as a property copy loop; undefined (then an unknown) when it filters with `if`. */
  private propertyLoop(v: Node, key: string, env: Map<string, Expr>, at: string): Json | undefined {
    const params = firstNamed(v, 'for_loop_parameters');
    const item = params ? firstNamed(params, 'loop_variable')?.text : v.childForFieldName('initializer')?.text;
    const index = params ? firstNamed(params, 'loop_enumerator')?.text : undefined;
    const parts = named(v).filter((c) => c.type !== 'for_loop_parameters');
    const collection = params ? parts[0] : parts[1];
    const body = v.childForFieldName('body') ?? parts.at(-1);
    if (!collection || !body || body.type === 'if_statement') return undefined;
    const coll = this.expr(collection, env);
    const i = call('copyIndex', lit(key));
    const inner = new Map(env);
    if (item) inner.set(item, { k: 'index', of: coll, index: i });
    if (index) inner.set(index, i);
    return { name: key, count: jsonOf(call('length', coll)), input: this.json(body, inner, `${at}`) };
  }

  private resource(d: Node, out: Record<string, Json>, parentKey?: string): void {
    const [id] = named(d);
    if (!id) return;
    const key = parentKey ? `${parentKey}::${id.text}` : id.text;
    const sym = this.symbols.get(key);
    if (!sym) return;
    const at = `/resources/${esc(key)}`;
    // Inside a resource's body its nested resources are named bare (ARM's symbolic name is `parent::child`).
    this.scopes.push(key);
    try {
      this.resourceBody(d, id, key, sym, at, out);
    } finally {
      this.scopes.pop();
    }
  }

  private resourceBody(d: Node, id: Node, key: string, sym: Symbol, at: string, out: Record<string, Json>): void {
    this.positions.set(at, pos(d));
    const { body, condition, loop } = this.bodyOf(d);
    const env = new Map<string, Expr>();
    const res: Record<string, Json> = {};
    if (loop) {
      const coll = this.expr(loop.collection, env);
      const i = call('copyIndex', lit(key));
      if (loop.item) env.set(loop.item, { k: 'index', of: coll, index: i });
      if (loop.index) env.set(loop.index, i);
      res.copy = { name: key, count: jsonOf(call('length', coll)) };
    }
    if (condition) res.condition = this.jsonAt(condition, env, `${at}/condition`);
    if (sym.kind === 'module') this.module(d, body, env, at, res);
    else {
      const typeNode = firstNamed(d, 'string');
      const [, apiVersion] = typeNode ? stringLiteral(typeNode).split('@') : [];
      res.type = sym.type!;
      if (apiVersion) res.apiVersion = apiVersion;
      if (sym.existing) res.existing = true;
      const nameNode = property(body, 'name');
      res.name = jsonOf(this.joinNames(this.names(key, env)));
      if (nameNode) this.positions.set(`${at}/name`, pos(nameNode));
      for (const p of named(body ?? d)) {
        if (p.type !== 'object_property' || !body) continue;
        const [k, v] = named(p);
        const key = k ? keyOf(k) : undefined;
        if (!key || !v || ['name', 'parent', 'dependsOn', 'scope'].includes(key) || v.type === 'resource_declaration')
          continue;
        this.positions.set(`${at}/${esc(key)}`, pos(p));
        res[key] = this.json(v, env, `${at}/${esc(key)}`);
      }
      const scope = property(body, 'scope');
      if (scope && !sym.existing) res.scope = this.jsonAt(scope, env, `${at}/scope`, true);
    }
    out[key] = res;
    // Nested child resources become resources of their own, their names composed with the parent's.
    if (body)
      for (const p of named(body)) {
        const nested =
          p.type === 'object_property' ? named(p).find((c) => c.type === 'resource_declaration') : undefined;
        if (nested) this.resource(nested, out, key);
      }
  }

  private jsonAt(n: Node, env: Map<string, Expr>, at: string, asId = false): Json {
    this.positions.set(at, pos(n));
    const sym = asId ? this.symbolName(n) : undefined;
    if (sym !== undefined && this.symbols.get(sym)?.kind === 'resource') return jsonOf(this.idOf(sym, env));
    return jsonOf(this.expr(n, env));
  }

  private module(d: Node, body: Node | undefined, env: Map<string, Expr>, at: string, res: Record<string, Json>): void {
    const [id, pathNode] = named(d);
    const path = pathNode?.type === 'string' ? stringLiteral(pathNode) : '';
    res.type = 'Microsoft.Resources/deployments';
    res.apiVersion = '2022-09-01';
    const nameNode = property(body, 'name');
    res.name = nameNode ? this.jsonAt(nameNode, env, `${at}/name`) : (id?.text ?? 'module');
    const scope = property(body, 'scope');
    if (scope?.type === 'call_expression') {
      const fn = this.functionName(scope);
      const args = this.argNodes(scope);
      if (fn === 'resourcegroup' && args.length > 0) {
        res.resourceGroup = this.jsonAt(args.at(-1)!, env, `${at}/resourceGroup`);
        if (args.length > 1) res.subscriptionId = this.jsonAt(args[0]!, env, `${at}/subscriptionId`);
      } else if (fn === 'subscription' && args.length > 0)
        res.subscriptionId = this.jsonAt(args[0]!, env, `${at}/subscriptionId`);
    } else if (scope) {
      res.resourceGroup = jsonOf(this.unknown(scope, 'a module scope cordon does not evaluate'));
    }
    const params: Record<string, Json> = {};
    const paramsNode = property(body, 'params');
    if (paramsNode?.type === 'object')
      for (const p of named(paramsNode)) {
        if (p.type !== 'object_property') continue;
        const [k, v] = named(p);
        const key = k ? keyOf(k) : undefined;
        if (!key || !v) continue;
        const here = `${at}/properties/parameters/${esc(key)}`;
        this.positions.set(here, pos(p));
        params[key] = { value: this.json(v, env, `${here}/value`) };
      }
    const local = path !== '' && !/^(br|ts)[:/]/i.test(path);
    if (local) this.modules.push(path);
    res.properties = {
      mode: 'Incremental',
      expressionEvaluationOptions: { scope: 'inner' },
      templateLink: local ? { relativePath: path } : { uri: path || '(no path)' },
      parameters: params,
    };
    this.positions.set(`${at}/properties`, pos(d));
  }
}
