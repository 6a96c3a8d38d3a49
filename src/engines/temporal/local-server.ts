/**
 * The data dir's own Temporal server: `temporal server start-dev` with its database in the data dir
 * (`temporal.db`), recorded in `temporal-server.json` for the other commands, watched by a reaper
 * that stops it if the goose-flow that started it dies. Refused while another goose-flow runs one
 * for the data dir.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TemporalConfig } from '../../domain/config.js';
import { EnvironmentError } from '../../domain/errors.js';
import { prepareDataDir, secureFile } from '../../adapters/data-dir.js';
import {
  requireTemporalBinary,
  startDevServer,
  stopLeftoverDevServer,
  type DevServer,
} from '../../adapters/temporal/dev-server.js';
import {
  devServerFile,
  readDevServerFile,
  readDevServerRecord,
  type DevServerRecord,
} from '../../adapters/temporal/dev-server-record.js';
import { startReaper, type Reaper } from '../../adapters/process/reaper-client.js';
import { answers } from './connection.js';
import { SEARCH_ATTRIBUTES } from './names.js';

export interface LocalDevServer {
  readonly address: string;
  readonly uiPort: number;
  /** Stops the server (TERM, then KILL), forgets its record, stops its reaper. */
  stop(): Promise<void>;
}

export interface LocalServerLog {
  info(event: string, fields: Record<string, unknown>): void;
  warn(event: string, fields: Record<string, unknown>): void;
}

export async function startLocalDevServer(
  dataDir: string,
  temporal: TemporalConfig,
  log: LocalServerLog,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LocalDevServer> {
  const running = readDevServerFile(dataDir);
  if (running) {
    throw new EnvironmentError(
      'daemon_running',
      `another goose-flow serve (pid ${running.servePid}) already runs a Temporal dev server for ${dataDir} at ${running.address}; stop it first, or start workers with \`goose-flow worker\``,
      { pid: running.servePid },
    );
  }
  const bin = requireTemporalBinary(env);
  prepareDataDir(dataDir);
  const dbFile = join(dataDir, 'temporal.db');
  // A serve that was SIGKILLed (with its reaper) may have left its dev server running: two
  // servers must never share one database.
  const stale = readDevServerRecord(dataDir);
  if (stale && (await stopLeftoverDevServer(stale.pid, dbFile)))
    log.warn('temporal_dev_server_leftover_stopped', { pid: stale.pid });
  // If this process dies without stopping the server, the reaper does.
  const reaper = startReaper(5_000);
  const server = await startDevServerOrStopReaper(reaper, {
    bin,
    dbFile,
    onSpawn: (pgid) => reaper.watch(pgid),
    logFile: join(dataDir, 'temporal-server.log'),
    ...(temporal.devServerPort !== null ? { port: temporal.devServerPort } : {}),
    ...(temporal.uiPort !== null ? { uiPort: temporal.uiPort } : {}),
    namespace: temporal.namespace,
    searchAttributes: SEARCH_ATTRIBUTES.map((name) => `${name}=Keyword`),
    sqlitePragmas: temporal.sqlitePragmas,
    probe: answers,
  });
  const record: DevServerRecord = {
    address: server.address,
    uiPort: server.uiPort,
    namespace: temporal.namespace,
    pid: server.pid,
    servePid: process.pid,
  };
  writeFileSync(devServerFile(dataDir), JSON.stringify(record) + '\n', { mode: 0o600 });
  secureFile(dbFile);
  log.info('temporal_dev_server_started', {
    address: server.address,
    ui: `http://${server.address.split(':')[0]}:${server.uiPort}`,
    db: dbFile,
    serverPid: server.pid,
  });
  return {
    address: server.address,
    uiPort: server.uiPort,
    stop: async () => {
      await server.stop();
      rmSync(devServerFile(dataDir), { force: true });
      log.info('temporal_dev_server_stopped', {});
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
