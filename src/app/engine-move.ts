/**
 * `goose-flow engine move`: opens the data dir on both engines (with its own dev server for the
 * move when the Temporal side has no address) and carries the schedules over (services/engine-move).
 */
import type { Config, EngineKind } from '../domain/config.js';
import { EnvironmentError } from '../domain/errors.js';
import { layout } from '../adapters/data-dir.js';
import { recordEngine } from '../adapters/engine-binding.js';
import { readDevServerFile } from '../adapters/temporal/dev-server-record.js';
import type { LocalDevServer, LocalServerLog } from '../engines/temporal/local-server.js';
import { moveSchedules, type MoveReport } from '../services/engine-move.js';
import { openApp } from '../app.js';
import type { App } from './types.js';

export type { MoveReport } from '../services/engine-move.js';

export async function moveEngine(
  source: Config,
  target: EngineKind,
  log: LocalServerLog,
): Promise<MoveReport> {
  refuseWhileServing(source);
  const targetConfig: Config = { ...source, engine: target, recordEngine: false };
  let server: LocalDevServer | null = null;
  const apps: App[] = [];
  try {
    // The Temporal side without an address: the data dir's own dev server, for the move only.
    const temporalSide = source.engine === 'temporal' ? source : targetConfig;
    if (!temporalSide.temporal.address) {
      // Loaded only here: every other command starts without the Temporal SDK.
      const { startLocalDevServer } = await import('../engines/temporal/local-server.js');
      server = await startLocalDevServer(temporalSide.dataDir, temporalSide.temporal, log);
    }
    const options = server
      ? { temporalAddress: server.address, temporalUiPort: server.uiPort }
      : {};
    const from = await openApp(source, process.env, options);
    apps.push(from);
    const daemon = from.schedules.daemon();
    if (daemon)
      throw new EnvironmentError(
        'daemon_running',
        `goose-flow serve (pid ${daemon.pid}) runs on ${source.dataDir}: stop it, then move`,
        { pid: daemon.pid },
      );
    const to = await openApp(targetConfig, process.env, options);
    apps.push(to);
    return await moveSchedules(from, to, () => recordEngine(layout(source.dataDir).config, target));
  } finally {
    for (const app of apps.reverse()) await app.close().catch(() => undefined);
    await server?.stop();
  }
}

/** A daemon of the source engine would go on firing (or hide) what is being moved. */
function refuseWhileServing(config: Config): void {
  const temporal = readDevServerFile(config.dataDir);
  if (temporal)
    throw new EnvironmentError(
      'daemon_running',
      `goose-flow serve (pid ${temporal.servePid}) runs on ${config.dataDir}: stop it, then move`,
      { pid: temporal.servePid },
    );
}
