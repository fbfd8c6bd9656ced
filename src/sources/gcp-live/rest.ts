/**
 * Google Cloud REST reads through a google-auth-library client (its gaxios transport adds the bearer token and
 * refreshes it), with what the library does not do itself: retries on 429 and 5xx honouring Retry-After, bounded
 * concurrency, paging by nextPageToken, one base URL for every API when an emulator is configured, and errors turned
 * into a Failure that names the missing permission or the disabled API from Google's ErrorInfo details.
 */
import type { Agent } from 'node:https';
import type { Limiter } from '../aws-live/limiter.js';

/** The part of a google-auth-library AuthClient the collector uses (kept small so tests and types stay simple). */
export interface GcpAuthClient {
  request<T = unknown>(opts: {
    url: string;
    method?: 'GET' | 'POST';
    /** The JSON body of a POST (Compute's listInstances and listNetworkEndpoints are POST reads). */
    data?: unknown;
    responseType?: 'json';
    retry?: boolean;
    timeout?: number;
    agent?: Agent;
  }): Promise<{ status: number; data: T }>;
}

/** The public root of each API cordon calls; with an endpoint, every one of them is that endpoint. */
export const API_ROOTS = {
  cloudasset: 'https://cloudasset.googleapis.com',
  orgpolicy: 'https://orgpolicy.googleapis.com',
  dns: 'https://dns.googleapis.com',
  compute: 'https://compute.googleapis.com',
} as const;
export type GcpApi = keyof typeof API_ROOTS;

export type GcpFailureKind =
  'denied' | 'disabled' | 'not-found' | 'throttled' | 'credentials' | 'unreachable' | 'other';

export interface GcpFailure {
  kind: GcpFailureKind;
  /** One line: "PERMISSION_DENIED: Permission 'cloudasset.assets.listResource' denied on …". */
  reason: string;
  /** The IAM permission Google said was missing, or the API to enable ("cloudasset.googleapis.com enabled in …"). */
  permission?: string;
}

export class GcpApiError extends Error {
  constructor(
    readonly status: number,
    /** google.rpc status: PERMISSION_DENIED, RESOURCE_EXHAUSTED, … */
    readonly code: string,
    message: string,
    /** ErrorInfo.reason (IAM_PERMISSION_DENIED, SERVICE_DISABLED, …) and its metadata. */
    readonly info?: { reason?: string; metadata?: Record<string, string> },
  ) {
    super(`${code}: ${message}`);
    this.name = 'GcpApiError';
  }
}

export interface GcpRestOptions {
  client: GcpAuthClient;
  /** Send every call here instead of the APIs' public roots (an emulator or test double). */
  endpoint?: string;
  /** TLS agent trusting an emulator's certificate. */
  agent?: Agent;
  limit: Limiter;
  maxRetries?: number;
  /** Base of the exponential backoff when the answer gives no Retry-After (tests shorten it). */
  backoffMs?: number;
}

const RETRYABLE = new Set([429, 500, 502, 503, 504]);
const MAX_WAIT_MS = 60_000;

export class GcpRest {
  calls = 0;
  private readonly client: GcpAuthClient;
  private readonly endpoint?: string;
  private readonly agent?: Agent;
  private readonly limit: Limiter;
  private readonly maxRetries: number;
  private readonly backoffMs: number;

  constructor(o: GcpRestOptions) {
    this.client = o.client;
    if (o.endpoint) this.endpoint = o.endpoint.replace(/\/+$/, '');
    if (o.agent) this.agent = o.agent;
    this.limit = o.limit;
    this.maxRetries = o.maxRetries ?? 6;
    this.backoffMs = o.backoffMs ?? 1000;
  }

  url(api: GcpApi, path: string, query: Record<string, string | string[] | undefined> = {}): string {
    const u = new URL(`${this.endpoint ?? API_ROOTS[api]}${path}`);
    for (const [k, v] of Object.entries(query))
      for (const x of v === undefined ? [] : Array.isArray(v) ? v : [v]) u.searchParams.append(k, x);
    return u.toString();
  }

  /**
   * One GET (or, with a body, a POST that only reads), retried on throttling and server errors; non-2xx answers throw
   * GcpApiError.
   */
  async get(url: string, body?: Record<string, unknown>): Promise<Record<string, unknown>> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.limit(async () => {
          this.calls++;
          const res = await this.client.request<unknown>({
            url,
            method: body ? 'POST' : 'GET',
            ...(body ? { data: body } : {}),
            responseType: 'json',
            // Retries are ours: gaxios's own would not honour Retry-After.
            retry: false,
            timeout: 120_000,
            ...(this.agent ? { agent: this.agent } : {}),
          });
          const d = res.data;
          // Google's REST APIs answer an empty list with "{}": an empty or non-object body is a broken answer (a
          // proxy, a gateway), and reading it as an empty list would declare the data set complete.
          if (d === null || typeof d !== 'object' || Array.isArray(d))
            throw new GcpApiError(
              res.status,
              'MALFORMED_RESPONSE',
              `${new URL(url).pathname} answered ${res.status} with ${d === '' || d === undefined || d === null ? 'an empty body' : 'a body that is not a JSON object'}`,
            );
          return d as Record<string, unknown>;
        });
      } catch (err) {
        const e = toApiError(err);
        if (!e || !RETRYABLE.has(e.error.status) || attempt >= this.maxRetries) throw e?.error ?? err;
        await sleep(e.retryAfterMs ?? Math.min(MAX_WAIT_MS, this.backoffMs * 2 ** attempt * (0.5 + Math.random() / 2)));
      }
    }
  }

  /**
   * Every item of a paged list (`items` key given), following nextPageToken. A token that repeats would page forever
   * on a misbehaving server: that is an error, not a complete list.
   */
  async list(url: string, key: string, body?: Record<string, unknown>): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    do {
      const u = new URL(url);
      if (token) u.searchParams.set('pageToken', token);
      const page = await this.get(u.toString(), body);
      const items = page[key];
      if (Array.isArray(items)) out.push(...(items as Record<string, unknown>[]));
      token = typeof page.nextPageToken === 'string' && page.nextPageToken ? page.nextPageToken : undefined;
      if (token !== undefined) {
        if (seen.has(token)) throw new GcpApiError(0, 'REPEATED_PAGE_TOKEN', `${u.pathname} repeated a nextPageToken`);
        seen.add(token);
      }
    } while (token);
    return out;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retry-After as seconds or an HTTP date, capped; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.min(MAX_WAIT_MS, Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.min(MAX_WAIT_MS, Math.max(0, t - now));
}

interface GaxiosErrorLike {
  name?: string;
  message?: string;
  status?: number;
  response?: { status?: number; data?: unknown; headers?: { get?(k: string): string | null } | Record<string, string> };
}

/** A gaxios error with an HTTP answer, as a GcpApiError (Google's error body parsed) and its Retry-After. */
function toApiError(err: unknown): { error: GcpApiError; retryAfterMs?: number } | undefined {
  if (err instanceof GcpApiError) return { error: err };
  const e = (err ?? {}) as GaxiosErrorLike;
  const status = e.response?.status ?? e.status;
  if (typeof status !== 'number') return undefined;
  const body = e.response?.data;
  const doc = (typeof body === 'string' ? safeParse(body) : body) as {
    error?: { code?: number; status?: string; message?: string; details?: unknown[] };
  } | null;
  // The OAuth token endpoint answers {error: "invalid_grant", error_description}: a credential problem.
  const oauth = doc as { error?: unknown; error_description?: unknown } | null;
  if (oauth && typeof oauth.error === 'string')
    return {
      error: new GcpApiError(
        status,
        'UNAUTHENTICATED',
        `${oauth.error}${typeof oauth.error_description === 'string' ? `: ${oauth.error_description}` : ''}`,
      ),
    };
  const ge = doc && typeof doc === 'object' ? doc.error : undefined;
  const info = (Array.isArray(ge?.details) ? ge.details : []).find(
    (d): d is { reason?: string; metadata?: Record<string, string> } =>
      !!d && typeof d === 'object' && String((d as { '@type'?: unknown })['@type']).endsWith('google.rpc.ErrorInfo'),
  );
  const message = (typeof ge?.message === 'string' ? ge.message : (e.message ?? `HTTP ${status}`)).replace(/\s+/g, ' ');
  const headers = e.response?.headers;
  const ra =
    headers && typeof (headers as { get?: unknown }).get === 'function'
      ? (headers as { get(k: string): string | null }).get('retry-after')
      : (headers as Record<string, string> | undefined)?.['retry-after'];
  const error = new GcpApiError(status, ge?.status ?? `HTTP${status}`, message, info);
  const wait = retryAfterMs(ra);
  return wait === undefined ? { error } : { error, retryAfterMs: wait };
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

/** Why a call failed, with the permission or API Google names in the error. */
export function classifyGcpError(err: unknown): GcpFailure {
  if (err instanceof GcpApiError) {
    const meta = err.info?.metadata ?? {};
    const reason = err.message.length > 400 ? `${err.message.slice(0, 397)}...` : err.message;
    if (err.info?.reason === 'SERVICE_DISABLED' || /has not been used in project|it is disabled/i.test(err.message)) {
      const service = meta.service ?? /([a-z0-9-]+\.googleapis\.com)/.exec(err.message)?.[1] ?? 'the API';
      const consumer = meta.consumer ?? meta.containerInfo ?? /project (\d+)/.exec(err.message)?.[1];
      return {
        kind: 'disabled',
        reason,
        permission: `${service} enabled${consumer ? ` in ${consumer.startsWith('projects/') ? consumer : `projects/${consumer}`}` : ''}`,
      };
    }
    const permission = meta.permission ?? /Permission '([^']+)' denied/i.exec(err.message)?.[1];
    if (err.status === 403 || err.code === 'PERMISSION_DENIED')
      return { kind: 'denied', reason, ...(permission ? { permission } : {}) };
    if (err.status === 404 || err.code === 'NOT_FOUND') return { kind: 'not-found', reason };
    if (err.status === 429 || err.code === 'RESOURCE_EXHAUSTED')
      return { kind: 'throttled', reason: `${reason} (still throttled after retries)` };
    if (err.status === 401 || err.code === 'UNAUTHENTICATED') return { kind: 'credentials', reason };
    return { kind: 'other', reason };
  }
  const e = (err ?? {}) as { name?: string; code?: string; message?: string };
  const message = (e.message ?? String(err)).replace(/\s+/g, ' ').slice(0, 300);
  if (
    /ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|EAI_AGAIN|certificate|self.signed/i.test(
      `${e.code} ${message}`,
    )
  )
    return { kind: 'unreachable', reason: `cannot reach the endpoint: ${message}` };
  // Token refresh failures (invalid_grant, a bad key) come from the auth library, not from an API.
  if (/invalid_grant|invalid_client|unauthorized_client|Could not load the default credentials|refresh/i.test(message))
    return { kind: 'credentials', reason: `${e.name ?? 'Error'}: ${message}` };
  return { kind: 'other', reason: message };
}
