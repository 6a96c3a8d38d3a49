import type { ProcessIdentity, Run } from '../../domain/run.js';
import { isTerminal } from '../../domain/run-status.js';
import type { CompiledSpec } from '../../domain/schedule/spec.js';
import { SpecCache } from '../../domain/schedule/next-fire.js';
import { Decision, occurrenceRunId, type Schedule } from '../../domain/schedule/model.js';
import {
  decideOccurrence,
  ON_TIME_TOLERANCE_MS,
  stateAfterStart,
  type OccurrenceOutcome,
} from '../../domain/schedule/policies.js';
import type { Clock, RunStore, ScheduleStore } from '../ports.js';
import type { EmbeddedEngine } from './engine.js';
import type { RecoveryReport } from '../contract.js';
import { Dispatcher } from './dispatcher.js';
import { releaseIdle, type NewRunOf } from './after-run.js';

/** Places where a test may inject a crash; production passes no hook. */
export type { FaultPoint } from '../contract.js';
import type { FaultPoint } from '../contract.js';

export interface SchedulerDeps {
  readonly schedules: ScheduleStore;
  readonly runs: RunStore;
  readonly engine: EmbeddedEngine;
  readonly clock: Clock;
  readonly self: ProcessIdentity;
  /** null: no limit. */
  readonly maxConcurrent: number | null;
  /** How often to look for changes made by other goose-flow processes. */
  readonly pollMs: number;
  /** The run an occurrence starts (snapshot, params, options), owned by `owner`. */
  readonly newRun: NewRunOf;
  readonly log: (event: string, fields?: Record<string, unknown>) => void;
  readonly faults?: { hit(point: FaultPoint): void };
}

/** Decisions made one by one before a long backlog of missed occurrences is collapsed into one entry. */
const MAX_INDIVIDUAL_MISSED = 50;
/** After a tick could not reach the store, try again this much later. */
const TICK_RETRY_MS = 1_000;
/** Longest a timer may be set for (setTimeout's limit is 2^31-1 ms). */
const MAX_SLEEP_MS = 2 ** 31 - 1;

/**
 * The embedded engine's scheduler: sleeps until the next due occurrence, decides each occurrence
 * exactly once (claim + decision + run in one transaction), and hands started runs to a
 * concurrency-limited dispatcher.
 */
export class Scheduler {
  /** Schedules by id, each with its stored next fire time; crons are compiled only when due. */
  private readonly entries = new Map<string, Schedule>();
  private readonly specs = new SpecCache();
  private readonly dispatcher: Dispatcher;
  private timer: NodeJS.Timeout | null = null;
  private poller: NodeJS.Timeout | null = null;
  private seen = { schedules: -1, dispatch: -1 };
  private stopped = false;
  /** Runs decided in the current tick, started once its transaction has committed. */
  private launches: { runId: string; outcome: OccurrenceOutcome; others: readonly Run[] }[] = [];

  constructor(private readonly deps: SchedulerDeps) {
    this.dispatcher = new Dispatcher(
      (runId, adopt) => {
        const run = deps.runs.getRun(runId);
        if (run && !adopt && !isTerminal(run.status))
          deps.log('run_started', {
            runId,
            scheduleId: run.scheduleId,
            trigger: run.trigger,
          });
        return deps.engine.driveRun(runId, {}, adopt);
      },
      deps.maxConcurrent ?? Infinity,
      (run) => this.afterRun(run),
      (runId, err) => deps.log('run_error', { runId, error: (err as Error).message }),
    );
  }

  get stats() {
    return {
      schedules: this.entries.size,
      running: this.dispatcher.running,
      waiting: this.dispatcher.waiting,
    };
  }

  start(): void {
    this.reload();
    this.repairBuffers();
    this.adoptPending();
    this.poller = setInterval(() => this.poll(), this.deps.pollMs);
    this.tick();
  }

  /** Stops deciding occurrences; runs already started are the caller's to stop or leave. */
  stop(): void {
    this.stopped = true;
    this.dispatcher.stop();
    if (this.timer) clearTimeout(this.timer);
    if (this.poller) clearInterval(this.poller);
  }

  drain(): Promise<void> {
    return this.dispatcher.drain();
  }

  private poll(): void {
    try {
      this.pollOnce();
    } catch (err) {
      this.deps.log('poll_failed', { error: (err as Error).message });
    }
  }

  private pollOnce(): void {
    const counters = this.deps.schedules.counters();
    if (counters.schedules !== this.seen.schedules) {
      this.reload();
      this.arm();
    }
    if (counters.dispatch !== this.seen.dispatch) {
      this.seen.dispatch = counters.dispatch;
      this.adoptPending();
    }
  }

  /** Loads what changed since the last load (everything, the first time). */
  private reload(): void {
    const changes = this.deps.schedules.changesSince(this.seen.schedules);
    this.seen.schedules = changes.version;
    for (const id of changes.removed) this.entries.delete(id);
    for (const schedule of changes.schedules) this.entries.set(schedule.id, schedule);
  }

  /** Runs waiting for a daemon (created by `schedule trigger`, or left by a dead one). */
  private adoptPending(): void {
    void this.recover().catch((err: unknown) => {
      this.deps.log('recovery_error', { error: (err as Error).message });
    });
  }

  /** Claims orphaned runs and hands them to the dispatcher (the run scanner calls this too). */
  async recover(): Promise<RecoveryReport> {
    this.repairBuffers();
    const { report, claimed } = await this.deps.engine.claimOrphans();
    for (const c of claimed) this.dispatcher.submit(c.runId, c.adopt);
    // Runs handed over by a trigger or `run --detach` are ordinary starts (logged as they start);
    // recovery words are for what a dead goose-flow left.
    const { adopted, retried, failed, resumed } = report;
    if ([adopted, retried, failed, resumed].some((ids) => ids.length > 0))
      this.deps.log('runs_recovered', { adopted, retried, failed, resumed });
    return report;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.stopped) return;
    let earliest: number | null = null;
    for (const { next } of this.entries.values()) {
      if (next && (earliest === null || next.fireAt < earliest)) earliest = next.fireAt;
    }
    if (earliest === null) return;
    const delay = Math.min(Math.max(0, earliest - this.deps.clock.now()), MAX_SLEEP_MS);
    this.timer = setTimeout(() => this.tick(), delay);
  }

  private tick(): void {
    const now = this.deps.clock.now();
    const due = [...this.entries.values()].filter((s) => s.next && s.next.fireAt <= now);
    // Everything due now is decided in one transaction (one commit instead of one per
    // occurrence); the runs start once it is durable. A crash before the commit loses nothing:
    // those occurrences are simply decided again after the restart.
    this.launches = [];
    try {
      this.deps.schedules.batch(() => {
        for (const schedule of due) {
          if (this.stopped) return;
          try {
            this.decideDue(schedule.id, now);
          } catch (err) {
            this.deps.log('decision_error', {
              scheduleId: schedule.id,
              error: (err as Error).message,
            });
          }
        }
      });
    } catch (err) {
      // E.g. the store stayed locked past its busy timeout: nothing was decided; try again soon.
      this.launches = [];
      this.deps.log('tick_failed', { error: (err as Error).message });
      if (!this.stopped) this.timer = setTimeout(() => this.tick(), TICK_RETRY_MS);
      return;
    }
    const launches = this.launches;
    this.launches = [];
    for (const l of launches) this.launch(l.runId, l.outcome, l.others);
    this.arm();
  }

  /** Decides every occurrence of one schedule that is due at `now`, oldest first. */
  private decideDue(scheduleId: string, now: number): void {
    for (;;) {
      const schedule = this.deps.schedules.getSchedule(scheduleId);
      if (!schedule) return void this.entries.delete(scheduleId);
      this.entries.set(scheduleId, schedule);
      const { next } = schedule;
      if (!next || next.fireAt > now) return;
      const compiled = this.specs.get(schedule.spec);
      if (this.collapseBacklog(schedule, compiled, now)) continue;
      // Only catch-up with `latest` asks whether a later occurrence is due too (a cron evaluation).
      const late = now - next.scheduledAt > ON_TIME_TOLERANCE_MS;
      const laterAlsoDue =
        late &&
        schedule.policies.catchupLatestOnly &&
        (compiled.next(next.scheduledAt) ?? Infinity) <= now;
      // Another process decided it first (the store refused a second decision): stop here.
      if (!this.decide(schedule, next.scheduledAt, now, laterAlsoDue)) return;
    }
  }

  /** A long outage (or pause) leaves a backlog too old to run: record it as one collapsed range. */
  private collapseBacklog(schedule: Schedule, compiled: CompiledSpec, now: number): boolean {
    const horizon = now - Math.max(schedule.policies.catchupWindowMs, ON_TIME_TOLERANCE_MS);
    // The usual case, an occurrence on time, costs no cron evaluation.
    if ((schedule.next?.scheduledAt ?? Infinity) >= horizon) return false;
    const stale = compiled.between(schedule.decidedThrough, horizon, MAX_INDIVIDUAL_MISSED + 1);
    if (stale.length <= MAX_INDIVIDUAL_MISSED) return false;
    let last = stale[stale.length - 1]!;
    let count = stale.length;
    for (
      let t = compiled.next(last);
      t !== null && t < horizon && count < 100_000;
      t = compiled.next(t)
    ) {
      last = t;
      count++;
    }
    const decision = schedule.state.paused ? Decision.skippedPaused : Decision.missedCatchup;
    this.deps.schedules.recordRange(schedule.id, decision, { first: stale[0]!, last, count });
    const from = iso(stale[0]!);
    this.deps.log('occurrences_collapsed', {
      scheduleId: schedule.id,
      decision,
      count,
      from,
      through: iso(last),
    });
    return true;
  }

  private decide(
    schedule: Schedule,
    scheduledAt: number,
    tickAt: number,
    laterAlsoDue: boolean,
  ): boolean {
    // The tick's time says what is due; the decision's own time says how late it is.
    const now = Math.max(tickAt, this.deps.clock.now());
    const active = this.deps.runs.activeRuns(schedule.id);
    const outcome = decideOccurrence(schedule, {
      scheduledAt,
      now,
      activeRuns: active.length,
      buffered: this.deps.schedules.waiting(schedule.id).length,
      laterAlsoDue,
    });
    this.deps.faults?.hit('before-decision');
    const started = outcome.decision === Decision.started;
    const run = started
      ? this.deps.newRun(
          schedule,
          occurrenceRunId(schedule.id, scheduledAt),
          'schedule',
          this.deps.self,
        )
      : null;
    const recorded = this.deps.schedules.recordOccurrence({
      scheduleId: schedule.id,
      scheduledAt,
      source: 'schedule',
      decision: outcome.decision,
      detail: detailOf(outcome, now - scheduledAt),
      run,
      state: started ? stateAfterStart(schedule.state) : null,
    });
    if (!recorded) return false;
    this.deps.faults?.hit('after-decision');
    this.deps.log('occurrence_decided', {
      scheduleId: schedule.id,
      scheduledAt: iso(scheduledAt),
      decision: outcome.decision,
      lateMs: now - scheduledAt,
      ...(run ? { runId: run.id } : {}),
    });
    if (run) this.launches.push({ runId: run.id, outcome, others: active });
    return true;
  }

  private launch(runId: string, outcome: OccurrenceOutcome, others: readonly Run[]): void {
    const stopOthers = outcome.decision === Decision.started ? outcome.stopOthers : null;
    if (!stopOthers || others.length === 0) return this.submit(runId);
    // cancel_other / terminate_other: the new run starts once the others have stopped.
    const reason = `overlap policy ${stopOthers === 'cancel' ? 'cancel_other' : 'terminate_other'}`;
    void Promise.allSettled(others.map((r) => this.deps.engine.cancelRun(r.id, reason))).then(() =>
      this.submit(runId),
    );
  }

  private submit(runId: string): void {
    this.dispatcher.submit(runId);
    this.deps.faults?.hit('after-dispatch');
  }

  /**
   * A run of a schedule settled. Its effects (pause on failure, the next buffered occurrence's
   * run) were applied in the transaction that settled it; the released run, created without an
   * owner, reaches this daemon through the dispatch counter. Here they are only logged.
   */
  private afterRun(run: Run): void {
    if (!run.scheduleId || !isTerminal(run.status)) return;
    this.deps.log('run_settled', { runId: run.id, scheduleId: run.scheduleId, status: run.status });
    const schedule = this.deps.schedules.getSchedule(run.scheduleId);
    if (
      schedule?.state.paused &&
      schedule.state.note === `paused after run ${run.id} ${run.status}`
    )
      this.deps.log('schedule_paused', { scheduleId: schedule.id, note: schedule.state.note });
  }

  /** Buffered occurrences an older goose-flow left waiting while nothing of their schedule runs. */
  private repairBuffers(): void {
    const released = releaseIdle({
      schedules: this.deps.schedules,
      runs: this.deps.runs,
      newRun: this.deps.newRun,
    });
    if (released.length > 0) this.deps.log('occurrences_released', { runIds: released });
  }
}

function detailOf(outcome: OccurrenceOutcome, lateMs: number): Record<string, unknown> {
  if (outcome.decision === Decision.missedCatchup) return { lateByMs: outcome.lateByMs };
  if (outcome.decision === Decision.started && outcome.stopOthers)
    return { lateMs, stopOthers: outcome.stopOthers };
  return { lateMs };
}

const iso = (ms: number) => new Date(ms).toISOString();
