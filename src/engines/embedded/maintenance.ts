import type { RecoveryReport } from '../contract.js';
import type { Clock, RunStore, SystemJobStore } from '../ports.js';

export interface Retention {
  /** Ended runs older than this are deleted with their logs; null = keep. */
  readonly maxAgeMs: number | null;
  /** At most this many ended runs per schedule are kept; null = all. */
  readonly maxRunsPerSchedule: number | null;
}

export interface MaintenanceDeps {
  readonly runs: RunStore;
  readonly jobs: SystemJobStore;
  readonly clock: Clock;
  readonly retention: Retention;
  /** The run scanner's work: claim runs left by dead or hung owners and resume them. */
  readonly recover: () => Promise<RecoveryReport>;
  /** Deletes log files (and their emptied folders); returns how many files went. */
  readonly removeLogs: (paths: readonly string[]) => number;
  /** Deletes recipe snapshots nothing refers to (untouched for an hour); returns how many. */
  readonly pruneSnapshots: () => number;
  readonly log: (event: string, fields?: Record<string, unknown>) => void;
}

export const RUN_SCANNER = 'run-scanner';
export const HISTORY_SCANNER = 'history-scanner';

/**
 * The embedded engine's two system jobs — counterparts of Temporal's task-queue and history
 * scanners: the run scanner settles runs whose process vanished or whose heartbeat went stale;
 * the history scanner enforces retention of runs, their events, logs and old decisions.
 */
export class Maintenance {
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly deps: MaintenanceDeps) {}

  start(): void {
    for (const job of this.deps.jobs.list()) {
      const pass = job.name === RUN_SCANNER ? () => this.scanRuns() : () => this.scanHistory();
      this.timers.push(setInterval(() => void this.run(job.name, pass), job.everyMs));
    }
    // History is checked once soon after start, then on its own schedule.
    this.timers.push(
      setTimeout(() => void this.run(HISTORY_SCANNER, () => this.scanHistory()), 60_000),
    );
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
  }

  async run(
    name: string,
    pass: () => Promise<Record<string, unknown>> | Record<string, unknown>,
  ): Promise<void> {
    this.deps.jobs.started(name);
    try {
      const result = await pass();
      this.deps.jobs.finished(name, result);
      // A pass that found nothing to do is recorded for `status`, not logged every 30 s.
      if (Object.values(result).some((v) => v !== 0))
        this.deps.log('system_job_finished', { job: name, ...result });
    } catch (err) {
      this.deps.jobs.finished(name, { error: (err as Error).message });
      this.deps.log('system_job_failed', { job: name, error: (err as Error).message });
    }
  }

  async scanRuns(): Promise<Record<string, unknown>> {
    const report = await this.deps.recover();
    return {
      adopted: report.adopted.length,
      retried: report.retried.length,
      resumed: report.resumed.length,
      failed: report.failed.length,
    };
  }

  scanHistory(): Record<string, unknown> {
    const { maxAgeMs, maxRunsPerSchedule } = this.deps.retention;
    const cutoff = maxAgeMs === null ? null : this.deps.clock.now() - maxAgeMs;
    const expired = this.deps.runs.expiredRuns(cutoff, maxRunsPerSchedule);
    const logs = this.deps.runs.deleteRuns(expired.map((r) => r.id));
    const logFiles = this.deps.removeLogs(logs);
    const occurrences = cutoff === null ? 0 : this.deps.jobs.deleteOccurrencesBefore(cutoff);
    const snapshots = this.deps.pruneSnapshots();
    return { runs: expired.length, logFiles, occurrences, snapshots };
  }
}
