#!/usr/bin/env node
import { Command, CommanderError, Option } from 'commander';
import { runCommand } from './commands/run.js';
import { resumeCommand } from './commands/resume.js';
import { runsCommand } from './commands/runs.js';
import { logsCommand } from './commands/logs.js';
import { killCommand } from './commands/kill.js';
import { recipeCommand } from './commands/recipe.js';
import { recoverCommand } from './commands/recover.js';
import { scheduleCommand } from './commands/schedule.js';
import { templateCommand } from './commands/template.js';
import { serveCommand, workerCommand } from './commands/serve.js';
import { statusCommand } from './commands/status.js';
import { eventsCommand } from './commands/events.js';
import { engineCommand } from './commands/engine.js';
import { exportCommand, importCommand } from './commands/transfer.js';
import { environmentHelp } from './help.js';
import { describeError, errorJson, exitCodeForError } from './exit-codes.js';
import { VERSION } from '../version.js';

function program(): Command {
  const root = new Command('goose-flow')
    .description('Run Goose recipes as durable, supervised workflows.')
    .version(VERSION)
    .option('--data-dir <dir>', 'data dir (default: $GOOSE_FLOW_HOME or ~/.local/share/goose-flow)')
    .addOption(
      new Option(
        '--engine <engine>',
        'embedded or temporal, for a data dir with none recorded yet (default embedded; ' +
          '`engine move` changes a recorded one)',
      ).choices(['embedded', 'temporal']),
    )
    .option(
      '--temporal-address <host:port>',
      'Temporal frontend (default: the dev server `serve` started)',
    )
    .option('--namespace <ns>', 'Temporal namespace (default: default)')
    .option('--task-queue <name>', 'Temporal task queue (default: goose-flow)')
    .option('--tls-ca <file>', 'Temporal TLS: server CA certificate (PEM)')
    .option('--tls-cert <file>', 'Temporal TLS: client certificate (PEM, with --tls-key)')
    .option('--tls-key <file>', 'Temporal TLS: client key (PEM)')
    .option('--tls-server-name <name>', 'Temporal TLS: server name override')
    .option(
      '--api-key <key>',
      'Temporal Cloud API key (prefer $GOOSE_FLOW_TEMPORAL_API_KEY: flags show in ps)',
    )
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Global options go before the command (goose-flow --engine temporal serve); after it they work too.

Environment:
${environmentHelp()}

Exit codes: 0 ok, 1 failure, 2 usage error; \`run\` also 124 timed out, 130 cancelled.
Docs: README.md and docs/ (configuration, CLI and --json shapes, architecture, benchmarks).`,
    )
    .exitOverride();
  for (const cmd of [
    runCommand(),
    resumeCommand(),
    runsCommand(),
    logsCommand(),
    killCommand(),
    recipeCommand(),
    recoverCommand(),
    scheduleCommand(),
    templateCommand(),
    serveCommand(),
    workerCommand(),
    statusCommand(),
    eventsCommand(),
    engineCommand(),
    importCommand(),
    exportCommand(),
  ]) {
    root.addCommand(cmd);
  }
  // Subcommands inherit exit-override so usage errors end up in one place with exit code 2.
  const override = (c: Command): void => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(root);
  return root;
}

async function main(argv: string[]): Promise<void> {
  try {
    await program().parseAsync(argv);
  } catch (err) {
    if (!(err instanceof CommanderError)) {
      process.stderr.write(`goose-flow: ${describeError(err)}\n`);
      // A script that asked for JSON gets JSON for a failure too, in the API's error shape.
      if (argv.includes('--json')) process.stdout.write(JSON.stringify(errorJson(err)) + '\n');
    }
    process.exitCode = exitCodeForError(err);
  }
}

// A reader that stops early (`goose-flow runs | head`) closes the pipe: the rest of the output has
// nowhere to go, which is no reason to crash (a supervised `run` still finishes its run).
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });
}

await main(process.argv);
