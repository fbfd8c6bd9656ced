// npm run bench:iac-azure — scan cost of ARM templates and Bicep against the Azure snapshot reader on the same
// resources, measured in the same run. Writes deterministic trees of 1,000 and 5,000 resources (units of a VNet with
// two subnets, an NSG, an OpenAI account, a private endpoint to it and its DNS zone group; every unit in its own
// resource group, the ARM tree as one subscription template with one linked template per 50 units, the Bicep tree as
// one module per 50 units) and scans each with scanSnapshot, printing wall and CPU time, heap growth, the ratio to the
// snapshot, and the 5,000/1,000 ratio (linear cost gives about 5). Readers are timed alone, then whole scans, at both
// sizes (SCAN_SMALL=1: whole scans at 1,000 only).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadPolicyFile } from '../src/policy/load.js';
import { AZURE_DATASETS } from '../src/inventory/azure.js';
import { scanSnapshot } from '../src/scan.js';
import { partitionSnapshot } from '../src/sources/detect.js';
import { loadAzureSnapshot } from '../src/sources/azure-snapshot/load.js';
import { loadArm } from '../src/sources/iac/arm/load.js';
import { loadBicep } from '../src/sources/iac/bicep/load.js';

const PER_FILE = 50;
/** Every 50 units (one file) form a subscription, as an organisation's landing zones would. */
const subOf = (i: number) => `55555555-5555-5555-5555-${String(Math.floor(i / PER_FILE)).padStart(12, '0')}`;

function unitBodies(i: number) {
  const rg = `rg-${i}`;
  const SUB = subOf(i);
  const base = `/subscriptions/${SUB}/resourceGroups/${rg}/providers`;
  const vnet = `${base}/Microsoft.Network/virtualNetworks/vnet-${i}`;
  const acct = `${base}/Microsoft.CognitiveServices/accounts/oai-${i}`;
  const pe = `${base}/Microsoft.Network/privateEndpoints/pe-${i}`;
  const nsg = `${base}/Microsoft.Network/networkSecurityGroups/nsg-${i}`;
  const octet = (n: number) => `10.${Math.floor(i / 250) % 250}.${i % 250}.${n}`;
  return [
    {
      id: nsg,
      type: 'Microsoft.Network/networkSecurityGroups',
      name: `nsg-${i}`,
      location: 'swedencentral',
      properties: {
        securityRules: [
          {
            name: 'https-in',
            properties: {
              priority: 100,
              direction: 'Inbound',
              access: 'Allow',
              protocol: 'Tcp',
              sourceAddressPrefix: octet(0) + '/26',
              sourcePortRange: '*',
              destinationAddressPrefix: '*',
              destinationPortRange: '443',
            },
          },
        ],
      },
    },
    {
      id: vnet,
      type: 'Microsoft.Network/virtualNetworks',
      name: `vnet-${i}`,
      location: 'swedencentral',
      tags: { SecurityZone: 'inference' },
      properties: {
        addressSpace: { addressPrefixes: [octet(0) + '/24'] },
        subnets: [
          { id: `${vnet}/subnets/snet-app`, name: 'snet-app', properties: { addressPrefix: octet(0) + '/26' } },
          {
            id: `${vnet}/subnets/snet-pe`,
            name: 'snet-pe',
            properties: { addressPrefix: octet(64) + '/26', networkSecurityGroup: { id: nsg } },
          },
        ],
      },
    },
    {
      id: acct,
      type: 'Microsoft.CognitiveServices/accounts',
      name: `oai-${i}`,
      location: 'swedencentral',
      kind: 'OpenAI',
      properties: { publicNetworkAccess: i % 4 === 0 ? 'Enabled' : 'Disabled', disableLocalAuth: true },
    },
    {
      id: pe,
      type: 'Microsoft.Network/privateEndpoints',
      name: `pe-${i}`,
      location: 'swedencentral',
      properties: {
        subnet: { id: `${vnet}/subnets/snet-pe` },
        privateLinkServiceConnections: [
          // The snapshot shows the state Azure sets at deploy time (the IaC readers infer it).
          {
            name: 'c',
            properties: {
              privateLinkServiceId: acct,
              groupIds: ['account'],
              privateLinkServiceConnectionState: { status: 'Approved' },
            },
          },
        ],
        ipConfigurations: [
          { name: 'ip', properties: { groupId: 'account', memberName: 'default', privateIPAddress: octet(68) } },
        ],
      },
    },
    {
      id: `${pe}/privateDnsZoneGroups/default`,
      type: 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
      name: 'default',
      properties: {
        privateDnsZoneConfigs: [
          {
            name: 'openai',
            properties: {
              privateDnsZoneId: `/subscriptions/${SUB}/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com`,
            },
          },
        ],
      },
    },
  ];
}

type Body = ReturnType<typeof unitBodies>[number];

/** A string id of a generated resource becomes a resourceId() / symbol reference in the IaC trees. */
function idRef(id: string, bicep: boolean): string | undefined {
  const m = /resourceGroups\/([^/]+)\/providers\/(.+)$/.exec(id);
  if (!m || !id.startsWith('/subscriptions/55555555-')) return undefined;
  const segs = m[2]!.split('/');
  const type = [segs[0], ...segs.slice(1).filter((_, k) => k % 2 === 0)].join('/');
  const names = segs.slice(1).filter((_, k) => k % 2 === 1);
  const args = [m[1]!, type, ...names].map((s) => (bicep ? `'${s}'` : `'${s}'`)).join(', ');
  return bicep ? `resourceId(${args})` : `[resourceId(${args})]`;
}

function refs(v: unknown, bicep: boolean): unknown {
  if (typeof v === 'string') return idRef(v, bicep) ?? v;
  if (Array.isArray(v)) return v.map((x) => refs(x, bicep));
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .filter(([k]) => k !== 'id' || Object.keys(v).length === 1)
        .map(([k, x]) => [k, refs(x, bicep)]),
    );
  return v;
}

function bicepValue(v: unknown, indent: string): string {
  if (typeof v === 'string') return v.startsWith('resourceId(') ? v : `'${v}'`;
  if (typeof v !== 'object' || v === null) return String(v);
  const next = indent + '  ';
  if (Array.isArray(v)) return `[\n${v.map((x) => next + bicepValue(x, next)).join('\n')}\n${indent}]`;
  return `{\n${Object.entries(v)
    .map(([k, x]) => `${next}${/^[A-Za-z_]\w*$/.test(k) ? k : `'${k}'`}: ${bicepValue(x, next)}`)
    .join('\n')}\n${indent}}`;
}

function nameOf(b: Body, i: number): string {
  return b.type.endsWith('privateDnsZoneGroups') ? `pe-${i}/default` : b.name;
}

function write(root: string, resources: number): Record<'snapshot' | 'arm' | 'bicep', string> {
  const units = Math.ceil(resources / 5);
  const dirs = { snapshot: path.join(root, 'snapshot'), arm: path.join(root, 'arm'), bicep: path.join(root, 'bicep') };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  const armDeployments: unknown[] = [];
  const bicepModules: string[] = [];
  for (let f = 0; f * PER_FILE < units; f++) {
    const list = Array.from({ length: Math.min(PER_FILE, units - f * PER_FILE) }, (_, k) => f * PER_FILE + k);
    const bodies = list.flatMap(unitBodies);
    writeFileSync(path.join(dirs.snapshot, `part-${f}.json`), JSON.stringify({ value: bodies }));
    // The snapshot declares its data sets complete, as IaC does, so the same checks run on both.
    if (f === 0)
      writeFileSync(
        path.join(dirs.snapshot, 'manifest.json'),
        JSON.stringify({
          cordonSnapshot: 1,
          provider: 'azure',
          subscriptions: Array.from({ length: Math.ceil(units / PER_FILE) }, (_, k) => subOf(k * PER_FILE)),
          datasets: Object.keys(AZURE_DATASETS),
        }),
      );
    // ARM: one linked template per file; every resource names its own resource group through a nested deployment.
    const armResources = list.map((i) => ({
      type: 'Microsoft.Resources/deployments',
      apiVersion: '2022-09-01',
      name: `unit-${i}`,
      subscriptionId: subOf(i),
      resourceGroup: `rg-${i}`,
      properties: {
        mode: 'Incremental',
        expressionEvaluationOptions: { scope: 'inner' },
        template: {
          $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
          resources: unitBodies(i).map((b) => {
            const { id: _id, name: _name, type, ...rest } = b;
            return { type, apiVersion: '2024-05-01', name: nameOf(b, i), ...(refs(rest, false) as object) };
          }),
        },
      },
    }));
    writeFileSync(
      path.join(dirs.arm, `part-${f}.json`),
      JSON.stringify({
        $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
        resources: armResources,
      }),
    );
    armDeployments.push({
      type: 'Microsoft.Resources/deployments',
      apiVersion: '2022-09-01',
      name: `part-${f}`,
      properties: { mode: 'Incremental', templateLink: { relativePath: `part-${f}.json` } },
    });
    // Bicep: one module per file (deployed at subscription scope), each unit a module call into its resource group.
    const unitDecls = unitBodies(0).map((b, k) => {
      const { id: _id, name: _name, type: _type, ...rest } = b;
      const body = refs(rest, true) as Record<string, unknown>;
      const name = nameOf(b, 0).replace(/0/g, '${i}');
      return `resource r${k} '${b.type}@2024-05-01' = ${bicepValue({ name: `NAME${k}`, ...body }, '').replace(`'NAME${k}'`, `'${name}'`)}`;
    });
    writeFileSync(
      path.join(dirs.bicep, `part-${f}.bicep`),
      `targetScope = 'subscription'\n\n${list
        .map(
          (i) =>
            `module u${i} 'unit.bicep' = {\n  name: 'unit-${i}'\n  scope: resourceGroup('${subOf(i)}', 'rg-${i}')\n  params: {\n    i: ${i}\n  }\n}\n`,
        )
        .join('\n')}`,
    );
    if (f === 0)
      writeFileSync(
        path.join(dirs.bicep, 'unit.bicep'),
        `param i int\n\n${unitDecls.join('\n\n')}\n`
          .replace(/rg-0/g, 'rg-${i}')
          .replace(/vnet-0/g, 'vnet-${i}')
          .replace(/oai-0/g, 'oai-${i}')
          .replace(/pe-0/g, 'pe-${i}')
          .replace(/nsg-0/g, 'nsg-${i}'),
      );
    bicepModules.push(
      `module p${f} 'part-${f}.bicep' = {\n  name: 'part-${f}'\n  scope: subscription('${subOf(f * PER_FILE)}')\n}\n`,
    );
  }
  writeFileSync(
    path.join(dirs.arm, 'main.json'),
    JSON.stringify({
      $schema: 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#',
      resources: armDeployments,
    }),
  );
  writeFileSync(path.join(dirs.bicep, 'main.bicep'), `targetScope = 'subscription'\n\n${bicepModules.join('\n')}`);
  return dirs;
}

const policy = await loadPolicyFile('examples/cordon.yaml');
const root = mkdtempSync(path.join(tmpdir(), 'cordon-bench-iac-azure-'));
try {
  const rows: { size: number; kind: string; wall: number; cpu: number; heap: number; findings: number }[] = [];
  const read = async (kind: 'snapshot' | 'arm' | 'bicep', dir: string) => {
    const parts = await partitionSnapshot(dir);
    if (kind === 'snapshot') return loadAzureSnapshot(dir, parts.azure);
    return kind === 'arm' ? loadArm(dir, parts.arm) : loadBicep(dir, parts.bicep);
  };
  for (const size of (process.env.SIZES ?? '1000,5000').split(',').map(Number)) {
    const dirs = write(path.join(root, String(size)), size);
    for (const kind of ['snapshot', 'arm', 'bicep'] as const) {
      // The reader alone (the part this source adds), then the whole scan (reader and the Azure checks).
      global.gc?.();
      const rc0 = process.cpuUsage();
      const rt0 = performance.now();
      const loaded = await read(kind, dirs[kind]);
      const rc = process.cpuUsage(rc0);
      rows.push({
        size,
        kind: `${kind} read`,
        wall: performance.now() - rt0,
        cpu: (rc.user + rc.system) / 1000,
        heap: 0,
        findings: loaded.inventory.privateEndpoints.length,
      });
      // The whole scan at both sizes: what still grows faster than the input is the questions asked per pair —
      // every calling VNet about every approved account's name (azure-private-dns-zone-not-linked,
      // verify-ai-name-public-dns) and every calling subnet about every endpoint (azure-caller-nsg-blocks-endpoint),
      // each pair now a lookup. SCAN_SMALL=1 times the small size only.
      if (size > 1000 && process.env.SCAN_SMALL) continue;
      global.gc?.();
      const heap0 = process.memoryUsage().heapUsed;
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const r = await scanSnapshot({ snapshot: dirs[kind], policy, policySource: 'p', cwd: root, today: '2026-01-01' });
      const wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      if (process.env.VERBOSE) console.error(`${size} ${kind}: ${(performance.now() - t0).toFixed(0)} ms`);
      if (r.inputErrors.length > 0) throw new Error(`${kind}: ${r.inputErrors[0]!.file}: ${r.inputErrors[0]!.message}`);
      rows.push({
        size,
        kind: `${kind} scan`,
        wall,
        cpu: (cpu.user + cpu.system) / 1000,
        heap: (process.memoryUsage().heapUsed - heap0) / 2 ** 20,
        findings: r.findings.length,
      });
    }
  }
  console.log('Azure IaC scan (scanSnapshot in process; wall and CPU ms, heap growth MB)');
  for (const r of rows) {
    const snap = rows.find((x) => x.size === r.size && x.kind === `snapshot ${r.kind.split(' ')[1]}`)!;
    const what = r.kind.endsWith('read')
      ? `endpoints ${r.findings}`
      : `heap ${r.heap.toFixed(0).padStart(4)}  findings ${r.findings}`;
    console.log(
      `  ${String(r.size).padStart(5)} resources  ${r.kind.padEnd(13)} wall ${r.wall.toFixed(0).padStart(6)}  cpu ${r.cpu.toFixed(0).padStart(6)}  cpu/snapshot ${(r.cpu / snap.cpu).toFixed(2)}x  ${what}`,
    );
  }
  for (const kind of ['snapshot read', 'arm read', 'bicep read', 'snapshot scan', 'arm scan', 'bicep scan']) {
    const [a, b] = [1000, 5000].map((s) => rows.find((x) => x.size === s && x.kind === kind));
    if (a && b) console.log(`  ${kind.padEnd(13)} 5,000/1,000 cpu ratio ${(b.cpu / a.cpu).toFixed(2)}x (linear: 5)`);
  }
} finally {
  if (!process.env.KEEP) rmSync(root, { recursive: true, force: true });
  else console.error(root);
}
