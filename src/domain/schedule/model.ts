import type { RetryPolicy } from '../retry-policy.js';
import type { ScheduleSpec } from './spec.js';

/** What to do with an occurrence while a run of the same schedule is still going (Temporal's six). */
export const OverlapPolicy = {
  skip: 'skip',
  bufferOne: 'buffer_one',
  bufferAll: 'buffer_all',
  cancelOther: 'cancel_other',
  terminateOther: 'terminate_other',
  allowAll: 'allow_all',
} as const;
export type OverlapPolicy = (typeof OverlapPolicy)[keyof typeof OverlapPolicy];
export const OVERLAP_POLICIES: readonly OverlapPolicy[] = Object.values(OverlapPolicy);

/** What became of an occurrence. Every occurrence gets exactly one. */
export const Decision = {
  started: 'started',
  skippedOverlap: 'skipped_overlap',
  buffered: 'buffered',
  missedCatchup: 'missed_catchup',
  skippedPaused: 'skipped_paused',
} as const;
export type Decision = (typeof Decision)[keyof typeof Decision];

export const ExecutionMode = { background: 'background', foreground: 'foreground' } as const;
export type ExecutionMode = (typeof ExecutionMode)[keyof typeof ExecutionMode];

export interface SchedulePolicies {
  readonly overlap: OverlapPolicy;
  /** Occurrences missed while nothing was running are started if not older than this; 0 = none. */
  readonly catchupWindowMs: number;
  /** With a catch-up window: start only the most recent missed occurrence. */
  readonly catchupLatestOnly: boolean;
  readonly pauseOnFailure: boolean;
}

export interface ScheduleState {
  readonly paused: boolean;
  readonly note: string | null;
  /** Runs left before the schedule stops starting new ones; null = unlimited. */
  readonly remainingActions: number | null;
}

/** The run a schedule's occurrence starts: which recipe snapshot, with what, how. */
export interface ScheduleAction {
  readonly recipePath: string;
  readonly recipeHash: string;
  /** Re-read `recipePath` at each run instead of running the snapshot. */
  readonly followSource: boolean;
  readonly params: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly retryPolicy: RetryPolicy;
  readonly cwd: string | null;
  readonly mode: ExecutionMode;
  /** Foreground without a running desktop app: run in the background instead (default) or fail. */
  readonly fallbackToBackground?: boolean;
}

export interface Schedule {
  readonly id: string;
  readonly spec: ScheduleSpec;
  readonly policies: SchedulePolicies;
  readonly state: ScheduleState;
  readonly action: ScheduleAction;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Every occurrence up to and including this scheduled time has its decision. */
  readonly decidedThrough: number;
  /** The next occurrence (derived from spec, state and `decidedThrough`; stored for speed). */
  readonly next: { readonly scheduledAt: number; readonly fireAt: number } | null;
}

/** The id of the run an occurrence starts: deterministic, so a replay can never start it twice. */
export function occurrenceRunId(scheduleId: string, scheduledAt: number): string {
  return `${scheduleId}@${new Date(scheduledAt).toISOString()}`;
}
