/**
 * What every flow rule shares: the zone map, the roles of zones (data, inference, sandbox, management as named in
 * flows settings), cached policy decisions per (from zone, to zone, protocol, port), approved address sets, and the
 * alert book.
 */
import { policyNamesUnzoned, UNZONED_ZONE } from '../policy/any-zone.js';
import { decide, type Decision } from '../policy/evaluate.js';
import type { ZonePolicy } from '../policy/load.js';
import type { Protocol } from '../policy/schema.js';
import type { AlertBook } from './alerts.js';
import { globMatch } from '../util/glob.js';
import { parseAddress } from './ip.js';
import type { FlowBatch } from './record.js';
import { DST_V6, SRC_V6 } from './record.js';
import type { FlowSettings } from './settings.js';
import { PrefixTable, type ZoneMap } from './zones.js';

/** Resolvers of the platforms themselves; traffic to them is not a bypass. */
export const PROVIDER_RESOLVERS = ['169.254.169.253/32', 'fd00:ec2::253/128', '168.63.129.16/32', '169.254.169.254/32'];

export interface CachedDecision {
  allowed: boolean;
  kind: Decision['kind'];
  /** Indices into policy.rules of the deciding rules. */
  rules: number[];
  reason: string;
}

export class FlowContext {
  readonly isData: Uint8Array;
  readonly isInference: Uint8Array;
  readonly isSandbox: Uint8Array;
  readonly isManagement: Uint8Array;
  /** Zones the policy talks about (network, service and the internet zone), not the pseudo-zones. */
  readonly isPolicyZone: Uint8Array;
  readonly managementPort: Uint8Array;
  readonly approvedAi: PrefixTable;
  readonly approvedResolvers: PrefixTable;
  /** IPv4 addresses (uint32) and IPv6 texts of approved AI endpoints learned from DNS answers; bounded. */
  readonly learnedAi4 = new Set<number>();
  readonly learnedAi6 = new Set<string>();
  static readonly MAX_LEARNED = 100_000;
  /**
   * Rule port ranges cut 0..65535 into segments with one decision each: `segmentOfPort` (shared by all zone pairs,
   * 64 KiB, stays in cache) maps a port (65536 = none) to its segment, and `decisionTable` holds decision index + 1
   * per ((from × zones + to) × 4 + protocol class) × segments + segment, 0 until that zone pair is first asked.
   */
  private readonly cuts: number[];
  private readonly segmentOfPort: Uint16Array;
  private readonly segments: number;
  private readonly decisionTable: Int32Array;
  private readonly zoneCount: number;
  private readonly decisionList: CachedDecision[] = [];
  private readonly decisionByReason = new Map<string, number>();
  /** The zone approved AI endpoint addresses are placed in: the first service zone, else none (-1). */
  readonly aiZone: number;
  /** Accepted rows credited to each allow rule (by index); complete after settleRuleUse(). */
  readonly ruleUse: Float64Array;
  /** Per decision index: 1 when allowed, and rows credited to it (summed into ruleUse by settleRuleUse()). */
  private allowedById = new Uint8Array(64);
  private creditsById = new Float64Array(64);
  private readonly aiDomainPatterns: string[];

  constructor(
    readonly policy: ZonePolicy,
    readonly settings: FlowSettings,
    readonly zones: ZoneMap,
    readonly alerts: AlertBook,
  ) {
    const mask = (names: string[]) => {
      const m = new Uint8Array(256);
      for (const n of names) {
        const id = zones.zoneId(n);
        if (id !== undefined) m[id] = 1;
      }
      return m;
    };
    this.isData = mask(settings.data_zones);
    this.isInference = mask(settings.inference_zones);
    this.isSandbox = mask(settings.sandbox_zones);
    this.isManagement = mask(settings.management_zones);
    this.isPolicyZone = new Uint8Array(256);
    const judgeUnzoned = policyNamesUnzoned(policy.rules);
    for (let z = 0; z < zones.names.length; z++)
      if ((z !== zones.unzoned || judgeUnzoned) && z !== zones.gateway) this.isPolicyZone[z] = 1;
    this.managementPort = new Uint8Array(65536);
    for (const p of settings.management_ports) this.managementPort[p] = 1;
    this.approvedAi = PrefixTable.ofCidrs(settings.approved_ai_cidrs);
    this.approvedResolvers = PrefixTable.ofCidrs([...PROVIDER_RESOLVERS, ...settings.approved_resolvers]);
    this.ruleUse = new Float64Array(policy.rules.length);
    this.zoneCount = zones.names.length;
    const cuts = new Set<number>([0, 65536]);
    for (const r of policy.rules) {
      cuts.add(r.portRange.low);
      cuts.add(r.portRange.high + 1);
    }
    this.cuts = [...cuts].filter((c) => c <= 65536).sort((a, b) => a - b);
    // The last segment is "no port" (65536).
    this.segments = this.cuts.length;
    this.segmentOfPort = new Uint16Array(65537);
    for (let k = 0; k + 1 < this.cuts.length; k++) this.segmentOfPort.fill(k, this.cuts[k], this.cuts[k + 1]);
    this.segmentOfPort[65536] = this.segments - 1;
    this.decisionTable = new Int32Array(this.zoneCount * this.zoneCount * 4 * this.segments);
    const service = [...policy.zones.values()].find((z) => z.kind === 'service');
    this.aiZone = service ? (zones.zoneId(service.name) ?? -1) : -1;
    this.aiDomainPatterns = settings.approved_ai_domains.map((d) => d.toLowerCase());
  }

  /**
   * The policy decision for traffic between two zones on a destination port. Per (from, to, protocol) the decision
   * of every port is computed at once: rule port ranges cut 0..65535 into a few segments, and decide() runs once per
   * segment, so the hot path is an array read.
   */
  decision(from: number, to: number, proto: number, port: number): CachedDecision {
    return this.decisionList[this.decisionId(from, to, proto, port)]!;
  }

  /** The index of the decision (for isAllowedId / credit / decisionById): the per-row hot path reads no object. */
  decisionId(from: number, to: number, proto: number, port: number): number {
    // Only tcp, udp and icmp differ in meaning; every other protocol is "any".
    const pc = proto === 6 ? 0 : proto === 17 ? 1 : proto === 1 || proto === 58 ? 2 : 3;
    const seg = this.segmentOfPort[port < 0 || port > 65535 ? 65536 : port]!;
    const base = ((from * this.zoneCount + to) * 4 + pc) * this.segments;
    let v = this.decisionTable[base + seg]!;
    if (v === 0) {
      this.fillPair(base, from, to, pc);
      v = this.decisionTable[base + seg]!;
    }
    return v - 1;
  }

  isAllowedId(id: number): boolean {
    return this.allowedById[id] === 1;
  }

  decisionById(id: number): CachedDecision {
    return this.decisionList[id]!;
  }

  /** Credits one accepted row to the allow rules of decision `id` (counted per decision, summed at the end). */
  credit(id: number): void {
    this.creditsById[id]!++;
  }

  /** Adds the per-decision credits to ruleUse (once, after the last batch). */
  settleRuleUse(): void {
    for (let id = 0; id < this.decisionList.length; id++) {
      const n = this.creditsById[id]!;
      if (n === 0) continue;
      for (const r of this.decisionList[id]!.rules) this.ruleUse[r]! += n;
      this.creditsById[id] = 0;
    }
  }

  /** Decides every port segment of one (from, to, protocol class) once. */
  private fillPair(base: number, from: number, to: number, pc: number): void {
    const protocol: Protocol = pc === 0 ? 'tcp' : pc === 1 ? 'udp' : pc === 2 ? 'icmp' : 'any';
    const ask = (port: number | undefined): number => {
      // The private space no zone claims is "unzoned" to the policy.
      const name = (z: number) => (z === this.zones.unzoned ? UNZONED_ZONE : this.zones.names[z]!);
      const r = decide(this.policy, {
        from: name(from),
        to: name(to),
        protocol,
        ...(port !== undefined && (protocol === 'tcp' || protocol === 'udp') ? { port } : {}),
      });
      // Identical decisions share one object (and one index), so the cache stays small.
      const rules = r.decidingRules.map((x) => x.index);
      const sig = `${r.kind}|${rules.join(',')}`;
      let idx = this.decisionByReason.get(sig);
      if (idx === undefined) {
        idx = this.decisionList.length;
        this.decisionList.push({ allowed: r.allowed, kind: r.kind, rules, reason: r.reason });
        this.decisionByReason.set(sig, idx);
        if (idx >= this.allowedById.length) {
          const allowed = new Uint8Array(idx * 2);
          allowed.set(this.allowedById);
          this.allowedById = allowed;
          const credits = new Float64Array(idx * 2);
          credits.set(this.creditsById);
          this.creditsById = credits;
        }
        this.allowedById[idx] = r.allowed ? 1 : 0;
      }
      return idx + 1;
    };
    for (let k = 0; k + 1 < this.cuts.length; k++) this.decisionTable[base + k] = ask(this.cuts[k]);
    this.decisionTable[base + this.segments - 1] = ask(undefined);
  }

  /**
   * True when row i looks like the reply of a connection the policy allows in the other direction (flow logs record
   * each direction as its own record): dst→src on the row's source port is allowed.
   */
  isReplyToAllowed(b: FlowBatch, i: number): boolean {
    const sp = b.srcPort[i]!;
    if (sp < 0) return false;
    return this.allowedById[this.decisionId(b.dstZone[i]!, b.srcZone[i]!, b.proto[i]!, sp)] === 1;
  }

  isApprovedAi(b: FlowBatch, i: number): boolean {
    return this.approvedAiAddress(b.family[i]! & DST_V6 ? b.dstV6[i] : undefined, b.dst[i]!);
  }

  isApprovedAiSrc(b: FlowBatch, i: number): boolean {
    return this.approvedAiAddress(b.family[i]! & SRC_V6 ? b.srcV6[i] : undefined, b.src[i]!);
  }

  /** An IPv6 text when the address is IPv6, else the IPv4 uint32. */
  private approvedAiAddress(v6: string | undefined, v4: number): boolean {
    if (v6 !== undefined)
      return this.approvedAi.lookup6(v6) === 1 || (this.learnedAi6.size > 0 && this.learnedAi6.has(v6));
    // Set.has on a uint32 above 2^30 boxes a number: skip it when nothing was learned.
    return this.approvedAi.lookup4(v4) === 1 || (this.learnedAi4.size > 0 && this.learnedAi4.has(v4));
  }

  isApprovedResolver(b: FlowBatch, i: number): boolean {
    return b.family[i]! & DST_V6
      ? this.approvedResolvers.lookup6(b.dstV6[i]!) === 1
      : this.approvedResolvers.lookup4(b.dst[i]!) === 1;
  }

  /**
   * Approved AI endpoints belong to the service zone: public addresses in flows.approved_ai_cidrs (only where they
   * would otherwise be internet), and the private endpoint addresses that DNS answers for approved AI names gave
   * (wherever they are: an endpoint address inside the inference subnet is the endpoint, most specific wins).
   */
  rezoneApprovedAi(b: FlowBatch): void {
    const ai = this.aiZone;
    const internet = this.zones.internet;
    if (ai < 0) return;
    const learned = this.learnedAi4.size > 0 || this.learnedAi6.size > 0;
    if (this.approvedAi.intervalCount === 0 && !learned) return;
    for (let i = 0; i < b.n; i++) {
      const f = b.family[i]!;
      if (learned && this.isLearned(f & DST_V6 ? b.dstV6[i] : undefined, b.dst[i]!)) b.dstZone[i] = ai;
      else if (b.dstZone[i] === internet && this.isApprovedAi(b, i)) b.dstZone[i] = ai;
      if (learned && this.isLearned(f & SRC_V6 ? b.srcV6[i] : undefined, b.src[i]!)) b.srcZone[i] = ai;
      else if (b.srcZone[i] === internet && this.isApprovedAiSrc(b, i)) b.srcZone[i] = ai;
    }
  }

  private isLearned(v6: string | undefined, v4: number): boolean {
    return v6 !== undefined ? this.learnedAi6.has(v6) : this.learnedAi4.has(v4);
  }

  /** True when a host name is an approved AI service name (flows.approved_ai_domains). */
  isAiName(name: string): boolean {
    return this.aiDomainPatterns.some((p) => globMatch(p, name, true));
  }

  /**
   * Where a DNS answer for an approved AI name points: inside a zone or the configured private ranges (the private
   * endpoint: learned), inside flows.approved_ai_cidrs (approved public endpoints), or anywhere else (public: a DNS
   * leak, never learned, so a connection to it stays an unapproved endpoint).
   */
  aiAnswerKind(text: string): 'private' | 'approved' | 'public' | 'invalid' {
    const a = parseAddress(text);
    if (a === undefined) return 'invalid';
    const zone = a.v === 4 ? this.zones.table.lookup4(a.n) : this.zones.table.lookup6(a.text);
    if (zone !== this.zones.internet) return 'private';
    const approved = a.v === 4 ? this.approvedAi.lookup4(a.n) : this.approvedAi.lookup6(a.text);
    return approved === 1 ? 'approved' : 'public';
  }

  /** Learns a private endpoint address of an approved AI name (see aiAnswerKind); bounded by MAX_LEARNED. */
  learnAiAddress(text: string): void {
    if (this.learnedAi4.size + this.learnedAi6.size >= FlowContext.MAX_LEARNED) return;
    const a = parseAddress(text);
    if (a?.v === 6) this.learnedAi6.add(a.text);
    else if (a?.v === 4) this.learnedAi4.add(a.n);
  }

  zoneName(z: number): string {
    return this.zones.names[z]!;
  }
}
