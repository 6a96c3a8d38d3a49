import { Command, InvalidArgumentError } from 'commander';
import { openApp, type App } from '../app.js';
import { resolveConfig, type ConfigOverrides } from '../config.js';
import type { Range } from '../domain/limits.js';

export interface GlobalOptions {
  dataDir?: string;
  engine?: string;
  temporalAddress?: string;
  namespace?: string;
  taskQueue?: string;
  tlsCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsServerName?: string;
  apiKey?: string;
}

/** The global flags as config overrides (engine choice and where Temporal is). */
export function globalOverrides(cmd: Command): ConfigOverrides {
  const g = cmd.optsWithGlobals<GlobalOptions>();
  return {
    dataDir: g.dataDir,
    engine: g.engine,
    temporalAddress: g.temporalAddress,
    namespace: g.namespace,
    taskQueue: g.taskQueue,
    tlsCa: g.tlsCa,
    tlsCert: g.tlsCert,
    tlsKey: g.tlsKey,
    tlsServerName: g.tlsServerName,
    apiKey: g.apiKey,
  };
}

/** Opens the app for a command, settling runs that a dead goose-flow left behind. */
export async function appFor(
  cmd: Command,
  overrides: ConfigOverrides = {},
  opts: { recover?: boolean } = {},
): Promise<App> {
  const app = await openApp(resolveConfig({ ...globalOverrides(cmd), ...overrides }));
  if (opts.recover !== false) app.recoverInBackground();
  return app;
}

export async function withApp<T>(
  cmd: Command,
  fn: (app: App) => Promise<T> | T,
  overrides: ConfigOverrides = {},
  opts: { recover?: boolean } = {},
): Promise<T> {
  const app = await appFor(cmd, overrides, opts);
  try {
    return await fn(app);
  } finally {
    await app.close();
  }
}

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** A whole-number flag within `range` (the range is named when a value is refused). */
export function intFlag(name: string, range: Range) {
  return (value: string): number => {
    const n = value.trim() === '' ? NaN : Number(value);
    if (!Number.isInteger(n) || n < range.min || n > range.max)
      throw new InvalidArgumentError(
        `${name} must be a whole number from ${range.min} to ${range.max}, got '${value}'`,
      );
    return n;
  };
}
