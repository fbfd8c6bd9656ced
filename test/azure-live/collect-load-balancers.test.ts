/**
 * `collectAzure` against the fake ARM / Resource Graph server for load balancers and application gateways: they come
 * from the Resource Graph query like the other Microsoft.Network resources and read back as the hand-written ones; a
 * subscription that cannot be read leaves them unavailable, so `cordon verify` does not assess its paths.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { collectAzure, GRAPH_QUERY } from '../../src/sources/azure-live/collect.js';
import { loadAzureSnapshot, loadAzureSnapshotFromTexts } from '../../src/sources/azure-snapshot/load.js';
import { compileAzure } from '../../src/verify/azure.js';
import { gapFindings } from '../../src/verify/gaps.js';
import { withoutOrigins } from '../support/files.js';
import { resourcesOf, startFakeAzure } from '../support/fake-azure-server.js';
import { gatewayJson, loadBalancerJson, network, SUB } from '../support/azure-lb-docs.js';
import { AZURE_POLICY } from '../verify/azure-helpers.js';

const TENANT = '72f988bf-0000-4000-8000-00000000cafe';
const OTHER = '22222222-2222-2222-2222-222222222222';
const CLIENT = { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: 'cordon-test-client', AZURE_CLIENT_SECRET: 'fake-secret' };
const DOCS = [loadBalancerJson, gatewayJson, ...network];
const out = () => path.join(mkdtempSync(path.join(tmpdir(), 'cordon-azure-lb-')), 'snapshot');
const fake = (extra: { subscriptions?: { id: string }[]; deniedSubscriptions?: string[] } = {}) =>
  startFakeAzure({
    tenant: TENANT,
    clientId: CLIENT.AZURE_CLIENT_ID,
    clientSecret: CLIENT.AZURE_CLIENT_SECRET,
    resources: resourcesOf(DOCS),
    subscriptions: [{ id: SUB }],
    pageSize: 3,
    ...extra,
  });

describe('cordon collect azure: load balancers and application gateways', () => {
  it('asks Resource Graph for both types and reads them back as the hand-written resources', async () => {
    assert.match(GRAPH_QUERY, /'microsoft\.network\/loadbalancers'/);
    assert.match(GRAPH_QUERY, /'microsoft\.network\/applicationgateways'/);
    const f = await fake();
    try {
      const dir = out();
      const summary = await collectAzure({ out: dir, endpoint: f.endpoint, ca: f.ca, env: CLIENT });
      assert.ok(summary.subscriptions[0]!.collected.includes('network:load-balancers'));
      assert.ok(summary.subscriptions[0]!.collected.includes('network:application-gateways'));
      const collected = (await loadAzureSnapshot(dir)).inventory;
      const hand = loadAzureSnapshotFromTexts([{ name: 'h.json', text: JSON.stringify(DOCS) }]).inventory;
      assert.equal(collected.loadBalancers.length, 1);
      assert.deepEqual(withoutOrigins(collected.loadBalancers), withoutOrigins(hand.loadBalancers));
      assert.deepEqual(withoutOrigins(collected.applicationGateways), withoutOrigins(hand.applicationGateways));
      // The collected snapshot verifies the public load balancer's path to the data NIC.
      assert.deepEqual(gapFindings(compileAzure(collected, AZURE_POLICY)), []);
      // Three load-balancer rules (pg, ssh, range) and the gateway's routing rule.
      assert.equal(compileAzure(collected, AZURE_POLICY).loadBalancers?.length, 4);
    } finally {
      await f.close();
    }
  });

  it('a subscription that cannot be read leaves its load balancers unavailable: its paths are not assessed', async () => {
    const f = await fake({ subscriptions: [{ id: SUB }, { id: OTHER }], deniedSubscriptions: [OTHER] });
    try {
      const dir = out();
      await collectAzure({ out: dir, endpoint: f.endpoint, ca: f.ca, env: CLIENT, subscriptions: [SUB, OTHER] });
      const inv = (await loadAzureSnapshot(dir)).inventory;
      assert.equal(
        inv.unavailable.get(OTHER)?.get('network:load-balancers')?.permission,
        'Microsoft.Resources/subscriptions/read',
      );
      // A scope of the unreadable subscription (it has none of its own here: give it one) is not verified.
      inv.scopeOrigins.set(`${OTHER}/westeurope`, { kind: 'file', file: 'x.json' });
      const gaps = gapFindings(compileAzure(inv, AZURE_POLICY));
      assert.equal(gaps.length, 1);
      assert.match(gaps[0]!.message, /load balancers could not be read/);
    } finally {
      await f.close();
    }
  });
});
