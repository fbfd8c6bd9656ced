/**
 * Writes examples/arm/azure-{reference,misconfigured} and examples/bicep/azure-{reference,misconfigured}: the Azure
 * snapshot examples (examples/azure/…) as the ARM templates and Bicep files that would deploy them, so the
 * equivalence test can prove the IaC readers give the same check results. Run: npx tsx scripts/generate-azure-iac-examples.ts
 *
 * What changes on the way (an ARM body is not a GET response): read-only properties are dropped (provisioning state,
 * back-references such as an NSG's subnets, a service's privateEndpointConnections, record sets Azure writes), the
 * private endpoints' network interfaces (Azure creates them) become static `ipConfigurations` on the endpoint, and
 * every id of a declared resource becomes a reference (`resourceId(…)` in ARM, `symbol.id` or `resourceId(…)` in
 * Bicep). The subscription is stated as a literal parameter, so resource ids equal the snapshot's.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

interface Res {
  id: string;
  type: string;
  /** Full name ("vnet/subnet" for children). */
  names: string[];
  rg: string;
  location?: string;
  body: Obj;
}

const text = (v: Json | undefined): string => (typeof v === 'string' ? v : '');
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

function items(file: string): Obj[] {
  const v = JSON.parse(readFileSync(file, 'utf8')) as Json;
  if (Array.isArray(v)) return v.filter(isObj);
  if (isObj(v) && Array.isArray(v.data)) return v.data.filter(isObj);
  if (isObj(v) && Array.isArray(v.value)) return v.value.filter(isObj);
  return isObj(v) ? [v] : [];
}

const API: Record<string, string> = {
  'microsoft.cognitiveservices/accounts': '2024-10-01',
  'microsoft.machinelearningservices/workspaces': '2024-10-01',
  'microsoft.search/searchservices': '2024-06-01-preview',
  'microsoft.storage/storageaccounts': '2023-05-01',
  'microsoft.keyvault/vaults': '2023-07-01',
  'microsoft.containerregistry/registries': '2023-07-01',
  'microsoft.network/privatednszones': '2024-06-01',
  'microsoft.network/privatednszones/virtualnetworklinks': '2024-06-01',
  'microsoft.network/privatednszones/a': '2024-06-01',
  'microsoft.network/dnsresolvers': '2022-07-01',
  'microsoft.network/dnsresolvers/inboundendpoints': '2022-07-01',
  'microsoft.network/dnsresolvers/outboundendpoints': '2022-07-01',
  'microsoft.network/dnsforwardingrulesets': '2022-07-01',
  'microsoft.network/dnsforwardingrulesets/forwardingrules': '2022-07-01',
  'microsoft.network/dnsforwardingrulesets/virtualnetworklinks': '2022-07-01',
  'microsoft.compute/virtualmachines': '2024-07-01',
};
const apiOf = (type: string) => API[type.toLowerCase()] ?? '2024-05-01';

/** Read-only properties per type (lower case), and for every type. */
const READ_ONLY: Record<string, string[]> = {
  '*': ['provisioningState', 'resourceGuid', 'privateEndpointConnections', 'internalId', 'dateCreated'],
  'microsoft.network/networksecuritygroups': ['defaultSecurityRules', 'subnets', 'networkInterfaces'],
  'microsoft.network/routetables': ['subnets'],
  'microsoft.network/privateendpoints': ['networkInterfaces', 'customDnsConfigs'],
  'microsoft.network/privatednszones': [
    'numberOfRecordSets',
    'numberOfVirtualNetworkLinks',
    'numberOfVirtualNetworkLinksWithRegistration',
    'maxNumberOfRecordSets',
    'maxNumberOfVirtualNetworkLinks',
    'maxNumberOfVirtualNetworkLinksWithRegistration',
  ],
  'microsoft.network/privatednszones/virtualnetworklinks': ['virtualNetworkLinkState'],
  'microsoft.network/privatednszones/a': ['fqdn', 'isAutoRegistered'],
  'microsoft.network/publicipaddresses': ['ipConfiguration', 'ipAddress'],
  'microsoft.network/networkinterfaces': ['virtualMachine', 'macAddress', 'primary'],
  'microsoft.cognitiveservices/accounts': ['endpoint', 'endpoints', 'callRateLimit', 'capabilities', 'quotaLimit'],
};
const CHILD_READ_ONLY = [
  'provisioningState',
  'ipConfigurations',
  'privateEndpoints',
  'recordSets',
  'serviceAssociationLinks',
  'resourceNavigationLinks',
];

function strip(v: Json, depth: number, type: string): Json {
  if (Array.isArray(v)) return v.map((x) => strip(x, depth + 1, type));
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (x === null) continue;
    if (
      depth > 0 &&
      (k === 'id' || k === 'etag' || (k === 'type' && typeof x === 'string' && x.includes('/'))) &&
      typeof x === 'string' &&
      !isReference(v)
    )
      continue;
    if (depth > 1 && CHILD_READ_ONLY.includes(k)) continue;
    out[k] = strip(x, depth + 1, type);
  }
  return out;
}

/** {id: "..."} alone is a reference to another resource, kept. */
const isReference = (o: Obj) => Object.keys(o).length === 1 && typeof o.id === 'string';

function load(dir: string): Res[] {
  const byId = new Map<string, Obj>();
  for (const f of walk(dir))
    for (const it of items(f)) if (typeof it.id === 'string') byId.set(it.id.toLowerCase(), it);
  const nics = new Map<string, Obj>();
  for (const it of byId.values())
    if (text(it.type).toLowerCase() === 'microsoft.network/networkinterfaces') nics.set(text(it.id).toLowerCase(), it);
  const out: Res[] = [];
  for (const it of byId.values()) {
    const id = text(it.id);
    const m = /resourceGroups\/([^/]+)\/providers\/([^/]+)\/(.+)$/i.exec(id)!;
    const segs = m[3]!.split('/');
    const typeSegs = [m[2]!, ...segs.filter((_, i) => i % 2 === 0)];
    const names = segs.filter((_, i) => i % 2 === 1);
    // The type as the id spells it (Resource Graph lower-cases the `type` field).
    const type = typeSegs.join('/');
    const lower = type.toLowerCase();
    const props = isObj(it.properties) ? it.properties : {};
    // Azure creates a private endpoint's NIC; its addresses become static ipConfigurations of the endpoint.
    if (lower === 'microsoft.network/networkinterfaces' && isObj(props.privateEndpoint)) continue;
    const drop = new Set([...(READ_ONLY['*'] ?? []), ...(READ_ONLY[lower] ?? [])]);
    const properties: Obj = {};
    for (const [k, v] of Object.entries(props)) if (!drop.has(k) && v !== null) properties[k] = strip(v, 1, lower);
    if (lower === 'microsoft.network/privateendpoints') {
      const group = ((props.privateLinkServiceConnections as Obj[] | undefined) ?? [])
        .concat((props.manualPrivateLinkServiceConnections as Obj[] | undefined) ?? [])
        .flatMap((c) => ((c.properties as Obj).groupIds as string[]) ?? [])[0];
      const ipConfigurations: Json[] = [];
      for (const ref of (props.networkInterfaces as Obj[] | undefined) ?? []) {
        const nic = nics.get(text(ref.id).toLowerCase());
        const confs = (((nic?.properties as Obj | undefined)?.ipConfigurations as Obj[] | undefined) ?? []).filter(
          isObj,
        );
        confs.forEach((c, i) => {
          const p = c.properties as Obj;
          const member = (p.privateLinkConnectionProperties as Obj | undefined)?.requiredMemberName ?? 'default';
          ipConfigurations.push({
            name: `ipconfig-${i + 1}`,
            properties: {
              groupId: (p.privateLinkConnectionProperties as Obj | undefined)?.groupId ?? group ?? '',
              memberName: member,
              privateIPAddress: p.privateIPAddress as string,
            },
          });
        });
      }
      if (ipConfigurations.length > 0) properties.ipConfigurations = ipConfigurations;
      for (const key of ['privateLinkServiceConnections', 'manualPrivateLinkServiceConnections']) {
        const list = properties[key];
        if (Array.isArray(list))
          for (const c of list)
            if (isObj(c) && isObj(c.properties)) delete c.properties.privateLinkServiceConnectionState;
      }
    }
    if (lower === 'microsoft.machinelearningservices/workspaces' && isObj(properties.managedNetwork)) {
      const rules = properties.managedNetwork.outboundRules;
      if (isObj(rules)) for (const r of Object.values(rules)) if (isObj(r)) delete r.status;
      delete properties.managedNetwork.status;
    }
    const body: Obj = {};
    for (const k of ['kind', 'sku', 'tags'] as const) {
      const v = it[k];
      if (v !== null && v !== undefined && v !== '' && !(isObj(v) && Object.keys(v).length === 0)) body[k] = v;
    }
    if (Object.keys(properties).length > 0 || ['microsoft.network/privatednszones'].includes(lower))
      body.properties = properties;
    out.push({
      id,
      type,
      names,
      rg: m[1]!,
      ...(typeof it.location === 'string' ? { location: it.location } : {}),
      body,
    });
  }
  return out.sort((a, b) => a.rg.localeCompare(b.rg) || a.id.toLowerCase().localeCompare(b.id.toLowerCase()));
}

/** Declared ids: resources, and the embedded subnets and peerings of declared VNets. */
function targets(all: Res[]): Map<string, { res: Res; childOf?: { collection: string; index: number; name: string } }> {
  const m = new Map<string, { res: Res; childOf?: { collection: string; index: number; name: string } }>();
  for (const r of all) {
    m.set(r.id.toLowerCase(), { res: r });
    const p = r.body.properties;
    if (r.type.toLowerCase() === 'microsoft.network/virtualnetworks' && isObj(p))
      for (const collection of ['subnets', 'virtualNetworkPeerings'])
        ((p[collection] as Obj[] | undefined) ?? []).forEach((s, index) =>
          m.set(`${r.id}/${collection}/${text(s.name)}`.toLowerCase(), {
            res: r,
            childOf: { collection, index, name: text(s.name) },
          }),
        );
  }
  return m;
}

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

// ---------------------------------------------------------------------------------------------------------------
// ARM

function armRef(id: string, from: string, t: ReturnType<typeof targets>): string | undefined {
  const hit = t.get(id.toLowerCase());
  if (!hit) return undefined;
  const { res, childOf } = hit;
  const type = childOf ? `${res.type}/${childOf.collection}` : res.type;
  const names = childOf ? [...res.names, childOf.name] : res.names;
  const rg = res.rg === from ? [] : [res.rg];
  return `[resourceId(${[...rg, type, ...names].map(quote).join(', ')})]`;
}

function armValue(v: Json, from: string, t: ReturnType<typeof targets>, location: string): Json {
  if (typeof v === 'string') return /^\/subscriptions\//i.test(v) ? (armRef(v, from, t) ?? v) : v;
  if (Array.isArray(v)) return v.map((x) => armValue(x, from, t, location));
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, armValue(x, from, t, location)]));
  return v;
}

function armTemplate(rg: string, list: Res[], t: ReturnType<typeof targets>, location: string): Obj {
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { location: { type: 'string' } },
    resources: list.map((r) => ({
      type: r.type,
      apiVersion: apiOf(r.type),
      name: r.names.join('/'),
      ...(r.location ? { location: r.location === location ? "[parameters('location')]" : r.location } : {}),
      ...(armValue(r.body, rg, t, location) as Obj),
    })),
  };
}

function writeArm(all: Res[], out: string, subscription: string, location: string): void {
  const t = targets(all);
  const groups = [...new Set(all.map((r) => r.rg))].sort();
  mkdirSync(out, { recursive: true });
  const deployments: Json[] = [];
  for (const rg of groups) {
    const list = all.filter((r) => r.rg === rg);
    const template = armTemplate(rg, list, t, location);
    const inline = rg === 'rg-ai';
    if (!inline) writeFileSync(path.join(out, `${rg}.json`), JSON.stringify(template, null, 2) + '\n');
    deployments.push({
      type: 'Microsoft.Resources/deployments',
      apiVersion: '2022-09-01',
      name: `cordon-${rg}`,
      subscriptionId: "[parameters('subscriptionId')]",
      resourceGroup: rg,
      properties: {
        mode: 'Incremental',
        expressionEvaluationOptions: { scope: 'inner' },
        parameters: { location: { value: "[parameters('location')]" } },
        ...(inline ? { template } : { templateLink: { relativePath: `${rg}.json` } }),
      },
    });
  }
  const main = {
    $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: {
      subscriptionId: { type: 'string', defaultValue: subscription },
      location: { type: 'string' },
    },
    resources: deployments,
  };
  writeFileSync(path.join(out, 'azuredeploy.json'), JSON.stringify(main, null, 2) + '\n');
  const params = {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#',
    contentVersion: '1.0.0.0',
    parameters: { location: { value: location } },
  };
  writeFileSync(path.join(out, 'azuredeploy.parameters.json'), JSON.stringify(params, null, 2) + '\n');
}

// ---------------------------------------------------------------------------------------------------------------
// Bicep

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function camel(s: string): string {
  const words = s.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const out = words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase()))
    .join('');
  return /^[0-9]/.test(out) ? `r${out}` : out || 'r';
}

function bicepString(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\$\{/g, '\\${')}'`;
}

interface Ref {
  text: string;
}

function bicepValue(v: Json | Ref, indent: string): string {
  if (
    v !== null &&
    typeof v === 'object' &&
    'text' in v &&
    typeof (v as Ref).text === 'string' &&
    Object.keys(v).length === 1 &&
    (v as Ref).text.startsWith('\u0000')
  )
    return (v as Ref).text.slice(1);
  if (typeof v === 'string') return bicepString(v);
  if (v === null || typeof v !== 'object') return String(v);
  const next = indent + '  ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => `${next}${bicepValue(x, next)}`).join('\n')}\n${indent}]`;
  }
  const entries = Object.entries(v as Obj);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${next}${IDENT.test(k) ? k : bicepString(k)}: ${bicepValue(x, next)}`).join('\n')}\n${indent}}`;
}

const raw = (code: string): Json => ({ text: `\u0000${code}` });

function writeBicep(all: Res[], out: string, subscription: string, location: string): void {
  const t = targets(all);
  const groups = [...new Set(all.map((r) => r.rg))].sort();
  mkdirSync(out, { recursive: true });
  const symbols = new Map<Res, string>();
  const used = new Set<string>(['location', 'subscriptionId']);
  for (const r of all) {
    const short = r.type.split('/').at(-1)!;
    let base = camel(r.names.length > 1 ? `${r.names.at(-2)}-${r.names.at(-1)}` : r.names[0]!);
    if (r.names.at(-1) === 'default' || used.has(base)) base = camel(`${r.names.join('-')}-${short}`);
    let s = base;
    for (let i = 2; used.has(s); i++) s = `${base}${i}`;
    used.add(s);
    symbols.set(r, s);
  }
  const ref = (id: string, from: string): Json | undefined => {
    const hit = t.get(id.toLowerCase());
    if (!hit) return undefined;
    const { res, childOf } = hit;
    if (res.rg === from) {
      const sym = symbols.get(res)!;
      return raw(childOf ? `${sym}.properties.${childOf.collection}[${childOf.index}].id` : `${sym}.id`);
    }
    const type = childOf ? `${res.type}/${childOf.collection}` : res.type;
    const names = childOf ? [...res.names, childOf.name] : res.names;
    return raw(`resourceId(${[res.rg, type, ...names].map(bicepString).join(', ')})`);
  };
  const value = (v: Json, from: string): Json => {
    if (typeof v === 'string') return /^\/subscriptions\//i.test(v) ? (ref(v, from) ?? v) : v;
    if (Array.isArray(v)) return v.map((x) => value(x, from));
    if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, value(x, from)]));
    return v;
  };
  const modules: string[] = [];
  for (const rg of groups) {
    const list = all.filter((r) => r.rg === rg);
    const lines = [
      '// Generated by scripts/generate-azure-iac-examples.ts from the Azure snapshot example.',
      '',
      'param location string',
      '',
    ];
    for (const r of list) {
      const sym = symbols.get(r)!;
      // A child whose parent is declared in this file names it with `parent`; otherwise the full name.
      const parent =
        r.names.length > 1
          ? list.find((p) => p.id.toLowerCase() === r.id.toLowerCase().split('/').slice(0, -2).join('/'))
          : undefined;
      const body: Obj = {};
      if (parent) body.parent = raw(symbols.get(parent)!);
      body.name = parent ? r.names.at(-1)! : r.names.join('/');
      if (r.location) body.location = r.location === location ? raw('location') : r.location;
      Object.assign(body, value(r.body, rg));
      lines.push(`resource ${sym} '${r.type}@${apiOf(r.type)}' = ${bicepValue(body, '')}`, '');
    }
    writeFileSync(path.join(out, `${rg}.bicep`), lines.join('\n'));
    modules.push(
      `module ${camel(rg)} '${rg}.bicep' = {\n  name: 'cordon-${rg}'\n  scope: resourceGroup(subscriptionId, '${rg}')\n  params: {\n    location: location\n  }\n}\n`,
    );
  }
  const main = [
    '// Generated by scripts/generate-azure-iac-examples.ts from the Azure snapshot example: one module per resource group.',
    "targetScope = 'subscription'",
    '',
    `param subscriptionId string = '${subscription}'`,
    `param location string = '${location}'`,
    '',
    ...modules,
  ];
  writeFileSync(path.join(out, 'main.bicep'), main.join('\n'));
}

for (const twin of ['reference', 'misconfigured']) {
  const all = load(path.join('examples/azure', twin));
  const subscription = /\/subscriptions\/([^/]+)/.exec(all[0]!.id)![1]!;
  const location = 'swedencentral';
  for (const dir of [`examples/arm/azure-${twin}`, `examples/bicep/azure-${twin}`])
    rmSync(dir, { recursive: true, force: true });
  writeArm(all, `examples/arm/azure-${twin}`, subscription, location);
  writeBicep(all, `examples/bicep/azure-${twin}`, subscription, location);
}
