import { Command } from 'commander';
import { positiveInt, withApp } from '../context.js';

export function logsCommand(): Command {
  return new Command('logs')
    .description("print a run's log (all attempts, or one); --follow streams it until the run ends")
    .argument('<runId>')
    .option('--attempt <n>', 'only this attempt', positiveInt('--attempt'))
    .option('-f, --follow', 'keep streaming new output until the run ends')
    .action(async (runId: string, flags: { attempt?: number; follow?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const abort = new AbortController();
        const onInt = () => abort.abort();
        process.once('SIGINT', onInt);
        const many = flags.attempt === undefined;
        try {
          await app.logs.stream(
            runId,
            { attempt: flags.attempt, follow: Boolean(flags.follow), signal: abort.signal },
            (chunk) => process.stdout.write(chunk.data),
            (attempt) =>
              many &&
              process.stdout.write(`==> attempt ${attempt.number} (${attempt.logPath}) <==\n`),
          );
        } finally {
          process.off('SIGINT', onInt);
        }
      });
    });
}
