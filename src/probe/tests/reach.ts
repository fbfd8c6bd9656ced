/** Positive test for hosts the policy lets this zone reach: the TCP handshake completes. */
import { describe } from '../net.js';
import type { PlannedTest } from '../plan.js';
import type { RunContext, TestOutcome } from './context.js';
import { addressesOf } from './resolve.js';

export async function runReach(test: PlannedTest, ctx: RunContext): Promise<TestOutcome> {
  const { addresses, error } = await addressesOf(test.host!, ctx.prober);
  if (error) return { status: 'fail', message: error, evidence: { host: test.host } };
  const results = await Promise.all(addresses.map((a) => ctx.prober.connect(a, test.port!)));
  const closed = results.filter((r) => r.outcome !== 'connected');
  return {
    status: closed.length > 0 ? 'fail' : 'pass',
    message: (closed.length > 0 ? closed : results).map(describe).join('; '),
    evidence: { host: test.host, results },
  };
}
