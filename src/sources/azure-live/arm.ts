/**
 * Azure Resource Manager and Resource Graph over REST, through @azure/core-rest-pipeline (the Azure SDK's own HTTP
 * stack): bearer tokens from an @azure/identity credential, retries on 429/503 honouring Retry-After, TLS settings for
 * an emulator's certificate, and bounded concurrency. Every call goes to one base URL, so pointing cordon at an
 * emulator sends it everything. Errors become a Failure naming the missing permission where ARM says which.
 */
import type { TokenCredential } from '@azure/core-auth';
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  type HttpClient,
  type Pipeline,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import type { Limiter } from '../aws-live/limiter.js';

export const ARM_PUBLIC = 'https://management.azure.com';
export const ARG_API_VERSION = '2022-10-01';

export type FailureKind = 'denied' | 'not-found' | 'throttled' | 'unreachable' | 'credentials' | 'other';

export interface AzureFailure {
  kind: FailureKind;
  /** One line: "AuthorizationFailed: The client … does not have authorization to perform action '…'". */
  reason: string;
  /** The action ARM said was missing, when it said so. */
  permission?: string;
}

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'ArmError';
  }
}

export interface ArmClientOptions {
  credential: TokenCredential;
  /** ARM base URL: the public cloud, a sovereign cloud or an emulator. */
  endpoint?: string;
  /** PEM certificate(s) to trust (an emulator's self-signed certificate). */
  ca?: string;
  maxRetries?: number;
  /** Calls in flight at once across the whole collection. */
  limit: Limiter;
}

export class ArmClient {
  readonly base: string;
  calls = 0;
  private readonly pipeline: Pipeline;
  private readonly http: HttpClient;
  private readonly limit: Limiter;
  /** Resource Graph's per-user quota: when the last answer said none is left, wait until it resets. */
  private graphQuietUntil = 0;

  constructor(o: ArmClientOptions) {
    this.base = (o.endpoint ?? ARM_PUBLIC).replace(/\/+$/, '');
    this.limit = o.limit;
    this.pipeline = createPipelineFromOptions({
      retryOptions: { maxRetries: o.maxRetries ?? 6, retryDelayInMs: 500, maxRetryDelayInMs: 30_000 },
      ...(o.ca ? { tlsOptions: { ca: o.ca } } : {}),
      userAgentOptions: { userAgentPrefix: 'cordon' },
    });
    // Tokens are for ARM's audience whatever the base URL is: an emulator accepts what ARM would.
    this.pipeline.addPolicy(
      bearerTokenAuthenticationPolicy({ credential: o.credential, scopes: `${ARM_PUBLIC}/.default` }),
    );
    this.http = createDefaultHttpClient();
  }

  private async send(method: 'GET' | 'POST', url: string, body?: unknown): Promise<PipelineResponse> {
    return this.limit(async () => {
      this.calls++;
      const req = createPipelineRequest({
        url,
        method,
        headers: createHttpHeaders({
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        }),
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        timeout: 120_000,
      });
      return this.pipeline.sendRequest(this.http, req);
    });
  }

  private async json(method: 'GET' | 'POST', url: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await this.send(method, url, body);
    const text = res.bodyAsText ?? '';
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = {};
    }
    const doc = (parsed !== null && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
    if (res.status >= 400) {
      const e = (doc.error ?? {}) as { code?: unknown; message?: unknown };
      throw new ArmError(
        res.status,
        typeof e.code === 'string' ? e.code : `HTTP${res.status}`,
        typeof e.message === 'string' ? e.message.replace(/\s+/g, ' ') : text.slice(0, 200),
      );
    }
    if (method === 'POST' && url.includes('Microsoft.ResourceGraph')) this.noteGraphQuota(res);
    return doc;
  }

  /** GET a path (or an absolute nextLink on the same base). */
  get(pathOrUrl: string, apiVersion?: string): Promise<Record<string, unknown>> {
    return this.json('GET', this.url(pathOrUrl, apiVersion));
  }

  /** Every item of an ARM list, following nextLink. */
  async list(path: string, apiVersion: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let next: string | undefined = this.url(path, apiVersion);
    while (next) {
      const page = await this.json('GET', next);
      if (Array.isArray(page.value)) out.push(...(page.value as Record<string, unknown>[]));
      next = typeof page.nextLink === 'string' && page.nextLink ? this.rebase(page.nextLink) : undefined;
    }
    return out;
  }

  /**
   * A Resource Graph query over some subscriptions, every page ($skipToken) gathered. Rows come as objects
   * (resultFormat objectArray); the query should order its rows so pages are consistent.
   */
  async graph(query: string, subscriptions: string[]): Promise<Record<string, unknown>[]> {
    const rows: Record<string, unknown>[] = [];
    let skipToken: string | undefined;
    do {
      const wait = this.graphQuietUntil - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, 10_000)));
      const page = await this.json('POST', this.url('/providers/Microsoft.ResourceGraph/resources', ARG_API_VERSION), {
        subscriptions,
        query,
        options: { $top: 1000, resultFormat: 'objectArray', ...(skipToken ? { $skipToken: skipToken } : {}) },
      });
      if (Array.isArray(page.data)) rows.push(...(page.data as Record<string, unknown>[]));
      skipToken = typeof page.$skipToken === 'string' && page.$skipToken ? page.$skipToken : undefined;
    } while (skipToken);
    return rows;
  }

  /** x-ms-user-quota-remaining / x-ms-user-quota-resets-after (hh:mm:ss): Resource Graph's documented throttle. */
  private noteGraphQuota(res: PipelineResponse): void {
    const remaining = Number(res.headers.get('x-ms-user-quota-remaining'));
    const resets = /^(\d+):(\d+):(\d+)/.exec(res.headers.get('x-ms-user-quota-resets-after') ?? '');
    if (remaining === 0 && resets)
      this.graphQuietUntil =
        Date.now() + 1000 * (3600 * Number(resets[1]) + 60 * Number(resets[2]) + Number(resets[3]));
  }

  private url(pathOrUrl: string, apiVersion?: string): string {
    const u = /^https?:\/\//.test(pathOrUrl) ? this.rebase(pathOrUrl) : `${this.base}${pathOrUrl}`;
    if (!apiVersion) return u;
    return `${u}${u.includes('?') ? '&' : '?'}api-version=${apiVersion}`;
  }

  /** A nextLink names ARM's public host; an emulator's own base must be kept so nothing leaves it. */
  private rebase(link: string): string {
    const u = new URL(link);
    return `${this.base}${u.pathname}${u.search}`;
  }
}

/** Why a call failed, with the permission ARM names in AuthorizationFailed messages. */
export function classifyAzureError(err: unknown): AzureFailure {
  if (err instanceof ArmError) {
    const permission = /perform action '([^']+)'/i.exec(err.message)?.[1];
    if (err.status === 403 || /Authorization|Forbidden/i.test(err.code))
      return { kind: 'denied', reason: err.message, ...(permission ? { permission } : {}) };
    if (err.status === 404) return { kind: 'not-found', reason: err.message };
    if (err.status === 429) return { kind: 'throttled', reason: `${err.message} (still throttled after retries)` };
    if (err.status === 401) return { kind: 'credentials', reason: err.message };
    return { kind: 'other', reason: err.message };
  }
  const e = (err ?? {}) as { name?: string; code?: string; message?: string };
  const message = (e.message ?? String(err)).replace(/\s+/g, ' ').slice(0, 300);
  if (e.name === 'CredentialUnavailableError' || e.name === 'AuthenticationError' || /credential/i.test(e.name ?? ''))
    return { kind: 'credentials', reason: `${e.name}: ${message}` };
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|certificate|self.signed/i.test(`${e.code} ${message}`))
    return { kind: 'unreachable', reason: `cannot reach the endpoint: ${message}` };
  return { kind: 'other', reason: message };
}
