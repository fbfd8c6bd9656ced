/**
 * The fixes verify findings propose: each is applied to the inventory it came from (the test reads the printed
 * command the way the provider's CLI would) and the network verified again — the violation must be gone and what the
 * policy allows must still work, so a fix that widens, misses or breaks intent fails here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileAws } from '../../src/verify/aws.js';
import { verifyModel } from '../../src/verify/questions.js';
import type { AwsInventory, AwsIpPermission } from '../../src/inventory/aws.js';
import type { AzureInventory, AzureSecurityRule } from '../../src/inventory/azure.js';
import type { GcpInventory } from '../../src/inventory/gcp.js';
import type { Finding } from '../../src/findings/types.js';
import { bedrockEndpoint, eni, inventory, nat, POLICY, sg, subnet, tcp, testPolicy, vpc } from './helpers.js';
import { compileAzure } from '../../src/verify/azure.js';
import {
  azureInventory,
  findingsOf,
  nic,
  nsg,
  peer,
  runAzure,
  idOf,
  rule,
  subnet as azSubnet,
  vnet,
} from './azure-helpers.js';
import { findings as gcpFindings, gcpWorld, NET, route as gcpRoute, runGcp } from './gcp-helpers.js';
import { vipRouting } from '../../src/checks/gcp/private-access.js';
import { firewall, PROJECT } from '../support/gcp-build.js';
import { VERIFY_CHECKS } from '../../src/verify/checks.js';

const runAws = (inv: AwsInventory) => verifyModel(compileAws(inv, POLICY), POLICY, { clientPorts: [32768, 60999] });
type Result = { findings: Finding[]; matrix: { from: string; to: string; configurationPermits: string[] }[] };
const of = (r: Result, id: string, from: string, to: string) =>
  r.findings.filter((f) => f.checkId === id && f.evidence?.from === from && f.evidence?.to === to);
const permits = (r: Result, from: string, to: string) =>
  r.matrix.find((m) => m.from === from && m.to === to)!.configurationPermits;
const snippet = (f: Finding) => {
  assert.ok(f.remediation.snippet, `a command for ${f.message}\n${f.remediation.text}`);
  return f.remediation.snippet.code;
};
/** The commands of a snippet, continuation lines joined, comments dropped. */
const commands = (code: string) =>
  code
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));
/** `--flag value` (the value up to the next flag; a quoted value whole). */
function flag(cmd: string, name: string): string | undefined {
  const m = new RegExp(`--${name} ('[^']*'|[^-][^ ]*(?: [^-][^ ]*)*)`).exec(cmd);
  return m?.[1]?.replace(/^'|'$/g, '');
}

// ---- AWS: the EC2 API's revoke / authorize / delete-route, on the inventory

interface ApiPermission {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: { CidrIp: string }[];
  Ipv6Ranges?: { CidrIpv6: string }[];
  UserIdGroupPairs?: { GroupId: string }[];
}
const sameProtoPorts = (p: AwsIpPermission, a: ApiPermission) =>
  p.protocol === a.IpProtocol && (a.IpProtocol === '-1' || (p.fromPort === a.FromPort && p.toPort === a.ToPort));

function applyAws(inv: AwsInventory, code: string): void {
  for (const cmd of commands(code)) {
    const group = inv.securityGroups.find((g) => g.id === flag(cmd, 'group-id'));
    if (/security-group-(ingress|egress)/.test(cmd)) {
      assert.ok(group, cmd);
      const list = /ingress/.test(cmd) ? group.ingress : group.egress;
      const perms = JSON.parse(flag(cmd, 'ip-permissions')!) as ApiPermission[];
      for (const a of perms) {
        if (cmd.includes(' revoke-')) {
          // EC2 revokes the listed sources of the permission on that protocol and ports; the others stay.
          const i = list.findIndex((p) => sameProtoPorts(p, a));
          assert.ok(i >= 0, `revoke names an existing permission: ${cmd}`);
          const p = list[i]!;
          const drop = <T>(have: T[], gone: string[], id: (x: T) => string) => {
            for (const g of gone)
              assert.ok(
                have.some((x) => id(x) === g),
                `revoke names an existing source ${g}: ${cmd}`,
              );
            return have.filter((x) => !gone.includes(id(x)));
          };
          p.ipv4Ranges = drop(
            p.ipv4Ranges,
            (a.IpRanges ?? []).map((r) => r.CidrIp),
            (r) => r.cidr,
          );
          p.ipv6Ranges = drop(
            p.ipv6Ranges,
            (a.Ipv6Ranges ?? []).map((r) => r.CidrIpv6),
            (r) => r.cidr,
          );
          p.groupRefs = drop(
            p.groupRefs,
            (a.UserIdGroupPairs ?? []).map((g) => g.GroupId),
            (g) => g.groupId,
          );
          if (p.ipv4Ranges.length + p.ipv6Ranges.length + p.groupRefs.length + p.prefixListIds.length === 0)
            list.splice(i, 1);
        } else {
          // EC2 refuses a source the group already admits on that protocol and ports (InvalidPermission.Duplicate).
          for (const r of a.IpRanges ?? [])
            assert.ok(
              !list.some((p) => sameProtoPorts(p, a) && p.ipv4Ranges.some((x) => x.cidr === r.CidrIp)),
              `authorize does not repeat ${r.CidrIp}: ${cmd}`,
            );
          list.push({
            protocol: a.IpProtocol,
            ...(a.FromPort !== undefined ? { fromPort: a.FromPort, toPort: a.ToPort! } : {}),
            ipv4Ranges: (a.IpRanges ?? []).map((r) => ({ cidr: r.CidrIp })),
            ipv6Ranges: (a.Ipv6Ranges ?? []).map((r) => ({ cidr: r.CidrIpv6 })),
            groupRefs: [],
            prefixListIds: [],
            pointer: '',
          });
        }
      }
    } else if (cmd.includes(' create-network-acl-entry ')) {
      const acl = inv.networkAcls.find((a) => a.id === flag(cmd, 'network-acl-id'))!;
      const egress = cmd.includes(' --egress');
      const ruleNumber = Number(flag(cmd, 'rule-number'));
      assert.ok(
        !acl.entries.some((e) => e.egress === egress && e.ruleNumber === ruleNumber),
        `rule number ${ruleNumber} is free: ${cmd}`,
      );
      const range = /--port-range From=(\d+),To=(\d+)/.exec(cmd);
      acl.entries.push({
        ruleNumber,
        egress,
        protocol: flag(cmd, 'protocol')!,
        action: flag(cmd, 'rule-action') as 'allow' | 'deny',
        cidr: flag(cmd, 'cidr-block')!,
        ...(range ? { portRange: { from: Number(range[1]), to: Number(range[2]) } } : {}),
      });
    } else if (cmd.includes(' delete-route ')) {
      const t = inv.routeTables.find((x) => x.id === flag(cmd, 'route-table-id'))!;
      const before = t.routes.length;
      t.routes = t.routes.filter((r) => r.destination !== flag(cmd, 'destination-cidr-block'));
      assert.equal(t.routes.length, before - 1, cmd);
    } else assert.fail(`unexpected command ${cmd}`);
  }
}

/** app 10.0.1.0/24, inference 10.0.2.0/24, data 10.0.3.0/24; the database's group is the variable. */
function threeTier(dbIngress: AwsIpPermission[]): AwsInventory {
  const inv = inventory();
  vpc(inv, 'vpc-1', '10.0.0.0/16');
  subnet(inv, 'a', 'vpc-1', '10.0.1.0/24', 'app');
  subnet(inv, 'b', 'vpc-1', '10.0.2.0/24', 'inference');
  subnet(inv, 'c', 'vpc-1', '10.0.3.0/24', 'data');
  sg(inv, 'sg-a', 'vpc-1', []);
  sg(inv, 'sg-b', 'vpc-1', []);
  sg(inv, 'sg-db', 'vpc-1', dbIngress);
  eni(inv, 'eni-a', 'a', '10.0.1.10', ['sg-a']);
  eni(inv, 'eni-b', 'b', '10.0.2.10', ['sg-b']);
  eni(inv, 'eni-db', 'c', '10.0.3.10', ['sg-db']);
  return inv;
}

/** Applies the app -> data violation's fix: app -> data is closed, inference -> data still works. The fix's code. */
function appToDataFixed(inv: AwsInventory): string {
  const [v] = of(runAws(inv), 'verify-zone-violation', 'app', 'data');
  const code = snippet(v!);
  applyAws(inv, code);
  const after = runAws(inv);
  assert.equal(of(after, 'verify-zone-violation', 'app', 'data').length, 0);
  assert.deepEqual(permits(after, 'inference', 'data'), ['tcp/6333']);
  assert.equal(of(after, 'verify-broken-intent', 'inference', 'data').length, 0);
  return code;
}

describe('verify fixes (AWS)', () => {
  it('a security-group rule open to the VPC: revoke it and admit the allowed zone only; applied, app -> data is closed and inference -> data still works', () => {
    const inv = threeTier([tcp(6333, 6333, ['10.0.0.0/16'])]);
    const [v] = of(runAws(inv), 'verify-zone-violation', 'app', 'data');
    const code = snippet(v!);
    assert.match(code, /aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-db/);
    assert.match(code, /authorize-security-group-ingress .*"CidrIp":"10\.0\.2\.0\/24"/s);
    // Traffic within the data zone is no pair the policy rules on: the rule's share of it is kept.
    assert.match(code, /"CidrIp":"10\.0\.3\.0\/24","Description":"data \(cordon zone policy\)"/);
    assert.doesNotMatch(code, /10\.0\.1\.0\/24/);
    applyAws(inv, code);
    const after = runAws(inv);
    assert.equal(of(after, 'verify-zone-violation', 'app', 'data').length, 0);
    assert.deepEqual(permits(after, 'inference', 'data'), ['tcp/6333']);
    assert.equal(of(after, 'verify-broken-intent', 'inference', 'data').length, 0);
  });
  it('never widens: a rule that admits only the app subnet is revoked without admitting a range it did not cover', () => {
    const code = appToDataFixed(threeTier([tcp(6333, 6333, ['10.0.1.0/24']), tcp(6333, 6333, ['10.0.2.0/24'])]));
    assert.doesNotMatch(code, /authorize/);
  });
  it('a permission holding the violating range and a group reference: only the range is revoked, the allowed group keeps its access', () => {
    // describe-security-groups folds every source on one port into one IpPermission: the console's two rules.
    appToDataFixed(threeTier([tcp(6333, 6333, ['10.0.1.0/24'], ['sg-b'])]));
  });
  it('a permission whose other range already admits the data zone: only the VPC-wide range is revoked, nothing re-added twice', () => {
    appToDataFixed(threeTier([tcp(6333, 6333, ['10.0.0.0/16', '10.0.3.0/24'])]));
  });
  it('a network ACL whose entries admit only the app subnet: the allow for inference takes a rule number the ACL does not hold', () => {
    const inv = threeTier([tcp(6333, 6333, ['10.0.2.0/24'])]);
    const acl = inv.networkAcls.find((a) => a.subnetIds.includes('c'))!;
    acl.entries = [
      { ruleNumber: 100, egress: false, protocol: '-1', action: 'allow', cidr: '10.0.1.0/24' },
      { ruleNumber: 100, egress: true, protocol: '-1', action: 'allow', cidr: '0.0.0.0/0' },
    ];
    const [b] = of(runAws(inv), 'verify-broken-intent', 'inference', 'data');
    applyAws(inv, snippet(b!));
    assert.equal(of(runAws(inv), 'verify-broken-intent', 'inference', 'data').length, 0);
  });
  it('broken intent (no rule admits inference): an ingress rule from the inference ranges on the allowed port', () => {
    const inv = threeTier([]);
    const [b] = of(runAws(inv), 'verify-broken-intent', 'inference', 'data');
    const code = snippet(b!);
    assert.match(code, /authorize-security-group-ingress --region us-east-1 --group-id sg-db/);
    applyAws(inv, code);
    const after = runAws(inv);
    assert.equal(of(after, 'verify-broken-intent', 'inference', 'data').length, 0);
    assert.equal(of(after, 'verify-zone-violation', 'app', 'data').length, 0, 'and nothing more than intended');
  });
  it('a default route out of the data zone: delete-route names the table and destination; applied, data -> internet is closed', () => {
    const inv = threeTier([tcp(6333, 6333, ['10.0.2.0/24'])]);
    inv.internetGateways.push({ ...inv.vpcs[0]!, id: 'igw-1', vpcIds: ['vpc-1'] });
    subnet(inv, 'pub', 'vpc-1', '10.0.9.0/24', 'public', [['0.0.0.0/0', 'igw-1']]);
    nat(inv, 'nat-1', 'pub');
    inv.routeTables
      .find((t) => t.subnetIds.includes('c'))!
      .routes.push({
        destination: '0.0.0.0/0',
        target: { type: 'nat-gateway', id: 'nat-1' },
        state: 'active',
        pointer: '/routes/9',
      });
    const [v] = of(runAws(inv), 'verify-zone-violation', 'data', 'internet');
    const code = snippet(v!);
    assert.match(
      code,
      /aws ec2 delete-route --region us-east-1 --route-table-id \S+ --destination-cidr-block 0\.0\.0\.0\/0/,
    );
    applyAws(inv, code);
    assert.equal(of(runAws(inv), 'verify-zone-violation', 'data', 'internet').length, 0);
  });
  it('a default route the policy-allowed AI traffic still takes: removing it is flagged until the endpoint exists', () => {
    /** inference's default route to a NAT gateway; optionally a bedrock-runtime endpoint in the VPC. */
    const world = (endpoint: boolean) => {
      const inv = threeTier([tcp(6333, 6333, ['10.0.2.0/24'])]);
      inv.internetGateways.push({ ...inv.vpcs[0]!, id: 'igw-1', vpcIds: ['vpc-1'] });
      subnet(inv, 'pub', 'vpc-1', '10.0.9.0/24', 'public', [['0.0.0.0/0', 'igw-1']]);
      nat(inv, 'nat-1', 'pub');
      inv.routeTables
        .find((t) => t.subnetIds.includes('b'))!
        .routes.push({
          destination: '0.0.0.0/0',
          target: { type: 'nat-gateway', id: 'nat-1' },
          state: 'active',
          pointer: '/routes/9',
        });
      if (endpoint) {
        sg(inv, 'sg-vpce', 'vpc-1', [tcp(443, 443, ['10.0.2.0/24'])]);
        eni(inv, 'eni-vpce', 'b', '10.0.2.20', ['sg-vpce'], { interfaceType: 'vpc_endpoint' });
        bedrockEndpoint(inv, 'vpce-1', 'vpc-1', 'b', 'eni-vpce', 'sg-vpce', true);
      }
      return of(runAws(inv), 'verify-zone-violation', 'inference', 'internet')[0]!;
    };
    const bare = world(false);
    assert.match(bare.remediation.text, /allows inference to reach external_ai, which has no interface endpoint/);
    assert.match(snippet(bare), /# first: the policy allows inference -> external_ai/);
    const served = world(true);
    assert.doesNotMatch(served.remediation.text, /no interface endpoint/);
    assert.doesNotMatch(snippet(served), /# first:/);
  });
  it('infrastructure as code: the fix is the edit, named at the declaration, with no command', () => {
    const inv = threeTier([tcp(6333, 6333, ['10.0.0.0/16'])]);
    inv.iac = 'Terraform';
    const [v] = of(runAws(inv), 'verify-zone-violation', 'app', 'data');
    assert.equal(v!.remediation.snippet, undefined);
    assert.match(
      v!.remediation.text,
      /^In the Terraform code \(inv\.json.*\): remove or narrow the ingress rule of sg-db/,
    );
  });
});

// ---- Azure: az network nsg rule create, on the inventory

function applyAzure(inv: AzureInventory, code: string): void {
  for (const cmd of commands(code)) {
    assert.match(cmd, /^az network nsg rule (create|update) /, cmd);
    const g = inv.networkSecurityGroups.find((n) => n.name === flag(cmd, 'nsg-name'))!;
    const split = (v: string | undefined) => (v ?? '*').split(' ').map((x) => x.replace(/'/g, ''));
    if (cmd.includes(' rule update ')) {
      const existing = g.securityRules.find((r) => r.name === flag(cmd, 'name'));
      assert.ok(existing, `update names an existing rule: ${cmd}`);
      existing.sources = split(flag(cmd, 'source-address-prefixes'));
      continue;
    }
    const priority = Number(flag(cmd, 'priority'));
    const direction = flag(cmd, 'direction') as 'Inbound' | 'Outbound';
    assert.ok(
      !g.securityRules.some((r) => r.priority === priority && r.direction === direction),
      `priority ${priority} is free: ${cmd}`,
    );
    const r: AzureSecurityRule = rule(
      flag(cmd, 'name')!,
      priority,
      direction,
      flag(cmd, 'access') as 'Allow' | 'Deny',
      flag(cmd, 'protocol')!.replace(/'/g, ''),
      split(flag(cmd, 'source-address-prefixes')),
      split(flag(cmd, 'destination-address-prefixes')),
      split(flag(cmd, 'destination-port-ranges')),
    );
    g.securityRules.push(r);
  }
}

describe('verify fixes (Azure): routes', () => {
  /** Inference in a spoke, out by the default system route; a private endpoint of the AI service in a peered hub or not. */
  const spoke = (endpointInHub: boolean, outboundRule = false) => runAzure(spokeInventory(endpointInHub, outboundRule));
  function spokeInventory(endpointInHub: boolean, outboundRule = false): AzureInventory {
    const inv = azureInventory();
    vnet(inv, 'hub', '10.0.0.0/16');
    vnet(inv, 'spoke', '10.1.0.0/16');
    azSubnet(inv, 'hub', 'pe', '10.0.5.0/24');
    if (outboundRule)
      nsg(inv, 'nsg-inf', [rule('allow-internet-out', 100, 'Outbound', 'Allow', '*', ['*'], ['Internet'])]);
    azSubnet(inv, 'spoke', 'inf', '10.1.2.0/24', outboundRule ? { nsg: 'nsg-inf' } : {});
    nic(inv, 'nic-inf', 'spoke', 'inf', '10.1.2.4', { zone: 'inference' });
    peer(inv, 'hub', 'spoke');
    if (endpointInHub) {
      nic(inv, 'nic-pe', 'hub', 'pe', '10.0.5.4', { zone: 'external_ai', privateEndpoint: 'pe-ai' });
      const n = inv.networkInterfaces.find((x) => x.name === 'nic-pe')!;
      inv.privateEndpoints.push({
        ...n,
        id: n.privateEndpointId!,
        name: 'pe-ai',
        subnetId: inv.subnets.find((x) => x.name === 'pe')!.id,
        connections: [
          {
            privateLinkServiceId: idOf('accounts', 'oai').replace('Microsoft.Network', 'Microsoft.CognitiveServices'),
            groupIds: ['account'],
            status: 'Approved',
            manual: false,
            pointer: '/properties/privateLinkServiceConnections/0',
          },
        ],
        customDnsConfigs: [],
        networkInterfaceIds: [n.id],
        ipConfigurations: [],
      });
    }
    return inv;
  }
  it('overriding the internet system route warns when the policy-allowed AI service has no private endpoint in the VNet or a peered one', () => {
    const [bare] = findingsOf(spoke(false), 'verify-zone-violation', 'inference', 'internet');
    assert.match(snippet(bare!), /--address-prefix 0\.0\.0\.0\/0 --next-hop-type None/);
    assert.match(
      bare!.remediation.text,
      /allows inference to reach external_ai, which has no private endpoint in this VNet or a peered one/,
    );
    assert.match(snippet(bare!), /# first: a private endpoint for external_ai/);
    const [served] = findingsOf(spoke(true), 'verify-zone-violation', 'inference', 'internet');
    assert.doesNotMatch(served!.remediation.text, /no private endpoint/);
    assert.doesNotMatch(snippet(served!), /# first:/);
  });
  it('a service zone with no Azure service (only AWS ones) is not an AI service this VNet reaches: no warning about its endpoint', () => {
    const awsOnly = testPolicy('aws: [bedrock-runtime]');
    for (const outboundRule of [false, true]) {
      const r = verifyModel(compileAzure(spokeInventory(false, outboundRule), awsOnly), awsOnly, {
        clientPorts: [32768, 60999],
      });
      const [v] = findingsOf(r, 'verify-zone-violation', 'inference', 'internet');
      assert.ok(v, 'the zone still leaves for the internet');
      assert.doesNotMatch(v.remediation.text, /no private endpoint/);
      assert.doesNotMatch(snippet(v), /# first:/);
    }
  });
  it('deleting the outbound NSG rule that lets the zone out warns the same way', () => {
    const [bare] = findingsOf(spoke(false, true), 'verify-zone-violation', 'inference', 'internet');
    assert.match(snippet(bare!), /az network nsg rule delete .* --name allow-internet-out/);
    assert.match(bare!.remediation.text, /external_ai, which has no private endpoint in this VNet or a peered one/);
    assert.match(snippet(bare!), /# first: a private endpoint for external_ai/);
    const [served] = findingsOf(spoke(true, true), 'verify-zone-violation', 'inference', 'internet');
    assert.match(snippet(served!), /az network nsg rule delete .* --name allow-internet-out/);
    assert.doesNotMatch(served!.remediation.text, /no private endpoint/);
  });
});

describe('verify fixes (Azure)', () => {
  const world = () => {
    const inv = azureInventory();
    vnet(inv, 'vnet', '10.1.0.0/16');
    nsg(inv, 'nsg-data', []);
    azSubnet(inv, 'vnet', 'app', '10.1.1.0/24');
    azSubnet(inv, 'vnet', 'inf', '10.1.2.0/24');
    azSubnet(inv, 'vnet', 'data', '10.1.3.0/24', { nsg: 'nsg-data' });
    nic(inv, 'nic-app', 'vnet', 'app', '10.1.1.4', { zone: 'app' });
    nic(inv, 'nic-inf', 'vnet', 'inf', '10.1.2.4', { zone: 'inference' });
    nic(inv, 'nic-db', 'vnet', 'data', '10.1.3.4', { zone: 'data' });
    return inv;
  };
  it('AllowVnetInBound cannot be changed: deny rules in front of it for each violating pair, each in its own priority band; applied, only the allowed class remains', () => {
    const inv = world();
    const r = runAzure(inv);
    const fixes = [
      ...findingsOf(r, 'verify-zone-violation', 'app', 'data'),
      ...findingsOf(r, 'verify-zone-violation', 'inference', 'data'),
    ];
    assert.equal(fixes.length, 2);
    for (const f of fixes) {
      assert.match(snippet(f), /--access Deny --protocol '\*'/);
      applyAzure(inv, snippet(f));
    }
    const after = runAzure(inv);
    assert.equal(findingsOf(after, 'verify-zone-violation', 'app', 'data').length, 0);
    assert.equal(findingsOf(after, 'verify-zone-violation', 'inference', 'data').length, 0);
    assert.deepEqual(permits(after, 'inference', 'data'), ['tcp/6333']);
    assert.equal(findingsOf(after, 'verify-broken-intent', 'inference', 'data').length, 0);
  });
  it('a deny band whose priority an existing rule holds: no command that Azure would refuse', () => {
    const inv = world();
    // app -> data's band (zones app, data, external_ai, inference, internet: pair 1) is 4088 down; a rule sits at its deny.
    inv.networkSecurityGroups[0]!.securityRules.push(
      rule('allow-monitoring', 4088, 'Inbound', 'Allow', 'Tcp', ['10.9.0.0/16'], ['*'], ['9100']),
    );
    const [v] = findingsOf(runAzure(inv), 'verify-zone-violation', 'app', 'data');
    applyAzure(inv, snippet(v!));
    // The deny takes the band's next free priority, still in front of AllowVnetInBound.
    assert.equal(findingsOf(runAzure(inv), 'verify-zone-violation', 'app', 'data').length, 0);
  });
  it('a custom deny drops the allowed flow: an allow with a lower priority number, from inference to data', () => {
    const inv = world();
    inv.networkSecurityGroups[0]!.securityRules.push(
      rule('deny-vnet', 300, 'Inbound', 'Deny', '*', ['VirtualNetwork'], ['VirtualNetwork']),
    );
    const [b] = findingsOf(runAzure(inv), 'verify-broken-intent', 'inference', 'data');
    const code = snippet(b!);
    assert.match(code, /--priority 299 --direction Inbound --access Allow --protocol Tcp/);
    applyAzure(inv, code);
    const after = runAzure(inv);
    assert.equal(findingsOf(after, 'verify-broken-intent', 'inference', 'data').length, 0);
    assert.equal(findingsOf(after, 'verify-zone-violation', 'app', 'data').length, 0);
  });
  it('a custom allow of the VNet on every TCP port: narrowing it for inference -> data keeps inference on the port the policy allows', () => {
    // inference -> data violates on every TCP port but 6333: the fix must keep what the rule admits of inference on
    // 6333, a class that is no part of this finding.
    const inv = world();
    inv.networkSecurityGroups[0]!.securityRules.push(
      rule('allow-vnet-tcp', 200, 'Inbound', 'Allow', 'Tcp', ['VirtualNetwork'], ['VirtualNetwork']),
      rule('deny-vnet', 300, 'Inbound', 'Deny', '*', ['VirtualNetwork'], ['VirtualNetwork']),
    );
    const r = runAzure(inv);
    assert.deepEqual(permits(r, 'inference', 'data'), ['tcp all ports']);
    const [v] = findingsOf(r, 'verify-zone-violation', 'inference', 'data');
    const code = snippet(v!);
    assert.match(code, /az network nsg rule update .* --name allow-vnet-tcp --source-address-prefixes /);
    applyAzure(inv, code);
    const after = runAzure(inv);
    assert.deepEqual(permits(after, 'inference', 'data'), ['tcp/6333']);
    assert.equal(findingsOf(after, 'verify-broken-intent', 'inference', 'data').length, 0);
  });
  it('two broken-intent findings dropped by one NSG rule: their allows take different priorities; applied, both flows work', () => {
    // One NSG on the inference and data subnets, a custom deny of the VNet in it: app -> inference and
    // inference -> data are both dropped by that rule, in the same direction.
    const inv = azureInventory();
    vnet(inv, 'vnet', '10.1.0.0/16');
    nsg(inv, 'nsg-shared', [rule('deny-vnet', 300, 'Inbound', 'Deny', '*', ['VirtualNetwork'], ['VirtualNetwork'])]);
    azSubnet(inv, 'vnet', 'app', '10.1.1.0/24');
    azSubnet(inv, 'vnet', 'inf', '10.1.2.0/24', { nsg: 'nsg-shared' });
    azSubnet(inv, 'vnet', 'data', '10.1.3.0/24', { nsg: 'nsg-shared' });
    nic(inv, 'nic-app', 'vnet', 'app', '10.1.1.4', { zone: 'app' });
    nic(inv, 'nic-inf', 'vnet', 'inf', '10.1.2.4', { zone: 'inference' });
    nic(inv, 'nic-db', 'vnet', 'data', '10.1.3.4', { zone: 'data' });
    const r = runAzure(inv);
    const broken = [
      ...findingsOf(r, 'verify-broken-intent', 'app', 'inference'),
      ...findingsOf(r, 'verify-broken-intent', 'inference', 'data'),
    ];
    assert.equal(broken.length, 2);
    for (const b of broken) applyAzure(inv, snippet(b));
    const after = runAzure(inv);
    assert.equal(findingsOf(after, 'verify-broken-intent', 'app', 'inference').length, 0);
    assert.equal(findingsOf(after, 'verify-broken-intent', 'inference', 'data').length, 0);
    assert.equal(findingsOf(after, 'verify-zone-violation', 'app', 'data').length, 0);
  });
});

// ---- Google Cloud: gcloud compute firewall-rules create, on the inventory

/** The firewall rules the commands create (the world is built again with them: its builder indexes the rules). */
function gcpRulesOf(code: string): GcpInventory['firewalls'] {
  const out: GcpInventory['firewalls'] = [];
  for (const cmd of commands(code)) {
    assert.match(cmd, /^gcloud compute firewall-rules create (\S+)/, cmd);
    const name = /create (\S+)/.exec(cmd)![1]!;
    const rules = flag(cmd, 'rules')!
      .split(',')
      .map((x) => {
        const [protocol, ports] = x.split(':');
        return { protocol: protocol!, ports: ports ? [ports] : [] };
      });
    const action = flag(cmd, 'action') === 'ALLOW' ? { allowed: rules } : { denied: rules };
    out.push(
      firewall(name, {
        direction: flag(cmd, 'direction'),
        priority: Number(flag(cmd, 'priority')),
        ...(flag(cmd, 'source-ranges') ? { sourceRanges: flag(cmd, 'source-ranges')!.split(',') } : {}),
        ...(flag(cmd, 'destination-ranges') ? { destinationRanges: flag(cmd, 'destination-ranges')!.split(',') } : {}),
        ...action,
      }),
    );
  }
  return out;
}

/** The Google Cloud world with one VPC rule letting a range into the network on TCP ports ([]: every port). */
const allowDb = (sourceRange: string, ports: string[]) =>
  gcpWorld({
    firewalls: [
      firewall('allow-db', {
        direction: 'INGRESS',
        sourceRanges: [sourceRange],
        allowed: [{ protocol: 'tcp', ports }],
      }),
    ],
  });

describe('verify fixes (Google Cloud)', () => {
  it('the implied deny drops inference -> data: an allow rule in the network from the inference range; applied, the flow works and app stays out', () => {
    const [b] = gcpFindings(runGcp(gcpWorld()), 'verify-broken-intent', 'inference', 'data');
    const code = snippet(b!);
    assert.match(
      code,
      /gcloud compute firewall-rules create cordon-allow-inference-to-data --project \S+ --network vpc-ai --direction INGRESS --action ALLOW --rules tcp:6333 --source-ranges 10\.1\.2\.0\/24/,
    );
    const after = runGcp(gcpWorld({ firewalls: gcpRulesOf(code) }));
    assert.equal(gcpFindings(after, 'verify-broken-intent', 'inference', 'data').length, 0);
    assert.equal(gcpFindings(after, 'verify-zone-violation', 'app', 'data').length, 0);
  });
  it('a VPC rule open to the network is narrowed to the allowed zone, never to a range it did not cover', () => {
    const inv = allowDb('10.1.0.0/16', ['6333']);
    const [v] = gcpFindings(runGcp(inv), 'verify-zone-violation', 'app', 'data');
    assert.match(
      snippet(v!),
      /gcloud compute firewall-rules update allow-db --project \S+ --source-ranges 10\.1\.2\.0\/24,10\.1\.3\.0\/24\n/,
    );
    // Open to the app subnet only: nothing of the allowed zone to keep, so the rule goes.
    const narrow = allowDb('10.1.1.0/24', ['6333']);
    const [w] = gcpFindings(runGcp(narrow), 'verify-zone-violation', 'app', 'data');
    assert.match(snippet(w!), /gcloud compute firewall-rules delete allow-db/);
  });
});

/** Routes after the commands run: created ones added (next hop the default internet gateway), deleted ones gone. */
function gcpRoutesAfter(routes: GcpInventory['routes'], code: string): GcpInventory['routes'] {
  let out = [...routes];
  for (const cmd of commands(code)) {
    const created = /^gcloud compute routes create (\S+)/.exec(cmd);
    const deleted = /^gcloud compute routes delete (\S+)/.exec(cmd);
    if (created) {
      assert.equal(flag(cmd, 'next-hop-gateway'), 'default-internet-gateway', cmd);
      out.push(
        gcpRoute(created[1]!, flag(cmd, 'destination-range')!, {
          network: `${NET.replace(/vpc-ai$/, '')}${flag(cmd, 'network')}`,
        }),
      );
    } else if (deleted) out = out.filter((r) => r.name !== deleted[1]);
    else assert.fail(`unexpected command: ${cmd}`);
  }
  return out;
}

describe('verify fixes (Google Cloud): routes', () => {
  const defaultRoute = gcpRoute('default-internet', '0.0.0.0/0');
  it('deleting the default route that also carries Private Google Access routes the Google API ranges first: applied, data stays off the internet and the APIs stay reachable', () => {
    const inv = gcpWorld({ routes: [defaultRoute] }, { externalDb: true });
    const [v] = gcpFindings(runGcp(inv), 'verify-zone-violation', 'data', 'internet');
    const code = snippet(v!);
    assert.match(
      code,
      /gcloud compute routes create cordon-vpc-ai-private-googleapis --project \S+ --network vpc-ai --destination-range 199\.36\.153\.8\/30 --next-hop-gateway default-internet-gateway\n/,
    );
    assert.match(code, /restricted-googleapis .* --destination-range 199\.36\.153\.4\/30/);
    assert.match(code, /gcloud compute routes delete default-internet --project \S+\n$/);
    assert.match(v!.remediation.text, /Private Google Access takes to 199\.36\.153\.8\/30 and 199\.36\.153\.4\/30/);
    const routes = gcpRoutesAfter(inv.routes, code);
    const after = gcpWorld({ routes }, { externalDb: true });
    assert.equal(gcpFindings(runGcp(after), 'verify-zone-violation', 'data', 'internet').length, 0);
    assert.equal(vipRouting(after, NET, '199.36.153.8/30').reachable, true, 'private.googleapis.com still routed');
  });
  it('the routes it creates take names no route of the project has: route names are per project, not per network, so a taken one failed the create and the delete still cut Private Google Access', () => {
    // Another network of the project already routes private.googleapis.com by the name Google's guide suggests.
    const other = gcpRoute('private-googleapis', '199.36.153.8/30', { network: NET.replace(/vpc-ai$/, 'vpc-other') });
    const inv = gcpWorld({ routes: [defaultRoute, other] }, { externalDb: true });
    const [v] = gcpFindings(runGcp(inv), 'verify-zone-violation', 'data', 'internet');
    const created = commands(snippet(v!)).flatMap((c) => /^gcloud compute routes create (\S+)/.exec(c)?.[1] ?? []);
    assert.equal(created.length, 2, snippet(v!));
    for (const name of created) {
      assert.ok(!inv.routes.some((r) => r.name === name), `${name} is taken in the project`);
      // A route name: lowercase letters, digits and hyphens, a letter first, at most 63 characters.
      assert.match(name, /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/);
    }
  });
  it('where other routes already carry the Google API ranges, the route is deleted alone', () => {
    const vip = gcpRoute('to-private-apis', '199.36.153.8/30');
    const vip2 = gcpRoute('to-restricted-apis', '199.36.153.4/30');
    const inv = gcpWorld({ routes: [defaultRoute, vip, vip2] }, { externalDb: true });
    const [v] = gcpFindings(runGcp(inv), 'verify-zone-violation', 'data', 'internet');
    assert.deepEqual(commands(snippet(v!)), [`gcloud compute routes delete default-internet --project ${PROJECT}`]);
    assert.doesNotMatch(v!.remediation.text, /Private Google Access takes/);
  });
});

describe('verify fixes (Google Cloud): a rule whose ports the policy allows in part', () => {
  it('a VPC rule open to the network on every TCP port: no command that keeps inference on them all or takes 6333 from it', () => {
    const inv = allowDb('10.1.0.0/16', []);
    const [v] = gcpFindings(runGcp(inv), 'verify-zone-violation', 'inference', 'data');
    // Narrowing the sources cannot split the rule's ports: keeping 10.1.2.0/24 leaves the violation, dropping it
    // breaks inference -> data on 6333. A new rule would need the old one's targets, which cordon does not carry.
    assert.equal(v!.remediation.snippet, undefined, v!.remediation.snippet?.code);
    assert.match(v!.remediation.text, /inference is allowed on only some of its ports/);
  });
});

describe("verify fixes: what keeps its check's fix", () => {
  it('a finding cordon cannot decide (a prefix list not in the inventory) keeps the fix of its check: collect the data', () => {
    const inv = threeTier([tcp(6333, 6333, ['10.0.2.0/24']), tcp(6333, 6333, [], [], ['pl-0unknown'])]);
    const unknown = of(runAws(inv), VERIFY_CHECKS.unknown.id, 'app', 'data');
    assert.equal(unknown.length, 1);
    assert.deepEqual(unknown[0]!.remediation, VERIFY_CHECKS.unknown.remediation);
  });
});
