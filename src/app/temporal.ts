/**
 * The composition root of the Temporal engine, loaded by `openApp` only when it is asked for (the
 * Temporal SDK would double every command's start-up time).
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../domain/config.js';
import { attemptLogPath, prepareDataDir, pruneLogs } from '../adapters/data-dir.js';
import { processSupervisor } from '../adapters/process/supervisor.js';
import { startReaper, type Reaper } from '../adapters/process/reaper-client.js';
import { systemClock } from '../adapters/clock.js';
import { readSnapshotFiles, storeSnapshotFiles } from '../adapters/recipe/snapshot.js';
import { gooseAttempt } from '../adapters/goose/attempt-command.js';
import { readDevServerFile } from '../adapters/temporal/dev-server-record.js';
import { EnvironmentError, UsageError } from '../domain/errors.js';
import { RecipeService } from '../services/recipes.js';
import { WorkerChecker } from '../adapters/recipe/recipe-checker.js';
import { RunService } from '../services/runs.js';
import { LogService } from '../services/logs.js';
import { ScheduleService } from '../services/schedules.js';
import { StatusService } from '../services/status.js';
import { EventService } from '../services/events.js';
import { TemporalEngine } from '../engines/temporal/engine.js';
import { TemporalSchedules } from '../engines/temporal/schedules.js';
import { VisibilityFeed } from '../engines/temporal/feed.js';
import { connectTemporal, type TemporalTarget } from '../engines/temporal/connection.js';
import { createActivities } from '../engines/temporal/activities.js';
import { homeQueue, startWorker, type GooseWorker } from '../engines/temporal/worker.js';
import { startLocalDevServer, type LocalDevServer } from '../engines/temporal/local-server.js';
import { attemptOnThisHost } from '../adapters/process/attempt-records.js';
import { temporalSpecShape, temporalSpecWarnings } from '../engines/temporal/spec-mapping.js';
import type { Host, HostOptions } from '../engines/contract.js';
import { HOST_ZONE, stderrWarn, type App, type AppOptions } from './types.js';
import { templateService } from './templates.js';

/** What Temporal itself does in place of the embedded engine's maintenance jobs. */
const TEMPORAL_SYSTEM_WORKFLOWS = [
  "temporal-sys-history-scanner (namespace temporal-system): retention of closed runs' histories",
  'temporal-sys-tq-scanner (namespace temporal-system): task queue cleanup',
  'activity heartbeat timeouts: a run whose worker died is retried on another worker',
];

export async function openTemporalApp(
  config: Config,
  env: NodeJS.ProcessEnv,
  options: AppOptions,
): Promise<App> {
  const warn = options.warn ?? stderrWarn;
  const log = options.log ?? (() => undefined);
  // `serve` without an address runs the data dir's own dev server, from here until `close`.
  const local =
    options.serving === 'serve' && !options.temporalAddress && !config.temporal.address
      ? await startLocalDevServer(config.dataDir, config.temporal, {
          info: log,
          warn: (event, fields) => warn(event, fields),
        })
      : null;
  try {
    return await openOn(config, env, options, local);
  } catch (err) {
    await local?.stop();
    throw err;
  }
}

async function openOn(
  config: Config,
  env: NodeJS.ProcessEnv,
  options: AppOptions,
  local: LocalDevServer | null,
): Promise<App> {
  const dataDir = prepareDataDir(config.dataDir);
  const warn = options.warn ?? stderrWarn;
  const recorded =
    options.temporalAddress || local || config.temporal.address
      ? null
      : readDevServerFile(config.dataDir);
  const address =
    options.temporalAddress ?? config.temporal.address ?? local?.address ?? recorded?.address;
  const uiPort = config.temporal.address
    ? (config.temporal.uiPort ?? 0)
    : (options.temporalUiPort ?? local?.uiPort ?? recorded?.uiPort ?? 0);
  if (!address) {
    throw new EnvironmentError(
      'temporal_address_missing',
      options.serving === 'worker'
        ? 'goose-flow worker needs a Temporal server: pass --temporal-address host:port, or run `goose-flow serve --engine temporal` on this data dir first'
        : `${dataDir.root} uses the Temporal engine, and no Temporal server is known for it: ` +
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
  let scheduleBackend!: TemporalSchedules;
  const engine = new TemporalEngine({
    schedulesFor: (engine) => (scheduleBackend = new TemporalSchedules(engine, systemClock)),
    link,
    clock: systemClock,
    heartbeatMs: config.run.heartbeatMs,
    readSnapshot: readSnapshotFiles,
    executing,
    hostDefaultCwd: dataDir.work,
  });
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
  let host: TemporalHost | null = null;
  return {
    config,
    engine: 'temporal',
    runs,
    recipes,
    logs: new LogService(runs, systemClock, 'temporal'),
    schedules,
    templates: templateService(config, recipes, schedules),
    status: new StatusService({
      info: {
        engine: 'temporal',
        dataDir: dataDir.root,
        temporal: {
          address: target.address,
          namespace: target.namespace,
          taskQueue: target.taskQueue,
          uiPort,
          systemWorkflows: TEMPORAL_SYSTEM_WORKFLOWS,
        },
      },
      runs,
      schedules,
      systemJobs: () => [],
      workers: () => engine.workerCount(),
    }),
    events: new EventService(new VisibilityFeed(link.client, () => systemClock.now()), () =>
      engine.stateVersion(),
    ),
    serve: async (hostOptions) => {
      if (!options.serving)
        throw new UsageError('only an app opened to serve (openApp with serving) can serve');
      if (host) throw new UsageError('this app already serves');
      const identity = `goose-flow@${hostname()}:${process.pid}`;
      // If this worker dies, its attempts die with it (no duplicate goose beside Temporal's retry).
      const reaper = startReaper(config.run.graceMs);
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
        maxConcurrent: hostOptions.maxConcurrent,
        identity,
        home,
        env,
        warn: (message, meta) => warn(`temporal: ${message}`, meta ?? {}),
      }).catch(async (err: unknown) => {
        await reaper.stop();
        throw err;
      });
      host = new TemporalHost(worker, reaper, runs, hostOptions, config, {
        dataDir: dataDir.root,
        logs: dataDir.logs,
        target,
      });
      return host;
    },
    recoverInBackground: () => false,
    close: async () => {
      await host?.stop('leave');
      await engine.close();
      await recipes.close();
      await local?.stop();
    },
  };
}

/** A Temporal worker on the task queue, the reaper of its attempts, and log pruning. */
class TemporalHost implements Host {
  readonly done: Promise<string>;
  private readonly pruner: NodeJS.Timeout | null;
  private stopped: Promise<void> | null = null;

  constructor(
    private readonly worker: GooseWorker,
    private readonly reaper: Reaper,
    private readonly runs: RunService,
    private readonly options: HostOptions,
    config: Config,
    private readonly where: { dataDir: string; logs: string; target: TemporalTarget },
  ) {
    this.done = worker.done.then(
      () => 'worker stopped',
      (err: Error) => `worker failed: ${err.message}`,
    );
    // Temporal keeps histories; the attempt logs on this host are goose-flow's to prune.
    const retention = config.retention.maxAgeMs;
    this.pruner =
      retention === null
        ? null
        : setInterval(() => {
            const removed = pruneLogs(where.logs, Date.now() - retention);
            if (removed > 0)
              options.log('system_job_finished', { job: 'log-scanner', logFiles: removed });
          }, 3_600_000);
  }

  status(): Record<string, unknown> {
    return {
      dataDir: this.where.dataDir,
      engine: 'temporal',
      address: this.where.target.address,
      namespace: this.where.target.namespace,
      taskQueue: this.where.target.taskQueue,
      worker: this.worker.identity,
      maxConcurrent: this.options.maxConcurrent,
    };
  }

  /**
   * `stop` cancels the runs this worker executes, as on the embedded engine; `leave` stops only
   * their attempts (their trees are killed) and Temporal retries those runs on another worker, or
   * on this one after a restart.
   */
  stop(mode: 'stop' | 'leave'): Promise<void> {
    this.stopped ??= (async () => {
      if (this.pruner) clearInterval(this.pruner);
      if (mode === 'stop') await this.runs.cancelAll('goose-flow serve is shutting down');
      await this.worker.shutdown().catch(() => undefined);
      await this.reaper.stop().catch(() => undefined);
    })();
    return this.stopped;
  }
}
