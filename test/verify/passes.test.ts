/** When `cordon scan` reports a verify check as passed for a scope: only where the question was asked there. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parsePolicy } from '../../src/policy/load.js';
import { scanSnapshot } from '../../src/scan.js';
import { verifyInventory, verifyPasses } from '../../src/verify/run.js';
import { ALL_VERIFY_CHECKS } from '../../src/verify/checks.js';
import type { AwsInventory } from '../../src/inventory/aws.js';
import { appToInference, bedrockEndpoint, eni, inventory, POLICY, sg, subnet, tcp, vpc } from './helpers.js';
import type { GcpInventory } from '../../src/inventory/gcp.js';
import { firewall, PROJECT } from '../support/gcp-build.js';
import { GCP_POLICY, gcpWorld, route, vm } from './gcp-helpers.js';
import { AZURE_POLICY, azureInventory, nic, subnet as azSubnet, vnet as azVnet } from './azure-helpers.js';

const IDS = new Set(ALL_VERIFY_CHECKS.map((c) => c.id));
const passes = (inv: AwsInventory) =>
  verifyPasses(verifyInventory({ provider: 'aws', inventory: inv, errors: [], files: 1 } as never, POLICY), IDS);

/** Two interfaces in one VPC, in subnets tagged with the zones given. */
function twoSubnets(zoneA: string, zoneB: string): AwsInventory {
  const inv = inventory();
  vpc(inv, 'vpc-1', '10.0.0.0/16');
  subnet(inv, 'a', 'vpc-1', '10.0.1.0/24', zoneA);
  subnet(inv, 'b', 'vpc-1', '10.0.2.0/24', zoneB);
  sg(inv, 'sg-a', 'vpc-1', []);
  sg(inv, 'sg-b', 'vpc-1', [tcp(0, 65535, ['10.0.0.0/16'])]);
  eni(inv, 'eni-a', 'a', '10.0.1.10', ['sg-a']);
  eni(inv, 'eni-b', 'b', '10.0.2.10', ['sg-b']);
  return inv;
}

/**
 * An inference interface in vpc-1 (10.0.2.10), optionally with a bedrock-runtime endpoint (private DNS on) it reaches
 * and the data zone it calls on 6333.
 */
function inferenceVpc(opts: { endpoint?: boolean; data?: boolean }): AwsInventory {
  const inv = inventory();
  vpc(inv, 'vpc-1', '10.0.0.0/16');
  subnet(inv, 'inf', 'vpc-1', '10.0.2.0/24', 'inference');
  sg(inv, 'sg-inf', 'vpc-1', []);
  eni(inv, 'eni-inf', 'inf', '10.0.2.10', ['sg-inf']);
  if (opts.endpoint) {
    sg(inv, 'sg-vpce', 'vpc-1', [tcp(443, 443, ['10.0.2.0/24'])]);
    eni(inv, 'eni-vpce', 'inf', '10.0.2.20', ['sg-vpce'], { interfaceType: 'vpc_endpoint' });
    bedrockEndpoint(inv, 'vpce-1', 'vpc-1', 'inf', 'eni-vpce', 'sg-vpce', true);
  }
  if (opts.data) {
    subnet(inv, 'dat', 'vpc-1', '10.0.3.0/24', 'data');
    sg(inv, 'sg-db', 'vpc-1', [tcp(6333, 6333, ['10.0.2.0/24'])]);
    eni(inv, 'eni-db', 'dat', '10.0.3.10', ['sg-db']);
  }
  return inv;
}

/**
 * app (vpc-1) reaches inference (vpc-2) only through a virtual private gateway route (a next hop cordon does not
 * follow); the inference group admits exactly what the policy allows (tcp/443 from app).
 */
function throughVirtualGateway() {
  const inv = inventory();
  vpc(inv, 'vpc-1', '10.0.0.0/16');
  vpc(inv, 'vpc-2', '10.1.0.0/16');
  subnet(inv, 'a', 'vpc-1', '10.0.1.0/24', 'app', [['10.1.0.0/16', 'vgw-1']]);
  subnet(inv, 'b', 'vpc-2', '10.1.2.0/24', 'inference', [['10.0.0.0/16', 'vgw-1']]);
  sg(inv, 'sg-a', 'vpc-1', []);
  sg(inv, 'sg-b', 'vpc-2', [tcp(443, 443, ['10.0.1.0/24'])]);
  eni(inv, 'eni-a', 'a', '10.0.1.10', ['sg-a']);
  eni(inv, 'eni-b', 'b', '10.1.2.10', ['sg-b']);
  return verifyInventory({ provider: 'aws', inventory: inv, errors: [], files: 1 } as never, POLICY);
}

describe('verify passes in scan', () => {
  it('a scope whose interfaces sit in no policy zone was not verified: no pass', () => {
    // Subnet tags that match no zone (a typo in the selector): nothing there was compared with the policy.
    const p = passes(twoSubnets('aplication', 'dta'));
    assert.deepEqual(
      p.map((f) => f.checkId),
      [],
    );
  });
  it('a scope without any interface was not verified: no pass', () => {
    const inv = inventory();
    vpc(inv, 'vpc-1', '10.0.0.0/16');
    subnet(inv, 'a', 'vpc-1', '10.0.1.0/24', 'app');
    assert.deepEqual(
      passes(inv).map((f) => f.checkId),
      [],
    );
  });
  it('a scope whose zoned interfaces were verified clean passes', () => {
    const p = passes(appToInference());
    assert.ok(
      p.some((f) => f.checkId === 'verify-zone-violation'),
      JSON.stringify(p.map((f) => f.checkId)),
    );
  });
  it('an allowed flow cordon cannot decide (a next hop it does not follow) is not assessed, never a broken-intent pass', () => {
    // The allowed flow is maybe; nothing denied is undecided either.
    const v = throughVirtualGateway();
    const cellAppInference = v.result.matrix.find((m) => m.from === 'app' && m.to === 'inference')!;
    assert.deepEqual(cellAppInference.unknown, ['tcp/443'], 'the control: the allowed flow is undecided');
    const undecided = v.result.findings.filter(
      (f) => f.checkId === 'verify-not-assessed' && f.evidence?.from === 'app' && f.evidence?.to === 'inference',
    );
    assert.equal(undecided.length, 1, JSON.stringify(v.result.findings.map((f) => [f.checkId, f.message])));
    assert.match(undecided[0]!.message, /tcp\/443/);
    assert.match(undecided[0]!.message, /rtb-a: 10.1.0.0\/16/);
    assert.deepEqual(
      verifyPasses(v, IDS).filter((f) => f.checkId === 'verify-broken-intent'),
      [],
    );
  });
  // lookupRoute answers 'unknown' without the route: the trace's hop names it (unknownRoute), else the finding's
  // origin fell back to the witness's last located hop (an ACL entry) and SARIF pointed at the wrong resource.
  it('a finding undecided at a route cordon does not follow is located (SARIF) at that route', () => {
    const v = throughVirtualGateway();
    const f = v.result.findings.find((x) => x.checkId === 'verify-not-assessed' && x.evidence?.from === 'app')!;
    assert.equal(f.origin?.kind === 'file' ? f.origin.pointer : undefined, '/rt/a/Routes/1');
  });
});

describe('verify passes in scan (GCP): hierarchical firewall policies not read', () => {
  const allowInference = firewall('allow-inference-db', {
    direction: 'INGRESS',
    sourceRanges: ['10.1.2.0/24'],
    targetTags: ['data'],
    allowed: [{ protocol: 'tcp', ports: ['6333'] }],
  });
  /** The three-zone world with every data set the model reads. */
  const world = () => {
    const inv = gcpWorld({ firewalls: [allowInference] });
    for (const d of ['compute:addresses', 'compute:forwarding-rules'] as const) inv.datasets.get(PROJECT)!.add(d);
    return inv;
  };
  const notAssessed = (v: ReturnType<typeof verifyGcp>) =>
    [...v.result.findings, ...v.extra].filter((f) => f.checkId === 'verify-not-assessed').map((f) => f.message);
  const verifyGcp = (inv: GcpInventory) =>
    verifyInventory({ provider: 'gcp', inventory: inv, errors: [], files: 1 } as never, GCP_POLICY);
  it('an organization whose firewall policies could not be read leaves app -> data undecided, never a pass', () => {
    // An organization policy could allow app -> data before the VPC rules are consulted: cordon cannot know.
    const inv = world();
    inv.datasets.delete('organizations/1');
    inv.unavailable.set(
      'organizations/1',
      new Map([['compute:hierarchical-firewall-policies', { reason: 'permission denied' }]]),
    );
    const v = verifyGcp(inv);
    const cellAppData = v.result.matrix.find((m) => m.from === 'app' && m.to === 'data')!;
    assert.ok(
      cellAppData.unknown.length > 0 || notAssessed(v).some((m) => /hierarchical-firewall-policies/.test(m)),
      JSON.stringify(notAssessed(v)),
    );
    assert.deepEqual(
      verifyPasses(v, IDS).map((f) => f.checkId),
      [],
    );
  });
  it('read, and holding no policy, the same network verifies clean', () => {
    const v = verifyGcp(world());
    const cellAppData = v.result.matrix.find((m) => m.from === 'app' && m.to === 'data')!;
    assert.deepEqual(cellAppData.unknown, []);
    assert.deepEqual(notAssessed(v), []);
  });
});

describe('verify passes in scan: AI service names', () => {
  it('a calling VPC in a scope without any endpoint for the approved service resolves the name publicly: no pass', () => {
    // inference calls external_ai (bedrock-runtime); nothing in the account/region gives the name a private answer.
    assert.ok(!passes(inferenceVpc({})).some((f) => f.checkId === 'verify-ai-name-public-dns'));
  });
  it('with an endpoint whose private DNS answers for the calling VPC, the scope passes', () => {
    assert.ok(passes(inferenceVpc({ endpoint: true })).some((f) => f.checkId === 'verify-ai-name-public-dns'));
  });
});

describe('verify passes in scan (Azure): AI service names', () => {
  it('a calling VNet in a subscription with no private endpoint for the approved service gets no DNS pass', () => {
    const inv = azureInventory();
    azVnet(inv, 'vnet-inf', '10.2.0.0/16', 'inference');
    azSubnet(inv, 'vnet-inf', 'inf', '10.2.1.0/24');
    nic(inv, 'nic-inf', 'vnet-inf', 'inf', '10.2.1.10');
    const v = verifyInventory({ provider: 'azure', inventory: inv, errors: [], files: 1 } as never, AZURE_POLICY);
    assert.ok(v.zonedScopes.size > 0, 'the inference NIC is zoned');
    assert.ok(!verifyPasses(v, IDS).some((f) => f.checkId === 'verify-ai-name-public-dns'));
  });
});

describe('verify passes in scan (GCP): AI service names', () => {
  const verifyGcp = (inv: GcpInventory) =>
    verifyInventory({ provider: 'gcp', inventory: inv, errors: [], files: 1 } as never, GCP_POLICY);
  /** A world with every data set the model reads, so a clean project passes. */
  const complete = (parts: Parameters<typeof gcpWorld>[0]) => {
    const inv = gcpWorld(parts);
    for (const d of ['compute:addresses', 'compute:forwarding-rules'] as const) inv.datasets.get(PROJECT)!.add(d);
    return inv;
  };
  const origin = { kind: 'file' as const, file: 'dns.json' };
  /** googleapis.com privately: a zone bound to the network answering the restricted VIP. */
  const privateGoogleApis: Parameters<typeof gcpWorld>[0] = {
    managedZones: [
      {
        project: PROJECT,
        region: 'global',
        origin,
        id: `projects/${PROJECT}/managedZones/googleapis`,
        name: 'googleapis',
        labels: {},
        dnsName: 'googleapis.com.',
        visibility: 'private',
        networks: [`projects/${PROJECT}/global/networks/vpc-ai`],
        gkeClusters: [],
        forwardingTargets: [],
      },
    ],
    recordSets: [
      ['*.googleapis.com.', 'CNAME', ['restricted.googleapis.com.']] as const,
      ['restricted.googleapis.com.', 'A', ['199.36.153.4']] as const,
    ].map(([name, type, rrdatas]) => ({
      project: PROJECT,
      region: 'global',
      origin,
      id: `projects/${PROJECT}/managedZones/googleapis/rrsets/${name}/${type}`,
      name,
      zone: `projects/${PROJECT}/managedZones/googleapis`,
      dnsName: name,
      type,
      rrdatas: [...rrdatas],
    })),
  };
  const dnsPass = (inv: GcpInventory) =>
    verifyPasses(verifyGcp(inv), IDS).some((f) => f.checkId === 'verify-ai-name-public-dns');
  it('a calling network whose names resolve privately passes', () => {
    assert.equal(dnsPass(complete(privateGoogleApis)), true);
  });
  it('a project where no zone that calls Vertex AI has an instance was asked nothing: no DNS pass', () => {
    // Only app and data instances: the policy lets inference alone call the AI service zone.
    const inv = complete({
      ...privateGoogleApis,
      instances: [vm('app-1', '10.1.1.10', 'app'), vm('db-1', '10.1.3.10', 'data')],
    });
    const v = verifyGcp(inv);
    assert.ok(v.zonedScopes.size > 0, 'the project is zoned');
    assert.ok(
      verifyPasses(v, IDS).some((f) => f.checkId === 'verify-zone-violation'),
      'the project was verified (other checks pass)',
    );
    assert.equal(dnsPass(inv), false);
  });
});

describe('verify passes in scan (GCP): Shared VPC', () => {
  it("a service project whose instance the host network's rule exposes gets no pass, though the rule is the host's", () => {
    const svc = vm('svc-db', '10.1.3.20', 'data', { external: true });
    svc.project = 'ai-svc';
    svc.id = 'projects/ai-svc/zones/us-central1-a/instances/svc-db';
    const inv = gcpWorld({
      routes: [route('default-internet', '0.0.0.0/0')],
      firewalls: [
        firewall('ssh-from-anywhere', {
          direction: 'INGRESS',
          sourceRanges: ['0.0.0.0/0'],
          targetTags: ['data'],
          allowed: [{ protocol: 'tcp', ports: ['22'] }],
        }),
      ],
    });
    inv.instances = [inv.instances[0]!, svc];
    for (const d of ['compute:addresses', 'compute:forwarding-rules'] as const) inv.datasets.get(PROJECT)!.add(d);
    inv.datasets.set('ai-svc', new Set(inv.datasets.get(PROJECT)));
    const v = verifyInventory({ provider: 'gcp', inventory: inv, errors: [], files: 1 } as never, GCP_POLICY);
    const fail = v.result.findings.find(
      (f) => f.checkId === 'verify-zone-violation' && f.evidence?.from === 'internet',
    );
    assert.equal(fail?.resource.account, PROJECT, 'the rule to change is in the host project');
    const svcPasses = verifyPasses(v, IDS).filter((f) => f.resource.account === 'ai-svc');
    assert.ok(
      !svcPasses.some((f) => f.checkId === 'verify-zone-violation'),
      JSON.stringify(svcPasses.map((f) => f.checkId)),
    );
  });
});

describe('verify passes in scan: allowed flows with nothing to reach', () => {
  it('inference allowed to call the AI service zone, with no endpoint of it anywhere: no broken-intent pass', () => {
    // Nothing answers for external_ai: that inference can reach Bedrock was never shown (data is there and reached).
    assert.ok(!passes(inferenceVpc({ data: true })).some((f) => f.checkId === 'verify-broken-intent'));
  });
  it('with the endpoint there and reachable, the allowed flow passes', () => {
    assert.ok(passes(inferenceVpc({ endpoint: true, data: true })).some((f) => f.checkId === 'verify-broken-intent'));
  });
});

describe('scan with only some verify checks selected', () => {
  it('still reports what the verification could not decide, unless verify-not-assessed is skipped by name', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cordon-verify-select-'));
    try {
      cpSync('examples/aws/misconfigured', dir, { recursive: true });
      // Without network ACLs the model cannot be built for the scope: not verified.
      rmSync(path.join(dir, 'describe-network-acls.json'));
      const policy = parsePolicy('examples/cordon.yaml', await readFile('examples/cordon.yaml', 'utf8'));
      const scan = (extra: { checks?: string[]; skipChecks?: string[] }) =>
        scanSnapshot({ snapshot: dir, policy, policySource: 'p', cwd: process.cwd(), today: '2026-12-05', ...extra });
      const only = await scan({ checks: ['verify-zone-violation'] });
      assert.ok(only.findings.some((f) => f.checkId === 'verify-not-assessed' && f.status === 'not-assessed'));
      assert.ok(!only.findings.some((f) => f.checkId === 'verify-zone-violation' && f.status === 'pass'));
      const skipped = await scan({ checks: ['verify-zone-violation'], skipChecks: ['verify-not-assessed'] });
      assert.ok(!skipped.findings.some((f) => f.checkId === 'verify-not-assessed'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('GCP interfaces whose address is assigned at deploy', () => {
  const atDeploy = (range: string | undefined) => {
    const inv = gcpWorld();
    const db = inv.instances.find((i) => i.id.endsWith('/db-1'))!;
    delete db.networkInterfaces[0]!.networkIP;
    const snet = inv.subnetworks.find((s) => s.id.endsWith('/snet-data'))!;
    if (range === undefined) delete snet.ipCidrRange;
    else snet.ipCidrRange = range;
    return verifyInventory({ provider: 'gcp', inventory: inv, errors: [], files: 1 } as never, GCP_POLICY);
  };
  it('get stand-in addresses of their subnetwork', () => {
    const v = atDeploy('10.1.3.0/24');
    assert.ok(!v.extra.some((f) => /address at deploy/.test(f.message)));
    assert.equal(v.result.stats.interfaces, 3);
  });
  it('make the project not verified when the subnetwork has no usable range', () => {
    for (const range of [undefined, '10.1.3.0/30']) {
      const v = atDeploy(range);
      const f = v.extra.find((x) => x.checkId === 'verify-not-assessed' && /address at deploy/.test(x.message));
      assert.ok(f, `range ${range}`);
      assert.match(f.message, /db-1/);
      assert.equal(v.result.stats.interfaces, 2);
    }
  });
});
