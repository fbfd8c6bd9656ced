import { gcpIdKey, shortName, type GcpVertexEndpoint, type GcpVertexIndexEndpoint } from '../../inventory/gcp.js';
import { callingZones } from '../../policy/calling-zones.js';
import { defineGcpCheck, type GcpCheckResult } from './types.js';

type Kind = 'endpoint' | 'index endpoint';

/** Why an endpoint is public, or undefined when it serves only privately. */
function publicReason(e: GcpVertexEndpoint | GcpVertexIndexEndpoint, kind: Kind): string | undefined {
  if (kind === 'index endpoint' && (e as GcpVertexIndexEndpoint).publicEndpointEnabled === true)
    return 'publicEndpointEnabled is true';
  // The domain name is set only while the public endpoint is on, whatever else the answer leaves out.
  const domain = kind === 'index endpoint' ? (e as GcpVertexIndexEndpoint).publicEndpointDomainName : undefined;
  if (domain) return `it serves on the public endpoint ${domain} (publicEndpointDomainName)`;
  if (e.privateServiceConnectConfig?.enablePrivateServiceConnect === true) return undefined;
  if (e.network) return undefined;
  if (kind === 'endpoint' && (e as GcpVertexEndpoint).dedicatedEndpointEnabled === true)
    return 'it is a dedicated public endpoint (dedicatedEndpointEnabled, no Private Service Connect)';
  return 'it has neither Private Service Connect (privateServiceConnectConfig.enablePrivateServiceConnect) nor a peered VPC network, so it is served on the public aiplatform.googleapis.com endpoint';
}

function describePrivate(e: GcpVertexEndpoint | GcpVertexIndexEndpoint): string {
  if (e.privateServiceConnectConfig?.enablePrivateServiceConnect)
    return `served through Private Service Connect${e.privateServiceConnectConfig.projectAllowlist.length ? ` (projects ${e.privateServiceConnectConfig.projectAllowlist.join(', ')})` : ''}`;
  return `a private endpoint peered with network ${shortName(e.network ?? '')}`;
}

export default defineGcpCheck({
  id: 'gcp-vertex-endpoint-public',
  title: 'Vertex AI online prediction or vector search endpoint is public where the zone policy calls AI privately',
  severity: 'high',
  service: 'aiplatform',
  resourceType: 'aiplatform.googleapis.com/Endpoint',
  rationale:
    "Seed 001 serves Vertex AI behind Private Service Connect. An online prediction endpoint (aiplatform Endpoint) is public unless it is created with privateServiceConnectConfig.enablePrivateServiceConnect or a `network` (a VPC-peered private endpoint); a vector search index endpoint is public when publicEndpointEnabled is true or it has neither PSC nor a network. A public endpoint takes prompts and embeddings over the internet from anyone holding a token — IAM alone, no network boundary — and its callers' traffic leaves the zones. The zone policy wants private endpoints when it lets a zone call the AI service zone (a calling zone); without one, the endpoint is reported as passing with that reason.",
  remediation: {
    text: 'Deploy the model to a Private Service Connect endpoint (or a private endpoint peered with the AI network) and undeploy it from the public one; create index endpoints with PSC and publicEndpointEnabled false.',
    snippet: {
      language: 'hcl',
      code: 'resource "google_vertex_ai_endpoint" "private" {\n  name         = "ENDPOINT_ID"\n  display_name = "ENDPOINT_NAME"\n  location     = "REGION"\n  private_service_connect_config {\n    enable_private_service_connect = true\n    project_allowlist              = ["PROJECT"]\n  }\n}\n\nresource "google_vertex_ai_index_endpoint" "private" {\n  display_name = "INDEX_ENDPOINT"\n  region       = "REGION"\n  private_service_connect_config {\n    enable_private_service_connect = true\n    project_allowlist              = ["PROJECT"]\n  }\n}',
    },
  },
  references: [
    'https://cloud.google.com/vertex-ai/docs/predictions/private-service-connect',
    'https://cloud.google.com/vertex-ai/docs/predictions/using-private-endpoints',
    'https://cloud.google.com/vertex-ai/docs/vector-search/setup/private-service-connect',
    'https://cloud.google.com/vertex-ai/docs/reference/rest/v1/projects.locations.indexEndpoints',
  ],
  seeds: ['001: Vertex AI behind Private Service Connect'],
  requires: ['aiplatform:endpoints', 'aiplatform:index-endpoints'],
  run(ctx) {
    const calling = [...callingZones(ctx.policy)].sort();
    const items: { e: GcpVertexEndpoint | GcpVertexIndexEndpoint; kind: Kind; type: string }[] = [
      ...ctx.own.vertexEndpoints.map((e) => ({
        e,
        kind: 'endpoint' as const,
        type: 'aiplatform.googleapis.com/Endpoint',
      })),
      ...ctx.own.vertexIndexEndpoints.map((e) => ({
        e,
        kind: 'index endpoint' as const,
        type: 'aiplatform.googleapis.com/IndexEndpoint',
      })),
    ].sort((a, b) => gcpIdKey(a.e.id).localeCompare(gcpIdKey(b.e.id)));
    const out: GcpCheckResult[] = [];
    for (const { e, kind, type } of items) {
      const what = `Vertex AI ${kind} ${e.displayName ?? e.name}`;
      const base = { resource: { id: e.id, type }, region: e.region, origin: e.origin };
      const why = publicReason(e, kind);
      if (!why) out.push({ ...base, status: 'pass', message: `${what} is ${describePrivate(e)}` });
      else if (calling.length === 0)
        out.push({
          ...base,
          status: 'pass',
          message: `${what} is public (${why}), but the zone policy names no zone that calls AI services privately`,
        });
      else
        out.push({
          ...base,
          status: 'fail',
          message: `${what} is public: ${why}; the zone policy has ${calling.join(', ')} call AI services through private endpoints`,
          evidence: { callingZones: calling },
        });
    }
    return out;
  },
});
