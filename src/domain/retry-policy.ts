/**
 * Retry policy with Temporal's meaning: the delay before attempt n+1 is
 * min(initial × coefficient^(n-1), maximum); `maxAttempts` counts the first attempt too.
 */
export interface RetryPolicy {
  readonly initialIntervalMs: number;
  readonly backoffCoefficient: number;
  readonly maximumIntervalMs: number;
  readonly maxAttempts: number;
  /** Error types that end the run at once, whatever attempts remain. */
  readonly nonRetryableErrorTypes: readonly string[];
}

/** The failure kinds an attempt can end with. */
export const AttemptFailure = {
  exitCode: 'ExitCode',
  timedOut: 'TimedOut',
  lost: 'ProcessLost',
  exitUnknown: 'ExitStatusUnknown',
  spawnFailed: 'SpawnFailed',
  invalidRecipe: 'InvalidRecipe',
  executorNotFound: 'ExecutorNotFound',
} as const;
export type AttemptFailure = (typeof AttemptFailure)[keyof typeof AttemptFailure];

/** The Go temporal-service's values; an invalid recipe or a missing goose is never retried. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  initialIntervalMs: 1_000,
  backoffCoefficient: 2,
  maximumIntervalMs: 60_000,
  maxAttempts: 3,
  nonRetryableErrorTypes: Object.freeze([
    AttemptFailure.invalidRecipe,
    AttemptFailure.executorNotFound,
  ]),
});

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string };

export function decideRetry(
  policy: RetryPolicy,
  attemptNumber: number,
  failure: AttemptFailure,
): RetryDecision {
  if (policy.nonRetryableErrorTypes.includes(failure)) {
    return { retry: false, reason: `${failure} is not retryable` };
  }
  if (policy.maxAttempts > 0 && attemptNumber >= policy.maxAttempts) {
    return { retry: false, reason: `attempt ${attemptNumber} of ${policy.maxAttempts} used` };
  }
  const raw = policy.initialIntervalMs * policy.backoffCoefficient ** (attemptNumber - 1);
  return { retry: true, delayMs: Math.min(raw, policy.maximumIntervalMs) };
}

/** `--retries N` means N retries after the first attempt. */
export function withRetries(policy: RetryPolicy, retries: number): RetryPolicy {
  return Object.freeze({ ...policy, maxAttempts: retries + 1 });
}
