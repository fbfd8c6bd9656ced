// `cordon probe` end to end on loopback, without root: every report format renders probe findings, and the exit
// code follows --fail-on. The targets are closed or listening ports of 127.0.0.1 only; no name is resolved.
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import { runCli } from '../support/cli.js';
import { startServices, type Running } from '../support/probe-services.js';

let dir: string;
let data: Running;
let closed: number;

function policy(dataPort: number): string {
  return `version: 1
zones:
  sandbox: { cidrs: [127.0.0.0/8] }
  data: { cidrs: [10.9.0.0/16] }
  internet: { kind: internet }
suppressions:
  - { check: probe-lateral, resource: '127.0.0.1:*', reason: the lab's data host shares loopback }
probe:
  resolv_conf: ${path.join(dir, 'missing-resolv.conf')}
  hosts:
    data: [{ address: 127.0.0.1, ports: [${dataPort}] }]
  metadata_address: 127.0.0.1
  link_local: [127.0.0.2]
  timeout_ms: 500
`;
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cordon-probe-cli-'));
  data = await startServices({ tcp: [{ address: '127.0.0.1', port: 0 }] });
  const s = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  closed = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  await writeFile(path.join(dir, 'closed.yaml'), policy(closed));
  await writeFile(path.join(dir, 'open.yaml'), policy(data.tcpPorts[0]!));
});
after(() => data.close());

const probe = (file: string, ...args: string[]) =>
  runCli(['probe', '--zone', 'sandbox', '--policy', path.join(dir, file), '--marker', 'cordon-probe-t', ...args]);

describe('cordon probe on loopback', () => {
  it('passes a closed boundary and fails an open one, in the table, with exit codes from --fail-on', async () => {
    const ok = await probe('closed.yaml');
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /marker: cordon-probe-t/);
    assert.match(
      ok.stdout,
      new RegExp(`PASS  127\\.0\\.0\\.1:${closed}\\n\\s+blocked: 127\\.0\\.0\\.1:${closed} refused`),
    );
    assert.match(ok.stdout, /N\/A {3}resolver configuration\n\s+cannot read .*missing-resolv\.conf: ENOENT/);

    const open = await probe('open.yaml');
    assert.equal(open.code, 1);
    // Suppressed in cordon.yaml: shown, never failing the run.
    assert.match(open.stdout, /SUPP {2}127\.0\.0\.1:\d+\n\s+127\.0\.0\.1:\d+ accepted a TCP connection/);
    // The sandbox's tool call reached the data host too: critical, so even --fail-on critical fails the run.
    assert.match(open.stdout, /FAIL {2}internal 127\.0\.0\.1:\d+\n.*the marked request was sent/);
    assert.equal((await probe('open.yaml', '--fail-on', 'critical')).code, 1);
    assert.equal((await probe('open.yaml', '--skip', 'tool-isolation')).code, 0);
  });

  it('renders every report format', async () => {
    const json = JSON.parse((await probe('open.yaml', '-f', 'json')).stdout) as {
      zone: string;
      marker: string;
      findings: { checkId: string; status: string; origin: { file: string; line: number } }[];
    };
    assert.equal(json.zone, 'sandbox');
    assert.equal(json.marker, 'cordon-probe-t');
    const lateral = json.findings.find((f) => f.checkId === 'probe-lateral')!;
    assert.equal(lateral.status, 'fail');
    assert.equal(lateral.origin.line, 11, 'located at the probe.hosts entry');

    const junit = await probe('open.yaml', '-f', 'junit');
    const xml = new XMLParser({ ignoreAttributes: false }).parse(junit.stdout) as {
      testsuites: { '@_tests': string; '@_failures': string; '@_skipped': string };
    };
    assert.deepEqual(
      [xml.testsuites['@_tests'], xml.testsuites['@_failures'], xml.testsuites['@_skipped']],
      ['6', '1', '3'],
    );
    assert.match(junit.stderr, /probe marker: cordon-probe-t/);

    const sarif = JSON.parse((await probe('open.yaml', '-f', 'sarif')).stdout) as {
      runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string }[] }[];
    };
    assert.ok(sarif.runs[0]!.tool.driver.rules.some((r) => r.id === 'probe-dns'));
    assert.ok(sarif.runs[0]!.results.some((r) => r.ruleId === 'probe-tool-isolation'));

    const md = await probe('open.yaml', '-f', 'markdown');
    assert.match(md.stdout, /\| fail \| 1 \|/);

    const none = await probe('open.yaml', '--only', 'ai-reach');
    assert.equal(none.code, 2);
    assert.match(none.stderr, /the plan has no tests/);
  });
});
