/**
 * DynamoDB attribute values as they travel on the wire (`{ "S": "…" }`, `{ "N": "12" }`, …):
 * equality, ordering, size and document paths, with DynamoDB's rules (numbers compare as numbers,
 * sets are unordered, a comparison across types is false).
 */

export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { M: Record<string, AttributeValue> }
  | { L: AttributeValue[] }
  | { NULL: true }
  | { BOOL: boolean };

export type Item = Record<string, AttributeValue>;

export type ValueType = 'S' | 'N' | 'B' | 'SS' | 'NS' | 'BS' | 'M' | 'L' | 'NULL' | 'BOOL';

const TYPES: ValueType[] = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'];

/** A request that DynamoDB refuses before it does anything (HTTP 400, `__type` names the kind). */
export class DynamoError extends Error {
  constructor(readonly type: string, message: string, readonly extra: Record<string, unknown> = {}) {
    super(message);
  }
}

export const validation = (message: string) => new DynamoError('ValidationException', message);

export function typeOf(v: AttributeValue): ValueType {
  for (const t of TYPES) if ((v as Record<string, unknown>)[t] !== undefined) return t;
  throw validation('Supplied AttributeValue is empty, must contain exactly one of the supported datatypes');
}

/** DynamoDB stores numbers in a canonical form ("1.50" is 1.5). */
export function canonicalNumber(n: string): string {
  const x = Number(n);
  if (!Number.isFinite(x)) throw validation(`The parameter cannot be converted to a numeric value: ${n}`);
  return Number.isSafeInteger(x) || !/^-?\d+$/.test(n.trim()) ? String(x) : BigInt(n.trim()).toString();
}

/** A value as DynamoDB keeps it: numbers canonical, sets without duplicates (in order, as DynamoDB Local keeps them). */
export function normalize(v: AttributeValue): AttributeValue {
  switch (typeOf(v)) {
    case 'N':
      return { N: canonicalNumber((v as { N: string }).N) };
    case 'NS': {
      const list = [...new Set((v as { NS: string[] }).NS.map(canonicalNumber))].sort((a, b) => Number(a) - Number(b));
      if (list.length === 0) throw validation('An number set  may not be empty');
      return { NS: list };
    }
    case 'SS':
    case 'BS': {
      const key = typeOf(v) as 'SS' | 'BS';
      const list = [...new Set((v as Record<string, string[]>)[key]!)].sort();
      if (list.length === 0) throw validation(`An ${key === 'SS' ? 'string' : 'binary'} set  may not be empty`);
      return { [key]: list } as AttributeValue;
    }
    case 'M':
      return { M: Object.fromEntries(Object.entries((v as { M: Item }).M).map(([k, x]) => [k, normalize(x)])) };
    case 'L':
      return { L: (v as { L: AttributeValue[] }).L.map(normalize) };
    default:
      return v;
  }
}

export function normalizeItem(item: Item): Item {
  return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, normalize(v)]));
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

export function equals(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const t = typeOf(a);
  if (t !== typeOf(b)) return false;
  const x = (a as Record<string, unknown>)[t];
  const y = (b as Record<string, unknown>)[t];
  switch (t) {
    case 'N':
      return Number(x) === Number(y);
    case 'SS':
    case 'BS':
      return sameSet(x as string[], y as string[]);
    case 'NS':
      return sameSet((x as string[]).map(canonicalNumber), (y as string[]).map(canonicalNumber));
    case 'M': {
      const m = x as Item;
      const n = y as Item;
      const keys = Object.keys(m);
      return keys.length === Object.keys(n).length && keys.every((k) => equals(m[k], n[k]));
    }
    case 'L': {
      const m = x as AttributeValue[];
      const n = y as AttributeValue[];
      return m.length === n.length && m.every((v, i) => equals(v, n[i]));
    }
    default:
      return x === y;
  }
}

const bytes = (b64: string) => Buffer.from(b64, 'base64');

/** `a` − `b` in DynamoDB's order for S, N and B; null when the two cannot be ordered. */
export function compare(a: AttributeValue | undefined, b: AttributeValue | undefined): number | null {
  if (a === undefined || b === undefined) return null;
  const t = typeOf(a);
  if (t !== typeOf(b)) return null;
  if (t === 'S') {
    const x = (a as { S: string }).S;
    const y = (b as { S: string }).S;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (t === 'N') return Math.sign(Number((a as { N: string }).N) - Number((b as { N: string }).N));
  if (t === 'B') return Buffer.compare(bytes((a as { B: string }).B), bytes((b as { B: string }).B));
  return null;
}

/** DynamoDB's item size rule: attribute names plus values, in bytes (approximately for numbers). */
export function sizeOf(v: AttributeValue): number {
  const t = typeOf(v);
  const x = (v as Record<string, unknown>)[t];
  switch (t) {
    case 'S':
      return Buffer.byteLength(x as string);
    case 'N':
      return Math.ceil((x as string).replace(/^-/, '').length / 2) + 1;
    case 'B':
      return bytes(x as string).length;
    case 'SS':
      return (x as string[]).reduce((s, e) => s + Buffer.byteLength(e), 0);
    case 'NS':
      return (x as string[]).reduce((s, e) => s + Math.ceil(e.length / 2) + 1, 0);
    case 'BS':
      return (x as string[]).reduce((s, e) => s + bytes(e).length, 0);
    case 'M':
      return 3 + Object.entries(x as Item).reduce((s, [k, e]) => s + Buffer.byteLength(k) + sizeOf(e) + 1, 0);
    case 'L':
      return 3 + (x as AttributeValue[]).reduce((s, e) => s + sizeOf(e) + 1, 0);
    default:
      return 1;
  }
}

export const itemSize = (item: Item) => Object.entries(item).reduce((s, [k, v]) => s + Buffer.byteLength(k) + sizeOf(v), 0);

/** The `size()` function: characters of a string, bytes of a binary, members of a set, map or list. */
export function sizeFunction(v: AttributeValue): number | null {
  const t = typeOf(v);
  const x = (v as Record<string, unknown>)[t];
  if (t === 'S') return (x as string).length;
  if (t === 'B') return bytes(x as string).length;
  if (t === 'SS' || t === 'NS' || t === 'BS' || t === 'L') return (x as unknown[]).length;
  if (t === 'M') return Object.keys(x as Item).length;
  return null;
}

/** One step of a document path: an attribute or map key, or a list index. */
export type PathStep = { name: string } | { index: number };

export function getPath(item: Item, path: PathStep[]): AttributeValue | undefined {
  let current: AttributeValue | undefined = { M: item };
  for (const step of path) {
    if (current === undefined) return undefined;
    if ('name' in step) current = (current as { M?: Item }).M?.[step.name];
    else current = (current as { L?: AttributeValue[] }).L?.[step.index];
  }
  return current;
}

const invalidPath = () => validation('The document path provided in the update expression is invalid for update');

/** Sets a path in place: its parent must exist (DynamoDB does not create intermediate maps). */
export function setPath(item: Item, path: PathStep[], value: AttributeValue): void {
  const parent = path.length === 1 ? { M: item } : getPath(item, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (parent === undefined) throw invalidPath();
  if ('name' in last) {
    const m = (parent as { M?: Item }).M;
    if (!m) throw invalidPath();
    m[last.name] = value;
  } else {
    const l = (parent as { L?: AttributeValue[] }).L;
    if (!l) throw invalidPath();
    if (last.index >= l.length) l.push(value);
    else l[last.index] = value;
  }
}

export function removePath(item: Item, path: PathStep[]): void {
  const parent = path.length === 1 ? { M: item } : getPath(item, path.slice(0, -1));
  const last = path[path.length - 1]!;
  // Removing inside a map or list that is not there is an invalid path (a missing attribute is not).
  if (parent === undefined) throw invalidPath();
  if ('name' in last) {
    const m = (parent as { M?: Item }).M;
    if (!m) throw invalidPath();
    delete m[last.name];
  } else {
    const l = (parent as { L?: AttributeValue[] }).L;
    if (!l) throw invalidPath();
    if (last.index < l.length) l.splice(last.index, 1);
  }
}
