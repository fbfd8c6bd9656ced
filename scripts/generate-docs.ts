// Regenerates the files derived from code: docs/checks.md (check metadata) and schema/cordon.schema.json (policy schema).
import { mkdir, writeFile } from 'node:fs/promises';
import { CHECKS } from '../src/checks/registry.js';
import { renderChecksMarkdown } from '../src/checks/docs.js';
import { policyJsonSchema } from '../src/policy/schema.js';

await mkdir('docs', { recursive: true });
await mkdir('schema', { recursive: true });
await writeFile('docs/checks.md', renderChecksMarkdown(CHECKS));
await writeFile('schema/cordon.schema.json', JSON.stringify(policyJsonSchema(), null, 2) + '\n');
console.log(`wrote docs/checks.md (${CHECKS.length} checks) and schema/cordon.schema.json`);
