// `cordon probe` in a topology of network namespaces: inference, application, data, sandbox, a fake AI endpoint and
// a fake "internet", joined by a router whose nftables rules are the zone boundaries. With the boundaries right every
// test passes; each boundary opened on purpose fails its test, with evidence naming the resolver, address and hop.
// Every packet stays inside these namespaces (documentation addresses, no route out); needs root, skips otherwise.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { XMLParser } from 'fast-xml-parser';
import type { Finding } from '../../src/findings/types.js';
import { netnsUnavailable, run, Topology } from '../support/netns.js';

const skip = netnsUnavailable();
const root = path.resolve(import.meta.dirname, '../..');
const NAME = 'bedrock-runtime.us-east-1.amazonaws.com';

const INF = '192.0.2.2';
const APP = '192.0.2.18';
const DATA = '192.0.2.34';
const SBX = '192.0.2.50';
const AI = '198.51.100.2';
const WEB = '203.0.113.10';
const DNS_GOOD = '198.51.100.53';
const DNS_SECOND = '198.51.100.54';
const META = '198.51.100.254'; // stand-in for the metadata address, on the router
const LINK = '198.51.100.253'; // stand-in for a link-local service

const POLICY = `version: 1
zones:
  inference: { cidrs: [192.0.2.0/28] }
  application: { cidrs: [192.0.2.16/28] }
  data: { cidrs: [192.0.2.32/28] }
  sandbox: { cidrs: [192.0.2.48/28] }
  external_ai:
    kind: service
    cidrs: [198.51.100.0/28]
    services: { aws: [bedrock-runtime] }
  internet: { kind: internet }
rules:
  - { id: NET-001, name: app to proxy, from: application, to: inference, action: allow, protocol: https, ports: 443, justification: prompts }
  - { id: NET-002, name: proxy to AI, from: inference, to: external_ai, action: allow, protocol: https, ports: 443, justification: models }
  - { id: NET-003, name: proxy to vectors, from: inference, to: data, action: allow, protocol: tcp, ports: 6333-6334, justification: RAG }
  - { id: NET-005, name: proxy to sandbox, from: inference, to: sandbox, action: allow, protocol: tcp, ports: 8443, justification: tools }
  - { id: NET-010, name: no direct AI, from: application, to: external_ai, action: deny, protocol: any, justification: proxy only }
probe:
  aws_regions: [us-east-1]
  hosts:
    inference: [{ address: ${INF}, ports: [443] }]
    application: [{ address: ${APP}, ports: [443] }]
    data: [{ address: ${DATA}, ports: [6333] }]
    sandbox: [{ address: ${SBX}, ports: [8443] }]
  public_addresses: [${WEB}]
  canaries: [http://${WEB}/]
  metadata_address: ${META}
  link_local: [${LINK}]
  timeout_ms: 400
  time_limit_seconds: 60
`;

type Opening = 'none' | 'public-fallback' | 'ai-blocked' | 'lateral' | 'egress' | 'tool-isolation' | 'ai-reach';

/** The router's rules: the policy's allows, and one boundary opened (or closed, for ai-reach) on purpose. */
function ruleset(open: Opening): string {
  const accept = (from: string, to: string, port: string) =>
    `    ip saddr ${from} ip daddr ${to} tcp dport ${port} accept\n`;
  return `table inet cordon {
  chain input {
    type filter hook input priority 0; policy drop;
    ct state established,related accept
    iif lo accept
    ip daddr { ${DNS_GOOD}, ${DNS_SECOND} } udp dport 53 accept
${open === 'tool-isolation' ? accept(SBX, META, '80') : ''}  }
  chain forward {
    type filter hook forward priority 0; policy drop;
    ct state established,related accept
${open === 'ai-reach' ? '' : accept(INF, AI, '443')}${accept(INF, DATA, '6333-6334')}${accept(INF, SBX, '8443')}${accept(APP, INF, '443')}${open === 'public-fallback' ? accept(INF, WEB, '443') : ''}${open === 'ai-blocked' ? accept(APP, AI, '443') : ''}${open === 'lateral' ? accept(APP, DATA, '6333') : ''}${open === 'egress' ? accept(INF, WEB, '80') : ''}    ip saddr ${APP} ip daddr ${DATA} reject with tcp reset
  }
}
`;
}

let topo: Topology;
let dir: string;
const httpLog: string[] = [];

function answers(leak: boolean): void {
  const good = { [NAME]: { A: [AI] } };
  writeFileSync(
    path.join(dir, 'answers.json'),
    JSON.stringify({ [DNS_GOOD]: good, [DNS_SECOND]: leak ? { [NAME]: { A: [WEB] } } : good }),
  );
}

function probe(
  zone: string,
  args: string[] = [],
): { code: number; findings: Finding[]; stdout: string; stderr: string } {
  const r = spawnSync(
    'ip',
    [
      'netns',
      'exec',
      topo.ns(zone),
      process.execPath,
      '--import',
      'tsx',
      'test/support/run-cordon.ts',
      'probe',
      '--zone',
      zone === 'inf' ? 'inference' : zone === 'app' ? 'application' : 'sandbox',
      '--policy',
      path.join(dir, 'cordon.yaml'),
      '--marker',
      `cordon-probe-test-${zone}`,
      ...(args.includes('--format') ? [] : ['--format', 'json']),
      ...args,
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(dir, 'ca.crt') } },
  );
  const findings = args.includes('--format') ? [] : (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
  return { code: r.status ?? -1, findings, stdout: r.stdout, stderr: r.stderr };
}

function one(findings: Finding[], checkId: string, target: string): Finding {
  const f = findings.find((x) => x.checkId === checkId && x.resource.id === target);
  assert.ok(
    f,
    `no ${checkId} finding for ${target}: ${findings.map((x) => `${x.checkId} ${x.resource.id}`).join('; ')}`,
  );
  return f;
}

describe('cordon probe in network namespaces', { skip: skip ?? false }, () => {
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cordon-probe-'));
    writeFileSync(path.join(dir, 'cordon.yaml'), POLICY);
    // A CA the probe trusts through NODE_EXTRA_CA_CERTS, and the AI endpoint's certificate for its name.
    const f = (name: string) => path.join(dir, name); // mkdtemp paths have no spaces
    const ssl = (args: string) => run('openssl', args.split(' '));
    ssl(
      `req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=cordon-test-CA -keyout ${f('ca.key')} -out ${f('ca.crt')}`,
    );
    ssl(`req -newkey rsa:2048 -nodes -subj /CN=${NAME} -keyout ${f('ai.key')} -out ${f('ai.csr')}`);
    writeFileSync(f('ext.cnf'), `subjectAltName=DNS:${NAME}\n`);
    ssl(
      `x509 -req -in ${f('ai.csr')} -CA ${f('ca.crt')} -CAkey ${f('ca.key')} -CAcreateserial -days 1 -extfile ${f('ext.cnf')} -out ${f('ai.crt')}`,
    );
    answers(false);

    topo = new Topology(
      [
        { key: 'inf', address: INF, gateway: '192.0.2.1', prefix: '192.0.2.0/28' },
        { key: 'app', address: APP, gateway: '192.0.2.17', prefix: '192.0.2.16/28' },
        { key: 'dat', address: DATA, gateway: '192.0.2.33', prefix: '192.0.2.32/28' },
        { key: 'sbx', address: SBX, gateway: '192.0.2.49', prefix: '192.0.2.48/28' },
        { key: 'ai', address: AI, gateway: '198.51.100.1', prefix: '198.51.100.0/28' },
        { key: 'web', address: WEB, gateway: '203.0.113.1', prefix: '203.0.113.0/28' },
      ],
      [DNS_GOOD, DNS_SECOND, META, LINK],
    );
    topo.create();
    topo.firewall(ruleset('none'));
    for (const z of ['inf', 'app', 'sbx']) topo.resolvConf(z, [DNS_GOOD, DNS_SECOND]);

    const services = async (key: string, config: object, onLine?: (l: string) => void) => {
      const file = path.join(dir, `services-${key}.json`);
      writeFileSync(file, JSON.stringify(config));
      await topo.start(
        key === 'rt' ? topo.router : topo.ns(key),
        [process.execPath, '--import', 'tsx', path.join(root, 'test/support/probe-services.ts'), file],
        onLine,
      );
    };
    const answersFile = path.join(dir, 'answers.json');
    await Promise.all([
      services('rt', {
        dns: [
          { address: DNS_GOOD, port: 53, answersFile },
          { address: DNS_SECOND, port: 53, answersFile },
        ],
        http: [
          { address: META, port: 80 },
          { address: LINK, port: 80 },
        ],
      }),
      services('inf', { tcp: [{ address: INF, port: 443 }] }),
      services('app', { tcp: [{ address: APP, port: 443 }] }),
      services('dat', { tcp: [{ address: DATA, port: 6333 }] }),
      services('sbx', { tcp: [{ address: SBX, port: 8443 }] }),
      services('ai', {
        tls: [{ address: AI, port: 443, cert: path.join(dir, 'ai.crt'), key: path.join(dir, 'ai.key') }],
      }),
      services(
        'web',
        {
          http: [{ address: WEB, port: 80 }],
          tls: [{ address: WEB, port: 443, cert: path.join(dir, 'ai.crt'), key: path.join(dir, 'ai.key') }],
        },
        (l) => httpLog.push(l),
      ),
    ]);
  });

  after(() => {
    topo?.destroy();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('passes every test from inference, application and sandbox when the boundaries are right', () => {
    const runs = new Map<string, Finding[]>();
    for (const zone of ['inf', 'app', 'sbx']) {
      const r = probe(zone);
      runs.set(zone, r.findings);
      const notPassing = r.findings.filter((f) => f.status !== 'pass');
      assert.deepEqual(
        notPassing.map((f) => `${f.checkId} ${f.resource.id}: ${f.message}`),
        [],
        `zone ${zone}: ${r.stderr}`,
      );
      assert.equal(r.code, 0);
      const kinds = new Set(r.findings.map((f) => f.checkId));
      const expected =
        zone === 'inf'
          ? ['probe-dns', 'probe-ai-reach', 'probe-public-fallback', 'probe-reach', 'probe-lateral', 'probe-egress']
          : zone === 'app'
            ? ['probe-dns', 'probe-ai-blocked', 'probe-public-fallback', 'probe-reach', 'probe-lateral', 'probe-egress']
            : ['probe-dns', 'probe-ai-blocked', 'probe-lateral', 'probe-egress', 'probe-tool-isolation'];
      for (const k of expected) assert.ok(kinds.has(k), `zone ${zone} ran ${k}`);
    }
    const inf = runs.get('inf')!;
    for (const resolver of ['system', DNS_GOOD, DNS_SECOND])
      assert.equal(one(inf, 'probe-dns', `${NAME} @ ${resolver}`).status, 'pass');
    const reach = one(inf, 'probe-ai-reach', `${NAME}:443`);
    assert.match(reach.message, new RegExp(`${AI.replace(/\./g, '\\.')}:443 TCP [\\d.]+ ms, TLSv1\\.3 [\\d.]+ ms`));
    // application -> data is rejected with a reset: refused, told apart from the timeouts of dropped paths.
    const app = runs.get('app')!;
    assert.match(one(app, 'probe-lateral', `${DATA}:6333`).message, /refused: a TCP reset came back/);
    assert.match(one(app, 'probe-lateral', `${SBX}:8443`).message, /timed out after/);
  });

  it('fails the DNS test of the one resolver that leaks (split answer), naming resolver, address and hop', () => {
    answers(true);
    try {
      const r = probe('inf', ['--only', 'dns']);
      assert.equal(r.code, 1);
      const leak = one(r.findings, 'probe-dns', `${NAME} @ ${DNS_SECOND}`);
      assert.equal(leak.status, 'fail');
      assert.match(
        leak.message,
        new RegExp(`at resolver ${DNS_SECOND} \\(/etc/resolv.conf\\) answered ${WEB} \\(a public address: DNS leak\\)`),
      );
      assert.deepEqual(leak.evidence?.resolverRoute, { dev: `v${topo.id}inf`, via: '192.0.2.1', route: '0.0.0.0/0' });
      // getaddrinfo asks the first nameserver only: the system answer alone would have hidden the leak.
      assert.equal(one(r.findings, 'probe-dns', `${NAME} @ system`).status, 'pass');
      assert.equal(one(r.findings, 'probe-dns', `${NAME} @ ${DNS_GOOD}`).status, 'pass');

      // JUnit: these are tests. The leak is high, so --fail-on critical lets the run exit 0.
      const junit = probe('inf', ['--only', 'dns', '--format', 'junit', '--fail-on', 'critical']);
      const xml = new XMLParser({ ignoreAttributes: false }).parse(junit.stdout) as {
        testsuites: { '@_failures': string; '@_tests': string };
      };
      assert.equal(xml.testsuites['@_tests'], '3');
      assert.equal(xml.testsuites['@_failures'], '1');
      assert.equal(junit.code, 0);
    } finally {
      answers(false);
    }
  });

  const openings: { open: Opening; zone: string; checkId: string; target: string; evidence: RegExp }[] = [
    {
      open: 'ai-reach',
      zone: 'inf',
      checkId: 'probe-ai-reach',
      target: `${NAME}:443`,
      evidence:
        /198\.51\.100\.2:443 timed out after \d+(\.\d+)? ms: nothing answered \(filtered\) \(route 0\.0\.0\.0\/0 via 192\.0\.2\.1 dev/,
    },
    {
      open: 'public-fallback',
      zone: 'inf',
      checkId: 'probe-public-fallback',
      target: `${WEB}:443`,
      evidence:
        /203\.0\.113\.10:443 accepted a TCP connection in [\d.]+ ms from 192\.0\.2\.2 \(route 0\.0\.0\.0\/0 via 192\.0\.2\.1/,
    },
    {
      open: 'ai-blocked',
      zone: 'app',
      checkId: 'probe-ai-blocked',
      target: `${NAME}:443`,
      evidence: /198\.51\.100\.2:443 accepted a TCP connection .* via 192\.0\.2\.17/,
    },
    {
      open: 'lateral',
      zone: 'app',
      checkId: 'probe-lateral',
      target: `${DATA}:6333`,
      evidence: /192\.0\.2\.34:6333 accepted a TCP connection/,
    },
    {
      open: 'egress',
      zone: 'inf',
      checkId: 'probe-egress',
      target: `http://${WEB}/`,
      evidence: /the marked request was sent and answered "HTTP\/1\.1 200 OK"/,
    },
    {
      open: 'tool-isolation',
      zone: 'sbx',
      checkId: 'probe-tool-isolation',
      target: `metadata ${META}`,
      evidence: /198\.51\.100\.254:80 accepted a TCP connection .* via 192\.0\.2\.49/,
    },
  ];
  for (const o of openings)
    it(`fails ${o.checkId} when the ${o.open} boundary is opened on purpose`, async () => {
      topo.firewall(ruleset(o.open));
      try {
        const kind = o.checkId.replace(/^probe-/, '');
        // Positive tests are medium: --fail-on medium makes a closed path to the AI endpoint fail the run too.
        const r = probe(o.zone, ['--only', kind, '--fail-on', 'medium']);
        const f = one(r.findings, o.checkId, o.target);
        assert.equal(f.status, 'fail', f.message);
        assert.match(f.message, o.evidence);
        assert.equal(r.code, 1);
        // The rest of the kind still passes: only the opened boundary fails.
        assert.deepEqual(
          r.findings.filter((x) => x.status !== 'pass' && x !== f).map((x) => x.resource.id),
          [],
        );
        if (o.open === 'egress') {
          // The canary's log lines arrive through the event loop, which spawnSync held up.
          for (let i = 0; i < 40 && !httpLog.some((l) => l.includes('cordon-probe-test-inf')); i++)
            await new Promise((r) => setTimeout(r, 50));
          assert.ok(
            httpLog.some(
              (l) =>
                l.includes('GET /cordon-probe/cordon-probe-test-inf') && l.endsWith('marker=cordon-probe-test-inf'),
            ),
            `the canary saw the marker: ${httpLog.join('; ')}`,
          );
        }
      } finally {
        topo.firewall(ruleset('none'));
      }
    });
});
