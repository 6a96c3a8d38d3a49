/**
 * The allowed range of every number a user can set, in one place: each face (flags, config file,
 * environment, API, schedule files) refuses a value outside its range with the range named, and
 * everything inside it works (timers longer than Node's 24.8-day limit are chained).
 */
import { UsageError } from './errors.js';
import { formatDurationExact, parseDuration } from './duration.js';

export interface Range {
  readonly min: number;
  readonly max: number;
}

const DAY = 86_400_000;

/** Durations in milliseconds. */
export const DurationLimit = {
  /** Per-attempt timeout. */
  timeout: { min: 100, max: 365 * DAY },
  /** SIGTERM → SIGKILL. */
  grace: { min: 0, max: 3_600_000 },
  heartbeat: { min: 100, max: 3_600_000 },
  jitter: { min: 0, max: 365 * DAY },
  catchupWindow: { min: 0, max: 365 * DAY },
  /** 0 = keep forever. */
  retention: { min: 0, max: 100 * 365 * DAY },
  /** `@every` intervals. */
  interval: { min: 1_000, max: 365 * DAY },
} as const satisfies Record<string, Range>;

/** Whole numbers. */
export const CountLimit = {
  retries: { min: 0, max: 100 },
  remainingActions: { min: 0, max: 1_000_000_000 },
  maxConcurrent: { min: 1, max: 10_000 },
  port: { min: 0, max: 65_535 },
  listLimit: { min: 1, max: 1_000 },
} as const satisfies Record<string, Range>;

export function describeDurationRange(range: Range): string {
  return `${formatDurationExact(range.min)} to ${formatDurationExact(range.max)}`;
}

/** Refuses a duration outside `range`, naming the field, the value and the range. */
export function checkDuration(ms: number, field: string, range: Range, text?: string): number {
  if (!Number.isFinite(ms) || ms < range.min || ms > range.max) {
    const shown = text ?? formatDurationExact(ms);
    throw new UsageError(
      `${field} ${shown} is out of range: allowed ${describeDurationRange(range)}`,
      { field, value: text ?? ms, min: range.min, max: range.max },
    );
  }
  return ms;
}

/** `parseDuration`, then the range check: what the user wrote is what the message quotes. */
export function parseDurationIn(text: string, field: string, range: Range): number {
  return checkDuration(parseDuration(text, field), field, range, `'${text.trim()}'`);
}

/** Refuses a whole number outside `range`, naming the field. */
export function checkCount(n: number, field: string, range: Range): number {
  if (!Number.isInteger(n) || n < range.min || n > range.max) {
    throw new UsageError(
      `${field} must be a whole number from ${range.min} to ${range.max}, got ${String(n)}`,
      { field, value: n, min: range.min, max: range.max },
    );
  }
  return n;
}
