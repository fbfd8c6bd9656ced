/**
 * Route 53 Profiles of one account and region: which Profile each VPC is associated with (ListProfileAssociations)
 * and what each of those Profiles carries (ListProfileResourceAssociations, per Profile). The service speaks
 * REST-JSON (GET /profileassociations, GET /profileresourceassociations/profileid/{ProfileId}, paged by the
 * nextToken query parameter); like Route 53 Resolver it is called through the SDK's signer rather than a client,
 * as the registry here has no @aws-sdk/client-route53profiles of the version the other clients use.
 */
import type { ClientSettings, Credentials } from './clients.js';
import type { Limiter } from './limiter.js';
import { endpointFor, pageAll, signedJson } from './route53resolver.js';
import { dependent, failed, ok, sortById, type DatasetOutcome } from './types.js';

const ASSOCIATIONS = 'route53profiles:profile-associations';
const RESOURCES = 'route53profiles:profile-resource-associations';

function list(
  base: URL,
  path: string,
  key: string,
  region: string,
  settings: ClientSettings,
  credentials: Credentials,
  limit: Limiter,
): Promise<Record<string, unknown>[]> {
  return pageAll(key, (token) => {
    settings.counter.calls++;
    const url = new URL(base);
    url.pathname = `${base.pathname.replace(/\/$/, '')}${path}`;
    url.searchParams.set('maxResults', '100');
    if (token) url.searchParams.set('nextToken', token);
    return limit(() =>
      signedJson({ service: 'route53profiles', method: 'GET', url }, region, credentials, settings.maxAttempts),
    );
  });
}

/** The Profile associations of the region's VPCs, and the resources of every Profile associated with one. */
export async function collectProfiles(
  region: string,
  settings: ClientSettings,
  credentials: Credentials,
  limit: Limiter,
): Promise<DatasetOutcome[]> {
  const base = endpointFor('route53profiles', region, settings);
  let associations: Record<string, unknown>[];
  try {
    associations = await list(
      base,
      '/profileassociations',
      'ProfileAssociations',
      region,
      settings,
      credentials,
      limit,
    );
  } catch (err) {
    const outcome = failed(ASSOCIATIONS, 'route53profiles:ListProfileAssociations', err);
    return [outcome, dependent(RESOURCES, 'route53profiles:ListProfileResourceAssociations', outcome.unavailable!)];
  }
  const profiles = [
    ...new Set(associations.flatMap((a) => (typeof a.ProfileId === 'string' ? [a.ProfileId] : []))),
  ].sort();
  const first = ok(ASSOCIATIONS, {
    name: 'list-profile-associations.json',
    document: { ProfileAssociations: sortById(associations, 'Id') },
  });
  try {
    const resources = (
      await Promise.all(
        profiles.map((p) =>
          list(
            base,
            `/profileresourceassociations/profileid/${encodeURIComponent(p)}`,
            'ProfileResourceAssociations',
            region,
            settings,
            credentials,
            limit,
          ),
        ),
      )
    ).flat();
    // One file for all Profiles: the reader recognises the list by its key, whichever Profile an item belongs to.
    return [
      first,
      ok(RESOURCES, {
        name: 'list-profile-resource-associations.json',
        document: { ProfileResourceAssociations: sortById(resources, 'Id') },
      }),
    ];
  } catch (err) {
    return [first, failed(RESOURCES, 'route53profiles:ListProfileResourceAssociations', err)];
  }
}
