/** Suppressions from cordon.yaml and baselines from an earlier JSON report. */
import { readFile } from 'node:fs/promises';
import type { Suppression } from '../policy/schema.js';
import { InputError } from '../util/errors.js';
import { globMatch } from '../util/glob.js';
import { parseLocatedJson } from '../util/located-json.js';
import type { Finding } from './types.js';

export interface SuppressionOutcome {
  findings: Finding[];
  /** Suppressions whose expiry date has passed: their findings are reported again. */
  expired: Suppression[];
  /** Suppressions that matched nothing: stale entries to remove. */
  unused: Suppression[];
}

/** `today` is YYYY-MM-DD (injected so reports stay reproducible in tests). A suppression expiring today has expired. */
export function applySuppressions(
  findings: Finding[],
  suppressions: readonly Suppression[],
  today: string,
): SuppressionOutcome {
  const used = new Set<Suppression>();
  const expired = suppressions.filter((s) => s.expires !== undefined && s.expires <= today);
  const active = suppressions.filter((s) => !expired.includes(s));
  const out = findings.map((f) => {
    if (f.status !== 'fail') return f;
    const hit = active.find(
      (s) =>
        globMatch(s.check, f.checkId) &&
        (globMatch(s.resource, f.resource.id) ||
          (f.resource.arn !== undefined && globMatch(s.resource, f.resource.arn))),
    );
    if (!hit) return f;
    used.add(hit);
    return { ...f, suppression: { reason: hit.reason, ...(hit.expires ? { expires: hit.expires } : {}) } };
  });
  return { findings: out, expired, unused: active.filter((s) => !used.has(s)) };
}

/** Fingerprints of the failing findings in an earlier `--format json` report. */
export async function loadBaseline(file: string): Promise<Set<string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(file, `cannot read baseline: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const doc = parseLocatedJson(file, text);
  const findings = (doc.value as { findings?: unknown } | null)?.findings;
  if (!Array.isArray(findings)) {
    throw new InputError(file, 'not a cordon JSON report: expected a "findings" array', doc.locate('/findings'));
  }
  const out = new Set<string>();
  findings.forEach((f: unknown, i) => {
    const fp = (f as { fingerprint?: unknown } | null)?.fingerprint;
    if (typeof fp !== 'string')
      throw new InputError(file, 'finding without a "fingerprint" string', doc.locate(`/findings/${i}`));
    if ((f as { status?: unknown }).status === 'fail') out.add(fp);
  });
  return out;
}

export function subtractBaseline(findings: Finding[], baseline: Set<string>): Finding[] {
  return findings.filter((f) => f.status !== 'fail' || !baseline.has(f.fingerprint));
}
