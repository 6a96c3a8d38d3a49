import { RunStatus } from '../run-status.js';
import { Decision, OverlapPolicy, type Schedule, type ScheduleState } from './model.js';

/**
 * A scheduler never fires at the exact millisecond: an occurrence decided within this long after
 * its time is on time, whatever the catch-up window — so the default window of 0 ("record missed
 * occurrences, never replay them") still starts an occurrence up to 10 s late, and any window
 * under 10 s acts as 10 s. Temporal's shortest catch-up window is the same 10 s, so both engines
 * agree.
 */
export const ON_TIME_TOLERANCE_MS = 10_000;

export interface OccurrenceContext {
  readonly scheduledAt: number;
  readonly now: number;
  /** Runs of this schedule that have not ended. */
  readonly activeRuns: number;
  /** Occurrences of this schedule waiting for a run to end. */
  readonly buffered: number;
  /** A later occurrence of the same schedule is due too (catch-up may start only the latest). */
  readonly laterAlsoDue: boolean;
  /** For trigger and backfill: the overlap policy given with the request. */
  readonly overlap?: OverlapPolicy;
  /** Manual triggers and backfills are not subject to pause or catch-up. */
  readonly manual?: boolean;
}

export type OccurrenceOutcome =
  | {
      readonly decision: typeof Decision.started;
      readonly stopOthers: 'cancel' | 'terminate' | null;
    }
  | { readonly decision: typeof Decision.buffered }
  | { readonly decision: typeof Decision.skippedOverlap }
  | { readonly decision: typeof Decision.skippedPaused }
  | { readonly decision: typeof Decision.missedCatchup; readonly lateByMs: number };

/** The one place that decides an occurrence's fate, with Temporal's meaning of each policy. */
export function decideOccurrence(
  schedule: Pick<Schedule, 'policies' | 'state'>,
  ctx: OccurrenceContext,
): OccurrenceOutcome {
  if (!ctx.manual) {
    if (schedule.state.paused) return { decision: Decision.skippedPaused };
    const lateByMs = ctx.now - ctx.scheduledAt;
    const window = Math.max(schedule.policies.catchupWindowMs, ON_TIME_TOLERANCE_MS);
    const late = lateByMs > ON_TIME_TOLERANCE_MS;
    if (lateByMs > window || (late && schedule.policies.catchupLatestOnly && ctx.laterAlsoDue)) {
      return { decision: Decision.missedCatchup, lateByMs };
    }
  }
  return decideOverlap(ctx.overlap ?? schedule.policies.overlap, ctx.activeRuns, ctx.buffered);
}

function decideOverlap(
  overlap: OverlapPolicy,
  activeRuns: number,
  buffered: number,
): OccurrenceOutcome {
  // Occurrences already waiting go first: a new one is only free to start when nothing is ahead.
  if (activeRuns === 0 && buffered === 0) return { decision: Decision.started, stopOthers: null };
  switch (overlap) {
    case OverlapPolicy.skip:
      return { decision: Decision.skippedOverlap };
    case OverlapPolicy.bufferOne:
      return buffered === 0
        ? { decision: Decision.buffered }
        : { decision: Decision.skippedOverlap };
    case OverlapPolicy.bufferAll:
      return { decision: Decision.buffered };
    case OverlapPolicy.cancelOther:
      return { decision: Decision.started, stopOthers: 'cancel' };
    case OverlapPolicy.terminateOther:
      return { decision: Decision.started, stopOthers: 'terminate' };
    case OverlapPolicy.allowAll:
      return { decision: Decision.started, stopOthers: null };
    default: {
      const never: never = overlap;
      throw new Error(`unknown overlap policy ${String(never)}`);
    }
  }
}

/** How a schedule's state changes once one of its runs settles (pause on failure). */
export function stateAfterRun(
  schedule: Pick<Schedule, 'policies' | 'state'>,
  runId: string,
  status: RunStatus,
): ScheduleState | null {
  const failed = status === RunStatus.failed || status === RunStatus.timedOut;
  if (!failed || !schedule.policies.pauseOnFailure || schedule.state.paused) return null;
  return { ...schedule.state, paused: true, note: `paused after run ${runId} ${status}` };
}

/** How a schedule's state changes when one of its occurrences starts a run (limited actions). */
export function stateAfterStart(state: ScheduleState): ScheduleState {
  return state.remainingActions === null
    ? state
    : { ...state, remainingActions: Math.max(0, state.remainingActions - 1) };
}

/** A schedule with no actions left starts nothing more: its occurrences end. */
export function isExhausted(state: ScheduleState): boolean {
  return state.remainingActions !== null && state.remainingActions <= 0;
}
