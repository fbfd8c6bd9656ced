/** What a service collector hands the snapshot writer: files in the AWS CLI's shapes, or why a data set is missing. */
import type { AwsDataset } from '../../inventory/aws.js';
import { classifyError, isGone, type Failure } from './errors.js';
import type { Limiter } from './limiter.js';

export interface SnapshotFile {
  /** File name inside the scope directory, after the CLI command: "describe-vpcs.json". */
  name: string;
  /** One CLI output, or an array of them (one per describe-vpc-attribute or get-… call). */
  document: unknown;
}

export interface Unavailable {
  dataset: AwsDataset;
  reason: string;
  /** The IAM action whose denial (or failure) made the data set unavailable. */
  action?: string;
  kind: Failure['kind'] | 'dependency';
}

export interface DatasetOutcome {
  dataset: AwsDataset;
  files: SnapshotFile[];
  unavailable?: Unavailable;
}

export function ok(dataset: AwsDataset, ...files: SnapshotFile[]): DatasetOutcome {
  return { dataset, files };
}

export function failed(dataset: AwsDataset, action: string, err: unknown): DatasetOutcome {
  const f = classifyError(err);
  return { dataset, files: [], unavailable: { dataset, reason: f.reason, action, kind: f.kind } };
}

/** A data set that was not attempted because the one it is derived from is unavailable. */
export function dependent(dataset: AwsDataset, action: string, on: Unavailable): DatasetOutcome {
  return {
    dataset,
    files: [],
    unavailable: {
      dataset,
      reason: `needs ${on.dataset}, which is unavailable: ${on.reason}`,
      action: on.action ?? action,
      kind: 'dependency',
    },
  };
}

/** An SDK output without the SDK's response metadata: what the AWS CLI prints. */
export function cliShape<T extends object>(output: T): Omit<T, '$metadata'> {
  const { $metadata: _m, ...rest } = output as T & { $metadata?: unknown };
  return rest;
}

/** Sorts items by a string id field (stable; items without one keep their relative order at the end). */
export function sortById<T>(items: T[], field: string): T[] {
  const key = (x: T) => {
    const v = (x as Record<string, unknown>)[field];
    return typeof v === 'string' ? v : '\uffff';
  };
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** Calls the SDK's paginator and gathers one list member from every page. */
export async function gather<P extends object>(
  pages: AsyncIterable<P>,
  key: string,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const page of pages) {
    const items = (page as Record<string, unknown>)[key];
    if (Array.isArray(items)) out.push(...(items as Record<string, unknown>[]));
  }
  return out;
}

/**
 * Describes every listed item (bounded by `limit`). Items that were deleted between the list and the describe
 * call are dropped from both, so the list and the details stay consistent; any other failure rejects.
 */
export async function describeEach<D>(
  items: Record<string, unknown>[],
  limit: Limiter,
  describe: (item: Record<string, unknown>) => Promise<D>,
): Promise<{ items: Record<string, unknown>[]; details: D[] }> {
  const results = await Promise.all(
    items.map((item) =>
      limit(async () => {
        try {
          return { item, detail: await describe(item) };
        } catch (err) {
          if (isGone(err)) return undefined;
          throw err;
        }
      }),
    ),
  );
  const kept = results.filter((r): r is { item: Record<string, unknown>; detail: Awaited<D> } => r !== undefined);
  return { items: kept.map((r) => r.item), details: kept.map((r) => r.detail) };
}
