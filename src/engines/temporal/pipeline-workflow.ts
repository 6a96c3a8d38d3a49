/**
 * GoosePipelineWorkflow — a pipeline run on Temporal, driven as the embedded engine's
 * PipelineDriver drives it: ask the planner what to start, start each step instance as a child
 * workflow with a deterministic id (`<run>:<step>[.<item>]`), wait for one to end, and ask again
 * until the planner says the pipeline ended. The planner is a pure function of settled facts, so a
 * replay decides exactly what was decided before and no settled step starts again.
 *
 * Bundled with GooseJobWorkflow (re-exported by workflows.ts); deterministic code only.
 */
import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ChildWorkflowCancellationType,
  ChildWorkflowFailure,
  TerminatedFailure,
  TimeoutFailure,
  condition,
  isCancellation,
  proxyActivities,
  setHandler,
  sleep,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { StepStatus, type StepResult } from '../../domain/pipeline/model.js';
import { planPipeline, type Plan, type StartStep } from '../../domain/pipeline/plan.js';
import {
  PIPELINE_WORKFLOW_TYPE,
  WORKFLOW_TYPE,
  type GoosePipelineInput,
  type GoosePipelineResult,
  type PipelineSource,
  type RunMemo,
} from './names.js';
import {
  STEP_TIMED_OUT,
  startFailed,
  stepChild,
  stepResultOf,
  type ChildEnd,
} from './pipeline-steps.js';
import { toMemo } from './pipeline-memo.js';
import {
  killSignal,
  markSignal,
  setStatus,
  statusKey,
  triggerKey,
  type GooseJobActivities,
  type RunProgress,
} from './workflow-common.js';

type Stopping = null | 'cancelled' | 'timed_out';

const ENDED: readonly string[] = [
  StepStatus.succeeded,
  StepStatus.failed,
  StepStatus.timedOut,
  StepStatus.cancelled,
  StepStatus.skipped,
];

export async function GoosePipelineWorkflow(
  input: GoosePipelineInput,
): Promise<GoosePipelineResult> {
  // The reason lands in the history (the timeline reads it); the cancel request that follows acts.
  setHandler(killSignal, () => undefined);
  setHandler(markSignal, ({ trigger }) => {
    if (trigger === 'manual') upsertSearchAttributes([{ key: triggerKey, value: trigger }]);
  });
  setStatus('running');
  const run = new PipelineRun(input.followSource ? await refreshed(input) : input);
  // A cancel request stops the pipeline rather than aborting it: running steps are cancelled
  // (and waited for), then the `on_cancel` / `on_exit` handlers still run.
  CancellationScope.current().cancelRequested.catch(() => run.stop('cancelled'));
  return CancellationScope.nonCancellable(() => run.drive());
}

class PipelineRun {
  private readonly runId = workflowInfo().workflowId;
  private readonly memo: RunMemo;
  private readonly results: Map<string, StepResult>;
  /** Cancels a running step's child (its own scope), by instance key. */
  private readonly scopes = new Map<string, CancellationScope>();
  /** Step instances that ended since the last plan, in the order they ended. */
  private readonly ended: StepResult[] = [];
  private stopping: Stopping = null;
  /** Every main step has ended (what runs now, if anything, is a handler). */
  private stepsEnded = false;
  /** The stop whose running steps were cancelled already. */
  private stopped: Stopping = null;
  private published = '';

  constructor(private readonly input: GoosePipelineInput) {
    this.memo = (workflowInfo().memo?.goose as RunMemo | undefined) ?? memoOf(input);
    const carried = (input.resume?.carried ?? []).map((c) => [c.key, c] as const);
    this.results = new Map(carried);
  }

  /** A kill beats the pipeline's own timeout, as on the embedded engine. */
  stop(why: 'cancelled' | 'timed_out'): void {
    if (this.stopping !== 'cancelled') this.stopping = why;
  }

  async drive(): Promise<GoosePipelineResult> {
    const { pipeline } = this.input;
    const timer = new CancellationScope();
    if (pipeline.timeoutMs !== null)
      void timer
        .run(() => sleep(pipeline.timeoutMs!))
        .then(
          // The deadline is the steps': once they have all ended, a handler (a hook) running past
          // it does not turn the pipeline's outcome into a timeout (as on the embedded engine).
          () => this.stepsEnded || this.stop('timed_out'),
          () => undefined,
        );
    for (;;) {
      const plan = planPipeline({
        pipeline,
        params: this.input.params,
        results: this.results,
        stopping: this.stopping,
      });
      if (this.stopping !== this.stopped) this.cancelRunning();
      if (plan.start.length > 0) {
        for (const start of plan.start) this.launch(start);
        continue;
      }
      this.publish(plan);
      this.stepsEnded = plan.steps.every((s) => s.role === 'handler' || ENDED.includes(s.status));
      if (plan.outcome) {
        timer.cancel();
        return this.finish(plan);
      }
      const seen = this.stopping;
      await condition(() => this.ended.length > 0 || this.stopping !== seen);
      for (const r of this.ended.splice(0)) this.results.set(r.key, r);
    }
  }

  /** Starts a step instance's child workflow in a scope of its own, so it can be cancelled alone. */
  private launch(start: StartStep): void {
    const child = stepChild(this.runId, this.input, this.memo, start);
    const { key } = start;
    this.results.set(key, {
      key,
      runId: child.workflowId,
      status: StepStatus.running,
      carriedFrom: null,
    });
    const scope = new CancellationScope();
    this.scopes.set(key, scope);
    const trigger = workflowInfo().typedSearchAttributes.get(triggerKey) ?? this.input.trigger;
    void scope
      .run(async () => {
        const handle = await startChild(
          child.kind === 'pipeline' ? PIPELINE_WORKFLOW_TYPE : WORKFLOW_TYPE,
          {
            workflowId: child.workflowId,
            args: [child.input],
            memo: { goose: { ...child.memo, trigger } },
            typedSearchAttributes: [
              { key: statusKey, value: 'pending' },
              { key: triggerKey, value: trigger },
            ],
            cancellationType: ChildWorkflowCancellationType.WAIT_CANCELLATION_COMPLETED,
          },
        );
        return handle.result();
      })
      .then(
        (result): ChildEnd => ({ how: 'completed', result }),
        (err: unknown) => childEnd(err),
      )
      .then((end) => {
        this.scopes.delete(key);
        this.ended.push(stepResultOf(key, child.workflowId, child.kind, end));
      });
  }

  /** Cancels the steps running now; handlers run on (they are what a cancel or a timeout calls). */
  private cancelRunning(): void {
    this.stopped = this.stopping;
    const handlers = new Set(this.input.pipeline.handlers.map((h) => h.id));
    for (const [key, scope] of this.scopes) {
      const r = this.results.get(key);
      if (r?.status === StepStatus.running && !r.carriedFrom && !handlers.has(key)) scope.cancel();
    }
  }

  /** The steps in the memo (only when they changed: each change is a history event). */
  private publish(plan: Plan): void {
    const memo = toMemo(this.runId, this.input.pipeline.name, plan.steps);
    const text = JSON.stringify(memo);
    if (text === this.published) return;
    this.published = text;
    upsertMemo({ pipeline: memo });
  }

  private finish(plan: Plan): GoosePipelineResult {
    const { status, error } = oversized(plan) ?? plan.outcome!;
    setStatus(status);
    const progress: RunProgress = { attempts: 0, exitCode: null, sessionId: null, error };
    upsertMemo({ progress });
    if (status === 'succeeded') return { output: plan.output };
    if (status === 'cancelled') throw new CancelledFailure(error ?? 'cancelled on request');
    throw ApplicationFailure.nonRetryable(
      error ?? `the pipeline ended ${status}`,
      status === 'timed_out' ? 'TimedOut' : 'PipelineFailed',
    );
  }
}

/** Temporal refuses a payload over 2 MB; a result near it would leave the run stuck, not ended. */
const MAX_RESULT_CHARS = 1_536 * 1024;

/** A succeeded pipeline whose outputs, together, are too large to be its workflow's result. */
function oversized(plan: Plan): { status: 'failed'; error: string } | null {
  if (plan.outcome?.status !== 'succeeded') return null;
  const size = JSON.stringify(plan.output).length;
  if (size <= MAX_RESULT_CHARS) return null;
  return {
    status: 'failed',
    error: `the pipeline's outputs are ${Math.round(size / 1024)} KB together; on Temporal a pipeline hands over at most ${MAX_RESULT_CHARS / 1024} KB (its result is one payload)`,
  };
}

/**
 * `--follow-source`: the pipeline as its file is now (read on a worker's host); the snapshot when
 * no worker can read it, as the embedded engine falls back to the schedule's snapshot.
 */
async function refreshed(input: GoosePipelineInput): Promise<GoosePipelineInput> {
  const { refreshPipeline } = proxyActivities<GooseJobActivities>({
    startToCloseTimeout: 60_000,
    retry: { maximumAttempts: 3 },
  });
  let fresh: PipelineSource | null = null;
  try {
    fresh = await refreshPipeline(input);
  } catch (err) {
    if (isCancellation(err)) throw err;
  }
  if (!fresh) return input;
  const memo = workflowInfo().memo?.goose as RunMemo | undefined;
  if (memo) upsertMemo({ goose: { ...memo, recipeHash: fresh.recipeHash } });
  return { ...input, ...fresh, followSource: false };
}

/** How a step's child ended, from the error its result rejected with (as its history says it). */
function childEnd(err: unknown): ChildEnd {
  const cause = err instanceof ChildWorkflowFailure ? err.cause : err;
  if (cause instanceof ApplicationFailure)
    return { how: 'failed', type: cause.type ?? null, message: cause.message };
  if (cause instanceof TerminatedFailure) return { how: 'cancelled', message: 'terminated' };
  if (cause instanceof TimeoutFailure) return { how: 'timed_out', message: STEP_TIMED_OUT };
  if (isCancellation(err)) return { how: 'cancelled', message: null };
  if ((err as Error | undefined)?.name === 'WorkflowExecutionAlreadyStartedError')
    return {
      how: 'failed',
      type: null,
      message: startFailed((err as { workflowId?: string }).workflowId ?? ''),
    };
  return {
    how: 'failed',
    type: null,
    message: (cause as Error | undefined)?.message ?? String(err),
  };
}

/** A pipeline started without goose-flow's memo (by hand): its definition from its input. */
function memoOf(input: GoosePipelineInput): RunMemo {
  const { options } = input;
  return {
    trigger: input.trigger as RunMemo['trigger'],
    scheduleId: input.scheduleId,
    recipePath: input.recipePath,
    recipeHash: input.recipeHash,
    params: input.params,
    options: {
      timeoutMs: options.timeoutMs,
      graceMs: options.graceMs,
      retryPolicy: options.retry,
      cwd: options.cwd ?? '',
      logCapBytes: options.logCapBytes,
    },
  };
}
