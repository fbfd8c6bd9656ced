/**
 * Positive connectivity: every address the system resolver gives an approved AI name accepts TCP 443 and completes a
 * TLS handshake for that name with a certificate the host trusts. Latency is in the evidence.
 */
import { describe } from '../net.js';
import type { PlannedTest } from '../plan.js';
import type { RunContext, TestOutcome } from './context.js';
import { addressesOf } from './resolve.js';

export async function runAiReach(test: PlannedTest, ctx: RunContext): Promise<TestOutcome> {
  const name = test.sni!;
  const { addresses, error } = await addressesOf(name, ctx.prober);
  if (error) return { status: 'fail', message: `cannot reach ${name}: ${error}`, evidence: { name } };
  const results = await Promise.all(
    addresses.map((a) => ctx.prober.connect(a, test.port!, { tls: { servername: name } })),
  );
  const problems: string[] = [];
  for (const r of results) {
    if (r.outcome !== 'connected') problems.push(describe(r));
    else if (!r.tls?.ok) problems.push(`${r.address}: TLS handshake for ${name} failed: ${r.tls?.error ?? 'unknown'}`);
    else if (!r.tls.verified)
      problems.push(`${r.address}: certificate not valid for ${name}: ${r.tls.verifyError ?? 'unverified'}`);
  }
  const evidence = { name, results };
  if (problems.length > 0) return { status: 'fail', message: problems.join('; '), evidence };
  return {
    status: 'pass',
    message: results
      .map((r) => `${r.address}:${r.port} TCP ${r.ms} ms, ${r.tls!.protocol ?? 'TLS'} ${r.tls!.ms} ms (${name})`)
      .join('; '),
    evidence,
  };
}
