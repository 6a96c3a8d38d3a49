/**
 * What `goose-flow status` and `GET /api/v1/status` report: the engine and where it is, the daemon
 * (embedded) or the workers (Temporal), schedules, active runs and the maintenance jobs — assembled
 * once here, rendered by each face.
 */
import type { ProcessIdentity, Run } from '../domain/run.js';
import type { EngineKind } from '../domain/config.js';
import type { SystemJobRecord } from '../engines/ports.js';
import type { RunService } from './runs.js';
import type { ScheduleService } from './schedules.js';

export type { SystemJobRecord } from '../engines/ports.js';

/** Where the engine is; fixed while the app is open. */
export interface EngineInfo {
  readonly engine: EngineKind;
  readonly dataDir: string;
  readonly temporal: {
    readonly address: string;
    readonly namespace: string;
    readonly taskQueue: string;
    /** The Temporal web UI's port (the dev server's, or as configured); 0 when unknown. */
    readonly uiPort: number;
    /** What Temporal's own system workflows do in place of the embedded maintenance jobs. */
    readonly systemWorkflows: readonly string[];
  } | null;
}

export interface StatusReport extends EngineInfo {
  /** The embedded daemon of this data dir, if one lives; null on Temporal. */
  readonly daemon: (ProcessIdentity & { readonly startedAt: number }) | null;
  /** Workers polling the task queue now (Temporal); null on the embedded engine. */
  readonly workers: number | null;
  readonly schedules: { readonly total: number; readonly active: number; readonly paused: number };
  /** Runs pending, running or retrying (at most 1,000 of each). */
  readonly activeRuns: readonly Run[];
  /** The maintenance jobs and what they last did (embedded; none on Temporal). */
  readonly systemJobs: readonly SystemJobRecord[];
}

export interface StatusDeps {
  readonly info: EngineInfo;
  readonly runs: RunService;
  readonly schedules: ScheduleService;
  readonly systemJobs: () => SystemJobRecord[];
  /** Pollers of the task queue (Temporal); null when the engine has none. */
  readonly workers: (() => Promise<number>) | null;
}

const ACTIVE = ['running', 'retrying', 'pending'] as const;

export class StatusService {
  constructor(private readonly deps: StatusDeps) {}

  get info(): EngineInfo {
    return this.deps.info;
  }

  /** Workers polling the task queue (Temporal); null on the embedded engine. */
  async workers(): Promise<number | null> {
    return this.deps.workers ? this.deps.workers() : null;
  }

  async report(): Promise<StatusReport> {
    const [schedules, active, workers] = await Promise.all([
      this.deps.schedules.list(),
      Promise.all(ACTIVE.map((status) => this.deps.runs.list({ status, limit: 1000 }))),
      this.workers(),
    ]);
    const paused = schedules.filter((s) => s.state.paused).length;
    return {
      ...this.deps.info,
      daemon: this.deps.schedules.daemon(),
      workers,
      schedules: { total: schedules.length, active: schedules.length - paused, paused },
      activeRuns: active.flat(),
      systemJobs: this.deps.systemJobs(),
    };
  }
}
