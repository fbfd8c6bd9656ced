/**
 * Input plumbing: expanding PATH arguments (files, directories, globs) into a sorted file list, sniffing each
 * file's format from its first bytes (after gunzip), and streaming a file as chunks of whole lines.
 */
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { createGunzip, gunzip } from 'node:zlib';
import { InputError } from '../util/errors.js';

const GLOB_CHARS = /[*?[]/;

/** Glob segment to RegExp: `*` and `?` within one path segment, `**` across segments. */
function globRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        re += '.*';
        i++;
        if (pattern[i + 1] === '/') i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Files under `dir`, recursively. A folder that cannot be listed is skipped with an error naming that folder (not the
 * root), and the walk goes on: one unreadable folder must not hide the rest of the input.
 */
async function walk(dir: string, out: string[], errors: InputError[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    errors.push(new InputError(dir, `cannot read folder: ${(err as NodeJS.ErrnoException).code ?? String(err)}`));
    return;
  }
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) await walk(full, out, errors);
    else if (e.isFile()) out.push(full);
  }
}

/** Every file named by the arguments, sorted and de-duplicated; unreadable arguments become located errors. */
export async function expandInputs(
  args: readonly string[],
  cwd: string,
): Promise<{ files: string[]; errors: InputError[] }> {
  const files = new Set<string>();
  const errors: InputError[] = [];
  for (const arg of args) {
    const abs = path.resolve(cwd, arg);
    if (GLOB_CHARS.test(arg)) {
      const parts = abs.split('/');
      const firstGlob = parts.findIndex((p) => GLOB_CHARS.test(p));
      const base = parts.slice(0, firstGlob).join('/') || '/';
      const re = globRegExp(abs);
      const found: string[] = [];
      const walkErrors: InputError[] = [];
      await walk(base, found, walkErrors);
      // The pattern's own base folder missing is "no such directory"; a folder deeper down is named as it is.
      if (walkErrors.length === 1 && walkErrors[0]!.file === base && found.length === 0) {
        errors.push(new InputError(abs, 'no such directory for this pattern'));
        continue;
      }
      errors.push(...walkErrors);
      const matched = found.filter((f) => re.test(f));
      if (matched.length === 0) errors.push(new InputError(abs, 'pattern matched no files'));
      for (const f of matched) files.add(f);
      continue;
    }
    try {
      const st = await stat(abs);
      if (st.isDirectory()) {
        const found: string[] = [];
        await walk(abs, found, errors);
        for (const f of found) files.add(f);
      } else files.add(abs);
    } catch (err) {
      errors.push(new InputError(abs, `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}`));
    }
  }
  return { files: [...files].sort(), errors };
}

export type FlowFormat =
  | 'aws-vpc'
  | 'aws-tgw'
  | 'aws-cloudwatch'
  | 'azure'
  | 'gcp-vpc'
  | 'route53-dns'
  | 'azure-dns'
  | 'gcp-dns'
  | 'parquet'
  | 'unknown';

export interface Sniffed {
  format: FlowFormat;
  gzip: boolean;
  /** Why the format was chosen or not, for messages. */
  note: string;
}

const HEAD_BYTES = 64 * 1024;

/**
 * Contents of small files read ahead (decompressed), by path: readHead, streamLines and readWhole serve them from
 * memory. The JS engine reads the next few small files while it parses the current one (see readAheadSmall), so many
 * small files do not cost one disk round trip after another.
 */
const readAhead = new Map<string, { content: Buffer; gzip: boolean }>();

export function setReadAhead(file: string, content: Buffer, gzip: boolean): void {
  readAhead.set(file, { content, gzip });
}

export function clearReadAhead(file: string): void {
  readAhead.delete(file);
}

/** Files up to this size (on disk) are read ahead whole; decompressed at most READ_AHEAD_MAX_OUTPUT. */
export const READ_AHEAD_MAX_FILE = 256 * 1024;
const READ_AHEAD_MAX_OUTPUT = 4 * 1024 * 1024;
const gunzipAsync = promisify(gunzip);

/**
 * A small file's whole (decompressed) content, or undefined when it is larger than READ_AHEAD_MAX_FILE, inflates
 * beyond READ_AHEAD_MAX_OUTPUT, or cannot be read or inflated (then the streaming read reports what is wrong, with the
 * records before a fault, exactly as without read-ahead).
 */
export async function readAheadSmall(file: string, gzip: boolean): Promise<Buffer | undefined> {
  try {
    const fh = await open(file, 'r');
    let raw: Buffer;
    try {
      const { size } = await fh.stat();
      if (size > READ_AHEAD_MAX_FILE) return undefined;
      raw = await fh.readFile();
    } finally {
      await fh.close();
    }
    return gzip ? await gunzipAsync(raw, { maxOutputLength: READ_AHEAD_MAX_OUTPUT }) : raw;
  } catch {
    return undefined;
  }
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results in the items' order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const k = next++;
      out[k] = await fn(items[k]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Reads up to HEAD_BYTES of (decompressed) content. */
export async function readHead(file: string): Promise<{ head: Buffer; gzip: boolean }> {
  const ahead = readAhead.get(file);
  if (ahead) return { head: ahead.content.subarray(0, HEAD_BYTES), gzip: ahead.gzip };
  const fh = await open(file, 'r');
  let magic: Buffer;
  try {
    magic = Buffer.alloc(4);
    const { bytesRead } = await fh.read(magic, 0, 4, 0);
    magic = magic.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
  const gzip = magic.length >= 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  if (magic.length === 4 && magic.toString('latin1') === 'PAR1') return { head: magic, gzip: false };
  const parts: Buffer[] = [];
  let size = 0;
  const raw = createReadStream(file, { highWaterMark: HEAD_BYTES });
  const stream = gzip ? raw.pipe(createGunzip()) : raw;
  try {
    for await (const chunk of stream) {
      parts.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= HEAD_BYTES) break;
    }
  } catch {
    // A truncated or corrupt gzip: whatever was decompressed is still worth sniffing; the full read reports the error.
  } finally {
    raw.destroy();
    if (stream !== raw) stream.destroy();
  }
  return { head: Buffer.concat(parts).subarray(0, HEAD_BYTES), gzip };
}

/** The event time a CloudWatch Logs export task writes before each message, and its space. */
export const CLOUDWATCH_EXPORT_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z /;

/** Format from content, never from the file name (S3 keys and exports get renamed). */
export function sniffFormat(head: Buffer, gzip: boolean, logFormat?: string): Sniffed {
  if (head.length >= 4 && head.subarray(0, 4).toString('latin1') === 'PAR1')
    return { format: 'parquet', gzip, note: 'Parquet' };
  const text = head.toString('utf8');
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  if (trimmed === '') return { format: 'unknown', gzip, note: 'empty file' };
  // A CloudWatch Logs export task's object: each line is the event time, a space and the message.
  const exported = CLOUDWATCH_EXPORT_TIME.exec(trimmed);
  if (exported) {
    if (trimmed[exported[0].length] === '{')
      return /"query_name"\s*:/.test(text)
        ? { format: 'route53-dns', gzip, note: 'Route 53 Resolver query log (CloudWatch Logs export)' }
        : { format: 'unknown', gzip, note: 'CloudWatch Logs export whose messages are JSON of no known log' };
    return { format: 'aws-cloudwatch', gzip, note: 'AWS flow log (CloudWatch Logs export)' };
  }
  if (trimmed[0] === '{' || trimmed[0] === '[') {
    if (/"flowTuples"|"flowRecords"|"NetworkSecurityGroupFlowEvent"|"FlowLogFlowEvent"/.test(text))
      return { format: 'azure', gzip, note: 'Azure flow log JSON' };
    // Before Route 53: an Azure resource log's properties also have query_name.
    if (
      /"category"\s*:\s*"DnsResponse"/i.test(text) ||
      (/"QueryName"\s*:/.test(text) && /"SourceIpAddress"\s*:/.test(text))
    )
      return { format: 'azure-dns', gzip, note: 'Azure DNS security policy query log' };
    // CloudWatch Logs events (aws logs filter-log-events / get-log-events, subscription payloads): flow records, or
    // Resolver query logs whose message is the JSON of a query.
    if (/"message"\s*:/.test(text) && /"(?:events|logEvents|logStreamName|ingestionTime|eventId)"\s*:/.test(text)) {
      return /"message"\s*:\s*"\s*\{/.test(text)
        ? /\\"query_name\\"/.test(text)
          ? { format: 'route53-dns', gzip, note: 'Route 53 Resolver query log (CloudWatch Logs events)' }
          : { format: 'unknown', gzip, note: 'CloudWatch Logs events whose messages are JSON of no known log' }
        : { format: 'aws-cloudwatch', gzip, note: 'AWS flow log (CloudWatch Logs events)' };
    }
    if (/"jsonPayload"\s*:/.test(text) && /"queryName"\s*:/.test(text))
      return { format: 'gcp-dns', gzip, note: 'Cloud DNS query log' };
    if (/"query_name"\s*:/.test(text)) return { format: 'route53-dns', gzip, note: 'Route 53 Resolver query log' };
    if (/"jsonPayload"\s*:/.test(text) && /vpc_flows|"connection"\s*:/.test(text))
      return { format: 'gcp-vpc', gzip, note: 'GCP VPC Flow Logs' };
    return { format: 'unknown', gzip, note: 'JSON of no known flow or DNS log shape' };
  }
  const firstLine = trimmed.slice(0, Math.max(0, trimmed.indexOf('\n')) || trimmed.length).trim();
  const tokens = firstLine.split(/ +/);
  if (tokens.includes('srcaddr') || tokens.includes('interface-id') || tokens.includes('log-status')) {
    return tokens.includes('resource-type') || tokens.includes('tgw-id') || tokens.includes('tgw-attachment-id')
      ? { format: 'aws-tgw', gzip, note: 'AWS Transit Gateway flow log with header' }
      : { format: 'aws-vpc', gzip, note: 'AWS VPC flow log with header' };
  }
  // With a LogFormat, records of exactly that many fields are AWS records whatever their first field is.
  if (logFormat !== undefined && tokens.length === logFormat.trim().split(/\s+/).length) {
    return /\$\{tgw-/.test(logFormat)
      ? { format: 'aws-tgw', gzip, note: 'AWS Transit Gateway flow log (--log-format)' }
      : { format: 'aws-vpc', gzip, note: 'AWS VPC flow log (--log-format)' };
  }
  if (/^\d+$/.test(tokens[0] ?? '')) {
    if (tokens[1] === 'TransitGateway')
      return { format: 'aws-tgw', gzip, note: 'AWS Transit Gateway flow log (default format)' };
    if (logFormat !== undefined || tokens.length === 14)
      return { format: 'aws-vpc', gzip, note: 'AWS VPC flow log without header' };
    return {
      format: 'unknown',
      gzip,
      note: `space-separated records with ${tokens.length} fields and no header: pass --log-format`,
    };
  }
  return { format: 'unknown', gzip, note: 'not a flow or DNS log cordon knows' };
}

export const CHUNK_BYTES = 1 << 20;

/**
 * Streams a file (gunzipping when needed) and calls onLines with buffers that hold only whole lines, each ending
 * with "\n" (one is added after a last line that lacks it, so parsers can scan to the newline without bounds checks).
 * The work buffer is reused: memory is bounded by the chunk size and the longest line.
 */
export async function streamLines(
  file: string,
  gzip: boolean,
  onLines: (buf: Buffer, start: number, end: number) => void,
  maxLineBytes = 64 * 1024 * 1024,
): Promise<void> {
  const ahead = readAhead.get(file);
  if (ahead) return contentLines(ahead.content, onLines);
  if (!gzip) return readPlainLines(file, onLines, maxLineBytes);
  const raw = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  const stream = gzip ? raw.pipe(createGunzip({ chunkSize: CHUNK_BYTES })) : raw;
  raw.on('error', (e) => stream.destroy(e));
  let work = Buffer.allocUnsafe(CHUNK_BYTES * 2);
  let have = 0;
  try {
    for await (const c of stream) {
      const chunk = c as Buffer;
      if (have + chunk.length > work.length) {
        if (have + chunk.length > maxLineBytes + CHUNK_BYTES)
          throw new Error(`a line longer than ${maxLineBytes} bytes`);
        const bigger = Buffer.allocUnsafe(Math.max(work.length * 2, have + chunk.length));
        work.copy(bigger, 0, 0, have);
        work = bigger;
      }
      chunk.copy(work, have);
      have += chunk.length;
      const lastNl = work.lastIndexOf(10, have - 1);
      if (lastNl < 0) continue;
      onLines(work, 0, lastNl + 1);
      work.copy(work, 0, lastNl + 1, have);
      have -= lastNl + 1;
    }
    finalLine(work, have, onLines);
  } finally {
    raw.destroy();
  }
}

/** Lines of content held in memory (read ahead), as streamLines hands them. */
function contentLines(content: Buffer, onLines: (buf: Buffer, start: number, end: number) => void): void {
  const lastNl = content.lastIndexOf(10);
  if (lastNl >= 0) onLines(content, 0, lastNl + 1);
  const rest = content.length - (lastNl + 1);
  if (rest > 0) {
    // A copy with room for the newline: the read-ahead content itself is never written to.
    const tail = Buffer.allocUnsafe(rest + 1);
    content.copy(tail, 0, lastNl + 1);
    finalLine(tail, rest, onLines);
  }
}

/** The unterminated last line of a file, given a newline. */
function finalLine(work: Buffer, have: number, onLines: (buf: Buffer, start: number, end: number) => void): void {
  if (have === 0) return;
  let buf = work;
  if (have === work.length) {
    buf = Buffer.allocUnsafe(have + 1);
    work.copy(buf, 0, 0, have);
  }
  buf[have] = 10;
  onLines(buf, 0, have + 1);
}

/**
 * Plain files, double-buffered: while the caller parses one buffer, the next chunk is read into the other on the
 * thread pool, so the read costs the parsing thread nothing. The partial last line of a buffer is copied to the
 * front of the other before the read into it starts. Reads go straight into the buffers (no stream, no copy).
 */
async function readPlainLines(
  file: string,
  onLines: (buf: Buffer, start: number, end: number) => void,
  maxLineBytes: number,
): Promise<void> {
  const fh = await open(file, 'r');
  let cur = Buffer.allocUnsafe(CHUNK_BYTES * 4);
  let next = Buffer.allocUnsafe(CHUNK_BYTES * 4);
  try {
    let have = (await fh.read(cur, 0, cur.length, null)).bytesRead;
    let eof = have === 0;
    while (!eof) {
      let lastNl = cur.lastIndexOf(10, have - 1);
      // No newline in a full buffer: a long line; grow this buffer and read more of it.
      while (lastNl < 0) {
        if (have > maxLineBytes) throw new Error(`a line longer than ${maxLineBytes} bytes`);
        if (have === cur.length) {
          const bigger = Buffer.allocUnsafe(cur.length * 2);
          cur.copy(bigger, 0, 0, have);
          cur = bigger;
        }
        const n = (await fh.read(cur, have, cur.length - have, null)).bytesRead;
        if (n === 0) {
          finalLine(cur, have, onLines);
          return;
        }
        have += n;
        lastNl = cur.lastIndexOf(10, have - 1);
      }
      const carry = have - (lastNl + 1);
      if (next.length < carry + CHUNK_BYTES) next = Buffer.allocUnsafe(Math.max(next.length, carry) + CHUNK_BYTES * 4);
      cur.copy(next, 0, lastNl + 1, have);
      const reading = fh.read(next, carry, next.length - carry, null);
      // A rejected read is awaited below; until then it must not count as unhandled.
      reading.catch(() => {});
      try {
        onLines(cur, 0, lastNl + 1);
      } finally {
        // Never leave a read into `next` running past this function (the caller may throw).
        await reading.catch(() => undefined);
      }
      const n = (await reading).bytesRead;
      [cur, next] = [next, cur];
      have = carry + n;
      if (n === 0) {
        finalLine(cur, have, onLines);
        eof = true;
      }
    }
  } finally {
    await fh.close();
  }
}

/** Reads a whole (possibly gzipped) file, refusing beyond maxBytes: for single-document JSON formats. */
export async function readWhole(file: string, gzip: boolean, maxBytes: number): Promise<Buffer> {
  const ahead = readAhead.get(file);
  if (ahead) {
    if (ahead.content.length > maxBytes)
      throw new Error(`a single JSON document larger than ${maxBytes} bytes; export it as JSON lines instead`);
    return ahead.content;
  }
  const raw = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  const stream = gzip ? raw.pipe(createGunzip({ chunkSize: CHUNK_BYTES })) : raw;
  raw.on('error', (e) => stream.destroy(e));
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const c of stream) {
      size += (c as Buffer).length;
      if (size > maxBytes)
        throw new Error(`a single JSON document larger than ${maxBytes} bytes; export it as JSON lines instead`);
      parts.push(c as Buffer);
    }
  } finally {
    raw.destroy();
  }
  return Buffer.concat(parts);
}
