/**
 * Field names of AWS VPC (versions 2 to 8, plus later names accepted and skipped) and Transit Gateway flow logs,
 * and the small integer each parsed column maps to. Columns come from the S3 header line or the LogFormat.
 */

export const AWS_V2_DEFAULT = [
  'version',
  'account-id',
  'interface-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'action',
  'log-status',
] as const;

export const AWS_TGW_DEFAULT = [
  'version',
  'resource-type',
  'account-id',
  'tgw-id',
  'tgw-attachment-id',
  'tgw-src-vpc-account-id',
  'tgw-dst-vpc-account-id',
  'tgw-src-vpc-id',
  'tgw-dst-vpc-id',
  'tgw-src-subnet-id',
  'tgw-dst-subnet-id',
  'tgw-src-eni',
  'tgw-dst-eni',
  'tgw-src-az-id',
  'tgw-dst-az-id',
  'tgw-pair-attachment-id',
  'srcaddr',
  'dstaddr',
  'srcport',
  'dstport',
  'protocol',
  'packets',
  'bytes',
  'start',
  'end',
  'log-status',
  'type',
  'packets-lost-no-route',
  'packets-lost-blackhole',
  'packets-lost-mtu-exceeded',
  'packets-lost-ttl-expired',
  'tcp-flags',
  'region',
  'flow-direction',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
] as const;

/** Columns the parser reads; everything else is validated only as a token. */
export const F_SKIP = 0;
export const F_SRC = 1;
export const F_DST = 2;
export const F_SRCPORT = 3;
export const F_DSTPORT = 4;
export const F_PROTO = 5;
export const F_PACKETS = 6;
export const F_BYTES = 7;
export const F_START = 8;
export const F_END = 9;
export const F_ACTION = 10;
export const F_STATUS = 11;
export const F_PKTSRC = 12;
export const F_PKTDST = 13;
export const F_DIR = 14;
export const F_PATH = 15;
export const F_DSTSVC = 16;
export const F_IFACE = 17;

const READ: Record<string, number> = {
  srcaddr: F_SRC,
  dstaddr: F_DST,
  srcport: F_SRCPORT,
  dstport: F_DSTPORT,
  protocol: F_PROTO,
  packets: F_PACKETS,
  bytes: F_BYTES,
  start: F_START,
  end: F_END,
  action: F_ACTION,
  'log-status': F_STATUS,
  'pkt-srcaddr': F_PKTSRC,
  'pkt-dstaddr': F_PKTDST,
  'flow-direction': F_DIR,
  'traffic-path': F_PATH,
  'pkt-dst-aws-service': F_DSTSVC,
  // The interface whose aggregation intervals the visibility rule tracks. Transit Gateway attachments are not
  // tracked (the rule is about VPC interfaces, which log every interval); their id stays in the raw line.
  'interface-id': F_IFACE,
};

/** Every documented field name (VPC v2–v8 and the newer ones AWS lists, TGW v2–v6). */
/** What a header with fields cordon does not know reports at its line (both engines). */
export function unknownFieldsNote(unknown: readonly string[]): string {
  return `header: unknown flow log field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (a field AWS added since?): ${unknown.length > 1 ? 'their columns are' : 'its column is'} skipped, the other columns are read`;
}

export const KNOWN_FIELDS = new Set<string>([
  ...AWS_V2_DEFAULT,
  ...AWS_TGW_DEFAULT,
  'vpc-id',
  'subnet-id',
  'instance-id',
  'tcp-flags',
  'type',
  'pkt-srcaddr',
  'pkt-dstaddr',
  'region',
  'az-id',
  'sublocation-type',
  'sublocation-id',
  'pkt-src-aws-service',
  'pkt-dst-aws-service',
  'flow-direction',
  'traffic-path',
  'ecs-cluster-arn',
  'ecs-cluster-name',
  'ecs-container-instance-arn',
  'ecs-container-instance-id',
  'ecs-container-id',
  'ecs-second-container-id',
  'ecs-service-name',
  'ecs-task-definition-arn',
  'ecs-task-arn',
  'ecs-task-id',
  'reject-reason',
  'resource-id',
  'encryption-status',
  'instance-tag',
  'instance-tag-2',
  'interface-tag',
  'interface-tag-2',
  'asg-tag',
  'asg-tag-2',
  'interface-type',
  'next-hop-interface-id',
  'next-hop-subnet-id',
  'next-hop-az-id',
  'next-hop-vpc-id',
  'next-hop-interface-type',
]);

export interface ColumnMap {
  names: string[];
  ids: Uint8Array;
  /** True when the format has a transit-gateway field. */
  tgw: boolean;
  /** Names cordon does not know, read as opaque columns (headers only; see columnMap). */
  unknown: string[];
}

/**
 * Parses a LogFormat ("${version} ${srcaddr} …") or a header line ("version srcaddr …", Athena-style "_" names are
 * accepted too). Returns an error message for missing essentials, and for unknown names unless `allowUnknown`:
 * headers and Parquet columns are written by AWS, so a name cordon does not know is a field AWS added since, whose
 * column is skipped (every other column keeps its place); a LogFormat is typed by a person, so it is more likely a
 * typo.
 */
export function columnMap(spec: string, options: { allowUnknown?: boolean } = {}): ColumnMap | string {
  const names = spec
    .trim()
    .split(/\s+/)
    .map((t) => t.replace(/^\$\{(.*)\}$/, '$1').replace(/_/g, '-'));
  const unknown = names.filter((n) => !KNOWN_FIELDS.has(n));
  if (unknown.length > 0 && options.allowUnknown !== true)
    return `unknown flow log field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`;
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) return `field ${dup} appears twice`;
  // pkt-srcaddr/pkt-dstaddr alone place a flow too (they are the addresses zones are judged on when present).
  for (const need of ['srcaddr', 'dstaddr'])
    if (!names.includes(need) && !names.includes(`pkt-${need}`))
      return `the format lacks ${need} (and pkt-${need}): flows cannot be placed in zones`;
  const ids = Uint8Array.from(names.map((n) => READ[n] ?? F_SKIP));
  return { names, ids, tgw: names.some((n) => n.startsWith('tgw-') || n === 'resource-type'), unknown };
}
