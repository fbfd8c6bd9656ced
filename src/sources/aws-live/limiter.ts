/**
 * A counting semaphore: at most `limit` tasks run at once, the rest wait in arrival order. Used to bound the number
 * of account/region scopes (and calls within a scope) in flight so a 500-account organisation does not open
 * thousands of sockets or trip every API's throttling at once.
 */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    active--;
    const next = waiting.shift();
    if (next) next();
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      release();
    }
  };
}
