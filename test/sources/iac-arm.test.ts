/**
 * ARM templates and Bicep as Azure IaC sources: the expression evaluator, the traps issue 12 names (a copy loop, a
 * condition that is false, nested deployments, a parameter without a default, a Bicep `existing` resource), and
 * malformed input (located errors, no crash, the other files still read).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Finding } from '../../src/findings/types.js';
import { loadPolicyFile, type ZonePolicy } from '../../src/policy/load.js';
import { scanSnapshot, type ScanReport } from '../../src/scan.js';
import { detectProvider, partitionSnapshot } from '../../src/sources/detect.js';
import { parseExpression, Unknown, type Value } from '../../src/sources/iac/arm/expression.js';
import { evaluate, type EvalContext } from '../../src/sources/iac/arm/functions.js';
import { loadArm } from '../../src/sources/iac/arm/load.js';
import { loadBicep } from '../../src/sources/iac/bicep/load.js';

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
const PARAMS_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#';
const RG = '/subscriptions/iac/resourceGroups/iac/providers';

let policy: ZonePolicy;
const dirs: string[] = [];
before(async () => {
  policy = await loadPolicyFile('examples/cordon.yaml');
});
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tree(files: Record<string, string | object>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cordon-iac-arm-'));
  dirs.push(dir);
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), typeof body === 'string' ? body : JSON.stringify(body, null, 2));
  }
  return dir;
}

async function scan(dir: string, checks = ['azure-ai-public-network-access']): Promise<ScanReport> {
  return scanSnapshot({ snapshot: dir, policy, policySource: 'p', cwd: dir, today: '2026-01-01', checks });
}

const byResource = (r: ScanReport) =>
  Object.fromEntries(r.findings.map((f: Finding) => [f.resource?.id ?? '', f.status])) as Record<string, string>;

function account(name: string, pna: string, extra: Record<string, unknown> = {}) {
  return {
    type: 'Microsoft.CognitiveServices/accounts',
    apiVersion: '2024-10-01',
    name,
    location: 'swedencentral',
    kind: 'OpenAI',
    properties: { publicNetworkAccess: pna, disableLocalAuth: true },
    ...extra,
  };
}

const ctx = (params: Record<string, Value> = {}): EvalContext => ({
  scope: { level: 'resourceGroup', subscriptionId: 'iac', resourceGroup: 'iac', location: 'iac' },
  parameter: (n) => params[n] ?? new Unknown(`parameters('${n}')`, `no value for ${n}`),
  variable: () => null,
  copyIndex: () => 2,
  where: 't.json:1',
});
const ev = (text: string, params?: Record<string, Value>) => evaluate(parseExpression(text), ctx(params));

describe('ARM expressions', () => {
  it('evaluates the static template functions', () => {
    assert.equal(
      ev("resourceId('Microsoft.Network/virtualNetworks/subnets', 'vnet', 'snet')"),
      `${RG}/Microsoft.Network/virtualNetworks/vnet/subnets/snet`,
    );
    assert.equal(
      ev("resourceId('rg-hub', 'Microsoft.Network/privateDnsZones', 'privatelink.openai.azure.com')"),
      '/subscriptions/iac/resourceGroups/rg-hub/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com',
    );
    assert.equal(
      ev("subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg')"),
      '/subscriptions/iac/providers/Microsoft.Resources/resourceGroups/rg',
    );
    assert.equal(ev("format('{0}-{1}-{{x}}', 'a', 3)"), 'a-3-{x}');
    assert.equal(ev("concat('a', 'b', string(1))"), 'ab1');
    assert.deepEqual(ev('concat(createArray(1), createArray(2, 3))'), [1, 2, 3]);
    assert.equal(ev("toUpper(replace('a-b-c', '-', ''))"), 'ABC');
    assert.deepEqual(ev("split('a,b;c', createArray(',', ';'))"), ['a', 'b', 'c']);
    assert.equal(ev("length(union(createObject('a', 1), createObject('b', 2)))"), 2);
    assert.equal(ev("and(equals(int('3'), 3), not(false), or(false, true))"), true);
    assert.equal(ev("if(equals(copyIndex(), 2), 'two', parameters('missing'))"), 'two');
    assert.equal(ev('resourceGroup().location'), 'iac');
    assert.equal(ev('subscription().subscriptionId'), 'iac');
    assert.equal(ev("createObject('k', createArray('x', 'y')).k[1]"), 'y');
    assert.equal(ev("toLower('[[x]')"), '[[x]');
  });

  it('keeps deploy-time values unknown, with a stable text for ids', () => {
    const u = ev("concat('st', uniqueString(resourceGroup().id))");
    assert.ok(u instanceof Unknown);
    assert.match(u.cause, /uniqueString\(\) is a hash Azure computes at deploy time/);
    assert.ok(ev("reference('x').outputs") instanceof Unknown);
    assert.ok(ev("listKeys('x', '2020-01-01')") instanceof Unknown);
    // An unknown name still renders the same id wherever it is used.
    assert.equal(
      ev("resourceId('Microsoft.Storage/storageAccounts', parameters('name'))"),
      `${RG}/Microsoft.Storage/storageAccounts/[parameters('name')]`,
    );
    assert.equal(ev("and(false, parameters('x'))"), false);
    assert.ok(ev("and(true, parameters('x'))") instanceof Unknown);
    assert.ok(ev("equals(parameters('x'), 'a')") instanceof Unknown);
  });

  it('rejects malformed expressions with their position', () => {
    for (const bad of ["concat('a'", "'unterminated", 'a b', 'concat(,)', "x.'y'"])
      assert.throws(() => parseExpression(bad), /at character \d+/, bad);
  });
});

describe('ARM templates', () => {
  it('a copy loop gives one resource per instance, each judged on its own', async () => {
    const dir = tree({
      'main.json': {
        $schema: SCHEMA,
        resources: [
          account("[format('oai-{0}', copyIndex(1))]", "[if(equals(copyIndex(), 1), 'Enabled', 'Disabled')]", {
            copy: { name: 'accounts', count: 3 },
          }),
        ],
      },
    });
    const r = await scan(dir);
    const acct = (n: number) => `${RG}/Microsoft.CognitiveServices/accounts/oai-${n}`;
    assert.deepEqual(byResource(r), { [acct(1)]: 'pass', [acct(2)]: 'fail', [acct(3)]: 'pass' });
    const f = r.findings.find((x) => x.resource?.id === acct(2))!;
    assert.equal(f.origin?.kind === 'file' && `${f.origin.file}:${f.origin.line}`, 'main.json:4');
  });

  it('a false condition removes the resource; a parameters file can make it true', async () => {
    const template = {
      $schema: SCHEMA,
      parameters: { env: { type: 'string', defaultValue: 'dev' } },
      resources: [
        account('oai-private', 'Disabled'),
        account('oai-debug', 'Enabled', { condition: "[equals(parameters('env'), 'prod')]" }),
      ],
    };
    const dev = await scan(tree({ 'main.json': template }));
    assert.deepEqual(Object.values(byResource(dev)), ['pass']);
    const prod = await scan(
      tree({
        'main.json': template,
        'main.parameters.json': { $schema: PARAMS_SCHEMA, parameters: { env: { value: 'prod' } } },
      }),
    );
    assert.equal(byResource(prod)[`${RG}/Microsoft.CognitiveServices/accounts/oai-debug`], 'fail');
  });

  it('a parameter without a default makes the checks that need it not assessed, naming it and its line', async () => {
    const r = await scan(
      tree({
        'main.json': {
          $schema: SCHEMA,
          parameters: { pna: { type: 'string' } },
          resources: [account('oai', "[parameters('pna')]")],
        },
      }),
    );
    assert.equal(r.findings.length, 1);
    assert.equal(r.findings[0]!.status, 'not-assessed');
    assert.match(r.findings[0]!.message, /parameters\('pna'\) has no default and no value was given \(main\.json:4\)/);
    // A condition that depends on it: the resource may or may not exist, so it is not judged either way.
    const cond = await scan(
      tree({
        'main.json': {
          $schema: SCHEMA,
          parameters: { on: { type: 'bool' } },
          resources: [account('oai', 'Enabled', { condition: "[parameters('on')]" })],
        },
      }),
    );
    assert.deepEqual(
      cond.findings.map((f) => f.status),
      ['not-assessed'],
    );
    assert.match(cond.findings[0]!.message, /condition parameters\('on'\) is not known before deploy/);
  });

  it('an unknown name that checks compare (a private DNS zone) is not known, not a missing zone', async () => {
    const dir = tree({
      'main.json': {
        $schema: SCHEMA,
        parameters: { zone: { type: 'string' } },
        resources: [
          {
            type: 'Microsoft.Network/privateDnsZones',
            apiVersion: '2024-06-01',
            name: "[parameters('zone')]",
            location: 'global',
          },
          account('oai', 'Disabled'),
        ],
      },
    });
    const r = await loadArm(dir, [path.join(dir, 'main.json')]);
    assert.equal(r.inventory.privateDnsZones[0]!.id, `${RG}/Microsoft.Network/privateDnsZones/[parameters('zone')]`);
    const skipped = r.inventory.partial.get('iac/global')?.get('network:private-dns-zones') ?? [];
    assert.match(skipped[0]?.reason ?? '', /the name parameters\('zone'\): parameters\('zone'\) has no default/);
    // The account's own name is only a label: it is still judged.
    assert.equal(r.inventory.partial.get('iac/swedencentral'), undefined);
  });

  it('nested deployments: inner scope with parameters, outer scope, a linked local template read once', async () => {
    const dir = tree({
      'main.json': {
        $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
        parameters: { pna: { type: 'string', defaultValue: 'Enabled' } },
        variables: { prefix: 'oai' },
        resources: [
          {
            type: 'Microsoft.Resources/deployments',
            apiVersion: '2022-09-01',
            name: 'inner',
            resourceGroup: 'rg-ai',
            properties: {
              expressionEvaluationOptions: { scope: 'inner' },
              mode: 'Incremental',
              parameters: { access: { value: "[parameters('pna')]" } },
              template: {
                $schema: SCHEMA,
                parameters: { access: { type: 'string' } },
                resources: [account('oai-inner', "[parameters('access')]")],
              },
            },
          },
          {
            type: 'Microsoft.Resources/deployments',
            apiVersion: '2022-09-01',
            name: 'outer',
            resourceGroup: 'rg-ai',
            properties: {
              mode: 'Incremental',
              template: {
                $schema: SCHEMA,
                resources: [account("[concat(variables('prefix'), '-outer')]", 'Disabled')],
              },
            },
          },
          {
            type: 'Microsoft.Resources/deployments',
            apiVersion: '2022-09-01',
            name: 'linked',
            subscriptionId: '33333333-3333-3333-3333-333333333333',
            resourceGroup: 'rg-linked',
            properties: {
              mode: 'Incremental',
              templateLink: { relativePath: 'modules/account.json' },
              parameters: { name: { value: 'oai-linked' } },
            },
          },
        ],
      },
      // A parameter without a default: read on its own it would be unknown; through the link it has a value.
      'modules/account.json': {
        $schema: SCHEMA,
        parameters: { name: { type: 'string' } },
        resources: [account("[parameters('name')]", 'Disabled')],
      },
    });
    const r = await scan(dir);
    assert.deepEqual(r.inputErrors, []);
    assert.deepEqual(byResource(r), {
      '/subscriptions/iac/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/oai-inner': 'fail',
      '/subscriptions/iac/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/oai-outer': 'pass',
      '/subscriptions/33333333-3333-3333-3333-333333333333/resourceGroups/rg-linked/providers/Microsoft.CognitiveServices/accounts/oai-linked':
        'pass',
    });
    const linked = r.findings.find((f) => f.resource?.id.includes('oai-linked'))!;
    assert.equal(linked.origin?.kind === 'file' && linked.origin.file, 'modules/account.json');
  });

  it('child resources, variable and property copy loops and references meet their targets', async () => {
    const dir = tree({
      'main.json': {
        $schema: SCHEMA,
        variables: { copy: [{ name: 'names', count: 2, input: "[concat('snet-', copyIndex('names'))]" }] },
        resources: [
          {
            type: 'Microsoft.Network/virtualNetworks',
            apiVersion: '2024-05-01',
            name: 'vnet',
            location: 'swedencentral',
            properties: {
              addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
              copy: [
                {
                  name: 'subnets',
                  count: "[length(variables('names'))]",
                  input: {
                    name: "[variables('names')[copyIndex('subnets')]]",
                    properties: { addressPrefix: "[format('10.0.{0}.0/24', copyIndex('subnets'))]" },
                  },
                },
              ],
            },
            resources: [
              {
                type: 'virtualNetworkPeerings',
                apiVersion: '2024-05-01',
                name: 'to-hub',
                properties: {
                  remoteVirtualNetwork: { id: "[resourceId('rg-hub', 'Microsoft.Network/virtualNetworks', 'hub')]" },
                },
              },
            ],
          },
        ],
      },
    });
    const res = await loadArm(dir, [path.join(dir, 'main.json')]);
    assert.deepEqual(res.errors, []);
    const inv = res.inventory;
    assert.deepEqual(
      inv.subnets.map((s) => [s.name, s.addressPrefixes[0]]),
      [
        ['snet-0', '10.0.0.0/24'],
        ['snet-1', '10.0.1.0/24'],
      ],
    );
    assert.equal(inv.vnetPeerings[0]!.id, `${RG}/Microsoft.Network/virtualNetworks/vnet/virtualNetworkPeerings/to-hub`);
    assert.equal(inv.vnetPeerings[0]!.location, 'swedencentral');
    // A template declares the data sets it can express: an empty flow-log list means "none declared".
    assert.ok(inv.datasets.get('iac')?.has('network:flow-logs'));
  });

  it('languageVersion 2.0 symbolic resources: reference() gives declared properties, runtime ones stay unknown', async () => {
    const dir = tree({
      'main.json': {
        $schema: SCHEMA,
        languageVersion: '2.0',
        resources: {
          vnet: {
            type: 'Microsoft.Network/virtualNetworks',
            apiVersion: '2024-05-01',
            name: 'vnet',
            location: 'swedencentral',
            properties: {
              addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
              subnets: [{ name: 'snet-pe', properties: { addressPrefix: '10.0.1.0/24' } }],
            },
          },
          oai: account('oai', 'Disabled'),
          pe: {
            type: 'Microsoft.Network/privateEndpoints',
            apiVersion: '2024-05-01',
            name: 'pe',
            location: 'swedencentral',
            properties: {
              subnet: { id: "[reference('vnet').subnets[0].id]" },
              privateLinkServiceConnections: [
                { name: 'c', properties: { privateLinkServiceId: "[resourceInfo('oai').id]", groupIds: ['account'] } },
              ],
              // A value the DNS checks read (a NIC's custom name is read by nothing, so it would not count).
              customDnsConfigs: [{ fqdn: "[reference('vnet').resourceGuid]" }],
            },
          },
          hub: { type: 'Microsoft.Network/virtualNetworks', apiVersion: '2024-05-01', name: 'hub', existing: true },
        },
      },
    });
    const r = await loadArm(dir, [path.join(dir, 'main.json')]);
    assert.deepEqual(r.errors, []);
    const pe = r.inventory.privateEndpoints[0]!;
    assert.equal(pe.subnetId, `${RG}/Microsoft.Network/virtualNetworks/vnet/subnets/snet-pe`);
    assert.equal(pe.connections[0]!.privateLinkServiceId, `${RG}/Microsoft.CognitiveServices/accounts/oai`);
    const skipped = [...r.inventory.partial.get('iac/swedencentral')!.entries()].map(([d, items]) => [
      d,
      items.map((i) => i.reason),
    ]);
    assert.deepEqual(skipped, [
      [
        'network:private-endpoints',
        [
          "value not known before deploy: reference('vnet').resourceGuid is a runtime property, known only after deploy (main.json:59)",
        ],
      ],
      // The existing VNet has no location: it is charged to every location of its subscription.
      [
        'network:virtual-networks',
        [
          'Microsoft.Network/virtualNetworks hub is an existing resource, declared outside the scanned code: its properties are not known',
        ],
      ],
    ]);
  });

  it('is detected by its $schema, before the Azure snapshot reader sees its Microsoft.* types', async () => {
    assert.equal(
      detectProvider(`{"$schema": "${SCHEMA}", "resources": [{"type": "Microsoft.Network/virtualNetworks"}]}`),
      'arm',
    );
    assert.equal(detectProvider(`{"$schema": "${PARAMS_SCHEMA}", "parameters": {}}`), 'arm');
    const parts = await partitionSnapshot(path.resolve('examples/bicep/azure-reference'));
    assert.equal(parts.bicep.length, 6);
    assert.deepEqual(
      [parts.aws, parts.azure, parts.arm].map((p) => p.length),
      [0, 0, 0],
    );
  });
});

describe('Bicep', () => {
  it('an existing resource: its id is known, its properties are not (not assessed, named)', async () => {
    const dir = tree({
      'main.bicep': `param location string = 'swedencentral'

resource hub 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
  name: 'vnet-hub'
  scope: resourceGroup('rg-hub')
}

resource oai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai'
  location: location
  kind: 'OpenAI'
  properties: {
    publicNetworkAccess: 'Disabled'
  }
}

resource pe 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pe-oai'
  location: location
  properties: {
    subnet: {
      id: '\${hub.id}/subnets/snet-pe'
    }
    privateLinkServiceConnections: [
      {
        name: 'oai'
        properties: {
          privateLinkServiceId: oai.id
          groupIds: [
            'account'
          ]
        }
      }
    ]
  }
}
`,
    });
    const loaded = await loadBicep(dir, [path.join(dir, 'main.bicep')]);
    assert.deepEqual(loaded.errors, []);
    const pe = loaded.inventory.privateEndpoints[0]!;
    assert.equal(
      pe.subnetId,
      '/subscriptions/iac/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-pe',
    );
    assert.equal(pe.connections[0]!.privateLinkServiceId, `${RG}/Microsoft.CognitiveServices/accounts/oai`);
    assert.equal(pe.connections[0]!.status, 'Approved');
    assert.equal(pe.origin.kind === 'file' && pe.origin.line, 17);
    const r = await scan(dir, ['azure-private-endpoint-subnet-nsg', 'azure-ai-public-network-access']);
    const subnetCheck = r.findings.find((f) => f.checkId === 'azure-private-endpoint-subnet-nsg')!;
    assert.equal(subnetCheck.status, 'not-assessed');
    assert.match(subnetCheck.message, /vnet-hub is an existing resource, declared outside the scanned code/);
    assert.equal(r.findings.find((f) => f.checkId === 'azure-ai-public-network-access')!.status, 'pass');
  });

  it('parameters, interpolation, loops, conditions and local modules', async () => {
    const dir = tree({
      'main.bicep': `targetScope = 'subscription'
param names array = [
  'a'
  'b'
]
param pna string
var prefix = 'oai'

module accounts 'modules/accounts.bicep' = {
  name: 'accounts'
  scope: resourceGroup('rg-ai')
  params: {
    names: names
    open: false
  }
}

module unknown 'modules/accounts.bicep' = {
  name: 'unknown'
  scope: resourceGroup('44444444-4444-4444-4444-444444444444', 'rg-unknown')
  params: {
    names: [
      '\${prefix}-x'
    ]
    open: pna == 'Enabled'
  }
}
`,
      'modules/accounts.bicep': `param names array
param open bool
param location string = 'swedencentral'

resource accts 'Microsoft.CognitiveServices/accounts@2024-10-01' = [for (n, i) in names: {
  name: 'oai-\${n}-\${i}'
  location: location
  kind: 'OpenAI'
  properties: {
    publicNetworkAccess: open ? 'Enabled' : 'Disabled'
  }
}]

resource never 'Microsoft.CognitiveServices/accounts@2024-10-01' = if (length(names) > 5) {
  name: 'never'
  location: location
  kind: 'OpenAI'
  properties: {
    publicNetworkAccess: 'Enabled'
  }
}
`,
    });
    const r = await scan(dir);
    assert.deepEqual(r.inputErrors, []);
    assert.deepEqual(byResource(r), {
      '/subscriptions/iac/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/oai-a-0': 'pass',
      '/subscriptions/iac/resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/oai-b-1': 'pass',
      '/subscriptions/44444444-4444-4444-4444-444444444444': 'not-assessed',
    });
    assert.match(
      r.findings.find((f) => f.status === 'not-assessed')!.message,
      /parameters\('pna'\) has no default and no value was given \(main\.bicep:6\)/,
    );
  });
});

describe('Bicep parameter files', () => {
  it('a .bicepparam file gives the values of the file it uses', async () => {
    const main = `param pna string
param name string = 'oai'

resource oai 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  location: 'swedencentral'
  kind: 'OpenAI'
  properties: {
    publicNetworkAccess: pna
  }
}
`;
    const withParams = await scan(
      tree({
        'main.bicep': main,
        'prod.bicepparam': "using './main.bicep'\n\nparam pna = 'Enabled'\nparam name = 'oai-${pna}'\n",
      }),
    );
    assert.deepEqual(withParams.inputErrors, []);
    assert.deepEqual(byResource(withParams), { [`${RG}/Microsoft.CognitiveServices/accounts/oai-Enabled`]: 'fail' });
    const without = await scan(tree({ 'main.bicep': main }));
    assert.deepEqual(
      without.findings.map((f) => f.status),
      ['not-assessed'],
    );
    const bad = await scan(tree({ 'main.bicep': main, 'x.bicepparam': "param pna = 'Disabled'\n" }));
    assert.match(
      bad.inputErrors.map((e) => `${e.file}:${e.line}: ${e.message}`).join('\n'),
      /x\.bicepparam:1: a \.bicepparam file needs a using declaration/,
    );
  });
});

/** A malformed file gives only located errors about itself, and the good file beside it is still read. */
async function badFileLocated(
  load: typeof loadArm,
  bad: string,
  text: string,
  goodName: string,
  goodBody: string | object,
): Promise<void> {
  const dir = tree({ [bad]: text, [goodName]: goodBody });
  const r = await load(dir, [path.join(dir, bad), path.join(dir, goodName)]);
  assert.ok(r.inventory.cognitiveAccounts.some((a) => a.name === 'oai-good'));
  for (const e of r.errors) {
    assert.equal(e.file, bad);
    assert.ok((e.position.line ?? 0) >= 1, e.format());
  }
}

describe('malformed ARM and Bicep input', () => {
  const good = {
    $schema: SCHEMA,
    resources: [account('oai-good', 'Disabled')],
  };
  const armTexts = ['azuredeploy.json', 'rg-hub.json'].map((f) =>
    readFileSync(`examples/arm/azure-misconfigured/${f}`, 'utf8'),
  );
  const bicepTexts = ['rg-ai.bicep', 'rg-hub.bicep'].map((f) =>
    readFileSync(`examples/bicep/azure-misconfigured/${f}`, 'utf8'),
  );
  const mutations = (texts: string[]) => fc.constantFrom(...texts).chain(mutation);
  const mutation = (text: string) =>
    fc.oneof(
      fc.nat({ max: text.length - 1 }).map((n) => text.slice(0, n)),
      fc
        .tuple(
          fc.nat({ max: text.length - 1 }),
          fc.constantFrom('{', '}', '[', ']', ',', ':', '"', "'", '(', ')', '$', '\n', '[[', 'x'),
        )
        .map(([n, c]) => text.slice(0, n) + c + text.slice(n + 1)),
      fc
        .tuple(fc.nat({ max: text.length - 1 }), fc.string({ maxLength: 12 }))
        .map(([n, s]) => text.slice(0, n) + s + text.slice(n)),
    );

  it('ARM: a bad template gives located errors and the other template is still read', async () => {
    await fc.assert(
      fc.asyncProperty(mutations(armTexts), async (text) => {
        await badFileLocated(loadArm, 'bad.json', text, 'good.json', good);
      }),
      { numRuns: 60 },
    );
  });

  it('ARM: random expressions give located errors or unknowns, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 30 }), async (s) => {
        const dir = tree({
          'main.json': { $schema: SCHEMA, resources: [account('oai', `[${s}]`), account('oai-2', 'Disabled')] },
        });
        const r = await loadArm(dir, [path.join(dir, 'main.json')]);
        assert.ok(r.inventory.cognitiveAccounts.some((a) => a.name === 'oai-2'));
        for (const e of r.errors) {
          assert.ok((e.position.line ?? 0) > 1, e.format());
          assert.ok(e.position.pointer?.startsWith('/resources/0'), e.format());
        }
      }),
      { numRuns: 100 },
    );
  });

  it('Bicep: a bad file gives located errors and the other file is still read', async () => {
    const goodBicep =
      "resource ok 'Microsoft.CognitiveServices/accounts@2024-10-01' = {\n  name: 'oai-good'\n  location: 'x'\n  kind: 'OpenAI'\n  properties: {\n    publicNetworkAccess: 'Disabled'\n  }\n}\n";
    await fc.assert(
      fc.asyncProperty(mutations(bicepTexts), async (text) => {
        await badFileLocated(loadBicep, 'bad.bicep', `param location string = 'x'\n${text}`, 'good.bicep', goodBicep);
      }),
      { numRuns: 40 },
    );
  });
});
