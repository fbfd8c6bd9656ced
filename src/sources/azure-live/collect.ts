/**
 * `cordon collect azure`: reads subscriptions (listed, a management group's, or every one the identity can see)
 * through Resource Graph and ARM, read-only, and writes the snapshot the Azure snapshot source reads: per subscription
 * a Resource Graph output file, ARM list files for the child resources Resource Graph does not hold, and a manifest
 * naming the data sets read completely and those that could not be read (with the permission), so that live and
 * offline audits share one path. Nothing a single call does wrong aborts the run.
 *
 * Resource Graph answers only with what the identity may read, without an error for the rest: a subscription the
 * identity cannot read is checked explicitly (GET subscription) so it becomes unavailable data rather than "no
 * resources". Within a readable subscription Resource Graph cannot tell a type the identity may not read from a type
 * with no resources; docs/azure-collect.md says so and the least-privilege role grants read on every type collected.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import type { TokenCredential } from '@azure/core-auth';
import { AZURE_DATASETS, type AzureDataset } from '../../inventory/azure.js';
import { createLimiter } from '../aws-live/limiter.js';
import { CollectError } from '../aws-live/errors.js';
import { prepareOutDir, stableJson } from '../aws-live/writer.js';
import { ArmClient, classifyAzureError, type AzureFailure } from './arm.js';
import { azureCredential, AzureCredentialSetupError } from './credentials.js';

export const SUBSCRIPTIONS_API = '2022-12-01';
export const MANAGEMENT_GROUPS_API = '2020-05-01';
const MANIFEST = 'cordon-manifest.json';
const GRAPH_BATCH = 1000; // subscriptions per Resource Graph request (the API's limit)
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Child resources Resource Graph does not return, read per parent with an ARM list call. */
export const CHILD_LISTS: {
  dataset: AzureDataset;
  parentType: string;
  child: string;
  apiVersion: string;
  file: string;
}[] = [
  {
    dataset: 'network:private-dns-zone-groups',
    parentType: 'microsoft.network/privateendpoints',
    child: 'privateDnsZoneGroups',
    apiVersion: '2024-05-01',
    file: 'arm-private-dns-zone-groups.json',
  },
  {
    dataset: 'network:private-dns-a-records',
    parentType: 'microsoft.network/privatednszones',
    child: 'A',
    apiVersion: '2024-06-01',
    file: 'arm-private-dns-a-records.json',
  },
  {
    dataset: 'network:firewall-rule-collection-groups',
    parentType: 'microsoft.network/firewallpolicies',
    child: 'ruleCollectionGroups',
    apiVersion: '2024-05-01',
    file: 'arm-firewall-rule-collection-groups.json',
  },
  {
    dataset: 'network:dns-forwarding-rules',
    parentType: 'microsoft.network/dnsforwardingrulesets',
    child: 'forwardingRules',
    apiVersion: '2022-07-01',
    file: 'arm-dns-forwarding-rules.json',
  },
  {
    dataset: 'network:dns-forwarding-ruleset-links',
    parentType: 'microsoft.network/dnsforwardingrulesets',
    child: 'virtualNetworkLinks',
    apiVersion: '2022-07-01',
    file: 'arm-dns-forwarding-ruleset-links.json',
  },
  {
    dataset: 'network:dns-security-policy-links',
    parentType: 'microsoft.network/dnsresolverpolicies',
    child: 'virtualNetworkLinks',
    apiVersion: '2025-05-01',
    file: 'arm-dns-security-policy-links.json',
  },
  {
    // Diagnostic settings are not in Resource Graph: an ARM GET on the policy's extension collection.
    dataset: 'monitor:dns-policy-diagnostic-settings',
    parentType: 'microsoft.network/dnsresolverpolicies',
    child: 'providers/Microsoft.Insights/diagnosticSettings',
    apiVersion: '2021-05-01-preview',
    file: 'arm-dns-policy-diagnostic-settings.json',
  },
];

const CHILD_DATASETS = new Set<AzureDataset>(CHILD_LISTS.map((c) => c.dataset));
/** Data sets Resource Graph holds, and the resource types to ask it for. */
export const GRAPH_DATASETS = (Object.keys(AZURE_DATASETS) as AzureDataset[]).filter((d) => !CHILD_DATASETS.has(d));
const GRAPH_TYPES = [...new Set(GRAPH_DATASETS.flatMap((d) => [...AZURE_DATASETS[d].types]))].sort();
const COLUMNS = 'id, name, type, location, resourceGroup, subscriptionId, tags, kind, sku, identity, properties';
// Ordered by id so that pages are consistent while the query is paged.
export const GRAPH_QUERY = `resources | where type in~ (${GRAPH_TYPES.map((t) => `'${t}'`).join(', ')}) | project ${COLUMNS} | order by id asc`;

/**
 * Every Azure RBAC action the collector needs: reading subscriptions (and a management group's descendants),
 * querying Resource Graph, and read on each resource type collected (Resource Graph returns only what the identity
 * may read). docs/azure-role.json must list exactly these (a test checks).
 */
export const AZURE_COLLECT_PERMISSIONS: readonly string[] = [
  ...new Set([
    'Microsoft.Resources/subscriptions/read',
    'Microsoft.Management/managementGroups/descendants/read',
    'Microsoft.ResourceGraph/resources/read',
    ...Object.values(AZURE_DATASETS).map((d) => d.permission),
  ]),
].sort();

export interface AzureCollectOptions {
  out: string;
  tenant?: string;
  subscriptions?: string[];
  managementGroup?: string;
  /** ARM / Resource Graph endpoint (an emulator); credentials then come from it too. */
  endpoint?: string;
  authorityHost?: string;
  /** PEM text of certificates to trust. */
  ca?: string;
  /** Injected credential (tests, library users). */
  credential?: TokenCredential;
  env?: NodeJS.ProcessEnv;
  /** ARM calls in flight at once. */
  concurrency?: number;
  maxRetries?: number;
}

export interface AzureUnavailable {
  subscription: string;
  dataset: AzureDataset;
  reason: string;
  permission: string;
}

export interface AzureCollectSummary {
  subscriptions: { id: string; collected: AzureDataset[]; unavailable: AzureUnavailable[] }[];
  /** Subscriptions not read: disabled ones, and (unreadable) ones asked for that the identity cannot read. */
  skipped: { subscription: string; reason: string; unreadable?: boolean }[];
  resources: number;
  apiCalls: number;
}

interface SubscriptionState {
  id: string;
  rows: Record<string, unknown>[];
  children: Map<AzureDataset, Record<string, unknown>[]>;
  unavailable: Map<AzureDataset, AzureUnavailable>;
}

export async function collectAzure(o: AzureCollectOptions): Promise<AzureCollectSummary> {
  const env = o.env ?? process.env;
  for (const s of o.subscriptions ?? [])
    if (!GUID.test(s)) throw new CollectError(`${JSON.stringify(s)} is not a subscription id (a GUID)`);
  if (o.subscriptions?.length && o.managementGroup)
    throw new CollectError('use --subscriptions or --management-group, not both');
  let credential: TokenCredential;
  try {
    credential =
      o.credential ??
      (await azureCredential({
        env,
        ...(o.tenant ? { tenant: o.tenant } : {}),
        ...(o.endpoint ? { endpoint: o.endpoint } : {}),
        ...(o.authorityHost ? { authorityHost: o.authorityHost } : {}),
        ...(o.ca ? { ca: o.ca } : {}),
      }));
  } catch (err) {
    if (err instanceof AzureCredentialSetupError) throw new CollectError(err.message);
    throw err;
  }
  await prepareOutDir(o.out);
  const arm = new ArmClient({
    credential,
    limit: createLimiter(o.concurrency ?? 8),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.ca ? { ca: o.ca } : {}),
    ...(o.maxRetries !== undefined ? { maxRetries: o.maxRetries } : {}),
  });
  const skipped: AzureCollectSummary['skipped'] = [];
  const ids = await subscriptionsToRead(arm, o, skipped);
  const states = new Map<string, SubscriptionState>(
    ids.map((id) => [id.toLowerCase(), { id, rows: [], children: new Map(), unavailable: new Map() }]),
  );

  // Resource Graph, a batch of subscriptions per request.
  for (let i = 0; i < ids.length; i += GRAPH_BATCH) {
    const batch = ids.slice(i, i + GRAPH_BATCH);
    try {
      for (const row of await arm.graph(GRAPH_QUERY, batch)) {
        const sub =
          (typeof row.subscriptionId === 'string' ? row.subscriptionId : undefined) ??
          /^\/subscriptions\/([^/]+)/i.exec(typeof row.id === 'string' ? row.id : '')?.[1] ??
          '';
        states.get(sub.toLowerCase())?.rows.push(row);
      }
    } catch (err) {
      const f = classifyAzureError(err);
      for (const id of batch)
        for (const d of GRAPH_DATASETS)
          markUnavailable(states.get(id.toLowerCase())!, d, f, 'Microsoft.ResourceGraph/resources/read');
    }
  }

  // Child lists per parent, bounded by the client's limiter.
  await Promise.all(
    [...states.values()].flatMap((s) =>
      CHILD_LISTS.map(async (c) => {
        const parentDataset = GRAPH_DATASETS.find((d) =>
          (AZURE_DATASETS[d].types as readonly string[]).includes(c.parentType),
        );
        if (parentDataset && s.unavailable.has(parentDataset)) {
          const u = s.unavailable.get(parentDataset)!;
          s.unavailable.set(c.dataset, {
            ...u,
            dataset: c.dataset,
            reason: `needs ${parentDataset}, which is unavailable: ${u.reason}`,
          });
          return;
        }
        const parents = s.rows.filter((r) => String(r.type).toLowerCase() === c.parentType).map((r) => String(r.id));
        try {
          const items = await Promise.all(parents.map((p) => childList(arm, p, c)));
          s.children.set(c.dataset, items.flat());
        } catch (err) {
          markUnavailable(s, c.dataset, classifyAzureError(err), AZURE_DATASETS[c.dataset].permission);
        }
      }),
    ),
  );

  const summary: AzureCollectSummary = { subscriptions: [], skipped, resources: 0, apiCalls: 0 };
  for (const s of [...states.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    summary.resources += s.rows.length + [...s.children.values()].reduce((n, l) => n + l.length, 0);
    summary.subscriptions.push(await writeSubscription(o.out, s));
  }
  // A subscription asked for but unreadable is in the snapshot with every data set unavailable: its checks are then
  // not assessed, naming the permission, rather than absent from the report.
  for (const k of skipped.filter((x) => x.unreadable)) {
    const dir = path.join(o.out, k.subscription);
    await mkdir(dir, { recursive: true });
    const unavailable = (Object.keys(AZURE_DATASETS) as AzureDataset[]).sort().map((dataset) => ({
      subscription: k.subscription,
      dataset,
      reason: k.reason,
      permission: 'Microsoft.Resources/subscriptions/read',
    }));
    await writeFile(
      path.join(dir, MANIFEST),
      stableJson({ cordonSnapshot: 1, provider: 'azure', subscriptions: [k.subscription], datasets: [], unavailable }),
    );
  }
  summary.apiCalls = arm.calls;
  return summary;
}

/** A child list; a parent deleted since Resource Graph saw it (404) has no children, not a failure. */
async function childList(
  arm: ArmClient,
  parentId: string,
  c: (typeof CHILD_LISTS)[number],
): Promise<Record<string, unknown>[]> {
  try {
    return await arm.list(`${parentId}/${c.child}`, c.apiVersion);
  } catch (err) {
    if (classifyAzureError(err).kind === 'not-found') return [];
    throw err;
  }
}

function markUnavailable(s: SubscriptionState, dataset: AzureDataset, f: AzureFailure, permission: string): void {
  s.unavailable.set(dataset, {
    subscription: s.id,
    dataset,
    reason: f.reason,
    permission: f.permission ?? permission,
  });
}

async function subscriptionsToRead(
  arm: ArmClient,
  o: AzureCollectOptions,
  skipped: AzureCollectSummary['skipped'],
): Promise<string[]> {
  if (o.subscriptions?.length) {
    const wanted = [...new Set(o.subscriptions.map((s) => s.toLowerCase()))].sort();
    const readable: string[] = [];
    await Promise.all(
      wanted.map(async (id) => {
        try {
          const sub = await arm.get(`/subscriptions/${id}`, SUBSCRIPTIONS_API);
          if (sub.state !== undefined && sub.state !== 'Enabled' && sub.state !== 'PastDue')
            skipped.push({ subscription: id, reason: `subscription is ${JSON.stringify(sub.state)}` });
          else readable.push(id);
        } catch (err) {
          const f = classifyAzureError(err);
          if (f.kind === 'unreachable' || f.kind === 'credentials') throw new CollectError(f.reason);
          skipped.push({
            subscription: id,
            reason: `${f.reason}${f.kind === 'denied' || f.kind === 'not-found' ? ' (needs Microsoft.Resources/subscriptions/read)' : ''}`,
            unreadable: true,
          });
        }
      }),
    );
    skipped.sort((a, b) => (a.subscription < b.subscription ? -1 : 1));
    return readable.sort();
  }
  try {
    if (o.managementGroup) {
      const items = await arm.list(
        `/providers/Microsoft.Management/managementGroups/${encodeURIComponent(o.managementGroup)}/descendants`,
        MANAGEMENT_GROUPS_API,
      );
      const subs = items
        .filter((i) => /\/subscriptions$/i.test(String(i.type)))
        .map((i) => String(i.name))
        .sort();
      if (subs.length === 0)
        throw new CollectError(`management group ${o.managementGroup} has no subscription the identity can see`);
      return subs;
    }
    const list = await arm.list('/subscriptions', SUBSCRIPTIONS_API);
    for (const s of list)
      if (s.state !== 'Enabled' && s.state !== 'PastDue')
        skipped.push({ subscription: String(s.subscriptionId), reason: `subscription is ${String(s.state)}` });
    const subs = list
      .filter((s) => s.state === 'Enabled' || s.state === 'PastDue')
      .map((s) => String(s.subscriptionId))
      .sort();
    if (subs.length === 0) throw new CollectError('the identity can see no enabled subscription');
    return subs;
  } catch (err) {
    if (err instanceof CollectError) throw err;
    const f = classifyAzureError(err);
    const need = o.managementGroup
      ? 'Microsoft.Management/managementGroups/descendants/read'
      : 'Microsoft.Resources/subscriptions/read';
    throw new CollectError(`cannot list the subscriptions to read: ${f.reason} (needs ${need})`);
  }
}

async function writeSubscription(
  out: string,
  s: SubscriptionState,
): Promise<AzureCollectSummary['subscriptions'][number]> {
  const dir = path.join(out, s.id);
  await mkdir(dir, { recursive: true });
  const byId = (a: Record<string, unknown>, b: Record<string, unknown>) => {
    const x = String(a.id).toLowerCase();
    const y = String(b.id).toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  };
  const graphOk = !GRAPH_DATASETS.some((d) => s.unavailable.has(d));
  if (graphOk) {
    const rows = [...s.rows].sort(byId);
    // As `az graph query -o json` prints it.
    await writeFile(
      path.join(dir, 'graph-resources.json'),
      stableJson({ count: rows.length, data: rows, skip_token: null, total_records: rows.length }),
    );
  }
  for (const c of CHILD_LISTS) {
    const items = s.children.get(c.dataset);
    if (items) await writeFile(path.join(dir, c.file), stableJson({ value: [...items].sort(byId) }));
  }
  const collected = (Object.keys(AZURE_DATASETS) as AzureDataset[]).filter((d) => !s.unavailable.has(d)).sort();
  const unavailable = [...s.unavailable.values()].sort((a, b) => (a.dataset < b.dataset ? -1 : 1));
  await writeFile(
    path.join(dir, MANIFEST),
    stableJson({ cordonSnapshot: 1, provider: 'azure', subscriptions: [s.id], datasets: collected, unavailable }),
  );
  return { id: s.id, collected, unavailable };
}
