import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { Config } from '../domain/config.js';
import type { ProcessIdentity, Run } from '../domain/run.js';
import { RunTrigger } from '../domain/run.js';
import { ConflictError, NotFoundError, UsageError } from '../domain/errors.js';
import { DEFAULT_RETRY_POLICY, withRetries } from '../domain/retry-policy.js';
import {
  ExecutionMode,
  type OverlapPolicy,
  type Schedule,
  type ScheduleAction,
} from '../domain/schedule/model.js';
import { compileSpec, SpecError, type ScheduleSpec } from '../domain/schedule/spec.js';
import type { ScheduleDraft } from '../domain/schedule/transfer-draft.js';
import type { Clock, NewRun, NewSchedule, OccurrenceSource, RunQuery } from '../engines/ports.js';
import type {
  BackfillResult,
  DecisionPage,
  RunTemplate,
  ScheduleBackend,
  ScheduleInsight,
  TriggerResult,
} from '../engines/contract.js';
import { nextTimes } from '../domain/schedule/next-fire.js';
import { ON_TIME_TOLERANCE_MS } from '../domain/schedule/policies.js';
import type { RecipeService } from './recipes.js';

export interface ScheduleServiceDeps {
  readonly config: Config;
  readonly backend: ScheduleBackend;
  readonly runs: { list(query: RunQuery): Promise<Run[]> };
  readonly recipes: RecipeService;
  readonly recipesDir: string;
  readonly clock: Clock;
  /** The data dir's living daemon (embedded engine), if one runs. */
  readonly daemon: () => (ProcessIdentity & { startedAt: number }) | null;
  readonly hostZone: string;
  /** Where a problem that does not stop the run is reported (stderr, or the daemon's log). */
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
  /** Refuses (throws) or warns about a schedule this engine would run differently. */
  readonly checkSchedule?: (schedule: NewSchedule) => string[];
  /** Writes a schedule's snapshot into this data dir when it is missing (created on another host). */
  readonly restoreSnapshot?: (schedule: Schedule) => Promise<void>;
}

export interface ScheduleDetail extends ScheduleInsight {
  readonly schedule: Schedule;
  readonly recentRuns: readonly Run[];
}

export type { BackfillResult, TriggerResult } from '../engines/contract.js';

export type { DraftProblem, SchedulePreview } from './schedule-preview.js';
import { checkDraftLimits, previewDraft, type SchedulePreview } from './schedule-preview.js';

/**
 * Goose names schedules in a free-text field ("Daily summary", "report (weekly)"): any 1–200
 * characters without path separators or control characters, and no spaces at either end.
 */
const ID = /^(?!\s)(?!.*\s$)[^/\\\p{Cc}]{1,200}$/u;
const MAX_BACKFILL = 1000;

/** Why a cron that compiles never fires: a year field in the past, or a date no calendar has. */
function neverFires(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  return fields.length === 7 && fields[6] !== '*'
    ? `cron '${expression}' never fires again: every year in its year field (${fields[6]}) has passed`
    : `cron '${expression}' never fires: no date matches it (e.g. 30 February)`;
}

/** Schedule use cases, the same for every face and engine. They work whether or not a daemon runs. */
export class ScheduleService {
  constructor(private readonly deps: ScheduleServiceDeps) {}

  async add(draft: ScheduleDraft, baseDir = process.cwd()): Promise<Schedule> {
    const [schedule] = await this.addAll([draft], baseDir, false);
    return schedule!;
  }

  /** Creates every schedule of a file, or none: all are validated (and snapshotted) first. */
  async addAll(
    drafts: readonly ScheduleDraft[],
    baseDir: string,
    name = true,
  ): Promise<Schedule[]> {
    const prepared: NewSchedule[] = [];
    for (const draft of drafts) {
      try {
        prepared.push(await this.prepare(draft, baseDir));
      } catch (err) {
        if (name && err instanceof Error) err.message = `schedule '${draft.id}': ${err.message}`;
        throw err;
      }
    }
    return this.deps.backend.create(
      prepared,
      prepared.map((p) => this.template(p)),
    );
  }

  private async prepare(draft: ScheduleDraft, baseDir: string): Promise<NewSchedule> {
    await this.checkNewId(draft.id);
    const schedule = {
      id: draft.id,
      ...(await this.definitionOf(draft, baseDir)),
      decidedThrough: this.deps.clock.now(),
    };
    this.check(schedule);
    return schedule;
  }

  private check(schedule: NewSchedule): void {
    for (const warning of this.warningsFor(schedule))
      this.deps.warn(`schedule ${schedule.id}: ${warning}`, { scheduleId: schedule.id });
  }

  /** What this engine would do differently than asked (refusals throw instead). */
  warningsFor(
    schedule: Pick<NewSchedule, 'id' | 'spec' | 'policies' | 'action' | 'state'>,
  ): string[] {
    const window = schedule.policies.catchupWindowMs;
    return [
      ...(window > 0 && window < ON_TIME_TOLERANCE_MS
        ? [
            `a catch-up window under 10 s acts as 10 s: an occurrence up to 10 s late is on time and starts (on both engines)`,
          ]
        : []),
      ...(this.deps.checkSchedule?.(schedule as NewSchedule) ?? []),
    ];
  }

  /**
   * Checks a draft as `add` would — id (when `checkId`), limits, spec, the engine's own limits,
   * the recipe (read, never snapshotted) — and previews its next fires. Nothing is written.
   */
  preview(draft: ScheduleDraft, options: { checkId: boolean }): Promise<SchedulePreview> {
    return previewDraft(
      {
        checkNewId: (id) => this.checkNewId(id),
        specOf: (d) => this.specOf(d),
        warningsFor: (schedule) => this.warningsFor(schedule),
        recipes: this.deps.recipes,
        now: this.deps.clock.now(),
      },
      draft,
      options,
    );
  }

  private async checkNewId(id: string): Promise<void> {
    if (!ID.test(id)) {
      throw new UsageError(
        `invalid schedule id '${id}': use 1–200 characters, no '/' or '\\', no control characters, no spaces at either end`,
        { id, field: 'id' },
      );
    }
    if (await this.deps.backend.get(id)) {
      throw new ConflictError('duplicate_schedule', `a schedule with id '${id}' already exists`, {
        id,
        field: 'id',
      });
    }
  }

  list(): Promise<Schedule[]> {
    return this.deps.backend.list();
  }

  async get(id: string): Promise<Schedule> {
    const schedule = await this.deps.backend.get(id);
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
    return nextTimes(schedule, 1, this.deps.clock.now())[0] ?? null;
  }

  /** The next `count` fire times (Temporal: as many as the server describes, up to `count`). */
  async upcoming(id: string, count: number): Promise<readonly number[]> {
    return (await this.deps.backend.insight(await this.get(id), count)).next;
  }

  async show(id: string, decisions?: DecisionPage): Promise<ScheduleDetail> {
    const schedule = await this.get(id);
    const [insight, recentRuns] = await Promise.all([
      this.deps.backend.insight(schedule, 5, decisions),
      this.deps.runs.list({ scheduleId: id, limit: 10 }),
    ]);
    return { schedule, ...insight, recentRuns };
  }

  /**
   * Replaces the fields a draft carries; the id stays. Occurrences already decided stay decided.
   * The recipe snapshot stays too, unless `reloadRecipe` (a recipe was given again, or another
   * one): changing a cron must not pick up whatever the recipe file holds by now.
   */
  async update(
    id: string,
    draft: ScheduleDraft,
    baseDir = process.cwd(),
    options: { reloadRecipe?: boolean } = {},
  ): Promise<Schedule> {
    const current = await this.get(id);
    const keep =
      !options.reloadRecipe &&
      !draft.followSource &&
      resolve(baseDir, draft.recipePath) === current.action.recipePath
        ? current.action
        : null;
    const change = await this.definitionOf(draft, baseDir, keep);
    this.check({ id, ...change, decidedThrough: this.deps.clock.now() });
    return this.deps.backend.update(id, change, this.template({ id, ...change }));
  }

  /** Everything a draft defines, validated: spec, policies, state, and the snapshotted action. */
  private async definitionOf(
    draft: ScheduleDraft,
    baseDir: string,
    keep: ScheduleAction | null = null,
  ) {
    checkDraftLimits(draft);
    return {
      spec: this.specOf(draft),
      policies: {
        overlap: draft.overlap,
        catchupWindowMs: draft.catchupWindowMs,
        catchupLatestOnly: draft.catchupLatestOnly,
        pauseOnFailure: draft.pauseOnFailure,
      },
      state: { paused: draft.paused, note: draft.note, remainingActions: draft.remainingActions },
      action: await this.actionOf(draft, baseDir, keep),
    };
  }

  async pause(id: string, note: string | null): Promise<Schedule> {
    const schedule = await this.get(id);
    return this.deps.backend.update(id, { state: { ...schedule.state, paused: true, note } }, null);
  }

  async resume(id: string, note: string | null): Promise<Schedule> {
    const schedule = await this.get(id);
    return this.deps.backend.update(
      id,
      { state: { ...schedule.state, paused: false, note } },
      null,
    );
  }

  async remove(id: string): Promise<void> {
    await this.get(id);
    await this.deps.backend.remove(id);
  }

  /** The living daemon of this data dir, if one runs. */
  daemon(): (ProcessIdentity & { startedAt: number }) | null {
    return this.deps.daemon();
  }

  /** Runs the schedule now, honouring the overlap policy given (default: the schedule's). */
  async trigger(id: string, overlap?: OverlapPolicy): Promise<TriggerResult> {
    return this.deps.backend.trigger(await this.get(id), overlap);
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
    const schedule = await this.get(id);
    if (!Number.isFinite(from) || !Number.isFinite(to))
      throw new UsageError('the backfill range needs a valid start and end time', { from, to });
    if (to < from)
      throw new UsageError(
        `the backfill range ends (${new Date(to).toISOString()}) before it starts (${new Date(from).toISOString()})`,
        { field: 'to' },
      );
    const times = compileSpec(schedule.spec).between(from - 1, to, MAX_BACKFILL + 1);
    if (times.length > MAX_BACKFILL) {
      throw new UsageError(
        `the range holds more than ${MAX_BACKFILL} occurrences; backfill a shorter range at a time`,
      );
    }
    return this.deps.backend.backfill(schedule, times, from, to, overlap);
  }

  /** What every occurrence of a schedule runs (the Temporal engine ships it in the workflow input). */
  private template(schedule: Pick<Schedule, 'id' | 'action'>): RunTemplate {
    const { id: _id, owner: _owner, ...rest } = this.runOf(schedule, '', 'schedule', null, false);
    return rest;
  }

  /** The run an occurrence starts: the snapshot (or, with follow-source, the file as it is now). */
  newRun(
    schedule: Schedule,
    id: string,
    source: OccurrenceSource,
    owner: ProcessIdentity | null,
  ): NewRun {
    return this.runOf(schedule, id, source, owner, true);
  }

  private runOf(
    schedule: Pick<Schedule, 'id' | 'action'>,
    id: string,
    source: OccurrenceSource,
    owner: ProcessIdentity | null,
    refresh: boolean,
  ): NewRun {
    const { action } = schedule;
    const recipe =
      action.followSource && refresh
        ? this.refreshSnapshot(schedule)
        : { hash: action.recipeHash, entry: this.entryOf(action) };
    return {
      id,
      kind: this.deps.recipes.kindOf(recipe.entry),
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
    const now = this.deps.clock.now();
    // A schedule that can never fire again would sit there, doing nothing: refuse it with why.
    if (spec.endAt !== null && spec.endAt <= now)
      throw new SpecError(
        `end ${new Date(spec.endAt).toISOString()} has passed: the schedule would never fire (give a later end, or none)`,
        'end',
        new Date(spec.endAt).toISOString(),
      );
    if (compileSpec({ ...spec, startAt: null, endAt: null }).next(now) === null)
      throw new SpecError(neverFires(spec.expression), 'expression', spec.expression);
    if (compileSpec(spec).next(now) === null)
      throw new SpecError(
        `cron '${spec.expression}' fires no time between its start and end: the schedule would never fire`,
        'end',
        spec.expression,
      );
    return spec;
  }

  /**
   * Validates the recipe for a headless run with the schedule's params, and snapshots it — or,
   * with `keep`, validates the snapshot the schedule has and keeps it.
   */
  private async actionOf(
    draft: ScheduleDraft,
    baseDir: string,
    keep: ScheduleAction | null,
  ): Promise<ScheduleAction> {
    const recipePath = resolve(baseDir, draft.recipePath);
    const runnable = await this.deps.recipes.loadRunnableChecked(
      keep ? this.entryOf(keep) : recipePath,
      draft.params,
    );
    const snapshot = keep ? { hash: keep.recipeHash } : this.deps.recipes.snapshot(runnable);
    const { run } = this.deps.config;
    const hint = runnable.loaded.check.recipe?.schedule;
    return {
      recipePath: keep ? keep.recipePath : runnable.loaded.file,
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

  /** The recipe snapshot the schedule runs (restored on this host if another made it): entry first. */
  async recipeOf(id: string): Promise<{
    schedule: Schedule;
    files: { path: string; content: string }[];
  }> {
    const schedule = await this.get(id);
    if (!existsSync(this.entryOf(schedule.action))) await this.deps.restoreSnapshot?.(schedule);
    const { recipeHash, recipePath } = schedule.action;
    return { schedule, files: this.deps.recipes.snapshotFiles(recipeHash, recipePath) };
  }

  /**
   * The recipe file the schedule's runs execute, on this host: its managed snapshot (restored here
   * if another host made it), or with --follow-source the source file each run re-reads.
   */
  async recipeFileOf(schedule: Schedule): Promise<string> {
    if (schedule.action.followSource) return schedule.action.recipePath;
    const entry = this.entryOf(schedule.action);
    if (!existsSync(entry)) await this.deps.restoreSnapshot?.(schedule);
    return entry;
  }

  private entryOf(action: ScheduleAction): string {
    return join(this.deps.recipesDir, action.recipeHash, basename(action.recipePath));
  }

  /** --follow-source: snapshot the file as it is now; if it is gone or broken, say so and run the snapshot. */
  private refreshSnapshot(schedule: Pick<Schedule, 'id' | 'action'>): {
    hash: string;
    entry: string;
  } {
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
}
