import { BEDROCK_SERVICE } from '../../analysis/aws-zones.js';
import { azNaming } from '../../inventory/aws.js';
import { defineAwsCheck, type CheckResult } from '../types.js';
import { endpointResource } from './support.js';
import { ENDPOINT_IN_EVERY_AZ } from './snippets.js';

export default defineAwsCheck({
  id: 'aws-bedrock-endpoint-az-coverage',
  title: 'Bedrock endpoint subnets do not cover every availability zone of its callers',
  severity: 'medium',
  service: 'bedrock',
  resourceType: 'AWS::EC2::VPCEndpoint',
  rationale:
    'Seed 004 pitfall 3: callers in an availability zone without an endpoint interface cross AZs for every call, and lose the endpoint when the AZ hosting it fails; teams then add public fallbacks. An endpoint should have a subnet in each AZ where calling workloads run.',
  remediation: {
    text: 'Add a subnet in each missing availability zone to the endpoint (one interface per AZ).',
    snippet: ENDPOINT_IN_EVERY_AZ,
  },
  references: ['https://docs.aws.amazon.com/vpc/latest/privatelink/interface-endpoints.html'],
  seeds: ['004: pitfall 3 (one endpoint per AZ in multi-AZ deployments)'],
  requires: ['ec2:vpc-endpoints', 'ec2:subnets'],
  run(ctx) {
    const jobs = ctx.inventory.customizationJobs;
    return ctx.inventory.vpcEndpoints
      .filter((e) => e.type === 'Interface' && BEDROCK_SERVICE.test(e.service))
      .sort((a, b) => a.id.localeCompare(b.id))
      .flatMap((e): CheckResult[] => {
        const az = (id: string) => ctx.zones.subnet(id)?.availabilityZone ?? ctx.zones.subnet(id)?.availabilityZoneId;
        const endpointAzs = new Set(e.subnetIds.map(az).filter((x): x is string => x !== undefined));
        const callerSubnets = ctx.zones.callingSubnetsOfVpc(e.vpcId);
        const jobSubnets = jobs
          .flatMap((j) => j.vpcConfig?.subnetIds ?? [])
          .map((id) => ctx.zones.subnet(id))
          .filter((s) => s?.vpcId === e.vpcId);
        const callerAzs = new Set(
          [...callerSubnets, ...jobSubnets]
            .map((s) => s?.availabilityZone ?? s?.availabilityZoneId)
            .filter((x): x is string => x !== undefined),
        );
        const resource = endpointResource(ctx, e);
        // A subnet whose zone is not known (infrastructure as code: picked at deploy, or named by no argument, when AWS
        // picks one) proves no zone covered or missing: not a pass.
        const unsure = [...e.subnetIds.map((id) => ctx.zones.subnet(id)), ...callerSubnets, ...jobSubnets].filter(
          (x) => x !== undefined && x.availabilityZone === undefined && x.availabilityZoneId === undefined,
        );
        if (unsure.length > 0)
          return [
            {
              status: 'not-assessed',
              resource,
              origin: e.origin,
              message: `${e.service} endpoint ${e.id}: the availability zone of ${[...new Set(unsure.map((x) => x!.id))].sort().join(', ')} is not known (${unsure[0]!.availabilityZoneUnknown ?? 'no zone is named, so AWS picks one at deploy'})`,
            },
          ];
        // Zones named two ways (a literal name and a placeholder of data.aws_availability_zones or Fn::GetAZs, or a
        // zone id) cannot be compared: the account decides at deploy which name is which zone.
        const byNaming = new Map<string, string[]>();
        for (const z of [...new Set([...endpointAzs, ...callerAzs])].sort())
          byNaming.set(azNaming(z), [...(byNaming.get(azNaming(z)) ?? []), z]);
        if (callerAzs.size > 0 && byNaming.size > 1)
          return [
            {
              status: 'not-assessed',
              resource,
              origin: e.origin,
              message: `${e.service} endpoint ${e.id}: its zones and its callers' are named in ways that cannot be compared before deploy (${[...byNaming.values()].map((zs) => zs.join(', ')).join(' / ')}): which is the same zone as which is known only in the account`,
            },
          ];
        if (callerAzs.size === 0) return [];
        const missing = [...callerAzs].filter((a) => !endpointAzs.has(a)).sort();
        const evidence = { endpointAzs: [...endpointAzs].sort(), callerAzs: [...callerAzs].sort(), missing };
        // Placeholders of a zone list beyond the second (every region has two for every account) stand for zones the
        // region may not have (`count = length(names)` makes six): missing only those proves nothing.
        const beyond = (z: string) =>
          azNaming(z).startsWith('placeholder') && Number(/-az(\d+)(?:-of-.+)?$/.exec(z)?.[1] ?? 0) > 2;
        if (missing.length > 0 && missing.every(beyond))
          return [
            {
              status: 'not-assessed',
              resource,
              origin: e.origin,
              message: `${e.service} endpoint ${e.id} has no interface in ${missing.join(', ')}, zones its callers are placed in before deploy that the region may not have (the account's zone list is read at plan time)`,
              evidence,
            },
          ];
        return missing.length > 0
          ? [
              {
                status: 'fail',
                resource,
                origin: e.origin,
                message: `${e.service} endpoint ${e.id} has no interface in ${missing.join(', ')}, where its callers run`,
                evidence,
              },
            ]
          : [
              {
                status: 'pass',
                resource,
                origin: e.origin,
                message: `${e.service} endpoint ${e.id} covers every caller AZ (${[...callerAzs].sort().join(', ')})`,
                evidence,
              },
            ];
      });
  },
});
