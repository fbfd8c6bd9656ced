/**
 * Issue 14 (flow monitor fidelity on real mixed inputs): each point has a case that fires and one that stays silent,
 * built from documentation-shaped records, and every case runs through both engines (runBoth proves they agree).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alertsOf, log, r53, referencePolicy, runBoth, v2 } from './helpers.js';

const INF = '10.0.2.20';
const BEDROCK = 'bedrock-runtime.us-east-1.amazonaws.com';

test('DNS leak: an approved AI name answered with a public address fires; a private endpoint answer does not', async () => {
  const leak = await runBoth({
    'dns.log': r53({ name: BEDROCK, answers: [['A', '52.119.200.10']], src: INF }) + '\n',
  });
  const a = alertsOf(leak, 'dns-ai-public-answer');
  assert.equal(a.length, 1);
  assert.equal(a[0]!.severity, 'high');
  assert.equal(a[0]!.resource, 'vpc-0a1b2c3d4e5f67890');
  assert.match(a[0]!.message, /bedrock-runtime\.us-east-1\.amazonaws\.com resolved to public address 52\.119\.200\.10/);
  assert.deepEqual([a[0]!.file, a[0]!.line], ['dns.log', 1]);

  const quiet = await runBoth({
    'dns.log':
      [
        r53({ name: BEDROCK, answers: [['A', '10.0.2.50']], src: INF }),
        // Not an AI name: a public answer is ordinary.
        r53({ name: 's3.us-east-1.amazonaws.com', answers: [['A', '52.216.8.10']], src: INF }),
      ].join('\n') + '\n',
  });
  assert.equal(alertsOf(quiet, 'dns-ai-public-answer').length, 0);
  // An answer inside flows.approved_ai_cidrs is an approved public endpoint, not a leak.
  const approved = await runBoth(
    { 'dns.log': r53({ name: BEDROCK, answers: [['A', '52.119.200.10']], src: INF }) + '\n' },
    referencePolicy("  approved_ai_cidrs: ['52.119.0.0/16']"),
  );
  assert.equal(alertsOf(approved, 'dns-ai-public-answer').length, 0);
});

test('DNS leak never whitelists its own destination: only private answers are learned as the AI endpoint', async () => {
  // The flow file sorts before the DNS file: DNS logs are read first all the same.
  const leak = await runBoth({
    'a-flows.log': log(v2(INF, '52.119.200.10', 50000, 443)),
    'z-dns.log': r53({ name: BEDROCK, answers: [['A', '52.119.200.10']], src: INF }) + '\n',
  });
  assert.equal(alertsOf(leak, 'flow-inference-unapproved-endpoint').length, 1);
  assert.ok(leak.matrix.some((m) => m.from === 'inference' && m.to === 'internet'));

  // The private endpoint address sits inside the inference subnet: the learned /32 is the service zone (most specific
  // wins), so the flow is inference -> external_ai, which NET-002 allows.
  const priv = await runBoth({
    'a-flows.log': log(v2(INF, '10.0.2.50', 50000, 443)),
    'z-dns.log': r53({ name: BEDROCK, answers: [['A', '10.0.2.50']], src: INF }) + '\n',
  });
  assert.deepEqual(
    priv.alerts.map((x) => x.rule.id),
    [],
  );
  assert.ok(priv.matrix.some((m) => m.from === 'inference' && m.to === 'external_ai'));
});

/** n pseudo-random hex characters (xorshift32), deterministic per seed. */
function hex(seed: number, n = 17): string {
  let x = (seed + 1) * 2654435761;
  let out = '';
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += '0123456789abcdef'[(x >>> 8) & 15];
  }
  return out;
}

test('DNS tunnelling: long interface-endpoint names from one host do not fire; many distinct random names under one registrable domain do', async () => {
  // A handful of documentation-shaped interface-endpoint names: long and hex-labelled, all three per-name features.
  const vpce = [0, 1, 2, 3, 4].map(
    (k) => `vpce-0${hex(k)}-${hex(k + 9, 8)}.bedrock-runtime.us-east-1.vpce.amazonaws.com`,
  );
  assert.ok(vpce.every((n) => n.length > 52));
  const quiet = await runBoth({
    'dns.log': vpce.map((name, k) => r53({ name, src: INF, answers: [['A', `10.0.2.${50 + k}`]] })).join('\n') + '\n',
  });
  assert.equal(alertsOf(quiet, 'dns-tunnelling').length, 0);

  // A tunnel under a private-section public suffix (github.io): the base domain is the owner's, not github.io.
  const tunnel = Array.from({ length: 120 }, (_, k) =>
    r53({
      name: `${hex(k, 24)}${hex(k + 500, 24)}.attacker.github.io`,
      src: '10.0.5.9',
      time: `2025-11-22T00:10:${String(k % 60).padStart(2, '0')}Z`,
    }),
  );
  const other = r53({ name: 'docs.someone-else.github.io', src: '10.0.5.9' });
  const loud = await runBoth({ 'dns.log': [...tunnel, other].join('\n') + '\n' });
  const a = alertsOf(loud, 'dns-tunnelling');
  assert.equal(a.length, 1);
  assert.equal(a[0]!.evidence.baseDomain, 'attacker.github.io');
  assert.deepEqual(a[0]!.evidence.signals, ['unusual-names', 'many-subdomains']);
  assert.deepEqual(a[0]!.evidence.nameFeatures, ['long-name', 'long-label', 'high-entropy-label']);

  // The policy can allow a known name pattern: the same queries are then not judged.
  const allowed = await runBoth(
    { 'dns.log': [...tunnel, other].join('\n') + '\n' },
    referencePolicy("  dns:\n    allowed_names: ['*.attacker.github.io']"),
  );
  assert.equal(alertsOf(allowed, 'dns-tunnelling').length, 0);
});
