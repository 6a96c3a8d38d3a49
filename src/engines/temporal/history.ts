/**
 * A run's attempts and timeline, built from its workflow history: the activity's attempt signals
 * (pid, exit code, failure…) and Temporal's own events (cancel requested, terminated, completed).
 */
import { defaultPayloadConverter } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { AttemptStatus, EventType, type Attempt, type RunEvent } from '../../domain/run.js';
import type { AttemptFailure } from '../../domain/retry-policy.js';
import { ATTEMPT_SIGNAL, KILL_SIGNAL, type AttemptReport } from './names.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;
type Timestamp =
  { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined;

export function tsMs(ts: Timestamp): number | null {
  if (!ts || ts.seconds === null || ts.seconds === undefined) return null;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : ts.seconds.toNumber();
  return seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6);
}

export function decodePayload<T>(payload: unknown): T | undefined {
  if (!payload) return undefined;
  try {
    return defaultPayloadConverter.fromPayload<T>(payload as never);
  } catch {
    return undefined;
  }
}

export interface Timeline {
  readonly attempts: Attempt[];
  readonly events: RunEvent[];
  readonly sessionId: string | null;
  readonly exitCode: number | null;
  readonly error: string | null;
  readonly cancelRequestedAt: number | null;
  readonly terminated: boolean;
}

const ENDED_EVENT: Record<string, RunEvent['type']> = {
  succeeded: EventType.attemptSucceeded,
  failed: EventType.attemptFailed,
  timed_out: EventType.attemptTimedOut,
  cancelled: EventType.attemptCancelled,
};

export function buildTimeline(
  runId: string,
  history: readonly HistoryEvent[],
  timeoutMs: number,
): Timeline {
  const events: RunEvent[] = [];
  const attempts = new Map<number, Attempt>();
  let sessionId: string | null = null;
  let exitCode: number | null = null;
  let error: string | null = null;
  let cancelRequestedAt: number | null = null;
  let terminated = false;
  let killReason: string | null = null;
  const push = (
    at: number,
    type: RunEvent['type'],
    attempt: number | null,
    data: Record<string, unknown>,
  ) => events.push({ seq: events.length + 1, runId, at, type, attempt, data });
  const loseOpenAttempts = (at: number, before: number, reason: string) => {
    for (const a of attempts.values()) {
      if (a.status === AttemptStatus.running && a.number < before) {
        attempts.set(a.number, {
          ...a,
          status: AttemptStatus.lost,
          endedAt: at,
          failure: 'ProcessLost',
        });
        push(at, EventType.attemptLost, a.number, { reason });
      }
    }
  };
  for (const event of history) {
    const at = tsMs(event.eventTime as Timestamp) ?? 0;
    if (event.workflowExecutionStartedEventAttributes) {
      push(at, EventType.created, null, {
        taskQueue: event.workflowExecutionStartedEventAttributes.taskQueue?.name ?? null,
      });
    } else if (event.workflowExecutionSignaledEventAttributes?.signalName === ATTEMPT_SIGNAL) {
      const report = decodePayload<AttemptReport>(
        event.workflowExecutionSignaledEventAttributes.input?.payloads?.[0],
      );
      if (!report) continue;
      if (report.phase === 'started' && report.reattached) {
        // A worker on the attempt's host took up its goose after the one that started it died.
        push(report.at, EventType.attemptAdopted, report.attempt, {
          pid: report.pid ?? null,
          host: report.host,
          worker: report.worker ?? null,
        });
      } else if (report.phase === 'started') {
        loseOpenAttempts(
          at,
          report.attempt,
          'the worker running it went away (heartbeat timed out); Temporal retried the run',
        );
        attempts.set(report.attempt, {
          runId,
          number: report.attempt,
          status: AttemptStatus.running,
          process: report.pid ? { pid: report.pid, startTime: null } : null,
          keeper: null,
          startedAt: report.at,
          endedAt: null,
          deadlineAt: report.at + timeoutMs,
          heartbeatAt: null,
          exitCode: null,
          signal: null,
          failure: null,
          logPath: report.logPath ?? '',
          logBytes: 0,
          logTruncated: false,
        });
        push(report.at, EventType.attemptStarted, report.attempt, {
          pid: report.pid ?? null,
          host: report.host,
          worker: report.worker ?? null,
          logPath: report.logPath ?? null,
        });
      } else {
        const prior = attempts.get(report.attempt);
        const status = (report.status ?? 'failed') as AttemptStatus;
        attempts.set(report.attempt, {
          runId,
          number: report.attempt,
          status,
          process: prior?.process ?? null,
          keeper: null,
          startedAt: prior?.startedAt ?? report.at,
          endedAt: report.at,
          deadlineAt: prior?.deadlineAt ?? report.at,
          heartbeatAt: null,
          exitCode: report.exitCode ?? null,
          signal: report.signal ?? null,
          failure: (report.failure ?? null) as AttemptFailure | null,
          logPath: report.logPath ?? prior?.logPath ?? '',
          logBytes: report.logBytes ?? 0,
          logTruncated: report.logTruncated ?? false,
        });
        if (report.sessionId) {
          sessionId = report.sessionId;
          push(report.at, EventType.sessionDetected, report.attempt, {
            sessionId: report.sessionId,
          });
        }
        if (report.exitCode !== undefined) exitCode = report.exitCode;
        if (report.status !== 'succeeded') error = report.message ?? null;
        push(report.at, ENDED_EVENT[status] ?? EventType.attemptFailed, report.attempt, {
          exitCode: report.exitCode ?? null,
          signal: report.signal ?? null,
          failure: report.failure ?? null,
          message: report.message ?? null,
          host: report.host,
        });
        if (report.willRetry)
          push(report.at, EventType.retryScheduled, report.attempt, { by: 'temporal' });
      }
    } else if (event.workflowExecutionSignaledEventAttributes?.signalName === KILL_SIGNAL) {
      const kill = decodePayload<{ reason: string }>(
        event.workflowExecutionSignaledEventAttributes.input?.payloads?.[0],
      );
      killReason = kill?.reason ?? killReason;
    } else if (event.workflowExecutionCancelRequestedEventAttributes) {
      cancelRequestedAt ??= at;
      push(at, EventType.killRequested, null, {
        reason:
          killReason ??
          (event.workflowExecutionCancelRequestedEventAttributes.cause || 'cancel requested'),
      });
    } else if (event.activityTaskTimedOutEventAttributes) {
      loseOpenAttempts(
        at,
        Number.MAX_SAFE_INTEGER,
        'the activity timed out on the server (no heartbeat): its worker is gone',
      );
    } else if (event.workflowExecutionTerminatedEventAttributes) {
      terminated = true;
      const reason = event.workflowExecutionTerminatedEventAttributes.reason || 'terminated';
      error = reason;
      push(at, EventType.processKilled, null, { reason, how: 'terminate' });
      push(at, EventType.completed, null, { status: 'cancelled' });
    } else if (event.workflowExecutionCompletedEventAttributes) {
      push(at, EventType.completed, null, { status: 'succeeded' });
    } else if (event.workflowExecutionFailedEventAttributes) {
      const failure = event.workflowExecutionFailedEventAttributes.failure;
      error = failure?.message ?? error;
      const timedOut = failure?.applicationFailureInfo?.type === 'TimedOut';
      push(at, EventType.completed, null, { status: timedOut ? 'timed_out' : 'failed', error });
    } else if (event.workflowExecutionCanceledEventAttributes) {
      push(at, EventType.completed, null, { status: 'cancelled' });
    } else if (event.workflowExecutionTimedOutEventAttributes) {
      push(at, EventType.completed, null, { status: 'timed_out' });
    }
  }
  return {
    attempts: [...attempts.values()].sort((a, b) => a.number - b.number),
    events: inTimeOrder(events),
    sessionId,
    exitCode,
    error,
    cancelRequestedAt,
    terminated,
  };
}

/**
 * Attempt reports carry the worker's time of what happened, Temporal's own events the server's
 * time of arrival: ordered by time (stable), the run's creation first and its completion last
 * whatever the clocks say, then numbered again.
 */
export function inTimeOrder(events: readonly RunEvent[]): RunEvent[] {
  const rank = (e: RunEvent) =>
    e.type === EventType.created ? 0 : e.type === EventType.completed ? 2 : 1;
  return events
    .map((e, i) => ({ e, i }))
    .sort((a, b) => rank(a.e) - rank(b.e) || a.e.at - b.e.at || a.i - b.i)
    .map(({ e }, i) => ({ ...e, seq: i + 1 }));
}
