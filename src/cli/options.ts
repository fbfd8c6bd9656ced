/** Option parsers shared by commands. */
import { InvalidArgumentError } from 'commander';

/** Repeatable, comma-separated list option: `--checks a,b --checks c` gives [a, b, c]. */
export function commaList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

/** Repeatable `KEY=VALUE` option (`--parameter VpcCidr=10.0.0.0/16`); the value may hold "=" and commas. */
export function keyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected KEY=VALUE, got ${JSON.stringify(value)}`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}
