/**
 * Route 53 Resolver lists of one account and region: query logging associations, Resolver rules and their VPC
 * associations. The registry here serves only an old @aws-sdk/client-route53resolver (3.654.0, with a second copy of
 * the SDK's runtime, while the other clients are 3.11xx), so these JSON 1.1 calls are made directly: SigV4-signed
 * with @smithy/signature-v4 (the SDK's own signer), sent with fetch, paged by NextToken, retried on throttling.
 * Errors carry the service's error type, so classifyError treats them like SDK errors.
 */
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { configuredEndpoint, type ClientSettings, type Credentials } from './clients.js';
import type { AwsDataset } from '../../inventory/aws.js';
import type { Limiter } from './limiter.js';
import { failed, ok, sortById, type DatasetOutcome } from './types.js';

/** One paged Resolver list: its operation, the response's list key, and the file the CLI's output is written to. */
interface ResolverList {
  dataset: AwsDataset;
  operation: string;
  key: string;
  file: string;
}

const QUERY_LOG_ASSOCIATIONS: ResolverList = {
  dataset: 'route53resolver:query-log-associations',
  operation: 'ListResolverQueryLogConfigAssociations',
  key: 'ResolverQueryLogConfigAssociations',
  file: 'list-resolver-query-log-config-associations.json',
};
const RULES: ResolverList = {
  dataset: 'route53resolver:resolver-rules',
  operation: 'ListResolverRules',
  key: 'ResolverRules',
  file: 'list-resolver-rules.json',
};
const RULE_ASSOCIATIONS: ResolverList = {
  dataset: 'route53resolver:resolver-rule-associations',
  operation: 'ListResolverRuleAssociations',
  key: 'ResolverRuleAssociations',
  file: 'list-resolver-rule-associations.json',
};

/** node:crypto behind the Checksum interface the signer expects (a hash, or an HMAC when given a secret). */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData): string | Uint8Array =>
  typeof d === 'string'
    ? d
    : d instanceof ArrayBuffer
      ? new Uint8Array(d)
      : new Uint8Array(d.buffer, d.byteOffset, d.byteLength);

class Sha256 {
  private h: Hash | Hmac;
  constructor(private readonly secret?: SourceData) {
    this.h = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(this.secret));
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.h.digest()));
  }
  reset(): void {
    this.h = this.fresh();
  }
}

export class ServiceError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly $metadata: { httpStatusCode: number },
  ) {
    super(message);
  }
}

/** A JSON service's regional endpoint, or the one configured for it (an emulator: every call goes there). */
export function endpointFor(
  service: 'route53resolver' | 'route53profiles',
  region: string,
  settings: ClientSettings,
): URL {
  const configured = configuredEndpoint(
    service === 'route53resolver' ? 'ROUTE53RESOLVER' : 'ROUTE53PROFILES',
    settings,
  );
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return new URL(configured ?? `https://${service}.${region}.${suffix}`);
}

/** One request to a JSON service (JSON 1.1 POST with a target, or REST-JSON GET with a query string). */
export interface JsonRequest {
  /** The signing name: route53resolver, route53profiles. */
  service: string;
  method: 'GET' | 'POST';
  url: URL;
  headers?: Record<string, string>;
  body?: string;
}

/** Signs and sends one request, retrying throttling and server errors; service errors become ServiceError. */
export async function signedJson(
  req: JsonRequest,
  region: string,
  credentials: Credentials,
  maxAttempts: number,
): Promise<Record<string, unknown>> {
  const signer = new SignatureV4({ service: req.service, region, credentials, sha256: Sha256 });
  const { url } = req;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = v;
  for (let attempt = 1; ; attempt++) {
    const signed = await signer.sign({
      method: req.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname || '/',
      query,
      headers: { host: url.host, ...req.headers },
      ...(req.body !== undefined ? { body: req.body } : {}),
    });
    let res: Response;
    try {
      res = await fetch(url, {
        method: req.method,
        headers: signed.headers,
        ...(req.body !== undefined ? { body: req.body } : {}),
      });
    } catch (err) {
      // fetch hides the socket error in `cause`; classifyError reads its code and address.
      throw (err as { cause?: unknown }).cause ?? err;
    }
    const payload = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.ok) return payload;
    const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
    // REST-JSON services name the error in a header, JSON 1.1 ones in the body.
    const type = (
      str(res.headers.get('x-amzn-errortype')?.split(':')[0]) ??
      str(payload.__type) ??
      str(payload.code) ??
      `HTTP${res.status}`
    ).replace(/^.*#/, '');
    const message = str(payload.message) ?? str(payload.Message) ?? res.statusText;
    const retryable = res.status === 429 || res.status >= 500 || /Throttl/.test(type);
    if (!retryable || attempt >= maxAttempts) throw new ServiceError(type, message, { httpStatusCode: res.status });
    await new Promise((r) => setTimeout(r, Math.min(20_000, 100 * 2 ** attempt * (0.5 + Math.random()))));
  }
}

/** Pages a list by NextToken until the service stops handing one back. */
export async function pageAll(
  key: string,
  fetchPage: (token: string | undefined) => Promise<Record<string, unknown>>,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    const got = page[key];
    if (Array.isArray(got)) items.push(...(got as Record<string, unknown>[]));
    const next = typeof page.NextToken === 'string' && page.NextToken ? page.NextToken : undefined;
    // A service (or emulator) that hands back the same token would page forever.
    if (next !== undefined && next === token)
      throw new ServiceError('RepeatedNextToken', 'the service returned the same NextToken twice', {
        httpStatusCode: 200,
      });
    token = next;
  } while (token);
  return items;
}

/** The query logging associations, the Resolver rules and the rules' VPC associations of one account and region. */
export function collectResolver(
  region: string,
  settings: ClientSettings,
  credentials: Credentials,
  limit: Limiter,
): Promise<DatasetOutcome[]> {
  return Promise.all(
    [QUERY_LOG_ASSOCIATIONS, RULES, RULE_ASSOCIATIONS].map((l) => collectList(l, region, settings, credentials, limit)),
  );
}

async function collectList(
  list: ResolverList,
  region: string,
  settings: ClientSettings,
  credentials: Credentials,
  limit: Limiter,
): Promise<DatasetOutcome> {
  const url = endpointFor('route53resolver', region, settings);
  try {
    const items = await pageAll(list.key, (token) => {
      settings.counter.calls++;
      const body = JSON.stringify({ MaxResults: 100, ...(token ? { NextToken: token } : {}) });
      return limit(() =>
        signedJson(
          {
            service: 'route53resolver',
            method: 'POST',
            url,
            headers: {
              'content-type': 'application/x-amz-json-1.1',
              'x-amz-target': `Route53Resolver.${list.operation}`,
            },
            body,
          },
          region,
          credentials,
          settings.maxAttempts,
        ),
      );
    });
    return ok(list.dataset, { name: list.file, document: { [list.key]: sortById(items, 'Id') } });
  } catch (err) {
    return failed(list.dataset, `route53resolver:${list.operation}`, err);
  }
}
