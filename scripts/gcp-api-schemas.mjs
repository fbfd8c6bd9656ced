/**
 * Extracts the property names and types of the Google API resources cordon reads from the TypeScript definitions
 * that the `googleapis` npm package generates from Google's discovery documents, into
 * test/fixtures/gcp-api/schemas.json (names and types only). test/sources/gcp-api-conformance.test.ts checks every
 * GCP fixture and example against it. Run again to move to a newer API revision:
 *   npm pack googleapis@188.0.0 && tar -xzf googleapis-188.0.0.tgz && node scripts/gcp-api-schemas.mjs package
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = process.argv[2];
if (!root) throw new Error('usage: node scripts/gcp-api-schemas.mjs <extracted googleapis package dir>');
const version = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version;

const ROOTS = {
  'compute/v1': [
    'Network',
    'Subnetwork',
    'Firewall',
    'FirewallPolicy',
    'Route',
    'Router',
    'Address',
    'ForwardingRule',
    'Instance',
    'BackendService',
    'UrlMap',
    'TargetHttpProxy',
    'TargetHttpsProxy',
    'TargetTcpProxy',
    'TargetSslProxy',
    'TargetPool',
    'InstanceGroup',
    'NetworkEndpointGroup',
    'InstanceWithNamedPorts',
    'NetworkEndpointWithHealthStatus',
  ],
  'dns/v1': ['ManagedZone', 'ResourceRecordSet', 'Policy'],
  'accesscontextmanager/v1': ['ServicePerimeter'],
  'orgpolicy/v2': ['GoogleCloudOrgpolicyV2Policy'],
  'aiplatform/v1': ['GoogleCloudAiplatformV1Endpoint', 'GoogleCloudAiplatformV1IndexEndpoint'],
  'notebooks/v2': ['Instance'],
  'notebooks/v1': ['Instance'],
  'serviceusage/v1': ['GoogleApiServiceusageV1Service'],
  'cloudresourcemanager/v1': ['Project'],
  'cloudresourcemanager/v3': ['Project'],
  'cloudasset/v1': ['Asset'],
};

/**
 * The properties of every `export interface Schema$X { … }`, with their types. Inline object types
 * (`allowed?: Array<{ IPProtocol?: string; … }>`) become schemas of their own named "X.prop".
 */
function parse(raw) {
  // Map types span lines in the definitions: fold them to one token first; drop comments.
  const text = raw.replace(/\{\s*\[key: string\]: (?:string|any);\s*\}/g, 'MAP').replace(/\/\*\*[\s\S]*?\*\//g, '');
  const out = new Map();
  const re = /export interface Schema\$(\w+) \{\n([\s\S]*?)\n {4}\}/g;
  for (let m; (m = re.exec(text));)
    body(
      m[1],
      m[2].split('\n').filter((l) => l.trim() !== ''),
      out,
    );
  return out;
}

/** Reads the property lines of one (possibly inline) object type into `out` under `name`. */
function body(name, lines, out) {
  const props = {};
  for (let i = 0; i < lines.length; i++) {
    const p = /^\s*(\w+|'[^']+'|"[^"]+")\?: (.*)$/.exec(lines[i]);
    if (!p) continue;
    const key = p[1].replace(/^['"]|['"]$/g, '');
    let t = p[2];
    if (/^(Array<)?\{$/.test(t)) {
      // An inline object: its lines run to the matching close.
      const inner = [];
      let depth = 1;
      for (i++; i < lines.length; i++) {
        depth += (lines[i].match(/\{/g) ?? []).length - (lines[i].match(/\}/g) ?? []).length;
        if (depth === 0) break;
        inner.push(lines[i]);
      }
      const child = `${name}.${key}`;
      body(child, inner, out);
      t = p[2].startsWith('Array') ? `Schema$${child}[]` : `Schema$${child}`;
    } else t = t.replace(/;$/, '');
    props[key] = t.replace(/ \| null$/, '');
  }
  out.set(name, props);
}

function typeOf(t) {
  if (t === 'string') return 's';
  if (t === 'number') return 'n';
  if (t === 'boolean') return 'b';
  if (t.endsWith('[]')) return ['a', typeOf(t.slice(0, -2))];
  if (t.startsWith('Schema$')) return ['o', t.slice(7)];
  if (/^Array<(.+)>$/.test(t)) return ['a', typeOf(/^Array<(.+)>$/.exec(t)[1])];
  if (t === 'MAP') return 'm';
  return 'any';
}

const result = { source: `googleapis@${version} (generated from Google's discovery documents)`, apis: {} };
for (const [api, roots] of Object.entries(ROOTS)) {
  const schemas = parse(readFileSync(path.join(root, 'build/src/apis', `${api}.d.ts`), 'utf8'));
  const kept = {};
  const visit = (name) => {
    if (kept[name] || !schemas.has(name)) return;
    kept[name] = {};
    for (const [prop, t] of Object.entries(schemas.get(name))) {
      const ty = typeOf(t);
      kept[name][prop] = ty;
      const ref = Array.isArray(ty)
        ? ty[0] === 'o'
          ? ty[1]
          : Array.isArray(ty[1]) && ty[1][0] === 'o'
            ? ty[1][1]
            : undefined
        : undefined;
      if (ref) visit(ref);
    }
  };
  for (const r of roots) {
    if (!schemas.has(r)) throw new Error(`${api}: no Schema$${r}`);
    visit(r);
  }
  result.apis[api] = kept;
}
writeFileSync('test/fixtures/gcp-api/schemas.json', JSON.stringify(result, null, 1) + '\n');
console.log(`wrote test/fixtures/gcp-api/schemas.json from googleapis@${version}`);
