/**
 * `cordon verify` on a GCP estate (bench/gcp-estate.ts: N projects, one network each with five zone subnetworks, 40
 * VPC firewall rules, a network firewall policy, an organization policy with goto_next and 10 tagged instances):
 * compiles the model and asks every zone question, over N/10 projects as the baseline and over N projects in the same
 * run, and prints wall time per phase, the full/baseline ratio (linear cost reads ≈ 10) and the process's peak RSS.
 *
 *   npm run bench:verify-gcp [-- --projects 300]
 */
import { parseArgs } from 'node:util';
import { parsePolicy } from '../src/policy/load.js';
import { REFERENCE_POLICY_YAML } from '../src/policy/reference.js';
import { compileGcp } from '../src/verify/gcp.js';
import { verifyModel } from '../src/verify/questions.js';
import { buildGcpEstate } from './gcp-estate.js';

const { values: args } = parseArgs({ options: { projects: { type: 'string', default: '300' } } });
const policy = parsePolicy('cordon.yaml', REFERENCE_POLICY_YAML);

function measure(projects: number) {
  const inv = buildGcpEstate(projects);
  const t0 = process.hrtime.bigint();
  const model = compileGcp(inv, policy);
  const t1 = process.hrtime.bigint();
  const result = verifyModel(model, policy, { clientPorts: [32768, 60999] });
  const t2 = process.hrtime.bigint();
  return {
    interfaces: model.interfaces.length,
    compileMs: Number(t1 - t0) / 1e6,
    verifyMs: Number(t2 - t1) / 1e6,
    findings: result.findings.length,
  };
}

const n = Number(args.projects);
const small = Math.max(1, Math.floor(n / 10));
measure(small); // warm up the JIT on the baseline size, then measure it
const base = measure(small);
const full = measure(n);
const row = (label: string, r: typeof base) =>
  `${label.padEnd(9)} ${String(r.interfaces).padStart(6)} interfaces  compile ${r.compileMs.toFixed(0).padStart(6)} ms  questions ${r.verifyMs.toFixed(0).padStart(7)} ms  ${String(r.findings).padStart(5)} findings`;
console.log(row('baseline', base));
console.log(row('full', full));
const total = (r: typeof base) => r.compileMs + r.verifyMs;
console.log(
  `ratio full/baseline: compile ${(full.compileMs / base.compileMs).toFixed(2)}, total ${(total(full) / total(base)).toFixed(2)} for ${(full.interfaces / base.interfaces).toFixed(1)}x the input; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
);
