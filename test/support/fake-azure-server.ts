/**
 * A local stand-in for Entra ID's token endpoint, ARM and Resource Graph, for the real @azure/identity credentials
 * and @azure/core-rest-pipeline pointed at it. It listens on 127.0.0.1 with TLS (MSAL refuses an http authority and
 * the bearer-token policy refuses to send a token over http) using a self-signed certificate made with openssl for
 * this process. It serves a world of ARM resources: Resource Graph rows for the tracked types, ARM list calls for
 * child resources, subscription and management-group listings; it pages, throttles and denies on request.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export type Resource = Record<string, unknown> & { id: string; type: string };

export interface FakeAzureOptions {
  tenant: string;
  clientId: string;
  clientSecret: string;
  resources: Resource[];
  subscriptions: { id: string; state?: string }[];
  managementGroups?: Record<string, string[]>;
  /** Items per page for Resource Graph and ARM lists. */
  pageSize?: number;
  /** The first Resource Graph request answers 429 with a short retry-after. */
  throttleGraphOnce?: boolean;
  /** Subscriptions the identity may not read: 403 on ARM, silently absent from Resource Graph (as Azure does). */
  deniedSubscriptions?: string[];
  /** ARM child lists that answer 403 AuthorizationFailed (by child segment, e.g. "A"). */
  deniedChildren?: string[];
}

export interface FakeAzure {
  endpoint: string;
  /** PEM of the server's self-signed certificate, to trust. */
  ca: string;
  calls: { method: string; path: string }[];
  close(): Promise<void>;
}

let cert: { key: string; cert: string } | undefined;
/** A self-signed certificate for 127.0.0.1, made once per test process (the fake GCP server uses it too). */
export function certificate(): { key: string; cert: string } {
  if (cert) return cert;
  const dir = mkdtempSync(path.join(tmpdir(), 'cordon-fake-azure-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    cert = {
      key: readFileSync(path.join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
    };
    return cert;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const subOf = (id: string) => /^\/subscriptions\/([^/]+)/i.exec(id)?.[1]?.toLowerCase() ?? '';
const rgOf = (id: string) => /\/resourceGroups\/([^/]+)/i.exec(id)?.[1]?.toLowerCase() ?? '';

/** A Resource Graph row as `resources` returns it: lower-case type, subscriptionId and resourceGroup columns. */
function graphRow(r: Resource): Record<string, unknown> {
  return {
    id: r.id,
    name: r.name,
    type: r.type.toLowerCase(),
    location: r.location ?? '',
    resourceGroup: rgOf(r.id),
    subscriptionId: subOf(r.id),
    tags: r.tags ?? {},
    kind: r.kind ?? '',
    sku: r.sku ?? null,
    identity: r.identity ?? null,
    properties: r.properties ?? {},
  };
}

export async function startFakeAzure(o: FakeAzureOptions): Promise<FakeAzure> {
  const { key, cert: pem } = certificate();
  const calls: FakeAzure['calls'] = [];
  const token = `fake-token-for-${o.clientId}`;
  let throttled = !o.throttleGraphOnce;
  const denied = new Set((o.deniedSubscriptions ?? []).map((s) => s.toLowerCase()));
  const size = o.pageSize ?? 1000;
  let base = '';

  const server: Server = createServer({ key, cert: pem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        handle(req, res, Buffer.concat(chunks).toString('utf8'));
      } catch (err) {
        json(res, 500, { error: { code: 'InternalServerError', message: String(err) } });
      }
    });
  });

  function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }
  const forbidden = (res: ServerResponse, action: string, scope: string) =>
    json(res, 403, {
      error: {
        code: 'AuthorizationFailed',
        message: `The client '${o.clientId}' with object id '00000000-0000-0000-0000-000000000000' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid.`,
      },
    });

  /** A page of `items` with an absolute nextLink on ARM's public host, as ARM writes it. */
  function listPage(res: ServerResponse, url: URL, items: unknown[]): void {
    const skip = Number(url.searchParams.get('$skiptoken') ?? '0');
    const next = new URL(url.pathname + url.search, 'https://management.azure.com');
    next.searchParams.set('$skiptoken', String(skip + size));
    json(res, 200, {
      value: items.slice(skip, skip + size),
      ...(skip + size < items.length ? { nextLink: next.toString() } : {}),
    });
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', base);
    const p = url.pathname;
    calls.push({ method: req.method ?? 'GET', path: p });
    const tenantPath = `/${o.tenant}`;
    if (p === `${tenantPath}/v2.0/.well-known/openid-configuration`) {
      return json(res, 200, {
        token_endpoint: `${base}${tenantPath}/oauth2/v2.0/token`,
        authorization_endpoint: `${base}${tenantPath}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${base}${tenantPath}/oauth2/v2.0/logout`,
        issuer: `${base}${tenantPath}/v2.0`,
        jwks_uri: `${base}${tenantPath}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'token'],
        scopes_supported: ['openid'],
      });
    }
    if (p === `${tenantPath}/oauth2/v2.0/token` && req.method === 'POST') {
      const form = new URLSearchParams(body);
      if (form.get('client_id') !== o.clientId || form.get('client_secret') !== o.clientSecret)
        return json(res, 401, {
          error: 'invalid_client',
          error_description: 'AADSTS7000215: Invalid client secret provided.',
        });
      return json(res, 200, { token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600, access_token: token });
    }
    if (req.headers.authorization !== `Bearer ${token}`)
      return json(res, 401, { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } });

    if (p === '/subscriptions')
      return listPage(
        res,
        url,
        o.subscriptions
          .filter((s) => !denied.has(s.id.toLowerCase()))
          .map((s) => ({
            id: `/subscriptions/${s.id}`,
            subscriptionId: s.id,
            tenantId: o.tenant,
            displayName: `sub ${s.id.slice(0, 8)}`,
            state: s.state ?? 'Enabled',
          })),
      );
    const subMatch = /^\/subscriptions\/([^/]+)$/i.exec(p);
    if (subMatch) {
      const s = o.subscriptions.find((x) => x.id.toLowerCase() === subMatch[1]!.toLowerCase());
      if (!s)
        return json(res, 404, {
          error: { code: 'SubscriptionNotFound', message: `The subscription '${subMatch[1]}' could not be found.` },
        });
      if (denied.has(s.id.toLowerCase())) return forbidden(res, 'Microsoft.Resources/subscriptions/read', p);
      return json(res, 200, { id: p, subscriptionId: s.id, tenantId: o.tenant, state: s.state ?? 'Enabled' });
    }
    const mg = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)\/descendants$/i.exec(p);
    if (mg) {
      const subs = o.managementGroups?.[decodeURIComponent(mg[1]!)];
      if (!subs) return forbidden(res, 'Microsoft.Management/managementGroups/descendants/read', p);
      return listPage(
        res,
        url,
        subs.map((s) => ({
          id: `/subscriptions/${s}`,
          type: 'Microsoft.Management/managementGroups/subscriptions',
          name: s,
        })),
      );
    }
    if (p.toLowerCase() === '/providers/microsoft.resourcegraph/resources' && req.method === 'POST') {
      if (!throttled) {
        throttled = true;
        return json(
          res,
          429,
          { error: { code: 'RateLimiting', message: 'Please provide below info when asking for support' } },
          {
            'x-ms-retry-after-ms': '20',
            'x-ms-user-quota-remaining': '0',
            'x-ms-user-quota-resets-after': '00:00:00',
          },
        );
      }
      const q = JSON.parse(body) as {
        subscriptions: string[];
        query: string;
        options?: { $top?: number; $skipToken?: string };
      };
      const types = new Set([...q.query.matchAll(/'([a-z0-9./]+)'/gi)].map((m) => m[1]!.toLowerCase()));
      const subs = new Set(q.subscriptions.map((s) => s.toLowerCase()).filter((s) => !denied.has(s)));
      const rows = o.resources
        .filter((r) => subs.has(subOf(r.id)) && types.has(r.type.toLowerCase()))
        .map(graphRow)
        .sort((a, b) => (String(a.id).toLowerCase() < String(b.id).toLowerCase() ? -1 : 1));
      const top = Math.min(q.options?.$top ?? 1000, size);
      const skip = Number(q.options?.$skipToken ?? '0');
      const page = rows.slice(skip, skip + top);
      return json(
        res,
        200,
        {
          totalRecords: rows.length,
          count: page.length,
          resultTruncated: 'false',
          ...(skip + top < rows.length ? { $skipToken: String(skip + top) } : {}),
          data: page,
          facets: [],
        },
        { 'x-ms-user-quota-remaining': '14', 'x-ms-user-quota-resets-after': '00:00:05' },
      );
    }
    // A child list: GET {parentId}/{child}, or an extension collection: GET {resourceId}/providers/{namespace}/{type}
    const parts = p.split('/');
    const extension = /^(.*)\/(providers\/[^/]+\/[^/]+)$/i.exec(p);
    const child = extension ? extension[2]! : (parts.at(-1) ?? '');
    const parentId = extension ? extension[1]! : parts.slice(0, -1).join('/');
    const sub = subOf(p);
    if (sub && req.method === 'GET') {
      if (denied.has(sub) || o.deniedChildren?.includes(child))
        return forbidden(
          res,
          extension
            ? `${child.replace(/^providers\//i, '')}/read`
            : `${parts.at(-3) === 'privateDnsZones' ? 'Microsoft.Network/privateDnsZones' : 'Microsoft.Network/' + (parts.at(-3) ?? '')}/${child}/read`,
          p,
        );
      if (!o.resources.some((r) => r.id.toLowerCase() === parentId.toLowerCase()))
        return json(res, 404, {
          error: { code: 'ResourceNotFound', message: `The Resource '${parentId}' was not found.` },
        });
      const prefix = `${parentId}/${child}/`.toLowerCase();
      const items = o.resources
        .filter((r) => r.id.toLowerCase().startsWith(prefix) && !r.id.slice(prefix.length).includes('/'))
        .sort((a, b) => (a.id.toLowerCase() < b.id.toLowerCase() ? -1 : 1));
      return listPage(res, url, items);
    }
    json(res, 404, { error: { code: 'NotFound', message: `the fake does not serve ${req.method} ${p}` } });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint: base,
    ca: pem,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every resource in a snapshot directory's files, whatever their shape (graph output, ARM list, array, one). */
export function resourcesOf(docs: unknown[]): Resource[] {
  const out: Resource[] = [];
  const seen = new Set<string>();
  for (const d of docs) {
    const rows = Array.isArray(d)
      ? d
      : d && typeof d === 'object' && Array.isArray((d as { data?: unknown }).data)
        ? (d as { data: unknown[] }).data
        : d && typeof d === 'object' && Array.isArray((d as { value?: unknown }).value)
          ? (d as { value: unknown[] }).value
          : [d];
    for (const r of rows)
      if (
        r &&
        typeof r === 'object' &&
        typeof (r as Resource).id === 'string' &&
        typeof (r as Resource).type === 'string'
      )
        if (!seen.has((r as Resource).id.toLowerCase())) {
          seen.add((r as Resource).id.toLowerCase());
          out.push(r as Resource);
        }
  }
  return out;
}
