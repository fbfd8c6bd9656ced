import { gcpIdKey, holdsVms } from '../../inventory/gcp.js';
import { aiZones } from './firewall-support.js';
import { defineGcpCheck, type GcpCheckResult } from './types.js';

/**
 * Metadata fields `cordon flows` reads: src_instance and src_vpc tell a VM-to-VM flow's second (DEST) report from a
 * new flow, and the instance names attribute records to interfaces.
 */
export const MONITOR_METADATA = ['src_instance', 'dest_instance', 'src_vpc', 'dest_vpc'];

/**
 * Below Google's default of 0.5 the monitor misses whole short connections: a 10-packet HTTPS call is missed with
 * probability (1 - sampling)^10 — 35% at 0.1, 0.1% at 0.5.
 */
export const MIN_FLOW_SAMPLING = 0.5;

export default defineGcpCheck({
  id: 'gcp-ai-subnet-flow-logs-missing',
  title: 'AI or data zone subnetwork has no VPC flow logs the flow monitor can use',
  severity: 'medium',
  service: 'compute',
  resourceType: 'compute.googleapis.com/Subnetwork',
  rationale:
    "Seed 000 asks for all traffic between zones to be captured so that `cordon flows` can show traffic that breaks the zone intent. On Google Cloud that is VPC Flow Logs on each subnetwork (logConfig.enable). cordon also fails configurations that feed the monitor too little: metadata EXCLUDE_ALL_METADATA, or CUSTOM_METADATA without src_instance, dest_instance, src_vpc and dest_vpc (without them the monitor cannot tell the destination VM's report of a flow from a new flow, so VM-to-VM traffic is counted twice and records lose their instance); a filterExpr (records it drops are traffic the monitor never sees); and flowSampling below 0.5, Google's default (a 10-packet connection is missed entirely 35% of the time at 0.1). The aggregation interval only delays records and is not judged.",
  remediation: {
    text: 'Enable flow logs on the subnetwork with all metadata, no filter, and sampling 0.5 or more (1.0 for the data zone), and export them to where `cordon flows` reads them.',
    snippet: {
      language: 'shell',
      code: 'gcloud compute networks subnets update SUBNET --region REGION --enable-flow-logs --logging-metadata include-all --logging-flow-sampling 1.0 --logging-aggregation-interval interval-5-sec',
    },
  },
  references: [
    'https://cloud.google.com/vpc/docs/flow-logs',
    'https://cloud.google.com/vpc/docs/using-flow-logs',
    'https://cloud.google.com/compute/docs/reference/rest/v1/subnetworks',
  ],
  seeds: ['000: Monitoring — capture all traffic between zones with VPC flow logs'],
  requires: ['compute:subnetworks'],
  run(ctx) {
    const zones = aiZones(ctx.policy);
    const out: GcpCheckResult[] = [];
    for (const s of [...ctx.own.subnetworks].sort((a, b) => gcpIdKey(a.id).localeCompare(gcpIdKey(b.id)))) {
      const zone = ctx.zones.subnetwork(s.id)?.zone;
      if (!zone || !zones.has(zone) || !holdsVms(s)) continue;
      const what = `subnetwork ${s.name} (${zone})`;
      const base = {
        resource: { id: s.id, type: 'compute.googleapis.com/Subnetwork' },
        region: s.region,
        origin: s.origin,
      };
      const lc = s.logConfig;
      if (!lc || lc.enable !== true) {
        out.push({
          ...base,
          status: 'fail',
          message: `${what} has no VPC flow logs: traffic between zones is not recorded`,
        });
        continue;
      }
      const problems: string[] = [];
      let unknown: string | undefined;
      const metadata = lc.metadata ?? 'INCLUDE_ALL_METADATA';
      if (metadata === 'EXCLUDE_ALL_METADATA')
        problems.push('metadata EXCLUDE_ALL_METADATA drops src_instance and src_vpc, which the monitor needs');
      else if (metadata === 'CUSTOM_METADATA') {
        if (!lc.metadataFields) unknown = 'metadata is CUSTOM_METADATA but the snapshot does not list metadataFields';
        else {
          const missing = MONITOR_METADATA.filter((f) => !lc.metadataFields!.includes(f));
          if (missing.length)
            problems.push(`CUSTOM_METADATA leaves out ${missing.join(', ')}, which the monitor needs`);
        }
      }
      if (lc.filterExpr && lc.filterExpr.trim() !== '' && lc.filterExpr.trim() !== 'true')
        problems.push(`filterExpr ${JSON.stringify(lc.filterExpr)} drops records the monitor then never sees`);
      const sampling = lc.flowSampling ?? 0.5;
      if (sampling < MIN_FLOW_SAMPLING)
        problems.push(`flowSampling ${sampling} is below ${MIN_FLOW_SAMPLING}: short connections are missed entirely`);
      const settings = `sampling ${sampling}, metadata ${metadata}, aggregation ${lc.aggregationInterval ?? 'INTERVAL_5_SEC'}`;
      if (problems.length)
        out.push({
          ...base,
          status: 'fail',
          message: `${what} has flow logs the monitor cannot rely on: ${problems.join('; ')}`,
          evidence: { logConfig: lc },
        });
      else if (unknown) out.push({ ...base, status: 'not-assessed', message: `${what}: ${unknown}` });
      else out.push({ ...base, status: 'pass', message: `${what} has VPC flow logs (${settings})` });
    }
    return out;
  },
});
