import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';
import {
  attemptLogPath,
  prepareDataDir,
  removeLogFiles,
  type DataDirLayout,
} from './adapters/data-dir.js';
import { openDatabase, type Db } from './adapters/sqlite/database.js';
import { SqliteRunStore } from './adapters/sqlite/run-store.js';
import { processSupervisor } from './adapters/process/supervisor.js';
import { isAlive, self } from './adapters/process/proc.js';
import { systemClock } from './adapters/clock.js';
import { gooseRunArgs, resolveGooseBinary } from './adapters/goose/goose-cli.js';
import { EmbeddedEngine } from './engines/embedded/engine.js';
import type { Run } from './domain/run.js';
import { NotFoundError } from './domain/errors.js';
import { RecipeService } from './services/recipes.js';
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
import type { ProcessIdentity } from './domain/run.js';

/** Everything a face may use. Built once per process by `openApp`. */
export interface App {
  readonly config: Config;
  readonly dataDir: DataDirLayout;
  readonly runs: RunService;
  readonly recipes: RecipeService;
  readonly logs: LogService;
  readonly schedules: ScheduleService;
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
  readonly maxConcurrent: number;
  readonly log: (event: string, fields?: Record<string, unknown>) => void;
  readonly faults?: { hit(point: FaultPoint): void };
}

export interface AppOptions {
  /** The Goose desktop app (foreground runs); tests pass a fake. */
  readonly desktop?: Desktop;
  /** Where problems that do not stop a run are reported; default: stderr. */
  readonly warn?: (message: string, fields: Record<string, unknown>) => void;
}

export function openApp(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
  options: AppOptions = {},
): App {
  const dataDir = prepareDataDir(config.dataDir);
  const warn =
    options.warn ?? ((message: string) => void process.stderr.write(`goose-flow: ${message}\n`));
  const db: Db = openDatabase(dataDir.database);
  const store = new SqliteRunStore(db, systemClock);
  const engine = new EmbeddedEngine({
    store,
    supervisor: processSupervisor,
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
  const recipes = new RecipeService(dataDir.recipes);
  const scheduleStore = new SqliteScheduleStore(db, store, systemClock);
  const daemon = {
    current: () => {
      const holder = scheduleStore.daemon();
      return holder && isAlive(holder) ? holder : null;
    },
    notify: () => scheduleStore.bumpDispatch(),
  };
  const runs = new RunService(config, engine, recipes, () => void resolveGooseBinary(env), daemon);
  const schedules = new ScheduleService({
    config,
    store: scheduleStore,
    runs: store,
    engine,
    recipes,
    recipesDir: dataDir.recipes,
    clock: systemClock,
    self,
    isAlive,
    hostZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    warn,
  });
  const systemJobs = new SqliteSystemJobStore(db, systemClock);
  let scheduler: Scheduler | null = null;
  let maintenance: Maintenance | null = null;
  return {
    config,
    dataDir,
    runs,
    recipes,
    logs: new LogService(runs, systemClock),
    schedules,
    systemJobs: () => systemJobs.list(),
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
        log: options.log,
      });
      maintenance.start();
      return { scheduler };
    },
    recoverInBackground: () => {
      if (runs.orphans().length === 0) return false;
      // A living daemon dispatches orphaned and handed-over runs itself.
      if (schedules.daemon()) scheduleStore.bumpDispatch();
      else launchRecovery(dataDir, env);
      return true;
    },
    closeLeavingRuns: async () => {
      maintenance?.stop();
      scheduler?.stop();
      if (scheduler) scheduleStore.releaseDaemonLock(self);
      db.close();
    },
    close: async () => {
      maintenance?.stop();
      scheduler?.stop();
      await engine.close();
      if (scheduler) scheduleStore.releaseDaemonLock(self);
      db.close();
    },
  };
}

function attemptCommand(
  run: Run,
  attempt: number,
  entry: string | undefined,
  env: NodeJS.ProcessEnv,
) {
  if (!entry) throw new NotFoundError('recipe snapshot', run.recipeHash);
  const { command, args } = gooseRunArgs({
    bin: resolveGooseBinary(env),
    recipeFile: entry,
    sessionName: `${run.id}-a${attempt}`,
    scheduleId: run.scheduleId,
    params: run.params,
  });
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) childEnv[k] = v;
  Object.assign(childEnv, {
    GOOSE_JOB_ID: run.scheduleId ?? run.id,
    GOOSE_FLOW_RUN_ID: run.id,
    GOOSE_FLOW_ATTEMPT: String(attempt),
  });
  return { command, args, env: childEnv, cwd: run.options.cwd };
}

/** Recovery may take as long as the runs it re-adopts: it runs detached, logging beside the store. */
function launchRecovery(dataDir: DataDirLayout, env: NodeJS.ProcessEnv): void {
  const cli = fileURLToPath(new URL('./cli/main.js', import.meta.url));
  const log = openSync(join(dataDir.root, 'recovery.log'), 'a');
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
