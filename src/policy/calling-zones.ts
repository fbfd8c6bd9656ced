/**
 * "Calling zones": the network zones the policy allows to reach a service zone (external_ai) on TCP 443. Every
 * provider uses them to decide which networks must reach the AI services privately.
 */
import { decide } from './evaluate.js';
import type { ZonePolicy } from './load.js';

export function callingZones(policy: ZonePolicy): Set<string> {
  const zones = [...policy.zones.values()];
  const services = zones.filter((z) => z.kind === 'service');
  return new Set(
    zones
      .filter((z) => z.kind === 'network')
      .filter((z) =>
        services.some((t) => decide(policy, { from: z.name, to: t.name, protocol: 'tcp', port: 443 }).allowed),
      )
      .map((z) => z.name),
  );
}
