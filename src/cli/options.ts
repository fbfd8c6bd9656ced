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

/** Repeatable option kept in order: `--var-file a --var-file b` gives [a, b]. */
export function repeatable(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The infrastructure-as-code input values of `scan` and `verify` (--parameter, --var-file, --var) as reader options. */
export function iacInputs(opts: { parameter?: Record<string, string>; varFile: string[]; var: string[] }): {
  cloudFormation?: { parameters: Record<string, string> };
  terraform?: { varFiles: string[]; vars: string[] };
} {
  return {
    ...(opts.parameter ? { cloudFormation: { parameters: opts.parameter } } : {}),
    ...(opts.varFile.length > 0 || opts.var.length > 0
      ? { terraform: { varFiles: opts.varFile, vars: opts.var } }
      : {}),
  };
}
