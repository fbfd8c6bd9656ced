/**
 * `npm run bench:load [-- --mb 20,200]`: generates a deterministic describe-network-interfaces.json of each size (AWS
 * CLI layout: 4-space indent, the fields the CLI prints for an ENI) with a manifest in a temp directory, then measures
 * in separate child processes (so peak RSS is per run): cordon's snapshot reader on it, and as the baseline from the
 * same run, `JSON.parse` of the same file (the least any reader that holds the whole document needs). Prints time,
 * peak RSS and the ratios. Deletes its files.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ACCOUNT = '111122223333';
const REGION = 'us-east-1';

function eni(i: number): unknown {
  const hex = (n: number) => n.toString(16).padStart(17, '0');
  const az = `${REGION}${'abcdef'[i % 6]}`;
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  return {
    Attachment: {
      AttachTime: '2026-10-01T12:00:00+00:00',
      AttachmentId: `eni-attach-${hex(i)}`,
      DeleteOnTermination: true,
      DeviceIndex: 0,
      NetworkCardIndex: 0,
      InstanceId: `i-${hex(i)}`,
      InstanceOwnerId: ACCOUNT,
      Status: 'attached',
    },
    AvailabilityZone: az,
    Description: `Primary network interface of worker ${i}`,
    Groups: [
      { GroupName: 'inference-workers', GroupId: `sg-${hex(i % 97)}` },
      { GroupName: 'monitoring', GroupId: `sg-${hex(1000 + (i % 13))}` },
    ],
    InterfaceType: 'interface',
    Ipv6Addresses: [],
    MacAddress: `0e:${hex(i).slice(-10).match(/../g)!.join(':')}`,
    NetworkInterfaceId: `eni-${hex(i)}`,
    OwnerId: ACCOUNT,
    PrivateDnsName: `ip-${ip.replace(/\./g, '-')}.ec2.internal`,
    PrivateIpAddress: ip,
    PrivateIpAddresses: [
      { Primary: true, PrivateDnsName: `ip-${ip.replace(/\./g, '-')}.ec2.internal`, PrivateIpAddress: ip },
    ],
    RequesterManaged: false,
    SourceDestCheck: true,
    Status: 'in-use',
    SubnetId: `subnet-${hex(i % 24)}`,
    TagSet: [
      { Key: 'SecurityZone', Value: 'inference' },
      { Key: 'Owner', Value: 'ml-platform' },
    ],
    VpcId: `vpc-${hex(i % 3)}`,
  };
}

/** Writes {"NetworkInterfaces": [...]} as the AWS CLI prints it, until the file reaches `bytes`. */
async function generate(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  let written = 0;
  const write = async (s: string) => {
    written += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('{\n    "NetworkInterfaces": [\n');
  let n = 0;
  while (written < bytes) {
    const text = JSON.stringify(eni(n), null, 4).replace(/\n/g, '\n        ');
    await write(`${n > 0 ? ',\n' : ''}        ${text}`);
    n++;
  }
  await write('\n    ]\n}\n');
  out.end();
  await once(out, 'finish');
  return n;
}

interface Run {
  ok: boolean;
  ms: number;
  peakMb: number;
  detail: string;
}

function child(mode: 'cordon' | 'json-parse', target: string): Run {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', mode, target], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    const j = JSON.parse(last) as { ms: number; peakKb: number; detail: string };
    return { ok: r.status === 0, ms: j.ms, peakMb: j.peakKb / 1024, detail: j.detail };
  } catch {
    return {
      ok: false,
      ms: NaN,
      peakMb: NaN,
      detail: `failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    };
  }
}

async function runChild(mode: string, target: string): Promise<void> {
  const t0 = performance.now();
  let detail: string;
  if (mode === 'cordon') {
    const { loadAwsSnapshot } = await import('../src/sources/aws-snapshot/load.js');
    const r = await loadAwsSnapshot(target);
    detail = `${r.inventory.networkInterfaces.length} ENIs, ${r.errors.length} errors${r.errors[0] ? `: ${r.errors[0].format()}` : ''}`;
  } else {
    const doc = JSON.parse(readFileSync(path.join(target, 'describe-network-interfaces.json'), 'utf8')) as {
      NetworkInterfaces: unknown[];
    };
    detail = `${doc.NetworkInterfaces.length} items`;
  }
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ ms, peakKb: process.resourceUsage().maxRSS, detail }));
}

async function mainBench(): Promise<void> {
  const arg = process.argv.indexOf('--mb');
  const sizes = (arg > 0 ? process.argv[arg + 1]! : '20,200').split(',').map(Number);
  const dir = mkdtempSync(path.join(tmpdir(), 'cordon-bench-load-'));
  try {
    writeFileSync(
      path.join(dir, 'manifest.json'),
      JSON.stringify({ cordonSnapshot: 1, provider: 'aws', account: ACCOUNT, region: REGION }),
    );
    console.log('file MB | items   | cordon s | cordon peak MB | JSON.parse peak MB | cordon/JSON.parse | peak/file');
    for (const mb of sizes) {
      const file = path.join(dir, 'describe-network-interfaces.json');
      const items = await generate(file, mb * 1e6);
      const size = statSync(file).size / 1e6;
      const base = child('json-parse', dir);
      const run = child('cordon', dir);
      const f = (x: number, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
      console.log(
        `${f(size).padStart(7)} | ${String(items).padEnd(7)} | ${f(run.ms / 1000, 1).padStart(8)} | ${f(run.peakMb).padStart(14)} | ${f(base.peakMb).padStart(18)} | ${f(run.peakMb / base.peakMb, 2).padStart(17)} | ${f(run.peakMb / size, 2).padStart(9)}`,
      );
      console.log(`        cordon: ${run.detail}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await runChild(process.argv[3]!, process.argv[4]!);
else await mainBench();
