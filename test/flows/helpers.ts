/** Shared helpers for the flow tests: a temp directory of logs and a run of the JS engine over it. */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeFlows, type FlowRunResult } from '../../src/flows/analyze.js';
import { parsePolicy, type ZonePolicy } from '../../src/policy/load.js';
import { REFERENCE_POLICY_YAML } from '../../src/policy/reference.js';

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/flows');
export const EXAMPLES = path.resolve(import.meta.dirname, '../../examples/flows');

export function referencePolicy(flowsYaml = ''): ZonePolicy {
  return parsePolicy('cordon.yaml', `${REFERENCE_POLICY_YAML}${flowsYaml ? `\nflows:\n${flowsYaml}\n` : ''}`);
}

export function tempDir(
  files: Record<string, string | Buffer>,
  gzip: string[] = [],
): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cordon-flows-test-'));
  for (const [name, content] of Object.entries(files)) {
    const full = path.join(dir, name);
    mkdirSync(path.dirname(full), { recursive: true });
    writeFileSync(full, gzip.includes(name) ? gzipSync(content) : content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function runOn(
  files: Record<string, string>,
  policy = referencePolicy(),
  extra: { logFormat?: string } = {},
): Promise<FlowRunResult> {
  const t = tempDir(files);
  try {
    return await analyzeFlows([t.dir], { policy, cwd: t.dir, ...extra });
  } finally {
    t.cleanup();
  }
}

export const V2_HEADER =
  'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

/** One default-format record. */
export function v2(
  src: string,
  dst: string,
  sport: number,
  dport: number,
  bytes = 1000,
  action = 'ACCEPT',
  proto = 6,
  start = 1763769600,
  eni = 'eni-0aaaaaaaaaaaaaaaa',
): string {
  return `2 123456789012 ${eni} ${src} ${dst} ${sport} ${dport} ${proto} 10 ${bytes} ${start} ${start + 60} ${action} OK`;
}

export function log(...lines: string[]): string {
  return [V2_HEADER, ...lines].join('\n') + '\n';
}

export function alertsOf(r: FlowRunResult, rule: string) {
  return r.alerts.filter((a) => a.rule.id === rule);
}
