import { basename, join, resolve } from 'node:path';
import type { Config } from '../config.js';
import type { ProcessIdentity, Run } from '../domain/run.js';
import { RunTrigger } from '../domain/run.js';
import { ConflictError, NotFoundError, UsageError } from '../domain/errors.js';
import { DEFAULT_RETRY_POLICY, withRetries } from '../domain/retry-policy.js';
import {
  Decision,
  ExecutionMode,
  occurrenceRunId,
  type OverlapPolicy,
  type Schedule,
  type ScheduleAction,
} from '../domain/schedule/model.js';
import { compileSpec, type ScheduleSpec } from '../domain/schedule/spec.js';
import { decideOccurrence, stateAfterStart } from '../domain/schedule/policies.js';
import type { ScheduleDraft } from '../domain/schedule/transfer-draft.js';
import type {
  Clock,
  NewRun,
  NewSchedule,
  OccurrenceRecord,
  OccurrenceSource,
  RunStore,
  ScheduleStore,
} from '../engines/ports.js';
import type { EmbeddedEngine } from '../engines/embedded/engine.js';
import type { RecipeService } from './recipes.js';

export interface ScheduleServiceDeps {
  readonly config: Config;
  readonly store: ScheduleStore;
  readonly runs: RunStore;
  readonly engine: EmbeddedEngine;
  readonly recipes: RecipeService;
  readonly recipesDir: string;
  readonly clock: Clock;
  readonly self: ProcessIdentity;
  readonly isAlive: (p: ProcessIdentity) => boolean;
  readonly hostZone: string;
  /** Where a problem that does not stop the run is reported (stderr, or the daemon's log). */
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
}

export interface ScheduleDetail {
  readonly schedule: Schedule;
  readonly next: readonly number[];
  readonly recentRuns: readonly Run[];
  readonly decisions: readonly OccurrenceRecord[];
  readonly waiting: number;
}

export interface TriggerResult {
  readonly decision: Decision;
  readonly run: Run | null;
  /** The daemon that will run it, or null when this process runs it (see `settled`). */
  readonly daemon: ProcessIdentity | null;
  readonly settled: Promise<Run> | null;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const MAX_BACKFILL = 1000;

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
}

/** Schedule use cases, the same for every face. They work whether or not a daemon runs. */
export class ScheduleService {
  constructor(private readonly deps: ScheduleServiceDeps) {}

  add(draft: ScheduleDraft, baseDir = process.cwd()): Schedule {
    return this.deps.store.createSchedule(this.prepare(draft, baseDir));
  }

  /** Creates every schedule of a file, or none: all are validated (and snapshotted) first. */
  addAll(drafts: readonly ScheduleDraft[], baseDir: string): Schedule[] {
    const prepared = drafts.map((draft) => {
      try {
        return this.prepare(draft, baseDir);
      } catch (err) {
        if (err instanceof Error) err.message = `schedule '${draft.id}': ${err.message}`;
        throw err;
      }
    });
    return this.deps.store.createSchedules(prepared);
  }

  private prepare(draft: ScheduleDraft, baseDir: string): NewSchedule {
    if (!ID.test(draft.id)) {
      throw new UsageError(
        `invalid schedule id '${draft.id}': use 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
        { id: draft.id },
      );
    }
    if (this.deps.store.getSchedule(draft.id)) {
      throw new ConflictError(
        'duplicate_schedule',
        `a schedule with id '${draft.id}' already exists`,
        { id: draft.id },
      );
    }
    return {
      id: draft.id,
      ...this.definitionOf(draft, baseDir),
      decidedThrough: this.deps.clock.now(),
    };
  }

  list(): Schedule[] {
    return this.deps.store.listSchedules();
  }

  get(id: string): Schedule {
    const schedule = this.deps.store.getSchedule(id);
    if (!schedule) throw new NotFoundError('schedule', id);
    return schedule;
  }

  /**
   * The next fire time from now: the stored one while it is ahead (a daemon keeps it so), else
   * computed — without a daemon the stored one may lie in the past.
   */
  nextRunAt(schedule: Schedule): number | null {
    const stored = schedule.next;
    if (stored && stored.scheduledAt >= this.deps.clock.now()) return stored.fireAt;
    return this.nextTimes(schedule, 1)[0] ?? null;
  }

  /** The next `count` fire times from now, as the spec computes them. */
  nextTimes(schedule: Schedule, count: number): number[] {
    const compiled = compileSpec(schedule.spec);
    const out: number[] = [];
    if (schedule.state.remainingActions === 0) return out;
    let t: number | null = Math.max(this.deps.clock.now(), schedule.decidedThrough);
    while (out.length < count && (t = compiled.next(t)) !== null) out.push(t);
    return out.slice(0, schedule.state.remainingActions ?? count);
  }

  show(id: string): ScheduleDetail {
    const schedule = this.get(id);
    return {
      schedule,
      next: this.nextTimes(schedule, 5),
      recentRuns: this.deps.runs.listRuns({ scheduleId: id, limit: 10 }),
      decisions: this.deps.store.occurrences(id, 20),
      waiting: this.deps.store.waiting(id).length,
    };
  }

  /** Replaces the fields a draft carries; the id stays. Occurrences already decided stay decided. */
  update(id: string, draft: ScheduleDraft, baseDir = process.cwd()): Schedule {
    this.get(id);
    // Re-snapshotting is cheap and idempotent (content-addressed): the recipe may have changed.
    return this.deps.store.updateSchedule(id, this.definitionOf(draft, baseDir));
  }

  /** Everything a draft defines, validated: spec, policies, state, and the snapshotted action. */
  private definitionOf(draft: ScheduleDraft, baseDir: string) {
    return {
      spec: this.specOf(draft),
      policies: {
        overlap: draft.overlap,
        catchupWindowMs: draft.catchupWindowMs,
        catchupLatestOnly: draft.catchupLatestOnly,
        pauseOnFailure: draft.pauseOnFailure,
      },
      state: { paused: draft.paused, note: draft.note, remainingActions: draft.remainingActions },
      action: this.actionOf(draft, baseDir),
    };
  }

  pause(id: string, note: string | null): Schedule {
    const schedule = this.get(id);
    return this.deps.store.updateSchedule(id, { state: { ...schedule.state, paused: true, note } });
  }

  resume(id: string, note: string | null): Schedule {
    const schedule = this.get(id);
    return this.deps.store.updateSchedule(id, {
      state: { ...schedule.state, paused: false, note },
    });
  }

  remove(id: string): void {
    this.get(id);
    this.deps.store.removeSchedule(id);
  }

  /** The living daemon of this data dir, if one runs. */
  daemon(): (ProcessIdentity & { startedAt: number }) | null {
    const holder = this.deps.store.daemon();
    return holder && this.deps.isAlive(holder) ? holder : null;
  }

  /** Runs the schedule now, honouring the overlap policy given (default: the schedule's). */
  async trigger(id: string, overlap?: OverlapPolicy): Promise<TriggerResult> {
    const schedule = this.get(id);
    const now = this.deps.clock.now();
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
    const daemon = this.daemon();
    const started = outcome.decision === Decision.started;
    const run = started
      ? this.newRun(schedule, occurrenceRunId(id, now), 'trigger', daemon ? null : this.deps.self)
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
    if (!recorded)
      throw new ConflictError(
        'occurrence_exists',
        `schedule ${id} was already triggered at this instant`,
      );
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

  /**
   * Decides the schedule's occurrences in [from, to] now, with the overlap policy given (default:
   * the schedule's), as Temporal's backfill does. Each occurrence is backfilled at most once.
   */
  async backfill(
    id: string,
    from: number,
    to: number,
    overlap?: OverlapPolicy,
  ): Promise<BackfillResult> {
    const schedule = this.get(id);
    if (to < from) throw new UsageError('--to must not be before --from');
    const times = compileSpec(schedule.spec).between(from - 1, to, MAX_BACKFILL + 1);
    if (times.length > MAX_BACKFILL) {
      throw new UsageError(
        `the range holds more than ${MAX_BACKFILL} occurrences; backfill a shorter range at a time`,
      );
    }
    const daemon = this.daemon();
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
    return { decided, daemon, settled };
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
    if (started && outcome.stopOthers) await this.stopOthers(active, outcome.stopOthers);
    const runId = `${occurrenceRunId(schedule.id, scheduledAt)}/backfill`;
    const recorded = this.deps.store.recordOccurrence({
      scheduleId: schedule.id,
      scheduledAt,
      source: 'backfill',
      decision: outcome.decision,
      detail: { by: this.deps.self.pid },
      run: started
        ? this.newRun(schedule, runId, 'backfill', daemon ? null : this.deps.self)
        : null,
      state: null,
    });
    return recorded
      ? { scheduledAt, decision: outcome.decision, runId: started ? runId : null, already: false }
      : { scheduledAt, decision: outcome.decision, runId: null, already: true };
  }

  /** The run an occurrence starts: the snapshot (or, with follow-source, the file as it is now). */
  newRun(
    schedule: Schedule,
    id: string,
    source: OccurrenceSource,
    owner: ProcessIdentity | null,
  ): NewRun {
    const { action } = schedule;
    const recipe = action.followSource
      ? this.refreshSnapshot(schedule)
      : { hash: action.recipeHash, entry: this.entryOf(action) };
    return {
      id,
      trigger:
        source === 'backfill'
          ? RunTrigger.backfill
          : source === 'trigger'
            ? RunTrigger.manual
            : RunTrigger.schedule,
      scheduleId: schedule.id,
      recipePath: action.recipePath,
      recipeHash: recipe.hash,
      recipeEntry: recipe.entry,
      params: action.params,
      options: {
        timeoutMs: action.timeoutMs,
        graceMs: this.deps.config.run.graceMs,
        retryPolicy: action.retryPolicy,
        cwd: action.cwd ?? join(this.deps.config.dataDir, 'work'),
        logCapBytes: this.deps.config.run.logCapBytes,
        mode: action.mode,
        fallbackToBackground: action.fallbackToBackground ?? true,
      },
      owner,
    };
  }

  private specOf(draft: ScheduleDraft): ScheduleSpec {
    const spec = {
      expression: draft.expression.trim(),
      timezone: draft.timezone ?? this.deps.hostZone,
      jitterMs: draft.jitterMs,
      startAt: draft.startAt,
      endAt: draft.endAt,
    };
    compileSpec(spec);
    return spec;
  }

  /** Validates the recipe for a headless run with the schedule's params, and snapshots it. */
  private actionOf(draft: ScheduleDraft, baseDir: string): ScheduleAction {
    const recipePath = resolve(baseDir, draft.recipePath);
    const runnable = this.deps.recipes.loadRunnable(recipePath, draft.params);
    const snapshot = this.deps.recipes.snapshot(runnable);
    const { run } = this.deps.config;
    const hint = runnable.loaded.check.recipe?.schedule;
    return {
      recipePath: runnable.loaded.file,
      recipeHash: snapshot.hash,
      followSource: draft.followSource,
      params: runnable.params,
      timeoutMs: draft.timeoutMs ?? run.timeoutMs,
      retryPolicy:
        draft.retries === null ? run.retryPolicy : withRetries(DEFAULT_RETRY_POLICY, draft.retries),
      cwd: draft.cwd === null ? (hint?.working_directory ?? null) : resolve(baseDir, draft.cwd),
      // The recipe's own `schedule` block (Goose desktop's extension) can ask for foreground too.
      mode:
        draft.mode === ExecutionMode.foreground || hint?.foreground
          ? ExecutionMode.foreground
          : ExecutionMode.background,
      fallbackToBackground: hint?.fallback_to_background ?? true,
    };
  }

  private entryOf(action: ScheduleAction): string {
    return join(this.deps.recipesDir, action.recipeHash, basename(action.recipePath));
  }

  /** --follow-source: snapshot the file as it is now; if it is gone or broken, say so and run the snapshot. */
  private refreshSnapshot(schedule: Schedule): { hash: string; entry: string } {
    const { action } = schedule;
    try {
      const runnable = this.deps.recipes.loadRunnable(action.recipePath, action.params);
      const snapshot = this.deps.recipes.snapshot(runnable);
      return { hash: snapshot.hash, entry: snapshot.entry };
    } catch (err) {
      const snapshot = action.recipeHash.slice(0, 12);
      this.deps.warn(
        `schedule ${schedule.id}: --follow-source could not re-read the recipe (${(err as Error).message}); running the snapshot ${snapshot}`,
        { scheduleId: schedule.id, recipe: action.recipePath, snapshot },
      );
      return { hash: action.recipeHash, entry: this.entryOf(action) };
    }
  }

  private async stopOthers(active: readonly Run[], how: 'cancel' | 'terminate'): Promise<void> {
    const reason = `overlap policy ${how === 'cancel' ? 'cancel_other' : 'terminate_other'} (trigger)`;
    await Promise.allSettled(active.map((r) => this.deps.engine.cancelRun(r.id, reason)));
  }
}
