/** Parsing of AWS names: regions from availability zones, ARNs and endpoint service names. */

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export function isRegion(s: string): boolean {
  return REGION.test(s);
}

/** "us-east-1a" -> "us-east-1"; local zones ("us-east-1-bos-1a") too. Zone ids ("use1-az1") carry no region name. */
export function regionOfAvailabilityZone(az: string | undefined): string | undefined {
  if (!az) return undefined;
  const m = /^([a-z]{2}(?:-[a-z]+)+-\d+)/.exec(az);
  return m?.[1];
}

export interface ParsedArn {
  partition: string;
  service: string;
  region: string;
  account: string;
  resource: string;
}

export function parseArn(arn: string | undefined): ParsedArn | undefined {
  if (!arn?.startsWith('arn:')) return undefined;
  const parts = arn.split(':');
  if (parts.length < 6) return undefined;
  return {
    partition: parts[1]!,
    service: parts[2]!,
    region: parts[3]!,
    account: parts[4]!,
    resource: parts.slice(5).join(':'),
  };
}

/**
 * "com.amazonaws.us-east-1.bedrock-runtime" -> { region, service: "bedrock-runtime" }.
 * Also "aws.sagemaker.us-east-1.notebook" and endpoint services ("com.amazonaws.vpce.us-east-1.vpce-svc-…").
 */
export function parseServiceName(name: string): { region?: string; service: string } {
  const parts = name.split('.');
  const i = parts.findIndex((p) => isRegion(p));
  if (i < 0) return { service: name };
  return { region: parts[i], service: parts.slice(i + 1).join('.') };
}
