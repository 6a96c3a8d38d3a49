/**
 * A change to a schedule draft, as every face asks for it: each face (CLI flags, API body) parses
 * its own text into these values — naming its own fields in errors — and `applyChanges` puts
 * them on top of a base draft (a new schedule's defaults, or the schedule being updated) with the
 * checks that involve more than one field.
 */
import { UsageError } from '../errors.js';
import type { ExecutionMode, OverlapPolicy } from './model.js';
import type { ScheduleDraft } from './transfer-draft.js';

export interface DraftChanges {
  readonly expression?: string;
  readonly timezone?: string;
  readonly jitterMs?: number;
  readonly startAt?: number;
  readonly endAt?: number;
  readonly overlap?: OverlapPolicy;
  readonly catchupWindowMs?: number;
  /** `latest` (true) or `all` (false). */
  readonly catchupLatestOnly?: boolean;
  readonly pauseOnFailure?: boolean;
  readonly remainingActions?: number;
  readonly recipePath?: string;
  /** Merged over the base draft's params. */
  readonly params?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly retries?: number;
  readonly cwd?: string;
  readonly mode?: ExecutionMode;
  readonly paused?: boolean;
  readonly note?: string;
  readonly followSource?: boolean;
}

/** What the face calls the fields a cross-field check names (`--catchup-window`, `catchupWindow`). */
export interface FieldNames {
  readonly catchup: string;
  readonly catchupWindow: string;
}

export function applyChanges(
  id: string,
  base: ScheduleDraft,
  c: DraftChanges,
  names: FieldNames,
): ScheduleDraft {
  const draft: ScheduleDraft = {
    ...base,
    id,
    expression: c.expression ?? base.expression,
    timezone: c.timezone ?? base.timezone,
    jitterMs: c.jitterMs ?? base.jitterMs,
    startAt: c.startAt ?? base.startAt,
    endAt: c.endAt ?? base.endAt,
    overlap: c.overlap ?? base.overlap,
    catchupWindowMs: c.catchupWindowMs ?? base.catchupWindowMs,
    catchupLatestOnly: c.catchupLatestOnly ?? base.catchupLatestOnly,
    pauseOnFailure: c.pauseOnFailure ?? base.pauseOnFailure,
    remainingActions: c.remainingActions ?? base.remainingActions,
    recipePath: c.recipePath ?? base.recipePath,
    params: c.params ? { ...base.params, ...c.params } : base.params,
    timeoutMs: c.timeoutMs ?? base.timeoutMs,
    retries: c.retries ?? base.retries,
    cwd: c.cwd ?? base.cwd,
    mode: c.mode ?? base.mode,
    paused: c.paused ?? base.paused,
    note: c.note ?? base.note,
    followSource: c.followSource ?? base.followSource,
  };
  if (draft.catchupLatestOnly && draft.catchupWindowMs === 0) {
    throw new UsageError(
      `${names.catchup} latest needs a ${names.catchupWindow} greater than 0 (with 0, missed occurrences are never replayed)`,
      { field: names.catchup },
    );
  }
  return draft;
}

/** The changes a face was asked for: its values without the undefined ones. */
export function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
