import { Command, Option } from 'commander';
import { runDaemon } from '../daemon.js';
import { positiveInt, type GlobalOptions } from '../context.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description(
      'run the daemon: fire schedules on time, run what they start, settle what a crash left',
    )
    .option(
      '--max-concurrent <n>',
      'runs at most this many recipes at once (default 4)',
      positiveInt('--max-concurrent'),
      4,
    )
    .addOption(
      new Option(
        '--on-shutdown <what>',
        'on SIGINT/SIGTERM: stop running runs, or leave them for the next daemon to re-adopt',
      )
        .choices(['stop', 'leave'])
        .default('stop'),
    )
    .addOption(
      new Option(
        '--log-format <format>',
        'log format (default: pretty on a terminal, else JSON lines)',
      ).choices(['json', 'pretty']),
    )
    .addHelpText(
      'after',
      '\nOne daemon per data dir. Logs go to stdout; stop it with Ctrl-C or SIGTERM.',
    )
    .action(
      async (
        flags: {
          maxConcurrent: number;
          onShutdown: 'stop' | 'leave';
          logFormat?: 'json' | 'pretty';
        },
        cmd: Command,
      ) => {
        if (flags.maxConcurrent < 1) throw new Error('--max-concurrent must be at least 1');
        process.exitCode = await runDaemon({
          dataDir: cmd.optsWithGlobals<GlobalOptions>().dataDir,
          maxConcurrent: flags.maxConcurrent,
          onShutdown: flags.onShutdown,
          logFormat: flags.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json'),
        });
      },
    );
}
