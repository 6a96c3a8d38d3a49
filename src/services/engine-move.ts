/**
 * Moving a data dir to the other engine (`goose-flow engine move`): its schedules are carried over,
 * all or none, with their definitions and state (pause and note, remaining actions); the data dir
 * then belongs to the target engine, and the schedules are removed from the source so that they
 * never fire on both. Run history, logs and decisions stay where they are (listed, not carried).
 */
import { existsSync } from 'node:fs';
import type { Schedule } from '../domain/schedule/model.js';
import { draftOf, type ScheduleDraft } from '../domain/schedule/transfer-draft.js';
import { ConflictError } from '../domain/errors.js';
import type { RunService } from './runs.js';
import type { ScheduleService } from './schedules.js';
import type { RecipeService } from './recipes.js';

export interface EngineSide {
  readonly engine: 'embedded' | 'temporal';
  readonly schedules: ScheduleService;
  readonly runs: RunService;
  readonly recipes: RecipeService;
}

export interface MoveReport {
  readonly from: 'embedded' | 'temporal';
  readonly to: 'embedded' | 'temporal';
  readonly moved: readonly string[];
  /** Schedules whose recipe file changed or moved since: the snapshot they ran is carried instead. */
  readonly fromSnapshot: readonly string[];
  /** Runs of the source engine (history), which stay with it. */
  readonly runsLeft: number;
  /** Schedules the source could not remove (they no longer fire: no daemon of it runs here). */
  readonly notRemoved: readonly string[];
}

const HISTORY_PAGE = 1_000;

/** Everything that must hold before anything is changed: no run in flight on the source. */
export async function checkMovable(source: EngineSide): Promise<void> {
  const active = (
    await Promise.all(
      (['pending', 'running', 'retrying'] as const).map((status) =>
        source.runs.list({ status, limit: HISTORY_PAGE }),
      ),
    )
  ).flat();
  if (active.length > 0) {
    const ids = active.slice(0, 5).map((r) => r.id);
    throw new ConflictError(
      'runs_in_flight',
      `${active.length} run(s) of the ${source.engine} engine have not ended (${ids.join(', ')}${active.length > 5 ? ', …' : ''}): ` +
        'let them end or `goose-flow kill` them (runs a dead goose-flow left: `goose-flow recover`), then move',
      { runs: ids },
    );
  }
}

/**
 * Creates every schedule of `source` on `target` (all or none), then records the target as the
 * data dir's engine (`recordTarget`), then removes them from the source.
 */
export async function moveSchedules(
  source: EngineSide,
  target: EngineSide,
  recordTarget: () => void,
): Promise<MoveReport> {
  await checkMovable(source);
  const schedules = await source.schedules.list();
  const fromSnapshot: string[] = [];
  const drafts: ScheduleDraft[] = [];
  for (const schedule of schedules) {
    const draft = draftOf(schedule);
    const recipe = await recipeToCarry(source, schedule);
    if (recipe !== schedule.action.recipePath) fromSnapshot.push(schedule.id);
    drafts.push({ ...draft, recipePath: recipe });
  }
  await target.schedules.addAll(drafts, '/');
  recordTarget();
  const notRemoved: string[] = [];
  for (const schedule of schedules) {
    try {
      await source.schedules.remove(schedule.id);
    } catch {
      notRemoved.push(schedule.id);
    }
  }
  return {
    from: source.engine,
    to: target.engine,
    moved: schedules.map((s) => s.id),
    fromSnapshot,
    runsLeft: await countRuns(source),
    notRemoved,
  };
}

/**
 * The recipe file the moved schedule is created from: its own file while that still holds exactly
 * what the schedule runs (so --follow-source and the shown path stay the user's), else the snapshot.
 */
async function recipeToCarry(source: EngineSide, schedule: Schedule): Promise<string> {
  const original = schedule.action.recipePath;
  if (schedule.action.followSource && existsSync(original)) return original;
  try {
    const runnable = source.recipes.loadRunnable(original, schedule.action.params);
    if (source.recipes.snapshot(runnable).hash === schedule.action.recipeHash) return original;
  } catch {
    // Moved, deleted or broken since: the snapshot is what the schedule runs.
  }
  return source.schedules.recipeFileOf({
    ...schedule,
    action: { ...schedule.action, followSource: false },
  });
}

async function countRuns(side: EngineSide): Promise<number> {
  let total = 0;
  let before: { createdAt: number; id: string } | undefined;
  for (;;) {
    const page = await side.runs.list({ limit: HISTORY_PAGE, before });
    total += page.length;
    const last = page.at(-1);
    if (page.length < HISTORY_PAGE || !last) return total;
    before = { createdAt: last.createdAt, id: last.id };
  }
}
