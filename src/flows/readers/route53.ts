/** Route 53 Resolver query logs: one JSON object per line (S3/Firehose) or a JSON array export. */
import type { DnsFormat } from './dns.js';
import { obj, queryName, str } from './json-docs.js';
import { epochSeconds } from './rows.js';

export const ROUTE53_DNS: DnsFormat = {
  format: 'route53-dns',
  provider: 'aws',
  parse(value) {
    const q = obj(value);
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
