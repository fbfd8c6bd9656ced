/**
 * Turns an SDK error into why a data set could not be read. The kinds matter to the report: a denied call names the
 * missing IAM action, a region that is not enabled or a service that is not offered there is expected and is not a
 * permissions problem, and anything else (server errors, throttling after all retries) is reported as it came.
 */
import { errorMessage } from '../../util/errors.js';

export type FailureKind =
  | 'denied'
  | 'region-not-enabled'
  | 'service-not-offered'
  | 'not-in-organization'
  | 'credentials'
  | 'unreachable'
  | 'other';

export interface Failure {
  kind: FailureKind;
  /** One line: "AccessDenied: User … is not authorized to perform ec2:DescribeVpcs". */
  reason: string;
}

const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnauthorizedOperation',
  'Client.UnauthorizedOperation',
  'UnauthorizedAccess',
  'AuthorizationError',
]);
// EC2 answers AuthFailure/OptInRequired in a region the account has not opted into; token-based services answer
// UnrecognizedClientException or InvalidClientTokenId there because the STS token is not valid in that region.
const REGION_NOT_ENABLED = new Set([
  'OptInRequired',
  'AuthFailure',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
]);
const NOT_OFFERED = new Set(['UnknownEndpoint', 'EndpointError', 'UnknownOperationException', 'UnknownOperation']);
const NOT_FOUND_NET = new Set(['ENOTFOUND', 'EAI_AGAIN']);
const UNREACHABLE_NET = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'TimeoutError',
]);
// AWS's own endpoint domains: a name there that does not resolve means the service has no endpoint in the region.
const AWS_DOMAIN = /\.(amazonaws\.com|amazonaws\.com\.cn|api\.aws|c2s\.ic\.gov|sc2s\.sgov\.gov)\.?$/i;

interface SdkErrorLike {
  name?: string;
  code?: string;
  hostname?: string;
  address?: string;
  port?: number;
  message?: string;
  Code?: string;
  $metadata?: { httpStatusCode?: number };
}

export function classifyError(err: unknown): Failure {
  const e = (err !== null && typeof err === 'object' ? err : {}) as SdkErrorLike;
  const name = e.Code ?? e.name ?? 'Error';
  const message = oneLine(errorMessage(err));
  const reason = message && message !== name ? `${name}: ${message}` : name;
  if (DENIED.has(name)) return { kind: 'denied', reason };
  if (name === 'AWSOrganizationsNotInUseException') return { kind: 'not-in-organization', reason };
  if (REGION_NOT_ENABLED.has(name))
    return { kind: 'region-not-enabled', reason: `${reason} (is the region enabled for this account?)` };
  // A name that does not resolve is "not offered" only on AWS's own domains; an emulator or proxy the user configured
  // that cannot be reached is a connection problem, and saying otherwise would hide a wrong --endpoint-url.
  const host = e.hostname ?? /ENOTFOUND (\S+)/.exec(message)?.[1];
  if (e.code !== undefined && NOT_FOUND_NET.has(e.code) && (host === undefined || !AWS_DOMAIN.test(host)))
    return {
      kind: 'unreachable',
      reason: `${reason} (cannot resolve ${host ?? 'the endpoint'}: check the endpoint settings)`,
    };
  if (UNREACHABLE_NET.has(e.code ?? '') || UNREACHABLE_NET.has(name)) {
    const where = e.address ? `${e.address}${e.port ? `:${e.port}` : ''}` : 'the endpoint';
    return { kind: 'unreachable', reason: `${reason} (cannot reach ${where})` };
  }
  if (NOT_OFFERED.has(name) || (e.code !== undefined && NOT_FOUND_NET.has(e.code))) {
    return { kind: 'service-not-offered', reason: `${reason} (the service is not offered in this region)` };
  }
  // A 404 that is not about a named resource means the API itself is not there.
  if (e.$metadata?.httpStatusCode === 404 && !/NotFound/.test(name))
    return { kind: 'service-not-offered', reason: `${reason} (HTTP 404: the service is not offered in this region)` };
  if (name === 'CredentialsProviderError' || name === 'ExpiredToken' || name === 'ExpiredTokenException')
    return { kind: 'credentials', reason };
  return { kind: 'other', reason };
}

function oneLine(s: string): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

/** A problem that stops collection before any scope is read (no credentials, no identity, no account list, bad output directory). */
export class CollectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CollectError';
  }
}

/**
 * Whether a describe call failed because the resource no longer exists: it was deleted between the list call and
 * the describe call. Such a resource is dropped from the snapshot rather than failing the whole data set.
 */
export function isGone(err: unknown): boolean {
  const e = (err !== null && typeof err === 'object' ? err : {}) as { name?: string; message?: string };
  if (
    e.name === 'ResourceNotFoundException' ||
    e.name === 'LoadBalancerNotFound' ||
    e.name === 'LoadBalancerNotFoundException' ||
    e.name === 'TargetGroupNotFound' ||
    e.name === 'ListenerNotFound' ||
    e.name === 'ListenerNotFoundException' ||
    e.name === 'TargetGroupNotFoundException'
  )
    return true;
  // SageMaker answers ValidationException ("Could not find model …", "Requested resource not found", "RecordNotFound").
  return (
    e.name === 'ValidationException' &&
    /not (be )?found|could not find|does not exist|RecordNotFound/i.test(e.message ?? '')
  );
}
