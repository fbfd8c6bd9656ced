/**
 * Network firewall policies (global and regional) with their rules and associations, and VPC network peerings, from
 * Terraform google resources: rendered into the REST shapes the GCP snapshot reader reads (compute#firewallPolicy
 * with `rules` and `associations`; a network's `peerings`). Rules and associations are separate resources in
 * Terraform and lists inside the policy in the API; a part whose policy (or network) is not declared in the scanned
 * code, or that holds a value not known before deploy, is left out and makes its data set partial, naming it.
 */
import {
  assetOf,
  blocks,
  bool,
  defined,
  first,
  lastSegment,
  strings,
  type Doc,
  type Skip,
  type V,
} from './google-shape.js';
import type { TfResource } from './resource.js';
import { firstUnknown, isUnknown, text, type Value } from './values.js';

const POLICY_TYPES: Record<string, { regional: boolean; withRules: boolean }> = {
  google_compute_network_firewall_policy: { regional: false, withRules: false },
  google_compute_network_firewall_policy_with_rules: { regional: false, withRules: true },
  google_compute_region_network_firewall_policy: { regional: true, withRules: false },
  google_compute_region_network_firewall_policy_with_rules: { regional: true, withRules: true },
};
const RULE_TYPES: Record<string, boolean> = {
  google_compute_network_firewall_policy_rule: false,
  google_compute_region_network_firewall_policy_rule: true,
};
const ASSOCIATION_TYPES: Record<string, boolean> = {
  google_compute_network_firewall_policy_association: false,
  google_compute_region_network_firewall_policy_association: true,
};

/** Hierarchical (organization / folder) firewall policies: their number is assigned on create (google-ids.ts). */
const HIERARCHICAL_POLICY_TYPES: Record<string, boolean> = {
  google_compute_firewall_policy: false,
  google_compute_firewall_policy_with_rules: true,
};
const HIERARCHICAL_PART_TYPES: Record<string, 'rules' | 'associations'> = {
  google_compute_firewall_policy_rule: 'rules',
  google_compute_firewall_policy_association: 'associations',
};

export function isFirewallPolicyPart(type: string): boolean {
  return (
    type in POLICY_TYPES ||
    type in RULE_TYPES ||
    type in ASSOCIATION_TYPES ||
    type in HIERARCHICAL_POLICY_TYPES ||
    type in HIERARCHICAL_PART_TYPES
  );
}

const DATASET = 'compute:network-firewall-policies' as const;
const HIERARCHICAL = 'compute:hierarchical-firewall-policies' as const;

/** The `match` block: plural lists in the rule resources, singular nested blocks in the _with_rules resources. */
function match(m: V | undefined): V {
  if (!m) return {};
  const l4 = [...blocks(m.layer4_configs), ...blocks(m.layer4_config)];
  const srcTags = [...blocks(m.src_secure_tags), ...blocks(m.src_secure_tag)];
  return defined({
    srcIpRanges: m.src_ip_ranges,
    destIpRanges: m.dest_ip_ranges,
    srcFqdns: m.src_fqdns,
    destFqdns: m.dest_fqdns,
    srcRegionCodes: m.src_region_codes,
    destRegionCodes: m.dest_region_codes,
    srcAddressGroups: m.src_address_groups,
    destAddressGroups: m.dest_address_groups,
    srcThreatIntelligences: m.src_threat_intelligences,
    destThreatIntelligences: m.dest_threat_intelligences,
    srcSecureTags: srcTags.map((t) => ({ name: t.name ?? null })),
    // The network context: `*_network_scope` in the provider's 6.x releases, `*_network_context` after the rename.
    srcNetworkType: m.src_network_scope ?? m.src_network_context,
    srcNetworks: m.src_networks,
    destNetworkType: m.dest_network_scope ?? m.dest_network_context,
    layer4Configs: l4.map((c) => defined({ ipProtocol: c.ip_protocol, ports: strings(c.ports) })),
  });
}

function rule(v: V): V {
  const targetTags = [...blocks(v.target_secure_tags), ...blocks(v.target_secure_tag)];
  return defined({
    targetResources: v.target_resources,
    priority: v.priority,
    action: v.action,
    direction: v.direction ?? 'INGRESS',
    match: match(first(v.match)),
    targetServiceAccounts: v.target_service_accounts,
    targetSecureTags: targetTags.map((t) => ({ name: t.name ?? null })),
    disabled: bool(v.disabled) ?? false,
    enableLogging: bool(v.enable_logging),
    ruleName: v.rule_name,
    description: v.description,
  });
}

export function renderFirewallPolicies(
  google: readonly TfResource[],
  projectOf: (r: TfResource) => string,
  regionOf: (r: TfResource) => string,
): { docs: Doc[]; skipped: Skip[] } {
  const docs: Doc[] = [];
  const skipped: Skip[] = [];
  const skip = (r: TfResource, region: string, reason: string) =>
    skipped.push({ r, dataset: DATASET, project: projectOf(r), region, reason });
  const byKey = new Map<string, Doc>();
  const key = (project: string, region: string, name: string) => `${project}/${region}/${name}`;
  for (const r of google) {
    const t = POLICY_TYPES[r.type];
    if (!t) continue;
    const region = t.regional ? regionOf(r) : 'global';
    const id = r.values.id;
    const rules = t.withRules ? blocks(r.values.rule).map(rule) : [];
    const data = defined({
      kind: 'compute#firewallPolicy',
      name: r.values.name,
      description: r.values.description,
      region: t.regional ? region : undefined,
      rules,
      associations: [],
    });
    const unknown = firstUnknown(data) ?? (isUnknown(id) ? id : undefined);
    if (unknown || typeof id !== 'string') {
      skip(r, region, `value not known before deploy: ${unknown ? unknown.toString() : `${r.address}.id`}`);
      continue;
    }
    data.selfLink = `https://www.googleapis.com/compute/v1/${id}`;
    const d = { resource: r, data, asset: assetOf('compute.googleapis.com/FirewallPolicy', id, data) };
    docs.push(d);
    byKey.set(key(projectOf(r), region, text(r.values.name)), d);
  }
  for (const r of google) {
    const regional = RULE_TYPES[r.type] ?? ASSOCIATION_TYPES[r.type];
    if (regional === undefined) continue;
    const region = regional ? regionOf(r) : 'global';
    const ref = r.values.firewall_policy;
    const part: V =
      r.type in RULE_TYPES
        ? rule(r.values)
        : defined({ name: r.values.name, attachmentTarget: r.values.attachment_target });
    const unknown = firstUnknown(ref) ?? firstUnknown(part);
    // The policy is named by name, id or self link (the project of an id wins over the resource's).
    const refText = typeof ref === 'string' ? ref : '';
    const project = /projects\/([^/]+)\//.exec(refText)?.[1] ?? projectOf(r);
    const policy = unknown ? undefined : byKey.get(key(project, region, lastSegment(refText)));
    if (unknown || !policy) {
      skip(
        r,
        region,
        unknown
          ? `value not known before deploy: ${unknown.toString()}`
          : `its firewall policy ${refText} is not declared in the scanned code, so what the policy holds is not known`,
      );
      continue;
    }
    (policy.data[r.type in RULE_TYPES ? 'rules' : 'associations'] as Value[]).push(part);
  }
  const hierarchical = renderHierarchical(google, projectOf);
  return { docs: [...docs, ...hierarchical.docs], skipped: [...skipped, ...hierarchical.skipped] };
}

/**
 * Hierarchical policies with their rules and associations. A policy's id is a number the API assigns: the Terraform
 * address stands in for it ("locations/global/firewallPolicies/<address>", google-ids.ts), so rules and associations
 * that name it by `.name` or `.id` join it. It applies to the projects below the organization or folder it is
 * associated with; a project whose ancestors are not known is then not assessed by the firewall evaluation.
 */
function renderHierarchical(
  google: readonly TfResource[],
  projectOf: (r: TfResource) => string,
): { docs: Doc[]; skipped: Skip[] } {
  const docs: Doc[] = [];
  const skipped: Skip[] = [];
  const skip = (r: TfResource, reason: string) =>
    skipped.push({ r, dataset: HIERARCHICAL, project: projectOf(r), region: 'global', reason });
  const byAddress = new Map<string, Doc>();
  for (const r of google) {
    const withRules = HIERARCHICAL_POLICY_TYPES[r.type];
    if (withRules === undefined) continue;
    const data = defined({
      kind: 'compute#firewallPolicy',
      name: r.address,
      shortName: r.values.short_name,
      description: r.values.description,
      parent: r.values.parent,
      rules: withRules ? blocks(r.values.rule).map(rule) : [],
      associations: [],
    });
    const unknown = firstUnknown(data);
    if (unknown || typeof data.parent !== 'string') {
      skip(r, unknown ? `value not known before deploy: ${unknown.toString()}` : `${r.address} has no parent`);
      continue;
    }
    const d = {
      resource: r,
      data,
      asset: assetOf('compute.googleapis.com/FirewallPolicy', `locations/global/firewallPolicies/${r.address}`, data),
    };
    docs.push(d);
    byAddress.set(r.address, d);
  }
  for (const r of google) {
    const list = HIERARCHICAL_PART_TYPES[r.type];
    if (!list) continue;
    const ref = r.values.firewall_policy;
    const part =
      list === 'rules'
        ? rule(r.values)
        : defined({ name: r.values.name, attachmentTarget: r.values.attachment_target });
    const unknown = firstUnknown(ref) ?? firstUnknown(part);
    const policy = typeof ref === 'string' ? byAddress.get(lastSegment(ref)) : undefined;
    if (unknown || !policy) {
      skip(
        r,
        unknown
          ? `value not known before deploy: ${unknown.toString()}`
          : `its firewall policy ${text(ref)} is not declared in the scanned code, so what the policy holds is not known`,
      );
      continue;
    }
    (policy.data[list] as Value[]).push(part);
  }
  return { docs, skipped };
}

/**
 * Peerings are their own Terraform resource; the API lists them in the network. A peering is ACTIVE once both
 * networks peer with each other (INACTIVE until then). A peering to a network the scanned code does not declare
 * is left out, making the network data set partial: what the peer network holds is not known.
 */
export function addPeerings(
  google: readonly TfResource[],
  networks: ReadonlyMap<string, Doc>,
  projectOf: (r: TfResource) => string,
): Skip[] {
  const skipped: Skip[] = [];
  const bare = (x: Value | undefined) =>
    typeof x === 'string' ? x.replace(/^https:\/\/www\.googleapis\.com\/compute\/v1\//, '') : '';
  const peerings = google.filter((r) => r.type === 'google_compute_network_peering');
  const pairs = new Set(peerings.map((r) => `${bare(r.values.network)} ${bare(r.values.peer_network)}`));
  for (const r of peerings) {
    const v = r.values;
    const unknown = firstUnknown(v.network) ?? firstUnknown(v.peer_network) ?? firstUnknown(v.name);
    const own = networks.get(bare(v.network));
    const peer = networks.get(bare(v.peer_network));
    if (unknown || !own || !peer) {
      skipped.push({
        r,
        dataset: 'compute:networks',
        project: projectOf(r),
        region: 'global',
        reason: unknown
          ? `value not known before deploy: ${unknown.toString()}`
          : `${own ? 'its peer network' : 'its network'} ${text(own ? v.peer_network : v.network)} is not declared in the scanned code, so what the peering joins is not known`,
      });
      continue;
    }
    (own.data.peerings as Value[]).push(
      defined({
        name: v.name,
        network: peer.data.selfLink,
        state: pairs.has(`${bare(v.peer_network)} ${bare(v.network)}`) ? 'ACTIVE' : 'INACTIVE',
        exportCustomRoutes: v.export_custom_routes ?? false,
        importCustomRoutes: v.import_custom_routes ?? false,
        exchangeSubnetRoutes: true,
      }),
    );
  }
  return skipped;
}
