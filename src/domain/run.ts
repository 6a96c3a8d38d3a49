import type { RetryPolicy, AttemptFailure } from './retry-policy.js';
import type { RunStatus } from './run-status.js';
import type { StepLink } from './pipeline/model.js';

/** How a run came to be. Schedules arrive in E2; E1 knows ad-hoc runs. */
export const RunTrigger = { manual: 'manual', schedule: 'schedule', backfill: 'backfill' } as const;
export type RunTrigger = (typeof RunTrigger)[keyof typeof RunTrigger];

/** Options fixed when the run is created; every attempt uses them. */
export interface RunOptions {
  readonly timeoutMs: number;
  readonly graceMs: number;
  readonly retryPolicy: RetryPolicy;
  readonly cwd: string;
  readonly logCapBytes: number;
  /**
   * foreground: open the recipe in a running Goose desktop app instead of starting `goose`
   * (absent = background). Without the app, fall back to background unless told not to.
   */
  readonly mode?: 'background' | 'foreground';
  readonly fallbackToBackground?: boolean;
}

/** A run executes a recipe (one goose session per attempt) or a pipeline (steps, each a run). */
export type RunKind = 'recipe' | 'pipeline';

export interface Run {
  readonly id: string;
  readonly kind: RunKind;
  readonly status: RunStatus;
  readonly trigger: RunTrigger;
  readonly scheduleId: string | null;
  /** The path the user gave; the run executes the snapshot, never this file. */
  readonly recipePath: string;
  readonly recipeHash: string;
  readonly params: Readonly<Record<string, string>>;
  readonly options: RunOptions;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly endedAt: number | null;
  readonly attemptCount: number;
  readonly nextAttemptAt: number | null;
  readonly sessionId: string | null;
  readonly exitCode: number | null;
  readonly error: string | null;
  readonly cancelRequestedAt: number | null;
  readonly owner: ProcessIdentity | null;
  /** A step's run: the pipeline run it belongs to, its step and fan-out item. */
  readonly parent: StepLink | null;
  /** A pipeline run started by `resume`: the run it continues. */
  readonly resumeOf: string | null;
}

/** A pid is only ours if its start time matches too: pids are reused. */
export interface ProcessIdentity {
  readonly pid: number;
  readonly startTime: string | null;
}

export const AttemptStatus = {
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  timedOut: 'timed_out',
  cancelled: 'cancelled',
  lost: 'lost',
} as const;
export type AttemptStatus = (typeof AttemptStatus)[keyof typeof AttemptStatus];

export interface Attempt {
  readonly runId: string;
  readonly number: number;
  readonly status: AttemptStatus;
  readonly process: ProcessIdentity | null;
  /** The keeper that starts goose and records its end (recorded before goose starts). */
  readonly keeper: ProcessIdentity | null;
  readonly startedAt: number;
  readonly endedAt: number | null;
  readonly deadlineAt: number;
  readonly heartbeatAt: number | null;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly failure: AttemptFailure | null;
  readonly logPath: string;
  readonly logBytes: number;
  readonly logTruncated: boolean;
}

/** The timeline vocabulary. Append-only; each entry has a timestamp. */
export const EventType = {
  created: 'run_created',
  attemptStarted: 'attempt_started',
  sessionDetected: 'session_detected',
  logCapped: 'log_capped',
  attemptSucceeded: 'attempt_succeeded',
  attemptFailed: 'attempt_failed',
  attemptTimedOut: 'attempt_timed_out',
  attemptLost: 'attempt_lost',
  attemptAdopted: 'attempt_adopted',
  /** An attempt recorded but never started (its goose-flow died first): it will start again. */
  attemptWithdrawn: 'attempt_withdrawn',
  /** A goose that ended while no goose-flow process watched it, settled from its keeper's record. */
  attemptRecovered: 'attempt_recovered',
  attemptCancelled: 'attempt_cancelled',
  killRequested: 'kill_requested',
  openedInDesktop: 'opened_in_desktop',
  desktopUnavailable: 'desktop_unavailable',
  processKilled: 'process_killed',
  retryScheduled: 'retry_scheduled',
  ownerLost: 'owner_lost',
  /** A run handed over without an owner (trigger, `run --detach`) was taken by the process that drives it. */
  claimed: 'run_claimed',
  /** A pipeline run began driving its steps. */
  pipelineStarted: 'pipeline_started',
  /** A pipeline run started one of its step instances (a run of its own). */
  stepStarted: 'step_started',
  /** One of a pipeline run's step instances ended. */
  stepEnded: 'step_ended',
  completed: 'run_completed',
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

export interface RunEvent {
  readonly seq: number;
  readonly runId: string;
  readonly at: number;
  readonly type: EventType;
  readonly attempt: number | null;
  readonly data: Readonly<Record<string, unknown>>;
}
