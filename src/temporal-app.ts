/**
 * The composition root of the Temporal engine, loaded by `openApp` only when it is asked for.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Config } from './config.js';
import {
  gooseAttempt,
  HOST_ZONE,
  readDevServerFile,
  stderrWarn,
  type App,
  type AppOptions,
} from './app.js';
import { attemptLogPath, prepareDataDir } from './adapters/data-dir.js';
import { processSupervisor } from './adapters/process/supervisor.js';
import { startReaper, type Reaper } from './adapters/process/reaper-client.js';
import { systemClock } from './adapters/clock.js';
import { readSnapshotFiles, storeSnapshotFiles } from './adapters/recipe/snapshot.js';
import { EnvironmentError, UsageError } from './domain/errors.js';
import { RecipeService } from './services/recipes.js';
import { WorkerChecker } from './adapters/recipe/recipe-checker.js';
import { RunService } from './services/runs.js';
import { LogService } from './services/logs.js';
import { ScheduleService } from './services/schedules.js';
import { TemporalEngine } from './engines/temporal/engine.js';
import { TemporalSchedules } from './engines/temporal/schedules.js';
import { VisibilityFeed } from './engines/temporal/feed.js';
import { connectTemporal, type TemporalTarget } from './engines/temporal/connection.js';
import { createActivities } from './engines/temporal/activities.js';
import { homeQueue, startWorker, type GooseWorker } from './engines/temporal/worker.js';
import { attemptOnThisHost } from './adapters/process/attempt-records.js';
import { temporalSpecShape, temporalSpecWarnings } from './engines/temporal/spec-mapping.js';

export async function openTemporalApp(
  config: Config,
  env: NodeJS.ProcessEnv,
  options: AppOptions,
): Promise<App> {
  const dataDir = prepareDataDir(config.dataDir);
  const warn = options.warn ?? stderrWarn;
  const devServer = options.temporalAddress ? null : readDevServerFile(config.dataDir);
  const address = options.temporalAddress ?? config.temporal.address ?? devServer?.address;
  const uiPort = config.temporal.address
    ? (config.temporal.uiPort ?? 0)
    : (options.temporalUiPort ?? devServer?.uiPort ?? 0);
  if (!address) {
    throw new EnvironmentError(
      'temporal_address_missing',
      `${dataDir.root} uses the Temporal engine, and no Temporal server is known for it: ` +
        "start `goose-flow serve` (it starts the data dir's dev server and stops it on exit), " +
        'or pass --temporal-address host:port (or set GOOSE_FLOW_TEMPORAL_ADDRESS) for a running server',
    );
  }
  const target: TemporalTarget = {
    address,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    tls: config.temporal.tls,
    apiKey: config.temporal.apiKey,
  };
  const link = await connectTemporal(target, (p) => readFileSync(p));
  // Runs whose attempt this process's worker executes: a stopping `serve` cancels them.
  const executing = new Set<string>();
  const engine = new TemporalEngine({
    link,
    clock: systemClock,
    heartbeatMs: config.run.heartbeatMs,
    readSnapshot: readSnapshotFiles,
    executing,
    hostDefaultCwd: dataDir.work,
  });
  const scheduleBackend = new TemporalSchedules(engine, systemClock);
  engine.schedules = scheduleBackend;
  const recipes = new RecipeService(
    dataDir.recipes,
    options.isolateRecipes ? new WorkerChecker() : undefined,
  );
  // goose runs on the worker hosts: a missing goose here is not this command's problem.
  const runs = new RunService(config, engine, recipes, () => undefined, {
    current: () => null,
    notify: () => undefined,
  });
  const schedules: ScheduleService = new ScheduleService({
    config,
    backend: engine.schedules,
    runs,
    recipes,
    recipesDir: dataDir.recipes,
    clock: systemClock,
    daemon: () => null,
    hostZone: HOST_ZONE,
    warn,
    restoreSnapshot: async (schedule) => {
      const files = await scheduleBackend.recipeFilesOf(schedule.id);
      if (files && files.length > 0) storeSnapshotFiles(dataDir.recipes, files);
    },
    checkSchedule: (schedule) => {
      temporalSpecShape(schedule.spec.expression);
      const warnings = temporalSpecWarnings(schedule.spec, schedule.policies, systemClock.now());
      if (schedule.action.mode === 'foreground') {
        // Workers run recipes headless on their hosts: there is no desktop app to hand them to.
        if (schedule.action.fallbackToBackground === false) {
          throw new UsageError(
            'foreground mode (the Goose desktop app) needs the embedded engine, and this recipe does not allow running in the background (schedule.fallback_to_background: false)',
            { field: 'mode' },
          );
        }
        warnings.push(
          'foreground mode needs the embedded engine: on Temporal the recipe runs in the background on a worker',
        );
      }
      return warnings;
    },
  });
  const workers: GooseWorker[] = [];
  const reapers: Reaper[] = [];
  return {
    config,
    dataDir,
    engine: 'temporal',
    runs,
    recipes,
    logs: new LogService(runs, systemClock, 'temporal'),
    schedules,
    systemJobs: () => [],
    stateVersion: () => engine.stateVersion(),
    feed: new VisibilityFeed(link.client, () => systemClock.now()),
    temporal: {
      target,
      uiPort,
      systemWorkflows: TEMPORAL_SYSTEM_WORKFLOWS,
      workers: () => engine.workerCount(),
    },
    startWorker: async (opts) => {
      const identity = opts.identity ?? `goose-flow@${hostname()}:${process.pid}`;
      // If this worker dies, its attempts die with it (no duplicate goose beside Temporal's retry).
      const reaper = startReaper(config.run.graceMs);
      reapers.push(reaper);
      // Only the workers of this host and data dir poll it: an attempt whose worker died resumes
      // here, where its goose may still run.
      const home = homeQueue(target.taskQueue, dataDir.root);
      const activities = createActivities({
        worker: identity,
        home,
        found: (runId, attempt, logPath) => attemptOnThisHost(runId, attempt, logPath),
        reaper,
        executing,
        supervisor: processSupervisor,
        materialize: (input) => {
          const { folder } = storeSnapshotFiles(dataDir.recipes, input.recipeFiles);
          const entry = join(folder, input.recipeFiles[0]!.path);
          // --follow-source: the file as it is now, if this host can read it.
          if (input.followSource && existsSync(input.recipePath)) {
            const runnable = recipes.loadRunnable(input.recipePath, input.params);
            return recipes.snapshot(runnable).entry;
          }
          return entry;
        },
        logPathFor: (runId, attempt) => attemptLogPath(dataDir.logs, runId, attempt),
        commandFor: (run, attempt, recipeFile) =>
          gooseAttempt(env, run, attempt, recipeFile, run.cwd),
        defaultCwd: dataDir.work,
      });
      const worker = await startWorker(target, activities, {
        maxConcurrent: opts.maxConcurrent,
        identity,
        home,
        env,
        warn: (message, meta) => warn(`temporal: ${message}`, meta ?? {}),
      });
      workers.push(worker);
      return worker;
    },
    startScheduler: () => {
      throw new UsageError('the Temporal engine fires schedules on the Temporal server');
    },
    recoverInBackground: () => false,
    closeLeavingRuns: async () => {
      await Promise.allSettled(workers.map((w) => w.shutdown()));
      await Promise.allSettled(reapers.map((r) => r.stop()));
      await engine.close();
      await recipes.close();
    },
    close: async () => {
      await Promise.allSettled(workers.map((w) => w.shutdown()));
      await Promise.allSettled(reapers.map((r) => r.stop()));
      await engine.close();
      await recipes.close();
    },
  };
}

/** What Temporal itself does in place of the embedded engine's maintenance jobs. */
const TEMPORAL_SYSTEM_WORKFLOWS = [
  "temporal-sys-history-scanner (namespace temporal-system): retention of closed runs' histories",
  'temporal-sys-tq-scanner (namespace temporal-system): task queue cleanup',
  'activity heartbeat timeouts: a run whose worker died is retried on another worker',
];
