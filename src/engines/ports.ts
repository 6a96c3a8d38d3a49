import type {
  Attempt,
  ProcessIdentity,
  Run,
  RunEvent,
  RunKind,
  RunOptions,
  RunTrigger,
} from '../domain/run.js';
import type { RunStatus } from '../domain/run-status.js';
import type { StepLink, StepResult } from '../domain/pipeline/model.js';
import type {
  Decision,
  Schedule,
  ScheduleAction,
  SchedulePolicies,
  ScheduleState,
} from '../domain/schedule/model.js';
import type { ScheduleSpec } from '../domain/schedule/spec.js';
import type {
  AttemptEnd,
  AttemptExit,
  KillReport,
  NewEvent,
  RunPatch,
  RunTransition,
  StopReason,
} from '../domain/run-change.js';

export type { AttemptEnd, AttemptExit, KillReport, NewEvent, RunPatch, RunTransition, StopReason };

/** Time is an input. Engines never call Date.now() directly. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface NewRun {
  readonly id: string;
  readonly kind: RunKind;
  /** A step's run: its pipeline run, step and item. */
  readonly parent?: StepLink | null;
  /** A pipeline run started by `resume`: the run it continues and the steps it carries over. */
  readonly resume?: { readonly of: string; readonly carried: readonly StepResult[] } | null;
  readonly trigger: RunTrigger;
  readonly scheduleId: string | null;
  readonly recipePath: string;
  readonly recipeHash: string;
  /** The snapshot's recipe file; recorded with the run in one transaction. */
  readonly recipeEntry: string;
  readonly params: Readonly<Record<string, string>>;
  readonly options: RunOptions;
  readonly owner: ProcessIdentity | null;
}

export interface RunQuery {
  readonly status?: RunStatus | undefined;
  readonly scheduleId?: string | undefined;
  readonly trigger?: RunTrigger | undefined;
  /** Created at or after this instant / before it (epoch ms). */
  readonly since?: number | undefined;
  readonly until?: number | undefined;
  readonly limit?: number | undefined;
  /** Keyset pagination: only runs older than this one (newest first). */
  readonly before?: { readonly createdAt: number; readonly id: string } | undefined;
}

export type NewAttempt = Pick<
  Attempt,
  'number' | 'process' | 'startedAt' | 'deadlineAt' | 'logPath'
> &
  Partial<Pick<Attempt, 'keeper'>>;

/** Durable state of runs. Every mutation that changes status goes through `transition`. */
export interface RunStore {
  snapshotEntry(hash: string): string | undefined;

  createRun(run: NewRun): Run;
  getRun(id: string): Run | undefined;
  listRuns(query: RunQuery): Run[];
  unsettledRuns(): Run[];
  /** Running runs whose current attempt has not heartbeaten since `before`. */
  staleRuns(before: number): Run[];
  /**
   * Ended runs that retention removes: older than `endedBefore`, or past the newest
   * `keepPerSchedule` of a schedule. Never a pipeline's step run: it goes with its pipeline run.
   */
  expiredRuns(endedBefore: number | null, keepPerSchedule: number | null): Run[];
  /** Deletes runs (a pipeline run with its step runs) with their attempts and events; returns their log paths. */
  deleteRuns(ids: readonly string[]): string[];
  /** Runs of a schedule that have not ended. */
  activeRuns(scheduleId: string): Run[];
  /** Per schedule: latest run, latest manual run, any run not ended. */
  scheduleRunSummaries(): Map<
    string,
    { lastRunAt: number | null; lastManualRunAt: number | null; active: boolean }
  >;

  /** Checks the transition, applies the patch and appends the event, atomically. */
  transition(runId: string, to: RunStatus, patch: RunPatch, event: NewEvent): Run;
  patchRun(runId: string, patch: RunPatch, event?: NewEvent): Run;
  /** Makes `owner` the run's owner if the current owner is `expected` (compare-and-set). */
  claimOwner(runId: string, expected: ProcessIdentity | null, owner: ProcessIdentity): boolean;
  /** Records that someone asked the run to stop; idempotent. */
  requestCancel(runId: string, reason: string): Run;
  /**
   * Cancels a run that has no process to stop (pending, or retrying between attempts) in one
   * transaction; returns null, changing nothing, when the run is not in such a state.
   */
  cancelIdle(runId: string, reason: string): Run | null;

  /**
   * Records a started attempt (with its process, once spawned) and moves the run to `running`.
   * Returns the run, so the caller sees a kill request that arrived meanwhile.
   */
  startAttempt(runId: string, attempt: NewAttempt): Run;
  /** Ends an attempt and moves the run on (retrying or terminal), in one transaction. */
  endAttempt(
    runId: string,
    number: number,
    end: AttemptEnd,
    event: NewEvent,
    next: RunTransition,
  ): Run;
  /** Records the process the keeper started for a recorded attempt. */
  recordProcess(runId: string, number: number, process: ProcessIdentity): void;
  /**
   * Takes back an attempt that never started (its goose-flow died before its keeper got the
   * request): the row goes, the run waits to start that attempt again. Null if it is not running.
   */
  withdrawAttempt(runId: string, number: number, reason: string): Run | null;
  heartbeat(runId: string, number: number): void;
  attempts(runId: string): Attempt[];
  currentAttempt(runId: string): Attempt | undefined;

  appendEvent(runId: string, event: NewEvent): void;
  events(runId: string): RunEvent[];

  /** The runs of a pipeline run's steps. */
  childRuns(parentId: string): Run[];
  /** A run's output once taken (a step's hand-over; a pipeline's step outputs); undefined if none. */
  runOutput(runId: string): { value: unknown } | undefined;
  saveOutput(runId: string, value: unknown): void;
  /** What a resumed pipeline run carries over from the run it resumed. */
  carried(runId: string): StepResult[];
}

/** The Goose desktop app, for foreground runs. An adapter, so tests replace it. */
export interface Desktop {
  isRunning(): boolean;
  /** Hands a `goose://` link to the platform's opener; rejects when it could not. */
  open(url: string): Promise<void>;
}

/** What the supervisor needs to start one attempt's process. */
export interface AttemptSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  readonly logPath: string;
  readonly logCapBytes: number;
  readonly deadlineAt: number;
  readonly graceMs: number;
  readonly heartbeatMs: number;
}

export interface AttemptHooks {
  onSessionId?(sessionId: string): void;
  onHeartbeat?(): void;
  onLogCapped?(capBytes: number): void;
  onOutput?(chunk: Buffer): void;
}

export interface AttemptProcess {
  /** goose's identity once it runs; null when it could not be started (see `exit.spawnError`). */
  readonly started: Promise<ProcessIdentity | null>;
  readonly exit: Promise<AttemptExit>;
  /** TERM to the group, grace, then KILL; resolves once the whole group is gone. */
  stop(reason: StopReason): Promise<KillReport>;
}

/** An attempt about to start: who will start it is known (and recorded) before it does. */
export interface PreparedAttempt {
  /** The keeper process that will start goose and record how it ends. */
  readonly keeper: ProcessIdentity;
  start(hooks: AttemptHooks): AttemptProcess;
}

/** What an adopter needs of an attempt another goose-flow process started. */
export type AdoptSpec = Pick<
  AttemptSpec,
  'deadlineAt' | 'graceMs' | 'heartbeatMs' | 'logPath' | 'logCapBytes'
>;

export interface Supervisor {
  prepare(spec: AttemptSpec): PreparedAttempt;
  /** Watches a live goose that a goose-flow process now gone started; reads how it ended. */
  adopt(identity: ProcessIdentity, spec: AdoptSpec, hooks: AttemptHooks): AttemptProcess;
  /** Kills a process group we know only by identity (another goose-flow started it). */
  killTree(identity: ProcessIdentity, graceMs: number): Promise<KillReport>;
}

/** How goose ended, as its keeper recorded it. */
export interface RecordedEnd {
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** It could not be started at all. */
  readonly spawnError: string | null;
  /** Its keeper stopped it at the deadline while no goose-flow process was alive. */
  readonly timedOut: boolean;
}

export interface AttemptRecords {
  /**
   * The goose a recorded attempt started (its row had no pid yet: its goose-flow died first), or
   * 'never' when it never started — its keeper is gone and recorded no start.
   */
  findStarted(attempt: Attempt): Promise<ProcessIdentity | 'never'>;
  /** The end recorded now, or null. */
  endOf(attempt: Attempt): RecordedEnd | null;
  /** The end, waiting a moment for a keeper to record a goose that has just ended. */
  waitForEnd(attempt: Attempt): Promise<RecordedEnd | null>;
}

/** An attempt a worker finds on its own host: a goose still running, or the end its keeper recorded. */
export type FoundAttempt =
  | { readonly kind: 'running'; readonly identity: ProcessIdentity; readonly startedAt: number }
  | { readonly kind: 'ended'; readonly exit: AttemptExit };

export interface NewSchedule {
  readonly id: string;
  readonly spec: ScheduleSpec;
  readonly policies: SchedulePolicies;
  readonly state: ScheduleState;
  readonly action: ScheduleAction;
  /** Occurrences up to here are not the schedule's to decide (usually: its creation time). */
  readonly decidedThrough: number;
}

export interface ScheduleChange {
  readonly spec?: ScheduleSpec;
  readonly policies?: SchedulePolicies;
  readonly state?: ScheduleState;
  readonly action?: ScheduleAction;
  /** Moving it forward skips occurrences (e.g. resuming without replaying a pause). */
  readonly decidedThrough?: number;
}

export type OccurrenceSource = 'schedule' | 'trigger' | 'backfill';

export interface OccurrenceRecord {
  readonly scheduleId: string;
  readonly scheduledAt: number;
  readonly source: OccurrenceSource;
  readonly decision: Decision;
  readonly runId: string | null;
  readonly decidedAt: number;
  readonly releasedAt: number | null;
  readonly detail: Readonly<Record<string, unknown>>;
}

export interface OccurrenceDecision {
  readonly scheduleId: string;
  readonly scheduledAt: number;
  readonly source: OccurrenceSource;
  readonly decision: Decision;
  readonly detail: Record<string, unknown>;
  /** The run to create with the decision (started), in the same transaction. */
  readonly run: NewRun | null;
  /** The schedule's new state (remaining actions), in the same transaction. */
  readonly state: ScheduleState | null;
}

export interface ScheduleStore {
  createSchedule(schedule: NewSchedule): Schedule;
  /** Runs `fn` in one transaction (the store's own methods nest inside it). */
  batch<T>(fn: () => T): T;
  /** All or none, in one transaction. */
  createSchedules(schedules: readonly NewSchedule[]): Schedule[];
  getSchedule(id: string): Schedule | undefined;
  listSchedules(): Schedule[];
  updateSchedule(id: string, change: ScheduleChange): Schedule;
  removeSchedule(id: string): boolean;
  /** Schedules changed or removed after change counter `version`, and the counter now. */
  changesSince(version: number): { version: number; schedules: Schedule[]; removed: string[] };
  counters(): { schedules: number; dispatch: number };
  /** Tells a running daemon that runs wait for it to be dispatched. */
  bumpDispatch(): void;
  /**
   * Claims an occurrence, records its decision, creates its run and updates the schedule — one
   * transaction. Returns null, changing nothing, when the occurrence was already decided.
   */
  recordOccurrence(decision: OccurrenceDecision): OccurrenceRecord | null;
  /** The decision recorded for one occurrence, if any. */
  occurrence(
    scheduleId: string,
    scheduledAt: number,
    source: OccurrenceDecision['source'],
  ): OccurrenceRecord | undefined;
  /** Records a whole range of occurrences (missed, or skipped while paused) as one collapsed entry. */
  recordRange(
    scheduleId: string,
    decision: typeof Decision.missedCatchup | typeof Decision.skippedPaused,
    range: { first: number; last: number; count: number },
  ): OccurrenceRecord | null;
  /**
   * Creates the run of a buffered occurrence and sets the schedule's state (remaining actions)
   * in one transaction; false if it was already released.
   */
  releaseBuffered(occurrence: OccurrenceRecord, run: NewRun, state: ScheduleState): boolean;
  /** Ends a buffered occurrence without a run (its schedule can start nothing more), saying why. */
  dropBuffered(occurrence: OccurrenceRecord, reason: string): void;
  waiting(scheduleId: string): OccurrenceRecord[];
  /** Ids of schedules that have a buffered occurrence not yet released. */
  schedulesWaiting(): string[];
  /** Newest first; `before` pages on (a decision's scheduledAt and source, as the last page ended). */
  occurrences(
    scheduleId: string,
    limit: number,
    before?: { scheduledAt: number; source: OccurrenceSource },
  ): OccurrenceRecord[];
  /** Takes the data dir's daemon lock; returns the living holder instead when there is one. */
  acquireDaemonLock(
    self: ProcessIdentity,
    isAlive: (p: ProcessIdentity) => boolean,
  ): ProcessIdentity | null;
  releaseDaemonLock(self: ProcessIdentity): void;
  daemon(): (ProcessIdentity & { startedAt: number }) | null;
}

export interface SystemJobRecord {
  readonly name: string;
  readonly everyMs: number;
  readonly lastStartedAt: number | null;
  readonly lastFinishedAt: number | null;
  readonly lastResult: Readonly<Record<string, unknown>> | null;
}

/** Bookkeeping of the built-in maintenance jobs, for `status`. */
export interface SystemJobStore {
  list(): SystemJobRecord[];
  started(name: string): void;
  finished(name: string, result: Record<string, unknown>): void;
  /** Deletes decided occurrences older than `before`; returns how many. */
  deleteOccurrencesBefore(before: number): number;
}
