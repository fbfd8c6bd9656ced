/**
 * `collectAzure` end to end against the fake Entra ID / ARM / Resource Graph server, with the real
 * ClientSecretCredential and the Azure SDK's HTTP pipeline: the collected snapshot reads to the same inventory as the
 * hand-written example it was served from; paging (Resource Graph $skipToken, ARM nextLink on ARM's public host) and
 * throttling are followed; a denied subscription or child list becomes unavailable data naming the permission.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { AZURE_COLLECT_PERMISSIONS, CHILD_LISTS, collectAzure } from '../../src/sources/azure-live/collect.js';
import { AZURE_DATASETS } from '../../src/inventory/azure.js';
import { loadAzureSnapshot } from '../../src/sources/azure-snapshot/load.js';
import { runAzureChecks } from '../../src/checks/azure/engine.js';
import { AZURE_CHECKS } from '../../src/checks/azure/registry.js';
import { loadPolicyFile } from '../../src/policy/load.js';
import { jsonFiles, withoutOrigins } from '../support/files.js';
import { resourcesOf, startFakeAzure, type FakeAzureOptions } from '../support/fake-azure-server.js';

const TENANT = '72f988bf-0000-4000-8000-00000000cafe';
const SUB = '11111111-1111-1111-1111-111111111111';
const OTHER = '22222222-2222-2222-2222-222222222222';
const EXAMPLE = 'examples/azure/reference';
const CLIENT = { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: 'cordon-test-client', AZURE_CLIENT_SECRET: 'fake-secret' };

function world(extra: Partial<FakeAzureOptions> = {}): FakeAzureOptions {
  const resources = resourcesOf(jsonFiles(EXAMPLE).map((f) => JSON.parse(readFileSync(f, 'utf8')) as unknown));
  return {
    tenant: TENANT,
    clientId: CLIENT.AZURE_CLIENT_ID,
    clientSecret: CLIENT.AZURE_CLIENT_SECRET,
    resources,
    subscriptions: [{ id: SUB }],
    ...extra,
  };
}

const out = () => path.join(mkdtempSync(path.join(tmpdir(), 'cordon-azure-live-')), 'snapshot');

/** Inventory lists without origins and JSON pointers (the two snapshots' files differ), for comparison. */
function comparable(inv: Record<string, unknown>): Record<string, unknown[]> {
  return Object.fromEntries(
    Object.entries(inv)
      .filter(([, v]) => Array.isArray(v))
      .map(([k, v]) => [k, (withoutOrigins(v) as unknown[]).map((x) => JSON.stringify(x)).sort()]),
  );
}

/** The RBAC action an ARM call needs. */
function permissionOf(p: string): string {
  if (/resourcegraph\/resources$/i.test(p)) return 'Microsoft.ResourceGraph/resources/read';
  if (/^\/subscriptions(\/[^/]+)?$/i.test(p)) return 'Microsoft.Resources/subscriptions/read';
  if (/managementGroups\/[^/]+\/descendants$/i.test(p)) return 'Microsoft.Management/managementGroups/descendants/read';
  const child = CHILD_LISTS.find((c) => p.endsWith(`/${c.child}`));
  return child ? AZURE_DATASETS[child.dataset].permission : `unknown call ${p}`;
}

describe('cordon collect azure (library)', () => {
  it('docs/azure-role.json grants exactly the actions the collector needs', () => {
    const role = JSON.parse(readFileSync('docs/azure-role.json', 'utf8')) as {
      Actions: string[];
      DataActions: string[];
    };
    assert.deepEqual([...role.Actions].sort(), [...AZURE_COLLECT_PERMISSIONS]);
    assert.deepEqual(role.DataActions, []);
    assert.ok(
      role.Actions.every((a) => a.endsWith('/read')),
      'read-only',
    );
  });

  it('collects a snapshot that reads to the same inventory as the hand-written one', async () => {
    const fake = await startFakeAzure(world({ pageSize: 2, throttleGraphOnce: true }));
    try {
      const dir = out();
      const summary = await collectAzure({ out: dir, endpoint: fake.endpoint, ca: fake.ca, env: CLIENT });
      assert.deepEqual(summary.skipped, []);
      assert.equal(summary.subscriptions.length, 1);
      assert.deepEqual(summary.subscriptions[0]!.unavailable, []);
      // Tokens came from the fake authority; Resource Graph was throttled once and paged.
      assert.ok(fake.calls.some((c) => c.path === `/${TENANT}/oauth2/v2.0/token`));
      const graph = fake.calls.filter((c) => c.path.toLowerCase() === '/providers/microsoft.resourcegraph/resources');
      assert.ok(graph.length > 3, `throttled once and paged: ${graph.length} calls`);
      const collected = await loadAzureSnapshot(dir);
      const hand = await loadAzureSnapshot(EXAMPLE);
      assert.deepEqual(
        collected.errors.map((e) => e.format()),
        [],
      );
      assert.deepEqual(comparable(collected.inventory as never), comparable(hand.inventory as never));
      assert.ok(hand.inventory.privateEndpoints.length > 0 && hand.inventory.privateDnsARecords.length > 0);
      // Every ARM call the collector made is covered by the documented role.
      for (const c of fake.calls) {
        if (c.path.startsWith(`/${TENANT}/`)) continue; // the token endpoint
        assert.ok(AZURE_COLLECT_PERMISSIONS.includes(permissionOf(c.path)), `${c.method} ${c.path}`);
      }
    } finally {
      await fake.close();
    }
  });

  it('a subscription the identity cannot read is skipped with the permission, the others are collected', async () => {
    const fake = await startFakeAzure(
      world({ subscriptions: [{ id: SUB }, { id: OTHER }], deniedSubscriptions: [OTHER] }),
    );
    try {
      const dir = out();
      const summary = await collectAzure({
        out: dir,
        endpoint: fake.endpoint,
        ca: fake.ca,
        env: CLIENT,
        subscriptions: [SUB, OTHER],
      });
      assert.deepEqual(
        summary.subscriptions.map((s) => s.id),
        [SUB],
      );
      assert.equal(summary.skipped.length, 1);
      assert.match(summary.skipped[0]!.reason, /AuthorizationFailed.*Microsoft\.Resources\/subscriptions\/read/);
      // The unreadable subscription is in the snapshot as unavailable data: its checks are not assessed, not absent.
      const loaded = await loadAzureSnapshot(dir);
      assert.equal(
        loaded.inventory.unavailable.get(OTHER)?.get('network:private-endpoints')?.permission,
        'Microsoft.Resources/subscriptions/read',
      );
    } finally {
      await fake.close();
    }
  });

  it('a denied child list makes that data set unavailable with the permission ARM named; the rest is complete', async () => {
    const fake = await startFakeAzure(world({ deniedChildren: ['A'] }));
    try {
      const dir = out();
      const summary = await collectAzure({ out: dir, endpoint: fake.endpoint, ca: fake.ca, env: CLIENT });
      const u = summary.subscriptions[0]!.unavailable;
      assert.deepEqual(
        u.map((x) => x.dataset),
        ['network:private-dns-a-records'],
      );
      assert.equal(u[0]!.permission, 'Microsoft.Network/privateDnsZones/A/read');
      const manifest = JSON.parse(readFileSync(path.join(dir, SUB, 'cordon-manifest.json'), 'utf8')) as {
        datasets: string[];
        unavailable: { dataset: string }[];
      };
      assert.ok(!manifest.datasets.includes('network:private-dns-a-records'));
      assert.ok(manifest.datasets.includes('network:private-endpoints'));
      const loaded = await loadAzureSnapshot(dir);
      assert.ok(
        loaded.inventory.unavailable.get(SUB)?.has('network:private-dns-a-records') ??
          [...loaded.inventory.unavailable.entries()].some(
            ([k, m]) => k.startsWith(SUB) && m.has('network:private-dns-a-records'),
          ),
        'the reader records the unavailable data set',
      );
    } finally {
      await fake.close();
    }
  });

  it('diagnostic settings come from the extension collection of each DNS security policy; denied, they are unavailable and the DNS logging check is not assessed with the permission', async () => {
    const fake = await startFakeAzure(world({ deniedChildren: ['providers/Microsoft.Insights/diagnosticSettings'] }));
    try {
      const dir = out();
      const summary = await collectAzure({ out: dir, endpoint: fake.endpoint, ca: fake.ca, env: CLIENT });
      assert.ok(
        fake.calls.some((c) =>
          /\/dnsResolverPolicies\/dnspol-ai\/providers\/Microsoft\.Insights\/diagnosticSettings$/i.test(c.path),
        ),
      );
      const u = summary.subscriptions[0]!.unavailable;
      assert.deepEqual(
        u.map((x) => [x.dataset, x.permission]),
        [['monitor:dns-policy-diagnostic-settings', 'Microsoft.Insights/diagnosticSettings/read']],
      );
      const loaded = await loadAzureSnapshot(dir);
      assert.equal(loaded.inventory.dnsSecurityPolicyLinks.length, 3);
      const policy = await loadPolicyFile('examples/cordon.yaml');
      const findings = runAzureChecks(
        loaded.inventory,
        policy,
        AZURE_CHECKS.filter((c) => c.id === 'azure-ai-vnet-dns-query-logging-missing'),
      );
      assert.ok(findings.length > 0);
      for (const f of findings) {
        assert.equal(f.status, 'not-assessed');
        assert.match(f.message, /Microsoft\.Insights\/diagnosticSettings\/read/);
      }
    } finally {
      await fake.close();
    }
  });

  it('with an emulator endpoint, no credential that could reach real Azure or a metadata address is built', async () => {
    await assert.rejects(
      collectAzure({ out: out(), endpoint: 'https://127.0.0.1:9', env: {} }),
      /set AZURE_TENANT_ID .* AZURE_CLIENT_ID and AZURE_CLIENT_SECRET/,
    );
  });
});
