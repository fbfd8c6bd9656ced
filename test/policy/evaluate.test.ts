import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../../src/policy/evaluate.js';
import { parsePolicy } from '../../src/policy/load.js';
import { REFERENCE_POLICY_YAML } from '../../src/policy/reference.js';
import { runCli } from '../support/cli.js';

const policy = parsePolicy('cordon.yaml', REFERENCE_POLICY_YAML);

describe('zone decisions (seed 000 policy table)', () => {
  it('allows what an allow rule names: NET-001 application -> inference https/443', () => {
    const d = decide(policy, { from: 'application', to: 'inference', protocol: 'https', port: 443 });
    assert.equal(d.kind, 'allow');
    assert.deepEqual(
      d.decidingRules.map((r) => r.id),
      ['NET-001'],
    );
  });
  it('treats https as TCP: a tcp/443 query matches an https rule (the seed skipped it)', () => {
    assert.equal(decide(policy, { from: 'inference', to: 'external_ai', protocol: 'tcp', port: 443 }).kind, 'allow');
  });
  it('does not let a TCP rule match UDP (the seed let "tcp" rules match every protocol)', () => {
    assert.equal(
      decide(policy, { from: 'inference', to: 'external_ai', protocol: 'udp', port: 443 }).kind,
      'default-deny',
    );
  });
  it('explicit deny: NET-010 application -> external_ai', () => {
    const d = decide(policy, { from: 'application', to: 'external_ai', protocol: 'https', port: 443 });
    assert.equal(d.kind, 'explicit-deny');
    assert.deepEqual(
      d.decidingRules.map((r) => r.id),
      ['NET-010'],
    );
  });
  it('default deny when no rule matches', () => {
    const d = decide(policy, { from: 'application', to: 'data', protocol: 'tcp', port: 5432 });
    assert.equal(d.kind, 'default-deny');
    assert.equal(d.allowed, false);
  });
  it('port ranges: NET-003 covers 6333-6334 and nothing around it', () => {
    for (const [port, kind] of [
      [6332, 'default-deny'],
      [6333, 'allow'],
      [6334, 'allow'],
      [6335, 'default-deny'],
    ] as const) {
      assert.equal(decide(policy, { from: 'inference', to: 'data', protocol: 'tcp', port }).kind, kind, `port ${port}`);
    }
  });
  it('deny beats allow whatever the order of rules', () => {
    const yaml = `version: 1
zones: { a: {}, b: {} }
rules:
  - { id: A1, name: allow, from: a, to: b, action: allow, protocol: tcp, ports: "1-1000", justification: x }
  - { id: D1, name: deny, from: a, to: b, action: deny, protocol: tcp, ports: 22, justification: y }
`;
    const p = parsePolicy('p.yaml', yaml);
    const d = decide(p, { from: 'a', to: 'b', protocol: 'tcp', port: 22 });
    assert.equal(d.kind, 'explicit-deny');
    assert.match(d.reason, /overrides allow A1/);
    assert.equal(decide(p, { from: 'a', to: 'b', protocol: 'tcp', port: 23 }).kind, 'allow');
  });
  it('any-protocol deny covers UDP and ICMP: NET-011 data -> internet', () => {
    assert.equal(decide(policy, { from: 'data', to: 'internet', protocol: 'udp', port: 53 }).kind, 'explicit-deny');
    assert.equal(decide(policy, { from: 'data', to: 'internet', protocol: 'icmp' }).kind, 'explicit-deny');
  });
});

describe('cordon policy check', () => {
  const cwd = process.cwd();
  it('prints the decision and rule, exit 0 for allow', async () => {
    const r = await runCli(
      [
        'policy',
        'check',
        '--from',
        'application',
        '--to',
        'inference',
        '--port',
        '443',
        '--protocol',
        'https',
        '-p',
        'examples/cordon.yaml',
      ],
      { cwd },
    );
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^ALLOW application -> inference https\/443: allowed by NET-001/);
    assert.match(r.stdout, /examples\/cordon.yaml:\d+/);
  });
  it('exit 1 for explicit and default deny, with json output', async () => {
    const r = await runCli(
      [
        'policy',
        'check',
        '--from',
        'application',
        '--to',
        'external_ai',
        '--port',
        '443',
        '-p',
        'examples/cordon.yaml',
        '--format',
        'json',
      ],
      { cwd },
    );
    assert.equal(r.code, 1);
    const j = JSON.parse(r.stdout) as { decision: string; rules: { id: string }[] };
    assert.equal(j.decision, 'explicit-deny');
    assert.deepEqual(
      j.rules.map((x) => x.id),
      ['NET-010'],
    );
    const r2 = await runCli(
      [
        'policy',
        'check',
        '--from',
        'sandbox',
        '--to',
        'data',
        '--port',
        '6333',
        '-p',
        'examples/cordon.yaml',
        '--format',
        'json',
      ],
      { cwd },
    );
    assert.equal(r2.code, 1);
    assert.equal((JSON.parse(r2.stdout) as { decision: string }).decision, 'default-deny');
  });
  it('usage errors exit 2: unknown zone, bad port, missing port', async () => {
    assert.equal(
      (
        await runCli(
          ['policy', 'check', '--from', 'nowhere', '--to', 'data', '--port', '1', '-p', 'examples/cordon.yaml'],
          { cwd },
        )
      ).code,
      2,
    );
    assert.equal(
      (
        await runCli(
          ['policy', 'check', '--from', 'application', '--to', 'data', '--port', '70000', '-p', 'examples/cordon.yaml'],
          { cwd },
        )
      ).code,
      2,
    );
    const r = await runCli(['policy', 'check', '--from', 'application', '--to', 'data', '-p', 'examples/cordon.yaml'], {
      cwd,
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--port is required/);
  });
});
