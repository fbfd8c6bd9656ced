/**
 * `terraform show -json` plans (developer.hashicorp.com/terraform/internals/json-format). Every value is resolved
 * except those `after_unknown` marks; those are Unknown, except a reference to another resource's `id` / `arn` in the
 * same plan (read from `configuration`), which resolves to that resource's address as in an HCL directory — in a plan
 * that creates a VPC and its subnets, every subnet's vpc_id is unknown and would otherwise join nothing.
 */
import { InputError } from '../../../util/errors.js';
import { parseLocatedJson } from '../../../util/located-json.js';
import { IAC_ACCOUNT, IAC_REGION, awsAccount } from './modules.js';
import { azureResourceId, isMappedAzureType } from './azure.js';
import { googleResourceId, isMappedGoogleType } from './google-ids.js';
import type { TfResource } from './resource.js';
import { isObject, Unknown, type Value, type ValueObject } from './values.js';

/** Whether a parsed JSON document is a Terraform plan (or state) in the JSON output format. */
export function isTerraformPlan(doc: unknown): boolean {
  return (
    typeof doc === 'object' &&
    doc !== null &&
    'format_version' in doc &&
    ('planned_values' in doc || 'resource_changes' in doc)
  );
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

interface ConfigModule {
  resources: Map<string, Json>;
  calls: Map<string, ConfigModule>;
}

function configModule(m: Json | undefined): ConfigModule {
  const resources = new Map<string, Json>();
  for (const r of arr(m?.resources)) {
    const o = obj(r);
    if (o && typeof o.address === 'string') resources.set(o.address, o);
  }
  const calls = new Map<string, ConfigModule>();
  for (const [name, c] of Object.entries(obj(m?.module_calls) ?? {}))
    calls.set(name, configModule(obj(obj(c)?.module)));
  return { resources, calls };
}

/** Reads one plan document into resources; a bad item is an error and the rest is read. */
export function readPlan(file: string, text: string): { resources: TfResource[]; errors: InputError[] } {
  const errors: InputError[] = [];
  let located;
  try {
    located = parseLocatedJson(file, text);
  } catch (err) {
    if (err instanceof InputError) return { resources: [], errors: [err] };
    throw err;
  }
  const doc = obj(located.value) ?? {};
  const config = obj(doc.configuration);
  const rootConfig = configModule(obj(config?.root_module));
  const variables = obj(doc.variables) ?? {};
  const providerConfig = obj(config?.provider_config) ?? {};
  const providerValue = (key: string, attr: string): Value | undefined => {
    // A module's resources name "net:aws"; an inherited configuration is the root's "aws".
    const conf = obj(providerConfig[key]) ?? obj(providerConfig[key.slice(key.lastIndexOf(':') + 1)]);
    const exprs = obj(conf?.expressions);
    const e = obj(exprs?.[attr]);
    if (!e) return undefined;
    if ('constant_value' in e) return e.constant_value as Value;
    const ref = arr(e.references).find((r): r is string => typeof r === 'string' && r.startsWith('var.'));
    const v = ref ? obj(variables[ref.slice(4)])?.value : undefined;
    return v === undefined ? new Unknown(`provider ${key} ${attr}`, file, 'not a constant') : (v as Value);
  };
  const resources: TfResource[] = [];
  const changes = arr(doc.resource_changes);
  const items: { item: Json; pointer: string; values: unknown; unknown: unknown }[] = [];
  if (changes.length > 0)
    changes.forEach((c, i) => {
      const item = obj(c);
      const change = obj(item?.change);
      const actions = arr(change?.actions);
      if (!item || !change) {
        errors.push(
          new InputError(
            file,
            'resource change is not an object with a change',
            located.locate(`/resource_changes/${i}`),
          ),
        );
        return;
      }
      if (actions.length === 1 && actions[0] === 'delete') return; // being destroyed: not in the result
      items.push({ item, pointer: `/resource_changes/${i}`, values: change.after, unknown: change.after_unknown });
    });
  else {
    const walk = (m: Json | undefined, pointer: string) => {
      arr(m?.resources).forEach((r, i) => {
        const item = obj(r);
        if (item) items.push({ item, pointer: `${pointer}/resources/${i}`, values: item.values, unknown: undefined });
      });
      arr(m?.child_modules).forEach((c, i) => walk(obj(c), `${pointer}/child_modules/${i}`));
    };
    walk(obj(obj(doc.planned_values)?.root_module), '/planned_values/root_module');
  }
  for (const { item, pointer, values, unknown } of items) {
    const pos = located.locate(pointer);
    const origin = { kind: 'file' as const, file, line: pos.line ?? 1, column: pos.column ?? 1 };
    if (item.mode !== undefined && item.mode !== 'managed') continue;
    const address = item.address;
    const type = item.type;
    if (
      typeof address !== 'string' ||
      typeof type !== 'string' ||
      (values !== null && values !== undefined && !obj(values))
    ) {
      errors.push(new InputError(file, 'resource has no address, type or values object', pos));
      continue;
    }
    if (values === null || values === undefined) continue;
    const moduleAddress = typeof item.module_address === 'string' ? item.module_address : '';
    const cfg = configFor(
      rootConfig,
      moduleAddress,
      typeof item.type === 'string' ? `${type}.${String(item.name)}` : '',
    );
    const prefix = moduleAddress ? `${moduleAddress}.` : '';
    const merged = withUnknowns(
      values as Value,
      unknown,
      obj(cfg?.expressions),
      prefix,
      `${address}`,
      `${file}:${origin.line}`,
    ) as ValueObject;
    const providerKey = typeof cfg?.provider_config_key === 'string' ? cfg.provider_config_key : type.split('_')[0]!;
    const local = type.split('_')[0]!;
    const region = providerValue(providerKey, 'region');
    const account = providerValue(
      providerKey,
      local === 'aws' ? 'allowed_account_ids' : local === 'google' ? 'project' : 'subscription_id',
    );
    // A google resource's id is its relative name: built like in HCL where the plan leaves it unknown.
    if (
      isMappedGoogleType(type) &&
      !(typeof merged.id === 'string' && /^(projects|accessPolicies)\//.test(merged.id))
    ) {
      const zone = providerValue(providerKey, 'zone');
      const id = googleResourceId(
        type,
        merged,
        {
          ...(typeof account === 'string' ? { account } : {}),
          ...(typeof region === 'string' ? { region } : {}),
          ...(typeof zone === 'string' ? { zone } : {}),
        },
        `${file}:${origin.line}`,
        address,
      );
      if (id !== undefined) merged.id = id;
    }
    resources.push({
      address,
      type,
      provider: local,
      values: merged,
      account:
        local === 'aws'
          ? awsAccount({ ...(account !== undefined ? { account } : {}) })
          : typeof account === 'string'
            ? account
            : IAC_ACCOUNT,
      region: typeof region === 'string' ? region : IAC_REGION,
      origin,
      // Lines of the planned attributes, for items that point at the attribute whose value is not known.
      attrLines: new Map(
        Object.keys(merged).map((k) => [
          k,
          located.locate(`${pointer}/${changes.length > 0 ? 'change/after' : 'values'}/${k}`).line ?? origin.line,
        ]),
      ),
    });
  }
  resolveAzureIds(resources);
  resolveGoogleIds(resources);
  return { resources, errors };
}

/**
 * Azure resources are keyed by ARM id: an id the plan leaves unknown is built from the name, group and parent (as for
 * HCL), and references that resolved to an address are replaced by that resource's ARM id — resource groups and
 * azurerm resources first, then azapi resources, whose ids hang under a parent_id that may be one of those.
 */
function resolveAzureIds(resources: TfResource[]): void {
  const ids = new Map<string, string>();
  const replace = (v: Value): Value => {
    if (typeof v === 'string') return ids.get(v) ?? v;
    if (Array.isArray(v)) return v.map(replace);
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)]));
    return v;
  };
  const azure = resources.filter((r) => isMappedAzureType(r.type));
  for (const pass of [(t: string) => t !== 'azapi_resource', (t: string) => t === 'azapi_resource']) {
    for (const r of azure.filter((x) => pass(x.type))) {
      r.values = replace(r.values) as ValueObject;
      const known = r.values.id;
      const id =
        typeof known === 'string' && known.startsWith('/') ? known : azureResourceId(r.type, r.values, r.account);
      if (id !== undefined) r.values.id = id;
      if (typeof id === 'string') ids.set(r.address, id);
    }
  }
  for (const r of azure) r.values = replace(r.values) as ValueObject;
}

/** References that resolved to a google resource's address (`.id`, `.self_link`) take its relative name. */
function resolveGoogleIds(resources: TfResource[]): void {
  const google = resources.filter((r) => isMappedGoogleType(r.type));
  const ids = new Map(google.filter((r) => typeof r.values.id === 'string').map((r) => [r.address, r.values.id]));
  const replace = (v: Value): Value => {
    if (typeof v === 'string') return ids.get(v) ?? v;
    if (Array.isArray(v)) return v.map(replace);
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, replace(x)]));
    return v;
  };
  for (const r of google) r.values = replace(r.values) as ValueObject;
}

function configFor(root: ConfigModule, moduleAddress: string, key: string): Json | undefined {
  let m: ConfigModule | undefined = root;
  for (const part of moduleAddress.split(/\.?module\./).filter(Boolean)) m = m?.calls.get(part.replace(/\[.*\]$/, ''));
  return m?.resources.get(key);
}

const REF = /^((?:module\.[^.]+\.)*(?:[a-z0-9]+_[a-z0-9_]+)\.[A-Za-z0-9_-]+(?:\[[^\]]+\])?)\.(id|arn|self_link)$/;

/** `after` with Unknown where `after_unknown` says so, resolving same-plan `id`/`arn` references to addresses. */
function withUnknowns(after: Value, mask: unknown, exprs: unknown, prefix: string, path: string, where: string): Value {
  if (mask === true) {
    const e = obj(exprs);
    const refs = [
      ...new Set(
        arr(e?.references)
          .filter((r): r is string => typeof r === 'string')
          .map((r) => REF.exec(r)?.[1])
          .filter((r): r is string => r !== undefined),
      ),
    ];
    const name = path.split('.').at(-1) ?? '';
    const plural = /(_ids|_arns|s)$/.test(name);
    if (refs.length > 0 && (plural || refs.length === 1)) {
      const resolved = refs.map((r) => prefix + r);
      return plural ? resolved : resolved[0]!;
    }
    return new Unknown(path, where, 'known only after apply (the plan marks it unknown)');
  }
  if (Array.isArray(mask)) {
    const list = Array.isArray(after) ? after : [];
    const len = Math.max(list.length, mask.length);
    return Array.from({ length: len }, (_, i) =>
      withUnknowns(
        list[i] ?? null,
        mask[i],
        Array.isArray(exprs) ? (exprs[i] ?? exprs[0]) : exprs,
        prefix,
        `${path}[${i}]`,
        where,
      ),
    );
  }
  const m = obj(mask);
  if (m) {
    const base: ValueObject = isObject(after) ? { ...after } : {};
    const ex = Array.isArray(exprs) ? obj(exprs[0]) : obj(exprs);
    for (const [k, sub] of Object.entries(m))
      base[k] = withUnknowns(base[k] ?? null, sub, ex?.[k], prefix, `${path}.${k}`, where);
    return base;
  }
  return after;
}
