/**
 * A perimeter's ingress and egress policies (Access Context Manager v1 IngressPolicy / EgressPolicy, in the shape of
 * the REST reference and the VPC Service Controls ingress/egress rules guide) can undo what it restricts: the
 * enforced perimeter around an AI project must not pass when a policy admits any identity from any origin, or lets
 * any identity call a restricted service on any project outside.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli.js';

const CHECK = 'gcp-vertex-project-outside-perimeter';

/** The reference example with the perimeter's enforced configuration edited. */
async function verdict(
  edit: (status: Record<string, unknown>) => void,
  levels?: { file: string; content: unknown },
): Promise<{ status: string; message: string; inEnforcedPerimeter: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-perimeter-'));
  await cp('examples/gcp/reference', dir, { recursive: true });
  const file = path.join(dir, 'access-policy.json');
  const assets = JSON.parse(await readFile(file, 'utf8')) as {
    servicePerimeter: { status: Record<string, unknown> };
  }[];
  edit(assets[0]!.servicePerimeter.status);
  await writeFile(file, JSON.stringify(assets, null, 2));
  if (levels) await writeFile(path.join(dir, levels.file), JSON.stringify(levels.content, null, 2));
  const r = await runCli(['scan', dir, '-p', 'examples/cordon.yaml', '--format', 'json', '--checks', CHECK]);
  const report = JSON.parse(r.stdout) as {
    findings: { status: string; message: string; resource: { id: string } }[];
    summary: { kpis: { gcpAiProtected: { inEnforcedPerimeter: number } } };
  };
  const f = report.findings.find((x) => x.resource.id.endsWith('projects/ai-workloads'));
  assert.ok(f, JSON.stringify(report.findings));
  return { ...f, inEnforcedPerimeter: report.summary.kpis.gcpAiProtected.inEnforcedPerimeter };
}

const level = (name: string, basic: unknown) => ({
  name: `accessPolicies/987654321/accessLevels/${name}`,
  title: name,
  basic,
});
/** Access levels as `gcloud access-context-manager levels list --format=json` prints them. */
const gcloudLevels = (...levels: unknown[]) => ({ file: 'access-levels.json', content: levels });
const withLevel = (name: string) => (s: Record<string, unknown>) => {
  s.accessLevels = [`accessPolicies/987654321/accessLevels/${name}`];
};

const anyOrigin = (identity: Record<string, unknown>, serviceName: string, method = '*') => ({
  ingressFrom: { sources: [{ accessLevel: '*' }], ...identity },
  ingressTo: { operations: [{ serviceName, methodSelectors: [{ method }] }], resources: ['*'] },
});

describe('perimeter ingress and egress policies', () => {
  it('the reference perimeter, without policies, passes', async () => {
    const f = await verdict(() => {});
    assert.equal(f.status, 'pass');
    assert.equal(f.inEnforcedPerimeter, 2);
  });

  it('an ingress policy admitting ANY_IDENTITY from any origin to Vertex AI fails', async () => {
    const f = await verdict((s) => {
      s.ingressPolicies = [anyOrigin({ identityType: 'ANY_IDENTITY' }, 'aiplatform.googleapis.com')];
    });
    assert.equal(f.status, 'fail');
    assert.match(f.message, /ingress policy at .*ingressPolicies\/0 admits ANY_IDENTITY from any origin/);
    // The summary KPI no longer counts the AI projects as inside a perimeter.
    assert.equal(f.inEnforcedPerimeter, 0);
  });

  it('one admitting every service (serviceName "*") to this project by number fails, naming the methods', async () => {
    const f = await verdict((s) => {
      s.ingressPolicies = [
        {
          ingressFrom: { sources: [{ accessLevel: '*' }], identityType: 'ANY_USER_ACCOUNT' },
          ingressTo: { operations: [{ serviceName: '*' }], resources: ['projects/100000000002'] },
        },
        anyOrigin({ identityType: 'ANY_SERVICE_ACCOUNT' }, 'storage.googleapis.com', 'google.storage.objects.get'),
      ];
    });
    assert.equal(f.status, 'fail');
    assert.match(f.message, /ANY_USER_ACCOUNT .* to aiplatform\.googleapis\.com \(every method\)/);
    assert.match(f.message, /storage\.googleapis\.com \(google\.storage\.objects\.get\)/);
  });

  it('scoped exceptions pass: named identities, an access level, another project, another service', async () => {
    const f = await verdict(
      (s) => {
        s.ingressPolicies = [
          {
            ingressFrom: {
              sources: [{ accessLevel: '*' }],
              identities: ['serviceAccount:pipeline@ai-workloads.iam.gserviceaccount.com'],
            },
            ingressTo: { operations: [{ serviceName: 'aiplatform.googleapis.com' }], resources: ['*'] },
          },
          {
            ingressFrom: {
              sources: [{ accessLevel: 'accessPolicies/987654321/accessLevels/corp_network' }],
              identityType: 'ANY_IDENTITY',
            },
            ingressTo: { operations: [{ serviceName: '*' }], resources: ['*'] },
          },
          anyOrigin({ identityType: 'ANY_IDENTITY' }, 'translate.googleapis.com'),
        ];
        s.egressPolicies = [
          {
            egressFrom: { identityType: 'ANY_IDENTITY' },
            egressTo: { operations: [{ serviceName: 'storage.googleapis.com' }], resources: ['projects/200000000001'] },
          },
        ];
      },
      gcloudLevels(level('corp_network', { conditions: [{ ipSubnetworks: ['203.0.113.0/24'] }] })),
    );
    assert.equal(f.status, 'pass', f.message);
  });

  it('an egress policy letting ANY_IDENTITY reach any project outside fails', async () => {
    const f = await verdict((s) => {
      s.egressPolicies = [
        {
          egressFrom: { identityType: 'ANY_IDENTITY' },
          egressTo: {
            operations: [{ serviceName: 'storage.googleapis.com', methodSelectors: [{ method: '*' }] }],
            resources: ['*'],
          },
        },
      ];
    });
    assert.equal(f.status, 'fail');
    assert.match(
      f.message,
      /egress policy at .* lets ANY_IDENTITY call storage\.googleapis\.com \(every method\) on any project outside/,
    );
  });

  it('an ingress policy granting IAM roles (ingressTo.roles) from any origin is not assessed, never a pass', async () => {
    const f = await verdict((s) => {
      s.ingressPolicies = [
        {
          ingressFrom: { sources: [{ accessLevel: '*' }], identityType: 'ANY_IDENTITY' },
          ingressTo: { roles: ['roles/aiplatform.user'], resources: ['*'] },
        },
      ];
    });
    assert.equal(f.status, 'not-assessed');
    assert.match(f.message, /grants ANY_IDENTITY the roles roles\/aiplatform\.user, which cordon does not expand/);
  });

  it('a policy without its from or to part is not assessed, never a pass', async () => {
    const f = await verdict((s) => {
      s.ingressPolicies = [{ ingressFrom: { identityType: 'ANY_IDENTITY', sources: [{ accessLevel: '*' }] } }];
    });
    assert.equal(f.status, 'not-assessed');
    assert.match(f.message, /ingressPolicies\/0 lacks its ingressFrom or ingressTo part/);
  });

  it('a perimeter access level any origin meets fails: 0.0.0.0/0, or a negated corporate range', async () => {
    const wide = await verdict(withLevel('anywhere'), {
      // Cloud Asset Inventory ACCESS_POLICY content: the level is in accessLevel.
      file: 'access-level-assets.json',
      content: [
        {
          name: '//accesscontextmanager.googleapis.com/accessPolicies/987654321/accessLevels/anywhere',
          assetType: 'accesscontextmanager.googleapis.com/AccessLevel',
          ancestors: ['organizations/123456789012'],
          accessLevel: level('anywhere', { conditions: [{ ipSubnetworks: ['0.0.0.0/0', '::/0'] }] }),
        },
      ],
    });
    assert.equal(wide.status, 'fail');
    assert.match(
      wide.message,
      /access level anywhere admits requests from any origin \(ipSubnetworks 0\.0\.0\.0\/0, ::\/0\)/,
    );
    const negated = await verdict(
      withLevel('not_corp'),
      gcloudLevels(
        level('not_corp', {
          combiningFunction: 'OR',
          conditions: [{ ipSubnetworks: ['203.0.113.0/24'], negate: true }, { members: ['user:admin@example.com'] }],
        }),
      ),
    );
    assert.equal(negated.status, 'fail');
    assert.match(negated.message, /every address outside 203\.0\.113\.0\/24/);
    // Ranges that together cover every address are any origin too (they passed as a corporate range).
    const halves = await verdict(
      withLevel('halves'),
      gcloudLevels(level('halves', { conditions: [{ ipSubnetworks: ['0.0.0.0/1', '128.0.0.0/1'] }] })),
    );
    assert.equal(halves.status, 'fail', halves.message);
    assert.match(halves.message, /admits requests from any origin \(ipSubnetworks 0\.0\.0\.0\/1, 128\.0\.0\.0\/1\)/);
  });

  it('an ingress policy from an access level any origin meets fails like accessLevel "*"', async () => {
    const f = await verdict(
      (s) => {
        s.ingressPolicies = [
          {
            ingressFrom: {
              sources: [{ accessLevel: 'accessPolicies/987654321/accessLevels/anywhere' }],
              identityType: 'ANY_IDENTITY',
            },
            ingressTo: { operations: [{ serviceName: 'aiplatform.googleapis.com' }], resources: ['*'] },
          },
        ];
      },
      gcloudLevels(level('anywhere', { conditions: [{ ipSubnetworks: ['0.0.0.0/0'] }] })),
    );
    assert.equal(f.status, 'fail');
    assert.match(f.message, /admits ANY_IDENTITY from access level anywhere/);
  });

  it('a corporate range, or one combined by AND with a device policy, passes', async () => {
    const f = await verdict(
      (s) => {
        s.accessLevels = [
          'accessPolicies/987654321/accessLevels/corp',
          'accessPolicies/987654321/accessLevels/managed_devices',
        ];
      },
      gcloudLevels(
        level('corp', { conditions: [{ ipSubnetworks: ['203.0.113.0/24', '2001:db8::/32'] }] }),
        level('managed_devices', {
          conditions: [{ ipSubnetworks: ['0.0.0.0/0'] }, { devicePolicy: { requireScreenlock: true } }],
        }),
      ),
    );
    assert.equal(f.status, 'pass', f.message);
  });

  it('a level not in the snapshot, or a custom (CEL) one, is not assessed', async () => {
    const missing = await verdict(withLevel('corp'));
    assert.equal(missing.status, 'not-assessed');
    assert.match(
      missing.message,
      /access level accessPolicies\/987654321\/accessLevels\/corp is not in the snapshot \(gcloud access-context-manager levels list/,
    );
    const custom = await verdict(
      withLevel('cel'),
      gcloudLevels({
        name: 'accessPolicies/987654321/accessLevels/cel',
        title: 'cel',
        custom: { expr: { expression: "origin.region_code == 'US'" } },
      }),
    );
    assert.equal(custom.status, 'not-assessed');
    assert.match(custom.message, /custom \(CEL\) level/);
    // A basic condition may carry a CEL expression too (Condition.expr).
    const expr = await verdict(
      withLevel('anywhere_if'),
      gcloudLevels(
        level('anywhere_if', {
          conditions: [{ ipSubnetworks: ['0.0.0.0/0'], expr: { expression: "request.time.getHours('UTC') < 18" } }],
        }),
      ),
    );
    assert.equal(expr.status, 'not-assessed');
    assert.match(expr.message, /access level anywhere_if: a condition requires the CEL expression/);
  });

  it('levels that require each other are judged the same whichever the perimeter lists first', async () => {
    // open_or_b: any origin, or B's; b: whatever open_or_b admits, so any origin; corp: open_or_b's origins within the
    // corporate range. Judged through corp first, b was remembered closed where the walk came back to open_or_b (a
    // cycle is cut there), and the perimeter listing corp before b passed; listing b first, it failed.
    const id = (n: string) => `accessPolicies/987654321/accessLevels/${n}`;
    const levels = gcloudLevels(
      level('open_or_b', {
        combiningFunction: 'OR',
        conditions: [{ requiredAccessLevels: [id('b')] }, { ipSubnetworks: ['0.0.0.0/0'] }],
      }),
      level('b', { conditions: [{ requiredAccessLevels: [id('open_or_b')] }] }),
      level('corp', { conditions: [{ requiredAccessLevels: [id('open_or_b')], ipSubnetworks: ['203.0.113.0/24'] }] }),
    );
    for (const order of [
      ['corp', 'b'],
      ['b', 'corp'],
    ]) {
      const f = await verdict((s) => {
        s.accessLevels = order.map(id);
      }, levels);
      assert.equal(f.status, 'fail', `${order.join(', ')}: ${f.message}`);
      assert.match(f.message, /access level b admits requests from any origin/);
    }
  });

  it('levels that all require each other are judged without walking every path between them', async () => {
    // Each of 11 levels requires the 10 others, and any origin meets each condition otherwise: no level is met but
    // through its own cycle, so none admits any origin. Remembering nothing under a cut cycle, the check walked every
    // path through the levels (10! of them, 30 s here; 14 levels, hours); by the levels of the cycle walked, ~11,000.
    const n = 11;
    const id = (k: number) => `accessPolicies/987654321/accessLevels/l${k}`;
    const levels = gcloudLevels(
      ...[...Array(n).keys()].map((k) =>
        level(`l${k}`, {
          conditions: [
            { requiredAccessLevels: [...Array(n).keys()].filter((j) => j !== k).map(id), ipSubnetworks: ['0.0.0.0/0'] },
          ],
        }),
      ),
    );
    for (const order of [[0], [n - 1, 0]]) {
      const started = Date.now();
      const f = await verdict((s) => {
        s.accessLevels = order.map(id);
      }, levels);
      assert.equal(f.status, 'pass', `${order.join(', ')}: ${f.message}`);
      assert.ok(Date.now() - started < 10_000, `${order.join(', ')}: ${Date.now() - started} ms`);
    }
  });
});
