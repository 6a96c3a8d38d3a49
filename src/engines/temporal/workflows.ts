/**
 * GooseJobWorkflow — the Go temporal-service's workflow, in TypeScript: one run = one workflow,
 * the recipe runs as one activity with the run's timeout, heartbeat and retry policy. Bundled at
 * build time (scripts/bundle-workflows.mjs); deterministic code only.
 */
import {
  ActivityCancellationType,
  ActivityFailure,
  ApplicationFailure,
  TimeoutFailure,
  condition,
  defineQuery,
  defineSignal,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  ATTEMPT_SIGNAL,
  KILL_SIGNAL,
  MARK_SIGNAL,
  SearchAttribute,
  type AttemptReport,
  type GooseJobInput,
  type GooseJobResult,
} from './names.js';

export interface GooseJobActivities {
  runRecipe(input: GooseJobInput): Promise<GooseJobResult>;
}

/** What listings show of a run without reading its history (kept in the workflow's memo). */
export interface RunProgress {
  attempts: number;
  exitCode: number | null;
  sessionId: string | null;
  error: string | null;
}

export const attemptSignal = defineSignal<[AttemptReport]>(ATTEMPT_SIGNAL);
export const killSignal = defineSignal<[{ reason: string }]>(KILL_SIGNAL);
export const markSignal = defineSignal<[{ trigger: 'manual' }]>(MARK_SIGNAL);
export const attemptsQuery = defineQuery<AttemptReport[]>('attempts');

const statusKey = defineSearchAttributeKey(SearchAttribute.status, SearchAttributeType.KEYWORD);
const triggerKey = defineSearchAttributeKey(SearchAttribute.trigger, SearchAttributeType.KEYWORD);

/** Temporal's start-to-close is a backstop: the supervisor enforces the run's timeout and grace itself. */
const BACKSTOP_MS = 30_000;

function setStatus(status: string): void {
  upsertSearchAttributes([{ key: statusKey, value: status }]);
}

export async function GooseJobWorkflow(input: GooseJobInput): Promise<GooseJobResult> {
  const reports: AttemptReport[] = [];
  setHandler(attemptsQuery, () => reports);
  // The reason lands in the history (the timeline reads it); the cancel request that follows acts.
  setHandler(killSignal, () => undefined);
  setHandler(markSignal, ({ trigger }) => {
    if (trigger === 'manual') upsertSearchAttributes([{ key: triggerKey, value: trigger }]);
  });
  const progress: RunProgress = { attempts: 0, exitCode: null, sessionId: null, error: null };
  setHandler(attemptSignal, (report) => {
    reports.push(report);
    if (report.phase === 'started') {
      setStatus('running');
      progress.attempts = Math.max(progress.attempts, report.attempt);
    } else {
      if (report.willRetry) setStatus('retrying');
      progress.exitCode = report.exitCode ?? null;
      progress.sessionId = report.sessionId ?? progress.sessionId;
      progress.error = report.status === 'succeeded' ? null : (report.message ?? null);
    }
    // Listings read the memo: attempts, exit code and session id without the history.
    upsertMemo({ progress: { ...progress } });
  });
  const { options } = input;
  const { runRecipe } = proxyActivities<GooseJobActivities>({
    startToCloseTimeout: options.timeoutMs + options.graceMs + BACKSTOP_MS,
    heartbeatTimeout: Math.max(options.heartbeatMs * 3, 3_000),
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: {
      initialInterval: options.retry.initialIntervalMs,
      backoffCoefficient: options.retry.backoffCoefficient,
      maximumInterval: options.retry.maximumIntervalMs,
      maximumAttempts: options.retry.maxAttempts,
      nonRetryableErrorTypes: [...options.retry.nonRetryableErrorTypes],
    },
  });
  try {
    const result = await runRecipe(input);
    // Signals sent by the activity before it returned are delivered first; nothing to wait for.
    setStatus('succeeded');
    return result;
  } catch (err) {
    if (isCancellation(err)) {
      setStatus('cancelled');
      throw err;
    }
    const timedOut = isTimeout(err);
    setStatus(timedOut ? 'timed_out' : 'failed');
    // Let a late "ended" signal of the last attempt land in the history before the run closes.
    await condition(() => reports.some((r) => r.phase === 'ended' && !r.willRetry), 1_000);
    throw ApplicationFailure.nonRetryable(messageOf(err), timedOut ? 'TimedOut' : failureType(err));
  }
}

function isTimeout(err: unknown): boolean {
  if (!(err instanceof ActivityFailure)) return false;
  const cause = err.cause;
  if (cause instanceof TimeoutFailure) return true;
  return cause instanceof ApplicationFailure && cause.type === 'TimedOut';
}

function failureType(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure)
    return err.cause.type ?? 'Failed';
  return 'Failed';
}

function messageOf(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}
