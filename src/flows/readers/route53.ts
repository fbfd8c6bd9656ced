/** Route 53 Resolver query logs: one JSON object per line (S3/Firehose) or a JSON array export. */
import { forEachJsonRecord, obj, str } from './json-docs.js';
import { epochSeconds } from './rows.js';
import type { ReadSummary, ReaderSink } from './sink.js';

export async function readRoute53(file: string, gzip: boolean, sink: ReaderSink): Promise<ReadSummary> {
  let records = 0;
  await forEachJsonRecord(
    file,
    gzip,
    ({ value, text, line }) => {
      const q = obj(value);
      const name = str(q?.query_name);
      const time = epochSeconds(str(q?.query_timestamp));
      const srcaddr = str(q?.srcaddr);
      if (!q || name === undefined || time === undefined || srcaddr === undefined) {
        sink.malformed(file, line, 'not a Resolver query log record (needs query_name, query_timestamp, srcaddr)');
        return;
      }
      const answers: string[] = [];
      for (const a of Array.isArray(q.answers) ? (q.answers as unknown[]) : []) {
        const ans = obj(a);
        const type = str(ans?.Type);
        const rdata = str(ans?.Rdata);
        if (rdata !== undefined && (type === 'A' || type === 'AAAA')) answers.push(rdata);
      }
      sink.dns({
        file,
        line,
        time,
        srcaddr,
        name: name.toLowerCase().replace(/\.$/, ''),
        type: (str(q.query_type) ?? '').toUpperCase(),
        rcode: str(q.rcode) ?? '',
        answers,
        account: str(q.account_id) ?? '',
        region: str(q.region) ?? '',
        vpcId: str(q.vpc_id) ?? '',
        raw: text,
      });
      records++;
    },
    (line, message) => sink.malformed(file, line, message),
  );
  return { records, format: 'route53-dns', units: { queries: records } };
}
