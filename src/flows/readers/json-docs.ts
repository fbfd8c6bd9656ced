/**
 * JSON inputs come as JSON lines (one record per line) or as one document: a top-level array (gcloud/CLI exports),
 * {"records": [...]} (Azure blobs) or {"events": [...]} (CloudWatch Logs events as the AWS CLI prints them). For documents we find each element's byte span with a small scanner, so every
 * record is parsed on its own (one bad record does not lose the file) and keeps its line number for evidence.
 */
import { CLOUDWATCH_EXPORT_TIME, readHead, readWhole, streamLines } from '../input.js';

export interface JsonElement {
  value: unknown;
  text: string;
  line: number;
}

const MAX_DOCUMENT = 512 * 1024 * 1024;

/** The index of the quote that closes the JSON string opened at `open` (or the text's end). */
function closingQuote(text: string, open: number): number {
  let i = open + 1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 34) break;
  }
  return i;
}

/** Spans of the elements of the first array at depth 0 ("[...]") or depth 1 ('{"records": [...]}'). */
export function arrayElementSpans(text: string): { start: number; end: number }[] | undefined {
  const spans: { start: number; end: number }[] = [];
  let depth = 0;
  let arrayDepth = -1;
  let elementStart = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      if (arrayDepth >= 0 && depth === arrayDepth && elementStart < 0) elementStart = i;
      i = closingQuote(text, i);
      continue;
    }
    if (c === 32 || c === 10 || c === 13 || c === 9) continue;
    if (c === 91 || c === 123) {
      if (arrayDepth >= 0 && depth === arrayDepth && elementStart < 0) elementStart = i;
      depth++;
      if (c === 91 && arrayDepth < 0 && depth <= 2) {
        arrayDepth = depth;
      }
      continue;
    }
    if (c === 93 || c === 125) {
      if (arrayDepth >= 0 && depth === arrayDepth) {
        if (elementStart >= 0) spans.push({ start: elementStart, end: i });
        return spans;
      }
      depth--;
      continue;
    }
    if (c === 44 && arrayDepth >= 0 && depth === arrayDepth) {
      if (elementStart >= 0) spans.push({ start: elementStart, end: i });
      elementStart = -1;
      continue;
    }
    if (arrayDepth >= 0 && depth === arrayDepth && elementStart < 0) elementStart = i;
  }
  return arrayDepth < 0 ? undefined : spans;
}

/**
 * Spans of concatenated top-level JSON objects ('{…}{…}', with or without white space between them): what a
 * CloudWatch Logs subscription delivers through Firehose to S3. Text between objects is a span of its own, so it
 * fails to parse where it is.
 */
export function concatenatedSpans(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) continue;
    if (depth === 0 && c === 123 && start >= 0) {
      spans.push({ start, end: i });
      start = -1;
    }
    if (start < 0) start = i;
    if (c === 34) i = closingQuote(text, i);
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) {
        spans.push({ start, end: i + 1 });
        start = -1;
      }
    }
  }
  if (start >= 0) spans.push({ start, end: text.length });
  return spans;
}

/**
 * Calls onElement for every record of a JSON input, with its 1-based line. Malformed records (bad JSON) are reported
 * through onError and skipped.
 */
export async function forEachJsonRecord(
  file: string,
  gzip: boolean,
  onElement: (e: JsonElement) => void,
  onError: (line: number, message: string) => void,
  /** A document's text after its last record (the rest of a {"events": [...], …} object), from its line. */
  onTail?: (text: string, line: number) => void,
): Promise<void> {
  // Peek: is it one document or JSON lines? A document starts with "[", {"records" or {"events"; a subscription
  // delivery is concatenated objects.
  const doc = await readWholeIfDocument(file, gzip);
  if (doc !== undefined) {
    const whole = doc.text;
    const spans = doc.concatenated ? concatenatedSpans(whole) : arrayElementSpans(whole);
    if (spans === undefined) {
      onError(1, 'a JSON document without a records array');
      return;
    }
    let line = 1;
    let pos = 0;
    for (const s of spans) {
      for (let i = pos; i < s.start; i++) if (whole.charCodeAt(i) === 10) line++;
      pos = s.start;
      const text = whole.slice(s.start, s.end).trimEnd();
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        onError(line, `invalid JSON: ${(err as Error).message}`);
        continue;
      }
      onElement({ value, text, line });
    }
    if (onTail && !doc.concatenated) {
      const end = spans.at(-1)?.end ?? 0;
      for (let i = pos; i < end; i++) if (whole.charCodeAt(i) === 10) line++;
      onTail(whole.slice(end), line);
    }
    return;
  }
  let lineNo = 0;
  await streamLines(file, gzip, (buf, start, end) => {
    let p = start;
    while (p < end) {
      let nl = buf.indexOf(10, p);
      if (nl < 0 || nl >= end) nl = end;
      lineNo++;
      let text = buf.toString('utf8', p, nl).trim();
      p = nl + 1;
      if (text === '') continue;
      // A CloudWatch Logs export task writes each event as its ISO 8601 time, a space and the message.
      if (text.charCodeAt(0) !== 123 && CLOUDWATCH_EXPORT_TIME.test(text)) text = text.slice(text.indexOf(' ') + 1);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        onError(lineNo, `invalid JSON: ${(err as Error).message}`);
        continue;
      }
      onElement({ value, text, line: lineNo });
    }
  });
}

async function readWholeIfDocument(
  file: string,
  gzip: boolean,
): Promise<{ text: string; concatenated: boolean } | undefined> {
  const { head } = await readHead(file);
  const t = head
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart();
  // {"records": [...]}: Azure blobs; {"events": [...]}: `aws logs filter-log-events` / `get-log-events` output.
  const isDocument = t.startsWith('[') || (/^\{\s*"(?:records|events)"\s*:/.test(t) && !isSingleLineRecordStream(head));
  // {"messageType": "DATA_MESSAGE", …, "logEvents": […]}: CloudWatch Logs subscription payloads, concatenated.
  const concatenated = /^\{\s*"messageType"\s*:/.test(t);
  if (!isDocument && !concatenated) return undefined;
  const text = (await readWhole(file, gzip, MAX_DOCUMENT)).toString('utf8').replace(/^\uFEFF/, '');
  return { text, concatenated };
}

/** Several {"records": …} objects, one per line (Event Hub style), are JSON lines, not one document. */
function isSingleLineRecordStream(head: Buffer): boolean {
  const text = head.toString('utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length < 2) return false;
  try {
    JSON.parse(lines[0]!);
    return true;
  } catch {
    return false;
  }
}

export function obj(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** int64 values arrive as JSON strings in GCP logs. */
export function int(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

/** A DNS query name as the rules compare it: lower case, without the trailing dot. */
export function queryName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
