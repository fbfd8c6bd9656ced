/**
 * `npm run bench:verify-flows [-- --records N]`: the observed layer's cost. Generates bench/flows.ts' deterministic
 * AWS VPC flow log (N records, default 1,000,000), then in one process measures, one after the other: `cordon flows`'
 * JS engine on it with the verify fixture's snapshot as --inventory (the baseline: the same readers and zone
 * placement, plus every rule), and `cordon verify --flows` on the same snapshot and log (the model, the matrix and
 * the observed layer). Prints wall time, records per second, the ratio, and the RSS after each run. Deletes its file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { generate } from './flows.js';
import { analyzeFlows } from '../src/flows/analyze.js';
import { resolvePolicy } from '../src/policy/resolve.js';
import { loadAwsSnapshot } from '../src/sources/aws-snapshot/load.js';
import { verifySnapshot } from '../src/verify/run.js';

const arg = process.argv.indexOf('--records');
const records = arg > 0 ? Number(process.argv[arg + 1]) : 1_000_000;
const FIX = 'test/fixtures/verify-flows/aws';
const dir = mkdtempSync(path.join(tmpdir(), 'cordon-bench-verify-flows-'));
const log = path.join(dir, 'flows.log');
try {
  await generate(log, records, false);
  const cwd = process.cwd();
  const { policy, source } = await resolvePolicy(`${FIX}/cordon.yaml`, cwd);
  const mb = () => `${Math.round(process.memoryUsage().rss / 1048576)} MB RSS`;

  let t = performance.now();
  const inventory = (await loadAwsSnapshot(path.resolve(`${FIX}/snapshot`))).inventory;
  const flows = await analyzeFlows([log], { policy, inventory, cwd });
  const baseline = (performance.now() - t) / 1000;
  console.log(
    `cordon flows (JS engine, --inventory): ${flows.records} records in ${baseline.toFixed(2)} s, ${Math.round(flows.records / baseline)} records/s, ${mb()}`,
  );

  t = performance.now();
  const r = await verifySnapshot({
    snapshot: `${FIX}/snapshot`,
    policy,
    policySource: source,
    cwd,
    today: '2026-11-22',
    flows: { paths: [log] },
  });
  const observed = (performance.now() - t) / 1000;
  const rows = r.observed!.totals.rows;
  console.log(
    `cordon verify --flows: ${rows} records in ${observed.toFixed(2)} s, ${Math.round(rows / observed)} records/s, ${mb()}; ${r.observed!.cells.reduce((a, c) => a + c.classes.length, 0)} observed classes in matrix cells`,
  );
  console.log(`ratio verify --flows / cordon flows: ${(observed / baseline).toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
