import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';
import { recordEngine } from './adapters/engine-binding.js';
import {
  attemptLogPath,
  layout,
  prepareDataDir,
  removeLogFiles,
  type DataDirLayout,
} from './adapters/data-dir.js';
import { openDatabase, type Db } from './adapters/sqlite/database.js';
import { SqliteRunStore } from './adapters/sqlite/run-store.js';
import { processSupervisor } from './adapters/process/supervisor.js';
import { keptAttempts } from './adapters/process/attempt-records.js';
import { isAlive, self } from './adapters/process/proc.js';
import { systemClock } from './adapters/clock.js';
import { gooseRunArgs, resolveGooseBinary } from './adapters/goose/goose-cli.js';
import { EmbeddedEngine } from './engines/embedded/engine.js';
import type { Run } from './domain/run.js';
import { NotFoundError, UsageError } from './domain/errors.js';
import { RecipeService } from './services/recipes.js';
import { WorkerChecker } from './adapters/recipe/recipe-checker.js';
import { RunService } from './services/runs.js';
import { LogService } from './services/logs.js';
import { ScheduleService } from './services/schedules.js';
import { SqliteScheduleStore } from './adapters/sqlite/schedule-store.js';
import { Scheduler, type FaultPoint } from './engines/embedded/scheduler.js';
import { Maintenance } from './engines/embedded/maintenance.js';
import { SqliteSystemJobStore } from './adapters/sqlite/system-job-store.js';
import type { Desktop, SystemJobRecord } from './engines/ports.js';
import { gooseDesktop, readRecipeObject } from './adapters/desktop/goose-desktop.js';
import { recipeDeepLink } from './domain/recipe/deep-link.js';
import type { TemporalTarget } from './engines/temporal/connection.js';
import type { GooseWorker } from './engines/temporal/worker.js';
import type { EventFeed } from './engines/feed.js';
import { StoreFeed } from './engines/embedded/feed.js';
import { EmbeddedSchedules } from './engines/embedded/schedules.js';
import { afterRunSettled } from './engines/embedded/after-run.js';
import { pruneSnapshots } from './adapters/recipe/snapshot.js';
import type { ProcessIdentity } from './domain/run.js';

/** Everything a face may use. Built once per process by `openApp`. */
export interface App {
  readonly config: Config;
  readonly dataDir: DataDirLayout;
  readonly engine: 'embedded' | 'temporal';
  /** The Temporal engine's server and what Temporal's own system workflows do; null when embedded. */
  readonly temporal: {
    target: TemporalTarget;
    /** The Temporal web UI's port (the dev server's, or as configured); 0 when unknown. */
    uiPort: number;
    systemWorkflows: readonly string[];
    /** Workers polling the task queue now. */
    workers(): Promise<number>;
  } | null;
  /** A Temporal worker in this process (`serve --engine temporal`, `worker`). */
  startWorker(options: { maxConcurrent: number | null; identity?: string }): Promise<GooseWorker>;
  readonly runs: RunService;
  readonly recipes: RecipeService;
  readonly logs: LogService;
  readonly schedules: ScheduleService;
  /**
   * Changes whenever a schedule, run or decision does (embedded: three counters, one read each);
   * null when the engine has no such thing (Temporal). Lets faces cache whole listings.
   */
  stateVersion(): string | null;
  /** Run events and schedule decisions as they happen (SSE). */
  readonly feed: EventFeed;
  /** The maintenance jobs and what they last did. */
  systemJobs(): SystemJobRecord[];
  /** The daemon's scheduler (only `serve` starts one); null when this data dir has a living daemon. */
  startScheduler(options: SchedulerOptions): { scheduler: Scheduler } | { heldBy: ProcessIdentity };
  /** Starts a detached `goose-flow recover` if runs were left behind by a dead goose-flow. */
  recoverInBackground(): boolean;
  close(): Promise<void>;
  /** Closes without waiting for runs this process drives: they are left to be re-adopted. */
  closeLeavingRuns(): Promise<void>;
}

export interface SchedulerOptions {
  /** null: no limit. */
  readonly maxConcurrent: number | null;
  readonly log: (event: string, fields?: Record<string, unknown>) => void;
  readonly faults?: { hit(point: FaultPoint): void };
}

export interface AppOptions {
  /** The Goose desktop app (foreground runs); tests pass a fake. */
  readonly desktop?: Desktop;
  /** Where problems that do not stop a run are reported; default: stderr. */
  readonly warn?: (message: string, fields: Record<string, unknown>) => void;
  /** The Temporal server to use (a dev server this process just started). */
  readonly temporalAddress?: string;
  /** Check recipes on a worker thread (the daemon: its event loop must not wait for a file). */
  readonly isolateRecipes?: boolean;
  /** That dev server's web UI port. */
  readonly temporalUiPort?: number;
}

export async function openApp(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
  options: AppOptions = {},
): Promise<App> {
  if (config.recordEngine) {
    prepareDataDir(config.dataDir);
    recordEngine(layout(config.dataDir).config, config.engine);
  }
  if (config.engine === 'embedded') return openEmbeddedApp(config, env, options);
  // Loaded only when asked for: the Temporal SDK would double every command's start-up time.
  const { openTemporalApp } = await import('./temporal-app.js');
  return openTemporalApp(config, env, options);
}

export function stderrWarn(message: string): void {
  process.stderr.write(`goose-flow: ${message}\n`);
}

function openEmbeddedApp(config: Config, env: NodeJS.ProcessEnv, options: AppOptions): App {
  const dataDir = prepareDataDir(config.dataDir);
  const warn = options.warn ?? stderrWarn;
  const db: Db = openDatabase(dataDir.database);
  const store = new SqliteRunStore(db, systemClock);
  const engine = new EmbeddedEngine({
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
  const scheduleStore = new SqliteScheduleStore(db, store, systemClock);
  const currentDaemon = () => {
    const holder = scheduleStore.daemon();
    return holder && isAlive(holder) ? holder : null;
  };
  const daemon = { current: currentDaemon, notify: () => scheduleStore.bumpDispatch() };
  const runs = new RunService(config, engine, recipes, () => void resolveGooseBinary(env), daemon);
  const backend = new EmbeddedSchedules({
    store: scheduleStore,
    runs: store,
    engine,
    clock: systemClock,
    self,
    daemon: currentDaemon,
    runFor: (schedule, id, source, owner) => schedules.newRun(schedule, id, source, owner),
  });
  engine.schedules = backend;
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
    backend,
    runs,
    recipes,
    recipesDir: dataDir.recipes,
    clock: systemClock,
    daemon: currentDaemon,
    hostZone: HOST_ZONE,
    warn,
  });
  const systemJobs = new SqliteSystemJobStore(db, systemClock);
  let scheduler: Scheduler | null = null;
  let maintenance: Maintenance | null = null;
  return {
    config,
    dataDir,
    engine: 'embedded',
    runs,
    recipes,
    logs: new LogService(runs, systemClock, 'embedded'),
    schedules,
    systemJobs: () => systemJobs.list(),
    feed: new StoreFeed(store, scheduleStore),
    stateVersion: () => scheduleStore.stateVersion(),
    temporal: null,
    startWorker: async () => {
      throw new UsageError('`goose-flow worker` runs Temporal workers: pass --engine temporal');
    },
    startScheduler: (options) => {
      const holder = scheduleStore.acquireDaemonLock(self, isAlive);
      if (holder) return { heldBy: holder };
      scheduler = new Scheduler({
        schedules: scheduleStore,
        runs: store,
        engine,
        clock: systemClock,
        self,
        maxConcurrent: options.maxConcurrent,
        pollMs: 100,
        newRun: (schedule, id, source, owner) => schedules.newRun(schedule, id, source, owner),
        log: options.log,
        ...(options.faults ? { faults: options.faults } : {}),
      });
      scheduler.start();
      const active = scheduler;
      maintenance = new Maintenance({
        runs: store,
        jobs: systemJobs,
        clock: systemClock,
        retention: config.retention,
        recover: () => active.recover(),
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
        log: options.log,
      });
      maintenance.start();
      return { scheduler };
    },
    recoverInBackground: () => {
      if (engine.findOrphans().length === 0) return false;
      // A living daemon dispatches orphaned and handed-over runs itself.
      if (currentDaemon()) scheduleStore.bumpDispatch();
      else launchRecovery(dataDir, env);
      return true;
    },
    closeLeavingRuns: async () => {
      maintenance?.stop();
      scheduler?.stop();
      if (scheduler) scheduleStore.releaseDaemonLock(self);
      await recipes.close();
      db.close();
    },
    close: async () => {
      maintenance?.stop();
      scheduler?.stop();
      await engine.close();
      if (scheduler) scheduleStore.releaseDaemonLock(self);
      await recipes.close();
      db.close();
    },
  };
}

/** A recipe snapshot nothing refers to is deleted once untouched this long. */
const SNAPSHOT_GRACE_MS = 3_600_000;

export const HOST_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/** Where `serve --engine temporal` records the dev server it started, for other commands to find. */
export function devServerFile(dataDir: string): string {
  return join(dataDir, 'temporal-server.json');
}

export interface DevServerRecord {
  readonly address: string;
  /** Its web UI's port (absent in records an older goose-flow wrote). */
  readonly uiPort?: number;
  readonly namespace: string;
  readonly pid: number;
  readonly servePid: number;
}

/** The dev server a living `serve --engine temporal` on this data dir started, if any. */
/** The record as written, whether or not its processes still live. */
export function readDevServerRecord(dataDir: string): DevServerRecord | null {
  try {
    return JSON.parse(readFileSync(devServerFile(dataDir), 'utf8')) as DevServerRecord;
  } catch {
    return null;
  }
}

export function readDevServerFile(dataDir: string): DevServerRecord | null {
  try {
    const record = JSON.parse(readFileSync(devServerFile(dataDir), 'utf8')) as DevServerRecord;
    return isAlive({ pid: record.servePid, startTime: null }) &&
      isAlive({ pid: record.pid, startTime: null })
      ? record
      : null;
  } catch {
    return null;
  }
}

/**
 * goose-flow's own secrets, which the agent must never see: a prompt-injected goose that read
 * them could drive the scheduler (or Temporal) with them.
 */
export const SECRET_VARIABLES = [
  'GOOSE_FLOW_TOKEN',
  'GOOSE_FLOW_JOBS_KEY',
  'GOOSE_FLOW_TEMPORAL_API_KEY',
] as const;

export function childEnv(env: NodeJS.ProcessEnv, jobId: string, runId: string, attempt: number) {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env))
    if (v !== undefined && !(SECRET_VARIABLES as readonly string[]).includes(k)) out[k] = v;
  Object.assign(out, {
    GOOSE_JOB_ID: jobId,
    GOOSE_FLOW_RUN_ID: runId,
    GOOSE_FLOW_ATTEMPT: String(attempt),
  });
  return out;
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

/** One attempt's goose command, as every engine runs it (never through a shell). */
export function gooseAttempt(
  env: NodeJS.ProcessEnv,
  run: Pick<Run, 'id' | 'scheduleId' | 'params'>,
  attempt: number,
  recipeFile: string,
  cwd: string,
): { command: string; args: string[]; env: Record<string, string>; cwd: string } {
  const { command, args } = gooseRunArgs({
    bin: resolveGooseBinary(env),
    recipeFile,
    sessionName: `${run.id}-a${attempt}`,
    scheduleId: run.scheduleId,
    params: run.params,
  });
  return { command, args, env: childEnv(env, run.scheduleId ?? run.id, run.id, attempt), cwd };
}

/** Recovery may take as long as the runs it re-adopts: it runs detached, logging beside the store. */
function launchRecovery(dataDir: DataDirLayout, env: NodeJS.ProcessEnv): void {
  const cli = fileURLToPath(new URL('./cli/main.js', import.meta.url));
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
