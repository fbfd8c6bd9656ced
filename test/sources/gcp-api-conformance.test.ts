/**
 * Every GCP example and fixture is shaped as Google's APIs write it: each field of each resource, asset and nested
 * object must be a property of the API's schema with the schema's type. The schemas (names and types only) are
 * extracted by scripts/gcp-api-schemas.mjs from the definitions the googleapis npm package generates from Google's
 * discovery documents; the API versions are named in docs/gcp-snapshots.md.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

type Json = Record<string, unknown>;
type Ty = string | [string, Ty];
interface Schemas {
  source: string;
  apis: Record<string, Record<string, Record<string, Ty>>>;
}

const SCHEMAS = JSON.parse(readFileSync('test/fixtures/gcp-api/schemas.json', 'utf8')) as Schemas;
const DIRS = ['examples/gcp', 'test/fixtures/gcp'];

const BY_KIND: Record<string, [string, string]> = {
  'compute#network': ['compute/v1', 'Network'],
  'compute#subnetwork': ['compute/v1', 'Subnetwork'],
  'compute#firewall': ['compute/v1', 'Firewall'],
  'compute#firewallPolicy': ['compute/v1', 'FirewallPolicy'],
  'compute#route': ['compute/v1', 'Route'],
  'compute#router': ['compute/v1', 'Router'],
  'compute#address': ['compute/v1', 'Address'],
  'compute#forwardingRule': ['compute/v1', 'ForwardingRule'],
  'compute#instance': ['compute/v1', 'Instance'],
  'compute#backendService': ['compute/v1', 'BackendService'],
  'compute#urlMap': ['compute/v1', 'UrlMap'],
  'compute#targetHttpProxy': ['compute/v1', 'TargetHttpProxy'],
  'compute#targetHttpsProxy': ['compute/v1', 'TargetHttpsProxy'],
  'compute#targetTcpProxy': ['compute/v1', 'TargetTcpProxy'],
  'compute#targetSslProxy': ['compute/v1', 'TargetSslProxy'],
  'compute#targetPool': ['compute/v1', 'TargetPool'],
  'compute#instanceGroup': ['compute/v1', 'InstanceGroup'],
  'compute#networkEndpointGroup': ['compute/v1', 'NetworkEndpointGroup'],
  'dns#managedZone': ['dns/v1', 'ManagedZone'],
  'dns#resourceRecordSet': ['dns/v1', 'ResourceRecordSet'],
  'dns#policy': ['dns/v1', 'Policy'],
};

const BY_ASSET_TYPE: Record<string, [string, string]> = {
  'compute.googleapis.com/Network': BY_KIND['compute#network']!,
  'compute.googleapis.com/Subnetwork': BY_KIND['compute#subnetwork']!,
  'compute.googleapis.com/Firewall': BY_KIND['compute#firewall']!,
  'compute.googleapis.com/FirewallPolicy': BY_KIND['compute#firewallPolicy']!,
  'compute.googleapis.com/Route': BY_KIND['compute#route']!,
  'compute.googleapis.com/Router': BY_KIND['compute#router']!,
  'compute.googleapis.com/Address': BY_KIND['compute#address']!,
  'compute.googleapis.com/GlobalAddress': BY_KIND['compute#address']!,
  'compute.googleapis.com/ForwardingRule': BY_KIND['compute#forwardingRule']!,
  'compute.googleapis.com/GlobalForwardingRule': BY_KIND['compute#forwardingRule']!,
  'compute.googleapis.com/Instance': BY_KIND['compute#instance']!,
  'compute.googleapis.com/BackendService': BY_KIND['compute#backendService']!,
  'compute.googleapis.com/RegionBackendService': BY_KIND['compute#backendService']!,
  'compute.googleapis.com/UrlMap': BY_KIND['compute#urlMap']!,
  'compute.googleapis.com/TargetHttpProxy': BY_KIND['compute#targetHttpProxy']!,
  'compute.googleapis.com/TargetHttpsProxy': BY_KIND['compute#targetHttpsProxy']!,
  'compute.googleapis.com/TargetTcpProxy': BY_KIND['compute#targetTcpProxy']!,
  'compute.googleapis.com/TargetSslProxy': BY_KIND['compute#targetSslProxy']!,
  'compute.googleapis.com/TargetPool': BY_KIND['compute#targetPool']!,
  'compute.googleapis.com/InstanceGroup': BY_KIND['compute#instanceGroup']!,
  'compute.googleapis.com/NetworkEndpointGroup': BY_KIND['compute#networkEndpointGroup']!,
  'dns.googleapis.com/ManagedZone': BY_KIND['dns#managedZone']!,
  'dns.googleapis.com/Policy': BY_KIND['dns#policy']!,
  'cloudresourcemanager.googleapis.com/Project': ['cloudresourcemanager/v1', 'Project'],
  'serviceusage.googleapis.com/Service': ['serviceusage/v1', 'GoogleApiServiceusageV1Service'],
  'aiplatform.googleapis.com/Endpoint': ['aiplatform/v1', 'GoogleCloudAiplatformV1Endpoint'],
  'aiplatform.googleapis.com/IndexEndpoint': ['aiplatform/v1', 'GoogleCloudAiplatformV1IndexEndpoint'],
  'notebooks.googleapis.com/Instance': ['notebooks/v2', 'Instance'],
  'orgpolicy.googleapis.com/Policy': ['orgpolicy/v2', 'GoogleCloudOrgpolicyV2Policy'],
};

/** The schema of a resource as gcloud prints it (by kind, else by the shape of its name). */
function schemaOf(r: Json): [string, string] | undefined {
  if (typeof r.kind === 'string') return BY_KIND[r.kind];
  const name = typeof r.name === 'string' ? r.name : '';
  if (/^accessPolicies\/[^/]+\/servicePerimeters\//.test(name)) return ['accesscontextmanager/v1', 'ServicePerimeter'];
  if (/\/policies\//.test(name)) return ['orgpolicy/v2', 'GoogleCloudOrgpolicyV2Policy'];
  if (/\/locations\/[^/]+\/endpoints\//.test(name)) return ['aiplatform/v1', 'GoogleCloudAiplatformV1Endpoint'];
  if (/\/locations\/[^/]+\/indexEndpoints\//.test(name))
    return ['aiplatform/v1', 'GoogleCloudAiplatformV1IndexEndpoint'];
  if (/\/locations\/[^/]+\/instances\//.test(name))
    return ['gceSetup' in r ? 'notebooks/v2' : 'notebooks/v1', 'Instance'];
  if (/^projects\/[^/]+\/services\//.test(name)) return ['serviceusage/v1', 'GoogleApiServiceusageV1Service'];
  if (typeof r.projectId === 'string')
    return 'lifecycleState' in r || 'projectNumber' in r
      ? ['cloudresourcemanager/v1', 'Project']
      : ['cloudresourcemanager/v3', 'Project'];
  return undefined;
}

/**
 * What a capture adds to a group that the group resource does not hold (docs/gcp-snapshots.md): the items Compute's
 * listInstances / listNetworkEndpoints answer, checked against their own schemas.
 */
const MEMBER_LISTS: Record<string, Record<string, Ty>> = {
  InstanceGroup: { members: ['a', ['o', 'InstanceWithNamedPorts']] },
  NetworkEndpointGroup: { endpoints: ['a', ['o', 'NetworkEndpointWithHealthStatus']] },
};

function check(api: string, schema: string, value: unknown, at: string, problems: string[]): void {
  const own = SCHEMAS.apis[api]?.[schema];
  const props = own && api === 'compute/v1' ? { ...own, ...MEMBER_LISTS[schema] } : own;
  if (!props) {
    problems.push(`${at}: no schema ${api} ${schema}`);
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${at}: expected an object (${schema})`);
    return;
  }
  for (const [k, v] of Object.entries(value as Json)) {
    const ty = props[k];
    if (ty === undefined) problems.push(`${at}/${k}: not a property of ${api} ${schema}`);
    else checkType(api, ty, v, `${at}/${k}`, problems);
  }
}

function checkType(api: string, ty: Ty, v: unknown, at: string, problems: string[]): void {
  if (Array.isArray(ty)) {
    if (ty[0] === 'a') {
      if (!Array.isArray(v)) problems.push(`${at}: expected an array`);
      else v.forEach((x, i) => checkType(api, ty[1], x, `${at}/${i}`, problems));
    } else check(api, ty[1] as string, v, at, problems);
    return;
  }
  const ok =
    ty === 's'
      ? typeof v === 'string'
      : ty === 'n'
        ? typeof v === 'number' || (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v))
        : ty === 'b'
          ? typeof v === 'boolean'
          : ty === 'm'
            ? v !== null && typeof v === 'object' && !Array.isArray(v)
            : true;
  if (!ok) problems.push(`${at}: expected ${ty}, got ${JSON.stringify(v)}`);
}

function files(dir: string): string[] {
  try {
    return readdirSync(dir)
      .sort()
      .flatMap((n) => {
        const full = path.join(dir, n);
        return statSync(full).isDirectory() ? files(full) : /\.(json|jsonl)$/.test(n) ? [full] : [];
      });
  } catch {
    return [];
  }
}

describe(`GCP fixtures follow Google's API schemas (${SCHEMAS.source})`, () => {
  const all = DIRS.flatMap(files);
  it('finds the examples', () => assert.ok(all.length >= 10));
  it('rejects a misspelled field, a wrong type and a wrong nested field', () => {
    const problems: string[] = [];
    check(
      'compute/v1',
      'Subnetwork',
      { ipCidrRanges: '10.0.0.0/24', privateIpGoogleAccess: 'yes', logConfig: { enabled: true } },
      '#',
      problems,
    );
    assert.deepEqual(problems, [
      '#/ipCidrRanges: not a property of compute/v1 Subnetwork',
      '#/privateIpGoogleAccess: expected b, got "yes"',
      '#/logConfig/enabled: not a property of compute/v1 SubnetworkLogConfig',
    ]);
  });
  for (const file of all) {
    it(file, () => {
      const text = readFileSync(file, 'utf8');
      const docs = file.endsWith('.jsonl')
        ? text
            .split('\n')
            .filter((l) => l.trim())
            .map((l) => JSON.parse(l) as unknown)
        : [JSON.parse(text) as unknown];
      const problems: string[] = [];
      for (const doc of docs) {
        if ((doc as Json).cordonSnapshot !== undefined) continue; // cordon's own manifest
        const items = Array.isArray(doc) ? doc : [doc];
        // gcloud projects get-ancestors: [{id, type}] (gcloud's own shape, not an API resource).
        if (items.every((x) => typeof (x as Json).type === 'string' && typeof (x as Json).id === 'string')) continue;
        items.forEach((raw, i) => {
          const r = raw as Json;
          const at = `${file}#/${Array.isArray(doc) ? i : ''}`;
          if (typeof r.assetType === 'string') {
            check('cloudasset/v1', 'Asset', r, at, problems);
            const data = (r.resource as Json | undefined)?.data;
            const s = BY_ASSET_TYPE[r.assetType];
            if (data !== undefined) {
              if (s) check(s[0], s[1], data, `${at}/resource/data`, problems);
              else problems.push(`${at}: no schema for asset type ${r.assetType}`);
            }
            if (r.servicePerimeter !== undefined)
              check(
                'accesscontextmanager/v1',
                'ServicePerimeter',
                r.servicePerimeter,
                `${at}/servicePerimeter`,
                problems,
              );
            return;
          }
          const s = schemaOf(r);
          if (s) check(s[0], s[1], r, at, problems);
          else problems.push(`${at}: not a resource of a known API`);
        });
      }
      assert.deepEqual(problems, []);
    });
  }
});
