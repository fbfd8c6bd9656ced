/** Org Policy v2 hierarchy evaluation (src/checks/gcp/org-policy.ts) against the documented inheritance rules. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GcpOrgPolicy, GcpOrgPolicyRule } from '../../src/inventory/gcp.js';
import {
  effectivePolicy,
  evaluateBoolean,
  evaluateList,
  type Chain,
  type ListValues,
} from '../../src/checks/gcp/org-policy.js';
import { rule, world, SVC } from '../support/gcp-world.js';

const C = 'compute.vmExternalIpAccess';
const chain: Chain = { nodes: ['projects/p', 'folders/2', 'organizations/1'], aliases: ['projects/42'] };

function pol(
  parent: string,
  rules: GcpOrgPolicyRule[],
  extra: { inheritFromParent?: boolean; reset?: boolean; dryRun?: GcpOrgPolicyRule[]; constraint?: string } = {},
): GcpOrgPolicy {
  const constraint = extra.constraint ?? C;
  return {
    origin: { kind: 'file', file: 'p.json' },
    id: `${parent}/policies/${constraint}`,
    parent,
    constraint,
    spec: { rules, inheritFromParent: extra.inheritFromParent, reset: extra.reset },
    ...(extra.dryRun ? { dryRunSpec: { rules: extra.dryRun } } : {}),
  };
}

type Outcome = Partial<ListValues & { decidedBy: string[]; dryRunAt: string[]; unknown: string }>;
const list = (ps: GcpOrgPolicy[]): Outcome => {
  const e = evaluateList(ps, C, chain);
  return e.known ? { ...e.value, decidedBy: e.decidedBy, dryRunAt: e.dryRunAt } : { unknown: e.reason };
};

describe('list constraints', () => {
  it('no policy anywhere: the default', () => {
    assert.deepEqual(list([]), {
      isDefault: true,
      allowAll: false,
      denyAll: false,
      allowed: [],
      denied: [],
      decidedBy: [],
      dryRunAt: [],
    });
  });

  it('a node without a policy inherits; inheritFromParent false makes a new root', () => {
    assert.equal(list([pol('organizations/1', [rule({ denyAll: true })])]).denyAll, true);
    const r = list([
      pol('organizations/1', [rule({ denyAll: true })]),
      pol('projects/p', [rule({ allowedValues: ['vm1'] })]),
    ]);
    assert.deepEqual([r.denyAll, r.allowed, r.decidedBy], [false, ['vm1'], ['projects/p']]);
  });

  it('inheritFromParent true merges values, denied values win (the documented Resource 1 and 2 cases)', () => {
    const r = list([
      pol('organizations/1', [rule({ allowedValues: ['red', 'green'] })]),
      pol('folders/2', [rule({ allowedValues: ['blue'] })], { inheritFromParent: true }),
      pol('projects/p', [rule({ deniedValues: ['green'] })], { inheritFromParent: true }),
    ]);
    assert.deepEqual(
      [r.allowed, r.denied, r.decidedBy],
      [['blue', 'green', 'red'], ['green'], ['projects/p', 'folders/2', 'organizations/1']],
    );
  });

  it('reset restores the default whatever is above', () => {
    const r = list([pol('organizations/1', [rule({ denyAll: true })]), pol('folders/2', [], { reset: true })]);
    assert.deepEqual([r.isDefault, r.denyAll, r.decidedBy], [true, false, ['folders/2']]);
  });

  it('allowAll or denyAll at a node decides for it even when it inherits', () => {
    const r = list([
      pol('organizations/1', [rule({ allowedValues: ['a'] })]),
      pol('projects/p', [rule({ allowAll: true })], { inheritFromParent: true }),
    ]);
    assert.equal(r.allowAll, true);
  });

  it('a conditional rule is unknown unless a node below replaces it', () => {
    const cond = pol('organizations/1', [
      rule({ denyAll: true, condition: "resource.matchTag('1/env', 'prod')" }),
      rule({ allowAll: true }),
    ]);
    assert.match(String(list([cond]).unknown), /organizations\/1 has a rule with condition/);
    assert.match(
      String(list([cond, pol('projects/p', [rule({ deniedValues: ['x'] })], { inheritFromParent: true })]).unknown),
      /condition/,
    );
    assert.equal(list([cond, pol('projects/p', [rule({ denyAll: true })])]).denyAll, true);
  });

  it('a parent denying all with a child allowing values under inheritance is reported unknown, not guessed', () => {
    const r = list([
      pol('organizations/1', [rule({ denyAll: true })]),
      pol('projects/p', [rule({ allowedValues: ['vm1'] })], { inheritFromParent: true }),
    ]);
    assert.match(String(r.unknown), /denies all values while allowing vm1/);
  });

  it('dry-run specs are reported and never enforced; a project policy may name the project by number', () => {
    const r = list([pol('projects/42', [], { dryRun: [rule({ denyAll: true })] })]);
    assert.deepEqual([r.denyAll, r.dryRunAt], [false, ['projects/p']]);
    assert.equal(list([pol('projects/42', [rule({ denyAll: true })])]).denyAll, true);
  });

  it('policies of another constraint do not count', () => {
    assert.equal(
      list([pol('organizations/1', [rule({ denyAll: true })], { constraint: 'compute.other' })]).isDefault,
      true,
    );
  });
});

describe('boolean constraints', () => {
  const B = 'ainotebooks.restrictPublicIp';
  const bool = (ps: GcpOrgPolicy[]) => {
    const e = evaluateBoolean(ps, B, chain);
    return e.known ? [e.value, e.decidedBy] : e.reason;
  };
  const b = (parent: string, rules: GcpOrgPolicyRule[], extra = {}) => pol(parent, rules, { ...extra, constraint: B });

  it('the nearest policy decides; none: the default', () => {
    assert.deepEqual(bool([]), ['default', []]);
    assert.deepEqual(bool([b('organizations/1', [rule({ enforce: true })])]), [true, ['organizations/1']]);
    assert.deepEqual(
      bool([b('organizations/1', [rule({ enforce: true })]), b('folders/2', [rule({ enforce: false })])]),
      [false, ['folders/2']],
    );
  });

  it('reset restores the default; an empty spec does not decide', () => {
    assert.deepEqual(bool([b('organizations/1', [rule({ enforce: true })]), b('projects/p', [], { reset: true })]), [
      'default',
      ['projects/p'],
    ]);
    assert.deepEqual(bool([b('organizations/1', [rule({ enforce: true })]), b('projects/p', [])]), [
      true,
      ['organizations/1'],
    ]);
  });

  it('a conditional rule at the deciding node is unknown', () => {
    assert.match(
      String(
        bool([
          b('folders/2', [
            rule({ enforce: true }),
            rule({ enforce: false, condition: "resource.matchTag('1/x', 'y')" }),
          ]),
        ]),
      ),
      /folders\/2 has a rule with condition/,
    );
  });
});

describe('effectivePolicy over an inventory', () => {
  it('finds the chain from the project resource and needs every node read', () => {
    const inv = world();
    const e = effectivePolicy(inv, SVC, C, 'list');
    assert.ok(e.known && e.value.denyAll);
    inv.datasets.delete('folders/200');
    const u = effectivePolicy(inv, SVC, C, 'list');
    assert.ok(!u.known && /folders\/200 \(not in the snapshot\)/.test(u.reason));
    inv.unavailable.set('folders/200', new Map([['orgpolicy:policies', { reason: 'PERMISSION_DENIED' }]]));
    const d = effectivePolicy(inv, SVC, C, 'list');
    assert.ok(!d.known && /folders\/200 \(PERMISSION_DENIED\)/.test(d.reason));
  });

  it('an unknown project has no chain: unknown', () => {
    const e = effectivePolicy(world(), 'nobody', C, 'boolean');
    assert.ok(!e.known && /resourcemanager:projects/.test(e.reason));
  });
});
