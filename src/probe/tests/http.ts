/**
 * Egress canaries and agent tool isolation: one HTTP request (TLS first for https) carrying the run marker in its
 * path and an X-Cordon-Probe header, to the URL's first address. The test passes only when no connection opens.
 */
import { describe } from '../net.js';
import type { PlannedTest } from '../plan.js';
import type { RunContext, TestOutcome } from './context.js';
import { addressesOf } from './resolve.js';

export async function runHttp(test: PlannedTest, ctx: RunContext): Promise<TestOutcome> {
  const url = new URL(test.url!);
  const host = url.hostname;
  const { addresses, error } = await addressesOf(host, ctx.prober);
  if (error)
    return {
      status: 'not-assessed',
      message: `${error}; use an address in the URL to test the network path`,
      evidence: { url: test.url, marker: ctx.marker },
    };
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const address = addresses[0]!;
  const path = `/cordon-probe/${ctx.marker}`;
  const r = await ctx.prober.connect(address, port, {
    ...(url.protocol === 'https:' ? { tls: { servername: host } } : {}),
    http: { host: url.host, path, marker: ctx.marker },
  });
  const evidence = {
    url: test.url,
    marker: ctx.marker,
    request: `GET ${path} (X-Cordon-Probe: ${ctx.marker})`,
    result: r,
    ...(addresses.length > 1 ? { otherAddresses: addresses.slice(1) } : {}),
  };
  if (r.outcome === 'connected') {
    const answer = r.http?.statusLine ? `answered "${r.http.statusLine}"` : (r.http?.note ?? 'no answer');
    return { status: 'fail', message: `${describe(r)}; the marked request was sent and ${answer}`, evidence };
  }
  if (r.outcome === 'error') return { status: 'not-assessed', message: describe(r), evidence };
  return { status: 'pass', message: `blocked: ${describe(r)}`, evidence };
}
