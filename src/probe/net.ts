/**
 * The only packets `cordon probe` sends: TCP handshakes, TLS ClientHellos (the handshake is completed and closed),
 * DNS queries, and one HTTP request carrying the run marker per HTTP test. Every attempt is bounded by a timeout and
 * a shared in-flight limit, and a target that refused is never tried again in the same run.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { networkInterfaces } from 'node:os';
import tls from 'node:tls';
import ipaddr from 'ipaddr.js';

/**
 * connected: the handshake completed. refused: a TCP reset came back (the host, or a firewall answering for it).
 * unreachable: an ICMP error or a local firewall rejected it. timeout: nothing came back (filtered, dropped).
 */
export type ConnectOutcome = 'connected' | 'refused' | 'unreachable' | 'timeout' | 'error';

export interface ConnectResult {
  outcome: ConnectOutcome;
  address: string;
  port: number;
  /** Milliseconds to the outcome. */
  ms: number;
  code?: string;
  /** The local address the kernel chose (the probe's side of the path). */
  localAddress?: string;
  /** The next hop the kernel routes the address through, from the main routing table. */
  route?: RouteHop;
  /** The result was a refusal seen earlier in this run, reused rather than retried. */
  reused?: true;
  tls?: TlsResult;
  http?: { statusLine?: string; note?: string };
}

export interface TlsResult {
  ok: boolean;
  ms?: number;
  servername: string;
  protocol?: string;
  /** Whether the certificate chains to a trusted root and names the server name. */
  verified?: boolean;
  verifyError?: string;
  subject?: string;
  issuer?: string;
  error?: string;
}

export interface RouteHop {
  dev: string;
  /** The gateway, or undefined when the address is on the link. */
  via?: string;
  /** The route that matched, e.g. "0.0.0.0/0". */
  route: string;
}

/** Counting semaphore: every socket and query of a run holds a slot. */
export class Limiter {
  private active = 0;
  private readonly queue: (() => void)[] = [];
  constructor(private readonly max: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((r) => this.queue.push(r));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }
}

function classify(code: string | undefined): ConnectOutcome {
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EACCES' || code === 'EPERM') return 'unreachable';
  if (code === 'ETIMEDOUT') return 'timeout';
  return 'error';
}

export interface ProberOptions {
  timeoutMs: number;
  concurrency: number;
  /** Reads the routing tables; injectable for tests on hosts without /proc. */
  routes?: () => RouteEntry[];
}

export class Prober {
  readonly limiter: Limiter;
  private readonly refused = new Map<string, ConnectResult>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private routeTable: RouteEntry[] | undefined;
  constructor(private readonly opts: ProberOptions) {
    this.limiter = new Limiter(opts.concurrency);
  }

  get timeoutMs(): number {
    return this.opts.timeoutMs;
  }

  routeTo(address: string): RouteHop | undefined {
    // Loopback and the host's own addresses live in the kernel's local table, which /proc/net/route does not show.
    if (isLocal(address)) return { dev: 'lo', route: 'local' };
    this.routeTable ??= (this.opts.routes ?? readRoutes)();
    return lookupRoute(this.routeTable, address);
  }

  /** A TCP handshake, then close; with `tls`, a TLS handshake with that server name; with `http`, one request. */
  async connect(
    address: string,
    port: number,
    opts: { tls?: { servername: string }; http?: { host: string; path: string; marker: string } } = {},
  ): Promise<ConnectResult> {
    const key = `${address}|${port}`;
    // Attempts to one target wait for each other, so a refusal is seen before anything is sent again.
    const before = this.inFlight.get(key);
    if (before) await before;
    const earlier = this.refused.get(key);
    if (earlier) return { ...earlier, reused: true, ms: 0 };
    const mine = this.limiter.run(() => attempt(address, port, this.opts.timeoutMs, opts));
    const settled = mine.then(() => undefined);
    this.inFlight.set(key, settled);
    const result = await mine;
    if (this.inFlight.get(key) === settled) this.inFlight.delete(key);
    const route = this.routeTo(address);
    if (route) result.route = route;
    if (result.outcome === 'refused') this.refused.set(key, result);
    return result;
  }
}

function attempt(
  address: string,
  port: number,
  timeoutMs: number,
  opts: { tls?: { servername: string }; http?: { host: string; path: string; marker: string } },
): Promise<ConnectResult> {
  return new Promise((resolve) => {
    const start = performance.now();
    const elapsed = () => Math.round((performance.now() - start) * 10) / 10;
    const socket = net.connect({ host: address, port });
    let done = false;
    let result: ConnectResult | undefined;
    const finish = (r: ConnectResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => {
      if (result) {
        // Connected, then the TLS or HTTP exchange ran out of time.
        if (result.tls && !result.tls.ok && !result.tls.error) result.tls.error = `no handshake within ${timeoutMs} ms`;
        if (opts.http && !result.http) result.http = { note: `connection open, no HTTP answer within ${timeoutMs} ms` };
        finish(result);
      } else finish({ outcome: 'timeout', address, port, ms: elapsed(), code: 'ETIMEDOUT' });
    }, timeoutMs);
    socket.once('error', (err: NodeJS.ErrnoException) => {
      if (result) {
        if (result.tls && !result.tls.ok) result.tls.error = err.code ?? err.message;
        else if (opts.http && !result.http)
          result.http = { note: `connection failed after the handshake: ${err.code}` };
        finish(result);
      } else
        finish({
          outcome: classify(err.code),
          address,
          port,
          ms: elapsed(),
          ...(err.code ? { code: err.code } : {}),
        });
    });
    socket.once('connect', () => {
      result = { outcome: 'connected', address, port, ms: elapsed() };
      if (socket.localAddress) result.localAddress = socket.localAddress;
      if (opts.tls) {
        const r = result;
        const tlsStart = performance.now();
        const servername = opts.tls.servername;
        r.tls = { ok: false, servername };
        const secure = tls.connect({ socket, servername, rejectUnauthorized: false });
        secure.once('error', (err: NodeJS.ErrnoException) => {
          r.tls!.error = err.code ?? err.message;
          finish(r);
        });
        secure.once('secureConnect', () => {
          const cert = secure.getPeerCertificate();
          r.tls = {
            ok: true,
            ms: Math.round((performance.now() - tlsStart) * 10) / 10,
            servername,
            verified: secure.authorized,
            ...(secure.authorizationError ? { verifyError: String(secure.authorizationError) } : {}),
            ...(secure.getProtocol() ? { protocol: secure.getProtocol()! } : {}),
            ...(cert.subject ? { subject: certName(cert.subject) } : {}),
            ...(cert.issuer ? { issuer: certName(cert.issuer) } : {}),
          };
          if (opts.http) sendHttp(secure, opts.http, r, finish);
          else {
            secure.destroy();
            finish(r);
          }
        });
        return;
      }
      if (opts.http) sendHttp(socket, opts.http, result, finish);
      else finish(result);
    });
  });
}

function certName(n: tls.Certificate): string {
  return Object.entries(n)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : String(v)}`)
    .join(', ');
}

/** One request, marked in the path and a header so flow and DNS logs (and the canary's own log) can find it. */
function sendHttp(
  socket: net.Socket,
  req: { host: string; path: string; marker: string },
  r: ConnectResult,
  finish: (r: ConnectResult) => void,
): void {
  let buf = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    buf += chunk;
    const eol = buf.indexOf('\r\n');
    if (eol >= 0 || buf.length > 4096) {
      r.http = { statusLine: buf.slice(0, eol >= 0 ? eol : 200) };
      finish(r);
    }
  });
  socket.once('end', () => {
    if (!r.http) r.http = buf ? { statusLine: buf.slice(0, 200) } : { note: 'connection closed without an answer' };
    finish(r);
  });
  socket.write(
    `GET ${req.path} HTTP/1.1\r\nHost: ${req.host}\r\nUser-Agent: cordon-probe\r\nX-Cordon-Probe: ${req.marker}\r\nConnection: close\r\n\r\n`,
  );
}

export interface RouteEntry {
  family: 4 | 6;
  dest: bigint;
  prefix: number;
  via?: string;
  dev: string;
  metric: number;
}

/** The main routing tables from /proc (per network namespace); empty where /proc/net is not there. */
export function readRoutes(): RouteEntry[] {
  const out: RouteEntry[] = [];
  try {
    for (const line of readFileSync('/proc/net/route', 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 8) continue;
      const le = (hex: string) => {
        const n = parseInt(hex, 16);
        return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, (n >>> 24) & 255];
      };
      const dest = le(f[1]!);
      const gw = le(f[2]!);
      const mask = le(f[7]!);
      const prefix = mask.reduce((a, b) => a + (b.toString(2).match(/1/g)?.length ?? 0), 0);
      const gwText = gw.join('.');
      out.push({
        family: 4,
        dest: BigInt(ipToBig(dest.join('.'))),
        prefix,
        ...(gwText !== '0.0.0.0' ? { via: gwText } : {}),
        dev: f[0]!,
        metric: Number(f[6]),
      });
    }
  } catch {
    // No IPv4 routes readable: hops are left out of the evidence.
  }
  try {
    for (const line of readFileSync('/proc/net/ipv6_route', 'utf8').split('\n')) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const hex = (h: string) => h.match(/.{4}/g)!.join(':');
      const via = ipaddr.parse(hex(f[4]!)).toString();
      out.push({
        family: 6,
        dest: BigInt(`0x${f[0]}`),
        prefix: parseInt(f[1]!, 16),
        ...(via !== '::' ? { via } : {}),
        dev: f[9]!,
        metric: parseInt(f[5]!, 16),
      });
    }
  } catch {
    // No IPv6 routes readable.
  }
  return out;
}

function isLocal(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  if (ipaddr.parse(address).range() === 'loopback') return true;
  const own = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
  return own.includes(address);
}

function ipToBig(address: string): bigint {
  return ipaddr
    .parse(address)
    .toByteArray()
    .reduce((a, b) => (a << 8n) | BigInt(b), 0n);
}

/** Longest prefix, then lowest metric: the kernel's choice in the main table (policy routing is not modelled). */
export function lookupRoute(table: RouteEntry[], address: string): RouteHop | undefined {
  if (!ipaddr.isValid(address)) return undefined;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const family = parsed.kind() === 'ipv4' ? 4 : 6;
  const bits = family === 4 ? 32 : 128;
  const value = ipToBig(parsed.toString());
  let best: RouteEntry | undefined;
  for (const r of table) {
    if (r.family !== family || (r.dev === 'lo' && r.prefix === 0)) continue;
    const shift = BigInt(bits - r.prefix);
    if (r.prefix !== 0 && value >> shift !== r.dest >> shift) continue;
    if (!best || r.prefix > best.prefix || (r.prefix === best.prefix && r.metric < best.metric)) best = r;
  }
  if (!best) return undefined;
  const destText = ipaddr.fromByteArray(bigToBytes(best.dest, bits / 8)).toString();
  return { dev: best.dev, ...(best.via ? { via: best.via } : {}), route: `${destText}/${best.prefix}` };
}

function bigToBytes(v: bigint, n: number): number[] {
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(Number((v >> BigInt(i * 8)) & 255n));
  return out;
}

/** Words for an outcome, naming who answered: the evidence a reader needs to find the boundary. */
export function describe(r: ConnectResult): string {
  const hop = r.route ? ` (route ${r.route.route} ${r.route.via ? `via ${r.route.via} ` : ''}dev ${r.route.dev})` : '';
  const target = `${r.address.includes(':') ? `[${r.address}]` : r.address}:${r.port}`;
  const again = r.reused ? ', refused earlier in this run (not retried)' : '';
  switch (r.outcome) {
    case 'connected':
      return `${target} accepted a TCP connection in ${r.ms} ms${r.localAddress ? ` from ${r.localAddress}` : ''}${hop}`;
    case 'refused':
      return `${target} refused: a TCP reset came back from ${r.address} (the host, or a firewall answering for it)${again}${hop}`;
    case 'unreachable':
      return `${target} unreachable (${r.code}: an ICMP error from a hop on the path or a local firewall rejected it)${hop}`;
    case 'timeout':
      return `${target} timed out after ${r.ms} ms: nothing answered (filtered)${hop}`;
    default:
      return `${target} failed: ${r.code ?? 'unknown error'}${hop}`;
  }
}
