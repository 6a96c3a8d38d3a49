import type {
  Schedule,
  ScheduleAction,
  Decision,
  OverlapPolicy,
} from '../../domain/schedule/model.js';
import type { OccurrenceRecord, OccurrenceSource } from '../../engines/ports.js';

export interface ScheduleRow {
  id: string;
  expression: string;
  timezone: string;
  jitter_ms: number;
  start_at: number | null;
  end_at: number | null;
  overlap: string;
  catchup_window_ms: number;
  catchup_latest: number;
  pause_on_failure: number;
  paused: number;
  note: string | null;
  remaining_actions: number | null;
  action: string;
  created_at: number;
  updated_at: number;
  decided_through: number;
  next_scheduled_at: number | null;
  next_fire_at: number | null;
  version: number;
}

export function toSchedule(r: ScheduleRow): Schedule {
  return {
    id: r.id,
    spec: {
      expression: r.expression,
      timezone: r.timezone,
      jitterMs: r.jitter_ms,
      startAt: r.start_at,
      endAt: r.end_at,
    },
    policies: {
      overlap: r.overlap as OverlapPolicy,
      catchupWindowMs: r.catchup_window_ms,
      catchupLatestOnly: r.catchup_latest === 1,
      pauseOnFailure: r.pause_on_failure === 1,
    },
    state: { paused: r.paused === 1, note: r.note, remainingActions: r.remaining_actions },
    action: JSON.parse(r.action) as ScheduleAction,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    decidedThrough: r.decided_through,
    next:
      r.next_scheduled_at === null || r.next_fire_at === null
        ? null
        : { scheduledAt: r.next_scheduled_at, fireAt: r.next_fire_at },
  };
}

/** Column values of a schedule, in the order of `SCHEDULE_COLUMNS`. */
export function scheduleValues(s: Omit<Schedule, 'createdAt' | 'updatedAt'>): unknown[] {
  return [
    s.spec.expression,
    s.spec.timezone,
    s.spec.jitterMs,
    s.spec.startAt,
    s.spec.endAt,
    s.policies.overlap,
    s.policies.catchupWindowMs,
    s.policies.catchupLatestOnly ? 1 : 0,
    s.policies.pauseOnFailure ? 1 : 0,
    s.state.paused ? 1 : 0,
    s.state.note,
    s.state.remainingActions,
    JSON.stringify(s.action),
    s.decidedThrough,
    s.next?.scheduledAt ?? null,
    s.next?.fireAt ?? null,
  ];
}

export const SCHEDULE_COLUMNS = [
  'expression',
  'timezone',
  'jitter_ms',
  'start_at',
  'end_at',
  'overlap',
  'catchup_window_ms',
  'catchup_latest',
  'pause_on_failure',
  'paused',
  'note',
  'remaining_actions',
  'action',
  'decided_through',
  'next_scheduled_at',
  'next_fire_at',
] as const;

export interface OccurrenceRow {
  schedule_id: string;
  scheduled_at: number;
  source: string;
  decision: string;
  run_id: string | null;
  decided_at: number;
  released_at: number | null;
  detail: string;
}

export function toOccurrence(r: OccurrenceRow): OccurrenceRecord {
  return {
    scheduleId: r.schedule_id,
    scheduledAt: r.scheduled_at,
    source: r.source as OccurrenceSource,
    decision: r.decision as Decision,
    runId: r.run_id,
    decidedAt: r.decided_at,
    releasedAt: r.released_at,
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  };
}
