/**
 * Servers the probe tests talk to: a DNS server (UDP, dns-packet over dgram) whose answers depend on the address it
 * was asked at and are re-read from a file on every query (so a test can open a leak mid-run), plain TCP listeners,
 * TLS listeners, and HTTP listeners that log each request line and its X-Cordon-Probe header. Used in-process on
 * loopback, or run as `node --import tsx probe-services.ts CONFIG.json` inside a test network namespace, where it
 * prints "ready" once everything listens and one "http ..." line per request.
 */
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { pathToFileURL } from 'node:url';
import dnsPacket from 'dns-packet';

/** Per queried name: A and AAAA records, "nxdomain", or "drop" (no answer: the client times out). */
export type DnsZone = Record<string, { A?: string[]; AAAA?: string[] } | 'nxdomain' | 'drop'>;

export interface ServicesConfig {
  /** Each DNS listener's answers come from `answersFile` (a JSON object: listener address -> DnsZone) or `zone`. */
  dns?: { address: string; port: number; zone?: DnsZone; answersFile?: string }[];
  tcp?: { address: string; port: number }[];
  tls?: { address: string; port: number; cert: string; key: string }[];
  http?: { address: string; port: number }[];
}

export interface Running {
  /** Bound ports, in the order of the config (useful with port 0). */
  dnsPorts: number[];
  tcpPorts: number[];
  httpPorts: number[];
  /** Queries seen: "address name type". */
  queries: string[];
  requests: string[];
  close(): Promise<void>;
}

function zoneFor(l: NonNullable<ServicesConfig['dns']>[number]): DnsZone {
  if (l.answersFile) {
    const all = JSON.parse(readFileSync(l.answersFile, 'utf8')) as Record<string, DnsZone>;
    return all[l.address] ?? {};
  }
  return l.zone ?? {};
}

export async function startServices(config: ServicesConfig, log: (line: string) => void = () => {}): Promise<Running> {
  const closers: (() => Promise<void>)[] = [];
  const running: Running = {
    dnsPorts: [],
    tcpPorts: [],
    httpPorts: [],
    queries: [],
    requests: [],
    close: async () => {
      await Promise.all(closers.map((c) => c()));
    },
  };
  for (const l of config.dns ?? []) {
    const sock = dgram.createSocket(l.address.includes(':') ? 'udp6' : 'udp4');
    sock.on('message', (msg, rinfo) => {
      let q: dnsPacket.Packet;
      try {
        q = dnsPacket.decode(msg);
      } catch {
        return;
      }
      const question = q.questions?.[0];
      if (!question) return;
      running.queries.push(`${l.address} ${question.name} ${question.type}`);
      const entry = zoneFor(l)[question.name.toLowerCase()];
      if (entry === 'drop') return;
      const records =
        entry === undefined || entry === 'nxdomain'
          ? []
          : question.type === 'A'
            ? (entry.A ?? [])
            : question.type === 'AAAA'
              ? (entry.AAAA ?? [])
              : [];
      const reply = dnsPacket.encode({
        type: 'response',
        id: q.id ?? 0,
        flags: dnsPacket.RECURSION_DESIRED | dnsPacket.RECURSION_AVAILABLE | dnsPacket.AUTHORITATIVE_ANSWER,
        ...(entry === undefined || entry === 'nxdomain' ? { rcode: 'NXDOMAIN' } : {}),
        questions: [question],
        answers: records.map((data) => ({
          type: question.type as 'A' | 'AAAA',
          name: question.name,
          ttl: 60,
          class: 'IN' as const,
          data,
        })),
      });
      sock.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(l.port, l.address, () => resolve());
    });
    running.dnsPorts.push(sock.address().port);
    closers.push(() => new Promise((r) => sock.close(() => r())));
  }
  const listen = async (server: net.Server, address: string, port: number) => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, address, () => resolve());
    });
    closers.push(() => new Promise((r) => server.close(() => r())));
    return (server.address() as net.AddressInfo).port;
  };
  const sockets = new Set<net.Socket>();
  closers.push(() => {
    for (const s of sockets) s.destroy();
    return Promise.resolve();
  });
  for (const l of config.tcp ?? []) {
    const server = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    });
    running.tcpPorts.push(await listen(server, l.address, l.port));
  }
  for (const l of config.tls ?? []) {
    const server = tls.createServer({ cert: readFileSync(l.cert), key: readFileSync(l.key) }, (s) => {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
    });
    server.on('tlsClientError', () => {});
    await listen(server, l.address, l.port);
  }
  for (const l of config.http ?? []) {
    const server = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => sockets.delete(s));
      let buf = '';
      s.setEncoding('latin1');
      s.on('data', (d: string) => {
        buf += d;
        if (!buf.includes('\r\n\r\n')) return;
        const [requestLine] = buf.split('\r\n');
        const marker = /^x-cordon-probe:\s*(\S+)/im.exec(buf)?.[1] ?? '-';
        const line = `http ${l.address} ${requestLine} marker=${marker}`;
        running.requests.push(line);
        log(line);
        s.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
      });
    });
    running.httpPorts.push(await listen(server, l.address, l.port));
  }
  return running;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as ServicesConfig;
  const running = await startServices(config, (line) => process.stdout.write(line + '\n'));
  process.stdout.write('ready\n');
  const stop = () => void running.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
