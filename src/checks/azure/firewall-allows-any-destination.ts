import { azureIdKey } from '../../inventory/azure.js';
import { defineAzureCheck, type AzureCheckResult } from './types.js';

const ANY = (v: string) => v.trim() === '*' || v.trim() === '0.0.0.0/0' || v.trim().toLowerCase() === 'internet';

export default defineAzureCheck({
  id: 'azure-firewall-allows-any-destination',
  title: 'Azure Firewall allows traffic to any FQDN or address',
  severity: 'high',
  service: 'network',
  resourceType: 'Microsoft.Network/firewallPolicies',
  rationale:
    'Seed 002 sends AI subnets\' egress through Azure Firewall so that only approved destinations are reachable. An allow rule whose target FQDN is "*" (application rule) or whose destination is "*" / 0.0.0.0/0 (network rule) turns the firewall into a pass-through: prompts and data can leave to anywhere, and the route to the firewall only adds a hop.',
  remediation: {
    text: "Replace wildcard allows with the FQDNs (or FQDN tags) the workload needs, and let the policy's default deny handle the rest.",
    snippet: {
      language: 'azurecli',
      code: 'az network firewall policy rule-collection-group collection rule update -g RG --policy-name POLICY --rule-collection-group-name RCG --collection-name COLLECTION --name RULE --target-fqdns pypi.org files.pythonhosted.org',
    },
  },
  references: [
    'https://learn.microsoft.com/azure/firewall/policy-rule-sets',
    'https://learn.microsoft.com/azure/firewall/fqdn-filtering-network-rules',
  ],
  seeds: ['002: Restrict outbound traffic to approved destinations', '002: Deploy Azure Firewall'],
  requires: ['network:firewall-policies', 'network:firewall-rule-collection-groups', 'network:azure-firewalls'],
  run(ctx) {
    const out: AzureCheckResult[] = [];
    for (const p of [...ctx.own.firewallPolicies].sort((a, b) => (azureIdKey(a.id) < azureIdKey(b.id) ? -1 : 1))) {
      const groups = ctx.inventory.firewallRuleCollectionGroups.filter(
        (g) => azureIdKey(g.policyId) === azureIdKey(p.id),
      );
      const wide = groups.flatMap((g) =>
        g.rules
          .filter((r) => (r.action ?? 'Allow').toLowerCase() === 'allow')
          .filter((r) => [...r.targetFqdns, ...r.destinationFqdns, ...r.destinationAddresses].some(ANY))
          .map((r) => ({ g, r })),
      );
      const first = wide[0];
      out.push({
        status: wide.length ? 'fail' : 'pass',
        resource: { id: p.id, type: 'Microsoft.Network/firewallPolicies' },
        location: p.location,
        origin: first && first.g.origin.kind === 'file' ? { ...first.g.origin, pointer: first.r.pointer } : p.origin,
        message: wide.length
          ? `firewall policy ${p.name} allows any destination: ${wide.map(({ g, r }) => `${g.name}/${r.collection}/${r.name} (${[...r.targetFqdns, ...r.destinationFqdns, ...r.destinationAddresses].filter(ANY).join(', ')})`).join('; ')}`
          : `firewall policy ${p.name} allows only named destinations (${groups.reduce((n, g) => n + g.rules.length, 0)} rule(s))`,
      });
    }
    for (const f of [...ctx.own.firewalls].sort((a, b) => (azureIdKey(a.id) < azureIdKey(b.id) ? -1 : 1))) {
      const wide = f.classicRules.filter(
        (r) =>
          (r.action ?? 'Allow').toLowerCase() === 'allow' && [...r.targetFqdns, ...r.destinationAddresses].some(ANY),
      );
      if (f.classicRules.length === 0) continue; // rules live in its policy
      out.push({
        status: wide.length ? 'fail' : 'pass',
        resource: { id: f.id, type: 'Microsoft.Network/azureFirewalls' },
        location: f.location,
        origin: f.origin,
        message: wide.length
          ? `firewall ${f.name} (classic rules) allows any destination: ${wide.map((r) => `${r.collection}/${r.name}`).join(', ')}`
          : `firewall ${f.name} (classic rules) allows only named destinations`,
      });
    }
    return out;
  },
});
