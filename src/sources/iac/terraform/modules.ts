/**
 * Terraform modules as cordon evaluates them: a module definition is the parsed .tf files of one directory; a module
 * instance binds it to its inputs (tfvars and CLI values at the root, the call's arguments below) and its provider
 * configurations, and evaluates variables, locals, resources (count / for_each expanded), data sources cordon can
 * answer statically, module calls and outputs — each lazily and once. A resource instance is an object whose `id` and
 * `arn` are its address (what references between resources resolve to) and whose other attributes are evaluated on
 * first read, so two security groups that reference each other's ids are no cycle.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Evaluator, INSTANCE, Lazy, withVars, type EvalValue, type Scope } from './eval.js';
import { parseHcl, type Attribute, type Block, type Body, type Expr, type HclSyntaxError } from './hcl.js';
import { azureResourceId, defineChildIds, isMappedAzureType } from './azure.js';
import { googleResourceId, googleSelfLink, googleStandIns, IAC_PROJECT, isMappedGoogleType } from './google-ids.js';
import { staticNetblocks } from './google-netblocks.js';
import { policyDocumentJson } from './policy-document.js';
import { modelDir, modelRefusal, registryModel } from './registry-models.js';
import { azPlaceholders } from '../../../inventory/aws.js';
import { conformToType } from './types.js';
import { isObject, isUnknown, Unknown, type Value, type ValueObject } from './values.js';

export interface Located {
  file: string;
  line: number;
  column: number;
}

export interface ResourceDecl extends Located {
  mode: 'managed' | 'data';
  type: string;
  name: string;
  body: Body;
}

export interface ModuleDef {
  /** Directory relative to the scanned root, with forward slashes ('' for the root itself). */
  dir: string;
  abs: string;
  variables: Map<string, Block & { file: string }>;
  locals: Map<string, Attribute & { file: string }>;
  resources: ResourceDecl[];
  data: Map<string, ResourceDecl>;
  calls: Map<string, Block & { file: string }>;
  outputs: Map<string, Block & { file: string }>;
  providers: (Block & { file: string })[];
  files: string[];
  errors: ({ file: string } & HclSyntaxError)[];
}

/**
 * The provider a Terraform Registry module source names (`[HOST/]NAMESPACE/NAME/PROVIDER[//SUBDIR]`), as the taints
 * name providers; '*' (every provider) for other sources and providers. Azure Verified Modules' utility and pattern
 * modules name the provider `azure` (`Azure/avm-utl-interfaces/azure`): Azure's, like azurerm and azapi — read as
 * every provider's, an Azure-only example reported every AWS check not assessed.
 */
function registryProvider(source: unknown): string {
  if (typeof source !== 'string') return '*';
  const m = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)+\/)?[\w-]+\/[\w-]+\/([\w-]+)(?:\/\/.*)?$/i.exec(source);
  const p = m?.[1]?.toLowerCase();
  if (p === 'azure') return 'azurerm';
  return p === 'aws' || p === 'azurerm' || p === 'azapi' ? p : p === 'google' || p === 'google-beta' ? 'google' : '*';
}

/** The text of every expression in a body, nested blocks included. */
function bodyText(b: Body): string {
  return [...[...b.attrs.values()].map((a) => a.expr.text), ...b.blocks.map((x) => bodyText(x.body))].join('\n');
}

/**
 * The module calls each call of a module reads, directly or through the locals and resources (and data sources) its
 * arguments name, by the references in their text.
 */
function moduleDependencies(def: ModuleDef): Map<string, Set<string>> {
  const texts = new Map<string, string>();
  for (const [n, a] of def.locals) texts.set(`local.${n}`, a.expr.text);
  for (const r of def.resources) texts.set(`${r.type}.${r.name}`, bodyText(r.body));
  for (const r of def.data.values()) texts.set(`data.${r.type}.${r.name}`, bodyText(r.body));
  const refs =
    /\b(module\.[A-Za-z_][\w-]*|local\.[A-Za-z_][\w-]*|data\.[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*|[a-z][a-z0-9]*_[\w-]+\.[A-Za-z_][\w-]*)/g;
  const closure = (start: string): Set<string> => {
    const out = new Set<string>();
    const seen = new Set<string>();
    const queue = [start];
    while (queue.length > 0) {
      for (const [ref] of queue.pop()!.matchAll(refs)) {
        if (seen.has(ref)) continue;
        seen.add(ref);
        if (ref.startsWith('module.')) out.add(ref.slice('module.'.length));
        else {
          const t = texts.get(ref);
          if (t !== undefined) queue.push(t);
        }
      }
    }
    return out;
  };
  return new Map([...def.calls].map(([name, decl]) => [name, closure(bodyText(decl.body))]));
}

/** A provider configuration: what decides a resource's scope. */
export interface ProviderConf {
  region?: Value;
  /** `allowed_account_ids` (AWS), `subscription_id` (azurerm) or `project` (google) when stated. */
  account?: Value;
  /** google: the provider's default zone. */
  zone?: Value;
  declared?: Located;
}

/** One expanded resource: its address, type, evaluated attributes (with Unknown where not static), origin. */
export interface TfInstance extends Located {
  address: string;
  type: string;
  /** `aws`, `azurerm`, `azapi`, `google`…: the provider (local name) that manages it. */
  provider: string;
  values: ValueObject;
  /** Lines of top-level attributes and nested block types, for findings about one attribute. */
  attrLines: Map<string, number>;
  conf: ProviderConf;
  module: string;
}

/** A resource (or module) whose instances cannot be known: an unknown count or for_each, a module not on disk. */
export interface Unexpanded extends Located {
  address: string;
  type?: string;
  provider: string;
  conf: ProviderConf;
  reason: string;
}

export interface TreeWarning extends Located {
  message: string;
}

/** What the whole tree shares: parsed module definitions, the evaluator, warnings and collected instances. */
/** Arguments of data.aws_availability_zones that take zones out of its list (the n-th is then another zone). */
const AZ_EXCLUSIONS = ['exclude_names', 'exclude_zone_ids', 'blacklisted_names', 'blacklisted_zone_ids', 'filter'];

export class Tree {
  readonly evaluator = new Evaluator();
  readonly defs = new Map<string, Promise<ModuleDef>>();
  readonly warnings: TreeWarning[] = [];
  readonly unexpanded: Unexpanded[] = [];

  constructor(readonly root: string) {}

  rel(abs: string): string {
    return path.relative(this.root, abs).split(path.sep).join('/');
  }

  /** `label` names a directory outside the scanned tree (a model shipped with cordon) in place of its path. */
  def(absDir: string, files?: string[], label?: string): Promise<ModuleDef> {
    let d = this.defs.get(absDir);
    if (!d) {
      d = loadModuleDef(this, absDir, files, label);
      this.defs.set(absDir, d);
    }
    return d;
  }
}

async function loadModuleDef(tree: Tree, abs: string, given?: string[], label?: string): Promise<ModuleDef> {
  const def: ModuleDef = {
    dir: label ?? tree.rel(abs),
    abs,
    variables: new Map(),
    locals: new Map(),
    resources: [],
    data: new Map(),
    calls: new Map(),
    outputs: new Map(),
    providers: [],
    files: [],
    errors: [],
  };
  let files = given;
  if (!files) {
    try {
      files = (await readdir(abs, { withFileTypes: true }))
        .filter((e) => e.isFile() && e.name.endsWith('.tf'))
        .map((e) => path.join(abs, e.name))
        .sort();
    } catch {
      files = [];
    }
  }
  for (const f of files) {
    const file = label ? `${label}/${path.basename(f)}` : tree.rel(f);
    def.files.push(file);
    let text: string;
    try {
      text = await readFile(f, 'utf8');
    } catch (err) {
      def.errors.push({
        file,
        line: 1,
        column: 1,
        message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      });
      continue;
    }
    const parsed = await parseHcl(text);
    for (const e of parsed.errors) def.errors.push({ file, ...e });
    addBody(def, file, parsed.body);
  }
  return def;
}

function addBody(def: ModuleDef, file: string, body: Body): void {
  const dup = (what: string, b: Located, first: Located) =>
    def.errors.push({
      file: b.file,
      line: b.line,
      column: b.column,
      message: `${what} is declared twice (first at ${first.file}:${first.line}); the second is ignored`,
    });
  for (const b of body.blocks) {
    const at = { ...b, file };
    const [l0, l1] = b.labels;
    switch (b.type) {
      case 'resource':
      case 'data': {
        if (l0 === undefined || l1 === undefined) {
          def.errors.push({ file, line: b.line, column: b.column, message: `${b.type} block needs a type and a name` });
          break;
        }
        const decl: ResourceDecl = {
          mode: b.type === 'data' ? 'data' : 'managed',
          type: l0,
          name: l1,
          body: b.body,
          file,
          line: b.line,
          column: b.column,
        };
        if (b.type === 'data') {
          const key = `${l0}.${l1}`;
          const first = def.data.get(key);
          if (first) dup(`data.${key}`, at, first);
          else def.data.set(key, decl);
        } else {
          const first = def.resources.find((r) => r.type === l0 && r.name === l1);
          if (first) dup(`${l0}.${l1}`, at, first);
          else def.resources.push(decl);
        }
        break;
      }
      case 'variable':
      case 'module':
      case 'output': {
        const map = b.type === 'variable' ? def.variables : b.type === 'module' ? def.calls : def.outputs;
        if (l0 === undefined) break;
        const first = map.get(l0);
        if (first) dup(`${b.type} ${l0}`, at, first);
        else map.set(l0, at);
        break;
      }
      case 'locals':
        for (const a of b.body.attrs.values()) {
          const first = def.locals.get(a.name);
          if (first) dup(`local.${a.name}`, { ...a, file }, first);
          else def.locals.set(a.name, { ...a, file });
        }
        break;
      case 'provider':
        def.providers.push(at);
        break;
      default:
        break; // terraform, moved, import, check…: nothing cordon evaluates
    }
  }
}

const META = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'provisioner', 'connection']);

/** Where a module's remote calls are on disk after `terraform init` (.terraform/modules/modules.json). */
export type InitModules = Map<string, string>;

export class ModuleInstance {
  private readonly localMemo = new Map<string, Value>();
  private readonly varMemo = new Map<string, Value>();
  private readonly resourceMemo = new Map<string, EvalValue>();
  private readonly callMemo = new Map<string, Promise<void>>();
  private readonly callValues = new Map<string, Value>();
  private readonly inProgress = new Set<string>();
  readonly children: ModuleInstance[] = [];

  constructor(
    readonly tree: Tree,
    readonly def: ModuleDef,
    /** '' for the root, `module.net`, `module.net["a"]`… */
    readonly address: string,
    /** Input values by variable name (already evaluated in the caller's scope). */
    readonly inputs: Map<string, Value>,
    readonly providers: Map<string, ProviderConf>,
    /** The key in .terraform/modules/modules.json ('' root, `net`, `net.vpc`). */
    readonly initKey: string,
    readonly initModules: InitModules,
    /**
     * For a root module of a tree that holds several (`examples/basic:`): each root is a deployment of its own, and
     * AWS resources are keyed by address, so two roots' `aws_vpc.this` would otherwise be one VPC in the inventory.
     * Module instances below the root carry it in their address.
     */
    readonly rootLabel = '',
    /**
     * For a module read through cordon's model of it (registry-models.ts): the call, where its resources are located
     * (the model's own lines mean nothing in the scanned code).
     */
    readonly modelledAt?: Located,
  ) {}

  private prefix(): string {
    return this.address ? `${this.address}.` : this.rootLabel;
  }

  scope(file: string, extra?: Map<string, EvalValue>): Scope {
    const base: Scope = { file, lookup: (name, at) => this.lookup(name, at, file) };
    return extra ? withVars(base, extra) : base;
  }

  private lookup(name: string, at: Expr, file: string): EvalValue | undefined {
    switch (name) {
      case 'var':
        return new Lazy('var', (n) => this.variable(n, at, file));
      case 'local':
        return new Lazy('local', (n) => this.local(n, at, file));
      case 'module':
        return new Lazy('module', (n) => this.callValue(n, at, file));
      case 'data':
        return new Lazy('data', (type) => new Lazy(`data.${type}`, (n) => this.dataValue(type, n, at, file)));
      case 'path':
        return { module: this.def.dir || '.', root: '.', cwd: '.' };
      case 'terraform':
        return { workspace: 'default' };
      case 'self':
      case 'each':
      case 'count':
        return undefined;
      default:
        if (this.def.resources.some((r) => r.type === name))
          return new Lazy(name, (n) => this.resourceValue(name, n, at, file));
        return undefined;
    }
  }

  variable(name: string, at: Expr, file: string): Value {
    const memo = this.varMemo.get(name);
    if (memo !== undefined) return memo;
    const decl = this.def.variables.get(name);
    if (!decl) {
      if (this.inputs.has(name)) return this.inputs.get(name)!;
      return new Unknown(`var.${name}`, `${file}:${at.line}`, 'no such variable is declared', true);
    }
    const dflt = decl.body.attrs.get('default');
    const scope = this.scope(decl.file);
    let v: Value;
    if (this.inputs.has(name)) v = this.inputs.get(name)!;
    else if (dflt) v = this.tree.evaluator.value(dflt.expr, scope);
    else
      return new Unknown(
        `var.${name}`,
        `${decl.file}:${decl.line}`,
        'variable has no default and no value was given (terraform.tfvars, *.auto.tfvars, --var-file, --var)',
      );
    // Converted to its declared type: optional attributes the value leaves out are there, with their defaults.
    const type = decl.body.attrs.get('type');
    if (type) v = conformToType(v, type.expr, (e) => this.tree.evaluator.value(e, scope));
    this.varMemo.set(name, v);
    return v;
  }

  local(name: string, at: Expr, file: string): Value {
    const memo = this.localMemo.get(name);
    if (memo !== undefined) return memo;
    const decl = this.def.locals.get(name);
    if (!decl) return new Unknown(`local.${name}`, `${file}:${at.line}`, 'no such local value', true);
    const key = `local.${name}`;
    if (this.inProgress.has(key)) return new Unknown(key, `${decl.file}:${decl.line}`, 'refers to itself', true);
    this.inProgress.add(key);
    const v = this.tree.evaluator.value(decl.expr, this.scope(decl.file));
    this.inProgress.delete(key);
    this.localMemo.set(name, v);
    return v;
  }

  providerOf(decl: ResourceDecl): { name: string; conf: ProviderConf } {
    const p = decl.body.attrs.get('provider');
    const local = decl.type.split('_')[0]!;
    const name = p ? p.expr.text.trim() : local;
    return { name: local, conf: this.providers.get(name) ?? this.providers.get(local) ?? {} };
  }

  /** The instance keys of a resource or module call: [undefined] for a single one, else indices or keys. */
  private expansion(
    body: Body,
    file: string,
    extra?: Map<string, EvalValue>,
  ): (number | string)[] | undefined | Unknown {
    const scope = this.scope(file, extra);
    const count = body.attrs.get('count');
    const forEach = body.attrs.get('for_each');
    if (count) {
      const n = this.tree.evaluator.value(count.expr, scope);
      if (isUnknown(n)) return n;
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
        return new Unknown(count.expr.text, `${file}:${count.line}`, 'count is not a whole number', true);
      return Array.from({ length: n }, (_, i) => i);
    }
    if (forEach) {
      const v = this.tree.evaluator.value(forEach.expr, scope);
      if (isUnknown(v)) return v;
      if (Array.isArray(v)) {
        const bad = v.find((x) => typeof x !== 'string');
        if (bad !== undefined)
          return isUnknown(bad)
            ? bad
            : new Unknown(forEach.expr.text, `${file}:${forEach.line}`, 'for_each over a set needs strings', true);
        return [...new Set(v as string[])].sort();
      }
      if (isObject(v)) return Object.keys(v).sort();
      return new Unknown(forEach.expr.text, `${file}:${forEach.line}`, 'for_each is not a map or a set', true);
    }
    return undefined;
  }

  private eachVars(body: Body, key: number | string | undefined, file: string): Map<string, EvalValue> {
    const vars = new Map<string, EvalValue>();
    if (typeof key === 'number') vars.set('count', { index: key });
    else if (typeof key === 'string') {
      const fe = body.attrs.get('for_each')!;
      const coll = this.tree.evaluator.value(fe.expr, this.scope(file));
      const value = isObject(coll) ? (coll[key] ?? null) : key;
      vars.set('each', { key, value });
    }
    return vars;
  }

  /** The value of `type.name`: one instance object, a list (count) or a map (for_each). */
  resourceValue(type: string, name: string, at: Expr, file: string): EvalValue {
    const key = `${type}.${name}`;
    const memo = this.resourceMemo.get(key);
    if (memo !== undefined) return memo;
    const decl = this.def.resources.find((r) => r.type === type && r.name === name);
    if (!decl) return new Unknown(`${type}.${name}`, `${file}:${at.line}`, 'no such resource in this module', true);
    if (this.inProgress.has(key))
      return new Unknown(key, `${decl.file}:${decl.line}`, 'count or for_each refers to itself', true);
    this.inProgress.add(key);
    const keys = this.expansion(decl.body, decl.file);
    this.inProgress.delete(key);
    let v: Value;
    if (keys === undefined) v = this.instanceObject(decl, undefined).values;
    else if (isUnknown(keys)) v = keys;
    else if (keys.every((k) => typeof k === 'number')) v = keys.map((k) => this.instanceObject(decl, k).values);
    else v = Object.fromEntries(keys.map((k) => [k, this.instanceObject(decl, k).values]));
    this.resourceMemo.set(key, v);
    return v;
  }

  private readonly instanceMemo = new Map<string, TfInstance>();

  instanceAddress(decl: ResourceDecl, key: number | string | undefined): string {
    const suffix = key === undefined ? '' : typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`;
    return `${this.prefix()}${decl.mode === 'data' ? 'data.' : ''}${decl.type}.${decl.name}${suffix}`;
  }

  instanceObject(decl: ResourceDecl, key: number | string | undefined): TfInstance {
    const address = this.instanceAddress(decl, key);
    const memo = this.instanceMemo.get(address);
    if (memo) return memo;
    const values: ValueObject = {};
    const attrLines = new Map<string, number>();
    const extra = this.eachVars(decl.body, key, decl.file);
    const scope = this.scope(decl.file, extra);
    // self.* in provisioners only; elsewhere it is an error Terraform reports.
    defineBody(
      this.tree.evaluator,
      values,
      decl.body,
      scope,
      address,
      this.modelledAt ? undefined : attrLines,
      this.inProgress,
    );
    const { name, conf } = this.providerOf(decl);
    // An Azure resource's id is the ARM id its name, group and parent give (the Azure inventory joins by ARM id).
    if (isMappedAzureType(decl.type)) {
      const subscription = typeof conf.account === 'string' ? conf.account : IAC_ACCOUNT;
      Object.defineProperty(values, 'id', {
        enumerable: false,
        configurable: true,
        get: () => {
          const id = azureResourceId(decl.type, values, subscription) ?? address;
          Object.defineProperty(values, 'id', { value: id, enumerable: false, configurable: true, writable: true });
          return id;
        },
      });
      defineChildIds(decl.type, values);
    }
    // A google resource's id is its relative name ("projects/p/global/networks/n"), as the GCP inventory joins by it.
    if (isMappedGoogleType(decl.type)) {
      const fix = (attr: string, make: () => Value) =>
        Object.defineProperty(values, attr, {
          enumerable: false,
          configurable: true,
          get: () => {
            const v = make();
            Object.defineProperty(values, attr, { value: v, enumerable: false, configurable: true, writable: true });
            return v;
          },
        });
      fix('id', () => googleResourceId(decl.type, values, conf, `${decl.file}:${decl.line}`, address) ?? address);
      fix('self_link', () => googleSelfLink(decl.type, values, conf, `${decl.file}:${decl.line}`) ?? address);
      for (const [attr, make] of googleStandIns(decl.type, values, address, `${decl.file}:${decl.line}`))
        if (!(attr in values)) fix(attr, make);
      // A resource that names no project is in its provider's (Google's documentation samples write the network's
      // `.project` into the resources beside it).
      if (!('project' in values) && decl.type !== 'google_project')
        fix('project', () => (typeof conf.account === 'string' ? conf.account : IAC_PROJECT));
    }
    // A service account's email is fixed by its account id and project (the API forms it so, and the provider reads
    // it back): Workbench instances, VMs and firewall rules name the account by it, and the Enterprise GenAI
    // blueprint's notebook was left out as "known only after apply" for `google_service_account.x.email`.
    if (decl.type === 'google_service_account')
      for (const [attr, prefix] of [
        ['email', ''],
        ['member', 'serviceAccount:'],
      ] as const)
        if (!(attr in values))
          Object.defineProperty(values, attr, {
            enumerable: false,
            configurable: true,
            get: () => {
              const project = 'project' in values ? values.project : conf.account;
              const v: Value =
                typeof values.account_id === 'string' && typeof project === 'string'
                  ? `${prefix}${values.account_id}@${project}.iam.gserviceaccount.com`
                  : new Unknown(`${address}.${attr}`, `${decl.file}:${decl.line}`, 'known only after apply');
              Object.defineProperty(values, attr, { value: v, enumerable: false, configurable: true, writable: true });
              return v;
            },
          });
    // What other resources refer to: `id` and `arn` resolve to the address (the resource's id in the inventory).
    // An endpoint service's name is AWS's to pick; its consumers' endpoints name it by reference, so it is one too.
    for (const attr of decl.type === 'aws_vpc_endpoint_service' ? ['id', 'arn', 'service_name'] : ['id', 'arn'])
      if (!(attr in values))
        Object.defineProperty(values, attr, { value: address, enumerable: false, writable: true, configurable: true });
    INSTANCE.set(values, address);
    const inst: TfInstance = {
      address,
      type: decl.type,
      provider: name,
      values,
      attrLines,
      conf,
      module: this.address,
      file: (this.modelledAt ?? decl).file,
      line: (this.modelledAt ?? decl).line,
      column: (this.modelledAt ?? decl).column,
    };
    this.instanceMemo.set(address, inst);
    return inst;
  }

  /** Every managed resource instance of this module (not its children); unknown expansions are recorded. */
  instances(): TfInstance[] {
    const out: TfInstance[] = [];
    for (const decl of this.def.resources) {
      const keys = this.expansion(decl.body, decl.file);
      if (isUnknown(keys)) {
        const { name, conf } = this.providerOf(decl);
        this.tree.unexpanded.push({
          address: `${this.prefix()}${decl.type}.${decl.name}`,
          type: decl.type,
          provider: name,
          conf,
          file: decl.file,
          line: decl.line,
          column: decl.column,
          reason: `how many instances is not known before deploy: ${keys.toString()}`,
        });
        continue;
      }
      for (const k of keys ?? [undefined]) out.push(this.instanceObject(decl, k));
    }
    return out;
  }

  dataValue(type: string, name: string, at: Expr, file: string): EvalValue {
    const decl = this.def.data.get(`${type}.${name}`);
    const where = `${file}:${at.line}`;
    if (!decl) return new Unknown(`data.${type}.${name}`, where, 'no such data source in this module', true);
    const conf = this.providerOf(decl).conf;
    // The scope rule: the provider's static region, else iac-region — pseudo-references give the same value.
    const region = typeof conf.region === 'string' ? conf.region : IAC_REGION;
    const account = awsAccount(conf);
    // One instance: its arguments read with its own each.key / each.value or count.index.
    const instance = (key: number | string | undefined) => {
      const scope = this.scope(decl.file, this.eachVars(decl.body, key, decl.file));
      const configured = (attr: string): Value | undefined => {
        const a = decl.body.attrs.get(attr);
        return a ? this.tree.evaluator.value(a.expr, scope) : undefined;
      };
      return this.dataInstance(type, name, where, decl, scope, configured, region, account, conf);
    };
    if (decl.body.attrs.has('count'))
      return new Lazy(`data.${type}.${name}`, (k) => (/^\d+$/.test(k) ? instance(Number(k)) : instance(undefined)));
    if (decl.body.attrs.has('for_each')) return new Lazy(`data.${type}.${name}`, (k) => instance(k));
    return instance(undefined);
  }

  /** The attributes cordon answers statically for one data source instance; the rest are read at plan time. */
  private dataInstance(
    type: string,
    name: string,
    where: string,
    decl: ResourceDecl,
    scope: Scope,
    configured: (attr: string) => Value | undefined,
    region: string,
    account: string,
    conf: ProviderConf,
  ): Lazy {
    return new Lazy(`data.${type}.${name}`, (attr): Value => {
      const unknown = () =>
        new Unknown(`data.${type}.${name}.${attr}`, where, 'read from the cloud at plan time, not known from the code');
      switch (`${type}.${attr}`) {
        case 'aws_region.name':
        case 'aws_region.id':
        case 'aws_region.region':
          return configured('name') ?? region;
        case 'aws_caller_identity.account_id':
          return account;
        case 'aws_availability_zones.names':
          // As CloudFormation's Fn::GetAZs (docs/iac.md): six placeholder zones, distinct indices distinct zones — the
          // account's own list is read at plan time. Not the region's letters: those are a guess (ap-northeast-1 has
          // no b for new accounts, exclude_names drops some) that a literal zone name elsewhere would match wrongly.
          return azPlaceholders(
            region,
            AZ_EXCLUSIONS.some((a) => decl.body.attrs.has(a) || decl.body.blocks.some((b) => b.type === a))
              ? `${this.prefix()}data.${type}.${name}`
              : undefined,
          );
        case 'aws_vpc_endpoint_service.service_name': {
          // As the provider looks it up: service_name when given, else com.amazonaws.<region>.<service>.
          const given = configured('service_name');
          if (typeof given === 'string' || isUnknown(given)) return given;
          const service = configured('service');
          if (isUnknown(service)) return service;
          return typeof service === 'string' ? `com.amazonaws.${region}.${service}` : unknown();
        }
        case 'aws_partition.partition':
          return 'aws';
        case 'aws_partition.dns_suffix':
          return 'amazonaws.com';
        case 'aws_iam_policy_document.json':
        case 'aws_iam_policy_document.minified_json':
          return policyDocumentJson(this.tree.evaluator, decl.body, scope, decl, (b) => this.scope(decl.file, b));
        case 'google_netblock_ip_ranges.cidr_blocks':
        case 'google_netblock_ip_ranges.cidr_blocks_ipv4':
        case 'google_netblock_ip_ranges.cidr_blocks_ipv6':
          // Without range_type the provider reads cloud-netblocks, which it fetches at plan time.
          return staticNetblocks(configured('range_type'), attr) ?? unknown();
        case 'azurerm_client_config.subscription_id':
          return conf.account ?? IAC_ACCOUNT;
        case 'azurerm_subscription.subscription_id':
          return configured('subscription_id') ?? conf.account ?? IAC_ACCOUNT;
        default:
          // An argument the data source was given is known (a looked-up resource group's name); the rest is read.
          return (attr === 'name' || attr === 'resource_group_name' ? configured(attr) : undefined) ?? unknown();
      }
    });
  }

  /** Expands and evaluates every module call (children first reachable through `children`). */
  async expandCalls(): Promise<void> {
    // A call's inputs are evaluated when it is expanded, so the calls whose outputs they read (directly, or through
    // locals and resources) go first: Terraform orders by references, not by name. In name order, an example calling
    // `module.network_firewall` with `module.vpc` outputs read "no such module call" (and `try()` took its default).
    const deps = moduleDependencies(this.def);
    const visiting = new Set<string>();
    const visit = async (name: string): Promise<void> => {
      if (visiting.has(name)) return; // a cycle, which Terraform rejects: name order decides
      visiting.add(name);
      // Only calls of this module: a reference to another name is the evaluator's "no such module call".
      for (const d of [...(deps.get(name) ?? [])].sort()) if (d !== name && this.def.calls.has(d)) await visit(d);
      await this.call(name);
    };
    for (const name of [...this.def.calls.keys()].sort()) await visit(name);
  }

  private call(name: string): Promise<void> {
    let p = this.callMemo.get(name);
    if (!p) {
      p = this.callInner(name);
      this.callMemo.set(name, p);
    }
    return p;
  }

  private async callInner(name: string): Promise<void> {
    const decl = this.def.calls.get(name)!;
    const ev = this.tree.evaluator;
    const sourceAttr = decl.body.attrs.get('source');
    const source = sourceAttr?.expr.k === 'lit' ? sourceAttr.expr.v : undefined;
    const address = `${this.prefix()}module.${name}`;
    const initKey = this.initKey ? `${this.initKey}.${name}` : name;
    let dir: string | undefined;
    if (typeof source === 'string' && (source.startsWith('./') || source.startsWith('../')))
      dir = path.resolve(this.def.abs, source);
    else if (this.initModules.has(initKey)) dir = this.initModules.get(initKey);
    // A registry module not on disk that cordon has a model of (registry-models.ts) is read through the model when
    // the version constraint admits only versions it states; `noModel` says why not, for the warning.
    let model: Exclude<ReturnType<typeof registryModel>, string | undefined> | undefined;
    let noModel: string | undefined;
    if (dir === undefined && typeof source === 'string') {
      const versionAttr = decl.body.attrs.get('version');
      const found = registryModel(
        source,
        versionAttr === undefined ? undefined : versionAttr.expr.k === 'lit' ? versionAttr.expr.v : null,
      );
      const modelAt = typeof found === 'object' ? modelDir(found.model.dir) : undefined;
      if (typeof found === 'string') noModel = found;
      else if (found && !modelAt) noModel = "cordon's model of it is missing from this installation";
      else if (found && modelAt) [dir, model] = [modelAt, found];
    }
    const providers = this.childProviders(decl);
    // A call whose resources cannot be known: every data set of its providers' scope is incomplete — of the provider
    // a registry source names (NAMESPACE/NAME/PROVIDER), else of every provider.
    const provider = registryProvider(source);
    const unread = (reason: string) =>
      this.tree.unexpanded.push({
        address,
        provider,
        conf:
          (provider === '*' ? undefined : providers.get(provider)) ??
          providers.get('aws') ??
          providers.get('azurerm') ??
          {},
        file: decl.file,
        line: decl.line,
        column: decl.column,
        reason,
      });
    /** A call not on disk (or refused by its model): warned about, its resources unknown, its outputs unknown. */
    const notOnDisk = (why: string | undefined) => {
      const reason = `module source ${JSON.stringify(source ?? sourceAttr?.expr.text ?? '(none)')} is not on disk (run terraform init, or vendor it)${why ? `; ${why}` : ''}; not read`;
      this.tree.warnings.push({
        file: decl.file,
        line: decl.line,
        column: decl.column,
        message: `${address}: ${reason}`,
      });
      unread(`${address} (${decl.file}:${decl.line}): ${reason}, so the resources it declares are not known`);
      this.callValues.set(name, new Unknown(address, `${decl.file}:${decl.line}`, reason));
    };
    if (dir === undefined) {
      notOnDisk(noModel);
      return;
    }
    const def = await this.tree.def(dir, undefined, model ? `(cordon's model of ${model.model.source})` : undefined);
    const keys = this.expansion(decl.body, decl.file);
    if (isUnknown(keys)) {
      unread(`${address}: how many instances is not known before deploy: ${keys.toString()}`);
      this.callValues.set(name, keys);
      return;
    }
    const inputsOf = (k: number | string | undefined): Map<string, Value> => {
      const scope = this.scope(decl.file, this.eachVars(decl.body, k, decl.file));
      const inputs = new Map<string, Value>();
      for (const [arg, a] of decl.body.attrs) {
        if (META.has(arg) || arg === 'source' || arg === 'version' || arg === 'providers') continue;
        inputs.set(arg, ev.value(a.expr, scope));
      }
      return inputs;
    };
    // Through a model, every instance's inputs are checked first: one input the model does not read leaves the whole
    // call unread, as a module not on disk.
    const given = new Map<number | string | undefined, Map<string, Value>>();
    if (model) {
      const declared = new Set(def.variables.keys());
      for (const k of keys ?? [undefined]) {
        const inputs = inputsOf(k);
        const refused = modelRefusal(model, declared, inputs);
        if (refused !== undefined) {
          notOnDisk(refused);
          return;
        }
        given.set(k, inputs);
      }
      this.tree.warnings.push({
        file: decl.file,
        line: decl.line,
        column: decl.column,
        message: `${address}: ${source} is not on disk: read through cordon's model of the module (what it deploys that cordon checks, versions ${model.model.since.join('.')} and below ${model.model.before.join('.')}); run terraform init to read the module itself`,
      });
    }
    const outputsOf = (child: ModuleInstance): ValueObject => {
      const out: ValueObject = {};
      for (const [o, block] of child.def.outputs) {
        const v = block.body.attrs.get('value');
        Object.defineProperty(out, o, {
          enumerable: true,
          configurable: true,
          get: () => {
            const val = v ? ev.value(v.expr, child.scope(block.file)) : null;
            Object.defineProperty(out, o, { value: val, enumerable: true, configurable: true, writable: true });
            return val;
          },
        });
      }
      return out;
    };
    const values: [number | string | undefined, ValueObject][] = [];
    for (const k of keys ?? [undefined]) {
      const inputs = given.get(k) ?? inputsOf(k);
      const suffix = k === undefined ? '' : typeof k === 'number' ? `[${k}]` : `[${JSON.stringify(k)}]`;
      const child = new ModuleInstance(
        this.tree,
        def,
        address + suffix,
        inputs,
        providers,
        initKey,
        this.initModules,
        '',
        model ? { file: decl.file, line: decl.line, column: decl.column } : undefined,
      );
      this.children.push(child);
      values.push([k, outputsOf(child)]);
      await child.expandCalls();
    }
    this.callValues.set(
      name,
      keys === undefined
        ? values[0]![1]
        : keys.every((k) => typeof k === 'number')
          ? values.map(([, v]) => v)
          : Object.fromEntries(values.map(([k, v]) => [k as string, v])),
    );
  }

  private callValue(name: string, at: Expr, file: string): Value {
    const v = this.callValues.get(name);
    if (v !== undefined) return v;
    return new Unknown(`module.${name}`, `${file}:${at.line}`, 'no such module call', true);
  }

  /** Providers a child sees: the default ones it inherits, remapped by `providers = { aws = aws.west }`. */
  private childProviders(decl: Block & { file: string }): Map<string, ProviderConf> {
    const out = new Map<string, ProviderConf>();
    for (const [k, v] of this.providers) if (!k.includes('.')) out.set(k, v);
    const map = decl.body.attrs.get('providers');
    if (map?.expr.k === 'object')
      for (const { key, value } of map.expr.items) {
        const k = key.k === 'lit' ? String(key.v) : key.text;
        const conf = this.providers.get(value.text.trim());
        if (conf) out.set(k, conf);
      }
    return out;
  }

  /** This module's own provider blocks (root: all configurations; a legacy child may have its own). */
  configureProviders(): void {
    for (const p of this.def.providers) {
      const name = p.labels[0];
      if (!name) continue;
      const alias = p.body.attrs.get('alias');
      const scope = this.scope(p.file);
      const aliasName = alias ? this.tree.evaluator.value(alias.expr, scope) : undefined;
      const key = typeof aliasName === 'string' ? `${name}.${aliasName}` : name;
      const region = p.body.attrs.get('region') ?? p.body.attrs.get('location');
      const account =
        p.body.attrs.get('allowed_account_ids') ?? p.body.attrs.get('subscription_id') ?? p.body.attrs.get('project');
      const zone = p.body.attrs.get('zone');
      this.providers.set(key, {
        ...(region ? { region: this.tree.evaluator.value(region.expr, scope) } : {}),
        ...(zone ? { zone: this.tree.evaluator.value(zone.expr, scope) } : {}),
        ...(account ? { account: this.tree.evaluator.value(account.expr, scope) } : {}),
        declared: { file: p.file, line: p.line, column: p.column },
      });
    }
  }
}

/** The scope rule (docs/iac.md): the provider's static region, else this. */
export const IAC_REGION = 'iac-region';
export const IAC_ACCOUNT = 'iac';

/** The account of an AWS provider: one literal allowed account id, else `iac`. */
export function awsAccount(conf: ProviderConf): string {
  const a = conf.account;
  if (Array.isArray(a) && a.length === 1 && typeof a[0] === 'string' && /^\d{12}$/.test(a[0])) return a[0];
  return IAC_ACCOUNT;
}

/**
 * Defines a body's attributes and blocks on `target` as lazy getters (evaluated on first read, then fixed). Nested
 * blocks become lists of objects, as in a plan's values; `dynamic` blocks are expanded where their for_each is known.
 */
export function defineBody(
  ev: Evaluator,
  target: ValueObject,
  body: Body,
  scope: Scope,
  address: string,
  lines: Map<string, number> | undefined,
  inProgress: Set<string>,
): void {
  for (const [name, a] of body.attrs) {
    if (META.has(name)) continue;
    lines?.set(name, a.line);
    lazyProperty(target, name, () => {
      const key = `${address}.${name}`;
      if (inProgress.has(key)) return new Unknown(key, `${scope.file}:${a.line}`, 'refers to itself', true);
      inProgress.add(key);
      try {
        return ev.value(a.expr, scope);
      } finally {
        inProgress.delete(key);
      }
    });
  }
  const byType = new Map<string, Block[]>();
  for (const b of body.blocks) {
    if (META.has(b.type)) continue;
    const type = b.type === 'dynamic' ? (b.labels[0] ?? '') : b.type;
    if (!byType.has(type)) byType.set(type, []);
    byType.get(type)!.push(b);
    if (!lines?.has(type)) lines?.set(type, b.line);
  }
  for (const [type, blocks] of byType)
    lazyProperty(target, type, () => {
      const out: Value[] = [];
      for (const b of blocks) {
        if (b.type !== 'dynamic') {
          out.push(withComputedIds(blockObject(ev, b.body, scope, address, inProgress), address, type));
          continue;
        }
        const fe = b.body.attrs.get('for_each');
        const content = b.body.blocks.find((c) => c.type === 'content');
        if (!fe || !content) continue;
        const coll = ev.value(fe.expr, scope);
        if (isUnknown(coll)) return coll;
        const it = b.body.attrs.get('iterator');
        const iter = it ? it.expr.text.trim() : type;
        const entries: [Value, Value][] = Array.isArray(coll)
          ? coll.map((v, i) => [i, v])
          : isObject(coll)
            ? Object.keys(coll)
                .sort()
                .map((k) => [k, coll[k]!])
            : [];
        for (const [k, v] of entries)
          out.push(
            blockObject(
              ev,
              content.body,
              withVars(scope, new Map([[iter, { key: k, value: v }]])),
              address,
              inProgress,
            ),
          );
      }
      return out;
    });
}

function blockObject(ev: Evaluator, body: Body, scope: Scope, address: string, inProgress: Set<string>): ValueObject {
  const o: ValueObject = {};
  defineBody(ev, o, body, scope, address, undefined, inProgress);
  return o;
}

/**
 * Ids a provider computes inside a block for something it creates with the resource, named like the VPC's default
 * group (`<address>.<attribute>`), so the inventory can hold that thing and references to it join: EKS's cluster
 * security group (`aws_eks_cluster.x.vpc_config[0].cluster_security_group_id`, terraform/aws.ts).
 */
const COMPUTED_IN_BLOCK: Record<string, string[]> = { 'aws_eks_cluster|vpc_config': ['cluster_security_group_id'] };

function withComputedIds(o: ValueObject, address: string, block: string): ValueObject {
  const type = /(?:^|\.)([a-z0-9]+_[a-z0-9_]+)\.[^.[]+(?:\[[^\]]*\])?$/.exec(address)?.[1];
  for (const attr of COMPUTED_IN_BLOCK[`${type}|${block}`] ?? [])
    if (!(attr in o))
      Object.defineProperty(o, attr, {
        value: `${address}.${attr}`,
        enumerable: false,
        writable: true,
        configurable: true,
      });
  return o;
}

function lazyProperty(target: ValueObject, name: string, compute: () => Value): void {
  Object.defineProperty(target, name, {
    enumerable: true,
    configurable: true,
    get: () => {
      const v = compute();
      Object.defineProperty(target, name, { value: v, enumerable: true, configurable: true, writable: true });
      return v;
    },
  });
}
