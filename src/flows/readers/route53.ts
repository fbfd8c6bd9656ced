/**
 * Route 53 Resolver query logs: one JSON object per line (S3/Firehose), a JSON array export, or CloudWatch Logs events
 * (`aws logs filter-log-events` output) whose messages are the queries.
 */
import type { DnsFormat } from './dns.js';
import { obj, queryName, str } from './json-docs.js';
import { epochSeconds } from './rows.js';

export const ROUTE53_DNS: DnsFormat = {
  format: 'route53-dns',
  provider: 'aws',
  parse(value) {
    let q = obj(value);
    // A CloudWatch Logs event (aws logs filter-log-events): the query is the JSON text of its message.
    const message = q?.message;
    if (q && q.query_name === undefined && typeof message === 'string') {
      try {
        q = obj(JSON.parse(message));
      } catch {
        return { error: 'the CloudWatch Logs event message is not JSON' };
      }
    }
    const name = str(q?.query_name);
    const time = epochSeconds(str(q?.query_timestamp));
    const srcaddr = str(q?.srcaddr);
    if (!q || name === undefined || time === undefined || srcaddr === undefined)
      return { error: 'not a Resolver query log record (needs query_name, query_timestamp, srcaddr)' };
    const answers: string[] = [];
    for (const a of Array.isArray(q.answers) ? (q.answers as unknown[]) : []) {
      const ans = obj(a);
      const type = str(ans?.Type);
      const rdata = str(ans?.Rdata);
      if (rdata !== undefined && (type === 'A' || type === 'AAAA')) answers.push(rdata);
    }
    return {
      time,
      srcaddr,
      name: queryName(name),
      type: (str(q.query_type) ?? '').toUpperCase(),
      rcode: str(q.rcode) ?? '',
      answers,
      provider: 'aws',
      account: str(q.account_id) ?? '',
      region: str(q.region) ?? '',
      network: str(q.vpc_id) ?? '',
      networkType: 'AWS::EC2::VPC',
    };
  },
};
