/**
 * The `probe:` section of cordon.yaml: what `cordon probe` needs besides the zones and rules — the names that make
 * up the approved AI endpoints, hosts per zone to test boundaries against, canaries, and the bounds of a run. Every
 * key is optional; without hosts or canaries the tests that need them are reported "not assessed", never passed.
 */
import ipaddr from 'ipaddr.js';
import { z } from 'zod';

/** The kinds of probe test (`--only`, `--skip`); here so the CLI can list them without loading the probe layer. */
export const TEST_KINDS = [
  'dns',
  'ai-reach',
  'ai-blocked',
  'public-fallback',
  'reach',
  'lateral',
  'egress',
  'tool-isolation',
] as const;
export type TestKind = (typeof TEST_KINDS)[number];

const address = z.string().refine((s) => ipaddr.isValid(s), { message: 'not an IPv4 or IPv6 address' });
const hostName = z
  .string()
  .regex(/^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*\.?$/, 'not a DNS name');
const port = z.int().min(1).max(65535);
/** "192.0.2.53" or "192.0.2.53:5353" or "[2001:db8::53]:5353". */
const resolverAddress = z
  .string()
  .refine(
    (s) =>
      ipaddr.isValid(s) || (/^(.+):(\d{1,5})$/.test(s) && ipaddr.isValid(s.replace(/^\[?(.+?)\]?:\d{1,5}$/, '$1'))),
    { message: 'resolvers are an address, optionally with :port ([v6]:port)' },
  );
const httpUrl = z.string().refine(
  (s) => {
    try {
      const u = new URL(s);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      return false;
    }
  },
  { message: 'not an http:// or https:// URL' },
);

const hostSchema = z.strictObject({
  /** An address, or a name resolved with the system resolver at run time. */
  address: z.union([address, hostName]),
  ports: z.array(port).min(1),
  description: z.string().optional(),
});

export const probeSettingsSchema = z.strictObject({
  /** AWS regions whose Bedrock and SageMaker names are probed (bedrock-runtime.<region>.amazonaws.com, …). */
  aws_regions: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'AWS regions look like us-east-1')).default([]),
  /** Azure OpenAI / AI Services resource names: <name>.openai.azure.com, <name>.cognitiveservices.azure.com, … */
  azure_accounts: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'Azure resource names')).default([]),
  /** Vertex AI regions: <region>-aiplatform.googleapis.com besides aiplatform.googleapis.com. */
  gcp_regions: z.array(z.string().regex(/^[a-z]+-[a-z]+\d+$/, 'GCP regions look like us-central1')).default([]),
  /** More names of approved AI endpoints (a custom gateway, a private DNS alias). */
  names: z.array(hostName).default([]),
  /** Resolvers queried besides the system resolver and the nameservers of resolv_conf. */
  resolvers: z.array(resolverAddress).default([]),
  /** The file listing the host's nameservers. */
  resolv_conf: z.string().min(1).default('/etc/resolv.conf'),
  /** Hosts per zone (any zone of the policy, internet included) and the ports to test. */
  hosts: z.record(z.string(), z.array(hostSchema)).default({}),
  /** Public addresses of the AI services (a public-view DNS answer): the zone must not reach them (no fallback). */
  public_addresses: z.array(address).default([]),
  /** Canary URLs outside every zone: connecting and one marked HTTP request must fail where egress is denied. */
  canaries: z.array(httpUrl).default([]),
  /** Zones whose workloads run agent tools (seed 000's code sandbox): tool-isolation tests run there. */
  tool_zones: z.array(z.string().min(1)).default(['sandbox']),
  /** The instance metadata address the tool-isolation test must not reach (tests use a namespace-local stand-in). */
  metadata_address: address.default('169.254.169.254'),
  /** Link-local addresses (the ECS task credentials endpoint by default) the tool-isolation test must not reach. */
  link_local: z.array(address).default(['169.254.170.2']),
  /** Per connection attempt or DNS query. */
  timeout_ms: z.int().min(50).max(60_000).default(3000),
  /** Connections and queries in flight at once. */
  concurrency: z.int().min(1).max(256).default(16),
  /** The whole run; tests not finished by then are not assessed. */
  time_limit_seconds: z.int().min(1).max(3600).default(120),
});

export type ProbeSettings = z.output<typeof probeSettingsSchema>;
export type ProbeHost = z.output<typeof hostSchema>;
