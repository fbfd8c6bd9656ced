/**
 * Fixes for verify findings: the change to the rule or route a finding is located at, as the provider's CLI command
 * filled in with the resource's own ids (deployed inventories), or as the edit to make in the code (infrastructure as
 * code, where ids are not assigned yet). What the command changes follows from the finding:
 * - a violation at an allow rule: take the rule out, and give back only what the policy allows into the zone on the
 *   rule's ports, from the zones the policy names (their subnets' ranges, or the zone's CIDRs in cordon.yaml);
 * - a violation at a rule that cannot be edited (Azure's default rules, Google Cloud's implied rules) or a route:
 *   a deny rule in front of it, or the route removed;
 * - broken intent at the filter that dropped it: an allow for the missing classes, in front of the rule that dropped
 *   them, from the source zone's ranges to the destination zone's.
 * Findings cordon cannot decide keep their check's fix (collect what was missing). Commands only print: cordon never
 * runs them (read-only by design).
 */
import type { Remediation } from '../findings/types.js';
import { CidrIndex, cidrContains, tryParseCidr, type Cidr } from '../util/cidr.js';
import { parseAzureId } from '../inventory/azure.js';
import { projectOfId } from '../inventory/gcp.js';
import { PRIVATE_VIP } from '../checks/gcp/private-access.js';
import { awsProtocol, permissionPorts } from './aws.js';
import type { ZonePolicy } from '../policy/load.js';
import type { Filter, FilterRule, FixTarget, Interface, NetworkModel, Ref, Remote } from './model.js';
import type { Point, ProtoPortBox } from './packet-set.js';
import type { Trace } from './trace.js';

export interface FixQuestion {
  kind: 'violation' | 'broken' | 'unknown' | 'intent';
  from: string;
  to: string;
  locate: Ref | undefined;
  /** The finding's protocol × port classes. */
  classes: readonly ProtoPortBox[];
  /** What the policy allows into `to`, per source zone (violations: what a narrowed rule may still admit). */
  allowedInto: (zone: string) => readonly ProtoPortBox[];
  /** What the policy allows from `from` into a zone (the flows a removed route may still carry). */
  allowedFrom?: (zone: string) => readonly ProtoPortBox[];
  trace: Trace;
  /** The witness packet. */
  packet: Point;
  /** The finding's scope: AWS account and region, Azure subscription, Google Cloud project. */
  account: string;
  region: string;
}

/** Every filter of the model's subnets and interfaces, once. */
function modelFilters(model: NetworkModel): Set<Filter> {
  const out = new Set<Filter>();
  for (const s of model.subnets.values()) for (const f of [s.inbound, s.outbound]) if (f) out.add(f);
  for (const i of model.interfaces) for (const f of [i.inbound, i.outbound]) out.add(f);
  return out;
}

/**
 * The protocol × port classes of the rule a Ref locates (its filter rules share the Ref), or undefined when no filter
 * holds it. A narrowed rule keeps its ports, so which zones it may keep admitting is asked on all of them, not only on
 * the finding's classes (a zone allowed on a port the finding does not name lost it).
 */
function ruleClassesOf(model: NetworkModel, ref: Ref): ProtoPortBox[] | undefined {
  const rules = rulesOf(model, ref);
  if (!rules) return undefined;
  const out: ProtoPortBox[] = [];
  for (const r of rules) if (!out.some((b) => sameBox(b, r))) out.push({ proto: [...r.proto], port: [...r.ports] });
  return out;
}

/** The filter rules a Ref locates (one rule of the provider's can be several of the model's). */
function rulesOf(model: NetworkModel, ref: Ref): FilterRule[] | undefined {
  let memo = rulesMemo.get(model);
  if (!memo) {
    rulesMemo.set(model, (memo = new Map<Ref, FilterRule[]>()));
    for (const f of modelFilters(model))
      for (const r of f.rules) {
        const list = memo.get(r.ref);
        if (!list) memo.set(r.ref, [r]);
        else if (!list.includes(r)) list.push(r);
      }
  }
  return memo.get(ref);
}
const rulesMemo = new WeakMap<NetworkModel, Map<Ref, FilterRule[]>>();
const overlaps = (a: Cidr, b: Cidr) => a.family === b.family && a.first <= b.last && b.first <= a.last;
const sameBox = (b: ProtoPortBox, r: FilterRule) =>
  b.proto[0] === r.proto[0] && b.proto[1] === r.proto[1] && b.port[0] === r.ports[0] && b.port[1] === r.ports[1];

/** Priorities each zone pair's Azure rules take (a deny and the allows in front of it). */
const BAND = 8;

/**
 * Per model, NSG or network ACL and direction: the priorities (rule numbers) its own rules and the fixes already
 * written hold. Both must be unique per direction, and several findings may add rules to one NSG or ACL.
 */
interface Taken {
  /** Those of the NSG's or ACL's own rules. */
  existing: Set<number>;
  used: Set<number>;
  byFinding: Map<string, number[]>;
}
const takenMemo = new WeakMap<NetworkModel, Map<string, Taken>>();

/** `nsg|<id>|<direction>` or `nacl|<id>|<egress>`. */
function takenNumbers(model: NetworkModel, policy: ZonePolicy, key: string): Taken {
  let memo = takenMemo.get(model);
  // Every zone pair's NSG deny band (azureDeny) is held, whether or not a finding asks for it.
  const bands = () => new Set(Array.from({ length: BAND * policy.zones.size ** 2 }, (_, i) => 4096 - i));
  const at = (k: string) => {
    let t = memo!.get(k);
    if (!t)
      memo!.set(
        k,
        (t = { existing: new Set(), used: k.startsWith('nsg|') ? bands() : new Set(), byFinding: new Map() }),
      );
    return t;
  };
  if (!memo) {
    takenMemo.set(model, (memo = new Map<string, Taken>()));
    for (const f of modelFilters(model))
      for (const r of f.rules) {
        const x = r.ref.fix;
        const k =
          x?.kind === 'azure-nsg-rule' && !x.builtIn
            ? { key: `nsg|${x.nsgId}|${x.direction}`, n: x.priority }
            : x?.kind === 'aws-nacl-entry'
              ? { key: `nacl|${x.aclId}|${x.egress}`, n: x.ruleNumber }
              : undefined;
        if (k) {
          const t = at(k.key);
          t.used.add(k.n);
          t.existing.add(k.n);
        }
      }
  }
  return at(key);
}

/**
 * `count` free numbers of a table for one finding, stable per finding (the report asks for a fix more than once):
 * from `from` down to `floor` (or up, with `up`), none another rule or fix holds; with `adjacent`, no existing rule
 * passed on the way (the new rules then sit where the one they stand in front of does). Undefined when there is no
 * room.
 */
function allocate(
  t: Taken,
  key: string,
  count: number,
  o: { from: number; floor?: number; ceiling?: number; adjacent?: boolean; up?: boolean },
): number[] | undefined {
  const hit = t.byFinding.get(key);
  if (hit) return hit;
  const out: number[] = [];
  const step = o.up ? 1 : -1;
  for (let p = o.from; p >= (o.floor ?? 1) && p <= (o.ceiling ?? Infinity) && out.length < count; p += step) {
    if (o.adjacent && t.existing.has(p)) break;
    if (!t.used.has(p)) out.push(p);
  }
  if (out.length < count) return undefined;
  for (const p of out) t.used.add(p);
  t.byFinding.set(key, out);
  return out;
}

/** How many ranges a command lists before it says how many more there are. */
const MAX_RANGES = 20;

/** Address ranges standing for a zone in a rule: the zone's CIDRs in cordon.yaml, else its interfaces' subnets. */
function zoneRanges(model: NetworkModel, policy: ZonePolicy, zone: string): string[] {
  let memo = rangesMemo.get(model);
  if (!memo) rangesMemo.set(model, (memo = new Map<string, string[]>()));
  let r = memo.get(zone);
  if (r) return r;
  const z = policy.zones.get(zone);
  if (z?.kind === 'internet') r = ['0.0.0.0/0', '::/0'];
  else if (z && z.parsedCidrs.length > 0) r = z.parsedCidrs.map((c) => c.text);
  else {
    const set = new Set<string>();
    for (const i of model.interfaces)
      if (i.zone === zone) for (const c of model.subnets.get(i.subnet)?.cidrs ?? []) set.add(c.text);
    r = [...set];
  }
  r = [...new Set(r)].sort(compareRanges);
  memo.set(zone, r);
  return r;
}
/**
 * Whether a range meets a zone's ranges: a binary search over the zone's merged ranges, made once per zone (a finding
 * asks it for every address of the rule's remotes, and a zone of hundreds of subnets made a scan per address the
 * larger part of writing fixes).
 */
function zoneSpace(model: NetworkModel, policy: ZonePolicy, zone: string): (c: Cidr) => boolean {
  let memo = spaceMemo.get(model);
  if (!memo) spaceMemo.set(model, (memo = new Map<string, (c: Cidr) => boolean>()));
  let f = memo.get(zone);
  if (f) return f;
  // Per family, the ranges merged where they touch or overlap: starts ascending, ends too.
  const cidrs = zoneRanges(model, policy, zone)
    .flatMap((r) => tryParseCidr(r) ?? [])
    .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  const lists = {
    4: { firsts: [] as bigint[], lasts: [] as bigint[] },
    6: { firsts: [] as bigint[], lasts: [] as bigint[] },
  };
  for (const c of cidrs) {
    const l = lists[c.family];
    const n = l.lasts.length;
    if (n > 0 && c.first <= l.lasts[n - 1]! + 1n) {
      if (c.last > l.lasts[n - 1]!) l.lasts[n - 1] = c.last;
    } else {
      l.firsts.push(c.first);
      l.lasts.push(c.last);
    }
  }
  f = (c: Cidr) => {
    const { firsts, lasts } = lists[c.family];
    // The last merged range starting at or before c's end: it meets c when it ends at or after c's start.
    let lo = 0;
    let hi = firsts.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (firsts[mid]! <= c.last) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && lasts[lo - 1]! >= c.first;
  };
  memo.set(zone, f);
  return f;
}
const spaceMemo = new WeakMap<NetworkModel, Map<string, (c: Cidr) => boolean>>();
const remoteMeetsMemo = new WeakMap<NetworkModel, Map<Remote, Map<string, boolean>>>();
const strandedMemo = new WeakMap<NetworkModel, Map<string, string[]>>();
const rangesMemo = new WeakMap<NetworkModel, Map<string, string[]>>();
/** Address order: IPv4 before IPv6, then by first address and prefix (a collator per comparison was most of the cost). */
function compareRanges(a: string, b: string): number {
  const x = tryParseCidr(a);
  const y = tryParseCidr(b);
  if (!x || !y) return x ? -1 : y ? 1 : a < b ? -1 : a > b ? 1 : 0;
  return x.family - y.family || (x.first < y.first ? -1 : x.first > y.first ? 1 : x.prefix - y.prefix);
}

/** The fix for a finding, or `fallback` (its check's fix in words) where cordon has nothing more precise. */
export function remediationFor(
  q: FixQuestion,
  model: NetworkModel,
  policy: ZonePolicy,
  fallback: Remediation,
): Remediation {
  const fix = q.locate?.fix;
  if (!fix || q.classes.length === 0 || (q.kind !== 'violation' && q.kind !== 'broken')) return fallback;
  const ctx = new FixWriter(q, model, policy, fix);
  const r = q.kind === 'violation' ? ctx.violation() : ctx.broken();
  return r ?? fallback;
}

interface Allowed {
  zone: string;
  internet: boolean;
  ranges: string[];
  classes: ProtoPortBox[];
}

class FixWriter {
  constructor(
    readonly q: FixQuestion,
    readonly model: NetworkModel,
    readonly policy: ZonePolicy,
    readonly fix: FixTarget,
  ) {}

  private ranges(zone: string): string[] {
    return zoneRanges(this.model, this.policy, zone);
  }

  /** The classes of the located rule, which a narrowed rule keeps (the finding's where the model does not hold it). */
  private ruleClasses(): readonly ProtoPortBox[] {
    return (this.q.locate && ruleClassesOf(this.model, this.q.locate)) ?? this.q.classes;
  }

  /**
   * The entries of a security-group permission (ranges, group references, prefix lists) whose addresses meet the
   * remote zone: the model's rule holds one remote per entry, in the permission's order. The whole permission where
   * that cannot be told.
   */
  private offendingPart(p: AwsPermission, zone: string): AwsPermission {
    const rule = this.q.locate && rulesOf(this.model, this.q.locate)?.[0];
    const entries = [...p.ipv4Ranges, ...p.ipv6Ranges, ...p.groupRefs, ...p.prefixListIds];
    if (!rule || rule.remotes.length !== entries.length) return p;
    const meets =
      this.policy.zones.get(zone)?.kind === 'internet'
        ? (c: Cidr) =>
            this.model.internet.include.some((i) => overlaps(i, c)) &&
            !this.model.internet.exclude.some((e) => cidrContains(e, c))
        : zoneSpace(this.model, this.policy, zone);
    // A referenced group's members are asked once per zone, not once per finding that names a rule with it.
    let memo = remoteMeetsMemo.get(this.model);
    if (!memo) remoteMeetsMemo.set(this.model, (memo = new Map<Remote, Map<string, boolean>>()));
    const hit = rule.remotes.map((r) => {
      if (r.kind === 'cidr') return meets(r.cidr);
      if (r.kind !== 'members' && r.kind !== 'space') return false;
      let byZone = memo.get(r);
      if (!byZone) memo.set(r, (byZone = new Map<string, boolean>()));
      let v = byZone.get(zone);
      if (v === undefined)
        byZone.set(zone, (v = r.kind === 'members' ? r.addresses.some(meets) : r.space.include.some(meets)));
      return v;
    });
    if (!hit.some(Boolean)) return p;
    let i = 0;
    const take = <T>(list: readonly T[]) => list.filter(() => hit[i++]);
    return {
      ...p,
      ipv4Ranges: take(p.ipv4Ranges),
      ipv6Ranges: take(p.ipv6Ranges),
      groupRefs: take(p.groupRefs),
      prefixListIds: take(p.prefixListIds),
    };
  }

  /**
   * Allowed zones a narrowed rule may keep among its sources (allowed on all its classes, or the destination zone
   * itself) and those allowed on only some (kept, they keep the rest; dropped, they lose what the policy allows).
   */
  private byCoverage(allowed: readonly Allowed[]): { whole: Allowed[]; partial: Allowed[] } {
    const size = boxesSize(this.ruleClasses());
    const whole = allowed.filter((a) => a.zone === this.q.to || boxesSize(a.classes) >= size);
    return { whole, partial: allowed.filter((a) => !whole.includes(a)) };
  }

  /** The ranges of a zone, capped, with a comment when some were left out. */
  private capped(zone: string, family?: 4 | 6): { list: string[]; more: number } {
    const all = this.ranges(zone).filter((r) => family === undefined || r.includes(':') === (family === 6));
    return { list: all.slice(0, MAX_RANGES), more: Math.max(0, all.length - MAX_RANGES) };
  }

  /** The zones the policy lets into `to` on some of `within` (and `to` itself), with those classes and ranges. */
  private allowedFor(within: readonly ProtoPortBox[]): Allowed[] {
    const out: Allowed[] = [];
    for (const z of [...this.policy.zones.keys()].sort()) {
      // Traffic within the zone is no zone pair the policy rules on: what the rule admitted of it, it keeps.
      const classes = z === this.q.to ? [...within] : intersectBoxes(this.q.allowedInto(z), within);
      const ranges = this.ranges(z);
      if (classes.length > 0 && ranges.length > 0)
        out.push({ zone: z, internet: this.policy.zones.get(z)?.kind === 'internet', ranges, classes });
    }
    return out;
  }

  private code(language: string, lines: string[], text: string): Remediation {
    return { text, snippet: { language, code: `${lines.join('\n')}\n` } };
  }

  /** Infrastructure as code: ids are not assigned yet, so the fix is the edit, named at the declaration. */
  private inCode(what: string): Remediation {
    const o = this.q.locate?.origin;
    // A declaration's address (a Terraform resource, a template's logical id) where the reader gives one.
    const where =
      o?.kind === 'file'
        ? `${o.file}${o.pointer && !o.pointer.startsWith('/') ? `, ${o.pointer}` : o.line ? `:${o.line}` : ''}`
        : undefined;
    const at = where ? ` (${where})` : '';
    return { text: `In the ${this.model.iac} code${at}: ${what}` };
  }

  violation(): Remediation | undefined {
    const f = this.fix;
    const cls = this.q.classes.map(classWords).join(', ');
    const pair = `${this.q.from} -> ${this.q.to}`;
    switch (f.kind) {
      case 'aws-sg-rule': {
        const ruleClasses = [permissionBox(f.permission)];
        // Only the sources (or destinations) of the permission that reach the other zone: describe-security-groups
        // folds every rule on one port into one permission, and revoking it whole took an allowed group's with it.
        const revoked = this.offendingPart(f.permission, f.direction === 'in' ? this.q.from : this.q.to);
        // Narrowing never widens: the allowed zones' ranges only where the revoked ranges cover them.
        const ruleRanges = [...revoked.ipv4Ranges, ...revoked.ipv6Ranges].map((r) => r.cidr);
        // A range the permission keeps admits all of its classes already (and EC2 refuses it twice).
        const kept = new Set(
          [...f.permission.ipv4Ranges, ...f.permission.ipv6Ranges]
            .map((r) => r.cidr)
            .filter((c) => !ruleRanges.includes(c)),
        );
        const allowed =
          f.direction === 'in'
            ? narrowed(this.allowedFor(ruleClasses), ruleRanges)
                // Mostly the whole permission is revoked: nothing kept, a zone's ranges (hundreds) are not copied.
                .map((a) => (kept.size === 0 ? a : { ...a, ranges: a.ranges.filter((r) => !kept.has(r)) }))
                .filter((a) => a.ranges.length > 0)
            : [];
        const verb = f.direction === 'in' ? 'ingress' : 'egress';
        const keep = allowed.map((a) => `${a.zone} on ${a.classes.map(classWords).join(', ')}`).join('; ');
        const text = `Security group ${f.groupId} admits ${cls} for ${pair}, which the policy denies, by the rule ${this.q.locate!.label}. Revoke that rule${keep ? ` and admit only what the policy allows on its ports (${keep})` : ''}; a security group reference to the allowed zone's groups is tighter than ranges where the zones share a VPC.`;
        if (this.model.iac)
          return this.inCode(
            `remove or narrow the ${verb} rule of ${f.groupId} (${this.q.locate!.label})${keep ? `; keep only ${keep}` : ''}.`,
          );
        const lines = [
          `# ${pair}: ${cls} is denied by the zone policy`,
          `aws ec2 revoke-security-group-${verb} --region ${this.q.region} --group-id ${f.groupId} \\`,
          `  --ip-permissions '${JSON.stringify([awsPermissionJson(revoked)])}'`,
        ];
        for (const a of allowed) {
          const list = a.ranges.slice(0, MAX_RANGES);
          const more = a.ranges.length - list.length;
          lines.push(
            `# what the policy allows from ${a.zone} within the rule's ranges${more ? ` (${more} more ranges of ${a.zone} not listed)` : ''}`,
            `aws ec2 authorize-security-group-ingress --region ${this.q.region} --group-id ${f.groupId} \\`,
            `  --ip-permissions '${JSON.stringify(a.classes.map((c) => awsPermissionFor(c, list, a.zone)))}'`,
          );
        }
        return this.code('shell', lines, text);
      }
      case 'aws-nacl-entry': {
        const text = `Network ACL ${f.aclId} rule ${f.ruleNumber} lets ${cls} through for ${pair}, which the policy denies. Narrow it, or add a deny entry with a lower rule number for the source zone's ranges.`;
        if (this.model.iac) return this.inCode(`narrow ${this.q.locate!.label}.`);
        return this.code(
          'shell',
          [
            `# ${pair}: ${cls} is denied by the zone policy; rule ${f.ruleNumber} admits it`,
            `aws ec2 delete-network-acl-entry --region ${this.q.region} --network-acl-id ${f.aclId} --rule-number ${f.ruleNumber} ${f.egress ? '--egress' : '--ingress'}`,
          ],
          text,
        );
      }
      case 'aws-route': {
        const stranded = this.servicesWithoutEndpoint(f.routeTableId, () => this.routeTableNetworks(f.routeTableId));
        const warn = stranded.length
          ? ` The policy allows ${this.q.from} to reach ${stranded.join(', ')}, which has no interface endpoint in this VPC: that traffic leaves by this route today, so create the endpoint first or it stops.`
          : '';
        const text = `Route table ${f.routeTableId} sends ${pair} traffic (${cls}) on by its route to ${f.destination}. Remove the route (AI services stay reachable through interface endpoints), or send it through an inspection appliance that enforces the policy.${warn}`;
        if (this.model.iac) return this.inCode(`remove the route ${this.q.locate!.label}.${warn}`);
        return this.code(
          'shell',
          [
            `# ${pair}: ${cls} is denied by the zone policy`,
            ...stranded.map(
              (z) => `# first: the policy allows ${this.q.from} -> ${z}, and no endpoint of ${z} is in this VPC`,
            ),
            `aws ec2 delete-route --region ${this.q.region} --route-table-id ${f.routeTableId} ${awsRouteDestination(f.destination)}`,
          ],
          text,
        );
      }
      case 'azure-nsg-rule': {
        const nsg = armParts(f.nsgId);
        if (f.builtIn || f.access === 'deny') return this.azureDeny(f.nsgId, f.direction, f.name);
        const allowed =
          f.direction === 'in' ? narrowed(this.allowedFor(this.ruleClasses()), azureRanges(f.remotes)) : [];
        // An outbound rule towards the internet may be how policy-allowed AI traffic leaves (no private endpoint).
        const { warn, first } =
          f.direction === 'out' && this.policy.zones.get(this.q.to)?.kind === 'internet'
            ? this.azureStranded('may leave by this rule')
            : { warn: '', first: [] };
        const text = `NSG ${nsg.name} rule ${f.name} admits ${cls} for ${pair}, which the policy denies.${allowed.length ? ` Narrow its sources to the zones the policy allows (${allowed.map((a) => a.zone).join(', ')}; where other findings name this rule, keep their zones' ranges too)` : ' Delete it'}, or put a deny rule for the source zone in front of it.${warn}`;
        if (this.model.iac) return this.inCode(`change the security rule ${f.name} of ${nsg.name}: ${text}`);
        // A zone the policy allows on only some of the rule's classes cannot stay among its sources (it would keep
        // the rest) nor go (it would lose what it is allowed): it gets an allow of its own for those classes, right in
        // front of the rule, to the rule's own destinations.
        const { whole, partial } = this.byCoverage(allowed);
        const prefixes = (list: readonly Allowed[]) =>
          [
            ...new Set(
              list.flatMap((a) =>
                this.policy.zones.get(a.zone)?.kind === 'internet' ? ['Internet'] : a.ranges.slice(0, MAX_RANGES),
              ),
            ),
          ].sort(compareRanges);
        const sources = prefixes(whole);
        const base = `--subscription ${nsg.subscription} --resource-group ${nsg.group} --nsg-name ${nsg.name}`;
        const lines = [`# ${pair}: ${cls} is denied by the zone policy`, ...first];
        if (partial.length > 0) {
          const boxes = partial.flatMap((a) => a.classes.map((c) => ({ a, c })));
          const priorities = f.locals
            ? this.azureFreePriorities(
                f.nsgId,
                f.direction,
                f.priority - 1,
                boxes.length,
                true,
                `keep|${f.name}|${boxes.map(({ a, c }) => `${a.zone} ${classWords(c)}`).join(',')}`,
              )
            : undefined;
          if (!priorities)
            return {
              text: `${text} ${partialWords(partial)} in front of it (no free priority right in front of it${f.locals ? '' : ', or its destinations are application security groups'}).`,
            };
          const dst = f.locals!.map((x) => (x === '*' ? "'*'" : x)).join(' ');
          boxes.forEach(({ a, c }, i) =>
            lines.push(
              `az network nsg rule create ${base} --name ${ruleName('keep', a.zone, f.name, i)} --priority ${priorities[i]!} --direction Inbound --access Allow ${azureMatch(c)} --source-address-prefixes ${prefixes([a]).join(' ')} --destination-address-prefixes ${dst}`,
            ),
          );
        }
        lines.push(
          sources.length > 0
            ? `az network nsg rule update ${base} --name ${f.name} --source-address-prefixes ${sources.join(' ')}`
            : `az network nsg rule delete ${base} --name ${f.name}`,
        );
        return this.code('shell', lines, text);
      }
      case 'azure-route':
      case 'azure-system-route':
        return this.azureRoute(f, cls, pair);
      case 'gcp-firewall-rule':
        return this.gcpViolation(f, cls, pair);
      case 'gcp-route': {
        const project = projectOfId(f.id);
        // Private Google Access needs a route to the Google API ranges whose next hop is the default internet gateway
        // (https://cloud.google.com/vpc/docs/configure-private-google-access#config-routing): where this route is the
        // one that carries them, routes for those ranges alone go in first, or Vertex AI calls stop with it.
        const vips = f.apiVips ?? [];
        const apis = vips.length
          ? ` It is also the route Private Google Access takes to ${vips.join(' and ')} (private.googleapis.com, restricted.googleapis.com): route ${vips.length > 1 ? 'those ranges' : 'that range'} to the default internet gateway first (Google's API addresses, not the internet), so Vertex AI stays reachable.`
          : ' Private Service Connect endpoints for Google APIs, or routes to private.googleapis.com, keep Vertex AI reachable without it.';
        const text = `Route ${f.name} carries ${pair} traffic (${cls}), which the policy denies. Delete it, or give it instance tags so only the zones allowed out use it.${apis}`;
        if (this.model.iac) return this.inCode(`remove or tag the route ${f.name}.${apis}`);
        const lines = [`# ${pair}: ${cls} is denied by the zone policy`];
        for (const vip of vips) {
          const api = vip === PRIVATE_VIP ? 'private' : 'restricted';
          lines.push(
            `# keeps Private Google Access to ${api}.googleapis.com`,
            `gcloud compute routes create ${apiRouteName(f.network ?? '', api)} --project ${project} --network ${f.network ?? ''} --destination-range ${vip} --next-hop-gateway default-internet-gateway`,
          );
        }
        lines.push(`gcloud compute routes delete ${f.name} --project ${project}`);
        return this.code('shell', lines, text);
      }
      case 'private-service-endpoint': {
        // The backend sees the service's addresses, whichever consumer connected: narrowing its rule changes nothing.
        const text = `${pair}: ${cls} reaches the backends of the private service ${f.service} through its endpoint ${f.endpoint}, which the policy denies. The backends see the service's own addresses, so their rules cannot tell this consumer apart: keep ${this.q.from} from reaching the endpoint (its egress rules, or the endpoint subnet's filter), remove the endpoint, or have the service's owner stop accepting this consumer (${f.acceptance}).`;
        return this.model.iac ? this.inCode(text) : { text };
      }
      default:
        return undefined;
    }
  }

  broken(): Remediation | undefined {
    const f = this.fix;
    const cls = this.q.classes.map(classWords).join(', ');
    const pair = `${this.q.from} -> ${this.q.to}`;
    const hop = this.q.trace.hops.find((h) => h.ref === this.q.locate);
    const reply = hop?.what.startsWith('reply') === true;
    switch (f.kind) {
      case 'aws-sg-none': {
        const remote = f.direction === 'in' ? this.q.from : this.q.to;
        const { list, more } = this.capped(remote);
        const group = f.groupIds[0]!;
        const verb = f.direction === 'in' ? 'ingress' : 'egress';
        const text = `${pair} is allowed by the policy on ${cls}, but no ${verb} rule of ${f.groupIds.join(', ')} admits it. Add one for ${remote}'s ranges (or a reference to its security groups).`;
        if (this.model.iac)
          return this.inCode(
            `add an ${verb} rule to ${group} for ${cls} ${f.direction === 'in' ? 'from' : 'to'} ${remote}.`,
          );
        if (list.length === 0) return { text };
        return this.code(
          'shell',
          [
            `# ${pair}: ${cls} is allowed by the zone policy${more ? ` (${more} more ranges of ${remote} not listed)` : ''}`,
            `aws ec2 authorize-security-group-${verb} --region ${this.q.region} --group-id ${group} \\`,
            `  --ip-permissions '${JSON.stringify(this.q.classes.map((c) => awsPermissionFor(c, list, remote)))}'`,
          ],
          text,
        );
      }
      case 'aws-nacl-entry':
      case 'aws-nacl-none': {
        const acl = f.aclId;
        // A forward packet leaving (egress) goes to the destination zone; arriving, it comes from the source zone. A
        // reply the other way round, on the client's ephemeral ports.
        const towardsDestination = f.egress !== reply;
        const remote = towardsDestination ? this.q.to : this.q.from;
        // A load balancer's leg names its own far end (a proxy) or ports (a target's) where the zones' do not apply.
        const list = hop?.ranges?.filter((r) => !r.includes(':')) ?? this.capped(remote, 4).list;
        const number = f.kind === 'aws-nacl-entry' ? Math.max(1, f.ruleNumber - 1) : 100;
        const text = `${pair} is allowed by the policy on ${cls}, but network ACL ${acl} drops ${reply || hop?.ranges ? 'its replies' : 'it'} (${this.q.locate!.label}). Add an allow entry numbered below the one that drops it, for ${hop?.ranges ? `the load balancer's addresses (${hop.ranges.join(', ')})` : `${remote}'s ranges`}${reply || hop?.ranges ? ' on the ephemeral ports 1024-65535 replies use' : hop?.ports ? ` on port ${hop.ports[0]}` : ''}.`;
        if (this.model.iac) return this.inCode(`add that entry to ${acl}: ${text}`);
        if (list.length === 0) return { text };
        const boxes = hop?.ranges
          ? [{ proto: [6, 6] as [number, number], port: hop.ports ?? ([1024, 65535] as [number, number]) }]
          : reply
            ? [{ proto: [6, 6] as [number, number], port: [1024, 65535] as [number, number] }]
            : hop?.ports
              ? this.q.classes.map((c) => ({ ...c, port: hop.ports! }))
              : this.q.classes;
        // Rule numbers no entry of the ACL or other fix holds: right in front of the entry that drops it (no entry
        // between), or, where only the default entry drops it, behind every numbered entry.
        const t = takenNumbers(this.model, this.policy, `nacl|${acl}|${f.egress}`);
        const count = boxes.length * list.length;
        const key = `${this.q.from}|${this.q.to}|${reply}|${cls}`;
        const numbers =
          f.kind === 'aws-nacl-entry'
            ? allocate(t, key, count, { from: number, adjacent: true })
            : allocate(t, key, count, { from: Math.max(100, ...t.existing) + 1, ceiling: 32766, up: true });
        if (!numbers) return { text: `${text} (No free rule number there: renumber the ACL's entries first.)` };
        const lines = [`# ${pair}: ${cls} is allowed by the zone policy`];
        let n = 0;
        for (const c of boxes)
          for (const cidr of list)
            lines.push(
              `aws ec2 create-network-acl-entry --region ${this.q.region} --network-acl-id ${acl} --rule-number ${numbers[n++]!} ${f.egress ? '--egress' : '--ingress'} ${awsNaclMatch(c)} --cidr-block ${cidr} --rule-action allow`,
            );
        return this.code('shell', lines, text);
      }
      case 'azure-nsg-rule':
      case 'azure-nsg-none': {
        const nsg = armParts(f.nsgId);
        // In front of the rule that drops it: custom priorities run from 100 to 4096.
        const below = f.kind === 'azure-nsg-rule' && !f.builtIn ? f.priority - 1 : 4000;
        const text = `${pair} is allowed by the policy on ${cls}, but NSG ${nsg.name} drops it (${this.q.locate!.label}). Add an allow rule from ${this.q.from} to ${this.q.to} with a lower priority number than the rule that drops it${below - this.q.classes.length + 1 < 100 ? ` (that rule's priority leaves no room: renumber it first)` : ''}.`;
        if (this.model.iac) return this.inCode(`add that rule to ${nsg.name}: ${text}`);
        const src = this.azurePrefixes(this.q.from);
        const dst = this.azurePrefixes(this.q.to);
        if (!src || !dst || below - this.q.classes.length + 1 < 100) return { text };
        const priorities = this.azureFreePriorities(f.nsgId, f.direction, below);
        if (!priorities) return { text };
        const lines = [`# ${pair}: ${cls} is allowed by the zone policy`];
        this.q.classes.forEach((c, i) =>
          lines.push(
            `az network nsg rule create --subscription ${nsg.subscription} --resource-group ${nsg.group} --nsg-name ${nsg.name} --name ${ruleName('allow', this.q.from, this.q.to, i)} --priority ${priorities[i]!} --direction ${f.direction === 'in' ? 'Inbound' : 'Outbound'} --access Allow ${azureMatch(c)} --source-address-prefixes ${src} --destination-address-prefixes ${dst}`,
          ),
        );
        return this.code('shell', lines, text);
      }
      case 'gcp-firewall-rule': {
        if (f.action === 'allow') return undefined;
        const ingress = f.direction === 'in';
        const remote = ingress ? this.q.from : this.q.to;
        const network = this.networkName();
        const project = projectOfId(f.id) ?? this.q.account;
        const priority = f.layer === 'implied' ? 1000 : Math.max(0, f.priority - 1);
        const text = `${pair} is allowed by the policy on ${cls}, but ${this.q.locate!.label} drops it. Add an allow rule with a lower priority number than that rule, ${ingress ? 'from' : 'to'} ${remote}'s ranges, targeting the ${ingress ? 'destination' : 'source'} instances (by tag or service account).`;
        if (this.model.iac || !network) return this.inCode(text);
        const { list, more } = this.capped(remote, 4);
        if (list.length === 0) return { text };
        return this.code(
          'shell',
          [
            `# ${pair}: ${cls} is allowed by the zone policy${more ? ` (${more} more ranges of ${remote} not listed)` : ''}; add --target-tags or --target-service-accounts for the ${ingress ? 'destination' : 'source'} instances`,
            `gcloud compute firewall-rules create ${ruleName('allow', this.q.from, this.q.to)} --project ${project} --network ${network} --direction ${ingress ? 'INGRESS' : 'EGRESS'} --action ALLOW --rules ${this.q.classes.map(gcpMatch).join(',')} ${ingress ? '--source-ranges' : '--destination-ranges'} ${list.join(',')} --priority ${priority}`,
          ],
          text,
        );
      }
      default:
        return undefined;
    }
  }

  /**
   * A deny rule in front of an Azure rule that cannot be changed (a default rule) or a deny that does not cover it:
   * from the source zone to the destination zone, deny everything at priority 4096 (behind every custom rule), with
   * what the policy allows for the pair admitted just before it — every class the policy does not allow is denied,
   * however it is split, in rules an NSG can express.
   */
  private azureDeny(nsgId: string, direction: 'in' | 'out', rule: string): Remediation {
    const nsg = armParts(nsgId);
    const cls = this.q.classes.map(classWords).join(', ');
    const pair = `${this.q.from} -> ${this.q.to}`;
    const allowed = this.q.allowedInto(this.q.from);
    const text = `NSG ${nsg.name} admits ${cls} for ${pair} by its rule ${rule}, which is one of Azure's default rules and cannot be changed. Add a rule denying ${pair} behind every custom rule (cordon takes priorities from 4096 down, a few per zone pair)${allowed.length ? `, with what the policy allows (${allowed.map(classWords).join(', ')}) allowed just before it` : ''}.`;
    if (this.model.iac) return this.inCode(`add those rules to ${nsg.name}: ${text}`);
    const src = this.azurePrefixes(this.q.from);
    const dst = this.azurePrefixes(this.q.to);
    if (!src || !dst) return { text };
    const deny = this.azureBand();
    const create = (name: string, priority: number, access: string, match: string) =>
      `az network nsg rule create --subscription ${nsg.subscription} --resource-group ${nsg.group} --nsg-name ${nsg.name} --name ${name} --priority ${priority} --direction ${direction === 'in' ? 'Inbound' : 'Outbound'} --access ${access} ${match} --source-address-prefixes ${src} --destination-address-prefixes ${dst}`;
    const lines = [`# ${pair}: ${cls} is denied by the zone policy`];
    // The band's priorities an existing rule of the NSG does not hold (Azure refuses a second rule on one).
    const existing = takenNumbers(this.model, this.policy, `nsg|${nsgId}|${direction}`).existing;
    const free = Array.from({ length: BAND }, (_, i) => deny - i).filter((p) => !existing.has(p));
    // Every allowed class must pass before the deny, or the fix would break what the policy allows.
    if (allowed.length + 1 > free.length || deny - BAND < 100) return { text };
    allowed.forEach((c, i) =>
      lines.push(create(ruleName('allow', this.q.from, this.q.to, i), free[1 + i]!, 'Allow', azureMatch(c))),
    );
    lines.push(create(ruleName('deny', this.q.from, this.q.to), free[0]!, 'Deny', azureMatch(ANY)));
    return this.code('shell', lines, text);
  }

  /**
   * The deny rule's priority: NSG priorities are unique per direction, and several findings may add rules to one
   * NSG, so each ordered zone pair gets its own band of BAND priorities at the end of the custom range (4096 down).
   */
  private azureBand(): number {
    const zones = [...this.policy.zones.keys()].sort();
    const index = zones.indexOf(this.q.from) * zones.length + zones.indexOf(this.q.to);
    return 4096 - BAND * Math.max(0, index);
  }

  /**
   * Priorities for this finding's allow rules, from `below` down: NSG priorities are unique per direction, so none an
   * existing rule holds, none of the zone pairs' deny bands (azureBand), and none another finding's fix in the same
   * NSG took (two findings dropped by one rule both asked for its priority minus one, and the second command failed).
   * Stable per finding (the report asks for a fix more than once). Undefined when there is no room above 100.
   */
  private azureFreePriorities(
    nsgId: string,
    direction: 'in' | 'out',
    below: number,
    count = this.q.classes.length,
    adjacent = false,
    key = `${this.q.from}|${this.q.to}|${below}|${this.q.classes.map(classWords).join(',')}`,
  ): number[] | undefined {
    const t = takenNumbers(this.model, this.policy, `nsg|${nsgId}|${direction}`);
    return allocate(t, key, count, { from: below, floor: 100, adjacent });
  }

  /** A zone as NSG prefixes: the Internet service tag for the internet; undefined when it has no ranges. */
  private azurePrefixes(zone: string): string | undefined {
    if (this.policy.zones.get(zone)?.kind === 'internet') return 'Internet';
    const { list } = this.capped(zone);
    return list.length > 0 ? list.join(' ') : undefined;
  }

  /**
   * On Azure, AI services the policy lets the source zone reach with no private endpoint in its VNet or a peered one
   * (a hub's serve its spokes): their traffic takes the route or rule a fix removes. The sentence and the command
   * comment that put the endpoint first; empty when there are none.
   */
  private azureStranded(how: string): { warn: string; first: string[] } {
    const stranded = this.servicesWithoutEndpoint(`net:${this.q.packet.fam}:${this.q.packet.src}`, () =>
      this.sourceNetworkAndPeers(),
    );
    if (!stranded.length) return { warn: '', first: [] };
    return {
      warn: ` The policy allows ${this.q.from} to reach ${stranded.join(', ')}, which has no private endpoint in this VNet or a peered one: that traffic ${how} today, so create the private endpoint first or it stops.`,
      first: [`# first: a private endpoint for ${stranded.join(', ')} (see the text)`],
    };
  }

  private azureRoute(
    f: Extract<FixTarget, { kind: 'azure-route' | 'azure-system-route' }>,
    cls: string,
    pair: string,
  ): Remediation {
    // Azure OpenAI and the other AI services are reached over this route today where no private endpoint serves the
    // network (or a peered one): removing it stops that allowed traffic too.
    const { warn, first } = this.azureStranded('leaves by this route');
    if (f.kind === 'azure-route') {
      const rt = armParts(f.routeTableId);
      const text = `Route ${f.name} of ${rt.name} carries ${pair} traffic (${cls}), which the policy denies. Remove it or point it at the firewall that enforces the policy.${warn}`;
      if (this.model.iac) return this.inCode(text);
      return this.code(
        'shell',
        [
          `# ${pair}: ${cls} is denied by the zone policy`,
          ...first,
          `az network route-table route delete --subscription ${rt.subscription} --resource-group ${rt.group} --route-table-name ${rt.name} --name ${f.name}`,
        ],
        text,
      );
    }
    const subnet = armParts(f.subnetId);
    const text = `The subnet's system route ${f.prefix} carries ${pair} traffic (${cls}), which the policy denies. Override it with a user route: next hop None drops it, VirtualAppliance sends it to the firewall that enforces the policy.${warn}`;
    if (this.model.iac) return this.inCode(text);
    const rt = f.routeTableId ? armParts(f.routeTableId) : undefined;
    const lines = [`# ${pair}: ${cls} is denied by the zone policy`, ...first];
    const tableName = rt?.name ?? `rt-${subnet.child ?? subnet.name}`;
    if (!rt)
      lines.push(
        `az network route-table create --subscription ${subnet.subscription} --resource-group ${subnet.group} --name ${tableName}`,
        `az network vnet subnet update --subscription ${subnet.subscription} --resource-group ${subnet.group} --vnet-name ${subnet.name} --name ${subnet.child ?? ''} --route-table ${tableName}`,
      );
    lines.push(
      `az network route-table route create --subscription ${(rt ?? subnet).subscription} --resource-group ${(rt ?? subnet).group} --route-table-name ${tableName} --name ${ruleName('deny', this.q.from, this.q.to)} --address-prefix ${f.prefix} --next-hop-type None`,
    );
    return this.code('shell', lines, text);
  }

  private gcpViolation(
    f: Extract<FixTarget, { kind: 'gcp-firewall-rule' }>,
    cls: string,
    pair: string,
  ): Remediation | undefined {
    const project = projectOfId(f.id) ?? this.q.account;
    const ingress = f.direction === 'in';
    const remote = ingress ? this.q.from : this.q.to;
    if (f.layer === 'policy') {
      const text = `Firewall policy rule ${this.q.locate!.label} lets ${cls} through for ${pair}, which the policy denies. Narrow its ${ingress ? 'source' : 'destination'} ranges or add a deny rule with a lower priority number in the same policy.`;
      return this.model.iac ? this.inCode(text) : { text };
    }
    if (f.layer === 'implied' || f.action !== 'allow') {
      // As for Azure: deny the pair behind the rules the user wrote, with what the policy allows let through first.
      const network = this.networkName();
      const allowedCls = this.q.allowedInto(this.q.from);
      const target = ingress
        ? `target it at ${this.q.to}'s instances (--target-tags or --target-service-accounts) if other zones share the network`
        : `target it at ${this.q.from}'s instances (--target-tags or --target-service-accounts), and allow the Private Google Access and Private Service Connect addresses they need at a lower priority number first`;
      const text = `${this.q.locate!.label} lets ${cls} through for ${pair}, which the policy denies. Add a rule denying ${pair} (priority 65000, behind the rules you wrote)${allowedCls.length ? `, with what the policy allows (${allowedCls.map(classWords).join(', ')}) allowed at 64999` : ''}; ${target}.`;
      if (this.model.iac || !network) return this.inCode(text);
      const ranges = this.policy.zones.get(remote)?.kind === 'internet' ? ['0.0.0.0/0'] : this.capped(remote, 4).list;
      if (ranges.length === 0) return { text };
      const create = (name: string, action: string, rules: string, priority: number) =>
        `gcloud compute firewall-rules create ${name} --project ${project} --network ${network} --direction ${ingress ? 'INGRESS' : 'EGRESS'} --action ${action} --rules ${rules} ${ingress ? '--source-ranges' : '--destination-ranges'} ${ranges.join(',')} --priority ${priority}`;
      const lines = [`# ${pair}: ${cls} is denied by the zone policy`];
      if (allowedCls.length)
        lines.push(
          create(ruleName('allow', this.q.from, this.q.to), 'ALLOW', allowedCls.map(gcpMatch).join(','), 64999),
        );
      lines.push(create(ruleName('deny', this.q.from, this.q.to), 'DENY', 'all', 65000));
      return this.code('shell', lines, text);
    }
    const allowed = ingress && f.remoteRanges ? narrowed(this.allowedFor(this.ruleClasses()), f.remoteRanges) : [];
    const sources = [
      ...new Set(allowed.flatMap((a) => a.ranges.filter((r) => !r.includes(':')).slice(0, MAX_RANGES))),
    ].sort(compareRanges);
    const text = `VPC firewall rule ${f.name} lets ${cls} through for ${pair}, which the policy denies.${sources.length ? ` Narrow its source ranges to the zones the policy allows (${allowed.map((a) => a.zone).join(', ')}; where other findings name this rule, keep their zones' ranges too).` : ' Delete it, or narrow it to what the policy allows.'}`;
    if (this.model.iac) return this.inCode(text);
    const { partial } = this.byCoverage(allowed);
    // A rule for those alone would need the old one's targets (tags, service accounts), which cordon does not carry.
    if (partial.length > 0)
      return {
        text: `${text} ${partialWords(partial)} with this rule's targets, before narrowing it.`,
      };
    return this.code(
      'shell',
      [
        `# ${pair}: ${cls} is denied by the zone policy`,
        sources.length > 0
          ? `gcloud compute firewall-rules update ${f.name} --project ${project} --source-ranges ${sources.join(',')}`
          : `gcloud compute firewall-rules delete ${f.name} --project ${project}`,
      ],
      text,
    );
  }

  /**
   * Service zones (AI APIs) the policy lets the source zone reach that have no endpoint interface in the networks
   * using this route table: their traffic takes the route today, and removing it would break an allowed flow.
   */
  /**
   * Service zones the policy lets the source zone reach with no endpoint in the given networks (a route table's, on
   * AWS; the source network and its peers, on Azure, where private endpoints in a peered hub serve spokes): allowed AI
   * traffic that takes the route a fix removes today, and stops with it.
   */
  private servicesWithoutEndpoint(key: string, networks: () => Set<string>): string[] {
    let memo = strandedMemo.get(this.model);
    if (!memo) strandedMemo.set(this.model, (memo = new Map<string, string[]>()));
    const k = `${this.q.from}\n${key}`;
    let r = memo.get(k);
    if (!r) memo.set(k, (r = this.findServicesWithoutEndpoint(networks())));
    return r;
  }

  private findServicesWithoutEndpoint(nets: Set<string>): string[] {
    const out: string[] = [];
    for (const z of [...this.policy.zones.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      if (z.kind !== 'service' || (this.q.allowedFrom?.(z.name).length ?? 0) === 0) continue;
      // A zone of another provider's services only (Bedrock in an Azure run) is not reached from these networks.
      if (z.services && z.services[this.model.provider].length === 0) continue;
      const served = this.model.interfaces.some(
        (i) => i.zone === z.name && i.role === 'service-endpoint' && nets.has(i.network),
      );
      if (!served) out.push(z.name);
    }
    return out;
  }

  /** The networks of a route table's subnets. */
  private routeTableNetworks(routeTableId: string): Set<string> {
    return new Set(
      [...this.model.subnets.values()].filter((s) => s.routeTable?.id === routeTableId).map((s) => s.network),
    );
  }

  /** The witness's source network and the networks peered with it. */
  private sourceNetworkAndPeers(): Set<string> {
    const src = zoneInterfaceAt(this.model, this.q.from, this.q.packet.fam, this.q.packet.src);
    const nets = new Set<string>(src ? [src.network] : []);
    for (const p of this.model.peerings.values())
      if (src && p.networks.includes(src.network)) for (const n of p.networks) nets.add(n);
    return nets;
  }

  /** The network of the witness's destination (ingress) or source (egress): where a new firewall rule goes. */
  private networkName(): string | undefined {
    const egress = this.fix.kind === 'gcp-firewall-rule' && this.fix.direction === 'out';
    const zone = egress ? this.q.from : this.q.to;
    const iface = zoneInterfaceAt(this.model, zone, this.q.packet.fam, egress ? this.q.packet.src : this.q.packet.dst);
    const net = iface ? this.model.networks.get(iface.network) : undefined;
    return net ? (net.ref.resourceId.split('/').pop() ?? net.id) : undefined;
  }
}

const zoneAddressIndex = new WeakMap<NetworkModel, CidrIndex<number>>();

/**
 * The first interface (in model order) of a zone holding an address: an index per model, as findings ask it one by
 * one (a scan of every interface per finding grew with findings × interfaces).
 */
function zoneInterfaceAt(
  model: NetworkModel,
  zone: string,
  fam: number,
  address: number | bigint,
): Interface | undefined {
  let index = zoneAddressIndex.get(model);
  if (!index) {
    index = new CidrIndex<number>();
    for (const [n, i] of model.interfaces.entries()) for (const c of i.addresses) index.add(c, n);
    zoneAddressIndex.set(model, index);
  }
  let best: Interface | undefined;
  let bestAt = Infinity;
  for (const n of index.at(fam === 0 ? 4 : 6, BigInt(address))) {
    const i = model.interfaces[n]!;
    if (i.zone === zone && n < bestAt) {
      best = i;
      bestAt = n;
    }
  }
  return best;
}

/** The allowed zones' ranges inside a rule's own ranges (a range nested in the other's stays; others drop). */
function narrowed(allowed: readonly Allowed[], ruleRanges: readonly string[]): Allowed[] {
  const key = ruleRanges.join(',');
  const out: Allowed[] = [];
  for (const a of allowed) {
    // A zone's ranges (one array per model and zone) against one rule's ranges: the same for every finding of the
    // rule, and a zone may hold hundreds of subnets.
    let memo = narrowMemo.get(a.ranges);
    if (!memo) narrowMemo.set(a.ranges, (memo = new Map<string, string[]>()));
    const mk = `${a.internet}|${key}`;
    let ranges = memo.get(mk);
    if (!ranges) memo.set(mk, (ranges = intersectRanges(a.ranges, ruleRanges, a.internet)));
    if (ranges.length > 0) out.push({ ...a, ranges });
  }
  return out;
}
const narrowMemo = new WeakMap<readonly string[], Map<string, string[]>>();

function intersectRanges(zone: readonly string[], ruleRanges: readonly string[], internet: boolean): string[] {
  const rule = ruleRanges.flatMap((r) => tryParseCidr(r) ?? []);
  const ranges = new Set<string>();
  for (const z of zone) {
    const zc = tryParseCidr(z);
    if (!zc) continue;
    for (const rc of rule)
      if (cidrContains(rc, zc)) ranges.add(zc.text);
      // The internet zone's 0.0.0.0/0 is public space only: a private range inside it is no part of it.
      else if (cidrContains(zc, rc) && !internet) ranges.add(rc.text);
  }
  return [...ranges].sort(compareRanges);
}

/**
 * An NSG rule's prefixes as ranges for narrowing: any address for `*`, Internet and VirtualNetwork as the address
 * spaces they mostly stand for (public, private); other service tags name no zone's ranges.
 */
function azureRanges(prefixes: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of prefixes) {
    const t = p.trim().toLowerCase();
    if (t === '*' || t === 'any') out.push('0.0.0.0/0', '::/0');
    else if (t === 'internet') out.push('0.0.0.0/0', '::/0');
    else if (t === 'virtualnetwork')
      out.push('10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7');
    else if (tryParseCidr(p)) out.push(p);
  }
  return out;
}

// ---- provider words

const PROTO_NAMES: Record<number, string> = { 1: 'icmp', 6: 'tcp', 17: 'udp', 58: 'icmpv6' };

function classWords(b: ProtoPortBox): string {
  const [p0, p1] = b.proto;
  const proto =
    p0 === 0 && p1 === 255
      ? 'all traffic'
      : p0 === p1
        ? (PROTO_NAMES[p0] ?? `protocol ${p0}`)
        : `protocols ${p0}-${p1}`;
  if (!(p0 === p1 && (p0 === 6 || p0 === 17))) return proto;
  const [a, z] = b.port;
  return a === 0 && z === 65535 ? `${proto} all ports` : a === z ? `${proto}/${a}` : `${proto}/${a}-${z}`;
}

const ANY: ProtoPortBox = { proto: [0, 255], port: [0, 65535] };

const hasPorts = (b: ProtoPortBox) => b.proto[0] === b.proto[1] && (b.proto[0] === 6 || b.proto[0] === 17);

/** Zones a narrowed rule can neither keep nor drop (FixWriter.byCoverage), in words. */
function partialWords(partial: readonly Allowed[]): string {
  const many = partial.length > 1;
  return `${partial.map((a) => a.zone).join(', ')} ${many ? 'are' : 'is'} allowed on only some of its ports: give ${many ? 'them' : 'it'} a rule of ${many ? 'their' : 'its'} own for those ports,`;
}

/** How many protocol × port pairs boxes hold (a protocol without ports counts once). */
function boxesSize(list: readonly ProtoPortBox[]): number {
  return list.reduce(
    (n, b) => n + (b.proto[1] - b.proto[0] + 1) * (hasPorts(b) ? b.port[1] - b.port[0] + 1 : 65536),
    0,
  );
}

/** The intersections of two lists of protocol × port boxes. */
function intersectBoxes(a: readonly ProtoPortBox[], b: readonly ProtoPortBox[]): ProtoPortBox[] {
  const out: ProtoPortBox[] = [];
  for (const x of a)
    for (const y of b) {
      const proto: [number, number] = [Math.max(x.proto[0], y.proto[0]), Math.min(x.proto[1], y.proto[1])];
      const port: [number, number] = [Math.max(x.port[0], y.port[0]), Math.min(x.port[1], y.port[1])];
      if (proto[0] <= proto[1] && port[0] <= port[1]) out.push({ proto, port });
    }
  return out;
}

type AwsPermission = Extract<FixTarget, { kind: 'aws-sg-rule' }>['permission'];

/** The protocol × port box of a security-group permission. */
function permissionBox(p: AwsPermission): ProtoPortBox {
  // An unknown protocol is every protocol, as the compiler treats it (unknown, so never narrower).
  const proto = awsProtocol(p.protocol);
  return { proto: proto ?? [0, 255], port: permissionPorts(proto, p) };
}

/** The permission as the EC2 API's IpPermission JSON (what revoke matches exactly). */
function awsPermissionJson(p: AwsPermission): Record<string, unknown> {
  const all = p.protocol === '-1' || p.protocol.toLowerCase() === 'all';
  return {
    IpProtocol: all ? '-1' : p.protocol,
    ...(!all && p.fromPort !== undefined ? { FromPort: p.fromPort } : {}),
    ...(!all && p.toPort !== undefined ? { ToPort: p.toPort } : {}),
    ...(p.ipv4Ranges.length ? { IpRanges: p.ipv4Ranges.map((r) => ({ CidrIp: r.cidr })) } : {}),
    ...(p.ipv6Ranges.length ? { Ipv6Ranges: p.ipv6Ranges.map((r) => ({ CidrIpv6: r.cidr })) } : {}),
    ...(p.groupRefs.length
      ? {
          UserIdGroupPairs: p.groupRefs.map((g) => ({
            ...(g.groupId ? { GroupId: g.groupId } : { GroupName: g.groupName }),
            ...(g.userId ? { UserId: g.userId } : {}),
          })),
        }
      : {}),
    ...(p.prefixListIds.length ? { PrefixListIds: p.prefixListIds.map((id) => ({ PrefixListId: id })) } : {}),
  };
}

/** A new permission for one protocol × port box from the given ranges. */
function awsPermissionFor(b: ProtoPortBox, ranges: readonly string[], zone: string): Record<string, unknown> {
  const any = b.proto[0] === 0 && b.proto[1] === 255;
  const v4 = ranges.filter((r) => !r.includes(':'));
  const v6 = ranges.filter((r) => r.includes(':'));
  const description = `${zone} (cordon zone policy)`;
  return {
    IpProtocol: any ? '-1' : String(b.proto[0] === b.proto[1] ? (PROTO_NAMES[b.proto[0]] ?? b.proto[0]) : b.proto[0]),
    ...(hasPorts(b) ? { FromPort: b.port[0], ToPort: b.port[1] } : !any ? { FromPort: -1, ToPort: -1 } : {}),
    ...(v4.length ? { IpRanges: v4.map((c) => ({ CidrIp: c, Description: description })) } : {}),
    ...(v6.length ? { Ipv6Ranges: v6.map((c) => ({ CidrIpv6: c, Description: description })) } : {}),
  };
}

function awsNaclMatch(b: ProtoPortBox): string {
  if (b.proto[0] === 0 && b.proto[1] === 255) return '--protocol -1';
  const proto = `--protocol ${b.proto[0]}`;
  return hasPorts(b)
    ? `${proto} --port-range From=${b.port[0]},To=${b.port[1]}`
    : b.proto[0] === 1
      ? `${proto} --icmp-type-code Code=-1,Type=-1`
      : proto;
}

function awsRouteDestination(d: string): string {
  if (d.startsWith('pl-')) return `--destination-prefix-list-id ${d}`;
  return d.includes(':') ? `--destination-ipv6-cidr-block ${d}` : `--destination-cidr-block ${d}`;
}

function azureMatch(b: ProtoPortBox): string {
  const names: Record<number, string> = { 6: 'Tcp', 17: 'Udp', 1: 'Icmp' };
  // Quoted: an unquoted * is a shell glob.
  const proto = b.proto[0] === b.proto[1] ? (names[b.proto[0]] ?? "'*'") : "'*'";
  const ports =
    hasPorts(b) && !(b.port[0] === 0 && b.port[1] === 65535)
      ? b.port[0] === b.port[1]
        ? `${b.port[0]}`
        : `${b.port[0]}-${b.port[1]}`
      : "'*'";
  return `--protocol ${proto} --source-port-ranges '*' --destination-port-ranges ${ports}`;
}

function gcpMatch(b: ProtoPortBox): string {
  if (b.proto[0] === 0 && b.proto[1] === 255) return 'all';
  const name = b.proto[0] === b.proto[1] ? (PROTO_NAMES[b.proto[0]] ?? String(b.proto[0])) : String(b.proto[0]);
  if (!hasPorts(b) || (b.port[0] === 0 && b.port[1] === 65535)) return name;
  return `${name}:${b.port[0] === b.port[1] ? b.port[0] : `${b.port[0]}-${b.port[1]}`}`;
}

interface ArmParts {
  subscription: string;
  group: string;
  name: string;
  /** A child's name (a subnet of a virtual network). */
  child?: string;
}

/** Subscription, resource group and name(s) of an ARM id, in the words the az CLI's flags take. */
function armParts(id: string): ArmParts {
  const p = parseAzureId(id);
  return {
    subscription: p.subscription ?? '',
    group: p.resourceGroup ?? '',
    name: p.names[0] ?? id,
    ...(p.names[1] ? { child: p.names[1] } : {}),
  };
}

/** A name for a new rule: letters, digits and dashes, as every provider accepts. */
function ruleName(action: string, from: string, to: string, i = 0): string {
  const clean = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
  return `cordon-${action}-${clean(from)}-to-${clean(to)}${i ? `-${i + 1}` : ''}`.slice(0, 62);
}

/**
 * The name of a route cordon creates for a Google API range in a network. Route names are unique in a project, not
 * in a network (projects/P/global/routes/NAME): a fixed name ("private-googleapis", as Google's guide writes it) was
 * taken by another network's route, or by the fix of another network, so the create failed and the delete after it
 * still cut Private Google Access. At most 63 characters, ending in a letter or digit.
 */
function apiRouteName(network: string, api: 'private' | 'restricted'): string {
  const tail = `-${api}-googleapis`;
  return `cordon-${network}`.slice(0, 63 - tail.length).replace(/-+$/, '') + tail;
}
