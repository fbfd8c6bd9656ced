/**
 * AWS prefix delegation: a /28 (IPv4) or /80 (IPv6) delegated to an interface hands its addresses to pods (EKS prefix
 * mode), behind the interface's security groups. Read from describe-network-interfaces (Ipv4Prefixes,
 * Ipv6Prefixes), they are the interface's addresses: a path to a pod's address is a path to the interface.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileAws } from '../../src/verify/aws.js';
import { verifyModel } from '../../src/verify/questions.js';
import { Tracer } from '../../src/verify/trace.js';
import type { AwsInventory } from '../../src/inventory/aws.js';
import { eni, inventory, POLICY, sg, subnet, tcp, vpc } from './helpers.js';

const run = (inv: AwsInventory) => verifyModel(compileAws(inv, POLICY), POLICY, { clientPorts: [32768, 60999] });
const violations = (r: ReturnType<typeof run>, from: string, to: string) =>
  r.findings.filter((f) => f.checkId === 'verify-zone-violation' && f.evidence?.from === from && f.evidence?.to === to);

/** App and data subnets; the data interface's group admits the app subnet on 6333 only for `dbRange`. */
function world(dbRange: string, prefixes?: string[]): AwsInventory {
  const inv = inventory();
  vpc(inv, 'vpc-1', '10.0.0.0/16');
  subnet(inv, 'a', 'vpc-1', '10.0.1.0/24', 'app');
  subnet(inv, 'c', 'vpc-1', '10.0.3.0/24', 'data');
  sg(inv, 'sg-a', 'vpc-1', []);
  sg(inv, 'sg-db', 'vpc-1', [tcp(6333, 6333, [dbRange])]);
  eni(inv, 'eni-a', 'a', '10.0.1.10', ['sg-a']);
  eni(inv, 'eni-node', 'c', '10.0.3.10', ['sg-db']);
  if (prefixes) inv.networkInterfaces.find((n) => n.id === 'eni-node')!.ipv4Prefixes = prefixes;
  return inv;
}

describe('verify: prefixes delegated to an interface (EKS prefix mode)', () => {
  it('the pods of a delegated prefix are reached through the interface: the violation names a pod address and the trace agrees', () => {
    const r = run(world('10.0.1.0/24', ['10.0.3.32/28']));
    const [v] = violations(r, 'app', 'data');
    assert.ok(v, 'app -> data is a violation');
    const model = compileAws(world('10.0.1.0/24', ['10.0.3.32/28']), POLICY);
    const node = model.interfaces.find((i) => i.id === 'eni-node')!;
    assert.deepEqual(
      node.addresses.map((a) => a.text),
      ['10.0.3.10/32', '10.0.3.32/28'],
    );
    // The per-packet tracer finds the interface at a pod's address and lets 6333 in.
    const tracer = new Tracer(model, [32768, 60999]);
    const app = model.interfaces.find((i) => i.id === 'eni-a')!;
    const pod = {
      fam: 0 as const,
      src: Number(app.addresses[0]!.first),
      dst: (10 << 24) + (3 << 8) + 40,
      proto: 6,
      port: 6333,
    };
    const t = tracer.trace({ kind: 'interface', iface: app }, pod, 'exists');
    assert.equal(t.verdict, 'yes', JSON.stringify(t.hops));
    assert.ok(
      t.hops.some((h) => h.at === 'eni-node'),
      'the trace reaches the node interface',
    );
  });
});
