/**
 * `cordon collect azure` and `cordon scan --azure` end to end against the fake Entra ID / ARM / Resource Graph
 * server: the collected snapshot scans to the same findings as the hand-written example it was served from.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';
import type { Finding } from '../../src/findings/types.js';
import { jsonFiles } from '../support/files.js';
import { withoutPaths } from '../support/findings.js';
import { resourcesOf, startFakeAzure } from '../support/fake-azure-server.js';

const TENANT = '72f988bf-0000-4000-8000-00000000cafe';
const EXAMPLE = 'examples/azure/misconfigured';
const ENV = { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: 'cordon-cli-client', AZURE_CLIENT_SECRET: 'fake-secret' };

const cli = (args: string[]) => runCli(args, { env: ENV, today: '2026-12-04' });

const comparable = (stdout: string) => withoutPaths((JSON.parse(stdout) as { findings: Finding[] }).findings);

describe('cordon collect azure / scan --azure', () => {
  it('collects a snapshot that scans to the same findings as the hand-written one', async () => {
    const resources = resourcesOf(jsonFiles(EXAMPLE).map((f) => JSON.parse(readFileSync(f, 'utf8')) as unknown));
    const subscriptions = [...new Set(resources.map((r) => r.id.split('/')[2]!.toLowerCase()))].map((id) => ({ id }));
    const fake = await startFakeAzure({
      tenant: TENANT,
      clientId: ENV.AZURE_CLIENT_ID,
      clientSecret: ENV.AZURE_CLIENT_SECRET,
      resources,
      subscriptions,
      pageSize: 3,
    });
    try {
      const dir = mkdtempSync(path.join(tmpdir(), 'cordon-azure-cli-'));
      const ca = path.join(dir, 'ca.pem');
      writeFileSync(ca, fake.ca);
      const out = path.join(dir, 'snapshot');
      const c = await cli(['collect', 'azure', '--out', out, '--endpoint-url', fake.endpoint, '--ca-file', ca]);
      assert.equal(c.code, 0, c.stderr);
      assert.match(c.stderr, /collected 1 subscription\(s\) into .*: 1 complete, 0 with unavailable data sets/);
      const policy = ['-p', 'examples/cordon.yaml', '--format', 'json'];
      const live = await cli(['scan', out, ...policy]);
      const hand = await cli(['scan', EXAMPLE, ...policy]);
      assert.equal(live.code, hand.code, live.stderr);
      assert.deepEqual(comparable(live.stdout), comparable(hand.stdout));
      // scan --azure collects into a temporary directory and scans it in one go.
      const once = await cli(['scan', '--azure', '--endpoint-url', fake.endpoint, '--ca-file', ca, ...policy]);
      assert.equal(once.code, hand.code, once.stderr);
      assert.deepEqual(comparable(once.stdout), comparable(hand.stdout));
    } finally {
      await fake.close();
    }
  });

  it('flags of the other cloud are usage errors', async () => {
    assert.equal((await cli(['scan', '--azure', '--profile', 'x'])).code, 2);
    assert.equal((await cli(['scan', 'examples/azure/reference', '--subscriptions', 'x'])).code, 2);
  });
});
