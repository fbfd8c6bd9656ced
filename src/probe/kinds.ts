/** What each kind of probe test is for: the metadata findings, SARIF rules and docs share. */
import type { CheckMeta } from '../checks/types.js';
import type { TestKind } from './plan.js';

/** The part of a check's metadata that findings and SARIF rules use. */
export type KindMeta = Pick<
  CheckMeta,
  'id' | 'title' | 'severity' | 'service' | 'rationale' | 'remediation' | 'references'
>;

const SEED = 'seed 000 "Validation and Testing", seed 001 "Network Validation Script"';

export const KINDS: Record<TestKind, KindMeta> = {
  dns: {
    id: 'probe-dns',
    title: 'AI service names resolve only to the private endpoint, at every resolver',
    severity: 'high',
    service: 'dns',
    rationale: `A resolver that answers an AI service name with a public address sends prompts past the private endpoint (a DNS leak); asking only getaddrinfo hides a second resolver that answers differently (${SEED}).`,
    remediation: {
      text: 'Make every resolver the host uses answer the service names from the private zone (Route 53 private hosted zone / Resolver rules, Azure privatelink zones linked to the VNet, Cloud DNS private zone for Private Service Connect); remove resolvers that forward these names to public DNS.',
    },
    references: [
      'https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html',
      'https://learn.microsoft.com/azure/private-link/private-endpoint-dns',
    ],
  },
  'ai-reach': {
    id: 'probe-ai-reach',
    title: 'Approved AI endpoints are reachable with TLS for their name',
    severity: 'medium',
    service: 'connectivity',
    rationale: `The zone the policy lets call AI services must reach them through the private endpoint; a failure here pushes teams to a public fallback (${SEED}: positive tests).`,
    remediation: {
      text: "Open TCP 443 from this zone to the endpoint's network interfaces (security groups, NSGs, firewall rules) and check the endpoint's certificate matches the name.",
    },
    references: ['https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html'],
  },
  'ai-blocked': {
    id: 'probe-ai-blocked',
    title: 'Zones the policy keeps from AI services cannot connect to them',
    severity: 'high',
    service: 'connectivity',
    rationale: `Model calls must pass the inference proxy's guardrails; a zone that reaches the endpoint directly bypasses them (${SEED}: negative tests).`,
    remediation: {
      text: "Restrict the endpoint's security group or NSG to the calling zone's addresses, and deny the path in the zone's firewall rules.",
    },
    references: ['https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html'],
  },
  'public-fallback': {
    id: 'probe-public-fallback',
    title: "The AI services' public addresses are not reachable",
    severity: 'high',
    service: 'connectivity',
    rationale: `SDKs retry the public endpoint when the private one fails; if the public addresses are reachable, an outage of the private path silently becomes traffic over the internet (${SEED}: failover).`,
    remediation: {
      text: "Deny egress to the providers' public ranges (no NAT or internet route for this zone) and disable public network access on the AI resources.",
    },
    references: ['https://learn.microsoft.com/azure/ai-services/cognitive-services-virtual-networks'],
  },
  reach: {
    id: 'probe-reach',
    title: 'Hosts the policy lets this zone reach accept connections',
    severity: 'medium',
    service: 'connectivity',
    rationale: `A positive test proves the probe itself can see the network; without it, blocked results could mean a broken host (${SEED}).`,
    remediation: { text: 'Open the allowed port on the path (route, security group, firewall), or fix the policy.' },
    references: [],
  },
  lateral: {
    id: 'probe-lateral',
    title: 'Zones the policy forbids are not reachable (lateral movement)',
    severity: 'high',
    service: 'connectivity',
    rationale: `A compromised application host that reaches the vector database or the sandbox moves laterally past the proxy (${SEED}: application -> vector database).`,
    remediation: {
      text: "Deny the path between the zones (security groups referencing only allowed zones, NACLs, firewall policy); 'refused' in the evidence means a host answered, 'timed out' that a filter dropped the packet.",
    },
    references: [],
  },
  egress: {
    id: 'probe-egress',
    title: 'Egress to the internet fails (exfiltration simulation)',
    severity: 'high',
    service: 'egress',
    rationale: `Data leaves through any open egress path; the request carries a printed marker so flow logs and DNS rules can be shown to catch it (${SEED}: exfiltration).`,
    remediation: {
      text: 'Remove internet and NAT routes from the zone, or deny egress in the firewall; check `cordon flows` sees the marked attempt.',
    },
    references: [],
  },
  'tool-isolation': {
    id: 'probe-tool-isolation',
    title: 'Agent tools cannot reach internal, metadata or link-local addresses',
    severity: 'critical',
    service: 'sandbox',
    rationale: `A crafted tool call (SSRF) that reaches instance metadata takes the host's credentials; one that reaches internal addresses moves laterally (${SEED}: agent tool isolation).`,
    remediation: {
      text: 'Run agent tools in a zone without routes to internal or link-local ranges; require IMDSv2 with a hop limit of 1 and block 169.254.0.0/16 from the tool runtime.',
    },
    references: ['https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html'],
  },
};
