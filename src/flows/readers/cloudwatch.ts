/**
 * AWS VPC and Transit Gateway flow log records as CloudWatch Logs gives them back:
 *
 * - the JSON that `aws logs filter-log-events` and `aws logs get-log-events` print ({"events": [{"logStreamName",
 *   "timestamp", "message", …}], …}, or the events as an array or JSON lines);
 * - what a subscription filter delivers through Firehose to S3: concatenated {"messageType": "DATA_MESSAGE", "logGroup",
 *   "logStream", "logEvents": [{"id", "timestamp", "message"}]} objects (gzip members, which the reader inflates);
 * - the objects an export task (`aws logs create-export-task`) writes to S3: one event per line, its ISO 8601 time
 *   then a space then the message ("2025-11-22T00:00:05.000Z 2 123456789012 eni-… OK").
 *
 * Each message is one record without a header (CloudWatch has none), so the default layout applies unless
 * --log-format gives the flow log's LogFormat; the records are read by the AWS text reader and keep the file line of
 * their event's message.
 *
 * The format is aws-vpc-cloudwatch (or aws-tgw-cloudwatch): holes between events are not taken for missing
 * intervals, as a search result (a filter pattern, --max-items, a time range) is not a complete series.
 */
import type { FlowBatch, Interner } from '../record.js';
import { CLOUDWATCH_EXPORT_TIME, readHead, streamLines } from '../input.js';
import { AwsTextReader, type AwsTextOptions } from './aws-text.js';
import { forEachJsonRecord, obj } from './json-docs.js';
import type { ReadSummary, ReaderSink } from './sink.js';

export async function readCloudWatch(
  file: string,
  gzip: boolean,
  options: AwsTextOptions,
  batch: FlowBatch,
  sink: ReaderSink,
  interner: Interner,
): Promise<ReadSummary> {
  const { head } = await readHead(file);
  const first = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()[0];
  const json = first === '{' || first === '[';
  // JSON events: the file line of each message, filled before the reader sees them (the export keeps its lines).
  const lines: number[] = [];
  const reader = new AwsTextReader(file, options, batch, sink, interner, json ? lines : undefined, '-cloudwatch');
  batch.source = reader.source;
  if (json) await readEventMessages(file, gzip, sink, reader, lines);
  else await readExportLines(file, gzip, reader);
  return { records: reader.records, format: reader.format, units: { records: reader.records } };
}

/** Export-task objects: each line loses its time prefix (one line stays one line, so line numbers hold). */
async function readExportLines(file: string, gzip: boolean, reader: AwsTextReader): Promise<void> {
  await streamLines(file, gzip, (buf, start, end) => {
    const out = Buffer.allocUnsafe(end - start);
    let o = 0;
    let p = start;
    while (p < end) {
      let nl = buf.indexOf(10, p);
      if (nl < 0 || nl >= end) nl = end;
      // The prefix is 21 to 31 bytes; a line without one is left as it is (and is malformed if it is no record).
      let s = p;
      if (nl - p > 21 && CLOUDWATCH_EXPORT_TIME.test(buf.toString('latin1', p, Math.min(nl, p + 32))))
        s = buf.indexOf(32, p) + 1;
      o += buf.copy(out, o, s, nl);
      out[o++] = 10;
      p = nl + 1;
    }
    reader.lines(out, 0, o);
  });
}

/** Events as JSON (CLI output, subscription payloads): their messages, one record line each, with their file lines. */
async function readEventMessages(
  file: string,
  gzip: boolean,
  sink: ReaderSink,
  reader: AwsTextReader,
  lines: number[],
): Promise<void> {
  const messages: string[] = [];
  await forEachJsonRecord(
    file,
    gzip,
    ({ value, text, line }) => {
      const record = obj(value);
      // A subscription payload carries many events; its control messages (delivery checks) carry none to read.
      const subscription = Array.isArray(record?.logEvents);
      if (subscription && record.messageType === 'CONTROL_MESSAGE') return;
      const events = subscription ? (record.logEvents as unknown[]) : [value];
      // Pretty-printed output (the CLI's default) puts a message a few lines below the start of its event.
      let pos = 0;
      let messageLine = line;
      for (const event of events) {
        const message = obj(event)?.message;
        const at = text.indexOf('"message"', pos);
        if (at >= 0) {
          for (let i = pos; i < at; i++) if (text.charCodeAt(i) === 10) messageLine++;
          pos = at + 1;
        }
        if (typeof message !== 'string')
          sink.malformed(file, messageLine, 'CloudWatch Logs event without a message string');
        else if (message.includes('\n')) sink.malformed(file, messageLine, 'a flow log record spans several lines');
        else {
          messages.push(message);
          lines.push(messageLine);
        }
      }
    },
    (line, message) => sink.malformed(file, line, message),
    // One page of a longer result (`--no-paginate` leaves nextToken, `--max-items` NextToken): the events after it
    // were not read, so the file is partial rather than read as the whole series.
    (tail, line) => {
      const m = /"(nextToken|NextToken)"\s*:\s*"[^"]/.exec(tail);
      if (!m) return;
      for (let i = 0; i < m.index; i++) if (tail.charCodeAt(i) === 10) line++;
      sink.malformed(
        file,
        line,
        `the output has a ${m[1]!}: the events after this page were not read (page through it, or leave out --max-items)`,
      );
    },
  );
  if (messages.length > 0) {
    const buf = Buffer.from(`${messages.join('\n')}\n`, 'utf8');
    reader.lines(buf, 0, buf.length);
  }
}
