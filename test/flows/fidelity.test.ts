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
