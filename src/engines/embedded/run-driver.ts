import type { Attempt, ProcessIdentity, Run } from '../../domain/run.js';
import { EventType } from '../../domain/run.js';
import { isTerminal, RunStatus } from '../../domain/run-status.js';
import { AttemptFailure } from '../../domain/retry-policy.js';
import { ConflictError, GooseFlowError } from '../../domain/errors.js';
import type { RunObserver } from '../contract.js';
import type {
  AttemptExit,
  AttemptHooks,
  AttemptProcess,
  AttemptSpec,
  Clock,
  Desktop,
  RunStore,
  Supervisor,
} from '../ports.js';
import { judgeAttempt, nextStep, transitionFor } from '../../domain/attempt-outcome.js';

export interface AttemptCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

export interface DriverDeps {
  readonly store: RunStore;
  readonly supervisor: Supervisor;
  readonly clock: Clock;
  readonly self: ProcessIdentity;
  readonly heartbeatMs: number;
  /** Builds the attempt's command; throws a GooseFlowError when it cannot (e.g. goose missing). */
  readonly commandFor: (run: Run, attempt: number) => AttemptCommand;
  readonly logPathFor: (runId: string, attempt: number) => string;
  /** Bytes in a log file: what an attempt wrote before its goose-flow died. */
  readonly logBytesOf: (path: string) => number;
  readonly desktop: Desktop;
  /** The `goose://` link that opens the run's recipe in the desktop app. */
  readonly deepLinkFor: (run: Run) => string;
  /** Told when a write waits for a store another process keeps locked. */
  readonly onStoreBusy?: (what: string, error: string) => void;
}

/** Longest wait between two tries of a write the store refused because it stayed locked. */
const STORE_RETRY_MAX_MS = 5_000;

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/** How often a sleeping run (between attempts) looks for a kill request from another process. */
const CANCEL_POLL_MS = 200;

/**
 * Drives runs owned by this process from their current status to a terminal one: starts each
 * attempt through the supervisor, records what happened, applies the retry policy.
 */
export class RunDriver {
  private readonly live = new Map<string, { proc?: AttemptProcess; wake: AbortController }>();

  constructor(private readonly deps: DriverDeps) {}

  isDriving(runId: string): boolean {
    return this.live.has(runId);
  }

  /** Stops the run's current process (if any) and wakes it from a retry wait. */
  async interrupt(runId: string): Promise<void> {
    const entry = this.live.get(runId);
    if (!entry) return;
    entry.wake.abort();
    // How the stop went is recorded with the attempt's end (escalated, stopMs).
    if (entry.proc) await entry.proc.stop('cancel');
  }

  async drive(runId: string, observer: RunObserver = {}, adopt?: Attempt): Promise<Run> {
    const entry = { wake: new AbortController() } as {
      proc?: AttemptProcess;
      wake: AbortController;
    };
    this.live.set(runId, entry);
    try {
      let run = this.mustGet(runId);
      if (adopt) run = await this.finishAttempt(run, adopt.number, this.adopt(run, adopt, entry));
      while (!isTerminal(run.status)) {
        run = await this.step(run, entry, observer);
      }
      return run;
    } finally {
      this.live.delete(runId);
    }
  }

  private async step(
    run: Run,
    entry: { proc?: AttemptProcess; wake: AbortController },
    observer: RunObserver,
  ): Promise<Run> {
    if (run.cancelRequestedAt !== null) {
      return this.deps.store.transition(
        run.id,
        RunStatus.cancelled,
        { error: 'cancelled on request' },
        {
          type: EventType.completed,
          data: { status: RunStatus.cancelled },
        },
      );
    }
    if (run.nextAttemptAt !== null && run.nextAttemptAt > this.deps.clock.now()) {
      await this.waitForRetry(run, entry.wake.signal);
      return this.mustGet(run.id);
    }
    const number = run.attemptCount + 1;
    if (run.options.mode === 'foreground' && number === 1) {
      const handled = await this.runInDesktop(run);
      if (handled) return handled;
    }
    let command: AttemptCommand;
    try {
      command = this.deps.commandFor(run, number);
    } catch (err) {
      return this.failBeforeStart(run, number, err);
    }
    const proc = await this.startAttempt(run, number, command, entry, observer);
    // Another process ended the run (a kill of a waiting run) while this attempt was starting.
    if (!proc) return this.mustGet(run.id);
    return this.finishAttempt(run, number, proc, observer);
  }

  /**
   * Writes that must not be lost once a process exists (its attempt, its end). A store locked past
   * its busy timeout by another process is waited out, with backoff, instead of abandoning the run.
   */
  private async persist<T>(what: string, write: () => T): Promise<T> {
    for (let delay = 100; ; delay = Math.min(delay * 2, STORE_RETRY_MAX_MS)) {
      try {
        return write();
      } catch (err) {
        if (!isBusy(err)) throw err;
        this.deps.onStoreBusy?.(what, (err as Error).message);
        await this.deps.clock.sleep(delay);
      }
    }
  }

  /**
   * Records the attempt — with the keeper that will start it — before anything starts, so every
   * goose ever started is known to the store; then has the keeper start it, and records its pid.
   */
  private async startAttempt(
    run: Run,
    number: number,
    command: AttemptCommand,
    entry: { proc?: AttemptProcess },
    observer: RunObserver,
  ): Promise<AttemptProcess | null> {
    const { store, clock } = this.deps;
    const logPath = this.deps.logPathFor(run.id, number);
    const startedAt = clock.now();
    const deadlineAt = startedAt + run.options.timeoutMs;
    const spec: AttemptSpec = {
      ...command,
      logPath,
      logCapBytes: run.options.logCapBytes,
      deadlineAt,
      graceMs: run.options.graceMs,
      heartbeatMs: this.deps.heartbeatMs,
    };
    const prepared = this.deps.supervisor.prepare(spec);
    let recorded: Run;
    try {
      recorded = await this.persist('attempt start', () =>
        store.startAttempt(run.id, {
          number,
          process: null,
          keeper: prepared.keeper,
          startedAt,
          deadlineAt,
          logPath,
        }),
      );
    } catch (err) {
      // The run was cancelled between our read and this write: nothing was started.
      if (err instanceof ConflictError) return null;
      throw err;
    }
    const proc = prepared.start(this.hooks(run.id, number, observer));
    entry.proc = proc;
    // A kill request that arrived while the attempt was being recorded finds no pid to signal.
    if (recorded.cancelRequestedAt !== null) void proc.stop('cancel');
    const identity = await proc.started;
    if (identity) {
      await this.persist('attempt process', () => store.recordProcess(run.id, number, identity));
    }
    observer.onEvent?.(EventType.attemptStarted, {
      attempt: number,
      pid: identity?.pid ?? null,
      logPath,
    });
    return proc;
  }

  private adopt(run: Run, attempt: Attempt, entry: { proc?: AttemptProcess }): AttemptProcess {
    const hooks = this.hooks(run.id, attempt.number, {});
    // The session id found before the crash stays; the log is read again from its start.
    if (run.sessionId !== null) delete hooks.onSessionId;
    const proc = this.deps.supervisor.adopt(
      attempt.process!,
      {
        deadlineAt: attempt.deadlineAt,
        graceMs: run.options.graceMs,
        heartbeatMs: this.deps.heartbeatMs,
        logPath: attempt.logPath,
        logCapBytes: run.options.logCapBytes,
      },
      hooks,
    );
    entry.proc = proc;
    this.deps.store.appendEvent(run.id, {
      type: EventType.attemptAdopted,
      attempt: attempt.number,
      data: { pid: attempt.process!.pid, by: this.deps.self.pid },
    });
    return proc;
  }

  /**
   * Hooks run from timers and stream events, where a throw would end the process: a store that
   * stays locked past its busy timeout must cost one heartbeat or note, not the daemon.
   */
  private hooks(runId: string, number: number, observer: RunObserver): AttemptHooks {
    const { store } = this.deps;
    const safely = (what: string, fn: () => void) => {
      try {
        fn();
      } catch (err) {
        observer.onEvent?.('hook_failed', { attempt: number, what, error: (err as Error).message });
      }
    };
    return {
      onSessionId: (sessionId) =>
        safely('session id', () =>
          store.patchRun(
            runId,
            { sessionId },
            { type: EventType.sessionDetected, attempt: number, data: { sessionId } },
          ),
        ),
      onHeartbeat: () => safely('heartbeat', () => store.heartbeat(runId, number)),
      onLogCapped: (capBytes) =>
        safely('log cap', () =>
          store.appendEvent(runId, {
            type: EventType.logCapped,
            attempt: number,
            data: { capBytes },
          }),
        ),
      onOutput: observer.onOutput?.bind(observer),
    };
  }

  private async finishAttempt(
    run: Run,
    number: number,
    proc: AttemptProcess,
    observer: RunObserver = {},
  ): Promise<Run> {
    const exit: AttemptExit = await proc.exit;
    const fresh = this.mustGet(run.id);
    const verdict = judgeAttempt(exit, fresh.cancelRequestedAt !== null);
    const step = nextStep(fresh, number, verdict.end);
    const next = transitionFor(step, number, this.deps.clock.now(), exit.exitCode);
    const settled = await this.persist('attempt end', () =>
      this.deps.store.endAttempt(run.id, number, verdict.end, verdict.event, next),
    );
    observer.onEvent?.(verdict.event.type, { attempt: number, ...verdict.event.data });
    if (step.kind === 'retry')
      observer.onEvent?.(next.event.type, { attempt: number, delayMs: step.delayMs });
    return settled;
  }

  /**
   * Foreground mode, as Goose's own scheduler did it: if the desktop app runs, hand it the recipe
   * as a `goose://` link and consider the run done — goose-flow cannot observe a session inside the
   * app. Otherwise fall back to a background attempt (returns null), or fail if told not to.
   */
  private async runInDesktop(run: Run): Promise<Run | null> {
    const { store, desktop, clock } = this.deps;
    const fallback = run.options.fallbackToBackground !== false;
    let why: string;
    if (desktop.isRunning()) {
      try {
        await desktop.open(this.deps.deepLinkFor(run));
        const sessionId = `scheduled-fg-${run.scheduleId ?? run.id}-${Math.floor(clock.now() / 1000)}`;
        const started = clock.now();
        store.startAttempt(run.id, {
          number: 1,
          process: null,
          startedAt: started,
          deadlineAt: started,
          logPath: this.deps.logPathFor(run.id, 1),
        });
        const end = {
          status: 'succeeded',
          exitCode: null,
          signal: null,
          failure: null,
          logBytes: 0,
          logTruncated: false,
        } as const;
        const note =
          'opened in the Goose desktop app; the session runs there and its outcome is not visible to goose-flow';
        return store.endAttempt(
          run.id,
          1,
          end,
          { type: EventType.openedInDesktop, data: { sessionId, note } },
          {
            to: RunStatus.succeeded,
            patch: { sessionId },
            event: { type: EventType.completed, data: { status: RunStatus.succeeded } },
          },
        );
      } catch (err) {
        why = `the Goose desktop app could not open the recipe: ${(err as Error).message}`;
      }
    } else {
      why = 'the Goose desktop app is not running';
    }
    store.appendEvent(run.id, {
      type: EventType.desktopUnavailable,
      data: { reason: why, fallback },
    });
    if (fallback) return null;
    const error = `foreground run not possible: ${why} (and fallback to background is off)`;
    return store.transition(
      run.id,
      RunStatus.failed,
      { error },
      { type: EventType.completed, data: { status: RunStatus.failed, error } },
    );
  }

  private failBeforeStart(run: Run, number: number, err: unknown): Run {
    const code = err instanceof GooseFlowError ? err.code : 'internal';
    const failure =
      code === 'goose_not_found' ? AttemptFailure.executorNotFound : AttemptFailure.invalidRecipe;
    const message = `attempt ${number} could not start: ${(err as Error).message}`;
    return this.deps.store.transition(
      run.id,
      RunStatus.failed,
      { error: message },
      {
        type: EventType.completed,
        data: { status: RunStatus.failed, failure, error: message },
      },
    );
  }

  private async waitForRetry(run: Run, wake: AbortSignal): Promise<void> {
    const { clock, store } = this.deps;
    while (!wake.aborted && clock.now() < (run.nextAttemptAt ?? 0)) {
      await clock.sleep(Math.min(CANCEL_POLL_MS, (run.nextAttemptAt ?? 0) - clock.now()), wake);
      if (store.getRun(run.id)?.cancelRequestedAt != null) return;
    }
  }

  private mustGet(runId: string): Run {
    const run = this.deps.store.getRun(runId);
    if (!run) throw new Error(`run ${runId} vanished from the store`);
    return run;
  }
}
