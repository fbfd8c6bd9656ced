/**
 * `data "google_netblock_ip_ranges"`: the provider answers most range types from constants, not from the cloud
 * (terraform-provider-google, data_source_google_netblock_ip_ranges.go; the ranges Google documents for IAP TCP
 * forwarding, health checks, Cloud DNS forwarding and the private/restricted API VIPs). Firewall rules admitting IAP
 * or health checkers name them, so reading them as unknown left every such project's firewalls partial and its zones
 * not verified. `cloud-netblocks` (the default), `google-netblocks` and `default-domains-netblocks` are fetched at
 * plan time and stay unknown.
 */
const STATIC: Record<string, { ipv4: string[]; ipv6: string[] }> = {
  'restricted-googleapis': { ipv4: ['199.36.153.4/30'], ipv6: ['2600:2d00:0002:1000::/64'] },
  'restricted-googleapis-with-directconnectivity': {
    ipv4: ['199.36.153.4/30', '34.126.0.0/18'],
    ipv6: ['2600:2d00:0002:1000::/64', '2001:4860:8040::/42'],
  },
  'private-googleapis': { ipv4: ['199.36.153.8/30'], ipv6: ['2600:2d00:0002:2000::/64'] },
  'private-googleapis-with-directconnectivity': {
    ipv4: ['199.36.153.8/30', '34.126.0.0/18'],
    ipv6: ['2600:2d00:0002:2000::/64', '2001:4860:8040::/42'],
  },
  'dns-forwarders': { ipv4: ['35.199.192.0/19'], ipv6: [] },
  'iap-forwarders': { ipv4: ['35.235.240.0/20'], ipv6: [] },
  'health-checkers': { ipv4: ['35.191.0.0/16', '130.211.0.0/22'], ipv6: [] },
  'legacy-health-checkers': { ipv4: ['35.191.0.0/16', '209.85.152.0/22', '209.85.204.0/22'], ipv6: [] },
};

/** The attribute's value for a range type the provider answers from constants, else undefined (read at plan time). */
export function staticNetblocks(rangeType: unknown, attr: string): string[] | undefined {
  const r = typeof rangeType === 'string' ? STATIC[rangeType] : undefined;
  if (!r) return undefined;
  if (attr === 'cidr_blocks_ipv4') return [...r.ipv4];
  if (attr === 'cidr_blocks_ipv6') return [...r.ipv6];
  if (attr === 'cidr_blocks') return [...r.ipv4, ...r.ipv6];
  return undefined;
}
