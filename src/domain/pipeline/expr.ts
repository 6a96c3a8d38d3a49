/**
 * The small expression language of pipeline files: `${…}` references in step params and
 * `for_each`, and one comparison in `if:`. Parsed once at validation (errors say what and where),
 * evaluated by the planner against settled steps only — never by a template engine, never by eval.
 */
import {
  ConditionOp,
  type Condition,
  type Reference,
  type ValueExpr,
  type ValueType,
} from './model.js';

const NAME = '[A-Za-z_][A-Za-z0-9_-]*';
const REF_BODY = new RegExp(`^\\s*(${NAME}(?:\\.${NAME})*)\\s*$`);
/** `${` … `}`; `$${` is a literal `${`. */
const PLACEHOLDER = /\$\$\{|\$\{([^}]*)\}/g;

export class ExprError extends Error {}

export function parseReference(body: string): Reference {
  const m = REF_BODY.exec(body);
  const source = `\${${body.trim()}}`;
  if (!m)
    throw new ExprError(
      `${source} is not a reference (params.<name>, steps.<id>.output…, steps.<id>.status, item…, index)`,
    );
  const [root, ...rest] = m[1]!.split('.');
  switch (root) {
    case 'params':
      if (rest.length !== 1)
        throw new ExprError(`${source}: write params.<name> (pipeline params have no fields)`);
      return { kind: 'param', name: rest[0]!, source };
    case 'steps': {
      const [step, field, ...path] = rest;
      if (!step || !field)
        throw new ExprError(`${source}: write steps.<id>.output or steps.<id>.status`);
      if (field === 'output') return { kind: 'output', step, path, source };
      if (field === 'status' && path.length === 0) return { kind: 'status', step, source };
      throw new ExprError(`${source}: a step has \`output\` and \`status\`, not \`${field}\``);
    }
    case 'item':
      return { kind: 'item', path: rest, source };
    case 'index':
      if (rest.length) throw new ExprError(`${source}: index is a number and has no fields`);
      return { kind: 'index', source };
    default:
      throw new ExprError(`${source}: unknown root \`${root}\` (use params, steps, item or index)`);
  }
}

/** A step param's (or `for_each`'s) value as written in the file. */
export function parseValue(raw: unknown): ValueExpr {
  if (typeof raw !== 'string') return { kind: 'literal', value: raw };
  const parts: (string | Reference)[] = [];
  let last = 0;
  let text = '';
  for (const m of raw.matchAll(PLACEHOLDER)) {
    text += raw.slice(last, m.index);
    last = m.index + m[0].length;
    if (m[0] === '$${') {
      text += '${';
      continue;
    }
    if (text) parts.push(text);
    text = '';
    parts.push(parseReference(m[1]!));
  }
  text += raw.slice(last);
  if (text) parts.push(text);
  if (parts.length === 0) return { kind: 'literal', value: '' };
  if (parts.length === 1 && typeof parts[0] !== 'string') return { kind: 'ref', ref: parts[0]! };
  if (parts.every((p) => typeof p === 'string')) return { kind: 'literal', value: parts.join('') };
  return { kind: 'text', parts };
}

const COMPARISON = /^(.*?)\s*(==|!=|<=|>=|<|>)\s*(.*)$/s;

/**
 * `if:` — `${ref}`, `not ${ref}`, or `<operand> <op> <operand>` where an operand is a reference
 * or a JSON literal (`"text"`, `3`, `true`, `null`). YAML booleans are taken as written.
 */
export function parseCondition(raw: unknown): Condition {
  if (typeof raw === 'boolean')
    return { op: ConditionOp.truthy, left: literal(raw), right: null, source: String(raw) };
  if (typeof raw !== 'string' || raw.trim() === '')
    throw new ExprError('`if` must be a condition such as ${steps.check.output.changed} == true');
  const source = raw.trim();
  const negated = /^not\s+(.*)$/s.exec(source);
  if (negated) return { op: ConditionOp.not, left: operand(negated[1]!), right: null, source };
  const cmp = COMPARISON.exec(maskRefs(source));
  if (cmp) {
    const at = cmp[1]!.length;
    const opAt = source.indexOf(cmp[2]!, at);
    const left = source.slice(0, opAt).trim();
    const right = source.slice(opAt + cmp[2]!.length).trim();
    if (!left || !right)
      throw new ExprError(`\`${source}\`: a comparison needs a value on each side`);
    return { op: cmp[2] as ConditionOp, left: operand(left), right: operand(right), source };
  }
  return { op: ConditionOp.truthy, left: operand(source), right: null, source };
}

/**
 * Hides `${…}` bodies and quoted literals (`"a<b"`, `'x == y'`) so that an operator inside one is
 * not read as the comparison.
 */
function maskRefs(text: string): string {
  return text.replace(/\$\{[^}]*\}|"(?:[^"\\]|\\.)*"|'[^']*'/g, (m) => '_'.repeat(m.length));
}

function operand(text: string): ValueExpr {
  const t = text.trim();
  if (t.startsWith('${')) {
    const v = parseValue(t);
    if (v.kind !== 'ref')
      throw new ExprError(`\`${t}\`: an operand is one reference or one literal`);
    return v;
  }
  if (t.startsWith("'") && t.endsWith("'") && t.length >= 2) return literal(t.slice(1, -1));
  try {
    return literal(JSON.parse(t));
  } catch {
    throw new ExprError(
      `\`${t}\` is neither a reference nor a literal (quote text: "${t.replace(/"/g, '')}")`,
    );
  }
}

function literal(value: unknown): ValueExpr {
  return { kind: 'literal', value };
}

/** Every reference an expression makes. */
export function referencesOf(expr: ValueExpr | Condition | null): Reference[] {
  if (!expr) return [];
  if ('op' in expr) return [...referencesOf(expr.left), ...referencesOf(expr.right)];
  if (expr.kind === 'ref') return [expr.ref];
  if (expr.kind === 'text') return expr.parts.filter((p): p is Reference => typeof p !== 'string');
  return [];
}

/** What evaluation sees: pipeline params (typed), settled steps, and the fan-out item. */
export interface Scope {
  readonly params: Readonly<Record<string, unknown>>;
  readonly steps: ReadonlyMap<string, { readonly status: string; readonly output: unknown }>;
  readonly item?: unknown;
  readonly index?: number;
}

export function resolveReference(ref: Reference, scope: Scope): unknown {
  switch (ref.kind) {
    case 'param':
      return scope.params[ref.name] ?? null;
    case 'status':
      return scope.steps.get(ref.step)?.status ?? null;
    case 'output':
      return pick(scope.steps.get(ref.step)?.output ?? null, ref.path);
    case 'item':
      return pick(scope.item ?? null, ref.path);
    case 'index':
      return scope.index ?? null;
    default: {
      const unreachable: never = ref;
      return unreachable;
    }
  }
}

function pick(value: unknown, path: readonly string[]): unknown {
  let at = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object' || Array.isArray(at)) return null;
    at = (at as Record<string, unknown>)[key] ?? null;
  }
  return at;
}

export function evaluate(expr: ValueExpr, scope: Scope): unknown {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'ref':
      return resolveReference(expr.ref, scope);
    case 'text':
      return expr.parts
        .map((p) => (typeof p === 'string' ? p : asText(resolveReference(p, scope))))
        .join('');
    default: {
      const unreachable: never = expr;
      return unreachable;
    }
  }
}

/** How a value reaches a recipe parameter (`goose run --params k=v` takes text). */
export function asText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function test(condition: Condition, scope: Scope): boolean {
  const left = evaluate(condition.left, scope);
  if (condition.op === ConditionOp.truthy) return truthy(left);
  if (condition.op === ConditionOp.not) return !truthy(left);
  const right = evaluate(condition.right!, scope);
  switch (condition.op) {
    case ConditionOp.eq:
      return same(left, right);
    case ConditionOp.ne:
      return !same(left, right);
    default:
      return ordered(condition.op, left, right);
  }
}

/** Empty text, 0, false, null, empty lists and objects are false; "false" as text too. */
export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === 'object') return Object.keys(value).length > 0;
  if (typeof value === 'string') return value !== '' && value.toLowerCase() !== 'false';
  return Boolean(value);
}

/** Equal as JSON; a number and its text are equal (params arrive as text). */
function same(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'string') return String(a) === b.trim();
  if (typeof a === 'string' && typeof b === 'number') return a.trim() === String(b);
  if (typeof a === 'boolean' && typeof b === 'string') return String(a) === b.trim();
  if (typeof a === 'string' && typeof b === 'boolean') return a.trim() === String(b);
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function ordered(op: ConditionOp, a: unknown, b: unknown): boolean {
  const x = typeof a === 'string' && a.trim() !== '' ? Number(a) : a;
  const y = typeof b === 'string' && b.trim() !== '' ? Number(b) : b;
  if (typeof x !== 'number' || typeof y !== 'number' || Number.isNaN(x) || Number.isNaN(y))
    return false;
  if (op === ConditionOp.lt) return x < y;
  if (op === ConditionOp.le) return x <= y;
  if (op === ConditionOp.gt) return x > y;
  return x >= y;
}

/**
 * The items a `for_each` goes over: a list, or text split on commas and new lines. Null (the
 * output of a skipped step, or of one that failed with `continue`) is no items, as empty text is.
 */
export function itemsOf(value: unknown): unknown[] | null {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') {
    const t = value.trim();
    if (t.startsWith('[')) {
      try {
        const parsed: unknown = JSON.parse(t);
        if (Array.isArray(parsed)) return parsed;
      } catch {
        // Text that only looks like a list is split as text.
      }
    }
    return t === ''
      ? []
      : t
          .split(/[,\n]/)
          .map((s) => s.trim())
          .filter((s) => s !== '');
  }
  return null;
}

/** The static type of a literal, for checks. */
export function typeOfLiteral(value: unknown): ValueType {
  if (value === null || value === undefined) return { type: 'null' };
  if (typeof value === 'string') return { type: 'string' };
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (typeof value === 'number')
    return Number.isInteger(value) ? { type: 'integer' } : { type: 'number' };
  if (Array.isArray(value)) {
    const first = value[0];
    return { type: 'array', items: value.length ? typeOfLiteral(first) : { type: 'unknown' } };
  }
  return { type: 'object', properties: null };
}

/** A JSON Schema (as a recipe's `response.json_schema` writes it) read as a static type. */
export function typeOfSchema(schema: unknown, depth = 0): ValueType {
  if (!schema || typeof schema !== 'object' || depth > 16) return { type: 'unknown' };
  const s = schema as Record<string, unknown>;
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  switch (t) {
    case 'string':
      return Array.isArray(s.enum)
        ? { type: 'string', options: s.enum.filter((x): x is string => typeof x === 'string') }
        : { type: 'string' };
    case 'number':
    case 'integer':
    case 'boolean':
    case 'null':
      return { type: t };
    case 'array':
      return { type: 'array', items: typeOfSchema(s.items, depth + 1) };
    case 'object': {
      const props = s.properties;
      if (!props || typeof props !== 'object') return { type: 'object', properties: null };
      const out: Record<string, ValueType> = {};
      for (const [k, v] of Object.entries(props)) out[k] = typeOfSchema(v, depth + 1);
      return { type: 'object', properties: out };
    }
    default:
      return { type: 'unknown' };
  }
}

/** Follows field names into a type; a message when the type cannot have them. */
export function typeAtPath(
  type: ValueType,
  path: readonly string[],
  what: string,
): ValueType | string {
  let at = type;
  for (const [i, key] of path.entries()) {
    if (at.type === 'unknown') return at;
    const here = [what, ...path.slice(0, i)].join('.');
    if (at.type !== 'object')
      return `${here} is ${describeType(at)}, which has no field \`${key}\``;
    if (at.properties === null) return { type: 'unknown' };
    const next = at.properties[key];
    if (!next) {
      const declared = Object.keys(at.properties);
      return `${here} has no field \`${key}\` (its schema declares: ${declared.join(', ') || 'none'})`;
    }
    at = next;
  }
  return at;
}

export function describeType(type: ValueType): string {
  switch (type.type) {
    case 'array':
      return `a list of ${describeType(type.items).replace(/^an? /, '')}`;
    case 'object':
      return 'an object';
    case 'integer':
      return 'an integer';
    case 'unknown':
      return 'a value of unknown type';
    default:
      return `a ${type.type}`;
  }
}
