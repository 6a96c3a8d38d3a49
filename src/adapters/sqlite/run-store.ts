import type { Db } from './database.js';
import { Statements } from './statements.js';
import { toAttempt, toEvent, toRun, type AttemptRow, type EventRow, type RunRow } from './rows.js';
import {
  EXPIRED_RUNS_SQL,
  listRunsSql,
  REFERENCED_SNAPSHOTS_SQL,
  RUN_TREE_SQL,
  SCHEDULE_SUMMARIES_SQL,
  summariesOf,
  type SummaryRow,
} from './run-queries.js';
import type {
  AttemptEnd,
  Clock,
  NewAttempt,
  NewEvent,
  NewRun,
  RunPatch,
  RunQuery,
  RunStore,
  RunTransition,
} from '../../engines/ports.js';
import type { Attempt, ProcessIdentity, Run, RunEvent } from '../../domain/run.js';
import { EventType } from '../../domain/run.js';
import { assertTransition, isTerminal, type RunStatus } from '../../domain/run-status.js';
import { NotFoundError } from '../../domain/errors.js';
import { instanceKey, type StepResult } from '../../domain/pipeline/model.js';

const PATCH_COLUMNS = {
  nextAttemptAt: 'next_attempt_at',
  sessionId: 'session_id',
  exitCode: 'exit_code',
  error: 'error',
  endedAt: 'ended_at',
  startedAt: 'started_at',
} as const;

/** The embedded engine's durable state; each method is one transaction. */
export class SqliteRunStore implements RunStore {
  private readonly statements: Statements;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.statements = new Statements(db);
  }

  /** Recipe snapshots some schedule or stored run refers to. */
  referencedSnapshots(): Set<string> {
    return new Set(this.statements.get(REFERENCED_SNAPSHOTS_SQL).pluck().all() as string[]);
  }

  forgetSnapshots(hashes: readonly string[]): void {
    const del = this.statements.get('DELETE FROM recipe_snapshots WHERE hash = ?');
    this.db.transaction(() => {
      for (const h of hashes) del.run(h);
    })();
  }

  snapshotEntry(hash: string): string | undefined {
    return this.statements
      .get('SELECT entry FROM recipe_snapshots WHERE hash = ?')
      .pluck()
      .get(hash) as string | undefined;
  }

  createRun(run: NewRun): Run {
    const now = this.clock.now();
    return this.db.transaction(() => {
      this.statements
        .get(
          'INSERT OR IGNORE INTO recipe_snapshots (hash, source_path, entry, created_at) VALUES (?, ?, ?, ?)',
        )
        .run(run.recipeHash, run.recipePath, run.recipeEntry, now);
      this.statements
        .get(
          `INSERT INTO runs (id, status, trigger, schedule_id, recipe_path, recipe_hash, params, options,
             created_at, owner_pid, owner_start_time, kind, parent_run_id, step_key, resume_of, carried)
           VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          run.id,
          run.trigger,
          run.scheduleId,
          run.recipePath,
          run.recipeHash,
          JSON.stringify(run.params),
          JSON.stringify(run.options),
          now,
          run.owner?.pid ?? null,
          run.owner?.startTime ?? null,
          run.kind,
          run.parent?.runId ?? null,
          run.parent ? instanceKey(run.parent.step, run.parent.item) : null,
          run.resume?.of ?? null,
          run.resume ? JSON.stringify(run.resume.carried) : null,
        );
      this.insertEvent(run.id, {
        type: EventType.created,
        data: {
          trigger: run.trigger,
          recipe: run.recipePath,
          recipeHash: run.recipeHash,
          ...(run.kind === 'pipeline' ? { kind: run.kind } : {}),
          ...(run.parent ? { pipelineRun: run.parent.runId } : {}),
          ...(run.resume ? { resumeOf: run.resume.of, carried: run.resume.carried.length } : {}),
        },
      });
      return this.mustGet(run.id);
    })();
  }

  childRuns(parentId: string): Run[] {
    const rows = this.statements
      .get('SELECT * FROM runs WHERE parent_run_id = ? ORDER BY created_at, id')
      .all(parentId) as RunRow[];
    return rows.map(toRun);
  }

  runOutput(runId: string): { value: unknown } | undefined {
    return this.jsonColumn<{ value: unknown }>(runId, 'output');
  }

  saveOutput(runId: string, value: unknown): void {
    this.statements
      .get('UPDATE runs SET output = ? WHERE id = ?')
      .run(JSON.stringify({ value }), runId);
  }

  carried(runId: string): StepResult[] {
    return this.jsonColumn<StepResult[]>(runId, 'carried') ?? [];
  }

  private jsonColumn<T>(runId: string, column: 'output' | 'carried'): T | undefined {
    const text = this.statements.get(`SELECT ${column} FROM runs WHERE id = ?`).pluck().get(runId);
    return typeof text === 'string' ? (JSON.parse(text) as T) : undefined;
  }

  getRun(id: string): Run | undefined {
    const row = this.statements.get('SELECT * FROM runs WHERE id = ?').get(id) as
      RunRow | undefined;
    return row && toRun(row);
  }

  listRuns(query: RunQuery): Run[] {
    const { sql, args } = listRunsSql(query);
    return (this.statements.get(sql).all(...args) as RunRow[]).map(toRun);
  }

  unsettledRuns(): Run[] {
    const rows = this.statements
      .get(
        "SELECT * FROM runs WHERE status IN ('pending','running','retrying') ORDER BY created_at",
      )
      .all() as RunRow[];
    return rows.map(toRun);
  }

  staleRuns(before: number): Run[] {
    const rows = this.statements
      .get(
        `SELECT r.* FROM runs r JOIN attempts a ON a.run_id = r.id AND a.number = r.attempt_count
       WHERE r.status = 'running' AND a.status = 'running' AND a.heartbeat_at < ?`,
      )
      .all(before) as RunRow[];
    return rows.map(toRun);
  }

  expiredRuns(endedBefore: number | null, keepPerSchedule: number | null): Run[] {
    const rows = this.statements
      .get(EXPIRED_RUNS_SQL)
      .all(endedBefore, endedBefore, keepPerSchedule, keepPerSchedule) as RunRow[];
    return rows.map(toRun);
  }

  /** Deletes runs, a pipeline run with its step runs (and theirs); returns their log paths. */
  deleteRuns(ids: readonly string[]): string[] {
    return this.db
      .transaction(() => {
        const logs: string[] = [];
        for (const top of ids) {
          const tree = this.statements.get(RUN_TREE_SQL).pluck().all(top) as string[];
          for (const id of tree) {
            logs.push(
              ...(this.statements
                .get('SELECT log_path FROM attempts WHERE run_id = ?')
                .pluck()
                .all(id) as string[]),
            );
            this.statements.get('DELETE FROM runs WHERE id = ?').run(id);
          }
        }
        return logs;
      })
      .immediate();
  }

  activeRuns(scheduleId: string): Run[] {
    const rows = this.statements
      .get(
        "SELECT * FROM runs WHERE schedule_id = ? AND status IN ('pending','running','retrying') ORDER BY created_at",
      )
      .all(scheduleId) as RunRow[];
    return rows.map(toRun);
  }

  /**
   * What follows from a run settling (its schedule's pause on failure and buffer), run inside the
   * transaction that settles it; set once by the composition root.
   */
  private settledHook: ((run: Run) => void) | null = null;

  whenSettled(hook: (run: Run) => void): void {
    this.settledHook = hook;
  }

  transition(runId: string, to: RunStatus, patch: RunPatch, event: NewEvent): Run {
    return this.db
      .transaction(() => {
        const current = this.mustGet(runId);
        assertTransition(runId, current.status, to);
        const ended = isTerminal(to) ? { endedAt: patch.endedAt ?? this.clock.now() } : {};
        this.applyPatch(runId, { ...patch, ...ended }, to);
        this.insertEvent(runId, event);
        const run = this.mustGet(runId);
        if (isTerminal(to) && this.settledHook) {
          const hook = this.settledHook;
          try {
            // A savepoint: should the effects fail, the run still settles (the daemon's run
            // scanner releases a buffer left waiting).
            this.db.transaction(() => hook(run))();
          } catch {
            // below: settled regardless
          }
        }
        return run;
      })
      .immediate();
  }

  patchRun(runId: string, patch: RunPatch, event?: NewEvent): Run {
    return this.db.transaction(() => {
      this.mustGet(runId);
      this.applyPatch(runId, patch);
      if (event) this.insertEvent(runId, event);
      return this.mustGet(runId);
    })();
  }

  requestCancel(runId: string, reason: string): Run {
    return this.db
      .transaction(() => {
        const run = this.mustGet(runId);
        if (isTerminal(run.status) || run.cancelRequestedAt !== null) return run;
        this.statements
          .get('UPDATE runs SET cancel_requested_at = ? WHERE id = ?')
          .run(this.clock.now(), runId);
        this.insertEvent(runId, { type: EventType.killRequested, data: { reason } });
        return this.mustGet(runId);
      })
      .immediate();
  }

  cancelIdle(runId: string, reason: string): Run | null {
    return this.db
      .transaction(() => {
        const run = this.mustGet(runId);
        if (run.status !== 'pending' && run.status !== 'retrying') return null;
        return this.transition(
          runId,
          'cancelled',
          { error: 'cancelled on request' },
          { type: EventType.completed, data: { status: 'cancelled', reason } },
        );
      })
      .immediate();
  }

  claimOwner(runId: string, expected: ProcessIdentity | null, owner: ProcessIdentity): boolean {
    const result = this.statements
      .get(
        `UPDATE runs SET owner_pid = ?, owner_start_time = ?
         WHERE id = ? AND owner_pid IS ? AND owner_start_time IS ?`,
      )
      .run(owner.pid, owner.startTime, runId, expected?.pid ?? null, expected?.startTime ?? null);
    return result.changes === 1;
  }

  startAttempt(runId: string, a: NewAttempt): Run {
    return this.db
      .transaction(() => {
        const run = this.mustGet(runId);
        assertTransition(runId, run.status, 'running');
        this.statements
          .get(
            `INSERT INTO attempts (run_id, number, status, pid, pid_start_time, keeper_pid, keeper_start_time, started_at, deadline_at, heartbeat_at, log_path)
           VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            runId,
            a.number,
            a.process?.pid ?? null,
            a.process?.startTime ?? null,
            a.keeper?.pid ?? null,
            a.keeper?.startTime ?? null,
            a.startedAt,
            a.deadlineAt,
            a.startedAt,
            a.logPath,
          );
        this.statements
          .get(
            `UPDATE runs SET status = 'running', attempt_count = ?, next_attempt_at = NULL,
             started_at = COALESCE(started_at, ?) WHERE id = ?`,
          )
          .run(a.number, a.startedAt, runId);
        this.insertEvent(runId, {
          type: EventType.attemptStarted,
          attempt: a.number,
          // Recorded before goose starts: its keeper is known, goose's pid comes with it.
          data: a.process ? { pid: a.process.pid } : a.keeper ? { keeper: a.keeper.pid } : {},
        });
        return this.mustGet(runId);
      })
      .immediate();
  }

  endAttempt(
    runId: string,
    number: number,
    end: AttemptEnd,
    event: NewEvent,
    next: RunTransition,
  ): Run {
    return this.db
      .transaction(() => {
        this.statements
          .get(
            `UPDATE attempts SET status = ?, ended_at = ?, exit_code = ?, signal = ?, failure = ?,
             log_bytes = ?, log_truncated = ? WHERE run_id = ? AND number = ?`,
          )
          .run(
            end.status,
            this.clock.now(),
            end.exitCode,
            end.signal,
            end.failure,
            end.logBytes,
            end.logTruncated ? 1 : 0,
            runId,
            number,
          );
        this.insertEvent(runId, { ...event, attempt: number });
        return this.transition(runId, next.to, next.patch, next.event);
      })
      .immediate();
  }

  recordProcess(runId: string, number: number, process: ProcessIdentity): void {
    this.statements
      .get('UPDATE attempts SET pid = ?, pid_start_time = ? WHERE run_id = ? AND number = ?')
      .run(process.pid, process.startTime, runId, number);
  }

  withdrawAttempt(runId: string, number: number, reason: string): Run | null {
    return this.db
      .transaction(() => {
        const run = this.mustGet(runId);
        if (run.status !== 'running' || run.attemptCount !== number) return null;
        this.statements
          .get('DELETE FROM attempts WHERE run_id = ? AND number = ?')
          .run(runId, number);
        this.statements
          .get(
            `UPDATE runs SET status = 'retrying', attempt_count = ?, next_attempt_at = ? WHERE id = ?`,
          )
          .run(number - 1, this.clock.now(), runId);
        this.insertEvent(runId, {
          type: EventType.attemptWithdrawn,
          attempt: number,
          data: { reason },
        });
        return this.mustGet(runId);
      })
      .immediate();
  }

  heartbeat(runId: string, number: number): void {
    this.statements
      .get('UPDATE attempts SET heartbeat_at = ? WHERE run_id = ? AND number = ?')
      .run(this.clock.now(), runId, number);
  }

  attempts(runId: string): Attempt[] {
    const rows = this.statements
      .get('SELECT * FROM attempts WHERE run_id = ? ORDER BY number')
      .all(runId) as AttemptRow[];
    return rows.map(toAttempt);
  }

  currentAttempt(runId: string): Attempt | undefined {
    const row = this.statements
      .get('SELECT * FROM attempts WHERE run_id = ? ORDER BY number DESC LIMIT 1')
      .get(runId) as AttemptRow | undefined;
    return row && toAttempt(row);
  }

  appendEvent(runId: string, event: NewEvent): void {
    this.insertEvent(runId, event);
  }

  events(runId: string): RunEvent[] {
    const rows = this.statements
      .get('SELECT * FROM events WHERE run_id = ? ORDER BY seq')
      .all(runId) as EventRow[];
    return rows.map(toEvent);
  }

  /** One pass over the runs of schedules: latest run, latest manual run, any not ended. */
  scheduleRunSummaries(): Map<
    string,
    { lastRunAt: number | null; lastManualRunAt: number | null; active: boolean }
  > {
    return summariesOf(this.statements.get(SCHEDULE_SUMMARIES_SQL).all() as SummaryRow[]);
  }

  /** Events of every run after `seq`, oldest first (the live event feed). */
  eventsSince(seq: number, limit: number): { event: RunEvent; scheduleId: string | null }[] {
    const rows = this.statements
      .get(
        'SELECT e.*, r.schedule_id AS schedule_id FROM events e LEFT JOIN runs r ON r.id = e.run_id WHERE e.seq > ? ORDER BY e.seq LIMIT ?',
      )
      .all(seq, limit) as (EventRow & { schedule_id: string | null })[];
    return rows.map((r) => ({ event: toEvent(r), scheduleId: r.schedule_id }));
  }

  lastEventSeq(): number {
    return (
      (this.statements.get('SELECT max(seq) AS s FROM events').get() as { s: number | null }).s ?? 0
    );
  }

  /** Called (on a later tick, after the write committed) when this process recorded an event. */
  onEvent: (() => void) | null = null;
  private eventPending = false;

  private insertEvent(runId: string, event: NewEvent): void {
    if (this.onEvent && !this.eventPending) {
      this.eventPending = true;
      setImmediate(() => {
        this.eventPending = false;
        this.onEvent?.();
      });
    }
    this.statements
      .get('INSERT INTO events (run_id, at, type, attempt, data) VALUES (?, ?, ?, ?, ?)')
      .run(
        runId,
        this.clock.now(),
        event.type,
        event.attempt ?? null,
        JSON.stringify(event.data ?? {}),
      );
  }

  /** One UPDATE for the whole patch (and the status, when a transition sets it). */
  private applyPatch(runId: string, patch: RunPatch, status?: RunStatus): void {
    const columns: string[] = [];
    const values: unknown[] = [];
    const set = (column: string, value: unknown) => {
      columns.push(column);
      values.push(value);
    };
    if (status !== undefined) set('status', status);
    for (const [key, column] of Object.entries(PATCH_COLUMNS)) {
      const value = patch[key as keyof typeof PATCH_COLUMNS];
      if (value !== undefined) set(column, value);
    }
    if (patch.owner !== undefined) {
      set('owner_pid', patch.owner?.pid ?? null);
      set('owner_start_time', patch.owner?.startTime ?? null);
    }
    if (columns.length === 0) return;
    const assignments = columns.map((c) => `${c} = ?`).join(', ');
    this.statements.get(`UPDATE runs SET ${assignments} WHERE id = ?`).run(...values, runId);
  }

  private mustGet(runId: string): Run {
    const run = this.getRun(runId);
    if (!run) throw new NotFoundError('run', runId);
    return run;
  }
}
