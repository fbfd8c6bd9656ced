/**
 * `cordon verify` as a library call: snapshot → inventory → network model → zone questions → findings. Paths in
 * findings are relative to the working directory, as in scan reports.
 */
import path from 'node:path';
import { stat } from 'node:fs/promises';
import { applySuppressions } from '../findings/suppress.js';
import { compareFindings, fingerprintOf, type Finding } from '../findings/types.js';
import { EPHEMERAL_PORTS } from '../analysis/aws-network.js';
import { AWS_DATASETS, inventoryScopes, scopeKey, type AwsDataset } from '../inventory/aws.js';
import type { ZonePolicy } from '../policy/load.js';
import { loadInput, type InputOptions, type LoadedInventory } from '../sources/load-input.js';
import { markDeployTimeZoneTags } from '../analysis/aws-zones.js';
import { markAzureDeployTimeZoneTags } from '../analysis/azure-zones.js';
import { azureInventoryScopes, azureScopeKey } from '../inventory/azure.js';
import { gcpProjects } from '../checks/gcp/engine.js';
import { compileAws } from './aws.js';
import { compileAzure } from './azure.js';
import { compileGcp } from './gcp.js';
import { awsDnsFindings, awsDnsScopes } from './dns-aws.js';
import { azureDnsFindings, azureMissingData } from './dns-azure.js';
import { findingScopes, notVerified, policySet, verifyModel, type VerifyResult } from './questions.js';
import { EMPTY } from './packet-set.js';
import { VERIFY_CHECKS } from './checks.js';
import { gcpDnsFindings, gcpMissingData } from './dns-gcp.js';
import { partialModelData } from './partial.js';
import { unzonedFindings, withUnzonedZone } from './unzoned.js';
import { gapFindings } from './gaps.js';
import type { NetworkModel } from './model.js';
import type { AwsInventory } from '../inventory/aws.js';
import type { ObservedLayer } from './observed.js';

export interface VerifyOptions extends InputOptions {
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

/** One inventory verified: the zone questions' result, and the findings beside them. */
export interface InventoryVerification {
  result: VerifyResult;
  /** Findings beside the zone questions: name resolution, and scopes the model could not be built for. */
  extra: Finding[];
  /** The scopes (account/region, subscription/location, project) the inventory holds data for. */
  scopes: Finding['resource'][];
  /** The compiled model (and the AWS inventory), for the observed layer. */
  model?: NetworkModel;
  awsInventory?: AwsInventory;
  /**
   * The scopes (as `account/region`) with an interface in a policy zone: only there were the zone questions asked.
   * A scope without one (no interfaces, or none a zone selector matched) was not verified and gets no pass.
   */
  zonedScopes: ReadonlySet<string>;
  /**
   * Where the name-resolution question was asked (`account/region`), when the provider's DNS verification asks it
   * only in some scopes (AWS: where an interface endpoint of an approved service exists; Azure: the VNets an approved
   * private endpoint's names were resolved from); elsewhere no DNS pass.
   */
  dnsAsked?: ReadonlySet<string>;
  /**
   * Scopes (`account/region`) with sources of a zone pair the policy allows whose destination, a service zone, has no
   * endpoint in the model: that the AI service can be reached was never shown there.
   */
  unreached: ReadonlySet<string>;
}

const CLIENT_PORTS: [number, number] = [EPHEMERAL_PORTS.from, EPHEMERAL_PORTS.to];

const EMPTY_RESULT: VerifyResult = {
  zones: [],
  matrix: [],
  findings: [],
  notes: [],
  stats: { interfaces: 0, subnets: 0, networks: 0, pairs: 0 },
};

/**
 * Verifies one provider inventory, whichever reader filled it (snapshot, live collection, infrastructure as code):
 * its provider's compiler builds the model and the same questions are asked of every model.
 */
export function verifyInventory(part: LoadedInventory, policy: ZonePolicy): InventoryVerification {
  const zoned = (model: NetworkModel) =>
    new Set(model.interfaces.filter((i) => i.zone !== undefined).map((i) => i.scope));
  const unreached = (model: NetworkModel) => unreachedScopes(model, policy);
  /** The zone questions; interfaces in no zone are asked about as `unzoned` where a rule names it (unzoned.ts). */
  const answer = (model: NetworkModel) => ({
    result: verifyModel(model, withUnzonedZone(model, policy), { clientPorts: CLIENT_PORTS }),
    zonedScopes: zoned(model),
    unreached: unreached(model),
  });
  switch (part.provider) {
    case 'aws': {
      const inv = part.inventory;
      const model = compileAws(inv, policy);
      return {
        ...answer(model),
        extra: [
          ...awsDnsFindings(inv, policy, model),
          ...missingData(inv),
          ...partialModelData('aws', inv.partial, NEEDED, 'AWS::EC2::VPC'),
          ...gapFindings(model),
          ...unzonedFindings(model, policy),
        ],
        dnsAsked: awsDnsScopes(inv, policy),
        model,
        awsInventory: inv,
        scopes: inventoryScopes(inv).map((sc) => ({ provider: 'aws', ...sc, type: 'scope', id: scopeKey(sc) })),
      };
    }
    case 'azure': {
      const inv = part.inventory;
      const model = compileAzure(inv, policy);
      const dnsAsked = new Set<string>();
      return {
        ...answer(model),
        extra: [
          ...azureDnsFindings(inv, policy, model, dnsAsked),
          ...azureMissingData(inv),
          ...gapFindings(model),
          ...unzonedFindings(model, policy),
        ],
        dnsAsked,
        model,
        scopes: azureInventoryScopes(inv)
          .filter((sc) => sc.location !== 'global')
          .map((sc) => ({
            provider: 'azure',
            account: sc.subscription,
            region: sc.location,
            type: 'scope',
            id: azureScopeKey(sc),
          })),
      };
    }
    case 'gcp': {
      const inv = part.inventory;
      const model = compileGcp(inv, policy);
      const dnsAsked = new Set<string>();
      return {
        ...answer(model),
        extra: [
          ...gcpDnsFindings(inv, policy, model, dnsAsked),
          ...gcpMissingData(inv),
          ...gapFindings(model),
          ...unzonedFindings(model, policy),
        ],
        dnsAsked,
        model,
        scopes: gcpProjects(inv).map((p) => ({
          provider: 'gcp',
          account: p,
          region: 'global',
          type: 'cloudresourcemanager.googleapis.com/Project',
          id: `projects/${p}`,
        })),
      };
    }
  }
}

/**
 * Verifies every inventory the input holds (files are sorted to their reader by content, as `cordon scan` does, so
 * infrastructure as code is verified before deploy): the reports are merged.
 */
export async function verifySnapshot(opts: VerifyOptions): Promise<VerifyReport> {
  const abs = path.resolve(opts.cwd, opts.snapshot);
  const { parts } = await loadInput(abs, opts);
  for (const p of parts)
    if (p.provider === 'aws') markDeployTimeZoneTags(p.inventory, opts.policy);
    else if (p.provider === 'azure') markAzureDeployTimeZoneTags(p.inventory, opts.policy);
  const root = (await stat(abs)
    .then((s) => s.isDirectory())
    .catch(() => false))
    ? abs
    : path.dirname(abs);
  const fix = (file: string) => {
    const rel = path.relative(opts.cwd, path.resolve(root, file));
    return (rel.startsWith('..') ? path.resolve(root, file) : rel).split(path.sep).join('/');
  };
  const runs = parts.map((p) => ({
    ...(p.walkOnly
      ? { result: EMPTY_RESULT, extra: [], scopes: [], zonedScopes: new Set<string>(), unreached: new Set<string>() }
      : verifyInventory(p, opts.policy)),
    errors: p.errors,
    files: p.files,
  }));
  // Several inventories of one cloud (a CloudFormation stack beside Terraform) are verified apart: their rows say which.
  const perCloud = new Map<string, number>();
  for (const p of parts) if (!p.walkOnly) perCloud.set(p.provider, (perCloud.get(p.provider) ?? 0) + 1);
  const matrix = runs.flatMap((r, i) =>
    (perCloud.get(parts[i]!.provider) ?? 0) > 1
      ? r.result.matrix.map((m) => ({ ...m, source: parts[i]!.reader }))
      : r.result.matrix,
  );
  // Loaded only with --flows: the flow-log readers are not part of a plain verify.
  const observed = opts.flows
    ? await (await import('./observed.js')).observeRuns({ ...opts.flows, policy: opts.policy, cwd: opts.cwd }, runs)
    : undefined;
  // Observed findings are already relative to the working directory (they point at log lines).
  const findings = [
    ...runs.flatMap((r) => [...r.result.findings, ...r.extra]).map((f) => relocateFinding(f, fix)),
    ...(observed?.findings ?? []),
  ];
  const sup = applySuppressions(findings, opts.policy.document.suppressions, opts.today);
  const first = runs.find((r) => r.result.zones.length > 0)?.result ?? runs[0]?.result ?? EMPTY_RESULT;
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
    scopes: runs.reduce((a, r) => a + r.scopes.length, 0),
    files: runs.reduce((a, r) => a + r.files, 0),
    ...(observed ? { observed } : {}),
  };
}

/** The files a finding's witness path names, made relative to the working directory (in place). */
export function relocateWitness(f: Finding, fix: (file: string) => string): Finding {
  const ev = f.evidence as { witness?: { path?: { file?: string }[] } } | undefined;
  for (const h of ev?.witness?.path ?? []) if (h.file) h.file = fix(h.file);
  return f;
}

/** A finding's paths (its origin, and each hop of its witness) made relative to the working directory. */
export function relocateFinding(f: Finding, fix: (file: string) => string): Finding {
  relocateWitness(f, fix);
  return f.origin?.kind === 'file' ? { ...f, origin: { ...f.origin, file: fix(f.origin.file) } } : f;
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

/** See InventoryVerification.unreached. */
function unreachedScopes(model: NetworkModel, policy: ZonePolicy): Set<string> {
  const present = new Set(model.interfaces.map((i) => i.zone));
  const out = new Set<string>();
  // Every (source zone, service zone) pair the policy allows, whether a rule names the pair or `any`.
  for (const to of policy.zones.values()) {
    // An empty network zone has nothing to reach; a service zone stands for a cloud service reached by its endpoints.
    if (to.kind !== 'service' || present.has(to.name)) continue;
    for (const from of policy.zones.values()) {
      if (from.kind !== 'network' || policySet(policy, from.name, to.name) === EMPTY) continue;
      for (const i of model.interfaces) if (i.zone === from.name && i.role === 'workload') out.add(i.scope);
    }
  }
  return out;
}

/**
 * `cordon scan` reports a verify check's pass per scope where it was answered and holds: no failing finding of that
 * check there, nothing left undecided (a scope with a verify-not-assessed finding gets no pass, since part of
 * its traffic is not proven either way), and an interface of a policy zone there (else nothing was asked).
 */
export function verifyPasses(v: InventoryVerification, checkIds: ReadonlySet<string>): Finding[] {
  const all = [...v.result.findings, ...v.extra];
  const key = (r: Finding['resource']) => (r.provider === 'gcp' ? `${r.account}` : `${r.account}/${r.region}`);
  /** The scope of the resource to change, and those of the interfaces the finding is about (findingScopes). */
  const keysOf = (f: Finding): string[] => {
    const scopes = findingScopes.get(f) ?? [];
    return [
      key(f.resource),
      ...scopes.map((sc) => key({ ...f.resource, account: sc.split('/')[0]!, region: sc.split('/')[1] ?? '' })),
    ];
  };
  const seen = new Set(all.flatMap((f) => keysOf(f).map((k) => `${f.checkId}|${k}`)));
  const undecided = new Set(all.filter((f) => f.checkId === VERIFY_CHECKS.unknown.id).flatMap(keysOf));
  // Interfaces' scopes are account/region on every provider (one inventory, one provider); a GCP scope is a project.
  const provider = v.scopes[0]?.provider ?? 'aws';
  const keys = (scopes: ReadonlySet<string>) =>
    new Set(
      [...scopes].map((s) => key({ provider, account: s.split('/')[0]!, region: s.split('/')[1]!, type: '', id: '' })),
    );
  const asked = keys(v.zonedScopes);
  const unreached = keys(v.unreached);
  const out: Finding[] = [];
  const pairs = v.result.stats.pairs;
  for (const scope of v.scopes) {
    if (undecided.has(key(scope)) || !asked.has(key(scope))) continue;
    for (const c of [VERIFY_CHECKS.violation, VERIFY_CHECKS.broken, VERIFY_CHECKS.dns]) {
      if (!checkIds.has(c.id) || seen.has(`${c.id}|${key(scope)}`)) continue;
      if (c === VERIFY_CHECKS.dns && v.dnsAsked && !v.dnsAsked.has(key(scope))) continue;
      if (c === VERIFY_CHECKS.broken && unreached.has(key(scope))) continue;
      out.push({
        checkId: c.id,
        title: c.title,
        severity: c.severity,
        status: 'pass',
        resource: scope,
        message:
          c === VERIFY_CHECKS.dns
            ? `approved AI service names resolve privately from every calling network in ${scope.id}`
            : c === VERIFY_CHECKS.violation
              ? `no packet class the zone policy denies is permitted in ${scope.id} (${pairs} zone pairs verified)`
              : `every flow the zone policy allows can be established in ${scope.id} (${pairs} zone pairs verified)`,
        evidence: { zonePairs: pairs, interfaces: v.result.stats.interfaces },
        remediation: c.remediation,
        references: [...c.references],
        fingerprint: fingerprintOf(c.id, scope),
      });
    }
  }
  return out;
}
