import { spawn } from 'node:child_process';
import type {
  AttemptExit,
  AttemptHooks,
  AttemptProcess,
  AttemptSpec,
  KillReport,
  StopReason,
  Supervisor,
} from '../../engines/ports.js';
import type { ProcessIdentity } from '../../domain/run.js';
import { LogSink } from './log-sink.js';
import { longTimeout } from '../clock.js';
import { groupAlive, identify, isAlive, signalGroup } from './proc.js';

const POLL_MS = 20;
/** After the leader exits, give its pipes this long to drain the last lines. */
const DRAIN_MS = 500;

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

class ChildAttempt implements AttemptProcess {
  readonly identity: ProcessIdentity;
  readonly exit: Promise<AttemptExit>;
  private stoppedBy: StopReason | null = null;
  private stopping: Promise<KillReport> | null = null;
  private timers: { clear(): void }[] = [];

  constructor(
    private readonly spec: AttemptSpec,
    hooks: AttemptHooks,
  ) {
    const sink = new LogSink(
      spec.logPath,
      spec.logCapBytes,
      (id) => hooks.onSessionId?.(id),
      (cap) => hooks.onLogCapped?.(cap),
    );
    // detached: the child leads a new session and process group, so one signal reaches its tree.
    const child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      shell: false,
    });
    const onData = (chunk: Buffer) => {
      sink.write(chunk);
      hooks.onOutput?.(chunk);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    this.identity = child.pid ? identify(child.pid) : { pid: -1, startTime: null };
    this.exit = new Promise<AttemptExit>((resolve) => {
      let spawnError: string | null = null;
      child.once('error', (err) => {
        spawnError = err.message;
        if (!child.pid) resolve(this.finish(sink, null, null, spawnError));
      });
      child.once('exit', (code, signal) => {
        void this.afterExit(child, sink).then(() =>
          resolve(this.finish(sink, code, signal, spawnError)),
        );
      });
    });
    if (child.pid) this.arm(hooks);
    void sink.ready.then(() => {
      if (sink.error && child.pid) void terminateGroup(child.pid, 0);
    });
  }

  stop(reason: StopReason): Promise<KillReport> {
    this.stoppedBy ??= reason;
    this.stopping ??= terminateGroup(this.identity.pid, this.spec.graceMs);
    return this.stopping;
  }

  private arm(hooks: AttemptHooks): void {
    const untilDeadline = Math.max(0, this.spec.deadlineAt - Date.now());
    // A deadline days ahead is beyond setTimeout's 24.8-day limit: a chained timer keeps it.
    this.timers.push(longTimeout(() => void this.stop('timeout'), untilDeadline));
    const beat = setInterval(() => hooks.onHeartbeat?.(), this.spec.heartbeatMs);
    this.timers.push({ clear: () => clearInterval(beat) });
  }

  /** The leader is gone; members it left in the group (MCP servers, shells) must not outlive it. */
  private async afterExit(child: ReturnType<typeof spawn>, sink: LogSink): Promise<void> {
    for (const t of this.timers) t.clear();
    if (groupAlive(this.identity.pid)) {
      const report = await (this.stopping ?? terminateGroup(this.identity.pid, this.spec.graceMs));
      if (!this.stopping)
        sink.note(
          `left-over processes of the attempt were stopped (${report.escalated ? 'SIGKILL' : 'SIGTERM'})`,
        );
    }
    await waitForClose(child, DRAIN_MS);
  }

  private async finish(
    sink: LogSink,
    code: number | null,
    signal: string | null,
    spawnError: string | null,
  ): Promise<AttemptExit> {
    for (const t of this.timers) t.clear();
    if (spawnError) sink.note(`could not start ${this.spec.command}: ${spawnError}`);
    await sink.close();
    const stop = this.stopping ? await this.stopping : null;
    const logError =
      sink.error && `cannot write the log ${this.spec.logPath}: ${sink.error.message}`;
    return {
      exitCode: code,
      signal,
      stoppedBy: this.stoppedBy,
      logBytes: sink.bytes,
      logTruncated: sink.truncated,
      adopted: false,
      stop,
      // An attempt whose output cannot be kept is not a success: it fails (and is retried).
      spawnError: spawnError ?? logError ?? null,
    };
  }
}

function waitForClose(child: ReturnType<typeof spawn>, ms: number): Promise<void> {
  const open = [child.stdout, child.stderr].filter((s) => s && !s.closed);
  if (open.length === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      for (const s of open) s?.destroy();
      resolve();
    }, ms);
    let pending = open.length;
    for (const s of open) {
      s?.once('close', () => {
        if (--pending > 0) return;
        clearTimeout(timer);
        resolve();
      });
    }
  });
}

class AdoptedAttempt implements AttemptProcess {
  readonly exit: Promise<AttemptExit>;
  private stoppedBy: StopReason | null = null;
  private stopping: Promise<KillReport> | null = null;

  constructor(
    readonly identity: ProcessIdentity,
    private readonly spec: Pick<AttemptSpec, 'deadlineAt' | 'graceMs' | 'heartbeatMs'>,
    hooks: AttemptHooks,
  ) {
    this.exit = this.watch(hooks);
  }

  stop(reason: StopReason): Promise<KillReport> {
    this.stoppedBy ??= reason;
    this.stopping ??= terminateGroup(this.identity.pid, this.spec.graceMs);
    return this.stopping;
  }

  // Not our child: nobody tells us when it exits, so poll its identity.
  private async watch(hooks: AttemptHooks): Promise<AttemptExit> {
    let lastBeat = Date.now();
    while (isAlive(this.identity)) {
      if (Date.now() >= this.spec.deadlineAt) await this.stop('timeout');
      if (Date.now() - lastBeat >= this.spec.heartbeatMs) {
        hooks.onHeartbeat?.();
        lastBeat = Date.now();
      }
      await delay(200);
    }
    if (groupAlive(this.identity.pid))
      await (this.stopping ?? terminateGroup(this.identity.pid, this.spec.graceMs));
    const stop = this.stopping ? await this.stopping : null;
    const base = { exitCode: null, signal: null, logBytes: 0, logTruncated: false, adopted: true };
    return { ...base, spawnError: null, stoppedBy: this.stoppedBy, stop };
  }
}

export const processSupervisor: Supervisor = {
  start: (spec, hooks) => new ChildAttempt(spec, hooks),
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
