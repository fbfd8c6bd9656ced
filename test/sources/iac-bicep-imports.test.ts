/**
 * Bicep compile-time imports (`import * as ns from 'constants.bicep'`, `import { a, b as c } from 'f.bicep'`), as
 * Azure Verified Modules-based landing zones share their names and ranges: `bicep build` inlines the exported
 * variables, so cordon reads them as the importing template's variables. A file that cannot be read leaves what it
 * exports unknown (not assessed), never guessed.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadBicep } from '../../src/sources/iac/bicep/load.js';
import { tmpTrees } from '../support/tmp-tree.js';

const tree = tmpTrees('cordon-bicep-imports-');

const CONSTANTS = `
@export()
var prefix = 'oai'
var region = 'swedencentral'
@export()
var account = {
  name: '\${prefix}-shared'
  location: region
  access: 'Disabled'
}
`;

const MAIN = (from: string) => `
import * as c from '${from}'
import { account as shared, prefix } from '${from}'
resource a 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: c.account.name
  location: c.account.location
  kind: 'OpenAI'
  sku: { name: 'S0' }
  tags: { prefix: prefix }
  properties: {
    publicNetworkAccess: shared.access
  }
}
`;

describe('Bicep compile-time imports', () => {
  it('reads the exported variables of the imported file, by namespace and by name (aliased too)', async () => {
    const dir = tree({ 'main.bicep': MAIN('shared/constants.bicep'), 'shared/constants.bicep': CONSTANTS });
    const r = await loadBicep(dir, [path.join(dir, 'main.bicep'), path.join(dir, 'shared/constants.bicep')]);
    assert.deepEqual(
      r.errors.map((e) => e.format()),
      [],
    );
    const account = r.inventory.cognitiveAccounts.find((x) => x.name === 'oai-shared');
    assert.ok(account, r.inventory.cognitiveAccounts.map((x) => x.name).join(', '));
    assert.equal(account.location, 'swedencentral');
    assert.equal(account.publicNetworkAccess, 'Disabled');
    assert.equal(account.tags?.prefix, 'oai');
  });
  it('an imported file that cannot be read leaves what the account takes from it not known, naming the file', async () => {
    const dir = tree({ 'main.bicep': MAIN('missing.bicep') });
    const r = await loadBicep(dir, [path.join(dir, 'main.bicep')]);
    assert.equal(r.inventory.cognitiveAccounts[0]?.publicNetworkAccess, undefined);
    const skipped = [...r.inventory.partial.values()].flatMap((m) => m.get('cognitiveservices:accounts') ?? []);
    assert.ok(
      skipped.some(
        (x) => x.pointer.endsWith('/publicNetworkAccess') && /'missing\.bicep' cannot be read/.test(x.reason),
      ),
      skipped.map((x) => x.reason).join('\n'),
    );
  });
});
