/**
 * Network namespaces for probe tests: a router namespace joined to one namespace per zone by veth pairs, addresses
 * from the documentation ranges (only inside these namespaces), nftables in the router playing the zone boundaries.
 * Names carry a per-run id so parallel test files never collide; `destroy()` removes everything it made.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Why namespace tests cannot run here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to create network namespaces (CI runs as root)';
  for (const tool of ['ip', 'nft']) {
    try {
      execFileSync(tool, ['-V'], { stdio: 'ignore' });
    } catch {
      return `needs the ${tool} command (apt-get install -y ${tool === 'ip' ? 'iproute2' : 'nftables'})`;
    }
  }
  return undefined;
}

export function run(cmd: string, args: string[], input?: string): string {
  // Piped stderr keeps tool chatter (openssl's progress dots) out of the test log and in the error on failure.
  return execFileSync(cmd, args, {
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(input !== undefined ? { input } : {}),
  });
}

export interface Zone {
  /** Short key, e.g. "inf". */
  key: string;
  /** The zone namespace's address and its /28. */
  address: string;
  gateway: string;
  prefix: string;
  /** More addresses on the zone namespace's veth. */
  extra?: string[];
}

export class Topology {
  readonly id = randomBytes(3).toString('hex');
  readonly router: string;
  private readonly children: ChildProcess[] = [];
  private readonly made: string[] = [];
  private readonly etc: string[] = [];

  constructor(
    readonly zones: Zone[],
    readonly routerExtra: string[] = [],
  ) {
    this.router = this.ns('rt');
  }

  ns(key: string): string {
    return `cp${this.id}-${key}`;
  }

  create(): void {
    run('ip', ['netns', 'add', this.router]);
    this.made.push(this.router);
    run('ip', ['-n', this.router, 'link', 'set', 'lo', 'up']);
    run('ip', ['netns', 'exec', this.router, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    // Stand-in service addresses of the router (resolvers, metadata) on its loopback, reachable through routing.
    for (const a of this.routerExtra) run('ip', ['-n', this.router, 'addr', 'add', `${a}/32`, 'dev', 'lo']);
    for (const z of this.zones) {
      const name = this.ns(z.key);
      run('ip', ['netns', 'add', name]);
      this.made.push(name);
      const inside = `v${this.id}${z.key}`; // interface names are at most 15 characters
      const outside = `r${this.id}${z.key}`;
      run('ip', ['link', 'add', inside, 'netns', name, 'type', 'veth', 'peer', 'name', outside, 'netns', this.router]);
      const len = z.prefix.split('/')[1]!;
      run('ip', ['-n', name, 'addr', 'add', `${z.address}/${len}`, 'dev', inside]);
      for (const a of z.extra ?? []) run('ip', ['-n', name, 'addr', 'add', `${a}/${len}`, 'dev', inside]);
      run('ip', ['-n', this.router, 'addr', 'add', `${z.gateway}/${len}`, 'dev', outside]);
      for (const [ns, dev] of [
        [name, inside],
        [this.router, outside],
      ] as const) {
        run('ip', ['-n', ns, 'link', 'set', dev, 'up']);
        run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
      }
      run('ip', ['-n', name, 'route', 'add', 'default', 'via', z.gateway]);
    }
  }

  /** Replaces the router's nftables ruleset. */
  firewall(ruleset: string): void {
    run('ip', ['netns', 'exec', this.router, 'nft', '-f', '-'], `flush ruleset\n${ruleset}`);
  }

  /** /etc/netns/<ns>/resolv.conf: `ip netns exec` bind-mounts it over /etc/resolv.conf. */
  resolvConf(key: string, nameservers: string[]): void {
    const dir = path.join('/etc/netns', this.ns(key));
    mkdirSync(dir, { recursive: true });
    this.etc.push(dir);
    writeFileSync(
      path.join(dir, 'resolv.conf'),
      nameservers.map((n) => `nameserver ${n}\n`).join('') + 'options timeout:1 attempts:1\n',
    );
  }

  /** Starts a long-running process inside a namespace; resolves once it prints `ready`. */
  async start(nsName: string, args: string[], onLine: (line: string) => void = () => {}): Promise<void> {
    const child = spawn('ip', ['netns', 'exec', nsName, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      child.stdout.on('data', (d: Buffer) => {
        buf += d.toString();
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line === 'ready') resolve();
          else onLine(line);
        }
      });
      child.once('exit', (code) => reject(new Error(`${args.join(' ')} in ${nsName} exited ${code}: ${err}`)));
    });
  }

  destroy(): void {
    for (const c of this.children) if (c.exitCode === null && c.pid) c.kill('SIGTERM');
    for (const n of this.made.reverse()) {
      try {
        run('ip', ['netns', 'del', n]);
      } catch {
        // already gone
      }
    }
    for (const d of this.etc) rmSync(d, { recursive: true, force: true });
  }
}
