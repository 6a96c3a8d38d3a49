import { Command, Option } from 'commander';
import { CountLimit } from '../../domain/limits.js';
import { UsageError } from '../../domain/errors.js';
import { parseAllowedHosts, parseCorsOrigins } from '../../domain/origins.js';
import { defaultMaxConcurrent } from '../../config.js';
import { runDaemon } from '../daemon.js';
import { collect, globalOverrides, intFlag, type GlobalOptions } from '../context.js';
import { withHelp } from '../help.js';

export function serveCommand(): Command {
  const serve = new Command('serve')
    .description(
      'run the daemon: fire schedules on time, run what they start, settle what a crash left',
    )
    .option(
      '--max-concurrent <n>',
      'run at most this many recipes at once; more wait, pending (default: no limit, or $GOOSE_FLOW_MAX_CONCURRENT)',
      intFlag('--max-concurrent', CountLimit.maxConcurrent),
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
    .option(
      '--port <port>',
      "serve HTTP on this port (0 = any free port): Goose's /health, /ports and /jobs, the REST API " +
        '/api/v1 (OpenAPI at /api/v1/openapi.json), its SSE events and /metrics (docs/api.md)',
      intFlag('--port', CountLimit.port),
    )
    .option(
      '--host <address>',
      'address to bind HTTP to (default 127.0.0.1; others need GOOSE_FLOW_TOKEN)',
      '127.0.0.1',
    )
    .option(
      '--cors-origin <origin>',
      'let a web page from this origin (scheme://host[:port]) call /api from a browser (repeatable; also $GOOSE_FLOW_CORS_ORIGINS, comma-separated); CORS is off without it',
      collect,
    )
    .option(
      '--allowed-host <name>',
      'serve requests for this host name too (repeatable; also $GOOSE_FLOW_ALLOWED_HOSTS); on a loopback bind only loopback names are served otherwise (DNS rebinding)',
      collect,
    )
    .option(
      '--temporal-port <port>',
      "with --engine temporal and no --temporal-address: the dev server's gRPC port (default: a free one)",
      intFlag('--temporal-port', { min: 1, max: 65_535 }),
    )
    .option(
      '--temporal-ui-port <port>',
      "with the dev server: its web UI's port (default: a free one; /ports reports it to Goose)",
      intFlag('--temporal-ui-port', { min: 1, max: 65_535 }),
    )
    .option(
      '--sqlite-pragma <pragma>',
      'with the dev server: a SQLite pragma for its database, e.g. journal_mode=WAL (repeatable)',
      collect,
    )
    .action(
      async (
        flags: {
          port?: number;
          host: string;
          corsOrigin?: string[];
          allowedHost?: string[];
          temporalPort?: number;
          temporalUiPort?: number;
          sqlitePragma?: string[];
          maxConcurrent?: number;
          onShutdown: 'stop' | 'leave';
          logFormat?: 'json' | 'pretty';
        },
        cmd: Command,
      ) => {
        const maxConcurrent = flags.maxConcurrent ?? defaultMaxConcurrent();
        const corsOrigins = parseCorsOrigins(flags.corsOrigin ?? [], '--cors-origin');
        if (flags.corsOrigin && flags.port === undefined)
          throw new UsageError('--cors-origin needs --port: HTTP is off without it');
        const allowedHosts = parseAllowedHosts(flags.allowedHost ?? [], '--allowed-host');
        process.exitCode = await runDaemon({
          dataDir: cmd.optsWithGlobals<GlobalOptions>().dataDir,
          overrides: {
            ...globalOverrides(cmd),
            temporalPort: flags.temporalPort,
            temporalUiPort: flags.temporalUiPort,
            sqlitePragmas: flags.sqlitePragma,
          },
          maxConcurrent,
          onShutdown: flags.onShutdown,
          ...(flags.port !== undefined
            ? {
                http: {
                  host: flags.host,
                  port: flags.port,
                  probe: false,
                  corsOrigins,
                  allowedHosts,
                },
              }
            : {}),
          logFormat: flags.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json'),
        });
      },
    );
  return withHelp(serve, {
    notes: `One daemon per data dir. Logs go to stdout; stop it with Ctrl-C or SIGTERM.

Global options (goose-flow --help) such as --engine, --data-dir and --temporal-address go before
the command: goose-flow --engine temporal serve (serve --engine temporal works too). The data dir
records its engine once chosen; \`goose-flow engine move\` changes it.

On the Temporal engine serve runs a Temporal worker on the task queue. Without --temporal-address
it starts \`temporal server start-dev\` (found on PATH or at $GOOSE_FLOW_TEMPORAL_BIN) with its
database at <data dir>/temporal.db, and stops it on shutdown. Other commands on this data dir then
use it.

HTTP (--port): /health, /ports and /jobs speak Goose's temporal-service protocol; /api/v1 is the
REST API (OpenAPI at /api/v1/openapi.json, SSE at /api/v1/events); /metrics is for Prometheus.
/api and /metrics need Authorization: Bearer $GOOSE_FLOW_TOKEN when it is set.`,
    examples: [
      'goose-flow serve',
      'goose-flow serve --port 8080 --max-concurrent 4 --on-shutdown leave',
      'GOOSE_FLOW_TOKEN=s3cret goose-flow serve --port 8080 --host 0.0.0.0',
      'goose-flow serve --port 8080 --cors-origin http://localhost:5173',
      'goose-flow --engine temporal serve --port 0 --sqlite-pragma journal_mode=WAL',
      'goose-flow --engine temporal --temporal-address tq.example:7233 serve --port 8080',
    ],
    env: [
      'GOOSE_FLOW_HOME',
      'GOOSE_FLOW_ENGINE',
      'GOOSE_FLOW_GOOSE_BIN',
      'GOOSE_FLOW_KILL_GRACE',
      'GOOSE_FLOW_MAX_CONCURRENT',
      'GOOSE_FLOW_ORPHANS',
      'GOOSE_FLOW_TOKEN',
      'GOOSE_FLOW_JOBS_KEY',
      'GOOSE_FLOW_CORS_ORIGINS',
      'GOOSE_FLOW_ALLOWED_HOSTS',
      'GOOSE_FLOW_TEMPORAL_BIN',
      'GOOSE_FLOW_TEMPORAL_UI_PORT',
    ],
  });
}

export function workerCommand(): Command {
  const worker = new Command('worker')
    .description(
      'run a Temporal worker only (scale-out): it polls the task queue and runs recipes on this host',
    )
    .option(
      '--max-concurrent <n>',
      'run at most this many recipes at once; more wait, pending (default: no limit, or $GOOSE_FLOW_MAX_CONCURRENT)',
      intFlag('--max-concurrent', CountLimit.maxConcurrent),
    )
    .option('--log-format <format>', 'json or pretty (default: pretty on a terminal)')
    .action(async (flags: { maxConcurrent?: number; logFormat?: string }, cmd: Command) => {
      const maxConcurrent = flags.maxConcurrent ?? defaultMaxConcurrent();
      const format = flags.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json');
      if (format !== 'json' && format !== 'pretty')
        throw new Error(`--log-format must be json or pretty (got '${format}')`);
      process.exitCode = await runDaemon({
        dataDir: cmd.optsWithGlobals<GlobalOptions>().dataDir,
        overrides: { ...globalOverrides(cmd), engine: 'temporal' },
        workerOnly: true,
        maxConcurrent,
        onShutdown: 'stop',
        logFormat: format,
      });
    });
  return withHelp(worker, {
    notes: `Needs --temporal-address (or GOOSE_FLOW_TEMPORAL_ADDRESS), or a \`serve --engine temporal\` running
on the same data dir. Any number of workers on any number of hosts may poll one task queue; a run
whose worker dies is retried on another once its heartbeat times out. Global options go before
the command (goose-flow --temporal-address host:7233 worker).`,
    examples: [
      'goose-flow worker      # next to a goose-flow --engine temporal serve on this data dir',
      'goose-flow --temporal-address tq.example:7233 --task-queue builds worker --max-concurrent 2',
      'GOOSE_FLOW_TEMPORAL_ADDRESS=tq.example:7233 goose-flow worker --log-format json',
    ],
    env: [
      'GOOSE_FLOW_HOME',
      'GOOSE_FLOW_TEMPORAL_ADDRESS',
      'GOOSE_FLOW_TEMPORAL_NAMESPACE',
      'GOOSE_FLOW_TEMPORAL_TASK_QUEUE',
      'GOOSE_FLOW_TEMPORAL_API_KEY',
      'GOOSE_FLOW_MAX_CONCURRENT',
      'GOOSE_FLOW_GOOSE_BIN',
    ],
  });
}
