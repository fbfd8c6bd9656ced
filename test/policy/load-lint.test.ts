import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { lintPolicy } from '../../src/policy/lint.js';
import { parsePolicy } from '../../src/policy/load.js';
import { REFERENCE_POLICY_YAML } from '../../src/policy/reference.js';
import { InputError } from '../../src/util/errors.js';
import { InputErrors } from '../../src/util/located-yaml.js';
import { runCli } from '../support/cli.js';

function errorsOf(yaml: string): InputError[] {
  try {
    parsePolicy('cordon.yaml', yaml);
  } catch (err) {
    if (err instanceof InputErrors) return err.errors;
    if (err instanceof InputError) return [err];
    throw err;
  }
  return [];
}

describe('policy loading gives located errors', () => {
  it('names the line of a rule that uses an unknown zone', () => {
    const yaml =
      'version: 1\nzones:\n  a: {}\nrules:\n  - id: R1\n    name: r\n    from: a\n    to: nowhere\n    action: allow\n    protocol: tcp\n    justification: j\n';
    const [e] = errorsOf(yaml);
    assert.ok(e);
    assert.equal(e.position.line, 8);
    assert.match(e.format(), /^cordon.yaml:8:\d+: rules.0.to: unknown zone "nowhere"/);
  });
  it('reports an unknown key, a bad CIDR and a missing field, each with its line', () => {
    const yaml =
      'version: 1\nzones:\n  a:\n    cidrs: [10.0.0.0/33]\n    colour: red\nrules:\n  - id: R1\n    from: a\n    to: a\n    action: allow\n    protocol: tcp\n    justification: j\n';
    const errors = errorsOf(yaml);
    const lines = errors.map((e) => e.position.line).sort();
    assert.deepEqual(lines, [4, 5, 7]);
    assert.ok(errors.some((e) => /unknown key "colour"/.test(e.message)));
    assert.ok(errors.some((e) => /missing required key "name"/.test(e.message)));
  });
  it('reports YAML syntax errors and duplicate keys with a line', () => {
    const [e] = errorsOf('version: 1\nzones:\n  a: {}\n  a: {}\n');
    assert.ok(e && e.position.line === 4, e?.format());
    const [s] = errorsOf('version: 1\nzones: [unclosed\n');
    assert.ok(s && s.position.line !== undefined);
  });
  it('rejects backwards port ranges and duplicate ids', () => {
    const yaml =
      'version: 1\nzones: {a: {}}\nrules:\n  - {id: R, name: n, from: a, to: a, action: allow, protocol: tcp, ports: "9-1", justification: j}\n  - {id: R, name: n, from: a, to: a, action: deny, protocol: tcp, justification: j}\n';
    const msgs = errorsOf(yaml).map((e) => e.message);
    assert.ok(msgs.some((m) => /runs backwards/.test(m)));
    assert.ok(msgs.some((m) => /duplicate rule id R/.test(m)));
  });
  it('never crashes on arbitrary text: either a policy or located errors (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `version: 1\nzones:\n  a: {}\nrules: ${s}\n`),
          fc.jsonValue().map((v) => JSON.stringify(v)),
        ),
        (text) => {
          try {
            parsePolicy('p.yaml', text);
          } catch (err) {
            const list = err instanceof InputErrors ? err.errors : err instanceof InputError ? [err] : undefined;
            assert.ok(list, `unexpected ${String(err)}`);
            for (const e of list) assert.equal(e.file, 'p.yaml');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('policy lint', () => {
  it('the reference policy has no errors', () => {
    const problems = lintPolicy(parsePolicy('cordon.yaml', REFERENCE_POLICY_YAML));
    assert.deepEqual(
      problems.filter((p) => p.level === 'error'),
      [],
    );
  });
  it('finds overlapping zones, dead allows, redundancy, guardrail breaks and wide allows', () => {
    const yaml = `version: 1
zones:
  application: { cidrs: [10.0.0.0/16] }
  data: { cidrs: [10.0.3.0/24] }
  sandbox: {}
  internet: { kind: internet }
rules:
  - { id: D1, name: no app to data, from: application, to: data, action: deny, protocol: any, justification: j }
  - { id: A1, name: app to db, from: application, to: data, action: allow, protocol: tcp, ports: 5432, justification: j }
  - { id: A2, name: sandbox out, from: sandbox, to: internet, action: allow, protocol: https, justification: j }
  - { id: A3, name: sandbox out again, from: sandbox, to: internet, action: allow, protocol: tcp, ports: 443, justification: j }
  - { id: A4, name: data wide, from: data, to: application, action: allow, protocol: tcp, justification: j }
`;
    const problems = lintPolicy(parsePolicy('p.yaml', yaml));
    const codes = (code: string) => problems.filter((p) => p.code === code);
    assert.equal(codes('zone-cidr-nested').length, 1, 'data sits inside application: most specific wins');
    assert.equal(codes('rule-never-applies').length, 1);
    assert.equal(codes('rule-never-applies')[0]!.position.line, 9);
    assert.equal(codes('rule-redundant').length, 1, 'A3 repeats A2');
    assert.equal(codes('guardrail').length, 2, 'A2 and A3 let the sandbox out');
    assert.equal(codes('allow-all-ports').length, 1);
  });
  it('cordon policy lint exits 1 on errors and 0 on the reference; init writes a policy that lints clean', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-'));
    const init = await runCli(['policy', 'init'], { cwd: dir });
    assert.equal(init.code, 0);
    assert.equal(await readFile(path.join(dir, 'cordon.yaml'), 'utf8'), REFERENCE_POLICY_YAML);
    assert.equal((await runCli(['policy', 'init'], { cwd: dir })).code, 2, 'refuses to overwrite');
    const lint = await runCli(['policy', 'lint'], { cwd: dir });
    assert.equal(lint.code, 0, lint.stdout);
    assert.match(lint.stdout, /0 error\(s\)/);
  });
});
