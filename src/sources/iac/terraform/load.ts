/**
 * The Terraform source: HCL directories (root modules and the local modules they call) and plan JSON, mapped into
 * the provider inventories (aws.ts, azure.ts for azurerm/azapi, google.ts for google).
 * A root module is a directory of .tf files that no other directory of the tree calls as a local module.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { AwsInventory } from '../../../inventory/aws.js';
import type { AzureInventory } from '../../../inventory/azure.js';
import type { GcpInventory } from '../../../inventory/gcp.js';
import { InputError } from '../../../util/errors.js';
import type { SnapshotWarning } from '../../aws-snapshot/load.js';
import { mapAws } from './aws.js';
import { isMappedAzureType, mapAzure } from './azure.js';
import { mapGoogle } from './google.js';
import { isMappedGoogleType } from './google-ids.js';
import { parseHcl } from './hcl.js';
import {
  awsAccount,
  IAC_ACCOUNT,
  IAC_REGION,
  ModuleInstance,
  Tree,
  type ProviderConf,
  type TfInstance,
} from './modules.js';
import { readPlan } from './plan.js';
import { EVERY_SCOPE, materialise, type TfOrigin, type TfResource, type TfTaint } from './resource.js';
import { isUnknown, type Value, type ValueObject } from './values.js';

export interface TerraformOptions {
  /** --var-file: tfvars files (paths as given, relative to cwd) applied to every root module after the automatic ones. */
  varFiles?: string[];
  /** --var NAME=VALUE, applied last. */
  vars?: string[];
  cwd?: string;
}

export interface TerraformResult {
  /** AWS resources (undefined when the tree declares none). */
  inventory?: AwsInventory;
  /** azurerm / azapi resources (undefined when the tree declares none). */
  azure?: AzureInventory;
  /** google resources (undefined when the tree declares none). */
  gcp?: GcpInventory;
  errors: InputError[];
  warnings: SnapshotWarning[];
  files: { file: string; recognisedAs: string[] }[];
}

/**
 * Reads `files` (absolute paths of .tf files and of plan .json files under `root`). Paths in the result are relative
 * to `root` (or to the directory of `root` when it is a file).
 */
export async function loadTerraform(
  root: string,
  files: string[],
  opts: TerraformOptions = {},
): Promise<TerraformResult> {
  const base = files.length === 1 && files[0] === root ? path.dirname(root) : root;
  const tree = new Tree(base);
  const errors: InputError[] = [];
  const resources: TfResource[] = [];
  const taints: TfTaint[] = [];
  const out: TerraformResult = { errors, warnings: [], files: [] };

  const plans = files.filter((f) => f.toLowerCase().endsWith('.json'));
  for (const f of plans) {
    const file = tree.rel(f);
    try {
      const r = readPlan(file, await readFile(f, 'utf8'));
      errors.push(...r.errors);
      resources.push(...r.resources);
      out.files.push({ file, recognisedAs: ['terraform-plan'] });
    } catch (err) {
      errors.push(new InputError(file, `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`));
    }
  }

  const byDir = new Map<string, string[]>();
  for (const f of files.filter((x) => x.endsWith('.tf')).sort()) {
    const d = path.dirname(f);
    if (!byDir.has(d)) byDir.set(d, []);
    byDir.get(d)!.push(f);
  }
  const called = new Set<string>();
  for (const [dir, fs] of byDir) {
    const def = await tree.def(dir, fs);
    for (const c of def.calls.values()) {
      const src = c.body.attrs.get('source')?.expr;
      if (src?.k === 'lit' && typeof src.v === 'string' && /^\.\.?\//.test(src.v)) called.add(path.resolve(dir, src.v));
    }
  }
  const roots = [...byDir.keys()].filter((d) => !called.has(d)).sort();
  for (const dir of roots) {
    const def = await tree.def(dir);
    const inputs = await rootInputs(tree, dir, opts, errors);
    const label = roots.length > 1 ? `${tree.rel(dir) || '.'}:` : '';
    const inst = new ModuleInstance(
      tree,
      def,
      '',
      inputs,
      new Map<string, ProviderConf>(),
      '',
      await initModules(dir),
      label,
    );
    inst.configureProviders();
    await inst.expandCalls();
    const all: ModuleInstance[] = [];
    const walk = (m: ModuleInstance) => {
      all.push(m);
      m.children.forEach(walk);
    };
    walk(inst);
    for (const m of all) for (const i of m.instances()) resources.push(toResource(i));
  }
  for (const [, p] of tree.defs) {
    const def = await p;
    for (const f of def.files) out.files.push({ file: f, recognisedAs: ['terraform'] });
    for (const e of def.errors) {
      errors.push(new InputError(e.file, e.message, { line: e.line, column: e.column }));
      // The file's resources may be missing: every data set of the module's providers is incomplete.
      taints.push({
        provider: '*',
        address: def.dir || '.',
        account: EVERY_SCOPE,
        region: EVERY_SCOPE,
        origin: { kind: 'file', file: e.file, line: e.line, column: e.column },
        reason: `${e.message}: what the block declares is not known`,
      });
    }
  }
  for (const w of tree.warnings) out.warnings.push({ file: w.file, line: w.line, message: w.message });
  for (const u of tree.unexpanded)
    taints.push({
      provider: u.provider,
      ...(u.type ? { type: u.type } : {}),
      address: u.address,
      ...scopeOf(u.provider === '*' ? 'aws' : u.provider, u.conf),
      origin: { kind: 'file', file: u.file, line: u.line, column: u.column },
      reason: u.reason,
    });
  resources.sort((a, b) => a.address.localeCompare(b.address) || a.origin.file.localeCompare(b.origin.file));
  if (resources.some((r) => r.provider === 'aws') || taints.some((t) => t.provider === 'aws' || t.provider === '*'))
    out.inventory = mapAws(resources, taints);
  if (
    resources.some((r) => r.provider === 'azurerm' || r.provider === 'azapi') ||
    taints.some((t) => t.provider === 'azurerm' || t.provider === 'azapi')
  ) {
    const azure = mapAzure(resources, taints);
    out.azure = azure.inventory;
    errors.push(...azure.errors);
  }
  if (resources.some((r) => r.provider === 'google') || taints.some((t) => t.provider === 'google')) {
    const gcp = mapGoogle(resources, taints);
    out.gcp = gcp.inventory;
    errors.push(...gcp.errors);
    out.warnings.push(...gcp.warnings);
  }
  out.files.sort((a, b) => a.file.localeCompare(b.file));
  return out;
}

function scopeOf(provider: string, conf: ProviderConf): { account: string; region: string } {
  if (provider === 'aws')
    return { account: awsAccount(conf), region: typeof conf.region === 'string' ? conf.region : IAC_REGION };
  return {
    account: typeof conf.account === 'string' ? conf.account : IAC_ACCOUNT,
    region: typeof conf.region === 'string' ? conf.region : IAC_REGION,
  };
}

function toResource(i: TfInstance): TfResource {
  const origin: TfOrigin = { kind: 'file', file: i.file, line: i.line, column: i.column };
  return {
    address: i.address,
    type: i.type,
    provider: i.provider,
    // `id` is not enumerable (it is not an argument); an Azure resource's ARM id is what its record is keyed by.
    values: {
      ...(materialise(i.values) as ValueObject),
      ...(isMappedAzureType(i.type) || isMappedGoogleType(i.type) ? { id: materialise(i.values.id!) } : {}),
    },
    ...scopeOf(i.provider, i.conf),
    origin,
    ...(i.conf.declared ? { scopeOrigin: { kind: 'file', ...i.conf.declared } } : {}),
    attrLines: i.attrLines,
  };
}

/** terraform.tfvars, *.auto.tfvars (sorted), then --var-file and --var, later ones winning, as Terraform does. */
async function rootInputs(
  tree: Tree,
  dir: string,
  opts: TerraformOptions,
  errors: InputError[],
): Promise<Map<string, Value>> {
  const inputs = new Map<string, Value>();
  const { readdir } = await import('node:fs/promises');
  let names: string[] = [];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    // unreadable: the tree walk already reported it
  }
  const auto = [
    ...names.filter((n) => n === 'terraform.tfvars'),
    ...names.filter((n) => n.endsWith('.auto.tfvars')),
  ].map((n) => path.join(dir, n));
  const cwd = opts.cwd ?? process.cwd();
  for (const f of [...auto, ...(opts.varFiles ?? []).map((v) => path.resolve(cwd, v))]) {
    const file = path.isAbsolute(tree.rel(f)) || tree.rel(f).startsWith('..') ? f : tree.rel(f);
    let text: string;
    try {
      text = await readFile(f, 'utf8');
    } catch (err) {
      errors.push(
        new InputError(file, `cannot read variables file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`),
      );
      continue;
    }
    const parsed = await parseHcl(text);
    for (const e of parsed.errors) errors.push(new InputError(file, e.message, { line: e.line, column: e.column }));
    const scope = { file, lookup: () => undefined };
    for (const [name, a] of parsed.body.attrs) inputs.set(name, tree.evaluator.value(a.expr, scope));
  }
  for (const kv of opts.vars ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) {
      errors.push(new InputError('--var', `expected NAME=VALUE, got ${JSON.stringify(kv)}`));
      continue;
    }
    const name = kv.slice(0, eq).trim();
    const raw = kv.slice(eq + 1);
    inputs.set(name, await cliValue(tree, raw));
  }
  return inputs;
}

/** A --var value: an HCL expression when it reads as one (a list, a map, a number), else the raw string. */
async function cliValue(tree: Tree, raw: string): Promise<Value> {
  if (!/^\s*[[{]/.test(raw) && !/^-?\d+(\.\d+)?$/.test(raw.trim()) && !/^(true|false)$/.test(raw.trim())) return raw;
  const parsed = await parseHcl(`v = ${raw}\n`);
  const a = parsed.body.attrs.get('v');
  if (parsed.errors.length > 0 || !a) return raw;
  const v = tree.evaluator.value(a.expr, { file: '--var', lookup: () => undefined });
  return isUnknown(v) ? raw : v;
}

/** Remote modules `terraform init` downloaded: .terraform/modules/modules.json maps each call's key to its folder. */
async function initModules(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  try {
    const doc = JSON.parse(await readFile(path.join(dir, '.terraform', 'modules', 'modules.json'), 'utf8')) as {
      Modules?: { Key?: string; Dir?: string }[];
    };
    for (const m of doc.Modules ?? [])
      if (m.Key && m.Dir !== undefined && m.Key !== '') out.set(m.Key, path.resolve(dir, m.Dir));
  } catch {
    // not initialised: remote modules are reported as not read
  }
  return out;
}
