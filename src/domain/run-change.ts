/**
 * What changes when a run moves: the transition, the event it records, and how an attempt ended.
 * Pure values: the engines' stores record them, the judgement in attempt-outcome.ts decides them.
 */
import type { AttemptStatus, EventType, Run } from './run.js';
import type { RunStatus } from './run-status.js';
import type { AttemptFailure } from './retry-policy.js';

export interface NewEvent {
  readonly type: EventType;
  readonly attempt?: number | null;
  readonly data?: Record<string, unknown>;
}

export type RunPatch = Partial<
  Pick<
    Run,
    'nextAttemptAt' | 'sessionId' | 'exitCode' | 'error' | 'endedAt' | 'startedAt' | 'owner'
  >
>;

export interface RunTransition {
  readonly to: RunStatus;
  readonly patch: RunPatch;
  readonly event: NewEvent;
}

export interface AttemptEnd {
  readonly status: AttemptStatus;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly failure: AttemptFailure | null;
  readonly logBytes: number;
  readonly logTruncated: boolean;
}

export type StopReason = 'cancel' | 'timeout';

export interface AttemptExit {
  /** null when the process was not our child (re-adopted) or died by a signal. */
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly stoppedBy: StopReason | null;
  readonly logBytes: number;
  readonly logTruncated: boolean;
  readonly adopted: boolean;
  readonly spawnError: string | null;
  /** How the stop went, when goose-flow stopped the attempt (timeout or kill). */
  readonly stop: KillReport | null;
}

export interface KillReport {
  readonly escalated: boolean;
  readonly elapsedMs: number;
}
