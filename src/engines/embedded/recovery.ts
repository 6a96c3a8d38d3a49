import type { Attempt, ProcessIdentity, Run } from '../../domain/run.js';
import { AttemptStatus, EventType } from '../../domain/run.js';
import { RunStatus } from '../../domain/run-status.js';
import type { AttemptRecords, RecordedEnd, RunStore, Supervisor } from '../ports.js';
import { judgeAttempt, nextStep, transitionFor } from '../../domain/attempt-outcome.js';

export type OrphanPolicy = 'adopt' | 'kill';

export interface RecoveryDeps {
  readonly store: RunStore;
  readonly supervisor: Supervisor;
  readonly self: ProcessIdentity;
  readonly isAlive: (identity: ProcessIdentity) => boolean;
  readonly orphans: OrphanPolicy;
  readonly now: () => number;
  readonly logBytesOf: (path: string) => number;
  /** What the keepers recorded about attempts (their pid and end files). */
  readonly attempts: AttemptRecords;
}

/** What the new owner must do with a run it claimed. */
export type Resumption =
  | { readonly kind: 'adopt'; readonly attempt: Attempt }
  | { readonly kind: 'continue' }
  | { readonly kind: 'settled' };

/** A running attempt whose owner has not heartbeaten for this many heartbeats is taken over. */
export const STALE_HEARTBEATS = 18;

/**
 * Unsettled runs whose owning goose-flow process is gone (or that never had one), and running
 * runs of another process whose attempt stopped heartbeating (a hung owner).
 */
export function findOrphans(
  deps: Pick<RecoveryDeps, 'store' | 'isAlive' | 'self' | 'now'> & { heartbeatMs: number },
): Run[] {
  const orphans = deps.store
    .unsettledRuns()
    .filter((run) => !run.owner || !deps.isAlive(run.owner));
  const staleBefore = deps.now() - STALE_HEARTBEATS * deps.heartbeatMs;
  const stale = deps.store
    .staleRuns(staleBefore)
    .filter((run) => run.owner?.pid !== deps.self.pid && !orphans.some((o) => o.id === run.id));
  return [...orphans, ...stale];
}

/**
 * Takes over one orphaned run: claims it (compare-and-set on the owner, so two recovering processes
 * never both drive it) and settles its last attempt. Returns null if another process claimed it.
 */
export async function claimOrphan(deps: RecoveryDeps, run: Run): Promise<Resumption | null> {
  if (!deps.store.claimOwner(run.id, run.owner, deps.self)) return null;
  // A run that never had an owner was handed over (trigger, `run --detach`): an ordinary start.
  deps.store.appendEvent(
    run.id,
    run.owner
      ? {
          type: EventType.ownerLost,
          data: { previousOwner: run.owner.pid, newOwner: deps.self.pid },
        }
      : { type: EventType.claimed, data: { by: deps.self.pid } },
  );
  const attempt = deps.store.currentAttempt(run.id);
  if (run.status !== RunStatus.running || !attempt || attempt.status !== AttemptStatus.running) {
    return { kind: 'continue' };
  }
  const found = attempt.process ?? (await deps.attempts.findStarted(attempt));
  if (found === 'never') {
    deps.store.withdrawAttempt(
      run.id,
      attempt.number,
      'the goose-flow process that recorded it died before its keeper started goose',
    );
    return { kind: 'continue' };
  }
  if (found !== attempt.process) deps.store.recordProcess(run.id, attempt.number, found);
  const alive = deps.attempts.endOf(attempt) === null && deps.isAlive(found);
  if (alive && deps.orphans === 'adopt' && run.cancelRequestedAt === null)
    return { kind: 'adopt', attempt: { ...attempt, process: found } };
  if (alive) {
    const report = await deps.supervisor.killTree(found, run.options.graceMs);
    deps.store.appendEvent(run.id, {
      type: EventType.processKilled,
      attempt: attempt.number,
      data: {
        reason: run.cancelRequestedAt ? 'cancel' : 'orphan policy: kill',
        escalated: report.escalated,
      },
    });
  } else {
    // goose has ended: what it left in its group goes too.
    await deps.supervisor.killTree(found, run.options.graceMs);
  }
  const end = await deps.attempts.waitForEnd(attempt);
  return settleFound(deps, run, attempt, end, alive);
}

/**
 * Settles the attempt from what its keeper recorded — the real exit status, even when goose
 * ended while no goose-flow process was alive — or as lost when nothing was recorded.
 */
function settleFound(
  deps: RecoveryDeps,
  run: Run,
  attempt: Attempt,
  end: RecordedEnd | null,
  killedHere: boolean,
): Resumption {
  const cancelled = run.cancelRequestedAt !== null;
  const stoppedBy = cancelled ? 'cancel' : end?.timedOut ? 'timeout' : null;
  const verdict = judgeAttempt(
    {
      exitCode: end?.exitCode ?? null,
      signal: end?.signal ?? null,
      spawnError: end?.spawnError ?? null,
      stoppedBy,
      stop: null,
      adopted: true,
      logBytes: deps.logBytesOf(attempt.logPath),
      logTruncated: attempt.logTruncated,
    },
    cancelled,
  );
  const reason =
    end === null
      ? killedHere
        ? 'the goose-flow process that owned it died; the orphaned process was killed and no exit status was recorded'
        : 'goose ended with no record of how: its keeper was gone too (killed, or the machine went down)'
      : killedHere
        ? 'the goose-flow process that owned it died; the orphaned process was killed'
        : 'goose ended while no goose-flow process watched it; its keeper recorded how';
  const event =
    verdict.end.status === AttemptStatus.lost
      ? { type: EventType.attemptLost, data: { reason } }
      : { ...verdict.event, data: { ...verdict.event.data, recovered: reason } };
  const step = nextStep(run, attempt.number, verdict.end);
  deps.store.endAttempt(
    run.id,
    attempt.number,
    verdict.end,
    event,
    transitionFor(step, attempt.number, deps.now(), verdict.end.exitCode),
  );
  return step.kind === 'retry' ? { kind: 'continue' } : { kind: 'settled' };
}
