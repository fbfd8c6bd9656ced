/**
 * The collector writes no file for per-item data sets when their list is empty (there is no empty form of "one
 * describe-vpc-attribute output per VPC"). The reader must count those data sets as complete exactly then, and not
 * when items exist but their details are missing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AwsDataset } from '../../src/inventory/aws.js';
import { loadAwsSnapshotFromTexts } from '../../src/sources/aws-snapshot/load.js';

const manifest = (region: string) => ({
  name: `111111111111/${region}/cordon-manifest.json`,
  text: JSON.stringify({ cordonSnapshot: 1, provider: 'aws', account: '111111111111', region, unavailable: [] }),
});
const file = (region: string, name: string, doc: unknown) => ({
  name: `111111111111/${region}/${name}`,
  text: JSON.stringify(doc),
});

describe('per-item data sets in collected snapshots', () => {
  const loaded = loadAwsSnapshotFromTexts([
    manifest('eu-west-1'),
    file('eu-west-1', 'describe-vpcs.json', { Vpcs: [] }),
    file('eu-west-1', 'list-model-customization-jobs.json', { modelCustomizationJobSummaries: [] }),
    file('eu-west-1', 'describe-load-balancers.json', { LoadBalancers: [] }),
    manifest('us-east-1'),
    file('us-east-1', 'describe-vpcs.json', { Vpcs: [{ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' }] }),
    file('us-east-1', 'list-model-customization-jobs.json', {
      modelCustomizationJobSummaries: [
        { jobArn: 'arn:aws:bedrock:us-east-1:111111111111:model-customization-job/x/y', jobName: 'y' },
      ],
    }),
    file('us-east-1', 'describe-load-balancers.json', {
      LoadBalancers: [
        {
          LoadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/a/1',
          LoadBalancerName: 'a',
          Type: 'application',
          AvailabilityZones: [],
        },
      ],
    }),
  ]);
  const sets = (scope: string) => loaded.inventory.datasets.get(scope) ?? new Set<AwsDataset>();
  const derived: AwsDataset[] = [
    'ec2:vpc-attributes',
    'bedrock:customization-job-details',
    'elbv2:load-balancer-attributes',
  ];

  it('counts them complete where the list is empty', () => {
    assert.deepEqual(loaded.errors, []);
    for (const d of derived) {
      assert.ok(sets('111111111111/eu-west-1').has(d), d);
    }
  });

  it('does not count them where items exist but their details were not captured', () => {
    for (const d of derived) {
      assert.equal(sets('111111111111/us-east-1').has(d), false, d);
    }
  });
});
