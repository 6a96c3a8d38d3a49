import { ConflictError } from './errors.js';

/** The life of a run. `retrying` sits between attempts; the last four are terminal. */
export const RunStatus = {
  pending: 'pending',
  running: 'running',
  retrying: 'retrying',
  succeeded: 'succeeded',
  failed: 'failed',
  timedOut: 'timed_out',
  cancelled: 'cancelled',
} as const;
export type RunStatus = (typeof RunStatus)[keyof typeof RunStatus];

export const RUN_STATUSES: readonly RunStatus[] = Object.values(RunStatus);
export const TERMINAL_STATUSES: readonly RunStatus[] = [
  RunStatus.succeeded,
  RunStatus.failed,
  RunStatus.timedOut,
  RunStatus.cancelled,
];

const TRANSITIONS: Record<RunStatus, readonly RunStatus[]> = {
  pending: ['running', 'failed', 'cancelled'],
  running: ['retrying', 'succeeded', 'failed', 'timed_out', 'cancelled'],
  retrying: ['running', 'failed', 'cancelled'],
  succeeded: [],
  failed: [],
  timed_out: [],
  cancelled: [],
};

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

export function isRunStatus(value: string): value is RunStatus {
  return (RUN_STATUSES as readonly string[]).includes(value);
}

/** The one place that decides whether a run may move from `from` to `to`. */
export function assertTransition(runId: string, from: RunStatus, to: RunStatus): void {
  if (!TRANSITIONS[from].includes(to)) {
    throw new ConflictError(
      'illegal_transition',
      `run ${runId} cannot go from ${from} to ${to}` +
        (isTerminal(from) ? ` (it already ended as ${from})` : ''),
      { runId, from, to },
    );
  }
}
