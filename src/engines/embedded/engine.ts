import type { Attempt, ProcessIdentity, Run } from '../../domain/run.js';
import { EventType } from '../../domain/run.js';
import { isTerminal, RunStatus } from '../../domain/run-status.js';
import { ConflictError, NotFoundError } from '../../domain/errors.js';
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
import type { AttemptRecords, NewRun, RunQuery } from '../ports.js';
import type { StepResult } from '../../domain/pipeline/model.js';
import { RunDriver, type DriverDeps } from './run-driver.js';
import { PipelineDriver, type PipelineDeps } from './pipeline-driver.js';
import { claimOrphan, findOrphans, type OrphanPolicy } from './recovery.js';

export interface EmbeddedEngineDeps extends DriverDeps {
  readonly isAlive: (identity: ProcessIdentity) => boolean;
  readonly orphans: OrphanPolicy;
  readonly attempts: AttemptRecords;
  /** Where this engine's schedules live (they need the engine to start their runs). */
  readonly schedulesFor: (engine: EmbeddedEngine) => ScheduleBackend;
  /** What a pipeline run needs beyond the store: its compiled form, step sources, outputs. */
  readonly pipelines: Pick<PipelineDeps, 'pipelineOf' | 'stepSource' | 'outputOf'>;
}

/** A run recovery claimed: resume it, watching `adopt` first when its attempt still lives. */
export interface ClaimedRun {
  readonly runId: string;
  readonly adopt?: Attempt;
}

/** How long `cancelRun` waits for another process's run to settle after its tree was killed. */
const SETTLE_WAIT_EXTRA_MS = 3_000;
const PIPELINE_SETTLE_WAIT_MS = 60_000;

/** One process, one SQLite file: runs are driven in this process by the RunDriver. */
export class EmbeddedEngine implements Engine {
  readonly name = 'embedded' as const;
  private readonly driver: RunDriver;
  private readonly pipelines: PipelineDriver;
  /** Runs this process drives, by id, until they settle. */
  private readonly driving = new Map<string, Promise<Run>>();

  readonly schedules: ScheduleBackend;

  constructor(private readonly deps: EmbeddedEngineDeps) {
    this.driver = new RunDriver(deps);
    this.pipelines = new PipelineDriver({
      ...deps.pipelines,
      store: deps.store,
      clock: deps.clock,
      startStep: (run, observer) => this.startStep(run, observer),
      waitRun: (id) => this.driving.get(id) ?? this.waitSettled(id, Infinity),
      cancelRun: async (id, reason) => {
        await this.cancelRun(id, reason).catch(() => undefined);
      },
    });
    this.schedules = deps.schedulesFor(this);
  }

  async startRun(newRun: Omit<NewRun, 'owner'>, observer?: RunObserver): Promise<StartedRun> {
    const run = this.deps.store.createRun({ ...newRun, owner: this.deps.self });
    // Drive from the next tick, so the caller learns the run id before the first attempt starts.
    const settled = Promise.resolve().then(() => this.drive(run, observer));
    return { run, settled: this.track(run.id, settled) };
  }

  /** A pipeline's step: its run is created unless a driver before a restart created it already. */
  private startStep(newRun: Omit<NewRun, 'owner'>, observer?: RunObserver): Promise<Run> {
    const existing = this.deps.store.getRun(newRun.id);
    if (existing) return this.driving.get(existing.id) ?? this.waitSettled(existing.id, Infinity);
    const run = this.deps.store.createRun({ ...newRun, owner: this.deps.self });
    return this.track(
      run.id,
      Promise.resolve().then(() => this.drive(run, observer)),
    );
  }

  private drive(run: Run, observer?: RunObserver, adopt?: Attempt): Promise<Run> {
    return run.kind === 'pipeline'
      ? this.pipelines.drive(run.id, observer)
      : this.driver.drive(run.id, observer, adopt);
  }

  async enqueueRun(newRun: Omit<NewRun, 'owner'>): Promise<Run> {
    return this.deps.store.createRun({ ...newRun, owner: null });
  }

  /** Drives a run already in the store and owned by this process (e.g. queued by the scheduler). */
  driveRun(runId: string, observer?: RunObserver, adopt?: Attempt): Promise<Run> {
    const existing = this.driving.get(runId);
    return existing ?? this.track(runId, this.drive(this.mustGet(runId), observer, adopt));
  }

  async cancelRun(runId: string, reason: string): Promise<CancelOutcome> {
    const before = this.mustGet(runId);
    if (isTerminal(before.status)) {
      throw new ConflictError('run_ended', `run ${runId} already ended as ${before.status}`, {
        runId,
        status: before.status,
      });
    }
    this.deps.store.requestCancel(runId, reason);
    if (this.pipelines.isDriving(runId)) {
      this.pipelines.interrupt(runId);
    } else if (this.driver.isDriving(runId)) {
      await this.driver.interrupt(runId);
    } else {
      // Waiting for a slot, or between attempts: no process to stop, so no grace to wait. The
      // run ends here and now; whoever would have driven it finds it ended.
      const idle = this.deps.store.cancelIdle(runId, reason);
      if (idle) return { run: idle, settled: true };
      await this.killElsewhere(runId);
    }
    // A pipeline waits for its running steps to stop, each with its own grace.
    const limit =
      before.kind === 'pipeline'
        ? PIPELINE_SETTLE_WAIT_MS
        : before.options.graceMs + SETTLE_WAIT_EXTRA_MS;
    const own = this.driving.get(runId);
    const run = own ? await own : await this.waitSettled(runId, limit);
    return { run, settled: isTerminal(run.status) };
  }

  async getRun(runId: string): Promise<Run | undefined> {
    return this.deps.store.getRun(runId);
  }

  async listRuns(query: RunQuery): Promise<Run[]> {
    return this.deps.store.listRuns(query);
  }

  async runDetail(runId: string): Promise<RunDetail | undefined> {
    const run = this.deps.store.getRun(runId);
    if (!run) return undefined;
    const attempts = this.deps.store.attempts(runId);
    const current = isTerminal(run.status) ? undefined : attempts.at(-1);
    const live = current
      ? {
          attempt: current.number,
          host: null,
          pid: current.process?.pid ?? null,
          sessionId: run.sessionId,
          logPath: current.logPath,
          tail: null,
        }
      : null;
    return {
      run,
      attempts,
      events: this.deps.store.events(runId),
      live,
      pipeline: run.kind === 'pipeline' ? this.pipelineView(run) : null,
      output: this.deps.store.runOutput(runId) ?? null,
    };
  }

  private pipelineView(run: Run): RunDetail['pipeline'] {
    try {
      return this.pipelines.view(run);
    } catch {
      // Its snapshot is gone (pruned) or damaged: the runs of its steps still show.
      return null;
    }
  }

  async scheduleRunSummaries(): Promise<Map<string, ScheduleRunSummary>> {
    return this.deps.store.scheduleRunSummaries();
  }

  async orphanedRuns(): Promise<Run[]> {
    return this.findOrphans();
  }

  /** Synchronous, for the callers in this process that hold the store already. */
  findOrphans(): Run[] {
    return findOrphans({ ...this.deps, now: () => this.deps.clock.now() });
  }

  async recoverOrphans(): Promise<RecoveryReport> {
    const { report, claimed } = await this.claimOrphans();
    await Promise.all(claimed.map((c) => this.driveRun(c.runId, {}, c.adopt)));
    return report;
  }

  /**
   * Claims orphaned runs and settles their last attempt, without driving them: the caller does
   * (the daemon through its dispatcher, so recovered runs count against its concurrency limit).
   */
  async claimOrphans(): Promise<{ report: RecoveryReport; claimed: ClaimedRun[] }> {
    const report = {
      adopted: [] as string[],
      retried: [] as string[],
      failed: [] as string[],
      resumed: [] as string[],
      claimed: [] as string[],
    };
    const claimed: ClaimedRun[] = [];
    for (const orphan of this.findOrphans()) {
      const resumption = await claimOrphan(
        { ...this.deps, now: () => this.deps.clock.now() },
        orphan,
      );
      if (!resumption) continue;
      if (resumption.kind === 'settled') report.failed.push(orphan.id);
      if (resumption.kind === 'adopt') report.adopted.push(orphan.id);
      if (resumption.kind === 'continue') {
        const list =
          orphan.owner === null
            ? report.claimed
            : orphan.status === RunStatus.running
              ? report.retried
              : report.resumed;
        list.push(orphan.id);
      }
      if (resumption.kind === 'adopt')
        claimed.push({ runId: orphan.id, adopt: resumption.attempt });
      if (resumption.kind === 'continue') claimed.push({ runId: orphan.id });
    }
    return { report, claimed };
  }

  async pipelineResults(runId: string): Promise<StepResult[]> {
    const run = this.mustGet(runId);
    return [...this.pipelines.results(run, this.deps.pipelines.pipelineOf(run)).values()];
  }

  /** Cancels every run this process drives (TERM, grace, KILL to each tree) and waits for them. */
  async cancelAll(reason: string): Promise<void> {
    await Promise.allSettled([...this.driving.keys()].map((id) => this.cancelRun(id, reason)));
  }

  /** Waits for every run this engine drives to settle. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.driving.values()]);
  }

  /**
   * The run belongs to another goose-flow process (or to none): kill its process tree from here.
   * Its owner sees the exit and the recorded kill request and settles the run as cancelled; with
   * no living owner, settle it here.
   */
  private async killElsewhere(runId: string): Promise<void> {
    const run = this.mustGet(runId);
    const attempt = this.deps.store.currentAttempt(runId);
    if (attempt?.status === 'running' && attempt.process) {
      const report = await this.deps.supervisor.killTree(attempt.process, run.options.graceMs);
      this.deps.store.appendEvent(runId, {
        type: EventType.processKilled,
        attempt: attempt.number,
        data: {
          escalated: report.escalated,
          elapsedMs: Math.round(report.elapsedMs),
          by: this.deps.self.pid,
        },
      });
    }
    if (!run.owner || !this.deps.isAlive(run.owner)) {
      const resumption = await claimOrphan(
        { ...this.deps, now: () => this.deps.clock.now() },
        this.mustGet(runId),
      );
      if (resumption && resumption.kind !== 'settled') {
        await this.track(runId, this.drive(this.mustGet(runId)));
      }
    }
  }

  private async waitSettled(runId: string, timeoutMs: number): Promise<Run> {
    const until = this.deps.clock.now() + timeoutMs;
    let run = this.mustGet(runId);
    while (!isTerminal(run.status) && this.deps.clock.now() < until) {
      await this.deps.clock.sleep(50);
      run = this.mustGet(runId);
    }
    return run;
  }

  private track(runId: string, p: Promise<Run>): Promise<Run> {
    this.driving.set(runId, p);
    void p.finally(() => this.driving.delete(runId)).catch(() => undefined);
    return p;
  }

  private mustGet(runId: string): Run {
    const run = this.deps.store.getRun(runId);
    if (!run) throw new NotFoundError('run', runId);
    return run;
  }
}
