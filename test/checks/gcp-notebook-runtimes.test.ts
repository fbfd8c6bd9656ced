/**
 * Managed notebooks runtimes (Notebooks v1 Runtime, as `gcloud notebooks runtimes list --format=json` and Cloud Asset
 * Inventory's notebooks.googleapis.com/Runtime give them) are judged like Workbench instances: before, the list was
 * an unrecognised file and the assets were dropped, so a public runtime passed unseen.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';

const CHECK = 'gcp-workbench-public-or-outside-ai-network';

async function scan(file: string, content: unknown) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-runtimes-'));
  await cp('examples/gcp/reference', dir, { recursive: true });
  await writeFile(path.join(dir, file), JSON.stringify(content, null, 2));
  const r = await runCli(['scan', dir, '-p', 'examples/cordon.yaml', '--format', 'json', '--checks', CHECK]);
  const report = JSON.parse(r.stdout) as {
    findings: { status: string; message: string; resource: { id: string } }[];
    inputErrors: unknown[];
  };
  assert.deepEqual(report.inputErrors, []);
  return report.findings;
}

const runtime = (name: string, virtualMachineConfig: Record<string, unknown>) => ({
  name: `projects/ai-workloads/locations/us-central1/runtimes/${name}`,
  state: 'ACTIVE',
  accessConfig: { accessType: 'SERVICE_ACCOUNT', runtimeOwner: 'ml@ai-workloads.iam.gserviceaccount.com' },
  virtualMachine: {
    instanceName: `${name}-vm`,
    virtualMachineConfig: { zone: 'us-central1-b', ...virtualMachineConfig },
  },
});

describe('managed notebooks runtimes', () => {
  it('gcloud output: a runtime on the Google-managed network with an external IP fails; a private one passes', async () => {
    const fs = await scan('notebook-runtimes.json', [
      runtime('open-rt', { machineType: 'n1-standard-4' }),
      runtime('private-rt', {
        network: 'projects/ai-net-host/global/networks/ai-vpc',
        subnet: 'projects/ai-net-host/regions/us-central1/subnetworks/inference',
        internalIpOnly: true,
      }),
    ]);
    const open = fs.find((f) => f.resource.id.endsWith('/runtimes/open-rt'))!;
    assert.equal(open.status, 'fail');
    assert.match(
      open.message,
      /managed notebooks runtime open-rt: it gets a public IP \(virtualMachine\.virtualMachineConfig\.internalIpOnly is not set\)/,
    );
    assert.match(open.message, /names no network/);
    assert.equal(fs.find((f) => f.resource.id.endsWith('/runtimes/private-rt'))!.status, 'pass');
  });

  it('a Cloud Asset Inventory Runtime asset is read, not dropped', async () => {
    const fs = await scan('runtime-assets.json', [
      {
        name: '//notebooks.googleapis.com/projects/ai-workloads/locations/us-central1/runtimes/asset-rt',
        assetType: 'notebooks.googleapis.com/Runtime',
        ancestors: ['projects/100000000002', 'folders/345678901234', 'organizations/123456789012'],
        resource: {
          version: 'v1',
          location: 'us-central1',
          data: runtime('asset-rt', {
            network: 'projects/ai-net-host/global/networks/ai-vpc',
            subnet: 'projects/ai-net-host/regions/us-central1/subnetworks/inference',
            internalIpOnly: false,
          }),
        },
      },
    ]);
    const f = fs.find((x) => x.resource.id.endsWith('/runtimes/asset-rt'))!;
    assert.equal(f?.status, 'fail');
    assert.match(f.message, /external IP/);
  });
});
