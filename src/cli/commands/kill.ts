import { Command } from 'commander';
import { printJson, withApp } from '../context.js';
import { runJson } from '../render.js';
import { ExitCode } from '../exit-codes.js';

export function killCommand(): Command {
  return new Command('kill')
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
}
