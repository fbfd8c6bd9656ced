/**
 * `cordon verify` as a library call: snapshot → inventory → network model → zone questions → findings. Paths in
 * findings are relative to the working directory, as in scan reports.
 */
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { applySuppressions } from '../findings/suppress.js';
import { compareFindings, type Finding } from '../findings/types.js';
import { EPHEMERAL_PORTS } from '../analysis/aws-network.js';
import { AWS_DATASETS, inventoryScopes, scopeKey, type AwsDataset } from '../inventory/aws.js';
import type { ZonePolicy } from '../policy/load.js';
import { loadAwsSnapshot } from '../sources/aws-snapshot/load.js';
import { loadAzureSnapshot } from '../sources/azure-snapshot/load.js';
import { partitionSnapshot, type SnapshotProvider } from '../sources/detect.js';
import { azureInventoryScopes } from '../inventory/azure.js';
import { InputError } from '../util/errors.js';
import { compileAws } from './aws.js';
import { compileAzure } from './azure.js';
import { awsDnsFindings } from './dns-aws.js';
import { azureDnsFindings, azureMissingData } from './dns-azure.js';
import { notVerified, verifyModel, type VerifyResult } from './questions.js';
import type { NetworkModel } from './model.js';
import type { AwsInventory } from '../inventory/aws.js';
import type { ObservedLayer } from './observed.js';

export interface VerifyOptions {
  snapshot: string;
  policy: ZonePolicy;
  policySource: string;
  cwd: string;
  today: string;
  /** `--flows`: flow logs to compare with the matrix (the observed layer, verify/observed.ts). */
  flows?: { paths: readonly string[]; logFormat?: string; maxExactClasses?: number };
}

export interface VerifyReport extends VerifyResult {
  policy: string;
  inputErrors: { file: string; line?: number; pointer?: string; message: string }[];
  scopes: number;
  files: number;
  /** With `flows`: what the logs show, per matrix cell. */
  observed?: ObservedLayer;
}

interface ProviderRun {
  result: VerifyResult;
  /** Findings beside the zone questions: name resolution, and scopes the model could not be built for. */
  extra: Finding[];
  errors: InputError[];
  scopes: number;
  files: number;
  /** The compiled model (and AWS inventory), for the observed layer. */
  model?: NetworkModel;
  awsInventory?: AwsInventory;
}

const CLIENT_PORTS: [number, number] = [EPHEMERAL_PORTS.from, EPHEMERAL_PORTS.to];

/**
 * One verifier per provider the snapshot reader knows (sources/detect.ts): load its files (all of the tree when
 * `files` is undefined), compile the model, ask the questions. GCP is one more entry, with its compiler beside aws.ts
 * and azure.ts; the record type makes it required once detect.ts knows GCP files.
 */
const VERIFIERS: Record<
  SnapshotProvider,
  (abs: string, files: readonly string[] | undefined, policy: ZonePolicy) => Promise<ProviderRun>
> = {
  aws: async (abs, files, policy) => {
    const loaded = await loadAwsSnapshot(abs, files ? { only: new Set(files.map((f) => path.resolve(f))) } : {});
    const model = compileAws(loaded.inventory, policy);
    return {
      result: verifyModel(model, policy, { clientPorts: CLIENT_PORTS }),
      extra: [...awsDnsFindings(loaded.inventory, policy, model), ...missingData(loaded.inventory)],
      errors: loaded.errors,
      scopes: inventoryScopes(loaded.inventory).length,
      files: loaded.files.length,
      model,
      awsInventory: loaded.inventory,
    };
  },
  azure: async (abs, files, policy) => {
    const loaded = await loadAzureSnapshot(abs, files);
    const model = compileAzure(loaded.inventory, policy);
    return {
      result: verifyModel(model, policy, { clientPorts: CLIENT_PORTS }),
      extra: [...azureDnsFindings(loaded.inventory, policy, model), ...azureMissingData(loaded.inventory)],
      errors: loaded.errors,
      scopes: azureInventoryScopes(loaded.inventory).length,
      files: loaded.files.length,
      model,
    };
  },
  // No GCP compiler yet: the GCP files are named as not verified, never left out silently.
  gcp: (_abs, files) =>
    Promise.resolve({
      result: {
        zones: [],
        matrix: [],
        findings: [],
        notes: [],
        stats: { interfaces: 0, subnets: 0, networks: 0, pairs: 0 },
      },
      extra: [],
      errors: [
        new InputError(
          files?.[0] ?? _abs,
          `cordon verify does not model Google Cloud yet: ${files?.length ?? 0} GCP file(s) not verified (cordon scan audits them)`,
        ),
      ],
      scopes: 0,
      files: 0,
    }),
};

/**
 * Verifies every provider the snapshot holds (files are sorted to a provider by their head, as `cordon scan` does):
 * each provider's compiler builds its model, the same questions are asked of each, and the reports are merged.
 */
export async function verifySnapshot(opts: VerifyOptions): Promise<VerifyReport> {
  const abs = path.resolve(opts.cwd, opts.snapshot);
  const parts = await partitionSnapshot(abs);
  const withAzure = parts.azure.length > 0;
  const withAws = parts.aws.length > 0 || (!withAzure && parts.gcp.length === 0);
  const root = (await stat(abs)
    .then((s) => s.isDirectory())
    .catch(() => false))
    ? abs
    : path.dirname(abs);
  const fix = (file: string) => {
    const rel = path.relative(opts.cwd, path.resolve(root, file));
    return (rel.startsWith('..') ? path.resolve(root, file) : rel).split(path.sep).join('/');
  };
  const runs: ProviderRun[] = [];
  // The AWS reader also walks the tree when all files are Azure's: it reports unreadable folders and links.
  if (withAws)
    runs.push(await VERIFIERS.aws(abs, withAzure || parts.gcp.length > 0 ? parts.aws : undefined, opts.policy));
  if (withAzure) runs.push(await VERIFIERS.azure(abs, parts.azure, opts.policy));
  if (parts.gcp.length > 0) runs.push(await VERIFIERS.gcp(abs, parts.gcp, opts.policy));
  const relocate = (f: Finding): Finding => {
    const ev = f.evidence as { witness?: { path?: { file?: string }[] } } | undefined;
    for (const h of ev?.witness?.path ?? []) if (h.file) h.file = fix(h.file);
    return f.origin?.kind === 'file' ? { ...f, origin: { ...f.origin, file: fix(f.origin.file) } } : f;
  };
  const matrix = runs.flatMap((r) => r.result.matrix);
  // Loaded only with --flows: the flow-log readers are not part of a plain verify.
  const observed = opts.flows
    ? await (await import('./observed.js')).observeRuns({ ...opts.flows, policy: opts.policy, cwd: opts.cwd }, runs)
    : undefined;
  const findings = [
    ...runs.flatMap((r) => [...r.result.findings, ...r.extra]).map(relocate),
    ...(observed?.findings ?? []),
  ];
  const sup = applySuppressions(findings, opts.policy.document.suppressions, opts.today);
  const first = runs[0]!.result;
  const sum = (k: keyof VerifyResult['stats']) => runs.reduce((a, r) => a + r.result.stats[k], 0);
  return {
    zones: first.zones,
    matrix,
    findings: [...sup.findings].sort(compareFindings),
    notes: [...new Set(runs.flatMap((r) => r.result.notes))].sort(),
    stats: { interfaces: sum('interfaces'), subnets: sum('subnets'), networks: sum('networks'), pairs: sum('pairs') },
    policy: opts.policySource,
    inputErrors: [
      ...runs.flatMap((r) => r.errors.map((e) => ({ file: fix(e.file), ...e.position, message: e.message }))),
      ...(observed?.inputErrors ?? []),
    ],
    scopes: runs.reduce((a, r) => a + r.scopes, 0),
    files: runs.reduce((a, r) => a + r.files, 0),
    ...(observed ? { observed } : {}),
  };
}

/** Data sets the model needs: a scope without one is not verified there, and says so (never a clean pass). */
const NEEDED: AwsDataset[] = [
  'ec2:vpcs',
  'ec2:subnets',
  'ec2:network-interfaces',
  'ec2:security-groups',
  'ec2:network-acls',
  'ec2:route-tables',
  'ec2:internet-gateways',
  'ec2:nat-gateways',
];

function missingData(inv: Parameters<typeof compileAws>[0]): Finding[] {
  const out: Finding[] = [];
  for (const scope of inventoryScopes(inv)) {
    const have = inv.datasets.get(scopeKey(scope)) ?? new Set();
    const missing = NEEDED.filter((d) => !have.has(d));
    if (missing.length === 0) continue;
    const resource = { provider: 'aws' as const, ...scope, type: 'AWS::EC2::VPC', id: scopeKey(scope) };
    const commands = missing.map((d) => AWS_DATASETS[d].command);
    out.push(notVerified(resource, scopeKey(scope), missing, commands, inv.scopeOrigins.get(scopeKey(scope))));
  }
  return out;
}
