/**
 * The reserved zone name a rule uses for "every zone" (the internet zone included): `from: sandbox, to: any, action:
 * deny` says the sandbox reaches nothing. It matches in evaluation like a zone that every zone belongs to; the
 * usual precedence then applies (an explicit deny beats any allow).
 */
export const ANY_ZONE = 'any';

/**
 * The reserved zone name of private addresses that no zone claims (RFC 1918 space, flows.private_cidrs). Rules may
 * name it (`from: inference, to: unzoned, action: deny`); only then does the flow monitor judge traffic to and from
 * it, since without such a rule it would be denied by default and every unplanned address would alert.
 */
export const UNZONED_ZONE = 'unzoned';

export function policyNamesUnzoned(rules: readonly { from: string; to: string }[]): boolean {
  return rules.some((r) => r.from === UNZONED_ZONE || r.to === UNZONED_ZONE);
}
