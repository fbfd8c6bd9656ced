/** Option parsers shared by commands. */

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
