import { Command, InvalidArgumentError, Option } from 'commander';
import { CountLimit } from '../../domain/limits.js';
import { intFlag, printJson, withApp } from '../context.js';
import { runDetailJson, runDetailText, runJson, runsTable } from '../render.js';
import { RUN_STATUSES, isRunStatus, type RunStatus } from '../../domain/run-status.js';
import { withHelp } from '../help.js';
import { decodeRunCursor, encodeRunCursor } from '../../views/cursors.js';

function parseStatus(value: string): RunStatus {
  if (!isRunStatus(value)) {
    throw new InvalidArgumentError(
      `unknown status '${value}'; allowed: ${RUN_STATUSES.join(', ')}`,
    );
  }
  return value;
}

interface RunsFlags {
  status?: RunStatus;
  schedule?: string;
  limit: number;
  cursor?: string;
  json?: boolean;
}

export function runsCommand(): Command {
  const runs = new Command('runs')
    .description('list runs, newest first')
    .addOption(
      new Option(
        '--status <status>',
        `only runs in this status (${RUN_STATUSES.join(', ')})`,
      ).argParser(parseStatus),
    )
    .option('--schedule <id>', "only this schedule's runs")
    .option('--limit <n>', 'at most this many runs', intFlag('--limit', CountLimit.listLimit), 50)
    .option(
      '--cursor <cursor>',
      'the page after the one that printed this cursor (to stderr; the API calls it nextCursor)',
    )
    .option('--json', 'print JSON (an array of runs)')
    .action(async (flags: RunsFlags, cmd: Command) => {
      const before =
        flags.cursor === undefined ? undefined : decodeRunCursor(flags.cursor, '--cursor');
      await withApp(cmd, async (app) => {
        const found = await app.runs.list({
          status: flags.status,
          scheduleId: flags.schedule,
          limit: flags.limit + 1,
          before,
        });
        const list = found.slice(0, flags.limit);
        if (flags.json) printJson(list.map(runJson));
        else process.stdout.write(runsTable(list, Date.now()) + '\n');
        const last = list.at(-1);
        if (found.length > flags.limit && last)
          process.stderr.write(`(more: --cursor ${encodeRunCursor(last)})\n`);
      });
    });
  withHelp(runs, {
    notes:
      'With more than --limit runs it prints (more: --cursor <c>) on stderr: the same command\n' +
      'with --cursor <c> prints the next page.',
    examples: [
      'goose-flow runs',
      'goose-flow runs --status failed --limit 10',
      'goose-flow runs --schedule nightly --json',
      'goose-flow runs show r-20261127-041327-3727365010',
    ],
  });
  const show = runs
    .command('show')
    .description('one run: attempts, exit codes, durations, session id and timeline')
    .argument('<runId>')
    .option('--json', 'print JSON')
    .action(async (runId: string, _flags: unknown, cmd: Command) => {
      // `--json` after `show` is claimed by the parent `runs`, which has the same flag.
      const flags = cmd.optsWithGlobals<{ json?: boolean }>();
      await withApp(cmd, async (app) => {
        const detail = await app.runs.show(runId);
        if (flags.json) printJson(runDetailJson(detail));
        else process.stdout.write(runDetailText(detail, Date.now()) + '\n');
      });
    });
  withHelp(show, {
    examples: [
      'goose-flow runs show r-20261127-041327-3727365010',
      'goose-flow runs show r-20261127-041327-3727365010 --json',
    ],
  });
  return runs;
}
