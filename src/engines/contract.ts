import type { Attempt, ProcessIdentity, Run, RunEvent } from '../domain/run.js';
import type { StepView } from '../domain/pipeline/plan.js';
import type { StepResult } from '../domain/pipeline/model.js';
import type { Decision, OverlapPolicy, Schedule } from '../domain/schedule/model.js';
import type {
  NewRun,
  NewSchedule,
  OccurrenceRecord,
  OccurrenceSource,
  RunQuery,
  ScheduleChange,
} from './ports.js';

/** Live hooks a caller in the same process may attach to a run it starts. */
export interface RunObserver {
  onOutput?(chunk: Buffer): void;
  onEvent?(type: string, data: Record<string, unknown>): void;
}

export interface StartedRun {
  readonly run: Run;
  /** Resolves with the settled run once it reaches a terminal status. */
  readonly settled: Promise<Run>;
}

export interface CancelOutcome {
  readonly run: Run;
  /** True when the run reached a terminal status before `cancel` returned. */
  readonly settled: boolean;
}

export interface RecoveryReport {
  readonly adopted: string[];
  readonly retried: string[];
  readonly failed: string[];
  readonly resumed: string[];
  /** Runs handed over without an owner (trigger, `run --detach`), now driven: not a recovery. */
  readonly claimed: string[];
}

/** The attempt a run is in right now, as its executor last reported it. */
export interface LiveAttempt {
  readonly attempt: number;
  readonly host: string | null;
  readonly pid: number | null;
  readonly sessionId: string | null;
  readonly logPath: string | null;
  /** The last few KB of output, when the log file lives on another host. */
  readonly tail: string | null;
}

/** How a pipeline run's steps stand (the planner's view of what its step runs did). */
export interface PipelineDetail {
  readonly name: string;
  readonly steps: readonly StepView[];
}

export interface RunDetail {
  readonly run: Run;
  readonly attempts: readonly Attempt[];
  readonly events: readonly RunEvent[];
  readonly live: LiveAttempt | null;
  /** A pipeline run's steps; null for a recipe run. */
  readonly pipeline: PipelineDetail | null;
  /** What the run handed over: a step's output, a pipeline's step outputs; null when none. */
  readonly output: { readonly value: unknown } | null;
}

export interface ScheduleRunSummary {
  readonly lastRunAt: number | null;
  readonly lastManualRunAt: number | null;
  readonly active: boolean;
}

/** A run produced by a new run definition: what a schedule occurrence would start. */
export type RunTemplate = Omit<NewRun, 'owner' | 'id'>;

export interface TriggerResult {
  readonly decision: Decision;
  readonly run: Run | null;
  /** The process that drives the run: a daemon, this process (see `settled`), or a Temporal worker. */
  readonly daemon: ProcessIdentity | null;
  readonly settled: Promise<Run> | null;
}

export interface BackfillResult {
  readonly decided: readonly {
    scheduledAt: number;
    decision: Decision;
    runId: string | null;
    already: boolean;
  }[];
  readonly daemon: ProcessIdentity | null;
  /** Without a daemon, this process runs the started ones: resolves when all have settled. */
  readonly settled: Promise<Run[]> | null;
  /** Temporal decides backfilled occurrences on the server: what was asked, not what became of it. */
  readonly requestedOnServer: boolean;
}

export interface ScheduleCounts {
  readonly taken: number;
  readonly skippedOverlap: number;
  readonly missedCatchup: number;
}

/** Which page of a schedule's decisions to show (newest first). */
export interface DecisionPage {
  readonly limit: number;
  readonly before?: { readonly scheduledAt: number; readonly source: OccurrenceSource };
}

export interface ScheduleInsight {
  readonly next: readonly number[];
  readonly decisions: readonly OccurrenceRecord[];
  /** Where the next (older) page of decisions starts; null when there is none (or no paging: Temporal). */
  readonly moreDecisions: DecisionPage['before'] | null;
  readonly waiting: number;
  /** Totals kept by the engine (Temporal keeps counts, not every decision). */
  readonly counts: ScheduleCounts | null;
}

/** Where schedules live and fire: SQLite + the daemon's scheduler, or Temporal Schedules. */
export interface ScheduleBackend {
  /** All or none. */
  create(schedules: readonly NewSchedule[], templates: readonly RunTemplate[]): Promise<Schedule[]>;
  get(id: string): Promise<Schedule | undefined>;
  list(): Promise<Schedule[]>;
  update(id: string, change: ScheduleChange, template: RunTemplate | null): Promise<Schedule>;
  remove(id: string): Promise<boolean>;
  trigger(schedule: Schedule, overlap: OverlapPolicy | undefined): Promise<TriggerResult>;
  backfill(
    schedule: Schedule,
    times: readonly number[],
    from: number,
    to: number,
    overlap: OverlapPolicy | undefined,
  ): Promise<BackfillResult>;
  insight(schedule: Schedule, count: number, decisions?: DecisionPage): Promise<ScheduleInsight>;
}

/**
 * What services need from an engine. The embedded engine implements it over SQLite and child
 * processes; the Temporal engine over workflows, activities and Schedules — same meaning, one suite
 * (test/engine-contract/).
 */
export interface Engine {
  readonly name: 'embedded' | 'temporal';
  readonly schedules: ScheduleBackend;
  startRun(run: Omit<NewRun, 'owner'>, observer?: RunObserver): Promise<StartedRun>;
  /** Records a run for another process (the daemon, a worker) to pick up and drive. */
  enqueueRun(run: Omit<NewRun, 'owner'>): Promise<Run>;
  cancelRun(runId: string, reason: string): Promise<CancelOutcome>;
  getRun(runId: string): Promise<Run | undefined>;
  listRuns(query: RunQuery): Promise<Run[]>;
  runDetail(runId: string): Promise<RunDetail | undefined>;
  /** Per schedule: its latest run, latest manual run, and whether a run of it has not ended. */
  scheduleRunSummaries(): Promise<Map<string, ScheduleRunSummary>>;
  /** Cancels every run this process drives and waits for them to settle. */
  cancelAll(reason: string): Promise<void>;
  /** A pipeline run's step instances as its driver sees them: runs, statuses, outputs (for `resume`). */
  pipelineResults(runId: string): Promise<StepResult[]>;
  /** Runs left unsettled by a goose-flow process that is gone (Temporal: none, the server retries them). */
  orphanedRuns(): Promise<Run[]>;
  /** Claims orphaned runs and drives each to a terminal status; resolves when all have settled. */
  recoverOrphans(): Promise<RecoveryReport>;
  close(): Promise<void>;
}

/** Places where a test may inject a crash into a serving embedded engine; production passes none. */
export type FaultPoint = 'before-decision' | 'after-decision' | 'after-dispatch';

/** What a serving process is given: its limit and where it reports what it does. */
export interface HostOptions {
  /** null: no limit. */
  readonly maxConcurrent: number | null;
  /** One line per thing that happens (`system_job_finished`, `run_started`…), with its fields. */
  readonly log: (event: string, fields?: Record<string, unknown>) => void;
  /** Tests only: crash points (the embedded scheduler). */
  readonly faults?: { hit(point: FaultPoint): void };
}

/**
 * What `serve` and `worker` run, on either engine — embedded: the scheduler and the maintenance
 * jobs, under the data dir's daemon lock; Temporal: a worker with its reaper, and log pruning
 * (beside the dev server the app opened for it). One lifecycle for every face that serves.
 */
export interface Host {
  /** What it runs, as fields of the `serve_started` / `worker_started` line. */
  status(): Record<string, unknown>;
  /** Settles with the reason if the host stops by itself (a Temporal worker that failed). */
  readonly done: Promise<string>;
  /**
   * Stops what the host runs. `stop`: cancels the runs this process drives, and waits for them to
   * settle; `leave`: leaves them running, to be re-adopted (embedded) or retried (Temporal).
   */
  stop(mode: 'stop' | 'leave'): Promise<void>;
}
