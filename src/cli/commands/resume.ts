import { Command } from 'commander';
import { appFor } from '../context.js';
import { withHelp } from '../help.js';
import { execute } from './run.js';

interface ResumeFlags {
  json?: boolean;
  detach?: boolean;
}

export function resumeCommand(): Command {
  const resume = new Command('resume')
    .description(
      'continue a failed, timed-out or cancelled pipeline run: a new run that carries the ' +
        'succeeded steps over (outputs and all) and runs the rest',
    )
    .argument('<runId>', 'the pipeline run to continue')
    .option('--json', 'print the settled run as JSON instead of streaming the log')
    .option('--detach', 'hand the new run to the running `goose-flow serve` and return at once')
    .action(async (runId: string, flags: ResumeFlags, cmd: Command) => {
      const app = await appFor(cmd, {});
      try {
        process.exitCode = await execute(app, await app.runs.prepareResume(runId), flags);
      } finally {
        await app.close();
      }
    });
  return withHelp(resume, {
    notes:
      'The new run uses the same snapshot, params and options, and records what it resumed\n' +
      '(resumeOf). Exit codes as `run`: 0 succeeded, 1 failed, 124 timed out, 130 cancelled.',
    examples: [
      'goose-flow resume r-20261130-035021-bf1e92db3b',
      'goose-flow resume r-20261130-035021-bf1e92db3b --detach',
    ],
  });
}
