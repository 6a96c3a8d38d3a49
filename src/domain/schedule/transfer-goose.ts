/**
 * Goose's own scheduler kept its jobs in `schedules.json` (later `schedule.json`) in Goose's data
 * dir: a JSON array of `ScheduledJob` (block/goose, crates/goose/src/scheduler.rs):
 *
 *   id, source (recipe path), cron, last_run (RFC 3339 | null), currently_running, paused,
 *   current_session_id, process_start_time, execution_mode ("background" | "foreground" | null)
 *
 * All but id/source/cron are `#[serde(default)]`, and Goose ignores unknown keys, so forks and
 * later versions add fields (`parameters`, `recipe_base_dir`, …): unknown ones become notes.
 */
import { z } from 'zod';
import { ExecutionMode } from './model.js';
import {
  claimedId,
  defaultDraft,
  parseEntry,
  type EntryRef,
  type ScheduleDraft,
} from './transfer-draft.js';

/** JSON `null` is serde's `None`: read it as absent. */
const opt = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null ? undefined : v), schema.optional());
const nonEmpty = z.string().trim().min(1, { error: 'must not be empty' });

const GooseJobSchema = z.looseObject({
  id: nonEmpty,
  source: nonEmpty,
  cron: nonEmpty,
  last_run: opt(z.string()),
  currently_running: opt(z.boolean()),
  paused: opt(z.boolean()),
  current_session_id: opt(z.string()),
  process_start_time: opt(z.string()),
  execution_mode: opt(z.enum(ExecutionMode)),
  // Later Goose: `Vec<(String, String)>`, serialised as a list of [key, value] pairs.
  parameters: opt(z.array(z.tuple([z.string(), z.string()]))),
  recipe_base_dir: opt(z.string()),
});
type GooseJob = z.output<typeof GooseJobSchema>;

const KNOWN_FIELDS = new Set(Object.keys(GooseJobSchema.shape));

export const PAUSED_NOTE = 'imported from Goose (paused)';

export function readGooseJobs(list: readonly unknown[], file: string): ScheduleDraft[] {
  return list.map((raw, index) => {
    const ref: EntryRef = { file, list: 'job ', index, id: claimedId(raw) };
    return gooseDraft(parseEntry(GooseJobSchema, raw, ref), raw as Record<string, unknown>);
  });
}

function gooseDraft(job: GooseJob, raw: Record<string, unknown>): ScheduleDraft {
  const paused = job.paused ?? false;
  return {
    ...defaultDraft(job.id, job.cron, job.source),
    timezone: gooseZone(raw),
    paused,
    note: paused ? PAUSED_NOTE : null,
    params: Object.fromEntries(job.parameters ?? []),
    mode: job.execution_mode ?? ExecutionMode.background,
    notes: gooseNotes(job, raw),
  };
}

/**
 * The Goose that wrote `execution_mode` (always, as null when unset) scheduled with
 * tokio-cron-scheduler's `Job::new_async`, which reads cron in UTC; the Goose after it dropped the
 * field and reads cron in the host's local zone (`new_async_tz(…, Local)`). Keep the instants.
 */
function gooseZone(raw: Record<string, unknown>): string | null {
  return 'execution_mode' in raw ? 'UTC' : null;
}

function gooseNotes(job: GooseJob, raw: Record<string, unknown>): string[] {
  const notes: string[] = [];
  notes.push(
    gooseZone(raw) === 'UTC'
      ? 'cron read in UTC, as the Goose version that wrote this file did'
      : "cron read in this host's time zone, as Goose's scheduler did",
  );
  const year = job.cron.trim().split(/\s+/)[6];
  if (year !== undefined && year !== '*' && year !== '?')
    notes.push(`Goose ignored the year field '${year}'; goose-flow honours it`);
  if (job.last_run !== undefined) notes.push(`last ran in Goose at ${job.last_run}`);
  const running = runningNote(job);
  if (running) notes.push(running);
  if (job.recipe_base_dir !== undefined)
    notes.push(`Goose resolved the recipe's relative paths against ${job.recipe_base_dir}`);
  const ignored = Object.keys(raw).filter((key) => !KNOWN_FIELDS.has(key));
  if (ignored.length > 0) notes.push(`ignored Goose fields: ${ignored.join(', ')}`);
  return notes;
}

function runningNote(job: GooseJob): string | null {
  const parts = [
    job.current_session_id !== undefined ? `session ${job.current_session_id}` : null,
    job.process_start_time !== undefined ? `started ${job.process_start_time}` : null,
  ].filter((part) => part !== null);
  if (!job.currently_running && parts.length === 0) return null;
  const detail = parts.length > 0 ? ` (${parts.join(', ')})` : '';
  const state = job.currently_running ? 'was running' : 'had run state';
  return `Goose recorded that it ${state}${detail}; that run is not adopted`;
}
