// The DNS test against a real DNS server on loopback: private, public, split and missing answers, and a resolver
// that never answers. Only 127.0.0.1 is asked; the system resolver is not used here (it would ask the host's DNS).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { classifyAddress } from '../../src/probe/dns.js';
import { Prober } from '../../src/probe/net.js';
import type { PlannedTest } from '../../src/probe/plan.js';
import { runDns } from '../../src/probe/tests/dns.js';
import { startServices, type Running } from '../support/probe-services.js';

const NAME = 'bedrock-runtime.us-east-1.amazonaws.com';
let good: Running;
let leaky: Running;
let silent: Running;

function dnsTest(server: string, extra: Partial<PlannedTest> = {}): PlannedTest {
  return {
    kind: 'dns',
    target: `${NAME} @ ${server}`,
    expect: '',
    why: '',
    ruleIds: [],
    policyPath: [],
    name: { name: NAME, provider: 'aws', service: 'bedrock-runtime' },
    allowedCidrs: ['10.0.6.0/24'],
    resolver: { id: server, source: 'probe.resolvers' },
    ...extra,
  };
}

const ctx = () => ({ prober: new Prober({ timeoutMs: 300, concurrency: 4, routes: () => [] }), marker: 'm' });

before(async () => {
  good = await startServices({
    dns: [
      {
        address: '127.0.0.1',
        port: 0,
        zone: {
          [NAME]: { A: ['10.0.6.10', '10.0.6.11'] },
          'bedrock.us-east-1.amazonaws.com': { A: ['10.0.9.9'] },
          'sagemaker.us-east-1.amazonaws.com': 'nxdomain',
        },
      },
    ],
  });
  // A second resolver of the same host forwarding to public DNS: the split answer getaddrinfo alone would hide.
  leaky = await startServices({
    dns: [{ address: '127.0.0.1', port: 0, zone: { [NAME]: { A: ['10.0.6.10'], AAAA: ['2600:1f18::1'] } } }],
  });
  silent = await startServices({ dns: [{ address: '127.0.0.1', port: 0, zone: { [NAME]: 'drop' } }] });
});
after(async () => {
  await Promise.all([good.close(), leaky.close(), silent.close()]);
});

describe('probe dns test', () => {
  it('passes when every answer lies in the service zone', async () => {
    const r = await runDns(dnsTest(`127.0.0.1:${good.dnsPorts[0]}`), ctx());
    assert.equal(r.status, 'pass', r.message);
    assert.deepEqual(r.evidence.A, ['10.0.6.10', '10.0.6.11']);
    assert.equal(r.evidence.aaaaCode, 'ENODATA');
    assert.ok(
      good.queries.some((q) => q.endsWith(`${NAME} AAAA`)),
      'AAAA was asked too',
    );
  });

  it('fails on a public answer from one resolver (split answer), naming the resolver and the address', async () => {
    const server = `127.0.0.1:${leaky.dnsPorts[0]}`;
    const r = await runDns(dnsTest(server), ctx());
    assert.equal(r.status, 'fail');
    assert.match(r.message, new RegExp(`at resolver ${server}`));
    assert.match(r.message, /2600:1f18::1 \(a public address: DNS leak\)/);
    assert.equal(r.evidence.resolver, server);
  });

  it('fails on a private answer outside the service zone', async () => {
    const t = dnsTest(`127.0.0.1:${good.dnsPorts[0]}`, {
      name: { name: 'bedrock.us-east-1.amazonaws.com', provider: 'aws', service: 'bedrock' },
    });
    const r = await runDns(t, ctx());
    assert.equal(r.status, 'fail');
    assert.match(r.message, /10\.0\.9\.9 \(outside the service zone \(10\.0\.6\.0\/24\)\)/);
  });

  it('with a snapshot, demands exactly the endpoint addresses', async () => {
    const server = `127.0.0.1:${good.dnsPorts[0]}`;
    const name = { name: NAME, provider: 'aws' as const, service: 'bedrock-runtime', endpointIds: ['vpce-1'] };
    const exact = await runDns(
      dnsTest(server, { name: { ...name, endpointAddresses: ['10.0.6.10', '10.0.6.11'] } }),
      ctx(),
    );
    assert.equal(exact.status, 'pass', exact.message);
    const other = await runDns(dnsTest(server, { name: { ...name, endpointAddresses: ['10.0.6.10'] } }), ctx());
    assert.equal(other.status, 'fail');
    assert.match(other.message, /10\.0\.6\.11 \(not an address of vpce-1\)/);
  });

  it('fails when the name does not resolve (clients of that resolver cannot reach the endpoint)', async () => {
    const t = dnsTest(`127.0.0.1:${good.dnsPorts[0]}`, {
      name: { name: 'sagemaker.us-east-1.amazonaws.com', provider: 'aws', service: 'sagemaker' },
    });
    const r = await runDns(t, ctx());
    assert.equal(r.status, 'fail');
    assert.match(r.message, /no A or AAAA record/);
  });

  it('is not assessed when the resolver does not answer in time, never passed', async () => {
    const r = await runDns(dnsTest(`127.0.0.1:${silent.dnsPorts[0]}`), ctx());
    assert.equal(r.status, 'not-assessed');
    assert.match(r.message, /gave no answer \(A: ETIMEOUT, AAAA: ETIMEOUT\)/);
  });

  it('classifies addresses: RFC 1918, shared and ULA are private; documentation ranges count as public', () => {
    assert.equal(classifyAddress('10.1.2.3'), 'private');
    assert.equal(classifyAddress('100.64.0.1'), 'private');
    assert.equal(classifyAddress('fd00::1'), 'private');
    assert.equal(classifyAddress('203.0.113.5'), 'public');
    assert.equal(classifyAddress('52.94.1.1'), 'public');
    assert.equal(classifyAddress('169.254.169.254'), 'special');
    assert.equal(classifyAddress('::ffff:10.0.0.1'), 'private');
  });
});
