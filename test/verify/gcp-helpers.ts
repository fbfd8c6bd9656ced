/**
 * GCP worlds for verify tests: network vpc-ai with app (10.1.1.0/24), inference (10.1.2.0/24) and data (10.1.3.0/24)
 * subnetworks and one instance in each (app-1 10.1.1.10, inf-1 10.1.2.10, db-1 10.1.3.10), each tagged and labelled
 * with its zone; firewall rules, policies, routes and routers are the variables.
 */
import type { GcpInstance, GcpInventory, GcpRoute, GcpRouter } from '../../src/inventory/gcp.js';
import type { ZonePolicy } from '../../src/policy/load.js';
import { compileGcp } from '../../src/verify/gcp.js';
import { verifyModel } from '../../src/verify/questions.js';
import { instance, inventory, network, PROJECT, subnetwork } from '../support/gcp-build.js';
import { testPolicy } from './helpers.js';

export const GCP_POLICY: ZonePolicy = testPolicy('gcp: [aiplatform.googleapis.com]');
const origin = { kind: 'file' as const, file: 'test.json' };
export const NET = `projects/${PROJECT}/global/networks/vpc-ai`;

export function route(name: string, dest: string, extra: Partial<GcpRoute> = {}): GcpRoute {
  return {
    project: PROJECT,
    region: 'global',
    origin: { ...origin, pointer: `/routes/${name}` },
    id: `projects/${PROJECT}/global/routes/${name}`,
    name,
    network: NET,
    destRange: dest,
    priority: 1000,
    tags: [],
    nextHopGateway: `projects/${PROJECT}/global/gateways/default-internet-gateway`,
    routeType: 'STATIC',
    ...extra,
  };
}

export function router(name: string, nat: Partial<GcpRouter['nats'][number]> = {}, net = NET): GcpRouter {
  return {
    project: PROJECT,
    region: 'us-central1',
    origin,
    id: `projects/${PROJECT}/regions/us-central1/routers/${name}`,
    name,
    network: net,
    nats: [{ name: `${name}-nat`, subnetworks: [], pointer: '/nats/0', ...nat }],
  };
}

/** An instance of zone `zone` in subnetwork `snet-<zone>` of network `net`. */
export function vm(
  name: string,
  ip: string,
  zone: string,
  opts: { external?: boolean; net?: string; serviceAccounts?: string[]; tags?: string[] } = {},
): GcpInstance {
  const net = opts.net ?? 'vpc-ai';
  const base = instance(name, ip, {
    labels: { securityzone: zone },
    tags: opts.tags ?? [zone],
    serviceAccounts: opts.serviceAccounts ?? [`${zone}-sa@${PROJECT}.iam.gserviceaccount.com`],
  });
  base.networkInterfaces[0]!.network = `projects/${PROJECT}/global/networks/${net}`;
  base.networkInterfaces[0]!.subnetwork = `projects/${PROJECT}/regions/us-central1/subnetworks/${net === 'vpc-ai' ? '' : `${net}-`}snet-${zone}`;
  base.networkInterfaces[0]!.name = 'nic0';
  if (opts.external) base.networkInterfaces[0]!.accessConfigs = [{ type: 'ONE_TO_ONE_NAT', natIP: '34.1.2.3' }];
  return base;
}

/** The three-zone world; `parts` adds or replaces inventory lists. */
export function gcpWorld(parts: Partial<GcpInventory> = {}, opts: { externalDb?: boolean } = {}): GcpInventory {
  return inventory({
    networks: [network('vpc-ai')],
    subnetworks: [
      subnetwork('snet-app', '10.1.1.0/24'),
      subnetwork('snet-inference', '10.1.2.0/24'),
      subnetwork('snet-data', '10.1.3.0/24'),
    ],
    instances: [
      vm('app-1', '10.1.1.10', 'app'),
      vm('inf-1', '10.1.2.10', 'inference'),
      vm('db-1', '10.1.3.10', 'data', { external: opts.externalDb === true }),
    ],
    ...parts,
  });
}

export const runGcp = (inv: GcpInventory) =>
  verifyModel(compileGcp(inv, GCP_POLICY), GCP_POLICY, { clientPorts: [32768, 60999] });

// ---------------------------------------------------------------------------------------------------------------
// Reading results

export type GcpResult = ReturnType<typeof runGcp>;
export const cell = (r: GcpResult, from: string, to: string) => r.matrix.find((m) => m.from === from && m.to === to)!;
export const findings = (r: GcpResult, id: string, from: string, to: string) =>
  r.findings.filter((f) => f.checkId === id && f.evidence?.from === from && f.evidence?.to === to);
export const violations = (r: GcpResult, from: string, to: string) => findings(r, 'verify-zone-violation', from, to);
export const witness = (f: { evidence?: unknown }) =>
  (f.evidence as { witness: { packet: string; path: { at: string; what: string }[] } }).witness;
/** The witness path of a finding as "at: what" lines. */
export const hops = (f: { evidence?: unknown }) => witness(f).path.map((h) => `${h.at}: ${h.what}`);

// ---------------------------------------------------------------------------------------------------------------
// Load balancers

export interface LbSpec {
  /**
   * proxy: global external Application LB; passthrough: external passthrough NLB; internal: internal passthrough;
   * internal-proxy: regional internal Application LB (Envoy, connects from the proxy-only subnet).
   */
  kind: 'proxy' | 'passthrough' | 'internal' | 'internal-proxy';
  /** Instance names in the backend instance group; undefined: members not listed. */
  members?: string[];
  port?: number;
  backendPort?: number;
  armor?: boolean;
  address?: string;
  globalAccess?: boolean;
  /** The project holding the backend service (Shared VPC: another project's). */
  serviceProject?: string;
  name?: string;
}

/** The inventory parts of one load balancer: forwarding rule, proxy and URL map (proxy), backend service, group. */
export function loadBalancer(spec: LbSpec): Partial<GcpInventory> {
  const name = spec.name ?? 'lb';
  const port = spec.port ?? 443;
  const global = spec.kind === 'proxy';
  const region = global ? 'global' : 'us-central1';
  const at = global ? 'global' : 'regions/us-central1';
  const svcProject = spec.serviceProject ?? PROJECT;
  const bsId = `projects/${svcProject}/${at}/backendServices/${name}-bs`;
  const igId = `projects/${svcProject}/zones/us-central1-a/instanceGroups/${name}-ig`;
  const scoped = (project: string, id: string, r = region) => ({
    project,
    region: r,
    origin: { kind: 'file' as const, file: 'lb.json', pointer: `/${id}` },
    id,
    name: id.split('/').pop()!,
  });
  const scheme =
    spec.kind === 'proxy'
      ? 'EXTERNAL_MANAGED'
      : spec.kind === 'passthrough'
        ? 'EXTERNAL'
        : spec.kind === 'internal'
          ? 'INTERNAL'
          : 'INTERNAL_MANAGED';
  const proxied = spec.kind === 'proxy' || spec.kind === 'internal-proxy';
  const internal = spec.kind === 'internal' || spec.kind === 'internal-proxy';
  const proxyId = `projects/${PROJECT}/${at}/targetHttpsProxies/${name}-proxy`;
  const mapId = `projects/${PROJECT}/${at}/urlMaps/${name}-map`;
  return {
    forwardingRules: [
      {
        ...scoped(PROJECT, `projects/${PROJECT}/${at}/forwardingRules/${name}-fr`),
        labels: {},
        IPAddress: spec.address ?? (internal ? '10.1.9.5' : '34.100.0.1'),
        IPProtocol: 'TCP',
        loadBalancingScheme: scheme,
        ports: proxied ? [] : [String(port)],
        ...(proxied ? { portRange: `${port}-${port}`, target: proxyId } : { backendService: bsId }),
        ...(internal
          ? {
              network: NET,
              subnetwork: `projects/${PROJECT}/regions/us-central1/subnetworks/snet-lb`,
              allowGlobalAccess: spec.globalAccess === true,
            }
          : {}),
      },
    ],
    targetProxies: proxied ? [{ ...scoped(PROJECT, proxyId), proxyKind: 'targetHttpsProxy', urlMap: mapId }] : [],
    urlMaps: proxied ? [{ ...scoped(PROJECT, mapId), services: [bsId] }] : [],
    backendServices:
      svcProject === 'not-read'
        ? []
        : [
            {
              ...scoped(svcProject, bsId),
              loadBalancingScheme: scheme,
              protocol: proxied ? 'HTTPS' : 'TCP',
              ...(proxied ? { portName: 'https' } : {}),
              ...(internal ? { network: NET } : {}),
              ...(spec.armor ? { securityPolicy: `projects/${svcProject}/global/securityPolicies/armor` } : {}),
              backends: [{ group: igId, pointer: '/backends/0' }],
            },
          ],
    instanceGroups:
      svcProject === 'not-read'
        ? []
        : [
            {
              ...scoped(svcProject, igId, 'us-central1'),
              zone: 'us-central1-a',
              network: NET,
              namedPorts: [{ name: 'https', port: spec.backendPort ?? 8443 }],
              ...(spec.members
                ? { members: spec.members.map((m) => `projects/${PROJECT}/zones/us-central1-a/instances/${m}`) }
                : {}),
            },
          ],
  };
}
