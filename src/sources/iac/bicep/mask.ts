/**
 * Bicep's non-null assertion (`param.?x!`, `deployVM!`, `subnets!` as an array item, `cfg!.name!`) tells the
 * compiler a value is not null; it compiles to nothing in the ARM template. tree-sitter-bicep 1.1.0 (the only
 * published version) accepts it only before `.` and at the end of a `var`, so Azure Verified Modules and the pattern
 * modules built on them failed to parse at every other use. The assertion has no meaning for evaluation, so it is
 * blanked (one space, so lines and columns stay those of the file) before parsing. Strings, interpolations and
 * comments are followed, so a `!` inside a string stays and one inside `${…}` is read as code.
 */

/** Characters after which a `!` is postfix (ends an operand): a name, a call, an index, a string. */
const OPERAND_END = /[A-Za-z0-9_)\]']/;

export function maskNonNullAssertions(text: string): string {
  const out = text.split('');
  walkCode(text, (i) => {
    const next = text[i + 1];
    if (text[i] === '!' && i > 0 && OPERAND_END.test(text[i - 1]!) && next !== '=' && next !== '~') out[i] = ' ';
    return 1;
  });
  return out.join('');
}

/** What encloses a position in code: a `${` of a string (its `}` goes back into the string), `{`, `[` or `(`. */
type Enclosing = 'interp' | 'brace' | 'bracket' | 'paren';

/**
 * Calls `visit` at every character of code — strings (with their interpolations read as code), comments and
 * brackets followed — with what encloses it; `visit` returns how many characters it consumed.
 */
function walkCode(text: string, visit: (i: number, enclosing: Enclosing | undefined) => number): void {
  const stack: Enclosing[] = [];
  let inString = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (inString) {
      if (ch === '\\') i += 2;
      else if (ch === "'") {
        inString = false;
        i++;
      } else if (ch === '$' && text[i + 1] === '{') {
        stack.push('interp');
        inString = false;
        i += 2;
      } else i++;
      continue;
    }
    if (text.startsWith("'''", i)) {
      // A multi-line string has no escapes and no interpolation.
      const end = text.indexOf("'''", i + 3);
      i = end < 0 ? text.length : end + 3;
    } else if (ch === "'") {
      inString = true;
      i++;
    } else if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (ch === '{' || ch === '[' || ch === '(') {
      stack.push(ch === '{' ? 'brace' : ch === '[' ? 'bracket' : 'paren');
      i++;
    } else if (ch === '}' || ch === ']' || ch === ')') {
      if (stack.pop() === 'interp') inString = true;
      i++;
    } else i += visit(i, stack.at(-1));
  }
}

const PRIMITIVE_TYPES = new Set(['string', 'int', 'bool', 'object', 'array', 'any']);

/**
 * Type syntax newer than tree-sitter-bicep 1.1.0, which carries nothing cordon evaluates: a typed variable
 * (`var name string = …`, Bicep 0.30) and the resource-derived types `resourceInput<'T@v'>.properties` /
 * `resourceOutput<…>` (Azure Verified Modules' parameter types). The grammar rejects both, and its error recovery
 * took every later declaration of the file with it (each then an "unknown name"). A variable's annotation is blanked,
 * a resource-derived type becomes `object` (padded, so lines and columns stay the file's). A nullable parameter of a
 * user-defined type (`param lock lockType?`, `param plans planType[]?`) is read by the grammar as the start of a
 * ternary that takes the next declaration (an `import`, a `var`) with it; it becomes `object?` / `array?`, which is
 * what ARM sees of it (padded when the name is long enough, as AVM's type names are). An import list over several
 * lines without commas is put on one line.
 */
export function maskTypeSyntax(text: string): string {
  return text
    .replace(
      /^([ \t]*)import[ \t]*\{([^}]*\n[^}]*)\}([ \t]*from[ \t]*'[^'\n]*')/gm,
      (_m, indent: string, list: string, from: string) => {
        // A list over several lines, one name a line (AVM's common types): one line with commas, then as many
        // empty lines, so the declarations after it keep their lines.
        const items = list
          .split(/[,\n]/)
          .map((x) => x.trim())
          .filter((x) => x && !x.startsWith('//'));
        return `${indent}import { ${items.join(', ')} }${from}${'\n'.repeat(list.split('\n').length - 1)}`;
      },
    )
    .replace(/\bresource(?:Input|Output)<'[^'\n]*'>(?:\.[A-Za-z_][A-Za-z0-9_]*)*/g, (m) => 'object'.padEnd(m.length))
    .replace(
      /^([ \t]*param[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]+)([A-Za-z_][A-Za-z0-9_.]*)((?:\[\])?)(?=\?)/gm,
      (m, head: string, type: string, brackets: string) =>
        PRIMITIVE_TYPES.has(type) && !brackets
          ? m
          : head + (brackets ? 'array' : 'object').padEnd(type.length + brackets.length),
    )
    .replace(
      /^([ \t]*var[ \t]+[A-Za-z_][A-Za-z0-9_]*)([ \t]+[^=\n]*?)(?=[ \t]*=[^=~])/gm,
      (_m, head: string, type: string) => head + ' '.repeat(type.length),
    );
}

/** The text as tree-sitter-bicep 1.1.0 can read it (the masks of this file; lines and columns unchanged). */
export function maskForParse(text: string): string {
  return maskObjectSpread(maskNonNullAssertions(maskTypeSyntax(text)));
}

/** The key an object spread is read under: `...expr` in an object becomes `__: expr` (same length), see below. */
export const SPREAD_KEY = '__';

/**
 * The spread operator in an object (`{ a: 1, ...(c ? { b: 2 } : {}) }`, Bicep 0.34; AVM's storage and Cosmos DB
 * modules write their optional properties so) is not in tree-sitter-bicep 1.1.0. It becomes a property of the key
 * `__` (three characters for three, so columns stay), which the translator reads as the spread: the object is the
 * union of its parts in order, a later key winning, as Bicep spreads. A spread in an array is left alone.
 */
export function maskObjectSpread(text: string): string {
  const out = text.split('');
  walkCode(text, (i, enclosing) => {
    if (!text.startsWith('...', i) || enclosing !== 'brace') return 1;
    out[i] = '_';
    out[i + 1] = '_';
    out[i + 2] = ':';
    return 3;
  });
  return out.join('');
}
