/** Port ranges and protocol semantics of flow rules. */
import type { FlowRule, Protocol } from './schema.js';

export interface PortRange {
  low: number;
  high: number;
}

export const ALL_PORTS: PortRange = { low: 0, high: 65535 };
export const HTTPS_PORT = 443;

/** Parses "443", 443 or "6333-6334"; returns an error message for out-of-order or out-of-range values. */
export function parsePorts(spec: string | number): PortRange | string {
  if (typeof spec === 'number') return { low: spec, high: spec };
  const [a, b] = spec.split('-');
  const low = Number(a);
  const high = b === undefined ? low : Number(b);
  if (low > 65535 || high > 65535) return `port ${Math.max(low, high)} is above 65535`;
  if (low > high) return `port range ${spec} runs backwards`;
  return { low, high };
}

/**
 * The network-layer protocol a rule or query means. A network control only sees TCP and a port, so "https" is TCP
 * (to port 443 unless the rule names other ports); cordon cannot tell TLS from plain TCP at this layer.
 */
export type WireProtocol = 'tcp' | 'udp' | 'icmp' | 'any';

export function wireProtocol(p: Protocol): WireProtocol {
  return p === 'https' ? 'tcp' : p;
}

/** Effective ports of a rule: the ports it names, else 443 for https, else every port. */
export function rulePorts(rule: Pick<FlowRule, 'protocol' | 'ports'>): PortRange {
  if (rule.ports !== undefined) {
    const r = parsePorts(rule.ports);
    if (typeof r !== 'string') return r;
  }
  return rule.protocol === 'https' ? { low: HTTPS_PORT, high: HTTPS_PORT } : ALL_PORTS;
}

export function formatPorts(r: PortRange): string {
  if (r.low === 0 && r.high === 65535) return 'all ports';
  return r.low === r.high ? String(r.low) : `${r.low}-${r.high}`;
}

export function protocolCovers(outer: WireProtocol, inner: WireProtocol): boolean {
  return outer === 'any' || outer === inner;
}

export function protocolsOverlap(a: WireProtocol, b: WireProtocol): boolean {
  return a === 'any' || b === 'any' || a === b;
}

/** Ports mean nothing for ICMP (and for "any" when the other side is ICMP). */
export function portsMatter(p: WireProtocol): boolean {
  return p === 'tcp' || p === 'udp';
}
