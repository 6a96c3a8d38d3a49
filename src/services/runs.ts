import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Config } from '../domain/config.js';
import type { Run, RunKind, RunOptions } from '../domain/run.js';
import type { RunQuery } from '../engines/ports.js';
import { RunTrigger } from '../domain/run.js';
import { ConflictError, EnvironmentError, NotFoundError, UsageError } from '../domain/errors.js';
import { isTerminal, RunStatus } from '../domain/run-status.js';
import { StepStatus, type StepResult } from '../domain/pipeline/model.js';
import type { RecipeProblem } from '../domain/recipe/index.js';
import type {
  CancelOutcome,
  Engine,
  RecoveryReport,
  RunDetail,
  RunObserver,
  ScheduleRunSummary,
  StartedRun,
} from '../engines/contract.js';
import type { RecipeService } from './recipes.js';

export interface RunRequest {
  readonly recipe: string;
  readonly params: Record<string, string>;
  readonly options: RunOptions;
}

export interface PreparedRun {
  readonly request: RunRequest;
  readonly recipeFile: string;
  readonly recipeHash: string;
  readonly recipeEntry: string;
  readonly kind: RunKind;
  readonly params: Readonly<Record<string, string>>;
  readonly warnings: readonly RecipeProblem[];
  /** `resume`: the pipeline run this one continues, and the steps it carries over. */
  readonly resume?: { readonly of: string; readonly carried: readonly StepResult[] };
}

export type { RunDetail, ScheduleRunSummary } from '../engines/contract.js';

/** How many step runs `show` reads at once. */
const STEP_READS_AT_ONCE = 16;

/** A sortable, typeable id: `r-20261127-040512-3fa9c1d2e7`. */
export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `r-${stamp}-${randomBytes(5).toString('hex')}`;
}

/** Run use cases, the same for every face. */
export class RunService {
  constructor(
    private readonly config: Config,
    private readonly engine: Engine,
    private readonly recipes: RecipeService,
    /** Throws when the executor cannot be found, before anything is written. */
    private readonly checkExecutor: () => void,
    /** The data dir's daemon, if one runs, and a way to tell it that runs wait. */
    private readonly daemon: { current(): { pid: number } | null; notify(): void },
  ) {}

  defaultOptions(): RunOptions {
    const { run } = this.config;
    return {
      timeoutMs: run.timeoutMs,
      graceMs: run.graceMs,
      retryPolicy: run.retryPolicy,
      cwd: `${this.config.dataDir}/work`,
      logCapBytes: run.logCapBytes,
    };
  }

  /** Validates everything a run needs and snapshots the recipe. Nothing about the run is stored yet. */
  prepare(request: RunRequest): PreparedRun {
    if (!existsSync(request.options.cwd)) {
      throw new UsageError(`working directory ${request.options.cwd} does not exist`, {
        cwd: request.options.cwd,
      });
    }
    const runnable = this.recipes.loadRunnable(request.recipe, request.params);
    this.checkExecutor();
    const snapshot = this.recipes.snapshot(runnable);
    return {
      request,
      recipeFile: runnable.loaded.file,
      recipeHash: snapshot.hash,
      recipeEntry: snapshot.entry,
      kind: runnable.loaded.pipeline ? 'pipeline' : 'recipe',
      params: runnable.params,
      warnings: runnable.warnings,
    };
  }

  start(prepared: PreparedRun, observer?: RunObserver): Promise<StartedRun> {
    return this.engine.startRun(this.newRun(prepared), observer);
  }

  /** `run --detach`: the run is recorded for the running daemon (or a Temporal worker), which drives it. */
  async handOff(prepared: PreparedRun): Promise<Run> {
    const daemon = this.daemon.current();
    if (!daemon && this.engine.name === 'embedded') {
      throw new EnvironmentError(
        'no_daemon',
        `--detach hands the run to \`goose-flow serve\`, but none runs on ${this.config.dataDir}; start one, or run without --detach`,
      );
    }
    const run = await this.engine.enqueueRun(this.newRun(prepared));
    this.daemon.notify();
    return run;
  }

  private newRun(prepared: PreparedRun) {
    return {
      id: newRunId(new Date()),
      kind: prepared.kind,
      resume: prepared.resume ?? null,
      trigger: RunTrigger.manual,
      scheduleId: null,
      recipePath: prepared.recipeFile,
      recipeHash: prepared.recipeHash,
      recipeEntry: prepared.recipeEntry,
      params: prepared.params,
      options: prepared.request.options,
    };
  }

  /**
   * `resume`: a new run of an ended pipeline run that did not succeed, with its snapshot, params
   * and options; the step instances that succeeded are carried over (outputs and all), not run.
   */
  async prepareResume(runId: string): Promise<PreparedRun> {
    const run = await this.get(runId);
    // A step's run first: resuming its pipeline run is what the caller needs to hear.
    if (run.parent)
      throw new UsageError(
        `run ${runId} is a step of pipeline run ${run.parent.runId}; resume that run`,
        { runId, parent: run.parent.runId },
      );
    if (run.kind !== 'pipeline')
      throw new UsageError(
        `run ${runId} ran a recipe; only a pipeline run can be resumed (run the recipe again instead)`,
        { runId },
      );
    if (!isTerminal(run.status) || run.status === RunStatus.succeeded)
      throw new ConflictError(
        'run_not_resumable',
        `run ${runId} is ${run.status}; only a failed, timed-out or cancelled pipeline run can be resumed`,
        { runId, status: run.status },
      );
    const results = await this.engine.pipelineResults(runId);
    const carried = results
      .filter((r) => r.status === StepStatus.succeeded)
      .map((r) => ({ ...r, carriedFrom: r.carriedFrom ?? runId }));
    const recipeEntry = this.recipes.snapshotEntry(run.recipeHash, run.recipePath);
    return {
      request: { recipe: run.recipePath, params: { ...run.params }, options: run.options },
      recipeFile: run.recipePath,
      recipeHash: run.recipeHash,
      recipeEntry,
      kind: 'pipeline',
      params: run.params,
      warnings: [],
      resume: { of: runId, carried },
    };
  }

  /** The recipe snapshot a run executed: its files, the entry first. */
  async recipeOf(runId: string): Promise<{
    run: Run;
    files: { path: string; content: string }[];
  }> {
    const run = await this.get(runId);
    return { run, files: this.recipes.snapshotFiles(run.recipeHash, run.recipePath) };
  }

  /**
   * An ad-hoc run that must not block its caller (the API): handed to the daemon or Temporal when
   * either drives runs, else started in this process; `settled` is then its end.
   */
  async launch(prepared: PreparedRun): Promise<{ run: Run; settled: Promise<Run> | null }> {
    if (this.engine.name === 'temporal' || this.daemon.current())
      return { run: await this.handOff(prepared), settled: null };
    const started = await this.start(prepared);
    return { run: started.run, settled: started.settled };
  }

  list(query: RunQuery): Promise<Run[]> {
    return this.engine.listRuns(query);
  }

  /** A run with its attempts and timeline; a pipeline run with the runs of its steps too. */
  async show(runId: string): Promise<RunDetail & { stepRuns: readonly Run[] }> {
    const detail = await this.engine.runDetail(runId);
    if (!detail) throw new NotFoundError('run', runId);
    const ids = (detail.pipeline?.steps ?? []).flatMap((s) =>
      s.instances.flatMap((i) => (i.runId ? [i.runId] : [])),
    );
    // A fan-out may have a thousand items: a few reads at a time (on Temporal each is an RPC).
    const stepRuns: Run[] = [];
    for (let i = 0; i < ids.length; i += STEP_READS_AT_ONCE) {
      const batch = ids.slice(i, i + STEP_READS_AT_ONCE).map((id) => this.engine.getRun(id));
      for (const r of await Promise.all(batch)) if (r) stepRuns.push(r);
    }
    return { ...detail, stepRuns };
  }

  async get(runId: string): Promise<Run> {
    const run = await this.engine.getRun(runId);
    if (!run) throw new NotFoundError('run', runId);
    return run;
  }

  async kill(runId: string, reason = 'goose-flow kill'): Promise<CancelOutcome> {
    await this.get(runId);
    return this.engine.cancelRun(runId, reason);
  }

  /** Cancels every run this process drives. */
  cancelAll(reason: string): Promise<void> {
    return this.engine.cancelAll(reason);
  }

  /** Per schedule: latest run, latest manual run, whether one has not ended (one query). */
  scheduleSummaries(): Promise<Map<string, ScheduleRunSummary>> {
    return this.engine.scheduleRunSummaries();
  }

  orphans(): Promise<Run[]> {
    return this.engine.orphanedRuns();
  }

  recover(): Promise<RecoveryReport> {
    return this.engine.recoverOrphans();
  }
}
