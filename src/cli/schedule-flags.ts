import { Command, Option } from 'commander';
import { CountLimit } from '../domain/limits.js';
import {
  draftFromInput,
  type InputNames,
  type ScheduleInput,
} from '../domain/schedule/draft-input.js';
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

/** What `schedule add|update` call each field in errors. */
const FLAG_NAMES: InputNames = {
  of: (field) => FLAG_OF[field] ?? `--${field}`,
  catchup: '--catchup',
  catchupWindow: '--catchup-window',
};
const FLAG_OF: Partial<Record<keyof ScheduleInput, string>> = {
  timezone: '--tz',
  catchupWindow: '--catchup-window',
  pauseOnFailure: '--pause-on-failure',
  followSource: '--follow-source',
  params: '--param',
};

/** A draft from flags on top of `base` (a new schedule's defaults, or the schedule being updated). */
export function draftFromFlags(
  id: string,
  flags: ScheduleFlags,
  base: ScheduleDraft,
): ScheduleDraft {
  const { tz, param, json: _json, ...same } = flags;
  return draftFromInput(
    id,
    {
      ...same,
      timezone: tz,
      params: param.length > 0 ? parseParamArgs(param) : undefined,
    },
    base,
    FLAG_NAMES,
  );
}
