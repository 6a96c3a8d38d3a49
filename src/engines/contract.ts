import type { Attempt, ProcessIdentity, Run, RunEvent } from '../domain/run.js';
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

export interface RunDetail {
  readonly run: Run;
  readonly attempts: readonly Attempt[];
  readonly events: readonly RunEvent[];
  readonly live: LiveAttempt | null;
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
  /** Runs left unsettled by a goose-flow process that is gone (Temporal: none, the server retries them). */
  orphanedRuns(): Promise<Run[]>;
  /** Claims orphaned runs and drives each to a terminal status; resolves when all have settled. */
  recoverOrphans(): Promise<RecoveryReport>;
  close(): Promise<void>;
}
