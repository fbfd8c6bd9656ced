import { gcpIdKey } from '../../inventory/gcp.js';
import {
  describeOpen,
  FIREWALL_DATASETS,
  FirewallView,
  firewallSubjects,
  internetExposure,
} from './firewall-support.js';
import { describeRoutes, internetRoutes, networkDataGap } from './internet-route.js';
import { defineGcpCheck, type GcpCheckResult } from './types.js';

export default defineGcpCheck({
  id: 'gcp-ai-instance-external-ip',
  title: 'VM in an AI or data zone has an external IP address',
  severity: 'high',
  service: 'compute',
  resourceType: 'compute.googleapis.com/Instance',
  rationale:
    "Seed 001 enforces private access with the compute.vmExternalIpAccess organization policy: AI hosts have no public addresses. A network interface with an access config (ONE_TO_ONE_NAT, even without a natIP: Google then assigns an ephemeral address) or an external IPv6 access config has an address on the internet; with a route to the default internet gateway (every network's auto-created default route is one) the VM reaches the internet and, where the firewall admits it, is reached from it — bypassing Cloud NAT, PSC and every egress control on the zone. cordon fails an AI- or data-zone instance with an external address and an internet route, and reports what the firewall currently admits; without an internet route the address cannot carry traffic and the instance passes with a note.",
  remediation: {
    text: "Remove the access config from the instance's network interface and reach it through IAP TCP forwarding; enforce constraints/compute.vmExternalIpAccess for the AI projects.",
    snippet: {
      language: 'shell',
      code: 'gcloud compute instances delete-access-config INSTANCE --zone ZONE --access-config-name "External NAT"',
    },
  },
  references: [
    'https://cloud.google.com/compute/docs/ip-addresses/configure-static-external-ip-address',
    'https://cloud.google.com/compute/docs/ip-addresses/reserve-static-external-ip-address#disableexternalip',
    'https://cloud.google.com/iap/docs/using-tcp-forwarding',
  ],
  seeds: ['001: VPC-SC + Organization Policy (no external IPs)', '000: NET-012 Block inference internet egress'],
  requires: ['compute:instances'],
  looksUp: [...FIREWALL_DATASETS, 'compute:subnetworks', 'compute:routes'],
  run(ctx) {
    const view = FirewallView.of(ctx);
    const out: GcpCheckResult[] = [];
    for (const s of firewallSubjects(ctx)) {
      const vm = s.instance;
      if (s.kind !== 'instance' || !vm) continue;
      const what = `instance ${vm.name} (${s.zone})`;
      const base = {
        resource: { id: vm.id, type: 'compute.googleapis.com/Instance' },
        region: vm.region,
        origin: vm.origin,
      };
      const external = vm.networkInterfaces.filter((n) => n.accessConfigs.length > 0 || n.ipv6AccessConfigs.length > 0);
      if (external.length === 0) {
        out.push({ ...base, status: 'pass', message: `${what} has no external IP address` });
        continue;
      }
      const addresses = external
        .flatMap((n) => [
          ...n.accessConfigs.map((a) => a.natIP ?? 'an ephemeral IPv4 address'),
          ...n.ipv6AccessConfigs.map((a) => a.externalIpv6 ?? 'an external IPv6 address'),
        ])
        .join(', ');
      const origin = vm.origin.kind === 'file' ? { ...vm.origin, pointer: external[0]!.pointer } : vm.origin;
      const routes = external.flatMap((n) => (n.network ? internetRoutes(ctx.inventory, n.network, vm.tags) : []));
      const v6 = external.some((n) => n.ipv6AccessConfigs.length > 0);
      const routeGaps = [
        ...new Set(
          external.flatMap((n) => (n.network ? [networkDataGap(ctx.inventory, n.network, 'compute:routes')] : [])),
        ),
      ].filter((x): x is string => x !== undefined);
      if (routes.length === 0 && !v6 && routeGaps.length > 0) {
        out.push({
          ...base,
          status: 'not-assessed',
          message: `${what} has ${addresses}; whether a route to the internet applies cannot be judged: ${routeGaps.join('; ')}`,
        });
        continue;
      }
      if (routes.length === 0 && !v6) {
        out.push({
          ...base,
          status: 'pass',
          message: `${what} has ${addresses}, but no route to the default internet gateway applies to it, so the address carries no traffic`,
        });
        continue;
      }
      const e = internetExposure(view, s, 'EGRESS');
      const i = internetExposure(view, s, 'INGRESS');
      const parts =
        e && i
          ? [
              i.open.length ? `the firewall admits ${describeOpen(i.open, 'INGRESS', 2)}` : '',
              e.open.length ? `allows egress ${describeOpen(e.open, 'EGRESS', 2)}` : '',
            ].filter(Boolean)
          : [];
      const firewall =
        !e || !i
          ? `its network ${gcpIdKey(s.target.network)} is not in the snapshot`
          : parts.length
            ? parts.join(' and ')
            : 'the firewall currently closes it to and from the internet';
      out.push({
        ...base,
        status: 'fail',
        origin,
        message: `${what} has ${addresses} on the internet${routes.length ? ` with route ${describeRoutes(routes)}` : ' (IPv6)'}; ${firewall}`,
        evidence: { addresses, routes: routes.map((r) => r.name) },
      });
    }
    return out;
  },
});
