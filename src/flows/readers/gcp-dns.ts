/**
 * Cloud DNS query logs (logging enabled by a DNS server policy on a VPC network): Cloud Logging LogEntry objects with
 * resource.type "dns_query" and logName …/logs/dns.googleapis.com%2Fdns_queries, as `gcloud logging read
 * 'resource.type="dns_query"' --format=json` prints them (one JSON array) or as a log sink writes them to Cloud
 * Storage (JSON lines). The query is in jsonPayload: queryName, queryType, responseCode, sourceIP, sourceNetwork,
 * vmInstanceName, vmProjectId…, and the answers in rdata, in presentation format, one record per line
 * ("name. 300 IN a 10.0.2.50").
 */
import type { DnsFormat } from './dns.js';
import { obj, queryName, str } from './json-docs.js';
import { epochSeconds } from './rows.js';

/** A/AAAA addresses in an rdata text: records separated by newlines, fields by white space (name ttl class type data). */
export function rdataAddresses(rdata: string | undefined): string[] {
  const out: string[] = [];
  for (const rr of (rdata ?? '').split('\n')) {
    const f = rr.trim().split(/\s+/);
    if (f.length < 5) continue;
    const type = f[3]!.toUpperCase();
    if (type === 'A' || type === 'AAAA') out.push(f[4]!);
  }
  return out;
}

export const GCP_DNS: DnsFormat = {
  format: 'gcp-dns',
  provider: 'gcp',
  parse(value) {
    const entry = obj(value);
    const payload = obj(entry?.jsonPayload);
    const name = str(payload?.queryName);
    const time = epochSeconds(str(entry?.timestamp ?? entry?.receiveTimestamp));
    const srcaddr = str(payload?.sourceIP);
    if (!entry || !payload || name === undefined || time === undefined || srcaddr === undefined)
      return {
        error: 'not a Cloud DNS query log entry (needs timestamp, jsonPayload.queryName and jsonPayload.sourceIP)',
      };
    const labels = obj(obj(entry.resource)?.labels) ?? {};
    return {
      time,
      srcaddr,
      name: queryName(name),
      type: (str(payload.queryType) ?? '').toUpperCase(),
      rcode: str(payload.responseCode) ?? '',
      answers: rdataAddresses(str(payload.rdata)),
      provider: 'gcp',
      account: str(labels.project_id) ?? str(payload.vmProjectId) ?? '',
      region: str(labels.location) ?? '',
      network: str(payload.sourceNetwork) ?? str(labels.source_network) ?? '',
      networkType: 'compute.googleapis.com/Network',
    };
  },
};
