/**
 * Schedule files: reading Goose's legacy `schedules.json` and goose-flow's own export, writing the
 * export. Pure: text in, drafts out; the caller reads files, resolves relative recipe paths against
 * the file's folder, and snapshots recipes.
 *
 * The export format (YAML; JSON with the same shape is read too):
 *
 *   version: 1                     # required; this goose-flow reads version 1
 *   schedules:
 *     - id: nightly-report         # required, unique within the file
 *       cron: "0 2 * * *"          # required: 5/6/7 fields, @daily-style macro or `@every 30m`
 *       timezone: Europe/Berlin    # IANA zone; omitted = the importing host's zone
 *       jitter: 30s                # omitted = 0
 *       start: 2026-01-01T00:00:00.000Z   # optional: no occurrence before (ISO 8601 instant)
 *       end: 2027-01-01T00:00:00.000Z     # optional: no occurrence at or after
 *       overlap: skip              # skip | buffer_one | buffer_all | cancel_other | terminate_other | allow_all
 *       catchup_window: 0s         # replay missed occurrences up to this old
 *       catchup: all               # all | latest (start only the most recent missed one)
 *       pause_on_failure: false
 *       paused: false
 *       note: "paused for the migration"   # optional
 *       remaining_actions: 10      # optional: runs left; omitted = unlimited
 *       recipe: recipes/report.yaml        # required; relative = against this file's folder
 *       follow_source: false       # re-read the recipe at each run instead of the snapshot
 *       params: { team: core }     # recipe parameters (scalars are read as strings)
 *       timeout: 2h                # per attempt; omitted = the default
 *       retries: 2                 # retries after the first attempt; omitted = the default
 *       cwd: /srv/work             # optional working directory
 *       mode: background           # background | foreground
 *
 * Durations are written so that reading them back gives the same milliseconds (`1h30m`, `1500ms`).
 * Unknown fields are refused, so a misspelt option is never silently dropped.
 */
import { Document, parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../errors.js';
import { formatDurationExact, parseDuration } from '../duration.js';
import { CountLimit, describeDurationRange, DurationLimit, type Range } from '../limits.js';
import { ExecutionMode, OverlapPolicy, type Schedule } from './model.js';
import {
  checkDrafts,
  claimedId,
  parseEntry,
  type EntryRef,
  type ScheduleDraft,
} from './transfer-draft.js';
import { readGooseJobs } from './transfer-goose.js';

export { formatDurationExact } from '../duration.js';
export type { ScheduleDraft } from './transfer-draft.js';

export const EXPORT_VERSION = 1;

/** `key:` with no value is null in YAML: read it as absent. */
const opt = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null ? undefined : v), schema.optional());
const nonEmpty = z.string().trim().min(1, { error: 'must not be empty' });
const scalarString = z.union([z.string(), z.number(), z.boolean()], {
  error: 'must be a text, number or true/false value',
});
const instant = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 instant, e.g. 2026-01-01T09:00:00Z' })
  .transform((text) => Date.parse(text));

const duration = (field: string, range: Range) =>
  z
    .string({ error: 'must be a duration with a unit, e.g. 30s, 30m, 1h30m' })
    .transform((text, ctx) => {
      try {
        const ms = parseDuration(text, field);
        if (ms < range.min || ms > range.max) {
          ctx.addIssue({
            code: 'custom',
            message: `must be from ${describeDurationRange(range)} (got '${text}')`,
          });
          return z.NEVER;
        }
        return ms;
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });

const ExportEntrySchema = z.strictObject({
  id: nonEmpty,
  cron: nonEmpty,
  timezone: opt(nonEmpty),
  jitter: opt(duration('jitter', DurationLimit.jitter)),
  start: opt(instant),
  end: opt(instant),
  overlap: opt(z.enum(OverlapPolicy)),
  catchup_window: opt(duration('catchup_window', DurationLimit.catchupWindow)),
  catchup: opt(z.enum(['latest', 'all'])),
  pause_on_failure: opt(z.boolean()),
  paused: opt(z.boolean()),
  note: opt(z.string()),
  remaining_actions: opt(z.int().min(0).max(CountLimit.remainingActions.max)),
  recipe: nonEmpty,
  follow_source: opt(z.boolean()),
  params: opt(z.record(z.string(), scalarString.transform(String))),
  timeout: opt(duration('timeout', DurationLimit.timeout)),
  retries: opt(z.int().min(0).max(CountLimit.retries.max)),
  cwd: opt(nonEmpty),
  mode: opt(z.enum(ExecutionMode)),
});
type ExportEntry = z.output<typeof ExportEntrySchema>;
/** The file as written: every value is what YAML gives back for it. */
type ExportedEntry = { [K in keyof z.input<typeof ExportEntrySchema>]?: unknown };

/**
 * Reads a schedule file: a JSON array is Goose's legacy `schedules.json`; a mapping with `version`
 * and `schedules` is goose-flow's export. Every entry is validated, its spec compiled, ids checked
 * for duplicates; the first problem is thrown as a UsageError naming file, entry and field.
 */
export function parseScheduleFile(text: string, file: string): ScheduleDraft[] {
  const doc = readDocument(text, file);
  if (Array.isArray(doc)) return finish(readGooseJobs(doc, file), file, 'job ');
  if (isExportFile(doc)) return finish(readExportFile(doc, file), file, 'schedules');
  throw new UsageError(
    `${file}: not a schedule file: expected Goose's schedules.json (a JSON array of jobs) or a goose-flow export (a mapping with 'version: ${EXPORT_VERSION}' and 'schedules')`,
    { file },
  );
}

function readDocument(text: string, file: string): unknown {
  try {
    // YAML 1.2 reads JSON too, and says where a syntax error is.
    return parseYaml(text);
  } catch (err) {
    throw new UsageError(`${file}: cannot be read as JSON or YAML: ${(err as Error).message}`, {
      file,
    });
  }
}

function isExportFile(doc: unknown): doc is { version: unknown; schedules: unknown } {
  return typeof doc === 'object' && doc !== null && 'version' in doc && 'schedules' in doc;
}

function finish(drafts: ScheduleDraft[], file: string, list: string): ScheduleDraft[] {
  checkDrafts(
    drafts,
    drafts.map((d, index) => ({ file, list, index, id: d.id })),
  );
  return drafts;
}

function readExportFile(doc: { version: unknown; schedules: unknown }, file: string) {
  const extra = Object.keys(doc).filter((key) => key !== 'version' && key !== 'schedules');
  if (extra.length > 0)
    throw new UsageError(
      `${file}: unknown top-level field '${extra[0]}'; allowed: version, schedules`,
      {
        file,
        field: extra[0],
      },
    );
  if (doc.version !== EXPORT_VERSION)
    throw new UsageError(
      `${file}: unsupported version ${JSON.stringify(doc.version)}: this goose-flow reads version ${EXPORT_VERSION}`,
      { file, field: 'version' },
    );
  if (!Array.isArray(doc.schedules))
    throw new UsageError(`${file}: field 'schedules' must be a list of schedules`, {
      file,
      field: 'schedules',
    });
  return doc.schedules.map((raw: unknown, index) => {
    const ref: EntryRef = { file, list: 'schedules', index, id: claimedId(raw) };
    return exportDraft(parseEntry(ExportEntrySchema, raw, ref));
  });
}

function exportDraft(entry: ExportEntry): ScheduleDraft {
  return {
    id: entry.id,
    expression: entry.cron,
    timezone: entry.timezone ?? null,
    jitterMs: entry.jitter ?? 0,
    startAt: entry.start ?? null,
    endAt: entry.end ?? null,
    overlap: entry.overlap ?? OverlapPolicy.skip,
    catchupWindowMs: entry.catchup_window ?? 0,
    catchupLatestOnly: entry.catchup === 'latest',
    pauseOnFailure: entry.pause_on_failure ?? false,
    paused: entry.paused ?? false,
    note: entry.note ?? null,
    remainingActions: entry.remaining_actions ?? null,
    recipePath: entry.recipe,
    followSource: entry.follow_source ?? false,
    params: entry.params ?? {},
    timeoutMs: entry.timeout ?? null,
    retries: entry.retries ?? null,
    cwd: entry.cwd ?? null,
    mode: entry.mode ?? ExecutionMode.background,
    notes: [],
  };
}

/** The export format's YAML for `schedules`, in the order given. */
export function exportSchedules(schedules: readonly Schedule[]): string {
  const doc = new Document({ version: EXPORT_VERSION, schedules: schedules.map(exportEntry) });
  doc.commentBefore = ` goose-flow schedules export, format version ${EXPORT_VERSION}`;
  return doc.toString({ lineWidth: 0 });
}

function exportEntry(s: Schedule): ExportedEntry {
  const { spec, policies, state, action } = s;
  const maxAttempts = action.retryPolicy.maxAttempts;
  const entry: ExportedEntry = {
    id: s.id,
    cron: spec.expression,
    timezone: spec.timezone,
    jitter: spec.jitterMs > 0 ? formatDurationExact(spec.jitterMs) : undefined,
    start: isoOrUndefined(spec.startAt),
    end: isoOrUndefined(spec.endAt),
    overlap: policies.overlap,
    catchup_window: formatDurationExact(policies.catchupWindowMs),
    catchup: policies.catchupLatestOnly ? 'latest' : 'all',
    pause_on_failure: policies.pauseOnFailure,
    paused: state.paused,
    note: state.note ?? undefined,
    remaining_actions: state.remainingActions ?? undefined,
    recipe: action.recipePath,
    follow_source: action.followSource,
    params: { ...action.params },
    timeout: formatDurationExact(action.timeoutMs),
    // maxAttempts 0 is Temporal's "unlimited", which a retry count cannot say: leave the default.
    retries: maxAttempts >= 1 ? maxAttempts - 1 : undefined,
    cwd: action.cwd ?? undefined,
    mode: action.mode,
  };
  return Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined));
}

function isoOrUndefined(ms: number | null): string | undefined {
  return ms === null ? undefined : new Date(ms).toISOString();
}
