/**
 * Credentials for Google Cloud, through google-auth-library (loaded only when a command collects from GCP).
 *
 * Against Google: Application Default Credentials as every Google client library uses them (GOOGLE_APPLICATION_
 * CREDENTIALS, the gcloud ADC file, workload identity federation, the metadata server on Google Cloud).
 *
 * Against an emulator (--endpoint-url) every call must go there, token calls included. ADC would probe the metadata
 * server (169.254.169.254 / metadata.google.internal), refresh user tokens at oauth2.googleapis.com and exchange
 * service-account assertions there too, so it is not used: cordon reads the credential file named by
 * GOOGLE_APPLICATION_CREDENTIALS (never the gcloud file, which holds the user's real login) and builds the client
 * itself — an authorized user refreshes at the emulator's token URL; a service account signs its own JWT with the
 * read scope (no token call at all). Other credential types (external account, impersonation) would call Google's
 * STS or IAM, and are refused.
 */
import { readFile } from 'node:fs/promises';
import type { Agent } from 'node:https';
import type { GcpAuthClient } from './rest.js';

/** Read-only use of every API cordon calls; the role in docs/gcp-role.json is what keeps it read-only. */
export const GCP_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

export class GcpCredentialSetupError extends Error {}

export interface GcpCredentialOptions {
  env: NodeJS.ProcessEnv;
  /** --endpoint-url: every call, token calls included, goes there. */
  endpoint?: string;
  /** Agent options for TLS to the endpoint (its CA). */
  agent?: Agent;
}

interface CredentialFile {
  type?: unknown;
  client_id?: unknown;
  client_secret?: unknown;
  refresh_token?: unknown;
  client_email?: unknown;
  private_key?: unknown;
  private_key_id?: unknown;
  token_uri?: unknown;
  quota_project_id?: unknown;
}

export async function gcpAuthClient(o: GcpCredentialOptions): Promise<GcpAuthClient> {
  const gal = await import('google-auth-library');
  const transporterOptions = o.agent ? { agent: o.agent } : {};
  if (!o.endpoint) {
    const auth = new gal.GoogleAuth({ scopes: [GCP_SCOPE], clientOptions: { transporterOptions } });
    return await auth.getClient();
  }
  const file = o.env.GOOGLE_APPLICATION_CREDENTIALS;
  if (!file)
    throw new GcpCredentialSetupError(
      'with --endpoint-url, cordon authenticates against the emulator only: set GOOGLE_APPLICATION_CREDENTIALS to an authorized-user or service-account JSON file (the gcloud login and the metadata server would reach the real Google Cloud)',
    );
  let json: CredentialFile;
  try {
    json = JSON.parse(await readFile(file, 'utf8')) as CredentialFile;
  } catch (err) {
    throw new GcpCredentialSetupError(
      `GOOGLE_APPLICATION_CREDENTIALS ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const origin = new URL(o.endpoint).origin;
  // A token_uri on the emulator is honoured; Google's own (what real credential files carry) is replaced.
  const tokenUri =
    typeof json.token_uri === 'string' && URL.canParse(json.token_uri) && new URL(json.token_uri).origin === origin
      ? json.token_uri
      : `${origin}/token`;
  const str = (k: keyof CredentialFile) => (typeof json[k] === 'string' ? json[k] : undefined);
  // The Asset API bills user credentials to a quota project (x-goog-user-project); set as ADC would set it.
  const quota = o.env.GOOGLE_CLOUD_QUOTA_PROJECT ?? str('quota_project_id');
  if (json.type === 'authorized_user') {
    const clientId = str('client_id');
    const clientSecret = str('client_secret');
    const refreshToken = str('refresh_token');
    if (!clientId || !clientSecret || !refreshToken)
      throw new GcpCredentialSetupError(
        `GOOGLE_APPLICATION_CREDENTIALS ${file}: an authorized_user credential needs client_id, client_secret and refresh_token`,
      );
    const user = new gal.UserRefreshClient({
      clientId,
      clientSecret,
      refreshToken,
      endpoints: { oauth2TokenUrl: tokenUri },
      transporterOptions,
    });
    if (quota) user.quotaProjectId = quota;
    return user;
  }
  if (json.type === 'service_account') {
    const email = str('client_email');
    const key = str('private_key');
    if (!email || !key)
      throw new GcpCredentialSetupError(
        `GOOGLE_APPLICATION_CREDENTIALS ${file}: a service_account credential needs client_email and private_key`,
      );
    const keyId = str('private_key_id');
    // A self-signed JWT carrying the scope: Google accepts it in place of an access token, and the library then
    // never calls a token endpoint (its service-account token exchange always goes to oauth2.googleapis.com).
    const jwt = new gal.JWT({ email, key, ...(keyId ? { keyId } : {}), scopes: [GCP_SCOPE], transporterOptions });
    jwt.useJWTAccessWithScope = true;
    if (quota) jwt.quotaProjectId = quota;
    return jwt;
  }
  throw new GcpCredentialSetupError(
    `GOOGLE_APPLICATION_CREDENTIALS ${file}: credential type ${JSON.stringify(json.type)} is not used with --endpoint-url (only authorized_user and service_account: other types call Google's token services)`,
  );
}
