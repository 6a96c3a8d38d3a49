/**
 * What follows from a schedule's run settling — pause on failure, and the release of the next
 * buffered occurrence (a start: remaining actions count it) — done inside the transaction that
 * settles the run, on every path that settles one: the run driver, a kill, recovery of a run whose
 * goose-flow died. A crash can then never leave a run settled and its schedule's buffer stuck.
 * `releaseIdle` repairs what an older goose-flow left (a daemon runs it at start and in its run
 * scanner).
 */
import type { ProcessIdentity, Run } from '../../domain/run.js';
import { isTerminal } from '../../domain/run-status.js';
import { occurrenceRunId, type Schedule } from '../../domain/schedule/model.js';
import { stateAfterRun, stateAfterStart } from '../../domain/schedule/policies.js';
import type { NewRun, OccurrenceSource, RunStore, ScheduleStore } from '../ports.js';

export interface AfterRunDeps {
  readonly schedules: ScheduleStore;
  readonly runs: Pick<RunStore, 'activeRuns'>;
  /** The run an occurrence starts (snapshot, params, options). */
  readonly newRun: NewRunOf;
}

/** The run an occurrence of `schedule` starts (snapshot, params, options), owned by `owner`. */
export type NewRunOf = (
  schedule: Schedule,
  id: string,
  source: OccurrenceSource,
  owner: ProcessIdentity | null,
) => NewRun;

/** Call inside the transaction that moved `run` to a terminal status. */
export function afterRunSettled(deps: AfterRunDeps, run: Run): void {
  if (!run.scheduleId || !isTerminal(run.status)) return;
  const schedule = deps.schedules.getSchedule(run.scheduleId);
  if (!schedule) return;
  const paused = stateAfterRun(schedule, run.id, run.status);
  if (paused) deps.schedules.updateSchedule(schedule.id, { state: paused });
  releaseNext(deps, schedule.id);
}

/**
 * Releases the oldest buffered occurrence of a schedule none of whose runs is going: its run is
 * created (pending, no owner: the daemon claims it, and counts it against its limit). Returns the
 * run id, or null when nothing was released.
 */
export function releaseNext(deps: AfterRunDeps, scheduleId: string): string | null {
  if (deps.runs.activeRuns(scheduleId).length > 0) return null;
  const next = deps.schedules.waiting(scheduleId)[0];
  const schedule = deps.schedules.getSchedule(scheduleId);
  if (!next || !schedule) return null;
  if (schedule.state.remainingActions === 0) {
    // The schedule has used its actions: what waited will never start. Say so, once.
    deps.schedules.dropBuffered(next, 'the schedule has no actions left');
    return releaseNext(deps, scheduleId);
  }
  const run = deps.newRun(
    schedule,
    occurrenceRunId(scheduleId, next.scheduledAt),
    next.source,
    null,
  );
  if (!deps.schedules.releaseBuffered(next, run, stateAfterStart(schedule.state))) return null;
  deps.schedules.bumpDispatch();
  return run.id;
}

/** Every schedule with a buffered occurrence and nothing running: released, one transaction each. */
export function releaseIdle(deps: AfterRunDeps): string[] {
  const released: string[] = [];
  for (const scheduleId of deps.schedules.schedulesWaiting()) {
    const id = deps.schedules.batch(() => releaseNext(deps, scheduleId));
    if (id) released.push(id);
  }
  return released;
}
