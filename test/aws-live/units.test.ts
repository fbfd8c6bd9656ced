/** The limiter and the error classification, without the network. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyError, isGone } from '../../src/sources/aws-live/errors.js';
import { createLimiter } from '../../src/sources/aws-live/limiter.js';

describe('createLimiter', () => {
  it('never runs more than the limit at once and runs everything', async () => {
    const limit = createLimiter(3);
    let active = 0;
    let peak = 0;
    const gates: (() => void)[] = [];
    const tasks = Array.from({ length: 10 }, (_, i) =>
      limit(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise<void>((resolve) => gates.push(resolve));
        active--;
        return i;
      }),
    );
    // Release tasks one by one as they start; the limiter must keep exactly three waiting on their gates.
    for (let released = 0; released < 10; released++) {
      while (gates.length === 0) await new Promise((r) => setImmediate(r));
      assert.ok(active <= 3);
      gates.shift()!();
    }
    assert.deepEqual(await Promise.all(tasks), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.equal(peak, 3);
  });

  it('releases its slot when a task throws', async () => {
    const limit = createLimiter(1);
    await assert.rejects(
      limit(() => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(await limit(() => Promise.resolve('next')), 'next');
  });

  it('rejects a limit below one', () => {
    assert.throws(() => createLimiter(0), /positive integer/);
  });
});

describe('classifyError', () => {
  const sdkError = (name: string, message: string, status?: number) =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });

  it('tells denied calls, disabled regions, missing services and other failures apart', () => {
    assert.equal(classifyError(sdkError('UnauthorizedOperation', 'You are not authorized', 403)).kind, 'denied');
    assert.equal(classifyError(sdkError('AccessDeniedException', 'nope', 403)).kind, 'denied');
    assert.equal(classifyError(sdkError('AuthFailure', 'not able to validate', 401)).kind, 'region-not-enabled');
    assert.equal(classifyError(sdkError('OptInRequired', 'opt in', 403)).kind, 'region-not-enabled');
    assert.equal(
      classifyError(
        Object.assign(new Error('getaddrinfo ENOTFOUND bedrock-agent.ap-east-1.amazonaws.com'), { code: 'ENOTFOUND' }),
      ).kind,
      'service-not-offered',
    );
    assert.equal(classifyError(sdkError('UnknownError', 'Not Found', 404)).kind, 'service-not-offered');
    assert.equal(classifyError(sdkError('ResourceNotFoundException', 'job gone', 404)).kind, 'other');
    assert.equal(
      classifyError(sdkError('AWSOrganizationsNotInUseException', 'not in org', 400)).kind,
      'not-in-organization',
    );
    assert.equal(classifyError(sdkError('InternalError', 'oops', 500)).kind, 'other');
  });

  it('gives one line: code and message', () => {
    assert.equal(
      classifyError(sdkError('AccessDenied', 'User x is not\n authorized', 403)).reason,
      'AccessDenied: User x is not authorized',
    );
    assert.equal(classifyError('plain').reason, 'Error: plain');
  });
});

describe('isGone', () => {
  const err = (name: string, message: string) => Object.assign(new Error(message), { name });

  it('recognises a resource deleted since it was listed, and nothing else', () => {
    assert.equal(isGone(err('ResourceNotFoundException', 'job not found')), true);
    assert.equal(isGone(err('LoadBalancerNotFound', 'One or more load balancers not found')), true);
    assert.equal(isGone(err('ValidationException', 'Could not find model "churn".')), true);
    assert.equal(isGone(err('ValidationException', 'RecordNotFound')), true);
    assert.equal(isGone(err('ValidationException', '1 validation error detected: Value at maxResults')), false);
    assert.equal(isGone(err('AccessDeniedException', 'not authorized')), false);
  });
});
