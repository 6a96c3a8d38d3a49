import { Command } from 'commander';
import { UsageError } from '../../domain/errors.js';
import { MAX_LOG_RANGE } from '../../services/logs.js';
import { intFlag, printJson, withApp } from '../context.js';
import { withHelp } from '../help.js';

interface LogsFlags {
  attempt?: number;
  follow?: boolean;
  offset?: number;
  limit?: number;
  json?: boolean;
}

export function logsCommand(): Command {
  const logs = new Command('logs')
    .description(
      "print a run's log (all attempts, or one; a pipeline run: its steps' logs in order); --follow streams it until the run ends",
    )
    .argument('<runId>')
    .option('--attempt <n>', 'only this attempt', intFlag('--attempt', { min: 1, max: 1_000 }))
    .option('-f, --follow', 'keep streaming new output until the run ends')
    .option(
      '--offset <bytes>',
      'print one byte range of one attempt (default: the last) from this offset; the next offset goes to stderr',
      intFlag('--offset', { min: 0, max: Number.MAX_SAFE_INTEGER }),
    )
    .option(
      '--limit <bytes>',
      `with --offset: at most this many bytes (default 262144, at most ${MAX_LOG_RANGE})`,
      intFlag('--limit', { min: 1, max: MAX_LOG_RANGE }),
    )
    .option('--json', 'with --offset: the range as JSON (the API’s LogChunk shape)')
    .action(async (runId: string, flags: LogsFlags, cmd: Command) => {
      const ranged = flags.offset !== undefined || flags.limit !== undefined;
      if (ranged && flags.follow)
        throw new UsageError(
          '--offset/--limit read one range; --follow streams: use one or the other',
        );
      if (flags.json && !ranged) throw new UsageError('--json needs --offset (a range)');
      await withApp(cmd, async (app) => {
        if (ranged) {
          const range = await app.logs.range(runId, {
            attempt: flags.attempt,
            offset: flags.offset ?? 0,
            ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
          });
          if (flags.json) return printJson({ ...range, data: range.data.toString('utf8') });
          process.stdout.write(range.data);
          process.stderr.write(
            `(attempt ${range.attempt}: bytes ${range.offset}–${range.nextOffset} of ${range.size}; ${
              range.complete
                ? 'the attempt has ended, this is the end'
                : `next --offset ${range.nextOffset}`
            })\n`,
          );
          return;
        }
        const abort = new AbortController();
        const onInt = () => abort.abort();
        process.once('SIGINT', onInt);
        const many = flags.attempt === undefined;
        try {
          const run = await app.runs.get(runId);
          if (run.kind === 'pipeline' && many)
            return await app.logs.streamPipeline(
              runId,
              { follow: Boolean(flags.follow), signal: abort.signal },
              (chunk) => process.stdout.write(chunk.data),
              (key, id) => process.stdout.write(`==> step ${key} (${id}) <==\n`),
            );
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
  return withHelp(logs, {
    examples: [
      'goose-flow logs r-20261127-041327-3727365010',
      'goose-flow logs r-20261127-041327-3727365010 --follow',
      'goose-flow logs r-20261127-041327-3727365010 --attempt 2',
      'goose-flow logs r-20261127-041327-3727365010 --offset 0 --limit 65536 --json',
    ],
  });
}
