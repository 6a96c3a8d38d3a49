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
  patched,
  sleep,
  defineQuery,
  defineSignal,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import { TimeoutType } from '@temporalio/common';
import {
  ATTEMPT_SIGNAL,
  HOME_WAIT_MS,
  type AttemptBeat,
  type AttemptReport,
  type GooseJobInput,
  type GooseJobResult,
} from './names.js';
import {
  killSignal,
  markSignal,
  setStatus,
  triggerKey,
  type GooseJobActivities,
  type RunProgress,
} from './workflow-common.js';

export { GoosePipelineWorkflow } from './pipeline-workflow.js';
export { killSignal, markSignal, type GooseJobActivities, type RunProgress };

export const attemptSignal = defineSignal<[AttemptReport]>(ATTEMPT_SIGNAL);
export const attemptsQuery = defineQuery<AttemptReport[]>('attempts');

/** Temporal's start-to-close is a backstop: the supervisor enforces the run's timeout and grace itself. */
const BACKSTOP_MS = 30_000;

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
  // Workflows started before attempts had a home replay as they ran.
  if (!patched('attempt-home')) return runWithServerRetries(input, reports);
  return runWithHomeRetries(input, reports);
}

/** Each attempt's activity: Temporal's start-to-close is a backstop (the supervisor keeps the timeout). */
function activityOptions(input: GooseJobInput) {
  const { options } = input;
  return {
    startToCloseTimeout: options.timeoutMs + options.graceMs + BACKSTOP_MS,
    heartbeatTimeout: Math.max(options.heartbeatMs * 3, 3_000),
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  };
}

/** A worker that died may leave its goose running: so many tries to reach its host per attempt. */
const MAX_RESUMES = 5;

/**
 * Attempts as a loop of the workflow's own (the retry policy applied here, not by the server), so
 * that an attempt whose worker died is resumed on *that worker's host*: its goose runs on under
 * its keeper there, and a worker on that host re-attaches to it or reads how it ended. Only when
 * no worker of that host takes the attempt within HOME_WAIT_MS is it counted lost and retried on
 * any host.
 */
async function runWithHomeRetries(
  input: GooseJobInput,
  reports: AttemptReport[],
): Promise<GooseJobResult> {
  const { retry } = input.options;
  const anywhere = proxyActivities<GooseJobActivities>({
    ...activityOptions(input),
    retry: { maximumAttempts: 1 },
  });
  let attempt = 1;
  let home: string | null = null;
  let resumes = 0;
  for (;;) {
    try {
      const act = home
        ? proxyActivities<GooseJobActivities>({
            ...activityOptions(input),
            taskQueue: home,
            scheduleToStartTimeout: HOME_WAIT_MS,
            retry: { maximumAttempts: 1 },
          })
        : anywhere;
      const result = await act.runRecipe({ ...input, attempt });
      setStatus('succeeded');
      return result;
    } catch (err) {
      if (isCancellation(err)) {
        setStatus('cancelled');
        throw err;
      }
      const lastHome = workerDiedOn(err);
      let type = failureType(err);
      if (home !== null && timeoutOf(err) === TimeoutType.SCHEDULE_TO_START) {
        // Its host did not come back within the bound: the attempt is lost.
        type = 'ProcessLost';
      } else if (lastHome !== null && resumes < MAX_RESUMES) {
        home = lastHome;
        resumes++;
        continue;
      } else if (lastHome !== null) {
        type = 'ProcessLost';
      }
      home = null;
      resumes = 0;
      const final =
        nonRetryable(err) ||
        retry.nonRetryableErrorTypes.includes(type) ||
        (retry.maxAttempts > 0 && attempt >= retry.maxAttempts);
      if (final) return fail(err, type, reports);
      setStatus('retrying');
      await sleep(backoffMs(input, attempt));
      attempt++;
    }
  }
}

function backoffMs(input: GooseJobInput, attempt: number): number {
  const { retry } = input.options;
  const ms = retry.initialIntervalMs * Math.pow(retry.backoffCoefficient, attempt - 1);
  return Math.min(ms, retry.maximumIntervalMs > 0 ? retry.maximumIntervalMs : ms);
}

/** The home queue of the worker that ran the attempt, when the attempt ended because it died. */
function workerDiedOn(err: unknown): string | null {
  if (timeoutOf(err) !== TimeoutType.HEARTBEAT) return null;
  const cause = (err as ActivityFailure).cause as TimeoutFailure;
  const beat = cause.lastHeartbeatDetails as Partial<AttemptBeat> | undefined;
  return typeof beat?.home === 'string' && beat.home !== '' ? beat.home : null;
}

function timeoutOf(err: unknown): TimeoutType | null {
  if (!(err instanceof ActivityFailure) || !(err.cause instanceof TimeoutFailure)) return null;
  return err.cause.timeoutType;
}

function nonRetryable(err: unknown): boolean {
  return (
    err instanceof ActivityFailure &&
    err.cause instanceof ApplicationFailure &&
    err.cause.nonRetryable === true
  );
}

async function fail(err: unknown, type: string, reports: AttemptReport[]): Promise<never> {
  // A heartbeat or schedule-to-start timeout is a lost attempt, not a goose past its deadline.
  const timedOut = type !== 'ProcessLost' && isTimeout(err);
  setStatus(timedOut ? 'timed_out' : 'failed');
  // Let a late "ended" signal of the last attempt land in the history before the run closes.
  await condition(() => reports.some((r) => r.phase === 'ended' && !r.willRetry), 1_000);
  throw ApplicationFailure.nonRetryable(messageOf(err), timedOut ? 'TimedOut' : type);
}

/** How workflows started before E7 ran: the server retries the activity, on any worker. */
async function runWithServerRetries(
  input: GooseJobInput,
  reports: AttemptReport[],
): Promise<GooseJobResult> {
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
    return fail(err, failureType(err), reports);
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
