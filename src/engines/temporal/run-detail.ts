/**
 * A recipe run's detail from its workflow: its attempts and timeline from the history, the live
 * attempt from the pending activity's last heartbeat, and a step's output from its result.
 */
import type { WorkflowExecutionDescription } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import type { Run } from '../../domain/run.js';
import { RunStatus, isTerminal } from '../../domain/run-status.js';
import type { LiveAttempt, RunDetail } from '../contract.js';
import { decodePayload, tsMs, type Timeline } from './history.js';
import type { AttemptBeat, GooseJobResult } from './names.js';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export function recipeDetail(
  base: Run,
  desc: WorkflowExecutionDescription,
  history: readonly HistoryEvent[],
  timeline: Timeline,
): RunDetail {
  const pending = desc.raw.pendingActivities?.[0];
  const beat = decodePayload<AttemptBeat>(pending?.heartbeatDetails?.payloads?.[0]);
  const attemptNumber = pending?.attempt ?? 0;
  const started = timeline.attempts.some((a) => a.number === attemptNumber && a.endedAt === null);
  let status = base.status;
  let nextAttemptAt: number | null = null;
  if (!isTerminal(status)) {
    if (pending && !started && attemptNumber > 1) {
      status = RunStatus.retrying;
      nextAttemptAt =
        tsMs(pending.nextAttemptScheduleTime as never) ?? tsMs(pending.scheduledTime as never);
    } else if (timeline.attempts.length === 0) status = RunStatus.pending;
    else status = RunStatus.running;
  }
  const live: LiveAttempt | null =
    beat && !isTerminal(status)
      ? {
          attempt: beat.attempt,
          host: beat.host,
          pid: beat.pid,
          sessionId: beat.sessionId,
          logPath: beat.logPath,
          tail: beat.tail,
        }
      : null;
  const attempts = timeline.attempts.map((a) =>
    live && a.number === live.attempt
      ? { ...a, heartbeatAt: tsMs(pending?.lastHeartbeatTime as never) }
      : a,
  );
  return {
    run: {
      ...base,
      status,
      nextAttemptAt,
      attemptCount: Math.max(attempts.length, started ? attemptNumber : 0),
      sessionId: timeline.sessionId ?? live?.sessionId ?? null,
      exitCode: timeline.exitCode,
      error: isTerminal(status) && status !== RunStatus.succeeded ? timeline.error : null,
      cancelRequestedAt: timeline.cancelRequestedAt,
    },
    attempts,
    events: timeline.events,
    live,
    pipeline: null,
    output: stepRunOutput(status, history),
  };
}

/** What a step's run handed over: the output its activity took from the log, once it succeeded. */
function stepRunOutput(
  status: Run['status'],
  history: readonly HistoryEvent[],
): { value: unknown } | null {
  if (status !== 'succeeded') return null;
  const completed = history.find((e) => e.workflowExecutionCompletedEventAttributes);
  const payload = completed?.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0];
  const got = decodePayload<GooseJobResult>(payload)?.output;
  return got && 'value' in got ? { value: got.value } : null;
}
