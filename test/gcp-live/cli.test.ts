/**
 * `cordon collect gcp` and `cordon scan --gcp` end to end against the fake token / Cloud Asset / Org Policy / DNS /
 * Compute server serving a hand-written example: the collected snapshot scans to the same findings as the example.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { Finding } from '../../src/findings/types.js';
import type { GcpInventory } from '../../src/inventory/gcp.js';
import { loadGcpSnapshot } from '../../src/sources/gcp-snapshot/load.js';
import { runCli } from '../support/cli.js';
import { startFakeGcp, writeUserCredential } from '../support/fake-gcp-server.js';
import { gcpWorldFromExample } from '../support/fake-gcp-world.js';
import { withoutPaths } from '../support/findings.js';
import { withoutOrigins } from '../support/files.js';

const USER = { clientId: 'cordon-cli.apps.example', clientSecret: 'fake-secret', refreshToken: 'fake-refresh' };
const POLICY = ['-p', 'examples/cordon.yaml', '--format', 'json'];

/** Findings without origins (the files differ); a run with no report (no check for the input) has none. */
const comparable = (stdout: string) =>
  stdout ? withoutPaths((JSON.parse(stdout) as { findings: Finding[] }).findings) : [];

/** Inventory lists without origins and JSON pointers, and each project's data sets. */
function inventoryOf(inv: GcpInventory): Record<string, unknown> {
  const lists = Object.entries(inv)
    .filter(([, v]) => Array.isArray(v))
    .map(([k, v]): [string, string[]] => [k, (withoutOrigins(v) as unknown[]).map((x) => JSON.stringify(x)).sort()]);
  const projects = [...inv.datasets]
    .filter(([k]) => !/^(organizations|folders|accessPolicies)\//.test(k))
    .map(([k, s]) => [k, [...s].sort()]);
  const byList: Record<string, string[]> = Object.fromEntries(lists);
  return { ...byList, datasets: projects.sort(), unavailable: [...inv.unavailable.keys()] };
}

async function collectAndCompare(example: string, scope: string[]): Promise<void> {
  const fake = await startFakeGcp({ ...gcpWorldFromExample(example), user: USER, pageSize: 5 });
  try {
    const dir = mkdtempSync(path.join(tmpdir(), 'cordon-gcp-cli-'));
    const ca = path.join(dir, 'ca.pem');
    writeFileSync(ca, fake.ca);
    const env = { GOOGLE_APPLICATION_CREDENTIALS: writeUserCredential(dir, USER) };
    const cli = (args: string[]) => runCli(args, { env, today: '2026-12-04' });
    const live = ['--endpoint-url', fake.endpoint, '--ca-file', ca, ...scope];
    const out = path.join(dir, 'snapshot');
    const c = await cli(['collect', 'gcp', '--out', out, ...live]);
    assert.equal(c.code, 0, c.stderr);
    // Both examples have two projects under the organization; misconfigured/a-*.json adds ai-spoke when it is listed.
    const projects = scope[0] === '--projects' ? scope[1]!.split(',').length : 2;
    assert.match(
      c.stderr,
      new RegExp(
        `collected ${projects} project\\(s\\) and 2 folder\\(s\\)/organization\\(s\\) into .*: ${projects} complete, 0 with`,
      ),
    );
    // The snapshot reads to the same inventory as the example it was served from.
    const [fromLive, fromHand] = [await loadGcpSnapshot(out), await loadGcpSnapshot(example)];
    assert.deepEqual([...fromLive.errors, ...fromLive.warnings], []);
    assert.deepEqual(inventoryOf(fromLive.inventory), inventoryOf(fromHand.inventory));
    assert.ok(fromHand.inventory.networks.length > 0 && fromHand.inventory.servicePerimeters.length > 0);
    assert.ok(fromHand.inventory.recordSets.length > 0 && fromHand.inventory.orgPolicies.length > 0);
    const hand = await cli(['scan', example, ...POLICY]);
    const collected = await cli(['scan', out, ...POLICY]);
    assert.equal(collected.code, hand.code, collected.stderr);
    assert.deepEqual(comparable(collected.stdout), comparable(hand.stdout));
    // scan --gcp collects into a temporary directory and scans it in one go.
    const once = await cli(['scan', '--gcp', ...live, ...POLICY]);
    assert.equal(once.code, hand.code, once.stderr);
    assert.deepEqual(comparable(once.stdout), comparable(hand.stdout));
  } finally {
    await fake.close();
  }
}

describe('cordon collect gcp / scan --gcp', () => {
  it('collects the reference example to a snapshot that scans to the same findings', async () => {
    await collectAndCompare('examples/gcp/reference', ['--organization', '123456789012']);
  });

  it('collects the misconfigured example (listed projects) to a snapshot that scans to the same findings', async () => {
    await collectAndCompare('examples/gcp/misconfigured', ['--projects', 'ai-net-host,ai-workloads,ai-spoke']);
  });

  it('a denied project is reported with the permission it needs, and its data is unavailable in the snapshot', async () => {
    const fake = await startFakeGcp({
      ...gcpWorldFromExample('examples/gcp/reference'),
      user: USER,
      deniedProjects: ['ai-workloads'],
    });
    try {
      const dir = mkdtempSync(path.join(tmpdir(), 'cordon-gcp-cli-'));
      writeFileSync(path.join(dir, 'ca.pem'), fake.ca);
      const out = path.join(dir, 'kept');
      const env = { GOOGLE_APPLICATION_CREDENTIALS: writeUserCredential(dir, USER) };
      const c = await runCli(
        [
          'collect',
          'gcp',
          '--out',
          out,
          '--endpoint-url',
          fake.endpoint,
          '--ca-file',
          path.join(dir, 'ca.pem'),
          '--projects',
          'ai-net-host,ai-workloads',
        ],
        { env },
      );
      assert.equal(c.code, 0, c.stderr);
      assert.match(c.stderr, /1 complete, 1 with unavailable data sets/);
      assert.match(
        c.stderr,
        /unavailable ai-workloads compute:networks: PERMISSION_DENIED: Permission 'cloudasset\.assets\.listResource' denied .* \(needs cloudasset\.assets\.listResource\)/,
      );
      const inv = (await loadGcpSnapshot(out)).inventory;
      assert.equal(
        inv.unavailable.get('ai-workloads')?.get('aiplatform:endpoints')?.permission,
        'cloudasset.assets.listResource',
      );
      assert.ok(inv.networks.length > 0, 'the readable project was collected');
    } finally {
      await fake.close();
    }
  });

  it('flags of another cloud, or no scope, are usage errors', async () => {
    const cli = (args: string[]) => runCli(args, { env: {} });
    assert.equal((await cli(['scan', '--gcp', '--subscriptions', 'x'])).code, 2);
    assert.equal((await cli(['scan', '--gcp', '--profile', 'x'])).code, 2);
    assert.match((await cli(['scan', 'examples/gcp/reference', '--projects', 'x'])).stderr, /--projects needs --gcp/);
    assert.match((await cli(['scan', '--gcp'])).stderr, /--projects, --folders or --organization/);
    assert.equal((await cli(['collect', 'gcp', '--out', 'x', '--organization', 'acme'])).code, 2);
  });
});
