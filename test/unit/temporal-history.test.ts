import { defaultPayloadConverter } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { buildTimeline } from '../../src/engines/temporal/history.js';
import { statusOf } from '../../src/engines/temporal/engine.js';
import type { AttemptReport } from '../../src/engines/temporal/names.js';

const T0 = Date.UTC(2026, 10, 27, 6);
const ts = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });
const signal = (at: number, report: Omit<AttemptReport, 'at' | 'host'>) => ({
  eventTime: ts(at),
  workflowExecutionSignaledEventAttributes: {
    signalName: 'attempt',
    input: { payloads: [defaultPayloadConverter.toPayload({ ...report, at, host: 'h1' })] },
  },
});

describe('a run timeline from its workflow history', () => {
  it('attempts from the activity signals; a started attempt without an end is lost when the next starts', () => {
    const history = [
      { eventTime: ts(T0), workflowExecutionStartedEventAttributes: { taskQueue: { name: 'q' } } },
      signal(T0 + 100, { phase: 'started', attempt: 1, pid: 11, logPath: '/l/1.log' }),
      // The worker died: no 'ended' for attempt 1.
      signal(T0 + 9_000, { phase: 'started', attempt: 2, pid: 22, logPath: '/l/2.log' }),
      signal(T0 + 9_500, {
        phase: 'ended',
        attempt: 2,
        status: 'failed',
        exitCode: 3,
        failure: 'ExitCode',
        message: 'goose exited with code 3',
        sessionId: 's-2',
        willRetry: false,
      }),
      {
        eventTime: ts(T0 + 9_600),
        workflowExecutionFailedEventAttributes: {
          failure: {
            message: 'goose exited with code 3',
            applicationFailureInfo: { type: 'ExitCode' },
          },
        },
      },
    ];
    const t = buildTimeline('r1', history as never, 60_000);
    expect(t.attempts.map((a) => [a.number, a.status, a.process?.pid, a.exitCode])).toEqual([
      [1, 'lost', 11, null],
      [2, 'failed', 22, 3],
    ]);
    expect(t.sessionId).toBe('s-2');
    expect(t.exitCode).toBe(3);
    expect(t.error).toBe('goose exited with code 3');
    expect(t.events.map((e) => e.type)).toEqual([
      'run_created',
      'attempt_started',
      'attempt_lost',
      'attempt_started',
      'session_detected',
      'attempt_failed',
      'run_completed',
    ]);
    expect(t.events.at(-1)?.data).toMatchObject({ status: 'failed' });
  });

  it('a kill: cancel requested, attempt cancelled, run cancelled; terminate is recorded as a kill', () => {
    const history = [
      signal(T0, { phase: 'started', attempt: 1, pid: 5 }),
      { eventTime: ts(T0 + 10), workflowExecutionCancelRequestedEventAttributes: { cause: '' } },
      signal(T0 + 20, { phase: 'ended', attempt: 1, status: 'cancelled', willRetry: false }),
      { eventTime: ts(T0 + 30), workflowExecutionCanceledEventAttributes: {} },
    ];
    const t = buildTimeline('r2', history as never, 60_000);
    expect(t.cancelRequestedAt).toBe(T0 + 10);
    expect(t.attempts[0]!.status).toBe('cancelled');
    expect(t.events.at(-1)).toMatchObject({ type: 'run_completed', data: { status: 'cancelled' } });
    const terminated = buildTimeline(
      'r3',
      [
        signal(T0, { phase: 'started', attempt: 1, pid: 5 }),
        { eventTime: ts(T0 + 50), workflowExecutionTerminatedEventAttributes: { reason: 'stuck' } },
      ] as never,
      60_000,
    );
    expect(terminated.terminated).toBe(true);
    expect(terminated.events.map((e) => e.type)).toEqual([
      'attempt_started',
      'process_killed',
      'run_completed',
    ]);
  });

  it('orders the timeline by time (worker times and server times), creation first, completion last', () => {
    const at = (eventAt: number, reportAt: number, report: Omit<AttemptReport, 'at' | 'host'>) => ({
      eventTime: ts(eventAt),
      workflowExecutionSignaledEventAttributes: {
        signalName: 'attempt',
        input: {
          payloads: [defaultPayloadConverter.toPayload({ ...report, at: reportAt, host: 'h1' })],
        },
      },
    });
    const history = [
      { eventTime: ts(T0), workflowExecutionStartedEventAttributes: { taskQueue: { name: 'q' } } },
      at(T0 + 100, T0 + 90, { phase: 'started', attempt: 1, pid: 5 }),
      { eventTime: ts(T0 + 500), workflowExecutionCancelRequestedEventAttributes: { cause: '' } },
      // The attempt had ended (worker clock) before the cancel request reached the server.
      at(T0 + 900, T0 + 400, {
        phase: 'ended',
        attempt: 1,
        status: 'failed',
        exitCode: 1,
        willRetry: false,
      }),
      // The worker's clock runs ahead of the server's: its report is "after" the completion.
      at(T0 + 950, T0 + 5_000, { phase: 'ended', attempt: 1, status: 'failed', willRetry: false }),
      { eventTime: ts(T0 + 1_000), workflowExecutionCanceledEventAttributes: {} },
    ];
    const t = buildTimeline('r4', history as never, 60_000);
    expect(t.events.map((e) => e.type)).toEqual([
      'run_created',
      'attempt_started',
      'attempt_failed',
      'kill_requested',
      'attempt_failed',
      'run_completed',
    ]);
    expect(t.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('maps Temporal execution statuses, refined by the status search attribute', () => {
    expect(statusOf('COMPLETED', 'succeeded')).toBe('succeeded');
    expect(statusOf('FAILED', 'timed_out')).toBe('timed_out');
    expect(statusOf('FAILED', 'failed')).toBe('failed');
    expect(statusOf('CANCELLED', 'cancelled')).toBe('cancelled');
    expect(statusOf('TERMINATED', 'running')).toBe('cancelled');
    expect(statusOf('RUNNING', 'pending')).toBe('pending');
    expect(statusOf('RUNNING', 'retrying')).toBe('retrying');
    expect(statusOf('RUNNING', undefined)).toBe('running');
  });
});
