/**
 * Route 53 private hosted zones of one account and region: per VPC the zones associated with it
 * (list-hosted-zones-by-vpc), and the record sets of those zones (list-resource-record-sets). Neither output names
 * the VPC or zone it is about, so each is written with it, as the documented --query would print it. Route 53 is a
 * global service; asking per VPC keeps the data with the region it matters to.
 */
import {
  ListHostedZonesByVPCCommand,
  ListResourceRecordSetsCommand,
  type Route53Client,
  type VPCRegion,
} from '@aws-sdk/client-route-53';
import type { Limiter } from './limiter.js';
import { dependent, failed, ok, sortById, type DatasetOutcome } from './types.js';

const BY_VPC = 'route53:ListHostedZonesByVPC';
const RECORDS = 'route53:ListResourceRecordSets';

export async function collectHostedZones(
  client: Route53Client,
  region: string,
  limit: Limiter,
  vpcOutcome: DatasetOutcome,
  vpcs: Record<string, unknown>[] | undefined,
): Promise<DatasetOutcome[]> {
  if (!vpcs)
    return [
      dependent('route53:hosted-zones-by-vpc', BY_VPC, vpcOutcome.unavailable!),
      dependent('route53:record-sets', RECORDS, vpcOutcome.unavailable!),
    ];
  // No VPCs, no associations, no zones to read: an empty array file would name no data set.
  if (vpcs.length === 0) return [ok('route53:hosted-zones-by-vpc'), ok('route53:record-sets')];
  let byVpc: { VpcId: string; HostedZoneSummaries: Record<string, unknown>[] }[];
  try {
    byVpc = await Promise.all(
      sortById(vpcs, 'VpcId').map((v) =>
        limit(async () => {
          const VpcId = String(v.VpcId);
          const summaries: Record<string, unknown>[] = [];
          let NextToken: string | undefined;
          do {
            const r = await client.send(
              new ListHostedZonesByVPCCommand({ VPCId: VpcId, VPCRegion: region as VPCRegion, NextToken }),
            );
            summaries.push(...((r.HostedZoneSummaries ?? []) as unknown as Record<string, unknown>[]));
            NextToken = r.NextToken;
          } while (NextToken);
          return { VpcId, HostedZoneSummaries: sortById(summaries, 'HostedZoneId') };
        }),
      ),
    );
  } catch (err) {
    const out = failed('route53:hosted-zones-by-vpc', BY_VPC, err);
    return [out, dependent('route53:record-sets', RECORDS, out.unavailable!)];
  }
  const zones = [...new Set(byVpc.flatMap((d) => d.HostedZoneSummaries.map((z) => String(z.HostedZoneId))))].sort();
  const associations = ok('route53:hosted-zones-by-vpc', { name: 'list-hosted-zones-by-vpc.json', document: byVpc });
  try {
    const records = await Promise.all(zones.map((HostedZoneId) => limit(() => recordSets(client, HostedZoneId))));
    return [
      associations,
      ok(
        'route53:record-sets',
        ...(records.length ? [{ name: 'list-resource-record-sets.json', document: records }] : []),
      ),
    ];
  } catch (err) {
    // Records missing for one zone would read as "no record": all or nothing.
    return [associations, failed('route53:record-sets', RECORDS, err)];
  }
}

/** Every record set of a zone, following StartRecordName/Type/Identifier across pages. */
async function recordSets(client: Route53Client, HostedZoneId: string) {
  const sets: Record<string, unknown>[] = [];
  let next: { StartRecordName?: string; StartRecordType?: string; StartRecordIdentifier?: string } = {};
  for (;;) {
    const r = await client.send(new ListResourceRecordSetsCommand({ HostedZoneId, ...next } as never));
    sets.push(...((r.ResourceRecordSets ?? []) as unknown as Record<string, unknown>[]));
    if (!r.IsTruncated || !r.NextRecordName) break;
    next = {
      StartRecordName: r.NextRecordName,
      ...(r.NextRecordType ? { StartRecordType: r.NextRecordType } : {}),
      ...(r.NextRecordIdentifier ? { StartRecordIdentifier: r.NextRecordIdentifier } : {}),
    };
  }
  return { HostedZoneId, ResourceRecordSets: sets };
}
