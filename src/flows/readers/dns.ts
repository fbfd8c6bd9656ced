/**
 * DNS query logs of the three clouds, read into one shape (DnsQuery) for the DNS rules: Route 53 Resolver query
 * logs (route53.ts), Azure DNS security policy query logs (azure-dns.ts) and Cloud DNS query logs (gcp-dns.ts). Each
 * is JSON lines or one JSON document (an array, or {"records": [...]}), or CloudWatch Logs events whose messages are
 * the queries (Route 53 Resolver logs sent to CloudWatch); a record that is not a query of its format is a located
 * malformed line and the rest of the file is read.
 */
import type { FlowProvider } from '../record.js';
import { AZURE_DNS } from './azure-dns.js';
import { GCP_DNS } from './gcp-dns.js';
import { forEachJsonRecord, obj } from './json-docs.js';
import { ROUTE53_DNS } from './route53.js';
import type { DnsQuery, ReadSummary, ReaderSink } from './sink.js';

/** What a format's parser gives for one record: the query without its location, or why it is not one. */
export type ParsedQuery = Omit<DnsQuery, 'file' | 'line' | 'raw'> | { error: string };

export interface DnsFormat {
  format: 'route53-dns' | 'azure-dns' | 'gcp-dns';
  provider: FlowProvider;
  parse(value: unknown): ParsedQuery;
}

export type DnsFormatName = DnsFormat['format'];

const FORMATS: Record<DnsFormatName, DnsFormat> = {
  'route53-dns': ROUTE53_DNS,
  'azure-dns': AZURE_DNS,
  'gcp-dns': GCP_DNS,
};

export function isDnsFormat(format: string): format is DnsFormatName {
  return Object.hasOwn(FORMATS, format);
}

/** Reads one DNS log file of a known format into the sink (both engines: the DNS rules run in JS). */
export async function readDnsFile(
  file: string,
  gzip: boolean,
  format: DnsFormatName,
  sink: ReaderSink,
): Promise<ReadSummary> {
  const fmt = FORMATS[format];
  let records = 0;
  await forEachJsonRecord(
    file,
    gzip,
    ({ value, text, line }) => {
      // A CloudWatch Logs subscription payload (Firehose to S3) carries many events, each a query in its message.
      const payload = obj(value);
      if (Array.isArray(payload?.logEvents)) {
        if (payload.messageType === 'CONTROL_MESSAGE') return;
        for (const event of payload.logEvents as unknown[]) {
          const message = obj(event)?.message;
          const q = fmt.parse(event);
          if ('error' in q) sink.malformed(file, line, q.error);
          else {
            sink.dns({ ...q, file, line, raw: typeof message === 'string' ? message.slice(0, 2000) : '' });
            records++;
          }
        }
        return;
      }
      const q = fmt.parse(value);
      if ('error' in q) {
        sink.malformed(file, line, q.error);
        return;
      }
      sink.dns({ ...q, file, line, raw: text.length > 2000 ? `${text.slice(0, 2000)}…` : text });
      records++;
    },
    (line, message) => sink.malformed(file, line, message),
  );
  return { records, format: fmt.format, units: { queries: records } };
}
