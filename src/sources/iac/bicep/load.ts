/**
 * Reads Bicep files into the Azure inventory: each file is parsed with tree-sitter-bicep (WASM, loaded only when a
 * scan holds .bicep files), translated to the ARM template it stands for (translate.ts) and evaluated by the ARM
 * reader, so both formats share one semantics and one mapping. Files used as local modules by another file are read
 * through the module call, with its parameters; the others are deployments of their own. See docs/iac.md.
 */
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Language, Parser } from 'web-tree-sitter';
import { azureResourceReader, type AzureSnapshotResult } from '../../azure-snapshot/load.js';
import { InputError, type SourcePosition } from '../../../util/errors.js';
import { parseLocatedJson } from '../../../util/located-json.js';
import { IacAzureFeed } from '../arm/inventory.js';
import type { Value } from '../arm/expression.js';
import { isParametersDocument, parameterValues, withGivenParameters } from '../arm/load.js';
import { evaluateTemplate, evaluateVariables, type LinkCall, type SourceDoc } from '../arm/template.js';
import { maskForParse } from './mask.js';
import { RegistryModules } from './registry.js';
import { BicepTranslator } from './translate.js';

let parser: Promise<Parser> | undefined;

/** One tree-sitter parser per process: the WASM runtime and grammar load once. */
async function bicepParser(): Promise<Parser> {
  parser ??= (async () => {
    const { Parser: P, Language: L } = await import('web-tree-sitter');
    await P.init();
    const require = createRequire(import.meta.url);
    const lang: Language = await L.load(require.resolve('tree-sitter-bicep/tree-sitter-bicep.wasm'));
    const p = new P();
    p.setLanguage(lang);
    return p;
  })();
  return parser;
}

interface Translated {
  doc: SourceDoc;
  modules: string[];
}

function docOf(file: string, template: Record<string, unknown>, positions: Map<string, SourcePosition>): SourceDoc {
  return {
    file,
    value: template,
    locate(pointer) {
      for (let p = pointer; ; p = p.slice(0, p.lastIndexOf('/'))) {
        const at = positions.get(p);
        if (at) return { ...at, pointer: p };
        if (p === '') return { line: 1, column: 1 };
      }
    },
  };
}

async function readText(base: string, file: string, errors: InputError[]): Promise<string | undefined> {
  try {
    return await readFile(path.join(base, file), 'utf8');
  } catch (err) {
    errors.push(new InputError(file, `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`));
    return undefined;
  }
}

/** Reads and translates one .bicep file; errors are pushed located. */
async function translateFile(
  p: Parser,
  base: string,
  file: string,
  errors: InputError[],
  imports: ImportCache,
): Promise<Translated | undefined> {
  const text = await readText(base, file, errors);
  if (text === undefined) return undefined;
  const tree = p.parse(maskForParse(text));
  if (!tree) {
    errors.push(new InputError(file, 'cannot parse Bicep'));
    return undefined;
  }
  try {
    // Each loaded file read once per Bicep file, however many expressions load it.
    const loaded = new Map<string, string | undefined>();
    const content = (rel: string) => {
      if (loaded.has(rel)) return loaded.get(rel);
      let text: string | undefined;
      try {
        text = readFileSync(path.join(base, path.dirname(file), rel), 'utf8');
      } catch {
        text = undefined;
      }
      loaded.set(rel, text);
      return text;
    };
    const imported = (rel: string) =>
      importedVariables(p, base, path.posix.join(path.posix.dirname(file), rel), [file], imports);
    const t = new BicepTranslator(tree.rootNode, file, content, imported).translate();
    for (const e of t.errors) errors.push(new InputError(file, e.message, e.position));
    return { doc: docOf(file, t.template, t.positions), modules: t.modules };
  } finally {
    tree.delete();
  }
}

/** Imported files' variables by path relative to the root: a constants file many files import is read once. */
type ImportCache = Map<string, Map<string, Value> | undefined>;

/**
 * The variables of a Bicep file another imports (`import * as ns from 'constants.bicep'`), evaluated at compile time
 * as `bicep build` inlines them; its own imports followed (`chain` stops a cycle). Its problems are not reported here:
 * a variable that cannot be evaluated stays unknown where it is used, naming its cause.
 */
function importedVariables(
  p: Parser,
  base: string,
  file: string,
  chain: readonly string[],
  cache: ImportCache,
): Map<string, Value> | undefined {
  if (chain.includes(file)) return undefined;
  if (!cache.has(file)) cache.set(file, readImported(p, base, file, chain, cache));
  return cache.get(file);
}

function readImported(
  p: Parser,
  base: string,
  file: string,
  chain: readonly string[],
  cache: ImportCache,
): Map<string, Value> | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(base, file), 'utf8');
  } catch {
    return undefined;
  }
  const tree = p.parse(maskForParse(text));
  if (!tree) return undefined;
  try {
    const content = (rel: string) => {
      try {
        return readFileSync(path.join(base, path.dirname(file), rel), 'utf8');
      } catch {
        return undefined;
      }
    };
    const t = new BicepTranslator(tree.rootNode, file, content, (rel) =>
      importedVariables(p, base, path.posix.join(path.posix.dirname(file), rel), [...chain, file], cache),
    ).translate();
    return evaluateVariables(docOf(file, t.template, t.positions)).values;
  } finally {
    tree.delete();
  }
}

interface ParamFile {
  file: string;
  /** The Bicep file it gives values for, relative to the scanned root. */
  using: string;
  values: Map<string, Value>;
}

/**
 * A .bicepparam file: `using './main.bicep'` and `param name = value` lines. The grammar has no rule for parameter
 * assignments, so they are read as variables (same columns: "param" becomes "var  ") and evaluated as such.
 */
async function readParamFile(
  p: Parser,
  base: string,
  file: string,
  errors: InputError[],
): Promise<ParamFile | undefined> {
  const text = await readText(base, file, errors);
  if (text === undefined) return undefined;
  const using = /^[ \t]*using[ \t]+'([^']+)'.*$/m.exec(text);
  if (!using) {
    errors.push(
      new InputError(file, "a .bicepparam file needs a using declaration (using './main.bicep')", {
        line: 1,
        column: 1,
      }),
    );
    return undefined;
  }
  const masked = text.replace(using[0], ' '.repeat(using[0].length)).replace(/^([ \t]*)param(?=[ \t])/gm, '$1var  ');
  const tree = p.parse(maskForParse(masked));
  if (!tree) return undefined;
  try {
    const t = new BicepTranslator(tree.rootNode, file).translate();
    for (const e of t.errors) errors.push(new InputError(file, e.message, e.position));
    const { values, errors: evalErrors } = evaluateVariables(docOf(file, t.template, t.positions));
    for (const e of evalErrors) errors.push(new InputError(file, e.message, e.doc.locate(e.pointer)));
    return { file, using: path.posix.normalize(path.posix.join(path.posix.dirname(file), using[1]!)), values };
  } finally {
    tree.delete();
  }
}

const LOADED_FILE = /\bload(?:Json|Yaml|Text)Content\(\s*'([^']+)'|\bloadFileAsBase64\(\s*'([^']+)'/g;

/**
 * Files the Bicep files load at compile time (`loadJsonContent('abbreviations.json')`, as every azd template does):
 * data of the Bicep code, not snapshot files of their own (absolute paths).
 */
export async function bicepContentFiles(files: readonly string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const f of files) {
    if (!f.toLowerCase().endsWith('.bicep')) continue;
    let text: string;
    try {
      text = await readFile(f, 'utf8');
    } catch {
      continue;
    }
    for (const m of text.matchAll(LOADED_FILE)) out.add(path.resolve(path.dirname(f), m[1] ?? m[2]!));
  }
  return out;
}

/** `X.parameters.json` beside `X.bicep`, read as azd reads it (`${VAR}` values come from its environment). */
async function parametersBeside(
  base: string,
  name: string,
  result: AzureSnapshotResult,
): Promise<Map<string, Value> | undefined> {
  const file = name.replace(/\.bicep$/i, '.parameters.json');
  let text: string;
  try {
    text = await readFile(path.join(base, file), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const doc = parseLocatedJson(file, text, { jsonc: true });
    if (!isParametersDocument(doc.value)) return undefined;
    return parameterValues(doc);
  } catch (err) {
    result.errors.push(err instanceof InputError ? err : new InputError(file, String(err)));
    return undefined;
  }
}

export async function loadBicep(
  root: string,
  files: readonly string[],
  given?: Readonly<Record<string, string>>,
): Promise<AzureSnapshotResult> {
  const reader = azureResourceReader();
  const result = reader.result;
  let base = root;
  try {
    if (!(await stat(root)).isDirectory()) base = path.dirname(root);
  } catch {
    result.errors.push(new InputError(root, 'cannot read'));
    return reader.finish();
  }
  const p = await bicepParser();
  const all = [...files].map((f) => path.relative(base, f).split(path.sep).join('/')).sort();
  const names = all.filter((f) => !f.toLowerCase().endsWith('.bicepparam'));
  // Parameter files: the values for the file each one `using`s.
  const paramsFor = new Map<string, ParamFile[]>();
  for (const file of all.filter((f) => f.toLowerCase().endsWith('.bicepparam'))) {
    const pf = await readParamFile(p, base, file, result.errors);
    result.files.push({ file, recognisedAs: pf ? ['bicepparam'] : [] });
    if (!pf) continue;
    paramsFor.set(pf.using, [...(paramsFor.get(pf.using) ?? []), pf]);
  }
  const roots = [...new Set([...names, ...[...paramsFor.keys()].filter((u) => !u.startsWith('..'))])].sort();
  const translated = new Map<string, Translated | undefined>();
  const imports: ImportCache = new Map();
  const translate = async (name: string) => {
    if (!translated.has(name)) translated.set(name, await translateFile(p, base, name, result.errors, imports));
    return translated.get(name);
  };
  // Modules first: every local module reachable from a file is translated before evaluation (which is synchronous).
  const linked = new Set<string>();
  const jsonModules = new Map<string, SourceDoc | string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.shift()!;
    const t = await translate(name);
    for (const m of t?.modules ?? []) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(name), m));
      if (linked.has(target)) continue;
      linked.add(target);
      if (target.startsWith('..')) continue;
      if (target.toLowerCase().endsWith('.json')) {
        try {
          const doc = parseLocatedJson(target, await readFile(path.join(base, target), 'utf8'), { jsonc: true });
          jsonModules.set(target, { file: doc.file, value: doc.value, locate: (x) => doc.locate(x) });
        } catch (err) {
          jsonModules.set(target, err instanceof InputError ? err.format() : `cannot read ${target}`);
        }
      } else if (!translated.has(target)) queue.push(target);
    }
  }
  const registry = new RegistryModules(path.resolve(base));
  const loadLinked = (from: string, rel: string, kind?: 'uri', call?: LinkCall): SourceDoc | string | undefined => {
    if (kind === 'uri') return /^br[:/]/i.test(rel) ? registry.load(from, rel, call) : undefined;
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), rel));
    if (target.startsWith('..')) return `module ${rel} is outside the scanned folder`;
    const json = jsonModules.get(target);
    if (json) return json;
    const t = translated.get(target);
    return t ? t.doc : `module ${rel} could not be read`;
  };
  const feed = new IacAzureFeed(reader);
  for (const name of roots) {
    const t = translated.get(name);
    if (names.includes(name)) result.files.push({ file: name, recognisedAs: t ? ['bicep'] : [] });
    if (!t || linked.has(name)) continue;
    const pfs = paramsFor.get(name) ?? [];
    // Without a .bicepparam, a deployment parameters file of the same name beside it (azd's main.parameters.json).
    const jsonParams = pfs.length === 0 ? await parametersBeside(base, name, result) : undefined;
    if (pfs.length > 1)
      result.warnings.push({
        file: name,
        message: `${pfs.length} parameter files use it (${pfs.map((x) => x.file).join(', ')}); it is read with ${pfs[0]!.file} only: scan each parameter file on its own for the others`,
      });
    const parameters = withGivenParameters(t.doc.value, pfs[0]?.values ?? jsonParams, given);
    feed.add(evaluateTemplate({ doc: t.doc, loadLinked, ...(parameters ? { parameters } : {}) }));
  }
  result.warnings.push(...registry.modelled);
  return feed.finish();
}
