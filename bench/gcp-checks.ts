/**
 * GCP checks at scale: the seed 001 world of test/support/gcp-world.ts copied for N host/service project pairs (each
 * with its own network, PSC endpoint, googleapis.com zone and perimeter, under one organization), run through every
 * GCP check. The baseline in the same run is zone placement alone (one linear pass over the subnetworks every check
 * run starts with). Reports the time of each at N and 10·N and the ratios: a run that stays linear in projects grows
 * about 10× from N to 10·N.
 *
 *   npm run bench:gcp-checks [-- --projects 300]
 */
import { parseArgs } from 'node:util';
import { runGcpChecks } from '../src/checks/gcp/engine.js';
import { GCP_CHECKS } from '../src/checks/gcp/registry.js';
import { placeGcp } from '../src/checks/gcp/support.js';
import { emptyGcpInventory, type GcpInventory } from '../src/inventory/gcp.js';
import { loadPolicyFile } from '../src/policy/load.js';
import { world } from '../test/support/gcp-world.js';

const { values: args } = parseArgs({ options: { projects: { type: 'string', default: '300' } } });

/** N copies of the world, projects and perimeters renamed, the organization's policies kept once. */
function scaled(pairs: number): GcpInventory {
  const inv = emptyGcpInventory();
  for (let i = 0; i < pairs; i++) {
    const w = world();
    const rename = (text: string) =>
      text
        .replaceAll('ai-host', `ai-host-${i}`)
        .replaceAll('ai-svc', `ai-svc-${i}`)
        .replaceAll('servicePerimeters/ai"', `servicePerimeters/ai-${i}"`)
        .replaceAll('"projectNumber":"111"', `"projectNumber":"${1000 + 2 * i}"`)
        .replaceAll('"projectNumber":"222"', `"projectNumber":"${1001 + 2 * i}"`);
    for (const [k, v] of Object.entries(w))
      if (Array.isArray(v) && (k !== 'orgPolicies' || i === 0))
        (inv[k as keyof GcpInventory] as unknown[]).push(...(JSON.parse(rename(JSON.stringify(v))) as unknown[]));
    for (const [k, v] of w.datasets) inv.datasets.set(rename(k), v);
  }
  return inv;
}

function time(f: () => unknown): number {
  const t0 = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const policy = await loadPolicyFile('examples/cordon.yaml');
const n = Number(args.projects);
const rows: { pairs: number; projects: number; findings: number; checksMs: number; baselineMs: number }[] = [];
for (const pairs of [n / 2, (10 * n) / 2]) {
  const inv = scaled(pairs);
  let findings = 0;
  const baselineMs = time(() => placeGcp(inv, policy));
  const checksMs = time(() => (findings = runGcpChecks(inv, policy, GCP_CHECKS).length));
  rows.push({ pairs, projects: 2 * pairs, findings, checksMs, baselineMs });
}
for (const r of rows)
  console.log(
    `${String(r.projects).padStart(6)} projects: ${String(r.findings).padStart(6)} findings, checks ${r.checksMs.toFixed(0)} ms, baseline (zone placement) ${r.baselineMs.toFixed(1)} ms, checks/baseline ${(r.checksMs / r.baselineMs).toFixed(1)}`,
  );
const [a, b] = rows as [(typeof rows)[0], (typeof rows)[0]];
console.log(
  `growth ${a.projects} → ${b.projects} projects (10×): checks ${(b.checksMs / a.checksMs).toFixed(1)}×, baseline ${(b.baselineMs / a.baselineMs).toFixed(1)}×`,
);
