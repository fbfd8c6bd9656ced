/**
 * Route 53 Resolver rules in the AWS name-resolution chain: which rule (if any) decides how a name is resolved from a
 * VPC, before private hosted zones and the interface endpoint's private DNS are looked at.
 *
 * What AWS documents (Route 53 Developer Guide, "Resolving DNS queries between VPCs and your network"):
 * - a rule matches a name equal to its domain or under it; of several matching rules associated with the VPC, the one
 *   with the most specific domain wins ("How Resolver determines whether the domain name in a query matches any
 *   rules", resolver-overview-forward-vpc-to-network-domain-name-matches.html);
 * - Resolver keeps an autodefined rule for each private hosted zone associated with the VPC (the interface endpoint's
 *   private DNS is such an AWS-managed zone for the service name), so a zone more specific than a forwarding rule
 *   still answers ("Domain names that Resolver creates autodefined system rules for",
 *   resolver-overview-forward-vpc-to-network-autodefined-rules.html); a forwarding rule for the same domain as an
 *   autodefined rule overrides it;
 * - a SYSTEM rule makes Resolver answer a subdomain itself (private hosted zones, endpoint private DNS, public DNS)
 *   even under a forwarding rule (resolver-forwarding-outbound-queries-rule-values.html);
 * - the autodefined "Internet Resolver" rule (domain ".", RECURSIVE) is the default: no customer rule decides.
 *
 * A FORWARD (or DELEGATE) rule that decides is "cannot tell", not a failure: the answer comes from the target
 * resolvers, which a hub-and-spoke design often points back at a Resolver inbound endpoint in a VPC whose zones do
 * answer with the endpoint's addresses, and cordon does not see those resolvers. It is never a pass either.
 */
import { scopeKey, type AwsDataset, type AwsInventory, type AwsResolverRule } from '../inventory/aws.js';
import type { ResolutionStep } from './dns-aws.js';
import type { ProfileContribution } from './dns-aws-profiles.js';
import { groupBy } from './evaluate.js';

export interface ResolverIndex {
  inv: AwsInventory;
  rulesById: Map<string, AwsResolverRule[]>;
  associationsByVpc: Map<string, AwsInventory['resolverRuleAssociations']>;
}

export function resolverIndex(inv: AwsInventory): ResolverIndex {
  return {
    inv,
    rulesById: groupBy(inv.resolverRules, (r) => `${scopeKey(r)}|${r.id}`),
    associationsByVpc: groupBy(inv.resolverRuleAssociations, (a) => `${scopeKey(a)}|${a.vpcId}`),
  };
}

export type RuleDecision =
  /** Resolver answers the name itself (no rule, a SYSTEM rule, or a more specific zone): `steps` say why. */
  | { kind: 'local'; steps: ResolutionStep[] }
  /** A FORWARD or DELEGATE rule sends the query to other resolvers. */
  | { kind: 'forward'; rule: AwsResolverRule; profileId?: string; steps: ResolutionStep[] }
  /** The rules associated with the VPC were not (completely) read. */
  | { kind: 'unknown'; steps: ResolutionStep[] };

const RULES: AwsDataset = 'route53resolver:resolver-rules';
const ASSOCIATIONS: AwsDataset = 'route53resolver:resolver-rule-associations';

/** Associations and rules that are no longer (or never were) in effect. */
const INACTIVE_ASSOCIATION = new Set(['FAILED', 'OVERRIDDEN']);
const INACTIVE_RULE = new Set(['FAILED']);
/** The autodefined RECURSIVE rule for ".", associated with every VPC: the default, known without reading it. */
const INTERNET_RESOLVER = 'rslvr-autodefined-rr-internet-resolver';

function covers(domain: string, name: string): boolean {
  return domain === '.' || name === domain || name.endsWith(`.${domain}`);
}

/** Labels of a domain, the root counting none: the longer, the more specific. */
const depth = (domain: string) => (domain === '.' ? 0 : domain.split('.').length);

/**
 * The Resolver rule that decides `name` from `vpc`. `privateDns`: the VPC's own interface endpoint for the name has
 * private DNS enabled (an autodefined rule for the exact name); `zones`: the private hosted zones associated with the
 * VPC (directly or through its Route 53 Profile), when collected; `profile`: what the VPC's Profile carries.
 */
export function resolverRuleDecision(
  ix: ResolverIndex,
  vpc: { id: string; account: string; region: string },
  name: string,
  privateDns: boolean,
  zones: { id: string; name: string }[] | undefined,
  profile: ProfileContribution,
): RuleDecision {
  const scope = scopeKey(vpc);
  const read = (d: AwsDataset) => ix.inv.datasets.get(scope)?.has(d) === true && !ix.inv.partial.get(scope)?.has(d);
  if (!read(ASSOCIATIONS))
    return {
      kind: 'unknown',
      steps: [
        {
          what: `Resolver rules associated with ${vpc.id} ${notRead(ix.inv, scope, ASSOCIATIONS, 'aws route53resolver list-resolver-rule-associations')}`,
          ok: 'unknown',
        },
      ],
    };
  const matching: { rule: AwsResolverRule; viaProfile: boolean }[] = [];
  const unreadable: string[] = [];
  const associated = [
    ...(ix.associationsByVpc.get(`${scope}|${vpc.id}`) ?? []).map((a) => ({
      ruleId: a.ruleId,
      status: a.status,
      scopes: [scope],
      viaProfile: false,
    })),
    // A Profile's rule may be shared with the VPC's account (listed there) or be the Profile owner's (its ARN's scope).
    ...profile.rules.map((r) => ({
      ruleId: r.id,
      status: undefined,
      scopes: [scope, ...(r.scope ? [r.scope] : [])],
      viaProfile: true,
    })),
  ];
  for (const a of associated) {
    if ((a.status && INACTIVE_ASSOCIATION.has(a.status)) || a.ruleId === INTERNET_RESOLVER) continue;
    const rule = a.scopes.map((s) => ix.rulesById.get(`${s}|${a.ruleId}`)?.[0]).find((r) => r !== undefined);
    if (!rule) {
      unreadable.push(a.viaProfile ? `${a.ruleId} (carried by Route 53 Profile ${profile.profileId})` : a.ruleId);
      continue;
    }
    if (rule.ruleType === 'RECURSIVE' || (rule.status && INACTIVE_RULE.has(rule.status))) continue;
    if (covers(rule.domainName, name)) matching.push({ rule, viaProfile: a.viaProfile });
  }
  if (unreadable.length > 0)
    return {
      kind: 'unknown',
      steps: [
        {
          what: `Resolver rule(s) ${unreadable.sort().join(', ')} associated with ${vpc.id} ${read(RULES) ? (ix.inv.iac ? 'not declared in the scanned code' : 'not in list-resolver-rules (shared from another account and no longer visible?)') : notRead(ix.inv, scope, RULES, 'aws route53resolver list-resolver-rules')}`,
          ok: 'unknown',
        },
      ],
    };
  // For the same domain, a rule associated with the VPC directly takes precedence over its Profile's.
  const chosen = matching.sort(
    (a, b) =>
      depth(b.rule.domainName) - depth(a.rule.domainName) ||
      Number(a.viaProfile) - Number(b.viaProfile) ||
      ruleOrder(a.rule) - ruleOrder(b.rule) ||
      a.rule.id.localeCompare(b.rule.id),
  )[0];
  if (!chosen) return { kind: 'local', steps: [] };
  const rule = chosen.rule;
  const label = `Resolver rule ${rule.id} (${rule.ruleType} ${rule.domainName})${chosen.viaProfile ? `, carried by Route 53 Profile ${profile.profileId},` : ''}`;
  if (rule.ruleType === 'SYSTEM')
    return {
      kind: 'local',
      steps: [{ what: `${label} is associated with ${vpc.id}: Resolver answers ${name} itself`, ok: true }],
    };
  // An autodefined rule for a more specific zone (the endpoint's private DNS for the exact name, or a private hosted
  // zone between the rule's domain and the name) takes the name back; an equal domain stays with the forwarding rule.
  const local = [
    ...(privateDns ? [name] : []),
    ...(zones ?? []).filter((z) => covers(z.name, name)).map((z) => z.name),
  ].filter((d) => depth(d) > depth(rule.domainName));
  if (local.length > 0)
    return {
      kind: 'local',
      steps: [
        {
          what: `${label} is associated with ${vpc.id}, but the more specific ${local.sort((a, b) => depth(b) - depth(a))[0]} zone answers ${name}`,
          ok: true,
        },
      ],
    };
  return {
    kind: 'forward',
    rule,
    ...(chosen.viaProfile && profile.profileId ? { profileId: profile.profileId } : {}),
    steps: [
      {
        what: `${label} is associated with ${vpc.id}: Resolver forwards ${name} to ${rule.targetIps.join(', ') || 'no target address'}${rule.resolverEndpointId ? ` through ${rule.resolverEndpointId}` : ''}${rule.ownerId && rule.ownerId !== vpc.account ? ` (rule owned by ${rule.ownerId})` : ''}`,
        ok: 'unknown',
      },
    ],
  };
}

/**
 * Why a data set cannot be used in a scope: the collector was refused (the reason and the IAM action), not collected
 * (the command that collects it), or incomplete (the first skipped item and why).
 */
export function notRead(inv: AwsInventory, scope: string, d: AwsDataset, command: string): string {
  const skipped = inv.partial.get(scope)?.get(d);
  const unavailable = inv.unavailable.get(scope)?.get(d);
  if (!skipped && unavailable)
    return `could not be read (${d}: ${unavailable.reason}${unavailable.action ? `; needs ${unavailable.action}` : ''})`;
  if (!skipped) return `not collected (${d}: ${command})`;
  const first = skipped[0];
  return `not completely read (${d}${first ? `: ${first.file}${first.line ? `:${first.line}` : ''} ${first.pointer}: ${first.reason}` : ''})`;
}

/** Of two rules for the same domain, a forwarding one is reported (it is the one that changes the answer). */
function ruleOrder(r: AwsResolverRule): number {
  return r.ruleType === 'SYSTEM' ? 1 : 0;
}
