/** The CloudFormation reader: the traps of issue 12, positions, and malformed input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CHECKS } from '../../src/checks/registry.js';
import { runAwsChecks } from '../../src/checks/engine.js';
import type { AwsCheck } from '../../src/checks/types.js';
import { parsePolicy } from '../../src/policy/load.js';
import { REFERENCE_POLICY_YAML } from '../../src/policy/reference.js';
import { loadCloudFormationFromTexts, type CloudFormationOptions } from '../../src/sources/iac/cloudformation/load.js';
import { looksLikeCloudFormation } from '../../src/sources/iac/cloudformation/recognise.js';

const policy = parsePolicy('cordon.yaml', REFERENCE_POLICY_YAML);
const check = (id: string) => CHECKS.find((c): c is AwsCheck => c.id === id)!;

function run(id: string, yaml: string, opts: CloudFormationOptions = {}) {
  const loaded = loadCloudFormationFromTexts([{ name: 'stack.yaml', text: yaml }], opts);
  return { loaded, findings: runAwsChecks(loaded.inventory, policy, [check(id)]) };
}

/** A VPC with one data subnet whose route table may get a NAT route. */
const NETWORK = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  WithNat:
    Type: String
    Default: 'no'
Conditions:
  Nat: !Equals [!Ref WithNat, 'yes']
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
  Data:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.3.0/24
      Tags: [{ Key: SecurityZone, Value: data }]
  Public:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.9.0/24 }
  Table:
    Type: AWS::EC2::RouteTable
    Properties: { VpcId: !Ref Vpc }
  Assoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref Data, RouteTableId: !Ref Table }
  Gateway:
    Type: AWS::EC2::NatGateway
    Condition: Nat
    Properties: { SubnetId: !Ref Public }
  NatRoute:
    Type: AWS::EC2::Route
    Condition: Nat
    Properties: { RouteTableId: !Ref Table, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Gateway }
`;

test('a condition that is false removes the resource; true keeps it', () => {
  const off = run('aws-data-zone-internet-route', NETWORK).findings;
  assert.deepEqual(
    off.map((f) => [f.resource.id, f.status]),
    [['Data', 'pass']],
  );
  assert.equal(
    run('aws-data-zone-internet-route', NETWORK).loaded.inventory.natGateways.length,
    0,
    'the NAT gateway is removed',
  );
  const on = run('aws-data-zone-internet-route', NETWORK, { parameters: { WithNat: 'yes' } }).findings;
  assert.deepEqual(
    on.map((f) => [f.resource.id, f.status]),
    [['Data', 'fail']],
  );
  assert.match(on[0]!.message, /0\.0\.0\.0\/0 -> Gateway/);
});

test('a condition on a parameter without a default makes the checks not assessed, naming the parameter', () => {
  const yaml = NETWORK.replace("    Type: String\n    Default: 'no'", '    Type: String');
  const { findings } = run('aws-data-zone-internet-route', yaml);
  assert.equal(findings.length, 1);
  assert.equal(findings[0]!.status, 'not-assessed');
  assert.match(findings[0]!.message, /NatRoute exists only if condition Nat holds/);
  assert.match(findings[0]!.message, /!Ref WithNat \(stack\.yaml:\d+\)/);
  assert.match(findings[0]!.message, /--parameter WithNat=VALUE/);
});

const ENDPOINT = (ingress: string, extra = '') => `Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
  Inference:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.2.0/24
      Tags: [{ Key: SecurityZone, Value: inference }]
  App:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
      Tags: [{ Key: SecurityZone, Value: application }]
  EndpointGroup:
    Type: AWS::EC2::SecurityGroup
    Properties: { GroupDescription: endpoints, VpcId: !Ref Vpc }
${ingress}
  Runtime:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub 'com.amazonaws.\${AWS::Region}.bedrock-runtime'
      VpcEndpointType: Interface
      PrivateDnsEnabled: true
      SubnetIds: [!Ref Inference]
      SecurityGroupIds: [!GetAtt EndpointGroup.GroupId]
${extra}`;

test('a separate SecurityGroupIngress resource is attached to its group', () => {
  const open = `  OpenRule:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: { GroupId: !Ref EndpointGroup, IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0 }`;
  const { findings, loaded } = run('aws-vpc-endpoint-security-group-open-to-internet', ENDPOINT(open));
  assert.deepEqual(
    findings.map((f) => [f.resource.id, f.status]),
    [['Runtime', 'fail']],
  );
  const rule = loaded.inventory.securityGroups.find((g) => g.id === 'EndpointGroup')!.ingress[0]!;
  assert.equal(rule.pointer, '/Resources/OpenRule');
});

test('!Sub with ${AWS::Region} names the service; the endpoint origin is its line', () => {
  const { loaded } = run('aws-bedrock-runtime-endpoint-missing', ENDPOINT(''));
  const e = loaded.inventory.vpcEndpoints[0]!;
  assert.equal(e.serviceName, 'com.amazonaws.iac-region.bedrock-runtime');
  assert.equal(e.service, 'bedrock-runtime');
  assert.deepEqual(e.origin, { kind: 'file', file: 'stack.yaml', line: 21, column: 3, pointer: '/Resources/Runtime' });
  const { findings } = run('aws-bedrock-runtime-endpoint-missing', ENDPOINT(''));
  assert.deepEqual(
    findings.map((f) => [f.resource.id, f.status]),
    [['Vpc', 'pass']],
  );
});

test('GetAtt: a property echoed (VPC CidrBlock) is resolved; a runtime attribute is not known before deploy', () => {
  const vpcWide = `  VpcWide:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: { GroupId: !Ref EndpointGroup, IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: !GetAtt Vpc.CidrBlock }`;
  const admits = run('aws-vpc-endpoint-security-group-admits-other-zones', ENDPOINT(vpcWide)).findings;
  assert.deepEqual(
    admits.map((f) => [f.resource.id, f.status]),
    [['Runtime', 'fail']],
  );
  const runtime = `  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties: { InstanceType: ml.t3.medium, RoleArn: r, DirectInternetAccess: Disabled, SubnetId: !Ref Inference }
  FromArn:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: { GroupId: !Ref EndpointGroup, IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: !GetAtt Notebook.Arn }`;
  const unknown = run('aws-vpc-endpoint-security-group-open-to-internet', ENDPOINT(runtime)).findings;
  assert.equal(unknown[0]!.status, 'not-assessed');
  assert.match(unknown[0]!.message, /!GetAtt Notebook\.Arn \(stack\.yaml:\d+\): an attribute AWS assigns/);
});

test('a parameter without a default, Fn::ImportValue and an SSM parameter are not known before deploy', () => {
  const yaml = `Parameters:
  VpcId: { Type: 'AWS::EC2::VPC::Id' }
  Ami: { Type: 'AWS::SSM::Parameter::Value<String>', Default: /aws/ami }
Resources:
  Sub:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref VpcId, CidrBlock: 10.0.2.0/24, Tags: [{ Key: SecurityZone, Value: inference }] }
  Shared:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !ImportValue shared-vpc, CidrBlock: 10.0.3.0/24 }
`;
  const { loaded } = run('aws-data-zone-internet-route', yaml);
  const skipped = loaded.inventory.partial.get('iac/iac-region')?.get('ec2:subnets') ?? [];
  assert.deepEqual(
    skipped.map((s) => [s.line, s.reason.replace(/: (parameter|another).*/, '')]),
    [
      [2, 'Sub: value not known before deploy: !Ref VpcId (stack.yaml:2)'],
      [10, 'Shared: value not known before deploy: !ImportValue shared-vpc (stack.yaml:10)'],
    ],
  );
  const findings = runAwsChecks(loaded.inventory, policy, [check('aws-inference-zone-internet-route')]);
  assert.equal(findings[0]!.status, 'not-assessed');
});

test('a nested stack with a local template is followed; a remote one is reported and makes data sets partial', () => {
  const parent = `Resources:
  Net:
    Type: AWS::CloudFormation::Stack
    Properties: { TemplateURL: ./child.json, Parameters: { Cidr: 10.9.0.0/16 } }
  Remote:
    Type: AWS::CloudFormation::Stack
    Properties: { TemplateURL: 'https://s3.amazonaws.com/bucket/other.yaml' }
  Flow:
    Type: AWS::EC2::FlowLog
    Properties: { ResourceId: !GetAtt Net.Outputs.VpcId, ResourceType: VPC, TrafficType: ALL }
`;
  const child = JSON.stringify({
    Parameters: { Cidr: { Type: 'String' } },
    Resources: { Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: { Ref: 'Cidr' } } } },
    Outputs: { VpcId: { Value: { Ref: 'Vpc' } } },
  });
  const loaded = loadCloudFormationFromTexts([
    { name: 'parent.yaml', text: parent },
    { name: 'child.json', text: child },
  ]);
  assert.deepEqual(loaded.errors, []);
  assert.deepEqual(
    loaded.inventory.vpcs.map((v) => [v.id, v.cidrs, (v.origin as { file: string }).file]),
    [['Net.Vpc', ['10.9.0.0/16'], 'child.json']],
  );
  assert.equal(loaded.inventory.flowLogs[0]!.resourceId, 'Net.Vpc');
  assert.match(loaded.warnings.map((w) => w.message).join('\n'), /Remote.*not a local file/);
  assert.ok(loaded.inventory.partial.get('iac/iac-region')?.has('ec2:vpcs'));
});

test('detection by content: templates yes, cordon.yaml and ARM templates no', () => {
  assert.ok(looksLikeCloudFormation("AWSTemplateFormatVersion: '2010-09-09'\n"));
  assert.ok(looksLikeCloudFormation('Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n'));
  assert.ok(looksLikeCloudFormation('{"Resources":{"Vpc":{"Type":"AWS::EC2::VPC"}}}'));
  assert.ok(!looksLikeCloudFormation(REFERENCE_POLICY_YAML));
  assert.ok(!looksLikeCloudFormation('{"resources":[{"type":"Microsoft.Network/virtualNetworks"}]}'));
});

const GOOD = 'Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: { CidrBlock: 10.0.0.0/16 }\n';

test('property: malformed YAML and JSON give located errors, never a crash, and the other files are still read', () => {
  const yaml = NETWORK;
  const json = JSON.stringify(
    { Resources: { Other: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.1.0.0/16' } } } },
    null,
    2,
  );
  fc.assert(
    fc.property(
      fc.constantFrom(yaml, json),
      fc.array(
        fc.tuple(
          fc.nat(),
          fc.nat({ max: 6 }),
          fc.constantFrom('', ':', '{', '}', '[', '"', '!', '- ', '\n  ', '\t', '&a', '*a', '!Ref', '%', '---\n'),
        ),
        { minLength: 1, maxLength: 4 },
      ),
      (base, edits) => {
        let text = base;
        for (const [at, cut, insert] of edits) {
          const i = at % (text.length + 1);
          text = text.slice(0, i) + insert + text.slice(i + cut);
        }
        const loaded = loadCloudFormationFromTexts([
          { name: 'bad.yaml', text },
          { name: 'good.yaml', text: GOOD },
        ]);
        for (const e of loaded.errors) {
          assert.equal(e.file, 'bad.yaml');
          assert.ok((e.position.line ?? 0) >= 1, `error without a line: ${e.message}`);
        }
        assert.ok(
          // Qualified by its template's name when bad.yaml still declares a Vpc too (two stacks).
          loaded.inventory.vpcs.some(
            (v) =>
              ['Vpc', 'good.yaml:Vpc'].includes(v.id) &&
              v.cidrs[0] === '10.0.0.0/16' &&
              (v.origin as { file?: string }).file === 'good.yaml',
          ),
          'good.yaml read',
        );
        // Unreadable input is never a pass: a bad file makes every data set partial.
        if (loaded.errors.length > 0) assert.ok(loaded.inventory.partial.get('iac/iac-region')?.has('ec2:subnets'));
      },
    ),
    { numRuns: 300 },
  );
});

test('EC2 semantics a template leaves implicit: default egress, default ACL, main route table, default group', () => {
  const yaml = `Resources:
  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }
  Sub: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24 } }
  Empty: { Type: AWS::EC2::SecurityGroup, Properties: { GroupDescription: g, VpcId: !Ref Vpc, SecurityGroupEgress: [] } }
  Closed:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: g
      VpcId: !Ref Vpc
      SecurityGroupEgress: [{ IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16 }]
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties: { VpcId: !Ref Vpc, ServiceName: com.amazonaws.us-east-1.sts, VpcEndpointType: Interface, SubnetIds: [!Ref Sub] }
`;
  const inv = loadCloudFormationFromTexts([{ name: 't.yaml', text: yaml }]).inventory;
  const group = (id: string) => inv.securityGroups.find((g) => g.id === id)!;
  assert.deepEqual(
    group('Empty').egress[0]!.ipv4Ranges,
    [{ cidr: '0.0.0.0/0' }],
    'an empty list keeps the default rule',
  );
  assert.equal(group('Closed').egress.length, 1);
  assert.equal(group('Closed').egress[0]!.fromPort, 443);
  assert.deepEqual(inv.vpcEndpoints[0]!.groupIds, ['Vpc.DefaultSecurityGroup']);
  assert.equal(inv.vpcEndpoints[0]!.state, 'available');
  assert.equal(inv.vpcEndpoints[0]!.privateDnsEnabled, false, 'CloudFormation default');
  assert.deepEqual(
    inv.routeTables.map((t) => [t.id, t.main, t.routes.map((r) => r.destination)]),
    [['Vpc.MainRouteTable', true, ['10.0.0.0/16']]],
  );
  assert.deepEqual(
    inv.networkAcls.map((a) => [a.id, a.isDefault, a.subnetIds]),
    [['Vpc.DefaultNetworkAcl', true, ['Sub']]],
  );
});

test('a parameter value outside AllowedValues is a located error; a nested Resources map is not a template', () => {
  const loaded = loadCloudFormationFromTexts(
    [
      {
        name: 'a.yaml',
        text: NETWORK.replace("    Default: 'no'", "    Default: 'no'\n    AllowedValues: ['yes', 'no']"),
      },
      { name: 'serverless.yml', text: 'service: x\nresources:\n  Resources:\n    B: { Type: AWS::S3::Bucket }\n' },
    ],
    { parameters: { WithNat: 'maybe' } },
  );
  assert.deepEqual(
    loaded.errors.map((e) => e.format()),
    ['a.yaml:3:3: parameter WithNat: "maybe" is not one of its AllowedValues (yes, no) (at /Parameters/WithNat)'],
  );
  assert.match(loaded.warnings.map((w) => `${w.file}: ${w.message}`).join('\n'), /serverless\.yml: not read: not a/);
});

test('an !If on an unknown condition inside a list is not known before deploy', () => {
  const yaml = `Parameters:
  Open: { Type: String }
Conditions:
  IsOpen: !Equals [!Ref Open, 'yes']
Resources:
  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: g
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - !If [IsOpen, { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0 }, !Ref AWS::NoValue]
`;
  const inv = loadCloudFormationFromTexts([{ name: 't.yaml', text: yaml }]).inventory;
  const skipped = inv.partial.get('iac/iac-region')?.get('ec2:security-groups') ?? [];
  assert.equal(skipped.length, 1);
  assert.match(skipped[0]!.reason, /^Group: value not known before deploy: !Ref Open \(t\.yaml:2\)/);
});

test('names and log destinations known only at deploy do not make data sets incomplete; a bucket ARN is its name', () => {
  const yaml = `Resources:
  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }
  Logs: { Type: AWS::S3::Bucket }
  Group:
    Type: AWS::EC2::SecurityGroup
    Properties: { GroupName: !Sub '\${AWS::StackName}-endpoints', GroupDescription: g, VpcId: !Ref Vpc }
  Flow:
    Type: AWS::EC2::FlowLog
    Properties: { ResourceId: !Ref Vpc, ResourceType: VPC, TrafficType: ALL, LogDestinationType: s3, LogDestination: !GetAtt Logs.Arn }
  Delivery:
    Type: AWS::EC2::FlowLog
    Properties: { ResourceId: !Ref Vpc, ResourceType: VPC, TrafficType: ALL, LogGroupName: !GetAtt Group.Arn }
`;
  const inv = loadCloudFormationFromTexts([{ name: 't.yaml', text: yaml }]).inventory;
  assert.equal(inv.partial.size, 0, JSON.stringify([...(inv.partial.get('iac/iac-region') ?? [])]));
  assert.equal(inv.securityGroups.find((g) => g.id === 'Group')!.name, '{!Ref AWS::StackName}');
  assert.deepEqual(
    inv.flowLogs.map((f) => f.destination),
    ['arn:aws:s3:::Logs', '{!GetAtt Group.Arn}'],
  );
});
