/** `cordon verify` on the bundled examples: the seed's violations with witnesses, and a clean reference. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../support/cli.js';

interface Json {
  matrix: { provider: string; from: string; to: string; violations: number; configurationPermits: string[] }[];
  findings: {
    checkId: string;
    status: string;
    severity: string;
    resource: { id: string };
    origin?: { file: string; pointer?: string };
    evidence: { from: string; to: string; witness: { path: { at: string }[] } };
  }[];
}

describe('cordon verify on the examples', () => {
  it('misconfigured: lateral movement, data-zone internet and sandbox escapes, each with a witness at the rule to change', async () => {
    const r = await runCli(['verify', 'examples/aws/misconfigured', '-p', 'examples/cordon.yaml', '--format', 'json']);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout) as Json;
    const v = (from: string, to: string) =>
      j.findings.filter(
        (f) => f.checkId === 'verify-zone-violation' && f.evidence.from === from && f.evidence.to === to,
      );
    const lateral = v('application', 'data');
    assert.equal(lateral.length, 1);
    assert.equal(lateral[0]!.resource.id, 'sg-0b1b2c3d4e5f6d101');
    assert.deepEqual(lateral[0]!.origin, {
      kind: 'file',
      file: 'examples/aws/misconfigured/describe-security-groups-workloads.json',
      line: 77, // the security group's line: SARIF needs one; the pointer names the rule
      pointer: '/SecurityGroups/2/IpPermissions/0',
    });
    assert.ok(lateral[0]!.evidence.witness.path.length >= 5);
    const dataNet = v('data', 'internet');
    assert.equal(dataNet[0]!.severity, 'critical');
    assert.equal(dataNet[0]!.origin?.pointer, '/RouteTables/1/Routes/1');
    assert.equal(v('sandbox', 'internet').length, 1);
    assert.equal(v('sandbox', 'data').length, 1);
    assert.ok(
      j.findings.some((f) => f.checkId === 'verify-broken-intent' && f.resource.id === 'acl-0b1b2c3d4e5f60003'),
    );
    assert.ok(
      j.findings.some((f) => f.checkId === 'verify-ai-name-public-dns' && f.resource.id === 'vpce-0b1b2c3d4e5f60001'),
    );
    // The JSON carries the whole matrix, including pairs with nothing to report.
    assert.ok(
      j.matrix.some(
        (m) =>
          m.from === 'inference' &&
          m.to === 'data' &&
          m.configurationPermits.includes('tcp/6333-6334') &&
          m.violations === 0,
      ),
    );
  });

  it('reference: verifies clean (exit 0, no failing or undecided finding)', async () => {
    const r = await runCli(['verify', 'examples/aws/reference', '-p', 'examples/cordon.yaml', '--format', 'json']);
    const j = JSON.parse(r.stdout) as Json;
    assert.deepEqual(
      j.findings.filter((f) => f.status !== 'pass').map((f) => f.checkId),
      [],
    );
    assert.equal(r.code, 0);
  });

  it('SARIF points at the permitting rule; table output is deterministic', async () => {
    const s = await runCli(['verify', 'examples/aws/misconfigured', '-p', 'examples/cordon.yaml', '--format', 'sarif']);
    const log = JSON.parse(s.stdout) as {
      runs: {
        results: { ruleId: string; locations: { physicalLocation?: { artifactLocation: { uri: string } } }[] }[];
      }[];
    };
    const lateral = log.runs[0]!.results.filter((x) => x.ruleId === 'verify-zone-violation');
    assert.ok(
      lateral.every((x) =>
        x.locations[0]!.physicalLocation?.artifactLocation.uri.startsWith('examples/aws/misconfigured/'),
      ),
    );
    const a = await runCli(['verify', 'examples/aws/misconfigured', '-p', 'examples/cordon.yaml']);
    const b = await runCli(['verify', 'examples/aws/misconfigured', '-p', 'examples/cordon.yaml']);
    assert.equal(a.stdout, b.stdout);
    assert.match(a.stdout, /application -> data\s+VIOLATION/);
  });

  it('Azure misconfigured: management reaches the AI endpoints, inference reaches the internet, each at its NSG rule', async () => {
    const r = await runCli([
      'verify',
      'examples/azure/misconfigured',
      '-p',
      'examples/cordon.yaml',
      '--format',
      'json',
    ]);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout) as Json;
    const v = (from: string, to: string) =>
      j.findings.filter(
        (f) => f.checkId === 'verify-zone-violation' && f.evidence.from === from && f.evidence.to === to,
      );
    // nsg-pe's allow-https-any (priority 200) wins over the callers-only rule (250): the hub jump box gets in.
    const ai = v('management', 'external_ai');
    assert.equal(ai.length, 1);
    assert.match(ai[0]!.resource.id, /networkSecurityGroups\/nsg-pe$/);
    assert.equal(ai[0]!.origin?.pointer, '/data/0/properties/securityRules/0');
    // snet-inference: no route table, default outbound access, a public IP, and nsg-inference's allow-internet-out.
    const net = v('inference', 'internet');
    assert.equal(net.length, 1);
    assert.equal(net[0]!.severity, 'critical');
    assert.match(net[0]!.resource.id, /networkSecurityGroups\/nsg-inference$/);
    // The jump box's public IP and the 0.0.0.0/0 user route in VirtualNetwork: AllowVnetInBound admits the internet.
    assert.equal(v('internet', 'management').length, 1);
    // NET-002 broken by nsg-inference's deny-pe-https-legacy (priority 90).
    const broken = j.findings.filter((f) => f.checkId === 'verify-broken-intent');
    assert.deepEqual(
      broken.map((f) => [f.evidence.from, f.evidence.to, f.origin?.pointer]),
      [['inference', 'external_ai', '/data/1/properties/securityRules/0']],
    );
    // The batch spoke (inference zone) has no link to privatelink.openai.azure.com; vnet-ai's custom DNS is unknown.
    const dns = j.findings.filter((f) => f.checkId === 'verify-ai-name-public-dns');
    assert.deepEqual(dns.map((f) => [f.resource.id.split('/').pop(), f.status]).sort(), [
      ['vnet-ai', 'not-assessed'],
      ['vnet-batch-inference', 'fail'],
    ]);
    for (const f of [...ai, ...net]) assert.equal(f.evidence.witness.path.length >= 4, true, 'a hop-by-hop witness');
  });

  it('Azure reference: verifies clean (exit 0, no failing or undecided finding)', async () => {
    const r = await runCli(['verify', 'examples/azure/reference', '-p', 'examples/cordon.yaml', '--format', 'json']);
    const j = JSON.parse(r.stdout) as Json;
    assert.deepEqual(
      j.findings.filter((f) => f.status !== 'pass').map((f) => f.checkId),
      [],
    );
    // The firewall admits pypi for the inference VNet, but nsg-inference's deny-internet-out stops it first.
    assert.equal(j.matrix.find((m) => m.from === 'inference' && m.to === 'internet')!.configurationPermits.length, 0);
    assert.equal(r.code, 0);
  });

  it('GCP misconfigured: lateral movement to the vector DB, the sandbox VPC letting the internet into inference and inference out, at the rule to change', async () => {
    const r = await runCli(['verify', 'examples/gcp/misconfigured', '-p', 'examples/cordon.yaml', '--format', 'json']);
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout) as Json;
    const v = (from: string, to: string) =>
      j.findings.filter(
        (f) => f.checkId === 'verify-zone-violation' && f.evidence.from === from && f.evidence.to === to,
      );
    // ml-trainer-1 (10.0.2.130, inference by CIDR) has an external IP; default-allow-ssh admits 0.0.0.0/0 on 22.
    const ssh = v('internet', 'inference');
    assert.equal(ssh.length, 1);
    assert.equal(ssh[0]!.resource.id, 'projects/ai-workloads/global/firewalls/default-allow-ssh');
    assert.deepEqual(ssh[0]!.origin, {
      kind: 'file',
      file: 'examples/gcp/misconfigured/b-firewalls.json',
      line: 31,
      column: 3,
      pointer: '/1',
    });
    assert.ok(ssh[0]!.evidence.witness.path.some((h) => h.at === 'ml-trainer-1'));
    // An external passthrough load balancer in front of the vector DB: the rule "for the load balancer" admits every
    // client, since a passthrough load balancer keeps the client's address.
    const lb = v('internet', 'data');
    assert.equal(lb.length, 1);
    assert.equal(lb[0]!.resource.id, 'projects/ai-net-host/global/firewalls/allow-vector-db-lb');
    assert.deepEqual(
      (lb[0]!.evidence.witness.path as unknown as { at: string; what: string }[]).map((h) => h.at),
      ['forwarding rule vector-db-nlb', 'vector-db-1', 'vector-db-1'],
    );
    // Egress: the implied allow, the default route and the external IP (Cloud NAT would do it too).
    const out = v('inference', 'internet');
    assert.equal(out.length, 1);
    assert.equal(out[0]!.severity, 'critical');
    assert.equal(out[0]!.resource.id, 'projects/ai-workloads/global/routes/default-route-ml-sandbox');
    const what = (out[0]!.evidence.witness.path as unknown as { what: string }[]).map((h) => h.what);
    assert.ok(what.some((w) => /implied allow egress rule/.test(w)));
    // Seed 000's lateral movement: an egress rule left from a debugging session lets the application servers send
    // anything internal, and the load balancer's rule admits every source on 6333 — the vector DB is one hop away;
    // the same egress rule reaches the Vertex AI PSC endpoint, bypassing the inference zone.
    const lateral = v('application', 'data');
    assert.equal(lateral.length, 1);
    assert.equal(lateral[0]!.resource.id, 'projects/ai-net-host/global/firewalls/allow-vector-db-lb');
    assert.deepEqual((lateral[0]!.evidence as unknown as { classes: string[] }).classes, ['tcp/6333']);
    const hops = lateral[0]!.evidence.witness.path as unknown as { at: string; what: string }[];
    assert.ok(hops.some((h) => h.at === 'app-1' && /allow-app-egress-internal/.test(h.what)));
    assert.deepEqual(
      v('application', 'external_ai').map((f) => f.resource.id),
      ['projects/ai-net-host/global/forwardingRules/vertexpsc'],
    );
    // ai-vpc's egress deny keeps the data zone and the sandbox in: nothing to report there.
    for (const [from, to] of [
      ['sandbox', 'internet'],
      ['data', 'internet'],
    ])
      assert.equal(v(from!, to!).length, 0, `${from} -> ${to}`);
    // The sandbox VPC binds no private googleapis.com zone: both Vertex AI names resolve publicly there.
    const dns = j.findings.filter((f) => f.checkId === 'verify-ai-name-public-dns');
    assert.deepEqual(dns.map((f) => [f.resource.id.split('/').pop(), f.status]).sort(), [
      ['ml-sandbox-vpc', 'fail'],
      ['ml-sandbox-vpc', 'fail'],
    ]);
  });

  it('GCP reference: users reach the application only through its external Application Load Balancer', async () => {
    const r = await runCli(['verify', 'examples/gcp/reference', '-p', 'examples/cordon.yaml', '--format', 'json']);
    const j = JSON.parse(r.stdout) as {
      matrix: Json['matrix'];
      findings: (Json['findings'][number] & { message: string })[];
    };
    assert.equal(r.code, 0);
    assert.deepEqual(
      j.findings.filter((f) => f.status !== 'pass').map((f) => [f.checkId, f.resource.id]),
      [],
    );
    // app-1 has no external IP: the load balancer's front end (443) is the way in, through the GFE firewall rule.
    assert.deepEqual(j.matrix.find((m) => m.from === 'internet' && m.to === 'application')!.configurationPermits, [
      'tcp/443',
    ]);
    for (const [from, to] of [
      ['inference', 'external_ai'],
      ['inference', 'data'],
      ['application', 'inference'],
    ])
      assert.equal(j.matrix.find((m) => m.from === from && m.to === to)!.violations, 0);
    assert.deepEqual(j.matrix.find((m) => m.from === 'inference' && m.to === 'external_ai')!.configurationPermits, [
      'tcp/443',
    ]);
  });

  it('GCP reference without the rule admitting the Google Front Ends: NET-000 broken at the backend', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cordon-verify-'));
    try {
      await cp('examples/gcp/reference', dir, { recursive: true });
      const file = path.join(dir, 'assets-compute.json');
      const assets = JSON.parse(await readFile(file, 'utf8')) as { name: string }[];
      await writeFile(file, JSON.stringify(assets.filter((a) => !a.name.endsWith('/allow-gfe-to-application'))));
      const r = await runCli(['verify', dir, '-p', 'examples/cordon.yaml', '--format', 'json']);
      const j = JSON.parse(r.stdout) as { findings: (Json['findings'][number] & { message: string })[] };
      const open = j.findings.filter((f) => f.status !== 'pass');
      assert.deepEqual(
        open.map((f) => [f.checkId, f.evidence.from, f.evidence.to]),
        [['verify-broken-intent', 'internet', 'application']],
      );
      const hops = (open[0]!.evidence as unknown as { witness: { path: { at: string; what: string }[] } }).witness.path;
      assert.match(hops[0]!.what, /forwarding rule app-https/);
      assert.match(hops[1]!.what, /backend service app-backend: instance group app-ig holds app-1, port 443/);
      assert.match(
        hops[2]!.what,
        /proxy \(35\.191\.0\.0\/16, 130\.211\.0\.0\/22\) to port 443: dropped by implied deny/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a snapshot with AWS and Azure files verifies both and merges the reports', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cordon-verify-'));
    try {
      await cp('examples/aws/misconfigured', path.join(dir, 'aws'), { recursive: true });
      await cp('examples/azure/reference', path.join(dir, 'azure'), { recursive: true });
      const r = await runCli(['verify', dir, '-p', 'examples/cordon.yaml', '--format', 'json']);
      const j = JSON.parse(r.stdout) as Json & { stats: { networks: number } };
      assert.equal(r.code, 1);
      const failing = j.findings.filter((f) => f.status === 'fail');
      assert.equal(failing.length > 0, true, 'the AWS violations are there');
      assert.deepEqual(
        failing.filter((f) => f.resource.id.startsWith('/subscriptions/')),
        [],
      );
      assert.deepEqual(
        j.matrix.filter((m) => m.from === 'inference' && m.to === 'external_ai').map((m) => m.provider),
        ['aws', 'azure'],
      );
      const table = await runCli(['verify', dir, '-p', 'examples/cordon.yaml']);
      assert.match(table.stdout, /\[azure\] inference -> external_ai/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a missing snapshot is an input error (exit 2), never a clean proof', async () => {
    const r = await runCli(['verify', 'examples/aws/does-not-exist', '-p', 'examples/cordon.yaml']);
    assert.equal(r.code, 2);
  });

  it('a snapshot without network ACLs is reported not assessed for its scope, never verified clean', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'cordon-verify-'));
    try {
      await cp('examples/aws/reference', dir, { recursive: true });
      await rm(path.join(dir, 'describe-network-acls.json'));
      const r = await runCli(['verify', dir, '-p', 'examples/cordon.yaml', '--format', 'json']);
      const j = JSON.parse(r.stdout) as Json;
      const na = j.findings.filter((f) => f.status === 'not-assessed');
      assert.ok(na.some((f) => /missing ec2:network-acls/.test((f as unknown as { message: string }).message)));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
