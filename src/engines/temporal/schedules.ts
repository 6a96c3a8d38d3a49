import {
  ScheduleNotFoundError,
  type ScheduleDescription,
  type ScheduleHandle,
  type ScheduleOptions,
  type ScheduleOverlapPolicy,
} from '@temporalio/client';
import { Decision, type OverlapPolicy, type Schedule } from '../../domain/schedule/model.js';
import { ConflictError } from '../../domain/errors.js';
import type {
  BackfillResult,
  RunTemplate,
  ScheduleBackend,
  ScheduleInsight,
  TriggerResult,
} from '../contract.js';
import type { Clock, NewSchedule, OccurrenceRecord, ScheduleChange } from '../ports.js';
import type { TemporalEngine } from './engine.js';
import { TEMPORAL_MIN_CATCHUP_MS, temporalSpecShape } from './spec-mapping.js';
import {
  MARK_SIGNAL,
  scheduleIdOf,
  temporalScheduleId,
  type GooseJobInput,
  type RecipeFile,
} from './names.js';

/**
 * The schedule as goose-flow defined it. Kept in the memo of the action (which `update` can
 * change; a schedule's own memo cannot be updated) — so every run it starts carries it too.
 */
interface ScheduleMemo {
  readonly spec: Schedule['spec'];
  readonly policies: Schedule['policies'];
  readonly action: Schedule['action'];
}

function definitionOf(desc: ScheduleDescription): ScheduleMemo | undefined {
  return desc.action.memo?.gooseSchedule as ScheduleMemo | undefined;
}

/** How long `trigger` waits to see what the server made of it (it answers in well under 1 s when idle). */
const TRIGGER_WAIT_MS = 20_000;

/** Schedules as Temporal Schedules (`goose-job-<id>`): the server fires them, even with no goose-flow running. */
export class TemporalSchedules implements ScheduleBackend {
  /** The SDK's update has no conflict token: this process applies one change at a time per schedule. */
  private readonly updating = new Map<string, Promise<unknown>>();

  constructor(
    private readonly engine: TemporalEngine,
    private readonly clock: Clock,
  ) {}

  private handle(id: string): ScheduleHandle {
    return this.engine.client.schedule.getHandle(temporalScheduleId(id));
  }

  // Changes made here move the engine's state version before and after (listing caches).
  create(schedules: readonly NewSchedule[], templates: readonly RunTemplate[]) {
    return this.engine.changing(() => this.createNow(schedules, templates));
  }

  update(id: string, change: ScheduleChange, template: RunTemplate | null) {
    return this.engine.changing(() => this.updateNow(id, change, template));
  }

  remove(id: string) {
    return this.engine.changing(() => this.removeNow(id));
  }

  trigger(schedule: Schedule, overlap?: OverlapPolicy) {
    return this.engine.changing(() => this.triggerNow(schedule, overlap));
  }

  backfill(
    schedule: Schedule,
    times: readonly number[],
    from: number,
    to: number,
    overlap?: OverlapPolicy,
  ) {
    return this.engine.changing(() => this.backfillNow(schedule, times, from, to, overlap));
  }

  private async createNow(
    schedules: readonly NewSchedule[],
    templates: readonly RunTemplate[],
  ): Promise<Schedule[]> {
    const created: string[] = [];
    try {
      for (const [i, schedule] of schedules.entries()) {
        await this.engine.client.schedule.create(this.optionsOf(schedule, templates[i]!));
        created.push(schedule.id);
      }
    } catch (err) {
      // All or none: take back what this call created.
      await Promise.allSettled(created.map((id) => this.handle(id).delete()));
      if ((err as { name?: string }).name === 'ScheduleAlreadyRunning')
        throw new ConflictError(
          'duplicate_schedule',
          `a schedule with id '${schedules[created.length]?.id}' already exists on Temporal`,
        );
      throw err;
    }
    return Promise.all(schedules.map(async (s) => (await this.get(s.id))!));
  }

  async get(id: string): Promise<Schedule | undefined> {
    const desc = await this.describe(id);
    return desc ? scheduleOf(id, desc) : undefined;
  }

  async list(): Promise<Schedule[]> {
    const ids: string[] = [];
    for await (const summary of this.engine.client.schedule.list({ pageSize: 1000 })) {
      const id = scheduleIdOf(summary.scheduleId);
      if (id && summary.memo?.goose) ids.push(id);
    }
    const found = await Promise.all(ids.map((id) => this.get(id)));
    return found
      .filter((s): s is Schedule => s !== undefined)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  private async updateNow(
    id: string,
    change: ScheduleChange,
    template: RunTemplate | null,
  ): Promise<Schedule> {
    await this.serialised(id, async () => {
      const handle = this.handle(id);
      const current = await this.get(id);
      if (!current) return;
      const defined = change.spec || change.policies || change.action;
      if (!defined && change.state) {
        if (
          change.state.paused !== current.state.paused ||
          change.state.note !== current.state.note
        ) {
          if (change.state.paused) await handle.pause(change.state.note ?? 'paused by goose-flow');
          else await handle.unpause(change.state.note ?? 'resumed by goose-flow');
        }
        if (change.state.remainingActions === current.state.remainingActions) return;
      }
      const next: NewSchedule = {
        id,
        spec: change.spec ?? current.spec,
        policies: change.policies ?? current.policies,
        state: change.state ?? current.state,
        action: change.action ?? current.action,
        decidedThrough: current.decidedThrough,
      };
      await handle.update((prev) => {
        const options = template
          ? this.optionsOf(next, template)
          : this.optionsOf(next, null, prev.action);
        return {
          spec: options.spec,
          action: options.action,
          policies: options.policies,
          state: {
            paused: options.state?.paused ?? false,
            ...(options.state?.note ? { note: options.state.note } : {}),
            ...(options.state?.remainingActions !== undefined
              ? { remainingActions: options.state.remainingActions }
              : {}),
          },
        };
      });
    });
    return (await this.get(id))!;
  }

  private async removeNow(id: string): Promise<boolean> {
    try {
      await this.handle(id).delete();
      return true;
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return false;
      throw err;
    }
  }

  async insight(schedule: Schedule, count: number): Promise<ScheduleInsight> {
    const desc = await this.handle(schedule.id).describe();
    const decisions: OccurrenceRecord[] = desc.info.recentActions
      .map((a) => ({
        scheduleId: schedule.id,
        scheduledAt: a.scheduledAt.getTime(),
        source: 'schedule' as const,
        decision: Decision.started,
        runId: a.action.workflow.workflowId,
        decidedAt: a.takenAt.getTime(),
        releasedAt: null,
        detail: {},
      }))
      .reverse();
    return {
      next: desc.info.nextActionTimes.slice(0, count).map((d) => d.getTime()),
      // Temporal keeps its last 10 actions and counts of the rest: nothing to page through.
      decisions,
      moreDecisions: null,
      waiting: Number(desc.raw.info?.bufferSize ?? 0),
      counts: {
        taken: desc.info.numActionsTaken,
        skippedOverlap: desc.info.numActionsSkippedOverlap,
        missedCatchup: desc.info.numActionsMissedCatchupWindow,
      },
    };
  }

  private async triggerNow(schedule: Schedule, overlap?: OverlapPolicy): Promise<TriggerResult> {
    const handle = this.handle(schedule.id);
    const policy = overlap ?? schedule.policies.overlap;
    const before = await handle.describe();
    const seen = new Set(before.info.recentActions.map((a) => a.action.workflow.workflowId));
    const running = before.info.runningActions.length;
    // Temporal names a run `<id>-<time to the second>`: a second start within the same second
    // would collide with the first, so a trigger waits for the next second when it has to.
    const last = before.info.recentActions.at(-1)?.takenAt.getTime() ?? 0;
    const now = this.clock.now();
    if (Math.floor(last / 1000) >= Math.floor(now / 1000))
      await this.clock.sleep(1000 - (now % 1000) + 5);
    // Always explicit: with none, Temporal's trigger allows overlap.
    await handle.trigger(temporalOverlap(policy));
    const deadline = this.clock.now() + TRIGGER_WAIT_MS;
    while (this.clock.now() < deadline) {
      const desc = await handle.describe();
      const fresh = desc.info.recentActions.find((a) => !seen.has(a.action.workflow.workflowId));
      if (fresh) {
        const id = fresh.action.workflow.workflowId;
        // Temporal starts it as one of the schedule's runs: mark it as the manual run it is.
        await this.engine.client.workflow
          .getHandle(id)
          .signal(MARK_SIGNAL, { trigger: 'manual' })
          .catch(() => undefined);
        const run = await this.engine.getRun(id);
        return {
          decision: Decision.started,
          run: run ? { ...run, trigger: 'manual' } : null,
          daemon: null,
          settled: null,
        };
      }
      if (
        running > 0 &&
        (policy === 'skip' || policy === 'buffer_one' || policy === 'buffer_all')
      ) {
        // Skipped or buffered by the server: it says so in its counters, not per trigger.
        const buffered = Number(desc.raw.info?.bufferSize ?? 0) > 0;
        if (
          policy === 'skip' &&
          desc.info.numActionsSkippedOverlap > before.info.numActionsSkippedOverlap
        )
          return { decision: Decision.skippedOverlap, run: null, daemon: null, settled: null };
        if (policy !== 'skip' && buffered)
          return { decision: Decision.buffered, run: null, daemon: null, settled: null };
      }
      await this.clock.sleep(100);
    }
    return {
      decision: policy === 'skip' ? Decision.skippedOverlap : Decision.buffered,
      run: null,
      daemon: null,
      settled: null,
    };
  }

  private async backfillNow(
    schedule: Schedule,
    times: readonly number[],
    from: number,
    to: number,
    overlap?: OverlapPolicy,
  ): Promise<BackfillResult> {
    await this.handle(schedule.id).backfill({
      start: new Date(from),
      end: new Date(to),
      overlap: temporalOverlap(overlap ?? schedule.policies.overlap),
    });
    return {
      decided: times.map((scheduledAt) => ({
        scheduledAt,
        decision: Decision.started,
        runId: null,
        already: false,
      })),
      daemon: null,
      settled: null,
      requestedOnServer: true,
    };
  }

  /** From a run template (a new action), or keeping the current action's input (`prev`). */
  optionsOf(
    schedule: NewSchedule,
    template: RunTemplate | null,
    prev?: ScheduleDescription['action'],
  ): ScheduleOptions {
    const shape = temporalSpecShape(schedule.spec.expression);
    // A pipeline template starts GoosePipelineWorkflow, its compiled pipeline in the input.
    const job = template
      ? this.engine.jobOf(template)
      : {
          type: prev!.workflowType,
          input: prev!.args![0] as ReturnType<TemporalEngine['jobOf']>['input'],
          memo: prev!.memo!.goose as ReturnType<TemporalEngine['jobOf']>['memo'],
        };
    const { type, input, memo } = job;
    const { spec, policies, state } = schedule;
    const definition: ScheduleMemo = { spec, policies, action: schedule.action };
    return {
      scheduleId: temporalScheduleId(schedule.id),
      spec: {
        ...(shape.kind === 'cron'
          ? { cronExpressions: [shape.cron] }
          : { intervals: [{ every: shape.everyMs }] }),
        timezone: spec.timezone,
        ...(spec.jitterMs > 0 ? { jitter: spec.jitterMs } : {}),
        ...(spec.startAt !== null ? { startAt: new Date(spec.startAt) } : {}),
        ...(spec.endAt !== null ? { endAt: new Date(spec.endAt - 1) } : {}),
      },
      action: {
        type: 'startWorkflow',
        workflowType: type,
        // Temporal appends the scheduled time: run ids are `<id>-<RFC 3339 time>`.
        workflowId: schedule.id,
        taskQueue: this.engine.target.taskQueue,
        args: [{ ...input, followSource: schedule.action.followSource }],
        memo: {
          goose: { ...memo, trigger: 'schedule', scheduleId: schedule.id },
          gooseSchedule: definition,
        },
        typedSearchAttributes: this.engine.searchAttributesOf({
          ...memo,
          trigger: 'schedule',
          scheduleId: schedule.id,
        }),
      },
      policies: {
        overlap: temporalOverlap(policies.overlap),
        catchupWindow: Math.max(policies.catchupWindowMs, TEMPORAL_MIN_CATCHUP_MS),
        pauseOnFailure: policies.pauseOnFailure,
      },
      state: {
        paused: state.paused,
        ...(state.note ? { note: state.note } : {}),
        ...(state.remainingActions !== null ? { remainingActions: state.remainingActions } : {}),
      },
      memo: { goose: 'goose-flow' },
    };
  }

  /** The snapshot a schedule's runs carry (entry first), for a host that lacks it on disk. */
  async recipeFilesOf(id: string): Promise<readonly RecipeFile[] | null> {
    const desc = await this.describe(id);
    const action = desc?.action as { args?: unknown[] } | undefined;
    const input = action?.args?.[0] as Partial<GooseJobInput> | undefined;
    return input?.recipeFiles ?? null;
  }

  private async describe(id: string): Promise<ScheduleDescription | undefined> {
    try {
      const desc = await this.handle(id).describe();
      return definitionOf(desc) ? desc : undefined;
    } catch (err) {
      if (err instanceof ScheduleNotFoundError) return undefined;
      throw err;
    }
  }

  private async serialised<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prior = this.updating.get(id) ?? Promise.resolve();
    const next = prior.catch(() => undefined).then(fn);
    this.updating.set(id, next);
    try {
      return await next;
    } finally {
      if (this.updating.get(id) === next) this.updating.delete(id);
    }
  }
}

export function temporalOverlap(policy: OverlapPolicy): ScheduleOverlapPolicy {
  return policy.toUpperCase() as ScheduleOverlapPolicy;
}

function scheduleOf(id: string, desc: ScheduleDescription): Schedule {
  const memo = definitionOf(desc)!;
  const createdAt = desc.info.createdAt.getTime();
  const next = desc.info.nextActionTimes[0]?.getTime() ?? null;
  return {
    id,
    spec: memo.spec,
    policies: memo.policies,
    state: {
      paused: desc.state.paused,
      note: desc.state.note || null,
      remainingActions: limited(desc),
    },
    action: memo.action,
    createdAt,
    updatedAt: desc.info.lastUpdatedAt?.getTime() ?? createdAt,
    decidedThrough: createdAt,
    next: next === null ? null : { scheduledAt: next, fireAt: next },
  };
}

/** Temporal reports 0 remaining actions for an unlimited schedule: `limitedActions` tells them apart. */
function limited(desc: ScheduleDescription): number | null {
  const raw = desc.raw.schedule?.state;
  return raw?.limitedActions ? Number(raw.remainingActions ?? 0) : null;
}
