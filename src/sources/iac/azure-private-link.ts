/**
 * Whether a Private Link service the code declares lets a private endpoint's connection through at deploy, as the
 * connection's status the snapshot reader reads too (Approved carries traffic, Pending makes the paths through it
 * "maybe"). Shared by the Terraform (azurerm, azapi) and ARM/Bicep readers (docs/iac.md):
 * - a manual connection waits for the owner unless the service's auto-approval list (autoApproval.subscriptions,
 *   `auto_approval_subscription_ids`) holds the consumer's subscription (or `*`): then Azure approves it at once;
 * - an automatic connection is approved when the deployer may approve it on the service (the readers take a
 *   deployment of both as that), but from a subscription other than the service's that is neither auto-approved nor
 *   in its visibility list (visibility.subscriptions) that is not known before deploy: Pending, never Approved.
 * A subscription not known before deploy is the scope value (`iac`): a list names it when it holds that value, which
 * only the same source gives (`subscription().subscriptionId`, `data.azurerm_client_config`).
 */
import { azureIdKey, parseAzureId, type AzureInventory } from '../../inventory/azure.js';

export interface ServiceAdmission {
  autoApproval: string[];
  visibility: string[];
}

/** The admission lists of an ARM privateLinkServices body's properties. */
export function serviceAdmission(properties: unknown): ServiceAdmission {
  const subs = (o: unknown): string[] => {
    const s = o && typeof o === 'object' ? (o as { subscriptions?: unknown }).subscriptions : undefined;
    return Array.isArray(s) ? s.filter((x): x is string => typeof x === 'string').map((x) => x.toLowerCase()) : [];
  };
  const p = properties && typeof properties === 'object' ? (properties as Record<string, unknown>) : {};
  return { autoApproval: subs(p.autoApproval), visibility: subs(p.visibility) };
}

/** Sets the status of every connection to a service of `services` (keyed by azureIdKey of its id). */
export function settleServiceConnections(inv: AzureInventory, services: ReadonlyMap<string, ServiceAdmission>): void {
  for (const pe of inv.privateEndpoints)
    for (const c of pe.connections) {
      const admission = c.privateLinkServiceId ? services.get(azureIdKey(c.privateLinkServiceId)) : undefined;
      if (!admission) continue;
      const consumer = pe.subscription.toLowerCase();
      const listed = (list: string[]) => list.includes('*') || list.includes(consumer);
      const own = (parseAzureId(c.privateLinkServiceId!).subscription ?? '').toLowerCase() === consumer;
      c.status = listed(admission.autoApproval)
        ? 'Approved'
        : c.manual || (!own && !listed(admission.visibility))
          ? 'Pending'
          : 'Approved';
    }
}

/**
 * The load balancers (ids) a Private Link service's front ends belong to that the code does not declare: their rules
 * and backends are not known, so the readers make `network:load-balancers` partial in the service's scope (verify: not
 * verified there) rather than let the service carry nothing.
 */
export function undeclaredLoadBalancers(properties: unknown, declared: (idKey: string) => boolean): string[] {
  const p = properties && typeof properties === 'object' ? (properties as Record<string, unknown>) : {};
  const fronts = Array.isArray(p.loadBalancerFrontendIpConfigurations) ? p.loadBalancerFrontendIpConfigurations : [];
  const out = new Set<string>();
  for (const f of fronts) {
    const id = f && typeof f === 'object' ? (f as { id?: unknown }).id : undefined;
    if (typeof id !== 'string') continue;
    const lb = id.replace(/\/frontendIPConfigurations\/[^/]+$/i, '');
    if (!declared(azureIdKey(lb))) out.add(lb);
  }
  return [...out].sort();
}

export const undeclaredLoadBalancerReason = (service: string, lb: string): string =>
  `Private Link service ${service} is on load balancer ${lb.split('/').pop() ?? lb}, which the scanned code does not declare: what the service carries is not known`;
