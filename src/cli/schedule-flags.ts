import { Command, Option } from 'commander';
import { CountLimit, DurationLimit, parseDurationIn, type Range } from '../domain/limits.js';
import { applyChanges, defined, type DraftChanges } from '../domain/schedule/draft-changes.js';
import { UsageError } from '../domain/errors.js';
import { parseParamArgs } from '../domain/recipe/index.js';
import { OVERLAP_POLICIES, ExecutionMode, type OverlapPolicy } from '../domain/schedule/model.js';
import type { ScheduleDraft } from '../domain/schedule/transfer-draft.js';
import { collect, intFlag } from './context.js';

/** The flags `schedule add` and `schedule update` share. */
export interface ScheduleFlags {
  cron?: string;
  recipe?: string;
  tz?: string;
  jitter?: string;
  start?: string;
  end?: string;
  overlap?: OverlapPolicy;
  catchupWindow?: string;
  catchup?: 'all' | 'latest';
  pauseOnFailure?: boolean;
  remaining?: number;
  param: string[];
  timeout?: string;
  retries?: number;
  cwd?: string;
  mode?: 'background' | 'foreground';
  paused?: boolean;
  note?: string;
  followSource?: boolean;
  json?: boolean;
}

export function withScheduleFlags(cmd: Command): Command {
  return cmd
    .option('--cron <expr>', 'cron (5, 6 or 7 fields), @hourly-style macro, or "@every 30s"')
    .option('--recipe <file>', 'recipe to run (snapshotted now)')
    .option('--tz <zone>', "IANA time zone of the cron (default: this host's zone)")
    .option('--jitter <duration>', 'fire each occurrence up to this much later (e.g. 30s)')
    .option('--start <time>', 'no occurrence before this ISO-8601 time')
    .option('--end <time>', 'no occurrence after this ISO-8601 time')
    .addOption(
      new Option('--overlap <policy>', 'when a run of the schedule is still going').choices(
        OVERLAP_POLICIES,
      ),
    )
    .option(
      '--catchup-window <duration>',
      'replay occurrences missed while down if not older than this (default 0: record them as missed; an occurrence up to 10 s late is on time and starts, on both engines)',
    )
    .addOption(
      new Option(
        '--catchup <which>',
        'with a window: replay all missed occurrences, or only the latest',
      ).choices(['all', 'latest']),
    )
    .option('--pause-on-failure', 'pause the schedule when one of its runs fails')
    .option(
      '--remaining <n>',
      'start at most this many more runs, then stop',
      intFlag('--remaining', CountLimit.remainingActions),
    )
    .option('-p, --param <key=value>', 'recipe parameter (repeatable)', collect, [])
    .option('--timeout <duration>', 'per-attempt timeout (default 2h)')
    .option(
      '--retries <n>',
      'retries after the first attempt (default 2)',
      intFlag('--retries', CountLimit.retries),
    )
    .option('--cwd <dir>', "working directory of goose (default: the data dir's work/)")
    .addOption(new Option('--mode <mode>', 'execution mode').choices(Object.values(ExecutionMode)))
    .option('--paused', 'create it paused')
    .option('--note <text>', 'a note kept with the pause state')
    .option(
      '--follow-source',
      're-read the recipe file at each run instead of running the snapshot',
    )
    .option('--json', 'print JSON');
}

const instant = (text: string, flag: string): number => {
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new UsageError(`${flag} '${text}' is not an ISO-8601 time (e.g. 2026-12-01T09:00:00Z)`);
  return ms;
};

/** A draft from flags on top of `base` (a new schedule's defaults, or the schedule being updated). */
export function draftFromFlags(
  id: string,
  flags: ScheduleFlags,
  base: ScheduleDraft,
): ScheduleDraft {
  const dur = (text: string | undefined, flag: string, range: Range) =>
    text === undefined ? undefined : parseDurationIn(text, flag, range);
  const changes: DraftChanges = {
    ...defined({
      expression: flags.cron,
      timezone: flags.tz,
      jitterMs: dur(flags.jitter, '--jitter', DurationLimit.jitter),
      startAt: flags.start === undefined ? undefined : instant(flags.start, '--start'),
      endAt: flags.end === undefined ? undefined : instant(flags.end, '--end'),
      overlap: flags.overlap,
      catchupWindowMs: dur(flags.catchupWindow, '--catchup-window', DurationLimit.catchupWindow),
      catchupLatestOnly: flags.catchup === undefined ? undefined : flags.catchup === 'latest',
      pauseOnFailure: flags.pauseOnFailure,
      remainingActions: flags.remaining,
      recipePath: flags.recipe,
      params: flags.param.length > 0 ? parseParamArgs(flags.param) : undefined,
      timeoutMs: dur(flags.timeout, '--timeout', DurationLimit.timeout),
      retries: flags.retries,
      cwd: flags.cwd,
      mode: flags.mode,
      paused: flags.paused,
      note: flags.note,
      followSource: flags.followSource,
    }),
  };
  return applyChanges(id, base, changes, {
    catchup: '--catchup',
    catchupWindow: '--catchup-window',
  });
}
