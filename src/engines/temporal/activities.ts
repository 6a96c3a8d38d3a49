import { hostname } from 'node:os';
import { ApplicationFailure, CancelledFailure, Context } from '@temporalio/activity';
import { AttemptStatus, type Run } from '../../domain/run.js';
import { RunStatus } from '../../domain/run-status.js';
import { AttemptFailure } from '../../domain/retry-policy.js';
import type { AttemptExit, FoundAttempt, Supervisor } from '../ports.js';
import { judgeAttempt } from '../../domain/attempt-outcome.js';
import {
  ATTEMPT_SIGNAL,
  type AttemptBeat,
  type AttemptReport,
  type GooseJobInput,
  type GooseJobResult,
  type GoosePipelineInput,
  type PipelineSource,
} from './names.js';
import type { GooseJobActivities } from './workflows.js';

const TAIL_BYTES = 4096;
const HEARTBEAT_EVERY_MS = 1_000;

export interface ActivityDeps {
  readonly supervisor: Supervisor;
  /** Writes the shipped snapshot into this host's recipe store; returns the entry file. */
  readonly materialize: (input: GooseJobInput) => string;
  readonly logPathFor: (runId: string, attempt: number) => string;
  /** A pipeline step's output, from the log of its successful attempt; a reason when there is none. */
  readonly outputOf?: (
    logPath: string,
    truncated: boolean,
    kind: 'json' | 'text',
  ) => { ok: true; value: unknown } | { ok: false; reason: string };
  /** The attempt's command (goose run …); throws an EnvironmentError when goose is missing. */
  readonly commandFor: (
    run: Pick<Run, 'id' | 'scheduleId' | 'params'> & { cwd: string },
    attempt: number,
    recipeFile: string,
  ) => { command: string; args: string[]; env: Record<string, string>; cwd: string };
  readonly defaultCwd: string;
  readonly host?: string;
  /** This worker's identity, recorded with each attempt. */
  readonly worker: string;
  /** Stops the attempts' process groups if this worker dies. */
  readonly reaper?: { watch(pgid: number): void; unwatch(pgid: number): void };
  /** Runs whose attempt runs here now (a stopping `serve` cancels them). */
  readonly executing?: Set<string>;
  /** The task queue only this host's workers poll (where an attempt whose worker died resumes). */
  readonly home?: string;
  /**
   * `--follow-source` of a pipeline: its file as it is now on this host, compiled and snapshotted;
   * null when this host cannot read it (the run keeps its snapshot, as on the embedded engine).
   */
  readonly refreshPipeline?: (
    recipePath: string,
    params: Record<string, string>,
  ) => PipelineSource | null;
  /** This attempt on this host already: a goose still running, or the end its keeper recorded. */
  readonly found?: (runId: string, attempt: number, logPath: string) => FoundAttempt | null;
}

/** The activity runs one attempt with E1's supervisor: heartbeats while the process lives, kills the tree when cancelled. */
export function createActivities(deps: ActivityDeps): GooseJobActivities {
  const host = deps.host ?? hostname();
  return {
    async runRecipe(input: GooseJobInput): Promise<GooseJobResult> {
      const ctx = Context.current();
      const runId = ctx.info.workflowExecution?.workflowId ?? ctx.info.activityId;
      deps.executing?.add(runId);
      try {
        return await runAttempt(ctx, runId, input);
      } finally {
        deps.executing?.delete(runId);
      }
    },
    async refreshPipeline(input: GoosePipelineInput): Promise<PipelineSource | null> {
      return deps.refreshPipeline?.(input.recipePath, { ...input.params }) ?? null;
    },
  };

  async function runAttempt(
    ctx: Context,
    runId: string,
    input: GooseJobInput,
  ): Promise<GooseJobResult> {
    const attempt = input.attempt ?? ctx.info.attempt;
    const { options } = input;
    const report = (r: Omit<AttemptReport, 'attempt' | 'at' | 'host'>) =>
      signal(ctx, runId, { ...r, attempt, at: Date.now(), host, worker: deps.worker });
    const finalIf = (failure: string) =>
      options.retry.nonRetryableErrorTypes.includes(failure) ||
      (options.retry.maxAttempts > 0 && attempt >= options.retry.maxAttempts);

    let command;
    try {
      const entry = deps.materialize(input);
      command = deps.commandFor(
        {
          id: runId,
          scheduleId: input.scheduleId,
          params: input.params,
          cwd: options.cwd ?? deps.defaultCwd,
        },
        attempt,
        entry,
      );
    } catch (err) {
      const failure =
        (err as { code?: string }).code === 'goose_not_found'
          ? AttemptFailure.executorNotFound
          : AttemptFailure.invalidRecipe;
      const message = (err as Error).message;
      await report({
        phase: 'ended',
        status: 'failed',
        failure,
        message,
        willRetry: !finalIf(failure),
      });
      throw ApplicationFailure.create({ type: failure, message, nonRetryable: true });
    }

    const logPath = deps.logPathFor(runId, attempt);
    let sessionId: string | null = null;
    let tail = Buffer.alloc(0);
    let pid: number | null = null;
    const beat = (): AttemptBeat => ({
      attempt,
      host,
      ...(deps.home ? { home: deps.home } : {}),
      pid,
      logPath,
      sessionId,
      tail: tail.toString('utf8'),
    });
    const hooks = {
      onSessionId: (id: string) => void (sessionId = id),
      onOutput: (chunk: Buffer) => {
        tail = Buffer.concat([tail, chunk]);
        if (tail.length > TAIL_BYTES) tail = tail.subarray(tail.length - TAIL_BYTES);
      },
    };
    // This host may hold this attempt already: its worker died (its reaper too) while goose ran
    // on under its keeper. Re-attach to that goose, or take the end its keeper recorded — never
    // start a second one.
    const found = deps.found?.(runId, attempt, logPath) ?? null;
    let exit: AttemptExit;
    if (found?.kind === 'ended') {
      exit = found.exit;
    } else {
      const proc =
        found?.kind === 'running'
          ? deps.supervisor.adopt(
              found.identity,
              {
                deadlineAt: found.startedAt + options.timeoutMs,
                graceMs: options.graceMs,
                heartbeatMs: options.heartbeatMs,
                logPath,
                logCapBytes: options.logCapBytes,
              },
              hooks,
            )
          : deps.supervisor
              .prepare({
                ...command,
                logPath,
                logCapBytes: options.logCapBytes,
                deadlineAt: Date.now() + options.timeoutMs,
                graceMs: options.graceMs,
                heartbeatMs: options.heartbeatMs,
              })
              .start(hooks);
      pid = (await proc.started)?.pid ?? null;
      const pgid = pid;
      if (pgid) deps.reaper?.watch(pgid);
      ctx.heartbeat(beat());
      // Heartbeats carry cancellation back: beat every second (the worker sends at most that often).
      const beating = setInterval(() => ctx.heartbeat(beat()), HEARTBEAT_EVERY_MS);
      await report({
        phase: 'started',
        pid,
        logPath,
        ...(found?.kind === 'running' ? { reattached: true } : {}),
      });
      const onCancel = () => void proc.stop('cancel');
      if (ctx.cancellationSignal.aborted) onCancel();
      ctx.cancellationSignal.addEventListener('abort', onCancel);
      try {
        exit = await proc.exit;
      } finally {
        if (pgid) deps.reaper?.unwatch(pgid);
        clearInterval(beating);
        ctx.cancellationSignal.removeEventListener('abort', onCancel);
      }
    }
    const verdict = judgeAttempt(exit, ctx.cancellationSignal.aborted);
    const { end } = verdict;
    const status = statusOf(end.status);
    const failure = end.failure;
    const message = exit.spawnError ?? messageOf(exit, end.status);
    await report({
      phase: 'ended',
      status,
      exitCode: exit.exitCode,
      signal: exit.signal,
      failure,
      message,
      sessionId,
      logPath,
      logBytes: exit.logBytes,
      logTruncated: exit.logTruncated,
      willRetry: status !== 'succeeded' && status !== 'cancelled' && !finalIf(failure ?? ''),
    });
    if (status === 'succeeded') {
      const result = { exitCode: exit.exitCode, sessionId, attempt, host, logPath };
      if (!input.output || !deps.outputOf) return result;
      // A step with no output to hand over fails as a step; its run (goose's work) succeeded.
      const got = deps.outputOf(logPath, exit.logTruncated, input.output);
      return { ...result, output: got.ok ? { value: got.value } : { error: got.reason } };
    }
    if (status === 'cancelled') {
      const reason = ctx.cancellationSignal.reason;
      throw reason instanceof CancelledFailure ? reason : new CancelledFailure('cancelled');
    }
    throw ApplicationFailure.create({
      type: failure ?? AttemptFailure.exitCode,
      message,
      details: [{ exitCode: exit.exitCode, signal: exit.signal, sessionId, logPath, host }],
    });
  }
}

function statusOf(status: AttemptStatus): NonNullable<AttemptReport['status']> {
  switch (status) {
    case AttemptStatus.succeeded:
      return RunStatus.succeeded;
    case AttemptStatus.timedOut:
      return RunStatus.timedOut;
    case AttemptStatus.cancelled:
      return RunStatus.cancelled;
    default:
      return RunStatus.failed;
  }
}

function messageOf(exit: AttemptExit, status: AttemptStatus): string {
  if (status === AttemptStatus.timedOut) return 'the attempt ran past its timeout and was killed';
  if (status === AttemptStatus.cancelled) return 'the attempt was cancelled';
  if (exit.signal) return `goose was killed by ${exit.signal}`;
  return `goose exited with code ${exit.exitCode}`;
}

/** Best effort: a workflow that is already closed (terminated) cannot take the signal. */
async function signal(ctx: Context, workflowId: string, report: AttemptReport): Promise<void> {
  try {
    await ctx.client.workflow.getHandle(workflowId).signal(ATTEMPT_SIGNAL, report);
  } catch {
    // The history then lacks this report; the timeline falls back to the activity events.
  }
}
