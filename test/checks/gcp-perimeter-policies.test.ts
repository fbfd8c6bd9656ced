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
async function verdict(edit: (status: Record<string, unknown>) => void): Promise<{ status: string; message: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-perimeter-'));
  await cp('examples/gcp/reference', dir, { recursive: true });
  const file = path.join(dir, 'access-policy.json');
  const assets = JSON.parse(await readFile(file, 'utf8')) as {
    servicePerimeter: { status: Record<string, unknown> };
  }[];
  edit(assets[0]!.servicePerimeter.status);
  await writeFile(file, JSON.stringify(assets, null, 2));
  const r = await runCli(['scan', dir, '--format', 'json', '--checks', CHECK]);
  const findings = (
    JSON.parse(r.stdout) as { findings: { status: string; message: string; resource: { id: string } }[] }
  ).findings;
  const f = findings.find((x) => x.resource.id.endsWith('projects/ai-workloads'));
  assert.ok(f, JSON.stringify(findings));
  return f;
}

const anyOrigin = (identity: Record<string, unknown>, serviceName: string, method = '*') => ({
  ingressFrom: { sources: [{ accessLevel: '*' }], ...identity },
  ingressTo: { operations: [{ serviceName, methodSelectors: [{ method }] }], resources: ['*'] },
});

describe('perimeter ingress and egress policies', () => {
  it('the reference perimeter, without policies, passes', async () => {
    assert.equal((await verdict(() => {})).status, 'pass');
  });

  it('an ingress policy admitting ANY_IDENTITY from any origin to Vertex AI fails', async () => {
    const f = await verdict((s) => {
      s.ingressPolicies = [anyOrigin({ identityType: 'ANY_IDENTITY' }, 'aiplatform.googleapis.com')];
    });
    assert.equal(f.status, 'fail');
    assert.match(f.message, /ingress policy at .*ingressPolicies\/0 admits ANY_IDENTITY from any origin/);
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
    const f = await verdict((s) => {
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
    });
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

  it('a policy without its from or to part is not assessed, never a pass', async () => {
    const f = await verdict((s) => {
      s.ingressPolicies = [{ ingressFrom: { identityType: 'ANY_IDENTITY', sources: [{ accessLevel: '*' }] } }];
    });
    assert.equal(f.status, 'not-assessed');
    assert.match(f.message, /ingressPolicies\/0 admits is not known/);
  });
});
