import type { Logger } from 'pino';
import { openApp, type App } from '../app.js';
import type { HttpServer } from '../http/server.js';
import { resolveConfig, type Config, type ConfigOverrides } from '../config.js';
import { EnvironmentError } from '../domain/errors.js';
import type { FaultPoint } from '../engines/embedded/scheduler.js';
import { daemonLogger } from '../adapters/log/logger.js';
import { prepareDataDir, secureTree } from '../adapters/data-dir.js';

export interface DaemonOptions {
  readonly dataDir?: string | undefined;
  /** Engine choice and Temporal target (global flags); `serve` alone means the embedded engine. */
  readonly overrides?: ConfigOverrides;
  /** `goose-flow worker`: a Temporal worker only, never a dev server. */
  readonly workerOnly?: boolean;
  /** null: no limit. */
  readonly maxConcurrent: number | null;
  /** On SIGINT/SIGTERM: stop running runs (TERM, grace, KILL), or leave them to be re-adopted. */
  readonly onShutdown: 'stop' | 'leave';
  readonly logFormat: 'json' | 'pretty';
  /** Serve HTTP (the goose-compatible surface): where, and the temporal-service contract. */
  readonly http?: {
    readonly host: string;
    readonly port: number;
    readonly probe: boolean;
    /** Browser origins allowed to call `/api` (CORS off when empty). */
    readonly corsOrigins?: readonly string[];
    /** Host names served besides the loopback ones. */
    readonly allowedHosts?: readonly string[];
  };
  /** Tests only: crash points. The CLI never passes one. */
  readonly faults?: { hit(point: FaultPoint): void };
}

/** Runs `goose-flow serve` until a signal: scheduler, dispatcher, recovery, graceful shutdown. */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  const log = daemonLogger(options.logFormat);
  // Listen before announcing anything: a SIGTERM right after `serve_started` must shut down cleanly.
  const signals = listenForSignals(log);
  try {
    const config = resolveConfig({ dataDir: options.dataDir, ...options.overrides });
    // What an older goose-flow wrote under umask 022 becomes owner-only, once per daemon start.
    const dirs = prepareDataDir(config.dataDir);
    const secured = secureTree(dirs.recipes) + secureTree(dirs.logs);
    if (secured > 0) log.info({ files: secured }, 'data_dir_made_owner_only');
    if (options.workerOnly || config.engine === 'temporal') {
      const { runTemporal } = await import('./temporal-daemon.js');
      return await runTemporal(config, options, log, signals.received);
    }
    return await runEmbedded(config, options, log, signals.received);
  } finally {
    // A daemon that could not start must exit at once, not wait for a second signal.
    signals.dispose();
  }
}

async function runEmbedded(
  config: Config,
  options: DaemonOptions,
  log: Logger,
  signalled: Promise<void>,
): Promise<number> {
  const app = await openApp(config, process.env, {
    warn: (message, fields) => log.warn(fields, message),
    isolateRecipes: true,
  });
  const refuse = async (holder: { pid: number }) => {
    await app.close();
    return new EnvironmentError(
      'daemon_running',
      `another goose-flow serve (pid ${holder.pid}) already runs on ${app.dataDir.root}; stop it first or use another --data-dir`,
      { pid: holder.pid },
    );
  };
  const holder = app.schedules.daemon();
  if (holder) throw await refuse(holder);
  // The port before the scheduler: a port that cannot be had must not leave runs started.
  const http: HttpServer | null = await listen(app, options, log).catch(async (err: unknown) => {
    await app.close();
    throw err;
  });
  const started = app.startScheduler({
    maxConcurrent: options.maxConcurrent,
    log: (event, fields = {}) => log.info(fields, event),
    ...(options.faults ? { faults: options.faults } : {}),
  });
  if ('heldBy' in started) {
    await http?.close();
    throw await refuse(started.heldBy);
  }
  const { scheduler } = started;
  log.info(
    {
      dataDir: app.dataDir.root,
      schedules: scheduler.stats.schedules,
      maxConcurrent: options.maxConcurrent,
      ...(http ? { http: `${http.host}:${http.port}` } : {}),
    },
    'serve_started',
  );
  await signalled;
  await http?.close();
  scheduler.stop();
  return shutdown(app, options.onShutdown, log);
}

/** Starts the HTTP faces when asked (`--port`, or the temporal-service contract). */
export async function listen(
  app: App,
  options: DaemonOptions,
  log: Logger,
): Promise<HttpServer | null> {
  if (!options.http) return null;
  const { startHttp } = await import('../http/server.js');
  // Goose prints these ("Temporal UI: http://localhost:<ui_port>"); embedded has neither: 0.
  const temporalPort = app.temporal ? Number(app.temporal.target.address.split(':').pop()) : 0;
  const uiPort = app.temporal?.uiPort ?? 0;
  const { token, jobsKey } = app.config.http;
  const corsOrigins = [
    ...new Set([...(options.http.corsOrigins ?? []), ...app.config.http.corsOrigins]),
  ];
  const allowedHosts = [
    ...new Set([...(options.http.allowedHosts ?? []), ...app.config.http.allowedHosts]),
  ];
  if (process.env.TEMPORAL_SECRET_KEY && !jobsKey)
    log.warn(
      {},
      'TEMPORAL_SECRET_KEY is set and ignored: Goose sends no key, so /jobs stays open to loopback clients only; set GOOSE_FLOW_JOBS_KEY to require a key',
    );
  const server = await startHttp(app, {
    ...options.http,
    corsOrigins,
    allowedHosts,
    secretKey: jobsKey,
    token,
    temporalPorts: () => ({ temporal_port: temporalPort, ui_port: uiPort }),
  });
  log.info(
    { host: server.host, port: server.port, jobsKey: jobsKey !== null, token: token !== null },
    'http_listening',
  );
  return server;
}

/** SIGINT/SIGTERM resolve `received`; `dispose` gives the signals back their default meaning. */
function listenForSignals(log: Logger): { received: Promise<void>; dispose(): void } {
  let onSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const dispose = () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  const received = new Promise<void>((resolve) => {
    onSignal = (signal: NodeJS.Signals) => {
      log.info({ signal }, 'shutdown_requested');
      dispose();
      resolve();
    };
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { received, dispose };
}

async function shutdown(app: App, mode: 'stop' | 'leave', log: Logger): Promise<number> {
  if (mode === 'stop') {
    await app.runs.cancelAll('goose-flow serve is shutting down');
    await app.close();
    log.info({}, 'serve_stopped');
    return 0;
  }
  // Leave: release the lock and go at once — the attempts run on in their own process groups, and
  // the next goose-flow re-adopts or settles them. Nothing here may touch the closed store again.
  await app.closeLeavingRuns();
  log.info({}, 'serve_stopped_leaving_runs');
  process.exit(0);
}
