/** Addresses of a test's host as the system resolver gives them (an address is its own answer). */
import ipaddr from 'ipaddr.js';
import { askSystem } from '../dns.js';
import type { Prober } from '../net.js';

export async function addressesOf(host: string, prober: Prober): Promise<{ addresses: string[]; error?: string }> {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  if (ipaddr.isValid(bare)) return { addresses: [bare] };
  const ans = await askSystem(host, prober.timeoutMs, prober.limiter);
  const addresses = [...ans.a.addresses, ...ans.aaaa.addresses];
  if (addresses.length > 0) return { addresses };
  return { addresses, error: `${host} does not resolve with the system resolver (${ans.a.code ?? 'no records'})` };
}
