/** The run listings' SQL: a filtered, keyset-paged list, and per-schedule summaries. */
import type { RunQuery } from '../../engines/ports.js';

/** Newest first; `before` continues a page (keyset on created_at, id). */
export function listRunsSql(query: RunQuery): { sql: string; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    args.push(...values);
  };
  if (query.status) add('status = ?', query.status);
  if (query.scheduleId) add('schedule_id = ?', query.scheduleId);
  if (query.trigger) add('trigger = ?', query.trigger);
  if (query.since !== undefined) add('created_at >= ?', query.since);
  if (query.until !== undefined) add('created_at < ?', query.until);
  if (query.before) {
    const { createdAt, id } = query.before;
    add('(created_at < ? OR (created_at = ? AND id < ?))', createdAt, createdAt, id);
  }
  const sql =
    `SELECT * FROM runs ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ` +
    `ORDER BY created_at DESC, id DESC LIMIT ?`;
  return { sql, args: [...args, query.limit ?? 50] };
}

/**
 * Ended runs that retention removes: older than the cut-off, or past the newest N of their
 * schedule. A step's run goes with its pipeline run, never on its own.
 */
export const EXPIRED_RUNS_SQL = `SELECT * FROM (
     SELECT r.*, ROW_NUMBER() OVER (PARTITION BY schedule_id ORDER BY created_at DESC) AS rank
     FROM runs r WHERE ended_at IS NOT NULL AND parent_run_id IS NULL
   ) WHERE (? IS NOT NULL AND ended_at < ?) OR (? IS NOT NULL AND schedule_id IS NOT NULL AND rank > ?)
   LIMIT 10000`;

/** A run and the runs of its steps, theirs too (a pipeline that runs pipelines). */
export const RUN_TREE_SQL = `WITH RECURSIVE tree(id) AS (
     SELECT ? UNION SELECT r.id FROM runs r JOIN tree t ON r.parent_run_id = t.id
   ) SELECT id FROM tree`;

/** Recipe snapshots some stored run or schedule refers to (the others may be pruned). */
export const REFERENCED_SNAPSHOTS_SQL = `SELECT recipe_hash FROM runs
   UNION SELECT json_extract(action, '$.recipeHash') FROM schedules`;

export const SCHEDULE_SUMMARIES_SQL = `SELECT schedule_id, max(created_at) AS last_run,
        max(CASE WHEN trigger = 'manual' THEN created_at END) AS last_manual,
        max(status IN ('pending', 'running', 'retrying')) AS active
   FROM runs WHERE schedule_id IS NOT NULL GROUP BY schedule_id`;

export interface SummaryRow {
  schedule_id: string;
  last_run: number | null;
  last_manual: number | null;
  active: number;
}

export function summariesOf(
  rows: readonly SummaryRow[],
): Map<string, { lastRunAt: number | null; lastManualRunAt: number | null; active: boolean }> {
  return new Map(
    rows.map((r) => [
      r.schedule_id,
      { lastRunAt: r.last_run, lastManualRunAt: r.last_manual, active: r.active === 1 },
    ]),
  );
}
