/**
 * Stand-in addresses for interfaces whose address is picked at deploy: one per range of the subnet no rule can split,
 * so every address the deploy may give behaves like one of them (the property), distinct per interface, never an
 * address AWS or Azure reserves or another interface states.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseCidr, type Cidr } from '../../src/util/cidr.js';
import { cidrsIn, deployAddresses } from '../../src/verify/deploy-addresses.js';

const inside = (c: Cidr, a: bigint) => c.first <= a && a <= c.last;
const v4 = (n: bigint) => [24n, 16n, 8n, 0n].map((s) => String((n >> s) & 255n)).join('.');

describe('stand-in addresses', () => {
  it('one address per range the rules draw, after the four reserved ones; distinct per interface', () => {
    const s = parseCidr('10.0.1.0/24');
    assert.deepEqual(deployAddresses(s, [], 2), [
      { addresses: ['10.0.1.4'], shared: false },
      { addresses: ['10.0.1.5'], shared: false },
    ]);
    // A rule for the upper half and one for a single host: three ranges.
    const r = deployAddresses(s, [parseCidr('10.0.1.128/25'), parseCidr('10.0.1.200/32'), parseCidr('10.0.0.0/16')], 1);
    assert.deepEqual(r, [{ addresses: ['10.0.1.4', '10.0.1.128', '10.0.1.200', '10.0.1.201'], shared: false }]);
    // A second interface cannot have 10.0.1.200 too: it shares it, and says so.
    assert.equal(deployAddresses(s, [parseCidr('10.0.1.200/32')], 2)![1]!.shared, true);
  });

  it('skips addresses other interfaces state, and gives up on IPv6 and on subnets with no usable address', () => {
    const s = parseCidr('10.0.1.0/24');
    assert.deepEqual(
      deployAddresses(s, [], 2, new Set([parseCidr('10.0.1.4').first]))!.map((x) => x.addresses),
      [['10.0.1.5'], ['10.0.1.6']],
    );
    assert.equal(deployAddresses(parseCidr('2001:db8::/64'), [], 1), undefined);
    assert.equal(deployAddresses(parseCidr('10.0.1.0/30'), [], 1), undefined);
  });

  it('finds CIDRs anywhere in the records that draw boundaries', () => {
    assert.deepEqual(
      cidrsIn([
        { rules: [{ cidr: '10.0.1.128/25', note: 'not 1.2' }], ids: ['sg-1', 'acl-2'] },
        ['::/0', '10.0.0.5'],
      ]).map((c) => c.text),
      ['10.0.1.128/25', '::/0', '10.0.0.5/32'],
    );
  });

  it('every address the deploy may give is in exactly the rules one of the stand-ins is in', () => {
    const prefix = fc.integer({ min: 20, max: 28 });
    const boundary = fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 16, max: 32 })).map(([n, p]) => {
      const base = (10n << 24n) | (BigInt(n) << 8n);
      const mask = ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - p)) - 1n);
      return parseCidr(`${v4(base & mask)}/${p}`);
    });
    fc.assert(
      fc.property(prefix, fc.array(boundary, { maxLength: 12 }), fc.nat(), (p, bounds, pick) => {
        const subnet = parseCidr(`10.0.16.0/${p}`);
        const plan = deployAddresses(subnet, bounds, 1)!;
        const stand = plan[0]!.addresses.map((a) => parseCidr(a).first);
        const usable = subnet.last - subnet.first - 4n;
        const x = subnet.first + 4n + (BigInt(pick) % usable);
        assert.ok(stand.every((a) => a >= subnet.first + 4n && a < subnet.last));
        assert.ok(
          stand.some((a) => bounds.every((b) => inside(b, a) === inside(b, x))),
          `${v4(x)} has no stand-in among ${plan[0]!.addresses.join(', ')}`,
        );
      }),
      { numRuns: 300 },
    );
  });
});
