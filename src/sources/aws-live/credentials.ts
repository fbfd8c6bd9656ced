/**
 * The credential chain. Without endpoint settings it is the SDK's default chain, as the AWS CLI uses it. When the
 * user points cordon at an emulator or a test double (--endpoint-url, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_STS), every
 * credential call must go there too: a profile that assumes a role (role_arn + source_profile), a web identity token
 * or an SSO profile would otherwise call the real STS or SSO while the user believes nothing leaves the emulator.
 * The default chain's last resort, the container and instance metadata services, cannot be redirected at all, so it
 * is left out of that chain (and metadata lookups are switched off for the profile providers as well).
 */
import {
  createCredentialChain,
  fromEnv,
  fromIni,
  fromNodeProviderChain,
  fromProcess,
  fromSSO,
  fromTokenFile,
} from '@aws-sdk/credential-providers';
import { configuredEndpoint, type Credentials } from './clients.js';

export interface ChainOptions {
  profile?: string;
  /** --endpoint-url */
  endpoint?: string;
  env: NodeJS.ProcessEnv;
}

export function credentialChain(o: ChainOptions): Credentials {
  // Where credential calls go when the user configured an endpoint; undefined for the real AWS.
  const endpoint = configuredEndpoint('STS', o);
  // Shared files named in the injected environment (the CLI's is the process's), so a run in-process reads the
  // same profiles a subprocess would.
  const files = {
    ...(o.env.AWS_SHARED_CREDENTIALS_FILE ? { filepath: o.env.AWS_SHARED_CREDENTIALS_FILE } : {}),
    ...(o.env.AWS_CONFIG_FILE ? { configFilepath: o.env.AWS_CONFIG_FILE } : {}),
  };
  const profile = o.profile ?? o.env.AWS_PROFILE;
  if (!endpoint) return fromNodeProviderChain({ ...(o.profile ? { profile: o.profile } : {}), ...files });
  // A profile with credential_source = Ec2InstanceMetadata would still reach the instance metadata service
  // through fromIni; the SDK reads this switch from the process environment.
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  const clientConfig = { endpoint };
  const chain = [
    // As in the SDK's default chain, a named profile takes precedence over static keys in the environment.
    ...(profile ? [] : [fromEnv()]),
    fromSSO({ ...(profile ? { profile } : {}), ...files, clientConfig }),
    fromIni({ ...(profile ? { profile } : {}), ...files, clientConfig }),
    fromProcess({ ...(profile ? { profile } : {}), ...files }),
    fromTokenFile({ clientConfig }),
  ];
  return createCredentialChain(...chain);
}
