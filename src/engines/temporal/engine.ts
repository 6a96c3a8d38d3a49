import { MAX_PIPELINE_DEPTH, type StepResult } from '../../domain/pipeline/model.js';
import { resolve } from 'node:path';
import { WorkflowNotFoundError, type WorkflowExecutionDescription } from '@temporalio/client';
import type { Run } from '../../domain/run.js';
import { RunStatus, isTerminal } from '../../domain/run-status.js';
import { ConflictError, NotFoundError, UsageError } from '../../domain/errors.js';
import type {
  CancelOutcome,
  Engine,
  RecoveryReport,
  RunDetail,
  RunObserver,
  ScheduleBackend,
  ScheduleRunSummary,
  StartedRun,
} from '../contract.js';
import type { Clock, NewRun, RunQuery } from '../ports.js';
import type { TemporalLink } from './connection.js';
import { buildTimeline } from './history.js';
import {
  KILL_SIGNAL,
  PIPELINE_WORKFLOW_TYPE,
  RUN_WORKFLOW_TYPES,
  SearchAttribute,
  WORKFLOW_TYPE,
  type GooseJobInput,
  type GoosePipelineInput,
  type RecipeFile,
  type RunMemo,
} from './names.js';
import {
  RUN_TYPES_CLAUSE,
  quote,
  runFromInfo,
  runOf,
  saKeys,
  statusClause,
  statusOf,
} from './run-info.js';
import {
  pipelineDetail,
  pipelineInput,
  pipelineResults,
  type PipelineSources,
} from './pipeline-runs.js';
import type { PipelineMemo } from './pipeline-memo.js';
import { recipeDetail } from './run-detail.js';

export { saKeys, statusOf, type RunMemo };

export interface TemporalEngineDeps {
  readonly link: TemporalLink;
  readonly clock: Clock;
  readonly heartbeatMs: number;
  /** Every file of a snapshot, entry first (shipped in the workflow input). */
  readonly readSnapshot: (entry: string) => RecipeFile[];
  /** Runs whose attempt this process's worker executes right now (filled by its activities). */
  readonly executing?: ReadonlySet<string>;
  /**
   * This host's default working directory (`<data dir>/work`): a run that uses it is shipped with
   * none, and each worker uses its own host's default.
   */
  readonly hostDefaultCwd?: string;
  /** Where this engine's schedules live (Temporal Schedules, which start runs through the engine). */
  readonly schedulesFor: (engine: TemporalEngine) => ScheduleBackend;
  /** What a pipeline run ships: its compiled form, and the hashes of its steps' snapshots. */
  readonly pipelines: PipelineSources;
}

/** Payloads warn at 256 KB and fail at 2 MB: refuse a recipe that would come near. */
const MAX_RECIPE_BYTES = 200 * 1024;
const KILL_EXTRA_MS = 15_000;
/** A pipeline waits for its running steps to stop, each with its own grace (as on embedded). */
const PIPELINE_SETTLE_WAIT_MS = 60_000;

/** Runs as GooseJobWorkflow executions; state lives on the Temporal server, logs on worker disks. */
export class TemporalEngine implements Engine {
  readonly name = 'temporal' as const;
  readonly schedules: ScheduleBackend;

  /** Changes this process made (runs started or killed, schedules changed): part of the state version. */
  private writes = 0;

  /** Runs a change, moving the state version before and after it (no cache keeps a half-done view). */
  async changing<T>(change: () => Promise<T>): Promise<T> {
    this.writes++;
    try {
      return await change();
    } finally {
      this.writes++;
    }
  }

  constructor(private readonly deps: TemporalEngineDeps) {
    this.schedules = deps.schedulesFor(this);
  }

  /**
   * Temporal has no cheap global version: what this process changed, and the current second
   * (others' changes and the server's own — fired schedules — show within a second).
   */
  stateVersion(): string {
    return `t${this.writes}.${Math.floor(this.deps.clock.now() / 1000)}`;
  }

  get client() {
    return this.deps.link.client;
  }

  get target() {
    return this.deps.link.target;
  }

  /** The workflow type, input and memo of a run: everything a worker on any host needs. */
  jobOf(run: Omit<NewRun, 'owner' | 'id'>): {
    type: string;
    input: GooseJobInput | GoosePipelineInput;
    memo: RunMemo;
  } {
    const files = this.deps.readSnapshot(run.recipeEntry);
    const bytes = files.reduce((n, f) => n + Buffer.byteLength(f.content), 0);
    if (bytes > MAX_RECIPE_BYTES) {
      throw new UsageError(
        `the recipe and its sub-recipes are ${Math.round(bytes / 1024)} KB; the Temporal engine ships them in the workflow input, which allows at most ${MAX_RECIPE_BYTES / 1024} KB`,
        { recipe: run.recipePath },
      );
    }
    const { options } = run;
    const job: GooseJobInput = {
      scheduleId: run.scheduleId,
      trigger: run.trigger,
      recipePath: run.recipePath,
      recipeHash: run.recipeHash,
      recipeFiles: files,
      followSource: false,
      params: run.params,
      options: {
        timeoutMs: options.timeoutMs,
        graceMs: options.graceMs,
        heartbeatMs: this.deps.heartbeatMs,
        cwd:
          this.deps.hostDefaultCwd !== undefined &&
          resolve(options.cwd) === resolve(this.deps.hostDefaultCwd)
            ? null
            : options.cwd,
        logCapBytes: options.logCapBytes,
        retry: options.retryPolicy,
      },
    };
    const memo: RunMemo = {
      trigger: run.trigger,
      scheduleId: run.scheduleId,
      recipePath: run.recipePath,
      recipeHash: run.recipeHash,
      params: run.params,
      options,
      parent: run.parent ?? null,
      resumeOf: run.resume?.of ?? null,
    };
    if (run.kind !== 'pipeline') return { type: WORKFLOW_TYPE, input: job, memo };
    const input = pipelineInput(job, run, this.deps.pipelines);
    return { type: PIPELINE_WORKFLOW_TYPE, input, memo };
  }

  searchAttributesOf(memo: RunMemo) {
    return [
      ...(memo.scheduleId ? [{ key: saKeys.scheduleId, value: memo.scheduleId }] : []),
      { key: saKeys.status, value: RunStatus.pending },
      { key: saKeys.trigger, value: memo.trigger },
    ];
  }

  async startRun(newRun: Omit<NewRun, 'owner'>, observer?: RunObserver): Promise<StartedRun> {
    const run = await this.enqueueRun(newRun);
    void observer;
    const settled = this.waitClosed(run.id, Number.MAX_SAFE_INTEGER).then(
      async () => (await this.getRun(run.id)) ?? run,
    );
    // Nobody may wait for it (run --detach, a closing app): its rejection is not an unhandled one.
    settled.catch(() => undefined);
    return { run, settled };
  }

  enqueueRun(newRun: Omit<NewRun, 'owner'>): Promise<Run> {
    return this.changing(() => this.startWorkflow(newRun));
  }

  private async startWorkflow(newRun: Omit<NewRun, 'owner'>): Promise<Run> {
    const { type, input, memo } = this.jobOf(newRun);
    await this.client.workflow.start(type, {
      workflowId: newRun.id,
      taskQueue: this.target.taskQueue,
      args: [input],
      memo: { goose: memo },
      typedSearchAttributes: this.searchAttributesOf(memo),
    });
    const now = this.deps.clock.now();
    return runOf(newRun.id, newRun.kind, memo, RunStatus.pending, now, null);
  }

  cancelRun(runId: string, reason: string): Promise<CancelOutcome> {
    return this.changing(() => this.cancel(runId, reason));
  }

  private async cancel(runId: string, reason: string): Promise<CancelOutcome> {
    const before = await this.getRun(runId);
    if (!before) throw new NotFoundError('run', runId);
    if (isTerminal(before.status)) {
      throw new ConflictError('run_ended', `run ${runId} already ended as ${before.status}`, {
        runId,
        status: before.status,
      });
    }
    const handle = this.client.workflow.getHandle(runId);
    await handle.signal(KILL_SIGNAL, { reason }).catch(() => undefined);
    await handle.cancel();
    if (before.kind === 'pipeline') {
      // Its steps stop with their own grace, then its `on_cancel` handlers run: never terminated.
      await this.waitClosed(runId, PIPELINE_SETTLE_WAIT_MS);
      const run = (await this.getRun(runId)) ?? before;
      return { run, settled: isTerminal(run.status) };
    }
    // Graceful first: the activity learns of it on its next heartbeat and kills the tree
    // (TERM, grace, KILL). If the run has not closed by then, terminate it: the worker's next
    // heartbeat is refused and the activity kills the tree all the same.
    const limit = before.options.graceMs + this.deps.heartbeatMs + KILL_EXTRA_MS;
    const closed = await this.waitClosed(runId, limit);
    if (!closed)
      await handle
        .terminate(`${reason} (cancel did not finish within ${limit} ms)`)
        .catch(() => undefined);
    const run = (await this.getRun(runId)) ?? before;
    return { run, settled: isTerminal(run.status) };
  }

  async getRun(runId: string): Promise<Run | undefined> {
    const desc = await this.describe(runId);
    return desc ? this.fromDescription(desc) : undefined;
  }

  async listRuns(query: RunQuery): Promise<Run[]> {
    const limit = query.limit ?? 50;
    const clauses = [RUN_TYPES_CLAUSE];
    if (query.scheduleId)
      clauses.push(`${SearchAttribute.scheduleId} = '${quote(query.scheduleId)}'`);
    if (query.status) clauses.push(statusClause(query.status));
    if (query.trigger) clauses.push(`${SearchAttribute.trigger} = '${quote(query.trigger)}'`);
    if (query.since !== undefined)
      clauses.push(`StartTime >= '${new Date(query.since).toISOString()}'`);
    if (query.until !== undefined)
      clauses.push(`StartTime < '${new Date(query.until).toISOString()}'`);
    if (query.before)
      clauses.push(`StartTime < '${new Date(query.before.createdAt).toISOString()}'`);
    const runs: Run[] = [];
    for await (const info of this.client.workflow.list({
      query: clauses.join(' AND '),
      pageSize: Math.min(limit, 1000),
    })) {
      runs.push(runFromInfo(info));
      if (runs.length >= limit) break;
    }
    return runs.sort((a, b) => b.createdAt - a.createdAt);
  }

  async runDetail(runId: string): Promise<RunDetail | undefined> {
    const desc = await this.describe(runId);
    if (!desc) return undefined;
    const base = this.fromDescription(desc);
    const history = await this.client.workflow.getHandle(runId).fetchHistory();
    const timeline = buildTimeline(runId, history.events ?? [], base.options.timeoutMs);
    if (base.kind === 'pipeline') {
      const memo = desc.memo?.pipeline as PipelineMemo | undefined;
      return pipelineDetail(base, memo, history.events ?? [], timeline);
    }
    return recipeDetail(base, desc, history.events ?? [], timeline);
  }

  /** From visibility: the newest 1,000 runs of schedules, and every run not ended. */
  async scheduleRunSummaries(): Promise<Map<string, ScheduleRunSummary>> {
    const out = new Map<
      string,
      { lastRunAt: number | null; lastManualRunAt: number | null; active: boolean }
    >();
    const note = (run: Run) => {
      if (!run.scheduleId) return;
      const s = out.get(run.scheduleId) ?? {
        lastRunAt: null,
        lastManualRunAt: null,
        active: false,
      };
      s.lastRunAt = Math.max(s.lastRunAt ?? 0, run.createdAt);
      if (run.trigger === 'manual')
        s.lastManualRunAt = Math.max(s.lastManualRunAt ?? 0, run.createdAt);
      if (!isTerminal(run.status)) s.active = true;
      out.set(run.scheduleId, s);
    };
    for (const run of await this.listRuns({ limit: 1000 })) note(run);
    for (const status of [RunStatus.pending, RunStatus.running, RunStatus.retrying])
      for (const run of await this.listRuns({ status, limit: 1000 })) note(run);
    return out;
  }

  /** Read from the pipeline workflow's history: each child's end, its output in its result. */
  async pipelineResults(runId: string): Promise<StepResult[]> {
    const desc = await this.describe(runId);
    if (!desc) throw new NotFoundError('run', runId);
    const history = await this.client.workflow.getHandle(runId).fetchHistory();
    return pipelineResults(runId, history.events ?? []);
  }

  /** Temporal retries what a dead worker left (heartbeat timeout): nothing is orphaned here. */
  async orphanedRuns(): Promise<Run[]> {
    return [];
  }

  async recoverOrphans(): Promise<RecoveryReport> {
    return { adopted: [], retried: [], failed: [], resumed: [], claimed: [] };
  }

  /**
   * Cancels the runs this process's worker executes (as the embedded engine cancels the runs it
   * drives) and waits until they closed. Without this, stopping a worker cancels only its
   * attempts (trees killed) and Temporal retries the runs on another worker, or after a restart.
   */
  async cancelAll(reason: string): Promise<void> {
    // A step's run is cancelled through its pipeline (whose hooks then run), as the embedded
    // engine cancels the pipeline it drives.
    const tops = await Promise.all(
      [...(this.deps.executing ?? [])].map((runId) => this.topRunOf(runId)),
    );
    await Promise.allSettled([...new Set(tops)].map((runId) => this.cancelRun(runId, reason)));
  }

  /** The pipeline run a step's run belongs to, through every level; the run itself if none. */
  private async topRunOf(runId: string): Promise<string> {
    let id = runId;
    for (let depth = 0; depth <= MAX_PIPELINE_DEPTH; depth++) {
      const run = await this.getRun(id).catch(() => undefined);
      if (!run?.parent) return id;
      id = run.parent.runId;
    }
    return id;
  }

  private closed = false;

  async close(): Promise<void> {
    this.closed = true;
    await this.deps.link.connection.close();
  }

  /** How many workers poll the task queue for activities right now. */
  async workerCount(): Promise<number> {
    const { pollers } = await this.deps.link.connection.workflowService.describeTaskQueue({
      namespace: this.target.namespace,
      taskQueue: { name: this.target.taskQueue },
      taskQueueType: 2, // TASK_QUEUE_TYPE_ACTIVITY
    });
    return new Set((pollers ?? []).map((p) => p.identity)).size;
  }

  /** Polls until the run's workflow has closed, or `limitMs` passed; true when it closed. */
  private async waitClosed(runId: string, limitMs: number): Promise<boolean> {
    const deadline = this.deps.clock.now() + limitMs;
    for (;;) {
      if (this.closed)
        throw new Error(`the Temporal connection closed while waiting for run ${runId}`);
      const run = await this.getRun(runId);
      if (!run || isTerminal(run.status)) return true;
      if (this.deps.clock.now() >= deadline) return false;
      await this.deps.clock.sleep(200);
    }
  }

  private async describe(runId: string): Promise<WorkflowExecutionDescription | undefined> {
    try {
      const desc = await this.client.workflow.getHandle(runId).describe();
      return RUN_WORKFLOW_TYPES.includes(desc.type) ? desc : undefined;
    } catch (err) {
      if (
        err instanceof WorkflowNotFoundError ||
        (err as { name?: string }).name === 'WorkflowNotFoundError'
      )
        return undefined;
      throw err;
    }
  }

  private fromDescription(desc: WorkflowExecutionDescription): Run {
    return runFromInfo(desc);
  }
}
