import cronstrue from 'cronstrue';
import { encodeDecisionCursor } from './cursors.js';
import type { Attempt, Run, RunEvent } from '../domain/run.js';
import type { Schedule } from '../domain/schedule/model.js';
import type { OccurrenceRecord } from '../engines/ports.js';
import type { RecipeReport } from '../services/recipes.js';
import type { RunDetail } from '../services/runs.js';
import type { ScheduleDetail } from '../services/schedules.js';

/**
 * The `--json` shapes. They are part of goose-flow's interface (docs/cli.md, and the HTTP API's OpenAPI document): add fields,
 * never rename or remove them. Times are ISO-8601 UTC strings; durations are milliseconds.
 */
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const span = (from: number | null, to: number | null) =>
  from === null || to === null ? null : to - from;

export function runJson(run: Run) {
  return {
    id: run.id,
    kind: run.kind,
    /** A step's run: its pipeline run, step and fan-out item (null otherwise). */
    pipelineRun: run.parent
      ? { runId: run.parent.runId, step: run.parent.step, item: run.parent.item }
      : null,
    resumeOf: run.resumeOf,
    status: run.status,
    trigger: run.trigger,
    scheduleId: run.scheduleId,
    recipe: run.recipePath,
    recipeHash: run.recipeHash,
    params: run.params,
    createdAt: iso(run.createdAt),
    startedAt: iso(run.startedAt),
    endedAt: iso(run.endedAt),
    durationMs: span(run.startedAt, run.endedAt),
    attempts: run.attemptCount,
    sessionId: run.sessionId,
    exitCode: run.exitCode,
    error: run.error,
  };
}

export function attemptJson(a: Attempt) {
  return {
    number: a.number,
    status: a.status,
    pid: a.process?.pid ?? null,
    startedAt: iso(a.startedAt),
    endedAt: iso(a.endedAt),
    durationMs: span(a.startedAt, a.endedAt),
    deadlineAt: iso(a.deadlineAt),
    heartbeatAt: iso(a.heartbeatAt),
    exitCode: a.exitCode,
    signal: a.signal,
    failure: a.failure,
    log: { path: a.logPath, bytes: a.logBytes, truncated: a.logTruncated },
  };
}

export function eventJson(e: RunEvent) {
  return { seq: e.seq, at: iso(e.at), type: e.type, attempt: e.attempt, data: e.data };
}

export function runDetailJson(d: RunDetail & { stepRuns?: readonly Run[] }) {
  const { options } = d.run;
  return {
    ...runJson(d.run),
    options: {
      timeoutMs: options.timeoutMs,
      graceMs: options.graceMs,
      cwd: options.cwd,
      logCapBytes: options.logCapBytes,
      retryPolicy: {
        ...options.retryPolicy,
        nonRetryableErrorTypes: [...options.retryPolicy.nonRetryableErrorTypes],
      },
    },
    attempts: d.attempts.map(attemptJson),
    timeline: d.events.map(eventJson),
    /** The attempt running now, as its executor last reported it (Temporal: from its heartbeat). */
    live: d.live,
    /** What the run handed over (a step's output; a pipeline's outputs by step); null if none. */
    output: d.output ? d.output.value : null,
    pipeline: d.pipeline ? pipelineJson(d.pipeline, d.stepRuns ?? []) : null,
  };
}

/** A pipeline run's steps, each instance with its run's timing and attempts. */
export function pipelineJson(p: NonNullable<RunDetail['pipeline']>, stepRuns: readonly Run[]) {
  const runs = new Map(stepRuns.map((r) => [r.id, r]));
  return {
    name: p.name,
    steps: p.steps.map((s) => ({
      id: s.id,
      role: s.role,
      status: s.status,
      needs: [...s.needs],
      reason: s.reason,
      items: s.items,
      output: s.output ?? null,
      instances: s.instances.map((i) => {
        const run = i.runId ? runs.get(i.runId) : undefined;
        return {
          key: i.key,
          item: i.item,
          status: i.status,
          runId: i.runId,
          error: i.error,
          carriedFrom: i.carriedFrom,
          startedAt: iso(run?.startedAt ?? null),
          endedAt: iso(run?.endedAt ?? null),
          durationMs: run ? span(run.startedAt, run.endedAt) : null,
          attempts: run?.attemptCount ?? null,
        };
      }),
    })),
  };
}

/** The `--json` shape of a schedule (stable: fields are added, never renamed or removed). */
export function scheduleJson(s: Schedule, next: readonly number[] = []) {
  return {
    id: s.id,
    cron: s.spec.expression,
    timezone: s.spec.timezone,
    jitterMs: s.spec.jitterMs,
    start: iso(s.spec.startAt),
    end: iso(s.spec.endAt),
    overlap: s.policies.overlap,
    catchupWindowMs: s.policies.catchupWindowMs,
    catchup: s.policies.catchupLatestOnly ? ('latest' as const) : ('all' as const),
    pauseOnFailure: s.policies.pauseOnFailure,
    paused: s.state.paused,
    note: s.state.note,
    remainingActions: s.state.remainingActions,
    recipe: s.action.recipePath,
    recipeHash: s.action.recipeHash,
    followSource: s.action.followSource,
    params: s.action.params,
    timeoutMs: s.action.timeoutMs,
    maxAttempts: s.action.retryPolicy.maxAttempts,
    cwd: s.action.cwd,
    mode: s.action.mode,
    createdAt: iso(s.createdAt),
    updatedAt: iso(s.updatedAt),
    nextRuns: next.map((t) => iso(t)),
  };
}

export function occurrenceJson(o: OccurrenceRecord) {
  return {
    scheduledAt: iso(o.scheduledAt),
    source: o.source,
    decision: o.decision,
    runId: o.runId,
    decidedAt: iso(o.decidedAt),
    releasedAt: iso(o.releasedAt),
    detail: o.detail,
  };
}

export function scheduleDetailJson(d: ScheduleDetail) {
  return {
    ...scheduleJson(d.schedule, d.next),
    description: describeCron(d.schedule.spec.expression),
    waiting: d.waiting,
    recentRuns: d.recentRuns.map(runJson),
    decisions: d.decisions.map(occurrenceJson),
    /** The next, older page of decisions (`?before=` / `--before`); null when there is none. */
    moreDecisions: d.moreDecisions ? encodeDecisionCursor(d.moreDecisions) : null,
    /** Totals the engine keeps (Temporal); null on the embedded engine, which lists every decision. */
    counts: d.counts,
  };
}

export function describeCron(expression: string): string {
  const every = /^@every\s+(.+)$/.exec(expression.trim());
  if (every) return `Every ${every[1]}`;
  try {
    return cronstrue.toString(expression, { use24HourTimeFormat: true });
  } catch {
    return expression;
  }
}

/** `recipe validate --json` and `POST /recipes/validate` answer with this shape. */
export function verdictJson(report: RecipeReport) {
  const problem = (p: RecipeReport['errors'][number]) => ({
    ...p,
    allowed: p.allowed ? [...p.allowed] : undefined,
  });
  return {
    ...report,
    headless: { ok: report.headless.ok, reasons: [...report.headless.reasons] },
    params: { ...report.params },
    errors: report.errors.map(problem),
    warnings: report.warnings.map(problem),
  };
}

/** A time in the schedule's own zone, e.g. `2026-11-28 09:00:00 Europe/Berlin`. */
