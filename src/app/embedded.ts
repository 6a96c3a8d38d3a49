/** The composition root of the embedded engine: SQLite, child processes, the daemon's scheduler. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../domain/config.js';
import {
  attemptLogPath,
  prepareDataDir,
  removeLogFiles,
  type DataDirLayout,
} from '../adapters/data-dir.js';
import { openDatabase, type Db } from '../adapters/sqlite/database.js';
import { SqliteRunStore } from '../adapters/sqlite/run-store.js';
import { processSupervisor } from '../adapters/process/supervisor.js';
import { keptAttempts } from '../adapters/process/attempt-records.js';
import { isAlive, self } from '../adapters/process/proc.js';
import { systemClock } from '../adapters/clock.js';
import { resolveGooseBinary } from '../adapters/goose/goose-cli.js';
import { gooseAttempt } from '../adapters/goose/attempt-command.js';
import { EmbeddedEngine } from '../engines/embedded/engine.js';
import type { Run } from '../domain/run.js';
import { EnvironmentError, NotFoundError, UsageError } from '../domain/errors.js';
import { RecipeService } from '../services/recipes.js';
import { WorkerChecker } from '../adapters/recipe/recipe-checker.js';
import { RunService } from '../services/runs.js';
import { LogService } from '../services/logs.js';
import { ScheduleService } from '../services/schedules.js';
import { StatusService } from '../services/status.js';
import { EventService } from '../services/events.js';
import { SqliteScheduleStore } from '../adapters/sqlite/schedule-store.js';
import { Scheduler } from '../engines/embedded/scheduler.js';
import { Maintenance } from '../engines/embedded/maintenance.js';
import { SqliteSystemJobStore } from '../adapters/sqlite/system-job-store.js';
import { gooseDesktop, readRecipeObject } from '../adapters/desktop/goose-desktop.js';
import { recipeDeepLink } from '../domain/recipe/deep-link.js';
import { StoreFeed } from '../engines/embedded/feed.js';
import { EmbeddedSchedules } from '../engines/embedded/schedules.js';
import { afterRunSettled } from '../engines/embedded/after-run.js';
import { pruneSnapshots } from '../adapters/recipe/snapshot.js';
import { compiledPipelineAt } from '../adapters/recipe/pipeline-file.js';
import { stepSource } from '../adapters/recipe/step-source.js';
import { outputFromLog } from '../adapters/goose/step-output.js';
import type { CompiledPipeline } from '../domain/pipeline/model.js';
import type { Host, HostOptions } from '../engines/contract.js';
import { HOST_ZONE, stderrWarn, type App, type AppOptions } from './types.js';
import { templateService } from './templates.js';

/** A recipe snapshot nothing refers to is deleted once untouched this long. */
const SNAPSHOT_GRACE_MS = 3_600_000;

export function openEmbeddedApp(config: Config, env: NodeJS.ProcessEnv, options: AppOptions): App {
  if (options.serving === 'worker')
    throw new UsageError('`goose-flow worker` runs Temporal workers: pass --engine temporal');
  const dataDir = prepareDataDir(config.dataDir);
  const warn = options.warn ?? stderrWarn;
  const db: Db = openDatabase(dataDir.database);
  const store = new SqliteRunStore(db, systemClock);
  const scheduleStore = new SqliteScheduleStore(db, store, systemClock);
  // One daemon per data dir: a serving process is refused at once while another lives (and takes
  // the lock in `serve`, where a race between two is decided).
  if (options.serving === 'serve') {
    const holder = scheduleStore.daemon();
    if (holder && isAlive(holder)) {
      db.close();
      throw daemonRunning(holder.pid, dataDir.root);
    }
  }
  /** A top pipeline from its snapshot; a pipeline step's from its parent's compiled form. */
  const pipelineOf = (run: Run): CompiledPipeline => {
    if (run.parent) {
      const parent = store.getRun(run.parent.runId);
      if (!parent) throw new NotFoundError('run', run.parent.runId);
      const outer = pipelineOf(parent);
      const step = [...outer.steps, ...outer.handlers].find((s) => s.id === run.parent!.step);
      if (step?.recipe.pipeline) return step.recipe.pipeline;
      throw new NotFoundError('pipeline step', `${run.parent.runId}:${run.parent.step}`);
    }
    const entry = store.snapshotEntry(run.recipeHash);
    if (!entry) throw new NotFoundError('recipe snapshot', run.recipeHash);
    return compiledPipelineAt(entry);
  };
  const currentDaemon = () => {
    const holder = scheduleStore.daemon();
    return holder && isAlive(holder) ? holder : null;
  };
  const engine = new EmbeddedEngine({
    schedulesFor: (engine) =>
      new EmbeddedSchedules({
        store: scheduleStore,
        runs: store,
        engine,
        clock: systemClock,
        self,
        daemon: currentDaemon,
        runFor: (schedule, id, source, owner) => schedules.newRun(schedule, id, source, owner),
      }),
    pipelines: {
      pipelineOf,
      stepSource: (run, recipe) => stepSource(dataDir.recipes, run, pipelineOf(run).file, recipe),
      outputOf: (run, kind) => {
        const attempt = store.currentAttempt(run.id);
        return outputFromLog(attempt?.logPath ?? null, attempt?.logTruncated ?? false, kind);
      },
    },
    store,
    supervisor: processSupervisor,
    attempts: keptAttempts,
    clock: systemClock,
    self,
    isAlive,
    heartbeatMs: config.run.heartbeatMs,
    orphans: config.orphans,
    commandFor: (run, attempt) =>
      attemptCommand(run, attempt, store.snapshotEntry(run.recipeHash), env),
    logPathFor: (runId, attempt) => attemptLogPath(dataDir.logs, runId, attempt),
    logBytesOf: fileSize,
    desktop: options.desktop ?? gooseDesktop,
    onStoreBusy: (what, error) =>
      warn(`the store is locked by another process (${error}); retrying the ${what}`, { what }),
    deepLinkFor: (run) => {
      const entry = store.snapshotEntry(run.recipeHash);
      if (!entry) throw new NotFoundError('recipe snapshot', run.recipeHash);
      return recipeDeepLink(readRecipeObject(entry), run.scheduleId ?? run.id);
    },
  });
  const recipes = new RecipeService(
    dataDir.recipes,
    options.isolateRecipes ? new WorkerChecker() : undefined,
  );
  const daemon = { current: currentDaemon, notify: () => scheduleStore.bumpDispatch() };
  const runs = new RunService(config, engine, recipes, () => void resolveGooseBinary(env), daemon);
  // Settling a schedule's run and what follows from it is one transaction, whoever settles it.
  store.whenSettled((run) =>
    afterRunSettled(
      {
        schedules: scheduleStore,
        runs: store,
        newRun: (schedule, id, source, owner) => schedules.newRun(schedule, id, source, owner),
      },
      run,
    ),
  );
  const schedules: ScheduleService = new ScheduleService({
    config,
    backend: engine.schedules,
    runs,
    recipes,
    recipesDir: dataDir.recipes,
    clock: systemClock,
    daemon: currentDaemon,
    hostZone: HOST_ZONE,
    warn,
  });
  const systemJobs = new SqliteSystemJobStore(db, systemClock);
  let host: EmbeddedHost | null = null;
  return {
    config,
    engine: 'embedded',
    runs,
    recipes,
    logs: new LogService(runs, systemClock, 'embedded'),
    schedules,
    templates: templateService(config, recipes, schedules),
    status: new StatusService({
      info: { engine: 'embedded', dataDir: dataDir.root, temporal: null },
      runs,
      schedules,
      systemJobs: () => systemJobs.list(),
      workers: null,
    }),
    events: new EventService(new StoreFeed(store, scheduleStore), () =>
      scheduleStore.stateVersion(),
    ),
    serve: async (hostOptions) => {
      if (options.serving !== 'serve')
        throw new UsageError('only an app opened to serve (openApp with serving) can serve');
      if (host) throw new UsageError('this app already serves');
      const holder = scheduleStore.acquireDaemonLock(self, isAlive);
      if (holder) throw daemonRunning(holder.pid, dataDir.root);
      const scheduler = new Scheduler({
        schedules: scheduleStore,
        runs: store,
        engine,
        clock: systemClock,
        self,
        maxConcurrent: hostOptions.maxConcurrent,
        pollMs: 100,
        newRun: (schedule, id, source, owner) => schedules.newRun(schedule, id, source, owner),
        log: hostOptions.log,
        ...(hostOptions.faults ? { faults: hostOptions.faults } : {}),
      });
      scheduler.start();
      const maintenance = new Maintenance({
        runs: store,
        jobs: systemJobs,
        clock: systemClock,
        retention: config.retention,
        recover: () => scheduler.recover(),
        removeLogs: removeLogFiles,
        pruneSnapshots: () => {
          const removed = pruneSnapshots(
            dataDir.recipes,
            store.referencedSnapshots(),
            systemClock.now() - SNAPSHOT_GRACE_MS,
          );
          store.forgetSnapshots(removed);
          return removed.length;
        },
        log: hostOptions.log,
      });
      maintenance.start();
      host = new EmbeddedHost(scheduler, maintenance, runs, dataDir.root, hostOptions);
      return host;
    },
    recoverInBackground: () => {
      if (engine.findOrphans().length === 0) return false;
      // A living daemon dispatches orphaned and handed-over runs itself.
      if (currentDaemon()) scheduleStore.bumpDispatch();
      else launchRecovery(dataDir, env);
      return true;
    },
    close: async ({ leaveRuns = false } = {}) => {
      await host?.stop('leave');
      if (!leaveRuns) await engine.close();
      if (host) scheduleStore.releaseDaemonLock(self);
      await recipes.close();
      db.close();
    },
  };
}

/** The daemon's part of the embedded engine: the scheduler and the maintenance jobs. */
class EmbeddedHost implements Host {
  /** The embedded host never stops by itself. */
  readonly done = new Promise<string>(() => undefined);
  private stopped: Promise<void> | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly maintenance: Maintenance,
    private readonly runs: RunService,
    private readonly dataDir: string,
    private readonly options: HostOptions,
  ) {}

  status(): Record<string, unknown> {
    return {
      dataDir: this.dataDir,
      engine: 'embedded',
      schedules: this.scheduler.stats.schedules,
      maxConcurrent: this.options.maxConcurrent,
    };
  }

  stop(mode: 'stop' | 'leave'): Promise<void> {
    this.stopped ??= (async () => {
      this.maintenance.stop();
      this.scheduler.stop();
      if (mode === 'stop') await this.runs.cancelAll('goose-flow serve is shutting down');
    })();
    return this.stopped;
  }
}

function daemonRunning(pid: number, dataDir: string): EnvironmentError {
  return new EnvironmentError(
    'daemon_running',
    `another goose-flow serve (pid ${pid}) already runs on ${dataDir}; stop it first or use another --data-dir`,
    { pid },
  );
}

function attemptCommand(
  run: Run,
  attempt: number,
  entry: string | undefined,
  env: NodeJS.ProcessEnv,
) {
  if (!entry) throw new NotFoundError('recipe snapshot', run.recipeHash);
  return gooseAttempt(env, run, attempt, entry, run.options.cwd);
}

/** Recovery may take as long as the runs it re-adopts: it runs detached, logging beside the store. */
function launchRecovery(dataDir: DataDirLayout, env: NodeJS.ProcessEnv): void {
  const cli = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const log = openSync(join(dataDir.root, 'recovery.log'), 'a', 0o600);
  const child = spawn(process.execPath, [cli, 'recover', '--data-dir', dataDir.root], {
    detached: true,
    stdio: ['ignore', log, log],
    env,
  });
  child.unref();
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
