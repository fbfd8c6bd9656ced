// Connection attempts on loopback (refused, accepted, the one marked HTTP request, no retry after a refusal), the
// route lookup behind the "hop" evidence, and the run's bounds. Nothing leaves 127.0.0.1.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { parsePolicy } from '../../src/policy/load.js';
import { describe as describeResult, lookupRoute, Prober, type RouteEntry } from '../../src/probe/net.js';
import type { PlannedTest, ProbePlan } from '../../src/probe/plan.js';
import { renderProbe } from '../../src/probe/report.js';
import { runProbe } from '../../src/probe/run.js';
import { startServices, type Running } from '../support/probe-services.js';

let services: Running;
let closedPort: number;

before(async () => {
  services = await startServices({
    dns: [{ address: '127.0.0.1', port: 0, zone: { 'slow.example': 'drop' } }],
  });
  const probe = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => probe.once('listening', r));
  closedPort = (probe.address() as net.AddressInfo).port;
  await new Promise((r) => probe.close(r));
});
after(() => services.close());

const ROUTES: RouteEntry[] = [
  { family: 4, dest: 0n, prefix: 0, via: '192.0.2.1', dev: 'eth0', metric: 0 },
  { family: 4, dest: 0xc0000200n, prefix: 28, dev: 'eth0', metric: 0 },
  { family: 4, dest: 0x7f000000n, prefix: 8, dev: 'lo', metric: 0 },
];

describe('probe connections on loopback', () => {
  it('tells refused from accepted and does not retry a target that refused', async () => {
    const prober = new Prober({ timeoutMs: 500, concurrency: 2, routes: () => ROUTES });
    const first = await prober.connect('127.0.0.1', closedPort);
    assert.equal(first.outcome, 'refused');
    assert.match(describeResult(first), /refused: a TCP reset came back from 127\.0\.0\.1 .*\(route local dev lo\)/);
    const again = await prober.connect('127.0.0.1', closedPort);
    assert.equal(again.reused, true);
    assert.match(describeResult(again), /refused earlier in this run \(not retried\)/);
    const open = await startServices({ tcp: [{ address: '127.0.0.1', port: 0 }] });
    try {
      const ok = await prober.connect('127.0.0.1', open.tcpPorts[0]!);
      assert.equal(ok.outcome, 'connected');
      assert.match(describeResult(ok), /accepted a TCP connection in [\d.]+ ms from 127\.0\.0\.1/);
    } finally {
      await open.close();
    }
  });

  it('finds the next hop by longest prefix', () => {
    assert.deepEqual(lookupRoute(ROUTES, '203.0.113.9'), { dev: 'eth0', via: '192.0.2.1', route: '0.0.0.0/0' });
    assert.deepEqual(lookupRoute(ROUTES, '192.0.2.14'), { dev: 'eth0', route: '192.0.2.0/28' });
    assert.equal(lookupRoute(ROUTES, '2001:db8::1'), undefined);
  });
});

describe('probe run', () => {
  const policy = parsePolicy(
    'p.yaml',
    'version: 1\nzones:\n  sandbox: {}\n  internet: { kind: internet }\nprobe:\n  timeout_ms: 2000\n  time_limit_seconds: 1\n',
  );
  const base = { ruleIds: [], policyPath: ['probe'], expect: 'e', why: 'w' };

  it('sends one marked HTTP request and fails the test when it is answered', async () => {
    const http = await startServices({ http: [{ address: '127.0.0.1', port: 0 }] });
    try {
      const target = http.httpPorts[0]!;
      const plan = planOf([{ kind: 'egress', target: 'canary', url: `http://127.0.0.1:${target}/`, ...base }]);
      const r = await runProbe(plan, { policy, today: '2026-11-22', marker: 'cordon-probe-unit' });
      const f = r.findings[0]!;
      assert.equal(f.status, 'fail');
      assert.match(f.message, /the marked request was sent and answered "HTTP\/1\.1 200 OK"/);
      assert.deepEqual(http.requests, [
        `http 127.0.0.1 GET /cordon-probe/cordon-probe-unit HTTP/1.1 marker=cordon-probe-unit`,
      ]);
      const junit = renderProbe('junit', r, { color: false });
      assert.match(junit, /<testcase classname="probe-egress" name="canary \(sandbox\/probe\)"><failure type="high"/);
    } finally {
      await http.close();
    }
  });

  it('reports tests the time limit cut short as not assessed', async () => {
    const plan = planOf([
      {
        kind: 'dns',
        target: 'slow.example @ slow',
        name: { name: 'slow.example', provider: 'custom', service: 'slow.example' },
        resolver: { id: `127.0.0.1:${services.dnsPorts[0]}`, source: 'probe.resolvers' },
        ...base,
      },
      { kind: 'lateral', target: 'closed', host: '127.0.0.1', port: closedPort, ...base },
    ]);
    const started = Date.now();
    const r = await runProbe(plan, { policy, today: '2026-11-22' });
    assert.ok(Date.now() - started < 1900, 'the time limit, not the 2 s timeout, ended the run');
    assert.equal(r.timedOut, true);
    const slow = r.findings.find((f) => f.resource.id === 'slow.example @ slow')!;
    assert.equal(slow.status, 'not-assessed');
    assert.match(slow.message, /time limit \(1 s\) was reached/);
    assert.equal(r.findings.find((f) => f.resource.id === 'closed')!.status, 'pass');
    assert.match(r.marker, /^cordon-probe-sandbox-[0-9a-f]{12}$/);
  });

  function planOf(tests: PlannedTest[]): ProbePlan {
    return {
      zone: 'sandbox',
      policy: 'p.yaml',
      resolvers: [],
      resolverNotes: [],
      regions: [],
      tests,
      bounds: { timeoutMs: policy.document.probe.timeout_ms, concurrency: 4, timeLimitSeconds: 1 },
    };
  }
});
