import type { Db } from './database.js';
import { Statements } from './statements.js';
import type { SqliteRunStore } from './run-store.js';
import {
  SCHEDULE_COLUMNS,
  scheduleValues,
  toOccurrence,
  toSchedule,
  type OccurrenceRow,
  type ScheduleRow,
} from './schedule-rows.js';
import type {
  Clock,
  NewRun,
  NewSchedule,
  OccurrenceDecision,
  OccurrenceRecord,
  ScheduleChange,
  ScheduleStore,
} from '../../engines/ports.js';
import type { ProcessIdentity } from '../../domain/run.js';
import type { Decision, Schedule, ScheduleState } from '../../domain/schedule/model.js';
import { nextFire, SpecCache } from '../../domain/schedule/next-fire.js';
import { ConflictError, NotFoundError } from '../../domain/errors.js';

/** Schedules and their occurrence ledger, in the same SQLite file (and transactions) as runs. */
export class SqliteScheduleStore implements ScheduleStore {
  private readonly statements: Statements;
  /** Every write recomputes the stored next fire time; the compiled crons are cached. */
  private readonly specs = new SpecCache();

  constructor(
    private readonly db: Db,
    private readonly runs: SqliteRunStore,
    private readonly clock: Clock,
  ) {
    this.statements = new Statements(db);
  }

  createSchedule(s: NewSchedule): Schedule {
    return this.db
      .transaction(() => {
        if (this.getSchedule(s.id)) {
          throw new ConflictError(
            'duplicate_schedule',
            `a schedule with id '${s.id}' already exists`,
            { id: s.id },
          );
        }
        const now = this.clock.now();
        const version = this.bump('schedules');
        this.statements
          .get(
            `INSERT INTO schedules (id, ${SCHEDULE_COLUMNS.join(', ')}, created_at, updated_at, version)
           VALUES (?, ${SCHEDULE_COLUMNS.map(() => '?').join(', ')}, ?, ?, ?)`,
          )
          .run(s.id, ...scheduleValues({ ...s, next: nextFire(s, this.specs) }), now, now, version);
        return this.mustGet(s.id);
      })
      .immediate();
  }

  batch<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  createSchedules(schedules: readonly NewSchedule[]): Schedule[] {
    return this.db.transaction(() => schedules.map((s) => this.createSchedule(s))).immediate();
  }

  getSchedule(id: string): Schedule | undefined {
    const row = this.statements.get('SELECT * FROM schedules WHERE id = ?').get(id) as
      ScheduleRow | undefined;
    return row && toSchedule(row);
  }

  listSchedules(): Schedule[] {
    return (this.statements.get('SELECT * FROM schedules ORDER BY id').all() as ScheduleRow[]).map(
      toSchedule,
    );
  }

  updateSchedule(id: string, change: ScheduleChange): Schedule {
    return this.db
      .transaction(() => {
        const current = this.mustGet(id);
        this.write({ ...current, ...change });
        return this.mustGet(id);
      })
      .immediate();
  }

  removeSchedule(id: string): boolean {
    return this.db
      .transaction(() => {
        const removed =
          this.statements.get('DELETE FROM schedules WHERE id = ?').run(id).changes === 1;
        if (removed) {
          this.statements.get('DELETE FROM occurrences WHERE schedule_id = ?').run(id);
          this.statements
            .get('INSERT INTO schedule_removals (id, version) VALUES (?, ?)')
            .run(id, this.bump('schedules'));
        }
        return removed;
      })
      .immediate();
  }

  changesSince(version: number): { version: number; schedules: Schedule[]; removed: string[] } {
    return this.db.transaction(() => ({
      version: this.counters().schedules,
      schedules: (
        this.statements
          .get('SELECT * FROM schedules WHERE version > ?')
          .all(version) as ScheduleRow[]
      ).map(toSchedule),
      removed: this.statements
        .get('SELECT id FROM schedule_removals WHERE version > ?')
        .pluck()
        .all(version) as string[],
    }))();
  }

  /**
   * Moves with every schedule change, run event and decision, whoever wrote them: one statement
   * (a listing cache asks on every request).
   */
  stateVersion(): string {
    return (
      this.statements
        .get(
          `SELECT (SELECT value FROM counters WHERE name = 'schedules') || '.' ||
                  (SELECT ifnull(max(seq), 0) FROM events) || '.' ||
                  (SELECT ifnull(max(rowid), 0) FROM occurrences) AS v`,
        )
        .get() as { v: string }
    ).v;
  }

  counters(): { schedules: number; dispatch: number } {
    const rows = this.statements.get('SELECT name, value FROM counters').all() as {
      name: string;
      value: number;
    }[];
    const get = (name: string) => rows.find((r) => r.name === name)?.value ?? 0;
    return { schedules: get('schedules'), dispatch: get('dispatch') };
  }

  bumpDispatch(): void {
    this.bump('dispatch');
  }

  recordOccurrence(d: OccurrenceDecision): OccurrenceRecord | null {
    return this.db
      .transaction(() => {
        const schedule = this.mustGet(d.scheduleId);
        if (d.source === 'schedule' && d.scheduledAt <= schedule.decidedThrough) return null;
        const now = this.clock.now();
        const inserted = this.statements
          .get(
            `INSERT OR IGNORE INTO occurrences (schedule_id, scheduled_at, source, decision, run_id, decided_at, detail)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            d.scheduleId,
            d.scheduledAt,
            d.source,
            d.decision,
            d.run?.id ?? null,
            now,
            JSON.stringify(d.detail),
          );
        if (inserted.changes === 0) return null;
        if (d.run) this.runs.createRun(d.run);
        const decidedThrough = d.source === 'schedule' ? d.scheduledAt : schedule.decidedThrough;
        if (d.state || decidedThrough !== schedule.decidedThrough) {
          this.write(
            { ...schedule, state: d.state ?? schedule.state, decidedThrough },
            d.state !== null,
          );
        }
        return this.mustGetOccurrence(d.scheduleId, d.scheduledAt, d.source);
      })
      .immediate();
  }

  recordRange(
    scheduleId: string,
    decision: typeof Decision.missedCatchup | typeof Decision.skippedPaused,
    range: { first: number; last: number; count: number },
  ): OccurrenceRecord | null {
    return this.db
      .transaction(() => {
        const schedule = this.mustGet(scheduleId);
        if (range.first <= schedule.decidedThrough) return null;
        const detail = { count: range.count, through: new Date(range.last).toISOString() };
        this.statements
          .get(
            `INSERT INTO occurrences (schedule_id, scheduled_at, source, decision, decided_at, detail)
           VALUES (?, ?, 'schedule', ?, ?, ?)`,
          )
          .run(scheduleId, range.first, decision, this.clock.now(), JSON.stringify(detail));
        this.write({ ...schedule, decidedThrough: range.last }, false);
        return this.mustGetOccurrence(scheduleId, range.first, 'schedule');
      })
      .immediate();
  }

  releaseBuffered(o: OccurrenceRecord, run: NewRun, state: ScheduleState): boolean {
    return this.db
      .transaction(() => {
        const released = this.statements
          .get(
            `UPDATE occurrences SET run_id = ?, released_at = ?
           WHERE schedule_id = ? AND scheduled_at = ? AND source = ? AND released_at IS NULL AND decision = 'buffered'`,
          )
          .run(run.id, this.clock.now(), o.scheduleId, o.scheduledAt, o.source);
        if (released.changes === 0) return false;
        this.runs.createRun(run);
        const schedule = this.mustGet(o.scheduleId);
        if (state.remainingActions !== schedule.state.remainingActions)
          this.write({ ...schedule, state });
        return true;
      })
      .immediate();
  }

  dropBuffered(o: OccurrenceRecord, reason: string): void {
    this.statements
      .get(
        `UPDATE occurrences SET released_at = ?, detail = json_set(detail, '$.dropped', ?)
         WHERE schedule_id = ? AND scheduled_at = ? AND source = ? AND released_at IS NULL AND decision = 'buffered'`,
      )
      .run(this.clock.now(), reason, o.scheduleId, o.scheduledAt, o.source);
  }

  schedulesWaiting(): string[] {
    return this.statements
      .get(
        "SELECT DISTINCT schedule_id FROM occurrences WHERE decision = 'buffered' AND released_at IS NULL",
      )
      .pluck()
      .all() as string[];
  }

  waiting(scheduleId: string): OccurrenceRecord[] {
    const rows = this.statements
      .get(
        `SELECT * FROM occurrences WHERE schedule_id = ? AND decision = 'buffered' AND released_at IS NULL
       ORDER BY scheduled_at`,
      )
      .all(scheduleId) as OccurrenceRow[];
    return rows.map(toOccurrence);
  }

  occurrences(
    scheduleId: string,
    limit: number,
    before?: { scheduledAt: number; source: string },
  ): OccurrenceRecord[] {
    const rows = (
      before
        ? this.statements
            .get(
              `SELECT * FROM occurrences WHERE schedule_id = ?
                 AND (scheduled_at < ? OR (scheduled_at = ? AND source > ?))
               ORDER BY scheduled_at DESC, source LIMIT ?`,
            )
            .all(scheduleId, before.scheduledAt, before.scheduledAt, before.source, limit)
        : this.statements
            .get(
              'SELECT * FROM occurrences WHERE schedule_id = ? ORDER BY scheduled_at DESC, source LIMIT ?',
            )
            .all(scheduleId, limit)
    ) as OccurrenceRow[];
    return rows.map(toOccurrence);
  }

  /** Decisions recorded after row `after`, oldest first (the live event feed). */
  decisionsSince(after: number, limit: number): { row: number; record: OccurrenceRecord }[] {
    const rows = this.statements
      .get('SELECT rowid AS row_id, * FROM occurrences WHERE rowid > ? ORDER BY rowid LIMIT ?')
      .all(after, limit) as (OccurrenceRow & { row_id: number })[];
    return rows.map((r) => ({ row: r.row_id, record: toOccurrence(r) }));
  }

  lastDecisionRow(): number {
    return (
      (this.statements.get('SELECT max(rowid) AS r FROM occurrences').get() as { r: number | null })
        .r ?? 0
    );
  }

  acquireDaemonLock(
    self: ProcessIdentity,
    isAlive: (p: ProcessIdentity) => boolean,
  ): ProcessIdentity | null {
    return this.db
      .transaction(() => {
        const holder = this.daemon();
        if (holder && isAlive(holder) && holder.pid !== self.pid)
          return { pid: holder.pid, startTime: holder.startTime };
        this.statements
          .get(
            'INSERT OR REPLACE INTO daemon (id, pid, start_time, started_at) VALUES (1, ?, ?, ?)',
          )
          .run(self.pid, self.startTime, this.clock.now());
        return null;
      })
      .immediate();
  }

  releaseDaemonLock(self: ProcessIdentity): void {
    this.statements
      .get('DELETE FROM daemon WHERE id = 1 AND pid = ? AND start_time IS ?')
      .run(self.pid, self.startTime);
  }

  daemon(): (ProcessIdentity & { startedAt: number }) | null {
    const row = this.statements
      .get('SELECT pid, start_time, started_at FROM daemon WHERE id = 1')
      .get() as { pid: number; start_time: string | null; started_at: number } | undefined;
    return row ? { pid: row.pid, startTime: row.start_time, startedAt: row.started_at } : null;
  }

  /** Writes every column of a schedule; `announce` bumps the change counter for other processes. */
  private write(s: Omit<Schedule, 'createdAt' | 'updatedAt' | 'next'>, announce = true): void {
    const assignments = SCHEDULE_COLUMNS.map((c) => `${c} = ?`).join(', ');
    const version = announce ? this.bump('schedules') : null;
    this.statements
      .get(
        `UPDATE schedules SET ${assignments}, updated_at = ?, version = COALESCE(?, version) WHERE id = ?`,
      )
      .run(
        ...scheduleValues({ ...s, next: nextFire(s, this.specs) }),
        this.clock.now(),
        version,
        s.id,
      );
  }

  private bump(counter: 'schedules' | 'dispatch'): number {
    return this.statements
      .get('UPDATE counters SET value = value + 1 WHERE name = ? RETURNING value')
      .pluck()
      .get(counter) as number;
  }

  private mustGet(id: string): Schedule {
    const schedule = this.getSchedule(id);
    if (!schedule) throw new NotFoundError('schedule', id);
    return schedule;
  }

  occurrence(
    scheduleId: string,
    scheduledAt: number,
    source: OccurrenceDecision['source'],
  ): OccurrenceRecord | undefined {
    const row = this.statements
      .get('SELECT * FROM occurrences WHERE schedule_id = ? AND scheduled_at = ? AND source = ?')
      .get(scheduleId, scheduledAt, source) as OccurrenceRow | undefined;
    return row ? toOccurrence(row) : undefined;
  }

  private mustGetOccurrence(
    scheduleId: string,
    scheduledAt: number,
    source: OccurrenceDecision['source'],
  ): OccurrenceRecord {
    const found = this.occurrence(scheduleId, scheduledAt, source);
    if (!found) throw new Error(`occurrence ${scheduleId} ${scheduledAt} ${source} vanished`);
    return found;
  }
}
