import type { Attempt, ProcessIdentity, Run } from '../../domain/run.js';
import { AttemptStatus, EventType } from '../../domain/run.js';
import { AttemptFailure } from '../../domain/retry-policy.js';
import { RunStatus } from '../../domain/run-status.js';
import type { RunStore, Supervisor } from '../ports.js';
import { nextStep, transitionFor } from './attempt-outcome.js';

export type OrphanPolicy = 'adopt' | 'kill';

export interface RecoveryDeps {
  readonly store: RunStore;
  readonly supervisor: Supervisor;
  readonly self: ProcessIdentity;
  readonly isAlive: (identity: ProcessIdentity) => boolean;
  readonly orphans: OrphanPolicy;
  readonly now: () => number;
  readonly logBytesOf: (path: string) => number;
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
  const alive = attempt.process !== null && deps.isAlive(attempt.process);
  if (alive && deps.orphans === 'adopt' && run.cancelRequestedAt === null)
    return { kind: 'adopt', attempt };
  if (attempt.process) {
    // Kill what is left: the leader if it lives, and any grandchildren still in its group.
    const report = await deps.supervisor.killTree(attempt.process, run.options.graceMs);
    if (alive) {
      deps.store.appendEvent(run.id, {
        type: EventType.processKilled,
        attempt: attempt.number,
        data: {
          reason: run.cancelRequestedAt ? 'cancel' : 'orphan policy: kill',
          escalated: report.escalated,
        },
      });
    }
  }
  return settleLostAttempt(deps, run, attempt, alive);
}

function settleLostAttempt(
  deps: RecoveryDeps,
  run: Run,
  attempt: Attempt,
  wasAlive: boolean,
): Resumption {
  const cancelled = run.cancelRequestedAt !== null;
  const end = {
    status: cancelled ? AttemptStatus.cancelled : AttemptStatus.lost,
    exitCode: null,
    signal: null,
    failure: cancelled ? null : AttemptFailure.lost,
    logBytes: deps.logBytesOf(attempt.logPath),
    logTruncated: attempt.logTruncated,
  };
  const reason = wasAlive
    ? 'the goose-flow process that owned it died; the orphaned process was killed'
    : 'the process vanished while no goose-flow process was watching it';
  const step = nextStep(run, attempt.number, end);
  const event = {
    type: cancelled ? EventType.processKilled : EventType.attemptLost,
    data: { reason },
  };
  deps.store.endAttempt(
    run.id,
    attempt.number,
    end,
    event,
    transitionFor(step, attempt.number, deps.now(), null),
  );
  return step.kind === 'retry' ? { kind: 'continue' } : { kind: 'settled' };
}
