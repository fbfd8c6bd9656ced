/**
 * Large files are streamed (json-stream) instead of parsed whole (located-json): the reader must give exactly the
 * same inventory, errors, warnings and positions either way, whatever the chunk boundaries, and refuse a file over
 * the size limit with a located error that leaves its data set not assessed.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { loadAwsSnapshot } from '../../src/sources/aws-snapshot/load.js';
import { parseLocatedJson } from '../../src/util/located-json.js';
import { locateIn, readOutline, readValues } from '../../src/util/json-stream.js';

async function* chunked(text: string, size: number): AsyncGenerator<string> {
  for (let i = 0; i < text.length; i += size) yield await Promise.resolve(text.slice(i, i + size));
}

function pointers(v: unknown, p = ''): string[] {
  const out = [p];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...pointers(x, `${p}/${i}`)));
  else if (v !== null && typeof v === 'object')
    for (const [k, x] of Object.entries(v))
      out.push(...pointers(x, `${p}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  return out;
}

async function bothWays(dir: string) {
  const whole = await loadAwsSnapshot(dir);
  const streamed = await loadAwsSnapshot(dir, { streamAboveBytes: 0 });
  return { whole, streamed };
}

describe('streamed snapshot files', () => {
  it('read the examples exactly as whole-file parsing does', async () => {
    for (const ex of ['misconfigured', 'reference']) {
      const { whole, streamed } = await bothWays(path.join('examples/aws', ex));
      assert.deepEqual(streamed, whole);
    }
  });

  it('report bad items, duplicate keys and syntax errors exactly as whole-file parsing does', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-stream-'));
    await cp('examples/aws/misconfigured', dir, { recursive: true });
    await writeFile(
      path.join(dir, 'extra-routes.json'),
      '{\r\n  "RouteTables": [\r\n    {"RouteTableId": "rtb-x", "VpcId": 5},\r\n    {"RouteTableId": "rtb-y", "VpcId": "vpc-1", "VpcId": "vpc-2"}\r\n  ],\r\n  "NextToken": "t"\r\n}',
    );
    await writeFile(path.join(dir, 'broken.json'), '{\n  "Subnets": [\n    {"SubnetId": "subnet-é€😀", }\n  ]\n}\n');
    await writeFile(
      path.join(dir, 'array.json'),
      JSON.stringify([{ VpcId: 'vpc-1', EnableDnsSupport: { Value: 'yes' } }]),
    );
    const { whole, streamed } = await bothWays(dir);
    assert.deepEqual(streamed, whole);
    assert.ok(whole.errors.length >= 4, whole.errors.map((e) => e.format()).join('\n'));
  });

  it('give the same values and positions as located-json at any chunk boundary (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.jsonValue({ maxDepth: 4 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom(0, 2, 4),
        fc.boolean(),
        async (item, size, indent, crlf) => {
          let text = JSON.stringify({ Vpcs: [item, { VpcId: 'vpc-ü' }], Other: item }, null, indent);
          if (crlf) text = text.replace(/\n/g, '\r\n');
          const ref = parseLocatedJson('f.json', text);
          const outline = await readOutline('f.json', chunked(text, size), () => false);
          assert.deepEqual(outline.value, ref.value);
          for (const p of [...pointers(ref.value), '/Vpcs/9/x'])
            assert.deepEqual(locateIn(outline.pos, '', p), ref.locate(p));
          const seen: string[] = [];
          await readValues(
            'f.json',
            chunked(text, size),
            (at) => at.length === 2 && at[0] === 'Vpcs',
            (at, value, pos) => {
              seen.push(at);
              assert.deepEqual(value, (ref.value as { Vpcs: unknown[] }).Vpcs[Number(at.split('/')[2])]);
              for (const p of pointers(value, at)) assert.deepEqual(locateIn(pos, at, p), ref.locate(p));
            },
          );
          assert.deepEqual(seen, ['/Vpcs/0', '/Vpcs/1']);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('read any document exactly as whole-file parsing does (property)', async () => {
    const shapes = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v, null, 2)),
      fc
        .jsonValue()
        .map((v) => JSON.stringify({ VpcEndpoints: [v, { VpcEndpointId: 'e', VpcId: 'v', ServiceName: 's' }] })),
      fc.jsonValue().map((v) => JSON.stringify([{ VpcId: 'vpc-1', EnableDnsSupport: v }, { RouteTables: [v] }])),
      fc.jsonValue().map((v) => JSON.stringify({ Policy: { PolicySummary: v, Content: v } })),
      fc
        .jsonValue()
        .map((v) => `{"Subnets": [${JSON.stringify(v)}], "Subnets": [], "NextToken": ${JSON.stringify(v)}}`),
      fc.string().map((s) => `{"Vpcs": [${s}]}`),
      fc
        .jsonValue()
        .map(
          (v) =>
            `{"M": 1, "M": {"y": ${JSON.stringify(v)}, "y": 2}, "Vpcs": [{"VpcId": "v", "T": 1, "T": {"x": 1, "x": 2}}]}`,
        ),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(shapes, { minLength: 1, maxLength: 3 }), async (texts) => {
        const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-stream-prop-'));
        await writeFile(
          path.join(dir, 'manifest.json'),
          '{"cordonSnapshot": 1, "provider": "aws", "account": "123456789012", "region": "us-east-1"}',
        );
        for (const [i, text] of texts.entries()) await writeFile(path.join(dir, `f${i}.json`), text);
        const { whole, streamed } = await bothWays(dir);
        assert.deepEqual(streamed, whole);
        await rm(dir, { recursive: true });
      }),
      // Seeded so CI is reproducible; CORDON_PROPERTY_RUNS / CORDON_PROPERTY_SEED widen the search locally.
      {
        numRuns: Number(process.env['CORDON_PROPERTY_RUNS'] ?? 60),
        seed: Number(process.env['CORDON_PROPERTY_SEED'] ?? 835305864),
      },
    );
  });

  it('a comma where an object’s first property belongs is the same error both ways (found by the property test)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-stream-comma-'));
    await writeFile(
      path.join(dir, 'manifest.json'),
      '{"cordonSnapshot": 1, "provider": "aws", "account": "123456789012", "region": "us-east-1"}',
    );
    await writeFile(path.join(dir, 'f0.json'), '{"Vpcs": [{,]}');
    const { whole, streamed } = await bothWays(dir);
    assert.deepEqual(streamed, whole);
    assert.deepEqual(
      streamed.errors.map((e) => e.format()),
      ['f0.json:1:12: invalid JSON: value expected'],
    );
    await rm(dir, { recursive: true });
  });

  it('a file over the size limit is a located error, and what it holds is not assessed', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'cordon-limit-'));
    await cp('examples/aws/misconfigured', dir, { recursive: true });
    const r = await loadAwsSnapshot(dir, { maxFileBytes: 4000 });
    const big = r.errors.filter((e) => /over the .* limit/.test(e.message)).map((e) => e.format());
    assert.match(
      big.find((m) => m.startsWith('describe-route-tables.json')) ?? '',
      /^describe-route-tables\.json:1:1: file is [\d.]+ KiB, over the 3\.9 KiB limit for one file \(maxFileBytes\); skipped$/,
    );
    const skipped = r.inventory.partial.get('444455556666/us-east-1')?.get('ec2:route-tables');
    assert.match(skipped?.[0]?.reason ?? '', /over the .* limit/);
  });
});
