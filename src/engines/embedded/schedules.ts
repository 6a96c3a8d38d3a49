import type { ProcessIdentity, Run } from '../../domain/run.js';
import { ConflictError } from '../../domain/errors.js';
import {
  Decision,
  occurrenceRunId,
  type OverlapPolicy,
  type Schedule,
} from '../../domain/schedule/model.js';
import { nextTimes } from '../../domain/schedule/next-fire.js';
import { decideOccurrence, stateAfterStart } from '../../domain/schedule/policies.js';
import type {
  BackfillResult,
  DecisionPage,
  ScheduleBackend,
  ScheduleInsight,
  TriggerResult,
} from '../contract.js';
import type {
  Clock,
  NewRun,
  NewSchedule,
  OccurrenceSource,
  RunStore,
  ScheduleChange,
  ScheduleStore,
} from '../ports.js';
import type { EmbeddedEngine } from './engine.js';

export interface EmbeddedSchedulesDeps {
  readonly store: ScheduleStore;
  readonly runs: RunStore;
  readonly engine: EmbeddedEngine;
  readonly clock: Clock;
  readonly self: ProcessIdentity;
  /** The data dir's living daemon, if any: it fires schedules and drives the runs they start. */
  readonly daemon: () => ProcessIdentity | null;
  /** The run an occurrence starts (the schedule service knows recipes and run defaults). */
  readonly runFor: (
    schedule: Schedule,
    id: string,
    source: OccurrenceSource,
    owner: ProcessIdentity | null,
  ) => NewRun;
}

/**
 * Schedules in SQLite: the daemon's scheduler fires them. Trigger and backfill decide their
 * occurrences here, with the same pure policies the scheduler uses, and record them atomically.
 */
export class EmbeddedSchedules implements ScheduleBackend {
  constructor(private readonly deps: EmbeddedSchedulesDeps) {}

  async create(schedules: readonly NewSchedule[]): Promise<Schedule[]> {
    return this.deps.store.createSchedules(schedules);
  }

  async get(id: string): Promise<Schedule | undefined> {
    return this.deps.store.getSchedule(id);
  }

  async list(): Promise<Schedule[]> {
    return this.deps.store.listSchedules();
  }

  async update(id: string, change: ScheduleChange): Promise<Schedule> {
    return this.deps.store.updateSchedule(id, change);
  }

  async remove(id: string): Promise<boolean> {
    return this.deps.store.removeSchedule(id);
  }

  async insight(
    schedule: Schedule,
    count: number,
    page: DecisionPage = { limit: 20 },
  ): Promise<ScheduleInsight> {
    const found = this.deps.store.occurrences(schedule.id, page.limit + 1, page.before);
    const decisions = found.slice(0, page.limit);
    const last = decisions.at(-1);
    return {
      next: nextTimes(schedule, count, this.deps.clock.now()),
      decisions,
      moreDecisions:
        found.length > page.limit && last
          ? { scheduledAt: last.scheduledAt, source: last.source }
          : null,
      waiting: this.deps.store.waiting(schedule.id).length,
      counts: null,
    };
  }

  async trigger(schedule: Schedule, overlap?: OverlapPolicy): Promise<TriggerResult> {
    // Two triggers in one millisecond are two occurrences: the second takes the next free instant.
    for (let at = this.deps.clock.now(), tries = 0; tries < 1_000; at++, tries++) {
      const result = await this.triggerAt(schedule, at, overlap);
      if (result) return result;
    }
    throw new ConflictError(
      'occurrence_exists',
      `schedule ${schedule.id} was triggered too often within one second`,
    );
  }

  private async triggerAt(
    schedule: Schedule,
    now: number,
    overlap: OverlapPolicy | undefined,
  ): Promise<TriggerResult | null> {
    const { id } = schedule;
    const active = this.deps.runs.activeRuns(id);
    const outcome = decideOccurrence(schedule, {
      scheduledAt: now,
      now,
      activeRuns: active.length,
      buffered: this.deps.store.waiting(id).length,
      laterAlsoDue: false,
      manual: true,
      ...(overlap ? { overlap } : {}),
    });
    const daemon = this.deps.daemon();
    const started = outcome.decision === Decision.started;
    const run = started
      ? this.deps.runFor(
          schedule,
          occurrenceRunId(id, now),
          'trigger',
          daemon ? null : this.deps.self,
        )
      : null;
    const recorded = this.deps.store.recordOccurrence({
      scheduleId: id,
      scheduledAt: now,
      source: 'trigger',
      decision: outcome.decision,
      detail: { by: this.deps.self.pid },
      run,
      state: started ? stateAfterStart(schedule.state) : null,
    });
    if (!recorded) return null;
    if (started && outcome.stopOthers) await this.stopOthers(active, outcome.stopOthers);
    if (daemon) this.deps.store.bumpDispatch();
    const settled = run && !daemon ? this.deps.engine.driveRun(run.id) : null;
    return {
      decision: outcome.decision,
      run: run ? (this.deps.runs.getRun(run.id) ?? null) : null,
      daemon,
      settled,
    };
  }

  async backfill(
    schedule: Schedule,
    times: readonly number[],
    _from: number,
    _to: number,
    overlap?: OverlapPolicy,
  ): Promise<BackfillResult> {
    const daemon = this.deps.daemon();
    const decided: BackfillResult['decided'][number][] = [];
    for (const scheduledAt of times)
      decided.push(await this.backfillOne(schedule, scheduledAt, overlap, daemon));
    if (daemon) this.deps.store.bumpDispatch();
    const runIds = decided.flatMap((d) =>
      d.runId && d.decision === Decision.started ? [d.runId] : [],
    );
    const settled = daemon
      ? null
      : Promise.all(runIds.map((runId) => this.deps.engine.driveRun(runId)));
    return { decided, daemon, settled, requestedOnServer: false };
  }

  private async backfillOne(
    schedule: Schedule,
    scheduledAt: number,
    overlap: OverlapPolicy | undefined,
    daemon: ProcessIdentity | null,
  ): Promise<BackfillResult['decided'][number]> {
    const active = this.deps.runs.activeRuns(schedule.id);
    const outcome = decideOccurrence(schedule, {
      scheduledAt,
      now: this.deps.clock.now(),
      activeRuns: active.length,
      buffered: this.deps.store.waiting(schedule.id).length,
      laterAlsoDue: false,
      manual: true,
      ...(overlap ? { overlap } : {}),
    });
    const started = outcome.decision === Decision.started;
    const runId = `${occurrenceRunId(schedule.id, scheduledAt)}/backfill`;
    const recorded = this.deps.store.recordOccurrence({
      scheduleId: schedule.id,
      scheduledAt,
      source: 'backfill',
      decision: outcome.decision,
      detail: { by: this.deps.self.pid },
      run: started
        ? this.deps.runFor(schedule, runId, 'backfill', daemon ? null : this.deps.self)
        : null,
      state: null,
    });
    if (!recorded) {
      // Backfilled before: nothing changes (no run stopped), and the answer is the first decision.
      const first = this.deps.store.occurrence(schedule.id, scheduledAt, 'backfill');
      return {
        scheduledAt,
        decision: first?.decision ?? outcome.decision,
        runId: first?.runId ?? null,
        already: true,
      };
    }
    // Only once the new run is recorded: the policy stops the others for it.
    if (started && outcome.stopOthers) await this.stopOthers(active, outcome.stopOthers);
    return {
      scheduledAt,
      decision: outcome.decision,
      runId: started ? runId : null,
      already: false,
    };
  }

  private async stopOthers(active: readonly Run[], how: 'cancel' | 'terminate'): Promise<void> {
    const reason = `overlap policy ${how === 'cancel' ? 'cancel_other' : 'terminate_other'} (trigger)`;
    await Promise.allSettled(active.map((r) => this.deps.engine.cancelRun(r.id, reason)));
  }
}
