/**
 * Microsoft's private endpoint DNS zone table ("Azure Private Endpoint private DNS zone values",
 * learn.microsoft.com/azure/private-link/private-endpoint-dns), as data, for the services an AI workload uses: for a
 * private-link resource type and sub-resource (the private endpoint's groupId), the privatelink zone(s) its records
 * belong in. A private endpoint whose DNS zone group points elsewhere resolves callers to the public address.
 *
 * Cognitive Services accounts share one groupId ("account") across kinds, but each kind's endpoint host differs: an
 * OpenAI account's records go in privatelink.openai.azure.com, an AI Services (Foundry) account needs all three zones
 * the table lists, other kinds need privatelink.cognitiveservices.azure.com. cordon accepts any of the three zones in a
 * zone group and requires the ones the kind's host names need.
 */

export interface PrivateDnsZoneEntry {
  /** Lower-case ARM type of the private-link resource. */
  resourceType: string;
  /** Lower-case sub-resources (groupIds) this row covers. */
  groupIds: readonly string[];
  /** Zone names; "{region}" stands for the resource's location. */
  zones: readonly string[];
  /** The public zones whose names CNAME into the privatelink zones (for conditional forwarders). */
  publicZones: readonly string[];
  service: string;
}

export const AZURE_PRIVATE_DNS_ZONES: readonly PrivateDnsZoneEntry[] = [
  {
    service: 'Azure AI services / Azure OpenAI / AI Foundry',
    resourceType: 'microsoft.cognitiveservices/accounts',
    groupIds: ['account'],
    zones: [
      'privatelink.cognitiveservices.azure.com',
      'privatelink.openai.azure.com',
      'privatelink.services.ai.azure.com',
    ],
    publicZones: ['cognitiveservices.azure.com', 'openai.azure.com', 'services.ai.azure.com'],
  },
  {
    service: 'Azure Machine Learning / AI Foundry hub and project',
    resourceType: 'microsoft.machinelearningservices/workspaces',
    groupIds: ['amlworkspace'],
    zones: ['privatelink.api.azureml.ms', 'privatelink.notebooks.azure.net'],
    publicZones: ['api.azureml.ms', 'notebooks.azure.net', 'instances.azureml.ms', 'aznbcontent.net'],
  },
  {
    service: 'Azure Machine Learning registry',
    resourceType: 'microsoft.machinelearningservices/registries',
    groupIds: ['amlregistry'],
    zones: ['privatelink.api.azureml.ms'],
    publicZones: ['api.azureml.ms'],
  },
  {
    service: 'Azure AI Search',
    resourceType: 'microsoft.search/searchservices',
    groupIds: ['searchservice'],
    zones: ['privatelink.search.windows.net'],
    publicZones: ['search.windows.net'],
  },
  ...(
    [
      ['blob', 'blob'],
      ['blob_secondary', 'blob'],
      ['table', 'table'],
      ['table_secondary', 'table'],
      ['queue', 'queue'],
      ['queue_secondary', 'queue'],
      ['file', 'file'],
      ['file_secondary', 'file'],
      ['web', 'web'],
      ['web_secondary', 'web'],
      ['dfs', 'dfs'],
      ['dfs_secondary', 'dfs'],
    ] as const
  ).map(([groupId, svc]) => ({
    service: `Storage account (${svc})`,
    resourceType: 'microsoft.storage/storageaccounts',
    groupIds: [groupId],
    zones: [`privatelink.${svc}.core.windows.net`],
    publicZones: [`${svc}.core.windows.net`],
  })),
  {
    service: 'Azure Key Vault',
    resourceType: 'microsoft.keyvault/vaults',
    groupIds: ['vault'],
    zones: ['privatelink.vaultcore.azure.net'],
    publicZones: ['vault.azure.net', 'vaultcore.azure.net'],
  },
  {
    service: 'Azure Key Vault Managed HSM',
    resourceType: 'microsoft.keyvault/managedhsms',
    groupIds: ['managedhsm'],
    zones: ['privatelink.managedhsm.azure.net'],
    publicZones: ['managedhsm.azure.net'],
  },
  {
    // The registry's regional data endpoints ({registry}.{region}.data.azurecr.io) are records in the same zone.
    service: 'Azure Container Registry',
    resourceType: 'microsoft.containerregistry/registries',
    groupIds: ['registry'],
    zones: ['privatelink.azurecr.io'],
    publicZones: ['azurecr.io'],
  },
  {
    service: 'Azure Cosmos DB (NoSQL), used by Foundry Agent Service',
    resourceType: 'microsoft.documentdb/databaseaccounts',
    groupIds: ['sql'],
    zones: ['privatelink.documents.azure.com'],
    publicZones: ['documents.azure.com'],
  },
  {
    // Application Insights and Log Analytics behind an Azure Monitor Private Link Scope.
    service: 'Azure Monitor private link scope',
    resourceType: 'microsoft.insights/privatelinkscopes',
    groupIds: ['azuremonitor'],
    zones: [
      'privatelink.monitor.azure.com',
      'privatelink.oms.opinsights.azure.com',
      'privatelink.ods.opinsights.azure.com',
      'privatelink.agentsvc.azure-automation.net',
      'privatelink.blob.core.windows.net',
    ],
    publicZones: [
      'monitor.azure.com',
      'oms.opinsights.azure.com',
      'ods.opinsights.azure.com',
      'agentsvc.azure-automation.net',
      'blob.core.windows.net',
    ],
  },
  {
    service: 'Azure API Management',
    resourceType: 'microsoft.apimanagement/service',
    groupIds: ['gateway'],
    zones: ['privatelink.azure-api.net'],
    publicZones: ['azure-api.net'],
  },
  {
    service: 'Azure App Service / Functions',
    resourceType: 'microsoft.web/sites',
    groupIds: ['sites'],
    zones: ['privatelink.azurewebsites.net'],
    publicZones: ['azurewebsites.net', 'scm.azurewebsites.net'],
  },
];

export interface ExpectedZones {
  /** Zones the endpoint's records must be in for callers to resolve it privately. */
  required: string[];
  /** Zones a zone group may point at for this endpoint (required ones included). */
  accepted: string[];
  entry: PrivateDnsZoneEntry;
}

const ZONE_FOR_KIND: Record<string, readonly string[]> = {
  openai: ['privatelink.openai.azure.com'],
  aiservices: [
    'privatelink.cognitiveservices.azure.com',
    'privatelink.openai.azure.com',
    'privatelink.services.ai.azure.com',
  ],
};

/**
 * The privatelink zones for a private endpoint to a resource of `resourceType` with sub-resource `groupId`.
 * `kind` refines Cognitive Services accounts; `location` fills "{region}" placeholders. Undefined when the table
 * has no row for it: callers must then report "not assessed", not a pass.
 */
export function expectedPrivateDnsZones(target: {
  resourceType: string;
  groupId: string;
  kind?: string;
  location?: string;
}): ExpectedZones | undefined {
  const type = target.resourceType.toLowerCase();
  const group = target.groupId.toLowerCase();
  const entry = AZURE_PRIVATE_DNS_ZONES.find((e) => e.resourceType === type && e.groupIds.includes(group));
  if (!entry) return undefined;
  const fill = (z: string) => (target.location ? z.replace(/\{region\}/g, target.location.toLowerCase()) : z);
  const accepted = entry.zones.map(fill);
  let required = accepted;
  if (type === 'microsoft.cognitiveservices/accounts')
    required = [...(ZONE_FOR_KIND[(target.kind ?? '').toLowerCase()] ?? ['privatelink.cognitiveservices.azure.com'])];
  return { required, accepted, entry };
}

/** True when a zone group's zone (by name, any case, trailing dot ignored) fits the endpoint's target. */
export function zoneFitsTarget(zoneName: string, expected: ExpectedZones): boolean {
  const z = zoneName.toLowerCase().replace(/\.$/, '');
  return expected.accepted.includes(z);
}
