/**
 * The AWS data sets infrastructure as code declares completely for the scopes it fills: what a tree or template can
 * say about them is all there will be (so "no flow log declared" fails), shared by the Terraform and CloudFormation
 * mappers so the two cannot drift apart (docs/iac.md).
 */
import type { AwsDataset } from '../../inventory/aws.js';

export const IAC_AWS_DATASETS: readonly AwsDataset[] = [
  'ec2:vpcs',
  'ec2:vpc-attributes',
  'ec2:subnets',
  'ec2:route-tables',
  'ec2:internet-gateways',
  'ec2:nat-gateways',
  'ec2:security-groups',
  'ec2:network-acls',
  'ec2:vpc-endpoints',
  'ec2:vpc-endpoint-service-configurations',
  'ec2:flow-logs',
  'route53resolver:query-log-associations',
  'route53:hosted-zones-by-vpc',
  'route53:record-sets',
  'route53resolver:resolver-rules',
  'route53resolver:resolver-rule-associations',
  'route53profiles:profile-associations',
  'route53profiles:profile-resource-associations',
  'bedrock:agents',
  'sagemaker:notebook-instances',
  'sagemaker:domains',
  'sagemaker:models',
  'elbv2:load-balancers',
  'elbv2:load-balancer-attributes',
  'elbv2:listeners',
  'elbv2:listener-rules',
  'elbv2:target-groups',
  'elbv2:target-group-attributes',
  'elbv2:target-health',
  'ec2:network-interfaces',
];
