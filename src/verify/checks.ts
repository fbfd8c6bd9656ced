/**
 * The zone verification as checks: `cordon verify` reports these ids, and `cordon scan` runs the same verification
 * as four more checks (opt out with `--skip-checks 'verify-*'`), so CI needs one command. Metadata only, so the
 * catalogue and the CLI's start-up do not load the verifier; scan imports it when one of these is selected.
 */
import type { CheckMeta } from '../checks/types.js';

/** A check answered by the network model (src/verify/) rather than by one provider's resources. */
export interface VerifyCheck extends Omit<CheckMeta, 'provider' | 'requires'> {
  /** Every provider cordon has a network compiler for. */
  provider: 'all';
  /** What the model needs, per provider, in words (the data sets are named in the not-assessed findings). */
  requires: string[];
}

const NEEDS = [
  'AWS: VPCs, subnets, network interfaces, security groups, network ACLs, route tables, internet and NAT gateways',
  'Azure: virtual networks, subnets, network interfaces, NSGs, route tables, peerings, NAT gateways, public IPs, firewalls',
  'Google Cloud: networks, subnetworks, instances, firewall rules and policies, routes, routers',
];
const REFERENCES = [
  'https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html',
  'https://learn.microsoft.com/azure/virtual-network/network-security-groups-overview',
  'https://cloud.google.com/firewall/docs/firewalls',
];

function defineVerifyCheck(c: Omit<VerifyCheck, 'provider' | 'service' | 'resourceType' | 'references'>): VerifyCheck {
  return { provider: 'all', service: 'network', resourceType: 'network', references: REFERENCES, ...c };
}

export const VERIFY_CHECKS = {
  violation: defineVerifyCheck({
    id: 'verify-zone-violation',
    title: 'The configuration permits traffic the zone policy denies',
    severity: 'high',
    rationale:
      'cordon computed every packet class the filters (security groups, network ACLs, NSGs, firewall rules) and routes let through between two zones and compared it with cordon.yaml: these classes are permitted although the policy denies them. The witness is one concrete packet with the rule that admitted it at each hop.',
    remediation: {
      text: 'Narrow the rule the finding points at (the destination security group or NSG rule, the firewall rule, or the route to the internet) so that only the zones the policy allows can reach it.',
    },
    seeds: [
      '000: lateral movement from the application zone to the data zone',
      '000: NET-011 data zone reaches the internet',
      '000: the sandbox reaches other zones',
    ],
    requires: NEEDS,
  }),
  broken: defineVerifyCheck({
    id: 'verify-broken-intent',
    title: 'The zone policy allows traffic the configuration blocks',
    severity: 'medium',
    rationale:
      'A flow the policy allows cannot be established from some sources: a filter or route drops the request or, for TCP, the reply (network ACLs are stateless; seed 004 pitfall 2). Such failures look like DNS timeouts in production.',
    remediation: {
      text: 'Open the hop the witness path shows as dropping the packet (or its reply) for the allowed ports.',
    },
    seeds: ['004: a network ACL without the return rule for ephemeral ports'],
    requires: NEEDS,
  }),
  unknown: defineVerifyCheck({
    id: 'verify-not-assessed',
    title: 'Zone reachability cordon could not decide',
    severity: 'medium',
    rationale:
      'Part of the traffic between two zones depends on data the inventory does not hold (prefix-list entries, transit gateway route tables, public addresses, an unseen peer, interfaces an IaC tree does not declare). cordon does not guess: this traffic is neither proven permitted nor proven blocked.',
    remediation: {
      text: 'Collect the missing data named in the message, or accept the residual risk with a suppression.',
    },
    seeds: ['000: prove zone isolation, not assume it'],
    requires: NEEDS,
  }),
  dns: defineVerifyCheck({
    id: 'verify-ai-name-public-dns',
    title: 'An approved AI service name resolves to public addresses from a calling network',
    severity: 'high',
    rationale:
      'A private endpoint only helps if the service name resolves to it from the calling network: on AWS that needs the endpoint’s private DNS and the VPC’s DNS attributes, with no private hosted zone answering otherwise and no Route 53 Resolver forwarding rule sending the name to other resolvers (cordon cannot follow those, so such a name is not assessed), on Azure a privatelink zone linked to the VNet (or a resolver that forwards to one), on Google Cloud a private zone bound to the network (seed 000, "Forgetting about DNS"). Otherwise SDK calls go to the public endpoint, over NAT or not at all.',
    remediation: {
      text: 'Make the name resolve privately from this network: enable private DNS on the endpoint, and where a Resolver forwarding rule covers the name associate a SYSTEM rule for it with the VPC (AWS); link the privatelink zone to the VNet (Azure), bind the private zone to the network (Google Cloud).',
    },
    seeds: ['000: Forgetting about DNS', '001: DNS resolves AI service names to public addresses'],
    requires: [
      `${NEEDS[0]}; for the names: VPC DNS attributes, interface endpoints, Route 53 private hosted zones by VPC and their records, Route 53 Resolver rules and their VPC associations`,
      ...NEEDS.slice(1),
    ],
  }),
} as const;

export const ALL_VERIFY_CHECKS: readonly VerifyCheck[] = Object.values(VERIFY_CHECKS);
