/**
 * Drives a pipeline run: asks the planner what to start, starts each step instance as a run of its
 * own (deterministic id, so a restarted driver finds it instead of starting it again), waits for
 * one to settle, takes its output, and asks again — until the planner says the pipeline ended.
 * Everything it decides from is in the store, so a `kill -9` loses nothing: the next daemon
 * claims the pipeline run, its steps' runs are re-adopted on their own, and planning resumes.
 */
import type { Run } from '../../domain/run.js';
import { EventType } from '../../domain/run.js';
import { isTerminal, RunStatus } from '../../domain/run-status.js';
import {
  StepStatus,
  stepRunId,
  type CompiledPipeline,
  type StepRecipe,
  type StepResult,
} from '../../domain/pipeline/model.js';
import { isEnded, planPipeline, standing, type StartStep } from '../../domain/pipeline/plan.js';
import { withRetries } from '../../domain/retry-policy.js';
import type { Clock, NewRun, RunStore } from '../ports.js';
import type { PipelineDetail, RunObserver } from '../contract.js';

export interface PipelineDeps {
  readonly store: RunStore;
  readonly clock: Clock;
  /** The compiled pipeline a pipeline run executes (from its snapshot, or its parent's). */
  readonly pipelineOf: (run: Run) => CompiledPipeline;
  /** The recipe files a step runs, snapshotted from the pipeline's snapshot. */
  readonly stepSource: (
    run: Run,
    recipe: StepRecipe,
  ) => { recipePath: string; recipeHash: string; recipeEntry: string };
  /** A succeeded step run's output, from its log; a reason when there is none to hand over. */
  readonly outputOf: (
    run: Run,
    kind: 'json' | 'text',
  ) => { ok: true; value: unknown } | { ok: false; reason: string };
  /** Creates (unless it exists) and drives a step's run in this process; resolves when it settles. */
  readonly startStep: (run: Omit<NewRun, 'owner'>, observer?: RunObserver) => Promise<Run>;
  /** Waits for a run this process may not drive (a re-adopted step) to settle. */
  readonly waitRun: (runId: string) => Promise<Run>;
  readonly cancelRun: (runId: string, reason: string) => Promise<void>;
}

/** How often a waiting pipeline looks for a kill request or its deadline. */
const POLL_MS = 250;

export class PipelineDriver {
  private readonly wakers = new Map<string, AbortController>();
  /** Step runs that succeeded but left no output to hand over, and why. */
  private readonly unreadable = new Map<string, string>();

  constructor(private readonly deps: PipelineDeps) {}

  /** Wakes a waiting pipeline run (a kill request arrived). */
  interrupt(runId: string): void {
    this.wakers.get(runId)?.abort();
  }

  isDriving(runId: string): boolean {
    return this.wakers.has(runId);
  }

  /** How the run's steps stand now; what the planner would start next shows as waiting. */
  view(run: Run): PipelineDetail {
    const pipeline = this.deps.pipelineOf(run);
    const stopping = isTerminal(run.status) ? null : this.stopping(run, pipeline);
    const plan = planPipeline({
      pipeline,
      params: run.params,
      results: this.results(run, pipeline),
      stopping,
    });
    const steps = standing(plan);
    return { name: pipeline.name, steps };
  }

  async drive(runId: string, observer: RunObserver = {}): Promise<Run> {
    const { store } = this.deps;
    let run = store.getRun(runId)!;
    if (isTerminal(run.status)) return run;
    let pipeline: CompiledPipeline;
    try {
      pipeline = this.deps.pipelineOf(run);
    } catch (err) {
      return this.settle(run, 'failed', `the pipeline cannot run: ${(err as Error).message}`, {});
    }
    if (run.status !== RunStatus.running)
      store.transition(
        run.id,
        RunStatus.running,
        { startedAt: this.deps.clock.now() },
        {
          type: EventType.pipelineStarted,
          data: { pipeline: pipeline.name, steps: pipeline.steps.length },
        },
      );
    const waiting = new Map<string, Promise<Run>>();
    const cancelled = new Set<string>();
    try {
      for (;;) {
        run = store.getRun(runId)!;
        const stopping = this.stopping(run, pipeline);
        const results = this.results(run, pipeline);
        const plan = planPipeline({ pipeline, params: run.params, results, stopping });
        if (stopping) await this.cancelSteps(pipeline, results, cancelled, stopping);
        for (const start of plan.start) {
          const id = stepRunId(run.id, start.step.id, start.item);
          if (!waiting.has(id)) waiting.set(id, this.start(run, start, id, observer));
        }
        for (const r of results.values())
          if (r.status === StepStatus.running && !waiting.has(r.runId) && !r.carriedFrom)
            waiting.set(r.runId, this.deps.waitRun(r.runId));
        if (plan.outcome) {
          const { status, error } = plan.outcome;
          return this.settle(run, status, error, plan.output);
        }
        await this.next(run, pipeline, waiting);
      }
    } finally {
      this.wakers.delete(runId);
    }
  }

  private stopping(run: Run, pipeline: CompiledPipeline): null | 'cancelled' | 'timed_out' {
    if (run.cancelRequestedAt !== null) return 'cancelled';
    const start = run.startedAt ?? run.createdAt;
    if (pipeline.timeoutMs === null || this.deps.clock.now() < start + pipeline.timeoutMs)
      return null;
    return this.stepsEndedBy(run, pipeline, start + pipeline.timeoutMs) ? null : 'timed_out';
  }

  /**
   * Whether every step had ended by the deadline: the deadline is the steps', so a handler that is
   * still running when it passes (a slow hook) does not time the pipeline out.
   */
  private stepsEndedBy(run: Run, pipeline: CompiledPipeline, deadline: number): boolean {
    const plan = planPipeline({
      pipeline,
      params: run.params,
      results: this.results(run, pipeline),
      stopping: null,
    });
    if (plan.steps.some((s) => s.role === 'step' && !isEnded(s.status))) return false;
    const steps = new Set(pipeline.steps.map((s) => s.id));
    return this.deps.store
      .childRuns(run.id)
      .every((c) => !steps.has(c.parent!.step) || (c.endedAt !== null && c.endedAt <= deadline));
  }

  /** What the steps did so far: their runs (outputs taken once), and what a resume carried over. */
  results(run: Run, pipeline: CompiledPipeline): Map<string, StepResult> {
    const out = new Map<string, StepResult>();
    for (const c of this.deps.store.carried(run.id)) out.set(c.key, c);
    for (const child of this.deps.store.childRuns(run.id)) {
      const link = child.parent!;
      const key = link.item === null ? link.step : `${link.step}.${link.item}`;
      out.set(key, this.resultOf(child, key, pipeline));
    }
    return out;
  }

  private resultOf(child: Run, key: string, pipeline: CompiledPipeline): StepResult {
    const base = { key, runId: child.id, carriedFrom: null };
    if (!isTerminal(child.status)) return { ...base, status: StepStatus.running };
    if (child.status !== RunStatus.succeeded)
      return { ...base, status: child.status as StepStatus, error: child.error };
    const kept = this.deps.store.runOutput(child.id);
    if (kept) return { ...base, status: StepStatus.succeeded, output: kept.value };
    const unreadable = this.unreadable.get(child.id);
    if (unreadable) return { ...base, status: StepStatus.failed, error: unreadable };
    const step = [...pipeline.steps, ...pipeline.handlers].find((s) => s.id === child.parent!.step);
    const got = step
      ? this.deps.outputOf(child, step.recipe.output)
      : { ok: false as const, reason: `the pipeline has no step ${child.parent!.step}` };
    if (!got.ok) {
      // Read once: the log of an ended run does not change (the next loop must not read it again).
      if (this.unreadable.size > 10_000) this.unreadable.clear();
      this.unreadable.set(child.id, got.reason);
      return { ...base, status: StepStatus.failed, error: got.reason };
    }
    this.deps.store.saveOutput(child.id, got.value);
    return { ...base, status: StepStatus.succeeded, output: got.value };
  }

  private start(run: Run, start: StartStep, id: string, observer: RunObserver): Promise<Run> {
    const { step } = start;
    const options = {
      ...run.options,
      timeoutMs: step.timeoutMs ?? run.options.timeoutMs,
      retryPolicy:
        step.retries === null
          ? run.options.retryPolicy
          : withRetries(run.options.retryPolicy, step.retries),
    };
    this.deps.store.appendEvent(run.id, {
      type: EventType.stepStarted,
      data: { step: step.id, item: start.item, runId: id },
    });
    return this.deps.startStep(
      {
        id,
        kind: step.recipe.kind,
        parent: { runId: run.id, step: step.id, item: start.item },
        trigger: run.trigger,
        // The pipeline run is the schedule's run: its steps must not count as runs of the schedule
        // (overlap, buffered occurrences, pause on failure all follow the pipeline run).
        scheduleId: null,
        ...this.deps.stepSource(run, step.recipe),
        params: start.params,
        options,
      },
      observer.onOutput ? prefixed(observer, start.key) : undefined,
    );
  }

  /** Stops the running steps; handlers run on (they are what a cancel or a timeout calls). */
  private async cancelSteps(
    pipeline: CompiledPipeline,
    results: Map<string, StepResult>,
    done: Set<string>,
    why: 'cancelled' | 'timed_out',
  ): Promise<void> {
    const reason = why === 'cancelled' ? 'its pipeline was cancelled' : 'its pipeline timed out';
    const handlers = new Set(pipeline.handlers.map((h) => h.id));
    const stops: Promise<void>[] = [];
    for (const r of results.values()) {
      if (r.status !== StepStatus.running || done.has(r.runId) || r.carriedFrom) continue;
      if (handlers.has(r.key)) continue;
      done.add(r.runId);
      // Together: each may take its grace to stop, and a fan-out runs up to 100 at once.
      stops.push(this.deps.cancelRun(r.runId, reason).catch(() => undefined));
    }
    await Promise.all(stops);
  }

  /** Until a step settles, a kill request is made, or the pipeline's deadline passes. */
  private async next(run: Run, pipeline: CompiledPipeline, waiting: Map<string, Promise<Run>>) {
    const waker = new AbortController();
    this.wakers.set(run.id, waker);
    const settled = [...waiting.entries()].map(([id, p]) =>
      p.then(
        (r) => ({ id, r }),
        () => ({ id, r: null }),
      ),
    );
    const start = run.startedAt ?? run.createdAt;
    const deadline = pipeline.timeoutMs === null ? Infinity : start + pipeline.timeoutMs;
    // Until the deadline, wake at it; past it (handlers run on), poll as before it.
    const left = deadline - this.deps.clock.now();
    const poll = left > 0 ? Math.min(POLL_MS, left) : POLL_MS;
    const first = await Promise.race([
      ...settled,
      this.deps.clock.sleep(poll, waker.signal).then(
        () => null,
        () => null,
      ),
    ]);
    if (first) {
      waiting.delete(first.id);
      const step = first.r?.parent;
      if (step)
        this.deps.store.appendEvent(run.id, {
          type: EventType.stepEnded,
          data: { step: step.step, item: step.item, runId: first.id, status: first.r!.status },
        });
    }
  }

  private settle(
    run: Run,
    status: 'succeeded' | 'failed' | 'timed_out' | 'cancelled',
    error: string | null,
    output: Record<string, unknown>,
  ): Run {
    if (status === 'succeeded') this.deps.store.saveOutput(run.id, output);
    return this.deps.store.transition(
      run.id,
      status,
      { error },
      {
        type: EventType.completed,
        data: { status, ...(error ? { error } : {}) },
      },
    );
  }
}

/** A step's live output, each line prefixed with its step (parallel steps interleave by line). */
function prefixed(observer: RunObserver, key: string): RunObserver {
  let partial = '';
  const tag = `[${key}] `;
  return {
    onOutput(chunk) {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      if (lines.length) observer.onOutput?.(Buffer.from(lines.map((l) => tag + l + '\n').join('')));
    },
    onEvent(type, data) {
      if (type !== 'attempt_started' && partial) {
        observer.onOutput?.(Buffer.from(tag + partial + '\n'));
        partial = '';
      }
      observer.onEvent?.(type, { ...data, step: key });
    },
  };
}
