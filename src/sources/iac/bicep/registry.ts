/**
 * Bicep registry modules (`br:registry/repo:tag`, `br/public:avm/res/…:tag`, `br/<alias>:path:tag`) read from the
 * local module cache `bicep restore` / `bicep build` fill: `<cache root>/br/<registry>/<repository, '/' as '$'>/<tag>$/
 * main.json`, the module compiled to an ARM template (its own modules inlined), which the ARM reader evaluates with the
 * parameters the call passes. The cache root is `cacheRootDirectory` of the nearest bicepconfig.json, else
 * `~/.bicep`; module aliases come from the same file's `moduleAliases.br` (`public` is built in). cordon never fetches
 * a module: one not in the cache stays unread, and what it could declare makes its subscription's data sets
 * incomplete (arm/template.ts).
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { InputError } from '../../../util/errors.js';
import { parseLocatedJson } from '../../../util/located-json.js';
import type { LinkCall, SourceDoc } from '../arm/template.js';
import { AVM_MODELS, type ModuleModel } from './avm-models.js';

/** The public registry's alias, built into Bicep. */
const PUBLIC = { registry: 'mcr.microsoft.com', modulePath: 'bicep' };

interface BicepConfig {
  /** The folder holding the bicepconfig.json (absolute), or undefined when none was found. */
  dir?: string;
  cacheRoot: string;
  aliases: Map<string, { registry: string; modulePath?: string }>;
}

export interface RegistryReference {
  registry: string;
  repository: string;
  tag: string;
}

/**
 * The registry, repository and tag a module path names; a string saying why not (an unknown alias, a digest, a
 * template spec) when it cannot be placed in the cache.
 */
export function parseRegistryReference(
  ref: string,
  aliases: ReadonlyMap<string, { registry: string; modulePath?: string }>,
): RegistryReference | string {
  if (/^ts[:/]/i.test(ref)) return 'a template spec, which lives in Azure, not in a file';
  const m = /^br(?::|\/([^:]+):)(.+)$/i.exec(ref);
  if (!m) return 'not a registry reference';
  let rest = m[2]!;
  if (rest.includes('@')) return 'pinned by digest: cordon reads restored modules by tag only';
  const colon = rest.lastIndexOf(':');
  if (colon < 0) return 'no tag';
  const tag = rest.slice(colon + 1);
  rest = rest.slice(0, colon);
  let registry: string;
  let repository: string;
  if (m[1] !== undefined) {
    const alias = m[1].toLowerCase() === 'public' ? (aliases.get('public') ?? PUBLIC) : aliases.get(m[1]);
    if (!alias) return `alias ${m[1]} is not defined in a bicepconfig.json (moduleAliases.br)`;
    registry = alias.registry;
    repository = alias.modulePath ? `${alias.modulePath}/${rest}` : rest;
  } else {
    const slash = rest.indexOf('/');
    if (slash < 0) return 'no repository';
    registry = rest.slice(0, slash);
    repository = rest.slice(slash + 1);
  }
  return { registry: registry.toLowerCase(), repository: repository.toLowerCase(), tag };
}

/** Where `bicep restore` writes a module's compiled template. */
export function cachedModulePath(cacheRoot: string, r: RegistryReference): string {
  return path.join(cacheRoot, 'br', r.registry, r.repository.replace(/\//g, '$'), `${r.tag}$`, 'main.json');
}

/** Reads registry modules for the Bicep files of one scan, caching configurations and templates. */
export class RegistryModules {
  private readonly configs = new Map<string, BicepConfig>();
  private readonly templates = new Map<string, SourceDoc | string>();

  constructor(
    /** The scanned folder (absolute): a cached template is named relative to it when it lies inside. */
    private readonly base: string,
    /** The cache root when no bicepconfig.json sets one (`~/.bicep`). */
    private readonly defaultCacheRoot = path.join(homedir(), '.bicep'),
  ) {}

  /**
   * The compiled template of the module `ref` that the Bicep file `from` (relative to the scanned folder) calls, or
   * why it cannot be read.
   */
  load(from: string, ref: string, call?: LinkCall): SourceDoc | string {
    const config = this.configFor(path.dirname(path.join(this.base, from)));
    const r = parseRegistryReference(ref, config.aliases);
    if (typeof r === 'string') return r;
    const file = cachedModulePath(config.cacheRoot, r);
    let doc = this.templates.get(file);
    if (doc === undefined) {
      doc = this.read(file);
      this.templates.set(file, doc);
    }
    if (typeof doc !== 'string' || !call) return doc;
    const model = this.model(r, call);
    if (typeof model === 'string') return `${doc}; ${model}`;
    // Said once per call, however many times it is evaluated (a loop, its outputs).
    const key = `${from}:${call.at.line ?? 0}:${ref}`;
    if (!this.said.has(key)) {
      this.said.add(key);
      this.modelled.push({
        file: from,
        ...(call.at.line !== undefined ? { line: call.at.line } : {}),
        message: `${ref} is not in the Bicep module cache: read through cordon's model of the module (what it deploys that cordon checks); run bicep restore to read the module itself`,
      });
    }
    return { file: from, value: model.template, locate: () => call.at };
  }

  /** Calls read through a model of the module (avm-models.ts), to say so. */
  readonly modelled: { file: string; line?: number; message: string }[] = [];
  private readonly said = new Set<string>();

  /** The model of an Azure Verified Module for this call, or why there is none. */
  private model(r: RegistryReference, call: LinkCall): ModuleModel | string {
    const model = r.registry === PUBLIC.registry ? AVM_MODELS.get(r.repository) : undefined;
    if (!model) return 'cordon has no model of it';
    const v = /^(\d+)\.(\d+)/.exec(r.tag);
    const before = ([major, minor]: [number, number]) =>
      !v || Number(v[1]) < major || (Number(v[1]) === major && Number(v[2]) < minor);
    if (before(model.since)) return `cordon's model of it follows versions ${model.since.join('.')} and later`;
    const [major, minor] = model.through;
    if (Number(v![1]) > major || (Number(v![1]) === major && Number(v![2]) > minor))
      return `cordon's model of it follows versions up to ${model.through.join('.')}, and a later one may deploy differently`;
    for (const [param, since] of Object.entries(model.paramSince ?? {}))
      if (call.parameters.includes(param) && before(since))
        return `cordon's model of it reads ${param} as versions ${since.join('.')} and later take it`;
    const known = new Set(Object.keys(model.template.parameters as Record<string, unknown>));
    const unknown = call.parameters.filter((p) => !known.has(p));
    if (unknown.length > 0) return `cordon's model of it does not read the parameter(s) ${unknown.join(', ')}`;
    return model;
  }

  private read(file: string): SourceDoc | string {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return `not in the Bicep module cache (${file}): run bicep restore (or bicep build) before the scan`;
    }
    const rel = path.relative(this.base, file);
    const name = rel.startsWith('..') || path.isAbsolute(rel) ? file : rel.split(path.sep).join('/');
    try {
      const doc = parseLocatedJson(name, text, { jsonc: true });
      return { file: doc.file, value: doc.value, locate: (p) => doc.locate(p) };
    } catch (err) {
      return err instanceof InputError ? err.format() : `cannot read ${name}`;
    }
  }

  /** The nearest bicepconfig.json at or above `dir` (Bicep's own lookup), read once per folder. */
  private configFor(dir: string): BicepConfig {
    const hit = this.configs.get(dir);
    if (hit) return hit;
    let config: BicepConfig;
    const file = path.join(dir, 'bicepconfig.json');
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      text = undefined;
    }
    const parent = path.dirname(dir);
    if (text !== undefined) config = this.parseConfig(dir, file, text);
    else if (parent === dir) config = { cacheRoot: this.defaultCacheRoot, aliases: new Map() };
    else config = this.configFor(parent);
    this.configs.set(dir, config);
    return config;
  }

  private parseConfig(dir: string, file: string, text: string): BicepConfig {
    const config: BicepConfig = { dir, cacheRoot: this.defaultCacheRoot, aliases: new Map() };
    let v: unknown;
    try {
      v = parseLocatedJson(file, text, { jsonc: true }).value;
    } catch {
      // A bicepconfig.json Bicep itself would reject: the defaults (its problems are Bicep's to report).
      return config;
    }
    if (!isRecord(v)) return config;
    if (typeof v.cacheRootDirectory === 'string' && v.cacheRootDirectory !== '') {
      const root = v.cacheRootDirectory.replace(/^~(?=$|[\\/])/, homedir());
      config.cacheRoot = path.resolve(dir, root);
    }
    const br = isRecord(v.moduleAliases) ? v.moduleAliases.br : undefined;
    if (isRecord(br))
      for (const [alias, a] of Object.entries(br))
        if (isRecord(a) && typeof a.registry === 'string')
          config.aliases.set(alias, {
            registry: a.registry,
            ...(typeof a.modulePath === 'string' ? { modulePath: a.modulePath } : {}),
          });
    return config;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
