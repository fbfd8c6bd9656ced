/**
 * Azure DNS security policy query logs (the DnsResponse log category of a Microsoft.Network/dnsResolverPolicies
 * resource; the DNSQueryLogs table in Log Analytics), in the two shapes they are exported in:
 *
 * - resource logs a diagnostic setting writes to a storage account (insights-logs-dnsresponse/…/PT1H.json, JSON
 *   lines) or an event hub ({"records": [...]}): {time, resourceId, category: "DnsResponse", operationName,
 *   properties: {query_name, query_type, response_code, srcipaddr, vnet_id, region, answer: [{Type, RData}], …}};
 * - rows of the DNSQueryLogs table (`az monitor log-analytics query … --analytics-query "DNSQueryLogs"` prints a
 *   JSON array): {TimeGenerated, QueryName, QueryType, ResponseCode, SourceIpAddress, VirtualNetworkId, Region,
 *   Answer, _SubscriptionId, …}, Answer being an array or its JSON text.
 */
import type { DnsFormat } from './dns.js';
import { obj, queryName, str } from './json-docs.js';
import { epochSeconds } from './rows.js';

/** The Answer column: an array, or the JSON text of one (Log Analytics exports dynamic columns as text). */
function answerList(v: unknown): unknown[] {
  if (Array.isArray(v)) return v as unknown[];
  if (typeof v === 'string' && v.trimStart().startsWith('[')) {
    try {
      const parsed = JSON.parse(v) as unknown;
      return Array.isArray(parsed) ? (parsed as unknown[]) : [];
    } catch {
      return [];
    }
  }
  return [];
}

/** A/AAAA addresses of DNS answers given as {Type, RData} objects (key case varies between exports). */
export function addressAnswers(list: unknown[]): string[] {
  const out: string[] = [];
  for (const a of list) {
    const ans = obj(a);
    if (!ans) continue;
    const type = (str(ans.Type ?? ans.type) ?? '').toUpperCase();
    const rdata = str(ans.RData ?? ans.Rdata ?? ans.rdata);
    if (rdata !== undefined && (type === 'A' || type === 'AAAA')) out.push(rdata);
  }
  return out;
}

function subscriptionOf(id: string | undefined): string {
  return /\/subscriptions\/([^/]+)/i.exec(id ?? '')?.[1] ?? '';
}

export const AZURE_DNS: DnsFormat = {
  format: 'azure-dns',
  provider: 'azure',
  parse(value) {
    const rec = obj(value);
    if (!rec) return { error: 'not a DNS security policy query log record (not a JSON object)' };
    // A resource log carries the query in properties (an object, or its JSON text in some exports).
    let p = obj(rec.properties);
    if (p === undefined && typeof rec.properties === 'string') {
      try {
        p = obj(JSON.parse(rec.properties));
      } catch {
        return { error: 'properties is not valid JSON' };
      }
    }
    const resourceLog = p !== undefined && str(p.query_name) !== undefined;
    const name = resourceLog ? str(p!.query_name) : str(rec.QueryName);
    const time = epochSeconds(resourceLog ? str(rec.time) : str(rec.TimeGenerated ?? rec.time));
    const srcaddr = resourceLog ? str(p!.srcipaddr) : str(rec.SourceIpAddress);
    if (name === undefined || time === undefined || srcaddr === undefined)
      return {
        error:
          'not a DNS security policy query log record (needs time, properties.query_name and properties.srcipaddr, or the DNSQueryLogs columns TimeGenerated, QueryName and SourceIpAddress)',
      };
    const f = resourceLog
      ? {
          type: str(p!.query_type),
          rcode: str(p!.response_code),
          answers: p!.answer,
          network: str(p!.vnet_id),
          region: str(p!.region),
          account: str(p!.sub_id) ?? subscriptionOf(str(rec.resourceId)),
        }
      : {
          type: str(rec.QueryType),
          rcode: str(rec.ResponseCode),
          answers: rec.Answer,
          network: str(rec.VirtualNetworkId),
          region: str(rec.Region),
          account: str(rec._SubscriptionId) ?? subscriptionOf(str(rec._ResourceId)),
        };
    return {
      time,
      srcaddr,
      name: queryName(name),
      type: (f.type ?? '').toUpperCase(),
      rcode: f.rcode ?? '',
      answers: addressAnswers(answerList(f.answers)),
      provider: 'azure',
      account: f.account,
      region: f.region ?? '',
      network: f.network ?? '',
      networkType: 'Microsoft.Network/virtualNetworks',
    };
  },
};
