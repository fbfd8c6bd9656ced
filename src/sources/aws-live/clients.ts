/**
 * Builds SDK clients the same way for every account and region: adaptive retry (client-side rate limiting once a
 * service throttles), a bounded keep-alive socket pool, the endpoint a user configured through the SDK's standard
 * settings, and a call counter for the summary and the benchmark.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { BedrockClient } from '@aws-sdk/client-bedrock';
import { BedrockAgentClient } from '@aws-sdk/client-bedrock-agent';
import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { STSClient } from '@aws-sdk/client-sts';

export type Credentials = NonNullable<EC2ClientConfig['credentials']>;

/** The SDK's service ids as they appear in AWS_ENDPOINT_URL_<ID> and in a profile's `services` section. */
export type ServiceId =
  | 'EC2'
  | 'BEDROCK'
  | 'BEDROCK_AGENT'
  | 'SAGEMAKER'
  | 'ELASTIC_LOAD_BALANCING_V2'
  | 'ORGANIZATIONS'
  | 'ROUTE53RESOLVER'
  | 'ROUTE53PROFILES'
  | 'ROUTE_53'
  | 'STS';

export interface ClientSettings {
  credentials: Credentials;
  /** A named profile: the SDK reads region, endpoint_url and service sections from it. */
  profile?: string;
  /** --endpoint-url: one endpoint for every service (an emulator or a test double). */
  endpoint?: string;
  /** Environment to read AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> from (the process's by default). */
  env: NodeJS.ProcessEnv;
  maxAttempts: number;
  /** Counts every logical API call (retries are not counted again). */
  counter: { calls: number };
  /** Shared socket pools so concurrency, not client count, decides how many connections are open. */
  agents: SocketPools;
}

export interface SocketPools {
  httpAgent: HttpAgent;
  httpsAgent: HttpsAgent;
}

export function createSocketPools(maxSockets: number): SocketPools {
  return {
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets }),
  };
}

export function closeSocketPools(p: SocketPools): void {
  p.httpAgent.destroy();
  p.httpsAgent.destroy();
}

/**
 * The endpoint for a service when the user configured one in the environment. The SDK resolves these itself too;
 * resolving them here from the injected environment lets the CLI run in-process against a fake server.
 */
export function configuredEndpoint(
  service: ServiceId,
  settings: Pick<ClientSettings, 'endpoint' | 'env'>,
): string | undefined {
  if (settings.endpoint) return settings.endpoint;
  const env = settings.env;
  if (String(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS).toLowerCase() === 'true') return undefined;
  return env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL || undefined;
}

function baseConfig(
  service: ServiceId,
  region: string | undefined,
  settings: ClientSettings,
  credentials: Credentials,
) {
  const endpoint = configuredEndpoint(service, settings);
  return {
    ...(region ? { region } : {}),
    credentials,
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(endpoint ? { endpoint } : {}),
    retryMode: 'adaptive',
    maxAttempts: settings.maxAttempts,
    requestHandler: { ...settings.agents, connectionTimeout: 10_000, requestTimeout: 60_000 },
  };
}

interface Countable {
  middlewareStack: {
    add: (
      mw: (next: (a: unknown) => Promise<unknown>) => (a: unknown) => Promise<unknown>,
      o: { step: 'initialize'; name: string },
    ) => void;
  };
}

function counted<C>(client: C, counter: { calls: number }): C {
  (client as unknown as Countable).middlewareStack.add(
    (next) => (args) => {
      counter.calls++;
      return next(args);
    },
    { step: 'initialize', name: 'cordonCallCounter' },
  );
  return client;
}

export interface RegionClients {
  ec2: EC2Client;
  bedrock: BedrockClient;
  bedrockAgent: BedrockAgentClient;
  sagemaker: SageMakerClient;
  elbv2: ElasticLoadBalancingV2Client;
  route53: Route53Client;
}

export function regionClients(region: string, settings: ClientSettings, credentials: Credentials): RegionClients {
  const ec2 = counted(new EC2Client(baseConfig('EC2', region, settings, credentials)), settings.counter);
  const bedrock = counted(new BedrockClient(baseConfig('BEDROCK', region, settings, credentials)), settings.counter);
  const bedrockAgent = counted(
    new BedrockAgentClient(baseConfig('BEDROCK_AGENT', region, settings, credentials)),
    settings.counter,
  );
  const sagemaker = counted(
    new SageMakerClient(baseConfig('SAGEMAKER', region, settings, credentials)),
    settings.counter,
  );
  const elbv2 = counted(
    new ElasticLoadBalancingV2Client(baseConfig('ELASTIC_LOAD_BALANCING_V2', region, settings, credentials)),
    settings.counter,
  );
  // Route 53 is global: the partition's home region signs its calls, whatever the scope's region.
  const route53 = counted(
    new Route53Client(baseConfig('ROUTE_53', globalRegion(region), settings, credentials)),
    settings.counter,
  );
  return { ec2, bedrock, bedrockAgent, sagemaker, elbv2, route53 };
}

function globalRegion(region: string): string {
  if (region.startsWith('cn-')) return 'cn-northwest-1';
  if (region.startsWith('us-gov-')) return 'us-gov-west-1';
  return 'us-east-1';
}

export function stsClient(region: string | undefined, settings: ClientSettings, credentials: Credentials): STSClient {
  return counted(new STSClient(baseConfig('STS', region, settings, credentials)), settings.counter);
}

export function organizationsClient(
  region: string,
  settings: ClientSettings,
  credentials: Credentials,
): OrganizationsClient {
  return counted(new OrganizationsClient(baseConfig('ORGANIZATIONS', region, settings, credentials)), settings.counter);
}
