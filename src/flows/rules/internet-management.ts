/**
 * Internet to management: an accepted flow from the internet zone to a management zone (any port), or to any
 * internal address on a management port (flows.management_ports: SSH, RDP, WinRM, Kubernetes API). Rejected
 * attempts are not alerted: the internet probes every address all day and a blocked probe needs no action.
 */
import { dstText, flowTextOf, rowFacts, type AlertText, type FlowFacts, type RuleMeta } from '../alerts.js';
import type { FlowContext } from '../context.js';
import { ACTION_REJECT, STATUS_OK, type FlowBatch } from '../record.js';
import { FLOWS_DOC, type FlowRuleModule } from './types.js';

export const INTERNET_MANAGEMENT: RuleMeta = {
  id: 'flow-internet-to-management',
  title: 'Internet traffic reached a management port or the management zone',
  severity: 'high',
  service: 'flows',
  rationale:
    'Management interfaces reachable from the internet are brute-forced within minutes (GuardDuty SSH/RDP/WinRM brute-force findings).',
  remediation: {
    text: 'Close the port to 0.0.0.0/0 and ::/0; reach management through a VPN, bastion or Session Manager.',
  },
  references: [FLOWS_DOC],
};

export const internetManagement: FlowRuleModule = {
  meta: [INTERNET_MANAGEMENT],
  onBatch(b: FlowBatch, ctx: FlowContext): void {
    const internet = ctx.zones.internet;
    for (let i = 0; i < b.n; i++) {
      const dz = b.dstZone[i]!;
      if (
        b.srcZone[i] !== internet ||
        dz === internet ||
        b.status[i] !== STATUS_OK ||
        b.reply[i] === 1 ||
        b.action[i] === ACTION_REJECT
      )
        continue;
      const port = b.dstPort[i]!;
      const mgmtPort = port >= 0 && (b.proto[i] === 6 || b.proto[i] === 17) && ctx.managementPort[port] === 1;
      if (ctx.isManagement[dz] !== 1 && !mgmtPort) continue;
      // Reported outside the loop: a closure over loop variables would allocate a context for every row.
      if (!ctx.isReplyToAllowed(b, i)) report(b, i, ctx, dz, port, mgmtPort);
    }
  },
};

function report(b: FlowBatch, i: number, ctx: FlowContext, dz: number, port: number, mgmtPort: boolean): void {
  ctx.alerts.hitRow(INTERNET_MANAGEMENT, 'high', `${dstText(b, i)}:${port}/${b.proto[i]}`, b, i, () =>
    internetManagementText(rowFacts(b, i, ctx.zones.names), ctx.isManagement[dz] === 1, mgmtPort),
  );
}

/**
 * Message and evidence of an internet-to-management alert, from plain values (both engines): `managementZone` when
 * the destination zone is a management zone, `managementPort` when the port is one of flows.management_ports.
 */
export function internetManagementText(f: FlowFacts, managementZone: boolean, managementPort: boolean): AlertText {
  return {
    talker: f.src,
    message: `Internet source reached ${managementZone ? 'management zone ' : 'a management port in zone '}${f.dstZone}: ${flowTextOf(f)}`,
    evidence: { srcZone: f.srcZone, dstZone: f.dstZone, managementPort },
  };
}
