/**
 * `cordon verify` before deploy sees the interfaces AWS creates for the services whose network placement the code
 * declares indirectly (EKS, node groups, Auto Scaling, ElastiCache, Aurora and its kin, Redshift, MSK, Batch,
 * SageMaker models): each case puts one service in the data subnet behind a group that admits the VPC, next to an
 * application instance. The application → data violation exists only because the service's interface does: without
 * the service the same network verifies clean. The same for CloudFormation. What the code cannot tell (a cluster,
 * launch template or subnet group not in the code, no subnet at all) makes ec2:network-interfaces partial.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import type { AwsInventory } from '../../src/inventory/aws.js';
import { loadPolicyFile } from '../../src/policy/load.js';
import { partitionSnapshot } from '../../src/sources/detect.js';
import { loadCloudFormationFromTexts } from '../../src/sources/iac/cloudformation/load.js';
import { loadTerraform } from '../../src/sources/iac/terraform/load.js';
import { compileAws } from '../../src/verify/aws.js';
import { verifyModel } from '../../src/verify/questions.js';

const policy = loadPolicyFile('examples/cordon.yaml');
const VIOLATION = 'verify-zone-violation application -> data: tcp/6333';

async function lateral(inv: AwsInventory): Promise<string[]> {
  const p = await policy;
  return verifyModel(compileAws(inv, p), p, { clientPorts: [32768, 60999] })
    .findings.map((f) => {
      const e = f.evidence as { from: string; to: string; classes: string[] };
      return `${f.checkId} ${e.from} -> ${e.to}: ${e.classes.join(', ')}`;
    })
    .filter((v) => v.includes('application -> data'));
}

const TF_BASE = `
provider "aws" { region = "us-east-1" }
resource "aws_vpc" "v" { cidr_block = "10.1.0.0/16" }
resource "aws_subnet" "app" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.1.1.0/24"
  tags       = { SecurityZone = "application" }
}
resource "aws_subnet" "data" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.1.3.0/24"
  tags       = { SecurityZone = "data" }
}
# The EKS control plane's own subnet, in no zone: the cluster group admits its members on everything.
resource "aws_subnet" "ctl" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.1.9.0/24"
}
resource "aws_security_group" "app" {
  vpc_id = aws_vpc.v.id
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_security_group" "svc" {
  vpc_id = aws_vpc.v.id
  ingress {
    protocol    = "tcp"
    from_port   = 6333
    to_port     = 6333
    cidr_blocks = ["10.1.0.0/16"]
  }
}
resource "aws_instance" "app" {
  ami                    = "ami-1"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.app.id
  vpc_security_group_ids = [aws_security_group.app.id]
}
`;

const EKS_TF = `
resource "aws_eks_cluster" "c" {
  name     = "ml"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids = [aws_subnet.ctl.id]
  }
}
`;
/** A rule added to the group EKS creates, through the attribute Terraform code uses for it. */
const CLUSTER_SG_RULE_TF = `
resource "aws_security_group_rule" "nodes" {
  type              = "ingress"
  security_group_id = aws_eks_cluster.c.vpc_config[0].cluster_security_group_id
  protocol          = "tcp"
  from_port         = 6333
  to_port           = 6333
  cidr_blocks       = ["10.1.0.0/16"]
}
`;
/** A managed node group in the data subnet of cluster `cluster` (an expression), with `extra` arguments. */
const nodeGroupTf = (cluster: string, extra = '') => `
resource "aws_eks_node_group" "n" {
  cluster_name  = ${cluster}
  node_role_arn = "arn:aws:iam::111122223333:role/node"
  subnet_ids    = [aws_subnet.data.id]
${extra}  scaling_config {
    desired_size = 1
    max_size     = 1
    min_size     = 1
  }
}
`;
const LT_TF = `
resource "aws_launch_template" "lt" {
  name                   = "workers"
  vpc_security_group_ids = [aws_security_group.svc.id]
}
`;
const DB_SUBNETS_TF = (type: string) => `
resource "${type}" "g" {
  name       = "data"
  subnet_ids = [aws_subnet.data.id]
}
`;

/** Terraform: the service's resources (with TF_BASE), and what the data-zone interface's groups must be. */
const TF_CASES: { service: string; code: string; groups?: string[] }[] = [
  {
    // The vector store of a RAG pipeline (aws-ia's document-ingestion RAG module): once an unmapped type, so the data
    // zone's only destination was missing and the application -> data cell verified clean.
    service: 'OpenSearch Serverless VPC endpoint',
    code: `
resource "aws_opensearchserverless_vpc_endpoint" "vectors" {
  name               = "rag-vectors"
  vpc_id             = aws_vpc.v.id
  subnet_ids         = [aws_subnet.data.id]
  security_group_ids = [aws_security_group.svc.id]
}
`,
    groups: ['aws_security_group.svc'],
  },
  {
    service: 'EKS cluster (control-plane interfaces with the cluster group and the additional groups)',
    code: `
resource "aws_eks_cluster" "c" {
  name     = "ml"
  role_arn = "arn:aws:iam::111122223333:role/eks"
  vpc_config {
    subnet_ids         = [aws_subnet.data.id]
    security_group_ids = [aws_security_group.svc.id]
  }
}
`,
    groups: ['aws_eks_cluster.c.cluster_security_group_id', 'aws_security_group.svc'],
  },
  {
    service: 'EKS managed node group without a launch template (the cluster group, with a rule added to it)',
    code: `${EKS_TF}${CLUSTER_SG_RULE_TF}${nodeGroupTf('aws_eks_cluster.c.name')}`,
    groups: ['aws_eks_cluster.c.cluster_security_group_id'],
  },
  {
    service: 'EKS managed node group with a launch template (its groups, not the cluster group)',
    code: `${EKS_TF}${LT_TF}${nodeGroupTf(
      'aws_eks_cluster.c.name',
      `  launch_template {
    id      = aws_launch_template.lt.id
    version = "$Latest"
  }
`,
    )}`,
    groups: ['aws_security_group.svc'],
  },
  {
    service: 'EKS Fargate profile',
    code: `${EKS_TF}${CLUSTER_SG_RULE_TF}
resource "aws_eks_fargate_profile" "f" {
  cluster_name           = aws_eks_cluster.c.name
  fargate_profile_name   = "jobs"
  pod_execution_role_arn = "arn:aws:iam::111122223333:role/pods"
  subnet_ids             = [aws_subnet.data.id]
  selector {
    namespace = "jobs"
  }
}
`,
    groups: ['aws_eks_cluster.c.cluster_security_group_id'],
  },
  {
    service: 'Auto Scaling group (launch template by name)',
    code: `${LT_TF}
resource "aws_autoscaling_group" "a" {
  min_size            = 1
  max_size            = 3
  vpc_zone_identifier = [aws_subnet.data.id]
  launch_template {
    name    = aws_launch_template.lt.name
    version = "$Latest"
  }
}
`,
    groups: ['aws_security_group.svc'],
  },
  {
    service: 'Auto Scaling group (mixed instances policy)',
    code: `${LT_TF}
resource "aws_autoscaling_group" "a" {
  min_size            = 1
  max_size            = 3
  vpc_zone_identifier = [aws_subnet.data.id]
  mixed_instances_policy {
    launch_template {
      launch_template_specification {
        launch_template_id = aws_launch_template.lt.id
      }
    }
  }
}
`,
  },
  {
    service: 'ElastiCache replication group',
    code: `${DB_SUBNETS_TF('aws_elasticache_subnet_group')}
resource "aws_elasticache_replication_group" "r" {
  replication_group_id = "cache"
  description          = "cache"
  node_type            = "cache.t4g.small"
  subnet_group_name    = aws_elasticache_subnet_group.g.name
  security_group_ids   = [aws_security_group.svc.id]
}
`,
    groups: ['aws_security_group.svc'],
  },
  {
    service: 'ElastiCache cluster',
    code: `${DB_SUBNETS_TF('aws_elasticache_subnet_group')}
resource "aws_elasticache_cluster" "c" {
  cluster_id         = "cache"
  engine             = "redis"
  node_type          = "cache.t4g.small"
  num_cache_nodes    = 1
  subnet_group_name  = aws_elasticache_subnet_group.g.name
  security_group_ids = [aws_security_group.svc.id]
}
`,
  },
  {
    service: 'ElastiCache serverless cache',
    code: `
resource "aws_elasticache_serverless_cache" "s" {
  engine             = "valkey"
  name               = "cache"
  subnet_ids         = [aws_subnet.data.id]
  security_group_ids = [aws_security_group.svc.id]
}
`,
  },
  {
    service: 'Aurora cluster instance (groups and subnet group from its cluster)',
    code: `${DB_SUBNETS_TF('aws_db_subnet_group')}
resource "aws_rds_cluster" "c" {
  cluster_identifier     = "vectors"
  engine                 = "aurora-postgresql"
  db_subnet_group_name   = aws_db_subnet_group.g.name
  vpc_security_group_ids = [aws_security_group.svc.id]
}
resource "aws_rds_cluster_instance" "i" {
  cluster_identifier = aws_rds_cluster.c.id
  instance_class     = "db.r6g.large"
  engine             = aws_rds_cluster.c.engine
}
`,
    groups: ['aws_security_group.svc'],
  },
  {
    service: 'DocumentDB cluster instance',
    code: `${DB_SUBNETS_TF('aws_docdb_subnet_group')}
resource "aws_docdb_cluster" "c" {
  cluster_identifier     = "docs"
  db_subnet_group_name   = aws_docdb_subnet_group.g.name
  vpc_security_group_ids = [aws_security_group.svc.id]
}
resource "aws_docdb_cluster_instance" "i" {
  cluster_identifier = aws_docdb_cluster.c.cluster_identifier
  instance_class     = "db.r6g.large"
}
`,
  },
  {
    service: 'Neptune cluster instance',
    code: `${DB_SUBNETS_TF('aws_neptune_subnet_group')}
resource "aws_neptune_cluster" "c" {
  cluster_identifier        = "graph"
  neptune_subnet_group_name = aws_neptune_subnet_group.g.name
  vpc_security_group_ids    = [aws_security_group.svc.id]
}
resource "aws_neptune_cluster_instance" "i" {
  cluster_identifier = aws_neptune_cluster.c.id
  instance_class     = "db.r6g.large"
}
`,
  },
  {
    service: 'Redshift cluster',
    code: `${DB_SUBNETS_TF('aws_redshift_subnet_group')}
resource "aws_redshift_cluster" "w" {
  cluster_identifier        = "warehouse"
  node_type                 = "ra3.xlplus"
  cluster_subnet_group_name = aws_redshift_subnet_group.g.name
  vpc_security_group_ids    = [aws_security_group.svc.id]
  publicly_accessible       = false
}
`,
  },
  {
    service: 'Redshift Serverless workgroup',
    code: `
resource "aws_redshiftserverless_workgroup" "w" {
  namespace_name     = "ns"
  workgroup_name     = "wg"
  subnet_ids         = [aws_subnet.data.id]
  security_group_ids = [aws_security_group.svc.id]
}
`,
  },
  {
    service: 'MSK cluster',
    code: `
resource "aws_msk_cluster" "k" {
  cluster_name           = "events"
  kafka_version          = "3.6.0"
  number_of_broker_nodes = 1
  broker_node_group_info {
    instance_type   = "kafka.m5.large"
    client_subnets  = [aws_subnet.data.id]
    security_groups = [aws_security_group.svc.id]
  }
}
`,
  },
  {
    service: 'Batch compute environment',
    code: `
resource "aws_batch_compute_environment" "b" {
  compute_environment_name = "train"
  type                     = "MANAGED"
  compute_resources {
    type               = "EC2"
    max_vcpus          = 16
    instance_type      = ["optimal"]
    instance_role      = "arn:aws:iam::111122223333:instance-profile/ecs"
    subnets            = [aws_subnet.data.id]
    security_group_ids = [aws_security_group.svc.id]
  }
}
`,
  },
  {
    service: 'Bedrock AgentCore runtime in VPC mode',
    code: `
resource "aws_bedrockagentcore_agent_runtime" "a" {
  agent_runtime_name = "agent"
  role_arn           = "arn:aws:iam::111122223333:role/agent"
  agent_runtime_artifact {
    container_configuration {
      container_uri = "111122223333.dkr.ecr.us-east-1.amazonaws.com/agent:1"
    }
  }
  network_configuration {
    network_mode = "VPC"
    network_mode_config {
      subnets         = [aws_subnet.data.id]
      security_groups = [aws_security_group.svc.id]
    }
  }
}
`,
    groups: ['aws_security_group.svc'],
  },
  {
    service: 'SageMaker model with a VPC configuration (its endpoints run in the subnets)',
    code: `
resource "aws_sagemaker_model" "m" {
  name               = "embedder"
  execution_role_arn = "arn:aws:iam::111122223333:role/sm"
  primary_container {
    image = "111122223333.dkr.ecr.us-east-1.amazonaws.com/embedder:1"
  }
  vpc_config {
    subnets            = [aws_subnet.data.id]
    security_group_ids = [aws_security_group.svc.id]
  }
}
`,
    groups: ['aws_security_group.svc'],
  },
];

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

async function terraform(main: string) {
  const root = await mkdtemp(path.join(tmpdir(), 'cordon-iac-svc-'));
  dirs.push(root);
  await writeFile(path.join(root, 'main.tf'), main);
  const r = await loadTerraform(root, (await partitionSnapshot(root)).terraform);
  assert.deepEqual(
    r.errors.map((e) => e.format()),
    [],
  );
  return r.inventory!;
}

/** The reason the unmapped-type guard gives for a Terraform type, or a template's resource. */
const unmappedTf = (type: string) =>
  `${type} places network interfaces in the code's subnets and is not mapped by cordon, so they are not verified`;
const unmappedCfn = (id: string, type: string) =>
  `${id}: ${type} places network interfaces in the template's subnets and is not mapped by cordon, so they are not verified`;

function partialReasons(inv: AwsInventory): string[] {
  return [...inv.partial.values()].flatMap((m) => (m.get('ec2:network-interfaces') ?? []).map((x) => x.reason));
}

/** The interfaces in the data subnet (the service's). */
function inData(inv: AwsInventory, subnet: string) {
  return inv.networkInterfaces.filter((n) => n.subnetId === subnet);
}

describe('verify on Terraform: interfaces of the services AWS places in the code’s subnets', () => {
  it('without a service the network verifies clean', async () => {
    assert.deepEqual(await lateral(await terraform(TF_BASE)), []);
  });
  for (const c of TF_CASES)
    it(`${c.service}: its interface makes the violation`, async () => {
      const inv = await terraform(TF_BASE + c.code);
      assert.deepEqual(partialReasons(inv), []);
      const data = inData(inv, 'aws_subnet.data');
      assert.equal(data.length, 1, data.map((n) => n.id).join(', '));
      assert.equal(data[0]!.addressAtDeploy, true);
      if (c.groups) assert.deepEqual(data[0]!.groupIds, c.groups);
      assert.deepEqual(await lateral(inv), [VIOLATION]);
    });

  it('the cluster group EKS creates: members admit each other, everything out; SSH of a node group’s remote access', async () => {
    const inv = await terraform(
      `${TF_BASE}${EKS_TF}${nodeGroupTf(
        'aws_eks_cluster.c.name',
        `  remote_access {
    ec2_ssh_key = "ops"
  }
`,
      )}`,
    );
    const g = inv.securityGroups.find((x) => x.id === 'aws_eks_cluster.c.cluster_security_group_id')!;
    assert.equal(g.vpcId, 'aws_vpc.v');
    assert.deepEqual(g.ingress[0]!.groupRefs, [{ groupId: g.id }]);
    assert.deepEqual(g.egress[0]!.ipv4Ranges, [{ cidr: '0.0.0.0/0' }]);
    const node = inv.networkInterfaces.find((n) => n.id === 'eni:aws_eks_node_group.n:aws_subnet.data')!;
    assert.deepEqual(node.groupIds, [g.id, 'aws_eks_node_group.n.remote_access_security_group']);
    // Without source groups, EKS opens SSH to everyone: the application zone reaches the nodes on 22.
    assert.deepEqual(await lateral(inv), ['verify-zone-violation application -> data: tcp/22']);
  });

  it('what the code cannot tell makes the interfaces partial, naming the resource', async () => {
    const inv = await terraform(
      `${TF_BASE}
variable "cluster" { type = string }${nodeGroupTf('"elsewhere"')}resource "aws_autoscaling_group" "a" {
  min_size            = 1
  max_size            = 3
  vpc_zone_identifier = [aws_subnet.data.id]
  launch_template {
    id = "lt-0123456789abcdef0"
  }
}
resource "aws_elasticache_cluster" "c" {
  cluster_id      = "cache"
  engine          = "redis"
  node_type       = "cache.t4g.small"
  num_cache_nodes = 1
}
resource "aws_rds_cluster_instance" "i" {
  cluster_identifier = var.cluster
  instance_class     = "db.r6g.large"
}
`,
    );
    assert.deepEqual(inData(inv, 'aws_subnet.data'), []);
    const reasons = partialReasons(inv).sort();
    assert.equal(reasons.length, 4, reasons.join('\n'));
    assert.match(
      reasons[0]!,
      /aws_autoscaling_group\.a: its launch template lt-0123456789abcdef0 is not in the scanned code/,
    );
    assert.match(reasons[1]!, /aws_eks_node_group\.n: its cluster elsewhere is not in the scanned code/);
    assert.match(reasons[2]!, /aws_elasticache_cluster\.c has no subnet_group_name: AWS places it in the default VPC/);
    assert.match(
      reasons[3]!,
      /aws_rds_cluster_instance\.i\.cluster_identifier is not known before deploy: var\.cluster/,
    );
  });
});

const CFN_BASE = `AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.1.0.0/16 }
  AppSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.1.1.0/24
      Tags: [{ Key: SecurityZone, Value: application }]
  DataSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.1.3.0/24
      Tags: [{ Key: SecurityZone, Value: data }]
  CtlSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.1.9.0/24
  AppSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      VpcId: !Ref Vpc
  SvcSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: svc
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 6333, ToPort: 6333, CidrIp: 10.1.0.0/16 }
  App:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      SubnetId: !Ref AppSubnet
      SecurityGroupIds: [!Ref AppSg]
`;

const EKS_CFN = `  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      Name: ml
      RoleArn: arn:aws:iam::111122223333:role/eks
      ResourcesVpcConfig:
        SubnetIds: [!Ref CtlSubnet]
  ClusterSgRule:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt Cluster.ClusterSecurityGroupId
      IpProtocol: tcp
      FromPort: 6333
      ToPort: 6333
      CidrIp: 10.1.0.0/16
`;
const LT_CFN = `  Lt:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateName: workers
      LaunchTemplateData:
        SecurityGroupIds: [!Ref SvcSg]
`;
const SUBNET_GROUP_CFN = (type: string) => `  SubnetGroup:
    Type: ${type}
    Properties:
      Description: data
      SubnetIds: [!Ref DataSubnet]
`;

const CFN_CASES: { service: string; code: string; groups?: string[] }[] = [
  {
    service: 'AWS::OpenSearchServerless::VpcEndpoint',
    code: `  Vectors:
    Type: AWS::OpenSearchServerless::VpcEndpoint
    Properties:
      Name: rag-vectors
      VpcId: !Ref Vpc
      SubnetIds: [!Ref DataSubnet]
      SecurityGroupIds: [!Ref SvcSg]
`,
    groups: ['SvcSg'],
  },
  {
    service: 'AWS::EKS::Cluster',
    code: `  Cluster:
    Type: AWS::EKS::Cluster
    Properties:
      RoleArn: arn:aws:iam::111122223333:role/eks
      ResourcesVpcConfig:
        SubnetIds: [!Ref DataSubnet]
        SecurityGroupIds: [!Ref SvcSg]
`,
    groups: ['Cluster.ClusterSecurityGroupId', 'SvcSg'],
  },
  {
    service: 'AWS::EKS::Nodegroup without a launch template (the cluster group)',
    code: `${EKS_CFN}  Nodes:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: !Ref Cluster
      NodeRole: arn:aws:iam::111122223333:role/node
      Subnets: [!Ref DataSubnet]
`,
    groups: ['Cluster.ClusterSecurityGroupId'],
  },
  {
    service: 'AWS::EKS::Nodegroup with a launch template',
    code: `${EKS_CFN}${LT_CFN}  Nodes:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: ml
      NodeRole: arn:aws:iam::111122223333:role/node
      Subnets: [!Ref DataSubnet]
      LaunchTemplate: { Id: !Ref Lt }
`,
    groups: ['SvcSg'],
  },
  {
    service: 'AWS::EKS::FargateProfile',
    code: `${EKS_CFN}  Profile:
    Type: AWS::EKS::FargateProfile
    Properties:
      ClusterName: !Ref Cluster
      PodExecutionRoleArn: arn:aws:iam::111122223333:role/pods
      Subnets: [!Ref DataSubnet]
      Selectors: [{ Namespace: jobs }]
`,
  },
  {
    service: 'AWS::AutoScaling::AutoScalingGroup',
    code: `${LT_CFN}  Asg:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '1'
      MaxSize: '3'
      VPCZoneIdentifier: [!Ref DataSubnet]
      LaunchTemplate:
        LaunchTemplateId: !Ref Lt
        Version: !GetAtt Lt.LatestVersionNumber
`,
    groups: ['SvcSg'],
  },
  {
    service: 'AWS::AutoScaling::AutoScalingGroup with a launch configuration',
    code: `  Lc:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties:
      ImageId: ami-1
      InstanceType: t3.micro
      SecurityGroups: [!Ref SvcSg]
  Asg:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '1'
      MaxSize: '3'
      VPCZoneIdentifier: [!Ref DataSubnet]
      LaunchConfigurationName: !Ref Lc
`,
  },
  {
    service: 'AWS::ElastiCache::ReplicationGroup',
    code: `${SUBNET_GROUP_CFN('AWS::ElastiCache::SubnetGroup')}  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: cache
      CacheSubnetGroupName: !Ref SubnetGroup
      SecurityGroupIds: [!Ref SvcSg]
`,
    groups: ['SvcSg'],
  },
  {
    service: 'AWS::ElastiCache::CacheCluster',
    code: `${SUBNET_GROUP_CFN('AWS::ElastiCache::SubnetGroup')}  Cache:
    Type: AWS::ElastiCache::CacheCluster
    Properties:
      Engine: redis
      CacheNodeType: cache.t4g.small
      NumCacheNodes: 1
      CacheSubnetGroupName: !Ref SubnetGroup
      VpcSecurityGroupIds: [!Ref SvcSg]
`,
  },
  {
    service: 'AWS::ElastiCache::ServerlessCache',
    code: `  Cache:
    Type: AWS::ElastiCache::ServerlessCache
    Properties:
      Engine: valkey
      ServerlessCacheName: cache
      SubnetIds: [!Ref DataSubnet]
      SecurityGroupIds: [!Ref SvcSg]
`,
  },
  {
    service: 'AWS::RDS::DBCluster with an instance',
    code: `${SUBNET_GROUP_CFN('AWS::RDS::DBSubnetGroup').replace('Description', 'DBSubnetGroupDescription')}  Db:
    Type: AWS::RDS::DBCluster
    Properties:
      Engine: aurora-postgresql
      DBSubnetGroupName: !Ref SubnetGroup
      VpcSecurityGroupIds: [!Ref SvcSg]
  DbWriter:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: aurora-postgresql
      DBClusterIdentifier: !Ref Db
      DBInstanceClass: db.r6g.large
`,
    groups: ['SvcSg'],
  },
  {
    service: 'AWS::DocDB::DBCluster with an instance',
    code: `${SUBNET_GROUP_CFN('AWS::DocDB::DBSubnetGroup').replace('Description', 'DBSubnetGroupDescription')}  Db:
    Type: AWS::DocDB::DBCluster
    Properties:
      DBSubnetGroupName: !Ref SubnetGroup
      VpcSecurityGroupIds: [!Ref SvcSg]
  DbInstance:
    Type: AWS::DocDB::DBInstance
    Properties:
      DBClusterIdentifier: !Ref Db
      DBInstanceClass: db.r6g.large
`,
  },
  {
    service: 'AWS::Neptune::DBCluster with an instance',
    code: `${SUBNET_GROUP_CFN('AWS::Neptune::DBSubnetGroup').replace('Description', 'DBSubnetGroupDescription')}  Db:
    Type: AWS::Neptune::DBCluster
    Properties:
      DBSubnetGroupName: !Ref SubnetGroup
      VpcSecurityGroupIds: [!Ref SvcSg]
  DbInstance:
    Type: AWS::Neptune::DBInstance
    Properties:
      DBClusterIdentifier: !Ref Db
      DBInstanceClass: db.r6g.large
`,
  },
  {
    service: 'AWS::Redshift::Cluster',
    code: `${SUBNET_GROUP_CFN('AWS::Redshift::ClusterSubnetGroup')}  Warehouse:
    Type: AWS::Redshift::Cluster
    Properties:
      NodeType: ra3.xlplus
      ClusterType: single-node
      DBName: dev
      MasterUsername: admin
      ClusterSubnetGroupName: !Ref SubnetGroup
      VpcSecurityGroupIds: [!Ref SvcSg]
      PubliclyAccessible: false
`,
  },
  {
    service: 'AWS::RedshiftServerless::Workgroup',
    code: `  Workgroup:
    Type: AWS::RedshiftServerless::Workgroup
    Properties:
      WorkgroupName: wg
      SubnetIds: [!Ref DataSubnet]
      SecurityGroupIds: [!Ref SvcSg]
`,
  },
  {
    service: 'AWS::MSK::Cluster',
    code: `  Kafka:
    Type: AWS::MSK::Cluster
    Properties:
      ClusterName: events
      KafkaVersion: 3.6.0
      NumberOfBrokerNodes: 1
      BrokerNodeGroupInfo:
        InstanceType: kafka.m5.large
        ClientSubnets: [!Ref DataSubnet]
        SecurityGroups: [!Ref SvcSg]
`,
  },
  {
    service: 'AWS::Batch::ComputeEnvironment',
    code: `  Compute:
    Type: AWS::Batch::ComputeEnvironment
    Properties:
      Type: MANAGED
      ComputeResources:
        Type: FARGATE
        MaxvCpus: 16
        Subnets: [!Ref DataSubnet]
        SecurityGroupIds: [!Ref SvcSg]
`,
  },
  {
    service: 'AWS::BedrockAgentCore::Runtime in VPC mode',
    code: `  Agent:
    Type: AWS::BedrockAgentCore::Runtime
    Properties:
      AgentRuntimeName: agent
      RoleArn: arn:aws:iam::111122223333:role/agent
      AgentRuntimeArtifact: { ContainerConfiguration: { ContainerUri: 111122223333.dkr.ecr.us-east-1.amazonaws.com/agent:1 } }
      NetworkConfiguration:
        NetworkMode: VPC
        NetworkModeConfig:
          Subnets: [!Ref DataSubnet]
          SecurityGroups: [!Ref SvcSg]
`,
  },
  {
    service: 'AWS::SageMaker::Model with a VpcConfig',
    code: `  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: arn:aws:iam::111122223333:role/sm
      PrimaryContainer: { Image: 111122223333.dkr.ecr.us-east-1.amazonaws.com/embedder:1 }
      VpcConfig:
        Subnets: [!Ref DataSubnet]
        SecurityGroupIds: [!Ref SvcSg]
`,
    groups: ['SvcSg'],
  },
];

function cloudFormation(text: string) {
  const r = loadCloudFormationFromTexts([{ name: 'template.yaml', text }]);
  assert.deepEqual(r.errors, []);
  return r.inventory;
}

describe('verify on CloudFormation: interfaces of the services AWS places in the template’s subnets', () => {
  it('without a service the network verifies clean', async () => {
    assert.deepEqual(await lateral(cloudFormation(CFN_BASE)), []);
  });
  for (const c of CFN_CASES)
    it(`${c.service}: its interface makes the violation`, async () => {
      const inv = cloudFormation(CFN_BASE + c.code);
      assert.deepEqual(partialReasons(inv), []);
      const data = inData(inv, 'DataSubnet');
      assert.equal(data.length, 1, data.map((n) => n.id).join(', '));
      if (c.groups) assert.deepEqual(data[0]!.groupIds, c.groups);
      assert.deepEqual(await lateral(inv), [VIOLATION]);
    });

  it('what the template cannot tell makes the interfaces partial, naming the resource', () => {
    const inv = cloudFormation(`${CFN_BASE}  Nodes:
    Type: AWS::EKS::Nodegroup
    Properties:
      ClusterName: elsewhere
      NodeRole: arn:aws:iam::111122223333:role/node
      Subnets: [!Ref DataSubnet]
  Cache:
    Type: AWS::ElastiCache::CacheCluster
    Properties:
      Engine: redis
      CacheNodeType: cache.t4g.small
      NumCacheNodes: 1
  Asg:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      MinSize: '1'
      MaxSize: '3'
      VPCZoneIdentifier: [!Ref DataSubnet]
      LaunchTemplate: { LaunchTemplateId: lt-0123456789abcdef0, Version: '1' }
`);
    assert.deepEqual(inData(inv, 'DataSubnet'), []);
    const reasons = partialReasons(inv).sort();
    assert.equal(reasons.length, 3, reasons.join('\n'));
    assert.match(reasons[0]!, /^Asg: launch template lt-0123456789abcdef0 is not in the scanned templates/);
    assert.match(reasons[1]!, /^Cache: no CacheSubnetGroupName: AWS places it in the default VPC/);
    assert.match(reasons[2]!, /^Nodes: EKS cluster elsewhere is not in the scanned templates/);
  });
});

describe('malformed service properties (CloudFormation)', () => {
  const TYPES = [
    'AWS::EKS::Cluster',
    'AWS::EKS::Nodegroup',
    'AWS::EKS::FargateProfile',
    'AWS::EC2::LaunchTemplate',
    'AWS::AutoScaling::LaunchConfiguration',
    'AWS::AutoScaling::AutoScalingGroup',
    'AWS::Batch::ComputeEnvironment',
    'AWS::ElastiCache::SubnetGroup',
    'AWS::ElastiCache::CacheCluster',
    'AWS::ElastiCache::ReplicationGroup',
    'AWS::ElastiCache::ServerlessCache',
    'AWS::RDS::DBCluster',
    'AWS::RDS::DBInstance',
    'AWS::DocDB::DBCluster',
    'AWS::Neptune::DBInstance',
    'AWS::Redshift::Cluster',
    'AWS::MSK::Cluster',
    'AWS::BedrockAgentCore::Runtime',
  ];
  it('any property values: no crash, the other resources still read', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...TYPES),
        fc.dictionary(fc.string({ maxLength: 24 }), fc.jsonValue({ maxDepth: 3 })),
        (type, props) => {
          const text = JSON.stringify({
            Resources: {
              Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.1.0.0/16' } },
              Odd: { Type: type, Properties: props },
            },
          });
          const r = loadCloudFormationFromTexts([{ name: 'odd.json', text }]);
          assert.ok(r.inventory.vpcs.some((v) => v.id === 'Vpc'));
          for (const n of r.inventory.networkInterfaces) assert.equal(typeof n.subnetId, 'string');
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('a service cordon does not map, declared with subnets, leaves the interfaces incomplete', () => {
  it('Terraform: an Amazon MQ broker in the data subnet is named; a transit gateway attachment is not', async () => {
    const inv = await terraform(`${TF_BASE}
resource "aws_mq_broker" "events" {
  broker_name        = "events"
  engine_type        = "RabbitMQ"
  engine_version     = "3.13"
  host_instance_type = "mq.m5.large"
  subnet_ids         = [aws_subnet.data.id]
  security_groups    = [aws_security_group.svc.id]
  user {
    username = "app"
    password = "not-a-secret-0"
  }
}
resource "aws_ec2_transit_gateway_vpc_attachment" "hub" {
  transit_gateway_id = "tgw-0123456789abcdef0"
  vpc_id             = aws_vpc.v.id
  subnet_ids         = [aws_subnet.data.id]
}
`);
    assert.deepEqual(partialReasons(inv), [unmappedTf('aws_mq_broker')]);
  });

  it('Terraform: a MemoryDB cluster, a DAX cluster or a DMS instance placed through a subnet group the code does not declare, and a DB proxy (vpc_subnet_ids), are named', async () => {
    const inv = await terraform(`${TF_BASE}
resource "aws_memorydb_cluster" "vectors" {
  name                 = "vectors"
  node_type            = "db.r7g.large"
  acl_name             = "open-access"
  subnet_group_name    = "shared-data-subnets"
  security_group_ids   = [aws_security_group.svc.id]
}
resource "aws_dax_cluster" "cache" {
  cluster_name       = "cache"
  iam_role_arn       = "arn:aws:iam::111111111111:role/dax"
  node_type          = "dax.r5.large"
  replication_factor = 1
  subnet_group_name  = "shared-dax-subnets"
}
resource "aws_db_proxy" "pool" {
  name           = "pool"
  engine_family  = "POSTGRESQL"
  role_arn       = "arn:aws:iam::111111111111:role/proxy"
  vpc_subnet_ids = [aws_subnet.data.id]
  auth {
    secret_arn = "arn:aws:secretsmanager:us-east-1:111111111111:secret:db"
  }
}
resource "aws_dms_replication_instance" "copy" {
  replication_instance_id     = "copy"
  replication_instance_class  = "dms.t3.micro"
  replication_subnet_group_id = "shared-dms-subnets"
}
`);
    assert.deepEqual(partialReasons(inv).sort(), [
      unmappedTf('aws_dax_cluster'),
      unmappedTf('aws_db_proxy'),
      unmappedTf('aws_dms_replication_instance'),
      unmappedTf('aws_memorydb_cluster'),
    ]);
  });

  it('CloudFormation: the same for AWS::MemoryDB::Cluster (SubnetGroupName) and AWS::EMR::Cluster (Ec2SubnetId)', () => {
    const inv = cloudFormation(`${CFN_BASE}  Vectors:
    Type: AWS::MemoryDB::Cluster
    Properties:
      ClusterName: vectors
      NodeType: db.r7g.large
      ACLName: open-access
      SubnetGroupName: shared-data-subnets
  Spark:
    Type: AWS::EMR::Cluster
    Properties:
      Name: spark
      JobFlowRole: EMR_EC2_DefaultRole
      ServiceRole: EMR_DefaultRole
      ReleaseLabel: emr-7.0.0
      Instances:
        Ec2SubnetId: !Ref DataSubnet
        MasterInstanceGroup:
          InstanceCount: 1
          InstanceType: m5.xlarge
`);
    assert.deepEqual(partialReasons(inv).sort(), [
      unmappedCfn('Spark', 'AWS::EMR::Cluster'),
      unmappedCfn('Vectors', 'AWS::MemoryDB::Cluster'),
    ]);
  });

  it('CloudFormation: the same for AWS::AmazonMQ::Broker', () => {
    const inv = cloudFormation(`${CFN_BASE}  Events:
    Type: AWS::AmazonMQ::Broker
    Properties:
      BrokerName: events
      EngineType: RABBITMQ
      HostInstanceType: mq.m5.large
      SubnetIds: [!Ref DataSubnet]
      SecurityGroups: [!Ref SvcSg]
  Hub:
    Type: AWS::EC2::TransitGatewayAttachment
    Properties:
      TransitGatewayId: tgw-0123456789abcdef0
      VpcId: !Ref Vpc
      SubnetIds: [!Ref DataSubnet]
`);
    assert.deepEqual(partialReasons(inv), [unmappedCfn('Events', 'AWS::AmazonMQ::Broker')]);
  });
});
