/**
 * Negative tests (ai-blocked, public-fallback, lateral, and egress to listed internet hosts): a TCP handshake to
 * each address must not complete. Refused (a host answered with a reset) and timed out (filtered) both pass and are
 * told apart in the evidence; an error that is neither leaves the test not assessed.
 */
import { describe } from '../net.js';
import type { PlannedTest } from '../plan.js';
import type { RunContext, TestOutcome } from './context.js';
import { addressesOf } from './resolve.js';

export async function runBlocked(test: PlannedTest, ctx: RunContext): Promise<TestOutcome> {
  const host = test.host ?? test.name!.name;
  const { addresses, error } = await addressesOf(host, ctx.prober);
  if (error)
    return {
      status: 'not-assessed',
      message: `${error}: no address to test the path to; list addresses in probe.hosts`,
      evidence: { host },
    };
  const results = await Promise.all(addresses.map((a) => ctx.prober.connect(a, test.port!)));
  const evidence = { host, results };
  const open = results.filter((r) => r.outcome === 'connected');
  if (open.length > 0) return { status: 'fail', message: open.map(describe).join('; '), evidence };
  const unknown = results.filter((r) => r.outcome === 'error');
  if (unknown.length > 0) return { status: 'not-assessed', message: unknown.map(describe).join('; '), evidence };
  return { status: 'pass', message: `blocked: ${results.map(describe).join('; ')}`, evidence };
}
