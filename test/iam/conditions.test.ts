import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { context, evaluateOperator } from '../../src/iam/conditions.js';

const org = context({ 'aws:PrincipalOrgID': 'o-abc123def4' }, ['aws:sourcevpce']);

describe('IAM condition semantics', () => {
  it('positive operators: match, no match, missing key is false', () => {
    assert.equal(evaluateOperator('StringEquals', 'aws:PrincipalOrgID', ['o-abc123def4'], org), true);
    assert.equal(evaluateOperator('StringEquals', 'aws:PrincipalOrgID', ['o-other00000'], org), false);
    assert.equal(evaluateOperator('StringEquals', 'aws:SourceVpce', ['vpce-1'], org), false);
  });
  it('negated operators: missing key is true; several values are NORed', () => {
    assert.equal(evaluateOperator('StringNotEquals', 'aws:SourceVpce', ['vpce-1'], org), true);
    assert.equal(evaluateOperator('StringNotEquals', 'aws:PrincipalOrgID', ['o-x', 'o-abc123def4'], org), false);
    assert.equal(evaluateOperator('StringNotLike', 'aws:PrincipalOrgID', ['o-zzz*'], org), true);
  });
  it('IfExists makes a missing key true; Null tests presence', () => {
    assert.equal(evaluateOperator('StringEqualsIfExists', 'aws:SourceVpce', ['vpce-1'], org), true);
    assert.equal(evaluateOperator('Null', 'aws:SourceVpce', ['true'], org), true);
    assert.equal(evaluateOperator('Null', 'aws:PrincipalOrgID', ['true'], org), false);
  });
  it('keys are case-insensitive, values case-sensitive unless IgnoreCase', () => {
    assert.equal(evaluateOperator('StringEquals', 'AWS:principalorgid', ['O-ABC123DEF4'], org), false);
    assert.equal(evaluateOperator('StringEqualsIgnoreCase', 'AWS:principalorgid', ['O-ABC123DEF4'], org), true);
  });
  it('set operators on missing keys: ForAnyValue false, ForAllValues true', () => {
    assert.equal(evaluateOperator('ForAnyValue:StringEquals', 'aws:SourceVpce', ['x'], org), false);
    assert.equal(evaluateOperator('ForAllValues:StringEquals', 'aws:SourceVpce', ['x'], org), true);
    const tags = context({ 'aws:TagKeys': ['a', 'b'] });
    assert.equal(evaluateOperator('ForAllValues:StringEquals', 'aws:TagKeys', ['a'], tags), false);
    assert.equal(evaluateOperator('ForAnyValue:StringEquals', 'aws:TagKeys', ['a'], tags), true);
  });
  it('unknown request values stay unknown (three-valued)', () => {
    assert.equal(evaluateOperator('StringEquals', 'aws:SourceIp', ['1.2.3.4'], org), 'unknown');
    assert.equal(evaluateOperator('StringEquals', 'aws:PrincipalOrgID', ['${aws:PrincipalTag/org}'], org), 'unknown');
  });
  it('IpAddress and numeric and date operators', () => {
    const c = context({ 'aws:SourceIp': '10.1.2.3', n: '5', d: '2026-01-02T00:00:00Z' });
    assert.equal(evaluateOperator('IpAddress', 'aws:SourceIp', ['10.0.0.0/8'], c), true);
    assert.equal(evaluateOperator('NotIpAddress', 'aws:SourceIp', ['10.0.0.0/8'], c), false);
    assert.equal(evaluateOperator('NumericLessThan', 'n', ['6'], c), true);
    assert.equal(evaluateOperator('DateGreaterThan', 'd', ['2026-01-01T00:00:00Z'], c), true);
  });
});
