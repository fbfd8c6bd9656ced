/**
 * Reads ARM templates (JSON with comments) into the Azure inventory. A template is a file whose `$schema` names a
 * deployment template (resource group, subscription, management group or tenant); its parameters come from a
 * parameters file beside it (`main.parameters.json` for `main.json`, schema deploymentParameters), then from the
 * parameters' defaults. Templates that another template links (`templateLink.relativePath`) are read through the
 * link only, with the parameters it passes. See docs/iac.md.
 */
import { existsSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { azureResourceReader, type AzureSnapshotResult } from '../../azure-snapshot/load.js';
import { InputError } from '../../../util/errors.js';
import { parseLocatedJson, type LocatedJson } from '../../../util/located-json.js';
import { readSnapshotFiles } from '../../../util/snapshot-files.js';
import { Unknown, type Value } from './expression.js';
import { IacAzureFeed } from './inventory.js';
import { evaluateTemplate, levelOfSchema, type SourceDoc } from './template.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const withParameters = (parameters: Map<string, Value> | undefined) => (parameters ? { parameters } : {});

export const isParametersDocument = (v: unknown) =>
  isRecord(v) && typeof v.$schema === 'string' && /deploymentparameters/i.test(v.$schema);

/** Local template links anywhere in a template, as written (only literal paths can be known before evaluation). */
function linkedPaths(v: unknown, out: string[]): void {
  if (Array.isArray(v)) for (const x of v) linkedPaths(x, out);
  else if (isRecord(v)) {
    const link = v.templateLink;
    if (isRecord(link) && typeof link.relativePath === 'string' && !link.relativePath.startsWith('['))
      out.push(link.relativePath);
    for (const x of Object.values(v)) linkedPaths(x, out);
  }
}

/**
 * Parameter values of a parameters file: `value`s as given, Key Vault `reference`s unknown. A value holding `${NAME}`
 * (anywhere inside it) is a placeholder the Azure Developer CLI fills from its environment at deploy — the
 * main.parameters.json of an azd template, which serves its main.bicep and the main.json compiled from it alike
 * (`${NAME=default}` too: which applies depends on that environment) — so it is unknown, naming the variable.
 */
export function parameterValues(doc: LocatedJson): Map<string, Value> {
  const out = new Map<string, Value>();
  const params = isRecord(doc.value) && isRecord(doc.value.parameters) ? doc.value.parameters : {};
  for (const [k, v] of Object.entries(params)) {
    const env = isRecord(v) && 'value' in v ? placeholder(v.value) : undefined;
    if (env) {
      const { line } = doc.locate(`/parameters/${k}/value`);
      out.set(
        k,
        new Unknown(
          `parameters('${k}')`,
          `parameter ${k} is set from the azd environment variable ${env} at deploy (${doc.file}:${line ?? 1})`,
        ),
      );
    } else if (isRecord(v) && 'value' in v) out.set(k, v.value as Value);
    else if (isRecord(v) && 'reference' in v) {
      const { line } = doc.locate(`/parameters/${k}`);
      out.set(
        k,
        new Unknown(`parameters('${k}')`, `parameter ${k} is a Key Vault secret reference (${doc.file}:${line ?? 1})`),
      );
    }
  }
  return out;
}

/** The first `${NAME}` placeholder in a parameter value (strings inside objects and arrays too). */
function placeholder(v: unknown): string | undefined {
  if (typeof v === 'string') return /\$\{([A-Za-z_][A-Za-z0-9_]*)/.exec(v)?.[1];
  const items = Array.isArray(v) ? v : isRecord(v) ? Object.values(v) : [];
  for (const x of items) {
    const p = placeholder(x);
    if (p) return p;
  }
  return undefined;
}

/**
 * `--parameter Key=Value` values over a template's own (a parameters file's), for the parameters it declares: typed
 * as the template declares them (int, bool, array and object values are read as JSON).
 */
export function withGivenParameters(
  template: unknown,
  own: Map<string, Value> | undefined,
  given: Readonly<Record<string, string>> | undefined,
): Map<string, Value> | undefined {
  if (!given || Object.keys(given).length === 0) return own;
  const declared = isRecord(template) && isRecord(template.parameters) ? template.parameters : {};
  const out = new Map(own);
  for (const [name, def] of Object.entries(declared)) {
    const key = Object.keys(given).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key === undefined) continue;
    const text = given[key]!;
    const type = isRecord(def) && typeof def.type === 'string' ? def.type.toLowerCase() : 'string';
    let value: Value = text;
    if (type !== 'string' && type !== 'securestring')
      try {
        value = JSON.parse(text) as Value;
      } catch {
        value = text;
      }
    for (const k of [...out.keys()]) if (k.toLowerCase() === name.toLowerCase()) out.delete(k);
    out.set(name, value);
  }
  return out;
}

export async function loadArm(
  root: string,
  files: readonly string[],
  given?: Readonly<Record<string, string>>,
): Promise<AzureSnapshotResult> {
  const reader = azureResourceReader();
  const result = reader.result;
  const docs = new Map<string, LocatedJson>();
  await readSnapshotFiles(
    root,
    result.errors,
    (file, text) => {
      try {
        docs.set(file, parseLocatedJson(file, text, { jsonc: true }));
      } catch (err) {
        result.errors.push(err instanceof InputError ? err : new InputError(file, String(err)));
        result.files.push({ file, recognisedAs: [] });
      }
    },
    files,
  );
  let base = root;
  try {
    if (!(await stat(root)).isDirectory()) base = path.dirname(root);
  } catch {
    // readSnapshotFiles reported it
  }
  const linked = new Set<string>();
  for (const [file, doc] of docs) {
    const rels: string[] = [];
    linkedPaths(doc.value, rels);
    for (const r of rels) linked.add(path.posix.normalize(path.posix.join(path.posix.dirname(file), r)));
  }
  const sourceOf = (doc: LocatedJson): SourceDoc => ({
    file: doc.file,
    value: doc.value,
    locate: (p) => doc.locate(p),
  });
  const loadLinked = (from: string, rel: string, kind?: 'uri'): SourceDoc | string | undefined => {
    // A URI (a storage account, a template spec) is not fetched.
    if (kind === 'uri') return undefined;
    const name = path.posix.normalize(path.posix.join(path.posix.dirname(from), rel));
    if (name.startsWith('..')) return `linked template ${rel} is outside the scanned folder`;
    let doc = docs.get(name);
    if (!doc) {
      try {
        doc = parseLocatedJson(name, readFileSync(path.join(base, name), 'utf8'), { jsonc: true });
      } catch (err) {
        return err instanceof InputError
          ? `linked template ${rel}: ${err.format()}`
          : `cannot read linked template ${rel}`;
      }
    }
    return sourceOf(doc);
  };
  const feed = new IacAzureFeed(reader);
  for (const [file, doc] of [...docs].sort(([a], [b]) => a.localeCompare(b))) {
    if (isParametersDocument(doc.value)) {
      const template = file.replace(/\.parameters\.json$/i, '.json');
      // Beside a Bicep file of the same name it is that file's (azd's main.parameters.json): the Bicep reader uses it.
      if (!docs.has(template) && !existsSync(path.join(base, file.replace(/\.parameters\.json$/i, '.bicep'))))
        result.warnings.push({
          file,
          message: `parameters file without a template ${path.posix.basename(template)} beside it: not used`,
        });
      result.files.push({ file, recognisedAs: ['arm-parameters'] });
      continue;
    }
    const level = isRecord(doc.value) ? levelOfSchema(doc.value.$schema) : undefined;
    if (!level) {
      result.errors.push(
        new InputError(file, 'not an ARM template: $schema names no deployment template', doc.locate('')),
      );
      result.files.push({ file, recognisedAs: [] });
      continue;
    }
    result.files.push({ file, recognisedAs: ['arm-template'] });
    if (linked.has(file)) continue;
    const paramsDoc = docs.get(file.replace(/\.json$/i, '.parameters.json'));
    feed.add(
      evaluateTemplate({
        doc: sourceOf(doc),
        ...withParameters(withGivenParameters(doc.value, paramsDoc ? parameterValues(paramsDoc) : undefined, given)),
        loadLinked,
      }),
    );
  }
  return feed.finish();
}
