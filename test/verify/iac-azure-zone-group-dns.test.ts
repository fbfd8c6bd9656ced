/**
 * A private endpoint's DNS zone group read from Terraform, where the zone it names is not the zone the caller's VNet
 * resolves through: another zone of the same name (only the linked one answers, so the group's record is never read),
 * a zone of another subscription the code only references (its records and links are not known), and a record the
 * code declares next to a group whose address Azure picks at deploy.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadPolicyFile, type ZonePolicy } from '../../src/policy/load.js';
import { scanSnapshot } from '../../src/scan.js';
import { OPENAI_ACCOUNT_TERRAFORM } from '../support/azure-terraform.js';
import { tmpTrees } from '../support/tmp-tree.js';

let policy: ZonePolicy;
before(async () => {
  policy = await loadPolicyFile('examples/cordon.yaml');
});
const tree = tmpTrees('cordon-zone-group-');
const CHECKS = ['azure-private-endpoint-dns-misconfigured', 'verify-ai-name-public-dns'];
const head = OPENAI_ACCOUNT_TERRAFORM;
const pe = (extra: string, zoneIds: string) => `
resource "azurerm_private_endpoint" "oai" {
  name                = "pe-oai"
  location            = azurerm_resource_group.ai.location
  resource_group_name = azurerm_resource_group.ai.name
  subnet_id           = azurerm_subnet.pe.id
  private_service_connection {
    name                           = "oai"
    private_connection_resource_id = azurerm_cognitive_account.oai.id
    subresource_names              = ["account"]
    is_manual_connection           = false
  }
  private_dns_zone_group {
    name                 = "default"
    private_dns_zone_ids = [${zoneIds}]
  }
${extra}
}
`;
const zone = (n: string, rg: string, link: boolean) => `
resource "azurerm_private_dns_zone" "${n}" {
  name                = "privatelink.openai.azure.com"
  resource_group_name = "${rg}"
}
${
  link
    ? `resource "azurerm_private_dns_zone_virtual_network_link" "${n}" {
  name                  = "link-${n}"
  resource_group_name   = "${rg}"
  private_dns_zone_name = azurerm_private_dns_zone.${n}.name
  virtual_network_id    = azurerm_virtual_network.ai.id
}`
    : ''
}
`;
const HUB_ZONE =
  '"/subscriptions/22222222-2222-2222-2222-222222222222/resourceGroups/rg-hub/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com"';
const WRONG_RECORD = `
resource "azurerm_private_dns_a_record" "oai" {
  name                = "oai-ref"
  zone_name           = azurerm_private_dns_zone.z.name
  resource_group_name = "rg-ai"
  ttl                 = 10
  records             = ["10.9.9.9"]
}`;
const statuses = async (main: string) => {
  const dir = tree({ 'main.tf': main });
  const r = await scanSnapshot({
    snapshot: dir,
    policy,
    policySource: 'p',
    cwd: dir,
    today: '2026-01-01',
    checks: CHECKS,
  });
  assert.deepEqual(r.inputErrors, []);
  return Object.fromEntries(
    CHECKS.map((c) => [
      c,
      r.findings
        .filter((f) => f.checkId === c)
        .map((f) => `${f.status}: ${f.message}`)
        .join('\n'),
    ]),
  );
};

describe('azurerm: a DNS zone group whose zone is not the one the VNet resolves through', () => {
  it('two zones of one name: the group writes into the unlinked one, the linked one answers NXDOMAIN (verify fails)', async () => {
    const s = await statuses(
      head + zone('hub', 'rg-hub', false) + zone('spoke', 'rg-spoke', true) + pe('', 'azurerm_private_dns_zone.hub.id'),
    );
    assert.match(
      s['verify-ai-name-public-dns']!,
      /^fail: .*privatelink\.openai\.azure\.com \(the one in rg-spoke, linked here\) holds no A record for oai-ref/,
    );
  });
  it('two zones of one name: the group writes into the linked one (verify passes)', async () => {
    const s = await statuses(
      head +
        zone('hub', 'rg-hub', false) +
        zone('spoke', 'rg-spoke', true) +
        pe('', 'azurerm_private_dns_zone.spoke.id'),
    );
    assert.match(s['verify-ai-name-public-dns']!, /^pass: /);
  });
  it('a zone of another subscription the code only references: not assessed, not "points at X, not X"', async () => {
    const s = await statuses(head + pe('', HUB_ZONE));
    assert.match(
      s['azure-private-endpoint-dns-misconfigured']!,
      /^not-assessed: .*names privatelink\.openai\.azure\.com at \/subscriptions\/22222222-.*not in the inventory/,
    );
    assert.match(
      s['verify-ai-name-public-dns']!,
      /^not-assessed: .*groups name privatelink\.openai\.azure\.com in a zone that is not in the inventory/,
    );
  });
  it('a declared record at another address next to a group whose address Azure picks: not assessed by both', async () => {
    const s = await statuses(head + zone('z', 'rg-ai', true) + pe('', 'azurerm_private_dns_zone.z.id') + WRONG_RECORD);
    assert.match(s['azure-private-endpoint-dns-misconfigured']!, /^not-assessed: /);
    assert.match(
      s['verify-ai-name-public-dns']!,
      /^not-assessed: .*answers 10\.9\.9\.9 for oai-ref, and the address Azure gives pe-oai at deploy is not known/,
    );
  });
  it('the same record next to a static endpoint address: a failure', async () => {
    const s = await statuses(
      head +
        zone('z', 'rg-ai', true) +
        pe(
          `  ip_configuration {
    name               = "oai"
    private_ip_address = "10.0.1.4"
    subresource_name   = "account"
  }`,
          'azurerm_private_dns_zone.z.id',
        ) +
        WRONG_RECORD,
    );
    assert.match(
      s['azure-private-endpoint-dns-misconfigured']!,
      /^fail: .*no A record pointing at its address 10\.0\.1\.4/,
    );
    assert.match(
      s['verify-ai-name-public-dns']!,
      /^fail: .*answers 10\.9\.9\.9 for oai-ref, not the endpoint's 10\.0\.1\.4/,
    );
  });
});
