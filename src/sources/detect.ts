/**
 * Which provider a snapshot file belongs to, by content, so that one directory may hold AWS and Azure data and be
 * scanned as one. The head of each file is enough: Azure documents carry ARM resource ids
 * ("/subscriptions/<guid>/…"), lower- or mixed-case "Microsoft.*" resource types, or a cordon manifest naming azure,
 * and an empty ARM list or Resource Graph result is told by its shape; AWS CLI outputs carry none of these. A file that looks like neither goes to the AWS reader, which reports it as
 * unrecognised with its location (as before Azure existed).
 */
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { isAzureDocument } from './azure-snapshot/recognise.js';
import { isHiddenEntry } from './hidden-entries.js';
import { looksLikeGcp } from './gcp-snapshot/recognise.js';
import { isTemplateName, looksLikeCloudFormation } from './iac/cloudformation/recognise.js';
import { looksLikeTerraformPlan } from './iac/terraform/detect.js';

export type SnapshotProvider = 'aws' | 'azure' | 'gcp';
/** Infrastructure-as-code inputs, read by their own sources (src/sources/iac/) into a provider's inventory. */
export type IacFormat = 'cloudformation' | 'terraform' | 'arm' | 'bicep';
/** Where a file goes: a snapshot provider's reader, or an infrastructure-as-code reader. */
export type InputKind = SnapshotProvider | IacFormat;

const HEAD_BYTES = 16 * 1024;
const AZURE_ID = /"\/subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\/|")/i;
/**
 * An ARM id of a resource whatever the subscription id looks like: the REST API reference's example responses write
 * "/subscriptions/subid/resourceGroups/rg1/providers/Microsoft.Network/…", and some of them (a VNet peering, a DNS
 * zone group) carry no `type`; without this they went to the AWS reader and were rejected.
 */
const ARM_RESOURCE_ID = /"\/subscriptions\/[^/"\s]+\/resourceGroups\/[^/"\s]+\/providers\/Microsoft\.[a-z]+\//i;
const AZURE_TYPE = /"type"\s*:\s*"microsoft\.[a-z]+\//i;
const MANIFEST = /"provider"\s*:\s*"(aws|azure|gcp)"/;
const CORDON_MANIFEST = /"cordonSnapshot"\s*:/;
// The top-level keys of an ARM list or a Resource Graph result; AWS CLI output never has them.
const AZURE_LIST_KEYS = /"(value|data|count|skip_token|total_records|totalRecords|\$skipToken|nextLink)"\s*:/;
const HEADS_AT_ONCE = 16;
// ARM templates and their parameters files name their schema; they hold Microsoft.* types, so this comes first.
const ARM_SCHEMA = /"\$schema"\s*:\s*"[^"]*(deploymentTemplate|deploymentParameters)[^"]*"/i;
/**
 * The Azure portal's forms for a template (createUiDefinition.json, a template spec's uiFormDefinition): they ask for
 * parameters and declare no resource, so they are read by no reader, as a YAML file that is not a template is not.
 */
const PORTAL_FORM_SCHEMA = /"\$schema"\s*:\s*"[^"]*(CreateUIDefinition|uiFormDefinition)[^"]*"/i;

export function detectProvider(head: string): SnapshotProvider | 'arm' {
  // Only cordon's manifest names its provider: a resource tagged "provider": "aws" is still an Azure resource.
  const manifest = CORDON_MANIFEST.test(head) ? MANIFEST.exec(head)?.[1] : undefined;
  if (manifest === 'azure') return 'azure';
  if (manifest === 'aws') return 'aws';
  if (manifest === 'gcp') return 'gcp';
  if (ARM_SCHEMA.test(head)) return 'arm';
  if (AZURE_ID.test(head) || ARM_RESOURCE_ID.test(head) || AZURE_TYPE.test(head)) return 'azure';
  if (looksLikeGcp(head)) return 'gcp';
  // An empty ARM list or Resource Graph result has no id to sniff; a file that fits in the head and has their keys
  // is parsed to tell (every other small file would be parsed twice for nothing).
  if (!AZURE_LIST_KEYS.test(head)) return 'aws';
  try {
    return isAzureDocument(JSON.parse(head)) ? 'azure' : 'aws';
  } catch {
    return 'aws';
  }
}

async function head(file: string): Promise<string> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}

/**
 * The .json files under `root` (or `root` itself), by provider, in sorted order. Folders and files that cannot be
 * read are left to the readers, which report them with their location.
 */
export async function partitionSnapshot(root: string): Promise<Record<InputKind, string[]>> {
  const out: Record<InputKind, string[]> = {
    aws: [],
    azure: [],
    gcp: [],
    cloudformation: [],
    terraform: [],
    arm: [],
    bicep: [],
  };
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, e.name);
      // Tools' configuration; .terraform holds providers and downloaded modules, read through modules.json.
      if (isHiddenEntry(e.name)) continue;
      if (e.isDirectory()) await walk(full);
      else if (!(e.isFile() || e.isSymbolicLink())) continue;
      else if (e.name.endsWith('.tf')) out.terraform.push(full);
      else if (/\.bicep(param)?$/i.test(e.name)) out.bicep.push(full);
      // JSON lines (.jsonl, .ndjson): `gcloud asset export` output; only Google Cloud data is read from them.
      else if (/\.(json|jsonl|ndjson)$/i.test(e.name) || isTemplateName(e.name)) files.push(full);
    }
  };
  try {
    if ((await stat(root)).isFile()) {
      if (root.endsWith('.tf')) out.terraform.push(root);
      else if (/\.bicep(param)?$/i.test(root)) out.bicep.push(root);
      else files.push(root);
    } else await walk(root);
  } catch {
    return out;
  }
  // Heads are read a few at a time (tens of thousands of small files at organisation scale); order is kept.
  // A YAML file that is not a template (cordon.yaml, CI config) goes nowhere, as before templates were read.
  const providers: (InputKind | undefined)[] = files.map((f) => (isTemplateName(f) ? undefined : 'aws'));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < files.length) {
      const i = next++;
      try {
        const text = await head(files[i]!);
        if (looksLikeCloudFormation(text)) providers[i] = 'cloudformation';
        else if (PORTAL_FORM_SCHEMA.test(text)) providers[i] = undefined;
        else if (providers[i] !== undefined)
          providers[i] = looksLikeTerraformPlan(text) ? 'terraform' : detectProvider(text);
      } catch {
        // unreadable: the AWS reader reports it
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(HEADS_AT_ONCE, files.length) }, worker));
  files.forEach((f, i) => {
    const kind = providers[i];
    // JSON lines are only ever Google Cloud asset exports: anything else in them is not cordon's to read.
    if (kind && (kind === 'gcp' || !/\.(jsonl|ndjson)$/i.test(f))) out[kind].push(f);
  });
  out.terraform.sort();
  return out;
}
