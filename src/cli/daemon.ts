import type { Logger } from 'pino';
import { daemonLogger, openApp, type App, type Host } from '../app.js';
import type { HttpServer } from '../http/server.js';
import { resolveConfig, type ConfigOverrides } from '../config.js';

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
  readonly faults?: { hit(point: 'before-decision' | 'after-decision' | 'after-dispatch'): void };
}

/**
 * Runs `goose-flow serve` (or `worker`) until a signal, on either engine: the app opened to serve,
 * HTTP when asked, then the engine's host (app.serve) — one path for both engines. On SIGINT/SIGTERM
 * HTTP closes first, then the host stops (`--on-shutdown`), then the app.
 */
export async function runDaemon(options: DaemonOptions): Promise<number> {
  const log = daemonLogger(options.logFormat);
  // Listen before announcing anything: a SIGTERM right after `serve_started` must shut down cleanly.
  const signals = listenForSignals(log);
  try {
    const config = resolveConfig({ dataDir: options.dataDir, ...options.overrides });
    const role = options.workerOnly ? 'worker' : 'serve';
    const app = await openApp(config, process.env, {
      warn: (message, fields) => log.warn(fields, message),
      log: (event, fields) => log.info(fields, event),
      isolateRecipes: true,
      serving: role,
    });
    return await serveUntilSignalled(app, role, options, log, signals.received);
  } finally {
    // A daemon that could not start must exit at once, not wait for a second signal.
    signals.dispose();
  }
}

async function serveUntilSignalled(
  app: App,
  role: 'serve' | 'worker',
  options: DaemonOptions,
  log: Logger,
  signalled: Promise<void>,
): Promise<number> {
  let http: HttpServer | null = null;
  let host: Host;
  try {
    // The port before the host: a port that cannot be had must not leave runs started.
    if (role === 'serve') http = await listen(app, options, log);
    host = await app.serve({
      maxConcurrent: options.maxConcurrent,
      log: (event, fields = {}) => log.info(fields, event),
      ...(options.faults ? { faults: options.faults } : {}),
    });
  } catch (err) {
    await http?.close();
    await app.close();
    throw err;
  }
  log.info(
    { ...host.status(), ...(http ? { http: `${http.host}:${http.port}` } : {}) },
    role === 'worker' ? 'worker_started' : 'serve_started',
  );
  const failed = await Promise.race([signalled.then(() => null), host.done]);
  await http?.close();
  if (failed) log.error({ reason: failed }, 'worker_stopped');
  // A `worker` hands its runs to the other workers; a failed host has nothing left to stop.
  const mode = failed || role === 'worker' ? 'leave' : options.onShutdown;
  await host.stop(mode);
  if (mode === 'stop' || role === 'worker' || failed) {
    await app.close();
    log.info({}, role === 'worker' ? 'worker_stopped' : 'serve_stopped');
    return failed ? 1 : 0;
  }
  // Leave: release the lock and go at once — the attempts run on in their own process groups, and
  // the next goose-flow re-adopts them (embedded) or Temporal retries them. Nothing here may touch
  // the closed store again.
  await app.close({ leaveRuns: true });
  log.info({}, 'serve_stopped_leaving_runs');
  process.exit(0);
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
  const temporal = app.status.info.temporal;
  const temporalPort = temporal ? Number(temporal.address.split(':').pop()) : 0;
  const uiPort = temporal?.uiPort ?? 0;
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
