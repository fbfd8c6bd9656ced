/**
 * A local stand-in for Google's OAuth token endpoint, the Cloud Asset API v1 (assets.list, RESOURCE and ACCESS_POLICY
 * content), Org Policy v2 (policies.list), Cloud DNS v1 (rrsets.list) and Compute v1 hierarchical firewall policies
 * (list and get), for the real google-auth-library clients pointed at it. It listens on 127.0.0.1 with TLS (the
 * certificate the Azure fake makes) and serves a world of assets; it pages, throttles, denies and reports a disabled
 * API on request, with Google's error bodies (google.rpc.Status with an ErrorInfo detail).
 *
 * Access tokens: an authorized user's refresh token is exchanged at POST /token; a service account's self-signed
 * JWT is verified against its public key. Every other request needs one of the two.
 */
import { createPublicKey, verify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { certificate } from './fake-azure-server.js';

export type Json = Record<string, unknown>;
export type Asset = Json & { name: string; assetType: string; ancestors?: string[] };

export interface FakeGcpOptions {
  /** RESOURCE content assets (projects included: their ancestors place everything else). */
  assets: Asset[];
  /** ACCESS_POLICY content assets (servicePerimeter), under organizations by their ancestors. */
  accessPolicyAssets?: Asset[];
  /** Org Policy v2 policies (name "<parent>/policies/<constraint>"). */
  orgPolicies?: Json[];
  /** Record sets by "project/zone". */
  recordSets?: Record<string, Json[]>;
  /** Cloud DNS response policies by project, and their rules by "project/policy". */
  responsePolicies?: Record<string, Json[]>;
  responsePolicyRules?: Record<string, Json[]>;
  user?: { clientId: string; clientSecret: string; refreshToken: string };
  serviceAccount?: { email: string; publicKeyPem: string };
  /** Items per page. */
  pageSize?: number;
  /** The first assets.list answers 429 with Retry-After: 1. */
  throttleOnce?: boolean;
  /** Projects (ids) whose asset list answers 403 PERMISSION_DENIED. */
  deniedProjects?: string[];
  /** Organizations and folders ("organizations/1") whose asset list answers 403 PERMISSION_DENIED. */
  deniedParents?: string[];
  /** Projects (ids) whose asset list always answers 429 without Retry-After. */
  throttledProjects?: string[];
  /** Projects (ids) whose asset list answers 200 with an empty body (a broken proxy or gateway, not an empty list). */
  emptyBodyProjects?: string[];
  /** Projects (ids) whose asset list answers 200 {} (no assets, not even the project). */
  emptyListProjects?: string[];
  /** Projects (ids) whose instance group member lists answer 403 PERMISSION_DENIED. */
  deniedMemberLists?: string[];
  /** routers.getRouterStatus answers (RouterStatusResponse) by router relative name "projects/p/regions/r/routers/n". */
  routerStatuses?: Record<string, Json>;
  /** Routers (relative names) whose getRouterStatus answers 403 PERMISSION_DENIED. */
  deniedRouterStatus?: string[];
  /** Org Policy v2 answers 403 SERVICE_DISABLED for these parents. */
  orgPolicyDisabledFor?: string[];
  /** Delay before each answer (benchmarks: a cloud API is not instantaneous). */
  latencyMs?: number;
}

export interface FakeGcpCall {
  method: string;
  path: string;
  query: Record<string, string[]>;
  status: number;
  /** The address the client connected from (always loopback here). */
  remoteAddress: string;
  /** The x-goog-user-project header (the quota project). */
  userProject?: string;
}

export interface FakeGcp {
  endpoint: string;
  ca: string;
  calls: FakeGcpCall[];
  close(): Promise<void>;
}

const data = (a: Asset): Json => ((a.resource as Json | undefined)?.data ?? {}) as Json;

/** An asset as the Asset API returns it: a group's members and endpoints are not part of the resource. */
function withoutMembers(a: Asset): Asset {
  const d = data(a);
  if (!('members' in d) && !('endpoints' in d)) return a;
  const { members: _m, endpoints: _e, ...rest } = d;
  return { ...a, resource: { ...(a.resource as Json), data: rest } };
}

function b64url(s: string): Buffer {
  return Buffer.from(s.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

export async function startFakeGcp(o: FakeGcpOptions): Promise<FakeGcp> {
  const { key, cert } = certificate();
  const calls: FakeGcpCall[] = [];
  const issued = new Set<string>();
  let throttled = !o.throttleOnce;
  const size = o.pageSize ?? 1000;
  // Project ids and numbers, both ways (asset ancestors name projects by number).
  const numberOf = new Map<string, string>();
  for (const a of o.assets)
    if (a.assetType === 'cloudresourcemanager.googleapis.com/Project') {
      const d = data(a);
      numberOf.set(
        String(d.projectId),
        typeof d.projectNumber === 'string' ? d.projectNumber : (/(\d+)$/.exec(a.name)?.[1] ?? ''),
      );
    }

  const server: Server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = () => {
        try {
          handle(req, res, Buffer.concat(chunks).toString('utf8'));
        } catch (err) {
          rpcError(res, 500, 'INTERNAL', String(err));
        }
      };
      if (o.latencyMs) setTimeout(answer, o.latencyMs);
      else answer();
    });
  });

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    calls[calls.length - 1]!.status = status;
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
    res.end(JSON.stringify(body));
  }
  function rpcError(
    res: ServerResponse,
    code: number,
    status: string,
    message: string,
    info?: { reason: string; domain: string; metadata: Record<string, string> },
    headers: Record<string, string> = {},
  ): void {
    send(
      res,
      code,
      {
        error: {
          code,
          message,
          status,
          ...(info ? { details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', ...info }] } : {}),
        },
      },
      headers,
    );
  }
  const denied = (res: ServerResponse, permission: string, resource: string) =>
    rpcError(
      res,
      403,
      'PERMISSION_DENIED',
      `Permission '${permission}' denied on resource '${resource}' (or it may not exist).`,
      { reason: 'IAM_PERMISSION_DENIED', domain: 'iam.googleapis.com', metadata: { permission, resource } },
    );

  function page(res: ServerResponse, url: URL, key: string, items: unknown[], extra: Json = {}): void {
    const skip = Number(url.searchParams.get('pageToken') ?? '0');
    const n = Math.min(Number(url.searchParams.get('pageSize') ?? size) || size, size);
    send(res, 200, {
      ...extra,
      [key]: items.slice(skip, skip + n),
      ...(skip + n < items.length ? { nextPageToken: String(skip + n) } : {}),
    });
  }

  function authorised(req: IncomingMessage): boolean {
    const h = req.headers.authorization ?? '';
    const token = h.startsWith('Bearer ') ? h.slice(7) : '';
    if (issued.has(token)) return true;
    const sa = o.serviceAccount;
    const parts = token.split('.');
    if (!sa || parts.length !== 3) return false;
    const ok = verify(
      'RSA-SHA256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      createPublicKey(sa.publicKeyPem),
      b64url(parts[2]!),
    );
    if (!ok) return false;
    const claims = JSON.parse(b64url(parts[1]!).toString('utf8')) as { iss?: string; exp?: number; scope?: string };
    return (
      claims.iss === sa.email && (claims.exp ?? 0) * 1000 > Date.now() && /cloud-platform/.test(claims.scope ?? '')
    );
  }

  /** Assets under a parent: projects by id or number, folders and organizations through ancestors. */
  function under(parent: string, assets: Asset[]): Asset[] {
    const m = /^projects\/(.+)$/.exec(parent);
    const wanted = m ? `projects/${numberOf.get(m[1]!) ?? m[1]}` : parent;
    return assets.filter((a) => (a.ancestors ?? []).includes(wanted));
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const p = url.pathname;
    const query: Record<string, string[]> = {};
    for (const [k, v] of url.searchParams) (query[k] ??= []).push(v);
    calls.push({
      method: req.method ?? 'GET',
      path: p,
      query,
      status: 0,
      remoteAddress: req.socket.remoteAddress ?? '',
      ...(typeof req.headers['x-goog-user-project'] === 'string'
        ? { userProject: req.headers['x-goog-user-project'] }
        : {}),
    });

    if (p === '/token' && req.method === 'POST') {
      const form = new URLSearchParams(body);
      const u = o.user;
      if (
        !u ||
        form.get('grant_type') !== 'refresh_token' ||
        form.get('client_id') !== u.clientId ||
        form.get('client_secret') !== u.clientSecret ||
        form.get('refresh_token') !== u.refreshToken
      )
        return send(res, 400, { error: 'invalid_grant', error_description: 'Bad Request' });
      const token = `ya29.fake-${issued.size + 1}`;
      issued.add(token);
      return send(res, 200, {
        access_token: token,
        expires_in: 3599,
        token_type: 'Bearer',
        scope: 'https://www.googleapis.com/auth/cloud-platform',
      });
    }
    if (!authorised(req))
      return rpcError(res, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    // Compute's member lists are POST reads; the members come from the asset's data, which the Asset API does not
    // return (the asset list below leaves them out).
    const members =
      /^\/compute\/v1\/(projects\/[^/]+\/(?:zones|regions)\/[^/]+\/(?:instanceGroups|networkEndpointGroups)\/[^/]+)\/(listInstances|listNetworkEndpoints)$/.exec(
        p,
      );
    if (members && req.method === 'POST') {
      const project = /^projects\/([^/]+)/.exec(members[1]!)![1]!;
      if (o.deniedMemberLists?.includes(project))
        return denied(res, 'compute.instanceGroups.list', `//compute.googleapis.com/${members[1]}`);
      const a = o.assets.find((x) => x.name === `//compute.googleapis.com/${members[1]}`);
      if (!a) return rpcError(res, 404, 'NOT_FOUND', `The resource '${members[1]}' was not found`);
      const key = members[2] === 'listInstances' ? 'members' : 'endpoints';
      const items = (data(a)[key] as Json[] | undefined) ?? [];
      return page(res, url, 'items', items, { kind: `compute#${members[2]}` });
    }
    if (req.method !== 'GET') return rpcError(res, 405, 'UNIMPLEMENTED', `${req.method} is not served`);

    const routerStatus = /^\/compute\/v1\/(projects\/[^/]+\/regions\/[^/]+\/routers\/[^/]+)\/getRouterStatus$/.exec(p);
    if (routerStatus) {
      const rel = routerStatus[1]!;
      if (o.deniedRouterStatus?.includes(rel))
        return denied(res, 'compute.routers.get', `//compute.googleapis.com/${rel}`);
      const answer = o.routerStatuses?.[rel];
      if (!answer) return rpcError(res, 404, 'NOT_FOUND', `The resource '${rel}' was not found`);
      return send(res, 200, answer);
    }

    const assets = /^\/v1\/((?:projects|folders|organizations)\/[^/]+)\/assets$/.exec(p);
    if (assets) {
      const parent = assets[1]!;
      if (!throttled) {
        throttled = true;
        return rpcError(res, 429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for quota metric ListAssets.', undefined, {
          'retry-after': '1',
        });
      }
      const project = /^projects\/(.+)$/.exec(parent)?.[1];
      if (project && o.throttledProjects?.includes(project))
        return rpcError(res, 429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for quota metric ListAssets.');
      if (project && o.emptyListProjects?.includes(project)) return send(res, 200, {});
      if (project && o.emptyBodyProjects?.includes(project)) {
        res.writeHead(200, { 'content-type': 'application/json' }).end();
        return;
      }
      if ((project && o.deniedProjects?.includes(project)) || o.deniedParents?.includes(parent))
        return denied(res, 'cloudasset.assets.listResource', `//cloudresourcemanager.googleapis.com/${parent}`);
      const types = new Set(query.assetTypes ?? []);
      const contentType = url.searchParams.get('contentType');
      if (contentType === 'ACCESS_POLICY' && !parent.startsWith('organizations/'))
        return rpcError(res, 400, 'INVALID_ARGUMENT', 'access policies are listed under an organization');
      if (contentType !== 'RESOURCE' && contentType !== 'ACCESS_POLICY')
        return rpcError(res, 400, 'INVALID_ARGUMENT', `content type ${contentType}`);
      const items = under(parent, contentType === 'RESOURCE' ? o.assets : (o.accessPolicyAssets ?? []))
        .filter((a) => types.size === 0 || types.has(a.assetType))
        .map(withoutMembers);
      return page(
        res,
        url,
        'assets',
        items.sort((a, b) => (a.name < b.name ? -1 : 1)),
        { readTime: '2026-12-04T00:00:00Z' },
      );
    }
    const policies = /^\/v2\/((?:projects|folders|organizations)\/[^/]+)\/policies$/.exec(p);
    if (policies) {
      const parent = policies[1]!;
      if (o.orgPolicyDisabledFor?.includes(parent))
        return rpcError(
          res,
          403,
          'PERMISSION_DENIED',
          'Organization Policy API has not been used in project 999 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/orgpolicy.googleapis.com/overview?project=999 then retry.',
          {
            reason: 'SERVICE_DISABLED',
            domain: 'googleapis.com',
            metadata: { service: 'orgpolicy.googleapis.com', consumer: 'projects/999' },
          },
        );
      const alt = parent.replace(/^projects\/(.+)$/, (_m, id: string) => `projects/${numberOf.get(id) ?? id}`);
      const items = (o.orgPolicies ?? []).filter((x) => {
        const n = String(x.name);
        return n.startsWith(`${parent}/policies/`) || n.startsWith(`${alt}/policies/`);
      });
      return page(res, url, 'policies', items);
    }
    const policiesOf = /^\/dns\/v1\/projects\/([^/]+)\/responsePolicies$/.exec(p);
    if (policiesOf)
      return page(res, url, 'responsePolicies', o.responsePolicies?.[policiesOf[1]!] ?? [], {
        kind: 'dns#responsePoliciesListResponse',
      });
    const rulesOf = /^\/dns\/v1\/projects\/([^/]+)\/responsePolicies\/([^/]+)\/rules$/.exec(p);
    if (rulesOf) {
      const items = o.responsePolicyRules?.[`${rulesOf[1]}/${decodeURIComponent(rulesOf[2]!)}`];
      if (!items)
        return rpcError(
          res,
          404,
          'NOT_FOUND',
          `The 'parameters.responsePolicy' resource named '${rulesOf[2]}' does not exist.`,
        );
      return page(res, url, 'responsePolicyRules', items, { kind: 'dns#responsePolicyRulesListResponse' });
    }
    const rrsets = /^\/dns\/v1\/projects\/([^/]+)\/managedZones\/([^/]+)\/rrsets$/.exec(p);
    if (rrsets) {
      const items = o.recordSets?.[`${rrsets[1]}/${decodeURIComponent(rrsets[2]!)}`];
      if (!items)
        return rpcError(
          res,
          404,
          'NOT_FOUND',
          `The 'parameters.managedZone' resource named '${rrsets[2]}' does not exist.`,
        );
      return page(res, url, 'rrsets', items, { kind: 'dns#resourceRecordSetsListResponse' });
    }
    const hierarchical = o.assets
      .filter(
        (a) =>
          a.assetType === 'compute.googleapis.com/FirewallPolicy' &&
          /^(organizations|folders)\//.test(String(data(a).parent)),
      )
      .map(data);
    if (p === '/compute/v1/locations/global/firewallPolicies') {
      const parentId = url.searchParams.get('parentId');
      // The list answers the policies without their rules; a get answers the whole policy.
      const items = hierarchical.filter((d) => d.parent === parentId).map(({ rules: _r, ...rest }) => rest);
      return page(res, url, 'items', items, { kind: 'compute#firewallPolicyList' });
    }
    const fp = /^\/compute\/v1\/locations\/global\/firewallPolicies\/([^/]+)$/.exec(p);
    if (fp) {
      const d = hierarchical.find((x) => x.name === fp[1]);
      return d ? send(res, 200, d) : rpcError(res, 404, 'NOT_FOUND', `The resource '${p}' was not found`);
    }
    rpcError(res, 404, 'NOT_FOUND', `the fake does not serve ${req.method} ${p}`);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ca: cert,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes an authorized-user credential file (as `gcloud auth application-default login` does) for the fake's user. */
export function writeUserCredential(
  dir: string,
  user: { clientId: string; clientSecret: string; refreshToken: string },
): string {
  const file = path.join(dir, 'adc.json');
  writeFileSync(
    file,
    JSON.stringify({
      type: 'authorized_user',
      client_id: user.clientId,
      client_secret: user.clientSecret,
      refresh_token: user.refreshToken,
    }),
  );
  return file;
}
