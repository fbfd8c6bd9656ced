/**
 * Builds the fake server's world from a hand-written snapshot (AWS CLI JSON files, one directory per
 * account/region, organisation files under <account>/organizations), so a test can serve exactly the data of a
 * snapshot and compare what the collector writes with it.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { EC2_LIST_ACTIONS, SAGEMAKER_OPS, type FakeWorld, type RegionData } from './fake-aws-server.js';

type Item = Record<string, unknown>;

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

function list(dir: string, file: string, key: string): Item[] {
  const f = path.join(dir, file);
  return existsSync(f) ? ((readJson(f) as Record<string, Item[]>)[key] ?? []) : [];
}

function array(dir: string, file: string): Item[] {
  const f = path.join(dir, file);
  return existsSync(f) ? (readJson(f) as Item[]) : [];
}

const kebab = (s: string) => s.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase();
const FILES: Record<string, string> = {
  PrefixLists: 'describe-managed-prefix-lists.json',
  ServiceConfigurations: 'describe-vpc-endpoint-service-configurations.json',
};
const fileOf = (key: string) => FILES[key] ?? `describe-${kebab(key)}.json`;

export function worldFromSnapshot(root: string, callerAccount: string, regions: FakeWorld['regions']): FakeWorld {
  const world: FakeWorld = { callerAccount, data: {}, regions };
  for (const account of readdirSync(root).sort()) {
    for (const sub of readdirSync(path.join(root, account)).sort()) {
      const dir = path.join(root, account, sub);
      if (sub === 'organizations') {
        const describe = readJson(path.join(dir, 'describe-organization.json')) as Item;
        world.organization = {
          describe,
          accounts: [],
          policies: list(dir, 'list-policies.json', 'Policies'),
          policyDetails: array(dir, 'describe-policy.json'),
        };
        continue;
      }
      const data: RegionData = {
        ec2: Object.fromEntries(Object.values(EC2_LIST_ACTIONS).map((key) => [key, list(dir, fileOf(key), key)])),
        vpcAttributes: array(dir, 'describe-vpc-attribute.json'),
        jobSummaries: list(dir, 'list-model-customization-jobs.json', 'modelCustomizationJobSummaries'),
        jobDetails: array(dir, 'get-model-customization-job.json'),
        agents: list(dir, 'list-agents.json', 'agentSummaries'),
        sagemaker: Object.fromEntries(
          Object.entries(SAGEMAKER_OPS).map(([op, [key]]) => [key, list(dir, `${kebab(op)}.json`, key)]),
        ),
        sagemakerDetails: Object.fromEntries(
          Object.values(SAGEMAKER_OPS).map(([key, op]) => [key, array(dir, `${kebab(op)}.json`)]),
        ),
        loadBalancers: list(dir, 'describe-load-balancers.json', 'LoadBalancers'),
        lbAttributes: array(dir, 'describe-load-balancer-attributes.json'),
        listeners: list(dir, 'describe-listeners.json', 'Listeners'),
        rules: list(dir, 'describe-rules.json', 'Rules'),
        targetGroups: list(dir, 'describe-target-groups.json', 'TargetGroups'),
        tgAttributes: array(dir, 'describe-target-group-attributes.json'),
        targetHealth: array(dir, 'describe-target-health.json'),
        queryLogAssociations: list(
          dir,
          'list-resolver-query-log-config-associations.json',
          'ResolverQueryLogConfigAssociations',
        ),
        resolverRules: list(dir, 'list-resolver-rules.json', 'ResolverRules'),
        resolverRuleAssociations: list(dir, 'list-resolver-rule-associations.json', 'ResolverRuleAssociations'),
        profileAssociations: list(dir, 'list-profile-associations.json', 'ProfileAssociations'),
        profileResourceAssociations: list(
          dir,
          'list-profile-resource-associations.json',
          'ProfileResourceAssociations',
        ),
        prefixListEntries: array(dir, 'get-managed-prefix-list-entries.json'),
        tgwAssociations: array(dir, 'get-transit-gateway-route-table-associations.json'),
        tgwRoutes: array(dir, 'search-transit-gateway-routes.json'),
        hostedZonesByVpc: array(dir, 'list-hosted-zones-by-vpc.json'),
        recordSets: array(dir, 'list-resource-record-sets.json'),
      };
      (world.data[account] ??= {})[sub] = data;
    }
  }
  // Every account with data is a member of the organisation.
  if (world.organization)
    world.organization.accounts = Object.keys(world.data)
      .sort()
      .map((Id) => ({ Id, Name: `account-${Id}` }));
  return world;
}
