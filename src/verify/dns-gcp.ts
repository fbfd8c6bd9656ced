/**
 * Name resolution as part of the path (Google Cloud): from a network with callers of an approved AI service, the
 * Vertex AI names (aiplatform.googleapis.com and <region>-aiplatform.googleapis.com for each region the callers sit
 * in) resolve privately only through a private Cloud DNS zone bound to the network (or reached by one DNS peering
 * hop) that answers a Private Service Connect endpoint for Google APIs or the private/restricted VIP. Otherwise Cloud
 * DNS answers from public DNS and calls leave by the internet path (or fail). checks/gcp/vertex-dns.ts and
 * dns-resolution.ts follow the chain; forwarding zones and server policies are unknown, never public.
 */
import { fingerprintOf, type Finding } from '../findings/types.js';
import { GCP_DATASETS, gcpIdKey, type GcpDataset, type GcpInventory, type GcpNetwork } from '../inventory/gcp.js';
import type { ZonePolicy } from '../policy/load.js';
import { describeResolution, isPrivateAnswer, vertexDns } from '../checks/gcp/vertex-dns.js';
import { gcpProjects } from '../checks/gcp/engine.js';
import { DNS_CHECK, type ResolutionStep } from './dns-aws.js';
import type { NetworkModel } from './model.js';
import { partialModelData } from './partial.js';
import { notVerified } from './questions.js';

const VERTEX = 'aiplatform.googleapis.com';

/**
 * `asked` collects the projects of the calling interfaces whose network's resolution was looked at: only there may
 * `cordon scan` report the DNS check as passing (a project with no caller of Vertex AI was asked nothing).
 */
export function gcpDnsFindings(
  inv: GcpInventory,
  policy: ZonePolicy,
  model: NetworkModel,
  asked?: Set<string>,
): Finding[] {
  // Service zones that hold Vertex AI, and the zones allowed to call them.
  const vertexZones = new Set(
    [...policy.zones.values()]
      .filter((z) => z.kind === 'service' && (z.services?.gcp ?? []).some((s) => s.toLowerCase() === VERTEX))
      .map((z) => z.name),
  );
  const callers = new Set(policy.rules.filter((r) => r.action === 'allow' && vertexZones.has(r.to)).map((r) => r.from));
  if (callers.size === 0) return [];
  const byNetwork = new Map<string, { zones: Set<string>; regions: Set<string>; projects: Set<string> }>();
  for (const i of model.interfaces) {
    if (i.role !== 'workload' || !i.zone || !callers.has(i.zone)) continue;
    const e = byNetwork.get(i.network) ?? { zones: new Set(), regions: new Set(), projects: new Set() };
    e.zones.add(i.zone);
    e.projects.add(i.scope.split('/')[0]!);
    e.regions.add(i.scope.slice(i.scope.indexOf('/') + 1));
    byNetwork.set(i.network, e);
  }
  const dns = vertexDns(inv);
  const out: Finding[] = [];
  for (const [net, { zones, regions, projects }] of [...byNetwork].sort(([a], [b]) => a.localeCompare(b))) {
    const model_ = model.networks.get(net);
    const n: GcpNetwork | undefined = inv.networks.find(
      (x) => gcpIdKey(x.id) === gcpIdKey(model_?.ref.resourceId ?? ''),
    );
    if (!n) continue;
    for (const p of projects) asked?.add(p);
    const calling = [...zones].sort();
    for (const r of dns.names({ id: n.id, regions: [...regions].sort() })) {
      if (isPrivateAnswer(r)) continue;
      const res = r.resolution;
      const chain: ResolutionStep[] =
        res.kind === 'answer'
          ? [
              ...res.chain.map((what) => ({ what, ok: true })),
              {
                what: `zone ${res.zones.at(-1)?.name ?? '?'} answers ${r.kinds.map((k) => `${k.address} (${k.kind})`).join(', ')}, not a Private Service Connect endpoint or Google API VIP`,
                ok: false,
              },
            ]
          : [{ what: res.why, ok: res.kind === 'unknown' ? 'unknown' : false }];
      if (res.kind === 'public')
        chain.push({ what: 'Cloud DNS answers with the public Google API addresses', ok: false });
      const status = res.kind === 'unknown' ? ('not-assessed' as const) : ('fail' as const);
      const resource = {
        provider: 'gcp' as const,
        account: n.project,
        region: 'global',
        type: 'compute.googleapis.com/Network',
        id: gcpIdKey(n.id),
      };
      const failed = chain.filter((c) => c.ok !== true).map((c) => c.what);
      out.push({
        checkId: DNS_CHECK.id,
        title: DNS_CHECK.title,
        severity: DNS_CHECK.severity,
        status,
        resource,
        origin: n.origin,
        message:
          status === 'fail'
            ? `${r.name.replace(/\.$/, '')} from ${net} (zones ${calling.join(', ')}) does not resolve privately: ${failed.join('; ')}`
            : `cannot tell how ${r.name.replace(/\.$/, '')} resolves from ${net} (zones ${calling.join(', ')}): ${failed.join('; ')}`,
        evidence: {
          name: r.name.replace(/\.$/, ''),
          network: net,
          callingZones: calling,
          resolution: describeResolution(r),
          chain: chain.map((c) => ({ step: c.what, ok: c.ok })),
        },
        remediation: {
          text: `Bind a private googleapis.com zone to ${net} whose records for ${r.name.replace(/\.$/, '')} point at a Private Service Connect endpoint for Google APIs (or private/restricted.googleapis.com).`,
        },
        references: ['https://cloud.google.com/vpc/docs/configure-private-service-connect-apis'],
        fingerprint: fingerprintOf(DNS_CHECK.id, { ...resource, id: `${gcpIdKey(n.id)}|${r.name}` }),
      });
    }
  }
  return out;
}

/** Data sets the GCP model needs from a project that owns networks or instances. */
export const GCP_VERIFY_DATASETS: readonly GcpDataset[] = [
  'compute:networks',
  'compute:subnetworks',
  'compute:firewalls',
  'compute:network-firewall-policies',
  'compute:routes',
  'compute:routers',
  'compute:instances',
  'compute:addresses',
  'compute:forwarding-rules',
];

/**
 * Data sets the model reads when present: their absence is no gap (a snapshot's Workbench VMs are among its compute
 * instances), but one read in part is. Infrastructure as code has no VM for a Workbench instance: the model stands
 * its gceSetup in for it (gcp.ts withWorkbenchVms), so a Workbench instance left out as not known is a missing VM.
 */
const GCP_VERIFY_DATASETS_IF_PRESENT: readonly GcpDataset[] = ['notebooks:instances'];

/**
 * A project without a data set the model needs is not verified there, and says so (never a clean pass). A data set
 * read in part (an item of infrastructure as code known only at deploy, a listing cut short) is named with its items
 * and their file:line (partialModelData), not with the gcloud command that would list a data set that is missing.
 */
export function gcpMissingData(inv: GcpInventory): Finding[] {
  const out: Finding[] = [];
  const needed = [...GCP_VERIFY_DATASETS, ...GCP_VERIFY_DATASETS_IF_PRESENT];
  const projects = gcpProjects(inv);
  for (const project of projects) {
    const missing = GCP_VERIFY_DATASETS.filter((d) => !(inv.datasets.get(project)?.has(d) ?? false));
    if (missing.length === 0) continue;
    const resource = {
      provider: 'gcp' as const,
      account: project,
      region: 'global',
      type: 'cloudresourcemanager.googleapis.com/Project',
      id: `projects/${project}`,
    };
    const origin = [...inv.scopeOrigins].find(([k]) => k.startsWith(`${project}/`))?.[1];
    out.push(
      notVerified(
        resource,
        project,
        missing,
        missing.map((d) => GCP_DATASETS[d].command.replace(/PROJECT/g, project)),
        origin,
      ),
    );
  }
  const inProjects = new Map([...inv.partial].filter(([key]) => projects.includes(key.slice(0, key.indexOf('/')))));
  out.push(...partialModelData('gcp', inProjects, needed, 'cloudresourcemanager.googleapis.com/Project'));
  return out;
}
