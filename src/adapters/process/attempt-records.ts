/**
 * What keepers recorded about attempts, read by recovery: the goose an attempt started (its pid
 * file, checked against the process's own environment so a reused pid is never taken for it) and
 * how it ended (its exit file).
 */
import { readFileSync, statSync } from 'node:fs';
import type { Attempt, ProcessIdentity } from '../../domain/run.js';
import type { AttemptRecords, FoundAttempt, RecordedEnd } from '../../engines/ports.js';
import { attemptBase, failureText, readEnd, readPid, timedOutByKeeper } from './attempt-files.js';
import { identify, isAlive } from './proc.js';

/** How long a living keeper may take to start a request before it is taken as never received. */
const START_WAIT_MS = 10_000;
/** How long a waiter may take to record the end of a goose that has gone. */
const RECORD_WAIT_MS = 3_000;
/** A start time no process has: the identity of a goose that is gone. */
const GONE = 'gone';

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function endOf(attempt: Pick<Attempt, 'logPath'>): RecordedEnd | null {
  const end = readEnd(attempt.logPath);
  if (end === null) return null;
  const timedOut = timedOutByKeeper(attempt.logPath);
  if (end.kind === 'failed')
    return {
      exitCode: null,
      signal: null,
      spawnError: failureText(end.code, 'goose'),
      timedOut,
    };
  return { exitCode: end.exitCode, signal: end.signal, spawnError: null, timedOut };
}

/** The process with this pid is the attempt's goose (its environment names the run and attempt). */
function isGooseOf(pid: number, attempt: Pick<Attempt, 'runId' | 'number'>): boolean {
  try {
    const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    return (
      env.includes(`GOOSE_FLOW_RUN_ID=${attempt.runId}`) &&
      env.includes(`GOOSE_FLOW_ATTEMPT=${attempt.number}`)
    );
  } catch {
    return false;
  }
}

function startedProcess(attempt: Attempt): ProcessIdentity | null {
  const pid = readPid(attempt.logPath);
  if (pid === null) return null;
  return isGooseOf(pid, attempt) ? identify(pid) : { pid, startTime: GONE };
}

export const keptAttempts: AttemptRecords = {
  async findStarted(attempt) {
    const until = Date.now() + START_WAIT_MS;
    for (;;) {
      const found = startedProcess(attempt);
      if (found) return found;
      // A keeper ends only when all it started has ended: once it is gone, its files are final.
      const keeperAlive = attempt.keeper !== null && isAlive(attempt.keeper);
      if (!keeperAlive || Date.now() >= until) {
        const last = startedProcess(attempt);
        if (last) return last;
        return readEnd(attempt.logPath) !== null ? { pid: 0, startTime: GONE } : 'never';
      }
      await delay(100);
    }
  },
  endOf,
  async waitForEnd(attempt) {
    const until = Date.now() + RECORD_WAIT_MS;
    for (;;) {
      const end = endOf(attempt);
      if (end !== null || Date.now() >= until) return end;
      await delay(50);
    }
  },
};

/**
 * This attempt on this host (a Temporal worker resuming it after the worker that started it died):
 * its goose still running, or the end its keeper recorded; null when it never started here.
 */
export function attemptOnThisHost(
  runId: string,
  number: number,
  logPath: string,
): FoundAttempt | null {
  const end = endOf({ logPath });
  if (end !== null) {
    return {
      kind: 'ended',
      exit: {
        exitCode: end.exitCode,
        signal: end.signal,
        spawnError: end.spawnError,
        stoppedBy: end.timedOut ? 'timeout' : null,
        stop: null,
        adopted: true,
        logBytes: sizeOf(logPath),
        logTruncated: false,
      },
    };
  }
  const pid = readPid(logPath);
  if (pid === null || !isGooseOf(pid, { runId, number })) return null;
  const identity = identify(pid);
  if (!isAlive(identity)) return null;
  let startedAt = Date.now();
  try {
    startedAt = statSync(`${attemptBase(logPath)}.pid`).mtimeMs;
  } catch {
    /* keep now */
  }
  return { kind: 'running', identity, startedAt };
}

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
