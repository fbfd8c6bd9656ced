/**
 * Credentials for Azure. Against Azure itself: @azure/identity's DefaultAzureCredential (environment, workload
 * identity, managed identity, Azure CLI, …), as the Azure SDKs use it. Against an emulator (--endpoint-url), every
 * credential call must go there too: the managed identity credential probes the instance metadata address and the
 * Azure CLI credential talks to the real Entra ID, so neither is used. Only a client secret credential is built, from
 * the environment, against the emulator's authority host, with instance discovery (a call to Microsoft) switched off.
 */
import type { TokenCredential } from '@azure/core-auth';

export interface AzureCredentialOptions {
  tenant?: string;
  /** --endpoint-url: an emulator or test double for ARM and Resource Graph. */
  endpoint?: string;
  /** Where tokens come from with --endpoint-url (default AZURE_AUTHORITY_HOST, else the endpoint itself). */
  authorityHost?: string;
  /** PEM certificate(s) to trust (an emulator's self-signed certificate). */
  ca?: string;
  env: NodeJS.ProcessEnv;
}

export class AzureCredentialSetupError extends Error {}

export async function azureCredential(o: AzureCredentialOptions): Promise<TokenCredential> {
  const identity = await import('@azure/identity');
  const tenantId = o.tenant ?? o.env.AZURE_TENANT_ID;
  if (!o.endpoint) return new identity.DefaultAzureCredential(tenantId ? { tenantId } : {});
  const clientId = o.env.AZURE_CLIENT_ID;
  const secret = o.env.AZURE_CLIENT_SECRET;
  if (!tenantId || !clientId || !secret)
    throw new AzureCredentialSetupError(
      'with --endpoint-url, cordon authenticates against the emulator only: set AZURE_TENANT_ID (or --tenant), AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (managed identity and the Azure CLI would reach the real Azure)',
    );
  const authorityHost = o.authorityHost ?? o.env.AZURE_AUTHORITY_HOST ?? new URL(o.endpoint).origin;
  return new identity.ClientSecretCredential(tenantId, clientId, secret, {
    authorityHost,
    disableInstanceDiscovery: true,
    ...(o.ca ? { tlsOptions: { ca: o.ca } } : {}),
  });
}
