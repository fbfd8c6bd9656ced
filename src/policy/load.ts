/**
 * Loads cordon.yaml: YAML syntax, then the schema, then cross-references (rules naming unknown zones, duplicate
 * ids, backwards port ranges). Every problem is reported with its line; all problems are collected, not just the first.
 */
import { readFile } from 'node:fs/promises';
import { InputError, type SourcePosition } from '../util/errors.js';
import { InputErrors, parseLocatedYaml, zodIssuesToErrors } from '../util/located-yaml.js';
import { parseCidr, type Cidr } from '../util/cidr.js';
import { parsePorts, rulePorts, wireProtocol, type PortRange, type WireProtocol } from './ports.js';
import { ANY_ZONE, UNZONED_ZONE } from './any-zone.js';
import { policySchema, type FlowRule, type PolicyDocument, type ZoneDefinition } from './schema.js';

export interface CompiledRule extends FlowRule {
  index: number;
  wire: WireProtocol;
  portRange: PortRange;
  position: SourcePosition;
}

export interface CompiledZone extends ZoneDefinition {
  name: string;
  parsedCidrs: Cidr[];
  position: SourcePosition;
}

export interface ZonePolicy {
  file: string;
  document: PolicyDocument;
  zones: Map<string, CompiledZone>;
  rules: CompiledRule[];
  /** Position of any path in the source file, for lint messages and finding origins. */
  locate: (path: readonly PropertyKey[]) => SourcePosition;
}

export async function loadPolicyFile(file: string): Promise<ZonePolicy> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError(file, `cannot read policy file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parsePolicy(file, text);
}

export function parsePolicy(file: string, text: string): ZonePolicy {
  const yaml = parseLocatedYaml(file, text);
  const parsed = policySchema.safeParse(yaml.value ?? {});
  if (!parsed.success) throw new InputErrors(zodIssuesToErrors(file, parsed.error.issues, yaml.locate));
  const document = parsed.data;
  const errors: InputError[] = [];

  const zones = new Map<string, CompiledZone>();
  for (const [name, def] of Object.entries(document.zones)) {
    zones.set(name, {
      ...def,
      // network_ids and the older vpc_ids select the same thing; the analyses read one list.
      vpc_ids: [...def.vpc_ids, ...def.network_ids],
      name,
      parsedCidrs: def.cidrs.map((c) => parseCidr(c)),
      position: yaml.locate(['zones', name]),
    });
  }
  for (const reserved of [ANY_ZONE, UNZONED_ZONE])
    if (zones.has(reserved))
      errors.push(
        new InputError(
          file,
          `"${reserved}" is reserved: rules use it for ${reserved === ANY_ZONE ? 'every zone' : 'private addresses no zone claims'}; rename the zone`,
          zones.get(reserved)!.position,
        ),
      );
  const internetZones = [...zones.values()].filter((z) => z.kind === 'internet');
  if (internetZones.length > 1) {
    errors.push(
      new InputError(
        file,
        `only one zone can be of kind internet (found ${internetZones.map((z) => z.name).join(', ')})`,
        internetZones[1]!.position,
      ),
    );
  }
  for (const z of internetZones) {
    if (
      z.cidrs.length +
        z.subnet_ids.length +
        z.vpc_ids.length +
        Object.keys(z.tags).length +
        z.network_tags.length +
        z.service_accounts.length >
      0
    ) {
      errors.push(
        new InputError(
          file,
          `zone ${z.name} is of kind internet: it is every address no other zone claims, so it takes no selectors`,
          z.position,
        ),
      );
    }
  }

  const seenIds = new Map<string, number>();
  const rules: CompiledRule[] = [];
  document.rules.forEach((rule, index) => {
    const at = (key: string) => yaml.locate(['rules', index, key]);
    for (const end of ['from', 'to'] as const) {
      if (!zones.has(rule[end]) && rule[end] !== ANY_ZONE && rule[end] !== UNZONED_ZONE) {
        errors.push(
          new InputError(
            file,
            `rules.${index}.${end}: unknown zone ${JSON.stringify(rule[end])} (zones: ${[...zones.keys()].join(', ')})`,
            at(end),
          ),
        );
      }
    }
    const previous = seenIds.get(rule.id);
    if (previous !== undefined) {
      errors.push(
        new InputError(
          file,
          `rules.${index}.id: duplicate rule id ${rule.id} (first used by rule ${previous})`,
          at('id'),
        ),
      );
    }
    seenIds.set(rule.id, index);
    if (rule.ports !== undefined) {
      const r = parsePorts(rule.ports);
      if (typeof r === 'string') errors.push(new InputError(file, `rules.${index}.ports: ${r}`, at('ports')));
      else if (rule.protocol === 'icmp')
        errors.push(new InputError(file, `rules.${index}.ports: icmp has no ports`, at('ports')));
    }
    rules.push({
      ...rule,
      index,
      wire: wireProtocol(rule.protocol),
      portRange: rulePorts(rule),
      position: yaml.locate(['rules', index]),
    });
  });

  document.suppressions.forEach((s, index) => {
    if (s.expires !== undefined && !/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(s.expires)) {
      errors.push(
        new InputError(
          file,
          `suppressions.${index}.expires: not a calendar date`,
          yaml.locate(['suppressions', index, 'expires']),
        ),
      );
    }
  });

  if (errors.length > 0) throw new InputErrors(errors);
  return { file, document, zones, rules, locate: yaml.locate };
}
