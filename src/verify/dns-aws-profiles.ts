/**
 * Route 53 Profiles in the AWS name-resolution chain. A Profile associated with a VPC (at most one per VPC) applies
 * the Resolver rules and private hosted zones it carries to that VPC as if they were associated with it directly, so
 * they take part in the same most-specific-domain choice as the VPC's own rules and zones.
 *
 * What AWS documents (Route 53 Developer Guide, "Route 53 Profiles" — profiles.html, and "Considerations when
 * working with Route 53 Profiles" — profile-considerations.html): the resources of the Profile and those associated
 * with the VPC directly are evaluated together; where both hold a Resolver rule or a private hosted zone for the
 * same domain name, the one associated with the VPC directly takes precedence over the Profile's. A more specific
 * domain still wins over a less specific one, whichever way it is associated.
 *
 * Profile data that was not read (not collected, refused, partly read) for a VPC's region makes the question not
 * assessed, never a pass: a Profile's forwarding rule or private hosted zone could decide the name.
 */
import type { AwsDataset, AwsInventory } from '../inventory/aws.js';
import { AWS_DATASETS, scopeKey } from '../inventory/aws.js';
import type { ResolutionStep } from './dns-aws.js';
import { notRead } from './dns-aws-resolver-rules.js';
import { groupBy } from './evaluate.js';

const ASSOCIATIONS: AwsDataset = 'route53profiles:profile-associations';
const RESOURCES: AwsDataset = 'route53profiles:profile-resource-associations';
/** Associations no longer (or never) in effect; DELETING and UPDATING ones may still apply, so they count. */
const INACTIVE = new Set(['DELETED', 'FAILED']);

/** What the VPC's Profile adds to its DNS configuration. */
export interface ProfileContribution {
  profileId?: string;
  /** Ids of the Resolver rules the Profile carries, with the scope of the rule (from its ARN). */
  rules: { id: string; scope?: string }[];
  /** The Profile's private hosted zones whose name is known. */
  zones: { id: string; name: string }[];
  /** Why the contribution is not known completely (each makes the answer not assessed). */
  unknown: ResolutionStep[];
}

export interface ProfileIndex {
  inv: AwsInventory;
  associationsByVpc: Map<string, AwsInventory['profileAssociations']>;
  resourcesByProfile: Map<string, AwsInventory['profileResourceAssociations']>;
  /** Hosted zone names by id, from every VPC association and every zone's apex (SOA) record collected. */
  zoneNames: Map<string, string>;
}

export function profileIndex(inv: AwsInventory): ProfileIndex {
  const zoneNames = new Map<string, string>();
  for (const a of inv.hostedZoneAssociations) for (const z of a.zones) zoneNames.set(z.id, z.name);
  for (const r of inv.hostedZoneRecords) {
    const soa = r.records.find((x) => x.type === 'SOA');
    if (soa && !zoneNames.has(r.zoneId)) zoneNames.set(r.zoneId, soa.name);
  }
  return {
    inv,
    associationsByVpc: groupBy(inv.profileAssociations, (a) => `${scopeKey(a)}|${a.vpcId}`),
    resourcesByProfile: groupBy(inv.profileResourceAssociations, (a) => `${scopeKey(a)}|${a.profileId}`),
    zoneNames,
  };
}

const NONE: ProfileContribution = { rules: [], zones: [], unknown: [] };

export function profileContribution(
  ix: ProfileIndex,
  vpc: { id: string; account: string; region: string },
): ProfileContribution {
  const scope = scopeKey(vpc);
  const read = (d: AwsDataset) => ix.inv.datasets.get(scope)?.has(d) === true && !ix.inv.partial.get(scope)?.has(d);
  if (!read(ASSOCIATIONS))
    return {
      ...NONE,
      unknown: [
        {
          what: `Route 53 Profile associated with ${vpc.id} ${notRead(ix.inv, scope, ASSOCIATIONS, AWS_DATASETS[ASSOCIATIONS].command)}`,
          ok: 'unknown',
        },
      ],
    };
  const association = (ix.associationsByVpc.get(`${scope}|${vpc.id}`) ?? [])
    .filter((a) => !(a.status && INACTIVE.has(a.status)))
    .sort((a, b) => a.id.localeCompare(b.id))[0];
  if (!association) return NONE;
  const profileId = association.profileId;
  const label = `Route 53 Profile ${profileId}`;
  if (!read(RESOURCES))
    return {
      ...NONE,
      profileId,
      unknown: [
        {
          what: `resources of ${label} (associated with ${vpc.id}) ${notRead(ix.inv, scope, RESOURCES, AWS_DATASETS[RESOURCES].command)}`,
          ok: 'unknown',
        },
      ],
    };
  const out: ProfileContribution = { profileId, rules: [], zones: [], unknown: [] };
  for (const r of ix.resourcesByProfile.get(`${scope}|${profileId}`) ?? []) {
    if (r.status && INACTIVE.has(r.status)) continue;
    const arn = /^arn:[^:]+:([^:]+):([^:]*):([^:]*):(.*)$/.exec(r.resourceArn);
    const resource = arn?.[4] ?? '';
    if (r.resourceType === 'RESOLVER_RULE' || resource.startsWith('resolver-rule/')) {
      out.rules.push({
        id: resource.replace(/^resolver-rule\//, ''),
        ...(arn?.[2] && arn[3] ? { scope: `${arn[3]}/${arn[2]}` } : {}),
      });
    } else if (r.resourceType === 'PRIVATE_HOSTED_ZONE' || resource.startsWith('hostedzone/')) {
      const id = resource.replace(/^hostedzone\//, '');
      const name = ix.zoneNames.get(id);
      if (name) out.zones.push({ id, name });
      else
        out.unknown.push({
          what: `private hosted zone ${id} carried by ${label} (associated with ${vpc.id}): its name is not collected (route53:record-sets: ${AWS_DATASETS['route53:record-sets'].command.replace(/ \(.*\)$/, '')}), so it may hold the name`,
          ok: 'unknown',
        });
    }
  }
  return out;
}
