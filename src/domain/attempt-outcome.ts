import { AttemptFailure, decideRetry } from './retry-policy.js';
import { AttemptStatus, type Run } from './run.js';
import { RunStatus } from './run-status.js';
import { EventType } from './run.js';
import type { AttemptEnd, AttemptExit, NewEvent, RunTransition } from './run-change.js';

/** How one attempt ended, in the vocabulary of the store. Pure: the driver records it. */
export interface AttemptVerdict {
  readonly end: AttemptEnd;
  readonly event: NewEvent;
}

export function judgeAttempt(exit: AttemptExit, cancelRequested: boolean): AttemptVerdict {
  const base = {
    exitCode: exit.exitCode,
    signal: exit.signal,
    logBytes: exit.logBytes,
    logTruncated: exit.logTruncated,
  };
  const stop = exit.stop && {
    escalated: exit.stop.escalated,
    stopMs: Math.round(exit.stop.elapsedMs),
  };
  const facts = { exitCode: exit.exitCode, signal: exit.signal, ...stop };
  if (exit.spawnError) {
    const failure = /ENOENT|EACCES/.test(exit.spawnError)
      ? AttemptFailure.executorNotFound
      : AttemptFailure.spawnFailed;
    return {
      end: { ...base, status: AttemptStatus.failed, failure },
      event: { type: EventType.attemptFailed, data: { failure, error: exit.spawnError } },
    };
  }
  if (exit.stoppedBy === 'cancel' || (cancelRequested && exit.exitCode !== 0)) {
    return {
      end: { ...base, status: AttemptStatus.cancelled, failure: null },
      event: { type: EventType.attemptCancelled, data: facts },
    };
  }
  if (exit.stoppedBy === 'timeout') {
    return {
      end: { ...base, status: AttemptStatus.timedOut, failure: AttemptFailure.timedOut },
      event: { type: EventType.attemptTimedOut, data: facts },
    };
  }
  if (exit.exitCode === 0) {
    return {
      end: { ...base, status: AttemptStatus.succeeded, failure: null },
      event: { type: EventType.attemptSucceeded, data: facts },
    };
  }
  if (exit.exitCode === null && exit.signal === null) {
    // Its keeper recorded no end: the keeper itself was killed, or the machine went down.
    return {
      end: { ...base, status: AttemptStatus.lost, failure: AttemptFailure.exitUnknown },
      event: {
        type: EventType.attemptLost,
        data: {
          reason:
            'exit status unknown: goose ended with no record of how (its keeper was gone too)',
        },
      },
    };
  }
  return {
    end: { ...base, status: AttemptStatus.failed, failure: AttemptFailure.exitCode },
    event: { type: EventType.attemptFailed, data: { ...facts, failure: AttemptFailure.exitCode } },
  };
}

export type RunStep =
  | { readonly kind: 'settle'; readonly status: RunStatus; readonly error: string | null }
  | { readonly kind: 'retry'; readonly delayMs: number };

/** What the run does after an attempt ended: settle, or schedule the next attempt. */
export function nextStep(run: Run, attempt: number, end: AttemptEnd): RunStep {
  switch (end.status) {
    case AttemptStatus.succeeded:
      return { kind: 'settle', status: RunStatus.succeeded, error: null };
    case AttemptStatus.cancelled:
      return { kind: 'settle', status: RunStatus.cancelled, error: 'cancelled on request' };
    case AttemptStatus.running:
      throw new Error(`attempt ${attempt} of ${run.id} has not ended`);
    case AttemptStatus.failed:
    case AttemptStatus.timedOut:
    case AttemptStatus.lost: {
      const failure = end.failure ?? AttemptFailure.exitCode;
      const decision = decideRetry(run.options.retryPolicy, attempt, failure);
      if (decision.retry) return { kind: 'retry', delayMs: decision.delayMs };
      const status = end.status === AttemptStatus.timedOut ? RunStatus.timedOut : RunStatus.failed;
      return { kind: 'settle', status, error: describeFailure(end, attempt, decision.reason) };
    }
    default: {
      const never: never = end.status;
      throw new Error(`unknown attempt status ${String(never)}`);
    }
  }
}

function describeFailure(end: AttemptEnd, attempt: number, why: string): string {
  const what =
    end.failure === AttemptFailure.timedOut
      ? `attempt ${attempt} timed out`
      : end.exitCode !== null
        ? `attempt ${attempt} exited with code ${end.exitCode}`
        : end.signal
          ? `attempt ${attempt} was killed by ${end.signal}`
          : `attempt ${attempt} failed (${end.failure ?? 'unknown'})`;
  return `${what}; not retried: ${why}`;
}

/** The run transition that carries out a step, with its timeline event. */
export function transitionFor(
  step: RunStep,
  attempt: number,
  now: number,
  exitCode: number | null,
): RunTransition {
  if (step.kind === 'retry') {
    const nextAttemptAt = now + step.delayMs;
    return {
      to: RunStatus.retrying,
      patch: { nextAttemptAt },
      event: {
        type: EventType.retryScheduled,
        attempt,
        data: {
          nextAttempt: attempt + 1,
          delayMs: step.delayMs,
          at: new Date(nextAttemptAt).toISOString(),
        },
      },
    };
  }
  return {
    to: step.status,
    patch: { error: step.error, exitCode },
    event: {
      type: EventType.completed,
      data: { status: step.status, ...(step.error ? { error: step.error } : {}) },
    },
  };
}
