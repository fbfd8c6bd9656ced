/**
 * Reads a snapshot: a directory tree of JSON files exactly as the AWS CLI prints them (docs/snapshots.md lists the
 * commands). Files are recognised by their content, never their name. Account and region come from the data
 * (owner ids, ARNs, availability zones, service names, links between resources) or from a manifest file
 * ({"cordonSnapshot": 1, "provider": "aws", "account": …, "region": …}) that covers its directory and those below.
 * A bad file or item gives a located error and is skipped; everything else is still read.
 */
import { createReadStream, type Dirent, type Stats } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import {
  AWS_DATASETS,
  dnsName,
  emptyAwsInventory,
  resolverTarget,
  scopeKey,
  type AwsDataset,
  type AwsInventory,
  type AwsIpPermission,
  type AwsLbTarget,
  type SkippedItem,
  type AwsSageMakerResource,
  type AwsTransitGatewayRoute,
  type AwsTransitGatewayRouteTable,
  type SageMakerKind,
  type RouteTargetType,
  type Scoped,
} from '../../inventory/aws.js';
import { InputError, type SourcePosition } from '../../util/errors.js';
import { parsePointer, toPointer } from '../../util/json-pointer.js';
import { parseLocatedJson, type DuplicateKey, type LocatedJson, lineOf, originOf } from '../../util/located-json.js';
import { locateIn, readOutline, readValues, type PosNode } from '../../util/json-stream.js';
import { isHiddenEntry } from '../hidden-entries.js';
import { parseArn, parseServiceName, regionOfAvailabilityZone } from './names.js';
import * as S from './shapes.js';

export interface SnapshotWarning {
  file: string;
  message: string;
  line?: number;
}

export interface SnapshotResult {
  inventory: AwsInventory;
  /** Files that could not be read or recognised, and items with a bad shape: each located. */
  errors: InputError[];
  warnings: SnapshotWarning[];
  /** Every file read and what it was recognised as. */
  files: { file: string; recognisedAs: string[] }[];
}

type ListKey = Exclude<
  keyof AwsInventory,
  'iac' | 'organization' | 'datasets' | 'unavailable' | 'partial' | 'scopeOrigins'
>;

/** The file-system calls the reader makes; tests inject failures that root cannot produce with chmod. */
export interface SnapshotFs {
  readdir(dir: string): Promise<Dirent[]>;
  readFile(file: string): Promise<string>;
  /** The file's text in chunks, for files read as a stream. */
  textChunks(file: string): AsyncIterable<string>;
  stat(p: string): Promise<Stats>;
  realpath(p: string): Promise<string>;
}

export interface SnapshotOptions {
  fs?: Partial<SnapshotFs>;
  /** Files larger than this are not read (a located error); default 1 GiB. */
  maxFileBytes?: number;
  /**
   * Files larger than this are streamed: memory then grows with the largest item, not with the file (default
   * 8 MiB; smaller files are parsed whole, which is faster).
   */
  streamAboveBytes?: number;
  /** Unrecognised files reported one by one; the rest are counted in one more error. */
  unrecognisedListed?: number;
  /** Read only these files (absolute paths) of the tree; the others belong to another provider's reader. */
  only?: ReadonlySet<string>;
}

const MAX_FILE_BYTES = 2 ** 30;
const STREAM_ABOVE_BYTES = 8 * 2 ** 20;

const NODE_FS: SnapshotFs = {
  readdir: (dir) => readdir(dir, { withFileTypes: true }),
  readFile: (file) => readFile(file, 'utf8'),
  textChunks: fileTextChunks,
  stat: (p) => stat(p),
  realpath: (p) => realpath(p),
};

/** UTF-8 text in 1 MiB chunks; a character split between chunks is joined by the decoder, a BOM kept like readFile. */
async function* fileTextChunks(file: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  for await (const buf of createReadStream(file, { highWaterMark: 2 ** 20 }))
    yield decoder.decode(buf as Buffer, { stream: true });
  const tail = decoder.decode();
  if (tail) yield tail;
}

/** Enough unrecognised files to see the pattern; thousands of lines would bury everything else. */
const UNRECOGNISED_LISTED = 20;

interface Hint {
  account?: string;
  region?: string;
  vpcId?: string;
  subnetId?: string;
}

interface Draft {
  list: ListKey;
  dataset: AwsDataset;
  value: Scoped & Record<string, unknown>;
  hint: Hint;
  dir: string;
}

interface Manifest {
  file: string;
  account: string;
  region: string;
  unavailable: { dataset: string; reason: string; action?: string }[];
}

/** A data set that is incomplete somewhere: a skipped item or a list cut short, with what its scope may be. */
interface Taint {
  dataset: AwsDataset;
  dir: string;
  hint: Hint;
  skipped: SkippedItem;
}

interface State {
  root: string;
  drafts: Draft[];
  /** Data sets seen in a file with no items (an empty describe output is data: "there are none"). */
  emptyDatasets: { dir: string; dataset: AwsDataset; file: string }[];
  manifests: Map<string, Manifest>;
  /** idle_timeout.timeout_seconds per load balancer ARN, merged into load balancers at the end. */
  lbAttributes: Map<string, { idle: number | undefined; dir: string }>;
  /** Target group attributes (preserve_client_ip.enabled) and registered targets by ARN, merged at the end. */
  tgAttributes: Map<string, { preserveClientIp: boolean | undefined }>;
  tgTargets: Map<string, AwsLbTarget[]>;
  /** Target groups each listener's rules forward to (describe-rules), by listener ARN, merged at the end. */
  ruleForwards: Map<string, string[]>;
  /** get-managed-prefix-list-entries outputs by list id, merged into the prefix lists at the end. */
  prefixListEntries: Map<string, string[]>;
  /** Transit gateway route table associations and routes by table id, merged into the tables at the end. */
  tgwAssociations: Map<string, NonNullable<AwsTransitGatewayRouteTable['associations']>>;
  tgwRoutes: Map<string, { routes: AwsTransitGatewayRoute[]; truncated: boolean }>;
  /** Data sets seen through documents that add no inventory item of their own (load balancer attributes). */
  markers: { dataset: AwsDataset; hint: Hint; dir: string }[];
  taints: Taint[];
  unrecognised: { listed: number; more: number; limit: number };
  result: SnapshotResult;
}

function newState(root: string, opts: SnapshotOptions): State {
  return {
    root,
    drafts: [],
    emptyDatasets: [],
    manifests: new Map(),
    lbAttributes: new Map(),
    tgAttributes: new Map(),
    tgTargets: new Map(),
    ruleForwards: new Map(),
    prefixListEntries: new Map(),
    tgwAssociations: new Map(),
    tgwRoutes: new Map(),
    markers: [],
    taints: [],
    unrecognised: { listed: 0, more: 0, limit: opts.unrecognisedListed ?? UNRECOGNISED_LISTED },
    result: { inventory: emptyAwsInventory(), errors: [], warnings: [], files: [] },
  };
}

/** How many files are read ahead of the one being parsed. */
const READ_AHEAD = 16;

type Prefetched = { size: number; text?: string } | { error: unknown };

export async function loadAwsSnapshot(root: string, opts: SnapshotOptions = {}): Promise<SnapshotResult> {
  const fs: SnapshotFs = { ...NODE_FS, ...opts.fs };
  const state = newState(root, opts);
  const result = state.result;
  let files: string[];
  try {
    const info = await fs.stat(root);
    // Paths in reports are relative to the snapshot directory (or to the directory of a single file).
    if (info.isFile()) {
      state.root = path.dirname(root);
      files = [root];
    } else files = await listJsonFiles(state, fs, root);
  } catch (err) {
    result.errors.push(new InputError(root, `cannot read snapshot: ${errnoCode(err)}`));
    return result;
  }
  // With `only`, other readers took the tree's files (Azure JSON, .bicep): an empty AWS share is no error.
  if (files.length === 0 && !opts.only) result.errors.push(new InputError(root, 'no .json files found'));
  const maxBytes = opts.maxFileBytes ?? MAX_FILE_BYTES;
  const streamAbove = opts.streamAboveBytes ?? STREAM_ABOVE_BYTES;
  const wanted = opts.only ? files.filter((abs) => opts.only!.has(path.resolve(abs))) : files;
  // Organisations are tens of thousands of small files: the next few are read while one is parsed (in order).
  const ahead = (abs: string): Promise<Prefetched> =>
    fs.stat(abs).then(
      async (info): Promise<Prefetched> => {
        if (info.size > maxBytes || info.size > streamAbove) return { size: info.size };
        try {
          return { size: info.size, text: await fs.readFile(abs) };
        } catch (error) {
          return { error };
        }
      },
      (error: unknown) => ({ error }),
    );
  const inflight: (Promise<Prefetched> | undefined)[] = wanted.slice(0, READ_AHEAD).map(ahead);
  for (let i = 0; i < wanted.length; i++) {
    const abs = wanted[i]!;
    const got = await inflight[i]!;
    inflight[i] = undefined;
    if (i + READ_AHEAD < wanted.length) inflight.push(ahead(wanted[i + READ_AHEAD]!));
    const file = rel(state, abs);
    try {
      if ('error' in got) throw got.error;
      const size = got.size;
      if (size > maxBytes) {
        const mb = (n: number) =>
          n < 2 ** 20 ? `${Math.round((n / 2 ** 10) * 10) / 10} KiB` : `${Math.round((n / 2 ** 20) * 10) / 10} MiB`;
        const error = new InputError(
          file,
          `file is ${mb(size)}, over the ${mb(maxBytes)} limit for one file (maxFileBytes); skipped`,
          { line: 1, column: 1 },
        );
        result.errors.push(error);
        taintByHead(state, file, await head(fs, abs), error.message);
      } else if (got.text === undefined) {
        let source: JsonSource;
        try {
          source = await streamSource(fs, abs, file);
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          openFailed(state, file, err, await head(fs, abs));
          continue;
        }
        await readDocumentFile(state, file, source);
      } else readText(state, file, got.text);
    } catch (err) {
      result.errors.push(new InputError(file, `cannot read: ${errnoCode(err)}`));
    }
  }
  finish(state);
  return result;
}

/** The first bytes of a file, to tell what an unreadable one was meant to hold. */
async function head(fs: SnapshotFs, abs: string): Promise<string> {
  try {
    for await (const chunk of fs.textChunks(abs)) return chunk.slice(0, 4096);
  } catch {
    // Nothing to tell from.
  }
  return '';
}

function readText(state: State, file: string, text: string): void {
  let source: JsonSource;
  try {
    source = memorySource(file, text);
  } catch (err) {
    return openFailed(state, file, err, text.slice(0, 4096));
  }
  void readDocumentFile(state, file, source);
}

/** Reads one file's text into the state; exported for tests that feed documents without a directory. */
export function loadAwsSnapshotFromTexts(
  files: { name: string; text: string }[],
  opts: SnapshotOptions = {},
): SnapshotResult {
  const state = newState('', opts);
  for (const f of [...files].sort((a, b) => a.name.localeCompare(b.name))) readText(state, f.name, f.text);
  finish(state);
  return state.result;
}

function finish(state: State): void {
  const u = state.unrecognised;
  if (u.more > 0)
    state.result.errors.push(
      new InputError(
        state.root || '.',
        `and ${u.more} more unrecognised file${u.more === 1 ? '' : 's'} (the first ${u.listed} are listed above)`,
      ),
    );
  resolveScopes(state);
}

function errnoCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? String(err);
}

/**
 * The .json files under root, sorted. A folder that cannot be read is a located error and the walk goes on.
 * Symbolic links: a link to a file is read (with a warning naming the target, since the data lives outside the
 * snapshot's own tree and may be shared with other scopes); a link to a folder is not followed (with a warning),
 * since it can loop or make the same data count twice; a broken link is an error.
 */
async function listJsonFiles(state: State, fs: SnapshotFs, root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir);
    } catch (err) {
      // The root itself failing is "cannot read snapshot"; a folder below it is skipped and named.
      if (dir === root) throw err;
      state.result.errors.push(new InputError(rel(state, dir), `cannot read folder: ${errnoCode(err)}; skipped`));
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name);
      if (isHiddenEntry(e.name)) continue;
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && isJsonName(e.name)) out.push(full);
      else if (e.isSymbolicLink()) await symlinkEntry(state, fs, full, out);
    }
  };
  await walk(root);
  return out;
}

function isJsonName(name: string): boolean {
  return name.toLowerCase().endsWith('.json');
}

async function symlinkEntry(state: State, fs: SnapshotFs, full: string, out: string[]): Promise<void> {
  let target: string;
  let info: Stats;
  try {
    target = await fs.realpath(full);
    info = await fs.stat(full);
  } catch (err) {
    if (isJsonName(full))
      state.result.errors.push(new InputError(rel(state, full), `broken symbolic link: ${errnoCode(err)}; skipped`));
    return;
  }
  if (info.isDirectory()) {
    state.result.warnings.push({
      file: rel(state, full),
      message: `symbolic link to the folder ${target}: not followed; copy the files in to scan them`,
    });
  } else if (info.isFile() && isJsonName(full)) {
    state.result.warnings.push({ file: rel(state, full), message: `symbolic link to ${target}: read` });
    out.push(full);
  }
}

function rel(state: State, file: string): string {
  if (!state.root) return file;
  const r = path.relative(path.resolve(state.root), path.resolve(file));
  return r === '' ? path.basename(file) : r.split(path.sep).join('/');
}

/**
 * A file's JSON, either parsed whole (small files: `located-json`) or streamed (large ones: `json-stream`). Both give
 * the same outline to recognise documents by, the same positions and duplicate keys, and hand out the values the
 * plans ask for: in the streamed case one item at a time, so a file's size does not decide the memory it takes.
 */
interface JsonSource {
  doc: LocatedJson;
  /** Number of items of the list at `pointer` (streamed outlines hold empty stubs). */
  length(pointer: string, outline: unknown[]): number;
  /**
   * Calls `onValue` with the value at each target pointer (or each item of the list there), in document order;
   * synchronously when the file is in memory.
   */
  read(
    targets: Map<string, 'whole' | 'list'>,
    onValue: (pointer: string, value: unknown) => void,
  ): Promise<void> | void;
}

function memorySource(file: string, text: string): JsonSource {
  const doc = parseLocatedJson(file, text);
  return {
    doc,
    length: (_p, outline) => outline.length,
    read(targets, onValue) {
      const at = (pointer: string): unknown =>
        parsePointer(pointer).reduce<unknown>((v, seg) => (v as Record<string, unknown>)[seg], doc.value);
      for (const [p, how] of targets)
        if (how === 'whole') onValue(p, at(p));
        else (at(p) as unknown[]).forEach((item, i) => onValue(`${p}/${i}`, item));
    },
  };
}

/** Outline first (syntax, duplicates, what each document is), then only the items the plans read. */
async function streamSource(fs: SnapshotFs, absFile: string, file: string): Promise<JsonSource> {
  // Arrays directly in a document (the root object, or an element of a root array) are where items live.
  const isStub = (p: (string | number)[]) => p.length === 1 || (p.length === 2 && typeof p[0] === 'number');
  const outline = await readOutline(file, fs.textChunks(absFile), isStub);
  let overlay: { at: string; pos: PosNode } | undefined;
  const doc: LocatedJson = {
    file,
    value: outline.value,
    duplicates: outline.duplicates,
    locate(pointer) {
      if (overlay && (pointer === overlay.at || pointer.startsWith(overlay.at + '/')))
        return locateIn(overlay.pos, overlay.at, pointer);
      return locateIn(outline.pos, '', pointer);
    },
  };
  return {
    doc,
    length: (p) => outline.stubs.get(p) ?? 0,
    async read(targets, onValue) {
      const want = (path: (string | number)[], occurrence: number) => {
        if (targets.get(toPointer(path)) === 'whole') return true;
        if (path.length === 0) return false;
        const list = toPointer(path.slice(0, -1));
        // Of two lists under one key, JSON (and the whole-file reader) keeps the last.
        return targets.get(list) === 'list' && occurrence === outline.stubOccurrences.get(list);
      };
      await readValues(file, fs.textChunks(absFile), want, (pointer, value, pos) => {
        overlay = { at: pointer, pos };
        try {
          onValue(pointer, value);
        } finally {
          overlay = undefined;
        }
      });
    },
  };
}

/** What a document was recognised as, and what reading it takes: its whole value, or the items of one list. */
interface Plan {
  kind: string;
  ctx: ItemContext;
  /** Reads the whole document; returns what it was (a bad manifest is nothing). */
  whole?: (v: Record<string, unknown>) => string | undefined;
  /** The list to read, and the field that says it is one page of a longer one (pageMarker), if any. */
  list?: { r: ListRecogniser; page: string | undefined };
}

/**
 * The field by which an output says it is one page of a longer list. The services spell it differently: NextToken
 * (EC2, SageMaker, Route 53 Resolver and Profiles, Organizations), nextToken (Bedrock's ListModelCustomizationJobs
 * and Bedrock Agents' ListAgents), NextMarker (Elastic Load Balancing v2), and Route 53's ListResourceRecordSets says
 * IsTruncated true (its next page starts at NextRecordName).
 */
function pageMarker(v: Record<string, unknown>): string | undefined {
  for (const key of ['NextToken', 'nextToken', 'NextMarker']) if (typeof v[key] === 'string') return key;
  return v.IsTruncated === true ? 'IsTruncated' : undefined;
}

function pageReason(page: string): string {
  return `output has ${page === 'IsTruncated' ? 'IsTruncated true' : `a ${page}`}: the rest of the list is missing`;
}

/** An output read whole that is one page of a longer list (pageMarker): its data set is incomplete there. */
function taintPage(ctx: ItemContext, dataset: AwsDataset, v: Record<string, unknown>): void {
  const page = pageMarker(v);
  if (page) taint(ctx, dataset, v, ctx.doc.locate(`${ctx.base}/${page}`), pageReason(page));
}

/** Opens a file's JSON; a syntax error is a located error, and what the file seemed to hold is marked incomplete. */
function openFailed(state: State, file: string, err: unknown, head: string): void {
  const error = err instanceof InputError ? err : new InputError(file, String(err));
  state.result.errors.push(error);
  taintByHead(state, file, head, error.message);
}

/**
 * A file that could not be read at all may still say what it holds in its first bytes ({"RouteTables": [...): that
 * data set is then incomplete wherever the file's folder puts it, as another file may hold the rest of it.
 */
function taintByHead(state: State, file: string, head: string, reason: string): void {
  const key = /^\uFEFF?\s*\[?\s*\{\s*"([A-Za-z]+)"\s*:\s*\[/.exec(head)?.[1];
  const r = LIST_RECOGNISERS.find((x) => x.key === key);
  if (!r) return;
  state.taints.push({
    dataset: r.dataset,
    dir: path.dirname(file),
    hint: {},
    skipped: { file, line: 1, column: 1, pointer: '', reason },
  });
}

function readDocumentFile(state: State, file: string, source: JsonSource): Promise<void> | void {
  const dir = path.dirname(file);
  const doc = source.doc;
  // A file may hold one CLI output or an array of them (several describe-vpc-attribute calls, say).
  const docs: [unknown, string][] =
    Array.isArray(doc.value) && doc.value.every((d) => d !== null && typeof d === 'object' && !Array.isArray(d))
      ? doc.value.map((d, i) => [d, `/${i}`])
      : [[doc.value, '']];
  const consumed = new Set<DuplicateKey>();
  const plans = docs.flatMap(([value, base]) => recognise(state, doc, dir, value, base, consumed) ?? []);
  const byPointer = new Map<string, Plan>();
  for (const plan of plans) {
    const { base } = plan.ctx;
    if (plan.list) {
      const at = `${base}/${plan.list.r.key}`;
      const outline = (docs.find(([, b]) => b === base)![0] as Record<string, unknown[]>)[plan.list.r.key]!;
      startList(plan.ctx, plan.list.r, source.length(at, outline), plan.list.page);
      byPointer.set(at, plan);
    } else byPointer.set(base, plan);
  }
  const kinds = new Map<Plan, string | undefined>(plans.map((p) => [p, p.whole ? undefined : p.kind]));
  const targets = new Map([...byPointer].map(([at, p]) => [at, p.whole ? ('whole' as const) : ('list' as const)]));
  const done = () => {
    // Duplicates no item claimed (in parts of a document cordon does not read): the data read is unambiguous.
    for (const d of doc.duplicates)
      if (!consumed.has(d))
        state.result.warnings.push({
          file,
          message: `duplicate key ${JSON.stringify(d.key)} in ${d.object || 'the document'} (first at line ${d.firstLine}); the last value is used`,
          ...(d.position.line !== undefined ? { line: d.position.line } : {}),
        });
    state.result.files.push({ file, recognisedAs: plans.flatMap((p) => kinds.get(p) ?? []) });
  };
  const reading = source.read(targets, (pointer, value) => {
    const whole = byPointer.get(pointer);
    if (whole?.whole) return void kinds.set(whole, whole.whole(value as Record<string, unknown>));
    const list = byPointer.get(pointer.slice(0, pointer.lastIndexOf('/')))!;
    list.list!.r.read(list.ctx, value, pointer);
  });
  if (!reading) return done();
  return reading.then(done, (err: unknown) => {
    // The outline pass validated the file; a failure now means it changed while being read.
    state.result.errors.push(err instanceof InputError ? err : new InputError(file, String(err)));
    done();
  });
}

/** One "not a recognised output" error per file up to a limit, then a count (10,000 stray files, 1 line). */
function unrecognised(state: State, error: InputError): void {
  const u = state.unrecognised;
  if (u.listed < u.limit) {
    u.listed++;
    state.result.errors.push(error);
  } else u.more++;
}

/** Dispatches one document by its content. Returns what it was, or undefined after recording an error. */
function recognise(
  state: State,
  doc: LocatedJson,
  dir: string,
  value: unknown,
  base: string,
  consumed: Set<DuplicateKey>,
): Plan | undefined {
  const file = doc.file;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    unrecognised(
      state,
      new InputError(file, 'not a recognised AWS CLI output: expected a JSON object', doc.locate(base)),
    );
    return undefined;
  }
  const v = value as Record<string, unknown>;
  const ctx: ItemContext = { state, doc, dir, base, consumed };
  if ('cordonSnapshot' in v) return { kind: 'cordon manifest', ctx, whole: (full) => readManifest(ctx, full) };
  const page = pageMarker(v);
  if (page) {
    state.result.warnings.push({
      file,
      message: `output has ${page === 'IsTruncated' ? 'IsTruncated true' : `a ${page}`}: it is one page of a longer list, and the rest is missing`,
      ...lineOf(doc, `${base}/${page}`),
    });
  }
  // Single outputs with distinctive fields go first: describe-notebook-instance, for one, has a SecurityGroups
  // list (of ids) that would otherwise pass for describe-security-groups.
  const sm = SAGEMAKER_DETAIL.find((d) => d.test(v));
  if (sm) {
    return whole(ctx, sm.command, (v) => {
      const item = parseItem(ctx, sm.shape, v, base, SAGEMAKER_DATASET[sm.kind]);
      if (item) addSageMaker(ctx, sm.kind, sm.normalise(item as never), base, true);
    });
  }
  const detail = tableDetail(ctx, v);
  if (detail) return detail;
  for (const r of LIST_RECOGNISERS) if (Array.isArray(v[r.key])) return { kind: r.key, ctx, list: { r, page } };
  if (typeof v.VpcId === 'string' && ('EnableDnsSupport' in v || 'EnableDnsHostnames' in v)) {
    return whole(ctx, 'describe-vpc-attribute', (v) => {
      const item = parseItem(ctx, S.vpcAttributeShape, v, base, 'ec2:vpc-attributes');
      if (item) {
        addDraft(
          ctx,
          'vpcAttributes',
          'ec2:vpc-attributes',
          base,
          {
            vpcId: item.VpcId,
            enableDnsSupport: item.EnableDnsSupport?.Value,
            enableDnsHostnames: item.EnableDnsHostnames?.Value,
          },
          { vpcId: item.VpcId },
        );
      }
    });
  }
  if (typeof v.jobArn === 'string') {
    return whole(ctx, 'get-model-customization-job', (v) => {
      const item = parseItem(ctx, S.customizationJobShape, v, base, 'bedrock:customization-job-details');
      if (item) addJob(ctx, item, base, true);
    });
  }
  if (v.Policy !== null && typeof v.Policy === 'object' && 'PolicySummary' in v.Policy) {
    return whole(ctx, 'describe-policy', (v) => {
      const item = parseItem(ctx, S.describePolicyShape, v, base, 'organizations:scps');
      if (item) {
        const summary = item.Policy.PolicySummary;
        if (summary.Type !== undefined && summary.Type !== 'SERVICE_CONTROL_POLICY') {
          state.result.warnings.push({
            file,
            message: `policy ${summary.Id} is a ${summary.Type}, not a service control policy: ignored`,
            ...lineOf(doc, base),
          });
        } else {
          let content: unknown;
          let contentError: string | undefined;
          try {
            content = JSON.parse(item.Policy.Content ?? 'null');
          } catch (err) {
            contentError = `policy content is not valid JSON: ${(err as Error).message}`;
          }
          addScp(ctx, summary, base + '/Policy', content, contentError);
        }
      }
    });
  }
  if (typeof v.LoadBalancerArn === 'string' && Array.isArray(v.Attributes)) {
    return whole(ctx, 'describe-load-balancer-attributes', (v) => {
      const item = parseItem(ctx, S.loadBalancerAttributesShape, v, base, 'elbv2:load-balancer-attributes');
      if (item) {
        const idle = item.Attributes.find((a) => a.Key === 'idle_timeout.timeout_seconds');
        state.lbAttributes.set(item.LoadBalancerArn, { idle: idle ? Number(idle.Value) : undefined, dir });
        const arn = parseArn(item.LoadBalancerArn);
        addDraftMarker(ctx, 'elbv2:load-balancer-attributes', { account: arn?.account, region: arn?.region });
      }
    });
  }
  if (v.Organization !== null && typeof v.Organization === 'object') {
    return whole(ctx, 'describe-organization', (v) => {
      const item = parseItem(ctx, S.organizationShape, v, base, 'organizations:organization');
      if (item) {
        state.result.inventory.organization = {
          id: item.Organization.Id,
          ...(item.Organization.MasterAccountId ? { managementAccountId: item.Organization.MasterAccountId } : {}),
          origin: originOf(doc, base + '/Organization'),
        };
        markDataset(state, '*', 'organizations:organization');
      }
    });
  }
  const idless = ID_LESS_OUTPUTS.find((o) => Array.isArray(v[o.key]));
  if (idless) {
    unrecognised(
      state,
      new InputError(
        file,
        `${idless.command} output as the CLI prints it names no ${idless.id}${idless.alt ? ` (or ${idless.alt})` : ''}, so cordon cannot tell what it belongs to: add it with --query "{${idless.id}: '<id>', ${idless.key}: ${idless.key}${idless.more ?? ''}}"${idless.alt ? ` (${idless.alt}: '<arn>' for a load balancer's)` : ''} (docs/snapshots.md)`,
        doc.locate(base),
      ),
    );
    return undefined;
  }
  const keys = Object.keys(v).slice(0, 6).join(', ');
  unrecognised(
    state,
    new InputError(
      file,
      `not a recognised AWS CLI output (top-level keys: ${keys || 'none'}); see docs/snapshots.md for the commands cordon reads`,
      doc.locate(base),
    ),
  );
  return undefined;
}

/**
 * Outputs that carry no id of what they describe (the id is the command's argument): read only with the id added by
 * --query, as docs/snapshots.md writes them. Raw, they get an error that says so rather than "not recognised".
 */
const ID_LESS_OUTPUTS: { key: string; command: string; id: string; alt?: string; more?: string }[] = [
  { key: 'TargetHealthDescriptions', command: 'elbv2 describe-target-health', id: 'TargetGroupArn' },
  {
    key: 'Attributes',
    command: 'elbv2 describe-target-group-attributes or describe-load-balancer-attributes',
    // One key in the --query: the text of two (`TargetGroupArn (or LoadBalancerArn): …`) is no JMESPath.
    id: 'TargetGroupArn',
    alt: 'LoadBalancerArn',
  },
  { key: 'Entries', command: 'ec2 get-managed-prefix-list-entries', id: 'PrefixListId' },
  {
    key: 'Associations',
    command: 'ec2 get-transit-gateway-route-table-associations',
    id: 'TransitGatewayRouteTableId',
  },
  {
    key: 'Routes',
    command: 'ec2 search-transit-gateway-routes',
    id: 'TransitGatewayRouteTableId',
    more: ', AdditionalRoutesAvailable: AdditionalRoutesAvailable',
  },
  { key: 'HostedZoneSummaries', command: 'route53 list-hosted-zones-by-vpc', id: 'VpcId' },
  { key: 'ResourceRecordSets', command: 'route53 list-resource-record-sets', id: 'HostedZoneId' },
];

/**
 * The per-item outputs that carry no id of their own (prefix-list entries, transit gateway route table associations
 * and routes): the documented commands add the id with --query, and they are merged into their item at the end.
 */
function tableDetail(ctx: ItemContext, v: Record<string, unknown>): Plan | undefined {
  const { state, base } = ctx;
  if (typeof v.TargetGroupArn === 'string' && Array.isArray(v.Attributes))
    return whole(ctx, 'describe-target-group-attributes', (v) => {
      const item = parseItem(ctx, S.lbTargetGroupAttributesShape, v, base, 'elbv2:target-group-attributes');
      if (!item) return;
      const preserve = item.Attributes.find((a) => a.Key === 'preserve_client_ip.enabled')?.Value;
      state.tgAttributes.set(item.TargetGroupArn, {
        preserveClientIp: preserve === 'true' ? true : preserve === 'false' ? false : undefined,
      });
      const arn = parseArn(item.TargetGroupArn);
      addDraftMarker(ctx, 'elbv2:target-group-attributes', { account: arn?.account, region: arn?.region });
    });
  if (typeof v.TargetGroupArn === 'string' && Array.isArray(v.TargetHealthDescriptions))
    return whole(ctx, 'describe-target-health', (v) => {
      const item = parseItem(ctx, S.lbTargetHealthShape, v, base, 'elbv2:target-health');
      if (!item) return;
      state.tgTargets.set(
        item.TargetGroupArn,
        item.TargetHealthDescriptions.map((d) => ({
          id: d.Target.Id,
          ...(d.Target.Port !== undefined ? { port: d.Target.Port } : {}),
          ...(d.Target.AvailabilityZone ? { availabilityZone: d.Target.AvailabilityZone } : {}),
          ...(d.TargetHealth?.State ? { state: d.TargetHealth.State } : {}),
        })),
      );
      const arn = parseArn(item.TargetGroupArn);
      addDraftMarker(ctx, 'elbv2:target-health', { account: arn?.account, region: arn?.region });
    });
  if (typeof v.PrefixListId === 'string' && Array.isArray(v.Entries))
    return whole(ctx, 'get-managed-prefix-list-entries', (v) => {
      const item = parseItem(ctx, S.prefixListEntriesShape, v, base, 'ec2:managed-prefix-lists');
      if (item) state.prefixListEntries.set(item.PrefixListId, item.Entries.map((e) => e.Cidr).sort());
    });
  if (typeof v.VpcId === 'string' && Array.isArray(v.HostedZoneSummaries))
    return whole(ctx, 'list-hosted-zones-by-vpc', (v) => {
      const item = parseItem(ctx, S.hostedZonesByVpcShape, v, base, 'route53:hosted-zones-by-vpc');
      taintPage(ctx, 'route53:hosted-zones-by-vpc', v);
      if (item)
        addDraft(
          ctx,
          'hostedZoneAssociations',
          'route53:hosted-zones-by-vpc',
          base,
          {
            vpcId: item.VpcId,
            zones: item.HostedZoneSummaries.map((z) => ({
              id: z.HostedZoneId.replace(/^\/hostedzone\//, ''),
              name: dnsName(z.Name),
              ...(z.Owner?.OwningAccount || z.Owner?.OwningService
                ? { owner: z.Owner.OwningAccount ?? z.Owner.OwningService }
                : {}),
            })),
          },
          { vpcId: item.VpcId },
        );
    });
  if (typeof v.HostedZoneId === 'string' && Array.isArray(v.ResourceRecordSets))
    return whole(ctx, 'list-resource-record-sets', (v) => {
      const item = parseItem(ctx, S.recordSetsShape, v, base, 'route53:record-sets');
      taintPage(ctx, 'route53:record-sets', v);
      if (item)
        addDraft(
          ctx,
          'hostedZoneRecords',
          'route53:record-sets',
          base,
          {
            zoneId: item.HostedZoneId.replace(/^\/hostedzone\//, ''),
            records: item.ResourceRecordSets.map((r, i) => ({
              name: dnsName(r.Name),
              type: r.Type,
              values: r.ResourceRecords.map((x) => x.Value),
              ...(r.AliasTarget ? { aliasTarget: dnsName(r.AliasTarget.DNSName) } : {}),
              pointer: `${base}/ResourceRecordSets/${i}`,
            })),
          },
          {},
        );
    });
  if (typeof v.TransitGatewayRouteTableId !== 'string') return undefined;
  if (Array.isArray(v.Associations))
    return whole(ctx, 'get-transit-gateway-route-table-associations', (v) => {
      const item = parseItem(ctx, S.transitGatewayAssociationsShape, v, base, 'ec2:transit-gateway-route-tables');
      if (item)
        state.tgwAssociations.set(
          item.TransitGatewayRouteTableId,
          item.Associations.map((a) => ({
            attachmentId: a.TransitGatewayAttachmentId,
            ...(a.ResourceId ? { resourceId: a.ResourceId } : {}),
            ...(a.ResourceType ? { resourceType: a.ResourceType } : {}),
            ...(a.State ? { state: a.State } : {}),
          })),
        );
    });
  if (Array.isArray(v.Routes))
    return whole(ctx, 'search-transit-gateway-routes', (v) => {
      const item = parseItem(ctx, S.transitGatewayRoutesShape, v, base, 'ec2:transit-gateway-route-tables');
      if (!item) return;
      state.tgwRoutes.set(item.TransitGatewayRouteTableId, {
        truncated: item.AdditionalRoutesAvailable === true,
        routes: item.Routes.map((r, i) => ({
          destination: r.DestinationCidrBlock ?? r.PrefixListId ?? 'unknown',
          ...(r.Type ? { type: r.Type } : {}),
          ...(r.State ? { state: r.State } : {}),
          attachments: r.TransitGatewayAttachments.map((a) => ({
            id: a.TransitGatewayAttachmentId,
            ...(a.ResourceId ? { resourceId: a.ResourceId } : {}),
            ...(a.ResourceType ? { resourceType: a.ResourceType } : {}),
          })),
          pointer: `${base}/Routes/${i}`,
          origin: originOf(ctx.doc, `${base}/Routes/${i}`),
        })),
      });
    });
  return undefined;
}

interface ItemContext {
  state: State;
  doc: LocatedJson;
  dir: string;
  base: string;
  /** Duplicate keys already reported as making an item (or list) unreadable. */
  consumed: Set<DuplicateKey>;
}

interface ListRecogniser {
  key: string;
  dataset: AwsDataset;
  read(ctx: ItemContext, raw: unknown, pointer: string): void;
}

/**
 * Validates one item. A bad item is a located error and is skipped, and its data set is marked incomplete for the
 * item's scope (`dataset`; undefined for the manifest, which is no data set): checks needing it are then not
 * assessed there instead of being judged on the items that happened to be readable.
 */
function parseItem<T extends z.ZodType>(
  ctx: ItemContext,
  shape: T,
  raw: unknown,
  pointer: string,
  dataset: AwsDataset | undefined,
): z.output<T> | undefined {
  // Two values for one key are ambiguous (JSON.parse keeps the last, other tools may not): the item is unreadable.
  const dups = ctx.doc.duplicates.filter((d) => d.object === pointer || d.object.startsWith(pointer + '/'));
  if (dups.length > 0) {
    for (const d of dups) ctx.consumed.add(d);
    const d = dups[0]!;
    const what = `duplicate key ${JSON.stringify(d.key)} (first at line ${d.firstLine}): the item is ambiguous`;
    ctx.state.result.errors.push(new InputError(ctx.doc.file, `${what}; item skipped`, d.position));
    if (dataset) taint(ctx, dataset, raw, d.position, what);
    return undefined;
  }
  const r = shape.safeParse(raw);
  if (r.success) return r.data;
  r.error.issues.slice(0, 3).forEach((issue, i) => {
    const p = pointer + toPointer(issue.path.map((s) => (typeof s === 'symbol' ? String(s) : s)));
    const what = describeIssue(issue, raw);
    const at = ctx.doc.locate(p);
    ctx.state.result.errors.push(new InputError(ctx.doc.file, `${what}; item skipped`, at));
    if (i === 0 && dataset) taint(ctx, dataset, raw, at, what);
  });
  return undefined;
}

/** Says what is wrong with a value in words a person fixing the file can act on. */
function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const found = valueAt(raw, issue.path);
  const field = String(issue.path[issue.path.length - 1] ?? '');
  if (!found.present) return `missing required field ${field}`;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${withArticle(issue.expected)}, got ${describeValue(found.value)}`;
    case 'invalid_value':
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describeValue(found.value)}`;
    default:
      return `${issue.message}, got ${describeValue(found.value)}`;
  }
}

function valueAt(raw: unknown, at: readonly PropertyKey[]): { present: boolean; value?: unknown } {
  let cur = raw;
  for (const seg of at) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, seg))
      return { present: false };
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return { present: true, value: cur };
}

function withArticle(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const text = JSON.stringify(v);
  return `${withArticle(typeof v)} (${text.length > 40 ? `${text.slice(0, 37)}...` : text})`;
}

/** Marks `dataset` incomplete wherever this item's data would have gone; the scope is resolved with the rest. */
function taint(ctx: ItemContext, dataset: AwsDataset, raw: unknown, at: SourcePosition, reason: string): void {
  ctx.state.taints.push({
    dataset,
    dir: ctx.dir,
    hint: looseHint(raw),
    skipped: {
      file: ctx.doc.file,
      ...(at.line !== undefined ? { line: at.line } : {}),
      ...(at.column !== undefined ? { column: at.column } : {}),
      pointer: at.pointer ?? '',
      reason,
    },
  });
}

/**
 * What an unreadable item still says about its scope, read leniently: the fields the readers take hints from
 * (owner ids, ARNs, availability zones, service names, VPC and subnet ids), whichever have a usable value.
 */
function looseHint(raw: unknown): Hint {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const v = raw as Record<string, unknown>;
  const str = (x: unknown) => (typeof x === 'string' ? x : undefined);
  const arn = Object.entries(v)
    .filter(([k]) => /arn$/i.test(k))
    .map(([, x]) => parseArn(str(x)))
    .find((a) => a !== undefined);
  const owner = str(v.OwnerId);
  const account =
    owner && /^\d{12}$/.test(owner) ? owner : arn && /^\d{12}$/.test(arn.account) ? arn.account : undefined;
  const service = str(v.ServiceName);
  const region =
    regionOfAvailabilityZone(str(v.AvailabilityZone)) ||
    (arn?.region ? arn.region : undefined) ||
    (service ? parseServiceName(service).region : undefined);
  return {
    ...(account ? { account } : {}),
    ...(region ? { region } : {}),
    ...(str(v.VpcId) ? { vpcId: str(v.VpcId) } : {}),
    ...(str(v.SubnetId) ? { subnetId: str(v.SubnetId) } : {}),
  };
}

function addDraft(
  ctx: ItemContext,
  list: ListKey,
  dataset: AwsDataset,
  pointer: string,
  value: Record<string, unknown>,
  hint: Hint,
): void {
  ctx.state.drafts.push({
    list,
    dataset,
    value: { ...value, account: '', region: '', origin: originOf(ctx.doc, pointer) },
    hint,
    dir: ctx.dir,
  });
}

/** A single-output document, read whole once its full value is at hand. */
function whole(ctx: ItemContext, kind: string, read: (v: Record<string, unknown>) => void): Plan {
  return {
    kind,
    ctx,
    whole: (v) => {
      read(v);
      return kind;
    },
  };
}

/** What a list says before its items are read: duplicate list keys, a page marker (NextToken…), "there are none". */
function startList(ctx: ItemContext, r: ListRecogniser, length: number, page: string | undefined): void {
  const { doc, base } = ctx;
  // Two lists under one key: JSON keeps the last, and the first one's items would vanish unseen.
  const dup = doc.duplicates.find((d) => d.object === base && d.key === r.key);
  if (dup) {
    ctx.consumed.add(dup);
    const what = `duplicate key ${JSON.stringify(r.key)} (first at line ${dup.firstLine}): only the last list is read`;
    ctx.state.result.errors.push(new InputError(doc.file, what, dup.position));
    taint(ctx, r.dataset, undefined, dup.position, what);
  }
  // One page of a longer list: the items on the other pages are missing as surely as skipped ones.
  if (page) taint(ctx, r.dataset, undefined, doc.locate(`${base}/${page}`), pageReason(page));
  if (length === 0) ctx.state.emptyDatasets.push({ dir: ctx.dir, dataset: r.dataset, file: doc.file });
}

function ownerHint(owner: string | undefined): Hint {
  return owner && /^\d{12}$/.test(owner) ? { account: owner } : {};
}

/** The account and region an ARN names (and the VPC the item is in, when given). */
function arnHint(arnText: string, vpcId?: string): Hint {
  const arn = parseArn(arnText);
  return {
    ...(arn?.account ? { account: arn.account } : {}),
    ...(arn?.region ? { region: arn.region } : {}),
    ...(vpcId ? { vpcId } : {}),
  };
}

function permissions(list: z.output<typeof S.securityGroupShape>['IpPermissions'], pointer: string): AwsIpPermission[] {
  return list.map((p, i) => ({
    protocol: p.IpProtocol.toLowerCase(),
    ...(p.FromPort !== undefined ? { fromPort: p.FromPort } : {}),
    ...(p.ToPort !== undefined ? { toPort: p.ToPort } : {}),
    ipv4Ranges: p.IpRanges.map((x) => ({ cidr: x.CidrIp, ...(x.Description ? { description: x.Description } : {}) })),
    ipv6Ranges: p.Ipv6Ranges.map((x) => ({
      cidr: x.CidrIpv6,
      ...(x.Description ? { description: x.Description } : {}),
    })),
    // A pair naming its group only by name is kept (the compiler resolves or leaves it unknown), never dropped.
    groupRefs: p.UserIdGroupPairs.filter((g) => g.GroupId || g.GroupName).map((g) => ({
      groupId: g.GroupId ?? '',
      ...(g.UserId ? { userId: g.UserId } : {}),
      ...(!g.GroupId && g.GroupName ? { groupName: g.GroupName } : {}),
    })),
    prefixListIds: p.PrefixListIds.map((x) => x.PrefixListId),
    pointer: `${pointer}/${i}`,
  }));
}

function routeTarget(r: z.output<typeof S.routeShape>): { type: RouteTargetType; id: string } {
  if (r.NatGatewayId) return { type: 'nat-gateway', id: r.NatGatewayId };
  if (r.EgressOnlyInternetGatewayId) return { type: 'egress-only-internet-gateway', id: r.EgressOnlyInternetGatewayId };
  if (r.TransitGatewayId) return { type: 'transit-gateway', id: r.TransitGatewayId };
  if (r.VpcPeeringConnectionId) return { type: 'vpc-peering', id: r.VpcPeeringConnectionId };
  if (r.InstanceId) return { type: 'instance', id: r.InstanceId };
  if (r.NetworkInterfaceId) return { type: 'network-interface', id: r.NetworkInterfaceId };
  const g = r.GatewayId;
  if (g === 'local') return { type: 'local', id: 'local' };
  if (g?.startsWith('igw-')) return { type: 'internet-gateway', id: g };
  if (g?.startsWith('vgw-')) return { type: 'virtual-private-gateway', id: g };
  if (g?.startsWith('vpce-')) return { type: 'vpc-endpoint', id: g };
  return { type: 'other', id: g ?? r.LocalGatewayId ?? r.CarrierGatewayId ?? r.CoreNetworkArn ?? 'unknown' };
}

const SAGEMAKER_DATASET: Record<SageMakerKind, AwsDataset> = {
  'notebook-instance': 'sagemaker:notebook-instances',
  domain: 'sagemaker:domains',
  model: 'sagemaker:models',
  'training-job': 'sagemaker:training-jobs',
  'processing-job': 'sagemaker:processing-jobs',
};

const LIST_RECOGNISERS: ListRecogniser[] = [
  {
    key: 'Vpcs',
    dataset: 'ec2:vpcs',
    read(ctx, raw, p) {
      const v = parseItem(ctx, S.vpcShape, raw, p, 'ec2:vpcs');
      if (!v) return;
      const assoc = (v.CidrBlockAssociationSet ?? [])
        .filter((a) => !a.CidrBlockState?.State || a.CidrBlockState.State === 'associated')
        .map((a) => a.CidrBlock);
      const cidrs = [...new Set([...(v.CidrBlock ? [v.CidrBlock] : []), ...assoc])];
      addDraft(
        ctx,
        'vpcs',
        'ec2:vpcs',
        p,
        {
          id: v.VpcId,
          cidrs,
          ipv6Cidrs: (v.Ipv6CidrBlockAssociationSet ?? []).flatMap((a) => (a.Ipv6CidrBlock ? [a.Ipv6CidrBlock] : [])),
          isDefault: v.IsDefault ?? false,
          tags: S.tagMap(v.Tags),
        },
        { ...ownerHint(v.OwnerId), vpcId: v.VpcId },
      );
    },
  },
  {
    key: 'Subnets',
    dataset: 'ec2:subnets',
    read(ctx, raw, p) {
      const s = parseItem(ctx, S.subnetShape, raw, p, 'ec2:subnets');
      if (!s) return;
      const arn = parseArn(s.SubnetArn);
      addDraft(
        ctx,
        'subnets',
        'ec2:subnets',
        p,
        {
          id: s.SubnetId,
          vpcId: s.VpcId,
          ...(s.CidrBlock ? { cidr: s.CidrBlock } : {}),
          ipv6Cidrs: (s.Ipv6CidrBlockAssociationSet ?? []).flatMap((a) => (a.Ipv6CidrBlock ? [a.Ipv6CidrBlock] : [])),
          ...(s.AvailabilityZone ? { availabilityZone: s.AvailabilityZone } : {}),
          ...(s.AvailabilityZoneId ? { availabilityZoneId: s.AvailabilityZoneId } : {}),
          tags: S.tagMap(s.Tags),
        },
        {
          ...ownerHint(s.OwnerId ?? arn?.account),
          region: regionOfAvailabilityZone(s.AvailabilityZone) ?? arn?.region,
          vpcId: s.VpcId,
        },
      );
    },
  },
  {
    key: 'RouteTables',
    dataset: 'ec2:route-tables',
    read(ctx, raw, p) {
      const t = parseItem(ctx, S.routeTableShape, raw, p, 'ec2:route-tables');
      if (!t) return;
      addDraft(
        ctx,
        'routeTables',
        'ec2:route-tables',
        p,
        {
          id: t.RouteTableId,
          vpcId: t.VpcId,
          routes: t.Routes.map((r, i) => ({
            destination: r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId ?? 'unknown',
            target: routeTarget(r),
            ...(r.State ? { state: r.State } : {}),
            pointer: `${p}/Routes/${i}`,
          })),
          subnetIds: t.Associations.flatMap((a) => (a.SubnetId ? [a.SubnetId] : [])),
          main: t.Associations.some((a) => a.Main === true),
          tags: S.tagMap(t.Tags),
        },
        { ...ownerHint(t.OwnerId), vpcId: t.VpcId },
      );
    },
  },
  {
    key: 'InternetGateways',
    dataset: 'ec2:internet-gateways',
    read(ctx, raw, p) {
      const g = parseItem(ctx, S.internetGatewayShape, raw, p, 'ec2:internet-gateways');
      if (!g) return;
      const vpcIds = g.Attachments.filter((a) => !a.State || ['attached', 'available'].includes(a.State)).map(
        (a) => a.VpcId,
      );
      addDraft(
        ctx,
        'internetGateways',
        'ec2:internet-gateways',
        p,
        { id: g.InternetGatewayId, vpcIds },
        { ...ownerHint(g.OwnerId), ...(vpcIds[0] ? { vpcId: vpcIds[0] } : {}) },
      );
    },
  },
  {
    key: 'NatGateways',
    dataset: 'ec2:nat-gateways',
    read(ctx, raw, p) {
      const n = parseItem(ctx, S.natGatewayShape, raw, p, 'ec2:nat-gateways');
      if (!n) return;
      addDraft(
        ctx,
        'natGateways',
        'ec2:nat-gateways',
        p,
        {
          id: n.NatGatewayId,
          ...(n.VpcId ? { vpcId: n.VpcId } : {}),
          ...(n.SubnetId ? { subnetId: n.SubnetId } : {}),
          ...(n.State ? { state: n.State } : {}),
          connectivityType: n.ConnectivityType === 'private' ? 'private' : 'public',
        },
        { ...(n.VpcId ? { vpcId: n.VpcId } : {}), ...(n.SubnetId ? { subnetId: n.SubnetId } : {}) },
      );
    },
  },
  {
    key: 'FlowLogs',
    dataset: 'ec2:flow-logs',
    read(ctx, raw, p) {
      const f = parseItem(ctx, S.flowLogShape, raw, p, 'ec2:flow-logs');
      if (!f) return;
      const destination = f.LogDestination ?? f.LogGroupName;
      addDraft(
        ctx,
        'flowLogs',
        'ec2:flow-logs',
        p,
        {
          id: f.FlowLogId,
          resourceId: f.ResourceId,
          ...(f.FlowLogStatus ? { status: f.FlowLogStatus } : {}),
          ...(f.TrafficType ? { trafficType: f.TrafficType } : {}),
          ...(f.DeliverLogsStatus ? { deliverStatus: f.DeliverLogsStatus } : {}),
          ...(f.LogDestinationType ? { destinationType: f.LogDestinationType } : {}),
          ...(destination ? { destination } : {}),
          ...(f.LogFormat ? { logFormat: f.LogFormat } : {}),
        },
        {
          ...(f.ResourceId.startsWith('vpc-') ? { vpcId: f.ResourceId } : {}),
          ...(f.ResourceId.startsWith('subnet-') ? { subnetId: f.ResourceId } : {}),
        },
      );
    },
  },
  {
    key: 'ResolverQueryLogConfigAssociations',
    dataset: 'route53resolver:query-log-associations',
    read(ctx, raw, p) {
      const a = parseItem(ctx, S.resolverQueryLogAssociationShape, raw, p, 'route53resolver:query-log-associations');
      if (!a) return;
      const error =
        a.Error && a.Error !== 'NONE' ? `${a.Error}${a.ErrorMessage ? `: ${a.ErrorMessage}` : ''}` : undefined;
      addDraft(
        ctx,
        'resolverQueryLogAssociations',
        'route53resolver:query-log-associations',
        p,
        {
          id: a.Id,
          configId: a.ResolverQueryLogConfigId,
          vpcId: a.ResourceId,
          ...(a.Status ? { status: a.Status } : {}),
          ...(error ? { error } : {}),
        },
        { vpcId: a.ResourceId },
      );
    },
  },
  {
    key: 'ResolverRules',
    dataset: 'route53resolver:resolver-rules',
    read(ctx, raw, p) {
      const r = parseItem(ctx, S.resolverRuleShape, raw, p, 'route53resolver:resolver-rules');
      if (!r) return;
      const arn = parseArn(r.Arn);
      addDraft(
        ctx,
        'resolverRules',
        'route53resolver:resolver-rules',
        p,
        {
          id: r.Id,
          domainName: r.DomainName === '.' ? '.' : dnsName(r.DomainName),
          ruleType: r.RuleType,
          ...(r.Status ? { status: r.Status } : {}),
          ...(r.Name ? { name: r.Name } : {}),
          targetIps: (r.TargetIps ?? []).flatMap((t) => {
            const ip = t.Ip ?? t.Ipv6;
            return ip ? [resolverTarget(ip, t.Port)] : [];
          }),
          ...(r.ResolverEndpointId ? { resolverEndpointId: r.ResolverEndpointId } : {}),
          ...(r.OwnerId ? { ownerId: r.OwnerId } : {}),
          ...(r.ShareStatus ? { shareStatus: r.ShareStatus } : {}),
        },
        // A rule shared with the account carries its owner's account in its ARN, not the reader's.
        {
          ...(arn?.region ? { region: arn.region } : {}),
          ...(arn?.account && r.ShareStatus !== 'SHARED_WITH_ME' ? { account: arn.account } : {}),
        },
      );
    },
  },
  {
    key: 'ResolverRuleAssociations',
    dataset: 'route53resolver:resolver-rule-associations',
    read(ctx, raw, p) {
      const a = parseItem(ctx, S.resolverRuleAssociationShape, raw, p, 'route53resolver:resolver-rule-associations');
      if (!a) return;
      addDraft(
        ctx,
        'resolverRuleAssociations',
        'route53resolver:resolver-rule-associations',
        p,
        { id: a.Id, ruleId: a.ResolverRuleId, vpcId: a.VPCId, ...(a.Status ? { status: a.Status } : {}) },
        { vpcId: a.VPCId },
      );
    },
  },
  {
    key: 'ProfileAssociations',
    dataset: 'route53profiles:profile-associations',
    read(ctx, raw, p) {
      const a = parseItem(ctx, S.profileAssociationShape, raw, p, 'route53profiles:profile-associations');
      if (!a) return;
      const vpcId = a.ResourceId.replace(/^arn:[^:]*:ec2:[^:]*:[^:]*:vpc\//, '');
      addDraft(
        ctx,
        'profileAssociations',
        'route53profiles:profile-associations',
        p,
        {
          id: a.Id,
          profileId: a.ProfileId,
          vpcId,
          ...(a.Status ? { status: a.Status } : {}),
          ...(a.Name ? { name: a.Name } : {}),
        },
        { vpcId },
      );
    },
  },
  {
    key: 'ProfileResourceAssociations',
    dataset: 'route53profiles:profile-resource-associations',
    read(ctx, raw, p) {
      const a = parseItem(
        ctx,
        S.profileResourceAssociationShape,
        raw,
        p,
        'route53profiles:profile-resource-associations',
      );
      if (!a) return;
      addDraft(
        ctx,
        'profileResourceAssociations',
        'route53profiles:profile-resource-associations',
        p,
        {
          id: a.Id,
          profileId: a.ProfileId,
          resourceArn: a.ResourceArn,
          resourceType: a.ResourceType,
          ...(a.Status ? { status: a.Status } : {}),
          ...(a.Name ? { name: a.Name } : {}),
        },
        {},
      );
    },
  },
  {
    key: 'SecurityGroups',
    dataset: 'ec2:security-groups',
    read(ctx, raw, p) {
      const g = parseItem(ctx, S.securityGroupShape, raw, p, 'ec2:security-groups');
      if (!g) return;
      addDraft(
        ctx,
        'securityGroups',
        'ec2:security-groups',
        p,
        {
          id: g.GroupId,
          name: g.GroupName,
          ...(g.VpcId ? { vpcId: g.VpcId } : {}),
          ingress: permissions(g.IpPermissions, `${p}/IpPermissions`),
          egress: permissions(g.IpPermissionsEgress, `${p}/IpPermissionsEgress`),
          tags: S.tagMap(g.Tags),
        },
        { ...ownerHint(g.OwnerId), ...(g.VpcId ? { vpcId: g.VpcId } : {}) },
      );
    },
  },
  {
    key: 'NetworkAcls',
    dataset: 'ec2:network-acls',
    read(ctx, raw, p) {
      const a = parseItem(ctx, S.networkAclShape, raw, p, 'ec2:network-acls');
      if (!a) return;
      addDraft(
        ctx,
        'networkAcls',
        'ec2:network-acls',
        p,
        {
          id: a.NetworkAclId,
          vpcId: a.VpcId,
          isDefault: a.IsDefault,
          entries: a.Entries.map((e) => ({
            ruleNumber: e.RuleNumber,
            egress: e.Egress,
            protocol: e.Protocol,
            action: e.RuleAction,
            ...(e.CidrBlock ? { cidr: e.CidrBlock } : {}),
            ...(e.Ipv6CidrBlock ? { ipv6Cidr: e.Ipv6CidrBlock } : {}),
            ...(e.PortRange ? { portRange: { from: e.PortRange.From, to: e.PortRange.To } } : {}),
          })),
          subnetIds: a.Associations.map((x) => x.SubnetId),
        },
        { ...ownerHint(a.OwnerId), vpcId: a.VpcId },
      );
    },
  },
  {
    key: 'VpcEndpoints',
    dataset: 'ec2:vpc-endpoints',
    read(ctx, raw, p) {
      const e = parseItem(ctx, S.vpcEndpointShape, raw, p, 'ec2:vpc-endpoints');
      if (!e) return;
      const svc = parseServiceName(e.ServiceName);
      let policy: unknown;
      let policyError: string | undefined;
      if (e.PolicyDocument !== undefined && e.PolicyDocument.trim() !== '') {
        try {
          policy = JSON.parse(e.PolicyDocument);
        } catch (err) {
          policyError = `PolicyDocument is not valid JSON: ${(err as Error).message}`;
        }
      }
      addDraft(
        ctx,
        'vpcEndpoints',
        'ec2:vpc-endpoints',
        p,
        {
          id: e.VpcEndpointId,
          vpcId: e.VpcId,
          serviceName: e.ServiceName,
          service: svc.service,
          type: e.VpcEndpointType,
          ...(e.State ? { state: e.State } : {}),
          privateDnsEnabled: e.PrivateDnsEnabled,
          ...(policy !== undefined ? { policy } : {}),
          ...(policyError ? { policyError } : {}),
          subnetIds: e.SubnetIds,
          groupIds: e.Groups.map((g) => g.GroupId),
          routeTableIds: e.RouteTableIds,
          networkInterfaceIds: e.NetworkInterfaceIds,
          tags: S.tagMap(e.Tags),
        },
        { ...ownerHint(e.OwnerId), ...(svc.region ? { region: svc.region } : {}), vpcId: e.VpcId },
      );
    },
  },
  {
    key: 'NetworkInterfaces',
    dataset: 'ec2:network-interfaces',
    read(ctx, raw, p) {
      const n = parseItem(ctx, S.networkInterfaceShape, raw, p, 'ec2:network-interfaces');
      if (!n) return;
      const ips = [
        ...new Set([
          ...(n.PrivateIpAddress ? [n.PrivateIpAddress] : []),
          ...n.PrivateIpAddresses.map((x) => x.PrivateIpAddress),
        ]),
      ];
      addDraft(
        ctx,
        'networkInterfaces',
        'ec2:network-interfaces',
        p,
        {
          id: n.NetworkInterfaceId,
          ...(n.SubnetId ? { subnetId: n.SubnetId } : {}),
          ...(n.VpcId ? { vpcId: n.VpcId } : {}),
          ...(n.AvailabilityZone ? { availabilityZone: n.AvailabilityZone } : {}),
          ...(n.InterfaceType ? { interfaceType: n.InterfaceType } : {}),
          ...(n.Description ? { description: n.Description } : {}),
          privateIps: ips,
          // describe-network-interfaces always shows an association when there is one: absent means none.
          publicIps: [
            ...new Set(
              [n.Association?.PublicIp, ...n.PrivateIpAddresses.map((x) => x.Association?.PublicIp)].filter(
                (x): x is string => x !== undefined,
              ),
            ),
          ].sort(),
          ipv6Ips: n.Ipv6Addresses.map((x) => x.Ipv6Address).sort(),
          ...(n.Ipv4Prefixes.length ? { ipv4Prefixes: n.Ipv4Prefixes.map((x) => x.Ipv4Prefix).sort() } : {}),
          ...(n.Ipv6Prefixes.length ? { ipv6Prefixes: n.Ipv6Prefixes.map((x) => x.Ipv6Prefix).sort() } : {}),
          groupIds: n.Groups.map((g) => g.GroupId),
          requesterManaged: n.RequesterManaged,
          ...(n.Attachment?.InstanceId ? { instanceId: n.Attachment.InstanceId } : {}),
          ...(n.Attachment?.DeviceIndex !== undefined ? { deviceIndex: n.Attachment.DeviceIndex } : {}),
          ...(n.Attachment?.NetworkCardIndex !== undefined ? { networkCardIndex: n.Attachment.NetworkCardIndex } : {}),
        },
        {
          ...ownerHint(n.OwnerId),
          region: regionOfAvailabilityZone(n.AvailabilityZone),
          ...(n.VpcId ? { vpcId: n.VpcId } : {}),
        },
      );
    },
  },
  {
    key: 'modelCustomizationJobSummaries',
    dataset: 'bedrock:customization-jobs',
    read(ctx, raw, p) {
      const j = parseItem(ctx, S.customizationJobSummaryShape, raw, p, 'bedrock:customization-jobs');
      if (j) addJob(ctx, j, p, false);
    },
  },
  {
    key: 'agentSummaries',
    dataset: 'bedrock:agents',
    read(ctx, raw, p) {
      const a = parseItem(ctx, S.agentSummaryShape, raw, p, 'bedrock:agents');
      if (!a) return;
      addDraft(
        ctx,
        'bedrockAgents',
        'bedrock:agents',
        p,
        { id: a.agentId, name: a.agentName, ...(a.agentStatus ? { status: a.agentStatus } : {}) },
        {},
      );
    },
  },
  ...(
    [
      [
        'NotebookInstances',
        'notebook-instance',
        S.notebookSummaryShape,
        (x: z.output<typeof S.notebookSummaryShape>) => ({
          arn: x.NotebookInstanceArn,
          name: x.NotebookInstanceName,
          status: x.NotebookInstanceStatus,
        }),
      ],
      [
        'Domains',
        'domain',
        S.domainSummaryShape,
        (x: z.output<typeof S.domainSummaryShape>) => ({
          arn: x.DomainArn,
          name: x.DomainName || x.DomainId,
          status: x.Status,
        }),
      ],
      [
        'Models',
        'model',
        S.modelSummaryShape,
        (x: z.output<typeof S.modelSummaryShape>) => ({ arn: x.ModelArn, name: x.ModelName }),
      ],
      [
        'TrainingJobSummaries',
        'training-job',
        S.trainingJobSummaryShape,
        (x: z.output<typeof S.trainingJobSummaryShape>) => ({
          arn: x.TrainingJobArn,
          name: x.TrainingJobName,
          status: x.TrainingJobStatus,
        }),
      ],
      [
        'ProcessingJobSummaries',
        'processing-job',
        S.processingJobSummaryShape,
        (x: z.output<typeof S.processingJobSummaryShape>) => ({
          arn: x.ProcessingJobArn,
          name: x.ProcessingJobName,
          status: x.ProcessingJobStatus,
        }),
      ],
    ] as const
  ).map(([key, kind, shape, normalise]): ListRecogniser => ({
    key,
    dataset: SAGEMAKER_DATASET[kind],
    read(ctx, raw, p) {
      const item = parseItem(ctx, shape, raw, p, SAGEMAKER_DATASET[kind]);
      if (item) addSageMaker(ctx, kind, { ...normalise(item as never), subnetIds: [], securityGroupIds: [] }, p, false);
    },
  })),
  {
    key: 'LoadBalancers',
    dataset: 'elbv2:load-balancers',
    read(ctx, raw, p) {
      const lb = parseItem(ctx, S.loadBalancerShape, raw, p, 'elbv2:load-balancers');
      if (!lb) return;
      addDraft(
        ctx,
        'loadBalancers',
        'elbv2:load-balancers',
        p,
        {
          arn: lb.LoadBalancerArn,
          name: lb.LoadBalancerName,
          type: lb.Type,
          ...(lb.Scheme ? { scheme: lb.Scheme } : {}),
          ...(lb.VpcId ? { vpcId: lb.VpcId } : {}),
          subnetIds: lb.AvailabilityZones.flatMap((a) => (a.SubnetId ? [a.SubnetId] : [])),
          attributesKnown: false,
          ...(lb.SecurityGroups ? { securityGroupIds: [...lb.SecurityGroups].sort() } : {}),
          ...(lb.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic
            ? { enforceSgOnPrivateLink: lb.EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic }
            : {}),
        },
        arnHint(lb.LoadBalancerArn, lb.VpcId),
      );
    },
  },
  {
    key: 'ServiceConfigurations',
    dataset: 'ec2:vpc-endpoint-service-configurations',
    read(ctx, raw, p) {
      const c = parseItem(ctx, S.endpointServiceConfigShape, raw, p, 'ec2:vpc-endpoint-service-configurations');
      if (!c) return;
      const lbs = [...c.NetworkLoadBalancerArns, ...c.GatewayLoadBalancerArns];
      addDraft(
        ctx,
        'endpointServiceConfigs',
        'ec2:vpc-endpoint-service-configurations',
        p,
        {
          serviceId: c.ServiceId,
          serviceName: c.ServiceName,
          ...(c.ServiceState ? { state: c.ServiceState } : {}),
          networkLoadBalancerArns: [...c.NetworkLoadBalancerArns].sort(),
          gatewayLoadBalancerArns: [...c.GatewayLoadBalancerArns].sort(),
          ...(c.AcceptanceRequired !== undefined ? { acceptanceRequired: c.AcceptanceRequired } : {}),
          supportedIpAddressTypes: [...c.SupportedIpAddressTypes].sort(),
        },
        // The provider's account is its load balancers'; the region is also the service name's.
        {
          ...(lbs[0] ? arnHint(lbs[0]) : {}),
          ...(parseServiceName(c.ServiceName).region ? { region: parseServiceName(c.ServiceName).region! } : {}),
        },
      );
    },
  },
  {
    key: 'Listeners',
    dataset: 'elbv2:listeners',
    read(ctx, raw, p) {
      const l = parseItem(ctx, S.lbListenerShape, raw, p, 'elbv2:listeners');
      if (!l) return;
      const forwardTo = forwardTargets(l.DefaultActions);
      addDraft(
        ctx,
        'lbListeners',
        'elbv2:listeners',
        p,
        {
          arn: l.ListenerArn,
          loadBalancerArn: l.LoadBalancerArn,
          ...(l.Port !== undefined ? { port: l.Port } : {}),
          ...(l.Protocol ? { protocol: l.Protocol } : {}),
          forwardTo,
        },
        arnHint(l.ListenerArn),
      );
    },
  },
  {
    key: 'Rules',
    dataset: 'elbv2:listener-rules',
    read(ctx, raw, p) {
      const r = parseItem(ctx, S.lbRuleShape, raw, p, 'elbv2:listener-rules');
      if (!r) return;
      const listener = listenerOfRule(r.RuleArn);
      if (!listener) {
        ctx.state.result.warnings.push({
          file: ctx.doc.file,
          message: `rule ${r.RuleArn} does not name its listener (listener-rule/…): ignored`,
          ...lineOf(ctx.doc, p),
        });
        return;
      }
      const list = ctx.state.ruleForwards.get(listener) ?? [];
      ctx.state.ruleForwards.set(listener, [...list, ...forwardTargets(r.Actions)]);
      const arn = parseArn(r.RuleArn);
      addDraftMarker(ctx, 'elbv2:listener-rules', { account: arn?.account, region: arn?.region });
    },
  },
  {
    key: 'TargetGroups',
    dataset: 'elbv2:target-groups',
    read(ctx, raw, p) {
      const g = parseItem(ctx, S.lbTargetGroupShape, raw, p, 'elbv2:target-groups');
      if (!g) return;
      addDraft(
        ctx,
        'lbTargetGroups',
        'elbv2:target-groups',
        p,
        {
          arn: g.TargetGroupArn,
          name: g.TargetGroupName,
          ...(g.TargetType ? { targetType: g.TargetType } : {}),
          ...(g.Protocol ? { protocol: g.Protocol } : {}),
          ...(g.Port !== undefined ? { port: g.Port } : {}),
          ...(g.VpcId ? { vpcId: g.VpcId } : {}),
          loadBalancerArns: [...g.LoadBalancerArns].sort(),
          attributesKnown: false,
        },
        arnHint(g.TargetGroupArn, g.VpcId),
      );
    },
  },
  {
    key: 'PrefixLists',
    dataset: 'ec2:managed-prefix-lists',
    read(ctx, raw, p) {
      const l = parseItem(ctx, S.managedPrefixListShape, raw, p, 'ec2:managed-prefix-lists');
      if (!l) return;
      const arn = parseArn(l.PrefixListArn);
      addDraft(
        ctx,
        'managedPrefixLists',
        'ec2:managed-prefix-lists',
        p,
        {
          id: l.PrefixListId,
          ...(l.PrefixListName ? { name: l.PrefixListName } : {}),
          ...(l.AddressFamily ? { addressFamily: l.AddressFamily } : {}),
          ...(l.OwnerId ? { ownerId: l.OwnerId } : {}),
          ...(l.State ? { state: l.State } : {}),
          ...(l.Cidrs ? { cidrs: [...l.Cidrs].sort() } : {}),
        },
        { ...ownerHint(l.OwnerId ?? arn?.account), ...(arn?.region ? { region: arn.region } : {}) },
      );
    },
  },
  {
    key: 'TransitGatewayVpcAttachments',
    dataset: 'ec2:transit-gateway-vpc-attachments',
    read(ctx, raw, p) {
      const a = parseItem(ctx, S.transitGatewayVpcAttachmentShape, raw, p, 'ec2:transit-gateway-vpc-attachments');
      if (!a) return;
      const appliance = a.Options?.ApplianceModeSupport;
      addDraft(
        ctx,
        'transitGatewayAttachments',
        'ec2:transit-gateway-vpc-attachments',
        p,
        {
          id: a.TransitGatewayAttachmentId,
          transitGatewayId: a.TransitGatewayId,
          vpcId: a.VpcId,
          ...(a.VpcOwnerId ? { vpcOwnerId: a.VpcOwnerId } : {}),
          ...(a.State ? { state: a.State } : {}),
          subnetIds: a.SubnetIds,
          ...(appliance ? { applianceModeSupport: appliance === 'enable' } : {}),
        },
        { ...ownerHint(a.VpcOwnerId), vpcId: a.VpcId },
      );
    },
  },
  {
    key: 'TransitGatewayRouteTables',
    dataset: 'ec2:transit-gateway-route-tables',
    read(ctx, raw, p) {
      const t = parseItem(ctx, S.transitGatewayRouteTableShape, raw, p, 'ec2:transit-gateway-route-tables');
      if (!t) return;
      addDraft(
        ctx,
        'transitGatewayRouteTables',
        'ec2:transit-gateway-route-tables',
        p,
        {
          id: t.TransitGatewayRouteTableId,
          transitGatewayId: t.TransitGatewayId,
          ...(t.State ? { state: t.State } : {}),
        },
        {},
      );
    },
  },
  {
    key: 'Policies',
    dataset: 'organizations:scps',
    read(ctx, raw, p) {
      const s = parseItem(ctx, S.policySummaryShape, raw, p, 'organizations:scps');
      if (!s) return;
      if (s.Type !== undefined && s.Type !== 'SERVICE_CONTROL_POLICY') return;
      addScp(ctx, s, p, undefined, undefined);
    },
  },
];

/** SageMaker's VpcConfig ({Subnets, SecurityGroupIds}) in inventory terms. */
function smVpc(v: { Subnets: string[]; SecurityGroupIds: string[] } | undefined): {
  subnetIds: string[];
  securityGroupIds: string[];
} {
  return { subnetIds: v?.Subnets ?? [], securityGroupIds: v?.SecurityGroupIds ?? [] };
}

type SageMakerFields = Omit<AwsSageMakerResource, keyof Scoped | 'kind' | 'detail'>;

/** describe-* outputs of SageMaker, told apart by the fields only the detail call returns. */
const SAGEMAKER_DETAIL: {
  kind: SageMakerKind;
  command: string;
  test: (v: Record<string, unknown>) => boolean;
  shape: z.ZodType;
  normalise: (x: never) => SageMakerFields;
}[] = [
  {
    kind: 'notebook-instance',
    command: 'describe-notebook-instance',
    test: (v) => typeof v.NotebookInstanceArn === 'string' && 'DirectInternetAccess' in v,
    shape: S.notebookShape,
    normalise: (x: z.output<typeof S.notebookShape>) => ({
      arn: x.NotebookInstanceArn,
      name: x.NotebookInstanceName,
      status: x.NotebookInstanceStatus,
      subnetIds: x.SubnetId ? [x.SubnetId] : [],
      securityGroupIds: x.SecurityGroups,
      directInternetAccess: x.DirectInternetAccess === 'Enabled',
    }),
  },
  {
    kind: 'domain',
    command: 'describe-domain',
    test: (v) => typeof v.DomainArn === 'string' && typeof v.DomainId === 'string',
    shape: S.domainShape,
    normalise: (x: z.output<typeof S.domainShape>) => ({
      arn: x.DomainArn,
      name: x.DomainName || x.DomainId,
      status: x.Status,
      vpcId: x.VpcId,
      subnetIds: x.SubnetIds,
      securityGroupIds: [],
      appNetworkAccessType: x.AppNetworkAccessType,
    }),
  },
  {
    kind: 'model',
    command: 'describe-model',
    test: (v) =>
      typeof v.ModelArn === 'string' &&
      typeof v.ModelName === 'string' &&
      ('PrimaryContainer' in v || 'Containers' in v || 'EnableNetworkIsolation' in v || 'ExecutionRoleArn' in v),
    shape: S.modelShape,
    normalise: (x: z.output<typeof S.modelShape>) => ({
      arn: x.ModelArn,
      name: x.ModelName,
      ...smVpc(x.VpcConfig),
      networkIsolation: x.EnableNetworkIsolation,
    }),
  },
  {
    kind: 'training-job',
    command: 'describe-training-job',
    test: (v) =>
      typeof v.TrainingJobArn === 'string' &&
      ('AlgorithmSpecification' in v || 'EnableNetworkIsolation' in v || 'ResourceConfig' in v),
    shape: S.trainingJobShape,
    normalise: (x: z.output<typeof S.trainingJobShape>) => ({
      arn: x.TrainingJobArn,
      name: x.TrainingJobName,
      status: x.TrainingJobStatus,
      ...smVpc(x.VpcConfig),
      networkIsolation: x.EnableNetworkIsolation,
    }),
  },
  {
    kind: 'processing-job',
    command: 'describe-processing-job',
    test: (v) =>
      typeof v.ProcessingJobArn === 'string' &&
      ('ProcessingResources' in v || 'NetworkConfig' in v || 'AppSpecification' in v),
    shape: S.processingJobShape,
    normalise: (x: z.output<typeof S.processingJobShape>) => ({
      arn: x.ProcessingJobArn,
      name: x.ProcessingJobName,
      status: x.ProcessingJobStatus,
      ...smVpc(x.NetworkConfig?.VpcConfig),
      networkIsolation: x.NetworkConfig?.EnableNetworkIsolation ?? false,
    }),
  },
];

function addSageMaker(
  ctx: ItemContext,
  kind: SageMakerKind,
  fields: SageMakerFields,
  p: string,
  detail: boolean,
): void {
  const arn = parseArn(fields.arn);
  const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  addDraft(
    ctx,
    'sagemakerResources',
    SAGEMAKER_DATASET[kind],
    p,
    { kind, detail, ...clean },
    {
      ...(arn?.account ? { account: arn.account } : {}),
      ...(arn?.region ? { region: arn.region } : {}),
      ...(fields.vpcId ? { vpcId: fields.vpcId } : {}),
      ...(fields.subnetIds[0] ? { subnetId: fields.subnetIds[0] } : {}),
    },
  );
}

/** A document that adds no inventory item but proves a data set was captured for a scope. */
function addDraftMarker(ctx: ItemContext, dataset: AwsDataset, hint: { account?: string; region?: string }): void {
  ctx.state.markers.push({
    dataset,
    hint: { ...(hint.account ? { account: hint.account } : {}), ...(hint.region ? { region: hint.region } : {}) },
    dir: ctx.dir,
  });
}

function addJob(ctx: ItemContext, j: z.output<typeof S.customizationJobShape>, p: string, detail: boolean): void {
  const vpc = j.vpcConfig ?? undefined;
  addDraft(
    ctx,
    'customizationJobs',
    detail ? 'bedrock:customization-job-details' : 'bedrock:customization-jobs',
    p,
    {
      arn: j.jobArn,
      name: j.jobName,
      ...(j.status ? { status: j.status } : {}),
      detail,
      ...(vpc ? { vpcConfig: { subnetIds: vpc.subnetIds, securityGroupIds: vpc.securityGroupIds } } : {}),
    },
    arnHint(j.jobArn),
  );
}

function addScp(
  ctx: ItemContext,
  s: z.output<typeof S.policySummaryShape>,
  p: string,
  content: unknown,
  contentError: string | undefined,
): void {
  const arn = parseArn(s.Arn);
  addDraft(
    ctx,
    'serviceControlPolicies',
    'organizations:scps',
    p,
    {
      id: s.Id,
      ...(s.Arn ? { arn: s.Arn } : {}),
      name: s.Name,
      awsManaged: s.AwsManaged,
      ...(content !== undefined && content !== null ? { content } : {}),
      ...(contentError ? { contentError } : {}),
    },
    { ...(arn && /^\d{12}$/.test(arn.account) ? { account: arn.account } : {}), region: 'global' },
  );
}

function readManifest(ctx: ItemContext, v: Record<string, unknown>): string | undefined {
  const m = parseItem(ctx, S.manifestShape, v, ctx.base, undefined);
  if (!m) return undefined;
  const before = ctx.state.manifests.get(ctx.dir);
  if (before) {
    // The first (in name order) stays: which one the user meant cannot be told, so both are named.
    const same = before.account === m.account && before.region === m.region;
    const message = `a second manifest for ${ctx.dir === '.' ? 'the snapshot folder' : `folder ${ctx.dir}`}${same ? '' : ` (${m.account}/${m.region})`}: ${before.file} (${before.account}/${before.region}) is used and this one ignored`;
    if (same) ctx.state.result.warnings.push({ file: ctx.doc.file, message, line: 1 });
    else ctx.state.result.errors.push(new InputError(ctx.doc.file, message, ctx.doc.locate(ctx.base)));
    return 'cordon manifest';
  }
  ctx.state.manifests.set(ctx.dir, {
    file: ctx.doc.file,
    account: m.account,
    region: m.region,
    unavailable: m.unavailable,
  });
  for (const u of m.unavailable) {
    if (!(u.dataset in AWS_DATASETS)) {
      ctx.state.result.errors.push(
        new InputError(
          ctx.doc.file,
          `unknown data set ${JSON.stringify(u.dataset)} (known: ${Object.keys(AWS_DATASETS).join(', ')})`,
          ctx.doc.locate('/unavailable'),
        ),
      );
      continue;
    }
    const dataset = u.dataset as AwsDataset;
    if (m.region === 'global' && AWS_DATASETS[dataset].level !== 'organization') {
      ctx.state.result.errors.push(
        new InputError(
          ctx.doc.file,
          `${u.dataset} is a regional data set; a "global" manifest can only list organisation-level ones`,
          ctx.doc.locate('/unavailable'),
        ),
      );
      continue;
    }
    const key = AWS_DATASETS[dataset].level === 'organization' ? '*' : scopeKey(m);
    const map =
      ctx.state.result.inventory.unavailable.get(key) ?? new Map<AwsDataset, { reason: string; action?: string }>();
    map.set(dataset, { reason: u.reason, ...(u.action ? { action: u.action } : {}) });
    ctx.state.result.inventory.unavailable.set(key, map);
  }
  return 'cordon manifest';
}

/**
 * Gives each incomplete data set the scope(s) its missing items belong to, like items are placed (manifest, own
 * hints, linked resources, the folder's single scope). When that cannot be told, every scope the folder could hold
 * is marked (every scope of the snapshot when the folder has none of its own): a wrong "not assessed" can be
 * fixed with a manifest, a wrong pass cannot be noticed.
 */
function resolveTaints(
  state: State,
  vpcOf: (h: Hint) => string | undefined,
  vpcScope: Map<string, Hint>,
  dirScopes: Map<string, Set<string>>,
): void {
  const inv = state.result.inventory;
  const allScopes = () => [
    ...new Set([
      ...[...inv.datasets.keys()].filter((k) => k !== '*'),
      ...[...state.manifests.values()].filter((m) => m.region !== 'global').map(scopeKey),
    ]),
  ];
  for (const t of state.taints) {
    let keys: string[];
    if (AWS_DATASETS[t.dataset].level === 'organization') keys = ['*'];
    else {
      const m = manifestFor(state, t.dir);
      const vpcId = vpcOf(t.hint);
      const linked = vpcId ? vpcScope.get(vpcId) : undefined;
      const account = m?.account ?? t.hint.account ?? linked?.account;
      const region = m?.region ?? t.hint.region ?? linked?.region;
      if (account && region) keys = [`${account}/${region}`];
      else {
        const fits = (k: string) => {
          const [a, r] = k.split('/');
          return (!account || a === account) && (!region || r === region);
        };
        const inDir = [...(dirScopes.get(t.dir) ?? [])].filter(fits);
        keys = inDir.length > 0 ? inDir : allScopes().filter(fits);
        if (keys.length === 0) keys = [`${account ?? 'unknown'}/${region ?? 'unknown'}`];
      }
    }
    for (const key of keys) {
      const byDataset = inv.partial.get(key) ?? new Map<AwsDataset, SkippedItem[]>();
      byDataset.set(t.dataset, [...(byDataset.get(t.dataset) ?? []), t.skipped]);
      inv.partial.set(key, byDataset);
      // A scope whose only data was unreadable still gets its checks, as not assessed.
      if (key !== '*' && !inv.datasets.has(key)) inv.datasets.set(key, new Set());
    }
  }
}

/**
 * A manifest that disagrees with the data it covers. A region from an availability zone or an ARN cannot differ
 * from the manifest's: an error. An account can (a shared VPC's subnets carry their owner's account): a warning.
 * The manifest still decides; one message per file.
 */
function checkAgainstManifest(state: State, m: Manifest, d: Draft, seen: Set<string>): void {
  if (AWS_DATASETS[d.dataset].level === 'organization' || d.value.origin.kind !== 'file') return;
  const o = d.value.origin;
  if (seen.has(o.file)) return;
  // Endpoint service names may name another region (cross-region PrivateLink), so they are no contradiction.
  const region = d.list === 'vpcEndpoints' ? undefined : d.hint.region;
  const at = { line: o.line, column: o.column, pointer: o.pointer };
  if (region && region !== m.region) {
    seen.add(o.file);
    state.result.errors.push(
      new InputError(
        o.file,
        `this data is in region ${region} but ${m.file} says ${m.region}; the manifest's region is used (a file in the wrong folder?)`,
        at,
      ),
    );
  } else if (d.hint.account && d.hint.account !== m.account) {
    seen.add(o.file);
    state.result.warnings.push({
      file: o.file,
      message: `this data names account ${d.hint.account} but ${m.file} says ${m.account}; the manifest's account is used (expected for resources shared from another account)`,
      ...(o.line !== undefined ? { line: o.line } : {}),
    });
  }
}

function markDataset(state: State, key: string, dataset: AwsDataset): void {
  const set = state.result.inventory.datasets.get(key) ?? new Set();
  set.add(dataset);
  state.result.inventory.datasets.set(key, set);
}

function manifestFor(state: State, dir: string): Manifest | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    const m = state.manifests.get(d);
    if (m) return m;
    if (d === '.' || d === path.dirname(d)) return undefined;
  }
}

/**
 * Second pass: give every item an account and region. Order: the manifest covering its directory, then what the
 * item says itself, then what the resources it links to say (a VPC's region from its subnets), then the single
 * scope of its directory.
 */
function resolveScopes(state: State): void {
  const inv = state.result.inventory;
  const vpcScope = new Map<string, Hint>();
  const subnetVpc = new Map<string, string>();
  const dirScopes = new Map<string, Set<string>>();
  const remember = (map: Map<string, Hint>, id: string, h: Hint) => {
    const cur = map.get(id) ?? {};
    map.set(id, { account: cur.account ?? h.account, region: cur.region ?? h.region });
  };
  for (const d of state.drafts) {
    const m = manifestFor(state, d.dir);
    const own: Hint = { account: m?.account ?? d.hint.account, region: m?.region ?? d.hint.region };
    if (d.list === 'subnets') subnetVpc.set(String(d.value.id), String(d.value.vpcId));
    if (d.hint.vpcId && (own.account || own.region)) remember(vpcScope, d.hint.vpcId, own);
  }
  const contradicted = new Set<string>();
  for (const d of state.drafts) {
    const m = manifestFor(state, d.dir);
    if (m) checkAgainstManifest(state, m, d, contradicted);
    const vpcId = d.hint.vpcId ?? (d.hint.subnetId ? subnetVpc.get(d.hint.subnetId) : undefined);
    const linked = vpcId ? vpcScope.get(vpcId) : undefined;
    d.value.account = m?.account ?? d.hint.account ?? linked?.account ?? '';
    d.value.region = m?.region ?? d.hint.region ?? linked?.region ?? '';
    if (d.value.account && d.value.region) {
      const set = dirScopes.get(d.dir) ?? new Set();
      set.add(scopeKey(d.value));
      dirScopes.set(d.dir, set);
    }
  }
  const unresolvedFiles = new Set<string>();
  for (const d of state.drafts) {
    if (!d.value.account || !d.value.region) {
      const only = dirScopes.get(d.dir);
      if (only?.size === 1) {
        const [account, region] = [...only][0]!.split('/') as [string, string];
        d.value.account ||= account;
        d.value.region ||= region;
      }
    }
    if (!d.value.account || !d.value.region) {
      const o = d.value.origin;
      if (o.kind === 'file' && !unresolvedFiles.has(o.file)) {
        unresolvedFiles.add(o.file);
        state.result.warnings.push({
          file: o.file,
          message: `cannot tell the ${d.value.account ? 'region' : 'account'} of this data; add a manifest (docs/snapshots.md)`,
          ...(o.line ? { line: o.line } : {}),
        });
      }
      d.value.account ||= 'unknown';
      d.value.region ||= 'unknown';
    }
    const level = AWS_DATASETS[d.dataset].level;
    markDataset(state, level === 'organization' ? '*' : scopeKey(d.value), d.dataset);
    if (d.dataset === 'bedrock:customization-job-details')
      markDataset(state, scopeKey(d.value), 'bedrock:customization-jobs');
    (inv[d.list] as unknown[]).push(d.value);
  }
  for (const e of state.emptyDatasets) {
    if (AWS_DATASETS[e.dataset].level === 'organization') {
      markDataset(state, '*', e.dataset);
      continue;
    }
    const m = manifestFor(state, e.dir);
    const only = dirScopes.get(e.dir);
    const key = m ? scopeKey(m) : only?.size === 1 ? [...only][0]! : undefined;
    if (key) markDataset(state, key, e.dataset);
    else
      state.result.warnings.push({
        file: e.file,
        message:
          'empty output whose account and region cannot be told; add a manifest (docs/snapshots.md) so "none found" counts',
      });
  }
  resolveTaints(state, (h) => h.vpcId ?? (h.subnetId ? subnetVpc.get(h.subnetId) : undefined), vpcScope, dirScopes);
  // Per-item data sets are complete when their list is known to be empty: no VPCs, no VPC attributes to read;
  // no jobs, no job details. (A collector cannot write an empty "array of describe-vpc-attribute outputs".)
  // (Scopes that have items are collected once, not searched for in every scope.)
  const scopesOf = (list: { account: string; region: string }[]) => new Set(list.map(scopeKey));
  const withZones = scopesOf(inv.hostedZoneAssociations.filter((a) => a.zones.length > 0));
  const [withVpcs, withJobs, withLbs, withTgs, withListeners] = [
    inv.vpcs,
    inv.customizationJobs,
    inv.loadBalancers,
    inv.lbTargetGroups,
    inv.lbListeners,
  ].map(scopesOf) as [Set<string>, Set<string>, Set<string>, Set<string>, Set<string>];
  for (const [key, sets] of inv.datasets) {
    if (key === '*') continue;
    if (sets.has('ec2:vpcs') && !withVpcs.has(key)) sets.add('ec2:vpc-attributes').add('route53:hosted-zones-by-vpc');
    // No zone associated with any VPC of the scope: no records to read.
    if (sets.has('route53:hosted-zones-by-vpc') && !withZones.has(key)) sets.add('route53:record-sets');
    if (sets.has('bedrock:customization-jobs') && !withJobs.has(key)) sets.add('bedrock:customization-job-details');
    if (sets.has('elbv2:load-balancers') && !withLbs.has(key))
      sets.add('elbv2:load-balancer-attributes').add('elbv2:listeners').add('elbv2:listener-rules');
    if (sets.has('elbv2:listeners') && !withListeners.has(key)) sets.add('elbv2:listener-rules');
    if (sets.has('elbv2:target-groups') && !withTgs.has(key))
      sets.add('elbv2:target-group-attributes').add('elbv2:target-health');
  }
  // A scope's location: its manifest when it has one, else the first file that gave it data.
  for (const m of [...state.manifests.values()].sort((x, y) => x.file.localeCompare(y.file))) {
    const key = m.region === 'global' ? '*' : scopeKey(m);
    if (!inv.scopeOrigins.has(key)) inv.scopeOrigins.set(key, { kind: 'file', file: m.file, line: 1, column: 1 });
  }
  for (const d of state.drafts) {
    const level = AWS_DATASETS[d.dataset].level;
    const key = level === 'organization' ? '*' : scopeKey(d.value);
    if (!inv.scopeOrigins.has(key) && d.value.origin.kind === 'file')
      inv.scopeOrigins.set(key, { kind: 'file', file: d.value.origin.file, line: 1, column: 1 });
  }
  // Manifests also declare scopes that may hold no data at all yet.
  for (const m of state.manifests.values())
    if (m.region !== 'global' && !inv.datasets.has(scopeKey(m))) inv.datasets.set(scopeKey(m), new Set());
  for (const mk of state.markers) {
    const m = manifestFor(state, mk.dir);
    const account = m?.account ?? mk.hint.account;
    const region = m?.region ?? mk.hint.region;
    if (account && region) markDataset(state, `${account}/${region}`, mk.dataset);
  }
  for (const lb of inv.loadBalancers) {
    const a = state.lbAttributes.get(lb.arn);
    if (a) {
      lb.attributesKnown = true;
      if (a.idle !== undefined && Number.isFinite(a.idle)) lb.idleTimeoutSeconds = a.idle;
    }
  }
  for (const l of inv.lbListeners) {
    const rules = state.ruleForwards.get(l.arn);
    if (rules) l.ruleForwardTo = [...new Set(rules)].sort();
  }
  for (const g of inv.lbTargetGroups) {
    const a = state.tgAttributes.get(g.arn);
    if (a) {
      g.attributesKnown = true;
      if (a.preserveClientIp !== undefined) g.preserveClientIp = a.preserveClientIp;
    }
    const targets = state.tgTargets.get(g.arn);
    if (targets) g.targets = targets;
  }
  for (const l of inv.managedPrefixLists) {
    const cidrs = state.prefixListEntries.get(l.id);
    if (cidrs) l.cidrs = cidrs;
  }
  for (const t of inv.transitGatewayRouteTables) {
    const assoc = state.tgwAssociations.get(t.id);
    if (assoc) t.associations = assoc;
    const routes = state.tgwRoutes.get(t.id);
    if (routes) {
      t.routes = routes.routes;
      if (routes.truncated) t.routesTruncated = true;
    }
  }
  const smDetailed = new Set(inv.sagemakerResources.filter((r) => r.detail).map((r) => r.arn));
  inv.sagemakerResources = inv.sagemakerResources.filter((r) => r.detail || !smDetailed.has(r.arn));
  // Job details supersede list summaries of the same job.
  const detailed = new Set(inv.customizationJobs.filter((j) => j.detail).map((j) => j.arn));
  inv.customizationJobs = inv.customizationJobs.filter((j) => j.detail || !detailed.has(j.arn));
  // Likewise describe-policy (with content) supersedes the list-policies entry.
  const withContent = new Set(
    inv.serviceControlPolicies.filter((p) => p.content !== undefined || p.contentError).map((p) => p.id),
  );
  inv.serviceControlPolicies = inv.serviceControlPolicies.filter(
    (p) => p.content !== undefined || p.contentError !== undefined || !withContent.has(p.id),
  );
}

/** Target groups forward actions name (TargetGroupArn, ForwardConfig.TargetGroups), sorted and distinct. */
function forwardTargets(actions: z.output<typeof S.lbListenerShape>['DefaultActions']): string[] {
  const out = actions.flatMap((a) =>
    a.Type === 'forward'
      ? [
          ...(a.TargetGroupArn ? [a.TargetGroupArn] : []),
          ...(a.ForwardConfig?.TargetGroups ?? []).map((t) => t.TargetGroupArn),
        ]
      : [],
  );
  return [...new Set(out)].sort();
}

/** A rule's listener: listener-rule/app/NAME/LB/LISTENER/RULE → listener/app/NAME/LB/LISTENER. */
function listenerOfRule(ruleArn: string): string | undefined {
  const m = /^(arn:[^:]+:elasticloadbalancing:[^:]*:[^:]*:)listener-rule\/(.+)\/[^/]+$/.exec(ruleArn);
  return m ? `${m[1]}listener/${m[2]}` : undefined;
}
