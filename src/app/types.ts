import type { Config } from '../domain/config.js';
import type { Host, HostOptions } from '../engines/contract.js';
import type { Desktop } from '../engines/ports.js';
import type { RunService } from '../services/runs.js';
import type { RecipeService } from '../services/recipes.js';
import type { LogService } from '../services/logs.js';
import type { ScheduleService } from '../services/schedules.js';
import type { StatusService } from '../services/status.js';
import type { EventService } from '../services/events.js';
import type { TemplateService } from '../services/templates.js';

export type { Host, HostOptions } from '../engines/contract.js';

/**
 * Everything a face may use: the services, and `serve` for the processes that serve. Built once per
 * process by `openApp`; the engine behind it is chosen there and nowhere else.
 */
export interface App {
  readonly config: Config;
  readonly engine: 'embedded' | 'temporal';
  readonly runs: RunService;
  readonly recipes: RecipeService;
  readonly logs: LogService;
  readonly schedules: ScheduleService;
  readonly status: StatusService;
  /** Run events and schedule decisions as they happen (SSE, `goose-flow events`). */
  readonly events: EventService;
  /** Workflow templates: the built-in catalogue and the user's own. */
  readonly templates: TemplateService;
  /**
   * Starts what a serving process runs (see `Host`); only on an app opened with `serving`. The
   * host is stopped by `Host.stop`, or by `close`.
   */
  serve(options: HostOptions): Promise<Host>;
  /** Starts a detached `goose-flow recover` if runs were left behind by a dead goose-flow. */
  recoverInBackground(): boolean;
  /**
   * Stops the host (leaving its runs), waits for the runs this process drives to settle — unless
   * `leaveRuns`: they are left to be re-adopted — and releases what the app holds.
   */
  close(options?: { leaveRuns?: boolean }): Promise<void>;
}

export interface AppOptions {
  /** The Goose desktop app (foreground runs); tests pass a fake. */
  readonly desktop?: Desktop;
  /** Where problems that do not stop a run are reported; default: stderr. */
  readonly warn?: (message: string, fields: Record<string, unknown>) => void;
  /** What opening does (a dev server started), one line per event; default: nothing. */
  readonly log?: (event: string, fields: Record<string, unknown>) => void;
  /**
   * Opened by a process that serves (`serve`, `temporal-service`, `worker`): it claims what one
   * process per data dir may hold — embedded: the daemon lock; Temporal `serve` without an
   * address: the data dir's dev server, started here and stopped by `close`.
   */
  readonly serving?: 'serve' | 'worker';
  /** The Temporal server to use (a dev server this process just started). */
  readonly temporalAddress?: string;
  /** That dev server's web UI port. */
  readonly temporalUiPort?: number;
  /** Check recipes on a worker thread (the daemon: its event loop must not wait for a file). */
  readonly isolateRecipes?: boolean;
}

export const HOST_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function stderrWarn(message: string): void {
  process.stderr.write(`goose-flow: ${message}\n`);
}
