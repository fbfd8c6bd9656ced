/**
 * Typed reads of one raw JSON object with located errors: a field of the wrong type is an error at its JSON pointer
 * and marks the item bad (the reader skips it and records the skip), instead of a cast that lets a wrong value through.
 * Google's JSON encodes 64-bit integers as strings, so numbers are accepted as numeric strings too.
 */
type Json = Record<string, unknown>;

export interface FieldProblem {
  pointer: string;
  message: string;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const shown = JSON.stringify(v);
  return `${typeof v === 'string' ? 'a string' : `a ${typeof v}`} (${shown.length > 40 ? shown.slice(0, 37) + '…' : shown})`;
}

export class Fields {
  constructor(
    readonly raw: Json,
    readonly pointer: string,
    private readonly problems: FieldProblem[],
  ) {}

  get bad(): boolean {
    return this.problems.length > 0;
  }

  private at(key: string): string {
    return `${this.pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  }

  private wrong(key: string, want: string): undefined {
    this.problems.push({ pointer: this.at(key), message: `${key}: expected ${want}, got ${describe(this.raw[key])}` });
    return undefined;
  }

  has(key: string): boolean {
    return this.raw[key] !== undefined && this.raw[key] !== null;
  }

  str(key: string): string | undefined {
    const v = this.raw[key];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : this.wrong(key, 'a string');
  }

  /** A required string: absent is an error too. */
  need(key: string): string {
    const v = this.str(key);
    if (v === undefined && !this.has(key))
      this.problems.push({ pointer: this.pointer, message: `missing required field ${key}` });
    return v ?? '';
  }

  num(key: string): number | undefined {
    const v = this.raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) return Number(v);
    return this.wrong(key, 'a number');
  }

  bool(key: string): boolean | undefined {
    const v = this.raw[key];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'boolean' ? v : this.wrong(key, 'true or false');
  }

  strs(key: string): string[] {
    const v = this.raw[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return this.wrong(key, 'an array of strings') ?? [];
    const out: string[] = [];
    v.forEach((x, i) => {
      if (typeof x === 'string') out.push(x);
      else
        this.problems.push({
          pointer: `${this.at(key)}/${i}`,
          message: `${key}[${i}]: expected a string, got ${describe(x)}`,
        });
    });
    return out;
  }

  obj(key: string): Fields | undefined {
    const v = this.raw[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) return this.wrong(key, 'an object');
    return new Fields(v as Json, this.at(key), this.problems);
  }

  objs(key: string): Fields[] {
    const v = this.raw[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) return this.wrong(key, 'an array of objects') ?? [];
    const out: Fields[] = [];
    v.forEach((x, i) => {
      if (x !== null && typeof x === 'object' && !Array.isArray(x))
        out.push(new Fields(x as Json, `${this.at(key)}/${i}`, this.problems));
      else
        this.problems.push({
          pointer: `${this.at(key)}/${i}`,
          message: `${key}[${i}]: expected an object, got ${describe(x)}`,
        });
    });
    return out;
  }

  /** A string map (labels). */
  labels(key: string): Record<string, string> {
    const o = this.obj(key);
    if (!o) return {};
    const out: Record<string, string> = {};
    for (const k of Object.keys(o.raw).sort()) {
      const v = o.str(k);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
}
