/**
 * The GCP firewall checks at scale: N projects, each with its own VPC network (the seed 000 zones as five
 * subnetworks), 40 VPC firewall rules (tagged allows, port ranges, an internal allow, an egress deny), a global network
 * firewall policy, an organization policy with goto_next, and 10 instances with tags. Runs the four checks that
 * evaluate the firewall (open to the internet, zone reachability, Cloud NAT, external IPs) over N/10 projects as the
 * baseline and over N projects, in the same run, and prints wall time, subjects per second and the ratio (linear cost
 * reads ≈ 10).
 *
 *   npm run bench:gcp-firewall [-- --projects 600]
 */
import { parseArgs } from 'node:util';
import { runGcpChecks } from '../src/checks/gcp/engine.js';
import { GCP_CHECKS } from '../src/checks/gcp/registry.js';
import { parsePolicy } from '../src/policy/load.js';
import { REFERENCE_POLICY_YAML } from '../src/policy/reference.js';
import { buildGcpEstate } from './gcp-estate.js';

const { values: args } = parseArgs({ options: { projects: { type: 'string', default: '600' } } });
const CHECKS = GCP_CHECKS.filter((c) =>
  [
    'gcp-ai-firewall-open-to-internet',
    'gcp-ai-zone-reachable-from-denied-zone',
    'gcp-ai-subnet-cloud-nat-egress',
    'gcp-ai-instance-external-ip',
  ].includes(c.id),
);

function measure(projects: number): { ms: number; subjects: number; findings: number } {
  const inv = buildGcpEstate(projects);
  const policy = parsePolicy('cordon.yaml', REFERENCE_POLICY_YAML);
  const t0 = process.hrtime.bigint();
  const findings = runGcpChecks(inv, policy, CHECKS);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ms, subjects: inv.subnetworks.length + inv.instances.length, findings: findings.length };
}

const n = Number(args.projects);
measure(Math.max(1, Math.floor(n / 10))); // warm up the JIT on the baseline size, then measure it
const base = measure(Math.max(1, Math.floor(n / 10)));
const full = measure(n);
const row = (label: string, r: typeof base) =>
  `${label.padEnd(10)} ${String(r.subjects).padStart(7)} subnetworks+instances ${r.ms.toFixed(0).padStart(7)} ms ${((r.subjects / r.ms) * 1000).toFixed(0).padStart(8)} subjects/s ${String(r.findings).padStart(7)} findings`;
console.log(row('baseline', base));
console.log(row('full', full));
console.log(
  `ratio full/baseline: ${(full.ms / base.ms).toFixed(2)} for ${(full.subjects / base.subjects).toFixed(1)}x the input`,
);
