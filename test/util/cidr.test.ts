import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import { parseCidr, tryParseCidr } from '../../src/util/cidr.js';

/** What ipaddr.js alone makes of an IPv4 CIDR or address: the reference for parseCidr's hand-written IPv4 path. */
function reference(text: string) {
  const [addr, prefixText] = text.split('/') as [string, string | undefined];
  const prefix = prefixText === undefined ? 32 : Number(prefixText);
  const value = ipaddr.IPv4.parse(addr)
    .toByteArray()
    .reduce((v, b) => v * 256 + b, 0);
  const size = 2 ** (32 - prefix);
  const first = value - (value % size);
  const octets = [24, 16, 8, 0].map((s) => Math.floor(first / 2 ** s) % 256);
  return {
    text: `${octets.join('.')}/${prefix}`,
    family: 4,
    first: BigInt(first),
    last: BigInt(first + size - 1),
    prefix,
  };
}

describe('parseCidr (IPv4)', () => {
  it('normalises host bits, bare addresses and padded prefixes', () => {
    assert.deepEqual(parseCidr('10.1.2.3/24'), reference('10.1.2.0/24'));
    assert.equal(parseCidr('10.1.2.3/24').text, '10.1.2.0/24');
    assert.equal(parseCidr('10.1.2.3').text, '10.1.2.3/32');
    assert.equal(parseCidr('10.1.2.0/08').text, '10.0.0.0/8');
    assert.equal(parseCidr('0.0.0.0/0').last, 2n ** 32n - 1n);
    assert.equal(parseCidr('255.255.255.255').first, 2n ** 32n - 1n);
    assert.equal(parseCidr(' 10.0.0.0/8 ').text, '10.0.0.0/8');
  });
  it('leaves the forms only ipaddr.js reads to it (octal and hex octets, short forms)', () => {
    assert.equal(parseCidr('010.0.0.1').text, '8.0.0.1/32');
    assert.equal(parseCidr('0x0a.0.0.0/8').text, '10.0.0.0/8');
    assert.equal(parseCidr('10.1').text, '10.0.0.1/32');
  });
  it('refuses what is not an address or CIDR', () => {
    for (const bad of ['256.0.0.0', '1.2.3.4/33', '1.2.3.4/', '1..2.3', '1.2.3.4.5', '1.2.3.4/-1', '09.0.0.0', ''])
      assert.equal(tryParseCidr(bad), undefined, bad);
  });
  it('agrees with ipaddr.js on any dotted quad, with or without a prefix (property)', () => {
    const octet = fc.oneof(fc.nat(255).map(String), fc.constantFrom('0', '00', '07', '010', '255'));
    const prefix = fc.oneof(
      fc.constant(''),
      fc.nat(32).map((p) => `/${p}`),
      fc.nat(9).map((p) => `/0${p}`),
    );
    fc.assert(
      fc.property(octet, octet, octet, octet, prefix, (a, b, c, d, p) => {
        const text = `${a}.${b}.${c}.${d}${p}`;
        let expected: ReturnType<typeof reference> | undefined;
        try {
          expected = reference(text);
        } catch {
          expected = undefined; // an invalid octal octet such as "09"
        }
        assert.deepEqual(tryParseCidr(text), expected, text);
      }),
      { numRuns: 2000 },
    );
  });
});
