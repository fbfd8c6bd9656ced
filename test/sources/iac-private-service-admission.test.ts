/**
 * Who a customer service declared in infrastructure as code admits, case by case: AWS endpoint services (allowed
 * principals, acceptance) and Azure Private Link services (auto-approval, visibility). The end-to-end tests
 * (test/verify/iac-*privatelink*) prove what each state does to the zone matrix.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyAzureInventory } from '../../src/inventory/azure.js';
import { admissionState } from '../../src/sources/iac/aws-endpoint-services.js';
import { serviceAdmission, settleServiceConnections } from '../../src/sources/iac/azure-private-link.js';

const A = '111111111111';
const B = '222222222222';

describe('AWS endpoint service admission', () => {
  const state = (
    consumer: string,
    provider: string,
    principals: string[] | undefined,
    acceptance = false,
    accepted = false,
    complete = true,
  ) =>
    admissionState({
      consumerAccount: consumer,
      providerAccount: provider,
      principals,
      principalsComplete: complete,
      acceptanceRequired: acceptance,
      accepted,
      unknownAccount: 'iac',
    });
  it('the owner’s own account needs no permission; acceptance still applies', () => {
    assert.equal(state(A, A, []), 'available');
    assert.equal(state('iac', 'iac', []), 'available');
    assert.equal(state(A, A, [], true), 'pendingAcceptance');
    assert.equal(state(A, A, [], true, true), 'available');
  });
  it('another account: its root or * admits it, a role of it may or may not, anything else refuses it', () => {
    assert.equal(state(B, A, [`arn:aws:iam::${B}:root`]), 'available');
    assert.equal(state(B, A, [B]), 'available');
    assert.equal(state(B, A, ['*']), 'available');
    assert.equal(state(B, A, [`arn:aws:iam::${B}:role/deploy`]), 'pendingAcceptance');
    assert.equal(state(B, A, [`arn:aws:iam::333333333333:root`]), 'failed');
    assert.equal(state(B, A, []), 'failed');
    assert.equal(state(B, A, [`arn:aws:iam::${B}:root`], true), 'pendingAcceptance');
    // A role the code declares is named by its address: whose account it is cannot be read.
    assert.equal(state(B, A, ['aws_iam_role.consumer']), 'pendingAcceptance');
  });
  it('a list the code does not set whole (no allowed_principals, only added principals): one not listed may be added elsewhere', () => {
    assert.equal(state(B, A, [], false, false, false), 'pendingAcceptance');
    assert.equal(state(B, A, [`arn:aws:iam::333333333333:root`], false, false, false), 'pendingAcceptance');
    assert.equal(state(B, A, [`arn:aws:iam::${B}:root`], false, false, false), 'available');
  });
  it('an account or a principal list not known before deploy: pending, never available or failed', () => {
    assert.equal(state('iac', A, []), 'pendingAcceptance');
    assert.equal(state(B, 'iac', [`arn:aws:iam::333333333333:root`]), 'pendingAcceptance');
    assert.equal(state(B, A, undefined), 'pendingAcceptance');
    assert.equal(state('iac', A, ['*']), 'available');
  });
});

describe('Azure Private Link service admission', () => {
  const service = (sub: string) =>
    `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Network/privateLinkServices/pls`;
  const settle = (consumer: string, manual: boolean, properties: unknown) => {
    const inv = emptyAzureInventory();
    inv.privateEndpoints.push({
      subscription: consumer,
      location: 'eastus',
      resourceGroup: 'rg',
      origin: { kind: 'file', file: 'main.tf' },
      id: `/subscriptions/${consumer}/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe`,
      name: 'pe',
      tags: {},
      connections: [
        {
          privateLinkServiceId: service('aaaa'),
          groupIds: [],
          status: manual ? 'Pending' : 'Approved',
          manual,
          pointer: '',
        },
      ],
      customDnsConfigs: [],
      networkInterfaceIds: [],
      ipConfigurations: [],
    });
    settleServiceConnections(inv, new Map([[service('aaaa').toLowerCase(), serviceAdmission(properties)]]));
    return inv.privateEndpoints[0]!.connections[0]!.status;
  };
  it('a manual connection: approved only when auto-approved (its subscription or *)', () => {
    assert.equal(settle('aaaa', true, {}), 'Pending');
    assert.equal(settle('aaaa', true, { autoApproval: { subscriptions: ['AAAA'] } }), 'Approved');
    assert.equal(settle('bbbb', true, { autoApproval: { subscriptions: ['*'] } }), 'Approved');
    assert.equal(settle('bbbb', true, { visibility: { subscriptions: ['bbbb'] } }), 'Pending');
  });
  it('an automatic connection: approved from the service’s subscription, or one it shows or auto-approves', () => {
    assert.equal(settle('aaaa', false, {}), 'Approved');
    assert.equal(settle('bbbb', false, {}), 'Pending');
    assert.equal(settle('bbbb', false, { visibility: { subscriptions: ['bbbb'] } }), 'Approved');
    assert.equal(settle('bbbb', false, { autoApproval: { subscriptions: ['bbbb'] } }), 'Approved');
  });
});
