/**
 * Vertex AI v1 Endpoint and IndexEndpoint answers in the other documented spellings: the deprecated top-level
 * enablePrivateServiceConnect (private, not public), and an index endpoint whose answer shows its public domain name
 * (public, whatever else it says).
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';

const CHECK = 'gcp-vertex-endpoint-public';

/** Findings of the check on the reference example with one Vertex AI file replaced. */
async function findings(file: string, items: unknown[]): Promise<{ status: string; message: string }[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-vertex-'));
  await cp('examples/gcp/reference', dir, { recursive: true });
  const base = JSON.parse(await readFile(path.join(dir, file), 'utf8')) as Record<string, unknown>[];
  await writeFile(path.join(dir, file), JSON.stringify(items.map((x) => ({ ...base[0], ...(x as object) }))));
  const r = await runCli(['scan', dir, '-p', 'examples/cordon.yaml', '--format', 'json', '--checks', CHECK]);
  return (JSON.parse(r.stdout) as { findings: { status: string; message: string }[] }).findings;
}

describe('Vertex AI endpoint shapes', () => {
  it('the deprecated top-level enablePrivateServiceConnect is a private endpoint, on both kinds', async () => {
    const legacy = { privateServiceConnectConfig: undefined, enablePrivateServiceConnect: true };
    const e = await findings('vertex-endpoints.json', [legacy]);
    const i = await findings('vertex-index-endpoints.json', [legacy]);
    // Each run holds the example's endpoint and index endpoint, one of them in the legacy spelling.
    assert.equal(e.length + i.length, 4);
    for (const f of [...e, ...i]) {
      assert.equal(f.status, 'pass', f.message);
      assert.match(f.message, /served through Private Service Connect/);
    }
  });

  it('an index endpoint answering with publicEndpointDomainName is public even without publicEndpointEnabled', async () => {
    const fs = await findings('vertex-index-endpoints.json', [
      {
        publicEndpointEnabled: undefined,
        publicEndpointDomainName: '1234567890.us-central1-100000000002.vdb.vertexai.goog',
      },
    ]);
    const f = fs.find((x) => /index endpoint/.test(x.message))!;
    assert.equal(f.status, 'fail');
    assert.match(f.message, /serves on the public endpoint 1234567890\.us-central1-100000000002\.vdb\.vertexai\.goog/);
  });
});
