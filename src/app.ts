/**
 * The composition root: the one place that chooses the engine and wires adapters, the engine and the
 * services into an `App`. Faces open an app here and use its services; serving processes call
 * `App.serve` (embedded/temporal hosts in app/).
 */
import type { Config } from './domain/config.js';
import { recordEngine } from './adapters/engine-binding.js';
import { layout, prepareDataDir, secureTree } from './adapters/data-dir.js';
import { openEmbeddedApp } from './app/embedded.js';
import type { App, AppOptions } from './app/types.js';

export type { App, AppOptions, Host, HostOptions } from './app/types.js';
export { HOST_ZONE, stderrWarn } from './app/types.js';
export { daemonLogger } from './adapters/log/logger.js';

export async function openApp(
  config: Config,
  env: NodeJS.ProcessEnv = process.env,
  options: AppOptions = {},
): Promise<App> {
  if (config.recordEngine) {
    prepareDataDir(config.dataDir);
    recordEngine(layout(config.dataDir).config, config.engine);
  }
  if (options.serving) {
    // What an older goose-flow wrote under umask 022 becomes owner-only, once per daemon start.
    const dirs = prepareDataDir(config.dataDir);
    const secured = secureTree(dirs.recipes) + secureTree(dirs.logs);
    if (secured > 0) options.log?.('data_dir_made_owner_only', { files: secured });
  }
  if (config.engine === 'embedded') return openEmbeddedApp(config, env, options);
  // Loaded only when asked for: the Temporal SDK would double every command's start-up time.
  const { openTemporalApp } = await import('./app/temporal.js');
  return openTemporalApp(config, env, options);
}

/** Where the data dir records its engine (`goose-flow engine`). */
export function engineRecordFile(dataDir: string): string {
  return layout(dataDir).config;
}
