/**
 * Renders AWS CLI-shaped JSON (what `aws ec2 describe-*` prints) as the EC2 Query API's XML: lowerCamel element
 * names, lists as <fooSet><item>…</item></fooSet>, as in the EC2 API reference examples. Only the renames the EC2
 * wire format really makes are listed; every other member is its JSON name with a lower-case first letter. A
 * round-trip test (fixture -> XML -> SDK -> JSON) proves the table against the SDK's own deserialiser.
 */

/** JSON list member -> XML element, where they differ by more than the first letter. */
const LIST_NAMES: Record<string, string> = {
  Vpcs: 'vpcSet',
  Subnets: 'subnetSet',
  RouteTables: 'routeTableSet',
  InternetGateways: 'internetGatewaySet',
  NatGateways: 'natGatewaySet',
  FlowLogs: 'flowLogSet',
  SecurityGroups: 'securityGroupInfo',
  NetworkAcls: 'networkAclSet',
  VpcEndpoints: 'vpcEndpointSet',
  ServiceConfigurations: 'serviceConfigurationSet',
  NetworkLoadBalancerArns: 'networkLoadBalancerArnSet',
  GatewayLoadBalancerArns: 'gatewayLoadBalancerArnSet',
  SupportedIpAddressTypes: 'supportedIpAddressTypeSet',
  NetworkInterfaces: 'networkInterfaceSet',
  Regions: 'regionInfo',
  Tags: 'tagSet',
  TagSet: 'tagSet',
  Groups: 'groupSet',
  SubnetIds: 'subnetIdSet',
  RouteTableIds: 'routeTableIdSet',
  NetworkInterfaceIds: 'networkInterfaceIdSet',
  DnsEntries: 'dnsEntrySet',
  Routes: 'routeSet',
  Associations: 'associationSet',
  Entries: 'entrySet',
  Attachments: 'attachmentSet',
  NatGatewayAddresses: 'natGatewayAddressSet',
  UserIdGroupPairs: 'groups',
  PrivateIpAddresses: 'privateIpAddressesSet',
  Ipv6Addresses: 'ipv6AddressesSet',
  PropagatingVgws: 'propagatingVgwSet',
  PrefixLists: 'prefixListSet',
};

/** Renames that depend on the object the member is in. */
const MEMBER_NAMES: Record<string, Record<string, string>> = {
  SecurityGroups: { Description: 'groupDescription' },
  NetworkAcls: { IsDefault: 'default' },
  // The response body: GetTransitGatewayRouteTableAssociations's list is <associations>, not associationSet.
  '': { Associations: 'associations' },
  TransitGatewayVpcAttachments: { SubnetIds: 'subnetIds' },
};

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function render(value: unknown, container: string): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => `<item>${render(v, container)}</item>`).join('');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => {
        const name =
          MEMBER_NAMES[container]?.[k] ?? (Array.isArray(v) ? (LIST_NAMES[k] ?? lowerFirst(k)) : lowerFirst(k));
        return `<${name}>${render(v, k)}</${name}>`;
      })
      .join('');
  }
  return escapeXml(typeof value === 'string' ? value : JSON.stringify(value));
}

/** One EC2 response: `<ActionResponse><requestId/>…members…</ActionResponse>`. */
export function ec2Response(action: string, body: Record<string, unknown>): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>fake-request-id</requestId>${render(body, '')}</${action}Response>`;
}

export function ec2Error(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error></Errors><RequestID>fake-request-id</RequestID></Response>`;
}

/**
 * awsQuery (STS, ELBv2): `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata/></ActionResponse>`, with
 * member names as in JSON and lists as `<Name><member>…</member></Name>`.
 */
export function queryResponse(
  action: string,
  result: Record<string, unknown>,
  xmlns = 'https://sts.amazonaws.com/doc/2011-06-15/',
): string {
  const body = (v: unknown): string => {
    if (Array.isArray(v)) return v.map((x) => `<member>${body(x)}</member>`).join('');
    if (v !== null && typeof v === 'object') {
      return Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => `<${k}>${body(x)}</${k}>`)
        .join('');
    }
    return escapeXml(typeof v === 'string' ? v : JSON.stringify(v));
  };
  return `<${action}Response xmlns="${xmlns}"><${action}Result>${body(result)}</${action}Result><ResponseMetadata><RequestId>fake-request-id</RequestId></ResponseMetadata></${action}Response>`;
}

export function queryError(code: string, message: string): string {
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>fake-request-id</RequestId></ErrorResponse>`;
}
