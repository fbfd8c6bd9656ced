import { activeRoutes } from '../../analysis/aws-network.js';
import { defineAwsCheck, type CheckResult } from '../types.js';
import { jobResource, jobsInVpc } from './job-support.js';
import { REMOVE_INTERNET_ROUTE } from './snippets.js';

export default defineAwsCheck({
  id: 'aws-bedrock-customization-job-internet-route',
  title: 'Bedrock customization job subnets route to an internet gateway',
  severity: 'high',
  service: 'bedrock',
  resourceType: 'AWS::Bedrock::ModelCustomizationJob',
  rationale:
    'Seed 003: a job "in a VPC" whose subnets route to an internet gateway is not isolated: the VPC path leads to the internet anyway. Training subnets should have no internet route and reach S3 and KMS through endpoints.',
  remediation: {
    text: 'Run customization jobs in private subnets whose route tables have no internet-gateway route; reach S3 through a gateway endpoint.',
    snippet: REMOVE_INTERNET_ROUTE,
  },
  references: ['https://docs.aws.amazon.com/bedrock/latest/userguide/vpc-model-customization.html'],
  seeds: [
    '003: pitfall (job in a VPC but traffic forced over the internet anyway)',
    'Scenario 1: private VPC with no internet gateway',
  ],
  requires: ['bedrock:customization-jobs', 'ec2:subnets', 'ec2:route-tables'],
  run(ctx) {
    const { jobs, unknown } = jobsInVpc(ctx);
    return [
      ...unknown,
      ...jobs.map(({ job }): CheckResult => {
        const hits: { subnet: string; routeTable: string; destination: string; gateway: string }[] = [];
        const noTable: string[] = [];
        let origin = job.origin;
        for (const id of job.vpcConfig!.subnetIds) {
          const table = ctx.zones.routeTableOfSubnet(ctx.zones.subnet(id)!);
          if (!table) {
            noTable.push(id);
            continue;
          }
          for (const r of activeRoutes(table)) {
            if (r.target.type === 'internet-gateway') {
              hits.push({ subnet: id, routeTable: table.id, destination: r.destination, gateway: r.target.id });
              if (table.origin.kind === 'file' && origin === job.origin)
                origin = { ...table.origin, pointer: r.pointer };
            }
          }
        }
        if (hits.length > 0)
          return {
            status: 'fail',
            resource: jobResource(job),
            origin,
            message: `customization job ${job.name} runs in subnet(s) that route to an internet gateway: ${hits.map((h) => `${h.subnet} ${h.destination} -> ${h.gateway}`).join('; ')}`,
            evidence: { internetRoutes: hits },
          };
        if (noTable.length > 0)
          return {
            status: 'not-assessed',
            resource: jobResource(job),
            origin: job.origin,
            message: `no route table found for subnet(s) ${noTable.join(', ')} of job ${job.name}`,
          };
        return {
          status: 'pass',
          resource: jobResource(job),
          origin: job.origin,
          message: `customization job ${job.name}'s subnets have no internet-gateway route`,
          evidence: { subnets: job.vpcConfig!.subnetIds },
        };
      }),
    ];
  },
});
