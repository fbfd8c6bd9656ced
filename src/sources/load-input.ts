/**
 * Every reader behind one call: the files of an input (a snapshot directory of any provider mix, infrastructure as
 * code included) are sorted to their reader by content (detect.ts), and each reader gives one provider inventory with
 * its errors and warnings. `cordon scan` checks these inventories and `cordon verify` compiles them, so both read
 * exactly the same inputs. IaC readers load only when the input holds their files (startup time).
 */
import path from 'node:path';
import type { AwsInventory } from '../inventory/aws.js';
import { emptyAwsInventory } from '../inventory/aws.js';
import type { AzureInventory } from '../inventory/azure.js';
import type { GcpInventory } from '../inventory/gcp.js';
import type { IacLanguage } from '../inventory/input-kind.js';
import type { InputError } from '../util/errors.js';
import { loadAwsSnapshot, type SnapshotOptions, type SnapshotWarning } from './aws-snapshot/load.js';
import { loadAzureSnapshot } from './azure-snapshot/load.js';
import { loadGcpSnapshot } from './gcp-snapshot/load.js';
import { partitionSnapshot, type InputKind } from './detect.js';
import type { CloudFormationOptions } from './iac/cloudformation/load.js';

export interface InputOptions {
  cwd: string;
  /** Reader settings: the size limit for one file (maxFileBytes), when to stream, a file system to read through. */
  snapshotOptions?: SnapshotOptions;
  /** Template parameter values (`--parameter Key=Value`): CloudFormation's, and the top-level ARM and Bicep files'. */
  cloudFormation?: CloudFormationOptions;
  /** Terraform input values: --var-file files (relative to cwd) and --var NAME=VALUE. */
  terraform?: { varFiles?: string[]; vars?: string[] };
}

interface ReadReport {
  /** The reader that filled the inventory. */
  reader: InputKind;
  errors: InputError[];
  warnings: SnapshotWarning[];
  files: number;
  /**
   * True for the AWS reader's walk of a tree whose files all belong to other readers: it carries the walk's errors
   * (unreadable folders and links) and nothing to check.
   */
  walkOnly?: boolean;
}

export type LoadedInventory =
  | (ReadReport & { provider: 'aws'; inventory: AwsInventory })
  | (ReadReport & { provider: 'azure'; inventory: AzureInventory })
  | (ReadReport & { provider: 'gcp'; inventory: GcpInventory });

export interface LoadedInput {
  parts: LoadedInventory[];
  /** Whether any file belongs to a reader other than the AWS snapshot reader. */
  others: boolean;
  /** The AWS snapshot reader's inventory (empty when the input has no AWS snapshot files). */
  awsSnapshot: AwsInventory;
}

const IAC_LANGUAGE: Partial<Record<InputKind, IacLanguage>> = {
  terraform: 'Terraform',
  cloudformation: 'CloudFormation',
  arm: 'ARM',
  bicep: 'Bicep',
};

/** Reads an input (absolute path) with every reader its files need. */
export async function loadInput(abs: string, opts: InputOptions): Promise<LoadedInput> {
  const input = await partitionSnapshot(abs);
  // Files a Bicep file loads at compile time are its data: read through it, never as snapshot files.
  if (input.bicep.length > 0) {
    const loaded = await (await import('./iac/bicep/load.js')).bicepContentFiles(input.bicep);
    for (const kind of Object.keys(input) as (keyof typeof input)[])
      if (kind !== 'bicep') input[kind] = input[kind].filter((f) => !loaded.has(path.resolve(f)));
  }
  const others = Object.entries(input).some(([kind, files]) => kind !== 'aws' && files.length > 0);
  // The AWS reader also walks the tree when every file is another reader's: it reports unreadable folders and links.
  const aws = await loadAwsSnapshot(
    abs,
    others ? { ...opts.snapshotOptions, only: new Set(input.aws.map((f) => path.resolve(f))) } : opts.snapshotOptions,
  );
  const parts: LoadedInventory[] = [];
  if (input.aws.length > 0 || !others)
    parts.push({
      provider: 'aws',
      reader: 'aws',
      inventory: aws.inventory,
      errors: aws.errors,
      warnings: aws.warnings,
      files: aws.files.length,
    });
  else if (aws.errors.length > 0 || aws.warnings.length > 0)
    // Only the walk's findings (unreadable folders); with other readers' files, "no .json files" is no error.
    parts.push({
      provider: 'aws',
      reader: 'aws',
      inventory: aws.inventory,
      errors: aws.errors.filter((e) => !/^no \.json files found$/.test(e.message)),
      warnings: aws.warnings,
      files: 0,
      walkOnly: true,
    });
  if (input.terraform.length > 0) {
    // Terraform (HCL or plan JSON) fills AWS, Azure and GCP inventories of its own; the first carries the tree's
    // errors and warnings.
    const { loadTerraform } = await import('./iac/terraform/load.js');
    const tf = await loadTerraform(abs, input.terraform, { ...opts.terraform, cwd: opts.cwd });
    let report: Omit<ReadReport, 'reader'> = { errors: tf.errors, warnings: tf.warnings, files: tf.files.length };
    const reported = () => {
      const r = report;
      report = { errors: [], warnings: [], files: 0 };
      return { ...r, reader: 'terraform' as const };
    };
    if (tf.inventory) parts.push({ provider: 'aws', inventory: tf.inventory, ...reported() });
    if (tf.azure) parts.push({ provider: 'azure', inventory: tf.azure, ...reported() });
    if (tf.gcp) parts.push({ provider: 'gcp', inventory: tf.gcp, ...reported() });
    if (!tf.inventory && !tf.azure && !tf.gcp)
      parts.push({ provider: 'aws', inventory: emptyAwsInventory(), ...reported(), walkOnly: true });
  }
  if (input.cloudformation.length > 0) {
    // Templates fill an AWS inventory of their own (scope iac / iac-region).
    const { loadCloudFormation } = await import('./iac/cloudformation/load.js');
    const cfn = await loadCloudFormation(abs, input.cloudformation, opts.cloudFormation);
    parts.push({
      provider: 'aws',
      reader: 'cloudformation',
      inventory: cfn.inventory,
      errors: cfn.errors,
      warnings: cfn.warnings,
      files: cfn.files.length,
    });
  }
  if (input.azure.length > 0) {
    const azure = await loadAzureSnapshot(abs, input.azure);
    parts.push({
      provider: 'azure',
      reader: 'azure',
      inventory: azure.inventory,
      errors: azure.errors,
      warnings: azure.warnings,
      files: azure.files.length,
    });
  }
  // ARM templates and Bicep files each fill an Azure inventory of their own.
  if (input.arm.length > 0) {
    const r = await (await import('./iac/arm/load.js')).loadArm(abs, input.arm, opts.cloudFormation?.parameters);
    parts.push({ provider: 'azure', reader: 'arm', ...r, files: r.files.length });
  }
  if (input.bicep.length > 0) {
    const r = await (await import('./iac/bicep/load.js')).loadBicep(abs, input.bicep, opts.cloudFormation?.parameters);
    parts.push({ provider: 'azure', reader: 'bicep', ...r, files: r.files.length });
  }
  if (input.gcp.length > 0) {
    const gcp = await loadGcpSnapshot(abs, input.gcp);
    parts.push({
      provider: 'gcp',
      reader: 'gcp',
      inventory: gcp.inventory,
      errors: gcp.errors,
      warnings: gcp.warnings,
      files: gcp.files.length,
    });
  }
  for (const p of parts) if (IAC_LANGUAGE[p.reader]) p.inventory.iac = IAC_LANGUAGE[p.reader];
  return { parts, others, awsSnapshot: aws.inventory };
}
