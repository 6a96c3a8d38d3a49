import { Command, Option } from 'commander';
import { intFlag, printJson, withApp } from '../context.js';
import { draftFromFlags, withScheduleFlags, type ScheduleFlags } from '../schedule-flags.js';
import { defaultDraft, draftOf } from '../../domain/schedule/transfer-draft.js';
import {
  scheduleDetailJson,
  scheduleDetailText,
  scheduleJson,
  schedulesTable,
} from '../render-schedule.js';
import { runJson } from '../render.js';
import { exitCodeForRun } from '../exit-codes.js';
import { UsageError } from '../../domain/errors.js';
import { decodeDecisionCursor } from '../../views/cursors.js';
import { OVERLAP_POLICIES, type OverlapPolicy } from '../../domain/schedule/model.js';
import { withHelp } from '../help.js';
import type { App } from '../../app.js';

export function scheduleCommand(): Command {
  const schedule = new Command('schedule').description(
    'run recipes on cron schedules (fired by `goose-flow serve`)',
  );
  schedule.addCommand(addCommand());
  schedule.addCommand(listCommand());
  schedule.addCommand(showCommand());
  schedule.addCommand(nextCommand());
  schedule.addCommand(updateCommand());
  schedule.addCommand(pauseCommand('pause'));
  schedule.addCommand(pauseCommand('resume'));
  schedule.addCommand(triggerCommand());
  schedule.addCommand(backfillCommand());
  schedule.addCommand(removeCommand());
  return withHelp(schedule, {
    examples: [
      'goose-flow schedule add nightly --cron "0 2 * * *" --recipe review.yaml',
      'goose-flow schedule list',
      'goose-flow schedule show nightly',
    ],
  });
}

function addCommand(): Command {
  const add = withScheduleFlags(
    new Command('add')
      .description('create a schedule; the recipe is validated for a headless run and snapshotted')
      .argument(
        '<id>',
        "schedule id, free text as Goose names jobs: 1–200 characters, spaces inside allowed, no '/' " +
          "or '\\', no control characters, no spaces at either end",
      ),
  ).action(async (id: string, flags: ScheduleFlags, cmd: Command) => {
    if (!flags.cron || !flags.recipe)
      throw new UsageError('schedule add needs --cron <expr> and --recipe <file>');
    await withApp(cmd, async (app) => {
      const created = await app.schedules.add(draftFromFlags(id, flags, defaultDraft(id, '', '')));
      await printSchedule(app, created.id, flags.json, 'created');
    });
  });
  return withHelp(add, {
    examples: [
      'goose-flow schedule add nightly --cron "0 2 * * *" --tz Europe/Berlin --recipe review.yaml \\',
      '    -p repo=.',
      'goose-flow schedule add poll --cron "@every 30s" --recipe check.yaml --overlap buffer_one',
      'goose-flow schedule add "Daily summary" --cron "0 9 * * 1-5" --recipe summary.yaml --paused',
    ],
    env: ['GOOSE_FLOW_HOME', 'GOOSE_FLOW_RUN_TIMEOUT'],
  });
}

function updateCommand(): Command {
  const update = withScheduleFlags(
    new Command('update')
      .description('change a schedule; flags not given keep their value')
      .argument('<id>'),
  ).action(async (id: string, flags: ScheduleFlags, cmd: Command) => {
    await withApp(cmd, async (app) => {
      const current = await app.schedules.get(id);
      await app.schedules.update(id, draftFromFlags(id, flags, draftOf(current)), process.cwd(), {
        reloadRecipe: flags.recipe !== undefined,
      });
      await printSchedule(app, id, flags.json, 'updated');
    });
  });
  return withHelp(update, {
    notes:
      'Flags not given keep their value, the recipe snapshot included: the schedule goes on running\n' +
      'the recipe as it was snapshotted. Only --recipe re-reads the file and takes a new snapshot\n' +
      '(give the same path again to pick up edits). -p adds to or replaces single parameters; the\n' +
      'others are kept.',
    examples: [
      'goose-flow schedule update nightly --cron "0 3 * * *" --tz UTC',
      'goose-flow schedule update nightly --recipe review.yaml   # re-snapshot the edited recipe',
      'goose-flow schedule update nightly --timeout 45m --retries 1 -p branch=main',
    ],
  });
}

async function printSchedule(
  app: App,
  id: string,
  json: boolean | undefined,
  verb: string,
): Promise<void> {
  const detail = await app.schedules.show(id);
  if (json) return printJson(scheduleJson(detail.schedule, detail.next));
  const first = detail.next[0];
  process.stdout.write(
    `schedule ${id} ${verb}; next run ${first ? new Date(first).toISOString() : 'none'}\n`,
  );
  if (app.engine === 'embedded' && !app.schedules.daemon())
    process.stdout.write(
      'note: no `goose-flow serve` runs on this data dir; start one to fire schedules\n',
    );
}

function listCommand(): Command {
  const list = new Command('list')
    .description('all schedules with their next run')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const rows = (await app.schedules.list()).map((schedule) => ({
          schedule,
          next: app.schedules.nextRunAt(schedule),
        }));
        if (flags.json)
          printJson(rows.map((r) => scheduleJson(r.schedule, r.next === null ? [] : [r.next])));
        else process.stdout.write(schedulesTable(rows) + '\n');
      });
    });
  return withHelp(list, {
    examples: ['goose-flow schedule list', 'goose-flow schedule list --json'],
  });
}

function showCommand(): Command {
  const show = new Command('show')
    .description(
      'one schedule: next 5 fire times in its zone, the cron in words, recent runs and decisions',
    )
    .argument('<id>')
    .option(
      '--decisions <n>',
      'how many decisions, newest first (default 20)',
      intFlag('--decisions', { min: 1, max: 1_000 }),
      20,
    )
    .option('--before <cursor>', 'the older page of decisions that the last page named')
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        flags: { json?: boolean; decisions: number; before?: string },
        cmd: Command,
      ) => {
        const page = {
          limit: flags.decisions,
          ...(flags.before ? { before: decodeDecisionCursor(flags.before, '--before') } : {}),
        };
        await withApp(cmd, async (app) => {
          const detail = await app.schedules.show(id, page);
          if (flags.json) printJson(scheduleDetailJson(detail));
          else process.stdout.write(scheduleDetailText(detail) + '\n');
        });
      },
    );
  return withHelp(show, {
    examples: [
      'goose-flow schedule show nightly',
      'goose-flow schedule show "Daily summary" --decisions 50',
      'goose-flow schedule show nightly --json',
    ],
  });
}

function nextCommand(): Command {
  const nextCmd = new Command('next')
    .description('the next fire times (UTC; `show` prints them in the zone)')
    .argument('<id>')
    .option(
      '--count <n>',
      'how many (1–100, default 5)',
      intFlag('--count', { min: 1, max: 100 }),
      5,
    )
    .option('--json', 'print JSON ({"next": [RFC 3339 times]}, as the API)')
    .action(async (id: string, flags: { count: number; json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const next = (await app.schedules.upcoming(id, flags.count)).map((t) =>
          new Date(t).toISOString(),
        );
        if (flags.json) printJson({ next });
        else process.stdout.write(next.length ? next.join('\n') + '\n' : '(no more fire times)\n');
      });
    });
  return withHelp(nextCmd, {
    examples: [
      'goose-flow schedule next nightly',
      'goose-flow schedule next nightly --count 10 --json',
    ],
  });
}

function pauseCommand(verb: 'pause' | 'resume'): Command {
  const pauseOrResume = new Command(verb)
    .description(
      verb === 'pause' ? 'stop firing (occurrences are recorded as skipped_paused)' : 'fire again',
    )
    .argument('<id>')
    .option('--note <text>', 'why (shown with the schedule)')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { note?: string; json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const s =
          verb === 'pause'
            ? await app.schedules.pause(id, flags.note ?? null)
            : await app.schedules.resume(id, flags.note ?? null);
        if (flags.json) printJson(scheduleJson(s));
        else process.stdout.write(`schedule ${id} ${verb === 'pause' ? 'paused' : 'resumed'}\n`);
      });
    });
  return withHelp(pauseOrResume, {
    examples:
      verb === 'pause'
        ? ['goose-flow schedule pause nightly --note "repo frozen until Monday"']
        : ['goose-flow schedule resume nightly', 'goose-flow schedule resume nightly --json'],
  });
}

function triggerCommand(): Command {
  const trigger = new Command('trigger')
    .description(
      'run the schedule now (with a daemon: hand the run to it; without: run it here, like `run`)',
    )
    .argument('<id>')
    .addOption(
      new Option(
        '--overlap <policy>',
        "overlap policy for this run (default: the schedule's)",
      ).choices(OVERLAP_POLICIES),
    )
    .option('--json', 'print JSON')
    .action(
      async (id: string, flags: { overlap?: OverlapPolicy; json?: boolean }, cmd: Command) => {
        await withApp(cmd, async (app) => {
          const result = await app.schedules.trigger(id, flags.overlap);
          const say = (line: string) =>
            flags.json ? undefined : process.stdout.write(line + '\n');
          if (!result.run) say(`schedule ${id}: ${result.decision} (a run of it is still going)`);
          else if (app.engine === 'temporal')
            say(`run ${result.run.id} started on Temporal; a worker runs it`);
          else if (result.daemon)
            say(`run ${result.run.id} started by the daemon (pid ${result.daemon.pid})`);
          else say(`run ${result.run.id} started here (no daemon runs)`);
          const run = result.settled ? await result.settled : result.run;
          if (flags.json)
            printJson({
              decision: result.decision,
              run: run ? runJson(run) : null,
              daemonPid: result.daemon?.pid ?? null,
            });
          else if (result.settled && run) say(`run ${run.id} ${run.status}`);
          if (result.settled && run) process.exitCode = exitCodeForRun(run.status);
        });
      },
    );
  return withHelp(trigger, {
    notes:
      'With no daemon (embedded engine) it runs the run here, waits for it and exits with its\n' +
      'exit code, as `run` does.',
    examples: [
      'goose-flow schedule trigger nightly',
      'goose-flow schedule trigger nightly --overlap allow_all --json',
    ],
    env: ['GOOSE_FLOW_HOME', 'GOOSE_FLOW_GOOSE_BIN', 'GOOSE_FLOW_KILL_GRACE'],
  });
}

function removeCommand(): Command {
  const remove = new Command('remove')
    .description('delete a schedule (its runs and their logs stay)')
    .argument('<id>')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        await app.schedules.remove(id);
        if (flags.json) printJson({ id, removed: true });
        else process.stdout.write(`schedule ${id} removed\n`);
      });
    });
  return withHelp(remove, {
    examples: ['goose-flow schedule remove nightly', 'goose-flow schedule remove "Daily summary"'],
  });
}

function backfillCommand(): Command {
  const backfill = new Command('backfill')
    .description('run the occurrences of a past (or future) range now, each at most once')
    .argument('<id>')
    .requiredOption('--from <time>', 'first scheduled time to include (ISO-8601)')
    .requiredOption('--to <time>', 'last scheduled time to include (ISO-8601)')
    .addOption(
      new Option(
        '--overlap <policy>',
        "overlap policy for the backfill (default: the schedule's)",
      ).choices(OVERLAP_POLICIES),
    )
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        flags: { from: string; to: string; overlap?: OverlapPolicy; json?: boolean },
        cmd: Command,
      ) => {
        const time = (text: string, flag: string) => {
          const ms = Date.parse(text);
          if (Number.isNaN(ms)) throw new UsageError(`${flag} '${text}' is not an ISO-8601 time`);
          return ms;
        };
        await withApp(cmd, async (app) => {
          const result = await app.schedules.backfill(
            id,
            time(flags.from, '--from'),
            time(flags.to, '--to'),
            flags.overlap,
          );
          const runs = result.settled ? await result.settled : [];
          const decided = result.decided.map((d) => ({
            ...d,
            scheduledAt: new Date(d.scheduledAt).toISOString(),
          }));
          if (flags.json)
            return printJson({
              decided,
              daemonPid: result.daemon?.pid ?? null,
              runs: runs.map(runJson),
            });
          if (result.requestedOnServer) {
            process.stdout.write(
              `asked Temporal to backfill ${decided.length} occurrence(s); it decides each with the overlap policy (see \`schedule show ${id}\`)\n`,
            );
            return;
          }
          for (const d of decided) {
            process.stdout.write(
              `${d.scheduledAt}  ${d.already ? 'already backfilled' : d.decision}${d.runId ? `  ${d.runId}` : ''}\n`,
            );
          }
          const where = result.daemon
            ? `handed to the daemon (pid ${result.daemon.pid})`
            : 'run here';
          process.stdout.write(`${decided.length} occurrence(s); started runs ${where}\n`);
          if (runs.some((r) => r.status !== 'succeeded')) process.exitCode = 1;
        });
      },
    );
  return withHelp(backfill, {
    notes:
      'With overlap skip (the default), only the first backfilled run starts while it runs; use\n' +
      'buffer_all or allow_all to run them all. With no daemon (embedded engine) they run here.',
    examples: [
      'goose-flow schedule backfill nightly --from 2026-11-01T00:00:00Z --to 2026-11-07T23:59:59Z \\',
      '    --overlap buffer_all',
      'goose-flow schedule backfill nightly --from 2026-11-20T02:00:00Z --to 2026-11-20T02:00:00Z --json',
    ],
    env: ['GOOSE_FLOW_HOME', 'GOOSE_FLOW_GOOSE_BIN', 'GOOSE_FLOW_KILL_GRACE'],
  });
}
