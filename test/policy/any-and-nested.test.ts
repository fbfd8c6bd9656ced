/**
 * Policy forms issue 14 asked for: a rule may name "any" zone (the sandbox reaches nothing), and a zone nested in
 * another zone's range is "most specific wins" for lint as it is for flows, not an overlap error.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide } from '../../src/policy/evaluate.js';
import { lintPolicy } from '../../src/policy/lint.js';
import { parsePolicy } from '../../src/policy/load.js';
import { InputErrors } from '../../src/util/errors.js';

const POLICY = `version: 1
zones:
  inference: { cidrs: [10.0.2.0/24] }
  sandbox: { cidrs: [10.0.5.0/24] }
  data: { cidrs: [10.0.3.0/24] }
  external_ai: { kind: service, cidrs: [10.0.2.128/28], services: { aws: [bedrock-runtime] } }
  internet: { kind: internet }
rules:
  - { id: ANY-1, name: everything may reach the data zone on 6333, from: any, to: data, action: allow, protocol: tcp, ports: 6333, justification: j }
  - { id: SBX-1, name: the sandbox reaches nothing, from: sandbox, to: any, action: deny, protocol: any, justification: j }
  - { id: NET-2, name: inference to AI, from: inference, to: external_ai, action: allow, protocol: https, justification: j }
`;

describe('rules naming any zone', () => {
  const policy = parsePolicy('p.yaml', POLICY);
  it('"to: any" denies the sandbox everything, and the deny beats an allow that names it', () => {
    for (const to of ['internet', 'data', 'inference', 'external_ai'])
      assert.equal(decide(policy, { from: 'sandbox', to, protocol: 'tcp', port: 6333 }).allowed, false, to);
  });
  it('"from: any" allows every zone, within its ports', () => {
    assert.equal(decide(policy, { from: 'inference', to: 'data', protocol: 'tcp', port: 6333 }).allowed, true);
    assert.equal(decide(policy, { from: 'inference', to: 'data', protocol: 'tcp', port: 22 }).allowed, false);
  });
  it('a zone may not be called "any"', () => {
    assert.throws(
      () => parsePolicy('p.yaml', POLICY.replace('  data: {', '  any: { cidrs: [10.9.0.0/16] }\n  data: {')),
      (e: unknown) => e instanceof InputErrors && /"any" is reserved/.test(e.message),
    );
  });
});

describe('nested zones in lint', () => {
  it('a service zone inside a network zone is information (most specific wins), equal ranges an error', () => {
    const problems = lintPolicy(parsePolicy('p.yaml', POLICY));
    assert.deepEqual(
      problems.filter((p) => p.code === 'zone-cidr-overlap'),
      [],
    );
    const nested = problems.find((p) => p.code === 'zone-cidr-nested');
    assert.equal(nested?.level, 'info');
    assert.match(nested.message, /external_ai .* sits inside zone inference/);
    const same = lintPolicy(parsePolicy('p.yaml', POLICY.replace('[10.0.2.128/28]', '[10.0.2.0/24]')));
    assert.equal(same.filter((p) => p.code === 'zone-cidr-overlap').length, 1);
  });
});
