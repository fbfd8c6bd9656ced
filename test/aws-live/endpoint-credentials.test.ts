/**
 * --endpoint-url covers the credential chain: a profile that assumes a role (role_arn + source_profile) must call
 * AssumeRole on the configured endpoint, never the real STS; and an endpoint that cannot be reached is reported as
 * such, never as "the service is not offered in this region".
 */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { collectAws } from '../../src/sources/aws-live/collect.js';
import { classifyError } from '../../src/sources/aws-live/errors.js';
import { startFakeAws } from '../support/fake-aws-server.js';
import { FAKE_CREDENTIALS, MEMBER, fixtureWorld, tempOut } from '../support/fake-aws-helpers.js';

function profileFiles(): { AWS_CONFIG_FILE: string; AWS_SHARED_CREDENTIALS_FILE: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cordon-profile-'));
  const config = path.join(dir, 'config');
  const credentials = path.join(dir, 'credentials');
  writeFileSync(
    config,
    `[profile emu]\nrole_arn = arn:aws:iam::${MEMBER}:role/CordonAudit\nsource_profile = base\nregion = us-east-1\n`,
  );
  writeFileSync(
    credentials,
    `[base]\naws_access_key_id = ${FAKE_CREDENTIALS.accessKeyId}\naws_secret_access_key = ${FAKE_CREDENTIALS.secretAccessKey}\n`,
  );
  return { AWS_CONFIG_FILE: config, AWS_SHARED_CREDENTIALS_FILE: credentials };
}

/** A loopback port with nothing listening. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('endpoint settings cover credentials', () => {
  it('a role-assuming profile assumes the role through --endpoint-url', async () => {
    const fake = await startFakeAws({ world: fixtureWorld() });
    try {
      let stderr = '';
      const io: CliIO = {
        stdout: () => {},
        stderr: (t) => (stderr += t),
        stdoutIsTTY: false,
        stderrIsTTY: false,
        cwd: process.cwd(),
        env: profileFiles(),
        today: '2026-12-04',
      };
      const out = tempOut();
      const code = await main(
        ['collect', 'aws', '--out', out, '--profile', 'emu', '--endpoint-url', fake.endpoint, '--region', 'us-east-1'],
        io,
      );
      assert.equal(code, 0, stderr);
      // The role was assumed on the fake server, and the calls after it ran as the member account.
      assert.ok(
        fake.calls.some((c) => c.action === 'sts:AssumeRole'),
        `AssumeRole went to the emulator: ${JSON.stringify(fake.calls.slice(0, 3))}`,
      );
      assert.match(stderr, new RegExp(`as arn:aws:iam::${MEMBER}:user/auditor`));
    } finally {
      await fake.close();
    }
  });

  it('an unreachable endpoint is reported as unreachable, not as a service missing from the region', async () => {
    const port = await closedPort();
    await assert.rejects(
      collectAws({
        out: tempOut(),
        endpoint: `http://127.0.0.1:${port}`,
        credentials: FAKE_CREDENTIALS,
        env: {},
        homeRegion: 'us-east-1',
        maxAttempts: 1,
      }),
      (err: Error) => {
        assert.match(err.message, /cannot reach 127\.0\.0\.1:\d+/);
        assert.doesNotMatch(err.message, /not offered/);
        return true;
      },
    );
  });

  it('a name that does not resolve is "not offered" only on AWS domains', () => {
    const dns = (host: string) =>
      Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND', hostname: host });
    assert.equal(classifyError(dns('bedrock.ap-east-1.amazonaws.com')).kind, 'service-not-offered');
    assert.equal(classifyError(dns('localstack.internal')).kind, 'unreachable');
    assert.match(classifyError(dns('localstack.internal')).reason, /check the endpoint settings/);
  });
});
