/**
 * A schedule's fields as both faces take them — `schedule add|update` flags and the API's schedule
 * body use the same names and the same text forms (durations, ISO-8601 times) — parsed into draft
 * changes and put on top of a base draft. A face only says how it names a field in its errors.
 */
import { DurationLimit, parseDurationIn, type Range } from '../limits.js';
import { UsageError } from '../errors.js';
import { applyChanges, defined, type DraftChanges, type FieldNames } from './draft-changes.js';
import type { ExecutionMode, OverlapPolicy } from './model.js';
import type { ScheduleDraft } from './transfer-draft.js';

export interface ScheduleInput {
  readonly cron?: string | undefined;
  readonly recipe?: string | undefined;
  readonly timezone?: string | undefined;
  readonly jitter?: string | undefined;
  readonly start?: string | undefined;
  readonly end?: string | undefined;
  readonly overlap?: OverlapPolicy | undefined;
  readonly catchupWindow?: string | undefined;
  readonly catchup?: 'all' | 'latest' | undefined;
  readonly pauseOnFailure?: boolean | undefined;
  readonly remaining?: number | undefined;
  readonly params?: Readonly<Record<string, string>> | undefined;
  readonly timeout?: string | undefined;
  readonly retries?: number | undefined;
  readonly cwd?: string | undefined;
  readonly mode?: ExecutionMode | undefined;
  readonly paused?: boolean | undefined;
  readonly note?: string | undefined;
  readonly followSource?: boolean | undefined;
}

/** How a face names its fields in errors: `--catchup-window` (CLI), `field 'catchupWindow':` (API). */
export interface InputNames extends FieldNames {
  of(field: keyof ScheduleInput): string;
}

/** The input's values as draft changes (absent ones stay absent). */
export function changesFromInput(input: ScheduleInput, names: InputNames): DraftChanges {
  const dur = (field: 'jitter' | 'catchupWindow' | 'timeout', range: Range) => {
    const text = input[field];
    return text === undefined ? undefined : parseDurationIn(text, names.of(field), range);
  };
  const instant = (field: 'start' | 'end') => {
    const text = input[field];
    if (text === undefined) return undefined;
    const ms = Date.parse(text);
    if (Number.isNaN(ms))
      throw new UsageError(
        `${names.of(field)} '${text}' is not an ISO-8601 time (e.g. 2026-12-01T09:00:00Z)`,
        { field },
      );
    return ms;
  };
  return defined({
    expression: input.cron,
    timezone: input.timezone,
    jitterMs: dur('jitter', DurationLimit.jitter),
    startAt: instant('start'),
    endAt: instant('end'),
    overlap: input.overlap,
    catchupWindowMs: dur('catchupWindow', DurationLimit.catchupWindow),
    catchupLatestOnly: input.catchup === undefined ? undefined : input.catchup === 'latest',
    pauseOnFailure: input.pauseOnFailure,
    remainingActions: input.remaining,
    recipePath: input.recipe,
    params: input.params,
    timeoutMs: dur('timeout', DurationLimit.timeout),
    retries: input.retries,
    cwd: input.cwd,
    mode: input.mode,
    paused: input.paused,
    note: input.note,
    followSource: input.followSource,
  });
}

/** A draft from `input` on top of `base` (a new schedule's defaults, or the schedule being updated). */
export function draftFromInput(
  id: string,
  input: ScheduleInput,
  base: ScheduleDraft,
  names: InputNames,
): ScheduleDraft {
  return applyChanges(id, base, changesFromInput(input, names), names);
}
