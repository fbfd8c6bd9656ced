import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CidrIndex, parseCidr } from '../../src/util/cidr.js';

describe('CidrIndex', () => {
  it('finds every filed CIDR holding an address, of any length and family, and nothing else', () => {
    const ix = new CidrIndex<string>();
    for (const c of ['10.0.3.32/28', '10.0.3.48/28', '10.0.0.0/16', '2600:1f18::/80', '10.0.3.32/28'])
      ix.add(parseCidr(c), c);
    const at = (a: string) => {
      const c = parseCidr(a);
      return ix.at(c.family, c.first).sort();
    };
    assert.deepEqual(at('10.0.3.40'), ['10.0.0.0/16', '10.0.3.32/28', '10.0.3.32/28']);
    assert.deepEqual(at('10.0.3.63'), ['10.0.0.0/16', '10.0.3.48/28']);
    assert.deepEqual(at('10.1.0.1'), []);
    assert.deepEqual(at('2600:1f18::1:2'), ['2600:1f18::/80']);
    assert.deepEqual(at('2600:1f18:0:0:1::'), []);
  });
  it('agrees with a scan over the filed CIDRs (property)', () => {
    const v4 = fc
      .tuple(fc.nat(255), fc.nat(255), fc.integer({ min: 8, max: 32 }))
      .map(([a, b, p]) => parseCidr(`10.${a}.${b}.0/${p}`));
    fc.assert(
      fc.property(fc.array(v4, { maxLength: 12 }), fc.nat(255), fc.nat(255), fc.nat(255), (cidrs, a, b, c) => {
        const ix = new CidrIndex<number>();
        cidrs.forEach((x, i) => ix.add(x, i));
        const addr = parseCidr(`10.${a}.${b}.${c}`).first;
        const scan = cidrs.flatMap((x, i) => (x.first <= addr && addr <= x.last ? [i] : []));
        assert.deepEqual(
          ix.at(4, addr).sort((x, y) => x - y),
          scan,
        );
      }),
      { numRuns: 300 },
    );
  });
});
