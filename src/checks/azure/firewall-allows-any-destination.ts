import { azureIdKey, indexByAzureId } from '../../inventory/azure.js';
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
    const policies = indexByAzureId(ctx.inventory.firewallPolicies);
    for (const p of [...ctx.own.firewallPolicies].sort((a, b) => (azureIdKey(a.id) < azureIdKey(b.id) ? -1 : 1))) {
      // A policy enforces its base (parent) policy's rules too: walk the chain, and stop at one cordon cannot read.
      const chain = [p];
      let missingBase: string | undefined;
      for (let cur = p; cur.basePolicyId;) {
        const base = policies.get(azureIdKey(cur.basePolicyId));
        if (!base) {
          missingBase = cur.basePolicyId;
          break;
        }
        if (chain.includes(base)) break;
        chain.push(base);
        cur = base;
      }
      const chainKeys = new Set(chain.map((c) => azureIdKey(c.id)));
      const groups = ctx.inventory.firewallRuleCollectionGroups.filter((g) => chainKeys.has(azureIdKey(g.policyId)));
      const allows = groups.flatMap((g) =>
        g.rules.filter((r) => (r.action ?? 'Allow').toLowerCase() === 'allow').map((r) => ({ g, r })),
      );
      const wide = allows.filter(({ r }) =>
        [...r.targetFqdns, ...r.destinationFqdns, ...r.destinationAddresses].some(ANY),
      );
      // IP groups hold addresses cordon does not read: one of them may be 0.0.0.0/0.
      const opaque = allows.filter(({ r }) => r.destinationIpGroups.length > 0);
      const first = wide[0] ?? opaque[0];
      const base = {
        resource: { id: p.id, type: 'Microsoft.Network/firewallPolicies' },
        location: p.location,
        origin: first && first.g.origin.kind === 'file' ? { ...first.g.origin, pointer: first.r.pointer } : p.origin,
      };
      const inherited =
        chain.length > 1
          ? ` (with base polic${chain.length > 2 ? 'ies' : 'y'} ${chain
              .slice(1)
              .map((c) => c.name)
              .join(', ')})`
          : '';
      if (wide.length > 0) {
        out.push({
          ...base,
          status: 'fail',
          message: `firewall policy ${p.name}${inherited} allows any destination: ${wide.map(({ g, r }) => `${g.name}/${r.collection}/${r.name} (${[...r.targetFqdns, ...r.destinationFqdns, ...r.destinationAddresses].filter(ANY).join(', ')})`).join('; ')}`,
        });
      } else if (missingBase || opaque.length > 0) {
        out.push({
          ...base,
          status: 'not-assessed',
          message: `firewall policy ${p.name}: ${[
            ...(missingBase ? [`its base policy ${missingBase} is not in the snapshot (its rules apply too)`] : []),
            ...(opaque.length > 0
              ? [
                  `allow rules name IP groups whose addresses cordon does not read: ${opaque.map(({ g, r }) => `${g.name}/${r.collection}/${r.name} (${r.destinationIpGroups.join(', ')})`).join('; ')}`,
                ]
              : []),
          ].join('; ')}`,
        });
      } else {
        out.push({
          ...base,
          status: 'pass',
          message: `firewall policy ${p.name}${inherited} allows only named destinations (${groups.reduce((n, g) => n + g.rules.length, 0)} rule(s))`,
        });
      }
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
