/**
 * DNS questions of the probe: the system resolver the way applications ask it (getaddrinfo), and each nameserver
 * directly (A and AAAA, one try, bounded), so a resolver that answers differently from the others is seen.
 */
import { lookup } from 'node:dns/promises';
import { Resolver } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import type { Limiter } from './net.js';

export interface DnsAnswer {
  /** "system" or the nameserver asked. */
  resolver: string;
  a: RecordResult;
  aaaa: RecordResult;
}

/** addresses on an answer; code on NXDOMAIN (ENOTFOUND), no records (ENODATA), timeout (ETIMEOUT), … */
export interface RecordResult {
  addresses: string[];
  code?: string;
}

const NO_RECORDS = new Set(['ENODATA', 'ENOTFOUND', 'NOTFOUND', 'ENONAME']);

/** An answer was given (records, or an authoritative "no such name/records"), as opposed to a failure to ask. */
export function answered(r: RecordResult): boolean {
  return r.code === undefined || NO_RECORDS.has(r.code);
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error('timeout'), { code: 'ETIMEOUT' })), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function codeOf(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}

export async function askSystem(name: string, timeoutMs: number, limiter: Limiter): Promise<DnsAnswer> {
  return limiter.run(async () => {
    try {
      // getaddrinfo may itself try several nameservers; give it the time of two single queries.
      const all = await withTimeout(lookup(name, { all: true, family: 0, verbatim: true }), timeoutMs * 2);
      const a = all.filter((x) => x.family === 4).map((x) => x.address);
      const aaaa = all.filter((x) => x.family === 6).map((x) => x.address);
      return {
        resolver: 'system',
        a: a.length ? { addresses: sorted(a) } : { addresses: [], code: 'ENODATA' },
        aaaa: aaaa.length ? { addresses: sorted(aaaa) } : { addresses: [], code: 'ENODATA' },
      };
    } catch (err) {
      const code = codeOf(err);
      return { resolver: 'system', a: { addresses: [], code }, aaaa: { addresses: [], code } };
    }
  });
}

export async function askNameserver(
  name: string,
  server: string,
  timeoutMs: number,
  limiter: Limiter,
): Promise<DnsAnswer> {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([server]);
  const ask = (fn: (n: string) => Promise<string[]>) =>
    limiter.run(async (): Promise<RecordResult> => {
      try {
        return { addresses: sorted(await withTimeout(fn(name), timeoutMs + 500)) };
      } catch (err) {
        return { addresses: [], code: codeOf(err) };
      }
    });
  const [a, aaaa] = await Promise.all([ask((n) => resolver.resolve4(n)), ask((n) => resolver.resolve6(n))]);
  resolver.cancel();
  return { resolver: server, a, aaaa };
}

function sorted(xs: string[]): string[] {
  return [...new Set(xs)].sort();
}

export type AddressClass = 'private' | 'public' | 'special';

/**
 * RFC 1918, RFC 6598 (shared) and unique-local addresses are private; loopback, link-local, unspecified and multicast
 * are special; everything else, documentation and reserved ranges included, counts as public.
 */
export function classifyAddress(address: string): AddressClass {
  let a = ipaddr.parse(address);
  if (a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress()) a = (a as ipaddr.IPv6).toIPv4Address();
  const range = a.range();
  if (range === 'private' || range === 'carrierGradeNat' || range === 'uniqueLocal') return 'private';
  if (['loopback', 'linkLocal', 'unspecified', 'multicast', 'broadcast'].includes(range)) return 'special';
  return 'public';
}
