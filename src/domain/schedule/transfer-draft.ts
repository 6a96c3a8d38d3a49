/**
 * What the two schedule file formats (Goose's legacy `schedules.json`, goose-flow's own export)
 * read into, and the checks and error wording both share: every refusal names the file, the
 * entry (index and id when known), the field, what is wrong and what would be accepted.
 */
import type { z } from 'zod';
import { UsageError } from '../errors.js';
import type { ExecutionMode, OverlapPolicy, Schedule } from './model.js';
import { compileSpec } from './spec.js';

/** A schedule as a file describes it, before the caller resolves paths and snapshots the recipe. */
export interface ScheduleDraft {
  id: string;
  expression: string;
  /** null = the host's zone, decided by the caller. */
  timezone: string | null;
  jitterMs: number;
  startAt: number | null;
  endAt: number | null;
  overlap: OverlapPolicy;
  catchupWindowMs: number;
  catchupLatestOnly: boolean;
  pauseOnFailure: boolean;
  paused: boolean;
  note: string | null;
  remainingActions: number | null;
  /** As written in the file: a relative path is the caller's to resolve against the file's folder. */
  recipePath: string;
  followSource: boolean;
  params: Record<string, string>;
  /** null = the default attempt timeout. */
  timeoutMs: number | null;
  /** null = the default retry policy. */
  retries: number | null;
  cwd: string | null;
  mode: ExecutionMode;
  /** Import remarks for the user: what was carried over as information only, or ignored. */
  notes: string[];
}

/** Where an entry sits in its file, for messages: `schedules.yaml: schedules[2] (id 'nightly')`. */
export interface EntryRef {
  readonly file: string;
  /** How the format names its list of entries: `schedules` (export) or `job ` (Goose). */
  readonly list: string;
  readonly index: number;
  readonly id: string | null;
}

export function describeEntry(ref: EntryRef): string {
  const id = ref.id === null ? '' : ` (id '${ref.id}')`;
  return `${ref.file}: ${ref.list}[${ref.index}]${id}`;
}

export function entryError(ref: EntryRef, field: string, problem: string): UsageError {
  return new UsageError(`${describeEntry(ref)}, field '${field}': ${problem}`, {
    file: ref.file,
    index: ref.index,
    id: ref.id,
    field,
  });
}

/** The id an entry claims, read before validation so even its first error can name it. */
export function claimedId(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null || !('id' in raw)) return null;
  return typeof raw.id === 'string' && raw.id.trim() !== '' ? raw.id : null;
}

/** Validates one entry with `schema`; the first problem becomes a UsageError naming the entry. */
export function parseEntry<S extends z.ZodType>(
  schema: S,
  raw: unknown,
  ref: EntryRef,
): z.output<S> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw new UsageError(`${describeEntry(ref)}: must be a mapping of fields (got ${show(raw)})`, {
      file: ref.file,
      index: ref.index,
    });
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
  const field = [...issue.path, ...keys.slice(0, 1)].map(String).join('.') || '(entry)';
  throw entryError(ref, field, describeIssue(issue, schema));
}

function describeIssue(issue: z.core.$ZodIssue, schema: z.ZodType): string {
  const got = 'input' in issue ? ` (got ${show(issue.input)})` : '';
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  // Refinements and transforms word their whole message; their input is not what the user wrote.
  if (issue.code === 'custom') return issue.message;
  // Schemas word their own messages ("must be a duration…") where zod's would be vague.
  if (issue.message.startsWith('must ')) return `${issue.message}${got}`;
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}${got}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}${got}`;
    case 'unrecognized_keys':
      return `unknown field; allowed: ${allowedFields(schema).join(', ')}`;
    case 'too_small':
      return `must be at least ${String(issue.minimum)}${got}`;
    case 'too_big':
      return `must be at most ${String(issue.maximum)}${got}`;
    default:
      return issue.message;
  }
}

function allowedFields(schema: z.ZodType): string[] {
  const shape: unknown = (schema as { shape?: unknown }).shape;
  return typeof shape === 'object' && shape !== null ? Object.keys(shape) : [];
}

export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) return 'a mapping';
  return String(value);
}

/** compileSpec names spec fields; the files call the expression `cron`. */
const FILE_FIELD: Record<string, string> = { expression: 'cron' };

/**
 * Refuses at import what the scheduler would refuse later: each spec is compiled (cron, zone,
 * jitter, bounds), and an id may appear once per file.
 */
export function checkDrafts(drafts: readonly ScheduleDraft[], refs: readonly EntryRef[]): void {
  const seen = new Map<string, EntryRef>();
  drafts.forEach((draft, i) => {
    const ref = refs[i]!;
    checkSpec(draft, ref);
    const first = seen.get(draft.id);
    if (first)
      throw new UsageError(
        `${describeEntry(ref)}: the id is already used by ${first.list}[${first.index}]; ids must be unique within a file`,
        { file: ref.file, index: ref.index, id: draft.id, field: 'id', firstIndex: first.index },
      );
    seen.set(draft.id, ref);
  });
}

function checkSpec(draft: ScheduleDraft, ref: EntryRef): void {
  try {
    compileSpec({
      expression: draft.expression,
      // The host zone is the caller's to pick; any valid zone proves the expression.
      timezone: draft.timezone ?? 'UTC',
      jitterMs: draft.jitterMs,
      startAt: draft.startAt,
      endAt: draft.endAt,
    });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const field = String(err.details.field ?? 'cron');
    throw entryError(ref, FILE_FIELD[field] ?? field, err.message);
  }
}

/** A draft with goose-flow's defaults for everything but what names the schedule. */
export function defaultDraft(id: string, expression: string, recipePath: string): ScheduleDraft {
  return {
    id,
    expression,
    timezone: null,
    jitterMs: 0,
    startAt: null,
    endAt: null,
    overlap: 'skip',
    catchupWindowMs: 0,
    catchupLatestOnly: false,
    pauseOnFailure: false,
    paused: false,
    note: null,
    remainingActions: null,
    recipePath,
    followSource: false,
    params: {},
    timeoutMs: null,
    retries: null,
    cwd: null,
    mode: 'background',
    notes: [],
  };
}

/** The draft that re-creates a schedule as it is (for `schedule update` and exports). */
export function draftOf(s: Schedule): ScheduleDraft {
  return {
    id: s.id,
    expression: s.spec.expression,
    timezone: s.spec.timezone,
    jitterMs: s.spec.jitterMs,
    startAt: s.spec.startAt,
    endAt: s.spec.endAt,
    ...s.policies,
    paused: s.state.paused,
    note: s.state.note,
    remainingActions: s.state.remainingActions,
    recipePath: s.action.recipePath,
    followSource: s.action.followSource,
    params: { ...s.action.params },
    timeoutMs: s.action.timeoutMs,
    retries: s.action.retryPolicy.maxAttempts > 0 ? s.action.retryPolicy.maxAttempts - 1 : null,
    cwd: s.action.cwd,
    mode: s.action.mode,
    notes: [],
  };
}
