/**
 * DynamoDB's expression languages — condition, filter and key-condition expressions, update
 * expressions and projections — parsed into small trees and evaluated against an item, with the
 * expression's `#names` and `:values` substituted. Only what DynamoDB documents, and a request
 * that names a placeholder it does not supply is refused as DynamoDB refuses it.
 */
import {
  type AttributeValue, canonicalNumber, compare, DynamoError, equals, getPath, type Item, normalize, type PathStep, removePath, setPath, sizeFunction, typeOf, validation,
} from './values';
import { RESERVED_WORDS } from './reserved';

export interface Placeholders {
  names?: Record<string, string> | undefined;
  values?: Record<string, AttributeValue> | undefined;
}

type Token = { kind: 'name' | 'value' | 'ident' | 'number' | 'op'; text: string };


function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const word = /^[#:]?[A-Za-z0-9_]+/.exec(text.slice(i));
    if (word) {
      const w = word[0];
      tokens.push({ kind: w[0] === '#' ? 'name' : w[0] === ':' ? 'value' : /^\d+$/.test(w) ? 'number' : 'ident', text: w });
      i += w.length;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (two === '<>' || two === '<=' || two === '>=') {
      tokens.push({ kind: 'op', text: two });
      i += 2;
      continue;
    }
    if ('()[],.=<>+-'.includes(c)) {
      tokens.push({ kind: 'op', text: c });
      i++;
      continue;
    }
    throw validation(`Invalid expression: Syntax error; token: "${c}", near: "${text.slice(Math.max(0, i - 5), i + 5)}"`);
  }
  return tokens;
}

/** Tracks which placeholders an expression used, so unused ones are refused as DynamoDB does. */
export class Usage {
  readonly names = new Set<string>();
  readonly values = new Set<string>();
  check(p: Placeholders): void {
    const unusedNames = Object.keys(p.names ?? {}).filter((n) => !this.names.has(n));
    if (unusedNames.length) throw validation(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(', ')}}`);
    const unusedValues = Object.keys(p.values ?? {}).filter((n) => !this.values.has(n));
    if (unusedValues.length) throw validation(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(', ')}}`);
  }
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[], private readonly p: Placeholders, private readonly usage: Usage, private readonly source: string) {}

  done(): boolean {
    return this.i >= this.tokens.length;
  }
  peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }
  isKeyword(word: string): boolean {
    const t = this.peek();
    return t?.kind === 'ident' && t.text.toUpperCase() === word;
  }
  isOp(op: string): boolean {
    const t = this.peek();
    return t?.kind === 'op' && t.text === op;
  }
  next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw this.syntax('end of expression');
    return t;
  }
  expectOp(op: string): void {
    const t = this.next();
    if (t.kind !== 'op' || t.text !== op) throw this.syntax(t.text);
  }
  syntax(near: string): DynamoError {
    return validation(`Invalid expression: Syntax error; token: "${near}", near: "${this.source}"`);
  }

  path(): PathStep[] {
    const steps: PathStep[] = [this.nameStep()];
    for (;;) {
      if (this.isOp('.')) {
        this.next();
        steps.push(this.nameStep());
      } else if (this.isOp('[')) {
        this.next();
        const n = this.next();
        if (n.kind !== 'number') throw this.syntax(n.text);
        this.expectOp(']');
        steps.push({ index: Number(n.text) });
      } else return steps;
    }
  }
  private nameStep(): PathStep {
    const t = this.next();
    if (t.kind === 'name') {
      const name = this.p.names?.[t.text];
      if (name === undefined) throw validation(`Value provided in ExpressionAttributeNames unused in expressions: An expression attribute name used in the document path is not defined; attribute name: ${t.text}`);
      this.usage.names.add(t.text);
      return { name };
    }
    if (t.kind === 'ident' && RESERVED_WORDS.has(t.text.toUpperCase())) throw validation(`Invalid expression: Attribute name is a reserved keyword; reserved keyword: ${t.text}`);
    if (t.kind === 'ident') return { name: t.text };
    throw this.syntax(t.text);
  }
  value(t: Token): AttributeValue {
    const v = this.p.values?.[t.text];
    if (v === undefined) throw validation(`Invalid expression: An expression attribute value used in expression is not defined; attribute value: ${t.text}`);
    this.usage.values.add(t.text);
    return normalize(v);
  }
}

// ---------------------------------------------------------------- conditions

type Operand = { kind: 'path'; path: PathStep[] } | { kind: 'value'; value: AttributeValue } | { kind: 'size'; path: PathStep[] };

export type Condition =
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; operand: Condition }
  | { kind: 'compare'; op: string; left: Operand; right: Operand }
  | { kind: 'between'; operand: Operand; low: Operand; high: Operand }
  | { kind: 'in'; operand: Operand; list: Operand[] }
  | { kind: 'exists' | 'not-exists'; path: PathStep[] }
  | { kind: 'begins-with' | 'contains'; path: PathStep[]; operand: Operand }
  | { kind: 'type'; path: PathStep[]; operand: Operand };

const COMPARATORS = new Set(['=', '<>', '<', '<=', '>', '>=']);

function parseOr(p: Parser): Condition {
  let left = parseAnd(p);
  while (p.isKeyword('OR')) {
    p.next();
    left = { kind: 'or', left, right: parseAnd(p) };
  }
  return left;
}
function parseAnd(p: Parser): Condition {
  let left = parseNot(p);
  while (p.isKeyword('AND')) {
    p.next();
    left = { kind: 'and', left, right: parseNot(p) };
  }
  return left;
}
function parseNot(p: Parser): Condition {
  if (p.isKeyword('NOT')) {
    p.next();
    return { kind: 'not', operand: parseNot(p) };
  }
  return parsePrimary(p);
}
function parseOperand(p: Parser): Operand {
  const t = p.peek();
  if (t?.kind === 'value') return { kind: 'value', value: p.value(p.next()) };
  if (t?.kind === 'ident' && t.text === 'size') {
    p.next();
    p.expectOp('(');
    const path = p.path();
    p.expectOp(')');
    return { kind: 'size', path };
  }
  return { kind: 'path', path: p.path() };
}
function parsePrimary(p: Parser): Condition {
  if (p.isOp('(')) {
    p.next();
    const inner = parseOr(p);
    p.expectOp(')');
    return inner;
  }
  const t = p.peek();
  const fn = t?.kind === 'ident' ? t.text : '';
  if (['attribute_exists', 'attribute_not_exists', 'begins_with', 'contains', 'attribute_type'].includes(fn) && p.peek(1)?.text === '(') {
    p.next();
    p.expectOp('(');
    const path = p.path();
    if (fn === 'attribute_exists' || fn === 'attribute_not_exists') {
      p.expectOp(')');
      return { kind: fn === 'attribute_exists' ? 'exists' : 'not-exists', path };
    }
    p.expectOp(',');
    const operand = parseOperand(p);
    p.expectOp(')');
    return { kind: fn === 'begins_with' ? 'begins-with' : fn === 'contains' ? 'contains' : 'type', path, operand };
  }
  const left = parseOperand(p);
  if (p.isKeyword('BETWEEN')) {
    p.next();
    const low = parseOperand(p);
    if (!p.isKeyword('AND')) throw p.syntax(p.peek()?.text ?? 'end');
    p.next();
    return { kind: 'between', operand: left, low, high: parseOperand(p) };
  }
  if (p.isKeyword('IN')) {
    p.next();
    p.expectOp('(');
    const list = [parseOperand(p)];
    while (p.isOp(',')) {
      p.next();
      list.push(parseOperand(p));
    }
    p.expectOp(')');
    return { kind: 'in', operand: left, list };
  }
  const op = p.next();
  if (op.kind !== 'op' || !COMPARATORS.has(op.text)) throw p.syntax(op.text);
  return { kind: 'compare', op: op.text, left, right: parseOperand(p) };
}

export function parseCondition(text: string, placeholders: Placeholders, usage: Usage): Condition {
  const p = new Parser(tokenize(text), placeholders, usage, text);
  const condition = parseOr(p);
  if (!p.done()) throw p.syntax(p.peek()!.text);
  return condition;
}

function operandValue(item: Item, o: Operand): AttributeValue | undefined {
  if (o.kind === 'value') return o.value;
  const v = getPath(item, o.path);
  if (o.kind === 'path') return v;
  const n = v === undefined ? null : sizeFunction(v);
  return n === null ? undefined : { N: String(n) };
}

export function evaluate(c: Condition, item: Item): boolean {
  switch (c.kind) {
    case 'and':
      return evaluate(c.left, item) && evaluate(c.right, item);
    case 'or':
      return evaluate(c.left, item) || evaluate(c.right, item);
    case 'not':
      return !evaluate(c.operand, item);
    case 'exists':
      return getPath(item, c.path) !== undefined;
    case 'not-exists':
      return getPath(item, c.path) === undefined;
    case 'compare': {
      const a = operandValue(item, c.left);
      const b = operandValue(item, c.right);
      if (c.op === '=') return equals(a, b);
      if (c.op === '<>') return !equals(a, b);
      const d = compare(a, b);
      if (d === null) return false;
      return c.op === '<' ? d < 0 : c.op === '<=' ? d <= 0 : c.op === '>' ? d > 0 : d >= 0;
    }
    case 'between': {
      const v = operandValue(item, c.operand);
      const lo = compare(v, operandValue(item, c.low));
      const hi = compare(v, operandValue(item, c.high));
      return lo !== null && hi !== null && lo >= 0 && hi <= 0;
    }
    case 'in': {
      const v = operandValue(item, c.operand);
      return c.list.some((o) => equals(v, operandValue(item, o)));
    }
    case 'begins-with': {
      const v = getPath(item, c.path);
      const prefix = operandValue(item, c.operand);
      if (!v || !prefix) return false;
      if (typeOf(v) === 'S' && typeOf(prefix) === 'S') return (v as { S: string }).S.startsWith((prefix as { S: string }).S);
      if (typeOf(v) === 'B' && typeOf(prefix) === 'B') return Buffer.from((v as { B: string }).B, 'base64').subarray(0, Buffer.from((prefix as { B: string }).B, 'base64').length).equals(Buffer.from((prefix as { B: string }).B, 'base64'));
      return false;
    }
    case 'contains': {
      const v = getPath(item, c.path);
      const x = operandValue(item, c.operand);
      if (!v || !x) return false;
      const t = typeOf(v);
      if (t === 'S') return typeOf(x) === 'S' && (v as { S: string }).S.includes((x as { S: string }).S);
      if (t === 'SS') return typeOf(x) === 'S' && (v as { SS: string[] }).SS.includes((x as { S: string }).S);
      if (t === 'NS') return typeOf(x) === 'N' && (v as { NS: string[] }).NS.some((n) => Number(n) === Number((x as { N: string }).N));
      if (t === 'BS') return typeOf(x) === 'B' && (v as { BS: string[] }).BS.includes((x as { B: string }).B);
      if (t === 'L') return (v as { L: AttributeValue[] }).L.some((e) => equals(e, x));
      return false;
    }
    case 'type': {
      const v = getPath(item, c.path);
      const t = operandValue(item, c.operand);
      return v !== undefined && t !== undefined && typeOf(t) === 'S' && typeOf(v) === (t as { S: string }).S;
    }
  }
}

// ---------------------------------------------------------------- key conditions

/** A query's key condition as a partition value and a sort-key range (DynamoDB allows no more). */
export interface KeyRange {
  partition: AttributeValue;
  sort?: { op: '=' | '<' | '<=' | '>' | '>='; value: AttributeValue } | { op: 'between'; low: AttributeValue; high: AttributeValue } | { op: 'begins_with'; prefix: AttributeValue };
}

export function keyRange(c: Condition, partitionKey: string, sortKey: string | undefined): KeyRange {
  const parts: Condition[] = [];
  const flatten = (x: Condition): void => {
    if (x.kind === 'and') {
      flatten(x.left);
      flatten(x.right);
    } else parts.push(x);
  };
  flatten(c);
  const invalid = () => validation('Query key condition not supported');
  const attr = (o: Operand) => (o.kind === 'path' && o.path.length === 1 && 'name' in o.path[0]! ? o.path[0].name : null);
  let partition: AttributeValue | undefined;
  let sort: KeyRange['sort'];
  for (const part of parts) {
    if (part.kind === 'compare' && attr(part.left) === partitionKey && part.op === '=' && part.right.kind === 'value') partition = part.right.value;
    else if (part.kind === 'compare' && attr(part.left) === sortKey && part.op !== '<>' && part.right.kind === 'value') sort = { op: part.op as '=', value: part.right.value };
    else if (part.kind === 'between' && attr(part.operand) === sortKey && part.low.kind === 'value' && part.high.kind === 'value') sort = { op: 'between', low: part.low.value, high: part.high.value };
    else if (part.kind === 'begins-with' && part.path.length === 1 && 'name' in part.path[0]! && part.path[0].name === sortKey && part.operand.kind === 'value') sort = { op: 'begins_with', prefix: part.operand.value };
    else throw invalid();
  }
  if (!partition) throw validation('Query condition missed key schema element: ' + partitionKey);
  return sort ? { partition, sort } : { partition };
}

// ---------------------------------------------------------------- updates

type ValueExpr =
  | Operand
  | { kind: 'if_not_exists'; path: PathStep[]; fallback: ValueExpr }
  | { kind: 'list_append'; a: ValueExpr; b: ValueExpr }
  | { kind: 'arith'; op: '+' | '-'; a: ValueExpr; b: ValueExpr };

export interface Update {
  set: { path: PathStep[]; value: ValueExpr }[];
  remove: PathStep[][];
  add: { path: PathStep[]; value: AttributeValue }[];
  delete: { path: PathStep[]; value: AttributeValue }[];
}

function parseValueTerm(p: Parser): ValueExpr {
  const t = p.peek();
  if (t?.kind === 'ident' && (t.text === 'if_not_exists' || t.text === 'list_append') && p.peek(1)?.text === '(') {
    p.next();
    p.expectOp('(');
    if (t.text === 'if_not_exists') {
      const path = p.path();
      p.expectOp(',');
      const fallback = parseValueTerm(p);
      p.expectOp(')');
      return { kind: 'if_not_exists', path, fallback };
    }
    const a = parseValueTerm(p);
    p.expectOp(',');
    const b = parseValueTerm(p);
    p.expectOp(')');
    return { kind: 'list_append', a, b };
  }
  if (t?.kind === 'value') return { kind: 'value', value: p.value(p.next()) };
  return { kind: 'path', path: p.path() };
}

export function parseUpdate(text: string, placeholders: Placeholders, usage: Usage): Update {
  const p = new Parser(tokenize(text), placeholders, usage, text);
  const update: Update = { set: [], remove: [], add: [], delete: [] };
  const seen = new Set<string>();
  while (!p.done()) {
    const clause = p.next();
    const word = clause.kind === 'ident' ? clause.text.toUpperCase() : '';
    if (!['SET', 'REMOVE', 'ADD', 'DELETE'].includes(word)) throw p.syntax(clause.text);
    if (seen.has(word)) throw validation(`Invalid UpdateExpression: The "${word}" section can only be used once in an update expression;`);
    seen.add(word);
    do {
      if (p.isOp(',')) p.next();
      const path = p.path();
      if (word === 'SET') {
        p.expectOp('=');
        let value = parseValueTerm(p);
        if (p.isOp('+') || p.isOp('-')) {
          const op = p.next().text as '+' | '-';
          value = { kind: 'arith', op, a: value, b: parseValueTerm(p) };
        }
        update.set.push({ path, value });
      } else if (word === 'REMOVE') update.remove.push(path);
      else {
        const v = p.next();
        if (v.kind !== 'value') throw p.syntax(v.text);
        (word === 'ADD' ? update.add : update.delete).push({ path, value: p.value(v) });
      }
    } while (p.isOp(','));
  }
  const all = [...update.set.map((s) => s.path), ...update.remove, ...update.add.map((a) => a.path), ...update.delete.map((d) => d.path)].map((x) => JSON.stringify(x));
  const overlap = all.find((x, i) => all.indexOf(x) !== i);
  if (overlap) throw validation(`Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [${overlap}]`);
  return update;
}

function valueOf(item: Item, v: ValueExpr): AttributeValue {
  switch (v.kind) {
    case 'value':
      return v.value;
    case 'path': {
      const found = getPath(item, v.path);
      if (found === undefined) throw validation('The provided expression refers to an attribute that does not exist in the item');
      return found;
    }
    case 'size':
      throw validation('Invalid UpdateExpression: size() is not allowed in an update expression');
    case 'if_not_exists':
      return getPath(item, v.path) ?? valueOf(item, v.fallback);
    case 'list_append': {
      const a = valueOf(item, v.a);
      const b = valueOf(item, v.b);
      if (typeOf(a) !== 'L' || typeOf(b) !== 'L') throw validation('An operand in the update expression has an incorrect data type');
      return { L: [...(a as { L: AttributeValue[] }).L, ...(b as { L: AttributeValue[] }).L] };
    }
    case 'arith': {
      const a = valueOf(item, v.a);
      const b = valueOf(item, v.b);
      if (typeOf(a) !== 'N' || typeOf(b) !== 'N') throw validation('An operand in the update expression has an incorrect data type');
      const x = Number((a as { N: string }).N);
      const y = Number((b as { N: string }).N);
      return { N: canonicalNumber(String(v.op === '+' ? x + y : x - y)) };
    }
  }
}

const SETS = ['SS', 'NS', 'BS'] as const;

/** The item after the update; every right-hand side reads the item as it was before. */
export function applyUpdate(before: Item, u: Update): Item {
  const after = structuredClone(before);
  const values = u.set.map((s) => ({ path: s.path, value: valueOf(before, s.value) }));
  for (const { path, value } of values) setPath(after, path, structuredClone(value));
  for (const path of u.remove) removePath(after, path);
  for (const { path, value } of u.add) {
    const current = getPath(after, path);
    const t = typeOf(value);
    if (t === 'N') {
      if (current !== undefined && typeOf(current) !== 'N') throw validation('An operand in the update expression has an incorrect data type');
      setPath(after, path, { N: canonicalNumber(String(Number(current ? (current as { N: string }).N : 0) + Number((value as { N: string }).N))) });
    } else if ((SETS as readonly string[]).includes(t)) {
      if (current !== undefined && typeOf(current) !== t) throw validation('An operand in the update expression has an incorrect data type');
      const members = [...new Set([...(current ? (current as Record<string, string[]>)[t]! : []), ...(value as Record<string, string[]>)[t]!])];
      setPath(after, path, normalize({ [t]: members } as AttributeValue));
    } else throw validation('Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD');
  }
  for (const { path, value } of u.delete) {
    const current = getPath(after, path);
    const t = typeOf(value);
    if (!(SETS as readonly string[]).includes(t)) throw validation('Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE');
    if (current === undefined) continue;
    if (typeOf(current) !== t) throw validation('An operand in the update expression has an incorrect data type');
    const drop = new Set((value as Record<string, string[]>)[t]!);
    const members = (current as Record<string, string[]>)[t]!.filter((m) => !drop.has(m));
    if (members.length === 0) removePath(after, path);
    else setPath(after, path, { [t]: members } as AttributeValue);
  }
  return after;
}

/** The attributes an update writes at their top level (for `UPDATED_NEW` / `UPDATED_OLD`). */
export function updatedAttributes(u: Update): string[] {
  const top = (p: PathStep[]) => ('name' in p[0]! ? p[0].name : '');
  return [...new Set([...u.set.map((s) => top(s.path)), ...u.remove.map(top), ...u.add.map((a) => top(a.path)), ...u.delete.map((d) => top(d.path))])];
}

// ---------------------------------------------------------------- projections

export function parseProjection(text: string, placeholders: Placeholders, usage: Usage): PathStep[][] {
  const p = new Parser(tokenize(text), placeholders, usage, text);
  const paths = [p.path()];
  while (p.isOp(',')) {
    p.next();
    paths.push(p.path());
  }
  if (!p.done()) throw p.syntax(p.peek()!.text);
  return paths;
}

export function project(item: Item, paths: PathStep[][]): Item {
  const out: Item = {};
  for (const path of paths) {
    const v = getPath(item, path);
    if (v === undefined) continue;
    // Nested paths keep their enclosing maps (lists collapse to the members named, in order).
    let target: Item = out;
    let source: AttributeValue = { M: item };
    for (let i = 0; i < path.length; i++) {
      const step = path[i]!;
      if (!('name' in step)) break;
      source = (source as { M: Item }).M[step.name]!;
      if (i === path.length - 1) target[step.name] = structuredClone(v);
      else {
        if (typeOf(source) !== 'M') {
          target[step.name] = structuredClone(source);
          break;
        }
        target[step.name] ??= { M: {} };
        target = (target[step.name] as { M: Item }).M;
      }
    }
  }
  return out;
}
