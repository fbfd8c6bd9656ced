/**
 * Turns evaluated ARM resources (from ARM templates or Bicep) into the Azure inventory through the snapshot reader's
 * normaliser, after filling in what Azure itself decides at deploy time in a way the template fixes:
 * - embedded subnets and peerings get the ids Azure gives them (`<vnet id>/subnets/<name>`);
 * - a private endpoint's automatic connection is Approved once deployed (Azure approves it when the deployer may, and
 *   the deployment fails otherwise); a manual one waits as Pending.
 * Values known only at deploy time, resources whose existence is unknown and `existing` resources make their data
 * set incomplete in their scope (inventory.partial), so the checks that need them are not assessed, naming the
 * expression and its file and line. The data sets ARM can express are declared present for each subscription the
 * code deploys to, so "no flow log declared" can fail.
 */
import {
  AZURE_DATASETS,
  azureDatasetOfType,
  azureIdKey,
  normaliseLocation,
  parseAzureId,
  type AzureDataset,
} from '../../../inventory/azure.js';
import { InputError } from '../../../util/errors.js';
import type { AzureResourceReader } from '../../azure-snapshot/load.js';
import {
  ANY_TYPE,
  type EmittedResource,
  type ExcludedResource,
  type SourceDoc,
  type TemplateOutcome,
} from './template.js';
import {
  serviceAdmission,
  settleServiceConnections,
  undeclaredLoadBalancerReason,
  undeclaredLoadBalancers,
  type ServiceAdmission,
} from '../azure-private-link.js';
import type { Origin } from '../../../findings/types.js';
import { originOf } from '../../../util/located-json.js';
import {
  addWorkloadNics,
  privateEndpointInterfaces,
  INJECTING_TYPES,
  isSubnetAclType,
  namesAzureSubnet,
  NO_WORKLOAD_AZURE_TYPES,
  WORKLOAD_TYPES,
  workloadNics,
  zoneGroupRecords,
  type WorkloadNic,
} from '../azure-interfaces.js';

/**
 * Values no reader or check looks at (a key vault's tenant, a VM's administrator password, the names of a connection,
 * a NIC or a zone group's configuration, a workspace's display name): when they are known only at deploy, nothing is missing, as for CloudFormation's names and descriptions.
 */
export const UNREAD_VALUE = [
  /^\/properties\/tenantId$/,
  /^\/properties\/osProfile(\/|$)/,
  /^\/properties\/customNetworkInterfaceName$/,
  /^\/properties\/friendlyName$/,
  /^\/properties\/privateDnsZoneConfigs\/\d+\/name$/,
  /^\/properties\/(manualPrivateLinkServiceConnections|privateLinkServiceConnections)\/\d+\/(name|properties\/requestMessage)$/,
  // An application gateway's certificates (a Key Vault secret of an `existing` vault): TLS, not reachability.
  /^\/properties\/(sslCertificates|trustedRootCertificates|trustedClientCertificates|authenticationCertificates)\/\d+\/properties\/(keyVaultSecretId|data|password)$/,
];

/**
 * An application gateway backend named by an FQDN known only at deploy (`webApp.properties.defaultHostName` of an
 * `existing` app): the verifier resolves no backend FQDN (every NIC the gateway reaches may be it), so the name itself
 * changes nothing and the backend is kept with a placeholder instead of leaving the whole gateway unread.
 */
const GATEWAY_FQDN = /^\/properties\/backendAddressPools\/\d+\/properties\/backendAddresses\/\d+\/fqdn$/;

function keepGatewayFqdns(res: EmittedResource): void {
  if (String(res.raw.type).toLowerCase() !== 'microsoft.network/applicationgateways') return;
  res.unknowns = res.unknowns.filter((u) => {
    if (!GATEWAY_FQDN.test(u.pointer)) return true;
    const [, , pools, pool, , addresses, address] = u.pointer.split('/');
    const list = (res.raw.properties as Record<string, unknown> | undefined)?.[pools!];
    const entry =
      Array.isArray(list) && isRecord(list[Number(pool)]) ? (list[Number(pool)] as Record<string, unknown>) : undefined;
    const backends = entry && isRecord(entry.properties) ? entry.properties[addresses!] : undefined;
    const target: unknown = Array.isArray(backends) ? (backends as unknown[])[Number(address)] : undefined;
    if (!isRecord(target)) return true;
    target.fqdn = `(a name known at deploy: ${u.cause})`;
    return false;
  });
}

/** An unknown value of a service that puts NICs in the code's subnets hides them when it is about its network. */
const NETWORK_VALUE = /subnet|network|ipConfiguration|agentPool|vnet/i;
const INJECTION_VALUE = /^\/properties\/networkInjections(\/|$)/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Deploy-time facts the template fixes (see the module comment). Mutates the freshly built body. */
function settle(raw: Record<string, unknown>): void {
  const type = typeof raw.type === 'string' ? raw.type.toLowerCase() : '';
  const p = raw.properties;
  if (!isRecord(p) || typeof raw.id !== 'string') return;
  if (type === 'microsoft.network/virtualnetworks') {
    for (const [key, child] of [
      ['subnets', 'subnets'],
      ['virtualNetworkPeerings', 'virtualNetworkPeerings'],
    ] as const) {
      const list = p[key];
      if (Array.isArray(list))
        for (const s of list)
          if (isRecord(s) && s.id === undefined && typeof s.name === 'string') s.id = `${raw.id}/${child}/${s.name}`;
    }
  }
  if (type === 'microsoft.network/privateendpoints') {
    for (const [key, status] of [
      ['privateLinkServiceConnections', 'Approved'],
      ['manualPrivateLinkServiceConnections', 'Pending'],
    ] as const) {
      const list = p[key];
      if (!Array.isArray(list)) continue;
      for (const c of list)
        if (isRecord(c) && isRecord(c.properties) && c.properties.privateLinkServiceConnectionState === undefined)
          c.properties.privateLinkServiceConnectionState = { status, description: 'set by Azure at deploy time' };
    }
  }
}

/** The ids a resource body declares: its own and its embedded subnets' and peerings' (after `settle`). */
function declaredIds(raw: Record<string, unknown>): string[] {
  const out = typeof raw.id === 'string' ? [raw.id] : [];
  const p = raw.properties;
  if (isRecord(p))
    for (const key of ['subnets', 'virtualNetworkPeerings'])
      for (const c of Array.isArray(p[key]) ? (p[key] as unknown[]) : [])
        if (isRecord(c) && typeof c.id === 'string') out.push(c.id);
  return out;
}

/** Collects outcomes of several templates, then fills the reader. */
export class IacAzureFeed {
  private readonly subscriptions = new Set<string>();
  /** NICs Azure creates for the services the templates declare, added once the inventory is read. */
  private readonly workloads: {
    owner: { id?: string; subscription: string; resourceGroup: string; location: string; origin: Origin };
    nics: WorkloadNic[];
  }[] = [];

  /** Ids of the resources the templates declare, and the `existing` references to check against them. */
  private readonly declaredIds = new Set<string>();
  private readonly existing: ExcludedResource[] = [];
  /** The Private Link services the templates declare, by id key: who they approve (../azure-private-link.ts). */
  private readonly services = new Map<string, ServiceAdmission>();
  /** The same services as declared, to check that their load balancers are declared too. */
  private readonly serviceDecls: { doc: SourceDoc; pointer: string; raw: Record<string, unknown> }[] = [];

  constructor(private readonly reader: AzureResourceReader) {}

  add(outcome: TemplateOutcome): void {
    const r = this.reader.result;
    for (const e of outcome.errors) r.errors.push(new InputError(e.doc.file, e.message, e.doc.locate(e.pointer)));
    for (const w of outcome.warnings) {
      const { line } = w.doc.locate(w.pointer);
      r.warnings.push({ file: w.doc.file, message: w.message, ...(line !== undefined ? { line } : {}) });
    }
    const byDoc = new Map<SourceDoc, EmittedResource[]>();
    for (const res of outcome.resources) {
      settle(res.raw);
      if (
        String(res.raw.type).toLowerCase() === 'microsoft.network/privatelinkservices' &&
        typeof res.raw.id === 'string'
      ) {
        this.services.set(azureIdKey(res.raw.id), serviceAdmission(res.raw.properties));
        this.serviceDecls.push({ doc: res.doc, pointer: res.pointer, raw: res.raw });
      }
      keepGatewayFqdns(res);
      for (const id of declaredIds(res.raw)) this.declaredIds.add(azureIdKey(id));
      const list = byDoc.get(res.doc) ?? [];
      list.push(res);
      byDoc.set(res.doc, list);
    }
    for (const [doc, list] of byDoc) {
      const { ignoredTypes: ignored } = this.reader.readFile(
        doc,
        list.map((x) => ({ raw: x.raw, pointer: x.pointer, unknowns: x.unknowns })),
      );
      // The services whose NICs are read below are not ignored.
      const ignoredTypes = ignored.filter((t) => !WORKLOAD_TYPES.has(t.toLowerCase()));
      // A type not read that names a subnet puts NICs there the verifier does not see: the NICs are incomplete.
      const unread = new Set(ignoredTypes.map((t) => t.toLowerCase()));
      for (const res of list) {
        const type = String(res.raw.type).toLowerCase();
        if (!unread.has(type) || NO_WORKLOAD_AZURE_TYPES.has(type) || isSubnetAclType(type)) continue;
        if (!namesAzureSubnet(res.raw.properties) && !res.unknowns.some((u) => /subnet/i.test(u.pointer))) continue;
        const id = typeof res.raw.id === 'string' ? parseAzureId(res.raw.id) : undefined;
        this.skip(
          doc,
          String(res.raw.type),
          id?.subscription,
          res.raw.location,
          undefined,
          res.pointer,
          `${String(res.raw.type)} places network interfaces in the code's subnets and is not read by cordon, so they are not verified`,
          'network:network-interfaces',
        );
      }
      if (ignoredTypes.length > 0)
        r.warnings.push({
          file: doc.file,
          message: `resource types cordon does not read were ignored: ${ignoredTypes.join(', ')}`,
        });
      for (const res of list) {
        const id = typeof res.raw.id === 'string' ? parseAzureId(res.raw.id) : undefined;
        if (id?.subscription) this.subscriptions.add(id.subscription);
        const type = String(res.raw.type);
        const workload = WORKLOAD_TYPES.has(type.toLowerCase());
        const injecting = INJECTING_TYPES.has(type.toLowerCase());
        if (workload || injecting) {
          const nics = workloadNics(res.raw);
          if (nics.length > 0)
            this.workloads.push({
              owner: {
                ...(typeof res.raw.id === 'string' ? { id: res.raw.id } : {}),
                subscription: id?.subscription ?? 'unknown',
                resourceGroup: id?.resourceGroup ?? 'unknown',
                location: typeof res.raw.location === 'string' ? res.raw.location : 'unknown',
                origin: originOf(doc, res.pointer),
              },
              nics,
            });
        }
        for (const u of res.unknowns) {
          // An injection's subnet not known: where the injected NICs are is not known either.
          if (injecting && INJECTION_VALUE.test(u.pointer)) {
            this.skip(
              doc,
              type,
              id?.subscription,
              res.raw.location,
              id?.parentId,
              `${res.pointer}${u.pointer}`,
              `value not known before deploy: ${u.cause}`,
              'network:network-interfaces',
            );
            // Nothing but the NICs reads it (the account's checks do not).
            continue;
          }
          if (workload && !NETWORK_VALUE.test(u.pointer)) continue;
          if (UNREAD_VALUE.some((r) => r.test(u.pointer))) continue;
          this.skip(
            doc,
            String(res.raw.type),
            id?.subscription,
            res.raw.location,
            id?.parentId,
            `${res.pointer}${u.pointer}`,
            `value not known before deploy: ${u.cause}`,
          );
        }
      }
    }
    for (const x of outcome.excluded) {
      this.subscriptions.add(x.subscription.toLowerCase());
      if (x.existingId) this.existing.push(x);
      else if (x.type === ANY_TYPE)
        for (const dataset of Object.keys(AZURE_DATASETS) as AzureDataset[])
          this.skip(x.doc, x.type, x.subscription, x.location, undefined, x.pointer, x.reason, dataset);
      else this.skip(x.doc, x.type, x.subscription, x.location, undefined, x.pointer, x.reason);
    }
  }

  private skip(
    doc: SourceDoc,
    type: string,
    subscription: string | undefined,
    location: unknown,
    parentId: string | undefined,
    pointer: string,
    reason: string,
    of?: AzureDataset,
  ): void {
    const dataset: AzureDataset | undefined =
      of ??
      azureDatasetOfType(type) ??
      (WORKLOAD_TYPES.has(type.toLowerCase()) ? 'network:network-interfaces' : undefined);
    if (!dataset) return;
    const loc = typeof location === 'string' ? normaliseLocation(location) : undefined;
    const { line } = doc.locate(pointer);
    this.reader.skip({
      dataset,
      subscription: (subscription ?? 'unknown').toLowerCase(),
      // A child without a location of its own is placed with its parent; anything else unplaced counts everywhere.
      ...(loc ? { location: loc } : parentId ? {} : { location: '*' }),
      ...(parentId && !loc ? { parentId } : {}),
      item: { file: doc.file, ...(line !== undefined ? { line } : {}), pointer, reason },
    });
  }

  finish() {
    // An `existing` reference to a resource another file (or module) of the scan declares is read there: only one
    // declared nowhere in the code leaves its data set incomplete.
    for (const x of this.existing)
      if (!this.declaredIds.has(azureIdKey(x.existingId!)))
        this.skip(x.doc, x.type, x.subscription, x.location, undefined, x.pointer, x.reason);
    for (const { doc, pointer, raw } of this.serviceDecls) {
      const id = parseAzureId(String(raw.id));
      for (const lb of undeclaredLoadBalancers(raw.properties, (k) => this.declaredIds.has(k)))
        this.skip(
          doc,
          'Microsoft.Network/loadBalancers',
          id.subscription,
          raw.location,
          undefined,
          `${pointer}/properties/loadBalancerFrontendIpConfigurations`,
          undeclaredLoadBalancerReason(String(raw.name), lb),
        );
    }
    for (const s of this.subscriptions)
      for (const d of Object.keys(AZURE_DATASETS) as AzureDataset[]) this.reader.declare(s, d);
    const result = this.reader.finish();
    settleServiceConnections(result.inventory, this.services);
    // Azure creates each private endpoint's NIC at deploy; a template cannot declare it.
    privateEndpointInterfaces(result.inventory);
    zoneGroupRecords(result.inventory);
    for (const w of this.workloads) addWorkloadNics(result.inventory, w.owner, w.nics);
    return result;
  }
}
