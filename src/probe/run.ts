/**
 * Runs a probe plan: every test concurrently under the shared in-flight limit, each attempt bounded by the timeout,
 * the whole run by the time limit (tests still running then are not assessed). Results become provider-neutral
 * findings, located at the cordon.yaml line the expectation comes from, so every reporter renders them.
 */
import { randomBytes } from 'node:crypto';
import { applySuppressions } from '../findings/suppress.js';
import { fingerprintOf, compareFindings, type Finding } from '../findings/types.js';
import type { ZonePolicy } from '../policy/load.js';
import type { Suppression } from '../policy/schema.js';
import { KINDS } from './kinds.js';
import { Prober, type RouteEntry } from './net.js';
import type { PlannedTest, ProbePlan, TestKind } from './plan.js';
import { runAiReach } from './tests/ai-reach.js';
import { runBlocked } from './tests/blocked.js';
import type { RunContext, TestModule, TestOutcome } from './tests/context.js';
import { runDns } from './tests/dns.js';
import { runHttp } from './tests/http.js';
import { runReach } from './tests/reach.js';

const MODULES: Record<TestKind, (t: PlannedTest) => TestModule> = {
  dns: () => runDns,
  'ai-reach': () => runAiReach,
  'ai-blocked': () => runBlocked,
  'public-fallback': () => runBlocked,
  reach: () => runReach,
  lateral: () => runBlocked,
  // Listed internet hosts get a TCP handshake; canary URLs the one marked HTTP request.
  egress: (t) => (t.url ? runHttp : runBlocked),
  'tool-isolation': () => runHttp,
};

export interface ProbeResult {
  plan: ProbePlan;
  marker: string;
  findings: Finding[];
  suppressions: { expired: Suppression[]; unused: Suppression[] };
  /** True when the time limit cut the run short. */
  timedOut: boolean;
}

export interface RunOptions {
  policy: ZonePolicy;
  today: string;
  marker?: string;
  /** Routing table source (tests inject one; default /proc/net). */
  routes?: () => RouteEntry[];
}

export function newMarker(zone: string): string {
  return `cordon-probe-${zone}-${randomBytes(6).toString('hex')}`;
}

export function toFinding(test: PlannedTest, outcome: TestOutcome, zone: string, policy: ZonePolicy): Finding {
  const meta = KINDS[test.kind];
  const resource = {
    provider: 'policy' as const,
    account: zone,
    region: 'probe',
    type: 'cordon::probe',
    id: test.target,
  };
  const pos = policy.locate(test.policyPath);
  return {
    checkId: meta.id,
    title: meta.title,
    severity: meta.severity,
    status: outcome.status,
    resource,
    origin: {
      kind: 'file',
      file: policy.file,
      ...(pos.line !== undefined ? { line: pos.line } : {}),
      ...(pos.pointer !== undefined ? { pointer: pos.pointer } : {}),
    },
    message: outcome.message,
    evidence: {
      expect: test.expect,
      why: test.why,
      ...(test.ruleIds.length ? { rules: test.ruleIds } : {}),
      ...outcome.evidence,
    },
    remediation: meta.remediation,
    references: meta.references,
    fingerprint: fingerprintOf(meta.id, resource),
  };
}

export async function runProbe(plan: ProbePlan, opts: RunOptions): Promise<ProbeResult> {
  const marker = opts.marker ?? newMarker(plan.zone);
  const prober = new Prober({
    timeoutMs: plan.bounds.timeoutMs,
    concurrency: plan.bounds.concurrency,
    ...(opts.routes ? { routes: opts.routes } : {}),
  });
  const ctx: RunContext = { prober, marker };
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), plan.bounds.timeLimitSeconds * 1000);
  });
  const outcomes = await Promise.all(
    plan.tests.map(async (test): Promise<TestOutcome> => {
      if (test.unassessed) return { status: 'not-assessed', message: test.unassessed, evidence: {} };
      const run = MODULES[test.kind](test)(test, ctx).catch((err: unknown): TestOutcome => ({
        status: 'not-assessed',
        message: `the test failed to run: ${(err as Error).message}`,
        evidence: {},
      }));
      const r = await Promise.race([run, deadline]);
      if (r !== 'late') return r;
      timedOut = true;
      return {
        status: 'not-assessed',
        message: `the run's time limit (${plan.bounds.timeLimitSeconds} s) was reached before this test finished`,
        evidence: {},
      };
    }),
  );
  clearTimeout(timer);
  const dnsNotes = plan.resolverNotes.map((note): TestOutcome => ({
    status: 'not-assessed',
    message: note,
    evidence: {},
  }));
  const findings = [
    ...plan.tests.map((t, i) => toFinding(t, outcomes[i]!, plan.zone, opts.policy)),
    ...dnsNotes.map((o) =>
      toFinding(
        {
          kind: 'dns',
          target: 'resolver configuration',
          expect: 'the host names its resolvers',
          why: 'every resolver is asked',
          ruleIds: [],
          policyPath: ['probe', 'resolv_conf'],
        },
        o,
        plan.zone,
        opts.policy,
      ),
    ),
  ];
  const sup = applySuppressions(findings, opts.policy.document.suppressions, opts.today);
  return {
    plan,
    marker,
    findings: sup.findings.sort(compareFindings),
    suppressions: { expired: sup.expired, unused: sup.unused },
    timedOut,
  };
}
