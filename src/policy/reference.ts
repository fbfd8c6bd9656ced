/**
 * The reference policy `cordon policy init` writes: seed 000's zone model and policy table (NET-001..NET-004 allows,
 * NET-010..NET-012 denies), done right. Differences from the seed, each deliberate:
 * - a real internet zone; the seed used "application" to stand for the internet in NET-011/NET-012, which would deny
 *   data->application traffic and leave data->internet to the default rule only;
 * - NET-011/NET-012 cover every protocol ("any"), not only TCP: UDP (DNS tunnelling, QUIC) is egress too;
 * - a sandbox zone for agent code execution with no egress (seed 000, "Micro-Segmentation for Agent Tool Calls");
 * - the approved AI service endpoints per provider in the external_ai zone;
 * - NET-000 lets users reach the application's public load balancer, which the seed leaves implicit.
 */
export const REFERENCE_POLICY_YAML = `# cordon zone policy (policy-as-code). Reference architecture of seed 000; edit CIDRs and selectors to match yours.
# Schema for editors: schema/cordon.schema.json. Semantics: docs/policy.md.
version: 1

# Resources tagged <zone_tag_key>=<zone name> belong to that zone, in addition to the selectors below.
zone_tag_key: SecurityZone

zones:
  application:
    description: User-facing application layer (ALB, app servers on ECS/EKS)
    cidrs: [10.0.1.0/24]
  inference:
    description: Model proxy and guardrails; calls AI services through private endpoints
    cidrs: [10.0.2.0/24]
  data:
    description: Vector databases, document stores, training data
    cidrs: [10.0.3.0/24]
  management:
    description: Secrets, IAM, monitoring and deployment tooling; reachable only from VPN or bastion
    cidrs: [10.0.4.0/24]
  sandbox:
    description: Agent code execution; receives a payload and returns results, no egress
    cidrs: [10.0.5.0/24]
  external_ai:
    description: Cloud AI service endpoints, reached only through private endpoints
    kind: service
    services:
      aws: [bedrock-runtime, bedrock, bedrock-agent-runtime, bedrock-agent, sagemaker.runtime, sagemaker.api]
      azure: [privatelink.openai.azure.com, privatelink.cognitiveservices.azure.com, privatelink.services.ai.azure.com]
      gcp: [aiplatform.googleapis.com]
  internet:
    description: Every address that no other zone claims
    kind: internet

rules:
  - id: NET-000
    name: Users to application load balancer
    from: internet
    to: application
    action: allow
    protocol: https
    ports: 443
    data_classification: confidential
    justification: Users reach the public application load balancer; nothing else in the VPC faces the internet

  - id: NET-001
    name: App to inference proxy
    from: application
    to: inference
    action: allow
    protocol: https
    ports: 443
    data_classification: confidential
    justification: Application sends user prompts to the inference proxy for model processing

  - id: NET-002
    name: Inference to cloud AI (private endpoint)
    from: inference
    to: external_ai
    action: allow
    protocol: https
    ports: 443
    data_classification: confidential
    justification: Inference proxy forwards validated requests to Bedrock/Azure OpenAI/Vertex AI via private endpoints

  - id: NET-003
    name: Inference to vector database
    from: inference
    to: data
    action: allow
    protocol: https
    ports: 6333-6334
    data_classification: confidential
    justification: RAG pipeline retrieves context from the vector database (Qdrant ports)

  - id: NET-004
    name: Inference to secrets manager
    from: inference
    to: management
    action: allow
    protocol: https
    ports: 443
    data_classification: restricted
    justification: Inference layer retrieves API credentials from secrets manager and ships logs

  - id: NET-005
    name: Inference to code sandbox
    from: inference
    to: sandbox
    action: allow
    protocol: https
    ports: 8443
    data_classification: confidential
    justification: Agent sends code payloads to the sandbox executor; results return on the same connection

  - id: NET-010
    name: Block app direct AI access
    from: application
    to: external_ai
    action: deny
    protocol: any
    justification: All model API calls must go through the inference proxy for security inspection

  - id: NET-011
    name: Block data zone internet
    from: data
    to: internet
    action: deny
    protocol: any
    justification: Data zone contains sensitive training data and embeddings; no internet access permitted

  - id: NET-012
    name: Block inference internet egress
    from: inference
    to: internet
    action: deny
    protocol: any
    justification: Inference zone communicates only with approved endpoints via private links

  - id: NET-013
    name: Block sandbox egress
    from: sandbox
    to: internet
    action: deny
    protocol: any
    justification: Code written by an agent must not reach the internet (lateral movement and exfiltration)

  - id: NET-014
    name: Block internet to data zone
    from: internet
    to: data
    action: deny
    protocol: any
    justification: Nothing on the internet talks to the data stores directly

# Accepted risks: check id, resource pattern, mandatory reason, optional expiry (YYYY-MM-DD).
suppressions: []

aws:
  # organization_id: o-abcd123456     # principals of your organization are trusted in endpoint policies
  trusted_accounts: []
  approved_models: ["anthropic.claude-*", "amazon.titan-*"]
`;
