/**
 * The `flows:` section of cordon.yaml: which zones play which role for the flow rules, and every threshold. Defaults
 * come from docs/flows.md (research notes: seed 000's 100 MB per flow, Elastic's 1 GiB / 8 h, SigmaHQ's DNS rates,
 * SANS's 52-character names). Every key is optional; an empty `flows: {}` gives the defaults.
 */
import { z } from 'zod';
import { isCidr } from '../util/cidr.js';

const cidr = z.string().refine(isCidr, { message: 'not a valid IPv4 or IPv6 CIDR' });
const zoneList = z.array(z.string().min(1));
const positive = z.number().positive();
const count = z.int().min(1);

const largeTransferSchema = z.strictObject({
  /** One flow record of more than this many bytes leaving its zone to a destination the policy does not approve (seed 000: 100 MiB). */
  flow_bytes: positive.default(104_857_600),
  /** Sum of bytes from one source to one destination within a window (Elastic hunt: 1 GiB in 8 h). */
  pair_bytes: positive.default(1_073_741_824),
  window_minutes: count.default(480),
  /** Bound on (window, source, destination) keys held at once; new pairs beyond it are counted as untracked. */
  max_pairs: count.default(200_000),
});

const dnsSchema = z.strictObject({
  /** Query names longer than this are a tunnelling signal (SANS, Farnham 2013). */
  max_name_length: count.default(52),
  /** Any label at least this long (DNS allows 63). */
  max_label_length: count.default(40),
  /** Shannon entropy (bits per character) of a label at least entropy_min_label long. */
  entropy_bits: positive.default(3.5),
  entropy_min_label: count.default(20),
  /** Per source per minute (SigmaHQ meta-rules). */
  queries_per_minute: count.default(1000),
  txt_per_minute: count.default(50),
  null_per_minute: count.default(50),
  /** Share of TXT and NULL queries among a (source, base domain)'s queries, once it has share_min_queries. */
  txt_null_share: z.number().gt(0).max(1).default(0.5),
  share_min_queries: count.default(20),
  /** Distinct subdomains of one base domain from one source within subdomain_window_minutes. */
  subdomains_per_window: count.default(100),
  subdomain_window_minutes: count.default(5),
  /**
   * Query names (patterns with "*", case-insensitive) the tunnelling rule does not judge, e.g. a provider's long
   * endpoint names: '*.vpce.amazonaws.com'.
   */
  allowed_names: z.array(z.string().min(1)).default([]),
  /**
   * A (source, base domain) is alerted when this many different signals fired for it: unusual names (long name, long
   * label or high-entropy label: one signal, they come together), many subdomains, TXT rate, NULL rate, TXT/NULL share.
   */
  min_signals: count.default(2),
  /** Bound on (source, base domain) and (source, minute) keys. */
  max_keys: count.default(100_000),
});

const visibilitySchema = z.strictObject({
  /** A hole longer than this between two records of one interface is a missing interval. */
  gap_minutes: count.default(30),
  /** Bound on interfaces tracked for gaps. */
  max_interfaces: count.default(50_000),
});

export const flowSettingsSchema = z.strictObject({
  data_zones: zoneList.default(['data']),
  inference_zones: zoneList.default(['inference']),
  sandbox_zones: zoneList.default(['sandbox']),
  management_zones: zoneList.default(['management']),
  /**
   * Addresses that are private although no zone claims them (they are not "internet" for the egress rules). The
   * zones' own CIDRs are always private; set [] to make only configured zones private.
   */
  private_cidrs: z.array(cidr).default(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7']),
  /** Public addresses of approved AI endpoints (when not reached through a private endpoint). */
  approved_ai_cidrs: z.array(cidr).default([]),
  /** Host names (patterns with "*") of approved AI endpoints; addresses learned from DNS query-log answers count as approved. */
  approved_ai_domains: z
    .array(z.string().min(1))
    .default([
      'bedrock*.*.amazonaws.com',
      'runtime.sagemaker.*.amazonaws.com',
      '*.openai.azure.com',
      '*.services.ai.azure.com',
      '*aiplatform.googleapis.com',
    ]),
  /** DNS servers flows may use (the AWS-provided resolver never appears in flow logs). */
  approved_resolvers: z.array(cidr).default([]),
  management_ports: z.array(z.int().min(0).max(65535)).default([22, 3389, 5985, 5986, 6443]),
  large_transfer: largeTransferSchema.prefault({}),
  dns: dnsSchema.prefault({}),
  visibility: visibilitySchema.prefault({}),
  /** Bound on distinct alert keys per rule; later keys are summed into one overflow count. */
  max_alerts_per_rule: count.default(5_000),
});

export type FlowSettings = z.output<typeof flowSettingsSchema>;

export function defaultFlowSettings(): FlowSettings {
  return flowSettingsSchema.parse({});
}
