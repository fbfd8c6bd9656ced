/** What every probe test module receives and returns. */
import type { Status } from '../../findings/types.js';
import type { Prober } from '../net.js';
import type { PlannedTest } from '../plan.js';

export interface RunContext {
  prober: Prober;
  /** Unique per run; carried by every HTTP request so logs can be searched for it. */
  marker: string;
}

export interface TestOutcome {
  status: Status;
  message: string;
  evidence: Record<string, unknown>;
}

export type TestModule = (test: PlannedTest, ctx: RunContext) => Promise<TestOutcome>;
