import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  devServerFile,
  openApp,
  readDevServerFile,
  readDevServerRecord,
  type App,
  type DevServerRecord,
} from '../app.js';
import type { Config } from '../config.js';
import { EnvironmentError } from '../domain/errors.js';
import { prepareDataDir, pruneLogs, secureFile } from '../adapters/data-dir.js';
import {
  requireTemporalBinary,
  startDevServer,
  stopLeftoverDevServer,
  type DevServer,
} from '../adapters/temporal/dev-server.js';
import { startReaper, type Reaper } from '../adapters/process/reaper-client.js';
import { answers } from '../engines/temporal/connection.js';
import { SEARCH_ATTRIBUTES } from '../engines/temporal/names.js';
import { listen, type DaemonOptions } from './daemon.js';

/**
 * `serve --engine temporal` / `worker`: a Temporal worker on the task queue. Without an address,
 * `serve` starts `temporal server start-dev` with its SQLite file in the data dir, and stops it on
 * shutdown. A stopping `serve` cancels the runs its worker executes (`--on-shutdown stop`, the
 * default, as on the embedded engine); a stopping `worker` (or `serve --on-shutdown leave`) only
 * stops its attempts (their trees are killed) and Temporal retries those runs on another worker,
 * or on this one after a restart.
 */
export async function runTemporal(
  config: Config,
  options: DaemonOptions,
  log: Logger,
  signalled: Promise<void>,
): Promise<number> {
  let devServer: LocalDevServer | null = null;
  let address = config.temporal.address;
  if (!address && options.workerOnly) {
    address = readDevServerFile(config.dataDir)?.address ?? null;
    if (!address)
      throw new EnvironmentError(
        'temporal_address_missing',
        'goose-flow worker needs a Temporal server: pass --temporal-address host:port, or run `goose-flow serve --engine temporal` on this data dir first',
      );
  }
  if (!address) {
    devServer = await startLocalDevServer(config, log);
    address = devServer.address;
  }
  let app: App | null = null;
  try {
    app = await openApp(config, process.env, {
      warn: (message, fields) => log.warn(fields, message),
      temporalAddress: address,
      isolateRecipes: true,
      ...(devServer ? { temporalUiPort: devServer.uiPort } : {}),
    });
    const worker = await app.startWorker({ maxConcurrent: options.maxConcurrent });
    const http = options.workerOnly ? null : await listen(app, options, log);
    const retention = config.retention.maxAgeMs;
    const logsDir = app.dataDir.logs;
    const pruner =
      retention === null
        ? null
        : setInterval(() => {
            const removed = pruneLogs(logsDir, Date.now() - retention);
            if (removed > 0)
              log.info({ job: 'log-scanner', logFiles: removed }, 'system_job_finished');
          }, 3_600_000);
    log.info(
      {
        dataDir: app.dataDir.root,
        engine: 'temporal',
        address,
        namespace: config.temporal.namespace,
        taskQueue: config.temporal.taskQueue,
        worker: worker.identity,
        maxConcurrent: options.maxConcurrent,
        ...(http ? { http: `${http.host}:${http.port}` } : {}),
      },
      options.workerOnly ? 'worker_started' : 'serve_started',
    );
    const fatal = worker.done.then(
      () => 'worker stopped',
      (err: Error) => `worker failed: ${err.message}`,
    );
    const why = await Promise.race([signalled.then(() => null), fatal]);
    if (pruner) clearInterval(pruner);
    await http?.close();
    // `serve` stops what it runs, as on the embedded engine (`--on-shutdown leave`: Temporal
    // retries those runs when a worker polls again). A `worker` hands its runs to the others.
    if (!why && !options.workerOnly && options.onShutdown === 'stop')
      await app.runs.cancelAll('goose-flow serve is shutting down');
    if (why) log.error({ reason: why }, 'worker_stopped');
    await app.close();
    app = null;
    log.info({}, options.workerOnly ? 'worker_stopped' : 'serve_stopped');
    return why ? 1 : 0;
  } finally {
    if (app) await app.close().catch(() => undefined);
    await devServer?.stop();
  }
}

export interface LocalDevServer {
  readonly address: string;
  readonly uiPort: number;
  /** Stops the server (TERM, then KILL), forgets its record, stops its reaper. */
  stop(): Promise<void>;
}

/**
 * `temporal server start-dev` for this data dir (database `temporal.db` in it), recorded in
 * `temporal-server.json` for the other commands, watched by a reaper that stops it if this
 * process dies. Refused while another goose-flow runs one for the data dir.
 */
export async function startLocalDevServer(config: Config, log: Logger): Promise<LocalDevServer> {
  const running = readDevServerFile(config.dataDir);
  if (running) {
    throw new EnvironmentError(
      'daemon_running',
      `another goose-flow serve (pid ${running.servePid}) already runs a Temporal dev server for ${config.dataDir} at ${running.address}; stop it first, or start workers with \`goose-flow worker\``,
      { pid: running.servePid },
    );
  }
  const bin = requireTemporalBinary(process.env);
  prepareDataDir(config.dataDir);
  const dbFile = join(config.dataDir, 'temporal.db');
  // A serve that was SIGKILLed (with its reaper) may have left its dev server running: two
  // servers must never share one database.
  const stale = readDevServerRecord(config.dataDir);
  if (stale && (await stopLeftoverDevServer(stale.pid, dbFile)))
    log.warn({ pid: stale.pid }, 'temporal_dev_server_leftover_stopped');
  // If this process dies without stopping the server, the reaper does.
  const reaper = startReaper(5_000);
  const server = await startDevServerOrStopReaper(reaper, {
    bin,
    dbFile,
    onSpawn: (pgid) => reaper.watch(pgid),
    logFile: join(config.dataDir, 'temporal-server.log'),
    ...(config.temporal.devServerPort !== null ? { port: config.temporal.devServerPort } : {}),
    ...(config.temporal.uiPort !== null ? { uiPort: config.temporal.uiPort } : {}),
    namespace: config.temporal.namespace,
    searchAttributes: SEARCH_ATTRIBUTES.map((name) => `${name}=Keyword`),
    sqlitePragmas: config.temporal.sqlitePragmas,
    probe: answers,
  });
  const record: DevServerRecord = {
    address: server.address,
    uiPort: server.uiPort,
    namespace: config.temporal.namespace,
    pid: server.pid,
    servePid: process.pid,
  };
  writeFileSync(devServerFile(config.dataDir), JSON.stringify(record) + '\n', { mode: 0o600 });
  secureFile(dbFile);
  log.info(
    {
      address: server.address,
      ui: `http://${server.address.split(':')[0]}:${server.uiPort}`,
      db: dbFile,
      serverPid: server.pid,
    },
    'temporal_dev_server_started',
  );
  return {
    address: server.address,
    uiPort: server.uiPort,
    stop: async () => {
      await server.stop();
      rmSync(devServerFile(config.dataDir), { force: true });
      log.info({}, 'temporal_dev_server_stopped');
      reaper.unwatch(server.pid);
      await reaper.stop();
    },
  };
}

async function startDevServerOrStopReaper(
  reaper: Reaper,
  opts: Parameters<typeof startDevServer>[0],
): Promise<DevServer> {
  try {
    return await startDevServer(opts);
  } catch (err) {
    await reaper.stop();
    throw err;
  }
}
