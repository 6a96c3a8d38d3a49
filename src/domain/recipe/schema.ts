/**
 * zod schemas for the recipe format, and the translation of zod issues into recipe problems that
 * say what is wrong, where, and what would be accepted. Shapes follow Goose's serde structs:
 * unknown keys are ignored there, so here they are warnings, never errors.
 */
import { z } from 'zod';
import {
  EXTENSION_TYPES,
  ExtensionType,
  InputType,
  ProblemCode,
  Requirement,
  type Finding,
  type PathSegment,
} from './model.js';

/** YAML `key:` with no value is null; Goose's `Option` reads it as absent. */
const opt = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null ? undefined : v), schema.optional());
/** Goose coerces scalar YAML values (`default: 15`, `values: {n: 2}`) to strings. */
const scalarString = z.union([z.string(), z.number(), z.boolean()]).transform(String);
const nonEmpty = z.string().trim().min(1);
const positiveInt = z.int().min(1);

export const ParameterSchema = z.object({
  key: nonEmpty,
  input_type: z.enum(InputType),
  requirement: z.enum(Requirement),
  description: z.string(),
  default: opt(scalarString),
  options: opt(z.array(scalarString)),
});

export const ExtensionSchema = z.looseObject({ type: z.enum(ExtensionType), name: nonEmpty });

export const SettingsSchema = z.object({
  goose_provider: opt(z.string()),
  goose_model: opt(z.string()),
  temperature: opt(z.number()),
  max_turns: opt(positiveInt),
});

export const SubRecipeSchema = z.object({
  name: nonEmpty,
  path: nonEmpty,
  values: opt(z.record(z.string(), scalarString)),
  sequential_when_repeated: opt(z.boolean()),
  description: opt(z.string()),
});

export const RetrySchema = z.object({
  max_retries: positiveInt,
  checks: z.array(z.object({ type: z.literal('shell'), command: nonEmpty })),
  timeout_seconds: opt(positiveInt),
  on_failure: opt(z.string()),
  on_failure_timeout_seconds: opt(positiveInt),
});

export const ResponseSchema = z.object({
  json_schema: opt(
    z
      .record(z.string(), z.unknown())
      .refine((s) => Object.keys(s).length > 0, 'must not be an empty JSON Schema'),
  ),
});

export const ScheduleSchema = z.object({
  foreground: z.boolean(),
  fallback_to_background: z.boolean(),
  window_title: opt(z.string()),
  working_directory: opt(z.string()),
});

export const AuthorSchema = z.looseObject({ contact: opt(z.string()), metadata: opt(z.string()) });

export const RecipeSchema = z.object({
  version: opt(scalarString).transform((v) => v ?? '1.0.0'),
  title: nonEmpty,
  description: nonEmpty,
  instructions: opt(z.string()),
  prompt: opt(z.string()),
  parameters: opt(z.array(ParameterSchema)),
  extensions: opt(z.array(ExtensionSchema)),
  settings: opt(SettingsSchema),
  response: opt(ResponseSchema),
  sub_recipes: opt(z.array(SubRecipeSchema)),
  retry: opt(RetrySchema),
  activities: opt(z.array(z.string())),
  author: opt(AuthorSchema),
  context: opt(z.array(z.string())),
  schedule: opt(ScheduleSchema),
});

/** Keys Goose knows, per object kind; anything else draws an `unknown_field` warning. */
const EXTENSION_KEYS = [
  ...['type', 'name', 'description', 'display_name', 'cmd', 'args', 'timeout', 'cwd', 'bundled'],
  ...['uri', 'socket', 'envs', 'env_keys', 'headers', 'available_tools', 'instructions', 'code'],
  ...['tools', 'dependencies', 'client_id', 'client_secret_key', 'scopes'],
];
const KNOWN_KEYS: Record<string, readonly string[]> = {
  recipe: Object.keys(RecipeSchema.shape),
  parameters: Object.keys(ParameterSchema.shape),
  extensions: EXTENSION_KEYS,
  settings: Object.keys(SettingsSchema.shape),
  sub_recipes: Object.keys(SubRecipeSchema.shape),
  retry: Object.keys(RetrySchema.shape),
  response: Object.keys(ResponseSchema.shape),
  schedule: Object.keys(ScheduleSchema.shape),
  author: Object.keys(AuthorSchema.shape),
};

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function valueAt(doc: unknown, at: readonly PathSegment[]): unknown {
  let node: unknown = doc;
  for (const seg of at) {
    if (Array.isArray(node) && typeof seg === 'number') node = node[seg];
    else if (isRecord(node)) node = node[String(seg)];
    else return undefined;
  }
  return node;
}

export function formatPath(at: readonly PathSegment[]): string {
  return at.reduce<string>(
    (acc, seg) => (typeof seg === 'number' ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg),
    '',
  );
}

function unknownKeysOf(node: unknown, known: readonly string[], at: PathSegment[]): Finding[] {
  if (!isRecord(node)) return [];
  return Object.keys(node)
    .filter((key) => !known.includes(key))
    .map((key) => ({
      severity: 'warning' as const,
      code: ProblemCode.unknownField,
      message: `unknown field \`${formatPath([...at, key])}\` is ignored by Goose`,
      at: [...at, key],
    }));
}

/** Warnings for fields Goose ignores, at the top level and inside known objects and lists. */
export function unknownFieldFindings(recipe: Record<string, unknown>): Finding[] {
  const findings = unknownKeysOf(recipe, KNOWN_KEYS.recipe ?? [], []);
  for (const [field, known] of Object.entries(KNOWN_KEYS)) {
    const value = recipe[field];
    if (field === 'recipe' || value === undefined) continue;
    if (Array.isArray(value)) {
      value.forEach((item, i) => findings.push(...unknownKeysOf(item, known, [field, i])));
    } else {
      findings.push(...unknownKeysOf(value, known, [field]));
    }
  }
  return findings;
}

/** Closed value sets worth listing when a field at this path is wrong or missing. */
function allowedAt(at: readonly PathSegment[]): readonly string[] | undefined {
  const tail = at.filter((s) => typeof s === 'string').join('.');
  if (tail === 'extensions' || tail === 'extensions.type') return EXTENSION_TYPES;
  return undefined;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isRecord(value)) return 'a mapping';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 60))}`;
  return `${typeof value} ${String(value)}`;
}

/** Turns one zod issue into a finding with a plain-language message. */
export function issueFinding(issue: z.core.$ZodIssue, doc: unknown): Finding {
  const at = issue.path.filter((s): s is PathSegment => typeof s !== 'symbol');
  const where = `\`${formatPath(at)}\``;
  const value = valueAt(doc, at);
  const base = { severity: 'error' as const, at };
  if (value === undefined) {
    const allowed = issue.code === 'invalid_value' ? issue.values.map(String) : allowedAt(at);
    const hint = allowed ? ` (one of: ${allowed.join(', ')})` : '';
    return {
      ...base,
      code: ProblemCode.missingField,
      message: `missing required field ${where}${hint}`,
      allowed,
    };
  }
  if (issue.code === 'invalid_value') {
    const allowed = issue.values.map(String);
    const message = `${where} is ${describe(value)}; allowed: ${allowed.join(', ')}`;
    return { ...base, code: ProblemCode.invalidValue, message, allowed };
  }
  if (issue.code === 'too_small' && typeof value === 'string') {
    return { ...base, code: ProblemCode.emptyField, message: `${where} must not be empty` };
  }
  if (issue.code === 'invalid_type' || issue.code === 'invalid_union') {
    return typeFinding(issue, at, value);
  }
  return {
    ...base,
    code: ProblemCode.invalidValue,
    message: `${where}: ${issue.message.toLowerCase()}`,
  };
}

function typeFinding(issue: z.core.$ZodIssue, at: PathSegment[], value: unknown): Finding {
  const expected = issue.code === 'invalid_type' ? issue.expected : 'string';
  const allowed = allowedAt(at);
  const shape =
    allowed && expected === 'object'
      ? `an extension object with \`type\` (one of: ${allowed.join(', ')}) and \`name\``
      : expected === 'object'
        ? 'a mapping'
        : expected === 'array'
          ? 'a list'
          : `a ${expected === 'int' ? 'whole number' : expected}`;
  return {
    severity: 'error',
    code: ProblemCode.invalidType,
    message: `\`${formatPath(at)}\` must be ${shape}, got ${describe(value)}`,
    at,
    allowed,
  };
}
