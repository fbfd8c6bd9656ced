/**
 * Errors about user input. They always name the file and a position (line/column and, for JSON, a JSON pointer)
 * so the CLI can print one line per problem instead of a stack trace.
 */
export interface SourcePosition {
  /** 1-based line. */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** RFC 6901 JSON pointer into the document, when the input is JSON or YAML. */
  pointer?: string;
}

export class InputError extends Error {
  readonly file: string;
  readonly position: SourcePosition;

  constructor(file: string, message: string, position: SourcePosition = {}) {
    super(message);
    this.name = 'InputError';
    this.file = file;
    this.position = position;
  }

  /** `file:line:col: message (at /json/pointer)`, the shape editors and CI logs can jump to. */
  format(): string {
    return formatLocated(this.file, this.position, this.message);
  }
}

export function formatLocated(file: string, position: SourcePosition, message: string): string {
  let where = file;
  if (position.line !== undefined) {
    where += `:${position.line}`;
    if (position.column !== undefined) where += `:${position.column}`;
  }
  const pointer = position.pointer !== undefined && position.pointer !== '' ? ` (at ${position.pointer})` : '';
  return `${where}: ${message}${pointer}`;
}

/** A usage error: wrong flags or arguments. The CLI maps it to exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Several located problems at once; the CLI prints each. */
export class InputErrors extends Error {
  constructor(readonly errors: InputError[]) {
    super(errors.map((e) => e.format()).join('\n'));
    this.name = 'InputErrors';
  }
}
