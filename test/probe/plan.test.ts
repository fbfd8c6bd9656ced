// The probe plan derived from the policy, and `cordon probe --plan` (nothing is sent).
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadPolicyFile, parsePolicy } from '../../src/policy/load.js';
import { awsServiceHost } from '../../src/probe/names.js';
import { derivePlan, parseResolvConf } from '../../src/probe/plan.js';
import { loadAwsSnapshot } from '../../src/sources/aws-snapshot/load.js';
import { runCli } from '../support/cli.js';

const example = await loadPolicyFile('examples/cordon.yaml');
// A resolv.conf of our own, so plans do not depend on the machine running the tests.
const dir = await mkdtemp(path.join(tmpdir(), 'cordon-plan-'));
const resolvConf = path.join(dir, 'resolv.conf');
await writeFile(resolvConf, '# test\nnameserver 192.0.2.53\nnameserver 2001:db8::53\noptions ndots:2\n');
const policy = {
  ...example,
  document: { ...example.document, probe: { ...example.document.probe, resolv_conf: resolvConf } },
};

describe('probe plan', () => {
  it('asks the system resolver and every nameserver of resolv.conf', async () => {
    const plan = await derivePlan({ policy, policySource: 'p', zone: 'inference' });
    assert.deepEqual(
      plan.resolvers.map((r) => r.id),
      ['system', '192.0.2.53', '2001:db8::53'],
    );
    const dns = plan.tests.filter(
      (t) => t.kind === 'dns' && t.name?.name === 'bedrock-runtime.us-east-1.amazonaws.com',
    );
    assert.equal(dns.length, 3);
    assert.deepEqual(parseResolvConf('nameserver fe80::1%eth0\nnameserver bogus\n#nameserver 10.0.0.1\n'), ['fe80::1']);
  });

  it('derives what inference must reach and must not from the rules', async () => {
    const plan = await derivePlan({ policy, policySource: 'p', zone: 'inference' });
    const by = (kind: string) => plan.tests.filter((t) => t.kind === kind).map((t) => t.target);
    assert.ok(by('ai-reach').includes('bedrock-runtime.us-east-1.amazonaws.com:443'));
    assert.deepEqual(by('ai-blocked'), []);
    assert.deepEqual(by('reach').sort(), ['10.0.3.10:6333', '10.0.3.10:6334', '10.0.4.10:443', '10.0.5.10:8443']);
    assert.deepEqual(by('lateral'), ['10.0.1.10:443']);
    assert.deepEqual(by('tool-isolation'), []);
    const reach = plan.tests.find((t) => t.target === '10.0.3.10:6333')!;
    assert.deepEqual(reach.ruleIds, ['NET-003']);
    // Without public addresses or canaries these tests are planned, and reported not assessed, never dropped.
    assert.match(plan.tests.find((t) => t.kind === 'public-fallback')!.unassessed!, /probe\.public_addresses/);
    assert.match(plan.tests.find((t) => t.kind === 'egress')!.unassessed!, /probe\.canaries/);
  });

  it('turns the AI tests around for a zone the policy keeps from AI services, and adds tool isolation in sandbox', async () => {
    const app = await derivePlan({ policy, policySource: 'p', zone: 'application' });
    assert.equal(app.tests.filter((t) => t.kind === 'ai-reach').length, 0);
    const blocked = app.tests.find((t) => t.kind === 'ai-blocked')!;
    assert.match(blocked.why, /explicitly denied by NET-010/);
    const sbx = await derivePlan({ policy, policySource: 'p', zone: 'sandbox' });
    const tools = sbx.tests.filter((t) => t.kind === 'tool-isolation').map((t) => t.url);
    assert.ok(tools.includes('http://169.254.169.254/latest/meta-data/'));
    assert.ok(tools.includes('http://169.254.170.2/'));
    assert.ok(tools.includes('http://10.0.3.10:6333/'));
  });

  it('plans egress to listed internet hosts, and leaves ports the policy allows out of tool isolation', async () => {
    const p = parsePolicy(
      'p.yaml',
      `version: 1
zones:
  sandbox: {}
  data: {}
  internet: { kind: internet }
rules:
  - { id: R1, name: results store, from: sandbox, to: data, action: allow, protocol: tcp, ports: 9000, justification: results }
probe:
  hosts:
    internet: [{ address: 203.0.113.7, ports: [443] }]
    data: [{ address: 192.0.2.9, ports: [9000, 5432] }]
`,
    );
    const plan = await derivePlan({ policy: p, policySource: 'p.yaml', zone: 'sandbox', skip: ['dns'] });
    const of = (kind: string) => plan.tests.filter((t) => t.kind === kind && !t.unassessed).map((t) => t.target);
    assert.deepEqual(of('egress'), ['203.0.113.7:443']);
    assert.deepEqual(of('reach'), ['192.0.2.9:9000']);
    assert.deepEqual(of('lateral'), ['192.0.2.9:5432']);
    assert.ok(of('tool-isolation').includes('internal 192.0.2.9:5432'));
    assert.ok(!of('tool-isolation').includes('internal 192.0.2.9:9000'));
  });

  it('selects kinds with only and skip, and rejects unknown kinds and zones', async () => {
    const only = await derivePlan({ policy, policySource: 'p', zone: 'inference', only: ['lateral', 'reach'] });
    assert.deepEqual([...new Set(only.tests.map((t) => t.kind))].sort(), ['lateral', 'reach']);
    const skip = await derivePlan({ policy, policySource: 'p', zone: 'inference', skip: ['dns'] });
    assert.ok(!skip.tests.some((t) => t.kind === 'dns'));
    await assert.rejects(
      derivePlan({ policy, policySource: 'p', zone: 'inference', only: ['dsn'] }),
      /unknown test kind "dsn"/,
    );
    await assert.rejects(derivePlan({ policy, policySource: 'p', zone: 'nowhere' }), /zone "nowhere" is not in p/);
    await assert.rejects(derivePlan({ policy, policySource: 'p', zone: 'external_ai' }), /of kind service/);
  });

  it('names a host zone the policy lacks with its line', async () => {
    const bad = parsePolicy(
      'bad.yaml',
      'version: 1\nzones:\n  app: {}\nprobe:\n  hosts:\n    dta: [{ address: 192.0.2.1, ports: [1] }]\n',
    );
    await assert.rejects(
      derivePlan({ policy: bad, policySource: 'bad.yaml', zone: 'app' }),
      (e: Error & { format?: () => string }) => {
        assert.equal(
          e.format?.(),
          'bad.yaml:6:5: probe.hosts names zone dta, which the policy does not define (at /probe/hosts/dta)',
        );
        return true;
      },
    );
  });

  it('with a snapshot, expects exactly the interface endpoint addresses', async () => {
    const snap = await loadAwsSnapshot('examples/aws/reference');
    const plan = await derivePlan({
      policy,
      policySource: 'p',
      zone: 'inference',
      inventory: snap.inventory,
      only: ['dns'],
    });
    const t = plan.tests.find((x) => x.target === 'bedrock-runtime.us-east-1.amazonaws.com @ system')!;
    assert.deepEqual(t.name?.endpointAddresses, ['10.0.2.11', '10.0.2.141']);
    assert.equal(awsServiceHost('sagemaker.runtime', 'eu-west-1'), 'runtime.sagemaker.eu-west-1.amazonaws.com');
    assert.equal(awsServiceHost('bedrock-agent-runtime', 'eu-west-1'), 'bedrock-agent-runtime.eu-west-1.amazonaws.com');
  });

  it('cordon probe --plan on examples/cordon.yaml prints the plan and sends nothing', async () => {
    const r = await runCli(['probe', '--zone', 'sandbox', '--policy', 'examples/cordon.yaml', '--plan']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Probe plan for zone sandbox \(policy: examples\/cordon\.yaml\)/);
    assert.match(r.stdout, /tool-isolation \(probe-tool-isolation, \d+\)/);
    assert.match(r.stdout, /metadata 169\.254\.169\.254\n {6}expect: the HTTP request fails/);
    assert.match(r.stdout, /nothing was sent/);
    const json = await runCli(['probe', '-z', 'inference', '-p', 'examples/cordon.yaml', '--plan', '-f', 'json']);
    const plan = (JSON.parse(json.stdout) as { plan: { zone: string; tests: unknown[] } }).plan;
    assert.equal(plan.zone, 'inference');
    assert.ok(plan.tests.length > 10);
    const bad = await runCli(['probe', '-z', 'inference', '-p', 'examples/cordon.yaml', '--plan', '--timeout', 'soon']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--timeout takes a positive whole number, got soon/);
  });
});
