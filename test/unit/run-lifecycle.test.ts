import { describe, expect, it } from 'vitest';
import {
  assertTransition,
  isTerminal,
  RUN_STATUSES,
  type RunStatus,
} from '../../src/domain/run-status.js';
import {
  AttemptFailure,
  decideRetry,
  DEFAULT_RETRY_POLICY,
  withRetries,
} from '../../src/domain/retry-policy.js';
import { formatDuration, parseDuration } from '../../src/domain/duration.js';
import { judgeAttempt, nextStep } from '../../src/domain/attempt-outcome.js';
import type { AttemptExit } from '../../src/engines/ports.js';
import type { Run } from '../../src/domain/run.js';

describe('run status transitions', () => {
  const legal: [RunStatus, RunStatus][] = [
    ['pending', 'running'],
    ['running', 'retrying'],
    ['retrying', 'running'],
    ['running', 'succeeded'],
    ['running', 'timed_out'],
    ['retrying', 'cancelled'],
    ['pending', 'cancelled'],
  ];
  it.each(legal)('%s → %s is allowed', (from, to) => {
    expect(() => assertTransition('r', from, to)).not.toThrow();
  });

  it('rejects leaving a terminal status, naming the run and both statuses', () => {
    for (const from of RUN_STATUSES.filter(isTerminal)) {
      for (const to of RUN_STATUSES) {
        expect(() => assertTransition('r1', from, to)).toThrow(
          `run r1 cannot go from ${from} to ${to} (it already ended as ${from})`,
        );
      }
    }
  });

  it('rejects skipping running', () => {
    expect(() => assertTransition('r', 'pending', 'succeeded')).toThrow(/pending to succeeded/);
    expect(() => assertTransition('r', 'retrying', 'timed_out')).toThrow(/retrying to timed_out/);
  });
});

describe('retry policy (Temporal semantics)', () => {
  it('backs off 1s, 2s, then stops at 3 attempts by default', () => {
    expect(decideRetry(DEFAULT_RETRY_POLICY, 1, AttemptFailure.exitCode)).toEqual({
      retry: true,
      delayMs: 1000,
    });
    expect(decideRetry(DEFAULT_RETRY_POLICY, 2, AttemptFailure.exitCode)).toEqual({
      retry: true,
      delayMs: 2000,
    });
    expect(decideRetry(DEFAULT_RETRY_POLICY, 3, AttemptFailure.exitCode)).toEqual({
      retry: false,
      reason: 'attempt 3 of 3 used',
    });
  });

  it('caps the interval at the maximum', () => {
    const many = withRetries(DEFAULT_RETRY_POLICY, 20);
    expect(decideRetry(many, 7, AttemptFailure.timedOut)).toEqual({ retry: true, delayMs: 60_000 });
  });

  it('never retries an invalid recipe or a missing executor', () => {
    for (const f of [AttemptFailure.invalidRecipe, AttemptFailure.executorNotFound]) {
      expect(decideRetry(DEFAULT_RETRY_POLICY, 1, f)).toEqual({
        retry: false,
        reason: `${f} is not retryable`,
      });
    }
  });

  it('--retries 0 means a single attempt', () => {
    expect(
      decideRetry(withRetries(DEFAULT_RETRY_POLICY, 0), 1, AttemptFailure.exitCode).retry,
    ).toBe(false);
  });
});

describe('durations', () => {
  it.each([
    ['500ms', 500],
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['1h30m', 5_400_000],
    ['2h', 7_200_000],
    ['1.5s', 1_500],
  ])('%s = %d ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', '10', '10 minutes', 'm5', '5x'])('rejects %j with the allowed units', (text) => {
    expect(() => parseDuration(text, '--timeout')).toThrow(/invalid --timeout .*ms, s, m, h, d/);
  });

  it('formats for people', () => {
    expect([850, 12_300, 245_000, 7_200_000].map(formatDuration)).toEqual([
      '850ms',
      '12.3s',
      '4m05s',
      '2h00m',
    ]);
  });
});

const exit = (over: Partial<AttemptExit>): AttemptExit => ({
  exitCode: null,
  signal: null,
  stoppedBy: null,
  logBytes: 10,
  logTruncated: false,
  adopted: false,
  spawnError: null,
  stop: null,
  ...over,
});

const run = { id: 'r', options: { retryPolicy: DEFAULT_RETRY_POLICY } } as unknown as Run;

describe('attempt outcome', () => {
  it('exit 0 succeeds the run', () => {
    const v = judgeAttempt(exit({ exitCode: 0 }), false);
    expect(v.end.status).toBe('succeeded');
    expect(nextStep(run, 1, v.end)).toEqual({ kind: 'settle', status: 'succeeded', error: null });
  });

  it('a non-zero exit is retried, then fails with the exit code in the reason', () => {
    const v = judgeAttempt(exit({ exitCode: 3 }), false);
    expect(nextStep(run, 1, v.end)).toEqual({ kind: 'retry', delayMs: 1000 });
    expect(nextStep(run, 3, v.end)).toEqual({
      kind: 'settle',
      status: 'failed',
      error: 'attempt 3 exited with code 3; not retried: attempt 3 of 3 used',
    });
  });

  it('a timeout on the last attempt ends the run timed_out', () => {
    const v = judgeAttempt(exit({ signal: 'SIGTERM', stoppedBy: 'timeout' }), false);
    expect(v.end.failure).toBe('TimedOut');
    expect(nextStep(run, 3, v.end)).toMatchObject({ kind: 'settle', status: 'timed_out' });
  });

  it('a kill request wins over a failure exit code, but not over success', () => {
    expect(judgeAttempt(exit({ signal: 'SIGTERM' }), true).end.status).toBe('cancelled');
    expect(judgeAttempt(exit({ exitCode: 0 }), true).end.status).toBe('succeeded');
  });

  it('an adopted process has an unknown exit status and counts as a retryable failure', () => {
    const v = judgeAttempt(exit({ adopted: true }), false);
    expect(v.end).toMatchObject({ status: 'lost', failure: 'ExitStatusUnknown' });
    expect(nextStep(run, 1, v.end).kind).toBe('retry');
  });

  it('a missing executable is not retried', () => {
    const v = judgeAttempt(exit({ spawnError: 'spawn goose ENOENT' }), false);
    expect(v.end.failure).toBe('ExecutorNotFound');
    expect(nextStep(run, 1, v.end)).toMatchObject({ kind: 'settle', status: 'failed' });
  });
});
