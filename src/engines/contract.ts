import type { Attempt, Run, RunEvent } from '../domain/run.js';
import type { NewRun, RunQuery } from './ports.js';

/** Live hooks a caller in the same process may attach to a run it starts. */
export interface RunObserver {
  onOutput?(chunk: Buffer): void;
  onEvent?(type: string, data: Record<string, unknown>): void;
}

export interface StartedRun {
  readonly run: Run;
  /** Resolves with the settled run once it reaches a terminal status. */
  readonly settled: Promise<Run>;
}

export interface CancelOutcome {
  readonly run: Run;
  /** True when the run reached a terminal status before `cancel` returned. */
  readonly settled: boolean;
}

export interface RecoveryReport {
  readonly adopted: string[];
  readonly retried: string[];
  readonly failed: string[];
  readonly resumed: string[];
}

/**
 * What services need from an engine. The embedded engine implements it over SQLite and child
 * processes; the Temporal engine (E3) over workflows and activities — same meaning, one suite.
 */
export interface Engine {
  readonly name: 'embedded' | 'temporal';
  startRun(run: Omit<NewRun, 'owner'>, observer?: RunObserver): StartedRun;
  /** Records a run for another process (the daemon) to pick up and drive. */
  enqueueRun(run: Omit<NewRun, 'owner'>): Run;
  cancelRun(runId: string, reason: string): Promise<CancelOutcome>;
  getRun(runId: string): Run | undefined;
  listRuns(query: RunQuery): Run[];
  attempts(runId: string): Attempt[];
  events(runId: string): RunEvent[];
  /** Cancels every run this process drives and waits for them to settle. */
  cancelAll(reason: string): Promise<void>;
  /** Runs left unsettled by a goose-flow process that is gone. */
  orphanedRuns(): Run[];
  /** Claims orphaned runs and drives each to a terminal status; resolves when all have settled. */
  recoverOrphans(): Promise<RecoveryReport>;
  close(): Promise<void>;
}
