import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import type {
  AdoptSpec,
  AttemptExit,
  AttemptHooks,
  AttemptProcess,
  AttemptSpec,
  KillReport,
  StopReason,
  Supervisor,
} from '../../engines/ports.js';
import type { ProcessIdentity } from '../../domain/run.js';
import { appendNote, LogFollower } from './log-follower.js';
import { Keeper, type StartFn } from './keeper.js';
import {
  attemptBase,
  endFromStatus,
  failureText,
  readEnd,
  timedOutByKeeper,
  type KeptEnd,
} from './attempt-files.js';
import { longTimeout } from '../clock.js';
import { groupAlive, identify, isAlive, signalGroup } from './proc.js';

const POLL_MS = 20;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * TERM to the group, wait up to `graceMs` for every member to go, then KILL the group and wait
 * until it is empty. The group id is the leader's pid because attempts start as session leaders.
 */
export async function terminateGroup(pgid: number, graceMs: number): Promise<KillReport> {
  const started = performance.now();
  if (!groupAlive(pgid)) return { escalated: false, elapsedMs: 0 };
  signalGroup(pgid, 'SIGTERM');
  const graceEnds = started + graceMs;
  while (performance.now() < graceEnds) {
    if (!groupAlive(pgid)) return { escalated: false, elapsedMs: performance.now() - started };
    await delay(Math.min(POLL_MS, Math.max(1, graceEnds - performance.now())));
  }
  signalGroup(pgid, 'SIGKILL');
  while (groupAlive(pgid)) await delay(5);
  return { escalated: true, elapsedMs: performance.now() - started };
}

/** How goose ended, as the keeper told it (or recorded it in `<n>.exit`). */
function exitFacts(end: KeptEnd | null, command: string, cwd?: string) {
  if (end === null) return { exitCode: null, signal: null, spawnError: null };
  if (end.kind === 'failed')
    return { exitCode: null, signal: null, spawnError: failureText(end.code, command, cwd) };
  return { exitCode: end.exitCode, signal: end.signal, spawnError: null };
}

/**
 * An attempt started through the keeper: goose writes its log file itself; this follows the file,
 * keeps the deadline and heartbeats while goose-flow lives, and stops the group on request.
 */
class KeptAttempt implements AttemptProcess {
  readonly started: Promise<ProcessIdentity | null>;
  readonly exit: Promise<AttemptExit>;
  private pid = 0;
  private stoppedBy: StopReason | null = null;
  private stopping: Promise<KillReport> | null = null;
  private timers: { clear(): void }[] = [];

  constructor(
    private readonly spec: AttemptSpec,
    hooks: AttemptHooks,
    start: StartFn,
  ) {
    const follower = new LogFollower(spec.logPath, spec.logCapBytes, {
      onOutput: hooks.onOutput,
      onSessionId: hooks.onSessionId,
      onCapped: hooks.onLogCapped,
    });
    let started!: (identity: ProcessIdentity | null) => void;
    this.started = new Promise((resolve) => (started = resolve));
    this.exit = new Promise<AttemptExit>((resolve) => {
      let done = false;
      const settle = (end: KeptEnd | null, lostReason: string | null) => {
        if (done) return;
        done = true;
        started(null);
        void this.finish(follower, end, lostReason).then(resolve);
      };
      start((answer) => {
        if (answer.kind === 'started') {
          this.pid = answer.pid;
          const identity = identify(answer.pid);
          started(identity);
          // No record after all (its waiter was killed): judged as an end unknown.
          this.arm(hooks, identity, () => settle(readEnd(spec.logPath), null));
          return;
        }
        settle(
          answer.kind === 'exited'
            ? endFromStatus(answer.status)
            : answer.kind === 'failed'
              ? { kind: 'failed', code: answer.code }
              : readEnd(spec.logPath),
          answer.kind === 'lost' ? answer.reason : null,
        );
      });
    });
  }

  stop(reason: StopReason): Promise<KillReport> {
    this.stoppedBy ??= reason;
    this.stopping ??= this.started.then((identity) =>
      identity
        ? terminateGroup(identity.pid, this.spec.graceMs)
        : { escalated: false, elapsedMs: 0 },
    );
    return this.stopping;
  }

  private arm(hooks: AttemptHooks, identity: ProcessIdentity, unrecorded: () => void): void {
    const untilDeadline = Math.max(0, this.spec.deadlineAt - Date.now());
    // A deadline days ahead is beyond setTimeout's 24.8-day limit: a chained timer keeps it.
    this.timers.push(longTimeout(() => void this.stop('timeout'), untilDeadline));
    const beat = setInterval(() => hooks.onHeartbeat?.(), this.spec.heartbeatMs);
    this.timers.push({ clear: () => clearInterval(beat) });
    // The keeper's waiter tells us when goose ends; if the waiter was killed, nobody will: a goose
    // gone for longer than a waiter needs to record it is settled from what is on disk.
    let goneSince: number | null = null;
    const watch = setInterval(() => {
      if (isAlive(identity)) return;
      goneSince ??= Date.now();
      if (Date.now() - goneSince >= RECORD_WAIT_MS) unrecorded();
    }, WATCH_MS);
    this.timers.push({ clear: () => clearInterval(watch) });
  }

  /** goose ended: what it left in its group must not outlive it; then the log is complete. */
  private async finish(
    follower: LogFollower,
    end: KeptEnd | null,
    lostReason: string | null,
  ): Promise<AttemptExit> {
    for (const t of this.timers) t.clear();
    if (this.pid > 0 && groupAlive(this.pid)) {
      const report = await (this.stopping ?? terminateGroup(this.pid, this.spec.graceMs));
      if (!this.stopping)
        appendNote(
          this.spec.logPath,
          `left-over processes of the attempt were stopped (${report.escalated ? 'SIGKILL' : 'SIGTERM'})`,
        );
    }
    follower.close();
    const facts = exitFacts(end, this.spec.command, this.spec.cwd);
    if (facts.spawnError) appendNote(this.spec.logPath, facts.spawnError);
    const stop = this.stopping ? await this.stopping : null;
    return {
      ...facts,
      spawnError: facts.spawnError ?? (end === null ? lostReason : null),
      stoppedBy: this.stoppedBy,
      logBytes: follower.bytes,
      logTruncated: follower.truncated,
      adopted: false,
      stop,
    };
  }
}

/**
 * An attempt that a goose-flow process now gone started: its goose runs on under its keeper. This
 * follows its log, keeps its deadline and heartbeats, and reads how it ended from `<n>.exit`.
 */
class AdoptedAttempt implements AttemptProcess {
  readonly started: Promise<ProcessIdentity | null>;
  readonly exit: Promise<AttemptExit>;
  private stoppedBy: StopReason | null = null;
  private stopping: Promise<KillReport> | null = null;

  constructor(
    private readonly identity: ProcessIdentity,
    private readonly spec: AdoptSpec,
    hooks: AttemptHooks,
  ) {
    this.started = Promise.resolve(identity);
    this.exit = this.watch(hooks);
  }

  stop(reason: StopReason): Promise<KillReport> {
    this.stoppedBy ??= reason;
    this.stopping ??= terminateGroup(this.identity.pid, this.spec.graceMs);
    return this.stopping;
  }

  // Not our child: poll its identity, and the keeper's record of how it ended.
  private async watch(hooks: AttemptHooks): Promise<AttemptExit> {
    const follower = new LogFollower(this.spec.logPath, this.spec.logCapBytes, {
      onSessionId: hooks.onSessionId,
      onCapped: hooks.onLogCapped,
    });
    let lastBeat = Date.now();
    while (isAlive(this.identity) && readEnd(this.spec.logPath) === null) {
      if (Date.now() >= this.spec.deadlineAt) void this.stop('timeout');
      if (Date.now() - lastBeat >= this.spec.heartbeatMs) {
        hooks.onHeartbeat?.();
        lastBeat = Date.now();
      }
      await delay(200);
    }
    const end = await endOf(this.spec.logPath);
    if (groupAlive(this.identity.pid))
      await (this.stopping ?? terminateGroup(this.identity.pid, this.spec.graceMs));
    follower.close();
    const stop = this.stopping ? await this.stopping : null;
    if (!this.stoppedBy && timedOutByKeeper(this.spec.logPath)) this.stoppedBy = 'timeout';
    return {
      ...exitFacts(end, 'goose'),
      stoppedBy: this.stoppedBy,
      logBytes: follower.bytes,
      logTruncated: follower.truncated,
      adopted: true,
      stop,
    };
  }
}

/** How long a waiter may take to record the end of a goose that has gone. */
const RECORD_WAIT_MS = 3_000;
/** How often a supervised goose is checked for an end its waiter never reported. */
const WATCH_MS = 1_000;

/** The end the keeper recorded; waits a moment for a goose that has just gone. Null: none. */
export async function endOf(logPath: string): Promise<KeptEnd | null> {
  const until = Date.now() + RECORD_WAIT_MS;
  for (;;) {
    const end = readEnd(logPath);
    if (end !== null || Date.now() >= until) return end;
    await delay(50);
  }
}

const keeper = new Keeper();

export const processSupervisor: Supervisor = {
  prepare: (spec) => {
    // The log file exists, owner-only, before goose opens it (and before anything follows it).
    mkdirSync(dirname(spec.logPath), { recursive: true, mode: 0o700 });
    closeSync(openSync(spec.logPath, 'a', 0o600));
    const { identity, start } = keeper.keeperFor({ ...spec, base: attemptBase(spec.logPath) });
    return {
      keeper: identity,
      start: (hooks) => new KeptAttempt(spec, hooks, start),
    };
  },
  adopt: (identity, spec, hooks) => new AdoptedAttempt(identity, spec, hooks),
  killTree: async (identity, graceMs) => {
    // Linux never reuses a pid while a group of that id exists: if the pid now names another
    // process, our group is gone and the group by that id (if any) is not ours.
    const current = identify(identity.pid);
    const reused =
      identity.startTime !== null &&
      current.startTime !== null &&
      current.startTime !== identity.startTime;
    if (reused || !groupAlive(identity.pid)) return { escalated: false, elapsedMs: 0 };
    return terminateGroup(identity.pid, graceMs);
  },
};
