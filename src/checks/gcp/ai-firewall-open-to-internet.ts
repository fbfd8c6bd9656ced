import {
  describeOpen,
  FIREWALL_DATASETS,
  FirewallView,
  firewallSubjects,
  internetExposure,
} from './firewall-support.js';
import { defineGcpCheck, type GcpCheckResult } from './types.js';

export default defineGcpCheck({
  id: 'gcp-ai-firewall-open-to-internet',
  title: 'Firewall lets an AI or data zone reach the internet, or the internet reach it',
  severity: 'high',
  service: 'compute',
  resourceType: 'compute.googleapis.com/Subnetwork',
  rationale:
    "Seed 000: the inference and data zones have no internet access (NET-011, NET-012) and nothing but the application load balancer faces the internet. On Google Cloud every VPC network carries an implied rule that allows all egress to 0.0.0.0/0 at priority 65535, so an AI network with no egress rules of its own can send anywhere; and the default network's default-allow-ssh / default-allow-rdp rules admit the whole internet. cordon evaluates Cloud NGFW as Google does — hierarchical policies from the organization down, then VPC firewall rules and the global and regional network firewall policies in the network's enforcement order, priority first, deny before allow at equal priority, goto_next, targets by network tag, service account and target resource, then the implied rules — for every protocol and port range, from an AI-zone VM to an arbitrary internet address and back. Each subnetwork is judged for a VM with no network tags; an instance is reported on its own when its tags or service account change the answer. A rule on secure tags (tag bindings are not in the inventory), FQDNs, geolocations or address groups that could change the answer makes the result not assessed.",
  remediation: {
    text: 'Deny egress to 0.0.0.0/0 (and ::/0) for the AI networks at a low priority, allow only the Private Service Connect endpoint or the private.googleapis.com / restricted.googleapis.com ranges on TCP 443 above it, and delete ingress rules from 0.0.0.0/0 (default-allow-ssh, default-allow-rdp); reach VMs through IAP TCP forwarding (35.235.240.0/20) instead.',
    snippet: {
      language: 'shell',
      code: 'gcloud compute firewall-rules create deny-all-egress --network NETWORK --direction EGRESS --action DENY --rules all --destination-ranges 0.0.0.0/0 --priority 65000\ngcloud compute firewall-rules create allow-google-apis-egress --network NETWORK --direction EGRESS --action ALLOW --rules tcp:443 --destination-ranges 199.36.153.4/30 --priority 1000\ngcloud compute firewall-rules delete default-allow-ssh default-allow-rdp',
    },
  },
  references: [
    'https://cloud.google.com/firewall/docs/firewall-policies-rule-eval-order',
    'https://cloud.google.com/firewall/docs/firewalls#default_firewall_rules',
    'https://cloud.google.com/vpc/docs/configure-private-google-access',
  ],
  seeds: ['000: NET-011 Block data zone internet', '000: NET-012 Block inference internet egress'],
  requires: ['compute:subnetworks', 'compute:instances'],
  looksUp: [...FIREWALL_DATASETS],
  run(ctx) {
    const view = FirewallView.of(ctx);
    const out: GcpCheckResult[] = [];
    const subnetVerdicts = new Map<string, string>();
    for (const s of firewallSubjects(ctx)) {
      const what = `${s.kind} ${s.name} (${s.zone})`;
      const base = {
        resource: {
          id: s.id,
          type: s.kind === 'subnetwork' ? 'compute.googleapis.com/Subnetwork' : 'compute.googleapis.com/Instance',
        },
        region: s.region,
        origin: s.origin,
      };
      const egress = internetExposure(view, s, 'EGRESS');
      const ingress = internetExposure(view, s, 'INGRESS');
      let result: GcpCheckResult;
      if (!egress || !ingress)
        result = {
          ...base,
          status: 'not-assessed',
          message: `${what}: its network ${s.target.network} is not in the snapshot, so its firewall cannot be evaluated`,
        };
      else {
        const unresolved = [...new Set([...egress.unresolved, ...ingress.unresolved])];
        if (egress.open.length || ingress.open.length) {
          const parts = [
            egress.open.length ? `egress to the internet is allowed: ${describeOpen(egress.open, 'EGRESS')}` : '',
            ingress.open.length ? `ingress from the internet is allowed: ${describeOpen(ingress.open, 'INGRESS')}` : '',
          ].filter(Boolean);
          const decider = [...egress.open, ...ingress.open][0]!.rule;
          result = {
            ...base,
            status: 'fail',
            message: `${what}: ${parts.join('; ')}`,
            ...(decider.origin ? { origin: decider.origin } : {}),
            evidence: {
              egress: egress.open.map((o) => ({ protocol: o.protocol, ports: o.ports ?? null, rule: o.rule.label })),
              ingress: ingress.open.map((o) => ({ protocol: o.protocol, ports: o.ports ?? null, rule: o.rule.label })),
            },
          };
        } else if (unresolved.length)
          result = {
            ...base,
            status: 'not-assessed',
            message: `${what}: internet access through the firewall cannot be judged: ${unresolved.join('; ')}`,
          };
        else
          result = {
            ...base,
            status: 'pass',
            message: `${what}: the firewall allows no traffic between it and an arbitrary internet address (closed by ${[...new Set([...egress.closedBy, ...ingress.closedBy].map((r) => r.label))].join(', ')})`,
          };
      }
      // An instance is reported only when its own tags or service accounts change its subnetwork's answer.
      const verdict = `${result.status}|${result.message.slice(result.message.indexOf(':'))}`;
      if (s.kind === 'subnetwork') subnetVerdicts.set(s.id, verdict);
      else if (s.subnetwork && subnetVerdicts.get(s.subnetwork.id) === verdict) continue;
      out.push(result);
    }
    return out;
  },
});
