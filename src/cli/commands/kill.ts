import { Command } from 'commander';
import { printJson, withApp } from '../context.js';
import { runJson } from '../render.js';
import { ExitCode } from '../exit-codes.js';
import { withHelp } from '../help.js';

export function killCommand(): Command {
  const kill = new Command('kill')
    .description(
      'cancel a run: SIGTERM to its whole process tree, then SIGKILL after the grace period',
    )
    .argument('<runId>')
    .option('--json', 'print the run as JSON afterwards')
    .action(async (runId: string, flags: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const outcome = await app.runs.kill(runId);
        if (flags.json) printJson(runJson(outcome.run));
        else if (outcome.settled) process.stdout.write(`run ${runId} ${outcome.run.status}\n`);
        else
          process.stdout.write(
            `kill requested; run ${runId} is still ${outcome.run.status} and stopping\n`,
          );
        if (!outcome.settled) process.exitCode = ExitCode.failure;
      });
    });
  return withHelp(kill, {
    notes:
      "The grace period is the run's own (from when it started). Exit code 1 when the run has\n" +
      'not stopped yet as the command ends (it goes on stopping).',
    examples: [
      'goose-flow kill r-20261127-041327-3727365010',
      'goose-flow kill r-20261127-041327-3727365010 --json',
    ],
  });
}
