import type {
  Attempt,
  AttemptStatus,
  EventType,
  Run,
  RunEvent,
  RunOptions,
  RunTrigger,
} from '../../domain/run.js';
import type { RunStatus } from '../../domain/run-status.js';
import type { AttemptFailure } from '../../domain/retry-policy.js';

/** Row shapes as SQLite returns them, and their mapping to domain objects. */
export interface RunRow {
  id: string;
  status: string;
  trigger: string;
  schedule_id: string | null;
  recipe_path: string;
  recipe_hash: string;
  params: string;
  options: string;
  created_at: number;
  started_at: number | null;
  ended_at: number | null;
  attempt_count: number;
  next_attempt_at: number | null;
  session_id: string | null;
  exit_code: number | null;
  error: string | null;
  cancel_requested_at: number | null;
  owner_pid: number | null;
  owner_start_time: string | null;
  kind: string;
  parent_run_id: string | null;
  step_key: string | null;
  resume_of: string | null;
}

/** `review.3` → step `review`, item 3. */
function stepLink(parent: string | null, key: string | null): Run['parent'] {
  if (parent === null || key === null) return null;
  const m = /^(.*)\.(\d+)$/.exec(key);
  return m
    ? { runId: parent, step: m[1]!, item: Number(m[2]) }
    : { runId: parent, step: key, item: null };
}

export function toRun(r: RunRow): Run {
  return {
    id: r.id,
    kind: r.kind as Run['kind'],
    parent: stepLink(r.parent_run_id, r.step_key),
    resumeOf: r.resume_of,
    status: r.status as RunStatus,
    trigger: r.trigger as RunTrigger,
    scheduleId: r.schedule_id,
    recipePath: r.recipe_path,
    recipeHash: r.recipe_hash,
    params: JSON.parse(r.params) as Record<string, string>,
    options: JSON.parse(r.options) as RunOptions,
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    attemptCount: r.attempt_count,
    nextAttemptAt: r.next_attempt_at,
    sessionId: r.session_id,
    exitCode: r.exit_code,
    error: r.error,
    cancelRequestedAt: r.cancel_requested_at,
    owner: r.owner_pid === null ? null : { pid: r.owner_pid, startTime: r.owner_start_time },
  };
}

export interface AttemptRow {
  run_id: string;
  number: number;
  status: string;
  pid: number | null;
  pid_start_time: string | null;
  keeper_pid: number | null;
  keeper_start_time: string | null;
  started_at: number;
  ended_at: number | null;
  deadline_at: number;
  heartbeat_at: number | null;
  exit_code: number | null;
  signal: string | null;
  failure: string | null;
  log_path: string;
  log_bytes: number;
  log_truncated: number;
}

export function toAttempt(r: AttemptRow): Attempt {
  return {
    runId: r.run_id,
    number: r.number,
    status: r.status as AttemptStatus,
    process: r.pid === null ? null : { pid: r.pid, startTime: r.pid_start_time },
    keeper: r.keeper_pid === null ? null : { pid: r.keeper_pid, startTime: r.keeper_start_time },
    startedAt: r.started_at,
    endedAt: r.ended_at,
    deadlineAt: r.deadline_at,
    heartbeatAt: r.heartbeat_at,
    exitCode: r.exit_code,
    signal: r.signal,
    failure: r.failure as AttemptFailure | null,
    logPath: r.log_path,
    logBytes: r.log_bytes,
    logTruncated: r.log_truncated === 1,
  };
}

export interface EventRow {
  seq: number;
  run_id: string;
  at: number;
  type: string;
  attempt: number | null;
  data: string;
}

export function toEvent(r: EventRow): RunEvent {
  return {
    seq: r.seq,
    runId: r.run_id,
    at: r.at,
    type: r.type as EventType,
    attempt: r.attempt,
    data: JSON.parse(r.data) as Record<string, unknown>,
  };
}
